/* schema.c - the registry of resource types (resource.h) and what the types share:
 * lookups, the generic read-back and kept-value check, the comparisons, API
 * spellings and validators several types use (budgets, limits, durations, emails,
 * JSON metadata).  Adding a resource type: one file res_NAME.c that defines an
 * lh_rtype, and its name in RESOURCE_TYPES below. */
#include "schema.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "func.h"
#include "http.h"
#include "json_arena.h"
#include "plan.h"
#include "vars.h"

/* ---- the registry: one line per type ---- */
#define RESOURCE_TYPES(X) X(lh_res_user) X(lh_res_team) X(lh_res_team_member)

#define DECLARE(t) extern const lh_rtype t;
RESOURCE_TYPES(DECLARE)
#define ENTRY(t) &t,
static const lh_rtype *const all[] = {RESOURCE_TYPES(ENTRY) NULL};
#define NAME(t) NULL,
static const char *type_names[] = {RESOURCE_TYPES(NAME) NULL};

const lh_rtype *const *
lh_rtypes(void)
{
	return all;
}

const lh_rtype *
lh_rtype_find(const char *name)
{
	for (size_t i = 0; all[i] != NULL; i++)
		if (strcmp(all[i]->type_name, name) == 0)
			return all[i];
	return NULL;
}

typedef struct rnames {
	const lh_rtype *rt;
	const char **names;
	struct rnames *next;
} rnames;

static _Atomic(rnames *) all_names;
static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;

const char *const *
lh_rtype_names(const lh_rtype *rt)
{
	for (rnames *m = atomic_load_explicit(&all_names, memory_order_acquire); m != NULL;
	    m = m->next)
		if (m->rt == rt)
			return m->names;
	pthread_mutex_lock(&names_lock);
	rnames *m = atomic_load_explicit(&all_names, memory_order_acquire);
	while (m != NULL && m->rt != rt)
		m = m->next;
	if (m == NULL) {
		m = calloc(1, sizeof *m);
		const char **names = calloc(rt->n + 1, sizeof *names);
		if (m == NULL || names == NULL)
			abort();
		for (size_t k = 0; k < rt->n; k++) {
			const char *ik = lh_intern(rt->attrs[k].name);
			names[k] = ik != NULL ? ik : rt->attrs[k].name;
		}
		m->rt = rt;
		m->names = names;
		m->next = atomic_load_explicit(&all_names, memory_order_relaxed);
		atomic_store_explicit(&all_names, m, memory_order_release);
	}
	pthread_mutex_unlock(&names_lock);
	return m->names;
}

size_t
lh_rtype_index(const lh_rtype *rt)
{
	for (size_t i = 0; all[i] != NULL; i++)
		if (all[i] == rt)
			return i;
	return 0;
}

const char *
lh_rtype_list_text(void)
{
	static char text[512];
	if (text[0] == '\0') {
		size_t n = 0;
		while (all[n] != NULL)
			n++;
		for (size_t i = 0; i < n; i++) {
			const char *sep = i == 0 ? "" : i + 1 == n ? " and " : ", ";
			size_t len = strlen(text);
			snprintf(text + len, sizeof text - len, "%s%s", sep, all[i]->type_name);
		}
	}
	return text;
}

const char *
lh_rtype_data_list_text(void)
{
	static char text[512];
	if (text[0] == '\0') {
		size_t n = 0;
		const lh_rtype *ds[LH_RTYPE_MAX];
		for (size_t i = 0; all[i] != NULL; i++)
			if (all[i]->data_keys != NULL && n < LH_RTYPE_MAX)
				ds[n++] = all[i];
		for (size_t i = 0; i < n; i++) {
			const char *sep = i == 0 ? "" : i + 1 == n ? " and " : ", ";
			size_t len = strlen(text);
			snprintf(text + len, sizeof text - len, "%s%s", sep, ds[i]->type_name);
		}
	}
	return text;
}

const lh_schema *
lh_schema_find(const char *type_name)
{
	return lh_rtype_find(type_name);
}

const char *const *
lh_schema_types(void)
{
	for (size_t i = 0; all[i] != NULL; i++)
		type_names[i] = all[i]->type_name;
	return type_names;
}

const lh_attr *
lh_rtype_attr(const lh_rtype *rt, const char *name)
{
	for (size_t i = 0; i < rt->n; i++)
		if (strcmp(rt->attrs[i].name, name) == 0)
			return &rt->attrs[i];
	return NULL;
}

const lh_attr *
lh_schema_attr(const lh_schema *s, const char *name)
{
	return lh_rtype_attr(s, name);
}

const char *const *
lh_schema_arg_names(lh_arena *a, const lh_schema *s)
{
	const char **names = lh_arena_alloc(a, (s->n + 1) * sizeof *names);
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->attrs[i].mode != LH_ATTR_COMPUTED)
			names[k++] = s->attrs[i].name;
	names[k] = NULL;
	return names;
}

bool
lh_attr_same(const lh_attr *at, const cJSON *c, const cJSON *s)
{
	if (lh_json_equal(c, s))
		return true;
	return at != NULL && at->same != NULL && at->same(c, s);
}

cJSON *
lh_attr_to_api(const lh_attr *at, const cJSON *v)
{
	if (at != NULL && at->to_api != NULL && !lh_jnull(v))
		return at->to_api(v);
	return lh_jcopy(v);
}

/* ---- cJSON helpers ---- */

const cJSON *
lh_j(const cJSON *o, const char *k)
{
	/* cJSON_GetObjectItemCaseSensitive, with each key's first byte compared before
	 * strcmp is called: an answer's row has some forty keys, a refresh looks up
	 * thousands */
	if (!cJSON_IsObject(o) || k == NULL)
		return NULL;
	for (const cJSON *c = o->child; c != NULL; c = c->next)
		if (c->string != NULL && c->string[0] == k[0] && strcmp(c->string, k) == 0)
			return c;
	return NULL;
}

const char *
lh_js(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(lh_j(o, k));
}

bool
lh_jnull(const cJSON *v)
{
	return v == NULL || cJSON_IsNull(v);
}

void
lh_jput(cJSON *o, const char *k, cJSON *v)
{
	if (v == NULL || !cJSON_AddItemToObject(o, k, v)) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
}

cJSON *
lh_jcopy(const cJSON *v)
{
	cJSON *c = v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();
	if (c == NULL)
		abort();
	return c;
}

char *
lh_jtext(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s == NULL)
		abort();
	return s;
}

void
lh_json_sort_keys(cJSON *v)
{
	if (cJSON_IsArray(v)) {
		for (cJSON *e = v->child; e; e = e->next)
			lh_json_sort_keys(e);
		return;
	}
	if (!cJSON_IsObject(v))
		return;
	cJSON *sorted = NULL;	/* insertion sort of the child list */
	cJSON *e = v->child;
	while (e != NULL) {
		cJSON *next = e->next;
		lh_json_sort_keys(e);
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

/* Whether o's members are strings under keys in strictly ascending order: o is then
 * its own sorted copy, printed as it is (a refresh of 10,000 users' metadata: no copy,
 * sort and exact-number printing each). */
static bool
plain_sorted(const cJSON *o)
{
	for (const cJSON *c = o->child; c != NULL; c = c->next)
		if ((c->type & 0xFF) != cJSON_String || c->string == NULL ||
		    (c->next != NULL && (c->next->string == NULL || strcmp(c->string, c->next->string) >= 0)))
			return false;
	return true;
}

cJSON *
lh_metadata_state(const cJSON *s)
{
	cJSON *obj = NULL;
	if (cJSON_IsObject(s) && s->child == NULL)
		return cJSON_CreateString("{}");	/* (as printed below) */
	if (cJSON_IsObject(s) && plain_sorted(s)) {
		char *t = cJSON_PrintUnformatted(s);
		if (t != NULL) {
			cJSON *v = cJSON_CreateString(t);
			free(t);
			return v;
		}
	}
	if (cJSON_IsObject(s))
		obj = lh_jcopy(s);
	else if (cJSON_IsString(s))	/* defensively: JSON held as a string */
		obj = lh_cjson_parse(s->valuestring, strlen(s->valuestring), NULL);
	if (obj == NULL || !cJSON_IsObject(obj)) {
		cJSON_Delete(obj);
		return cJSON_CreateNull();
	}
	lh_json_sort_keys(obj);
	char *t = lh_cjson_print(obj);	/* numbers exactly */
	cJSON_Delete(obj);
	cJSON *v = cJSON_CreateString(t ? t : "{}");
	free(t);
	return v;
}

/* ---- operations ---- */

double
lh_rop_clock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
rop_start(void *p)
{
	lh_rop_started(p);
}

/* op is done (or was never queued): no longer counted as running. */
static void
rop_inactive(lh_rop *op)
{
	if (op->active && op->rc != NULL) {
		op->active = false;
		op->rc->active[lh_rtype_index(op->rt)]--;
		if (op->rt->finished != NULL)
			op->rt->finished(op);
	}
}

size_t
lh_rctx_active(const lh_rctx *rc, const lh_rtype *rt)
{
	return rc->active[lh_rtype_index(rt)];
}

bool
lh_rop_submit(lh_rctx *rc, lh_rop *op)
{
	op->rc = rc;
	op->started = lh_rop_clock();
	op->ok = op->gone = op->same = op->cancelled = op->maybe_created = op->resend = false;
	op->stage = 0;
	rop_inactive(op);
	op->active = true;
	rc->active[lh_rtype_index(op->rt)]++;
	bool ok;
	if (op->on_start == NULL || rc->http == NULL) {
		ok = op->rt->submit(op);
	} else {
		op->start_seen = false;
		lh_http_owner save;
		lh_http_owner_begin(rc->http, &save, op, rop_start);
		ok = op->rt->submit(op);
		if (lh_http_owner_end(rc->http, &save) == 0)
			lh_rop_started(op);	/* nothing of its own queued (it waits in
						 * the type's queue, or is already done):
						 * started now */
	}
	if (!ok)
		rop_inactive(op);	/* done is not called */
	return ok;
}

void
lh_rop_started(lh_rop *op)
{
	if (op->on_start != NULL && !op->start_seen) {
		op->start_seen = true;
		op->on_start(op);
	}
}

void
lh_rop_clear(lh_rop *op)
{
	if (op->rt != NULL && op->rt->clear != NULL)
		op->rt->clear(op);
	op->priv = NULL;
	cJSON_Delete(op->attrs);
	free(op->summary);
	free(op->detail);
	free(op->note);
	op->attrs = NULL;
	op->summary = op->detail = op->note = NULL;
}

void *
lh_rop_priv(lh_rop *op, size_t size)
{
	if (op->priv == NULL) {
		op->priv = calloc(1, size);
		if (op->priv == NULL)
			abort();
	}
	return op->priv;
}

void *
lh_rctx_slot(lh_rctx *rc, const lh_rtype *rt, size_t size)
{
	size_t i = lh_rtype_index(rt);
	if (rc->priv[i] == NULL) {
		rc->priv[i] = calloc(1, size);
		if (rc->priv[i] == NULL)
			abort();
	}
	return rc->priv[i];
}

void
lh_rctx_clear(lh_rctx *rc)
{
	for (size_t i = 0; all[i] != NULL && i < LH_RTYPE_MAX; i++) {
		if (rc->priv[i] != NULL && all[i]->ctx_free != NULL)
			all[i]->ctx_free(rc->priv[i]);
		rc->priv[i] = NULL;
	}
}

void
lh_rctx_run(lh_rctx *rc)
{
	for (;;) {
		lh_http_run(rc->http);
		bool more = false;
		for (size_t i = 0; all[i] != NULL && i < LH_RTYPE_MAX; i++)
			if (all[i]->flush != NULL && all[i]->flush(rc))
				more = true;
		if (!more)
			return;
	}
}

void
lh_rop_fail(lh_rop *op, const char *summary, char *detail)
{
	op->ok = false;
	free(op->summary);
	free(op->detail);
	op->summary = lh_xstrdup(summary);
	op->detail = detail;
	rop_inactive(op);
	op->done(op, op->ctx);
}

void
lh_rop_succeed(lh_rop *op)
{
	op->ok = true;
	rop_inactive(op);
	op->done(op, op->ctx);
}

const char *
lh_rop_verb(const lh_rop *op)
{
	switch (op->kind) {
	case LH_OP_READ: return "reading";
	case LH_OP_CREATE: return "creating";
	case LH_OP_UPDATE: return "updating";
	case LH_OP_DELETE: return "deleting";
	}
	return "handling";
}

/* What LiteLLM answers each route with, for messages about answers that are not it. */
static const char *
route_want(const char *path)
{
	static const char *const routes[][2] = {
		{"/user/list", "an object with a \"users\" list"},
		{"/user/get_users", "an object with a \"users\" list"},
		{"/user/info", "an object with a \"user_info\" object"},
		{"/user/new", "an object with the new user's \"user_id\""},
		{"/team/info", "an object with a \"team_info\" object for the team asked for"},
		{"/v2/team/list", "an object with a \"teams\" list"},
		{"/team/list", "a list of teams"},
		{NULL, NULL}
	};
	for (size_t i = 0; path != NULL && routes[i][0] != NULL; i++)
		if (strcmp(path, routes[i][0]) == 0)
			return routes[i][1];
	return "the JSON LiteLLM sends for it";
}

char *
lh_answer_shape(const lh_http_resp *r, const char *member)
{
	const cJSON *j = r->json;
	const char *in = "";
	char *owned = NULL;
	if (member != NULL && cJSON_IsObject(j) && lh_j(j, member) != NULL) {
		j = lh_j(j, member);
		in = owned = lh_xprintf("its \"%s\" is ", member);
	}
	char *out;
	if (r->json == NULL)
		out = lh_xstrdup(r->body_len == 0 ? "the answer is empty" : "the answer is not JSON");
	else if (cJSON_IsArray(j))
		out = lh_xprintf("%sa JSON array of %d item%s", in, cJSON_GetArraySize(j),
		    cJSON_GetArraySize(j) == 1 ? "" : "s");
	else if (!cJSON_IsObject(j))
		out = lh_xprintf("%sa JSON %s", in, cJSON_IsString(j) ? "string" : cJSON_IsNumber(j) ?
		    "number" : cJSON_IsBool(j) ? "bool" : "null");
	else if (j->child == NULL)
		out = lh_xprintf("%san empty JSON object", in);
	else {
		/* the keys only: values may hold keys, emails or other personal data */
		lh_arena *a = lh_arena_new();
		char buf[400] = "";
		int k = 0, n = cJSON_GetArraySize(j);
		for (const cJSON *c = j->child; c != NULL && k < 8; c = c->next, k++) {
			char *q = NULL;
			size_t len = strlen(c->string);
			lh_str_go_quote(a, c->string, len > 40 ? 40 : len, &q);
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s%s", k ? ", " : "", q,
			    len > 40 ? "..." : "");
		}
		out = lh_xprintf("%sa JSON object with the key%s %s%s", in, n == 1 ? "" : "s", buf,
		    n > 8 ? lh_arena_printf(a, " and %d more", n - 8) : "");
		lh_arena_free(a);
	}
	free(owned);
	return out;
}

char *
lh_answer_unexpected(const lh_http_resp *r, const char *want, const char *member)
{
	char *shape = lh_answer_shape(r, member);
	char *m = lh_xprintf("%s %s answered %d, but not as LiteLLM does: it should be %s, and %s. "
	    "Check that api_base is the LiteLLM proxy's address and that nothing in between "
	    "rewrites its answers.", r->method ? r->method : "?", r->path ? r->path : "?",
	    r->status ? r->status : 200, want ? want : route_want(r->path), shape);
	free(shape);
	return m;
}

void
lh_rop_http_fail(lh_rop *op, const lh_http_resp *r)
{
	if (r->result == LH_HTTP_CANCELLED)
		op->cancelled = true;
	char s[512];
	snprintf(s, sizeof s, "Error %s %s", lh_rop_verb(op), op->addr ? op->addr : op->rt->type_name);
	/* LiteLLM's own 404s carry {"error":{...}} or {"detail":{...}}; {"detail":"Not
	 * Found"} or an HTML page is an unknown route: a wrong api_base or a proxy */
	bool api404 = cJSON_IsObject(r->json) && (cJSON_IsObject(lh_j(r->json, "error")) ||
	    cJSON_IsObject(lh_j(r->json, "detail")));
	if (r->result == LH_HTTP_STATUS && r->status == 404 && !api404)
		lh_rop_fail(op, s, lh_xprintf("%s\nThe server does not know this route: check that "
		    "api_base (LITELLM_API_BASE) is the LiteLLM proxy's base URL.",
		    r->error ? r->error : "404 Not Found"));
	else if (r->error == NULL && r->result == LH_HTTP_OK)
		lh_rop_fail(op, s, lh_answer_unexpected(r, NULL, NULL));
	else
		lh_rop_fail(op, s, lh_xstrdup(r->error ? r->error : "request failed"));
}

cJSON *
lh_rtype_from_row(const lh_rtype *rt, const cJSON *row, const cJSON *ref)
{
	static const cJSON null = {.type = cJSON_NULL};	/* lh_jcopy(NULL) */
	const char *const *names = lh_rtype_names(rt);
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		abort();
	for (size_t i = 0; i < rt->n; i++) {
		const lh_attr *at = &rt->attrs[i];
		const cJSON *v = lh_j(row, at->name);
		const cJSON *r = lh_j(ref, at->name);
		if (r != NULL && at->mode != LH_ATTR_COMPUTED && lh_attr_same(at, r, v ? v : &null))
			v = r;
		/* one copy, named by the interned name (not a copy of it) when there is one */
		cJSON *c = lh_jcopy(v);
		if (names[i] != at->name ? !cJSON_AddItemToObjectCS(o, names[i], c) :
		    !cJSON_AddItemToObject(o, at->name, c)) {
			fputs("litehcl: out of memory\n", stderr);
			abort();
		}
	}
	return o;
}

/* Whether the row's value of at means ref's item p as lh_rtype_from_row would keep it. */
static bool
row_attr_same(const lh_attr *at, const cJSON *row, const cJSON *ref, const cJSON *p,
    lh_row_value_fn value)
{
	static const cJSON null = {.type = cJSON_NULL};
	cJSON *tmp = NULL;
	const cJSON *v = value(row, ref, at->name, &tmp);
	if (v == NULL)
		v = &null;	/* lh_jcopy(NULL) */
	/* lh_rtype_from_row keeps ref's spelling when it means the same (then it is p
	 * itself: nothing more to compare) */
	bool same = (at->mode != LH_ATTR_COMPUTED && lh_attr_same(at, p, v)) ||
	    ((v->type & 0xff) == (p->type & 0xff) && lh_json_equal(v, p));
	cJSON_Delete(tmp);
	return same;
}

bool
lh_rtype_row_same(const lh_rtype *rt, const cJSON *row, const cJSON *ref, lh_row_value_fn value)
{
	/* ref holds the table's attributes in its order */
	const cJSON *ps[64];
	const cJSON *p = cJSON_IsObject(ref) ? ref->child : NULL;
	if (rt->n > sizeof ps / sizeof ps[0])
		return false;
	const char *const *names = lh_rtype_names(rt);
	for (size_t i = 0; i < rt->n; i++, p = p->next) {
		if (p == NULL || p->string == NULL || (p->string != names[i] &&
		    strcmp(p->string, names[i]) != 0))
			return false;
		ps[i] = p;
	}
	if (p != NULL)
		return false;
	/* what moves on every write (updated_at) first: a team whose memberships changed
	 * is told at once */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < rt->n; i++)
			if (rt->attrs[i].changes == (pass == 0) &&
			    !row_attr_same(&rt->attrs[i], row, ref, ps[i], value))
				return false;
	return true;
}

const char *
lh_rtype_check(const lh_rtype *rt, const cJSON *after, const cJSON *got, const cJSON *before)
{
	for (size_t i = 0; i < rt->n; i++) {
		const lh_attr *at = &rt->attrs[i];
		if (at->mode == LH_ATTR_COMPUTED)
			continue;
		const cJSON *v = lh_j(after, at->name);
		if (v == NULL)
			continue;	/* unknown at plan time, or not part of the plan */
		if (before == NULL && lh_jnull(v))
			continue;
		if (before != NULL && lh_attr_same(at, v, lh_j(before, at->name)))
			continue;
		if (!lh_attr_same(at, v, lh_j(got, at->name)))
			return at->name;
	}
	return NULL;
}

void
lh_rop_fail_kept(lh_rop *op, const char *what, const char *field)
{
	const cJSON *want = lh_j(op->after, field), *got = lh_j(op->attrs, field);
	char *w = want ? lh_cjson_print(want) : NULL;
	char *g = got ? lh_cjson_print(got) : NULL;
	char s[512];
	snprintf(s, sizeof s, "Error %s %s: the server did not apply %s", lh_rop_verb(op),
	    op->addr, field);
	lh_rop_fail(op, s, lh_xprintf("After %s %s %s, LiteLLM holds %s = %s although %s "
	    "was requested. LiteLLM cannot change or clear this field this way; the state "
	    "records what the server holds.", op->kind == LH_OP_CREATE ? "creating" : "updating",
	    what, op->id, field, g ? g : "null", w ? w : "null"));
	free(w);
	free(g);
}

void
lh_rtype_put_api(const lh_rtype *rt, cJSON *body, const char *name, const cJSON *v)
{
	lh_jput(body, name, lh_attr_to_api(lh_rtype_attr(rt, name), v));
}

/* ---- comparisons ---- */

/* Budgets: 0 == null, and numbers as the float64 LiteLLM keeps them (a budget of
 * 0.30000000000000000001 is stored, and read back, as 0.3: the same budget, not a
 * change the server refused). */
bool
lh_same_zero_null(const cJSON *c, const cJSON *s)
{
	bool cz = lh_jnull(c) || (cJSON_IsNumber(c) && c->valuedouble == 0);
	bool sz = lh_jnull(s) || (cJSON_IsNumber(s) && s->valuedouble == 0);
	if (cz || sz)
		return cz && sz;
	if (cJSON_IsNumber(c) && cJSON_IsNumber(s))
		return c->valuedouble == s->valuedouble;
	return lh_json_equal(c, s);
}

bool
lh_same_ci(const cJSON *c, const cJSON *s)
{
	if (!cJSON_IsString(c) || !cJSON_IsString(s))
		return lh_json_equal(c, s);
	return strcasecmp(c->valuestring, s->valuestring) == 0;
}

bool
lh_same_json_text(const cJSON *c, const cJSON *s)
{
	if (!cJSON_IsString(c) || !cJSON_IsString(s))
		return lh_json_equal(c, s);
	/* numbers exactly: an id 12345678901234567890 is not ...891 */
	cJSON *a = lh_cjson_parse(c->valuestring, strlen(c->valuestring), NULL);
	cJSON *b = lh_cjson_parse(s->valuestring, strlen(s->valuestring), NULL);
	bool eq = a != NULL && b != NULL && lh_json_equal(a, b);
	cJSON_Delete(a);
	cJSON_Delete(b);
	return eq;
}

static bool
in_list(const cJSON *x, const cJSON *list)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, list)
		if (lh_json_equal(x, e))
			return true;
	return false;
}

bool
lh_same_set(const cJSON *c, const cJSON *s)
{
	/* an absent list and an empty one are the same set */
	bool ce = lh_jnull(c) || (cJSON_IsArray(c) && c->child == NULL);
	bool se = lh_jnull(s) || (cJSON_IsArray(s) && s->child == NULL);
	if (ce || se)
		return ce && se;
	if (!cJSON_IsArray(c) || !cJSON_IsArray(s))
		return lh_json_equal(c, s);
	const cJSON *e;
	cJSON_ArrayForEach(e, c)
		if (!in_list(e, s))
			return false;
	cJSON_ArrayForEach(e, s)
		if (!in_list(e, c))
			return false;
	return true;
}

/* ---- API spellings ---- */

cJSON *
lh_api_zero_null(const cJSON *v)
{
	if (!cJSON_IsNumber(v))
		return lh_jcopy(v);
	double d = v->valuedouble;
	if (d == 0)
		return cJSON_CreateNull();
	/* floats go out with a decimal point: 10.0 */
	char buf[64];
	if (d > -1e15 && d < 1e15 && d == (double)(long long)d) {
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
	return cJSON_CreateRaw(buf);
}

/* A whole number exactly (9007199254740993 is not rounded to a float64's
 * 9007199254740992; -0 goes out as 0). */
cJSON *
lh_api_whole(const cJSON *v)
{
	if (!cJSON_IsNumber(v))
		return lh_jcopy(v);
	char buf[32];
	lh_arena *a = lh_arena_new();
	lh_number n;
	int64_t i;
	if (lh_cjson_number(a, v, &n) && lh_number_to_int64(n, &i))
		snprintf(buf, sizeof buf, "%lld", (long long)i);
	else
		snprintf(buf, sizeof buf, "%.0f", v->valuedouble);
	lh_arena_free(a);
	return cJSON_CreateRaw(buf);
}

/* Number nodes of j that carry an exact text (lh_cjson_parse) become raw nodes holding
 * it, so that a request body prints 12345678901234567890, not 1.2345678901234567e+19. */
static void
exact_numbers(cJSON *j)
{
	for (cJSON *c = j != NULL ? j->child : NULL; c != NULL; c = c->next) {
		if (cJSON_IsNumber(c) && c->valuestring != NULL) {
			lh_arena *a = lh_arena_new();
			cJSON *r = cJSON_CreateRaw(lh_cjson_number_text(a, c));
			lh_arena_free(a);
			if (r == NULL)
				abort();
			if (c->string != NULL)
				r->string = lh_xstrdup(c->string);	/* the member's name */
			if (!cJSON_ReplaceItemViaPointer(j, c, r))
				abort();
			c = r;
		} else {
			exact_numbers(c);
		}
	}
}

cJSON *
lh_api_json_object(const cJSON *v)
{
	cJSON *obj = cJSON_IsString(v) ?
	    lh_cjson_parse(v->valuestring, strlen(v->valuestring), NULL) : NULL;
	if (obj != NULL && cJSON_IsObject(obj)) {
		exact_numbers(obj);
		return obj;
	}
	cJSON_Delete(obj);
	return cJSON_CreateObject();
}

/* ---- durations ---- */

const char *
lh_duration_api(const char *dur)
{
	if (strcmp(dur, "daily") == 0)
		return "1d";
	if (strcmp(dur, "weekly") == 0)
		return "7d";
	if (strcmp(dur, "monthly") == 0)
		return "30d";
	if (strcmp(dur, "yearly") == 0)
		return "365d";
	return dur;
}

const char *
lh_duration_canon(const char *dur)
{
	dur = lh_duration_api(dur);
	if (strcmp(dur, "1w") == 0)
		return "7d";
	if (strcmp(dur, "1mo") == 0)
		return "30d";
	return dur;
}

long long
lh_duration_seconds(const char *dur)
{
	dur = lh_duration_api(dur);
	if (strcmp(dur, "1mo") == 0)
		return 30LL * 86400;
	if (dur[0] < '1' || dur[0] > '9')
		return -1;
	long long n = 0;
	const char *p = dur;
	while (*p >= '0' && *p <= '9') {
		if (n > 1000000000000LL)
			return -1;
		n = n * 10 + (*p++ - '0');
	}
	if (p[0] == '\0' || p[1] != '\0')
		return -1;
	switch (p[0]) {
	case 's': return n;
	case 'm': return n * 60;
	case 'h': return n * 3600;
	case 'd': return n * 86400;
	case 'w': return n * 7 * 86400;
	default: return -1;
	}
}

static const char *
check_duration_common(lh_arena *a, const lh_value *v, bool yearly)
{
	const char *s = v->u.str.s;
	if (strcmp(s, "daily") == 0 || strcmp(s, "weekly") == 0 || strcmp(s, "monthly") == 0 ||
	    (yearly && strcmp(s, "yearly") == 0) ||
	    (strcmp(s, "yearly") != 0 && lh_duration_seconds(s) > 0))
		return NULL;
	return lh_arena_printf(a, "The budget duration \"%s\" is not valid. Use \"daily\", \"weekly\", \"monthly\"%s, or a number followed by s, m, h, d or w (\"30s\", \"12h\", \"7d\", \"2w\"), or \"1mo\".",
	    s, yearly ? ", \"yearly\"" : "");
}

const char *
lh_check_duration(lh_arena *a, const lh_value *v)
{
	return check_duration_common(a, v, false);
}

const char *
lh_check_duration_yearly(lh_arena *a, const lh_value *v)
{
	return check_duration_common(a, v, true);
}

bool
lh_same_duration(const cJSON *c, const cJSON *s)
{
	if (!cJSON_IsString(c) || !cJSON_IsString(s))
		return lh_json_equal(c, s);
	return strcmp(lh_duration_canon(c->valuestring), lh_duration_canon(s->valuestring)) == 0;
}

cJSON *
lh_api_duration(const cJSON *v)
{
	if (!cJSON_IsString(v))
		return lh_jcopy(v);
	return cJSON_CreateString(lh_duration_api(v->valuestring));
}

/* ---- validators ---- */

/* ---- text: characters that have no place in an id, an address or a name ---- */

/* The code point at s[0..n) and its length in *len; -1 (length 1) for a byte that
 * does not start valid UTF-8.  UTF-8-encoded surrogates (ED A0 80 ...) decode to the
 * surrogate, so that they can be named. */
static long
utf8_next(const unsigned char *s, size_t n, size_t *len)
{
	unsigned c = s[0];
	*len = 1;
	if (c < 0x80)
		return c;
	size_t need;
	uint32_t cp, min;
	if (c >= 0xC2 && c <= 0xDF)
		need = 1, cp = c & 0x1F, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 2, cp = c & 0x0F, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 3, cp = c & 0x07, min = 0x10000;
	else
		return -1;
	if (need >= n)
		return -1;
	for (size_t i = 1; i <= need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF)
		return -1;
	*len = need + 1;
	return (long)cp;
}

static const char *
char_name(uint32_t cp)
{
	switch (cp) {
	case 0x00: return " NULL";
	case 0x09: return " CHARACTER TABULATION (a tab)";
	case 0x0A: return " LINE FEED (a newline)";
	case 0x0D: return " CARRIAGE RETURN";
	case 0x7F: return " DELETE";
	case 0x061C: return " ARABIC LETTER MARK";
	case 0x200B: return " ZERO WIDTH SPACE";
	case 0x200C: return " ZERO WIDTH NON-JOINER";
	case 0x200D: return " ZERO WIDTH JOINER";
	case 0x200E: return " LEFT-TO-RIGHT MARK";
	case 0x200F: return " RIGHT-TO-LEFT MARK";
	case 0x202A: return " LEFT-TO-RIGHT EMBEDDING";
	case 0x202B: return " RIGHT-TO-LEFT EMBEDDING";
	case 0x202C: return " POP DIRECTIONAL FORMATTING";
	case 0x202D: return " LEFT-TO-RIGHT OVERRIDE";
	case 0x202E: return " RIGHT-TO-LEFT OVERRIDE";
	case 0x2060: return " WORD JOINER";
	case 0x2066: return " LEFT-TO-RIGHT ISOLATE";
	case 0x2067: return " RIGHT-TO-LEFT ISOLATE";
	case 0x2068: return " FIRST STRONG ISOLATE";
	case 0x2069: return " POP DIRECTIONAL ISOLATE";
	case 0xFEFF: return " ZERO WIDTH NO-BREAK SPACE (a byte order mark)";
	default: return "";
	}
}

/* Why code point cp has no place in text of this kind, or NULL.  Names (aliases)
 * may hold the invisible joiners and bidirectional marks that some scripts and emoji
 * need; ids and email addresses may not. */
static const char *
char_problem(uint32_t cp, lh_text_kind kind)
{
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return "half of a UTF-16 surrogate pair, which is not a character (text converted badly from UTF-16)";
	if (cp == 0)
		return "a NUL character, which ends text in LiteLLM's database and would cut it short";
	if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
		return "a control character";
	if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
		return "a bidirectional control character, which makes the text display in another order than it has";
	if (kind == LH_TEXT_NAME)
		return NULL;
	if (cp == 0x200E || cp == 0x200F || cp == 0x061C)
		return "an invisible bidirectional mark";
	if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF)
		return "an invisible character";
	return NULL;
}

const char *
lh_check_text(lh_arena *a, const char *what, const char *s, size_t n, lh_text_kind kind)
{
	size_t pos = 1, i = 0;
	/* printable ASCII, never a problem, eight bytes at a time: none below 0x20,
	 * none 0x7F or above (ids, emails and names are mostly that) */
	for (; i + 8 <= n; i += 8, pos += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
		if ((((w - 0x20 * ones) & ~w) | ((w + ones) | w)) & highs)
			break;
	}
	for (; i < n; pos++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7F) {	/* printable ASCII: never a problem */
			i++;
			continue;
		}
		size_t len;
		long cp = utf8_next((const unsigned char *)s + i, n - i, &len);
		if (cp < 0)
			return lh_arena_printf(a, "%s contains the byte 0x%02X at character %zu, which is not UTF-8 text.",
			    what, (unsigned char)s[i], pos);
		const char *why = char_problem((uint32_t)cp, kind);
		if (why != NULL)
			return lh_arena_printf(a, "%s contains U+%04lX%s at character %zu: %s. Remove it.",
			    what, cp, char_name((uint32_t)cp), pos, why);
		i += len;
	}
	return NULL;
}

const char *
lh_check_name(lh_arena *a, const lh_value *v)
{
	return lh_check_text(a, "The alias", v->u.str.s, v->u.str.len, LH_TEXT_NAME);
}

const char *
lh_check_email(lh_arena *a, const lh_value *v)
{
	const char *s = v->u.str.s;
	size_t n = v->u.str.len;
	const char *bad = lh_check_text(a, "The email address", s, n, LH_TEXT_STRICT);
	if (bad != NULL)
		return bad;
	const char *at = memchr(s, '@', n);
	bool ok = at != NULL && at > s && memchr(at + 1, '@', n - (size_t)(at - s) - 1) == NULL;
	if (ok) {
		const char *dot = strrchr(at + 1, '.');
		ok = dot != NULL && dot > at + 1 && dot[1] != '\0';
		for (size_t i = 0; ok && i < n; i++)
			if (isspace((unsigned char)s[i]))
				ok = false;
	}
	if (ok)
		return NULL;
	return lh_arena_printf(a, "\"%s\" is not a valid email address: it must look like name@example.com.", s);
}

/* A number for a message: as Terraform prints it when short, else in e-notation
 * (1e400 is not 401 digits). */
static const char *
num_text(lh_arena *a, lh_number n)
{
	const char *s = lh_number_format(a, n);
	if (strlen(s) <= 24)
		return s;
	return lh_number_text(a, n, 'g', 6);
}

/* Budgets are Python floats and PostgreSQL DOUBLE PRECISION columns in LiteLLM: a
 * number that is not a finite, non-negative float64 - infinite, beyond 1.8e308, or so
 * small that it rounds to 0 (which LiteLLM reads as "no budget") - is refused here
 * rather than sent as inf or 0. */
const char *
lh_check_budget(lh_arena *a, const lh_value *v)
{
	lh_number n = v->u.num;
	double d = lh_number_double(n);
	if (lh_number_is_inf(n) || (n.big == NULL && !n.is_int && isnan(n.d)))
		return lh_arena_printf(a, "The budget must be a finite number, not %s.",
		    lh_number_is_inf(n) ? (d < 0 ? "-infinity" : "infinity") : "NaN");
	if (lh_number_sign(n) < 0)
		return lh_arena_printf(a, "The budget must be zero or more (0 means unlimited), not %s.",
		    num_text(a, n));
	if (isinf(d))
		return lh_arena_printf(a, "The budget %s is too large: LiteLLM keeps budgets as 64-bit floating-point numbers, at most about 1.8e308.",
		    num_text(a, n));
	if (d == 0 && lh_number_sign(n) > 0)
		return lh_arena_printf(a, "The budget %s is too small: as a 64-bit floating-point number (what LiteLLM keeps) it is 0, which means unlimited.",
		    num_text(a, n));
	return NULL;
}

/* tpm/rpm limits are whole numbers in BIGINT columns: 0 to 2^63-1. */
const char *
lh_check_limit(lh_arena *a, const lh_value *v)
{
	lh_number n = v->u.num;
	if (lh_number_is_inf(n) || (n.big == NULL && !n.is_int && isnan(n.d)))
		return lh_arena_printf(a, "The limit must be a whole number, not %s.",
		    lh_number_is_inf(n) ? (lh_number_double(n) < 0 ? "-infinity" : "infinity") : "NaN");
	if (!lh_number_is_integer(n))
		return lh_arena_printf(a, "The limit must be a whole number, not %s.", num_text(a, n));
	if (lh_number_sign(n) < 0)
		return lh_arena_printf(a, "The limit must be zero or more, not %s.", num_text(a, n));
	int64_t i;
	if (!lh_number_to_int64(n, &i))
		return lh_arena_printf(a, "The limit %s is too large: LiteLLM keeps limits as 64-bit integers, at most 9223372036854775807.",
		    num_text(a, n));
	return NULL;
}

/* 1-based character position of byte offset off in s. */
static size_t
char_pos(const char *s, size_t off)
{
	size_t pos = 1;
	for (size_t i = 0; i < off; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			pos++;
	return pos;
}

/* Up to 20 characters of s from byte off, quoted for a message. */
static const char *
excerpt(lh_arena *a, const char *s, size_t n, size_t off)
{
	size_t e = off, k = 0;
	while (e < n && k < 20) {
		e++;
		while (e < n && ((unsigned char)s[e] & 0xC0) == 0x80)
			e++;
		k++;
	}
	char *q = NULL;
	lh_str_go_quote(a, s + off, e - off, &q);
	return e < n ? lh_arena_printf(a, "%s...", q) : q;
}

/* The first \u0000 escape inside a JSON string of s (cJSON would cut the string
 * there), as a byte offset, or -1. */
static long
json_nul_escape(const char *s, size_t n)
{
	bool in = false;
	for (size_t i = 0; i < n; i++) {
		if (!in) {
			in = s[i] == '"';
			continue;
		}
		if (s[i] == '"') {
			in = false;
		} else if (s[i] == '\\' && i + 1 < n) {
			if (s[i + 1] == 'u' && i + 5 < n && memcmp(s + i + 2, "0000", 4) == 0)
				return (long)i;
			i++;
		}
	}
	return -1;
}

/* True when s ends inside a string or with an array or object still open. */
static bool
json_unclosed(const char *s, size_t n)
{
	bool in = false;
	long depth = 0;
	for (size_t i = 0; i < n; i++) {
		if (in) {
			if (s[i] == '"')
				in = false;
			else if (s[i] == '\\')
				i++;
		} else if (s[i] == '"') {
			in = true;
		} else if (s[i] == '{' || s[i] == '[') {
			depth++;
		} else if (s[i] == '}' || s[i] == ']') {
			depth--;
		}
	}
	return in || depth > 0;
}

static int
cmp_key(const void *x, const void *y)
{
	return strcmp((*(const cJSON *const *)x)->string, (*(const cJSON *const *)y)->string);
}

/* Whether json_problem has something to say about j: it asks without making a path
 * for every member (a metadata of a few keys is checked in a few hundred
 * instructions, not thousands). */
static bool
json_has_problem(const cJSON *j)
{
	if (cJSON_IsNumber(j))
		return !isfinite(j->valuedouble);
	if (!cJSON_IsObject(j) && !cJSON_IsArray(j))
		return false;
	bool obj = cJSON_IsObject(j);
	size_t n = 0;
	for (const cJSON *c = j->child; c != NULL; c = c->next, n++) {
		if (json_has_problem(c))
			return true;
		/* a key twice: the few keys of the usual metadata compared pairwise, the
		 * members of a big object left to json_problem's sort */
		if (obj && n >= 16)
			return true;
		for (const cJSON *b = obj ? j->child : c; b != c; b = b->next)
			if (strcmp(b->string, c->string) == 0)
				return true;
	}
	return false;
}

/* A key twice in an object of j (at any depth), or a number JSON cannot carry to
 * LiteLLM's database (1e400 reads as infinity): the message, else NULL.  path names
 * where j is ("metadata", "metadata.a", "metadata.list[2]"). */
static const char *
json_problem(lh_arena *a, const cJSON *j, const char *path)
{
	if (cJSON_IsNumber(j) && !isfinite(j->valuedouble))
		return lh_arena_printf(a, "The number at %s is too large for JSON that LiteLLM stores (it reads as infinity).", path);
	if (!cJSON_IsObject(j) && !cJSON_IsArray(j))
		return NULL;
	size_t n = (size_t)cJSON_GetArraySize(j), k = 0;
	if (cJSON_IsObject(j) && n > 1) {
		const cJSON **keys = lh_arena_alloc(a, n * sizeof *keys);
		for (const cJSON *c = j->child; c != NULL; c = c->next)
			keys[k++] = c;
		qsort(keys, k, sizeof *keys, cmp_key);
		for (size_t i = 1; i < k; i++)
			if (strcmp(keys[i - 1]->string, keys[i]->string) == 0) {
				char *q = NULL;
				lh_str_go_quote(a, keys[i]->string, strlen(keys[i]->string), &q);
				return lh_arena_printf(a, "The metadata has the key %s twice%s%s: programs reading it disagree on which value counts (LiteLLM would keep the last). Keep one.",
				    q, strcmp(path, "metadata") == 0 ? "" : " in ", strcmp(path, "metadata") == 0 ? "" : path);
			}
	}
	size_t i = 0;
	for (const cJSON *c = j->child; c != NULL; c = c->next, i++) {
		const char *sub = cJSON_IsObject(j) ? lh_arena_printf(a, "%s.%s", path, c->string) :
		    lh_arena_printf(a, "%s[%zu]", path, i);
		const char *bad = json_problem(a, c, sub);
		if (bad != NULL)
			return bad;
	}
	return NULL;
}

/* metadata: exactly one JSON object - no text after it, no key twice, no NUL - or a
 * message that says what is wrong and where (character positions in the string). */
const char *
lh_check_json_object(lh_arena *a, const lh_value *v)
{
	static const char hint[] = "It must be a JSON object encoded as a string, for example jsonencode({ team = \"backend\" }).";
	const char *s = v->u.str.s;
	size_t n = v->u.str.len;
	const char *end = NULL;
	/* The quick parser reads what cJSON reads (fuzz_state checks it), without a
	 * malloc a node: 10,000 metadata 23 M instructions less.  What it leaves (and a
	 * text with a byte order mark, to be sure of the position cJSON gives) goes to
	 * cJSON, whose messages are the ones below. */
	static _Thread_local lh_jscratch *sc;
	cJSON *j = NULL;
	bool quick = false;
	if (!(n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)) {
		if (sc == NULL)
			sc = lh_jscratch_new();
		lh_jscratch_reset(sc);
		j = lh_json_parse_quick(NULL, sc, s, n, &end);
		quick = j != NULL;
	}
	if (j == NULL)
		j = cJSON_ParseWithLengthOpts(s, n, &end, false);
	if (j == NULL) {
		if (lh_json_too_deep(s, n))
			return lh_arena_printf(a, "The metadata nests arrays and objects deeper than %d levels. %s",
			    LH_JSON_MAX_DEPTH, hint);
		const char *at = cJSON_GetErrorPtr();
		size_t off = at != NULL && at >= s && at <= s + n ? (size_t)(at - s) : 0;
		while (off < n && isspace((unsigned char)s[off]))
			off++;
		if (off >= n || json_unclosed(s, n))
			return lh_arena_printf(a, "The metadata is not valid JSON: it ends before its %s. %s",
			    n == 0 || off >= n ? "value (it is empty)" : "strings, arrays and objects are closed", hint);
		return lh_arena_printf(a, "The metadata is not valid JSON: it goes wrong at character %zu (%s). %s",
		    char_pos(s, off), excerpt(a, s, n, off), hint);
	}
	const char *msg = NULL;
	size_t off = (size_t)(end - s);
	while (off < n && isspace((unsigned char)s[off]))
		off++;
	long nul = json_nul_escape(s, n);
	if (!cJSON_IsObject(j))
		msg = lh_arena_printf(a, "The metadata is JSON but not an object (it is %s). %s",
		    cJSON_IsArray(j) ? "an array" : cJSON_IsString(j) ? "a string" :
		    cJSON_IsNumber(j) ? "a number" : cJSON_IsBool(j) ? "a bool" : "null", hint);
	else if (off < n)
		msg = lh_arena_printf(a, "The metadata has text after its JSON object ends, at character %zu (%s). %s",
		    char_pos(s, off), excerpt(a, s, n, off), hint);
	else if (nul >= 0)
		msg = lh_arena_printf(a, "The metadata contains \\u0000 (NULL) in a string at character %zu: LiteLLM's database cannot store it. Remove it.",
		    char_pos(s, (size_t)nul));
	else if (json_has_problem(j))
		msg = json_problem(a, j, "metadata");
	if (!quick) {
		cJSON_Delete(j);
	} else if (lh_jscratch_used(sc) > ((size_t)1 << 20)) {
		lh_jscratch_free(sc);	/* (a big one's memory is not kept) */
		sc = NULL;
	}
	return msg;
}

/* The public provider takes metadata as a map: accept it and keep the JSON string. */
lh_value *
lh_accept_json_object(lh_arena *a, lh_value *v)
{
	if (lh_val_is_null(v) || (v->type->kind != LH_TY_OBJECT && v->type->kind != LH_TY_MAP))
		return v;
	lh_func_ctx c = {.a = a, .err_arg = -1};
	lh_value *args[] = {v};
	lh_value *s = lh_func_call(&c, "jsonencode", args, 1);
	return s ? s : v;
}

/* A client-chosen id: LiteLLM would make an id-less object of an empty one, and
 * surrounding spaces or control characters are never what was meant. */
const char *
lh_check_chosen_id(lh_arena *a, const lh_value *v, const char *what, const char *empty)
{
	const char *s = v->u.str.s;
	size_t n = v->u.str.len;
	if (n == 0)
		return empty;
	if (s[0] == ' ' || s[n - 1] == ' ')
		return lh_arena_printf(a, "The %s id must not start or end with a space.", what);
	return lh_check_text(a, lh_arena_printf(a, "The %s id", what), s, n, LH_TEXT_STRICT);
}

/* ---- listing every object (adopt) ---- */

lh_found *
lh_found_alloc(size_t n)
{
	lh_found *v = calloc(n + 1, sizeof *v);
	if (v == NULL)
		abort();
	return v;
}

void
lh_found_free(lh_found *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++) {
		free(v[i].id);
		free(v[i].name);
		free(v[i].comment);
		cJSON_Delete(v[i].attrs);
	}
	free(v);
}

typedef struct page {
	lh_diags *d;
	cJSON *rows;		/* where this page's rows go (array) */
	const char *key;	/* "users" / "teams" */
	int total;		/* total_pages of the answer (1 when absent) */
} page;

static void
page_done(lh_http *h, lh_http_resp *r, void *ctx)
{
	(void)h;
	page *pg = ctx;
	const cJSON *arr = lh_j(r->json, pg->key);
	if (r->result != LH_HTTP_OK || !cJSON_IsArray(arr)) {
		lh_diag_add(pg->d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot list the server's objects",
		    "%s", r->error ? r->error : "the answer has no list of objects");
		return;
	}
	const cJSON *tp = lh_j(r->json, "total_pages");
	pg->total = cJSON_IsNumber(tp) ? tp->valueint : 1;
	const cJSON *e;
	cJSON_ArrayForEach(e, arr)
		cJSON_AddItemToArray(pg->rows, cJSON_Duplicate(e, 1));
}

cJSON *
lh_list_pages(lh_rctx *rc, lh_diags *d, const char *path, const char *key,
    const char *sort_by, bool *missing)
{
	if (missing != NULL)
		*missing = false;
	int errs = d->errors;
	/* a stable order (by id), so that pages neither overlap nor skip rows */
	lh_http_param q[4] = {{"page", "1"}, {"page_size", "100"}, {"sort_by", sort_by},
	    {"sort_order", "asc"}};
	lh_http_req req = {.method = "GET", .path = path, .query = q, .nquery = 4};
	lh_http_resp r;
	lh_http_do(rc->http, &req, &r);
	if (missing != NULL && r.result == LH_HTTP_STATUS && r.status == 404) {
		*missing = true;
		lh_http_resp_clear(&r);
		return NULL;
	}
	page first = {d, cJSON_CreateArray(), key, 1};
	page_done(rc->http, &r, &first);
	lh_http_resp_clear(&r);
	cJSON *rows = first.rows;
	int pages = first.total;
	if (d->errors > errs || pages < 2)
		goto out;
	/* later pages: each into its own array, appended in page order */
	page *pgs = calloc((size_t)pages, sizeof *pgs);
	char (*nums)[16] = calloc((size_t)pages, sizeof *nums);
	if (pgs == NULL || nums == NULL)
		abort();
	for (int p = 2; p <= pages; p++) {
		pgs[p - 1] = (page){d, cJSON_CreateArray(), key, 1};
		snprintf(nums[p - 1], sizeof nums[p - 1], "%d", p);
		lh_http_param pq[4] = {{"page", nums[p - 1]}, {"page_size", "100"},
		    {"sort_by", sort_by}, {"sort_order", "asc"}};
		lh_http_req pr = {.method = "GET", .path = path, .query = pq, .nquery = 4,
		    .done = page_done, .ctx = &pgs[p - 1]};
		lh_http_submit(rc->http, &pr);
	}
	lh_http_run(rc->http);
	for (int p = 2; p <= pages; p++) {
		cJSON *part = pgs[p - 1].rows;
		while (part->child != NULL)
			cJSON_AddItemToArray(rows, cJSON_DetachItemViaPointer(part, part->child));
		cJSON_Delete(part);
	}
	free(pgs);
	free(nums);
out:
	if (d->errors > errs) {
		cJSON_Delete(rows);
		return NULL;
	}
	return rows;
}
