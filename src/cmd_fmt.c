/* cmd_fmt.c - `litehcl fmt [options] [DIR|FILE|-]...`: Terraform's fmt command over
 * the formatter in fmt.c.
 *
 * Same targets (the working directory by default; directories give their .tf,
 * .tfvars, .tftest.hcl and .tfmock.hcl files, -recursive their subdirectories too;
 * "-" reads standard input), same flags (-list, -write, -diff, -check, -recursive,
 * -no-color), same output (paths relative to the working directory, the unified
 * diff of the system's diff(1) as Terraform runs it, formatted text on stdout) and
 * the same exit codes: 0, 2 after any error (a file that does not parse is reported
 * and left unchanged, the others are still processed), 3 when -check finds a file
 * to format, 1 for a usage error.  Files are rewritten atomically: a crash leaves
 * either the old or the new text, never a mix. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "fmt.h"

extern char **environ;

static const char usage[] =
	"Usage: litehcl [global options] fmt [options] [target...]\n"
	"\n"
	"  Rewrites all litehcl configuration files to a canonical format, exactly as\n"
	"  \"terraform fmt\" does. All configuration files (.tf), variables files\n"
	"  (.tfvars), and testing files (.tftest.hcl, .tfmock.hcl) are updated. JSON\n"
	"  files (.tf.json, .tfvars.json) are not modified.\n"
	"\n"
	"  By default, fmt scans the current directory for configuration files. If you\n"
	"  provide a directory for the target argument, then fmt will scan that\n"
	"  directory instead. If you provide a file, then fmt will process just that\n"
	"  file. If you provide a single dash (\"-\"), then fmt will read from standard\n"
	"  input (STDIN).\n"
	"\n"
	"  The content must be in the native HCL syntax; JSON is not supported. A file\n"
	"  with syntax errors is reported and left unchanged.\n"
	"\n"
	"Options:\n"
	"\n"
	"  -list=false    Don't list files whose formatting differs\n"
	"                 (always disabled if using STDIN)\n"
	"\n"
	"  -write=false   Don't write to source files\n"
	"                 (always disabled if using STDIN or -check)\n"
	"\n"
	"  -diff          Display diffs of formatting changes\n"
	"\n"
	"  -check         Check if the input is formatted. Exit status will be 0 if all\n"
	"                 input is properly formatted and non-zero otherwise.\n"
	"\n"
	"  -no-color      If specified, output won't contain any color.\n"
	"\n"
	"  -recursive     Also process files in subdirectories. By default, only the\n"
	"                 given directory (or current directory) is processed.\n";

static const char *const exts[] = { ".tf", ".tfvars", ".tftest.hcl", ".tfmock.hcl", NULL };

typedef struct fctx {
	bool list, write, diff, recursive;
	lh_buf *capture;	/* -check: output collected here instead of stdout */
	lh_arena *a;		/* diagnostics of the whole run */
	lh_diags d;
	bool failed;		/* a write to stdout failed */
} fctx;

/* Output as Terraform's UI prints it: one Write is one message, whose single
 * trailing newline is replaced by the one the UI adds. */
static void
out(fctx *c, const char *p, size_t n)
{
	if (c->capture != NULL) {
		lh_buf_put(c->capture, p, n);
		return;
	}
	if (n > 0 && p[n - 1] == '\n')
		n--;
	if (fwrite(p, 1, n, stdout) != n || fputc('\n', stdout) == EOF)
		c->failed = true;
}

static void
error(fctx *c, const char *fmt, const char *arg, const char *arg2)
{
	char *s = lh_arena_printf(c->a, fmt, arg, arg2);
	lh_diag_add(&c->d, LH_DIAG_ERROR, NULL, 0, 0, s, NULL);
}

static bool
has_ext(const char *name)
{
	size_t n = strlen(name);
	for (const char *const *e = exts; *e != NULL; e++) {
		size_t k = strlen(*e);
		if (n >= k && strcmp(name + n - k, *e) == 0)
			return true;
	}
	return false;
}

/* Lexically cleans an absolute path (Go's filepath.Clean): no "." or "..", no
 * doubled or trailing slash. */
static char *
clean_abs(lh_arena *a, const char *p)
{
	size_t n = strlen(p);
	char *o = lh_arena_alloc(a, n + 2);
	size_t k = 0;
	o[k++] = '/';
	for (size_t i = 0; i < n;) {
		while (i < n && p[i] == '/')
			i++;
		size_t s = i;
		while (i < n && p[i] != '/')
			i++;
		size_t len = i - s;
		if (len == 0 || (len == 1 && p[s] == '.'))
			continue;
		if (len == 2 && p[s] == '.' && p[s + 1] == '.') {
			while (k > 1 && o[k - 1] != '/')
				k--;
			if (k > 1)
				k--;
			continue;
		}
		if (k > 1)
			o[k++] = '/';
		memcpy(o + k, p + s, len);
		k += len;
	}
	o[k] = '\0';
	return o;
}

/* The path as Terraform shows it: relative to the working directory (Go's
 * filepath.Rel of the cleaned absolute path), "../" included where needed. */
static const char *
norm_path(lh_arena *a, const char *path)
{
	char cwd[PATH_MAX];
	if (getcwd(cwd, sizeof cwd) == NULL)
		return path;
	const char *abs = path[0] == '/' ? clean_abs(a, path)
	    : clean_abs(a, lh_arena_printf(a, "%s/%s", cwd, path));
	const char *base = clean_abs(a, cwd);
	/* common leading components */
	size_t i = 0, last = 0;
	for (;; i++) {
		if (base[i] == '\0' && (abs[i] == '\0' || abs[i] == '/')) {
			last = i;
			break;
		}
		if (abs[i] == '\0' && base[i] == '/') {
			last = i;
			break;
		}
		if (base[i] != abs[i])
			break;
		if (base[i] == '/')
			last = i;
	}
	if (strcmp(base, "/") == 0)
		last = 0;
	lh_buf b = { 0 };
	for (const char *p = base + last; *p; p++)
		if (*p == '/' && p[1] != '\0')
			lh_buf_puts(&b, b.len ? "/.." : "..");
	const char *rest = abs + last;
	if (*rest == '/')
		rest++;
	if (*rest) {
		if (b.len)
			lh_buf_putc(&b, '/');
		lh_buf_puts(&b, rest);
	}
	char *r = lh_arena_strdup(a, b.len ? b.p : ".");
	lh_buf_free(&b);
	return r;
}

/* Reads all of fd into b; false on a read error. */
static bool
read_all(int fd, lh_buf *b)
{
	char chunk[65536];
	lh_buf_put(b, "", 0);
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		if (n == 0)
			return true;
		lh_buf_put(b, chunk, (size_t)n);
	}
}

static bool
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Replaces the file at path with p[0..n): a temporary file beside it, synced, given
 * the old file's permissions, renamed over it (through a symlink to its target). */
static bool
replace_file(const char *path, const char *p, size_t n)
{
	char real[PATH_MAX];
	struct stat st;
	if (realpath(path, real) == NULL || stat(real, &st) != 0)
		return false;
	char *tmp = lh_xprintf("%s.fmt-XXXXXX", real);
	int fd = mkstemp(tmp);
	bool ok = false;
	if (fd < 0)
		goto out;
	ok = write_all(fd, p, n) && fchmod(fd, st.st_mode & 07777) == 0 && fsync(fd) == 0;
	if (close(fd) != 0)
		ok = false;
	if (ok && rename(tmp, real) != 0)
		ok = false;
	if (!ok)
		unlink(tmp);
out:
	free(tmp);
	return ok;
}

/* Writes p[0..n) to a new temporary file; returns its malloc'd name or NULL. */
static char *
temp_with(const char *p, size_t n)
{
	const char *dir = getenv("TMPDIR");
	char *name = lh_xprintf("%s/litehcl-fmt-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(name);
	if (fd < 0) {
		free(name);
		return NULL;
	}
	bool ok = write_all(fd, p, n);
	if (close(fd) != 0 || !ok) {
		unlink(name);
		free(name);
		return NULL;
	}
	return name;
}

/* The unified diff Terraform shows: it runs diff(1) on two temporary files with
 * old/PATH and new/PATH labels, and takes its output (stdout and stderr). */
static bool
run_diff(fctx *c, const char *path, const char *a, size_t an, const char *b, size_t bn,
    lh_buf *res, const char **why)
{
	char *f1 = temp_with(a, an), *f2 = temp_with(b, bn), *f3 = temp_with("", 0);
	char *l1 = lh_xprintf("--label=old/%s", path), *l2 = lh_xprintf("--label=new/%s", path);
	bool ok = false;
	*why = "cannot create temporary files";
	if (f1 == NULL || f2 == NULL || f3 == NULL)
		goto out;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, f3, O_WRONLY | O_TRUNC, 0);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	char *argv[] = { "diff", l1, l2, "-u", f1, f2, NULL };
	pid_t pid;
	int st = 0;
	int e = posix_spawnp(&pid, "diff", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (e != 0) {
		*why = lh_arena_printf(c->a, "exec: \"diff\": %s", strerror(e));
		goto out;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	int fd = open(f3, O_RDONLY);
	if (fd < 0 || !read_all(fd, res)) {
		if (fd >= 0)
			close(fd);
		*why = "cannot read the output of diff";
		goto out;
	}
	close(fd);
	if (res->len > 0 || (WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
		ok = true;
	} else {
		*why = WIFEXITED(st) ? lh_arena_printf(c->a, "exit status %d", WEXITSTATUS(st))
		    : "diff was killed";
	}
out:
	if (f1) { unlink(f1); free(f1); }
	if (f2) { unlink(f2); free(f2); }
	if (f3) { unlink(f3); free(f3); }
	free(l1);
	free(l2);
	return ok;
}

/* Formats one file (fd open for reading, path as shown) or standard input. */
static void
process(fctx *c, const char *path, int fd)
{
	lh_buf in = { 0 };
	if (!read_all(fd, &in)) {
		error(c, "Failed to read %s", path, NULL);
		lh_buf_free(&in);
		return;
	}
	lh_arena *a = lh_arena_new();
	lh_source *src = lh_source_from_mem(a, lh_arena_strdup(c->a, path), in.p, in.len);
	lh_diags d;
	lh_diags_init(&d, c->a);
	size_t n = 0;
	const char *res = lh_fmt_file(a, src, &d, &n);
	if (res == NULL) {
		/* the diagnostics point into src: keep it in the run's arena */
		lh_source *keep = lh_source_from_mem(c->a, src->name, in.p, in.len);
		/* and its blocks, which name the context (`in resource "T" "N"`) */
		if (src->has_blocks) {
			lh_srcblock *bl = lh_arena_alloc(c->a, (src->nblocks + 1) * sizeof *bl);
			for (size_t i = 0; i < src->nblocks; i++) {
				bl[i] = src->blocks[i];
				if (bl[i].header != NULL)
					bl[i].header = lh_arena_strdup(c->a, bl[i].header);
			}
			keep->blocks = bl;
			keep->nblocks = src->nblocks;
			keep->has_blocks = true;
		}
		for (lh_diag *g = d.head; g != NULL; g = g->next)
			if (g->src == src)
				g->src = keep;
		if (d.head != NULL) {
			if (c->d.tail != NULL)
				c->d.tail->next = d.head;
			else
				c->d.head = d.head;
			c->d.tail = d.tail;
			c->d.errors += d.errors;
			c->d.warnings += d.warnings;
		}
		goto done;
	}
	if (n != in.len || memcmp(res, in.p, n) != 0) {
		if (c->list) {
			char *line = lh_xprintf("%s\n", path);
			out(c, line, strlen(line));
			free(line);
		}
		if (c->write && !replace_file(path, res, n)) {
			error(c, "Failed to write %s", path, NULL);
			goto done;
		}
		if (c->diff) {
			lh_buf diff = { 0 };
			const char *why = NULL;
			if (!run_diff(c, path, in.p, in.len, res, n, &diff, &why)) {
				error(c, "Failed to generate diff for %s: %s", path, why);
				lh_buf_free(&diff);
				goto done;
			}
			out(c, diff.p, diff.len);
			lh_buf_free(&diff);
		}
	}
	if (!c->list && !c->write && !c->diff)
		out(c, res, n);
done:
	lh_arena_free(a);
	lh_buf_free(&in);
}

static void
process_path(fctx *c, const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		error(c, "Failed to read file %s", path, NULL);
		return;
	}
	process(c, norm_path(c->a, path), fd);
	close(fd);
}

static int
by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static bool
ignored(const char *name)
{
	size_t n = strlen(name);
	return name[0] == '.' || (n > 0 && name[n - 1] == '~') ||
	    (name[0] == '#' && n > 0 && name[n - 1] == '#');
}

static void
process_dir(fctx *c, const char *path)
{
	DIR *dir = opendir(path);
	if (dir == NULL) {
		error(c, errno == ENOENT ? "There is no configuration directory at %s"
		    : "Cannot read directory %s", path, NULL);
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = lh_arena_grow(c->a, names, n, cap, sizeof *names);
		}
		names[n++] = lh_arena_strdup(c->a, e->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		if (ignored(names[i]))
			continue;
		const char *sub = strcmp(path, ".") == 0 ? names[i]
		    : lh_arena_printf(c->a, "%s%s%s", path,
			path[strlen(path) - 1] == '/' ? "" : "/", names[i]);
		struct stat st;
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (c->recursive)
				process_dir(c, sub);
			continue;
		}
		if (has_ext(names[i]))
			process_path(c, sub);
	}
}

/* -bench: one formatting; notes the length of its output. */
static bool
fmt_once(lh_arena *a, const lh_source *s, lh_diags *d, void *ctx)
{
	return lh_fmt_file(a, s, d, (size_t *)ctx) != NULL;
}

/* -bench FILE (hidden, for tests/bench/fmt.sh): formats the file in memory repeatedly
 * for about a second of CPU time and prints the throughput by CPU time and by wall
 * clock, and how many bytes the formatting changed. */
static int
bench(const char *path)
{
	size_t outlen = 0;
	lh_bench b;
	if (!lh_cli_bench(path, fmt_once, &outlen, &b))
		return 1;
	printf("fmt: %zu bytes (%zu formatted) x %zu runs: %.1f MB/s by CPU time (%.3f s), %.1f MB/s by wall clock (%.3f s)\n",
	    b.bytes, outlen, b.runs, (double)b.bytes * (double)b.runs / b.cpu / 1e6, b.cpu,
	    (double)b.bytes * (double)b.runs / b.wall / 1e6, b.wall);
	return 0;
}

int
lh_cmd_fmt(int argc, char **argv)
{
	bool list = true, write = true, diff = false, check = false, recursive = false,
	    no_color = false, help = false, benchf = false;
	lh_opt opts[] = {
		{ "list", LH_OPT_BOOL, &list },
		{ "write", LH_OPT_BOOL, &write },
		{ "diff", LH_OPT_BOOL, &diff },
		{ "check", LH_OPT_BOOL, &check },
		{ "recursive", LH_OPT_BOOL, &recursive },
		{ "no-color", LH_OPT_BOOL, &no_color },
		{ "bench", LH_OPT_BOOL, &benchf },
		{ NULL, 0, NULL },
	};
	int npos = 0;
	if (!lh_cli_parse("fmt", opts, argc - 1, argv + 1, &npos, &help))
		return 1;
	if (help) {
		fputs(usage, stdout);
		return 0;
	}
	char **paths = argv + 1;
	if (benchf && npos == 1)
		return bench(paths[0]);
	bool use_stdin = npos > 0 && strcmp(paths[0], "-") == 0;
	if (use_stdin) {
		list = false;
		write = false;
	}
	fctx c = { .list = list, .write = write, .diff = diff, .recursive = recursive };
	lh_buf captured = { 0 };
	if (check) {
		c.list = true;
		c.write = false;
		c.capture = &captured;
	}
	c.a = lh_arena_new();
	lh_diags_init(&c.d, c.a);

	if (use_stdin) {
		process(&c, "<stdin>", 0);
	} else {
		static char dot[] = ".";
		char *def[] = { dot };
		if (npos == 0) {
			paths = def;
			npos = 1;
		}
		for (int i = 0; i < npos; i++) {
			const char *p = norm_path(c.a, paths[i]);
			struct stat st;
			if (stat(p, &st) != 0) {
				error(&c, "No file or directory at %s", p, NULL);
				break;
			}
			if (S_ISDIR(st.st_mode))
				process_dir(&c, p);
			else if (has_ext(p))
				process_path(&c, p);
			else
				error(&c, "Only .tf, .tfvars, and .tftest.hcl files can be processed with litehcl fmt", NULL, NULL);
		}
	}

	lh_diag_print_ui(stderr, &c.d, lh_cli_color(no_color) && isatty(2));	/* Terraform's cli.Ui */
	int rc = 0;
	if (c.d.errors > 0) {
		rc = 2;
	} else if (check) {
		bool clean = captured.len == 0;
		if (list && !clean) {
			c.capture = NULL;
			out(&c, captured.p, captured.len);
		}
		rc = clean ? 0 : 3;
	}
	if (fflush(stdout) != 0 || ferror(stdout) || c.failed) {
		fputs("Error: cannot write the output\n", stderr);
		rc = rc ? rc : 1;
	}
	lh_buf_free(&captured);
	lh_arena_free(c.a);
	return rc;
}
