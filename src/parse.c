/* parse.c - placeholder until the HCL front end lands. */
#include "parse.h"

static lh_node *
unavailable(const lh_source *src, lh_diags *d)
{
	lh_diag_add(d, LH_DIAG_ERROR, src, 0, 0, "Parser not available", NULL);
	return NULL;
}

lh_node *lh_parse_file(lh_arena *a, const lh_source *src, lh_diags *d) { (void)a; return unavailable(src, d); }
lh_node *lh_parse_expr(lh_arena *a, const lh_source *src, lh_diags *d) { (void)a; return unavailable(src, d); }
lh_node *lh_parse_template(lh_arena *a, const lh_source *src, lh_diags *d) { (void)a; return unavailable(src, d); }
