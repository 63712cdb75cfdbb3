/* eval.h - expression evaluation: an ast.h expression node to an lh_value, with the
 * Terraform language's rules (operators, conditionals, templates, for expressions,
 * splats, indexing, function calls, try/can), unknown and sensitive propagation, and
 * every error a diagnostic on the exact expression range in Terraform's wording.
 *
 * The evaluator knows nothing about blocks: names at the root of a reference (var,
 * local, each, litellm_user, ...) are resolved by the caller's lookup callback
 * (config.c), except for the names bound by for expressions and templatefile. */
#ifndef LH_EVAL_H
#define LH_EVAL_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "func.h"
#include "value.h"

typedef struct lh_eval lh_eval;

/* A name bound by a for expression (or a templatefile variable): a scope frame. */
typedef struct lh_binding {
	const char *name;
	lh_value *value;
	struct lh_binding *next;	/* outer binding */
} lh_binding;

/* Resolves a reference root.  root is the LH_AST_VAR node; step is the node applied
 * directly to it (an LH_AST_GETATTR or LH_AST_INDEX whose obj is root), or NULL when the
 * root stands alone.  Returns the value of step (of root when step is NULL), or NULL
 * after adding an error diagnostic.  *consumed is set to true when the value returned
 * is the value of step, false when it is the value of root alone (the evaluator then
 * applies step itself). */
/* The root "data" is the exception: for data.TYPE.NAME, step is the NAME step (its
 * object is the TYPE step over root), and consumed means the value of that. */
typedef lh_value *(*lh_eval_lookup_fn)(lh_eval *ev, const lh_node *root,
    const lh_node *step, bool *consumed);

struct lh_eval {
	lh_arena *a;		/* where values live */
	lh_diags *d;		/* where errors go */
	const char *basedir;	/* for file(), templatefile() */
	lh_eval_lookup_fn lookup;	/* NULL: every root name is unknown to us */
	void *ctx;		/* the lookup's own data */
	lh_binding *scope;	/* innermost binding first */
	/* Called for every reference root evaluated (dependency collection); may be NULL. */
	void (*on_ref)(lh_eval *ev, const lh_node *root, const lh_node *step);
	const char *context;	/* diagnostic context ("resource \"litellm_user\" \"x\"") */
	/* When ref (TYPE.NAME or data.TYPE.NAME, the step the lookup was handed) named
	 * a resource in this evaluation, the names its objects have, sorted (Terraform's
	 * "Unsupported attribute" wording for resources and its "Did you mean"); NULL
	 * otherwise.  May be NULL. */
	const char *const *(*res_attrs)(lh_eval *ev, const lh_node *ref);
	/* Terraform's static check of the references in e before e is evaluated
	 * (StaticValidateReferences: resource instance keys, attribute names against the
	 * schema): adds its errors to d and returns false when there are any, and then
	 * lh_eval_expr returns NULL without evaluating e (the evaluation would repeat
	 * them), as Terraform stops.  Called by lh_eval_expr at the top level only.  May
	 * be NULL. */
	bool (*check_refs)(lh_eval *ev, const lh_node *e);
	/* the expression the next error raised is about (HCL's Diagnostic.Expression),
	 * whose references it describes (diag.h's values); taken by the error */
	const lh_node *diag_x;
	/* the attribute step being applied: the expression of an error it raises
	 * unless it is on a resource (checked only when one is raised) */
	const lh_node *diag_step;
	int depth;		/* recursion guard */
	bool no_functions;	/* tfvars and -var values: calls are an error */
	/* the results of calls made while the outermost for expression runs (eval.c's
	 * call_memo); NULL outside one */
	struct lh_call_memo *memo;
};

/* Initialises ev with no lookup and no bindings. */
void lh_eval_init(lh_eval *ev, lh_arena *a, lh_diags *d, const char *basedir);

/* Evaluates expression e.  Returns its value (never NULL on success), or NULL after
 * adding at least one error diagnostic to ev->d.  The result lives in ev->a. */
lh_value *lh_eval_expr(lh_eval *ev, const lh_node *e);

/* Evaluates e and converts it to type t (a type constraint), with Terraform's
 * "Incorrect value type"-style diagnostic naming what (e.g. "the \"count\" argument")
 * on failure. */
/* HCL's StartRange of expression n: where a diagnostic about its value points. */
void lh_eval_start_range(const lh_node *n, uint32_t *s, uint32_t *e);
lh_value *lh_eval_expr_as(lh_eval *ev, const lh_node *e, const lh_type *t);

/* Applies steps[0..n) (GETATTR, or INDEX with a constant key) to v as the evaluator
 * applies them; NULL after an error diagnostic. */
lh_value *lh_eval_steps(lh_eval *ev, lh_value *v, const lh_node *const *steps, int n);

/* The range Terraform gives step n (GETATTR or INDEX) of a traversal: ".name" with its
 * dot, "[key]" with its brackets. */
void lh_eval_step_range(const lh_node *n, uint32_t *s, uint32_t *e);

/* Calls fn(ev_ctx, root, step) for every reference root in e (without evaluating
 * anything), including inside templates, for expressions and calls.  Names bound by
 * for expressions inside e are skipped.  A data resource reference data.TYPE.NAME
 * comes with step = the NAME step (whose object is the TYPE step), as the evaluator
 * hands it to the lookup too: the two together name the block. */
void lh_eval_walk_refs(const lh_node *e, void (*fn)(void *ctx, const lh_node *root,
    const lh_node *step), void *ctx);

/* Parses a type constraint expression (string, list(string), map(object({a=number})),
 * optional(T, default), any ...).  Returns the type or NULL after a diagnostic. */
const lh_type *lh_eval_type_expr(lh_eval *ev, const lh_node *e);

/* The template renderer for lh_func_ctx.render_template (templatefile, templatestring):
 * parses text[0..len) as a template whose ranges name `name`, and evaluates it with
 * vars as its only names.  c->eval must point at an lh_eval.  NULL on failure with *err
 * (Terraform's text) and *err_arg: 0 the template does not parse, 1 vars is unfit,
 * -1 the evaluation failed. */
lh_value *lh_eval_render_template(lh_func_ctx *c, const char *name, const char *text,
    size_t len, lh_value *vars, const char **err, int *err_arg);

/* Gives g (an error about evaluating x) Terraform's expression values: what the
 * references x uses are in ev's scope (diag.h).  Evaluates them quietly in ev->a;
 * the strings go to ev->d's arena.  For diagnostics raised outside the evaluator
 * (a failed condition). */
void lh_eval_diag_values(lh_eval *ev, lh_diag *g, const lh_node *x);
/* The same for a diagnostic Terraform marks as caused by sensitive values
 * (LH_DV_SENSITIVE: "has a sensitive value") or unknown ones (LH_DV_UNKNOWN: "is a
 * string, known only after apply", "will be known only after apply"), which
 * otherwise say nothing about such values. */
enum { LH_DV_SENSITIVE = 1, LH_DV_UNKNOWN = 2 };
void lh_eval_diag_values_because(lh_eval *ev, lh_diag *g, const lh_node *x, unsigned because);

/* Returns the closest of names (NULL-terminated) to s within a small edit distance,
 * or NULL ("Did you mean ...?" hints). */
const char *lh_eval_suggest(const char *s, const char *const *names);

#endif
