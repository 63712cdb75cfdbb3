/* plan.h - the diff: from the configured instances and the (refreshed) state to a list
 * of changes, Terraform's way.  Pure: no I/O, no printing, no network.  Everything is
 * plain data (cJSON objects for attribute values) so the planner is tested with data
 * cases (tests/plan/) and the renderer (render.h) and the applier (apply.h) read the
 * same structures.
 *
 * Values: an instance's attributes are a cJSON object holding every schema attribute
 * (null when unset).  A value not known until apply is absent from `after` and marked
 * true in `after_unknown` - exactly Terraform's JSON plan representation. */
#ifndef LH_PLAN_H
#define LH_PLAN_H
#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "resource.h"

typedef enum {
	LH_ACT_NOOP,
	LH_ACT_CREATE,
	LH_ACT_UPDATE,
	LH_ACT_REPLACE,		/* delete, then create */
	LH_ACT_DELETE,
	LH_ACT_FORGET		/* removed block, destroy = false: out of the state only */
} lh_action;

/* Why an instance is replaced or deleted (Terraform's action_reason). */
typedef enum {
	LH_REASON_NONE,
	LH_REASON_REPLACE_REQUESTED,	/* -replace=ADDR */
	LH_REASON_CANNOT_UPDATE,	/* a force-new attribute changed */
	LH_REASON_NO_RESOURCE_CONFIG,	/* the resource block is gone */
	LH_REASON_COUNT_INDEX,		/* index beyond count */
	LH_REASON_EACH_KEY,		/* key not in for_each */
	LH_REASON_WRONG_REPETITION,	/* count <-> for_each <-> single changed */
	LH_REASON_TAINTED		/* the state marks it tainted (taint, failed create) */
} lh_reason;

/* The planner reads a type's attribute table (resource.h): mode, force_new (and
 * forces), default_json, changes, and compares by meaning with each attribute's same. */
/* One resource instance: what the configuration wants and what the state holds.  The
 * caller matches them by address.  All pointers borrowed for the plan's lifetime. */
typedef struct lh_plan_slot {
	const char *addr;	/* litellm_user.dev["a"] */
	const char *type;	/* litellm_user */
	const char *name;	/* dev */
	const cJSON *index;	/* NULL (no key), number (count) or string (for_each) */
	const lh_rtype *rt;
	/* configuration side (want == NULL: no configuration for this instance) */
	const cJSON *want;	/* arguments; absent or null = not set */
	const cJSON *want_unknown;	/* {arg:true} for arguments unknown at plan time, or NULL */
	const cJSON *want_sensitive;	/* {arg:true} for sensitive arguments, or NULL */
	const cJSON *prior_sensitive;	/* {attr:true} marked sensitive in the state, or NULL */
	lh_reason gone_reason;	/* when want == NULL and have != NULL: why */
	const char *import_id;	/* import block for this address, or NULL */
	/* state side */
	const cJSON *prior;	/* attributes in the state before refresh, or NULL */
	const cJSON *have;	/* attributes after refresh (or read for import), or NULL */
	bool refreshed;		/* have is the server's view (false with -refresh=false) */
	bool replace;		/* -replace named this instance */
	bool replace_dep;	/* replaced because an object it belongs to is (a membership
				 * of a replaced team: LiteLLM deletes it with the team) */
	bool ignore_all;	/* lifecycle ignore_changes = all */
	const char **ignore;	/* lifecycle ignore_changes attribute names */
	size_t nignore;
	bool targeted;		/* included by -target (or no -target given) */
	const char *moved_from;	/* a moved block brought it here from this address */
	bool forget;		/* removed block with destroy = false: forget, never delete */
	bool tainted;		/* the state marks it tainted: replaced */
	const char **deps;	/* addresses (resource or instance) this depends on */
	size_t ndeps;
} lh_plan_slot;

/* One planned change. */
typedef struct lh_change {
	const char *addr, *type, *name;
	cJSON *index;		/* copy of the slot's index, or NULL */
	const lh_rtype *rt;
	lh_action action;
	lh_reason reason;
	cJSON *before;		/* object or NULL (create) */
	cJSON *after;		/* object or NULL (delete); unknown attributes absent */
	cJSON *after_unknown;	/* object {attr:true}; never NULL */
	cJSON *before_sensitive;	/* object {attr:true}; never NULL */
	cJSON *after_sensitive;		/* object {attr:true}; never NULL */
	cJSON *replace_paths;	/* array of ["attr"] paths, or NULL */
	const char *import_id;	/* being imported (Terraform 1.5 import blocks) */
	bool recreated;		/* created again: it was deleted outside litehcl */
	const char *moved_from;	/* moved here by a moved block from this address, or NULL
				 * (a no-op with moved_from is a change: "has moved to") */
	const char **deps;	/* from the slot */
	size_t ndeps;
	size_t slot;		/* index of the slot it came from */
	int read;		/* lh_plan.reads only: a data source read during apply because
				 * its configuration is not known yet (1) or what it depends on
				 * has changes pending (2); action is LH_ACT_NOOP, before NULL,
				 * after its known arguments */
	unsigned shared;	/* LH_CH_*: what the change does not own (lh_plan_make_shared) */
} lh_change;

enum {
	LH_CH_BEFORE_BORROWED = 1,	/* before is the slot's have/prior, not a copy */
	LH_CH_AFTER_BORROWED = 2,	/* after is the slot's have (drift) or before (a
					 * no-op whose planned object is the prior one), the
					 * slot's want (a create planning exactly its arguments)
					 * or a read-only tree in the plan's arena */
	LH_CH_UNKNOWN_BORROWED = 4,	/* after_unknown is in the plan's arena, shared by
					 * the changes planning the same unknown attributes */
	LH_CH_SENS_BORROWED = 8,	/* before_sensitive and after_sensitive are in the
					 * plan's arena (one empty object for all without) */
	LH_CH_INDEX_BORROWED = 16,	/* index is in the plan's arena, or the source's
					 * (lh_plan_make_from's keep_index) */
};

/* A change to a root output value. */
typedef struct lh_output_change {
	const char *name;
	lh_action action;	/* create, update, delete or no-op */
	cJSON *before;		/* NULL when absent */
	cJSON *after;		/* NULL when absent or unknown */
	bool after_unknown;
	bool sensitive;
	cJSON *unknown_mask;	/* partly known after: Terraform's after_unknown shape (true
				 * where unknown; after holds null there), else NULL */
} lh_output_change;

typedef enum { LH_PLAN_NORMAL, LH_PLAN_DESTROY, LH_PLAN_REFRESH_ONLY } lh_plan_mode;

typedef struct lh_plan {
	lh_plan_mode mode;
	lh_change *changes;	/* sorted by address; no-ops included */
	size_t n;
	lh_change *drift;	/* objects changed outside: update or delete, sorted */
	size_t ndrift;
	lh_change *reads;	/* data sources read during apply (Terraform's "<= read"),
				 * sorted; filled by the run (refresh.c), freed here */
	size_t nreads;
	cJSON *checks;		/* Terraform's "checks" (lh_config_check_results) for the plan
				 * JSON, or NULL; freed here */
	lh_output_change *outputs;	/* sorted by name */
	size_t noutputs;
	int add, change, destroy, import;	/* Plan: summary counts */
	bool targeted;		/* -target was in effect */
	bool errored;		/* planning failed after this much was planned: shown as
				 * Terraform shows a partial plan, never applied nor saved */
	struct lh_arena *arena;	/* lh_plan_make_shared: the changes' read-only trees
				 * (lh_change.shared says which), or NULL */
} lh_plan;

/* Computes the plan for slots[0..n).  Returns a plan the caller frees with
 * lh_plan_free.  Never fails (out of memory aborts). */
lh_plan *lh_plan_make(lh_plan_mode mode, const lh_plan_slot *slots, size_t n);
/* As lh_plan_make, but the changes borrow the slots' prior and have objects as their
 * before (and a drift's after) instead of copying them, a no-op whose planned
 * object equals its before (same attributes in the same order) uses before as its
 * after, and a create whose planned object is exactly its arguments (same attributes
 * in the same order) uses the slot's want: the plan of 100,000 unchanged users holds
 * no copy of them, nor that of 100,000 new ones.  Indexes, sensitive sets, unknown
 * sets and the other planned objects of creates are read-only trees in the plan's
 * arena, alike ones shared.  The slots' prior, have and want must outlive the plan
 * and stay unchanged; nobody may modify or free what lh_change.shared says is
 * borrowed (replace it, clearing its bit). */
/* True when x and y hold the same attributes in the same order with equal values
 * (lh_json_equal): one can stand for the other, in the state file too. */
bool lh_json_identical(const cJSON *x, const cJSON *y);
lh_plan *lh_plan_make_shared(lh_plan_mode mode, const lh_plan_slot *slots, size_t n);
/* As lh_plan_make_shared, for n slots that src->slot(src->ctx, i, &s) fills one at a
 * time as the planner reaches them, want included (NULL: not configured), and
 * src->done(src->ctx, i) gives back once slot i is planned: nothing of a slot is kept
 * but what its changes hold - a create's arguments are copied into the plan's arena,
 * and the index tree is borrowed when keep_index says it outlives the plan.  A plan of
 * 10,000 unchanged users holds none of their arguments as JSON and no slot array:
 * one slot exists at a time. */
typedef struct lh_plan_source {
	void (*slot)(void *ctx, size_t i, lh_plan_slot *s);
	void (*done)(void *ctx, size_t i);
	void *ctx;
	bool keep_index;
} lh_plan_source;
lh_plan *lh_plan_make_from(lh_plan_mode mode, size_t n, const lh_plan_source *src);
/* Adds an output change (takes ownership of before/after); call before lh_plan_finish. */
void lh_plan_add_output(lh_plan *p, const char *name, cJSON *before, cJSON *after,
    bool after_unknown, bool sensitive);
/* Marks the output just added as partly known: after holds null where mask (Terraform's
 * after_unknown shape) holds true.  Takes ownership of mask. */
void lh_plan_output_partial(lh_plan *p, cJSON *mask);
/* Sorts outputs and computes output actions.  Call once after the last add. */
void lh_plan_finish(lh_plan *p);
void lh_plan_free(lh_plan *p);

/* True when the plan changes anything (resources, outputs, imports; drift in
 * refresh-only mode). */
bool lh_plan_has_changes(const lh_plan *p);

/* Orders two addresses as Terraform lists them (type, name, then index: numbers
 * numerically, strings bytewise).  For qsort-style use. */
int lh_plan_addr_cmp(const char *a, const char *b);
/* Equality of two JSON values (numbers by value, objects by key, NULL == null). */
bool lh_json_equal(const cJSON *a, const cJSON *b);
/* Terraform's action names: "create", "update", "delete", "no-op"... */
const char *lh_action_name(lh_action a);
const char *lh_reason_name(lh_reason r);	/* "replace_because_cannot_update"... or NULL */

#endif
