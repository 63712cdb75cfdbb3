/* admin.c - the /__emu/ test-control routes (master key required when one is set).
 *
 * They act on the store directly, "outside litehcl": no timestamps touched, no team
 * bookkeeping, no server defaults.  They are not written to the request log and no fault
 * ever applies to them.  Documented in tests/emu/README.md.  Store lock held.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "routes.h"

static const char *const float_cols[] = {"max_budget", "spend", NULL};

static bool
need_object(struct emu_req *req, struct emu_resp *resp)
{
	if (cJSON_IsObject(req->json))
		return true;
	emu_resp_detail(resp, 400, false, "expected a JSON object body");
	return false;
}

static void
answer_count(struct emu_resp *resp, const char *name, double n)
{
	cJSON *r = cJSON_CreateObject();

	emu_add(r, name, cJSON_CreateNumber(n));
	emu_resp_json(resp, 200, r);
}

static void
admin_seed(struct emu_req *req, struct emu_resp *resp)
{
	char *err = NULL;
	cJSON *r;

	if (!need_object(req, resp))
		return;
	if (!emu_store_load_json(req->json, &err)) {
		emu_resp_detail(resp, 400, false, err);
		free(err);
		return;
	}
	r = cJSON_CreateObject();
	emu_add(r, "users", cJSON_CreateNumber((double)emu_user_count()));
	emu_add(r, "teams", cJSON_CreateNumber((double)emu_team_count()));
	emu_store_cool();
	emu_resp_json(resp, 200, r);
}

static void
admin_reset(struct emu_req *req, struct emu_resp *resp)
{
	const cJSON *keep = cJSON_GetObjectItemCaseSensitive(req->json, "keep_faults");

	emu_store_reset();
	if (!cJSON_IsTrue(keep))
		emu_fault_clear(-1);
	emu_db_connected = true;
	answer_count(resp, "users", (double)emu_user_count());
}

static cJSON *
config_json(void)
{
	cJSON *c = cJSON_CreateObject();
	char ts[40];

	emu_add(c, "legacy", cJSON_CreateBool(emu_cfg.legacy));
	emu_add(c, "premium", cJSON_CreateBool(emu_cfg.premium));
	emu_add(c, "db_connected", cJSON_CreateBool(emu_db_connected));
	emu_add(c, "open_api", cJSON_CreateBool(emu_cfg.master_key == NULL));
	emu_add(c, "tls", cJSON_CreateBool(emu_cfg.tls_dir != NULL));
	emu_add(c, "latency_ms", cJSON_CreateNumber(emu_cfg.latency_ms));
	emu_add(c, "conn_latency_ms", cJSON_CreateNumber(emu_cfg.conn_latency_ms));
	emu_add(c, "write_latency_ms", cJSON_CreateNumber(emu_cfg.write_latency_ms));
	emu_add(c, "roster_race_ms", cJSON_CreateNumber(emu_cfg.roster_race_ms));
	if (emu_cfg.fixed_now_ms) {
		emu_time_text(emu_cfg.fixed_now_ms, ts, sizeof ts);
		emu_add_str(c, "now", ts);
	} else {
		emu_add(c, "now", cJSON_CreateNull());
	}
	return c;
}

static void
admin_dump(struct emu_req *req, struct emu_resp *resp)
{
	cJSON *fl = emu_fault_list(), *cj = config_json();
	char *f = cJSON_PrintUnformatted(fl), *c = cJSON_PrintUnformatted(cj), *extra;

	cJSON_Delete(fl);
	cJSON_Delete(cj);
	emu_oom_check(f);
	emu_oom_check(c);
	extra = emu_strf(",\"faults\":%s,\"config\":%s", f, c);
	resp->status = 200;
	resp->body = emu_store_dump_text(extra);
	free(extra);
	free(f);
	free(c);
}

/* Set columns of an existing row verbatim; user_id/team_id select the row. */
static void
admin_patch(struct emu_req *req, struct emu_resp *resp, bool team)
{
	const char *idname = team ? "team_id" : "user_id";
	const char *id;
	struct emu_user *u = NULL;
	struct emu_team *t = NULL;
	cJSON *row;

	if (!need_object(req, resp))
		return;
	id = emu_get_str(req->json, idname);
	if (team)
		t = emu_team_get(id);
	else
		u = emu_user_get(id);
	if (!u && !t) {
		emu_resp_detail(resp, 404, false, team ? "no such team" : "no such user");
		return;
	}
	row = team ? t->row : emu_user_row(u);
	for (const cJSON *m = req->json->child; m; m = m->next)
		if (strcmp(m->string, idname) != 0)
			emu_set(row, m->string, cJSON_Duplicate(m, true));
	emu_json_fix_floats(row, float_cols);
	if (u) {
		emu_user_reindex_email(u);
		emu_users_reordered();   /* created_at may have changed */
	}
	emu_store_dirty = true;
	emu_resp_json(resp, 200, cJSON_Duplicate(row, true));
}

static void
admin_remove(struct emu_req *req, struct emu_resp *resp, bool team)
{
	const char *id;
	struct emu_user *u;
	struct emu_team *t;

	if (!need_object(req, resp))
		return;
	id = emu_get_str(req->json, team ? "team_id" : "user_id");
	if (team && (t = emu_team_get(id))) {
		emu_team_delete(t);
	} else if (!team && (u = emu_user_get(id))) {
		emu_user_delete(u);
	} else {
		emu_resp_detail(resp, 404, false, team ? "no such team" : "no such user");
		return;
	}
	answer_count(resp, "deleted", 1);
}

static void
admin_fault_add(struct emu_req *req, struct emu_resp *resp)
{
	char *err = NULL;
	int id;

	if (!need_object(req, resp))
		return;
	id = emu_fault_add_json(req->json, &err);
	if (id < 0) {
		emu_resp_detail(resp, 400, false, err);
		free(err);
		return;
	}
	answer_count(resp, "id", id);
}

static void
admin_fault_clear(struct emu_req *req, struct emu_resp *resp)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(req->json, "id");

	answer_count(resp, "removed", emu_fault_clear(cJSON_IsNumber(id) ? id->valueint : -1));
}

static void
admin_config(struct emu_req *req, struct emu_resp *resp)
{
	const struct {
		const char *name;
		int *ms;
	} lat[] = {{"latency_ms", &emu_cfg.latency_ms}, {"conn_latency_ms", &emu_cfg.conn_latency_ms},
	           {"write_latency_ms", &emu_cfg.write_latency_ms},
	           {"roster_race_ms", &emu_cfg.roster_race_ms}, {NULL, NULL}};
	const cJSON *b = req->json, *v;
	int64_t ms;

	if (req->body_len && !need_object(req, resp))
		return;
	if (cJSON_IsBool(v = cJSON_GetObjectItemCaseSensitive(b, "legacy")))
		emu_cfg.legacy = cJSON_IsTrue(v);
	if (cJSON_IsBool(v = cJSON_GetObjectItemCaseSensitive(b, "premium")))
		emu_cfg.premium = cJSON_IsTrue(v);
	if (cJSON_IsBool(v = cJSON_GetObjectItemCaseSensitive(b, "db_connected")))
		emu_db_connected = cJSON_IsTrue(v);
	for (int i = 0; lat[i].name; i++) {
		v = cJSON_GetObjectItemCaseSensitive(b, lat[i].name);
		if (!v)
			continue;
		if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 600000) {
			emu_resp_detail(resp, 400, false, "latencies: expected 0..600000 ms");
			return;
		}
		*lat[i].ms = (int)v->valuedouble;
	}
	v = cJSON_GetObjectItemCaseSensitive(b, "now");
	if (cJSON_IsNull(v))
		emu_cfg.fixed_now_ms = 0;
	else if (cJSON_IsString(v)) {
		if (!emu_time_parse(v->valuestring, &ms)) {
			emu_resp_detail(resp, 400, false, "now: expected 2024-06-14T22:48:36.594Z");
			return;
		}
		emu_cfg.fixed_now_ms = ms;
	}
	emu_resp_json(resp, 200, config_json());
}

static void
admin_save(struct emu_req *req, struct emu_resp *resp)
{
	char *err = NULL;

	if (!emu_cfg.data_file) {
		emu_resp_detail(resp, 400, false, "started without --data");
		return;
	}
	if (!emu_store_save_file(emu_cfg.data_file, &err)) {
		emu_resp_detail(resp, 500, false, err);
		free(err);
		return;
	}
	answer_count(resp, "saved", 1);
}

bool
emu_admin_dispatch(struct emu_req *req, struct emu_resp *resp)
{
	const char *p = req->route + strlen("/__emu");
	bool get = strcmp(req->method, "GET") == 0, post = strcmp(req->method, "POST") == 0;

	if (get && strcmp(p, "/dump") == 0)
		admin_dump(req, resp);
	else if (get && strcmp(p, "/stats") == 0)
		emu_resp_json(resp, 200, emu_server_stats(false));
	else if (get && strcmp(p, "/faults") == 0)
		emu_resp_json(resp, 200, emu_fault_list());
	else if (get && strcmp(p, "/config") == 0)
		emu_resp_json(resp, 200, config_json());
	else if (!post)
		return false;
	else if (strcmp(p, "/seed") == 0)
		admin_seed(req, resp);
	else if (strcmp(p, "/reset") == 0)
		admin_reset(req, resp);
	else if (strcmp(p, "/user") == 0)
		admin_patch(req, resp, false);
	else if (strcmp(p, "/team") == 0)
		admin_patch(req, resp, true);
	else if (strcmp(p, "/user/delete") == 0)
		admin_remove(req, resp, false);
	else if (strcmp(p, "/team/delete") == 0)
		admin_remove(req, resp, true);
	else if (strcmp(p, "/faults") == 0)
		admin_fault_add(req, resp);
	else if (strcmp(p, "/faults/clear") == 0)
		admin_fault_clear(req, resp);
	else if (strcmp(p, "/config") == 0)
		admin_config(req, resp);
	else if (strcmp(p, "/save") == 0)
		admin_save(req, resp);
	else if (strcmp(p, "/stats/reset") == 0)
		emu_resp_json(resp, 200, emu_server_stats(true));
	else
		return false;
	return true;
}
