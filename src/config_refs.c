/* config_refs.c - Terraform's JSON representation of configuration expressions and of
 * the attributes a plan depends on (config_refs.h).  A reference is a traversal
 * rooted at a name: its subject is the object it names (var.x, local.x, count.index,
 * each.key, each.value, path.module, terraform.workspace, TYPE.NAME or TYPE.NAME[KEY]
 * for a resource, data.TYPE.NAME...), the rest of its static steps (.attr, [0],
 * ["k"]) is the "remaining" path; a dynamic index or a splat ends it. */
#include "config_refs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "value.h"

#define MAX_DEPTH 200

/* One reference (ast.c's walk). */
typedef lh_ref ref;

/* True when e holds a function call (Terraform cannot evaluate it without a context,
 * so it is not a constant). */
static bool
has_call(const lh_node *e, int depth)
{
	if (e == NULL || depth > MAX_DEPTH)
		return false;
	depth++;
	switch (e->kind) {
	case LH_AST_CALL:
		return true;
	case LH_AST_TEMPLATE:
		for (size_t i = 0; i < e->u.tmpl.n; i++)
			if (has_call(e->u.tmpl.parts[i], depth))
				return true;
		return false;
	case LH_AST_TINTERP:
		return has_call(e->u.interp.expr, depth);
	case LH_AST_TIF:
		return has_call(e->u.tif.cond, depth) || has_call(e->u.tif.then, depth) ||
		    has_call(e->u.tif.els, depth);
	case LH_AST_TFOR:
		return has_call(e->u.tfor.coll, depth) || has_call(e->u.tfor.body, depth);
	case LH_AST_TUPLE:
		for (size_t i = 0; i < e->u.tuple.n; i++)
			if (has_call(e->u.tuple.items[i], depth))
				return true;
		return false;
	case LH_AST_OBJECT:
		for (size_t i = 0; i < e->u.object.n; i++)
			if (has_call(e->u.object.keys[i], depth) || has_call(e->u.object.values[i], depth))
				return true;
		return false;
	case LH_AST_GETATTR:
		return has_call(e->u.getattr.obj, depth);
	case LH_AST_INDEX:
		return has_call(e->u.index.obj, depth) || has_call(e->u.index.key, depth);
	case LH_AST_SPLAT:
		return has_call(e->u.splat.src, depth) || has_call(e->u.splat.each, depth);
	case LH_AST_FOR:
		return has_call(e->u.forx.coll, depth) || has_call(e->u.forx.key, depth) ||
		    has_call(e->u.forx.value, depth) || has_call(e->u.forx.cond, depth);
	case LH_AST_COND:
		return has_call(e->u.cond.cond, depth) || has_call(e->u.cond.t, depth) ||
		    has_call(e->u.cond.f, depth);
	case LH_AST_BINARY:
		return has_call(e->u.binary.lhs, depth) || has_call(e->u.binary.rhs, depth);
	case LH_AST_UNARY:
		return has_call(e->u.unary.operand, depth);
	case LH_AST_PAREN:
		return has_call(e->u.paren.inner, depth);
	default:
		return false;
	}
}

/* ---- subjects ---- */

/* How many of r's steps belong to its subject (after the root), and whether the subject
 * is a resource instance (with its resource being the root plus one step). */
static int
subject_steps(const ref *r, bool *resource, bool *data)
{
	const char *n = r->root->u.var.name;
	*resource = *data = false;
	if (strcmp(n, "var") == 0 || strcmp(n, "local") == 0 || strcmp(n, "count") == 0 ||
	    strcmp(n, "each") == 0 || strcmp(n, "path") == 0 || strcmp(n, "terraform") == 0 ||
	    strcmp(n, "module") == 0 || strcmp(n, "self") == 0)
		return r->nsteps >= 1 ? 1 : 0;
	int base = 1;
	if (strcmp(n, "data") == 0) {
		*data = true;
		base = 2;
	}
	if (r->nsteps < base || r->steps[base - 1]->kind != LH_AST_GETATTR)
		return r->nsteps < base ? r->nsteps : base;
	*resource = true;
	if (r->nsteps > base && r->steps[base]->kind == LH_AST_INDEX)
		return base + 1;
	return base;
}

static void
put_step(lh_buf *b, const lh_node *s)
{
	if (s->kind == LH_AST_GETATTR) {
		lh_buf_printf(b, ".%s", s->u.getattr.name);
		return;
	}
	const lh_node *k = s->u.index.key;
	if (k->kind == LH_AST_NUMBER) {
		lh_buf_printf(b, "[%s]", k->u.number.text);
		return;
	}
	lh_buf_puts(b, "[\"");
	if (k->u.tmpl.n == 1)
		for (size_t i = 0; i < k->u.tmpl.parts[0]->u.lit.len; i++) {
			char c = k->u.tmpl.parts[0]->u.lit.text[i];
			if (c == '"' || c == '\\')
				lh_buf_putc(b, '\\');
			lh_buf_putc(b, c);
		}
	lh_buf_puts(b, "\"]");
}

/* The text of r's root and its first n steps (malloc'd). */
static char *
ref_text(const ref *r, int n)
{
	lh_buf b = {0};
	lh_buf_puts(&b, r->root->u.var.name);
	for (int i = 0; i < n && i < r->nsteps; i++)
		put_step(&b, r->steps[i]);
	return b.p;	/* NUL-terminated (buf.h) */
}

static void
add_unique(cJSON *arr, char *s)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, arr)
		if (strcmp(e->valuestring, s) == 0) {
			free(s);
			return;
		}
	cJSON_AddItemToArray(arr, cJSON_CreateString(s));
	free(s);
}

static void
collect(void *ctx, const ref *r)
{
	cJSON *arr = ctx;
	bool res, data;
	int subj = subject_steps(r, &res, &data);
	for (int n = r->nsteps; n > subj; n--)
		add_unique(arr, ref_text(r, n));
	add_unique(arr, ref_text(r, subj));
	if (res)	/* the containing resource */
		add_unique(arr, ref_text(r, data ? 2 : 1));
}

cJSON *
lh_refs_expr_json(lh_config *cfg, const lh_node *e, bool sensitive)
{
	cJSON *x = cJSON_CreateObject(), *refs = cJSON_CreateArray();
	lh_ast_walk_refs(e, collect, refs);
	if (refs->child != NULL) {
		cJSON_AddItemToObject(x, "references", refs);
		return x;
	}
	cJSON_Delete(refs);
	/* a computation (jsonencode(...)) is no constant for Terraform: {} */
	if (sensitive || has_call(e, 0))
		return x;
	lh_arena *a = lh_arena_new();
	lh_diags qd;
	lh_diags_init(&qd, a);
	lh_value *v = lh_config_eval(cfg, e, NULL, NULL, &qd);
	const char *err = NULL;
	cJSON *j = v != NULL && qd.errors == 0 && !lh_val_has_sensitive(v) &&
	    !lh_val_has_unknown(v) ? lh_val_to_cjson(v, &err) : NULL;
	if (j != NULL)
		cJSON_AddItemToObject(x, "constant_value", j);
	lh_arena_free(a);
	return x;
}

/* The expression of attribute name in block body, or NULL. */
static const lh_node *
attr_expr(const lh_node *block, const char *name)
{
	const lh_node *body = block && block->kind == LH_AST_BLOCK ? block->u.block.body : NULL;
	for (size_t k = 0; body != NULL && k < body->u.body.n; k++) {
		const lh_node *it = body->u.body.items[k];
		if (it->kind == LH_AST_ATTR && strcmp(it->u.attr.name, name) == 0)
			return it->u.attr.expr;
	}
	return NULL;
}

cJSON *
lh_refs_outputs_json(lh_config *cfg)
{
	lh_arena *a = lh_arena_new();
	lh_diags qd;
	lh_diags_init(&qd, a);
	size_t n = 0;
	lh_output **outs = lh_config_outputs(cfg, NULL, NULL, &qd, &n);
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; outs != NULL && i < n; i++) {
		cJSON *x = cJSON_CreateObject();
		if (outs[i]->sensitive)
			cJSON_AddTrueToObject(x, "sensitive");
		const lh_node *e = attr_expr(outs[i]->block, "value");
		cJSON_AddItemToObject(x, "expression", e ? lh_refs_expr_json(cfg, e,
		    outs[i]->sensitive) : cJSON_CreateObject());
		if (outs[i]->description != NULL)
			cJSON_AddStringToObject(x, "description", outs[i]->description);
		cJSON_AddItemToObject(o, outs[i]->name, x);
	}
	lh_arena_free(a);
	return o;
}

/* ---- what an expression reaches ---- */

typedef struct reach {
	lh_config *cfg;
	const char **set;	/* resource addresses looked for */
	size_t nset;
	bool hit;
	const char **seen;	/* locals walked */
	size_t nseen;
} reach;

static void
reach_ref(void *ctx, const ref *r)
{
	reach *rc = ctx;
	if (rc->hit)
		return;
	bool res, data;
	(void)subject_steps(r, &res, &data);
	if (!res && !data && strcmp(r->root->u.var.name, "local") == 0 && r->nsteps >= 1 &&
	    r->steps[0]->kind == LH_AST_GETATTR) {
		const char *name = r->steps[0]->u.getattr.name;
		for (size_t i = 0; i < rc->nseen; i++)
			if (strcmp(rc->seen[i], name) == 0)
				return;
		const char **ns = realloc(rc->seen, (rc->nseen + 1) * sizeof *ns);
		if (ns == NULL)
			return;
		rc->seen = ns;
		rc->seen[rc->nseen++] = name;
		lh_ast_walk_refs(lh_config_local_expr(rc->cfg, name), reach_ref, rc);
		return;
	}
	if (!res)
		return;
	char *addr = ref_text(r, data ? 2 : 1);	/* the resource: TYPE.NAME */
	for (size_t i = 0; addr != NULL && i < rc->nset && !rc->hit; i++)
		rc->hit = strcmp(rc->set[i], addr) == 0;
	free(addr);
}

bool
lh_refs_reach(lh_config *cfg, const lh_node *e, const char **set, size_t nset)
{
	reach rc = {.cfg = cfg, .set = set, .nset = nset};
	if (nset > 0)
		lh_ast_walk_refs(e, reach_ref, &rc);
	free(rc.seen);
	return rc.hit;
}

/* ---- relevant attributes ---- */

typedef struct rel {
	lh_config *cfg;
	cJSON *out;		/* [{resource, attribute}] */
	const char **seen;	/* resources whose expressions were walked */
	size_t nseen;
} rel;

static void walk_resource(rel *rl, const char *type, const char *name);

/* True the first time (type, name) is seen: its expressions are walked once. */
static bool
first_visit(rel *rl, const char *type, const char *name)
{
	for (size_t i = 0; i + 1 < rl->nseen; i += 2)	/* (type, name) pairs */
		if (strcmp(rl->seen[i], type) == 0 && strcmp(rl->seen[i + 1], name) == 0)
			return false;
	const char **ns = realloc(rl->seen, (rl->nseen + 2) * sizeof *ns);
	if (ns == NULL)
		return false;
	rl->seen = ns;
	rl->seen[rl->nseen++] = type;
	rl->seen[rl->nseen++] = name;
	return true;
}

static void relevant(void *ctx, const ref *r);

static void
walk_local(rel *rl, const char *name)
{
	const lh_node *e = lh_config_local_expr(rl->cfg, name);
	if (e != NULL && first_visit(rl, "local", name))	/* "local" is no resource type */
		lh_ast_walk_refs(e, relevant, rl);
}

static void
relevant(void *ctx, const ref *r)
{
	rel *rl = ctx;
	bool res, data;
	int subj = subject_steps(r, &res, &data);
	if (!res && !data && strcmp(r->root->u.var.name, "local") == 0 && r->nsteps >= 1 &&
	    r->steps[0]->kind == LH_AST_GETATTR) {
		/* through a local value: what its expression refers to contributes, with
		 * that expression's own attribute paths - the steps after local.NAME are
		 * not carried over (Terraform 1.11: local.l.x with l = a resource gives
		 * the resource with an empty path) */
		walk_local(rl, r->steps[0]->u.getattr.name);
		return;
	}
	if (!res || data)
		return;
	char *addr = ref_text(r, subj);
	cJSON *path = cJSON_CreateArray();
	for (int i = subj; i < r->nsteps; i++) {
		const lh_node *s = r->steps[i];
		if (s->kind == LH_AST_GETATTR)
			cJSON_AddItemToArray(path, cJSON_CreateString(s->u.getattr.name));
		else if (s->u.index.key->kind == LH_AST_NUMBER)
			cJSON_AddItemToArray(path, cJSON_CreateNumber(s->u.index.key->u.number.value));
		else
			cJSON_AddItemToArray(path, cJSON_CreateString(s->u.index.key->u.tmpl.n ?
			    s->u.index.key->u.tmpl.parts[0]->u.lit.text : ""));
	}
	bool dup = false;
	const cJSON *e;
	cJSON_ArrayForEach(e, rl->out) {
		const cJSON *ra = cJSON_GetObjectItemCaseSensitive(e, "resource");
		const cJSON *pa = cJSON_GetObjectItemCaseSensitive(e, "attribute");
		char *ps = cJSON_PrintUnformatted(path), *qs = cJSON_PrintUnformatted(pa);
		if (strcmp(ra->valuestring, addr) == 0 && ps && qs && strcmp(ps, qs) == 0)
			dup = true;
		free(ps);
		free(qs);
	}
	if (dup) {
		cJSON_Delete(path);
	} else {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "resource", addr);
		cJSON_AddItemToObject(x, "attribute", path);
		cJSON_AddItemToArray(rl->out, x);
	}
	free(addr);
	/* what contributes to that resource contributes too (Terraform follows
	 * references transitively) */
	walk_resource(rl, r->root->u.var.name, r->steps[0]->u.getattr.name);
}

static void
walk_resource(rel *rl, const char *type, const char *name)
{
	if (!first_visit(rl, type, name))
		return;
	for (size_t i = 0; i < rl->cfg->nresources; i++) {
		const lh_resource *res = rl->cfg->resources[i];
		if (strcmp(res->type, type) != 0 || strcmp(res->name, name) != 0)
			continue;
		lh_ast_walk_refs(res->block ? res->block->u.block.body : NULL, relevant, rl);
		lh_ast_walk_refs(res->count, relevant, rl);
		lh_ast_walk_refs(res->for_each, relevant, rl);
	}
}

static int
rel_cmp(const void *x, const void *y)
{
	const cJSON *a = *(const cJSON *const *)x, *b = *(const cJSON *const *)y;
	int c = strcmp(cJSON_GetObjectItemCaseSensitive(a, "resource")->valuestring,
	    cJSON_GetObjectItemCaseSensitive(b, "resource")->valuestring);
	if (c != 0)
		return c;
	char *p = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(a, "attribute"));
	char *q = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(b, "attribute"));
	c = p && q ? strcmp(p, q) : 0;
	free(p);
	free(q);
	return c;
}

cJSON *
lh_refs_relevant_json(lh_config *cfg, const lh_plan *p)
{
	rel rl = {.cfg = cfg, .out = cJSON_CreateArray()};
	for (size_t i = 0; i < p->n; i++) {
		const lh_change *c = &p->changes[i];
		if (c->action == LH_ACT_NOOP)
			continue;
		/* the references of a changed resource's configuration */
		for (size_t k = 0; k < cfg->nresources; k++) {
			const lh_resource *res = cfg->resources[k];
			if (strcmp(res->type, c->type) != 0 || strcmp(res->name, c->name) != 0)
				continue;
			lh_ast_walk_refs(res->block ? res->block->u.block.body : NULL, relevant, &rl);
			lh_ast_walk_refs(res->count, relevant, &rl);
			lh_ast_walk_refs(res->for_each, relevant, &rl);
		}
	}
	lh_arena *a = lh_arena_new();
	lh_diags qd;
	lh_diags_init(&qd, a);
	size_t n = 0;
	lh_output **outs = lh_config_outputs(cfg, NULL, NULL, &qd, &n);
	for (size_t i = 0; outs != NULL && i < n; i++) {
		bool changed = false;
		for (size_t k = 0; k < p->noutputs; k++)
			if (strcmp(p->outputs[k].name, outs[i]->name) == 0 &&
			    p->outputs[k].action != LH_ACT_NOOP)
				changed = true;
		if (changed)
			lh_ast_walk_refs(attr_expr(outs[i]->block, "value"), relevant, &rl);
	}
	lh_arena_free(a);
	free(rl.seen);
	/* sorted as Terraform sorts them: by resource, then attribute path */
	int cnt = cJSON_GetArraySize(rl.out);
	if (cnt > 1) {
		cJSON **v = malloc((size_t)cnt * sizeof *v);
		if (v != NULL) {
			int k = 0;
			while (rl.out->child != NULL)
				v[k++] = cJSON_DetachItemViaPointer(rl.out, rl.out->child);
			qsort(v, (size_t)cnt, sizeof *v, rel_cmp);
			for (k = 0; k < cnt; k++)
				cJSON_AddItemToArray(rl.out, v[k]);
			free(v);
		}
	}
	return rl.out;
}
