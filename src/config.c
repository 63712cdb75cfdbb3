/* config.c - the configuration model (config.h): reads every *.tf file of a
 * directory, sorts the top-level blocks into variables, locals, outputs, resources,
 * imports and provider settings, checks their structure, evaluates variables, and
 * later expands resources into instances and evaluates outputs, answering references
 * (var, local, each, count, path, terraform, resources) for the evaluator.
 *
 * Locals are evaluated lazily with cycle detection; those that do not depend on any
 * resource are computed once, the others once per expansion (their value depends on
 * what the resolver knows at that point). */
#include "config.h"
#include "cli.h"
#include "render.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "backend.h"
#include "cli.h"
#include "eval.h"
#include "parse.h"
#include "vars.h"

/* Appends room for one more element to an arena array of n elements whose capacity
 * follows lh_arena_grow's doubling (8, 16, 32 ...): grows only when it is full. */
#define GROW1(a, arr, n, sz) \
	(((n) == 0 || ((n) >= 8 && ((n) & ((n) - 1)) == 0)) ? lh_arena_grow((a), (arr), (n), (n) + 1, (sz)) : (void *)(arr))

enum { ST_NEW, ST_BUSY, ST_DONE, ST_FAILED };

typedef struct local_def {
	const char *name;
	const lh_node *attr;		/* LH_AST_ATTR */
	int state;
	lh_value *value;
	unsigned epoch;			/* for resource-dependent values */
	int dep_state;			/* computing resource deps: ST_* */
	bool dep_res;			/* depends (transitively) on a resource */
	const char **deps;		/* resource addresses */
	size_t ndeps;
	unsigned visit;			/* local_prepare's walk that reached it */
} local_def;

typedef struct res_priv {
	lh_value *cache;		/* synthesized value for references */
	lh_arg_range *ranges;		/* arguments written, computed once */
	const lh_node **arg_expr;	/* per configurable attr index: expression or NULL */
	const char **keys;		/* configurable attr names (in schema order) */
	const lh_attr **kattr;
	/* lh_config_validate's instances, when the run may take them as they are
	 * (lh_config_keep_validated: validated below) */
	lh_instance **vinst;
	/* validate's instances of a resource that refers to others, kept when its
	 * instances and the arguments that refer to no resource are what the run would
	 * evaluate (partial below): the run evaluates only the arguments arg_res marks
	 * (per key: its expression refers to a resource, directly or through locals),
	 * see expand_again */
	bool *arg_res;
	/* per key: its expression as a plain resource traversal (trav_of), or NULL */
	struct trav **trav;
	/* the arguments of the instance expanded last (in cfg->a), during one
	 * expansion: a value identical to its argument is shared, not kept again */
	lh_value *prev_args;
	/* per key: its expression's references passed check_refs (expand_one) */
	bool *refs_ok;
	/* a key array found equal to keys, in order (same_shape) */
	const char **same_keys;
	/* per argument written (ranges): its key's index, nkeys for none (range_key) */
	size_t *rkey;
	const lh_arg_range *rkey_of;	/* the ranges rkey was made for */
	/* the small ones last, together (one record per resource block: 10,000 blocks) */
	uint32_t nranges;		/* ranges */
	uint32_t nkeys;			/* keys, kattr */
	uint32_t nvinst;		/* vinst */
	unsigned cache_epoch;
	int topo;			/* 0 new, 1 visiting, 2 done */
	bool busy;
	bool checked, ok;
	bool validated;			/* vinst is validate's instances */
	bool partial;			/* vinst is partial (see arg_res) */
	bool vused;			/* the run's first expansion took vinst (in place) */
} res_priv;

struct lh_config_priv {
	lh_diags *d;
	local_def *locals;
	size_t nlocals;
	size_t *ltab;			/* local name -> index + 1 (0 empty), open addressing */
	size_t lcap;
	size_t *vtab;			/* variable name -> index + 1, likewise */
	size_t vcap;
	const lh_node **outputs;	/* output blocks */
	size_t noutputs;
	const lh_node **checks;		/* check blocks, in file order */
	size_t nchecks;
	res_priv *rp;			/* parallel to the declaration-order resource list */
	lh_resource **decl;		/* resources in declaration order */
	size_t ndecl, capdecl;
	/* name -> resource index hash */
	uint32_t *htab;			/* index + 1, 0 empty */
	size_t hcap;
	unsigned epoch;
	bool validate_only;		/* see lh_config_load_opts */
	lh_cond_mode cond;		/* see lh_config_set_conditions */
	struct cond_rec *crec;		/* the last result of each condition of each object
					 * (lh_config_check_results) */
	size_t ncrec, capcrec;
	size_t *ctab;			/* (condition, instance) -> crec index + 1 */
	size_t capctab;
	const cJSON *planned;		/* see lh_config_load_planned */
	lh_resolver resolve;
	void *rctx;
	const char *stack[64];		/* locals being evaluated, for cycle messages */
	size_t nstack;
	unsigned visit;			/* local_prepare's walks so far */
	const char *cwd;
	/* Where evaluations make their intermediate values (scratch_begin): released
	 * when each is done, only results copied into cfg->a (lh_val_keep).  Exists
	 * while an evaluation is under way (depth > 0). */
	lh_arena *scratch;
	unsigned scratch_depth;
	lh_arena *long_a;		/* the arena given to lh_config_load (cfg->a may be
					 * a scratch arena for a while, in validate) */
	/* per resource type, the arguments of its instance kept last in long_a: what
	 * instances of other blocks share with it (expand_one) */
	struct { const lh_schema *s; lh_value *args; } last_args[8];
	/* per resource type and kind (data or not), its configurable arguments: what
	 * every block of that type shares (check_resource_body) */
	struct keyset { const lh_schema *s; bool data; const char **keys;
	    const lh_attr **kattr; size_t n; } keysets[8];
	size_t nkeysets;
	bool keep_validated;		/* see lh_config_keep_validated */
	/* the last lh_config_expand with a resolver that failed for some instances only:
	 * the others, and the failed ones' keys (lh_config_expand_partial) */
	lh_instance **part;
	size_t npart;
	lh_addr *part_failed;
	size_t npart_failed;
	res_priv *rkey_last;		/* the resource whose rkey range_key made last */
	const char **names_last;	/* the argument names check_resource_body made last */
	size_t nnames_last;
	bool release_trees;		/* see lh_config_release_trees */
	lh_resource *recent[2];		/* lh_config_resource's last answers */
	bool expanded_unknown;		/* lh_config_expand took an unknown count/for_each */
};

/* The evaluation scope of one expression. */
typedef struct scope {
	lh_config *cfg;
	lh_resource *res;		/* resource being expanded (self references), or NULL */
	bool in_count, in_each;
	lh_value *count_index;
	lh_value *each_key, *each_value;
	bool tfvars;			/* no references allowed */
	lh_value *self;			/* postconditions: the object, or NULL */
	/* the last references to resources: the step naming each (res_attrs) */
	struct { const lh_node *step; const lh_resource *r; } refs[8];
	unsigned nrefs;
	/* per argument of the resource being expanded (its keys), or NULL: INV_* */
	unsigned char *inv;
	/* per argument: its null, each instance's value until evaluated; or NULL */
	lh_value **nulls;
} scope;

/* ---- small helpers ---------------------------------------------------------- */

static char *
pos_text(lh_arena *a, const lh_source *src, uint32_t s, uint32_t e)
{
	int l1, c1, l2, c2;
	lh_source_pos(src, s, &l1, &c1);
	lh_source_pos(src, e, &l2, &c2);
	if (l1 == l2)
		return lh_arena_printf(a, "%s:%d,%d-%d", src->name, l1, c1, c2);
	return lh_arena_printf(a, "%s:%d,%d-%d,%d", src->name, l1, c1, l2, c2);
}

static uint32_t
header_end(const lh_node *b)
{
	if (b->u.block.nlabels > 0)
		return b->u.block.labels[b->u.block.nlabels - 1].end;
	return b->u.block.type_end;
}

static char *
decl_pos(lh_arena *a, const lh_node *b)
{
	return pos_text(a, b->src, b->u.block.type_start, header_end(b));
}

static lh_diag *
derr(lh_diags *d, const lh_source *src, uint32_t s, uint32_t e, const char *ctx,
    const char *summary, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static lh_diag *
derr(lh_diags *d, const lh_source *src, uint32_t s, uint32_t e, const char *ctx,
    const char *summary, const char *fmt, ...)
{
	char buf[2048];
	const char *detail = NULL;
	if (fmt != NULL) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, sizeof buf, fmt, ap);
		va_end(ap);
		detail = buf;
	}
	lh_diag *g = lh_diag_add(d, LH_DIAG_ERROR, src, s, e, summary, detail ? "%s" : NULL, detail);
	g->context = ctx;
	return g;
}

static bool
is_ident(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
		    *s == '-' || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* The file of r's argument range ar (one of ranges, its ranges). */
static const lh_source *
range_src(const lh_resource *r, const lh_arg_range *ranges, const lh_arg_range *ar)
{
	return r->arg_srcs != NULL ? r->arg_srcs[ar - ranges] : r->block->src;
}

/* The argument names of a range array, parallel to it: kept just before its first
 * range (check_resource_body). */
static const char *const *
range_names(const lh_arg_range *ranges)
{
	const char *const *nm;
	memcpy(&nm, (const char *)ranges - sizeof nm, sizeof nm);
	return nm;
}

static const lh_node *
body_attr(const lh_node *body, const char *name)
{
	for (size_t i = 0; i < body->u.body.n; i++) {
		const lh_node *it = body->u.body.items[i];
		if (it->kind == LH_AST_ATTR && strcmp(it->u.attr.name, name) == 0)
			return it;
	}
	return NULL;
}

static size_t
hash_str(const char *s)
{
	size_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
htab_room(struct lh_config_priv *p, lh_arena *a, size_t n)
{
	if (n * 2 > p->hcap) {
		size_t ncap = p->hcap ? p->hcap * 2 : 64;
		while (ncap < n * 2)
			ncap *= 2;
		uint32_t *nt = lh_arena_alloc(a, ncap * sizeof *nt);
		for (size_t i = 0; i < p->hcap; i++)
			if (p->htab[i]) {
				size_t h = hash_str(p->decl[p->htab[i] - 1]->addr) & (ncap - 1);
				while (nt[h])
					h = (h + 1) & (ncap - 1);
				nt[h] = p->htab[i];
			}
		p->htab = nt;
		p->hcap = ncap;
	}
}

static void
htab_put(struct lh_config_priv *p, lh_arena *a, const char *key, size_t idx)
{
	htab_room(p, a, p->ndecl + 1);
	size_t h = hash_str(key) & (p->hcap - 1);
	while (p->htab[h])
		h = (h + 1) & (p->hcap - 1);
	p->htab[h] = (uint32_t)(idx + 1);
}

/* Room in the declaration list and its hash for n resources, made once (growing them
 * one resource at a time left every smaller copy in the arena: 0.6 MB at 10,000). */
static void
decl_reserve(struct lh_config_priv *p, lh_arena *a, size_t n)
{
	if (n <= p->capdecl)
		return;
	lh_resource **nd = lh_arena_alloc(a, n * sizeof *nd);
	if (p->ndecl > 0)
		memcpy(nd, p->decl, p->ndecl * sizeof *nd);
	p->decl = nd;
	p->capdecl = n;
	htab_room(p, a, n);
}

/* The last lookups, by the address string's own address: a plan looks the same
 * resource up for each of thousands of references to it.  An entry stands while the
 * table is the one it was found in, unchanged (the same resources), and names a
 * resource whose address is that very string. */
static _Thread_local struct {
	const struct lh_config_priv *p;
	const char *addr;
	size_t ndecl;
	long idx;
} res_memo[4];

static long
find_res_idx(const lh_config *cfg, const char *addr)
{
	const struct lh_config_priv *p = cfg->priv;
	if (p->hcap == 0)
		return -1;
	/* (all four looked at: two addresses in one slot by their bits took turns) */
	for (size_t m = 0; m < 4; m++)
		if (res_memo[m].addr == addr && res_memo[m].p == p && res_memo[m].ndecl == p->ndecl &&
		    (size_t)res_memo[m].idx < p->ndecl && p->decl[res_memo[m].idx]->addr == addr)
			return res_memo[m].idx;
	static _Thread_local size_t next;
	size_t m = next++ & 3;
	long found = -1;
	size_t h = hash_str(addr) & (p->hcap - 1);
	while (p->htab[h]) {
		size_t i = p->htab[h] - 1;
		if (strcmp(p->decl[i]->addr, addr) == 0) {
			found = (long)i;
			break;
		}
		h = (h + 1) & (p->hcap - 1);
	}
	if (found >= 0) {
		res_memo[m].p = p;
		res_memo[m].addr = addr;
		res_memo[m].ndecl = p->ndecl;
		res_memo[m].idx = found;
	}
	return found;
}

/* Writes PREFIX TYPE "." NAME into buf[n], cut short as snprintf would: a lookup per
 * resource reference, where snprintf's parsing of the format was most of the cost. */
static void
res_key(char *buf, size_t n, const char *prefix, const char *type, const char *name)
{
	const char *parts[4] = {prefix, type, ".", name};
	size_t len = 0;
	for (size_t k = 0; k < 4; k++)
		for (const char *p = parts[k]; *p && len + 1 < n; p++)
			buf[len++] = *p;
	buf[len] = 0;
}

/* A reference per instance and argument names a resource: the last ones found are
 * tried first (checked by name, so a hit is always the table's answer). */
lh_resource *
lh_config_resource(lh_config *cfg, const char *type, const char *name)
{
	struct lh_config_priv *p = cfg->priv;
	for (size_t k = 0; k < sizeof p->recent / sizeof p->recent[0]; k++) {
		lh_resource *r = p->recent[k];
		if (r != NULL && strcmp(r->name, name) == 0 && strcmp(r->type, type) == 0) {
			p->recent[k] = p->recent[0];
			p->recent[0] = r;
			return r;
		}
	}
	char buf[512];
	res_key(buf, sizeof buf, "", type, name);
	long i = find_res_idx(cfg, buf);
	if (i < 0)
		return NULL;
	lh_resource *r = p->decl[i];
	if (!r->data && strlen(buf) < sizeof buf - 1) {	/* (not a cut-short key) */
		memmove(p->recent + 1, p->recent, sizeof p->recent - sizeof p->recent[0]);
		p->recent[0] = r;
	}
	return r;
}

lh_resource *
lh_config_resource_find(const lh_config *cfg, const char *type, const char *name)
{
	char buf[512];
	res_key(buf, sizeof buf, "", type, name);
	long i = find_res_idx(cfg, buf);
	return i < 0 ? NULL : cfg->priv->decl[i];
}

lh_resource *
lh_config_data(lh_config *cfg, const char *type, const char *name)
{
	char buf[512];
	res_key(buf, sizeof buf, "data.", type, name);
	long i = find_res_idx(cfg, buf);
	return i < 0 ? NULL : cfg->priv->decl[i];
}

lh_var_input *
lh_config_var_inputs(lh_arena *a, const struct lh_strlist *l, int var_file_opt, size_t *n)
{
	lh_var_input *v = lh_arena_alloc(a, (l->n ? l->n : 1) * sizeof *v);
	for (size_t i = 0; i < l->n; i++) {
		v[i].file = l->kind != NULL && l->kind[i] == var_file_opt;
		v[i].text = l->v[i];
	}
	*n = l->n;
	return v;
}

/* ---- reference resolution --------------------------------------------------- */

static lh_value *local_value(lh_config *cfg, size_t i, const lh_node *ref);
static lh_value *resource_value(lh_config *cfg, lh_resource *r);

static const char *const reserved_roots[] = {"var", "local", "each", "count", "path",
	"terraform", "self", "data", "module", NULL};

/* Variable names are hashed like local names (below): 20,000 variables referenced
 * once each took 1.6 s of comparisons. */
static long
find_var(const lh_config *cfg, const char *name)
{
	const struct lh_config_priv *p = cfg->priv;
	if (p->vcap == 0)
		return -1;
	size_t h = hash_str(name) & (p->vcap - 1);
	while (p->vtab[h]) {
		size_t i = p->vtab[h] - 1;
		if (strcmp(cfg->variables[i]->name, name) == 0)
			return (long)i;
		h = (h + 1) & (p->vcap - 1);
	}
	return -1;
}

/* Adds cfg->variables[idx] (already stored) to the name table. */
static void
vtab_put(lh_config *cfg, size_t idx)
{
	struct lh_config_priv *p = cfg->priv;
	if (cfg->nvariables * 2 > p->vcap) {
		size_t ncap = p->vcap ? p->vcap * 2 : 64;
		while (ncap < cfg->nvariables * 2)
			ncap *= 2;
		size_t *nt = lh_arena_alloc(cfg->a, ncap * sizeof *nt);
		for (size_t i = 0; i < p->vcap; i++)
			if (p->vtab[i]) {
				size_t h = hash_str(cfg->variables[p->vtab[i] - 1]->name) & (ncap - 1);
				while (nt[h])
					h = (h + 1) & (ncap - 1);
				nt[h] = p->vtab[i];
			}
		p->vtab = nt;
		p->vcap = ncap;
	}
	size_t h = hash_str(cfg->variables[idx]->name) & (p->vcap - 1);
	while (p->vtab[h])
		h = (h + 1) & (p->vcap - 1);
	p->vtab[h] = idx + 1;
}

/* Local names are hashed: a lookup per reference and per definition stays constant
 * time with tens of thousands of locals. */
static long
find_local(const lh_config *cfg, const char *name)
{
	const struct lh_config_priv *p = cfg->priv;
	if (p->lcap == 0)
		return -1;
	size_t h = hash_str(name) & (p->lcap - 1);
	while (p->ltab[h]) {
		size_t i = p->ltab[h] - 1;
		if (strcmp(p->locals[i].name, name) == 0)
			return (long)i;
		h = (h + 1) & (p->lcap - 1);
	}
	return -1;
}

/* Adds locals[idx] (already stored) to the name table. */
static void
ltab_put(struct lh_config_priv *p, lh_arena *a, size_t idx)
{
	if (p->nlocals * 2 > p->lcap) {
		size_t ncap = p->lcap ? p->lcap * 2 : 64;
		while (ncap < p->nlocals * 2)
			ncap *= 2;
		size_t *nt = lh_arena_alloc(a, ncap * sizeof *nt);
		for (size_t i = 0; i < p->lcap; i++)
			if (p->ltab[i]) {
				size_t h = hash_str(p->locals[p->ltab[i] - 1].name) & (ncap - 1);
				while (nt[h])
					h = (h + 1) & (ncap - 1);
				nt[h] = p->ltab[i];
			}
		p->ltab = nt;
		p->lcap = ncap;
	}
	size_t h = hash_str(p->locals[idx].name) & (p->lcap - 1);
	while (p->ltab[h])
		h = (h + 1) & (p->lcap - 1);
	p->ltab[h] = idx + 1;
}

const lh_node *
lh_config_local_expr(const lh_config *cfg, const char *name)
{
	long i = find_local(cfg, name);
	return i < 0 ? NULL : ((const struct lh_config_priv *)cfg->priv)->locals[i].attr->u.attr.expr;
}

static const char *const *schema_names_sorted(lh_arena *a, const lh_schema *s);
static int cmp_str(const void *x, const void *y);
static lh_value *scope_ref(scope *sc, const lh_node *step, lh_resource *r, lh_value *v);

/* name is the root word w: a lookup per reference tries up to nine reserved words
 * before a resource type, and the first letter rules most of them out at once. */
static inline bool
is_root(const char *name, const char *w)
{
	return name[0] == w[0] && strcmp(name, w) == 0;
}

static lh_value *
lookup(lh_eval *ev, const lh_node *root, const lh_node *step, bool *consumed)
{
	scope *sc = ev->ctx;
	lh_config *cfg = sc->cfg;
	lh_arena *a = ev->a;
	const char *name = root->u.var.name;
	const char *attr = step && step->kind == LH_AST_GETATTR ? step->u.getattr.name : NULL;
	uint32_t s = root->start, e = attr ? step->end : root->end;
	const lh_source *src = root->src;
	*consumed = attr != NULL;
	if (sc->tfvars) {	/* (HCL without a context: the root name) */
		derr(ev->d, src, s, root->end, ev->context, "Variables not allowed", "Variables may not be used here.");
		return NULL;
	}
	if (is_root(name, "var") || is_root(name, "local")) {
		bool isvar = name[0] == 'v';
		if (attr == NULL) {
			derr(ev->d, src, s, e, ev->context, "Invalid reference",
			    "The \"%s\" object cannot be accessed directly. Instead, access one of its attributes.", name);
			return NULL;
		}
		if (isvar) {
			long i = find_var(cfg, attr);
			if (i < 0) {
				const char **names = lh_arena_alloc(a, (cfg->nvariables + 1) * sizeof *names);
				for (size_t k = 0; k < cfg->nvariables; k++)
					names[k] = cfg->variables[k]->name;
				const char *sug = lh_eval_suggest(attr, names);
				if (sug != NULL) {
					derr(ev->d, src, s, e, ev->context, "Reference to undeclared input variable",
					    "An input variable with the name \"%s\" has not been declared. Did you mean \"%s\"?", attr, sug);
					return NULL;
				}
				derr(ev->d, src, s, e, ev->context, "Reference to undeclared input variable",
				    "An input variable with the name \"%s\" has not been declared. This variable can be declared with a variable \"%s\" {} block.", attr, attr);
				return NULL;
			}
			lh_value *v = cfg->variables[i]->value;
			return v ? v : lh_val_unknown(a, cfg->variables[i]->type);
		}
		long i = find_local(cfg, attr);
		if (i < 0) {
			const char **names = lh_arena_alloc(a, (cfg->priv->nlocals + 1) * sizeof *names);
			for (size_t k = 0; k < cfg->priv->nlocals; k++)
				names[k] = cfg->priv->locals[k].name;
			const char *sug = lh_eval_suggest(attr, names);
			if (sug != NULL) {
				derr(ev->d, src, s, e, ev->context, "Reference to undeclared local value",
				    "A local value with the name \"%s\" has not been declared. Did you mean \"%s\"?", attr, sug);
				return NULL;
			}
			derr(ev->d, src, s, e, ev->context, "Reference to undeclared local value",
			    "A local value with the name \"%s\" has not been declared.", attr);
			return NULL;
		}
		return local_value(cfg, (size_t)i, step);
	}
	if (is_root(name, "each")) {
		/* Terraform checks the attribute before the context */
		bool known = attr != NULL && (strcmp(attr, "key") == 0 || strcmp(attr, "value") == 0);
		if (known && !sc->in_each) {
			derr(ev->d, src, s, e, ev->context, "Reference to \"each\" in context without for_each",
			    "The \"each\" object can be used only in \"module\" or \"resource\" blocks, and only when the \"for_each\" argument is set.");
			return NULL;
		}
		if (attr != NULL && strcmp(attr, "key") == 0)
			return sc->each_key;
		if (attr != NULL && strcmp(attr, "value") == 0)
			return sc->each_value;
		derr(ev->d, src, s, e, ev->context, "Invalid \"each\" attribute",
		    "The \"each\" object does not have an attribute named \"%s\". The supported attributes are each.key and each.value, the current key and value pair of the \"for_each\" attribute set.",
		    attr ? attr : "");
		return NULL;
	}
	if (is_root(name, "count")) {
		if (attr != NULL && strcmp(attr, "index") == 0 && !sc->in_count) {
			derr(ev->d, src, s, e, ev->context, "Reference to \"count\" in non-counted context",
			    "The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.");
			return NULL;
		}
		if (attr != NULL && strcmp(attr, "index") == 0)
			return sc->count_index;
		derr(ev->d, src, s, e, ev->context, "Invalid \"count\" attribute",
		    "The \"count\" object does not have an attribute named \"%s\". The only supported attribute is count.index, which is the index of each instance of a resource block that has the \"count\" argument set.",
		    attr ? attr : "");
		return NULL;
	}
	if (is_root(name, "path")) {
		if (attr == NULL) {
			derr(ev->d, src, s, e, ev->context, "Invalid reference",
			    "The \"path\" object cannot be accessed directly. Instead, access one of its attributes.");
			return NULL;
		}
		if (strcmp(attr, "module") == 0 || strcmp(attr, "root") == 0)
			return lh_val_cstr(a, ".");
		if (strcmp(attr, "cwd") == 0)
			return lh_val_cstr(a, cfg->priv->cwd);
		derr(ev->d, src, s, e, ev->context, "Invalid \"path\" attribute",
		    "The \"path\" object does not have an attribute named \"%s\".", attr);
		return NULL;
	}
	if (is_root(name, "terraform")) {
		if (attr != NULL && strcmp(attr, "workspace") == 0) {
			return lh_val_cstr(a, lh_backend_workspace());
		}
		derr(ev->d, src, s, e, ev->context, "Invalid \"terraform\" attribute",
		    "The \"terraform\" object does not have an attribute named \"%s\". The only supported attribute is terraform.workspace, the name of the currently-selected workspace.",
		    attr ? attr : "");
		return NULL;
	}
	if (is_root(name, "self") && sc->self != NULL) {
		if (attr == NULL)
			return sc->self;
		/* validate: an object not known yet; the attribute must still exist */
		if (lh_val_is_unknown(sc->self) && sc->res != NULL && lh_schema_attr(sc->res->schema, attr) != NULL)
			return lh_val_unknown(a, &lh_type_dynamic);
		lh_value *v = lh_val_get(sc->self, attr);
		if (v == NULL) {
			const char *sug = sc->res != NULL ?
			    lh_eval_suggest(attr, schema_names_sorted(a, sc->res->schema)) : NULL;
			derr(ev->d, src, s, e, ev->context, "Unsupported attribute",
			    "This object has no argument, nested block, or exported attribute named \"%s\".%s%s%s",
			    attr, sug ? " Did you mean \"" : "", sug ? sug : "", sug ? "\"?" : "");
		}
		return v;
	}
	if (is_root(name, "self")) {
		derr(ev->d, src, s, e, ev->context, "Invalid \"self\" reference",
		    "The \"self\" object is not available in this context. This object can be used only in resource provisioner, connection, and postcondition blocks.");
		return NULL;
	}
	if (is_root(name, "data")) {
		/* data.TYPE.NAME: the evaluator hands over the step naming the block (its
		 * object is data.TYPE), see lh_eval_walk_refs */
		const lh_node *ts = step != NULL && step->kind == LH_AST_GETATTR &&
		    step->u.getattr.obj->kind == LH_AST_GETATTR ? step->u.getattr.obj : NULL;
		if (ts == NULL || ts->u.getattr.obj != root) {
			derr(ev->d, src, s, e, ev->context, "Invalid reference",
			    "A reference to a data source must be followed by at least two attribute access operations, specifying the data source type and name.");
			return NULL;
		}
		const char *dtype = ts->u.getattr.name, *dname = step->u.getattr.name;
		lh_resource *r = lh_config_data(cfg, dtype, dname);
		if (r == NULL) {
			derr(ev->d, src, s, step->end, ev->context, "Reference to undeclared resource",
			    "A data resource \"%s\" \"%s\" has not been declared in the root module.", dtype, dname);
			return NULL;
		}
		*consumed = true;
		if (sc->res == r) {
			derr(ev->d, src, s, step->end, ev->context, "Self-referential block",
			    "Configuration for %s may not refer to itself.", r->addr);
			return NULL;
		}
		return scope_ref(sc, step, r, resource_value(cfg, r));
	}
	if (is_root(name, "module")) {
		derr(ev->d, src, s, e, ev->context, "Reference to undeclared module",
		    "No module call named \"%s\" is declared in the root module.", attr ? attr : "");
		return NULL;
	}
	/* a resource type */
	if (attr == NULL) {
		derr(ev->d, src, s, e, ev->context, "Invalid reference",
		    "A reference to a resource type must be followed by at least one attribute access, specifying the resource name.");
		return NULL;
	}
	lh_resource *r = lh_config_resource(cfg, name, attr);
	if (r == NULL) {
		derr(ev->d, src, s, e, ev->context, "Reference to undeclared resource",
		    "A managed resource \"%s\" \"%s\" has not been declared in the root module.", name, attr);
		return NULL;
	}
	if (sc->res == r) {
		derr(ev->d, src, s, e, ev->context, "Self-referential block",
		    "Configuration for %s may not refer to itself.", r->addr);
		return NULL;
	}
	return scope_ref(sc, step, r, resource_value(cfg, r));
}

/* The names of a resource's attributes, sorted as Terraform offers them for "Did you
 * mean" (lives in a). */
static const char *const *
schema_names_sorted(lh_arena *a, const lh_schema *s)
{
	const char **names = lh_arena_alloc(a, (s->n + 1) * sizeof *names);
	for (size_t i = 0; i < s->n; i++)
		names[i] = s->attrs[i].name;
	names[s->n] = NULL;
	qsort(names, s->n, sizeof *names, cmp_str);
	return names;
}

/* lh_eval's res_attrs: ref is the step of a recent reference to a resource. */
static const char *const *
res_attrs(lh_eval *ev, const lh_node *ref)
{
	const scope *sc = ev->ctx;
	unsigned n = sc->nrefs < 8 ? sc->nrefs : 8;
	for (unsigned k = 0; k < n; k++) {
		unsigned i = (sc->nrefs - 1 - k) % 8;	/* the newest first */
		if (sc->refs[i].step == ref)
			return schema_names_sorted(ev->a, sc->refs[i].r->schema);
	}
	return NULL;
}

/* Records that step named r (see res_attrs); returns v. */
static lh_value *
scope_ref(scope *sc, const lh_node *step, lh_resource *r, lh_value *v)
{
	if (v != NULL && step != NULL) {
		sc->refs[sc->nrefs % 8].step = step;
		sc->refs[sc->nrefs % 8].r = r;
		sc->nrefs++;
	}
	return v;
}

/* ---- Terraform's static check of references ---------------------------------- */

static const char *const_string(const lh_node *e);

/* hclsyntax.ValidIdentifier for ASCII names (a non-ASCII byte counts as a letter). */
static bool
ident_like(const char *s)
{
	unsigned char ch = (unsigned char)*s;
	if (!(ch == '_' || (unsigned)((ch | 32) - 'a') < 26u || ch >= 0x80))
		return false;
	for (s++; (ch = (unsigned char)*s) != 0; s++)
		if (!(ch == '_' || ch == '-' || (unsigned)((ch | 32) - 'a') < 26u ||
		    (unsigned)(ch - '0') < 10u || ch >= 0x80))
			return false;
	return true;
}

typedef struct refcheck {
	lh_eval *ev;
	bool failed;
} refcheck;

/* One reference of the expression being checked (see check_refs). */
static void
check_ref(void *ctx, const lh_ref *ref)
{
	refcheck *c = ctx;
	lh_eval *ev = c->ev;
	scope *sc = ev->ctx;
	const char *name = ref->root->u.var.name;
	for (const lh_binding *b = ev->scope; b != NULL; b = b->next)
		if (b->name != NULL && strcmp(b->name, name) == 0)
			return;
	static const char *const other[] = {"var", "local", "each", "count", "path",
		"terraform", "self", "module"};
	for (size_t i = 0; i < sizeof other / sizeof *other; i++)
		if (strcmp(name, other[i]) == 0)
			return;
	bool data = strcmp(name, "data") == 0;
	int k = data ? 2 : 1;		/* steps naming the block */
	if (ref->nsteps < k)
		return;
	for (int i = 0; i < k; i++)
		if (ref->steps[i]->kind != LH_AST_GETATTR)
			return;
	const char *type = data ? ref->steps[0]->u.getattr.name : name;
	const char *rname = ref->steps[k - 1]->u.getattr.name;
	lh_resource *r = data ? lh_config_data(sc->cfg, type, rname) :
	    lh_config_resource(sc->cfg, type, rname);
	if (r == NULL || r == sc->res || r->schema == NULL)
		return;		/* the lookup's errors */
	const lh_source *src = ref->root->src;
	uint32_t s = ref->root->start, e = ref->steps[k - 1]->end;
	bool key = ref->nsteps > k && ref->steps[k]->kind == LH_AST_INDEX;
	if (key)
		e = ref->steps[k++]->end;
	const lh_node *const *rest = ref->steps + k;
	int nrest = ref->nsteps - k;
	if (key && r->mode == LH_EXPAND_ONE) {
		derr(ev->d, src, s, e, ev->context, "Unexpected resource instance key",
		    "Because %s does not have \"count\" or \"for_each\" set, references to it must not include an index key. Remove the bracketed index to refer to the single instance of this resource.",
		    r->addr);
		c->failed = true;
	} else if (!key && nrest > 0 && r->mode != LH_EXPAND_ONE) {
		bool cnt = r->mode == LH_EXPAND_COUNT;
		derr(ev->d, src, s, e, ev->context, "Missing resource instance key",
		    "Because %s has \"%s\" set, its attributes must be accessed on specific instances.\n\nFor example, to correlate with indices of a referring resource, use:\n    %s[%s]",
		    r->addr, cnt ? "count" : "for_each", r->addr, cnt ? "count.index" : "each.key");
		c->failed = true;
	}
	if (nrest == 0)
		return;
	const lh_node *st = rest[0];
	uint32_t ss, se;
	lh_eval_step_range(st, &ss, &se);
	if (st->kind == LH_AST_INDEX) {
		const char *kn = const_string(st->u.index.key);
		if (kn != NULL && ident_like(kn))
			derr(ev->d, src, ss, se, ev->context, "Invalid index operation",
			    "Only attribute access is allowed here. Did you mean to access attribute \"%s\" using the dot operator?", kn);
		else
			derr(ev->d, src, ss, se, ev->context, "Invalid index operation",
			    "Only attribute access is allowed here, using the dot operator.");
		c->failed = true;
		return;
	}
	const char *an = st->u.getattr.name;
	if (strcmp(an, "count") == 0) {
		derr(ev->d, src, s, e, ev->context, "Invalid resource count attribute",
		    "The special \"count\" attribute is no longer supported after Terraform v0.12. Instead, use length(%s) to count resource instances.",
		    r->addr);
		c->failed = true;
		return;
	}
	const lh_attr *at = lh_schema_attr(r->schema, an);
	if (at == NULL) {
		const char *sug = lh_eval_suggest(an, schema_names_sorted(ev->a, r->schema));
		derr(ev->d, src, ss, se, ev->context, "Unsupported attribute",
		    "This object has no argument, nested block, or exported attribute named \"%s\".%s%s%s",
		    an, sug ? " Did you mean \"" : "", sug ? sug : "", sug ? "\"?" : "");
		c->failed = true;
		return;
	}
	/* the rest applied to an unknown value of the attribute's type, HCL's errors */
	if (nrest > 1 && lh_eval_steps(ev, lh_val_unknown(ev->a, at->type), rest + 1, nrest - 1) == NULL)
		c->failed = true;
}

/* lh_eval's check_refs: Terraform's StaticValidateReferences over the references to
 * resources and data sources in e - an instance key where the block has no count or
 * for_each, none where it has, the attribute named against the schema (and the steps
 * after it against its type) - whatever the values; a reference behind a dynamic index
 * or a splat is not static, so evaluation alone checks it. */
static bool
check_refs(lh_eval *ev, const lh_node *e)
{
	const scope *sc = ev->ctx;
	if (sc->tfvars)
		return true;
	refcheck c = {ev, false};
	lh_ast_walk_refs(e, check_ref, &c);
	return !c.failed;
}

static void
scope_eval(lh_eval *ev, lh_config *cfg, scope *sc, lh_diags *d, const char *context)
{
	lh_eval_init(ev, cfg->a, d, cfg->dir);
	ev->lookup = lookup;
	ev->res_attrs = res_attrs;
	ev->check_refs = check_refs;
	ev->ctx = sc;
	ev->context = context;
	sc->cfg = cfg;
}

/* Starts an evaluation whose intermediate values go to the scratch arena (returned):
 * *m is where it started.  What the evaluation keeps - a local's value, an instance's
 * arguments, an output's value, a condition's message - is copied into cfg->a with
 * lh_val_keep (relative to the outermost mark whose values it may hold) before
 * scratch_end(cfg, *m) frees the rest.  Nests (a local evaluated while another one
 * is); nothing kept for later (caches, records, instances) may point into scratch. */
/* The scratch arena between evaluations (empty, its spare chunks kept): the next
 * evaluation takes it, so that 10,000 resource blocks do not map and unmap a chunk
 * each.  Evaluation happens on the main thread only. */
static lh_arena *idle_scratch;

static lh_arena *
scratch_begin(lh_config *cfg, lh_arena_mark *m)
{
	struct lh_config_priv *p = cfg->priv;
	if (p->scratch == NULL) {
		p->scratch = idle_scratch != NULL ? idle_scratch : lh_arena_new_scratch();
		idle_scratch = NULL;
	}
	p->scratch_depth++;
	*m = lh_arena_get_mark(p->scratch);
	return p->scratch;
}

static void
scratch_end(lh_config *cfg, lh_arena_mark m)
{
	struct lh_config_priv *p = cfg->priv;
	lh_arena_release(p->scratch, m);
	if (--p->scratch_depth == 0) {
		if (idle_scratch == NULL && lh_arena_used(p->scratch) == 0)
			idle_scratch = p->scratch;
		else
			lh_arena_free(p->scratch);
		p->scratch = NULL;
	}
}

/* s copied into cfg->a when it lives in the scratch arena after m. */
static const char *
scratch_keep_str(lh_config *cfg, lh_arena_mark m, const char *s)
{
	if (s != NULL && lh_arena_since(cfg->priv->scratch, m, s))
		return lh_arena_strdup(cfg->a, s);
	return s;
}

/* Locals evaluated inside each other deeper than this are evaluated from the bottom
 * up first (local_prepare); deeper still than LOCALS_MAX_DEPTH (a cycle that long)
 * is an error rather than a stack overflow. */
#define LOCALS_RECURSE_DEPTH 32
#define LOCALS_MAX_DEPTH 2000

/* "Cycle: ..." for local l, reached again through ref (NULL: its definition) after
 * the locals path[0..n) (path[0] is l), each referring to the next. */
static void
report_cycle(lh_config *cfg, const char *const *path, size_t n, const local_def *l,
    const lh_node *ref)
{
	struct lh_config_priv *p = cfg->priv;
	char chain[1024] = "", names[1024] = "";
	for (size_t k = 0; k < n; k++) {
		strncat(chain, "local.", sizeof chain - strlen(chain) - 1);
		strncat(chain, path[k], sizeof chain - strlen(chain) - 1);
		strncat(chain, " -> ", sizeof chain - strlen(chain) - 1);
		if (k > 0)
			strncat(names, ", ", sizeof names - strlen(names) - 1);
		strncat(names, "local.", sizeof names - strlen(names) - 1);
		strncat(names, path[k], sizeof names - strlen(names) - 1);
	}
	strncat(chain, "local.", sizeof chain - strlen(chain) - 1);
	strncat(chain, l->name, sizeof chain - strlen(chain) - 1);
	const lh_node *nd = ref ? ref : l->attr;
	derr(p->d, nd->src, ref ? ref->u.getattr.obj->start : nd->start, nd->end, "locals",
	    lh_arena_printf(cfg->a, "Cycle: %s", names),
	    "The local value local.%s depends on itself: %s.", l->name, chain);
}

static bool
local_pending(const struct lh_config_priv *p, const local_def *l)
{
	if (l->state == ST_FAILED || l->state == ST_BUSY)
		return false;
	return !(l->state == ST_DONE && (!l->dep_res || l->epoch == p->epoch));
}

typedef struct lref_frame {
	size_t idx;
	size_t *refs;
	const lh_node **steps;		/* the reference to each */
	size_t n, pos;
} lref_frame;

typedef struct lref_col {
	lh_config *cfg;
	size_t *v;
	const lh_node **steps;
	size_t n;
} lref_col;

static void
lref_add(void *ctx, const lh_node *root, const lh_node *step)
{
	lref_col *c = ctx;
	if (step == NULL || step->kind != LH_AST_GETATTR || strcmp(root->u.var.name, "local") != 0)
		return;
	long i = find_local(c->cfg, step->u.getattr.name);
	if (i < 0)
		return;
	c->v = GROW1(c->cfg->a, c->v, c->n, sizeof *c->v);
	c->steps = GROW1(c->cfg->a, c->steps, c->n, sizeof *c->steps);
	c->v[c->n] = (size_t)i;
	c->steps[c->n++] = step;
}

/* Evaluates the pending locals that local i refers to, transitively, deepest first
 * and without recursion, so that a chain of 100,000 locals referring to each other
 * is evaluated at a constant stack depth.  A reference back into the walk's path is
 * a cycle: reported, and the locals on it fail (local i among them, maybe). */
static void
local_prepare(lh_config *cfg, size_t i)
{
	struct lh_config_priv *p = cfg->priv;
	unsigned visit = ++p->visit;
	lref_frame *st = NULL;
	size_t n = 0, cap = 0;
	p->locals[i].visit = visit;
	size_t idx = i;
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			lref_frame *ns = lh_arena_alloc(cfg->a, ncap * sizeof *ns);
			if (n > 0)
				memcpy(ns, st, n * sizeof *ns);
			st = ns;
			cap = ncap;
		}
		lref_col c = {.cfg = cfg};
		lh_eval_walk_refs(p->locals[idx].attr->u.attr.expr, lref_add, &c);
		st[n++] = (lref_frame){.idx = idx, .refs = c.v, .steps = c.steps, .n = c.n};
		/* descend to the next pending, unvisited reference; finish frames without one */
		for (;;) {
			lref_frame *f = &st[n - 1];
			bool down = false;
			while (!down && f->pos < f->n) {
				size_t j = f->refs[f->pos++];
				local_def *l = &p->locals[j];
				if (l->state == ST_BUSY && p->locals[f->idx].state != ST_FAILED) {
					/* back into the evaluation that called us: a cycle through
					 * the locals being evaluated and this walk's path */
					size_t top = p->nstack < sizeof p->stack / sizeof p->stack[0] ?
					    p->nstack : sizeof p->stack / sizeof p->stack[0];
					size_t from = 0;
					for (size_t k = 0; k < top; k++)
						if (strcmp(p->stack[k], l->name) == 0)
							from = k;
					const char **path = lh_arena_alloc(cfg->a, (top - from + n) * sizeof *path);
					for (size_t k = from; k < top; k++)
						path[k - from] = p->stack[k];
					for (size_t k = 0; k < n; k++) {
						path[top - from + k] = p->locals[st[k].idx].name;
						p->locals[st[k].idx].state = ST_FAILED;
					}
					report_cycle(cfg, path, top - from + n, l, f->steps[f->pos - 1]);
					continue;
				}
				if (!local_pending(p, l))
					continue;
				if (l->visit != visit) {
					l->visit = visit;
					idx = j;
					down = true;
				} else if (p->locals[f->idx].state != ST_FAILED) {
					/* visited and still pending: on the path, a cycle */
					size_t from = n - 1;
					while (st[from].idx != j)
						from--;
					const char **path = lh_arena_alloc(cfg->a, (n - from) * sizeof *path);
					for (size_t k = from; k < n; k++) {
						path[k - from] = p->locals[st[k].idx].name;
						p->locals[st[k].idx].state = ST_FAILED;
					}
					report_cycle(cfg, path, n - from, l, f->steps[f->pos - 1]);
				}
			}
			if (down)
				break;
			if (--n == 0)
				return;		/* local i itself: its caller evaluates it */
			local_value(cfg, f->idx, NULL);
		}
	}
}

static lh_value *
local_value(lh_config *cfg, size_t i, const lh_node *ref)
{
	struct lh_config_priv *p = cfg->priv;
	local_def *l = &p->locals[i];
	if (l->state == ST_DONE && (!l->dep_res || l->epoch == p->epoch))
		return l->value;
	if (l->state == ST_FAILED)
		return lh_val_unknown(cfg->a, &lh_type_dynamic);
	if (l->state != ST_BUSY && p->nstack >= LOCALS_RECURSE_DEPTH) {
		local_prepare(cfg, i);
		if (l->state == ST_FAILED)
			return NULL;	/* on a cycle, reported */
	}
	if (l->state != ST_BUSY && p->nstack >= LOCALS_MAX_DEPTH) {
		const lh_node *n = ref ? ref : l->attr;
		derr(p->d, n->src, ref ? ref->u.getattr.obj->start : n->start, n->end, "locals",
		    "Local values nested too deeply",
		    "Evaluating local.%s needs more than %d local values inside each other "
		    "(a cycle through that many locals?).", l->name, LOCALS_MAX_DEPTH);
		l->state = ST_FAILED;
		return NULL;
	}
	if (l->state == ST_BUSY) {
		size_t top = p->nstack < sizeof p->stack / sizeof p->stack[0] ? p->nstack :
		    sizeof p->stack / sizeof p->stack[0];
		size_t from = 0;
		for (size_t k = 0; k < top; k++)
			if (strcmp(p->stack[k], l->name) == 0)
				from = k;
		report_cycle(cfg, p->stack + from, top - from, l, ref);
		return NULL;
	}
	l->state = ST_BUSY;
	if (p->nstack < sizeof p->stack / sizeof p->stack[0])
		p->stack[p->nstack] = l->name;
	p->nstack++;
	scope sc = {0};
	lh_eval ev;
	scope_eval(&ev, cfg, &sc, p->d, "locals");
	lh_arena_mark m;
	ev.a = scratch_begin(cfg, &m);
	lh_value *v = lh_eval_expr(&ev, l->attr->u.attr.expr);
	v = lh_val_keep(cfg->a, v, ev.a, m);
	scratch_end(cfg, m);
	p->nstack--;
	if (v == NULL) {
		l->state = ST_FAILED;
		return NULL;
	}
	l->value = v;
	l->state = ST_DONE;
	l->epoch = p->epoch;
	return v;
}

/* The object of unknown attributes standing for an unapplied resource instance. */
static lh_value *
unknown_object(lh_config *cfg, const lh_schema *s)
{
	lh_arena *a = cfg->a;
	const char **keys = lh_arena_alloc(a, s->n * sizeof *keys);
	lh_value **vals = lh_arena_alloc(a, s->n * sizeof *vals);
	for (size_t i = 0; i < s->n; i++) {
		keys[i] = s->attrs[i].name;
		vals[i] = lh_val_unknown(a, s->attrs[i].type);
	}
	return lh_val_object(a, keys, vals, s->n);
}

static bool for_each_keys(lh_config *cfg, lh_resource *r, lh_eval *ev, lh_value *fe,
    const char ***keys, lh_value ***vals, size_t *n, bool *unknown);

static lh_value *
resource_value(lh_config *cfg, lh_resource *r)
{
	struct lh_config_priv *p = cfg->priv;
	lh_arena *a = cfg->a;
	if (p->resolve != NULL) {
		lh_value *v = p->resolve(p->rctx, a, r);
		if (v != NULL)
			return v;
	}
	long idx = find_res_idx(cfg, r->addr);
	res_priv *rp = &p->rp[idx];
	if (rp->cache != NULL && rp->cache_epoch == p->epoch)
		return rp->cache;
	if (rp->busy)
		return lh_val_unknown(a, &lh_type_dynamic);
	rp->busy = true;
	lh_value *one = unknown_object(cfg, r->schema);
	lh_value *v = lh_val_unknown(a, &lh_type_dynamic);
	lh_diags quiet;
	lh_diags_init(&quiet, a);
	scope sc = {0};
	lh_eval ev;
	scope_eval(&ev, cfg, &sc, &quiet, r->context);
	sc.res = r;
	if (r->mode == LH_EXPAND_ONE) {
		v = one;
	} else if (p->resolve == NULL) {
		/* validate: Terraform's validate knows no instances of a resource with count
		 * or for_each (cty.DynamicVal); the static check (check_refs) has already
		 * checked what can be checked whatever the keys */
	} else if (r->mode == LH_EXPAND_COUNT) {
		lh_value *c = lh_eval_expr_as(&ev, r->count, &lh_type_number);
		if (c != NULL && !lh_val_is_unknown(c) && !lh_val_is_null(c)) {
			double n = lh_number_double(c->u.num);
			if (n >= 0 && n <= 1000000) {
				size_t k = (size_t)n;
				lh_value **items = lh_arena_alloc(a, (k ? k : 1) * sizeof *items);
				for (size_t i = 0; i < k; i++)
					items[i] = one;
				v = lh_val_tuple(a, items, k);
			}
		}
	} else {
		lh_value *fe = lh_eval_expr(&ev, r->for_each);
		const char **keys;
		lh_value **vals;
		size_t n;
		bool unk;
		if (fe != NULL && for_each_keys(cfg, r, &ev, fe, &keys, &vals, &n, &unk) && !unk) {
			lh_value **objs = lh_arena_alloc(a, (n ? n : 1) * sizeof *objs);
			for (size_t i = 0; i < n; i++)
				objs[i] = one;
			v = lh_val_object(a, keys, objs, n);
		}
	}
	rp->busy = false;
	rp->cache = v;
	rp->cache_epoch = p->epoch;
	return v;
}

/* ---- static dependencies ---------------------------------------------------- */

typedef struct depcol {
	lh_config *cfg;
	const char **v;
	size_t n;
	const lh_resource *self;
	lh_diags *d;
	bool report;
	bool any_res;
} depcol;

static void local_deps(lh_config *cfg, local_def *l);

static void
dep_add(depcol *c, const char *addr)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i], addr) == 0)
			return;
	c->v = GROW1(c->cfg->a, c->v, c->n, sizeof *c->v);
	c->v[c->n++] = addr;
}

static void
dep_ref(void *ctx, const lh_node *root, const lh_node *step)
{
	depcol *c = ctx;
	const char *name = root->u.var.name;
	if (step == NULL || step->kind != LH_AST_GETATTR)
		return;
	const char *attr = step->u.getattr.name;
	if (strcmp(name, "data") == 0) {
		const lh_node *ts = step->u.getattr.obj;
		if (ts->kind != LH_AST_GETATTR || ts->u.getattr.obj != root)
			return;
		lh_resource *r = lh_config_data(c->cfg, ts->u.getattr.name, attr);
		if (r == NULL)
			return;
		c->any_res = true;
		if (r != c->self)
			dep_add(c, r->addr);
		return;
	}
	if (strcmp(name, "local") == 0) {
		long i = find_local(c->cfg, attr);
		if (i < 0)
			return;
		local_def *l = &c->cfg->priv->locals[i];
		local_deps(c->cfg, l);
		if (l->dep_res)
			c->any_res = true;
		for (size_t k = 0; k < l->ndeps; k++)
			dep_add(c, l->deps[k]);
		return;
	}
	for (size_t k = 0; reserved_roots[k] != NULL; k++)
		if (strcmp(name, reserved_roots[k]) == 0)
			return;
	lh_resource *r = lh_config_resource(c->cfg, name, attr);
	if (r == NULL)
		return;
	c->any_res = true;
	if (r == c->self)
		return;
	dep_add(c, r->addr);
}

static void
local_deps(lh_config *cfg, local_def *l)
{
	if (l->dep_state == ST_DONE || l->dep_state == ST_BUSY)
		return;
	l->dep_state = ST_BUSY;
	depcol c = {.cfg = cfg};
	lh_eval_walk_refs(l->attr->u.attr.expr, dep_ref, &c);
	l->deps = c.v;
	l->ndeps = c.n;
	l->dep_res = c.any_res;
	l->dep_state = ST_DONE;
}

/* e (or NULL) refers to a resource or data block, directly or through locals. */
static bool
expr_refers_res(lh_config *cfg, const lh_resource *self, const lh_node *e)
{
	if (e == NULL)
		return false;
	depcol c = {.cfg = cfg, .self = self};
	lh_eval_walk_refs(e, dep_ref, &c);
	return c.any_res;
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* ---- loading ---------------------------------------------------------------- */

static bool
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Whether h is b's type and labels, the labels quoted: block_context's string. */
static bool
is_context(const char *h, const lh_node *b)
{
	size_t n = strlen(b->u.block.type);
	if (strncmp(h, b->u.block.type, n) != 0)
		return false;
	h += n;
	for (size_t i = 0; i < b->u.block.nlabels; i++) {
		n = strlen(b->u.block.labels[i].text);
		if (h[0] != ' ' || h[1] != '"' || strncmp(h + 2, b->u.block.labels[i].text, n) != 0 ||
		    h[2 + n] != '"')
			return false;
		h += n + 3;
	}
	return *h == '\0';
}

static const char *
block_context(lh_arena *a, const lh_node *b)
{
	/* a top-level block's header as the parse recorded it, when it reads the same
	 * (it does but for labels with escapes or templates): one string less per block */
	const lh_source *src = b->src;
	if (src != NULL && src->has_blocks) {
		size_t lo = 0, hi = src->nblocks;	/* the block starting at b's type */
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (src->blocks[mid].start < b->u.block.type_start)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < src->nblocks && src->blocks[lo].start == b->u.block.type_start &&
		    src->blocks[lo].header != NULL && is_context(src->blocks[lo].header, b))
			return src->blocks[lo].header;
	}
	size_t len = strlen(b->u.block.type);
	for (size_t i = 0; i < b->u.block.nlabels; i++)
		len += strlen(b->u.block.labels[i].text) + 3;
	char *s = lh_arena_alloc(a, len + 1), *o = s;	/* one string per block */
	o += strlen(strcpy(o, b->u.block.type));
	for (size_t i = 0; i < b->u.block.nlabels; i++) {
		size_t n = strlen(b->u.block.labels[i].text);
		*o++ = ' ';
		*o++ = '"';
		memcpy(o, b->u.block.labels[i].text, n);
		o += n;
		*o++ = '"';
	}
	return s;
}

/* Checks that body has only the named attributes and block types. */
static bool
check_body(lh_config *cfg, const lh_node *body, const char *const *attrs,
    const char *const *blocks, const char *ctx, lh_diags *d)
{
	bool ok = true;
	for (size_t i = 0; i < body->u.body.n; i++) {
		const lh_node *it = body->u.body.items[i];
		const char *const *list = it->kind == LH_AST_ATTR ? attrs : blocks;
		const char *name = it->kind == LH_AST_ATTR ? it->u.attr.name : it->u.block.type;
		bool found = false;
		for (size_t k = 0; list != NULL && list[k] != NULL; k++)
			if (strcmp(list[k], name) == 0)
				found = true;
		if (found)
			continue;
		ok = false;
		const char *sug = lh_eval_suggest(name, list);
		char hint[256] = "";
		if (sug != NULL)
			snprintf(hint, sizeof hint, " Did you mean \"%s\"?", sug);
		if (it->kind == LH_AST_ATTR)
			derr(d, it->src, it->u.attr.name_start, it->u.attr.name_end, ctx, "Unsupported argument",
			    "An argument named \"%s\" is not expected here.%s", name, hint);
		else
			derr(d, it->src, it->u.block.type_start, it->u.block.type_end, ctx, "Unsupported block type",
			    "Blocks of type \"%s\" are not expected here.%s", name, hint);
	}
	return ok;
}

static bool
want_labels(const lh_node *b, size_t n, const char *what, lh_diags *d)
{
	if (b->u.block.nlabels == n)
		return true;
	const char *names = n == 1 ? "name" : n == 2 ? "type, name" : "";
	if (b->u.block.nlabels < n)
		derr(d, b->src, b->u.block.type_start, header_end(b), NULL,
		    lh_arena_printf(d->a, "Missing name for %s", what),
		    "All %s blocks must have %zu labels (%s).", what, n, names);
	else
		derr(d, b->src, b->u.block.labels[n].start, b->u.block.labels[b->u.block.nlabels - 1].end, NULL,
		    lh_arena_printf(d->a, "Extraneous label for %s", what),
		    "Only %zu labels (%s) are expected for %s blocks.", n, names, what);
	return false;
}

/* A constant string expression (quoted string without interpolation). */
static const char *
const_string(const lh_node *e)
{
	if (e->kind != LH_AST_TEMPLATE)
		return NULL;
	if (e->u.tmpl.n == 0)
		return "";
	if (e->u.tmpl.n == 1 && e->u.tmpl.parts[0]->kind == LH_AST_TLIT)
		return e->u.tmpl.parts[0]->u.lit.text;
	return NULL;
}

/* The type the address examples of messages name: the registry's first. */
static const char *
example_type(void)
{
	return lh_rtypes()[0]->type_name;
}

/* Reads a traversal like TYPE.x or TYPE.x["k"] / [0] as an address. */
static bool
node_addr(lh_arena *a, const lh_node *e, lh_addr *out, bool allow_key)
{
	memset(out, 0, sizeof *out);
	out->kind = LH_KEY_NONE;
	if (allow_key && e->kind == LH_AST_INDEX && !e->u.index.legacy) {
		const lh_node *k = e->u.index.key;
		if (k->kind == LH_AST_NUMBER) {
			lh_number n;
			if (!lh_number_parse(a, k->u.number.text, strlen(k->u.number.text), &n) || !n.is_int || n.i < 0)
				return false;
			out->kind = LH_KEY_INT;
			out->index = n.i;
		} else if (const_string(k) != NULL) {
			out->kind = LH_KEY_STR;
			out->key = const_string(k);
		} else {
			return false;
		}
		e = e->u.index.obj;
	}
	if (e->kind != LH_AST_GETATTR || e->u.getattr.obj->kind != LH_AST_VAR)
		return false;
	out->type = e->u.getattr.obj->u.var.name;
	out->name = e->u.getattr.name;
	return true;
}

/* ---- required_version (go-version constraints, as Terraform reads them) ---- */

typedef struct semver {
	long n[3];
	const char *pre;	/* pre-release text after '-', or NULL */
	size_t npre;
	int parts;		/* how many numbers were written */
} semver;

static bool
parse_semver(const char *s, size_t len, semver *v)
{
	memset(v, 0, sizeof *v);
	size_t i = 0;
	if (i < len && s[i] == 'v')
		i++;
	for (int k = 0; k < 3; k++) {
		if (i >= len || s[i] < '0' || s[i] > '9')
			return false;
		long x = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && x < 100000000)
			x = x * 10 + (s[i++] - '0');
		v->n[k] = x;
		v->parts = k + 1;
		if (i < len && s[i] == '.' && k < 2) {
			i++;
			continue;
		}
		break;
	}
	if (i < len && s[i] == '-') {
		v->pre = s + i + 1;
		i++;
		while (i < len && s[i] != '+')
			i++;
		v->npre = (size_t)(s + i - v->pre);
	}
	if (i < len && s[i] == '+')	/* build metadata: ignored */
		i = len;
	return i == len;
}

static int
semver_cmp(const semver *a, const semver *b)
{
	for (int k = 0; k < 3; k++)
		if (a->n[k] != b->n[k])
			return a->n[k] < b->n[k] ? -1 : 1;
	if ((a->pre == NULL) != (b->pre == NULL))
		return a->pre == NULL ? 1 : -1;	/* a release is newer than its pre-releases */
	if (a->pre == NULL)
		return 0;
	size_t n = a->npre < b->npre ? a->npre : b->npre;
	int c = strncmp(a->pre, b->pre, n);
	return c != 0 ? c : a->npre == b->npre ? 0 : a->npre < b->npre ? -1 : 1;
}

/* True when version v satisfies the one constraint text c ("~> 1.5", ">=1.0, <2"),
 * false when not; -1 when c is not a constraint. */
static int
version_ok(const char *c, const semver *v)
{
	bool all = true;
	const char *p = c;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		const char *q = end;
		while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		char op[3] = "=";
		if (q - p >= 2 && (strncmp(p, ">=", 2) == 0 || strncmp(p, "<=", 2) == 0 ||
		    strncmp(p, "!=", 2) == 0 || strncmp(p, "~>", 2) == 0)) {
			op[0] = p[0];
			op[1] = p[1];
			op[2] = '\0';
			p += 2;
		} else if (p < q && (*p == '>' || *p == '<' || *p == '=')) {
			op[0] = *p;
			op[1] = '\0';
			p++;
		}
		while (p < q && (*p == ' ' || *p == '\t'))
			p++;
		semver w;
		if (p >= q || !parse_semver(p, (size_t)(q - p), &w))
			return -1;
		int cmp = semver_cmp(v, &w);
		/* a pre-release satisfies only constraints naming pre-releases (go-version) */
		if (v->pre != NULL && w.pre == NULL)
			all = false;
		if (strcmp(op, "=") == 0)
			all = all && cmp == 0;
		else if (strcmp(op, "!=") == 0)
			all = all && cmp != 0;
		else if (strcmp(op, ">") == 0)
			all = all && cmp > 0;
		else if (strcmp(op, "<") == 0)
			all = all && cmp < 0;
		else if (strcmp(op, ">=") == 0)
			all = all && cmp >= 0;
		else if (strcmp(op, "<=") == 0)
			all = all && cmp <= 0;
		else {	/* ~>: at least w, below the next release of its next-to-last part */
			semver top = w;
			top.pre = NULL;
			int last = w.parts > 1 ? w.parts - 2 : 0;
			top.n[last]++;
			for (int k = last + 1; k < 3; k++)
				top.n[k] = 0;
			all = all && cmp >= 0 && semver_cmp(v, &top) < 0;
		}
		if (*end == '\0')
			break;
		p = end + 1;
	}
	return all ? 1 : 0;
}

/* terraform { required_version = "..." } against the Terraform language version litehcl
 * implements (LH_TF_COMPAT_VERSION: what it writes as terraform_version in the state). */
static void
check_required_version(lh_config *cfg, const lh_node *at, lh_diags *d)
{
	const lh_node *e = at->u.attr.expr;
	const char *c = const_string(e);
	if (c == NULL) {
		derr(d, e->src, e->start, e->end, "terraform", "Invalid required_version constraint",
		    "The required_version argument must be a string literal, such as \">= 1.5\".");
		return;
	}
	semver v;
	parse_semver(LH_TF_COMPAT_VERSION, strlen(LH_TF_COMPAT_VERSION), &v);
	int ok = version_ok(c, &v);
	if (ok < 0)
		derr(d, e->src, e->start, e->end, "terraform", "Invalid version constraint",
		    "This string does not use correct version constraint syntax.");
	else if (strchr(c, '-') != NULL)
		derr(d, e->src, e->start, e->end, "terraform", "Invalid required_version constraint",
		    "Prerelease version constraints are not supported: %s. Remove the prerelease "
		    "information from the constraint. Prerelease versions of terraform will match "
		    "constraints using their version core only.", c);
	else if (ok == 0)
		derr(d, e->src, e->start, e->end, "terraform", "Unsupported Terraform Core version",
		    "This configuration does not support Terraform version %s (the Terraform "
		    "language litehcl %s implements). To proceed, either choose another supported "
		    "Terraform version or update this version constraint. Version constraints are "
		    "normally set for good reason, so updating the constraint may lead to other "
		    "errors or unexpected behavior.", LH_TF_COMPAT_VERSION, LH_VERSION);
	(void)cfg;
}

static void
load_terraform(lh_config *cfg, const lh_node *b, lh_diags *d)
{
	const lh_node *rv = body_attr(b->u.block.body, "required_version");
	if (rv != NULL)
		check_required_version(cfg, rv, d);
	for (size_t i = 0; i < b->u.block.body->u.body.n; i++) {
		const lh_node *it = b->u.block.body->u.body.items[i];
		if (it->kind != LH_AST_BLOCK || strcmp(it->u.block.type, "required_providers") != 0)
			continue;
		const lh_node *lp = body_attr(it->u.block.body, "litellm");
		if (lp == NULL)
			continue;
		const lh_node *o = lp->u.attr.expr;
		if (o->kind != LH_AST_OBJECT) {
			derr(d, o->src, o->start, o->end, "terraform", "Invalid required_providers object",
			    "required_providers objects must have a \"source\" attribute, like {source = \"ncecere/litellm\"}.");
			continue;
		}
		for (size_t k = 0; k < o->u.object.n; k++) {
			const lh_node *kn = o->u.object.keys[k];
			const char *kname = kn->kind == LH_AST_VAR ? kn->u.var.name : const_string(kn);
			if (kname == NULL || strcmp(kname, "source") != 0)
				continue;
			const char *src = const_string(o->u.object.values[k]);
			if (src == NULL) {
				const lh_node *v = o->u.object.values[k];
				derr(d, v->src, v->start, v->end, "terraform", "Invalid source",
				    "The source address must be a string literal.");
				continue;
			}
			/* "ncecere/litellm" means registry.terraform.io/ncecere/litellm */
			size_t slashes = 0;
			for (const char *p = src; *p; p++)
				slashes += *p == '/';
			if (slashes == 1)
				cfg->provider_source = lh_arena_printf(cfg->a, "registry.terraform.io/%s", src);
			else
				cfg->provider_source = lh_arena_strdup(cfg->a, src);
		}
	}
}

static const char *const var_attrs[] = {"type", "default", "description", "sensitive", "nullable", "ephemeral", NULL};
static const char *const var_blocks[] = {"validation", NULL};
static const char *const validation_attrs[] = {"condition", "error_message", NULL};
static const char *const out_attrs[] = {"value", "description", "sensitive", "depends_on", "ephemeral", NULL};
static const char *const provider_attrs[] = {"api_base", "api_key", "insecure_skip_verify", "timeout", "alias", NULL};
static const char *const import_attrs[] = {"to", "id", "provider", "for_each", NULL};
static const char *const moved_attrs[] = {"from", "to", NULL};
static const char *const removed_attrs[] = {"from", NULL};
static const char *const lifecycle_attrs[] = {"prevent_destroy", "ignore_changes", "create_before_destroy", "replace_triggered_by", NULL};
static const char *const resource_blocks[] = {"lifecycle", NULL};

/* An attribute Terraform decodes without an evaluation context (gohcl's
 * DecodeExpression with none: lifecycle's and removed's flags, a variable's or an
 * output's description, sensitive, nullable, ephemeral), as a t in a: a reference is
 * "Variables not allowed", a call "Function calls not allowed", and a value that is
 * not there after those, or not a t, "Unsuitable value type" at the expression's
 * start.  NULL after an error. */
static lh_value *
static_value(lh_config *cfg, lh_arena *a, const lh_node *attr, const lh_type *t,
    const char *ctx, lh_diags *d)
{
	lh_eval ev;
	scope sc = {0};
	scope_eval(&ev, cfg, &sc, d, ctx);
	if (a != NULL)
		ev.a = a;
	sc.tfvars = true;
	ev.no_functions = true;
	const lh_node *e = attr->u.attr.expr;
	lh_value *v = lh_eval_expr(&ev, e);
	const char *why = "value must be known", *err = NULL;
	lh_value *c = v != NULL ? lh_val_convert(ev.a, v, t, &err) : NULL;
	if (v != NULL && c == NULL)
		why = err != NULL ? err : "incorrect type";
	if (c != NULL && !lh_val_is_unknown(c))
		return c;
	uint32_t s, en;
	lh_eval_start_range(e, &s, &en);
	lh_diag *g = derr(d, e->src, s, en, ctx, "Unsuitable value type", "Unsuitable value: %s", why);
	g->cstart = e->start;	/* (HCL's context: the whole expression) */
	g->cend = e->end;
	return NULL;
}

/* A literal bool attribute (Terraform requires literals in lifecycle, sensitive...). */
static bool
literal_bool(lh_config *cfg, const lh_node *attr, const char *ctx, lh_diags *d, bool *out)
{
	lh_value *v = static_value(cfg, NULL, attr, &lh_type_bool, ctx, d);
	if (v == NULL || lh_val_is_null(v))
		return false;
	*out = v->u.b;
	return true;
}

static void
load_variable(lh_config *cfg, const lh_node *b, lh_diags *d)
{
	if (!want_labels(b, 1, "variable", d))
		return;
	const char *name = b->u.block.labels[0].text;
	const char *ctx = block_context(cfg->a, b);
	static const char *const reserved[] = {"count", "depends_on", "for_each", "lifecycle", "providers", "source", "version", NULL};
	for (size_t i = 0; reserved[i]; i++)
		if (strcmp(name, reserved[i]) == 0) {
			derr(d, b->src, b->u.block.labels[0].start, b->u.block.labels[0].end, NULL, "Invalid variable name",
			    "The variable name \"%s\" is reserved due to its special meaning inside module blocks.", name);
			return;
		}
	if (!is_ident(name)) {
		derr(d, b->src, b->u.block.labels[0].start, b->u.block.labels[0].end, NULL, "Invalid variable name",
		    "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.");
		return;
	}
	long prev = find_var(cfg, name);
	if (prev >= 0) {
		derr(d, b->src, b->u.block.type_start, header_end(b), NULL, "Duplicate variable declaration",
		    "A variable named \"%s\" was already declared at %s. Variable names must be unique within a module.",
		    name, decl_pos(cfg->a, cfg->variables[prev]->block));
		return;
	}
	const lh_node *body = b->u.block.body;
	check_body(cfg, body, var_attrs, var_blocks, ctx, d);
	for (size_t i = 0; i < body->u.body.n; i++) {
		const lh_node *it = body->u.body.items[i];
		if (it->kind == LH_AST_BLOCK && strcmp(it->u.block.type, "validation") == 0) {
			check_body(cfg, it->u.block.body, validation_attrs, NULL, ctx, d);
			const char *miss = !body_attr(it->u.block.body, "condition") ? "condition" :
			    !body_attr(it->u.block.body, "error_message") ? "error_message" : NULL;
			if (miss != NULL)
				derr(d, it->src, it->u.block.open, it->u.block.open + 1, ctx, "Missing required argument",
				    "The argument \"%s\" is required, but no definition was found.", miss);
		}
	}
	lh_variable *v = lh_arena_alloc(cfg->a, sizeof *v);
	v->name = name;
	v->block = b;
	v->type = &lh_type_dynamic;
	v->nullable = true;
	lh_eval ev;
	scope sc = {0};
	scope_eval(&ev, cfg, &sc, d, ctx);
	sc.tfvars = true;
	const lh_node *at;
	if ((at = body_attr(body, "type")) != NULL) {
		const lh_type *t = lh_eval_type_expr(&ev, at->u.attr.expr);
		if (t != NULL)
			v->type = t;
	}
	if ((at = body_attr(body, "description")) != NULL) {
		lh_value *s = static_value(cfg, NULL, at, &lh_type_string, ctx, d);
		if (s != NULL && !lh_val_is_null(s))
			v->description = s->u.str.s;
	}
	if ((at = body_attr(body, "sensitive")) != NULL)
		literal_bool(cfg, at, ctx, d, &v->sensitive);
	if ((at = body_attr(body, "nullable")) != NULL)
		literal_bool(cfg, at, ctx, d, &v->nullable);
	if ((at = body_attr(body, "ephemeral")) != NULL)
		literal_bool(cfg, at, ctx, d, &v->ephemeral);
	if ((at = body_attr(body, "default")) != NULL) {
		lh_value *dv = lh_eval_expr(&ev, at->u.attr.expr);
		if (dv != NULL) {
			const char *err = NULL;
			lh_value *c = lh_val_convert(cfg->a, dv, v->type, &err);
			if (c == NULL)
				derr(d, at->u.attr.expr->src, at->u.attr.expr->start, at->u.attr.expr->end, ctx,
				    "Invalid default value for variable",
				    "This default value is not compatible with the variable's type constraint: %s.",
				    err ? err : "incorrect type");
			else if (lh_val_is_null(c) && !v->nullable)
				; /* a null default on a non-nullable variable means "required" */
			else
				v->def = c;
		}
	}
	cfg->variables = GROW1(cfg->a, cfg->variables, cfg->nvariables, sizeof *cfg->variables);
	cfg->variables[cfg->nvariables++] = v;
	vtab_put(cfg, cfg->nvariables - 1);
}

static void
load_locals(lh_config *cfg, const lh_node *b, lh_diags *d)
{
	struct lh_config_priv *p = cfg->priv;
	const lh_node *body = b->u.block.body;
	if (b->u.block.nlabels > 0) {
		derr(d, b->src, b->u.block.labels[0].start, header_end(b), NULL, "Extraneous label for locals",
		    "No labels are expected for locals blocks.");
		return;
	}
	for (size_t i = 0; i < body->u.body.n; i++) {
		const lh_node *it = body->u.body.items[i];
		if (it->kind == LH_AST_BLOCK) {
			derr(d, it->src, it->u.block.type_start, it->u.block.type_end, "locals", "Unsupported block type",
			    "Blocks of type \"%s\" are not expected here.", it->u.block.type);
			continue;
		}
		long prev = find_local(cfg, it->u.attr.name);
		if (prev >= 0) {
			const lh_node *pa = p->locals[prev].attr;
			derr(d, it->src, it->start, it->end, "locals", "Duplicate local value definition",
			    "A local value named \"%s\" was already defined at %s. Local value names must be unique within a module.",
			    it->u.attr.name, pos_text(cfg->a, pa->src, pa->start, pa->end));
			continue;
		}
		p->locals = GROW1(cfg->a, p->locals, p->nlocals, sizeof *p->locals);
		local_def *l = &p->locals[p->nlocals++];
		memset(l, 0, sizeof *l);
		l->name = it->u.attr.name;
		l->attr = it;
		ltab_put(p, cfg->a, p->nlocals - 1);
	}
}

static void
count_ref(void *ctx, const lh_node *root, const lh_node *step)
{
	(void)root;
	(void)step;
	(*(size_t *)ctx)++;
}

/* The condition and error_message of an assert, precondition or postcondition block
 * cb (in the block described by ctx): both are required; the condition must refer to
 * something (a constant condition checks nothing).  False after diagnostics. */
static bool
load_condition(lh_config *cfg, const lh_node *cb, const char *ctx, const char *what, lh_diags *d)
{
	if (cb->u.block.nlabels > 0) {
		derr(d, cb->src, cb->u.block.labels[0].start, header_end(cb), ctx,
		    lh_arena_printf(cfg->a, "Extraneous label for %s", cb->u.block.type),
		    "No labels are expected for %s blocks.", cb->u.block.type);
		return false;
	}
	if (!check_body(cfg, cb->u.block.body, validation_attrs, NULL, ctx, d))
		return false;
	const lh_node *ca = body_attr(cb->u.block.body, "condition");
	const lh_node *ma = body_attr(cb->u.block.body, "error_message");
	if (ca == NULL || ma == NULL) {
		derr(d, cb->src, cb->u.block.open, cb->u.block.open + 1, ctx, "Missing required argument",
		    "The argument \"%s\" is required, but no definition was found.",
		    ca == NULL ? "condition" : "error_message");
		return false;
	}
	size_t nref = 0;
	lh_eval_walk_refs(ca->u.attr.expr, count_ref, &nref);
	if (nref == 0) {
		const lh_node *e = ca->u.attr.expr;
		derr(d, e->src, e->start, e->end, ctx, lh_arena_printf(cfg->a, "Invalid %s expression", what),
		    "The condition expression must refer to at least one object from elsewhere in the configuration, or else its result would not be checking anything.");
		return false;
	}
	return true;
}

static void
load_output(lh_config *cfg, const lh_node *b, lh_diags *d)
{
	struct lh_config_priv *p = cfg->priv;
	if (!want_labels(b, 1, "output", d))
		return;
	const char *name = b->u.block.labels[0].text;
	const char *ctx = block_context(cfg->a, b);
	for (size_t i = 0; i < p->noutputs; i++)
		if (strcmp(p->outputs[i]->u.block.labels[0].text, name) == 0) {
			derr(d, b->src, b->u.block.type_start, header_end(b), NULL, "Duplicate output definition",
			    "An output named \"%s\" was already defined at %s. Output names must be unique within a module.",
			    name, decl_pos(cfg->a, p->outputs[i]));
			return;
		}
	static const char *const blocks[] = {"precondition", NULL};
	check_body(cfg, b->u.block.body, out_attrs, blocks, ctx, d);
	for (size_t i = 0; i < b->u.block.body->u.body.n; i++) {
		const lh_node *cb = b->u.block.body->u.body.items[i];
		if (cb->kind == LH_AST_BLOCK && strcmp(cb->u.block.type, "precondition") == 0)
			load_condition(cfg, cb, ctx, "precondition", d);
	}
	if (body_attr(b->u.block.body, "value") == NULL)
		derr(d, b->src, b->u.block.open, b->u.block.open + 1, ctx, "Missing required argument",
		    "The argument \"value\" is required, but no definition was found.");
	/* what Terraform decodes with the block, without a context (static_value) */
	const lh_node *at;
	bool flag;
	if ((at = body_attr(b->u.block.body, "description")) != NULL)
		(void)static_value(cfg, NULL, at, &lh_type_string, ctx, d);
	if ((at = body_attr(b->u.block.body, "sensitive")) != NULL)
		(void)literal_bool(cfg, at, ctx, d, &flag);
	if ((at = body_attr(b->u.block.body, "ephemeral")) != NULL)
		(void)literal_bool(cfg, at, ctx, d, &flag);
	p->outputs = GROW1(cfg->a, p->outputs, p->noutputs, sizeof *p->outputs);
	p->outputs[p->noutputs++] = b;
}

static void
load_provider(lh_config *cfg, const lh_node *b, lh_diags *d)
{
	if (!want_labels(b, 1, "provider", d))
		return;
	const char *name = b->u.block.labels[0].text;
	if (strcmp(name, "litellm") != 0) {
		derr(d, b->src, b->u.block.labels[0].start, b->u.block.labels[0].end, NULL, "Unsupported provider",
		    "litehcl only supports the \"litellm\" provider, not \"%s\".", name);
		return;
	}
	if (cfg->provider.block != NULL) {
		derr(d, b->src, b->u.block.type_start, header_end(b), NULL, "Duplicate provider configuration",
		    "A default (non-aliased) provider configuration for \"litellm\" was already given at %s. If multiple configurations are required, set the \"alias\" argument for alternative configurations.",
		    decl_pos(cfg->a, cfg->provider.block));
		return;
	}
	cfg->provider.block = b;
	check_body(cfg, b->u.block.body, provider_attrs, NULL, "provider \"litellm\"", d);
}

/* Evaluates attribute at converted to t, with the schema's wording on mismatch. */
static lh_value *
attr_as(lh_eval *ev, const lh_node *at, const lh_type *t)
{
	lh_value *v = lh_eval_expr(ev, at->u.attr.expr);
	if (v == NULL)
		return NULL;
	const char *err = NULL;
	lh_value *c = lh_val_convert(ev->a, v, t, &err);
	if (c == NULL) {
		const lh_node *e = at->u.attr.expr;
		derr(ev->d, e->src, e->start, e->end, ev->context, "Incorrect attribute value type",
		    "Inappropriate value for attribute \"%s\": %s.", at->u.attr.name, err ? err : "incorrect type");
	}
	return c;
}

/* Provider arguments are evaluated after variables (they may use var.*). */
static void
eval_provider(lh_config *cfg, lh_diags *d)
{
	lh_provider *pv = &cfg->provider;
	const lh_node *b = pv->block;
	if (b != NULL) {
		lh_eval ev;
		scope sc = {0};
		const char *ctx = "provider \"litellm\"";
		scope_eval(&ev, cfg, &sc, d, ctx);
		const lh_node *body = b->u.block.body;
		const lh_node *at;
		const char *names[] = {"api_base", "api_key"};
		const char **dst[] = {&pv->api_base, &pv->api_key};
		for (size_t i = 0; i < 2; i++)
			if ((at = body_attr(body, names[i])) != NULL) {
				lh_value *v = lh_eval_expr(&ev, at->u.attr.expr);
				if (v == NULL)
					continue;
				const char *err = NULL;
				lh_value *s = lh_val_convert(cfg->a, v, &lh_type_string, &err);
				if (s == NULL) {
					derr(d, at->u.attr.expr->src, at->u.attr.expr->start, at->u.attr.expr->end, ctx,
					    "Incorrect attribute value type", "Inappropriate value for attribute \"%s\": %s.",
					    names[i], err ? err : "string required");
				} else if (lh_val_is_unknown(s) && cfg->priv->validate_only) {
					/* validate: a variable without a value is unknown, and
					 * Terraform validates such a provider block (CI steps run
					 * validate without secrets) */
				} else if (lh_val_is_unknown(s)) {
					derr(d, at->u.attr.expr->src, at->u.attr.expr->start, at->u.attr.expr->end, ctx,
					    "Invalid provider configuration", "The value of \"%s\" must be known before any resource is planned.", names[i]);
				} else if (!lh_val_is_null(s)) {
					*dst[i] = s->u.str.s;
				}
			}
		if ((at = body_attr(body, "insecure_skip_verify")) != NULL) {
			lh_value *v = attr_as(&ev, at, &lh_type_bool);
			if (v != NULL && !lh_val_is_null(v) && !lh_val_is_unknown(v))
				pv->insecure_skip_verify = v->u.b;
		}
		if ((at = body_attr(body, "timeout")) != NULL) {
			lh_value *v = attr_as(&ev, at, &lh_type_number);
			if (v != NULL && !lh_val_is_null(v) && !lh_val_is_unknown(v)) {
				double t = lh_number_double(v->u.num);
				if (t <= 0)
					derr(d, at->u.attr.expr->src, at->u.attr.expr->start, at->u.attr.expr->end, ctx,
					    "Invalid timeout", "The timeout must be a positive number of seconds.");
				else
					pv->timeout = t;
			}
		}
	}
	const char *eb = getenv("LITELLM_API_BASE"), *ek = getenv("LITELLM_API_KEY");
	if (pv->api_base == NULL && eb != NULL && *eb)
		pv->api_base = lh_arena_strdup(cfg->a, eb);
	if (pv->api_key != NULL)
		pv->api_key_from = "the api_key argument of the provider \"litellm\" block";
	else if (ek != NULL && *ek) {
		pv->api_key = lh_arena_strdup(cfg->a, ek);
		pv->api_key_from = "the LITELLM_API_KEY environment variable";
	}
}

/* The lifecycle of a block without one (every lh_resource points at one). */
static const lh_lifecycle no_lifecycle;

/* r's lifecycle to fill: its own, made when it is still the shared empty one. */
static lh_lifecycle *
lifecycle_of(lh_config *cfg, lh_resource *r)
{
	if (r->lifecycle == &no_lifecycle)
		r->lifecycle = lh_arena_alloc(cfg->a, sizeof(lh_lifecycle));	/* zeroed */
	return (lh_lifecycle *)r->lifecycle;
}

static void
parse_lifecycle(lh_config *cfg, lh_resource *r, const lh_node *lb, lh_diags *d)
{
	static const char *const blocks[] = {"precondition", "postcondition", NULL};
	if (r->data) {
		/* Terraform: only the conditions apply to data resources */
		for (size_t i = 0; i < lb->u.block.body->u.body.n; i++) {
			const lh_node *it = lb->u.block.body->u.body.items[i];
			if (it->kind != LH_AST_ATTR)
				continue;
			bool known = false;
			for (size_t k = 0; lifecycle_attrs[k] != NULL; k++)
				known = known || strcmp(lifecycle_attrs[k], it->u.attr.name) == 0;
			if (known)
				derr(d, it->src, it->u.attr.name_start, it->u.attr.name_end, r->context,
				    "Invalid data resource lifecycle argument",
				    "The lifecycle argument \"%s\" is defined only for managed resources (\"resource\" blocks), and is not valid for data resources.",
				    it->u.attr.name);
			else
				derr(d, it->src, it->u.attr.name_start, it->u.attr.name_end, r->context,
				    "Unsupported argument", "An argument named \"%s\" is not expected here.",
				    it->u.attr.name);
		}
		static const char *const no_attrs[] = {NULL};
		lh_node blocks_only = *lb->u.block.body;
		blocks_only.u.body.n = 0;
		blocks_only.u.body.items = lh_arena_alloc(cfg->a, (lb->u.block.body->u.body.n + 1) *
		    sizeof *blocks_only.u.body.items);
		for (size_t i = 0; i < lb->u.block.body->u.body.n; i++)
			if (lb->u.block.body->u.body.items[i]->kind != LH_AST_ATTR)
				blocks_only.u.body.items[blocks_only.u.body.n++] =
				    lb->u.block.body->u.body.items[i];
		check_body(cfg, &blocks_only, no_attrs, blocks, r->context, d);
	} else {
		check_body(cfg, lb->u.block.body, lifecycle_attrs, blocks, r->context, d);
	}
	for (size_t i = 0; i < lb->u.block.body->u.body.n; i++) {
		const lh_node *cb = lb->u.block.body->u.body.items[i];
		if (cb->kind != LH_AST_BLOCK)
			continue;
		bool pre = strcmp(cb->u.block.type, "precondition") == 0;
		if (!pre && strcmp(cb->u.block.type, "postcondition") != 0)
			continue;
		if (!load_condition(cfg, cb, r->context, cb->u.block.type, d))
			continue;
		lh_lifecycle *l = lifecycle_of(cfg, r);
		if (pre) {
			l->pre = GROW1(cfg->a, l->pre, l->npre, sizeof *l->pre);
			l->pre[l->npre++] = cb;
		} else {
			l->post = GROW1(cfg->a, l->post, l->npost, sizeof *l->post);
			l->post[l->npost++] = cb;
		}
	}
	if (r->data)
		return;
	const lh_node *at;
	if ((at = body_attr(lb->u.block.body, "prevent_destroy")) != NULL)
		literal_bool(cfg, at, r->context, d, &lifecycle_of(cfg, r)->prevent_destroy);
	if ((at = body_attr(lb->u.block.body, "create_before_destroy")) != NULL)
		literal_bool(cfg, at, r->context, d, &lifecycle_of(cfg, r)->create_before_destroy);
	if ((at = body_attr(lb->u.block.body, "ignore_changes")) != NULL) {
		const lh_node *e = at->u.attr.expr;
		if (e->kind == LH_AST_VAR && strcmp(e->u.var.name, "all") == 0) {
			lifecycle_of(cfg, r)->ignore_all = true;
			return;
		}
		if (e->kind != LH_AST_TUPLE) {
			derr(d, e->src, e->start, e->end, r->context, "Invalid ignore_changes",
			    "The ignore_changes argument must be a list of attribute names, or the keyword all.");
			return;
		}
		for (size_t i = 0; i < e->u.tuple.n; i++) {
			const lh_node *x = e->u.tuple.items[i];
			const char *nm = x->kind == LH_AST_VAR ? x->u.var.name : const_string(x);
			if (nm == NULL) {
				derr(d, x->src, x->start, x->end, r->context, "Invalid expression",
				    "A single static variable reference is required: only attribute access and indexing with constant keys. No calculations, function calls, template expressions, etc are allowed here.");
				continue;
			}
			if (x->kind != LH_AST_VAR) {
				lh_diag *w = lh_diag_add(d, LH_DIAG_WARNING, x->src, x->start, x->end,
				    "Quoted references are deprecated",
				    "In this context, references are expected literally rather than in quotes. Terraform 0.11 and earlier required quotes, but quoted references are now deprecated and will be removed in a future version of litehcl. Remove the quotes surrounding this reference to silence this warning.");
				w->context = r->context;
			}
			const lh_attr *a = r->schema ? lh_schema_attr(r->schema, nm) : NULL;
			if (r->schema != NULL && a == NULL) {
				const char *sug = lh_eval_suggest(nm, lh_schema_arg_names(cfg->a, r->schema));
				derr(d, x->src, x->start, x->end, r->context, "Unsupported attribute",
				    "This object has no argument, nested block, or exported attribute named \"%s\".%s%s%s",
				    nm, sug ? " Did you mean \"" : "", sug ? sug : "", sug ? "\"?" : "");
				continue;
			}
			lh_lifecycle *l = lifecycle_of(cfg, r);
			l->ignore = GROW1(cfg->a, l->ignore, l->nignore, sizeof *l->ignore);
			l->ignore[l->nignore++] = nm;
		}
	}
}

/* Terraform's error for a resource or data source type the provider lacks: the
 * provider as Terraform displays it (no registry.terraform.io/), then "Did you mean"
 * a close name, or the other kind of block when the type is one, or else (litehcl's
 * addition) the types there are. */
static void
unknown_type(lh_config *cfg, const lh_node *b, const lh_label *tl, bool data, lh_diags *d)
{
	const char *prov = cfg->provider_source ? cfg->provider_source : LH_DEFAULT_PROVIDER_SOURCE;
	if (strncmp(prov, "registry.terraform.io/", 22) == 0)
		prov += 22;
	const char *names[32];
	size_t n = 0;
	for (const lh_rtype *const *rt = lh_rtypes(); *rt != NULL && n + 1 < 32; rt++) {
		const lh_schema *sc = lh_schema_find((*rt)->type_name);
		if (!data || (sc != NULL && sc->data_keys != NULL))
			names[n++] = (*rt)->type_name;
	}
	names[n] = NULL;
	const lh_schema *other = data ? lh_schema_find(tl->text) : NULL;
	const char *sug = lh_eval_suggest(tl->text, names);
	lh_diag *g;
	if (other != NULL)
		g = derr(d, b->src, tl->start, tl->end, NULL, "Invalid data source",
		    "The provider %s does not support data source \"%s\".\n\nDid you intend to use the managed resource type \"%s\"? If so, declare this using a \"resource\" block instead of a \"data\" block.",
		    prov, tl->text, tl->text);
	else if (sug != NULL)
		g = derr(d, b->src, tl->start, tl->end, NULL, data ? "Invalid data source" : "Invalid resource type",
		    "The provider %s does not support %s \"%s\". Did you mean \"%s\"?",
		    prov, data ? "data source" : "resource type", tl->text, sug);
	else
		g = derr(d, b->src, tl->start, tl->end, NULL, data ? "Invalid data source" : "Invalid resource type",
		    "The provider %s does not support %s \"%s\". Supported %s: %s.",
		    prov, data ? "data source" : "resource type", tl->text,
		    data ? "data sources" : "resource types",
		    data ? lh_rtype_data_list_text() : lh_rtype_list_text());
	if (g != NULL)
		g->context = block_context(cfg->a, b);
}

static void
load_resource(lh_config *cfg, const lh_node *b, bool data, lh_diags *d)
{
	struct lh_config_priv *p = cfg->priv;
	if (!want_labels(b, 2, data ? "data" : "resource", d))
		return;
	const lh_label *tl = &b->u.block.labels[0], *nl = &b->u.block.labels[1];
	const lh_schema *s = lh_schema_find(tl->text);
	if (data && (s == NULL || s->data_keys == NULL)) {
		unknown_type(cfg, b, tl, true, d);
		return;
	}
	if (s == NULL) {
		unknown_type(cfg, b, tl, false, d);
		return;
	}
	if (!is_ident(nl->text)) {
		derr(d, b->src, nl->start, nl->end, NULL, "Invalid resource name",
		    "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.");
		return;
	}
	lh_resource *r = lh_arena_alloc(cfg->a, sizeof *r);
	r->type = tl->text;
	r->name = nl->text;
	r->data = data;
	r->addr = lh_arena_printf(cfg->a, "%s%s.%s", data ? "data." : "", r->type, r->name);
	r->schema = s;
	r->block = b;
	r->context = block_context(cfg->a, b);
	r->lifecycle = &no_lifecycle;
	long prev = find_res_idx(cfg, r->addr);
	if (prev >= 0) {
		derr(d, b->src, b->u.block.type_start, header_end(b), NULL,
		    lh_arena_printf(cfg->a, "Duplicate %s \"%s\" configuration", data ? "data" : "resource", r->type),
		    "A %s %s named \"%s\" was already declared at %s. Resource names must be unique per type in each module.",
		    r->type, data ? "data resource" : "resource", r->name, decl_pos(cfg->a, p->decl[prev]->block));
		return;
	}
	const lh_node *body = b->u.block.body;
	const lh_node *ca = body_attr(body, "count"), *fa = body_attr(body, "for_each");
	if (ca != NULL && fa != NULL) {
		derr(d, fa->src, fa->u.attr.name_start, fa->u.attr.name_end, r->context,
		    "Invalid combination of \"count\" and \"for_each\"",
		    "The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of resources to be created.");
		fa = NULL;
	}
	if (ca != NULL) {
		r->mode = LH_EXPAND_COUNT;
		r->count = ca->u.attr.expr;
	} else if (fa != NULL) {
		r->mode = LH_EXPAND_FOR_EACH;
		r->for_each = fa->u.attr.expr;
	}
	for (size_t i = 0; i < body->u.body.n; i++) {
		const lh_node *it = body->u.body.items[i];
		if (it->kind != LH_AST_BLOCK)
			continue;
		if (strcmp(it->u.block.type, "lifecycle") == 0) {
			parse_lifecycle(cfg, r, it, d);
			continue;
		}
		const char *sug = lh_eval_suggest(it->u.block.type, resource_blocks);
		derr(d, it->src, it->u.block.type_start, it->u.block.type_end, r->context, "Unsupported block type",
		    "Blocks of type \"%s\" are not expected here.%s%s%s", it->u.block.type,
		    sug ? " Did you mean \"" : "", sug ? sug : "", sug ? "\"?" : "");
	}
	if (p->ndecl == p->capdecl)
		decl_reserve(p, cfg->a, p->capdecl < 4 ? 8 : p->capdecl * 2);
	htab_put(p, cfg->a, r->addr, p->ndecl);
	p->decl[p->ndecl++] = r;
}

static void
load_import(lh_config *cfg, const lh_node *b, lh_diags *d)
{
	if (b->u.block.nlabels > 0) {
		derr(d, b->src, b->u.block.labels[0].start, header_end(b), NULL, "Extraneous label for import",
		    "No labels are expected for import blocks.");
		return;
	}
	check_body(cfg, b->u.block.body, import_attrs, NULL, "import", d);
	const lh_node *to = body_attr(b->u.block.body, "to"), *id = body_attr(b->u.block.body, "id");
	if (to == NULL || id == NULL) {
		derr(d, b->src, b->u.block.open, b->u.block.open + 1, "import", "Missing required argument",
		    "The argument \"%s\" is required, but no definition was found.", to == NULL ? "to" : "id");
		return;
	}
	lh_import *im = lh_arena_alloc(cfg->a, sizeof *im);
	im->block = b;
	const lh_node *te = to->u.attr.expr;
	const lh_node *fe = body_attr(b->u.block.body, "for_each");
	if (fe != NULL && te->kind == LH_AST_INDEX && !te->u.index.legacy &&
	    !node_addr(cfg->a, te, &im->to_addr, true) &&
	    node_addr(cfg->a, te->u.index.obj, &im->to_addr, false)) {
		/* to = TYPE.p[each.key]: the key is evaluated per element */
		im->for_each = fe->u.attr.expr;
		im->key_expr = te->u.index.key;
		im->to = lh_addr_format(cfg->a, &im->to_addr);
		cfg->imports = GROW1(cfg->a, cfg->imports, cfg->nimports, sizeof *cfg->imports);
		cfg->imports[cfg->nimports++] = im;
		return;
	}
	if (fe != NULL)
		im->for_each = fe->u.attr.expr;
	if (!node_addr(cfg->a, te, &im->to_addr, true)) {
		derr(d, te->src, te->start, te->end, "import", "Invalid import address",
		    "The \"to\" argument must be a resource instance address like %s.NAME or %s.NAME[\"KEY\"].",
		    example_type(), example_type());
		return;
	}
	im->to = lh_addr_format(cfg->a, &im->to_addr);
	cfg->imports = GROW1(cfg->a, cfg->imports, cfg->nimports, sizeof *cfg->imports);
	cfg->imports[cfg->nimports++] = im;
}

/* moved { from = ADDR  to = ADDR } */
static void
load_moved(lh_config *cfg, const lh_node *b, lh_diags *d)
{
	if (b->u.block.nlabels > 0) {
		derr(d, b->src, b->u.block.labels[0].start, header_end(b), NULL, "Extraneous label for moved",
		    "No labels are expected for moved blocks.");
		return;
	}
	check_body(cfg, b->u.block.body, moved_attrs, NULL, "moved", d);
	const lh_node *fa = body_attr(b->u.block.body, "from"), *ta = body_attr(b->u.block.body, "to");
	if (fa == NULL || ta == NULL) {
		derr(d, b->src, b->u.block.open, b->u.block.open + 1, "moved", "Missing required argument",
		    "The argument \"%s\" is required, but no definition was found.", fa == NULL ? "from" : "to");
		return;
	}
	lh_moved *m = lh_arena_alloc(cfg->a, sizeof *m);
	m->block = b;
	const lh_node *fe = fa->u.attr.expr, *te = ta->u.attr.expr;
	if (!node_addr(cfg->a, fe, &m->from, true) || !node_addr(cfg->a, te, &m->to, true)) {
		const lh_node *e = !node_addr(cfg->a, fe, &m->from, true) ? fe : te;
		derr(d, e->src, e->start, e->end, "moved", "Invalid address",
		    "A moved block's from and to must be resource addresses like %s.NAME or "
		    "resource instance addresses like %s.NAME[\"KEY\"].", example_type(), example_type());
		return;
	}
	if (strcmp(m->from.type, m->to.type) != 0) {
		derr(d, b->src, b->u.block.type_start, header_end(b), NULL, "Resource type mismatch",
		    "This statement declares a move from %s to %s, which is a resource of a "
		    "different type.", lh_addr_format(cfg->a, &m->from), lh_addr_format(cfg->a, &m->to));
		return;
	}
	for (size_t i = 0; i < cfg->nmoved; i++) {
		const lh_moved *o = cfg->moved[i];
		if (lh_addr_equal(&o->to, &m->to) && !lh_addr_equal(&o->from, &m->from)) {
			derr(d, b->src, b->u.block.type_start, header_end(b), NULL, "Ambiguous move statements",
			    "A statement at %s declared that %s moved to %s, but this statement instead "
			    "declares that %s moved there.\n\nEach resource can have moved from only one "
			    "source resource.", pos_text(cfg->a, o->block->src, o->block->u.block.type_start,
			    header_end(o->block)), lh_addr_format(cfg->a, &o->from),
			    lh_addr_format(cfg->a, &o->to), lh_addr_format(cfg->a, &m->from));
			return;
		}
		if (lh_addr_equal(&o->from, &m->from) && !lh_addr_equal(&o->to, &m->to)) {
			derr(d, b->src, b->u.block.type_start, header_end(b), NULL, "Ambiguous move statements",
			    "A statement at %s declared that %s moved to %s, but this statement instead "
			    "declares that it moved to %s.\n\nEach resource can move to only one "
			    "destination resource.", pos_text(cfg->a, o->block->src,
			    o->block->u.block.type_start, header_end(o->block)),
			    lh_addr_format(cfg->a, &o->from), lh_addr_format(cfg->a, &o->to),
			    lh_addr_format(cfg->a, &m->to));
			return;
		}
	}
	cfg->moved = GROW1(cfg->a, cfg->moved, cfg->nmoved, sizeof *cfg->moved);
	cfg->moved[cfg->nmoved++] = m;
}

/* check "NAME" { assert { condition = ...  error_message = ... } ... } */
static void
load_check(lh_config *cfg, const lh_node *b, lh_diags *d)
{
	struct lh_config_priv *p = cfg->priv;
	if (!want_labels(b, 1, "check", d))
		return;
	const char *name = b->u.block.labels[0].text;
	const char *ctx = block_context(cfg->a, b);
	for (size_t i = 0; i < p->nchecks; i++)
		if (strcmp(p->checks[i]->u.block.labels[0].text, name) == 0) {
			derr(d, b->src, b->u.block.type_start, header_end(b), NULL,
			    lh_arena_printf(cfg->a, "Duplicate check \"%s\" configuration", name),
			    "A check block named \"%s\" was already declared at %s. Check blocks must be unique within each module.",
			    name, decl_pos(cfg->a, p->checks[i]));
			return;
		}
	static const char *const blocks[] = {"assert", "data", NULL};
	const lh_node *body = b->u.block.body;
	bool ok = check_body(cfg, body, NULL, blocks, ctx, d);
	size_t nassert = 0;
	for (size_t i = 0; i < body->u.body.n; i++) {
		const lh_node *it = body->u.body.items[i];
		if (it->kind == LH_AST_BLOCK && strcmp(it->u.block.type, "data") == 0) {
			/* a scoped data source (Terraform 1.5): read like any other, its
			 * problems reported as warnings of the check */
			size_t before = p->ndecl;
			load_resource(cfg, it, true, d);
			if (p->ndecl > before)
				p->decl[p->ndecl - 1]->check = name;
			continue;
		}
		if (it->kind != LH_AST_BLOCK || strcmp(it->u.block.type, "assert") != 0)
			continue;
		nassert++;
		if (!load_condition(cfg, it, ctx, "assert", d))
			ok = false;
	}
	if (nassert == 0) {
		derr(d, b->src, b->u.block.type_start, header_end(b), NULL, "Zero assert blocks",
		    "Check blocks must have at least one assert block.");
		ok = false;
	}
	if (!ok)
		return;
	p->checks = GROW1(cfg->a, p->checks, p->nchecks, sizeof *p->checks);
	p->checks[p->nchecks++] = b;
}

/* removed { from = ADDR  lifecycle { destroy = BOOL } } */
static void
load_removed(lh_config *cfg, const lh_node *b, lh_diags *d)
{
	if (b->u.block.nlabels > 0) {
		derr(d, b->src, b->u.block.labels[0].start, header_end(b), NULL, "Extraneous label for removed",
		    "No labels are expected for removed blocks.");
		return;
	}
	static const char *const blocks[] = {"lifecycle", NULL};
	check_body(cfg, b->u.block.body, removed_attrs, blocks, "removed", d);
	const lh_node *fa = body_attr(b->u.block.body, "from");
	if (fa == NULL) {
		derr(d, b->src, b->u.block.open, b->u.block.open + 1, "removed", "Missing required argument",
		    "The argument \"from\" is required, but no definition was found.");
		return;
	}
	lh_removed *rm = lh_arena_alloc(cfg->a, sizeof *rm);
	rm->block = b;
	rm->destroy = true;
	const lh_node *fe = fa->u.attr.expr;
	if (!node_addr(cfg->a, fe, &rm->from, true)) {
		derr(d, fe->src, fe->start, fe->end, "removed", "Invalid address",
		    "The removed block's from must be a resource address like %s.NAME.", example_type());
		return;
	}
	if (rm->from.kind != LH_KEY_NONE) {
		derr(d, fe->src, fe->start, fe->end, "removed", "Resource instance keys not allowed",
		    "Resource address must be a resource (e.g. \"test.name\"), not a resource instance "
		    "(e.g. \"test.name[1]\").");
		return;
	}
	for (size_t i = 0; i < b->u.block.body->u.body.n; i++) {
		const lh_node *lb = b->u.block.body->u.body.items[i];
		if (lb->kind != LH_AST_BLOCK || strcmp(lb->u.block.type, "lifecycle") != 0)
			continue;
		static const char *const la[] = {"destroy", NULL};
		check_body(cfg, lb->u.block.body, la, NULL, "removed", d);
		const lh_node *at = body_attr(lb->u.block.body, "destroy");
		if (at != NULL)
			literal_bool(cfg, at, "removed", d, &rm->destroy);
	}
	cfg->removed = GROW1(cfg->a, cfg->removed, cfg->nremoved, sizeof *cfg->removed);
	cfg->removed[cfg->nremoved++] = rm;
}

static bool
var_declared(const char *name, void *ctx)
{
	return find_var(ctx, name) >= 0;
}

/* ---- asking for a required variable on a terminal (Terraform's -input) ---- */

static bool s_input = false;
static bool s_missing_imports_ok = false;

void
lh_config_set_missing_imports_ok(bool on)
{
	s_missing_imports_ok = on;
}

void
lh_config_set_input(bool on)
{
	s_input = on;
}

/* Asks for var.NAME as Terraform does ("var.NAME", its description, "Enter a value:")
 * when input is allowed - also when stdin is not a terminal: Terraform reads a line
 * from a pipe as well (echo value | litehcl plan).  The answer without its trailing
 * white space, or NULL at the end of input (also after a last line without its
 * newline: Terraform takes that for no answer). */
static const char *
prompt_var(lh_config *cfg, const lh_variable *v)
{
	if (!s_input)
		return NULL;
	/* TF_INPUT=0 (or false, f, F, FALSE, False) is -input=false, as Terraform reads it */
	const char *env = getenv("TF_INPUT");
	static const char *const no[] = {"0", "f", "F", "false", "FALSE", "False"};
	for (size_t i = 0; env != NULL && i < sizeof no / sizeof no[0]; i++)
		if (strcmp(env, no[i]) == 0)
			return NULL;
	printf("var.%s\n", v->name);
	if (v->description != NULL && *v->description)
		printf("  %s\n\n", v->description);
	printf("  Enter a value: ");
	fflush(stdout);
	/* a secret is not echoed */
	struct termios old, quiet;
	bool hide = (v->sensitive || v->ephemeral) && tcgetattr(STDIN_FILENO, &old) == 0;
	if (hide) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len = getline(&line, &cap, stdin);
	if (hide) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stdout);
	}
	if (len <= 0 || line[len - 1] != '\n') {
		fflush(stdout);
		free(line);
		return NULL;
	}
	fputc('\n', stdout);
	while (len > 0 && strchr(" \t\r\n\v\f", line[len - 1]) != NULL)
		line[--len] = '\0';
	const char *ans = lh_arena_strdup(cfg->a, line);
	free(line);
	return ans;
}

/* The value of a variable given as raw text (environment, -var). */
static lh_value *
raw_value(lh_config *cfg, lh_variable *v, const lh_var_assign *as, lh_diags *d)
{
	const lh_type *t = v->type;
	if (t->kind == LH_TY_STRING || t->kind == LH_TY_NUMBER || t->kind == LH_TY_BOOL ||
	    t->kind == LH_TY_DYNAMIC)
		return lh_val_cstr(cfg->a, as->raw);
	const char *name = as->from == LH_VSRC_ENV ?
	    lh_arena_printf(cfg->a, "<value for var.%s>", v->name) : lh_arena_printf(cfg->a, "<value for var.%s>", v->name);
	lh_source *src = lh_source_from_mem(cfg->a, name, as->raw, strlen(as->raw));
	lh_node *e = lh_parse_expr(cfg->a, src, d);
	if (e == NULL)
		return NULL;
	lh_eval ev;
	scope sc = {0};
	scope_eval(&ev, cfg, &sc, d, NULL);
	sc.tfvars = true;
	ev.no_functions = true;
	return lh_eval_expr(&ev, e);
}

/* v is required and nothing gives it a value (what prompt_var asks for). */
static bool
unset_required(const lh_config *cfg, const lh_variable *v, const lh_var_assign *as, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (strcmp(as[k].name, v->name) == 0)
			return false;
	return (cfg->priv->planned == NULL ||
	    cJSON_GetObjectItemCaseSensitive(cfg->priv->planned, v->name) == NULL) &&
	    v->def == NULL && !cfg->priv->validate_only &&
	    body_attr(v->block->u.block.body, "default") == NULL;
}

static void
eval_variables(lh_config *cfg, const lh_var_input *vin, size_t nin, lh_diags *d)
{
	/* Terraform's validate reads no tfvars files and no TF_VAR_ environment: a
	 * variable without a default (or a -var, which litehcl's validate takes) is
	 * unknown then.  (Terraform makes defaults unknown too; litehcl checks them.) */
	size_t n = 0;
	lh_var_assign *as = lh_vars_collect(cfg->a, cfg->priv->validate_only ? NULL : cfg->dir,
	    vin, nin, var_declared, cfg, d, &n);
	/* the required variables without a value are asked for first, by name (Terraform's
	 * order), before any of them is checked */
	const char **answers = NULL;
	for (size_t i = 0; s_input && i < cfg->nvariables; i++) {
		lh_variable *v = cfg->variables[i];
		if (!unset_required(cfg, v, as, n))
			continue;
		if (answers == NULL)
			answers = lh_arena_alloc(cfg->a, cfg->nvariables * sizeof *answers);
		answers[i] = v->name;	/* to ask */
	}
	while (answers != NULL) {
		size_t first = cfg->nvariables;
		for (size_t i = 0; i < cfg->nvariables; i++)
			if (answers[i] == cfg->variables[i]->name && (first == cfg->nvariables ||
			    strcmp(cfg->variables[i]->name, cfg->variables[first]->name) < 0))
				first = i;
		if (first == cfg->nvariables)
			break;
		answers[first] = prompt_var(cfg, cfg->variables[first]);
	}
	for (size_t i = 0; i < cfg->nvariables; i++) {
		lh_variable *v = cfg->variables[i];
		const lh_var_assign *last = NULL;
		for (size_t k = 0; k < n; k++)
			if (strcmp(as[k].name, v->name) == 0)
				last = &as[k];
		const lh_node *b = v->block;
		lh_value *val = NULL;
		const cJSON *pv = cfg->priv->planned != NULL ?
		    cJSON_GetObjectItemCaseSensitive(cfg->priv->planned, v->name) : NULL;
		lh_var_assign asked;
		if (answers != NULL && answers[i] != NULL) {
			const char *ans = answers[i];
			if (ans != NULL) {
				memset(&asked, 0, sizeof asked);
				asked.name = v->name;
				asked.from = LH_VSRC_CLI;
				asked.raw = ans;
				last = &asked;
			}
		}
		if (pv != NULL) {
			/* apply PLANFILE: the value the plan was made with, whatever the
			 * environment or tfvars say now (as Terraform) */
			const char *err = NULL;
			const char *ts = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(pv, "type"));
			const lh_type *pt = ts != NULL ? lh_type_parse(cfg->a, ts, &err) : NULL;
			lh_value *raw = lh_val_from_cjson(cfg->a, cJSON_GetObjectItemCaseSensitive(pv, "value"));
			lh_value *c = raw != NULL && pt != NULL ? lh_val_convert(cfg->a, raw, pt, &err) : NULL;
			if (c != NULL)
				c = lh_val_convert(cfg->a, c, v->type, &err);
			if (c == NULL) {
				derr(d, b->src, b->u.block.type_start, header_end(b), NULL,
				    "Invalid plan file", "The saved plan's value for var.%s cannot be used "
				    "with this configuration: %s.", v->name, err ? err : "incorrect type");
				v->value = lh_val_unknown(cfg->a, v->type);
				continue;
			}
			v->value = c;
			continue;
		}
		if (last != NULL) {
			val = last->value ? last->value : raw_value(cfg, v, last, d);
			if (val == NULL) {
				v->value = lh_val_unknown(cfg->a, v->type);
				continue;
			}
			const char *err = NULL;
			lh_value *c = lh_val_convert(cfg->a, val, v->type, &err);
			/* as Terraform: a value from a file points at the file, one from
			 * -var, TF_VAR_ or the prompt at the declaration, naming the source */
			const char *from = last == &asked ? "set using an interactive prompt" :
			    last->from == LH_VSRC_CLI ? lh_arena_printf(cfg->a, "set using -var=\"%s=...\"", v->name) :
			    last->from == LH_VSRC_ENV ? lh_arena_printf(cfg->a, "set using the TF_VAR_%s environment variable", v->name) :
			    NULL;
			if (c == NULL) {
				if (from != NULL)
					derr(d, b->src, b->u.block.type_start, header_end(b), NULL,
					    "Invalid value for input variable", "Unsuitable value for var.%s %s: %s.",
					    v->name, from, err ? err : "incorrect type");
				else
					derr(d, last->src, last->start, last->end, NULL, "Invalid value for input variable",
					    "The given value is not suitable for var.%s declared at %s: %s.", v->name,
					    decl_pos(cfg->a, b), err ? err : "incorrect type");
				v->value = lh_val_unknown(cfg->a, v->type);
				continue;
			}
			val = c;
			if (lh_val_is_null(val) && !v->nullable) {
				if (v->def != NULL) {
					val = v->def;
				} else if (from == NULL) {
					derr(d, last->src, last->start, last->end, NULL, "Required variable not set",
					    "The given value is not suitable for var.%s defined at %s: required variable may not be set to null.",
					    v->name, decl_pos(cfg->a, b));
					v->value = lh_val_unknown(cfg->a, v->type);
					continue;
				} else {
					derr(d, b->src, b->u.block.type_start, header_end(b), NULL, "Required variable not set",
					    "Unsuitable value for var.%s %s: required variable may not be set to null.", v->name,
					    from != NULL ? from : "set from outside of the configuration");
					v->value = lh_val_unknown(cfg->a, v->type);
					continue;
				}
			}
		} else if (v->def != NULL) {
			val = v->def;
		} else if (body_attr(b->u.block.body, "default") != NULL && v->nullable) {
			val = lh_val_null(cfg->a, v->type);
		} else if (cfg->priv->validate_only) {
			v->value = lh_val_unknown(cfg->a, v->type);
			continue;
		} else {
			derr(d, b->src, b->u.block.type_start, header_end(b), NULL, "No value for required variable",
			    "The root module input variable \"%s\" is not set, and has no default value. Use a -var or -var-file command line argument to provide a value for this variable.", v->name);
			v->value = lh_val_unknown(cfg->a, v->type);
			continue;
		}
		v->value = v->sensitive ? lh_val_mark_sensitive(cfg->a, val) : val;
	}
}

/* Validation rules run once every variable has its value. */
static void
check_validations(lh_config *cfg, lh_diags *d)
{
	for (size_t i = 0; i < cfg->nvariables; i++) {
		lh_variable *v = cfg->variables[i];
		const lh_node *body = v->block->u.block.body;
		const char *ctx = block_context(cfg->a, v->block);
		for (size_t k = 0; k < body->u.body.n; k++) {
			const lh_node *vb = body->u.body.items[k];
			if (vb->kind != LH_AST_BLOCK || strcmp(vb->u.block.type, "validation") != 0)
				continue;
			const lh_node *ca = body_attr(vb->u.block.body, "condition");
			const lh_node *ma = body_attr(vb->u.block.body, "error_message");
			if (ca == NULL || ma == NULL)
				continue;
			lh_eval ev;
			scope sc = {0};
			scope_eval(&ev, cfg, &sc, d, ctx);
			lh_value *c = lh_eval_expr(&ev, ca->u.attr.expr);
			if (c == NULL)
				continue;
			const char *err = NULL;
			lh_value *bv = lh_val_convert(cfg->a, c, &lh_type_bool, &err);
			if (bv == NULL || (lh_val_is_null(bv) && !lh_val_is_unknown(bv))) {
				derr(d, ca->u.attr.expr->src, ca->u.attr.expr->start, ca->u.attr.expr->end, ctx,
				    "Invalid validation result",
				    bv == NULL ? "Invalid validation condition result value: a bool is required." :
				    "Invalid validation condition result value: the result must not be null.");
				continue;
			}
			if (lh_val_is_unknown(bv) || bv->u.b)
				continue;
			lh_value *m = lh_eval_expr_as(&ev, ma->u.attr.expr, &lh_type_string);
			const char *msg = "(error message could not be evaluated)";
			if (m != NULL && !lh_val_is_null(m) && !lh_val_is_unknown(m))
				msg = lh_val_is_sensitive(m) ? "The error message included a sensitive value, so it will not be displayed." : m->u.str.s;
			lh_diag *g = derr(d, v->block->src, v->block->u.block.type_start, header_end(v->block), NULL,
			    "Invalid value for variable", "%s\n\nThis was checked by the validation rule at %s.",
			    msg, pos_text(cfg->a, vb->src, vb->u.block.type_start, header_end(vb)));
			lh_eval_diag_values(&ev, g, ca->u.attr.expr);
		}
	}
}

/* Collects resource dependencies and orders resources (dependencies first). */
static void
order_resources(lh_config *cfg, lh_diags *d)
{
	struct lh_config_priv *p = cfg->priv;
	for (size_t i = 0; i < p->ndecl; i++) {
		lh_resource *r = p->decl[i];
		depcol c = {.cfg = cfg, .self = r};
		lh_eval_walk_refs(r->block->u.block.body, dep_ref, &c);
		const lh_node *da = body_attr(r->block->u.block.body, "depends_on");
		if (da != NULL) {
			const lh_node *e = da->u.attr.expr;
			if (e->kind != LH_AST_TUPLE) {
				derr(d, e->src, e->start, e->end, r->context, "Invalid depends_on reference",
				    "The depends_on argument must be a list of references to resources.");
			} else {
				for (size_t k = 0; k < e->u.tuple.n; k++) {
					const lh_node *x = e->u.tuple.items[k];
					lh_addr ad;
					lh_resource *t = NULL;
					const lh_node *dx = x->kind == LH_AST_INDEX ? x->u.index.obj : x;
					if (dx->kind == LH_AST_GETATTR && dx->u.getattr.obj->kind == LH_AST_GETATTR &&
					    dx->u.getattr.obj->u.getattr.obj->kind == LH_AST_VAR &&
					    strcmp(dx->u.getattr.obj->u.getattr.obj->u.var.name, "data") == 0)
						t = lh_config_data(cfg, dx->u.getattr.obj->u.getattr.name,
						    dx->u.getattr.name);
					else if (node_addr(cfg->a, x, &ad, true))
						t = lh_config_resource(cfg, ad.type, ad.name);
					if (t == NULL) {
						derr(d, x->src, x->start, x->end, r->context, "Invalid depends_on reference",
						    "References in depends_on must be to a whole object (resource, etc), not to an attribute of an object, and the object must be declared in this configuration.");
						continue;
					}
					if (t != r) {
						dep_add(&c, t->addr);
						r->depends_on = GROW1(cfg->a, r->depends_on, r->ndepends_on,
						    sizeof *r->depends_on);
						r->depends_on[r->ndepends_on++] = t->addr;
					}
				}
			}
		}
		if (c.n > 1)
			qsort(c.v, c.n, sizeof *c.v, cmp_str);
		r->deps = c.v;
		r->ndeps = c.n;
	}
	/* depth-first topological sort, declaration order among equals */
	cfg->resources = lh_arena_alloc(cfg->a, (p->ndecl ? p->ndecl : 1) * sizeof *cfg->resources);
	cfg->nresources = 0;
	/* (the walk's own, given back after it: 10,000 blocks 160 KB) */
	size_t *stack = malloc((p->ndecl + 1) * sizeof *stack);
	size_t *edge = malloc((p->ndecl + 1) * sizeof *edge);
	if (stack == NULL || edge == NULL)
		abort();
	for (size_t i = 0; i < p->ndecl; i++) {
		if (p->rp[i].topo != 0)
			continue;
		size_t sp = 0;
		stack[sp] = i;
		edge[sp] = 0;
		sp++;
		p->rp[i].topo = 1;
		while (sp > 0) {
			size_t cur = stack[sp - 1];
			lh_resource *r = p->decl[cur];
			if (edge[sp - 1] < r->ndeps) {
				long nx = find_res_idx(cfg, r->deps[edge[sp - 1]++]);
				if (nx < 0)
					continue;
				if (p->rp[nx].topo == 1) {
					/* a cycle: the stack from nx to cur */
					char chain[2048] = "";
					size_t from = 0;
					for (size_t k = 0; k < sp; k++)
						if (stack[k] == (size_t)nx)
							from = k;
					for (size_t k = from; k < sp; k++) {
						if (k > from)
							strncat(chain, ", ", sizeof chain - strlen(chain) - 1);
						strncat(chain, p->decl[stack[k]]->addr, sizeof chain - strlen(chain) - 1);
					}
					const lh_node *b = p->decl[nx]->block;
					derr(d, b->src, b->u.block.type_start, header_end(b), NULL,
					    lh_arena_printf(cfg->a, "Cycle: %s", chain),
					    "These resources refer to each other, so none of them can be planned first. Remove one of the references.");
					continue;
				}
				if (p->rp[nx].topo == 0) {
					p->rp[nx].topo = 1;
					stack[sp] = (size_t)nx;
					edge[sp] = 0;
					sp++;
				}
				continue;
			}
			p->rp[cur].topo = 2;
			cfg->resources[cfg->nresources++] = r;
			sp--;
		}
	}
	free(stack);
	free(edge);
}

static const char *const top_blocks[] = {"terraform", "provider", "variable", "locals",
	"output", "resource", "data", "import", "moved", "removed", "check", NULL};

lh_config *
lh_config_load(lh_arena *a, const char *dir, const lh_var_input *vars, size_t nvars,
    lh_diags *d)
{
	return lh_config_load_opts(a, dir, vars, nvars, false, d);
}

static lh_config *config_load(lh_arena *a, const char *dir, const lh_var_input *vars,
    size_t nvars, bool validate_only, const cJSON *planned, lh_diags *d);

lh_config *
lh_config_load_opts(lh_arena *a, const char *dir, const lh_var_input *vars, size_t nvars,
    bool validate_only, lh_diags *d)
{
	return config_load(a, dir, vars, nvars, validate_only, NULL, d);
}

lh_config *
lh_config_load_planned(lh_arena *a, const char *dir, const lh_var_input *vars,
    size_t nvars, const cJSON *planned, lh_diags *d)
{
	return config_load(a, dir, vars, nvars, false, planned, d);
}

/* ---- override files ---------------------------------------------------------- */

/* override.tf, override.tf.json, *_override.tf, *_override.tf.json */
static bool
is_override_file(const char *n)
{
	return strcmp(n, "override.tf") == 0 || strcmp(n, "override.tf.json") == 0 ||
	    has_suffix(n, "_override.tf") || has_suffix(n, "_override.tf.json");
}

static bool
same_header(const lh_node *x, const lh_node *y)
{
	if (strcmp(x->u.block.type, y->u.block.type) != 0 || x->u.block.nlabels != y->u.block.nlabels)
		return false;
	for (size_t i = 0; i < x->u.block.nlabels; i++)
		if (strcmp(x->u.block.labels[i].text, y->u.block.labels[i].text) != 0)
			return false;
	return true;
}

/* The provider block's alias, or NULL. */
static const char *
provider_alias(const lh_node *b)
{
	const lh_node *body = b->u.block.body;
	for (size_t i = 0; i < body->u.body.n; i++) {
		const lh_node *it = body->u.body.items[i];
		if (it->kind == LH_AST_ATTR && strcmp(it->u.attr.name, "alias") == 0)
			return const_string(it->u.attr.expr);
	}
	return NULL;
}

/* A copy of body with ov merged in as Terraform merges an override block: each
 * argument replaces the one of the same name (or is added); each nested block type
 * replaces all the base's blocks of that type - except a resource's lifecycle, merged
 * argument by argument. */
static lh_node *
merge_body(lh_arena *a, const lh_node *base, const lh_node *ov, bool merge_lifecycle)
{
	size_t cap = base->u.body.n + ov->u.body.n, n = 0;
	lh_node **items = lh_arena_alloc(a, (cap ? cap : 1) * sizeof *items);
	for (size_t i = 0; i < base->u.body.n; i++) {
		lh_node *it = base->u.body.items[i];
		bool replaced = false;
		for (size_t k = 0; k < ov->u.body.n && !replaced; k++) {
			const lh_node *o = ov->u.body.items[k];
			if (it->kind == LH_AST_BLOCK && o->kind == LH_AST_BLOCK &&
			    strcmp(it->u.block.type, o->u.block.type) == 0 &&
			    !(merge_lifecycle && strcmp(o->u.block.type, "lifecycle") == 0))
				replaced = true;	/* dropped: the override's blocks follow */
		}
		if (!replaced)
			items[n++] = it;
	}
	for (size_t k = 0; k < ov->u.body.n; k++) {
		lh_node *o = ov->u.body.items[k];
		size_t j;
		if (o->kind == LH_AST_ATTR) {
			for (j = 0; j < n; j++)
				if (items[j]->kind == LH_AST_ATTR && strcmp(items[j]->u.attr.name, o->u.attr.name) == 0)
					break;
			items[j == n ? n++ : j] = o;
			continue;
		}
		if (merge_lifecycle && strcmp(o->u.block.type, "lifecycle") == 0) {
			for (j = 0; j < n; j++)
				if (items[j]->kind == LH_AST_BLOCK && strcmp(items[j]->u.block.type, "lifecycle") == 0)
					break;
			if (j < n) {
				lh_node *m = lh_arena_alloc(a, sizeof *m);
				*m = *items[j];
				m->u.block.body = merge_body(a, items[j]->u.block.body, o->u.block.body, false);
				items[j] = m;
				continue;
			}
		}
		items[n++] = o;
	}
	lh_node *b = lh_arena_alloc(a, sizeof *b);
	*b = *base;
	b->u.body.items = items;
	b->u.body.n = n;
	return b;
}

/* Merges the override file bodies (bodies[f] for override files, in name order) into
 * the primary ones, as Terraform does; the override bodies are then set to NULL. */
static void
apply_overrides(lh_arena *a, const char **names, lh_node **bodies, size_t nn, lh_diags *d)
{
	/* primary files first, whatever the names' order; overrides only apply to them */
	lh_node **ovs = lh_arena_alloc(a, (nn ? nn : 1) * sizeof *ovs);
	for (size_t f = 0; f < nn; f++) {
		ovs[f] = bodies[f] != NULL && is_override_file(names[f]) ? bodies[f] : NULL;
		if (ovs[f] != NULL)
			bodies[f] = NULL;
	}
	for (size_t f = 0; f < nn; f++) {
		lh_node *ob = ovs[f];
		if (ob == NULL)
			continue;
		for (size_t i = 0; i < ob->u.body.n; i++) {
			lh_node *o = ob->u.body.items[i];
			if (o->kind != LH_AST_BLOCK) {
				derr(d, o->src, o->u.attr.name_start, o->u.attr.name_end, NULL, "Unsupported argument",
				    "An argument named \"%s\" is not expected here.", o->u.attr.name);
				continue;
			}
			const char *t = o->u.block.type;
			bool found = false;
			if (strcmp(t, "locals") == 0) {
				/* each local value is overridden by name, wherever it is defined */
				const lh_node *obody = o->u.block.body;
				for (size_t k = 0; k < obody->u.body.n; k++) {
					lh_node *oa = obody->u.body.items[k];
					if (oa->kind != LH_AST_ATTR)
						continue;
					bool hit = false;
					for (size_t g = 0; g < nn && !hit; g++)
						for (size_t j = 0; bodies[g] && j < bodies[g]->u.body.n && !hit; j++) {
							lh_node *bl = bodies[g]->u.body.items[j];
							if (bl->kind != LH_AST_BLOCK || strcmp(bl->u.block.type, "locals") != 0)
								continue;
							const lh_node *bb = bl->u.block.body;
							for (size_t q = 0; q < bb->u.body.n; q++)
								if (bb->u.body.items[q]->kind == LH_AST_ATTR &&
								    strcmp(bb->u.body.items[q]->u.attr.name, oa->u.attr.name) == 0) {
									lh_node *one = lh_arena_alloc(a, sizeof *one);
									*one = *bb;
									one->u.body.items = &obody->u.body.items[k];
									one->u.body.n = 1;
									lh_node *m = lh_arena_alloc(a, sizeof *m);
									*m = *bl;
									m->u.block.body = merge_body(a, bb, one, false);
									bodies[g]->u.body.items[j] = m;
									hit = true;
									break;
								}
						}
					if (!hit)
						derr(d, oa->src, oa->u.attr.name_start, oa->u.attr.name_end, "locals",
						    "Missing base local value definition to override",
						    "There is no local value named \"%s\". An override file can only override a local value that was already defined in a primary configuration file.",
						    oa->u.attr.name);
				}
				continue;
			}
			for (size_t g = 0; g < nn && !found; g++)
				for (size_t j = 0; bodies[g] && j < bodies[g]->u.body.n && !found; j++) {
					lh_node *bl = bodies[g]->u.body.items[j];
					if (bl->kind != LH_AST_BLOCK || !same_header(bl, o))
						continue;
					if (strcmp(t, "provider") == 0) {
						const char *x = provider_alias(bl), *y = provider_alias(o);
						if ((x == NULL) != (y == NULL) || (x && y && strcmp(x, y) != 0))
							continue;
					}
					lh_node *m = lh_arena_alloc(a, sizeof *m);
					*m = *bl;
					m->u.block.body = merge_body(a, bl->u.block.body, o->u.block.body,
					    strcmp(t, "resource") == 0);
					bodies[g]->u.body.items[j] = m;
					found = true;
				}
			if (found)
				continue;
			const char *l0 = o->u.block.nlabels > 0 ? o->u.block.labels[0].text : "";
			const char *l1 = o->u.block.nlabels > 1 ? o->u.block.labels[1].text : "";
			uint32_t hs = o->u.block.type_start, he = header_end(o);
			if (strcmp(t, "resource") == 0)
				derr(d, o->src, hs, he, NULL, "Missing resource to override",
				    "There is no %s resource named \"%s\". An override file can only override a resource block defined in a primary configuration file.", l0, l1);
			else if (strcmp(t, "variable") == 0)
				derr(d, o->src, hs, he, NULL, "Missing base variable declaration to override",
				    "There is no variable named \"%s\". An override file can only override a variable that was already declared in a primary configuration file.", l0);
			else if (strcmp(t, "output") == 0)
				derr(d, o->src, hs, he, NULL, "Missing base output definition to override",
				    "There is no output named \"%s\". An override file can only override an output that was already defined in a primary configuration file.", l0);
			else if (strcmp(t, "provider") == 0)
				derr(d, o->src, hs, he, NULL, "Missing base provider configuration for override",
				    "There is no %s provider configuration with the alias \"%s\". An override file can only override an aliased provider configuration that was already defined in a primary configuration file.",
				    l0, provider_alias(o) ? provider_alias(o) : "");
			else if (strcmp(t, "terraform") == 0) {
				/* no base terraform block: the override's stands alone */
				lh_node *nb = lh_arena_alloc(a, sizeof *nb);
				*nb = *ob;
				nb->u.body.items = &ob->u.body.items[i];
				nb->u.body.n = 1;
				bodies[f] = nb;
			} else
				derr(d, o->src, hs, he, NULL, "Unsupported block type",
				    "Blocks of type \"%s\" are not expected here.", t);
		}
	}
}

static lh_config *
config_load(lh_arena *a, const char *dir, const lh_var_input *vars, size_t nvars,
    bool validate_only, const cJSON *planned, lh_diags *d)
{
	DIR *dh = opendir(dir);
	if (dh == NULL) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to read module directory",
		    "Module directory %s does not exist or cannot be read.", dir);
		return NULL;
	}
	const char **names = NULL;
	size_t nn = 0;
	struct dirent *de;
	while ((de = readdir(dh)) != NULL) {
		const char *n = de->d_name;
		if (n[0] == '.' || n[0] == '~' || n[0] == '#' ||
		    (!has_suffix(n, ".tf") && !has_suffix(n, ".tf.json")))
			continue;
		names = GROW1(a, names, nn, sizeof *names);
		names[nn++] = lh_arena_strdup(a, n);
	}
	closedir(dh);
	if (nn > 1)
		qsort(names, nn, sizeof *names, cmp_str);
	lh_config *cfg = lh_arena_alloc(a, sizeof *cfg);
	cfg->a = a;
	cfg->dir = lh_arena_strdup(a, dir);
	cfg->priv = lh_arena_alloc(a, sizeof *cfg->priv);
	struct lh_config_priv *p = cfg->priv;
	p->d = d;
	p->epoch = 1;
	p->validate_only = validate_only;
	p->long_a = a;
	p->planned = planned;
	char cwd[4096];
	p->cwd = lh_arena_strdup(a, getcwd(cwd, sizeof cwd) ? cwd : ".");
	if (strcmp(dir, ".") != 0 && dir[0] != '/')
		p->cwd = lh_arena_printf(a, "%s/%s", p->cwd, dir);
	else if (dir[0] == '/')
		p->cwd = cfg->dir;
	int before = d->errors;
	lh_node **bodies = lh_arena_alloc(a, (nn ? nn : 1) * sizeof *bodies);
	cfg->files = lh_arena_alloc(a, (nn ? nn : 1) * sizeof *cfg->files);
	for (size_t i = 0; i < nn; i++) {
		const char *path = strcmp(dir, ".") == 0 ? names[i] : lh_arena_printf(a, "%s/%s", dir, names[i]);
		lh_source *src = lh_source_load(a, path, path, d);
		if (src == NULL)
			continue;
		cfg->files[cfg->nfiles++] = src;
		cfg->backend_block |= has_suffix(names[i], ".json");
		src->lasting = !has_suffix(names[i], ".json");	/* (parsed into a) */
		bodies[i] = has_suffix(names[i], ".json") ? lh_config_json_parse(a, src, d) :
		    lh_parse_file_segmented(a, src, d);
	}
	if (d->errors > before)
		return NULL;
	apply_overrides(a, names, bodies, nn, d);
	if (d->errors > before)
		return NULL;
	size_t items = 0;	/* at most this many resources, nested data blocks aside */
	for (size_t f = 0; f < nn; f++)
		items += bodies[f] != NULL ? bodies[f]->u.body.n : 0;
	decl_reserve(p, a, items);
	/* terraform blocks first: the provider source appears in messages */
	for (size_t f = 0; f < nn; f++)
		for (size_t i = 0; bodies[f] && i < bodies[f]->u.body.n; i++) {
			const lh_node *it = bodies[f]->u.body.items[i];
			if (it->kind != LH_AST_BLOCK || strcmp(it->u.block.type, "terraform") != 0)
				continue;
			load_terraform(cfg, it, d);
			const lh_node *tb = it->u.block.body;
			for (size_t k = 0; tb != NULL && k < tb->u.body.n; k++) {
				const lh_node *bb = tb->u.body.items[k];
				cfg->backend_block |= bb->kind == LH_AST_BLOCK &&
				    (strcmp(bb->u.block.type, "backend") == 0 ||
				    strcmp(bb->u.block.type, "cloud") == 0);
			}
		}
	if (cfg->provider_source == NULL)
		cfg->provider_source = LH_DEFAULT_PROVIDER_SOURCE;
	for (size_t f = 0; f < nn; f++) {
		for (size_t i = 0; bodies[f] && i < bodies[f]->u.body.n; i++) {
			const lh_node *it = bodies[f]->u.body.items[i];
			if (it->kind == LH_AST_ATTR) {
				derr(d, it->src, it->u.attr.name_start, it->u.attr.name_end, NULL, "Unsupported argument",
				    "An argument named \"%s\" is not expected here.", it->u.attr.name);
				continue;
			}
			const char *t = it->u.block.type;
			if (strcmp(t, "terraform") == 0)
				continue;
			else if (strcmp(t, "variable") == 0)
				load_variable(cfg, it, d);
			else if (strcmp(t, "locals") == 0)
				load_locals(cfg, it, d);
			else if (strcmp(t, "output") == 0)
				load_output(cfg, it, d);
			else if (strcmp(t, "provider") == 0)
				load_provider(cfg, it, d);
			else if (strcmp(t, "resource") == 0 || strcmp(t, "data") == 0)
				load_resource(cfg, it, t[0] == 'd', d);
			else if (strcmp(t, "import") == 0)
				load_import(cfg, it, d);
			else if (strcmp(t, "moved") == 0)
				load_moved(cfg, it, d);
			else if (strcmp(t, "removed") == 0)
				load_removed(cfg, it, d);
			else if (strcmp(t, "check") == 0)
				load_check(cfg, it, d);
			else {
				const char *sug = lh_eval_suggest(t, top_blocks);
				/* a likely typo: Terraform's words; else the blocks there are */
				derr(d, it->src, it->u.block.type_start, it->u.block.type_end, NULL, "Unsupported block type",
				    "Blocks of type \"%s\" are not expected here.%s%s%s",
				    t, sug ? " Did you mean \"" : "", sug ? sug : "", sug ? "\"?" :
				    " litehcl supports these top-level blocks: terraform, provider, variable, locals, output, resource, data, import, moved, removed, check.");
			}
		}
	}
	p->rp = lh_arena_alloc(a, (p->ndecl ? p->ndecl : 1) * sizeof *p->rp);	/* zeroed */
	eval_variables(cfg, vars, nvars, d);
	check_validations(cfg, d);
	eval_provider(cfg, d);
	order_resources(cfg, d);
	/* moved and removed blocks name objects the configuration no longer declares */
	for (size_t i = 0; i < cfg->nmoved; i++) {
		const lh_moved *m = cfg->moved[i];
		const lh_resource *r = lh_config_resource(cfg, m->from.type, m->from.name);
		if (r != NULL && m->from.kind == LH_KEY_NONE && !(m->to.type && strcmp(m->to.name, m->from.name) == 0))
			derr(d, m->block->src, m->block->u.block.type_start, header_end(m->block), NULL,
			    "Moved object still exists", "This statement declares a move from %s, but "
			    "that resource is still declared at %s.\n\nChange your configuration so that "
			    "this resource will be declared as %s instead.",
			    lh_addr_format(a, &m->from), pos_text(a, r->block->src,
			    r->block->u.block.type_start, header_end(r->block)), lh_addr_format(a, &m->to));
	}
	for (size_t i = 0; i < cfg->nremoved; i++) {
		const lh_removed *rm = cfg->removed[i];
		const lh_resource *r = lh_config_resource(cfg, rm->from.type, rm->from.name);
		if (r != NULL)
			derr(d, rm->block->src, rm->block->u.block.type_start, header_end(rm->block), NULL,
			    "Removed resource still exists", "This statement declares that %s was "
			    "removed, but it is still declared in configuration at %s.",
			    lh_addr_format(a, &rm->from), pos_text(a, r->block->src,
			    r->block->u.block.type_start, header_end(r->block)));
	}
	/* imports: the target must exist; the id is evaluated now; a block with for_each
	 * becomes one import per element (each.key and each.value in `to`'s key and id) */
	lh_import **all = NULL;
	size_t nall = 0;
	for (size_t i = 0; i < cfg->nimports; i++) {
		lh_import *base = cfg->imports[i];
		const lh_node *te = body_attr(base->block->u.block.body, "to")->u.attr.expr;
		base->res = lh_config_resource(cfg, base->to_addr.type, base->to_addr.name);
		if (base->res == NULL && !s_missing_imports_ok)
			derr(d, te->src, te->start, te->end, "import", "Configuration for import target does not exist",
			    "The configuration for the given import %s does not exist. All target instances must have an associated configuration to be imported.", base->to);
		lh_eval ev;
		scope sc = {0};
		scope_eval(&ev, cfg, &sc, d, "import");
		const char **keys = NULL;
		lh_value **vals = NULL;
		size_t n = 1;
		if (base->for_each != NULL) {
			if (base->key_expr == NULL) {
				derr(d, te->src, te->start, te->end, "import", "Invalid import address",
				    "With for_each, the \"to\" argument must be a resource instance address "
				    "whose key uses each.key or each.value, like %s.NAME[each.key].",
				    example_type());
				continue;
			}
			lh_resource fake;
			memset(&fake, 0, sizeof fake);
			fake.for_each = base->for_each;
			fake.context = "import";
			fake.lifecycle = &no_lifecycle;
			lh_value *fv = lh_eval_expr(&ev, base->for_each);
			bool unk = false;
			if (fv != NULL && (fv->type->kind == LH_TY_LIST || fv->type->kind == LH_TY_TUPLE) &&
			    !lh_val_is_null(fv) && !lh_val_is_unknown(fv) && !lh_val_is_sensitive(fv)) {
				/* an import block, unlike a resource, takes any collection (Terraform's
				 * ImportValues): a list's each.key is the element's index */
				n = fv->u.seq.n;
				vals = fv->u.seq.items;
				keys = NULL;
			} else if (fv == NULL ||
			    !for_each_keys(cfg, &fake, &ev, fv, &keys, &vals, &n, &unk)) {
				continue;
			}
		}
		for (size_t k = 0; k < n; k++) {
			lh_import *im = base;
			if (base->for_each != NULL) {
				im = lh_arena_alloc(a, sizeof *im);
				*im = *base;
				sc.in_each = true;
				sc.each_key = keys != NULL ? lh_val_cstr(a, keys[k]) : lh_val_int(a, (int64_t)k);
				sc.each_value = vals[k];
				lh_value *kv = lh_eval_expr(&ev, base->key_expr);
				if (kv == NULL)
					continue;
				const lh_node *ke = base->key_expr;
				if (lh_val_is_unknown(kv) || lh_val_is_null(kv) ||
				    (kv->type->kind != LH_TY_STRING && kv->type->kind != LH_TY_NUMBER)) {
					derr(d, ke->src, ke->start, ke->end, "import", "Invalid import address",
					    "The key of the \"to\" address must be a known string or whole number.");
					continue;
				}
				const char *err = NULL;
				lh_value *ks = lh_val_convert(a, kv, &lh_type_string, &err);
				if (ks == NULL)
					continue;
				if (kv->type->kind == LH_TY_STRING) {
					im->to_addr.kind = LH_KEY_STR;
					im->to_addr.key = ks->u.str.s;
				} else {
					char *end = NULL;
					long long x = strtoll(ks->u.str.s, &end, 10);
					if (end == NULL || *end != '\0' || x < 0) {
						derr(d, ke->src, ke->start, ke->end, "import", "Invalid import address",
						    "The key of the \"to\" address must be a known string or whole number.");
						continue;
					}
					im->to_addr.kind = LH_KEY_INT;
					im->to_addr.index = x;
				}
				im->to = lh_addr_format(a, &im->to_addr);
			}
			all = GROW1(a, all, nall, sizeof *all);
			all[nall++] = im;
			const lh_node *ie = body_attr(im->block->u.block.body, "id")->u.attr.expr;
			lh_value *id = lh_eval_expr(&ev, ie);
			if (id == NULL)
				continue;
			const char *err = NULL;
			lh_value *s = lh_val_convert(a, id, &lh_type_string, &err);
			if (s == NULL || (lh_val_is_null(s) && !lh_val_is_unknown(s))) {
				derr(d, ie->src, ie->start, ie->end, "import", "Invalid import id argument",
				    "The import ID must be a non-null string%s%s.", err ? ": " : "", err ? err : "");
				continue;
			}
			im->id = s;
		}
	}
	cfg->imports = all;
	cfg->nimports = nall;
	return cfg;
}

/* ---- expansion -------------------------------------------------------------- */

static const char *const meta_args[] = {"count", "for_each", "depends_on", "provider", NULL};

static bool
is_data_key(const lh_schema *s, const char *name)
{
	for (size_t i = 0; s->data_keys != NULL && s->data_keys[i] != NULL; i++)
		if (strcmp(s->data_keys[i], name) == 0)
			return true;
	return false;
}

/* `user_id, user_email` as the SDK's ExactlyOneOf messages list them: sorted. */
static const char *
data_keys_text(lh_arena *a, const lh_schema *s)
{
	size_t n = 0;
	while (s->data_keys[n] != NULL)
		n++;
	const char **v = lh_arena_alloc(a, (n + 1) * sizeof *v);
	memcpy(v, s->data_keys, n * sizeof *v);
	qsort(v, n, sizeof *v, cmp_str);
	char *t = lh_arena_strdup(a, "");
	for (size_t i = 0; i < n; i++)
		t = lh_arena_printf(a, "%s%s%s", t, i ? "," : "", v[i]);
	return t;
}

/* A data block looks its object up by exactly one of the type's data_keys: two
 * written is an error at the second, none at the block. */
static bool
check_data_keys(lh_config *cfg, lh_resource *r, res_priv *rp, lh_diags *d)
{
	const lh_arg_range *first = NULL;
	const char *const *names = range_names(rp->ranges);
	const char *first_name = NULL;
	bool ok = true;
	for (size_t i = 0; i < rp->nranges; i++) {
		if (!is_data_key(r->schema, names[i]))
			continue;
		if (first == NULL) {
			first = &rp->ranges[i];
			first_name = names[i];
			continue;
		}
		const lh_arg_range *ar = &rp->ranges[i];
		const char *name = names[i];
		bool order = strcmp(first_name, name) < 0;
		const lh_node *at = body_attr(r->block->u.block.body, name);	/* its name */
		derr(d, range_src(r, rp->ranges, ar), at ? at->u.attr.name_start : ar->start,
		    at ? at->u.attr.name_end : ar->end,
		    r->context, "Invalid combination of arguments",
		    "\"%s\": only one of `%s` can be specified, but `%s,%s` were specified: %s looks its object up by one of them.",
		    name, data_keys_text(cfg->a, r->schema), order ? first_name : name,
		    order ? name : first_name, r->addr);
		ok = false;
	}
	if (first == NULL) {
		derr(d, r->block->src, r->block->u.block.open, r->block->u.block.open + 1, r->context,
		    "Invalid combination of arguments",
		    "\"%s\": one of `%s` must be specified: %s looks its object up by one of them.",
		    r->schema->data_keys[0], data_keys_text(cfg->a, r->schema), r->addr);
		ok = false;
	}
	return ok;
}

/* Checks the arguments written in r's body against the schema, once. */
static bool
check_resource_body(lh_config *cfg, lh_resource *r, res_priv *rp, lh_diags *d)
{
	if (rp->checked)
		return rp->ok;
	rp->checked = true;
	lh_arena *a = cfg->a;
	const lh_schema *s = r->schema;
	const lh_node *body = r->block->u.block.body;
	bool ok = true;
	struct lh_config_priv *p = cfg->priv;
	struct keyset *ks = NULL;
	for (size_t i = 0; i < p->nkeysets && ks == NULL; i++)
		if (p->keysets[i].s == s && p->keysets[i].data == r->data)
			ks = &p->keysets[i];
	if (ks != NULL) {
		rp->keys = ks->keys;
		rp->kattr = ks->kattr;
		rp->nkeys = ks->n;
	} else {
		/* in long_a: cfg->a may be a scratch arena while validate runs */
		rp->keys = lh_arena_alloc(p->long_a, s->n * sizeof *rp->keys);
		rp->kattr = lh_arena_alloc(p->long_a, s->n * sizeof *rp->kattr);
		for (size_t i = 0; i < s->n; i++)
			if (r->data ? is_data_key(s, s->attrs[i].name) : s->attrs[i].mode != LH_ATTR_COMPUTED) {
				rp->kattr[rp->nkeys] = &s->attrs[i];
				rp->keys[rp->nkeys++] = s->attrs[i].name;
			}
		if (p->nkeysets < sizeof p->keysets / sizeof p->keysets[0])
			p->keysets[p->nkeysets++] = (struct keyset){ s, r->data, rp->keys, rp->kattr, rp->nkeys };
	}
	/* the expressions' table is of use as long as the tree is (lh_config_release_trees) */
	lh_arena *ta = lh_parse_block_arena(r->block);
	rp->arg_expr = lh_arena_alloc(ta ? ta : a, (rp->nkeys ? rp->nkeys : 1) * sizeof *rp->arg_expr);
	/* the ranges after their names' table (range_names), which the blocks writing
	 * the same arguments in the same order share; names gathered here first */
	const char **names = lh_arena_alloc(a, sizeof names + (body->u.body.n ? body->u.body.n : 1) *
	    sizeof *rp->ranges);
	rp->ranges = (lh_arg_range *)((char *)names + sizeof names);
	const char *few[64], **nms = body->u.body.n <= 64 ? few :
	    lh_arena_alloc(p->long_a, body->u.body.n * sizeof *nms);
	r->arg_srcs = NULL;
	for (size_t i = 0; i < body->u.body.n; i++) {
		const lh_node *it = body->u.body.items[i];
		if (it->kind != LH_AST_ATTR)
			continue;
		const char *nm = it->u.attr.name;
		bool meta = false;
		for (size_t k = 0; meta_args[k]; k++)
			if (strcmp(meta_args[k], nm) == 0)
				meta = true;
		if (meta)
			continue;
		const lh_attr *at = lh_schema_attr(s, nm);
		if (at == NULL) {
			const char *sug = lh_eval_suggest(nm, r->data ? (const char *const *)s->data_keys :
			    lh_schema_arg_names(a, s));
			derr(d, it->src, it->u.attr.name_start, it->u.attr.name_end, r->context, "Unsupported argument",
			    "An argument named \"%s\" is not expected here.%s%s%s", nm,
			    sug ? " Did you mean \"" : "", sug ? sug : "", sug ? "\"?" : "");
			ok = false;
			continue;
		}
		if (r->data ? !is_data_key(s, nm) : at->mode == LH_ATTR_COMPUTED) {
			derr(d, it->src, it->u.attr.name_start, it->u.attr.name_end, r->context, "Value for unconfigurable attribute",
			    "Can't configure a value for \"%s\": its value will be decided automatically based on the result of applying this configuration.", nm);
			ok = false;
			continue;
		}
		for (size_t k = 0; k < rp->nkeys; k++)
			if (rp->kattr[k] == at)
				rp->arg_expr[k] = it->u.attr.expr;
		if (it->src != r->block->src && r->arg_srcs == NULL) {
			/* (an override file's argument: each range's file is kept) */
			r->arg_srcs = lh_arena_alloc(a, body->u.body.n * sizeof *r->arg_srcs);
			for (size_t k = 0; k < rp->nranges; k++)
				r->arg_srcs[k] = r->block->src;
		}
		if (r->arg_srcs != NULL)
			r->arg_srcs[rp->nranges] = it->src;
		nms[rp->nranges] = nm;
		lh_arg_range *ar = &rp->ranges[rp->nranges++];
		ar->start = it->u.attr.expr->start;
		ar->end = it->u.attr.expr->end;
	}
	/* (names are interned: the same argument is the same pointer) */
	if (nms == few) {
		if (p->names_last == NULL || p->nnames_last != rp->nranges ||
		    memcmp(p->names_last, few, rp->nranges * sizeof *few) != 0) {
			const char **t = lh_arena_alloc(p->long_a, (rp->nranges ? rp->nranges : 1) * sizeof *t);
			memcpy(t, few, rp->nranges * sizeof *few);
			p->names_last = t;
			p->nnames_last = rp->nranges;
		}
		nms = p->names_last;
	}
	memcpy(names, &nms, sizeof nms);
	if (r->data)
		ok = check_data_keys(cfg, r, rp, d) && ok;
	for (size_t k = 0; k < rp->nkeys && !r->data; k++)
		if (rp->kattr[k]->mode == LH_ATTR_REQUIRED && rp->arg_expr[k] == NULL) {
			derr(d, r->block->src, r->block->u.block.open, r->block->u.block.open + 1, r->context,
			    "Missing required argument",
			    "The argument \"%s\" is required, but no definition was found.", rp->keys[k]);
			ok = false;
		}
	rp->ok = ok;
	return ok;
}

static bool
for_each_keys(lh_config *cfg, lh_resource *r, lh_eval *ev, lh_value *fe, const char ***keys,
    lh_value ***vals, size_t *n, bool *unknown)
{
	const lh_node *e = r->for_each;
	lh_diags *d = ev->d;
	lh_arena *a = ev->a;
	*unknown = false;
	*n = 0;
	const char *pre = "The given \"for_each\" argument value is unsuitable";
	if (lh_val_is_sensitive(fe)) {
		lh_diag *g = derr(d, e->src, e->start, e->end, r->context, "Invalid for_each argument",
		    "Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If used, the sensitive value could be exposed as a resource instance key.");
		lh_eval_diag_values_because(ev, g, e, LH_DV_SENSITIVE);
		return false;
	}
	const lh_type *t = fe->type;
	if (lh_val_is_null(fe) && !lh_val_is_unknown(fe)) {
		derr(d, e->src, e->start, e->end, r->context, "Invalid for_each argument",
		    "%s: the given \"for_each\" argument value is null. A map, or set of strings is allowed.", pre);
		return false;
	}
	if (t->kind == LH_TY_LIST || t->kind == LH_TY_TUPLE || t->kind == LH_TY_STRING ||
	    t->kind == LH_TY_NUMBER || t->kind == LH_TY_BOOL) {
		derr(d, e->src, e->start, e->end, r->context, "Invalid for_each argument",
		    "%s: the \"for_each\" argument must be a map, or set of strings, and you have provided a value of type %s.",
		    pre, lh_type_friendly(a, t));
		return false;
	}
	if (t->kind == LH_TY_SET && t->elem->kind != LH_TY_STRING && t->elem->kind != LH_TY_DYNAMIC) {
		derr(d, e->src, e->start, e->end, r->context, "Invalid for_each argument",
		    "%s: \"for_each\" supports maps and sets of strings, but you have provided a set containing type %s.",
		    pre, lh_type_friendly(a, t->elem));
		return false;
	}
	if (lh_val_is_unknown(fe)) {
		*unknown = true;
		if (cfg->priv->validate_only)
			return false;
		lh_diag *g = derr(d, e->src, e->start, e->end, r->context, "Invalid for_each argument",
		    "The \"for_each\" %s includes keys derived from resource attributes that cannot be determined until apply, and so litehcl cannot determine the full set of keys that will identify the instances of this resource.\n\nWhen working with unknown values in for_each, it's better to define the map keys statically in your configuration and place apply-time results only in the map values.\n\nAlternatively, you could use the -target planning option to first apply only the resources that the for_each value depends on, and then apply a second time to fully converge.",
		    t->kind == LH_TY_SET ? "set" : "map");
		lh_eval_diag_values_because(ev, g, e, LH_DV_UNKNOWN);
		return false;
	}
	if (t->kind == LH_TY_SET) {
		size_t m = fe->u.seq.n;
		*keys = lh_arena_alloc(a, (m ? m : 1) * sizeof **keys);
		*vals = lh_arena_alloc(a, (m ? m : 1) * sizeof **vals);
		for (size_t i = 0; i < m; i++) {
			lh_value *x = fe->u.seq.items[i];
			if (lh_val_is_unknown(x)) {
				*unknown = true;
				if (cfg->priv->validate_only)
					return false;
				lh_diag *g = derr(d, e->src, e->start, e->end, r->context, "Invalid for_each argument",
				    "The \"for_each\" set includes values derived from resource attributes that cannot be determined until apply, and so litehcl cannot determine the full set of keys that will identify the instances of this resource.\n\nWhen working with unknown values in for_each, it's better to use a map value where the keys are defined statically in your configuration and where only the values contain apply-time results.\n\nAlternatively, you could use the -target planning option to first apply only the resources that the for_each value depends on, and then apply a second time to fully converge.");
				lh_eval_diag_values_because(ev, g, e, LH_DV_UNKNOWN);
				return false;
			}
			if (lh_val_is_null(x)) {
				derr(d, e->src, e->start, e->end, r->context, "Invalid for_each set argument",
				    "%s: \"for_each\" sets must not contain null values.", pre);
				return false;
			}
			if (lh_val_is_sensitive(x)) {
				lh_diag *g = derr(d, e->src, e->start, e->end, r->context, "Invalid for_each argument",
				    "Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If used, the sensitive value could be exposed as a resource instance key.");
				lh_eval_diag_values_because(ev, g, e, LH_DV_SENSITIVE);
				return false;
			}
			const char *err = NULL;
			lh_value *sv = lh_val_convert(a, x, &lh_type_string, &err);
			if (sv == NULL) {
				derr(d, e->src, e->start, e->end, r->context, "Invalid for_each argument",
				    "%s: \"for_each\" supports maps and sets of strings, but you have provided a set containing type %s.",
				    pre, lh_type_friendly(a, x->type));
				return false;
			}
			(*keys)[i] = sv->u.str.s;
			(*vals)[i] = sv;
		}
		*n = m;
		return true;
	}
	/* map or object */
	*keys = (const char **)fe->u.map.keys;
	*vals = fe->u.map.vals;
	*n = fe->u.map.n;
	return true;
}

const lh_source *
lh_arg_src(const lh_instance *inst, const lh_arg_range *ar)
{
	return range_src(inst->res, inst->ranges, ar);
}

const lh_arg_range *
lh_instance_arg(const lh_instance *inst, const char *name)
{
	const char *const *names = inst->nranges > 0 ? range_names(inst->ranges) : NULL;
	for (size_t i = 0; i < inst->nranges; i++)
		if (strcmp(names[i], name) == 0)
			return &inst->ranges[i];
	return NULL;
}

const char *
lh_arg_name(const lh_instance *inst, const lh_arg_range *ar)
{
	return range_names(inst->ranges)[ar - inst->ranges];
}

/* Evaluates one instance's arguments. */
/* The outcome of one condition (assert, precondition, postcondition) evaluated in sc:
 * COND_FAIL sets *msg to its error_message (a placeholder when that cannot be shown).
 * Evaluation errors go to d. */
enum { COND_PASS, COND_FAIL, COND_UNKNOWN, COND_ERROR };

/* ---- check results: what Terraform's plan JSON reports under "checks" ---- */

/* One condition of one checkable object (a resource instance with pre/postconditions,
 * an output with preconditions, a check block) and its last result. */
typedef struct cond_rec {
	char kind;			/* 'r' resource, 'o' output value, 'c' check */
	bool data;			/* a data resource */
	const char *type, *name;	/* type: resources only */
	lh_key_kind kk;			/* the instance (resources) */
	long long idx;
	const char *key;
	const lh_node *cb;		/* the condition's block */
	int status;			/* COND_* */
	const char *msg;		/* a failure's message, or NULL */
} cond_rec;

static size_t
crec_hash(const cond_rec *c)
{
	size_t h = (size_t)(uintptr_t)c->cb * 2654435761u;
	h ^= (size_t)c->idx * 40503u;
	if (c->key != NULL)
		h ^= hash_str(c->key);
	return h;
}

static bool
crec_same(const cond_rec *x, const cond_rec *y)
{
	return x->cb == y->cb && x->kk == y->kk && x->idx == y->idx &&
	    (x->key == NULL) == (y->key == NULL) && (x->key == NULL || strcmp(x->key, y->key) == 0);
}

/* Records the result of condition c (its cb, object and instance set) for the run. */
static void
crec_put(lh_config *cfg, const cond_rec *c)
{
	struct lh_config_priv *p = cfg->priv;
	if (p->capctab == 0 || (p->ncrec + 1) * 2 > p->capctab) {
		size_t ncap = p->capctab ? p->capctab * 2 : 64;
		size_t *nt = lh_arena_alloc(cfg->a, ncap * sizeof *nt);
		for (size_t i = 0; i < p->ncrec; i++) {
			size_t h = crec_hash(&p->crec[i]) & (ncap - 1);
			while (nt[h])
				h = (h + 1) & (ncap - 1);
			nt[h] = i + 1;
		}
		p->ctab = nt;
		p->capctab = ncap;
	}
	size_t h = crec_hash(c) & (p->capctab - 1);
	while (p->ctab[h]) {
		cond_rec *o = &p->crec[p->ctab[h] - 1];
		if (crec_same(o, c)) {
			o->status = c->status;
			/* its own copy: the message may be an evaluation's scratch value */
			o->msg = c->msg != NULL ? lh_arena_strdup(cfg->a, c->msg) : NULL;
			return;
		}
		h = (h + 1) & (p->capctab - 1);
	}
	if (p->ncrec == p->capcrec) {
		size_t ncap = p->capcrec ? p->capcrec * 2 : 16;
		p->crec = lh_arena_grow(cfg->a, p->crec, p->ncrec, ncap, sizeof *p->crec);
		p->capcrec = ncap;
	}
	p->crec[p->ncrec] = *c;
	if (c->key != NULL)
		p->crec[p->ncrec].key = lh_arena_strdup(cfg->a, c->key);
	if (c->msg != NULL)
		p->crec[p->ncrec].msg = lh_arena_strdup(cfg->a, c->msg);
	p->ctab[h] = ++p->ncrec;
}

/* A resource instance's condition result (the instance from count.index / each.key). */
static void
crec_resource(lh_config *cfg, const lh_resource *r, lh_key_kind kk, long long idx,
    const char *key, const lh_node *cb, int status, const char *msg)
{
	cond_rec c = {.kind = 'r', .data = r->data, .type = r->type, .name = r->name, .kk = kk,
	    .idx = idx, .key = key, .cb = cb, .status = status,
	    .msg = status == COND_FAIL ? msg : NULL};
	crec_put(cfg, &c);
}

static const char *
crec_status(int s)
{
	return s == COND_PASS ? "pass" : s == COND_FAIL ? "fail" : s == COND_ERROR ? "error" :
	    "unknown";
}

/* Worse of two statuses: fail, then error, then unknown, then pass (Terraform). */
static int
crec_worse(int a, int b)
{
	static const int rank[] = {[COND_PASS] = 0, [COND_UNKNOWN] = 1, [COND_ERROR] = 2,
	    [COND_FAIL] = 3};
	return rank[b] > rank[a] ? b : a;
}

static int
crec_cmp(const void *x, const void *y)
{
	const cond_rec *a = *(const cond_rec *const *)x, *b = *(const cond_rec *const *)y;
	int c;
	/* objects by their display address (Terraform's order), instances by key */
	char sa[512], sb[512];
	snprintf(sa, sizeof sa, "%s%s%s%s", a->kind == 'c' ? "check." : a->kind == 'o' ?
	    "output." : a->data ? "data." : "", a->type ? a->type : "", a->type ? "." : "", a->name);
	snprintf(sb, sizeof sb, "%s%s%s%s", b->kind == 'c' ? "check." : b->kind == 'o' ?
	    "output." : b->data ? "data." : "", b->type ? b->type : "", b->type ? "." : "", b->name);
	c = strcmp(sa, sb);
	if (c != 0)
		return c;
	if (a->kk != b->kk)
		return a->kk < b->kk ? -1 : 1;
	if (a->kk == LH_KEY_INT && a->idx != b->idx)
		return a->idx < b->idx ? -1 : 1;
	if (a->kk == LH_KEY_STR)
		return strcmp(a->key, b->key);
	return 0;
}

cJSON *
lh_config_check_results_state(const lh_config *cfg)
{
	cJSON *plan = lh_config_check_results(cfg), *out = cJSON_CreateArray();
	const cJSON *e;
	cJSON_ArrayForEach(e, plan) {
		const cJSON *ad = cJSON_GetObjectItemCaseSensitive(e, "address");
		const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ad, "kind"));
		cJSON *o = cJSON_CreateObject(), *objs = cJSON_CreateArray();
		cJSON_AddStringToObject(o, "object_kind", kind && strcmp(kind, "output_value") == 0 ?
		    "output" : kind ? kind : "resource");
		cJSON_AddItemToObject(o, "config_addr", cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(ad, "to_display"), 1));
		cJSON_AddItemToObject(o, "status", cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(e, "status"), 1));
		const cJSON *in;
		cJSON_ArrayForEach(in, cJSON_GetObjectItemCaseSensitive(e, "instances")) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddItemToObject(x, "object_addr", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(in, "address"), "to_display"), 1));
			cJSON_AddItemToObject(x, "status", cJSON_Duplicate(
			    cJSON_GetObjectItemCaseSensitive(in, "status"), 1));
			const cJSON *probs = cJSON_GetObjectItemCaseSensitive(in, "problems");
			if (cJSON_GetArraySize(probs) > 0) {
				cJSON *fm = cJSON_CreateArray();
				const cJSON *pr;
				cJSON_ArrayForEach(pr, probs)
					cJSON_AddItemToArray(fm, cJSON_Duplicate(
					    cJSON_GetObjectItemCaseSensitive(pr, "message"), 1));
				cJSON_AddItemToObject(x, "failure_messages", fm);
			}
			cJSON_AddItemToArray(objs, x);
		}
		cJSON_AddItemToObject(o, "objects", objs);
		cJSON_AddItemToArray(out, o);
	}
	cJSON_Delete(plan);
	return out;
}

cJSON *
lh_config_check_results(const lh_config *cfg)
{
	const struct lh_config_priv *p = cfg->priv;
	cJSON *out = cJSON_CreateArray();
	if (p->ncrec == 0)
		return out;
	const cond_rec **v = malloc(p->ncrec * sizeof *v);
	if (v == NULL)
		abort();
	for (size_t i = 0; i < p->ncrec; i++)
		v[i] = &p->crec[i];
	qsort(v, p->ncrec, sizeof *v, crec_cmp);
	for (size_t i = 0; i < p->ncrec;) {
		/* one configuration object: v[i..j) */
		size_t j = i;
		while (j < p->ncrec && v[j]->kind == v[i]->kind && v[j]->data == v[i]->data &&
		    strcmp(v[j]->name, v[i]->name) == 0 &&
		    (v[i]->type == NULL) == (v[j]->type == NULL) &&
		    (v[i]->type == NULL || strcmp(v[j]->type, v[i]->type) == 0))
			j++;
		const cond_rec *c = v[i];
		cJSON *o = cJSON_CreateObject(), *ad = cJSON_CreateObject(), *ins = cJSON_CreateArray();
		const char *kind = c->kind == 'c' ? "check" : c->kind == 'o' ? "output_value" : "resource";
		char disp[600];
		snprintf(disp, sizeof disp, "%s%s%s%s", c->kind == 'c' ? "check." : c->kind == 'o' ?
		    "output." : c->data ? "data." : "", c->type ? c->type : "", c->type ? "." : "", c->name);
		cJSON_AddStringToObject(ad, "kind", kind);
		if (c->kind == 'r')
			cJSON_AddStringToObject(ad, "mode", c->data ? "data" : "managed");
		cJSON_AddStringToObject(ad, "name", c->name);
		cJSON_AddStringToObject(ad, "to_display", disp);
		if (c->kind == 'r')
			cJSON_AddStringToObject(ad, "type", c->type);
		int all = COND_PASS;
		for (size_t k = i; k < j;) {
			/* one instance: v[k..m) */
			size_t m = k;
			while (m < j && v[m]->kk == v[k]->kk && v[m]->idx == v[k]->idx &&
			    (v[k]->kk != LH_KEY_STR || strcmp(v[m]->key, v[k]->key) == 0))
				m++;
			cJSON *in = cJSON_CreateObject(), *ia = cJSON_CreateObject(), *probs = NULL;
			lh_addr id = {.type = c->type ? c->type : "", .name = c->name, .kind = v[k]->kk,
			    .index = v[k]->idx, .key = v[k]->key, .data = c->data};
			char ib[700];
			if (v[k]->kk == LH_KEY_INT)
				cJSON_AddNumberToObject(ia, "instance_key", (double)v[k]->idx);
			else if (v[k]->kk == LH_KEY_STR)
				cJSON_AddStringToObject(ia, "instance_key", v[k]->key);
			if (c->kind == 'r')
				lh_addr_snprint(ib, sizeof ib, &id);
			else
				snprintf(ib, sizeof ib, "%s", disp);
			cJSON_AddStringToObject(ia, "to_display", ib);
			cJSON_AddItemToObject(in, "address", ia);
			int st = COND_PASS;
			for (size_t q = k; q < m; q++) {
				st = crec_worse(st, v[q]->status);
				if (v[q]->status == COND_FAIL && v[q]->msg != NULL) {
					if (probs == NULL)
						probs = cJSON_CreateArray();
					cJSON *pr = cJSON_CreateObject();
					cJSON_AddStringToObject(pr, "message", v[q]->msg);
					cJSON_AddItemToArray(probs, pr);
				}
			}
			cJSON_AddStringToObject(in, "status", crec_status(st));
			if (probs != NULL)
				cJSON_AddItemToObject(in, "problems", probs);
			cJSON_AddItemToArray(ins, in);
			all = crec_worse(all, st);
			k = m;
		}
		cJSON_AddItemToObject(o, "address", ad);
		cJSON_AddStringToObject(o, "status", crec_status(all));
		cJSON_AddItemToObject(o, "instances", ins);
		cJSON_AddItemToArray(out, o);
		i = j;
	}
	free(v);
	return out;
}

/* Gives g, a failed condition x's diagnostic, Terraform's values of the references
 * in x (lh_eval_diag_values), evaluated in sc as the condition was. */
static void
cond_values(lh_config *cfg, scope *sc, const char *ctx, lh_diags *d, lh_diag *g,
    const lh_node *x)
{
	lh_arena_mark mk;
	lh_eval ev;
	scope_eval(&ev, cfg, sc, d, ctx);
	ev.a = scratch_begin(cfg, &mk);
	lh_eval_diag_values(&ev, g, x);
	scratch_end(cfg, mk);
}

/* eval_condition's work, with ev set up (its arena a scratch one). */
static int
eval_condition_in(lh_config *cfg, lh_eval *ev, const lh_node *cb, const char *ctx,
    lh_diags *d, const char **msg)
{
	const lh_node *ca = body_attr(cb->u.block.body, "condition");
	const lh_node *ma = body_attr(cb->u.block.body, "error_message");
	lh_value *c = lh_eval_expr(ev, ca->u.attr.expr);
	if (c == NULL)
		return COND_ERROR;
	const char *err = NULL;
	lh_value *bv = lh_val_convert(ev->a, c, &lh_type_bool, &err);
	const lh_node *e = ca->u.attr.expr;
	if (bv == NULL) {
		derr(d, e->src, e->start, e->end, ctx, "Invalid condition result",
		    "Invalid condition result value: %s.", err ? err : "a bool is required");
		return COND_ERROR;
	}
	if (lh_val_is_unknown(bv))
		return COND_UNKNOWN;
	if (lh_val_is_null(bv)) {
		derr(d, e->src, e->start, e->end, ctx, "Invalid condition result",
		    "Condition expression must return either true or false, not null.");
		return COND_ERROR;
	}
	if (bv->u.b)
		return COND_PASS;
	lh_value *m = lh_eval_expr_as(ev, ma->u.attr.expr, &lh_type_string);
	*msg = "(error message could not be evaluated)";
	if (m != NULL && !lh_val_is_null(m) && !lh_val_is_unknown(m))
		*msg = lh_val_is_sensitive(m) ? "The error message included a sensitive value, so it will not be displayed." : m->u.str.s;
	return COND_FAIL;
}

/* Evaluates condition block cb in scope sc: COND_*; a failure's message in *msg
 * (kept in cfg->a).  Its intermediate values are freed before it returns. */
static int
eval_condition(lh_config *cfg, scope *sc, const lh_node *cb, const char *ctx, lh_diags *d,
    const char **msg)
{
	lh_arena_mark mk;
	lh_eval ev;
	scope_eval(&ev, cfg, sc, d, ctx);
	ev.a = scratch_begin(cfg, &mk);
	int r = eval_condition_in(cfg, &ev, cb, ctx, d, msg);
	if (r == COND_FAIL)
		*msg = scratch_keep_str(cfg, mk, *msg);
	scratch_end(cfg, mk);
	return r;
}

/* True when a string in v (at any depth) holds a NUL; *at is its 1-based character
 * position in that string. */
static bool
has_nul(const lh_value *v, size_t *at)
{
	if (lh_val_is_null(v) || lh_val_is_unknown(v))
		return false;
	switch (v->type->kind) {
	case LH_TY_STRING: {
		const char *z = memchr(v->u.str.s, '\0', v->u.str.len);
		if (z == NULL)
			return false;
		*at = 1;
		for (const char *q = v->u.str.s; q < z; q++)
			if (((unsigned char)*q & 0xC0) != 0x80)
				(*at)++;
		return true;
	}
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_TUPLE:
		for (size_t i = 0; i < v->u.seq.n; i++)
			if (has_nul(v->u.seq.items[i], at))
				return true;
		return false;
	case LH_TY_MAP: case LH_TY_OBJECT:
		for (size_t i = 0; i < v->u.map.n; i++)
			if (has_nul(v->u.map.vals[i], at))
				return true;
		return false;
	default:
		return false;
	}
}

/* An instance of r from the scope of ev: its arguments evaluated and checked, its
 * preconditions evaluated.  Everything it makes, the instance included, lives in
 * ev->a (scratch): instance_keep copies what lasts.  NULL after errors. */
/* The arguments vals (one per rp->keys) have the shape of prev (an earlier instance's
 * arguments): the same keys in the same order, each value of prev's attribute type.
 * Then they are an object of prev's type, without sorting and typing them again. */
static bool
same_shape(res_priv *rp, const lh_value *prev, lh_value **vals)
{
	if (prev == NULL || prev->type->kind != LH_TY_OBJECT || prev->type->n != rp->nkeys ||
	    prev->u.map.n != rp->nkeys || prev->u.map.keys != prev->type->names)
		return false;
	if (prev->u.map.keys != rp->same_keys) {
		for (size_t k = 0; k < rp->nkeys; k++)
			if (strcmp(prev->u.map.keys[k], rp->keys[k]) != 0)
				return false;
		rp->same_keys = prev->u.map.keys;	/* checked once per key array */
	}
	for (size_t k = 0; k < rp->nkeys; k++)
		if (vals[k]->type != prev->type->types[k] && !lh_type_equal(vals[k]->type, prev->type->types[k]))
			return false;
	return true;
}

/* The keys of a plain traversal that are each.key, each.value, count.index or
 * attributes of them (each.value.NAME): what trav_of finds of each index step. */
enum { SK_NONE, SK_EACH_KEY, SK_EACH_VALUE, SK_COUNT_INDEX };
#define SK_ATTRS 3
struct skey {
	int kind;			/* SK_* */
	int n;				/* attribute steps after it */
	const char *name[SK_ATTRS];	/* their names, outermost last */
	const char *key[SK_ATTRS];	/* each one's key where last found, and */
	size_t pos[SK_ATTRS];		/* its position (see struct trav) */
	unsigned ep[SK_ATTRS];		/* the expansion (epoch) that found it */
};

/* k's classification (trav_of, once per argument). */
static void
skey_of(const lh_node *k, struct skey *o)
{
	const lh_node *st[SK_ATTRS + 1];
	int n = 0;
	memset(o, 0, sizeof *o);
	while (k->kind == LH_AST_GETATTR) {
		if (n == SK_ATTRS + 1)
			return;
		st[n++] = k;
		k = k->u.getattr.obj;
	}
	if (k->kind != LH_AST_VAR || n == 0)
		return;
	const char *root = k->u.var.name, *first = st[n - 1]->u.getattr.name;
	if (strcmp(root, "each") == 0 && strcmp(first, "key") == 0)
		o->kind = SK_EACH_KEY;
	else if (strcmp(root, "each") == 0 && strcmp(first, "value") == 0)
		o->kind = SK_EACH_VALUE;
	else if (strcmp(root, "count") == 0 && strcmp(first, "index") == 0)
		o->kind = SK_COUNT_INDEX;
	else
		return;
	o->n = n - 1;
	for (int i = n - 2, j = 0; i >= 0; i--, j++)
		o->name[j] = st[i]->u.getattr.name;
}

/* Whether the names x and y are the same text (short names: compared here, not by a
 * call). */
static inline bool
same_name(const char *x, const char *y)
{
	while (*x == *y && *x != 0) {
		x++;
		y++;
	}
	return *x == *y;
}

/* The value of a key classified by skey_of, taken from the scope as the evaluator
 * takes it; NULL for every other key or case (the evaluator evaluates it).  A key
 * string found where it was found before in the same expansion (epoch ep, during
 * which nothing in the scope is freed) is the same text: its name is not compared
 * again; from an earlier expansion it is (a string freed and another made at its
 * address is not taken for it). */
static lh_value *
scope_key(const scope *sc, struct skey *o, unsigned ep)
{
	lh_value *v;
	switch (o->kind) {
	case SK_EACH_KEY: v = sc->in_each ? sc->each_key : NULL; break;
	case SK_EACH_VALUE: v = sc->in_each ? sc->each_value : NULL; break;
	case SK_COUNT_INDEX: v = sc->in_count ? sc->count_index : NULL; break;
	default: return NULL;
	}
	for (int i = 0; i < o->n && v != NULL; i++) {
		if (v->flags != 0 || (v->type->kind != LH_TY_OBJECT && v->type->kind != LH_TY_MAP))
			return NULL;
		size_t pos = o->pos[i];
		if (o->key[i] != NULL && pos < v->u.map.n && v->u.map.keys[pos] == o->key[i] &&
		    (o->ep[i] == ep || same_name(o->key[i], o->name[i]))) {
			v = v->u.map.vals[pos];
			o->ep[i] = ep;
			continue;
		}
		long at = lh_val_key_index(v, o->name[i]);
		if (at < 0)
			return NULL;
		o->key[i] = v->u.map.keys[at];
		o->pos[i] = (size_t)at;
		o->ep[i] = ep;
		v = v->u.map.vals[at];
	}
	return v;
}

/* An expression that is a plain traversal of a resource, the commonest argument that
 * refers to one: TYPE.t[each.value.k].ATTR - a resource's value
 * (resource_value) and steps whose keys are constants or references to each, count,
 * var or local (no call, no resource).  trav_eval takes such steps itself and leaves
 * every other case - a null, marked or missing element, a key that is not a plain
 * string or whole number, a diagnostic - to the evaluator, which then evaluates the
 * whole expression as usual (and reports what there is to report). */
#define TRAV_MAX 8
struct trav {
	lh_resource *r;			/* the resource named */
	const lh_node *steps[TRAV_MAX];	/* the steps after the one naming it */
	int n;
	/* per attribute step: where the attribute was last found among its object's
	 * keys, and that key (shared keys: the objects of one resource have the same
	 * key strings in the same order), so that the instances of a block find it
	 * without a search (the key is compared again: a string freed and another made
	 * at its address is not taken for it) */
	const char *okey[TRAV_MAX];
	size_t opos[TRAV_MAX];
	unsigned oep[TRAV_MAX];		/* the expansion that found it (see scope_key) */
	struct skey *skey;		/* per step: its key (index steps), see skey_of */
	/* per index step: a hash index of the keys of the map or object it was last
	 * applied to (the resource's instances by key: thousands of instances look their
	 * parent up in the same hundred), see trav_key */
	struct tindex *tix[TRAV_MAX];
};

struct tindex {
	const lh_value *of;		/* the value indexed, and its keys (checked) */
	const char *const *keys;
	size_t n, cap;
	size_t *slot;			/* position + 1, 0 empty */
};

static size_t
tix_hash(const char *s)
{
	size_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The position of key among v's keys (v an object or map), or -1: through the step's
 * index of v's keys, made when v is not the value it was made for.  A position the
 * index gives is checked against v's key, and a key it does not find is looked up
 * as usual, so a stale index (v made at the address of a freed one) costs time only. */
static long
trav_key(lh_config *cfg, struct tindex **tp, const lh_value *v, const char *key)
{
	size_t n = v->u.map.n;
	if (n < 16)
		return lh_val_key_index(v, key);
	struct tindex *t = *tp;
	if (t == NULL || t->of != v || t->keys != v->u.map.keys || t->n != n) {
		if (t == NULL || t->cap < n * 2) {
			size_t cap = 32;
			while (cap < n * 2)
				cap *= 2;
			t = lh_arena_alloc(cfg->priv->long_a, sizeof *t);
			t->slot = lh_arena_alloc(cfg->priv->long_a, cap * sizeof *t->slot);
			t->cap = cap;
			*tp = t;
		} else {
			memset(t->slot, 0, t->cap * sizeof *t->slot);
		}
		t->of = v;
		t->keys = v->u.map.keys;
		t->n = n;
		for (size_t i = 0; i < n; i++) {
			size_t h = tix_hash(v->u.map.keys[i]) & (t->cap - 1);
			while (t->slot[h] != 0)
				h = (h + 1) & (t->cap - 1);
			t->slot[h] = i + 1;
		}
	}
	for (size_t h = tix_hash(key) & (t->cap - 1); t->slot[h] != 0; h = (h + 1) & (t->cap - 1)) {
		size_t i = t->slot[h] - 1;
		if (i < n && strcmp(v->u.map.keys[i], key) == 0)
			return (long)i;
	}
	return lh_val_key_index(v, key);
}

/* k is a constant, or a chain of steps from each, count, var or local whose keys are
 * constants. */
static bool
simple_key(const lh_node *k)
{
	if (k->kind == LH_AST_NUMBER || const_string(k) != NULL)
		return true;
	while (k->kind == LH_AST_GETATTR || (k->kind == LH_AST_INDEX && !k->u.index.legacy &&
	    (k->u.index.key->kind == LH_AST_NUMBER || const_string(k->u.index.key) != NULL)))
		k = k->kind == LH_AST_GETATTR ? k->u.getattr.obj : k->u.index.obj;
	if (k->kind != LH_AST_VAR)
		return false;
	const char *n = k->u.var.name;
	return strcmp(n, "each") == 0 || strcmp(n, "count") == 0 || strcmp(n, "var") == 0 ||
	    strcmp(n, "local") == 0;
}

/* e as a plain traversal of a resource other than self (see above), or NULL. */
static struct trav *
trav_of(lh_config *cfg, const lh_resource *self, const lh_node *e)
{
	const lh_node *st[TRAV_MAX + 1];
	int n = 0;
	while (e->kind == LH_AST_GETATTR || e->kind == LH_AST_INDEX) {
		if (n == TRAV_MAX + 1)
			return NULL;
		if (e->kind == LH_AST_INDEX && (e->u.index.legacy || !simple_key(e->u.index.key) ||
		    expr_refers_res(cfg, self, e->u.index.key)))
			return NULL;
		st[n++] = e;
		e = e->kind == LH_AST_GETATTR ? e->u.getattr.obj : e->u.index.obj;
	}
	if (e->kind != LH_AST_VAR || n < 2 || st[n - 1]->kind != LH_AST_GETATTR)
		return NULL;
	const char *root = e->u.var.name;
	for (size_t i = 0; reserved_roots[i] != NULL; i++)
		if (strcmp(root, reserved_roots[i]) == 0)
			return NULL;
	if (strcmp(root, "data") == 0 || strcmp(root, "module") == 0)
		return NULL;
	lh_resource *r = lh_config_resource(cfg, root, st[n - 1]->u.getattr.name);
	if (r == NULL || r == self)
		return NULL;
	struct trav *t = lh_arena_alloc(cfg->priv->long_a, sizeof *t);
	t->r = r;
	t->n = n - 1;
	t->skey = lh_arena_alloc(cfg->priv->long_a, (size_t)t->n * sizeof *t->skey);
	for (int i = 0; i < t->n; i++) {
		t->steps[i] = st[n - 2 - i];
		if (t->steps[i]->kind == LH_AST_INDEX)
			skey_of(t->steps[i]->u.index.key, &t->skey[i]);
	}
	return t;
}

/* t's value in the scope of ev, or NULL when the evaluator is to evaluate it. */
static lh_value *
trav_eval(lh_config *cfg, lh_eval *ev, struct trav *t)
{
	if (ev->on_ref != NULL)
		return NULL;
	lh_value *v = resource_value(cfg, t->r);
	if (v == NULL)
		return NULL;
	/* the keys without a word to the run's diagnostics: any word, and the evaluator
	 * takes over (and says it) */
	struct lh_config_priv *p = cfg->priv;
	lh_diags quiet, *saved_d = ev->d, *saved_p = p->d;
	lh_diags_init(&quiet, ev->a);
	ev->d = p->d = &quiet;
	/* (the expression's references passed the static check: rp->refs_ok) */
	bool (*cr)(lh_eval *, const lh_node *) = ev->check_refs;
	ev->check_refs = NULL;
	lh_value *out = NULL;
	for (int i = 0; i < t->n; i++) {
		if (v->flags == LH_VF_UNKNOWN && v->type->kind == LH_TY_DYNAMIC) {
			/* not known at all (validate): so is every step of it, once its keys
			 * are good ones (not null, not marked) */
			for (; i < t->n; i++) {
				if (t->steps[i]->kind != LH_AST_INDEX)
					continue;
				lh_value *k = scope_key(ev->ctx, &t->skey[i], p->epoch);
				if (k == NULL)
					k = lh_eval_expr(ev, t->steps[i]->u.index.key);
				if (k == NULL || quiet.errors + quiet.warnings > 0 || lh_val_is_sensitive(k) ||
				    (lh_val_is_null(k) && !lh_val_is_unknown(k)))
					goto done;
			}
			out = lh_val_unknown(ev->a, &lh_type_dynamic);
			goto done;
		}
		if (v->flags != 0)
			goto done;
		const lh_node *st = t->steps[i];
		lh_value *k = NULL;
		if (st->kind == LH_AST_INDEX) {
			k = scope_key(ev->ctx, &t->skey[i], p->epoch);
			if (k == NULL)
				k = lh_eval_expr(ev, st->u.index.key);
			if (k == NULL || quiet.errors + quiet.warnings > 0 || k->flags != 0)
				goto done;
		}
		const lh_type *ty = v->type;
		if (st->kind == LH_AST_GETATTR) {
			if (ty->kind != LH_TY_OBJECT && ty->kind != LH_TY_MAP)
				goto done;
			size_t pos = t->opos[i];
			if (t->okey[i] != NULL && pos < v->u.map.n && v->u.map.keys[pos] == t->okey[i] &&
			    (t->oep[i] == p->epoch || same_name(t->okey[i], st->u.getattr.name))) {
				v = v->u.map.vals[pos];
				t->oep[i] = p->epoch;
				continue;	/* (the same key string, still this name) */
			}
			long at = lh_val_key_index(v, st->u.getattr.name);
			if (at < 0)
				goto done;
			t->okey[i] = v->u.map.keys[at];
			t->opos[i] = (size_t)at;
			t->oep[i] = p->epoch;
			v = v->u.map.vals[at];
		} else if (ty->kind == LH_TY_OBJECT || ty->kind == LH_TY_MAP) {
			if (k->type != &lh_type_string)
				goto done;
			long at = trav_key(cfg, &t->tix[i], v, k->u.str.s);
			v = at < 0 ? NULL : v->u.map.vals[at];
		} else if (ty->kind == LH_TY_TUPLE || ty->kind == LH_TY_LIST) {
			if (k->type != &lh_type_number || !k->u.num.is_int || k->u.num.i < 0 ||
			    (uint64_t)k->u.num.i >= v->u.seq.n)
				goto done;
			v = v->u.seq.items[k->u.num.i];
		} else {
			goto done;
		}
		if (v == NULL)
			goto done;
	}
	out = v;
done:
	ev->d = saved_d;
	p->d = saved_p;
	ev->check_refs = cr;
	return out;
}

/* The value of key k (rp->keys[k], named name) in args, an object of an earlier
 * instance's arguments: taken by position when args has rp's keys (the usual case),
 * else looked up.  NULL when absent. */
static lh_value *
arg_at(res_priv *rp, const lh_value *args, size_t k, const char *name)
{
	if (args->flags != 0 || args->type->kind != LH_TY_OBJECT || args->u.map.n != rp->nkeys)
		return lh_val_get(args, name);
	if (args->u.map.keys != rp->same_keys) {
		for (size_t j = 0; j < rp->nkeys; j++)
			if (strcmp(args->u.map.keys[j], rp->keys[j]) != 0)
				return lh_val_get(args, name);
		rp->same_keys = args->u.map.keys;	/* checked once per key array */
	}
	return args->u.map.vals[k];
}

/* Argument k of r (its expression rp->arg_expr[k]) in the scope of ev: evaluated,
 * converted to the attribute's type and checked; a value identical to prev's (an
 * earlier instance's arguments, or NULL) is prev's.  NULL after diagnostics. */
static lh_value *
eval_arg(lh_config *cfg, lh_resource *r, res_priv *rp, lh_eval *ev, lh_diags *d, size_t k,
    lh_value *prev)
{
	lh_arena *a = ev->a;
	const lh_attr *at = rp->kattr[k];
	const lh_node *e = rp->arg_expr[k];
	/* The static check of the expression's references to resources (check_refs)
	 * depends on the expression and the block alone: once it has passed for an
	 * argument (nothing reported), the later instances skip it. */
	if (rp->refs_ok == NULL)
		rp->refs_ok = lh_arena_alloc(cfg->priv->long_a, rp->nkeys * sizeof *rp->refs_ok);
	lh_value *v = NULL;
	if (rp->refs_ok[k]) {
		if (rp->trav == NULL) {
			rp->trav = lh_arena_alloc(cfg->priv->long_a, rp->nkeys * sizeof *rp->trav);
			for (size_t j = 0; j < rp->nkeys; j++)
				rp->trav[j] = rp->arg_expr[j] != NULL ?
				    trav_of(cfg, r, rp->arg_expr[j]) : NULL;
		}
		if (rp->trav[k] != NULL)
			v = trav_eval(cfg, ev, rp->trav[k]);
		if (v == NULL) {
			bool (*cr)(lh_eval *, const lh_node *) = ev->check_refs;
			ev->check_refs = NULL;
			v = lh_eval_expr(ev, e);
			ev->check_refs = cr;
		}
	} else {
		int before = ev->d->errors + ev->d->warnings;
		v = lh_eval_expr(ev, e);
		rp->refs_ok[k] = v != NULL && ev->d->errors + ev->d->warnings == before;
	}
	if (v == NULL)
		return NULL;
	if (at->accept != NULL)
		v = at->accept(a, v);
	const char *err = NULL;
	lh_value *c = lh_val_convert(a, v, at->type, &err);
	if (c == NULL) {
		derr(d, e->src, e->start, e->end, r->context, "Incorrect attribute value type",
		    "Inappropriate value for attribute \"%s\": %s.", at->name, err ? err : "incorrect type");
		return NULL;
	}
	/* instances of one block often have the same value (a constant, a value
	 * from a local): the last instance's kept one is shared.  A value identical to
	 * it and not null passed the checks below as it (they look at the value
	 * alone): they are not made again. */
	lh_value *pv = prev != NULL ? arg_at(rp, prev, k, at->name) : NULL;
	if (pv != NULL && !lh_val_is_null(c) && lh_val_identical(c, pv))
		return pv;
	/* A required argument set to null (literally, or through a variable that
	 * defaults to null) is as missing as an absent one. */
	if (at->mode == LH_ATTR_REQUIRED && !r->data && lh_val_is_null(c) && !lh_val_is_unknown(c)) {
		derr(d, e->src, e->start, e->end, r->context, "Missing required argument",
		    "The argument \"%s\" is required, but no definition was found.", at->name);
		return NULL;
	}
	if (!lh_val_is_null(c) && !lh_val_is_unknown(c) &&
	    (c->type->kind == LH_TY_LIST || c->type->kind == LH_TY_SET)) {
		bool has_null = false;
		for (size_t j = 0; j < c->u.seq.n; j++)
			if (lh_val_is_null(c->u.seq.items[j]) && !lh_val_is_unknown(c->u.seq.items[j]))
				has_null = true;
		if (has_null) {
			derr(d, e->src, e->start, e->end, r->context, "Null value found in list",
			    "Null values are not allowed for this attribute value.");
			return NULL;
		}
	}
	if (at->validate != NULL && !lh_val_is_null(c) && !lh_val_is_unknown(c)) {
		const char *msg = at->validate(a, c);
		if (msg != NULL) {
			if (lh_val_has_sensitive(c))
				msg = "The value is invalid; it is sensitive, so it is not shown.";
			derr(d, e->src, e->start, e->end, r->context,
			    lh_arena_printf(a, "Invalid value for \"%s\"", at->name), "%s", msg);
			return NULL;
		}
	}
	size_t nul_at = 0;
	if (!lh_val_is_null(c) && !lh_val_is_unknown(c) && has_nul(c, &nul_at)) {
		derr(d, e->src, e->start, e->end, r->context,
		    lh_arena_printf(a, "Invalid value for \"%s\"", at->name),
		    "A string in the value contains U+0000 NULL (a NUL character)%s: it would "
		    "cut the text short in LiteLLM and in the state. Remove it.",
		    lh_val_has_sensitive(c) ? "" : lh_arena_printf(a, " at character %zu", nul_at));
		return NULL;
	}
	/* (a value not null identical to pv was taken above) */
	return pv != NULL && lh_val_is_null(c) && lh_val_identical(c, pv) ? pv : c;
}

/* Whether ranges x[0..n) and y[0..n) name the same arguments in the same order (the
 * names are the parse's interned strings). */
static bool
same_names(const lh_arg_range *x, const lh_arg_range *y, size_t n)
{
	const char *const *a = range_names(x), *const *b = range_names(y);
	if (a == b)
		return true;
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* The index among rp's keys of the argument written rp->ranges[ri], rp->nkeys when it
 * is none of them; found once per resource, not for each instance, and shared by the
 * blocks that write the same arguments in the same order (10,000 blocks: one table). */
static size_t
range_key_find(lh_config *cfg, res_priv *rp, size_t ri)
{
	struct lh_config_priv *p = cfg->priv;
	if ((rp->rkey == NULL || rp->rkey_of != rp->ranges) && p->rkey_last != NULL &&
	    p->rkey_last->rkey_of == p->rkey_last->ranges && p->rkey_last->keys == rp->keys &&
	    p->rkey_last->nranges == rp->nranges &&
	    same_names(p->rkey_last->ranges, rp->ranges, rp->nranges)) {
		rp->rkey = p->rkey_last->rkey;
		rp->rkey_of = rp->ranges;
	}
	if (rp->rkey == NULL || rp->rkey_of != rp->ranges) {
		p->rkey_last = rp;
		size_t *rk = lh_arena_alloc(cfg->priv->long_a, (rp->nranges ? rp->nranges : 1) * sizeof *rk);
		for (size_t i = 0; i < rp->nranges; i++) {
			size_t k = 0;
			while (k < rp->nkeys && strcmp(rp->keys[k], range_names(rp->ranges)[i]) != 0)
				k++;
			rk[i] = k;
		}
		rp->rkey = rk;
		rp->rkey_of = rp->ranges;
	}
	return rp->rkey[ri];
}

static inline size_t
range_key(lh_config *cfg, res_priv *rp, size_t ri)
{
	if (rp->rkey != NULL && rp->rkey_of == rp->ranges)
		return rp->rkey[ri];	/* (found for this block already) */
	return range_key_find(cfg, rp, ri);
}

/* Arguments whose value is the same for every instance of an expansion: an
 * expression of literals, operators, templates, var.*, local.*, path.*, terraform.*
 * and calls of functions that give the same result for the same arguments (not uuid,
 * timestamp, bcrypt, plantimestamp, nor a provider's), referring to no instance
 * (each, count, self) and to no resource.  Such an argument evaluated once without a
 * diagnostic (INV_CLEAN) would be evaluated again to the same value, which passes the
 * same checks, without a word: the later instances take the earlier one's value
 * instead.  An argument whose evaluation said something is evaluated for each
 * instance, as before, so that what it says is said as often. */
enum { INV_NO, INV_YES, INV_CLEAN };

static bool
invariant_expr(const lh_node *e, int depth)
{
	if (e == NULL || depth > 32)
		return false;
	switch (e->kind) {
	case LH_AST_NUMBER: case LH_AST_BOOL: case LH_AST_NULL: case LH_AST_TLIT:
		return true;
	case LH_AST_TEMPLATE:
		for (size_t i = 0; i < e->u.tmpl.n; i++)
			if (!invariant_expr(e->u.tmpl.parts[i], depth + 1))
				return false;
		return true;
	case LH_AST_TINTERP:
		return invariant_expr(e->u.interp.expr, depth + 1);
	case LH_AST_TIF:
		return invariant_expr(e->u.tif.cond, depth + 1) && invariant_expr(e->u.tif.then, depth + 1) &&
		    (e->u.tif.els == NULL || invariant_expr(e->u.tif.els, depth + 1));
	case LH_AST_TUPLE:
		for (size_t i = 0; i < e->u.tuple.n; i++)
			if (!invariant_expr(e->u.tuple.items[i], depth + 1))
				return false;
		return true;
	case LH_AST_OBJECT:
		for (size_t i = 0; i < e->u.object.n; i++)
			if ((e->u.object.keys[i]->kind != LH_AST_VAR &&
			    !invariant_expr(e->u.object.keys[i], depth + 1)) ||
			    !invariant_expr(e->u.object.values[i], depth + 1))
				return false;
		return true;
	case LH_AST_VAR: {
		const char *n = e->u.var.name;
		return strcmp(n, "var") == 0 || strcmp(n, "local") == 0 || strcmp(n, "path") == 0 ||
		    strcmp(n, "terraform") == 0;
	}
	case LH_AST_GETATTR:
		return invariant_expr(e->u.getattr.obj, depth + 1);
	case LH_AST_INDEX:
		return invariant_expr(e->u.index.obj, depth + 1) && invariant_expr(e->u.index.key, depth + 1);
	case LH_AST_CALL: {
		const char *n = e->u.call.name;
		if (strchr(n, ':') != NULL || strcmp(n, "uuid") == 0 || strcmp(n, "timestamp") == 0 ||
		    strcmp(n, "bcrypt") == 0 || strcmp(n, "plantimestamp") == 0)
			return false;
		for (size_t i = 0; i < e->u.call.n; i++)
			if (!invariant_expr(e->u.call.args[i], depth + 1))
				return false;
		return true;
	}
	case LH_AST_COND:
		return invariant_expr(e->u.cond.cond, depth + 1) && invariant_expr(e->u.cond.t, depth + 1) &&
		    invariant_expr(e->u.cond.f, depth + 1);
	case LH_AST_BINARY:
		return invariant_expr(e->u.binary.lhs, depth + 1) && invariant_expr(e->u.binary.rhs, depth + 1);
	case LH_AST_UNARY:
		return invariant_expr(e->u.unary.operand, depth + 1);
	case LH_AST_PAREN:
		return invariant_expr(e->u.paren.inner, depth + 1);
	default:
		return false;	/* for expressions, splats (their own names), anything else */
	}
}

/* The INV_* of each of rp's arguments for an expansion of r (in a), or NULL when
 * none may be. */
static unsigned char *
invariant_args(lh_config *cfg, lh_resource *r, res_priv *rp, lh_arena *a)
{
	unsigned char *inv = NULL;
	for (size_t k = 0; k < rp->nkeys; k++) {
		const lh_node *e = rp->arg_expr[k];
		if (e == NULL || !invariant_expr(e, 0) || expr_refers_res(cfg, r, e))
			continue;
		if (inv == NULL)
			inv = lh_arena_alloc(a, rp->nkeys);
		inv[k] = INV_YES;
	}
	return inv;
}

/* The null of each of rp's arguments (in a), for the instances of an expansion. */
static lh_value **
arg_nulls(res_priv *rp, lh_arena *a)
{
	lh_value **nulls = lh_arena_alloc(a, (rp->nkeys ? rp->nkeys : 1) * sizeof *nulls);
	for (size_t k = 0; k < rp->nkeys; k++)
		nulls[k] = lh_val_null(a, rp->kattr[k]->type);
	return nulls;
}

static lh_instance *
expand_one(lh_config *cfg, lh_resource *r, res_priv *rp, lh_eval *ev, lh_diags *d)
{
	lh_arena *a = ev->a;
	lh_value **vals = lh_arena_alloc(a, (rp->nkeys ? rp->nkeys : 1) * sizeof *vals);
	/* the arguments of the last instance of this block, or of this type's */
	lh_value *prev = rp->prev_args;
	for (size_t i = 0; prev == NULL && i < sizeof cfg->priv->last_args / sizeof cfg->priv->last_args[0]; i++)
		if (cfg->priv->last_args[i].s == r->schema)
			prev = cfg->priv->last_args[i].args;
	bool ok = true;
	lh_value **nulls = ((scope *)ev->ctx)->nulls;
	if (nulls != NULL && rp->nkeys > 0)
		memcpy(vals, nulls, rp->nkeys * sizeof *vals);
	else
		for (size_t k = 0; k < rp->nkeys; k++)
			vals[k] = lh_val_null(a, rp->kattr[k]->type);
	/* in source order, so that diagnostics come in the order of the file */
	unsigned char *inv = ((scope *)ev->ctx)->inv;
	for (size_t ri = 0; ri < rp->nranges; ri++) {
		size_t k = range_key(cfg, rp, ri);
		if (k == rp->nkeys)
			continue;
		if (inv != NULL && inv[k] == INV_CLEAN && rp->prev_args != NULL) {
			/* the same value as this expansion's earlier instances (invariant_expr) */
			lh_value *pv = arg_at(rp, rp->prev_args, k, rp->keys[k]);
			if (pv != NULL) {
				vals[k] = pv;
				continue;
			}
		}
		int said = d->errors + d->warnings + ev->d->errors + ev->d->warnings;
		lh_value *c = eval_arg(cfg, r, rp, ev, d, k, prev);
		if (c == NULL) {
			ok = false;
			continue;
		}
		if (inv != NULL && inv[k] == INV_YES &&
		    said == d->errors + d->warnings + ev->d->errors + ev->d->warnings)
			inv[k] = INV_CLEAN;
		vals[k] = c;
	}
	if (ok && r->data) {
		/* an argument written but null (a variable without a value) counts as unset */
		size_t set = 0;
		for (size_t k = 0; k < rp->nkeys; k++)
			if (!lh_val_is_null(vals[k]) || lh_val_is_unknown(vals[k]))
				set++;
		const lh_arg_range *ar = NULL;
		const char *ar_name = NULL;
		for (size_t i = 0; i < rp->nranges && ar == NULL; i++)
			if (is_data_key(r->schema, range_names(rp->ranges)[i])) {
				ar = &rp->ranges[i];
				ar_name = range_names(rp->ranges)[i];
			}
		/* none written at all was reported by check_data_keys */
		if (set == 0 && ar != NULL) {
			derr(d, ar ? range_src(r, rp->ranges, ar) : r->block->src,
			    ar ? ar->start : r->block->u.block.open,
			    ar ? ar->end : r->block->u.block.open + 1, r->context, "Invalid combination of arguments",
			    "\"%s\": one of `%s` must be specified: %s looks its object up by one of them, and %s is null.",
			    ar ? ar_name : r->schema->data_keys[0], data_keys_text(a, r->schema), r->addr,
			    ar ? ar_name : r->schema->data_keys[0]);
			ok = false;
		}
	}
	if (!ok)
		return NULL;
	/* (the instance record itself in cfg->a, where instance_keep keeps it: only what it
	 * points to is copied there) */
	lh_instance *in = lh_arena_alloc(cfg->a, sizeof *in);
	in->res = r;
	in->type = r->type;
	in->name = r->name;
	in->args = same_shape(rp, prev, vals) ? lh_val_object_typed(a, prev->type, prev->u.map.keys, vals) :
	    lh_val_object(a, rp->keys, vals, rp->nkeys);
	if (prev != NULL && in->args->type != prev->type && lh_type_equal(in->args->type, prev->type)) {
		/* one object type (and key list) for the type's instances */
		in->args->type = prev->type;
		in->args->u.map.keys = prev->u.map.keys;
	}
	in->ranges = rp->ranges;
	in->nranges = rp->nranges;
	in->deps = r->deps;
	in->ndeps = r->ndeps;
	in->lifecycle = r->lifecycle;
	in->block = r->block;
	in->id.type = r->type;
	in->id.name = r->name;
	in->id.kind = LH_KEY_NONE;
	in->id.data = r->data;
	scope *sc = ev->ctx;
	in->count_index = sc->count_index;
	in->each_key = sc->each_key;
	in->each_value = sc->each_value;
	/* preconditions, before the change is planned; validate (no resolver) reports
	 * only the errors of the expressions (its values are not the run's), and of
	 * the postconditions' with self not known */
	bool run = cfg->priv->resolve != NULL;
	for (size_t i = 0; !run && i < r->lifecycle->npost; i++) {
		const char *msg = NULL;
		sc->self = lh_val_unknown(a, &lh_type_dynamic);
		if (eval_condition(cfg, sc, r->lifecycle->post[i], r->context, d, &msg) == COND_ERROR)
			ok = false;
		sc->self = NULL;
	}
	lh_cond_mode cm = cfg->priv->cond;
	for (size_t i = 0; i < r->lifecycle->npre && !(run && cm == LH_COND_OFF); i++) {
		const char *msg = NULL;
		const lh_node *cb = r->lifecycle->pre[i];
		int res = eval_condition(cfg, sc, cb, r->context, d, &msg);
		if (!run && res == COND_FAIL)
			continue;
		if (run) {
			bool ki = sc->in_count && sc->count_index != NULL && !lh_val_is_unknown(sc->count_index);
			bool ks = sc->in_each && sc->each_key != NULL && !lh_val_is_unknown(sc->each_key);
			crec_resource(cfg, r, ki ? LH_KEY_INT : ks ? LH_KEY_STR : LH_KEY_NONE,
			    ki ? (long long)lh_number_double(sc->count_index->u.num) : 0,
			    ks ? sc->each_key->u.str.s : NULL, cb, res, msg);
		}
		if (res == COND_FAIL) {
			const lh_node *e = body_attr(cb->u.block.body, "condition")->u.attr.expr;
			lh_diag *g = derr(d, e->src, e->start, e->end, r->context,
			    "Resource precondition failed", "%s", msg);
			cond_values(cfg, sc, r->context, d, g, e);
			if (cm == LH_COND_WARN) {
				g->sev = LH_DIAG_WARNING;	/* -refresh-only: reported, not fatal */
				d->errors--;
				d->warnings++;
				continue;
			}
		}
		if (res == COND_FAIL || res == COND_ERROR)
			ok = false;
	}
	return ok ? in : NULL;
}

/* An instance's value v to keep (see instance_keep_quick): 0 when made before the
 * mark (shared), 1 when a leaf after it (a string, number or bool, or a null or
 * unknown) whose type and number are made before it (copied, with its string's bytes
 * when they are after the mark too), -1 for anything else. */
static int
qk_class(lh_arena *s, lh_arena_mark m, const lh_value *v)
{
	if (v == NULL || !lh_arena_since(s, m, v))
		return 0;
	const lh_type *t = v->type;
	bool nu = (v->flags & (LH_VF_NULL | LH_VF_UNKNOWN)) != 0;
	if (t != &lh_type_string && t != &lh_type_number && t != &lh_type_bool)
		return nu && !lh_arena_since(s, m, t) ? 1 : -1;
	if (!nu && t == &lh_type_number && v->u.num.big != NULL && lh_arena_since(s, m, v->u.num.big))
		return -1;
	return 1;
}

/* v (qk_class 1) copied into cfg->a. */
static lh_value *
qk_copy(lh_config *cfg, lh_arena_mark m, const lh_value *v)
{
	bool str = v->type == &lh_type_string && !(v->flags & (LH_VF_NULL | LH_VF_UNKNOWN)) &&
	    lh_arena_since(cfg->priv->scratch, m, v->u.str.s);
	size_t extra = str ? v->u.str.len + 1 : 0;
	lh_value *c = lh_arena_alloc(cfg->a, sizeof *c + extra);
	*c = *v;
	if (str) {
		char *b = (char *)(c + 1);
		memcpy(b, v->u.str.s, v->u.str.len);
		b[v->u.str.len] = 0;
		c->u.str.s = b;
	}
	return c;
}

/* The four parts of an instance (parts: its arguments, count.index, each.key,
 * each.value) kept without lh_val_keep_n's tables when the arguments are an object
 * whose type and keys are made before the mark (an earlier instance's: same_shape)
 * and every value after it is a leaf (qk_class): the usual instance of count or
 * for_each.  A value met twice is copied once, as lh_val_keep_n does.  False, nothing
 * kept, otherwise. */
#define QK_MAX 24
static bool
instance_keep_quick(lh_config *cfg, lh_value **parts, lh_arena_mark m, const lh_value *prev)
{
	lh_arena *s = cfg->priv->scratch;
	lh_value *args = parts[0];
	if (args == NULL || args->flags != 0 || args->type->kind != LH_TY_OBJECT ||
	    args->u.map.n + 3 > QK_MAX)
		return false;
	size_t n = args->u.map.n;
	bool copy = lh_arena_since(s, m, args);
	/* (prev, an instance's kept arguments, and all it holds are made before the mark:
	 * what args shares with it needs no look at the arena) */
	bool same = prev != NULL && prev->type == args->type && prev->u.map.keys == args->u.map.keys;
	if (copy && !same && (lh_arena_since(s, m, args->type) || lh_arena_since(s, m, args->u.map.keys)))
		return false;
	/* all: the three parts, then the arguments' values when args is copied */
	lh_value *all[QK_MAX];
	int cls[QK_MAX];
	size_t na = 0;
	for (int i = 1; i < 4; i++)
		all[na++] = parts[i];
	for (size_t i = 0; copy && i < n; i++)
		all[na++] = args->u.map.vals[i];
	for (size_t i = 0; i < na; i++) {
		if (same && i >= 3 && all[i] == prev->u.map.vals[i - 3])
			cls[i] = 0;
		else if ((cls[i] = qk_class(s, m, all[i])) < 0)
			return false;
	}
	lh_value *out[QK_MAX];
	for (size_t i = 0; i < na; i++) {
		out[i] = all[i];
		if (cls[i] == 0)
			continue;
		size_t j = 0;
		while (j < i && all[j] != all[i])
			j++;
		out[i] = j < i ? out[j] : qk_copy(cfg, m, all[i]);
	}
	for (int i = 1; i < 4; i++)
		parts[i] = out[i - 1];
	if (copy) {
		lh_value **vals = lh_arena_alloc(cfg->a, (n ? n : 1) * sizeof *vals);
		memcpy(vals, out + 3, n * sizeof *vals);
		lh_value *c = lh_arena_alloc(cfg->a, sizeof *c);
		*c = *args;
		c->u.map.vals = vals;
		parts[0] = c;
	}
	return true;
}

/* in (made by expand_one: the record in cfg->a, what it holds in the scratch arena)
 * as an instance of cfg->a: what it holds from the scratch arena after m (the
 * expansion's start) copied, the rest shared; its address formatted (addr: as
 * given). */
static lh_instance *
instance_keep(lh_config *cfg, res_priv *rp, lh_instance *in, lh_arena_mark m,
    const char *addr)
{
	lh_arena *s = cfg->priv->scratch;
	lh_instance *k = in;
	const lh_value *ek = in->each_key;	/* (as made, before it is kept) */
	/* one copy for all four: each.value's parts inside the arguments are shared */
	lh_value *parts[4] = {in->args, in->count_index, in->each_key, in->each_value};
	if (!instance_keep_quick(cfg, parts, m, rp->prev_args))
		lh_val_keep_n(cfg->a, parts, 4, s, m);
	k->args = parts[0];
	k->count_index = parts[1];
	k->each_key = parts[2];
	k->each_value = parts[3];
	if (k->each_key != NULL && ek != NULL && ek->type == &lh_type_string &&
	    ek->flags == 0 && ek->u.str.s == k->id.key)
		k->id.key = k->each_key->u.str.s;	/* the same string, kept once */
	else
		k->id.key = scratch_keep_str(cfg, m, k->id.key);
	k->addr = addr != NULL ? addr : lh_addr_format(cfg->a, &k->id);
	rp->prev_args = k->args;
	struct lh_config_priv *p = cfg->priv;
	size_t nl = sizeof p->last_args / sizeof p->last_args[0], i = 0;
	while (i < nl && p->last_args[i].s != NULL && p->last_args[i].s != in->res->schema)
		i++;
	if (cfg->a == p->long_a && i < nl) {
		p->last_args[i].s = in->res->schema;
		p->last_args[i].args = k->args;
	}
	return k;
}

static void part_failed(lh_config *cfg, const lh_resource *r, size_t k, lh_key_kind kind,
    long long index, const char *key);
static void part_keep(lh_config *cfg, lh_instance **out, size_t *n);

/* The run's instances of r from validate's (rp->partial): each one's arguments that
 * refer to a resource evaluated again in its scope (count.index, each.key, each.value
 * as validate had them), in source order, checked as expand_one checks them; the
 * other arguments, the keys and the addresses are validate's, which were evaluated
 * from the same values without a diagnostic.  The first expansion of a run turns
 * validate's instances into the run's (their arguments rewritten in place); later ones
 * (apply's, after what they refer to is applied) make new instances, in cfg->a, for
 * the run's records hold the earlier ones.  NULL with *n = 0 after errors. */
static lh_instance **
expand_again(lh_config *cfg, lh_resource *r, res_priv *rp, lh_diags *d, size_t *n)
{
	lh_arena *a = cfg->a;
	*n = 0;
	if (!check_resource_body(cfg, r, rp, d) || rp->nvinst == 0)
		return NULL;
	rp->prev_args = NULL;
	rp->same_keys = NULL;
	scope sc = {0};
	lh_eval ev;
	scope_eval(&ev, cfg, &sc, d, r->context);
	sc.res = r;
	sc.in_count = r->mode == LH_EXPAND_COUNT;
	sc.in_each = r->mode == LH_EXPAND_FOR_EACH;
	lh_arena_mark m0, mi;
	lh_arena *s = scratch_begin(cfg, &m0);
	ev.a = s;
	lh_instance **out = lh_arena_alloc(a, rp->nvinst * sizeof *out);
	lh_value **vals = lh_arena_alloc(s, (rp->nkeys ? rp->nkeys : 1) * sizeof *vals);
	bool ok = true;
	for (size_t i = 0; i < rp->nvinst; i++) {
		lh_instance *vi = rp->vinst[i];
		mi = lh_arena_get_mark(s);
		sc.count_index = vi->count_index;
		sc.each_key = vi->each_key;
		sc.each_value = vi->each_value;
		sc.nrefs = 0;
		const lh_value *va = vi->args;
		bool bypos = rp->nkeys > 0 && va->flags == 0 && va->type->kind == LH_TY_OBJECT &&
		    va->u.map.n == rp->nkeys;
		if (bypos && va->u.map.keys != rp->same_keys) {
			(void)arg_at(rp, va, 0, rp->keys[0]);	/* (compares the key array once) */
			bypos = va->u.map.keys == rp->same_keys;
		}
		if (bypos) {
			/* rp's keys: every argument by its position, as arg_at takes it */
			memcpy(vals, va->u.map.vals, rp->nkeys * sizeof *vals);
		} else {
			for (size_t k = 0; k < rp->nkeys; k++)
				vals[k] = arg_at(rp, vi->args, k, rp->keys[k]);
		}
		/* the arguments of the last instance of this block, or validate's */
		lh_value *prev = rp->prev_args != NULL ? rp->prev_args : vi->args;
		bool iok = true;
		for (size_t ri = 0; ri < rp->nranges; ri++) {
			size_t k = range_key(cfg, rp, ri);
			if (k == rp->nkeys || !rp->arg_res[k])
				continue;
			lh_value *c = eval_arg(cfg, r, rp, &ev, d, k, prev);
			if (c == NULL) {
				iok = false;
				continue;
			}
			vals[k] = c;
		}
		if (!iok) {
			ok = false;
			lh_arena_release(s, mi);
			part_failed(cfg, r, rp->nvinst, vi->id.kind, vi->id.index, vi->id.key);
			continue;
		}
		if (!rp->vused && same_shape(rp, vi->args, vals)) {
			/* the run's first expansion: validate's instance becomes the run's,
			 * its new values written into its arguments (of their types), so that
			 * the run does not hold both */
			for (size_t k = 0; k < rp->nkeys; k++)
				if (rp->arg_res[k])
					vi->args->u.map.vals[k] = lh_val_keep(a, vals[k], s, m0);
			rp->prev_args = vi->args;
			out[(*n)++] = vi;
			lh_arena_release(s, mi);
			continue;
		}
		lh_value *args = same_shape(rp, prev, vals) ?
		    lh_val_object_typed(s, prev->type, prev->u.map.keys, vals) :
		    lh_val_object(s, rp->keys, vals, rp->nkeys);
		if (args->type != prev->type && lh_type_equal(args->type, prev->type)) {
			args->type = prev->type;
			args->u.map.keys = prev->u.map.keys;
		}
		lh_instance *k = lh_arena_alloc(a, sizeof *k);
		*k = *vi;
		k->args = lh_val_keep(a, args, s, m0);
		rp->prev_args = k->args;
		out[(*n)++] = k;
		lh_arena_release(s, mi);
	}
	scratch_end(cfg, m0);
	rp->vused = true;	/* (a later expansion makes new instances: the run's
				 * records hold these) */
	rp->prev_args = NULL;
	if (!ok)
		part_keep(cfg, out, n);
	return *n > 0 ? out : NULL;
}

/* An instance of r (of k) that failed while a run expanded it: its key kept for
 * lh_config_expand_partial (validate keeps none). */
static void
part_failed(lh_config *cfg, const lh_resource *r, size_t k, lh_key_kind kind, long long index,
    const char *key)
{
	struct lh_config_priv *p = cfg->priv;
	if (p->resolve == NULL)
		return;
	if (p->part_failed == NULL || p->npart_failed == 0)
		p->part_failed = lh_arena_alloc(cfg->a, (k ? k : 1) * sizeof *p->part_failed);
	lh_addr *id = &p->part_failed[p->npart_failed++];
	memset(id, 0, sizeof *id);
	id->type = r->type;
	id->name = r->name;
	id->kind = kind;
	id->index = index;
	id->key = key != NULL ? lh_arena_strdup(cfg->a, key) : NULL;
}

/* The end of an expansion some of whose instances failed: none returned (*n = 0), the
 * others kept for lh_config_expand_partial when a run expanded it. */
static void
part_keep(lh_config *cfg, lh_instance **out, size_t *n)
{
	struct lh_config_priv *p = cfg->priv;
	if (p->resolve != NULL && *n > 0) {
		p->part = out;
		p->npart = *n;
	}
	*n = 0;
}

lh_instance **
lh_config_expand_partial(lh_config *cfg, size_t *n, const lh_addr **failed, size_t *nfailed)
{
	struct lh_config_priv *p = cfg->priv;
	*n = p->npart;
	*failed = p->part_failed;
	*nfailed = p->npart_failed;
	return p->npart_failed > 0 ? p->part : NULL;
}

lh_instance **
lh_config_expand(lh_config *cfg, lh_resource *r, lh_resolver resolve, void *ctx,
    lh_diags *d, size_t *n)
{
	struct lh_config_priv *p = cfg->priv;
	lh_arena *a = cfg->a;
	*n = 0;
	p->epoch++;
	p->resolve = resolve;
	p->rctx = ctx;
	lh_diags *saved = p->d;
	p->d = d;
	lh_instance **out = NULL;
	long idx = find_res_idx(cfg, r->addr);
	res_priv *rp = &p->rp[idx];
	p->part = NULL;
	p->npart = p->npart_failed = 0;
	if (resolve != NULL && rp->validated) {
		/* validate expanded it already, with the values a run has (it refers to no
		 * resource): the same instances, evaluated once - and its body may be freed
		 * since (lh_config_release_trees, tree_done): never evaluated again */
		p->d = saved;
		p->resolve = NULL;
		p->rctx = NULL;
		*n = rp->nvinst;
		return *n > 0 ? rp->vinst : NULL;
	}
	if (resolve != NULL && rp->partial) {
		out = expand_again(cfg, r, rp, d, n);
		p->d = saved;
		p->resolve = NULL;
		p->rctx = NULL;
		return out;
	}
	/* A body with structural errors is still evaluated, so that every problem is
	 * reported at once; it yields no instances. */
	bool body_ok = check_resource_body(cfg, r, rp, d);
	rp->prev_args = NULL;	/* (an earlier expansion's may be in a freed arena) */
	rp->same_keys = NULL;
	scope sc = {0};
	lh_eval ev;
	scope_eval(&ev, cfg, &sc, d, r->context);
	sc.res = r;
	/* count / for_each and each instance's evaluation in the scratch arena (from
	 * m0); each instance's own intermediate values freed after it (from mi) */
	lh_arena_mark m0, mi;
	lh_arena *s = scratch_begin(cfg, &m0);
	ev.a = s;
	if (r->mode == LH_EXPAND_ONE) {
		lh_instance *in = expand_one(cfg, r, rp, &ev, d);
		if (in == NULL)
			goto out;
		out = lh_arena_alloc(a, sizeof *out);
		out[0] = instance_keep(cfg, rp, in, m0, r->addr);
		*n = 1;
		goto out;
	}
	if (r->mode == LH_EXPAND_COUNT) {
		const lh_node *e = r->count;
		lh_value *c = lh_eval_expr(&ev, e);
		if (c == NULL)
			goto out;
		const char *err = NULL;
		lh_value *cn = lh_val_convert(s, c, &lh_type_number, &err);
		if (cn == NULL) {
			derr(d, e->src, e->start, e->end, r->context, "Invalid count argument",
			    "The given \"count\" argument value is unsuitable: %s.", err ? err : "a number is required");
			goto out;
		}
		if (lh_val_is_unknown(cn) && p->validate_only) {
			p->expanded_unknown = true;
			sc.in_count = true;
			sc.count_index = lh_val_unknown(s, &lh_type_number);
			lh_instance *in = expand_one(cfg, r, rp, &ev, d);
			if (in != NULL) {
				out = lh_arena_alloc(a, sizeof *out);
				out[0] = instance_keep(cfg, rp, in, m0, lh_arena_printf(a, "%s[*]", r->addr));
				*n = 1;
			}
			goto out;
		}
		if (lh_val_is_unknown(cn)) {
			derr(d, e->src, e->start, e->end, r->context, "Invalid count argument",
			    "The \"count\" value depends on resource attributes that cannot be determined until apply, so litehcl cannot predict how many instances will be created. To work around this, use the -target argument to first apply only the resources that the count depends on.");
			goto out;
		}
		if (lh_val_is_null(cn)) {
			derr(d, e->src, e->start, e->end, r->context, "Invalid count argument",
			    "The given \"count\" argument value is null. An integer is required.");
			goto out;
		}
		double cnt = lh_number_double(cn->u.num);
		if (!cn->u.num.is_int && cnt != (double)(int64_t)cnt) {
			derr(d, e->src, e->start, e->end, r->context, "Invalid count argument",
			    "The given \"count\" argument value is unsuitable: value must be a whole number.");
			goto out;
		}
		if (cnt < 0) {
			derr(d, e->src, e->start, e->end, r->context, "Invalid count argument",
			    "The given \"count\" argument value is unsuitable: must be greater than or equal to zero.");
			goto out;
		}
		if (cnt > 1000000) {
			derr(d, e->src, e->start, e->end, r->context, "Invalid count argument",
			    "The given \"count\" argument value is unsuitable: at most 1000000 instances are supported.");
			goto out;
		}
		size_t k = (size_t)cnt;
		out = lh_arena_alloc(a, (k ? k : 1) * sizeof *out);
		sc.in_count = true;
		sc.inv = k > 1 ? invariant_args(cfg, r, rp, s) : NULL;
		sc.nulls = k > 1 ? arg_nulls(rp, s) : NULL;
		bool ok = true;
		for (size_t i = 0; i < k; i++) {
			mi = lh_arena_get_mark(s);
			sc.count_index = lh_val_int(s, (int64_t)i);
			lh_instance *in = expand_one(cfg, r, rp, &ev, d);
			if (in == NULL) {
				ok = false;
				lh_arena_release(s, mi);
				part_failed(cfg, r, k, LH_KEY_INT, (long long)i, NULL);
				continue;
			}
			in->id.kind = LH_KEY_INT;
			in->id.index = (long long)i;
			out[(*n)++] = instance_keep(cfg, rp, in, m0, NULL);
			lh_arena_release(s, mi);
		}
		sc.count_index = NULL;
		if (!ok)
			part_keep(cfg, out, n);
		goto out;
	}
	lh_value *fe = lh_eval_expr(&ev, r->for_each);
	if (fe == NULL)
		goto out;
	const char **keys;
	lh_value **vals;
	size_t m;
	bool unk;
	if (!for_each_keys(cfg, r, &ev, fe, &keys, &vals, &m, &unk)) {
		if (unk && p->validate_only) {
			p->expanded_unknown = true;
			sc.in_each = true;
			sc.each_key = lh_val_unknown(s, &lh_type_string);
			sc.each_value = lh_val_unknown(s, &lh_type_dynamic);
			lh_instance *in = expand_one(cfg, r, rp, &ev, d);
			if (in != NULL) {
				out = lh_arena_alloc(a, sizeof *out);
				out[0] = instance_keep(cfg, rp, in, m0, lh_arena_printf(a, "%s[*]", r->addr));
				*n = 1;
			}
		}
		goto out;
	}
	out = lh_arena_alloc(a, (m ? m : 1) * sizeof *out);
	sc.in_each = true;
	sc.inv = m > 1 ? invariant_args(cfg, r, rp, s) : NULL;
	sc.nulls = m > 1 ? arg_nulls(rp, s) : NULL;
	bool ok = true;
	for (size_t i = 0; i < m; i++) {
		mi = lh_arena_get_mark(s);
		/* (the key's own string, which lives until the expansion ends: instance_keep
		 * copies it once, when it is in the scratch arena) */
		sc.each_key = lh_val_string_take(s, keys[i], strlen(keys[i]));
		sc.each_value = vals[i];
		lh_instance *in = expand_one(cfg, r, rp, &ev, d);
		if (in == NULL) {
			ok = false;
			lh_arena_release(s, mi);
			part_failed(cfg, r, m, LH_KEY_STR, 0, keys[i]);
			continue;
		}
		in->id.kind = LH_KEY_STR;
		in->id.key = keys[i];
		out[(*n)++] = instance_keep(cfg, rp, in, m0, NULL);
		lh_arena_release(s, mi);
	}
	if (!ok)
		part_keep(cfg, out, n);
out:
	scratch_end(cfg, m0);
	rp->prev_args = NULL;
	p->d = saved;
	p->resolve = NULL;
	p->rctx = NULL;
	if (!body_ok)
		*n = 0;
	if (*n == 0)
		return NULL;
	return out;
}

lh_output **
lh_config_outputs(lh_config *cfg, lh_resolver resolve, void *ctx, lh_diags *d, size_t *n)
{
	struct lh_config_priv *p = cfg->priv;
	lh_arena *a = cfg->a;
	p->epoch++;
	p->resolve = resolve;
	p->rctx = ctx;
	lh_diags *saved = p->d;
	p->d = d;
	lh_output **out = lh_arena_alloc(a, (p->noutputs ? p->noutputs : 1) * sizeof *out);
	for (size_t i = 0; i < p->noutputs; i++) {
		const lh_node *b = p->outputs[i];
		const lh_node *body = b->u.block.body;
		const char *ctx2 = block_context(a, b);
		lh_output *o = lh_arena_alloc(a, sizeof *o);
		o->name = b->u.block.labels[0].text;
		o->block = b;
		out[i] = o;
		const lh_node *at;
		/* (description and sensitive: their problems were reported as the block was
		 * loaded, load_output) */
		lh_diags once;
		lh_diags_init(&once, a);
		if ((at = body_attr(body, "sensitive")) != NULL)
			literal_bool(cfg, at, ctx2, &once, &o->sensitive);
		lh_eval ev;
		scope sc = {0};
		scope_eval(&ev, cfg, &sc, d, ctx2);
		/* evaluated in the scratch arena: only the value and description kept */
		lh_arena_mark m;
		ev.a = scratch_begin(cfg, &m);
		if ((at = body_attr(body, "description")) != NULL) {
			lh_value *s = static_value(cfg, ev.a, at, &lh_type_string, ctx2, &once);
			if (s != NULL && !lh_val_is_null(s))
				o->description = scratch_keep_str(cfg, m, s->u.str.s);
		}
		if ((at = body_attr(body, "depends_on")) != NULL) {
			const lh_node *e = at->u.attr.expr;
			for (size_t k = 0; e->kind == LH_AST_TUPLE && k < e->u.tuple.n; k++) {
				lh_addr ad;
				lh_resource *t = NULL;
				if (node_addr(a, e->u.tuple.items[k], &ad, true))
					t = lh_config_resource(cfg, ad.type, ad.name);
				if (t == NULL) {
					const lh_node *x = e->u.tuple.items[k];
					derr(d, x->src, x->start, x->end, ctx2, "Invalid depends_on reference",
					    "References in depends_on must be to a whole object (resource, etc), not to an attribute of an object, and the object must be declared in this configuration.");
					continue;
				}
				o->depends_on = GROW1(a, o->depends_on, o->ndepends_on, sizeof *o->depends_on);
				o->depends_on[o->ndepends_on++] = t->addr;
			}
			if (e->kind != LH_AST_TUPLE)
				derr(d, e->src, e->start, e->end, ctx2, "Invalid depends_on reference",
				    "The depends_on argument must be a list of references to resources.");
		}
		/* preconditions (not in validate: its values are not the run's) */
		bool pre_ok = true;
		for (size_t k = 0; k < body->u.body.n; k++) {
			const lh_node *cb = body->u.body.items[k];
			if (cb->kind != LH_AST_BLOCK || strcmp(cb->u.block.type, "precondition") != 0 ||
			    body_attr(cb->u.block.body, "condition") == NULL ||
			    body_attr(cb->u.block.body, "error_message") == NULL)
				continue;
			const char *msg = NULL;
			int res = eval_condition(cfg, &sc, cb, ctx2, d, &msg);
			if (res == COND_FAIL && resolve == NULL)	/* validate: errors only */
				continue;
			if (resolve != NULL) {
				cond_rec c = {.kind = 'o', .name = o->name, .cb = cb, .status = res,
				    .msg = res == COND_FAIL ? msg : NULL};
				crec_put(cfg, &c);
			}
			if (res == COND_FAIL) {
				const lh_node *e = body_attr(cb->u.block.body, "condition")->u.attr.expr;
				lh_diag *g = derr(d, e->src, e->start, e->end, ctx2,
				    "Module output value precondition failed", "%s", msg);
				cond_values(cfg, &sc, ctx2, d, g, e);
				if (p->cond == LH_COND_WARN) {
					g->sev = LH_DIAG_WARNING;	/* -refresh-only */
					d->errors--;
					d->warnings++;
					continue;
				}
			}
			if (res == COND_FAIL || res == COND_ERROR)
				pre_ok = false;
		}
		lh_value *v = NULL;
		if (pre_ok && (at = body_attr(body, "value")) != NULL)
			v = lh_eval_expr(&ev, at->u.attr.expr);
		if (v != NULL && !o->sensitive && lh_val_has_sensitive(v)) {
			derr(d, b->src, b->u.block.type_start, header_end(b), NULL, "Output refers to sensitive values",
			    "To reduce the risk of accidentally exporting sensitive data that was intended to be only internal, Terraform requires that any root module output containing sensitive data be explicitly marked as sensitive, to confirm your intent.\n\nIf you do intend to export this data, annotate the output value as sensitive by adding the following argument:\n    sensitive = true");
			v = NULL;
		}
		if (v != NULL)
			o->value = lh_val_keep(a, o->sensitive ? lh_val_mark_sensitive(ev.a, v) : v,
			    ev.a, m);
		scratch_end(cfg, m);
	}
	*n = p->noutputs;
	p->d = saved;
	p->resolve = NULL;
	p->rctx = NULL;
	return out;
}

void
lh_config_set_conditions(lh_config *cfg, lh_cond_mode m)
{
	cfg->priv->cond = m;
}

bool
lh_config_postconditions(lh_config *cfg, const lh_instance *inst, lh_value *self,
    lh_resolver resolve, void *ctx, lh_diags *d)
{
	struct lh_config_priv *p = cfg->priv;
	const lh_resource *r = inst->res;
	if (r->lifecycle->npost == 0 || self == NULL || p->cond == LH_COND_OFF)
		return true;
	int before = d->errors;
	p->epoch++;
	p->resolve = resolve;
	p->rctx = ctx;
	lh_diags *saved = p->d;
	p->d = d;
	scope sc = {0};
	sc.cfg = cfg;
	sc.res = (lh_resource *)r;
	sc.self = self;
	sc.count_index = inst->count_index;
	sc.each_key = inst->each_key;
	sc.each_value = inst->each_value;
	sc.in_count = r->mode == LH_EXPAND_COUNT;
	sc.in_each = r->mode == LH_EXPAND_FOR_EACH;
	for (size_t i = 0; i < r->lifecycle->npost; i++) {
		const char *msg = NULL;
		const lh_node *cb = r->lifecycle->post[i];
		int res = eval_condition(cfg, &sc, cb, r->context, d, &msg);
		crec_resource(cfg, r, inst->id.kind, inst->id.index, inst->id.key, cb, res, msg);
		if (res == COND_FAIL) {
			const lh_node *e = body_attr(cb->u.block.body, "condition")->u.attr.expr;
			lh_diag *g = derr(d, e->src, e->start, e->end, r->context,
			    "Resource postcondition failed", "%s", msg);
			cond_values(cfg, &sc, r->context, d, g, e);
			if (p->cond == LH_COND_WARN) {
				g->sev = LH_DIAG_WARNING;	/* -refresh-only: reported, not fatal */
				d->errors--;
				d->warnings++;
			}
		}
	}
	p->d = saved;
	p->resolve = NULL;
	p->rctx = NULL;
	return d->errors == before;
}

void
lh_config_checks(lh_config *cfg, lh_check_phase ph, lh_resolver resolve, void *ctx, lh_diags *d)
{
	struct lh_config_priv *p = cfg->priv;
	lh_arena *a = cfg->a;
	p->epoch++;
	p->resolve = resolve;
	p->rctx = ctx;
	lh_diags *saved = p->d;
	for (size_t i = 0; i < p->nchecks; i++) {
		const lh_node *b = p->checks[i];
		const lh_node *body = b->u.block.body;
		const char *ctx2 = block_context(a, b);
		for (size_t k = 0; k < body->u.body.n; k++) {
			const lh_node *ab = body->u.body.items[k];
			if (ab->kind != LH_AST_BLOCK || strcmp(ab->u.block.type, "assert") != 0)
				continue;
			/* a false or unknown condition is a warning; an expression that
			 * cannot be evaluated is an error, as in Terraform */
			p->d = d;
			const char *msg = NULL;
			scope sc = {0};
			int r = eval_condition(cfg, &sc, ab, ctx2, d, &msg);
			const lh_node *e = body_attr(ab->u.block.body, "condition")->u.attr.expr;
			if (ph != LH_CHECK_VALIDATE) {
				cond_rec c = {.kind = 'c', .name = b->u.block.labels[0].text, .cb = ab,
				    .status = r, .msg = r == COND_FAIL ? msg : NULL};
				crec_put(cfg, &c);
			}
			lh_diag *w = NULL;
			if (r == COND_FAIL && ph != LH_CHECK_VALIDATE)
				w = lh_diag_add(d, LH_DIAG_WARNING, e->src, e->start, e->end,
				    "Check block assertion failed", "%s", msg);
			else if (r == COND_UNKNOWN && ph == LH_CHECK_PLAN)
				w = lh_diag_add(d, LH_DIAG_WARNING, e->src, e->start, e->end,
				    "Check block assertion known after apply", "The condition could not be evaluated at this time, a result will be known when this plan is applied.");
			if (w != NULL)
				cond_values(cfg, &sc, ctx2, d, w, e);
			if (w != NULL) {
				w->context = ctx2;
				w->keep_apart = true;	/* Terraform never folds check results */
			}
		}
	}
	p->d = saved;
	p->resolve = NULL;
	p->rctx = NULL;
}

/* Two instances whose argument arg has the same value (case-insensitively when ci):
 * a diagnostic of severity sev at the later one, ending with the sentence why. */
void
lh_config_check_unique(lh_arena *a, lh_instance **all, size_t n, const char *arg, bool ci,
    lh_severity sev, const char *summary, const char *why, lh_diags *d)
{
	size_t cap = 64;
	while (cap < n * 2)
		cap *= 2;
	uint32_t *tab = lh_arena_alloc(a, cap * sizeof *tab);	/* index + 1 */
	const char **low = lh_arena_alloc(a, (n ? n : 1) * sizeof *low);
	for (size_t i = 0; i < n; i++) {
		low[i] = NULL;
		lh_value *e = lh_val_get(all[i]->args, arg);
		if (e == NULL || lh_val_is_null(e) || lh_val_is_unknown(e) ||
		    e->type->kind != LH_TY_STRING)
			continue;
		/* the value's own text unless it has capitals to fold (10,000 emails: no
		 * copies) */
		const char *l = e->u.str.s;
		bool upper = false;
		for (const char *q = l; ci && !upper && *q; q++)
			upper = *q >= 'A' && *q <= 'Z';
		if (upper) {
			char *c = lh_arena_strndup(a, e->u.str.s, e->u.str.len);
			for (char *q = c; *q; q++)
				if (*q >= 'A' && *q <= 'Z')
					*q = (char)(*q - 'A' + 'a');
			l = c;
		}
		low[i] = l;
		size_t h = hash_str(l) & (cap - 1);
		bool dup = false;
		while (tab[h]) {
			size_t j = tab[h] - 1;
			if (strcmp(low[j], l) == 0) {
				const lh_arg_range *ar = lh_instance_arg(all[i], arg);
				const lh_arg_range *pr = lh_instance_arg(all[j], arg);
				const char *where = pr ? lh_arena_printf(a, " (at %s)",
				    pos_text(a, lh_arg_src(all[j], pr), pr->start, pr->end)) : "";
				bool secret = lh_val_is_sensitive(e) || lh_val_is_sensitive(lh_val_get(all[j]->args, arg));
				lh_diag *g;
				if (secret)
					g = lh_diag_add(d, sev, ar ? lh_arg_src(all[i], ar) : all[i]->block->src, ar ? ar->start : all[i]->block->start,
					    ar ? ar->end : all[i]->block->start, summary,
					    "%s has the same %s as %s%s (the value is sensitive, so it is not shown). %s",
					    all[i]->addr, arg, all[j]->addr, where, why);
				else
					g = lh_diag_add(d, sev, ar ? lh_arg_src(all[i], ar) : all[i]->block->src, ar ? ar->start : all[i]->block->start,
					    ar ? ar->end : all[i]->block->start, summary,
					    "%s has %s \"%s\", which %s already uses%s. %s",
					    all[i]->addr, arg, e->u.str.s, all[j]->addr, where, why);
				g->context = all[i]->res->context;
				dup = true;
				break;
			}
			h = (h + 1) & (cap - 1);
		}
		if (!dup)
			tab[h] = (uint32_t)(i + 1);
	}
}

/* Every type's configuration-wide checks over its instances. */
static void
check_types(lh_config *cfg, lh_instance **all, size_t n, lh_diags *d)
{
	const lh_rtype *const *ts = lh_rtypes();
	lh_instance **mine = lh_arena_alloc(cfg->a, (n ? n : 1) * sizeof *mine);
	for (size_t t = 0; ts[t] != NULL; t++) {
		if (ts[t]->check_config == NULL)
			continue;
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (all[i]->res->schema == ts[t] && !all[i]->res->data)
				mine[k++] = all[i];
		ts[t]->check_config(cfg->a, mine, k, d);
	}
}

void
lh_config_check_known(lh_config *cfg, lh_instance **all, size_t n, lh_diags *d)
{
	lh_diags all_d;
	lh_diags_init(&all_d, d->a);
	/* the checks' scratch (key tables) in an arena of their own, as in validate;
	 * diagnostics copy what they keep into d's */
	lh_arena *keep = cfg->a, *scratch = lh_arena_new();
	cfg->a = scratch;
	check_types(cfg, all, n, &all_d);
	cfg->a = keep;
	lh_arena_free(scratch);
	for (lh_diag *g = all_d.head, *next; g != NULL; g = next) {
		next = g->next;
		if (g->sev == LH_DIAG_ERROR)
			lh_diags_append(d, g);
	}
}

/* Drops diagnostics after `from` that repeat an earlier one exactly (same place,
 * summary, detail and expression values - an instance's each.value makes it its
 * own, as Terraform's plan reports it): the instances of one resource block with a
 * constant mistake report it once, as Terraform's validate (which checks each block once) does. */
static void
dedupe_diags(lh_arena *a, lh_diags *d, lh_diag *from)
{
	size_t n = 0;
	for (lh_diag *g = from; g != NULL; g = g->next)
		n++;
	if (n < 2)
		return;
	size_t cap = 16;
	while (cap < n * 2)
		cap *= 2;
	lh_diag **tab = lh_arena_alloc(a, cap * sizeof *tab);
	lh_diag *prev = NULL;
	for (lh_diag *g = from; g != NULL;) {
		size_t h = hash_str(g->summary) ^ (hash_str(g->detail ? g->detail : "") * 31) ^
		    ((size_t)g->start * 2654435761u) ^ ((size_t)g->end << 7) ^ (size_t)(uintptr_t)g->src;
		h &= cap - 1;
		bool dup = false;
		while (tab[h] != NULL) {
			lh_diag *o = tab[h];
			if (o->src == g->src && o->start == g->start && o->end == g->end && o->sev == g->sev &&
			    strcmp(o->summary, g->summary) == 0 &&
			    strcmp(o->detail ? o->detail : "", g->detail ? g->detail : "") == 0 &&
			    lh_diag_same_values(o, g)) {
				dup = true;
				break;
			}
			h = (h + 1) & (cap - 1);
		}
		lh_diag *next = g->next;
		if (dup) {
			if (prev != NULL)
				prev->next = next;
			if (d->tail == g)
				d->tail = prev;
			if (g->sev == LH_DIAG_ERROR)
				d->errors--;
			else
				d->warnings--;
		} else {
			tab[h] = g;
			prev = g;
		}
		g = next;
	}
}

/* Whether nothing of a run reads the body of r, whose instances validate kept, again:
 * one instance (resource_value reads no count or for_each), no nested block
 * (lifecycle), not a data block or a check's.  (plan -out's configuration JSON reads
 * every body: lh_config_release_trees is off then.) */
static bool
tree_done(const lh_resource *r)
{
	const lh_node *body = r->block->u.block.body;
	if (r->mode != LH_EXPAND_ONE || r->data || r->check != NULL || body == NULL)
		return false;
	for (size_t i = 0; i < body->u.body.n; i++)
		if (body->u.body.items[i]->kind != LH_AST_ATTR)
			return false;
	return true;
}

bool
lh_config_validate(lh_config *cfg, lh_diags *d)
{
	struct lh_config_priv *p = cfg->priv;
	int before = d->errors;
	lh_diag *last = d->tail;
	lh_diags *saved = p->d;
	p->d = d;
	/* every local, so that unused ones are checked too */
	for (size_t i = 0; i < p->nlocals; i++)
		local_value(cfg, i, NULL);
	p->d = saved;
	lh_instance **all = NULL;
	size_t nall = 0, cap = 0;
	/* Without a resolver, a count or for_each that depends on other resources is not
	 * known yet: check the body once instead of failing (plan expands it for real). */
	bool saved_vo = p->validate_only;
	p->validate_only = true;
	/* The instances are checked, then dropped: their values live in a scratch arena
	 * freed below (plan expands again with the run's values), so that validating
	 * 100,000 instances does not hold them for the rest of the run.  What expanding
	 * keeps for later (each block's argument table, check_resource_body) is made in
	 * cfg->a first; caches filled meanwhile (resource-dependent locals, resource
	 * values) are tied to p->epoch, which moves on after. */
	lh_arena *keep = cfg->a, *scratch = lh_arena_new();
	for (size_t i = 0; i < cfg->nresources; i++) {
		lh_resource *r = cfg->resources[i];
		res_priv *rp = &p->rp[find_res_idx(cfg, r->addr)];
		check_resource_body(cfg, r, rp, d);
		/* A resource that refers to no other resource (directly, through locals, or
		 * depends_on) evaluates here to what the run would evaluate: its instances
		 * are kept for the run's lh_config_expand instead of evaluating them again.
		 * Not with conditions (the run evaluates and records those itself), nor
		 * data blocks (read by the run). */
		bool reuse = p->keep_validated && !r->data && r->ndeps == 0 &&
		    r->lifecycle->npre == 0 && r->lifecycle->npost == 0;
		/* One that refers to other resources, whose count or for_each does not:
		 * its instances and the arguments that refer to no resource are what the
		 * run would evaluate too; the run evaluates the others (expand_again).
		 * Only when validating it reported nothing (the run would report it
		 * again). */
		bool partial = p->keep_validated && !r->data && r->ndeps > 0 &&
		    r->lifecycle->npre == 0 && r->lifecycle->npost == 0 &&
		    !expr_refers_res(cfg, r, r->count) && !expr_refers_res(cfg, r, r->for_each);
		int errs = d->errors, warns = d->warnings;
		size_t n = 0;
		cfg->a = reuse || partial ? keep : scratch;
		p->expanded_unknown = false;
		lh_instance **in = lh_config_expand(cfg, r, NULL, NULL, d, &n);
		cfg->a = keep;
		if (reuse && d->errors == errs && !p->expanded_unknown) {
			rp->validated = true;
			rp->vinst = in;
			rp->nvinst = n;
		}
		/* Its body is read no more: by the run when the run takes these instances,
		 * by nothing when there is no run (validate keeps no instance) */
		if (p->release_trees && d->errors == errs && d->warnings == warns &&
		    !p->expanded_unknown && (rp->validated || !p->keep_validated) && tree_done(r)) {
			lh_parse_release(r->block);
			rp->arg_expr = NULL;
		}
		if (partial && d->errors == errs && d->warnings == warns && !p->expanded_unknown &&
		    in != NULL) {
			rp->partial = true;
			rp->vinst = in;
			rp->nvinst = n;
			rp->arg_res = lh_arena_alloc(keep, (rp->nkeys ? rp->nkeys : 1) * sizeof *rp->arg_res);
			for (size_t k = 0; k < rp->nkeys; k++)
				rp->arg_res[k] = expr_refers_res(cfg, r, rp->arg_expr[k]);
		}
		if (n == 0)
			continue;
		if (nall + n > cap) {
			all = lh_arena_grow(scratch, all, nall, nall + n, sizeof *all);
			cap = nall < 4 ? 8 : nall * 2;
			while (cap < nall + n)
				cap *= 2;
		}
		memcpy(all + nall, in, n * sizeof *in);
		nall += n;
	}
	p->validate_only = saved_vo;
	cfg->a = scratch;
	check_types(cfg, all, nall, d);
	cfg->a = keep;
	lh_arena_free(scratch);
	p->epoch++;
	size_t no;
	lh_config_outputs(cfg, NULL, NULL, d, &no);
	lh_config_checks(cfg, LH_CHECK_VALIDATE, NULL, NULL, d);
	lh_diag *first = last != NULL ? last->next : d->head;
	if (first != NULL)
		dedupe_diags(cfg->a, d, first);
	return d->errors == before;
}

void
lh_config_keep_validated(lh_config *cfg, bool on)
{
	cfg->priv->keep_validated = on;
}

void
lh_config_release_trees(lh_config *cfg, bool on)
{
	cfg->priv->release_trees = on;
	/* and the files' bytes: a diagnostic's snippet reads them again (source.h) */
	for (size_t i = 0; on && i < cfg->nfiles; i++)
		lh_source_drop_text((lh_source *)cfg->files[i]);
}

lh_value *
lh_config_eval(lh_config *cfg, const lh_node *e, lh_resolver resolve, void *ctx, lh_diags *d)
{
	struct lh_config_priv *p = cfg->priv;
	p->epoch++;
	p->resolve = resolve;
	p->rctx = ctx;
	lh_diags *saved = p->d;
	p->d = d;
	scope sc = {0};
	lh_eval ev;
	scope_eval(&ev, cfg, &sc, d, NULL);
	lh_value *v = lh_eval_expr(&ev, e);
	p->d = saved;
	p->resolve = NULL;
	p->rctx = NULL;
	return v;
}

/* ---- variables whose values stay out of saved plans ---- */

typedef struct secret_walk {
	const lh_config *cfg;
	const char *var;	/* the variable looked for */
	bool found;
	int depth;		/* locals followed, against cycles */
} secret_walk;

static void secret_expr(secret_walk *w, const lh_node *e);

static void
secret_ref(void *ctx, const lh_node *root, const lh_node *step)
{
	secret_walk *w = ctx;
	if (w->found || step == NULL || step->kind != LH_AST_GETATTR)
		return;
	if (strcmp(root->u.var.name, "var") == 0) {
		if (strcmp(step->u.getattr.name, w->var) == 0)
			w->found = true;
	} else if (strcmp(root->u.var.name, "local") == 0 && w->depth < 32) {
		const struct lh_config_priv *p = w->cfg->priv;
		long i = find_local(w->cfg, step->u.getattr.name);
		if (i >= 0) {
			w->depth++;
			secret_expr(w, p->locals[i].attr->u.attr.expr);
			w->depth--;
		}
	}
}

static void
secret_expr(secret_walk *w, const lh_node *e)
{
	if (e != NULL && !w->found)
		lh_eval_walk_refs(e, secret_ref, w);
}

bool
lh_config_var_secret(const lh_config *cfg, const lh_variable *v)
{
	if (v->sensitive || v->ephemeral)
		return true;
	secret_walk w = {.cfg = cfg, .var = v->name};
	const lh_node *pb = cfg->provider.block;
	if (pb != NULL)
		secret_expr(&w, body_attr(pb->u.block.body, "api_key"));
	for (size_t i = 0; i < cfg->nresources && !w.found; i++) {
		const lh_resource *r = cfg->resources[i];
		const lh_schema *s = r->schema;
		for (size_t k = 0; s != NULL && k < s->n && !w.found; k++)
			if (s->attrs[k].sensitive)
				secret_expr(&w, body_attr(r->block->u.block.body, s->attrs[k].name));
	}
	return w.found;
}
