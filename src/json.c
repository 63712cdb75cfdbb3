/* json.c - values to and from JSON: jsonencode's exact text (Go encoding/json escaping,
 * sorted keys, numbers written out in full), jsondecode's parser (objects become
 * objects, arrays tuples; Go's error wording), and cJSON bridges for modules that keep
 * JSON documents (state, HTTP bodies). */
#include "value.h"
#include "hash.h"
#include "intern.h"
#include "json_arena.h"
#include "utf8.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	lh_arena *a;
	char *p;
	size_t len, cap;
} jbuf;

static void
jb_add(jbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 128;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = lh_arena_grow(b->a, b->p, b->len, cap, 1);
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void jb_str(jbuf *b, const char *s) { jb_add(b, s, strlen(s)); }

/* Go's encoding/json string escaping (HTML-safe). */
static void
json_quote(jbuf *b, const char *s, size_t len)
{
	jb_add(b, "\"", 1);
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		char tmp[8];
		if (c < 0x80) {
			switch (c) {
			case '"': jb_str(b, "\\\""); break;
			case '\\': jb_str(b, "\\\\"); break;
			case '\n': jb_str(b, "\\n"); break;
			case '\r': jb_str(b, "\\r"); break;
			case '\t': jb_str(b, "\\t"); break;
			case '\b': jb_str(b, "\\b"); break;
			case '\f': jb_str(b, "\\f"); break;
			case '<': case '>': case '&':
				snprintf(tmp, sizeof tmp, "\\u00%02x", c);
				jb_str(b, tmp);
				break;
			default:
				if (c < 0x20) {
					snprintf(tmp, sizeof tmp, "\\u00%02x", c);
					jb_str(b, tmp);
				} else {
					jb_add(b, (const char *)&c, 1);
				}
			}
			i++;
			continue;
		}
		size_t n = c >= 0xf0 && c < 0xf8 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
		bool valid = n != 0 && n <= 4 && i + n <= len;
		for (size_t k = 1; valid && k < n; k++)
			if (((unsigned char)s[i + k] & 0xc0) != 0x80)
				valid = false;
		if (!valid) {
			jb_str(b, "\\ufffd");
			i++;
			continue;
		}
		if (n == 3 && c == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
			jb_str(b, (unsigned char)s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
		} else {
			jb_add(b, s + i, n);
		}
		i += n;
	}
	jb_add(b, "\"", 1);
}

static bool
encode(jbuf *b, const lh_value *v, const char **err)
{
	if (lh_val_is_unknown(v)) {
		*err = "value is not yet known";
		return false;
	}
	if (lh_val_is_null(v)) {
		jb_str(b, "null");
		return true;
	}
	switch (v->type->kind) {
	case LH_TY_STRING:
		json_quote(b, v->u.str.s, v->u.str.len);
		return true;
	case LH_TY_NUMBER:
		jb_str(b, lh_number_format(b->a, v->u.num));
		return true;
	case LH_TY_BOOL:
		jb_str(b, v->u.b ? "true" : "false");
		return true;
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_TUPLE:
		jb_add(b, "[", 1);
		for (size_t i = 0; i < v->u.seq.n; i++) {
			if (i)
				jb_add(b, ",", 1);
			if (!encode(b, v->u.seq.items[i], err))
				return false;
		}
		jb_add(b, "]", 1);
		return true;
	case LH_TY_MAP: case LH_TY_OBJECT:
		jb_add(b, "{", 1);
		for (size_t i = 0; i < v->u.map.n; i++) {
			if (i)
				jb_add(b, ",", 1);
			json_quote(b, v->u.map.keys[i], strlen(v->u.map.keys[i]));
			jb_add(b, ":", 1);
			if (!encode(b, v->u.map.vals[i], err))
				return false;
		}
		jb_add(b, "}", 1);
		return true;
	default:
		jb_str(b, "null");
		return true;
	}
}

char *
lh_val_jsonencode(lh_arena *a, const lh_value *v, const char **err)
{
	jbuf b = { .a = a };
	if (!encode(&b, v, err))
		return NULL;
	return b.p ? b.p : lh_arena_strdup(a, "");
}

/* ---------------------------------------------------------------- decoding */

typedef struct {
	lh_arena *a;
	const char *s;
	size_t len, i;
	const char *err;
	int depth;
	bool tok;		/* inside a string/number/literal: EOF is "unexpected EOF" */
} jp;

static void
ws(jp *p)
{
	while (p->i < p->len && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
	    p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

static lh_value *
perr(jp *p, const char *what)
{
	if (p->err)
		return NULL;
	if (p->i >= p->len) {
		p->err = p->tok ? "unexpected EOF" : "EOF";
		return NULL;
	}
	char c = p->s[p->i];
	if (what == NULL)
		p->err = lh_arena_printf(p->a, "invalid character '%c'", c);
	else if (strcmp(what, "value") == 0)
		p->err = lh_arena_printf(p->a, "invalid character '%c' looking for beginning of value", c);
	else
		p->err = lh_arena_printf(p->a, "invalid character '%c' %s", c, what);
	return NULL;
}

static void
put_utf8(jbuf *b, unsigned cp)
{
	char o[4];
	jb_add(b, o, lh_utf8_encode(cp, o));
}

static int
hex4(jp *p, unsigned *out)
{
	unsigned v = 0;
	for (int k = 0; k < 4; k++) {
		if (p->i >= p->len)
			return 0;
		char c = p->s[p->i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0) {
			perr(p, "in \\u hexadecimal character escape");
			return -1;
		}
		v = v << 4 | (unsigned)d;
		p->i++;
	}
	*out = v;
	return 1;
}

/* Parses a string at p->i (on the opening quote); returns its bytes. */
static bool
pstring(jp *p, const char **out, size_t *outlen)
{
	jbuf b = { .a = p->a };
	p->i++;
	p->tok = true;
	for (;;) {
		if (p->i >= p->len) {
			perr(p, NULL);
			return false;
		}
		unsigned char c = (unsigned char)p->s[p->i];
		if (c == '"') {
			p->i++;
			break;
		}
		if (c < 0x20) {
			perr(p, "in string literal");
			return false;
		}
		if (c != '\\') {
			jb_add(&b, (const char *)&c, 1);
			p->i++;
			continue;
		}
		p->i++;
		if (p->i >= p->len) {
			perr(p, NULL);
			return false;
		}
		char e = p->s[p->i++];
		switch (e) {
		case '"': jb_add(&b, "\"", 1); break;
		case '\\': jb_add(&b, "\\", 1); break;
		case '/': jb_add(&b, "/", 1); break;
		case 'b': jb_add(&b, "\b", 1); break;
		case 'f': jb_add(&b, "\f", 1); break;
		case 'n': jb_add(&b, "\n", 1); break;
		case 'r': jb_add(&b, "\r", 1); break;
		case 't': jb_add(&b, "\t", 1); break;
		case 'u': {
			unsigned cp;
			int r = hex4(p, &cp);
			if (r <= 0) {
				if (r == 0)
					perr(p, NULL);
				return false;
			}
			if (cp >= 0xd800 && cp < 0xdc00 && p->i + 6 <= p->len &&
			    p->s[p->i] == '\\' && p->s[p->i + 1] == 'u') {
				size_t save = p->i;
				unsigned lo;
				p->i += 2;
				if (hex4(p, &lo) == 1 && lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				} else {
					p->err = NULL;
					p->i = save;
					cp = 0xfffd;
				}
			} else if (cp >= 0xd800 && cp < 0xe000) {
				cp = 0xfffd;
			}
			put_utf8(&b, cp);
			break;
		}
		default:
			p->i--;
			perr(p, "in string escape code");
			return false;
		}
	}
	p->tok = false;
	*out = b.p ? b.p : "";
	*outlen = b.len;
	return true;
}

static lh_value *pvalue(jp *p);

static lh_value *
pnumber(jp *p)
{
	size_t st = p->i;
	p->tok = true;
	if (p->s[p->i] == '-')
		p->i++;
	if (p->i >= p->len)
		return perr(p, NULL);
	if (p->s[p->i] == '0') {
		p->i++;
	} else if (p->s[p->i] >= '1' && p->s[p->i] <= '9') {
		while (p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	} else {
		return perr(p, "in numeric literal");
	}
	if (p->i < p->len && p->s[p->i] == '.') {
		p->i++;
		if (p->i >= p->len)
			return perr(p, NULL);
		if (!(p->s[p->i] >= '0' && p->s[p->i] <= '9'))
			return perr(p, "after decimal point in numeric literal");
		while (p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	if (p->i < p->len && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->len && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (p->i >= p->len)
			return perr(p, NULL);
		if (!(p->s[p->i] >= '0' && p->s[p->i] <= '9'))
			return perr(p, "in exponent of numeric literal");
		while (p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	p->tok = false;
	lh_number n;
	if (!lh_number_parse(p->a, p->s + st, p->i - st, &n))
		return perr(p, NULL);
	return lh_val_number(p->a, n);
}

static bool
lit(jp *p, const char *word)
{
	size_t n = strlen(word);
	p->tok = true;
	for (size_t k = 0; k < n; k++) {
		if (p->i >= p->len) {
			perr(p, NULL);
			return false;
		}
		if (p->s[p->i] != word[k]) {
			p->err = lh_arena_printf(p->a, "invalid character '%c' in literal %s (expecting '%c')",
			    p->s[p->i], word, word[k]);
			return false;
		}
		p->i++;
	}
	p->tok = false;
	return true;
}

static lh_value *
pvalue(jp *p)
{
	ws(p);
	if (p->i >= p->len)
		return perr(p, "value");
	if (++p->depth > 10000)
		return perr(p, NULL);
	char c = p->s[p->i];
	lh_value *r = NULL;
	if (c == '{') {
		p->i++;
		size_t n = 0, cap = 8;
		const char **keys = lh_arena_alloc(p->a, cap * sizeof *keys);
		lh_value **vals = lh_arena_alloc(p->a, cap * sizeof *vals);
		ws(p);
		if (p->i < p->len && p->s[p->i] == '}') {
			p->i++;
		} else {
			for (;;) {
				ws(p);
				if (p->i >= p->len)
					return perr(p, NULL);
				if (p->s[p->i] != '"')
					return perr(p, NULL);
				const char *k;
				size_t kl;
				if (!pstring(p, &k, &kl))
					return NULL;
				ws(p);
				if (p->i >= p->len)
					return perr(p, NULL);
				if (p->s[p->i] != ':')
					return perr(p, "after object key");
				p->i++;
				lh_value *v = pvalue(p);
				if (v == NULL)
					return NULL;
				size_t j;
				for (j = 0; j < n; j++)
					if (strcmp(keys[j], k) == 0)
						break;
				if (j < n) {
					vals[j] = v;	/* the last duplicate wins */
				} else {
					if (n == cap) {
						keys = lh_arena_grow(p->a, keys, n, cap * 2, sizeof *keys);
						vals = lh_arena_grow(p->a, vals, n, cap * 2, sizeof *vals);
						cap *= 2;
					}
					keys[n] = k;
					vals[n++] = v;
				}
				ws(p);
				if (p->i >= p->len)
					return perr(p, NULL);
				if (p->s[p->i] == ',') {
					p->i++;
					continue;
				}
				if (p->s[p->i] == '}') {
					p->i++;
					break;
				}
				return perr(p, "after object key:value pair");
			}
		}
		r = lh_val_object(p->a, keys, vals, n);
	} else if (c == '[') {
		p->i++;
		size_t n = 0, cap = 8;
		lh_value **items = lh_arena_alloc(p->a, cap * sizeof *items);
		ws(p);
		if (p->i < p->len && p->s[p->i] == ']') {
			p->i++;
		} else {
			for (;;) {
				lh_value *v = pvalue(p);
				if (v == NULL)
					return NULL;
				if (n == cap) {
					items = lh_arena_grow(p->a, items, n, cap * 2, sizeof *items);
					cap *= 2;
				}
				items[n++] = v;
				ws(p);
				if (p->i >= p->len)
					return perr(p, NULL);
				if (p->s[p->i] == ',') {
					p->i++;
					continue;
				}
				if (p->s[p->i] == ']') {
					p->i++;
					break;
				}
				return perr(p, "after array element");
			}
		}
		r = lh_val_tuple(p->a, items, n);
	} else if (c == '"') {
		const char *s;
		size_t n;
		if (pstring(p, &s, &n))
			r = lh_val_string(p->a, s, n);
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		r = pnumber(p);
	} else if (c == 't') {
		if (lit(p, "true"))
			r = lh_val_bool(p->a, true);
	} else if (c == 'f') {
		if (lit(p, "false"))
			r = lh_val_bool(p->a, false);
	} else if (c == 'n') {
		if (lit(p, "null"))
			r = lh_val_null(p->a, &lh_type_dynamic);
	} else {
		return perr(p, "value");
	}
	p->depth--;
	return r;
}

lh_value *
lh_val_jsondecode(lh_arena *a, const char *s, size_t len, const char **err)
{
	jp p = { .a = a, .s = s, .len = len };
	lh_value *v = pvalue(&p);
	if (v != NULL) {
		ws(&p);
		if (p.i < p.len) {
			v = NULL;
			p.err = "extraneous data after JSON object";
		}
	}
	if (v == NULL && err != NULL)
		*err = p.err ? p.err : "invalid JSON";
	return v;
}

/* ---------------------------------------------------------------- cJSON */

/* True when a number node carries its exact text beside its double (see
 * lh_cjson_parse): the double cannot hold the value. */
static bool
number_needs_text(lh_number n)
{
	return n.big != NULL || (n.is_int && (n.i > (1LL << 53) || n.i < -(1LL << 53)));
}

struct cJSON *
lh_val_to_cjson(const lh_value *v, const char **err)
{
	cJSON *j = NULL;
	if (lh_val_is_unknown(v)) {
		*err = "value is not yet known";
		return NULL;
	}
	if (lh_val_is_null(v))
		return cJSON_CreateNull();
	switch (v->type->kind) {
	case LH_TY_STRING: {
		/* cJSON needs a NUL-terminated string; values may hold NUL bytes, which
		 * are cut there. */
		j = cJSON_CreateString(v->u.str.s);
		break;
	}
	case LH_TY_NUMBER: {
		lh_number n = v->u.num;
		j = cJSON_CreateNumber(lh_number_double(n));
		/* the exact text when the double cannot carry it (see lh_cjson_parse) */
		if (j != NULL && number_needs_text(n)) {
			lh_arena *ta = lh_arena_new();
			const char *t = lh_number_format(ta, n);
			j->valuestring = malloc(strlen(t) + 1);
			if (j->valuestring != NULL)
				strcpy(j->valuestring, t);
			lh_arena_free(ta);
		}
		break;
	}
	case LH_TY_BOOL:
		j = cJSON_CreateBool(v->u.b);
		break;
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_TUPLE:
		j = cJSON_CreateArray();
		for (size_t i = 0; j && i < v->u.seq.n; i++) {
			cJSON *e = lh_val_to_cjson(v->u.seq.items[i], err);
			if (e == NULL || !cJSON_AddItemToArray(j, e)) {
				cJSON_Delete(e);
				goto fail;
			}
		}
		break;
	case LH_TY_MAP: case LH_TY_OBJECT:
		j = cJSON_CreateObject();
		for (size_t i = 0; j && i < v->u.map.n; i++) {
			cJSON *e = lh_val_to_cjson(v->u.map.vals[i], err);
			if (e == NULL || !cJSON_AddItemToObject(j, v->u.map.keys[i], e)) {
				cJSON_Delete(e);
				goto fail;
			}
		}
		break;
	default:
		j = cJSON_CreateNull();
	}
	if (j == NULL)
		*err = "out of memory";
	return j;
fail:
	if (*err == NULL)
		*err = "out of memory";
	cJSON_Delete(j);
	return NULL;
}

struct cJSON *
lh_val_to_cjson_arena(lh_arena *a, const lh_value *v)
{
	if (lh_val_is_unknown(v))
		return NULL;
	cJSON *j = lh_arena_alloc(a, sizeof *j);	/* zeroed */
	j->type = cJSON_NULL;
	if (lh_val_is_null(v))
		return j;
	bool obj = false;
	size_t n = 0;
	switch (v->type->kind) {
	case LH_TY_STRING:	/* cut at a NUL byte, as lh_val_to_cjson */
		j->type = cJSON_String;
		j->valuestring = lh_arena_strdup(a, v->u.str.s);
		return j;
	case LH_TY_NUMBER: {
		/* as cJSON_CreateNumber, with lh_val_to_cjson's exact text */
		double d = lh_number_double(v->u.num);
		j->type = cJSON_Number;
		j->valuedouble = d;
		j->valueint = d >= INT_MAX ? INT_MAX : d <= (double)INT_MIN ? INT_MIN : (int)d;
		if (number_needs_text(v->u.num))
			j->valuestring = (char *)lh_number_format(a, v->u.num);
		return j;
	}
	case LH_TY_BOOL:
		j->type = v->u.b ? cJSON_True : cJSON_False;
		return j;
	case LH_TY_MAP: case LH_TY_OBJECT:
		obj = true;
		n = v->u.map.n;
		j->type = cJSON_Object;
		break;
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_TUPLE:
		n = v->u.seq.n;
		j->type = cJSON_Array;
		break;
	default:
		return j;
	}
	for (size_t i = 0; i < n; i++) {
		cJSON *e = lh_val_to_cjson_arena(a, obj ? v->u.map.vals[i] : v->u.seq.items[i]);
		if (e == NULL)
			return NULL;
		if (obj)
			e->string = lh_arena_strdup(a, v->u.map.keys[i]);
		lh_jarena_link(j, e);
	}
	return j;
}

lh_value *
lh_val_from_cjson(lh_arena *a, const struct cJSON *j)
{
	if (j == NULL || cJSON_IsNull(j))
		return lh_val_null(a, &lh_type_dynamic);
	if (cJSON_IsBool(j))
		return lh_val_bool(a, cJSON_IsTrue(j));
	if (cJSON_IsNumber(j)) {
		lh_number n;
		lh_cjson_number(a, j, &n);
		return lh_val_number(a, n);
	}
	if (cJSON_IsString(j))
		return lh_val_cstr(a, j->valuestring);
	if (cJSON_IsRaw(j)) {
		const char *err;
		lh_value *v = lh_val_jsondecode(a, j->valuestring, strlen(j->valuestring), &err);
		return v ? v : lh_val_null(a, &lh_type_dynamic);
	}
	size_t n = (size_t)cJSON_GetArraySize(j), k = 0;
	lh_value **items = lh_arena_alloc(a, (n ? n : 1) * sizeof *items);
	const char **keys = lh_arena_alloc(a, (n ? n : 1) * sizeof *keys);
	const cJSON *e;
	cJSON_ArrayForEach(e, j) {
		lh_value *v = lh_val_from_cjson(a, e);
		if (cJSON_IsObject(j)) {
			const char *key = e->string ? e->string : "";
			size_t m;
			for (m = 0; m < k; m++)
				if (strcmp(keys[m], key) == 0)
					break;
			if (m < k) {
				items[m] = v;
				continue;
			}
			keys[k] = key;
		}
		items[k++] = v;
	}
	if (cJSON_IsObject(j))
		return lh_val_object(a, keys, items, k);
	return lh_val_tuple(a, items, k);
}

bool
lh_json_too_deep(const char *s, size_t len)
{
	size_t depth = 0;
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '[' || c == '{') {
			if (++depth > LH_JSON_MAX_DEPTH)
				return true;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return false;
}

/* ---------------------------------------------------------------- exact numbers in cJSON */

/* cJSON keeps a number only as a double.  Trees made here carry a number's exact
 * decimal text in its valuestring (cJSON frees and duplicates valuestring whatever the
 * node's type, and prints numbers from valuedouble, which stays the nearest double):
 * lh_cjson_parse attaches the text as written, lh_val_to_cjson the value's text. */

/* True when the double cannot carry text exactly: anything but a plain integer of at
 * most 15 digits. */
static bool
needs_text(const char *s, size_t n)
{
	size_t digits = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (!(i == 0 && s[i] == '-'))
			return true;
	}
	return digits > 15;
}

/* Finds the next number token in [*pp, end), skipping strings. */
static bool
next_number(const char **pp, const char *end, const char **s, size_t *n)
{
	const char *p = *pp;
	while (p < end) {
		char c = *p;
		if (c == '"') {
			/* to the closing quote by memchr: one not preceded by an odd number of
			 * backslashes (strings are most of a state file's text) */
			for (p++;;) {
				const char *q = memchr(p, '"', (size_t)(end - p));
				if (q == NULL) {
					p = end;
					break;
				}
				size_t bs = 0;
				for (const char *b = q; b > p && b[-1] == '\\'; b--)
					bs++;
				p = q + 1;
				if (bs % 2 == 0)
					break;
			}
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			const char *q = p + 1;
			while (q < end && ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' ||
			    *q == 'E' || *q == '+' || *q == '-'))
				q++;
			*s = p;
			*n = (size_t)(q - p);
			*pp = q;
			return true;
		} else {
			p++;
		}
	}
	*pp = p;
	return false;
}

/* Walks j in document order beside the text, attaching number texts. */
static void
attach_texts(cJSON *j, const char **pp, const char *end)
{
	for (; j != NULL; j = j->next) {
		if (cJSON_IsNumber(j)) {
			const char *s;
			size_t n;
			if (!next_number(pp, end, &s, &n))
				return;
			/* the number cJSON read: what strtod takes of the run (all of it in
			 * any text cJSON reads past the number) */
			char small[64], *buf = n < sizeof small ? small : malloc(n + 1), *after = NULL;
			if (buf == NULL)
				return;
			memcpy(buf, s, n);
			buf[n] = '\0';
			(void)strtod(buf, &after);
			n = (size_t)(after - buf);
			if (buf != small)
				free(buf);
			if (j->valuestring == NULL && n > 0 && needs_text(s, n)) {
				j->valuestring = malloc(n + 1);
				if (j->valuestring != NULL) {
					memcpy(j->valuestring, s, n);
					j->valuestring[n] = 0;
				}
			}
		} else if (cJSON_IsArray(j) || cJSON_IsObject(j)) {
			attach_texts(j->child, pp, end);
		}
	}
}

struct cJSON *
lh_cjson_parse(const char *text, size_t len, const char **end)
{
	const char *e = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(text, len, &e, false);
	if (end != NULL)
		*end = e;
	if (j != NULL) {
		const char *p = text;
		/* the document is one value: its first token starts the walk */
		cJSON *next = j->next;
		j->next = NULL;
		attach_texts(j, &p, e ? e : text + len);
		j->next = next;
	}
	return j;
}

bool
lh_cjson_number(lh_arena *a, const struct cJSON *j, lh_number *out)
{
	if (!cJSON_IsNumber(j))
		return false;
	if (j->valuestring != NULL && lh_number_parse(a, j->valuestring, strlen(j->valuestring), out))
		return true;
	*out = lh_number_from_double(j->valuedouble);
	return true;
}

/* The calling thread's scratch arena for a number's exact text or decimal (a
 * state's 0 against an answer's 0.0, for each of 100,000 users: one arena, not a
 * mapping each).  Renewed every 4,096 calls, so what a caller got stays valid until
 * its next 4,095 calls on this thread; freed when the thread ends.  Per thread: the
 * state's worker renders and compares numbers while the main thread plans. */
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static _Thread_local lh_arena *scratch;
static _Thread_local unsigned nscratch;

static void
scratch_end(void *a)
{
	lh_arena_free(a);
}

static void
scratch_key_make(void)
{
	(void)pthread_key_create(&scratch_key, scratch_end);
}

lh_arena *
lh_number_scratch(void)
{
	if (scratch == NULL || ++nscratch % 4096 == 0) {
		lh_arena_free(scratch);
		scratch = lh_arena_new();
		pthread_once(&scratch_once, scratch_key_make);
		(void)pthread_setspecific(scratch_key, scratch);
	}
	return scratch;
}

bool
lh_cjson_number_equal(const struct cJSON *x, const struct cJSON *y)
{
	if (x->valuestring == NULL && y->valuestring == NULL)
		return x->valuedouble == y->valuedouble;
	if (x->valuestring != NULL && y->valuestring != NULL &&
	    strcmp(x->valuestring, y->valuestring) == 0)
		return true;
	lh_arena *a = lh_number_scratch();
	lh_number p, q;
	lh_cjson_number(a, x, &p);
	lh_cjson_number(a, y, &q);
	return lh_number_cmp(p, q) == 0;
}

const char *
lh_cjson_number_text(lh_arena *a, const struct cJSON *j)
{
	lh_number n;
	if (!lh_cjson_number(a, j, &n))
		return NULL;
	if (j->valuestring != NULL && !needs_text(j->valuestring, strlen(j->valuestring)))
		return j->valuestring;
	return lh_number_format(a, n);
}

/* A copy of j in which each number with an exact text is a raw node holding it. */
static cJSON *
exact_copy(const cJSON *j)
{
	if (cJSON_IsNumber(j) && j->valuestring != NULL) {
		return cJSON_CreateRaw(lh_cjson_number_text(lh_number_scratch(), j));
	}
	if (!cJSON_IsArray(j) && !cJSON_IsObject(j))
		return cJSON_Duplicate(j, false);
	cJSON *r = cJSON_IsArray(j) ? cJSON_CreateArray() : cJSON_CreateObject();
	for (const cJSON *c = j->child; r != NULL && c != NULL; c = c->next) {
		cJSON *e = exact_copy(c);
		if (e == NULL) {
			cJSON_Delete(r);
			return NULL;
		}
		if (cJSON_IsArray(j))
			cJSON_AddItemToArray(r, e);
		else
			cJSON_AddItemToObject(r, c->string ? c->string : "", e);
	}
	return r;
}

char *
lh_cjson_print(const struct cJSON *j)
{
	cJSON *c = exact_copy(j);
	char *s = c ? cJSON_PrintUnformatted(c) : NULL;
	cJSON_Delete(c);
	return s;
}

/* ---- shared keys ----
 *
 * Any thread may intern (the prefetch thread parses answers while the main thread
 * evaluates the configuration).  A slot, once set, never changes, and its tag and
 * bytes are written before it is published (release): a look-up of a key already held
 * takes no lock.  Adding one takes intern_lock and probes again from where the look-up
 * stopped (whatever another thread added meanwhile is further along the same chain).
 * Which keys are held once the table is full may then depend on timing: readers
 * compare keys by pointer first and by their bytes when that fails, so only the speed
 * does. */

#define INTERN_MAX_LEN LH_INTERN_MAX_LEN
#define INTERN_MAX LH_INTERN_MAX
#define INTERN_SLOTS (INTERN_MAX * 2)

static _Atomic(const char *) intern_slots[INTERN_SLOTS];
static uint32_t intern_tags[INTERN_SLOTS];	/* each slot's hash (high half) and length */
static atomic_size_t intern_count;
static char *intern_block;	/* current block of key bytes (blocks are never freed) */
static size_t intern_left;
static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *intern_upto(const char *s, size_t n, size_t limit);

_Thread_local lh_key_ent lh_key_cache[1 << LH_KEY_CACHE_BITS];

const char *
lh_intern_miss(lh_key_ent *e, const char *s, size_t n, size_t limit, uint64_t w0, uint64_t w1)
{
	if (((e->w0 ^ w0) | (e->w1 ^ w1) | (e->n ^ n)) == 0 && e->k != NULL &&
	    memcmp(e->k + 8, s + 8, n - 16) == 0)
		return e->k;
	const char *k = intern_upto(s, n, limit);
	if (k != NULL)
		*e = (lh_key_ent){k, w0, w1, n};
	return k;
}

const char *
lh_intern(const char *s)
{
	return lh_intern_cached(s, strlen(s), INTERN_MAX);
}

const char *
lh_intern_n(const char *s, size_t n)
{
	return lh_intern_cached(s, n, INTERN_MAX);
}

const char *
lh_intern_value_key(const char *s)
{
	return lh_intern_cached(s, strlen(s), INTERN_MAX / 2);
}

/* s (n bytes): a slot's tag tells most strings apart without reading them, so a lookup
 * costs one hash of s and one comparison of equal strings. */
static __attribute__((noinline)) const char *
intern_upto(const char *s, size_t n, size_t limit)
{
	if (n > INTERN_MAX_LEN)
		return NULL;
	uint64_t h = lh_hash_bytes(s, n);
	uint32_t tag = (uint32_t)(h >> 40) << 8 | (uint32_t)n;
	size_t j = (size_t)h & (INTERN_SLOTS - 1);
	const char *k;
	for (; (k = atomic_load_explicit(&intern_slots[j], memory_order_acquire)) != NULL;
	    j = (j + 1) & (INTERN_SLOTS - 1))
		if (intern_tags[j] == tag && memcmp(k, s, n) == 0)
			return k;
	if (atomic_load_explicit(&intern_count, memory_order_relaxed) >= limit)
		return NULL;	/* the count only grows */
	pthread_mutex_lock(&intern_lock);
	for (; (k = atomic_load_explicit(&intern_slots[j], memory_order_relaxed)) != NULL;
	    j = (j + 1) & (INTERN_SLOTS - 1)) {
		if (intern_tags[j] == tag && memcmp(k, s, n) == 0) {
			pthread_mutex_unlock(&intern_lock);
			return k;
		}
	}
	char *p = NULL;
	if (atomic_load_explicit(&intern_count, memory_order_relaxed) < limit) {
		if (intern_left < n + 1) {
			intern_block = malloc(16384);
			intern_left = intern_block != NULL ? 16384 : 0;
		}
		if (intern_block != NULL) {
			p = intern_block;
			memcpy(p, s, n);
			p[n] = '\0';
			intern_block += n + 1;
			intern_left -= n + 1;
			intern_tags[j] = tag;
			atomic_store_explicit(&intern_slots[j], p, memory_order_release);
			atomic_fetch_add_explicit(&intern_count, 1, memory_order_relaxed);
		}
	}
	pthread_mutex_unlock(&intern_lock);
	return p;
}

void
lh_cjson_intern_keys(cJSON *j)
{
	for (cJSON *c = j ? j->child : NULL; c != NULL; c = c->next) {
		if (c->string != NULL && !(c->type & cJSON_StringIsConst)) {
			const char *k = lh_intern(c->string);
			if (k != NULL) {
				cJSON_free(c->string);
				c->string = (char *)k;
				c->type |= cJSON_StringIsConst;
			}
		}
		if (c->child != NULL)
			lh_cjson_intern_keys(c);
	}
}
