/* func_file.c - filesystem functions: file filebase64 filemd5 filesha1 filesha256
 * filesha512 filebase64sha256 filebase64sha512 fileexists fileset templatefile
 * templatestring abspath basename dirname pathexpand.  Relative paths are resolved against c->basedir (the module
 * directory), except abspath, which like Terraform's uses the process directory.
 * Path manipulation follows Go's path/filepath (Clean, Base, Dir). */
#include "func_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

/* Go's filepath.Clean. */
static char *
clean(lh_arena *a, const char *p)
{
	size_t n = strlen(p);
	if (n == 0)
		return lh_arena_strdup(a, ".");
	bool rooted = p[0] == '/';
	char *out = lh_arena_alloc(a, n + 2);
	size_t w = 0, r = 0, dotdot = 0;
	if (rooted) {
		out[w++] = '/';
		r = 1;
		dotdot = 1;
	}
	while (r < n) {
		if (p[r] == '/') {
			r++;
		} else if (p[r] == '.' && (r + 1 == n || p[r + 1] == '/')) {
			r++;
		} else if (p[r] == '.' && p[r + 1] == '.' && (r + 2 == n || p[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			while (r < n && p[r] != '/')
				out[w++] = p[r++];
		}
	}
	if (w == 0)
		out[w++] = '.';
	out[w] = 0;
	return out;
}

static lh_value *
f_basename(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *p = a[0]->u.str.s;
	size_t len = a[0]->u.str.len;
	if (len == 0)
		return lh_val_cstr(c->a, ".");
	while (len > 0 && p[len - 1] == '/')
		len--;
	if (len == 0)
		return lh_val_cstr(c->a, "/");
	size_t st = len;
	while (st > 0 && p[st - 1] != '/')
		st--;
	return lh_val_string(c->a, p + st, len - st);
}

static lh_value *
f_dirname(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *p = a[0]->u.str.s;
	size_t len = a[0]->u.str.len, i = len;
	while (i > 0 && p[i - 1] != '/')
		i--;
	char *dir = lh_arena_strndup(c->a, p, i);
	return lh_val_cstr(c->a, clean(c->a, dir));
}

static lh_value *
f_abspath(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *p = a[0]->u.str.s;
	if (p[0] == '/')
		return lh_val_cstr(c->a, clean(c->a, p));
	char cwd[4096];
	if (getcwd(cwd, sizeof cwd) == NULL)
		return lh_fn_fail(c, "cannot determine the working directory");
	return lh_val_cstr(c->a, clean(c->a, lh_arena_printf(c->a, "%s/%s", cwd, p)));
}

static bool
expand_home(lh_func_ctx *c, const char *p, char **out)
{
	if (p[0] != '~') {
		*out = (char *)p;
		return true;
	}
	if (p[1] != 0 && p[1] != '/' && p[1] != '\\')
		return false;
	const char *home = getenv("HOME");
	*out = lh_arena_printf(c->a, "%s%s", home ? home : "", p + 1);
	return true;
}

static lh_value *
f_pathexpand(lh_func_ctx *c, lh_value **a, size_t n)
{
	char *out;
	if (!expand_home(c, a[0]->u.str.s, &out))
		return lh_fn_fail(c, "cannot expand user-specific home dir");
	return lh_val_cstr(c->a, out);
}

static char *
resolve(lh_func_ctx *c, const char *p)
{
	char *e;
	if (!expand_home(c, p, &e))
		e = (char *)p;
	return clean(c->a, lh_fn_path(c, e));
}

/* The text Go's syscall.Errno gives for e: the C library's, in lower case. */
static char *
go_errstr(lh_arena *a, int e)
{
	char *m = lh_arena_strdup(a, strerror(e));
	if (m[0] >= 'A' && m[0] <= 'Z')
		m[0] = (char)(m[0] - 'A' + 'a');
	return m;
}

/* Reads the whole file at the resolved path p into the arena; false with errno set
 * and *op the failed operation ("open" or "read"). */
static bool
read_all(lh_func_ctx *c, const char *p, char **out, size_t *outlen, const char **op)
{
	*op = "open";
	FILE *f = fopen(p, "rb");
	if (f == NULL)
		return false;
	*op = "read";
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		errno = EISDIR;
		return false;
	}
	size_t cap = 4096, len = 0;
	char *buf = lh_arena_alloc(c->a, cap + 1);
	for (;;) {
		if (len == cap) {
			buf = lh_arena_grow(c->a, buf, len, cap * 2 + 1, 1);
			cap *= 2;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	int e = ferror(f) ? errno : 0;
	fclose(f);
	if (e != 0) {
		errno = e;
		return false;
	}
	buf[len] = 0;
	*out = buf;
	*outlen = len;
	return true;
}

/* file and filebase64: the bytes of the file, or Terraform's argument error. */
static bool
read_arg(lh_func_ctx *c, lh_value *path, char **out, size_t *len)
{
	const char *p = resolve(c, path->u.str.s), *op;
	if (read_all(c, p, out, len, &op))
		return true;
	if (errno == ENOENT)
		lh_fn_argerr(c, 0, "no file exists at %s; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource",
		    lh_fn_quote(c->a, path));
	else
		lh_fn_argerr(c, 0, "failed to read file: %s %s: %s", op, p, go_errstr(c->a, errno));
	return false;
}

static lh_value *
f_file(lh_func_ctx *c, lh_value **a, size_t n)
{
	char *buf;
	size_t len;
	if (!read_arg(c, a[0], &buf, &len))
		return NULL;
	if (!lh_fn_valid_utf8(buf, len))
		return lh_fn_argerr(c, 0, "contents of %s are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead",
		    lh_fn_quote(c->a, a[0]));
	return lh_val_string(c->a, buf, len);
}

static lh_value *
f_filebase64(lh_func_ctx *c, lh_value **a, size_t n)
{
	char *buf;
	size_t len;
	if (!read_arg(c, a[0], &buf, &len))
		return NULL;
	return lh_fn_base64(c->a, (const unsigned char *)buf, len);
}

/* filemd5 ... filebase64sha512: a digest of the file's bytes. */
static lh_value *
file_hash(lh_func_ctx *c, lh_value *path, const char *alg, bool b64)
{
	const char *p = resolve(c, path->u.str.s), *op;
	char *buf;
	size_t len;
	if (!read_all(c, p, &buf, &len, &op))
		return lh_fn_fail(c, "%s %s: %s", op, p, go_errstr(c->a, errno));
	unsigned char d[64];
	size_t dn = lh_fn_digest(alg, buf, len, d);
	if (dn == 0)
		return lh_fn_fail(c, "the %s digest is not available", alg);
	return b64 ? lh_fn_base64(c->a, d, dn) : lh_fn_hex(c->a, d, dn);
}

static lh_value *f_filemd5(lh_func_ctx *c, lh_value **a, size_t n) { return file_hash(c, a[0], "MD5", false); }
static lh_value *f_filesha1(lh_func_ctx *c, lh_value **a, size_t n) { return file_hash(c, a[0], "SHA1", false); }
static lh_value *f_filesha256(lh_func_ctx *c, lh_value **a, size_t n) { return file_hash(c, a[0], "SHA256", false); }
static lh_value *f_filesha512(lh_func_ctx *c, lh_value **a, size_t n) { return file_hash(c, a[0], "SHA512", false); }
static lh_value *f_fileb64sha256(lh_func_ctx *c, lh_value **a, size_t n) { return file_hash(c, a[0], "SHA256", true); }
static lh_value *f_fileb64sha512(lh_func_ctx *c, lh_value **a, size_t n) { return file_hash(c, a[0], "SHA512", true); }

/* ---- fileset: doublestar globbing (bmatcuk/doublestar, as Terraform uses it) ---- */

/* Go's filepath.Match getEsc: one class character at pat[*p] (an escape taken), which
 * must be followed by more pattern; -1 on a syntax error. */
static int
class_char(const char *pat, size_t pl, size_t *p)
{
	if (*p >= pl || pat[*p] == '-' || pat[*p] == ']')
		return -1;
	if (pat[*p] == '\\' && ++*p >= pl)
		return -1;
	unsigned char ch = (unsigned char)pat[(*p)++];
	return *p >= pl ? -1 : ch;
}

/* A character class starting after its '[' at *p: 1 when b is in it, 0 when not, -1 on
 * a syntax error; *p ends after the ']'. */
static int
class_match(const char *pat, size_t pl, size_t *p, unsigned char b)
{
	bool neg = *p < pl && pat[*p] == '^';
	if (neg)
		++*p;
	bool hit = false;
	for (int nrange = 0;; nrange++) {
		if (*p < pl && pat[*p] == ']' && nrange > 0) {
			++*p;
			break;
		}
		int lo = class_char(pat, pl, p), hi = lo;
		if (lo < 0)
			return -1;
		if (pat[*p] == '-') {
			++*p;
			if ((hi = class_char(pat, pl, p)) < 0)
				return -1;
		}
		if (b >= lo && b <= hi)
			hit = true;
	}
	return hit != neg;
}

/* Matches one path segment name against one pattern segment pat[0..pl): * ? [...]
 * ([^...] negates) {a,b} and \ escapes.  Returns 1 on a match, 0 on none, -1 when the
 * pattern is malformed. */
static int
seg_match(const char *pat, size_t pl, const char *name, size_t nl)
{
	size_t p = 0, i = 0;
	while (p < pl) {
		char ch = pat[p];
		if (ch == '*') {
			while (p < pl && pat[p] == '*')
				p++;
			for (size_t k = i;; k++) {
				int r = seg_match(pat + p, pl - p, name + k, nl - k);
				if (r != 0)
					return r;
				if (k >= nl)
					return 0;
			}
		}
		if (ch == '{') {
			/* alternatives: find the matching } and try each choice with the rest */
			size_t depth = 0, e = p, start = p + 1;
			for (; e < pl; e++) {
				if (pat[e] == '\\') {
					e++;
					continue;
				}
				if (pat[e] == '{')
					depth++;
				else if (pat[e] == '}' && --depth == 0)
					break;
			}
			if (e >= pl)
				return -1;
			size_t d = 0;
			for (size_t k = p + 1; k <= e; k++) {
				if (pat[k] == '\\') {
					k++;
					continue;
				}
				if (pat[k] == '{')
					d++;
				else if (pat[k] == '}' && d > 0)
					d--;
				else if ((pat[k] == ',' && d == 0) || k == e) {
					size_t alen = k - start, rest = pl - e - 1;
					char *alt = malloc(alen + rest + 1);
					if (alt == NULL)
						return -1;
					memcpy(alt, pat + start, alen);
					memcpy(alt + alen, pat + e + 1, rest);
					int r = seg_match(alt, alen + rest, name + i, nl - i);
					free(alt);
					if (r != 0)
						return r;
					start = k + 1;
				}
			}
			return 0;
		}
		if (i >= nl) {
			/* no more name: the rest must still be well formed */
			for (size_t k = p; k < pl; k++) {
				if (pat[k] == '\\') {
					k++;
				} else if (pat[k] == '[') {
					size_t q = k + 1;
					if (class_match(pat, pl, &q, 0) < 0)
						return -1;
					k = q - 1;
				}
			}
			return 0;
		}
		if (ch == '?') {
			unsigned char b = (unsigned char)name[i];
			size_t w = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
			i += w <= nl - i ? w : 1;
			p++;
			continue;
		}
		if (ch == '[') {
			p++;
			int m = class_match(pat, pl, &p, (unsigned char)name[i]);
			if (m <= 0)
				return m;
			i++;
			continue;
		}
		if (ch == '\\') {
			if (++p >= pl)
				return -1;
			ch = pat[p];
		}
		if (name[i] != ch)
			return 0;
		i++;
		p++;
	}
	return i == nl;
}

typedef struct {
	lh_func_ctx *c;
	const char **segs;	/* pattern segments */
	size_t nseg;
	lh_value **out;		/* matched file names (relative) */
	size_t n, cap;
	bool bad;		/* malformed pattern */
} glob_state;

/* Walks dir (the path rel below the fileset root) matching segments from si on. */
static void
glob_walk(glob_state *g, const char *dir, const char *rel, size_t si)
{
	if (g->bad || si >= g->nseg)
		return;
	const char *seg = g->segs[si];
	bool last = si + 1 == g->nseg;
	if (strcmp(seg, "**") == 0)
		glob_walk(g, dir, rel, si + 1);	/* "**" standing for no directory */
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	size_t ne = 0, cap = 16;
	char **names = malloc(cap * sizeof *names);
	struct dirent *e;
	while (names != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (ne == cap) {
			char **nn = realloc(names, 2 * cap * sizeof *names);
			if (nn == NULL)
				break;
			names = nn;
			cap *= 2;
		}
		names[ne++] = strdup(e->d_name);
	}
	closedir(d);
	for (size_t k = 0; k < ne; k++) {
		const char *nm = names[k];
		if (nm == NULL)
			continue;
		char *full = lh_arena_printf(g->c->a, "%s/%s", dir, nm);
		char *r = rel[0] ? lh_arena_printf(g->c->a, "%s/%s", rel, nm) : lh_arena_strdup(g->c->a, nm);
		struct stat st;
		if (stat(full, &st) != 0)
			continue;
		bool isdir = S_ISDIR(st.st_mode);
		if (strcmp(seg, "**") == 0) {
			if (isdir)
				glob_walk(g, full, r, si);	/* one more directory */
			else if (last)
				goto add;
			continue;
		}
		int m = seg_match(seg, strlen(seg), nm, strlen(nm));
		if (m < 0) {
			g->bad = true;
			break;
		}
		if (m == 0)
			continue;
		if (!last) {
			if (isdir)
				glob_walk(g, full, r, si + 1);
			continue;
		}
		if (isdir)
			continue;
add:
		if (g->n == g->cap) {
			size_t nc = g->cap ? 2 * g->cap : 16;
			g->out = lh_arena_grow(g->c->a, g->out, g->n * sizeof *g->out, nc * sizeof *g->out,
			    sizeof(void *));
			g->cap = nc;
		}
		g->out[g->n++] = lh_val_cstr(g->c->a, r);
	}
	for (size_t k = 0; k < ne; k++)
		free(names[k]);
	free(names);
}

static lh_value *
f_fileset(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *root = resolve(c, a[0]->u.str.s);
	/* Terraform globs filepath.Join(path, pattern) and makes the matches relative to
	 * path again: the pattern is what the join leaves below the root. */
	char *joinpat = clean(c->a, lh_arena_printf(c->a, "%s/%s", root, a[1]->u.str.s));
	size_t rl = strlen(root);
	char *pat = strcmp(root, ".") == 0 ? joinpat : strcmp(root, "/") == 0 ?
	    (joinpat[1] ? joinpat + 1 : (char *)".") :
	    strncmp(joinpat, root, rl) == 0 && joinpat[rl] == '/' ? joinpat + rl + 1 :
	    strcmp(joinpat, root) == 0 ? (char *)"." : (char *)"..";
	glob_state g = { .c = c };
	size_t cap = 8;
	g.segs = lh_arena_alloc(c->a, cap * sizeof *g.segs);
	for (char *p = pat; *p;) {
		size_t k = strcspn(p, "/");
		if (g.nseg == cap) {
			g.segs = lh_arena_grow(c->a, g.segs, cap * sizeof *g.segs, 2 * cap * sizeof *g.segs,
			    sizeof(void *));
			cap *= 2;
		}
		g.segs[g.nseg++] = lh_arena_strndup(c->a, p, k);
		p += k;
		if (*p == '/')
			p++;
	}
	lh_value *joined = lh_val_cstr(c->a, clean(c->a, lh_arena_printf(c->a, "%s/%s", root,
	    a[1]->u.str.s)));
	/* the syntax is checked even when nothing is there to match */
	for (size_t i = 0; i < g.nseg; i++)
		if (strcmp(g.segs[i], "**") != 0 && seg_match(g.segs[i], strlen(g.segs[i]), "", 0) < 0)
			return lh_fn_fail(c, "failed to glob pattern %s: syntax error in pattern",
			    lh_fn_quote(c->a, joined));
	if (strcmp(pat, ".") != 0 && strncmp(pat, "../", 3) != 0 && strcmp(pat, "..") != 0)
		glob_walk(&g, root, "", 0);
	if (g.bad)
		return lh_fn_fail(c, "failed to glob pattern %s: syntax error in pattern",
		    lh_fn_quote(c->a, joined));
	return lh_val_set(c->a, &lh_type_string, g.out, g.n);
}

static lh_value *
f_fileexists(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *path = resolve(c, a[0]->u.str.s);
	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return lh_val_bool(c->a, false);
		char *q;
		lh_str_go_quote(c->a, a[0]->u.str.s, a[0]->u.str.len, &q);
		return lh_fn_fail(c, "failed to stat %s", q);
	}
	if (S_ISDIR(st.st_mode)) {
		char *q;
		lh_str_go_quote(c->a, a[0]->u.str.s, a[0]->u.str.len, &q);
		return lh_fn_fail(c, "%s is a directory, not a file", q);
	}
	return lh_val_bool(c->a, S_ISREG(st.st_mode));
}

/* Templates rendered by templatefile/templatestring may not call either again. */
static int rendering;

/* Renders text (from name) with vars, Terraform's argument errors included. */
static lh_value *
render(lh_func_ctx *c, const char *name, const char *text, size_t len, lh_value *vars,
    bool file)
{
	if (rendering > 0)
		return lh_fn_fail(c, "cannot recursively call %s from inside another template function",
		    lh_fn_name());
	if (c->render_template == NULL)
		return lh_fn_fail(c, "templates are not available here");
	const char *err = NULL;
	int arg = -1;
	rendering++;
	lh_value *r = c->render_template(c, name, text, len, vars, &err, &arg);
	rendering--;
	if (r != NULL)
		return r;
	err = err ? err : "failed to render the template";
	if (arg == 1)
		return lh_fn_argerr(c, 1, "%s", err);
	if (arg == 0 && !file)
		return lh_fn_argerr(c, 0, "invalid template: %s", err);
	return lh_fn_fail(c, "%s", err);
}

static lh_value *
f_templatefile(lh_func_ctx *c, lh_value **a, size_t n)
{
	if (rendering > 0)
		return lh_fn_fail(c, "cannot recursively call %s from inside another template function",
		    lh_fn_name());
	char *buf;
	size_t len;
	if (!read_arg(c, a[0], &buf, &len))
		return NULL;
	return render(c, a[0]->u.str.s, buf, len, a[1], true);
}

/* templatestring(template, vars): the evaluator has checked that the template argument
 * is a direct reference; its value must be a string. */
static lh_value *
f_templatestring(lh_func_ctx *c, lh_value **a, size_t n)
{
	if (a[0]->type->kind != LH_TY_STRING)
		return lh_fn_argerr(c, 0, "invalid template value: a string is required");
	return render(c, "<templatestring argument>", a[0]->u.str.s, a[0]->u.str.len, a[1], false);
}

#define STR(nm) { .name = nm, .type = &lh_type_string }
const lh_fdef lh_func_file[] = {
	{ "file", 1, { STR("path") }, false, { 0 }, &lh_type_string, f_file },
	{ "filebase64", 1, { STR("path") }, false, { 0 }, &lh_type_string, f_filebase64 },
	{ "filemd5", 1, { STR("path") }, false, { 0 }, &lh_type_string, f_filemd5 },
	{ "filesha1", 1, { STR("path") }, false, { 0 }, &lh_type_string, f_filesha1 },
	{ "filesha256", 1, { STR("path") }, false, { 0 }, &lh_type_string, f_filesha256 },
	{ "filesha512", 1, { STR("path") }, false, { 0 }, &lh_type_string, f_filesha512 },
	{ "filebase64sha256", 1, { STR("path") }, false, { 0 }, &lh_type_string, f_fileb64sha256 },
	{ "filebase64sha512", 1, { STR("path") }, false, { 0 }, &lh_type_string, f_fileb64sha512 },
	{ "fileset", 2, { STR("path"), STR("pattern") }, false, { 0 }, &lh_t_set_string, f_fileset },
	{ "fileexists", 1, { STR("path") }, false, { 0 }, &lh_type_bool, f_fileexists },
	{ "templatefile", 2, { STR("path"), { "vars", NULL, 0 } }, false,
	  { 0 }, NULL, f_templatefile },
	{ "templatestring", 2, { { "template", NULL, 0 }, { "vars", NULL, 0 } }, false,
	  { 0 }, &lh_type_string, f_templatestring },
	{ "abspath", 1, { STR("path") }, false, { 0 }, &lh_type_string, f_abspath },
	{ "basename", 1, { STR("path") }, false, { 0 }, &lh_type_string, f_basename },
	{ "dirname", 1, { STR("path") }, false, { 0 }, &lh_type_string, f_dirname },
	{ "pathexpand", 1, { STR("path") }, false, { 0 }, &lh_type_string, f_pathexpand },
};
const size_t lh_func_file_n = sizeof lh_func_file / sizeof lh_func_file[0];
