/* cmd_import.c - `import ADDR ID` and `import ID`: reads an existing LiteLLM object
 * through its resource type (resource.h) and records it in the state at ADDR (or at
 * the one configured instance that designates it), keeping the configuration's
 * spelling where it means the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apply.h"
#include "cli.h"
#include "cmd_common.h"
#include "config.h"
#include "curl_dl.h"
#include "schema.h"

/* The configured arguments of the instance at id (expanding its resource), or NULL. */
static cJSON *
config_args(lh_run *r, const lh_addr *id, bool *found)
{
	*found = false;
	lh_resource *res = lh_config_resource(r->cfg, id->type, id->name);
	if (res == NULL)
		return NULL;
	size_t n = 0;
	lh_instance **in = lh_config_expand(r->cfg, res, NULL, NULL, r->d, &n);
	for (size_t i = 0; in != NULL && i < n; i++) {
		if (!lh_addr_equal(&in[i]->id, id))
			continue;
		*found = true;
		const char *err = NULL;
		const lh_value *args = in[i]->args;
		cJSON *o = cJSON_CreateObject();
		for (size_t k = 0; args && k < args->u.map.n; k++) {
			lh_value *v = args->u.map.vals[k];
			if (lh_val_has_unknown(v) || lh_val_is_null(v))
				continue;
			cJSON *j = lh_val_to_cjson(v, &err);
			if (j != NULL)
				cJSON_AddItemToObject(o, args->u.map.keys[k], j);
		}
		return o;
	}
	return NULL;
}

/* References resolve to what the state holds (import ID without an address: a
 * reference to another resource's id is known once that resource is imported). */
static lh_value *
state_resolve(void *ctx, lh_arena *a, const lh_resource *res)
{
	lh_run *r = ctx;
	size_t n = lh_state_count(r->st), k = 0;
	const char **keys = lh_arena_alloc(a, (n + 1) * sizeof *keys);
	lh_value **vals = lh_arena_alloc(a, (n + 1) * sizeof *vals);
	for (size_t i = 0; i < n; i++) {
		lh_state_inst *si = lh_state_at(r->st, i);
		if (si->addr.data != res->data || strcmp(si->addr.type, res->type) != 0 ||
		    strcmp(si->addr.name, res->name) != 0)
			continue;
		if (res->mode == LH_EXPAND_ONE)
			return lh_val_from_cjson(a, si->attributes);
		keys[k] = si->addr.key ? si->addr.key : "";
		vals[k++] = lh_val_from_cjson(a, si->attributes);
	}
	if (k == 0 || res->mode == LH_EXPAND_ONE)
		return NULL;
	if (res->mode == LH_EXPAND_COUNT)
		return lh_val_tuple(a, vals, k);
	return lh_val_object(a, keys, vals, k);
}

/* Configured instances of type rt that designate the object attrs (rt's
 * import_matches: a user by email, a team by id or alias ...); their count, the first
 * in *out, and their addresses listed in *list (arena). */
static size_t
find_matches(lh_run *r, const lh_rtype *rt, const cJSON *attrs, lh_addr *out, char **list)
{
	size_t hits = 0;
	char *text = NULL;
	size_t textn = 0;
	FILE *m = open_memstream(&text, &textn);
	for (size_t i = 0; rt->import_matches != NULL && i < r->cfg->nresources; i++) {
		if (r->cfg->resources[i]->schema != rt || r->cfg->resources[i]->data)
			continue;	/* a data block reads an object, it never imports one */
		size_t n = 0;
		lh_instance **in = lh_config_expand(r->cfg, r->cfg->resources[i], state_resolve, r,
		    r->d, &n);
		for (size_t k = 0; in != NULL && k < n; k++) {
			if (!rt->import_matches(in[k]->args, attrs))
				continue;
			if (hits++ == 0)
				*out = in[k]->id;
			fprintf(m, "\n  %s", in[k]->addr);
		}
	}
	fclose(m);
	*list = lh_arena_strdup(r->a, text ? text : "");
	free(text);
	return hits;
}

/* `import ID`: reads ID as each configured type's import id and finds the one
 * configuration block that designates what was found.  Sets *rt, *addr and returns
 * the object's attributes, or NULL after a diagnostic. */
static cJSON *
find_by_id(lh_run *r, const char *id, const lh_rtype **rt, lh_addr *addr)
{
	const lh_rtype *const *ts = lh_rtypes();
	cJSON *found = NULL;
	size_t nfound = 0, nobj = 0;
	char *lists = lh_arena_strdup(r->a, "");
	for (size_t t = 0; ts[t] != NULL; t++) {
		bool used = false;
		for (size_t i = 0; i < r->cfg->nresources; i++)
			if (r->cfg->resources[i]->schema == ts[t] && !r->cfg->resources[i]->data)
				used = true;
		if (!used || ts[t]->import_matches == NULL)
			continue;
		bool gone = false;
		cJSON *attrs = lh_refresh_read_one(r, ts[t], id, id, true, &gone);
		if (attrs == NULL) {
			if (!gone)
				return NULL;
			continue;
		}
		nobj++;
		lh_addr a = {0};
		char *list = NULL;
		size_t hits = find_matches(r, ts[t], attrs, &a, &list);
		if (hits > 0) {
			lists = lh_arena_printf(r->a, "%s%s", lists, list);
			nfound += hits;
			if (found == NULL) {
				found = attrs;
				*rt = ts[t];
				*addr = a;
				continue;
			}
		}
		cJSON_Delete(attrs);
	}
	if (nfound == 1)
		return found;
	cJSON_Delete(found);
	if (nobj == 0)
		lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0,
		    "Cannot import non-existent remote object",
		    "While attempting to import an existing object, nothing was found in LiteLLM "
		    "with the given id (\"%s\"). Only pre-existing objects can be imported; check "
		    "that the id is correct.", id);
	else if (nfound == 0)
		lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "No configuration for this object",
		    "No resource block in the configuration designates \"%s\" (see \"litehcl "
		    "import -help\" for how each type is matched). Add one, or name the address: "
		    "litehcl import ADDR %s", id, id);
	else
		lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "Several configuration blocks match",
		    "More than one instance designates \"%s\":%s\nName the address: "
		    "litehcl import ADDR %s", id, lists, id);
	return NULL;
}

int
lh_cmd_import(int argc, char **argv)
{
	const char *state_path = NULL, *lock_timeout = NULL;
	bool lock = true, input = true, no_color = false;
	int parallelism = 10;
	lh_strlist vars = {0};
	lh_opt opts[] = {
		{"var", LH_OPT_LIST, &vars},
		{"var-file", LH_OPT_LIST, &vars},
		{"state", LH_OPT_STRING, &state_path},
		{"lock", LH_OPT_BOOL, &lock},
		{"lock-timeout", LH_OPT_STRING, &lock_timeout},
		{"input", LH_OPT_BOOL, &input},
		{"no-color", LH_OPT_BOOL, &no_color},
		{"parallelism", LH_OPT_INT, &parallelism},
		{NULL, 0, NULL}
	};
	int npos = 0, rc = 1;
	bool help = false, run_ready = false;
	lh_arena *a = NULL;
	lh_state *st = NULL;
	lh_run r;
	cJSON *want = NULL;
	lh_cmd_out o = {.color = false, .ui = true};
	lh_diags d;
	if (!lh_cli_parse("import", opts, argc - 1, argv + 1, &npos, &help))
		goto out;
	if (help) {	/* lh_cli_parse printed it */
		rc = 0;
		goto out;
	}
	if (npos != 1 && npos != 2) {
		fprintf(stderr, "Error: import needs ADDR ID (or ID alone)\ntry 'litehcl import -help'\n");
		goto out;
	}
	lh_curl_preload();	/* loads while the configuration and state are read */
	o.color = lh_cli_color(no_color);
	a = lh_arena_new();
	lh_diags_init(&d, a);
	const char *id = npos == 2 ? argv[2] : argv[1];
	lh_addr addr = {0};
	if (npos == 2) {
		const char *err = NULL;
		if (!lh_addr_parse(a, argv[1], &addr, &err)) {
			lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid address", "%s: %s",
			    argv[1], err);
			goto fail;
		}
	}
	size_t nvi = 0;
	lh_var_input *vi = lh_config_var_inputs(a, &vars, 1, &nvi);
	lh_config_set_input(input);
	lh_config *cfg = lh_config_load(a, ".", vi, nvi, &d);
	lh_config_set_input(false);
	if (cfg == NULL || d.errors > 0)
		goto fail;
	if (!lh_cmd_open_state_provider(state_path, lock, lock_timeout, "OperationTypeImport",
	    false, cfg->provider_source, &st, &d))
		goto fail;
	lh_run_opts ro = {.parallelism = parallelism};
	lh_run_init(&r, a, &d, cfg, st, &ro);
	run_ready = true;
	if (npos == 2 && lh_config_resource(cfg, addr.type, addr.name) == NULL) {
		lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Configuration for import target does "
		    "not exist", "The configuration for the given import target %s does not exist. "
		    "Add a resource \"%s\" \"%s\" block first.", argv[1], addr.type, addr.name);
		goto fail;
	}
	if (npos == 2)
		printf("%s: Importing from ID \"%s\"...\n", argv[1], id);
	const lh_rtype *rt = npos == 2 ? lh_rtype_find(addr.type) : NULL;
	cJSON *attrs = NULL;
	if (npos == 2) {
		bool gone = false;
		attrs = lh_refresh_read_one(&r, rt, argv[1], id, true, &gone);
		if (attrs == NULL) {
			if (gone) {
				/* the type's import forms, without the address-less part: a
				 * membership imported by a bare team id says it needs TEAM:USER */
				const char *f;
				int flen = lh_import_id_form(rt, &f);
				lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0,
				    "Cannot import non-existent remote object",
				    "While attempting to import an existing object to %s, no %s "
				    "was found with the given id (\"%s\"). Only pre-existing objects "
				    "can be imported; check that the id is correct.%s%s%s%.*s.",
				    argv[1], rt->type_name, id, flen > 0 ? " The import ID of a " : "",
				    flen > 0 ? rt->type_name : "", flen > 0 ? " is " : "", flen, f);
			}
			goto fail;
		}
	} else {
		attrs = find_by_id(&r, id, &rt, &addr);
		if (attrs == NULL)
			goto fail;
		printf("%s: Importing from ID \"%s\"...\n", lh_addr_format(a, &addr), id);
	}
	char *as = lh_addr_format(a, &addr);
	if (lh_state_find(st, &addr) != NULL) {
		lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Resource already managed by litehcl",
		    "litehcl is already managing a remote object for %s. To import to this "
		    "address you must first remove the existing object from the state "
		    "(litehcl state rm %s).", as, as);
		cJSON_Delete(attrs);
		goto fail;
	}
	/* One object at one address: a second address would update, replace or destroy
	 * it behind the first one's back (and the state would no longer load). */
	const char *new_id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(attrs, rt->id_attr));
	for (size_t i = 0; new_id != NULL && i < lh_state_count(st); i++) {
		lh_state_inst *o = lh_state_at(st, i);
		const char *sid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o->attributes,
		    rt->id_attr));
		if (!o->addr.data && strcmp(o->addr.type, addr.type) == 0 && sid != NULL &&
		    strcmp(sid, new_id) == 0) {
			const char *other = lh_addr_format(a, &o->addr);
			lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Resource already managed by litehcl",
			    "The remote object with id \"%s\" is already managed at %s. One object is "
			    "managed at one address: to manage it at %s instead, move it (litehcl state "
			    "mv %s %s).", new_id, other, as, other, as);
			cJSON_Delete(attrs);
			goto fail;
		}
	}
	bool found = false;
	want = config_args(&r, &addr, &found);
	if (!found) {
		lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Configuration for import target does "
		    "not exist", "%s is not an instance the configuration declares (check its "
		    "count or for_each key).", as);
		cJSON_Delete(attrs);
		goto fail;
	}
	/* keep the configuration's spelling where it means the same as the server's */
	const cJSON *e;
	cJSON_ArrayForEach(e, want) {
		cJSON *cur = cJSON_GetObjectItemCaseSensitive(attrs, e->string);
		if (cur != NULL && lh_attr_same(lh_rtype_attr(rt, e->string), e, cur))
			cJSON_ReplaceItemInObjectCaseSensitive(attrs, e->string,
			    cJSON_Duplicate(e, 1));
	}
	printf("%s: Import prepared!\n  Prepared %s for import\n", as, rt->type_name);
	lh_resource *res = lh_config_resource(cfg, addr.type, addr.name);
	cJSON *deps = cJSON_CreateArray();
	for (size_t i = 0; res && i < res->ndeps; i++)
		cJSON_AddItemToArray(deps, cJSON_CreateString(res->deps[i]));
	char *oid = lh_arena_strdup(a, lh_js(attrs, rt->id_attr) ? lh_js(attrs, rt->id_attr) : id);
	lh_state_set(st, &addr, attrs, deps, NULL);
	if (!lh_state_save(st, &d))
		goto fail;
	printf("%s: Refreshing state... [id=%s]\n", as, oid);
	printf("\n%sImport successful!%s\n\n", o.color ? "\x1b[1m\x1b[32m" : "",
	    o.color ? "\x1b[0m" : "");
	puts("The resources that were imported are shown above. These resources are now in\n"
	    "your litehcl state and will henceforth be managed by litehcl.\n");
	rc = 0;
	lh_cmd_print_diags(&o, &d);
	goto out;
fail:
	fflush(stdout);
	lh_cmd_print_diags(&o, &d);
	rc = 1;
out:
	cJSON_Delete(want);
	if (run_ready)
		lh_run_free(&r);
	lh_state_close(st);
	lh_strlist_free(&vars);
	lh_arena_free(a);
	return rc;
}
