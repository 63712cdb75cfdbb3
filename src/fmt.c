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
#include <string.h>

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
	const char *p;		/* the token's bytes (source or arena) */
	uint32_t len;
	uint32_t off;		/* source offset (replacement tokens: of what they replace) */
	int32_t sp;		/* spaces before it in the output */
	uint8_t kind;		/* K_* */
} ftok;

typedef struct tokv {
	ftok *v;
	size_t n, cap;
} tokv;

static void
tpush(lh_arena *a, tokv *t, uint8_t kind, const char *p, uint32_t len, uint32_t off)
{
	if (t->n == t->cap) {
		size_t cap = t->cap < 64 ? 128 : t->cap * 2;
		t->v = lh_arena_grow(a, t->v, t->n, cap, sizeof *t->v);
		t->cap = cap;
	}
	ftok *k = &t->v[t->n++];
	k->p = p;
	k->len = len;
	k->off = off;
	k->sp = 0;
	k->kind = kind;
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

/* Lexes the whole source into t.  The lexer skips spaces, tabs and block comments
 * between tokens: the block comments are recovered from those gaps.  The last token
 * is K_EOF, whose sp is the width of the trailing gap (Terraform keeps it). */
static void
lex_all(lh_arena *a, const lh_source *src, tokv *t)
{
	lh_lexer lx;
	lh_diags d;
	const char *text = src->text;
	uint32_t prev = 0;

	lh_diags_init(&d, a);
	lh_lex_init(&lx, a, src, &d, LH_LEX_EXPR);
	for (;;) {
		lh_tok k = lh_lex_next(&lx);
		/* block comments in the gap before this token */
		for (uint32_t i = prev; i + 1 < k.off; i++) {
			if (text[i] != '/' || text[i + 1] != '*')
				continue;
			const char *e = strstr(text + i + 2, "*/");
			uint32_t end = e ? (uint32_t)(e - text) + 2 : k.off;
			tpush(a, t, K_COMMENT, text + i, end - i, i);
			i = end - 1;
		}
		if (k.code == 0 || k.code == TK_ILLEGAL) {
			tpush(a, t, K_EOF, text + src->len, 0, (uint32_t)src->len);
			t->v[t->n - 1].sp = (int32_t)(src->len - prev);
			return;
		}
		const char *p = text + k.off;
		switch (k.code) {
		case TK_TIF: case TK_TELSE: case TK_TENDIF: case TK_TFOR: case TK_TENDFOR: {
			/* "%{ if": the control opener and the keyword are two tokens */
			uint32_t n = p[2] == '~' ? 3 : 2, w = n;
			while (p[w] == ' ' || p[w] == '\t')
				w++;
			tpush(a, t, K_TCONTROL, p, n, k.off);
			tpush(a, t, K_IDENT, p + w, k.len - w, k.off + w);
			break;
		}
		default:
			tpush(a, t, kind_of(k.code, p), p, k.len, k.off);
		}
		prev = k.off + k.len;
	}
}

/* ---- the structural rewrites ---- */

typedef struct rw {
	lh_arena *a;
	const tokv *in;
	tokv *out;
	size_t cur;		/* next input token to copy */
} rw;

/* Index of the first input token at or after offset off (from the cursor on). */
static size_t
seek(const rw *r, size_t from, uint32_t off)
{
	size_t i = from;
	while (i < r->in->n && r->in->v[i].kind != K_EOF && r->in->v[i].off < off)
		i++;
	return i;
}

static void
copy_to(rw *r, size_t end)
{
	for (; r->cur < end; r->cur++) {
		if (r->out->n == r->out->cap) {
			size_t cap = r->out->cap * 2 + 128;
			r->out->v = lh_arena_grow(r->a, r->out->v, r->out->n, cap, sizeof *r->out->v);
			r->out->cap = cap;
		}
		r->out->v[r->out->n++] = r->in->v[r->cur];
	}
}

static void
emit(rw *r, const ftok *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tpush(r->a, r->out, v[i].kind, v[i].p, v[i].len, v[i].off);
}

static bool
tok_is(const ftok *t, const char *s)
{
	size_t n = strlen(s);
	return t->len == n && memcmp(t->p, s, n) == 0;
}

/* An argument value "${ x }" becomes x, as Terraform's fmt unwraps legacy
 * interpolation-only strings; v[0..n) are the value's tokens. */
static void
value_expr(rw *r, const ftok *v, size_t n)
{
	if (n < 5 || v[0].kind != K_OQUOTE || v[1].kind != K_TINTERP ||
	    v[n - 2].kind != K_TSEQEND || v[n - 1].kind != K_CQUOTE) {
		emit(r, v, n);
		return;
	}
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
		if (k == K_TINTERP || k == K_TSEQEND || k == K_QLIT) {
			emit(r, v, n);
			return;
		}
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
	if (multi && !(lead && trail)) {
		tpush(r->a, r->out, K_OPAREN, "(", 1, v[0].off);
		emit(r, in, m);
		tpush(r->a, r->out, K_CPAREN, ")", 1, v[n - 1].off);
		return;
	}
	emit(r, in, m);
}

/* type = "string" and friends in a variable block (Terraform 0.11 syntax). */
static void
type_expr(rw *r, const ftok *v, size_t n)
{
	const char *elem = NULL;
	const ftok *name = v;
	if (n == 1 && v[0].kind == K_IDENT &&
	    (tok_is(v, "list") || tok_is(v, "map") || tok_is(v, "set"))) {
		elem = "any";
	} else if (n == 3 && v[0].kind == K_OQUOTE && v[1].kind == K_QLIT &&
	    v[2].kind == K_CQUOTE) {
		if (tok_is(&v[1], "string")) {
			tpush(r->a, r->out, K_IDENT, "string", 6, v[0].off);
			return;
		}
		if (tok_is(&v[1], "list") || tok_is(&v[1], "map")) {
			elem = "string";
			name = &v[1];
		}
	}
	if (elem == NULL) {
		emit(r, v, n);
		return;
	}
	tpush(r->a, r->out, K_IDENT, name->p, name->len, v[0].off);
	tpush(r->a, r->out, K_OPAREN, "(", 1, v[0].off);
	tpush(r->a, r->out, K_IDENT, elem, (uint32_t)strlen(elem), v[0].off);
	tpush(r->a, r->out, K_CPAREN, ")", 1, v[0].off);
}

/* Is rune c printable in Go's sense (unicode.IsPrint: letters, marks, numbers,
 * punctuation, symbols and the ASCII space)?  Non-ASCII: the separators, controls,
 * format characters, surrogates, private use and noncharacters are not;
 * unassigned code points are taken as printable. */
static bool
printable(uint32_t c)
{
	if (c < 0x80)
		return c >= 0x20 && c < 0x7f;
	if (c < 0xa0 || c == 0xa0 || c == 0xad || c == 0x1680 || (c >= 0x2000 && c <= 0x200f) ||
	    (c >= 0x2028 && c <= 0x202f) || (c >= 0x205f && c <= 0x206f) || c == 0x3000 ||
	    c == 0xfeff || (c >= 0xfff9 && c <= 0xfffb) || (c >= 0xd800 && c <= 0xf8ff) ||
	    (c >= 0x600 && c <= 0x605) || c == 0x61c || c == 0x6dd || c == 0x70f ||
	    c == 0x890 || c == 0x891 || c == 0x8e2 || c == 0x180e || c == 0x110bd ||
	    c == 0x110cd || (c >= 0x13430 && c <= 0x1343f) || (c >= 0x1bca0 && c <= 0x1bca3) ||
	    (c >= 0x1d173 && c <= 0x1d17a) || c == 0xe0001 || (c >= 0xe0020 && c <= 0xe007f) ||
	    c >= 0xf0000 || (c & 0xfffe) == 0xfffe || (c >= 0xfdd0 && c <= 0xfdef))
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

/* A label's decoded text as the quoted literal hclwrite writes for it. */
static void
label_tokens(rw *r, const char *s, uint32_t off)
{
	size_t n = strlen(s), cap = n * 10 + 1, o = 0;
	char *b = lh_arena_alloc(r->a, cap);
	for (size_t i = 0; i < n;) {
		size_t k;
		uint32_t c = rune((const unsigned char *)s + i, &k);
		switch (c) {
		case '\n': b[o++] = '\\'; b[o++] = 'n'; break;
		case '\r': b[o++] = '\\'; b[o++] = 'r'; break;
		case '\t': b[o++] = '\\'; b[o++] = 't'; break;
		case '"': b[o++] = '\\'; b[o++] = '"'; break;
		case '\\': b[o++] = '\\'; b[o++] = '\\'; break;
		case '$': case '%':
			b[o++] = (char)c;
			if (s[i + 1] == '{')
				b[o++] = (char)c;
			break;
		default:
			if (printable(c)) {
				memcpy(b + o, s + i, k);
				o += k;
			} else if (c < 0x10000) {
				o += (size_t)snprintf(b + o, cap - o, "\\u%04x", c);
			} else {
				o += (size_t)snprintf(b + o, cap - o, "\\U%08x", c);
			}
		}
		i += k;
	}
	tpush(r->a, r->out, K_OQUOTE, "\"", 1, off);
	tpush(r->a, r->out, K_QLIT, b, (uint32_t)o, off);
	tpush(r->a, r->out, K_CQUOTE, "\"", 1, off);
}

/* Would HashiCorp's scanner make the quoted label [s, e) (quotes included) a single
 * literal token?  It splits a literal at every $ and %, and hclwrite silently drops a
 * label it cannot read back as one literal; Terraform's fmt inherits that. */
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

static void
walk_body(rw *r, const lh_node *body, int depth, bool in_variable)
{
	for (size_t k = 0; k < body->u.body.n; k++) {
		const lh_node *it = body->u.body.items[k];
		if (it->kind == LH_AST_ATTR) {
			const lh_node *e = it->u.attr.expr;
			size_t i = seek(r, r->cur, e->start), j = seek(r, i, e->end);
			copy_to(r, i);
			if (in_variable && depth == 1 && strcmp(it->u.attr.name, "type") == 0)
				type_expr(r, r->in->v + i, j - i);
			else
				value_expr(r, r->in->v + i, j - i);
			r->cur = j;
		} else if (it->kind == LH_AST_BLOCK) {
			size_t nl = it->u.block.nlabels;
			if (nl > 0) {
				const lh_label *L = it->u.block.labels;
				size_t i = seek(r, r->cur, it->u.block.type_end),
				    j = seek(r, i, L[nl - 1].end);
				copy_to(r, i);
				for (size_t l = 0; l < nl; l++)
					if (label_kept(r->in->v[0].p - r->in->v[0].off + L[l].start,
					    L[l].end - L[l].start))
						label_tokens(r, L[l].text, L[l].start);
				r->cur = j;
			}
			walk_body(r, it->u.block.body, depth + 1,
			    depth == 0 ? strcmp(it->u.block.type, "variable") == 0 : in_variable);
		}
	}
}

/* ---- layout ---- */

typedef struct fline {
	uint32_t lead, lead_end;	/* token index range of the lead cell */
	uint32_t assign, assign_end;	/* assignment cell, empty when assign == assign_end */
	uint32_t comment;		/* trailing comment token, UINT32_MAX when none */
} fline;

static int
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

static bool
ends_line(const ftok *t)
{
	return t->kind == K_NL || (t->kind == K_COMMENT && t->len > 0 && t->p[t->len - 1] == '\n');
}

/* hclwrite's spaceAfterToken: is there a space between subject and after? */
static bool
space_after(const ftok *subject, uint8_t before, const ftok *after)
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
	if (s == K_IDENT && before == K_IDENT && tok_is(subject, "in"))
		return true;
	if (a == K_OBRACK && (s == K_IDENT || s == K_NUMBER || bracket(s) < 0))
		return false;
	if (s == K_BANG)
		return false;
	if (s == K_MINUS) {
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
columns(const ftok *t)
{
	int n = 0;
	for (uint32_t i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->p[i];
		if (c >= 0x80)
			return (int)lh_utf8_chars(t->p, t->len);
		if (!(c == '\r' && i + 1 < t->len && t->p[i + 1] == '\n'))
			n++;
	}
	return n;
}

static int
cell_columns(const ftok *v, uint32_t s, uint32_t e)
{
	int n = 0;
	for (uint32_t i = s; i < e; i++)
		n += v[i].sp + columns(&v[i]);
	return n;
}

static void
space_cell(ftok *v, uint32_t s, uint32_t e)
{
	for (uint32_t i = s; i + 1 < e; i++)
		v[i + 1].sp = space_after(&v[i], i > s ? v[i - 1].kind : K_NIL, &v[i + 1]) ? 1 : 0;
}

static void
layout(lh_arena *a, ftok *v, size_t n)
{
	/* lines: every token but the final EOF belongs to one */
	size_t nlines = 1;
	for (size_t i = 0; i < n; i++)
		if (ends_line(&v[i]))
			nlines++;
	fline *L = lh_arena_alloc(a, nlines * sizeof *L);
	size_t li = 0;
	uint32_t start = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (v[i].kind == K_EOF) {
			L[li].lead = start;
			L[li].lead_end = i;
			li++;
			start = i + 1;
			break;
		}
		if (ends_line(&v[i])) {
			L[li].lead = start;
			L[li].lead_end = i + 1;
			li++;
			start = i + 1;
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

	/* indentation */
	int *stack = NULL;
	size_t depth = 0, cap = 0;
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
		if (net > 0) {
			v[f->lead].sp = (int32_t)(2 * depth);
			if (depth == cap) {
				stack = lh_arena_grow(a, stack, depth, cap * 2 + 16, sizeof *stack);
				cap = cap * 2 + 16;
			}
			stack[depth++] = net;
		} else if (net < 0) {
			int closed = -net;
			while (closed > 0 && depth > 0) {
				if (closed > stack[depth - 1]) {
					closed -= stack[depth - 1];
					depth--;
				} else if (closed < stack[depth - 1]) {
					stack[depth - 1] -= closed;
					closed = 0;
				} else {
					depth--;
					closed = 0;
				}
			}
			v[f->lead].sp = (int32_t)(2 * depth);
		} else {
			v[f->lead].sp = (int32_t)(2 * depth);
		}
	}

	/* spaces inside the cells */
	for (size_t l = 0; l < nlines; l++) {
		fline *f = &L[l];
		space_cell(v, f->lead, f->lead_end);
		if (f->assign < f->assign_end) {
			v[f->assign].sp = 1;
			space_cell(v, f->assign, f->assign_end);
		}
	}

	/* alignment of = in runs of assignment lines, then of trailing comments */
	size_t chain = SIZE_MAX;
	int maxc = 0;
	for (size_t l = 0; l <= nlines; l++) {
		bool has = l < nlines && L[l].assign < L[l].assign_end;
		if (has) {
			if (chain == SIZE_MAX)
				chain = l;
			int c = cell_columns(v, L[l].lead, L[l].lead_end);
			if (c > maxc)
				maxc = c;
		} else if (chain != SIZE_MAX) {
			for (size_t m = chain; m < l; m++)
				v[L[m].assign].sp = maxc - cell_columns(v, L[m].lead, L[m].lead_end) + 1;
			chain = SIZE_MAX;
			maxc = 0;
		}
	}
	for (size_t l = 0; l <= nlines; l++) {
		bool has = l < nlines && L[l].comment != UINT32_MAX;
		if (has) {
			if (chain == SIZE_MAX)
				chain = l;
			int c = cell_columns(v, L[l].lead, L[l].lead_end) +
			    cell_columns(v, L[l].assign, L[l].assign_end);
			if (c > maxc)
				maxc = c;
		} else if (chain != SIZE_MAX) {
			for (size_t m = chain; m < l; m++)
				v[L[m].comment].sp = maxc - (cell_columns(v, L[m].lead, L[m].lead_end) +
				    cell_columns(v, L[m].assign, L[m].assign_end)) + 1;
			chain = SIZE_MAX;
			maxc = 0;
		}
	}
}

const char *
lh_fmt_file(lh_arena *a, const lh_source *src, lh_diags *d, size_t *len)
{
	const lh_node *root = lh_parse_file(a, src, d);
	if (root == NULL)
		return NULL;
	tokv in = { 0 }, out = { 0 };
	lex_all(a, src, &in);
	out.cap = in.n + in.n / 8 + 16;
	out.v = lh_arena_alloc(a, out.cap * sizeof *out.v);
	rw r = { a, &in, &out, 0 };
	walk_body(&r, root, 0, false);
	copy_to(&r, in.n);
	layout(a, out.v, out.n);

	size_t total = 0;
	for (size_t i = 0; i < out.n; i++)
		total += (size_t)(out.v[i].sp > 0 ? out.v[i].sp : 0) + out.v[i].len;
	char *buf = lh_arena_alloc(a, total + 1), *o = buf;
	for (size_t i = 0; i < out.n; i++) {
		if (out.v[i].sp > 0) {
			memset(o, ' ', (size_t)out.v[i].sp);
			o += out.v[i].sp;
		}
		memcpy(o, out.v[i].p, out.v[i].len);
		o += out.v[i].len;
	}
	*o = '\0';
	*len = total;
	return buf;
}
