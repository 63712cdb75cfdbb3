/* res_member.c - the litellm_team_member resource type (shared/spec/litellm_team.md
 * part 3), whole: one (team, user) pair, its team role and its per-member budget.
 *
 * A membership exists when the team's roster (members_with_roles of GET /team/info,
 * read once per team per refresh through res_team.c's cache) has an entry with its
 * user_id.  Writes on one team run one at a time (the server rewrites the whole roster
 * per call and loses concurrent edits): each op takes its team's lock in the run's
 * context, decides from the roster the run last read (refresh's, or the last
 * confirmation; a fresh read when this run already wrote that user's entry), writes,
 * and releases.  Finished writes are confirmed together: one GET /team/info per team
 * once nothing else is in flight (the flush hook), however many memberships of the
 * team changed.  The user must exist before /team/member_add (which would silently
 * create it): checked 100 users per GET /user/list?user_ids=...; an existing
 * membership is adopted; the budget is set with member_update, always with the role,
 * and the current budget is resent on a role-only change (mid servers drop it
 * otherwise). */
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

extern const lh_rtype lh_res_team_member;

/* res_team.c's /team/info cache: memberships read their team's roster through it. */
typedef void (*lh_team_info_fn)(void *ctx, const lh_http_resp *r, const cJSON *info);
void lh_team_info(lh_rctx *rc, const char *team_id, bool fresh, lh_team_info_fn fn, void *ctx);
bool lh_team_absent(const lh_http_resp *r);
void *lh_team_info_memo(const lh_http_resp *r, void *(*make)(const cJSON *body),
    void (*drop)(void *));
void lh_team_write_begin(lh_rctx *rc, const char *team_id);
void lh_team_write_end(lh_rctx *rc, const char *team_id);

/* res_user.c's batched user lookup: memberships check their users through it. */
typedef struct lh_user_batch {
	const char *(*user_id)(lh_rop *op);
	void (*found)(lh_rop *op, const cJSON *row);
	void (*alone)(lh_rop *op);
	void (*failed)(lh_rop *op, lh_http_resp *r);
} lh_user_batch;
void lh_user_list_ops(lh_rctx *rc, lh_rop **ops, size_t n, const lh_user_batch *f);

/* ---- the table ---- */

static const char *
check_member_role(lh_arena *a, const lh_value *v)
{
	if (strcmp(v->u.str.s, "admin") == 0 || strcmp(v->u.str.s, "user") == 0)
		return NULL;
	return lh_arena_printf(a, "The team role \"%s\" is not supported: LiteLLM's team roles are \"admin\" and \"user\".", v->u.str.s);
}

static const char *
check_member_id(lh_arena *a, const lh_value *v)
{
	return lh_check_text(a, "The id", v->u.str.s, v->u.str.len, LH_TEXT_STRICT);
}

/* user_email is the identity only when user_id is not set. */
static bool
email_forces(const cJSON *want)
{
	return lh_jnull(lh_j(want, "user_id"));
}

/* The table's rows by position (sorted by name), so that same_as_ref, which runs for
 * every membership a refresh reads, knows each attribute by its index. */
enum { MA_ID, MA_BUDGET, MA_ROLE, MA_SPEND, MA_TEAM_ID, MA_USER_EMAIL, MA_USER_ID, MA_N };

static const lh_attr member_attrs[MA_N] = {
	[MA_ID] = {.name = "id", .type = &lh_type_string, .mode = LH_ATTR_COMPUTED,
	 .description = "`TEAM_ID:USER_ID`."},
	[MA_BUDGET] = {.name = "max_budget_in_team", .type = &lh_type_number, .mode = LH_ATTR_OPTIONAL,
	 .validate = lh_check_budget, .same = lh_same_zero_null, .to_api = lh_api_zero_null,
	 .description = "The member's budget inside the team, in dollars; `0` means none."},
	[MA_ROLE] = {.name = "role", .type = &lh_type_string, .mode = LH_ATTR_REQUIRED,
	 .validate = check_member_role,
	 .description = "`admin` or `user` (`admin` needs a licensed LiteLLM)."},
	[MA_SPEND] = {.name = "spend", .type = &lh_type_number, .mode = LH_ATTR_COMPUTED,
	 .description = "The member's spend inside the team."},
	[MA_TEAM_ID] = {.name = "team_id", .type = &lh_type_string, .mode = LH_ATTR_REQUIRED, .force_new = true,
	 .validate = check_member_id,
	 .description = "The team (`litellm_team.NAME.team_id`). Changing it replaces the membership.",
	 .ref_type = "litellm_team"},
	[MA_USER_EMAIL] = {.name = "user_email", .type = &lh_type_string, .mode = LH_ATTR_OPTIONAL,
	 .validate = lh_check_email, .same = lh_same_ci, .forces = email_forces,
	 .description = "The user's email: the identity when `user_id` is not set (then changing it replaces the membership); with `user_id` it must name the same user and is recorded only."},
	[MA_USER_ID] = {.name = "user_id", .type = &lh_type_string, .mode = LH_ATTR_OPTIONAL, .force_new = true,
	 .validate = check_member_id,
	 .description = "The user (`litellm_user.NAME.user_id`); found from `user_email` when not set. Changing it replaces the membership.",
	 .ref_type = "litellm_user"},
};

/* ---- the roster ---- */

/* The first element of arr with user_id. */
static const cJSON *
by_user(const cJSON *arr, const char *user_id)
{
	const cJSON *m;
	cJSON_ArrayForEach(m, arr) {
		const char *u = lh_js(m, "user_id");
		if (u != NULL && strcmp(u, user_id) == 0)
			return m;
	}
	return NULL;
}

static const cJSON *
roster_entry(const cJSON *row, const char *user_id)
{
	return by_user(lh_j(row, "members_with_roles"), user_id);
}

/* An email-only roster entry (old servers wrote them) for email. */
static const cJSON *
legacy_entry(const cJSON *row, const char *email)
{
	const cJSON *m;
	cJSON_ArrayForEach(m, lh_j(row, "members_with_roles")) {
		const char *e = lh_js(m, "user_email");
		if (lh_jnull(lh_j(m, "user_id")) && e != NULL && email != NULL && strcasecmp(e, email) == 0)
			return m;
	}
	return NULL;
}

static const cJSON *
membership_row(const cJSON *body, const char *user_id)
{
	return by_user(lh_j(body, "team_memberships"), user_id);
}

/* The membership of roster entry e (with membership row ms, or NULL) as state
 * attributes. */
static cJSON *
from_entry(const cJSON *e, const cJSON *ms, const char *team_id, const char *user_id,
    const cJSON *ref)
{
	/* the row lh_rtype_from_row reads, on the stack: its items are the answer's own
	 * (read-only), not copies */
	enum { R_ID, R_TEAM, R_USER, R_ROLE, R_EMAIL, R_BUDGET, R_SPEND, R_N };
	cJSON items[R_N], row = {.type = cJSON_Object};
	static const char *const keys[R_N] = {"id", "team_id", "user_id", "role", "user_email",
	    "max_budget_in_team", "spend"};
	const cJSON *bt = lh_j(ms, "litellm_budget_table");
	const cJSON *email = lh_j(e, "user_email");
	/* the roster's email is informational (what member_add was given): when it
	 * has none, the configuration's stands */
	if (lh_jnull(email) && ref != NULL)
		email = lh_j(ref, "user_email");
	const cJSON *mb = lh_j(bt, "max_budget"), *spend = lh_j(ms, "spend");
	const cJSON *from[R_N] = {NULL, NULL, NULL, lh_j(e, "role"), email,
	    cJSON_IsNumber(mb) ? mb : NULL, cJSON_IsNumber(spend) ? spend : NULL};
	size_t tl = strlen(team_id), ul = strlen(user_id);
	char small[128], *id = tl + ul + 2 <= sizeof small ? small : lh_xmalloc(tl + ul + 2);
	memcpy(id, team_id, tl);
	id[tl] = ':';
	memcpy(id + tl + 1, user_id, ul + 1);
	for (size_t i = 0; i < R_N; i++) {
		cJSON *n = &items[i];
		memset(n, 0, sizeof *n);
		n->string = (char *)keys[i];
		n->next = i + 1 < R_N ? &items[i + 1] : NULL;
		n->prev = i > 0 ? &items[i - 1] : &items[R_N - 1];
		const cJSON *v = from[i];
		if (i == R_ID || i == R_TEAM || i == R_USER) {
			n->type = cJSON_String;
			n->valuestring = (char *)(i == R_ID ? id : i == R_TEAM ? team_id : user_id);
		} else if (v != NULL) {
			n->type = v->type & 0xff;
			n->valuestring = v->valuestring;
			n->valueint = v->valueint;
			n->valuedouble = v->valuedouble;
			n->child = v->child;
		} else {
			/* a missing budget reads as null, a missing spend as 0 */
			n->type = i == R_SPEND ? cJSON_Number : cJSON_NULL;
		}
	}
	row.child = &items[0];
	cJSON *o = lh_rtype_from_row(&lh_res_team_member, &row, ref);
	if (id != small)
		free(id);
	return o;
}

/* The membership of user_id in the /team/info answer body as state attributes, or
 * NULL when the roster does not list it. */
static cJSON *
from_info(const cJSON *body, const char *team_id, const char *user_id, const cJSON *ref)
{
	const cJSON *e = roster_entry(lh_j(body, "team_info"), user_id);
	if (e == NULL)
		return NULL;
	return from_entry(e, membership_row(body, user_id), team_id, user_id, ref);
}

/* True when from_entry(e, ms, team_id, user_id, ref) would give exactly ref (the tree
 * refresh keeps when nothing changed: every attribute in the table's order, each the
 * same as ref's where from_row keeps ref's spelling, identical where it does not) -
 * decided without building it.  Refresh of 2,000 unchanged memberships builds none. */
static bool
same_as_ref(const cJSON *e, const cJSON *ms, const char *team_id, const char *user_id,
    const cJSON *ref)
{
	if (!cJSON_IsObject(ref))
		return false;
	cJSON zero = {.type = cJSON_Number};	/* what a missing spend reads as */
	const cJSON *r = ref->child;
	const lh_rtype *rt = &lh_res_team_member;
	const char *const *names = lh_rtype_names(rt);
	for (size_t i = 0; i < rt->n; i++, r = r->next) {
		const lh_attr *at = &rt->attrs[i];
		if (r == NULL || r->string == NULL || (r->string != names[i] &&
		    strcmp(r->string, at->name) != 0))
			return false;
		const char *s = (r->type & 0xff) == cJSON_String ? r->valuestring : NULL;
		const cJSON *v;
		switch (i) {
		case MA_ID: {
			size_t tl = strlen(team_id);
			if (s == NULL || strncmp(s, team_id, tl) != 0 || s[tl] != ':' ||
			    strcmp(s + tl + 1, user_id) != 0)
				return false;
			continue;
		}
		case MA_TEAM_ID:
		case MA_USER_ID:
			if (s == NULL || strcmp(s, i == MA_TEAM_ID ? team_id : user_id) != 0)
				return false;
			continue;
		case MA_ROLE:
			v = lh_j(e, "role");
			break;
		case MA_USER_EMAIL:
			v = lh_j(e, "user_email");
			if (lh_jnull(v))
				continue;	/* the state's email stands */
			break;
		case MA_BUDGET:
			v = lh_j(lh_j(ms, "litellm_budget_table"), "max_budget");
			if (!cJSON_IsNumber(v))
				v = NULL;
			break;
		case MA_SPEND:
			v = lh_j(ms, "spend");
			if (!cJSON_IsNumber(v))
				v = &zero;
			break;
		default:
			return false;	/* an attribute this check does not know */
		}
		if (at->mode == LH_ATTR_COMPUTED) {
			if (v == NULL || (v->type & 0xff) != (r->type & 0xff) || !lh_json_equal(v, r))
				return false;
		} else if (!lh_attr_same(at, r, v)) {
			return false;
		}
	}
	return r == NULL;
}

/* Exposed for tests/unit/team_api.c (the sweep that same_as_ref answers as building
 * the attributes and comparing them does). */
cJSON *lh_member_from_entry(const cJSON *e, const cJSON *ms, const char *team_id,
    const char *user_id, const cJSON *ref);
bool lh_member_same_as_ref(const cJSON *e, const cJSON *ms, const char *team_id,
    const char *user_id, const cJSON *ref);
cJSON *
lh_member_from_entry(const cJSON *e, const cJSON *ms, const char *team_id, const char *user_id,
    const cJSON *ref)
{
	return from_entry(e, ms, team_id, user_id, ref);
}

bool
lh_member_same_as_ref(const cJSON *e, const cJSON *ms, const char *team_id,
    const char *user_id, const cJSON *ref)
{
	return same_as_ref(e, ms, team_id, user_id, ref);
}

/* ---- a roster indexed by user id (one per /team/info answer) ---- */

typedef struct rentry {
	const char *user_id;
	const cJSON *e;		/* the first members_with_roles entry */
	const cJSON *ms;	/* the first team_memberships row, or NULL */
	int count;		/* members_with_roles entries with the id */
} rentry;

typedef struct roster_ix {
	rentry *v;		/* one per id, in roster order of their first entries */
	size_t n;
	size_t *slots;		/* 1 + the position in v, by the id's hash (open
				 * addressing, at most half full) */
	size_t cap;
	bool roster;		/* the team row has its members_with_roles list */
} roster_ix;

/* The slot of user_id: its entry's, else the empty one where it would go. */
static size_t
ix_slot(const roster_ix *ix, const char *user_id)
{
	size_t i = (size_t)lh_hash_bytes(user_id, strlen(user_id)) & (ix->cap - 1);
	while (ix->slots[i] != 0 && strcmp(ix->v[ix->slots[i] - 1].user_id, user_id) != 0)
		i = (i + 1) & (ix->cap - 1);
	return i;
}

static rentry *
ix_find(const roster_ix *ix, const char *user_id)
{
	size_t i = ix_slot(ix, user_id);
	return ix->slots[i] != 0 ? &ix->v[ix->slots[i] - 1] : NULL;
}

static void
ix_drop(void *p)
{
	roster_ix *ix = p;
	free(ix->v);
	free(ix->slots);
	free(ix);
}

static void *
ix_make(const cJSON *body)
{
	roster_ix *ix = calloc(1, sizeof *ix);
	if (ix == NULL)
		abort();
	const cJSON *roster = lh_j(lh_j(body, "team_info"), "members_with_roles"), *m;
	ix->roster = cJSON_IsArray(roster);
	size_t cap = (size_t)cJSON_GetArraySize(roster);
	ix->cap = 16;
	while (ix->cap < 2 * cap)
		ix->cap *= 2;
	ix->v = calloc(cap > 0 ? cap : 1, sizeof *ix->v);
	ix->slots = calloc(ix->cap, sizeof *ix->slots);
	if (ix->v == NULL || ix->slots == NULL)
		abort();
	/* one entry per id: the first in roster order, with how many there are */
	size_t seen = 0;
	cJSON_ArrayForEach(m, roster) {
		const char *u = lh_js(m, "user_id");
		if (u == NULL || seen++ >= cap)
			continue;
		size_t i = ix_slot(ix, u);
		if (ix->slots[i] != 0) {
			ix->v[ix->slots[i] - 1].count++;
			continue;
		}
		ix->v[ix->n] = (rentry){.user_id = u, .e = m, .count = 1};
		ix->slots[i] = ++ix->n;
	}
	cJSON_ArrayForEach(m, lh_j(body, "team_memberships")) {
		const char *u = lh_js(m, "user_id");
		rentry *x = u != NULL ? ix_find(ix, u) : NULL;
		if (x != NULL && x->ms == NULL)
			x->ms = m;
	}
	return ix;
}

/* ---- per-team locks ---- */

typedef struct tlock {
	char *team_id;
	bool busy;
	lh_rop *head, *tail;	/* waiting ops */
	char **written;		/* users whose entry this run wrote since the roster was
				 * last read: their next write reads it fresh */
	size_t nwritten, capwritten;
	lh_rop **held;		/* finished writes waiting for the team's confirmation */
	size_t nheld, capheld;
	size_t running;		/* its writing ops neither held nor done: while none is,
				 * the confirmation goes (confirm_if_ready) */
	bool reread;		/* this apply read the roster itself (not only refresh) */
	uint64_t hash;		/* of team_id (the index's) */
	struct tlock *next;
} tlock;

typedef struct mctx {
	tlock *locks;		/* newest first */
	tlock **slots;		/* the locks by team id (open addressing, at most half
				 * full): an apply's 2,000 writes find theirs at once */
	size_t cap, nlocks;
	lh_rop **checks;	/* creates waiting for the batched check of their user */
	size_t nchecks, capchecks;
} mctx;

static mctx *
ctx_of(lh_rctx *rc)
{
	return lh_rctx_slot(rc, &lh_res_team_member, sizeof(mctx));
}

static void
ctx_free(void *p)
{
	mctx *c = p;
	for (tlock *l = c->locks; l != NULL;) {
		tlock *next = l->next;
		for (size_t i = 0; i < l->nwritten; i++)
			free(l->written[i]);
		free(l->written);
		free(l->held);
		free(l->team_id);
		free(l);
		l = next;
	}
	free(c->checks);
	free(c->slots);
	free(c);
}

/* ---- the op's own data ---- */

enum { ST_USER, ST_USERLIST, ST_LOCKED_INFO, ST_ADD, ST_ADD_CHECK, ST_UPDATE, ST_READBACK,
    ST_DELETE, ST_DELETE_CHECK, ST_READ, ST_LOOKUP_USER, ST_LOOKUP_ALIAS, ST_USER_HELD,
    ST_CONFIRM_HELD };

typedef struct mpriv {
	char *team_id, *user_id;	/* resolved */
	tlock *lock;		/* held */
	bool adopted;
	bool want_update;	/* a member_update may still be needed (after member_add) */
	bool followup;		/* the confirmation asked for that member_update */
	char *email;		/* read of TEAM:EMAIL: the email to find */
	bool legacy_tried;	/* delete: the email-only entry was deleted by email */
	lh_rop *team_op;	/* import: the team looked up by alias */
	size_t colon;		/* import: 1 + the offset of the ':' to split the id at
				 * (0: the first) */
	lh_rop **splits;	/* import of an id with several ':': one read per split */
	size_t nsplits, pending;
	struct tlock *counted;	/* the team whose running ops count it */
	char ids[96];		/* team_id and user_id when both fit (set_ids): a refresh
				 * resolves 2,000 memberships, two malloc'd copies each */
} mpriv;

/* s was malloc'd (not the op's ids buffer) */
static bool
id_owned(const mpriv *p, const char *s)
{
	uintptr_t a = (uintptr_t)s, b = (uintptr_t)p->ids;
	return s != NULL && (a < b || a >= b + sizeof p->ids);
}

static void
id_free(mpriv *p, char *s)
{
	if (id_owned(p, s))
		free(s);
}

/* p's team_id := team[0..tl), user_id := user */
static void
set_ids(mpriv *p, const char *team, size_t tl, const char *user)
{
	id_free(p, p->team_id);
	id_free(p, p->user_id);
	size_t ul = strlen(user);
	if (tl + ul + 2 <= sizeof p->ids) {
		memcpy(p->ids, team, tl);
		p->ids[tl] = '\0';
		memcpy(p->ids + tl + 1, user, ul + 1);
		p->team_id = p->ids;
		p->user_id = p->ids + tl + 1;
		return;
	}
	p->team_id = strndup(team, tl);
	if (p->team_id == NULL)
		abort();
	p->user_id = lh_xstrdup(user);
}

static mpriv *
priv(lh_rop *op)
{
	return lh_rop_priv(op, sizeof(mpriv));
}

static void
member_clear(lh_rop *op)
{
	mpriv *p = op->priv;
	if (p != NULL) {
		id_free(p, p->team_id);
		id_free(p, p->user_id);
		free(p->email);
		if (p->team_op != NULL) {
			lh_rop_clear(p->team_op);
			free(p->team_op);
		}
		for (size_t i = 0; i < p->nsplits; i++) {
			lh_rop_clear(p->splits[i]);
			free(p->splits[i]);
		}
		free(p->splits);
	}
	free(p);
}

static void start_locked(lh_rop *op);

/* The team's lock (and write bookkeeping) in the run's context, made on first use. */
static void
lock_slot_put(mctx *c, tlock *l)
{
	size_t i = (size_t)l->hash & (c->cap - 1);
	while (c->slots[i] != NULL)
		i = (i + 1) & (c->cap - 1);
	c->slots[i] = l;
}

static tlock *
team_of(lh_rctx *rc, const char *team_id)
{
	mctx *c = ctx_of(rc);
	uint64_t h = lh_hash_bytes(team_id, strlen(team_id));
	for (size_t i = c->cap ? (size_t)h & (c->cap - 1) : 0; c->cap > 0 && c->slots[i] != NULL;
	    i = (i + 1) & (c->cap - 1))
		if (c->slots[i]->hash == h && strcmp(c->slots[i]->team_id, team_id) == 0)
			return c->slots[i];
	if (2 * (c->nlocks + 1) > c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		free(c->slots);
		c->slots = calloc(cap, sizeof *c->slots);
		if (c->slots == NULL)
			abort();
		c->cap = cap;
		for (tlock *e = c->locks; e != NULL; e = e->next)
			lock_slot_put(c, e);
	}
	tlock *l = calloc(1, sizeof *l);
	if (l == NULL)
		abort();
	l->team_id = lh_xstrdup(team_id);
	l->hash = h;
	l->next = c->locks;
	c->locks = l;
	c->nlocks++;
	lock_slot_put(c, l);
	return l;
}

static bool
written_has(const tlock *l, const char *user_id)
{
	for (size_t i = 0; i < l->nwritten; i++)
		if (strcmp(l->written[i], user_id) == 0)
			return true;
	return false;
}

/* A write on user_id's entry is going out: the roster read before it is stale for it. */
static void
written_add(tlock *l, const char *user_id)
{
	if (written_has(l, user_id))
		return;
	if (l->nwritten == l->capwritten) {
		l->capwritten = l->capwritten ? l->capwritten * 2 : 8;
		l->written = realloc(l->written, l->capwritten * sizeof *l->written);
		if (l->written == NULL)
			abort();
	}
	l->written[l->nwritten++] = lh_xstrdup(user_id);
}

static void
push_op(lh_rop ***v, size_t *n, size_t *cap, lh_rop *op)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = realloc(*v, *cap * sizeof **v);
		if (*v == NULL)
			abort();
	}
	(*v)[(*n)++] = op;
}

static void
lock_take(lh_rop *op)
{
	mpriv *p = priv(op);
	tlock *l = team_of(op->rc, p->team_id);
	if (l->busy) {
		op->next_wait = NULL;
		if (l->tail != NULL)
			l->tail->next_wait = op;
		else
			l->head = op;
		l->tail = op;
		return;
	}
	l->busy = true;
	p->lock = l;
	start_locked(op);
}

/* Hands l to its next waiting op, or frees it. */
static void
lock_release(tlock *l)
{
	if (l == NULL)
		return;
	lh_rop *next = l->head;
	if (next == NULL) {
		l->busy = false;
		return;
	}
	l->head = next->next_wait;
	if (l->head == NULL)
		l->tail = NULL;
	priv(next)->lock = l;
	start_locked(next);
}

/* Detaches the op's lock (released after its done() ran). */
static tlock *
unlock(lh_rop *op)
{
	mpriv *p = op->priv;
	tlock *l = p ? p->lock : NULL;
	if (p != NULL)
		p->lock = NULL;
	return l;
}

/* Every end of an op releases its team's lock (the next op of the team starts). */
static void
mfail(lh_rop *op, const char *summary, char *detail)
{
	tlock *l = unlock(op);
	lh_rop_fail(op, summary, detail);
	lock_release(l);
}

static void
msucceed(lh_rop *op)
{
	tlock *l = unlock(op);
	lh_rop_succeed(op);
	lock_release(l);
}

static void
mhttp_fail(lh_rop *op, const lh_http_resp *r)
{
	tlock *l = unlock(op);
	lh_rop_http_fail(op, r);
	lock_release(l);
}

static char *
summary(lh_rop *op)
{
	return lh_xprintf("Error %s %s", lh_rop_verb(op), op->addr);
}

/* A membership's team that LiteLLM does not have: for a create, often an alias written
 * as team_id; otherwise the team was deleted outside litehcl. */
static char *
team_missing(const lh_rop *op, const char *team_id)
{
	if (op->kind != LH_OP_CREATE)
		return lh_xprintf("team \"%s\" does not exist in LiteLLM (it was deleted outside "
		    "litehcl). Run plan again.", team_id);
	return lh_xprintf("team \"%s\" does not exist in LiteLLM. team_id takes a team's id, "
	    "not its alias: refer to a litellm_team resource (litellm_team.NAME.team_id), or "
	    "read a team litehcl does not manage with a data \"litellm_team\" block "
	    "(data.litellm_team.NAME.team_id).", team_id);
}

static void
fail_msg(lh_rop *op, char *detail)
{
	char *s = summary(op);
	mfail(op, s, detail);
	free(s);
}

/* ---- requests ---- */

static void on_resp(lh_http *h, lh_http_resp *r, void *ctx);
static void on_info(void *ctx, const lh_http_resp *r, const cJSON *row);

/* The answer to a roster write: the team's row (its updated_at) may have moved. */
static void
on_write(lh_http *h, lh_http_resp *r, void *ctx)
{
	lh_rop *op = ctx;
	lh_team_write_end(op->rc, priv(op)->team_id);
	on_resp(h, r, ctx);
}

/* A roster write (member_add, member_update, member_delete). */
static void
post(lh_rop *op, const char *path, cJSON *body, int stage)
{
	char *b = lh_jtext(body);
	/* what a write did is read from the team's roster (the confirmation), never from
	 * its answer (whose shape differs by version): a 2xx answer is only checked */
	lh_http_req req = {.method = "POST", .path = path, .body = b, .no_json = true,
	    .done = on_write, .ctx = op};
	op->stage = stage;
	written_add(team_of(op->rc, priv(op)->team_id), priv(op)->user_id);
	lh_team_write_begin(op->rc, priv(op)->team_id);
	if (!lh_http_submit(op->rc->http, &req))
		lh_team_write_end(op->rc, priv(op)->team_id);
	free(b);
}

static void
get(lh_rop *op, const char *path, const lh_http_param *q, size_t nq, int stage)
{
	lh_http_req req = {.method = "GET", .path = path, .query = q, .nquery = nq,
	    .done = on_resp, .ctx = op};
	op->stage = stage;
	lh_http_submit(op->rc->http, &req);
}

static void
read_team(lh_rop *op, int stage, bool fresh)
{
	op->stage = stage;
	lh_team_info(op->rc, priv(op)->team_id, fresh, on_info, op);
}

/* member_update: always the role; the budget as configured, else the server's
 * current one (mid servers drop a budget an update does not carry). */
static void
send_update(lh_rop *op, const cJSON *body)
{
	mpriv *p = priv(op);
	cJSON *b = cJSON_CreateObject();
	lh_jput(b, "team_id", cJSON_CreateString(p->team_id));
	lh_jput(b, "user_id", cJSON_CreateString(p->user_id));
	lh_jput(b, "role", lh_jcopy(lh_j(op->after, "role")));
	const cJSON *want = lh_j(op->after, "max_budget_in_team");
	if (want != NULL && !lh_jnull(want)) {
		lh_rtype_put_api(&lh_res_team_member, b, "max_budget_in_team", want);
	} else if (want != NULL && op->before != NULL &&
	    !lh_jnull(lh_j(op->before, "max_budget_in_team"))) {
		lh_jput(b, "max_budget_in_team", cJSON_CreateNull());	/* clearing it */
	} else {
		const cJSON *ms = membership_row(body, p->user_id);
		const cJSON *bt = lh_j(ms, "litellm_budget_table");
		static const char *const keep[] = {"max_budget", "tpm_limit", "rpm_limit", NULL};
		for (const char *const *k = keep; *k; k++) {
			const cJSON *v = lh_j(bt, *k);
			if (cJSON_IsNumber(v))
				lh_jput(b, strcmp(*k, "max_budget") == 0 ? "max_budget_in_team" : *k,
				    strcmp(*k, "max_budget") == 0 ? lh_api_zero_null(v) : lh_api_whole(v));
		}
	}
	post(op, "/team/member_update", b, ST_UPDATE);
}

static const char *
http_message(const lh_http_resp *r)
{
	return r->error ? r->error : "request failed";
}

/* The state attributes after a write: from the fresh roster; role and managed budget
 * must be what was asked. */
static void
verify(lh_rop *op, const cJSON *body)
{
	mpriv *p = priv(op);
	cJSON_Delete(op->attrs);
	op->attrs = from_info(body, p->team_id, p->user_id, op->after);
	if (op->attrs == NULL) {
		fail_msg(op, lh_xprintf("LiteLLM answered the write, but team %s's roster does not "
		    "list user %s afterwards.", p->team_id, p->user_id));
		return;
	}
	const char *bad = lh_rtype_check(&lh_res_team_member, op->after, op->attrs,
	    op->kind == LH_OP_UPDATE ? op->before : NULL);
	if (bad != NULL) {
		tlock *l = unlock(op);
		lh_rop_fail_kept(op, "membership", bad);
		lock_release(l);
		return;
	}
	if (p->adopted && op->note == NULL)
		op->note = lh_xprintf("User %s was already a member of team %s; adopted",
		    p->user_id, p->team_id);
	msucceed(op);
}

/* The op's writes are done: the team's lock goes to its next op, and the op waits for
 * the team's confirmation read (sent by member_flush once nothing is in flight). */
static void uncount(lh_rop *op);

static void
confirm_hold(lh_rop *op)
{
	mpriv *p = priv(op);
	tlock *l = team_of(op->rc, p->team_id);
	op->stage = ST_CONFIRM_HELD;
	push_op(&l->held, &l->nheld, &l->capheld, op);
	lock_release(unlock(op));
	uncount(op);
}

/* The write steps, under the team's lock: from the roster the run last read (refresh's
 * or a confirmation's; the writes since touched other users' entries), or a fresh read
 * when this run already wrote this user's entry on the team (a replacement). */
static void
start_locked(lh_rop *op)
{
	mpriv *p = priv(op);
	tlock *l = team_of(op->rc, p->team_id);
	switch (op->kind) {
	case LH_OP_CREATE:
	case LH_OP_UPDATE: {
		/* an update refresh did not read moments ago (a saved plan, a long wait at
		 * the prompt) starts from a roster read now, once per team: member_update
		 * of a member removed meanwhile would leave a budget row behind */
		bool fresh = written_has(l, p->user_id) ||
		    (op->kind == LH_OP_UPDATE && !op->checked && !l->reread);
		l->reread |= fresh;
		read_team(op, ST_LOCKED_INFO, fresh);
		return;
	}
	case LH_OP_DELETE: {
		mpriv *p = priv(op);
		cJSON *b = cJSON_CreateObject();
		lh_jput(b, "team_id", cJSON_CreateString(p->team_id));
		lh_jput(b, "user_id", cJSON_CreateString(p->user_id));
		post(op, "/team/member_delete", b, ST_DELETE);
		return;
	}
	default:
		return;
	}
}

/* Does the existing entry need a member_update to match after? */
static bool
needs_update(lh_rop *op, const cJSON *body)
{
	mpriv *p = priv(op);
	/* the role and budget from_info(body, ...) would give, read in the answer */
	static const cJSON null = {.type = cJSON_NULL};	/* lh_jcopy(NULL) */
	const cJSON *e = roster_entry(lh_j(body, "team_info"), p->user_id);
	if (e == NULL)
		return true;
	const cJSON *role = lh_j(e, "role");
	bool diff = !lh_json_equal(lh_j(op->after, "role"), role != NULL ? role : &null);
	const cJSON *b = lh_j(op->after, "max_budget_in_team");
	if (b != NULL) {
		const cJSON *mb = lh_j(lh_j(membership_row(body, p->user_id), "litellm_budget_table"),
		    "max_budget");
		if (!lh_same_zero_null(b, cJSON_IsNumber(mb) ? mb : &null))
			diff = true;
	}
	return diff;
}

static void
admin_hint(lh_rop *op, const lh_http_resp *r)
{
	const char *role = lh_js(op->after, "role");
	bool admin = role != NULL && strcmp(role, "admin") == 0;
	fail_msg(op, lh_xprintf("%s%s", http_message(r), admin && r->result == LH_HTTP_STATUS &&
	    r->status == 400 ? "\nThe admin team role needs a licensed (Enterprise) LiteLLM: use "
	    "role = \"user\", or a licensed LiteLLM." : ""));
}

extern const lh_rtype lh_res_team;

/* Import of ALIAS:USER: the team found by its alias (res_team's lookup). */
static void
alias_done(lh_rop *t, void *ctx)
{
	lh_rop *op = ctx;
	mpriv *p = priv(op);
	const char *id = lh_js(t->attrs, "team_id");
	if (!t->ok) {
		fail_msg(op, lh_xstrdup(t->detail ? t->detail : "team lookup failed"));
	} else if (t->gone || id == NULL) {
		op->gone = true;
		msucceed(op);
	} else {
		id_free(p, p->team_id);
		p->team_id = lh_xstrdup(id);
		read_team(op, ST_READ, true);
	}
}

static void
on_info(void *ctx, const lh_http_resp *r, const cJSON *row)
{
	lh_rop *op = ctx;
	mpriv *p = priv(op);
	const cJSON *body = r->json;
	if (row == NULL && op->kind == LH_OP_READ && op->lookup && p->team_op == NULL &&
	    lh_team_absent(r)) {
		/* TEAM may be an alias */
		p->team_op = calloc(1, sizeof *p->team_op);
		if (p->team_op == NULL)
			abort();
		p->team_op->kind = LH_OP_READ;
		p->team_op->rt = &lh_res_team;
		p->team_op->addr = op->addr;
		p->team_op->id = p->team_id;
		p->team_op->lookup = true;
		p->team_op->done = alias_done;
		p->team_op->ctx = op;
		lh_rop_submit(op->rc, p->team_op);
		return;
	}
	if (row == NULL) {
		if (lh_team_absent(r)) {
			if (op->kind == LH_OP_READ) {
				op->gone = true;
				msucceed(op);
			} else if (op->kind == LH_OP_DELETE) {
				op->gone = true;
				msucceed(op);
			} else {
				fail_msg(op, team_missing(op, p->team_id));
			}
		} else {
			mhttp_fail(op, r);
		}
		return;
	}
	/* a refresh's reads index the roster (once per answer, lh_team_info_memo), which
	 * tells this too (row is the body's team_info) */
	const roster_ix *ix = op->stage == ST_READ ? lh_team_info_memo(r, ix_make, ix_drop) : NULL;
	if (ix != NULL ? !ix->roster : !cJSON_IsArray(lh_j(row, "members_with_roles"))) {
		/* without its roster the answer cannot tell a membership from none: never
		 * "gone" (that would drop it from the state and add it again) */
		fail_msg(op, lh_answer_unexpected(r, "an object whose \"team_info\" has a "
		    "\"members_with_roles\" list (the team's roster)", "team_info"));
		return;
	}
	switch (op->stage) {
	case ST_READ: {
		const rentry *x = ix_find(ix, p->user_id);
		if (x != NULL && op->same_ok && p->email == NULL &&
		    same_as_ref(x->e, x->ms, p->team_id, p->user_id, op->ref)) {
			/* unchanged (the usual case): nothing to build */
			op->same = true;
			if (x->count > 1)
				op->note = lh_xprintf("Team %s lists user %s more than once (concurrent "
				    "roster writes on an old LiteLLM); the first entry is used",
				    p->team_id, p->user_id);
			msucceed(op);
			return;
		}
		op->attrs = x == NULL ? NULL : from_entry(x->e, x->ms, p->team_id, p->user_id, op->ref);
		if (op->attrs != NULL && p->email != NULL && lh_jnull(lh_j(op->attrs, "user_email")))
			/* found by its email (TEAM:EMAIL): the user's email, so a block that
			 * names the user by email plans no replacement */
			cJSON_ReplaceItemInObjectCaseSensitive(op->attrs, "user_email",
			    cJSON_CreateString(p->email));
		const char *email = lh_js(op->ref, "user_email");
		const cJSON *legacy = op->attrs == NULL ? legacy_entry(row, email) : NULL;
		if (legacy != NULL && op->ref != NULL) {
			/* kept by its email: the state's values with the roster's role */
			op->attrs = cJSON_Duplicate(op->ref, 1);
			cJSON_ReplaceItemInObjectCaseSensitive(op->attrs, "role", lh_jcopy(lh_j(legacy, "role")));
			op->note = lh_xprintf("Team %s lists %s by email only (an entry an old LiteLLM "
			    "wrote), not by user id %s", p->team_id, email, p->user_id);
		} else if (op->attrs == NULL) {
			op->gone = true;
		} else if (x->count > 1) {
			op->note = lh_xprintf("Team %s lists user %s more than once (concurrent roster "
			    "writes on an old LiteLLM); the first entry is used", p->team_id, p->user_id);
		}
		msucceed(op);
		return;
	}
	case ST_LOCKED_INFO:
		if (p->followup) {
			/* the confirmation showed the entry differs after member_add (an old
			 * server's leftover budget): one member_update */
			p->followup = false;
			send_update(op, body);
			return;
		}
		if (op->kind == LH_OP_CREATE) {
			if (roster_entry(row, p->user_id) != NULL) {
				p->adopted = true;
				if (needs_update(op, body))
					send_update(op, body);
				else
					verify(op, body);
				return;
			}
			cJSON *b = cJSON_CreateObject(), *m = cJSON_CreateObject();
			lh_jput(b, "team_id", cJSON_CreateString(p->team_id));
			lh_jput(m, "role", lh_jcopy(lh_j(op->after, "role")));
			lh_jput(m, "user_id", cJSON_CreateString(p->user_id));
			lh_jput(b, "member", m);
			post(op, "/team/member_add", b, ST_ADD);
			return;
		}
		/* update */
		if (roster_entry(row, p->user_id) == NULL) {
			fail_msg(op, lh_xprintf("User %s is no longer a member of team %s (removed "
			    "outside litehcl after the plan was made). Run plan again: it will plan "
			    "to add the membership.", p->user_id, p->team_id));
			return;
		}
		if (needs_update(op, body))
			send_update(op, body);
		else
			verify(op, body);	/* only the recorded user_email changed */
		return;
	case ST_ADD_CHECK:	/* member_add answered 400: is it there anyway? */
		if (roster_entry(row, p->user_id) != NULL) {
			p->adopted = true;
			if (needs_update(op, body))
				send_update(op, body);
			else
				verify(op, body);
		} else {
			fail_msg(op, lh_xstrdup(op->detail ? op->detail : "member_add failed"));
		}
		return;
	case ST_READBACK:
		if (p->want_update && needs_update(op, body)) {
			p->want_update = false;
			p->followup = true;
			lock_take(op);
			return;
		}
		verify(op, body);
		return;
	case ST_DELETE_CHECK:
		if (roster_entry(row, p->user_id) == NULL && !p->legacy_tried &&
		    legacy_entry(row, lh_js(op->before, "user_email")) != NULL) {
			/* an email-only entry is the one case deleted by email, spelled as
			 * the roster has it (old servers match it exactly) */
			p->legacy_tried = true;
			const cJSON *le = legacy_entry(row, lh_js(op->before, "user_email"));
			cJSON *b = cJSON_CreateObject();
			lh_jput(b, "team_id", cJSON_CreateString(p->team_id));
			lh_jput(b, "user_email", lh_jcopy(lh_j(le, "user_email")));
			post(op, "/team/member_delete", b, ST_DELETE);
		} else if (roster_entry(row, p->user_id) == NULL) {
			op->gone = true;
			msucceed(op);
		} else {
			fail_msg(op, lh_xstrdup(op->detail ? op->detail : "member_delete failed"));
		}
		return;
	default:
		mhttp_fail(op, r);
		return;
	}
}

/* ---- user resolution (before any write) ---- */

static void
resolved_user(lh_rop *op)
{
	if (op->kind == LH_OP_READ) {
		read_team(op, ST_READ, true);
		return;
	}
	lock_take(op);
}

/* The user row of a create's user_id: with user_email set too, both must name it. */
static void
user_exists(lh_rop *op, const cJSON *row)
{
	mpriv *p = priv(op);
	const char *want = lh_js(op->after, "user_email");
	const char *have = lh_js(row, "user_email");
	if (want != NULL && (have == NULL || strcasecmp(want, have) != 0)) {
		fail_msg(op, lh_xprintf("user_id \"%s\" and user_email \"%s\" name different "
		    "users: LiteLLM's user %s has email %s.", p->user_id, want, p->user_id,
		    have ? have : "(none)"));
		return;
	}
	resolved_user(op);
}

/* ---- the users of creates, checked 100 per GET /user/list?user_ids=... ----
 * A user the list does not return is asked for with GET /user/info (its answer tells
 * "does not exist" apart from a failure), as is every user on a server without the
 * filter (404/405/422). */

#define CHECK_BATCH 100

static void
check_alone(lh_rop *op)
{
	lh_http_param q = {"user_id", priv(op)->user_id};
	get(op, "/user/info", &q, 1, ST_USER);
}

/* The list failed: an interrupted run sends nothing more; else each user is asked
 * alone. */
static void
check_failed(lh_rop *op, lh_http_resp *r)
{
	if (r->result == LH_HTTP_CANCELLED)
		mhttp_fail(op, r);
	else
		check_alone(op);
}

static const char *
op_user_id(lh_rop *op)
{
	return priv(op)->user_id;
}

static const lh_user_batch checks = {op_user_id, user_exists, check_alone, check_failed};

/* Checks the users of ops[0..n) with one list request. */
static void
send_checks(lh_rctx *rc, lh_rop **ops, size_t n)
{
	lh_user_list_ops(rc, ops, n, &checks);
}

/* A create's user, checked with the next batch. */
static void
check_hold(lh_rop *op)
{
	mctx *c = ctx_of(op->rc);
	op->stage = ST_USER_HELD;
	push_op(&c->checks, &c->nchecks, &c->capchecks, op);
	if (c->nchecks >= CHECK_BATCH) {
		c->nchecks = 0;
		send_checks(op->rc, c->checks, CHECK_BATCH);
	}
}

/* ---- the confirmation: one GET /team/info per team for its finished writes ---- */

typedef struct confirm {
	lh_rop **ops;
	size_t n;
} confirm;

static void
confirm_done(void *ctx, const lh_http_resp *r, const cJSON *row)
{
	confirm *b = ctx;
	for (size_t i = 0; i < b->n; i++) {
		b->ops[i]->stage = ST_READBACK;
		on_info(b->ops[i], r, row);
	}
	free(b->ops);
	free(b);
}

/* The team's held writes, confirmed with one read. */
static void
confirm_team(lh_rctx *rc, tlock *l)
{
	confirm *b = calloc(1, sizeof *b);
	if (b == NULL)
		abort();
	b->ops = l->held;
	b->n = l->nheld;
	l->held = NULL;
	l->nheld = l->capheld = 0;
	/* the read covers every write made so far (none of the team is in flight) */
	for (size_t i = 0; i < l->nwritten; i++)
		free(l->written[i]);
	l->nwritten = 0;
	l->reread = true;
	lh_team_info(rc, l->team_id, true, confirm_done, b);
}

/* Nothing is in flight: the held user checks and each team's confirmation go out. */
static bool
member_flush(lh_rctx *rc)
{
	mctx *c = ctx_of(rc);
	bool sent = false;
	while (c->nchecks > 0) {
		size_t m = c->nchecks < CHECK_BATCH ? c->nchecks : CHECK_BATCH;
		c->nchecks -= m;
		send_checks(rc, c->checks + c->nchecks, m);
		sent = true;
	}
	for (tlock *l = c->locks; l != NULL; l = l->next) {
		if (l->nheld == 0)
			continue;
		confirm_team(rc, l);
		sent = true;
	}
	return sent;
}

/* An op of the team no longer runs: when none does, its finished writes are
 * confirmed now - none of this wave can join the read (so it costs nothing more), and
 * they need not wait for other teams' writes. */
static void
uncount(lh_rop *op)
{
	mpriv *p = op->priv;
	tlock *l = p != NULL ? p->counted : NULL;
	if (l == NULL)
		return;
	p->counted = NULL;
	if (--l->running == 0 && l->nheld > 0 && !l->busy)
		confirm_team(op->rc, l);
}

static void
on_resp(lh_http *h, lh_http_resp *r, void *ctx)
{
	(void)h;
	lh_rop *op = ctx;
	mpriv *p = priv(op);
	switch (op->stage) {
	case ST_USER: {
		const cJSON *ui = lh_j(r->json, "user_info");
		const char *uid = lh_js(ui, "user_id");
		if (r->result == LH_HTTP_OK && uid != NULL && uid[0] != '\0') {
			user_exists(op, ui);
		} else if ((r->result == LH_HTTP_OK && cJSON_IsObject(ui)) ||
		    (r->result == LH_HTTP_STATUS && r->status == 404 && cJSON_IsObject(r->json) &&
		    (cJSON_IsObject(lh_j(r->json, "error")) || cJSON_IsObject(lh_j(r->json, "detail"))))) {
			fail_msg(op, lh_xprintf("user \"%s\" does not exist in LiteLLM; manage it with a "
			    "litellm_user resource and reference its user_id "
			    "(litellm_user.NAME.user_id), or add depends_on when it is created in the "
			    "same apply. litehcl does not add it: LiteLLM would silently create it as "
			    "an internal_user.", p->user_id));
		} else {
			mhttp_fail(op, r);
		}
		return;
	}
	case ST_USERLIST: {
		if (r->result != LH_HTTP_OK || !cJSON_IsArray(lh_j(r->json, "users"))) {
			mhttp_fail(op, r);	/* an answer without its list is no "not found" */
			return;
		}
		const char *email = p->email ? p->email : lh_js(op->after, "user_email");
		char *ids = NULL;
		size_t hits = 0;
		const cJSON *u;
		cJSON_ArrayForEach(u, lh_j(r->json, "users")) {
			const char *e = lh_js(u, "user_email"), *id = lh_js(u, "user_id");
			if (e == NULL || id == NULL || email == NULL || strcasecmp(e, email) != 0)
				continue;
			char *n = lh_xprintf("%s%s%s", ids ? ids : "", ids ? ", " : "", id);
			free(ids);
			ids = n;
			if (hits++ == 0) {
				id_free(p, p->user_id);
				p->user_id = lh_xstrdup(id);
				if (p->email != NULL) {	/* as LiteLLM spells it */
					free(p->email);
					p->email = lh_xstrdup(e);
				}
			}
		}
		if (hits == 1) {
			free(ids);
			resolved_user(op);
		} else if (hits == 0 && op->kind == LH_OP_READ) {
			op->gone = true;
			msucceed(op);
		} else if (hits == 0) {
			fail_msg(op, lh_xprintf("No LiteLLM user has the email %s; manage the user with a "
			    "litellm_user resource and reference its user_id.", email ? email : "?"));
		} else {
			fail_msg(op, lh_xprintf("Several LiteLLM users have the email %s (%s): set "
			    "user_id to choose one.", email ? email : "?", ids));
			free(ids);
		}
		return;
	}
	case ST_ADD:
		if (r->result == LH_HTTP_OK) {
			/* added: should its confirmation not come (interrupted), apply looks
			 * it up rather than forgetting it */
			op->maybe_created = true;
			const cJSON *b = lh_j(op->after, "max_budget_in_team");
			if (cJSON_IsNumber(b) && b->valuedouble != 0) {
				send_update(op, NULL);	/* the budget, at once */
			} else {
				p->want_update = true;	/* if the confirmation shows a need */
				confirm_hold(op);
			}
		} else if (r->result == LH_HTTP_STATUS && r->status == 400) {
			/* a duplicate (body shapes differ by version) or a refusal: the roster
			 * tells which */
			free(op->detail);
			const char *role = lh_js(op->after, "role");
			op->detail = lh_xprintf("%s%s", http_message(r), role && strcmp(role, "admin") == 0 ?
			    "\nThe admin team role needs a licensed (Enterprise) LiteLLM: use role = "
			    "\"user\", or a licensed LiteLLM." : "");
			read_team(op, ST_ADD_CHECK, true);
		} else if (lh_team_absent(r)) {
			fail_msg(op, team_missing(op, p->team_id));
		} else {
			admin_hint(op, r);
		}
		return;
	case ST_UPDATE:
		if (r->result == LH_HTTP_OK)
			confirm_hold(op);
		else
			admin_hint(op, r);
		return;
	case ST_DELETE:
		if (r->result == LH_HTTP_OK) {
			msucceed(op);
		} else if (r->result == LH_HTTP_STATUS && (r->status == 400 || r->status == 404)) {
			free(op->detail);
			op->detail = lh_xstrdup(http_message(r));
			read_team(op, ST_DELETE_CHECK, true);
		} else {
			mhttp_fail(op, r);
		}
		return;
	default:
		mhttp_fail(op, r);
		return;
	}
}

/* ---- ids ---- */

/* Splits "TEAM:USER" at the ':' at offset colon - 1, or at the first when colon is 0
 * (team ids litehcl makes have none; an id with several is read once per split,
 * import_splits). */
static bool
split_id(const char *id, size_t colon, char **team, char **user)
{
	const char *c = colon > 0 ? id + colon - 1 : strchr(id, ':');
	if (c == NULL || *c != ':')
		return false;
	*team = strndup(id, (size_t)(c - id));
	*user = lh_xstrdup(c + 1);
	if (*team == NULL)
		abort();
	return true;
}

static char *
member_would_be_id(const cJSON *after)
{
	const char *t = lh_js(after, "team_id"), *u = lh_js(after, "user_id");
	bool email = u == NULL;
	if (email)
		u = lh_js(after, "user_email");
	if (t == NULL || u == NULL)
		return NULL;
	char *id = lh_xprintf("%s:%s", t, u);
	if (email)	/* LiteLLM's emails are one user whatever their case: one id */
		for (char *q = id + strlen(t) + 1; *q; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q - 'A' + 'a');
	return id;
}

/* ---- import of an id with several ':' ----
 * Team ids may contain ':' (user ids too; emails cannot), so "a:b:c" is team "a" with
 * user "b:c", or team "a:b" with user "c".  Every split is read (each TEAM an id or a
 * unique alias, each USER an id or an email); the one that names a membership is
 * imported; none: no such membership; several: an error listing them
 * (shared/spec/litellm_team.md 3.5). */

/* "\"a\" : \"b:c\"": the split of id at colon, for messages (malloc'd). */
static char *
split_show(const char *id, size_t colon)
{
	return lh_xprintf("\"%.*s\" : \"%s\"", (int)(colon - 1), id, id + colon);
}

static void
split_done(lh_rop *child, void *ctx)
{
	lh_rop *op = ctx;
	mpriv *p = priv(op);
	(void)child;
	if (--p->pending > 0)
		return;
	lh_rop *found = NULL, *failed = NULL;
	size_t nfound = 0;
	lh_buf list = {0};
	for (size_t i = 0; i < p->nsplits; i++) {
		lh_rop *c = p->splits[i];
		if (!c->ok) {
			if (failed == NULL)
				failed = c;
			continue;
		}
		if (c->gone || c->attrs == NULL)
			continue;
		/* the same membership reached through an alias counts once; "amb" + "x:y"
		 * and "amb:x" + "y" are two (with the same id text) */
		const char *tid = lh_js(c->attrs, "team_id"), *uid = lh_js(c->attrs, "user_id");
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++) {
			const lh_rop *o = p->splits[j];
			const char *ot = o->ok && !o->gone ? lh_js(o->attrs, "team_id") : NULL;
			const char *ou = o->ok && !o->gone ? lh_js(o->attrs, "user_id") : NULL;
			seen = tid != NULL && uid != NULL && ot != NULL && ou != NULL &&
			    strcmp(tid, ot) == 0 && strcmp(uid, ou) == 0;
		}
		if (seen)
			continue;
		if (found == NULL)
			found = c;
		nfound++;
		lh_buf_printf(&list, "\n  - team %s, user %s", lh_js(c->attrs, "team_id"),
		    lh_js(c->attrs, "user_id"));
	}
	if (nfound > 1) {
		fail_msg(op, lh_xprintf("The import ID \"%s\" can be split at more than one ':', and "
		    "%zu of the splits name a membership:%s\nImport it as TEAM_ALIAS:USER or "
		    "TEAM:EMAIL instead, which only one split can match.", op->id, nfound, list.p));
	} else if (failed != NULL && (nfound == 0 || failed->cancelled)) {
		/* a split that could not be read may be the one meant */
		op->cancelled = failed->cancelled;
		lh_rop_fail(op, failed->summary ? failed->summary : "Error reading", failed->detail ?
		    lh_xstrdup(failed->detail) : NULL);
	} else if (failed != NULL) {
		char *c = split_show(op->id, priv(failed)->colon);
		fail_msg(op, lh_xprintf("The import ID \"%s\" names team %s, user %s, but the split "
		    "%s could not be checked: %s", op->id, lh_js(found->attrs, "team_id"),
		    lh_js(found->attrs, "user_id"), c, failed->detail ? failed->detail : "failed"));
		free(c);
	} else if (found == NULL) {
		op->gone = true;
		lh_rop_succeed(op);
	} else {
		op->attrs = found->attrs;
		found->attrs = NULL;
		op->note = found->note;
		found->note = NULL;
		lh_rop_succeed(op);
	}
	lh_buf_free(&list);
}

static void
import_splits(lh_rop *op, const char *id)
{
	mpriv *p = priv(op);
	for (const char *c = strchr(id, ':'); c != NULL; c = strchr(c + 1, ':'))
		p->nsplits++;
	p->splits = calloc(p->nsplits, sizeof *p->splits);
	if (p->splits == NULL)
		abort();
	p->pending = p->nsplits;
	size_t i = 0;
	for (const char *c = strchr(id, ':'); c != NULL; c = strchr(c + 1, ':'), i++) {
		lh_rop *s = calloc(1, sizeof *s);
		if (s == NULL)
			abort();
		s->kind = LH_OP_READ;
		s->rt = op->rt;
		s->addr = op->addr;
		s->id = op->id;
		s->lookup = true;
		s->done = split_done;
		s->ctx = op;
		priv(s)->colon = (size_t)(c - id) + 1;
		p->splits[i] = s;
	}
	for (i = 0; i < p->nsplits; i++)
		lh_rop_submit(op->rc, p->splits[i]);
}

/* ---- submit ---- */

static bool
member_submit(lh_rop *op)
{
	mpriv *p = priv(op);
	const cJSON *src = op->kind == LH_OP_CREATE ? op->after : op->before ? op->before : op->ref;
	/* lh_js(src, "team_id") and lh_js(src, "user_id") in one pass (the first of each
	 * key answers) */
	const cJSON *tj = NULL, *uj = NULL;
	for (const cJSON *c = cJSON_IsObject(src) ? src->child : NULL; c != NULL &&
	    (tj == NULL || uj == NULL); c = c->next) {
		if (c->string == NULL)
			continue;
		if (tj == NULL && c->string[0] == 't' && strcmp(c->string, "team_id") == 0)
			tj = c;
		else if (uj == NULL && c->string[0] == 'u' && strcmp(c->string, "user_id") == 0)
			uj = c;
	}
	const char *t = cJSON_GetStringValue(tj), *u = cJSON_GetStringValue(uj);
	if (t != NULL && p->counted == NULL && (op->kind == LH_OP_CREATE ||
	    op->kind == LH_OP_UPDATE || op->kind == LH_OP_DELETE)) {
		p->counted = team_of(op->rc, t);
		p->counted->running++;
	}
	id_free(p, p->team_id);
	id_free(p, p->user_id);
	p->team_id = p->user_id = NULL;
	size_t tl = t != NULL ? strlen(t) : 0;
	if (t != NULL && u != NULL) {
		set_ids(p, t, tl, u);
	} else if (op->kind == LH_OP_READ && op->lookup && p->colon == 0 && op->id != NULL &&
	    strchr(op->id, ':') != NULL && strchr(op->id, ':') != strrchr(op->id, ':')) {
		import_splits(op, op->id);
		return true;
	} else if (t != NULL && op->id != NULL && strncmp(op->id, t, tl) == 0 && op->id[tl] == ':') {
		/* the journalled id of a membership by email: the team id may hold ':' */
		set_ids(p, t, tl, op->id + tl + 1);
	} else if (!split_id(op->id ? op->id : "", p->colon, &p->team_id, &p->user_id)) {
		if (op->kind == LH_OP_READ) {
			op->gone = true;
			lh_rop_succeed(op);
			return true;
		}
		fail_msg(op, lh_xprintf("\"%s\" is not a membership id: it must be TEAM_ID:USER_ID.",
		    op->id ? op->id : ""));
		return true;
	}
	if (op->kind == LH_OP_READ) {
		if (strchr(p->user_id, '@') != NULL && lh_j(src, "user_id") == NULL) {
			/* TEAM:EMAIL (import, or a journalled create by email) */
			lh_http_param q[4] = {{"user_email", p->user_id}, {"page_size", "100"},
			    {"sort_by", "user_id"}, {"sort_order", "asc"}};
			p->email = lh_xstrdup(p->user_id);
			get(op, "/user/list", q, 4, ST_USERLIST);
			return true;
		}
		read_team(op, ST_READ, op->lookup);
		return true;
	}
	switch (op->kind) {
	case LH_OP_CREATE:
		if (lh_js(op->after, "user_id") == NULL) {
			/* only user_email: find the one user with it */
			lh_http_param q[4] = {{"user_email", lh_js(op->after, "user_email")},
			    {"page_size", "100"}, {"sort_by", "user_id"}, {"sort_order", "asc"}};
			get(op, "/user/list", q, 4, ST_USERLIST);
			return true;
		} else {
			check_hold(op);
			return true;
		}
	case LH_OP_UPDATE:
	case LH_OP_DELETE:
		lock_take(op);
		return true;
	default:
		return false;
	}
}

/* Refresh: every membership of a team shares one /team/info (the cache does it). */
static void
member_read_many(lh_rctx *rc, lh_rop **ops, size_t n)
{
	for (size_t i = 0; i < n; i++)
		lh_rop_submit(rc, ops[i]);
}

/* ---- import matching, configuration checks, plan warnings ---- */

static bool
val_is(const lh_value *args, const char *k, const char *want, bool ci)
{
	lh_value *v = lh_val_get(args, k);
	if (v == NULL || lh_val_is_null(v) || lh_val_has_unknown(v) || v->type->kind != LH_TY_STRING ||
	    want == NULL)
		return false;
	return ci ? strcasecmp(v->u.str.s, want) == 0 : strcmp(v->u.str.s, want) == 0;
}

static bool
member_import_matches(const lh_value *args, const cJSON *attrs)
{
	if (!val_is(args, "team_id", lh_js(attrs, "team_id"), false))
		return false;
	return val_is(args, "user_id", lh_js(attrs, "user_id"), false) ||
	    val_is(args, "user_email", lh_js(attrs, "user_email"), true);
}

/* The text of an argument's expression when it has one value for every instance in
 * this run however unknown that value is yet (litellm_team.t.team_id, local.team): no
 * each, count or self, no function that answers differently each call; else NULL. */
/* The last answer of stable_expr, by the argument's range (the instances of a block
 * share theirs), for one check (member_check_config). */
typedef struct {
	const lh_arg_range *ar;
	const char *text;
} stable_memo;

static const char *
stable_expr(lh_arena *a, const lh_instance *in, const char *arg, stable_memo *m)
{
	static const struct { const char *w; size_t n; } varying[] = {{"each", 4}, {"count", 5},
		{"self", 4}, {"uuid", 4}, {"timestamp", 9}, {"bcrypt", 6}};
	const lh_arg_range *ar = lh_instance_arg(in, arg);
	const lh_source *src = ar != NULL ? lh_arg_src(in, ar) : NULL;
	if (src == NULL || ar->end <= ar->start || ar->end > src->len)
		return NULL;
	if (m->ar == ar)
		return m->text;
	m->ar = ar;
	m->text = NULL;
	const char *t = lh_source_text(src);
	if (t == NULL)
		return NULL;	/* (the file changed since it was read: as if varying) */
	t += ar->start;
	size_t len = ar->end - ar->start;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)t[i];
		if (!(c == '_' || (unsigned)((c | 32) - 'a') < 26u)) {
			i++;
			continue;
		}
		size_t k = i;
		while (k < len && (t[k] == '_' || t[k] == '-' ||
		    (unsigned)((t[k] | 32) - 'a') < 26u || (unsigned)(t[k] - '0') < 10u))
			k++;
		for (size_t v = 0; v < sizeof varying / sizeof *varying; v++)
			if (k - i == varying[v].n && memcmp(t + i, varying[v].w, k - i) == 0)
				return NULL;
		i = k;
	}
	return m->text = lh_arena_printf(a, "%.*s", (int)len, t);
}

/* p[0..n) concatenated, in a (what lh_arena_printf("%s%s...") gives, without the
 * format: 4,000 of these per check of 2,000 memberships) */
static char *
join_n(lh_arena *a, const char *const *p, size_t n)
{
	size_t len[5], total = 0;
	for (size_t i = 0; i < n; i++)
		total += len[i] = strlen(p[i]);
	char *s = lh_arena_alloc(a, total + 1), *o = s;
	for (size_t i = 0; i < n; i++) {
		memcpy(o, p[i], len[i]);
		o += len[i];
	}
	*o = 0;
	return s;
}

static char *
join3(lh_arena *a, const char *x, const char *y, const char *z)
{
	const char *p[3] = {x, y, z};
	return join_n(a, p, 3);
}

static char *
join5(lh_arena *a, const char *v, const char *w, const char *x, const char *y, const char *z)
{
	const char *p[5] = {v, w, x, y, z};
	return join_n(a, p, 5);
}

/* An argument of an instance, its position in the arguments' key array found once per
 * array (the instances of a block share theirs; none is freed during the check). */
typedef struct {
	const char *const *keys;
	size_t n;
	long pos;
} argpos;

static lh_value *
arg_get(const lh_value *args, const char *name, argpos *c)
{
	bool obj = args != NULL && args->flags == 0 && args->type->kind == LH_TY_OBJECT;
	if (obj && c->keys != NULL && args->u.map.keys == c->keys && args->u.map.n == c->n)
		return c->pos < 0 ? NULL : args->u.map.vals[c->pos];
	long at = lh_val_key_index(args, name);
	if (obj) {
		c->keys = args->u.map.keys;
		c->n = args->u.map.n;
		c->pos = at;
	}
	return at < 0 ? NULL : args->u.map.vals[at];
}

static void
member_check_config(lh_arena *a, lh_instance **all, size_t n, lh_diags *d)
{
	argpos pt = {0}, pu = {0}, pe = {0};
	stable_memo sm = {0};
	for (size_t i = 0; i < n; i++) {
		lh_value *u = arg_get(all[i]->args, "user_id", &pu);
		lh_value *e = arg_get(all[i]->args, "user_email", &pe);
		bool has_u = u != NULL && (!lh_val_is_null(u) || lh_val_is_unknown(u));
		bool has_e = e != NULL && (!lh_val_is_null(e) || lh_val_is_unknown(e));
		if (has_u || has_e)
			continue;
		lh_diag *g = lh_diag_add(d, LH_DIAG_ERROR, all[i]->block->src,
		    all[i]->block->u.block.open, all[i]->block->u.block.open + 1,
		    "Missing required argument",
		    "%s needs user_id (litellm_user.NAME.user_id) or user_email to name its user.",
		    all[i]->addr);
		g->context = all[i]->res->context;
	}
	/* Two memberships of one user in one team would fight over its role and budget:
	 * an error at the later one.  The user must be known; the team too, or named by
	 * the same expression (stable_expr: the team created in this run). */
	size_t cap = 64;
	while (cap < n * 2)
		cap *= 2;
	size_t *tab = lh_arena_alloc(a, cap * sizeof *tab);
	const char **keys = lh_arena_alloc(a, (n ? n : 1) * sizeof *keys);
	for (size_t i = 0; i < n; i++) {
		lh_value *t = arg_get(all[i]->args, "team_id", &pt);
		lh_value *u = arg_get(all[i]->args, "user_id", &pu);
		lh_value *e = arg_get(all[i]->args, "user_email", &pe);
		keys[i] = NULL;
		if (t == NULL || lh_val_is_null(t) || lh_val_has_sensitive(t))
			continue;
		const char *team = NULL;
		if (!lh_val_has_unknown(t))
			team = join3(a, "\"", t->u.str.s, "\"");
		else if ((team = stable_expr(a, all[i], "team_id", &sm)) == NULL)
			continue;
		const char *who = NULL, *what = "user_id";
		if (u != NULL && !lh_val_is_null(u)) {
			if (lh_val_has_unknown(u) || lh_val_has_sensitive(u))
				continue;
			who = u->u.str.s;
		} else if (e != NULL && !lh_val_is_null(e) && !lh_val_has_unknown(e) &&
		    !lh_val_has_sensitive(e)) {
			char *l = lh_arena_strdup(a, e->u.str.s);
			for (char *q = l; *q; q++)
				if (*q >= 'A' && *q <= 'Z')
					*q = (char)(*q - 'A' + 'a');
			who = l;
			what = "user_email";
		} else {
			continue;
		}
		keys[i] = join5(a, team, "\n", what, "\n", who);
		size_t h = (size_t)lh_hash_bytes(keys[i], strlen(keys[i])) & (cap - 1);
		while (tab[h] && strcmp(keys[tab[h] - 1], keys[i]) != 0)
			h = (h + 1) & (cap - 1);
		if (!tab[h]) {
			tab[h] = i + 1;
			continue;
		}
		size_t j = tab[h] - 1;
		const lh_arg_range *ar = lh_instance_arg(all[i], what);
		const lh_arg_range *pr = lh_instance_arg(all[j], what);
		int line = 0, col = 0;
		if (pr != NULL)
			lh_source_pos(lh_arg_src(all[j], pr), pr->start, &line, &col);
		lh_diag *g = lh_diag_add(d, LH_DIAG_ERROR, ar ? lh_arg_src(all[i], ar) : all[i]->block->src,
		    ar ? ar->start : all[i]->block->start, ar ? ar->end : all[i]->block->start,
		    "Duplicate team membership",
		    "%s makes %s \"%s\" a member of team %s, which %s%s%s%s already does. "
		    "Both would manage one membership (its role and budget); keep one.",
		    all[i]->addr, what, who, team, all[j]->addr, pr ? " (at " : "",
		    pr ? lh_arena_printf(a, "%s:%d", lh_arg_src(all[j], pr)->name, line) : "", pr ? ")" : "");
		g->context = all[i]->res->context;
	}
}

static char *
member_delete_warning(const cJSON *before)
{
	return lh_xstrdup("LiteLLM (v1.80 and later) also deletes the member's virtual keys "
	    "that belong to the team.");
}

/* ---- adopt ---- */

const cJSON *lh_team_list(lh_rctx *rc, lh_diags *d);	/* res_team.c */
bool lh_user_internal(const char *user_id);		/* res_user.c */

/* Every membership in the teams' rosters (members_with_roles of the team listing),
 * except the proxy's own users' and the email-only entries of old servers, which
 * cannot be imported.  Named after their team's and user's resources. */
static lh_found *
member_list_all(lh_rctx *rc, lh_diags *d, size_t *n)
{
	const cJSON *teams = lh_team_list(rc, d);
	*n = 0;
	if (teams == NULL)
		return NULL;
	size_t cap = 0;
	const cJSON *t, *m;
	cJSON_ArrayForEach(t, teams)
		cap += (size_t)cJSON_GetArraySize(lh_j(t, "members_with_roles"));
	lh_found *v = lh_found_alloc(cap);
	cJSON_ArrayForEach(t, teams) {
		const char *tid = lh_js(t, "team_id"), *alias = lh_js(t, "team_alias");
		const cJSON *roster = lh_j(t, "members_with_roles");
		if (tid == NULL || !cJSON_IsArray(roster))
			continue;
		cJSON_ArrayForEach(m, roster) {
			const char *uid = lh_js(m, "user_id"), *email = lh_js(m, "user_email");
			if (uid == NULL || lh_user_internal(uid))
				continue;
			lh_found *f = &v[(*n)++];
			f->id = lh_xprintf("%s:%s", tid, uid);
			f->comment = lh_xprintf("team \"%s\", user %s", alias ? alias : tid,
			    email ? email : uid);
			f->attrs = cJSON_CreateObject();
			lh_jput(f->attrs, "team_id", cJSON_CreateString(tid));
			lh_jput(f->attrs, "user_id", cJSON_CreateString(uid));
		}
	}
	return v;
}

const lh_rtype lh_res_team_member = {
	.type_name = "litellm_team_member",
	.attrs = member_attrs,
	.n = sizeof member_attrs / sizeof member_attrs[0],
	.id_attr = "id",
	.own_id_attr = NULL,
	.dies_with_deps = true,
	.summary = "One user's membership of one team: its team role and per-member budget.",
	.import_forms = "TEAM:USER - TEAM a team id or unique alias, USER a user id or email (without ADDR: the block with that team_id and user)",
	.submit = member_submit,
	.read_many = member_read_many,
	.would_be_id = member_would_be_id,
	.import_matches = member_import_matches,
	.check_config = member_check_config,
	.delete_warning = member_delete_warning,
	.flush = member_flush,
	.finished = uncount,
	.clear = member_clear,
	.ctx_free = ctx_free,
	.plural = "team memberships",
	.list_all = member_list_all,
};
