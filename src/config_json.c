/* config_json.c - the JSON configuration syntax (*.tf.json): a JSON document turned
 * into the same syntax tree a native *.tf file gives (ast.h), so that config.c treats
 * both alike.
 *
 * Following HashiCorp's JSON syntax: the top-level object's properties are block types
 * ("resource", "variable", ...), nested object levels give the labels, an array at the
 * body level means several blocks; inside a body, properties are arguments except the
 * nested block types (lifecycle, validation, required_providers ...).  Strings are
 * templates ("${var.x}"), except where Terraform reads an expression (a variable's
 * type, depends_on, ignore_changes, import's to) where the string is parsed as one.
 * Expression nodes parsed from a string carry byte ranges in the .tf.json file: the
 * string's start plus the offset in its decoded text, as HCL computes them (so after
 * an escape they lie a few bytes early, exactly where Terraform points too). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "utf8.h"
#include "parse.h"

typedef enum { JV_OBJ, JV_ARR, JV_STR, JV_NUM, JV_TRUE, JV_FALSE, JV_NULL } jv_kind;

typedef struct jv jv;
struct jv {
	jv_kind kind;
	uint32_t start, end;	/* byte range in the file (strings include quotes) */
	const char *s;		/* STR: decoded, NUM: text */
	size_t len;
	bool escaped;		/* STR: had a backslash escape */
	jv **keys, **vals;	/* OBJ: keys (strings) and values; ARR: vals */
	size_t n;
};

typedef struct {
	lh_arena *a;
	const lh_source *src;
	lh_diags *d;
	const char *t;
	size_t n, i;
	bool failed;
	int depth;
} jp;

static void
jerr(jp *p, uint32_t s, uint32_t e, const char *msg)
{
	if (p->failed)
		return;
	p->failed = true;
	lh_diag_add(p->d, LH_DIAG_ERROR, p->src, s, e, "Invalid JSON", "%s", msg);
}

static void
skip_ws(jp *p)
{
	while (p->i < p->n && (p->t[p->i] == ' ' || p->t[p->i] == '\t' || p->t[p->i] == '\n' || p->t[p->i] == '\r'))
		p->i++;
}

static void
put_utf8(char *out, size_t *k, unsigned cp)
{
	*k += lh_utf8_encode(cp, out + *k);
}

static int
hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
		else return 0;
	}
	*out = v;
	return 1;
}

static jv *
jnew(jp *p, jv_kind k, size_t start)
{
	jv *v = lh_arena_alloc(p->a, sizeof *v);
	v->kind = k;
	v->start = (uint32_t)start;
	return v;
}

static jv *parse_value(jp *p);

static jv *
parse_string(jp *p)
{
	size_t start = p->i++;
	char *out = lh_arena_alloc(p->a, p->n - start + 1);
	size_t k = 0;
	bool esc = false;
	while (p->i < p->n && p->t[p->i] != '"') {
		unsigned char c = (unsigned char)p->t[p->i];
		if (c < 0x20) {
			jerr(p, (uint32_t)p->i, (uint32_t)p->i + 1, "Control characters are not allowed in JSON strings.");
			return NULL;
		}
		if (c != '\\') {
			out[k++] = (char)c;
			p->i++;
			continue;
		}
		esc = true;
		if (p->i + 1 >= p->n)
			break;
		char e = p->t[p->i + 1];
		p->i += 2;
		switch (e) {
		case '"': out[k++] = '"'; break;
		case '\\': out[k++] = '\\'; break;
		case '/': out[k++] = '/'; break;
		case 'b': out[k++] = '\b'; break;
		case 'f': out[k++] = '\f'; break;
		case 'n': out[k++] = '\n'; break;
		case 'r': out[k++] = '\r'; break;
		case 't': out[k++] = '\t'; break;
		case 'u': {
			unsigned cp;
			if (p->i + 4 > p->n || !hex4(p->t + p->i, &cp)) {
				jerr(p, (uint32_t)p->i - 2, (uint32_t)p->i, "Invalid \\u escape in JSON string.");
				return NULL;
			}
			p->i += 4;
			if (cp >= 0xD800 && cp < 0xDC00 && p->i + 6 <= p->n && p->t[p->i] == '\\' &&
			    p->t[p->i + 1] == 'u') {
				unsigned lo;
				if (hex4(p->t + p->i + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					p->i += 6;
				}
			}
			put_utf8(out, &k, cp);
			break;
		}
		default:
			jerr(p, (uint32_t)p->i - 2, (uint32_t)p->i, "Invalid escape sequence in JSON string.");
			return NULL;
		}
	}
	if (p->i >= p->n) {
		jerr(p, (uint32_t)start, (uint32_t)p->n, "Unterminated JSON string.");
		return NULL;
	}
	p->i++;
	jv *v = jnew(p, JV_STR, start);
	v->end = (uint32_t)p->i;
	out[k] = '\0';
	v->s = out;
	v->len = k;
	v->escaped = esc;
	return v;
}

static jv *
parse_value(jp *p)
{
	skip_ws(p);
	if (p->i >= p->n) {
		jerr(p, (uint32_t)p->n, (uint32_t)p->n, "Unexpected end of JSON input.");
		return NULL;
	}
	if (++p->depth > 200) {
		jerr(p, (uint32_t)p->i, (uint32_t)p->i + 1, "JSON nesting is too deep.");
		return NULL;
	}
	size_t start = p->i;
	char c = p->t[p->i];
	jv *v = NULL;
	if (c == '{' || c == '[') {
		bool obj = c == '{';
		v = jnew(p, obj ? JV_OBJ : JV_ARR, start);
		p->i++;
		size_t cap = 0;
		skip_ws(p);
		if (p->i < p->n && p->t[p->i] == (obj ? '}' : ']')) {
			p->i++;
		} else {
			for (;;) {
				jv *k = NULL;
				skip_ws(p);
				if (obj) {
					if (p->i >= p->n || p->t[p->i] != '"') {
						jerr(p, (uint32_t)p->i, (uint32_t)p->i + 1, "Expected a quoted property name.");
						return NULL;
					}
					if ((k = parse_string(p)) == NULL)
						return NULL;
					skip_ws(p);
					if (p->i >= p->n || p->t[p->i] != ':') {
						jerr(p, (uint32_t)p->i, (uint32_t)p->i + 1, "Expected a colon after the property name.");
						return NULL;
					}
					p->i++;
				}
				jv *x = parse_value(p);
				if (x == NULL)
					return NULL;
				if (v->n == cap) {
					cap = cap ? cap * 2 : 8;
					jv **nk = lh_arena_alloc(p->a, cap * sizeof *nk);
					jv **nv = lh_arena_alloc(p->a, cap * sizeof *nv);
					if (v->n) {
						memcpy(nv, v->vals, v->n * sizeof *nv);
						if (obj)
							memcpy(nk, v->keys, v->n * sizeof *nk);
					}
					v->keys = nk;
					v->vals = nv;
				}
				if (obj)
					v->keys[v->n] = k;
				v->vals[v->n++] = x;
				skip_ws(p);
				if (p->i < p->n && p->t[p->i] == ',') {
					p->i++;
					continue;
				}
				if (p->i < p->n && p->t[p->i] == (obj ? '}' : ']')) {
					p->i++;
					break;
				}
				jerr(p, (uint32_t)p->i, (uint32_t)(p->i < p->n ? p->i + 1 : p->i),
				    obj ? "Expected a comma or the closing brace of the object." :
				    "Expected a comma or the closing bracket of the array.");
				return NULL;
			}
		}
	} else if (c == '"') {
		v = parse_string(p);
		p->depth--;
		return v;
	} else if (strncmp(p->t + p->i, "true", 4) == 0) {
		v = jnew(p, JV_TRUE, start);
		p->i += 4;
	} else if (strncmp(p->t + p->i, "false", 5) == 0) {
		v = jnew(p, JV_FALSE, start);
		p->i += 5;
	} else if (strncmp(p->t + p->i, "null", 4) == 0) {
		v = jnew(p, JV_NULL, start);
		p->i += 4;
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		size_t j = p->i;
		if (p->t[j] == '-')
			j++;
		while (j < p->n && ((p->t[j] >= '0' && p->t[j] <= '9') || p->t[j] == '.' || p->t[j] == 'e' ||
		    p->t[j] == 'E' || p->t[j] == '+' || p->t[j] == '-'))
			j++;
		lh_number num;
		if (!lh_number_parse(p->a, p->t + p->i, j - p->i, &num)) {
			jerr(p, (uint32_t)p->i, (uint32_t)j, "Invalid JSON number.");
			return NULL;
		}
		v = jnew(p, JV_NUM, start);
		v->s = lh_arena_strndup(p->a, p->t + p->i, j - p->i);
		v->len = j - p->i;
		p->i = j;
	} else {
		jerr(p, (uint32_t)p->i, (uint32_t)p->i + 1, "Invalid JSON value.");
		return NULL;
	}
	v->end = (uint32_t)p->i;
	p->depth--;
	return v;
}

/* ---- JSON -> syntax tree ---------------------------------------------------- */

static lh_node *
node(jp *p, lh_ast_kind k, uint32_t s, uint32_t e)
{
	lh_node *n = lh_arena_alloc(p->a, sizeof *n);
	n->kind = k;
	n->start = s;
	n->end = e;
	n->src = p->src;
	return n;
}

/* Moves a tree parsed from a string's text into the file: shift by off, or when the
 * string had escapes, give every node the string's whole range. */
static void
remap(lh_node *n, const lh_source *src, uint32_t off, bool whole, uint32_t ws, uint32_t we)
{
	if (n == NULL)
		return;
#define R(x) remap((x), src, off, whole, ws, we)
#define SH(f) ((f) = whole ? ws : (f) + off)
	n->src = src;
	if (whole) {
		n->start = ws;
		n->end = we;
	} else {
		n->start += off;
		n->end += off;
	}
	switch (n->kind) {
	case LH_AST_TEMPLATE:
		for (size_t i = 0; i < n->u.tmpl.n; i++) R(n->u.tmpl.parts[i]);
		break;
	case LH_AST_TINTERP: R(n->u.interp.expr); break;
	case LH_AST_TIF: R(n->u.tif.cond); R(n->u.tif.then); R(n->u.tif.els); break;
	case LH_AST_TFOR: R(n->u.tfor.coll); R(n->u.tfor.body); break;
	case LH_AST_TUPLE:
		for (size_t i = 0; i < n->u.tuple.n; i++) R(n->u.tuple.items[i]);
		break;
	case LH_AST_OBJECT:
		for (size_t i = 0; i < n->u.object.n; i++) {
			R(n->u.object.keys[i]);
			R(n->u.object.values[i]);
		}
		break;
	case LH_AST_GETATTR:
		R(n->u.getattr.obj);
		SH(n->u.getattr.name_start);
		n->u.getattr.name_end = whole ? we : n->u.getattr.name_end + off;
		break;
	case LH_AST_INDEX: R(n->u.index.obj); R(n->u.index.key); break;
	case LH_AST_SPLAT:
		R(n->u.splat.src);
		if (n->u.splat.each != NULL && n->u.splat.each->kind != LH_AST_ANON)
			R(n->u.splat.each);
		else if (n->u.splat.each != NULL)
			R(n->u.splat.each);
		break;
	case LH_AST_CALL:
		for (size_t i = 0; i < n->u.call.n; i++) R(n->u.call.args[i]);
		SH(n->u.call.name_start);
		n->u.call.name_end = whole ? we : n->u.call.name_end + off;
		SH(n->u.call.open);
		SH(n->u.call.close);
		break;
	case LH_AST_FOR:
		R(n->u.forx.coll); R(n->u.forx.key); R(n->u.forx.value); R(n->u.forx.cond);
		break;
	case LH_AST_COND: R(n->u.cond.cond); R(n->u.cond.t); R(n->u.cond.f); break;
	case LH_AST_BINARY: R(n->u.binary.lhs); R(n->u.binary.rhs); break;
	case LH_AST_UNARY: R(n->u.unary.operand); break;
	case LH_AST_PAREN: R(n->u.paren.inner); break;
	default: break;
	}
#undef R
#undef SH
}

/* Parses the text of string v as a template (expr_mode false) or expression. */
static lh_node *
string_expr(jp *p, const jv *v, bool expr_mode)
{
	lh_source *sub = lh_source_from_mem(p->a, p->src->name, v->s, v->len);
	lh_diags d;
	lh_diags_init(&d, p->a);
	lh_node *n = expr_mode ? lh_parse_expr(p->a, sub, &d) : lh_parse_template(p->a, sub, &d);
	uint32_t off = v->start + 1;
	for (lh_diag *g = d.head; g != NULL; g = g->next) {
		uint32_t s = g->start + off, e = g->end + off;	/* decoded offsets, as HCL */
		lh_diag_add(p->d, g->sev, p->src, s, e, g->summary, g->detail ? "%s" : NULL, g->detail);
	}
	if (n == NULL || d.errors > 0) {
		p->failed = true;
		return NULL;
	}
	/* the template tree's own range is the string's, quotes included */
	remap(n, p->src, off, false, v->start, v->end);
	if (!expr_mode) {
		n->start = v->start;
		n->end = v->end;
	}
	return n;
}

static lh_node *
expr(jp *p, const jv *v, bool expr_mode)
{
	lh_node *n;
	switch (v->kind) {
	case JV_STR:
		return string_expr(p, v, expr_mode);
	case JV_NUM:
		n = node(p, LH_AST_NUMBER, v->start, v->end);
		n->u.number.text = v->s;
		n->u.number.value = strtod(v->s, NULL);
		return n;
	case JV_TRUE:
	case JV_FALSE:
		n = node(p, LH_AST_BOOL, v->start, v->end);
		n->u.boolean = v->kind == JV_TRUE;
		return n;
	case JV_NULL:
		return node(p, LH_AST_NULL, v->start, v->end);
	case JV_ARR:
		n = node(p, LH_AST_TUPLE, v->start, v->end);
		n->u.tuple.n = v->n;
		n->u.tuple.items = lh_arena_alloc(p->a, (v->n ? v->n : 1) * sizeof *n->u.tuple.items);
		for (size_t i = 0; i < v->n; i++)
			if ((n->u.tuple.items[i] = expr(p, v->vals[i], expr_mode)) == NULL)
				return NULL;
		return n;
	case JV_OBJ:
		n = node(p, LH_AST_OBJECT, v->start, v->end);
		n->u.object.n = v->n;
		n->u.object.keys = lh_arena_alloc(p->a, (v->n ? v->n : 1) * sizeof(lh_node *));
		n->u.object.values = lh_arena_alloc(p->a, (v->n ? v->n : 1) * sizeof(lh_node *));
		for (size_t i = 0; i < v->n; i++) {
			/* keys are templates too ("${var.k}") */
			lh_node *k = string_expr(p, v->keys[i], false);
			lh_node *x = expr(p, v->vals[i], expr_mode);
			if (k == NULL || x == NULL)
				return NULL;
			n->u.object.keys[i] = k;
			n->u.object.values[i] = x;
		}
		return n;
	}
	return NULL;
}

/* Arguments read as expressions rather than templates. */
static bool
expr_arg(const char *block, const char *name)
{
	if (strcmp(name, "depends_on") == 0 || strcmp(name, "ignore_changes") == 0 ||
	    strcmp(name, "replace_triggered_by") == 0 || strcmp(name, "provider") == 0)
		return true;
	if (strcmp(block, "variable") == 0 && strcmp(name, "type") == 0)
		return true;
	if (strcmp(block, "import") == 0 && strcmp(name, "to") == 0)
		return true;
	return false;
}

static bool
nested_block(const char *block, const char *name)
{
	static const char *const pairs[][2] = {
		{"resource", "lifecycle"}, {"resource", "provisioner"}, {"resource", "connection"},
		{"variable", "validation"}, {"terraform", "required_providers"},
		{"terraform", "backend"}, {"terraform", "cloud"}, {"output", "precondition"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
		if (strcmp(pairs[i][0], block) == 0 && strcmp(pairs[i][1], name) == 0)
			return true;
	return false;
}

typedef struct {
	lh_node **v;
	size_t n, cap;
} nlist;

static void
nl_push(jp *p, nlist *l, lh_node *x)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		lh_node **nv = lh_arena_alloc(p->a, cap * sizeof *nv);
		if (l->n)
			memcpy(nv, l->v, l->n * sizeof *nv);
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = x;
}

static void blocks(jp *p, nlist *out, const jv *key, const jv *v, const char *type,
    size_t want, lh_label *labels, size_t nl, const char *parent);

/* A block body from object v. */
static lh_node *
body(jp *p, const jv *v, const char *type)
{
	lh_node *b = node(p, LH_AST_BODY, v->start, v->end);
	nlist items = {0};
	if (v->kind != JV_OBJ) {
		jerr(p, v->start, v->end, "A block body must be a JSON object.");
		return b;
	}
	for (size_t i = 0; i < v->n; i++) {
		const jv *k = v->keys[i], *x = v->vals[i];
		if (strcmp(k->s, "//") == 0)
			continue;	/* JSON syntax comments */
		if (strcmp(type, "locals") != 0 && nested_block(type, k->s)) {
			blocks(p, &items, k, x, k->s, 0, NULL, 0, type);
			continue;
		}
		lh_node *a = node(p, LH_AST_ATTR, k->start, x->end);
		a->u.attr.name = k->s;
		a->u.attr.name_start = k->start;
		a->u.attr.name_end = k->end;
		a->u.attr.expr = expr(p, x, expr_arg(type, k->s));
		if (a->u.attr.expr == NULL) {
			p->failed = true;
			continue;
		}
		nl_push(p, &items, a);
	}
	b->u.body.items = items.v;
	b->u.body.n = items.n;
	return b;
}

/* Blocks of type `type` from value v: `want` more labels come from object levels. */
static void
blocks(jp *p, nlist *out, const jv *key, const jv *v, const char *type, size_t want,
    lh_label *labels, size_t nl, const char *parent)
{
	if (want > 0) {
		if (v->kind != JV_OBJ) {
			jerr(p, v->start, v->end, "Expected a JSON object whose property names are the block labels.");
			return;
		}
		for (size_t i = 0; i < v->n; i++) {
			lh_label *ls = lh_arena_alloc(p->a, (nl + 1) * sizeof *ls);
			if (nl)
				memcpy(ls, labels, nl * sizeof *ls);
			ls[nl].text = v->keys[i]->s;
			ls[nl].start = v->keys[i]->start;
			ls[nl].end = v->keys[i]->end;
			ls[nl].quoted = true;
			blocks(p, out, key, v->vals[i], type, want - 1, ls, nl + 1, parent);
		}
		return;
	}
	if (v->kind == JV_ARR) {
		for (size_t i = 0; i < v->n; i++)
			blocks(p, out, key, v->vals[i], type, 0, labels, nl, parent);
		return;
	}
	lh_node *b = node(p, LH_AST_BLOCK, key->start, v->end);
	b->u.block.type = type;
	b->u.block.type_start = key->start;
	b->u.block.type_end = key->end;
	b->u.block.labels = labels;
	b->u.block.nlabels = nl;
	b->u.block.open = v->start;
	b->u.block.close = v->end > v->start ? v->end - 1 : v->start;
	b->u.block.body = body(p, v, type);
	nl_push(p, out, b);
}

static size_t
label_count(const char *type)
{
	if (strcmp(type, "resource") == 0 || strcmp(type, "data") == 0)
		return 2;
	if (strcmp(type, "variable") == 0 || strcmp(type, "output") == 0 ||
	    strcmp(type, "provider") == 0 || strcmp(type, "module") == 0)
		return 1;
	return 0;
}

lh_node *
lh_config_json_parse(lh_arena *a, const lh_source *src, lh_diags *d)
{
	jp p = {.a = a, .src = src, .d = d, .t = src->text, .n = src->len};
	jv *top = parse_value(&p);
	if (top == NULL)
		return NULL;
	skip_ws(&p);
	if (p.i < p.n) {
		jerr(&p, (uint32_t)p.i, (uint32_t)p.n, "Extra characters after the JSON value.");
		return NULL;
	}
	if (top->kind != JV_OBJ) {
		jerr(&p, top->start, top->end, "The root of a JSON configuration file must be an object.");
		return NULL;
	}
	nlist items = {0};
	for (size_t i = 0; i < top->n; i++) {
		const jv *k = top->keys[i];
		if (strcmp(k->s, "//") == 0)
			continue;
		blocks(&p, &items, k, top->vals[i], k->s, label_count(k->s), NULL, 0, "");
	}
	if (p.failed)
		return NULL;
	lh_node *b = node(&p, LH_AST_BODY, top->start, top->end);
	b->u.body.items = items.v;
	b->u.body.n = items.n;
	return b;
}
