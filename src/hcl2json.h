/* hcl2json.h - the syntax tree as JSON, in the layout of the hcl2json converter
 * (@cdktf/hcl2json): blocks nest by type and labels into arrays of bodies, literals
 * become JSON values, any other expression becomes "${SOURCE}" with its exact source
 * text, templates use HCL's JSON template form. */
#ifndef LH_HCL2JSON_H
#define LH_HCL2JSON_H
#include <cjson/cJSON.h>

#include "ast.h"
#include "diag.h"

/* Converts a file body (LH_AST_BODY from lh_parse_file).  Returns a new cJSON object
 * that the caller frees with cJSON_Delete, or NULL with an error diagnostic in d when
 * the body cannot be represented (a block whose name or labels clash with an
 * attribute). */
cJSON *lh_hcl2json(const lh_node *body, lh_diags *d);

#endif
