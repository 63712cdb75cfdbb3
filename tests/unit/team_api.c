/* team_api.c - unit tests of the litellm_team mapping from a /team/info row to state
 * attributes: the comparison that tells an unchanged team without building it
 * (lh_team_row_same) answers as building it (lh_team_from_api) and comparing does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "schema.h"
#include "value.h"
#include "row_same.h"
#include "unit.h"

/* res_team.c's row reader (not in a header: only this test uses them by name). */
cJSON *lh_team_from_api(const cJSON *row, const cJSON *ref);
bool lh_team_row_same(const cJSON *row, const cJSON *ref);

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
	row_same_count n = row_same_sweep(rows, sizeof rows / sizeof *rows, fields,
	    sizeof fields / sizeof *fields, values, sizeof values / sizeof *values,
	    lh_team_from_api, lh_team_row_same);
	check("team-row-same-as-building", n.bad == 0 && n.runs > 1000 && n.nsame > 100,
	    "%d of %d differ (%d the same)", n.bad, n.runs, n.nsame);
}

int
main(void)
{
	test_row_same();
	return failures ? 1 : 0;
}
