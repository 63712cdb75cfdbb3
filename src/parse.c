/* parse.c - the front end driver: pulls tokens from the re2c lexer and pushes them into
 * the lemon parser (SQLite's sqlite3RunParser loop), then returns the tree the grammar
 * actions built through ast.c.
 *
 * The driver keeps a stack of open brackets so that it can (1) drop NEWLINE tokens
 * where HCL ignores them (inside ( ) [ ] ${ } %{ } and {for ...}) and fold runs of
 * newlines, as HashiCorp's parser does, (2) bound nesting so that no later recursive
 * walk can run out of stack, and (3) word syntax errors the way HashiCorp does
 * ("Argument or block definition required", "Missing newline after argument", ...)
 * with the range of the offending token.  After a syntax error in a file the driver
 * skips to the next top-level item and parses on with a fresh parser, so that later
 * errors are reported too (the tree is then discarded); lexical errors stop the scan
 * and are reported before syntax errors, in HashiCorp's order. */
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "parse_int.h"
#include "parser.h"

void *lhParseAlloc(void *(*)(size_t));
void lhParse(void *, int, lh_tok, lh_pctx *);
void lhParseFree(void *, void (*)(void *));

#define MAX_DEPTH 5000	/* bound on expression nesting (tokens along one tree path) */

/* Kinds of open constructs the driver tracks. */
enum {
	F_TOP = 'T',	/* the file body */
	F_EXPR = 'X',	/* a whole-source expression */
	F_TMPL = 'M',	/* a whole-source template */
	F_BLOCK = 'B',	/* block body { } */
	F_OBJ = 'O',	/* object constructor { } */
	F_FOR = 'F',	/* {for ...} */
	F_PAREN = '(',
	F_BRACK = '[',
	F_INTERP = 'I',	/* ${ } or %{ } */
	F_QUOTE = 'Q'	/* "..." or heredoc */
};

typedef struct frame {
	char kind;
	unsigned char state;	/* bodies: 0 item start, 1 block header, 2 argument value,
				 * 3 after a nested block */
	bool oneline;		/* block: a single-line block */
	bool assign;		/* object: = or : seen in the current item */
	bool call;		/* parenthesis: a function call's (not a grouping) */
	uint32_t open;		/* offset of the opening token */
	uint32_t item, item_end;	/* bodies: the first token of the current item */
	uint32_t count;		/* tokens in the current item (nesting bound) */
} frame;

typedef struct drv {
	lh_lexer lx;
	frame *f;		/* stack of open constructs */
	size_t n, cap;
	uint32_t chain;		/* sum of count over the stack */
	int prev;		/* code of the previous token fed to the parser */
	lh_tok prevtok;
	bool stop;		/* an error was reported */
	/* syntax errors, reported after any lexical error later in the file (HashiCorp
	 * scans the whole file before parsing, so its lexical errors come first) */
	struct synerr {
		uint32_t s, e;
		uint32_t cs;	/* start of HashiCorp's context range (it ends at e), or NOCTX */
		const char *summary, *detail;
	} *errs;
	size_t nerr;
	bool fatal;		/* no recovery after this error */
	/* open %{if} / %{for} directives: offsets of their opening sequences */
	uint32_t *dir_start, *dir_end;
	bool *dir_for;
	size_t ndir, capdir;
	/* top-level blocks of a file (the source's block map, lh_srcblock) */
	bool map;		/* making the map: a file body */
	lh_srcblock *blk;
	size_t nblk, capblk;
	size_t open_blk;	/* index + 1 of the top-level block open, 0 none */
} drv;

static void
push(drv *d, lh_pctx *p, char kind, uint32_t open)
{
	if (d->n == d->cap) {
		d->f = lh_arena_grow(p->tmp, d->f, d->n, d->n + 1, sizeof *d->f);
		d->cap = d->n < 4 ? 8 : d->n * 2;
	}
	frame *f = &d->f[d->n++];
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->open = open;
}

static void
pop(drv *d)
{
	if (d->n > 1) {
		d->chain -= d->f[d->n - 1].count;
		d->n--;
	}
}

static bool
is_body(const frame *f)
{
	return f->kind == F_TOP || f->kind == F_BLOCK;
}

/* Can a token of this code end an operand (so that what follows needs a separator)? */
static bool
ends_operand(int code)
{
	switch (code) {
	case TK_IDENT: case TK_NUMBER: case TK_TRUE: case TK_FALSE: case TK_NULL:
	case TK_FOR: case TK_IN: case TK_IF:
	case TK_RPAREN: case TK_RBRACKET: case TK_RBRACE: case TK_CQUOTE: case TK_CHEREDOC:
	case TK_STAR:
		return true;
	}
	return false;
}

static struct synerr *
grow_errs(lh_pctx *p, struct synerr *v, size_t n)
{
	if (n != 0 && (n & (n - 1)) != 0)
		return v;
	struct synerr *w = lh_arena_alloc(p->tmp, (n ? 2 * n : 1) * sizeof *w);
	if (n > 0)
		memcpy(w, v, n * sizeof *w);
	return w;
}

#define NOCTX UINT32_MAX

/* A syntax error whose snippet also shows the lines from cs on (HashiCorp's context
 * range: the construct the error is in, such as the list missing a comma). */
static void
errc(lh_pctx *p, uint32_t cs, uint32_t s, uint32_t e, const char *summary, const char *detail)
{
	drv *d = p->drv;
	d->errs = grow_errs(p, d->errs, d->nerr);
	d->errs[d->nerr].s = s;
	d->errs[d->nerr].e = e;
	d->errs[d->nerr].cs = cs;
	d->errs[d->nerr].summary = summary;
	d->errs[d->nerr++].detail = detail;
	p->error = true;
}

static void
err(lh_pctx *p, uint32_t s, uint32_t e, const char *summary, const char *detail)
{
	drv *d = p->drv;
	d->errs = grow_errs(p, d->errs, d->nerr);
	d->errs[d->nerr].cs = NOCTX;
	d->errs[d->nerr].s = s;
	d->errs[d->nerr].e = e;
	d->errs[d->nerr].summary = summary;
	d->errs[d->nerr++].detail = detail;
	p->error = true;
}

void
lh_parse_syntax_error(lh_pctx *p, lh_tok tok)
{
	drv *d = p->drv;
	frame *f = &d->f[d->n - 1];
	uint32_t s = tok.off, e = tok.off + tok.len;

	d->stop = true;
	if ((tok.code == 0 || tok.code == TK_CQUOTE || tok.code == TK_CHEREDOC) && d->ndir > 0) {
		size_t i = d->ndir - 1;
		const char *name = d->dir_for[i] ? "for" : "if";
		int l1, c1, l2, c2;
		lh_source_pos(p->src, d->dir_start[i], &l1, &c1);
		lh_source_pos(p->src, d->dir_end[i], &l2, &c2);
		err(p, s, e, "Unexpected end of template", lh_arena_printf(p->a,
		    "The %s directive at %s:%d,%d-%d is missing its corresponding end%s directive.",
		    name, p->src->name, l1, c1, c2, name));
		return;
	}
	if (d->prev == TK_FOR && (f->kind == F_FOR || f->kind == F_BRACK)) {
		err(p, s, e, "Invalid 'for' expression",
		    "For expression requires variable name after 'for'.");
		return;
	}
	if (tok.code == 0) {
		for (size_t i = d->n; i-- > 1;) {
			frame *o = &d->f[i];
			switch (o->kind) {
			case F_BLOCK:
				errc(p, d->f[i - 1].item, o->open, o->open + 1, "Unclosed configuration block",
				    "There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.");
				return;
			case F_OBJ:
			case F_FOR:
				if (d->prev == TK_LBRACE || d->prev == TK_NEWLINE || d->prev == TK_COMMA ||
				    o->kind == F_FOR)
					err(p, s, s, "Missing expression",
					    "Expected the start of an expression, but found the end of the file.");
				else
					err(p, o->open, o->open + 1, "Unterminated object constructor expression",
					    "There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.");
				return;
			case F_BRACK:
				err(p, o->open, o->open + 1, "Unterminated tuple constructor expression",
				    "There is no corresponding closing bracket before the end of the file. This may be caused by incorrect bracket nesting elsewhere in this file.");
				return;
			case F_PAREN:
				errc(p, o->open, s, s, "Unbalanced parentheses",
				    "Expected a closing parenthesis to terminate the expression.");
				return;
			case F_INTERP:
				err(p, o->open, o->open + 2, "Unterminated template string",
				    "No closing marker was found for the template sequence.");
				return;
			}
		}
	}
	if (is_body(f)) {
		switch (f->state) {
		case 0:
			if (tok.code == TK_OQUOTE)
				err(p, s, e, "Invalid argument name", "Argument names must not be quoted.");
			else
				err(p, s, e, "Argument or block definition required",
				    "An argument or block definition is required here.");
			return;
		case 1:
			if (f->oneline && tok.code == TK_LBRACE) {
				err(p, f->item, e, "Argument definition required", lh_arena_printf(p->a,
				    "A single-line block definition can contain only a single argument. If you meant to define argument \"%.*s\", use an equals sign to assign it a value. To define a nested block, place it on a line of its own within its parent block.",
				    (int)(f->item_end - f->item), p->src->text + f->item));
			} else if (d->prevtok.off == f->item) {
				/* right after the name: not "=", a label or "{" */
				err(p, f->item, f->item_end, "Argument or block definition required",
				    "An argument or block definition is required here. To set an argument, use the equals sign \"=\" to introduce the argument value.");
			} else if (tok.code == TK_NEWLINE && tok.len > 0) {
				errc(p, f->item, s, e, "Invalid block definition",
				    "A block definition must have block content delimited by \"{\" and \"}\", starting on the same line as the block header.");
			} else if (tok.code == TK_EQUALS) {
				errc(p, f->item, s, e, "Invalid block definition",
				    "The equals sign \"=\" indicates an argument definition, and must not be used when defining a block.");
			} else {
				errc(p, f->item, s, e, "Invalid block definition",
				    "Either a quoted string block label or an opening brace (\"{\") is expected here.");
			}
			return;
		case 2:
			if (!ends_operand(d->prev))
				break;
			if (f->oneline && tok.code == TK_NEWLINE)
				err(p, s, e, "Invalid single-argument block definition",
				    "An argument definition on the same line as its containing block creates a single-line block definition, which must also be closed on the same line. Place the block's closing brace immediately after the argument definition.");
			else if (f->oneline)
				err(p, s, e, "Invalid single-argument block definition",
				    "Single-line block syntax can include only one argument definition. To define multiple arguments, use the multi-line block syntax with one argument definition per line.");
			else if (tok.code == TK_COMMA)
				errc(p, f->item, s, e, "Unexpected comma after argument",
				    "Argument definitions must be separated by newlines, not commas. An argument definition must end with a newline.");
			else
				errc(p, f->item, s, e, "Missing newline after argument",
				    "An argument definition must end with a newline.");
			return;
		case 3:
			errc(p, f->item, s, e, "Missing newline after block definition",
			    "A block definition must end with a newline.");
			return;
		}
	} else if (ends_operand(d->prev) && tok.code != 0) {
		switch (f->kind) {
		case F_OBJ:
			if (!f->assign)
				errc(p, f->open, s, e, "Missing key/value separator",
				    "Expected an equals sign (\"=\") to mark the beginning of the attribute value.");
			else
				errc(p, f->open, s, e, "Missing attribute separator",
				    "Expected a newline or comma to mark the beginning of the next attribute.");
			return;
		case F_BRACK:
			errc(p, f->open, s, e, "Missing item separator",
			    "Expected a comma to mark the beginning of the next item.");
			return;
		case F_PAREN:
			if (!f->call) {
				errc(p, f->open, s, e, "Unbalanced parentheses",
				    "Expected a closing parenthesis to terminate the expression.");
				return;
			}
			errc(p, f->open, s, e, "Missing argument separator",
			    "A comma is required to separate each function argument from the next.");
			return;
		case F_INTERP:
			err(p, s, e, "Extra characters after interpolation expression",
			    "Expected a closing brace to end the interpolation expression, but found extra characters.");
			return;
		}
	}
	err(p, s, e, "Invalid expression",
	    "Expected the start of an expression, but found an invalid expression token.");
}

/* The header of a top-level block as Terraform names it: its type and labels, the
 * labels quoted (`resource "litellm_user" "dev"`), from the text s[0..n) before the
 * opening brace. */
static const char *
block_header(lh_pctx *p, const char *s, size_t n)
{
	/* one working buffer for every header of the parse, grown as needed */
	if (p->hbuf == NULL || p->hcap < 8 * n + 3) {
		p->hcap = 8 * n + 3 > 256 ? 8 * n + 3 : 256;
		p->hbuf = lh_arena_alloc(p->tmp, p->hcap);
	}
	char *out = p->hbuf;	/* "${ ... }" for "${}" */
	size_t o = 0, i = 0;
	while (i < n) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			i++;
			continue;
		}
		size_t j = i + 1;
		if (c == '"') {
			while (j < n && s[j] != '"')
				j += s[j] == '\\' && j + 1 < n ? 2 : 1;
			if (j < n)
				j++;
		} else {
			while (j < n && s[j] != ' ' && s[j] != '\t' && s[j] != '"' &&
			    s[j] != '\r' && s[j] != '\n')
				j++;
		}
		bool quote = o > 0 && c != '"';	/* a label given as a name */
		if (o > 0)
			out[o++] = ' ';
		if (quote)
			out[o++] = '"';
		for (size_t k = i; k < j; k++) {
			/* a template sequence in a label: HCL's placeholder "${ ... }" */
			if (c == '"' && (s[k] == '$' || s[k] == '%') && k + 1 < j && s[k + 1] == '{' &&
			    !(k > i && s[k - 1] == s[k])) {
				memcpy(out + o, s[k] == '$' ? "${ ... }" : "%{ ... }", 8);
				o += 8;
				int nest = 0;
				for (k += 2; k < j - 1; k++) {
					if (s[k] == '{')
						nest++;
					else if (s[k] == '}' && nest-- == 0)
						break;
				}
				continue;
			}
			out[o++] = s[k];
		}
		if (quote)
			out[o++] = '"';
		i = j;
	}
	out[o] = '\0';
	return lh_ast_intern(p, out, o);
}

/* Updates the bracket stack and body states for a token just fed to the parser. */
static void
track(drv *d, lh_pctx *p, lh_tok t)
{
	frame *f = &d->f[d->n - 1];
	if (f->kind != F_QUOTE && t.code != TK_NEWLINE && t.code != TK_COMMA) {
		f->count++;
		d->chain++;
	}
	if (is_body(f)) {
		switch (t.code) {
		case TK_NEWLINE:
			f->state = 0;
			d->chain -= f->count;
			f->count = 0;
			if (d->n == 1)
				lh_ast_seg_end(p);
			return;
		case TK_EQUALS:
			if (f->state == 1)
				f->state = 2;
			break;
		case TK_LBRACE:
			if (f->state == 1) {
				f->state = 3;
				if (d->map && d->n == 1) {
					if (d->nblk == d->capblk) {
						d->blk = lh_arena_grow(p->tmp, d->blk, d->nblk,
						    d->nblk + 1, sizeof *d->blk);
						d->capblk = d->nblk < 4 ? 8 : d->nblk * 2;
					}
					lh_srcblock *b = &d->blk[d->nblk++];
					b->start = f->item;
					b->end = (uint32_t)p->src->len;	/* until its brace is seen */
					b->header = block_header(p, p->src->text + f->item,
					    t.off - f->item);
					d->open_blk = d->nblk;
				}
				push(d, p, F_BLOCK, t.off);
				return;
			}
			break;
		default:
			if (f->state == 0) {
				f->state = 1;
				f->item = t.off;
				f->item_end = t.off + t.len;
				if (d->map && d->n == 1)
					lh_ast_seg_begin(p, t.off);
			}
			break;
		}
	} else if (t.code == TK_NEWLINE || t.code == TK_COMMA) {
		f->assign = false;
		d->chain -= f->count;
		f->count = 0;
	} else if ((t.code == TK_EQUALS || t.code == TK_COLON) && f->kind == F_OBJ) {
		f->assign = true;
	}
	switch (t.code) {
	case TK_TIF: case TK_TFOR:
		if (d->ndir == d->capdir) {
			d->dir_start = lh_arena_grow(p->tmp, d->dir_start, d->ndir, d->ndir + 1, sizeof *d->dir_start);
			d->dir_end = lh_arena_grow(p->tmp, d->dir_end, d->ndir, d->ndir + 1, sizeof *d->dir_end);
			d->dir_for = lh_arena_grow(p->tmp, d->dir_for, d->ndir, d->ndir + 1, sizeof *d->dir_for);
			d->capdir = d->ndir < 4 ? 8 : d->ndir * 2;
		}
		d->dir_start[d->ndir] = t.off;
		d->dir_for[d->ndir] = t.code == TK_TFOR;
		d->dir_end[d->ndir++] = t.off + t.len;
		break;
	case TK_TENDIF: case TK_TENDFOR:
		if (d->ndir > 0)
			d->ndir--;
		break;
	}
	if (t.code == TK_TEND && d->ndir > 0 && f->kind == F_INTERP &&
	    f->open == d->dir_start[d->ndir - 1])
		d->dir_end[d->ndir - 1] = t.off + t.len;
	switch (t.code) {
	case TK_LBRACE:
		push(d, p, F_OBJ, t.off);
		break;
	case TK_FOR:
		if (d->prev == TK_LBRACE && f->kind == F_OBJ)
			f->kind = F_FOR;
		break;
	case TK_LPAREN:
		push(d, p, F_PAREN, t.off);
		d->f[d->n - 1].call = d->prev == TK_IDENT;
		break;
	case TK_LBRACKET:
		push(d, p, F_BRACK, t.off);
		break;
	case TK_TINTERP: case TK_TIF: case TK_TELSE: case TK_TENDIF: case TK_TFOR:
	case TK_TENDFOR:
		push(d, p, F_INTERP, t.off);
		break;
	case TK_OQUOTE: case TK_OHEREDOC:
		push(d, p, F_QUOTE, t.off);
		break;
	case TK_RBRACE:
		if (f->kind == F_BLOCK && d->n == 2 && d->open_blk > 0) {
			d->blk[d->open_blk - 1].end = t.off + t.len;
			d->open_blk = 0;
		}
		if (f->kind == F_OBJ || f->kind == F_FOR || f->kind == F_BLOCK)
			pop(d);
		break;
	case TK_RPAREN:
		if (f->kind == F_PAREN)
			pop(d);
		break;
	case TK_RBRACKET:
		if (f->kind == F_BRACK)
			pop(d);
		break;
	case TK_TEND:
		if (f->kind == F_INTERP)
			pop(d);
		break;
	case TK_CQUOTE: case TK_CHEREDOC:
		if (f->kind == F_QUOTE)
			pop(d);
		break;
	}
	f = &d->f[d->n - 1];
	if (f->kind == F_BLOCK && d->prev == TK_LBRACE && t.code != TK_LBRACE)
		f->oneline = t.code != TK_NEWLINE;
}

/* Should this NEWLINE reach the parser? */
static bool
keep_newline(drv *d)
{
	if (d->prev == TK_NEWLINE)
		return false;
	switch (d->f[d->n - 1].kind) {
	case F_TOP: case F_BLOCK: case F_OBJ:
		return true;
	}
	return false;
}

static bool feed(drv *d, lh_pctx *p, void *parser, lh_tok t);

#define MAX_ERRORS 50	/* syntax errors reported before giving up */

/* After a syntax error in a file body the driver skips to the end of the top-level
 * item (the newline after it, outside any bracket) and starts a fresh parser there,
 * as HashiCorp's parser recovers; the tree is discarded but later items still get
 * their diagnostics.  Returns true when t ends the skipped item. */
static bool
skip(drv *d, lh_pctx *p, lh_tok t)
{
	if (t.code == TK_NEWLINE && d->n == 1)
		return true;
	track(d, p, t);
	d->prev = t.code;
	return false;
}

/* Starts over at the beginning of a top-level item with a fresh parser. */
static void *
resync(drv *d, lh_pctx *p, void *parser)
{
	lhParseFree(parser, free);
	parser = lhParseAlloc(malloc);
	d->n = 1;
	memset(&d->f[0], 0, sizeof d->f[0]);
	d->f[0].kind = F_TOP;
	d->chain = 0;
	d->ndir = 0;
	d->prev = TK_NEWLINE;
	d->stop = false;
	return parser;
}

static lh_node *
run(lh_arena *a, const lh_source *src, lh_diags *diags, int start, lh_tok_fn *fn, void *ctx,
    bool segs)
{
	lh_pctx p;
	drv d;
	lh_node *result = NULL;
	void *parser = NULL;
	bool pending = false;	/* a NEWLINE waits in nl */
	bool skipping = false;	/* recovering from a syntax error */
	bool lexfail = false;
	lh_tok nl = { 0, 0, 0 };

	memset(&p, 0, sizeof p);
	memset(&d, 0, sizeof d);
	lh_pctx_init(&p, a, src);
	p.segs_on = segs && start == 0;
	p.d = diags;
	p.drv = &d;
	lh_lex_init(&d.lx, p.tmp, src, diags, start == TK_XTMPL ? LH_LEX_BARE : LH_LEX_EXPR);
	d.map = start == 0;
	push(&d, &p, start == TK_XEXPR ? F_EXPR : start == TK_XTMPL ? F_TMPL : F_TOP, 0);

	parser = lhParseAlloc(malloc);
	if (parser == NULL)
		goto out;
	if (start != 0) {
		lh_tok t = { start, 0, 0 };
		lhParse(parser, start, t, &p);
		d.prev = start;
	}
	for (;;) {
		lh_tok t = lh_lex_next(&d.lx);
		if (fn != NULL)
			fn(ctx, t.code, t.off, t.len);
		if (t.code == TK_ILLEGAL) {
			p.error = true;
			lexfail = true;
			goto out;
		}
		if (skipping) {
			if (t.code == 0)
				goto out;
			if (skip(&d, &p, t)) {
				parser = resync(&d, &p, parser);
				skipping = false;
			}
			continue;
		}
		if (t.code == TK_NEWLINE) {
			/* held back one token: "{ NEWLINE for" is an object for */
			if (keep_newline(&d) && !pending) {
				pending = true;
				nl = t;
			}
			continue;
		}
		if (pending) {
			pending = false;
			if (!(t.code == TK_FOR && d.prev == TK_LBRACE && d.f[d.n - 1].kind == F_OBJ) &&
			    !feed(&d, &p, parser, nl)) {
				if (start != 0 || d.fatal || d.nerr >= MAX_ERRORS)
					goto out;
				skipping = true;
				if (skip(&d, &p, nl)) {
					parser = resync(&d, &p, parser);
					skipping = false;
				}
				if (t.code == 0)
					goto out;
				if (skipping) {
					if (skip(&d, &p, t)) {
						parser = resync(&d, &p, parser);
						skipping = false;
					}
					continue;
				}
			}
		}
		if (t.code == 0) {
			if (start == 0 && d.prev != TK_NEWLINE && d.prev != 0 && keep_newline(&d) &&
			    is_body(&d.f[d.n - 1])) {
				lh_tok eol = { TK_NEWLINE, t.off, 0 };
				if (!feed(&d, &p, parser, eol))
					goto out;
			}
			lhParse(parser, 0, t, &p);
			break;
		}
		if (!feed(&d, &p, parser, t)) {
			if (start != 0 || d.fatal || d.nerr >= MAX_ERRORS)
				goto out;
			skipping = true;
			if (skip(&d, &p, t)) {
				parser = resync(&d, &p, parser);
				skipping = false;
			}
		}
	}
	if (!p.error && !d.stop)
		result = p.result;
out:
	if (d.nerr > 0) {
		/* a lexical error anywhere later in the file is reported first */
		lh_tok t;
		if (!lexfail)
			do
				t = lh_lex_next(&d.lx);
			while (t.code != 0 && t.code != TK_ILLEGAL);
		for (size_t i = 0; i < d.nerr; i++) {
			lh_diag *g = lh_diag_add(diags, LH_DIAG_ERROR, src, d.errs[i].s,
			    d.errs[i].e, d.errs[i].summary, "%s", d.errs[i].detail);
			if (d.errs[i].cs != NOCTX) {
				g->cstart = d.errs[i].cs;
				g->cend = d.errs[i].e > d.errs[i].cs ? d.errs[i].e : d.errs[i].cs + 1;
			}
		}
	}
	if (parser != NULL)
		lhParseFree(parser, free);
	if (d.map) {
		/* the source's block map: filled in here once, when its file is parsed
		 * (the source is otherwise read-only to the parser) */
		lh_source *w = (lh_source *)src;
		w->blocks = d.nblk ? lh_arena_alloc(a, d.nblk * sizeof *d.blk) : NULL;
		if (d.nblk > 0)
			memcpy((lh_srcblock *)w->blocks, d.blk, d.nblk * sizeof *d.blk);
		w->nblocks = d.nblk;
		w->has_blocks = true;
		w->segs = p.nsegs ? lh_arena_alloc(a, p.nsegs * sizeof *p.segs) : NULL;
		if (p.nsegs > 0)
			memcpy(w->segs, p.segs, p.nsegs * sizeof *p.segs);
		w->nsegs = p.nsegs;
	}
	lh_pctx_done(&p);
	return p.error ? NULL : result;
}

/* Feeds one token to the parser and tracks it; false when parsing must stop. */
static bool
feed(drv *d, lh_pctx *p, void *parser, lh_tok t)
{
	p->last = t;
	lhParse(parser, t.code, t, p);
	if (d->stop)
		return false;
	track(d, p, t);
	d->prev = t.code;
	d->prevtok = t;
	if (d->chain > MAX_DEPTH || d->ndir > MAX_DEPTH / 8) {
		err(p, t.off, t.off + t.len, "Expression too complex",
		    "This expression nests too deeply for litehcl to process.");
		d->fatal = true;
		return false;
	}
	return true;
}

lh_node *
lh_parse_file(lh_arena *a, const lh_source *src, lh_diags *d)
{
	return run(a, src, d, 0, NULL, NULL, false);
}

lh_node *
lh_parse_file_segmented(lh_arena *a, const lh_source *src, lh_diags *d)
{
	return run(a, src, d, 0, NULL, NULL, true);
}

void
lh_parse_release(const lh_node *block)
{
	if (block == NULL || block->kind != LH_AST_BLOCK || block->u.block.seg == 0)
		return;
	/* the block and its source are the parse's, which made them for this (as the
	 * block map, the source is otherwise read-only here) */
	lh_node *b = (lh_node *)block;
	lh_treeseg *g = &((lh_source *)b->src)->segs[b->u.block.seg - 1];
	b->u.block.seg = 0;
	b->u.block.body = NULL;
	if (--g->live == 0) {
		lh_arena_free(g->a);
		g->a = NULL;
	}
}

lh_arena *
lh_parse_block_arena(const lh_node *block)
{
	if (block == NULL || block->kind != LH_AST_BLOCK || block->u.block.seg == 0)
		return NULL;
	return block->src->segs[block->u.block.seg - 1].a;
}

lh_node *
lh_parse_file_tokens(lh_arena *a, const lh_source *src, lh_diags *d, lh_tok_fn *fn,
    void *ctx)
{
	return run(a, src, d, 0, fn, ctx, false);
}

lh_node *
lh_parse_expr(lh_arena *a, const lh_source *src, lh_diags *d)
{
	return run(a, src, d, TK_XEXPR, NULL, NULL, false);
}

lh_node *
lh_parse_template(lh_arena *a, const lh_source *src, lh_diags *d)
{
	return run(a, src, d, TK_XTMPL, NULL, NULL, false);
}
