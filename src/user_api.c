/* user_api.c - litellm_user: the planner's attribute table, comparison by meaning, and
 * (below) create/read/update/delete/import over the LiteLLM API (see user_api.h). */
#include "user_api.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const lh_plan_attr user_attrs[] = {
	{"budget_duration", LH_PA_OPTIONAL | LH_PA_COMPUTED, NULL},
	{"created_at", LH_PA_COMPUTED, NULL},
	{"id", LH_PA_COMPUTED, NULL},
	{"max_budget", LH_PA_OPTIONAL | LH_PA_COMPUTED, NULL},
	{"metadata", LH_PA_OPTIONAL | LH_PA_COMPUTED, NULL},
	{"models", LH_PA_OPTIONAL | LH_PA_COMPUTED, NULL},
	{"rpm_limit", LH_PA_OPTIONAL | LH_PA_COMPUTED, NULL},
	{"spend", LH_PA_COMPUTED, NULL},
	{"tpm_limit", LH_PA_OPTIONAL | LH_PA_COMPUTED, NULL},
	{"updated_at", LH_PA_COMPUTED | LH_PA_CHANGES, NULL},
	{"user_alias", LH_PA_OPTIONAL | LH_PA_COMPUTED, NULL},
	{"user_email", LH_PA_REQUIRED, NULL},
	{"user_id", LH_PA_OPTIONAL | LH_PA_COMPUTED | LH_PA_FORCE_NEW, NULL},
	{"user_role", LH_PA_OPTIONAL, "\"user\""},
};

const lh_plan_rtype lh_user_rtype = {
	.type = "litellm_user",
	.attrs = user_attrs,
	.nattrs = sizeof user_attrs / sizeof user_attrs[0],
	.same = lh_user_same,
	.id_attr = "id",
};

static const char *
role_native(const char *r)
{
	if (strcmp(r, "admin") == 0)
		return "proxy_admin";
	if (strcmp(r, "user") == 0)
		return "internal_user";
	return r;
}

/* Durations to seconds-ish canonical spelling; NULL when not a duration. */
static const char *
duration_native(const char *d)
{
	if (strcmp(d, "daily") == 0 || strcmp(d, "1d") == 0)
		return "1d";
	if (strcmp(d, "weekly") == 0 || strcmp(d, "7d") == 0 || strcmp(d, "1w") == 0)
		return "7d";
	if (strcmp(d, "monthly") == 0 || strcmp(d, "30d") == 0 || strcmp(d, "1mo") == 0)
		return "30d";
	return d;
}

static bool
is_zero_or_null(const cJSON *v)
{
	return v == NULL || cJSON_IsNull(v) || (cJSON_IsNumber(v) && v->valuedouble == 0);
}

bool
lh_user_same(const char *attr, const cJSON *c, const cJSON *s)
{
	if (strcmp(attr, "max_budget") == 0 && is_zero_or_null(c) && is_zero_or_null(s))
		return true;
	if (c == NULL || s == NULL || cJSON_IsNull(c) || cJSON_IsNull(s))
		return lh_json_equal(c, s);
	if (cJSON_IsString(c) && cJSON_IsString(s)) {
		const char *x = c->valuestring, *y = s->valuestring;
		if (strcmp(attr, "user_role") == 0)
			return strcmp(role_native(x), role_native(y)) == 0;
		if (strcmp(attr, "budget_duration") == 0)
			return strcmp(duration_native(x), duration_native(y)) == 0;
		if (strcmp(attr, "user_email") == 0)
			return strcasecmp(x, y) == 0;
		if (strcmp(attr, "metadata") == 0) {
			cJSON *a = cJSON_Parse(x), *b = cJSON_Parse(y);
			bool eq = a != NULL && b != NULL && lh_json_equal(a, b);
			cJSON_Delete(a);
			cJSON_Delete(b);
			return eq;
		}
	}
	return lh_json_equal(c, s);
}
