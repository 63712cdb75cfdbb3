/* func_type.c - type conversion and mark functions: tobool tolist tomap tonumber toset
 * tostring type sensitive nonsensitive issensitive ephemeralasnull.  The to* functions are lh_val_convert with
 * Terraform's own messages; type() returns its rendering marked LH_VF_TYPEVAL so the
 * console prints it bare, as `terraform console` does. */
#include "func_impl.h"

#include <string.h>

static lh_value *
to(lh_func_ctx *c, lh_value *v, const lh_type *t)
{
	const char *err = NULL;
	lh_value *r = lh_val_convert(c->a, v, t, &err);
	if (r != NULL)
		return r;
	/* a sensitive value is not quoted (Terraform's "this sensitive string") */
	if (v->type->kind == LH_TY_STRING && !lh_val_is_unknown(v) &&
	    (c->sensitive_args || lh_val_has_sensitive(v)) &&
	    (t->kind == LH_TY_NUMBER || t->kind == LH_TY_BOOL))
		return lh_fn_argerr(c, 0, "cannot convert this sensitive string to %s",
		    t->kind == LH_TY_NUMBER ? "number" : "bool");
	if (v->type->kind == LH_TY_STRING && !lh_val_is_unknown(v) && t->kind == LH_TY_NUMBER) {
		char *q;
		lh_str_go_quote(c->a, v->u.str.s, v->u.str.len, &q);
		return lh_fn_argerr(c, 0, "cannot convert %s to number; given string must be a decimal representation of a number", q);
	}
	if (v->type->kind == LH_TY_STRING && !lh_val_is_unknown(v) && t->kind == LH_TY_BOOL) {
		char *q;
		lh_str_go_quote(c->a, v->u.str.s, v->u.str.len, &q);
		return lh_fn_argerr(c, 0, "cannot convert %s to bool; only the strings \"true\" or \"false\" are allowed", q);
	}
	const char *want;
	switch (t->kind) {
	case LH_TY_LIST: want = "list of any single type"; break;
	case LH_TY_SET: want = "set of any single type"; break;
	case LH_TY_MAP: want = "map of any single type"; break;
	default: want = lh_type_friendly(c->a, t); break;
	}
	return lh_fn_argerr(c, 0, "cannot convert %s to %s", lh_type_friendly(c->a, v->type), want);
}

static lh_value *f_tobool(lh_func_ctx *c, lh_value **a, size_t n) { return to(c, a[0], &lh_type_bool); }
static lh_value *f_tonumber(lh_func_ctx *c, lh_value **a, size_t n) { return to(c, a[0], &lh_type_number); }
static lh_value *f_tostring(lh_func_ctx *c, lh_value **a, size_t n) { return to(c, a[0], &lh_type_string); }
static lh_value *f_tolist(lh_func_ctx *c, lh_value **a, size_t n) { return to(c, a[0], &lh_t_list_any); }
static lh_value *f_toset(lh_func_ctx *c, lh_value **a, size_t n) { return to(c, a[0], &lh_t_set_any); }
static lh_value *f_tomap(lh_func_ctx *c, lh_value **a, size_t n) { return to(c, a[0], &lh_t_map_any); }

typedef struct {
	lh_arena *a;
	char *p;
	size_t len, cap;
} buf;

static void
badd(buf *b, const char *s)
{
	size_t n = strlen(s);
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = lh_arena_grow(b->a, b->p, b->len, cap, 1);
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

static void
pad(buf *b, int level)
{
	for (int i = 0; i < level; i++)
		badd(b, "    ");
}

/* Terraform's type() rendering. */
static void
type_str(buf *b, const lh_type *t, int level)
{
	switch (t->kind) {
	case LH_TY_DYNAMIC: badd(b, "dynamic"); return;
	case LH_TY_STRING: badd(b, "string"); return;
	case LH_TY_NUMBER: badd(b, "number"); return;
	case LH_TY_BOOL: badd(b, "bool"); return;
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_MAP:
		badd(b, t->kind == LH_TY_LIST ? "list(" : t->kind == LH_TY_SET ? "set(" : "map(");
		buf inner = { .a = b->a };
		type_str(&inner, t->elem, level);
		if (inner.p != NULL && strchr(inner.p, '\n') == NULL) {
			badd(b, inner.p);
		} else {
			badd(b, "\n");
			pad(b, level + 1);
			type_str(b, t->elem, level + 1);
			badd(b, ",\n");
			pad(b, level);
		}
		badd(b, ")");
		return;
	case LH_TY_TUPLE:
		if (t->n == 0) {
			badd(b, "tuple([])");
			return;
		}
		badd(b, "tuple([\n");
		for (size_t i = 0; i < t->n; i++) {
			pad(b, level + 1);
			type_str(b, t->types[i], level + 1);
			badd(b, ",\n");
		}
		pad(b, level);
		badd(b, "])");
		return;
	case LH_TY_OBJECT:
		if (t->n == 0) {
			badd(b, "object({})");
			return;
		}
		badd(b, "object({\n");
		for (size_t i = 0; i < t->n; i++) {
			pad(b, level + 1);
			badd(b, t->names[i]);
			badd(b, ": ");
			type_str(b, t->types[i], level + 1);
			badd(b, ",\n");
		}
		pad(b, level);
		badd(b, "})");
		return;
	}
}

static lh_value *
f_type(lh_func_ctx *c, lh_value **a, size_t n)
{
	buf b = { .a = c->a };
	type_str(&b, a[0]->type, 0);
	lh_value *v = lh_val_cstr(c->a, b.p);
	v->flags |= LH_VF_TYPEVAL;
	return v;
}

static lh_value *
f_sensitive(lh_func_ctx *c, lh_value **a, size_t n)
{
	return lh_val_mark_sensitive(c->a, a[0]);
}

static lh_value *
f_nonsensitive(lh_func_ctx *c, lh_value **a, size_t n)
{
	/* Only the value's own mark goes: marks inside collections stay (Terraform). */
	if (!lh_val_is_sensitive(a[0]))
		return a[0];
	lh_value *v = lh_arena_alloc(c->a, sizeof *v);
	*v = *a[0];
	v->flags &= ~(unsigned)LH_VF_SENSITIVE;
	return v;
}

/* issensitive(v): whether v itself carries the sensitive mark (marks inside it do not
 * count, as in Terraform); an unmarked unknown value may still become sensitive, so
 * the answer is unknown then. */
static lh_value *
f_issensitive(lh_func_ctx *c, lh_value **a, size_t n)
{
	if (lh_val_is_sensitive(a[0]))
		return lh_val_bool(c->a, true);
	if (lh_val_is_unknown(a[0]))
		return lh_val_unknown(c->a, &lh_type_bool);
	return lh_val_bool(c->a, false);
}

/* ephemeralasnull(v): ephemeral parts become null.  litehcl has no ephemeral values
 * (no ephemeral resources or variables), so v comes back unchanged. */
static lh_value *
f_ephemeralasnull(lh_func_ctx *c, lh_value **a, size_t n)
{
	return a[0];
}

#define V { "v", NULL, P_NULL | P_UNKNOWN | P_RAW }
const lh_fdef lh_func_type[] = {
	{ "tobool", 1, { V }, false, { 0 }, &lh_type_bool, f_tobool },
	{ "tonumber", 1, { V }, false, { 0 }, &lh_type_number, f_tonumber },
	{ "tostring", 1, { V }, false, { 0 }, &lh_type_string, f_tostring },
	{ "tolist", 1, { V }, false, { 0 }, NULL, f_tolist },
	{ "toset", 1, { V }, false, { 0 }, NULL, f_toset },
	{ "tomap", 1, { V }, false, { 0 }, NULL, f_tomap },
	{ "type", 1, { { "value", NULL, P_NULL | P_UNKNOWN | P_RAW } }, false, { 0 }, NULL, f_type },
	{ "sensitive", 1, { { "value", NULL, P_NULL | P_UNKNOWN | P_RAW } }, false, { 0 }, NULL,
	  f_sensitive },
	{ "issensitive", 1, { { "value", NULL, P_NULL | P_UNKNOWN | P_RAW } }, false, { 0 },
	  &lh_type_bool, f_issensitive },
	{ "ephemeralasnull", 1, { { "value", NULL, P_NULL | P_UNKNOWN | P_RAW } }, false, { 0 },
	  NULL, f_ephemeralasnull },
	{ "nonsensitive", 1, { { "value", NULL, P_NULL | P_UNKNOWN | P_RAW } }, false, { 0 }, NULL,
	  f_nonsensitive },
};
const size_t lh_func_type_n = sizeof lh_func_type / sizeof lh_func_type[0];
