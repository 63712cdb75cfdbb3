/* addr.c - resource instance addresses: parse, format, compare, -target matching.
 * See addr.h.  Formatting mirrors Terraform's StringKey quoting (HCL string syntax:
 * \n \r \t \" \\ escaped, "${" and "%{" doubled, other control characters as \uNNNN)
 * so that parse and format are exact inverses. */
#include "addr.h"
#include "utf8.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADDR_SYNTAX "A resource address is TYPE.NAME, optionally followed by [INDEX] " \
	"or [\"KEY\"], for example litellm_user.dev or litellm_user.dev[\"alice\"]."

static bool
ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9') || c == '-';
}

/* Reads an identifier at *p; returns its length (0 when none). */
static size_t
ident(const char *p)
{
	size_t n = 0;
	if (!ident_start(p[0]))
		return 0;
	while (ident_char(p[n]))
		n++;
	return n;
}

/* Appends code point cp as UTF-8 to buf at *n. */
static bool
put_utf8(char *buf, size_t *n, uint32_t cp)
{
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return false;
	*n += lh_utf8_encode(cp, buf + *n);
	return true;
}

/* Parses the quoted string starting at p (at the opening quote).  On success stores the
 * unescaped key in a, sets *end past the closing quote. */
static const char *
parse_key(lh_arena *a, const char *p, const char **end, const char **err)
{
	size_t cap = strlen(p) + 1, n = 0;
	char *buf = lh_arena_alloc(a, cap);
	p++;
	for (;;) {
		char c = *p;
		if (c == '\0') {
			*err = "The index key string is not terminated: a closing \" is missing.";
			return NULL;
		}
		if (c == '"') {
			p++;
			break;
		}
		if ((c == '$' || c == '%') && p[1] == '{') {
			*err = "An index key in a resource address must be a literal string; "
			    "write $${ or %%{ for a literal ${ or %{.";
			return NULL;
		}
		if ((c == '$' || c == '%') && p[1] == c && p[2] == '{') {
			buf[n++] = c;
			buf[n++] = '{';
			p += 3;
			continue;
		}
		if (c != '\\') {
			buf[n++] = c;
			p++;
			continue;
		}
		p++;
		c = *p++;
		switch (c) {
		case 'n': buf[n++] = '\n'; break;
		case 'r': buf[n++] = '\r'; break;
		case 't': buf[n++] = '\t'; break;
		case '"': buf[n++] = '"'; break;
		case '\\': buf[n++] = '\\'; break;
		case 'u':
		case 'U': {
			int digits = c == 'u' ? 4 : 8;
			uint32_t cp = 0;
			for (int i = 0; i < digits; i++) {
				int h = lh_hexval(p[i]);
				if (h < 0) {
					*err = "Invalid \\u escape in the index key: it needs hex digits.";
					return NULL;
				}
				cp = cp * 16 + (uint32_t)h;
			}
			p += digits;
			if (!put_utf8(buf, &n, cp)) {
				*err = "Invalid \\u escape in the index key: not a valid character.";
				return NULL;
			}
			break;
		}
		default:
			*err = "Invalid escape sequence in the index key; the valid ones are "
			    "\\n \\r \\t \\\" \\\\ \\uNNNN and \\UNNNNNNNN.";
			return NULL;
		}
	}
	buf[n] = '\0';
	*end = p;
	return buf;
}

static bool parse(lh_arena *a, const char *s, lh_addr *out, const char **err, bool data_ok);

bool
lh_addr_parse(lh_arena *a, const char *s, lh_addr *out, const char **err)
{
	return parse(a, s, out, err, false);
}

bool
lh_addr_parse_any(lh_arena *a, const char *s, lh_addr *out, const char **err)
{
	return parse(a, s, out, err, true);
}

static bool
parse(lh_arena *a, const char *s, lh_addr *out, const char **err, bool data_ok)
{
	const char *p = s;
	size_t n;
	memset(out, 0, sizeof *out);
	*err = NULL;
	if (s == NULL || *s == '\0') {
		*err = "The resource address is empty. " ADDR_SYNTAX;
		return false;
	}
	n = ident(p);
	if (n == 6 && strncmp(p, "module", 6) == 0 && p[6] == '.') {
		*err = "Module addresses are not supported: litehcl manages resources of the "
		    "root module only.";
		return false;
	}
	if (n == 4 && strncmp(p, "data", 4) == 0 && p[4] == '.') {
		if (!data_ok) {
			*err = "A data resource cannot be used here: only managed resources "
			    "(TYPE.NAME) can.";
			return false;
		}
		out->data = true;
		p += 5;
		n = ident(p);
	}
	if (n == 0 || p[n] != '.') {
		*err = "Invalid resource address. " ADDR_SYNTAX;
		return false;
	}
	out->type = lh_arena_strndup(a, p, n);
	p += n + 1;
	n = ident(p);
	if (n == 0) {
		*err = "Invalid resource address: a resource name must follow the type. "
		    ADDR_SYNTAX;
		return false;
	}
	out->name = lh_arena_strndup(a, p, n);
	p += n;
	out->kind = LH_KEY_NONE;
	if (*p == '[') {
		p++;
		if (*p == '"') {
			const char *end;
			out->key = parse_key(a, p, &end, err);
			if (out->key == NULL)
				return false;
			out->kind = LH_KEY_STR;
			p = end;
		} else if (*p >= '0' && *p <= '9') {
			char *end;
			errno = 0;
			long long v = strtoll(p, &end, 10);
			if (errno != 0 || (p[0] == '0' && end - p > 1)) {
				*err = "Invalid index in the resource address: it must be a whole "
				    "number without leading zeros.";
				return false;
			}
			out->kind = LH_KEY_INT;
			out->index = v;
			p = end;
		} else {
			*err = "Invalid index in the resource address: it must be a whole number "
			    "or a quoted string. " ADDR_SYNTAX;
			return false;
		}
		if (*p != ']') {
			*err = "Invalid index in the resource address: a closing ] is missing.";
			return false;
		}
		p++;
	}
	if (*p != '\0') {
		*err = "Unexpected characters after the resource address. " ADDR_SYNTAX;
		return false;
	}
	return true;
}

/* A small growable buffer that counts what would have been written. */
typedef struct {
	char *buf;
	size_t cap, len;
} sbuf;

static void
sput(sbuf *b, const char *s, size_t n)
{
	if (b->len + 1 < b->cap) {
		size_t room = b->cap - 1 - b->len;
		memcpy(b->buf + b->len, s, n < room ? n : room);
	}
	b->len += n;
}

static void
sputs(sbuf *b, const char *s)
{
	sput(b, s, strlen(s));
}

/* The bytes an instance key's text shows as they are: not a control character, a
 * quote, a backslash, nor $ or % (doubled before {); NUL ends the key. */
static const bool key_plain[256] = {
#define R16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
	R16(false), R16(false),
	true, true, false, true, false, false, true, true,	/* space ! " # $ % & ' */
	true, true, true, true, true, true, true, true,
	R16(true), R16(true),
	true, true, true, true, true, true, true, true,
	true, true, true, true, false, true, true, true,	/* backslash at 0x5c */
	R16(true),
	true, true, true, true, true, true, true, true,
	true, true, true, true, true, true, true, false,	/* DEL */
	R16(true), R16(true), R16(true), R16(true), R16(true), R16(true), R16(true), R16(true)
#undef R16
};

static void
format_into(sbuf *b, const lh_addr *ad)
{
	char tmp[32];
	if (ad->data)
		sputs(b, "data.");
	sputs(b, ad->type);
	sput(b, ".", 1);
	sputs(b, ad->name);
	if (ad->kind == LH_KEY_INT) {
		snprintf(tmp, sizeof tmp, "[%lld]", ad->index);
		sputs(b, tmp);
	} else if (ad->kind == LH_KEY_STR) {
		sput(b, "[\"", 2);
		for (const char *p = ad->key; *p; p++) {
			/* a run of characters written as they are, then one escaped */
			const char *q = p;
			while (key_plain[(unsigned char)*q])
				q++;
			if (q > p)
				sput(b, p, (size_t)(q - p));
			if (*q == 0)
				break;
			p = q;
			unsigned char c = (unsigned char)*p;
			switch (c) {
			case '\n': sput(b, "\\n", 2); break;
			case '\r': sput(b, "\\r", 2); break;
			case '\t': sput(b, "\\t", 2); break;
			case '"': sput(b, "\\\"", 2); break;
			case '\\': sput(b, "\\\\", 2); break;
			case '$':
			case '%':
				sput(b, p, 1);
				if (p[1] == '{')
					sput(b, p, 1);
				break;
			default:	/* a control character */
				snprintf(tmp, sizeof tmp, "\\u%04x", c);
				sputs(b, tmp);
			}
		}
		sput(b, "\"]", 2);
	}
	if (b->cap > 0)
		b->buf[b->len < b->cap ? b->len : b->cap - 1] = '\0';
}

size_t
lh_addr_snprint(char *buf, size_t n, const lh_addr *ad)
{
	sbuf b = {buf, n, 0};
	format_into(&b, ad);
	return b.len;
}

char *
lh_addr_format(lh_arena *a, const lh_addr *ad)
{
	if (ad->kind != LH_KEY_INT) {
		/* (most: a key written as it is, or none) the parts copied once */
		size_t tl = strlen(ad->type), nl = strlen(ad->name), kl = 0;
		if (ad->kind == LH_KEY_STR)
			while (key_plain[(unsigned char)ad->key[kl]])
				kl++;
		if (ad->kind != LH_KEY_STR || ad->key[kl] == 0) {
			size_t dl = ad->data ? 5 : 0, kw = ad->kind == LH_KEY_STR ? kl + 4 : 0;
			char *s = lh_arena_alloc(a, dl + tl + 1 + nl + kw + 1), *o = s;
			memcpy(o, "data.", dl);
			o += dl;
			memcpy(o, ad->type, tl);
			o += tl;
			*o++ = '.';
			memcpy(o, ad->name, nl);
			o += nl;
			if (kw > 0) {
				*o++ = '[';
				*o++ = '"';
				memcpy(o, ad->key, kl);
				o += kl;
				*o++ = '"';
				*o++ = ']';
			}
			*o = 0;
			return s;
		}
	}
	char tmp[256];
	size_t need = lh_addr_snprint(tmp, sizeof tmp, ad);
	char *s = lh_arena_alloc(a, need + 1);
	if (need < sizeof tmp)
		memcpy(s, tmp, need + 1);
	else
		lh_addr_snprint(s, need + 1, ad);
	return s;
}

char *
lh_addr_resource(lh_arena *a, const lh_addr *ad)
{
	return lh_arena_printf(a, "%s%s.%s", ad->data ? "data." : "", ad->type, ad->name);
}

bool
lh_addr_equal(const lh_addr *a, const lh_addr *b)
{
	return lh_addr_cmp(a, b) == 0;
}

bool
lh_addr_match(const lh_addr *target, const lh_addr *inst)
{
	if (target->data != inst->data || strcmp(target->type, inst->type) != 0 ||
	    strcmp(target->name, inst->name) != 0)
		return false;
	if (target->kind == LH_KEY_NONE)
		return true;
	return lh_addr_equal(target, inst);
}

int
lh_addr_cmp(const lh_addr *a, const lh_addr *b)
{
	if (a->data != b->data)
		return a->data ? -1 : 1;
	int c = strcmp(a->type, b->type);
	if (c != 0)
		return c;
	c = strcmp(a->name, b->name);
	if (c != 0)
		return c;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->kind == LH_KEY_INT)
		return a->index < b->index ? -1 : a->index > b->index;
	if (a->kind == LH_KEY_STR)
		return strcmp(a->key, b->key);
	return 0;
}

char *
lh_shell_word(char *buf, size_t n, const char *s)
{
	if (n == 0)
		return buf;
	bool plain = *s != '\0';
	for (const char *p = s; *p && plain; p++)
		plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		    "_-.,:/@%+=", *p) != NULL;
	size_t o = 0;
#define PUT(c) do { if (o + 1 < n) buf[o++] = (c); } while (0)
	if (plain) {
		for (const char *p = s; *p; p++)
			PUT(*p);
	} else {
		PUT('\'');
		for (const char *p = s; *p; p++) {
			if (*p == '\'') {
				PUT('\'');
				PUT('\\');
				PUT('\'');
				PUT('\'');
			} else {
				PUT(*p);
			}
		}
		PUT('\'');
	}
#undef PUT
	buf[o] = '\0';
	return buf;
}
