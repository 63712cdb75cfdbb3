/* cmd_hcl2json.c - `litehcl hcl2json FILE...`: prints the syntax of HCL files as JSON
 * in @cdktf/hcl2json's layout (hcl2json.c).  One file: the JSON document, indented;
 * several files: one compact document per line.  A file that does not parse: its
 * diagnostics on stderr and exit status 1.
 *
 * Hidden flags for the front end's own tests: -ast prints the syntax tree dump instead
 * (-expr / -template parse each file as one expression / a bare template), -bench
 * times lh_parse_file alone and prints the throughput, -ranges prints diagnostics as
 * "error START END SUMMARY" lines (byte ranges, for the spec suite). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hcl2json.h"
#include "parse.h"

/* -bench: one parse; notes the arena it used. */
static bool
parse_once(lh_arena *a, const lh_source *s, lh_diags *d, void *ctx)
{
	if (lh_parse_file(a, s, d) == NULL)
		return false;
	*(size_t *)ctx = lh_arena_used(a);
	return true;
}

/* -bench: parses the file repeatedly for about a second of CPU time; prints MB/s by
 * CPU time (what the parser costs, whatever else the machine is doing) and by wall
 * clock, and the arena use of one parse. */
static int
bench(const char *path)
{
	size_t used = 0;
	lh_bench b;
	if (!lh_cli_bench(path, parse_once, &used, &b))
		return 1;
	printf("parse: %zu bytes x %zu runs: %.1f MB/s by CPU time (%.3f s), %.1f MB/s by wall clock (%.3f s); arena %.1f MB per parse\n",
	    b.bytes, b.runs, (double)b.bytes * (double)b.runs / b.cpu / 1e6, b.cpu,
	    (double)b.bytes * (double)b.runs / b.wall / 1e6, b.wall, (double)used / 1e6);
	return 0;
}

int
lh_cmd_hcl2json(int argc, char **argv)
{
	bool ast = false, expr = false, tmpl = false, benchf = false, ranges = false,
	    help = false, no_color = false;
	lh_opt opts[] = {
		{ "no-color", LH_OPT_BOOL, &no_color },	/* TF_CLI_ARGS=-no-color: nothing to do */
		{ "ast", LH_OPT_BOOL, &ast },
		{ "expr", LH_OPT_BOOL, &expr },
		{ "template", LH_OPT_BOOL, &tmpl },
		{ "bench", LH_OPT_BOOL, &benchf },
		{ "ranges", LH_OPT_BOOL, &ranges },
		{ NULL, 0, NULL },
	};
	int npos = 0, rc = 0;
	lh_arena *a = NULL;
	lh_diags d;

	if (!lh_cli_parse("hcl2json", opts, argc - 1, argv + 1, &npos, &help))
		return 1;
	if (help)	/* lh_cli_parse printed it */
		return 0;
	if (npos == 0) {
		fputs("Error: no input files\ntry 'litehcl hcl2json -help'\n", stderr);
		return 1;
	}
	if (benchf)
		return bench(argv[1]);
	for (int i = 1; i <= npos; i++) {
		a = lh_arena_new();
		lh_diags_init(&d, a);
		lh_source *s = lh_source_load(a, argv[i], NULL, &d);
		lh_node *n = NULL;
		if (s != NULL)
			n = expr ? lh_parse_expr(a, s, &d) : tmpl ? lh_parse_template(a, s, &d)
			    : lh_parse_file(a, s, &d);
		if (n != NULL && ast) {
			lh_ast_dump(stdout, n);
		} else if (n != NULL) {
			cJSON *j = lh_hcl2json(n, &d);
			char *text = NULL;
			if (j != NULL)
				text = npos == 1 ? cJSON_Print(j) : cJSON_PrintUnformatted(j);
			if (text != NULL) {
				fputs(text, stdout);
				fputc('\n', stdout);
			} else {
				n = NULL;
				if (d.errors == 0)
					lh_diag_add(&d, LH_DIAG_ERROR, s, 0, 0, "Cannot convert to JSON",
					    "Out of memory.");
			}
			free(text);
			cJSON_Delete(j);
		}
		if (n == NULL)
			rc = 1;
		if (ranges) {
			for (const lh_diag *g = d.head; g != NULL; g = g->next)
				fprintf(stderr, "%s %u %u %s\n", g->sev == LH_DIAG_ERROR ? "error" : "warning",
				    g->start, g->end, g->summary);
		} else {
			lh_diag_print(stderr, &d, false);
		}
		lh_arena_free(a);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("Error: cannot write the output\n", stderr);
		rc = 1;
	}
	return rc;
}
