/* plan.c - the diff between configuration and state, Terraform's way: per instance
 * create / update / replace / delete / no-op, drift (objects changed outside), output
 * changes and the summary counts.  Pure data in, data out (see plan.h): no I/O. */
#include "plan.h"
#include "arena.h"
#include "json_arena.h"
#include "value.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);
	if (p == NULL) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	return p;
}

/* Shrinks an array; keeps it when realloc fails or n is 0. */
static void *
realloc_or_keep(void *p, size_t n)
{
	void *q = n ? realloc(p, n) : NULL;
	return q ? q : p;
}

static cJSON *
dup(const cJSON *v)
{
	cJSON *c = v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();
	if (c == NULL) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	return c;
}

/* (the cJSON_Is* tests inline: they are library calls, and plans compare thousands of
 * values) */
#define JT(j) ((j)->type & 0xff)

/* Whether a number node's value is its valuedouble exactly: it has no text (the
 * double is the value, lh_cjson_number), or its text is a whole number of at most 15
 * digits, with or without a fraction of zeros ("0.0", a server's spend), which strtod
 * reads exactly.  Two such numbers are equal when their doubles are: no exact
 * decimal comparison needed (lh_cjson_number_equal). */
static bool
double_exact(const cJSON *n)
{
	const char *t = n->valuestring;
	if (t == NULL)
		return true;
	if (*t == '-')
		t++;
	size_t d = 0;
	for (; *t >= '0' && *t <= '9'; t++)
		d++;
	if (d == 0 || d > 15)
		return false;
	if (*t == '.')
		for (t++; *t == '0'; t++)
			;
	return *t == '\0';
}

bool
lh_json_equal(const cJSON *a, const cJSON *b)
{
	bool an = a == NULL || JT(a) == cJSON_NULL, bn = b == NULL || JT(b) == cJSON_NULL;
	if (an || bn)
		return an && bn;
	int ta = JT(a), tb = JT(b);
	if (ta == cJSON_Number && tb == cJSON_Number)
		return double_exact(a) && double_exact(b) ? a->valuedouble == b->valuedouble :
		    lh_cjson_number_equal(a, b);
	if ((ta == cJSON_True || ta == cJSON_False) && (tb == cJSON_True || tb == cJSON_False))
		return ta == tb;
	if (ta != tb)
		return false;
	if (ta == cJSON_String)
		return a->valuestring == b->valuestring || strcmp(a->valuestring, b->valuestring) == 0;
	if (ta == cJSON_Array) {
		const cJSON *x = a->child, *y = b->child;
		for (; x != NULL && y != NULL; x = x->next, y = y->next)
			if (!lh_json_equal(x, y))
				return false;
		return x == NULL && y == NULL;
	}
	if (ta == cJSON_Object) {
		int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b);
		if (na != nb)
			return false;
		for (const cJSON *x = a->child; x != NULL; x = x->next) {
			const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
			if (y == NULL || !lh_json_equal(x, y))
				return false;
		}
		return true;
	}
	return false;
}

const char *
lh_action_name(lh_action a)
{
	switch (a) {
	case LH_ACT_NOOP: return "no-op";
	case LH_ACT_CREATE: return "create";
	case LH_ACT_UPDATE: return "update";
	case LH_ACT_REPLACE: return "replace";
	case LH_ACT_DELETE: return "delete";
	case LH_ACT_FORGET: return "forget";
	}
	return "no-op";
}

const char *
lh_reason_name(lh_reason r)
{
	switch (r) {
	case LH_REASON_NONE: return NULL;
	case LH_REASON_REPLACE_REQUESTED: return "replace_by_request";
	case LH_REASON_CANNOT_UPDATE: return "replace_because_cannot_update";
	case LH_REASON_NO_RESOURCE_CONFIG: return "delete_because_no_resource_config";
	case LH_REASON_COUNT_INDEX: return "delete_because_count_index";
	case LH_REASON_EACH_KEY: return "delete_because_each_key";
	case LH_REASON_WRONG_REPETITION: return "delete_because_wrong_repetition";
	case LH_REASON_TAINTED: return "replace_because_tainted";
	}
	return NULL;
}

/* Splits "type.name[key]" into base length and key text. */
static size_t
base_len(const char *a)
{
	const char *b = strchr(a, '[');
	return b ? (size_t)(b - a) : strlen(a);
}

int
lh_plan_addr_cmp(const char *a, const char *b)
{
	/* two string keys of one resource (for_each's instances side by side): the
	 * keys' strcmp below */
	const char *ka = strchr(a, '[');
	if (ka != NULL && ka[1] == '"' && strncmp(a, b, (size_t)(ka - a) + 2) == 0) {
		int c = strcmp(ka + 2, b + (ka - a) + 2);
		return (c > 0) - (c < 0);
	}
	size_t la = base_len(a), lb = base_len(b);
	/* type then name: compare the part before '.', then after */
	const char *da = memchr(a, '.', la), *db = memchr(b, '.', lb);
	size_t ta = da ? (size_t)(da - a) : la, tb = db ? (size_t)(db - b) : lb;
	int c = strncmp(a, b, ta < tb ? ta : tb);
	if (c != 0)
		return c;
	if (ta != tb)
		return ta < tb ? -1 : 1;
	size_t na = la - ta, nb = lb - tb;
	c = strncmp(a + ta, b + tb, na < nb ? na : nb);
	if (c != 0)
		return c;
	if (na != nb)
		return na < nb ? -1 : 1;
	ka = a + la;
	const char *kb = b + lb;
	if (*ka == '\0' || *kb == '\0')
		return (*ka != '\0') - (*kb != '\0');
	bool sa = ka[1] == '"', sb = kb[1] == '"';
	if (sa != sb)
		return sa ? 1 : -1;
	if (!sa) {
		long x = strtol(ka + 1, NULL, 10), y = strtol(kb + 1, NULL, 10);
		return (x > y) - (x < y);
	}
	return strcmp(ka, kb);
}

/* Planner flags of an attribute, from the type's table. */
enum {
	PA_REQUIRED = 1,	/* must be set in configuration */
	PA_OPTIONAL = 2,	/* may be set; when absent and COMPUTED: unmanaged */
	PA_COMPUTED = 4,	/* the server decides (when not configured) */
	PA_FORCE_NEW = 8,	/* a change means replacement */
	PA_CHANGES = 16		/* computed and moves on every update (updated_at) */
};

static unsigned
flags_of(const lh_attr *a)
{
	unsigned f = 0;
	switch (a->mode) {
	case LH_ATTR_REQUIRED: f = PA_REQUIRED; break;
	case LH_ATTR_OPTIONAL: f = PA_OPTIONAL | (a->default_json ? 0 : PA_COMPUTED); break;
	case LH_ATTR_COMPUTED: f = PA_COMPUTED; break;
	}
	if (a->force_new)
		f |= PA_FORCE_NEW;
	if (a->changes)
		f |= PA_CHANGES;
	return f;
}

static bool
same(const lh_attr *a, const cJSON *c, const cJSON *s)
{
	return lh_attr_same(a, c, s);
}

static const cJSON *
get(const cJSON *o, const char *k)
{
	if (o == NULL)
		return NULL;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return v;
}

static bool
set_in(const cJSON *o, const char *k)
{
	const cJSON *v = get(o, k);
	return v != NULL && !cJSON_IsNull(v);
}

static void
put(cJSON *o, const char *k, cJSON *v)
{
	const char *ik = lh_intern(k);	/* the name shared, not copied (json.c) */
	if (!(ik != NULL ? cJSON_AddItemToObjectCS(o, ik, v) : cJSON_AddItemToObject(o, k, v))) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
}

/* put for attribute i of rt, names its lh_rtype_names: the interned name is not
 * looked up again */
static void
put_attr(cJSON *o, const char *const *names, const lh_rtype *rt, size_t i, cJSON *v)
{
	if (names[i] == rt->attrs[i].name) {
		put(o, rt->attrs[i].name, v);
	} else if (!cJSON_AddItemToObjectCS(o, names[i], v)) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
}

static void
mark_unknown_attr(lh_change *c, const char *const *names, const lh_rtype *rt, size_t i)
{
	if (c->after_unknown == NULL)
		c->after_unknown = cJSON_CreateObject();
	put_attr(c->after_unknown, names, rt, i, cJSON_CreateTrue());
}

/* How a plan is built: lh_plan_make owns every tree it makes (malloc'd); in shared
 * mode (lh_plan_make_shared) the changes' read-only trees come from the plan's arena,
 * alike ones made once. */
#define UNK_CACHE 8
typedef struct pctx {
	lh_plan *p;
	bool share;
	cJSON *empty;		/* shared: the empty object (sensitive and unknown sets) */
	struct {		/* shared: the unknown sets of creates, by type and attributes */
		const lh_rtype *rt;
		uint64_t mask;
		cJSON *set;
	} unk[UNK_CACHE];
	size_t nunk;
	bool want_temp;		/* the slots' want exist only while planned (lh_plan_make_from) */
	bool keep_index;	/* the slots' index trees outlive the plan: borrowed */
	lh_jpack keep;		/* want_temp: the copies of those the changes use */
	size_t capdrift;	/* p->drift's room */
} pctx;

static lh_arena *
arena_of(pctx *x)
{
	if (x->p->arena == NULL)
		x->p->arena = lh_arena_new();
	return x->p->arena;
}

static cJSON *
anode(pctx *x, int type, const char *key)
{
	cJSON *n = lh_arena_alloc(arena_of(x), sizeof *n);	/* zeroed */
	n->type = type;
	lh_jarena_key(arena_of(x), n, key);
	return n;
}

static cJSON *
empty_of(pctx *x)
{
	if (x->empty == NULL)
		x->empty = anode(x, cJSON_Object, NULL);
	return x->empty;
}

/* A read-only copy of v in the arena (the empty object when v is NULL or empty). */
static cJSON *
aset(pctx *x, const cJSON *v)
{
	return v == NULL || v->child == NULL ? empty_of(x) : lh_json_copy_arena(arena_of(x), v);
}

/* Where a create's planned attribute comes from (plan_create). */
enum { FROM_UNKNOWN, FROM_WANT, FROM_DEFAULT, FROM_NULL };

static void create_sources(const lh_plan_slot *s, int *from, const cJSON **wv);

/* from[] and wv[] of create_sources, on the stack for a type of up to 64 attributes */
typedef struct {
	int *from;
	const cJSON **wv;
	int fsmall[64];
	const cJSON *wsmall[64];
} sources;

static void
sources_of(sources *cs, const lh_plan_slot *s)
{
	size_t n = s->rt->n;
	cs->from = n <= 64 ? cs->fsmall : xcalloc(n, sizeof *cs->from);
	cs->wv = n <= 64 ? cs->wsmall : xcalloc(n, sizeof *cs->wv);
	create_sources(s, cs->from, cs->wv);
}

static void
sources_free(sources *cs)
{
	if (cs->from != cs->fsmall)
		free(cs->from);
	if (cs->wv != cs->wsmall)
		free(cs->wv);
}

/* Shared mode: a create's planned object and unknown set.  The object is the slot's
 * want itself when it holds exactly the planned attributes in their order (what a
 * configuration setting every argument it means makes); else a read-only object in
 * the arena whose values are the want's own nodes' contents (never copied deeply). */
static void
plan_create_shared(pctx *x, const lh_plan_slot *s, lh_change *c)
{
	const lh_rtype *rt = s->rt;
	lh_plan_slot kept;
	if (x->want_temp && s->want != NULL) {
		/* the planned object is (or points into) the want: a copy that lives with
		 * the plan */
		if (x->keep.a == NULL)
			x->keep.a = arena_of(x);
		kept = *s;
		kept.want = lh_json_copy_packed(&x->keep, s->want);
		s = &kept;
	}
	sources cs;
	sources_of(&cs, s);
	uint64_t mask = 0;
	bool exact = s->want != NULL, cacheable = rt->n <= 64;
	const cJSON *w = s->want != NULL ? s->want->child : NULL;
	for (size_t i = 0; i < rt->n; i++) {
		const lh_attr *a = &rt->attrs[i];
		int from = cs.from[i];
		if (from == FROM_UNKNOWN && i < 64)
			mask |= (uint64_t)1 << i;
		if (from == FROM_WANT && exact && w != NULL && w->string != NULL &&
		    strcmp(w->string, a->name) == 0)
			w = w->next;
		else if (from != FROM_UNKNOWN)
			exact = false;
	}
	exact = exact && w == NULL;
	if (exact) {
		c->after = (cJSON *)s->want;
	} else {
		c->after = anode(x, cJSON_Object, NULL);
		for (size_t i = 0; i < rt->n; i++) {
			const lh_attr *a = &rt->attrs[i];
			cJSON *n = NULL;
			switch (cs.from[i]) {
			case FROM_UNKNOWN:
				continue;
			case FROM_WANT: {
				const cJSON *v = cs.wv[i];
				n = anode(x, 0, a->name);
				n->type |= v->type & ~(cJSON_IsReference | cJSON_StringIsConst);
				n->child = v->child;
				n->valuestring = v->valuestring;
				n->valueint = v->valueint;
				n->valuedouble = v->valuedouble;
				break;
			}
			case FROM_DEFAULT:
				n = lh_json_parse_arena(arena_of(x), a->default_json,
				    strlen(a->default_json), NULL);
				if (n == NULL) {
					fputs("litehcl: bad attribute default\n", stderr);
					abort();
				}
				lh_jarena_key(arena_of(x), n, a->name);
				break;
			case FROM_NULL:
				n = anode(x, cJSON_NULL, a->name);
				break;
			}
			lh_jarena_link(c->after, n);
		}
	}
	c->shared |= LH_CH_AFTER_BORROWED | LH_CH_UNKNOWN_BORROWED;
	size_t k = 0;
	while (cacheable && k < x->nunk && (x->unk[k].rt != rt || x->unk[k].mask != mask))
		k++;
	if (cacheable && k < x->nunk) {
		c->after_unknown = x->unk[k].set;
		sources_free(&cs);
		return;
	}
	cJSON *set = anode(x, cJSON_Object, NULL);
	for (size_t i = 0; i < rt->n; i++)
		if (cs.from[i] == FROM_UNKNOWN)
			lh_jarena_link(set, anode(x, cJSON_True, rt->attrs[i].name));
	sources_free(&cs);
	if (set->child == NULL)
		set = empty_of(x);
	c->after_unknown = set;
	if (cacheable) {
		k = x->nunk < UNK_CACHE ? x->nunk++ : (size_t)(mask % UNK_CACHE);
		x->unk[k].rt = rt;
		x->unk[k].mask = mask;
		x->unk[k].set = set;
	}
}

/* The planned new object when creating (or re-creating) an instance.  c's after and
 * after_unknown are unset (the caller freed what they held). */
static void
plan_create(pctx *x, const lh_plan_slot *s, lh_change *c)
{
	if (x->share) {
		plan_create_shared(x, s, c);
		return;
	}
	const lh_rtype *rt = s->rt;
	sources cs;
	sources_of(&cs, s);
	const char *const *names = lh_rtype_names(rt);
	c->after = cJSON_CreateObject();
	c->after_unknown = cJSON_CreateObject();
	for (size_t i = 0; i < rt->n; i++) {
		const lh_attr *a = &rt->attrs[i];
		switch (cs.from[i]) {
		case FROM_UNKNOWN:
			mark_unknown_attr(c, names, rt, i);
			break;
		case FROM_WANT:
			put_attr(c->after, names, rt, i, dup(cs.wv[i]));
			break;
		case FROM_DEFAULT:
			put_attr(c->after, names, rt, i, cJSON_Parse(a->default_json));
			break;
		case FROM_NULL:
			put_attr(c->after, names, rt, i, cJSON_CreateNull());
			break;
		}
	}
	sources_free(&cs);
}

/* What plan_update reads of a resource type's attribute table, made once for the
 * process (types are static; like lh_intern's strings it is never freed): the names as
 * lh_intern has them (the trees' keys are interned, json.c, so an object's items are
 * matched to the attributes by pointer), the planner flags, and the parsed defaults
 * (read-only: a plan takes a copy). */
typedef struct tmeta {
	const lh_rtype *rt;
	const char *const *names;	/* lh_rtype_names */
	unsigned *flags;
	cJSON **defaults;	/* by attribute: default_json parsed, or NULL */
	struct tmeta *next;
} tmeta;

static _Atomic(tmeta *) metas;
static pthread_mutex_t metas_lock = PTHREAD_MUTEX_INITIALIZER;

static const tmeta *
meta_of(const lh_rtype *rt)
{
	for (tmeta *m = atomic_load_explicit(&metas, memory_order_acquire); m != NULL; m = m->next)
		if (m->rt == rt)
			return m;
	pthread_mutex_lock(&metas_lock);
	tmeta *m = atomic_load_explicit(&metas, memory_order_acquire);
	while (m != NULL && m->rt != rt)
		m = m->next;
	if (m == NULL) {
		m = xcalloc(1, sizeof *m);
		m->rt = rt;
		m->names = lh_rtype_names(rt);
		m->flags = xcalloc(rt->n, sizeof *m->flags);
		m->defaults = xcalloc(rt->n, sizeof *m->defaults);
		for (size_t k = 0; k < rt->n; k++) {
			const lh_attr *a = &rt->attrs[k];
			m->flags[k] = flags_of(a);
			if (a->default_json != NULL)
				m->defaults[k] = cJSON_Parse(a->default_json);
		}
		m->next = atomic_load_explicit(&metas, memory_order_relaxed);
		atomic_store_explicit(&metas, m, memory_order_release);
	}
	pthread_mutex_unlock(&metas_lock);
	return m;
}

/* v[0..n) := o's item named names[k] for each k (NULL when absent), as
 * cJSON_GetObjectItemCaseSensitive answers (the first of equal keys).  One pass when
 * o's keys are the interned names in the table's order (the state's, the
 * configuration's, a refreshed object's: the usual case), else a look-up each. */
static void
items_of(const cJSON *o, const char *const *names, size_t n, const cJSON **v)
{
	memset(v, 0, n * sizeof *v);
	if (o == NULL || o->child == NULL)
		return;
	size_t j = 0;
	const cJSON *c = o->child;
	for (; c != NULL; c = c->next) {
		while (j < n && names[j] != c->string)
			j++;
		if (j == n)
			break;
		v[j++] = c;
	}
	if (c == NULL)
		return;	/* every key was one name, each after the one before */
	for (size_t k = 0; k < n; k++)
		v[k] = cJSON_GetObjectItemCaseSensitive(o, names[k]);
}

/* Where each attribute of a create's planned object comes from (from[0..n)), and the
 * slot's want item for each (wv[0..n), as get(s->want, name)). */
static void
create_sources(const lh_plan_slot *s, int *from, const cJSON **wv)
{
	const lh_rtype *rt = s->rt;
	const tmeta *m = meta_of(rt);
	const cJSON *small[64], **uv = rt->n <= 64 ? small : xcalloc(rt->n, sizeof *uv);
	items_of(s->want, m->names, rt->n, wv);
	items_of(s->want_unknown, m->names, rt->n, uv);
	for (size_t i = 0; i < rt->n; i++) {
		if (uv[i] != NULL && JT(uv[i]) == cJSON_True)
			from[i] = FROM_UNKNOWN;
		else if (wv[i] != NULL && JT(wv[i]) != cJSON_NULL)
			from[i] = FROM_WANT;
		else if (rt->attrs[i].default_json != NULL)
			from[i] = FROM_DEFAULT;
		else if (m->flags[i] & PA_COMPUTED)
			from[i] = FROM_UNKNOWN;
		else
			from[i] = FROM_NULL;
	}
	if (uv != small)
		free(uv);
}

/* One attribute of the object plan_update plans: base's own item (old, possibly
 * NULL when base lacks it) or a new value (made), or none (unknown). */
typedef struct {
	const cJSON *old;
	cJSON *made;
	bool unknown;
} planned_attr;

/* The planned object when the instance exists: config over state, by meaning.  The
 * attributes are decided first; a no-op whose planned object would be base itself
 * (every attribute base's own item, in base's order) borrows base when share is set
 * instead of building a copy to compare and drop. */
static void
plan_update(pctx *x, const lh_plan_slot *s, const cJSON *base, lh_change *c)
{
	const lh_rtype *rt = s->rt;
	bool share = x->share;
	const tmeta *m = meta_of(rt);
	bool changed = false, force = false;
	c->after_unknown = NULL;	/* made by mark_unknown when needed (done_change) */
	planned_attr small[64], *pa = small;
	const cJSON *items[3 * 64], **iv = items;
	if (rt->n > sizeof small / sizeof small[0]) {
		pa = xcalloc(rt->n, sizeof *pa);
		iv = xcalloc(3 * rt->n, sizeof *iv);
	}
	const cJSON **bv = iv, **wv = iv + rt->n, **uv = iv + 2 * rt->n;
	items_of(base, m->names, rt->n, bv);
	items_of(s->want, m->names, rt->n, wv);
	items_of(s->want_unknown, m->names, rt->n, uv);
	for (size_t i = 0; i < rt->n; i++) {
		const lh_attr *a = &rt->attrs[i];
		unsigned fl = m->flags[i];
		bool configurable = (fl & (PA_REQUIRED | PA_OPTIONAL)) != 0;
		const cJSON *old = bv[i];
		/* (the configuration has only configurable attributes) */
		const cJSON *w = configurable ? wv[i] : NULL;
		bool unknown = configurable && uv[i] != NULL && (uv[i]->type & 0xff) == cJSON_True;
		bool diff = false;
		bool ignored = s->ignore_all;
		for (size_t k = 0; k < s->nignore && !ignored; k++)
			ignored = strcmp(s->ignore[k], a->name) == 0;
		pa[i] = (planned_attr){.old = old};
		if (configurable && ignored) {
			/* lifecycle ignore_changes: base's */
		} else if (configurable && unknown) {
			mark_unknown_attr(c, m->names, rt, i);
			pa[i].unknown = true;
			diff = true;
		} else if (configurable && w != NULL && (w->type & 0xff) != cJSON_NULL) {
			if (!same(a, w, old)) {
				pa[i].made = dup(w);
				diff = true;
			}
		} else if (configurable && a->default_json != NULL) {
			const cJSON *d = m->defaults[i];
			if (!same(a, d, old)) {
				pa[i].made = d != NULL ? dup(d) : NULL;
				diff = true;
			}
		} else if (fl & PA_COMPUTED) {
			/* unmanaged or computed: base's */
		} else if (old == NULL || (old->type & 0xff) != cJSON_NULL) {
			pa[i].made = cJSON_CreateNull();
			diff = old != NULL;
		}
		if (diff) {
			changed = true;
			if ((fl & PA_FORCE_NEW) || (a->forces != NULL && a->forces(s->want))) {
				force = true;
				if (c->replace_paths == NULL)
					c->replace_paths = cJSON_CreateArray();
				cJSON *p = cJSON_CreateArray();
				cJSON_AddItemToArray(p, cJSON_CreateString(a->name));
				cJSON_AddItemToArray(c->replace_paths, p);
			}
		}
	}
	if (iv != items)
		free(iv);
	bool replace = force || s->replace || s->replace_dep || s->tainted;
	/* a no-op planning base's own items in base's order plans base itself */
	bool is_base = share && !replace && !changed && base != NULL;
	const cJSON *bc = is_base ? base->child : NULL;
	for (size_t i = 0; is_base && i < rt->n; i++) {
		is_base = !pa[i].unknown && pa[i].made == NULL && bc != NULL && pa[i].old == bc;
		if (is_base)
			bc = bc->next;
	}
	if (is_base && bc == NULL) {
		c->after = (cJSON *)base;
		c->shared |= LH_CH_AFTER_BORROWED;
	} else if (!replace) {
		c->after = cJSON_CreateObject();
		for (size_t i = 0; i < rt->n; i++) {
			if (pa[i].unknown)
				continue;
			put_attr(c->after, m->names, rt, i, pa[i].made != NULL ? pa[i].made : dup(pa[i].old));
			pa[i].made = NULL;
		}
	}
	for (size_t i = 0; i < rt->n; i++)
		cJSON_Delete(pa[i].made);
	if (pa != small)
		free(pa);
	if (replace) {
		c->action = LH_ACT_REPLACE;
		c->reason = s->replace ? LH_REASON_REPLACE_REQUESTED : s->tainted ?
		    LH_REASON_TAINTED : LH_REASON_CANNOT_UPDATE;
		/* The new object is created afresh: what the config does not fix is unknown. */
		cJSON_Delete(c->after_unknown);
		c->after = c->after_unknown = NULL;
		plan_create(x, s, c);
		return;
	}
	if (!changed) {
		c->action = LH_ACT_NOOP;
		return;
	}
	c->action = LH_ACT_UPDATE;
	for (size_t i = 0; i < rt->n; i++) {
		const lh_attr *a = &rt->attrs[i];
		if (m->flags[i] & PA_CHANGES) {
			cJSON_DeleteItemFromObjectCaseSensitive(c->after, a->name);
			mark_unknown_attr(c, m->names, rt, i);
		}
	}
}

/* Terraform shows drift in a normal plan only where it matters to the plan: the
 * object is gone, or an attribute the configuration manages changed. */
static bool
relevant_drift(const lh_plan_slot *s)
{
	if (s->have == NULL)
		return true;
	if (s->want == NULL)
		return false;
	for (size_t i = 0; i < s->rt->n; i++) {
		const lh_attr *a = &s->rt->attrs[i];
		if (!(flags_of(a) & (PA_REQUIRED | PA_OPTIONAL)))
			continue;
		if (!set_in(s->want, a->name) && a->default_json == NULL)
			continue;
		if (!lh_json_equal(get(s->prior, a->name), get(s->have, a->name)))
			return true;
	}
	return false;
}

static void free_change(lh_change *c);

static int
change_cmp(const void *x, const void *y)
{
	return lh_plan_addr_cmp(((const lh_change *)x)->addr, ((const lh_change *)y)->addr);
}

/* Sorts changes by address; the slots usually come in that order already (the
 * state's), and then one pass tells. */
static void
sort_changes(lh_change *c, size_t n)
{
	size_t i = 1;
	while (i < n && change_cmp(&c[i - 1], &c[i]) <= 0)
		i++;
	if (i < n)
		qsort(c, n, sizeof *c, change_cmp);
}

/* after and after_unknown are left NULL: the action's planner sets them, and
 * done_change the unknown set of those without one. */
static void
init_change(pctx *x, lh_change *c, const lh_plan_slot *s, size_t i)
{
	memset(c, 0, sizeof *c);
	c->addr = s->addr;
	c->type = s->type;
	c->name = s->name;
	c->rt = s->rt;
	if (x->share) {
		c->index = s->index == NULL ? NULL : x->keep_index ? (cJSON *)s->index :
		    lh_json_copy_arena(arena_of(x), s->index);
		c->before_sensitive = aset(x, s->prior_sensitive);
		c->after_sensitive = aset(x, s->want_sensitive);
		c->shared |= LH_CH_INDEX_BORROWED | LH_CH_SENS_BORROWED;
	} else {
		c->index = s->index ? dup(s->index) : NULL;
		c->before_sensitive = s->prior_sensitive ? dup(s->prior_sensitive) :
		    cJSON_CreateObject();
		c->after_sensitive = s->want_sensitive ? dup(s->want_sensitive) :
		    cJSON_CreateObject();
	}
	c->deps = s->deps;
	c->ndeps = s->ndeps;
	c->slot = i;
	c->moved_from = s->moved_from;
}

/* Every change has an unknown set: the empty one for those whose planner made none
 * (shared mode: the arena's, also for an empty one it made). */
static void
done_change(pctx *x, lh_change *c)
{
	if (c->after_unknown != NULL && (!x->share || c->after_unknown->child != NULL ||
	    (c->shared & LH_CH_UNKNOWN_BORROWED)))
		return;
	cJSON_Delete(c->after_unknown);
	if (x->share) {
		c->after_unknown = empty_of(x);
		c->shared |= LH_CH_UNKNOWN_BORROWED;
	} else {
		c->after_unknown = cJSON_CreateObject();
	}
}

bool
lh_json_identical(const cJSON *x, const cJSON *y)
{
	const cJSON *a = x->child, *b = y->child;
	for (; a != NULL && b != NULL; a = a->next, b = b->next)
		if (a->string == NULL || b->string == NULL || strcmp(a->string, b->string) != 0 ||
		    (a->type & 0xff) != (b->type & 0xff) || !lh_json_equal(a, b))
			return false;
	return a == NULL && b == NULL;
}

/* The change's before: base itself when sharing, else a copy. */
static cJSON *
before_of(lh_change *c, const cJSON *base, bool share)
{
	if (!share)
		return dup(base);
	c->shared |= LH_CH_BEFORE_BORROWED;
	return (cJSON *)base;
}

/* Plans slot s (number i): its drift and its change, added to x->p. */
static void
plan_slot(pctx *x, const lh_plan_slot *s, size_t i)
{
	lh_plan *p = x->p;
	lh_plan_mode mode = p->mode;
	bool share = x->share;
	if (!s->targeted)
		p->targeted = true;
	/* Drift: the state before refresh against the server's view. */
	if (s->refreshed && s->prior != NULL && s->have != s->prior &&
	    !lh_json_equal(s->prior, s->have) &&
	    (mode == LH_PLAN_REFRESH_ONLY || relevant_drift(s))) {
		if (p->ndrift == x->capdrift) {
			x->capdrift *= 2;
			p->drift = realloc(p->drift, x->capdrift * sizeof *p->drift);
			if (p->drift == NULL) {
				fputs("litehcl: out of memory\n", stderr);
				abort();
			}
		}
		lh_change *d = &p->drift[p->ndrift++];
		init_change(x, d, s, i);
		d->before = before_of(d, s->prior, share);
		if (share) {
			d->after_sensitive = d->before_sensitive;
		} else {
			cJSON_Delete(d->after_sensitive);
			d->after_sensitive = dup(d->before_sensitive);
		}
		if (s->have == NULL) {
			d->action = LH_ACT_DELETE;
		} else if (share) {
			d->action = LH_ACT_UPDATE;
			d->after = (cJSON *)s->have;
			d->shared |= LH_CH_AFTER_BORROWED;
		} else {
			d->action = LH_ACT_UPDATE;
			d->after = dup(s->have);
		}
		done_change(x, d);
	}
	if (!s->targeted || mode == LH_PLAN_REFRESH_ONLY)
		return;
	const cJSON *base = s->refreshed ? s->have : s->prior;
	if (s->import_id != NULL && s->prior == NULL)
		base = s->have;
	lh_change *c = &p->changes[p->n];
	init_change(x, c, s, i);
	if (mode == LH_PLAN_DESTROY) {
		if (base == NULL) {
			free_change(c);
			return;
		}
		c->action = LH_ACT_DELETE;
		c->before = before_of(c, base, share);
		done_change(x, c);
		p->n++;
		return;
	}
	if (s->want == NULL && base == NULL) {
		free_change(c);
		return;
	}
	if (s->want == NULL && s->forget) {
		c->action = LH_ACT_FORGET;
		c->before = before_of(c, base, share);
	} else if (s->want == NULL) {
		c->action = LH_ACT_DELETE;
		c->reason = s->gone_reason ? s->gone_reason : LH_REASON_NO_RESOURCE_CONFIG;
		c->before = before_of(c, base, share);
	} else if (base == NULL) {
		c->action = LH_ACT_CREATE;
		c->recreated = s->prior != NULL && s->refreshed;
		plan_create(x, s, c);
	} else {
		c->before = before_of(c, base, share);
		if (s->import_id != NULL && s->prior == NULL)
			c->import_id = s->import_id;
		plan_update(x, s, base, c);
		if (share && c->action == LH_ACT_NOOP && c->after != NULL &&
		    !(c->shared & LH_CH_AFTER_BORROWED) && lh_json_identical(c->after, c->before)) {
			cJSON_Delete(c->after);
			c->after = c->before;
			c->shared |= LH_CH_AFTER_BORROWED;
		}
	}
	done_change(x, c);
	p->n++;
}

static lh_plan *plan_make(lh_plan_mode mode, const lh_plan_slot *slots, size_t n, bool share,
    const lh_plan_source *src);

lh_plan *
lh_plan_make(lh_plan_mode mode, const lh_plan_slot *slots, size_t n)
{
	return plan_make(mode, slots, n, false, NULL);
}

lh_plan *
lh_plan_make_shared(lh_plan_mode mode, const lh_plan_slot *slots, size_t n)
{
	return plan_make(mode, slots, n, true, NULL);
}

lh_plan *
lh_plan_make_from(lh_plan_mode mode, size_t n, const lh_plan_source *src)
{
	return plan_make(mode, NULL, n, true, src);
}

static lh_plan *
plan_make(lh_plan_mode mode, const lh_plan_slot *slots, size_t n, bool share,
    const lh_plan_source *src)
{
	lh_plan *p = xcalloc(1, sizeof *p);
	p->mode = mode;
	/* drift is rare: its array grows as found (100,000 slots' worth was 15 MB) */
	pctx x = {.p = p, .share = share, .want_temp = src != NULL,
	    .keep_index = src != NULL && src->keep_index, .capdrift = 1};
	/* (each change is cleared when planned: init_change) */
	p->changes = malloc((n ? n : 1) * sizeof *p->changes);
	if (p->changes == NULL) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	p->drift = xcalloc(x.capdrift, sizeof *p->drift);
	for (size_t i = 0; i < n; i++) {
		if (src == NULL) {
			plan_slot(&x, &slots[i], i);
			continue;
		}
		/* the slot exists while it is planned (the few arguments a plan keeps are
		 * copied: plan_create_shared) */
		lh_plan_slot t;
		src->slot(src->ctx, i, &t);
		plan_slot(&x, &t, i);
		src->done(src->ctx, i);
	}
	/* the arrays were sized for every slot */
	if (p->n < n)
		p->changes = realloc_or_keep(p->changes, p->n * sizeof *p->changes);
	if (p->ndrift < x.capdrift)
		p->drift = realloc_or_keep(p->drift, p->ndrift * sizeof *p->drift);
	sort_changes(p->changes, p->n);
	sort_changes(p->drift, p->ndrift);
	for (size_t i = 0; i < p->n; i++) {
		switch (p->changes[i].action) {
		case LH_ACT_CREATE: p->add++; break;
		case LH_ACT_UPDATE: p->change++; break;
		case LH_ACT_REPLACE: p->add++; p->destroy++; break;
		case LH_ACT_DELETE: p->destroy++; break;
		case LH_ACT_NOOP: break;
		case LH_ACT_FORGET: break;	/* Terraform counts no forget in "Plan:" */
		}
		if (p->changes[i].import_id != NULL)
			p->import++;
	}
	return p;
}

void
lh_plan_add_output(lh_plan *p, const char *name, cJSON *before, cJSON *after,
    bool after_unknown, bool sensitive)
{
	lh_output_change *o = realloc(p->outputs, (p->noutputs + 1) * sizeof *o);
	if (o == NULL) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	p->outputs = o;
	o = &p->outputs[p->noutputs++];
	memset(o, 0, sizeof *o);
	o->name = strdup(name);
	o->before = before;
	o->after = after;
	o->after_unknown = after_unknown;
	o->sensitive = sensitive;
}

void
lh_plan_output_partial(lh_plan *p, cJSON *mask)
{
	if (p->noutputs == 0) {
		cJSON_Delete(mask);
		return;
	}
	lh_output_change *o = &p->outputs[p->noutputs - 1];
	cJSON_Delete(o->unknown_mask);
	o->unknown_mask = mask;
}

static int
out_cmp(const void *x, const void *y)
{
	return strcmp(((const lh_output_change *)x)->name, ((const lh_output_change *)y)->name);
}

void
lh_plan_finish(lh_plan *p)
{
	if (p->noutputs > 0)
		qsort(p->outputs, p->noutputs, sizeof *p->outputs, out_cmp);
	for (size_t i = 0; i < p->noutputs; i++) {
		lh_output_change *o = &p->outputs[i];
		/* a null output is no output (Terraform keeps none in the state) */
		if (o->after != NULL && cJSON_IsNull(o->after) && !o->after_unknown) {
			cJSON_Delete(o->after);
			o->after = NULL;
		}
		if (o->before != NULL && cJSON_IsNull(o->before)) {
			cJSON_Delete(o->before);
			o->before = NULL;
		}
		bool has_after = o->after != NULL || o->after_unknown;
		if (o->before == NULL && has_after)
			o->action = LH_ACT_CREATE;
		else if (o->before != NULL && !has_after)
			o->action = LH_ACT_DELETE;
		else if (o->before != NULL && (o->after_unknown || !lh_json_equal(o->before, o->after)))
			o->action = LH_ACT_UPDATE;
		else
			o->action = LH_ACT_NOOP;
	}
}

bool
lh_plan_has_changes(const lh_plan *p)
{
	if (p->mode == LH_PLAN_REFRESH_ONLY)
		return p->ndrift > 0;
	for (size_t i = 0; i < p->n; i++)
		if (p->changes[i].action != LH_ACT_NOOP || p->changes[i].import_id != NULL ||
		    p->changes[i].moved_from != NULL)
			return true;
	for (size_t i = 0; i < p->noutputs; i++)
		if (p->outputs[i].action != LH_ACT_NOOP)
			return true;
	return false;
}

static void
free_change(lh_change *c)
{
	if (!(c->shared & LH_CH_INDEX_BORROWED))
		cJSON_Delete(c->index);
	if (!(c->shared & LH_CH_AFTER_BORROWED))
		cJSON_Delete(c->after);
	if (!(c->shared & LH_CH_BEFORE_BORROWED))
		cJSON_Delete(c->before);
	if (!(c->shared & LH_CH_UNKNOWN_BORROWED))
		cJSON_Delete(c->after_unknown);
	if (!(c->shared & LH_CH_SENS_BORROWED)) {
		cJSON_Delete(c->before_sensitive);
		cJSON_Delete(c->after_sensitive);
	}
	cJSON_Delete(c->replace_paths);
}

void
lh_plan_free(lh_plan *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++)
		free_change(&p->changes[i]);
	for (size_t i = 0; i < p->ndrift; i++)
		free_change(&p->drift[i]);
	for (size_t i = 0; i < p->nreads; i++)
		free_change(&p->reads[i]);
	free(p->reads);
	cJSON_Delete(p->checks);
	for (size_t i = 0; i < p->noutputs; i++) {
		free((char *)p->outputs[i].name);
		cJSON_Delete(p->outputs[i].before);
		cJSON_Delete(p->outputs[i].after);
		cJSON_Delete(p->outputs[i].unknown_mask);
	}
	free(p->outputs);
	free(p->changes);
	free(p->drift);
	if (p->arena != NULL)
		lh_arena_free(p->arena);
	free(p);
}
