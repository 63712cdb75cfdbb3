/* tests/unit/config_api.c - the configuration interface plan/apply rely on: expansion
 * (addresses, keys, arguments, unknowns through the resolver, dependency order,
 * lifecycle), outputs, imports, provider settings and environment, and the
 * litellm_user compare-by-meaning and API mapping functions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "schema.h"

static int failures;

static void
check(const char *name, int cond, const char *detail)
{
	if (cond) {
		printf("ok %s\n", name);
	} else {
		printf("FAIL %s\n    %s\n", name, detail ? detail : "");
		failures++;
	}
}

static const char config_text[] =
	"provider \"litellm\" {\n"
	"  api_base = \"http://127.0.0.1:1\"\n"
	"  timeout  = 7\n"
	"}\n"
	"variable \"names\" {\n"
	"  type    = set(string)\n"
	"  default = [\"bob\", \"alice\"]\n"
	"}\n"
	"variable \"key\" {\n"
	"  default   = \"k\"\n"
	"  sensitive = true\n"
	"}\n"
	"resource \"litellm_user\" \"base\" {\n"
	"  user_email = \"base@example.com\"\n"
	"  max_budget = 0\n"
	"}\n"
	"resource \"litellm_user\" \"team\" {\n"
	"  for_each   = var.names\n"
	"  user_email = \"${each.key}@example.com\"\n"
	"  user_alias = litellm_user.base.user_id\n"
	"  lifecycle {\n"
	"    prevent_destroy = true\n"
	"    ignore_changes  = [metadata]\n"
	"  }\n"
	"}\n"
	"resource \"litellm_user\" \"counted\" {\n"
	"  count      = 2\n"
	"  user_email = \"c${count.index}@example.com\"\n"
	"  depends_on = [litellm_user.team]\n"
	"}\n"
	"resource \"litellm_user\" \"derived\" {\n"
	"  for_each   = toset([litellm_user.base.user_id])\n"
	"  user_email = \"d@example.com\"\n"
	"}\n"
	"output \"ids\" {\n"
	"  value = litellm_user.counted[*].id\n"
	"}\n"
	"import {\n"
	"  to = litellm_user.team[\"alice\"]\n"
	"  id = \"user-1\"\n"
	"}\n";

/* A resolver answering only litellm_user.base, with a known user_id. */
static lh_value *
resolve(void *ctx, lh_arena *a, const lh_resource *r)
{
	(void)ctx;
	if (strcmp(r->name, "base") != 0)
		return NULL;
	const char *k[] = {"user_id", "id"};
	lh_value *v[] = {lh_val_cstr(a, "u-base"), lh_val_cstr(a, "u-base")};
	return lh_val_object(a, k, v, 2);
}

static const char *
str_of(const lh_value *o, const char *k)
{
	lh_value *v = lh_val_get(o, k);
	if (v == NULL || lh_val_is_null(v) || lh_val_is_unknown(v))
		return NULL;
	return v->u.str.s;
}

static void
test_config(void)
{
	char dir[] = "/tmp/lhcfgXXXXXX";
	if (mkdtemp(dir) == NULL) {
		check("config: mkdtemp", 0, "mkdtemp failed");
		return;
	}
	char path[512];
	snprintf(path, sizeof path, "%s/main.tf", dir);
	FILE *f = fopen(path, "w");
	fputs(config_text, f);
	fclose(f);
	setenv("LITELLM_API_KEY", "sk-env", 1);
	unsetenv("LITELLM_API_BASE");
	lh_arena *a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	lh_config *cfg = lh_config_load(a, dir, NULL, 0, &d);
	check("config: loads", cfg != NULL && d.errors == 0,
	    d.head ? d.head->summary : "load failed");
	if (cfg == NULL)
		goto out;
	check("config: provider api_base from block", cfg->provider.api_base &&
	    strcmp(cfg->provider.api_base, "http://127.0.0.1:1") == 0, cfg->provider.api_base);
	check("config: provider api_key from env", cfg->provider.api_key &&
	    strcmp(cfg->provider.api_key, "sk-env") == 0, "api_key");
	check("config: provider timeout", cfg->provider.timeout == 7, "timeout");
	check("config: default provider source",
	    strcmp(cfg->provider_source, LH_DEFAULT_PROVIDER_SOURCE) == 0, cfg->provider_source);
	check("config: four resources", cfg->nresources == 4, "nresources");
	/* dependency order: base before team before counted */
	int ib = -1, it = -1, ic = -1;
	for (size_t i = 0; i < cfg->nresources; i++) {
		if (strcmp(cfg->resources[i]->name, "base") == 0) ib = (int)i;
		if (strcmp(cfg->resources[i]->name, "team") == 0) it = (int)i;
		if (strcmp(cfg->resources[i]->name, "counted") == 0) ic = (int)i;
	}
	check("config: dependency order", ib < it && it < ic, "order");
	lh_resource *team = lh_config_resource(cfg, "litellm_user", "team");
	check("config: team deps", team && team->ndeps == 1 &&
	    strcmp(team->deps[0], "litellm_user.base") == 0, "deps");
	lh_resource *counted = lh_config_resource(cfg, "litellm_user", "counted");
	check("config: depends_on dep", counted && counted->ndeps == 1 &&
	    strcmp(counted->deps[0], "litellm_user.team") == 0, "depends_on");
	check("config: lifecycle", team && team->lifecycle.prevent_destroy &&
	    team->lifecycle.nignore == 1 && strcmp(team->lifecycle.ignore[0], "metadata") == 0, "lifecycle");

	size_t n = 0;
	lh_instance **in = lh_config_expand(cfg, team, NULL, NULL, &d, &n);
	check("expand: for_each gives 2 instances", n == 2 && d.errors == 0, "n");
	if (n == 2) {
		check("expand: key order and address", strcmp(in[0]->addr, "litellm_user.team[\"alice\"]") == 0 &&
		    in[0]->id.kind == LH_KEY_STR && strcmp(in[0]->id.key, "alice") == 0, in[0]->addr);
		check("expand: argument value", str_of(in[1]->args, "user_email") &&
		    strcmp(str_of(in[1]->args, "user_email"), "bob@example.com") == 0, "user_email");
		lh_value *al = lh_val_get(in[0]->args, "user_alias");
		check("expand: unresolved reference is unknown", al && lh_val_is_unknown(al), "user_alias");
		check("expand: unset argument is null", lh_val_is_null(lh_val_get(in[0]->args, "user_role")), "user_role");
		const lh_arg_range *ar = lh_instance_arg(in[0], "user_email");
		check("expand: argument range", ar && ar->src && ar->start < ar->end &&
		    strncmp(ar->src->text + ar->start, "\"${each.key}", 12) == 0, "range");
	}
	in = lh_config_expand(cfg, team, resolve, NULL, &d, &n);
	check("expand: resolver value used", n == 2 && str_of(in[0]->args, "user_alias") &&
	    strcmp(str_of(in[0]->args, "user_alias"), "u-base") == 0, "resolved");
	in = lh_config_expand(cfg, counted, NULL, NULL, &d, &n);
	check("expand: count addresses", n == 2 && strcmp(in[1]->addr, "litellm_user.counted[1]") == 0 &&
	    in[1]->id.kind == LH_KEY_INT && in[1]->id.index == 1, n == 2 ? in[1]->addr : "n");
	size_t no = 0;
	lh_output **outs = lh_config_outputs(cfg, NULL, NULL, &d, &no);
	check("outputs: one, unknown ids", no == 1 && outs[0]->value && lh_val_has_unknown(outs[0]->value), "outputs");
	check("imports: parsed", cfg->nimports == 1 && strcmp(cfg->imports[0]->to, "litellm_user.team[\"alice\"]") == 0 &&
	    cfg->imports[0]->res == team && strcmp(cfg->imports[0]->id->u.str.s, "user-1") == 0, "import");
	check("validate: clean (unknown for_each tolerated)", lh_config_validate(cfg, &d), d.head ? d.head->summary : "");
	lh_resource *derived = lh_config_resource(cfg, "litellm_user", "derived");
	lh_diags d2;
	lh_diags_init(&d2, a);
	in = lh_config_expand(cfg, derived, NULL, NULL, &d2, &n);
	check("expand: unknown for_each keys are an error", n == 0 && d2.errors == 1 &&
	    strcmp(d2.head->summary, "Invalid for_each argument") == 0, d2.head ? d2.head->summary : "no error");
	lh_diags_init(&d2, a);
	in = lh_config_expand(cfg, derived, resolve, NULL, &d2, &n);
	check("expand: for_each known through the resolver", n == 1 && d2.errors == 0 &&
	    strcmp(in[0]->addr, "litellm_user.derived[\"u-base\"]") == 0, n == 1 ? in[0]->addr : "n");
out:
	lh_arena_free(a);
	unlink(path);
	rmdir(dir);
}

static void
test_user_schema(void)
{
	lh_arena *a = lh_arena_new();
	const lh_schema *s = lh_schema_find("litellm_user");
	check("schema: litellm_user found", s == &lh_res_user_schema, "find");
	check("schema: unknown type", lh_schema_find("litellm_team") == NULL, "find");
	const lh_attr *role = lh_schema_attr(s, "user_role");
	const lh_attr *dur = lh_schema_attr(s, "budget_duration");
	const lh_attr *bud = lh_schema_attr(s, "max_budget");
	const lh_attr *meta = lh_schema_attr(s, "metadata");
	const lh_attr *mail = lh_schema_attr(s, "user_email");
	check("same: admin == proxy_admin", lh_schema_same(role, lh_val_cstr(a, "admin"), lh_val_cstr(a, "proxy_admin")), "");
	check("same: user == internal_user", lh_schema_same(role, lh_val_cstr(a, "user"), lh_val_cstr(a, "internal_user")), "");
	check("same: admin != internal_user", !lh_schema_same(role, lh_val_cstr(a, "admin"), lh_val_cstr(a, "internal_user")), "");
	check("same: daily == 1d", lh_schema_same(dur, lh_val_cstr(a, "daily"), lh_val_cstr(a, "1d")), "");
	check("same: weekly == 1w == 7d", lh_schema_same(dur, lh_val_cstr(a, "weekly"), lh_val_cstr(a, "1w")) &&
	    lh_schema_same(dur, lh_val_cstr(a, "7d"), lh_val_cstr(a, "1w")), "");
	check("same: monthly == 1mo == 30d", lh_schema_same(dur, lh_val_cstr(a, "monthly"), lh_val_cstr(a, "1mo")) &&
	    lh_schema_same(dur, lh_val_cstr(a, "30d"), lh_val_cstr(a, "monthly")), "");
	check("same: 24h == 1d", lh_schema_same(dur, lh_val_cstr(a, "24h"), lh_val_cstr(a, "daily")), "");
	check("same: 1d != 2d", !lh_schema_same(dur, lh_val_cstr(a, "1d"), lh_val_cstr(a, "2d")), "");
	check("same: max_budget 0 == null", lh_schema_same(bud, lh_val_int(a, 0), lh_val_null(a, &lh_type_number)), "");
	check("same: 10 == 10.0", lh_schema_same(bud, lh_val_int(a, 10), lh_val_double(a, 10.0)), "");
	check("same: 10 != 11", !lh_schema_same(bud, lh_val_int(a, 10), lh_val_int(a, 11)), "");
	check("same: metadata JSON objects", lh_schema_same(meta, lh_val_cstr(a, "{\"a\":1,\"b\":[1,2]}"),
	    lh_val_cstr(a, "{ \"b\": [1, 2],\n \"a\": 1 }")), "");
	check("same: metadata differs", !lh_schema_same(meta, lh_val_cstr(a, "{\"a\":1}"), lh_val_cstr(a, "{\"a\":2}")), "");
	check("same: email case-insensitive", lh_schema_same(mail, lh_val_cstr(a, "A@B.com"), lh_val_cstr(a, "a@b.COM")), "");
	check("same: null == null", lh_schema_same(lh_schema_attr(s, "user_alias"), lh_val_null(a, &lh_type_string),
	    lh_val_null(a, &lh_type_string)), "");
	lh_value *v = lh_schema_to_api(a, role, lh_val_cstr(a, "admin"));
	check("api: admin -> proxy_admin", strcmp(v->u.str.s, "proxy_admin") == 0, v->u.str.s);
	v = lh_schema_to_api(a, role, lh_val_cstr(a, "internal_user_viewer"));
	check("api: native role unchanged", strcmp(v->u.str.s, "internal_user_viewer") == 0, v->u.str.s);
	v = lh_schema_to_api(a, dur, lh_val_cstr(a, "monthly"));
	check("api: monthly -> 30d", strcmp(v->u.str.s, "30d") == 0, v->u.str.s);
	v = lh_schema_to_api(a, bud, lh_val_int(a, 0));
	check("api: max_budget 0 -> null", lh_val_is_null(v), "");
	v = lh_schema_to_api(a, bud, lh_val_double(a, 2.5));
	check("api: max_budget 2.5 kept", !lh_val_is_null(v) && lh_number_double(v->u.num) == 2.5, "");
	v = lh_schema_to_api(a, meta, lh_val_cstr(a, "{\"team\":\"x\"}"));
	check("api: metadata decoded", v->type->kind == LH_TY_OBJECT && lh_val_get(v, "team") != NULL, "");
	check("duration: seconds", lh_user_duration_seconds("2h") == 7200 && lh_user_duration_seconds("0d") == -1 &&
	    lh_user_duration_seconds("1mo") == 2592000 && lh_user_duration_seconds("2mo") == -1, "");
	lh_arena_free(a);
}

int
main(void)
{
	test_config();
	test_user_schema();
	return failures ? 1 : 0;
}
