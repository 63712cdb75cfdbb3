/* cmd_plan.c - `plan`, `apply [PLANFILE]` and `destroy`: options, the run (apply.h),
 * the plan text / -json stream, the confirmation prompt, saved plans, Ctrl-C handling
 * and exit codes (0 ok, 1 error or cancelled, 2 plan -detailed-exitcode with changes). */
#include <ctype.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "backend.h"
#include "buf.h"
#include "cli.h"
#include "cmd_common.h"
#include "config.h"
#include "curl_dl.h"
#include "fmt.h"
#include "render.h"
#include "source.h"
#include "schema.h"
#include "uuid.h"

/* ---- shared helpers (cmd_common.h) ---- */

static cJSON *
pos_json(const lh_source *src, uint32_t off)
{
	int line, col;
	lh_source_pos(src, off, &line, &col);
	cJSON *p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "line", line);
	cJSON_AddNumberToObject(p, "column", col);
	cJSON_AddNumberToObject(p, "byte", off);
	return p;
}

/* Terraform's "range" and "snippet" of a JSON diagnostic (as validate -json writes
 * them); the code line is masked where it sets api_key (lh_diag_code_line). */
static void
diag_range_json(cJSON *dg, const lh_diag *g)
{
	cJSON *rg = cJSON_CreateObject(), *sn = cJSON_CreateObject();
	cJSON_AddStringToObject(rg, "filename", g->src->name);
	cJSON_AddItemToObject(rg, "start", pos_json(g->src, g->start));
	cJSON_AddItemToObject(rg, "end", pos_json(g->src, g->end));
	cJSON_AddItemToObject(dg, "range", rg);
	lh_snippet sp;
	if (!lh_diag_snippet(g, &sp)) {
		fputs("litehcl: out of memory\n", stderr);
		exit(1);
	}
	if (sp.none) {
		/* the file changed since it was read: no snippet, as Terraform without
		 * the source */
		lh_snippet_free(&sp);
		cJSON_Delete(sn);
		return;
	}
	if (sp.context)
		cJSON_AddStringToObject(sn, "context", sp.context);
	else
		cJSON_AddNullToObject(sn, "context");
	cJSON_AddStringToObject(sn, "code", sp.code);
	lh_snippet_free(&sp);
	cJSON_AddNumberToObject(sn, "start_line", sp.start_line);
	cJSON_AddNumberToObject(sn, "highlight_start_offset", (double)sp.hs);
	cJSON_AddNumberToObject(sn, "highlight_end_offset", (double)sp.he);
	cJSON *vals = cJSON_CreateArray();
	for (size_t k = 0; k < g->nvalues; k++) {
		cJSON *v = cJSON_CreateObject();
		cJSON_AddStringToObject(v, "traversal", g->values[k].traversal);
		cJSON_AddStringToObject(v, "statement", g->values[k].statement);
		cJSON_AddItemToArray(vals, v);
	}
	cJSON_AddItemToObject(sn, "values", vals);
	cJSON *fc = lh_render_function_call(g->calling);
	if (fc != NULL)
		cJSON_AddItemToObject(sn, "function_call", fc);
	cJSON_AddItemToObject(dg, "snippet", sn);
}

void
lh_cmd_print_diags(const lh_cmd_out *o, const lh_diags *d)
{
	if (!o->json) {
		if (d->head != NULL && o->ui)
			lh_diag_print_ui(stderr, d, o->color && isatty(2));
		else if (d->head != NULL)
			lh_diag_print(stderr, d, o->color && isatty(2));
		return;
	}
	for (const lh_diag *g = d->head; g != NULL; g = g->next) {
		cJSON *x = cJSON_CreateObject(), *dg = cJSON_CreateObject();
		bool err = g->sev == LH_DIAG_ERROR;
		cJSON_AddStringToObject(dg, "severity", err ? "error" : "warning");
		cJSON_AddStringToObject(dg, "summary", g->summary ? g->summary : "");
		cJSON_AddStringToObject(dg, "detail", g->detail ? g->detail : "");
		if (g->address != NULL)
			cJSON_AddStringToObject(dg, "address", g->address);
		if (g->src != NULL)
			diag_range_json(dg, g);
		cJSON_AddItemToObject(x, "diagnostic", dg);
		lh_ui_emit(stdout, err ? "error" : "warn", "diagnostic", x, "%s: %s",
		    err ? "Error" : "Warning", g->summary ? g->summary : "");
	}
}

static const char *
verb(const char *ev)
{
	if (strcmp(ev, "create") == 0) return "Creating...";
	if (strcmp(ev, "update") == 0) return "Modifying...";
	if (strcmp(ev, "delete") == 0) return "Destroying...";
	if (strcmp(ev, "refresh") == 0) return "Refreshing state...";
	if (strcmp(ev, "read") == 0) return "Reading...";
	if (strcmp(ev, "import_prepare") == 0) return "Preparing import...";
	if (strcmp(ev, "import") == 0) return "Importing...";
	if (strcmp(ev, "import_done") == 0) return "Import complete";
	return NULL;
}

static void progress_print(const lh_cmd_out *o, const char *addr, const char *type,
    const char *name, const cJSON *index, const char *ev, const char *id, double secs);

void
lh_cmd_progress(void *ctx, const char *addr, const char *type, const char *name,
    const cJSON *index, const char *ev, const char *id, double secs)
{
	const lh_cmd_out *o = ctx;
	/* a refresh's completion says nothing in human mode (2,300 of them in a plan of
	 * 2,300 instances): not even the lock */
	if (!o->json && ev[0] == 'r' && strcmp(ev, "refresh_done") == 0)
		return;
	/* one lock with the "Still creating..." ticker (cmd_progress.c) */
	lh_cmd_progress_lock();
	lh_cmd_progress_track(ctx, addr, type, name, index, ev, id);
	progress_print(ctx, addr, type, name, index, ev, id, secs);
	lh_cmd_progress_unlock();
}

static void
progress_print(const lh_cmd_out *o, const char *addr, const char *type, const char *name,
    const cJSON *index, const char *ev, const char *id, double secs)
{
	long s = (long)secs;
	if (o->json) {
		cJSON *x = cJSON_CreateObject(), *hook = cJSON_CreateObject();
		cJSON_AddItemToObject(hook, "resource", lh_ui_resource(addr, type, name, index));
		const char *t = NULL, *msg = NULL;
		char buf[1024];
		if (strcmp(ev, "refresh") == 0) {
			t = "refresh_start";
			msg = "Refreshing state...";
		} else if (strcmp(ev, "refresh_done") == 0) {
			t = "refresh_complete";
			msg = "Refresh complete";
		} else if (strcmp(ev, "create") == 0 || strcmp(ev, "update") == 0 ||
		    strcmp(ev, "delete") == 0 || strcmp(ev, "read") == 0) {
			t = "apply_start";
			cJSON_AddStringToObject(hook, "action", strcmp(ev, "create") == 0 ? "create" :
			    strcmp(ev, "update") == 0 ? "update" : ev[0] == 'r' ? "read" : "delete");
			/* Terraform's JSON words a data source read as a refresh */
			msg = ev[0] == 'r' ? "Refreshing..." : verb(ev);
		} else if (strcmp(ev, "read_done") == 0) {
			t = "apply_complete";
			cJSON_AddStringToObject(hook, "action", "read");
			snprintf(buf, sizeof buf, "Refresh complete after %lds", s);
			msg = buf;
			cJSON_AddNumberToObject(hook, "elapsed_seconds", s);
		} else if (strstr(ev, "_errored") != NULL) {
			t = "apply_errored";
			const char *a = ev[0] == 'c' ? "create" : ev[0] == 'u' ? "update" : "delete";
			cJSON_AddStringToObject(hook, "action", a);
			snprintf(buf, sizeof buf, "%s errored after %lds", a[0] == 'c' ? "Creation" :
			    a[0] == 'u' ? "Modifications" : "Destruction", s);
			msg = buf;
			cJSON_AddNumberToObject(hook, "elapsed_seconds", s);
		} else if (strstr(ev, "_done") != NULL && strncmp(ev, "import", 6) != 0) {
			t = "apply_complete";
			const char *a = strncmp(ev, "create", 6) == 0 ? "create" :
			    strncmp(ev, "update", 6) == 0 ? "update" : "delete";
			cJSON_AddStringToObject(hook, "action", a);
			snprintf(buf, sizeof buf, "%s complete after %lds",
			    a[0] == 'c' ? "Creation" : a[0] == 'u' ? "Modifications" : "Destruction", s);
			msg = buf;
			cJSON_AddNumberToObject(hook, "elapsed_seconds", s);
		} else {
			t = strcmp(ev, "import_done") == 0 ? "import_complete" : "import_start";
			msg = verb(ev);
		}
		/* a finished delete has no id any more (Terraform) */
		if (strcmp(ev, "delete_done") == 0)
			id = NULL;
		if (id != NULL) {
			cJSON_AddStringToObject(hook, "id_key", "id");
			cJSON_AddStringToObject(hook, "id_value", id);
		}
		cJSON_AddItemToObject(x, "hook", hook);
		lh_ui_emit(stdout, "info", t, x, "%s: %s%s%s%s", addr, msg ? msg : ev,
		    id ? " [id=" : "", id ? id : "", id ? "]" : "");
		return;
	}
	bool refresh = ev[0] == 'r' && strcmp(ev, "refresh") == 0;	/* most of them */
	if (!refresh && (strstr(ev, "_errored") != NULL || strcmp(ev, "refresh_done") == 0))
		return;
	const char *what, *tail = NULL;
	bool always = !refresh && (strcmp(ev, "create_done") == 0 ||
	    strcmp(ev, "update_done") == 0);
	char after[64];
	if (refresh) {
		what = "Refreshing state...";
		tail = id;
	} else if (strcmp(ev, "create_done") == 0 || strcmp(ev, "update_done") == 0 ||
	    strcmp(ev, "delete_done") == 0 || strcmp(ev, "read_done") == 0) {
		snprintf(after, sizeof after, "%s complete after %lds", ev[0] == 'c' ? "Creation" :
		    ev[0] == 'u' ? "Modifications" : ev[0] == 'd' ? "Destruction" : "Read", s);
		what = after;
		tail = ev[0] == 'd' ? NULL : id;
	} else {
		what = verb(ev) ? verb(ev) : ev;
		tail = strcmp(ev, "create") != 0 ? id : NULL;
	}
	/* one line built by hand: a refresh prints thousands (printf cost most of them) */
	const char *parts[] = {o->color ? "\x1b[1m" : "", addr, ": ", what,
	    tail != NULL || always ? " [id=" : "", tail != NULL ? tail : "",
	    tail != NULL || always ? "]" : "",
	    o->color ? "\x1b[0m" : "", "\n"};
	char line[1024];
	size_t n = 0;
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
		size_t k = strlen(parts[i]);
		if (n + k > sizeof line) {
			fwrite(line, 1, n, stdout);
			n = 0;
		}
		if (k > sizeof line)
			fwrite(parts[i], 1, k, stdout);
		else {
			memcpy(line + n, parts[i], k);
			n += k;
		}
	}
	fwrite(line, 1, n, stdout);
}

bool
lh_cmd_open_state(const char *path, bool lock, const char *lock_timeout,
    const char *operation, bool read_only, lh_state **st, lh_diags *d)
{
	return lh_cmd_open_state_provider(path, lock, lock_timeout, operation, read_only,
	    NULL, st, d);
}

bool
lh_cmd_open_state_provider(const char *path, bool lock, const char *lock_timeout,
    const char *operation, bool read_only, const char *provider, lh_state **st,
    lh_diags *d)
{
	lh_state_opts so = {.path = path, .no_lock = !lock, .operation = operation,
	    .read_only = read_only, .provider_source = provider};
	if (lock_timeout != NULL && !lh_duration_parse(lock_timeout, &so.lock_timeout_s)) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid -lock-timeout",
		    "\"%s\" is not a duration such as 10s or 2m.", lock_timeout);
		return false;
	}
	return lh_cmd_open_backend_state(&so, st, d);
}

bool
lh_cmd_open_backend_state(lh_state_opts *so, lh_state **st, lh_diags *d)
{
	char *bpath = NULL;
	if (so->path == NULL) {
		/* No -state: the configured backend's current workspace. */
		lh_backend *b = NULL;
		if (!lh_backend_current(&b, d))
			return false;
		bool ok = lh_backend_open(b, lh_backend_workspace(), true, &so->store, &bpath, d);
		lh_backend_free(b);
		if (!ok)
			return false;
		so->path = bpath;
	}
	bool ok = lh_state_open(so, st, d);
	free(bpath);
	so->path = NULL;
	so->store = NULL;
	return ok;
}

bool
lh_cmd_resolve_intents(lh_arena *a, lh_state *st, bool read_only, lh_diags *d)
{
	size_t n = 0;
	const lh_state_intent *ints = lh_state_intents(st, &n);
	if (n == 0)
		return true;
	char *first = lh_addr_format(a, &ints[0].addr);
	size_t nint = n;
	/* the provider settings of the configuration here, else the environment */
	lh_diags cd, rd;
	lh_diags_init(&cd, a);
	lh_diags_init(&rd, a);
	lh_config *cfg = lh_config_load(a, ".", NULL, 0, &cd);
	lh_run r;
	lh_run_opts ro = {.mode = LH_PLAN_NORMAL, .refresh = false, .parallelism = 10,
	    .read_only = read_only};
	lh_run_init(&r, a, &rd, cfg != NULL && cd.errors == 0 ? cfg : NULL, st, &ro);
	bool ok = lh_run_http(&r);
	r.cfg = NULL;	/* only the interrupted run's changes are looked up */
	if (ok)
		ok = lh_refresh(&r);
	lh_run_free(&r);
	if (ok)
		return true;
	const char *why = rd.head && rd.head->summary ? rd.head->summary : "unknown error";
	lh_diag_add(d, read_only ? LH_DIAG_WARNING : LH_DIAG_ERROR, NULL, 0, 0,
	    "Unfinished changes of an interrupted run",
	    "The state journal of %s holds %zu change(s) whose result was never recorded "
	    "(%s%s), and they could not be looked up on the LiteLLM server (%s). %s Run "
	    "litehcl plan or apply with the server reachable to recover them.",
	    lh_state_path(st), nint, first, nint > 1 ? ", ..." : "", why,
	    read_only ? "What is shown may miss them." : "Nothing was changed.");
	return false;
}

void
lh_cmd_flush_warnings(lh_diags *d)
{
	if (d->errors > 0 || d->head == NULL)
		return;
	lh_diag_print(stderr, d, false);
	d->head = d->tail = NULL;
	d->warnings = 0;
}

/* ---- plan / apply / destroy ---- */

/* plan -generate-config-out=FILE (Terraform 1.5): for each import block whose target
 * has no resource block, reads the object and writes a resource block for it into the
 * new file FILE, laid out by fmt; the plan then reads the configuration with it. */
static bool
generate_config(lh_arena *a, const char *path, const lh_var_input *vi, size_t nvi,
    lh_diags *d)
{
	if (access(path, F_OK) == 0) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Target generated file already exists",
		    "litehcl can only write generated config into a new file. Either choose a "
		    "different target location or move all existing configuration out of the "
		    "target file, delete it and try again.");
		return false;
	}
	lh_config_set_missing_imports_ok(true);
	lh_config *cfg = lh_config_load(a, ".", vi, nvi, d);
	lh_config_set_missing_imports_ok(false);
	if (cfg == NULL || d->errors > 0)
		return false;
	lh_buf text = {0};
	lh_run r;
	lh_run_opts ro = {.mode = LH_PLAN_NORMAL, .parallelism = 10, .read_only = true};
	lh_run_init(&r, a, d, cfg, NULL, &ro);
	size_t n = 0;
	bool ok = true;
	for (size_t i = 0; i < cfg->nimports && ok; i++) {
		const lh_import *im = cfg->imports[i];
		if (im->res != NULL)
			continue;
		const lh_rtype *rt = lh_rtype_find(im->to_addr.type);
		if (rt == NULL) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid resource type",
			    "Cannot generate configuration for %s: litehcl supports %s.", im->to,
			    lh_rtype_list_text());
			ok = false;
			break;
		}
		if (im->to_addr.kind != LH_KEY_NONE) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot generate configuration",
			    "The given import block is not compatible with config generation. The "
			    "-generate-config-out option cannot be used with import blocks which "
			    "target resource instances with keys (%s): declare the resource with its "
			    "count or for_each first.", im->to);
			ok = false;
			break;
		}
		if (im->id == NULL || lh_val_is_unknown(im->id) || lh_val_is_null(im->id)) {
			ok = false;
			break;
		}
		const char *id = lh_arena_strndup(a, im->id->u.str.s, im->id->u.str.len);
		if (!lh_run_http(&r)) {
			ok = false;
			break;
		}
		bool gone = false;
		cJSON *attrs = lh_refresh_read_one(&r, rt, im->to, id, true, &gone);
		if (attrs == NULL) {
			if (gone)
				lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot import non-existent "
				    "remote object", "While attempting to import an existing object to "
				    "\"%s\", the provider detected that no object exists with the given "
				    "id. Only pre-existing objects can be imported; check that the id is "
				    "correct and that it is associated with the provider's configured "
				    "region or endpoint, or use \"litehcl apply\" to create a new remote "
				    "object for this resource.", im->to);
			ok = false;
			break;
		}
		if (n++ == 0)
			lh_buf_puts(&text, "# __generated__ by litehcl\n# Please review these "
			    "resources and move them into your main configuration files.\n\n");
		lh_buf_puts(&text, "# __generated__ by litehcl from ");
		char *q = lh_arena_printf(a, "\"%s\"", id);
		lh_buf_puts(&text, q);
		lh_buf_putc(&text, '\n');
		lh_adopt_resource_block(&text, rt, im->to_addr.name, attrs, NULL);
		cJSON_Delete(attrs);
	}
	lh_run_free(&r);
	if (ok && n > 0) {
		lh_source *src = lh_source_from_mem(a, path, text.p, text.len);
		size_t flen = 0;
		const char *f = lh_fmt_file(a, src, d, &flen);
		FILE *fp = f != NULL ? fopen(path, "wx") : NULL;
		if (f == NULL || fp == NULL || fwrite(f, 1, flen, fp) != flen || fclose(fp) != 0) {
			if (f != NULL)
				lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to write generated "
				    "config", "Cannot write %s.", path);
			ok = false;
		}
	}
	free(text.p);
	return ok;
}

/* Terraform's warning for removed blocks with destroy = false. */
static void
forget_warning(lh_arena *a, const lh_plan *p, lh_diags *d)
{
	char *list = NULL;
	for (size_t i = 0; i < p->n; i++)
		if (p->changes[i].action == LH_ACT_FORGET)
			list = lh_arena_printf(a, "%s - %s\n", list ? list : "", p->changes[i].addr);
	if (list == NULL)
		return;
	lh_diag_add(d, LH_DIAG_WARNING, NULL, 0, 0, "Some objects will no longer be managed by "
	    "litehcl", "If you apply this plan, litehcl will discard its tracking information "
	    "for the following objects, but it will not delete them:\n%s\nAfter applying this "
	    "plan, litehcl will no longer manage these objects. You will need to import them "
	    "into litehcl to manage them again.", list);
}

/* Saved plans and variables.  plan -out records every variable's value as
 * "variables": {name: {"value", "type"}}, except the secret ones (sensitive, ephemeral,
 * or reaching a sensitive argument: lh_config_var_secret), which are recorded as a
 * salted digest in "secret_variables" and must be given again to apply the plan. */
static void
add_plan_variables(lh_arena *a, const lh_config *cfg, cJSON *pj)
{
	cJSON *vars = cJSON_AddObjectToObject(pj, "variables");
	cJSON *secret = cJSON_AddObjectToObject(pj, "secret_variables");
	for (size_t i = 0; i < cfg->nvariables; i++) {
		const lh_variable *v = cfg->variables[i];
		if (v->value == NULL || lh_val_is_unknown(v->value))
			continue;
		const char *err = NULL;
		cJSON *j = lh_val_to_cjson(v->value, &err);
		if (j == NULL)
			continue;
		if (lh_config_var_secret(cfg, v)) {
			char salt[LH_UUID_LEN + 1];
			char *dig = lh_uuid_v4(salt) ? lh_sens_digest(a, salt, j) : NULL;
			cJSON_AddItemToObject(secret, v->name, dig ? cJSON_CreateString(dig) :
			    cJSON_CreateNull());
			cJSON_Delete(j);
			continue;
		}
		cJSON *e = cJSON_AddObjectToObject(vars, v->name);
		cJSON_AddItemToObject(e, "value", j);
		cJSON_AddStringToObject(e, "type", lh_type_name(a, v->value->type));
	}
}

/* -var NAME=... for a variable the saved plan holds is refused, as Terraform does
 * ("a saved plan includes the variable values that were set when it was created"). */
static bool
planned_var_flags(lh_arena *a, const cJSON *pvars, const lh_var_input *vi, size_t nvi,
    lh_diags *d)
{
	for (size_t i = 0; i < nvi; i++) {
		if (vi[i].file)
			continue;
		const char *eq = strchr(vi[i].text, '=');
		char *name = lh_arena_strndup(a, vi[i].text, eq ? (size_t)(eq - vi[i].text) :
		    strlen(vi[i].text));
		if (cJSON_GetObjectItemCaseSensitive(pvars, name) != NULL) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Can't change variable when "
			    "applying a saved plan", "The variable %s cannot be set using the -var "
			    "and -var-file options when applying a saved plan file, because it is "
			    "neither ephemeral nor sensitive: its value is in the plan. To declare "
			    "an ephemeral variable which is not saved in the plan file, use "
			    "ephemeral = true.", name);
			return false;
		}
	}
	return true;
}

/* Every secret variable must be given again at apply PLANFILE with the value the plan
 * was made with (its digest), or the plan is refused before any request. */
static bool
secret_vars_match(lh_arena *a, const lh_config *cfg, const cJSON *saved, lh_diags *d)
{
	const cJSON *sec = cJSON_GetObjectItemCaseSensitive(saved, "secret_variables");
	const cJSON *e;
	cJSON_ArrayForEach(e, sec) {
		const lh_variable *v = NULL;
		for (size_t i = 0; i < cfg->nvariables && v == NULL; i++)
			if (strcmp(cfg->variables[i]->name, e->string) == 0)
				v = cfg->variables[i];
		const char *want = cJSON_GetStringValue(e);
		const char *colon = want ? strchr(want, ':') : NULL;
		if (v == NULL || colon == NULL)
			continue;	/* the configuration changed: the plan's checks catch it */
		const char *err = NULL;
		cJSON *j = v->value != NULL && !lh_val_is_unknown(v->value) ?
		    lh_val_to_cjson(v->value, &err) : NULL;
		char *salt = lh_arena_strndup(a, want, (size_t)(colon - want));
		char *got = j != NULL ? lh_sens_digest(a, salt, j) : NULL;
		cJSON_Delete(j);
		if (got == NULL || strcmp(got, want) != 0) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Mismatching variable value",
			    "The value of var.%s is not the value the saved plan was made with. "
			    "The plan file does not store it (it is %s): give it the same value as "
			    "when the plan was created (-var, -var-file or TF_VAR_%s), or create a "
			    "new plan. Nothing was changed.", v->name, v->ephemeral ? "ephemeral" :
			    v->sensitive ? "sensitive" : "used by a sensitive argument", v->name);
			return false;
		}
	}
	return true;
}

/* Checks the provider settings every request needs (address and key), naming the
 * provider argument and the environment variable; creates the HTTP client. */
static bool
provider_ready(lh_run *r, const lh_config *cfg, lh_diags *d)
{
	if (!lh_run_http(r))
		return false;
	if (cfg->provider.api_key == NULL || *cfg->provider.api_key == '\0') {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "No LiteLLM API key",
		    "litehcl needs an API key (the proxy's master key or an admin key) to talk to "
		    "the LiteLLM proxy at %s: set api_key in the provider \"litellm\" block, or "
		    "the LITELLM_API_KEY environment variable.", cfg->provider.api_base);
		return false;
	}
	return true;
}

enum { CMD_PLAN, CMD_APPLY, CMD_DESTROY };

static lh_run *active_run;
static volatile sig_atomic_t interrupts;
static volatile sig_atomic_t reading;	/* refresh: only reads in flight */

/* A read hung past the first Ctrl-C: nothing is lost by leaving (Terraform cancels
 * in-flight reads); the journal and the state were not being written. */
static void
on_alarm(int sig)
{
	(void)sig;
	if (reading || interrupts >= 2)	/* (the second: if its message could not go out) */
		_exit(1);
}

static void
on_sigint(int sig)
{
	(void)sig;
	interrupts++;
	/* Terraform's words, printed by cmd_interrupt.c's thread (on stdout after what is
	 * already there; the second's on stderr, then the exit) */
	lh_cmd_interrupt_notify(interrupts);
	if (interrupts >= 2) {
		alarm(1);
		return;
	}
	if (active_run != NULL)
		lh_apply_interrupt(active_run);
	if (reading)
		alarm(1);
}

/* Terraform's validate would pass the configuration (its variables unknown, no tfvars
 * read): errors the plan's own loading and validation found are then ones Terraform
 * meets only while planning. */
static bool
validate_would_pass(void)
{
	lh_arena *a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	lh_config *cfg = lh_config_load_opts(a, ".", NULL, 0, true, &d);
	bool ok = cfg != NULL && d.errors == 0 && lh_config_validate(cfg, &d) && d.errors == 0;
	lh_arena_free(a);
	return ok;
}

/* d's errors, from loading or validating the configuration for a plan, are ones
 * Terraform reports after it started planning: a variable's value of the wrong type or
 * failing its validation, an expression that fails with the values given - not a
 * variable without a value or anything validate finds. */
static bool
failed_while_planning(const lh_diags *d)
{
	bool values_only = true;
	for (const lh_diag *g = d->head; g != NULL; g = g->next) {
		if (g->sev != LH_DIAG_ERROR)
			continue;
		if (strcmp(g->summary, "No value for required variable") == 0)
			return false;
		if (strcmp(g->summary, "Invalid value for input variable") != 0 &&
		    strcmp(g->summary, "Invalid value for variable") != 0 &&
		    strcmp(g->summary, "Required variable not set") != 0)
			values_only = false;
	}
	return values_only || validate_would_pass();
}

/* Terraform's words when a plan fails after planning started, on stdout before the
 * errors (its renderer of a plan with errors and no changes); -json: the empty plan's
 * change summary.  Apply says it only of a plan it made (lh_render_plan, errored), as
 * Terraform, whose apply renders a failed plan only when it holds an instance. */
static void
planning_failed(const lh_cmd_out *o)
{
	if (o->json) {
		lh_plan empty;
		memset(&empty, 0, sizeof empty);
		lh_ui_plan(stdout, &empty, "plan");
	} else if (o->color) {
		fputs("\n\033[0m\033[1m\033[31mPlanning failed.\033[0m\033[1m litehcl encountered "
		    "an error while generating this plan.\033[0m\n\n\033[0m", stdout);
	} else {
		fputs("\nPlanning failed. litehcl encountered an error while generating this "
		    "plan.\n\n", stdout);
	}
}

/* plan -out: the plan r made, with what it was made against (checked again by apply
 * PLANFILE; a state that did not exist yet has no lasting lineage) and its variables. */
static bool
write_planfile(lh_arena *a, lh_run *r, lh_config *cfg, lh_state *st, bool targeted,
    const char *out, lh_diags *d)
{
	cJSON *pj = lh_run_plan_to_json(r);
	cJSON_AddBoolToObject(pj, "state_existed", lh_state_existed(st));
	cJSON_AddStringToObject(pj, "lineage", lh_state_lineage(st));
	cJSON_AddNumberToObject(pj, "serial", (double)lh_state_serial(st));
	cJSON_AddBoolToObject(pj, "targeted", targeted);
	add_plan_variables(a, cfg, pj);
	bool ok = lh_planfile_write(out, st, pj, d);
	cJSON_Delete(pj);
	return ok;
}

/* After a Ctrl-C during refresh: the run stops here (exit 1). */
static bool
interrupted(lh_diags *d)
{
	if (interrupts == 0)
		return false;
	lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Operation cancelled",
	    "litehcl was interrupted while reading the current state of the users; nothing "
	    "was changed.");
	return true;
}

/* Asks for approval; 1 for "yes", 0 for any other answer, -1 when stdin ends first
 * (Terraform reads the answer even with -input=false, and fails on EOF). */
static int
confirm(int kind, bool refresh_only)
{
	if (refresh_only)
		fputs("\nWould you like to update the litehcl state to reflect these detected "
		    "changes?\n"
		    "  litehcl will write these changes to the state without modifying any real\n"
		    "  infrastructure.\n"
		    "  There is no undo. Only 'yes' will be accepted to confirm.\n\n"
		    "  Enter a value: ", stdout);
	else if (kind == CMD_DESTROY)
		fputs("\nDo you really want to destroy all resources?\n"
		    "  litehcl will destroy all your managed infrastructure, as shown above.\n"
		    "  There is no undo. Only 'yes' will be accepted to confirm.\n\n"
		    "  Enter a value: ", stdout);
	else
		fputs("\nDo you want to perform these actions?\n"
		    "  litehcl will perform the actions described above.\n"
		    "  Only 'yes' will be accepted to approve.\n\n"
		    "  Enter a value: ", stdout);
	fflush(stdout);
	char line[64];
	if (fgets(line, sizeof line, stdin) == NULL)
		return -1;
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "yes") == 0;
}

/* Records what refresh found in the state (apply writes it; plan does not). */
static void
store_refreshed(lh_run *r)
{
	lh_run_store_data(r);
	for (size_t i = 0; i < r->nrecs; i++) {
		lh_rec *x = r->recs[i];
		if (!x->in_state || !x->refreshed || x->id.data)
			continue;
		if (x->have == NULL) {
			lh_state_remove(r->st, &x->id);
			continue;
		}
		lh_state_inst *si = lh_state_find(r->st, &x->id);
		if (si != NULL && si->attributes == x->have)
			continue;	/* unchanged: refresh borrowed the state's own tree */
		cJSON *deps = si && si->dependencies ? cJSON_Duplicate(si->dependencies, 1) : NULL;
		cJSON *sens = si && si->sensitive_attributes ?
		    cJSON_Duplicate(si->sensitive_attributes, 1) : NULL;
		lh_state_set(r->st, &x->id, cJSON_Duplicate(x->have, 1), deps, sens);
	}
}

/* Applying a saved plan: what its refresh found goes into the state first. */
static void
store_drift(lh_run *r)
{
	for (size_t i = 0; i < r->plan->ndrift; i++) {
		const lh_change *c = &r->plan->drift[i];
		lh_addr id;
		const char *err = NULL;
		if (!lh_addr_parse(r->a, c->addr, &id, &err))
			continue;
		lh_state_inst *si = lh_state_find(r->st, &id);
		if (si == NULL)
			continue;
		if (c->action == LH_ACT_DELETE || c->after == NULL) {
			lh_state_remove(r->st, &id);
			continue;
		}
		cJSON *deps = si->dependencies ? cJSON_Duplicate(si->dependencies, 1) : NULL;
		cJSON *sens = si->sensitive_attributes ?
		    cJSON_Duplicate(si->sensitive_attributes, 1) : NULL;
		lh_state_set(r->st, &id, cJSON_Duplicate(c->after, 1), deps, sens);
	}
}

static void
print_summary(const lh_run *r, int kind, const lh_cmd_out *o)
{
	char msg[256];
	if (kind == CMD_DESTROY)
		snprintf(msg, sizeof msg, "Destroy complete! Resources: %d destroyed.", r->destroyed);
	else if (r->imported > 0)
		snprintf(msg, sizeof msg, "Apply complete! Resources: %d imported, %d added, %d "
		    "changed, %d destroyed.", r->imported, r->added, r->changed, r->destroyed);
	else
		snprintf(msg, sizeof msg, "Apply complete! Resources: %d added, %d changed, %d "
		    "destroyed.", r->added, r->changed, r->destroyed);
	if (o->json) {
		cJSON *x = cJSON_CreateObject(), *ch = cJSON_CreateObject();
		cJSON_AddNumberToObject(ch, "add", r->added);
		cJSON_AddNumberToObject(ch, "change", r->changed);
		cJSON_AddNumberToObject(ch, "import", r->imported);
		cJSON_AddNumberToObject(ch, "remove", r->destroyed);
		cJSON_AddStringToObject(ch, "operation", kind == CMD_DESTROY ? "destroy" : "apply");
		cJSON_AddItemToObject(x, "changes", ch);
		lh_ui_emit(stdout, "info", "change_summary", x, "%s", msg);
		const cJSON *outs = lh_state_outputs(r->st);
		cJSON *y = cJSON_CreateObject(), *os = cJSON_CreateObject();
		const cJSON *e;
		cJSON_ArrayForEach(e, outs) {
			cJSON *v = cJSON_CreateObject();
			bool sens = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "sensitive"));
			cJSON_AddBoolToObject(v, "sensitive", sens);
			const cJSON *val = cJSON_GetObjectItemCaseSensitive(e, "value");
			cJSON_AddItemToObject(v, "type", lh_render_json_type(val));
			if (!sens)
				cJSON_AddItemToObject(v, "value", cJSON_Duplicate(val, 1));
			cJSON_AddItemToObject(os, e->string, v);
		}
		cJSON_AddItemToObject(y, "outputs", os);
		lh_ui_emit(stdout, "info", "outputs", y, "Outputs: %d", cJSON_GetArraySize(outs));
		return;
	}
	if (o->color)
		printf("\n\x1b[1m\x1b[32m%s\x1b[0m\n", msg);
	else
		printf("\n%s\n", msg);
	const cJSON *outs = lh_state_outputs(r->st);
	if (kind != CMD_DESTROY && outs != NULL && outs->child != NULL) {
		printf("%s\nOutputs:%s\n\n", o->color ? "\x1b[1m\x1b[32m" : "", o->color ? "\x1b[0m" : "");
		fflush(stdout);
		lh_render_outputs(stdout, outs, true);
	}
}

/* Set while `refresh` runs as `apply -refresh-only -auto-approve`: a positional
 * argument is then an error (not a plan file), in refresh's words. */
static bool as_refresh;

/* What Terraform 1.11 says of a -target or -replace address it cannot parse (HCL's
 * traversal errors, then addrs' resource checks), or NULL when the text parses as a
 * traversal of a resource (litehcl's own check then decides). */
static const char *
target_problem(const char *s)
{
	size_t i = 0, steps = 0, keys = 0;
	bool key_last = false, data = strncmp(s, "data.", 5) == 0;
	if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return "Must begin with a variable name.";
	while (s[i] != '\0') {
		if (steps == 0 || s[i] == '.') {
			if (steps > 0)
				i++;
			if (!(isalpha((unsigned char)s[i]) || s[i] == '_'))
				return steps > 0 ? "Dot must be followed by attribute name." :
				    "Must begin with a variable name.";
			while (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-')
				i++;
			if (key_last)
				return "Unexpected extra operators after address.";
			steps++;
		} else if (s[i] == '[') {
			i++;
			if (s[i] == '"') {
				for (i++; s[i] != '\0' && s[i] != '"'; i++)
					if (s[i] == '\\' && s[i + 1] != '\0')
						i++;
				if (s[i] != '"')
					return "Index brackets must contain either a literal number or a literal string.";
				i++;
			} else if (isdigit((unsigned char)s[i])) {
				while (isdigit((unsigned char)s[i]))
					i++;
			} else {
				return "Index brackets must contain either a literal number or a literal string.";
			}
			if (s[i] != ']')
				return "Index key must be followed by a closing bracket.";
			i++;
			keys++;
			key_last = true;
			if (keys > 1)
				return "Unexpected extra operators after address.";
		} else {
			return NULL;	/* something else: litehcl's check words it */
		}
	}
	size_t names = steps - (data ? 1 : 0);
	if (names < 2)
		return "Resource specification must include a resource type and name.";
	if (names > 2 && strncmp(s, "module.", 7) != 0)
		return "Resource instance key must be given in square brackets.";
	return NULL;
}

/* ---- the refresh's reads sent during validation (plan) ----
 *
 * A plan's refresh reads depend only on the state (and on the -refresh and -target
 * flags and the moved and import blocks, known once the configuration is loaded): so
 * plan reads the state and queues the refresh's requests on a thread of its own (the
 * early worker) while the main thread validates the configuration, and the requests
 * travel (lh_refresh_early: a background thread does the network part) meanwhile.
 * Nothing of it shows unless the configuration is valid: the same requests,
 * diagnostics, output and exit codes as reading the state after validating - a state
 * that cannot be opened at once (its lock held by another run, a corrupt file ...),
 * that has anything to say or that a remote backend keeps is left for that usual open,
 * and an invalid configuration drops the reads at once.  The one difference is the
 * lock, taken before the validation instead of after it (as Terraform takes it), and
 * released if the configuration is invalid.  LITEHCL_NO_PREFETCH=1 turns it off.
 *
 * The worker touches nothing the validation uses but what neither changes: the
 * configuration as loaded (lh_config_resource_find, the provider's settings), the
 * process-wide key table (thread-safe, json.c); its run, state, diagnostics and arena
 * are its own until the main thread has joined it.  The backend and the workspace are
 * looked up by the main thread before it starts; libcurl's loading is waited for by
 * the worker (lh_curl_load_beside). */

/* Until the Ctrl-C handling of the refresh is in place, a Ctrl-C or SIGTERM ends the
 * process as it did before (killed by the signal; ignored if it was ignored), and the
 * lock information written early goes first: nothing is left behind.  The handler
 * runs on the main thread (the worker blocks every signal); while the worker is
 * opening the state (the lock information may be written already, its name not known
 * yet) the signal waits in early_phase for the worker, which acts on it as soon as the
 * open ends. */
enum { EARLY_OPENING, EARLY_LOCKED, EARLY_DONE };	/* early_phase & 3; the signal above */
static atomic_int early_phase = EARLY_DONE;
static char early_lock_file[4096];	/* set before early_phase says EARLY_LOCKED */
static struct sigaction early_old[2];
static const int early_sigs[2] = {SIGINT, SIGTERM};

/* Ends the process as sig does by default, the lock information first when
 * unlink_lock.  In the handler it is raised again for when the handler returns; the
 * worker (which blocks every signal) sends it to the process - the main thread takes
 * it - and waits for the end. */
static void
early_die(int sig, bool unlink_lock, bool in_handler)
{
	if (unlink_lock)
		unlink(early_lock_file);
	signal(sig, SIG_DFL);
	if (in_handler) {
		raise(sig);
		return;
	}
	kill(getpid(), sig);
	for (;;)
		pause();
}

static void
on_early_signal(int sig)
{
	int cur = atomic_load(&early_phase);
	while ((cur & 3) == EARLY_OPENING) {
		if (atomic_compare_exchange_weak(&early_phase, &cur, EARLY_OPENING | sig << 2))
			return;	/* the worker ends the process when the open ends */
	}
	early_die(sig, (cur & 3) == EARLY_LOCKED, true);
}

static void
early_signals(bool on)
{
	for (int i = 0; i < 2; i++) {
		if (!on) {
			sigaction(early_sigs[i], &early_old[i], NULL);
			continue;
		}
		sigaction(early_sigs[i], NULL, &early_old[i]);
		if (early_old[i].sa_handler != SIG_DFL)
			continue;
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_early_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(early_sigs[i], &sa, NULL);
	}
}

/* The worker's phase moves to `to` (EARLY_LOCKED once the lock information's name is
 * in early_lock_file, EARLY_DONE before the state is closed); a signal that came while
 * it was opening ends the process now. */
static void
early_phase_set(int to)
{
	int was = atomic_exchange(&early_phase, to);
	if ((was & 3) == EARLY_OPENING && was >> 2 != 0)
		early_die(was >> 2, to == EARLY_LOCKED, false);
}

/* The early worker: what it is given, what it made.  Its thread is made before
 * libcurl's loading starts (early_prestart): glibc makes no thread while a dlopen runs
 * (pthread_create waited ~5 ms for the loader's), and waits for its job. */
typedef struct early {
	pthread_t thread;
	bool made;		/* the thread runs (until early_finish or early_release) */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int go;			/* 0: wait; 1: the job below is ready; -1: leave */
	lh_run *r;
	lh_config *cfg;
	lh_run_opts ro;
	lh_state_opts so;
	char *bpath;		/* the state's path from the backend (so.path), malloc'd */
	lh_arena *a;		/* the run's arena (the main thread's is the validation's) */
	lh_diags d;		/* the worker's diagnostics (any: the usual open runs) */
	atomic_int cancel;	/* the configuration is invalid: no reads */
	bool ok;		/* r made, st open, the reads under way */
	lh_state *st;
} early;

static void *
early_main(void *arg)
{
	early *e = arg;
	pthread_mutex_lock(&e->mu);
	while (e->go == 0)
		pthread_cond_wait(&e->cv, &e->mu);
	int go = e->go;
	pthread_mutex_unlock(&e->mu);
	if (go < 0)
		return NULL;
	lh_state *es = NULL;
	bool opened = lh_state_open(&e->so, &es, &e->d) && e->d.head == NULL;
	const char *lf = opened ? lh_state_lock_file(es) : NULL;
	if (lf != NULL && strlen(lf) < sizeof early_lock_file)
		memcpy(early_lock_file, lf, strlen(lf) + 1);
	early_phase_set(lf != NULL && strlen(lf) < sizeof early_lock_file ? EARLY_LOCKED :
	    EARLY_DONE);
	/* libcurl, loading since the flags were read, is waited for here (curl_dl.h: the
	 * main thread leaves it to this one until it joins it); a library that is not
	 * usable yet is the usual way's to load and report */
	if (!opened || atomic_load(&e->cancel) || !lh_curl_load_beside()) {
		early_phase_set(EARLY_DONE);
		lh_state_close(es);
		return NULL;
	}
	lh_run_init(e->r, e->a, &e->d, e->cfg, es, &e->ro);
	if (!lh_refresh_early(e->r) || e->d.head != NULL) {
		lh_run_free(e->r);
		early_phase_set(EARLY_DONE);
		lh_state_close(es);
		return NULL;
	}
	e->st = es;
	e->ok = true;
	/* the reads go, and those answered cleanly complete beside the validation: from
	 * here the run is the prefetch thread's until early_finish settles it */
	lh_refresh_early_go(e->r);
	return NULL;
}

/* Makes the early worker's thread (plan, before libcurl's loading starts), waiting for
 * its job: early_start gives it one, early_release sends it away. */
static void
early_prestart(early *e)
{
	const char *off = getenv("LITEHCL_NO_PREFETCH");
	if (off != NULL && *off != '\0' && strcmp(off, "0") != 0)
		return;
	pthread_mutex_init(&e->mu, NULL);
	pthread_cond_init(&e->cv, NULL);
	e->go = 0;
	/* signals stay with the main thread (on_early_signal), but for SIGBUS: the state's
	 * text mapped may raise it in this thread (state.c's guard), and a fault's signal
	 * blocked kills the process */
	sigset_t all, old;
	sigfillset(&all);
	sigdelset(&all, SIGBUS);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e->made = pthread_create(&e->thread, NULL, early_main, e) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!e->made) {
		pthread_cond_destroy(&e->cv);
		pthread_mutex_destroy(&e->mu);
	}
}

/* Tells the worker's thread to go (1: its job is ready; -1: there is none). */
static void
early_go(early *e, int go)
{
	pthread_mutex_lock(&e->mu);
	e->go = go;
	pthread_cond_signal(&e->cv);
	pthread_mutex_unlock(&e->mu);
}

/* Ends the worker's thread if it still waits for a job (harmless otherwise). */
static void
early_release(early *e)
{
	if (!e->made || e->go != 0)
		return;
	early_go(e, -1);
	pthread_join(e->thread, NULL);
	e->made = false;
	pthread_cond_destroy(&e->cv);
	pthread_mutex_destroy(&e->mu);
}

/* Gives the early worker its job for r (plan), after the checks and look-ups that must
 * run on the main thread; false when the plan should go the usual way (nothing
 * started, nothing said, the worker's thread ended). */
static bool
early_start(early *e, lh_run *r, lh_arena *a, lh_config *cfg, const lh_run_opts *ro,
    const char *state_path, bool lock, const char *lock_timeout)
{
	double secs;
	if (!e->made || !ro->refresh ||
	    ro->ntargets > 0 || cfg->nresources == 0 || cfg->provider.api_key == NULL ||
	    *cfg->provider.api_key == '\0' ||
	    (lock_timeout != NULL && !lh_duration_parse(lock_timeout, &secs)))
		return false;
	/* a local state only (a remote backend's requests are not made twice), no
	 * workspace directory made, no waiting for a lock: the usual open does those */
	e->so = (lh_state_opts){.path = state_path, .no_lock = !lock,
	    .operation = "OperationTypePlan", .read_only = true,
	    .provider_source = cfg->provider_source};
	if (e->so.path == NULL) {
		lh_diags ed;
		lh_diags_init(&ed, a);
		lh_backend *b = NULL;
		bool local = lh_backend_current_cfg(cfg->backend_block, &b, &ed) &&
		    b->type == LH_BACKEND_LOCAL &&
		    ed.head == NULL && lh_backend_open(b, lh_backend_workspace(), false,
		    &e->so.store, &e->bpath, &ed) && e->so.store == NULL && ed.head == NULL;
		lh_backend_free(b);
		if (!local) {
			lh_store_free(e->so.store);
			free(e->bpath);
			e->bpath = NULL;
			early_release(e);
			return false;
		}
		e->so.path = e->bpath;
	}
	(void)lh_backend_workspace();	/* read now: terraform.workspace reads it too */
	e->r = r;
	e->cfg = cfg;
	e->ro = *ro;
	e->a = lh_arena_new();
	lh_diags_init(&e->d, e->a);
	atomic_store(&e->cancel, 0);
	atomic_store(&early_phase, EARLY_OPENING);
	early_signals(true);
	early_go(e, 1);
	return true;
}

/* Joins the early worker once the configuration is validated (valid: whether it is).
 * True when its reads are under way: r made, *st open (an invalid configuration's
 * reads are dropped at once, nothing of them told, the run left for the caller to
 * free as a usual one); false when the plan goes the usual way (the signals as they
 * were, nothing open). */
static bool
early_finish(early *e, bool valid, lh_diags *d, lh_state **st)
{
	if (!valid)
		atomic_store(&e->cancel, 1);
	pthread_join(e->thread, NULL);
	e->made = false;
	pthread_cond_destroy(&e->cv);
	pthread_mutex_destroy(&e->mu);
	free(e->bpath);
	e->bpath = NULL;
	if (!e->ok) {
		early_signals(false);
		return false;
	}
	*st = e->st;
	if (!valid) {	/* dropped at once, nothing of it told */
		lh_refresh_early_cancel(e->r);
		e->r->d = d;
		early_signals(false);
		return true;
	}
	/* the run is this thread's again; what its completed reads said is d's (told with
	 * the rest by the refresh) */
	lh_refresh_early_settle(e->r, d);
	return true;
}

static int
run(int kind, int argc, char **argv)
{
	const char *cmd = argv[0];
	const char *out = NULL, *lock_timeout = NULL, *state_path = NULL, *gen_out = NULL;
	bool auto_approve = false, destroy = kind == CMD_DESTROY, refresh = true;
	bool refresh_only = false, lock = true, input = true, no_color = false;
	bool detailed = false, json = false, compact = false;
	int parallelism = 10;
	lh_strlist targets = {0}, replaces = {0}, vars = {0};
	lh_opt opts[] = {
		{"var", LH_OPT_LIST, &vars},
		{"var-file", LH_OPT_LIST, &vars},
		{"out", LH_OPT_STRING, &out},
		{"auto-approve", LH_OPT_BOOL, &auto_approve},
		{"destroy", LH_OPT_BOOL, &destroy},
		{"refresh", LH_OPT_BOOL, &refresh},
		{"refresh-only", LH_OPT_BOOL, &refresh_only},
		{"target", LH_OPT_LIST, &targets},
		{"replace", LH_OPT_LIST, &replaces},
		{"parallelism", LH_OPT_INT, &parallelism},
		{"lock", LH_OPT_BOOL, &lock},
		{"lock-timeout", LH_OPT_STRING, &lock_timeout},
		{"input", LH_OPT_BOOL, &input},
		{"no-color", LH_OPT_BOOL, &no_color},
		{"detailed-exitcode", LH_OPT_BOOL, &detailed},
		{"json", LH_OPT_BOOL, &json},
		{"state", LH_OPT_STRING, &state_path},
		{"compact-warnings", LH_OPT_BOOL, &compact},
		{"generate-config-out", LH_OPT_STRING, &gen_out},
		{NULL, 0, NULL}
	};
	int npos = 0;
	bool help = false;
	int rc = 1;
	lh_arena *a = NULL;
	lh_state *st = NULL;
	lh_run r;
	early ej = {0};
	bool run_ready = false, handlers = false;
	cJSON *saved = NULL;
	if (!lh_cli_parse(cmd, opts, argc - 1, argv + 1, &npos, &help))
		goto out;
	if (help) {	/* lh_cli_parse printed it */
		rc = 0;
		goto out;
	}
	const char *planfile = NULL;
	if (as_refresh && npos > 0) {	/* Terraform's words for `refresh x` */
		lh_cli_usage_error("refresh", "Too many command line arguments",
		    "Expected at most one positional argument.");
		goto out;
	}
	if (kind == CMD_APPLY && npos == 1)
		planfile = argv[1];
	else if (npos > 0) {
		/* Terraform's words (apply: at most the plan file) */
		lh_cli_usage_error(cmd, "Too many command line arguments", kind == CMD_PLAN ?
		    "To specify a working directory for the plan, use the global -chdir flag." :
		    kind == CMD_APPLY ? "Expected at most one positional argument." :
		    "destroy takes no arguments: to apply a saved destroy plan, run \"litehcl "
		    "apply PLANFILE\"; to work in another directory, use the global -chdir flag.");
		goto out;
	}
	/* addresses checked before anything is read, in Terraform's words */
	for (int w = 0; w < 2; w++) {
		const lh_strlist *l = w == 0 ? &targets : &replaces;
		for (size_t i = 0; i < l->n; i++) {
			const char *why = target_problem(l->v[i]);
			if (why == NULL && w == 1 && strncmp(l->v[i], "data.", 5) == 0)
				why = "Only managed resources can be used with the -replace=... option.";
			if (why == NULL)
				continue;
			char q[520], summary[600];	/* the address quoted as Go's %q */
			size_t k = 0;
			for (const char *c = l->v[i]; *c != '\0' && k < sizeof q - 3; c++) {
				if (*c == '"' || *c == '\\')
					q[k++] = '\\';
				q[k++] = *c;
			}
			q[k] = '\0';
			snprintf(summary, sizeof summary, "Invalid %s \"%s\"",
			    w == 0 ? "target" : "force-replace address", q);
			lh_cli_usage_error(cmd, summary, why);
			goto out;
		}
	}
	if (parallelism < 1) {
		fprintf(stderr, "Error: -parallelism must be at least 1\ntry 'litehcl %s -help'\n", cmd);
		goto out;
	}
	if (refresh_only && (destroy || !refresh)) {
		fprintf(stderr, "Error: Incompatible plan mode options: -refresh-only cannot be "
		    "used with -destroy or -refresh=false\n");
		goto out;
	}
	/* plan: the early worker's thread is made before libcurl's loading starts */
	if (kind == CMD_PLAN && refresh && targets.n == 0 && gen_out == NULL)
		early_prestart(&ej);
	lh_curl_preload();	/* loads while the configuration and state are read */
	lh_cmd_out o = {.json = json, .color = !json && lh_cli_color(no_color)};
	bool planning = false;	/* a plan failing now failed while planning (Terraform) */
	bool in_plan = false;	/* planning started and its plan is not shown yet */
	a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	if (json)
		lh_ui_version(stdout);
	if (json && kind != CMD_PLAN && planfile == NULL && !auto_approve) {
		/* before anything is read, as Terraform */
		lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Plan file or auto-approve required",
		    "litehcl cannot ask for interactive approval when -json is set. You can "
		    "either apply a saved plan file, or enable the -auto-approve option.");
		goto fail;
	}
	size_t nvi = 0;
	lh_var_input *vi = lh_config_var_inputs(a, &vars, 1, &nvi);
	lh_config *cfg;
	if (planfile != NULL) {
		/* a saved plan carries the variable values it was made with */
		if (!lh_planfile_read(planfile, NULL, &saved, &d))
			goto fail;
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(saved, "errored"))) {
			lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot apply incomplete plan",
			    "litehcl encountered an error when generating this plan, so it cannot "
			    "be applied.");
			goto fail;
		}
		const cJSON *pvars = cJSON_GetObjectItemCaseSensitive(saved, "variables");
		if (!planned_var_flags(a, pvars, vi, nvi, &d))
			goto fail;
		cfg = lh_config_load_planned(a, ".", vi, nvi, pvars, &d);
		if (cfg == NULL || d.errors > 0 || !secret_vars_match(a, cfg, saved, &d))
			goto fail;
	} else {
		if (gen_out != NULL && (kind != CMD_PLAN ||
		    !generate_config(a, gen_out, vi, nvi, &d)))
			goto fail;
		/* a required variable without a value is asked for on a terminal */
		lh_config_set_input(input && !json);
		cfg = lh_config_load(a, ".", vi, nvi, &d);
		lh_config_set_input(false);
	}
	if (cfg == NULL || d.errors > 0) {
		planning = kind == CMD_PLAN && planfile == NULL && failed_while_planning(&d);
		goto fail;
	}
	if (planfile == NULL && !destroy && cfg->nfiles == 0) {
		/* Terraform refuses: an empty configuration would plan to destroy everything */
		if (kind == CMD_PLAN)
			lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "No configuration files",
			    "Plan requires configuration to be present. Planning without a "
			    "configuration would mark everything for destruction, which is normally "
			    "not what is desired. If you would like to destroy everything, run plan "
			    "with the -destroy option. Otherwise, create a litehcl configuration file "
			    "(.tf file) and try again.");
		else
			lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "No configuration files",
			    "Apply requires configuration to be present. Applying without a "
			    "configuration would mark everything for destruction, which is normally "
			    "not what is desired. If you would like to destroy everything, run "
			    "'litehcl destroy' instead.");
		goto fail;
	}
	/* the run takes validate's instances where they are the same (evaluated once) */
	lh_config_keep_validated(cfg, true);
	/* and frees the trees it no longer reads, but plan -out's configuration JSON */
	lh_config_release_trees(cfg, kind != CMD_PLAN || out == NULL);
	/* a saved plan says whether it was made with -target (apply's own -target does
	 * not change a saved plan, as in Terraform) */
	bool targeted = planfile != NULL ? cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(saved,
	    "targeted")) : targets.n > 0;
	lh_run_opts ro = {.mode = destroy ? LH_PLAN_DESTROY : refresh_only ?
	    LH_PLAN_REFRESH_ONLY : LH_PLAN_NORMAL, .refresh = refresh,
	    .targets = targets.v, .ntargets = planfile != NULL ? 0 : targets.n,
	    .replaces = replaces.v,
	    .nreplaces = replaces.n, .parallelism = parallelism, .read_only = kind == CMD_PLAN,
	    .progress = lh_cmd_progress, .progress_ctx = &o};
	/* plan: the state is read and the refresh's reads travel while the configuration
	 * is validated */
	bool early = kind == CMD_PLAN && planfile == NULL && gen_out == NULL &&
	    early_start(&ej, &r, a, cfg, &ro, state_path, lock, lock_timeout);
	early_release(&ej);	/* not given a job */
	bool valid = planfile != NULL || lh_config_validate(cfg, &d);
	if (early)
		early = run_ready = early_finish(&ej, valid, &d, &st);
	if (!valid) {
		planning = kind == CMD_PLAN && failed_while_planning(&d);
		goto fail;
	}
	const char *op = kind == CMD_PLAN ? "OperationTypePlan" : "OperationTypeApply";
	if (!early) {
		if (!lh_cmd_open_state_provider(state_path, lock, lock_timeout, op,
		    kind == CMD_PLAN, cfg->provider_source, &st, &d))
			goto fail;
		lh_run_init(&r, a, &d, cfg, st, &ro);
		run_ready = true;
	}
	/* Terraform's plan starts here: the provider is configured, the objects read,
	 * the changes planned */
	planning = kind == CMD_PLAN && planfile == NULL;
	in_plan = planfile == NULL;
	/* The provider is configured before anything is planned, as Terraform does: a
	 * missing address or key is reported now, not after the approval prompt. */
	if ((cfg->nresources > 0 || lh_state_count(st) > 0) && !provider_ready(&r, cfg, &d))
		goto fail;
	/* Ctrl-C from here on: stop starting requests; while refreshing, leave promptly */
	if (early)
		early_signals(false);
	active_run = &r;
	interrupts = 0;
	reading = 1;
	struct sigaction sa, old_int, old_term, old_alrm;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	lh_cmd_interrupt_start(json);	/* before the handler that notifies it */
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, &old_alrm);
	handlers = true;
	lh_render_opts rop = {.color = o.color, .provider = cfg->provider_source};
	if (planfile != NULL) {
		bool existed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(saved, "state_existed"));
		const char *lin = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(saved,
		    "lineage"));
		const cJSON *ser = cJSON_GetObjectItemCaseSensitive(saved, "serial");
		bool fresh_ok = !existed && !lh_state_existed(st);
		bool same_ok = existed && lh_state_existed(st) && lin != NULL &&
		    strcmp(lin, lh_state_lineage(st)) == 0 && cJSON_IsNumber(ser) &&
		    (long long)ser->valuedouble == lh_state_serial(st);
		if (!fresh_ok && !same_ok) {
			lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Saved plan is stale",
			    "The given plan file can no longer be applied because the state was "
			    "changed by another operation after the plan was created.");
			goto fail;
		}
		/* state records without refresh, so references resolve */
		r.o.refresh = false;
		if (!lh_refresh(&r) || interrupted(&d))
			goto fail;
		if (!lh_run_plan_from_json(&r, saved))
			goto fail;
		ro.mode = r.plan->mode;
		kind = r.plan->mode == LH_PLAN_DESTROY ? CMD_DESTROY : CMD_APPLY;
	} else {
		if (!lh_refresh(&r) || interrupted(&d))
			goto fail;
		if (!lh_run_plan(&r))
			goto fail;
		forget_warning(a, r.plan, &d);
		/* check blocks after the plan; apply evaluates them after applying instead
		 * (Terraform shows only those) */
		if (((kind == CMD_PLAN && r.plan->mode == LH_PLAN_NORMAL) ||
		    r.plan->mode == LH_PLAN_REFRESH_ONLY) && !r.plan->targeted)
			lh_config_checks(cfg, LH_CHECK_PLAN, lh_run_resolve, &r, &d);
		/* what the conditions gave, for the plan's JSON (show -json PLANFILE) */
		r.plan->checks = lh_config_check_results(cfg);
		planning = in_plan = false;
		if (json)
			/* before anything is applied the summary is the plan's: Terraform
			 * says "plan" here and "apply"/"destroy" after the apply */
			lh_ui_plan(stdout, r.plan, "plan");
		else
			lh_render_plan(stdout, r.plan, &rop);
		if (r.plan->targeted) {
			lh_diag_add(&d, LH_DIAG_WARNING, NULL, 0, 0, "Resource targeting is in effect",
			    "You are creating a plan with the -target option, which means that the "
			    "result of this plan may not represent all of the changes requested by "
			    "the current configuration.\n\nThe -target option is not for routine use, "
			    "and is provided only for exceptional situations such as recovering from "
			    "errors or mistakes, or when litehcl specifically suggests to use it as "
			    "part of an error message.");
		}
	}
	reading = 0;
	alarm(0);
	bool changes = lh_plan_has_changes(r.plan);
	if (kind == CMD_PLAN) {
		if (out != NULL && !write_planfile(a, &r, cfg, st, targeted, out, &d))
			goto fail;
		/* warnings on stdout after the plan, before its epilogue (Terraform) */
		lh_cmd_print_warnings(&o, &d, compact);
		if (changes && !json)
			lh_render_plan_epilogue(stdout, out);
		rc = detailed && changes ? 2 : 0;
		lh_cmd_print_diags(&o, &d);
		goto out;
	}
	/* apply / destroy */
	if (planfile == NULL && changes && !auto_approve && !json) {
		lh_cmd_print_warnings(&o, &d, compact);	/* before the question */
		int yes = confirm(kind, r.plan->mode == LH_PLAN_REFRESH_ONLY);
		if (yes < 0) {	/* Terraform's words, on stderr, exit 1 */
			fflush(stdout);
			lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0,
			    "error asking for approval: EOF", NULL);
			goto fail;
		}
		if (yes == 0) {
			printf("\n%s cancelled.\n", kind == CMD_DESTROY ? "Destroy" : "Apply");
			goto fail;
		}
		fputc('\n', stdout);
	}
	/* with -auto-approve Terraform goes straight from "Plan: ..." to the first
	 * "Creating..." line */
	if (planfile == NULL) {
		store_refreshed(&r);
	} else {
		store_drift(&r);
		lh_run_store_data(&r);
	}
	interrupts = 0;
	fflush(stdout);
	bool ok = r.plan->mode == LH_PLAN_REFRESH_ONLY ? true : lh_apply(&r);
	/* an output failing after a successful apply is an error (exit 1, after saving);
	 * after a failed one its errors would only repeat the failure: kept quiet */
	bool outs_ok = true;
	if (ok) {
		outs_ok = lh_run_outputs(&r);
		if (!lh_run_postconditions(&r))
			outs_ok = false;
		if (r.plan->mode == LH_PLAN_NORMAL && !targeted)
			lh_config_checks(cfg, LH_CHECK_APPLY, lh_run_resolve, &r, &d);
		/* the state's check_results, as Terraform records them (none after a
		 * destroy; a -target run leaves them as they were) */
		if (r.plan->mode == LH_PLAN_DESTROY)
			lh_state_set_check_results(st, NULL);
		else if (!targeted)
			lh_state_set_check_results(st, lh_config_check_results_state(cfg));
	} else {
		lh_diags quiet, *loud = r.d;
		lh_diags_init(&quiet, a);
		r.d = &quiet;
		lh_run_outputs(&r);
		r.d = loud;
	}
	bool saved_ok = lh_state_save(st, &d);
	if (ok && saved_ok && outs_ok) {
		if (targeted)
			lh_diag_add(&d, LH_DIAG_WARNING, NULL, 0, 0, "Applied changes may be incomplete",
			    "The plan was created with the -target option in effect, so some changes "
			    "requested in the configuration may have been ignored and the output "
			    "values may not be fully updated. Run the following command to verify "
			    "that no other changes are pending:\n    litehcl plan\n\nNote that the "
			    "-target option is not suitable for routine use, and is provided only for "
			    "exceptional situations such as recovering from errors or mistakes, or when "
			    "litehcl specifically suggests to use it as part of an error message.");
		lh_cmd_print_warnings(&o, &d, compact);
		print_summary(&r, kind, &o);
		rc = 0;
		lh_cmd_print_diags(&o, &d);
		goto out;
	}
fail:
	if (in_plan && interrupts == 0 && d.errors > 0 && r.plan != NULL &&
	    (kind == CMD_PLAN || r.plan->n > 0 || r.plan->noutputs > 0)) {
		/* planning failed part-way, after the plan was made (prevent_destroy, a
		 * postcondition, an output): what was planned, as Terraform shows its
		 * partial plan (apply: when it holds any instance), then the errors */
		lh_render_opts fo = {.color = o.color, .provider = cfg->provider_source};
		r.plan->errored = true;
		if (json)
			lh_ui_plan(stdout, r.plan, "plan");
		else
			lh_render_plan(stdout, r.plan, &fo);
		/* plan -out writes it all the same, for a look with show; apply refuses it
		 * (Terraform) */
		if (kind == CMD_PLAN && out != NULL) {
			bool targeted = targets.n > 0;
			(void)write_planfile(a, &r, cfg, st, targeted, out, &d);
		}
	} else if (planning && interrupts == 0 && d.errors > 0) {
		planning_failed(&o);
	}
	fflush(stdout);
	lh_cmd_print_diags(&o, &d);
	rc = 1;
out:
	if (handlers) {
		reading = 0;
		alarm(0);
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGALRM, &old_alrm, NULL);
		lh_cmd_interrupt_stop();
		active_run = NULL;
	}
	/* the command ends here: its run's memory is left to the exit (lh_free_at_exit),
	 * what holds a connection or a lock is closed */
	if (run_ready && lh_free_at_exit())
		lh_run_free(&r);
	else if (run_ready)
		lh_http_free(r.http);
	cJSON_Delete(saved);
	if (!lh_free_at_exit())
		lh_state_leave_memory(st);
	lh_state_close(st);
	lh_strlist_free(&targets);
	lh_strlist_free(&replaces);
	lh_strlist_free(&vars);
	early_release(&ej);
	lh_arena_free(a);
	lh_arena_free(ej.a);	/* the early run's */
	return rc;
}

int
lh_cmd_plan(int argc, char **argv)
{
	return run(CMD_PLAN, argc, argv);
}

int
lh_cmd_apply(int argc, char **argv)
{
	return run(CMD_APPLY, argc, argv);
}

int
lh_cmd_apply_as_refresh(int argc, char **argv)
{
	as_refresh = true;
	int rc = run(CMD_APPLY, argc, argv);
	as_refresh = false;
	return rc;
}

int
lh_cmd_destroy(int argc, char **argv)
{
	return run(CMD_DESTROY, argc, argv);
}
