/* func_str.c - string functions: chomp format formatlist indent join lower upper
 * replace split startswith endswith strcontains strrev substr title trim trimprefix
 * trimsuffix trimspace regex regexall.
 *
 * Regular expressions use RE2 syntax in Terraform; PCRE2 (UTF mode, $ only at the
 * end) accepts the RE2 syntax used in practice, and the match loops below follow Go's
 * regexp rules for empty matches. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "func_impl.h"
#include "utf8.h"

#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef lh_fbuf buf;


static void bstr(buf *b, const char *s) { lh_fbuf_add(b, s, strlen(s)); }

static lh_value *
bval(buf *b)
{
	return lh_val_string(b->a, b->p ? b->p : "", b->len);
}

#define S(v) ((v)->u.str.s)
#define L(v) ((v)->u.str.len)

/* ---------------------------------------------------------------- utf-8 */

static size_t
dec(const char *s, size_t len, size_t i, uint32_t *cp)
{
	unsigned char c = (unsigned char)s[i];
	size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	if (i + n > len)
		n = 1;
	uint32_t v = n == 1 ? c : n == 2 ? c & 31 : n == 3 ? c & 15 : c & 7;
	for (size_t k = 1; k < n; k++)
		v = v << 6 | ((unsigned char)s[i + k] & 0x3f);
	*cp = v;
	return n;
}

static void
enc(buf *b, uint32_t cp)
{
	char o[4];
	lh_fbuf_add(b, o, lh_utf8_encode(cp, o));
}

/* Simple case mapping for Latin, Greek, Cyrillic and fullwidth letters. */
static uint32_t
to_upper(uint32_t c)
{
	if (c >= 'a' && c <= 'z') return c - 32;
	if (c < 0x80) return c;
	if ((c >= 0xe0 && c <= 0xfe && c != 0xf7)) return c - 32;
	if (c == 0xff) return 0x178;
	if (c == 0xb5) return 0x39c;
	if (c == 0x131) return 'I';
	if (c >= 0x100 && c <= 0x17f) {
		if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
			return (c & 1) ? c : c - 1;
		if (c == 0x130 || c == 0x138 || c == 0x149 || c == 0x17f)
			return c == 0x17f ? 'S' : c;
		return (c & 1) ? c - 1 : c;
	}
	if (c >= 0x3b1 && c <= 0x3c9 && c != 0x3c2) return c - 32;
	if (c == 0x3c2) return 0x3a3;
	if (c == 0x3ac) return 0x386;
	if (c >= 0x3ad && c <= 0x3af) return c - 37;
	if (c == 0x3cc) return 0x38c;
	if (c == 0x3cd || c == 0x3ce) return c - 63;
	if (c >= 0x430 && c <= 0x44f) return c - 32;
	if (c >= 0x450 && c <= 0x45f) return c - 80;
	if ((c >= 0x460 && c <= 0x481) || (c >= 0x48a && c <= 0x4bf))
		return (c & 1) ? c - 1 : c;
	if (c >= 0xff41 && c <= 0xff5a) return c - 32;
	return c;
}

static uint32_t
to_lower(uint32_t c)
{
	if (c >= 'A' && c <= 'Z') return c + 32;
	if (c < 0x80) return c;
	if (c >= 0xc0 && c <= 0xde && c != 0xd7) return c + 32;
	if (c == 0x178) return 0xff;
	if (c == 0x130) return 'i';
	if (c >= 0x100 && c <= 0x17f) {
		if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
			return (c & 1) ? c + 1 : c;
		if (c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17f)
			return c;
		return (c & 1) ? c : c + 1;
	}
	if (c >= 0x391 && c <= 0x3a9 && c != 0x3a2) return c + 32;
	if (c == 0x386) return 0x3ac;
	if (c >= 0x388 && c <= 0x38a) return c + 37;
	if (c == 0x38c) return 0x3cc;
	if (c == 0x38e || c == 0x38f) return c + 63;
	if (c >= 0x410 && c <= 0x42f) return c + 32;
	if (c >= 0x400 && c <= 0x40f) return c + 80;
	if ((c >= 0x460 && c <= 0x481) || (c >= 0x48a && c <= 0x4bf))
		return (c & 1) ? c : c + 1;
	if (c >= 0xff21 && c <= 0xff3a) return c + 32;
	return c;
}

static bool
is_space(uint32_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xa0 || c == 0x1680 ||
	    (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	    c == 0x205f || c == 0x3000;
}

static lh_value *
map_case(lh_func_ctx *c, lh_value *v, uint32_t (*fn)(uint32_t))
{
	buf b = { .a = c->a };
	for (size_t i = 0; i < L(v);) {
		uint32_t cp;
		size_t n = dec(S(v), L(v), i, &cp);
		if (n == 1 && cp >= 0x80)
			lh_fbuf_add(&b, S(v) + i, 1);
		else
			enc(&b, fn(cp));
		i += n;
	}
	return bval(&b);
}

static lh_value *f_upper(lh_func_ctx *c, lh_value **a, size_t n) { return map_case(c, a[0], to_upper); }
static lh_value *f_lower(lh_func_ctx *c, lh_value **a, size_t n) { return map_case(c, a[0], to_lower); }

static lh_value *
f_title(lh_func_ctx *c, lh_value **a, size_t n)
{
	buf b = { .a = c->a };
	uint32_t prev = ' ';
	for (size_t i = 0; i < L(a[0]);) {
		uint32_t cp;
		size_t k = dec(S(a[0]), L(a[0]), i, &cp);
		/* Go's strings.Title separators. */
		bool sep;
		if (prev < 0x80)
			sep = !((prev >= '0' && prev <= '9') || (prev >= 'a' && prev <= 'z') ||
			    (prev >= 'A' && prev <= 'Z') || prev == '_');
		else
			sep = is_space(prev);
		if (sep && !(k == 1 && cp >= 0x80))
			enc(&b, to_upper(cp));
		else
			lh_fbuf_add(&b, S(a[0]) + i, k);
		prev = cp;
		i += k;
	}
	return bval(&b);
}

static lh_value *
f_chomp(lh_func_ctx *c, lh_value **a, size_t n)
{
	size_t len = L(a[0]);
	while (len && (S(a[0])[len - 1] == '\n' || S(a[0])[len - 1] == '\r'))
		len--;
	return lh_val_string(c->a, S(a[0]), len);
}

static lh_value *
f_trimspace(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *s = S(a[0]);
	size_t st = 0, end = L(a[0]);
	while (st < end) {
		uint32_t cp;
		size_t k = dec(s, end, st, &cp);
		if (!is_space(cp))
			break;
		st += k;
	}
	while (end > st) {
		size_t p = end - 1;
		while (p > st && ((unsigned char)s[p] & 0xc0) == 0x80)
			p--;
		uint32_t cp;
		dec(s, end, p, &cp);
		if (!is_space(cp))
			break;
		end = p;
	}
	return lh_val_string(c->a, s + st, end - st);
}

static bool
in_cutset(const lh_value *cut, uint32_t cp)
{
	for (size_t i = 0; i < L(cut);) {
		uint32_t x;
		i += dec(S(cut), L(cut), i, &x);
		if (x == cp)
			return true;
	}
	return false;
}

static lh_value *
f_trim(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *s = S(a[0]);
	size_t st = 0, end = L(a[0]);
	while (st < end) {
		uint32_t cp;
		size_t k = dec(s, end, st, &cp);
		if (!in_cutset(a[1], cp))
			break;
		st += k;
	}
	while (end > st) {
		size_t p = end - 1;
		while (p > st && ((unsigned char)s[p] & 0xc0) == 0x80)
			p--;
		uint32_t cp;
		dec(s, end, p, &cp);
		if (!in_cutset(a[1], cp))
			break;
		end = p;
	}
	return lh_val_string(c->a, s + st, end - st);
}

static lh_value *
f_trimprefix(lh_func_ctx *c, lh_value **a, size_t n)
{
	if (L(a[1]) <= L(a[0]) && memcmp(S(a[0]), S(a[1]), L(a[1])) == 0)
		return lh_val_string(c->a, S(a[0]) + L(a[1]), L(a[0]) - L(a[1]));
	return a[0];
}

static lh_value *
f_trimsuffix(lh_func_ctx *c, lh_value **a, size_t n)
{
	if (L(a[1]) <= L(a[0]) && memcmp(S(a[0]) + L(a[0]) - L(a[1]), S(a[1]), L(a[1])) == 0)
		return lh_val_string(c->a, S(a[0]), L(a[0]) - L(a[1]));
	return a[0];
}

static lh_value *
f_startswith(lh_func_ctx *c, lh_value **a, size_t n)
{
	return lh_val_bool(c->a, L(a[1]) <= L(a[0]) && memcmp(S(a[0]), S(a[1]), L(a[1])) == 0);
}

static lh_value *
f_endswith(lh_func_ctx *c, lh_value **a, size_t n)
{
	return lh_val_bool(c->a, L(a[1]) <= L(a[0]) &&
	    memcmp(S(a[0]) + L(a[0]) - L(a[1]), S(a[1]), L(a[1])) == 0);
}

static const char *
find(const char *h, size_t hl, const char *nd, size_t nl)
{
	if (nl == 0)
		return h;
	if (nl > hl)
		return NULL;
	for (size_t i = 0; i + nl <= hl; i++)
		if (h[i] == nd[0] && memcmp(h + i, nd, nl) == 0)
			return h + i;
	return NULL;
}

static lh_value *
f_strcontains(lh_func_ctx *c, lh_value **a, size_t n)
{
	return lh_val_bool(c->a, find(S(a[0]), L(a[0]), S(a[1]), L(a[1])) != NULL);
}

static lh_value *
f_strrev(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *s = S(a[0]);
	size_t len = L(a[0]);
	char *out = lh_arena_alloc(c->a, len + 1);
	/* Clusters are copied back to front; lh_utf8_offset(.., 1) is one cluster. */
	for (size_t i = 0; i < len;) {
		size_t k = lh_utf8_offset(s + i, len - i, 1);
		memcpy(out + len - i - k, s + i, k);
		i += k;
	}
	return lh_val_string(c->a, out, len);
}

static lh_value *
f_substr(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_number on = a[1]->u.num, ln = a[2]->u.num;
	if (!on.is_int || !ln.is_int)
		return lh_fn_fail(c, "value must be a whole number, between -9223372036854775808 and 9223372036854775807");
	int64_t off = on.i, len = ln.i;
	/* cty: a zero length after a negative offset means "to the end". */
	if (off < 0 && len == 0)
		len = -1;
	const char *s = S(a[0]);
	int64_t total = (int64_t)lh_utf8_chars(s, L(a[0]));
	if (off < 0) {
		off = total + off;
		if (off < 0)
			off = 0;
	}
	if (off >= total)
		return lh_val_cstr(c->a, "");
	int64_t end = len < 0 ? total : off + len > total ? total : off + len;
	if (len < 0 && len != -1) {
		/* Terraform: any negative length means "to the end". */
		end = total;
	}
	size_t bs = lh_utf8_offset(s, L(a[0]), (size_t)off);
	size_t be = lh_utf8_offset(s, L(a[0]), (size_t)end);
	return lh_val_string(c->a, s + bs, be - bs);
}

static lh_value *
f_indent(lh_func_ctx *c, lh_value **a, size_t n)
{
	int64_t k;
	if (!lh_fn_int(a[0], &k))
		return lh_fn_fail(c, "value must be a whole number, between -9223372036854775808 and 9223372036854775807");
	/* Terraform's strings.Repeat panics on a negative count; the message is the first
	 * line of what it prints. */
	if (k < 0)
		return lh_fn_fail(c, "panic in function implementation: strings: negative Repeat count");
	if (k > 1000000)
		return lh_fn_argerr(c, 0, "too many spaces");
	buf b = { .a = c->a };
	for (size_t i = 0; i < L(a[1]); i++) {
		lh_fbuf_add(&b, S(a[1]) + i, 1);
		if (S(a[1])[i] == '\n')
			for (int64_t j = 0; j < k; j++)
				lh_fbuf_add(&b, " ", 1);
	}
	return bval(&b);
}

static lh_value *
f_join(lh_func_ctx *c, lh_value **a, size_t n)
{
	if (n < 2)
		return lh_fn_fail(c, "at least one list is required");
	buf b = { .a = c->a };
	bool first = true;
	for (size_t i = 1; i < n; i++) {
		lh_value *l = a[i];
		for (size_t j = 0; j < l->u.seq.n; j++) {
			lh_value *e = l->u.seq.items[j];
			if (lh_val_is_null(e))
				return lh_fn_argerr(c, i, "element %zu is null; cannot concatenate null values", j);
			if (!first)
				lh_fbuf_add(&b, S(a[0]), L(a[0]));
			first = false;
			lh_fbuf_add(&b, S(e), L(e));
		}
	}
	if (b.p == NULL)
		return lh_val_cstr(c->a, "");
	return bval(&b);
}

static lh_value *
f_split(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *sep = S(a[0]), *s = S(a[1]);
	size_t sl = L(a[0]), len = L(a[1]);
	size_t cap = 8, k = 0;
	lh_value **items = lh_arena_alloc(c->a, cap * sizeof *items);
	size_t i = 0;
	for (;;) {
		const char *hit;
		size_t piece;
		if (sl == 0) {
			if (i >= len)
				break;
			uint32_t cp;
			piece = dec(s, len, i, &cp);
			hit = s + i + piece;
		} else {
			hit = find(s + i, len - i, sep, sl);
			piece = hit ? (size_t)(hit - (s + i)) : len - i;
		}
		if (k == cap) {
			items = lh_arena_grow(c->a, items, k, cap * 2, sizeof *items);
			cap *= 2;
		}
		items[k++] = lh_val_string(c->a, s + i, piece);
		if (sl == 0) {
			i += piece;
			continue;
		}
		if (hit == NULL)
			break;
		i += piece + sl;
	}
	return lh_val_list(c->a, &lh_type_string, items, k);
}

/* ---------------------------------------------------------------- regex */

/* Checks the parts of RE2 syntax that PCRE2 would accept with another meaning (or
 * accept at all): lookaround, backreferences, possessive and nested repetition,
 * unknown escapes, big repeat counts.  Returns false with Go's error code and the
 * fragment Go names. */
static bool
re2_check(lh_arena *a, const char *p, size_t len, const char **code, const char **frag)
{
	int depth = 0;
	bool can_repeat = false;	/* an operand precedes */
	bool after_repeat = false;	/* the last item was a repetition */
	for (size_t i = 0; i < len;) {
		char ch = p[i];
		if (ch == '\\') {
			if (i + 1 >= len) {
				*code = "trailing backslash at end of expression";
				*frag = "";
				return false;
			}
			char e = p[i + 1];
			if (e == 'Q') {
				const char *end = NULL;
				for (size_t k = i + 2; k + 1 < len; k++)
					if (p[k] == '\\' && p[k + 1] == 'E') {
						end = p + k;
						break;
					}
				i = end ? (size_t)(end - p) + 2 : len;
				can_repeat = true;
				after_repeat = false;
				continue;
			}
			if (e >= '1' && e <= '7' && !(i + 2 < len && p[i + 2] >= '0' && p[i + 2] <= '7')) {
				*code = "invalid escape sequence";
				*frag = lh_arena_strndup(a, p + i, 2);
				return false;
			}
			if (((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || e == '8' || e == '9') &&
			    !strchr("aftnrvxpPdDsSwWbBAzE", e)) {
				*code = "invalid escape sequence";
				*frag = lh_arena_strndup(a, p + i, 2);
				return false;
			}
			i += 2;
			can_repeat = e != 'b' && e != 'B' && e != 'A' && e != 'z';
			after_repeat = false;
			continue;
		}
		if (ch == '[') {
			size_t k = i + 1;
			if (k < len && p[k] == '^')
				k++;
			if (k < len && p[k] == ']')
				k++;
			while (k < len && p[k] != ']') {
				if (p[k] == '\\' && k + 1 < len)
					k++;
				else if (p[k] == '[' && k + 1 < len && p[k + 1] == ':') {
					const char *close = NULL;
					for (size_t q = k + 2; q + 1 < len; q++)
						if (p[q] == ':' && p[q + 1] == ']') {
							close = p + q;
							break;
						}
					if (close)
						k = (size_t)(close - p) + 1;
				}
				k++;
			}
			if (k >= len) {
				*code = "missing closing ]";
				*frag = lh_arena_strndup(a, p + i, len - i);
				return false;
			}
			i = k + 1;
			can_repeat = true;
			after_repeat = false;
			continue;
		}
		if (ch == '(') {
			if (i + 1 < len && p[i + 1] == '?') {
				size_t k = i + 2;
				if (k < len && (p[k] == 'P' || p[k] == '<')) {
					if (p[k] == 'P')
						k++;
					if (k >= len || p[k] != '<') {
						*code = "invalid or unsupported Perl syntax";
						*frag = lh_arena_strndup(a, p + i, k + 1 <= len ? k + 1 - i : len - i);
						return false;
					}
					const char *gt = memchr(p + k, '>', len - k);
					if (gt == NULL) {
						*code = "invalid named capture";
						*frag = lh_arena_strndup(a, p + i, len - i);
						return false;
					}
					depth++;
					i = (size_t)(gt - p) + 1;
					can_repeat = false;
					after_repeat = false;
					continue;
				} else {
					while (k < len && strchr("imsU-", p[k]))
						k++;
					if (k >= len || (p[k] != ':' && p[k] != ')')) {
						*code = "invalid or unsupported Perl syntax";
						*frag = lh_arena_strndup(a, p + i, k < len ? k + 1 - i : len - i);
						return false;
					}
					if (p[k] == ')') {
						i = k + 1;
						after_repeat = false;
						continue;
					}
					depth++;
					i = k + 1;
					can_repeat = false;
					after_repeat = false;
					continue;
				}
			}
			depth++;
			i++;
			can_repeat = false;
			after_repeat = false;
			continue;
		}
		if (ch == ')') {
			if (depth == 0) {
				*code = "unexpected )";
				*frag = lh_arena_strndup(a, p, len);
				return false;
			}
			depth--;
			i++;
			can_repeat = true;
			after_repeat = false;
			continue;
		}
		if (ch == '|') {
			i++;
			can_repeat = false;
			after_repeat = false;
			continue;
		}
		bool brace = false;
		size_t rend = i + 1;
		if (ch == '{') {
			/* {n}, {n,}, {n,m} is a repetition; anything else a literal brace. */
			size_t k = i + 1, d1 = 0, d2 = 0;
			long n1 = 0, n2 = -1;
			while (k < len && p[k] >= '0' && p[k] <= '9')
				n1 = n1 * 10 + (p[k++] - '0'), d1++;
			if (d1 && k < len && p[k] == ',') {
				k++;
				n2 = 0;
				while (k < len && p[k] >= '0' && p[k] <= '9')
					n2 = n2 * 10 + (p[k++] - '0'), d2++;
				if (!d2)
					n2 = -2;
			}
			if (d1 && k < len && p[k] == '}') {
				brace = true;
				rend = k + 1;
				if (n1 > 1000 || n2 > 1000 || (n2 >= 0 && n2 < n1)) {
					*code = "invalid repeat count";
					*frag = lh_arena_strndup(a, p + i, rend - i);
					return false;
				}
			}
		}
		if (ch == '*' || ch == '+' || ch == '?' || brace) {
			if (after_repeat && ch == '?' && !brace) {
				/* lazy modifier */
				i++;
				after_repeat = false;
				continue;
			}
			if (after_repeat) {
				*code = "invalid nested repetition operator";
				size_t st = i - 1;
				while (st > 0 && p[st] != '*' && p[st] != '+' && p[st] != '?' && p[st] != '}')
					st--;
				*frag = lh_arena_strndup(a, p + st, rend - st);
				return false;
			}
			if (!can_repeat) {
				*code = "missing argument to repetition operator";
				*frag = lh_arena_strndup(a, p + i, rend - i);
				return false;
			}
			i = rend;
			after_repeat = true;
			continue;
		}
		i++;
		can_repeat = ch != '^' && ch != '$';
		after_repeat = false;
	}
	if (depth > 0) {
		*code = "missing closing )";
		*frag = lh_arena_strndup(a, p, len);
		return false;
	}
	return true;
}

/* Compiles an RE2 pattern; NULL with Go's error code and fragment. */
static pcre2_code *
re_compile(lh_func_ctx *c, const char *pat, size_t len, const char **code, const char **frag)
{
	if (!re2_check(c->a, pat, len, code, frag))
		return NULL;
	int ec;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, len, PCRE2_UTF | PCRE2_DOLLAR_ENDONLY,
	    &ec, &off, NULL);
	if (re != NULL)
		return re;
	PCRE2_UCHAR msg[256];
	pcre2_get_error_message(ec, msg, sizeof msg);
	*code = lh_arena_strdup(c->a, (const char *)msg);
	*frag = lh_arena_strndup(c->a, pat, len);
	return NULL;
}

/* One match attempt; the subject's UTF-8 is checked on the first call only.  Returns
 * PCRE2's code; limits (catastrophic backtracking) come back as LIMIT. */
#define LIMIT (-100000)
static int
rmatch(pcre2_code *re, const char *s, size_t len, size_t pos, pcre2_match_data *md)
{
	int rc = pcre2_match(re, (PCRE2_SPTR)s, len, pos, pos ? PCRE2_NO_UTF_CHECK : 0, md, NULL);
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
		return LIMIT;
	return rc;
}

typedef struct {
	pcre2_code *re;
	uint32_t ncap;
	const char **names;	/* per group (1..ncap), NULL when unnamed */
	bool named, unnamed;
} rinfo;

static void
re_info(lh_func_ctx *c, pcre2_code *re, rinfo *ri)
{
	ri->re = re;
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &ri->ncap);
	ri->names = lh_arena_alloc(c->a, (ri->ncap + 1) * sizeof *ri->names);
	uint32_t count, esize;
	PCRE2_SPTR table;
	pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &esize);
	pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &table);
	for (uint32_t i = 0; i < count; i++) {
		const unsigned char *e = table + i * esize;
		unsigned g = (unsigned)e[0] << 8 | e[1];
		if (g <= ri->ncap)
			ri->names[g] = lh_arena_strdup(c->a, (const char *)e + 2);
	}
	ri->named = ri->unnamed = false;
	for (uint32_t g = 1; g <= ri->ncap; g++) {
		if (ri->names[g])
			ri->named = true;
		else
			ri->unnamed = true;
	}
}

/* One match result as Terraform builds it: string, tuple of strings, or object. */
static lh_value *
re_result(lh_func_ctx *c, rinfo *ri, const char *s, PCRE2_SIZE *ov, int rc)
{
	if (ri->ncap == 0)
		return lh_val_string(c->a, s + ov[0], ov[1] - ov[0]);
	lh_value **vals = lh_arena_alloc(c->a, ri->ncap * sizeof *vals);
	const char **keys = lh_arena_alloc(c->a, ri->ncap * sizeof *keys);
	for (uint32_t g = 1; g <= ri->ncap; g++) {
		if ((int)g < rc && ov[2 * g] != PCRE2_UNSET)
			vals[g - 1] = lh_val_string(c->a, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
		else
			vals[g - 1] = lh_val_null(c->a, &lh_type_string);
		keys[g - 1] = ri->names[g];
	}
	if (ri->named)
		return lh_val_object(c->a, keys, vals, ri->ncap);
	return lh_val_tuple(c->a, vals, ri->ncap);
}

static lh_value *
regex_common(lh_func_ctx *c, lh_value **a, bool all)
{
	const char *code = NULL, *frag = NULL;
	pcre2_code *re = re_compile(c, S(a[0]), L(a[0]), &code, &frag);
	if (re == NULL)
		return lh_fn_argerr(c, 0, "invalid regexp pattern: %s in %s", code, frag);
	rinfo ri;
	re_info(c, re, &ri);
	lh_value *r = NULL;
	if (ri.named && ri.unnamed) {
		lh_fn_argerr(c, 0, "invalid regexp pattern: cannot mix both named and unnamed capture groups");
		goto out;
	}
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	const char *s = S(a[1]);
	size_t len = L(a[1]);
	if (!all) {
		int rc = rmatch(re, s, len, 0, md);
		if (rc == LIMIT)
			lh_fn_fail(c, "the regular expression is too complex for the given string");
		else if (rc < 0)
			lh_fn_fail(c, "pattern did not match any part of the given string");
		else
			r = re_result(c, &ri, s, pcre2_get_ovector_pointer(md), rc);
		pcre2_match_data_free(md);
		goto out;
	}
	size_t cap = 8, k = 0;
	lh_value **items = lh_arena_alloc(c->a, cap * sizeof *items);
	long prev_end = -1;
	for (size_t pos = 0; pos <= len;) {
		int rc = rmatch(re, s, len, pos, md);
		if (rc == LIMIT) {
			pcre2_match_data_free(md);
			lh_fn_fail(c, "the regular expression is too complex for the given string");
			goto out;
		}
		if (rc < 0)
			break;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		bool accept = true;
		if (ov[1] == pos) {
			if ((long)ov[0] == prev_end)
				accept = false;
			if (pos < len) {
				uint32_t cp;
				pos += dec(s, len, pos, &cp);
			} else {
				pos = len + 1;
			}
		} else {
			pos = ov[1];
		}
		prev_end = (long)ov[1];
		if (accept) {
			if (k == cap) {
				items = lh_arena_grow(c->a, items, k, cap * 2, sizeof *items);
				cap *= 2;
			}
			items[k++] = re_result(c, &ri, s, ov, rc);
		}
	}
	pcre2_match_data_free(md);
	if (k == 0) {
		const lh_type *et = &lh_type_string;
		if (ri.ncap > 0 && ri.named) {
			const lh_type **ts = lh_arena_alloc(c->a, ri.ncap * sizeof *ts);
			for (uint32_t g = 0; g < ri.ncap; g++)
				ts[g] = &lh_type_string;
			et = lh_type_object(c->a, ri.names + 1, ts, ri.ncap);
		} else if (ri.ncap > 0) {
			const lh_type **ts = lh_arena_alloc(c->a, ri.ncap * sizeof *ts);
			for (uint32_t g = 0; g < ri.ncap; g++)
				ts[g] = &lh_type_string;
			et = lh_type_tuple(c->a, ts, ri.ncap);
		}
		r = lh_val_list(c->a, et, items, 0);
	} else {
		r = lh_val_list(c->a, items[0]->type, items, k);
	}
out:
	pcre2_code_free(re);
	return r;
}

static lh_value *f_regex(lh_func_ctx *c, lh_value **a, size_t n) { return regex_common(c, a, false); }
static lh_value *f_regexall(lh_func_ctx *c, lh_value **a, size_t n) { return regex_common(c, a, true); }

/* Go's Regexp.Expand of template for one match. */
static void
expand(buf *b, rinfo *ri, const char *t, size_t tl, const char *s, PCRE2_SIZE *ov, int rc)
{
	for (size_t i = 0; i < tl; i++) {
		if (t[i] != '$' || i + 1 >= tl) {
			lh_fbuf_add(b, t + i, 1);
			continue;
		}
		if (t[i + 1] == '$') {
			lh_fbuf_add(b, "$", 1);
			i++;
			continue;
		}
		size_t ns, ne;
		bool brace = t[i + 1] == '{';
		ns = i + 1 + brace;
		ne = ns;
		while (ne < tl && ((t[ne] >= 'a' && t[ne] <= 'z') || (t[ne] >= 'A' && t[ne] <= 'Z') ||
		    (t[ne] >= '0' && t[ne] <= '9') || t[ne] == '_'))
			ne++;
		if (ne == ns || (brace && (ne >= tl || t[ne] != '}'))) {
			lh_fbuf_add(b, "$", 1);	/* malformed: Go copies the $ literally */
			continue;
		}
		char name[128];
		size_t nl = ne - ns < sizeof name - 1 ? ne - ns : sizeof name - 1;
		memcpy(name, t + ns, nl);
		name[nl] = 0;
		long g = -1;
		bool digits = true;
		for (size_t k = 0; k < nl; k++)
			if (name[k] < '0' || name[k] > '9')
				digits = false;
		if (digits) {
			g = strtol(name, NULL, 10);
		} else {
			for (uint32_t k = 1; k <= ri->ncap; k++)
				if (ri->names[k] && strcmp(ri->names[k], name) == 0)
					g = (long)k;
		}
		if (g >= 0 && g <= (long)ri->ncap && g < rc && ov[2 * g] != PCRE2_UNSET)
			lh_fbuf_add(b, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
		i = brace ? ne : ne - 1;
	}
}

static lh_value *
f_replace(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *s = S(a[0]), *sub = S(a[1]), *rep = S(a[2]);
	size_t len = L(a[0]), sl = L(a[1]), rl = L(a[2]);
	buf b = { .a = c->a };
	if (sl >= 2 && sub[0] == '/' && sub[sl - 1] == '/') {
		const char *code = NULL, *frag = NULL;
		pcre2_code *re = re_compile(c, sub + 1, sl - 2, &code, &frag);
		if (re == NULL)
			return lh_fn_fail(c, "error parsing regexp: %s: `%s`", code, frag);
		rinfo ri;
		re_info(c, re, &ri);
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
		size_t last = 0, pos = 0;
		while (pos <= len) {
			int rc = rmatch(re, s, len, pos, md);
			if (rc == LIMIT) {
				pcre2_match_data_free(md);
				pcre2_code_free(re);
				return lh_fn_fail(c, "the regular expression is too complex for the given string");
			}
			if (rc < 0)
				break;
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			lh_fbuf_add(&b, s + last, ov[0] - last);
			if (ov[1] > last || ov[0] == 0)
				expand(&b, &ri, rep, rl, s, ov, rc);
			last = ov[1];
			size_t w = 0;
			if (pos < len) {
				uint32_t cp;
				w = dec(s, len, pos, &cp);
			}
			if (pos + w > ov[1])
				pos += w;
			else if (pos + 1 > ov[1])
				pos++;
			else
				pos = ov[1];
		}
		lh_fbuf_add(&b, s + last, len - last);
		pcre2_match_data_free(md);
		pcre2_code_free(re);
		return bval(&b);
	}
	if (sl == 0) {
		/* Go's strings.Replace with an empty old string inserts at every rune. */
		lh_fbuf_add(&b, rep, rl);
		for (size_t i = 0; i < len;) {
			uint32_t cp;
			size_t k = dec(s, len, i, &cp);
			lh_fbuf_add(&b, s + i, k);
			lh_fbuf_add(&b, rep, rl);
			i += k;
		}
		return bval(&b);
	}
	for (size_t i = 0; i < len;) {
		const char *hit = find(s + i, len - i, sub, sl);
		if (hit == NULL) {
			lh_fbuf_add(&b, s + i, len - i);
			break;
		}
		lh_fbuf_add(&b, s + i, (size_t)(hit - (s + i)));
		lh_fbuf_add(&b, rep, rl);
		i = (size_t)(hit - s) + sl;
	}
	if (b.p == NULL)
		return lh_val_cstr(c->a, "");
	return bval(&b);
}

/* ---------------------------------------------------------------- format */

typedef struct {
	bool minus, plus, space, zero, sharp;
	int width, prec;	/* -1 when absent */
} spec;

/* body (bl bytes) padded to sp's width; chars is its length in characters when the
 * caller knows it (ASCII digits), else (size_t)-1. */
static void
pad_n(buf *b, const char *body, size_t bl, size_t chars, spec *sp, bool numeric)
{
	if (sp->width <= 0) {
		lh_fbuf_add(b, body, bl);
		return;
	}
	if (chars == (size_t)-1)
		chars = lh_utf8_chars(body, bl);
	size_t w = (size_t)sp->width;
	if (chars >= w) {
		lh_fbuf_add(b, body, bl);
		return;
	}
	size_t n = w - chars;
	if (b->len + bl + n + 1 > b->cap)
		lh_fbuf_grow(b, bl + n);
	char *o = b->p + b->len;
	if (sp->minus) {
		memcpy(o, body, bl);
		memset(o + bl, ' ', n);
	} else if (sp->zero && numeric) {
		size_t signlen = bl && (body[0] == '-' || body[0] == '+' || body[0] == ' ') ? 1 : 0;
		memcpy(o, body, signlen);
		memset(o + signlen, '0', n);
		memcpy(o + signlen + n, body + signlen, bl - signlen);
	} else {
		memset(o, sp->zero ? '0' : ' ', n);
		memcpy(o + n, body, bl);
	}
	b->len += bl + n;
	b->p[b->len] = 0;
}

static void
pad(buf *b, const char *body, size_t bl, spec *sp, bool numeric)
{
	pad_n(b, body, bl, (size_t)-1, sp, numeric);
}

/* v in base written to out (at least 96 bytes) with sp's sign, prefix and precision;
 * returns its length. */
static size_t
int_text(char *out, int64_t v, int base, bool upper, spec *sp)
{
	char digits[80];
	size_t n = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	do {
		digits[n++] = dig[u % (uint64_t)base];
		u /= (uint64_t)base;
	} while (u);
	while (sp->prec > 0 && n < (size_t)sp->prec && n < sizeof digits - 4)
		digits[n++] = '0';
	size_t k = 0;
	if (v < 0)
		out[k++] = '-';
	else if (sp->plus)
		out[k++] = '+';
	else if (sp->space)
		out[k++] = ' ';
	if (sp->sharp) {
		if (base == 16) {
			out[k++] = '0';
			out[k++] = upper ? 'X' : 'x';
		} else if (base == 8) {
			out[k++] = '0';
		} else if (base == 2) {
			out[k++] = '0';
			out[k++] = 'b';
		}
	}
	while (n)
		out[k++] = digits[--n];
	out[k] = 0;
	return k;
}

/* Go's %g with the shortest representation (no precision). */
static char *
go_g_shortest(lh_arena *a, double d, bool upper)
{
	if (d == 0)
		return lh_arena_strdup(a, signbit(d) ? "-0" : "0");
	if (isinf(d))
		return lh_arena_strdup(a, d < 0 ? "-Inf" : "+Inf");
	char e[64];
	int p;
	for (p = 0; p <= 17; p++) {
		snprintf(e, sizeof e, "%.*e", p, d);
		if (strtod(e, NULL) == d)
			break;
	}
	int exp = atoi(strchr(e, 'e') + 1);
	int digits = p + 1;
	if (exp < -4 || exp >= 6) {
		/* Go uses at least two exponent digits, like C. */
		char *s = lh_arena_printf(a, "%.*e", p, d);
		if (upper)
			for (char *q = s; *q; q++)
				if (*q == 'e')
					*q = 'E';
		return s;
	}
	int decimals = digits - 1 - exp;
	if (decimals < 0)
		decimals = 0;
	return lh_arena_printf(a, "%.*f", decimals, d);
}

/* %g (shortest) of an exact integer, from its own digits (no rounding through a
 * double: 9007199254740993 stays exact). */
/* A number beyond int64/float64 through big.Float.Text (value_num.c), with the sign
 * flags big.Float.Format applies. */
static char *
big_text(lh_arena *a, lh_number n, char verb, int prec, const spec *sp)
{
	char *t = lh_number_text(a, n, verb, prec);
	if (t[0] != '-' && (sp->plus || sp->space))
		t = lh_arena_printf(a, "%c%s", sp->plus ? '+' : ' ', t);
	return t;
}

static char *
int_g(lh_arena *a, int64_t v)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%llu", v < 0 ? (unsigned long long)0 - (unsigned long long)v :
	    (unsigned long long)v);
	size_t nd = strlen(digits);
	int exp = (int)nd - 1;
	if (exp < 6)
		return lh_arena_printf(a, "%lld", (long long)v);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	return lh_arena_printf(a, "%s%c%s%.*se+%02d", v < 0 ? "-" : "", digits[0], nd > 1 ? "." : "",
	    (int)nd - 1, digits + 1, exp);
}

static char *
float_text(lh_arena *a, double d, char verb, spec *sp)
{
	char fmt[32], *q = fmt;
	*q++ = '%';
	if (sp->plus)
		*q++ = '+';
	if (sp->space)
		*q++ = ' ';
	if (sp->sharp)
		*q++ = '#';
	if ((verb == 'g' || verb == 'G') && sp->prec < 0) {
		char *s = go_g_shortest(a, d, verb == 'G');
		if (d >= 0 && sp->plus)
			return lh_arena_printf(a, "+%s", s);
		if (d >= 0 && sp->space)
			return lh_arena_printf(a, " %s", s);
		return s;
	}
	if ((verb == 'f' || verb == 'F') && isfinite(d) && fabs(d) >= 1e17) {
		lh_number n = lh_number_from_double(d);
		char *s = lh_number_format(a, n);
		int prec = sp->prec >= 0 ? sp->prec : 6;
		char *r = lh_arena_printf(a, "%s%s%s%.*s", d >= 0 && sp->plus ? "+" : "", s,
		    prec > 0 ? "." : "", prec, "000000000000000000000000000000000000000000000000000000000000");
		return r;
	}
	if (sp->prec >= 0) {
		q += sprintf(q, ".%d", sp->prec);
	}
	*q++ = verb;
	*q = 0;
	return lh_arena_printf(a, fmt, d);
}

/* format_one's common case, written without its general machinery: text, %%, and
 * %d of a whole number or %s of a string, with at most the flags - and 0 and a width,
 * every argument used once in order, a result of up to FAST_MAX bytes.  The same
 * result as format_one (the same padding rules); NULL for anything else, which
 * format_one then formats (or reports) as always.
 *
 * The format is parsed into pieces once (fspec_of): a format called 2,000 times
 * in a for expression (the same literal value each time) is read once per thread,
 * its pieces kept with a copy of its text, which a later call's text must equal. */
#define FAST_MAX 256
#define FS_TEXT 64		/* formats up to this long are kept */
#define FS_PIECES 16
#define FS_SLOTS 8
typedef struct fpiece {
	unsigned short off, len;	/* literal text: f[off .. off+len) (verb 0) */
	char verb;			/* 'd', 's', or 0 */
	bool minus, zero;
	unsigned char width;
} fpiece;
typedef struct fspec {
	const char *f;			/* the format's text where last seen (a hint) */
	size_t fl;
	char text[FS_TEXT];		/* its copy (kept specs) */
	fpiece p[FS_PIECES];
	unsigned char n, nverbs;
	bool fast;			/* the pieces say it all (else format_one) */
} fspec;
static _Thread_local fspec fs_kept[FS_SLOTS];

/* f[0..fl) parsed into *sp; sp->fast false when format_fast does not take it. */
static void
fspec_parse(const char *f, size_t fl, fspec *sp)
{
	sp->n = sp->nverbs = 0;
	sp->fast = false;
	for (size_t i = 0; i < fl;) {
		if (sp->n == FS_PIECES || fl > 0xffff)
			return;
		fpiece *pc = &sp->p[sp->n];
		memset(pc, 0, sizeof *pc);
		if (f[i] != '%') {
			size_t j = i;
			while (j < fl && f[j] != '%')
				j++;
			pc->off = (unsigned short)i;
			pc->len = (unsigned short)(j - i);
			sp->n++;
			i = j;
			continue;
		}
		i++;
		if (i < fl && f[i] == '%') {
			pc->off = (unsigned short)i;	/* (the second one: a literal %) */
			pc->len = 1;
			sp->n++;
			i++;
			continue;
		}
		for (; i < fl && (f[i] == '-' || f[i] == '0'); i++) {
			if (f[i] == '-')
				pc->minus = true;
			else
				pc->zero = true;
		}
		size_t width = 0;
		while (i < fl && f[i] >= '0' && f[i] <= '9' && width < 100)
			width = width * 10 + (size_t)(f[i++] - '0');
		if (i >= fl || width >= 100 || (f[i] != 'd' && f[i] != 's'))
			return;
		pc->width = (unsigned char)width;
		pc->verb = f[i++];
		sp->nverbs++;
		sp->n++;
	}
	sp->fast = true;
}

/* Whether x[0..n) and y[0..n) are the same bytes (short texts: compared here, eight
 * bytes at a time, not by a call). */
static inline bool
same_bytes(const char *x, const char *y, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t a, b;
		memcpy(&a, x + i, 8);
		memcpy(&b, y + i, 8);
		if (a != b)
			return false;
	}
	for (; i < n; i++)
		if (x[i] != y[i])
			return false;
	return true;
}

/* f's parsed pieces: a kept spec whose text is f's, else f parsed into *tmp (and kept
 * when short, in the place of the oldest).  *base: the text the pieces' offsets are in.
 * The kept specs are looked at in turn (no slot by address: two formats alternating
 * in a for expression whose addresses fell in one slot would evict each other). */
static _Thread_local unsigned fs_next;

static const fspec *
fspec_of(const char *f, size_t fl, fspec *tmp, const char **base)
{
	for (size_t i = 0; i < FS_SLOTS; i++) {
		fspec *k = &fs_kept[i];
		if (k->fl == fl && k->f != NULL && same_bytes(k->text, f, fl)) {
			k->f = f;
			*base = k->text;
			return k;
		}
	}
	fspec_parse(f, fl, tmp);
	*base = f;
	if (fl > FS_TEXT)
		return tmp;
	fspec *k = &fs_kept[fs_next++ % FS_SLOTS];
	*k = *tmp;
	memcpy(k->text, f, fl);
	k->f = f;
	k->fl = fl;
	return tmp;
}

static lh_value *
format_fast(lh_func_ctx *c, const char *f, size_t fl, lh_value **args, size_t nargs)
{
	fspec tmp;
	const char *base;
	const fspec *sp = fspec_of(f, fl, &tmp, &base);
	/* (every argument used once, in order: else format_one, which reports it) */
	if (!sp->fast || sp->nverbs != nargs)
		return NULL;
	char out[FAST_MAX];
	size_t len = 0, next = 0;
	for (size_t pi = 0; pi < sp->n; pi++) {
		const fpiece *pc = &sp->p[pi];
		if (pc->verb == 0) {
			if (len + pc->len > FAST_MAX)
				return NULL;
			for (size_t q = 0; q < pc->len; q++)	/* (a few bytes: no call) */
				out[len + q] = base[pc->off + q];
			len += pc->len;
			continue;
		}
		bool minus = pc->minus, zero = pc->zero;
		size_t width = pc->width;
		lh_value *v = args[next++];
		if (v->flags != 0)
			return NULL;
		if (pc->verb == 'd') {
			if (v->type->kind != LH_TY_NUMBER || !v->u.num.is_int || v->u.num.big != NULL)
				return NULL;
			int64_t x = v->u.num.i;
			uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
			size_t nd = 1;
			for (uint64_t t = u; t >= 10; t /= 10)
				nd++;
			size_t sign = x < 0, bl = sign + nd;
			size_t pad = width > bl ? width - bl : 0;
			if (len + bl + pad > FAST_MAX)
				return NULL;
			char *o = out + len;
			/* [spaces][-][digits], [-][zeros][digits] or [-][digits][spaces] */
			size_t lead = !minus && !zero ? pad : 0, zeros = !minus && zero ? pad : 0;
			for (size_t q = 0; q < lead; q++)
				*o++ = ' ';
			if (sign)
				*o++ = '-';
			for (size_t q = 0; q < zeros; q++)
				*o++ = '0';
			o += nd;
			char *d = o;
			for (; u >= 100; u /= 100) {	/* two digits a step */
				unsigned r = (unsigned)(u % 100);
				*--d = (char)('0' + r % 10);
				*--d = (char)('0' + r / 10);
			}
			if (u >= 10) {
				*--d = (char)('0' + u % 10);
				u /= 10;
			}
			*--d = (char)('0' + u);
			for (size_t q = 0; q < (minus ? pad : 0); q++)
				*o++ = ' ';
			len += bl + pad;
			continue;
		}
		if (v->type->kind != LH_TY_STRING)
			return NULL;
		const char *body = S(v);
		size_t bl = L(v);	/* the whole text, NULs included (cty's %s) */
		size_t chars = width > 0 ? lh_utf8_chars(body, bl) : 0;
		size_t pad = width > chars ? width - chars : 0;
		if (len + bl + pad > FAST_MAX)
			return NULL;
		char *o = out + len;
		/* a string is padded with zeros too when the flag asks, before it */
		size_t lead = minus ? 0 : pad;
		memset(o, zero ? '0' : ' ', lead);
		memcpy(o + lead, body, bl);
		memset(o + lead + bl, ' ', pad - lead);
		len += bl + pad;
	}
	/* (the value and its text in one allocation) */
	return lh_str_needs_nfc(out, len) ? lh_val_string(c->a, out, len) :
	    lh_val_string_nfc(c->a, out, len);
}

/* Formats f with args (cty's format verbs, Go's fmt flags); NULL with c->err. */
static lh_value *
format_one(lh_func_ctx *c, const char *f, size_t fl, lh_value **args, size_t nargs)
{
	buf b = { .a = c->a };
	lh_fbuf_grow(&b, fl + 16);	/* (most results: the format's length and a little) */
	size_t next = 0;
	bool used_index = false;
	size_t used_max = 0;
	for (size_t i = 0; i < fl;) {
		if (f[i] != '%') {
			size_t j = i;
			while (j < fl && f[j] != '%')
				j++;
			lh_fbuf_add(&b, f + i, j - i);
			i = j;
			continue;
		}
		size_t start = i++;
		if (i < fl && f[i] == '%') {
			lh_fbuf_add(&b, "%", 1);
			i++;
			continue;
		}
		spec sp = { .width = -1, .prec = -1 };
		for (; i < fl; i++) {
			if (f[i] == '-') sp.minus = true;
			else if (f[i] == '+') sp.plus = true;
			else if (f[i] == ' ') sp.space = true;
			else if (f[i] == '0') sp.zero = true;
			else if (f[i] == '#') sp.sharp = true;
			else break;
		}
		if (i < fl && f[i] == '[') {
			size_t j = i + 1;
			long idx = 0;
			while (j < fl && f[j] >= '0' && f[j] <= '9') {
				if (idx < 100000000)
					idx = idx * 10 + (f[j] - '0');
				j++;
			}
			if (j < fl && f[j] == ']' && idx == 0)
				return lh_fn_fail(c, "unrecognized format character '%c' at offset %zu", f[j - 1], j - 1);
			if (j >= fl || f[j] != ']' || idx < 1)
				return lh_fn_fail(c, "invalid format string starting at offset %zu", start);
			next = (size_t)idx - 1;
			used_index = true;
			i = j + 1;
		}
		if (i < fl && f[i] >= '0' && f[i] <= '9') {
			sp.width = 0;
			while (i < fl && f[i] >= '0' && f[i] <= '9')
				sp.width = sp.width > 10000000 ? sp.width : sp.width * 10 + (f[i++] - '0'),
				i += sp.width > 10000000 ? 1 : 0;
		}
		if (i < fl && f[i] == '.') {
			i++;
			sp.prec = 0;
			while (i < fl && f[i] >= '0' && f[i] <= '9')
				sp.prec = sp.prec > 10000000 ? sp.prec : sp.prec * 10 + (f[i++] - '0'),
				i += sp.prec > 10000000 ? 1 : 0;
		}
		if (sp.width > 1000000 || sp.prec > 1000000)
			return lh_fn_fail(c, "width or precision too large at offset %zu", start);
		if (i >= fl)
			return lh_fn_fail(c, "invalid format string starting at offset %zu", i);
		uint32_t verb;
		size_t vl = (unsigned char)f[i] < 0x80 ? (verb = (unsigned char)f[i], 1) : dec(f, fl, i, &verb);
		i += vl;
		size_t speclen = i - start;
		/* cty's verbs are letters: any other character there is not one (a code
		 * point beyond ASCII is never taken for the letter its low byte spells) */
		if (verb != 0 && !((verb >= 'a' && verb <= 'z') || (verb >= 'A' && verb <= 'Z')))
			return lh_fn_fail(c, "unrecognized format character '%.*s' at offset %zu",
			    (int)vl, f + i - vl, i - vl);
		if (!strchr("vtbdoxXeEfgGsq", (int)verb) || verb == 0)
			return lh_fn_fail(c, "unsupported format verb '%.*s' in \"%.*s\" at offset %zu",
			    (int)vl, f + i - vl, (int)speclen, f + start, start);
		if (next >= nargs)
			return lh_fn_fail(c, "not enough arguments for \"%.*s\" at %zu: need index %zu but have %zu total",
			    (int)speclen, f + start, start, next + 1, nargs);
		lh_value *v = args[next++];
		if (next > used_max)
			used_max = next;
		const char *err = NULL;
		char *body = NULL;
		bool numeric = false;
		switch (verb) {
		case 'v':
			if (sp.sharp || lh_is_seq(v->type) || lh_is_mapping(v->type) || lh_val_is_null(v)) {
				body = lh_val_jsonencode(c->a, v, &err);
				if (body == NULL)
					return lh_val_unknown(c->a, &lh_type_string);
			} else if (v->type->kind == LH_TY_NUMBER && v->u.num.big != NULL) {
				body = big_text(c->a, v->u.num, 'g', -1, &sp);
				numeric = true;
			} else if (v->type->kind == LH_TY_NUMBER) {
				/* big.Float's %v is its shortest %g. */
				body = v->u.num.is_int ? int_g(c->a, v->u.num.i) :
				    go_g_shortest(c->a, lh_number_double(v->u.num), false);
				numeric = true;
			} else if (v->type->kind == LH_TY_BOOL) {
				body = v->u.b ? "true" : "false";
			} else {
				body = lh_arena_strndup(c->a, S(v), L(v));
			}
			break;
		case 't': {
			lh_value *cv = lh_val_convert(c->a, v, &lh_type_bool, &err);
			if (cv == NULL)
				goto badval;
			/* cty writes booleans without width or flags. */
			bstr(&b, cv->u.b ? "true" : "false");
			continue;
		}
		case 's': case 'q': {
			lh_value *cv = lh_val_convert(c->a, v, &lh_type_string, &err);
			if (cv == NULL)
				goto badval;
			size_t sl = L(cv);
			if (sp.prec >= 0)
				sl = lh_utf8_offset(S(cv), L(cv), (size_t)sp.prec);
			if (verb != 'q') {
				pad(&b, S(cv), sl, &sp, false);	/* NULs included (cty's) */
				continue;
			}
			body = lh_val_jsonencode(c->a, cv, &err);	/* cty quotes as JSON */
			break;
		}
		case 'b': case 'd': case 'o': case 'x': case 'X': {
			lh_value *cv = lh_val_convert(c->a, v, &lh_type_number, &err);
			if (cv == NULL)
				goto badval;
			if (cv->u.num.big != NULL) {
				/* beyond int64: exact digits (value_num.c) */
				int base = verb == 'b' ? 2 : verb == 'o' ? 8 : verb == 'd' ? 10 : 16;
				body = lh_number_int_text(c->a, cv->u.num, base, verb == 'X');
				if (body == NULL) {
					err = "an integer is required";
					goto badval;
				}
				if (body[0] != '-' && (sp.plus || sp.space))
					body = lh_arena_printf(c->a, "%c%s", sp.plus ? '+' : ' ', body);
				numeric = true;
				break;
			}
			if (!cv->u.num.is_int) {
				double d = cv->u.num.d;
				if (verb == 'd' && isfinite(d) && d == floor(d)) {
					body = lh_number_format(c->a, lh_number_from_double(d + 0.0));
					if (d >= 0 && sp.plus)
						body = lh_arena_printf(c->a, "+%s", body);
					numeric = true;
					break;
				}
				err = "an integer is required";
				goto badval;
			}
			int base = verb == 'b' ? 2 : verb == 'o' ? 8 : verb == 'd' ? 10 : 16;
			char digits[96];
			size_t dl = int_text(digits, cv->u.num.i, base, verb == 'X', &sp);
			pad_n(&b, digits, dl, dl, &sp, true);
			continue;
		}
		default: {	/* e E f g G */
			lh_value *cv = lh_val_convert(c->a, v, &lh_type_number, &err);
			if (cv == NULL)
				goto badval;
			if (cv->u.num.big != NULL) {
				body = big_text(c->a, cv->u.num, verb == 'F' ? 'f' : (char)verb,
				    sp.prec >= 0 ? sp.prec : (verb == 'g' || verb == 'G') ? -1 : 6, &sp);
			} else if (cv->u.num.is_int && (verb == 'f' || verb == 'F') &&
			    (cv->u.num.i >= 1000000000000000LL || cv->u.num.i <= -1000000000000000LL)) {
				int prec = sp.prec >= 0 ? sp.prec : 6;
				body = lh_arena_printf(c->a, "%s%lld%s%.*s", sp.plus && cv->u.num.i > 0 ? "+" : "",
				    (long long)cv->u.num.i, prec > 0 ? "." : "", prec,
				    "000000000000000000000000000000000000000000000000000000000000");
			} else if (cv->u.num.is_int && (verb == 'g' || verb == 'G') && sp.prec < 0 &&
			    !sp.plus && !sp.space) {
				body = int_g(c->a, cv->u.num.i);
				if (verb == 'G')
					for (char *q = body; *q; q++)
						if (*q == 'e')
							*q = 'E';
			} else {
				body = float_text(c->a, lh_number_double(cv->u.num), (char)verb, &sp);
			}
			numeric = true;
			break;
		}
		}
		pad(&b, body, strlen(body), &sp, numeric);
		continue;
badval:
		return lh_fn_fail(c, "unsupported value for \"%.*s\" at %zu: %s", (int)speclen,
		    f + start, start, err);
	}
	if (!used_index && used_max < nargs) {
		if (used_max == 0)
			return lh_fn_argerr(c, 1 + used_max, "too many arguments; no verbs in format string");
		return lh_fn_argerr(c, 1 + used_max, "too many arguments; only %zu used by format string", used_max);
	}
	if (b.p == NULL)
		return lh_val_cstr(c->a, "");
	return lh_val_string_take(c->a, b.p, b.len);
}

static lh_value *
f_format(lh_func_ctx *c, lh_value **a, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (lh_val_has_unknown(a[i]) || lh_val_is_null(a[i]))
			return lh_val_unknown(c->a, &lh_type_string);
	if (lh_val_is_unknown(a[0]))
		return lh_val_unknown(c->a, &lh_type_string);
	lh_value *r = format_fast(c, S(a[0]), L(a[0]), a + 1, n - 1);
	return r != NULL ? r : format_one(c, S(a[0]), L(a[0]), a + 1, n - 1);
}

static lh_value *
f_formatlist(lh_func_ctx *c, lh_value **a, size_t n)
{
	size_t iterations = 0;
	bool have = false;
	size_t first = 0;
	for (size_t i = 1; i < n; i++) {
		lh_value *v = a[i];
		/* cty: an unknown or null argument makes the whole list unknown. */
		if (lh_val_is_unknown(v) || lh_val_is_null(v))
			return lh_val_unknown(c->a, &lh_t_list_string);
		if (lh_val_is_null(v) || !lh_is_seq(v->type))
			continue;
		if (!have) {
			iterations = v->u.seq.n;
			have = true;
			first = i;
		} else if (v->u.seq.n != iterations) {
			return lh_fn_argerr(c, i, "argument %zu has length %zu, which is inconsistent with argument %zu of length %zu",
			    i, v->u.seq.n, first, iterations);
		}
	}
	if (!have)
		iterations = 1;
	lh_value **out = lh_arena_alloc(c->a, (iterations ? iterations : 1) * sizeof *out);
	lh_value **args = lh_arena_alloc(c->a, (n ? n : 1) * sizeof *args);
	for (size_t it = 0; it < iterations; it++) {
		for (size_t i = 1; i < n; i++) {
			lh_value *v = a[i];
			args[i - 1] = !lh_val_is_null(v) && lh_is_seq(v->type) ? v->u.seq.items[it] : v;
		}
		bool unk = false;
		for (size_t i = 0; i + 1 < n; i++)
			if (lh_val_has_unknown(args[i]) || lh_val_is_null(args[i]))
				unk = true;
		if (unk) {
			out[it] = lh_val_unknown(c->a, &lh_type_string);
			continue;
		}
		const char *saved_err;
		out[it] = format_fast(c, S(a[0]), L(a[0]), args, n - 1);
		if (out[it] == NULL)
			out[it] = format_one(c, S(a[0]), L(a[0]), args, n - 1);
		if (out[it] == NULL) {
			/* Terraform reports the element: "error on format iteration N: ...". */
			saved_err = c->err;
			const char *p = strstr(saved_err, "failed: ");
			const char *q = strstr(saved_err, "parameter: ");
			const char *msg = p ? p + 8 : q ? q + 11 : saved_err;
			c->err_arg = -1;
			c->err = lh_arena_printf(c->a, "Call to function \"formatlist\" failed: error on format iteration %zu: %s",
			    it, msg);
			return NULL;
		}
	}
	return lh_val_list(c->a, &lh_type_string, out, iterations);
}

#define STR(nm) { .name = nm, .type = &lh_type_string }
const lh_fdef lh_func_str[] = {
	{ "chomp", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_chomp },
	{ "format", 1, { { "format", &lh_type_string, P_UNKNOWN } }, true,
	  { "args", NULL, P_NULL | P_UNKNOWN }, &lh_type_string, f_format },
	{ "formatlist", 1, { { "format", &lh_type_string, 0 } }, true,
	  { "args", NULL, P_NULL | P_UNKNOWN }, &lh_t_list_string, f_formatlist },
	{ "indent", 2, { { "spaces", &lh_type_number, 0 }, STR("str") }, false, { 0 },
	  &lh_type_string, f_indent },
	{ "join", 1, { STR("separator") }, true, { "lists", &lh_t_list_string, 0 },
	  &lh_type_string, f_join },
	{ "lower", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_lower },
	{ "upper", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_upper },
	{ "replace", 3, { STR("str"), STR("substr"), STR("replace") }, false, { 0 },
	  &lh_type_string, f_replace },
	{ "split", 2, { STR("separator"), STR("str") }, false, { 0 }, &lh_t_list_string, f_split },
	{ "startswith", 2, { STR("str"), STR("prefix") }, false, { 0 }, &lh_type_bool, f_startswith },
	{ "endswith", 2, { STR("str"), STR("suffix") }, false, { 0 }, &lh_type_bool, f_endswith },
	{ "strcontains", 2, { STR("str"), STR("substr") }, false, { 0 }, &lh_type_bool, f_strcontains },
	{ "strrev", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_strrev },
	{ "substr", 3, { STR("str"), { "offset", &lh_type_number, 0 }, { "length", &lh_type_number, 0 } },
	  false, { 0 }, &lh_type_string, f_substr },
	{ "title", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_title },
	{ "trim", 2, { STR("str"), STR("cutset") }, false, { 0 }, &lh_type_string, f_trim },
	{ "trimprefix", 2, { STR("str"), STR("prefix") }, false, { 0 }, &lh_type_string, f_trimprefix },
	{ "trimsuffix", 2, { STR("str"), STR("suffix") }, false, { 0 }, &lh_type_string, f_trimsuffix },
	{ "trimspace", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_trimspace },
	{ "regex", 2, { STR("pattern"), STR("string") }, false, { 0 }, NULL, f_regex },
	{ "regexall", 2, { STR("pattern"), STR("string") }, false, { 0 }, NULL, f_regexall },
};
const size_t lh_func_str_n = sizeof lh_func_str / sizeof lh_func_str[0];
