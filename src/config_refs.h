/* config_refs.h - the configuration as Terraform's JSON plan represents it: expression
 * objects ({"constant_value": v} or {"references": [...]}, or {} for a computation
 * without references such as jsonencode(...)), the outputs of the root module, and
 * relevant_attributes (the resource attributes that changed resources and outputs read,
 * transitively through other resources).
 *
 * References are listed as Terraform's jsonconfig does: for each traversal, its full
 * static form, then each shorter prefix down to the referenced object, then the
 * containing resource ("litellm_user.b[0].user_id", "litellm_user.b[0]",
 * "litellm_user.b"), each once, in order of appearance. */
#ifndef LH_CONFIG_REFS_H
#define LH_CONFIG_REFS_H
#include <stdbool.h>

#include <cjson/cJSON.h>

#include "ast.h"
#include "config.h"
#include "plan.h"

/* The expression object of e (never NULL).  A sensitive argument gets no
 * constant_value (secrets never leave). */
cJSON *lh_refs_expr_json(lh_config *cfg, const lh_node *e, bool sensitive);
/* configuration.root_module.outputs: {"NAME": {"expression": {...}, "sensitive": true,
 * "description": "..."}} (sensitive and description only when set). */
cJSON *lh_refs_outputs_json(lh_config *cfg);
/* relevant_attributes of plan p: [{"resource": "litellm_user.a", "attribute": ["id"]}],
 * sorted, each once. */
cJSON *lh_refs_relevant_json(lh_config *cfg, const lh_plan *p);
/* True when expression (or body) e refers to one of the resources set[0..nset)
 * (addresses TYPE.NAME), directly or through local values. */
bool lh_refs_reach(lh_config *cfg, const lh_node *e, const char **set, size_t nset);

#endif
