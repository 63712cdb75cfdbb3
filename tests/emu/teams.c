/* teams.c - the team routes (/team/...): new, info, update, delete, member_add, member_delete,
 * member_update, list.
 *
 * Membership is held twice, as the proxy does: in the team row's members_with_roles and in
 * each user's "teams" column; every route keeps both in step.  Budgets per member live in
 * the team's memberships array (LiteLLM_TeamMembership).  Called with the store lock held.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "routes.h"

static const char premium_msg[] =
	"Assigning team admins is a premium feature. You must be a LiteLLM Enterprise user to "
	"use this feature. If you have a license please set `LITELLM_LICENSE` in your env. Get "
	"a 7 day trial key here: https://www.litellm.ai/#trial. \nPricing: "
	"https://www.litellm.ai/#pricing";

/* The team columns after team_alias, in the order pydantic reports them (the order of
 * 422 details follows the table order, so the tables below splice this in place). */
#define TEAM_COLUMNS \
	{"metadata", EMU_F_DICT, false}, \
	{"max_budget", EMU_F_FLOAT, false}, \
	{"budget_duration", EMU_F_STR, false}, \
	{"tpm_limit", EMU_F_INT, false}, \
	{"rpm_limit", EMU_F_INT, false}, \
	{"max_parallel_requests", EMU_F_INT, false}, \
	{"models", EMU_F_LIST, false}, \
	{"organization_id", EMU_F_STR, false}, \
	{"blocked", EMU_F_BOOL, false}

static const struct emu_field team_new_fields[] = {
	{"team_id", EMU_F_STR, false},
	{"team_alias", EMU_F_STR, false},
	{"members_with_roles", EMU_F_MEMBERS, false},
	TEAM_COLUMNS,
	{NULL, EMU_F_ANY, false},
};

/* Columns /team/new and /team/update copy into the row. */
static const struct emu_field team_row_fields[] = {
	{"team_alias", EMU_F_STR, false},
	TEAM_COLUMNS,
	{NULL, EMU_F_ANY, false},
};

static const struct emu_field team_update_fields[] = {
	{"team_id", EMU_F_STR, true},
	{"team_alias", EMU_F_STR, false},
	TEAM_COLUMNS,
	{NULL, EMU_F_ANY, false},
};

static const struct emu_field team_delete_fields[] = {
	{"team_ids", EMU_F_STRLIST, true},
	{NULL, EMU_F_ANY, false},
};

static const struct emu_field member_add_fields[] = {
	{"team_id", EMU_F_STR, true},
	{"member", EMU_F_MEMBER, true},
	{"max_budget_in_team", EMU_F_FLOAT, false},
	{NULL, EMU_F_ANY, false},
};

static const struct emu_field member_delete_fields[] = {
	{"team_id", EMU_F_STR, true},
	{"user_id", EMU_F_STR, false},
	{"user_email", EMU_F_STR, false},
	{NULL, EMU_F_ANY, false},
};

static const struct emu_field member_update_fields[] = {
	{"team_id", EMU_F_STR, true},
	{"user_id", EMU_F_STR, false},
	{"user_email", EMU_F_STR, false},
	{"role", EMU_F_TEAM_ROLE, false},
	{"max_budget_in_team", EMU_F_FLOAT, false},
	{NULL, EMU_F_ANY, false},
};

/* ---- helpers ---- */

static cJSON *
members_of(struct emu_team *t)
{
	cJSON *m = cJSON_GetObjectItemCaseSensitive(t->row, "members_with_roles");

	if (!cJSON_IsArray(m)) {
		m = cJSON_CreateArray();
		emu_set(t->row, "members_with_roles", m);
	}
	return m;
}

/* The member entry matching user_id (or, when NULL, user_email); NULL if none. */
static cJSON *
find_member(struct emu_team *t, const char *user_id, const char *user_email)
{
	for (cJSON *m = members_of(t)->child; m; m = m->next) {
		const char *id = emu_get_str(m, "user_id"), *mail = emu_get_str(m, "user_email");
		if (user_id ? (id && strcmp(id, user_id) == 0)
		            : (user_email && mail && strcmp(mail, user_email) == 0))
			return m;
	}
	return NULL;
}

bool
emu_team_drop_member(struct emu_team *t, const char *user_id)
{
	cJSON *arr = members_of(t), *next;
	bool found = false;

	for (cJSON *m = arr->child; m; m = next) {
		const char *id = emu_get_str(m, "user_id");
		next = m->next;
		if (id && strcmp(id, user_id) == 0) {
			cJSON_Delete(cJSON_DetachItemViaPointer(arr, m));
			found = true;
		}
	}
	for (cJSON *m = t->memberships->child; m; m = next) {
		const char *id = emu_get_str(m, "user_id");
		next = m->next;
		if (id && strcmp(id, user_id) == 0)
			cJSON_Delete(cJSON_DetachItemViaPointer(t->memberships, m));
	}
	emu_store_dirty = true;
	return found;
}

/* Existing user for a member object, or NULL. */
static struct emu_user *
member_user(const cJSON *m)
{
	const char *id = emu_get_str(m, "user_id"), *mail = emu_get_str(m, "user_email");

	return id ? emu_user_get(id) : emu_user_by_email(mail);
}

static void
set_membership_budget(struct emu_team *t, const char *user_id, double budget)
{
	cJSON *ms = NULL, *bt;
	char bid[37];

	for (cJSON *m = t->memberships->child; m; m = m->next) {
		const char *id = emu_get_str(m, "user_id");
		if (id && strcmp(id, user_id) == 0)
			ms = m;
	}
	if (!ms) {
		emu_uuid4(bid);
		ms = cJSON_CreateObject();
		emu_add_str(ms, "user_id", user_id);
		emu_add_str(ms, "team_id", emu_get_str(t->row, "team_id"));
		emu_add_str(ms, "budget_id", bid);
		emu_add(ms, "spend", emu_json_float(0));
		emu_push(t->memberships, ms);
	}
	bt = cJSON_CreateObject();
	emu_add_str(bt, "budget_id", emu_get_str(ms, "budget_id"));
	emu_add(bt, "max_budget", emu_json_float(budget));
	emu_add(bt, "soft_budget", cJSON_CreateNull());
	emu_add(bt, "max_parallel_requests", cJSON_CreateNull());
	emu_add(bt, "tpm_limit", cJSON_CreateNull());
	emu_add(bt, "rpm_limit", cJSON_CreateNull());
	emu_add(bt, "model_max_budget", cJSON_CreateNull());
	emu_add_str(bt, "budget_duration", NULL);
	emu_set(ms, "litellm_budget_table", bt);
	emu_store_dirty = true;
}

/* Add one member (creating its user when missing); returns the user. */
static struct emu_user *
add_member(struct emu_team *t, const cJSON *m)
{
	const char *id = emu_get_str(m, "user_id"), *mail = emu_get_str(m, "user_email");
	const char *role = emu_get_str(m, "role");
	struct emu_user *u = member_user(m);
	cJSON *entry;

	if (!u)
		u = emu_users_create_default(id, mail, NULL);
	entry = cJSON_CreateObject();
	emu_add_str(entry, "role", role ? role : "user");
	emu_add_str(entry, "user_id", emu_get_str(u->row, "user_id"));
	emu_add_str(entry, "user_email", mail);
	emu_push(members_of(t), entry);
	emu_user_add_team(u, emu_get_str(t->row, "team_id"));
	return u;
}

static void
copy_team_fields(cJSON *row, const cJSON *body, bool update)
{
	for (const struct emu_field *f = team_row_fields; f->name; f++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, f->name);
		bool clearable = !strcmp(f->name, "max_budget") || !strcmp(f->name, "tpm_limit") ||
		                 !strcmp(f->name, "rpm_limit");
		if (!v || (update && cJSON_IsNull(v) && !clearable))
			continue;
		emu_row_set(row, f->name, f->type, v);
	}
}

/* ---- POST /team/new ---- */

void
emu_route_team_new(struct emu_req *req, struct emu_resp *resp)
{
	const cJSON *body, *members;
	const char *id;
	char uuid[37];
	struct emu_team *t;
	cJSON *creator;

	if (!emu_validate_body(req, team_new_fields, resp))
		return;
	body = req->json;
	if (!emu_check_duration(body, "internal_server_error", resp))
		return;
	id = emu_get_str(body, "team_id");
	if (!id) {
		emu_uuid4(uuid);
		id = uuid;
	}
	if (emu_team_get(id)) {
		emu_resp_error_reprf(resp, 400, "internal_server_error",
		                     "Team id = %s already exists. Please use a different team id.", id);
		return;
	}
	t = emu_team_insert(id);
	copy_team_fields(t->row, body, false);
	emu_reset_budget_time(t->row);
	members = cJSON_GetObjectItemCaseSensitive(body, "members_with_roles");
	for (const cJSON *m = cJSON_IsArray(members) ? members->child : NULL; m; m = m->next)
		add_member(t, m);
	if (!find_member(t, "default_user_id", NULL)) {
		creator = cJSON_CreateObject();
		emu_add_str(creator, "role", "admin");
		emu_add_str(creator, "user_id", "default_user_id");
		add_member(t, creator);
		cJSON_Delete(creator);
	}
	emu_resp_json(resp, 200, cJSON_Duplicate(t->row, true));
}

/* ---- GET /team/info ---- */

void
emu_route_team_info(struct emu_req *req, struct emu_resp *resp)
{
	const char *id = emu_query(req, "team_id");
	struct emu_team *t;
	cJSON *r, *detail;

	if (!id) {
		detail = cJSON_CreateArray();
		emu_verr(detail, "missing", "query", "team_id", -1, "Field required", NULL, NULL);
		emu_resp_422(resp, detail);
		return;
	}
	t = emu_team_get(id);
	if (!t) {
		emu_resp_error_reprf(resp, 404, "auth_error", "Team not found, passed team_id=%s", id);
		return;
	}
	r = cJSON_CreateObject();
	emu_add_str(r, "team_id", id);
	emu_add(r, "team_info", cJSON_Duplicate(t->row, true));
	emu_add(r, "keys", cJSON_CreateArray());
	emu_add(r, "team_memberships", cJSON_Duplicate(t->memberships, true));
	emu_resp_json(resp, 200, r);
}

/* ---- POST /team/update ---- */

void
emu_route_team_update(struct emu_req *req, struct emu_resp *resp)
{
	const cJSON *body;
	const char *id, *dur;
	struct emu_team *t;
	cJSON *r;

	if (!emu_validate_body(req, team_update_fields, resp))
		return;
	body = req->json;
	id = emu_get_str(body, "team_id");
	t = emu_team_get(id);
	if (!t) {
		emu_resp_detail_errorf(resp, 404, "Team not found, passed team_id=%s", id);
		return;
	}
	dur = emu_get_str(body, "budget_duration");
	if (dur && !emu_cfg.legacy && !emu_duration_valid(dur)) {
		emu_resp_detail_errorf(resp, 400, "Invalid budget_duration '%s'. Use a format like "
		                       "'1h', '24h', '7d', or '30d'.", dur);
		return;
	}
	copy_team_fields(t->row, body, true);
	if (dur)
		emu_reset_budget_time(t->row);
	emu_touch(t->row);
	emu_store_dirty = true;
	r = cJSON_CreateObject();
	emu_add_str(r, "team_id", id);
	emu_add(r, "data", cJSON_Duplicate(t->row, true));
	emu_resp_json(resp, 200, r);
}

/* ---- POST /team/delete ---- */

void
emu_route_team_delete(struct emu_req *req, struct emu_resp *resp)
{
	const cJSON *ids;
	cJSON *r, *gone;

	if (!emu_validate_body(req, team_delete_fields, resp))
		return;
	ids = cJSON_GetObjectItemCaseSensitive(req->json, "team_ids");
	for (const cJSON *e = ids->child; e; e = e->next)
		if (!emu_team_get(e->valuestring)) {
			emu_resp_detail_errorf(resp, 404, "Team not found, passed team_id=%s",
			                       e->valuestring);
			return;
		}
	gone = cJSON_CreateArray();
	for (const cJSON *e = ids->child; e; e = e->next) {
		struct emu_team *t = emu_team_get(e->valuestring);
		if (!t)
			continue;   /* listed twice */
		for (size_t i = 0; i < emu_user_count(); i++)
			emu_user_remove_team(emu_user_at(i), e->valuestring);
		emu_team_delete(t);
		emu_push(gone, cJSON_CreateString(e->valuestring));
	}
	r = cJSON_CreateObject();
	emu_add(r, "deleted_teams", gone);
	emu_resp_json(resp, 200, r);
}

/* ---- POST /team/member_add ---- */

static char *
member_ids_repr(struct emu_team *t)
{
	size_t cap = 64, len = 0;
	char *out = emu_xmalloc(cap);

	out[len++] = '[';
	for (cJSON *m = members_of(t)->child; m; m = m->next) {
		const char *id = emu_get_str(m, "user_id");
		char *r = id ? emu_py_repr(id) : emu_strdup("None");
		size_t need = strlen(r) + 4;
		if (len + need >= cap) {
			cap = (cap + need) * 2;
			out = realloc(out, cap);
			if (!out)
				abort();
		}
		len += (size_t)sprintf(out + len, "%s%s", m == members_of(t)->child ? "" : ", ", r);
		free(r);
	}
	out[len++] = ']';
	out[len] = 0;
	return out;
}

/* Every check before any change, so a failing request changes nothing. */
static bool
member_add_check(struct emu_team *t, const cJSON *list, struct emu_resp *resp)
{
	for (const cJSON *m = list->child; m; m = m->next) {
		const char *role = emu_get_str(m, "role");
		struct emu_user *u = member_user(m);
		const char *uid = u ? emu_get_str(u->row, "user_id") : emu_get_str(m, "user_id");
		if (role && strcmp(role, "admin") == 0 && !emu_cfg.premium) {
			emu_resp_detail(resp, 400, true, premium_msg);
			return false;
		}
		if (uid && find_member(t, uid, NULL)) {
			char *ids = member_ids_repr(t);
			char *msg = emu_strf("User=%s already in team. Existing members=%s", uid, ids);
			emu_resp_error(resp, 400, "team_member_already_in_team", "user_id", msg);
			free(ids);
			free(msg);
			return false;
		}
	}
	return true;
}

void
emu_route_team_member_add(struct emu_req *req, struct emu_resp *resp)
{
	const cJSON *body, *budget;
	cJSON *list, *users, *mships, *r;
	struct emu_team *t;
	double b = 0;

	if (!emu_validate_body(req, member_add_fields, resp))
		return;
	body = req->json;
	t = emu_team_get(emu_get_str(body, "team_id"));
	if (!t) {
		emu_resp_detail_errorf(resp, 404, "Team not found for team_id=%s",
		                       emu_get_str(body, "team_id"));
		return;
	}
	list = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(body, "member"), true);
	if (!cJSON_IsArray(list)) {
		cJSON *one = list;
		list = cJSON_CreateArray();
		emu_push(list, one);
	}
	if (!member_add_check(t, list, resp)) {
		cJSON_Delete(list);
		return;
	}
	budget = cJSON_GetObjectItemCaseSensitive(body, "max_budget_in_team");
	users = cJSON_CreateArray();
	mships = cJSON_CreateArray();
	for (const cJSON *m = list->child; m; m = m->next) {
		struct emu_user *u = add_member(t, m);
		if (emu_json_number(budget, &b) || cJSON_IsString(budget)) {
			if (cJSON_IsString(budget))
				b = strtod(budget->valuestring, NULL);
			set_membership_budget(t, emu_get_str(u->row, "user_id"), b);
		}
		emu_push(users, cJSON_Duplicate(u->row, true));
	}
	for (cJSON *ms = t->memberships->child; ms; ms = ms->next)
		emu_push(mships, cJSON_Duplicate(ms, true));
	cJSON_Delete(list);
	emu_touch(t->row);
	r = cJSON_Duplicate(t->row, true);
	emu_add(r, "updated_users", users);
	emu_add(r, "updated_team_memberships", mships);
	emu_resp_json(resp, 200, r);
}

/* ---- POST /team/member_delete, /team/member_update ---- */

/* Shared start of both: the team and the member entry, or an error answered. */
static bool
member_lookup(struct emu_req *req, const struct emu_field *fields, struct emu_team **tp,
              cJSON **mp, struct emu_resp *resp)
{
	const cJSON *body;
	const char *tid, *uid, *mail;

	if (!emu_validate_body(req, fields, resp))
		return false;
	body = req->json;
	tid = emu_get_str(body, "team_id");
	uid = emu_get_str(body, "user_id");
	mail = emu_get_str(body, "user_email");
	if (!uid && !mail) {
		emu_resp_detail(resp, 400, true, "Either user_id or user_email needs to be passed in");
		return false;
	}
	*tp = emu_team_get(tid);
	if (!*tp) {
		emu_resp_detail_errorf(resp, 400, "Team id=%s does not exist in db", tid);
		return false;
	}
	*mp = find_member(*tp, uid, mail);
	if (!*mp && uid && mail)
		*mp = find_member(*tp, NULL, mail);
	if (!*mp) {
		emu_resp_detail_errorf(resp, 400, "User=%s not found in team=%s", uid ? uid : "None",
		                       tid);
		return false;
	}
	return true;
}

void
emu_route_team_member_delete(struct emu_req *req, struct emu_resp *resp)
{
	struct emu_team *t;
	cJSON *m;
	char *uid;
	struct emu_user *u;

	if (!member_lookup(req, member_delete_fields, &t, &m, resp))
		return;
	uid = emu_strdup(emu_get_str(m, "user_id") ? emu_get_str(m, "user_id") : "");
	u = *uid ? emu_user_get(uid) : emu_user_by_email(emu_get_str(m, "user_email"));
	if (*uid)
		emu_team_drop_member(t, uid);
	else
		cJSON_Delete(cJSON_DetachItemViaPointer(members_of(t), m));
	if (u)
		emu_user_remove_team(u, emu_get_str(t->row, "team_id"));
	free(uid);
	emu_touch(t->row);
	emu_store_dirty = true;
	emu_resp_json(resp, 200, cJSON_Duplicate(t->row, true));
}

void
emu_route_team_member_update(struct emu_req *req, struct emu_resp *resp)
{
	struct emu_team *t;
	cJSON *m, *r;
	const cJSON *body, *budget;
	const char *role;
	double b = 0;

	if (!member_lookup(req, member_update_fields, &t, &m, resp))
		return;
	body = req->json;
	role = emu_get_str(body, "role");
	if (role && strcmp(role, "admin") == 0 && !emu_cfg.premium) {
		emu_resp_detail(resp, 400, true, premium_msg);
		return;
	}
	if (role)
		emu_set(m, "role", cJSON_CreateString(role));
	budget = cJSON_GetObjectItemCaseSensitive(body, "max_budget_in_team");
	if (budget && !cJSON_IsNull(budget) && emu_get_str(m, "user_id")) {
		b = cJSON_IsString(budget) ? strtod(budget->valuestring, NULL) : budget->valuedouble;
		set_membership_budget(t, emu_get_str(m, "user_id"), b);
	}
	emu_touch(t->row);
	emu_store_dirty = true;
	r = cJSON_CreateObject();
	emu_add_str(r, "team_id", emu_get_str(t->row, "team_id"));
	emu_add_str(r, "user_id", emu_get_str(m, "user_id"));
	emu_add_str(r, "user_email", emu_get_str(m, "user_email"));
	if (budget && !cJSON_IsNull(budget))
		emu_add(r, "max_budget_in_team", emu_json_float(b));
	else
		emu_add(r, "max_budget_in_team", cJSON_CreateNull());
	emu_resp_json(resp, 200, r);
}

/* ---- GET /team/list ---- */

static int
team_seq_cmp(const void *a, const void *b)
{
	const struct emu_team *x = *(struct emu_team *const *)a, *y = *(struct emu_team *const *)b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

void
emu_route_team_list(struct emu_req *req, struct emu_resp *resp)
{
	const char *uid = emu_query(req, "user_id");
	size_t n = emu_team_count();
	struct emu_team **v = emu_xmalloc(sizeof *v * (n + 1));
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++)
		v[i] = emu_team_at(i);
	qsort(v, n, sizeof *v, team_seq_cmp);
	for (size_t i = 0; i < n; i++)
		if (!uid || find_member(v[i], uid, NULL))
			emu_push(arr, cJSON_Duplicate(v[i]->row, true));
	free(v);
	emu_resp_json(resp, 200, arr);
}
