/* cmd_warn.c - warnings where Terraform shows them: on stdout after the plan (or after
 * the apply, before "Apply complete!"), each in the diagnostic layout, or with
 * -compact-warnings as one summary line each:
 *
 *   Warnings:
 *
 *   - Resource targeting is in effect
 *     on main.tf line 3
 *
 *   To see the full warning notes, run litehcl without -compact-warnings.
 *
 * Repeated warnings about places in the configuration are folded into the first, as
 * Terraform folds them (lh_diags_consolidate): "(and 2 more similar warnings
 * elsewhere)" after its detail, "on main.tf line 4 (and 2 more)" in the summary list.
 *
 * Errors stay on stderr (lh_cmd_print_diags); -json streams are left to it too. */
#include <stdio.h>
#include <unistd.h>

#include "cmd_common.h"

void
lh_cmd_print_warnings(const lh_cmd_out *o, lh_diags *d, bool compact)
{
	if (o->json || d->warnings == 0)
		return;
	/* Terraform's compact form only when nothing went wrong */
	bool short_form = compact && d->errors == 0;
	if (short_form)
		printf("\n%sWarnings:%s\n\n", o->color ? "\x1b[1m\x1b[33m" : "",
		    o->color ? "\x1b[0m" : "");
	lh_diags_sort(d);	/* in Terraform's order */
	lh_diags_consolidate(d);	/* repeated warnings folded, as Terraform does */
	lh_diag **pp = &d->head, *prev = NULL;
	while (*pp != NULL) {
		lh_diag *g = *pp;
		if (g->sev != LH_DIAG_WARNING) {
			prev = g;
			pp = &g->next;
			continue;
		}
		if (g->folded) {
			/* stood for by an earlier one: printed there */
		} else if (short_form) {
			printf("- %s\n", g->summary);
			if (g->src != NULL) {
				int line, col;
				lh_source_pos(g->src, g->start, &line, &col);
				printf("  on %s line %d", g->src->name, line);
				if (g->similar > 0)
					printf(" (and %d more)", g->similar);
				putchar('\n');
			}
		} else {
			if (!lh_diag_plain())	/* the plain form starts with its blank line */
				fputc('\n', stdout);
			lh_diag_print_one(stdout, g, o->color);
		}
		/* printed: out of the list, so it is not printed again at the end */
		*pp = g->next;
		if (d->tail == g)
			d->tail = prev;
		d->warnings--;
	}
	if (short_form)
		puts("\nTo see the full warning notes, run litehcl without -compact-warnings.");
	fflush(stdout);
}
