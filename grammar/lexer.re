/* lexer.re - the HCL 2 native syntax scanner (re2c 3.0, UTF-8).
 *
 * Turns source bytes into lemon token codes {code, offset, length}; parse.c pulls them
 * one at a time and feeds the parser.  A mode stack tells what a byte means: expression
 * (file body, or inside ${ } / %{ } where } at brace depth 0 closes the interpolation),
 * quoted template, heredoc, and bare template.  The source text is NUL terminated, so
 * the NUL sentinel ends every scan; a NUL before the end is a real NUL byte and an
 * error.  Every error adds one diagnostic with the offending byte range and stops the
 * scan: afterwards only end of input is returned. */
#include <stdio.h>
#include <string.h>

#include "parse_int.h"
#include "parser.h"

/*!include:re2c "unicode_categories.re" */

static lh_tok
tok(int code, const unsigned char *base, const unsigned char *s, const unsigned char *e)
{
	lh_tok t = { code, (uint32_t)(s - base), (uint32_t)(e - s) };
	return t;
}

static void
push(lh_lexer *lx, lh_lex_mode mode, uint32_t open)
{
	if (lx->n == lx->cap) {
		lx->frames = lh_arena_grow(lx->a, lx->frames, lx->n, lx->n + 1, sizeof *lx->frames);
		lx->cap = lx->n < 4 ? 8 : lx->n * 2;
	}
	lh_lex_frame *f = &lx->frames[lx->n++];
	memset(f, 0, sizeof *f);
	f->mode = mode;
	f->open = open;
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 when invalid. */
static unsigned
utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0], len, min;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; min = 0x80; }
	else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; min = 0x800; }
	else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; min = 0x10000; }
	else return 0;
	if (n < len)
		return 0;
	for (unsigned i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Reports an error at [s, e) and returns TK_ILLEGAL; the lexer then stops. */
static lh_tok
fail(lh_lexer *lx, const unsigned char *s, const unsigned char *e, const char *summary,
    const char *detail)
{
	lh_diag_add(lx->d, LH_DIAG_ERROR, lx->src, (uint32_t)(s - lx->base),
	    (uint32_t)(e - lx->base), summary, "%s", detail);
	lx->failed = true;
	return tok(TK_ILLEGAL, lx->base, s, e);
}

/* The error for the byte at s that no rule accepts. */
static lh_tok
bad_byte(lh_lexer *lx, const unsigned char *s)
{
	size_t left = lx->len - (size_t)(s - lx->base);
	if (*s == 0 && left > 0)
		return fail(lx, s, s + 1, "Invalid character",
		    "NUL bytes are not allowed in configuration files.");
	if (*s >= 0x80) {
		unsigned n = utf8_len(s, left);
		if (n == 0)
			return fail(lx, s, s + 1, "Invalid character encoding",
			    "All input files must be UTF-8 encoded. Ensure that UTF-8 encoding is selected in your editor.");
		return fail(lx, s, s + n, "Invalid character",
		    "This character is not used within the language.");
	}
	if (*s == '`')
		return fail(lx, s, s + 1, "Invalid character",
		    "The \"`\" character is not valid. To create a multi-line string, use the \"heredoc\" syntax, like \"<<EOT\".");
	if (*s == '\'')
		return fail(lx, s, s + 1, "Invalid character",
		    "Single quotes are not valid. Use double quotes (\") to enclose strings.");
	return fail(lx, s, s + 1, "Invalid character",
	    "This character is not used within the language.");
}

/* Checks comment text [s, e) for invalid UTF-8 and NUL bytes. */
static const unsigned char *
check_text(lh_lexer *lx, const unsigned char *s, const unsigned char *e)
{
	while (s < e) {
		if (*s == 0)
			return s;
		if (*s < 0x80) {
			s++;
			continue;
		}
		unsigned n = utf8_len(s, (size_t)(e - s));
		if (n == 0)
			return s;
		s += n;
	}
	return NULL;
}

void
lh_lex_init(lh_lexer *lx, lh_arena *a, const lh_source *src, lh_diags *d,
    lh_lex_mode mode)
{
	memset(lx, 0, sizeof *lx);
	lx->src = src;
	lx->a = a;
	lx->d = d;
	lx->base = (const unsigned char *)src->text;
	lx->len = (uint32_t)src->len;
	lx->cur = lx->base;
	if (lx->len >= 3 && memcmp(lx->base, "\xef\xbb\xbf", 3) == 0)
		lx->cur += 3;
	push(lx, mode, 0);
	if (mode == LH_LEX_BARE)
		lx->frames[0].depth = 1;	/* at the beginning of a line */
}

static int
keyword(const unsigned char *s, size_t n)
{
	switch (n) {
	case 2:
		if (memcmp(s, "in", 2) == 0) return TK_IN;
		if (memcmp(s, "if", 2) == 0) return TK_IF;
		break;
	case 3:
		if (memcmp(s, "for", 3) == 0) return TK_FOR;
		break;
	case 4:
		if (memcmp(s, "true", 4) == 0) return TK_TRUE;
		if (memcmp(s, "null", 4) == 0) return TK_NULL;
		break;
	case 5:
		if (memcmp(s, "false", 5) == 0) return TK_FALSE;
		break;
	}
	return TK_IDENT;
}

/* After "%{" or "%{~" at [s, e): the directive keyword makes the token. */
static lh_tok
directive(lh_lexer *lx, const unsigned char *s, const unsigned char *e)
{
	const unsigned char *p = e, *w, *end = lx->base + lx->len, *bad;
	/* HashiCorp's scanner makes "%{" and the keyword two tokens: spaces, newlines
	 * and comments may come between them (the formatter keeps them) */
	for (;;) {
		if (*p == ' ' || *p == '\t' || *p == '\n') {
			p++;
		} else if (*p == '\r' && p[1] == '\n') {
			p += 2;
		} else if (p[0] == '/' && p[1] == '*') {
			const unsigned char *c = p + 2;
			while (c + 1 < end && !(c[0] == '*' && c[1] == '/'))
				c++;
			if (c + 1 >= end)
				return fail(lx, p, p + 2, "Unterminated comment",
				    "There is no closing marker \"*/\" for this comment before the end of the file.");
			if ((bad = check_text(lx, p + 2, c)) != NULL)
				return bad_byte(lx, bad);
			p = c + 2;
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			const unsigned char *c = p;
			while (c < end && *c != '\n')
				c++;
			if ((bad = check_text(lx, p, c)) != NULL)
				return bad_byte(lx, bad);
			p = c;
		} else {
			break;
		}
	}
	w = p;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
	    *p == '_' || *p == '-')
		p++;
	size_t n = (size_t)(p - w);
	int code = 0;
	if (n == 2 && memcmp(w, "if", 2) == 0) code = TK_TIF;
	else if (n == 3 && memcmp(w, "for", 3) == 0) code = TK_TFOR;
	else if (n == 4 && memcmp(w, "else", 4) == 0) code = TK_TELSE;
	else if (n == 5 && memcmp(w, "endif", 5) == 0) code = TK_TENDIF;
	else if (n == 6 && memcmp(w, "endfor", 6) == 0) code = TK_TENDFOR;
	if (code == 0 && n == 0)
		return fail(lx, s, e, "Invalid template directive",
		    "A template directive keyword (\"if\", \"for\", etc) is expected at the beginning of a %{ sequence.");
	if (code == 0) {
		char detail[128];
		snprintf(detail, sizeof detail, "\"%.*s\" is not a valid template control keyword.",
		    n > 40 ? 40 : (int)n, (const char *)w);
		return fail(lx, w, p, "Invalid template control keyword", detail);
	}
	push(lx, LH_LEX_INTERP, (uint32_t)(s - lx->base));
	lx->cur = p;
	return tok(code, lx->base, s, p);
}

/*!re2c
	re2c:yyfill:enable = 0;
	re2c:define:YYCTYPE = "unsigned char";
	re2c:define:YYCURSOR = cur;
	re2c:define:YYMARKER = mark;

	other_id_start = [\u1885\u1886\u2118\u212e\u309b\u309c];
	other_id_cont = [\u00b7\u0387\u1369-\u1371\u19da];
	id_start = L | Nl | other_id_start | [_];
	id_cont = id_start | Mn | Mc | Nd | Pc | other_id_cont | [-];
	id = id_start id_cont*;	/* UAX #31 ID_Start ID_Continue*, plus "-" */
	nl = "\r"? "\n";
*/

static lh_tok
lex_expr(lh_lexer *lx, lh_lex_frame *f)
{
	const unsigned char *cur = lx->cur, *mark = cur, *s;
	const unsigned char *base = lx->base;
	(void)mark;
	for (;;) {
		s = cur;
		if (lx->prev == TK_DOT && *s >= '0' && *s <= '9') {
			/* legacy index a.0.1: the digits after a dot are never a fraction */
			while (*cur >= '0' && *cur <= '9')
				cur++;
			if (cur[0] == '.' && cur[1] >= '0' && cur[1] <= '9') {
				for (cur++; *cur >= '0' && *cur <= '9'; cur++)
					;
				return fail(lx, s, cur, "Invalid legacy index syntax",
				    "When using the legacy index syntax, chaining two indexes together is not permitted. Use the proper index syntax instead, like [0][1].");
			}
			lx->cur = cur;
			return tok(TK_NUMBER, base, s, cur);
		}
		/*!re2c
		"\x00" {
			if ((size_t)(s - base) >= lx->len) {
				lx->cur = s;
				return tok(0, base, s, s);
			}
			return bad_byte(lx, s);
		}
		[ \t]+ { continue; }
		nl { lx->cur = cur; return tok(TK_NEWLINE, base, s, cur); }
		"#" | "//" {
			const unsigned char *e = cur, *bad;
			while (*e != '\n' && (size_t)(e - base) < lx->len)
				e++;
			if ((bad = check_text(lx, cur, e)) != NULL)
				return bad_byte(lx, bad);
			if (*e == '\n')
				e++;
			lx->cur = e;
			return tok(TK_NEWLINE, base, s, e);
		}
		"/*" {
			const unsigned char *e = cur, *end = base + lx->len, *bad;
			while (e + 1 < end && !(e[0] == '*' && e[1] == '/'))
				e++;
			if (e + 1 >= end)
				return fail(lx, s, s + 2, "Unterminated comment",
				    "There is no closing marker \"*/\" for this comment before the end of the file.");
			if ((bad = check_text(lx, cur, e)) != NULL)
				return bad_byte(lx, bad);
			cur = e + 2;
			continue;
		}
		"{" { f->depth++; lx->cur = cur; return tok(TK_LBRACE, base, s, cur); }
		"}" | "~}" {
			if (f->depth > 0 && cur - s == 1) {
				f->depth--;
				lx->cur = cur;
				return tok(TK_RBRACE, base, s, cur);
			}
			if (f->depth == 0 && f->mode == LH_LEX_INTERP) {
				lx->n--;
				lx->cur = cur;
				return tok(TK_TEND, base, s, cur);
			}
			if (cur - s == 2)
				return fail(lx, s, s + 1, "Invalid character",
				    "The \"~\" character is only used in template strip markers, like ${~ and ~}.");
			lx->cur = cur;
			return tok(TK_RBRACE, base, s, cur);
		}
		"[" { lx->cur = cur; return tok(TK_LBRACKET, base, s, cur); }
		"]" { lx->cur = cur; return tok(TK_RBRACKET, base, s, cur); }
		"(" { lx->cur = cur; return tok(TK_LPAREN, base, s, cur); }
		")" { lx->cur = cur; return tok(TK_RPAREN, base, s, cur); }
		"," { lx->cur = cur; return tok(TK_COMMA, base, s, cur); }
		"." { lx->cur = cur; return tok(TK_DOT, base, s, cur); }
		"..." { lx->cur = cur; return tok(TK_ELLIPSIS, base, s, cur); }
		"=" { lx->cur = cur; return tok(TK_EQUALS, base, s, cur); }
		"=>" { lx->cur = cur; return tok(TK_FATARROW, base, s, cur); }
		":" { lx->cur = cur; return tok(TK_COLON, base, s, cur); }
		"?" { lx->cur = cur; return tok(TK_QUESTION, base, s, cur); }
		"*" { lx->cur = cur; return tok(TK_STAR, base, s, cur); }
		"/" { lx->cur = cur; return tok(TK_SLASH, base, s, cur); }
		"%" { lx->cur = cur; return tok(TK_PERCENT, base, s, cur); }
		"+" { lx->cur = cur; return tok(TK_PLUS, base, s, cur); }
		"-" { lx->cur = cur; return tok(TK_MINUS, base, s, cur); }
		"!" { lx->cur = cur; return tok(TK_BANG, base, s, cur); }
		"&&" { lx->cur = cur; return tok(TK_AND, base, s, cur); }
		"||" { lx->cur = cur; return tok(TK_OR, base, s, cur); }
		"==" { lx->cur = cur; return tok(TK_EQ, base, s, cur); }
		"!=" { lx->cur = cur; return tok(TK_NE, base, s, cur); }
		"<" { lx->cur = cur; return tok(TK_LT, base, s, cur); }
		"<=" { lx->cur = cur; return tok(TK_LE, base, s, cur); }
		">" { lx->cur = cur; return tok(TK_GT, base, s, cur); }
		">=" { lx->cur = cur; return tok(TK_GE, base, s, cur); }
		"\"" {
			push(lx, LH_LEX_QUOTE, (uint32_t)(s - base));
			lx->cur = cur;
			return tok(TK_OQUOTE, base, s, cur);
		}
		"<<" "-"? id nl {
			const unsigned char *m = s + 2, *me = cur - 1;
			if (*m == '-')
				m++;
			if (me[-1] == '\r')
				me--;
			push(lx, LH_LEX_HEREDOC, (uint32_t)(s - base));
			lx->frames[lx->n - 1].mark = (uint32_t)(m - base);
			lx->frames[lx->n - 1].marklen = (uint32_t)(me - m);
			lx->frames[lx->n - 1].depth = 1;	/* at the beginning of a line */
			lx->cur = cur;
			return tok(TK_OHEREDOC, base, s, cur);
		}
		id ("::" id)+ { lx->cur = cur; return tok(TK_NSIDENT, base, s, cur); }
		id { lx->cur = cur; return tok(keyword(s, (size_t)(cur - s)), base, s, cur); }
		[0-9]+ ("." [0-9]+)? ([eE] [+-]? [0-9]+)? {
			lx->cur = cur;
			return tok(TK_NUMBER, base, s, cur);
		}
		* { return bad_byte(lx, s); }
		*/
	}
}

/* Is the heredoc closing marker at p (spaces and tabs allowed before it)?  Sets *e to
 * the end of the marker. */
static bool
heredoc_close(lh_lexer *lx, lh_lex_frame *f, const unsigned char *p, const unsigned char **e)
{
	while (*p == ' ' || *p == '\t')
		p++;
	if ((size_t)(p - lx->base) + f->marklen > lx->len ||
	    memcmp(p, lx->base + f->mark, f->marklen) != 0)
		return false;
	p += f->marklen;
	while (*p == ' ' || *p == '\t')
		p++;
	/* HashiCorp's scanner only sees a marker that a newline ends: one at the very
	 * end of the file leaves the heredoc unterminated */
	if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
		*e = p;
		return true;
	}
	return false;
}

/* Template text: quoted string, heredoc or bare template.  Literal pieces are merged
 * into one TK_TLIT token; in heredocs and bare templates a literal ends after each
 * newline (flush heredocs work line by line). */
static lh_tok
lex_template(lh_lexer *lx, lh_lex_frame *f)
{
	const unsigned char *cur = lx->cur, *mark = cur, *s, *lit = cur;
	const unsigned char *base = lx->base;
	bool quoted = f->mode == LH_LEX_QUOTE;
	(void)mark;
	if (f->mode == LH_LEX_HEREDOC && f->depth) {
		const unsigned char *e;
		if (heredoc_close(lx, f, cur, &e)) {
			lx->n--;
			lx->cur = e;
			return tok(TK_CHEREDOC, base, cur, e);
		}
	}
	for (;;) {
		s = cur;
		if (quoted) {
			/*!re2c
			"\"" {
				if (s > lit) { lx->cur = s; return tok(TK_TQLIT, base, lit, s); }
				lx->n--;
				lx->cur = cur;
				return tok(TK_CQUOTE, base, s, cur);
			}
			"${" "~"? {
				if (s > lit) { lx->cur = s; return tok(TK_TQLIT, base, lit, s); }
				push(lx, LH_LEX_INTERP, (uint32_t)(s - base));
				lx->cur = cur;
				return tok(TK_TINTERP, base, s, cur);
			}
			"%{" "~"? {
				if (s > lit) { lx->cur = s; return tok(TK_TQLIT, base, lit, s); }
				return directive(lx, s, cur);
			}
			"$${" | "%%{" | [$%] | "\\" [\x20-\x7e] | "\\" { continue; }
			[^"\\$%\r\n\x00]+ { continue; }
			nl {
				return fail(lx, s, cur, "Invalid multi-line string",
				    "Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \\n escape to represent a newline character or use the \"heredoc\" multi-line template syntax.");
			}
			"\x00" {
				if ((size_t)(s - base) >= lx->len)
					return fail(lx, s, s, "Unterminated template string",
					    "No closing marker was found for the string.");
				return bad_byte(lx, s);
			}
			* { return bad_byte(lx, s); }
			*/
		}
		/*!re2c
		"${" "~"? {
			if (s > lit) { lx->cur = s; f->depth = 0; return tok(TK_TLIT, base, lit, s); }
			push(lx, LH_LEX_INTERP, (uint32_t)(s - base));
			lx->cur = cur;
			f->depth = 0;
			return tok(TK_TINTERP, base, s, cur);
		}
		"%{" "~"? {
			if (s > lit) { lx->cur = s; f->depth = 0; return tok(TK_TLIT, base, lit, s); }
			f->depth = 0;
			return directive(lx, s, cur);
		}
		"$${" | "%%{" | [$%] { continue; }
		[^$%\r\n\x00]+ { continue; }
		nl {
			lx->cur = cur;
			f->depth = 1;
			return tok(TK_TLIT, base, lit, cur);
		}
		"\x00" {
			if ((size_t)(s - base) < lx->len)
				return bad_byte(lx, s);
			if (s > lit) { lx->cur = s; f->depth = 0; return tok(TK_TLIT, base, lit, s); }
			if (f->mode == LH_LEX_BARE) {
				lx->cur = s;
				return tok(0, base, s, s);
			}
			return fail(lx, s, s, "Unterminated template string",
			    "No closing marker was found for the string.");
		}
		* { return bad_byte(lx, s); }
		*/
	}
}

lh_tok
lh_lex_next(lh_lexer *lx)
{
	lh_tok t;
	if (lx->failed || lx->n == 0) {
		t.code = 0;
		t.off = lx->len;
		t.len = 0;
		return t;
	}
	lh_lex_frame *f = &lx->frames[lx->n - 1];
	if (f->mode == LH_LEX_EXPR || f->mode == LH_LEX_INTERP)
		t = lex_expr(lx, f);
	else
		t = lex_template(lx, f);
	lx->prev = t.code;
	return t;
}
