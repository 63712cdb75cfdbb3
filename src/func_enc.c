/* func_enc.c - encoding functions: base64encode base64decode csvdecode jsonencode
 * jsondecode urlencode yamlencode.  yamlencode reproduces the block style Terraform's
 * YAML encoder (go-yaml) writes: quoted keys and strings, literal blocks for
 * multi-line text, 2-space indentation, "..." after a bare top-level scalar. */
#include "func_impl.h"

#include <stdio.h>
#include <string.h>

typedef lh_fbuf buf;

static void bstr(buf *b, const char *s) { lh_fbuf_add(b, s, strlen(s)); }

static void
bspaces(buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		lh_fbuf_add(b, " ", 1);
}

static lh_value *
bval(buf *b)
{
	return lh_val_string(b->a, b->p ? b->p : "", b->len);
}

static bool
valid_utf8(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		if (n == 0 || i + n > len)
			return false;
		uint32_t cp = n == 1 ? c : n == 2 ? c & 31 : n == 3 ? c & 15 : c & 7;
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
			return false;
		i += n;
	}
	return true;
}

/* ---------------------------------------------------------------- base64 */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static lh_value *
f_base64encode(lh_func_ctx *c, lh_value **a, size_t n)
{
	const unsigned char *s = (const unsigned char *)a[0]->u.str.s;
	size_t len = a[0]->u.str.len;
	buf b = { .a = c->a };
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < len)
			v |= s[i + 2];
		char o[4] = { b64[v >> 18], b64[(v >> 12) & 63],
			i + 1 < len ? b64[(v >> 6) & 63] : '=', i + 2 < len ? b64[v & 63] : '=' };
		lh_fbuf_add(&b, o, 4);
	}
	return b.p ? bval(&b) : lh_val_cstr(c->a, "");
}

static int
b64val(char ch)
{
	const char *p = ch ? strchr(b64, ch) : NULL;
	return p ? (int)(p - b64) : -1;
}

static lh_value *
f_base64decode(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *s = a[0]->u.str.s;
	size_t len = a[0]->u.str.len;
	buf b = { .a = c->a };
	/* Go's StdEncoding ignores \r and \n; padding is required. */
	char *clean = lh_arena_alloc(c->a, len + 1);
	size_t cl = 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] != '\r' && s[i] != '\n')
			clean[cl++] = s[i];
	if (cl % 4 != 0)
		goto bad;
	for (size_t i = 0; i < cl; i += 4) {
		int v[4];
		int pad = 0;
		for (int k = 0; k < 4; k++) {
			if (clean[i + k] == '=' && i + 4 == cl && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad)
				goto bad;
			if ((v[k] = b64val(clean[i + k])) < 0)
				goto bad;
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		char o[3] = { (char)(w >> 16), (char)(w >> 8), (char)w };
		lh_fbuf_add(&b, o, (size_t)(3 - pad));
	}
	if (!valid_utf8((const unsigned char *)(b.p ? b.p : ""), b.len))
		return lh_fn_fail(c, "the result of decoding the provided string is not valid UTF-8");
	return b.p ? bval(&b) : lh_val_cstr(c->a, "");
bad:
	return lh_fn_fail(c, "failed to decode base64 data \"%.*s\"", (int)len, s);
}

/* ---------------------------------------------------------------- urlencode */

static lh_value *
f_urlencode(lh_func_ctx *c, lh_value **a, size_t n)
{
	const unsigned char *s = (const unsigned char *)a[0]->u.str.s;
	buf b = { .a = c->a };
	for (size_t i = 0; i < a[0]->u.str.len; i++) {
		unsigned char ch = s[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '_' || ch == '.' || ch == '~') {
			lh_fbuf_add(&b, (const char *)&ch, 1);
		} else if (ch == ' ') {
			lh_fbuf_add(&b, "+", 1);
		} else {
			char t[4];
			snprintf(t, sizeof t, "%%%02X", ch);
			lh_fbuf_add(&b, t, 3);
		}
	}
	return b.p ? bval(&b) : lh_val_cstr(c->a, "");
}

/* ---------------------------------------------------------------- json */

static lh_value *
f_jsonencode(lh_func_ctx *c, lh_value **a, size_t n)
{
	if (lh_val_has_unknown(a[0]))
		return lh_val_unknown(c->a, &lh_type_string);
	const char *err = NULL;
	char *s = lh_val_jsonencode(c->a, a[0], &err);
	if (s == NULL)
		return lh_fn_fail(c, "%s", err);
	return lh_val_cstr(c->a, s);
}

static lh_value *
f_jsondecode(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *err = NULL;
	lh_value *v = lh_val_jsondecode(c->a, a[0]->u.str.s, a[0]->u.str.len, &err);
	if (v == NULL)
		return lh_fn_fail(c, "%s", err);
	return v;
}

/* ---------------------------------------------------------------- csv */

static lh_value *
f_csvdecode(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *s = a[0]->u.str.s;
	size_t len = a[0]->u.str.len, i = 0;
	size_t line = 1;
	const char **header = NULL;
	size_t nh = 0;
	size_t cap = 8, nrec = 0;
	lh_value **recs = lh_arena_alloc(c->a, cap * sizeof *recs);
	while (i < len) {
		/* Skip empty lines. */
		if (s[i] == '\n' || (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')) {
			i += s[i] == '\r' ? 2 : 1;
			line++;
			continue;
		}
		size_t fcap = 8, nf = 0;
		lh_value **fields = lh_arena_alloc(c->a, fcap * sizeof *fields);
		size_t recline = line;
		for (;;) {
			buf f = { .a = c->a };
			if (i < len && s[i] == '"') {
				i++;
				for (;;) {
					if (i >= len)
						return lh_fn_fail(c, "CSV parse error on line %zu: extraneous or missing \" in quoted-field", recline);
					if (s[i] == '"') {
						if (i + 1 < len && s[i + 1] == '"') {
							lh_fbuf_add(&f, "\"", 1);
							i += 2;
							continue;
						}
						i++;
						break;
					}
					if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') {
						i++;
						continue;
					}
					if (s[i] == '\n')
						line++;
					lh_fbuf_add(&f, s + i, 1);
					i++;
				}
				if (i < len && s[i] != ',' && s[i] != '\n' && !(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n'))
					return lh_fn_fail(c, "CSV parse error on line %zu: extraneous or missing \" in quoted-field", line);
			} else {
				while (i < len && s[i] != ',' && s[i] != '\n' &&
				    !(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')) {
					if (s[i] == '"')
						return lh_fn_fail(c, "CSV parse error on line %zu: bare \" in non-quoted-field", line);
					lh_fbuf_add(&f, s + i, 1);
					i++;
				}
			}
			if (nf == fcap) {
				fields = lh_arena_grow(c->a, fields, nf, fcap * 2, sizeof *fields);
				fcap *= 2;
			}
			fields[nf++] = f.p ? bval(&f) : lh_val_cstr(c->a, "");
			if (i < len && s[i] == ',') {
				i++;
				continue;
			}
			if (i < len) {
				i += s[i] == '\r' ? 2 : 1;
				line++;
			}
			break;
		}
		if (header == NULL) {
			header = lh_arena_alloc(c->a, nf * sizeof *header);
			for (size_t k = 0; k < nf; k++) {
				header[k] = fields[k]->u.str.s;
				for (size_t j = 0; j < k; j++)
					if (strcmp(header[j], header[k]) == 0) {
						char *q;
						lh_str_go_quote(c->a, header[k], strlen(header[k]), &q);
						return lh_fn_fail(c, "duplicate column name %s", q);
					}
			}
			nh = nf;
			continue;
		}
		if (nf != nh)
			return lh_fn_fail(c, "CSV parse error on line %zu: wrong number of fields", recline);
		if (nrec == cap) {
			recs = lh_arena_grow(c->a, recs, nrec, cap * 2, sizeof *recs);
			cap *= 2;
		}
		recs[nrec++] = lh_val_object(c->a, header, fields, nf);
	}
	if (header == NULL)
		return lh_fn_fail(c, "missing header line");
	const lh_type **ts = lh_arena_alloc(c->a, (nh ? nh : 1) * sizeof *ts);
	for (size_t k = 0; k < nh; k++)
		ts[k] = &lh_type_string;
	return lh_val_list(c->a, lh_type_object(c->a, header, ts, nh), recs, nrec);
}

/* ---------------------------------------------------------------- yaml */

static size_t
udec(const char *s, size_t len, size_t i, uint32_t *cp)
{
	unsigned char ch = (unsigned char)s[i];
	size_t n = ch < 0x80 ? 1 : ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : ch >= 0xc0 ? 2 : 1;
	if (i + n > len)
		n = 1;
	uint32_t v = n == 1 ? ch : n == 2 ? ch & 31 : n == 3 ? ch & 15 : ch & 7;
	for (size_t k = 1; k < n; k++)
		v = v << 6 | ((unsigned char)s[i + k] & 0x3f);
	*cp = v;
	return n;
}

static bool
y_printable(uint32_t cp)
{
	/* go-yaml's is_printable: nothing outside the BMP, no C1 controls (U+0085 is
	 * escaped as \N). */
	return cp == 0x0a || (cp >= 0x20 && cp <= 0x7e) ||
	    (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp != 0xfeff);
}

/* go-yaml's double-quoted scalar writer, folding at spaces past column 80. */
static void
y_quoted(buf *b, const char *s, size_t len, bool allow_breaks, size_t indent)
{
	lh_fbuf_add(b, "\"", 1);
	bool spaces = false;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = udec(s, len, i, &cp);
		if (!y_printable(cp) || cp == 0xfeff || cp == '\n' || cp == 0x85 || cp == 0x2028 ||
		    cp == 0x2029 || cp == '"' || cp == '\\') {
			char t[16];
			switch (cp) {
			case 0: bstr(b, "\\0"); break;
			case 7: bstr(b, "\\a"); break;
			case 8: bstr(b, "\\b"); break;
			case 9: bstr(b, "\\t"); break;
			case 10: bstr(b, "\\n"); break;
			case 11: bstr(b, "\\v"); break;
			case 12: bstr(b, "\\f"); break;
			case 13: bstr(b, "\\r"); break;
			case 27: bstr(b, "\\e"); break;
			case '"': bstr(b, "\\\""); break;
			case '\\': bstr(b, "\\\\"); break;
			case 0x85: bstr(b, "\\N"); break;
			case 0xa0: bstr(b, "\\_"); break;
			case 0x2028: bstr(b, "\\L"); break;
			case 0x2029: bstr(b, "\\P"); break;
			default:
				if (cp <= 0xff)
					snprintf(t, sizeof t, "\\x%02X", cp);
				else if (cp <= 0xffff)
					snprintf(t, sizeof t, "\\u%04X", cp);
				else
					snprintf(t, sizeof t, "\\U%08X", cp);
				bstr(b, t);
			}
			spaces = false;
		} else if (cp == ' ') {
			if (allow_breaks && !spaces && b->col > 80 && i > 0 && i < len - 1) {
				lh_fbuf_add(b, "\n", 1);
				bspaces(b, indent);
				if (i + 1 < len && s[i + 1] == ' ')
					lh_fbuf_add(b, "\\", 1);
			} else {
				lh_fbuf_add(b, " ", 1);
			}
			spaces = true;
		} else {
			lh_fbuf_add(b, s + i, k);
			spaces = false;
		}
		i += k;
	}
	lh_fbuf_add(b, "\"", 1);
}

/* go-yaml's line breaks inside printable text: LF, U+2028, U+2029.  Returns the
 * break's byte length at i, or 0. */
static size_t
y_break(const char *s, size_t len, size_t i)
{
	if (s[i] == '\n')
		return 1;
	if (i + 2 < len && (unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
	    ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9))
		return 3;
	return 0;
}

/* Start of the last code point of s. */
static size_t
last_rune(const char *s, size_t len)
{
	size_t i = len - 1;
	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	return i;
}

/* Can go-yaml write s as a literal block?  Only multi-line printable text without a
 * space before a break or at the end. */
static bool
y_literal_ok(const char *s, size_t len)
{
	bool breaks = false;
	/* Terraform asks for a literal block only when the text has a newline. */
	if (len == 0 || s[len - 1] == ' ' || memchr(s, '\n', len) == NULL)
		return false;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = udec(s, len, i, &cp);
		if (y_break(s, len, i)) {
			breaks = true;
		} else if (!y_printable(cp) || cp == 0xfeff) {
			return false;
		}
		if (cp == ' ' && i + 1 < len && y_break(s, len, i + 1))
			return false;
		i += k;
	}
	return breaks;
}

static void
y_literal(buf *b, const char *s, size_t len, size_t indent)
{
	lh_fbuf_add(b, "|", 1);
	if (s[0] == ' ' || y_break(s, len, 0))
		lh_fbuf_add(b, "2", 1);
	size_t lr = last_rune(s, len);
	if (!y_break(s, len, lr))
		lh_fbuf_add(b, "-", 1);
	else if (lr == 0 || y_break(s, len, last_rune(s, lr)))
		lh_fbuf_add(b, "+", 1);
	bool at_start = true;
	lh_fbuf_add(b, "\n", 1);
	for (size_t i = 0; i < len;) {
		size_t k = y_break(s, len, i);
		if (k) {
			lh_fbuf_add(b, s + i, k);	/* U+2028/U+2029 are written as they are */
			i += k;
			at_start = true;
			continue;
		}
		if (at_start)
			bspaces(b, indent);
		at_start = false;
		lh_fbuf_add(b, s + i, 1);
		i++;
	}
	if (!y_break(s, len, lr))
		lh_fbuf_add(b, "\n", 1);
}

static bool y_node(lh_func_ctx *c, buf *b, const lh_value *v, size_t indent, bool inline_first);

/* Writes a scalar or empty collection after "key: " / "- "; true if it ended the line
 * itself (literal blocks do). */
static bool
y_is_block(const lh_value *v)
{
	if (lh_val_is_null(v))
		return false;
	if (lh_is_seq(v->type))
		return v->u.seq.n > 0;
	if (lh_is_mapping(v->type))
		return v->u.map.n > 0;
	return false;
}

static void
y_scalar(lh_func_ctx *c, buf *b, const lh_value *v, size_t indent)
{
	if (lh_val_is_null(v)) {
		bstr(b, "null\n");
		return;
	}
	switch (v->type->kind) {
	case LH_TY_STRING:
		if (y_literal_ok(v->u.str.s, v->u.str.len)) {
			y_literal(b, v->u.str.s, v->u.str.len, indent);
			return;
		}
		y_quoted(b, v->u.str.s, v->u.str.len, true, indent);
		break;
	case LH_TY_NUMBER:
		bstr(b, lh_number_format(c->a, v->u.num));
		break;
	case LH_TY_BOOL:
		bstr(b, v->u.b ? "true" : "false");
		break;
	default:
		bstr(b, lh_is_seq(v->type) ? "[]" : "{}");
		break;
	}
	lh_fbuf_add(b, "\n", 1);
}

static bool
y_node(lh_func_ctx *c, buf *b, const lh_value *v, size_t indent, bool inline_first)
{
	if (!y_is_block(v)) {
		y_scalar(c, b, v, indent);
		return true;
	}
	if (lh_is_mapping(v->type)) {
		for (size_t i = 0; i < v->u.map.n; i++) {
			if (i > 0 || !inline_first)
				bspaces(b, indent);
			const char *k = v->u.map.keys[i];
			if (y_literal_ok(k, strlen(k))) {
				/* A multi-line key is a complex key: "? |-" block, then ":". */
				lh_fbuf_add(b, "? ", 2);
				y_literal(b, k, strlen(k), indent + 2);
				bspaces(b, indent);
			} else {
				y_quoted(b, k, strlen(k), false, indent);
			}
			lh_fbuf_add(b, ":", 1);
			lh_value *e = v->u.map.vals[i];
			if (y_is_block(e)) {
				lh_fbuf_add(b, "\n", 1);
				y_node(c, b, e, lh_is_seq(e->type) ? indent : indent + 2, false);
			} else {
				lh_fbuf_add(b, " ", 1);
				y_scalar(c, b, e, indent + 2);
			}
		}
		return true;
	}
	for (size_t i = 0; i < v->u.seq.n; i++) {
		if (i > 0 || !inline_first)
			bspaces(b, indent);
		lh_fbuf_add(b, "- ", 2);
		lh_value *e = v->u.seq.items[i];
		y_node(c, b, e, indent + 2, true);
	}
	return true;
}

static lh_value *
f_yamlencode(lh_func_ctx *c, lh_value **a, size_t n)
{
	if (lh_val_has_unknown(a[0]))
		return lh_val_unknown(c->a, &lh_type_string);
	buf b = { .a = c->a };
	const lh_value *v = a[0];
	if (!y_is_block(v))
		y_scalar(c, &b, v, 2);
	else
		y_node(c, &b, v, 0, false);
	if (lh_val_is_null(v) || v->type->kind == LH_TY_NUMBER || v->type->kind == LH_TY_BOOL)
		bstr(&b, "...\n");
	return bval(&b);
}

#define STR(nm) { .name = nm, .type = &lh_type_string }
const lh_fdef lh_func_enc[] = {
	{ "base64encode", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_base64encode },
	{ "base64decode", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_base64decode },
	{ "csvdecode", 1, { STR("str") }, false, { 0 }, NULL, f_csvdecode },
	{ "jsonencode", 1, { { "val", NULL, P_NULL | P_UNKNOWN } }, false, { 0 }, &lh_type_string,
	  f_jsonencode },
	{ "jsondecode", 1, { STR("str") }, false, { 0 }, NULL, f_jsondecode },
	{ "urlencode", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_urlencode },
	{ "yamlencode", 1, { { "value", NULL, P_NULL | P_UNKNOWN } }, false, { 0 }, &lh_type_string,
	  f_yamlencode },
};
const size_t lh_func_enc_n = sizeof lh_func_enc / sizeof lh_func_enc[0];
