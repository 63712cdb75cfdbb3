/* schema.h - the configuration's view of resource types: lookups over the registry of
 * resource.h by name, and the names an argument may have.  A type's attribute table
 * and hooks are one lh_rtype (resource.h) in one file per type (res_user.c ...);
 * config.c checks resource blocks against it. */
#ifndef LH_SCHEMA_H
#define LH_SCHEMA_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "resource.h"
#include "value.h"

/* The configuration sees a type as its table. */
typedef lh_rtype lh_schema;

/* The schema of resource type name, or NULL when unsupported. */
const lh_schema *lh_schema_find(const char *type_name);
/* NULL-terminated list of the supported resource type names. */
const char *const *lh_schema_types(void);
/* The attribute called name, or NULL. */
const lh_attr *lh_schema_attr(const lh_schema *s, const char *name);
/* NULL-terminated list of the names settable in configuration (required+optional),
 * for "Did you mean" hints.  Lives in a. */
const char *const *lh_schema_arg_names(lh_arena *a, const lh_schema *s);

/* Budget durations (litellm_user, litellm_team): the API spelling ("daily" -> "1d",
 * "weekly" -> "7d", "monthly" -> "30d", "yearly" -> "365d" when yearly is accepted,
 * others unchanged); the canonical meaning used for comparisons, where only the
 * spellings LiteLLM resets alike are equal (1d == daily, 7d == 1w == weekly, 30d ==
 * 1mo == monthly: a "24h" budget resets 24 hours after the last reset, a "1d" one at
 * midnight); and the length in seconds (1mo = 30 days), -1 when not a duration. */
const char *lh_duration_api(const char *dur);
const char *lh_duration_canon(const char *dur);
long long lh_duration_seconds(const char *dur);
/* Validators: "daily", "weekly", "monthly" or a native duration (with_yearly: also
 * "yearly"). */
const char *lh_check_duration(lh_arena *a, const lh_value *v);
const char *lh_check_duration_yearly(lh_arena *a, const lh_value *v);
bool lh_same_duration(const cJSON *c, const cJSON *s);
cJSON *lh_api_duration(const cJSON *v);

#endif
