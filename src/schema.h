/* schema.h - resource types as data: a table of attributes (type, required / optional
 * / computed, force-new, sensitive, validator, compare-by-meaning and to-API mapping
 * functions).  config.c checks resource blocks against it; plan/apply (product) use
 * the compare and mapping functions.  One file per resource type fills a table
 * (res_user.c: litellm_user); API hooks live elsewhere (user_api.c). */
#ifndef LH_SCHEMA_H
#define LH_SCHEMA_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "value.h"

typedef enum {
	LH_ATTR_REQUIRED,	/* must be set in configuration */
	LH_ATTR_OPTIONAL,	/* may be set; absent means "not managed" (optional+computed) */
	LH_ATTR_COMPUTED	/* set by the server only; an error in configuration */
} lh_attr_mode;

typedef struct lh_attr lh_attr;
struct lh_attr {
	const char *name;
	const lh_type *type;	/* string, number, list(string) ... */
	lh_attr_mode mode;
	bool force_new;		/* a change means replacement */
	bool sensitive;		/* never shown */
	const char *default_str;	/* default when absent (user_role: "user"), or NULL */
	/* Checks a known, non-null value already converted to type.  Returns NULL when
	 * valid, else the detail sentence of an "Invalid value for ..." error (arena). */
	const char *(*validate)(lh_arena *a, const lh_value *v);
	/* True when config value c and server/state value s mean the same (both known,
	 * either may be null).  NULL: lh_schema_same_default (lh_val_equal, numbers as
	 * numbers). */
	bool (*same)(const lh_value *c, const lh_value *s);
	/* The value to send to the API for config value v (admin -> proxy_admin,
	 * daily -> 1d, max_budget 0 -> null).  NULL: v unchanged. */
	lh_value *(*to_api)(lh_arena *a, const lh_value *v);
	const char *description;
	/* Turns another spelling accepted for compatibility (the public provider's) into
	 * one of type, before conversion and validation; NULL: none.  Returns v itself
	 * when it does not apply.  (metadata: a map or object becomes its JSON string.) */
	lh_value *(*accept)(lh_arena *a, lh_value *v);
};

typedef struct lh_schema {
	const char *type_name;		/* "litellm_user" */
	const lh_attr *attrs;		/* arguments and attributes, in display order */
	size_t n;
} lh_schema;

/* The schema of resource type name, or NULL when unsupported. */
const lh_schema *lh_schema_find(const char *type_name);
/* NULL-terminated list of the supported resource type names. */
const char *const *lh_schema_types(void);
/* The attribute called name, or NULL. */
const lh_attr *lh_schema_attr(const lh_schema *s, const char *name);
/* NULL-terminated list of the names settable in configuration (required+optional),
 * for "Did you mean" hints.  Lives in a. */
const char *const *lh_schema_arg_names(lh_arena *a, const lh_schema *s);
/* Compares c and s by meaning with attribute at's same function (or the default). */
bool lh_schema_same(const lh_attr *at, const lh_value *c, const lh_value *s);
/* Default comparison: nulls equal nulls, numbers as numbers, else lh_val_equal. */
bool lh_schema_same_default(const lh_value *c, const lh_value *s);
/* at's to_api mapping of v (v itself when none). */
lh_value *lh_schema_to_api(lh_arena *a, const lh_attr *at, lh_value *v);

/* The litellm_user table (res_user.c). */
extern const lh_schema lh_res_user_schema;
/* litellm_user mappings, exported for plan/apply: API spelling of a role ("admin" ->
 * "proxy_admin", "user" -> "internal_user", others unchanged) and of a budget duration
 * ("daily" -> "1d", "weekly" -> "7d", "monthly" -> "30d", others unchanged). */
const char *lh_user_role_api(const char *role);
const char *lh_user_duration_api(const char *dur);
/* Canonical meaning used for comparisons: duration in seconds (1mo = 30 days), or -1
 * when not a valid duration. */
long long lh_user_duration_seconds(const char *dur);

#endif
