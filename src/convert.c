/* convert.c - lh_val_convert: converting a value to a type or type constraint with
 * cty's rules (what Terraform does for variables, function parameters and tolist-style
 * functions).  Safe and unsafe conversions are not distinguished: Terraform's
 * variable and function-argument conversions both allow string <-> number/bool.
 *
 * Errors are cty's messages prefixed with the path inside the value the way
 * Terraform prints it: `.y[0].z: a bool is required`. */
#include "value.h"

#include <stdio.h>
#include <string.h>

typedef struct {
	lh_arena *a;
	const char *err;	/* first error, with path */
	char path[512];		/* current path: .attr[0]["key"] */
	size_t plen;
	char desc[1024];	/* the same path in cty's words: element 0: attribute "a": */
	size_t dlen;
	bool arg_style;		/* function-argument wording: element 0: attribute "a": */
} cctx;

static lh_value *conv(cctx *c, lh_value *v, const lh_type *t);

/* Records the first error.  cty words a type mismatch with the path inside the
 * message ("element 0: attribute \"a\": string required"); a string that does not
 * parse as a number or bool is a path error, which Terraform prefixes with the path
 * (".y[0].z: a bool is required") for variables and shows bare for function
 * arguments. */
static lh_value *
fail(cctx *c, const char *msg)
{
	if (c->err != NULL)
		return NULL;
	if (strncmp(msg, "a ", 2) == 0) {
		if (c->plen && !c->arg_style)
			c->err = lh_arena_printf(c->a, "%.*s: %s", (int)c->plen, c->path, msg);
		else
			c->err = lh_arena_strdup(c->a, msg);
	} else {
		c->err = lh_arena_printf(c->a, "%.*s%s", (int)c->dlen, c->desc, msg);
	}
	return NULL;
}

/* Appends a step to both paths; returns the old lengths packed for path_pop. */
static size_t
path_push(cctx *c, const char *text, const char *desc)
{
	size_t old = c->plen, n = strlen(text), dn = strlen(desc);
	if (c->plen + n < sizeof c->path) {
		memcpy(c->path + c->plen, text, n + 1);
		c->plen += n;
	}
	size_t dold = c->dlen;
	if (c->dlen + dn < sizeof c->desc) {
		memcpy(c->desc + c->dlen, desc, dn + 1);
		c->dlen += dn;
	}
	return old | dold << 16;
}

static void
path_pop(cctx *c, size_t old)
{
	c->plen = old & 0xffff;
	c->path[c->plen] = 0;
	c->dlen = old >> 16;
	c->desc[c->dlen] = 0;
}

static bool has_optional(const lh_type *t);

/* conv(c, v, t) is v itself, whatever the path: the element or attribute needs no
 * path text (two formatted strings) pushed for messages it cannot have. */
static bool
conv_same(const lh_value *v, const lh_type *t)
{
	return t->kind == LH_TY_DYNAMIC || (!lh_val_is_unknown(v) && !lh_val_is_null(v) &&
	    lh_type_equal(v->type, t) && !has_optional(t));
}

static lh_value *
conv_attr(cctx *c, lh_value *v, const lh_type *t, const char *name)
{
	if (conv_same(v, t))
		return v;
	size_t old = path_push(c, lh_arena_printf(c->a, ".%s", name),
	    lh_arena_printf(c->a, "attribute \"%s\": ", name));
	lh_value *r = conv(c, v, t);
	path_pop(c, old);
	return r;
}

static lh_value *
conv_index(cctx *c, lh_value *v, const lh_type *t, size_t i)
{
	if (conv_same(v, t))
		return v;
	size_t old = path_push(c, lh_arena_printf(c->a, "[%zu]", i),
	    lh_arena_printf(c->a, "element %zu: ", i));
	lh_value *r = conv(c, v, t);
	path_pop(c, old);
	return r;
}

static lh_value *
conv_key(cctx *c, lh_value *v, const lh_type *t, const char *k)
{
	if (conv_same(v, t))
		return v;
	char *q;
	lh_str_go_quote(c->a, k, strlen(k), &q);
	size_t old = path_push(c, lh_arena_printf(c->a, "[%s]", q),
	    lh_arena_printf(c->a, "element %s: ", q));
	lh_value *r = conv(c, v, t);
	path_pop(c, old);
	return r;
}

/* cty's FriendlyNameForConstraint. */
static void
constraint_name(lh_arena *a, const lh_type *t, char *buf, size_t cap)
{
	switch (t->kind) {
	case LH_TY_DYNAMIC:
		snprintf(buf, cap, "any type");
		return;
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_MAP: {
		char inner[256];
		if (t->elem->kind == LH_TY_DYNAMIC)
			snprintf(inner, sizeof inner, "any single type");
		else
			constraint_name(a, t->elem, inner, sizeof inner);
		snprintf(buf, cap, "%s of %s", t->kind == LH_TY_LIST ? "list" :
		    t->kind == LH_TY_SET ? "set" : "map", inner);
		return;
	}
	default:
		snprintf(buf, cap, "%s", lh_type_friendly(a, t));
		return;
	}
}

static lh_value *
mismatch(cctx *c, const lh_type *t)
{
	char name[300];
	constraint_name(c->a, t, name, sizeof name);
	return fail(c, lh_arena_printf(c->a, "%s required", name));
}

/* The concrete type v will have once converted to constraint t (for unknown and null
 * results, where no value exists to inspect). */
static const lh_type *
concrete(lh_arena *a, const lh_type *vt, const lh_type *t)
{
	if (t->kind == LH_TY_DYNAMIC)
		return vt;
	return t;
}

static bool
has_optional(const lh_type *t)
{
	return t->kind == LH_TY_OBJECT && t->optional != NULL;
}

/* Strips optional markers: the concrete object type a constraint stands for. */
static const lh_type *
strip(lh_arena *a, const lh_type *t)
{
	switch (t->kind) {
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_MAP: {
		const lh_type *e = strip(a, t->elem);
		if (e == t->elem)
			return t;
		return t->kind == LH_TY_LIST ? lh_type_list(a, e) :
		    t->kind == LH_TY_SET ? lh_type_set(a, e) : lh_type_map(a, e);
	}
	case LH_TY_TUPLE: case LH_TY_OBJECT: {
		bool changed = has_optional(t);
		const lh_type **ts = lh_arena_alloc(a, (t->n ? t->n : 1) * sizeof *ts);
		for (size_t i = 0; i < t->n; i++) {
			ts[i] = strip(a, t->types[i]);
			changed |= ts[i] != t->types[i];
		}
		if (!changed)
			return t;
		return t->kind == LH_TY_TUPLE ? lh_type_tuple(a, ts, t->n) :
		    lh_type_object(a, t->names, ts, t->n);
	}
	default:
		return t;
	}
}

static lh_value *
keep_marks(cctx *c, lh_value *from, lh_value *r)
{
	if (r != NULL && (from->flags & LH_VF_SENSITIVE))
		return lh_val_mark_sensitive(c->a, r);
	return r;
}

/* Can a value of type vt ever convert to t?  Used for unknown values. */
static bool
type_convertible(lh_arena *a, const lh_type *vt, const lh_type *t)
{
	return lh_type_convertible(vt, t);
}

bool
lh_type_convertible(const lh_type *vt, const lh_type *t)
{
	if (t->kind == LH_TY_DYNAMIC || vt->kind == LH_TY_DYNAMIC)
		return true;
	switch (t->kind) {
	case LH_TY_STRING:
		return vt->kind == LH_TY_STRING || vt->kind == LH_TY_NUMBER || vt->kind == LH_TY_BOOL;
	case LH_TY_NUMBER: case LH_TY_BOOL:
		return vt->kind == t->kind || vt->kind == LH_TY_STRING;
	case LH_TY_LIST: case LH_TY_SET:
		if (vt->kind == LH_TY_LIST || vt->kind == LH_TY_SET)
			return lh_type_convertible(vt->elem, t->elem);
		if (vt->kind == LH_TY_TUPLE) {
			for (size_t i = 0; i < vt->n; i++)
				if (!lh_type_convertible(vt->types[i], t->elem))
					return false;
			return true;
		}
		return false;
	case LH_TY_MAP:
		if (vt->kind == LH_TY_MAP)
			return lh_type_convertible(vt->elem, t->elem);
		if (vt->kind == LH_TY_OBJECT) {
			for (size_t i = 0; i < vt->n; i++)
				if (!lh_type_convertible(vt->types[i], t->elem))
					return false;
			return true;
		}
		return false;
	case LH_TY_OBJECT:
		return vt->kind == LH_TY_OBJECT || vt->kind == LH_TY_MAP;
	case LH_TY_TUPLE:
		return vt->kind == LH_TY_TUPLE || vt->kind == LH_TY_LIST || vt->kind == LH_TY_SET;
	default:
		return false;
	}
}

static lh_value *
conv_prim(cctx *c, lh_value *v, const lh_type *t)
{
	lh_arena *a = c->a;
	lh_type_kind from = v->type->kind;
	switch (t->kind) {
	case LH_TY_STRING:
		if (from == LH_TY_STRING)
			return v;
		if (from == LH_TY_NUMBER)
			return keep_marks(c, v, lh_val_cstr(a, lh_number_format(a, v->u.num)));
		if (from == LH_TY_BOOL)
			return keep_marks(c, v, lh_val_cstr(a, v->u.b ? "true" : "false"));
		return mismatch(c, t);
	case LH_TY_NUMBER:
		if (from == LH_TY_NUMBER)
			return v;
		if (from == LH_TY_STRING) {
			lh_number n;
			if (!lh_number_parse(a, v->u.str.s, v->u.str.len, &n))
				return fail(c, "a number is required");
			return keep_marks(c, v, lh_val_number(a, n));
		}
		return mismatch(c, t);
	case LH_TY_BOOL:
		if (from == LH_TY_BOOL)
			return v;
		if (from == LH_TY_STRING) {
			const char *s = v->u.str.s;
			if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
				return keep_marks(c, v, lh_val_bool(a, true));
			if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
				return keep_marks(c, v, lh_val_bool(a, false));
			return fail(c, "a bool is required");
		}
		return mismatch(c, t);
	default:
		return mismatch(c, t);
	}
}

/* Converts the n elements items to element type et (dynamic: unify them first).
 * Fills out and the chosen element type; false on failure. */
static bool
conv_elems(cctx *c, lh_value **items, size_t n, const lh_type *et, lh_value **out,
    const lh_type **chosen, const char **keys)
{
	if (et->kind == LH_TY_DYNAMIC && n > 0) {
		const lh_type *u = NULL;
		for (size_t i = 0; i < n; i++) {
			/* Nulls and unknowns of dynamic type do not constrain the element type. */
			if (items[i]->type->kind == LH_TY_DYNAMIC)
				continue;
			u = u ? lh_type_unify(c->a, u, items[i]->type) : items[i]->type;
			if (u == NULL)
				return false;
		}
		et = u ? u : &lh_type_dynamic;
	}
	for (size_t i = 0; i < n; i++) {
		out[i] = keys ? conv_key(c, items[i], et, keys[i]) : conv_index(c, items[i], et, i);
		if (out[i] == NULL)
			return false;
	}
	*chosen = strip(c->a, et);
	if (et->kind == LH_TY_DYNAMIC && n > 0)
		*chosen = n ? out[0]->type : et;
	return true;
}

static lh_value *
conv_seq(cctx *c, lh_value *v, const lh_type *t)
{
	lh_arena *a = c->a;
	lh_type_kind from = v->type->kind;
	if (from != LH_TY_LIST && from != LH_TY_SET && from != LH_TY_TUPLE)
		return mismatch(c, t);
	size_t n = v->u.seq.n;
	lh_value **out = lh_arena_alloc(a, (n ? n : 1) * sizeof *out);
	const lh_type *et = t->elem;
	if (from != LH_TY_TUPLE && et->kind == LH_TY_DYNAMIC)
		et = v->type->elem;
	const lh_type *chosen;
	if (!conv_elems(c, v->u.seq.items, n, et, out, &chosen, NULL)) {
		if (c->err == NULL)
			return fail(c, t->kind == LH_TY_LIST ? "all list elements must have the same type" :
			    "all set elements must have the same type");
		return NULL;
	}
	if (n == 0)
		chosen = from == LH_TY_TUPLE ? strip(a, t->elem) : strip(a, et);
	lh_value *r = t->kind == LH_TY_LIST ? lh_val_list(a, chosen, out, n) :
	    lh_val_set(a, chosen, out, n);
	return keep_marks(c, v, r);
}

static lh_value *
conv_map(cctx *c, lh_value *v, const lh_type *t)
{
	lh_arena *a = c->a;
	lh_type_kind from = v->type->kind;
	if (from != LH_TY_MAP && from != LH_TY_OBJECT)
		return mismatch(c, t);
	size_t n = v->u.map.n;
	lh_value **out = lh_arena_alloc(a, (n ? n : 1) * sizeof *out);
	const lh_type *et = t->elem;
	if (from == LH_TY_MAP && et->kind == LH_TY_DYNAMIC)
		et = v->type->elem;
	const lh_type *chosen;
	if (!conv_elems(c, v->u.map.vals, n, et, out, &chosen, v->u.map.keys)) {
		if (c->err == NULL)
			return fail(c, "all map elements must have the same type");
		return NULL;
	}
	if (n == 0)
		chosen = strip(a, et);
	return keep_marks(c, v, lh_val_map(a, chosen, v->u.map.keys, out, n));
}

static lh_value *
conv_object(cctx *c, lh_value *v, const lh_type *t)
{
	lh_arena *a = c->a;
	lh_type_kind from = v->type->kind;
	if (from != LH_TY_MAP && from != LH_TY_OBJECT)
		return mismatch(c, t);
	lh_value **out = lh_arena_alloc(a, (t->n ? t->n : 1) * sizeof *out);
	/* cty names every missing attribute at once: attributes "a", "b", and "c". */
	size_t nmiss = 0;
	const char **miss = lh_arena_alloc(a, (t->n ? t->n : 1) * sizeof *miss);
	for (size_t i = 0; i < t->n; i++) {
		bool opt = t->optional && t->optional[i];
		if (!opt && lh_val_get(v, t->names[i]) == NULL)
			miss[nmiss++] = t->names[i];
	}
	if (nmiss == 1)
		return fail(c, lh_arena_printf(a, "attribute \"%s\" is required", miss[0]));
	if (nmiss == 2)
		return fail(c, lh_arena_printf(a, "attributes \"%s\" and \"%s\" are required",
		    miss[0], miss[1]));
	if (nmiss > 2) {
		char *list = lh_arena_strdup(a, "");
		for (size_t i = 0; i < nmiss; i++)
			list = lh_arena_printf(a, "%s%s%s\"%s\"", list, i ? ", " : "",
			    i == nmiss - 1 ? "and " : "", miss[i]);
		return fail(c, lh_arena_printf(a, "attributes %s are required", list));
	}
	for (size_t i = 0; i < t->n; i++) {
		lh_value *av = lh_val_get(v, t->names[i]);
		bool opt = t->optional && t->optional[i];
		lh_value *def = t->defaults ? t->defaults[i] : NULL;
		if ((av == NULL || lh_val_is_null(av)) && def != NULL)
			av = def;
		if (av == NULL) {
			if (!opt)
				return fail(c, lh_arena_printf(a, "attribute \"%s\" is required",
				    t->names[i]));
			out[i] = lh_val_null(a, strip(a, t->types[i]));
			continue;
		}
		out[i] = conv_attr(c, av, t->types[i], t->names[i]);
		if (out[i] == NULL)
			return NULL;
	}
	return keep_marks(c, v, lh_val_object(a, t->names, out, t->n));
}

static lh_value *
conv_tuple(cctx *c, lh_value *v, const lh_type *t)
{
	lh_arena *a = c->a;
	lh_type_kind from = v->type->kind;
	if (from != LH_TY_TUPLE && from != LH_TY_LIST && from != LH_TY_SET)
		return mismatch(c, t);
	if (v->u.seq.n != t->n)
		return mismatch(c, t);
	lh_value **out = lh_arena_alloc(a, (t->n ? t->n : 1) * sizeof *out);
	for (size_t i = 0; i < t->n; i++) {
		if ((out[i] = conv_index(c, v->u.seq.items[i], t->types[i], i)) == NULL) {
			/* cty does not explain a tuple mismatch element by element. */
			if (c->err != NULL && strstr(c->err, "a number is required") == NULL &&
			    strstr(c->err, "a bool is required") == NULL) {
				c->err = NULL;
				return mismatch(c, t);
			}
			return NULL;
		}
	}
	return keep_marks(c, v, lh_val_tuple(a, out, t->n));
}

static lh_value *
conv(cctx *c, lh_value *v, const lh_type *t)
{
	lh_arena *a = c->a;
	if (t->kind == LH_TY_DYNAMIC)
		return v;
	if (lh_val_is_unknown(v)) {
		if (!type_convertible(a, v->type, t))
			return mismatch(c, t);
		lh_value *r = lh_val_unknown(a, strip(a, concrete(a, v->type, t)));
		return keep_marks(c, v, r);
	}
	if (lh_val_is_null(v)) {
		if (!type_convertible(a, v->type, t))
			return mismatch(c, t);
		return keep_marks(c, v, lh_val_null(a, strip(a, t)));
	}
	if (lh_type_equal(v->type, t) && !has_optional(t))
		return v;
	switch (t->kind) {
	case LH_TY_STRING: case LH_TY_NUMBER: case LH_TY_BOOL:
		return conv_prim(c, v, t);
	case LH_TY_LIST: case LH_TY_SET:
		return conv_seq(c, v, t);
	case LH_TY_MAP:
		return conv_map(c, v, t);
	case LH_TY_OBJECT:
		return conv_object(c, v, t);
	case LH_TY_TUPLE:
		return conv_tuple(c, v, t);
	default:
		return v;
	}
}

/* The context of one conversion.  Its paths are used only up to plen/dlen, so they
 * are not cleared: zeroing 1.5 KB per conversion was most of the cost of converting
 * a value that already has the type asked for. */
static void
cctx_init(cctx *c, lh_arena *a, bool arg_style)
{
	c->a = a;
	c->err = NULL;
	c->path[0] = 0;
	c->plen = 0;
	c->desc[0] = 0;
	c->dlen = 0;
	c->arg_style = arg_style;
}

lh_value *
lh_val_convert_arg(lh_arena *a, lh_value *v, const lh_type *t, const char **err)
{
	/* a known value of the primitive type asked for is what it converts to (as conv
	 * finds, after setting up its context) */
	if (t->kind == LH_TY_DYNAMIC || (v->type == t && !(v->flags & (LH_VF_NULL | LH_VF_UNKNOWN)) &&
	    (t == &lh_type_string || t == &lh_type_number || t == &lh_type_bool)))
		return v;
	cctx c;
	cctx_init(&c, a, true);
	lh_value *r = conv(&c, v, t);
	if (r == NULL && err != NULL)
		*err = c.err ? c.err : "value cannot be converted";
	return r;
}

lh_value *
lh_val_convert(lh_arena *a, lh_value *v, const lh_type *t, const char **err)
{
	/* a known value of the primitive type asked for is what it converts to (as conv
	 * finds, after setting up its context) */
	if (t->kind == LH_TY_DYNAMIC || (v->type == t && !(v->flags & (LH_VF_NULL | LH_VF_UNKNOWN)) &&
	    (t == &lh_type_string || t == &lh_type_number || t == &lh_type_bool)))
		return v;
	cctx c;
	cctx_init(&c, a, false);
	lh_value *r = conv(&c, v, t);
	if (r == NULL && err != NULL)
		*err = c.err ? c.err : "value cannot be converted";
	return r;
}

/* ---------------------------------------------------------------- type parser */

typedef struct {
	lh_arena *a;
	const char *s;
	const char *err;
} tp;

static void
tws(tp *p)
{
	while (*p->s == ' ' || *p->s == '\n' || *p->s == '\t')
		p->s++;
}

static bool
teat(tp *p, const char *w)
{
	tws(p);
	size_t n = strlen(w);
	if (strncmp(p->s, w, n) != 0)
		return false;
	p->s += n;
	return true;
}

static const lh_type *
tparse(tp *p)
{
	tws(p);
	if (teat(p, "string")) return &lh_type_string;
	if (teat(p, "number")) return &lh_type_number;
	if (teat(p, "bool")) return &lh_type_bool;
	if (teat(p, "any")) return &lh_type_dynamic;
	lh_type_kind k = teat(p, "list(") ? LH_TY_LIST : teat(p, "set(") ? LH_TY_SET :
	    teat(p, "map(") ? LH_TY_MAP : LH_TY_DYNAMIC;
	if (k != LH_TY_DYNAMIC) {
		const lh_type *e = tparse(p);
		if (e == NULL || !teat(p, ")"))
			return NULL;
		return k == LH_TY_LIST ? lh_type_list(p->a, e) : k == LH_TY_SET ?
		    lh_type_set(p->a, e) : lh_type_map(p->a, e);
	}
	if (teat(p, "tuple([")) {
		const lh_type *ts[64];
		size_t n = 0;
		while (!teat(p, "])")) {
			if (n && !teat(p, ","))
				return NULL;
			if (n == 64 || (ts[n++] = tparse(p)) == NULL)
				return NULL;
		}
		return lh_type_tuple(p->a, ts, n);
	}
	if (teat(p, "object({")) {
		const char *names[64];
		const lh_type *ts[64];
		bool opt[64];
		lh_value *defs[64];
		bool anyopt = false;
		size_t n = 0;
		while (!teat(p, "})")) {
			if (n && !teat(p, ","))
				return NULL;
			if (n == 64)
				return NULL;
			tws(p);
			const char *st = p->s;
			while ((*p->s >= 'a' && *p->s <= 'z') || (*p->s >= 'A' && *p->s <= 'Z') ||
			    (*p->s >= '0' && *p->s <= '9') || *p->s == '_' || *p->s == '-')
				p->s++;
			names[n] = lh_arena_strndup(p->a, st, (size_t)(p->s - st));
			if (!teat(p, "="))
				return NULL;
			opt[n] = false;
			defs[n] = NULL;
			if (teat(p, "optional(")) {
				opt[n] = anyopt = true;
				if ((ts[n] = tparse(p)) == NULL)
					return NULL;
				if (teat(p, ",")) {
					/* The default is JSON text up to the matching ')'. */
					tws(p);
					const char *ds = p->s;
					int depth = 0;
					bool instr = false;
					for (; *p->s; p->s++) {
						char c = *p->s;
						if (instr) {
							if (c == '\\' && p->s[1])
								p->s++;
							else if (c == '"')
								instr = false;
							continue;
						}
						if (c == '"')
							instr = true;
						else if (c == '(' || c == '[' || c == '{')
							depth++;
						else if ((c == ')' || c == ']' || c == '}') && depth-- == 0)
							break;
					}
					const char *jerr;
					defs[n] = lh_val_jsondecode(p->a, ds, (size_t)(p->s - ds), &jerr);
					if (defs[n] == NULL)
						return NULL;
				}
				if (!teat(p, ")"))
					return NULL;
			} else if ((ts[n] = tparse(p)) == NULL) {
				return NULL;
			}
			n++;
		}
		/* lh_type_object sorts names; carry optional/defaults along. */
		const lh_type *t = lh_type_object(p->a, names, ts, n);
		if (anyopt) {
			lh_type *m = lh_arena_alloc(p->a, sizeof *m);
			*m = *t;
			bool *o = lh_arena_alloc(p->a, (n ? n : 1) * sizeof *o);
			lh_value **d = lh_arena_alloc(p->a, (n ? n : 1) * sizeof *d);
			for (size_t i = 0; i < n; i++)
				for (size_t j = 0; j < n; j++)
					if (strcmp(m->names[i], names[j]) == 0) {
						o[i] = opt[j];
						d[i] = defs[j];
					}
			m->optional = o;
			m->defaults = d;
			t = m;
		}
		return t;
	}
	return NULL;
}

const lh_type *
lh_type_parse(lh_arena *a, const char *s, const char **err)
{
	tp p = { .a = a, .s = s };
	const lh_type *t = tparse(&p);
	tws(&p);
	if (t == NULL || *p.s != 0) {
		if (err)
			*err = lh_arena_printf(a, "invalid type constraint near \"%s\"", p.s);
		return NULL;
	}
	return t;
}
