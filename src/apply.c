/* apply.c - carries out a plan: deletes first, the delete half of replacements
 * included, dependents before what they depend on (destroy_phase), then creates /
 * updates / replacements' creates / imports resource by resource in dependency order,
 * every instance of a resource in parallel through http.h.  Each create's
 * client-chosen user_id is journalled as an intent (and synced) before any request
 * leaves; each completed change is recorded in the state and journalled at once, so a
 * kill at any instant loses nothing (state.h).  A failed change does not stop
 * independent ones; resources depending on a failed one are skipped. */
#include "apply.h"

#include "config_refs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eval.h"
#include "func.h"
#include "render.h"
#include "schema.h"
#include "uuid.h"

typedef struct job {
	lh_run *r;
	lh_rec *rec;
	lh_change *c;
	lh_rop op;
	int phase;		/* replace: 0 delete, 1 create */
	char uid[LH_UUID_LEN + 1];	/* the id chosen for a create (own_id_attr types) */
	char *wid;		/* the would-be id of a create (other types; malloc'd) */
	double t0;
	double tcreate;		/* when its first create was sent (0: not yet) */
	bool want_resend;	/* create found absent after an uncertain answer: send again */
	bool unresolved;	/* create that may have happened, its look-up cancelled */
	bool create_shown;	/* "Creating..." was reported (a resend is the same create) */
	bool uncertain;		/* an attempt of its create had an uncertain outcome: "absent
				 * now" is no proof it will not land (a slow server commits
				 * after our timeout), so its intent is never forgotten and
				 * the id found taken later is this create's */
	bool fed;		/* started by feed_more and not finished: counted in its
				 * window */
} job;

/* A wave of many changes goes to the HTTP queue a window at a time, topped up as
 * changes finish, not all at once: 100,000 queued creates held 55 MB of requests
 * (bodies, URLs) before the first was sent.  The window keeps far more queued than
 * the connections take and than a confirmation batch holds, and smaller waves (the
 * usual ones, and any whose batches span its objects - a team's memberships are
 * confirmed by one read when none of them runs any more) are queued whole as they
 * always were.  Every create's intent is journalled before the first starts either
 * way (run_wave). */
#define FEED_MIN 8192		/* waves up to this many changes are queued at once */
#define FEED_WINDOW 4096	/* changes under way (queued, sent, awaiting their
				 * confirmation) in a bigger one */

/* The window for a wave of n changes: n (all at once) up to FEED_MIN.  Tests set
 * LITEHCL_APPLY_WINDOW to run small waves through the window (then waves over it are
 * fed that many at a time). */
static size_t
feed_window(size_t n)
{
	const char *e = getenv("LITEHCL_APPLY_WINDOW");
	long w = e != NULL && *e != '\0' ? atol(e) : 0;
	if (w > 0)
		return n <= (size_t)w ? n : (size_t)w;
	return n <= FEED_MIN ? n : FEED_WINDOW;
}
typedef struct feed {
	job **jobs;
	size_t n, next;		/* jobs[next..n) are not started yet */
	size_t active;		/* fed and not finished */
	size_t window;
	bool busy;		/* in feed_more: a change finishing meanwhile does not
				 * recurse, the loop tops up */
} feed;

/* How long an uncertain create found absent is sent again (issue 14: bounded by time,
 * not by a count): the HTTP retry budget. */
static double
resend_budget(void)
{
	const char *e = getenv("LITEHCL_HTTP_RETRY_BUDGET");
	return e != NULL && atof(e) > 0 ? atof(e) : 60;
}

/* How long a refresh read proves that an object exists, for an update (LiteLLM's user
 * update creates a user it does not find): beyond it (an apply that waited at its
 * prompt, a saved plan) the objects are read again first, in batches. */
static double
refresh_trust(void)
{
	const char *e = getenv("LITEHCL_REFRESH_TRUST_S");
	return e != NULL && *e != '\0' && atof(e) >= 0 ? atof(e) : 10;
}

/* A journal record that cannot be written: the write-ahead rule is absolute, so no
 * further request starts (those in flight finish and are recorded where they can). */
static void
journal_failed(lh_run *r)
{
	if (!r->journal_broken) {
		r->journal_broken = true;
		if (r->http != NULL)
			lh_http_stop(r->http);
	}
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
report(lh_run *r, const lh_change *c, const char *ev, const char *id, double secs)
{
	if (r->o.progress != NULL)
		r->o.progress(r->o.progress_ctx, c->addr, c->type, c->name, c->index, ev, id, secs);
}

static const char *
sget(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static cJSON *
deps_json(const lh_rec *x)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; x->res != NULL && i < x->res->ndeps; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(x->res->deps[i]));
	return a;
}

/* Group commit of completion records (state.h: cheap to call after each). */
static void
journal_tick(lh_run *r)
{
	if (!lh_state_journal_flush(r->st, r->d))
		journal_failed(r);
}

static void
journal_done(lh_run *r, const lh_addr *a)
{
	if (!lh_state_journal_done(r->st, a, r->d))
		journal_failed(r);
}

/* A create that surely did not happen: its intent is dropped. */
static void
journal_forget(lh_run *r, const lh_addr *a)
{
	if (!lh_state_journal_forget(r->st, a, r->d))
		journal_failed(r);
}

static void start_create(job *j);
static void start_job(job *j);

/* Starts the next changes of the wave being fed while its window has room; requests
 * they submit are new work at the end of the queue, also when a completion callback
 * calls this (lh_http_new_work_begin). */
static void
feed_more(lh_run *r)
{
	feed *f = r->feed;
	if (f == NULL || f->busy)
		return;
	f->busy = true;
	int saved = r->http != NULL ? lh_http_new_work_begin(r->http) : 0;
	while (f->next < f->n && f->active < f->window) {
		job *j = f->jobs[f->next++];
		if (j->rec->failed)	/* refuse_same_object */
			continue;
		j->fed = true;
		f->active++;
		start_job(j);
		if (j->fed && !j->op.active) {	/* nothing under way (failed at once) */
			j->fed = false;
			f->active--;
		}
	}
	if (r->http != NULL)
		lh_http_new_work_end(r->http, saved);
	f->busy = false;
}

/* j's change finished (or waits to be sent again after the wave's requests): its
 * place in the window goes to the next. */
static void
job_finished(job *j)
{
	feed *f = j->r->feed;
	if (!j->fed)
		return;
	j->fed = false;
	if (f != NULL) {
		f->active--;
		feed_more(j->r);
	}
}

static void
job_failed(job *j)
{
	lh_run *r = j->r;
	if (!j->op.cancelled)
		lh_rop_started(&j->op);
	if (j->op.kind == LH_OP_CREATE && (j->op.resend || j->op.maybe_created))
		j->uncertain = true;
	if (j->op.kind == LH_OP_CREATE && j->op.resend && !r->interrupted && !r->journal_broken &&
	    now_s() - j->tcreate < resend_budget()) {
		/* Found absent after an uncertain answer: the id is ours and unused, so the
		 * same create goes out again (after this wave's requests, run_wave). */
		j->want_resend = true;
		return;
	}
	j->rec->failed = true;
	if (j->op.cancelled) {
		if (j->op.kind == LH_OP_CREATE && j->op.maybe_created)
			j->unresolved = true;	/* looked up before the run ends (run_wave) */
		else if (j->op.kind == LH_OP_CREATE && !j->uncertain)
			journal_forget(r, &j->rec->id);
		return;
	}
	if (j->op.attrs != NULL && (j->op.kind == LH_OP_CREATE || j->op.kind == LH_OP_UPDATE)) {
		/* The write reached the server but did not come out as asked: record what
		 * the server holds (a created user must never be lost). */
		cJSON *attrs = j->op.attrs;
		j->op.attrs = NULL;
		lh_state_inst *si = lh_state_set(r->st, &j->rec->id, attrs, deps_json(j->rec),
		    lh_run_sensitive_paths(j->c->after_sensitive));
		journal_done(r, &j->rec->id);
		j->rec->applied = si ? si->attributes : NULL;
		r->gen++;
	} else if (j->op.kind == LH_OP_CREATE && !j->op.maybe_created && !j->uncertain) {
		journal_forget(r, &j->rec->id);
	}
	lh_run_error(r, j->c->addr, j->op.summary, j->op.detail);
	report(r, j->c, j->op.kind == LH_OP_CREATE ? "create_errored" :
	    j->op.kind == LH_OP_UPDATE ? "update_errored" : "delete_errored", NULL,
	    now_s() - j->t0);
}

/* The address of another instance in the state holding the object attrs describes, or
 * NULL.  Only types whose ids are made of their arguments (memberships): a create of
 * one adopts an existing object, so two blocks naming one membership, unknown at plan,
 * would both record it, and a state with one object at two addresses is refused. */
static const char *
held_elsewhere(lh_run *r, const job *j, const cJSON *attrs)
{
	const lh_rtype *rt = j->c->rt;
	const char *id = rt->own_id_attr == NULL ? sget(attrs, rt->id_attr) : NULL;
	/* the state's (type, id) index: a scan of the state per create made an apply of
	 * 2,000 memberships quadratic (it also re-sorted the state after every write) */
	lh_state_inst *si = id != NULL ? lh_state_id_holder(r->st, rt->type_name, id,
	    &j->rec->id) : NULL;
	return si != NULL ? lh_addr_format(r->a, &si->addr) : NULL;
}

static void job_done_op(lh_rop *op, job *j);

static void
job_done(lh_rop *op, void *ctx)
{
	job *j = ctx;
	job_done_op(op, j);
	job_finished(j);
}

static void
job_done_op(lh_rop *op, job *j)
{
	lh_run *r = j->r;
	if (!op->ok) {
		job_failed(j);
		return;
	}
	lh_rop_started(op);
	if (op->note != NULL)
		lh_diag_add(r->d, LH_DIAG_WARNING, NULL, 0, 0, op->note, "%s", j->c->addr);
	double secs = now_s() - j->t0;
	switch (op->kind) {
	case LH_OP_DELETE:
		lh_state_remove(r->st, &j->rec->id);
		journal_done(r, &j->rec->id);
		journal_tick(r);
		j->rec->applied = NULL;
		r->gen++;
		r->destroyed++;
		if (j->c->action == LH_ACT_REPLACE) {
			/* its create runs in its resource's turn of phase 2 (lh_apply) */
			j->phase = 1;
		} else {
			j->rec->done = true;
		}
		report(r, j->c, "delete_done", sget(j->c->before, "id"), secs);
		return;
	case LH_OP_CREATE:
	case LH_OP_UPDATE: {
		cJSON *attrs = op->attrs;
		op->attrs = NULL;
		const char *other = op->kind == LH_OP_CREATE ? held_elsewhere(r, j, attrs) : NULL;
		if (other != NULL) {
			char *det = lh_xprintf("%s and %s are the same object (id \"%s\"): it stays "
			    "%s's, and nothing is recorded for %s. Keep one of the two blocks.",
			    j->c->addr, other, sget(attrs, j->c->rt->id_attr), other, j->c->addr);
			cJSON_Delete(attrs);
			journal_forget(r, &j->rec->id);
			j->rec->failed = true;
			lh_run_error(r, j->c->addr, lh_arena_printf(r->a, "Error creating %s",
			    j->c->addr), det);
			free(det);
			report(r, j->c, "create_errored", NULL, secs);
			return;
		}
		lh_state_inst *si = lh_state_set(r->st, &j->rec->id, attrs, deps_json(j->rec),
		    lh_run_sensitive_paths(j->c->after_sensitive));
		journal_done(r, &j->rec->id);
		journal_tick(r);
		j->rec->applied = si ? si->attributes : NULL;
		r->gen++;
		j->rec->done = true;
		if (op->kind == LH_OP_CREATE) {
			r->added++;
			report(r, j->c, "create_done", op->id, secs);
		} else {
			r->changed++;
			if (j->c->import_id != NULL)
				r->imported++;
			report(r, j->c, "update_done", op->id, secs);
		}
		return;
	}
	case LH_OP_READ:
		return;
	}
}

/* The id a create of j will use: the configured own id, the one chosen for it, or the
 * type's would-be id; NULL when it cannot be known yet. */
static const char *
create_id(job *j)
{
	const lh_rtype *rt = j->c->rt;
	if (rt->own_id_attr != NULL) {
		const char *cfg_id = sget(j->c->after, rt->own_id_attr);
		return cfg_id ? cfg_id : j->uid[0] ? j->uid : NULL;
	}
	if (j->wid == NULL && rt->would_be_id != NULL)
		j->wid = rt->would_be_id(j->c->after);
	return j->wid;
}

static void
start_create(job *j)
{
	lh_run *r = j->r;
	const lh_rtype *rt = j->c->rt;
	const char *cfg_id = rt->own_id_attr ? sget(j->c->after, rt->own_id_attr) : NULL;
	if (rt->own_id_attr != NULL && cfg_id == NULL && j->uid[0] == '\0' && !lh_uuid_v4(j->uid)) {
		j->rec->failed = true;
		lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot choose an id",
		    "The operating system's random source could not be read.");
		return;
	}
	j->op.kind = LH_OP_CREATE;
	j->op.id = create_id(j);
	/* a resend after an uncertain attempt finds the id taken by that attempt */
	j->op.own_id = rt->own_id_attr != NULL && (cfg_id == NULL || j->uncertain);
	j->op.after = j->c->after;
	j->t0 = now_s();
	if (j->tcreate == 0)
		j->tcreate = j->t0;
	/* its intent was journalled by run_wave; "Creating..." when its request starts
	 * (job_started) */
	if (!lh_rop_submit(&r->rc, &j->op)) {
		lh_rop_started(&j->op);
		j->rec->failed = true;
	}
}

/* The op's first request starts (not when it is queued behind -parallelism others,
 * as Terraform prints "Creating..." when the resource's turn comes): reported, and
 * its elapsed time counts from here. */
static void
job_started(lh_rop *op)
{
	job *j = op->ctx;
	if (op->kind == LH_OP_CREATE && j->create_shown)
		return;		/* a resend: the create started already, its time runs on */
	j->t0 = now_s();
	switch (op->kind) {
	case LH_OP_CREATE:
		j->create_shown = true;
		report(j->r, j->c, "create", NULL, 0);
		break;
	case LH_OP_UPDATE: report(j->r, j->c, "update", op->id, 0); break;
	case LH_OP_DELETE: report(j->r, j->c, "delete", op->id, 0); break;
	case LH_OP_READ: break;
	}
}

/* Starts one change; creates need their intent journalled before (see run_wave). */
static void
start_job(job *j)
{
	lh_run *r = j->r;
	lh_change *c = j->c;
	j->op.rt = c->rt;
	j->op.addr = c->addr;
	j->op.done = job_done;
	j->op.ctx = j;
	j->op.on_start = job_started;
	j->t0 = now_s();
	switch (c->action) {
	case LH_ACT_CREATE:
		start_create(j);
		return;
	case LH_ACT_UPDATE:
		j->op.kind = LH_OP_UPDATE;
		j->op.id = sget(c->before, c->rt->id_attr);
		j->op.before = c->before;
		j->op.after = c->after;
		/* read by this run's refresh moments ago: the type need not read it again
		 * before writing (after a long wait at the prompt it does) */
		j->op.checked = j->rec->refreshed && r->refreshed_at > 0 &&
		    now_s() - r->refreshed_at < refresh_trust();
		break;
	case LH_ACT_REPLACE:
		if (j->phase == 1) {	/* deleted in phase 1: now the create */
			start_create(j);
			return;
		}
		/* fall through */
	case LH_ACT_DELETE:
		j->op.kind = LH_OP_DELETE;
		j->op.id = sget(c->before, c->rt->id_attr);
		j->op.before = c->before;
		break;
	case LH_ACT_NOOP:
	case LH_ACT_FORGET:
		return;
	}
	if (j->op.id == NULL) {
		j->rec->failed = true;
		lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "Missing id in state",
		    "%s has no id in the state; remove it with \"litehcl state rm %s\".",
		    c->addr, c->addr);
		return;
	}
	if (!lh_rop_submit(&r->rc, &j->op)) {
		lh_rop_started(&j->op);
		j->rec->failed = true;
	}
}

static void
resolve_done(lh_rop *op, void *ctx)
{
	job *j = ctx;
	lh_run *r = j->r;
	if (op->ok && !op->gone && op->attrs != NULL) {
		/* it happened: adopt it, as the next run's recovery would */
		cJSON *attrs = op->attrs;
		op->attrs = NULL;
		lh_state_inst *si = lh_state_set(r->st, &j->rec->id, attrs, deps_json(j->rec),
		    lh_run_sensitive_paths(j->c->after_sensitive));
		journal_done(r, &j->rec->id);
		j->rec->applied = si ? si->attributes : NULL;
		r->gen++;
		r->added++;
		report(r, j->c, "create_done", op->id, now_s() - j->t0);
	}
	/* else (absent now, or still unknown): the intent stays journalled and the next
	 * run resolves it - absent moments after an uncertain create is no proof, as a
	 * slow server may commit it after our timeout (SIGINT trials found that orphan) */
	j->unresolved = false;
}

/* Ctrl-C while creates were uncertain: their look-ups were cancelled with everything
 * else, but a create that may have happened must be resolved (adopted or forgotten)
 * or stay journalled - never dropped.  The look-ups run now, past the stop, for the
 * stop's grace at most (a server that stopped answering must not hold the interrupted
 * run): one still unanswered leaves its intent journalled for the next run. */
static void
resolve_uncertain(lh_run *r, job **jobs, size_t n)
{
	bool any = false;
	for (size_t i = 0; i < n; i++)
		any = any || jobs[i]->unresolved;
	if (!any)
		return;
	lh_http_resume_briefly(r->http);
	for (size_t i = 0; i < n; i++) {
		job *j = jobs[i];
		if (!j->unresolved)
			continue;
		const char *id = j->op.id;
		lh_rop_clear(&j->op);
		memset(&j->op, 0, sizeof j->op);
		j->op.kind = LH_OP_READ;
		j->op.rt = j->c->rt;
		j->op.addr = j->c->addr;
		j->op.id = id;
		j->op.ref = j->c->after;
		j->op.done = resolve_done;
		j->op.ctx = j;
		if (!lh_rop_submit(&r->rc, &j->op))
			j->unresolved = false;
	}
	lh_rctx_run(&r->rc);
	lh_http_stop(r->http);
}

typedef struct wid_ent {
	const char *type, *id;
	size_t i;
} wid_ent;

static int
wid_cmp(const void *pa, const void *pb)
{
	const wid_ent *a = pa, *b = pb;
	int c = strcmp(a->type, b->type);
	if (c == 0)
		c = strcmp(a->id, b->id);
	return c != 0 ? c : (a->i > b->i) - (a->i < b->i);
}

/* Two creates in jobs[0..n) of one object whose id is made of its arguments (two
 * membership blocks for one team and user, known only now that the team and user
 * exist): the later is refused before anything is sent - a create adopts an existing
 * object, so both would record it (held_elsewhere is the check at completion). */
static void
refuse_same_object(lh_run *r, job **jobs, size_t n)
{
	wid_ent *e = malloc((n + 1) * sizeof *e);
	if (e == NULL)
		abort();
	size_t ne = 0;
	for (size_t i = 0; i < n; i++) {
		job *j = jobs[i];
		if (j->c->rt->own_id_attr != NULL || j->rec->failed ||
		    (j->c->action != LH_ACT_CREATE &&
		    (j->c->action != LH_ACT_REPLACE || j->phase != 1)))
			continue;
		const char *id = create_id(j);
		if (id != NULL)
			e[ne++] = (wid_ent){j->c->rt->type_name, id, i};
	}
	qsort(e, ne, sizeof *e, wid_cmp);
	for (size_t k = 1; k < ne; k++) {
		if (strcmp(e[k].type, e[k - 1].type) != 0 || strcmp(e[k].id, e[k - 1].id) != 0)
			continue;
		size_t f = k - 1;
		while (f > 0 && strcmp(e[f - 1].type, e[k].type) == 0 &&
		    strcmp(e[f - 1].id, e[k].id) == 0)
			f--;
		job *first = jobs[e[f].i], *j = jobs[e[k].i];
		j->rec->failed = true;
		char *det = lh_xprintf("%s and %s are the same object (id \"%s\"): only %s is "
		    "created, and nothing is recorded for %s. Keep one of the two blocks.",
		    j->c->addr, first->c->addr, e[k].id, first->c->addr, j->c->addr);
		lh_run_error(r, j->c->addr, lh_arena_printf(r->a, "Error creating %s",
		    j->c->addr), det);
		free(det);
	}
	free(e);
}

/* Runs jobs[0..n) in parallel: journals create intents durably first. */
static void
run_wave(lh_run *r, job **jobs, size_t n)
{
	if (n == 0)
		return;
	refuse_same_object(r, jobs, n);
	bool intents = false;
	for (size_t i = 0; i < n; i++) {
		job *j = jobs[i];
		if (j->rec->failed || (j->c->action != LH_ACT_CREATE &&
		    (j->c->action != LH_ACT_REPLACE || j->phase != 1)))
			continue;
		const lh_rtype *rt = j->c->rt;
		const char *cfg_id = rt->own_id_attr ? sget(j->c->after, rt->own_id_attr) : NULL;
		const char *rid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		    r->retry_ids, j->rec->addr));
		/* an earlier run's create of this id was found absent at recovery, but a slow
		 * server may still commit it: finding the id taken then is that create */
		if (cfg_id != NULL && rid != NULL && strcmp(rid, cfg_id) == 0)
			j->uncertain = true;
		if (rt->own_id_attr != NULL && cfg_id == NULL) {
			if (rid != NULL && strlen(rid) <= LH_UUID_LEN)
				strcpy(j->uid, rid);
			else if (!lh_uuid_v4(j->uid))
				continue;
			/* start_create uses j->uid; keep it stable */
		}
		const char *id = create_id(j);
		if (id == NULL)
			continue;
		if (!lh_state_journal_intent(r->st, &j->rec->id, id, "create", r->d)) {
			journal_failed(r);
			break;
		}
		intents = true;
	}
	/* The write-ahead rule: no create leaves unless its intent is durable. */
	if (r->journal_broken || (intents && !lh_state_journal_sync(r->st, r->d))) {
		journal_failed(r);
		for (size_t i = 0; i < n; i++)
			jobs[i]->rec->failed = true;
		return;
	}
	/* every change queued at once, or a window at a time (feed) */
	feed f = {.jobs = jobs, .n = n, .window = feed_window(n)};
	if (!r->interrupted && !r->journal_broken) {
		r->feed = &f;
		feed_more(r);
	}
	lh_rctx_run(&r->rc);
	while (r->feed != NULL && f.next < n) {
		/* (none are left: each finish tops up; should one ever be, it goes now) */
		f.active = 0;
		feed_more(r);
		lh_rctx_run(&r->rc);
	}
	r->feed = NULL;
	/* Creates found absent after an uncertain answer go out again with the same id,
	 * until they succeed or the time budget is spent (job_failed). */
	for (double delay = 0.05;;) {
		bool any = false;
		for (size_t i = 0; i < n; i++)
			any = any || jobs[i]->want_resend;
		if (!any || r->interrupted || r->journal_broken)
			break;
		struct timespec ts = {.tv_sec = (time_t)delay,
		    .tv_nsec = (long)((delay - (double)(time_t)delay) * 1e9)};
		nanosleep(&ts, NULL);
		delay = delay * 2 > 2 ? 2 : delay * 2;
		for (size_t i = 0; i < n; i++) {
			job *j = jobs[i];
			if (!j->want_resend)
				continue;
			j->want_resend = false;
			lh_rop_clear(&j->op);
			start_create(j);
		}
		lh_rctx_run(&r->rc);
	}
	for (size_t i = 0; i < n; i++) {
		job *j = jobs[i];
		if (!j->want_resend)
			continue;
		/* interrupted meanwhile: absent when looked up, but a slow server may still
		 * commit the uncertain attempt, so the intent stays for the next run's
		 * recovery (forgetting it orphaned such users: SIGINT trials) */
		j->want_resend = false;
		j->rec->failed = true;
		lh_run_error(r, j->c->addr, j->op.summary, j->op.detail);
	}
	resolve_uncertain(r, jobs, n);
	lh_run_flush_errors(r);
	if (!lh_state_journal_sync(r->st, r->d))
		journal_failed(r);
	for (size_t i = 0; i < n; i++) {
		lh_rop_clear(&jobs[i]->op);
		free(jobs[i]->wid);
		jobs[i]->wid = NULL;
	}
}

/* A configured resource and its index in cfg->resources. */
typedef struct res_at {
	const lh_resource *res;
	size_t k;
} res_at;

static int
cmp_res_at(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const res_at *)a)->res, y = (uintptr_t)((const res_at *)b)->res;
	return x < y ? -1 : x > y;
}

static int
cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The addresses of the resources with a failed instance now, sorted into *v (grown as
 * needed, *cap its size): what dep_failed looks up, taken once per wave instead of a
 * pass over every record for each job (2,000 memberships x 2,300 records was 56 M
 * instructions). */
static size_t
failed_resources(lh_run *r, const char ***v, size_t *cap)
{
	size_t n = 0;
	const lh_resource *last = NULL;
	for (size_t k = 0; k < r->nrecs; k++) {
		const lh_rec *y = r->recs[k];
		if (!y->failed || y->res == NULL || y->res == last)
			continue;
		last = y->res;
		if (n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*v = realloc(*v, *cap * sizeof **v);
			if (*v == NULL)
				abort();
		}
		(*v)[n++] = y->res->addr;
	}
	if (n > 1)
		qsort(*v, n, sizeof **v, cmp_strp);
	return n;
}

/* Whether a resource x depends on has a failed instance (failed: failed_resources). */
static bool
dep_failed(const char **failed, size_t nfailed, const lh_rec *x)
{
	if (x->res == NULL || nfailed == 0)
		return false;
	for (size_t i = 0; i < x->res->ndeps; i++)
		if (bsearch(&x->res->deps[i], failed, nfailed, sizeof *failed, cmp_strp) != NULL)
			return true;
	return false;
}

/* A saved plan keeps no secret, so a sensitive argument is evaluated again when the
 * plan is applied.  A salted digest of the value the plan showed catches a different
 * value now (another -var, another TF_VAR_) instead of applying something that was
 * never shown.  Returns "salt:hex" in the arena, or NULL. */
char *
lh_sens_digest(lh_arena *a, const char *salt, const cJSON *v)
{
	char *js = v != NULL ? cJSON_PrintUnformatted(v) : NULL;
	char *msg = lh_arena_printf(a, "%s:%s", salt, js ? js : "null");
	free(js);
	lh_func_ctx fc = {.a = a};
	lh_value *arg = lh_val_cstr(a, msg);
	lh_value *h = lh_func_call(&fc, "sha256", &arg, 1);
	if (h == NULL || h->type->kind != LH_TY_STRING)
		return NULL;
	return lh_arena_printf(a, "%s:%.*s", salt, (int)h->u.str.len, h->u.str.s);
}

/* Checks the re-evaluated sensitive values of a saved plan's change against the
 * digests recorded at plan time; reports and returns false on a difference. */
static bool
sens_check(lh_run *r, lh_rec *rec, const cJSON *after)
{
	bool ok = true;
	const cJSON *e;
	cJSON_ArrayForEach(e, rec->sens_digest) {
		const char *want = cJSON_GetStringValue(e);
		const char *colon = want ? strchr(want, ':') : NULL;
		if (colon == NULL)
			continue;
		char *salt = lh_arena_strndup(r->a, want, (size_t)(colon - want));
		const cJSON *v = cJSON_IsObject(after) ?
		    cJSON_GetObjectItemCaseSensitive(after, e->string) : NULL;
		char *got = lh_sens_digest(r->a, salt, v);
		if (got == NULL || strcmp(got, want) != 0) {
			lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "Saved plan does not match the configuration",
			    "The sensitive argument \"%s\" of %s now evaluates to a different value "
			    "than when the plan was made (different -var, -var-file or TF_VAR_ "
			    "values?). A saved plan applies exactly what it showed: give the same "
			    "values again, or make a new plan.", e->string, rec->addr);
			ok = false;
		}
	}
	return ok;
}

/* Re-evaluates res's instances now that what they reference has been applied, and
 * replans the changes in jobs[0..n) from the fresh arguments. */
static bool
reevaluate(lh_run *r, lh_resource *res, job **jobs, size_t n)
{
	size_t ni = 0;
	lh_instance **in = lh_config_expand(r->cfg, res, lh_run_resolve, r, r->d, &ni);
	if (in == NULL && ni == 0)
		return false;
	/* each fresh instance to its record (by address: no n x n search) */
	for (size_t i = 0; i < n; i++)
		jobs[i]->rec->reeval = NULL;
	for (size_t k = 0; k < ni; k++) {
		lh_rec *x = lh_run_rec(r, &in[k]->id, false);
		if (x != NULL)
			x->reeval = in[k];
	}
	for (size_t i = 0; i < n; i++) {
		job *j = jobs[i];
		lh_instance *inst = j->rec->reeval;
		j->rec->reeval = NULL;
		if (inst == NULL)
			continue;
		j->rec->inst = inst;
		r->gen++;
		/* recompute the arguments and the planned object */
		cJSON *want = cJSON_CreateObject(), *sens = cJSON_CreateObject();
		const lh_value *args = inst->args;
		bool unknown = false;
		for (size_t k = 0; args && k < args->u.map.n; k++) {
			lh_value *v = args->u.map.vals[k];
			if (lh_val_has_sensitive(v))
				cJSON_AddItemToObject(sens, args->u.map.keys[k], cJSON_CreateTrue());
			if (lh_val_has_unknown(v)) {
				unknown = true;
				continue;
			}
			if (lh_val_is_null(v))
				continue;
			const char *err = NULL;
			cJSON *jv = lh_val_to_cjson(v, &err);
			if (jv)
				cJSON_AddItemToObject(want, args->u.map.keys[k], jv);
		}
		if (unknown) {
			/* still unknown: the check after reevaluate reports it */
			cJSON_Delete(want);
			cJSON_Delete(sens);
			continue;
		}
		cJSON_Delete(j->rec->want_unknown);
		j->rec->want_unknown = NULL;	/* none unknown any more */
		lh_plan_slot s = {.addr = j->c->addr, .type = j->c->type, .name = j->c->name,
		    .index = j->c->index, .rt = j->c->rt, .want = want, .want_sensitive = sens,
		    .have = j->c->action == LH_ACT_CREATE ? NULL : j->c->before,
		    .prior = j->c->action == LH_ACT_CREATE ? NULL : j->c->before,
		    .refreshed = false, .targeted = true,
		    .replace = j->c->reason == LH_REASON_REPLACE_REQUESTED,
		    .tainted = j->c->reason == LH_REASON_TAINTED,
		    .ignore_all = res->lifecycle->ignore_all, .ignore = res->lifecycle->ignore,
		    .nignore = res->lifecycle->nignore};
		lh_plan *p = lh_plan_make(LH_PLAN_NORMAL, &s, 1);
		if (p->n == 1) {
			/* nc's trees are its own (lh_plan_make): they replace j's, which may
			 * be borrowed from the run's plan (lh_plan_make_shared) */
			lh_change *nc = &p->changes[0];
			if (!(j->c->shared & LH_CH_AFTER_BORROWED))
				cJSON_Delete(j->c->after);
			if (!(j->c->shared & LH_CH_UNKNOWN_BORROWED))
				cJSON_Delete(j->c->after_unknown);
			j->c->after = nc->after;
			j->c->after_unknown = nc->after_unknown;
			nc->after = NULL;
			nc->after_unknown = NULL;
			if (j->c->shared & LH_CH_SENS_BORROWED)	/* before_sensitive's own copy */
				j->c->before_sensitive = cJSON_Duplicate(j->c->before_sensitive, 1);
			else
				cJSON_Delete(j->c->after_sensitive);
			j->c->after_sensitive = nc->after_sensitive;
			nc->after_sensitive = NULL;
			j->c->shared &= ~(unsigned)(LH_CH_AFTER_BORROWED | LH_CH_UNKNOWN_BORROWED |
			    LH_CH_SENS_BORROWED);
			if (j->c->action == LH_ACT_UPDATE && nc->action == LH_ACT_NOOP)
				j->c->action = LH_ACT_NOOP;
			if (j->rec->sens_digest != NULL && !sens_check(r, j->rec, j->c->after))
				j->rec->failed = true;
		}
		lh_plan_free(p);
		cJSON_Delete(want);
		cJSON_Delete(sens);
	}
	return true;
}

static bool
is_delete(const lh_change *c)
{
	return c->action == LH_ACT_DELETE;
}

/* A resource (TYPE.NAME) with objects to delete in phase 1. */
typedef struct dres {
	const char *addr;
	const char **deps;	/* what its objects depend on: the configuration's
				 * references and the dependencies the state recorded */
	size_t ndeps, cap;
	bool done;
	bool blocked;		/* a delete of an object depending on it failed */
} dres;

static void
dres_add_dep(dres *d, const char *dep)
{
	for (size_t i = 0; i < d->ndeps; i++)
		if (strcmp(d->deps[i], dep) == 0)
			return;
	if (d->ndeps == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 4;
		d->deps = realloc(d->deps, d->cap * sizeof *d->deps);
		if (d->deps == NULL)
			abort();
	}
	d->deps[d->ndeps++] = dep;
}

static bool
dres_needs(const dres *d, const char *addr)
{
	for (size_t i = 0; i < d->ndeps; i++)
		if (strcmp(d->deps[i], addr) == 0)
			return true;
	return false;
}

/* Phase 1 of an apply: the deletes - pure ones and the delete half of destroy-then-
 * create replacements - in Terraform's destroy order: an object goes only after every
 * object that depends on it, by the configuration's references or, for the object
 * being destroyed, the dependencies the state recorded (a membership before its team,
 * also when both are replaced; an object no longer configured after what referenced
 * it).  Resource by resource in waves, each wave's objects in parallel; when a delete
 * fails, what it depends on is kept (Terraform skips it too) and, for a replacement,
 * not created again.  The creates follow in phase 2.  wavep: scratch of n. */
static void
destroy_phase(lh_run *r, job *jobs, size_t n, job **wavep)
{
	size_t nd = 0;
	dres *ds = calloc(n + 1, sizeof *ds);
	size_t *di = calloc(n + 1, sizeof *di);	/* change -> its dres */
	if (ds == NULL || di == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		const lh_change *c = jobs[i].c;
		di[i] = SIZE_MAX;
		if (!is_delete(c) && c->action != LH_ACT_REPLACE)
			continue;
		const lh_rec *x = jobs[i].rec;
		const char *ra = lh_addr_resource(r->a, &x->id);
		size_t k = 0;
		while (k < nd && strcmp(ds[k].addr, ra) != 0)
			k++;
		if (k == nd)
			ds[nd++].addr = ra;
		di[i] = k;
		for (size_t e = 0; x->res != NULL && e < x->res->ndeps; e++)
			dres_add_dep(&ds[k], x->res->deps[e]);
		const lh_state_inst *si = lh_state_find(r->st, &x->id);
		const cJSON *sdeps = si != NULL ? si->dependencies : NULL, *dep;
		cJSON_ArrayForEach(dep, sdeps)
			if (cJSON_IsString(dep))
				dres_add_dep(&ds[k], dep->valuestring);
	}
	for (size_t left = nd; left > 0 && !r->interrupted && !r->journal_broken;) {
		/* ready: no resource still to delete depends on it (on a cycle, which the
		 * configuration cannot have but a state may, all that are left) */
		bool *ready = calloc(nd, sizeof *ready);
		if (ready == NULL)
			abort();
		size_t nready = 0;
		for (size_t k = 0; k < nd; k++) {
			if (ds[k].done)
				continue;
			bool wait = false;
			for (size_t m = 0; m < nd && !wait; m++)
				wait = m != k && !ds[m].done && dres_needs(&ds[m], ds[k].addr);
			ready[k] = !wait;
			nready += !wait;
		}
		for (size_t k = 0; nready == 0 && k < nd; k++)
			ready[k] = !ds[k].done;
		size_t nw = 0;
		for (size_t i = 0; i < n; i++) {
			if (di[i] == SIZE_MAX || !ready[di[i]])
				continue;
			if (ds[di[i]].blocked) {
				jobs[i].rec->failed = true;
				continue;
			}
			wavep[nw++] = &jobs[i];
		}
		run_wave(r, wavep, nw);
		for (size_t k = 0; k < nd; k++)
			if (ready[k]) {
				ds[k].done = true;
				left--;
			}
		/* a failed delete keeps what its resource depends on */
		for (size_t i = 0; i < n; i++) {
			if (di[i] == SIZE_MAX || !ready[di[i]] || !jobs[i].rec->failed)
				continue;
			const dres *f = &ds[di[i]];
			for (size_t k = 0; k < nd; k++)
				if (!ds[k].done && dres_needs(f, ds[k].addr))
					ds[k].blocked = true;
		}
		free(ready);
	}
	for (size_t k = 0; k < nd; k++)
		free(ds[k].deps);
	free(ds);
	free(di);
}

/* A type's settle hook (resource.h) over the state: the instance holding (type, id). */
typedef struct settle_ctx {
	lh_run *r;
	const lh_rtype *rt;
} settle_ctx;

static lh_state_inst *
settle_inst(settle_ctx *s, const char *id)
{
	static const lh_addr nowhere = {.type = "", .name = ""};	/* excepts none */
	return lh_state_id_holder(s->r->st, s->rt->type_name, id, &nowhere);
}

static const cJSON *
settle_have(void *ctx, const char *id)
{
	lh_state_inst *si = settle_inst(ctx, id);
	return si != NULL ? si->attributes : NULL;
}

/* The server's values of an object another type's writes changed: recorded and
 * journalled as any completed change is. */
static void
settle_take(void *ctx, const char *id, cJSON *attrs)
{
	settle_ctx *s = ctx;
	lh_run *r = s->r;
	lh_state_inst *si = settle_inst(s, id);
	if (si == NULL) {
		cJSON_Delete(attrs);
		return;
	}
	lh_addr a = si->addr;	/* the state's strings: kept by a replace in place */
	si = lh_state_set(r->st, &a, attrs, cJSON_Duplicate(si->dependencies, 1),
	    cJSON_Duplicate(si->sensitive_attributes, 1));
	journal_done(r, &a);
	lh_rec *x = lh_run_rec(r, &a, false);
	if (x != NULL)
		x->applied = si ? si->attributes : NULL;
	r->gen++;
}

/* Once the changes are made: objects whose server values other types' writes moved
 * after they were recorded (a parent object, by its children's writes) take them, so
 * the state ends as a refresh would leave it and the next plan finds nothing to do. */
static void
settle(lh_run *r)
{
	if (r->http == NULL || r->journal_broken)
		return;
	for (const lh_rtype *const *t = lh_rtypes(); *t != NULL; t++) {
		if ((*t)->settle == NULL)
			continue;
		settle_ctx s = {r, *t};
		(*t)->settle(&r->rc, settle_have, settle_take, &s);
	}
	journal_tick(r);
}

bool
lh_apply(lh_run *r)
{
	lh_plan *p = r->plan;
	int errs = r->d->errors;
	if (!lh_plan_has_changes(p) && p->mode != LH_PLAN_REFRESH_ONLY)
		return true;
	bool needs_http = false;
	for (size_t i = 0; i < p->n; i++)
		if (p->changes[i].action != LH_ACT_NOOP && p->changes[i].action != LH_ACT_FORGET)
			needs_http = true;
	if (needs_http && !lh_run_http(r))
		return false;
	job *jobs = calloc(p->n + 1, sizeof *jobs);
	if (jobs == NULL)
		abort();
	for (size_t i = 0; i < p->n; i++) {
		jobs[i].r = r;
		jobs[i].c = &p->changes[i];
		jobs[i].rec = r->slot_rec[p->changes[i].slot];
	}
	/* imports that need no change: just record the object */
	for (size_t i = 0; i < p->n; i++) {
		lh_change *c = &p->changes[i];
		if (c->action != LH_ACT_NOOP || c->import_id == NULL)
			continue;
		lh_rec *x = jobs[i].rec;
		report(r, c, "import", c->import_id, 0);
		lh_state_inst *si = lh_state_set(r->st, &x->id, cJSON_Duplicate(c->before, 1),
		    deps_json(x), NULL);
		journal_done(r, &x->id);
		x->applied = si ? si->attributes : NULL;
		r->gen++;
		x->done = true;
		r->imported++;
		report(r, c, "import_done", c->import_id, 0);
	}
	/* removed blocks with destroy = false: out of the state, nothing sent */
	for (size_t i = 0; i < p->n; i++) {
		lh_change *c = &p->changes[i];
		if (c->action != LH_ACT_FORGET)
			continue;
		lh_rec *x = jobs[i].rec;
		lh_state_remove(r->st, &x->id);
		journal_done(r, &x->id);
		x->applied = NULL;
		r->gen++;
		x->done = true;
	}
	/* Dependency depth of each configured resource: resources of equal depth are
	 * independent of each other and run together. */
	size_t nres = r->cfg ? r->cfg->nresources : 0;
	size_t *depth = calloc(nres + 1, sizeof *depth);
	size_t *rindex = calloc(p->n + 1, sizeof *rindex);	/* change -> resource index */
	job **wavep = calloc(p->n + 1, sizeof *wavep);
	if (depth == NULL || rindex == NULL || wavep == NULL)
		abort();
	size_t maxd = 0;
	for (size_t k = 0; k < nres; k++) {
		lh_resource *res = r->cfg->resources[k];
		for (size_t di = 0; di < res->ndeps; di++)
			for (size_t j = 0; j < k; j++)
				if (strcmp(r->cfg->resources[j]->addr, res->deps[di]) == 0 &&
				    depth[j] + 1 > depth[k])
					depth[k] = depth[j] + 1;
		if (depth[k] > maxd)
			maxd = depth[k];
	}
	/* change -> resource index through the resources sorted by address in memory (a
	 * scan of every resource for every change was 10^8 steps for 10,000 blocks) */
	res_at *byp = calloc(nres + 1, sizeof *byp);
	if (byp == NULL)
		abort();
	for (size_t k = 0; k < nres; k++)
		byp[k] = (res_at){r->cfg->resources[k], k};
	qsort(byp, nres, sizeof *byp, cmp_res_at);
	for (size_t i = 0; i < p->n; i++) {
		rindex[i] = nres;	/* not configured */
		res_at key = {jobs[i].rec->res, 0};
		const res_at *hit = key.res == NULL ? NULL :
		    bsearch(&key, byp, nres, sizeof *byp, cmp_res_at);
		if (hit != NULL)
			rindex[i] = hit->k;
	}
	free(byp);
	/* Phase 1: every delete, the delete half of replacements included, dependents
	 * first. */
	destroy_phase(r, jobs, p->n, wavep);
	/* Phase 2: everything else, by increasing depth; each resource's arguments are
	 * evaluated again when they waited for values of its dependencies. */
	const char **failed = NULL;
	size_t failed_cap = 0;
	for (size_t d = 0; d <= maxd && nres > 0 && !r->interrupted && !r->journal_broken; d++) {
		size_t nw = 0;
		/* what failed at lesser depths (every resource depended on is there) */
		size_t nfailed = failed_resources(r, &failed, &failed_cap);
		for (size_t k = 0; k < nres; k++) {
			if (depth[k] != d)
				continue;
			lh_resource *res = r->cfg->resources[k];
			if (res->data) {
				/* read what could not be read during plan (refresh.c) */
				lh_run_read_data(r, res);
				continue;
			}
			size_t first = nw;
			bool reeval = false;
			for (size_t i = 0; i < p->n; i++) {
				lh_change *c = &p->changes[i];
				if (is_delete(c) || c->action == LH_ACT_NOOP ||
				    c->action == LH_ACT_FORGET || rindex[i] != k)
					continue;
				/* a replacement whose delete did not happen is not created */
				if (c->action == LH_ACT_REPLACE && jobs[i].phase != 1) {
					jobs[i].rec->failed = true;
					continue;
				}
				if (dep_failed(failed, nfailed, jobs[i].rec)) {
					jobs[i].rec->failed = true;
					continue;
				}
				if (cJSON_GetArraySize(jobs[i].rec->want_unknown) > 0)
					reeval = true;
				wavep[nw++] = &jobs[i];
			}
			if (reeval && !reevaluate(r, res, wavep + first, nw - first)) {
				for (size_t m = first; m < nw; m++)
					wavep[m]->rec->failed = true;
				nw = first;
			}
		}
		/* drop what became a no-op, and what still cannot be known */
		size_t m = 0;
		for (size_t k = 0; k < nw; k++) {
			if (wavep[k]->c->action == LH_ACT_NOOP || wavep[k]->rec->failed)
				continue;
			if (cJSON_GetArraySize(wavep[k]->rec->want_unknown) > 0) {
				wavep[k]->rec->failed = true;
				lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0,
				    "Argument value not known",
				    "An argument of %s depends on a value that is still unknown after "
				    "its dependencies were applied.", wavep[k]->c->addr);
				continue;
			}
			wavep[m++] = wavep[k];
		}
		run_wave(r, wavep, m);
	}
	settle(r);
	free(failed);
	free(depth);
	free(rindex);
	free(wavep);
	free(jobs);
	if (r->journal_broken)
		lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "Apply stopped",
		    "The state journal could not be written, so no further request was sent (a "
		    "create goes out only once its intent is on disk). Changes already made are "
		    "in the journal or the state; free the space (or fix the permissions) and run "
		    "apply again to finish.");
	else if (r->interrupted && r->http != NULL && lh_http_abandoned(r->http) > 0)
		lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "Operation cancelled",
		    "litehcl was interrupted: nothing new was started, and changes in flight "
		    "were given a moment to finish. What finished is recorded in the state. "
		    "Requests the server had not answered by then were abandoned: a create among "
		    "them stays in the state's journal and the next plan or apply looks it up; "
		    "the next plan shows any other change still to be made.");
	else if (r->interrupted)
		lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "Operation cancelled",
		    "litehcl was interrupted: changes in flight were finished and recorded in "
		    "the state; nothing new was started.");
	return r->d->errors == errs;
}

void
lh_apply_interrupt(lh_run *r)
{
	r->interrupted = 1;
	if (r->http != NULL)
		lh_http_stop(r->http);
}

bool
lh_run_outputs(lh_run *r)
{
	if (r->o.mode == LH_PLAN_DESTROY) {
		lh_state_outputs_clear(r->st);
		return true;
	}
	if (r->cfg == NULL || r->o.ntargets > 0)
		return true;
	/* values from the state as it now is */
	for (size_t i = 0; i < r->nrecs; i++) {
		lh_rec *x = r->recs[i];
		lh_state_inst *si = lh_state_find(r->st, &x->id);
		x->applied = si ? si->attributes : NULL;
		r->gen++;
		if (si == NULL)
			lh_rec_unplan(x);
	}
	size_t no = 0;
	int errs = r->d->errors;
	/* an output that fails now (it was unknown at plan time) is an error of the apply,
	 * as in Terraform; the others are recorded */
	lh_output **outs = lh_config_outputs(r->cfg, lh_run_resolve, r, r->d, &no);
	lh_state_outputs_clear(r->st);
	for (size_t i = 0; i < no; i++) {
		lh_output *o = outs[i];
		/* a null output is left out of the state, as Terraform does */
		if (o->value == NULL || lh_val_has_unknown(o->value) || lh_val_is_null(o->value))
			continue;
		const char *err = NULL;
		cJSON *v = lh_val_to_cjson(o->value, &err);
		if (v == NULL)
			continue;
		/* the value's own type (list, set, map ...), which output and show render */
		lh_state_output_set(r->st, o->name, v, lh_render_type_json(o->value->type),
		    o->sensitive || lh_val_has_sensitive(o->value));
	}
	return r->d->errors == errs;
}

/* ---- saved plans ---- */

static void
put(cJSON *o, const char *k, cJSON *v)
{
	if (v == NULL)
		v = cJSON_CreateNull();
	cJSON_AddItemToObject(o, k, v);
}

static cJSON *
dupn(const cJSON *v)
{
	return v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();
}

/* ---- the configuration and variables of a saved plan (for show -json) ---- */

/* Terraform's expression representation (config_refs.c) */
static cJSON *
expr_json(lh_config *cfg, const lh_node *e, bool sensitive)
{
	return lh_refs_expr_json(cfg, e, sensitive);
}

static cJSON *
config_json(lh_config *cfg)
{
	cJSON *rm = cJSON_CreateObject(), *rs = cJSON_CreateArray();
	for (size_t i = 0; i < cfg->nresources; i++) {
		const lh_resource *res = cfg->resources[i];
		cJSON *x = cJSON_CreateObject(), *ex = cJSON_CreateObject();
		put(x, "address", cJSON_CreateString(res->addr));
		put(x, "mode", cJSON_CreateString(res->data ? "data" : "managed"));
		put(x, "type", cJSON_CreateString(res->type));
		put(x, "name", cJSON_CreateString(res->name));
		put(x, "provider_config_key", cJSON_CreateString("litellm"));
		const lh_node *body = res->block ? res->block->u.block.body : NULL;
		for (size_t k = 0; body != NULL && k < body->u.body.n; k++) {
			const lh_node *it = body->u.body.items[k];
			if (it->kind != LH_AST_ATTR)
				continue;
			const char *nm = it->u.attr.name;
			if (strcmp(nm, "count") == 0 || strcmp(nm, "for_each") == 0 ||
			    strcmp(nm, "depends_on") == 0 || strcmp(nm, "provider") == 0)
				continue;
			const lh_attr *at = res->schema ? lh_schema_attr(res->schema, nm) : NULL;
			put(ex, nm, expr_json(cfg, it->u.attr.expr, at != NULL && at->sensitive));
		}
		put(x, "expressions", ex);
		put(x, "schema_version", cJSON_CreateNumber(0));
		if (res->count != NULL)
			put(x, "count_expression", expr_json(cfg, res->count, false));
		if (res->for_each != NULL)
			put(x, "for_each_expression", expr_json(cfg, res->for_each, false));
		cJSON_AddItemToArray(rs, x);
	}
	put(rm, "resources", rs);
	cJSON *os = lh_refs_outputs_json(cfg);
	if (os->child != NULL)
		put(rm, "outputs", os);
	else
		cJSON_Delete(os);
	cJSON *vs = cJSON_CreateObject();
	for (size_t i = 0; i < cfg->nvariables; i++) {
		const lh_variable *v = cfg->variables[i];
		cJSON *x = cJSON_CreateObject();
		const char *err = NULL;
		cJSON *dj = v->def != NULL && !v->sensitive ? lh_val_to_cjson(v->def, &err) : NULL;
		if (dj != NULL)
			put(x, "default", dj);
		if (v->description != NULL)
			put(x, "description", cJSON_CreateString(v->description));
		if (v->sensitive)
			put(x, "sensitive", cJSON_CreateTrue());
		put(vs, v->name, x);
	}
	if (cfg->nvariables > 0)
		put(rm, "variables", vs);
	else
		cJSON_Delete(vs);
	return rm;
}

/* The plan's input variable values; secret ones (sensitive, ephemeral, or reaching a
 * sensitive argument such as the provider's api_key) are left out (never written). */
static cJSON *
variables_json(lh_config *cfg)
{
	cJSON *vs = cJSON_CreateObject();
	for (size_t i = 0; i < cfg->nvariables; i++) {
		const lh_variable *v = cfg->variables[i];
		if (lh_config_var_secret(cfg, v) || v->value == NULL || lh_val_has_sensitive(v->value) ||
		    lh_val_has_unknown(v->value))
			continue;
		const char *err = NULL;
		cJSON *j = lh_val_to_cjson(v->value, &err);
		if (j == NULL)
			continue;
		cJSON *x = cJSON_CreateObject();
		put(x, "value", j);
		put(vs, v->name, x);
	}
	return vs;
}

cJSON *
lh_run_plan_to_json(const lh_run *r)
{
	const lh_plan *p = r->plan;
	cJSON *j = cJSON_CreateObject();
	put(j, "mode", cJSON_CreateString(p->mode == LH_PLAN_DESTROY ? "destroy" :
	    p->mode == LH_PLAN_REFRESH_ONLY ? "refresh-only" : "normal"));
	if (p->errored)
		put(j, "errored", cJSON_CreateTrue());
	cJSON *cs = cJSON_CreateArray(), *noops = cJSON_CreateArray();
	for (size_t i = 0; i < p->n; i++) {
		const lh_change *c = &p->changes[i];
		/* unchanged instances are listed apart: only show -json reads them */
		bool noop = c->action == LH_ACT_NOOP && c->import_id == NULL && c->moved_from == NULL;
		cJSON *x = cJSON_CreateObject();
		put(x, "addr", cJSON_CreateString(c->addr));
		put(x, "action", cJSON_CreateString(lh_action_name(c->action)));
		put(x, "reason", cJSON_CreateNumber(c->reason));
		/* sensitive values never go to a plan file: they are left unknown and
		 * evaluated again from the configuration when the plan is applied */
		cJSON *before = dupn(c->before), *after = dupn(c->after);
		cJSON *unk = dupn(c->after_unknown);
		const cJSON *e;
		cJSON_ArrayForEach(e, c->before_sensitive)
			if (cJSON_IsObject(before))
				cJSON_ReplaceItemInObjectCaseSensitive(before, e->string,
				    cJSON_CreateNull());
		cJSON_ArrayForEach(e, c->after_sensitive) {
			if (cJSON_IsObject(after) && cJSON_GetObjectItemCaseSensitive(after, e->string)) {
				cJSON_DeleteItemFromObjectCaseSensitive(after, e->string);
				if (cJSON_IsObject(unk) && !cJSON_GetObjectItemCaseSensitive(unk, e->string))
					cJSON_AddItemToObject(unk, e->string, cJSON_CreateTrue());
			}
		}
		put(x, "before", before);
		put(x, "after", after);
		put(x, "after_unknown", unk);
		put(x, "before_sensitive", dupn(c->before_sensitive));
		put(x, "after_sensitive", dupn(c->after_sensitive));
		/* arguments to evaluate again at apply: unknown ones and sensitive ones */
		const lh_rec *rec = r->slot_rec ? r->slot_rec[c->slot] : NULL;
		cJSON *wu = rec && rec->want_unknown ? dupn(rec->want_unknown) : cJSON_CreateObject();
		cJSON_ArrayForEach(e, c->after_sensitive)
			if (!cJSON_GetObjectItemCaseSensitive(wu, e->string))
				cJSON_AddItemToObject(wu, e->string, cJSON_CreateTrue());
		put(x, "want_unknown", wu);
		cJSON *dg = cJSON_CreateObject();
		cJSON_ArrayForEach(e, c->after_sensitive) {
			const cJSON *v = cJSON_IsObject(c->after) ?
			    cJSON_GetObjectItemCaseSensitive(c->after, e->string) : NULL;
			char salt[LH_UUID_LEN + 1];
			char *dig = v != NULL && lh_uuid_v4(salt) ? lh_sens_digest(r->a, salt, v) : NULL;
			if (dig != NULL)
				cJSON_AddItemToObject(dg, e->string, cJSON_CreateString(dig));
		}
		put(x, "sensitive_digests", dg);
		if (c->replace_paths)
			put(x, "replace_paths", dupn(c->replace_paths));
		if (c->import_id)
			put(x, "import_id", cJSON_CreateString(c->import_id));
		if (c->moved_from)
			put(x, "moved_from", cJSON_CreateString(c->moved_from));
		cJSON_AddItemToArray(noop ? noops : cs, x);
	}
	put(j, "changes", cs);
	put(j, "noops", noops);
	put(j, "data_sources", lh_run_data_to_json(r));
	if (p->checks != NULL)
		put(j, "checks", cJSON_Duplicate(p->checks, 1));
	if (r->cfg != NULL) {
		put(j, "tf_configuration", config_json(r->cfg));
		put(j, "tf_variables", variables_json(r->cfg));
		put(j, "tf_relevant_attributes", lh_refs_relevant_json(r->cfg, r->plan));
	}
	cJSON *ds = cJSON_CreateArray();
	for (size_t i = 0; i < p->ndrift; i++) {
		const lh_change *c = &p->drift[i];
		cJSON *x = cJSON_CreateObject();
		put(x, "addr", cJSON_CreateString(c->addr));
		put(x, "action", cJSON_CreateString(lh_action_name(c->action)));
		put(x, "before", dupn(c->before));
		put(x, "after", dupn(c->after));
		cJSON_AddItemToArray(ds, x);
	}
	put(j, "drift", ds);
	cJSON *os = cJSON_CreateArray();
	for (size_t i = 0; i < p->noutputs; i++) {
		const lh_output_change *o = &p->outputs[i];
		cJSON *x = cJSON_CreateObject();
		put(x, "name", cJSON_CreateString(o->name));
		put(x, "sensitive", cJSON_CreateBool(o->sensitive));
		/* sensitive values are never written to a plan file */
		put(x, "before", o->sensitive ? cJSON_CreateNull() : dupn(o->before));
		put(x, "had_before", cJSON_CreateBool(o->before != NULL));
		put(x, "after", o->sensitive ? cJSON_CreateNull() : dupn(o->after));
		put(x, "has_after", cJSON_CreateBool(o->after != NULL));
		put(x, "after_unknown", cJSON_CreateBool(o->after_unknown));
		if (o->unknown_mask != NULL && !o->sensitive)
			put(x, "unknown_mask", cJSON_Duplicate(o->unknown_mask, 1));
		cJSON_AddItemToArray(os, x);
	}
	put(j, "outputs", os);
	return j;
}

static lh_action
action_of(const char *s)
{
	if (s == NULL) return LH_ACT_NOOP;
	if (strcmp(s, "create") == 0) return LH_ACT_CREATE;
	if (strcmp(s, "update") == 0) return LH_ACT_UPDATE;
	if (strcmp(s, "replace") == 0) return LH_ACT_REPLACE;
	if (strcmp(s, "delete") == 0) return LH_ACT_DELETE;
	if (strcmp(s, "forget") == 0) return LH_ACT_FORGET;
	return LH_ACT_NOOP;
}

static cJSON *
take(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (v == NULL || cJSON_IsNull(v))
		return NULL;
	return cJSON_Duplicate(v, 1);
}

static bool
fill_change(lh_run *r, lh_change *c, const cJSON *x, size_t slot)
{
	const char *addr = sget(x, "addr");
	lh_addr id;
	const char *err = NULL;
	if (addr == NULL || !lh_addr_parse(r->a, addr, &id, &err))
		return false;
	lh_rec *rec = lh_run_rec(r, &id, true);
	if (r->cfg != NULL && rec->res == NULL)
		rec->res = lh_config_resource(r->cfg, id.type, id.name);
	memset(c, 0, sizeof *c);
	c->addr = rec->addr;
	c->type = rec->id.type;
	c->name = rec->id.name;
	if (id.kind == LH_KEY_INT)
		c->index = cJSON_CreateNumber((double)id.index);
	else if (id.kind == LH_KEY_STR)
		c->index = cJSON_CreateString(id.key);
	c->rt = lh_rtype_find(id.type);
	if (c->rt == NULL)
		return false;
	c->action = action_of(sget(x, "action"));
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(x, "reason");
	c->reason = cJSON_IsNumber(reason) && reason->valueint >= 0 &&
	    reason->valueint <= LH_REASON_TAINTED ? (lh_reason)reason->valueint :
	    LH_REASON_NONE;
	c->before = take(x, "before");
	c->after = take(x, "after");
	c->after_unknown = take(x, "after_unknown");
	if (c->after_unknown == NULL)
		c->after_unknown = cJSON_CreateObject();
	c->replace_paths = take(x, "replace_paths");
	c->before_sensitive = take(x, "before_sensitive");
	if (c->before_sensitive == NULL)
		c->before_sensitive = cJSON_CreateObject();
	c->after_sensitive = take(x, "after_sensitive");
	if (c->after_sensitive == NULL)
		c->after_sensitive = cJSON_CreateObject();
	const char *imp = sget(x, "import_id");
	c->import_id = imp ? lh_arena_strdup(r->a, imp) : NULL;
	const char *mf = sget(x, "moved_from");
	c->moved_from = mf ? lh_arena_strdup(r->a, mf) : NULL;
	c->slot = slot;
	r->slot_rec[slot] = rec;
	cJSON_Delete(rec->sens_digest);
	rec->sens_digest = take(x, "sensitive_digests");
	cJSON *wu = take(x, "want_unknown");
	if (wu != NULL) {
		cJSON_Delete(rec->want_unknown);
		rec->want_unknown = wu;
	}
	if (rec->res != NULL) {
		c->deps = rec->res->deps;
		c->ndeps = rec->res->ndeps;
	}
	return true;
}

bool
lh_run_plan_from_json(lh_run *r, const cJSON *j)
{
	const cJSON *cs = cJSON_GetObjectItemCaseSensitive(j, "changes");
	const cJSON *ds = cJSON_GetObjectItemCaseSensitive(j, "drift");
	size_t n = (size_t)cJSON_GetArraySize(cs), nd = (size_t)cJSON_GetArraySize(ds);
	lh_plan *p = calloc(1, sizeof *p);
	if (p == NULL)
		abort();
	const char *mode = sget(j, "mode");
	p->mode = mode && strcmp(mode, "destroy") == 0 ? LH_PLAN_DESTROY :
	    mode && strcmp(mode, "refresh-only") == 0 ? LH_PLAN_REFRESH_ONLY : LH_PLAN_NORMAL;
	p->errored = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "errored"));
	r->o.mode = p->mode;
	r->from_plan = true;
	p->changes = calloc(n + 1, sizeof *p->changes);
	p->drift = calloc(nd + 1, sizeof *p->drift);
	r->slot_rec = calloc(n + nd + 1, sizeof *r->slot_rec);
	if (p->changes == NULL || p->drift == NULL || r->slot_rec == NULL)
		abort();
	r->plan = p;
	const cJSON *x;
	cJSON_ArrayForEach(x, cs) {
		if (!fill_change(r, &p->changes[p->n], x, p->n))
			goto bad;
		lh_change *c = &p->changes[p->n++];
		switch (c->action) {
		case LH_ACT_CREATE: p->add++; break;
		case LH_ACT_UPDATE: p->change++; break;
		case LH_ACT_REPLACE: p->add++; p->destroy++; break;
		case LH_ACT_DELETE: p->destroy++; break;
		default: break;
		}
		if (c->import_id)
			p->import++;
	}
	cJSON_ArrayForEach(x, ds) {
		if (!fill_change(r, &p->drift[p->ndrift], x, n + p->ndrift))
			goto bad;
		p->ndrift++;
	}
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(j, "outputs")) {
		bool hb = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "had_before"));
		bool ha = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "has_after"));
		cJSON *b = take(x, "before"), *a = take(x, "after");
		if (hb && b == NULL)
			b = cJSON_CreateNull();
		if (ha && a == NULL)
			a = cJSON_CreateNull();
		lh_plan_add_output(p, sget(x, "name") ? sget(x, "name") : "?", b, a,
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "after_unknown")),
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "sensitive")));
		cJSON *um = take(x, "unknown_mask");	/* a partly unknown output */
		if (um != NULL)
			lh_plan_output_partial(p, um);
	}
	lh_plan_finish(p);
	if (!lh_run_data_from_json(r, cJSON_GetObjectItemCaseSensitive(j, "data_sources")))
		goto bad;
	p->checks = take(j, "checks");
	return true;
bad:
	lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to read plan from plan file",
	    "The plan file holds an invalid change.");
	return false;
}

static int
change_cmp(const void *p, const void *q)
{
	const lh_change *a = p, *b = q;
	return lh_plan_addr_cmp(a->addr, b->addr);
}

bool
lh_run_plan_add_noops(lh_run *r, const cJSON *j)
{
	const cJSON *ns = cJSON_GetObjectItemCaseSensitive(j, "noops");
	size_t nn = (size_t)cJSON_GetArraySize(ns);
	if (nn == 0 || r->plan == NULL)
		return true;
	lh_plan *p = r->plan;
	size_t nslot = p->n + p->ndrift;
	lh_change *cs = realloc(p->changes, (p->n + nn + 1) * sizeof *cs);
	lh_rec **sr = realloc(r->slot_rec, (nslot + nn + 1) * sizeof *sr);
	if (cs == NULL || sr == NULL)
		abort();
	p->changes = cs;
	r->slot_rec = sr;
	const cJSON *x;
	cJSON_ArrayForEach(x, ns) {
		if (!fill_change(r, &p->changes[p->n], x, nslot))
			return false;
		p->changes[p->n].action = LH_ACT_NOOP;
		p->n++;
		nslot++;
	}
	qsort(p->changes, p->n, sizeof *p->changes, change_cmp);
	return true;
}
