/* config.h - the configuration model: every *.tf file of a directory, its blocks
 * (terraform, provider "litellm", variable, locals, output, resource, import) checked
 * and evaluated.  Sits between the evaluator (eval.h) and plan/apply (product).
 *
 * Life cycle, as plan/apply use it:
 *
 *   lh_config *cfg = lh_config_load(a, ".", vars, nvars, &diags);   // parse + variables
 *   if (cfg == NULL || diags.errors) ...                               // print, exit 1
 *   for (size_t i = 0; i < cfg->nresources; i++) {      // already in dependency order
 *       lh_resource *r = cfg->resources[i];
 *       size_t n; lh_instance **in = lh_config_expand(cfg, r, resolve, me, &diags, &n);
 *       ... plan the instances; remember planned values so that resolve() can return
 *       ... them for resources later in the order
 *   }
 *   lh_output *outs = lh_config_outputs(cfg, resolve, me, &diags, &nout);
 *
 * Everything lives in the arena given to lh_config_load.  Nothing here prints. */
#ifndef LH_CONFIG_H
#define LH_CONFIG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "addr.h"
#include "ast.h"
#include "diag.h"
#include "schema.h"
#include "value.h"

#define LH_DEFAULT_PROVIDER_SOURCE "registry.terraform.io/ncecere/litellm"

/* One -var or -var-file option, in command-line order. */
typedef struct lh_var_input {
	bool file;		/* -var-file=PATH (true) or -var NAME=VALUE (false) */
	const char *text;	/* PATH or NAME=VALUE */
} lh_var_input;

/* Builds the lh_var_input list from an option list that both -var and -var-file
 * append to (cli.h lh_strlist; kind[i] == var_file_opt marks -var-file entries). */
struct lh_strlist;
lh_var_input *lh_config_var_inputs(lh_arena *a, const struct lh_strlist *l,
    int var_file_opt, size_t *n);

typedef struct lh_lifecycle {
	bool prevent_destroy;
	bool create_before_destroy;
	bool ignore_all;		/* ignore_changes = all */
	const char **ignore;		/* ignore_changes attribute names */
	size_t nignore;
	const lh_node **pre, **post;	/* precondition / postcondition blocks */
	size_t npre, npost;
} lh_lifecycle;

/* Where an argument's value was written (for diagnostics at plan/apply time; one per
 * argument of every resource block, so no more than that: its file is
 * lh_arg_src's). */
/* One argument written in a block: its value's range.  Its name is the config's
 * (lh_arg_name): a block's names are shared by the blocks that write the same
 * arguments in the same order (10,000 blocks: 8 bytes a range, not 16). */
typedef struct lh_arg_range {
	uint32_t start, end;		/* the value expression */
} lh_arg_range;

typedef enum { LH_EXPAND_ONE, LH_EXPAND_COUNT, LH_EXPAND_FOR_EACH } lh_expand_mode;

/* One resource block, or one data block (data: Terraform's data resource, read and
 * never changed; its arguments are the type's data_keys, resource.h). */
typedef struct lh_resource {
	const char *type, *name;	/* "litellm_user", "dev" */
	const char *addr;		/* "litellm_user.dev", "data.litellm_user.dev" */
	const char *check;		/* a data block nested in this check block (Terraform
					 * 1.5's scoped data source: its problems are warnings),
					 * or NULL */
	const lh_schema *schema;
	const lh_node *block;		/* the LH_AST_BLOCK */
	const char *context;		/* `resource "litellm_user" "dev"` for diagnostics */
	lh_expand_mode mode;
	bool data;			/* a data block */
	const lh_node *count, *for_each;	/* the expressions, or NULL */
	const lh_lifecycle *lifecycle;	/* never NULL: one empty lifecycle shared by the
					 * blocks without one (10,000 blocks: 0.5 MB) */
	const char **deps;		/* resource addresses it depends on (references and
					 * depends_on), sorted, no duplicates */
	size_t ndeps;
	const char **depends_on;	/* those named by depends_on, in order */
	size_t ndepends_on;
	/* the file of each argument written (its ranges, lh_arg_src), when some is
	 * not the block's (an override file's); else NULL */
	const lh_source **arg_srcs;
} lh_resource;

/* One expanded resource instance. */
typedef struct lh_instance {
	const lh_resource *res;
	const char *type, *name;	/* res->type, res->name */
	const char *addr;		/* litellm_user.dev["alice"] (lh_addr_format of id) */
	lh_addr id;			/* type, name and key (addr.h) */
	/* Object with one attribute per configurable schema argument; an argument not
	 * written is null (user_role's default is NOT filled in: see the schema).
	 * Values depending on unapplied resources are unknown; sensitive marks kept. */
	lh_value *args;
	lh_arg_range *ranges;		/* one per argument written, in source order */
	size_t nranges;
	const char **deps;		/* res->deps */
	size_t ndeps;
	const lh_lifecycle *lifecycle;	/* &res->lifecycle */
	const lh_node *block;		/* res->block */
	lh_value *count_index;		/* count.index, each.key, each.value (or NULL) */
	lh_value *each_key, *each_value;
} lh_instance;

/* The range of argument name in inst, or NULL when it was not written. */
const lh_arg_range *lh_instance_arg(const lh_instance *inst, const char *name);
/* The file inst's argument range ar (one of inst->ranges) was written in. */
const lh_source *lh_arg_src(const lh_instance *inst, const lh_arg_range *ar);
/* The name of inst's argument range ar (one of inst->ranges). */
const char *lh_arg_name(const lh_instance *inst, const lh_arg_range *ar);

/* For the types' configuration-wide checks (resource.h check_config): two of the
 * instances all[0..n) whose string argument arg has the same value (case-insensitively
 * when ci) give a diagnostic of severity sev at the later one, naming both and ending
 * with the sentence why.  Sensitive values are not shown. */
void lh_config_check_unique(lh_arena *a, lh_instance **all, size_t n, const char *arg,
    bool ci, lh_severity sev, const char *summary, const char *why, lh_diags *d);

/* Gives the current value of a whole resource: an object (single instance), a tuple
 * of objects (count), or an object keyed by for_each key.  Objects carry every schema
 * attribute (unknown where not known yet).  Return NULL when the resource has no value
 * yet: the configuration then uses its arguments with computed attributes unknown
 * (what validate and console do). */
typedef lh_value *(*lh_resolver)(void *ctx, lh_arena *a, const lh_resource *r);

typedef struct lh_variable {
	const char *name;
	const lh_type *type;		/* constraint; dynamic when none */
	lh_value *value;		/* final value (converted, sensitive-marked) */
	lh_value *def;			/* default, or NULL */
	const char *description;
	bool sensitive, nullable;
	bool ephemeral;			/* ephemeral = true (Terraform 1.10) */
	const lh_node *block;
} lh_variable;

typedef struct lh_output {
	const char *name;
	lh_value *value;		/* NULL when evaluation failed */
	bool sensitive;
	const char *description;
	const char **depends_on;	/* resource addresses */
	size_t ndepends_on;
	const lh_node *block;
} lh_output;

typedef struct lh_import {
	const char *to;			/* instance address: litellm_user.dev["k"] */
	lh_addr to_addr;		/* the same, parsed */
	const lh_resource *res;		/* the resource it names (NULL when none) */
	lh_value *id;			/* string (may be unknown) */
	const lh_node *block;
	/* for_each (Terraform 1.7): the expression and `to`'s key expression; the
	 * block is expanded into one import per element when the configuration loads */
	const lh_node *for_each, *key_expr;
} lh_import;

/* A moved block: the object(s) at from (a resource, or one instance) now live at to. */
typedef struct lh_moved {
	lh_addr from, to;
	const lh_node *block;
} lh_moved;

/* A removed block: resource from is no longer configured; destroy = false (lifecycle)
 * forgets its objects without deleting them from LiteLLM. */
typedef struct lh_removed {
	lh_addr from;
	bool destroy;			/* lifecycle destroy; default true */
	const lh_node *block;
} lh_removed;

typedef struct lh_provider {
	const char *api_base;		/* block, else LITELLM_API_BASE, else NULL */
	const char *api_key;		/* block, else LITELLM_API_KEY, else NULL: SECRET */
	const char *api_key_from;	/* where api_key came from, for messages (never the
					 * value): "the provider's api_key argument",
					 * "LITELLM_API_KEY", or NULL */
	bool insecure_skip_verify;
	double timeout;			/* seconds; 0 when not set */
	const lh_node *block;		/* provider "litellm" block, or NULL */
} lh_provider;

typedef struct lh_config {
	lh_arena *a;
	const char *dir;		/* the configuration directory */
	const lh_source **files;	/* *.tf and *.tf.json files read, in name order */
	size_t nfiles;
	const char *provider_source;	/* required_providers litellm source, or default */
	bool backend_block;		/* a terraform block holds a backend or cloud block, or a
					 * .tf.json file might (backend.c reads them itself) */
	lh_provider provider;
	lh_variable **variables;	/* in declaration order */
	size_t nvariables;
	lh_resource **resources;	/* in dependency order (dependencies first) */
	size_t nresources;
	lh_import **imports;
	size_t nimports;
	lh_moved **moved;		/* moved blocks, in file order */
	size_t nmoved;
	lh_removed **removed;		/* removed blocks, in file order */
	size_t nremoved;
	struct lh_config_priv *priv;	/* locals, outputs, evaluation state */
} lh_config;

/* Reads every *.tf file in dir (name order), collects and checks the blocks, reads the
 * variables (TF_VAR_*, terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json),
 * then vars[0..nvars) in order) and evaluates them.  Returns the configuration (also
 * when only warnings were added), or NULL after error diagnostics that make it
 * unusable (unreadable directory, syntax errors).  Errors in variables, block
 * structure and the provider block are added to d while the configuration is still
 * returned: check d->errors.  Errors inside resource arguments and outputs are reported
 * by lh_config_expand / lh_config_outputs / lh_config_validate.  A directory without
 * *.tf files is an empty configuration. */
lh_config *lh_config_load(lh_arena *a, const char *dir, const lh_var_input *vars,
    size_t nvars, lh_diags *d);
/* lh_config_load for `validate` and `console` when validate_only: a required variable
 * without a value is unknown instead of an error, and a resource whose count or
 * for_each is not known is checked once with unknown count.index / each.* instead of
 * failing (what Terraform's validate does). */
lh_config *lh_config_load_opts(lh_arena *a, const char *dir, const lh_var_input *vars,
    size_t nvars, bool validate_only, lh_diags *d);

/* lh_config_load for `apply PLANFILE`: planned (borrowed, an object name -> {"value":
 * JSON, "type": type constraint text}) gives the values the plan was made with; those
 * variables take them and ignore every other source (environment, tfvars, -var).  The
 * others (secret variables, kept out of plan files) are read as lh_config_load does. */
struct cJSON;
lh_config *lh_config_load_planned(lh_arena *a, const char *dir, const lh_var_input *vars,
    size_t nvars, const struct cJSON *planned, lh_diags *d);

/* Allows asking for required variables without a value on a terminal (plan, apply,
 * destroy, import, console: Terraform's -input, default true there); off by default,
 * and never when stdin or stdout is not a terminal. */
void lh_config_set_input(bool on);
/* plan -generate-config-out: an import block whose target has no resource block is not
 * an error (its lh_import has res == NULL); off by default. */
void lh_config_set_missing_imports_ok(bool on);

/* True when variable v's value must never be written into a saved plan: it is
 * sensitive or ephemeral, or its value reaches a sensitive argument (the provider's
 * api_key, a resource argument the schema marks sensitive) directly or through
 * locals - Terraform would write such an unmarked variable into its plan file. */
bool lh_config_var_secret(const lh_config *cfg, const lh_variable *v);

/* Expands resource r into its instances (count / for_each / one), evaluating its
 * arguments with references to other resources answered by resolve(ctx, ...) (resolve
 * may be NULL).  Checks the arguments against the schema (missing, unsupported, types,
 * validators).  Returns the array of instances (*n of them) in key order, or NULL
 * with *n = 0 after errors. */
lh_instance **lh_config_expand(lh_config *cfg, lh_resource *r, lh_resolver resolve,
    void *ctx, lh_diags *d, size_t *n);
/* After lh_config_expand with a resolver returned NULL because some of a count's or a
 * for_each's instances failed (a precondition, an argument): the addresses of those
 * (*nfailed), and the instances that did not fail (*n, may be 0) - what a run still
 * plans in Terraform's partial plan.  NULL with *nfailed = 0 when the last expansion
 * failed as a whole (count or for_each itself) or did not fail. */
lh_instance **lh_config_expand_partial(lh_config *cfg, size_t *n, const lh_addr **failed,
    size_t *nfailed);

/* How the lifecycle preconditions and postconditions of the resources expanded next are
 * treated (lh_config_expand, lh_config_postconditions), as Terraform 1.11 does: errors in
 * a normal plan and apply (the default), warnings in a -refresh-only run, and not
 * evaluated at all for a destroy or for resources a -target leaves out. */
typedef enum { LH_COND_ERROR, LH_COND_WARN, LH_COND_OFF } lh_cond_mode;
void lh_config_set_conditions(lh_config *cfg, lh_cond_mode m);

/* Evaluates the postcondition blocks of inst's lifecycle with self = the object
 * (planned, applied or refreshed; attributes may be unknown: such a condition is
 * skipped until it is known).  A false one adds the error "Resource postcondition
 * failed".  Returns false after errors.  (Preconditions are checked by
 * lh_config_expand when it has a resolver, before the instance is returned.) */
bool lh_config_postconditions(lh_config *cfg, const lh_instance *inst, lh_value *self,
    lh_resolver resolve, void *ctx, lh_diags *d);

/* Evaluates every output (declaration order).  Returns the array (*n entries). */
lh_output **lh_config_outputs(lh_config *cfg, lh_resolver resolve, void *ctx,
    lh_diags *d, size_t *n);

/* When lh_config_checks runs: validate (only the expressions' own errors), plan (a
 * condition not known yet warns that it is known after apply), after apply. */
typedef enum { LH_CHECK_VALIDATE, LH_CHECK_PLAN, LH_CHECK_APPLY } lh_check_phase;

/* Evaluates the assertions of every check block, as Terraform does after a plan and
 * after an apply: a false condition adds the warning "Check block assertion failed"
 * with its error_message; nothing in a check block is an error of the run (except the
 * expression errors validate reports).  References resolve through resolve. */
void lh_config_checks(lh_config *cfg, lh_check_phase ph, lh_resolver resolve, void *ctx,
    lh_diags *d);

/* Terraform's "checks" of a plan's JSON (show -json): one entry per object with
 * conditions evaluated in this run - resources with pre/postconditions (per instance),
 * outputs with preconditions, check blocks - each with its status (pass, fail, error,
 * unknown: the worst of its conditions' last results) and the failed ones' messages,
 * ordered by address.  A new array (empty when nothing was evaluated). */
struct cJSON *lh_config_check_results(const lh_config *cfg);
/* The same in the state's check_results layout (object_kind, config_addr, status,
 * objects with object_addr, status, failure_messages). */
struct cJSON *lh_config_check_results_state(const lh_config *cfg);

/* What `validate` does: expands every resource with resolve = NULL, checks
 * cross-instance rules (the same user_email twice), evaluates outputs and locals.
 * A count or for_each not known without resource values is not an error here (the
 * body is checked once with unknown count.index / each.*); lh_config_expand with a
 * resolver reports it if it is still unknown.  Returns false when errors were added. */
bool lh_config_validate(lh_config *cfg, lh_diags *d);

/* The types' cross-instance rules (as lh_config_validate) over all[0..n), instances a
 * plan expanded with the values known from the state, which validate could not see:
 * two membership blocks whose team_id and user_id both come from objects in the
 * state name one membership.  Only errors are added: the plan runs after a validate
 * without errors, so an error is new, while a warning repeats one validate gave. */
void lh_config_check_known(lh_config *cfg, lh_instance **all, size_t n, lh_diags *d);

/* For plan and apply, before lh_config_validate: the instances validate expands of
 * resources that refer to no other resource (nor have conditions) are kept, and
 * lh_config_expand with a resolver returns them instead of evaluating the
 * configuration a second time.  Off by default (validate drops its instances). */
void lh_config_keep_validated(lh_config *cfg, bool on);

/* For a plan or apply that does not write the configuration out (plan -out does: its
 * JSON holds every resource's expressions), after lh_config_keep_validated: the syntax
 * tree of a resource block whose instances validate keeps, and which nothing of the
 * run evaluates again, is freed as soon as it is validated (lh_parse_release: the
 * block's node, ranges and labels stay; its body is NULL).  Without
 * lh_config_keep_validated (the validate command: nothing is evaluated after
 * lh_config_validate but outputs and checks, which read no resource body), every such
 * block's tree once validated.  10,000 resource blocks of a few arguments are 19 MB of
 * tree.  Off by default. */
void lh_config_release_trees(lh_config *cfg, bool on);

/* Evaluates expression e as the console does, in the configuration's scope (var,
 * local, path, terraform, resources through resolve).  NULL after diagnostics. */
lh_value *lh_config_eval(lh_config *cfg, const lh_node *e, lh_resolver resolve,
    void *ctx, lh_diags *d);

/* Parses a *.tf.json file (Terraform's JSON configuration syntax) into the syntax tree
 * a native *.tf file would give (config_json.c).  NULL after error diagnostics. */
lh_node *lh_config_json_parse(lh_arena *a, const lh_source *src, lh_diags *d);

/* The resource at address "litellm_user.NAME" (no index), or NULL. */
lh_resource *lh_config_resource(lh_config *cfg, const char *type, const char *name);
/* The same without lh_config_resource's cache of recent look-ups: it only reads cfg, so
 * another thread may use it while the configuration is validated (plan's refresh reads
 * are queued meanwhile, cmd_plan.c). */
lh_resource *lh_config_resource_find(const lh_config *cfg, const char *type,
    const char *name);
/* The data block at address "data.TYPE.NAME", or NULL. */
lh_resource *lh_config_data(lh_config *cfg, const char *type, const char *name);

/* The expression of local value name, or NULL when there is none. */
const lh_node *lh_config_local_expr(const lh_config *cfg, const char *name);

#endif
