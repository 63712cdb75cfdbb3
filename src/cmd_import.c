/* cmd_import.c - `import ADDR ID` and `import ID`: reads an existing LiteLLM user and
 * records it in the state at ADDR (or at the one configured instance whose user_email
 * matches the user's), keeping the configuration's spelling where it means the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apply.h"
#include "cli.h"
#include "cmd_common.h"
#include "config.h"
#include "user_api.h"

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

/* Finds the one configured instance whose user_email matches email. */
static bool
find_by_email(lh_run *r, const char *email, lh_addr *out)
{
	size_t hits = 0;
	char *list = NULL;
	size_t listn = 0;
	FILE *m = open_memstream(&list, &listn);
	for (size_t i = 0; i < r->cfg->nresources; i++) {
		size_t n = 0;
		lh_instance **in = lh_config_expand(r->cfg, r->cfg->resources[i], NULL, NULL,
		    r->d, &n);
		for (size_t k = 0; in != NULL && k < n; k++) {
			lh_value *e = lh_val_get(in[k]->args, "user_email");
			if (e == NULL || lh_val_is_null(e) || lh_val_has_unknown(e) ||
			    e->type->kind != LH_TY_STRING)
				continue;
			if (strlen(email) == e->u.str.len &&
			    strncasecmp(email, e->u.str.s, e->u.str.len) == 0) {
				if (hits++ == 0)
					*out = in[k]->id;
				fprintf(m, "\n  %s", in[k]->addr);
			}
		}
	}
	fclose(m);
	if (hits == 1) {
		free(list);
		return true;
	}
	if (hits == 0)
		lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "No configuration for this user",
		    "No litellm_user block in the configuration has user_email = \"%s\". Add one, "
		    "or name the address: litehcl import litellm_user.NAME ID", email);
	else
		lh_diag_add(r->d, LH_DIAG_ERROR, NULL, 0, 0, "Several configuration blocks match",
		    "More than one instance has user_email = \"%s\":%s\nName the address: "
		    "litehcl import ADDR ID", email, list ? list : "");
	free(list);
	return false;
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
	lh_cmd_out o = {.color = false};
	lh_diags d;
	if (!lh_cli_parse("import", opts, argc - 1, argv + 1, &npos, &help))
		goto out;
	if (help) {
		puts("Usage: litehcl [global options] import [options] ADDR ID\n"
		    "       litehcl [global options] import [options] ID\n\n"
		    "  Import an existing LiteLLM user into the state, at ADDR or at the one\n"
		    "  litellm_user block whose user_email matches the user's.");
		rc = 0;
		goto out;
	}
	if (npos != 1 && npos != 2) {
		fprintf(stderr, "Error: import needs ADDR ID (or ID alone)\ntry 'litehcl import -help'\n");
		goto out;
	}
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
	lh_config *cfg = lh_config_load(a, ".", vi, nvi, &d);
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
	bool gone = false;
	cJSON *attrs = lh_refresh_read_one(&r, npos == 2 ? argv[1] : id, id, &gone);
	if (attrs == NULL) {
		if (gone)
			lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0,
			    "Cannot import non-existent remote object",
			    "While attempting to import an existing object, no LiteLLM user was "
			    "found with the given id (\"%s\"). Only pre-existing objects can be "
			    "imported; check that the id is correct.", id);
		goto fail;
	}
	if (npos == 1) {
		const char *email = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(attrs,
		    "user_email"));
		if (email == NULL) {
			lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "User has no email",
			    "User %s has no user_email, so no configuration block can be matched "
			    "to it; name the address: litehcl import ADDR %s", id, id);
			cJSON_Delete(attrs);
			goto fail;
		}
		if (!find_by_email(&r, email, &addr)) {
			cJSON_Delete(attrs);
			goto fail;
		}
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
		if (cur != NULL && lh_user_same(e->string, e, cur))
			cJSON_ReplaceItemInObjectCaseSensitive(attrs, e->string,
			    cJSON_Duplicate(e, 1));
	}
	printf("%s: Import prepared!\n  Prepared litellm_user for import\n", as);
	lh_resource *res = lh_config_resource(cfg, addr.type, addr.name);
	cJSON *deps = cJSON_CreateArray();
	for (size_t i = 0; res && i < res->ndeps; i++)
		cJSON_AddItemToArray(deps, cJSON_CreateString(res->deps[i]));
	lh_state_set(st, &addr, attrs, deps, NULL);
	if (!lh_state_save(st, &d))
		goto fail;
	printf("%s: Refreshing state... [id=%s]\n", as, id);
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
