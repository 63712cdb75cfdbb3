/* vars.h - where input variable values come from (internal to config.c): TF_VAR_*
 * environment, terraform.tfvars(.json), *.auto.tfvars(.json), -var and -var-file,
 * gathered lowest precedence first.  Values from HCL and JSON files are evaluated here;
 * values from the environment and -var stay raw text because how they are read
 * depends on the variable's type (config.c). */
#ifndef LH_VARS_H
#define LH_VARS_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "config.h"
#include "diag.h"
#include "value.h"

typedef enum { LH_VSRC_ENV, LH_VSRC_FILE, LH_VSRC_CLI } lh_vsrc;

typedef struct lh_var_assign {
	const char *name;
	lh_vsrc from;
	lh_value *value;	/* from files: evaluated; NULL for env / -var */
	const char *raw;	/* env / -var: the text after '=' */
	const char *file;	/* LH_VSRC_FILE: the file name as the user knows it */
	const lh_source *src;	/* LH_VSRC_FILE: where it was written (NULL for JSON) */
	uint32_t start, end;	/* the value's range in src */
} lh_var_assign;

/* Gathers every assignment, lowest precedence first.  declared(name, ctx) tells
 * whether a variable is declared (env values for undeclared names are ignored; file
 * values for them are warnings; -var values for them errors).  Returns the array
 * (*n entries); problems are diagnostics. */
lh_var_assign *lh_vars_collect(lh_arena *a, const char *dir, const lh_var_input *in,
    size_t nin, bool (*declared)(const char *name, void *ctx), void *ctx,
    lh_diags *d, size_t *n);

/* Converts JSON text to a value (objects -> object, arrays -> tuple).  NULL with *err
 * set when it does not parse. */
lh_value *lh_vars_json_value(lh_arena *a, const char *text, size_t len, const char **err);

/* Converts a parsed cJSON value (const cJSON *) the same way. */
lh_value *lh_vars_cjson_value(lh_arena *a, const void *json);

#endif
