/* resource.h - a LiteLLM resource type as one description: a table of attributes and a
 * few hooks.  Adding a type is one file (res_NAME.c) that fills an lh_rtype, plus one
 * line in the registry (schema.c).  Everything generic - configuration checks
 * (config.c), the planner (plan.c), refresh and journal recovery (refresh.c), apply
 * (apply.c), import (cmd_import.c), rendering and show -json - goes through this and
 * never names a type.
 *
 * Values.  Configuration checks work over lh_value (validate, accept: they run while
 * the configuration is evaluated).  Everything after that works over cJSON objects
 * holding every attribute of the table in the state's spelling (what the configuration
 * wrote where it means the same as the server's value): plan, state, API bodies.
 *
 * Operations.  The generic code never builds a request: it fills an lh_rop (read,
 * create, update or delete of one object), hands it to the type's submit hook and
 * gets done() called once, from inside lh_http_run, with the results.  The hooks may
 * issue any number of requests (read-back after every write, existence checks,
 * serialization per team) as long as done() is called exactly once per op.  Hooks
 * share run-wide data (a cache of /team/info answers, per-team write queues) through
 * the lh_rctx of the run.
 *
 * Confirmation in batches.  A write is done only once the server's object has been
 * read back and compared with what was asked (a value the server did not take is an
 * error naming the field).  A type may hold finished writes back and confirm many with
 * one read (users: 100 per GET /user/list?user_ids=...; memberships: one GET /team/info
 * per team): it sends a full batch at once and the rest from its flush hook, which
 * lh_rctx_run calls whenever nothing else is in flight.  So a batch never waits for
 * work that is not coming, and the reads of full batches overlap the later writes. */
#ifndef LH_RESOURCE_H
#define LH_RESOURCE_H
#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "arena.h"
#include "buf.h"
#include "value.h"

struct lh_http;
struct lh_diags;
struct lh_instance;

/* ---- the attribute table ---- */

typedef enum {
	LH_ATTR_REQUIRED,	/* must be set in configuration */
	LH_ATTR_OPTIONAL,	/* may be set; absent means "not managed" (optional+computed),
				 * or the default when default_json is set */
	LH_ATTR_COMPUTED	/* set by the server only; an error in configuration */
} lh_attr_mode;

typedef struct lh_attr {
	const char *name;
	const lh_type *type;	/* string, number, bool, list(string) ... */
	lh_attr_mode mode;
	bool force_new;		/* a change means replacement */
	bool sensitive;		/* never shown */
	bool changes;		/* computed and moves on every update (updated_at) */
	/* JSON text of the value meant when the argument is absent ("\"user\"", "false"):
	 * then absent is managed, not "unmanaged".  NULL: none. */
	const char *default_json;
	/* Configuration time.  Turns another accepted spelling (the public provider's)
	 * into one of type before conversion; returns v when it does not apply. */
	lh_value *(*accept)(lh_arena *a, lh_value *v);
	/* Checks a known, non-null value already converted to type.  NULL when valid,
	 * else the detail of an "Invalid value for ..." error (arena). */
	const char *(*validate)(lh_arena *a, const lh_value *v);
	/* Plan time: true when configured value c and state/server value s mean the same
	 * (either may be NULL or null).  NULL: lh_json_equal (numbers as numbers). */
	bool (*same)(const cJSON *c, const cJSON *s);
	/* Given the other configured arguments, true when a change of this attribute
	 * forces replacement although force_new is false (a membership's user_email is
	 * its identity only when user_id is not set).  NULL: never. */
	bool (*forces)(const cJSON *want);
	/* The value to send to the API for state value v (not null): a new item
	 * (admin -> proxy_admin, max_budget 0 -> null, metadata string -> object).
	 * NULL: a copy of v. */
	cJSON *(*to_api)(const cJSON *v);
	const char *description;	/* one sentence, for the README and help */
	/* The attribute holds the id of an object of this type ("litellm_team"): adopt
	 * writes it as a reference to that object's resource (TYPE.NAME.ATTR, ATTR its
	 * own_id_attr) when it writes both, and names this object after it.  NULL: none. */
	const char *ref_type;
} lh_attr;

/* ---- operations ---- */

typedef enum {
	LH_OP_READ,		/* refresh, recovery, import: the object or "gone" */
	LH_OP_CREATE,		/* create, then read back */
	LH_OP_UPDATE,		/* write the changed arguments, then read back */
	LH_OP_DELETE		/* delete; already gone counts as done */
} lh_opkind;

typedef struct lh_rctx lh_rctx;
typedef struct lh_rtype lh_rtype;

/* One operation on one object.  The caller fills the inputs, submits it with
 * lh_rop_submit, and gets done() called once from inside lh_http_run. */
typedef struct lh_rop {
	lh_opkind kind;
	int stage;		/* the type's own progress through the op */
	const lh_rtype *rt;
	lh_rctx *rc;		/* the run's shared context (set by lh_rop_submit) */
	const char *addr;	/* for messages: litellm_user.dev */
	const char *id;		/* the object's id (create: the id the client chose, or
				 * the type's would-be id, e.g. "TEAM:USER") */
	const char *by;		/* read: id is the value of this argument, one of the
				 * type's data_keys other than its id (a data source's
				 * "user_email", "team_alias"): exactly one object must
				 * have it (several fail, naming them); NULL: id is the id */
	const cJSON *before;	/* update, delete: the state's attributes */
	const cJSON *after;	/* create/update: planned attributes (state spelling) */
	const cJSON *ref;	/* read: attributes whose spelling to keep, or NULL */
	void (*done)(struct lh_rop *op, void *ctx);
	void *ctx;
	/* results */
	cJSON *attrs;		/* read/create/update: the object as state attributes
				 * (owned: take it and set NULL to keep it) */
	char *summary;		/* on failure: one-line summary (malloc'd) */
	char *detail;		/* on failure: details, never holding a secret (malloc'd) */
	char *note;		/* on success: a warning worth showing ("already a member;
				 * adopted"), or NULL (malloc'd) */
	double started;		/* monotonic seconds at submit (lh_rop_clock) */
	void *priv;		/* the type's own data (freed by its clear hook) */
	struct lh_rop *next_wait;	/* the type's own queues */
	/* Called once when the op's work really starts - its first request's first
	 * attempt, not its place in the queue - or at submit when it queued no request
	 * of its own (apply's "Creating...").  NULL: none.  See lh_rop_started. */
	void (*on_start)(struct lh_rop *op);
	/* the flags together (a refresh holds an op per instance: 10,000 ops 0.24 MB
	 * smaller) - inputs: */
	bool own_id;		/* create: litehcl generated the id (a UUID nobody else
				 * has), so finding it taken means an earlier attempt landed */
	bool lookup;		/* read: id is an import id (alias, email ...), resolved
				 * by the type's import rules, not necessarily an id */
	bool same_ok;		/* read: the caller takes `same` for an object that reads
				 * back exactly as ref (refresh of an unchanged object) */
	bool checked;		/* update: `before` was read from the server in this run
				 * (refresh), so a type need not read it again to know the
				 * object exists before writing */
	/* results: */
	bool ok;		/* succeeded (delete: also when already gone) */
	bool gone;		/* read: no such object; delete: was already gone */
	bool same;		/* read with same_ok: the object is exactly ref (the
				 * attributes ref's tree would be built anew); attrs NULL */
	bool cancelled;		/* never sent: the run was interrupted (lh_http_stop) */
	bool maybe_created;	/* create failed after the request may have arrived */
	bool resend;		/* create: its outcome was uncertain and the object was then
				 * found absent, so it may be sent again with the same id */
	bool start_seen;		/* on_start was called */
	bool active;			/* counted in rc->active (lh_rop_submit until done) */
} lh_rop;

/* A resource type. */
struct lh_rtype {
	const char *type_name;		/* "litellm_user" */
	const lh_attr *attrs;		/* sorted by name */
	size_t n;
	const char *id_attr;		/* "id": the object's id in the state */
	/* The argument holding an id the client may choose ("user_id", "team_id"); when
	 * the configuration leaves it unset, apply picks a UUID v4, journals it before
	 * the create and sends it.  NULL: the id is made of the arguments (memberships:
	 * "TEAM:USER", see would_be_id). */
	const char *own_id_attr;
	/* Its objects die with the objects they refer to (LiteLLM deletes a team's or a
	 * user's memberships with it): when an object this one depends on is replaced
	 * and one of its attributes holds that object's id, it is replaced too. */
	bool dies_with_deps;
	/* The arguments a `data` block of this type looks its object up by (exactly one
	 * of them is set), NULL-terminated, the id argument first ("user_id",
	 * "user_email").  Reads by another one set lh_rop.by.  NULL: no data source. */
	const char *const *data_keys;
	const char *summary;		/* one line for help and README */
	const char *import_forms;	/* the IDs `litehcl import` takes, for its help */

	/* Lifecycle: issues the requests of op (any kind), calling op->done once.
	 * Returns false when nothing could be queued (then done is not called). */
	bool (*submit)(lh_rop *op);
	/* Batched refresh of ops[0..n) (all LH_OP_READ): calls done for every op.  NULL:
	 * each op is submitted alone. */
	void (*read_many)(lh_rctx *rc, lh_rop **ops, size_t n);
	/* The id an object created from after will have when own_id_attr is NULL
	 * (malloc'd), or NULL when not known yet. */
	char *(*would_be_id)(const cJSON *after);
	/* `litehcl import ID` without an address: true when the configured arguments args
	 * (an object value; unknown values possible) designate the object attrs. */
	bool (*import_matches)(const lh_value *args, const cJSON *attrs);
	/* Configuration-wide checks over every instance of this type (unique emails,
	 * shared aliases): adds diagnostics to d.  NULL: none. */
	void (*check_config)(lh_arena *a, struct lh_instance **all, size_t n,
	    struct lh_diags *d);
	/* A warning for the plan when the object before is deleted (what LiteLLM cascades),
	 * or NULL (malloc'd).  NULL hook: none. */
	char *(*delete_warning)(const cJSON *before);
	/* Sends the requests the type holds back to batch them (confirmations of finished
	 * writes short of a full batch, existence checks): called by lh_rctx_run when
	 * nothing is in flight.  Returns true when it submitted anything.  NULL: the type
	 * holds nothing back. */
	bool (*flush)(lh_rctx *rc);
	/* Apply, once every change is made: objects of this type that writes of the run
	 * changed after their state was recorded (a membership write moves its team's
	 * updated_at; the team's own op ended before).  For each one have(ctx, id) finds
	 * in the state (NULL: not there, nothing to do), the type takes the last read of
	 * the run that followed every such write (the memberships' confirmation), or
	 * reads it once now when none did (memberships only deleted), and calls take(ctx,
	 * id, attrs) with the object's state attributes (new, owned by take) when they
	 * differ from have's.  Best effort: an object that cannot be read keeps its
	 * state (the next refresh reads it).  Runs its requests itself (lh_rctx_run);
	 * sends none after lh_http_stop.  NULL: no other type writes this type's objects. */
	void (*settle)(lh_rctx *rc, const cJSON *(*have)(void *ctx, const char *id),
	    void (*take)(void *ctx, const char *id, cJSON *attrs), void *ctx);
	/* Frees op->priv (may be NULL). */
	void (*clear)(lh_rop *op);
	/* Called when an op of the type ends, just before its done() (or when its submit
	 * queued nothing).  NULL: none. */
	void (*finished)(lh_rop *op);
	/* Frees the type's slot of rc (rc->priv[i]); NULL: nothing to free. */
	void (*ctx_free)(void *priv);
	/* Counts in messages: "users", "team memberships". */
	const char *plural;
	/* adopt: every object of this type on the server that a configuration may manage
	 * (what the proxy made for itself left out), all pages.  Requests go through
	 * rc->http with lh_http_do / lh_http_run (not from inside a run).  Sets *n and
	 * returns the objects (free with lh_found_free), or NULL after an error added to
	 * d.  NULL hook: the type is not adopted. */
	struct lh_found *(*list_all)(lh_rctx *rc, struct lh_diags *d, size_t *n);
};

/* An object list_all found on the server. */
typedef struct lh_found {
	char *id;		/* its import id */
	char *name;		/* what to name its resource after (an e-mail's local part,
				 * an alias; adopt makes an identifier of it), or NULL: after
				 * the objects its ref_type attributes refer to */
	char *comment;		/* a line written above its resource block, or NULL */
	cJSON *attrs;		/* what the listing says of it, in the state's names: at
				 * least its ref_type attributes (may be NULL); adopt reads
				 * the object with it as the read's ref, so the type need not
				 * parse the id again */
} lh_found;

/* Room for n found objects, zeroed (aborts when out of memory). */
lh_found *lh_found_alloc(size_t n);
/* Frees v[0..n) and v. */
void lh_found_free(lh_found *v, size_t n);

/* ---- the run's shared context ---- */

#define LH_RTYPE_MAX 8

struct lh_rctx {
	struct lh_http *http;
	void *priv[LH_RTYPE_MAX];	/* per type, by registry index (lh_rtype_index) */
	size_t active[LH_RTYPE_MAX];	/* per type: ops submitted and not done yet */
};

/* ---- the registry (schema.c) ---- */

/* The type called name, or NULL when unsupported. */
const lh_rtype *lh_rtype_find(const char *name);
/* The registered types, NULL-terminated. */
const lh_rtype *const *lh_rtypes(void);
/* Its position in the registry (for rc->priv). */
size_t lh_rtype_index(const lh_rtype *rt);
/* Its attribute names as lh_intern spells them, by attribute (a name lh_intern does not
 * take is the table's own): the keys of the state's trees and of answers are interned,
 * so an item is usually told by pointer.  Made once for the process, never freed. */
const char *const *lh_rtype_names(const lh_rtype *rt);
/* "litellm_user, litellm_team and litellm_team_member" (static text). */
const char *lh_rtype_list_text(void);
/* The same for the types with a data source ("litellm_user and litellm_team"). */
const char *lh_rtype_data_list_text(void);

/* The attribute called name, or NULL. */
const lh_attr *lh_rtype_attr(const lh_rtype *rt, const char *name);
/* Compares c and s by meaning with at's same (default lh_json_equal). */
bool lh_attr_same(const lh_attr *at, const cJSON *c, const cJSON *s);
/* at's API spelling of v (a new item). */
cJSON *lh_attr_to_api(const lh_attr *at, const cJSON *v);

/* Submits op through op->rt (sets op->rc, started, clears results). */
bool lh_rop_submit(lh_rctx *rc, lh_rop *op);
/* Frees the results inside op (attrs, summary, detail, note, priv). */
void lh_rop_clear(lh_rop *op);
/* Calls op->on_start unless it was called already (a completion reports the start
 * first when no request of the op was seen starting). */
void lh_rop_started(lh_rop *op);
/* op's own data (op->priv): size zeroed bytes allocated on first use, freed by the
 * type's clear hook. */
void *lh_rop_priv(lh_rop *op, size_t size);
/* rt's slot of rc: size zeroed bytes allocated on first use, freed by rt's ctx_free
 * (lh_rctx_clear). */
void *lh_rctx_slot(lh_rctx *rc, const lh_rtype *rt, size_t size);
/* How many ops of rt were submitted to rc and are not done yet.  A type holding
 * finished writes back for one batched read may send the batch as soon as every one
 * of its ops still running is held (no other can join it: sending then costs no
 * extra request, and finished writes do not wait for other types' requests). */
size_t lh_rctx_active(const lh_rctx *rc, const lh_rtype *rt);
/* Monotonic seconds (the clock of lh_rop.started). */
double lh_rop_clock(void);
/* Frees the types' slots of rc (not rc itself, not its http). */
void lh_rctx_clear(lh_rctx *rc);
/* Runs the submitted ops to their end: lh_http_run, then the types' flush hooks
 * (batches held back), again until no type holds anything back.  Every place that
 * runs ops runs them with this, never with lh_http_run alone. */
void lh_rctx_run(lh_rctx *rc);

/* ---- helpers for the types' files ---- */

/* op failed: sets summary/detail (takes detail, malloc'd) and calls done. */
void lh_rop_fail(lh_rop *op, const char *summary, char *detail);
/* op succeeded: calls done. */
void lh_rop_succeed(lh_rop *op);
/* "reading", "creating", "updating", "deleting". */
const char *lh_rop_verb(const lh_rop *op);
struct lh_http_resp;
/* A 2xx answer whose JSON is not what LiteLLM sends (a list without "users", an info
 * without "user_info", a roster without "members_with_roles"): "METHOD PATH answered
 * STATUS, but not as LiteLLM does: it should be WANT (NULL: the route's usual answer),
 * and <what it is>", naming the JSON kind and an object's keys - never values.  With
 * member, what is described is that member of the answer object when present.
 * malloc'd. */
char *lh_answer_unexpected(const struct lh_http_resp *r, const char *want, const char *member);
char *lh_answer_shape(const struct lh_http_resp *r, const char *member);
/* Fails op with the transport error of an answer (cancelled, status, message); a 404
 * that is not LiteLLM's (an unknown route) says to check api_base; a 2xx the caller
 * could not use, with lh_answer_unexpected. */
void lh_rop_http_fail(lh_rop *op, const struct lh_http_resp *r);
/* The state attributes of an object read from the server: every attribute of the
 * table from row (under the same name; absent = null), where ref (state or
 * configuration) holds a value meaning the same, ref's spelling is kept.  Returns a
 * new object. */
cJSON *lh_rtype_from_row(const lh_rtype *rt, const cJSON *row, const cJSON *ref);
/* Whether lh_rtype_from_row(rt, x, ref) would be exactly ref (lh_json_identical), where
 * x is the type's row as state attributes, given one attribute at a time by
 * value(row, ref, name, &tmp) (NULL: absent; *tmp: what it had to make, freed after) -
 * found without building x or the result: refreshing an unchanged object copies
 * nothing. */
typedef const cJSON *(*lh_row_value_fn)(const cJSON *row, const cJSON *ref, const char *name,
    cJSON **tmp);
bool lh_rtype_row_same(const lh_rtype *rt, const cJSON *row, const cJSON *ref,
    lh_row_value_fn value);
/* After a write: the first configured argument of after whose value the server did
 * not take (by meaning with got), skipping those equal to before (update), or NULL. */
const char *lh_rtype_check(const lh_rtype *rt, const cJSON *after, const cJSON *got,
    const cJSON *before);
/* The fail message for lh_rtype_check's answer: "the server did not apply X". */
void lh_rop_fail_kept(lh_rop *op, const char *what, const char *field);
/* Body fields: adds at's API spelling of after[name] to body for each name. */
void lh_rtype_put_api(const lh_rtype *rt, cJSON *body, const char *name, const cJSON *v);

/* GET path?page=N&page_size=100&sort_by=sort_by&sort_order=asc for every page (the
 * first alone, to learn total_pages, then the rest in parallel), collecting the
 * arrays under key: the rows in page order (caller deletes), or NULL after an error
 * added to d.  *missing (may be NULL) is set, and nothing added to d, when the answer
 * is 404 (a route an older server does not have). */
cJSON *lh_list_pages(lh_rctx *rc, struct lh_diags *d, const char *path, const char *key,
    const char *sort_by, bool *missing);

/* A client-chosen id (user_id, team_id): not empty, no surrounding space, no control
 * characters.  NULL when valid, else the detail naming it "The WHAT id"; empty is
 * the detail for an empty id. */
const char *lh_check_chosen_id(lh_arena *a, const lh_value *v, const char *what,
    const char *empty);

/* Small cJSON helpers every type uses. */
const cJSON *lh_j(const cJSON *o, const char *k);	/* member or NULL */
const char *lh_js(const cJSON *o, const char *k);	/* string member or NULL */
bool lh_jnull(const cJSON *v);				/* NULL or null */
void lh_jput(cJSON *o, const char *k, cJSON *v);	/* add or abort */
cJSON *lh_jcopy(const cJSON *v);			/* copy (NULL -> null) */
char *lh_jtext(cJSON *o);	/* o as compact JSON text (malloc'd); deletes o */
/* Objects' keys sorted, compact: the spelling jsonencode produces. */
void lh_json_sort_keys(cJSON *v);

/* ---- shared comparisons and validators (res_common in schema.c) ---- */
bool lh_same_zero_null(const cJSON *c, const cJSON *s);	/* 0 == null, numbers */
bool lh_same_ci(const cJSON *c, const cJSON *s);	/* strings case-insensitively */
bool lh_same_json_text(const cJSON *c, const cJSON *s);	/* JSON texts as values */
bool lh_same_set(const cJSON *c, const cJSON *s);	/* lists as sets */
cJSON *lh_api_zero_null(const cJSON *v);		/* 0 -> null, floats as 10.0 */
cJSON *lh_api_whole(const cJSON *v);			/* integers without a point */
cJSON *lh_api_json_object(const cJSON *v);		/* JSON text -> object */
/* Text checks: NUL, control characters, bytes that are not UTF-8, surrogate halves
 * and bidirectional controls are refused in every kind; invisible characters and
 * bidirectional marks too in LH_TEXT_STRICT (ids, email addresses), not in
 * LH_TEXT_NAME (aliases: some scripts and emoji need joiners and marks).  The message
 * starts with what ("The email address") and names the character and its 1-based
 * position. */
typedef enum { LH_TEXT_STRICT, LH_TEXT_NAME } lh_text_kind;
const char *lh_check_text(lh_arena *a, const char *what, const char *s, size_t n,
    lh_text_kind kind);
const char *lh_check_name(lh_arena *a, const lh_value *v);	/* an alias */
const char *lh_check_email(lh_arena *a, const lh_value *v);
const char *lh_check_budget(lh_arena *a, const lh_value *v);
const char *lh_check_limit(lh_arena *a, const lh_value *v);
const char *lh_check_json_object(lh_arena *a, const lh_value *v);
lh_value *lh_accept_json_object(lh_arena *a, lh_value *v);
/* metadata from the server (object, or JSON text) as the state's string: keys
 * sorted, compact; NULL/non-object -> null. */
cJSON *lh_metadata_state(const cJSON *server);

#endif
