/* func_coll.c - collection functions: alltrue anytrue chunklist coalesce coalescelist
 * compact concat contains distinct element flatten index keys length lookup matchkeys
 * merge one range reverse setintersection setproduct setsubtract setunion slice sort
 * sum transpose values zipmap.  Result kinds (list vs tuple, map vs object) follow
 * Terraform: tuples and objects stay structural where Terraform keeps them so. */
#include "func_impl.h"

#include <stdlib.h>
#include <string.h>

#define SEQ(v) ((v)->u.seq)
#define MAP(v) ((v)->u.map)

static lh_value **
alloc_items(lh_func_ctx *c, size_t n)
{
	return lh_arena_alloc(c->a, (n ? n : 1) * sizeof(lh_value *));
}

/* Rebuilds a sequence of the same kind as like (list, set or tuple) from items. */
static lh_value *
same_kind(lh_func_ctx *c, const lh_value *like, lh_value **items, size_t n)
{
	switch (like->type->kind) {
	case LH_TY_TUPLE:
		return lh_val_tuple(c->a, items, n);
	case LH_TY_SET:
		return lh_val_set(c->a, like->type->elem, items, n);
	default:
		return lh_val_list(c->a, like->type->elem, items, n);
	}
}

static lh_value *
f_alltrue(lh_func_ctx *c, lh_value **a, size_t n)
{
	for (size_t i = 0; i < SEQ(a[0]).n; i++) {
		lh_value *e = SEQ(a[0]).items[i];
		if (lh_val_is_null(e) || !e->u.b)
			return lh_val_bool(c->a, false);
	}
	return lh_val_bool(c->a, true);
}

static lh_value *
f_anytrue(lh_func_ctx *c, lh_value **a, size_t n)
{
	for (size_t i = 0; i < SEQ(a[0]).n; i++) {
		lh_value *e = SEQ(a[0]).items[i];
		if (!lh_val_is_null(e) && e->u.b)
			return lh_val_bool(c->a, true);
	}
	return lh_val_bool(c->a, false);
}

static bool
whole(lh_number x, int64_t *out)
{
	if (!x.is_int)
		return false;
	*out = x.i;
	return true;
}

#define WHOLE_MSG "value must be a whole number, between -9223372036854775808 and 9223372036854775807"

static lh_value *
f_chunklist(lh_func_ctx *c, lh_value **a, size_t n)
{
	int64_t size;
	if (!whole(a[1]->u.num, &size))
		return lh_fn_argerr(c, 1, WHOLE_MSG);
	if (size < 0)
		return lh_fn_fail(c, "the size argument must be positive");
	lh_value *l = a[0];
	size_t len = SEQ(l).n;
	const lh_type *lt = lh_type_list(c->a, l->type->elem);
	if (len == 0)
		return lh_val_list(c->a, lt, NULL, 0);
	size_t chunk = size == 0 ? len : (size_t)size;
	size_t nch = (len + chunk - 1) / chunk;
	lh_value **out = alloc_items(c, nch);
	for (size_t k = 0; k < nch; k++) {
		size_t st = k * chunk, m = len - st < chunk ? len - st : chunk;
		out[k] = lh_val_list(c->a, l->type->elem, SEQ(l).items + st, m);
	}
	return lh_val_list(c->a, lt, out, nch);
}

/* Unifies the types of a[0..n) (ignoring dynamic nulls); NULL when impossible. */
static const lh_type *
unify_args(lh_func_ctx *c, lh_value **a, size_t n)
{
	const lh_type *u = NULL;
	for (size_t i = 0; i < n; i++) {
		if (a[i]->type->kind == LH_TY_DYNAMIC)
			continue;
		u = u ? lh_type_unify(c->a, u, a[i]->type) : a[i]->type;
		if (u == NULL)
			return NULL;
	}
	return u ? u : &lh_type_dynamic;
}

static lh_value *
f_coalesce(lh_func_ctx *c, lh_value **a, size_t n)
{
	const lh_type *u = n ? unify_args(c, a, n) : NULL;
	if (u == NULL)
		return lh_fn_fail(c, "all arguments must have the same type");
	for (size_t i = 0; i < n; i++) {
		if (lh_val_is_unknown(a[i]))
			return lh_val_unknown(c->a, u);
		if (lh_val_is_null(a[i]))
			continue;
		const char *err;
		lh_value *v = lh_val_convert(c->a, a[i], u, &err);
		if (v == NULL)
			return lh_fn_fail(c, "all arguments must have the same type");
		if (v->type->kind == LH_TY_STRING && v->u.str.len == 0)
			continue;
		return v;
	}
	return lh_fn_fail(c, "no non-null, non-empty-string arguments");
}

static lh_value *
f_coalescelist(lh_func_ctx *c, lh_value **a, size_t n)
{
	if (n == 0)
		return lh_fn_fail(c, "at least one argument is required");
	for (size_t i = 0; i < n; i++) {
		const lh_type *t = a[i]->type;
		if (lh_val_is_null(a[i]) || (t->kind != LH_TY_LIST && t->kind != LH_TY_TUPLE &&
		    !(lh_val_is_unknown(a[i]) && t->kind == LH_TY_DYNAMIC)))
			return lh_fn_fail(c, "coalescelist arguments must be lists or tuples");
	}
	for (size_t i = 0; i < n; i++) {
		if (lh_val_is_unknown(a[i]))
			return lh_val_unknown(c->a, &lh_type_dynamic);
		if (SEQ(a[i]).n > 0)
			return a[i];
	}
	return lh_fn_fail(c, "no non-null arguments");
}

static lh_value *
f_compact(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_value **out = alloc_items(c, SEQ(a[0]).n);
	size_t k = 0;
	for (size_t i = 0; i < SEQ(a[0]).n; i++) {
		lh_value *e = SEQ(a[0]).items[i];
		if (lh_val_is_null(e) || e->u.str.len == 0)
			continue;
		out[k++] = e;
	}
	return lh_val_list(c->a, &lh_type_string, out, k);
}

static lh_value *
f_concat(lh_func_ctx *c, lh_value **a, size_t n)
{
	if (n == 0)
		return lh_fn_fail(c, "at least one argument is required");
	bool all_lists = true;
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		const lh_type *t = a[i]->type;
		if (t->kind != LH_TY_LIST && t->kind != LH_TY_TUPLE) {
			char *tn = lh_type_friendly(c->a, t);
			return lh_fn_argerr(c, i, "all arguments must be lists or tuples; got %s", tn);
		}
		if (lh_val_is_null(a[i]))
			return lh_fn_argerr(c, i, "argument must not be null");
		if (t->kind != LH_TY_LIST)
			all_lists = false;
		total += SEQ(a[i]).n;
	}
	lh_value **out = alloc_items(c, total);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < SEQ(a[i]).n; j++)
			out[k++] = SEQ(a[i]).items[j];
	if (!all_lists)
		return lh_val_tuple(c->a, out, k);
	const lh_type *et = NULL;
	for (size_t i = 0; i < n; i++) {
		et = et ? lh_type_unify(c->a, et, a[i]->type->elem) : a[i]->type->elem;
		if (et == NULL)
			return lh_fn_argerr(c, i, "all arguments must be lists or tuples; got %s",
			    lh_type_friendly(c->a, a[i]->type));
	}
	for (size_t i = 0; i < k; i++) {
		const char *err;
		if ((out[i] = lh_val_convert(c->a, out[i], et, &err)) == NULL)
			return lh_fn_fail(c, "%s", err);
	}
	return lh_val_list(c->a, et, out, k);
}

static lh_value *
f_contains(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_value *l = a[0];
	if (!lh_is_seq(l->type))
		return lh_fn_argerr(c, 0, "argument must be list, tuple, or set");
	for (size_t i = 0; i < SEQ(l).n; i++) {
		int e = lh_val_equal(SEQ(l).items[i], a[1]);
		if (e == 1)
			return lh_val_bool(c->a, true);
		if (e < 0)
			return lh_val_unknown(c->a, &lh_type_bool);
	}
	return lh_val_bool(c->a, false);
}

static lh_value *
f_distinct(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_value *l = a[0];
	lh_value **out = alloc_items(c, SEQ(l).n);
	size_t k = 0;
	for (size_t i = 0; i < SEQ(l).n; i++) {
		bool dup = false;
		for (size_t j = 0; j < k && !dup; j++)
			dup = lh_val_equal(out[j], SEQ(l).items[i]) == 1;
		if (!dup)
			out[k++] = SEQ(l).items[i];
	}
	return lh_val_list(c->a, l->type->elem, out, k);
}

static lh_value *
f_element(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_value *l = a[0];
	if (l->type->kind != LH_TY_LIST && l->type->kind != LH_TY_TUPLE)
		return lh_fn_fail(c, "cannot read elements from %s", lh_type_friendly(c->a, l->type));
	int64_t idx;
	if (!whole(a[1]->u.num, &idx))
		return lh_fn_fail(c, "invalid index: " WHOLE_MSG);
	if (SEQ(l).n == 0)
		return lh_fn_fail(c, "cannot use element function with an empty list");
	if (idx < 0)
		return lh_fn_fail(c, "cannot use element function with a negative index");
	return SEQ(l).items[(size_t)idx % SEQ(l).n];
}

static bool
flatten_into(lh_func_ctx *c, lh_value *v, lh_value ***out, size_t *k, size_t *cap, bool *unknown,
    bool *marked)
{
	for (size_t i = 0; i < SEQ(v).n; i++) {
		lh_value *e = SEQ(v).items[i];
		/* A marked list being flattened marks the whole result. */
		if (lh_val_is_sensitive(e) && lh_is_seq(e->type))
			*marked = true;
		if (lh_val_is_unknown(e) && (e->type->kind == LH_TY_DYNAMIC || lh_is_seq(e->type))) {
			*unknown = true;
			return true;
		}
		if (!lh_val_is_null(e) && lh_is_seq(e->type)) {
			if (!flatten_into(c, e, out, k, cap, unknown, marked))
				return false;
			continue;
		}
		if (*k == *cap) {
			*out = lh_arena_grow(c->a, *out, *k, *cap * 2, sizeof **out);
			*cap *= 2;
		}
		(*out)[(*k)++] = e;
	}
	return true;
}

static lh_value *
f_flatten(lh_func_ctx *c, lh_value **a, size_t n)
{
	if (lh_val_is_unknown(a[0]))
		return lh_val_unknown(c->a, &lh_type_dynamic);
	if (!lh_is_seq(a[0]->type))
		return lh_fn_fail(c, "can only flatten lists, sets and tuples");
	size_t cap = 8, k = 0;
	lh_value **out = alloc_items(c, cap);
	bool unknown = false, marked = false;
	flatten_into(c, a[0], &out, &k, &cap, &unknown, &marked);
	if (unknown)
		return lh_val_unknown(c->a, &lh_type_dynamic);
	lh_value *r = lh_val_tuple(c->a, out, k);
	return marked ? lh_val_mark_sensitive(c->a, r) : r;
}

static lh_value *
f_index(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_value *l = a[0];
	if (l->type->kind != LH_TY_LIST && l->type->kind != LH_TY_TUPLE)
		return lh_fn_fail(c, "argument must be a list or tuple");
	for (size_t i = 0; i < SEQ(l).n; i++)
		if (lh_val_equal(SEQ(l).items[i], a[1]) == 1)
			return lh_val_int(c->a, (int64_t)i);
	return lh_fn_fail(c, "item not found");
}

static lh_value *
f_keys(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_value *m = a[0];
	if (!lh_is_mapping(m->type))
		return lh_fn_argerr(c, 0, "must have map or object type");
	lh_value **out = alloc_items(c, MAP(m).n);
	for (size_t i = 0; i < MAP(m).n; i++)
		out[i] = lh_val_cstr(c->a, MAP(m).keys[i]);
	/* Only a mark on the map itself carries over (P_MARKED): keys are not values. */
	if (m->type->kind == LH_TY_OBJECT)
		return lh_val_tuple(c->a, out, MAP(m).n);
	return lh_val_list(c->a, &lh_type_string, out, MAP(m).n);
}

static lh_value *
f_values(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_value *m = a[0];
	if (!lh_is_mapping(m->type))
		return lh_fn_argerr(c, 0, "must have map or object type");
	if (m->type->kind == LH_TY_OBJECT)
		return lh_val_tuple(c->a, MAP(m).vals, MAP(m).n);
	return lh_val_list(c->a, m->type->elem, MAP(m).vals, MAP(m).n);
}

static lh_value *
f_length(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_value *v = a[0];
	const lh_type *t = v->type;
	if (t->kind != LH_TY_STRING && !lh_is_seq(t) && !lh_is_mapping(t) && t->kind != LH_TY_DYNAMIC)
		return lh_fn_fail(c, "argument must be a string, a collection type, or a structural type");
	if (lh_val_is_unknown(v)) {
		if (t->kind == LH_TY_TUPLE)
			return lh_val_int(c->a, (int64_t)t->n);
		if (t->kind == LH_TY_OBJECT)
			return lh_val_int(c->a, (int64_t)t->n);
		return lh_val_unknown(c->a, &lh_type_number);
	}
	if (t->kind == LH_TY_STRING)
		return lh_val_int(c->a, (int64_t)lh_utf8_chars(v->u.str.s, v->u.str.len));
	if (t->kind == LH_TY_SET) {
		for (size_t i = 0; i < SEQ(v).n; i++)
			if (lh_val_has_unknown(SEQ(v).items[i]))
				return lh_val_unknown(c->a, &lh_type_number);
	}
	if (lh_is_seq(t))
		return lh_val_int(c->a, (int64_t)SEQ(v).n);
	return lh_val_int(c->a, (int64_t)MAP(v).n);
}

static lh_value *
f_lookup(lh_func_ctx *c, lh_value **a, size_t n)
{
	if (n > 3)
		return lh_fn_fail(c, "lookup() takes two or three arguments, got %zu", n);
	lh_value *m = a[0];
	if (!lh_is_mapping(m->type))
		return lh_fn_argerr(c, 0, "the first argument must be a map or object");
	lh_value *key = a[1];
	const char *k = key->u.str.s;
	lh_value *v = lh_val_get(m, k);
	if (m->type->kind == LH_TY_MAP && n == 3 && !lh_val_is_null(a[2]) &&
	    a[2]->type->kind != LH_TY_DYNAMIC && !lh_type_equal(m->type->elem, a[2]->type) &&
	    m->type->elem->kind != LH_TY_DYNAMIC)
		return lh_fn_argerr(c, 2, "the default value must have the same type as the map elements");
	if (v != NULL)
		return v;
	if (n == 3)
		return a[2];
	if (m->type->kind == LH_TY_OBJECT)
		return lh_fn_argerr(c, 0, "the given object has no attribute \"%s\"", k);
	return lh_fn_fail(c, "lookup failed to find key \"%s\"", k);
}

static lh_value *
f_matchkeys(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_value *vals = a[0], *keys = a[1], *search = a[2];
	if (SEQ(vals).n != SEQ(keys).n)
		return lh_fn_fail(c, "length of keys and values should be equal");
	const lh_type *kt = lh_type_unify(c->a, keys->type->elem, search->type->elem);
	if (kt == NULL)
		return lh_fn_argerr(c, 2, "keys and searchset must be of the same type");
	lh_value **out = alloc_items(c, SEQ(vals).n);
	size_t k = 0;
	const char *err;
	for (size_t i = 0; i < SEQ(keys).n; i++) {
		lh_value *key = lh_val_convert(c->a, SEQ(keys).items[i], kt, &err);
		for (size_t j = 0; key && j < SEQ(search).n; j++) {
			lh_value *s = lh_val_convert(c->a, SEQ(search).items[j], kt, &err);
			if (s && lh_val_equal(key, s) == 1) {
				out[k++] = SEQ(vals).items[i];
				break;
			}
		}
	}
	return lh_val_list(c->a, vals->type->elem, out, k);
}

static lh_value *
f_merge(lh_func_ctx *c, lh_value **a, size_t n)
{
	bool all_maps = true;
	const lh_type *et = NULL;
	bool same_elem = true;
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		if (lh_val_is_null(a[i]) && a[i]->type->kind == LH_TY_DYNAMIC)
			continue;
		if (!lh_is_mapping(a[i]->type))
			return lh_fn_fail(c, "arguments must be maps or objects, got \"%s\"",
			    lh_type_friendly(c->a, a[i]->type));
		if (a[i]->type->kind != LH_TY_MAP) {
			all_maps = false;
		} else {
			if (et != NULL && !lh_type_equal(et, a[i]->type->elem))
				same_elem = false;
			et = a[i]->type->elem;
		}
		if (!lh_val_is_null(a[i]))
			total += MAP(a[i]).n;
	}
	/* every pair in argument order: lh_val_map/lh_val_object sort them and keep the
	 * last value given for a key (a later argument wins), O(n log n) in all */
	const char **keys = lh_arena_alloc(c->a, (total ? total : 1) * sizeof *keys);
	lh_value **vals = alloc_items(c, total);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (lh_val_is_null(a[i]))
			continue;
		for (size_t j = 0; j < MAP(a[i]).n; j++) {
			keys[k] = MAP(a[i]).keys[j];
			vals[k++] = MAP(a[i]).vals[j];
		}
	}
	if (all_maps && et != NULL && same_elem)
		return lh_val_map(c->a, et, keys, vals, k);
	/* (the keys are the arguments' own, as the values are) */
	return lh_val_object_data(c->a, keys, vals, k);
}

static lh_value *
f_one(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_value *l = a[0];
	if (!lh_is_seq(l->type))
		return lh_fn_argerr(c, 0, "must be a list, set, or tuple value with either zero or one elements");
	if (SEQ(l).n == 0)
		return lh_val_null(c->a, l->type->kind == LH_TY_TUPLE ? &lh_type_dynamic : l->type->elem);
	if (SEQ(l).n == 1)
		return SEQ(l).items[0];
	return lh_fn_argerr(c, 0, "must be a list, set, or tuple value with either zero or one elements");
}

static lh_value *
f_range(lh_func_ctx *c, lh_value **a, size_t n)
{
	if (n < 1 || n > 3)
		return lh_fn_fail(c, "must have one, two, or three arguments");
	lh_number start = { .is_int = true }, end, step = { .is_int = true, .i = 1 };
	if (n == 1) {
		end = a[0]->u.num;
	} else {
		start = a[0]->u.num;
		end = a[1]->u.num;
	}
	if (n == 3) {
		step = a[2]->u.num;
	} else if (lh_number_cmp(end, start) < 0) {
		step.i = -1;
	}
	bool neg = lh_number_cmp(step, (lh_number){ .is_int = true }) < 0;
	if (neg && lh_number_cmp(end, start) > 0)
		return lh_fn_argerr(c, 0, "end must be less than start when step is negative");
	if (!neg && lh_number_cmp(end, start) < 0)
		return lh_fn_argerr(c, 0, "end must be greater than start when step is positive");
	size_t cap = 16, k = 0;
	lh_value **out = alloc_items(c, cap);
	for (lh_number v = start; neg ? lh_number_cmp(v, end) > 0 : lh_number_cmp(v, end) < 0;
	    v = lh_number_add(c->a, v, step)) {
		if (k == 1024)
			return lh_fn_fail(c, "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step");
		if (k == cap) {
			out = lh_arena_grow(c->a, out, k, cap * 2, sizeof *out);
			cap *= 2;
		}
		out[k++] = lh_val_number(c->a, v);
	}
	return lh_val_list(c->a, &lh_type_number, out, k);
}

static lh_value *
f_reverse(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_value *l = a[0];
	if (!lh_is_seq(l->type))
		return lh_fn_argerr(c, 0, "can only reverse list or tuple values, not %s",
		    lh_type_friendly(c->a, l->type));
	size_t len = SEQ(l).n;
	lh_value **out = alloc_items(c, len);
	for (size_t i = 0; i < len; i++)
		out[i] = SEQ(l).items[len - 1 - i];
	if (l->type->kind == LH_TY_TUPLE)
		return lh_val_tuple(c->a, out, len);
	return lh_val_list(c->a, l->type->elem, out, len);
}

/* Converts all set arguments to one common element type. */
static bool
unify_sets(lh_func_ctx *c, lh_value **a, size_t n, const lh_type **et)
{
	const lh_type *u = NULL;
	for (size_t i = 0; i < n; i++) {
		const lh_type *e = a[i]->type->elem;
		if (SEQ(a[i]).n == 0 && e->kind == LH_TY_DYNAMIC)
			continue;
		u = u ? lh_type_unify(c->a, u, e) : e;
		if (u == NULL) {
			lh_fn_fail(c, "given sets must all have compatible element types");
			return false;
		}
	}
	if (u == NULL)
		u = &lh_type_dynamic;
	const lh_type *st = lh_type_set(c->a, u);
	for (size_t i = 0; i < n; i++) {
		const char *err;
		lh_value *v = lh_val_convert(c->a, a[i], st, &err);
		if (v == NULL) {
			lh_fn_fail(c, "given sets must all have compatible element types");
			return false;
		}
		a[i] = v;
	}
	*et = u;
	return true;
}

static bool
set_has(const lh_value *s, const lh_value *e)
{
	for (size_t i = 0; i < SEQ(s).n; i++)
		if (lh_val_equal(SEQ(s).items[i], e) == 1)
			return true;
	return false;
}

static lh_value *
setop(lh_func_ctx *c, lh_value **args, size_t n, int op)
{
	lh_value **a = alloc_items(c, n);
	memcpy(a, args, n * sizeof *a);
	const lh_type *et;
	if (!unify_sets(c, a, n, &et))
		return NULL;
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += SEQ(a[i]).n;
	lh_value **out = alloc_items(c, total);
	size_t k = 0;
	if (op == 'u') {
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < SEQ(a[i]).n; j++)
				out[k++] = SEQ(a[i]).items[j];
	} else {
		for (size_t j = 0; j < SEQ(a[0]).n; j++) {
			lh_value *e = SEQ(a[0]).items[j];
			bool keep = true;
			for (size_t i = 1; i < n && keep; i++)
				keep = op == 'i' ? set_has(a[i], e) : !set_has(a[i], e);
			if (keep)
				out[k++] = e;
		}
	}
	return lh_val_set(c->a, et, out, k);
}

static lh_value *f_setunion(lh_func_ctx *c, lh_value **a, size_t n) { return setop(c, a, n, 'u'); }
static lh_value *f_setintersection(lh_func_ctx *c, lh_value **a, size_t n) { return setop(c, a, n, 'i'); }
static lh_value *f_setsubtract(lh_func_ctx *c, lh_value **a, size_t n) { return setop(c, a, n, 's'); }

static lh_value *
f_setproduct(lh_func_ctx *c, lh_value **a, size_t n)
{
	if (n < 2)
		return lh_fn_fail(c, "at least two arguments are required");
	bool all_sets = false;	/* one set argument makes the product a set */
	size_t total = 1;
	for (size_t i = 0; i < n; i++) {
		if (!lh_is_seq(a[i]->type))
			return lh_fn_argerr(c, i, "a set or a list is required");
		if (a[i]->type->kind == LH_TY_SET)
			all_sets = true;
		total *= SEQ(a[i]).n;
		if (total > 1000000)
			return lh_fn_fail(c, "product is too large");
	}
	lh_value **out = alloc_items(c, total);
	size_t *idx = lh_arena_alloc(c->a, n * sizeof *idx);
	lh_value **tup = alloc_items(c, n);
	for (size_t k = 0; k < total; k++) {
		for (size_t i = 0; i < n; i++)
			tup[i] = SEQ(a[i]).items[idx[i]];
		out[k] = lh_val_tuple(c->a, tup, n);
		for (size_t i = n; i-- > 0;) {
			if (++idx[i] < SEQ(a[i]).n)
				break;
			idx[i] = 0;
		}
	}
	const lh_type **ets = lh_arena_alloc(c->a, n * sizeof *ets);
	for (size_t i = 0; i < n; i++)
		ets[i] = lh_seq_elem_type(a[i]->type, 0);
	const lh_type *et = total ? out[0]->type : lh_type_tuple(c->a, ets, n);
	/* Element types of tuples may differ per element; let list/set unify them. */
	if (total) {
		lh_value *tv = lh_val_tuple(c->a, out, total);
		const char *err;
		lh_value *r = lh_val_convert(c->a, tv, all_sets ? &lh_t_set_any : &lh_t_list_any, &err);
		if (r != NULL)
			return r;
		return lh_fn_fail(c, "%s", err);
	}
	return all_sets ? lh_val_set(c->a, et, out, 0) : lh_val_list(c->a, et, out, 0);
}

static lh_value *
f_slice(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_value *l = a[0];
	if (l->type->kind == LH_TY_SET)
		return lh_fn_argerr(c, 0, "cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important");
	if (l->type->kind != LH_TY_LIST && l->type->kind != LH_TY_TUPLE)
		return lh_fn_argerr(c, 0, "must be a list or tuple value");
	int64_t st, en;
	if (!whole(a[1]->u.num, &st))
		return lh_fn_argerr(c, 1, WHOLE_MSG);
	if (!whole(a[2]->u.num, &en))
		return lh_fn_argerr(c, 2, WHOLE_MSG);
	int64_t len = (int64_t)SEQ(l).n;
	if (st < 0)
		return lh_fn_argerr(c, 1, "start index must not be less than zero");
	if (st > len)
		return lh_fn_argerr(c, 1, "start index must not be greater than the length of the list");
	if (en > len)
		return lh_fn_argerr(c, 2, "end index must not be greater than the length of the list");
	if (st > en)
		return lh_fn_argerr(c, 1, "start index must not be greater than end index");
	return same_kind(c, l, SEQ(l).items + st, (size_t)(en - st));
}

static int
str_cmp(const void *p, const void *q)
{
	const lh_value *x = *(lh_value *const *)p, *y = *(lh_value *const *)q;
	size_t n = x->u.str.len < y->u.str.len ? x->u.str.len : y->u.str.len;
	int r = memcmp(x->u.str.s, y->u.str.s, n);
	if (r)
		return r;
	return x->u.str.len < y->u.str.len ? -1 : x->u.str.len > y->u.str.len;
}

static lh_value *
f_sort(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_value *l = a[0];
	size_t len = SEQ(l).n;
	lh_value **out = alloc_items(c, len);
	for (size_t i = 0; i < len; i++) {
		if (lh_val_is_null(SEQ(l).items[i]))
			return lh_fn_fail(c, "given list element %zu is null; a null string cannot be sorted", i);
		out[i] = SEQ(l).items[i];
	}
	if (len)
		qsort(out, len, sizeof *out, str_cmp);
	return lh_val_list(c->a, &lh_type_string, out, len);
}

static lh_value *
f_sum(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_value *l = a[0];
	if (!lh_is_seq(l->type))
		return lh_fn_argerr(c, 0, "cannot sum %s", lh_type_friendly(c->a, l->type));
	if (SEQ(l).n == 0)
		return lh_fn_argerr(c, 0, "cannot sum an empty list");
	lh_number s = { .is_int = true };
	for (size_t i = 0; i < SEQ(l).n; i++) {
		const char *err;
		lh_value *e = SEQ(l).items[i];
		if (lh_val_is_null(e))
			return lh_fn_argerr(c, 0, "argument must be list, set, or tuple of number values");
		lh_value *v = lh_val_convert(c->a, e, &lh_type_number, &err);
		if (v == NULL)
			return lh_fn_argerr(c, 0, "argument must be list, set, or tuple of number values");
		s = lh_number_add(c->a, s, v->u.num);
	}
	return lh_val_number(c->a, s);
}

static lh_value *
f_transpose(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_value *m = a[0];
	size_t cap = 8, k = 0;
	const char **keys = lh_arena_alloc(c->a, cap * sizeof *keys);
	size_t *cnt = lh_arena_alloc(c->a, cap * sizeof *cnt);
	lh_value ***lists = lh_arena_alloc(c->a, cap * sizeof *lists);
	for (size_t i = 0; i < MAP(m).n; i++) {
		lh_value *l = MAP(m).vals[i];
		for (size_t j = 0; j < SEQ(l).n; j++) {
			lh_value *e = SEQ(l).items[j];
			if (lh_val_is_null(e))
				return lh_fn_argerr(c, 0, "input map contains null values");
			char *key = lh_arena_strndup(c->a, e->u.str.s, e->u.str.len);
			size_t x;
			for (x = 0; x < k; x++)
				if (strcmp(keys[x], key) == 0)
					break;
			if (x == k) {
				if (k == cap) {
					keys = lh_arena_grow(c->a, keys, k, cap * 2, sizeof *keys);
					cnt = lh_arena_grow(c->a, cnt, k, cap * 2, sizeof *cnt);
					lists = lh_arena_grow(c->a, lists, k, cap * 2, sizeof *lists);
					cap *= 2;
				}
				keys[k] = key;
				cnt[k] = 0;
				lists[k] = alloc_items(c, MAP(m).n);
				k++;
			}
			lists[x][cnt[x]++] = lh_val_cstr(c->a, MAP(m).keys[i]);
		}
	}
	lh_value **vals = alloc_items(c, k);
	for (size_t x = 0; x < k; x++)
		vals[x] = lh_val_list(c->a, &lh_type_string, lists[x], cnt[x]);
	return lh_val_map(c->a, &lh_t_list_string, keys, vals, k);
}

static lh_value *
f_zipmap(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_value *ks = a[0], *vs = a[1];
	if (vs->type->kind != LH_TY_LIST && vs->type->kind != LH_TY_TUPLE)
		return lh_fn_fail(c, "values argument must be a list or tuple value");
	if (SEQ(ks).n != SEQ(vs).n)
		return lh_fn_fail(c, "number of keys (%zu) does not match number of values (%zu)",
		    SEQ(ks).n, SEQ(vs).n);
	size_t len = SEQ(ks).n, k = 0;
	const char **keys = lh_arena_alloc(c->a, (len ? len : 1) * sizeof *keys);
	lh_value **vals = alloc_items(c, len);
	for (size_t i = 0; i < len; i++) {
		lh_value *kv = SEQ(ks).items[i];
		if (lh_val_is_null(kv))
			return lh_fn_argerr(c, 0, "keys list has null value at index %zu", i);
		char *key = lh_arena_strndup(c->a, kv->u.str.s, kv->u.str.len);
		size_t m;
		for (m = 0; m < k; m++)
			if (strcmp(keys[m], key) == 0)
				break;
		if (m == k)
			keys[k++] = key;
		vals[m] = SEQ(vs).items[i];
	}
	if (vs->type->kind == LH_TY_TUPLE)
		return lh_val_object(c->a, keys, vals, k);
	return lh_val_map(c->a, vs->type->elem, keys, vals, k);
}

#define ANY(nm) { .name = nm, .type = NULL }
#define LIST(nm) { .name = nm, .type = &lh_t_list_any }
#define NUMP(nm) { .name = nm, .type = &lh_type_number }
const lh_fdef lh_func_coll[] = {
	{ "alltrue", 1, { { "list", &lh_t_list_bool, 0 } }, false, { 0 }, &lh_type_bool, f_alltrue },
	{ "anytrue", 1, { { "list", &lh_t_list_bool, 0 } }, false, { 0 }, &lh_type_bool, f_anytrue },
	{ "chunklist", 2, { { "list", &lh_t_list_any, P_MARKED }, NUMP("size") }, false, { 0 }, NULL, f_chunklist },
	{ "coalesce", 0, { { 0 } }, true, { "vals", NULL, P_NULL | P_UNKNOWN }, NULL, f_coalesce },
	{ "coalescelist", 0, { { 0 } }, true, { "vals", NULL, P_NULL | P_UNKNOWN }, NULL, f_coalescelist },
	{ "compact", 1, { { "list", &lh_t_list_string, 0 } }, false, { 0 }, &lh_t_list_string, f_compact },
	{ "concat", 0, { { 0 } }, true, { "seqs", NULL, P_MARKED }, NULL, f_concat },
	{ "contains", 2, { ANY("list"), ANY("value") }, false, { 0 }, &lh_type_bool, f_contains },
	{ "distinct", 1, { LIST("list") }, false, { 0 }, NULL, f_distinct },
	{ "element", 2, { { "list", NULL, P_MARKED }, NUMP("index") }, false, { 0 }, NULL, f_element },
	{ "flatten", 1, { { "list", NULL, P_UNKNOWN | P_MARKED } }, false, { 0 }, NULL, f_flatten },
	{ "index", 2, { ANY("list"), ANY("value") }, false, { 0 }, &lh_type_number, f_index },
	{ "keys", 1, { { "inputMap", NULL, P_MARKED } }, false, { 0 }, NULL, f_keys },
	{ "length", 1, { { "value", NULL, P_UNKNOWN | P_MARKED } }, false, { 0 }, &lh_type_number, f_length },
	{ "lookup", 2, { { "inputMap", NULL, P_MARKED }, { "key", &lh_type_string, 0 } }, true,
	  { "default", NULL, P_NULL | P_MARKED }, NULL, f_lookup },
	{ "matchkeys", 3, { LIST("values"), LIST("keys"), LIST("searchset") }, false, { 0 }, NULL,
	  f_matchkeys },
	{ "merge", 0, { { 0 } }, true, { "maps", NULL, P_NULL | P_MARKED }, NULL, f_merge },
	{ "one", 1, { { "list", NULL, P_MARKED } }, false, { 0 }, NULL, f_one },
	{ "range", 0, { { 0 } }, true, NUMP("params"), &lh_t_list_number, f_range },
	{ "reverse", 1, { { "list", NULL, P_MARKED } }, false, { 0 }, NULL, f_reverse },
	{ "setintersection", 1, { { "first_set", &lh_t_set_any, 0 } }, true,
	  { "other_sets", &lh_t_set_any, 0 }, NULL, f_setintersection },
	{ "setproduct", 0, { { 0 } }, true, ANY("sets"), NULL, f_setproduct },
	{ "setsubtract", 2, { { "a", &lh_t_set_any, 0 }, { "b", &lh_t_set_any, 0 } }, false, { 0 },
	  NULL, f_setsubtract },
	{ "setunion", 1, { { "first_set", &lh_t_set_any, 0 } }, true,
	  { "other_sets", &lh_t_set_any, 0 }, NULL, f_setunion },
	{ "slice", 3, { { "list", NULL, P_MARKED }, NUMP("start_index"), NUMP("end_index") }, false, { 0 }, NULL,
	  f_slice },
	{ "sort", 1, { { "list", &lh_t_list_string, 0 } }, false, { 0 }, &lh_t_list_string, f_sort },
	{ "sum", 1, { ANY("list") }, false, { 0 }, &lh_type_number, f_sum },
	{ "transpose", 1, { { "values", &lh_t_map_list_string, 0 } }, false, { 0 },
	  &lh_t_map_list_string, f_transpose },
	{ "values", 1, { { "mapping", NULL, P_MARKED } }, false, { 0 }, NULL, f_values },
	{ "zipmap", 2, { { "keys", &lh_t_list_string, 0 }, { "values", NULL, P_MARKED } }, false, { 0 }, NULL,
	  f_zipmap },
};
const size_t lh_func_coll_n = sizeof lh_func_coll / sizeof lh_func_coll[0];
