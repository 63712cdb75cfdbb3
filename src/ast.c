/* ast.c - syntax tree constructors and the tree dump.
 *
 * The lemon grammar (grammar/parser.y) calls one constructor per action; everything
 * the tree needs beyond the bare syntax happens here: number values, decoded string
 * escapes, template strip markers (~), heredoc flush indentation, splat traversals
 * gathered under their LH_AST_SPLAT, duplicate attribute detection.  Every node lives
 * in the parse arena.  lh_ast_dump prints a tree for the data-driven parser tests;
 * lh_ast_walk_refs finds the references of an expression (the one walk the evaluator's
 * dependency order and the JSON plan's expressions share). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "utf8.h"
#include "parse_int.h"
#include "value.h"

static const char *const kind_names[] = {
	"body", "attr", "block", "number", "bool", "null", "template", "tuple", "object",
	"var", "getattr", "index", "splat", "anon", "call", "for", "cond", "binary", "unary",
	"paren", "tlit", "tinterp", "tif", "tfor",
};

const char *
lh_ast_kind_name(lh_ast_kind k)
{
	if ((size_t)k < sizeof kind_names / sizeof kind_names[0])
		return kind_names[k];
	return "?";
}

/* ---- the tree's memory (see lh_pctx in parse_int.h) ---- */

#define POOL_FIRST 1024		/* first pool block; then doubling up to POOL_MAX */
#define POOL_MAX (16 * 1024)	/* small against the arena's 1 MiB chunks */
#define POOL_BIG 1024		/* requests above this go to the arena directly */
/* Left unused at the end of every pool block: a node smaller than lh_node is never
 * the last bytes of mapped memory, should a reader copy more of it than its kind. */
#define POOL_SLACK sizeof(lh_node)

void
lh_pctx_init(lh_pctx *p, lh_arena *a, const lh_source *src)
{
	p->a = a;
	p->src = src;
	p->tmp = lh_arena_new();
	p->perm.a = a;
	p->perm.pool = NULL;
	p->perm.left = 0;
	/* a small source (a -var value, a console line) takes a small block */
	p->perm.next = src->len < POOL_FIRST / 4 ? POOL_FIRST / 4 : POOL_FIRST;
	p->cur = &p->perm;
}

/* Segments: arenas of SEG_CHUNK-byte chunks, each one pool block, shared by the items
 * that begin while SEG_LEFT bytes of it are left (about 30 resource blocks of a few
 * arguments; an item that outgrows it goes on in the segment's next chunk, and the
 * next item with it).  Sanitizer builds give every item a segment of its own, so that
 * a part kept past its release is caught in the smallest configuration. */
#ifdef LH_SANITIZED_MALLOC
#define SEG_CHUNK 4096
#define SEG_SHARED false
#else
#define SEG_CHUNK (64 * 1024)
#define SEG_SHARED true
#endif
#define SEG_LEFT 1024

void
lh_ast_seg_begin(lh_pctx *p, uint32_t off)
{
	if (!p->segs_on)
		return;
	if (p->nsegs == 0 || !SEG_SHARED || p->seg.left < SEG_LEFT) {
		if (p->nsegs == p->capsegs) {
			p->segs = lh_arena_grow(p->tmp, p->segs, p->nsegs, p->nsegs + 1,
			    sizeof *p->segs);
			p->capsegs = p->nsegs < 4 ? 8 : p->nsegs * 2;
		}
		lh_treeseg *g = &p->segs[p->nsegs++];
		g->a = lh_arena_new_child(p->a, SEG_CHUNK);
		g->live = 0;
		p->seg.a = g->a;
		p->seg.pool = NULL;
		p->seg.left = 0;
		p->seg.next = SEG_CHUNK;
	}
	/* every item counts, released or not: one never released (a variable, a
	 * block whose node was not made in the segment) keeps the segment */
	p->segs[p->nsegs - 1].live++;
	p->seg_item = off;
	p->cur = &p->seg;
}

void
lh_ast_seg_end(lh_pctx *p)
{
	p->cur = &p->perm;
}

void
lh_pctx_done(lh_pctx *p)
{
	lh_arena_free(p->tmp);
	p->tmp = NULL;
	p->itab = NULL;
	p->nitab = p->capitab = 0;
	p->seen = NULL;
	p->nseen = p->capseen = 0;
	p->strip = NULL;
	p->strip_side = NULL;
	p->nstrip = p->capstrip = 0;
	p->hbuf = NULL;
	p->hcap = 0;
}

/* n bytes at pool l's next multiple of align (a power of two, at most 16). */
static void *
take(lh_pool *l, size_t n, size_t align)
{
	if (n > POOL_BIG)
		return lh_arena_alloc(l->a, n);
	size_t pad = (size_t)(-(uintptr_t)l->pool & (align - 1));
	if (l->pool == NULL || pad + n + POOL_SLACK > l->left) {
		size_t size = l->next;
		if (l->next < POOL_MAX)
			l->next *= 2;
		l->pool = lh_arena_alloc(l->a, size);	/* 16-aligned */
		l->left = size;
		pad = 0;
	}
	void *r = l->pool + pad;
	l->pool += pad + n;
	l->left -= pad + n;
	return r;
}

/* Tree structure (nodes, arrays): in the current pool - a top-level block's own
 * segment while one is open (see lh_pctx). */
static void *
pool_take(lh_pctx *p, size_t n, size_t align)
{
	return take(p->cur, n, align);
}

/* Strings: always in the parse's lasting pool, for an interned string may be
 * shared by any node of the parse and a label's text outlives its block's segment.
 * They start at a multiple of 8, as they did between nodes: strcmp takes a few more
 * instructions on unaligned ones, and names are compared often. */
static char *
str_take(lh_pctx *p, size_t n)
{
	return take(&p->perm, n, 8);
}

void *
lh_ast_alloc(lh_pctx *p, size_t n)
{
	return pool_take(p, n, 8);
}

static uint32_t
str_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	h ^= h >> 15;		/* as seen_hash: the table takes the low bits */
	h *= 0x2c1b3c6dU;
	return h ^ (h >> 12);
}

/* The interned copy of s[0..n) (hash h), or NULL; *slot is where it would go. */
static const char *
intern_find(lh_pctx *p, const char *s, size_t n, uint32_t h, size_t *slot)
{
	size_t mask = p->capitab - 1, i = h & mask;
	while (p->itab[i].s != NULL) {
		if (p->itab[i].hash == h && p->itab[i].len == n && memcmp(p->itab[i].s, s, n) == 0)
			return p->itab[i].s;
		i = (i + 1) & mask;
	}
	*slot = i;
	return NULL;
}

static void
intern_grow(lh_pctx *p)
{
	size_t ncap = p->capitab ? p->capitab * 2 : 256;
	lh_istr *nt = lh_arena_alloc(p->tmp, ncap * sizeof *nt);
	for (size_t i = 0; i < p->capitab; i++) {
		if (p->itab[i].s == NULL)
			continue;
		size_t j = p->itab[i].hash & (ncap - 1);
		while (nt[j].s != NULL)
			j = (j + 1) & (ncap - 1);
		nt[j] = p->itab[i];
	}
	p->itab = nt;
	p->capitab = ncap;
}

/* Records str (already in the tree's memory, NUL-terminated) as the interned copy. */
static void
intern_add(lh_pctx *p, const char *str, size_t n, uint32_t h, size_t slot)
{
	p->itab[slot].s = str;
	p->itab[slot].len = (uint32_t)n;
	p->itab[slot].hash = h;
	p->nitab++;
}

/* Strings longer than this are copied, not interned (rarely repeated). */
#define INTERN_MAX 128

const char *
lh_ast_intern(lh_pctx *p, const char *s, size_t n)
{
	if (n > INTERN_MAX) {
		char *c = str_take(p, n + 1);
		memcpy(c, s, n);
		c[n] = '\0';
		return c;
	}
	if ((p->nitab + 1) * 2 > p->capitab)
		intern_grow(p);
	uint32_t h = str_hash(s, n);
	size_t slot;
	const char *o = intern_find(p, s, n, h, &slot);
	if (o != NULL)
		return o;
	char *c = str_take(p, n + 1);
	if (n > 0)
		memcpy(c, s, n);
	c[n] = '\0';
	intern_add(p, c, n, h, slot);
	return c;
}

/* Bytes of a node of each kind: its header and its member of the union.  Bodies and
 * blocks are whole lh_nodes (config.c copies them by value to merge override files). */
#define NODE_SIZE(m) (offsetof(lh_node, u) + sizeof(((lh_node *)0)->u.m))
static const unsigned short node_size[] = {
	[LH_AST_BODY] = sizeof(lh_node),
	[LH_AST_ATTR] = NODE_SIZE(attr),
	[LH_AST_BLOCK] = sizeof(lh_node),
	[LH_AST_NUMBER] = NODE_SIZE(number),
	[LH_AST_BOOL] = NODE_SIZE(boolean),
	[LH_AST_NULL] = offsetof(lh_node, u),
	[LH_AST_TEMPLATE] = NODE_SIZE(tmpl),
	[LH_AST_TUPLE] = NODE_SIZE(tuple),
	[LH_AST_OBJECT] = NODE_SIZE(object),
	[LH_AST_VAR] = NODE_SIZE(var),
	[LH_AST_GETATTR] = NODE_SIZE(getattr),
	[LH_AST_INDEX] = NODE_SIZE(index),
	[LH_AST_SPLAT] = NODE_SIZE(splat),
	[LH_AST_ANON] = offsetof(lh_node, u),
	[LH_AST_CALL] = NODE_SIZE(call),
	[LH_AST_FOR] = NODE_SIZE(forx),
	[LH_AST_COND] = NODE_SIZE(cond),
	[LH_AST_BINARY] = NODE_SIZE(binary),
	[LH_AST_UNARY] = NODE_SIZE(unary),
	[LH_AST_PAREN] = NODE_SIZE(paren),
	[LH_AST_TLIT] = NODE_SIZE(lit),
	[LH_AST_TINTERP] = NODE_SIZE(interp),
	[LH_AST_TIF] = NODE_SIZE(tif),
	[LH_AST_TFOR] = NODE_SIZE(tfor),
};
_Static_assert(sizeof node_size / sizeof node_size[0] == LH_AST_TFOR + 1,
    "node_size: one entry per lh_ast_kind");

static lh_node *
mk(lh_pctx *p, lh_ast_kind kind, uint32_t start, uint32_t end)
{
	/* a kind added to lh_ast_kind without its entry gets a whole node */
	size_t size = node_size[kind] ? node_size[kind] : sizeof(lh_node);
	lh_node *n = pool_take(p, (size + 7) & ~(size_t)7, 8);
	n->kind = kind;
	n->start = start;
	n->end = end;
	n->src = p->src;
	return n;
}

static const char *
tokstr(lh_pctx *p, lh_tok t)
{
	return lh_ast_intern(p, p->src->text + t.off, t.len);
}

/* Returns an array with room for n + 1 elements of size sz when an array of n
 * elements is full: capacities go 1, 2, 4, 8 ... (most lists are short).  Lists grow
 * in tmp; finish() gives the tree its exact copy. */
static void *
grow(lh_pctx *p, void *old, size_t n, size_t sz)
{
	if (n != 0 && (n & (n - 1)) != 0)
		return old;
	void *v = lh_arena_alloc(p->tmp, (n ? 2 * n : 1) * sz);
	if (n > 0)
		memcpy(v, old, n * sz);
	return v;
}

/* The tree's copy of a finished list of n elements of size sz (NULL when empty). */
static void *
finish(lh_pctx *p, const void *v, size_t n, size_t sz)
{
	if (n == 0)
		return NULL;
	void *r = pool_take(p, n * sz, 8);
	memcpy(r, v, n * sz);
	return r;
}

/* Appends x to an arena array of n pointers. */
static lh_node **
append(lh_pctx *p, lh_node **v, size_t n, lh_node *x)
{
	v = grow(p, v, n, sizeof *v);
	v[n] = x;
	return v;
}

/* ---- bodies ---- */

lh_node *
lh_ast_body_new(lh_pctx *p)
{
	return mk(p, LH_AST_BODY, 0, 0);
}

static size_t
seen_hash(const lh_node *body, const char *name)
{
	size_t h = 1469598103934665603ULL ^ (size_t)(uintptr_t)body;
	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ULL;
	/* the table takes the low bits, which a multiplication only fills from the
	 * low bits of its input (the body's address): mix the high ones down */
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 32);
}

/* The attribute already named like item in body, else NULL; records item (bodies
 * of more than SEEN_SCAN items). */
static const lh_node *
seen_attr(lh_pctx *p, const lh_node *body, const lh_node *item)
{
	if ((p->nseen + 1) * 2 > p->capseen) {
		size_t ncap = p->capseen ? p->capseen * 2 : 64;
		struct lh_attr_seen *nt = lh_arena_alloc(p->tmp, ncap * sizeof *nt);
		for (size_t i = 0; i < p->capseen; i++) {
			if (p->seen[i].item == NULL)
				continue;
			size_t h = seen_hash(p->seen[i].body, p->seen[i].item->u.attr.name) & (ncap - 1);
			while (nt[h].item != NULL)
				h = (h + 1) & (ncap - 1);
			nt[h] = p->seen[i];
		}
		p->seen = nt;
		p->capseen = ncap;
	}
	size_t h = seen_hash(body, item->u.attr.name) & (p->capseen - 1);
	while (p->seen[h].item != NULL) {
		if (p->seen[h].body == body && strcmp(p->seen[h].item->u.attr.name, item->u.attr.name) == 0)
			return p->seen[h].item;
		h = (h + 1) & (p->capseen - 1);
	}
	p->seen[h].body = body;
	p->seen[h].item = item;
	p->nseen++;
	return NULL;
}

/* Bodies of up to this many items are searched; a bigger one's attributes are in the
 * table (a table of every attribute of a big file is mostly cache misses). */
#define SEEN_SCAN 16

/* The attribute of body named like item (about to be added), else NULL. */
static const lh_node *
redefined(lh_pctx *p, const lh_node *body, const lh_node *item)
{
	size_t n = body->u.body.n;
	if (n < SEEN_SCAN) {
		for (size_t i = 0; i < n; i++) {
			const lh_node *it = body->u.body.items[i];
			if (it->kind == LH_AST_ATTR && strcmp(it->u.attr.name, item->u.attr.name) == 0)
				return it;
		}
		return NULL;
	}
	if (n == SEEN_SCAN)
		for (size_t i = 0; i < n; i++)
			if (body->u.body.items[i]->kind == LH_AST_ATTR)
				(void)seen_attr(p, body, body->u.body.items[i]);
	return seen_attr(p, body, item);
}

lh_node *
lh_ast_body_add(lh_pctx *p, lh_node *body, lh_node *item)
{
	const lh_node *o = item->kind == LH_AST_ATTR ? redefined(p, body, item) : NULL;
	if (o != NULL) {
		int line, col;
		lh_source_pos(p->src, o->u.attr.name_start, &line, &col);
		lh_diag_add(p->d, LH_DIAG_ERROR, p->src, item->u.attr.name_start,
		    item->u.attr.name_end, "Attribute redefined",
		    "The argument \"%s\" was already set at %s:%d,%d. Each argument may be set only once.",
		    item->u.attr.name, p->src->name, line, col);
		p->error = true;
	}
	body->u.body.items = append(p, body->u.body.items, body->u.body.n, item);
	body->u.body.n++;
	if (body->u.body.n == 1)
		body->start = item->start;
	body->end = item->end;
	return body;
}

/* Gives a complete body its exact array of items. */
static void
body_done(lh_pctx *p, lh_node *body)
{
	body->u.body.items = finish(p, body->u.body.items, body->u.body.n,
	    sizeof *body->u.body.items);
}

lh_node *
lh_ast_body_finish(lh_pctx *p, lh_node *body)
{
	body->start = 0;
	body->end = (uint32_t)p->src->len;
	body_done(p, body);
	return body;
}

lh_node *
lh_ast_attr(lh_pctx *p, lh_tok name, lh_node *expr)
{
	lh_node *n = mk(p, LH_AST_ATTR, name.off, expr->end);
	n->u.attr.name = tokstr(p, name);
	n->u.attr.name_start = name.off;
	n->u.attr.name_end = name.off + name.len;
	n->u.attr.expr = expr;
	return n;
}

/* The decoded text of a template that must be a plain string (block labels). */
static const char *
plain_text(lh_pctx *p, lh_node *t)
{
	if (t->u.tmpl.n == 1)	/* literals are NUL-terminated once merged */
		return t->u.tmpl.parts[0]->u.lit.text;
	size_t len = 0;
	for (size_t i = 0; i < t->u.tmpl.n; i++)
		len += t->u.tmpl.parts[i]->u.lit.len;
	char *s = str_take(p, len + 1), *o = s;
	for (size_t i = 0; i < t->u.tmpl.n; i++) {
		memcpy(o, t->u.tmpl.parts[i]->u.lit.text, t->u.tmpl.parts[i]->u.lit.len);
		o += t->u.tmpl.parts[i]->u.lit.len;
	}
	*o = '\0';
	return s;
}

lh_labels
lh_ast_labels_add(lh_pctx *p, lh_labels l, lh_tok ident, lh_node *quoted)
{
	l.v = grow(p, l.v, l.n, sizeof *l.v);
	lh_label *lab = &l.v[l.n++];
	if (quoted == NULL) {
		lab->text = tokstr(p, ident);
		lab->start = ident.off;
		lab->end = ident.off + ident.len;
		lab->quoted = false;
		return l;
	}
	lab->start = quoted->start;
	lab->end = quoted->end;
	lab->quoted = true;
	lab->text = "";
	if (quoted->u.tmpl.heredoc) {
		lh_diag_add(p->d, LH_DIAG_ERROR, p->src, quoted->start, quoted->end,
		    "Invalid block definition",
		    "Either a quoted string block label or an opening brace (\"{\") is expected here.");
		p->error = true;
		return l;
	}
	for (size_t i = 0; i < quoted->u.tmpl.n; i++) {
		lh_node *part = quoted->u.tmpl.parts[i];
		if (part->kind != LH_AST_TLIT) {
			lh_diag_add(p->d, LH_DIAG_ERROR, p->src, part->start, part->start + 2,
			    "Invalid string literal",
			    "Template sequences are not allowed in this string. To include a literal \"$\", double it (as \"$$\") to escape it.");
			p->error = true;
			return l;
		}
	}
	lab->text = plain_text(p, quoted);
	return l;
}

lh_node *
lh_ast_block(lh_pctx *p, lh_tok type, lh_labels labels, lh_tok open, lh_node *body,
    lh_tok close)
{
	/* the top-level block of a segment: its node and labels outlive the segment */
	bool top = p->cur == &p->seg && type.off == p->seg_item;
	if (top)
		p->cur = &p->perm;
	lh_node *n = mk(p, LH_AST_BLOCK, type.off, close.off + close.len);
	n->u.block.type = tokstr(p, type);
	n->u.block.type_start = type.off;
	n->u.block.type_end = type.off + type.len;
	n->u.block.labels = finish(p, labels.v, labels.n, sizeof *labels.v);
	n->u.block.nlabels = labels.n;
	if (top) {
		p->cur = &p->seg;
		n->u.block.seg = (uint32_t)p->nsegs;
	}
	if (body == NULL)
		body = lh_ast_body_new(p);
	else
		body_done(p, body);
	body->start = open.off;
	body->end = close.off + close.len;
	n->u.block.body = body;
	n->u.block.open = open.off;
	n->u.block.close = close.off;
	return n;
}

/* ---- expressions ---- */

lh_node *
lh_ast_literal(lh_pctx *p, lh_tok t)
{
	const char *s = p->src->text + t.off;
	lh_node *n;
	if (*s >= '0' && *s <= '9') {
		n = mk(p, LH_AST_NUMBER, t.off, t.off + t.len);
		n->u.number.text = tokstr(p, t);
		n->u.number.value = strtod(n->u.number.text, NULL);
	} else if (*s == 'n') {
		n = mk(p, LH_AST_NULL, t.off, t.off + t.len);
	} else {
		n = mk(p, LH_AST_BOOL, t.off, t.off + t.len);
		n->u.boolean = *s == 't';
	}
	return n;
}

lh_node *
lh_ast_var(lh_pctx *p, lh_tok t)
{
	lh_node *n = mk(p, LH_AST_VAR, t.off, t.off + t.len);
	n->u.var.name = tokstr(p, t);
	return n;
}

/* An open splat takes the traversal steps that follow it into its each expression. */
static bool
splat_takes(const lh_node *obj, bool index)
{
	return obj->kind == LH_AST_SPLAT && (!index || obj->u.splat.full);
}

lh_node *
lh_ast_getattr(lh_pctx *p, lh_node *obj, lh_tok name)
{
	if (splat_takes(obj, false)) {
		obj->u.splat.each = lh_ast_getattr(p, obj->u.splat.each, name);
		obj->end = name.off + name.len;
		return obj;
	}
	lh_node *n = mk(p, LH_AST_GETATTR, obj->start, name.off + name.len);
	n->u.getattr.obj = obj;
	n->u.getattr.name = tokstr(p, name);
	n->u.getattr.name_start = name.off;
	n->u.getattr.name_end = name.off + name.len;
	return n;
}

lh_node *
lh_ast_legacy_index(lh_pctx *p, lh_node *obj, lh_tok num)
{
	if (splat_takes(obj, false)) {
		obj->u.splat.each = lh_ast_legacy_index(p, obj->u.splat.each, num);
		obj->end = num.off + num.len;
		return obj;
	}
	lh_node *n = mk(p, LH_AST_INDEX, obj->start, num.off + num.len);
	n->u.index.obj = obj;
	n->u.index.key = lh_ast_literal(p, num);
	n->u.index.legacy = true;
	return n;
}

lh_node *
lh_ast_index(lh_pctx *p, lh_node *obj, lh_node *key, lh_tok close)
{
	if (splat_takes(obj, true)) {
		obj->u.splat.each = lh_ast_index(p, obj->u.splat.each, key, close);
		obj->end = close.off + close.len;
		return obj;
	}
	lh_node *n = mk(p, LH_AST_INDEX, obj->start, close.off + close.len);
	n->u.index.obj = obj;
	n->u.index.key = key;
	return n;
}

lh_node *
lh_ast_splat(lh_pctx *p, lh_node *src, bool full, lh_tok last)
{
	if (!full && src->kind == LH_AST_SPLAT && !src->u.splat.full) {
		lh_diag_add(p->d, LH_DIAG_ERROR, p->src, last.off, last.off + last.len,
		    "Nested splat expression not allowed",
		    "A splat expression (*) cannot be used inside another attribute-only splat expression.");
		p->error = true;
	}
	lh_node *n = mk(p, LH_AST_SPLAT, src->start, last.off + last.len);
	n->u.splat.src = src;
	n->u.splat.full = full;
	n->u.splat.each = mk(p, LH_AST_ANON, src->end, last.off + last.len);
	return n;
}

lh_node *
lh_ast_paren(lh_pctx *p, lh_tok open, lh_node *inner, lh_tok close)
{
	lh_node *n = mk(p, LH_AST_PAREN, open.off, close.off + close.len);
	n->u.paren.inner = inner;
	return n;
}

lh_node *
lh_ast_binary(lh_pctx *p, lh_node *l, lh_op op, lh_node *r)
{
	lh_node *n = mk(p, LH_AST_BINARY, l->start, r->end);
	n->u.binary.op = op;
	n->u.binary.lhs = l;
	n->u.binary.rhs = r;
	return n;
}

lh_node *
lh_ast_unary(lh_pctx *p, lh_tok optok, lh_op op, lh_node *x)
{
	lh_node *n = mk(p, LH_AST_UNARY, optok.off, x->end);
	n->u.unary.op = op;
	n->u.unary.operand = x;
	return n;
}

lh_node *
lh_ast_cond(lh_pctx *p, lh_node *c, lh_node *t, lh_node *f)
{
	lh_node *n = mk(p, LH_AST_COND, c->start, f->end);
	n->u.cond.cond = c;
	n->u.cond.t = t;
	n->u.cond.f = f;
	return n;
}

lh_list
lh_ast_list_add(lh_pctx *p, lh_list l, lh_node *item, lh_node *value)
{
	l.v = grow(p, l.v, l.n, sizeof *l.v);
	if (value != NULL)
		l.w = grow(p, l.w, l.n, sizeof *l.w);
	l.v[l.n] = item;
	if (value != NULL)
		l.w[l.n] = value;
	l.n++;
	return l;
}

lh_node *
lh_ast_tuple(lh_pctx *p, lh_tok open, lh_list l, lh_tok close)
{
	lh_node *n = mk(p, LH_AST_TUPLE, open.off, close.off + close.len);
	n->u.tuple.items = finish(p, l.v, l.n, sizeof *l.v);
	n->u.tuple.n = l.n;
	return n;
}

lh_node *
lh_ast_object(lh_pctx *p, lh_tok open, lh_list l, lh_tok close)
{
	lh_node *n = mk(p, LH_AST_OBJECT, open.off, close.off + close.len);
	n->u.object.keys = finish(p, l.v, l.n, sizeof *l.v);
	n->u.object.values = finish(p, l.w, l.n, sizeof *l.w);
	n->u.object.n = l.n;
	return n;
}

lh_node *
lh_ast_call(lh_pctx *p, lh_tok name, lh_tok open, lh_list args, lh_tok close)
{
	lh_node *n = mk(p, LH_AST_CALL, name.off, close.off + close.len);
	n->u.call.name = tokstr(p, name);
	n->u.call.name_start = name.off;
	n->u.call.name_end = name.off + name.len;
	n->u.call.args = finish(p, args.v, args.n, sizeof *args.v);
	n->u.call.n = args.n;
	n->u.call.expand_final = args.expand;
	n->u.call.open = open.off;
	n->u.call.close = close.off;
	return n;
}

lh_forhead
lh_ast_forhead(lh_pctx *p, lh_tok k, lh_tok v, lh_node *coll)
{
	lh_forhead h;
	h.k = k;
	h.v = v;
	h.coll = coll;
	return h;
}

lh_node *
lh_ast_for(lh_pctx *p, lh_tok open, lh_forhead h, lh_node *key, lh_node *value,
    bool group, lh_node *cond, lh_tok close)
{
	lh_node *n = mk(p, LH_AST_FOR, open.off, close.off + close.len);
	n->u.forx.key_var = h.k.len ? tokstr(p, h.k) : NULL;
	n->u.forx.val_var = tokstr(p, h.v);
	n->u.forx.coll = h.coll;
	n->u.forx.key = key;
	n->u.forx.value = value;
	n->u.forx.cond = cond;
	n->u.forx.group = group;
	n->u.forx.object = key != NULL;
	return n;
}

/* ---- templates ---- */

/* Byte length of the Unicode white space character at s[0..n), or 0. */
static unsigned
space_len(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	switch (s[0]) {
	case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
		return 1;
	case 0xc2:
		return n >= 2 && (s[1] == 0x85 || s[1] == 0xa0) ? 2 : 0;
	case 0xe1:
		return n >= 3 && s[1] == 0x9a && s[2] == 0x80 ? 3 : 0;
	case 0xe2:
		if (n < 3)
			return 0;
		if (s[1] == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xa8 ||
		    s[2] == 0xa9 || s[2] == 0xaf))
			return 3;
		return s[1] == 0x81 && s[2] == 0x9f ? 3 : 0;
	case 0xe3:
		return n >= 3 && s[1] == 0x80 && s[2] == 0x80 ? 3 : 0;
	}
	return 0;
}

static void
trim_left(lh_node *lit)
{
	const unsigned char *s = (const unsigned char *)lit->u.lit.text;
	size_t i = 0, n = lit->u.lit.len;
	unsigned k;
	while (i < n && (k = space_len(s + i, n - i)) != 0)
		i += k;
	lit->u.lit.text += i;
	lit->u.lit.len -= i;
}

static void
trim_right(lh_node *lit)
{
	const unsigned char *s = (const unsigned char *)lit->u.lit.text;
	size_t i = 0, n = lit->u.lit.len, keep = 0;
	while (i < n) {
		unsigned k = space_len(s + i, n - i);
		if (k == 0) {
			i++;
			keep = i;
		} else {
			i += k;
		}
	}
	lit->u.lit.len = keep;
}

/* Records that lit must lose its leading (side 1) or trailing (side 2) white space
 * once its template is complete. */
static void
strip_later(lh_pctx *p, lh_node *lit, unsigned char side)
{
	if (p->nstrip == p->capstrip) {
		p->strip = lh_arena_grow(p->tmp, p->strip, p->nstrip, p->nstrip + 1, sizeof *p->strip);
		p->strip_side = lh_arena_grow(p->tmp, p->strip_side, p->nstrip, p->nstrip + 1, 1);
		p->capstrip = p->nstrip < 4 ? 8 : p->nstrip * 2;
	}
	p->strip[p->nstrip] = lit;
	p->strip_side[p->nstrip++] = side;
}

lh_tparts
lh_ast_tparts_add(lh_pctx *p, lh_tparts l, lh_tpart part)
{
	if (part.n->kind == LH_AST_TLIT && l.strip_next)
		strip_later(p, part.n, 1);
	if (part.strip_before && l.n > 0 && l.v[l.n - 1]->kind == LH_AST_TLIT)
		strip_later(p, l.v[l.n - 1], 2);
	l.v = grow(p, l.v, l.n, sizeof *l.v);
	l.v[l.n++] = part.n;
	l.strip_next = part.strip_after;
	if (l.n == 1)
		l.start = part.n->start;
	l.end = part.n->end;
	return l;
}

static size_t
put_utf8(char *o, uint32_t cp)
{
	return lh_utf8_encode(cp, o);
}

static void
bad_escape(lh_pctx *p, uint32_t at, uint32_t end, const char *detail)
{
	lh_diag_add(p->d, LH_DIAG_ERROR, p->src, at, end, "Invalid escape sequence", "%s", detail);
	p->error = true;
}

lh_tpart
lh_ast_tlit(lh_pctx *p, lh_tok t, bool quoted)
{
	const char *s = p->src->text + t.off, *e = s + t.len;
	/* decoded in place at the string pool's end (it only gets shorter), then
	 * interned */
	char *out = str_take(p, t.len + 1), *o = out;
	lh_tpart r = { NULL, false, false };
	/* most literals need no decoding: copy up to the first \\, $ or % at once */
	const char *q = s;
	while (q < e && *q != '\\' && *q != '$' && *q != '%')
		q++;
	memcpy(o, s, (size_t)(q - s));
	o += q - s;
	s = q;
	while (s < e) {
		if ((*s == '$' || *s == '%') && e - s >= 3 && s[1] == s[0] && s[2] == '{') {
			*o++ = *s;
			*o++ = '{';
			s += 3;
			continue;
		}
		if (*s != '\\' || !quoted) {
			*o++ = *s++;
			continue;
		}
		uint32_t at = (uint32_t)(s - p->src->text);
		char c = s + 1 < e ? s[1] : 0;
		s += 2;
		switch (c) {
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case 'u':
		case 'U': {
			int nd = c == 'u' ? 4 : 8, i;
			uint32_t cp = 0;
			for (i = 0; i < nd && s + i < e && lh_hexval((unsigned char)s[i]) >= 0; i++)
				cp = cp << 4 | (uint32_t)lh_hexval((unsigned char)s[i]);
			if (i < nd) {
				bad_escape(p, at, (uint32_t)(s + i - p->src->text),
				    c == 'u' ? "The \\u escape sequence must be followed by four hexadecimal digits."
					     : "The \\U escape sequence must be followed by eight hexadecimal digits.");
				s += i;
				break;
			}
			s += nd;
			if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
				bad_escape(p, at, (uint32_t)(s - p->src->text),
				    "The escape sequence does not give a valid Unicode character.");
				break;
			}
			o += put_utf8(o, cp);
			break;
		}
		default:
			if (c == 0 || (unsigned char)c < 0x20 || (unsigned char)c >= 0x7f) {
				bad_escape(p, at, at + 1, "A backslash must be followed by an escape sequence selector.");
				s--;
			} else {
				char detail[80];
				snprintf(detail, sizeof detail,
				    "The symbol \"%c\" is not a valid escape sequence selector.", c);
				bad_escape(p, at, at + 2, detail);
			}
			break;
		}
	}
	*o = '\0';
	size_t len = (size_t)(o - out);
	const char *text = out;
	if (t.len + 1 <= POOL_BIG && len <= INTERN_MAX) {
		/* give the pool back what decoding did not use, or all of it when the
		 * text is interned already (cleared again: pool memory is zeroed) */
		if ((p->nitab + 1) * 2 > p->capitab)
			intern_grow(p);
		uint32_t h = str_hash(out, len);
		size_t slot, back = t.len - len;
		const char *old = intern_find(p, out, len, h, &slot);
		if (old != NULL) {
			memset(out, 0, len + 1);
			back = t.len + 1;
			text = old;
		} else {
			intern_add(p, out, len, h, slot);
		}
		p->perm.pool -= back;
		p->perm.left += back;
	}
	r.n = mk(p, LH_AST_TLIT, t.off, t.off + t.len);
	r.n->u.lit.text = text;
	r.n->u.lit.len = len;
	/* HashiCorp's parser normalizes literal text to NFC */
	if (lh_str_needs_nfc(text, len))
		r.n->u.lit.text = lh_str_nfc(p->a, text, len, &r.n->u.lit.len);
	return r;
}

/* ${~ / %{~ opens with a strip marker; ~} closes with one. */
static bool
strips_before(lh_pctx *p, lh_tok open)
{
	return open.len >= 3 && p->src->text[open.off + 2] == '~';
}

static bool
strips_after(lh_tok close)
{
	return close.len == 2;
}

lh_tpart
lh_ast_tinterp(lh_pctx *p, lh_tok open, lh_node *e, lh_tok close)
{
	lh_tpart r;
	r.n = mk(p, LH_AST_TINTERP, open.off, close.off + close.len);
	r.n->u.interp.expr = e;
	r.n->u.interp.strip_left = r.strip_before = strips_before(p, open);
	r.n->u.interp.strip_right = r.strip_after = strips_after(close);
	return r;
}

/* The template node of a directive body; its edges are stripped as the directive
 * markers around it ask. */
static lh_node *
inner_template(lh_pctx *p, lh_tparts l, uint32_t start, uint32_t end, bool strip_start,
    bool strip_end)
{
	lh_node *n = mk(p, LH_AST_TEMPLATE, start, end);
	if (l.n > 0 && strip_start && l.v[0]->kind == LH_AST_TLIT)
		strip_later(p, l.v[0], 1);
	if (l.n > 0 && strip_end && l.v[l.n - 1]->kind == LH_AST_TLIT)
		strip_later(p, l.v[l.n - 1], 2);
	n->u.tmpl.parts = finish(p, l.v, l.n, sizeof *l.v);
	n->u.tmpl.n = l.n;
	return n;
}

lh_tpart
lh_ast_tif(lh_pctx *p, lh_tok open, lh_node *c, lh_tok c1, lh_tparts then, lh_tok eopen,
    lh_tok eclose, lh_tparts els, lh_tok endopen, lh_tok endclose)
{
	lh_tpart r;
	bool has_else = eopen.len > 0;
	r.n = mk(p, LH_AST_TIF, open.off, endclose.off + endclose.len);
	r.n->u.tif.cond = c;
	r.n->u.tif.then = inner_template(p, then, c1.off + c1.len,
	    has_else ? eopen.off : endopen.off, strips_after(c1),
	    strips_before(p, has_else ? eopen : endopen));
	if (has_else)
		r.n->u.tif.els = inner_template(p, els, eclose.off + eclose.len, endopen.off,
		    strips_after(eclose), strips_before(p, endopen));
	r.strip_before = strips_before(p, open);
	r.strip_after = strips_after(endclose);
	return r;
}

lh_tpart
lh_ast_tfor(lh_pctx *p, lh_tok open, lh_forhead h, lh_tok c1, lh_tparts body,
    lh_tok endopen, lh_tok endclose)
{
	lh_tpart r;
	r.n = mk(p, LH_AST_TFOR, open.off, endclose.off + endclose.len);
	r.n->u.tfor.key_var = h.k.len ? tokstr(p, h.k) : NULL;
	r.n->u.tfor.val_var = tokstr(p, h.v);
	r.n->u.tfor.coll = h.coll;
	r.n->u.tfor.body = inner_template(p, body, c1.off + c1.len, endopen.off,
	    strips_after(c1), strips_before(p, endopen));
	r.strip_before = strips_before(p, open);
	r.strip_after = strips_after(endclose);
	return r;
}

/* ---- heredoc flush: remove the smallest indentation of the lines ---- */

typedef struct flush_state {
	bool newline;		/* the next part starts a line */
	size_t min;		/* smallest indentation seen, in characters */
	lh_node **adjust;	/* literals that start a line with indentation */
	size_t nadjust;
} flush_state;

/* Counts leading white space characters of lit; *blank when it is only white space
 * followed by a newline. */
static size_t
indent_of(const lh_node *lit, bool *blank)
{
	const unsigned char *s = (const unsigned char *)lit->u.lit.text;
	size_t i = 0, n = lit->u.lit.len, chars = 0;
	unsigned k;
	while (i < n && (k = space_len(s + i, n - i)) != 0) {
		i += k;
		chars++;
	}
	*blank = i == n && n > 0 && s[n - 1] == '\n';
	return chars;
}

static void
flush_scan(lh_pctx *p, flush_state *st, lh_node *t)
{
	for (size_t i = 0; i < t->u.tmpl.n; i++) {
		lh_node *part = t->u.tmpl.parts[i];
		if (st->newline) {
			st->newline = false;
			if (part->kind == LH_AST_TLIT) {
				bool blank;
				size_t sp = indent_of(part, &blank);
				if (!blank) {
					if (sp < st->min)
						st->min = sp;
					st->adjust = append(p, st->adjust, st->nadjust, part);
					st->nadjust++;
				}
			} else {
				st->min = 0;
			}
		}
		if (part->kind == LH_AST_TLIT) {
			if (part->u.lit.len > 0 && part->u.lit.text[part->u.lit.len - 1] == '\n')
				st->newline = true;
		} else if (part->kind == LH_AST_TIF) {
			flush_scan(p, st, part->u.tif.then);
			if (part->u.tif.els)
				flush_scan(p, st, part->u.tif.els);
		} else if (part->kind == LH_AST_TFOR) {
			flush_scan(p, st, part->u.tfor.body);
		}
	}
}

static void
flush(lh_pctx *p, lh_node *t)
{
	flush_state st = { true, SIZE_MAX, NULL, 0 };
	flush_scan(p, &st, t);
	if (st.min == SIZE_MAX || st.min == 0)
		return;
	for (size_t i = 0; i < st.nadjust; i++) {
		lh_node *lit = st.adjust[i];
		const unsigned char *s = (const unsigned char *)lit->u.lit.text;
		size_t off = 0, n = lit->u.lit.len;
		for (size_t c = 0; c < st.min && off < n; c++) {
			unsigned k = space_len(s + off, n - off);
			off += k ? k : 1;
		}
		lit->u.lit.text += off;
		lit->u.lit.len -= off;
	}
}

/* Joins adjacent literals and drops empty ones, in directive bodies too. */
static void
merge(lh_pctx *p, lh_node *t)
{
	size_t o = 0;
	for (size_t i = 0; i < t->u.tmpl.n; i++) {
		lh_node *part = t->u.tmpl.parts[i];
		if (part->kind == LH_AST_TIF) {
			merge(p, part->u.tif.then);
			if (part->u.tif.els)
				merge(p, part->u.tif.els);
		} else if (part->kind == LH_AST_TFOR) {
			merge(p, part->u.tfor.body);
		}
		if (part->kind != LH_AST_TLIT) {
			t->u.tmpl.parts[o++] = part;
			continue;
		}
		if (part->u.lit.len == 0)
			continue;
		lh_node *prev = o > 0 ? t->u.tmpl.parts[o - 1] : NULL;
		if (prev == NULL || prev->kind != LH_AST_TLIT) {
			if (part->u.lit.text[part->u.lit.len] != '\0')
				part->u.lit.text = lh_ast_intern(p, part->u.lit.text,
				    part->u.lit.len);
			t->u.tmpl.parts[o++] = part;
			continue;
		}
		size_t len = prev->u.lit.len + part->u.lit.len;
		char *s = str_take(p, len + 1);
		memcpy(s, prev->u.lit.text, prev->u.lit.len);
		memcpy(s + prev->u.lit.len, part->u.lit.text, part->u.lit.len);
		lh_node *m = mk(p, LH_AST_TLIT, prev->start, part->end);
		m->u.lit.text = s;
		m->u.lit.len = len;
		t->u.tmpl.parts[o - 1] = m;
	}
	t->u.tmpl.n = o;
}

lh_node *
lh_ast_template(lh_pctx *p, lh_tok open, lh_tparts parts, lh_tok close)
{
	lh_node *n;
	if (open.len == 0) {
		n = mk(p, LH_AST_TEMPLATE, 0, (uint32_t)p->src->len);
	} else {
		n = mk(p, LH_AST_TEMPLATE, open.off, close.off + close.len);
		if (p->src->text[open.off] == '"') {
			n->u.tmpl.quoted = true;
		} else {
			n->u.tmpl.heredoc = true;
			n->u.tmpl.flush = p->src->text[open.off + 2] == '-';
		}
	}
	n->u.tmpl.parts = parts.v;
	n->u.tmpl.n = parts.n;
	/* the strips recorded since this template began are the last ones: any template
	 * nested in it finished (and took its own) before */
	while (p->nstrip > 0 && p->strip[p->nstrip - 1]->start >= n->start) {
		p->nstrip--;
		if (p->strip_side[p->nstrip] == 1)
			trim_left(p->strip[p->nstrip]);
		else
			trim_right(p->strip[p->nstrip]);
	}
	if (n->u.tmpl.flush)
		flush(p, n);
	merge(p, n);
	n->u.tmpl.parts = finish(p, n->u.tmpl.parts, n->u.tmpl.n, sizeof *n->u.tmpl.parts);
	return n;
}

/* ---- dump ---- */

static const char *const op_names[] = {
	"+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "-", "!",
};

static void
dump_str(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void dump(FILE *f, const lh_node *n, int depth, const char *role);

static void
dump_list(FILE *f, lh_node *const *v, size_t n, int depth, const char *role)
{
	for (size_t i = 0; i < n; i++)
		dump(f, v[i], depth, role);
}

static void
dump(FILE *f, const lh_node *n, int depth, const char *role)
{
	if (n == NULL)
		return;
	fprintf(f, "%*s", depth * 2, "");
	if (role)
		fprintf(f, "%s: ", role);
	fprintf(f, "%s [%u,%u)", lh_ast_kind_name(n->kind), n->start, n->end);
	switch (n->kind) {
	case LH_AST_BODY:
		fputc('\n', f);
		dump_list(f, n->u.body.items, n->u.body.n, depth + 1, NULL);
		return;
	case LH_AST_ATTR:
		fprintf(f, " %s\n", n->u.attr.name);
		dump(f, n->u.attr.expr, depth + 1, NULL);
		return;
	case LH_AST_BLOCK:
		fprintf(f, " %s", n->u.block.type);
		for (size_t i = 0; i < n->u.block.nlabels; i++) {
			fputc(' ', f);
			if (n->u.block.labels[i].quoted)
				dump_str(f, n->u.block.labels[i].text, strlen(n->u.block.labels[i].text));
			else
				fputs(n->u.block.labels[i].text, f);
		}
		fputc('\n', f);
		dump(f, n->u.block.body, depth + 1, NULL);
		return;
	case LH_AST_NUMBER:
		fprintf(f, " %s = %.17g\n", n->u.number.text, n->u.number.value);
		return;
	case LH_AST_BOOL:
		fprintf(f, " %s\n", n->u.boolean ? "true" : "false");
		return;
	case LH_AST_NULL:
	case LH_AST_ANON:
		fputc('\n', f);
		return;
	case LH_AST_TEMPLATE:
		fprintf(f, "%s%s%s\n", n->u.tmpl.quoted ? " quoted" : "",
		    n->u.tmpl.heredoc ? " heredoc" : "", n->u.tmpl.flush ? " flush" : "");
		dump_list(f, n->u.tmpl.parts, n->u.tmpl.n, depth + 1, NULL);
		return;
	case LH_AST_TLIT:
		fputc(' ', f);
		dump_str(f, n->u.lit.text, n->u.lit.len);
		fputc('\n', f);
		return;
	case LH_AST_TINTERP:
		fprintf(f, "%s%s\n", n->u.interp.strip_left ? " strip-left" : "",
		    n->u.interp.strip_right ? " strip-right" : "");
		dump(f, n->u.interp.expr, depth + 1, NULL);
		return;
	case LH_AST_TIF:
		fputc('\n', f);
		dump(f, n->u.tif.cond, depth + 1, "cond");
		dump(f, n->u.tif.then, depth + 1, "then");
		dump(f, n->u.tif.els, depth + 1, "else");
		return;
	case LH_AST_TFOR:
		fprintf(f, " %s%s%s\n", n->u.tfor.key_var ? n->u.tfor.key_var : "",
		    n->u.tfor.key_var ? ", " : "", n->u.tfor.val_var);
		dump(f, n->u.tfor.coll, depth + 1, "coll");
		dump(f, n->u.tfor.body, depth + 1, "body");
		return;
	case LH_AST_TUPLE:
		fputc('\n', f);
		dump_list(f, n->u.tuple.items, n->u.tuple.n, depth + 1, NULL);
		return;
	case LH_AST_OBJECT:
		fputc('\n', f);
		for (size_t i = 0; i < n->u.object.n; i++) {
			dump(f, n->u.object.keys[i], depth + 1, "key");
			dump(f, n->u.object.values[i], depth + 1, "value");
		}
		return;
	case LH_AST_VAR:
		fprintf(f, " %s\n", n->u.var.name);
		return;
	case LH_AST_GETATTR:
		fprintf(f, " .%s\n", n->u.getattr.name);
		dump(f, n->u.getattr.obj, depth + 1, NULL);
		return;
	case LH_AST_INDEX:
		fprintf(f, "%s\n", n->u.index.legacy ? " legacy" : "");
		dump(f, n->u.index.obj, depth + 1, NULL);
		dump(f, n->u.index.key, depth + 1, "key");
		return;
	case LH_AST_SPLAT:
		fprintf(f, " %s\n", n->u.splat.full ? "[*]" : ".*");
		dump(f, n->u.splat.src, depth + 1, "src");
		dump(f, n->u.splat.each, depth + 1, "each");
		return;
	case LH_AST_CALL:
		fprintf(f, " %s%s\n", n->u.call.name, n->u.call.expand_final ? " ..." : "");
		dump_list(f, n->u.call.args, n->u.call.n, depth + 1, NULL);
		return;
	case LH_AST_FOR:
		fprintf(f, " %s %s%s%s%s\n", n->u.forx.object ? "object" : "tuple",
		    n->u.forx.key_var ? n->u.forx.key_var : "", n->u.forx.key_var ? ", " : "",
		    n->u.forx.val_var, n->u.forx.group ? " ..." : "");
		dump(f, n->u.forx.coll, depth + 1, "coll");
		dump(f, n->u.forx.key, depth + 1, "key");
		dump(f, n->u.forx.value, depth + 1, "value");
		dump(f, n->u.forx.cond, depth + 1, "if");
		return;
	case LH_AST_COND:
		fputc('\n', f);
		dump(f, n->u.cond.cond, depth + 1, "cond");
		dump(f, n->u.cond.t, depth + 1, "true");
		dump(f, n->u.cond.f, depth + 1, "false");
		return;
	case LH_AST_BINARY:
		fprintf(f, " %s\n", op_names[n->u.binary.op]);
		dump(f, n->u.binary.lhs, depth + 1, NULL);
		dump(f, n->u.binary.rhs, depth + 1, NULL);
		return;
	case LH_AST_UNARY:
		fprintf(f, " %s\n", op_names[n->u.unary.op]);
		dump(f, n->u.unary.operand, depth + 1, NULL);
		return;
	case LH_AST_PAREN:
		fputc('\n', f);
		dump(f, n->u.paren.inner, depth + 1, NULL);
		return;
	}
}

void
lh_ast_dump(FILE *f, const lh_node *n)
{
	dump(f, n, 0, NULL);
}

/* ---- references ---- */

#define WALK_DEPTH 256

/* Names bound by the enclosing for expressions. */
typedef struct bound {
	const char *a, *b;
	const struct bound *next;
} bound;

typedef void (*ref_fn)(void *ctx, const lh_ref *r);

static bool
is_bound(const bound *w, const char *name)
{
	for (; w != NULL; w = w->next)
		if ((w->a && strcmp(w->a, name) == 0) || (w->b && strcmp(w->b, name) == 0))
			return true;
	return false;
}

/* A literal index key: a number, or a string without interpolation. */
static bool
static_key(const lh_node *k)
{
	if (k->kind == LH_AST_NUMBER)
		return true;
	return k->kind == LH_AST_TEMPLATE && (k->u.tmpl.n == 0 ||
	    (k->u.tmpl.n == 1 && k->u.tmpl.parts[0]->kind == LH_AST_TLIT));
}

static void walk(const lh_node *e, const bound *bd, ref_fn fn, void *ctx, int depth);

/* A GETATTR / INDEX chain: down to its root; a name is reported with the longest
 * static prefix of the steps, and what is not static is walked. */
static void
walk_chain(const lh_node *e, const bound *bd, ref_fn fn, void *ctx, int depth)
{
	const lh_node *chain[LH_REF_STEPS * 2];
	int n = 0;
	const lh_node *x = e;
	while ((x->kind == LH_AST_GETATTR || x->kind == LH_AST_INDEX) && n < LH_REF_STEPS * 2) {
		chain[n++] = x;
		x = x->kind == LH_AST_GETATTR ? x->u.getattr.obj : x->u.index.obj;
	}
	/* x is the base: a name, or something else (a call, a splat, a longer chain) */
	if (x->kind != LH_AST_VAR || is_bound(bd, x->u.var.name)) {
		if (x->kind != LH_AST_VAR)
			walk(x, bd, fn, ctx, depth);
		for (int i = n - 1; i >= 0; i--)
			if (chain[i]->kind == LH_AST_INDEX)
				walk(chain[i]->u.index.key, bd, fn, ctx, depth);
		return;
	}
	lh_ref r = {.root = x, .first = n > 0 ? chain[n - 1] : NULL};
	bool stat = true;
	for (int i = n - 1; i >= 0 && stat; i--) {
		const lh_node *s = chain[i];
		if (s->kind == LH_AST_INDEX && !static_key(s->u.index.key))
			stat = false;
		else if (r.nsteps < LH_REF_STEPS)
			r.steps[r.nsteps++] = s;
	}
	fn(ctx, &r);
	for (int i = n - 1; i >= 0; i--)
		if (chain[i]->kind == LH_AST_INDEX && !static_key(chain[i]->u.index.key))
			walk(chain[i]->u.index.key, bd, fn, ctx, depth);
}

static void
walk(const lh_node *e, const bound *bd, ref_fn fn, void *ctx, int depth)
{
	if (e == NULL || depth > WALK_DEPTH)
		return;
	depth++;
	switch (e->kind) {
	case LH_AST_TEMPLATE:
		for (size_t i = 0; i < e->u.tmpl.n; i++)
			walk(e->u.tmpl.parts[i], bd, fn, ctx, depth);
		break;
	case LH_AST_TINTERP:
		walk(e->u.interp.expr, bd, fn, ctx, depth);
		break;
	case LH_AST_TIF:
		walk(e->u.tif.cond, bd, fn, ctx, depth);
		walk(e->u.tif.then, bd, fn, ctx, depth);
		walk(e->u.tif.els, bd, fn, ctx, depth);
		break;
	case LH_AST_TFOR: {
		walk(e->u.tfor.coll, bd, fn, ctx, depth);
		bound w = {e->u.tfor.key_var, e->u.tfor.val_var, bd};
		walk(e->u.tfor.body, &w, fn, ctx, depth);
		break;
	}
	case LH_AST_TUPLE:
		for (size_t i = 0; i < e->u.tuple.n; i++)
			walk(e->u.tuple.items[i], bd, fn, ctx, depth);
		break;
	case LH_AST_OBJECT:
		for (size_t i = 0; i < e->u.object.n; i++) {
			if (e->u.object.keys[i]->kind != LH_AST_VAR)
				walk(e->u.object.keys[i], bd, fn, ctx, depth);
			walk(e->u.object.values[i], bd, fn, ctx, depth);
		}
		break;
	case LH_AST_VAR:
	case LH_AST_GETATTR:
	case LH_AST_INDEX:
		walk_chain(e, bd, fn, ctx, depth);
		break;
	case LH_AST_SPLAT:
		walk(e->u.splat.src, bd, fn, ctx, depth);
		walk(e->u.splat.each, bd, fn, ctx, depth);
		break;
	case LH_AST_CALL:
		for (size_t i = 0; i < e->u.call.n; i++)
			walk(e->u.call.args[i], bd, fn, ctx, depth);
		break;
	case LH_AST_FOR: {
		walk(e->u.forx.coll, bd, fn, ctx, depth);
		bound w = {e->u.forx.key_var, e->u.forx.val_var, bd};
		walk(e->u.forx.key, &w, fn, ctx, depth);
		walk(e->u.forx.value, &w, fn, ctx, depth);
		walk(e->u.forx.cond, &w, fn, ctx, depth);
		break;
	}
	case LH_AST_COND:
		walk(e->u.cond.cond, bd, fn, ctx, depth);
		walk(e->u.cond.t, bd, fn, ctx, depth);
		walk(e->u.cond.f, bd, fn, ctx, depth);
		break;
	case LH_AST_BINARY:
		walk(e->u.binary.lhs, bd, fn, ctx, depth);
		walk(e->u.binary.rhs, bd, fn, ctx, depth);
		break;
	case LH_AST_UNARY:
		walk(e->u.unary.operand, bd, fn, ctx, depth);
		break;
	case LH_AST_PAREN:
		walk(e->u.paren.inner, bd, fn, ctx, depth);
		break;
	case LH_AST_BODY:
		for (size_t i = 0; i < e->u.body.n; i++)
			walk(e->u.body.items[i], bd, fn, ctx, depth);
		break;
	case LH_AST_ATTR:
		walk(e->u.attr.expr, bd, fn, ctx, depth);
		break;
	case LH_AST_BLOCK:
		walk(e->u.block.body, bd, fn, ctx, depth);
		break;
	default:
		break;
	}
}

void
lh_ast_walk_refs(const lh_node *e, void (*fn)(void *ctx, const lh_ref *r), void *ctx)
{
	walk(e, NULL, fn, ctx, 0);
}
