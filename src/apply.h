/* apply.h - the run of a plan/apply/destroy/import command between the command layer
 * and the modules below: configuration (config.h), state (state.h), the LiteLLM API
 * (http.h through the resource types of resource.h), the planner (plan.h).
 *
 * Flow (cmd_plan.c):  lh_run_init -> lh_refresh (refresh.c: journal intents, every
 * managed instance, import blocks; in parallel) -> lh_run_plan (expand the
 * configuration in dependency order, diff) -> render -> lh_apply (apply.c: changes in
 * dependency order, in parallel, journalled as each completes) -> lh_run_outputs ->
 * lh_state_save.
 *
 * Nothing here prints except through the progress callback (the command layer's). */
#ifndef LH_APPLY_H
#define LH_APPLY_H
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "addr.h"
#include "arena.h"
#include "config.h"
#include "diag.h"
#include "http.h"
#include "plan.h"
#include "resource.h"
#include "state.h"

/* Why a data source is read during apply instead of during plan (Terraform's
 * action_reason for "read" changes). */
typedef enum {
	LH_READ_NOW,			/* read during plan (or not a data source) */
	LH_READ_CONFIG_UNKNOWN,		/* read_because_config_unknown */
	LH_READ_DEPENDENCY_PENDING	/* read_because_dependency_pending */
} lh_data_read;

/* One resource instance known to the run, from the configuration and/or the state. */
typedef struct lh_rec {
	char *addr;			/* canonical address (arena) */
	lh_addr id;			/* parsed (arena) */
	lh_resource *res;		/* configuration resource, or NULL */
	lh_instance *inst;		/* configuration instance, or NULL */
	cJSON *want;			/* a data source's configured arguments (the run's), or
					 * NULL: a managed resource's are made as it is planned */
	cJSON *want_unknown;		/* {arg:true} (owned), or NULL */
	cJSON *want_sensitive;		/* {arg:true} for sensitive arguments (the run's), or
					 * NULL when none is */
	cJSON *prior_sensitive;		/* {attr:true} sensitive in the state (owned), or NULL */
	cJSON *prior;			/* state attributes before refresh (borrowed from the
					 * state when prior_borrowed, else owned), or NULL */
	cJSON *have;			/* after refresh / import read (owned unless
					 * have_borrowed), or NULL */
	const char *import_id;		/* from an import block (not yet in state) */
	cJSON *planned;			/* planned after (owned) for references, or NULL */
	cJSON *planned_unknown;		/* its unknown attributes (owned), or NULL */
	cJSON *applied;			/* attributes after apply (borrowed from state), or NULL */
	const char *moved_from;		/* a moved block brought it here from this address */
	lh_instance *reeval;		/* apply: its instance evaluated again (apply.c) */
	cJSON *sens_digest;		/* saved plan: {arg:"salt:sha256"} of sensitive planned
					 * values, checked when they are evaluated again (owned) */
	lh_reason gone_reason;		/* why it is no longer configured */
	lh_data_read deferred;		/* a data source read during apply, and why */
	/* the flags together (a record per instance: 10,000 records 0.3 MB smaller) */
	bool prior_borrowed;		/* prior is the state's tree (valid until it closes) */
	bool have_borrowed;		/* have is prior (the server's view equals it, or
					 * no refresh): not a copy */
	bool refreshed;			/* have is the server's view */
	bool in_state;			/* the state holds it (before the run) */
	bool planned_have;		/* planned is have itself (a no-op): planned and
					 * planned_unknown NULL, no copy made */
	bool failed;			/* its change failed or was skipped */
	bool done;			/* its change was applied */
	bool forget;			/* a removed block with destroy = false names it */
	bool tainted;			/* the state marks it tainted */
	bool lazy;			/* planned not computed yet (see lh_run_resolve) */
	bool untargeted;		/* a -target leaves it out of the plan */
} lh_rec;

typedef void (*lh_progress_fn)(void *ctx, const char *addr, const char *type,
    const char *name, const cJSON *index, const char *event, const char *id,
    double secs);

typedef struct lh_run_opts {
	lh_plan_mode mode;
	bool refresh;			/* false with -refresh=false */
	const char **targets;		/* -target addresses */
	size_t ntargets;
	const char **replaces;		/* -replace addresses */
	size_t nreplaces;
	int parallelism;		/* -parallelism (default 10) */
	bool read_only;			/* the state was opened read-only (plan): no journal */
	lh_progress_fn progress;	/* apply and refresh progress, or NULL */
	void *progress_ctx;
} lh_run_opts;

typedef struct lh_run {
	lh_arena *a;
	lh_diags *d;
	lh_config *cfg;			/* may be NULL (state-only commands) */
	lh_state *st;
	lh_http *http;			/* created on first need */
	lh_rctx rc;			/* the resource types' shared context (resource.h) */
	unsigned long gen;		/* bumped at every change of a record's values */
	void *resolve_cache;		/* resource values by gen (refresh.c) */
	size_t nresolve_cache;
	cJSON *retry_ids;		/* {address: user_id} of interrupted creates found
					 * absent: a new create reuses the id, so an earlier
					 * request the server finishes late cannot duplicate it
					 * (owned, or NULL) */
	lh_run_opts o;
	cJSON *moved;			/* moved blocks applied: {new address: old address}
					 * (owned, or NULL) */
	lh_rec **recs;			/* every instance, by address */
	size_t nrecs, caprecs;
	lh_plan *plan;
	size_t nslots;			/* the plan's slots (one per record it planned) */
	lh_rec **slot_rec;		/* slot i's record */
	void *slot_rec_index;		/* address -> record hash (refresh.c) */
	bool from_plan;			/* applying a saved plan: no instances expanded */
	lh_addr *replace_addrs;		/* parsed -replace addresses (arena) */
	size_t nreplace_addrs;
	struct lh_run_err *errs;	/* per-instance errors (lh_run_error) */
	size_t nerrs, caperrs;
	volatile sig_atomic_t interrupted;	/* Ctrl-C seen */
	bool journal_broken;		/* a journal record could not be written: no new
					 * request starts (the write-ahead rule) */
	double refreshed_at;		/* monotonic seconds when refresh started reading the
					 * state's objects (0: no refresh in this run) */
	void *early_reads;		/* reads lh_refresh_early sent (refresh.c) */
	int added, changed, destroyed, imported;	/* applied counts */
	void *feed;			/* apply.c: the wave being started a window at a time */
} lh_run;

/* Initialises r. */
void lh_run_init(lh_run *r, lh_arena *a, lh_diags *d, lh_config *cfg, lh_state *st,
    const lh_run_opts *o);
void lh_run_free(lh_run *r);
/* Makes the HTTP client from the configuration's provider settings (or the
 * environment when cfg is NULL).  False after a diagnostic (no api_base ...). */
bool lh_run_http(lh_run *r);
/* The record of addr, created when create is true (NULL otherwise). */
lh_rec *lh_run_rec(lh_run *r, const lh_addr *id, bool create);

/* refresh.c: resolves unfinished journal intents (adopting users that exist), loads
 * every state instance into records, refreshes them (unless -refresh=false) and reads
 * the objects named by import blocks.  False after error diagnostics (nothing
 * written). */
bool lh_refresh(lh_run *r);
/* Forgets x's planned value (planned, planned_unknown, planned_have). */
void lh_rec_unplan(lh_rec *x);
/* Sends the refresh's reads now, ahead of lh_refresh, from a background thread
 * (http.h lh_http_prefetch), so that they travel while the caller validates the
 * configuration: the same requests lh_refresh would send, and nothing is told (no
 * progress event, no diagnostic) until lh_refresh, which then goes on as always with
 * their answers.  Only for a plain refresh (no intents, moved or import blocks, no
 * -target, the state not empty, every type known); false, with nothing sent and
 * nothing added to r->d, otherwise. */
bool lh_refresh_early(lh_run *r);
/* Starts lh_refresh_early's reads (call it once the caller has seen nothing said):
 * a background thread sends them and completes those answered cleanly, their
 * callbacks included (their progress events held, their diagnostics in r->d), while
 * the caller goes on; the caller touches r again only after lh_refresh_early_settle
 * (or lh_refresh_early_cancel).  False without lh_refresh_early's reads. */
bool lh_refresh_early_go(lh_run *r);
/* Ends the completing of lh_refresh_early_go's thread (it goes on only sending and
 * receiving): r is the caller's again, r->d becomes d with what the completed reads
 * said appended.  lh_refresh does it too; harmless twice or without them. */
void lh_refresh_early_settle(lh_run *r, lh_diags *d);
/* Drops what lh_refresh_early sent, at once (a configuration found invalid): nothing of
 * it is told; r then serves for nothing but lh_run_free.  Harmless without it. */
void lh_refresh_early_cancel(lh_run *r);
/* The form of rt's import ID ("TEAM:USER - TEAM a team id ...", without the part about
 * `litehcl import` without ADDR), for "Cannot import non-existent remote object": sets
 * *form and returns its length, 0 when rt documents none. */
int lh_import_id_form(const lh_rtype *rt, const char **form);
/* Reads one object of type rt by id (import; lookup: id is an import id the type
 * resolves - an alias, TEAM:USER ...).  Returns its attributes (caller frees) or NULL:
 * *gone tells "no such object" from an error (diagnostic added). */
cJSON *lh_refresh_read_one(lh_run *r, const lh_rtype *rt, const char *addr, const char *id,
    bool lookup, bool *gone);

/* Data sources (refresh.c).  lh_run_plan reads each data block's instances as it
 * reaches them in dependency order, or marks them deferred (rec->deferred) when their
 * arguments are not known yet or what they depend on has changes pending; apply reads
 * the deferred ones of res with this once res's dependencies are applied, recording
 * them in the state.  False after error diagnostics (the records are marked failed). */
bool lh_run_read_data(lh_run *r, lh_resource *res);
/* The deferred data reads of the plan (sorted by address), for rendering. */
lh_rec **lh_run_deferred_reads(const lh_run *r, size_t *n);
/* Records the data sources read during the run in the state, and drops those no longer
 * configured (what Terraform's refreshed state holds).  Apply calls it before applying. */
void lh_run_store_data(lh_run *r);
/* The data sources of a saved plan: those read during plan with their values, those to
 * read during apply with their known arguments ({"read": [...], "deferred": [...]}). */
cJSON *lh_run_data_to_json(const lh_run *r);
/* Back from a saved plan (after lh_run_plan_from_json made r->plan): records and
 * r->plan->reads.  False when the entry is malformed. */
bool lh_run_data_from_json(lh_run *r, const cJSON *j);

/* moves.c: applies the configuration's moved blocks, then Terraform's implied moves, to
 * r->st in memory (*moved_any
 * tells whether anything moved); lh_refresh calls it before reading. */
bool lh_run_moves(lh_run *r, bool *moved_any);
/* True when lh_run_moves would make one of Terraform's implied moves (count added to or
 * removed from a resource with an object in the state). */
bool lh_run_implied_moves_pending(const lh_run *r);
/* The address addr was moved from by a moved block in this run, or NULL. */
const char *lh_run_moved_from(const lh_run *r, const char *addr);
/* True when a removed block with destroy = false names addr's resource. */
bool lh_run_forgets(const lh_run *r, const lh_addr *addr);

/* Expands the configuration in dependency order and computes r->plan (with output
 * changes).  False after error diagnostics. */
bool lh_run_plan(lh_run *r);

/* apply.c: applies r->plan.  Journals and records every completed change in the state;
 * errors become diagnostics; returns false when any change failed or it was
 * interrupted.  The caller then sets outputs and saves. */
bool lh_apply(lh_run *r);
/* Evaluates the outputs against the state and records them in it.  False after error
 * diagnostics (an output that fails to evaluate is not recorded). */
bool lh_run_outputs(lh_run *r);
/* Signal handler support: called from SIGINT handling to stop starting work. */
void lh_apply_interrupt(lh_run *r);

/* Terraform's sensitive_attributes paths <-> {attr:true} sets (new cJSON). */
cJSON *lh_run_sensitive_set(const cJSON *paths);
cJSON *lh_run_sensitive_paths(const cJSON *set);

/* Records a per-instance error (addr "" or NULL: about no instance). */
void lh_run_error(lh_run *r, const char *addr, const char *summary, const char *detail);
/* Turns the recorded errors into diagnostics, as Terraform: one per instance (placed
 * at its block, see erraddr.sh), ordered by instance address (lh_addr_cmp), an error
 * recorded twice for one instance once. */
void lh_run_flush_errors(lh_run *r);

/* After apply (lh_run_outputs has set the applied values): the postconditions of
 * every configured object in the state, with self = its new value; false after a
 * "Resource postcondition failed" error. */
bool lh_run_postconditions(lh_run *r);
/* Builds an lh_value object for a resource's current value (used as resolver). */
lh_value *lh_run_resolve(void *ctx, lh_arena *a, const lh_resource *res);

/* The plan as stored in a saved plan file (no secrets) and back. */
cJSON *lh_run_plan_to_json(const lh_run *r);
/* "salt:hex": a salted SHA-256 of v's JSON, how a saved plan records a value it must
 * not hold (a sensitive argument, a secret variable) to recognise it later.  In a. */
char *lh_sens_digest(lh_arena *a, const char *salt, const cJSON *v);
/* Rebuilds r->plan from a saved plan's content (after the config was loaded and the
 * records filled without refresh). */
bool lh_run_plan_from_json(lh_run *r, const cJSON *j);
/* Adds the saved plan's unchanged instances to r->plan as no-op changes (show -json
 * only: apply never needs them).  False when the plan file is malformed. */
bool lh_run_plan_add_noops(lh_run *r, const cJSON *j);

#endif
