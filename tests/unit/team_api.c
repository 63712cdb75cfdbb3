/* team_api.c - unit tests of the litellm_team mapping from a /team/info row to state
 * attributes: the comparison that tells an unchanged team without building it
 * (lh_team_row_same) answers as building it (lh_team_from_api) and comparing does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "schema.h"
#include "unit.h"
#include "value.h"

/* res_team.c's row reader (not in a header: only this test uses them by name). */
cJSON *lh_team_from_api(const cJSON *row, const cJSON *ref);
bool lh_team_row_same(const cJSON *row, const cJSON *ref);
bool lh_json_identical(const cJSON *x, const cJSON *y);

/* Every field of a few rows replaced by each of a few values (or removed), against the
 * state's object as a refresh of the row wrote it, sorted as a state file holds it,
 * with a key too many and with one missing. */
static void
test_row_same(void)
{
	static const char *const rows[] = {
		("{\"team_id\":\"t1\",\"team_alias\":\"A\",\"organization_id\":null,"
		"\"models\":[\"m\",\"n\"],\"metadata\":{\"b\":1,\"a\":[2],\"tags\":[\"x\"]},"
		"\"blocked\":false,\"tpm_limit\":5,\"rpm_limit\":null,\"max_budget\":10.0,"
		"\"budget_duration\":\"30d\",\"spend\":0.5,\"created_at\":\"t1\","
		"\"updated_at\":\"t2\",\"budget_reset_at\":null,"
		"\"team_member_permissions\":[\"/key/info\"],\"members_with_roles\":[]}"),
		"{\"team_id\":\"t2\",\"metadata\":{},\"models\":[],\"spend\":\"x\",\"blocked\":true}",
		("{\"team_id\":\"t3\",\"metadata\":null,\"models\":null,\"organization_id\":\"\","
		"\"max_budget\":12345678901234567890,\"team_member_permissions\":null}"),
	};
	static const char *const values[] = {"null", "\"\"", "\"A\"", "\"a\"", "0", "10",
		"10.5", "[\"m\"]", "[\"n\",\"m\"]", "{}", "{\"a\":[2],\"b\":1}", "\"{}\"", "true",
		"false", "\"monthly\"", "\"30d\"", "-0", "5.0", "[\"view_key\"]",
		"[\"/key/info\"]", "{\"tags\":[\"y\"]}"};
	static const char *const fields[] = {"team_id", "team_alias", "organization_id",
		"models", "metadata", "blocked", "tpm_limit", "rpm_limit", "max_budget",
		"budget_duration", "spend", "created_at", "updated_at", "budget_reset_at",
		"team_member_permissions"};
	int runs = 0, bad = 0, nsame = 0;
	for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
		cJSON *row = lh_cjson_parse(rows[r], strlen(rows[r]), NULL);
		for (int refkind = 0; refkind < 4; refkind++) {
			cJSON *ref = lh_team_from_api(row, NULL);
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
			for (size_t f = 0; f <= sizeof fields / sizeof *fields; f++) {
				for (size_t v = 0; v <= sizeof values / sizeof *values; v++) {
					cJSON *x = cJSON_Duplicate(row, 1);
					if (f < sizeof fields / sizeof *fields) {
						cJSON_DeleteItemFromObject(x, fields[f]);
						if (v < sizeof values / sizeof *values)
							cJSON_AddItemToObject(x, fields[f], cJSON_Parse(values[v]));
					}
					cJSON *built = lh_team_from_api(x, ref);
					bool want = lh_json_identical(built, ref);
					bool got = lh_team_row_same(x, ref);
					runs++;
					nsame += want;
					if (want != got && bad++ < 5) {
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
	check("team-row-same-as-building", bad == 0 && runs > 1000 && nsame > 100,
	    "%d of %d differ (%d the same)", bad, runs, nsame);
}

int
main(void)
{
	test_row_same();
	return failures ? 1 : 0;
}
