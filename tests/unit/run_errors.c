/* run_errors.c - unit tests of apply/refresh errors (refresh.c, lh_run_error /
 * lh_run_flush_errors): as Terraform, every failing instance is its own diagnostic -
 * also when many fail alike - in the order Terraform lists instances whatever order
 * the answers came in, an error recorded twice for one instance once. */
#include <stdio.h>
#include <string.h>

#include "apply.h"
#include "unit.h"

/* The errors' summaries joined by '|' (static buffer). */
static const char *
summaries(const lh_diags *d, int *n)
{
	static char out[1024];
	out[0] = '\0';
	*n = 0;
	for (const lh_diag *g = d->head; g != NULL; g = g->next)
		if (g->sev == LH_DIAG_ERROR) {
			if (*n > 0)
				strncat(out, "|", sizeof out - strlen(out) - 1);
			strncat(out, g->summary, sizeof out - strlen(out) - 1);
			(*n)++;
		}
	return out;
}

int
main(void)
{
	lh_arena *a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	lh_run r;
	memset(&r, 0, sizeof r);
	r.a = a;
	r.d = &d;
	int n;

	lh_run_error(&r, "u.c", "Error creating u.c", "POST /user/new: cannot connect "
	    "(after 4 attempts in 12.0 s)");
	lh_run_error(&r, "u.a", "Error creating u.a", "POST /user/new: cannot connect "
	    "(after 3 attempts in 0.8 s)");
	lh_run_error(&r, "u.b", "Error creating u.b", "POST /user/new: cannot connect "
	    "(after 3 attempts in 1.3 s)");
	lh_run_flush_errors(&r);
	const char *s = summaries(&d, &n);
	check("three instances failing alike: three errors, by address",
	    n == 3 && strcmp(s, "Error creating u.a|Error creating u.b|Error creating u.c") == 0,
	    "%d: %s", n, s);
	check("each keeps its own detail", d.head != NULL &&
	    strcmp(d.head->detail, "POST /user/new: cannot connect (after 3 attempts in 0.8 s)") == 0,
	    "%s", d.head ? d.head->detail : "-");

	/* keys in Terraform's order: numbers as numbers, then strings; no instance first */
	lh_diags_init(&d, a);
	lh_run_error(&r, "litellm_user.u[10]", "E10", "x");
	lh_run_error(&r, "litellm_user.u[2]", "E2", "x");
	lh_run_error(&r, "litellm_user.f[\"b\"]", "Fb", "x");
	lh_run_error(&r, "", "none", "x");
	lh_run_error(&r, "litellm_user.f[\"a\"]", "Fa", "x");
	lh_run_error(&r, "litellm_user.u[0]", "E0", "x");
	lh_run_error(&r, "data.litellm_user.d", "D", "x");
	lh_run_error(&r, "litellm_team.t", "T", "x");
	lh_run_flush_errors(&r);
	s = summaries(&d, &n);
	check("ordered as Terraform lists instances", n == 8 &&
	    strcmp(s, "none|D|T|Fa|Fb|E0|E2|E10") == 0, "%d: %s", n, s);

	lh_diags_init(&d, a);
	lh_run_error(&r, "u.a", "Error reading u.a", "GET: 500");
	lh_run_error(&r, "u.a", "Error reading u.a", "GET: 500");
	lh_run_error(&r, "u.a", "Error reading u.a", "GET: 502");
	lh_run_flush_errors(&r);
	s = summaries(&d, &n);
	check("the same error twice for one instance: once; a different one stays", n == 2, "%d: %s", n, s);

	/* a thousand alike: a thousand errors, in order, quickly */
	lh_diags_init(&d, a);
	for (int i = 999; i >= 0; i--) {
		char addr[64];
		snprintf(addr, sizeof addr, "litellm_user.u[%d]", i);
		lh_run_error(&r, addr, addr, "POST /user/new: 401 Unauthorized");
	}
	lh_run_flush_errors(&r);
	int k = 0, inorder = 1;
	for (const lh_diag *g = d.head; g != NULL; g = g->next, k++) {
		char want[64];
		snprintf(want, sizeof want, "litellm_user.u[%d]", k);
		inorder &= strcmp(g->summary, want) == 0;
	}
	check("1,000 instances failing alike: 1,000 errors, u[0] to u[999]", k == 1000 && inorder, "%d", k);

	lh_arena_free(a);
	return failures ? 1 : 0;
}
