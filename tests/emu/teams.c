/* teams.c - the team routes (/team/...): new, info, update, delete, block, unblock,
 * permissions_update, permissions_list, member_add, member_delete, member_update, list, and
 * /v2/team/list; plus the "teams" of /user/info.
 *
 * Membership is held twice, as the proxy does: in the team row's members_with_roles (the
 * roster) and in each user's "teams" column; the routes keep both in step the way the
 * proxy does (which is not always: see shared/spec/litellm_team.md parts 5 and 6).  Budgets
 * per member live in the team's memberships array (LiteLLM_TeamMembership rows, each with
 * its litellm_budget_table).  Default behaviour is the mid (~v1.74-v1.8x) server's;
 * emu_cfg.legacy switches member_add/member_update/member_delete to the old one.  Called
 * with the store lock held.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "routes.h"

/* CommonProxyErrors.not_premium_user */
#define NOT_PREMIUM \
	"You must be a LiteLLM Enterprise user to use this feature. If you have a license please " \
	"set `LITELLM_LICENSE` in your env. Get a 7 day trial key here: " \
	"https://www.litellm.ai/#trial. \nPricing: https://www.litellm.ai/#pricing"
/* member_update's own copy of the sentence (one line, no "\n") */
static const char premium_update_msg[] =
	"Assigning team admins is a premium feature. You must be a LiteLLM Enterprise user to "
	"use this feature. If you have a license please set `LITELLM_LICENSE` in your env. Get "
	"a 7 day trial key here: https://www.litellm.ai/#trial. Pricing: "
	"https://www.litellm.ai/#pricing";

/* LiteLLMRoutes.key_management_routes and DEFAULT_TEAM_MEMBER_PERMISSIONS */
static const char *const all_permissions[] = {
	"/key/generate", "/key/update", "/key/delete", "/key/info", "/key/regenerate",
	"/key/service-account/generate", "/key/{key_id}/regenerate", "/key/list", "/key/block",
	"/key/unblock", NULL};
static const char *const default_permissions[] = {"/key/info", "/key/health", NULL};

/* The team columns after team_alias, in the order pydantic reports them (the order of
 * 422 details follows the table order, so the tables below splice this in place). */
#define TEAM_COLUMNS \
	{"metadata", EMU_F_DICT, false}, \
	{"max_budget", EMU_F_FLOAT, false}, \
	{"soft_budget", EMU_F_FLOAT, false}, \
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
	{"team_member_permissions", EMU_F_STRLIST, false},
	TEAM_COLUMNS,
	{NULL, EMU_F_ANY, false},
};

/* Columns /team/new and /team/update copy into the row. */
static const struct emu_field team_row_fields[] = {
	{"team_alias", EMU_F_STR, false},
	TEAM_COLUMNS,
	{NULL, EMU_F_ANY, false},
};

/* UpdateTeamRequest: no team_member_permissions, no members (unknown fields are ignored). */
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

static const struct emu_field team_id_fields[] = {   /* BlockTeamRequest */
	{"team_id", EMU_F_STR, true},
	{NULL, EMU_F_ANY, false},
};

static const struct emu_field permissions_fields[] = {
	{"team_id", EMU_F_STR, true},
	{"team_member_permissions", EMU_F_STRLIST, true},
	{NULL, EMU_F_ANY, false},
};

static const struct emu_field member_add_fields[] = {
	{"team_id", EMU_F_STR, true},
	{"member", EMU_F_MEMBER, true},
	{"max_budget_in_team", EMU_F_FLOAT, false},
	{NULL, EMU_F_ANY, false},
};

static const struct emu_field member_delete_fields[] = {
	{"user_id", EMU_F_STR, false},
	{"user_email", EMU_F_STR, false},
	{"team_id", EMU_F_STR, true},
	{NULL, EMU_F_ANY, false},
};

static const struct emu_field member_update_fields[] = {
	{"user_id", EMU_F_STR, false},
	{"user_email", EMU_F_STR, false},
	{"team_id", EMU_F_STR, true},
	{"role", EMU_F_TEAM_ROLE, false},
	{"max_budget_in_team", EMU_F_FLOAT, false},
	{"tpm_limit", EMU_F_INT, false},
	{"rpm_limit", EMU_F_INT, false},
	{NULL, EMU_F_ANY, false},
};

/* ---- a growable string for Python-style messages ---- */

static void
sb_take(struct emu_buf *b, char *s)
{
	emu_buf_str(b, s);
	free(s);
}

/* Python's repr() of a JSON value as pydantic prints a field: 'text', None, 7.5, True. */
static void
sb_pyval(struct emu_buf *b, const cJSON *v)
{
	char buf[64];

	if (cJSON_IsString(v))
		sb_take(b, emu_py_repr(v->valuestring));
	else if (cJSON_IsBool(v))
		emu_buf_str(b, cJSON_IsTrue(v) ? "True" : "False");
	else if (cJSON_IsRaw(v) && v->valuestring)
		emu_buf_str(b, v->valuestring);
	else if (cJSON_IsNumber(v)) {
		snprintf(buf, sizeof buf, "%.17g", v->valuedouble);
		emu_buf_str(b, buf);
	} else
		emu_buf_str(b, "None");
}

/* str() of a pydantic model: name=repr(value) pairs, space separated. */
static void
sb_model_fields(struct emu_buf *b, const cJSON *obj, const char *const *names, const char *sep)
{
	for (int i = 0; names[i]; i++) {
		if (i)
			emu_buf_str(b, sep);
		emu_buf_str(b, names[i]);
		emu_buf_str(b, "=");
		sb_pyval(b, cJSON_GetObjectItemCaseSensitive(obj, names[i]));
	}
}

/* Member's field order: mid/new servers inherit user_id/user_email from MemberBase; old
 * ones declare role first. */
static const char *const *
member_field_order(void)
{
	static const char *const mid[] = {"user_id", "user_email", "role", NULL};
	static const char *const old[] = {"role", "user_id", "user_email", NULL};

	return emu_cfg.legacy ? old : mid;
}

/* [Member(user_id='u', user_email=None, role='admin'), ...]: the roster as Python prints it. */
static void
sb_roster(struct emu_buf *b, const cJSON *roster)
{
	emu_buf_str(b, "[");
	for (const cJSON *m = roster->child; m; m = m->next) {
		emu_buf_str(b, m == roster->child ? "Member(" : ", Member(");
		sb_model_fields(b, m, member_field_order(), ", ");
		emu_buf_str(b, ")");
	}
	emu_buf_str(b, "]");
}

/* ---- helpers ---- */

static cJSON *
members_of(struct emu_team *t)
{
	cJSON *m = cJSON_GetObjectItemCaseSensitive(t->row, "members_with_roles");

	if (!cJSON_IsArray(m)) {
		/* the column default is {} (schema.prisma): read as an empty roster */
		m = cJSON_CreateArray();
		emu_set(t->row, "members_with_roles", m);
	}
	return m;
}

static bool
str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* The first roster entry whose user_id is user_id; NULL if none. */
static cJSON *
find_member(struct emu_team *t, const char *user_id)
{
	for (cJSON *m = members_of(t)->child; m; m = m->next)
		if (str_eq(emu_get_str(m, "user_id"), user_id))
			return m;
	return NULL;
}

static cJSON *
find_membership(struct emu_team *t, const char *user_id)
{
	for (cJSON *m = t->memberships->child; m; m = m->next)
		if (str_eq(emu_get_str(m, "user_id"), user_id))
			return m;
	return NULL;
}

static void
drop_memberships(struct emu_team *t, const char *user_id)
{
	cJSON *next;

	for (cJSON *m = t->memberships->child; m; m = next) {
		next = m->next;
		if (str_eq(emu_get_str(m, "user_id"), user_id))
			cJSON_Delete(cJSON_DetachItemViaPointer(t->memberships, m));
	}
}

bool
emu_team_drop_member(struct emu_team *t, const char *user_id)
{
	cJSON *arr = members_of(t), *next;
	bool found = false;

	for (cJSON *m = arr->child; m; m = next) {
		next = m->next;
		if (str_eq(emu_get_str(m, "user_id"), user_id)) {
			cJSON_Delete(cJSON_DetachItemViaPointer(arr, m));
			found = true;
		}
	}
	drop_memberships(t, user_id);
	emu_store_dirty = true;
	return found;
}

static bool
is_float_or_number(const cJSON *v)
{
	double d;

	return v && !cJSON_IsNull(v) && (emu_json_number(v, &d) || cJSON_IsString(v));
}

/* The value of a field validated as a number (pydantic also takes numeric strings). */
static double
num(const cJSON *v)
{
	double d;

	return emu_json_number(v, &d) ? d : cJSON_IsString(v) ? strtod(v->valuestring, NULL) : 0;
}

/* A LiteLLM_BudgetTable row. */
static cJSON *
budget_row(const char *budget_id, const cJSON *max_budget, const cJSON *tpm, const cJSON *rpm)
{
	cJSON *bt = cJSON_CreateObject();

	emu_oom_check(bt);
	emu_add_str(bt, "budget_id", budget_id);
	emu_add(bt, "max_budget", is_float_or_number(max_budget) ? emu_json_float(num(max_budget))
	                                                        : cJSON_CreateNull());
	emu_add(bt, "soft_budget", cJSON_CreateNull());
	emu_add(bt, "max_parallel_requests", cJSON_CreateNull());
	emu_add(bt, "tpm_limit", is_float_or_number(tpm) ? cJSON_CreateNumber(num(tpm))
	                                                 : cJSON_CreateNull());
	emu_add(bt, "rpm_limit", is_float_or_number(rpm) ? cJSON_CreateNumber(num(rpm))
	                                                 : cJSON_CreateNull());
	emu_add(bt, "model_max_budget", cJSON_CreateNull());
	emu_add_str(bt, "budget_duration", NULL);
	return bt;
}

/* Create a new budget row and link the (team, user) membership to it, creating the
 * membership row when there is none (an upsert, as member_update does).  Returns the row. */
static cJSON *
link_new_budget(struct emu_team *t, const char *user_id, const cJSON *max_budget,
                const cJSON *tpm, const cJSON *rpm)
{
	cJSON *ms = find_membership(t, user_id);
	char bid[37];

	emu_uuid4(bid);
	if (!ms) {
		ms = cJSON_CreateObject();
		emu_oom_check(ms);
		emu_add_str(ms, "user_id", user_id);
		emu_add_str(ms, "team_id", emu_get_str(t->row, "team_id"));
		emu_add_str(ms, "budget_id", NULL);
		emu_add(ms, "spend", emu_json_float(0));
		emu_add(ms, "litellm_budget_table", cJSON_CreateNull());
		emu_push(t->memberships, ms);
	}
	emu_set(ms, "budget_id", cJSON_CreateString(bid));
	emu_set(ms, "litellm_budget_table", budget_row(bid, max_budget, tpm, rpm));
	emu_store_dirty = true;
	return ms;
}

/* The users a member_delete touches: by user_id when given, else every user whose email
 * equals user_email exactly (Prisma find_many).  Calls fn for each. */
static void
users_named(const char *user_id, const char *user_email, void (*fn)(struct emu_user *, void *),
            void *arg)
{
	struct emu_user *u;

	if (user_id) {
		if ((u = emu_user_get(user_id)))
			fn(u, arg);
		return;
	}
	if (!user_email)
		return;
	if (!emu_cfg.legacy) {   /* emails are unique: the index finds the one candidate */
		u = emu_user_by_email(user_email);
		if (u && str_eq(u->email, user_email))
			fn(u, arg);
		return;
	}
	for (size_t i = 0; i < emu_user_count(); i++) {
		u = emu_user_at(i);
		if (str_eq(u->email, user_email))
			fn(u, arg);
	}
}

struct leave_ctx {
	struct emu_team *t;
	bool drop_rows;   /* also delete their membership rows (mid servers) */
};

static void
leave_team(struct emu_user *u, void *arg)
{
	struct leave_ctx *c = arg;

	emu_user_remove_team(u, emu_get_str(c->t->row, "team_id"));
	if (c->drop_rows)
		drop_memberships(c->t, u->id);
}

/* team_member_delete's work once the team is known: roster entries matching the id or the
 * email go, the team leaves the named users' "teams", membership rows go (mid).  False
 * when nothing matched. */
static bool
remove_member(struct emu_team *t, const char *user_id, const char *user_email)
{
	cJSON *arr = members_of(t), *next;
	bool found = false;
	struct leave_ctx c = {t, !emu_cfg.legacy};

	for (cJSON *m = arr->child; m; m = next) {
		next = m->next;
		if (str_eq(emu_get_str(m, "user_id"), user_id) ||
		    str_eq(emu_get_str(m, "user_email"), user_email)) {
			cJSON_Delete(cJSON_DetachItemViaPointer(arr, m));
			found = true;
		}
	}
	if (!found)
		return false;
	users_named(user_id, user_email, leave_team, &c);
	if (c.drop_rows && user_id)
		drop_memberships(t, user_id);
	emu_store_dirty = true;
	return true;
}

static void
copy_team_fields(cJSON *row, const cJSON *body, bool update)
{
	for (const struct emu_field *f = team_row_fields; f->name; f++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, f->name);
		if (!v || (!update && cJSON_IsNull(v)))
			continue;   /* create: exclude_none, the column default stays */
		if (update && !emu_cfg.legacy && strcmp(f->name, "organization_id") == 0 &&
		    cJSON_IsString(v) && !*v->valuestring) {
			emu_set(row, f->name, cJSON_CreateNull());   /* "" unsets the organization */
			continue;
		}
		emu_row_set(row, f->name, f->type, v);
	}
}

/* A team row as /team/list shows it: with its membership rows (only user_id's when given)
 * and its keys (the emulator has no team keys). */
static cJSON *
list_row(struct emu_team *t, const char *user_id)
{
	cJSON *r = cJSON_Duplicate(t->row, true), *ms = cJSON_CreateArray();

	emu_oom_check(r);
	emu_oom_check(ms);
	for (cJSON *m = t->memberships->child; m; m = m->next)
		if (!user_id || str_eq(emu_get_str(m, "user_id"), user_id))
			emu_push(ms, cJSON_Duplicate(m, true));
	emu_add(r, "team_memberships", ms);
	emu_add(r, "keys", cJSON_CreateArray());
	return r;
}

/* ---- POST /team/new ---- */

void
emu_route_team_new(struct emu_req *req, struct emu_resp *resp)
{
	const cJSON *body, *members, *perms;
	const char *id, *org;
	char uuid[37];
	struct emu_team *t;

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
	org = emu_get_str(body, "organization_id");
	if (org && !emu_org_exists(org)) {   /* "" too: it is looked up like any id */
		emu_resp_errorf(resp, 400, "internal_server_error", "None",
		                "Organization not found for organization_id=%s", org);
		return;
	}
	t = emu_team_insert(id);
	copy_team_fields(t->row, body, false);
	perms = cJSON_GetObjectItemCaseSensitive(body, "team_member_permissions");
	if (cJSON_IsArray(perms))
		emu_set(t->row, "team_member_permissions", cJSON_Duplicate(perms, true));
	/* the proxy's default team settings: max_budget when the request has none (null
	 * included, mid), budget_duration unless the request sends it, even as null (new) */
	if (emu_cfg.have_default_team_max_budget &&
	    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(t->row, "max_budget")))
		emu_set(t->row, "max_budget", emu_json_float(emu_cfg.default_team_max_budget));
	if (emu_cfg.default_team_budget_duration &&
	    !cJSON_GetObjectItemCaseSensitive(body, "budget_duration"))
		emu_set(t->row, "budget_duration",
		        cJSON_CreateString(emu_cfg.default_team_budget_duration));
	emu_reset_budget_time(t->row);
	members = cJSON_GetObjectItemCaseSensitive(body, "members_with_roles");
	for (const cJSON *m = cJSON_IsArray(members) ? members->child : NULL; m; m = m->next) {
		const char *mid = emu_get_str(m, "user_id"), *mail = emu_get_str(m, "user_email");
		struct emu_user *u = mid ? emu_user_get(mid) : emu_user_by_email(mail);
		cJSON *e = cJSON_CreateObject();
		if (!u)
			u = emu_users_create_default(mid, mail, NULL);
		emu_user_add_team(u, id);
		emu_add_str(e, "user_id", u->id);
		emu_add_str(e, "user_email", mail);
		emu_add_str(e, "role", emu_get_str(m, "role"));
		emu_push(members_of(t), e);
	}
	/* the caller joins as admin (the master key's user is default_user_id) */
	if (!find_member(t, "default_user_id")) {
		struct emu_user *u = emu_user_get("default_user_id");
		cJSON *e = cJSON_CreateObject();
		if (!u)
			u = emu_users_create_default("default_user_id", NULL, "proxy_admin");
		emu_user_add_team(u, id);
		emu_add_str(e, "user_id", "default_user_id");
		emu_add_str(e, "user_email", NULL);
		emu_add_str(e, "role", "admin");
		emu_push(members_of(t), e);
	}
	emu_resp_json(resp, 200, cJSON_Duplicate(t->row, true));
}

/* ---- GET /team/info ---- */

void
emu_route_team_info(struct emu_req *req, struct emu_resp *resp)
{
	const char *id = emu_query(req, "team_id");
	struct emu_team *t;
	cJSON *r, *info;
	char *msg;

	if (!id) {
		/* an HTTPException re-raised as ProxyException: str(detail) with type auth_error */
		emu_resp_error_repr_key(resp, 422, "auth_error", "message",
		                        "Malformed request. No team id passed in.");
		return;
	}
	t = emu_team_get(id);
	if (!t) {
		msg = emu_strf("Team not found, passed team id: %s.", id);
		emu_resp_error_repr_key(resp, 404, "auth_error", "message", msg);
		free(msg);
		return;
	}
	r = cJSON_CreateObject();
	info = cJSON_Duplicate(t->row, true);
	emu_oom_check(info);
	if (!emu_cfg.legacy)
		emu_add(info, "team_member_budget_table", cJSON_CreateNull());
	emu_add_str(r, "team_id", id);
	emu_add(r, "team_info", info);
	emu_add(r, "keys", cJSON_CreateArray());
	emu_add(r, "team_memberships", cJSON_Duplicate(t->memberships, true));
	emu_resp_json(resp, 200, r);
}

/* ---- POST /team/update ---- */

void
emu_route_team_update(struct emu_req *req, struct emu_resp *resp)
{
	static const char *const not_null[] = {"models", "metadata", "blocked", NULL};
	const cJSON *body;
	const char *id, *dur, *org;
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
	org = emu_get_str(body, "organization_id");
	if (org && (*org || emu_cfg.legacy) && !emu_org_exists(org)) {
		emu_resp_detail_errorf(resp, 404, "Organization not found, passed organization_id=%s",
		                       org);
		return;
	}
	/* null is written as is; these columns are not nullable, so the database refuses the
	 * whole update and FastAPI answers its plain-text 500 */
	for (int i = 0; not_null[i]; i++)
		if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(body, not_null[i]))) {
			resp->status = 500;
			resp->body = emu_strdup("Internal Server Error");
			resp->content_type = "text/plain; charset=utf-8";
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

/* ---- POST /team/block, /team/unblock ---- */

static void
set_blocked(struct emu_req *req, struct emu_resp *resp, bool blocked)
{
	struct emu_team *t;
	const char *id;

	if (!emu_validate_body(req, team_id_fields, resp))
		return;
	id = emu_get_str(req->json, "team_id");
	t = emu_team_get(id);
	if (!t) {
		emu_resp_detail_errorf(resp, 404, "Team not found, passed team_id=%s", id);
		return;
	}
	emu_set(t->row, "blocked", cJSON_CreateBool(blocked));
	emu_touch(t->row);
	emu_store_dirty = true;
	emu_resp_json(resp, 200, cJSON_Duplicate(t->row, true));
}

void emu_route_team_block(struct emu_req *req, struct emu_resp *resp) { set_blocked(req, resp, true); }
void emu_route_team_unblock(struct emu_req *req, struct emu_resp *resp) { set_blocked(req, resp, false); }

/* ---- POST /team/permissions_update, GET /team/permissions_list ---- */

void
emu_route_team_permissions_update(struct emu_req *req, struct emu_resp *resp)
{
	struct emu_team *t;
	const char *id;

	if (!emu_validate_body(req, permissions_fields, resp))
		return;
	id = emu_get_str(req->json, "team_id");
	t = emu_team_get(id);
	if (!t) {
		emu_resp_detail_errorf(resp, 404, "Team not found for team_id=%s", id);
		return;
	}
	emu_set(t->row, "team_member_permissions",
	        cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(req->json,
	                                                          "team_member_permissions"), true));
	emu_touch(t->row);
	emu_store_dirty = true;
	emu_resp_json(resp, 200, cJSON_Duplicate(t->row, true));
}

static cJSON *
string_array(const char *const *v)
{
	cJSON *a = cJSON_CreateArray();

	emu_oom_check(a);
	for (; *v; v++)
		emu_push(a, cJSON_CreateString(*v));
	return a;
}

void
emu_route_team_permissions_list(struct emu_req *req, struct emu_resp *resp)
{
	const char *id = emu_query(req, "team_id");
	struct emu_team *t = emu_team_get(id);
	const cJSON *perms;
	cJSON *r;

	if (!t) {
		emu_resp_detail_errorf(resp, 404, "Team not found for team_id=%s", id ? id : "None");
		return;
	}
	perms = cJSON_GetObjectItemCaseSensitive(t->row, "team_member_permissions");
	r = cJSON_CreateObject();
	emu_add_str(r, "team_id", id);
	emu_add(r, "team_member_permissions", cJSON_IsArray(perms) ? cJSON_Duplicate(perms, true)
	                                                           : string_array(default_permissions));
	emu_add(r, "all_available_permissions", string_array(all_permissions));
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
		/* team_member_delete for every roster entry (by its id, else its email) */
		while (members_of(t)->child) {
			cJSON *m = members_of(t)->child;
			char *uid = emu_get_str(m, "user_id") ? emu_strdup(emu_get_str(m, "user_id")) : NULL;
			char *mail = emu_get_str(m, "user_email") ? emu_strdup(emu_get_str(m, "user_email"))
			                                          : NULL;
			if (!remove_member(t, uid, mail))
				cJSON_Delete(cJSON_DetachItemViaPointer(members_of(t), m));
			free(uid);
			free(mail);
		}
		emu_team_delete(t);
		emu_push(gone, cJSON_CreateString(e->valuestring));
	}
	r = cJSON_CreateObject();
	emu_add(r, "deleted_teams", gone);
	emu_resp_json(resp, 200, r);
}

/* ---- POST /team/member_add ---- */

/* Admin role without a licence: 400, before the team is even looked up. */
static bool
member_add_premium(const cJSON *list, bool is_list, struct emu_resp *resp)
{
	static const char *const str_order[] = {"user_id", "user_email", "role", NULL};
	struct emu_buf b = {0};

	if (emu_cfg.premium)
		return true;
	for (const cJSON *m = list->child; m; m = m->next) {
		if (!str_eq(emu_get_str(m, "role"), "admin"))
			continue;
		if (!is_list) {
			emu_resp_detail(resp, 400, true,
			                "Assigning team admins is a premium feature. " NOT_PREMIUM);
			return false;
		}
		emu_buf_str(&b, "Assigning team admins is a premium feature. Got=");
		sb_model_fields(&b, m, emu_cfg.legacy ? member_field_order() : str_order, " ");
		emu_buf_str(&b, ". " NOT_PREMIUM ". ");
		emu_resp_detail(resp, 400, true, b.p);
		free(b.p);
		return false;
	}
	return true;
}

/* The duplicate check, per version.  Old: a member whose user_id (None included) is on the
 * roster -> {"detail":{"error":...}}.  Mid/new: count id matches and email matches; one
 * member matching exactly once, or a list whose every member matched, is refused with the
 * ProxyException shape; anything else passes (and is skipped when the roster is written). */
static bool
member_add_duplicates(struct emu_team *t, const cJSON *list, bool is_list,
                      struct emu_resp *resp)
{
	cJSON *roster = members_of(t);
	struct emu_buf b = {0};
	int hits = 0, n = 0;

	for (const cJSON *m = list->child; m; m = m->next, n++) {
		const char *id = emu_get_str(m, "user_id"), *mail = emu_get_str(m, "user_email");
		for (const cJSON *e = roster->child; e; e = e->next) {
			const char *eid = emu_get_str(e, "user_id");
			if (emu_cfg.legacy && (id ? str_eq(eid, id) : !eid)) {
				emu_buf_str(&b, "User=");
				emu_buf_str(&b, id ? id : "None");
				emu_buf_str(&b, " already in team. Existing members=");
				sb_roster(&b, roster);
				emu_resp_detail(resp, 400, true, b.p);
				free(b.p);
				return false;
			}
			hits += id && str_eq(eid, id);
			hits += mail && str_eq(emu_get_str(e, "user_email"), mail);
		}
	}
	if (emu_cfg.legacy || !((is_list && hits == n) || (!is_list && hits == 1)))
		return true;
	if (is_list) {
		emu_buf_str(&b, "All users are already in team. Existing members=");
	} else {
		const cJSON *m = list->child;
		emu_buf_str(&b, "User already in team. Member: user_id=");
		emu_buf_str(&b, emu_get_str(m, "user_id") ? emu_get_str(m, "user_id") : "None");
		emu_buf_str(&b, ", user_email=");
		emu_buf_str(&b, emu_get_str(m, "user_email") ? emu_get_str(m, "user_email") : "None");
		emu_buf_str(&b, ". Existing members=");
	}
	sb_roster(&b, roster);
	emu_resp_error(resp, 400, "team_member_already_in_team", "member", b.p);
	free(b.p);
	return false;
}

/* The existing user a member names: by id, else by email (old servers: exact match, and
 * several users with it are an error; new: the one user, case-insensitively).  *many is
 * set when an old server would find several. */
static struct emu_user *
member_user(const cJSON *m, bool *many)
{
	const char *id = emu_get_str(m, "user_id"), *mail = emu_get_str(m, "user_email");
	struct emu_user *found = NULL;

	*many = false;
	if (id)
		return emu_user_get(id);
	if (!mail)
		return NULL;
	if (!emu_cfg.legacy)
		return emu_user_by_email(mail);
	for (size_t i = 0; i < emu_user_count(); i++) {
		struct emu_user *u = emu_user_at(i);
		if (!str_eq(u->email, mail))
			continue;
		if (found)
			*many = true;
		found = u;
	}
	return found;
}

/* The roster entry a processed member becomes, unless (mid/new) one with its id or email is
 * already there. */
static void
roster_append(struct emu_team *t, const cJSON *m, struct emu_user *u)
{
	const char *mail = emu_get_str(m, "user_email");
	const char *uid = u->id;
	cJSON *e;

	if (!emu_get_str(m, "user_id") && emu_cfg.legacy &&
	    !str_eq(u->email, mail))
		uid = NULL;   /* old servers resolve the id by exact email only */
	if (!emu_cfg.legacy)
		for (const cJSON *x = members_of(t)->child; x; x = x->next)
			if ((uid && str_eq(emu_get_str(x, "user_id"), uid)) ||
			    (mail && str_eq(emu_get_str(x, "user_email"), mail)))
				return;
	e = cJSON_CreateObject();
	emu_oom_check(e);
	emu_add_str(e, "user_id", uid);
	emu_add_str(e, "user_email", mail);
	emu_add_str(e, "role", emu_get_str(m, "role"));
	emu_push(members_of(t), e);
}

void
emu_route_team_member_add(struct emu_req *req, struct emu_resp *resp)
{
	const cJSON *body, *budget, *member;
	cJSON *list, *users, *mships, *r;
	struct emu_team *t;
	const char *tid;
	bool is_list, many;

	if (!emu_validate_body(req, member_add_fields, resp))
		return;
	body = req->json;
	tid = emu_get_str(body, "team_id");
	member = cJSON_GetObjectItemCaseSensitive(body, "member");
	is_list = cJSON_IsArray(member);
	list = cJSON_Duplicate(member, true);
	if (!is_list) {
		cJSON *one = list;
		list = cJSON_CreateArray();
		emu_push(list, one);
	}
	if (!member_add_premium(list, is_list, resp))
		goto out;
	t = emu_team_get(tid);
	if (!t) {
		emu_resp_detail_errorf(resp, 404, "Team not found for team_id=%s", tid);
		goto out;
	}
	if (!member_add_duplicates(t, list, is_list, resp))
		goto out;
	for (const cJSON *m = list->child; m; m = m->next) {
		member_user(m, &many);
		if (many) {
			struct emu_buf b = {0};
			emu_buf_str(&b, "Unable to add user - ");
			sb_model_fields(&b, m, member_field_order(), " ");
			emu_buf_str(&b, ", to team - ");
			emu_buf_str(&b, tid);
			emu_buf_str(&b, ", for reason - Multiple users with this email found in db. Please use "
			           "'user_id' instead.");
			emu_resp_detail(resp, 500, true, b.p);
			free(b.p);
			goto out;
		}
	}
	budget = cJSON_GetObjectItemCaseSensitive(body, "max_budget_in_team");
	users = cJSON_CreateArray();
	mships = cJSON_CreateArray();
	for (const cJSON *m = list->child; m; m = m->next) {
		struct emu_user *u = member_user(m, &many);
		if (!u)   /* add_new_member creates missing users as internal users */
			u = emu_users_create_default(emu_get_str(m, "user_id"),
			                             emu_get_str(m, "user_email"), NULL);
		emu_user_add_team(u, tid);
		if (is_float_or_number(budget))
			emu_push(mships, cJSON_Duplicate(link_new_budget(t, u->id,
			                                                 budget, NULL, NULL), true));
		emu_push(users, cJSON_Duplicate(emu_user_row(u), true));
		roster_append(t, m, u);
	}
	emu_touch(t->row);
	emu_store_dirty = true;
	r = cJSON_Duplicate(t->row, true);
	emu_add(r, "updated_users", users);
	emu_add(r, "updated_team_memberships", mships);
	emu_resp_json(resp, 200, r);
out:
	cJSON_Delete(list);
}

/* ---- POST /team/member_delete ---- */

void
emu_route_team_member_delete(struct emu_req *req, struct emu_resp *resp)
{
	const char *tid, *uid, *mail;
	struct emu_team *t;

	if (!emu_validate_id_or_email(req, resp) ||
	    !emu_validate_body(req, member_delete_fields, resp))
		return;
	tid = emu_get_str(req->json, "team_id");
	uid = emu_get_str(req->json, "user_id");
	mail = emu_get_str(req->json, "user_email");
	t = emu_team_get(tid);
	if (!t) {
		emu_resp_detail_errorf(resp, 400, "Team id=%s does not exist in db", tid);
		return;
	}
	if (!remove_member(t, uid, mail)) {
		emu_resp_detail(resp, 400, true, "User not found in team");
		return;
	}
	emu_touch(t->row);
	emu_resp_json(resp, 200, cJSON_Duplicate(t->row, true));
}

/* ---- POST /team/member_update ---- */

/* str(TeamMemberUpdateRequest) for the "not in the team" message. */
static char *
update_request_text(const cJSON *body)
{
	static const char *const mid[] = {"user_id", "user_email", "team_id", "role",
	                                  "max_budget_in_team", "tpm_limit", "rpm_limit", NULL};
	static const char *const old[] = {"user_id", "user_email", "team_id", "role",
	                                  "max_budget_in_team", NULL};
	struct emu_buf b = {0};

	sb_model_fields(&b, body, emu_cfg.legacy ? old : mid, " ");
	return b.p;
}

/* The member budget, per version.  Old: only a non-null max_budget_in_team does anything
 * (the linked budget is updated, or one is created).  Mid: budget, tpm and rpm all absent
 * or null disconnect the member's budget; otherwise a new budget row is linked. */
static void
update_member_budget(struct emu_team *t, const char *uid, const cJSON *body)
{
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(body, "max_budget_in_team");
	const cJSON *tpm = cJSON_GetObjectItemCaseSensitive(body, "tpm_limit");
	const cJSON *rpm = cJSON_GetObjectItemCaseSensitive(body, "rpm_limit");
	cJSON *ms = find_membership(t, uid), *bt;

	if (emu_cfg.legacy) {
		if (!is_float_or_number(b))
			return;
		bt = ms ? cJSON_GetObjectItemCaseSensitive(ms, "litellm_budget_table") : NULL;
		if (cJSON_IsObject(bt)) {
			emu_set(bt, "max_budget", emu_json_float(num(b)));
			emu_store_dirty = true;
		} else {
			link_new_budget(t, uid, b, NULL, NULL);
		}
		return;
	}
	if (!is_float_or_number(b) && (!tpm || cJSON_IsNull(tpm)) && (!rpm || cJSON_IsNull(rpm))) {
		if (ms) {
			emu_set(ms, "budget_id", cJSON_CreateNull());
			emu_set(ms, "litellm_budget_table", cJSON_CreateNull());
			emu_store_dirty = true;
		}
		return;
	}
	link_new_budget(t, uid, b, tpm, rpm);
}

void
emu_route_team_member_update(struct emu_req *req, struct emu_resp *resp)
{
	const cJSON *body, *v;
	const char *tid, *uid, *mail, *role;
	struct emu_team *t;
	char *received = NULL, *text;
	cJSON *r;

	if (!emu_validate_id_or_email(req, resp) ||
	    !emu_validate_body(req, member_update_fields, resp))
		return;
	body = req->json;
	tid = emu_get_str(body, "team_id");
	uid = emu_get_str(body, "user_id");
	mail = emu_get_str(body, "user_email");
	role = emu_get_str(body, "role");
	if (str_eq(role, "admin") && !emu_cfg.premium && !emu_cfg.legacy) {
		emu_resp_detail(resp, 400, false, premium_update_msg);   /* a plain-string detail */
		return;
	}
	t = emu_team_get(tid);
	if (!t) {
		emu_resp_detail_errorf(resp, 400, "Team id=%s does not exist in db", tid);
		return;
	}
	if (uid) {
		received = emu_strdup(uid);   /* not checked against the roster: 200 for anyone */
	} else {
		for (const cJSON *m = members_of(t)->child; m && !received; m = m->next)
			if (str_eq(emu_get_str(m, "user_email"), mail))
				received = emu_strdup(emu_get_str(m, "user_id") ? emu_get_str(m, "user_id")
				                                                : "");
	}
	if (!received || !*received) {
		text = update_request_text(body);
		emu_resp_detail_errorf(resp, 400, "User id doesn't exist in team table. Data=%s", text);
		free(text);
		free(received);
		return;
	}
	update_member_budget(t, received, body);
	if (role)
		for (cJSON *m = members_of(t)->child; m; m = m->next)
			if (str_eq(emu_get_str(m, "user_id"), received)) {
				emu_set(m, "role", cJSON_CreateString(role));
				if (mail)
					emu_set(m, "user_email", cJSON_CreateString(mail));
			}
	emu_touch(t->row);
	emu_store_dirty = true;
	r = cJSON_CreateObject();
	emu_add_str(r, "team_id", tid);
	emu_add_str(r, "user_id", received);
	emu_add_str(r, "user_email", mail);
	v = cJSON_GetObjectItemCaseSensitive(body, "max_budget_in_team");
	emu_add(r, "max_budget_in_team", is_float_or_number(v) ? emu_json_float(num(v))
	                                                       : cJSON_CreateNull());
	if (!emu_cfg.legacy) {
		static const char *const lim[] = {"tpm_limit", "rpm_limit", NULL};
		for (int i = 0; lim[i]; i++) {
			v = cJSON_GetObjectItemCaseSensitive(body, lim[i]);
			emu_add(r, lim[i], is_float_or_number(v) ? cJSON_CreateNumber(num(v))
			                                         : cJSON_CreateNull());
		}
	}
	free(received);
	emu_resp_json(resp, 200, r);
}

/* ---- GET /team/list, /v2/team/list, /user/info's teams ---- */

static int
team_seq_cmp(const void *a, const void *b)
{
	const struct emu_team *x = *(struct emu_team *const *)a, *y = *(struct emu_team *const *)b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Python's sort by (team_alias or ""): stable, so ties keep creation order. */
static int
team_alias_cmp(const void *a, const void *b)
{
	const struct emu_team *x = *(struct emu_team *const *)a, *y = *(struct emu_team *const *)b;
	const char *p = emu_get_str(x->row, "team_alias"), *q = emu_get_str(y->row, "team_alias");
	int c = strcmp(p ? p : "", q ? q : "");

	return c ? c : team_seq_cmp(a, b);
}

/* Every team in creation order; *n set.  Caller frees. */
static struct emu_team **
teams_in_order(size_t *n)
{
	struct emu_team **v = emu_xmalloc(sizeof *v * (emu_team_count() + 1));

	*n = emu_team_count();
	for (size_t i = 0; i < *n; i++)
		v[i] = emu_team_at(i);
	qsort(v, *n, sizeof *v, team_seq_cmp);
	return v;
}

/* /team/list?user_id=U: the teams whose roster has U, sorted by alias; *n set. */
static struct emu_team **
teams_of_user(const char *uid, size_t *n)
{
	struct emu_team **v = teams_in_order(n);
	size_t k = 0;

	for (size_t i = 0; i < *n; i++)
		if (!uid || find_member(v[i], uid))
			v[k++] = v[i];
	*n = k;
	qsort(v, k, sizeof *v, team_alias_cmp);
	return v;
}

void
emu_route_team_list(struct emu_req *req, struct emu_resp *resp)
{
	const char *uid = emu_query(req, "user_id"), *org = emu_query(req, "organization_id");
	size_t n;
	struct emu_team **v = teams_of_user(uid, &n);
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++) {
		const char *o = emu_get_str(v[i]->row, "organization_id");
		if (org && (strcmp(org, "default_organization") == 0 ? o != NULL : !str_eq(o, org)))
			continue;
		emu_push(arr, list_row(v[i], uid));
	}
	free(v);
	emu_resp_json(resp, 200, arr);
}

cJSON *
emu_user_team_rows(struct emu_user *u)
{
	cJSON *out = cJSON_CreateArray(), *ids;
	size_t n = 0;
	struct emu_team **v;

	emu_oom_check(out);
	if (!emu_team_count())
		return out;   /* nothing to find (the hot path of a refresh without teams) */
	v = teams_of_user(u->id, &n);
	ids = emu_user_field(u, "teams");
	for (size_t i = 0; i < n; i++)
		emu_push(out, list_row(v[i], u->id));
	for (const cJSON *e = cJSON_IsArray(ids) ? ids->child : NULL; e; e = e->next) {
		struct emu_team *t = cJSON_IsString(e) ? emu_team_get(e->valuestring) : NULL;
		bool listed = false;
		for (size_t i = 0; t && i < n && !listed; i++)
			listed = v[i] == t;
		for (const cJSON *f = ids->child; t && f != e && !listed; f = f->next)
			listed = cJSON_IsString(f) && strcmp(f->valuestring, e->valuestring) == 0;
		if (t && !listed)
			emu_push(out, cJSON_Duplicate(t->row, true));
	}
	cJSON_Delete(ids);
	free(v);
	return out;
}

struct v2_item {
	struct emu_team *t;
	uint64_t tie;
};

struct v2_sort {
	const char *by;
	bool desc, random_ties;
};

static int
v2_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct v2_sort *s = ctx;
	const struct v2_item *a = pa, *b = pb;
	int c = emu_value_cmp(cJSON_GetObjectItemCaseSensitive(a->t->row, s->by),
	                       cJSON_GetObjectItemCaseSensitive(b->t->row, s->by), false);

	if (c)
		return s->desc ? -c : c;
	if (s->random_ties)
		return (a->tie > b->tie) - (a->tie < b->tie);
	return (a->t->seq > b->t->seq) - (a->t->seq < b->t->seq);
}

static bool
v2_in_user_teams(const cJSON *ids, const char *team_id)
{
	for (const cJSON *e = cJSON_IsArray(ids) ? ids->child : NULL; e; e = e->next)
		if (cJSON_IsString(e) && strcmp(e->valuestring, team_id) == 0)
			return true;
	return false;
}

void
emu_route_team_list_v2(struct emu_req *req, struct emu_resp *resp)
{
	const char *uid = emu_query(req, "user_id"), *org = emu_query(req, "organization_id");
	const char *tid = emu_query(req, "team_id"), *alias = emu_query(req, "team_alias");
	const char *by = emu_query(req, "sort_by"), *order = emu_query(req, "sort_order");
	const cJSON *user_teams = NULL;
	cJSON *detail = cJSON_CreateArray(), *r, *arr;
	struct v2_sort s = {"created_at", true, true};
	struct v2_item *items;
	long page, size;
	size_t n = 0, start;

	emu_query_int(req, "page", 1, 1, 1L << 53, &page, detail);
	emu_query_int(req, "page_size", 10, 1, 100, &size, detail);
	if (cJSON_GetArraySize(detail) > 0) {
		emu_resp_422(resp, detail);
		return;
	}
	cJSON_Delete(detail);
	if (uid && *uid) {
		struct emu_user *u = emu_user_get(uid);
		if (!u) {
			emu_resp_detail_errorf(resp, 404, "User not found, passed user_id=%s", uid);
			return;
		}
		user_teams = cJSON_GetObjectItemCaseSensitive(emu_user_row(u), "teams");
		if (tid && *tid && !v2_in_user_teams(user_teams, tid)) {
			emu_resp_detail_errorf(resp, 404, "User is not a member of team_id=%s", tid);
			return;
		}
	}
	if (by && (!strcmp(by, "team_id") || !strcmp(by, "team_alias") || !strcmp(by, "created_at"))) {
		s.by = by;
		s.desc = order && strcasecmp(order, "desc") == 0;
		s.random_ties = false;
	}
	items = emu_xmalloc(sizeof *items * (emu_team_count() + 1));
	for (size_t i = 0; i < emu_team_count(); i++) {
		struct emu_team *t = emu_team_at(i);
		const char *id = emu_get_str(t->row, "team_id"), *a = emu_get_str(t->row, "team_alias");
		if ((tid && *tid && !str_eq(id, tid)) || (alias && *alias && (!a || !strcasestr(a, alias))) ||
		    (org && *org && !str_eq(emu_get_str(t->row, "organization_id"), org)) ||
		    (user_teams && !v2_in_user_teams(user_teams, id)))
			continue;
		items[n].t = t;
		items[n].tie = s.random_ties ? emu_rand64() : 0;
		n++;
	}
	qsort_r(items, n, sizeof *items, v2_cmp, &s);
	arr = cJSON_CreateArray();
	start = (size_t)((page - 1) * size);
	for (size_t i = start; i < n && i < start + (size_t)size; i++)
		emu_push(arr, cJSON_Duplicate(items[i].t->row, true));
	free(items);
	r = cJSON_CreateObject();
	emu_add(r, "teams", arr);
	emu_add(r, "total", cJSON_CreateNumber((double)n));
	emu_add(r, "page", cJSON_CreateNumber((double)page));
	emu_add(r, "page_size", cJSON_CreateNumber((double)size));
	emu_add(r, "total_pages", cJSON_CreateNumber((double)((n + (size_t)size - 1) / (size_t)size)));
	emu_resp_json(resp, 200, r);
}
