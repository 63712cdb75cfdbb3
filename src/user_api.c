/* user_api.c - litellm_user: the planner's attribute table, comparison by meaning, and
 * (below) create/read/update/delete/import over the LiteLLM API (see user_api.h). */
#include "user_api.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <strings.h>

#include "http.h"

static const lh_plan_attr user_attrs[] = {
	{"budget_duration", LH_PA_OPTIONAL | LH_PA_COMPUTED, NULL},
	{"created_at", LH_PA_COMPUTED, NULL},
	{"id", LH_PA_COMPUTED, NULL},
	{"max_budget", LH_PA_OPTIONAL | LH_PA_COMPUTED, NULL},
	{"metadata", LH_PA_OPTIONAL | LH_PA_COMPUTED, NULL},
	{"models", LH_PA_OPTIONAL | LH_PA_COMPUTED, NULL},
	{"rpm_limit", LH_PA_OPTIONAL | LH_PA_COMPUTED, NULL},
	{"spend", LH_PA_COMPUTED, NULL},
	{"tpm_limit", LH_PA_OPTIONAL | LH_PA_COMPUTED, NULL},
	{"updated_at", LH_PA_COMPUTED | LH_PA_CHANGES, NULL},
	{"user_alias", LH_PA_OPTIONAL | LH_PA_COMPUTED, NULL},
	{"user_email", LH_PA_REQUIRED, NULL},
	{"user_id", LH_PA_OPTIONAL | LH_PA_COMPUTED | LH_PA_FORCE_NEW, NULL},
	{"user_role", LH_PA_OPTIONAL, "\"user\""},
};

const lh_plan_rtype lh_user_rtype = {
	.type = "litellm_user",
	.attrs = user_attrs,
	.nattrs = sizeof user_attrs / sizeof user_attrs[0],
	.same = lh_user_same,
	.id_attr = "id",
};

static const char *
role_native(const char *r)
{
	if (strcmp(r, "admin") == 0)
		return "proxy_admin";
	if (strcmp(r, "user") == 0)
		return "internal_user";
	return r;
}

/* Durations to seconds-ish canonical spelling; NULL when not a duration. */
static const char *
duration_native(const char *d)
{
	if (strcmp(d, "daily") == 0 || strcmp(d, "1d") == 0)
		return "1d";
	if (strcmp(d, "weekly") == 0 || strcmp(d, "7d") == 0 || strcmp(d, "1w") == 0)
		return "7d";
	if (strcmp(d, "monthly") == 0 || strcmp(d, "30d") == 0 || strcmp(d, "1mo") == 0)
		return "30d";
	return d;
}

static bool
is_zero_or_null(const cJSON *v)
{
	return v == NULL || cJSON_IsNull(v) || (cJSON_IsNumber(v) && v->valuedouble == 0);
}

bool
lh_user_same(const char *attr, const cJSON *c, const cJSON *s)
{
	if (strcmp(attr, "max_budget") == 0 && is_zero_or_null(c) && is_zero_or_null(s))
		return true;
	if (c == NULL || s == NULL || cJSON_IsNull(c) || cJSON_IsNull(s))
		return lh_json_equal(c, s);
	if (cJSON_IsString(c) && cJSON_IsString(s)) {
		const char *x = c->valuestring, *y = s->valuestring;
		if (strcmp(attr, "user_role") == 0)
			return strcmp(role_native(x), role_native(y)) == 0;
		if (strcmp(attr, "budget_duration") == 0)
			return strcmp(duration_native(x), duration_native(y)) == 0;
		if (strcmp(attr, "user_email") == 0)
			return strcasecmp(x, y) == 0;
		if (strcmp(attr, "metadata") == 0) {
			cJSON *a = cJSON_Parse(x), *b = cJSON_Parse(y);
			bool eq = a != NULL && b != NULL && lh_json_equal(a, b);
			cJSON_Delete(a);
			cJSON_Delete(b);
			return eq;
		}
	}
	return lh_json_equal(c, s);
}

/* ---- mapping between state attributes and the API ---- */


static const char *const user_args[] = {
	"user_email", "user_alias", "user_role", "max_budget", "budget_duration",
	"tpm_limit", "rpm_limit", "models", "metadata", NULL
};

static cJSON *
jget(const cJSON *o, const char *k)
{
	return o ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

static bool
jnull(const cJSON *v)
{
	return v == NULL || cJSON_IsNull(v);
}

static void
jput(cJSON *o, const char *k, cJSON *v)
{
	if (v == NULL || !cJSON_AddItemToObject(o, k, v)) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
}

static cJSON *
jcopy(const cJSON *v)
{
	cJSON *c = v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();
	if (c == NULL)
		abort();
	return c;
}

/* Objects with keys sorted, compact: the spelling jsonencode would produce. */
static void
sort_keys(cJSON *v)
{
	if (cJSON_IsArray(v)) {
		for (cJSON *e = v->child; e; e = e->next)
			sort_keys(e);
		return;
	}
	if (!cJSON_IsObject(v))
		return;
	/* insertion sort of the child list */
	cJSON *sorted = NULL;
	cJSON *e = v->child;
	while (e != NULL) {
		cJSON *next = e->next;
		sort_keys(e);
		cJSON **pp = &sorted;
		while (*pp != NULL && strcmp((*pp)->string, e->string) < 0)
			pp = &(*pp)->next;
		e->next = *pp;
		*pp = e;
		e = next;
	}
	cJSON *prev = NULL;
	for (e = sorted; e; e = e->next) {
		e->prev = prev;
		prev = e;
	}
	if (sorted != NULL)
		sorted->prev = prev;	/* cJSON keeps the tail in child->prev */
	v->child = sorted;
}

cJSON *
lh_user_from_api(const cJSON *row, const cJSON *ref)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *id = jget(row, "user_id");
	jput(o, "id", jcopy(id));
	jput(o, "user_id", jcopy(id));
	jput(o, "created_at", jcopy(jget(row, "created_at")));
	jput(o, "updated_at", jcopy(jget(row, "updated_at")));
	const cJSON *spend = jget(row, "spend");
	jput(o, "spend", cJSON_IsNumber(spend) ? jcopy(spend) : cJSON_CreateNumber(0));
	for (const char *const *k = user_args; *k; k++) {
		const cJSON *s = jget(row, *k);
		const cJSON *r = jget(ref, *k);
		cJSON *v = NULL;
		if (strcmp(*k, "metadata") == 0) {
			cJSON *obj = NULL;
			if (cJSON_IsObject(s))
				obj = jcopy(s);
			else if (cJSON_IsString(s))	/* defensively: JSON held as a string */
				obj = cJSON_Parse(s->valuestring);
			if (obj != NULL && !cJSON_IsObject(obj)) {
				cJSON_Delete(obj);
				obj = NULL;
			}
			if (obj == NULL || (obj->child == NULL && jnull(r))) {
				v = cJSON_CreateNull();
			} else {
				sort_keys(obj);
				char *t = cJSON_PrintUnformatted(obj);
				v = cJSON_CreateString(t ? t : "{}");
				free(t);
			}
			cJSON_Delete(obj);
		} else if (strcmp(*k, "models") == 0) {
			v = cJSON_IsArray(s) ? jcopy(s) : cJSON_CreateArray();
		} else {
			v = jcopy(s);
		}
		if (r != NULL && lh_user_same(*k, r, v)) {
			cJSON_Delete(v);
			v = jcopy(r);
		}
		jput(o, *k, v);
	}
	return o;
}

/* Adds the API spelling of attribute k's value v to body. */
static void
api_field(cJSON *body, const char *k, const cJSON *v)
{
	if (strcmp(k, "user_role") == 0 && cJSON_IsString(v)) {
		jput(body, k, cJSON_CreateString(role_native(v->valuestring)));
	} else if (strcmp(k, "budget_duration") == 0 && cJSON_IsString(v)) {
		const char *d = v->valuestring;
		if (strcmp(d, "daily") == 0)
			d = "1d";
		else if (strcmp(d, "weekly") == 0)
			d = "7d";
		else if (strcmp(d, "monthly") == 0)
			d = "30d";
		jput(body, k, cJSON_CreateString(d));
	} else if (strcmp(k, "max_budget") == 0) {
		if (jnull(v) || (cJSON_IsNumber(v) && v->valuedouble == 0)) {
			jput(body, k, cJSON_CreateNull());
		} else {
			/* floats go out with a decimal point: 10.0 */
			char buf[64];
			double d = v->valuedouble;
			if (d == (double)(long long)d && d > -1e15 && d < 1e15) {
				snprintf(buf, sizeof buf, "%.1f", d);
			} else {
				for (int p = 1; p <= 17; p++) {
					snprintf(buf, sizeof buf, "%.*g", p, d);
					if (strtod(buf, NULL) == d)
						break;
				}
				if (strpbrk(buf, ".eEn") == NULL)
					strcat(buf, ".0");
			}
			jput(body, k, cJSON_CreateRaw(buf));
		}
	} else if (strcmp(k, "metadata") == 0) {
		cJSON *obj = cJSON_IsString(v) ? cJSON_Parse(v->valuestring) : NULL;
		jput(body, k, obj && cJSON_IsObject(obj) ? obj : cJSON_CreateObject());
		if (obj && !cJSON_IsObject(obj))
			cJSON_Delete(obj);
	} else if ((strcmp(k, "tpm_limit") == 0 || strcmp(k, "rpm_limit") == 0) &&
	    cJSON_IsNumber(v)) {
		char buf[32];
		snprintf(buf, sizeof buf, "%.0f", v->valuedouble);
		jput(body, k, cJSON_CreateRaw(buf));
	} else {
		jput(body, k, jcopy(v));
	}
}

static char *
print_body(cJSON *b)
{
	char *s = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	if (s == NULL)
		abort();
	return s;
}

char *
lh_user_create_body(const cJSON *after, const char *user_id)
{
	cJSON *b = cJSON_CreateObject();
	jput(b, "user_id", cJSON_CreateString(user_id));
	for (const char *const *k = user_args; *k; k++) {
		const cJSON *v = jget(after, *k);
		if (jnull(v))
			continue;
		api_field(b, *k, v);
	}
	jput(b, "auto_create_key", cJSON_CreateFalse());
	return print_body(b);
}

char *
lh_user_update_body(const char *user_id, const cJSON *before, const cJSON *after,
    int *nchanged)
{
	cJSON *b = cJSON_CreateObject();
	int n = 0;
	jput(b, "user_id", cJSON_CreateString(user_id));
	for (const char *const *k = user_args; *k; k++) {
		const cJSON *v = jget(after, *k), *o = jget(before, *k);
		if (lh_user_same(*k, v, o))
			continue;
		if (jnull(v) && strcmp(*k, "max_budget") != 0)
			continue;	/* the API cannot clear it; lh_user_check reports that */
		api_field(b, *k, v);
		n++;
	}
	if (nchanged)
		*nchanged = n;
	return print_body(b);
}

const char *
lh_user_check(const cJSON *after, const cJSON *got, const cJSON *before)
{
	for (const char *const *k = user_args; *k; k++) {
		const cJSON *v = jget(after, *k);
		if (before == NULL && jnull(v))
			continue;
		if (before != NULL && lh_user_same(*k, v, jget(before, *k)))
			continue;
		if (!lh_user_same(*k, v, jget(got, *k)))
			return *k;
	}
	return NULL;
}

/* ---- the operations ---- */

enum { ST_MAIN, ST_READBACK, ST_CONFLICT, ST_UNCERTAIN, ST_PRECHECK, ST_DUPCHECK };

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *
xstrdup(const char *s)
{
	char *c = strdup(s ? s : "");
	if (c == NULL)
		abort();
	return c;
}

static char *
xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *
xprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

static void
fail(lh_user_op *op, const char *summary, char *detail)
{
	op->ok = false;
	free(op->summary);
	free(op->detail);
	op->summary = xstrdup(summary);
	op->detail = detail;
	op->done(op, op->ctx);
}

static void
succeed(lh_user_op *op)
{
	op->ok = true;
	op->done(op, op->ctx);
}

static void on_resp(lh_http *h, lh_http_resp *r, void *ctx);

static bool
send_info(lh_http *h, lh_user_op *op, int stage)
{
	lh_http_param q = {"user_id", op->id};
	lh_http_req req = {.method = "GET", .path = "/user/info", .query = &q, .nquery = 1,
	    .done = on_resp, .ctx = op};
	op->stage = stage;
	return lh_http_submit(h, &req);
}

static bool
send_update(lh_http *h, lh_user_op *op)
{
	int n = 0;
	char *body = lh_user_update_body(op->id, op->before, op->after, &n);
	lh_http_req req = {.method = "POST", .path = "/user/update", .body = body,
	    .done = on_resp, .ctx = op};
	op->stage = ST_MAIN;
	bool ok = lh_http_submit(h, &req);
	free(body);
	return ok;
}

static const char *
op_verb(const lh_user_op *op)
{
	switch (op->kind) {
	case LH_USER_READ: return "reading";
	case LH_USER_CREATE: return "creating";
	case LH_USER_UPDATE: return "updating";
	case LH_USER_DELETE: return "deleting";
	}
	return "handling";
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
		const cJSON *ui = jget(r->json, "user_info");
		return cJSON_IsObject(ui) && !cJSON_IsString(jget(ui, "user_id"));
	}
	if (r->result != LH_HTTP_STATUS || r->status != 404)
		return false;
	return cJSON_IsObject(jget(r->json, "error")) || cJSON_IsObject(jget(r->json, "detail"));
}

static void
http_fail(lh_user_op *op, const lh_http_resp *r)
{
	if (r->result == LH_HTTP_CANCELLED)
		op->cancelled = true;
	char s[256];
	snprintf(s, sizeof s, "Error %s %s", op_verb(op), op->addr ? op->addr : "litellm_user");
	if (r->result == LH_HTTP_STATUS && r->status == 404 && !user_absent(r))
		fail(op, s, xprintf("%s\nThe server does not know this route: check that "
		    "api_base (LITELLM_API_BASE) is the LiteLLM proxy's base URL.",
		    r->error ? r->error : "404 Not Found"));
	else
		fail(op, s, xstrdup(r->error ? r->error : "request failed"));
}

/* True when an info answer names an existing user; sets *row. */
static bool
info_exists(const lh_http_resp *r, const cJSON **row)
{
	if (r->result != LH_HTTP_OK)
		return false;
	const cJSON *ui = jget(r->json, "user_info");
	const cJSON *id = jget(ui, "user_id");
	if (!cJSON_IsString(id) || id->valuestring[0] == '\0')
		return false;
	*row = ui;
	return true;
}

static void
readback(lh_user_op *op, const cJSON *row)
{
	const cJSON *ref = op->kind == LH_USER_READ ? op->ref : op->after;
	cJSON_Delete(op->attrs);
	op->attrs = lh_user_from_api(row, ref);
	if (op->kind == LH_USER_CREATE || op->kind == LH_USER_UPDATE) {
		const char *bad = lh_user_check(op->after, op->attrs,
		    op->kind == LH_USER_UPDATE ? op->before : NULL);
		if (bad != NULL) {
			const cJSON *want = jget(op->after, bad), *got = jget(op->attrs, bad);
			char *w = want ? cJSON_PrintUnformatted(want) : NULL;
			char *g = got ? cJSON_PrintUnformatted(got) : NULL;
			char s[256];
			snprintf(s, sizeof s, "Error %s %s: the server did not apply %s", op_verb(op),
			    op->addr, bad);
			fail(op, s, xprintf("After %s user %s, LiteLLM holds %s = %s although %s "
			    "was requested. LiteLLM cannot change or clear this field this way; "
			    "the state records what the server holds.",
			    op->kind == LH_USER_CREATE ? "creating" : "updating", op->id, bad,
			    g ? g : "null", w ? w : "null"));
			free(w);
			free(g);
			return;
		}
	}
	succeed(op);
}

static void
on_conflict_list(lh_user_op *op, const lh_http_resp *r)
{
	const char *email = cJSON_GetStringValue(jget(op->after, "user_email"));
	const char *found = NULL;
	const cJSON *u;
	cJSON_ArrayForEach(u, jget(r->json, "users")) {
		const char *e = cJSON_GetStringValue(jget(u, "user_email"));
		if (e != NULL && email != NULL && strcasecmp(e, email) == 0) {
			found = cJSON_GetStringValue(jget(u, "user_id"));
			break;
		}
	}
	const char *cfg_id = cJSON_GetStringValue(jget(op->after, "user_id"));
	if (found == NULL && cfg_id != NULL)
		found = cfg_id;
	char s[256];
	snprintf(s, sizeof s, "Error creating %s: user already exists", op->addr);
	if (found != NULL)
		fail(op, s, xprintf("LiteLLM already has a user with %s%s (user_id \"%s\"). To "
		    "manage that user with litehcl, import it:\n  litehcl import %s %s",
		    email ? "email " : "this id", email ? email : "", found, op->addr, found));
	else
		fail(op, s, xprintf("LiteLLM refused the new user as a duplicate of an existing "
		    "one (email %s), which could not be found with GET /user/list. Find its "
		    "user_id and import it: litehcl import %s USER_ID", email ? email : "?",
		    op->addr));
}

/* A create was refused because the email or id is taken: find who has it, for the
 * message with the import command. */
static void
send_conflict_list(lh_http *h, lh_user_op *op, const lh_http_resp *r)
{
	const char *email = cJSON_GetStringValue(jget(op->after, "user_email"));
	lh_http_param q[4] = {{"user_email", email ? email : ""},
	    {"page_size", "100"}, {"sort_by", "user_id"}, {"sort_order", "asc"}};
	lh_http_req req = {.method = "GET", .path = "/user/list", .query = q,
	    .nquery = 4, .done = on_resp, .ctx = op};
	op->stage = ST_CONFLICT;
	if (!lh_http_submit(h, &req))
		http_fail(op, r);
}

static void
on_resp(lh_http *h, lh_http_resp *r, void *ctx)
{
	lh_user_op *op = ctx;
	const cJSON *row = NULL;
	switch (op->stage) {
	case ST_READBACK:
		if (info_exists(r, &row)) {
			readback(op, row);
		} else if (op->kind == LH_USER_CREATE && op->attrs != NULL) {
			/* The user was created (POST answered 200) but could not be read back
			 * (interrupted, or the read failed): record what the create answered so
			 * it is never lost; the next refresh completes it. */
			succeed(op);
		} else if (user_absent(r)) {
			if (op->kind == LH_USER_READ) {
				op->gone = true;
				succeed(op);
			} else {
				char s[256];
				snprintf(s, sizeof s, "Error %s %s", op_verb(op), op->addr);
				fail(op, s, xprintf("The server accepted the change but GET /user/info "
				    "does not find user %s afterwards.", op->id));
			}
		} else {
			http_fail(op, r);
		}
		return;
	case ST_UNCERTAIN:
		/* A create whose answer was lost: did it happen? */
		if (info_exists(r, &row)) {
			readback(op, row);
		} else if (!user_absent(r)) {
			http_fail(op, r);	/* still unknown: the journal intent stays */
		} else {
			op->maybe_created = false;
			char s[256];
			snprintf(s, sizeof s, "Error creating %s", op->addr);
			fail(op, s, xprintf("The create request failed in a way that may or may not "
			    "have reached the server, and user %s does not exist now. Run apply "
			    "again.", op->id));
		}
		return;
	case ST_CONFLICT:
		on_conflict_list(op, r);
		return;
	case ST_DUPCHECK:
		if (info_exists(r, &row))
			readback(op, row);
		else
			send_conflict_list(h, op, r);
		return;
	case ST_PRECHECK:
		if (info_exists(r, &row)) {
			if (!send_update(h, op))
				http_fail(op, r);
		} else if (user_absent(r)) {
			char s[256];
			snprintf(s, sizeof s, "Error updating %s", op->addr ? op->addr : "litellm_user");
			fail(op, s, xprintf("User %s was deleted outside litehcl after the plan was "
			    "made, so it was not updated (LiteLLM's update would re-create it "
			    "without its email). Run plan again: it will plan to create the user.",
			    op->id));
		} else {
			http_fail(op, r);
		}
		return;
	default:
		break;
	}
	/* ST_MAIN */
	switch (op->kind) {
	case LH_USER_READ:
		if (info_exists(r, &row))
			readback(op, row);
		else if (user_absent(r)) {
			op->gone = true;
			succeed(op);
		} else
			http_fail(op, r);
		return;
	case LH_USER_CREATE:
		if (r->result == LH_HTTP_OK) {
			cJSON *row = cJSON_IsObject(r->json) ? cJSON_Duplicate(r->json, 1) :
			    cJSON_CreateObject();
			if (!cJSON_IsString(jget(row, "user_id"))) {
				cJSON_DeleteItemFromObjectCaseSensitive(row, "user_id");
				jput(row, "user_id", cJSON_CreateString(op->id));
			}
			/* the create answer's timestamps are the key's, not the user's */
			cJSON_DeleteItemFromObjectCaseSensitive(row, "created_at");
			cJSON_DeleteItemFromObjectCaseSensitive(row, "updated_at");
			cJSON_Delete(op->attrs);
			op->attrs = lh_user_from_api(row, op->after);
			cJSON_Delete(row);
			if (!send_info(h, op, ST_READBACK))
				succeed(op);
		} else if (r->result == LH_HTTP_UNCERTAIN) {
			op->maybe_created = true;
			if (!send_info(h, op, ST_UNCERTAIN))
				http_fail(op, r);
		} else if (r->result == LH_HTTP_STATUS && (r->status == 409 ||
		    (r->status == 400 && r->body != NULL && strstr(r->body, "already exists")))) {
			/* The id is ours (a UUID litehcl chose, or the configured one): if a user
			 * with it exists, it is this create landing twice - an earlier run's
			 * request the server finished after that run died, retried with the
			 * same id.  Adopt it rather than report a conflict. */
			if (!op->own_id)
				send_conflict_list(h, op, r);
			else if (!send_info(h, op, ST_DUPCHECK))
				http_fail(op, r);
		} else {
			http_fail(op, r);
		}
		return;
	case LH_USER_UPDATE:
		if (r->result == LH_HTTP_OK) {
			if (!send_info(h, op, ST_READBACK))
				http_fail(op, r);
		} else {
			http_fail(op, r);
		}
		return;
	case LH_USER_DELETE:
		if (r->result == LH_HTTP_OK) {
			succeed(op);
		} else if (user_absent(r)) {
			op->gone = true;
			succeed(op);
		} else {
			http_fail(op, r);
		}
		return;
	}
}

bool
lh_user_submit(lh_http *h, lh_user_op *op)
{
	op->started = now_s();
	op->ok = op->gone = op->cancelled = op->maybe_created = false;
	op->stage = ST_MAIN;
	switch (op->kind) {
	case LH_USER_READ:
		return send_info(h, op, ST_MAIN);
	case LH_USER_CREATE: {
		char *body = lh_user_create_body(op->after, op->id);
		lh_http_req req = {.method = "POST", .path = "/user/new", .body = body,
		    .non_idempotent = true, .done = on_resp, .ctx = op};
		bool ok = lh_http_submit(h, &req);
		free(body);
		return ok;
	}
	case LH_USER_UPDATE:
		/* POST /user/update is an upsert: sent for a user deleted since the plan
		 * was made it would create an email-less ghost.  Check first. */
		return send_info(h, op, ST_PRECHECK);
	case LH_USER_DELETE: {
		cJSON *b = cJSON_CreateObject(), *ids = cJSON_CreateArray();
		cJSON_AddItemToArray(ids, cJSON_CreateString(op->id));
		jput(b, "user_ids", ids);
		char *body = print_body(b);
		lh_http_req req = {.method = "POST", .path = "/user/delete", .body = body,
		    .done = on_resp, .ctx = op};
		bool ok = lh_http_submit(h, &req);
		free(body);
		return ok;
	}
	}
	return false;
}

void
lh_user_op_clear(lh_user_op *op)
{
	cJSON_Delete(op->attrs);
	free(op->summary);
	free(op->detail);
	op->attrs = NULL;
	op->summary = op->detail = NULL;
}
