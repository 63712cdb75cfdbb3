/* refresh.c - the run's records and the read side of plan/apply: recovery of journal
 * intents, refresh of every managed instance (all in parallel through http.h), reads
 * for import blocks, then the configuration expanded in dependency order and diffed
 * (plan.h).  See apply.h for the flow. */
#include "apply.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config_refs.h"
#include "curl_dl.h"
#include "hash.h"
#include "json_arena.h"
#include "render.h"
#include "schema.h"

/* ---- records ---- */

/* The hash of an address from its parts (no text made): lh_run_rec finds a record
 * without formatting its address. */
static uint64_t
addr_hash_res(const lh_addr *id)
{
	uint64_t h = lh_hash_more(LH_HASH0, id->type, strlen(id->type));
	return lh_hash_more(h, id->name, strlen(id->name));
}

/* h: addr_hash_res(id) */
static uint64_t
addr_hash_from(uint64_t h, const lh_addr *id)
{
	h = lh_hash_mix(h, (uint64_t)id->kind << 1 | (id->data ? 1u : 0u));
	if (id->kind == LH_KEY_INT)
		h = lh_hash_mix(h, (uint64_t)id->index);
	else if (id->kind == LH_KEY_STR)
		h = lh_hash_more(h, id->key, strlen(id->key));
	return h;
}

static uint64_t
addr_hash(const lh_addr *id)
{
	return addr_hash_from(addr_hash_res(id), id);
}

static bool
addr_same(const lh_addr *a, const lh_addr *b)
{
	return a->data == b->data && a->kind == b->kind &&
	    (a->kind != LH_KEY_INT || a->index == b->index) &&
	    (a->type == b->type || strcmp(a->type, b->type) == 0) &&
	    (a->name == b->name || strcmp(a->name, b->name) == 0) &&
	    (a->kind != LH_KEY_STR || strcmp(a->key, b->key) == 0);
}

/* Open addressing over recs by address; the table has caprecs*2 slots. */
typedef struct rec_index {
	lh_rec **slots;
	size_t cap;
	lh_jpack pack;		/* the records' want and want_sensitive trees (read-only;
				 * never deleted one by one) */
	lh_arena *scratch;	/* want_tree's trees, each released once planned */
	struct { const char *k, *ik; } keys[64];	/* key_interned's */
	const char *rt_name;	/* slot_of's last type name, and its type */
	const lh_rtype *rt;
} rec_index;

static rec_index *
idx_of(lh_run *r)
{
	return (rec_index *)r->slot_rec_index;
}

static void
idx_insert_h(rec_index *ix, lh_rec *rec, uint64_t h)
{
	size_t i = h & (ix->cap - 1);
	while (ix->slots[i] != NULL)
		i = (i + 1) & (ix->cap - 1);
	ix->slots[i] = rec;
}

static void
idx_insert(rec_index *ix, lh_rec *rec)
{
	size_t i = addr_hash(&rec->id) & (ix->cap - 1);
	while (ix->slots[i] != NULL)
		i = (i + 1) & (ix->cap - 1);
	ix->slots[i] = rec;
}

/* Makes room in the index for `more` records beyond r's (at most half full). */
static void
idx_reserve(lh_run *r, size_t more)
{
	rec_index *ix = idx_of(r);
	if (ix == NULL) {
		ix = calloc(1, sizeof *ix);
		if (ix == NULL)
			abort();
		r->slot_rec_index = ix;
	}
	size_t need = 2 * (r->nrecs + more) + 16;
	if (ix->cap >= need)
		return;
	size_t cap = ix->cap ? ix->cap : 64;
	while (cap < need)
		cap *= 2;
	free(ix->slots);
	ix->slots = calloc(cap, sizeof *ix->slots);
	if (ix->slots == NULL)
		abort();
	ix->cap = cap;
	for (size_t i = 0; i < r->nrecs; i++)
		idx_insert(ix, r->recs[i]);
}

static void
idx_grow(lh_run *r)
{
	idx_reserve(r, 1);
}

void
lh_run_init(lh_run *r, lh_arena *a, lh_diags *d, lh_config *cfg, lh_state *st,
    const lh_run_opts *o)
{
	memset(r, 0, sizeof *r);
	r->a = a;
	r->d = d;
	r->cfg = cfg;
	r->st = st;
	if (o != NULL)
		r->o = *o;
	if (r->o.parallelism <= 0)
		r->o.parallelism = 10;
}

void
lh_run_free(lh_run *r)
{
	lh_refresh_early_cancel(r);
	cJSON_Delete(r->moved);
	r->moved = NULL;
	for (size_t i = 0; i < r->nrecs; i++) {
		lh_rec *x = r->recs[i];
		cJSON_Delete(x->want_unknown);	/* want and want_sensitive: ix->pack's */
		cJSON_Delete(x->sens_digest);
		cJSON_Delete(x->prior_sensitive);
		if (!x->prior_borrowed)
			cJSON_Delete(x->prior);
		if (!x->have_borrowed)
			cJSON_Delete(x->have);
		lh_rec_unplan(x);
	}
	free(r->recs);
	cJSON_Delete(r->retry_ids);
	rec_index *ix = idx_of(r);
	if (ix != NULL) {
		free(ix->slots);
		lh_arena_free(ix->pack.a);
		lh_arena_free(ix->scratch);
		free(ix);
	}
	lh_plan_free(r->plan);
	free(r->slot_rec);
	free(r->resolve_cache);
	lh_rctx_clear(&r->rc);
	lh_http_free(r->http);
	memset(r, 0, sizeof *r);
}

static lh_rec *rec_get(lh_run *r, const lh_addr *id, bool create, const char *text,
    bool lasting, const uint64_t *res_h);

lh_rec *
lh_run_rec(lh_run *r, const lh_addr *id, bool create)
{
	return rec_get(r, id, create, NULL, false, NULL);
}

/* text: id's canonical address when the caller has it (the state's), else NULL;
 * lasting: text and id's strings are a loaded instance's (lh_state_inst_lasting), which
 * outlive the run: the record points at them instead of copying (10,000 records:
 * 0.5 MB); res_h: addr_hash_res(id) when the caller has it, else NULL */
static lh_rec *
rec_get(lh_run *r, const lh_addr *id, bool create, const char *text, bool lasting,
    const uint64_t *res_h)
{
	rec_index *ix = idx_of(r);
	uint64_t h = addr_hash_from(res_h != NULL ? *res_h : addr_hash_res(id), id);
	if (ix != NULL && ix->cap > 0) {
		size_t i = h & (ix->cap - 1);
		while (ix->slots[i] != NULL) {
			if (addr_same(&ix->slots[i]->id, id))
				return ix->slots[i];
			i = (i + 1) & (ix->cap - 1);
		}
	}
	if (!create)
		return NULL;
	if (r->nrecs == r->caprecs) {
		size_t cap = r->caprecs ? r->caprecs * 2 : 64;
		lh_rec **n = realloc(r->recs, cap * sizeof *n);
		if (n == NULL)
			abort();
		r->recs = n;
		r->caprecs = cap;
	}
	lh_rec *x = lh_arena_alloc(r->a, sizeof *x);
	x->id = *id;
	if (text != NULL && lasting) {
		x->addr = (char *)text;
	} else {
		x->addr = text != NULL ? lh_arena_strdup(r->a, text) : lh_addr_format(r->a, id);
		/* the instances of one resource come one after the other: they share its
		 * type and name (32 bytes a record) */
		const lh_rec *prev = r->nrecs > 0 ? r->recs[r->nrecs - 1] : NULL;
		x->id.type = prev != NULL && strcmp(prev->id.type, id->type) == 0 ? prev->id.type :
		    lh_arena_strdup(r->a, id->type);
		x->id.name = prev != NULL && strcmp(prev->id.name, id->name) == 0 ? prev->id.name :
		    lh_arena_strdup(r->a, id->name);
		if (id->key != NULL)
			x->id.key = lh_arena_strdup(r->a, id->key);
	}
	idx_grow(r);
	r->recs[r->nrecs++] = x;
	idx_insert_h(idx_of(r), x, h);
	return x;
}

void
lh_rec_unplan(lh_rec *x)
{
	cJSON_Delete(x->planned);
	cJSON_Delete(x->planned_unknown);
	x->planned = x->planned_unknown = NULL;
	x->planned_have = false;
}

bool
lh_run_http(lh_run *r)
{
	if (r->http != NULL)
		return true;
	const char *base = NULL, *key = NULL, *key_from = NULL;
	bool insecure = false;
	double timeout = 0;
	if (r->cfg != NULL) {
		base = r->cfg->provider.api_base;
		key = r->cfg->provider.api_key;
		key_from = r->cfg->provider.api_key_from;
		insecure = r->cfg->provider.insecure_skip_verify;
		timeout = r->cfg->provider.timeout;
	} else {
		base = getenv("LITELLM_API_BASE");
		key = getenv("LITELLM_API_KEY");
		key_from = "the LITELLM_API_KEY environment variable";
	}
	if (base == NULL || *base == '\0') {
		lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "No LiteLLM API address",
		    "litehcl needs the address of the LiteLLM proxy: set api_base in the "
		    "provider \"litellm\" block, or the LITELLM_API_BASE environment variable.");
		return false;
	}
	lh_http_opts ho = {.base_url = base, .api_key = key, .key_source = key_from,
	    .insecure_skip_verify = insecure, .timeout_s = timeout,
	    .parallelism = r->o.parallelism, .max_retries = -1};
	const char *s = getenv("LITEHCL_HTTP_RETRIES");
	if (s != NULL && *s)
		ho.max_retries = atoi(s);
	s = getenv("LITEHCL_HTTP_BACKOFF");
	if (s != NULL && *s)
		ho.backoff_base_s = atof(s);
	if (!lh_curl_load_diag(r->d))	/* libcurl is loaded when first needed */
		return false;
	const char *err = NULL;
	r->http = lh_http_new(&ho, &err);
	if (r->http == NULL) {
		lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid LiteLLM API address",
		    "%s", err ? err : "the api_base cannot be used");
		return false;
	}
	r->rc.http = r->http;
	return true;
}

cJSON *
lh_run_sensitive_set(const cJSON *paths)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *p;
	cJSON_ArrayForEach(p, paths) {
		const cJSON *step = cJSON_GetArrayItem(p, 0);
		const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(step, "value"));
		if (v != NULL && cJSON_GetObjectItemCaseSensitive(o, v) == NULL)
			cJSON_AddItemToObject(o, v, cJSON_CreateTrue());
	}
	return o;
}

cJSON *
lh_run_sensitive_paths(const cJSON *set)
{
	cJSON *a = cJSON_CreateArray();
	const cJSON *e;
	cJSON_ArrayForEach(e, set) {
		if (!cJSON_IsTrue(e))
			continue;
		cJSON *path = cJSON_CreateArray(), *step = cJSON_CreateObject();
		cJSON_AddStringToObject(step, "type", "get_attr");
		cJSON_AddStringToObject(step, "value", e->string);
		cJSON_AddItemToArray(path, step);
		cJSON_AddItemToArray(a, path);
	}
	return a;
}

/* ---- errors, one per instance ---- */

struct lh_run_err {
	char *summary, *detail, *addr;
	lh_addr id;		/* addr parsed (ok), for the order */
	bool ok;
	size_t seq;		/* order of arrival */
};

void
lh_run_error(lh_run *r, const char *addr, const char *summary, const char *detail)
{
	if (r->nerrs == r->caperrs) {
		size_t cap = r->caperrs ? r->caperrs * 2 : 16;
		struct lh_run_err *n = realloc(r->errs, cap * sizeof *n);
		if (n == NULL)
			abort();
		r->errs = n;
		r->caperrs = cap;
	}
	struct lh_run_err *e = &r->errs[r->nerrs];
	memset(e, 0, sizeof *e);
	e->summary = lh_arena_strdup(r->a, summary ? summary : "Error");
	e->detail = lh_arena_strdup(r->a, detail ? detail : "");
	e->addr = lh_arena_strdup(r->a, addr ? addr : "");
	const char *err;
	e->ok = e->addr[0] != '\0' && lh_addr_parse_any(r->a, e->addr, &e->id, &err);
	e->seq = r->nerrs++;
}

/* Errors without an instance first (in arrival order), then by instance as Terraform
 * lists them (lh_addr_cmp: numeric keys as numbers), each instance's in arrival order. */
static int
err_cmp(const void *pa, const void *pb)
{
	const struct lh_run_err *a = pa, *b = pb;
	int c = (int)a->ok - (int)b->ok;
	if (c == 0 && a->ok)
		c = lh_addr_cmp(&a->id, &b->id);
	if (c == 0 && !a->ok)
		c = strcmp(a->addr, b->addr);
	return c != 0 ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* Places g about instance addr as Terraform's InConfigBody places a provider's error:
 * "with ADDR" and the subject its resource block's "{" (the body's MissingItemRange,
 * widened to one byte as Terraform's views widen an empty range).  An instance whose
 * block is no longer in the configuration (a destroy of a removed block, a refresh of
 * an orphan) gets neither, as Terraform gives it none. */
static void
in_config_block(lh_run *r, lh_diag *g, const char *addr)
{
	lh_addr id;
	const char *err;
	if (r->cfg == NULL || addr == NULL || addr[0] == '\0' ||
	    !lh_addr_parse_any(r->a, addr, &id, &err))
		return;
	const lh_resource *res = id.data ? lh_config_data(r->cfg, id.type, id.name) :
	    lh_config_resource(r->cfg, id.type, id.name);
	if (res == NULL || res->block == NULL || res->block->src == NULL)
		return;
	const lh_node *b = res->block;
	g->src = b->src;
	g->start = b->u.block.open;
	g->end = g->start + 1;
	g->context = res->context;
	g->address = lh_arena_strdup(r->d->a, addr);
}

void
lh_run_flush_errors(lh_run *r)
{
	/* One diagnostic per instance, as Terraform reports each instance's failure (a
	 * thousand creates refused alike are a thousand errors, each placed at its
	 * instance), in a stable order whatever order the answers came in. */
	if (r->nerrs > 1)
		qsort(r->errs, r->nerrs, sizeof *r->errs, err_cmp);
	for (size_t i = 0; i < r->nerrs; i++) {
		struct lh_run_err *e = &r->errs[i];
		if (i > 0 && strcmp(e->addr, e[-1].addr) == 0 &&
		    strcmp(e->summary, e[-1].summary) == 0 && strcmp(e->detail, e[-1].detail) == 0)
			continue;	/* said twice of one instance */
		lh_diag *g = lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, e->summary, "%s",
		    e->detail);
		in_config_block(r, g, e->addr);
	}
	free(r->errs);
	r->errs = NULL;
	r->nerrs = r->caperrs = 0;
}

/* ---- refresh ---- */

int
lh_import_id_form(const lh_rtype *rt, const char **form)
{
	const char *f = rt != NULL && rt->import_forms != NULL ? rt->import_forms : "";
	const char *end = strstr(f, " (without ADDR");
	*form = f;
	return (int)(end != NULL ? (size_t)(end - f) : strlen(f));
}

/* A read of the refresh (one per instance: 10,000 jobs are 1.8 MB at its peak).  Its
 * kind is its done function: rjob_done (a refresh), intent_done (an interrupted
 * create), import_done (an import block's object). */
typedef struct rjob {
	lh_run *r;
	union {
		lh_rec *rec;				/* refresh, import */
		const lh_state_intent *intent;		/* intent */
	};
	lh_rop op;
} rjob;

static void progress(lh_run *r, const char *addr, const lh_addr *id, const char *ev,
    const char *uid);

/* Whether op failed, its error added (nothing when it was cancelled). */
static bool
rjob_failed(lh_run *r, lh_rop *op)
{
	if (op->ok)
		return false;
	if (!op->cancelled)
		lh_run_error(r, op->addr, op->summary, op->detail);
	return true;
}

static void
intent_done(lh_rop *op, void *ctx)
{
	rjob *j = ctx;
	lh_run *r = j->r;
	if (rjob_failed(r, op))
		return;
	/* an interrupted create: adopt the object if it exists, else forget it */
	if (!op->gone && op->attrs != NULL) {
		lh_state_set(r->st, &j->intent->addr, op->attrs, NULL, NULL);
		op->attrs = NULL;
		if (!r->o.read_only)
			lh_state_journal_done(r->st, &j->intent->addr, r->d);
	} else if (!r->o.read_only) {
		lh_state_journal_forget(r->st, &j->intent->addr, r->d);
		if (r->retry_ids == NULL)
			r->retry_ids = cJSON_CreateObject();
		char *ad = lh_addr_format(r->a, &j->intent->addr);
		cJSON_DeleteItemFromObjectCaseSensitive(r->retry_ids, ad);
		cJSON_AddItemToObject(r->retry_ids, ad, cJSON_CreateString(j->intent->id));
	}
}

static void
import_done(lh_rop *op, void *ctx)
{
	rjob *j = ctx;
	lh_run *r = j->r;
	if (rjob_failed(r, op))
		return;
	if (op->gone) {
		/* the type's import ID form, as `litehcl import ADDR ID` says it */
		const char *f;
		int flen = lh_import_id_form(op->rt, &f);
		lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0,
		    "Cannot import non-existent remote object",
		    "While attempting to import an existing object to \"%s\", the "
		    "provider detected that no object exists with the given id (\"%s\"). "
		    "Only pre-existing objects can be imported; check that the id is "
		    "correct and that it is associated with the provider's configured "
		    "region or endpoint, or use \"litehcl apply\" to create a new remote "
		    "object for this resource.%s%s%s%.*s%s", j->rec->addr, op->id,
		    flen > 0 ? " The import ID of a " : "", flen > 0 ? op->rt->type_name : "",
		    flen > 0 ? " is " : "", flen, f, flen > 0 ? "." : "");
		return;
	}
	j->rec->have = op->attrs;
	op->attrs = NULL;
	j->rec->refreshed = true;
	r->gen++;
}

static void
rjob_done(lh_rop *op, void *ctx)
{
	rjob *j = ctx;
	lh_run *r = j->r;
	if (rjob_failed(r, op))
		return;
	j->rec->refreshed = true;
	r->gen++;
	if (op->note != NULL)
		lh_diag_add(r->d, LH_DIAG_WARNING, NULL, 0, 0, op->note, "%s", j->rec->addr);
	progress(r, j->rec->addr, &j->rec->id, "refresh_done", op->id);
	if (op->gone) {
		j->rec->have = NULL;
	} else if (op->same && j->rec->prior != NULL) {
		/* unchanged, said without building the tree: the state's tree serves */
		j->rec->have = j->rec->prior;
		j->rec->have_borrowed = true;
	} else {
		lh_cjson_intern_keys(op->attrs);	/* shares the names with the state's */
		if (j->rec->prior != NULL && lh_json_identical(op->attrs, j->rec->prior)) {
			/* unchanged on the server (the usual case): the state's tree serves */
			j->rec->have = j->rec->prior;
			j->rec->have_borrowed = true;
			cJSON_Delete(op->attrs);
			op->attrs = NULL;
		} else {
			j->rec->have = op->attrs;
			op->attrs = NULL;
		}
	}
}

static void
progress(lh_run *r, const char *addr, const lh_addr *id, const char *ev, const char *uid)
{
	if (r->o.progress == NULL)
		return;
	/* the index as the callback reads it (a copy is its own): on the stack, not
	 * made and freed for each of a refresh's thousands of events */
	cJSON idx = {.type = cJSON_NULL};
	if (id->kind == LH_KEY_INT) {
		idx.type = cJSON_Number;
		idx.valuedouble = (double)id->index;
		idx.valueint = id->index > INT_MAX ? INT_MAX : id->index < INT_MIN ? INT_MIN :
		    (int)id->index;
	} else if (id->kind == LH_KEY_STR) {
		idx.type = cJSON_String;
		idx.valuestring = (char *)id->key;
	}
	r->o.progress(r->o.progress_ctx, addr, id->type, id->name,
	    idx.type == cJSON_NULL ? NULL : &idx, ev, uid, 0);
}

/* Refreshes js[0..n) (all reads): each type's read_many gets its ops together (one
 * /user/list per 100 users, one /team/info per team ...); types without one read
 * object by object. */
static void
submit_reads(lh_run *r, rjob *js, size_t n)
{
	if (n == 0)
		return;
	lh_rop **ops = calloc(n, sizeof *ops);
	if (ops == NULL)
		abort();
	const lh_rtype *const *ts = lh_rtypes();
	for (size_t t = 0; ts[t] != NULL; t++) {
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (js[i].op.rt == ts[t])
				ops[k++] = &js[i].op;
		if (k == 0)
			continue;
		if (ts[t]->read_many != NULL) {
			ts[t]->read_many(&r->rc, ops, k);
			continue;
		}
		for (size_t i = 0; i < k; i++)
			lh_rop_submit(&r->rc, ops[i]);
	}
	free(ops);
}

cJSON *
lh_refresh_read_one(lh_run *r, const lh_rtype *rt, const char *addr, const char *id,
    bool lookup, bool *gone)
{
	*gone = false;
	if (!lh_run_http(r))
		return NULL;
	rjob j = {.r = r};
	lh_rec tmp = {.addr = (char *)addr};
	j.rec = &tmp;
	j.op.kind = LH_OP_READ;
	j.op.rt = rt;
	j.op.addr = addr;
	j.op.id = id;
	j.op.lookup = lookup;
	j.op.done = rjob_done;
	j.op.ctx = &j;
	int before = r->d->errors;
	if (!lh_rop_submit(&r->rc, &j.op))
		return NULL;
	lh_rctx_run(&r->rc);
	lh_run_flush_errors(r);
	lh_rop_clear(&j.op);
	if (r->d->errors > before) {
		cJSON_Delete(tmp.have);
		return NULL;
	}
	if (tmp.have == NULL)
		*gone = true;
	return tmp.have;
}

static const char *
attr_str(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* The object id of state attributes of type rt. */
static const char *
state_id(const lh_rtype *rt, const cJSON *attrs)
{
	const char *id = attr_str(attrs, rt->id_attr);
	if (id == NULL && rt->own_id_attr != NULL)
		id = attr_str(attrs, rt->own_id_attr);
	return id;
}

static void
unsupported_type(lh_run *r, const lh_addr *a)
{
	lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "Unsupported resource type in state",
	    "The state holds %s.%s of type \"%s\"; litehcl supports %s.", a->type, a->name,
	    a->type, lh_rtype_list_text());
}

static bool res_targeted(lh_run *r, const char *resaddr, const char **set, size_t nset);
static lh_resource *res_by_addr(lh_config *cfg, const char *addr);

/* -target: the resources (TYPE.NAME) the refresh reads - the targets and what they
 * depend on, transitively; Terraform refreshes nothing else, so an object that cannot
 * be read does not stop a targeted run.  NULL without -target, and for a destroy (it
 * reaches the targets' dependents too). */
static const char **
refresh_targets(lh_run *r, size_t *n)
{
	*n = 0;
	if (r->o.ntargets == 0 || r->o.mode == LH_PLAN_DESTROY || r->cfg == NULL)
		return NULL;
	const char **set = lh_arena_alloc(r->a, (r->cfg->nresources + r->o.ntargets + 1) *
	    sizeof *set);
	for (size_t i = 0; i < r->o.ntargets; i++) {
		lh_addr t;
		const char *err = NULL;
		if (!lh_addr_parse_any(r->a, r->o.targets[i], &t, &err))
			return NULL;	/* lh_run_plan reports it */
		char *ra = lh_addr_resource(r->a, &t);
		if (!res_targeted(r, ra, set, *n))
			set[(*n)++] = ra;
	}
	for (size_t k = 0; k < *n; k++) {
		lh_resource *res = res_by_addr(r->cfg, set[k]);
		for (size_t j = 0; res != NULL && j < res->ndeps; j++)
			if (!res_targeted(r, res->deps[j], set, *n))
				set[(*n)++] = res->deps[j];
	}
	return set;
}

/* What lh_refresh has sent and waits for (lh_refresh_early keeps it in the run until
 * lh_refresh). */
typedef struct held_event {
	const char *addr, *type, *name, *ev;	/* the records' strings (the run's) */
	cJSON *index;				/* a copy, or NULL */
	char *id;				/* a copy, or NULL */
	double secs;
} held_event;

typedef struct refresh_reads {
	rjob *js;
	size_t nj;
	bool quiet;		/* the "refresh" / "import_prepare" events not told yet */
	/* lh_refresh_early: the progress events of the reads the prefetch thread completed,
	 * told by lh_refresh after the "refresh" ones; the errors they added, and the
	 * progress callback they were held from */
	held_event *held;
	size_t nheld, capheld;
	int early_errors;
	lh_progress_fn progress;
	void *progress_ctx;
} refresh_reads;

/* The progress callback while the prefetch thread completes reads (the caller's
 * thread still validating): each event kept for lh_refresh to tell in order. */
static void
hold_event(void *ctx, const char *addr, const char *type, const char *name,
    const cJSON *index, const char *ev, const char *id, double secs)
{
	refresh_reads *rr = ctx;
	if (rr->nheld == rr->capheld) {
		size_t cap = rr->capheld ? rr->capheld * 2 : 64;
		held_event *n = realloc(rr->held, cap * sizeof *n);
		if (n == NULL)
			abort();
		rr->held = n;
		rr->capheld = cap;
	}
	rr->held[rr->nheld++] = (held_event){.addr = addr, .type = type, .name = name,
	    .ev = ev, .index = index != NULL ? cJSON_Duplicate(index, true) : NULL,
	    .id = id != NULL ? lh_xstrdup(id) : NULL, .secs = secs};
}

/* Tells the held events (tell false: drops them). */
static void
held_events_flush(lh_run *r, refresh_reads *rr, bool tell)
{
	for (size_t i = 0; i < rr->nheld; i++) {
		held_event *e = &rr->held[i];
		if (tell && r->o.progress != NULL)
			r->o.progress(r->o.progress_ctx, e->addr, e->type, e->name, e->index,
			    e->ev, e->id, e->secs);
		cJSON_Delete(e->index);
		free(e->id);
	}
	free(rr->held);
	rr->held = NULL;
	rr->nheld = rr->capheld = 0;
}

static bool refresh_send(lh_run *r, refresh_reads *rr);
static bool refresh_finish(lh_run *r, refresh_reads *rr, int errs);

bool
lh_refresh(lh_run *r)
{
	int errs = r->d->errors;
	refresh_reads *early = r->early_reads;
	if (early != NULL) {	/* sent by lh_refresh_early */
		r->early_reads = NULL;
		lh_refresh_early_settle(r, r->d);	/* (harmless when done) */
		bool ok = refresh_finish(r, early, errs - early->early_errors);
		free(early);
		return ok;
	}
	refresh_reads rr = {0};
	if (!refresh_send(r, &rr))
		return false;
	return refresh_finish(r, &rr, errs);
}

bool
lh_refresh_early(lh_run *r)
{
	size_t nint = 0;
	lh_state_intents(r->st, &nint);
	size_t nst = lh_state_count(r->st);
	if (r->early_reads != NULL || nint > 0 || !r->o.refresh || r->o.ntargets > 0 ||
	    nst == 0 || (r->cfg != NULL && (r->cfg->nmoved > 0 || r->cfg->nimports > 0)) ||
	    lh_run_implied_moves_pending(r))
		return false;
	/* a type the state names but litehcl lacks is reported when the refresh runs */
	const char *type = NULL;	/* the last type found (the state's instances of a
					 * type share its name) */
	for (size_t i = 0; i < nst; i++) {
		const lh_state_inst *si = lh_state_at(r->st, i);
		if (si->addr.data || si->addr.type == type)
			continue;
		if (lh_rtype_find(si->addr.type) == NULL)
			return false;
		type = si->addr.type;
	}
	refresh_reads *rr = calloc(1, sizeof *rr);
	if (rr == NULL)
		abort();
	rr->quiet = true;
	int said = r->d->errors + r->d->warnings;
	/* the first reads travel while the rest are made (lh_refresh_early_go closes it) */
	if (lh_run_http(r))
		lh_http_prefetch_open(r->http);
	bool ok = refresh_send(r, rr);
	r->early_reads = rr;
	if (!ok || r->d->errors + r->d->warnings > said) {
		lh_refresh_early_cancel(r);	/* (reads only: nothing of them told) */
		return false;
	}
	return true;
}

bool
lh_refresh_early_go(lh_run *r)
{
	refresh_reads *rr = r->early_reads;
	if (rr == NULL)
		return false;
	/* the reads it completes tell nothing until lh_refresh */
	rr->progress = r->o.progress;
	rr->progress_ctx = r->o.progress_ctx;
	r->o.progress = hold_event;
	r->o.progress_ctx = rr;
	if (!lh_http_prefetch_close(r->http, true) &&
	    !lh_http_prefetch(r->http, true)) {	/* else lh_refresh sends them */
		r->o.progress = rr->progress;
		r->o.progress_ctx = rr->progress_ctx;
		rr->progress = NULL;
	}
	return true;
}

void
lh_refresh_early_settle(lh_run *r, lh_diags *d)
{
	refresh_reads *rr = r->early_reads;
	if (rr != NULL && rr->progress != NULL) {
		lh_http_prefetch_settle(r->http);
		r->o.progress = rr->progress;
		r->o.progress_ctx = rr->progress_ctx;
		rr->progress = NULL;
	}
	if (r->d != d && r->d->head != NULL) {
		/* what the completed reads said joins d */
		if (rr != NULL)
			rr->early_errors += r->d->errors;
		if (d->tail != NULL)
			d->tail->next = r->d->head;
		else
			d->head = r->d->head;
		d->tail = r->d->tail;
		d->errors += r->d->errors;
		d->warnings += r->d->warnings;
		r->d->head = r->d->tail = NULL;
		r->d->errors = r->d->warnings = 0;
	}
	r->d = d;
}

void
lh_refresh_early_cancel(lh_run *r)
{
	refresh_reads *rr = r->early_reads;
	if (rr == NULL)
		return;
	r->early_reads = NULL;
	if (r->http != NULL)	/* first: its thread may be completing reads */
		lh_http_prefetch_cancel(r->http);
	lh_diags quiet, *loud = r->d;
	lh_diags_init(&quiet, r->a);
	r->d = &quiet;
	if (r->http != NULL)
		lh_http_stop(r->http);	/* every read completes unsent, its contexts freed */
	rr->quiet = false;
	r->o.progress = NULL;
	rr->progress = NULL;
	held_events_flush(r, rr, false);
	refresh_finish(r, rr, quiet.errors);
	free(rr);
	r->d = loud;
}

/* Sends the refresh's reads (rr->js); they complete in refresh_finish. */
static bool
refresh_send(lh_run *r, refresh_reads *rr)
{
	int errs = r->d->errors;
	size_t nint = 0;
	const lh_state_intent *ints = lh_state_intents(r->st, &nint);
	size_t nst = lh_state_count(r->st);
	size_t nimp = r->cfg ? r->cfg->nimports : 0;
	bool need = nint > 0 || nimp > 0 || (r->o.refresh && nst > 0);
	if (need && !lh_run_http(r))
		return false;
	/* 1. intents left by an interrupted apply */
	if (nint > 0) {
		rjob *js = calloc(nint, sizeof *js);
		if (js == NULL)
			abort();
		size_t nj = 0;
		for (size_t i = 0; i < nint; i++) {
			const lh_rtype *rt = lh_rtype_find(ints[i].addr.type);
			if (rt == NULL) {
				unsupported_type(r, &ints[i].addr);
				continue;
			}
			rjob *j = &js[nj++];
			j->r = r;
			j->intent = &ints[i];
			j->op.kind = LH_OP_READ;
			j->op.rt = rt;
			j->op.addr = lh_addr_format(r->a, &ints[i].addr);
			j->op.id = ints[i].id;
			j->op.done = intent_done;
			j->op.ctx = j;
		}
		submit_reads(r, js, nj);
		lh_rctx_run(&r->rc);
		lh_run_flush_errors(r);
		for (size_t i = 0; i < nj; i++)
			lh_rop_clear(&js[i].op);
		free(js);
		if (r->d->errors > errs)
			return false;
		nst = lh_state_count(r->st);
	}
	/* 2. moved blocks rename objects in the state (apply saves that first) */
	bool moved_any = false;
	if (!lh_run_moves(r, &moved_any))
		return false;
	if (moved_any && !r->o.read_only && !lh_state_save(r->st, r->d))
		return false;
	nst = lh_state_count(r->st);
	/* 3. every instance in the state becomes a record (read from now: how old the
	 * reads are decides whether an update trusts them, apply.c) */
	{
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		r->refreshed_at = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	}
	/* (each job is cleared when taken, not all beforehand: 0.5 MB for 2,300) */
	rjob *js = malloc((nst + nimp + 1) * sizeof *js);
	if (js == NULL)
		abort();
	/* the index sized once for the records made here (10,000: 32,768 slots, none
	 * rehashed) */
	idx_reserve(r, nst + nimp);
	size_t nj = 0, ntset = 0;
	const char **tset = refresh_targets(r, &ntset);
	lh_resource *last = NULL;
	const char *last_type = NULL, *hashed_type = NULL, *hashed_name = NULL;
	const lh_rtype *last_rt = NULL;
	uint64_t res_h = 0;	/* addr_hash_res of the last resource (the state's
				 * instances of one come one after the other) */
	for (size_t i = 0; i < nst; i++) {
		lh_state_inst *si = lh_state_at(r->st, i);
		if (si->addr.type != last_type) {
			last_type = si->addr.type;
			last_rt = lh_rtype_find(last_type);
		}
		const lh_rtype *rt = last_rt;
		if (rt == NULL && !si->addr.data) {
			unsupported_type(r, &si->addr);
			continue;
		}
		if (si->addr.type != hashed_type || si->addr.name != hashed_name) {
			hashed_type = si->addr.type;
			hashed_name = si->addr.name;
			res_h = addr_hash_res(&si->addr);
		}
		lh_rec *rec = rec_get(r, &si->addr, true, lh_state_inst_addr_text(si),
		    lh_state_inst_lasting(si), &res_h);
		rec->in_state = true;
		/* not a copy: the state keeps the tree until it closes (state.h) */
		rec->prior = si->attributes;
		rec->prior_borrowed = true;
		/* NULL when nothing is sensitive (most instances): every reader takes NULL
		 * for the empty set, and 10,000 empty objects were 0.8 MB */
		rec->prior_sensitive = cJSON_GetArraySize(si->sensitive_attributes) > 0 ?
		    lh_run_sensitive_set(si->sensitive_attributes) : NULL;
		if (si->addr.data) {
			/* a data source is read when the plan reaches it (lh_run_plan) */
			rec->res = r->cfg ? lh_config_data(r->cfg, si->addr.type, si->addr.name) : NULL;
			rec->have = cJSON_Duplicate(si->attributes, 1);
			continue;
		}
		/* read-only look-ups (plan runs this beside the configuration's
		 * validation, cmd_plan.c), the state's instances grouped by resource */
		if (last != NULL && strcmp(last->name, si->addr.name) == 0 &&
		    strcmp(last->type, si->addr.type) == 0)
			rec->res = last;
		else if (r->cfg != NULL)
			rec->res = last = lh_config_resource_find(r->cfg, si->addr.type,
			    si->addr.name);
		rec->moved_from = lh_run_moved_from(r, rec->addr);
		rec->forget = rec->res == NULL && lh_run_forgets(r, &si->addr);
		const char *status = lh_state_inst_status(si);
		rec->tainted = status != NULL && strcmp(status, "tainted") == 0;
		const char *id = state_id(rt, si->attributes);
		/* a forgotten object is not read (Terraform does not refresh it either) */
		if (!r->o.refresh || id == NULL || rec->forget || (tset != NULL &&
		    !res_targeted(r, lh_addr_resource(r->a, &si->addr), tset, ntset))) {
			rec->have = rec->prior;		/* the state's tree, not a copy */
			rec->have_borrowed = true;
			continue;
		}
		rjob *j = &js[nj++];
		memset(j, 0, sizeof *j);
		j->r = r;
		j->rec = rec;
		j->op.kind = LH_OP_READ;
		j->op.rt = rt;
		j->op.addr = rec->addr;
		j->op.id = id;
		j->op.ref = rec->prior;
		j->op.same_ok = true;
		j->op.done = rjob_done;
		j->op.ctx = j;
		if (!rr->quiet)
			progress(r, rec->addr, &rec->id, "refresh", id);
	}
	submit_reads(r, js, nj);
	size_t nread = nj;
	/* 4. import blocks whose target is not in the state yet */
	for (size_t i = 0; i < nimp && r->o.mode == LH_PLAN_NORMAL; i++) {
		lh_import *im = r->cfg->imports[i];
		const lh_rtype *rt = lh_rtype_find(im->to_addr.type);
		if (rt == NULL)
			continue;	/* the configuration check reported it */
		lh_rec *rec = lh_run_rec(r, &im->to_addr, true);
		if (rec->in_state)
			continue;
		if (im->id == NULL || lh_val_is_unknown(im->id) || im->id->type->kind != LH_TY_STRING ||
		    lh_val_is_null(im->id)) {
			lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid import id argument",
			    "The import ID for %s must be a known string.", rec->addr);
			continue;
		}
		rec->import_id = lh_arena_strndup(r->a, im->id->u.str.s, im->id->u.str.len);
		rjob *j = &js[nj++];
		memset(j, 0, sizeof *j);
		j->r = r;
		j->rec = rec;
		j->op.kind = LH_OP_READ;
		j->op.rt = rt;
		j->op.lookup = true;
		j->op.addr = rec->addr;
		j->op.id = rec->import_id;
		j->op.done = import_done;
		j->op.ctx = j;
		if (!rr->quiet)
			progress(r, rec->addr, &rec->id, "import_prepare", rec->import_id);
		lh_rop_submit(&r->rc, &j->op);
	}
	(void)nread;
	rr->js = js;
	rr->nj = nj;
	return true;
}

/* Waits for the reads refresh_send sent, telling the events it held back first (in
 * the order it would have told them); true when no error was added since errs. */
static bool
refresh_finish(lh_run *r, refresh_reads *rr, int errs)
{
	rjob *js = rr->js;
	size_t nj = rr->nj;
	for (size_t i = 0; rr->quiet && i < nj; i++)
		if (js[i].op.done == rjob_done)
			progress(r, js[i].rec->addr, &js[i].rec->id, "refresh", js[i].op.id);
		else if (js[i].op.done == import_done)
			progress(r, js[i].rec->addr, &js[i].rec->id, "import_prepare",
			    js[i].rec->import_id);
	held_events_flush(r, rr, true);
	if (nj > 0)
		lh_rctx_run(&r->rc);
	lh_run_flush_errors(r);
	for (size_t i = 0; i < nj; i++)
		lh_rop_clear(&js[i].op);
	free(js);
	return r->d->errors == errs;
}

/* ---- values for references ---- */

static void plan_one(lh_run *r, lh_rec *x);

/* An object value of attrs (unknown attributes added, of their type in schema s when
 * it has one: Terraform's "is a string, known only after apply"), each attribute named
 * in sens ({attr:true}, may be NULL) marked sensitive. */
static lh_value *
attrs_value(lh_arena *a, const cJSON *attrs, const cJSON *unknown, const cJSON *sens,
    const lh_schema *s)
{
	size_t n = (size_t)cJSON_GetArraySize(attrs) + (size_t)cJSON_GetArraySize(unknown);
	const char **keys = lh_arena_alloc(a, (n + 1) * sizeof *keys);
	lh_value **vals = lh_arena_alloc(a, (n + 1) * sizeof *vals);
	size_t k = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, attrs) {
		keys[k] = e->string;
		vals[k++] = lh_val_from_cjson(a, e);
	}
	cJSON_ArrayForEach(e, unknown) {
		if (cJSON_GetObjectItemCaseSensitive(attrs, e->string) != NULL)
			continue;
		const lh_attr *at = s != NULL ? lh_schema_attr(s, e->string) : NULL;
		keys[k] = e->string;
		vals[k++] = lh_val_unknown(a, at != NULL && at->type != NULL ? at->type :
		    &lh_type_dynamic);
	}
	for (size_t i = 0; i < k; i++)
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sens, keys[i])))
			vals[i] = lh_val_mark_sensitive(a, vals[i]);
	return lh_val_object(a, keys, vals, k);
}

/* The value references see, with the sensitive marks of where it comes from: the
 * state's sensitive_attributes once applied, the configuration's for a planned value,
 * the prior state's for a refreshed one (a secret never loses its mark on the way). */
static lh_value *
rec_value(lh_run *r, lh_arena *a, const lh_rec *x)
{
	if (x->applied != NULL) {
		lh_state_inst *si = lh_state_find(r->st, &x->id);
		cJSON *set = lh_run_sensitive_set(si ? si->sensitive_attributes : NULL);
		lh_value *v = attrs_value(a, x->applied, NULL, set, NULL);
		cJSON_Delete(set);
		return v;
	}
	if (x->planned != NULL || x->planned_unknown != NULL || x->planned_have)
		return attrs_value(a, x->planned_have ? x->have : x->planned, x->planned_unknown,
		    x->inst != NULL ? x->want_sensitive : x->prior_sensitive,
		    x->res != NULL ? x->res->schema : lh_schema_find(x->id.type));
	if (x->have != NULL)
		return attrs_value(a, x->have, NULL, x->prior_sensitive, NULL);
	return NULL;
}

static int
rec_key_cmp(const void *p, const void *q)
{
	const lh_rec *x = *(lh_rec *const *)p, *y = *(lh_rec *const *)q;
	return lh_addr_cmp(&x->id, &y->id);
}

/* The value of a whole resource is built once per state of the run's records: every
 * change to a record bumps r->gen, and 2,000 memberships referring to a resource of 100
 * teams reuse one value instead of building it 2,000 times. */
typedef struct resolve_cache {
	const lh_resource *res;
	lh_arena *a;
	unsigned long gen;
	lh_value *v;
} resolve_cache;

lh_value *
lh_run_resolve(void *ctx, lh_arena *a, const lh_resource *res)
{
	lh_run *r = ctx;
	/* nothing changed since the value was built (which planned every lazy record of
	 * res): reuse it */
	resolve_cache *rc = r->resolve_cache;
	for (size_t i = 0; i < r->nresolve_cache; i++)
		if (rc[i].res == res && rc[i].a == a && rc[i].gen == r->gen)
			return rc[i].v;
	/* planned values computed on first need */
	for (size_t i = 0; i < r->nrecs; i++) {
		lh_rec *x = r->recs[i];
		if (x->res == res && x->inst != NULL && x->lazy && x->applied == NULL) {
			plan_one(r, x);
			x->lazy = false;
		}
	}
	rc = r->resolve_cache;
	size_t n = 0;
	lh_rec **xs = lh_arena_alloc(a, (r->nrecs + 1) * sizeof *xs);
	for (size_t i = 0; i < r->nrecs; i++) {
		lh_rec *x = r->recs[i];
		bool member = x->inst != NULL ||
		    (r->from_plan && (x->applied != NULL || x->have != NULL));
		if (x->res == res && member)
			xs[n++] = x;
	}
	lh_value *v = NULL;
	if (n == 0) {
		v = NULL;
	} else {
		qsort(xs, n, sizeof *xs, rec_key_cmp);
		if (res->mode == LH_EXPAND_ONE) {
			v = rec_value(r, a, xs[0]);
		} else {
			lh_value **vals = lh_arena_alloc(a, n * sizeof *vals);
			const char **keys = lh_arena_alloc(a, n * sizeof *keys);
			for (size_t i = 0; i < n; i++) {
				vals[i] = rec_value(r, a, xs[i]);
				if (vals[i] == NULL)
					vals[i] = lh_val_unknown(a, &lh_type_dynamic);
				keys[i] = xs[i]->id.key ? xs[i]->id.key : "";
			}
			v = res->mode == LH_EXPAND_COUNT ? lh_val_tuple(a, vals, n) :
			    lh_val_object(a, keys, vals, n);
		}
	}
	size_t slot = r->nresolve_cache;
	for (size_t i = 0; i < r->nresolve_cache; i++)
		if (rc[i].res == res && rc[i].a == a)
			slot = i;
	if (slot == r->nresolve_cache) {
		rc = realloc(rc, (r->nresolve_cache + 1) * sizeof *rc);
		if (rc == NULL)
			abort();
		r->resolve_cache = rc;
		r->nresolve_cache++;
	}
	rc[slot] = (resolve_cache){.res = res, .a = a, .gen = r->gen, .v = v};
	return v;
}

/* ---- planning ---- */

/* The run's arena for the records' trees. */
static lh_jpack *
pack_of(lh_run *r)
{
	if (idx_of(r) == NULL)
		idx_grow(r);
	lh_jpack *pk = &idx_of(r)->pack;
	if (pk->a == NULL)
		pk->a = lh_arena_new();
	return pk;
}

/* t (taken) in the run's arena for the records' trees. */
static cJSON *
packed(lh_run *r, cJSON *t)
{
	cJSON *c = lh_json_copy_packed(pack_of(r), t);
	cJSON_Delete(t);
	return c;
}

/* The scratch arena of want_tree's trees (a mark taken before, released once used). */
static lh_arena *
want_arena(lh_run *r)
{
	if (idx_of(r) == NULL)
		idx_grow(r);
	rec_index *ix = idx_of(r);
	if (ix->scratch == NULL)
		ix->scratch = lh_arena_new_scratch();
	return ix->scratch;
}

/* The interned spelling of an argument's name (lh_intern: the trees' keys are, so the
 * plan matches them to the attributes by pointer), remembered by the name's address for
 * the next instances of its block: a hit is checked by content, an address may have
 * been freed and reused.  NULL when lh_intern takes no such name. */
static const char *
key_interned(rec_index *ix, const char *key)
{
	size_t i = (size_t)(((uintptr_t)key >> 3) * 0x9E3779B97F4A7C15u >> 58);
	if (ix->keys[i].k == key && ix->keys[i].ik != NULL && strcmp(ix->keys[i].ik, key) == 0)
		return ix->keys[i].ik;
	const char *ik = lh_intern(key);
	ix->keys[i].k = key;
	ix->keys[i].ik = ik;
	return ik;
}

/* The instance's arguments as JSON, those set and known, in a (read-only, as
 * json_arena.h's trees: made and dropped for each record without malloc).  A string
 * argument's node reads the value's own text (the tree never outlives the instance: a
 * plan keeps a copy, plan_create_shared). */
static cJSON *
want_tree(lh_run *r, lh_arena *a, const lh_rec *x)
{
	const lh_value *args = x->inst->args;
	bool obj = args != NULL && (args->type->kind == LH_TY_OBJECT ||
	    args->type->kind == LH_TY_MAP);
	/* the object and a node for each argument, zeroed, in one allocation */
	cJSON *nodes = lh_arena_alloc(a, (1 + (obj ? args->u.map.n : 0)) * sizeof *nodes);
	cJSON *want = &nodes[0];
	want->type = cJSON_Object;
	if (!obj)
		return want;
	rec_index *ix = idx_of(r);
	for (size_t i = 0; i < args->u.map.n; i++) {
		lh_value *v = args->u.map.vals[i];
		if (lh_val_is_null(v) || lh_val_has_unknown(v))
			continue;
		cJSON *j;
		if (v->type->kind == LH_TY_STRING) {
			/* as lh_val_to_cjson_arena's, which copies the text (up to a NUL) */
			j = &nodes[1 + i];
			j->type = cJSON_String;
			j->valuestring = (char *)v->u.str.s;
		} else {
			j = lh_val_to_cjson_arena(a, v);
			if (j == NULL)
				continue;
		}
		/* the attribute names shared, as the state's */
		const char *ik = key_interned(ix, args->u.map.keys[i]);
		if (ik != NULL) {
			j->string = (char *)ik;
			j->type |= cJSON_StringIsConst;
		} else {
			lh_jarena_key(a, j, args->u.map.keys[i]);
		}
		lh_jarena_link(want, j);
	}
	return want;
}

/* The record's want_unknown and want_sensitive from its instance's arguments; a data
 * source's want too.  A managed resource's arguments as JSON are made only while it is
 * planned (want_tree): nothing needs them after the comparison but a create's plan,
 * which copies them (lh_plan_make_from) - 10,000 unchanged users' were ~6 MB kept to
 * the end. */
static void
want_of(lh_run *r, lh_rec *x)
{
	/* an earlier want and want_sensitive stay in the arena (records keep theirs
	 * from one evaluation) */
	cJSON_Delete(x->want_unknown);
	x->want_unknown = NULL;
	x->want_sensitive = NULL;
	x->want = NULL;
	cJSON *sens = NULL;
	const lh_value *args = x->inst->args;
	for (size_t i = 0; args != NULL && (args->type->kind == LH_TY_OBJECT ||
	    args->type->kind == LH_TY_MAP) && i < args->u.map.n; i++) {
		const char *k = args->u.map.keys[i];
		lh_value *v = args->u.map.vals[i];
		if (lh_val_has_sensitive(v)) {
			if (sens == NULL)
				sens = cJSON_CreateObject();
			cJSON_AddItemToObject(sens, k, cJSON_CreateTrue());
		}
		if (lh_val_has_unknown(v)) {
			if (x->want_unknown == NULL)
				x->want_unknown = cJSON_CreateObject();
			cJSON_AddItemToObject(x->want_unknown, k, cJSON_CreateTrue());
		}
	}
	if (sens != NULL)
		x->want_sensitive = packed(r, sens);
	if (x->id.data) {
		lh_arena *a = want_arena(r);
		lh_arena_mark m = lh_arena_get_mark(a);
		x->want = lh_json_copy_packed(pack_of(r), want_tree(r, a, x));
		lh_arena_release(a, m);
	}
}

/* x's slot, without its want (the caller's: want_tree). */
static void
slot_of(lh_run *r, lh_rec *x, lh_plan_slot *s)
{
	memset(s, 0, sizeof *s);
	s->addr = x->addr;
	s->type = x->id.type;
	s->name = x->id.name;
	/* (the records' type names are the run's, one per type in a row) */
	rec_index *ix = idx_of(r);
	if (ix == NULL || ix->rt_name != x->id.type) {
		if (ix == NULL) {
			idx_grow(r);
			ix = idx_of(r);
		}
		ix->rt_name = x->id.type;
		ix->rt = lh_rtype_find(x->id.type);
	}
	s->rt = ix->rt;
	s->want_unknown = x->inst ? x->want_unknown : NULL;
	s->want_sensitive = x->inst ? x->want_sensitive : NULL;
	s->prior_sensitive = x->prior_sensitive;
	s->gone_reason = x->gone_reason;
	s->import_id = x->import_id;
	s->prior = x->prior;
	s->have = x->have;
	s->refreshed = x->refreshed;
	s->moved_from = x->moved_from;
	s->forget = x->forget;
	s->tainted = x->tainted;
	s->targeted = true;
	for (size_t k = 0; k < r->nreplace_addrs; k++)
		if (lh_addr_match(&r->replace_addrs[k], &x->id))
			s->replace = true;
	if (x->res != NULL) {
		s->deps = x->res->deps;
		s->ndeps = x->res->ndeps;
		s->ignore_all = x->res->lifecycle->ignore_all;
		s->ignore = x->res->lifecycle->ignore;
		s->nignore = x->res->lifecycle->nignore;
	}
}

static cJSON *
index_json(const lh_addr *id)
{
	if (id->kind == LH_KEY_INT)
		return cJSON_CreateNumber((double)id->index);
	if (id->kind == LH_KEY_STR)
		return cJSON_CreateString(id->key);
	return NULL;
}

/* The planned value of one record alone (for references by later resources). */
static void
plan_one(lh_run *r, lh_rec *x)
{
	lh_plan_slot s;
	slot_of(r, x, &s);
	lh_arena *a = want_arena(r);
	lh_arena_mark m = lh_arena_get_mark(a);
	cJSON *idx = index_json(&x->id);
	s.index = idx;
	s.want = x->inst ? want_tree(r, a, x) : NULL;
	/* the plan borrows the record's trees (freed below, before them) */
	lh_plan *p = lh_plan_make_shared(LH_PLAN_NORMAL, &s, 1);
	lh_rec_unplan(x);
	r->gen++;
	if (p->n == 1) {
		lh_change *c = &p->changes[0];
		if (c->action == LH_ACT_NOOP && c->after != NULL && c->after == x->have &&
		    cJSON_GetArraySize(c->after_unknown) == 0)
			x->planned_have = true;	/* the object as it is: no copy */
		else {
			x->planned = c->after ? cJSON_Duplicate(c->after, 1) : NULL;
			x->planned_unknown = cJSON_Duplicate(c->after_unknown, 1);
		}
	}
	lh_plan_free(p);
	cJSON_Delete(idx);
	lh_arena_release(a, m);
}

/* x's index as a read-only node in the run's arena, its key the record's own string:
 * the plan's changes keep it (lh_plan_make_from's keep_index).  NULL without a key. */
static const cJSON *
index_node(lh_run *r, const lh_rec *x)
{
	if (x->id.kind != LH_KEY_INT && x->id.kind != LH_KEY_STR)
		return NULL;
	cJSON *n = lh_arena_alloc(pack_of(r)->a, sizeof *n);	/* zeroed */
	if (x->id.kind == LH_KEY_INT) {		/* as cJSON_CreateNumber */
		n->type = cJSON_Number;
		n->valuedouble = (double)x->id.index;
		n->valueint = x->id.index > INT_MAX ? INT_MAX : (int)x->id.index;
	} else {
		n->type = cJSON_String;
		n->valuestring = (char *)x->id.key;
	}
	return n;
}

/* lh_run_plan's slots for lh_plan_make_from, made from their records one at a time:
 * the arguments after a mark of the scratch arena, released once planned. */
typedef struct slot_source {
	lh_run *r;
	const bool *replace_dep;	/* by slot: replaced with what it belongs to */
	lh_arena_mark m;
} slot_source;

static void
source_slot(void *ctx, size_t i, lh_plan_slot *s)
{
	slot_source *src = ctx;
	lh_run *r = src->r;
	lh_rec *x = r->slot_rec[i];
	slot_of(r, x, s);
	s->index = index_node(r, x);
	s->targeted = !x->untargeted;
	s->replace_dep = src->replace_dep[i];
	lh_arena *a = want_arena(r);
	src->m = lh_arena_get_mark(a);
	s->want = x->inst != NULL ? want_tree(r, a, x) : NULL;
}

static void
source_done(void *ctx, size_t i)
{
	slot_source *src = ctx;
	lh_arena_release(want_arena(src->r), src->m);
}

/* Whether record x (without an instance) is of a resource in whole[] (its expansion
 * failed, or what it depends on did) or one of the instances ids[k] that failed. */
static bool
failed_rec(lh_run *r, const lh_rec *x, const char **whole, size_t nwhole,
    const lh_addr **ids, const size_t *nids, size_t nres)
{
	for (size_t k = 0; k < nres; k++)
		for (size_t i = 0; i < nids[k]; i++)
			if (lh_addr_equal(&ids[k][i], &x->id))
				return true;
	return nwhole > 0 && res_targeted(r, lh_addr_resource(r->a, &x->id), whole, nwhole);
}

/* Resource addresses (TYPE.NAME) -targeted, plus everything they depend on. */
static bool
res_targeted(lh_run *r, const char *resaddr, const char **set, size_t nset)
{
	for (size_t i = 0; i < nset; i++)
		if (strcmp(set[i], resaddr) == 0)
			return true;
	return false;
}

/* ---- data sources ----
 * A data block's instances are read when the plan reaches them in dependency order, so
 * that what refers to them sees the server's values.  A read waits for apply (Terraform's
 * "<= read") when an argument is not known yet, or when what it depends on has changes
 * pending: anything named by depends_on (transitively, as Terraform), and - beyond
 * Terraform, which would read now and fail - a referenced resource about to be created
 * or replaced, whose object does not exist yet. */

/* The resource (or data block) at address "TYPE.NAME" / "data.TYPE.NAME", or NULL. */
static lh_resource *
res_by_addr(lh_config *cfg, const char *addr)
{
	bool data = strncmp(addr, "data.", 5) == 0;
	const char *t = data ? addr + 5 : addr;
	const char *dot = strchr(t, '.');
	if (dot == NULL)
		return NULL;
	char type[256];
	snprintf(type, sizeof type, "%.*s", (int)(dot - t), t);
	return data ? lh_config_data(cfg, type, dot + 1) : lh_config_resource(cfg, type, dot + 1);
}

/* True when an instance of res has a change planned: any change (strict), or only a
 * create, replacement or deletion (its object is not the one there now). */
static bool
res_pending(lh_run *r, const lh_resource *res, bool strict)
{
	for (size_t i = 0; i < r->nrecs; i++) {
		lh_rec *x = r->recs[i];
		if (x->res != res)
			continue;
		if (res->data) {
			if (x->inst != NULL && x->deferred != LH_READ_NOW)
				return true;
			continue;
		}
		if (x->inst == NULL) {
			if (x->prior != NULL && !x->forget)
				return true;	/* to be deleted */
			continue;
		}
		lh_plan_slot s;
		slot_of(r, x, &s);
		lh_arena *a = want_arena(r);
		lh_arena_mark m = lh_arena_get_mark(a);
		cJSON *idx = index_json(&x->id);
		s.index = idx;
		s.want = want_tree(r, a, x);
		lh_plan *p = lh_plan_make(LH_PLAN_NORMAL, &s, 1);
		lh_action act = p->n == 1 ? p->changes[0].action : LH_ACT_NOOP;
		bool imp = p->n == 1 && p->changes[0].import_id != NULL;
		lh_plan_free(p);
		cJSON_Delete(idx);
		lh_arena_release(a, m);
		if (act == LH_ACT_CREATE || act == LH_ACT_REPLACE || act == LH_ACT_DELETE || imp ||
		    (strict && act != LH_ACT_NOOP))
			return true;
	}
	return false;
}

/* depends_on of res, transitively through what those depend on (Terraform). */
static bool
depends_on_pending(lh_run *r, const lh_resource *res, int depth)
{
	for (size_t i = 0; i < res->ndepends_on && depth < 64; i++) {
		lh_resource *t = res_by_addr(r->cfg, res->depends_on[i]);
		if (t == NULL)
			continue;
		if (res_pending(r, t, true))
			return true;
		for (size_t k = 0; k < t->ndeps; k++) {
			lh_resource *u = res_by_addr(r->cfg, t->deps[k]);
			if (u != NULL && res_pending(r, u, true))
				return true;
			if (u != NULL && depends_on_pending(r, u, depth + 1))
				return true;
		}
	}
	return false;
}

static bool
data_deps_pending(lh_run *r, const lh_resource *res)
{
	if (depends_on_pending(r, res, 0))
		return true;
	for (size_t i = 0; i < res->ndeps; i++) {
		lh_resource *t = res_by_addr(r->cfg, res->deps[i]);
		if (t != NULL && res_pending(r, t, false))
			return true;
	}
	return false;
}

typedef struct djob {
	lh_run *r;
	lh_rec *rec;
	lh_rop op;
	const char *key;	/* the argument it is looked up by */
	double t0;
} djob;

static double
mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
data_progress(lh_run *r, const lh_rec *x, const char *ev, const char *id, double secs)
{
	if (r->o.progress == NULL)
		return;
	cJSON *idx = index_json(&x->id);
	r->o.progress(r->o.progress_ctx, x->addr, x->id.type, x->id.name, idx, ev, id, secs);
	cJSON_Delete(idx);
}

/* s with every occurrence of secret replaced by "(sensitive value)" (arena). */
static const char *
redact(lh_arena *a, const char *s, const char *secret)
{
	if (s == NULL || secret == NULL || *secret == '\0')
		return s;
	char *out = lh_arena_strdup(a, "");
	const char *p;
	while ((p = strstr(s, secret)) != NULL) {
		out = lh_arena_printf(a, "%s%.*s(sensitive value)", out, (int)(p - s), s);
		s = p + strlen(secret);
	}
	return lh_arena_printf(a, "%s%s", out, s);
}

static void
djob_done(lh_rop *op, void *ctx)
{
	djob *j = ctx;
	lh_run *r = j->r;
	lh_rec *x = j->rec;
	/* a lookup value from a sensitive variable never appears in a message */
	bool sens = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x->want_sensitive, j->key));
	bool scoped = x->res != NULL && x->res->check != NULL;
	if (!op->ok) {
		x->failed = true;
		const char *sum = sens ? redact(r->a, op->summary, op->id) : op->summary;
		const char *det = sens ? redact(r->a, op->detail, op->id) : op->detail;
		if (op->cancelled)
			return;
		if (scoped)	/* inside a check block: a warning, as Terraform */
			lh_diag_add(r->d, LH_DIAG_WARNING, NULL, 0, 0, sum ? sum : "Error reading data source",
			    det ? "%s" : NULL, det);
		else
			lh_run_error(r, op->addr, sum, det);
		return;
	}
	if (op->gone) {
		x->failed = true;
		const lh_arg_range *ar = x->inst ? lh_instance_arg(x->inst, j->key) : NULL;
		lh_diag *g = lh_diag_add(r->d, scoped ? LH_DIAG_WARNING : LH_DIAG_ERROR,
		    ar ? lh_arg_src(x->inst, ar) : NULL, ar ? ar->start : 0, ar ? ar->end : 0, "Data source object not found",
		    "%s: LiteLLM has no %s object with %s %s%s%s.", x->addr, x->id.type, j->key,
		    sens ? "" : "\"", sens ? "(sensitive value)" : op->id, sens ? "" : "\"");
		g->context = x->res ? x->res->context : NULL;
		return;
	}
	cJSON_Delete(x->have);
	x->have = op->attrs;
	op->attrs = NULL;
	lh_rec_unplan(x);
	x->planned = cJSON_Duplicate(x->have, 1);
	x->refreshed = true;
	x->deferred = LH_READ_NOW;
	r->gen++;
	const lh_rtype *rt = op->rt;
	data_progress(r, x, "read_done", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x->have,
	    rt->id_attr)), mono_now() - j->t0);
}

/* Reads xs[0..n) (instances of one data block, arguments known) in parallel. */
static bool
read_data(lh_run *r, lh_rec **xs, size_t n)
{
	int errs = r->d->errors;
	if (n == 0)
		return true;
	if (!lh_run_http(r))
		return false;
	djob *js = calloc(n, sizeof *js);
	if (js == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		lh_rec *x = xs[i];
		const lh_rtype *rt = lh_rtype_find(x->id.type);
		djob *j = &js[i];
		j->r = r;
		j->rec = x;
		for (size_t k = 0; rt->data_keys[k] != NULL && j->key == NULL; k++)
			if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(x->want, rt->data_keys[k])))
				j->key = rt->data_keys[k];
		if (j->key == NULL) {
			x->failed = true;	/* the configuration check reported it */
			continue;
		}
		j->op.kind = LH_OP_READ;
		j->op.rt = rt;
		j->op.addr = x->addr;
		j->op.id = cJSON_GetObjectItemCaseSensitive(x->want, j->key)->valuestring;
		j->op.by = strcmp(j->key, rt->data_keys[0]) == 0 ? NULL : j->key;
		/* the server's values as they are now (a provider's data source): the last
		 * read's spelling is not kept for a value of the same meaning */
		j->op.ref = NULL;
		j->op.done = djob_done;
		j->op.ctx = j;
		j->t0 = mono_now();
		data_progress(r, x, "read", NULL, 0);
		if (!lh_rop_submit(&r->rc, &j->op)) {
			x->failed = true;
			lh_run_error(r, x->addr, "Error reading data source", "The request could not be queued.");
		}
	}
	lh_rctx_run(&r->rc);
	lh_run_flush_errors(r);
	bool cancelled = false;
	for (size_t i = 0; i < n; i++) {
		cancelled = cancelled || js[i].op.cancelled;
		lh_rop_clear(&js[i].op);
	}
	free(js);
	if (cancelled) {
		lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "Operation cancelled",
		    "litehcl was interrupted while reading data sources.");
		return false;
	}
	/* postconditions on what was read */
	for (size_t i = 0; i < n; i++) {
		lh_rec *x = xs[i];
		if (x->failed || x->inst == NULL || x->res->lifecycle->npost == 0)
			continue;
		lh_config_postconditions(r->cfg, x->inst, rec_value(r, r->a, x), lh_run_resolve, r, r->d);
	}
	return r->d->errors == errs;
}

/* {attr:true} for every attribute of rt that want does not give. */
static cJSON *
unknown_attrs(const lh_rtype *rt, const cJSON *want)
{
	cJSON *u = cJSON_CreateObject();
	for (size_t i = 0; i < rt->n; i++)
		if (cJSON_GetObjectItemCaseSensitive(want, rt->attrs[i].name) == NULL)
			cJSON_AddItemToObject(u, rt->attrs[i].name, cJSON_CreateTrue());
	return u;
}

/* The data reads the plan has collected but not sent yet: independent data blocks are
 * read together (in parallel), before anything that refers to one of them. */
typedef struct dpend {
	lh_rec **v;
	size_t n, cap;
	const lh_resource **res;	/* the blocks they belong to */
	size_t nres, capres;
} dpend;

/* True when res refers to (or depends on) a data block with reads not sent yet. */
static bool
dpend_needed(const dpend *p, const lh_resource *res)
{
	for (size_t i = 0; i < res->ndeps; i++)
		for (size_t k = 0; k < p->nres; k++)
			if (strcmp(res->deps[i], p->res[k]->addr) == 0)
				return true;
	return false;
}

/* Sends the collected reads; false after errors (every one's reported). */
static bool
dpend_flush(lh_run *r, dpend *p)
{
	if (p->n == 0 && p->nres == 0)
		return true;
	/* their postconditions as the run treats conditions (targeted blocks only) */
	lh_config_set_conditions(r->cfg, r->o.mode == LH_PLAN_REFRESH_ONLY ? LH_COND_WARN :
	    LH_COND_ERROR);
	bool ok = read_data(r, p->v, p->n);
	p->n = p->nres = 0;
	return ok;
}

static void
dpend_free(dpend *p)
{
	free(p->v);
	free(p->res);
}

/* Expands data block res; its instances are read with the next dpend_flush (added to
 * p), or marked for apply. */
static bool
plan_data(lh_run *r, lh_resource *res, dpend *pd)
{
	int errs = r->d->errors;
	size_t n = 0;
	lh_instance **in = lh_config_expand(r->cfg, res, lh_run_resolve, r, r->d, &n);
	if (in == NULL && r->d->errors > errs)
		return false;
	bool pending = r->o.mode == LH_PLAN_NORMAL && data_deps_pending(r, res);
	lh_rec **now = lh_arena_alloc(r->a, (n + 1) * sizeof *now);
	size_t nn = 0;
	for (size_t k = 0; k < n; k++) {
		lh_rec *x = lh_run_rec(r, &in[k]->id, true);
		x->res = res;
		x->inst = in[k];
		x->lazy = false;
		r->gen++;
		want_of(r, x);
		lh_rec_unplan(x);
		if (cJSON_GetArraySize(x->want_unknown) > 0)
			x->deferred = LH_READ_CONFIG_UNKNOWN;
		else if (pending)
			x->deferred = LH_READ_DEPENDENCY_PENDING;
		else
			x->deferred = LH_READ_NOW;
		if (x->deferred != LH_READ_NOW && r->o.mode != LH_PLAN_NORMAL) {
			/* nothing is applied after a destroy or refresh-only plan: not read,
			 * references see what the state holds */
			x->deferred = LH_READ_NOW;
			continue;
		}
		if (x->deferred == LH_READ_NOW) {
			now[nn++] = x;
			continue;
		}
		/* known after apply: the known arguments, everything else unknown */
		x->planned = cJSON_Duplicate(x->want, 1);
		x->planned_unknown = unknown_attrs(lh_rtype_find(x->id.type), x->want);
	}
	if (nn > 0) {
		if (pd->n + nn > pd->cap) {
			pd->cap = (pd->n + nn) * 2;
			pd->v = realloc(pd->v, pd->cap * sizeof *pd->v);
		}
		if (pd->nres + 1 > pd->capres) {
			pd->capres = (pd->nres + 1) * 2;
			pd->res = realloc(pd->res, pd->capres * sizeof *pd->res);
		}
		if (pd->v == NULL || pd->res == NULL)
			abort();
		memcpy(pd->v + pd->n, now, nn * sizeof *now);
		pd->n += nn;
		pd->res[pd->nres++] = res;
	}
	return r->d->errors == errs;
}

/* r->plan->reads from the deferred data sources. */
static void
plan_reads(lh_run *r)
{
	size_t n = 0;
	lh_rec **xs = lh_run_deferred_reads(r, &n);
	if (n == 0) {
		free(xs);
		return;
	}
	lh_plan *p = r->plan;
	p->reads = calloc(n, sizeof *p->reads);
	if (p->reads == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		lh_rec *x = xs[i];
		lh_change *c = &p->reads[p->nreads++];
		c->addr = x->addr;
		c->type = x->id.type;
		c->name = x->id.name;
		c->index = index_json(&x->id);
		c->rt = lh_rtype_find(x->id.type);
		c->action = LH_ACT_NOOP;
		c->read = x->deferred == LH_READ_CONFIG_UNKNOWN ? 1 : 2;
		c->after = cJSON_Duplicate(x->want, 1);
		/* unknown arguments are absent from want and listed in want_unknown */
		c->after_unknown = unknown_attrs(c->rt, x->want);
		c->before_sensitive = cJSON_CreateObject();
		c->after_sensitive = x->want_sensitive ? cJSON_Duplicate(x->want_sensitive, 1) :
		    cJSON_CreateObject();
		c->deps = x->res ? x->res->deps : NULL;
		c->ndeps = x->res ? x->res->ndeps : 0;
	}
	free(xs);
}

static int
rec_addr_cmp(const void *p, const void *q)
{
	return lh_addr_cmp(&(*(lh_rec *const *)p)->id, &(*(lh_rec *const *)q)->id);
}

lh_rec **
lh_run_deferred_reads(const lh_run *r, size_t *n)
{
	lh_rec **xs = calloc(r->nrecs + 1, sizeof *xs);
	if (xs == NULL)
		abort();
	*n = 0;
	for (size_t i = 0; i < r->nrecs; i++)
		if (r->recs[i]->id.data && r->recs[i]->inst != NULL &&
		    r->recs[i]->deferred != LH_READ_NOW)
			xs[(*n)++] = r->recs[i];
	qsort(xs, *n, sizeof *xs, rec_addr_cmp);
	return xs;
}

bool
lh_run_read_data(lh_run *r, lh_resource *res)
{
	int errs = r->d->errors;
	size_t nd = 0;
	for (size_t i = 0; i < r->nrecs; i++)
		if (r->recs[i]->res == res && r->recs[i]->deferred != LH_READ_NOW)
			nd++;
	if (nd == 0)
		return true;
	/* its arguments again, now that what they refer to is applied */
	size_t n = 0;
	lh_instance **in = lh_config_expand(r->cfg, res, lh_run_resolve, r, r->d, &n);
	lh_rec **xs = lh_arena_alloc(r->a, (n + 1) * sizeof *xs);
	size_t m = 0;
	for (size_t k = 0; in != NULL && k < n; k++) {
		lh_rec *x = lh_run_rec(r, &in[k]->id, false);
		if (x == NULL || x->deferred == LH_READ_NOW)
			continue;
		x->inst = in[k];
		want_of(r, x);
		if (cJSON_GetArraySize(x->want_unknown) > 0) {
			x->failed = true;
			lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "Argument value not known",
			    "An argument of %s depends on a value that is still unknown after its "
			    "dependencies were applied.", x->addr);
			continue;
		}
		xs[m++] = x;
	}
	if (in == NULL || r->d->errors > errs) {
		for (size_t i = 0; i < r->nrecs; i++)
			if (r->recs[i]->res == res)
				r->recs[i]->failed = true;
		return false;
	}
	bool ok = read_data(r, xs, m);
	for (size_t i = 0; i < m; i++) {
		lh_rec *x = xs[i];
		if (x->failed || x->have == NULL)
			continue;
		lh_state_set(r->st, &x->id, cJSON_Duplicate(x->have, 1), NULL,
		    lh_run_sensitive_paths(x->want_sensitive));
	}
	return ok && r->d->errors == errs;
}

void
lh_run_store_data(lh_run *r)
{
	for (size_t i = 0; i < r->nrecs; i++) {
		lh_rec *x = r->recs[i];
		if (!x->id.data)
			continue;
		if (r->o.mode == LH_PLAN_DESTROY) {
			/* a destroy leaves no data source behind (Terraform) */
			if (lh_state_find(r->st, &x->id) != NULL)
				lh_state_remove(r->st, &x->id);
			continue;
		}
		if (x->refreshed && x->have != NULL) {
			lh_state_set(r->st, &x->id, cJSON_Duplicate(x->have, 1), NULL,
			    lh_run_sensitive_paths(x->inst != NULL ? x->want_sensitive : x->prior_sensitive));
			continue;
		}
		if (x->deferred != LH_READ_NOW)
			continue;	/* read during apply, recorded then */
		/* not configured any more (or destroyed with everything else); one left out
		 * of a -target run, or of a saved plan's, keeps its value */
		bool kept = x->inst != NULL || ((r->o.ntargets > 0 || r->from_plan) &&
		    x->res != NULL && r->o.mode != LH_PLAN_DESTROY);
		if (!kept && x->in_state)
			lh_state_remove(r->st, &x->id);
	}
}

bool
lh_run_plan(lh_run *r)
{
	int errs = r->d->errors;
	lh_config *cfg = r->cfg;
	/* parse -target / -replace */
	size_t nt = r->o.ntargets, nr = r->o.nreplaces;
	lh_addr *targets = lh_arena_alloc(r->a, (nt + 1) * sizeof *targets);
	lh_addr *replaces = lh_arena_alloc(r->a, (nr + 1) * sizeof *replaces);
	for (size_t i = 0; i < nt; i++) {
		const char *err = NULL;
		if (!lh_addr_parse_any(r->a, r->o.targets[i], &targets[i], &err)) {
			lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid target address",
			    "%s: %s", r->o.targets[i], err);
			return false;
		}
	}
	for (size_t i = 0; i < nr; i++) {
		const char *err = NULL;
		if (!lh_addr_parse(r->a, r->o.replaces[i], &replaces[i], &err)) {
			lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid replace address",
			    "%s: %s", r->o.replaces[i], err);
			return false;
		}
	}
	r->replace_addrs = replaces;
	r->nreplace_addrs = nr;
	/* targeted resources and their dependencies (transitively) */
	const char **tset = lh_arena_alloc(r->a, (r->nrecs + (cfg ? cfg->nresources : 0) + nt + 1) *
	    sizeof *tset);
	size_t ntset = 0;
	if (nt > 0) {
		for (size_t i = 0; i < nt; i++) {
			char *ra = lh_addr_resource(r->a, &targets[i]);
			if (!res_targeted(r, ra, tset, ntset))
				tset[ntset++] = ra;
		}
		for (size_t k = 0; k < ntset; k++) {
			lh_resource *res = cfg ? res_by_addr(cfg, tset[k]) : NULL;
			for (size_t j = 0; res != NULL && j < res->ndeps; j++)
				if (!res_targeted(r, res->deps[j], tset, ntset))
					tset[ntset++] = res->deps[j];
		}
	}
	/* expand in dependency order; data sources are read as they are reached.  A
	 * resource whose expansion fails (a precondition, a for_each the refreshed
	 * values make invalid) is left out, with what depends on it, and the others are
	 * still planned: the run fails after making that partial plan (Terraform's). */
	bool data_failed = false;
	dpend pd = {0};
	size_t nres = cfg ? cfg->nresources : 0;
	const char **failed = lh_arena_alloc(r->a, (nres + 1) * sizeof *failed);
	const char **whole = lh_arena_alloc(r->a, (nres + 1) * sizeof *whole);
	size_t nfailed = 0, nwhole = 0;
	const lh_addr **failed_ids = lh_arena_alloc(r->a, (nres + 1) * sizeof *failed_ids);
	size_t *nfailed_ids = lh_arena_alloc(r->a, (nres + 1) * sizeof *nfailed_ids);
	size_t nfid = 0;	/* resources some of whose instances failed */
	for (size_t i = 0; cfg != NULL && i < cfg->nresources; i++) {
		lh_resource *res = cfg->resources[i];
		bool upstream = false;
		for (size_t k = 0; k < res->ndeps && nfailed > 0 && !upstream; k++)
			upstream = res_targeted(r, res->deps[k], failed, nfailed);
		if (upstream) {
			failed[nfailed++] = res->addr;
			whole[nwhole++] = res->addr;
			continue;
		}
		if (dpend_needed(&pd, res) && !dpend_flush(r, &pd))
			data_failed = true;
		/* conditions as Terraform evaluates them: not for a destroy nor for what a
		 * -target leaves out, as warnings in a refresh-only run */
		lh_config_set_conditions(cfg, r->o.mode == LH_PLAN_DESTROY ||
		    (nt > 0 && !res_targeted(r, res->addr, tset, ntset)) ? LH_COND_OFF :
		    r->o.mode == LH_PLAN_REFRESH_ONLY ? LH_COND_WARN : LH_COND_ERROR);
		if (res->data) {
			/* a destroy reads them too (Terraform refreshes first): what is
			 * destroyed may be keyed by their values */
			if (nt > 0 && !res_targeted(r, res->addr, tset, ntset))
				continue;
			/* every data source's problem at once; what depends on a failed one
			 * sees it unknown until the run stops below */
			if (!plan_data(r, res, &pd))
				data_failed = true;
			continue;
		}
		size_t n = 0;
		int res_errs = r->d->errors;
		lh_instance **in = lh_config_expand(cfg, res, lh_run_resolve, r, r->d, &n);
		if (in == NULL && r->d->errors > res_errs) {
			/* what depends on it is left out; so are its instances that failed,
			 * the others planned */
			failed[nfailed++] = res->addr;
			const lh_addr *fids = NULL;
			in = lh_config_expand_partial(cfg, &n, &fids, &nfailed_ids[nfid]);
			if (nfailed_ids[nfid] == 0) {
				whole[nwhole++] = res->addr;
				continue;
			}
			failed_ids[nfid++] = fids;
		}
		uint64_t res_h = n > 0 ? addr_hash_res(&in[0]->id) : 0;	/* (one resource) */
		for (size_t k = 0; k < n; k++) {
			lh_rec *x = rec_get(r, &in[k]->id, true, NULL, false, &res_h);
			x->res = res;
			x->inst = in[k];
			r->gen++;
			want_of(r, x);
			/* its planned value is computed when something refers to it */
			lh_rec_unplan(x);
			x->lazy = true;
		}
	}
	if (cfg != NULL && !dpend_flush(r, &pd))
		data_failed = true;
	dpend_free(&pd);
	int expand_errs = r->d->errors;	/* the failed expansions' */
	bool refs = false;	/* validate saw every value unless a resource refers to another */
	for (size_t i = 0; cfg != NULL && i < cfg->nresources && !refs; i++)
		refs = !cfg->resources[i]->data && cfg->resources[i]->ndeps > 0;
	if (refs) {
		/* cross-instance rules over values validate could not know (from the state) */
		lh_instance **all = lh_arena_alloc(r->a, (r->nrecs + 1) * sizeof *all);
		size_t nall = 0;
		for (size_t i = 0; i < r->nrecs; i++)
			if (r->recs[i]->inst != NULL && !r->recs[i]->id.data)
				all[nall++] = r->recs[i]->inst;
		lh_config_check_known(cfg, all, nall, r->d);
		if (r->d->errors > expand_errs)
			return false;
	}
	if (cfg != NULL)
		lh_config_set_conditions(cfg, LH_COND_ERROR);
	if (data_failed)
		return false;
	/* the plan's slots are made from the records as it reaches them (source_slot):
	 * 168 bytes an instance never held all at once, 17 MB for 100,000 */
	r->slot_rec = calloc(r->nrecs + 1, sizeof *r->slot_rec);
	if (r->slot_rec == NULL)
		abort();
	for (size_t i = 0; i < r->nrecs; i++) {
		lh_rec *x = r->recs[i];
		if (x->id.data)
			continue;	/* read, never changed: see plan_data */
		if (nfailed > 0 && x->inst == NULL && failed_rec(r, x, whole, nwhole, failed_ids,
		    nfailed_ids, nfid))
			continue;	/* not planned: its resource or itself failed */
		if (x->inst == NULL && x->res != NULL && x->prior != NULL) {
			bool is_int = x->id.kind == LH_KEY_INT, is_str = x->id.kind == LH_KEY_STR;
			if (x->res->mode == LH_EXPAND_COUNT && is_int)
				x->gone_reason = LH_REASON_COUNT_INDEX;
			else if (x->res->mode == LH_EXPAND_FOR_EACH && is_str)
				x->gone_reason = LH_REASON_EACH_KEY;
			else
				x->gone_reason = LH_REASON_WRONG_REPETITION;
		} else if (x->inst == NULL) {
			x->gone_reason = LH_REASON_NO_RESOURCE_CONFIG;
		}
		if (x->import_id != NULL && x->inst == NULL) {
			lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0,
			    "Configuration for import target does not exist",
			    "The configuration for the given import %s does not exist. All "
			    "target instances must have an associated configuration to be imported.",
			    x->addr);
			continue;
		}
		bool targeted = true;
		if (nt > 0) {
			bool hit = false;
			for (size_t k = 0; k < nt && !hit; k++)
				hit = lh_addr_match(&targets[k], &x->id);
			if (!hit) {
				char *ra = lh_addr_resource(r->a, &x->id);
				hit = res_targeted(r, ra, tset, ntset) && x->inst != NULL &&
				    r->o.mode != LH_PLAN_DESTROY;
				/* dependencies of a target are included, not its siblings */
				bool direct = false;
				for (size_t k = 0; k < nt; k++)
					if (strcmp(lh_addr_resource(r->a, &targets[k]), ra) == 0)
						direct = true;
				if (direct)
					hit = false;
			}
			targeted = hit;
		}
		x->untargeted = !targeted;
		r->slot_rec[r->nslots] = x;
		r->nslots++;
	}
	if (r->d->errors > expand_errs)
		return false;
	bool *replace_dep = lh_xmalloc(r->nslots + 1);
	memset(replace_dep, 0, r->nslots + 1);
	slot_source sw = {.r = r, .replace_dep = replace_dep};
	lh_plan_source src = {.slot = source_slot, .done = source_done, .ctx = &sw,
	    .keep_index = true};
	r->plan = lh_plan_make_from(r->o.mode, r->nslots, &src);
	/* objects that die with what they refer to (memberships of a replaced team or
	 * user) are replaced with it; repeated while that adds replacements */
	for (int round = 0; round < 8 && r->o.mode == LH_PLAN_NORMAL; round++) {
		bool again = false;
		/* the replacements, listed once: most plans have none (a no-op plan of
		 * thousands of memberships must not compare every pair) */
		size_t nrep = 0;
		size_t *reps = lh_xmalloc((r->plan->n ? r->plan->n : 1) * sizeof *reps);
		for (size_t k = 0; k < r->plan->n; k++)
			if (r->plan->changes[k].action == LH_ACT_REPLACE)
				reps[nrep++] = k;
		for (size_t i = 0; i < r->plan->n && nrep > 0; i++) {
			const lh_change *c = &r->plan->changes[i];
			if (!c->rt->dies_with_deps || c->before == NULL || replace_dep[c->slot] ||
			    (c->action != LH_ACT_NOOP && c->action != LH_ACT_UPDATE))
				continue;
			lh_plan_slot sl, *s = &sl;
			slot_of(r, r->slot_rec[c->slot], s);
			if (s->replace)
				continue;
			for (size_t ri = 0; ri < nrep && !replace_dep[c->slot]; ri++) {
				const lh_change *d = &r->plan->changes[reps[ri]];
				if (d == c)
					continue;
				const char *did = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
				    d->before, d->rt->id_attr));
				char *dres = lh_addr_resource(r->a, &r->slot_rec[d->slot]->id);
				bool dep = false;
				for (size_t m = 0; m < s->ndeps && !dep; m++)
					dep = strcmp(s->deps[m], dres) == 0;
				const cJSON *e;
				cJSON_ArrayForEach(e, c->before)
					if (dep && did != NULL && cJSON_IsString(e) &&
					    strcmp(e->valuestring, did) == 0 && strcmp(e->string, c->rt->id_attr) != 0)
						replace_dep[c->slot] = true;
			}
			again = again || replace_dep[c->slot];
		}
		free(reps);
		if (!again)
			break;
		lh_plan_free(r->plan);
		r->plan = lh_plan_make_from(r->o.mode, r->nslots, &src);
	}
	free(replace_dep);
	plan_reads(r);
	/* lifecycle prevent_destroy: a configured instance may not be destroyed */
	for (size_t i = 0; i < r->plan->n; i++) {
		const lh_change *c = &r->plan->changes[i];
		lh_rec *x = r->slot_rec[c->slot];
		if ((c->action == LH_ACT_DELETE || c->action == LH_ACT_REPLACE) &&
		    x->res != NULL && x->res->lifecycle->prevent_destroy) {
			/* Terraform 1.11's words, at the block's declaration (its header, no
			 * "in ..." context) */
			lh_diag *g = lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0,
			    "Instance cannot be destroyed",
			    "Resource %s has lifecycle.prevent_destroy set, but the plan calls for "
			    "this resource to be destroyed. To avoid this error and continue with "
			    "the plan, either disable lifecycle.prevent_destroy or reduce the scope "
			    "of the plan using the -target option.", c->addr);
			const lh_node *b = x->res->block;
			if (b != NULL && b->src != NULL) {
				g->src = b->src;
				g->start = b->u.block.type_start;
				g->end = b->u.block.nlabels > 0 ?
				    b->u.block.labels[b->u.block.nlabels - 1].end : b->u.block.type_end;
			}
			if (!res_targeted(r, x->res->addr, failed, nfailed))
				failed[nfailed++] = x->res->addr;	/* (for the outputs) */
		}
	}
	/* postconditions on the planned (or unchanged) objects, where already known; on
	 * the refreshed ones as warnings in a refresh-only run (Terraform); none for a
	 * destroy or for what a -target leaves out */
	bool refresh_only = r->o.mode == LH_PLAN_REFRESH_ONLY;
	if (refresh_only)
		lh_config_set_conditions(cfg, LH_COND_WARN);
	for (size_t i = 0; (r->o.mode == LH_PLAN_NORMAL || refresh_only) && i < r->nrecs; i++) {
		lh_rec *x = r->recs[i];
		if (x->inst == NULL || x->res->lifecycle->npost == 0 || x->untargeted || x->id.data)
			continue;
		if (refresh_only) {
			if (x->have != NULL)
				lh_config_postconditions(cfg, x->inst, attrs_value(r->a, x->have, NULL,
				    x->prior_sensitive, NULL), lh_run_resolve, r, r->d);
			continue;
		}
		if (x->lazy && x->applied == NULL) {
			plan_one(r, x);
			x->lazy = false;
		}
		int post_errs = r->d->errors;
		lh_config_postconditions(cfg, x->inst, rec_value(r, r->a, x), lh_run_resolve, r, r->d);
		if (r->d->errors > post_errs && !res_targeted(r, x->res->addr, failed, nfailed))
			failed[nfailed++] = x->res->addr;	/* (for the outputs) */
	}
	if (refresh_only && nt == 0) {
		/* the outputs' preconditions warn too (their values are not planned here) */
		size_t no = 0;
		lh_diags quiet;
		lh_diags_init(&quiet, r->a);
		lh_config_outputs(cfg, lh_run_resolve, r, &quiet, &no);
		for (lh_diag *g = quiet.head; g != NULL; g = g->next)
			if (g->sev == LH_DIAG_WARNING && strcmp(g->summary,
			    "Module output value precondition failed") == 0) {
				lh_diag *c = lh_diag_add(r->d, LH_DIAG_WARNING, g->src, g->start, g->end,
				    g->summary, g->detail ? "%s" : NULL, g->detail);
				c->context = g->context;
			}
	}
	if (refresh_only)
		lh_config_set_conditions(cfg, LH_COND_ERROR);
	/* a partial plan goes on with the outputs that do not depend on what failed */
	if (r->d->errors > errs && nfailed == 0)
		return false;
	/* what LiteLLM deletes along with an object (keys, memberships): one warning per
	 * type, naming the instances */
	for (const lh_rtype *const *t = lh_rtypes(); *t != NULL; t++) {
		if ((*t)->delete_warning == NULL)
			continue;
		size_t n = 0;
		char *why = NULL;
		char *list = lh_arena_strdup(r->a, "");
		for (size_t i = 0; i < r->plan->n; i++) {
			const lh_change *c = &r->plan->changes[i];
			if (c->rt != *t || (c->action != LH_ACT_DELETE && c->action != LH_ACT_REPLACE))
				continue;
			if (why == NULL)
				why = (*t)->delete_warning(c->before);
			if (n < 5)
				list = lh_arena_printf(r->a, "%s%s%s", list, n ? ", " : "", c->addr);
			n++;
		}
		if (n == 0) {
			free(why);
			continue;
		}
		lh_diag_add(r->d, LH_DIAG_WARNING, NULL, 0, 0,
		    lh_arena_printf(r->a, "Deleting %zu %s", n, (*t)->type_name),
		    "%s\n\nThis plan deletes %s%s.", why ? why : "", list,
		    n > 5 ? lh_arena_printf(r->a, " and %zu more", n - 5) : "");
		free(why);
	}
	/* outputs */
	const cJSON *souts = lh_state_outputs(r->st);
	if (r->o.mode == LH_PLAN_DESTROY || cfg == NULL) {
		const cJSON *e;
		cJSON_ArrayForEach(e, souts) {
			if (r->o.mode != LH_PLAN_DESTROY)
				break;
			lh_plan_add_output(r->plan, e->string,
			    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(e, "value"), 1), NULL,
			    false, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "sensitive")));
		}
	} else if (r->o.mode == LH_PLAN_NORMAL && nt == 0) {
		size_t no = 0;
		int out_errs = r->d->errors;
		lh_diags quiet;
		lh_diags_init(&quiet, r->a);
		lh_output **outs = lh_config_outputs(cfg, lh_run_resolve, r,
		    nfailed > 0 ? &quiet : r->d, &no);
		/* in a partial plan, an output that depends on what failed is not shown,
		 * nor are its problems (Terraform does not evaluate it) */
		bool *skip = lh_arena_alloc(r->a, (no ? no : 1) * sizeof *skip);
		for (size_t i = 0; i < no && nfailed > 0; i++)
			skip[i] = lh_refs_reach(cfg, outs[i]->block->u.block.body, failed, nfailed);
		const char **gone = lh_arena_alloc(r->a, (no ? no : 1) * sizeof *gone);
		size_t ngone = 0;	/* the skipped outputs' diagnostic contexts */
		for (size_t i = 0; i < no; i++)
			if (skip[i])
				gone[ngone++] = lh_arena_printf(r->a, "output \"%s\"", outs[i]->name);
		for (lh_diag *g = quiet.head, *next; g != NULL; g = next) {
			next = g->next;
			bool keep = true;
			for (size_t i = 0; i < ngone && keep && g->context != NULL; i++)
				keep = strcmp(g->context, gone[i]) != 0;
			if (keep)
				lh_diags_append(r->d, g);
		}
		if (r->d->errors > out_errs)
			return false;
		for (size_t i = 0; i < no; i++) {
			lh_output *o = outs[i];
			if (skip[i])
				continue;
			bool sens = false;
			const cJSON *before = lh_state_output_get(r->st, o->name, &sens);
			cJSON *after = NULL, *mask = NULL;
			bool unknown = o->value == NULL || lh_val_has_unknown(o->value);
			if (!unknown) {
				const char *err = NULL;
				after = lh_val_to_cjson(o->value, &err);
			} else if (o->value != NULL && !lh_val_is_unknown(o->value)) {
				/* partly known: Terraform shows the known part (render.h) */
				after = lh_render_partial_json(o->value, &mask);
				unknown = after == NULL;
			}
			bool sensitive = o->sensitive || (o->value && lh_val_has_sensitive(o->value));
			lh_plan_add_output(r->plan, o->name,
			    before ? cJSON_Duplicate(before, 1) : NULL, after, unknown, sensitive);
			if (mask != NULL)
				lh_plan_output_partial(r->plan, mask);
		}
		const cJSON *e;
		cJSON_ArrayForEach(e, souts) {
			bool found = false;
			for (size_t i = 0; i < no; i++)
				if (strcmp(outs[i]->name, e->string) == 0)
					found = true;	/* (one skipped is not removed either) */
			if (!found)
				lh_plan_add_output(r->plan, e->string,
				    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(e, "value"), 1),
				    NULL, false,
				    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "sensitive")));
		}
	}
	lh_plan_finish(r->plan);
	r->plan->targeted = nt > 0;
	return r->d->errors == errs;
}

bool
lh_run_postconditions(lh_run *r)
{
	if (r->cfg == NULL || r->o.mode != LH_PLAN_NORMAL)
		return true;
	int errs = r->d->errors;
	for (size_t i = 0; i < r->nrecs; i++) {
		lh_rec *x = r->recs[i];
		const lh_instance *in = x->reeval ? x->reeval : x->inst;
		if (in == NULL || x->applied == NULL || in->res->lifecycle->npost == 0 ||
		    x->untargeted || x->id.data)
			continue;
		lh_config_postconditions(r->cfg, in, rec_value(r, r->a, x), lh_run_resolve, r, r->d);
	}
	return r->d->errors == errs;
}

/* ---- data sources in saved plans ---- */

cJSON *
lh_run_data_to_json(const lh_run *r)
{
	cJSON *j = cJSON_CreateObject(), *read = cJSON_CreateArray(), *later = cJSON_CreateArray();
	for (size_t i = 0; i < r->nrecs; i++) {
		const lh_rec *x = r->recs[i];
		if (!x->id.data || x->inst == NULL || x->deferred != LH_READ_NOW || !x->refreshed ||
		    x->have == NULL)
			continue;
		cJSON *e = cJSON_CreateObject();
		cJSON_AddItemToObject(e, "addr", cJSON_CreateString(x->addr));
		/* a plan file holds no secret: looked up by a sensitive value, it is read
		 * again when the plan is applied */
		if (x->want_sensitive != NULL && x->want_sensitive->child != NULL)
			cJSON_AddItemToObject(e, "reread", cJSON_CreateTrue());
		else
			cJSON_AddItemToObject(e, "attrs", cJSON_Duplicate(x->have, 1));
		cJSON_AddItemToArray(read, e);
	}
	size_t n = 0;
	lh_rec **xs = lh_run_deferred_reads(r, &n);	/* in address order */
	for (size_t i = 0; i < n; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddItemToObject(e, "addr", cJSON_CreateString(xs[i]->addr));
		cJSON_AddItemToObject(e, "read", cJSON_CreateNumber(xs[i]->deferred));
		cJSON_AddItemToObject(e, "after", cJSON_Duplicate(xs[i]->want, 1));
		cJSON_AddItemToArray(later, e);
	}
	free(xs);
	cJSON_AddItemToObject(j, "read", read);
	cJSON_AddItemToObject(j, "deferred", later);
	return j;
}

bool
lh_run_data_from_json(lh_run *r, const cJSON *j)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(j, "read")) {
		const char *addr = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "addr"));
		const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(e, "attrs");
		bool reread = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "reread"));
		lh_addr id;
		const char *err = NULL;
		if (addr == NULL || (!reread && !cJSON_IsObject(attrs)) ||
		    !lh_addr_parse_any(r->a, addr, &id, &err) || !id.data)
			return false;
		lh_rec *x = lh_run_rec(r, &id, true);
		x->res = r->cfg ? lh_config_data(r->cfg, id.type, id.name) : NULL;
		if (reread) {
			/* read during apply, without being shown as a "<= read" */
			x->deferred = LH_READ_CONFIG_UNKNOWN;
			cJSON_Delete(x->have);
			x->have = NULL;
			continue;
		}
		cJSON_Delete(x->have);
		x->have = cJSON_Duplicate(attrs, 1);
		x->refreshed = true;
		x->deferred = LH_READ_NOW;
		r->gen++;
	}
	size_t n = 0;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(j, "deferred"))
		n++;
	lh_plan *p = r->plan;
	if (n > 0 && p != NULL) {
		p->reads = calloc(n, sizeof *p->reads);
		if (p->reads == NULL)
			abort();
	}
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(j, "deferred")) {
		const char *addr = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "addr"));
		const cJSON *rd = cJSON_GetObjectItemCaseSensitive(e, "read");
		const cJSON *after = cJSON_GetObjectItemCaseSensitive(e, "after");
		lh_addr id;
		const char *err = NULL;
		if (addr == NULL || !cJSON_IsNumber(rd) || !lh_addr_parse_any(r->a, addr, &id, &err) ||
		    !id.data || lh_rtype_find(id.type) == NULL)
			return false;
		lh_rec *x = lh_run_rec(r, &id, true);
		x->res = r->cfg ? lh_config_data(r->cfg, id.type, id.name) : NULL;
		x->deferred = rd->valueint == LH_READ_CONFIG_UNKNOWN ? LH_READ_CONFIG_UNKNOWN :
		    LH_READ_DEPENDENCY_PENDING;
		cJSON_Delete(x->have);
		x->have = NULL;
		r->gen++;
		if (p == NULL)
			continue;
		lh_change *c = &p->reads[p->nreads++];
		c->addr = x->addr;
		c->type = x->id.type;
		c->name = x->id.name;
		c->index = index_json(&x->id);
		c->rt = lh_rtype_find(id.type);
		c->action = LH_ACT_NOOP;
		c->read = x->deferred == LH_READ_CONFIG_UNKNOWN ? 1 : 2;
		c->after = cJSON_IsObject(after) ? cJSON_Duplicate(after, 1) : cJSON_CreateObject();
		c->after_unknown = unknown_attrs(c->rt, c->after);
		c->before_sensitive = cJSON_CreateObject();
		c->after_sensitive = cJSON_CreateObject();
		c->deps = x->res ? x->res->deps : NULL;
		c->ndeps = x->res ? x->res->ndeps : 0;
	}
	return true;
}
