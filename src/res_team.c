/* res_team.c - the litellm_team resource type (shared/spec/litellm_team.md part 2),
 * whole: its attribute table (budget durations with "yearly", models and permissions
 * compared as sets, metadata compared without the keys LiteLLM writes itself,
 * organization "" == null, blocked defaulting to false), its lifecycle (POST /team/new
 * with a client-chosen team_id and a read-back plus one corrective update for server
 * defaults, /team/update decided from the row refresh read - a metadata change merged
 * with the server-managed keys of a fresh read -, /team/permissions_update,
 * /team/delete one id per call), import by id or by a unique alias, and the run's
 * cache of GET /team/info answers that memberships (res_member.c) share: one read per
 * team per refresh, and one per team to confirm its memberships' writes. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "addr.h"
#include "hash.h"
#include "config.h"
#include "diag.h"
#include "http.h"
#include "plan.h"
#include "schema.h"

extern const lh_rtype lh_res_team;

static const lh_type list_string = {.kind = LH_TY_LIST, .elem = &lh_type_string};

/* ---- validators and comparisons ---- */

static const char *
check_alias(lh_arena *a, const lh_value *v)
{
	if (v->u.str.len == 0)
		return "The team alias must not be empty.";
	return lh_check_text(a, "The team alias", v->u.str.s, v->u.str.len, LH_TEXT_NAME);
}

static const char *
check_team_id(lh_arena *a, const lh_value *v)
{
	return lh_check_chosen_id(a, v, "team", "The team id must not be empty.");
}

/* LiteLLM's team member permissions are key-management routes; the friendly names
 * are the public provider's. */
static const char *const perm_alias[][2] = {
	{"create_key", "/key/generate"}, {"update_key", "/key/update"},
	{"edit_key", "/key/update"}, {"delete_key", "/key/delete"},
	{"regenerate_key", "/key/regenerate"}, {"view_key", "/key/info"},
	{"key_info", "/key/info"}, {"list_keys", "/key/list"}, {NULL, NULL}
};

static const char *
perm_route(const char *p)
{
	for (size_t i = 0; perm_alias[i][0] != NULL; i++)
		if (strcmp(p, perm_alias[i][0]) == 0)
			return perm_alias[i][1];
	return p;
}

static bool
is_key_route(const char *p)
{
	static const char *const routes[] = {"/key/generate", "/key/update", "/key/delete",
	    "/key/regenerate", "/key/info", "/key/list", "/key/health", "/key/block",
	    "/key/unblock", "/key/service-account/generate", "/key/{key_id}/regenerate",
	    "/key/bulk_update", "/key/reset_spend", NULL};
	p = perm_route(p);
	for (size_t i = 0; routes[i] != NULL; i++)
		if (strcmp(p, routes[i]) == 0)
			return true;
	return false;
}

/* Permissions as a set of routes. */
static cJSON *
perms_api(const cJSON *v)
{
	cJSON *a = cJSON_CreateArray();
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsString(e))
			continue;
		const char *r = perm_route(e->valuestring);
		bool dup = false;
		const cJSON *x;
		cJSON_ArrayForEach(x, a)
			if (strcmp(x->valuestring, r) == 0)
				dup = true;
		if (!dup)
			cJSON_AddItemToArray(a, cJSON_CreateString(r));
	}
	return a;
}

static bool
same_perms(const cJSON *c, const cJSON *s)
{
	cJSON *x = perms_api(c), *y = perms_api(s);
	bool eq = lh_same_set(x, y);
	cJSON_Delete(x);
	cJSON_Delete(y);
	return eq;
}

static bool
same_org(const cJSON *c, const cJSON *s)
{
	bool ce = lh_jnull(c) || (cJSON_IsString(c) && c->valuestring[0] == '\0');
	bool se = lh_jnull(s) || (cJSON_IsString(s) && s->valuestring[0] == '\0');
	if (ce || se)
		return ce && se;
	return lh_json_equal(c, s);
}

/* Keys LiteLLM itself writes into a team's metadata (litellm_team.md 2.4). */
static const char *const server_keys[] = {"team_member_budget_id", "model_rpm_limit",
    "model_tpm_limit", "guardrails", "tags", "enforced_params", "temp_budget_increase",
    "temp_budget_expiry", "team_member_key_duration", "prompts", "tpm_limit_type",
    "rpm_limit_type", NULL};

/* Configured metadata c against the server's s: as JSON objects, ignoring the
 * server-managed keys the configuration does not set itself. */
static bool
same_metadata(const cJSON *c, const cJSON *s)
{
	if (!cJSON_IsString(c) || !cJSON_IsString(s))
		return lh_json_equal(c, s);
	cJSON *x = lh_cjson_parse(c->valuestring, strlen(c->valuestring), NULL);
	cJSON *y = lh_cjson_parse(s->valuestring, strlen(s->valuestring), NULL);
	bool eq = false;
	if (cJSON_IsObject(x) && cJSON_IsObject(y)) {
		for (const char *const *k = server_keys; *k; k++)
			if (cJSON_GetObjectItemCaseSensitive(x, *k) == NULL)
				cJSON_DeleteItemFromObjectCaseSensitive(y, *k);
		eq = lh_json_equal(x, y);
	}
	cJSON_Delete(x);
	cJSON_Delete(y);
	return eq;
}

static cJSON *
api_org(const cJSON *v)
{
	return lh_jcopy(v);	/* "" means no organization; mid/new servers store null */
}

/* ---- the table (sorted by name) ---- */

static const lh_attr team_attrs[] = {
	{.name = "blocked", .type = &lh_type_bool, .mode = LH_ATTR_OPTIONAL,
	 .default_json = "false",
	 .description = "Whether the team is blocked (its keys refused). Default `false`: a team blocked outside litehcl is unblocked."},
	{.name = "budget_duration", .type = &lh_type_string, .mode = LH_ATTR_OPTIONAL,
	 .validate = lh_check_duration_yearly, .same = lh_same_duration, .to_api = lh_api_duration,
	 .description = "Budget reset period: `daily`, `weekly`, `monthly`, `yearly`, or a native duration (`30s`, `12h`, `7d`, `2w`, `1mo`)."},
	{.name = "budget_reset_at", .type = &lh_type_string, .mode = LH_ATTR_COMPUTED,
	 .description = "When the budget resets next."},
	{.name = "created_at", .type = &lh_type_string, .mode = LH_ATTR_COMPUTED,
	 .description = "When the team was created."},
	{.name = "id", .type = &lh_type_string, .mode = LH_ATTR_COMPUTED,
	 .description = "The team's id (= `team_id`)."},
	{.name = "max_budget", .type = &lh_type_number, .mode = LH_ATTR_OPTIONAL,
	 .validate = lh_check_budget, .same = lh_same_zero_null, .to_api = lh_api_zero_null,
	 .description = "Maximum budget in dollars; `0` means unlimited."},
	{.name = "metadata", .type = &lh_type_string, .mode = LH_ATTR_OPTIONAL,
	 .accept = lh_accept_json_object, .validate = lh_check_json_object,
	 .same = same_metadata, .to_api = lh_api_json_object,
	 .description = "A JSON object encoded as a string (`jsonencode({...})`), or a map; keys LiteLLM writes itself (`team_member_budget_id`, `tags`, ...) are kept and never shown as changes."},
	{.name = "models", .type = &list_string, .mode = LH_ATTR_OPTIONAL,
	 .same = lh_same_set,
	 .description = "Model names the team may use, compared as a set (`[]` means all models)."},
	{.name = "organization_id", .type = &lh_type_string, .mode = LH_ATTR_OPTIONAL,
	 .same = same_org, .to_api = api_org,
	 .description = "The organization the team belongs to (it must exist); `\"\"` means none."},
	{.name = "rpm_limit", .type = &lh_type_number, .mode = LH_ATTR_OPTIONAL,
	 .validate = lh_check_limit, .to_api = lh_api_whole,
	 .description = "Requests per minute limit (whole, >= 0)."},
	{.name = "spend", .type = &lh_type_number, .mode = LH_ATTR_COMPUTED,
	 .description = "The team's spend so far, in dollars."},
	{.name = "team_alias", .type = &lh_type_string, .mode = LH_ATTR_REQUIRED,
	 .validate = check_alias,
	 .description = "The team's name. LiteLLM does not require it to be unique; litehcl warns when two blocks share one."},
	{.name = "team_id", .type = &lh_type_string, .mode = LH_ATTR_OPTIONAL, .force_new = true,
	 .validate = check_team_id,
	 .description = "The team id; litehcl chooses a UUID when it is not set. Changing it replaces the team (and its memberships)."},
	{.name = "team_member_permissions", .type = &list_string, .mode = LH_ATTR_OPTIONAL,
	 .same = same_perms, .to_api = perms_api,
	 .description = "Key-management routes team members may call (`/key/generate`, `/key/update`, ...; also `create_key`, `update_key`, `delete_key`, `regenerate_key`, `view_key`, `list_keys`), compared as a set."},
	{.name = "tpm_limit", .type = &lh_type_number, .mode = LH_ATTR_OPTIONAL,
	 .validate = lh_check_limit, .to_api = lh_api_whole,
	 .description = "Tokens per minute limit (whole, >= 0)."},
	{.name = "updated_at", .type = &lh_type_string, .mode = LH_ATTR_COMPUTED, .changes = true,
	 .description = "When the team was last updated."},
};

/* Arguments sent to /team/new and /team/update (permissions go apart). */
static const char *const team_args[] = {"team_alias", "organization_id", "models",
    "metadata", "blocked", "tpm_limit", "rpm_limit", "max_budget", "budget_duration", NULL};

/* ---- the server's row as state attributes ---- */

static cJSON *
from_row(const cJSON *row, const cJSON *ref)
{
	cJSON *n = cJSON_CreateObject();
	const cJSON *id = lh_j(row, "team_id");
	lh_jput(n, "id", lh_jcopy(id));
	lh_jput(n, "team_id", lh_jcopy(id));
	static const char *const plain[] = {"team_alias", "organization_id", "tpm_limit",
	    "rpm_limit", "max_budget", "budget_duration", "created_at", "updated_at",
	    "budget_reset_at", NULL};
	for (const char *const *k = plain; *k; k++)
		lh_jput(n, *k, lh_jcopy(lh_j(row, *k)));
	const cJSON *spend = lh_j(row, "spend");
	lh_jput(n, "spend", cJSON_IsNumber(spend) ? lh_jcopy(spend) : cJSON_CreateNumber(0));
	lh_jput(n, "blocked", cJSON_CreateBool(cJSON_IsTrue(lh_j(row, "blocked"))));
	const cJSON *models = lh_j(row, "models");
	lh_jput(n, "models", cJSON_IsArray(models) ? lh_jcopy(models) : cJSON_CreateArray());
	const cJSON *perms = lh_j(row, "team_member_permissions");
	lh_jput(n, "team_member_permissions", cJSON_IsArray(perms) ? lh_jcopy(perms) :
	    cJSON_CreateArray());
	cJSON *md = lh_metadata_state(lh_j(row, "metadata"));
	if (cJSON_IsString(md) && strcmp(md->valuestring, "{}") == 0 &&
	    lh_jnull(lh_j(ref, "metadata"))) {
		cJSON_Delete(md);
		md = cJSON_CreateNull();
	}
	lh_jput(n, "metadata", md);
	cJSON *o = lh_rtype_from_row(&lh_res_team, n, ref);
	cJSON_Delete(n);
	return o;
}

/* The attribute name of from_row(row, ref)'s intermediate object (NULL: none); *tmp
 * holds what had to be made (lh_rtype_row_same frees it). */
static const cJSON *
row_value(const cJSON *row, const cJSON *ref, const char *name, cJSON **tmp)
{
	static const cJSON zero = {.type = cJSON_Number}, empty = {.type = cJSON_Array};
	static const cJSON yes = {.type = cJSON_True}, no = {.type = cJSON_False};
	*tmp = NULL;
	/* by the first byte, then one comparison: called for every attribute of every
	 * team a refresh reads */
	switch (name[0]) {
	case 'i':
	case 't':
		if (strcmp(name, "id") == 0 || strcmp(name, "team_id") == 0)
			return lh_j(row, "team_id");
		if (strcmp(name, "team_member_permissions") == 0)
			goto list;
		break;
	case 's':
		if (strcmp(name, "spend") == 0) {
			const cJSON *spend = lh_j(row, "spend");
			return cJSON_IsNumber(spend) ? spend : &zero;
		}
		break;
	case 'b':
		if (strcmp(name, "blocked") == 0)
			return cJSON_IsTrue(lh_j(row, "blocked")) ? &yes : &no;
		break;
	case 'm':
		if (strcmp(name, "models") == 0)
			goto list;
		if (strcmp(name, "metadata") == 0) {
			*tmp = lh_metadata_state(lh_j(row, "metadata"));
			if (cJSON_IsString(*tmp) && strcmp((*tmp)->valuestring, "{}") == 0 &&
			    lh_jnull(lh_j(ref, "metadata")))
				return NULL;	/* null */
			return *tmp;
		}
		break;
	}
	return lh_j(row, name);	/* the plain ones */
list: {
	const cJSON *l = lh_j(row, name);
	return cJSON_IsArray(l) ? l : &empty;
}
}

static bool
row_same(const cJSON *row, const cJSON *ref)
{
	return lh_rtype_row_same(&lh_res_team, row, ref, row_value);
}

/* Exposed for tests/unit/team_api.c. */
cJSON *lh_team_from_api(const cJSON *row, const cJSON *ref);
bool lh_team_row_same(const cJSON *row, const cJSON *ref);
cJSON *
lh_team_from_api(const cJSON *row, const cJSON *ref)
{
	return from_row(row, ref);
}

bool
lh_team_row_same(const cJSON *row, const cJSON *ref)
{
	return row_same(row, ref);
}

/* ---- the run's /team/info cache (shared with res_member.c) ----
 * Refresh reads each team once and every membership of it reuses the answer; a write
 * asks for a fresh read, whose answer replaces the cached one. */

typedef void (*lh_team_info_fn)(void *ctx, const lh_http_resp *r, const cJSON *info);

typedef struct waiter {
	lh_team_info_fn fn;
	void *ctx;
	struct waiter *next;
} waiter;

typedef struct wchunk {
	waiter w[64];
	struct wchunk *next;
} wchunk;

typedef struct tinfo {
	lh_rctx *rc;
	char *team_id;
	bool pending, done;
	int tries;		/* 404s seen: a 404 is confirmed once before "gone" */
	lh_http_resp resp;	/* the answer (json, error owned here) */
	const cJSON *row;	/* its team row (lh_team_row), or NULL */
	void *memo;		/* a reader's digest of the answer (lh_team_info_memo) */
	void (*memo_drop)(void *);
	waiter *waiters;
	/* Writes on the team's row in this run (its own, its memberships'): each moves
	 * the server's updated_at, so what the state holds of the team is the server's
	 * only as read after the last of them (team_settle). */
	bool wrote;		/* another type's write went out in this run (the team's
				 * own ops record what they read back themselves) */
	int writes;		/* writes in flight */
	bool moved;		/* a write went out since the last read that followed every
				 * write (resp may not show it) */
	bool covering;		/* the read in flight went out with no write in flight,
				 * and none went out since */
	uint64_t hash;		/* of team_id (the index's) */
	struct tinfo *next, *prev;	/* the cache's list, most recently asked first */
} tinfo;

typedef struct tcache {
	tinfo *head;
	tinfo **slots;		/* the entries by team_id (open addressing, at most half
				 * full): a refresh's 2,000 memberships find their team's
				 * entry without walking the list */
	size_t cap, n;
	waiter *spare;		/* waiters done with, for the next ones */
	struct wchunk *chunks;	/* every waiter's memory */
	size_t nfresh;		/* chunks' first one's waiters never used */
	lh_arena *answers;	/* the answers' trees (json_arena.h: parsed without a malloc
				 * per node, read-only), freed with the cache */
	cJSON *listed;		/* every team's row (lh_team_list), or NULL */
} tcache;

static tcache *
cache_of(lh_rctx *rc)
{
	return lh_rctx_slot(rc, &lh_res_team, sizeof(tcache));
}

/* Frees an answer kept by the cache (its tree is the cache's arena's). */
static void
resp_free(lh_http_resp *r)
{
	free((char *)r->error);
	memset(r, 0, sizeof *r);
}

/* Forgets t's answer and what was derived from it. */
static void
answer_free(tinfo *t)
{
	if (t->memo != NULL)
		t->memo_drop(t->memo);
	t->memo = NULL;
	t->row = NULL;
	resp_free(&t->resp);
}

static void
cache_free(void *p)
{
	tcache *c = p;
	for (tinfo *t = c->head; t != NULL;) {
		tinfo *next = t->next;
		answer_free(t);
		free(t->team_id);
		free(t);
		t = next;
	}
	for (wchunk *k = c->chunks; k != NULL;) {
		wchunk *next = k->next;
		free(k);
		k = next;
	}
	free(c->slots);
	cJSON_Delete(c->listed);
	if (c->answers != NULL)
		lh_arena_free(c->answers);
	free(c);
}

/* True when an answer says the team does not exist: LiteLLM's own 404 (a JSON object
 * with "error" or "detail"), never a route-level 404. */
bool lh_team_absent(const lh_http_resp *r);
bool
lh_team_absent(const lh_http_resp *r)
{
	if (r->result != LH_HTTP_STATUS || r->status != 404 || !cJSON_IsObject(r->json))
		return false;
	return cJSON_IsObject(lh_j(r->json, "error")) || cJSON_IsObject(lh_j(r->json, "detail"));
}

/* The team row of an answer when it is the team asked for, else NULL. */
const cJSON *lh_team_row(const lh_http_resp *r, const char *team_id);
const cJSON *
lh_team_row(const lh_http_resp *r, const char *team_id)
{
	if (r->result != LH_HTTP_OK)
		return NULL;
	const cJSON *ti = lh_j(r->json, "team_info");
	const char *id = lh_js(ti, "team_id");
	return id != NULL && strcmp(id, team_id) == 0 ? ti : NULL;
}

/* A refresh confirms a 404 with one more read this long after it (a read replica may
 * lag behind a write; shared/spec/litellm_team.md 2.5). */
#define CONFIRM_404_S 1.0
/* After a write, a 404 is read again after 0.2, 0.4, 0.8, 1.6 s (the replica catching
 * up), as long as the waits since the first 404 stay within this budget. */
#define LAG_FIRST_S 0.2
#define LAG_BUDGET_S 3.5

static double
mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void info_send(tinfo *t, double delay);

static void
info_done(lh_http *h, lh_http_resp *r, void *ctx)
{
	(void)h;
	tinfo *t = ctx;
	if (lh_team_absent(r) && t->tries++ == 0 && !lh_http_stopped(t->rc->http)) {
		/* confirm a 404 once, a moment later: a read replica may lag behind */
		info_send(t, CONFIRM_404_S);
		return;
	}
	answer_free(t);
	if (t->covering && lh_team_row(r, t->team_id) != NULL)
		t->moved = false;	/* it shows every write made so far */
	t->covering = false;
	t->resp.result = r->result;
	t->resp.status = r->status;
	t->resp.json = r->json;
	r->json = NULL;
	t->resp.error = r->error ? lh_xstrdup(r->error) : NULL;
	t->resp.method = "GET";
	t->resp.path = "/team/info";
	t->row = lh_team_row(&t->resp, t->team_id);
	t->pending = false;
	t->done = true;
	waiter *w = t->waiters;
	t->waiters = NULL;
	tcache *c = cache_of(t->rc);
	while (w != NULL) {
		waiter *next = w->next;
		w->fn(w->ctx, &t->resp, t->row);
		w->next = c->spare;
		c->spare = w;
		w = next;
	}
}

static void
info_send(tinfo *t, double delay)
{
	lh_http_param q = {"team_id", t->team_id};
	tcache *c = cache_of(t->rc);
	if (c->answers == NULL)
		c->answers = lh_arena_new();
	lh_http_req req = {.method = "GET", .path = "/team/info", .query = &q, .nquery = 1,
	    .delay_s = delay, .json_arena = c->answers, .done = info_done, .ctx = t};
	t->pending = true;
	t->covering = t->writes == 0;
	lh_http_submit(t->rc->http, &req);
}

static void
slot_put(tcache *c, tinfo *t)
{
	size_t i = (size_t)t->hash & (c->cap - 1);
	while (c->slots[i] != NULL)
		i = (i + 1) & (c->cap - 1);
	c->slots[i] = t;
}

/* team_id's entry of the cache, moved to the front (the order in which team_settle
 * meets them), made on first use. */
static tinfo *
tinfo_of(lh_rctx *rc, const char *team_id)
{
	tcache *c = cache_of(rc);
	if (c->head != NULL && strcmp(c->head->team_id, team_id) == 0)
		return c->head;	/* (a team's memberships ask one after the other) */
	size_t len = strlen(team_id);
	uint64_t h = lh_hash_bytes(team_id, len);
	tinfo *t = NULL;
	for (size_t i = c->cap ? (size_t)h & (c->cap - 1) : 0; c->cap > 0 && c->slots[i] != NULL;
	    i = (i + 1) & (c->cap - 1))
		if (c->slots[i]->hash == h && strcmp(c->slots[i]->team_id, team_id) == 0) {
			t = c->slots[i];
			break;
		}
	if (t != NULL && t != c->head) {
		/* to the front */
		t->prev->next = t->next;
		if (t->next != NULL)
			t->next->prev = t->prev;
		t->prev = NULL;
		t->next = c->head;
		c->head->prev = t;
		c->head = t;
	}
	if (t == NULL) {
		if (2 * (c->n + 1) > c->cap) {
			size_t cap = c->cap ? 2 * c->cap : 64;
			free(c->slots);
			c->slots = calloc(cap, sizeof *c->slots);
			if (c->slots == NULL)
				abort();
			c->cap = cap;
			for (tinfo *e = c->head; e != NULL; e = e->next)
				slot_put(c, e);
		}
		t = calloc(1, sizeof *t);
		if (t == NULL)
			abort();
		t->team_id = lh_xstrdup(team_id);
		t->hash = h;
		t->rc = rc;
		t->next = c->head;
		if (c->head != NULL)
			c->head->prev = t;
		c->head = t;
		c->n++;
		slot_put(c, t);
	}
	return t;
}

/* lh_team_info, where a fresh read not already under way starts delay seconds from now
 * (a re-read after a write answered 404: the replica catching up). */
static void
team_info_after(lh_rctx *rc, const char *team_id, bool fresh, double delay, lh_team_info_fn fn,
    void *ctx)
{
	tinfo *t = tinfo_of(rc, team_id);
	if (t->done && !fresh && !t->pending &&
	    (t->resp.result == LH_HTTP_OK || lh_team_absent(&t->resp))) {
		/* answered already in this run */
		fn(ctx, &t->resp, t->row);
		return;
	}
	tcache *c = cache_of(rc);
	waiter *w = c->spare;
	if (w != NULL) {
		c->spare = w->next;
	} else {
		/* made 64 at a time: a refresh queues 2,100 */
		if (c->nfresh == 0) {
			wchunk *k = malloc(sizeof *k);
			if (k == NULL)
				abort();
			k->next = c->chunks;
			c->chunks = k;
			c->nfresh = sizeof k->w / sizeof k->w[0];
		}
		w = &c->chunks->w[--c->nfresh];
	}
	w->fn = fn;
	w->ctx = ctx;
	w->next = t->waiters;
	t->waiters = w;
	if (!t->pending) {
		t->tries = fresh ? 1 : 0;	/* after a write a 404 is final */
		info_send(t, delay);
	}
}

/* Calls fn(ctx, answer, team row or NULL) with GET /team/info?team_id=team_id: the
 * answer already read in this run unless fresh (a write needs the current roster).
 * fn is called from inside lh_http_run. */
void lh_team_info(lh_rctx *rc, const char *team_id, bool fresh, lh_team_info_fn fn, void *ctx);
void
lh_team_info(lh_rctx *rc, const char *team_id, bool fresh, lh_team_info_fn fn, void *ctx)
{
	team_info_after(rc, team_id, fresh, 0, fn, ctx);
}

/* A write on team_id's row goes out: a read in flight may not show it.  own: the
 * team's op (it records what it reads back itself); else another type's (a roster
 * write of res_member.c), after which team_settle gives the team's state the server's
 * values.  lh_team_write_end when it is answered (whatever the outcome: a failed
 * write may have landed). */
void lh_team_write_begin(lh_rctx *rc, const char *team_id);
void lh_team_write_end(lh_rctx *rc, const char *team_id);

static void
write_begin(lh_rctx *rc, const char *team_id, bool own)
{
	tinfo *t = tinfo_of(rc, team_id);
	t->wrote |= !own;
	t->moved = true;
	t->covering = false;
	t->writes++;
}

void
lh_team_write_begin(lh_rctx *rc, const char *team_id)
{
	write_begin(rc, team_id, false);
}

void
lh_team_write_end(lh_rctx *rc, const char *team_id)
{
	tinfo *t = tinfo_of(rc, team_id);
	if (t->writes > 0)
		t->writes--;
}

static void
settle_read(void *ctx, const lh_http_resp *r, const cJSON *row)
{
	(void)ctx;
	(void)r;
	(void)row;	/* the cache keeps the answer; team_settle reads it there */
}

/* The teams written in this run (memberships' roster writes move updated_at after the
 * team's own op recorded it) get the server's values in the state: from the read that
 * followed their last write, else from one read each now. */
static void
team_settle(lh_rctx *rc, const cJSON *(*have)(void *ctx, const char *id),
    void (*take)(void *ctx, const char *id, cJSON *attrs), void *ctx)
{
	tcache *c = cache_of(rc);
	size_t n = 0, k = 0;
	for (tinfo *t = c->head; t != NULL; t = t->next)
		n += t->wrote && t->moved && !t->pending;
	tinfo **reread = calloc(n + 1, sizeof *reread);
	if (reread == NULL)
		abort();
	for (tinfo *t = c->head; t != NULL; t = t->next)
		if (t->wrote && t->moved && !t->pending && have(ctx, t->team_id) != NULL)
			reread[k++] = t;
	/* through the cache (which reorders its list), so the answer is each one's resp */
	for (size_t i = 0; i < k && !lh_http_stopped(rc->http); i++)
		lh_team_info(rc, reread[i]->team_id, true, settle_read, NULL);
	free(reread);
	if (k > 0)
		lh_rctx_run(rc);
	for (tinfo *t = c->head; t != NULL; t = t->next) {
		if (!t->wrote || t->moved)
			continue;
		t->wrote = false;
		const cJSON *row = t->row;
		const cJSON *h = row != NULL ? have(ctx, t->team_id) : NULL;
		if (h != NULL && !row_same(row, h))
			take(ctx, t->team_id, from_row(row, h));
	}
}

/* What make(answer body) returns for the /team/info answer r (one a lh_team_info
 * callback was given), made on the first call and kept - and dropped with drop - as long
 * as the answer is: the memberships of a team index its roster once, not once each. */
void *lh_team_info_memo(const lh_http_resp *r, void *(*make)(const cJSON *body),
    void (*drop)(void *));
void *
lh_team_info_memo(const lh_http_resp *r, void *(*make)(const cJSON *body), void (*drop)(void *))
{
	tinfo *t = (tinfo *)((char *)r - offsetof(tinfo, resp));
	if (t->memo == NULL) {
		t->memo = make(r->json);
		t->memo_drop = drop;
	}
	return t->memo;
}

/* ---- request bodies ---- */

/* metadata to send: the desired object plus the server-managed keys of cur (the
 * server's current metadata object), which LiteLLM would otherwise lose. */
static cJSON *
metadata_body(const cJSON *want, const cJSON *cur)
{
	cJSON *o = lh_api_json_object(want);
	for (const char *const *k = server_keys; *k; k++) {
		const cJSON *v = lh_j(cur, *k);
		if (v != NULL && cJSON_GetObjectItemCaseSensitive(o, *k) == NULL)
			lh_jput(o, *k, lh_jcopy(v));
	}
	return o;
}

char *lh_team_create_body(const cJSON *after, const char *team_id);
char *
lh_team_create_body(const cJSON *after, const char *team_id)
{
	cJSON *b = cJSON_CreateObject();
	lh_jput(b, "team_id", cJSON_CreateString(team_id));
	for (const char *const *k = team_args; *k; k++) {
		const cJSON *v = lh_j(after, *k);
		if (!lh_jnull(v))
			lh_rtype_put_api(&lh_res_team, b, *k, v);
	}
	const cJSON *p = lh_j(after, "team_member_permissions");
	if (!lh_jnull(p))
		lh_rtype_put_api(&lh_res_team, b, "team_member_permissions", p);
	return lh_jtext(b);
}

/* POST /team/update: team_id plus every argument of after that differs by meaning
 * from have (the server's view); metadata merged with cur_md's server keys.  NULL
 * when nothing but the permissions differ. */
static char *
update_body(const char *team_id, const cJSON *have, const cJSON *after, const cJSON *cur_md)
{
	cJSON *b = cJSON_CreateObject();
	int n = 0;
	lh_jput(b, "team_id", cJSON_CreateString(team_id));
	for (const char *const *k = team_args; *k; k++) {
		const cJSON *v = lh_j(after, *k);
		if (v == NULL || lh_attr_same(lh_rtype_attr(&lh_res_team, *k), v, lh_j(have, *k)))
			continue;
		if (lh_jnull(v)) {
			/* null clears a nullable column; never for models, metadata, blocked */
			if (strcmp(*k, "models") == 0 || strcmp(*k, "metadata") == 0 ||
			    strcmp(*k, "blocked") == 0)
				continue;
			lh_jput(b, *k, cJSON_CreateNull());
		} else if (strcmp(*k, "metadata") == 0) {
			lh_jput(b, *k, metadata_body(v, cur_md));
		} else {
			lh_rtype_put_api(&lh_res_team, b, *k, v);
		}
		n++;
	}
	if (n == 0) {
		cJSON_Delete(b);
		return NULL;
	}
	return lh_jtext(b);
}

static bool
perms_differ(const cJSON *after, const cJSON *have)
{
	const cJSON *p = lh_j(after, "team_member_permissions");
	return p != NULL && !lh_jnull(p) && !same_perms(p, lh_j(have, "team_member_permissions"));
}

/* ---- the operations ---- */

enum { ST_MAIN, ST_READBACK, ST_PREREAD, ST_UPDATE, ST_PERMS, ST_UNCERTAIN, ST_DUPCHECK,
    ST_FIXUP, ST_LOOKUP_LIST, ST_LOOKUP_OLDLIST, ST_LOOKUP_INFO };

typedef struct tpriv {
	double lag_since;	/* read-back after a write: when the first 404 came, or 0 */
	double lag_delay;	/* ... and the wait before the next read */
	bool fixed;		/* the corrective update after create was sent */
	bool adopted;		/* create found the team already there */
	char *found_id;		/* lookup: the id the alias resolved to */
	bool need_perms;	/* update: permissions differ from the server's */
	int page;
	char *uncertain;	/* create: how its request failed (the answer's words) */
	bool not_api;		/* ... with a page from something in front of LiteLLM */
} tpriv;

static tpriv *
priv(lh_rop *op)
{
	return lh_rop_priv(op, sizeof(tpriv));
}

static void
team_clear(lh_rop *op)
{
	tpriv *p = op->priv;
	if (p != NULL) {
		free(p->found_id);
		free(p->uncertain);
	}
	free(p);
}

static void on_info(void *ctx, const lh_http_resp *r, const cJSON *row);
static void on_resp(lh_http *h, lh_http_resp *r, void *ctx);
static void lookup_alias(lh_rop *op);

static const char *
op_team_id(lh_rop *op)
{
	tpriv *p = op->priv;
	return p != NULL && p->found_id != NULL ? p->found_id : op->id;
}

static void
read_info(lh_rop *op, int stage, bool fresh)
{
	op->stage = stage;
	lh_team_info(op->rc, op_team_id(op), fresh, on_info, op);
}

/* The answer to a write of post: the team's row may have moved. */
static void
on_write(lh_http *h, lh_http_resp *r, void *ctx)
{
	lh_rop *op = ctx;
	lh_team_write_end(op->rc, op->id);
	on_resp(h, r, ctx);
}

static bool
post(lh_rop *op, const char *path, char *body, int stage, bool non_idempotent)
{
	lh_http_req req = {.method = "POST", .path = path, .body = body,
	    .non_idempotent = non_idempotent, .done = on_write, .ctx = op};
	op->stage = stage;
	write_begin(op->rc, op->id, true);
	bool ok = lh_http_submit(op->rc->http, &req);
	if (!ok)
		lh_team_write_end(op->rc, op->id);
	free(body);
	return ok;
}

static void
send_perms(lh_rop *op, const cJSON *after)
{
	cJSON *b = cJSON_CreateObject();
	lh_jput(b, "team_id", cJSON_CreateString(op->id));
	lh_jput(b, "team_member_permissions", perms_api(lh_j(after, "team_member_permissions")));
	post(op, "/team/permissions_update", lh_jtext(b), ST_PERMS, false);
}

/* After create: configured arguments the server holds differently (defaults it
 * injected) get one corrective /team/update; then the read-back must match. */
static void
readback(lh_rop *op, const cJSON *row)
{
	tpriv *p = priv(op);
	const cJSON *ref = op->kind == LH_OP_READ ? op->ref : op->after;
	cJSON_Delete(op->attrs);
	op->attrs = NULL;
	if (op->kind == LH_OP_READ && op->same_ok && ref != NULL && row_same(row, ref)) {
		op->same = true;	/* unchanged (a refresh's usual case): nothing built */
		lh_rop_succeed(op);
		return;
	}
	op->attrs = from_row(row, ref);
	if (op->kind == LH_OP_READ || op->kind == LH_OP_DELETE) {
		lh_rop_succeed(op);
		return;
	}
	const cJSON *before = op->kind == LH_OP_UPDATE ? op->before : NULL;
	const char *bad = lh_rtype_check(&lh_res_team, op->after, op->attrs, before);
	if (bad != NULL && !p->fixed) {
		/* one corrective write: server defaults on create, or an adopted team */
		p->fixed = true;
		char *body = update_body(op->id, op->attrs, op->after, lh_j(row, "metadata"));
		if (body != NULL) {
			post(op, "/team/update", body, ST_FIXUP, false);
			return;
		}
		if (perms_differ(op->after, op->attrs)) {
			send_perms(op, op->after);
			return;
		}
	}
	if (bad != NULL) {
		lh_rop_fail_kept(op, "team", bad);
		return;
	}
	if (p->adopted && op->note == NULL)
		op->note = lh_xstrdup("Team already existed; adopted (an earlier run created it)");
	lh_rop_succeed(op);
}

/* A read-back answered 404: true when another read is worth it (the wait before it in
 * p->lag_delay, doubling from LAG_FIRST_S), false once the waits would pass
 * LAG_BUDGET_S since the first 404, or the run was interrupted. */
static bool
lag_wait(tpriv *p, lh_rctx *rc)
{
	double now = mono_s();
	if (p->lag_since == 0) {
		p->lag_since = now;
		p->lag_delay = LAG_FIRST_S;
	} else {
		p->lag_delay *= 2;
	}
	return !lh_http_stopped(rc->http) && now - p->lag_since + p->lag_delay <= LAG_BUDGET_S;
}

static void
fail_missing(lh_rop *op)
{
	char s[512];
	snprintf(s, sizeof s, "Error %s %s", lh_rop_verb(op), op->addr);
	lh_rop_fail(op, s, lh_xprintf("Team %s does not exist in LiteLLM (it was deleted outside "
	    "litehcl). Run plan again: it will plan to create the team.", op_team_id(op)));
}

static void
on_info(void *ctx, const lh_http_resp *r, const cJSON *row)
{
	lh_rop *op = ctx;
	tpriv *p = priv(op);
	switch (op->stage) {
	case ST_MAIN:		/* read */
		if (row != NULL)
			readback(op, row);
		else if (lh_team_absent(r) && op->lookup && p->found_id == NULL)
			lookup_alias(op);
		else if (lh_team_absent(r)) {
			op->gone = true;
			lh_rop_succeed(op);
		} else
			lh_rop_http_fail(op, r);
		return;
	case ST_READBACK:
		if (row != NULL) {
			readback(op, row);
		} else if (lh_team_absent(r) && lag_wait(p, op->rc)) {
			team_info_after(op->rc, op_team_id(op), true, p->lag_delay, on_info, op);
		} else if (op->kind == LH_OP_CREATE && op->attrs != NULL) {
			/* created: never lose it; the next refresh reads it and plans what differs */
			if (op->note != NULL)
				;
			else if (lh_team_absent(r))
				op->note = lh_xprintf("Team %s was created, but GET /team/info still "
				    "answered 404 %.1f s later (a lagging read replica?), so its values "
				    "were not verified; the next plan reads it again.", op->id,
				    mono_s() - p->lag_since);
			else	/* the read-back failed or was interrupted: no 404 was seen */
				op->note = lh_xprintf("Team %s was created, but reading it back failed "
				    "(%s), so its values were not verified; the next plan reads it "
				    "again.", op->id, r->error != NULL ? r->error : "no answer");
			lh_rop_succeed(op);
		} else if (lh_team_absent(r)) {
			fail_missing(op);
		} else {
			lh_rop_http_fail(op, r);
		}
		return;
	case ST_PREREAD: {	/* update: the current row, for the metadata merge */
		if (row == NULL) {
			if (lh_team_absent(r))
				fail_missing(op);
			else
				lh_rop_http_fail(op, r);
			return;
		}
		cJSON *have = from_row(row, op->before);
		char *body = update_body(op->id, have, op->after, lh_j(row, "metadata"));
		bool perms = perms_differ(op->after, have);
		p->need_perms = perms;
		cJSON_Delete(have);
		if (body != NULL)
			post(op, "/team/update", body, ST_UPDATE, false);
		else if (perms)
			send_perms(op, op->after);
		else
			read_info(op, ST_READBACK, true);
		return;
	}
	case ST_UNCERTAIN:
	case ST_DUPCHECK:
		if (row != NULL) {
			p->adopted = true;
			readback(op, row);
		} else if (op->stage == ST_UNCERTAIN && lh_team_absent(r)) {
			op->maybe_created = false;
			/* apply sends it again with the same id - unless what answered was
			 * not LiteLLM (an HTML page): that does not change by asking again */
			op->resend = !priv(op)->not_api;
			char s[512];
			snprintf(s, sizeof s, "Error creating %s", op->addr);
			const char *why = priv(op)->uncertain;
			if (why != NULL)
				lh_rop_fail(op, s, lh_xprintf("%s.\n\nTeam %s does not exist now: the "
				    "create did not take effect. Run apply again.", why, op->id));
			else
				lh_rop_fail(op, s, lh_xprintf("The create request failed in a way that "
				    "may or may not have reached the server, and team %s does not exist "
				    "now. Run apply again.", op->id));
		} else if (op->stage == ST_DUPCHECK && lh_team_absent(r)) {
			char s[512];
			snprintf(s, sizeof s, "Error creating %s", op->addr);
			lh_rop_fail(op, s, lh_xstrdup("LiteLLM refused to create the team (400) and "
			    "no team with its id exists."));
		} else {
			lh_rop_http_fail(op, r);
		}
		return;
	case ST_LOOKUP_INFO:
		if (row != NULL)
			readback(op, row);
		else if (lh_team_absent(r)) {
			op->gone = true;
			lh_rop_succeed(op);
		} else
			lh_rop_http_fail(op, r);
		return;
	default:
		lh_rop_http_fail(op, r);
		return;
	}
}

/* ---- import by alias ---- */

static void
send_list(lh_rop *op, int stage)
{
	tpriv *p = priv(op);
	char page[16];
	snprintf(page, sizeof page, "%d", p->page);
	lh_http_param q[5] = {{"team_alias", op->id}, {"page", page}, {"page_size", "100"},
	    {"sort_by", "team_id"}, {"sort_order", "asc"}};
	lh_http_req req = {.method = "GET", .path = stage == ST_LOOKUP_LIST ? "/v2/team/list" :
	    "/team/list", .query = q, .nquery = stage == ST_LOOKUP_LIST ? 5 : 0,
	    .done = on_resp, .ctx = op};
	op->stage = stage;
	lh_http_submit(op->rc->http, &req);
}

static void
lookup_alias(lh_rop *op)
{
	tpriv *p = priv(op);
	p->page = 1;
	send_list(op, ST_LOOKUP_LIST);
}

/* Exact alias matches among rows; the found id or a failure listing several. */
static void
alias_matches(lh_rop *op, const cJSON *rows, bool last_page)
{
	tpriv *p = priv(op);
	const cJSON *t;
	cJSON_ArrayForEach(t, rows) {
		const char *alias = lh_js(t, "team_alias"), *id = lh_js(t, "team_id");
		if (alias == NULL || id == NULL || strcmp(alias, op->id) != 0)
			continue;
		if (p->found_id == NULL) {
			p->found_id = lh_xstrdup(id);
		} else if (strcmp(p->found_id, id) != 0 && strstr(p->found_id, id) == NULL) {
			char *n = lh_xprintf("%s, %s", p->found_id, id);
			free(p->found_id);
			p->found_id = n;
		}
	}
	if (!last_page)
		return;
	if (p->found_id == NULL) {
		op->gone = true;
		lh_rop_succeed(op);
	} else if (strchr(p->found_id, ',') != NULL) {
		char s[512];
		snprintf(s, sizeof s, "Error %s %s: several teams have the alias \"%s\"",
		    op->by != NULL ? "reading" : "importing", op->addr, op->id);
		lh_rop_fail(op, s, lh_xprintf("LiteLLM has several teams with team_alias \"%s\": "
		    "%s. %s", op->id, p->found_id, op->by != NULL ? "Look the team up by team_id "
		    "instead." : "Import one of them by its team id."));
	} else {
		read_info(op, ST_LOOKUP_INFO, true);
	}
}

/* ---- answers to writes and lists ---- */

static void
on_resp(lh_http *h, lh_http_resp *r, void *ctx)
{
	(void)h;
	lh_rop *op = ctx;
	tpriv *p = priv(op);
	switch (op->stage) {
	case ST_MAIN:
		break;
	case ST_UPDATE:
		if (r->result != LH_HTTP_OK) {
			if (lh_team_absent(r))
				fail_missing(op);
			else
				lh_rop_http_fail(op, r);
		} else if (p->need_perms) {
			send_perms(op, op->after);
		} else {
			read_info(op, ST_READBACK, true);
		}
		return;
	case ST_FIXUP:
		if (r->result != LH_HTTP_OK)
			lh_rop_http_fail(op, r);
		else if (op->attrs != NULL && perms_differ(op->after, op->attrs))
			send_perms(op, op->after);
		else
			read_info(op, ST_READBACK, true);
		return;
	case ST_PERMS:
		if (r->result == LH_HTTP_STATUS && r->status == 404 && !lh_team_absent(r)) {
			char s[512];
			snprintf(s, sizeof s, "Error %s %s: team_member_permissions", lh_rop_verb(op),
			    op->addr);
			lh_rop_fail(op, s, lh_xprintf("%s\nThis LiteLLM cannot change "
			    "team_member_permissions (it has no /team/permissions_update).",
			    r->error ? r->error : "404"));
		} else if (r->result != LH_HTTP_OK) {
			lh_rop_http_fail(op, r);
		} else {
			read_info(op, ST_READBACK, true);
		}
		return;
	case ST_LOOKUP_LIST:
		if (r->result == LH_HTTP_STATUS && r->status == 404 && !lh_team_absent(r)) {
			send_list(op, ST_LOOKUP_OLDLIST);	/* an old server: no /v2 */
			return;
		}
		if (r->result != LH_HTTP_OK || !cJSON_IsArray(lh_j(r->json, "teams"))) {
			lh_rop_http_fail(op, r);	/* no list is no "not found" */
			return;
		}
		{
			const cJSON *tp = lh_j(r->json, "total_pages");
			bool last = !cJSON_IsNumber(tp) || p->page >= tp->valueint || p->page >= 100;
			alias_matches(op, lh_j(r->json, "teams"), last);
			if (!last) {
				p->page++;
				send_list(op, ST_LOOKUP_LIST);
			}
		}
		return;
	case ST_LOOKUP_OLDLIST:
		if (r->result != LH_HTTP_OK || !cJSON_IsArray(r->json))
			lh_rop_http_fail(op, r);
		else
			alias_matches(op, r->json, true);
		return;
	default:
		lh_rop_http_fail(op, r);
		return;
	}
	/* ST_MAIN: the first request of a create or delete */
	switch (op->kind) {
	case LH_OP_CREATE:
		if (r->result == LH_HTTP_OK) {
			/* keep what the create answered, so a failed read-back loses nothing */
			cJSON_Delete(op->attrs);
			op->attrs = cJSON_IsObject(r->json) && lh_js(r->json, "team_id") ?
			    from_row(r->json, op->after) : NULL;
			read_info(op, ST_READBACK, true);
		} else if (r->result == LH_HTTP_UNCERTAIN) {
			op->maybe_created = true;
			if (r->error != NULL) {
				free(priv(op)->uncertain);
				priv(op)->uncertain = lh_xstrdup(r->error);
			}
			priv(op)->not_api = r->not_api;
			read_info(op, ST_UNCERTAIN, true);
		} else if (r->result == LH_HTTP_STATUS && r->status == 400) {
			/* an existing id answers 400: ours (an earlier attempt) is adopted, a
			 * configured one belongs to someone else */
			if (op->own_id) {
				read_info(op, ST_DUPCHECK, true);
			} else {
				char s[512];
				snprintf(s, sizeof s, "Error creating %s", op->addr);
				char *msg = lh_http_body_message(r->body, r->body_len);
				lh_rop_fail(op, s, lh_xprintf("%s\nIf team id \"%s\" already exists in "
				    "LiteLLM, import it to manage it with litehcl:\n  litehcl import %s %s",
				    msg ? msg : (r->error ? r->error : "400"), op->id, op->addr, op->id));
				free(msg);
			}
		} else {
			lh_rop_http_fail(op, r);
		}
		return;
	case LH_OP_DELETE:
		if (r->result == LH_HTTP_OK) {
			lh_rop_succeed(op);
		} else if (lh_team_absent(r)) {
			op->gone = true;
			lh_rop_succeed(op);
		} else {
			lh_rop_http_fail(op, r);
		}
		return;
	default:
		lh_rop_http_fail(op, r);
		return;
	}
}

static bool
team_submit(lh_rop *op)
{
	switch (op->kind) {
	case LH_OP_READ:
		if (op->by != NULL && strcmp(op->by, "team_alias") == 0)
			lookup_alias(op);	/* a data source by alias: never an id */
		else
			read_info(op, ST_MAIN, op->lookup);
		return true;
	case LH_OP_CREATE:
		return post(op, "/team/new", lh_team_create_body(op->after, op->id), ST_MAIN, true);
	case LH_OP_UPDATE:
		/* the row refresh read (cached) tells what to send; a metadata change is
		 * merged with the server-managed keys of a fresh read (LiteLLM replaces
		 * the whole column) */
		read_info(op, ST_PREREAD, !op->checked || !lh_attr_same(lh_rtype_attr(&lh_res_team,
		    "metadata"), lh_j(op->after, "metadata"), lh_j(op->before, "metadata")));
		return true;
	case LH_OP_DELETE: {
		cJSON *b = cJSON_CreateObject(), *ids = cJSON_CreateArray();
		cJSON_AddItemToArray(ids, cJSON_CreateString(op->id));
		lh_jput(b, "team_ids", ids);
		return post(op, "/team/delete", lh_jtext(b), ST_MAIN, false);
	}
	}
	return false;
}

/* ---- import matching, configuration checks, plan warnings ---- */

static bool
team_import_matches(const lh_value *args, const cJSON *attrs)
{
	lh_value *id = lh_val_get(args, "team_id");
	const char *tid = lh_js(attrs, "team_id");
	if (id != NULL && !lh_val_is_null(id) && !lh_val_has_unknown(id) &&
	    id->type->kind == LH_TY_STRING)
		return tid != NULL && strcmp(tid, id->u.str.s) == 0;
	lh_value *al = lh_val_get(args, "team_alias");
	const char *alias = lh_js(attrs, "team_alias");
	return al != NULL && !lh_val_is_null(al) && !lh_val_has_unknown(al) &&
	    al->type->kind == LH_TY_STRING && alias != NULL && strcmp(alias, al->u.str.s) == 0;
}

static void
team_check_config(lh_arena *a, lh_instance **all, size_t n, lh_diags *d)
{
	lh_config_check_unique(a, all, n, "team_alias", false, LH_DIAG_WARNING,
	    "Duplicate team_alias",
	    "LiteLLM allows it, but the UI and import by alias cannot tell such teams apart.", d);
	lh_config_check_unique(a, all, n, "team_id", false, LH_DIAG_ERROR, "Duplicate team_id",
	    "Both would manage the same LiteLLM team; give each block its own team_id.", d);
	for (size_t i = 0; i < n; i++) {
		lh_value *ps = lh_val_get(all[i]->args, "team_member_permissions");
		if (ps == NULL || lh_val_is_null(ps) || lh_val_has_unknown(ps))
			continue;
		for (size_t k = 0; k < ps->u.seq.n; k++) {
			lh_value *e = ps->u.seq.items[k];
			if (e->type->kind != LH_TY_STRING || lh_val_is_unknown(e) || is_key_route(e->u.str.s))
				continue;
			const lh_arg_range *ar = lh_instance_arg(all[i], "team_member_permissions");
			lh_diag *g = lh_diag_add(d, LH_DIAG_WARNING, ar ? lh_arg_src(all[i], ar) : NULL,
			    ar ? ar->start : 0, ar ? ar->end : 0, "Unknown team member permission",
			    "\"%s\" is not a LiteLLM key-management route; it grants nothing. "
			    "Valid values are routes like \"/key/generate\", \"/key/update\", "
			    "\"/key/delete\", \"/key/info\", \"/key/list\" (or create_key, update_key, "
			    "delete_key, regenerate_key, view_key, list_keys).", e->u.str.s);
			g->context = all[i]->res->context;
		}
	}
}

static char *
team_delete_warning(const cJSON *before)
{
	return lh_xstrdup("LiteLLM deletes a team's virtual keys and removes every membership "
	    "of the team with it.");
}

/* ---- adopt ---- */

/* Every team's row (GET /v2/team/list, all pages; /team/list on servers without it),
 * read once per run (memberships are listed from the rows' members_with_roles), or
 * NULL after an error added to d.  Borrowed: valid until rc is cleared. */
const cJSON *lh_team_list(lh_rctx *rc, lh_diags *d);
const cJSON *
lh_team_list(lh_rctx *rc, lh_diags *d)
{
	tcache *c = cache_of(rc);
	if (c->listed != NULL)
		return c->listed;
	bool missing = false;
	c->listed = lh_list_pages(rc, d, "/v2/team/list", "teams", "team_id", &missing);
	if (c->listed == NULL && missing) {
		/* servers before /v2/team/list: one array of every team */
		lh_http_req req = {.method = "GET", .path = "/team/list"};
		lh_http_resp resp;
		lh_http_do(rc->http, &req, &resp);
		if (resp.result == LH_HTTP_OK && cJSON_IsArray(resp.json)) {
			c->listed = resp.json;
			resp.json = NULL;
		} else {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot list the server's teams",
			    "%s", resp.error ? resp.error : "GET /team/list: not a list of teams");
		}
		lh_http_resp_clear(&resp);
	}
	return c->listed;
}

/* Every team, named after its alias. */
static lh_found *
team_list_all(lh_rctx *rc, lh_diags *d, size_t *n)
{
	const cJSON *rows = lh_team_list(rc, d);
	*n = 0;
	if (rows == NULL)
		return NULL;
	lh_found *v = lh_found_alloc((size_t)cJSON_GetArraySize(rows));
	const cJSON *row;
	cJSON_ArrayForEach(row, rows) {
		const char *id = lh_js(row, "team_id"), *alias = lh_js(row, "team_alias");
		if (id == NULL)
			continue;
		if (alias == NULL || alias[0] == '\0') {
			char word[512];
			/* team_alias is required: a block without it would not plan, and any
			 * alias written for it would rename the team */
			lh_diag_add(d, LH_DIAG_WARNING, NULL, 0, 0, "Team without an alias left out",
			    "The team \"%s\" has no team_alias, which a litellm_team block requires, "
			    "so it is not adopted (its memberships are, with its id written out). Give "
			    "the team an alias in LiteLLM and run adopt again, or write its block by "
			    "hand with the alias it should have and import it: "
			    "litehcl import litellm_team.NAME %s", id, lh_shell_word(word, sizeof word, id));
			continue;
		}
		lh_found *f = &v[(*n)++];
		f->id = lh_xstrdup(id);
		f->name = lh_xstrdup(alias);
		f->attrs = cJSON_CreateObject();
		lh_jput(f->attrs, "team_id", cJSON_CreateString(id));
	}
	return v;
}

static const char *const team_data_keys[] = {"team_id", "team_alias", NULL};

const lh_rtype lh_res_team = {
	.type_name = "litellm_team",
	.attrs = team_attrs,
	.n = sizeof team_attrs / sizeof team_attrs[0],
	.id_attr = "id",
	.own_id_attr = "team_id",
	.summary = "A LiteLLM team (alias, budget, rate limits, models, permissions); members are litellm_team_member resources.",
	.import_forms = "TEAM_ID, or an alias only one team has (without ADDR: the block with that team_id or team_alias)",
	.submit = team_submit,
	.import_matches = team_import_matches,
	.check_config = team_check_config,
	.delete_warning = team_delete_warning,
	.data_keys = team_data_keys,
	.settle = team_settle,
	.clear = team_clear,
	.ctx_free = cache_free,
	.plural = "teams",
	.list_all = team_list_all,
};
