/* cmd_output.c - `output [-json|-raw] [NAME]`: root outputs from the state, in
 * Terraform's layouts (sensitive values listed as <sensitive>). */
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_common.h"
#include "value.h"
#include "render.h"
#include "state.h"

/* Terraform's warning for a state without outputs (also when one is asked for). */
static void
no_outputs(lh_diags *d)
{
	lh_diag_add(d, LH_DIAG_WARNING, NULL, 0, 0, "No outputs found",
	    "The state file either has no outputs defined, or all the defined "
	    "outputs are empty. Please define an output in your configuration with "
	    "the `output` keyword and run `litehcl apply -refresh-only` for it to become "
	    "available. If you are using interpolation, please verify the "
	    "interpolated value is not empty. You can use the `litehcl console` "
	    "command to assist.");
}

int
lh_cmd_output(int argc, char **argv)
{
	const char *state_path = NULL;
	bool json = false, raw = false, no_color = false, help = false;
	lh_opt opts[] = {
		{"json", LH_OPT_BOOL, &json},
		{"raw", LH_OPT_BOOL, &raw},
		{"no-color", LH_OPT_BOOL, &no_color},
		{"state", LH_OPT_STRING, &state_path},
		{NULL, 0, NULL}
	};
	int npos = 0, rc = 1;
	lh_arena *a = NULL;
	lh_state *st = NULL;
	lh_cmd_out o = {0};
	lh_diags d;
	if (!lh_cli_parse("output", opts, argc - 1, argv + 1, &npos, &help))
		goto out;
	if (help) {	/* lh_cli_parse printed it */
		rc = 0;
		goto out;
	}
	if (npos > 1) {	/* Terraform's words */
		lh_cli_usage_error("output", "Unexpected argument",
		    "The output command expects exactly one argument with the name of an output "
		    "variable or no arguments to show all outputs.");
		goto out;
	}
	if (json && raw) {
		lh_cli_usage_error("output", "Invalid output format",
		    "The -raw and -json options are mutually-exclusive.");
		goto out;
	}
	if (raw && npos == 0) {
		lh_cli_usage_error("output", "Output name required",
		    "You must give the name of a single output value when using the -raw option.");
		goto out;
	}
	a = lh_arena_new();
	lh_diags_init(&d, a);
	if (!lh_cmd_open_state(state_path, false, NULL, "OperationTypeInvalid", true, &st, &d))
		goto fail;
	/* an interrupted apply's unrecorded creates are looked up first (QA F4) */
	lh_cmd_resolve_intents(a, st, true, &d);
	lh_cmd_flush_warnings(&d);
	const cJSON *outs = lh_state_outputs(st);
	if (npos == 0) {
		if (json) {
			cJSON *j = cJSON_CreateObject();
			const cJSON *e;
			cJSON_ArrayForEach(e, outs) {
				cJSON *x = cJSON_CreateObject();
				bool sens = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "sensitive"));
				const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "value");
				const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "type");
				cJSON_AddBoolToObject(x, "sensitive", sens);
				cJSON_AddItemToObject(x, "type", t ? cJSON_Duplicate(t, 1) :
				    lh_render_json_type(v));
				cJSON_AddItemToObject(x, "value", cJSON_Duplicate(v, 1));
				cJSON_AddItemToObject(j, e->string, x);
			}
			lh_render_json_pretty(stdout, j);
			cJSON_Delete(j);
			rc = 0;
			goto out;
		}
		if (outs == NULL || outs->child == NULL) {
			no_outputs(&d);
			lh_diag_print(stdout, &d, o.color && isatty(1));	/* a warning: stdout */
			rc = 0;
			goto out;
		}
		lh_render_outputs(stdout, outs, true);
		rc = 0;
		goto out;
	}
	const char *name = argv[1];
	bool sens = false;
	if (!json && (outs == NULL || outs->child == NULL)) {	/* Terraform: a warning */
		no_outputs(&d);
		lh_diag_print(stdout, &d, o.color && isatty(1));	/* a warning: stdout */
		rc = 0;
		goto out;
	}
	const cJSON *v = lh_state_output_get(st, name, &sens);
	if (v == NULL) {
		lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0,
		    lh_arena_printf(a, "Output \"%s\" not found", name),
		    "The output variable requested could not be found in the state file. If you "
		    "recently added this to your configuration, be sure to run `litehcl apply`, "
		    "since the state won't be updated with new output variables until that "
		    "command is run.");
		goto fail;
	}
	if (json) {
		char *s = lh_cjson_print(v);	/* numbers exact */
		if (s)
			puts(s);
		free(s);
	} else if (raw) {
		if (cJSON_IsString(v))
			fputs(v->valuestring, stdout);
		else if (cJSON_IsNumber(v) && v->valuestring != NULL) {
			lh_arena *ta = lh_arena_new();	/* beyond double, exact (json.c) */
			fputs(lh_cjson_number_text(ta, v), stdout);
			lh_arena_free(ta);
		} else if (cJSON_IsNumber(v))
			fputs(lh_render_number(v->valuedouble), stdout);
		else if (cJSON_IsBool(v))
			fputs(cJSON_IsTrue(v) ? "true" : "false", stdout);
		else {
			lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Unsupported value for raw output",
			    "The -raw option only supports strings, numbers, and boolean values, but "
			    "output value \"%s\" is %s.\n\nUse the -json option for "
			    "machine-readable representations of output values that have complex "
			    "types.", name, cJSON_IsArray(v) ? "a tuple" : cJSON_IsObject(v) ?
			    "an object" : "null");
			goto fail;
		}
	} else {
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(lh_state_outputs(st), name);
		lh_render_value(stdout, v, cJSON_GetObjectItemCaseSensitive(e, "type"));
	}
	rc = 0;
	goto out;
fail:
	lh_cmd_print_diags(&o, &d);
	rc = 1;
out:
	lh_state_close(st);
	lh_arena_free(a);
	return rc;
}
