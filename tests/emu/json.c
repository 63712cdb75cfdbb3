/* json.c - JSON helpers shared by every layer of the emulator: allocation and cJSON add
 * helpers that abort on OOM, Python-style float and string repr, and the LiteLLM error
 * body shapes.  Pure functions; no store access.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

void *
emu_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fputs("litellm-emu: out of memory\n", stderr);
		abort();
	}
	return p;
}

char *
emu_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = emu_xmalloc(n);

	memcpy(p, s, n);
	return p;
}

static char *
vstrf(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	p = emu_xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
emu_strf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = vstrf(fmt, ap);
	va_end(ap);
	return p;
}

void
emu_oom_check(const void *p)
{
	if (!p) {
		fputs("litellm-emu: out of memory\n", stderr);
		abort();
	}
}

void
emu_add(cJSON *obj, const char *name, cJSON *v)
{
	emu_oom_check(v);
	if (!cJSON_AddItemToObject(obj, name, v))
		emu_oom_check(NULL);
}

void
emu_push(cJSON *arr, cJSON *v)
{
	emu_oom_check(v);
	if (!cJSON_AddItemToArray(arr, v))
		emu_oom_check(NULL);
}

void
emu_add_str(cJSON *obj, const char *name, const char *s)
{
	emu_add(obj, name, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

void
emu_set(cJSON *obj, const char *name, cJSON *v)
{
	emu_oom_check(v);
	if (cJSON_GetObjectItemCaseSensitive(obj, name))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, name, v);
	else
		emu_add(obj, name, v);
}

const char *
emu_get_str(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- Python repr ---- */

char *
emu_py_repr(const char *s)
{
	char q = (strchr(s, '\'') && !strchr(s, '"')) ? '"' : '\'';
	size_t n = strlen(s);
	char *out = emu_xmalloc(n * 4 + 3), *o = out;

	*o++ = q;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\\' || c == (unsigned char)q) {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n') {
			*o++ = '\\'; *o++ = 'n';
		} else if (c == '\t') {
			*o++ = '\\'; *o++ = 't';
		} else if (c == '\r') {
			*o++ = '\\'; *o++ = 'r';
		} else if (c < 0x20 || c == 0x7f) {
			o += sprintf(o, "\\x%02x", c);
		} else {
			*o++ = (char)c;
		}
	}
	*o++ = q;
	*o = 0;
	return out;
}

/* Shortest digits that round-trip: returns the digit string in digits and the decimal
 * exponent of the first digit. */
static void
float_digits(double d, char *digits, int *exp10)
{
	char buf[40];
	int p;

	for (p = 1; p <= 17; p++) {
		snprintf(buf, sizeof buf, "%.*e", p - 1, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	char *e = strchr(buf, 'e');
	*exp10 = atoi(e + 1);
	int k = 0;
	for (char *c = buf; c < e; c++)
		if (isdigit((unsigned char)*c))
			digits[k++] = *c;
	while (k > 1 && digits[k - 1] == '0')
		k--;
	digits[k] = 0;
}

void
emu_float_text(double d, char *buf, size_t n)
{
	char digits[24], out[64], *o = out;
	int e, nd;

	if (isnan(d) || isinf(d)) {
		snprintf(buf, n, "null");
		return;
	}
	if (d == 0) {
		snprintf(buf, n, signbit(d) ? "-0.0" : "0.0");
		return;
	}
	if (d < 0) {
		*o++ = '-';
		d = -d;
	}
	float_digits(d, digits, &e);
	nd = (int)strlen(digits);
	if (e >= -4 && e < 16) {
		if (e >= 0) {
			for (int i = 0; i <= e; i++)
				*o++ = i < nd ? digits[i] : '0';
			*o++ = '.';
			if (nd > e + 1)
				for (int i = e + 1; i < nd; i++)
					*o++ = digits[i];
			else
				*o++ = '0';
		} else {
			*o++ = '0';
			*o++ = '.';
			for (int i = 0; i < -e - 1; i++)
				*o++ = '0';
			for (int i = 0; i < nd; i++)
				*o++ = digits[i];
		}
		*o = 0;
	} else {
		*o++ = digits[0];
		if (nd > 1) {
			*o++ = '.';
			for (int i = 1; i < nd; i++)
				*o++ = digits[i];
		}
		sprintf(o, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
	}
	snprintf(buf, n, "%s", out);
}

cJSON *
emu_json_float(double d)
{
	char buf[64];
	cJSON *v;

	emu_float_text(d, buf, sizeof buf);
	v = cJSON_CreateRaw(buf);
	emu_oom_check(v);
	return v;
}

bool
emu_json_number(const cJSON *v, double *out)
{
	if (cJSON_IsNumber(v)) {
		*out = v->valuedouble;
		return true;
	}
	if (cJSON_IsRaw(v) && v->valuestring) {
		char *end;
		*out = strtod(v->valuestring, &end);
		return end != v->valuestring;
	}
	return false;
}

void
emu_json_fix_floats(cJSON *obj, const char *const *keys)
{
	for (; *keys; keys++) {
		cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, *keys);
		if (cJSON_IsNumber(v))
			cJSON_ReplaceItemInObjectCaseSensitive(obj, *keys, emu_json_float(v->valuedouble));
	}
}

/* ---- responses ---- */

void
emu_resp_json(struct emu_resp *resp, int status, cJSON *v)
{
	emu_oom_check(v);
	free(resp->body);
	resp->status = status;
	resp->body = cJSON_PrintUnformatted(v);
	emu_oom_check(resp->body);
	cJSON_Delete(v);
}

void
emu_resp_error(struct emu_resp *resp, int status, const char *type, const char *param,
               const char *message)
{
	cJSON *root = cJSON_CreateObject(), *err = cJSON_CreateObject();
	char code[16];

	emu_oom_check(root);
	emu_oom_check(err);
	snprintf(code, sizeof code, "%d", status);
	emu_add_str(err, "message", message);
	emu_add_str(err, "type", type);
	emu_add_str(err, "param", param);
	emu_add_str(err, "code", code);
	emu_add(root, "error", err);
	emu_resp_json(resp, status, root);
}

void
emu_resp_error_repr(struct emu_resp *resp, int status, const char *type, const char *msg)
{
	emu_resp_error_repr_key(resp, status, type, "error", msg);
}

void
emu_resp_error_repr_key(struct emu_resp *resp, int status, const char *type, const char *key,
                        const char *msg)
{
	char *r = emu_py_repr(msg);
	char *m = emu_strf("{'%s': %s}", key, r);

	emu_resp_error(resp, status, type, "None", m);
	free(r);
	free(m);
}

void
emu_resp_detail(struct emu_resp *resp, int status, bool as_object, const char *msg)
{
	cJSON *root = cJSON_CreateObject();

	emu_oom_check(root);
	if (as_object) {
		cJSON *d = cJSON_CreateObject();
		emu_oom_check(d);
		emu_add_str(d, "error", msg);
		emu_add(root, "detail", d);
	} else {
		emu_add_str(root, "detail", msg);
	}
	emu_resp_json(resp, status, root);
}

void
emu_resp_errorf(struct emu_resp *resp, int status, const char *type, const char *param,
                const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = vstrf(fmt, ap);
	va_end(ap);
	emu_resp_error(resp, status, type, param, msg);
	free(msg);
}

void
emu_resp_error_reprf(struct emu_resp *resp, int status, const char *type, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = vstrf(fmt, ap);
	va_end(ap);
	emu_resp_error_repr(resp, status, type, msg);
	free(msg);
}

void
emu_resp_detail_errorf(struct emu_resp *resp, int status, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = vstrf(fmt, ap);
	va_end(ap);
	emu_resp_detail(resp, status, true, msg);
	free(msg);
}

/* ---- walking compact JSON text without building trees ---- */

static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* p at the opening quote; returns just past the closing one, or NULL. */
static const char *
skip_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* p at a value; returns just past it, or NULL when the text ends first. */
static const char *
skip_value(const char *p, const char *end)
{
	int depth = 0;

	do {
		if (p >= end)
			return NULL;
		if (*p == '"') {
			if (!(p = skip_string(p, end)))
				return NULL;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			depth--;
		else if (depth == 0) {   /* a scalar: up to the next delimiter */
			while (p < end && !strchr(",}] \t\r\n", *p))
				p++;
			return p;
		}
		p++;
	} while (depth > 0);
	return p;
}

bool
emu_text_members(const char *p, const char *end,
                 bool (*fn)(const char *name, size_t nlen, const char *v, const char *vend,
                            void *arg),
                 void *arg)
{
	p = skip_ws(p, end);
	if (p >= end || *p != '{')
		return false;
	p = skip_ws(p + 1, end);
	if (p < end && *p == '}')
		return true;
	for (;;) {
		const char *name, *nend, *v;
		if (p >= end || *p != '"' || !(nend = skip_string(p, end)))
			return false;
		name = p + 1;
		p = skip_ws(nend, end);
		if (p >= end || *p != ':')
			return false;
		v = skip_ws(p + 1, end);
		if (!(p = skip_value(v, end)))
			return false;
		if (!fn(name, (size_t)(nend - 1 - name), v, p, arg))
			return false;
		p = skip_ws(p, end);
		if (p < end && *p == ',') {
			p = skip_ws(p + 1, end);
			continue;
		}
		return p < end && *p == '}';
	}
}

bool
emu_text_elements(const char *p, const char *end,
                  bool (*fn)(const char *e, const char *eend, void *arg), void *arg)
{
	p = skip_ws(p, end);
	if (p >= end || *p != '[')
		return false;
	p = skip_ws(p + 1, end);
	if (p < end && *p == ']')
		return true;
	for (;;) {
		const char *e = p;
		if (!(p = skip_value(e, end)) || !fn(e, p, arg))
			return false;
		p = skip_ws(p, end);
		if (p < end && *p == ',') {
			p = skip_ws(p + 1, end);
			continue;
		}
		return p < end && *p == ']';
	}
}

struct member_find {
	const char *name;
	cJSON *found;
};

static bool
member_find_cb(const char *name, size_t nlen, const char *v, const char *vend, void *arg)
{
	struct member_find *f = arg;

	if (strlen(f->name) != nlen || memcmp(f->name, name, nlen) != 0)
		return true;
	f->found = cJSON_ParseWithLength(v, (size_t)(vend - v));
	emu_oom_check(f->found);
	return false;   /* stop */
}

cJSON *
emu_text_member(const char *text, const char *name)
{
	struct member_find f = {name, NULL};

	emu_text_members(text, text + strlen(text), member_find_cb, &f);
	return f.found;
}

int
emu_value_cmp(const cJSON *a, const cJSON *b, bool numeric)
{
	bool an = !a || cJSON_IsNull(a), bn = !b || cJSON_IsNull(b);
	double x, y;

	if (an || bn)
		return an == bn ? 0 : (an ? 1 : -1);
	if (numeric && emu_json_number(a, &x) && emu_json_number(b, &y))
		return (x > y) - (x < y);
	if (cJSON_IsString(a) && cJSON_IsString(b))
		return strcmp(a->valuestring, b->valuestring);
	return 0;
}

void
emu_buf_put(struct emu_buf *b, const char *s, size_t k)
{
	if (b->n + k + 1 > b->cap) {
		b->cap = (b->n + k + 1) * 2;
		b->p = realloc(b->p, b->cap);
		emu_oom_check(b->p);
	}
	memcpy(b->p + b->n, s, k);
	b->n += k;
	b->p[b->n] = 0;
}

void
emu_buf_str(struct emu_buf *b, const char *s)
{
	emu_buf_put(b, s, strlen(s));
}
