/* res_user.c - the litellm_user resource type as data (shared/spec/litellm_user.md):
 * its attribute table, the validators behind each argument's rules, the
 * compare-by-meaning functions (admin == proxy_admin, daily == 1d, max_budget 0 ==
 * null, metadata as JSON objects, emails case-insensitively) and the mapping of
 * configuration spellings to what the LiteLLM API expects.  The API hooks (create,
 * read, update, delete) live in user_api.c. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "func.h"
#include "schema.h"
#include "vars.h"

static const lh_type list_string = {.kind = LH_TY_LIST, .elem = &lh_type_string};

static const char *const roles[] = {"admin", "user", "proxy_admin", "proxy_admin_viewer",
    "internal_user", "internal_user_viewer", NULL};

const char *
lh_user_role_api(const char *role)
{
	if (strcmp(role, "admin") == 0)
		return "proxy_admin";
	if (strcmp(role, "user") == 0)
		return "internal_user";
	return role;
}

const char *
lh_user_duration_api(const char *dur)
{
	if (strcmp(dur, "daily") == 0)
		return "1d";
	if (strcmp(dur, "weekly") == 0)
		return "7d";
	if (strcmp(dur, "monthly") == 0)
		return "30d";
	return dur;
}

long long
lh_user_duration_seconds(const char *dur)
{
	dur = lh_user_duration_api(dur);
	if (strcmp(dur, "1mo") == 0)
		return 30LL * 86400;
	if (dur[0] < '1' || dur[0] > '9')
		return -1;
	long long n = 0;
	const char *p = dur;
	while (*p >= '0' && *p <= '9') {
		if (n > 1000000000000LL)
			return -1;
		n = n * 10 + (*p++ - '0');
	}
	if (p[0] == '\0' || p[1] != '\0')
		return -1;
	switch (p[0]) {
	case 's': return n;
	case 'm': return n * 60;
	case 'h': return n * 3600;
	case 'd': return n * 86400;
	case 'w': return n * 7 * 86400;
	default: return -1;
	}
}

/* ---- validators: NULL when fine, else the detail sentence ---------------------- */

static const char *
check_email(lh_arena *a, const lh_value *v)
{
	const char *s = v->u.str.s;
	size_t n = v->u.str.len;
	const char *at = memchr(s, '@', n);
	bool ok = at != NULL && at > s && memchr(at + 1, '@', n - (size_t)(at - s) - 1) == NULL;
	if (ok) {
		const char *dot = strrchr(at + 1, '.');
		ok = dot != NULL && dot > at + 1 && dot[1] != '\0';
		for (size_t i = 0; ok && i < n; i++)
			if (isspace((unsigned char)s[i]) || s[i] == '\0')
				ok = false;
	}
	if (ok)
		return NULL;
	return lh_arena_printf(a, "\"%s\" is not a valid email address: it must look like name@example.com.", s);
}

static const char *
check_role(lh_arena *a, const lh_value *v)
{
	for (size_t i = 0; roles[i] != NULL; i++)
		if (strcmp(v->u.str.s, roles[i]) == 0)
			return NULL;
	return lh_arena_printf(a, "The role \"%s\" is not supported. Valid values: \"admin\", \"user\", \"proxy_admin\", \"proxy_admin_viewer\", \"internal_user\", \"internal_user_viewer\".", v->u.str.s);
}

static const char *
check_duration(lh_arena *a, const lh_value *v)
{
	const char *s = v->u.str.s;
	if (strcmp(s, "daily") == 0 || strcmp(s, "weekly") == 0 || strcmp(s, "monthly") == 0 ||
	    lh_user_duration_seconds(s) > 0)
		return NULL;
	return lh_arena_printf(a, "The budget duration \"%s\" is not valid. Use \"daily\", \"weekly\", \"monthly\", or a number followed by s, m, h, d or w (\"30s\", \"12h\", \"7d\", \"2w\"), or \"1mo\".", s);
}

static const char *
check_budget(lh_arena *a, const lh_value *v)
{
	double d = lh_number_double(v->u.num);
	if (d >= 0 && !isnan(d))
		return NULL;
	return lh_arena_printf(a, "The budget must be zero or more (0 means unlimited), not %s.",
	    lh_number_format(a, v->u.num));
}

static const char *
check_limit(lh_arena *a, const lh_value *v)
{
	double d = lh_number_double(v->u.num);
	if (!v->u.num.is_int && (d != floor(d) || isinf(d)))
		return lh_arena_printf(a, "The limit must be a whole number, not %s.", lh_number_format(a, v->u.num));
	if (d < 0)
		return lh_arena_printf(a, "The limit must be zero or more, not %s.", lh_number_format(a, v->u.num));
	return NULL;
}

static const char *
check_metadata(lh_arena *a, const lh_value *v)
{
	cJSON *j = cJSON_ParseWithLength(v->u.str.s, v->u.str.len);
	bool obj = j != NULL && cJSON_IsObject(j);
	cJSON_Delete(j);
	if (obj)
		return NULL;
	return "The metadata must be a JSON object encoded as a string, for example jsonencode({ team = \"backend\" }).";
}

/* ---- comparisons by meaning -------------------------------------------------------- */

static bool
both_null(const lh_value *c, const lh_value *s, bool *res)
{
	bool cn = lh_val_is_null(c), sn = lh_val_is_null(s);
	if (cn || sn) {
		*res = cn && sn;
		return true;
	}
	return false;
}

static bool
same_role(const lh_value *c, const lh_value *s)
{
	bool r;
	if (both_null(c, s, &r))
		return r;
	return strcmp(lh_user_role_api(c->u.str.s), lh_user_role_api(s->u.str.s)) == 0;
}

static bool
same_duration(const lh_value *c, const lh_value *s)
{
	bool r;
	if (both_null(c, s, &r))
		return r;
	long long x = lh_user_duration_seconds(c->u.str.s), y = lh_user_duration_seconds(s->u.str.s);
	if (x > 0 && y > 0)
		return x == y;
	return strcmp(c->u.str.s, s->u.str.s) == 0;
}

static bool
zero_or_null(const lh_value *v)
{
	return lh_val_is_null(v) || lh_number_double(v->u.num) == 0;
}

static bool
same_budget(const lh_value *c, const lh_value *s)
{
	if (zero_or_null(c) || zero_or_null(s))
		return zero_or_null(c) && zero_or_null(s);
	return lh_number_double(c->u.num) == lh_number_double(s->u.num);
}

static bool
same_metadata(const lh_value *c, const lh_value *s)
{
	bool r;
	if (both_null(c, s, &r))
		return r;
	cJSON *x = cJSON_ParseWithLength(c->u.str.s, c->u.str.len);
	cJSON *y = cJSON_ParseWithLength(s->u.str.s, s->u.str.len);
	bool same = x != NULL && y != NULL ? cJSON_Compare(x, y, true) : strcmp(c->u.str.s, s->u.str.s) == 0;
	cJSON_Delete(x);
	cJSON_Delete(y);
	return same;
}

static bool
same_email(const lh_value *c, const lh_value *s)
{
	bool r;
	if (both_null(c, s, &r))
		return r;
	return c->u.str.len == s->u.str.len && strcasecmp(c->u.str.s, s->u.str.s) == 0;
}

/* ---- configuration spelling -> API value ------------------------------------------ */

static lh_value *
api_role(lh_arena *a, const lh_value *v)
{
	if (lh_val_is_null(v) || lh_val_is_unknown(v))
		return (lh_value *)v;
	return lh_val_cstr(a, lh_user_role_api(v->u.str.s));
}

static lh_value *
api_duration(lh_arena *a, const lh_value *v)
{
	if (lh_val_is_null(v) || lh_val_is_unknown(v))
		return (lh_value *)v;
	return lh_val_cstr(a, lh_user_duration_api(v->u.str.s));
}

static lh_value *
api_budget(lh_arena *a, const lh_value *v)
{
	if (!lh_val_is_unknown(v) && !lh_val_is_null(v) && lh_number_double(v->u.num) == 0)
		return lh_val_null(a, &lh_type_number);
	return (lh_value *)v;
}

static lh_value *
api_metadata(lh_arena *a, const lh_value *v)
{
	if (lh_val_is_null(v) || lh_val_is_unknown(v))
		return (lh_value *)v;
	const char *err = NULL;
	lh_value *o = lh_vars_json_value(a, v->u.str.s, v->u.str.len, &err);
	return o ? o : (lh_value *)v;
}

/* The public provider takes metadata as a map: accept it and keep the JSON string. */
static lh_value *
accept_metadata(lh_arena *a, lh_value *v)
{
	if (lh_val_is_null(v) || (v->type->kind != LH_TY_OBJECT && v->type->kind != LH_TY_MAP))
		return v;
	lh_func_ctx c = {.a = a, .err_arg = -1};
	lh_value *args[] = {v};
	lh_value *s = lh_func_call(&c, "jsonencode", args, 1);
	return s ? s : v;
}

static const lh_attr user_attrs[] = {
	{.name = "id", .type = &lh_type_string, .mode = LH_ATTR_COMPUTED,
	 .description = "The unique identifier for this user (= user_id)."},
	{.name = "user_email", .type = &lh_type_string, .mode = LH_ATTR_REQUIRED,
	 .validate = check_email, .same = same_email, .description = "Email address of the user."},
	{.name = "user_alias", .type = &lh_type_string, .mode = LH_ATTR_OPTIONAL,
	 .description = "A human-readable alias for the user."},
	{.name = "user_role", .type = &lh_type_string, .mode = LH_ATTR_OPTIONAL,
	 .default_str = "user", .validate = check_role, .same = same_role, .to_api = api_role,
	 .description = "The role of the user: admin, user, or a native LiteLLM role."},
	{.name = "max_budget", .type = &lh_type_number, .mode = LH_ATTR_OPTIONAL,
	 .validate = check_budget, .same = same_budget, .to_api = api_budget,
	 .description = "Maximum budget in dollars; 0 means unlimited."},
	{.name = "budget_duration", .type = &lh_type_string, .mode = LH_ATTR_OPTIONAL,
	 .validate = check_duration, .same = same_duration, .to_api = api_duration,
	 .description = "Budget reset period: daily, weekly, monthly or a native duration."},
	{.name = "tpm_limit", .type = &lh_type_number, .mode = LH_ATTR_OPTIONAL,
	 .validate = check_limit, .description = "Tokens per minute limit."},
	{.name = "rpm_limit", .type = &lh_type_number, .mode = LH_ATTR_OPTIONAL,
	 .validate = check_limit, .description = "Requests per minute limit."},
	{.name = "models", .type = &list_string, .mode = LH_ATTR_OPTIONAL,
	 .description = "Model names this user can access."},
	{.name = "metadata", .type = &lh_type_string, .mode = LH_ATTR_OPTIONAL,
	 .validate = check_metadata, .same = same_metadata, .to_api = api_metadata,
	 .accept = accept_metadata,
	 .description = "JSON object string of additional metadata (a map is accepted too)."},
	{.name = "user_id", .type = &lh_type_string, .mode = LH_ATTR_OPTIONAL, .force_new = true,
	 .description = "The user id; chosen by litehcl when not set."},
	{.name = "spend", .type = &lh_type_number, .mode = LH_ATTR_COMPUTED,
	 .description = "Current spend of the user."},
	{.name = "created_at", .type = &lh_type_string, .mode = LH_ATTR_COMPUTED,
	 .description = "When the user was created."},
	{.name = "updated_at", .type = &lh_type_string, .mode = LH_ATTR_COMPUTED,
	 .description = "When the user was last updated."},
};

const lh_schema lh_res_user_schema = {
	.type_name = "litellm_user",
	.attrs = user_attrs,
	.n = sizeof user_attrs / sizeof user_attrs[0],
};
