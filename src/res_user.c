/* res_user.c - the litellm_user resource type (shared/spec/litellm_user.md), whole:
 * its attribute table (validators, compare-by-meaning: admin == proxy_admin, daily ==
 * 1d, max_budget 0 == null, metadata as JSON, emails case-insensitively; API
 * spellings), its lifecycle over the LiteLLM API (POST /user/new with a client-chosen
 * id, POST /user/update, /user/delete one id per call, GET /user/info as the only proof
 * of existence), reads in batches of 100 through GET /user/list?user_ids=... (refresh,
 * the confirmation of finished writes, existence checks before updates that refresh
 * did not read), import by email, and the configuration-wide check that emails are
 * unique. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "diag.h"
#include "hash.h"
#include "http.h"
#include "plan.h"
#include "schema.h"

extern const lh_rtype lh_res_user;

static const lh_type list_string = {.kind = LH_TY_LIST, .elem = &lh_type_string};

/* ---- roles ---- */

static const char *const roles[] = {"admin", "user", "proxy_admin", "proxy_admin_viewer",
    "internal_user", "internal_user_viewer", NULL};

static const char *
role_api(const char *role)
{
	if (strcmp(role, "admin") == 0)
		return "proxy_admin";
	if (strcmp(role, "user") == 0)
		return "internal_user";
	return role;
}

static const char *
check_role(lh_arena *a, const lh_value *v)
{
	for (size_t i = 0; roles[i] != NULL; i++)
		if (strcmp(v->u.str.s, roles[i]) == 0)
			return NULL;
	return lh_arena_printf(a, "The role \"%s\" is not supported. Valid values: \"admin\", \"user\", \"proxy_admin\", \"proxy_admin_viewer\", \"internal_user\", \"internal_user_viewer\".", v->u.str.s);
}

/* A role in the API's spelling; no role (null) is internal_user, as LiteLLM's auth
 * reads it (_get_user_role: a role it cannot parse, null included, is INTERNAL_USER),
 * so such a user matches "user" and is not rewritten. */
static const char *
role_meaning(const cJSON *v)
{
	if (v == NULL || cJSON_IsNull(v))
		return "internal_user";
	return cJSON_IsString(v) ? role_api(v->valuestring) : NULL;
}

static bool
same_role(const cJSON *c, const cJSON *s)
{
	const char *a = role_meaning(c), *b = role_meaning(s);
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static cJSON *
api_role(const cJSON *v)
{
	return cJSON_IsString(v) ? cJSON_CreateString(role_api(v->valuestring)) : lh_jcopy(v);
}

/* ---- the table (sorted by name) ---- */

static const char *
check_user_id(lh_arena *a, const lh_value *v)
{
	return lh_check_chosen_id(a, v, "user", "The user id must not be empty; leave user_id "
	    "out and litehcl chooses one.");
}

static const lh_attr user_attrs[] = {
	{.name = "budget_duration", .type = &lh_type_string, .mode = LH_ATTR_OPTIONAL,
	 .validate = lh_check_duration, .same = lh_same_duration, .to_api = lh_api_duration,
	 .description = "Budget reset period: `daily`, `weekly`, `monthly`, or a native duration (`30s`, `12h`, `7d`, `2w`, `1mo`)."},
	{.name = "created_at", .type = &lh_type_string, .mode = LH_ATTR_COMPUTED,
	 .description = "When the user was created."},
	{.name = "id", .type = &lh_type_string, .mode = LH_ATTR_COMPUTED,
	 .description = "The user's id (= `user_id`)."},
	{.name = "max_budget", .type = &lh_type_number, .mode = LH_ATTR_OPTIONAL,
	 .validate = lh_check_budget, .same = lh_same_zero_null, .to_api = lh_api_zero_null,
	 .description = "Maximum budget in dollars; `0` means unlimited."},
	{.name = "metadata", .type = &lh_type_string, .mode = LH_ATTR_OPTIONAL,
	 .accept = lh_accept_json_object, .validate = lh_check_json_object,
	 .same = lh_same_json_text, .to_api = lh_api_json_object,
	 .description = "A JSON object encoded as a string (`jsonencode({...})`); a map is accepted too."},
	{.name = "models", .type = &list_string, .mode = LH_ATTR_OPTIONAL,
	 .description = "Model names the user may use (order kept; `[]` means all)."},
	{.name = "rpm_limit", .type = &lh_type_number, .mode = LH_ATTR_OPTIONAL,
	 .validate = lh_check_limit, .to_api = lh_api_whole,
	 .description = "Requests per minute limit (whole, >= 0)."},
	{.name = "spend", .type = &lh_type_number, .mode = LH_ATTR_COMPUTED,
	 .description = "The user's spend so far, in dollars."},
	{.name = "tpm_limit", .type = &lh_type_number, .mode = LH_ATTR_OPTIONAL,
	 .validate = lh_check_limit, .to_api = lh_api_whole,
	 .description = "Tokens per minute limit (whole, >= 0)."},
	{.name = "updated_at", .type = &lh_type_string, .mode = LH_ATTR_COMPUTED, .changes = true,
	 .description = "When the user was last updated."},
	{.name = "user_alias", .type = &lh_type_string, .mode = LH_ATTR_OPTIONAL,
	 .validate = lh_check_name,
	 .description = "A human-readable alias."},
	{.name = "user_email", .type = &lh_type_string, .mode = LH_ATTR_REQUIRED,
	 .validate = lh_check_email, .same = lh_same_ci,
	 .description = "The user's email address; unique per configuration and server (case-insensitively)."},
	{.name = "user_id", .type = &lh_type_string, .mode = LH_ATTR_OPTIONAL, .force_new = true,
	 .validate = check_user_id,
	 .description = "The user id; litehcl chooses a UUID when it is not set. Changing it replaces the user."},
	{.name = "user_role", .type = &lh_type_string, .mode = LH_ATTR_OPTIONAL,
	 .default_json = "\"user\"", .validate = check_role, .same = same_role, .to_api = api_role,
	 .description = "`admin`, `user` (default), or a native role: `proxy_admin`, `proxy_admin_viewer`, `internal_user`, `internal_user_viewer`."},
};

/* The arguments sent to the API, in the order they are sent. */
static const char *const user_args[] = {
	"user_email", "user_alias", "user_role", "max_budget", "budget_duration",
	"tpm_limit", "rpm_limit", "models", "metadata", NULL
};

/* ---- the server's row as state attributes ---- */

static cJSON *
from_row(const cJSON *row, const cJSON *ref)
{
	cJSON *n = cJSON_CreateObject();
	const cJSON *id = lh_j(row, "user_id");
	lh_jput(n, "id", lh_jcopy(id));
	lh_jput(n, "user_id", lh_jcopy(id));
	lh_jput(n, "created_at", lh_jcopy(lh_j(row, "created_at")));
	lh_jput(n, "updated_at", lh_jcopy(lh_j(row, "updated_at")));
	const cJSON *spend = lh_j(row, "spend");
	lh_jput(n, "spend", cJSON_IsNumber(spend) ? lh_jcopy(spend) : cJSON_CreateNumber(0));
	for (const char *const *k = user_args; *k; k++) {
		const cJSON *s = lh_j(row, *k);
		cJSON *v;
		if (strcmp(*k, "metadata") == 0) {
			v = lh_metadata_state(s);
			/* an empty object is "no metadata" unless the configuration has some */
			if (cJSON_IsString(v) && strcmp(v->valuestring, "{}") == 0 &&
			    lh_jnull(lh_j(ref, *k))) {
				cJSON_Delete(v);
				v = cJSON_CreateNull();
			}
		} else if (strcmp(*k, "models") == 0) {
			v = cJSON_IsArray(s) ? lh_jcopy(s) : cJSON_CreateArray();
		} else {
			v = lh_jcopy(s);
		}
		lh_jput(n, *k, v);
	}
	cJSON *o = lh_rtype_from_row(&lh_res_user, n, ref);
	cJSON_Delete(n);
	return o;
}

/* The value from_row's intermediate row gives name (NULL: none); *tmp holds what had to
 * be made (free it). */
static const cJSON *
row_value(const cJSON *row, const cJSON *ref, const char *name, cJSON **tmp)
{
	static const cJSON zero = {.type = cJSON_Number};
	static const cJSON empty = {.type = cJSON_Array};
	*tmp = NULL;
	/* by the name's first byte (a refresh asks 3,000 times): the computed attributes,
	 * then user_args */
	bool arg = false;
	switch (name[0]) {
	case 'i':
		return strcmp(name, "id") == 0 ? lh_j(row, "user_id") : NULL;
	case 'c':
		return strcmp(name, "created_at") == 0 ? lh_j(row, name) : NULL;
	case 's':
		if (strcmp(name, "spend") == 0) {
			const cJSON *spend = lh_j(row, "spend");
			return cJSON_IsNumber(spend) ? spend : &zero;
		}
		return NULL;
	case 'u':
		if (strcmp(name, "user_id") == 0)
			return lh_j(row, "user_id");
		if (strcmp(name, "updated_at") == 0)
			return lh_j(row, name);
		arg = strcmp(name, "user_email") == 0 || strcmp(name, "user_alias") == 0 ||
		    strcmp(name, "user_role") == 0;
		break;
	case 'm':
		if (strcmp(name, "metadata") == 0) {
			*tmp = lh_metadata_state(lh_j(row, name));
			if (cJSON_IsString(*tmp) && strcmp((*tmp)->valuestring, "{}") == 0 &&
			    lh_jnull(lh_j(ref, name)))
				return NULL;	/* null */
			return *tmp;
		}
		if (strcmp(name, "models") == 0) {
			const cJSON *s = lh_j(row, name);
			return cJSON_IsArray(s) ? s : &empty;
		}
		arg = strcmp(name, "max_budget") == 0;
		break;
	case 'b':
		arg = strcmp(name, "budget_duration") == 0;
		break;
	case 't':
		arg = strcmp(name, "tpm_limit") == 0;
		break;
	case 'r':
		arg = strcmp(name, "rpm_limit") == 0;
		break;
	}
	return arg ? lh_j(row, name) : NULL;
}

/* Whether from_row(row, ref) would be exactly ref (lh_json_identical), found without
 * building it: refreshing an unchanged user copies nothing. */
static bool
row_same(const cJSON *row, const cJSON *ref)
{
	return lh_rtype_row_same(&lh_res_user, row, ref, row_value);
}

bool lh_user_row_same(const cJSON *row, const cJSON *ref);

/* Exposed for tests/unit/user_api.c. */
bool
lh_user_row_same(const cJSON *row, const cJSON *ref)
{
	return row_same(row, ref);
}

/* ---- request bodies ---- */

char *lh_user_create_body(const cJSON *after, const char *user_id);
char *lh_user_update_body(const char *user_id, const cJSON *before, const cJSON *after,
    int *nchanged);
cJSON *lh_user_from_api(const cJSON *row, const cJSON *ref);

/* Exposed for tests/unit/user_api.c. */
cJSON *
lh_user_from_api(const cJSON *row, const cJSON *ref)
{
	return from_row(row, ref);
}

char *
lh_user_create_body(const cJSON *after, const char *user_id)
{
	cJSON *b = cJSON_CreateObject();
	lh_jput(b, "user_id", cJSON_CreateString(user_id));
	for (const char *const *k = user_args; *k; k++) {
		const cJSON *v = lh_j(after, *k);
		if (!lh_jnull(v))
			lh_rtype_put_api(&lh_res_user, b, *k, v);
	}
	lh_jput(b, "auto_create_key", cJSON_CreateFalse());
	return lh_jtext(b);
}

char *
lh_user_update_body(const char *user_id, const cJSON *before, const cJSON *after,
    int *nchanged)
{
	cJSON *b = cJSON_CreateObject();
	int n = 0;
	lh_jput(b, "user_id", cJSON_CreateString(user_id));
	for (const char *const *k = user_args; *k; k++) {
		const cJSON *v = lh_j(after, *k), *o = lh_j(before, *k);
		if (lh_attr_same(lh_rtype_attr(&lh_res_user, *k), v, o))
			continue;
		if (lh_jnull(v) && strcmp(*k, "max_budget") != 0)
			continue;	/* the API cannot clear it; the read-back reports that */
		if (lh_jnull(v))
			lh_jput(b, *k, cJSON_CreateNull());
		else
			lh_rtype_put_api(&lh_res_user, b, *k, v);
		n++;
	}
	if (nchanged)
		*nchanged = n;
	return lh_jtext(b);
}

/* ---- the operations ---- */

enum { ST_MAIN, ST_READBACK, ST_CONFLICT, ST_UNCERTAIN, ST_PRECHECK, ST_DUPCHECK,
    /* waiting for a batched GET /user/list?user_ids=... (below) */
    ST_LISTED_READ, ST_LISTED_CHECK, ST_LISTED_CONFIRM,
    ST_BYEMAIL };

/* A read by user_email (op->by, a data source): the pages of GET /user/list's
 * substring filter, kept to exact case-insensitive matches. */
typedef struct upriv {
	int page;
	cJSON *row;		/* the first exact match */
	char *ids;		/* every match's id, comma-separated (malloc'd) */
	int hits;
	char *uncertain;	/* create: how its request failed (the answer's words) */
	bool not_api;		/* ... with a page from something in front of LiteLLM */
} upriv;

static void
user_clear(lh_rop *op)
{
	upriv *p = op->priv;
	if (p != NULL) {
		cJSON_Delete(p->row);
		free(p->ids);
		free(p->uncertain);
	}
	free(p);
	op->priv = NULL;
}

static void on_resp(lh_http *h, lh_http_resp *r, void *ctx);
static void hold(lh_rop *op, int stage);
static void note_answer(lh_rop *op, const lh_http_resp *r);

static bool
send_info(lh_rop *op, int stage)
{
	lh_http_param q = {"user_id", op->id};
	lh_http_req req = {.method = "GET", .path = "/user/info", .query = &q, .nquery = 1,
	    .done = on_resp, .ctx = op};
	op->stage = stage;
	return lh_http_submit(op->rc->http, &req);
}

static bool
send_update(lh_rop *op)
{
	int n = 0;
	char *body = lh_user_update_body(op->id, op->before, op->after, &n);
	lh_http_req req = {.method = "POST", .path = "/user/update", .body = body,
	    .done = on_resp, .ctx = op};
	op->stage = ST_MAIN;
	bool ok = lh_http_submit(op->rc->http, &req);
	free(body);
	return ok;
}

/* True when an answer says the user does not exist - and only then: a 404 from
 * LiteLLM about a user carries {"error":{...}} (info) or {"detail":{"error":...}}
 * (delete); an old server answers 200 with a user_info that has no user_id.  A 404
 * {"detail":"Not Found"} is an unknown *route* (a wrong api_base or a proxy in
 * front), and an HTML page is not LiteLLM at all: treating those as "gone" would drop
 * every user from the state. */
static bool
user_absent(const lh_http_resp *r)
{
	if (!cJSON_IsObject(r->json))
		return false;
	if (r->result == LH_HTTP_OK) {
		const cJSON *ui = lh_j(r->json, "user_info");
		return cJSON_IsObject(ui) && !cJSON_IsString(lh_j(ui, "user_id"));
	}
	if (r->result != LH_HTTP_STATUS || r->status != 404)
		return false;
	return cJSON_IsObject(lh_j(r->json, "error")) || cJSON_IsObject(lh_j(r->json, "detail"));
}

/* True when an info answer names an existing user; sets *row. */
static bool
info_exists(const lh_http_resp *r, const cJSON **row)
{
	if (r->result != LH_HTTP_OK)
		return false;
	const cJSON *ui = lh_j(r->json, "user_info");
	const cJSON *id = lh_j(ui, "user_id");
	if (!cJSON_IsString(id) || id->valuestring[0] == '\0')
		return false;
	*row = ui;
	return true;
}

/* After an update: true when the user read back is not the one updated but a new one
 * the update made (POST /user/update creates a missing user: the user was deleted
 * outside litehcl after refresh read it).  Its creation time moved, or it lost the
 * email every litehcl user has. */
static bool
recreated(const cJSON *before, const cJSON *got)
{
	const char *b = lh_js(before, "created_at"), *g = lh_js(got, "created_at");
	if (b != NULL && g != NULL && strcmp(b, g) != 0)
		return true;
	return !lh_jnull(lh_j(before, "user_email")) && lh_jnull(lh_j(got, "user_email"));
}

static void
readback(lh_rop *op, const cJSON *row)
{
	const cJSON *ref = op->kind == LH_OP_READ ? op->ref : op->after;
	cJSON_Delete(op->attrs);
	op->attrs = from_row(row, ref);
	if (op->kind == LH_OP_UPDATE && recreated(op->before, op->attrs)) {
		/* the state records the user the server now holds (never an orphan) */
		char s[512];
		snprintf(s, sizeof s, "Error updating %s: the user was deleted outside litehcl",
		    op->addr);
		lh_rop_fail(op, s, lh_xprintf("User %s was deleted outside litehcl after refresh "
		    "read it, and LiteLLM's /user/update, which creates a user it does not find, "
		    "made a new one holding only the changed arguments (created_at %s, "
		    "user_email %s). The state records that user; run apply again to set the "
		    "rest of its arguments, or remove it.", op->id,
		    lh_js(op->attrs, "created_at") ? lh_js(op->attrs, "created_at") : "null",
		    lh_js(op->attrs, "user_email") ? lh_js(op->attrs, "user_email") : "null"));
		return;
	}
	if (op->kind == LH_OP_CREATE || op->kind == LH_OP_UPDATE) {
		const char *bad = lh_rtype_check(&lh_res_user, op->after, op->attrs,
		    op->kind == LH_OP_UPDATE ? op->before : NULL);
		if (bad != NULL) {
			lh_rop_fail_kept(op, "user", bad);
			return;
		}
	}
	lh_rop_succeed(op);
}

static bool
send_by_email(lh_rop *op)
{
	upriv *p = op->priv;
	if (p == NULL) {
		p = calloc(1, sizeof *p);
		if (p == NULL)
			abort();
		p->page = 1;
		op->priv = p;
	}
	char page[16];
	snprintf(page, sizeof page, "%d", p->page);
	lh_http_param q[5] = {{"user_email", op->id}, {"page", page}, {"page_size", "100"},
	    {"sort_by", "user_id"}, {"sort_order", "asc"}};
	lh_http_req req = {.method = "GET", .path = "/user/list", .query = q, .nquery = 5,
	    .done = on_resp, .ctx = op};
	op->stage = ST_BYEMAIL;
	return lh_http_submit(op->rc->http, &req);
}

/* One page of the email look-up: exact matches kept; after the last page, one match is
 * the object, none is "gone", several fail naming them (LiteLLM does not enforce
 * unique emails on every version). */
static void
on_by_email(lh_rop *op, const lh_http_resp *r)
{
	upriv *p = op->priv;
	const cJSON *users = lh_j(r->json, "users");
	if (r->result != LH_HTTP_OK || !cJSON_IsArray(users)) {
		lh_rop_http_fail(op, r);
		return;
	}
	const cJSON *u;
	cJSON_ArrayForEach(u, users) {
		const char *e = lh_js(u, "user_email"), *id = lh_js(u, "user_id");
		if (e == NULL || id == NULL || strcasecmp(e, op->id) != 0)
			continue;
		if (p->hits++ == 0)
			p->row = cJSON_Duplicate(u, 1);
		char *n = lh_xprintf("%s%s%s", p->ids ? p->ids : "", p->ids ? ", " : "", id);
		free(p->ids);
		p->ids = n;
	}
	const cJSON *tp = lh_j(r->json, "total_pages");
	if (cJSON_IsNumber(tp) && p->page < tp->valueint && p->page < 1000) {
		p->page++;
		if (!send_by_email(op))
			lh_rop_http_fail(op, r);
		return;
	}
	if (p->hits == 0) {
		op->gone = true;
		lh_rop_succeed(op);
	} else if (p->hits > 1) {
		char s[512];
		snprintf(s, sizeof s, "Error reading %s: several users have the email %s", op->addr,
		    op->id);
		lh_rop_fail(op, s, lh_xprintf("LiteLLM has %d users with user_email \"%s\" "
		    "(compared case-insensitively): %s. Look the user up by user_id instead.",
		    p->hits, op->id, p->ids));
	} else {
		cJSON_Delete(op->attrs);
		op->attrs = from_row(p->row, op->ref);
		lh_rop_succeed(op);
	}
}

static void
on_conflict_list(lh_rop *op, const lh_http_resp *r)
{
	const char *email = lh_js(op->after, "user_email");
	const char *found = NULL;
	const cJSON *u;
	cJSON_ArrayForEach(u, lh_j(r->json, "users")) {
		const char *e = lh_js(u, "user_email");
		if (e != NULL && email != NULL && strcasecmp(e, email) == 0) {
			found = lh_js(u, "user_id");
			break;
		}
	}
	const char *cfg_id = lh_js(op->after, "user_id");
	if (found == NULL && cfg_id != NULL)
		found = cfg_id;
	char s[512], qa[600], qi[600];
	snprintf(s, sizeof s, "Error creating %s: user already exists", op->addr);
	/* the command as it must be typed: the address quoted for the shell */
	lh_shell_word(qa, sizeof qa, op->addr);
	if (found != NULL)
		lh_rop_fail(op, s, lh_xprintf("LiteLLM already has a user with %s%s (user_id \"%s\"). "
		    "To manage that user with litehcl, import it:\n  litehcl import %s %s",
		    email ? "email " : "this id", email ? email : "", found, qa,
		    lh_shell_word(qi, sizeof qi, found)));
	else
		lh_rop_fail(op, s, lh_xprintf("LiteLLM refused the new user as a duplicate of an "
		    "existing one (email %s), which could not be found with GET /user/list. Find "
		    "its user_id and import it: litehcl import %s USER_ID", email ? email : "?",
		    qa));
}

/* A create was refused because the email or id is taken: find who has it, for the
 * message with the import command. */
static void
send_conflict_list(lh_rop *op, const lh_http_resp *r)
{
	const char *email = lh_js(op->after, "user_email");
	lh_http_param q[4] = {{"user_email", email ? email : ""},
	    {"page_size", "100"}, {"sort_by", "user_id"}, {"sort_order", "asc"}};
	lh_http_req req = {.method = "GET", .path = "/user/list", .query = q,
	    .nquery = 4, .done = on_resp, .ctx = op};
	op->stage = ST_CONFLICT;
	if (!lh_http_submit(op->rc->http, &req))
		lh_rop_http_fail(op, r);
}

static void
on_resp(lh_http *h, lh_http_resp *r, void *ctx)
{
	(void)h;
	lh_rop *op = ctx;
	const cJSON *row = NULL;
	switch (op->stage) {
	case ST_READBACK:
		if (info_exists(r, &row)) {
			readback(op, row);
		} else if (op->kind == LH_OP_CREATE && op->attrs != NULL) {
			/* The user was created (POST answered 200) but could not be read back
			 * (interrupted, or the read failed): record what the create answered so
			 * it is never lost; the next refresh completes it. */
			lh_rop_succeed(op);
		} else if (user_absent(r)) {
			if (op->kind == LH_OP_READ) {
				op->gone = true;
				lh_rop_succeed(op);
			} else {
				char s[512];
				snprintf(s, sizeof s, "Error %s %s", lh_rop_verb(op), op->addr);
				lh_rop_fail(op, s, lh_xprintf("The server accepted the change but GET "
				    "/user/info does not find user %s afterwards.", op->id));
			}
		} else {
			lh_rop_http_fail(op, r);
		}
		return;
	case ST_UNCERTAIN:
		/* A create whose answer was lost: did it happen? */
		if (info_exists(r, &row)) {
			readback(op, row);
		} else if (!user_absent(r)) {
			lh_rop_http_fail(op, r);	/* still unknown: the journal intent stays */
		} else {
			const upriv *p = op->priv;
			op->maybe_created = false;
			/* apply sends it again with the same id - unless what answered was
			 * not LiteLLM (an HTML page): that does not change by asking again */
			op->resend = p == NULL || !p->not_api;
			char s[512];
			snprintf(s, sizeof s, "Error creating %s", op->addr);
			if (p != NULL && p->uncertain != NULL)
				lh_rop_fail(op, s, lh_xprintf("%s.\n\nUser %s does not exist now: the "
				    "create did not take effect. Run apply again.", p->uncertain, op->id));
			else
				lh_rop_fail(op, s, lh_xprintf("The create request failed in a way that "
				    "may or may not have reached the server, and user %s does not exist "
				    "now. Run apply again.", op->id));
		}
		return;
	case ST_CONFLICT:
		on_conflict_list(op, r);
		return;
	case ST_BYEMAIL:
		on_by_email(op, r);
		return;
	case ST_DUPCHECK:
		if (info_exists(r, &row))
			readback(op, row);
		else
			send_conflict_list(op, r);
		return;
	case ST_PRECHECK:
		if (info_exists(r, &row)) {
			if (!send_update(op))
				lh_rop_http_fail(op, r);
		} else if (user_absent(r)) {
			char s[512];
			snprintf(s, sizeof s, "Error updating %s", op->addr ? op->addr : "litellm_user");
			lh_rop_fail(op, s, lh_xprintf("User %s was deleted outside litehcl after the plan "
			    "was made, so it was not updated (LiteLLM's update would re-create it "
			    "without its email). Run plan again: it will plan to create the user.",
			    op->id));
		} else {
			lh_rop_http_fail(op, r);
		}
		return;
	default:
		break;
	}
	/* ST_MAIN */
	switch (op->kind) {
	case LH_OP_READ:
		if (info_exists(r, &row))
			readback(op, row);
		else if (user_absent(r)) {
			op->gone = true;
			lh_rop_succeed(op);
		} else
			lh_rop_http_fail(op, r);
		return;
	case LH_OP_CREATE:
		if (r->result == LH_HTTP_OK) {
			cJSON *nrow = cJSON_IsObject(r->json) ? cJSON_Duplicate(r->json, 1) :
			    cJSON_CreateObject();
			if (!cJSON_IsString(lh_j(nrow, "user_id"))) {
				cJSON_DeleteItemFromObjectCaseSensitive(nrow, "user_id");
				lh_jput(nrow, "user_id", cJSON_CreateString(op->id));
			}
			/* the create answer's timestamps are the key's, not the user's */
			cJSON_DeleteItemFromObjectCaseSensitive(nrow, "created_at");
			cJSON_DeleteItemFromObjectCaseSensitive(nrow, "updated_at");
			cJSON_Delete(op->attrs);
			op->attrs = from_row(nrow, op->after);
			cJSON_Delete(nrow);
			note_answer(op, r);
			hold(op, ST_LISTED_CONFIRM);
		} else if (r->result == LH_HTTP_UNCERTAIN) {
			op->maybe_created = true;
			if (r->error != NULL) {
				upriv *p = op->priv;
				if (p == NULL && (p = op->priv = calloc(1, sizeof *p)) == NULL)
					abort();
				free(p->uncertain);
				p->uncertain = lh_xstrdup(r->error);
				p->not_api = r->not_api;
			}
			if (!send_info(op, ST_UNCERTAIN))
				lh_rop_http_fail(op, r);
		} else if (r->result == LH_HTTP_STATUS && (r->status == 409 ||
		    (r->status == 400 && r->body != NULL && strstr(r->body, "already exists")))) {
			/* The id is ours (a UUID litehcl chose, or the configured one): if a user
			 * with it exists, it is this create landing twice - an earlier run's
			 * request the server finished after that run died, retried with the
			 * same id.  Adopt it rather than report a conflict. */
			if (!op->own_id)
				send_conflict_list(op, r);
			else if (!send_info(op, ST_DUPCHECK))
				lh_rop_http_fail(op, r);
		} else {
			lh_rop_http_fail(op, r);
		}
		return;
	case LH_OP_UPDATE:
		if (r->result == LH_HTTP_OK) {
			note_answer(op, r);
			hold(op, ST_LISTED_CONFIRM);
		} else {
			lh_rop_http_fail(op, r);
		}
		return;
	case LH_OP_DELETE:
		if (r->result == LH_HTTP_OK) {
			lh_rop_succeed(op);
		} else if (user_absent(r)) {
			op->gone = true;
			lh_rop_succeed(op);
		} else {
			lh_rop_http_fail(op, r);
		}
		return;
	}
}

static bool
user_submit(lh_rop *op)
{
	switch (op->kind) {
	case LH_OP_READ:
		if (op->by != NULL && strcmp(op->by, "user_email") == 0)
			return send_by_email(op);
		return send_info(op, ST_MAIN);
	case LH_OP_CREATE: {
		char *body = lh_user_create_body(op->after, op->id);
		lh_http_req req = {.method = "POST", .path = "/user/new", .body = body,
		    .non_idempotent = true, .done = on_resp, .ctx = op};
		bool ok = lh_http_submit(op->rc->http, &req);
		free(body);
		return ok;
	}
	case LH_OP_UPDATE:
		/* POST /user/update is an upsert: sent for a user deleted since it was
		 * read it would create an email-less ghost.  Refresh read it moments ago
		 * (checked); otherwise (a saved plan, -refresh=false) it is read first, in
		 * batches.  Either way the confirmation after the write notices a user the
		 * update re-created (readback). */
		if (op->checked)
			return send_update(op);
		hold(op, ST_LISTED_CHECK);
		return true;
	case LH_OP_DELETE: {
		cJSON *b = cJSON_CreateObject(), *ids = cJSON_CreateArray();
		cJSON_AddItemToArray(ids, cJSON_CreateString(op->id));
		lh_jput(b, "user_ids", ids);
		char *body = lh_jtext(b);
		lh_http_req req = {.method = "POST", .path = "/user/delete", .body = body,
		    .done = on_resp, .ctx = op};
		bool ok = lh_http_submit(op->rc->http, &req);
		free(body);
		return ok;
	}
	}
	return false;
}

/* ---- reads in batches ----
 * Users are read 100 at a time with GET /user/list?user_ids=a,b,... (several ids match
 * exactly), for three purposes: refresh (read_many: a no-op plan of 1,000 users is 10
 * requests), the confirmation of finished creates and updates (so 1,000 creates are
 * 1,000 writes and 10 reads), and the existence check before an update refresh did not
 * read.  A user the list does not return is asked for with GET /user/info (the only
 * proof of "gone"); a server without the filter (404/405/422) gets one /user/info per
 * user from then on.  Writes finish one by one, so their confirmations are held until
 * 100 are waiting, every user op still running is waiting (hold), nothing else is in
 * flight (user_flush), or - a slow server, where the writes still to come would take
 * long to fill the batch - the batch has waited PARTIAL_WAIT_S or four write answers'
 * time, whichever is longer, with at least PARTIAL_MIN users (hold).  A fast server
 * fills a batch well before that (1,000 creates at 20 ms a request and -parallelism=10:
 * 100 in 0.2 s), so its read count is unchanged; at 1 s a request a finished user waits
 * ~4 s, not the ~10 s a batch of 100 takes to gather, for at most one read per 10 writes. */

#define BATCH 100
#define PARTIAL_WAIT_S 2.0
#define PARTIAL_MIN (BATCH / 10)

typedef struct uctx {
	lh_rop **held;		/* ops waiting for a batched read (stage ST_LISTED_*) */
	size_t n, cap;
	double since;		/* when the first of the held ops was held */
	double answer_s;	/* how long a write's answer takes (moving average), 0 unknown */
	bool no_filter;		/* /user/list has no user_ids filter here */
} uctx;

static uctx *
ctx_of(lh_rctx *rc)
{
	return lh_rctx_slot(rc, &lh_res_user, sizeof(uctx));
}

static void
user_ctx_free(void *p)
{
	uctx *c = p;
	free(c->held);
	free(c);
}

/* ---- GET /user/list?user_ids=a,b,... (shared with res_member.c) ---- */

/* What a type does with the ops of a batched user lookup (lh_user_list_ops). */
typedef struct lh_user_batch {
	const char *(*user_id)(lh_rop *op);		/* the user op asks for */
	void (*found)(lh_rop *op, const cJSON *row);	/* the list returned it */
	void (*alone)(lh_rop *op);	/* ask alone (GET /user/info): the list did not
					 * return it, or cannot be used */
	void (*failed)(lh_rop *op, lh_http_resp *r);	/* the list failed otherwise */
} lh_user_batch;

typedef struct idlist {
	lh_rctx *rc;
	lh_rop **ops;
	size_t n;
	const lh_user_batch *f;
} idlist;

static void
idlist_free(idlist *l)
{
	free(l->ops);
	free(l);
}

static void
idlist_done(lh_http *h, lh_http_resp *resp, void *ctx)
{
	(void)h;
	idlist *l = ctx;
	const cJSON *users = lh_j(resp->json, "users");
	if (resp->result == LH_HTTP_OK && cJSON_IsArray(users)) {
		const cJSON **rows = calloc(l->n + 1, sizeof *rows);
		/* the ops by user id: a table of 2n+ slots holding 1 + the first op's
		 * position, same[i] 1 + the next op's with op i's id */
		size_t cap = 16;
		while (cap < 2 * l->n)
			cap *= 2;
		size_t *slot = calloc(cap, sizeof *slot), *same = calloc(l->n + 1, sizeof *same);
		if (rows == NULL || slot == NULL || same == NULL)
			abort();
		for (size_t i = l->n; i-- > 0;) {
			const char *id = l->f->user_id(l->ops[i]);
			size_t k = (size_t)lh_hash_bytes(id, strlen(id)) & (cap - 1);
			while (slot[k] != 0 && strcmp(l->f->user_id(l->ops[slot[k] - 1]), id) != 0)
				k = (k + 1) & (cap - 1);
			same[i] = slot[k];
			slot[k] = i + 1;
		}
		const cJSON *row;
		cJSON_ArrayForEach(row, users) {
			const char *id = lh_js(row, "user_id");
			if (id == NULL)
				continue;
			size_t k = (size_t)lh_hash_bytes(id, strlen(id)) & (cap - 1);
			while (slot[k] != 0 && strcmp(l->f->user_id(l->ops[slot[k] - 1]), id) != 0)
				k = (k + 1) & (cap - 1);
			/* every op with that id not given an earlier row */
			for (size_t i = slot[k]; i != 0; i = same[i - 1])
				if (rows[i - 1] == NULL)
					rows[i - 1] = row;
		}
		free(slot);
		free(same);
		for (size_t i = 0; i < l->n; i++) {
			if (rows[i] != NULL)
				l->f->found(l->ops[i], rows[i]);
			else
				l->f->alone(l->ops[i]);
		}
		free(rows);
	} else if (resp->result == LH_HTTP_STATUS &&
	    (resp->status == 404 || resp->status == 405 || resp->status == 422)) {
		ctx_of(l->rc)->no_filter = true;	/* an old server */
		for (size_t i = 0; i < l->n; i++)
			l->f->alone(l->ops[i]);
	} else {
		for (size_t i = 0; i < l->n; i++)
			l->f->failed(l->ops[i], resp);
	}
	idlist_free(l);
}

/* Whether users are read in batches in this run: not on a server without the
 * user_ids filter, nor with LITEHCL_REFRESH_ONE_BY_ONE set. */
bool lh_user_batched(lh_rctx *rc);
bool
lh_user_batched(lh_rctx *rc)
{
	const char *off = getenv("LITEHCL_REFRESH_ONE_BY_ONE");
	return !ctx_of(rc)->no_filter && !(off != NULL && *off != '\0' && *off != '0');
}

/* The users of ops[0..n) (n <= 100) with one GET /user/list?user_ids=..., sent ahead
 * of queued requests (the ops wait on it): f->found for each user listed, f->alone for
 * the others (only GET /user/info tells "gone" apart) and for all of them when the
 * server has no such filter (404, 405, 422: remembered, lh_user_batched is false from
 * then on), when the list could not be sent, when fewer than 2 (one id would be a
 * substring match) or when not batched; f->failed for each when the list failed
 * otherwise.  Called from inside lh_http_run, or at once. */
void lh_user_list_ops(lh_rctx *rc, lh_rop **ops, size_t n, const lh_user_batch *f);
void
lh_user_list_ops(lh_rctx *rc, lh_rop **ops, size_t n, const lh_user_batch *f)
{
	if (n < 2 || !lh_user_batched(rc)) {
		for (size_t i = 0; i < n; i++)
			f->alone(ops[i]);
		return;
	}
	idlist *l = calloc(1, sizeof *l);
	lh_rop **copy = calloc(n, sizeof *copy);
	if (l == NULL || copy == NULL)
		abort();
	memcpy(copy, ops, n * sizeof *copy);
	*l = (idlist){rc, copy, n, f};
	lh_buf ids = {0};
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			lh_buf_putc(&ids, ',');
		lh_buf_puts(&ids, f->user_id(ops[i]));
	}
	char ps[16];
	snprintf(ps, sizeof ps, "%d", BATCH);
	lh_http_param q[5] = {{"user_ids", ids.p}, {"page", "1"}, {"page_size", ps},
	    {"sort_by", "user_id"}, {"sort_order", "asc"}};
	lh_http_req req = {.method = "GET", .path = "/user/list", .query = q, .nquery = 5,
	    .urgent = true, .done = idlist_done, .ctx = l, .json_scratch = true};
	bool sent = lh_http_submit(rc->http, &req);
	free(ids.p);
	if (!sent) {
		for (size_t i = 0; i < n; i++)
			f->alone(ops[i]);
		idlist_free(l);
	}
}

/* The request a held op makes on its own: the list did not return it, or the server
 * cannot list by ids. */
static void
listed_alone(lh_rop *op)
{
	bool ok;
	switch (op->stage) {
	case ST_LISTED_CHECK: ok = send_info(op, ST_PRECHECK); break;
	case ST_LISTED_CONFIRM: ok = send_info(op, ST_READBACK); break;
	default: ok = lh_rop_submit(op->rc, op); break;	/* a read */
	}
	if (!ok) {
		char s[512];
		snprintf(s, sizeof s, "Error %s %s", lh_rop_verb(op), op->addr);
		lh_rop_fail(op, s, lh_xstrdup("GET /user/info could not be sent"));
	}
}

/* A held op whose row the list returned. */
static void
listed_found(lh_rop *op, const cJSON *row)
{
	switch (op->stage) {
	case ST_LISTED_CHECK:
		if (!send_update(op)) {
			char s[512];
			snprintf(s, sizeof s, "Error updating %s", op->addr);
			lh_rop_fail(op, s, lh_xstrdup("POST /user/update could not be sent"));
		}
		return;
	case ST_LISTED_CONFIRM:
		readback(op, row);
		return;
	default:
		if (op->same_ok && op->ref != NULL && row_same(row, op->ref))
			op->same = true;	/* unchanged: nothing to copy */
		else
			op->attrs = from_row(row, op->ref);
		lh_rop_succeed(op);
		return;
	}
}

/* The list failed and per-user reads will not help (interrupted; or a refresh read,
 * which fails as it always did). */
static void
listed_failed(lh_rop *op, lh_http_resp *resp)
{
	if (op->stage == ST_LISTED_CONFIRM && op->kind == LH_OP_CREATE && op->attrs != NULL) {
		/* created (POST answered 200), not confirmed: record what the create
		 * answered so it is never lost; the next refresh completes it */
		lh_rop_succeed(op);
		return;
	}
	if (resp->result == LH_HTTP_CANCELLED || op->stage != ST_LISTED_READ) {
		lh_rop_http_fail(op, resp);
		return;
	}
	char sum[512];
	snprintf(sum, sizeof sum, "Error reading %s", op->addr);
	lh_rop_fail(op, sum, resp->error ? lh_xstrdup(resp->error) :
	    lh_answer_unexpected(resp, NULL, NULL));
}

/* The list failed and per-user reads may help: a failed confirmation or check is
 * asked again user by user (each with its own retries, and /user/info tells "gone"
 * apart); a refresh read fails, and an interrupted run sends nothing more. */
static void
list_failed(lh_rop *op, lh_http_resp *resp)
{
	if (resp->result != LH_HTTP_CANCELLED && op->stage != ST_LISTED_READ)
		listed_alone(op);
	else
		listed_failed(op, resp);
}

static const char *
op_user_id(lh_rop *op)
{
	return op->id;
}

static const lh_user_batch listed = {op_user_id, listed_found, listed_alone, list_failed};

/* Reads ops[0..n) (n <= BATCH, all in a ST_LISTED_* stage) with one list request. */
static void
send_list(lh_rctx *rc, lh_rop **ops, size_t n)
{
	lh_user_list_ops(rc, ops, n, &listed);
}

/* A write of op was answered (r, 2xx): the time its answer took feeds the wait of a
 * partial batch (hold). */
static void
note_answer(lh_rop *op, const lh_http_resp *r)
{
	if (r->attempts != 1)
		return;	/* retries' backoff is not the server's speed */
	uctx *c = ctx_of(op->rc);
	c->answer_s = c->answer_s > 0 ? 0.8 * c->answer_s + 0.2 * r->elapsed_s : r->elapsed_s;
}

/* Holds op (stage ST_LISTED_CHECK or ST_LISTED_CONFIRM) for the next batched read:
 * sent when 100 are held, when no other user op can join, or after a while (above);
 * else by user_flush. */
static void
hold(lh_rop *op, int stage)
{
	op->stage = stage;
	if (!lh_user_batched(op->rc)) {
		listed_alone(op);
		return;
	}
	uctx *c = ctx_of(op->rc);
	double now = lh_rop_clock();
	if (c->n == 0)
		c->since = now;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : BATCH;
		c->held = realloc(c->held, c->cap * sizeof *c->held);
		if (c->held == NULL)
			abort();
	}
	c->held[c->n++] = op;
	if (c->n >= BATCH) {
		c->n = 0;
		send_list(op->rc, c->held, BATCH);
	} else if (stage == ST_LISTED_CONFIRM && c->n >= lh_rctx_active(op->rc, &lh_res_user)) {
		/* every user op still running waits here: none can join, so the batch goes
		 * now rather than when other types' requests are done too (an existence
		 * check is held at submit, before the others are submitted: not then) */
		size_t m = c->n;
		c->n = 0;
		send_list(op->rc, c->held, m);
	} else if (stage == ST_LISTED_CONFIRM && c->n >= PARTIAL_MIN &&
	    now - c->since >= (4 * c->answer_s > PARTIAL_WAIT_S ? 4 * c->answer_s :
	    PARTIAL_WAIT_S)) {
		/* a slow server: the writes still to come would keep these waiting */
		size_t m = c->n;
		c->n = 0;
		send_list(op->rc, c->held, m);
	}
}

/* Nothing else is in flight: the held ops are read now. */
static bool
user_flush(lh_rctx *rc)
{
	uctx *c = ctx_of(rc);
	if (c->n == 0)
		return false;
	while (c->n > 0) {
		size_t m = c->n < BATCH ? c->n : BATCH;
		c->n -= m;
		send_list(rc, c->held + c->n, m);
	}
	return true;
}

static void
user_read_many(lh_rctx *rc, lh_rop **ops, size_t n)
{
	for (size_t start = 0; start < n; start += BATCH) {
		size_t m = n - start < BATCH ? n - start : BATCH;
		for (size_t i = 0; i < m; i++) {
			lh_rop *op = ops[start + i];
			op->rc = rc;
			op->ok = op->gone = op->cancelled = false;
			op->stage = ST_LISTED_READ;
		}
		send_list(rc, ops + start, m);
	}
}

/* ---- import and configuration checks ---- */

static bool
user_import_matches(const lh_value *args, const cJSON *attrs)
{
	const char *email = lh_js(attrs, "user_email");
	lh_value *e = lh_val_get(args, "user_email");
	if (email == NULL || e == NULL || lh_val_is_null(e) || lh_val_has_unknown(e) ||
	    e->type->kind != LH_TY_STRING)
		return false;
	return strlen(email) == e->u.str.len && strncasecmp(email, e->u.str.s, e->u.str.len) == 0;
}

/* The same user_email twice (case-insensitive), or the same chosen user_id twice, is
 * an error at the later one: the two blocks would be one LiteLLM user and fight. */
static void
user_check_config(lh_arena *a, lh_instance **all, size_t n, lh_diags *d)
{
	lh_config_check_unique(a, all, n, "user_email", true, LH_DIAG_ERROR, "Duplicate user_email",
	    "LiteLLM user emails must be unique (compared case-insensitively).", d);
	lh_config_check_unique(a, all, n, "user_id", false, LH_DIAG_ERROR, "Duplicate user_id",
	    "Both would manage the same LiteLLM user; give each block its own user_id.", d);
}

/* ---- adopt ---- */

/* The users the proxy makes for itself (its default user, the budget of the proxy's
 * own spend): never adopted, nor their memberships. */
bool lh_user_internal(const char *user_id);
bool
lh_user_internal(const char *user_id)
{
	static const char *const internal[] = {"default_user_id", "litellm-proxy-budget", NULL};
	for (const char *const *p = internal; *p; p++)
		if (strcmp(user_id, *p) == 0)
			return true;
	return false;
}

/* Every user (GET /user/list, all pages), named after its e-mail's local part. */
static lh_found *
user_list_all(lh_rctx *rc, lh_diags *d, size_t *n)
{
	bool missing = false;
	cJSON *rows = lh_list_pages(rc, d, "/user/list", "users", "user_id", &missing);
	*n = 0;
	if (rows == NULL) {
		if (missing)
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot list the server's users",
			    "GET /user/list: 404 Not Found: check that api_base (LITELLM_API_BASE) is "
			    "the LiteLLM proxy's base URL.");
		return NULL;
	}
	lh_found *v = lh_found_alloc((size_t)cJSON_GetArraySize(rows));
	const cJSON *row;
	cJSON_ArrayForEach(row, rows) {
		const char *id = lh_js(row, "user_id"), *email = lh_js(row, "user_email");
		if (id == NULL || lh_user_internal(id))
			continue;
		lh_found *f = &v[(*n)++];
		f->id = lh_xstrdup(id);
		const char *at = email != NULL ? strchr(email, '@') : NULL;
		f->name = at != NULL ? strndup(email, (size_t)(at - email)) : lh_xstrdup(id);
		if (f->name == NULL)
			abort();
		f->attrs = cJSON_CreateObject();
		lh_jput(f->attrs, "user_id", cJSON_CreateString(id));
	}
	cJSON_Delete(rows);
	return v;
}

static const char *const user_data_keys[] = {"user_id", "user_email", NULL};

const lh_rtype lh_res_user = {
	.type_name = "litellm_user",
	.attrs = user_attrs,
	.n = sizeof user_attrs / sizeof user_attrs[0],
	.id_attr = "id",
	.own_id_attr = "user_id",
	.summary = "A LiteLLM user (email, role, budget, rate limits, models).",
	.import_forms = "USER_ID (without ADDR: the block with that user's user_email)",
	.submit = user_submit,
	.read_many = user_read_many,
	.import_matches = user_import_matches,
	.check_config = user_check_config,
	.flush = user_flush,
	.ctx_free = user_ctx_free,
	.plural = "users",
	.list_all = user_list_all,
	.data_keys = user_data_keys,
	.clear = user_clear,
};
