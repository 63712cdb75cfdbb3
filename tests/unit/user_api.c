/* user_api.c - unit tests of the litellm_user mapping between state attributes and the
 * LiteLLM API: create/update bodies, reading a server row back with the
 * configuration's spelling, comparison by meaning, and the kept-value check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "schema.h"
#include "value.h"
#include "row_same.h"

/* res_user.c's body builders and row reader (not in a header: only this test uses them
 * by name; the product goes through the type's hooks). */
char *lh_user_create_body(const cJSON *after, const char *user_id);
char *lh_user_update_body(const char *user_id, const cJSON *before, const cJSON *after,
    int *nchanged);
cJSON *lh_user_from_api(const cJSON *row, const cJSON *ref);
bool lh_user_row_same(const cJSON *row, const cJSON *ref);
static void check(const char *name, bool ok, const char *got);

/* lh_user_row_same(row, ref) answers as building the state attributes from the row and
 * comparing them with ref does, for rows and refs changed field by field. */
static void
test_row_same(void)
{
	static const char *const rows[] = {
		"{\"user_id\":\"u1\",\"user_email\":\"A@X.com\",\"user_role\":\"internal_user\","
		"\"max_budget\":10.0,\"budget_duration\":\"30d\",\"models\":[\"m\",\"n\"],"
		"\"metadata\":{\"b\":1,\"a\":[2]},\"tpm_limit\":5,\"rpm_limit\":null,\"spend\":0.5,"
		"\"user_alias\":\"al\",\"created_at\":\"t1\",\"updated_at\":\"t2\",\"teams\":[],"
		"\"key_count\":3,\"extra\":{\"x\":1}}",
		"{\"user_id\":\"u2\",\"metadata\":{},\"models\":[],\"spend\":\"x\"}",
		"{\"user_id\":\"u3\",\"metadata\":null,\"models\":null,\"max_budget\":12345678901234567890}",
	};
	/* what each field may become */
	static const char *const values[] = {"null", "\"\"", "\"A@X.COM\"", "\"a@x.com\"", "0",
		"10", "10.5", "\"proxy_admin\"", "\"user\"", "[\"m\"]", "[\"n\",\"m\"]", "{}",
		"{\"a\":[2],\"b\":1}", "\"{}\"", "true", "\"monthly\"", "\"30d\"", "-0", "5.0"};
	static const char *const fields[] = {"user_id", "user_email", "user_role", "max_budget",
		"budget_duration", "models", "metadata", "tpm_limit", "rpm_limit", "spend",
		"user_alias", "created_at", "updated_at", "teams"};
	row_same_count n = row_same_sweep(rows, sizeof rows / sizeof *rows, fields,
	    sizeof fields / sizeof *fields, values, sizeof values / sizeof *values,
	    lh_user_from_api, lh_user_row_same);
	char msg[64];
	snprintf(msg, sizeof msg, "%d of %d differ (%d the same)", n.bad, n.runs, n.nsame);
	check("row-same-as-building", n.bad == 0 && n.runs > 1000 && n.nsame > 100, msg);
}

static const lh_rtype *user;

static bool
same(const char *attr, const cJSON *c, const cJSON *s)
{
	return lh_attr_same(lh_rtype_attr(user, attr), c, s);
}

static int fails;

static void
check(const char *name, bool ok, const char *got)
{
	if (ok) {
		printf("ok user_api-%s\n", name);
	} else {
		printf("FAIL user_api-%s\n    got: %s\n", name, got ? got : "(null)");
		fails++;
	}
}

static bool
same_json(const char *text, const char *want)
{
	cJSON *a = cJSON_Parse(text), *b = cJSON_Parse(want);
	bool eq = a && b && cJSON_Compare(a, b, true);
	cJSON_Delete(a);
	cJSON_Delete(b);
	return eq;
}

int
main(void)
{
	user = lh_rtype_find("litellm_user");
	test_row_same();
	cJSON *after = cJSON_Parse("{\"user_email\":\"a@x.com\",\"user_role\":\"admin\","
	    "\"max_budget\":0,\"budget_duration\":\"monthly\",\"models\":[\"m\"],"
	    "\"metadata\":\"{\\\"b\\\":1,\\\"a\\\":2}\",\"tpm_limit\":5,\"user_alias\":null}");
	char *body = lh_user_create_body(after, "id-1");
	check("create-body", same_json(body, "{\"user_id\":\"id-1\",\"user_email\":\"a@x.com\","
	    "\"user_role\":\"proxy_admin\",\"max_budget\":null,\"budget_duration\":\"30d\","
	    "\"models\":[\"m\"],\"metadata\":{\"b\":1,\"a\":2},\"tpm_limit\":5,"
	    "\"auto_create_key\":false}"), body);
	check("create-body-int", strstr(body, "\"tpm_limit\":5,") != NULL, body);
	free(body);

	cJSON *budget = cJSON_Parse("{\"user_email\":\"a@x.com\",\"max_budget\":10}");
	body = lh_user_create_body(budget, "id-2");
	check("create-body-float", strstr(body, "\"max_budget\":10.0") != NULL, body);
	free(body);

	cJSON_ReplaceItemInObject(budget, "max_budget", cJSON_CreateNumber(0.25));
	body = lh_user_create_body(budget, "id-2");
	check("create-body-fraction", strstr(body, "\"max_budget\":0.25") != NULL, body);
	free(body);

	/* limits go out exactly (a float64 would round 2^53+1), -0 as 0; a budget of -0
	 * is no budget */
	cJSON *big = lh_cjson_parse("{\"user_email\":\"a@x.com\",\"rpm_limit\":9007199254740993,"
	    "\"tpm_limit\":-0,\"max_budget\":-0.0}", 86, NULL);
	body = lh_user_create_body(big, "id-3");
	check("create-body-exact-int", strstr(body, "\"rpm_limit\":9007199254740993") != NULL &&
	    strstr(body, "\"tpm_limit\":0,") != NULL && strstr(body, "\"max_budget\":null") != NULL,
	    body);
	free(body);
	cJSON_Delete(big);

	/* budgets compare as the float64 LiteLLM keeps: more digits than it holds are the
	 * same budget, a different float64 is not */
	cJSON *bj = lh_cjson_parse("[0.30000000000000000001,0.3,0.30000000000000004]", 48, NULL);
	check("budget-float64-compare", bj != NULL &&
	    same("max_budget", cJSON_GetArrayItem(bj, 0), cJSON_GetArrayItem(bj, 1)) &&
	    !same("max_budget", cJSON_GetArrayItem(bj, 1), cJSON_GetArrayItem(bj, 2)), NULL);
	cJSON_Delete(bj);

	/* metadata numbers exactly: sent, compared and recorded as written */
	cJSON *md = cJSON_CreateObject();
	cJSON_AddStringToObject(md, "user_email", "a@x.com");
	cJSON_AddStringToObject(md, "metadata", "{\"id\":12345678901234567890,\"n\":[1,0.1]}");
	body = lh_user_create_body(md, "id-4");
	check("create-body-metadata-exact", strstr(body, "\"metadata\":{\"id\":12345678901234567890,") != NULL,
	    body);
	free(body);
	cJSON *m1 = cJSON_CreateString("{\"id\":12345678901234567890}");
	cJSON *m2 = cJSON_CreateString("{\"id\":12345678901234567891}");
	cJSON *m3 = cJSON_CreateString("{ \"id\": 12345678901234567890.0 }");
	check("metadata-compare-exact", !same("metadata", m1, m2) && same("metadata", m1, m3), NULL);
	cJSON *srow = lh_cjson_parse("{\"user_id\":\"id-5\",\"metadata\":{\"id\":12345678901234567890}}", 57, NULL);
	cJSON *sst = lh_user_from_api(srow, NULL);
	const char *mt = cJSON_GetStringValue(cJSON_GetObjectItem(sst, "metadata"));
	check("metadata-state-exact", mt != NULL && strcmp(mt, "{\"id\":12345678901234567890}") == 0, mt);
	cJSON_Delete(md);
	cJSON_Delete(m1);
	cJSON_Delete(m2);
	cJSON_Delete(m3);
	cJSON_Delete(srow);
	cJSON_Delete(sst);

	cJSON *row = cJSON_Parse("{\"user_id\":\"id-1\",\"user_email\":\"A@X.com\","
	    "\"user_role\":\"proxy_admin\",\"max_budget\":null,\"budget_duration\":\"30d\","
	    "\"models\":[\"m\"],\"metadata\":{\"a\":2,\"b\":1},\"tpm_limit\":5,"
	    "\"rpm_limit\":null,\"spend\":6.25e-06,\"user_alias\":null,"
	    "\"created_at\":\"t1\",\"updated_at\":\"t2\"}");
	cJSON *st = lh_user_from_api(row, after);
	char *t = cJSON_PrintUnformatted(st);
	check("from-api-keeps-spelling", same_json(t, "{\"id\":\"id-1\",\"user_id\":\"id-1\","
	    "\"created_at\":\"t1\",\"updated_at\":\"t2\",\"spend\":6.25e-06,"
	    "\"user_email\":\"a@x.com\",\"user_alias\":null,\"user_role\":\"admin\","
	    "\"max_budget\":0,\"budget_duration\":\"monthly\",\"tpm_limit\":5,"
	    "\"rpm_limit\":null,\"models\":[\"m\"],\"metadata\":\"{\\\"b\\\":1,\\\"a\\\":2}\"}"), t);
	free(t);
	check("check-ok", lh_rtype_check(user, after, st, NULL) == NULL, NULL);

	cJSON *fresh = lh_user_from_api(row, NULL);
	t = cJSON_PrintUnformatted(fresh);
	check("from-api-server-spelling",
	    strstr(t, "\"user_role\":\"proxy_admin\"") && strstr(t, "\"metadata\":\"{\\\"a\\\":2,\\\"b\\\":1}\"") &&
	    strstr(t, "\"budget_duration\":\"30d\""), t);
	free(t);

	cJSON *want = cJSON_Duplicate(st, 1);
	cJSON_ReplaceItemInObject(want, "user_alias", cJSON_CreateString("new"));
	cJSON_ReplaceItemInObject(want, "budget_duration", cJSON_CreateString("30d"));
	int n = 0;
	body = lh_user_update_body("id-1", st, want, &n);
	check("update-body-changed-only", n == 1 && same_json(body,
	    "{\"user_id\":\"id-1\",\"user_alias\":\"new\"}"), body);
	free(body);
	const char *bad = lh_rtype_check(user, want, st, st);
	check("check-kept-value", bad != NULL && strcmp(bad, "user_alias") == 0, bad);

	cJSON *w2 = cJSON_CreateString("weekly"), *s2 = cJSON_CreateString("1w");
	check("same-duration", same("budget_duration", w2, s2), NULL);
	cJSON *w3 = cJSON_CreateString("user"), *s3 = cJSON_CreateString("internal_user");
	check("same-role", same("user_role", w3, s3), NULL);
	cJSON *w4 = cJSON_CreateNumber(10), *s4 = cJSON_CreateNumber(10.0);
	check("same-number", same("max_budget", w4, s4), NULL);
	cJSON *w5 = cJSON_CreateString("x"), *s5 = cJSON_CreateString("y");
	check("differs", !same("user_alias", w5, s5), NULL);
	cJSON *w6 = cJSON_CreateString("24h"), *s6 = cJSON_CreateString("1d");
	check("duration-24h-is-not-1d", !same("budget_duration", w6, s6), NULL);
	cJSON_Delete(w6); cJSON_Delete(s6);
	cJSON_Delete(w2); cJSON_Delete(s2); cJSON_Delete(w3); cJSON_Delete(s3);
	cJSON_Delete(w4); cJSON_Delete(s4); cJSON_Delete(w5); cJSON_Delete(s5);
	cJSON_Delete(want);
	cJSON_Delete(fresh);
	cJSON_Delete(st);
	cJSON_Delete(row);
	cJSON_Delete(budget);
	cJSON_Delete(after);
	return fails ? 1 : 0;
}
