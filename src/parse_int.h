/* parse_int.h - internals shared by the front end: the re2c lexer (grammar/lexer.re),
 * the lemon grammar (grammar/parser.y), its driver (parse.c) and the tree constructors
 * the grammar actions call (ast.c).  Not for use outside the front end.
 *
 * Tokens are {code, offset, length} slices of the source; code is a lemon TK_ value. */
#ifndef LH_PARSE_INT_H
#define LH_PARSE_INT_H
#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "source.h"

typedef struct lh_tok {
	int code;		/* TK_* from the generated parser.h, 0 at end of input */
	uint32_t off, len;	/* byte slice of the source */
} lh_tok;

/* One open construct of the lexer's mode stack. */
typedef enum {
	LH_LEX_EXPR,		/* file body or expression: depth counts open { */
	LH_LEX_INTERP,		/* inside ${ or %{ : } at depth 0 closes it */
	LH_LEX_QUOTE,		/* "..." */
	LH_LEX_HEREDOC,		/* <<EOT ... EOT */
	LH_LEX_BARE		/* a whole-source template (templatefile) */
} lh_lex_mode;

typedef struct lh_lex_frame {
	lh_lex_mode mode;
	uint32_t depth;		/* open { in this expression frame */
	uint32_t mark, marklen;	/* heredoc: closing marker slice of the source */
	uint32_t open;		/* offset of the construct's opening token */
} lh_lex_frame;

typedef struct lh_lexer {
	const lh_source *src;
	const unsigned char *base;	/* src->text */
	const unsigned char *cur;	/* next byte to scan */
	uint32_t len;			/* src->len */
	lh_arena *a;
	lh_diags *d;
	lh_lex_frame *frames;		/* mode stack, frames[n-1] is current */
	uint32_t n, cap;
	int prev;			/* code of the previous token (0 at start) */
	bool failed;			/* an error was reported; next returns EOF */
} lh_lexer;

/* Starts lexing src in the given outer mode (LH_LEX_EXPR or LH_LEX_BARE). */
void lh_lex_init(lh_lexer *lx, lh_arena *a, const lh_source *src, lh_diags *d,
    lh_lex_mode mode);
/* Returns the next token; code 0 at end of input.  On a lexical error a diagnostic is
 * added and TK_ILLEGAL is returned (then 0 forever). */
lh_tok lh_lex_next(lh_lexer *lx);

/* Template parts under construction: nodes plus the strip request of the last part. */
typedef struct lh_tparts {
	lh_node **v;		/* in tmp; capacity: n rounded up to a power of two */
	size_t n;
	bool strip_next;	/* the last part ended with ~}: strip the next literal */
	uint32_t start, end;	/* range covered so far (end 0 when empty) */
} lh_tparts;

/* A template part with its strip markers, as built by a grammar rule. */
typedef struct lh_tpart {
	lh_node *n;
	bool strip_before;	/* opened with ${~ / %{~ : strip the previous literal */
	bool strip_after;	/* closed with ~} : strip the next literal */
} lh_tpart;

/* A comma list of expressions (tuple items, call arguments) or object items. */
typedef struct lh_list {
	lh_node **v, **w;	/* items (object: keys in v, values in w), in tmp;
				 * capacity: n rounded up to a power of two */
	size_t n;
	bool expand;		/* call: final argument followed by ... */
} lh_list;

/* The for header: variables and collection. */
typedef struct lh_forhead {
	lh_tok k, v;		/* k.len == 0 when only one variable */
	lh_node *coll;
} lh_forhead;

/* Block labels being collected. */
typedef struct lh_labels {
	lh_label *v;		/* in tmp; capacity: n rounded up to a power of two */
	size_t n;
} lh_labels;

/* A string of the parse's intern table (ast.c). */
typedef struct lh_istr {
	const char *s;		/* NULL: free slot */
	uint32_t len, hash;
} lh_istr;

/* A pool the tree's parts are carved from: blocks taken from arena a. */
typedef struct lh_pool {
	lh_arena *a;
	unsigned char *pool;	/* free space of the current block ... */
	size_t left;		/* ... and its size */
	size_t next;		/* size of the next block */
} lh_pool;

/* The parse context handed to every grammar action.
 *
 * Memory: the tree is what stays, for the whole command (a configuration of 10,000
 * resource blocks is 300,000 nodes), so it is packed.  Nodes, strings and the final
 * arrays are carved from pool blocks taken from a: each node only as big as its
 * kind's member of the union (bodies and blocks whole: config.c copies them), strings
 * unaligned and interned (an attribute name or a repeated value is stored once per
 * parse), each array exactly as long as its list.  Everything that only lives while
 * the parse runs - lists still growing, the attribute table, the intern table, the
 * lexer's and driver's stacks, the block map being made - is in tmp, freed when the
 * parse ends.
 *
 * Segments (lh_parse_file_segmented): the parts of each top-level item - a block's
 * labels and body, down to its last node - are carved from a segment, a child arena of
 * a shared by a few consecutive items, which lh_parse_release frees once every block
 * in it was released.  What outlives the segment is never in it: strings (interned,
 * shared by the whole parse) and the top-level block's own node and labels. */
typedef struct lh_pctx {
	lh_arena *a;		/* where the tree lives */
	lh_arena *tmp;		/* this parse's working memory */
	lh_pool perm;		/* the tree's lasting memory, in a */
	lh_pool *cur;		/* where nodes go now: &perm, or &seg inside an item */
	/* segments (none when segs_on is false) */
	bool segs_on;
	lh_pool seg;		/* the open segment's pool (seg.a: its arena) */
	lh_treeseg *segs;	/* in tmp; the source takes its copy at the end */
	size_t nsegs, capsegs;
	uint32_t seg_item;	/* offset of the first token of the item in a segment */
	char *hbuf;		/* the block map's working buffer for headers, in tmp */
	size_t hcap;
	lh_istr *itab;		/* intern table (open addressing), in tmp */
	size_t nitab, capitab;
	const lh_source *src;
	lh_diags *d;
	lh_node *result;	/* set by the start rule */
	bool error;		/* a syntax or semantic error was reported */
	lh_tok last;		/* the last token fed to the parser (for error ranges) */
	void *drv;		/* the driver's state, for the syntax error hook */
	/* Strip markers wait until their template is complete, since a flush heredoc
	 * removes indentation before the markers strip white space (as HashiCorp's
	 * parser does): literals to trim, innermost template last. */
	lh_node **strip;
	unsigned char *strip_side;	/* 1 trim the start, 2 trim the end */
	size_t nstrip, capstrip;
	/* The attributes of the bodies with many items, hashed by (body, name), so that
	 * the "Attribute redefined" check is constant time per attribute (ast.c; a small
	 * body is searched). */
	struct lh_attr_seen { const lh_node *body, *item; } *seen;
	size_t nseen, capseen;
} lh_pctx;

/* Starts the parse's memory (pool and tmp); lh_pctx_done frees tmp. */
void lh_pctx_init(lh_pctx *p, lh_arena *a, const lh_source *src);
void lh_pctx_done(lh_pctx *p);
/* The top-level item starting at offset off gets the parts of a segment (the open
 * one, or a new one when it is full); lh_ast_seg_end: the item ended. */
void lh_ast_seg_begin(lh_pctx *p, uint32_t off);
void lh_ast_seg_end(lh_pctx *p);
/* A copy of s[0..n) in the tree's memory, NUL-terminated, shared with any equal
 * string of this parse: never to be written. */
const char *lh_ast_intern(lh_pctx *p, const char *s, size_t n);
/* n bytes of the tree's memory, zeroed, aligned for any tree structure (8). */
void *lh_ast_alloc(lh_pctx *p, size_t n);

/* Called by the grammar's %syntax_error: reports the error at tok (parse.c). */
void lh_parse_syntax_error(lh_pctx *p, lh_tok tok);

/* Tree constructors called by grammar actions (ast.c).  All nodes live in p->a. */
lh_node *lh_ast_body_new(lh_pctx *p);
lh_node *lh_ast_body_add(lh_pctx *p, lh_node *body, lh_node *item);
lh_node *lh_ast_body_finish(lh_pctx *p, lh_node *body);
lh_node *lh_ast_attr(lh_pctx *p, lh_tok name, lh_node *expr);
lh_labels lh_ast_labels_add(lh_pctx *p, lh_labels l, lh_tok ident, lh_node *quoted);
lh_node *lh_ast_block(lh_pctx *p, lh_tok type, lh_labels labels, lh_tok open,
    lh_node *body, lh_tok close);
lh_node *lh_ast_literal(lh_pctx *p, lh_tok t);
lh_node *lh_ast_var(lh_pctx *p, lh_tok t);
lh_node *lh_ast_getattr(lh_pctx *p, lh_node *obj, lh_tok name);
lh_node *lh_ast_legacy_index(lh_pctx *p, lh_node *obj, lh_tok num);
lh_node *lh_ast_index(lh_pctx *p, lh_node *obj, lh_node *key, lh_tok close);
lh_node *lh_ast_splat(lh_pctx *p, lh_node *src, bool full, lh_tok last);
lh_node *lh_ast_paren(lh_pctx *p, lh_tok open, lh_node *inner, lh_tok close);
lh_node *lh_ast_binary(lh_pctx *p, lh_node *l, lh_op op, lh_node *r);
lh_node *lh_ast_unary(lh_pctx *p, lh_tok optok, lh_op op, lh_node *x);
lh_node *lh_ast_cond(lh_pctx *p, lh_node *c, lh_node *t, lh_node *f);
lh_list lh_ast_list_add(lh_pctx *p, lh_list l, lh_node *item, lh_node *value);
lh_node *lh_ast_tuple(lh_pctx *p, lh_tok open, lh_list l, lh_tok close);
lh_node *lh_ast_object(lh_pctx *p, lh_tok open, lh_list l, lh_tok close);
lh_node *lh_ast_call(lh_pctx *p, lh_tok name, lh_tok open, lh_list args, lh_tok close);
lh_forhead lh_ast_forhead(lh_pctx *p, lh_tok k, lh_tok v, lh_node *coll);
lh_node *lh_ast_for(lh_pctx *p, lh_tok open, lh_forhead h, lh_node *key,
    lh_node *value, bool group, lh_node *cond, lh_tok close);
/* Templates. */
lh_tparts lh_ast_tparts_add(lh_pctx *p, lh_tparts l, lh_tpart part);
lh_tpart lh_ast_tlit(lh_pctx *p, lh_tok t, bool quoted);
lh_tpart lh_ast_tinterp(lh_pctx *p, lh_tok open, lh_node *e, lh_tok close);
lh_tpart lh_ast_tif(lh_pctx *p, lh_tok open, lh_node *c, lh_tok c1, lh_tparts then,
    lh_tok eopen, lh_tok eclose, lh_tparts els, lh_tok endopen, lh_tok endclose);
lh_tpart lh_ast_tfor(lh_pctx *p, lh_tok open, lh_forhead h, lh_tok c1, lh_tparts body,
    lh_tok endopen, lh_tok endclose);
/* open/close: the quote or heredoc tokens (open.len == 0 for a bare template). */
lh_node *lh_ast_template(lh_pctx *p, lh_tok open, lh_tparts parts, lh_tok close);

#endif
