/* cmd_show.c - `show [-json] [PLANFILE]`: the state as resource blocks (or Terraform's
 * JSON state representation), or a saved plan as plan text (or Terraform's JSON plan
 * representation).  Reads only; takes no lock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "cli.h"
#include "cmd_common.h"
#include "render.h"

static void
print_json(cJSON *j)
{
	char *s = lh_cjson_print(j);	/* numbers exact */
	if (s != NULL) {
		puts(s);
		free(s);
	}
}

/* The state's JSON document with sensitive output values removed. */
static cJSON *
state_doc(lh_state *st)
{
	char *t = lh_state_render(st);
	cJSON *j = t ? lh_cjson_parse(t, strlen(t), NULL) : NULL;	/* numbers exact */
	free(t);
	return j;
}

/* Terraform's "checks" of show -json, from the state's check_results: the same
 * objects in the plan JSON's layout (kind, mode, type, name, to_display; instances with
 * their instance_key, status and problems).  NULL when there are none. */
static cJSON *
state_checks(lh_arena *a, const cJSON *results)
{
	if (cJSON_GetArraySize(results) == 0)
		return NULL;
	cJSON *out = cJSON_CreateArray();
	const cJSON *e;
	cJSON_ArrayForEach(e, results) {
		const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "object_kind"));
		const char *cfg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "config_addr"));
		if (kind == NULL || cfg == NULL)
			continue;
		cJSON *o = cJSON_CreateObject(), *ad = cJSON_CreateObject(), *ins = cJSON_CreateArray();
		bool res = strcmp(kind, "resource") == 0;
		lh_addr ca;
		const char *err = NULL;
		if (res && !lh_addr_parse_any(a, cfg, &ca, &err)) {
			cJSON_Delete(o);
			cJSON_Delete(ad);
			cJSON_Delete(ins);
			continue;
		}
		const char *dot = strchr(cfg, '.');
		cJSON_AddStringToObject(ad, "kind", strcmp(kind, "output") == 0 ? "output_value" : kind);
		if (res)
			cJSON_AddStringToObject(ad, "mode", ca.data ? "data" : "managed");
		cJSON_AddStringToObject(ad, "name", res ? ca.name : dot ? dot + 1 : cfg);
		cJSON_AddStringToObject(ad, "to_display", cfg);
		if (res)
			cJSON_AddStringToObject(ad, "type", ca.type);
		const cJSON *x;
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(e, "objects")) {
			const char *oa = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "object_addr"));
			cJSON *in = cJSON_CreateObject(), *ia = cJSON_CreateObject();
			lh_addr id;
			if (res && oa != NULL && lh_addr_parse_any(a, oa, &id, &err)) {
				if (id.kind == LH_KEY_INT)
					cJSON_AddNumberToObject(ia, "instance_key", (double)id.index);
				else if (id.kind == LH_KEY_STR)
					cJSON_AddStringToObject(ia, "instance_key", id.key);
			}
			cJSON_AddStringToObject(ia, "to_display", oa ? oa : cfg);
			cJSON_AddItemToObject(in, "address", ia);
			cJSON_AddItemToObject(in, "status", cJSON_Duplicate(
			    cJSON_GetObjectItemCaseSensitive(x, "status"), 1));
			const cJSON *fm = cJSON_GetObjectItemCaseSensitive(x, "failure_messages");
			if (cJSON_GetArraySize(fm) > 0) {
				cJSON *probs = cJSON_CreateArray();
				const cJSON *m;
				cJSON_ArrayForEach(m, fm) {
					cJSON *p = cJSON_CreateObject();
					cJSON_AddItemToObject(p, "message", cJSON_Duplicate(m, 1));
					cJSON_AddItemToArray(probs, p);
				}
				cJSON_AddItemToObject(in, "problems", probs);
			}
			cJSON_AddItemToArray(ins, in);
		}
		cJSON_AddItemToObject(o, "address", ad);
		cJSON_AddItemToObject(o, "status", cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(e, "status"), 1));
		cJSON_AddItemToObject(o, "instances", ins);
		cJSON_AddItemToArray(out, o);
	}
	return out;
}

static void
show_state_text(lh_state *st, const lh_render_opts *ro)
{
	size_t n = lh_state_count(st);
	const cJSON *outs = lh_state_outputs(st);
	if (n == 0 && (outs == NULL || outs->child == NULL)) {
		puts("No state.");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		lh_state_inst *si = lh_state_at(st, i);
		char addr[1024];
		lh_addr_snprint(addr, sizeof addr, &si->addr);
		if (i > 0)
			putchar('\n');
		fflush(stdout);
		lh_render_state_instance(stdout, addr, si->addr.type, si->addr.name,
		    si->attributes, si->sensitive_attributes, ro);
	}
	if (outs != NULL && outs->child != NULL) {
		puts("\n\nOutputs:\n");
		fflush(stdout);
		lh_render_show_outputs(stdout, outs);
	}
}

int
lh_cmd_show(int argc, char **argv)
{
	bool json = false, no_color = false, help = false;
	const char *state_path = NULL;
	lh_opt opts[] = {
		{"json", LH_OPT_BOOL, &json},
		{"no-color", LH_OPT_BOOL, &no_color},
		{"state", LH_OPT_STRING, &state_path},
		{NULL, 0, NULL}
	};
	int npos = 0, rc = 1;
	lh_arena *a = NULL;
	lh_state *st = NULL;
	cJSON *plan = NULL, *doc = NULL;
	lh_run r;
	bool run_ready = false;
	lh_cmd_out o = {0};
	lh_diags d;
	if (!lh_cli_parse("show", opts, argc - 1, argv + 1, &npos, &help))
		goto out;
	if (help) {	/* lh_cli_parse printed it */
		rc = 0;
		goto out;
	}
	if (npos > 1) {
		lh_cli_usage_error("show", "Too many command line arguments",	/* Terraform's words */
		    "Expected at most one positional argument.");
		goto out;
	}
	o.color = !json && lh_cli_color(no_color);
	a = lh_arena_new();
	lh_diags_init(&d, a);
	lh_render_opts ro = {.color = o.color};
	if (!lh_cmd_open_state(state_path, false, NULL, "OperationTypeInvalid", true, &st, &d))
		goto fail;
	/* an interrupted apply's unrecorded creates are looked up first (QA F4) */
	lh_cmd_resolve_intents(a, st, true, &d);
	lh_cmd_flush_warnings(&d);
	if (npos == 0) {
		if (json) {
			doc = state_doc(st);
			cJSON *sj = lh_state_existed(st) || lh_state_count(st) > 0 ?
			    lh_render_state_json(doc, &ro) : cJSON_CreateObject();
			if (!lh_state_existed(st) && lh_state_count(st) == 0)
				cJSON_AddStringToObject(sj, "format_version", "1.0");
			/* Terraform: "checks" (from check_results) after "values" */
			cJSON *ck = state_checks(a, lh_state_check_results(st));
			if (ck != NULL)
				cJSON_AddItemToObject(sj, "checks", ck);
			/* sensitive output values stay out of any output */
			cJSON *vals = cJSON_GetObjectItemCaseSensitive(sj, "values");
			cJSON *os = cJSON_GetObjectItemCaseSensitive(vals, "outputs");
			cJSON *e;
			cJSON_ArrayForEach(e, os)
				if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "sensitive")))
					cJSON_DeleteItemFromObjectCaseSensitive(e, "value");
			print_json(sj);
			cJSON_Delete(sj);
		} else {
			show_state_text(st, &ro);
		}
		rc = 0;
		goto out;
	}
	if (!lh_planfile_read(argv[1], NULL, &plan, &d))
		goto fail;
	lh_run_init(&r, a, &d, NULL, st, NULL);
	run_ready = true;
	if (!lh_run_plan_from_json(&r, plan))
		goto fail;
	if (json) {
		/* Terraform lists unchanged instances as no-op, the whole configuration
		 * (with expressions) and the input variables */
		if (!lh_run_plan_add_noops(&r, plan))
			goto fail;
		/* the data sources read during plan are part of its prior state (Terraform),
		 * in this read-only copy only */
		for (size_t i = 0; i < r.nrecs; i++) {
			lh_rec *x = r.recs[i];
			if (x->id.data && x->refreshed && x->have != NULL)
				lh_state_set(st, &x->id, cJSON_Duplicate(x->have, 1), NULL, NULL);
		}
		doc = state_doc(st);
		cJSON *pj = lh_render_plan_json(r.plan, lh_state_existed(st) ||
		    lh_state_count(st) > 0 ? doc : NULL, &ro);
		cJSON *tc = cJSON_GetObjectItemCaseSensitive(plan, "tf_configuration");
		cJSON *cfg = cJSON_GetObjectItemCaseSensitive(pj, "configuration");
		if (cJSON_IsObject(tc) && cJSON_IsObject(cfg))
			cJSON_ReplaceItemInObjectCaseSensitive(cfg, "root_module",
			    cJSON_Duplicate(tc, 1));
		cJSON *ra = cJSON_GetObjectItemCaseSensitive(plan, "tf_relevant_attributes");
		if (cJSON_IsArray(ra) && ra->child != NULL)
			cJSON_AddItemToObject(pj, "relevant_attributes", cJSON_Duplicate(ra, 1));
		cJSON *tv = cJSON_GetObjectItemCaseSensitive(plan, "tf_variables");
		if (cJSON_IsObject(tv) && tv->child != NULL)
			cJSON_AddItemToObject(pj, "variables", cJSON_Duplicate(tv, 1));
		print_json(pj);
		cJSON_Delete(pj);
	} else {
		fflush(stdout);
		lh_render_plan(stdout, r.plan, &ro);
	}
	rc = 0;
	goto out;
fail:
	lh_cmd_print_diags(&o, &d);
	rc = 1;
out:
	if (run_ready)
		lh_run_free(&r);
	cJSON_Delete(plan);
	cJSON_Delete(doc);
	lh_state_close(st);
	lh_arena_free(a);
	return rc;
}
