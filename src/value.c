/* value.c - values and types of the Terraform language (cty's model): constructors,
 * type names, unification, equality, set ordering, number parsing/formatting and the
 * `terraform console` rendering.  Conversion lives in convert.c, JSON in json.c.
 *
 * Everything is allocated in the caller's arena and never mutated after it is built,
 * so values may be shared freely between containers. */
#include "value.h"

#include "hash.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const lh_type lh_type_dynamic = { .kind = LH_TY_DYNAMIC };
const lh_type lh_type_string = { .kind = LH_TY_STRING };
const lh_type lh_type_number = { .kind = LH_TY_NUMBER };
const lh_type lh_type_bool = { .kind = LH_TY_BOOL };

/* ---------------------------------------------------------------- string buffer */

typedef struct {
	lh_arena *a;
	char *p;
	size_t len, cap;
} sbuf;

static void
sb_grow(sbuf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap * 2 : 64;
	while (cap < b->len + more + 1)
		cap *= 2;
	b->p = lh_arena_grow(b->a, b->p, b->len, cap, 1);
	b->cap = cap;
}

static void
sb_add(sbuf *b, const char *s, size_t n)
{
	sb_grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }
static void sb_ch(sbuf *b, char c) { sb_add(b, &c, 1); }

static void
sb_spaces(sbuf *b, int n)
{
	for (int i = 0; i < n; i++)
		sb_ch(b, ' ');
}

static char *
sb_done(sbuf *b)
{
	if (b->p == NULL)
		return lh_arena_strdup(b->a, "");
	return b->p;
}

/* ---------------------------------------------------------------- predicates */

bool
lh_val_has_unknown_in(const lh_value *v)
{
	switch (v->type->kind) {
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_TUPLE:
		for (size_t i = 0; i < v->u.seq.n; i++)
			if (lh_val_has_unknown(v->u.seq.items[i]))
				return true;
		return false;
	case LH_TY_MAP: case LH_TY_OBJECT:
		for (size_t i = 0; i < v->u.map.n; i++)
			if (lh_val_has_unknown(v->u.map.vals[i]))
				return true;
		return false;
	default:
		return false;
	}
}

bool
lh_val_has_sensitive_in(const lh_value *v)
{
	switch (v->type->kind) {
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_TUPLE:
		for (size_t i = 0; i < v->u.seq.n; i++)
			if (lh_val_has_sensitive(v->u.seq.items[i]))
				return true;
		return false;
	case LH_TY_MAP: case LH_TY_OBJECT:
		for (size_t i = 0; i < v->u.map.n; i++)
			if (lh_val_has_sensitive(v->u.map.vals[i]))
				return true;
		return false;
	default:
		return false;
	}
}

/* ---------------------------------------------------------------- constructors */

static lh_value *
newval(lh_arena *a, const lh_type *t, unsigned flags)
{
	lh_value *v = lh_arena_alloc(a, sizeof *v);
	v->type = t;
	v->flags = flags;
	return v;
}

/* Values are never changed once made (every operation makes a new one), so the
 * nulls and unknowns of the primitive types and the two bools are shared: a
 * configuration of 100,000 instances makes millions of them. */
static lh_value shared_vals[] = {
	{.type = &lh_type_dynamic, .flags = LH_VF_NULL},
	{.type = &lh_type_string, .flags = LH_VF_NULL},
	{.type = &lh_type_number, .flags = LH_VF_NULL},
	{.type = &lh_type_bool, .flags = LH_VF_NULL},
	{.type = &lh_type_dynamic, .flags = LH_VF_UNKNOWN},
	{.type = &lh_type_string, .flags = LH_VF_UNKNOWN},
	{.type = &lh_type_number, .flags = LH_VF_UNKNOWN},
	{.type = &lh_type_bool, .flags = LH_VF_UNKNOWN},
	{.type = &lh_type_bool, .u.b = false},
	{.type = &lh_type_bool, .u.b = true},
};

/* The shared value of primitive type t with flags, or NULL. */
static lh_value *
shared_val(const lh_type *t, unsigned flags)
{
	size_t base = flags == LH_VF_NULL ? 0 : 4;
	if (t == &lh_type_dynamic)
		return &shared_vals[base];
	if (t == &lh_type_string)
		return &shared_vals[base + 1];
	if (t == &lh_type_number)
		return &shared_vals[base + 2];
	if (t == &lh_type_bool)
		return &shared_vals[base + 3];
	return NULL;
}

lh_value *
lh_val_null(lh_arena *a, const lh_type *t)
{
	lh_value *v = shared_val(t ? t : &lh_type_dynamic, LH_VF_NULL);
	return v ? v : newval(a, t, LH_VF_NULL);
}

lh_value *
lh_val_unknown(lh_arena *a, const lh_type *t)
{
	lh_value *v = shared_val(t ? t : &lh_type_dynamic, LH_VF_UNKNOWN);
	return v ? v : newval(a, t, LH_VF_UNKNOWN);
}

lh_value *
lh_val_bool(lh_arena *a, bool b)
{
	(void)a;
	return &shared_vals[b ? 9 : 8];
}

/* Small integers are shared too (counts, indexes, budgets): -16 .. 1023. */
#define SMALL_MIN (-16)
#define SMALL_MAX 1023
static lh_value small_ints[SMALL_MAX - SMALL_MIN + 1];

/* Filled before main (values are also made on other threads: no lazy set-up). */
__attribute__((constructor)) static void
small_ints_init(void)
{
	for (int64_t i = SMALL_MIN; i <= SMALL_MAX; i++) {
		lh_value *v = &small_ints[i - SMALL_MIN];
		v->type = &lh_type_number;
		v->u.num.is_int = true;
		v->u.num.i = i;
		v->u.num.d = (double)i;
	}
}

static lh_value *
small_int(int64_t i)
{
	return &small_ints[i - SMALL_MIN];
}

lh_value *
lh_val_int(lh_arena *a, int64_t i)
{
	if (i >= SMALL_MIN && i <= SMALL_MAX)
		return small_int(i);
	lh_value *v = newval(a, &lh_type_number, 0);
	v->u.num.is_int = true;
	v->u.num.i = i;
	v->u.num.d = (double)i;
	return v;
}

lh_value *
lh_val_double(lh_arena *a, double d)
{
	return lh_val_number(a, lh_number_from_double(d));
}

lh_value *
lh_val_number(lh_arena *a, lh_number n)
{
	if (n.is_int && n.i >= SMALL_MIN && n.i <= SMALL_MAX)
		return small_int(n.i);
	lh_value *v = newval(a, &lh_type_number, 0);
	if (n.is_int)
		n.d = (double)n.i;
	v->u.num = n;
	return v;
}

lh_value *
lh_val_string(lh_arena *a, const char *s, size_t len)
{
	lh_value *v = newval(a, &lh_type_string, 0);
	if (s != NULL && lh_str_needs_nfc(s, len)) {
		v->u.str.s = lh_str_nfc(a, s, len, &v->u.str.len);
		return v;
	}
	v->u.str.s = lh_arena_strndup(a, s ? s : "", s ? len : 0);
	v->u.str.len = s ? len : 0;
	return v;
}

lh_value *
lh_val_string_nfc(lh_arena *a, const char *s, size_t len)
{
	lh_value *v = lh_arena_alloc(a, sizeof *v + len + 1);
	char *t = (char *)(v + 1);
	memcpy(t, s, len);
	t[len] = 0;
	v->type = &lh_type_string;
	v->flags = 0;
	v->u.str.s = t;
	v->u.str.len = len;
	return v;
}

lh_value *
lh_val_string_take(lh_arena *a, const char *s, size_t len)
{
	if (lh_str_needs_nfc(s, len))
		return lh_val_string(a, s, len);
	lh_value *v = newval(a, &lh_type_string, 0);
	v->u.str.s = s;
	v->u.str.len = len;
	return v;
}

/* ---- shared literal strings (lh_val_string_shared) ---- */
#define LIT_MAX_LEN 64
#define LITS_MAX 4096
static pthread_mutex_t lits_lock = PTHREAD_MUTEX_INITIALIZER;
static lh_value **lits;		/* open addressing, lits_cap slots */
static size_t lits_cap, lits_n;
static _Thread_local lh_value *lits_front[256];

static bool
lit_is(const lh_value *v, const char *s, size_t len)
{
	return v->u.str.len == len && memcmp(v->u.str.s, s, len) == 0;
}

lh_value *
lh_val_string_shared(const char *s, size_t len)
{
	if (len > LIT_MAX_LEN || memchr(s, '\0', len) != NULL)
		return NULL;
	uint64_t h = lh_hash_bytes(s, len);
	lh_value *f = lits_front[h & 255];
	if (f != NULL && lit_is(f, s, len))
		return f;
	lh_value *v = NULL;
	pthread_mutex_lock(&lits_lock);
	if (lits_cap > 0)
		for (size_t j = h & (lits_cap - 1); lits[j] != NULL; j = (j + 1) & (lits_cap - 1))
			if (lit_is(lits[j], s, len)) {
				v = lits[j];
				break;
			}
	if (v == NULL && lits_n < LITS_MAX && !lh_str_needs_nfc(s, len)) {
		if ((lits_n + 1) * 2 > lits_cap) {
			size_t ncap = lits_cap ? lits_cap * 2 : 256;
			lh_value **nl = calloc(ncap, sizeof *nl);
			if (nl == NULL)
				goto out;
			for (size_t i = 0; i < lits_cap; i++) {
				if (lits[i] == NULL)
					continue;
				size_t j = lh_hash_bytes(lits[i]->u.str.s, lits[i]->u.str.len) & (ncap - 1);
				while (nl[j] != NULL)
					j = (j + 1) & (ncap - 1);
				nl[j] = lits[i];
			}
			free(lits);
			lits = nl;
			lits_cap = ncap;
		}
		/* one block: the value and its text */
		lh_value *c = calloc(1, sizeof *c + len + 1);
		if (c == NULL)
			goto out;
		char *t = (char *)(c + 1);
		memcpy(t, s, len);
		c->type = &lh_type_string;
		c->u.str.s = t;
		c->u.str.len = len;
		size_t j = h & (lits_cap - 1);
		while (lits[j] != NULL)
			j = (j + 1) & (lits_cap - 1);
		lits[j] = c;
		lits_n++;
		v = c;
	}
out:
	pthread_mutex_unlock(&lits_lock);
	if (v != NULL)
		lits_front[h & 255] = v;
	return v;
}

lh_value *
lh_val_cstr(lh_arena *a, const char *s)
{
	return lh_val_string(a, s, s ? strlen(s) : 0);
}

lh_value *
lh_val_tuple(lh_arena *a, lh_value **items, size_t n)
{
	const lh_type **types = lh_arena_alloc(a, (n ? n : 1) * sizeof *types);
	lh_value **copy = lh_arena_alloc(a, (n ? n : 1) * sizeof *copy);
	for (size_t i = 0; i < n; i++) {
		types[i] = items[i]->type;
		copy[i] = items[i];
	}
	lh_value *v = newval(a, lh_type_tuple(a, types, n), 0);
	v->u.seq.items = copy;
	v->u.seq.n = n;
	return v;
}

lh_value *
lh_val_list(lh_arena *a, const lh_type *elem, lh_value **items, size_t n)
{
	lh_value **copy = lh_arena_alloc(a, (n ? n : 1) * sizeof *copy);
	if (n)
		memcpy(copy, items, n * sizeof *copy);
	lh_value *v = newval(a, lh_type_list(a, elem), 0);
	v->u.seq.items = copy;
	v->u.seq.n = n;
	return v;
}

/* Appends cty's set hash bytes of v to b: the rendering cty sorts non-primitive set
 * elements by (bytewise). */
static void
hash_bytes(sbuf *b, const lh_value *v)
{
	if (v->flags & LH_VF_UNKNOWN) {
		sb_ch(b, '?');
		return;
	}
	if (v->flags & LH_VF_NULL) {
		sb_ch(b, '~');
		return;
	}
	switch (v->type->kind) {
	case LH_TY_NUMBER: {
		sb_str(b, lh_number_hash_text(b->a, v->u.num));
		return;
	}
	case LH_TY_BOOL:
		sb_ch(b, v->u.b ? 'T' : 'F');
		return;
	case LH_TY_STRING:
		sb_ch(b, '"');
		for (size_t i = 0; i < v->u.str.len; i++) {
			char c = v->u.str.s[i];
			if (c == '"' || c == '\\')
				sb_ch(b, '\\');
			sb_ch(b, c);
		}
		sb_ch(b, '"');
		return;
	case LH_TY_MAP:
		sb_ch(b, '{');
		for (size_t i = 0; i < v->u.map.n; i++) {
			lh_value k = { .type = &lh_type_string };
			k.u.str.s = v->u.map.keys[i];
			k.u.str.len = strlen(k.u.str.s);
			hash_bytes(b, &k);
			sb_ch(b, ':');
			hash_bytes(b, v->u.map.vals[i]);
			sb_ch(b, ';');
		}
		sb_ch(b, '}');
		return;
	case LH_TY_LIST: case LH_TY_SET:
		sb_ch(b, '[');
		for (size_t i = 0; i < v->u.seq.n; i++) {
			hash_bytes(b, v->u.seq.items[i]);
			sb_ch(b, ';');
		}
		sb_ch(b, ']');
		return;
	case LH_TY_OBJECT:
		sb_ch(b, '<');
		for (size_t i = 0; i < v->u.map.n; i++) {
			hash_bytes(b, v->u.map.vals[i]);
			sb_ch(b, ';');
		}
		sb_ch(b, '>');
		return;
	case LH_TY_TUPLE:
		sb_ch(b, '<');
		for (size_t i = 0; i < v->u.seq.n; i++) {
			hash_bytes(b, v->u.seq.items[i]);
			sb_ch(b, ';');
		}
		sb_ch(b, '>');
		return;
	default:
		return;
	}
}

static lh_arena *cmp_arena;	/* scratch for hash bytes while sorting a set */

/* cty's set order: known before unknown, non-null before null, then strings bytewise,
 * numbers numerically, false before true, and anything else by its hash bytes. */
int
lh_val_set_cmp(const lh_value *x, const lh_value *y)
{
	bool xu = x->flags & LH_VF_UNKNOWN, yu = y->flags & LH_VF_UNKNOWN;
	if (xu != yu)
		return xu ? 1 : -1;
	if (xu)
		return 0;
	bool xn = x->flags & LH_VF_NULL, yn = y->flags & LH_VF_NULL;
	if (xn != yn)
		return xn ? 1 : -1;
	if (xn)
		return 0;
	if (x->type->kind == LH_TY_STRING && y->type->kind == LH_TY_STRING) {
		size_t n = x->u.str.len < y->u.str.len ? x->u.str.len : y->u.str.len;
		int c = memcmp(x->u.str.s, y->u.str.s, n);
		if (c)
			return c;
		return x->u.str.len < y->u.str.len ? -1 : x->u.str.len > y->u.str.len;
	}
	if (x->type->kind == LH_TY_NUMBER && y->type->kind == LH_TY_NUMBER)
		return lh_number_cmp(x->u.num, y->u.num);
	if (x->type->kind == LH_TY_BOOL && y->type->kind == LH_TY_BOOL)
		return (int)x->u.b - (int)y->u.b;
	lh_arena *a = cmp_arena ? cmp_arena : lh_arena_new();
	sbuf bx = { .a = a }, by = { .a = a };
	hash_bytes(&bx, x);
	hash_bytes(&by, y);
	size_t n = bx.len < by.len ? bx.len : by.len;
	int c = n ? memcmp(bx.p, by.p, n) : 0;
	if (c == 0)
		c = bx.len < by.len ? -1 : bx.len > by.len;
	if (a != cmp_arena)
		lh_arena_free(a);
	return c;
}

static int
qs_set_cmp(const void *p, const void *q)
{
	return lh_val_set_cmp(*(lh_value *const *)p, *(lh_value *const *)q);
}

/* Equality ignoring marks, for set de-duplication (unknowns are never equal). */
static bool
same_value(const lh_value *x, const lh_value *y)
{
	return lh_val_equal(x, y) == 1 && !(x->flags & LH_VF_UNKNOWN) && !(y->flags & LH_VF_UNKNOWN);
}

lh_value *
lh_val_set(lh_arena *a, const lh_type *elem, lh_value **items, size_t n)
{
	lh_value **copy = lh_arena_alloc(a, (n ? n : 1) * sizeof *copy);
	if (n)
		memcpy(copy, items, n * sizeof *copy);
	/* Set elements cannot carry marks (cty): a mark anywhere inside an element moves
	 * to the set itself. */
	bool marked = false;
	for (size_t i = 0; i < n; i++) {
		if (lh_val_has_sensitive(copy[i])) {
			marked = true;
			copy[i] = lh_val_unmark(a, copy[i]);
		}
	}
	lh_arena *scratch = lh_arena_new();
	cmp_arena = scratch;
	qsort(copy, n, sizeof *copy, qs_set_cmp);
	cmp_arena = NULL;
	lh_arena_free(scratch);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		/* Equal values sort next to each other except around null/unknown, so a
		 * short backward scan suffices for the sorted run. */
		for (size_t j = m; j > 0; j--) {
			if (lh_val_set_cmp(copy[j - 1], copy[i]) != 0)
				break;
			if (same_value(copy[j - 1], copy[i])) {
				dup = true;
				break;
			}
		}
		if (!dup)
			copy[m++] = copy[i];
	}
	lh_value *v = newval(a, lh_type_set(a, elem), marked ? LH_VF_SENSITIVE : 0);
	v->u.seq.items = copy;
	v->u.seq.n = m;
	return v;
}

typedef struct {
	const char *k;
	lh_value *v;
	size_t idx;		/* position in the input: the later duplicate wins */
} kv;

static int
kv_cmp(const void *p, const void *q)
{
	const kv *x = p, *y = q;
	int c = strcmp(x->k, y->k);
	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

#define SHARE_KEYS_MAX 64	/* objects up to this many keys share them (lh_intern) */

static inline int key_cmp(const char *x, const char *y);

/* lh_intern_value_key(s), remembered by s's address per thread: an object
 * constructor's names ({a = ..., b = ...}) are the same strings for each of its
 * thousands of objects.  An entry is used only when the shared key it gives is equal
 * to s (a string at that address may since have been freed and another made there). */
static _Thread_local struct { const char *s, *k; } key_memo[256];

static const char *
share_key(const char *s)
{
	/* (a schema's ~15 names, wherever they lie, rarely share a slot) */
	size_t h = (size_t)(((uintptr_t)s * 0x9E3779B97F4A7C15u) >> 56);
	const char *k = key_memo[h].k;
	if (key_memo[h].s == s && k != NULL && key_cmp(k, s) == 0)
		return k;
	k = lh_intern_value_key(s);
	if (k != NULL) {
		key_memo[h].s = s;
		key_memo[h].k = k;
	}
	return k;
}

/* Sorts keys bytewise (NFC-normalized, as cty does attribute names); returns the count
 * left after dropping duplicates, keeping the last one given.  Keys already in strictly
 * increasing order (the usual case: a schema's names, a map being rebuilt) are copied
 * without sorting; the sort's scratch space is not taken from the arena.  Objects of
 * up to share_max keys share them (lh_intern); the others' keys are copied, unless
 * borrow (they live as long as the values given: the caller's). */
static size_t
sorted_kv(lh_arena *a, const char **keys, lh_value **vals, size_t n,
    const char ***okeys, lh_value ***ovals, bool *all_shared, size_t share_max, bool borrow)
{
	bool shared_all = n > 0;
	*okeys = lh_arena_alloc(a, (n ? n : 1) * sizeof **okeys);
	*ovals = lh_arena_alloc(a, (n ? n : 1) * sizeof **ovals);
	bool sorted = true;
	for (size_t i = 0; i < n && sorted; i++) {
		size_t kl = strlen(keys[i]);
		if (lh_str_needs_nfc(keys[i], kl) || (i > 0 && strcmp(keys[i - 1], keys[i]) >= 0))
			sorted = false;
	}
	/* the keys of small objects (attribute names, mostly) are shared, not copied */
	bool share = n <= share_max;
	if (sorted) {
		for (size_t i = 0; i < n; i++) {
			const char *k = share ? share_key(keys[i]) : NULL;
			if (k == NULL)
				shared_all = false;
			(*okeys)[i] = k ? k : borrow ? keys[i] : lh_arena_strdup(a, keys[i]);
			(*ovals)[i] = vals[i];
		}
		if (all_shared != NULL)
			*all_shared = shared_all;
		return n;
	}
	kv small[32];
	kv *tmp = n <= 32 ? small : malloc(n * sizeof *tmp);
	if (tmp == NULL) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	for (size_t i = 0; i < n; i++) {
		size_t kl = strlen(keys[i]);
		const char *k = share && !lh_str_needs_nfc(keys[i], kl) ?
		    share_key(keys[i]) : NULL;
		if (k == NULL)
			shared_all = false;
		tmp[i].k = k ? k : lh_str_needs_nfc(keys[i], kl) ? lh_str_nfc(a, keys[i], kl, &kl) :
		    borrow ? keys[i] : lh_arena_strdup(a, keys[i]);
		tmp[i].v = vals[i];
		tmp[i].idx = i;
	}
	qsort(tmp, n, sizeof *tmp, kv_cmp);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m > 0 && strcmp((*okeys)[m - 1], tmp[i].k) == 0) {
			(*ovals)[m - 1] = tmp[i].v;
			continue;
		}
		(*okeys)[m] = tmp[i].k;
		(*ovals)[m++] = tmp[i].v;
	}
	if (tmp != small)
		free(tmp);
	if (all_shared != NULL)
		*all_shared = shared_all;
	return m;
}

/* ---- object types shared by shape ----
 *
 * Objects made from the same attribute names (shared keys, lh_intern) with the same
 * attribute types that live for the whole process (primitive types, their
 * collections, other such object types) have one type, made once: the 2,000
 * objects of a for expression over 2,000 items have one type rather than 2,000, which
 * copying them out of a scratch arena shares instead of copying and comparing.  At
 * most SHAPES_MAX shapes of up to SHAPE_ATTRS attributes; others get their own type
 * in the arena as before. */
#define SHAPE_ATTRS 16
#define SHAPES_MAX 4096
static pthread_mutex_t shapes_lock = PTHREAD_MUTEX_INITIALIZER;
static lh_type **shapes;	/* open addressing, shapes_cap slots */
static size_t shapes_cap, shapes_n;
/* each thread's last types by hash: found without the lock */
static _Thread_local const lh_type *shapes_front[256];

static bool
type_immortal(const lh_type *t)
{
	return t == &lh_type_string || t == &lh_type_number || t == &lh_type_bool ||
	    t == &lh_type_dynamic || t->immortal;
}

static size_t
gshape_hash(size_t n, const char *const *names, const lh_type *const *types)
{
	uint64_t h = n * 0x9E3779B97F4A7C15u;
	for (size_t i = 0; i < n; i++) {
		h = (h ^ (uintptr_t)names[i]) * 0x100000001B3u;
		h = (h ^ (uintptr_t)types[i]) * 0x100000001B3u;
	}
	return (size_t)(h ^ (h >> 29));
}

static bool
gshape_is(const lh_type *t, size_t n, const char *const *names, const lh_type *const *types)
{
	if (t->n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (t->names[i] != names[i] || t->types[i] != types[i])
			return false;
	return true;
}

/* The shared object type of names (shared keys, sorted) and the types of vals, or
 * NULL when there is none to be had. */
static inline __attribute__((always_inline)) const lh_type *
shared_object_type(const char *const *names, lh_value *const *vals, size_t n)
{
	if (n == 0 || n > SHAPE_ATTRS)
		return NULL;
	const lh_type *tys[SHAPE_ATTRS];
	for (size_t i = 0; i < n; i++) {
		tys[i] = vals[i]->type;
		if (!type_immortal(tys[i]))
			return NULL;
	}
	size_t h = gshape_hash(n, names, tys);
	const lh_type *f = shapes_front[h & 255];
	if (f != NULL && gshape_is(f, n, names, tys))
		return f;
	lh_type *t = NULL;
	pthread_mutex_lock(&shapes_lock);
	if (shapes_cap > 0) {
		for (size_t j = h & (shapes_cap - 1); shapes[j] != NULL; j = (j + 1) & (shapes_cap - 1))
			if (gshape_is(shapes[j], n, names, tys)) {
				t = shapes[j];
				break;
			}
	}
	if (t == NULL && shapes_n < SHAPES_MAX) {
		if ((shapes_n + 1) * 2 > shapes_cap) {
			size_t ncap = shapes_cap ? shapes_cap * 2 : 256;
			lh_type **ns = calloc(ncap, sizeof *ns);
			if (ns == NULL)
				goto out;
			for (size_t i = 0; i < shapes_cap; i++) {
				lh_type *o = shapes[i];
				if (o == NULL)
					continue;
				size_t j = gshape_hash(o->n, o->names, o->types) & (ncap - 1);
				while (ns[j] != NULL)
					j = (j + 1) & (ncap - 1);
				ns[j] = o;
			}
			free(shapes);
			shapes = ns;
			shapes_cap = ncap;
		}
		/* one block: the type, its names and its types */
		lh_type *c = calloc(1, sizeof *c + n * (sizeof(char *) + sizeof(lh_type *)));
		if (c == NULL)
			goto out;
		const char **nm = (const char **)(c + 1);
		const lh_type **ty = (const lh_type **)(nm + n);
		for (size_t i = 0; i < n; i++) {
			nm[i] = names[i];
			ty[i] = tys[i];
		}
		c->kind = LH_TY_OBJECT;
		c->immortal = true;
		c->n = n;
		c->names = nm;
		c->types = ty;
		size_t j = h & (shapes_cap - 1);
		while (shapes[j] != NULL)
			j = (j + 1) & (shapes_cap - 1);
		shapes[j] = c;
		shapes_n++;
		t = c;
	}
out:
	pthread_mutex_unlock(&shapes_lock);
	if (t != NULL)
		shapes_front[h & 255] = t;
	return t;
}

/* An object of n keys k (sorted, in a) and values v: of the shared type st when there
 * is one (k then unused), else of a type of its own. */
static lh_value *
object_make(lh_arena *a, const lh_type *st, const char **k, lh_value **v, size_t n)
{
	if (st != NULL) {
		lh_value *r = newval(a, st, 0);
		r->u.map.keys = st->names;
		r->u.map.vals = v;
		r->u.map.n = n;
		return r;
	}
	const lh_type **types = lh_arena_alloc(a, (n ? n : 1) * sizeof *types);
	for (size_t i = 0; i < n; i++)
		types[i] = v[i]->type;
	lh_value *r = newval(a, NULL, 0);
	lh_type *t = lh_arena_alloc(a, sizeof *t);
	t->kind = LH_TY_OBJECT;
	t->n = n;
	t->names = k;
	t->types = types;
	r->type = t;
	r->u.map.keys = k;
	r->u.map.vals = v;
	r->u.map.n = n;
	return r;
}

lh_value *
lh_val_object(lh_arena *a, const char **keys, lh_value **vals, size_t n)
{
	const char **k;
	lh_value **v;
	bool shared = false;
	n = sorted_kv(a, keys, vals, n, &k, &v, &shared, SHARE_KEYS_MAX, false);
	return object_make(a, shared ? shared_object_type(k, v, n) : NULL, k, v, n);
}

lh_value *
lh_val_object_data(lh_arena *a, const char **keys, lh_value **vals, size_t n)
{
	const char **k;
	lh_value **v;
	bool shared = false;
	n = sorted_kv(a, keys, vals, n, &k, &v, &shared, SHAPE_ATTRS, true);
	return object_make(a, shared ? shared_object_type(k, v, n) : NULL, k, v, n);
}

lh_value *
lh_val_object_sorted(lh_arena *a, const char *const *keys, lh_value **vals, size_t n)
{
	const lh_type *st = shared_object_type(keys, vals, n);
	if (st != NULL)
		return object_make(a, st, NULL, vals, n);
	const char **k = lh_arena_alloc(a, (n ? n : 1) * sizeof *k);
	for (size_t i = 0; i < n; i++)
		k[i] = keys[i];
	return object_make(a, NULL, k, vals, n);
}

lh_value *
lh_val_object_typed(lh_arena *a, const lh_type *t, const char **keys, lh_value **vals)
{
	lh_value *r = newval(a, NULL, 0);
	r->type = t;
	r->u.map.keys = keys;
	r->u.map.vals = vals;
	r->u.map.n = t->n;
	return r;
}

lh_value *
lh_val_map(lh_arena *a, const lh_type *elem, const char **keys, lh_value **vals, size_t n)
{
	lh_value *r = newval(a, lh_type_map(a, elem), 0);
	r->u.map.n = sorted_kv(a, keys, vals, n, &r->u.map.keys, &r->u.map.vals, NULL, SHARE_KEYS_MAX, false);
	return r;
}

/* ---- copying out of a scratch arena (lh_val_keep) ---- */

typedef struct keep_ctx {
	lh_arena *dst;
	const lh_arena *src;
	lh_arena_mark m;
	/* what was copied already: old pointer -> copy (open addressing; the small
	 * table first, malloc'd ones when it fills).  Only containers, types and key
	 * lists: a string or number reached twice is copied twice (no sharing lost
	 * that could grow: a leaf holds nothing). */
	const void **from;
	void **to;
	size_t n, cap;
	const void *sfrom[32];
	void *sto[32];
	bool memo_leaves;	/* strings, numbers ... too (lh_val_keep_n: each.key is
				 * often an argument's value twice over) */
	/* object types copied, by shape (attribute name pointers and copied attribute
	 * types): the objects of a collection made by a for expression have one type
	 * each, all alike - their copies share one (malloc'd, grows) */
	lh_type **shapes;
	size_t nshapes, capshapes;
} keep_ctx;

#define SHAPE_MAX 64	/* objects with more attributes are not looked up by shape */

static size_t
shape_hash(size_t n, const char *const *names, const lh_type *const *types)
{
	uintptr_t h = n * 0x9E3779B97F4A7C15u;
	for (size_t i = 0; i < n; i++) {
		h = (h ^ (uintptr_t)names[i]) * 0x100000001B3u;
		h = (h ^ (uintptr_t)types[i]) * 0x100000001B3u;
	}
	return (size_t)(h ^ (h >> 29));
}

static lh_type *
shape_find(const keep_ctx *k, size_t n, const char *const *names, const lh_type *const *types)
{
	if (k->capshapes == 0)
		return NULL;
	for (size_t h = shape_hash(n, names, types) & (k->capshapes - 1); k->shapes[h] != NULL;
	    h = (h + 1) & (k->capshapes - 1)) {
		lh_type *t = k->shapes[h];
		bool same = t->n == n;
		for (size_t i = 0; same && i < n; i++)
			same = t->names[i] == names[i] && t->types[i] == types[i];
		if (same)
			return t;
	}
	return NULL;
}

static void
shape_add(keep_ctx *k, lh_type *t)
{
	if ((k->nshapes + 1) * 2 > k->capshapes) {
		size_t ncap = k->capshapes ? k->capshapes * 2 : 64;
		lh_type **ns = calloc(ncap, sizeof *ns);
		if (ns == NULL) {
			fputs("litehcl: out of memory\n", stderr);
			abort();
		}
		for (size_t i = 0; i < k->capshapes; i++) {
			lh_type *o = k->shapes[i];
			if (o == NULL)
				continue;
			size_t h = shape_hash(o->n, o->names, o->types) & (ncap - 1);
			while (ns[h] != NULL)
				h = (h + 1) & (ncap - 1);
			ns[h] = o;
		}
		free(k->shapes);
		k->shapes = ns;
		k->capshapes = ncap;
	}
	size_t h = shape_hash(t->n, t->names, t->types) & (k->capshapes - 1);
	while (k->shapes[h] != NULL)
		h = (h + 1) & (k->capshapes - 1);
	k->shapes[h] = t;
	k->nshapes++;
}

static void
keep_init(keep_ctx *k, lh_arena *dst, const lh_arena *src, lh_arena_mark m)
{
	k->dst = dst;
	k->src = src;
	k->m = m;
	k->n = 0;
	k->cap = sizeof k->sfrom / sizeof k->sfrom[0];
	memset(k->sfrom, 0, sizeof k->sfrom);
	k->from = k->sfrom;
	k->to = k->sto;
	k->memo_leaves = false;
	k->shapes = NULL;
	k->nshapes = k->capshapes = 0;
}

static void
keep_done(keep_ctx *k)
{
	free(k->shapes);
	if (k->from != k->sfrom) {
		free(k->from);
		free(k->to);
	}
}

static bool
keep_in(const keep_ctx *k, const void *p)
{
	return p != NULL && lh_arena_since(k->src, k->m, p);
}

static size_t
keep_hash(const void *p, size_t cap)
{
	uintptr_t x = (uintptr_t)p >> 4;
	x ^= x >> 17;
	x *= 0x9E3779B97F4A7C15u;
	return (size_t)(x >> 20) & (cap - 1);
}

static void *
keep_seen(const keep_ctx *k, const void *p)
{
	for (size_t h = keep_hash(p, k->cap); k->from[h] != NULL; h = (h + 1) & (k->cap - 1))
		if (k->from[h] == p)
			return k->to[h];
	return NULL;
}

static void
keep_note(keep_ctx *k, const void *p, void *copy)
{
	if ((k->n + 1) * 2 > k->cap) {
		size_t ncap = k->cap ? k->cap * 2 : 64;
		const void **nf = calloc(ncap, sizeof *nf);
		void **nt = calloc(ncap, sizeof *nt);
		if (nf == NULL || nt == NULL) {
			fputs("litehcl: out of memory\n", stderr);
			abort();
		}
		for (size_t i = 0; i < k->cap; i++) {
			if (k->from[i] == NULL)
				continue;
			size_t h = keep_hash(k->from[i], ncap);
			while (nf[h] != NULL)
				h = (h + 1) & (ncap - 1);
			nf[h] = k->from[i];
			nt[h] = k->to[i];
		}
		if (k->from != k->sfrom) {
			free(k->from);
			free(k->to);
		}
		k->from = nf;
		k->to = nt;
		k->cap = ncap;
	}
	size_t h = keep_hash(p, k->cap);
	while (k->from[h] != NULL)
		h = (h + 1) & (k->cap - 1);
	k->from[h] = p;
	k->to[h] = copy;
	k->n++;
}

static const char *
keep_cstr(keep_ctx *k, const char *s)
{
	return keep_in(k, s) ? lh_arena_strdup(k->dst, s) : s;
}

static lh_value *keep_val(keep_ctx *k, lh_value *v);

static bool type_immortal(const lh_type *t);

static const lh_type *
keep_type(keep_ctx *k, const lh_type *t)
{
	if (type_immortal(t) || !keep_in(k, t))
		return t;	/* made before the mark: so is everything it points to */
	lh_type *c = keep_seen(k, t);
	if (c != NULL)
		return c;
	if (t->kind == LH_TY_OBJECT && t->optional == NULL && t->defaults == NULL &&
	    t->n <= SHAPE_MAX) {
		/* an object type whose names are kept as they are (shared keys): one
		 * copy per shape */
		bool shared = true;
		for (size_t i = 0; shared && i < t->n; i++)
			shared = !keep_in(k, t->names[i]);
		if (shared) {
			const lh_type *tys[SHAPE_MAX];
			for (size_t i = 0; i < t->n; i++)
				tys[i] = keep_type(k, t->types[i]);
			c = shape_find(k, t->n, t->names, tys);
			if (c == NULL) {
				c = lh_arena_alloc(k->dst, sizeof *c);
				*c = *t;
				c->immortal = false;
				const lh_type **ty = lh_arena_alloc(k->dst, (t->n ? t->n : 1) * sizeof *ty);
				const char **nm = lh_arena_alloc(k->dst, (t->n ? t->n : 1) * sizeof *nm);
				for (size_t i = 0; i < t->n; i++) {
					ty[i] = tys[i];
					nm[i] = t->names[i];
				}
				c->types = ty;
				c->names = nm;
				shape_add(k, c);
			}
			keep_note(k, t, c);
			if (keep_in(k, t->names) && keep_seen(k, t->names) == NULL)
				keep_note(k, t->names, (void *)c->names);
			return c;
		}
	}
	c = lh_arena_alloc(k->dst, sizeof *c);
	*c = *t;
	c->immortal = false;
	keep_note(k, t, c);
	c->elem = t->elem ? keep_type(k, t->elem) : NULL;
	size_t n = t->kind == LH_TY_TUPLE || t->kind == LH_TY_OBJECT ? t->n : 0;
	if (t->types != NULL) {
		const lh_type **ty = lh_arena_alloc(k->dst, (n ? n : 1) * sizeof *ty);
		for (size_t i = 0; i < n; i++)
			ty[i] = keep_type(k, t->types[i]);
		c->types = ty;
	}
	if (t->names != NULL) {
		const char **nm = keep_seen(k, t->names);
		if (nm == NULL && keep_in(k, t->names)) {
			nm = lh_arena_alloc(k->dst, (n ? n : 1) * sizeof *nm);
			for (size_t i = 0; i < n; i++)
				nm[i] = keep_cstr(k, t->names[i]);
			keep_note(k, t->names, nm);
		}
		c->names = nm ? nm : t->names;
	}
	if (t->optional != NULL && keep_in(k, t->optional)) {
		bool *o = lh_arena_alloc(k->dst, (n ? n : 1) * sizeof *o);
		if (n)
			memcpy(o, t->optional, n * sizeof *o);
		c->optional = o;
	}
	if (t->defaults != NULL && keep_in(k, t->defaults)) {
		lh_value **dv = lh_arena_alloc(k->dst, (n ? n : 1) * sizeof *dv);
		for (size_t i = 0; i < n; i++)
			dv[i] = t->defaults[i] ? keep_val(k, t->defaults[i]) : NULL;
		c->defaults = dv;
	} else if (t->defaults != NULL) {
		/* defaults made before the mark are shared; so is each one */
		c->defaults = t->defaults;
	}
	return c;
}

static lh_value *
keep_val(keep_ctx *k, lh_value *v)
{
	if (!keep_in(k, v))
		return v;
	bool leaf = !k->memo_leaves && ((v->flags & (LH_VF_NULL | LH_VF_UNKNOWN)) ||
	    v->type->kind == LH_TY_STRING || v->type->kind == LH_TY_NUMBER ||
	    v->type->kind == LH_TY_BOOL);
	lh_value *c = leaf ? NULL : keep_seen(k, v);
	if (c != NULL)
		return c;
	/* a string's bytes to copy go right after its value: one allocation */
	size_t extra = v->type->kind == LH_TY_STRING && !(v->flags & (LH_VF_NULL | LH_VF_UNKNOWN)) &&
	    keep_in(k, v->u.str.s) ? v->u.str.len + 1 : 0;
	c = lh_arena_alloc(k->dst, sizeof *c + extra);
	*c = *v;
	if (!leaf)
		keep_note(k, v, c);
	c->type = keep_type(k, v->type);
	if (v->flags & (LH_VF_NULL | LH_VF_UNKNOWN))
		return c;
	switch (v->type->kind) {
	case LH_TY_STRING:
		if (extra > 0) {
			char *t = (char *)(c + 1);
			memcpy(t, v->u.str.s, v->u.str.len);
			t[v->u.str.len] = 0;
			c->u.str.s = t;
		}
		break;
	case LH_TY_NUMBER:
		if (v->u.num.big != NULL && keep_in(k, v->u.num.big))
			c->u.num = lh_number_copy(k->dst, v->u.num);
		break;
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_TUPLE: {
		size_t n = v->u.seq.n;
		lh_value **items = lh_arena_alloc(k->dst, (n ? n : 1) * sizeof *items);
		for (size_t i = 0; i < n; i++)
			items[i] = keep_val(k, v->u.seq.items[i]);
		c->u.seq.items = items;
		break;
	}
	case LH_TY_MAP: case LH_TY_OBJECT: {
		size_t n = v->u.map.n;
		/* an object's keys are its type's names (lh_val_object): one copy */
		const char **keys = keep_seen(k, v->u.map.keys);
		if (keys == NULL && keep_in(k, v->u.map.keys)) {
			const char **nk = lh_arena_alloc(k->dst, (n ? n : 1) * sizeof *nk);
			for (size_t i = 0; i < n; i++)
				nk[i] = keep_cstr(k, v->u.map.keys[i]);
			keep_note(k, v->u.map.keys, nk);
			keys = nk;
		}
		c->u.map.keys = keys ? keys : v->u.map.keys;
		lh_value **vals = lh_arena_alloc(k->dst, (n ? n : 1) * sizeof *vals);
		for (size_t i = 0; i < n; i++)
			vals[i] = keep_val(k, v->u.map.vals[i]);
		c->u.map.vals = vals;
		break;
	}
	default:
		break;
	}
	return c;
}

bool
lh_val_identical(const lh_value *x, const lh_value *y)
{
	if (x == y)
		return true;
	if (x == NULL || y == NULL || x->flags != y->flags || !lh_type_equal(x->type, y->type))
		return false;
	if (x->flags & (LH_VF_NULL | LH_VF_UNKNOWN))
		return true;
	switch (x->type->kind) {
	case LH_TY_STRING:
		return x->u.str.len == y->u.str.len &&
		    memcmp(x->u.str.s, y->u.str.s, x->u.str.len) == 0;
	case LH_TY_NUMBER:
		/* the same representation, bit for bit (0 and -0 differ; exact ones never
		 * count as identical) */
		if (x->u.num.big != NULL || y->u.num.big != NULL || x->u.num.is_int != y->u.num.is_int)
			return false;
		if (x->u.num.is_int)
			return x->u.num.i == y->u.num.i;
		return memcmp(&x->u.num.d, &y->u.num.d, sizeof x->u.num.d) == 0;
	case LH_TY_BOOL:
		return x->u.b == y->u.b;
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_TUPLE:
		if (x->u.seq.n != y->u.seq.n)
			return false;
		for (size_t i = 0; i < x->u.seq.n; i++)
			if (!lh_val_identical(x->u.seq.items[i], y->u.seq.items[i]))
				return false;
		return true;
	case LH_TY_MAP: case LH_TY_OBJECT:
		if (x->u.map.n != y->u.map.n)
			return false;
		for (size_t i = 0; i < x->u.map.n; i++)
			if (strcmp(x->u.map.keys[i], y->u.map.keys[i]) != 0 ||
			    !lh_val_identical(x->u.map.vals[i], y->u.map.vals[i]))
				return false;
		return true;
	default:
		return false;
	}
}

lh_value *
lh_val_keep(lh_arena *dst, lh_value *v, const lh_arena *src, lh_arena_mark m)
{
	if (v == NULL || !lh_arena_since(src, m, v))
		return v;	/* made before the mark: so is everything it holds */
	keep_ctx k;
	keep_init(&k, dst, src, m);
	lh_value *r = keep_val(&k, v);
	keep_done(&k);
	return r;
}

void
lh_val_keep_n(lh_arena *dst, lh_value **vs, size_t n, const lh_arena *src, lh_arena_mark m)
{
	keep_ctx k;
	keep_init(&k, dst, src, m);
	k.memo_leaves = true;
	for (size_t i = 0; i < n; i++)
		if (vs[i] != NULL)
			vs[i] = keep_val(&k, vs[i]);
	keep_done(&k);
}

const lh_type *
lh_type_keep(lh_arena *dst, const lh_type *t, const lh_arena *src, lh_arena_mark m)
{
	if (t == NULL)
		return NULL;
	keep_ctx k;
	keep_init(&k, dst, src, m);
	const lh_type *r = keep_type(&k, t);
	keep_done(&k);
	return r;
}

lh_value *
lh_val_mark_sensitive(lh_arena *a, lh_value *v)
{
	if (v->flags & LH_VF_SENSITIVE)
		return v;
	lh_value *c = lh_arena_alloc(a, sizeof *c);
	*c = *v;
	c->flags |= LH_VF_SENSITIVE;
	return c;
}

lh_value *
lh_val_unmark(lh_arena *a, lh_value *v)
{
	if (!lh_val_has_sensitive(v))
		return v;
	lh_value *c = lh_arena_alloc(a, sizeof *c);
	*c = *v;
	c->flags &= ~(unsigned)LH_VF_SENSITIVE;
	if (c->flags & (LH_VF_NULL | LH_VF_UNKNOWN))
		return c;
	switch (c->type->kind) {
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_TUPLE: {
		lh_value **items = lh_arena_alloc(a, (c->u.seq.n ? c->u.seq.n : 1) * sizeof *items);
		for (size_t i = 0; i < c->u.seq.n; i++)
			items[i] = lh_val_unmark(a, c->u.seq.items[i]);
		c->u.seq.items = items;
		break;
	}
	case LH_TY_MAP: case LH_TY_OBJECT: {
		lh_value **vals = lh_arena_alloc(a, (c->u.map.n ? c->u.map.n : 1) * sizeof *vals);
		for (size_t i = 0; i < c->u.map.n; i++)
			vals[i] = lh_val_unmark(a, c->u.map.vals[i]);
		c->u.map.vals = vals;
		break;
	}
	default:
		break;
	}
	return c;
}

/* ---------------------------------------------------------------- types */

/* list, set and map of the primitive types (and of any): shared, as types are never
 * changed once made - every string list of 100,000 instances has the same type. */
static const lh_type prim_colls[3][4] = {
	{{.immortal = true, .kind = LH_TY_LIST, .elem = &lh_type_dynamic}, {.immortal = true, .kind = LH_TY_LIST, .elem = &lh_type_string},
	 {.immortal = true, .kind = LH_TY_LIST, .elem = &lh_type_number}, {.immortal = true, .kind = LH_TY_LIST, .elem = &lh_type_bool}},
	{{.immortal = true, .kind = LH_TY_SET, .elem = &lh_type_dynamic}, {.immortal = true, .kind = LH_TY_SET, .elem = &lh_type_string},
	 {.immortal = true, .kind = LH_TY_SET, .elem = &lh_type_number}, {.immortal = true, .kind = LH_TY_SET, .elem = &lh_type_bool}},
	{{.immortal = true, .kind = LH_TY_MAP, .elem = &lh_type_dynamic}, {.immortal = true, .kind = LH_TY_MAP, .elem = &lh_type_string},
	 {.immortal = true, .kind = LH_TY_MAP, .elem = &lh_type_number}, {.immortal = true, .kind = LH_TY_MAP, .elem = &lh_type_bool}},
};

static const lh_type *
coll_type(lh_arena *a, lh_type_kind k, const lh_type *elem)
{
	if (elem == NULL)
		elem = &lh_type_dynamic;
	int row = k == LH_TY_LIST ? 0 : k == LH_TY_SET ? 1 : 2;
	if (elem == &lh_type_dynamic)
		return &prim_colls[row][0];
	if (elem == &lh_type_string)
		return &prim_colls[row][1];
	if (elem == &lh_type_number)
		return &prim_colls[row][2];
	if (elem == &lh_type_bool)
		return &prim_colls[row][3];
	lh_type *t = lh_arena_alloc(a, sizeof *t);
	t->kind = k;
	t->elem = elem ? elem : &lh_type_dynamic;
	return t;
}

const lh_type *lh_type_list(lh_arena *a, const lh_type *elem) { return coll_type(a, LH_TY_LIST, elem); }
const lh_type *lh_type_set(lh_arena *a, const lh_type *elem) { return coll_type(a, LH_TY_SET, elem); }
const lh_type *lh_type_map(lh_arena *a, const lh_type *elem) { return coll_type(a, LH_TY_MAP, elem); }

const lh_type *
lh_type_tuple(lh_arena *a, const lh_type **types, size_t n)
{
	lh_type *t = lh_arena_alloc(a, sizeof *t);
	t->kind = LH_TY_TUPLE;
	t->n = n;
	const lh_type **c = lh_arena_alloc(a, (n ? n : 1) * sizeof *c);
	if (n)
		memcpy(c, types, n * sizeof *c);
	t->types = c;
	return t;
}

typedef struct {
	const char *k;
	const lh_type *t;
	size_t orig;
} kt;

static int
kt_cmp(const void *p, const void *q)
{
	return strcmp(((const kt *)p)->k, ((const kt *)q)->k);
}

const lh_type *
lh_type_object(lh_arena *a, const char **names, const lh_type **types, size_t n)
{
	kt *tmp = lh_arena_alloc(a, (n ? n : 1) * sizeof *tmp);
	for (size_t i = 0; i < n; i++) {
		tmp[i].k = names[i];
		tmp[i].t = types[i];
		tmp[i].orig = i;
	}
	qsort(tmp, n, sizeof *tmp, kt_cmp);
	lh_type *t = lh_arena_alloc(a, sizeof *t);
	t->kind = LH_TY_OBJECT;
	t->n = n;
	const char **nm = lh_arena_alloc(a, (n ? n : 1) * sizeof *nm);
	const lh_type **ty = lh_arena_alloc(a, (n ? n : 1) * sizeof *ty);
	for (size_t i = 0; i < n; i++) {
		nm[i] = lh_arena_strdup(a, tmp[i].k);
		ty[i] = tmp[i].t;
	}
	t->names = nm;
	t->types = ty;
	return t;
}

bool
lh_type_equal(const lh_type *x, const lh_type *y)
{
	if (x == y)
		return true;
	if (x->kind != y->kind)
		return false;
	switch (x->kind) {
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_MAP:
		return lh_type_equal(x->elem, y->elem);
	case LH_TY_TUPLE:
		if (x->n != y->n)
			return false;
		for (size_t i = 0; i < x->n; i++)
			if (!lh_type_equal(x->types[i], y->types[i]))
				return false;
		return true;
	case LH_TY_OBJECT:
		if (x->n != y->n)
			return false;
		for (size_t i = 0; i < x->n; i++)
			if (strcmp(x->names[i], y->names[i]) != 0 ||
			    !lh_type_equal(x->types[i], y->types[i]))
				return false;
		return true;
	default:
		return true;
	}
}

static void
type_name(sbuf *b, const lh_type *t)
{
	switch (t->kind) {
	case LH_TY_DYNAMIC: sb_str(b, "any"); return;
	case LH_TY_STRING: sb_str(b, "string"); return;
	case LH_TY_NUMBER: sb_str(b, "number"); return;
	case LH_TY_BOOL: sb_str(b, "bool"); return;
	case LH_TY_LIST: sb_str(b, "list("); type_name(b, t->elem); sb_ch(b, ')'); return;
	case LH_TY_SET: sb_str(b, "set("); type_name(b, t->elem); sb_ch(b, ')'); return;
	case LH_TY_MAP: sb_str(b, "map("); type_name(b, t->elem); sb_ch(b, ')'); return;
	case LH_TY_TUPLE:
		sb_str(b, "tuple([");
		for (size_t i = 0; i < t->n; i++) {
			if (i)
				sb_ch(b, ',');
			type_name(b, t->types[i]);
		}
		sb_str(b, "])");
		return;
	case LH_TY_OBJECT:
		sb_str(b, "object({");
		for (size_t i = 0; i < t->n; i++) {
			if (i)
				sb_ch(b, ',');
			sb_str(b, t->names[i]);
			sb_ch(b, '=');
			if (t->optional && t->optional[i]) {
				sb_str(b, "optional(");
				type_name(b, t->types[i]);
				sb_ch(b, ')');
			} else {
				type_name(b, t->types[i]);
			}
		}
		sb_str(b, "})");
		return;
	}
}

char *
lh_type_name(lh_arena *a, const lh_type *t)
{
	sbuf b = { .a = a };
	type_name(&b, t);
	return sb_done(&b);
}

static void
friendly(sbuf *b, const lh_type *t)
{
	switch (t->kind) {
	case LH_TY_DYNAMIC: sb_str(b, "dynamic"); return;
	case LH_TY_LIST: sb_str(b, "list of "); friendly(b, t->elem); return;
	case LH_TY_SET: sb_str(b, "set of "); friendly(b, t->elem); return;
	case LH_TY_MAP: sb_str(b, "map of "); friendly(b, t->elem); return;
	case LH_TY_TUPLE: sb_str(b, "tuple"); return;
	case LH_TY_OBJECT: sb_str(b, "object"); return;
	default: type_name(b, t); return;
	}
}

char *
lh_type_friendly(lh_arena *a, const lh_type *t)
{
	sbuf b = { .a = a };
	friendly(&b, t);
	return sb_done(&b);
}

static bool
is_prim(const lh_type *t)
{
	return t->kind == LH_TY_STRING || t->kind == LH_TY_NUMBER || t->kind == LH_TY_BOOL;
}

/* Unifies all of types[0..n) (and start, when not NULL) to one type, as cty does for
 * many types at once: "any" members do not take part, but make a collection or
 * structural result "any". */
static const lh_type *
unify_all(lh_arena *a, const lh_type *const *types, size_t n, const lh_type *start)
{
	const lh_type *r = NULL;
	bool dyn = false;
	for (size_t i = 0; i <= n; i++) {
		const lh_type *t = i < n ? types[i] : start;
		if (t == NULL)
			continue;
		if (t->kind == LH_TY_DYNAMIC) {
			dyn = true;
			continue;
		}
		r = r ? lh_type_unify(a, r, t) : t;
		if (r == NULL)
			return NULL;
	}
	if (r == NULL || (dyn && !is_prim(r)))
		return &lh_type_dynamic;
	return r;
}

static const lh_type *unify_kinds(lh_arena *a, const lh_type *x, const lh_type *y);

const lh_type *
lh_type_unify(lh_arena *a, const lh_type *x, const lh_type *y)
{
	const lh_type *r = unify_kinds(a, x, y);
	if (r != NULL)
		return r;
	/* cty's last resort picks one of the types the other converts to; for a list and
	 * a set that is the list (tolist([toset([1]), tolist([])]) is a list of lists). */
	if ((x->kind == LH_TY_LIST && y->kind == LH_TY_SET) ||
	    (x->kind == LH_TY_SET && y->kind == LH_TY_LIST)) {
		const lh_type *l = x->kind == LH_TY_LIST ? x : y, *st = l == x ? y : x;
		if (lh_type_convertible(st->elem, l->elem))
			return l;
	}
	return NULL;
}

static const lh_type *
unify_kinds(lh_arena *a, const lh_type *x, const lh_type *y)
{
	if (lh_type_equal(x, y))
		return x;
	/* cty: a primitive unifies with "any" to itself (any value can be converted to
	 * it); a collection or structural type with "any" gives "any". */
	if (x->kind == LH_TY_DYNAMIC && is_prim(y))
		return y;
	if (y->kind == LH_TY_DYNAMIC && is_prim(x))
		return x;
	if (x->kind == LH_TY_DYNAMIC || y->kind == LH_TY_DYNAMIC)
		return &lh_type_dynamic;
	if (is_prim(x) && is_prim(y)) {
		if (x->kind == LH_TY_STRING || y->kind == LH_TY_STRING)
			return &lh_type_string;
		return NULL;
	}
	/* Normalise so that collections come first in mixed pairs. */
	if ((x->kind == LH_TY_OBJECT && y->kind == LH_TY_MAP) ||
	    (x->kind == LH_TY_TUPLE && (y->kind == LH_TY_LIST || y->kind == LH_TY_SET))) {
		const lh_type *t = x;
		x = y;
		y = t;
	}
	switch (x->kind) {
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_MAP: {
		const lh_type *e = NULL;
		if (y->kind == x->kind) {
			e = lh_type_unify(a, x->elem, y->elem);
		} else if ((x->kind == LH_TY_MAP && y->kind == LH_TY_OBJECT) ||
		    (x->kind != LH_TY_MAP && y->kind == LH_TY_TUPLE)) {
			e = unify_all(a, y->types, y->n, x->elem);
		}
		if (e == NULL)
			return NULL;
		return coll_type(a, x->kind, e);
	}
	case LH_TY_OBJECT:
		if (y->kind != LH_TY_OBJECT)
			return NULL;
		if (x->n == y->n) {
			bool same = true;
			for (size_t i = 0; i < x->n && same; i++)
				same = strcmp(x->names[i], y->names[i]) == 0;
			if (same) {
				const lh_type **ts = lh_arena_alloc(a, (x->n ? x->n : 1) * sizeof *ts);
				for (size_t i = 0; i < x->n; i++)
					if ((ts[i] = lh_type_unify(a, x->types[i], y->types[i])) == NULL)
						return NULL;
				return lh_type_object(a, x->names, ts, x->n);
			}
		}
		{
			const lh_type *e = unify_all(a, x->types, x->n, NULL);
			if (e == NULL || (e = unify_all(a, y->types, y->n, x->n ? e : NULL)) == NULL)
				return NULL;
			return coll_type(a, LH_TY_MAP, e);
		}
	case LH_TY_TUPLE:
		if (y->kind != LH_TY_TUPLE)
			return NULL;
		if (x->n == y->n) {
			const lh_type **ts = lh_arena_alloc(a, (x->n ? x->n : 1) * sizeof *ts);
			for (size_t i = 0; i < x->n; i++)
				if ((ts[i] = lh_type_unify(a, x->types[i], y->types[i])) == NULL)
					return NULL;
			return lh_type_tuple(a, ts, x->n);
		}
		{
			const lh_type *e = unify_all(a, x->types, x->n, NULL);
			if (e == NULL || (e = unify_all(a, y->types, y->n, x->n ? e : NULL)) == NULL)
				return NULL;
			return coll_type(a, LH_TY_LIST, e);
		}
	default:
		return NULL;
	}
}

/* strcmp's order, inline: keys are short names (attribute names, instance keys),
 * where a call to the library's strcmp costs more than the comparison; the same
 * pointer (a shared key) is equal without reading it. */
static inline int
key_cmp(const char *x, const char *y)
{
	if (x == y)
		return 0;
	const unsigned char *p = (const unsigned char *)x, *q = (const unsigned char *)y;
	while (*p == *q && *p != 0) {
		p++;
		q++;
	}
	return (int)*p - (int)*q;
}

lh_value *
lh_val_get(const lh_value *v, const char *key)
{
	long i = lh_val_key_index(v, key);
	return i < 0 ? NULL : v->u.map.vals[i];
}

/* Where key was last found in a key array, per thread: the instances of one resource
 * share their arguments' key array, and their readers look the same names up in each
 * (member_check_config: 5 lookups of each of 2,000 memberships).  An entry is used
 * only when the key at that position is equal to key (an array or a key at that
 * address may since have been freed and another made there). */
static _Thread_local struct { const char *const *keys; const char *key; size_t pos; } pos_memo[64];
static long key_index(const char *const *keys, size_t n, const char *key);

long
lh_val_key_index(const lh_value *v, const char *key)
{
	if (v == NULL || (v->flags & (LH_VF_NULL | LH_VF_UNKNOWN)))
		return -1;
	if (v->type->kind != LH_TY_MAP && v->type->kind != LH_TY_OBJECT)
		return -1;
	const char *const *keys = v->u.map.keys;
	size_t n = v->u.map.n;
	size_t h = ((uintptr_t)keys >> 4 ^ (uintptr_t)key >> 3 ^ (uintptr_t)key >> 9) & 63;
	if (pos_memo[h].keys == keys && pos_memo[h].key == key && pos_memo[h].pos < n &&
	    (keys[pos_memo[h].pos] == key || strcmp(keys[pos_memo[h].pos], key) == 0))
		return (long)pos_memo[h].pos;
	long at = key_index(keys, n, key);
	if (at >= 0) {
		pos_memo[h].keys = keys;
		pos_memo[h].key = key;
		pos_memo[h].pos = (size_t)at;
	}
	return at;
}

/* The position of key among keys[0..n) (sorted bytewise), or -1. */
static long
key_index(const char *const *keys, size_t n, const char *key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = key_cmp(keys[mid], key);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* ---------------------------------------------------------------- equality */

static bool
type_has_dynamic(const lh_type *t)
{
	switch (t->kind) {
	case LH_TY_DYNAMIC: return true;
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_MAP: return type_has_dynamic(t->elem);
	case LH_TY_TUPLE: case LH_TY_OBJECT:
		for (size_t i = 0; i < t->n; i++)
			if (type_has_dynamic(t->types[i]))
				return true;
		return false;
	default: return false;
	}
}

int
lh_val_equal(const lh_value *x, const lh_value *y)
{
	bool xk = !(x->flags & LH_VF_UNKNOWN), yk = !(y->flags & LH_VF_UNKNOWN);
	if (!xk || !yk) {
		if (!xk && !yk)
			return -1;
		const lh_value *k = xk ? x : y, *u = xk ? y : x;
		if ((k->flags & LH_VF_NULL) || type_has_dynamic(u->type))
			return -1;
		if (!lh_type_equal(k->type, u->type))
			return 0;
		return -1;
	}
	bool xn = x->flags & LH_VF_NULL, yn = y->flags & LH_VF_NULL;
	if (xn || yn)
		return xn && yn;
	if (!lh_type_equal(x->type, y->type))
		return 0;
	int unknown = 0;
	switch (x->type->kind) {
	case LH_TY_STRING:
		return x->u.str.len == y->u.str.len &&
		    memcmp(x->u.str.s, y->u.str.s, x->u.str.len) == 0;
	case LH_TY_NUMBER:
		return lh_number_equal(x->u.num, y->u.num);
	case LH_TY_BOOL:
		return x->u.b == y->u.b;
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_TUPLE:
		if (x->u.seq.n != y->u.seq.n)
			return 0;
		for (size_t i = 0; i < x->u.seq.n; i++) {
			int e = lh_val_equal(x->u.seq.items[i], y->u.seq.items[i]);
			if (e == 0)
				return 0;
			if (e < 0)
				unknown = 1;
		}
		return unknown ? -1 : 1;
	case LH_TY_MAP: case LH_TY_OBJECT:
		if (x->u.map.n != y->u.map.n)
			return 0;
		for (size_t i = 0; i < x->u.map.n; i++) {
			if (strcmp(x->u.map.keys[i], y->u.map.keys[i]) != 0)
				return 0;
			int e = lh_val_equal(x->u.map.vals[i], y->u.map.vals[i]);
			if (e == 0)
				return 0;
			if (e < 0)
				unknown = 1;
		}
		return unknown ? -1 : 1;
	default:
		return 0;
	}
}

/* ---------------------------------------------------------------- console */

/* Go's strconv.Quote: printable UTF-8 kept, control bytes escaped. */
static void
go_quote(sbuf *b, const char *s, size_t len)
{
	sb_ch(b, '"');
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		char tmp[16];
		if (c < 0x80) {
			switch (c) {
			case '\a': sb_str(b, "\\a"); break;
			case '\b': sb_str(b, "\\b"); break;
			case '\f': sb_str(b, "\\f"); break;
			case '\n': sb_str(b, "\\n"); break;
			case '\r': sb_str(b, "\\r"); break;
			case '\t': sb_str(b, "\\t"); break;
			case '\v': sb_str(b, "\\v"); break;
			case '\\': sb_str(b, "\\\\"); break;
			case '"': sb_str(b, "\\\""); break;
			default:
				if (c < 0x20 || c == 0x7f) {
					snprintf(tmp, sizeof tmp, "\\x%02x", c);
					sb_str(b, tmp);
				} else {
					sb_ch(b, (char)c);
				}
			}
			i++;
			continue;
		}
		/* Multi-byte: decode to check validity and printability. */
		size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
		uint32_t cp = n == 4 ? c & 7 : n == 3 ? c & 15 : c & 31;
		bool valid = n != 0 && i + n <= len;
		for (size_t k = 1; valid && k < n; k++) {
			unsigned char cc = (unsigned char)s[i + k];
			if ((cc & 0xc0) != 0x80)
				valid = false;
			cp = cp << 6 | (cc & 0x3f);
		}
		if (!valid) {
			snprintf(tmp, sizeof tmp, "\\x%02x", c);
			sb_str(b, tmp);
			i++;
			continue;
		}
		/* Not printable for Go's strconv.IsPrint: C1 controls, spaces other than
		 * U+0020, format characters, private use, non-characters. */
		if ((cp >= 0x80 && cp <= 0xa0) || cp == 0xad || cp == 0x1680 ||
		    (cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) ||
		    (cp >= 0x205f && cp <= 0x206f) || cp == 0x3000 || cp == 0xfeff ||
		    (cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xfff0 && cp <= 0xfffb) ||
		    cp == 0xfffe || cp == 0xffff || (cp >= 0xf0000)) {
			if (cp < 0x10000)
				snprintf(tmp, sizeof tmp, "\\u%04x", (unsigned)cp);
			else
				snprintf(tmp, sizeof tmp, "\\U%08x", (unsigned)cp);
			sb_str(b, tmp);
		} else {
			sb_add(b, s + i, n);
		}
		i += n;
	}
	sb_ch(b, '"');
}

void
lh_str_go_quote(lh_arena *a, const char *s, size_t len, char **out)
{
	sbuf b = { .a = a };
	go_quote(&b, s, len);
	*out = sb_done(&b);
}

static bool
trimmed_is(const char *s, size_t len, const char *delim)
{
	while (len && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\v' || *s == '\f'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
	    s[len - 1] == '\v' || s[len - 1] == '\f'))
		len--;
	return len == strlen(delim) && memcmp(s, delim, len) == 0;
}

static void
console_string(sbuf *b, const char *s, size_t len, int indent)
{
	if (memchr(s, '\n', len) == NULL) {
		go_quote(b, s, len);
		return;
	}
	char delim[64] = "EOT";
	for (;;) {
		bool clash = false;
		for (size_t i = 0; i <= len && !clash;) {
			const char *nl = memchr(s + i, '\n', len - i);
			size_t end = nl ? (size_t)(nl - s) : len;
			if (trimmed_is(s + i, end - i, delim))
				clash = true;
			i = end + 1;
		}
		if (!clash || strlen(delim) > 60)
			break;
		strcat(delim, "_");
	}
	sb_str(b, indent > 0 ? "<<-" : "<<");
	sb_str(b, delim);
	for (size_t i = 0; i <= len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len;
		sb_ch(b, '\n');
		sb_spaces(b, indent);
		sb_add(b, s + i, end - i);
		i = end + 1;
	}
	sb_ch(b, '\n');
	sb_spaces(b, indent);
	sb_str(b, delim);
}

static void console(sbuf *b, const lh_value *v, int indent);

static void
console_mapping(sbuf *b, const lh_value *v, int indent)
{
	sb_ch(b, '{');
	for (size_t i = 0; i < v->u.map.n; i++) {
		sb_ch(b, '\n');
		sb_spaces(b, indent + 2);
		console_string(b, v->u.map.keys[i], strlen(v->u.map.keys[i]), indent + 2);
		sb_str(b, " = ");
		console(b, v->u.map.vals[i], indent + 2);
	}
	if (v->u.map.n) {
		sb_ch(b, '\n');
		sb_spaces(b, indent);
	}
	sb_ch(b, '}');
}

static void
console_seq(sbuf *b, const lh_value *v, int indent)
{
	sb_ch(b, '[');
	for (size_t i = 0; i < v->u.seq.n; i++) {
		sb_ch(b, '\n');
		sb_spaces(b, indent + 2);
		console(b, v->u.seq.items[i], indent + 2);
		sb_ch(b, ',');
	}
	if (v->u.seq.n) {
		sb_ch(b, '\n');
		sb_spaces(b, indent);
	}
	sb_ch(b, ']');
}

static void
console(sbuf *b, const lh_value *v, int indent)
{
	if (v->flags & LH_VF_UNKNOWN) {
		sb_str(b, "(known after apply)");
		return;
	}
	if (v->flags & LH_VF_SENSITIVE) {
		sb_str(b, "(sensitive value)");
		return;
	}
	const lh_type *t = v->type;
	if (v->flags & LH_VF_NULL) {
		switch (t->kind) {
		case LH_TY_DYNAMIC: sb_str(b, "null"); return;
		case LH_TY_STRING: sb_str(b, "tostring(null)"); return;
		case LH_TY_NUMBER: sb_str(b, "tonumber(null)"); return;
		case LH_TY_BOOL: sb_str(b, "tobool(null)"); return;
		case LH_TY_LIST: sb_str(b, "tolist(null) /* of "); break;
		case LH_TY_SET: sb_str(b, "toset(null) /* of "); break;
		case LH_TY_MAP: sb_str(b, "tomap(null) /* of "); break;
		default:
			sb_str(b, "null /* ");
			friendly(b, t);
			sb_str(b, " */");
			return;
		}
		friendly(b, t->elem);
		sb_str(b, " */");
		return;
	}
	if (v->flags & LH_VF_TYPEVAL) {
		sb_add(b, v->u.str.s, v->u.str.len);
		return;
	}
	switch (t->kind) {
	case LH_TY_STRING:
		console_string(b, v->u.str.s, v->u.str.len, indent);
		return;
	case LH_TY_NUMBER:
		sb_str(b, lh_number_format(b->a, v->u.num));
		return;
	case LH_TY_BOOL:
		sb_str(b, v->u.b ? "true" : "false");
		return;
	case LH_TY_OBJECT:
		console_mapping(b, v, indent);
		return;
	case LH_TY_TUPLE:
		console_seq(b, v, indent);
		return;
	case LH_TY_LIST:
		sb_str(b, "tolist(");
		console_seq(b, v, indent);
		sb_ch(b, ')');
		return;
	case LH_TY_SET:
		sb_str(b, "toset(");
		console_seq(b, v, indent);
		sb_ch(b, ')');
		return;
	case LH_TY_MAP:
		sb_str(b, "tomap(");
		console_mapping(b, v, indent);
		sb_ch(b, ')');
		return;
	default:
		sb_str(b, "null");
		return;
	}
}

char *
lh_val_console(lh_arena *a, const lh_value *v)
{
	sbuf b = { .a = a };
	console(&b, v, 0);
	return sb_done(&b);
}
