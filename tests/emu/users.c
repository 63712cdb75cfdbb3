/* users.c - the user routes (/user/...): new, info, update, delete, list (get_users).
 *
 * Each route validates its input like FastAPI/pydantic would (422 bodies), then applies
 * the proxy's semantics from shared/spec/litellm-api.md; emu_cfg.legacy switches to the
 * old (~v1.80) behaviour where the spec describes one.  Called with the store lock held.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "routes.h"

static const struct emu_field new_fields[] = {
	{"user_id", EMU_F_STR, false},
	{"user_email", EMU_F_STR, false},
	{"user_alias", EMU_F_STR, false},
	{"user_role", EMU_F_USER_ROLE, false},
	{"max_budget", EMU_F_FLOAT, false},
	{"budget_duration", EMU_F_STR, false},
	{"tpm_limit", EMU_F_INT, false},
	{"rpm_limit", EMU_F_INT, false},
	{"models", EMU_F_LIST, false},
	{"metadata", EMU_F_DICT, false},
	{"auto_create_key", EMU_F_BOOL, false},
	{"teams", EMU_F_LIST, false},
	{"spend", EMU_F_FLOAT, false},
	{"max_parallel_requests", EMU_F_INT, false},
	{"sso_user_id", EMU_F_STR, false},
	{"organization_id", EMU_F_STR, false},
	{"model_max_budget", EMU_F_DICT, false},
	{"send_invite_email", EMU_F_BOOL, false},
	{"key_alias", EMU_F_STR, false},
	{"duration", EMU_F_STR, false},
	{NULL, EMU_F_ANY, false},
};

/* Columns a create or update copies from the request into the row, in the order
 * /user/update's 422 details list them (the tables below splice this in place). */
#define USER_COLUMNS \
	{"user_email", EMU_F_STR, false}, \
	{"user_alias", EMU_F_STR, false}, \
	{"user_role", EMU_F_USER_ROLE, false}, \
	{"max_budget", EMU_F_FLOAT, false}, \
	{"spend", EMU_F_FLOAT, false}, \
	{"budget_duration", EMU_F_STR, false}, \
	{"tpm_limit", EMU_F_INT, false}, \
	{"rpm_limit", EMU_F_INT, false}, \
	{"max_parallel_requests", EMU_F_INT, false}, \
	{"models", EMU_F_LIST, false}, \
	{"metadata", EMU_F_DICT, false}, \
	{"sso_user_id", EMU_F_STR, false}, \
	{"organization_id", EMU_F_STR, false}, \
	{"model_max_budget", EMU_F_DICT, false}

static const struct emu_field row_fields[] = {
	USER_COLUMNS,
	{NULL, EMU_F_ANY, false},
};

static const struct emu_field update_fields[] = {
	{"user_id", EMU_F_STR, false},
	USER_COLUMNS,
	{"password", EMU_F_STR, false},
	{NULL, EMU_F_ANY, false},
};

static const struct emu_field delete_fields[] = {
	{"user_ids", EMU_F_STRLIST, true},
	{NULL, EMU_F_ANY, false},
};

/* ---- shared helpers ---- */

const char *
emu_query(const struct emu_req *req, const char *name)
{
	return emu_get_str(req->query, name);
}

static double
number_of(const cJSON *v)
{
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? 1 : 0;
	if (cJSON_IsString(v))
		return strtod(v->valuestring, NULL);
	return v->valuedouble;
}

void
emu_row_set(cJSON *row, const char *name, enum emu_ftype t, const cJSON *v)
{
	cJSON *nv;

	if (cJSON_IsNull(v))
		nv = cJSON_CreateNull();
	else if (t == EMU_F_FLOAT)
		nv = emu_json_float(number_of(v));
	else if (t == EMU_F_INT)
		nv = cJSON_CreateNumber(floor(number_of(v)));
	else
		nv = cJSON_Duplicate(v, true);
	emu_set(row, name, nv);
}

bool
emu_check_duration(const cJSON *body, const char *type, struct emu_resp *resp)
{
	const char *d = emu_get_str(body, "budget_duration");

	if (!d || emu_cfg.legacy || emu_duration_valid(d))
		return true;
	emu_resp_errorf(resp, 400, type, "None", "Invalid budget_duration '%s'. Use a format like "
	                "'1h', '24h', '7d', or '30d'.", d);
	return false;
}

/* Server-side defaults of a proxy config (default_internal_user_params,
 * max_internal_user_budget, internal_user_budget_duration), for fields the client left
 * out or null (models: also []).  Like the proxy, they apply to internal users only. */
static void
apply_defaults(cJSON *row)
{
	const char *role;

	if (emu_cfg.default_user_role && !emu_get_str(row, "user_role"))
		emu_set(row, "user_role", cJSON_CreateString(emu_cfg.default_user_role));
	role = emu_get_str(row, "user_role");
	if (!role || (strcmp(role, "internal_user") && strcmp(role, "internal_user_viewer")))
		return;
	if (emu_cfg.have_default_max_budget &&
	    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(row, "max_budget")))
		emu_set(row, "max_budget", emu_json_float(emu_cfg.default_max_budget));
	if (emu_cfg.default_budget_duration && !emu_get_str(row, "budget_duration"))
		emu_set(row, "budget_duration", cJSON_CreateString(emu_cfg.default_budget_duration));
	if (emu_cfg.default_models &&
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(row, "models")) == 0)
		emu_set(row, "models", cJSON_Duplicate(emu_cfg.default_models, true));
}

struct emu_user *
emu_users_create_default(const char *id, const char *email, const char *role)
{
	char uuid[37];
	struct emu_user *u;

	if (!id) {
		emu_uuid4(uuid);
		id = uuid;
	}
	u = emu_user_insert(id);
	if (email) {
		emu_set(emu_user_row(u), "user_email", cJSON_CreateString(email));
		emu_user_reindex_email(u);
	}
	emu_set(emu_user_row(u), "user_role", cJSON_CreateString(role ? role : "internal_user"));
	apply_defaults(emu_user_row(u));
	emu_reset_budget_time(emu_user_row(u));
	return u;
}

/* Copy every row field present in body (nulls too) into row. */
static void
copy_fields(cJSON *row, const cJSON *body)
{
	for (const struct emu_field *f = row_fields; f->name; f++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, f->name);
		if (v)
			emu_row_set(row, f->name, f->type, v);
	}
}

static bool
want_key(const cJSON *body)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, "auto_create_key");

	if (!v || cJSON_IsNull(v))
		return true;
	if (cJSON_IsString(v))
		return strchr("tTyY1", v->valuestring[0]) ||
		       strcasecmp(v->valuestring, "on") == 0;
	return number_of(v) != 0;
}

/* ---- POST /user/new ---- */

/* The flat /user/new answer: key columns (null without a key) plus the user fields. */
static cJSON *
new_user_response(const cJSON *row, const char *secret, const cJSON *key)
{
	static const char *const cols[] = {
		"user_id", "user_alias", "user_email", "user_role", "max_budget", "spend", "models",
		"metadata", "tpm_limit", "rpm_limit", "budget_duration", "max_parallel_requests",
		"sso_user_id", "organization_id", "model_max_budget", NULL};
	cJSON *r = cJSON_CreateObject();

	if (!r)
		abort();
	emu_add_str(r, "key_alias", NULL);
	emu_add_str(r, "key", secret ? secret : "");
	emu_add_str(r, "key_name", key ? emu_get_str(key, "key_name") : NULL);
	emu_add_str(r, "token", key ? emu_get_str(key, "token") : NULL);
	emu_add_str(r, "expires", NULL);
	for (int i = 0; cols[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, cols[i]);
		emu_add(r, cols[i], v ? cJSON_Duplicate(v, true) : cJSON_CreateNull());
	}
	emu_add(r, "teams", cJSON_CreateNull());
	emu_add_str(r, "created_by", key ? "default_user_id" : NULL);
	emu_add_str(r, "updated_by", key ? "default_user_id" : NULL);
	emu_add_str(r, "created_at", key ? emu_get_str(key, "created_at") : NULL);
	emu_add_str(r, "updated_at", key ? emu_get_str(key, "updated_at") : NULL);
	return r;
}

/* Old servers: a duplicate id mints another key and echoes the request, but the stored
 * row stays as it was. */
static void
new_user_legacy_duplicate(struct emu_user *u, const cJSON *body, struct emu_resp *resp)
{
	cJSON *echo = cJSON_Duplicate(emu_user_row(u), true), *key = NULL;
	char *secret = emu_user_mint_key(u, &key);

	copy_fields(echo, body);
	emu_resp_json(resp, 200, new_user_response(echo, secret, key));
	cJSON_Delete(echo);
	free(secret);
}

/* Add the new user to the teams listed in the request ("teams": [ids]). */
static void
join_teams(struct emu_user *u, const cJSON *list)
{
	const char *uid = u->id;

	for (const cJSON *e = cJSON_IsArray(list) ? list->child : NULL; e; e = e->next) {
		struct emu_team *t = cJSON_IsString(e) ? emu_team_get(e->valuestring) : NULL;
		cJSON *m;
		if (!t)
			continue;
		m = cJSON_CreateObject();
		emu_add_str(m, "role", "user");
		emu_add_str(m, "user_id", uid);
		emu_add_str(m, "user_email", emu_get_str(emu_user_row(u), "user_email"));
		emu_push(cJSON_GetObjectItemCaseSensitive(t->row, "members_with_roles"), m);
		emu_user_add_team(u, e->valuestring);
	}
}

static bool
duplicate_check(const char *id, const char *email, struct emu_resp *resp)
{
	struct emu_user *other;

	if (emu_user_get(id)) {
		emu_resp_error_reprf(resp, 409, "internal_server_error",
		                     "User with id %s already exists", id);
		return false;
	}
	if (email && (other = emu_user_by_email(email))) {
		emu_resp_error_reprf(resp, 409, "internal_server_error",
		                     "User with email %s already exists", email);
		return false;
	}
	return true;
}

void
emu_route_user_new(struct emu_req *req, struct emu_resp *resp)
{
	const cJSON *body;
	const char *id, *email;
	char uuid[37], *secret = NULL;
	struct emu_user *u;
	cJSON *key = NULL;

	if (!emu_validate_body(req, new_fields, resp))
		return;
	body = req->json;
	if (!emu_check_duration(body, "internal_server_error", resp))
		return;
	id = emu_get_str(body, "user_id");
	email = emu_get_str(body, "user_email");
	if (!id) {
		emu_uuid4(uuid);
		id = uuid;
	}
	if (emu_cfg.legacy && (u = emu_user_get(id))) {
		new_user_legacy_duplicate(u, body, resp);
		return;
	}
	if (!emu_cfg.legacy && !duplicate_check(id, email, resp))
		return;
	u = emu_user_insert(id);
	copy_fields(emu_user_row(u), body);
	apply_defaults(emu_user_row(u));
	emu_reset_budget_time(emu_user_row(u));
	emu_user_reindex_email(u);
	join_teams(u, cJSON_GetObjectItemCaseSensitive(body, "teams"));
	if (want_key(body))
		secret = emu_user_mint_key(u, &key);
	emu_resp_json(resp, 200, new_user_response(emu_user_row(u), secret, key));
	free(secret);
}

/* ---- GET /user/info ---- */

static void
info_everything(struct emu_resp *resp)
{
	cJSON *r = cJSON_CreateObject(), *keys = cJSON_CreateArray(), *teams = cJSON_CreateArray();

	if (!r || !keys || !teams)
		abort();
	for (size_t i = 0; i < emu_user_count(); i++) {
		cJSON *ks = cJSON_Parse(emu_user_keys_text(emu_user_at(i))), *k;
		emu_oom_check(ks);
		while ((k = cJSON_DetachItemFromArray(ks, 0)))
			emu_push(keys, k);
		cJSON_Delete(ks);
	}
	for (size_t i = 0; i < emu_team_count(); i++)
		emu_push(teams, cJSON_Duplicate(emu_team_at(i)->row, true));
	emu_add(r, "user_id", cJSON_CreateNull());
	emu_add(r, "user_info", cJSON_CreateNull());
	emu_add(r, "keys", keys);
	emu_add(r, "teams", teams);
	emu_resp_json(resp, 200, r);
}

static void
info_unknown(const char *id, struct emu_resp *resp)
{
	cJSON *r, *info;

	if (!emu_cfg.legacy) {
		emu_resp_errorf(resp, 404, "internal_server_error", "None", "User %s not found", id);
		return;
	}
	r = cJSON_CreateObject();
	info = cJSON_CreateObject();
	if (!r || !info)
		abort();
	emu_add_str(r, "user_id", id);
	emu_add(info, "spend", cJSON_CreateNumber(0));
	emu_add(r, "user_info", info);
	emu_add(r, "keys", cJSON_CreateArray());
	emu_add(r, "teams", cJSON_CreateArray());
	emu_resp_json(resp, 200, r);
}

void
emu_route_user_info(struct emu_req *req, struct emu_resp *resp)
{
	const char *id = emu_query(req, "user_id");
	struct emu_user *u;
	cJSON *idj, *teams;
	char *idt, *tt;

	if (!id) {
		info_everything(resp);
		return;
	}
	u = emu_user_get(id);
	if (!u) {
		info_unknown(id, resp);
		return;
	}
	/* the hot path of every refresh: the stored texts spliced, no tree built */
	idj = cJSON_CreateString(id);
	teams = emu_user_team_rows(u);
	idt = cJSON_PrintUnformatted(idj);
	tt = cJSON_PrintUnformatted(teams);
	emu_oom_check(idt);
	emu_oom_check(tt);
	resp->status = 200;
	resp->body = emu_strf("{\"user_id\":%s,\"user_info\":%s,\"keys\":%s,\"teams\":%s}", idt,
	                      emu_user_text(u), emu_user_keys_text(u), tt);
	cJSON_Delete(idj);
	cJSON_Delete(teams);
	free(idt);
	free(tt);
}

/* ---- POST /user/update ---- */

static bool
ignored_value(const cJSON *v)
{
	return cJSON_IsNull(v) || ((cJSON_IsArray(v) || cJSON_IsObject(v)) && !v->child);
}

static void
update_row(struct emu_user *u, const cJSON *body)
{
	bool email_changed = false, duration_changed = false;

	for (const struct emu_field *f = row_fields; f->name; f++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, f->name);
		if (!v)
			continue;
		if (ignored_value(v) && !(cJSON_IsNull(v) && !emu_cfg.legacy &&
		                          strcmp(f->name, "max_budget") == 0))
			continue;
		emu_row_set(emu_user_row(u), f->name, f->type, v);
		email_changed |= strcmp(f->name, "user_email") == 0;
		duration_changed |= strcmp(f->name, "budget_duration") == 0;
	}
	if (email_changed)
		emu_user_reindex_email(u);
	if (duration_changed)
		emu_reset_budget_time(emu_user_row(u));
	emu_touch(emu_user_row(u));
	emu_store_dirty = true;
}

static bool
update_precheck(struct emu_req *req, struct emu_resp *resp)
{
	return emu_validate_id_or_email(req, resp) && emu_validate_body(req, update_fields, resp);
}

void
emu_route_user_update(struct emu_req *req, struct emu_resp *resp)
{
	const cJSON *body;
	const char *id, *email;
	struct emu_user *u;
	cJSON *r;

	if (!update_precheck(req, resp))
		return;
	body = req->json;
	if (!emu_check_duration(body, "auth_error", resp))
		return;
	id = emu_get_str(body, "user_id");
	email = emu_get_str(body, "user_email");
	u = id ? emu_user_get(id) : emu_user_by_email(email);
	if (!u && !id) {
		emu_resp_error_reprf(resp, 400, "auth_error", "User not found, passed user_email=%s",
		                     email);
		return;
	}
	if (!u)
		u = emu_user_insert(id);   /* upsert: never a 404 */
	update_row(u, body);
	r = cJSON_CreateObject();
	if (!r)
		abort();
	emu_add_str(r, "user_id", u->id);
	emu_add(r, "data", cJSON_Duplicate(emu_user_row(u), true));
	emu_resp_json(resp, 200, r);
}

/* ---- POST /user/delete ---- */

/* Remove the user from every team it belongs to (the proxy does it id by id, before
 * failing on an unknown one). */
static void
leave_teams(struct emu_user *u)
{
	const char *uid = u->id;
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(emu_user_row(u), "teams");

	for (const cJSON *e = cJSON_IsArray(ids) ? ids->child : NULL; e; e = e->next) {
		struct emu_team *t = cJSON_IsString(e) ? emu_team_get(e->valuestring) : NULL;
		if (t)
			emu_team_drop_member(t, uid);
	}
}

void
emu_route_user_delete(struct emu_req *req, struct emu_resp *resp)
{
	const cJSON *ids;
	int n = 0;

	if (!emu_validate_body(req, delete_fields, resp))
		return;
	ids = cJSON_GetObjectItemCaseSensitive(req->json, "user_ids");
	for (const cJSON *e = ids->child; e; e = e->next) {
		struct emu_user *u = emu_user_get(e->valuestring);
		if (!u) {
			emu_resp_detail_errorf(resp, 404, "User not found, passed user_id=%s",
			                       e->valuestring);
			return;
		}
		leave_teams(u);
	}
	for (const cJSON *e = ids->child; e; e = e->next) {
		struct emu_user *u = emu_user_get(e->valuestring);
		if (u) {
			emu_user_delete(u);
			n++;
		}
	}
	emu_resp_json(resp, 200, cJSON_CreateNumber(n));
}

/* ---- GET /user/list ---- */

struct list_query {
	long page, page_size;
	char **ids;          /* user_ids split at commas */
	int nids;
	const char *email, *role, *team, *sort_by;
	bool desc;
	bool random_ties;    /* default order: ties in created_at come out in any order */
};

struct list_item {
	struct emu_user *u;
	cJSON *val;          /* the sort column's value; NULL = null */
	uint64_t tie;
};


bool
emu_query_int(const struct emu_req *req, const char *name, long def, long lo, long hi, long *out,
          cJSON *detail)
{
	const char *s = emu_query(req, name);
	char *end;
	long v;
	cJSON *ctx, *in;
	char *msg;

	*out = def;
	if (!s)
		return true;
	v = strtol(s, &end, 10);
	in = cJSON_CreateString(s);
	if (!*s || *end) {
		emu_verr(detail, "int_parsing", "query", name, -1,
		         "Input should be a valid integer, unable to parse string as an integer", in,
		         NULL);
	} else if (v < lo || v > hi) {
		ctx = cJSON_CreateObject();
		emu_add(ctx, v < lo ? "ge" : "le", cJSON_CreateNumber(v < lo ? lo : hi));
		msg = emu_strf("Input should be %s %ld", v < lo ? "greater than or equal to"
		                                                : "less than or equal to", v < lo ? lo : hi);
		emu_verr(detail, v < lo ? "greater_than_equal" : "less_than_equal", "query", name, -1,
		         msg, in, ctx);
		free(msg);
	} else {
		*out = v;
	}
	cJSON_Delete(in);
	return true;
}

static void
split_ids(struct list_query *q, const char *s)
{
	char *copy = emu_strdup(s), *save = NULL;

	q->ids = emu_xmalloc(sizeof *q->ids * (strlen(s) / 2 + 1));   /* "a,b,c": <= len/2+1 */
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		if (*t)
			q->ids[q->nids++] = emu_strdup(t);
	}
	free(copy);
}

static const char *const sort_columns[] = {"user_id", "user_email", "created_at", "spend",
                                           "user_alias", "user_role", NULL};

static bool
parse_list_query(const struct emu_req *req, struct list_query *q, struct emu_resp *resp)
{
	cJSON *detail = cJSON_CreateArray();
	const char *order = emu_query(req, "sort_order");
	const char *ids = emu_query(req, "user_ids");
	bool known = false;

	emu_query_int(req, "page", 1, 1, 1L << 53, &q->page, detail);   /* no real upper bound */
	emu_query_int(req, "page_size", 25, 1, 100, &q->page_size, detail);
	if (cJSON_GetArraySize(detail) > 0) {
		emu_resp_422(resp, detail);
		return false;
	}
	cJSON_Delete(detail);
	q->email = emu_query(req, "user_email");
	q->role = emu_query(req, "role");
	q->team = emu_query(req, "team");
	q->sort_by = emu_query(req, "sort_by");
	if (ids)
		split_ids(q, ids);
	if (order && strcasecmp(order, "asc") && strcasecmp(order, "desc")) {
		emu_resp_detail_errorf(resp, 400, "Invalid sort order: %s. Must be 'asc' or 'desc'",
		                       order);
		return false;
	}
	for (int i = 0; q->sort_by && sort_columns[i]; i++)
		known |= strcmp(q->sort_by, sort_columns[i]) == 0;
	if (q->sort_by && !known) {
		emu_resp_detail_errorf(resp, 400, "Invalid sort column: %s. Must be one of user_id, "
		                       "user_email, created_at, spend, user_alias, user_role",
		                       q->sort_by);
		return false;
	}
	q->desc = order ? strcasecmp(order, "desc") == 0 : !q->sort_by;
	q->random_ties = !q->sort_by;
	if (!q->sort_by)
		q->sort_by = "created_at";
	return true;
}

static bool
icontains(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

static bool
in_team(struct emu_user *u, const char *team)
{
	cJSON *t = emu_user_field(u, "teams");
	bool hit = false;

	for (const cJSON *e = cJSON_IsArray(t) ? t->child : NULL; e && !hit; e = e->next)
		hit = cJSON_IsString(e) && strcmp(e->valuestring, team) == 0;
	cJSON_Delete(t);
	return hit;
}

/* The filters other than several exact user_ids (those are looked up, not matched). */
static bool
list_match(const struct list_query *q, struct emu_user *u)
{
	if (q->nids == 1 && !icontains(u->id, q->ids[0]))
		return false;
	if (q->email && !icontains(u->email, q->email))
		return false;
	if (q->role) {
		cJSON *r = emu_user_field(u, "user_role");
		bool same = cJSON_IsString(r) && strcmp(r->valuestring, q->role) == 0;
		cJSON_Delete(r);
		if (!same)
			return false;
	}
	if (q->team && !in_team(u, q->team))
		return false;
	return true;
}

static cJSON *
sort_value(struct emu_user *u, const char *col)
{
	cJSON *v;

	if (strcmp(col, "user_id") == 0)
		return cJSON_CreateString(u->id);
	if (strcmp(col, "created_at") == 0)
		return u->created_at[0] ? cJSON_CreateString(u->created_at) : NULL;
	v = emu_user_field(u, col);
	if (cJSON_IsNull(v)) {
		cJSON_Delete(v);
		v = NULL;
	}
	return v;
}

static int
list_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct list_query *q = ctx;
	const struct list_item *a = pa, *b = pb;
	int c = emu_value_cmp(a->val, b->val, strcmp(q->sort_by, "spend") == 0);

	if (c)
		return q->desc ? -c : c;
	if (q->random_ties)
		return (a->tie > b->tie) - (a->tie < b->tie);
	return (a->u->seq > b->u->seq) - (a->u->seq < b->u->seq);
}

/* One /user/list row: the stored text plus key_count, spliced without a tree. */
static void
page_row(struct emu_buf *b, struct emu_user *u, bool first)
{
	const char *t = emu_user_text(u);
	char kc[40];

	snprintf(kc, sizeof kc, ",\"key_count\":%d}", u->nkeys);
	if (!first)
		emu_buf_put(b, ",", 1);
	emu_buf_put(b, t, strlen(t) - 1);
	emu_buf_put(b, kc, strlen(kc));
}

static void
page_answer(struct emu_resp *resp, const struct list_query *q, struct emu_buf *rows, size_t total)
{
	resp->status = 200;
	resp->body = emu_strf("{\"users\":[%s],\"total\":%zu,\"page\":%ld,\"page_size\":%ld,"
	                      "\"total_pages\":%zu}", rows->p ? rows->p : "", total, q->page,
	                      q->page_size, (total + (size_t)q->page_size - 1) / (size_t)q->page_size);
	free(rows->p);
}

/* First index in v[lo..hi) whose value is not below x (upper: not at or below x). */
static size_t
bound(cJSON **vals, size_t n, const cJSON *x, bool numeric, bool upper)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = emu_value_cmp(vals[mid], x, numeric);
		if (c < 0 || (upper && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A page straight from a sorted index: binary searches find the groups of equal values
 * the page crosses; descending walks the groups backwards (ties stay in creation order, or
 * come out in a fresh random order for the default sort).  Cost: the page, plus the size
 * of a tie group when ties are random. */
static void
page_from_index(const struct list_query *q, struct emu_user **v, cJSON **vals, size_t n,
                struct emu_buf *rows)
{
	size_t start = (size_t)((q->page - 1) * q->page_size), end = start + (size_t)q->page_size;
	bool numeric = strcmp(q->sort_by, "spend") == 0, first = true;
	struct emu_user **perm = NULL;
	size_t p = start;

	if (q->page - 1 > (long)(n / (size_t)q->page_size))
		return;   /* past the end (and no overflow on absurd pages) */
	while (p < end && p < n) {
		size_t j = q->desc ? n - 1 - p : p;
		size_t gs = bound(vals, n, vals[j], numeric, false);
		size_t ge = bound(vals, n, vals[j], numeric, true);
		size_t g = ge - gs, lstart = q->desc ? n - ge : gs;
		size_t o1 = p - lstart, o2 = (end < lstart + g ? end : lstart + g) - lstart;
		if (q->random_ties && g > 1) {
			perm = realloc(perm, g * sizeof *perm);
			emu_oom_check(perm);
			memcpy(perm, v + gs, g * sizeof *perm);
			for (size_t k = 0; k < o2; k++) {   /* partial Fisher-Yates */
				size_t r = k + (size_t)(emu_rand64() % (g - k));
				struct emu_user *tmp = perm[k];
				perm[k] = perm[r];
				perm[r] = tmp;
			}
			for (size_t k = o1; k < o2; k++, first = false)
				page_row(rows, perm[k], first);
		} else {
			for (size_t k = o1; k < o2; k++, first = false)
				page_row(rows, v[gs + k], first);
		}
		p = lstart + o2;
	}
	free(perm);
}

void
emu_route_user_list(struct emu_req *req, struct emu_resp *resp)
{
	struct list_query q = {0};
	struct list_item *items = NULL;
	struct emu_buf rows = {0};
	size_t n = 0, start;

	if (!parse_list_query(req, &q, resp))
		goto out;
	emu_store_cool();
	if (q.nids <= 1 && !q.email && !q.role && !q.team) {
		/* the whole table in one order: an index */
		struct emu_user **v;
		cJSON **vals;
		n = emu_users_sorted(q.sort_by, &v, &vals);
		page_from_index(&q, v, vals, n, &rows);
		if (q.nids == 0)
			goto answer;
		/* one user_id is a substring filter: scan below */
		free(rows.p);
		rows = (struct emu_buf){0};
		n = 0;
	}
	if (q.nids > 1) {
		/* several ids match exactly: look each up */
		items = emu_xmalloc(sizeof *items * (size_t)q.nids);
		for (int i = 0; i < q.nids; i++) {
			struct emu_user *u = emu_user_get(q.ids[i]);
			bool seen = false;
			for (size_t k = 0; u && k < n && !seen; k++)
				seen = items[k].u == u;
			if (u && !seen && list_match(&q, u))
				items[n++].u = u;
		}
	} else {
		items = emu_xmalloc(sizeof *items * (emu_user_count() + 1));
		for (size_t i = 0; i < emu_user_count(); i++)
			if (list_match(&q, emu_user_at(i)))
				items[n++].u = emu_user_at(i);
	}
	for (size_t i = 0; i < n; i++) {
		items[i].val = sort_value(items[i].u, q.sort_by);
		items[i].tie = q.random_ties ? emu_rand64() : 0;
	}
	qsort_r(items, n, sizeof *items, list_cmp, &q);
	start = (size_t)((q.page - 1) * q.page_size);
	for (size_t i = start; q.page - 1 <= (long)(n / (size_t)q.page_size) && i < n &&
	                       i < start + (size_t)q.page_size; i++)
		page_row(&rows, items[i].u, i == start);
	for (size_t i = 0; i < n; i++)
		cJSON_Delete(items[i].val);
answer:
	page_answer(resp, &q, &rows, n);
out:
	for (int i = 0; i < q.nids; i++)
		free(q.ids[i]);
	free(q.ids);
	free(items);
}
