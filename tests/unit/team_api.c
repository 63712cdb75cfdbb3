/* team_api.c - unit tests of the litellm_team and litellm_team_member mappings from a
 * /team/info answer to state attributes: the comparisons that tell an unchanged team
 * (lh_team_row_same) or membership (lh_member_same_as_ref) without building it answer
 * as building it (lh_team_from_api, lh_member_from_entry) and comparing does. */
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

/* res_member.c's roster readers, and a row of this test as their two inputs: the
 * roster entry (role, user_email) and the membership row (spend, max_budget in its
 * budget table) of user "u" in team "t", from one flat object the sweep edits. */
cJSON *lh_member_from_entry(const cJSON *e, const cJSON *ms, const char *team_id,
    const char *user_id, const cJSON *ref);
bool lh_member_same_as_ref(const cJSON *e, const cJSON *ms, const char *team_id,
    const char *user_id, const cJSON *ref);

static void
member_split(const cJSON *flat, cJSON **e, cJSON **ms)
{
	*e = cJSON_CreateObject();
	*ms = cJSON_CreateObject();
	cJSON_AddStringToObject(*e, "user_id", "u");
	static const char *const ek[] = {"role", "user_email"};
	for (size_t i = 0; i < 2; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(flat, ek[i]);
		if (v != NULL)
			cJSON_AddItemToObject(*e, ek[i], cJSON_Duplicate(v, 1));
	}
	const cJSON *sp = cJSON_GetObjectItemCaseSensitive(flat, "spend");
	if (sp != NULL)
		cJSON_AddItemToObject(*ms, "spend", cJSON_Duplicate(sp, 1));
	const cJSON *mb = cJSON_GetObjectItemCaseSensitive(flat, "max_budget");
	if (mb != NULL) {
		cJSON *bt = cJSON_CreateObject();
		cJSON_AddItemToObject(bt, "max_budget", cJSON_Duplicate(mb, 1));
		cJSON_AddItemToObject(*ms, "litellm_budget_table", bt);
	}
}

static cJSON *
member_build(const cJSON *flat, const cJSON *ref)
{
	cJSON *e, *ms;
	member_split(flat, &e, &ms);
	cJSON *o = lh_member_from_entry(e, ms, "t", "u", ref);
	cJSON_Delete(e);
	cJSON_Delete(ms);
	return o;
}

static bool
member_same(const cJSON *flat, const cJSON *ref)
{
	cJSON *e, *ms;
	member_split(flat, &e, &ms);
	bool same = lh_member_same_as_ref(e, ms, "t", "u", ref);
	cJSON_Delete(e);
	cJSON_Delete(ms);
	return same;
}

/* The same sweep for memberships: same_as_ref answers as from_entry then comparing. */
static void
test_member_same(void)
{
	static const char *const rows[] = {
		"{\"role\":\"user\",\"user_email\":\"a@x.example\",\"spend\":0.5,\"max_budget\":5}",
		"{\"role\":\"admin\",\"user_email\":null,\"spend\":\"x\",\"max_budget\":null}",
		"{\"role\":\"user\"}",
	};
	static const char *const values[] = {"null", "\"\"", "\"user\"", "\"admin\"",
		"\"a@x.example\"", "\"A@X.example\"", "0", "5", "5.0", "0.5", "-0", "true",
		"[]", "{}"};
	static const char *const fields[] = {"role", "user_email", "spend", "max_budget"};
	row_same_count n = row_same_sweep(rows, sizeof rows / sizeof *rows, fields,
	    sizeof fields / sizeof *fields, values, sizeof values / sizeof *values,
	    member_build, member_same);
	check("member-entry-same-as-building", n.bad == 0 && n.runs > 500 && n.nsame > 20,
	    "%d of %d differ (%d the same)", n.bad, n.runs, n.nsame);
}

int
main(void)
{
	test_row_same();
	test_member_same();
	return failures ? 1 : 0;
}
