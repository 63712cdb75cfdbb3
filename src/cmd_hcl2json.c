/* cmd_hcl2json.c - `litehcl hcl2json FILE...`.  For now only the hidden -ast flag
 * (tree dump used by tests/parse); the JSON conversion lands next. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "parse.h"

int
lh_cmd_hcl2json(int argc, char **argv)
{
	lh_arena *a = lh_arena_new();
	lh_diags d;
	int rc = 0;
	bool ast = false;
	lh_diags_init(&d, a);
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-ast") == 0)
			ast = true;
	if (!ast) {
		fputs("Error: litehcl hcl2json is not available in this build yet (only -ast)\n", stderr);
		lh_arena_free(a);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		lh_source *s = lh_source_load(a, argv[i], NULL, &d);
		if (s == NULL) {
			rc = 1;
			continue;
		}
		lh_node *n = lh_parse_file(a, s, &d);
		if (n == NULL)
			rc = 1;
		else
			lh_ast_dump(stdout, n);
	}
	lh_diag_print(stderr, &d, false);
	lh_arena_free(a);
	return rc;
}
