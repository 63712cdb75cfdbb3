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
		emu_set(u->row, "user_email", cJSON_CreateString(email));
		emu_user_reindex_email(u);
	}
	emu_set(u->row, "user_role", cJSON_CreateString(role ? role : "internal_user"));
	apply_defaults(u->row);
	emu_reset_budget_time(u->row);
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
	cJSON *echo = cJSON_Duplicate(u->row, true), *key = NULL;
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
	const char *uid = emu_get_str(u->row, "user_id");

	for (const cJSON *e = cJSON_IsArray(list) ? list->child : NULL; e; e = e->next) {
		struct emu_team *t = cJSON_IsString(e) ? emu_team_get(e->valuestring) : NULL;
		cJSON *m;
		if (!t)
			continue;
		m = cJSON_CreateObject();
		emu_add_str(m, "role", "user");
		emu_add_str(m, "user_id", uid);
		emu_add_str(m, "user_email", emu_get_str(u->row, "user_email"));
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
	copy_fields(u->row, body);
	apply_defaults(u->row);
	emu_reset_budget_time(u->row);
	emu_user_reindex_email(u);
	join_teams(u, cJSON_GetObjectItemCaseSensitive(body, "teams"));
	if (want_key(body))
		secret = emu_user_mint_key(u, &key);
	emu_resp_json(resp, 200, new_user_response(u->row, secret, key));
	free(secret);
}

/* ---- GET /user/info ---- */

static void
info_everything(struct emu_resp *resp)
{
	cJSON *r = cJSON_CreateObject(), *keys = cJSON_CreateArray(), *teams = cJSON_CreateArray();

	if (!r || !keys || !teams)
		abort();
	for (size_t i = 0; i < emu_user_count(); i++)
		for (cJSON *k = emu_user_at(i)->keys->child; k; k = k->next)
			emu_push(keys, cJSON_Duplicate(k, true));
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
	cJSON *r;

	if (!id) {
		info_everything(resp);
		return;
	}
	u = emu_user_get(id);
	if (!u) {
		info_unknown(id, resp);
		return;
	}
	/* the hot path of every refresh: reuse the printed answer while nothing changed */
	if (!u->info_cache || u->info_gen != emu_store_gen) {
		r = cJSON_CreateObject();
		if (!r)
			abort();
		/* references, not copies: printed before the store lock is released */
		emu_add_str(r, "user_id", id);
		emu_add(r, "user_info", cJSON_CreateObjectReference(u->row->child));
		emu_add(r, "keys", cJSON_CreateArrayReference(u->keys->child));
		emu_add(r, "teams", emu_user_team_rows(u));
		emu_resp_json(resp, 200, r);
		free(u->info_cache);
		u->info_cache = emu_strdup(resp->body);
		u->info_gen = emu_store_gen;
		return;
	}
	resp->status = 200;
	resp->body = emu_strdup(u->info_cache);
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
		emu_row_set(u->row, f->name, f->type, v);
		email_changed |= strcmp(f->name, "user_email") == 0;
		duration_changed |= strcmp(f->name, "budget_duration") == 0;
	}
	if (email_changed)
		emu_user_reindex_email(u);
	if (duration_changed)
		emu_reset_budget_time(u->row);
	emu_touch(u->row);
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
	emu_add_str(r, "user_id", emu_get_str(u->row, "user_id"));
	emu_add(r, "data", cJSON_Duplicate(u->row, true));
	emu_resp_json(resp, 200, r);
}

/* ---- POST /user/delete ---- */

/* Remove the user from every team it belongs to (the proxy does it id by id, before
 * failing on an unknown one). */
static void
leave_teams(struct emu_user *u)
{
	const char *uid = emu_get_str(u->row, "user_id");
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(u->row, "teams");

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
in_team(const struct emu_user *u, const char *team)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(u->row, "teams");

	for (const cJSON *e = cJSON_IsArray(t) ? t->child : NULL; e; e = e->next)
		if (cJSON_IsString(e) && strcmp(e->valuestring, team) == 0)
			return true;
	return false;
}

static bool
list_match(const struct list_query *q, const struct emu_user *u)
{
	const char *id = emu_get_str(u->row, "user_id");
	const char *role = emu_get_str(u->row, "user_role");

	if (q->nids == 1 && !icontains(id, q->ids[0]))
		return false;
	if (q->nids > 1) {
		bool hit = false;
		for (int i = 0; i < q->nids && !hit; i++)
			hit = id && strcmp(id, q->ids[i]) == 0;
		if (!hit)
			return false;
	}
	if (q->email && !icontains(emu_get_str(u->row, "user_email"), q->email))
		return false;
	if (q->role && (!role || strcmp(role, q->role)))
		return false;
	if (q->team && !in_team(u, q->team))
		return false;
	return true;
}

/* Compare one column; nulls sort last ascending and first descending, like Postgres. */
int
emu_column_cmp(const cJSON *a, const cJSON *b, bool numeric)
{
	bool an = !a || cJSON_IsNull(a), bn = !b || cJSON_IsNull(b);
	double x, y;

	if (an || bn)
		return an == bn ? 0 : (an ? 1 : -1);
	if (numeric && emu_json_number(a, &x) && emu_json_number(b, &y))
		return (x > y) - (x < y);
	if (cJSON_IsString(a) && cJSON_IsString(b))
		return strcmp(a->valuestring, b->valuestring);
	return 0;
}

static int
list_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct list_query *q = ctx;
	const struct list_item *a = pa, *b = pb;
	const cJSON *va = cJSON_GetObjectItemCaseSensitive(a->u->row, q->sort_by);
	const cJSON *vb = cJSON_GetObjectItemCaseSensitive(b->u->row, q->sort_by);
	int c = emu_column_cmp(va, vb, strcmp(q->sort_by, "spend") == 0);

	if (c)
		return q->desc ? -c : c;
	if (q->random_ties)
		return (a->tie > b->tie) - (a->tie < b->tie);
	return (a->u->seq > b->u->seq) - (a->u->seq < b->u->seq);
}

static cJSON *
list_page(const struct list_query *q, struct list_item *items, size_t n)
{
	cJSON *r = cJSON_CreateObject(), *arr = cJSON_CreateArray();
	size_t start = (size_t)((q->page - 1) * q->page_size);

	if (!r || !arr)
		abort();
	for (size_t i = start; i < n && i < start + (size_t)q->page_size; i++) {
		cJSON *row = cJSON_Duplicate(items[i].u->row, true);
		emu_add(row, "key_count", cJSON_CreateNumber(cJSON_GetArraySize(items[i].u->keys)));
		emu_push(arr, row);
	}
	emu_add(r, "users", arr);
	emu_add(r, "total", cJSON_CreateNumber((double)n));
	emu_add(r, "page", cJSON_CreateNumber((double)q->page));
	emu_add(r, "page_size", cJSON_CreateNumber((double)q->page_size));
	emu_add(r, "total_pages",
	        cJSON_CreateNumber((double)((n + (size_t)q->page_size - 1) / (size_t)q->page_size)));
	return r;
}

void
emu_route_user_list(struct emu_req *req, struct emu_resp *resp)
{
	struct list_query q = {0};
	struct list_item *items = NULL;
	size_t n = 0;

	if (!parse_list_query(req, &q, resp))
		goto out;
	items = emu_xmalloc(sizeof *items * (emu_user_count() + 1));
	for (size_t i = 0; i < emu_user_count(); i++) {
		struct emu_user *u = emu_user_at(i);
		if (list_match(&q, u)) {
			items[n].u = u;
			items[n].tie = q.random_ties ? emu_rand64() : 0;
			n++;
		}
	}
	qsort_r(items, n, sizeof *items, list_cmp, &q);
	emu_resp_json(resp, 200, list_page(&q, items, n));
out:
	for (int i = 0; i < q.nids; i++)
		free(q.ids[i]);
	free(q.ids);
	free(items);
}
