/* render.h - how plans, state and outputs look to people and to programs: plan text in
 * Terraform's grammar (symbols legend, "# x will be created", aligned attributes,
 * "(known after apply)", drift note, summary), state text (`show`, `state show`),
 * output values, Terraform's JSON plan and state representations (`show -json`), and
 * the machine-readable UI stream (`-json`: one JSON object per line).
 *
 * Only render.c and the cmd_*.c files print.  Every function here writes complete
 * lines to the FILE given; JSON builders return cJSON trees the caller frees. */
#ifndef LH_RENDER_H
#define LH_RENDER_H
#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "plan.h"

/* The Terraform version whose formats litehcl writes (JSON plan, state, UI stream). */
#define LH_TF_COMPAT_VERSION "1.11.0"

typedef struct lh_render_opts {
	bool color;		/* ANSI colour */
	const char *provider;	/* provider source address for JSON: registry.terraform.io/... */
} lh_render_opts;

/* Word-wraps text at 78 columns (Terraform's width without a terminal) and prints it
 * followed by a newline. */
void lh_render_wrapped(FILE *f, const char *text);
/* The horizontal rule Terraform prints between sections (77 box-drawing dashes). */
void lh_render_rule(FILE *f);

/* Prints the drift section ("Note: Objects have changed outside of litehcl"), the
 * actions, the Plan: summary and output changes - or the "No changes." text. */
void lh_render_plan(FILE *f, const lh_plan *p, const lh_render_opts *o);
/* After a plan: how to apply it (saved to out_path) or the -out note. */
void lh_render_plan_epilogue(FILE *f, const char *out_path);
/* Prints one resource instance from the state in `show` layout ("# ADDR:" header,
 * resource block, no symbols).  attrs is the instance's attribute object; sensitive its
 * sensitive_attributes (Terraform's paths; may be NULL), shown as (sensitive value). */
void lh_render_state_instance(FILE *f, const char *addr, const char *type,
    const char *name, const cJSON *attrs, const cJSON *sensitive, const lh_render_opts *o);
/* Prints "NAME = VALUE" lines (terraform output layout); sensitive values print as
 * <sensitive> when hide_sensitive.  outputs is the state's outputs object
 * ({name:{value,type,sensitive}}). */
void lh_render_outputs(FILE *f, const cJSON *outputs, bool hide_sensitive);
/* Prints the outputs as `terraform show` does after the resources (4-space nesting,
 * aligned object keys, sensitive ones as (sensitive value)). */
void lh_render_show_outputs(FILE *f, const cJSON *outputs);
/* Prints one value the way `terraform output NAME` does (multi-line, indented;
 * tolist/toset/tomap and heredocs as type - Terraform's type JSON, or NULL - says). */
void lh_render_value(FILE *f, const cJSON *v, const cJSON *type);

/* Prints v as indented JSON (2 spaces, "key": value), as terraform output -json. */
void lh_render_json_pretty(FILE *f, const cJSON *v);

/* Terraform's JSON plan representation (show -json PLANFILE).  state is the prior state
 * file's JSON (v4 format) or NULL. */
cJSON *lh_render_plan_json(const lh_plan *p, const cJSON *state, const lh_render_opts *o);
/* Terraform's JSON state representation (show -json) from a v4 state file's JSON. */
cJSON *lh_render_state_json(const cJSON *state, const lh_render_opts *o);
/* A partly unknown value as Terraform's plan JSON holds it: the value with null where
 * unknown, and in *mask the after_unknown shape (true where unknown, false / lists /
 * objects elsewhere).  NULL (and *mask NULL) when v cannot be represented. */
struct lh_value;
cJSON *lh_render_partial_json(const struct lh_value *v, cJSON **mask);
/* Terraform's type JSON of a language type ("string", ["list","string"], ...). */
struct lh_type;
cJSON *lh_render_type_json(const struct lh_type *t);
/* Terraform's snippet.function_call of a JSON diagnostic from its "while calling" text
 * ("join(separator, lists...)"): {"called_as", "signature": {"name", "params",
 * "variadic_param", "return_type"}}; NULL when there is none. */
cJSON *lh_render_function_call(const char *calling);
/* Terraform's type of a JSON value as it appears in output "type" ("string",
 * ["tuple",[...]] ...). */
cJSON *lh_render_json_type(const cJSON *v);

/* The machine-readable UI (-json): one object per line with @level, @message,
 * @module "terraform.ui", @timestamp, type, plus fields (taken over; may be NULL). */
void lh_ui_emit(FILE *f, const char *level, const char *type, cJSON *fields,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The "hook.resource"/"change.resource" object for an instance. */
cJSON *lh_ui_resource(const char *addr, const char *type, const char *name,
    const cJSON *index);
/* version, planned_change per change, change_summary, outputs - for a plan. */
void lh_ui_plan(FILE *f, const lh_plan *p, const char *operation);
void lh_ui_version(FILE *f);

/* Configuration text for generated files (adopt, plan -generate-config-out): appends
 * to out an HCL expression that evaluates to v exactly (strings quoted with
 * escapes and template sequences doubled, exact numbers, lists on one line, objects
 * one key per line - not aligned: lh_fmt_file lays it out), or the quoted literal of
 * s. */
struct lh_buf;
void lh_render_hcl(struct lh_buf *out, const cJSON *v);
void lh_render_hcl_string(struct lh_buf *out, const char *s);

/* Formats a number the way Terraform prints it (10, 10.5, 1e+21).  Returns a static
 * buffer overwritten by the next call. */
const char *lh_render_number(double d);

#endif
