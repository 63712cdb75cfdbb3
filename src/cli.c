/* cli.c - option parsing in Terraform's style: -flag or --flag, -flag=value or
 * -flag value, bool flags with optional =true/false, repeatable list flags. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "help.h"
#include "source.h"

static bool
parse_bool(const char *s, bool *out)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0) {
		*out = true;
		return true;
	}
	if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0) {
		*out = false;
		return true;
	}
	return false;
}

static bool
list_push(lh_strlist *l, const char *v, int kind)
{
	const char **nv = realloc(l->v, (l->n + 1) * sizeof *nv);
	if (nv == NULL)
		return false;
	l->v = nv;
	int *nk = realloc(l->kind, (l->n + 1) * sizeof *nk);
	if (nk == NULL)
		return false;
	l->kind = nk;
	l->v[l->n] = v;
	l->kind[l->n] = kind;
	l->n++;
	return true;
}

/* Terraform's answer to a command line it cannot parse:
 *
 *   Error: Failed to parse command-line flags
 *
 *   flag provided but not defined: -bogus
 *
 *   For more help on using this command, run:
 *     litehcl plan -help
 */
static bool
bad(const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	lh_cli_usage_error(cmd, "Failed to parse command-line flags", msg);
	return false;
}

void
lh_cli_usage_error(const char *cmd, const char *summary, const char *detail)
{
	lh_diag g = {.sev = LH_DIAG_ERROR, .summary = summary, .detail = detail};
	lh_diag_print_one(stderr, &g, false);
	fprintf(stderr, "\nFor more help on using this command, run:\n  litehcl %s%s-help\n",
	    cmd ? cmd : "", cmd ? " " : "");
}

/* "-name" of a flag as given ("--out=x" -> "-out"), as Go's flag package names it. */
static const char *
flag_label(const char *name, size_t nlen, char *buf, size_t cap)
{
	snprintf(buf, cap, "-%.*s", (int)nlen, name);
	return buf;
}

bool
lh_cli_parse(const char *cmd, lh_opt *opts, int argc, char **argv, int *npos, bool *help)
{
	int pos = 0;
	bool flags_done = false;
	const lh_help *h = cmd ? lh_help_find(cmd) : NULL;
	char label[80];
	*help = false;
	/* Terraform takes -no-color out before parsing: it holds for errors about any
	 * flag, wherever it stands */
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-no-color") == 0 || strcmp(argv[i], "--no-color") == 0)
			lh_diag_set_plain(true);
	}
	for (int i = 0; i < argc; i++) {
		char *arg = argv[i];
		if (flags_done || arg[0] != '-' || arg[1] == '\0') {
			argv[pos++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			flags_done = true;
			continue;
		}
		const char *name = arg + 1;
		if (*name == '-')
			name++;
		const char *eq = strchr(name, '=');
		size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
		if ((nlen == 4 && strncmp(name, "help", 4) == 0) ||
		    (nlen == 1 && name[0] == 'h')) {
			*help = true;
			continue;
		}
		flag_label(name, nlen, label, sizeof label);
		lh_opt *o = NULL;
		for (lh_opt *p = opts; p != NULL && p->name != NULL; p++)
			if (strlen(p->name) == nlen && strncmp(p->name, name, nlen) == 0) {
				o = p;
				break;
			}
		/* the help table says which flags this command takes (plan, apply and
		 * destroy share one option table but not one set of flags) */
		if (o == NULL || (h != NULL && !lh_help_allows(h, name, nlen)))
			return bad(cmd, "flag provided but not defined: %s", label);
		const char *val = eq ? eq + 1 : NULL;
		if (o->kind == LH_OPT_BOOL) {
			bool b = true;
			if (val != NULL && !parse_bool(val, &b))
				return bad(cmd, "invalid boolean value \"%s\" for %s: parse error",
				    val, label);
			*(bool *)o->dest = b;
			if (nlen == 8 && strncmp(name, "no-color", 8) == 0)
				lh_diag_set_plain(b);
			continue;
		}
		if (val == NULL) {
			if (i + 1 >= argc)
				return bad(cmd, "flag needs an argument: %s", label);
			val = argv[++i];
		}
		switch (o->kind) {
		case LH_OPT_STRING:
			*(const char **)o->dest = val;
			break;
		case LH_OPT_LIST:
			if (!list_push(o->dest, val, (int)(o - opts)))
				return bad(cmd, "out of memory at %s", label);
			break;
		case LH_OPT_INT: {
			char *end;
			errno = 0;
			long n = strtol(val, &end, 10);
			if (errno != 0 || *end != '\0' || end == val || n < 0 || n > 1000000)
				return bad(cmd, "invalid value \"%s\" for flag %s: parse error",
				    val, label);
			*(int *)o->dest = (int)n;
			break;
		}
		default:
			break;
		}
	}
	*npos = pos;
	if (*help && h != NULL && h->usage != NULL)
		lh_help_print(stdout, h);
	return true;
}

void
lh_strlist_free(lh_strlist *l)
{
	free(l->v);
	free(l->kind);
	l->v = NULL;
	l->kind = NULL;
	l->n = 0;
}

bool
lh_cli_color(bool no_color_flag)
{
	/* Only -no-color turns colour off, as in Terraform 1.11, which never reads the
	 * NO_COLOR environment variable (TF_CLI_ARGS=-no-color is its way to say it once
	 * for every command, and litehcl's); litehcl adds one rule of its own: colour only
	 * on a terminal. */
	if (no_color_flag)
		return false;
	return isatty(STDOUT_FILENO) != 0;
}

/* ---- -bench ---- */

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time (user + system) this process has used, in seconds. */
static double
cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* By CPU time, what the measured code costs whatever else the machine is doing; by
 * wall clock, what a user waits. */
bool
lh_cli_bench(const char *path, bool (*once)(lh_arena *a, const lh_source *src,
    lh_diags *d, void *ctx), void *ctx, lh_bench *out)
{
	lh_arena *a = lh_arena_new();
	lh_diags d;
	bool ok = false;
	lh_diags_init(&d, a);
	lh_source *s = lh_source_load(a, path, NULL, &d);
	if (s == NULL) {
		lh_diag_print(stderr, &d, false);
		goto out;
	}
	double t0 = now(), c0 = cpu();
	*out = (lh_bench){.bytes = s->len};
	do {
		lh_arena *ra = lh_arena_new();
		lh_diags rd;
		lh_diags_init(&rd, ra);
		bool done = once(ra, s, &rd, ctx);
		if (!done)
			lh_diag_print(stderr, &rd, false);
		lh_arena_free(ra);
		if (!done)
			goto out;
		out->runs++;
		out->wall = now() - t0;
		out->cpu = cpu() - c0;
	} while (out->cpu < 1.0 || out->runs < 3);
	ok = true;
out:
	lh_arena_free(a);
	return ok;
}
