/* json.c - JSON helpers shared by every layer of the emulator: Python-style float and
 * string repr, the three LiteLLM error body shapes, ISO timestamps, budget reset times.
 * Pure functions; no store access.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

char *
emu_strf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = emu_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

static void
oom_check(const void *p)
{
	if (!p) {
		fputs("litellm-emu: out of memory\n", stderr);
		abort();
	}
}

void
emu_add(cJSON *obj, const char *name, cJSON *v)
{
	oom_check(v);
	if (!cJSON_AddItemToObject(obj, name, v))
		oom_check(NULL);
}

void
emu_push(cJSON *arr, cJSON *v)
{
	oom_check(v);
	if (!cJSON_AddItemToArray(arr, v))
		oom_check(NULL);
}

void
emu_add_str(cJSON *obj, const char *name, const char *s)
{
	emu_add(obj, name, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

void
emu_set(cJSON *obj, const char *name, cJSON *v)
{
	oom_check(v);
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
	oom_check(v);
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
	oom_check(v);
	free(resp->body);
	resp->status = status;
	resp->body = cJSON_PrintUnformatted(v);
	oom_check(resp->body);
	cJSON_Delete(v);
}

void
emu_resp_error(struct emu_resp *resp, int status, const char *type, const char *param,
               const char *message)
{
	cJSON *root = cJSON_CreateObject(), *err = cJSON_CreateObject();
	char code[16];

	oom_check(root);
	oom_check(err);
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
	char *r = emu_py_repr(msg);
	char *m = emu_strf("{'error': %s}", r);

	emu_resp_error(resp, status, type, "None", m);
	free(r);
	free(m);
}

void
emu_resp_detail(struct emu_resp *resp, int status, bool as_object, const char *msg)
{
	cJSON *root = cJSON_CreateObject();

	oom_check(root);
	if (as_object) {
		cJSON *d = cJSON_CreateObject();
		oom_check(d);
		emu_add_str(d, "error", msg);
		emu_add(root, "detail", d);
	} else {
		emu_add_str(root, "detail", msg);
	}
	emu_resp_json(resp, status, root);
}

/* ---- time ---- */

int64_t
emu_now_ms(void)
{
	struct timespec ts;

	if (emu_cfg.fixed_now_ms)
		return emu_cfg.fixed_now_ms;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
emu_time_text(int64_t ms, char *buf, size_t n)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	static const char *const tails[] = {"Z", "+00:00"};
	int len;

	gmtime_r(&s, &tm);
	len = snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	               tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (len < 0 || (size_t)len >= n)
		return;
	if (emu_cfg.time_format == EMU_TIME_SECONDS)
		snprintf(buf + len, n - (size_t)len, "Z");
	else
		snprintf(buf + len, n - (size_t)len, ".%03d000%s", (int)(ms % 1000),
		         tails[emu_cfg.time_format == EMU_TIME_OFFSET]);
}

bool
emu_time_parse(const char *s, int64_t *ms)
{
	struct tm tm = {0};
	int frac = 0, nfrac = 0;
	const char *p;

	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return false;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++, nfrac++)
			if (nfrac < 3)
				frac = frac * 10 + (*p - '0');
		while (nfrac < 3) {
			frac *= 10;
			nfrac++;
		}
	}
	if (*p == 'Z')
		p++;
	else if (strcmp(p, "+00:00") == 0)
		p += 6;
	if (*p)
		return false;
	*ms = (int64_t)timegm(&tm) * 1000 + frac;
	return true;
}

bool
emu_duration_valid(const char *s)
{
	const char *p = s;

	if (strcmp(s, "1mo") == 0)
		return true;
	if (*p < '1' || *p > '9')
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	return p[0] && strchr("smhdw", p[0]) && !p[1] && p - s < 10;
}

/* Midnight (UTC) of the day holding t, in seconds. */
static int64_t
day_start(int64_t t)
{
	return t - ((t % 86400) + 86400) % 86400;
}

static int64_t
next_month_start(int64_t t)
{
	time_t s = (time_t)t;
	struct tm tm;

	gmtime_r(&s, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mon += 1;
	return (int64_t)timegm(&tm);
}

/* Monday 00:00 after t (1970-01-01 was a Thursday). */
static int64_t
next_monday(int64_t t)
{
	int64_t day = day_start(t) / 86400;
	int64_t wd = ((day + 3) % 7 + 7) % 7;   /* 0 = Monday */

	return (day + (7 - wd)) * 86400;
}

int64_t
emu_duration_reset(const char *s, int64_t now_ms)
{
	int64_t t = now_ms / 1000, n;
	char unit;

	if (!s || !emu_duration_valid(s))
		return -1;
	if (strcmp(s, "1mo") == 0)
		return next_month_start(t) * 1000;
	n = strtoll(s, NULL, 10);
	unit = s[strlen(s) - 1];
	switch (unit) {
	case 's':
		return (t + n) * 1000;
	case 'm': {
		int64_t hour = t - t % 3600, min = (t % 3600) / 60;
		return (hour + (min / n + 1) * n * 60) * 1000;
	}
	case 'h': {
		int64_t day = day_start(t), hr = (t - day) / 3600;
		return (day + (hr / n + 1) * n * 3600) * 1000;
	}
	case 'd':
		if (n == 7)
			return next_monday(t) * 1000;
		if (n == 30)
			return next_month_start(t) * 1000;
		return (day_start(t) + n * 86400) * 1000;
	default: /* 'w' */
		return (next_monday(t) + (n - 1) * 7 * 86400) * 1000;
	}
}

/* ---- validation ---- */

void
emu_verr(cJSON *detail, const char *type, const char *where, const char *field, int index,
         const char *msg, const cJSON *input, cJSON *ctx)
{
	cJSON *e = cJSON_CreateObject(), *loc = cJSON_CreateArray();

	oom_check(e);
	oom_check(loc);
	emu_add_str(e, "type", type);
	emu_push(loc, cJSON_CreateString(where));
	if (field)
		emu_push(loc, cJSON_CreateString(field));
	if (index >= 0)
		emu_push(loc, cJSON_CreateNumber(index));
	emu_add(e, "loc", loc);
	emu_add_str(e, "msg", msg);
	emu_add(e, "input", input ? cJSON_Duplicate(input, true) : cJSON_CreateNull());
	if (ctx)
		emu_add(e, "ctx", ctx);
	emu_push(detail, e);
}

void
emu_resp_422(struct emu_resp *resp, cJSON *detail)
{
	cJSON *root = cJSON_CreateObject();

	oom_check(root);
	emu_add(root, "detail", detail);
	emu_resp_json(resp, 422, root);
}

static const char *const user_roles_text =
	"'proxy_admin', 'proxy_admin_viewer', 'internal_user' or 'internal_user_viewer'";

static bool
is_user_role(const char *s)
{
	return !strcmp(s, "proxy_admin") || !strcmp(s, "proxy_admin_viewer") ||
	       !strcmp(s, "internal_user") || !strcmp(s, "internal_user_viewer");
}

static void
literal_err(cJSON *detail, const char *field, int index, const char *sub, const cJSON *v,
            const char *expected)
{
	char *msg = emu_strf("Input should be %s", expected);
	cJSON *ctx = cJSON_CreateObject();

	oom_check(ctx);
	emu_add_str(ctx, "expected", expected);
	if (sub) {
		/* nested: loc body, field, index, sub */
		cJSON *e;
		emu_verr(detail, "literal_error", "body", field, index, msg, v, ctx);
		e = cJSON_GetArrayItem(detail, cJSON_GetArraySize(detail) - 1);
		emu_push(cJSON_GetObjectItem(e, "loc"), cJSON_CreateString(sub));
	} else {
		emu_verr(detail, "literal_error", "body", field, index, msg, v, ctx);
	}
	free(msg);
}

static bool
is_numeric_text(const char *s, bool integer)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return false;
	if (integer)
		strtoll(s, &end, 10);
	else
		strtod(s, &end);
	while (isspace((unsigned char)*end))
		end++;
	return *end == 0;
}

static void
check_float(cJSON *detail, const char *f, const cJSON *v)
{
	if (cJSON_IsNumber(v) || cJSON_IsBool(v))
		return;
	if (cJSON_IsString(v)) {
		if (!is_numeric_text(v->valuestring, false))
			emu_verr(detail, "float_parsing", "body", f, -1,
			         "Input should be a valid number, unable to parse string as a number",
			         v, NULL);
		return;
	}
	emu_verr(detail, "float_type", "body", f, -1, "Input should be a valid number", v, NULL);
}

static void
check_int(cJSON *detail, const char *f, const cJSON *v)
{
	if (cJSON_IsNumber(v)) {
		if (v->valuedouble != floor(v->valuedouble))
			emu_verr(detail, "int_from_float", "body", f, -1,
			         "Input should be a valid integer, got a number with a fractional part",
			         v, NULL);
		return;
	}
	if (cJSON_IsBool(v))
		return;
	if (cJSON_IsString(v)) {
		if (!is_numeric_text(v->valuestring, true))
			emu_verr(detail, "int_parsing", "body", f, -1,
			         "Input should be a valid integer, unable to parse string as an integer",
			         v, NULL);
		return;
	}
	emu_verr(detail, "int_type", "body", f, -1, "Input should be a valid integer", v, NULL);
}

static void
check_bool(cJSON *detail, const char *f, const cJSON *v)
{
	static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "1", "0",
	                                    "t", "f", "y", "n", NULL};

	if (cJSON_IsBool(v))
		return;
	if (cJSON_IsNumber(v) && (v->valuedouble == 0 || v->valuedouble == 1))
		return;
	if (cJSON_IsString(v)) {
		for (int i = 0; words[i]; i++)
			if (strcasecmp(words[i], v->valuestring) == 0)
				return;
		emu_verr(detail, "bool_parsing", "body", f, -1,
		         "Input should be a valid boolean, unable to interpret input", v, NULL);
		return;
	}
	if (cJSON_IsNumber(v)) {
		emu_verr(detail, "bool_parsing", "body", f, -1,
		         "Input should be a valid boolean, unable to interpret input", v, NULL);
		return;
	}
	emu_verr(detail, "bool_type", "body", f, -1, "Input should be a valid boolean", v, NULL);
}

static void
check_member(cJSON *detail, const char *f, int index, const cJSON *v)
{
	const cJSON *role, *uid, *mail;

	if (!cJSON_IsObject(v)) {
		emu_verr(detail, "model_attributes_type", "body", f, index,
		         "Input should be a valid dictionary or object to extract fields from", v,
		         NULL);
		return;
	}
	uid = cJSON_GetObjectItemCaseSensitive(v, "user_id");
	mail = cJSON_GetObjectItemCaseSensitive(v, "user_email");
	if ((!uid || cJSON_IsNull(uid)) && (!mail || cJSON_IsNull(mail))) {
		cJSON *ctx = cJSON_CreateObject();
		oom_check(ctx);
		emu_add(ctx, "error", cJSON_CreateObject());
		emu_verr(detail, "value_error", "body", f, index,
		         "Value error, Either user id or user email must be provided", v, ctx);
		return;
	}
	role = cJSON_GetObjectItemCaseSensitive(v, "role");
	if (!role) {
		emu_verr(detail, "missing", "body", f, index, "Field required", v, NULL);
		cJSON *e = cJSON_GetArrayItem(detail, cJSON_GetArraySize(detail) - 1);
		emu_push(cJSON_GetObjectItem(e, "loc"), cJSON_CreateString("role"));
		cJSON_ReplaceItemInObject(e, "input", cJSON_Duplicate(v, true));
		return;
	}
	if (!cJSON_IsString(role) ||
	    (strcmp(role->valuestring, "admin") && strcmp(role->valuestring, "user")))
		literal_err(detail, f, index, "role", role, "'admin' or 'user'");
}

static void
check_field(cJSON *detail, const struct emu_field *fd, const cJSON *v)
{
	const char *f = fd->name;

	if (cJSON_IsNull(v))
		return;
	switch (fd->type) {
	case EMU_F_STR:
		if (!cJSON_IsString(v))
			emu_verr(detail, "string_type", "body", f, -1, "Input should be a valid string",
			         v, NULL);
		break;
	case EMU_F_FLOAT:
		check_float(detail, f, v);
		break;
	case EMU_F_INT:
		check_int(detail, f, v);
		break;
	case EMU_F_BOOL:
		check_bool(detail, f, v);
		break;
	case EMU_F_LIST:
	case EMU_F_STRLIST:
		if (!cJSON_IsArray(v)) {
			emu_verr(detail, "list_type", "body", f, -1, "Input should be a valid list", v,
			         NULL);
			break;
		}
		if (fd->type == EMU_F_STRLIST) {
			int i = 0;
			for (const cJSON *e = v->child; e; e = e->next, i++)
				if (!cJSON_IsString(e))
					emu_verr(detail, "string_type", "body", f, i,
					         "Input should be a valid string", e, NULL);
		}
		break;
	case EMU_F_DICT:
		if (!cJSON_IsObject(v))
			emu_verr(detail, "dict_type", "body", f, -1, "Input should be a valid dictionary",
			         v, NULL);
		break;
	case EMU_F_USER_ROLE:
		if (!cJSON_IsString(v) || !is_user_role(v->valuestring))
			literal_err(detail, f, -1, NULL, v, user_roles_text);
		break;
	case EMU_F_TEAM_ROLE:
		if (!cJSON_IsString(v) ||
		    (strcmp(v->valuestring, "admin") && strcmp(v->valuestring, "user")))
			literal_err(detail, f, -1, NULL, v, "'admin' or 'user'");
		break;
	case EMU_F_MEMBER:
		if (cJSON_IsArray(v)) {
			int i = 0;
			for (const cJSON *e = v->child; e; e = e->next, i++)
				check_member(detail, f, i, e);
		} else {
			check_member(detail, f, -1, v);
		}
		break;
	case EMU_F_MEMBERS:
		if (!cJSON_IsArray(v)) {
			emu_verr(detail, "list_type", "body", f, -1, "Input should be a valid list", v,
			         NULL);
			break;
		}
		{
			int i = 0;
			for (const cJSON *e = v->child; e; e = e->next, i++)
				check_member(detail, f, i, e);
		}
		break;
	case EMU_F_ANY:
		break;
	}
}

bool
emu_validate_body(struct emu_req *req, const struct emu_field *fields, struct emu_resp *resp)
{
	cJSON *detail = cJSON_CreateArray();
	cJSON *input;

	oom_check(detail);
	if (req->body_len == 0 || (req->body_is_json && cJSON_IsNull(req->json))) {
		emu_verr(detail, "missing", "body", NULL, -1, "Field required", NULL, NULL);
		emu_resp_422(resp, detail);
		return false;
	}
	if (!req->body_is_json || !cJSON_IsObject(req->json)) {
		input = req->json ? cJSON_Duplicate(req->json, true) : cJSON_CreateString(req->body);
		emu_verr(detail, "model_attributes_type", "body", NULL, -1,
		         "Input should be a valid dictionary or object to extract fields from", input,
		         NULL);
		cJSON_Delete(input);
		emu_resp_422(resp, detail);
		return false;
	}
	for (const struct emu_field *fd = fields; fd->name; fd++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(req->json, fd->name);
		if (!v) {
			if (fd->required)
				emu_verr(detail, "missing", "body", fd->name, -1, "Field required", req->json,
				         NULL);
			continue;
		}
		if (fd->required && cJSON_IsNull(v)) {
			/* a required field is not Optional: null is a type error */
			bool list = fd->type == EMU_F_STRLIST || fd->type == EMU_F_LIST;
			emu_verr(detail, list ? "list_type" : "string_type", "body", fd->name, -1,
			         list ? "Input should be a valid list" : "Input should be a valid string",
			         v, NULL);
			continue;
		}
		check_field(detail, fd, v);
	}
	if (cJSON_GetArraySize(detail) > 0) {
		emu_resp_422(resp, detail);
		return false;
	}
	cJSON_Delete(detail);
	return true;
}
