/* fuzz_parse.c - libFuzzer target for the HCL front end: feeds arbitrary bytes to
 * lh_parse_file, lh_parse_file_segmented, lh_parse_expr and lh_parse_template, converts
 * every tree that parses to JSON (hcl2json) and prints every tree and diagnostic to
 * /dev/null, so that ranges, decoded strings and the dump are exercised too; a
 * segmented tree's blocks are then released and what must outlive their segments (the
 * blocks' nodes, labels and strings) read again.  Built by `make fuzz` with
 * -fsanitize=fuzzer,address,undefined; tests/run.sh runs it for FUZZ_SECONDS. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "hcl2json.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Adds -print_final_stats=1 so that every run ends with its execution count (which
 * tests/run.sh reports). */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char flag[] = "-print_final_stats=1";
	static char *args[256];
	int n = *argc < 254 ? *argc : 254;
	for (int i = 0; i < n; i++)
		args[i] = (*argv)[i];
	args[n] = flag;
	args[n + 1] = NULL;
	*argc = n + 1;
	*argv = args;
	return 0;
}

static FILE *sink;

/* Releases every top-level block of a segmented tree, then reads what stays. */
static void
release_all(const lh_node *body)
{
	for (size_t i = 0; i < body->u.body.n; i++)
		if (body->u.body.items[i]->kind == LH_AST_BLOCK)
			lh_parse_release(body->u.body.items[i]);
	for (size_t i = 0; i < body->u.body.n; i++) {
		const lh_node *b = body->u.body.items[i];
		if (b->kind != LH_AST_BLOCK) {
			fputs(b->u.attr.name, sink);
			continue;
		}
		if (b->u.block.body != NULL || b->u.block.type_start < b->start)
			abort();
		fputs(b->u.block.type, sink);
		for (size_t k = 0; k < b->u.block.nlabels; k++)
			fprintf(sink, "%s %u", b->u.block.labels[k].text, b->u.block.labels[k].end);
	}
}

static void
check(lh_node *(*parse)(lh_arena *, const lh_source *, lh_diags *), const uint8_t *data,
    size_t size, int json)
{
	lh_arena *a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	lh_source *src = lh_source_from_mem(a, "fuzz.hcl", (const char *)data, size);
	lh_node *n = parse(a, src, &d);
	if (n != NULL) {
		/* a tree comes with no errors, an error never comes with a tree */
		if (d.errors != 0)
			abort();
		lh_ast_dump(sink, n);
		if (json) {
			cJSON *j = lh_hcl2json(n, &d);
			if (j != NULL) {
				char *s = cJSON_PrintUnformatted(j);
				free(s);
				cJSON_Delete(j);
			}
		}
		if (parse == lh_parse_file_segmented)
			release_all(n);
	} else if (d.errors == 0) {
		abort();
	}
	for (const lh_diag *g = d.head; g != NULL; g = g->next)
		if (g->start > g->end || g->end > size)
			abort();
	lh_diag_print(sink, &d, false);
	/* source.c keeps the line map outside the arena for the process lifetime */
	free(src->lines);
	lh_arena_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (sink == NULL && (sink = fopen("/dev/null", "w")) == NULL)
		abort();
	check(lh_parse_file, data, size, 1);
	check(lh_parse_file_segmented, data, size, 0);
	check(lh_parse_expr, data, size, 0);
	check(lh_parse_template, data, size, 0);
	return 0;
}
