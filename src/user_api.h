/* user_api.h - the litellm_user resource type as the planner and the applier see it:
 * its attribute table for plan.c (lh_user_rtype) and its lifecycle over the LiteLLM
 * management API (create, read, update, delete, import) through http.h.
 *
 * Attribute objects are cJSON objects holding every schema attribute in the state's
 * spelling (what the configuration used where config and server agree by meaning). */
#ifndef LH_USER_API_H
#define LH_USER_API_H
#include <stdbool.h>

#include <cjson/cJSON.h>

#include "plan.h"

/* The planner's view of litellm_user (attributes sorted, compare by meaning). */
extern const lh_plan_rtype lh_user_rtype;

/* True when config value c and server/state value s of attribute attr mean the same
 * (admin == proxy_admin, daily == 1d, max_budget 0 == null, metadata as JSON ...). */
bool lh_user_same(const char *attr, const cJSON *c, const cJSON *s);

#endif
