/* parse.h - the HCL front end: drives the re2c lexer (grammar/lexer.re) and the lemon
 * parser (grammar/parser.y) over a source and returns its syntax tree.
 *
 * The parser never crashes, hangs or reads out of bounds on any input; every error is a
 * diagnostic with an exact byte range (NUL bytes and invalid UTF-8 included). */
#ifndef LH_PARSE_H
#define LH_PARSE_H
#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "source.h"

/* Parses a whole file (a body).  Returns its LH_AST_BODY, or NULL when there were
 * syntax errors (appended to d).  Nodes live in a. */
lh_node *lh_parse_file(lh_arena *a, const lh_source *src, lh_diags *d);
/* lh_parse_file for a configuration whose blocks' bodies may be freed once used: the
 * labels and body of each top-level block live in a segment of the tree (a child
 * arena of a shared by a few consecutive items), freed by lh_parse_release when all
 * its blocks were released.  The rest - the file's body, each top-level block's node
 * with its labels and ranges, every string - lives as long as a. */
lh_node *lh_parse_file_segmented(lh_arena *a, const lh_source *src, lh_diags *d);
/* Declares that nothing will read the labels' template nodes or the body of block (a
 * top-level block of a segmented parse; anything else is ignored) again: its body
 * becomes NULL, and its segment is freed once no other item uses it.  The block's
 * node, range, type and label texts stay valid. */
void lh_parse_release(const lh_node *block);
/* An arena whose memory lives as long as the body of block (a top-level block of a
 * segmented parse, not released yet): its segment's, for what is only of use while
 * its body is; NULL for any other node. */
lh_arena *lh_parse_block_arena(const lh_node *block);
/* Receives each token the lexer makes while a file is parsed, in source order:
 * code (a TK_* value of the generated parser.h; 0 at the end of input) and byte
 * range.  A # or // comment comes as TK_NEWLINE; spaces, tabs and block comments are
 * not tokens (they lie in the gaps between ranges).  Used by the formatter, which
 * needs the whole stream and not only the tree. */
typedef void lh_tok_fn(void *ctx, int code, uint32_t off, uint32_t len);
/* lh_parse_file that also hands every token to fn (tokens after a syntax error are
 * of no use: the result is NULL then). */
lh_node *lh_parse_file_tokens(lh_arena *a, const lh_source *src, lh_diags *d,
    lh_tok_fn *fn, void *ctx);
/* Parses src as a single expression (console, -var values).  NULL on error. */
lh_node *lh_parse_expr(lh_arena *a, const lh_source *src, lh_diags *d);
/* Parses src as a bare template (templatefile): the whole text is template content,
 * no quotes.  Returns an LH_AST_TEMPLATE, or NULL on error. */
lh_node *lh_parse_template(lh_arena *a, const lh_source *src, lh_diags *d);

#endif
