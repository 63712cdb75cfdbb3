/* hcl2json.c - the syntax tree as JSON in @cdktf/hcl2json's layout (see hcl2json.h).
 *
 * Mirrors that converter's rules: attributes first, then blocks nested by type and
 * labels into arrays; literals (and a unary operator on a literal) become JSON values;
 * a template that is exactly one ${x} converts as x; other templates become HCL's JSON
 * template form, with literal "${" and "%{" escaped as "$${" and "%%{"; conditionals and
 * for directives inside templates are written back as %{if}/%{for} directives; every
 * other expression becomes "${SOURCE}" with its exact source text. */
#include "hcl2json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growable string (malloc: the output is built once and freed here). */
typedef struct buf {
	char *p;
	size_t n, cap;
	bool oom;
} buf;

static void
put(buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (p == NULL) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
puts_(buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Literal template text, with ${ and %{ escaped so the result reads back the same. */
static void
put_lit(buf *b, const char *s, size_t n)
{
	size_t i = 0, from = 0;
	for (; i + 1 < n; i++) {
		if ((s[i] == '$' || s[i] == '%') && s[i + 1] == '{') {
			put(b, s + from, i + 1 - from);
			from = i;
		}
	}
	put(b, s + from, n - from);
}

static void
put_src(buf *b, const lh_node *n)
{
	put(b, n->src->text + n->start, n->end - n->start);
}

static void
put_wrapped(buf *b, const lh_node *n)
{
	puts_(b, "${");
	put_src(b, n);
	puts_(b, "}");
}

/* A number as cty converts it to a string: the shortest digits that read back as the
 * same double, written out without an exponent. */
static void
put_number(buf *b, double v)
{
	char s[64], digits[32], out[400];
	int prec, exp, nd = 0;
	if (!isfinite(v)) {
		puts_(b, v > 0 ? "Infinity" : v < 0 ? "-Infinity" : "NaN");
		return;
	}
	for (prec = 0; prec < 17; prec++) {
		snprintf(s, sizeof s, "%.*e", prec, v);
		if (strtod(s, NULL) == v)
			break;
	}
	/* s is [-]D[.DDD]e[+-]XX */
	const char *q = s;
	char *o = out;
	if (*q == '-')
		*o++ = *q++;
	for (; *q != 'e'; q++)
		if (*q != '.')
			digits[nd++] = *q;
	exp = atoi(q + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	if (exp < 0) {
		*o++ = '0';
		*o++ = '.';
		for (int i = 0; i < -exp - 1; i++)
			*o++ = '0';
		memcpy(o, digits, (size_t)nd);
		o += nd;
	} else {
		for (int i = 0; i <= exp || i < nd; i++) {
			if (i == exp + 1)
				*o++ = '.';
			*o++ = i < nd ? digits[i] : '0';
		}
	}
	*o = '\0';
	puts_(b, out);
}

static const lh_node *template_parts(buf *b, const lh_node *t);

/* Renders a conditional's branch into its own buffer: the text, or NULL (with *fail
 * set to the offending node) when the branch cannot be converted. */
static char *
branch(const lh_node *e, bool tmpl, size_t *len, const lh_node **fail);

/* An expression inside a template, as a string.  Returns NULL, or the null literal
 * that makes the conversion fail (the converter cannot put a null into a template
 * whose only part it is). */
static const lh_node *
string_part(buf *b, const lh_node *e)
{
	const lh_node *fail = NULL;
	switch (e->kind) {
	case LH_AST_NUMBER:
		put_number(b, e->u.number.value);
		return NULL;
	case LH_AST_BOOL:
		puts_(b, e->u.boolean ? "true" : "false");
		return NULL;
	case LH_AST_NULL:
		puts_(b, "null");
		return NULL;
	case LH_AST_TEMPLATE:
		if (e->u.tmpl.n == 1 && e->u.tmpl.parts[0]->kind == LH_AST_TINTERP)
			return string_part(b, e->u.tmpl.parts[0]->u.interp.expr);
		return template_parts(b, e);
	case LH_AST_COND: {
		size_t tn, fn;
		char *t = branch(e->u.cond.t, false, &tn, &fail), *f;
		if (t == NULL)
			return b->oom ? fail : NULL;	/* a failing true branch drops it all */
		f = branch(e->u.cond.f, false, &fn, &fail);
		puts_(b, "%{if ");
		put_src(b, e->u.cond.cond);
		puts_(b, "}");
		put(b, t, tn);
		if (f != NULL && fn > 0) {
			puts_(b, "%{else}");
			put(b, f, fn);
		}
		puts_(b, "%{endif}");
		free(t);
		free(f);
		return NULL;
	}
	default:
		put_wrapped(b, e);
		return NULL;
	}
}

static char *
branch(const lh_node *e, bool tmpl, size_t *len, const lh_node **fail)
{
	buf f = { 0 };
	*fail = tmpl ? template_parts(&f, e) : string_part(&f, e);
	if (*fail != NULL || f.oom) {
		free(f.p);
		return NULL;
	}
	*len = f.n;
	return f.p != NULL ? f.p : calloc(1, 1);
}

static const lh_node *
template_parts(buf *b, const lh_node *t)
{
	const lh_node *fail;
	/* a template that is one literal interpolation is evaluated by the converter */
	if (t->u.tmpl.n == 1 && t->u.tmpl.parts[0]->kind == LH_AST_TINTERP &&
	    t->u.tmpl.parts[0]->u.interp.expr->kind == LH_AST_NULL)
		return t->u.tmpl.parts[0]->u.interp.expr;
	for (size_t i = 0; i < t->u.tmpl.n; i++) {
		const lh_node *part = t->u.tmpl.parts[i];
		switch (part->kind) {
		case LH_AST_TLIT:
			put_lit(b, part->u.lit.text, part->u.lit.len);
			break;
		case LH_AST_TINTERP:
			if ((fail = string_part(b, part->u.interp.expr)) != NULL)
				return fail;
			break;
		case LH_AST_TIF: {
			size_t tn, fn = 0;
			char *th = branch(part->u.tif.then, true, &tn, &fail), *el = NULL;
			if (th == NULL)
				break;		/* a failing true branch drops it all */
			if (part->u.tif.els != NULL)
				el = branch(part->u.tif.els, true, &fn, &fail);
			puts_(b, "%{if ");
			put_src(b, part->u.tif.cond);
			puts_(b, "}");
			put(b, th, tn);
			if (el != NULL && fn > 0) {
				puts_(b, "%{else}");
				put(b, el, fn);
			}
			puts_(b, "%{endif}");
			free(th);
			free(el);
			break;
		}
		case LH_AST_TFOR:
			puts_(b, "%{for ");
			if (part->u.tfor.key_var != NULL) {
				puts_(b, part->u.tfor.key_var);
				puts_(b, ", ");
			}
			puts_(b, part->u.tfor.val_var);
			puts_(b, " in ");
			put_src(b, part->u.tfor.coll);
			puts_(b, "}");
			if ((fail = template_parts(b, part->u.tfor.body)) != NULL)
				return fail;
			puts_(b, "%{endfor}");
			break;
		default:
			break;
		}
	}
	return NULL;
}

/* The converter's error for a null it had to put into a template. */
static void
null_error(lh_diags *d, const lh_node *n)
{
	lh_diag_add(d, LH_DIAG_ERROR, n->src, n->start, n->end,
	    "Invalid template interpolation value",
	    "The expression result is null. Cannot include a null value in a string template.");
}

/* A JSON string for text that may contain NUL bytes (cJSON strings stop at NUL). */
static cJSON *
raw_string(const char *p, size_t n)
{
	buf r = { 0 };
	char esc[8];
	puts_(&r, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(&r, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof esc, "\\u%04x", c);
			puts_(&r, esc);
		} else {
			put(&r, (const char *)&c, 1);
		}
	}
	puts_(&r, "\"");
	cJSON *j = r.oom ? NULL : cJSON_CreateRaw(r.p);
	free(r.p);
	return j;
}

static cJSON *
string_value(buf *b)
{
	cJSON *j = NULL;
	if (!b->oom && b->p != NULL && strlen(b->p) != b->n)
		j = raw_string(b->p, b->n);
	else if (!b->oom)
		j = cJSON_CreateString(b->p != NULL ? b->p : "");
	free(b->p);
	return j;
}

static cJSON *expression(const lh_node *e, lh_diags *d);

/* A literal value (or a unary operator applied to one). */
static cJSON *
literal(const lh_node *e)
{
	switch (e->kind) {
	case LH_AST_NUMBER:
		return cJSON_CreateNumber(e->u.number.value);
	case LH_AST_BOOL:
		return cJSON_CreateBool(e->u.boolean);
	case LH_AST_NULL:
		return cJSON_CreateNull();
	default:
		return NULL;
	}
}

static bool
is_literal(const lh_node *e)
{
	return e->kind == LH_AST_NUMBER || e->kind == LH_AST_BOOL || e->kind == LH_AST_NULL;
}

static cJSON *
wrapped(const lh_node *e)
{
	buf b = { 0 };
	put_wrapped(&b, e);
	return string_value(&b);
}

/* An object key as a string. */
static char *
key_text(const lh_node *k, lh_diags *d)
{
	buf b = { 0 };
	const lh_node *fail = NULL;
	if (k->kind == LH_AST_VAR || k->kind == LH_AST_GETATTR ||
	    (k->kind == LH_AST_INDEX && k->u.index.legacy))
		put_src(&b, k);
	else
		fail = string_part(&b, k);
	if (fail != NULL)
		null_error(d, fail);
	if (b.oom || fail != NULL) {
		free(b.p);
		return NULL;
	}
	if (b.p == NULL)
		return strdup("");
	return b.p;
}

/* Adds item under key, replacing an earlier value (later keys win, as in a Go map). */
static bool
set(cJSON *obj, const char *key, cJSON *item)
{
	if (item == NULL)
		return false;
	if (cJSON_GetObjectItemCaseSensitive(obj, key) != NULL)
		return cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item);
	return cJSON_AddItemToObject(obj, key, item);
}

static cJSON *
expression(const lh_node *e, lh_diags *d)
{
	cJSON *j = NULL;
	switch (e->kind) {
	case LH_AST_NUMBER:
	case LH_AST_BOOL:
	case LH_AST_NULL:
		return literal(e);
	case LH_AST_UNARY: {
		const lh_node *x = e->u.unary.operand;
		if (!is_literal(x))
			return wrapped(e);
		if (e->u.unary.op == LH_OP_NEG && x->kind == LH_AST_NUMBER)
			return cJSON_CreateNumber(-x->u.number.value);
		if (e->u.unary.op == LH_OP_NOT && x->kind == LH_AST_BOOL)
			return cJSON_CreateBool(!x->u.boolean);
		/* the converter evaluates an operator on a literal, and fails as HCL does */
		if (x->kind == LH_AST_NULL)
			lh_diag_add(d, LH_DIAG_ERROR, e->src, e->start, e->end, "Operation failed",
			    "Error during operation: argument must not be null.");
		else
			lh_diag_add(d, LH_DIAG_ERROR, e->src, x->start, x->end, "Invalid operand",
			    "Unsuitable value for unary operand: %s required.",
			    e->u.unary.op == LH_OP_NEG ? "number" : "bool");
		return NULL;
	}
	case LH_AST_TEMPLATE: {
		if (e->u.tmpl.n == 1 && e->u.tmpl.parts[0]->kind == LH_AST_TINTERP)
			return expression(e->u.tmpl.parts[0]->u.interp.expr, d);
		buf b = { 0 };
		const lh_node *fail = template_parts(&b, e);
		if (fail != NULL) {
			null_error(d, fail);
			free(b.p);
			return NULL;
		}
		return string_value(&b);
	}
	case LH_AST_TUPLE:
		j = cJSON_CreateArray();
		if (j == NULL)
			return NULL;
		for (size_t i = 0; i < e->u.tuple.n; i++) {
			cJSON *item = expression(e->u.tuple.items[i], d);
			if (item == NULL || !cJSON_AddItemToArray(j, item)) {
				cJSON_Delete(item);
				goto fail;
			}
		}
		return j;
	case LH_AST_OBJECT:
		j = cJSON_CreateObject();
		if (j == NULL)
			return NULL;
		for (size_t i = 0; i < e->u.object.n; i++) {
			char *key = key_text(e->u.object.keys[i], d);
			cJSON *v = key ? expression(e->u.object.values[i], d) : NULL;
			bool ok = v != NULL && set(j, key, v);
			free(key);
			if (!ok) {
				cJSON_Delete(v);
				goto fail;
			}
		}
		return j;
	default:
		return wrapped(e);
	}
fail:
	cJSON_Delete(j);
	return NULL;
}

static bool body(cJSON *out, const lh_node *b, lh_diags *d);

static bool
block(cJSON *out, const lh_node *blk, lh_diags *d)
{
	const char *key = blk->u.block.type;
	cJSON *value = cJSON_CreateObject(), *cur = out, *list;
	if (value == NULL || !body(value, blk->u.block.body, d))
		goto fail;
	for (size_t i = 0; i < blk->u.block.nlabels; i++) {
		cJSON *inner = cJSON_GetObjectItemCaseSensitive(cur, key);
		if (inner != NULL) {
			if (!cJSON_IsObject(inner))
				goto clash;
		} else {
			inner = cJSON_CreateObject();
			if (inner == NULL || !cJSON_AddItemToObject(cur, key, inner)) {
				cJSON_Delete(inner);
				goto fail;
			}
		}
		cur = inner;
		key = blk->u.block.labels[i].text;
	}
	list = cJSON_GetObjectItemCaseSensitive(cur, key);
	if (list != NULL && !cJSON_IsArray(list))
		goto clash;
	if (list == NULL) {
		list = cJSON_CreateArray();
		if (list == NULL || !cJSON_AddItemToObject(cur, key, list)) {
			cJSON_Delete(list);
			goto fail;
		}
	}
	if (!cJSON_AddItemToArray(list, value))
		goto fail;
	return true;
clash:
	lh_diag_add(d, LH_DIAG_ERROR, blk->src, blk->u.block.type_start, blk->u.block.type_end,
	    "Unable to convert block to JSON",
	    "The block \"%s\" clashes with an argument or block of the same name.",
	    blk->u.block.type);
fail:
	cJSON_Delete(value);
	return false;
}

static bool
body(cJSON *out, const lh_node *b, lh_diags *d)
{
	for (size_t i = 0; i < b->u.body.n; i++) {
		const lh_node *item = b->u.body.items[i];
		if (item->kind != LH_AST_ATTR)
			continue;
		int before = d->errors;
		cJSON *v = expression(item->u.attr.expr, d);
		if (!set(out, item->u.attr.name, v)) {
			cJSON_Delete(v);
			if (d->errors == before)
				lh_diag_add(d, LH_DIAG_ERROR, item->src, item->start, item->end,
				    "Unable to convert argument to JSON", "Out of memory.");
			return false;
		}
	}
	for (size_t i = 0; i < b->u.body.n; i++) {
		const lh_node *item = b->u.body.items[i];
		if (item->kind == LH_AST_BLOCK && !block(out, item, d))
			return false;
	}
	return true;
}

cJSON *
lh_hcl2json(const lh_node *b, lh_diags *d)
{
	cJSON *out = cJSON_CreateObject();
	if (out == NULL)
		return NULL;
	if (!body(out, b, d)) {
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}
