/* ast.h - the HCL 2 native syntax tree.
 *
 * Built by the lemon parser (grammar/parser.y, through the constructors in ast.c that
 * its actions call) and read by hcl2json and the evaluator.  Every node lives in the
 * parse arena and carries its source and byte range [start, end).  Lists are arrays
 * with a count.  Strings are NUL-terminated arena copies; `len` fields are given where
 * the text may contain NUL bytes (decoded template literals).
 *
 * The tree is packed (a configuration of 10,000 blocks has 300,000 nodes): a parsed
 * node is only as big as its kind's member of the union u - read only the member of
 * n->kind, and copy a node by value (*m = *n) only when it is an LH_AST_BODY or
 * LH_AST_BLOCK, which are whole.  Strings of one parse are shared (interned): never
 * write into them.  Nodes made outside the parser (config_json.c) are whole.
 *
 * Conventions the evaluator relies on:
 * - A quoted string or heredoc is always an LH_AST_TEMPLATE, with its escapes decoded,
 *   strip markers applied and heredoc indentation removed in its LH_AST_TLIT parts.
 * - An object key that is a bare identifier is an LH_AST_VAR node (its name is the key
 *   string; it is never looked up); a parenthesised key is an LH_AST_PAREN; any other
 *   key node is an expression to evaluate.
 * - Legacy index `a.0` is an LH_AST_INDEX whose key is an LH_AST_NUMBER, legacy = true.
 * - A splat `src.*.a.b` / `src[*].a[0]` is an LH_AST_SPLAT whose `each` expression is
 *   the traversal applied to an LH_AST_ANON node (each == the ANON node itself when
 *   nothing follows the splat).
 */
#ifndef LH_AST_H
#define LH_AST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "source.h"

typedef enum {
	/* structure */
	LH_AST_BODY,		/* items: LH_AST_ATTR and LH_AST_BLOCK, in source order */
	LH_AST_ATTR,		/* name = expr */
	LH_AST_BLOCK,		/* type "label" label { body } */
	/* expressions */
	LH_AST_NUMBER,		/* numeric literal, text kept exactly */
	LH_AST_BOOL,
	LH_AST_NULL,
	LH_AST_TEMPLATE,	/* quoted string or heredoc: parts */
	LH_AST_TUPLE,		/* [a, b] */
	LH_AST_OBJECT,		/* { k = v, ... } */
	LH_AST_VAR,		/* root name: var, local, each, count, litellm_user ... */
	LH_AST_GETATTR,		/* obj.name */
	LH_AST_INDEX,		/* obj[key], or legacy obj.0 */
	LH_AST_SPLAT,		/* src.*.each or src[*].each */
	LH_AST_ANON,		/* the current element inside a splat's each */
	LH_AST_CALL,		/* name(args) / name(args...) / provider::p::name(args) */
	LH_AST_FOR,		/* [for k, v in coll : expr if cond] / {for ... : k => v...} */
	LH_AST_COND,		/* c ? a : b */
	LH_AST_BINARY,		/* lhs op rhs */
	LH_AST_UNARY,		/* -x, !x */
	LH_AST_PAREN,		/* (expr): kept for ranges, hcl2json and object keys */
	/* template parts (inside LH_AST_TEMPLATE.parts) */
	LH_AST_TLIT,		/* literal text, decoded */
	LH_AST_TINTERP,		/* ${expr} */
	LH_AST_TIF,		/* %{if c}then%{else}else%{endif} */
	LH_AST_TFOR		/* %{for k, v in coll}body%{endfor} */
} lh_ast_kind;

typedef enum {
	LH_OP_ADD, LH_OP_SUB, LH_OP_MUL, LH_OP_DIV, LH_OP_MOD,
	LH_OP_EQ, LH_OP_NE, LH_OP_LT, LH_OP_LE, LH_OP_GT, LH_OP_GE,
	LH_OP_AND, LH_OP_OR,
	LH_OP_NEG, LH_OP_NOT	/* unary */
} lh_op;

typedef struct lh_node lh_node;

typedef struct lh_label {
	const char *text;	/* decoded label */
	uint32_t start, end;	/* range including quotes */
	bool quoted;		/* "label" rather than a bare identifier */
} lh_label;

struct lh_node {
	lh_ast_kind kind;
	uint32_t start, end;	/* byte range in src, end exclusive */
	const lh_source *src;	/* the file this node came from */
	union {
		struct {		/* LH_AST_BODY */
			lh_node **items;
			size_t n;
		} body;
		struct {		/* LH_AST_ATTR */
			const char *name;
			uint32_t name_start, name_end;
			lh_node *expr;
		} attr;
		struct {		/* LH_AST_BLOCK */
			const char *type;
			uint32_t type_start, type_end;
			lh_label *labels;
			size_t nlabels;
			lh_node *body;		/* LH_AST_BODY */
			uint32_t open, close;	/* offsets of { and } */
			uint32_t seg;		/* a top-level block whose labels and body
						 * are in a segment of its source's tree:
						 * its index + 1 (lh_parse_release); else 0 */
		} block;
		struct {		/* LH_AST_NUMBER */
			const char *text;	/* as written: 1, 1.5, 1e3 */
			double value;		/* strtod of text */
		} number;
		bool boolean;		/* LH_AST_BOOL */
		struct {		/* LH_AST_TEMPLATE */
			lh_node **parts;	/* TLIT, TINTERP, TIF, TFOR */
			size_t n;
			bool heredoc;		/* <<EOT or <<-EOT */
			bool flush;		/* <<- */
			bool quoted;		/* "..." (false for heredocs and directive bodies) */
		} tmpl;
		struct {		/* LH_AST_TLIT */
			const char *text;	/* decoded; may contain NUL */
			size_t len;
		} lit;
		struct {		/* LH_AST_TINTERP */
			lh_node *expr;
			bool strip_left, strip_right;	/* ${~ and ~} (already applied) */
		} interp;
		struct {		/* LH_AST_TIF */
			lh_node *cond;
			lh_node *then;		/* LH_AST_TEMPLATE */
			lh_node *els;		/* LH_AST_TEMPLATE or NULL */
		} tif;
		struct {		/* LH_AST_TFOR */
			const char *key_var;	/* NULL when only one variable */
			const char *val_var;
			lh_node *coll;
			lh_node *body;		/* LH_AST_TEMPLATE */
		} tfor;
		struct {		/* LH_AST_TUPLE */
			lh_node **items;
			size_t n;
		} tuple;
		struct {		/* LH_AST_OBJECT */
			lh_node **keys;		/* see the key convention above */
			lh_node **values;
			size_t n;
		} object;
		struct {		/* LH_AST_VAR */
			const char *name;
		} var;
		struct {		/* LH_AST_GETATTR */
			lh_node *obj;
			const char *name;
			uint32_t name_start, name_end;
		} getattr;
		struct {		/* LH_AST_INDEX */
			lh_node *obj;
			lh_node *key;
			bool legacy;		/* obj.0 */
		} index;
		struct {		/* LH_AST_SPLAT */
			lh_node *src;
			lh_node *each;		/* expression over an LH_AST_ANON */
			bool full;		/* [*] (true) or .* attribute-only (false) */
		} splat;
		struct {		/* LH_AST_CALL */
			const char *name;	/* full name, "provider::p::f" included */
			uint32_t name_start, name_end;
			lh_node **args;
			size_t n;
			bool expand_final;	/* f(a, list...) */
			uint32_t open, close;	/* offsets of ( and ) */
		} call;
		struct {		/* LH_AST_FOR */
			const char *key_var;	/* NULL when only one variable */
			const char *val_var;
			lh_node *coll;
			lh_node *key;		/* object for: key expression; NULL for tuple for */
			lh_node *value;
			lh_node *cond;		/* NULL without if */
			bool group;		/* value... (object for only) */
			bool object;		/* {for ...} */
		} forx;
		struct {		/* LH_AST_COND */
			lh_node *cond, *t, *f;
		} cond;
		struct {		/* LH_AST_BINARY */
			lh_op op;
			lh_node *lhs, *rhs;
		} binary;
		struct {		/* LH_AST_UNARY */
			lh_op op;
			lh_node *operand;
		} unary;
		struct {		/* LH_AST_PAREN */
			lh_node *inner;
		} paren;
	} u;
};

/* A reference: a traversal rooted at a name (var.x, local.x, each.key, TYPE.NAME[KEY],
 * data.TYPE.NAME ...), as far as its steps are static. */
#define LH_REF_STEPS 32
typedef struct lh_ref {
	const lh_node *root;			/* the LH_AST_VAR it starts at */
	const lh_node *steps[LH_REF_STEPS];	/* its static GETATTR / INDEX steps
						 * (.attr, [0], ["k"]), innermost first; a
						 * dynamic index or a splat ends them */
	int nsteps;
	const lh_node *first;			/* the step right after root, static or
						 * not, or NULL for a bare name */
} lh_ref;
/* Calls fn for every reference in e without evaluating anything - inside templates,
 * for expressions, calls and the bodies and attributes of blocks too - in source
 * order, a traversal before the references in its dynamic index keys (Terraform's
 * order).  Names bound by for expressions inside e are not references. */
void lh_ast_walk_refs(const lh_node *e, void (*fn)(void *ctx, const lh_ref *r), void *ctx);

/* Returns a stable lowercase name for a kind ("body", "getattr", ...), for dumps. */
const char *lh_ast_kind_name(lh_ast_kind k);
/* Prints the tree under n, one node a line with its kind, byte range and details
 * (the expected output of the data-driven parser tests). */
void lh_ast_dump(FILE *f, const lh_node *n);

#endif
