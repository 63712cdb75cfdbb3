/* func.c - the built-in function dispatcher: finds the function in the family tables,
 * checks argument counts, nulls, converts arguments to parameter types, handles
 * unknown arguments and the sensitive mark, then calls the implementation.  Messages
 * use Terraform's wording (see func_impl.h for the split of duties). */
#include "func_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const lh_type lh_t_list_any = { .kind = LH_TY_LIST, .elem = &lh_type_dynamic };
const lh_type lh_t_list_string = { .kind = LH_TY_LIST, .elem = &lh_type_string };
const lh_type lh_t_list_number = { .kind = LH_TY_LIST, .elem = &lh_type_number };
const lh_type lh_t_list_bool = { .kind = LH_TY_LIST, .elem = &lh_type_bool };
const lh_type lh_t_set_any = { .kind = LH_TY_SET, .elem = &lh_type_dynamic };
const lh_type lh_t_set_string = { .kind = LH_TY_SET, .elem = &lh_type_string };
const lh_type lh_t_map_any = { .kind = LH_TY_MAP, .elem = &lh_type_dynamic };
const lh_type lh_t_map_string = { .kind = LH_TY_MAP, .elem = &lh_type_string };
const lh_type lh_t_map_list_string = { .kind = LH_TY_MAP, .elem = &lh_t_list_string };

static const struct {
	const lh_fdef *defs;
	const size_t *n;
} families[] = {
	{ lh_func_num, &lh_func_num_n }, { lh_func_str, &lh_func_str_n },
	{ lh_func_coll, &lh_func_coll_n }, { lh_func_enc, &lh_func_enc_n },
	{ lh_func_file, &lh_func_file_n }, { lh_func_hash, &lh_func_hash_n },
	{ lh_func_type, &lh_func_type_n }, { lh_func_time, &lh_func_time_n },
	{ lh_func_net, &lh_func_net_n }, { lh_func_yaml, &lh_func_yaml_n },
};

/* The call in progress (saved and restored around nested calls from templatefile). */
static const lh_fdef *cur;

const char *
lh_fn_name(void)
{
	return cur ? cur->name : "?";
}

/* Every function by name in an open-addressing hash table built on first use: a call
 * finds its function with one hash and usually one comparison, not a binary search
 * over ~120 names.  A name two families define resolves as the in-order scan of
 * families did: to the earlier one. */
static const lh_fdef **by_name;	/* hcap slots, NULL empty */
static size_t hcap;

static size_t
name_hash(const char *s)
{
	size_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
build_table(void)
{
	size_t total = 0;
	for (size_t f = 0; f < sizeof families / sizeof families[0]; f++)
		total += *families[f].n;
	size_t cap = 16;
	while (cap < total * 2)
		cap *= 2;
	const lh_fdef **t = calloc(cap, sizeof *t);
	if (t == NULL) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	for (size_t f = 0; f < sizeof families / sizeof families[0]; f++)
		for (size_t i = 0; i < *families[f].n; i++) {
			const lh_fdef *d = &families[f].defs[i];
			size_t h = name_hash(d->name) & (cap - 1);
			while (t[h] != NULL && strcmp(t[h]->name, d->name) != 0)
				h = (h + 1) & (cap - 1);
			if (t[h] == NULL)	/* the first of equal names: the earliest */
				t[h] = d;
		}
	hcap = cap;
	by_name = t;
}

static const lh_fdef *
lookup(const char *name)
{
	if (name[0] == 'p' && strncmp(name, "provider::terraform::", 21) == 0)
		return NULL;
	if (name[0] == 'c' && strncmp(name, "core::", 6) == 0)
		name += 6;
	/* a call is looked up twice (does it exist, then the call), and the same
	 * function is often called many times in a row */
	static _Thread_local const lh_fdef *last;
	if (last != NULL && strcmp(last->name, name) == 0)
		return last;
	if (by_name == NULL)
		build_table();
	for (size_t h = name_hash(name) & (hcap - 1); by_name[h] != NULL; h = (h + 1) & (hcap - 1))
		if (strcmp(by_name[h]->name, name) == 0)
			return last = by_name[h];
	return NULL;
}

bool
lh_func_exists(const char *name)
{
	return lookup(name) != NULL;
}

char *
lh_func_signature(lh_arena *a, const char *name)
{
	const lh_fdef *d = lookup(name);
	if (d == NULL)
		return NULL;
	char *s = lh_arena_printf(a, "%s(", name);
	for (size_t i = 0; i < d->np; i++)
		s = lh_arena_printf(a, "%s%s%s", s, i ? ", " : "", d->params[i].name);
	if (d->variadic)
		s = lh_arena_printf(a, "%s%s%s...", s, d->np ? ", " : "", d->var.name);
	return lh_arena_printf(a, "%s)", s);
}

bool
lh_func_sig_of(const char *name, lh_func_sig *out)
{
	const lh_fdef *d = lookup(name);
	if (d == NULL)
		return false;
	memset(out, 0, sizeof *out);
	out->np = d->np;
	for (size_t i = 0; i < d->np; i++) {
		out->params[i].name = d->params[i].name;
		out->params[i].type = d->params[i].type;
	}
	out->variadic = d->variadic;
	out->var.name = d->var.name;
	out->var.type = d->var.type;
	out->ret = d->ret;
	return true;
}

static int
name_cmp(const void *p, const void *q)
{
	return strcmp(*(const char *const *)p, *(const char *const *)q);
}

const char *const *
lh_func_names(void)
{
	static const char **names;
	if (names != NULL)
		return names;
	size_t total = 0;
	for (size_t f = 0; f < sizeof families / sizeof families[0]; f++)
		total += *families[f].n;
	const char **v = calloc(total + 1, sizeof *v);
	static const char *const none[] = { NULL };
	if (v == NULL)
		return none;
	size_t k = 0;
	for (size_t f = 0; f < sizeof families / sizeof families[0]; f++)
		for (size_t i = 0; i < *families[f].n; i++)
			v[k++] = families[f].defs[i].name;
	qsort(v, k, sizeof *v, name_cmp);
	names = v;
	return names;
}

static char *
vfmt(lh_arena *a, const char *fmt, va_list ap)
{
	char small[256];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return lh_arena_strdup(a, "");
	}
	char *s = lh_arena_alloc(a, (size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return s;
}

static const lh_fparam *
param_of(const lh_fdef *d, size_t i)
{
	return i < d->np ? &d->params[i] : &d->var;
}

lh_value *
lh_fn_argerr(lh_func_ctx *c, size_t i, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = vfmt(c->a, fmt, ap);
	va_end(ap);
	c->err_arg = (int)i;
	c->err = lh_arena_printf(c->a, "Invalid value for \"%s\" parameter: %s.",
	    cur ? param_of(cur, i)->name : "?", m);
	return NULL;
}

lh_value *
lh_fn_fail(lh_func_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = vfmt(c->a, fmt, ap);
	va_end(ap);
	c->err_arg = -1;
	c->err = lh_arena_printf(c->a, "Call to function \"%s\" failed: %s.", lh_fn_name(), m);
	return NULL;
}

const lh_fdef *
lh_func_find(const char *name)
{
	return lookup(name);
}

lh_value *
lh_func_call(lh_func_ctx *c, const char *name, lh_value **args, size_t n)
{
	const lh_fdef *d = lookup(name);
	if (d == NULL) {
		c->err_arg = -2;
		c->err = lh_arena_printf(c->a, "There is no function named \"%s\".", name);
		return NULL;
	}
	return lh_func_call_def(c, d, args, n);
}

lh_value *
lh_func_call_def(lh_func_ctx *c, const lh_fdef *d, lh_value **args, size_t n)
{
	c->err = NULL;
	c->err_arg = -1;
	if (n < d->np) {
		c->err = lh_arena_printf(c->a,
		    "Function \"%s\" expects %zu argument(s). Missing value for \"%s\".",
		    d->name, d->np, d->params[n].name);
		return NULL;
	}
	if (n > d->np && !d->variadic) {
		c->err = lh_arena_printf(c->a, "Function \"%s\" expects only %zu argument(s).",
		    d->name, d->np);
		return NULL;
	}
	const lh_fdef *saved = cur;
	cur = d;
	lh_value *r = NULL;
	bool sensitive = false, unknown = false;
	lh_value **conv = lh_arena_alloc(c->a, (n ? n : 1) * sizeof *conv);
	for (size_t i = 0; i < n; i++) {
		const lh_fparam *p = param_of(d, i);
		lh_value *v = args[i];
		if (p->flags & P_RAW) {
			/* passed as given */
		} else if (p->flags & P_MARKED) {
			if (lh_val_is_sensitive(v)) {
				lh_value *copy = lh_arena_alloc(c->a, sizeof *copy);
				*copy = *v;
				copy->flags &= ~(unsigned)LH_VF_SENSITIVE;
				v = copy;
				sensitive = true;
			}
		} else if (lh_val_has_sensitive(v)) {
			sensitive = true;
			v = lh_val_unmark(c->a, v);
		}
		if (lh_val_is_null(v) && !lh_val_is_unknown(v) && !(p->flags & P_NULL)) {
			lh_fn_argerr(c, i, "argument must not be null");
			goto out;
		}
		if (p->type != NULL) {
			const char *err = NULL;
			lh_value *cv = lh_val_convert_arg(c->a, v, p->type, &err);
			if (cv == NULL) {
				lh_fn_argerr(c, i, "%s", err);
				goto out;
			}
			v = cv;
		}
		if (!(p->flags & P_UNKNOWN) && lh_val_has_unknown(v))
			unknown = true;
		conv[i] = v;
	}
	if (unknown) {
		r = lh_val_unknown(c->a, d->ret ? d->ret : &lh_type_dynamic);
	} else {
		bool outer = c->sensitive_args;
		c->sensitive_args = sensitive;
		r = d->impl(c, conv, n);
		c->sensitive_args = outer;
	}
	if (r != NULL && sensitive)
		r = lh_val_mark_sensitive(c->a, r);
out:
	cur = saved;
	return r;
}

/* ---------------------------------------------------------------- helpers */

const lh_type *
lh_seq_elem_type(const lh_type *t, size_t i)
{
	if (t->kind == LH_TY_TUPLE)
		return i < t->n ? t->types[i] : &lh_type_dynamic;
	if (t->kind == LH_TY_LIST || t->kind == LH_TY_SET)
		return t->elem;
	return &lh_type_dynamic;
}

lh_value *
lh_fn_make_list(lh_arena *a, lh_value **items, size_t n, const lh_type *empty_elem)
{
	if (n == 0)
		return lh_val_list(a, empty_elem ? empty_elem : &lh_type_dynamic, items, 0);
	lh_value *tup = lh_val_tuple(a, items, n);
	const char *err;
	lh_value *l = lh_val_convert(a, tup, &lh_t_list_any, &err);
	return l;
}

void
lh_fbuf_grow(lh_fbuf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap * 2 : 64;
	while (cap < b->len + n + 1)
		cap *= 2;
	b->p = lh_arena_grow(b->a, b->p, b->len, cap, 1);
	b->cap = cap;
}

size_t
lh_fbuf_col(const lh_fbuf *b)
{
	size_t col = 0, i = b->len;
	while (i > 0 && b->p[i - 1] != '\n') {
		i--;
		if (((unsigned char)b->p[i] & 0xc0) != 0x80)
			col++;
	}
	return col;
}

char *
lh_fn_path(lh_func_ctx *c, const char *path)
{
	if (path[0] == '/' || c->basedir == NULL || c->basedir[0] == 0)
		return lh_arena_strdup(c->a, path);
	return lh_arena_printf(c->a, "%s/%s", c->basedir, path);
}

bool
lh_fn_int(const lh_value *v, int64_t *out)
{
	return lh_number_to_int64(v->u.num, out);
}

char *
lh_fn_quote(lh_arena *a, const lh_value *v)
{
	char *q;
	lh_str_go_quote(a, v->u.str.s, v->u.str.len, &q);
	return q;
}
