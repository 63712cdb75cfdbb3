/* main.c - argv to command: global flags (-chdir, -help, -version), `help [CMD]`, then
 * dispatch to the command's lh_cmd_* function (cmd_*.c).  A mistyped command gets
 * Terraform's "Did you mean" answer.  When bash asks for completions (COMP_LINE set,
 * see src/litehcl.bash) it prints the candidates instead.
 *
 * Adding a command: one line in `commands` below, and its help entry in help.c (the
 * help table also says which flags the command takes). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "addr.h"
#include "arena.h"
#include "backend.h"
#include "cli.h"
#include "config.h"
#include "curl_dl.h"
#include "diag.h"
#include "help.h"
#include "http.h"
#include "render.h"
#include "state.h"

typedef struct {
	const char *name;
	int (*fn)(int, char **);
} command;

static const command commands[] = {
	{"adopt", lh_cmd_adopt},
	{"init", lh_cmd_init},
	{"validate", lh_cmd_validate},
	{"plan", lh_cmd_plan},
	{"apply", lh_cmd_apply},
	{"destroy", lh_cmd_destroy},
	{"console", lh_cmd_console},
	{"fmt", lh_cmd_fmt},
	{"force-unlock", lh_cmd_force_unlock},
	{"hcl2json", lh_cmd_hcl2json},
	{"import", lh_cmd_import},
	{"output", lh_cmd_output},
	{"refresh", lh_cmd_refresh},
	{"show", lh_cmd_show},
	{"state", lh_cmd_state},
	{"taint", lh_cmd_taint},
	{"untaint", lh_cmd_untaint},
	{"version", lh_cmd_version},
	{"workspace", lh_cmd_workspace},
	{NULL, NULL}
};

/* "linux_amd64" as Go names the platform. */
static void
platform(char *buf, size_t cap)
{
	struct utsname u;
	const char *os = "linux", *arch = "amd64";
	char osl[32];
	if (uname(&u) == 0) {
		size_t i = 0;
		for (; u.sysname[i] != '\0' && i + 1 < sizeof osl; i++)
			osl[i] = (char)(u.sysname[i] >= 'A' && u.sysname[i] <= 'Z' ?
			    u.sysname[i] + 32 : u.sysname[i]);
		osl[i] = '\0';
		os = osl;
		if (strcmp(u.machine, "x86_64") == 0)
			arch = "amd64";
		else if (strcmp(u.machine, "aarch64") == 0)
			arch = "arm64";
		else if (strncmp(u.machine, "arm", 3) == 0)
			arch = "arm";
		else if (strcmp(u.machine, "i686") == 0 || strcmp(u.machine, "i386") == 0)
			arch = "386";
		else
			arch = u.machine;
	}
	snprintf(buf, cap, "%s_%s", os, arch);
}

int
lh_cmd_version(int argc, char **argv)
{
	bool json = false, help = false, no_color = false;
	/* -no-color: nothing here is coloured, but TF_CLI_ARGS=-no-color reaches every
	 * command, and Terraform's version takes it too */
	lh_opt opts[] = {
		{"json", LH_OPT_BOOL, &json},
		{"no-color", LH_OPT_BOOL, &no_color},
		{NULL, 0, NULL}
	};
	int npos = 0;
	if (argc > 1 && !lh_cli_parse("version", opts, argc - 1, argv + 1, &npos, &help))
		return 1;
	if (help)
		return 0;
	char plat[160];
	platform(plat, sizeof plat);
	if (!json) {
		printf("litehcl v%s\non %s\n", LH_VERSION, plat);
		return 0;
	}
	/* Terraform's version -json fields, plus litehcl's own version */
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		return 1;
	cJSON_AddStringToObject(o, "litehcl_version", LH_VERSION);
	cJSON_AddStringToObject(o, "terraform_version", LH_TF_COMPAT_VERSION);
	cJSON_AddStringToObject(o, "platform", plat);
	cJSON_AddItemToObject(o, "provider_selections", cJSON_CreateObject());
	cJSON_AddBoolToObject(o, "terraform_outdated", false);
	lh_render_json_pretty(stdout, o);
	cJSON_Delete(o);
	return 0;
}

static const command *
find(const char *name)
{
	for (const command *c = commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int
no_command(const char *name)
{
	const char *s = lh_help_suggest(NULL, name);
	fprintf(stderr, "litehcl has no command named \"%s\".", name);
	if (s != NULL)
		fprintf(stderr, " Did you mean \"%s\"?", s);
	fputs("\n\nTo see all of litehcl's top-level commands, run:\n  litehcl -help\n\n",
	    stderr);
	return 1;
}

/* `litehcl help [CMD [SUB]]` and `litehcl -help CMD [SUB]`. */
static int
help_for(int argc, char **argv)
{
	if (argc == 0) {
		lh_help_global(stdout);
		return 0;
	}
	char name[128];
	snprintf(name, sizeof name, "%s", argv[0]);
	if (argc > 1 && argv[1][0] != '-') {
		char sub[128];
		snprintf(sub, sizeof sub, "%s %s", argv[0], argv[1]);
		if (lh_help_find(sub) != NULL)
			snprintf(name, sizeof name, "%s", sub);
	}
	const lh_help *h = lh_help_find(name);
	const command *c = find(argv[0]);
	if (h == NULL || c == NULL)
		return no_command(argv[0]);
	if (h->usage != NULL) {
		lh_help_print(stdout, h);
		return 0;
	}
	/* a command that prints its own help: ask it */
	char *v[4] = {argv[0], NULL, NULL, NULL};
	int n = 1;
	if (h->group == LH_HELP_SUB)
		v[n++] = argv[1];
	v[n++] = (char *)"-help";
	return c->fn(n, v);
}

/* Before an automatic retry: what failed, which attempt, when the next one starts
 * (stderr; stdout may be a -json stream).  Requests failing alike in parallel (a
 * refused connection) are announced once per attempt number. */
static void
retry_notice(void *ctx, const char *msg, int attempt, int max, double delay)
{
	static char last[512];
	static int last_attempt;
	(void)ctx;
	/* "POST /user/new: cannot connect ..." -> the reason after the request */
	const char *reason = strstr(msg, ": ");
	reason = reason ? reason + 2 : msg;
	if (attempt == last_attempt && strcmp(reason, last) == 0)
		return;
	snprintf(last, sizeof last, "%s", reason);
	last_attempt = attempt;
	if (max > 0)
		fprintf(stderr, "Retrying: %s (attempt %d of %d failed; next try in %.1f s)\n", msg,
		    attempt, max, delay);
	else
		fprintf(stderr, "Retrying: %s (attempt %d failed; next try in %.1f s)\n", msg,
		    attempt, delay);
}

/* ---- TF_CLI_ARGS ---- */

/* Splits s into words as a POSIX shell would without expansions (Terraform uses
 * go-shellwords with environment and backtick parsing off): blanks separate words,
 * '...' is literal, "..." keeps blanks and takes \\ \" \$ \` escapes, a backslash
 * outside quotes escapes the next character.  Returns the count, -1 on an unclosed
 * quote; *out (NULL terminated) and its strings live in one allocation. */
static int
shell_words(const char *s, char ***out)
{
	size_t len = strlen(s);
	size_t maxw = len / 2 + 2;
	char **w = malloc(maxw * sizeof *w + 2 * len + 2);
	if (w == NULL)
		return -1;
	char *buf = (char *)(w + maxw), *o = buf;
	int n = 0;
	const char *p = s;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		w[n++] = o;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n') {
			if (*p == '\'') {
				const char *e = strchr(p + 1, '\'');
				if (e == NULL)
					goto bad;
				memcpy(o, p + 1, (size_t)(e - p - 1));
				o += e - p - 1;
				p = e + 1;
			} else if (*p == '"') {
				p++;
				while (*p != '"') {
					if (*p == '\0')
						goto bad;
					if (*p == '\\' && strchr("\\\"$`", p[1]) != NULL && p[1] != '\0')
						p++;
					*o++ = *p++;
				}
				p++;
			} else if (*p == '\\' && p[1] != '\0') {
				*o++ = p[1];
				p += 2;
			} else {
				*o++ = *p++;
			}
		}
		*o++ = '\0';
	}
	w[n] = NULL;
	*out = w;
	return n;
bad:
	free(w);
	return -1;
}

/* Inserts the words of environment variable name into the argument vector *v (*n
 * entries) at index at.  The new vector is never freed (it lives as long as the
 * process).  False, after saying why, when the value cannot be split. */
static bool
env_args(const char *name, int *n, char ***v, int at)
{
	const char *val = getenv(name);
	if (val == NULL || val[0] == '\0')
		return true;
	char **words;
	int k = shell_words(val, &words);
	if (k < 0) {
		fprintf(stderr, "Error parsing extra CLI args from %s: invalid command line string\n", name);
		return false;
	}
	if (k == 0)
		return true;
	char **nv = malloc(((size_t)*n + (size_t)k + 1) * sizeof *nv);
	if (nv == NULL)
		return false;
	memcpy(nv, *v, (size_t)at * sizeof *nv);
	memcpy(nv + at, words, (size_t)k * sizeof *nv);
	memcpy(nv + at + k, *v + at, (size_t)(*n - at) * sizeof *nv);
	*n += k;
	nv[*n] = NULL;
	*v = nv;
	return true;
}

/* ---- completion (bash: complete -C / COMP_LINE) ---- */

static void
cand(const char *word, const char *prefix, const char *s)
{
	size_t n = strlen(word);
	size_t pn = prefix ? strlen(prefix) : 0;
	/* word is compared with prefix+s */
	if (pn > 0) {
		if (strncmp(word, prefix, n < pn ? n : pn) != 0)
			return;
		if (n > pn && strncmp(word + pn, s, n - pn) != 0)
			return;
		printf("%s%s\n", prefix, s);
		return;
	}
	if (strncmp(word, s, n) == 0)
		printf("%s\n", s);
}

/* Resource addresses in the state at path (NULL: terraform.tfstate), as state list
 * prints them, completing word (after prefix, e.g. "-target="). */
static void
complete_addrs(const char *path, const char *word, const char *prefix)
{
	lh_arena *a = lh_arena_new();
	if (a == NULL)
		return;
	lh_diags d;
	lh_diags_init(&d, a);
	lh_state_opts so = {.path = path, .no_lock = true, .read_only = true,
	    .operation = "OperationTypeInvalid"};
	lh_state *st = NULL;
	if (lh_state_open(&so, &st, &d)) {
		for (size_t i = 0; i < lh_state_count(st); i++)
			cand(word, prefix, lh_addr_format(a, &lh_state_at(st, i)->addr));
		lh_state_close(st);
	}
	lh_arena_free(a);
}

/* The workspaces of the current backend (`workspace select|delete NAME`, as Terraform
 * completes them). */
static void
complete_workspaces(const char *word)
{
	lh_arena *a = lh_arena_new();
	if (a == NULL)
		return;
	lh_diags d;
	lh_diags_init(&d, a);
	lh_backend *b = NULL;
	char **names = NULL;
	size_t n = 0;
	if (lh_backend_current(&b, &d) && lh_backend_workspaces(b, &names, &n, &d)) {
		for (size_t i = 0; i < n; i++)
			cand(word, NULL, names[i]);
		lh_backend_names_free(names, n);
	}
	lh_backend_free(b);
	lh_arena_free(a);
}

/* The addresses of the resource instances the configuration in the current directory
 * declares (an instance each for a count or for_each that can be known now, else the
 * resource with "[" to go on), those already in the state at path left out: where
 * `import ADDR` and the destination of `state mv` go.  With none, and fall_back, the
 * state's own addresses other than skip (state mv's source). */
static void
complete_config_addrs(const char *path, const char *word, bool fall_back, const char *skip)
{
	lh_arena *a = lh_arena_new();
	if (a == NULL)
		return;
	lh_diags d;
	lh_diags_init(&d, a);
	const char **have = NULL;
	size_t nhave = 0;
	lh_state_opts so = {.path = path, .no_lock = true, .read_only = true,
	    .operation = "OperationTypeInvalid"};
	lh_state *st = NULL;
	if (lh_state_open(&so, &st, &d)) {
		nhave = lh_state_count(st);
		have = lh_arena_alloc(a, (nhave + 1) * sizeof *have);
		for (size_t i = 0; i < nhave; i++)
			have[i] = lh_addr_format(a, &lh_state_at(st, i)->addr);
		lh_state_close(st);
	}
	size_t offered = 0;
	lh_config *cfg = lh_config_load(a, ".", NULL, 0, &d);
	for (size_t r = 0; cfg != NULL && r < cfg->nresources; r++) {
		lh_resource *res = cfg->resources[r];
		if (res->data)
			continue;
		size_t n = 0;
		lh_instance **in = NULL;
		if (res->mode != LH_EXPAND_ONE)
			in = lh_config_expand(cfg, res, NULL, NULL, &d, &n);
		const char *one = res->mode == LH_EXPAND_ONE ? res->addr :
		    in == NULL ? lh_arena_printf(a, "%s[", res->addr) : NULL;
		for (size_t i = 0; i < (one != NULL ? 1 : n); i++) {
			const char *ad = one != NULL ? one : in[i]->addr;
			size_t k = 0;
			while (k < nhave && strcmp(have[k], ad) != 0)
				k++;
			if (k < nhave)
				continue;
			cand(word, NULL, ad);
			offered++;
		}
	}
	for (size_t k = 0; fall_back && offered == 0 && k < nhave; k++)
		if (skip == NULL || strcmp(have[k], skip) != 0)
			cand(word, NULL, have[k]);
	lh_arena_free(a);
}

/* The flags of a command that prints its own help (fmt, state mv, taint...; usage NULL
 * in help.c), read from that help as the user sees it: the command runs with -help in a
 * child whose output comes back through a pipe, and every option line ("  -flag..."
 * at the options' indentation) gives one candidate.  Taken from the help itself, the
 * list cannot drift from it. */
static void
complete_own_help(const char *name, const char *word)
{
	char cmd[128], *sub;
	snprintf(cmd, sizeof cmd, "%s", name);
	sub = strchr(cmd, ' ');
	if (sub != NULL)
		*sub++ = '\0';
	const command *c = find(cmd);
	int fd[2];
	if (c == NULL || pipe(fd) != 0)
		return;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[0]);
		char *argv[] = {cmd, sub != NULL ? sub : "-help", sub != NULL ? "-help" : NULL, NULL};
		int rc = c->fn(sub != NULL ? 3 : 2, argv);
		fflush(NULL);
		_exit(rc & 0xff);
	}
	close(fd[1]);
	FILE *f = fdopen(fd[0], "r");
	if (f == NULL) {
		close(fd[0]);
		waitpid(pid, NULL, 0);
		return;
	}
	char line[512], seen[2048] = " ";
	bool saw_help = false;
	while (fgets(line, sizeof line, f) != NULL) {
		/* an option line: two to four spaces, then the flag */
		size_t ind = strspn(line, " ");
		if (ind < 2 || ind > 4 || line[ind] != '-' || !islower((unsigned char)line[ind + 1]))
			continue;
		const char *fl = line + ind;
		size_t n = strcspn(fl, "= \t\n");
		char full[80];
		bool val = fl[n] == '=' && strncmp(fl + n, "=false", 6) != 0 &&
		    strncmp(fl + n, "=true", 5) != 0;
		if (n + 2 >= sizeof full)
			continue;
		snprintf(full, sizeof full, "%.*s%s", (int)n, fl, val ? "=" : "");
		if (strcmp(full, "-help") == 0)
			saw_help = true;
		/* a flag the help names twice is one candidate */
		char key[84];
		snprintf(key, sizeof key, " %s ", full);
		if (strstr(seen, key) != NULL)
			continue;
		if (strlen(seen) + strlen(full) + 2 < sizeof seen)
			strcat(strcat(seen, full), " ");
		cand(word, NULL, full);
	}
	fclose(f);
	waitpid(pid, NULL, 0);
	if (!saw_help)
		cand(word, NULL, "-help");
}

static void
complete_flags(const lh_help *h, const char *name, const char *word)
{
	if (h != NULL && h->usage == NULL) {
		complete_own_help(name, word);
		return;
	}
	if (h == NULL || h->opts == NULL) {
		if (h != NULL)
			cand(word, NULL, "-help");
		return;
	}
	for (const lh_help_opt *o = h->opts; o->flag != NULL || o->text != NULL; o++) {
		if (o->flag == NULL || o->text == NULL)	/* a heading; a flag not listed */
			continue;
		char buf[64], full[80];
		lh_help_flag_name(o, buf, sizeof buf);
		/* a flag that takes a value completes with its "=" */
		bool val = strchr(o->flag, '=') != NULL && strstr(o->flag, "=false") == NULL &&
		    strstr(o->flag, "=true") == NULL;
		snprintf(full, sizeof full, "-%s%s", buf, val ? "=" : "");
		cand(word, NULL, full);
	}
	cand(word, NULL, "-help");
	if (!lh_help_allows(h, "no-color", 8) || h->any_flags)
		return;
	bool listed = false;
	for (const lh_help_opt *o = h->opts; o->flag != NULL || o->text != NULL; o++)
		if (o->flag != NULL && strcmp(o->flag, "-no-color") == 0)
			listed = true;
	if (!listed)
		cand(word, NULL, "-no-color");
}

static bool
has_subs(const char *name)
{
	size_t n, plen = strlen(name);
	const lh_help *all = lh_help_all(&n);
	for (size_t k = 0; k < n; k++)
		if (all[k].group == LH_HELP_SUB && strncmp(all[k].name, name, plen) == 0 &&
		    all[k].name[plen] == ' ')
			return true;
	return false;
}

static int
complete(const char *line, const char *point)
{
	size_t len = strlen(line);
	long p = point ? strtol(point, NULL, 10) : (long)len;
	if (p < 0 || (size_t)p > len)
		p = (long)len;
	char *buf = strndup(line, (size_t)p);
	if (buf == NULL)
		return 0;
	char *words[64];
	int nw = 0;
	for (char *t = strtok(buf, " \t"); t != NULL && nw < 63; t = strtok(NULL, " \t"))
		words[nw++] = t;
	/* the word being completed: empty after a space */
	const char *cur = "";
	if (p > 0 && line[p - 1] != ' ' && line[p - 1] != '\t' && nw > 0)
		cur = words[--nw];
	int i = 1;
	const char *state_path = NULL;
	while (i < nw && words[i][0] == '-')
		i++;
	if (i >= nw) {
		if (cur[0] == '-') {
			cand(cur, NULL, "-chdir=");
			cand(cur, NULL, "-help");
			cand(cur, NULL, "-version");
		} else {
			for (const command *c = commands; c->name != NULL; c++)
				cand(cur, NULL, c->name);
			cand(cur, NULL, "help");
		}
		free(buf);
		return 0;
	}
	char name[128];
	snprintf(name, sizeof name, "%s", words[i]);
	const lh_help *h = lh_help_find(name);
	int args = i + 1;
	if (has_subs(name)) {
		/* a command made of subcommands */
		if (args >= nw && cur[0] == '-') {
			cand(cur, NULL, "-help");
			free(buf);
			return 0;
		}
		if (args >= nw) {
			size_t n, plen = strlen(name);
			const lh_help *all = lh_help_all(&n);
			for (size_t k = 0; k < n; k++)
				if (all[k].group == LH_HELP_SUB &&
				    strncmp(all[k].name, name, plen) == 0 && all[k].name[plen] == ' ')
					cand(cur, NULL, all[k].name + plen + 1);
			free(buf);
			return 0;
		}
		snprintf(name, sizeof name, "%s %s", words[i], words[args]);
		h = lh_help_find(name);
		args++;
	}
	int npos = 0;
	for (int k = args; k < nw; k++) {
		if (strncmp(words[k], "-state=", 7) == 0)
			state_path = words[k] + 7;
		else if (words[k][0] != '-')
			npos++;
	}
	if (strcmp(name, "help") == 0) {
		if (npos == 0)
			for (const command *c = commands; c->name != NULL; c++)
				cand(cur, NULL, c->name);
	} else if (strncmp(cur, "-target=", 8) == 0 || strncmp(cur, "-replace=", 9) == 0) {
		char pre[16];
		size_t pl = (size_t)(strchr(cur, '=') - cur) + 1;
		snprintf(pre, sizeof pre, "%.*s", (int)pl, cur);
		complete_addrs(state_path, cur, pre);
	} else if (cur[0] == '-') {
		complete_flags(h, name, cur);
	} else if (strcmp(name, "state show") == 0 || strcmp(name, "state rm") == 0 ||
	    strcmp(name, "state list") == 0 || strcmp(name, "taint") == 0 ||
	    strcmp(name, "untaint") == 0 || (strcmp(name, "state mv") == 0 && npos == 0)) {
		complete_addrs(state_path, cur, NULL);
	} else if (strcmp(name, "state mv") == 0 && npos == 1) {
		const char *src = NULL;
		for (int k = args; k < nw && src == NULL; k++)
			if (words[k][0] != '-')
				src = words[k];
		complete_config_addrs(state_path, cur, true, src);
	} else if (strcmp(name, "import") == 0 && npos == 0) {
		complete_config_addrs(state_path, cur, false, NULL);
	} else if ((strcmp(name, "workspace select") == 0 || strcmp(name, "workspace delete") == 0) &&
	    npos == 0) {
		complete_workspaces(cur);
	}
	free(buf);
	return 0;
}

/* A plan of thousands of objects allocates tens of megabytes in small pieces (cJSON
 * nodes, values): the heap grows in 64 MiB steps and is never trimmed during a run,
 * and every thread allocates from it (one arena).  It is not offered to transparent
 * huge pages: their 2 MiB rounding added 2-3 MB to the 10,000-block plan's peak (50-51
 * MB against 47-48), saved nothing measurable in the teams plan, and a first huge page
 * in fragmented memory can stall tens of milliseconds in the kernel's compaction.
 * Nothing of this changes what a command does; LITEHCL_MALLOC_DEFAULTS=1 leaves malloc
 * as it is. */
static void
heap_setup(void)
{
#if defined(__GLIBC__) && defined(M_TOP_PAD) && !defined(LH_SANITIZED_MALLOC)
	const size_t pad = (size_t)64 << 20;
	const char *off = getenv("LITEHCL_MALLOC_DEFAULTS");
	if (off != NULL && *off != '\0' && strcmp(off, "0") != 0)
		return;
#ifdef M_ARENA_MAX
	/* plan's worker and prefetch threads (cmd_plan.c, http.c) allocate from this heap
	 * too: with an arena of their own, what they freed was never reused by the main
	 * thread (the 10,000-user no-op plan's peak RSS grew from 47 to 50 MB) */
	mallopt(M_ARENA_MAX, 1);
#endif
	(void)mallopt(M_TOP_PAD, (int)pad);
	(void)mallopt(M_TRIM_THRESHOLD, (int)(2 * pad));
#endif
}

int
main(int argc, char **argv)
{
	/* A closed pipe (litehcl plan | head) must not kill us mid-write of the state. */
	signal(SIGPIPE, SIG_IGN);
	const char *comp = getenv("COMP_LINE");
	if (comp != NULL && getenv("COMP_POINT") != NULL && argc <= 4)
		return complete(comp, getenv("COMP_POINT"));	/* small, and it forks */
	heap_setup();
	lh_http_on_retry(retry_notice, NULL);
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i] + 1;
		if (*a == '-')
			a++;
		if (strncmp(a, "chdir=", 6) == 0 || strcmp(a, "chdir") == 0) {
			const char *dir = a[5] == '=' ? a + 6 : (i + 1 < argc ? argv[++i] : NULL);
			if (dir == NULL || *dir == '\0') {
				lh_cli_usage_error(NULL, "Invalid -chdir option",
				    "The -chdir option needs a directory.");
				return 1;
			}
			if (chdir(dir) != 0) {
				/* Terraform's words (Go's error text: strerror, lower case) */
				char why[128];
				snprintf(why, sizeof why, "%s", strerror(errno));
				why[0] = (char)tolower((unsigned char)why[0]);
				fprintf(stderr, "Error handling -chdir option: chdir %s: %s\n", dir, why);
				return 1;
			}
		} else if (strcmp(a, "help") == 0 || strcmp(a, "h") == 0) {
			return help_for(argc - i - 1, argv + i + 1);
		} else if (strcmp(a, "version") == 0 || strcmp(a, "v") == 0) {
			return lh_cmd_version(argc - i, argv + i);
		} else {
			char msg[256];
			snprintf(msg, sizeof msg, "flag provided but not defined: %.200s", argv[i]);
			lh_cli_usage_error(NULL, "Failed to parse command-line flags", msg);
			return 1;
		}
	}
	if (i >= argc) {
		lh_help_global(stderr);
		return 1;
	}
	if (strcmp(argv[i], "help") == 0)
		return help_for(argc - i - 1, argv + i + 1);
	const command *c = find(argv[i]);
	if (c == NULL)
		return no_command(argv[i]);
	/* TF_CLI_ARGS, then TF_CLI_ARGS_plan / TF_CLI_ARGS_state_list: inserted right after
	 * the (sub)command's name, as Terraform does */
	char sub[128];
	int at = i + 1;
	snprintf(sub, sizeof sub, "%s", argv[i]);
	if (i + 1 < argc) {
		char two[128];
		snprintf(two, sizeof two, "%s %s", argv[i], argv[i + 1]);
		const lh_help *h = lh_help_find(two);
		if (h != NULL && h->group == LH_HELP_SUB) {
			snprintf(sub, sizeof sub, "%s", two);
			at = i + 2;
		}
	}
	char env[160];
	snprintf(env, sizeof env, "TF_CLI_ARGS_%s", sub);
	for (char *p = env + 12; *p != '\0'; p++)
		if (*p == '-' || *p == ' ')
			*p = '_';
	int n = argc - i;
	char **v = argv + i;
	if (!env_args("TF_CLI_ARGS", &n, &v, at - i) || !env_args(env, &n, &v, at - i))
		return 1;
	int rc = c->fn(n, v);
	lh_curl_wait();	/* a libcurl still loading is not torn down by the exit */
	return rc;
}
