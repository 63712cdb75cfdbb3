/* tests/unit/row_same.h - the sweep user_api.c and team_api.c share: a type's
 * "unchanged row" comparison (lh_TYPE_row_same) must answer as building the state
 * attributes from the row (lh_TYPE_from_api) and comparing them does.  Header-only
 * (static), as unit.h; include it once, from the test's .c file, after cJSON and
 * value.h. */
#ifndef LH_ROW_SAME_H
#define LH_ROW_SAME_H
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool lh_json_identical(const cJSON *x, const cJSON *y);

typedef struct {
	int runs, bad, nsame;	/* comparisons, disagreements, rows found the same */
} row_same_count;

/* For every row, every field replaced by each value (or removed, or left), against the
 * state's object as a refresh of the row wrote it - as built, sorted as a state file
 * holds it, with a key too many, with "spend" missing: counts where same(row, ref)
 * and building then comparing disagree, printing the first five. */
static row_same_count
row_same_sweep(const char *const *rows, size_t nrows, const char *const *fields,
    size_t nfields, const char *const *values, size_t nvalues,
    cJSON *(*build)(const cJSON *row, const cJSON *ref),
    bool (*same)(const cJSON *row, const cJSON *ref))
{
	row_same_count n = {0, 0, 0};
	for (size_t r = 0; r < nrows; r++) {
		cJSON *row = lh_cjson_parse(rows[r], strlen(rows[r]), NULL);
		for (int refkind = 0; refkind < 4; refkind++) {
			cJSON *ref = build(row, NULL);
			if (refkind > 0) {
				cJSON *sorted = cJSON_CreateObject();
				while (ref->child != NULL) {
					cJSON *best = ref->child;
					for (cJSON *c = ref->child; c; c = c->next)
						if (strcmp(c->string, best->string) < 0)
							best = c;
					cJSON_AddItemToObject(sorted, best->string,
					    cJSON_DetachItemViaPointer(ref, best));
				}
				cJSON_Delete(ref);
				ref = sorted;
				if (refkind == 2)
					cJSON_AddItemToObject(ref, "zz", cJSON_CreateNull());
				if (refkind == 3)
					cJSON_DeleteItemFromObject(ref, "spend");
			}
			for (size_t f = 0; f <= nfields; f++) {
				for (size_t v = 0; v <= nvalues; v++) {
					cJSON *x = cJSON_Duplicate(row, 1);
					if (f < nfields) {
						cJSON_DeleteItemFromObject(x, fields[f]);
						if (v < nvalues)
							cJSON_AddItemToObject(x, fields[f], cJSON_Parse(values[v]));
					}
					cJSON *built = build(x, ref);
					bool want = lh_json_identical(built, ref);
					bool got = same(x, ref);
					n.runs++;
					n.nsame += want;
					if (want != got && n.bad++ < 5) {
						char *t = cJSON_PrintUnformatted(x);
						printf("    row %s ref kind %d: row_same %d, built %d\n", t,
						    refkind, got, want);
						free(t);
					}
					cJSON_Delete(built);
					cJSON_Delete(x);
				}
			}
			cJSON_Delete(ref);
		}
		cJSON_Delete(row);
	}
	return n;
}

#endif
