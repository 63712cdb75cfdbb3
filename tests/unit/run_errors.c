/* run_errors.c - unit tests of the grouping of apply/refresh errors (refresh.c,
 * lh_run_error / lh_run_flush_errors): the same failure of many instances is one
 * diagnostic, also when the client's retries gave up after different times. */
#include <stdio.h>
#include <string.h>

#include "apply.h"
#include "unit.h"

static int
count_errors(const lh_diags *d, const char **summary, const char **detail)
{
	int n = 0;
	for (const lh_diag *g = d->head; g != NULL; g = g->next)
		if (g->sev == LH_DIAG_ERROR) {
			*summary = g->summary;
			*detail = g->detail;
			n++;
		}
	return n;
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
	const char *s = NULL, *det = NULL;

	lh_run_error(&r, "u.a", "Error creating u.a", "POST /user/new: cannot connect "
	    "(after 3 attempts in 0.8 s)");
	lh_run_error(&r, "u.b", "Error creating u.b", "POST /user/new: cannot connect "
	    "(after 3 attempts in 1.3 s)");
	lh_run_error(&r, "u.c", "Error creating u.c", "POST /user/new: cannot connect "
	    "(after 4 attempts in 12.0 s)");
	lh_run_flush_errors(&r);
	int n = count_errors(&d, &s, &det);
	check("retried alike, given up after different times: one error", n == 1 &&
	    strcmp(s, "Error creating 3 instances") == 0 && strstr(det, "u.a, u.b, u.c") != NULL,
	    "%d errors, last %s: %s", n, s ? s : "-", det ? det : "-");

	lh_diags_init(&d, a);
	lh_run_error(&r, "u.a", "Error creating u.a", "POST /user/new: 400 bad email "
	    "(after 3 attempts in 0.8 s)");
	lh_run_error(&r, "u.b", "Error creating u.b", "POST /user/new: cannot connect "
	    "(after 3 attempts in 0.8 s)");
	lh_run_error(&r, "u.c", "Error creating u.c", "POST /user/new: cannot connect");
	lh_run_error(&r, "u.d", "Error creating u.d", "text (after many attempts in 1 s)");
	lh_run_error(&r, "u.e", "Error creating u.e", "text (after 2 attempts in 1 s) more");
	lh_run_flush_errors(&r);
	n = count_errors(&d, &s, &det);
	check("different failures stay apart (a retried one and an unretried one alike join)", n == 4, "%d errors", n);

	lh_arena_free(a);
	return failures ? 1 : 0;
}
