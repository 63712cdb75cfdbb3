/* func_expr.c - built-in functions through the real parser and evaluator: each case in
 * tests/unit/func_expr.cases is an HCL expression (`> expr`) followed by what
 * `terraform console` (Terraform 1.11) printed for it, or "ERR <detail>".  Covers what
 * JSON arguments cannot express (typed lists/sets/maps, sensitive values, nested
 * calls, expansion).  Prints "ok NAME" / "FAIL NAME" per case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "eval.h"
#include "parse.h"
#include "source.h"

static int failures;

static void
check(const char *name, const char *got, const char *want)
{
	if (got != NULL && strcmp(got, want) == 0) {
		printf("ok %s\n", name);
		return;
	}
	failures++;
	printf("FAIL %s\n    want: %s\n    got:  %s\n", name, want, got ? got : "(null)");
}

static const char *
run_expr(lh_arena *a, const char *expr)
{
	lh_diags d;
	lh_diags_init(&d, a);
	lh_source *src = lh_source_from_mem(a, "<case>", expr, strlen(expr));
	lh_node *e = src ? lh_parse_expr(a, src, &d) : NULL;
	if (e == NULL || d.errors > 0)
		return lh_arena_printf(a, "PARSE %s", d.head ? d.head->summary : "failed");
	lh_eval ev;
	lh_eval_init(&ev, a, &d, ".");
	lh_value *v = lh_eval_expr(&ev, e);
	if (v == NULL) {
		const lh_diag *g = d.head;
		return lh_arena_printf(a, "ERR %s", g && g->detail ? g->detail : g ? g->summary : "?");
	}
	return lh_val_console(a, v);
}

static void
run_file(lh_arena *a, const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		check("cases-file", "missing", path);
		return;
	}
	char line[8192];
	char *expr = NULL;
	size_t cap = 1 << 16, wl = 0;
	char *want = malloc(cap);
	static int n;	/* numbers continue across files */
	for (;;) {
		char *l = fgets(line, sizeof line, f);
		if (l == NULL || strncmp(line, "> ", 2) == 0) {
			if (expr != NULL) {
				while (wl > 0 && want[wl - 1] == '\n')
					wl--;
				want[wl] = 0;
				char name[128];
				snprintf(name, sizeof name, "expr %d %.80s", ++n, expr);
				check(name, run_expr(a, expr), want);
			}
			if (l == NULL)
				break;
			size_t ll = strlen(line);
			while (ll > 0 && line[ll - 1] == '\n')
				line[--ll] = 0;
			expr = lh_arena_strdup(a, line + 2);
			wl = 0;
			continue;
		}
		size_t ll = strlen(line);
		if (wl + ll + 1 < cap) {
			memcpy(want + wl, line, ll);
			wl += ll;
		}
	}
	free(want);
	fclose(f);
}

int
main(int argc, char **argv)
{
	lh_arena *a = lh_arena_new();
	if (argc > 1) {
		run_file(a, argv[1]);
	} else {
		run_file(a, "tests/unit/func_expr.cases");
		/* Random typed calls, generated once and recorded with terraform console. */
		run_file(a, "tests/unit/func_expr_random.cases");
		/* The functions and behaviours Terraform 1.11 added or litehcl lacked
		 * (issue 12), recorded with terraform console. */
		run_file(a, "tests/unit/func_more.cases");
		run_file(a, "tests/unit/func_yaml.cases");
	}
	lh_arena_free(a);
	return failures != 0;
}
