/* eval.c - expression evaluation (see eval.h): ast.h node -> lh_value.
 *
 * Follows HCL's hclsyntax evaluation and cty's operations: operands are converted
 * (arithmetic to number, logic to bool) except for == and != which never convert; an
 * unknown operand makes an unknown result of the operation's type; the sensitive mark
 * of any input is carried to the result.  Every error is a diagnostic on the range of
 * the offending expression, worded as Terraform words it. */
#include "eval.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* Appends room for one more element to an arena array of n elements whose capacity
 * follows lh_arena_grow's doubling (8, 16, 32 ...): grows only when it is full. */
#define GROW1(a, arr, n, sz) \
	(((n) == 0 || ((n) >= 8 && ((n) & ((n) - 1)) == 0)) ? lh_arena_grow((a), (arr), (n), (n) + 1, (sz)) : (void *)(arr))

#define MAX_DEPTH 256

void
lh_eval_init(lh_eval *ev, lh_arena *a, lh_diags *d, const char *basedir)
{
	*ev = (lh_eval){ .a = a, .d = d, .basedir = basedir ? basedir : "." };
}

/* ---- helpers ---------------------------------------------------------------- */

static lh_diag *
err_at(lh_eval *ev, const lh_source *src, uint32_t s, uint32_t e, const char *summary,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void diag_values(lh_eval *ev, lh_diag *g, const lh_node *x);
static void diag_values_because(lh_eval *ev, lh_diag *g, const lh_node *x, unsigned because);
static bool plain_root(const lh_eval *ev, const lh_node *step);

/* An error about src[s..e); when ev->diag_x is set, with the values of that
 * expression's references (diag_values). */
static lh_diag *
err_at(lh_eval *ev, const lh_source *src, uint32_t s, uint32_t e, const char *summary,
    const char *fmt, ...)
{
	const lh_node *x = ev->diag_x;
	/* an attribute step's error: HCL's expression is the whole traversal, but an
	 * attribute of a resource is checked against its schema before evaluation
	 * (Terraform's StaticValidateReferences), with no values */
	if (x == NULL && ev->diag_step != NULL && plain_root(ev, ev->diag_step))
		x = ev->diag_step;
	ev->diag_x = NULL;
	ev->diag_step = NULL;
	char buf[1024];
	const char *detail = NULL;
	if (fmt != NULL) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, sizeof buf, fmt, ap);
		va_end(ap);
		detail = buf;
	}
	lh_diag *g = lh_diag_add(ev->d, LH_DIAG_ERROR, src, s, e, summary,
	    detail ? "%s" : NULL, detail);
	g->context = ev->context;
	if (x != NULL)
		diag_values(ev, g, x);
	return g;
}

/* An error about node n, which is also the expression it describes. */
#define ERR(ev, n, summary, ...) ((ev)->diag_x = (n), err_at((ev), (n)->src, (n)->start, (n)->end, (summary), __VA_ARGS__))

static lh_value *
mark(lh_eval *ev, lh_value *v, bool sens)
{
	if (sens && v != NULL && !lh_val_is_sensitive(v))
		return lh_val_mark_sensitive(ev->a, v);
	return v;
}

/* v without its top-level sensitive mark (a shallow copy), for operating on it. */
static lh_value *
bare(lh_eval *ev, lh_value *v)
{
	if (!lh_val_is_sensitive(v))
		return v;
	lh_value *c = lh_arena_alloc(ev->a, sizeof *c);
	*c = *v;
	c->flags &= ~(unsigned)LH_VF_SENSITIVE;
	return c;
}

static bool
is_seq(const lh_type *t)
{
	return t->kind == LH_TY_LIST || t->kind == LH_TY_SET || t->kind == LH_TY_TUPLE;
}

static bool
is_map_like(const lh_type *t)
{
	return t->kind == LH_TY_MAP || t->kind == LH_TY_OBJECT;
}

/* cty's friendly type names, used in a few messages ("list of string", "tuple"). */
static const char *
friendly(lh_arena *a, const lh_type *t)
{
	switch (t->kind) {
	case LH_TY_DYNAMIC: return "dynamic";
	case LH_TY_STRING: return "string";
	case LH_TY_NUMBER: return "number";
	case LH_TY_BOOL: return "bool";
	case LH_TY_LIST: return lh_arena_printf(a, "list of %s", friendly(a, t->elem));
	case LH_TY_SET: return lh_arena_printf(a, "set of %s", friendly(a, t->elem));
	case LH_TY_MAP: return lh_arena_printf(a, "map of %s", friendly(a, t->elem));
	case LH_TY_TUPLE: return "tuple";
	case LH_TY_OBJECT: return "object";
	}
	return "value";
}

static const lh_binding *
find_binding(const lh_eval *ev, const char *name)
{
	/* (the same string, or one whose first byte matches: no call for the others) */
	for (const lh_binding *b = ev->scope; b != NULL; b = b->next)
		if (b->name == name || (name != NULL && b->name != NULL && b->name[0] == name[0] &&
		    strcmp(b->name, name) == 0))
			return b;
	return NULL;
}

static void
bind(lh_eval *ev, lh_binding *b, const char *name, lh_value *v)
{
	b->name = name;
	b->value = v;
	b->next = ev->scope;
	ev->scope = b;
}

/* the memo of calls in for expressions (see memo_find) */
#define MEMO_SLOTS 32
#define MEMO_ARGS 4
#define OBJ_MEMO 16
#define OBJ_KEYS 8
#define LIT_MEMO 32
typedef struct lh_call_memo {
	struct {
		const lh_node *call;
		lh_value *bound[MEMO_ARGS];	/* the bound names' values; NULL for constants */
		lh_value *result;
	} slot[MEMO_SLOTS];
	/* each call node's function, found and checked once (the name's checks depend on
	 * the node alone; try, can and templatestring are not kept) */
	struct {
		const lh_node *call;
		const lh_fdef *fd;
	} fn[MEMO_SLOTS];
	/* object constructors whose keys are all names ({team = ..., user = ...}):
	 * their keys sorted and shared (lh_intern_value_key) once, by node */
	struct obj_keys {
		const lh_node *node;
		size_t n;
		const char *skeys[OBJ_KEYS];	/* sorted and shared */
		unsigned char perm[OBJ_KEYS];	/* skeys[j] is key perm[j] of the node */
	} obj[OBJ_MEMO];
	/* the values of literal nodes (numbers, templates of literal text) */
	struct {
		const lh_node *node;
		lh_value *v;
	} lit[LIT_MEMO];
} call_memo;

static size_t
memo_hash(const lh_node *e, size_t cap)
{
	uintptr_t x = (uintptr_t)e >> 4;
	return (size_t)(x ^ x >> 5) & (cap - 1);
}

/* Literal node e's value remembered by the for expression running, or NULL. */
static lh_value *
memo_lit(const lh_eval *ev, const lh_node *e)
{
	if (ev->memo == NULL)
		return NULL;
	size_t h = memo_hash(e, LIT_MEMO);
	return ev->memo->lit[h].node == e ? ev->memo->lit[h].v : NULL;
}

static lh_value *
memo_lit_keep(lh_eval *ev, const lh_node *e, lh_value *v)
{
	if (ev->memo != NULL && v != NULL) {
		size_t h = memo_hash(e, LIT_MEMO);
		ev->memo->lit[h].node = e;
		ev->memo->lit[h].v = v;
	}
	return v;
}

/* e evaluated: a name a for expression (or templatefile) binds, and a literal number
 * the running for expression remembers, taken here without a call of eval (a third of
 * the nodes of a for expression's body are such leaves); anything else by eval.
 * (Past MAX_DEPTH eval reports it, as before.) */
static lh_value *eval(lh_eval *ev, const lh_node *e);

static inline lh_value *
eval_quick(lh_eval *ev, const lh_node *e)
{
	if (e != NULL && ev->depth <= MAX_DEPTH) {
		if (e->kind == LH_AST_VAR && ev->scope != NULL) {
			const lh_binding *b = find_binding(ev, e->u.var.name);
			if (b != NULL)
				return b->value;
		} else if (e->kind == LH_AST_NUMBER) {
			lh_value *v = memo_lit(ev, e);
			if (v != NULL)
				return v;
		}
	}
	return eval(ev, e);
}

/* ---- numbers ---------------------------------------------------------------- */

static lh_value *
arith(lh_eval *ev, const lh_node *n, lh_op op, lh_number x, lh_number y)
{
	char c = op == LH_OP_ADD ? '+' : op == LH_OP_SUB ? '-' : op == LH_OP_MUL ? '*' :
	    op == LH_OP_DIV ? '/' : '%';
	lh_number r;
	const char *why;
	if (!lh_number_arith(ev->a, c, x, y, &r, &why)) {
		ERR(ev, n, "Operation failed", "Error during operation: %s.", why);
		return NULL;
	}
	return lh_val_number(ev->a, r);
}

/* ---- forward ---------------------------------------------------------------- */

static lh_value *template_string(lh_eval *ev, const lh_node *t);

/* ---- operators -------------------------------------------------------------- */

/* Converts operand v for an operator; NULL after "Invalid operand". */
static lh_value *
operand(lh_eval *ev, const lh_node *n, lh_value *v, const lh_type *t, const char *which)
{
	/* already a known number (bool) without marks: what the conversion returns */
	if (v->type == t && (t == &lh_type_number || t == &lh_type_bool) && v->flags == 0)
		return v;
	const char *err = NULL;
	lh_value *c = lh_val_convert(ev->a, bare(ev, v), t, &err);
	if (c == NULL) {
		ERR(ev, n, "Invalid operand", "Unsuitable value for %s operand: %s.", which,
		    err ? err : "incorrect type");
		return NULL;
	}
	return c;
}

static lh_value *
eval_binary(lh_eval *ev, const lh_node *e)
{
	lh_op op = e->u.binary.op;
	lh_value *l = eval_quick(ev, e->u.binary.lhs);
	lh_value *r = eval_quick(ev, e->u.binary.rhs);
	if (l == NULL || r == NULL)
		return NULL;
	bool sens = lh_val_is_sensitive(l) || lh_val_is_sensitive(r);
	if (op == LH_OP_EQ || op == LH_OP_NE) {
		/* a mark anywhere inside either side marks the comparison */
		sens = lh_val_has_sensitive(l) || lh_val_has_sensitive(r);
		int eq = lh_val_equal(bare(ev, l), bare(ev, r));
		if (eq < 0)
			return mark(ev, lh_val_unknown(ev->a, &lh_type_bool), sens);
		return mark(ev, lh_val_bool(ev->a, op == LH_OP_EQ ? eq == 1 : eq == 0), sens);
	}
	const lh_type *t = (op == LH_OP_AND || op == LH_OP_OR) ? &lh_type_bool : &lh_type_number;
	lh_value *lc = l, *rc = r;
	/* known operands of the type without marks (most): as operand() returns them */
	if (l->type != t || r->type != t || l->flags != 0 || r->flags != 0) {
		lc = operand(ev, e->u.binary.lhs, l, t, "left");
		rc = operand(ev, e->u.binary.rhs, r, t, "right");
		if (lc == NULL || rc == NULL)
			return NULL;
		const lh_type *rt = (op >= LH_OP_LT && op <= LH_OP_GE) ? &lh_type_bool : t;
		if (lh_val_is_unknown(lc) || lh_val_is_unknown(rc))
			return mark(ev, lh_val_unknown(ev->a, rt), sens);
		if (lh_val_is_null(lc) || lh_val_is_null(rc)) {
			ERR(ev, e, "Operation failed", "Error during operation: argument must not be null.");
			return NULL;
		}
	}
	lh_value *res = NULL;
	switch (op) {
	case LH_OP_AND: res = lh_val_bool(ev->a, lc->u.b && rc->u.b); break;
	case LH_OP_OR: res = lh_val_bool(ev->a, lc->u.b || rc->u.b); break;
	case LH_OP_LT: res = lh_val_bool(ev->a, lh_number_cmp(lc->u.num, rc->u.num) < 0); break;
	case LH_OP_LE: res = lh_val_bool(ev->a, lh_number_cmp(lc->u.num, rc->u.num) <= 0); break;
	case LH_OP_GT: res = lh_val_bool(ev->a, lh_number_cmp(lc->u.num, rc->u.num) > 0); break;
	case LH_OP_GE: res = lh_val_bool(ev->a, lh_number_cmp(lc->u.num, rc->u.num) >= 0); break;
	default:
		if (lc->u.num.is_int && rc->u.num.is_int) {
			/* whole numbers without overflow (lh_number_arith's own first case,
			 * without its call) */
			int64_t x = lc->u.num.i, y = rc->u.num.i, z = 0;
			bool done = false;
			switch (op) {
			case LH_OP_ADD: done = !__builtin_add_overflow(x, y, &z); break;
			case LH_OP_SUB: done = !__builtin_sub_overflow(x, y, &z); break;
			case LH_OP_MUL:	/* (-1 * 0 is big.Float's -0: lh_number_arith makes it) */
				done = !__builtin_mul_overflow(x, y, &z) && (z != 0 || (x < 0) == (y < 0));
				break;
			case LH_OP_MOD: z = y == 0 ? x : y == -1 ? 0 : x % y; done = true; break;
			default: break;
			}
			if (done) {
				res = lh_val_int(ev->a, z);
				break;
			}
		}
		res = arith(ev, e, op, lc->u.num, rc->u.num);
		break;
	}
	return mark(ev, res, sens);
}

static lh_value *
eval_unary(lh_eval *ev, const lh_node *e)
{
	lh_value *v = eval(ev, e->u.unary.operand);
	if (v == NULL)
		return NULL;
	bool sens = lh_val_is_sensitive(v);
	bool neg = e->u.unary.op == LH_OP_NEG;
	const lh_type *t = neg ? &lh_type_number : &lh_type_bool;
	lh_value *c = operand(ev, e->u.unary.operand, v, t, "unary");
	if (c == NULL)
		return NULL;
	if (lh_val_is_unknown(c))
		return mark(ev, lh_val_unknown(ev->a, t), sens);
	if (lh_val_is_null(c)) {
		ERR(ev, e, "Operation failed", "Error during operation: argument must not be null.");
		return NULL;
	}
	if (!neg)
		return mark(ev, lh_val_bool(ev->a, !c->u.b), sens);
	/* -0 is negative zero, as big.Float */
	return mark(ev, lh_val_number(ev->a, lh_number_neg(ev->a, c->u.num)), sens);
}

/* ---- conditional ------------------------------------------------------------ */

/* Checks a condition value: NULL after a diagnostic; *unknown when not known. */
static lh_value *
condition(lh_eval *ev, const lh_node *n, lh_value *c)
{
	if (lh_val_is_null(c)) {
		ERR(ev, n, "Null condition", "The condition value is null. Conditions must either be true or false.");
		return NULL;
	}
	const char *err = NULL;
	lh_value *b = lh_val_convert(ev->a, bare(ev, c), &lh_type_bool, &err);
	if (b == NULL) {
		ERR(ev, n, "Incorrect condition type", "The condition expression must be of type bool.");
		return NULL;
	}
	return b;
}

/* Evaluates e with its diagnostics collected in *into (initialised here). */
static lh_value *
eval_aside(lh_eval *ev, const lh_node *e, lh_diags *into)
{
	lh_diags *outer = ev->d;
	lh_diags_init(into, ev->a);
	ev->d = into;
	lh_value *v = eval(ev, e);
	ev->d = outer;
	if (into->errors > 0)
		v = NULL;
	return v;
}

/* Adds the diagnostics of from to ev's. */
static void
diags_take(lh_eval *ev, const lh_diags *from)
{
	for (lh_diag *g = from->head; g != NULL; g = g->next) {
		lh_diag *c = lh_diag_add(ev->d, g->sev, g->src, g->start, g->end, g->summary,
		    g->detail ? "%s" : NULL, g->detail);
		c->context = g->context;
		lh_diag_copy_values(ev->d, c, g);
	}
}

/* HCL evaluates both results (their types decide the result type) but reports only
 * the diagnostics of the one the condition picks (both when it is unknown); a result
 * that failed counts as of any type. */
static lh_value *
eval_cond(lh_eval *ev, const lh_node *e)
{
	lh_diags td, fd;
	lh_value *t = eval_aside(ev, e->u.cond.t, &td);
	lh_value *f = eval_aside(ev, e->u.cond.f, &fd);
	lh_value *c = eval(ev, e->u.cond.cond);
	if (c == NULL)
		return NULL;
	lh_value *b = condition(ev, e->u.cond.cond, c);
	if (b == NULL)
		return NULL;
	if (lh_val_is_unknown(b) || b->u.b)
		diags_take(ev, &td);
	if (lh_val_is_unknown(b) || !b->u.b)
		diags_take(ev, &fd);
	if (lh_val_is_unknown(b) ? (t == NULL || f == NULL) : (b->u.b ? t == NULL : f == NULL))
		return NULL;
	if (t == NULL)
		t = lh_val_unknown(ev->a, &lh_type_dynamic);
	if (f == NULL)
		f = lh_val_unknown(ev->a, &lh_type_dynamic);
	bool sens = lh_val_is_sensitive(c);
	const lh_type *ut = lh_type_unify(ev->a, t->type, f->type);
	/* an untyped null takes the other result's type (true ? null : "x" is tostring(null)) */
	if (ut != NULL && ut->kind == LH_TY_DYNAMIC) {
		if (t->type->kind == LH_TY_DYNAMIC && lh_val_is_null(t) && !lh_val_is_unknown(t))
			ut = f->type;
		else if (f->type->kind == LH_TY_DYNAMIC && lh_val_is_null(f) && !lh_val_is_unknown(f))
			ut = t->type;
	}
	if (ut == NULL) {
		ev->diag_x = e;
		err_at(ev, e->src, e->u.cond.t->start, e->u.cond.f->end, "Inconsistent conditional result types",
		    "The true and false result expressions must have consistent types. The 'true' value is %s, but the 'false' value is %s.",
		    friendly(ev->a, t->type), friendly(ev->a, f->type));
		return NULL;
	}
	if (lh_val_is_unknown(b))
		return mark(ev, lh_val_unknown(ev->a, ut), sens);
	lh_value *pick = b->u.b ? t : f;
	const lh_node *pn = b->u.b ? e->u.cond.t : e->u.cond.f;
	if (lh_val_is_null(pick) && !lh_val_is_unknown(pick))
		return mark(ev, lh_val_null(ev->a, ut), sens || lh_val_is_sensitive(pick));
	const char *err = NULL;
	lh_value *r = lh_val_convert(ev->a, pick, ut, &err);
	if (r == NULL) {
		ERR(ev, pn, "Inconsistent conditional result types",
		    "The %s result value is not compatible with the result type: %s.",
		    b->u.b ? "true" : "false", err ? err : "incorrect type");
		return NULL;
	}
	return mark(ev, r, sens);
}

/* ---- attribute and index access --------------------------------------------- */

/* When obj names a resource or one of its instances as a static traversal (TYPE.NAME,
 * data.TYPE.NAME, either with a literal [key]) - what Terraform checks against the
 * resource's schema before evaluating - the step naming the resource, else NULL. */
static const lh_node *
resource_traversal(const lh_node *obj)
{
	if (obj->kind == LH_AST_INDEX) {
		const lh_node *k = obj->u.index.key;
		bool lit = k->kind == LH_AST_NUMBER || (k->kind == LH_AST_TEMPLATE &&
		    k->u.tmpl.quoted && (k->u.tmpl.n == 0 ||
		    (k->u.tmpl.n == 1 && k->u.tmpl.parts[0]->kind == LH_AST_TLIT)));
		if (!lit)
			return NULL;
		obj = obj->u.index.obj;
	}
	if (obj->kind != LH_AST_GETATTR)
		return NULL;
	const lh_node *r = obj->u.getattr.obj;
	if (r->kind == LH_AST_GETATTR && r->u.getattr.obj->kind == LH_AST_VAR)
		return strcmp(r->u.getattr.obj->u.var.name, "data") == 0 ? obj : NULL;
	if (r->kind != LH_AST_VAR)
		return NULL;
	static const char *const other[] = {"var", "local", "each", "count", "path",
		"terraform", "self", "module", "data"};
	const char *nm = r->u.var.name;
	for (size_t i = 0; i < sizeof other / sizeof *other; i++)
		if (nm[0] == other[i][0] && strcmp(nm, other[i]) == 0)
			return NULL;
	return obj;
}

/* ref: the step naming the resource the attribute is taken from (resource_traversal),
 * or NULL. */
static lh_value *
get_attr(lh_eval *ev, lh_value *v, const char *name, const lh_node *ref, const lh_source *src,
    uint32_t s, uint32_t e)
{
	bool sens = lh_val_is_sensitive(v);
	const lh_type *t = v->type;
	if (lh_val_is_null(v) && !lh_val_is_unknown(v)) {
		err_at(ev, src, s, e, "Attempt to get attribute from null value",
		    "This value is null, so it does not have any attributes.");
		return NULL;
	}
	switch (t->kind) {
	case LH_TY_DYNAMIC:
		return mark(ev, lh_val_unknown(ev->a, &lh_type_dynamic), sens);
	case LH_TY_OBJECT: {
		/* names are sorted bytewise (value.h): binary search */
		size_t lo = 0, hi = t->n;
		while (lo < hi) {
			size_t i = lo + (hi - lo) / 2;
			int c = strcmp(t->names[i], name);
			if (c < 0) {
				lo = i + 1;
				continue;
			}
			if (c > 0) {
				hi = i;
				continue;
			}
			if (lh_val_is_unknown(v))
				return mark(ev, lh_val_unknown(ev->a, t->types[i]), sens);
			/* the value's keys are usually its type's names */
			lh_value *r = v->u.map.keys == t->names && v->u.map.n == t->n ?
			    v->u.map.vals[i] : lh_val_get(v, name);
			return r ? mark(ev, r, sens) : lh_val_null(ev->a, t->types[i]);
		}
	}
		{
			const char *const *names = ref && ev->res_attrs ? ev->res_attrs(ev, ref) : NULL;
			if (names != NULL) {
				/* Terraform checks a reference to a resource against its schema */
				const char *sug = lh_eval_suggest(name, names);
				err_at(ev, src, s, e, "Unsupported attribute",
				    "This object has no argument, nested block, or exported attribute named \"%s\".%s%s%s",
				    name, sug ? " Did you mean \"" : "", sug ? sug : "", sug ? "\"?" : "");
				return NULL;
			}
		}
		err_at(ev, src, s, e, "Unsupported attribute",
		    "This object does not have an attribute named \"%s\".", name);
		return NULL;
	case LH_TY_MAP: {
		if (lh_val_is_unknown(v))
			return mark(ev, lh_val_unknown(ev->a, t->elem), sens);
		lh_value *r = lh_val_get(v, name);
		if (r == NULL) {
			err_at(ev, src, s, e, "Missing map element",
			    "This map does not have an element with the key \"%s\".", name);
			return NULL;
		}
		return mark(ev, r, sens);
	}
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_TUPLE:
		err_at(ev, src, s, e, "Unsupported attribute", "This value does not have any attributes.");
		return NULL;
	default:
		err_at(ev, src, s, e, "Unsupported attribute",
		    "Can't access attributes on a primitive-typed value (%s).", friendly(ev->a, t));
		return NULL;
	}
}

static lh_value *
get_index(lh_eval *ev, lh_value *v, lh_value *k, const lh_source *src, uint32_t s,
    uint32_t e)
{
	bool sens = lh_val_is_sensitive(v) || lh_val_is_sensitive(k);
	const lh_type *t = v->type;
	const char *what = "The given key does not identify an element in this collection value";
	if (lh_val_is_null(v) && !lh_val_is_unknown(v)) {
		err_at(ev, src, s, e, "Attempt to index null value",
		    "This value is null, so it does not have any indices.");
		return NULL;
	}
	if (lh_val_is_null(k) && !lh_val_is_unknown(k)) {
		err_at(ev, src, s, e, "Invalid index", "Can't use a null value as an indexing key.");
		return NULL;
	}
	if (t->kind == LH_TY_SET) {
		err_at(ev, src, s, e, "Invalid index",
		    "Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.");
		return NULL;
	}
	if (t->kind == LH_TY_STRING || t->kind == LH_TY_NUMBER || t->kind == LH_TY_BOOL) {
		err_at(ev, src, s, e, "Invalid index", "This value does not have any indices.");
		return NULL;
	}
	if (t->kind == LH_TY_DYNAMIC)
		return mark(ev, lh_val_unknown(ev->a, &lh_type_dynamic), sens);
	const char *err = NULL;
	if (t->kind == LH_TY_LIST || t->kind == LH_TY_TUPLE) {
		lh_value *kn = lh_val_convert(ev->a, bare(ev, k), &lh_type_number, &err);
		if (kn == NULL) {
			err_at(ev, src, s, e, "Invalid index", "%s: %s.", what, err ? err : "a number is required");
			return NULL;
		}
		if (lh_val_is_unknown(kn) || lh_val_is_unknown(v)) {
			const lh_type *rt = t->kind == LH_TY_LIST ? t->elem : &lh_type_dynamic;
			return mark(ev, lh_val_unknown(ev->a, rt), sens);
		}
		lh_number num = kn->u.num;
		if (!lh_number_is_integer(num)) {
			err_at(ev, src, s, e, "Invalid index",
			    "%s: indexing a sequence requires a whole number, but the given index has a fractional part.", what);
			return NULL;
		}
		if (lh_number_sign(num) < 0) {
			err_at(ev, src, s, e, "Invalid index",
			    "%s: a negative number is not a valid index for a sequence.", what);
			return NULL;
		}
		if (!num.is_int) {	/* an integer beyond int64 */
			err_at(ev, src, s, e, "Invalid index", "%s.", what);
			return NULL;
		}
		if (num.i < 0) {
			err_at(ev, src, s, e, "Invalid index",
			    "%s: a negative number is not a valid index for a sequence.", what);
			return NULL;
		}
		if ((uint64_t)num.i >= v->u.seq.n) {
			err_at(ev, src, s, e, "Invalid index", "%s.", what);
			return NULL;
		}
		return mark(ev, v->u.seq.items[num.i], sens);
	}
	/* map or object */
	lh_value *ks = lh_val_convert(ev->a, bare(ev, k), &lh_type_string, &err);
	if (ks == NULL) {
		err_at(ev, src, s, e, "Invalid index", "%s: %s.", what, err ? err : "string required");
		return NULL;
	}
	if (lh_val_is_unknown(ks) || lh_val_is_unknown(v)) {
		const lh_type *rt = t->kind == LH_TY_MAP ? t->elem : &lh_type_dynamic;
		if (t->kind == LH_TY_OBJECT && !lh_val_is_unknown(ks))
			for (size_t i = 0; i < t->n; i++)
				if (strcmp(t->names[i], ks->u.str.s) == 0)
					rt = t->types[i];
		return mark(ev, lh_val_unknown(ev->a, rt), sens);
	}
	lh_value *r = lh_val_get(v, ks->u.str.s);
	if (r == NULL) {
		err_at(ev, src, s, e, "Invalid index", "%s.", what);
		return NULL;
	}
	return mark(ev, r, sens);
}

/* Range of a traversal step: ".name" for an attribute, "[key]" for an index. */
void
lh_eval_step_range(const lh_node *n, uint32_t *s, uint32_t *e)
{
	if (n->kind == LH_AST_GETATTR) {
		*s = n->u.getattr.name_start > n->u.getattr.obj->end ? n->u.getattr.name_start - 1 : n->u.getattr.obj->end;
		*e = n->u.getattr.name_end;
	} else {
		*s = n->u.index.obj->end;
		*e = n->end;
		if (*s >= *e)
			*s = n->start;
	}
}

/* The root of the traversal step is on is a name Terraform's scope gives HCL as a
 * value (var, local, each, count, path, terraform, a for binding), not a resource. */
static bool
plain_root(const lh_eval *ev, const lh_node *step)
{
	const lh_node *r = step;
	while (r->kind == LH_AST_GETATTR || r->kind == LH_AST_INDEX)
		r = r->kind == LH_AST_GETATTR ? r->u.getattr.obj : r->u.index.obj;
	if (r->kind != LH_AST_VAR)
		return true;	/* a computed value: (f(x)).a */
	static const char *const plain[] = { "var", "local", "each", "count", "path",
		"terraform", NULL };
	for (int i = 0; plain[i] != NULL; i++)
		if (strcmp(r->u.var.name, plain[i]) == 0)
			return true;
	return find_binding(ev, r->u.var.name) != NULL;
}

/* Applies step (GETATTR or INDEX) to an already computed v. */
static lh_value *
apply_step(lh_eval *ev, const lh_node *step, lh_value *v)
{
	uint32_t s, e;
	lh_eval_step_range(step, &s, &e);
	lh_value *r;
	if (step->kind == LH_AST_GETATTR) {
		ev->diag_step = step;
		r = get_attr(ev, v, step->u.getattr.name,
		    resource_traversal(step->u.getattr.obj), step->src, s, e);
		ev->diag_step = NULL;
		return r;
	}
	lh_value *k = eval(ev, step->u.index.key);
	if (k == NULL)
		return NULL;
	ev->diag_x = step;
	r = get_index(ev, v, k, step->src, s, e);
	ev->diag_x = NULL;
	return r;
}

lh_value *
lh_eval_steps(lh_eval *ev, lh_value *v, const lh_node *const *steps, int n)
{
	for (int i = 0; i < n && v != NULL; i++)
		v = apply_step(ev, steps[i], v);
	return v;
}

/* A root name: a for/templatefile binding, or the caller's lookup. */
static lh_value *
eval_root(lh_eval *ev, const lh_node *root, const lh_node *step, bool *consumed)
{
	*consumed = false;
	const lh_binding *b = find_binding(ev, root->u.var.name);
	if (b != NULL)
		return b->value;
	if (ev->on_ref != NULL)
		ev->on_ref(ev, root, step);
	if (ev->lookup != NULL)
		return ev->lookup(ev, root, step, consumed);
	ERR(ev, root, "Unknown variable", "There is no variable named \"%s\".", root->u.var.name);
	return NULL;
}

/* e is data.TYPE.NAME: a GETATTR over a GETATTR over the root "data". */
static bool
is_data_ref(const lh_node *e)
{
	if (e->kind != LH_AST_GETATTR)
		return false;
	const lh_node *t = e->u.getattr.obj;
	return t->kind == LH_AST_GETATTR && t->u.getattr.obj->kind == LH_AST_VAR &&
	    strcmp(t->u.getattr.obj->u.var.name, "data") == 0;
}

static lh_value *
eval_step(lh_eval *ev, const lh_node *e)
{
	const lh_node *obj = e->kind == LH_AST_GETATTR ? e->u.getattr.obj : e->u.index.obj;
	lh_value *v;
	if (is_data_ref(e)) {
		/* data.TYPE.NAME: the lookup answers the two steps at once (a data
		 * resource is named by both), see lh_eval_walk_refs */
		bool consumed;
		v = eval_root(ev, obj->u.getattr.obj, e, &consumed);
		if (v == NULL || consumed)
			return v;
		v = apply_step(ev, obj, v);
		return v == NULL ? NULL : apply_step(ev, e, v);
	}
	if (obj->kind == LH_AST_VAR) {
		bool consumed;
		v = eval_root(ev, obj, e, &consumed);
		if (v == NULL || consumed)
			return v;
	} else {
		v = eval(ev, obj);
		if (v == NULL)
			return NULL;
	}
	return apply_step(ev, e, v);
}


/* ---- key index: finds duplicate object keys in O(1) ------------------------------ */

typedef struct {
	size_t *slot;		/* index + 1, 0 = empty */
	size_t cap;
	const char **keys;	/* the caller's key array */
} keyidx;

static size_t
key_hash(const char *s)
{
	size_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
keyidx_init(keyidx *x, lh_arena *a, const char **keys, size_t max)
{
	x->cap = 16;
	while (x->cap < max * 2)
		x->cap *= 2;
	x->slot = lh_arena_alloc(a, x->cap * sizeof *x->slot);
	x->keys = keys;
}

/* Returns the index of k among the keys seen so far, or inserts it as index `next` and
 * returns next. */
static size_t
keyidx_find(keyidx *x, const char *k, size_t next)
{
	size_t h = key_hash(k) & (x->cap - 1);
	while (x->slot[h]) {
		if (strcmp(x->keys[x->slot[h] - 1], k) == 0)
			return x->slot[h] - 1;
		h = (h + 1) & (x->cap - 1);
	}
	x->slot[h] = next + 1;
	return next;
}

/* ---- collections ------------------------------------------------------------ */

static lh_value *
eval_tuple(lh_eval *ev, const lh_node *e)
{
	size_t n = e->u.tuple.n;
	lh_value **items = lh_arena_alloc(ev->a, (n ? n : 1) * sizeof *items);
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		items[i] = eval_quick(ev, e->u.tuple.items[i]);
		if (items[i] == NULL)
			ok = false;
	}
	return ok ? lh_val_tuple(ev->a, items, n) : NULL;
}

/* The string value of an object key; NULL after a diagnostic; *unknown set when the
 * key is not known yet. */
static const char *
object_key(lh_eval *ev, const lh_node *kn, bool *unknown, bool *sens)
{
	if (kn->kind == LH_AST_VAR)
		return kn->u.var.name;
	if (kn->kind == LH_AST_NULL)
		return "null";	/* a bare keyword is its name, as HCL's ExprAsKeyword */
	lh_value *k = eval(ev, kn);
	if (k == NULL)
		return NULL;
	if (lh_val_is_sensitive(k))
		*sens = true;
	if (lh_val_is_null(k) && !lh_val_is_unknown(k)) {
		ERR(ev, kn, "Null value as key", "Can't use a null value as a key.");
		return NULL;
	}
	const char *err = NULL;
	lh_value *s = lh_val_convert(ev->a, bare(ev, k), &lh_type_string, &err);
	if (s == NULL) {
		ERR(ev, kn, "Incorrect key type", "Can't use this value as a key: %s.", err ? err : "string required");
		return NULL;
	}
	if (lh_val_is_unknown(s)) {
		*unknown = true;
		return "";
	}
	return s->u.str.s;
}

/* e's entry in the memo of the for expression running (made when missing), or NULL
 * outside one and for an object whose keys are not all distinct ASCII names (see
 * call_memo). */
static const struct obj_keys *
object_keys(lh_eval *ev, const lh_node *e)
{
	size_t n = e->u.object.n;
	if (ev->memo == NULL || n == 0 || n > OBJ_KEYS)
		return NULL;
	uintptr_t x = (uintptr_t)e >> 4;
	struct obj_keys *om = &ev->memo->obj[(x ^ x >> 5) & (OBJ_MEMO - 1)];
	if (om->node == e)
		return om;
	struct obj_keys t = { .node = e, .n = n };
	const char *names[OBJ_KEYS];
	for (size_t i = 0; i < n; i++) {
		const lh_node *kn = e->u.object.keys[i];
		if (kn->kind != LH_AST_VAR)
			return NULL;
		const char *nm = kn->u.var.name;
		for (const char *p = nm; *p; p++)
			if ((unsigned char)*p >= 0x80)
				return NULL;	/* (lh_val_object normalizes such names) */
		names[i] = nm;
		/* insertion into sorted order; a name given twice is left to the general
		 * path */
		size_t j = i;
		while (j > 0 && strcmp(names[t.perm[j - 1]], nm) > 0) {
			t.perm[j] = t.perm[j - 1];
			j--;
		}
		if (j > 0 && strcmp(names[t.perm[j - 1]], nm) == 0)
			return NULL;
		t.perm[j] = (unsigned char)i;
	}
	for (size_t j = 0; j < n; j++) {
		t.skeys[j] = lh_intern_value_key(names[t.perm[j]]);
		if (t.skeys[j] == NULL)
			return NULL;
	}
	*om = t;
	return om;
}

static lh_value *
eval_object(lh_eval *ev, const lh_node *e)
{
	const struct obj_keys *om = object_keys(ev, e);
	if (om != NULL) {
		size_t n = om->n;
		lh_value *v[OBJ_KEYS];
		bool ok = true;
		for (size_t i = 0; i < n; i++)
			if ((v[i] = eval_quick(ev, e->u.object.values[i])) == NULL)
				ok = false;
		if (!ok)
			return NULL;
		/* (om may have been replaced while the values were evaluated) */
		lh_value **vals = lh_arena_alloc(ev->a, n * sizeof *vals);
		om = object_keys(ev, e);
		if (om != NULL) {
			for (size_t j = 0; j < n; j++)
				vals[j] = v[om->perm[j]];
			return lh_val_object_sorted(ev->a, om->skeys, vals, n);
		}
		const char **keys = lh_arena_alloc(ev->a, n * sizeof *keys);
		for (size_t i = 0; i < n; i++)
			keys[i] = e->u.object.keys[i]->u.var.name;
		return lh_val_object(ev->a, keys, v, n);
	}
	size_t n = e->u.object.n, m = 0;
	const char **keys = lh_arena_alloc(ev->a, (n ? n : 1) * sizeof *keys);
	lh_value **vals = lh_arena_alloc(ev->a, (n ? n : 1) * sizeof *vals);
	bool ok = true, unknown = false, sens = false;
	keyidx ki;
	keyidx_init(&ki, ev->a, keys, n);
	for (size_t i = 0; i < n; i++) {
		const char *k = object_key(ev, e->u.object.keys[i], &unknown, &sens);
		lh_value *v = eval_quick(ev, e->u.object.values[i]);
		if (k == NULL || v == NULL) {
			ok = false;
			continue;
		}
		keys[m] = k;
		size_t j = keyidx_find(&ki, k, m);
		keys[j] = k;
		vals[j] = v;
		if (j == m)
			m++;
	}
	if (!ok)
		return NULL;
	if (unknown)
		return mark(ev, lh_val_unknown(ev->a, &lh_type_dynamic), sens);
	return mark(ev, lh_val_object(ev->a, keys, vals, m), sens);
}

/* Iteration over a collection for `for` expressions and %{for}: fills keys/values. */
typedef struct {
	size_t n;
	lh_value **keys, **vals;
} iter;

static bool
iterable_type(const lh_type *t)
{
	return t->kind == LH_TY_DYNAMIC || is_seq(t) || is_map_like(t);
}

static bool
iterate(lh_eval *ev, const lh_node *cn, lh_value *c, iter *it)
{
	bool sens = lh_val_is_sensitive(c);
	const lh_type *t = c->type;
	if (!is_seq(t) && !is_map_like(t)) {
		ERR(ev, cn, "Iteration over non-iterable value",
		    "A value of type %s cannot be used as the collection in a 'for' expression.",
		    friendly(ev->a, t));
		return false;
	}
	size_t n = is_seq(t) ? c->u.seq.n : c->u.map.n;
	it->n = n;
	it->keys = lh_arena_alloc(ev->a, (n ? n : 1) * sizeof *it->keys);
	it->vals = lh_arena_alloc(ev->a, (n ? n : 1) * sizeof *it->vals);
	for (size_t i = 0; i < n; i++) {
		if (is_seq(t)) {
			it->vals[i] = c->u.seq.items[i];
			it->keys[i] = t->kind == LH_TY_SET ? c->u.seq.items[i] : lh_val_int(ev->a, (int64_t)i);
		} else {
			it->vals[i] = c->u.map.vals[i];
			it->keys[i] = lh_val_cstr(ev->a, c->u.map.keys[i]);
		}
	}
	/* HCL unmarks the collection and marks the result instead (the caller does):
	 * the elements bound to the names carry only their own marks */
	(void)sens;
	return true;
}

static lh_value *eval_for_run(lh_eval *ev, const lh_node *e);

/* The outermost for expression holds the memo of its calls (see call_memo). */
static lh_value *
eval_for(lh_eval *ev, const lh_node *e)
{
	if (ev->memo != NULL)
		return eval_for_run(ev, e);
	call_memo m;
	memset(&m, 0, sizeof m);
	ev->memo = &m;
	lh_value *r = eval_for_run(ev, e);
	ev->memo = NULL;
	return r;
}

static lh_value *
eval_for_run(lh_eval *ev, const lh_node *e)
{
	const lh_node *cn = e->u.forx.coll;
	lh_value *c = eval(ev, cn);
	if (c == NULL)
		return NULL;
	bool sens = lh_val_is_sensitive(c);
	if (lh_val_is_null(c) && !lh_val_is_unknown(c)) {
		ERR(ev, cn, "Iteration over null value",
		    "A null value cannot be used as the collection in a 'for' expression.");
		return NULL;
	}
	if (lh_val_is_unknown(c)) {
		if (!iterable_type(c->type)) {
			ERR(ev, cn, "Iteration over non-iterable value",
			    "A value of type %s cannot be used as the collection in a 'for' expression.",
			    friendly(ev->a, c->type));
			return NULL;
		}
		return mark(ev, lh_val_unknown(ev->a, &lh_type_dynamic), sens);
	}
	iter it;
	if (!iterate(ev, cn, c, &it))
		return NULL;
	lh_binding *saved = ev->scope;
	lh_binding kb, vb;
	lh_value **out = lh_arena_alloc(ev->a, (it.n ? it.n : 1) * sizeof *out);
	const char **okeys = lh_arena_alloc(ev->a, (it.n ? it.n : 1) * sizeof *okeys);
	/* the values of each key, when grouping (...) */
	bool group = e->u.forx.object && e->u.forx.group;
	size_t *ocount = group ? lh_arena_alloc(ev->a, (it.n ? it.n : 1) * sizeof *ocount) : NULL;
	lh_value ***groups = group ? lh_arena_alloc(ev->a, (it.n ? it.n : 1) * sizeof *groups) : NULL;
	size_t m = 0;
	bool ok = true, unknown = false;
	keyidx ki;
	keyidx_init(&ki, ev->a, okeys, it.n);
	for (size_t i = 0; i < it.n && ok; i++) {
		ev->scope = saved;
		if (e->u.forx.key_var != NULL)
			bind(ev, &kb, e->u.forx.key_var, it.keys[i]);
		bind(ev, &vb, e->u.forx.val_var, it.vals[i]);
		if (e->u.forx.cond != NULL) {
			lh_value *cv = eval(ev, e->u.forx.cond);
			if (cv == NULL) {
				ok = false;
				break;
			}
			if (lh_val_is_null(cv) && !lh_val_is_unknown(cv)) {
				ERR(ev, e->u.forx.cond, "Condition is null", "The value of the 'if' clause must not be null.");
				ok = false;
				break;
			}
			const char *err = NULL;
			lh_value *b = lh_val_convert(ev->a, bare(ev, cv), &lh_type_bool, &err);
			if (b == NULL) {
				ERR(ev, e->u.forx.cond, "Invalid 'for' condition",
				    "The 'if' clause value is invalid: %s.", err ? err : "bool required");
				ok = false;
				break;
			}
			if (lh_val_is_sensitive(cv))
				sens = true;
			if (lh_val_is_unknown(b)) {
				unknown = true;
				continue;
			}
			if (!b->u.b)
				continue;
		}
		if (!e->u.forx.object) {
			lh_value *v = eval(ev, e->u.forx.value);
			if (v == NULL)
				ok = false;
			else
				out[m++] = v;
			continue;
		}
		bool kunk = false;
		const lh_node *kn = e->u.forx.key;
		lh_value *kv = eval(ev, kn);
		lh_value *v = eval(ev, e->u.forx.value);
		if (kv == NULL || v == NULL) {
			ok = false;
			break;
		}
		if (lh_val_is_null(kv) && !lh_val_is_unknown(kv)) {
			ERR(ev, kn, "Invalid object key", "Key expression in 'for' expression must not produce a null value.");
			ok = false;
			break;
		}
		const char *err = NULL;
		lh_value *ks = lh_val_convert(ev->a, bare(ev, kv), &lh_type_string, &err);
		if (ks == NULL) {
			ERR(ev, kn, "Invalid object key", "The key expression produced an invalid result: %s.",
			    err ? err : "string required");
			ok = false;
			break;
		}
		if (lh_val_is_sensitive(kv))
			sens = true;
		if (lh_val_is_unknown(ks))
			kunk = true;
		if (kunk) {
			unknown = true;
			continue;
		}
		const char *k = ks->u.str.s;
		okeys[m] = k;
		size_t j = keyidx_find(&ki, k, m);
		if (j < m) {
			if (!e->u.forx.group) {
				ERR(ev, kn, "Duplicate object key",
				    "Two different items produced the key \"%s\" in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.", k);
				ok = false;
				break;
			}
			groups[j] = GROW1(ev->a, groups[j], ocount[j], sizeof(lh_value *));
			groups[j][ocount[j]++] = v;
			continue;
		}
		okeys[m] = k;
		out[m] = v;
		if (group) {
			ocount[m] = 1;
			groups[m] = lh_arena_alloc(ev->a, 8 * sizeof(lh_value *));
			groups[m][0] = v;
		}
		m++;
	}
	ev->scope = saved;
	if (!ok)
		return NULL;
	if (unknown)
		return mark(ev, lh_val_unknown(ev->a, &lh_type_dynamic), sens);
	lh_value *r;
	if (!e->u.forx.object) {
		r = lh_val_tuple(ev->a, out, m);
	} else {
		if (e->u.forx.group)
			for (size_t j = 0; j < m; j++)
				out[j] = lh_val_tuple(ev->a, groups[j], ocount[j]);
		r = lh_val_object_data(ev->a, okeys, out, m);
	}
	return mark(ev, r, sens);
}

static lh_value *
splat_run(lh_eval *ev, lh_value *src, const lh_node **chain, size_t nchain);

/* A full splat after a full splat (x[*][*].name) applies to each element of the first,
 * as HCL parses it: x[*] with each = (that element)[*].name. */
static lh_value *
eval_splat(lh_eval *ev, const lh_node *e)
{
	const lh_node *chain[64];
	size_t k = 0;
	const lh_node *root = e;
	chain[k++] = e;
	while (k < 64 && root->u.splat.full && root->u.splat.src->kind == LH_AST_SPLAT &&
	    root->u.splat.src->u.splat.full) {
		root = root->u.splat.src;
		chain[k++] = root;
	}
	/* innermost first */
	for (size_t i = 0; i < k / 2; i++) {
		const lh_node *t = chain[i];
		chain[i] = chain[k - 1 - i];
		chain[k - 1 - i] = t;
	}
	lh_value *src = eval(ev, root->u.splat.src);
	if (src == NULL)
		return NULL;
	return splat_run(ev, src, chain, k);
}

/* Applies chain[0]'s each to src's elements, then chain[1..] to each result. */
static lh_value *
splat_run(lh_eval *ev, lh_value *src, const lh_node **chain, size_t nchain)
{
	const lh_node *e = chain[0];
	bool sens = lh_val_is_sensitive(src);
	if (lh_val_is_unknown(src))
		return mark(ev, lh_val_unknown(ev->a, &lh_type_dynamic), sens);
	if (lh_val_is_null(src))
		return mark(ev, lh_val_tuple(ev->a, NULL, 0), sens);
	lh_value **items;
	size_t n;
	bool was_list = false;
	if (is_seq(src->type)) {
		items = src->u.seq.items;
		n = src->u.seq.n;
		was_list = src->type->kind != LH_TY_TUPLE;
	} else {
		items = &src;
		n = 1;
	}
	lh_value **out = lh_arena_alloc(ev->a, (n ? n : 1) * sizeof *out);
	lh_binding *saved = ev->scope;
	lh_binding ab;
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		ev->scope = saved;
		bind(ev, &ab, NULL, mark(ev, items[i], sens));
		out[i] = eval(ev, e->u.splat.each);
		if (out[i] != NULL && nchain > 1) {
			ev->scope = saved;
			out[i] = splat_run(ev, out[i], chain + 1, nchain - 1);
		}
		if (out[i] == NULL)
			ok = false;
	}
	ev->scope = saved;
	if (!ok)
		return NULL;
	lh_value *r = lh_val_tuple(ev->a, out, n);
	if (was_list) {
		const char *err = NULL;
		const lh_type *lt = lh_type_list(ev->a, &lh_type_dynamic);
		lh_value *l = lh_val_convert(ev->a, r, lt, &err);
		if (l != NULL)
			r = l;
	}
	return mark(ev, r, sens);
}

/* ---- templates -------------------------------------------------------------- */

typedef struct {
	char *buf;
	size_t len, cap;
	lh_arena *a;
} sbuf;

static void
sb_put(sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t need = b->len + n + 1;
		b->buf = lh_arena_grow(b->a, b->buf, b->len, need, 1);
		b->cap = need < 8 ? 8 : (b->len < 4 ? 8 : b->len * 2);
		if (b->cap < need)
			b->cap = need;
	}
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

/* Appends the parts of template t to b; returns false after errors. */
static bool
template_parts(lh_eval *ev, const lh_node *t, sbuf *b, bool *unknown, bool *sens)
{
	bool ok = true;
	for (size_t i = 0; i < t->u.tmpl.n; i++) {
		const lh_node *p = t->u.tmpl.parts[i];
		switch (p->kind) {
		case LH_AST_TLIT:
			sb_put(b, p->u.lit.text, p->u.lit.len);
			break;
		case LH_AST_TINTERP: {
			lh_value *v = eval_quick(ev, p->u.interp.expr);
			if (v == NULL) {
				ok = false;
				break;
			}
			if (lh_val_is_sensitive(v))
				*sens = true;
			if (lh_val_is_null(v) && !lh_val_is_unknown(v)) {
				ERR(ev, p->u.interp.expr, "Invalid template interpolation value",
				    "The expression result is null. Cannot include a null value in a string template.");
				ok = false;
				break;
			}
			const char *err = NULL;
			lh_value *s = lh_val_convert(ev->a, bare(ev, v), &lh_type_string, &err);
			if (s == NULL) {
				ERR(ev, p->u.interp.expr, "Invalid template interpolation value",
				    "Cannot include the given value in a string template: %s.", err ? err : "string required");
				ok = false;
				break;
			}
			if (lh_val_is_unknown(s))
				*unknown = true;
			else
				sb_put(b, s->u.str.s, s->u.str.len);
			break;
		}
		case LH_AST_TIF: {
			lh_value *c = eval(ev, p->u.tif.cond);
			if (c == NULL) {
				ok = false;
				break;
			}
			lh_value *cb = condition(ev, p->u.tif.cond, c);
			if (cb == NULL) {
				ok = false;
				break;
			}
			if (lh_val_is_sensitive(c))
				*sens = true;
			if (lh_val_is_unknown(cb)) {
				*unknown = true;
				break;
			}
			const lh_node *body = cb->u.b ? p->u.tif.then : p->u.tif.els;
			if (body != NULL && !template_parts(ev, body, b, unknown, sens))
				ok = false;
			break;
		}
		case LH_AST_TFOR: {
			lh_value *c = eval(ev, p->u.tfor.coll);
			if (c == NULL) {
				ok = false;
				break;
			}
			if (lh_val_is_sensitive(c))
				*sens = true;
			if (lh_val_is_null(c) && !lh_val_is_unknown(c)) {
				ERR(ev, p->u.tfor.coll, "Iteration over null value",
				    "A null value cannot be used as the collection in a 'for' expression.");
				ok = false;
				break;
			}
			if (lh_val_is_unknown(c) && !iterable_type(c->type)) {
				ERR(ev, p->u.tfor.coll, "Iteration over non-iterable value",
				    "A value of type %s cannot be used as the collection in a 'for' expression.",
				    friendly(ev->a, c->type));
				ok = false;
				break;
			}
			if (lh_val_is_unknown(c)) {
				*unknown = true;
				break;
			}
			iter it;
			if (!iterate(ev, p->u.tfor.coll, c, &it)) {
				ok = false;
				break;
			}
			lh_binding *saved = ev->scope;
			lh_binding kb, vb;
			for (size_t j = 0; j < it.n && ok; j++) {
				ev->scope = saved;
				if (p->u.tfor.key_var != NULL)
					bind(ev, &kb, p->u.tfor.key_var, it.keys[j]);
				bind(ev, &vb, p->u.tfor.val_var, it.vals[j]);
				if (!template_parts(ev, p->u.tfor.body, b, unknown, sens))
					ok = false;
			}
			ev->scope = saved;
			break;
		}
		default:
			break;
		}
	}
	return ok;
}

static lh_value *
template_string(lh_eval *ev, const lh_node *t)
{
	sbuf b = {.a = ev->a};
	bool unknown = false, sens = false;
	sb_put(&b, "", 0);
	if (!template_parts(ev, t, &b, &unknown, &sens))
		return NULL;
	if (unknown)
		return mark(ev, lh_val_unknown(ev->a, &lh_type_string), sens);
	return mark(ev, lh_val_string(ev->a, b.buf, b.len), sens);
}

static lh_value *
eval_template(lh_eval *ev, const lh_node *e)
{
	/* A template that is exactly one interpolation yields the value itself - only
	 * when nothing else was written: text that strip markers removed ("${~ x ~} ")
	 * still makes it a string, as in HCL. */
	if (e->u.tmpl.n == 1 && e->u.tmpl.parts[0]->kind == LH_AST_TINTERP) {
		const lh_node *p = e->u.tmpl.parts[0];
		/* only strip markers can have removed text; then the ranges tell */
		bool alone = !p->u.interp.strip_left && !p->u.interp.strip_right ? true :
		    e->u.tmpl.heredoc ? false : e->u.tmpl.quoted ?
		    p->start == e->start + 1 && p->end + 1 == e->end : p->start == e->start && p->end == e->end;
		if (alone)
			return eval(ev, p->u.interp.expr);
	}
	/* a literal string: its text, without building it up */
	if (e->u.tmpl.n == 0)
		return lh_val_string(ev->a, "", 0);
	if (e->u.tmpl.n == 1 && e->u.tmpl.parts[0]->kind == LH_AST_TLIT) {
		/* (short literals are values made once for the process) */
		lh_value *v = memo_lit(ev, e);
		if (v != NULL)
			return v;
		const lh_node *p = e->u.tmpl.parts[0];
		v = lh_val_string_shared(p->u.lit.text, p->u.lit.len);
		/* a configuration file's literal lives as long as the value (source.h
		 * lasting): its text, not a copy - nor a copy when the value is kept
		 * (10,000 blocks: 0.6 MB) */
		if (v == NULL && p->src != NULL && p->src->lasting)
			v = lh_val_string_take(ev->a, p->u.lit.text, p->u.lit.len);
		return memo_lit_keep(ev, e, v != NULL ? v : lh_val_string(ev->a, p->u.lit.text, p->u.lit.len));
	}
	return template_string(ev, e);
}

/* ---- function calls --------------------------------------------------------- */

/* HCL's StartRange of an expression: where a diagnostic about an argument points. */
static void start_range(const lh_node *n, uint32_t *s, uint32_t *e);

void
lh_eval_start_range(const lh_node *n, uint32_t *s, uint32_t *e)
{
	start_range(n, s, e);
}

static void
start_range(const lh_node *n, uint32_t *s, uint32_t *e)
{
	for (;;) {
		switch (n->kind) {
		case LH_AST_TEMPLATE:
			if (n->u.tmpl.n > 0) {
				const lh_node *p = n->u.tmpl.parts[0];
				n = p->kind == LH_AST_TINTERP ? p->u.interp.expr : p;
				if (p->kind == LH_AST_TLIT) {
					*s = p->start;
					*e = p->end;
					return;
				}
				continue;
			}
			break;
		case LH_AST_BINARY:
			n = n->u.binary.lhs;
			continue;
		case LH_AST_COND:
			n = n->u.cond.cond;
			continue;
		case LH_AST_CALL:	/* the name through the opening parenthesis */
			*s = n->u.call.name_start;
			*e = n->u.call.open + 1;
			return;
		case LH_AST_TUPLE: case LH_AST_OBJECT: case LH_AST_FOR: case LH_AST_UNARY:
			*s = n->start;
			*e = n->start + 1;
			return;
		default:
			break;
		}
		break;
	}
	*s = n->start;
	*e = n->end;
}


static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	size_t prev[65], cur[65];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t c = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < c)
				c = prev[j] + 1;
			if (cur[j - 1] + 1 < c)
				c = cur[j - 1] + 1;
			cur[j] = c;
		}
		memcpy(prev, cur, (lb + 1) * sizeof *prev);
	}
	return prev[lb];
}

const char *
lh_eval_suggest(const char *s, const char *const *names)
{
	if (names == NULL)
		return NULL;
	for (size_t i = 0; names[i] != NULL; i++)
		if (edit_distance(s, names[i]) < 3)
			return names[i];
	return NULL;
}

/* "file:L,C-C" or "file:L,C-L,C" for try()'s summary of failures. */
static char *
range_text(lh_arena *a, const lh_diag *g)
{
	if (g->src == NULL)
		return "";
	int l1, c1, l2, c2;
	lh_source_pos(g->src, g->start, &l1, &c1);
	lh_source_pos(g->src, g->end, &l2, &c2);
	if (l1 == l2)
		return lh_arena_printf(a, "%s:%d,%d-%d", g->src->name, l1, c1, c2);
	return lh_arena_printf(a, "%s:%d,%d-%d,%d", g->src->name, l1, c1, l2, c2);
}

/* ---- try/can: does an argument depend on unknown values? ----------------------- */

/* True when n is a static traversal: a root name followed by attribute steps and
 * indexes with literal keys (what HCL's Variables() reports as one traversal). */
static bool
static_traversal(const lh_node *n)
{
	for (;;) {
		if (n->kind == LH_AST_VAR)
			return true;
		if (n->kind == LH_AST_GETATTR) {
			n = n->u.getattr.obj;
			continue;
		}
		if (n->kind == LH_AST_INDEX) {
			const lh_node *k = n->u.index.key;
			bool lit = k->kind == LH_AST_NUMBER || (k->kind == LH_AST_TEMPLATE &&
			    (k->u.tmpl.n == 0 || (k->u.tmpl.n == 1 && k->u.tmpl.parts[0]->kind == LH_AST_TLIT)));
			if (!lit)
				return false;
			n = n->u.index.obj;
			continue;
		}
		return false;
	}
}

/* Terraform's dependsOnUnknowns: some traversal in e evaluates without error to a
 * value that is not wholly known. */
static void
unknown_refs(lh_eval *ev, const lh_node *e, bool *found, int depth)
{
	if (e == NULL || *found || depth > MAX_DEPTH)
		return;
	if ((e->kind == LH_AST_VAR || e->kind == LH_AST_GETATTR || e->kind == LH_AST_INDEX) &&
	    static_traversal(e)) {
		lh_diags *outer = ev->d;
		lh_diags quiet;
		lh_diags_init(&quiet, ev->a);
		ev->d = &quiet;
		lh_value *v = eval(ev, e);
		ev->d = outer;
		if (v != NULL && quiet.errors == 0 && lh_val_has_unknown(v))
			*found = true;
		return;
	}
	depth++;
	switch (e->kind) {
	case LH_AST_TEMPLATE:
		for (size_t i = 0; i < e->u.tmpl.n; i++)
			unknown_refs(ev, e->u.tmpl.parts[i], found, depth);
		break;
	case LH_AST_TINTERP: unknown_refs(ev, e->u.interp.expr, found, depth); break;
	case LH_AST_TIF:
		unknown_refs(ev, e->u.tif.cond, found, depth);
		unknown_refs(ev, e->u.tif.then, found, depth);
		unknown_refs(ev, e->u.tif.els, found, depth);
		break;
	case LH_AST_TFOR:
		unknown_refs(ev, e->u.tfor.coll, found, depth);
		unknown_refs(ev, e->u.tfor.body, found, depth);
		break;
	case LH_AST_TUPLE:
		for (size_t i = 0; i < e->u.tuple.n; i++)
			unknown_refs(ev, e->u.tuple.items[i], found, depth);
		break;
	case LH_AST_OBJECT:
		for (size_t i = 0; i < e->u.object.n; i++) {
			if (e->u.object.keys[i]->kind != LH_AST_VAR)
				unknown_refs(ev, e->u.object.keys[i], found, depth);
			unknown_refs(ev, e->u.object.values[i], found, depth);
		}
		break;
	case LH_AST_GETATTR: unknown_refs(ev, e->u.getattr.obj, found, depth); break;
	case LH_AST_INDEX:
		unknown_refs(ev, e->u.index.obj, found, depth);
		unknown_refs(ev, e->u.index.key, found, depth);
		break;
	case LH_AST_SPLAT:
		unknown_refs(ev, e->u.splat.src, found, depth);
		break;
	case LH_AST_CALL:
		for (size_t i = 0; i < e->u.call.n; i++)
			unknown_refs(ev, e->u.call.args[i], found, depth);
		break;
	case LH_AST_FOR:
		unknown_refs(ev, e->u.forx.coll, found, depth);
		unknown_refs(ev, e->u.forx.key, found, depth);
		unknown_refs(ev, e->u.forx.value, found, depth);
		unknown_refs(ev, e->u.forx.cond, found, depth);
		break;
	case LH_AST_COND:
		unknown_refs(ev, e->u.cond.cond, found, depth);
		unknown_refs(ev, e->u.cond.t, found, depth);
		unknown_refs(ev, e->u.cond.f, found, depth);
		break;
	case LH_AST_BINARY:
		unknown_refs(ev, e->u.binary.lhs, found, depth);
		unknown_refs(ev, e->u.binary.rhs, found, depth);
		break;
	case LH_AST_UNARY: unknown_refs(ev, e->u.unary.operand, found, depth); break;
	case LH_AST_PAREN: unknown_refs(ev, e->u.paren.inner, found, depth); break;
	default: break;
	}
}

/* ---- Terraform's expression values of a diagnostic ------------------------------ */

/* Under the snippet of an error raised while evaluating an expression, Terraform lists
 * the references that expression uses with what each was (views/json/diagnostic.go):
 * every traversal HCL's Variables() reports (a root name with attribute steps and
 * literal indexes; names bound by a for expression inside it excluded), each the
 * longest prefix of at least two steps that evaluates without error, deduplicated,
 * sorted.  A sensitive value is never described (the diagnostic is not about it), an
 * unknown one by its type alone ("is a string") or not at all when its type is not
 * known either; anything else by tfdiags.CompactValueStr. */

typedef struct {
	lh_eval *ev;
	lh_arena *a;		/* where the strings go (the diagnostic list's) */
	lh_diag_value *v;
	size_t n, cap;
	unsigned because;	/* LH_DV_* */
} dv_list;

static bool dv_busy;	/* describing values: errors met on the way get none */

/* tfdiags.CompactValueStr of a known, unmarked value. */
static char *
dv_compact(lh_arena *a, const lh_value *v)
{
	const lh_type *t = v->type;
	if (lh_val_is_null(v))
		return lh_arena_strdup(a, "null");
	switch (t->kind) {
	case LH_TY_BOOL: return lh_arena_strdup(a, v->u.b ? "true" : "false");
	case LH_TY_NUMBER: return lh_number_hash_text(a, v->u.num);
	case LH_TY_STRING: {
		char *q;
		lh_str_go_quote(a, v->u.str.s, v->u.str.len, &q);
		return q;
	}
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_TUPLE: case LH_TY_MAP: {
		size_t n = t->kind == LH_TY_MAP ? v->u.map.n : v->u.seq.n;
		char *fn = lh_type_friendly(a, t);
		if (n == 0)
			return lh_arena_printf(a, "empty %s", fn);
		if (n == 1)
			return lh_arena_printf(a, "%s with 1 element", fn);
		return lh_arena_printf(a, "%s with %zu elements", fn, n);
	}
	case LH_TY_OBJECT: {
		if (t->n == 0)
			return lh_arena_strdup(a, "object with no attributes");
		if (t->n == 1) {
			char *q;
			lh_str_go_quote(a, t->names[0], strlen(t->names[0]), &q);
			return lh_arena_printf(a, "object with 1 attribute %s", q);
		}
		return lh_arena_printf(a, "object with %zu attributes", t->n);
	}
	default: return lh_type_friendly(a, t);
	}
}

/* Terraform's statement about v, or NULL when it says nothing about it. */
static char *
dv_statement(lh_arena *a, const lh_value *v, unsigned because)
{
	if (lh_val_is_sensitive(v))	/* never what it is */
		return (because & LH_DV_SENSITIVE) ? lh_arena_strdup(a, "has a sensitive value") : NULL;
	if (lh_val_is_unknown(v)) {
		bool why = (because & LH_DV_UNKNOWN) != 0;
		if (v->type->kind == LH_TY_DYNAMIC)
			return why ? lh_arena_strdup(a, "will be known only after apply") : NULL;
		/* (no length refinements here: a collection's bounds are not known) */
		return lh_arena_printf(a, why ? "is a %s, known only after apply" : "is a %s",
		    lh_type_friendly(a, v->type));
	}
	return lh_arena_printf(a, "is %s", dv_compact(a, v));
}

/* tfdiags.TraversalStr of the static traversal t into b. */
static void
dv_traversal_text(lh_eval *ev, const lh_node *t, FILE *m)
{
	switch (t->kind) {
	case LH_AST_VAR: fputs(t->u.var.name, m); return;
	case LH_AST_GETATTR:
		dv_traversal_text(ev, t->u.getattr.obj, m);
		fprintf(m, ".%s", t->u.getattr.name);
		return;
	case LH_AST_INDEX: {
		dv_traversal_text(ev, t->u.index.obj, m);
		lh_value *k = eval(ev, t->u.index.key);	/* a literal */
		fprintf(m, "[%s]", k != NULL ? dv_compact(ev->a, k) : "...");
		return;
	}
	default: return;
	}
}

/* Describes the static traversal t: its longest prefix of two steps or more that
 * evaluates without error, unless one with the same text is listed already. */
static void
dv_traversal(dv_list *l, const lh_node *t)
{
	lh_eval *ev = l->ev;
	for (; t->kind != LH_AST_VAR; t = t->kind == LH_AST_GETATTR ? t->u.getattr.obj : t->u.index.obj) {
		const lh_node *obj = t->kind == LH_AST_GETATTR ? t->u.getattr.obj : t->u.index.obj;
		if (obj->kind == LH_AST_VAR && strcmp(obj->u.var.name, "data") == 0)
			return;	/* data.TYPE is not a value */
		lh_diags quiet;
		lh_diags_init(&quiet, ev->a);
		lh_diags *outer = ev->d;
		ev->d = &quiet;
		lh_value *v = eval(ev, t);
		ev->d = outer;
		if (v == NULL || quiet.errors > 0)
			continue;
		char *text = NULL;
		size_t tn = 0;
		FILE *m = open_memstream(&text, &tn);
		if (m == NULL)
			return;
		dv_traversal_text(ev, t, m);
		if (fclose(m) != 0) {
			free(text);
			return;
		}
		for (size_t i = 0; i < l->n; i++)
			if (strcmp(l->v[i].traversal, text) == 0) {
				free(text);
				return;
			}
		char *st = dv_statement(l->a, v, l->because);
		if (st != NULL) {
			if (l->n == l->cap) {
				l->v = lh_arena_grow(l->a, l->v, l->cap, l->cap ? 2 * l->cap : 4, sizeof *l->v);
				l->cap = l->cap ? 2 * l->cap : 4;
			}
			l->v[l->n].traversal = lh_arena_strdup(l->a, text);
			l->v[l->n].statement = st;
			l->n++;
		}
		free(text);
		return;
	}
}

/* lh_ast_walk_refs' callback: a reference's static traversal (its root and static
 * steps: what HCL's Variables() reports as one), described into the list. */
static void
dv_ref(void *ctx, const lh_ref *r)
{
	dv_traversal(ctx, r->nsteps > 0 ? r->steps[r->nsteps - 1] : r->root);
}

static void
diag_values(lh_eval *ev, lh_diag *g, const lh_node *x)
{
	diag_values_because(ev, g, x, 0);
}

void
lh_eval_diag_values(lh_eval *ev, lh_diag *g, const lh_node *x)
{
	diag_values_because(ev, g, x, 0);
}

void
lh_eval_diag_values_because(lh_eval *ev, lh_diag *g, const lh_node *x, unsigned because)
{
	diag_values_because(ev, g, x, because);
}

static int
dv_cmp(const void *x, const void *y)
{
	return strcmp(((const lh_diag_value *)x)->traversal, ((const lh_diag_value *)y)->traversal);
}

static void
diag_values_because(lh_eval *ev, lh_diag *g, const lh_node *x, unsigned because)
{
	if (dv_busy || x == NULL || lh_diag_masked(g))
		return;
	dv_busy = true;
	void (*on_ref)(lh_eval *, const lh_node *, const lh_node *) = ev->on_ref;
	ev->on_ref = NULL;	/* describing is not depending */
	dv_list l = { .ev = ev, .a = ev->d->a, .because = because };
	lh_ast_walk_refs(x, dv_ref, &l);
	ev->on_ref = on_ref;
	dv_busy = false;
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, dv_cmp);
	g->values = l.v;
	g->nvalues = l.n;
}

/* Terraform resolves every reference of an expression before evaluating it, so a
 * reference to something undeclared is an error even inside try() and can(): the
 * errors the lookup gives for a reference itself (not for evaluating what it refers
 * to) are kept. */
typedef struct {
	lh_eval *ev;
	int errors;
} refcheck;

static bool
static_ref_error(const char *summary)
{
	return strncmp(summary, "Reference to ", 13) == 0 || strcmp(summary, "Invalid reference") == 0 ||
	    strncmp(summary, "Invalid \"", 9) == 0 || strcmp(summary, "Self-referential block") == 0 ||
	    strcmp(summary, "Variables not allowed") == 0;
}

static void
check_ref(void *ctx, const lh_node *root, const lh_node *step)
{
	refcheck *rc = ctx;
	lh_eval *ev = rc->ev;
	for (lh_binding *b = ev->scope; b != NULL; b = b->next)
		if (strcmp(b->name, root->u.var.name) == 0)
			return;
	if (ev->lookup == NULL)
		return;
	lh_diags *outer = ev->d, quiet;
	lh_diags_init(&quiet, ev->a);
	ev->d = &quiet;
	bool consumed = false;
	ev->lookup(ev, root, step, &consumed);
	ev->d = outer;
	for (lh_diag *g = quiet.head; g != NULL; g = g->next) {
		if (g->sev != LH_DIAG_ERROR || !static_ref_error(g->summary))
			continue;
		lh_diag *c = lh_diag_add(outer, g->sev, g->src, g->start, g->end, g->summary,
		    g->detail ? "%s" : NULL, g->detail);
		c->context = g->context;
		rc->errors++;
	}
}

static lh_value *
eval_try(lh_eval *ev, const lh_node *e, bool is_can)
{
	refcheck rc = { .ev = ev };
	for (size_t i = 0; i < e->u.call.n; i++)
		lh_eval_walk_refs(e->u.call.args[i], check_ref, &rc);
	if (rc.errors > 0)
		return NULL;
	size_t n = e->u.call.n;
	if (is_can && n != 1) {
		err_at(ev, e->src, e->start, e->end, n == 0 ? "Not enough function arguments" : "Too many function arguments",
		    n == 0 ? "Function \"can\" expects 1 argument(s). Missing value for \"expression\"." :
		    "Function \"can\" expects only 1 argument(s).");
		return NULL;
	}
	if (n == 0) {
		err_at(ev, e->src, e->start, e->end, "Error in function call",
		    "Call to function \"try\" failed: at least one argument is required.");
		return NULL;
	}
	lh_diags *outer = ev->d;
	sbuf fails = {.a = ev->a};
	sb_put(&fails, "", 0);
	for (size_t i = 0; i < n; i++) {
		/* An argument that refers to unknown values might fail or succeed once they
		 * are known: the result is unknown (Terraform's rule). */
		bool unk = false;
		unknown_refs(ev, e->u.call.args[i], &unk, 0);
		if (unk)
			return is_can ? lh_val_unknown(ev->a, &lh_type_bool) : lh_val_unknown(ev->a, &lh_type_dynamic);
		lh_diags tmp;
		lh_diags_init(&tmp, ev->a);
		ev->d = &tmp;
		lh_value *v = eval(ev, e->u.call.args[i]);
		ev->d = outer;
		if (v != NULL && tmp.errors == 0) {
			/* warnings from a successful branch are kept */
			for (lh_diag *g = tmp.head; g != NULL; g = g->next) {
				lh_diag *c = lh_diag_add(outer, g->sev, g->src, g->start, g->end, g->summary,
				    g->detail ? "%s" : NULL, g->detail);
				c->context = g->context;
			}
			if (is_can && lh_val_has_unknown(v))
				return lh_val_unknown(ev->a, &lh_type_bool);
			return is_can ? lh_val_bool(ev->a, true) : v;
		}
		if (is_can)
			return lh_val_bool(ev->a, false);
		for (lh_diag *g = tmp.head; g != NULL; g = g->next) {
			if (g->sev != LH_DIAG_ERROR)
				continue;
			char *line = lh_arena_printf(ev->a, "- %s (at %s)\n  %s\n", g->summary,
			    range_text(ev->a, g), g->detail ? g->detail : "");
			sb_put(&fails, line, strlen(line));
		}
	}
	err_at(ev, e->src, e->start, e->end, "Error in function call",
	    "Call to function \"try\" failed: no expression succeeded:\n%sAt least one expression must produce a successful result.",
	    fails.buf);
	return NULL;
}

/* templatestring's first argument must be a direct reference (a traversal with
 * literal indexes) to a template from elsewhere; Terraform rejects anything else
 * before evaluating it. */
static bool
templatestring_arg(lh_eval *ev, const lh_node *x)
{
	const char *why = NULL;
	if (x->kind == LH_AST_TEMPLATE) {
		bool literal = true;
		for (size_t i = 0; i < x->u.tmpl.n; i++)
			if (x->u.tmpl.parts[i]->kind != LH_AST_TLIT)
				literal = false;
		if (x->u.tmpl.quoted && x->u.tmpl.n == 1 && x->u.tmpl.parts[0]->kind == LH_AST_TINTERP)
			why = "templatestring is only for rendering templates retrieved dynamically from elsewhere; to treat the inner expression as template syntax, write the reference expression directly without any template interpolation syntax";
		else if (!literal)
			why = "templatestring is only for rendering templates retrieved dynamically from elsewhere; to render an inline template, consider using a plain template string expression";
		else
			why = "templatestring is only for rendering templates retrieved dynamically from elsewhere, and so does not support providing a literal template; consider using a template string expression instead";
	} else {
		const lh_node *p = x;
		for (;;) {
			if (p->kind == LH_AST_GETATTR) {
				p = p->u.getattr.obj;
			} else if (p->kind == LH_AST_INDEX && (p->u.index.key->kind == LH_AST_NUMBER ||
			    (p->u.index.key->kind == LH_AST_TEMPLATE && p->u.index.key->u.tmpl.n <= 1 &&
			    (p->u.index.key->u.tmpl.n == 0 || p->u.index.key->u.tmpl.parts[0]->kind == LH_AST_TLIT)))) {
				p = p->u.index.obj;
			} else {
				break;
			}
		}
		if (p->kind != LH_AST_VAR)
			why = "must be a direct reference to a single string from elsewhere, containing valid Terraform template syntax";
	}
	if (why == NULL)
		return true;
	uint32_t as, ae;
	start_range(x, &as, &ae);
	err_at(ev, x->src, as, ae, "Invalid function argument",
	    "Invalid value for \"template\" parameter: invalid template expression: %s.", why);
	return false;
}

/* ---- calls repeated inside for expressions ----------------------------------
 *
 * A call whose arguments are each a constant (a number, a bool, null, a template of
 * literal text) or a name bound by an enclosing for expression gives the same value
 * each time those names hold the same values: format("t%03d", t) in
 * [for t in ... : {for k in range(20) : ... => format("t%03d", t)}] is called 20
 * times with one t.  While the outermost for expression runs (its collection and
 * everything made in ev->a stay where they are until it returns), its calls of that
 * kind remember their last result by the call node and the bound values (by
 * address); a call that finds its node with the same values takes that result
 * without evaluating its arguments again (they have no effects: a constant, or a
 * binding) or calling the function (call_memo holds them).  Functions whose result is not decided by their
 * arguments (uuid, timestamp, bcrypt's salt, plantimestamp) are never remembered,
 * nor failed calls. */

static size_t
memo_slot(const lh_node *e)
{
	uintptr_t x = (uintptr_t)e >> 4;
	return (size_t)(x ^ x >> 5) & (MEMO_SLOTS - 1);
}

/* Whether argument node x is a constant (its value is decided by the node). */
static bool
memo_const(const lh_node *x)
{
	switch (x->kind) {
	case LH_AST_NUMBER: case LH_AST_BOOL: case LH_AST_NULL:
		return true;
	case LH_AST_TEMPLATE:
		for (size_t i = 0; i < x->u.tmpl.n; i++)
			if (x->u.tmpl.parts[i]->kind != LH_AST_TLIT)
				return false;
		return true;
	default:
		return false;
	}
}

/* Call e's remembered result, or NULL. */
static lh_value *
memo_find(lh_eval *ev, const lh_node *e)
{
	size_t h = memo_slot(e);
	if (ev->memo->slot[h].call != e)
		return NULL;
	for (size_t i = 0; i < e->u.call.n; i++) {
		const lh_value *want = ev->memo->slot[h].bound[i];
		if (want == NULL)
			continue;	/* a constant */
		const lh_binding *b = find_binding(ev, e->u.call.args[i]->u.var.name);
		if (b == NULL || b->value != want)
			return NULL;
	}
	return ev->memo->slot[h].result;
}

/* Remembers r as call e's result when e is a call of that kind (args its values). */
static void
memo_keep(lh_eval *ev, const lh_node *e, lh_value *const *args, lh_value *r)
{
	size_t n = e->u.call.n;
	if (n > MEMO_ARGS || e->u.call.expand_final)
		return;
	lh_value *bound[MEMO_ARGS] = {0};
	for (size_t i = 0; i < n; i++) {
		const lh_node *x = e->u.call.args[i];
		if (memo_const(x))
			continue;
		if (x->kind != LH_AST_VAR)
			return;
		const lh_binding *b = find_binding(ev, x->u.var.name);
		if (b == NULL || b->value != args[i])
			return;
		bound[i] = b->value;
	}
	const char *name = e->u.call.name;
	if (strncmp(name, "core::", 6) == 0)
		name += 6;
	if (strcmp(name, "uuid") == 0 || strcmp(name, "timestamp") == 0 ||
	    strcmp(name, "bcrypt") == 0 || strcmp(name, "plantimestamp") == 0)
		return;
	size_t h = memo_slot(e);
	ev->memo->slot[h].call = e;
	memcpy(ev->memo->slot[h].bound, bound, sizeof bound);
	ev->memo->slot[h].result = r;
}

static lh_value *
eval_call(lh_eval *ev, const lh_node *e)
{
	const char *name = e->u.call.name;
	if (ev->no_functions) {
		ERR(ev, e, "Function calls not allowed", "Functions may not be called here.");
		return NULL;
	}
	const lh_fdef *fd = NULL;
	if (ev->memo != NULL) {
		lh_value *m = memo_find(ev, e);
		if (m != NULL)
			return m;
		size_t h = memo_slot(e);
		if (ev->memo->fn[h].call == e) {
			fd = ev->memo->fn[h].fd;
			goto found;
		}
	}
	const char *bare = name[0] == 'c' && strncmp(name, "core::", 6) == 0 ? name + 6 : name;
	if ((bare[0] == 't' && strcmp(bare, "try") == 0) || (bare[0] == 'c' && strcmp(bare, "can") == 0))
		return eval_try(ev, e, bare[0] == 'c');
	fd = lh_func_find(name);
	const char *ns_end = strchr(name, ':') != NULL ? strstr(name, "::") : NULL;
	if (ns_end != NULL && strncmp(name, "provider::", 10) != 0 && fd == NULL) {
		err_at(ev, e->src, e->u.call.name_start, e->u.call.name_end, "Unknown provider function",
		    "The function namespace \"%.*s\" is not valid. Provider function calls must use the \"provider::\" namespace prefix.",
		    (int)(ns_end - name), name);
		return NULL;
	}
	if (bare[0] == 't' && strcmp(bare, "templatestring") == 0 && e->u.call.n > 0 &&
	    !templatestring_arg(ev, e->u.call.args[0]))
		return NULL;
	bool exists = fd != NULL;
	if (!exists && strncmp(name, "provider::", 10) == 0) {
		const char *pn = name + 10, *fn = strstr(pn, "::");
		int plen = fn ? (int)(fn - pn) : (int)strlen(pn);
		err_at(ev, e->src, e->u.call.name_start, e->u.call.name_end, "Unknown provider function",
		    "There is no function named \"%s\". Ensure that provider name \"%.*s\" is declared in this module's required_providers block, and that this provider offers a function named \"%s\".",
		    name, plen, pn, fn ? fn + 2 : "");
		return NULL;
	}
	if (!exists) {
		const char *sug = lh_eval_suggest(name, lh_func_names());
		err_at(ev, e->src, e->u.call.name_start, e->u.call.name_end, "Call to unknown function",
		    "There is no function named \"%s\".%s%s%s", name, sug ? " Did you mean \"" : "",
		    sug ? sug : "", sug ? "\"?" : "");
		return NULL;
	}
	if (ev->memo != NULL && !(bare[0] == 't' && strcmp(bare, "templatestring") == 0)) {
		size_t h = memo_slot(e);
		ev->memo->fn[h].call = e;
		ev->memo->fn[h].fd = fd;
	}
found:;
	size_t n = e->u.call.n;
	lh_value **args = lh_arena_alloc(ev->a, (n ? n : 1) * sizeof *args);
	/* each argument's node (for messages): the call's own, unless spread below */
	const lh_node *const *argn = (const lh_node *const *)e->u.call.args;
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		args[i] = eval_quick(ev, e->u.call.args[i]);
		if (args[i] == NULL)
			ok = false;
	}
	if (!ok)
		return NULL;
	size_t na = n;
	if (e->u.call.expand_final && n > 0) {
		lh_value *last = args[n - 1];
		const lh_node *ln = e->u.call.args[n - 1];
		if (lh_val_is_unknown(last) || !is_seq(last->type)) {
			if (lh_val_is_unknown(last) && (last->type->kind == LH_TY_DYNAMIC || is_seq(last->type)))
				return lh_val_unknown(ev->a, &lh_type_dynamic);
			ERR(ev, ln, "Invalid expanding argument value",
			    "The expanding argument (indicated by ...) must be of a tuple, list, or set type.");
			return NULL;
		}
		if (lh_val_is_null(last)) {
			ERR(ev, ln, "Invalid expanding argument value",
			    "The expanding argument (indicated by ...) must not be null.");
			return NULL;
		}
		size_t extra = last->u.seq.n;
		na = n - 1 + extra;
		lh_value **nargs = lh_arena_alloc(ev->a, (na ? na : 1) * sizeof *nargs);
		const lh_node **nargn = lh_arena_alloc(ev->a, (na ? na : 1) * sizeof *nargn);
		memcpy(nargs, args, (n - 1) * sizeof *args);
		memcpy(nargn, argn, (n - 1) * sizeof *argn);
		for (size_t i = 0; i < extra; i++) {
			nargs[n - 1 + i] = mark(ev, last->u.seq.items[i], lh_val_is_sensitive(last));
			nargn[n - 1 + i] = ln;
		}
		args = nargs;
		argn = nargn;
	}
	lh_func_ctx c;
	memset(&c, 0, sizeof c);
	c.a = ev->a;
	c.basedir = ev->basedir;
	c.render_template = lh_eval_render_template;
	c.eval = ev;
	c.err_arg = -1;
	lh_value *r = lh_func_call_def(&c, fd, args, na);
	if (r != NULL) {
		if (ev->memo != NULL)
			memo_keep(ev, e, args, r);
		return r;
	}
	const char *msg = c.err ? c.err : "unknown error.";
	lh_diag *g = NULL;
	if (c.err_arg == -2) {
		err_at(ev, e->src, e->u.call.name_start, e->u.call.name_end, "Call to unknown function",
		    "There is no function named \"%s\".", name);
	} else if (strncmp(msg, "Function \"", 10) == 0 && strstr(msg, " expects ") != NULL) {
		bool few = strstr(msg, "Missing value") != NULL;
		/* HCL's subject: the closing parenthesis when one is missing, the first
		 * argument too many when there are more than the parameters */
		uint32_t as = few ? e->u.call.close : e->start, ae = few ? e->u.call.close + 1 : e->end;
		lh_func_sig sig;
		if (!few && lh_func_sig_of(name, &sig) && !sig.variadic && sig.np < na)
			start_range(argn[sig.np], &as, &ae);
		ev->diag_x = e;
		g = err_at(ev, e->src, as, ae,
		    few ? "Not enough function arguments" : "Too many function arguments", "%s", msg);
	} else if (c.err_arg >= 0 && (size_t)c.err_arg < na) {
		uint32_t as, ae;
		start_range(argn[c.err_arg], &as, &ae);
		ev->diag_x = argn[c.err_arg];
		g = err_at(ev, e->src, as, ae, "Invalid function argument", "%s", msg);
	} else if (strncmp(msg, "Call to function", 16) == 0) {
		/* HCL's subject for a failed call: the name through the opening parenthesis */
		ev->diag_x = e;
		g = err_at(ev, e->src, e->u.call.name_start, e->u.call.open + 1, "Error in function call", "%s", msg);
	} else {
		ev->diag_x = e;
		g = err_at(ev, e->src, e->u.call.name_start, e->u.call.open + 1, "Error in function call",
		    "Call to function \"%s\" failed: %s", name, msg);
	}
	if (g != NULL)	/* Terraform's "while calling NAME(PARAMS)" */
		g->calling = lh_func_signature(ev->d->a, name);
	return NULL;
}

/* ---- dispatcher ------------------------------------------------------------- */

static lh_value *
eval(lh_eval *ev, const lh_node *e)
{
	if (e == NULL) {
		lh_diag_add(ev->d, LH_DIAG_ERROR, NULL, 0, 0, "Missing expression", NULL);
		return NULL;
	}
	if (ev->depth > MAX_DEPTH) {
		ERR(ev, e, "Expression too complex", "This expression is nested too deeply to evaluate.");
		return NULL;
	}
	ev->depth++;
	lh_value *r = NULL;
	switch (e->kind) {
	case LH_AST_NUMBER: {
		if ((r = memo_lit(ev, e)) != NULL)
			break;
		/* a whole number of up to 18 digits (most literals) is an int64 as it is */
		const char *t = e->u.number.text;
		int64_t iv = 0;
		size_t nd = 0;
		while (nd < 18 && t[nd] >= '0' && t[nd] <= '9')
			iv = iv * 10 + (t[nd++] - '0');
		if (nd > 0 && t[nd] == '\0') {
			r = memo_lit_keep(ev, e, lh_val_int(ev->a, iv));
			break;
		}
		lh_number num;
		if (lh_number_parse(ev->a, e->u.number.text, strlen(e->u.number.text), &num))
			r = memo_lit_keep(ev, e, lh_val_number(ev->a, num));
		else	/* an exponent beyond Go's int32 */
			ERR(ev, e, "Invalid number literal", "Failed to recognize the value of this number literal.");
		break;
	}
	case LH_AST_BOOL:
		r = lh_val_bool(ev->a, e->u.boolean);
		break;
	case LH_AST_NULL:
		r = lh_val_null(ev->a, &lh_type_dynamic);
		break;
	case LH_AST_TEMPLATE:
		r = eval_template(ev, e);
		break;
	case LH_AST_TUPLE:
		r = eval_tuple(ev, e);
		break;
	case LH_AST_OBJECT:
		r = eval_object(ev, e);
		break;
	case LH_AST_VAR: {
		bool consumed;
		r = eval_root(ev, e, NULL, &consumed);
		break;
	}
	case LH_AST_GETATTR:
	case LH_AST_INDEX:
		r = eval_step(ev, e);
		break;
	case LH_AST_SPLAT:
		r = eval_splat(ev, e);
		break;
	case LH_AST_ANON: {
		const lh_binding *b = find_binding(ev, NULL);
		if (b == NULL)
			ERR(ev, e, "Invalid splat", "A splat element is used outside a splat expression.");
		else
			r = b->value;
		break;
	}
	case LH_AST_CALL:
		r = eval_call(ev, e);
		break;
	case LH_AST_FOR:
		r = eval_for(ev, e);
		break;
	case LH_AST_COND:
		r = eval_cond(ev, e);
		break;
	case LH_AST_BINARY:
		r = eval_binary(ev, e);
		break;
	case LH_AST_UNARY:
		r = eval_unary(ev, e);
		break;
	case LH_AST_PAREN:
		r = eval(ev, e->u.paren.inner);
		break;
	default:
		ERR(ev, e, "Invalid expression", "This is not an expression.");
		break;
	}
	ev->depth--;
	return r;
}

lh_value *
lh_eval_expr(lh_eval *ev, const lh_node *e)
{
	int before = ev->d->errors;
	if (ev->check_refs != NULL && ev->depth == 0 && e != NULL && !ev->check_refs(ev, e))
		return NULL;
	lh_value *v = eval(ev, e);
	if (v == NULL && ev->d->errors == before)
		ERR(ev, e, "Invalid expression", "The expression could not be evaluated.");
	return v;
}

lh_value *
lh_eval_expr_as(lh_eval *ev, const lh_node *e, const lh_type *t)
{
	lh_value *v = lh_eval_expr(ev, e);
	if (v == NULL)
		return NULL;
	const char *err = NULL;
	lh_value *c = lh_val_convert(ev->a, v, t, &err);
	if (c == NULL) {
		ERR(ev, e, "Incorrect value type", "Invalid expression value: %s.", err ? err : "incorrect type");
		return NULL;
	}
	return c;
}

/* ---- static reference walk -------------------------------------------------- */

typedef struct walk_ctx {
	void (*fn)(void *ctx, const lh_node *root, const lh_node *step);
	void *ctx;
} walk_ctx;

/* ast.c's reference as the evaluator's lookups take it: the root and its first step,
 * or for data.TYPE.NAME the NAME step (see is_data_ref). */
static void
walk_ref(void *ctx, const lh_ref *r)
{
	walk_ctx *w = ctx;
	const lh_node *step = r->first;
	if (r->nsteps >= 2 && is_data_ref(r->steps[1]))
		step = r->steps[1];
	w->fn(w->ctx, r->root, step);
}

void
lh_eval_walk_refs(const lh_node *e, void (*fn)(void *ctx, const lh_node *root,
    const lh_node *step), void *ctx)
{
	walk_ctx w = {fn, ctx};
	lh_ast_walk_refs(e, walk_ref, &w);
}

/* ---- type constraints ------------------------------------------------------- */

static const lh_type *type_expr(lh_eval *ev, const lh_node *e, bool in_object,
    bool *optional, lh_value **def);

/* The lookup of an expression HCL evaluates without a context (optional()'s default):
 * HCL's error on the root name. */
static lh_value *
no_context(lh_eval *ev, const lh_node *root, const lh_node *step, bool *consumed)
{
	*consumed = false;
	ERR(ev, root, "Variables not allowed", "Variables may not be used here.");
	return NULL;
}

static void
type_err(lh_eval *ev, const lh_node *e, const char *detail)
{
	ERR(ev, e, "Invalid type specification", "%s", detail);
}

static const lh_type *
object_type(lh_eval *ev, const lh_node *arg)
{
	if (arg->kind != LH_AST_OBJECT) {
		type_err(ev, arg, "Object type constructor requires a map whose keys are attribute names and whose values are the corresponding attribute types.");
		return NULL;
	}
	size_t n = arg->u.object.n;
	const char **names = lh_arena_alloc(ev->a, (n ? n : 1) * sizeof *names);
	const lh_type **types = lh_arena_alloc(ev->a, (n ? n : 1) * sizeof *types);
	bool *opt = lh_arena_alloc(ev->a, (n ? n : 1) * sizeof *opt);
	lh_value **defs = lh_arena_alloc(ev->a, (n ? n : 1) * sizeof *defs);
	bool any_opt = false;
	for (size_t i = 0; i < n; i++) {
		const lh_node *k = arg->u.object.keys[i];
		if (k->kind == LH_AST_VAR) {
			names[i] = k->u.var.name;
		} else if (k->kind == LH_AST_TEMPLATE && k->u.tmpl.n == 1 && k->u.tmpl.parts[0]->kind == LH_AST_TLIT) {
			names[i] = k->u.tmpl.parts[0]->u.lit.text;
		} else if (k->kind == LH_AST_TEMPLATE && k->u.tmpl.n == 0) {
			names[i] = "";
		} else {
			type_err(ev, k, "Object constructor map keys must be attribute names.");
			return NULL;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(names[j], names[i]) == 0) {
				type_err(ev, k, "Object type attributes must be unique.");
				return NULL;
			}
		types[i] = type_expr(ev, arg->u.object.values[i], true, &opt[i], &defs[i]);
		if (types[i] == NULL)
			return NULL;
		any_opt |= opt[i];
	}
	/* sort by name so optional/defaults line up with the type's sorted names */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			const char *tn = names[j]; names[j] = names[j - 1]; names[j - 1] = tn;
			const lh_type *tt = types[j]; types[j] = types[j - 1]; types[j - 1] = tt;
			bool to = opt[j]; opt[j] = opt[j - 1]; opt[j - 1] = to;
			lh_value *td = defs[j]; defs[j] = defs[j - 1]; defs[j - 1] = td;
		}
	const lh_type *ot = lh_type_object(ev->a, names, types, n);
	if (!any_opt)
		return ot;
	lh_type *c = lh_arena_alloc(ev->a, sizeof *c);
	*c = *ot;
	c->optional = opt;
	c->defaults = defs;
	return c;
}

static const lh_type *
type_expr(lh_eval *ev, const lh_node *e, bool in_object, bool *optional, lh_value **def)
{
	if (optional != NULL) {
		*optional = false;
		*def = NULL;
	}
	if (e->kind == LH_AST_PAREN)
		return type_expr(ev, e->u.paren.inner, in_object, optional, def);
	if (e->kind == LH_AST_VAR) {
		const char *n = e->u.var.name;
		if (strcmp(n, "string") == 0) return &lh_type_string;
		if (strcmp(n, "number") == 0) return &lh_type_number;
		if (strcmp(n, "bool") == 0) return &lh_type_bool;
		if (strcmp(n, "any") == 0) return &lh_type_dynamic;
		if (strcmp(n, "list") == 0 || strcmp(n, "set") == 0 || strcmp(n, "map") == 0) {
			type_err(ev, e, lh_arena_printf(ev->a, "The %s type constructor requires one argument specifying the element type.", n));
			return NULL;
		}
		type_err(ev, e, lh_arena_printf(ev->a, "The keyword \"%s\" is not a valid type specification.", n));
		return NULL;
	}
	if (e->kind != LH_AST_CALL) {
		type_err(ev, e, "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).");
		return NULL;
	}
	const char *n = e->u.call.name;
	size_t na = e->u.call.n;
	if (strcmp(n, "optional") == 0) {
		if (!in_object || optional == NULL) {
			type_err(ev, e, "Keyword \"optional\" is valid only as a modifier for object type attributes.");
			return NULL;
		}
		if (na < 1 || na > 2) {
			type_err(ev, e, "The \"optional\" modifier takes one or two arguments: the attribute type and an optional default value.");
			return NULL;
		}
		const lh_type *t = type_expr(ev, e->u.call.args[0], false, NULL, NULL);
		if (t == NULL)
			return NULL;
		*optional = true;
		if (na == 2) {
			/* HCL evaluates a default without a context: no references, no calls */
			lh_eval sub = *ev;
			sub.lookup = no_context;
			sub.check_refs = NULL;
			sub.no_functions = true;
			sub.scope = NULL;
			lh_value *d = lh_eval_expr(&sub, e->u.call.args[1]);
			if (d == NULL)
				return NULL;
			const char *err = NULL;
			lh_value *dc = lh_val_convert(ev->a, d, t, &err);
			if (dc == NULL) {
				type_err(ev, e->u.call.args[1], lh_arena_printf(ev->a, "Invalid default value for optional attribute: %s.", err ? err : "incorrect type"));
				return NULL;
			}
			*def = dc;
		}
		return t;
	}
	if (strcmp(n, "list") == 0 || strcmp(n, "set") == 0 || strcmp(n, "map") == 0) {
		if (na != 1) {
			type_err(ev, e, lh_arena_printf(ev->a, "The %s type constructor requires one argument specifying the element type.", n));
			return NULL;
		}
		const lh_type *el = type_expr(ev, e->u.call.args[0], false, NULL, NULL);
		if (el == NULL)
			return NULL;
		return n[0] == 'l' ? lh_type_list(ev->a, el) : n[0] == 's' ? lh_type_set(ev->a, el) : lh_type_map(ev->a, el);
	}
	if (strcmp(n, "object") == 0) {
		if (na != 1) {
			type_err(ev, e, "The object type constructor requires one argument specifying the attribute types as a map.");
			return NULL;
		}
		return object_type(ev, e->u.call.args[0]);
	}
	if (strcmp(n, "tuple") == 0) {
		if (na != 1 || e->u.call.args[0]->kind != LH_AST_TUPLE) {
			type_err(ev, e, "The tuple type constructor requires one argument specifying the element types as a list.");
			return NULL;
		}
		const lh_node *l = e->u.call.args[0];
		const lh_type **ts = lh_arena_alloc(ev->a, (l->u.tuple.n ? l->u.tuple.n : 1) * sizeof *ts);
		for (size_t i = 0; i < l->u.tuple.n; i++)
			if ((ts[i] = type_expr(ev, l->u.tuple.items[i], false, NULL, NULL)) == NULL)
				return NULL;
		return lh_type_tuple(ev->a, ts, l->u.tuple.n);
	}
	type_err(ev, e, lh_arena_printf(ev->a, "Keyword \"%s\" is not a valid type constructor.", n));
	return NULL;
}

const lh_type *
lh_eval_type_expr(lh_eval *ev, const lh_node *e)
{
	return type_expr(ev, e, false, NULL, NULL);
}

/* ---- templatefile ----------------------------------------------------------- */

typedef struct {
	lh_value *vars;
	lh_arena *a;
	const char *err;
} tpl_check;

static void
tpl_ref(void *ctx, const lh_node *root, const lh_node *step)
{
	tpl_check *c = ctx;
	if (c->err != NULL || lh_val_get(c->vars, root->u.var.name) != NULL)
		return;
	lh_diag g = {.src = root->src, .start = root->start, .end = root->end};
	c->err = lh_arena_printf(c->a, "vars map does not contain key \"%s\", referenced at %s",
	    root->u.var.name, range_text(c->a, &g));
}

/* HCL's ValidIdentifier: a letter or underscore, then letters, digits, underscores
 * and dashes. */
static bool
tpl_ident(const char *k)
{
	unsigned char c0 = (unsigned char)k[0];
	if (!(c0 >= 0x80 || (c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || c0 == '_'))
		return false;
	for (const unsigned char *p = (const unsigned char *)k + 1; *p; p++)
		if (!(*p >= 0x80 || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

lh_value *
lh_eval_render_template(lh_func_ctx *c, const char *name, const char *text, size_t len,
    lh_value *vars, const char **err, int *err_arg)
{
	lh_eval *outer = c->eval;
	lh_arena *a = c->a;
	lh_diags d;
	lh_diags_init(&d, a);
	*err_arg = -1;
	lh_source *src = lh_source_from_mem(a, name, text, len);
	lh_node *t = src ? lh_parse_template(a, src, &d) : NULL;
	if (t == NULL || d.errors > 0) {
		const lh_diag *g = d.head;
		*err = g ? lh_arena_printf(a, "%s: %s; %s", range_text(a, g), g->summary,
		    g->detail ? g->detail : "") : "failed to parse the template";
		*err_arg = 0;
		return NULL;
	}
	if (vars == NULL || lh_val_is_null(vars) || !is_map_like(vars->type)) {
		*err = "invalid vars value: must be a map";
		*err_arg = 1;
		return NULL;
	}
	if (lh_val_is_unknown(vars))
		return lh_val_unknown(a, &lh_type_dynamic);
	for (size_t i = 0; i < vars->u.map.n; i++)
		if (!tpl_ident(vars->u.map.keys[i])) {
			char *q;
			lh_str_go_quote(a, vars->u.map.keys[i], strlen(vars->u.map.keys[i]), &q);
			*err = lh_arena_printf(a, "invalid template variable name %s: must start with a letter, followed by zero or more letters, digits, and underscores", q);
			*err_arg = 1;
			return NULL;
		}
	/* Every name the template uses must be a key of vars (checked before evaluating,
	 * as Terraform does). */
	tpl_check chk = {.vars = vars, .a = a};
	lh_eval_walk_refs(t, tpl_ref, &chk);
	if (chk.err != NULL) {
		*err = chk.err;
		*err_arg = 1;
		return NULL;
	}
	lh_eval sub;
	lh_eval_init(&sub, a, &d, c->basedir);
	if (outer != NULL)
		sub.depth = outer->depth + 8;
	if (sub.depth > MAX_DEPTH) {
		*err = "maximum template nesting depth reached";
		return NULL;
	}
	size_t nv = vars->u.map.n;
	lh_binding *bs = lh_arena_alloc(a, (nv ? nv : 1) * sizeof *bs);
	for (size_t i = 0; i < nv; i++)
		bind(&sub, &bs[i], vars->u.map.keys[i], vars->u.map.vals[i]);
	lh_value *v = lh_eval_expr(&sub, t);
	if (v == NULL) {
		const lh_diag *g = d.head;
		for (; g != NULL && g->sev != LH_DIAG_ERROR; g = g->next)
			;
		*err = g ? lh_arena_printf(a, "%s: %s; %s", range_text(a, g), g->summary,
		    g->detail ? g->detail : "") : "failed to render the template";
		return NULL;
	}
	return v;
}
