/* cmd_console.c - `litehcl console [-var ...] [-var-file ...]`: reads one expression
 * per line from stdin, evaluates it against the configuration in the working directory
 * (resource values come from terraform.tfstate; those not applied are unknown) and
 * prints the value as `terraform console` does.  An expression that fails prints its
 * diagnostics on stderr and the next line is read.  On a terminal each line is
 * prompted with "> " and the end of input exits 0 (Terraform's interactive mode); with
 * input from a pipe or file the exit status is 1 when any line failed (Terraform's
 * piped mode exits 1 at the first error; litehcl goes on and prints every line's
 * value, where Terraform prints only the last).  A configuration that does not load
 * exits 1 before reading anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "cli.h"
#include "cmd_common.h"
#include "config.h"
#include "diag.h"
#include "parse.h"
#include "state.h"
#include "vars.h"

/* Whether Terraform's sensitive_attributes paths mark the top-level attribute name. */
static bool
attr_sensitive(const cJSON *paths, const char *name)
{
	const cJSON *p;
	cJSON_ArrayForEach(p, paths) {
		const cJSON *step = cJSON_GetArrayItem(p, 0);
		const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(step, "value"));
		if (v != NULL && strcmp(v, name) == 0)
			return true;
	}
	return false;
}

/* Resource values from the state file, as terraform console shows them: an object per
 * instance, a tuple for count, an object keyed by for_each key.  NULL (unknown) when
 * the resource has no instance in state. */
static lh_value *
from_state(void *ctx, lh_arena *a, const lh_resource *r)
{
	lh_state *st = ctx;
	size_t n = lh_state_count(st), k = 0;
	lh_value **objs = lh_arena_alloc(a, (n ? n : 1) * sizeof *objs);
	const char **keys = lh_arena_alloc(a, (n ? n : 1) * sizeof *keys);

	for (size_t i = 0; i < n; i++) {
		lh_state_inst *in = lh_state_at(st, i);
		if (in->addr.data != r->data || strcmp(in->addr.type, r->type) != 0 ||
		    strcmp(in->addr.name, r->name) != 0)
			continue;
		lh_value *o = lh_vars_cjson_value(a, in->attributes);
		if (o == NULL || o->type->kind != LH_TY_OBJECT)
			continue;
		/* give each attribute its schema type (models is a list, not a tuple) */
		lh_value **vals = lh_arena_alloc(a, (o->u.map.n ? o->u.map.n : 1) * sizeof *vals);
		for (size_t j = 0; j < o->u.map.n; j++) {
			const lh_attr *at = r->schema ? lh_schema_attr(r->schema, o->u.map.keys[j]) : NULL;
			const char *err = NULL;
			lh_value *c = at ? lh_val_convert(a, o->u.map.vals[j], at->type, &err) : NULL;
			vals[j] = c ? c : o->u.map.vals[j];
			/* a schema-sensitive attribute, or one the state records as sensitive
			 * (its value came from a sensitive variable) keeps its mark */
			if ((at != NULL && at->sensitive) || attr_sensitive(in->sensitive_attributes,
			    o->u.map.keys[j]))
				vals[j] = lh_val_mark_sensitive(a, vals[j]);
		}
		objs[k] = lh_val_object(a, (const char **)o->u.map.keys, vals, o->u.map.n);

		keys[k] = in->addr.key;
		k++;
	}
	if (k == 0)
		return NULL;
	if (r->mode == LH_EXPAND_ONE)
		return objs[0];
	if (r->mode == LH_EXPAND_FOR_EACH)
		return lh_val_object(a, keys, objs, k);
	/* count: the state lists instances by index already */
	return lh_val_tuple(a, objs, k);
}

static bool
is_type_call(const lh_node *e)
{
	return e->kind == LH_AST_CALL && (strcmp(e->u.call.name, "type") == 0 ||
	    strcmp(e->u.call.name, "core::type") == 0);
}

/* True when e contains a call to type() anywhere. */
static bool
has_type_call(const lh_node *e, int depth)
{
	if (e == NULL || depth > 200)
		return false;
	if (is_type_call(e))
		return true;
	depth++;
	switch (e->kind) {
	case LH_AST_TEMPLATE:
		for (size_t i = 0; i < e->u.tmpl.n; i++)
			if (has_type_call(e->u.tmpl.parts[i], depth))
				return true;
		return false;
	case LH_AST_TINTERP: return has_type_call(e->u.interp.expr, depth);
	case LH_AST_TIF:
		return has_type_call(e->u.tif.cond, depth) || has_type_call(e->u.tif.then, depth) ||
		    has_type_call(e->u.tif.els, depth);
	case LH_AST_TFOR:
		return has_type_call(e->u.tfor.coll, depth) || has_type_call(e->u.tfor.body, depth);
	case LH_AST_TUPLE:
		for (size_t i = 0; i < e->u.tuple.n; i++)
			if (has_type_call(e->u.tuple.items[i], depth))
				return true;
		return false;
	case LH_AST_OBJECT:
		for (size_t i = 0; i < e->u.object.n; i++)
			if (has_type_call(e->u.object.keys[i], depth) || has_type_call(e->u.object.values[i], depth))
				return true;
		return false;
	case LH_AST_GETATTR: return has_type_call(e->u.getattr.obj, depth);
	case LH_AST_INDEX:
		return has_type_call(e->u.index.obj, depth) || has_type_call(e->u.index.key, depth);
	case LH_AST_SPLAT:
		return has_type_call(e->u.splat.src, depth) || has_type_call(e->u.splat.each, depth);
	case LH_AST_CALL:
		for (size_t i = 0; i < e->u.call.n; i++)
			if (has_type_call(e->u.call.args[i], depth))
				return true;
		return false;
	case LH_AST_FOR:
		return has_type_call(e->u.forx.coll, depth) || has_type_call(e->u.forx.key, depth) ||
		    has_type_call(e->u.forx.value, depth) || has_type_call(e->u.forx.cond, depth);
	case LH_AST_COND:
		return has_type_call(e->u.cond.cond, depth) || has_type_call(e->u.cond.t, depth) ||
		    has_type_call(e->u.cond.f, depth);
	case LH_AST_BINARY:
		return has_type_call(e->u.binary.lhs, depth) || has_type_call(e->u.binary.rhs, depth);
	case LH_AST_UNARY: return has_type_call(e->u.unary.operand, depth);
	case LH_AST_PAREN: return has_type_call(e->u.paren.inner, depth);
	default: return false;
	}
}

/* Terraform's console-only type() gives a value of its own kind that only the console
 * prints: the call must be the whole expression (or what try() or a lone template
 * interpolation passes through).  True when e uses it anywhere else. */
static bool
type_misused(const lh_node *e)
{
	while (e->kind == LH_AST_PAREN)
		e = e->u.paren.inner;
	if (is_type_call(e))
		return false;
	if (e->kind == LH_AST_CALL && (strcmp(e->u.call.name, "try") == 0 ||
	    strcmp(e->u.call.name, "core::try") == 0)) {
		for (size_t i = 0; i < e->u.call.n; i++)
			if (type_misused(e->u.call.args[i]))
				return true;
		return false;
	}
	if (e->kind == LH_AST_TEMPLATE && e->u.tmpl.n == 1 && e->u.tmpl.parts[0]->kind == LH_AST_TINTERP)
		return type_misused(e->u.tmpl.parts[0]->u.interp.expr);
	return has_type_call(e, 0);
}

int
lh_cmd_console(int argc, char **argv)
{
	bool help = false, no_color = false;
	lh_strlist vars = {0};
	const char *state = NULL;
	lh_opt opts[] = {
		{"var", LH_OPT_LIST, &vars},
		{"var-file", LH_OPT_LIST, &vars},
		{"no-color", LH_OPT_BOOL, &no_color},
		{"state", LH_OPT_STRING, &state},
		{NULL, 0, NULL},
	};
	int npos = 0, rc = 1;
	lh_arena *a = NULL;
	char *line = NULL;
	size_t cap = 0;
	if (!lh_cli_parse("console", opts, argc - 1, argv + 1, &npos, &help))
		goto out;
	if (help) {	/* lh_cli_parse printed it */
		rc = 0;
		goto out;
	}
	if (npos > 0) {	/* Terraform's words */
		fputs("Too many command line arguments. Did you mean to use -chdir?\n", stderr);
		goto out;
	}
	a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	size_t nin = 0;
	lh_var_input *in = lh_config_var_inputs(a, &vars, 1, &nin);
	lh_config *cfg = lh_config_load(a, ".", in, nin, &d);
	bool color = lh_cli_color(no_color);
	lh_state *st = NULL;
	if (cfg != NULL && d.errors == 0) {
		lh_state_opts so = {.path = state, .no_lock = true, .read_only = true};
		if (!lh_cmd_open_backend_state(&so, &st, &d))
			st = NULL;
	}
	/* each diagnostic and a newline, as Terraform's console prints them (its Ui.Error) */
	lh_diags_sort(&d);
	for (const lh_diag *g = d.head; g != NULL; g = g->next) {
		lh_diag_print_one(stderr, g, color);
		fputc('\n', stderr);
	}
	if (cfg == NULL || d.errors > 0) {
		lh_state_close(st);
		goto out;
	}
	rc = 0;
	/* Piped input as Terraform's console takes it (modePiped): every line is
	 * evaluated, the first error ends the session with exit 1 and prints nothing
	 * else, "exit" ends it quietly, and only the last line's result is printed. */
	bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	char *last = NULL;	/* the last result; none (an empty line) prints "" */
	ssize_t n;
	for (;;) {
		if (tty) {
			fputs("> ", stdout);
			fflush(stdout);
		}
		if ((n = getline(&line, &cap, stdin)) < 0) {
			if (tty)
				fputc('\n', stdout);
			else
				printf("%s\n", last ? last : "");
			break;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		size_t k = 0;
		while (k < (size_t)n && (line[k] == ' ' || line[k] == '\t'))
			k++;
		size_t e = (size_t)n;
		while (e > k && (line[e - 1] == ' ' || line[e - 1] == '\t'))
			e--;
		if (k == e) {	/* an empty line: an empty result */
			free(last);
			last = NULL;
			continue;
		}
		if (e - k == 4 && strncmp(line + k, "exit", 4) == 0)
			break;
		lh_arena *la = lh_arena_new();
		lh_diags ld;
		lh_diags_init(&ld, la);
		lh_source *src = lh_source_from_mem(la, "<console-input>", line, (size_t)n);
		lh_node *e_ = lh_parse_expr(la, src, &ld);
		lh_value *v = NULL;
		if (e_ != NULL && ld.errors == 0 && type_misused(e_))
			lh_diag_add(&ld, LH_DIAG_ERROR, NULL, 0, 0, "Invalid use of type function",
			    "The console-only \"type\" function cannot be used as part of an expression.");
		else if (e_ != NULL && ld.errors == 0)
			v = lh_config_eval(cfg, e_, st ? from_state : NULL, st, &ld);
		if (v != NULL && ld.errors == 0) {
			const char *txt = lh_val_console(la, v);
			if (tty) {
				fputs(txt, stdout);
				fputc('\n', stdout);
			} else {
				free(last);
				last = strdup(txt);
			}
		}
		fflush(stdout);
		lh_diags_sort(&ld);
		for (const lh_diag *g = ld.head; g != NULL; g = g->next) {
			lh_diag_print_one(stderr, g, color);
			fputc('\n', stderr);
		}
		fflush(stderr);
		bool failed = ld.errors > 0;
		lh_arena_free(la);
		if (failed && !tty) {
			rc = 1;
			break;
		}
	}
	free(last);
	lh_state_close(st);
out:
	free(line);
	lh_strlist_free(&vars);
	lh_arena_free(a);
	return rc;
}
