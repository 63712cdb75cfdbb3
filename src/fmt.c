/* fmt.c - `terraform fmt`'s layout for HCL native syntax (see fmt.h).
 *
 * Where it sits: after the front end.  lh_parse_file checks the source (a file that
 * does not parse is never touched); then the re2c lexer is run again over the same
 * bytes to get every token, comments and newlines included, and the syntax tree
 * drives the few structural rewrites Terraform makes:
 *   - block labels are written as quoted strings, re-escaped from their decoded
 *     value, and comments between the block type and the last label disappear;
 *   - an argument whose whole value is one interpolation, "${x}", becomes x
 *     (wrapped in parentheses when it spans lines);
 *   - in a top-level variable block, type = "string" / "list" / "map" become the
 *     type expressions string, list(string), map(string), and a bare list, map or
 *     set becomes list(any), map(any), set(any).
 * The token stream is then laid out as HashiCorp's hclwrite does it: split into
 * lines at newline tokens (a # or // comment carries its newline), each line into a
 * lead cell, an assignment cell (from its first `=` when the rest of the line is
 * bracket-balanced) and a trailing comment cell; indentation from the net bracket
 * count per line; spaces between tokens from the kinds of the tokens around them;
 * and the `=` and trailing comments of consecutive lines aligned in columns.
 *
 * Guarantees: the only bytes that change are the spaces and tabs between tokens
 * (and the rewrites above); the token texts - comments, string and heredoc
 * contents, CR LF line endings - are copied unchanged. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fmt.h"
#include "func_impl.h"		/* lh_utf8_chars: grapheme clusters, for column widths */
#include "parse.h"
#include "parse_int.h"
#include "parser.h"
#include "utf8.h"

/* Token kinds, as HashiCorp's scanner distinguishes them (the spacing rules are
 * written in its terms). */
enum {
	K_NIL, K_EOF, K_NL, K_COMMENT, K_IDENT, K_NUMBER,
	K_OQUOTE, K_QLIT, K_SLIT, K_CQUOTE, K_OHEREDOC, K_CHEREDOC,
	K_TINTERP, K_TCONTROL, K_TSEQEND,
	K_OBRACE, K_CBRACE, K_OBRACK, K_CBRACK, K_OPAREN, K_CPAREN,
	K_DOT, K_COMMA, K_ELLIPSIS, K_EQUAL, K_FATARROW, K_COLON, K_QUESTION,
	K_STAR, K_SLASH, K_PERCENT, K_PLUS, K_MINUS, K_BANG, K_AND, K_OR,
	K_EQOP, K_NEQ, K_LT, K_LE, K_GT, K_GE
};

typedef struct ftok {
	uint32_t off;		/* text: source offset, or XBASE + offset in the extra text */
	uint32_t len;
	int32_t sp;		/* spaces before it in the output */
	uint8_t kind;		/* K_* */
} ftok;

/* Offsets at or above this are in fctx.extra (text the rewrites made up). */
#define XBASE 0x80000000u

/* One structural rewrite, found in the syntax tree: a source range whose tokens are
 * replaced when the stream passes its end. */
typedef struct edit {
	uint32_t start, end;
	enum { E_VALUE, E_TYPE, E_LABELS } kind;
	const lh_node *block;	/* E_LABELS */
} edit;

typedef struct fctx {
	lh_arena *a;
	const char *text;	/* the source */
	uint32_t textlen;
	lh_buf extra;		/* made-up token texts */
	ftok *s;		/* the source's tokens, as lexed (malloc'd) */
	size_t sn, scap;
	uint32_t prev;		/* end of the last token lexed */
	bool done;		/* end of input seen */
	ftok *v;		/* the output tokens (malloc'd) */
	size_t n, cap;
	edit *e;		/* rewrites in source order */
	size_t ne, cape;
	size_t ei;		/* next rewrite */
	size_t rs;		/* index in v where the current rewrite's tokens start */
	bool active;		/* the stream is inside rewrite e[ei] */
} fctx;

static inline const char *
tok_text(const fctx *c, const ftok *t)
{
	return t->off >= XBASE ? c->extra.p + (t->off - XBASE) : c->text + t->off;
}

static ftok *
grow(ftok *v, size_t *cap)
{
	*cap = *cap * 2 + 1024;
	v = realloc(v, *cap * sizeof *v);
	if (v == NULL) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	return v;
}

static inline void
stream_push(fctx *c, uint8_t kind, uint32_t off, uint32_t len)
{
	if (c->sn == c->scap)
		c->s = grow(c->s, &c->scap);
	c->s[c->sn++] = (ftok){ off, len, 0, kind };
}

static inline void
raw_push(fctx *c, uint8_t kind, uint32_t off, uint32_t len)
{
	if (c->n == c->cap)
		c->v = grow(c->v, &c->cap);
	ftok *k = &c->v[c->n++];
	k->off = off;
	k->len = len;
	k->sp = 0;
	k->kind = kind;
}

/* Pushes a made-up token with text s[0..n). */
static void
made(fctx *c, uint8_t kind, const char *s, size_t n)
{
	uint32_t off = XBASE + (uint32_t)c->extra.len;
	lh_buf_put(&c->extra, s, n);
	raw_push(c, kind, off, (uint32_t)n);
}

static uint8_t
kind_of(int code, const char *p)
{
	switch (code) {
	case TK_NEWLINE: return (p[0] == '#' || p[0] == '/') ? K_COMMENT : K_NL;
	case TK_IDENT: case TK_NSIDENT: case TK_TRUE: case TK_FALSE: case TK_NULL:
	case TK_FOR: case TK_IN: case TK_IF:
		return K_IDENT;
	case TK_NUMBER: return K_NUMBER;
	case TK_OQUOTE: return K_OQUOTE;
	case TK_TQLIT: return K_QLIT;
	case TK_TLIT: return K_SLIT;
	case TK_CQUOTE: return K_CQUOTE;
	case TK_OHEREDOC: return K_OHEREDOC;
	case TK_CHEREDOC: return K_CHEREDOC;
	case TK_TINTERP: return K_TINTERP;
	case TK_TEND: return K_TSEQEND;
	case TK_LBRACE: return K_OBRACE;
	case TK_RBRACE: return K_CBRACE;
	case TK_LBRACKET: return K_OBRACK;
	case TK_RBRACKET: return K_CBRACK;
	case TK_LPAREN: return K_OPAREN;
	case TK_RPAREN: return K_CPAREN;
	case TK_DOT: return K_DOT;
	case TK_COMMA: return K_COMMA;
	case TK_ELLIPSIS: return K_ELLIPSIS;
	case TK_EQUALS: return K_EQUAL;
	case TK_FATARROW: return K_FATARROW;
	case TK_COLON: return K_COLON;
	case TK_QUESTION: return K_QUESTION;
	case TK_STAR: return K_STAR;
	case TK_SLASH: return K_SLASH;
	case TK_PERCENT: return K_PERCENT;
	case TK_PLUS: return K_PLUS;
	case TK_MINUS: return K_MINUS;
	case TK_BANG: return K_BANG;
	case TK_AND: return K_AND;
	case TK_OR: return K_OR;
	case TK_EQ: return K_EQOP;
	case TK_NE: return K_NEQ;
	case TK_LT: return K_LT;
	case TK_LE: return K_LE;
	case TK_GT: return K_GT;
	case TK_GE: return K_GE;
	}
	return K_NIL;
}

static bool
tok_is(const fctx *c, const ftok *t, const char *s)
{
	size_t n = strlen(s);
	return t->len == n && memcmp(tok_text(c, t), s, n) == 0;
}

/* ---- the structural rewrites ---- */

/* An argument value "${ x }" becomes x, as Terraform's fmt unwraps legacy
 * interpolation-only strings: v[rs..n) are the value's tokens. */
static void
value_expr(fctx *c, size_t rs)
{
	ftok *v = c->v + rs;
	size_t n = c->n - rs;
	if (n < 5 || v[0].kind != K_OQUOTE || v[1].kind != K_TINTERP ||
	    v[n - 2].kind != K_TSEQEND || v[n - 1].kind != K_CQUOTE)
		return;
	const ftok *in = v + 2;
	size_t m = n - 4;
	int quotes = 0;
	for (size_t i = 0; i < m; i++) {
		uint8_t k = in[i].kind;
		if (k == K_OQUOTE) {
			quotes++;
			continue;
		}
		if (k == K_CQUOTE) {
			quotes--;
			continue;
		}
		if (quotes > 0)
			continue;
		if (k == K_TINTERP || k == K_TSEQEND || k == K_QLIT)
			return;
	}
	while (m > 0 && in[0].kind == K_NL) {
		in++;
		m--;
	}
	while (m > 0 && in[m - 1].kind == K_NL)
		m--;
	bool multi = false, lead = false, trail = false;
	for (size_t i = 0; i < m; i++) {
		if (i == 0 && in[i].kind == K_OPAREN)
			lead = true;
		else if (in[i].kind == K_NL)
			multi = true;
		else if (i == m - 1 && in[i].kind == K_CPAREN)
			trail = true;
	}
	/* the quotes and the interpolation markers give room for the parentheses */
	bool wrap = multi && !(lead && trail);
	memmove(v + wrap, in, m * sizeof *v);
	c->n = rs + wrap + m;
	if (wrap) {
		uint32_t o = XBASE + (uint32_t)c->extra.len;
		lh_buf_put(&c->extra, "()", 2);
		v[0] = (ftok){ o, 1, 0, K_OPAREN };
		raw_push(c, K_CPAREN, o + 1, 1);
	}
}

/* type = "string" and friends in a variable block (Terraform 0.11 syntax). */
static void
type_expr(fctx *c, size_t rs)
{
	const ftok *v = c->v + rs;
	size_t n = c->n - rs;
	const char *name, *elem;
	if (n == 1 && v[0].kind == K_IDENT && tok_is(c, v, "list")) {
		name = "list";
		elem = "any";
	} else if (n == 1 && v[0].kind == K_IDENT && tok_is(c, v, "map")) {
		name = "map";
		elem = "any";
	} else if (n == 1 && v[0].kind == K_IDENT && tok_is(c, v, "set")) {
		name = "set";
		elem = "any";
	} else if (n == 3 && v[0].kind == K_OQUOTE && v[1].kind == K_QLIT &&
	    v[2].kind == K_CQUOTE) {
		if (tok_is(c, &v[1], "string")) {
			c->n = rs;
			made(c, K_IDENT, "string", 6);
			return;
		}
		if (tok_is(c, &v[1], "list"))
			name = "list";
		else if (tok_is(c, &v[1], "map"))
			name = "map";
		else
			return;
		elem = "string";
	} else {
		return;
	}
	c->n = rs;
	made(c, K_IDENT, name, strlen(name));
	made(c, K_OPAREN, "(", 1);
	made(c, K_IDENT, elem, strlen(elem));
	made(c, K_CPAREN, ")", 1);
}

/* Is rune r printable in Go's sense (unicode.IsPrint: letters, marks, numbers,
 * punctuation, symbols and the ASCII space)?  Non-ASCII: the separators, controls,
 * format characters, surrogates, private use and noncharacters are not;
 * unassigned code points are taken as printable. */
static bool
printable(uint32_t r)
{
	if (r < 0x80)
		return r >= 0x20 && r < 0x7f;
	if (r <= 0xa0 || r == 0xad || r == 0x1680 || (r >= 0x2000 && r <= 0x200f) ||
	    (r >= 0x2028 && r <= 0x202f) || (r >= 0x205f && r <= 0x206f) || r == 0x3000 ||
	    r == 0xfeff || (r >= 0xfff9 && r <= 0xfffb) || (r >= 0xd800 && r <= 0xf8ff) ||
	    (r >= 0x600 && r <= 0x605) || r == 0x61c || r == 0x6dd || r == 0x70f ||
	    r == 0x890 || r == 0x891 || r == 0x8e2 || r == 0x180e || r == 0x110bd ||
	    r == 0x110cd || (r >= 0x13430 && r <= 0x1343f) || (r >= 0x1bca0 && r <= 0x1bca3) ||
	    (r >= 0x1d173 && r <= 0x1d17a) || r == 0xe0001 || (r >= 0xe0020 && r <= 0xe007f) ||
	    r >= 0xf0000 || (r & 0xfffe) == 0xfffe || (r >= 0xfdd0 && r <= 0xfdef))
		return false;
	return true;
}

/* Decodes the UTF-8 sequence at s (valid: it came out of the parser). */
static uint32_t
rune(const unsigned char *s, size_t *n)
{
	if (s[0] < 0x80) { *n = 1; return s[0]; }
	if (s[0] < 0xe0) { *n = 2; return (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f); }
	if (s[0] < 0xf0) {
		*n = 3;
		return (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	}
	*n = 4;
	return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
	    (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
}

/* Pushes a label's decoded text as the quoted literal hclwrite writes for it. */
static void
label_tokens(fctx *c, const char *s)
{
	size_t n = strlen(s);
	made(c, K_OQUOTE, "\"", 1);
	uint32_t off = XBASE + (uint32_t)c->extra.len;
	for (size_t i = 0; i < n;) {
		size_t k;
		char esc[16];
		uint32_t r = rune((const unsigned char *)s + i, &k);
		switch (r) {
		case '\n': lh_buf_put(&c->extra, "\\n", 2); break;
		case '\r': lh_buf_put(&c->extra, "\\r", 2); break;
		case '\t': lh_buf_put(&c->extra, "\\t", 2); break;
		case '"': lh_buf_put(&c->extra, "\\\"", 2); break;
		case '\\': lh_buf_put(&c->extra, "\\\\", 2); break;
		case '$': case '%':
			lh_buf_putc(&c->extra, (char)r);
			if (s[i + 1] == '{')
				lh_buf_putc(&c->extra, (char)r);
			break;
		default:
			if (printable(r))
				lh_buf_put(&c->extra, s + i, k);
			else
				lh_buf_put(&c->extra, esc, (size_t)snprintf(esc, sizeof esc,
				    r < 0x10000 ? "\\u%04x" : "\\U%08x", r));
		}
		i += k;
	}
	raw_push(c, K_QLIT, off, (uint32_t)(XBASE + c->extra.len - off));
	made(c, K_CQUOTE, "\"", 1);
}

/* Would HashiCorp's scanner make the quoted label s[0..len) (quotes included) one
 * literal token?  It splits a literal at every $ and %, and hclwrite drops a label
 * it cannot read back as one literal; Terraform's fmt inherits that. */
static bool
label_kept(const char *s, uint32_t len)
{
	if (len < 2 || s[0] != '"')
		return true;
	int pieces = 0;
	bool in_run = false;
	for (uint32_t i = 1; i + 1 < len; i++) {
		if (s[i] == '$' || s[i] == '%') {
			pieces++;
			in_run = false;
		} else if (!in_run) {
			pieces++;
			in_run = true;
		}
		if (s[i] == '\\' && i + 2 < len)
			i++;
	}
	return pieces <= 1;
}

/* Replaces the tokens of the finished rewrite e[ei] (v[rs..n)). */
static void
finish_edit(fctx *c)
{
	const edit *e = &c->e[c->ei];
	switch (e->kind) {
	case E_VALUE:
		value_expr(c, c->rs);
		break;
	case E_TYPE:
		type_expr(c, c->rs);
		break;
	case E_LABELS: {
		const lh_label *L = e->block->u.block.labels;
		c->n = c->rs;
		for (size_t l = 0; l < e->block->u.block.nlabels; l++)
			if (label_kept(c->text + L[l].start, L[l].end - L[l].start))
				label_tokens(c, L[l].text);
		break;
	}
	}
	c->active = false;
	c->ei++;
}

/* Pushes a source token, opening and closing rewrites as the stream passes them. */
static inline void
put(fctx *c, uint8_t kind, uint32_t off, uint32_t len)
{
	while (c->ei < c->ne) {
		const edit *e = &c->e[c->ei];
		if (c->active && off >= e->end) {
			finish_edit(c);
			continue;
		}
		if (!c->active && off >= e->start) {
			c->active = true;
			c->rs = c->n;
		}
		break;
	}
	raw_push(c, kind, off, len);
}

static void
add_edit(fctx *c, uint32_t start, uint32_t end, int kind, const lh_node *block)
{
	if (c->ne == c->cape) {
		size_t cap = c->cape * 2 + 64;
		c->e = lh_arena_grow(c->a, c->e, c->ne, cap, sizeof *c->e);
		c->cape = cap;
	}
	c->e[c->ne++] = (edit){ start, end, kind, block };
}

/* Collects the rewrites of a body, in source order. */
static void
walk_body(fctx *c, const lh_node *body, int depth, bool in_variable)
{
	for (size_t k = 0; k < body->u.body.n; k++) {
		const lh_node *it = body->u.body.items[k];
		if (it->kind == LH_AST_ATTR) {
			const lh_node *x = it->u.attr.expr;
			bool type = in_variable && depth == 1 && strcmp(it->u.attr.name, "type") == 0;
			/* a value can only unwrap when it is a quoted template */
			if (type || (x->kind == LH_AST_TEMPLATE && c->text[x->start] == '"'))
				add_edit(c, x->start, x->end, type ? E_TYPE : E_VALUE, NULL);
		} else if (it->kind == LH_AST_BLOCK) {
			size_t nl = it->u.block.nlabels;
			if (nl > 0)
				add_edit(c, it->u.block.type_end, it->u.block.labels[nl - 1].end,
				    E_LABELS, it);
			walk_body(c, it->u.block.body, depth + 1,
			    depth == 0 ? strcmp(it->u.block.type, "variable") == 0 : in_variable);
		}
	}
}

/* The parser's token callback: records the stream in c->s, block comments (which
 * the lexer skips) recovered from the gaps between tokens.  The last token is K_EOF,
 * whose sp is the width of the trailing gap (Terraform keeps it). */
static void
on_token(void *ctx, int code, uint32_t off, uint32_t len)
{
	fctx *c = ctx;
	const char *text = c->text;
	if (c->done)
		return;
	for (uint32_t i = c->prev; i + 1 < off; i++) {
		if (text[i] != '/' || text[i + 1] != '*')
			continue;
		const char *e = strstr(text + i + 2, "*/");
		uint32_t end = e ? (uint32_t)(e - text) + 2 : off;
		stream_push(c, K_COMMENT, i, end - i);
		i = end - 1;
	}
	if (code == 0 || code == TK_ILLEGAL) {
		uint32_t last = c->sn > 0 ? c->s[c->sn - 1].off + c->s[c->sn - 1].len : 0;
		stream_push(c, K_EOF, c->textlen, 0);
		c->s[c->sn - 1].sp = (int32_t)(c->textlen - last);
		c->done = true;
		return;
	}
	const char *p = text + off;
	switch (code) {
	case TK_TIF: case TK_TELSE: case TK_TENDIF: case TK_TFOR: case TK_TENDFOR: {
		/* "%{ if": the control opener and the keyword are two tokens, with any
		 * newlines and comments between them */
		uint32_t n = p[2] == '~' ? 3 : 2, w = n;
		stream_push(c, K_TCONTROL, off, n);
		while (w < len) {
			uint32_t e = w;
			if (p[w] == ' ' || p[w] == '\t') {
				w++;
				continue;
			}
			if (p[w] == '\n' || (p[w] == '\r' && p[w + 1] == '\n')) {
				e = w + (p[w] == '\n' ? 1 : 2);
				stream_push(c, K_NL, off + w, e - w);
			} else if (p[w] == '/' && p[w + 1] == '*') {
				for (e = w + 2; e + 1 < len && !(p[e] == '*' && p[e + 1] == '/'); e++)
					;
				e += 2;
				stream_push(c, K_COMMENT, off + w, e - w);
			} else if (p[w] == '#' || (p[w] == '/' && p[w + 1] == '/')) {
				while (e < len && p[e] != '\n')
					e++;
				e += e < len;
				stream_push(c, K_COMMENT, off + w, e - w);
			} else {
				break;
			}
			w = e;
		}
		stream_push(c, K_IDENT, off + w, len - w);
		break;
	}
	default:
		stream_push(c, kind_of(code, p), off, len);
	}
	c->prev = off + len;
}

/* ---- layout ---- */

typedef struct fline {
	uint32_t lead, lead_end;	/* token index range of the lead cell */
	uint32_t assign, assign_end;	/* assignment cell, empty when assign == assign_end */
	uint32_t comment;		/* trailing comment token, UINT32_MAX when none */
	int cols;			/* columns of the cells before the one being aligned */
} fline;

static inline int
bracket(uint8_t k)
{
	switch (k) {
	case K_OBRACE: case K_OBRACK: case K_OPAREN: case K_TCONTROL: case K_TINTERP:
		return 1;
	case K_CBRACE: case K_CBRACK: case K_CPAREN: case K_TSEQEND:
		return -1;
	}
	return 0;
}

static inline bool
ends_line(const fctx *c, const ftok *t)
{
	return t->kind == K_NL ||
	    (t->kind == K_COMMENT && t->len > 0 && tok_text(c, t)[t->len - 1] == '\n');
}

/* hclwrite's spaceAfterToken: is there a space between subject and after? */
static bool
space_after(const fctx *c, const ftok *subject, uint8_t before, const ftok *after)
{
	uint8_t s = subject->kind, a = after->kind;
	if (a == K_NL || a == K_NIL || a == K_EOF)
		return false;
	if (s == K_IDENT && a == K_OPAREN)
		return false;
	if (s == K_DOT || a == K_DOT)
		return false;
	if (a == K_COMMA || a == K_ELLIPSIS)
		return false;
	if (s == K_COMMA)
		return true;
	if (s == K_QLIT || s == K_SLIT || s == K_OQUOTE || s == K_OHEREDOC ||
	    a == K_QLIT || a == K_SLIT || a == K_CQUOTE || a == K_CHEREDOC)
		return false;
	if (s == K_IDENT && before == K_IDENT && tok_is(c, subject, "in"))
		return true;
	if (a == K_OBRACK && (s == K_IDENT || s == K_NUMBER || bracket(s) < 0))
		return false;
	if (s == K_BANG)
		return false;
	if (s == K_MINUS) {
		/* negation when what comes before cannot end an operand */
		switch (before) {
		case K_NIL: case K_OPAREN: case K_OBRACE: case K_OBRACK: case K_EQUAL:
		case K_COLON: case K_COMMA: case K_QUESTION: case K_PLUS: case K_STAR:
		case K_SLASH: case K_PERCENT: case K_MINUS: case K_EQOP: case K_NEQ:
		case K_GT: case K_GE: case K_LT: case K_LE: case K_AND: case K_OR: case K_BANG:
			return false;
		}
		return true;
	}
	if (s == K_OBRACE || a == K_CBRACE)
		return !(s == K_OBRACE && a == K_CBRACE);
	if ((s == K_TINTERP || s == K_TCONTROL) && a == K_OBRACE)
		return true;
	if (s == K_CBRACE && a == K_TSEQEND)
		return true;
	if (s == K_TSEQEND && (a == K_TINTERP || a == K_TCONTROL))
		return false;
	if (bracket(s) > 0)
		return false;
	if (bracket(a) < 0)
		return false;
	return true;
}

/* Columns a token's text takes: grapheme clusters (CR LF is one). */
static int
columns(const fctx *c, const ftok *t)
{
	const char *p = tok_text(c, t);
	int n = 0;
	for (uint32_t i = 0; i < t->len; i++) {
		unsigned char b = (unsigned char)p[i];
		if (b >= 0x80)
			return (int)lh_utf8_chars(p, t->len);
		if (!(b == '\r' && i + 1 < t->len && p[i + 1] == '\n'))
			n++;
	}
	return n;
}

static int
cell_columns(const fctx *c, uint32_t s, uint32_t e)
{
	int n = 0;
	for (uint32_t i = s; i < e; i++)
		n += c->v[i].sp + columns(c, &c->v[i]);
	return n;
}

static void
space_cell(fctx *c, uint32_t s, uint32_t e)
{
	ftok *v = c->v;
	for (uint32_t i = s; i + 1 < e; i++)
		v[i + 1].sp = space_after(c, &v[i], i > s ? v[i - 1].kind : K_NIL, &v[i + 1]);
}

/* Splits the tokens into lines and each line into its cells. */
static fline *
split_lines(fctx *c, size_t *count)
{
	ftok *v = c->v;
	size_t n = c->n, nlines = 1;
	for (size_t i = 0; i < n; i++)
		if (ends_line(c, &v[i]))
			nlines++;
	fline *L = malloc(nlines * sizeof *L);
	if (L == NULL) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	size_t li = 0;
	uint32_t start = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (v[i].kind == K_EOF || ends_line(c, &v[i])) {
			fline *f = &L[li++];
			f->lead = start;
			f->lead_end = v[i].kind == K_EOF ? i : i + 1;
			start = i + 1;
			if (v[i].kind == K_EOF)
				break;
		}
	}
	nlines = li;
	for (size_t l = 0; l < nlines; l++) {
		fline *f = &L[l];
		f->comment = UINT32_MAX;
		f->assign = f->assign_end = f->lead_end;
		if (f->lead_end == f->lead)
			continue;
		if (f->lead_end - f->lead > 1 && v[f->lead_end - 1].kind == K_COMMENT) {
			f->comment = f->lead_end - 1;
			f->lead_end--;
			f->assign = f->assign_end = f->lead_end;
		}
		/* the first = starts the assignment cell if the rest of the line is
		 * bracket-balanced (else it opens a multi-line value) */
		for (uint32_t i = f->lead + 1; i < f->lead_end; i++) {
			if (v[i].kind != K_EQUAL)
				continue;
			int net = 0;
			for (uint32_t j = i; j < f->lead_end; j++)
				net += bracket(v[j].kind);
			if (net == 0) {
				f->assign = i;
				f->assign_end = f->lead_end;
				f->lead_end = i;
			}
			break;
		}
	}
	*count = nlines;
	return L;
}

/* Indentation: two spaces per open bracket level, counted per line the way hclwrite
 * does (a line's net opening brackets push one level; closing ones pop as many
 * levels as they close, so unbalanced lines do not drift). */
static void
indent(fctx *c, fline *L, size_t nlines)
{
	ftok *v = c->v;
	int stack[64], *st = stack;
	size_t depth = 0, cap = 64;
	for (size_t l = 0; l < nlines; l++) {
		fline *f = &L[l];
		if (f->lead == f->lead_end)
			continue;
		if (v[f->lead].kind == K_NL) {
			v[f->lead].sp = 0;
			continue;
		}
		int net = 0;
		for (uint32_t i = f->lead; i < f->lead_end; i++) {
			net += bracket(v[i].kind);
			if (v[i].kind == K_OHEREDOC)
				break;
		}
		for (uint32_t i = f->assign; i < f->assign_end; i++)
			net += bracket(v[i].kind);
		v[f->lead].sp = (int32_t)(2 * depth);
		if (net > 0) {
			if (depth == cap) {
				int *ns = malloc(2 * cap * sizeof *ns);
				if (ns == NULL) {
					fputs("litehcl: out of memory\n", stderr);
					abort();
				}
				memcpy(ns, st, depth * sizeof *ns);
				if (st != stack)
					free(st);
				st = ns;
				cap *= 2;
			}
			st[depth++] = net;
		} else if (net < 0) {
			int closed = -net;
			while (closed > 0 && depth > 0) {
				if (closed > st[depth - 1]) {
					closed -= st[depth - 1];
					depth--;
				} else if (closed < st[depth - 1]) {
					st[depth - 1] -= closed;
					closed = 0;
				} else {
					depth--;
					closed = 0;
				}
			}
			v[f->lead].sp = (int32_t)(2 * depth);
		}
	}
	if (st != stack)
		free(st);
}

/* Aligns, in each run of consecutive lines that have one, the assignment cells
 * (which = 0) or the trailing comments (which = 1) one column after the widest
 * preceding cells of the run. */
static void
align(fctx *c, fline *L, size_t nlines, int which)
{
	size_t chain = SIZE_MAX;
	int maxc = 0;
	for (size_t l = 0; l <= nlines; l++) {
		bool has = l < nlines && (which == 0 ? L[l].assign < L[l].assign_end
		    : L[l].comment != UINT32_MAX);
		if (has) {
			fline *f = &L[l];
			if (chain == SIZE_MAX)
				chain = l;
			f->cols = cell_columns(c, f->lead, f->lead_end);
			if (which == 1)
				f->cols += cell_columns(c, f->assign, f->assign_end);
			if (f->cols > maxc)
				maxc = f->cols;
		} else if (chain != SIZE_MAX) {
			for (size_t m = chain; m < l; m++)
				c->v[which == 0 ? L[m].assign : L[m].comment].sp = maxc - L[m].cols + 1;
			chain = SIZE_MAX;
			maxc = 0;
		}
	}
}

static void
layout(fctx *c)
{
	size_t nlines;
	fline *L = split_lines(c, &nlines);
	indent(c, L, nlines);
	for (size_t l = 0; l < nlines; l++) {
		fline *f = &L[l];
		space_cell(c, f->lead, f->lead_end);
		if (f->assign < f->assign_end) {
			c->v[f->assign].sp = 1;
			space_cell(c, f->assign, f->assign_end);
		}
	}
	align(c, L, nlines, 0);
	align(c, L, nlines, 1);
	free(L);
}

const char *
lh_fmt_file(lh_arena *a, const lh_source *src, lh_diags *d, size_t *len)
{
	fctx c;
	memset(&c, 0, sizeof c);
	c.a = a;
	c.text = src->text;
	c.textlen = (uint32_t)src->len;
	c.s = grow(NULL, &c.scap);
	const lh_node *root = lh_parse_file_tokens(a, src, d, on_token, &c);
	if (root == NULL || !c.done) {
		free(c.s);
		return NULL;
	}
	lh_buf_put(&c.extra, "", 0);
	walk_body(&c, root, 0, false);
	/* the rewrites, as the stream passes them */
	c.cap = c.sn + c.sn / 16 + 64;
	c.v = malloc(c.cap * sizeof *c.v);
	if (c.v == NULL) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	for (size_t i = 0; i < c.sn; i++)
		put(&c, c.s[i].kind, c.s[i].off, c.s[i].len);
	c.v[c.n - 1].sp = c.s[c.sn - 1].sp;
	free(c.s);
	layout(&c);

	size_t total = 0;
	for (size_t i = 0; i < c.n; i++)
		total += (size_t)c.v[i].sp + c.v[i].len;
	char *buf = lh_arena_alloc(a, total + 1), *o = buf;
	for (size_t i = 0; i < c.n; i++) {
		const ftok *t = &c.v[i];
		for (int32_t k = 0; k < t->sp; k++)
			*o++ = ' ';
		memcpy(o, tok_text(&c, t), t->len);
		o += t->len;
	}
	*o = '\0';
	*len = total;
	free(c.v);
	lh_buf_free(&c.extra);
	return buf;
}
