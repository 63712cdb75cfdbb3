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
	check("config: lifecycle", team && team->lifecycle->prevent_destroy &&
	    team->lifecycle->nignore == 1 && strcmp(team->lifecycle->ignore[0], "metadata") == 0, "lifecycle");

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
		const lh_source *as = ar ? lh_arg_src(in[0], ar) : NULL;
		check("expand: argument range", ar && as && ar->start < ar->end &&
		    strncmp(lh_source_text(as) + ar->start, "\"${each.key}", 12) == 0, "range");
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

/* cJSON from text, kept until the end of the test. */
static cJSON *kept[64];
static size_t nkept;

static cJSON *
J(const char *text)
{
	cJSON *v = cJSON_Parse(text);
	if (v != NULL && nkept < sizeof kept / sizeof kept[0])
		kept[nkept++] = v;
	return v;
}

static bool
api_is(const lh_attr *at, const char *v, const char *want)
{
	cJSON *x = lh_attr_to_api(at, J(v));
	char *t = cJSON_PrintUnformatted(x);
	bool ok = t != NULL && strcmp(t, want) == 0;
	if (!ok)
		printf("    %s -> %s (want %s)\n", v, t ? t : "?", want);
	free(t);
	cJSON_Delete(x);
	return ok;
}

/* The litellm_user table: one description drives validation, comparison by meaning
 * and the API spelling. */
static void
test_user_schema(void)
{
	const lh_rtype *s = lh_rtype_find("litellm_user");
	check("schema: litellm_user found", s != NULL && lh_schema_find("litellm_user") == s, "find");
	check("schema: unknown type", lh_schema_find("litellm_nope") == NULL, "find");
	bool sorted = true;
	for (size_t i = 1; s != NULL && i < s->n; i++)
		if (strcmp(s->attrs[i - 1].name, s->attrs[i].name) >= 0)
			sorted = false;
	check("schema: every table sorted by name", sorted, "order");
	for (const lh_rtype *const *t = lh_rtypes(); *t != NULL; t++) {
		bool ok = lh_rtype_attr(*t, (*t)->id_attr) != NULL &&
		    ((*t)->own_id_attr == NULL || lh_rtype_attr(*t, (*t)->own_id_attr) != NULL);
		for (size_t i = 1; i < (*t)->n; i++)
			if (strcmp((*t)->attrs[i - 1].name, (*t)->attrs[i].name) >= 0)
				ok = false;
		char nm[128];
		snprintf(nm, sizeof nm, "schema: %s table sorted, ids present", (*t)->type_name);
		check(nm, ok, (*t)->type_name);
	}
	const lh_attr *role = lh_schema_attr(s, "user_role");
	const lh_attr *dur = lh_schema_attr(s, "budget_duration");
	const lh_attr *bud = lh_schema_attr(s, "max_budget");
	const lh_attr *meta = lh_schema_attr(s, "metadata");
	const lh_attr *mail = lh_schema_attr(s, "user_email");
	const lh_attr *lim = lh_schema_attr(s, "tpm_limit");
	check("same: admin == proxy_admin", lh_attr_same(role, J("\"admin\""), J("\"proxy_admin\"")), "");
	check("same: user == internal_user", lh_attr_same(role, J("\"user\""), J("\"internal_user\"")), "");
	check("same: admin != internal_user", !lh_attr_same(role, J("\"admin\""), J("\"internal_user\"")), "");
	check("same: daily == 1d", lh_attr_same(dur, J("\"daily\""), J("\"1d\"")), "");
	check("same: weekly == 1w == 7d", lh_attr_same(dur, J("\"weekly\""), J("\"1w\"")) &&
	    lh_attr_same(dur, J("\"7d\""), J("\"1w\"")), "");
	check("same: monthly == 1mo == 30d", lh_attr_same(dur, J("\"monthly\""), J("\"1mo\"")) &&
	    lh_attr_same(dur, J("\"30d\""), J("\"monthly\"")), "");
	/* litellm_user.md lists the equal spellings; LiteLLM resets a 1d budget at
	 * midnight and a 24h one 24 hours after the last reset: they differ */
	check("same: 24h != 1d (resets differ)", !lh_attr_same(dur, J("\"24h\""), J("\"1d\"")) &&
	    !lh_attr_same(dur, J("\"24h\""), J("\"daily\"")), "");
	check("same: 1d != 2d", !lh_attr_same(dur, J("\"1d\""), J("\"2d\"")), "");
	check("same: max_budget 0 == null", lh_attr_same(bud, J("0"), J("null")) &&
	    lh_attr_same(bud, J("0"), NULL), "");
	check("same: 10 == 10.0", lh_attr_same(bud, J("10"), J("10.0")), "");
	check("same: 10 != 11", !lh_attr_same(bud, J("10"), J("11")), "");
	check("same: metadata JSON objects", lh_attr_same(meta, J("\"{\\\"a\\\":1,\\\"b\\\":[1,2]}\""),
	    J("\"{ \\\"b\\\": [1, 2],\\n \\\"a\\\": 1 }\"")), "");
	check("same: metadata differs", !lh_attr_same(meta, J("\"{\\\"a\\\":1}\""), J("\"{\\\"a\\\":2}\"")), "");
	check("same: email case-insensitive", lh_attr_same(mail, J("\"A@B.com\""), J("\"a@b.COM\"")), "");
	check("same: null == null", lh_attr_same(lh_schema_attr(s, "user_alias"), J("null"), NULL), "");
	check("api: admin -> proxy_admin", api_is(role, "\"admin\"", "\"proxy_admin\""), "");
	check("api: native role unchanged", api_is(role, "\"internal_user_viewer\"", "\"internal_user_viewer\""), "");
	check("api: monthly -> 30d", api_is(dur, "\"monthly\"", "\"30d\""), "");
	check("api: 24h unchanged", api_is(dur, "\"24h\"", "\"24h\""), "");
	check("api: max_budget 0 -> null", api_is(bud, "0", "null"), "");
	check("api: max_budget 2.5 kept", api_is(bud, "2.5", "2.5"), "");
	check("api: max_budget 10 as a float", api_is(bud, "10", "10.0"), "");
	check("api: limits whole", api_is(lim, "5", "5"), "");
	check("api: metadata decoded", api_is(meta, "\"{\\\"team\\\":\\\"x\\\"}\"", "{\"team\":\"x\"}"), "");
	check("duration: seconds", lh_duration_seconds("2h") == 7200 && lh_duration_seconds("0d") == -1 &&
	    lh_duration_seconds("1mo") == 2592000 && lh_duration_seconds("2mo") == -1, "");
	const lh_attr *idat = lh_schema_attr(s, "user_id");
	check("table: user_id forces replacement, role defaults to user", idat && idat->force_new &&
	    role && role->default_json && strcmp(role->default_json, "\"user\"") == 0, "");
	for (size_t i = 0; i < nkept; i++)
		cJSON_Delete(kept[i]);
	nkept = 0;
}

char *lh_team_create_body(const cJSON *after, const char *team_id);

/* The litellm_team and litellm_team_member tables. */
static void
test_team_tables(void)
{
	lh_arena *a = lh_arena_new();
	const lh_rtype *t = lh_rtype_find("litellm_team"), *m = lh_rtype_find("litellm_team_member");
	check("team: types registered", t != NULL && m != NULL, "find");
	if (t == NULL || m == NULL)
		goto out;
	const lh_attr *perms = lh_rtype_attr(t, "team_member_permissions");
	const lh_attr *md = lh_rtype_attr(t, "metadata");
	const lh_attr *org = lh_rtype_attr(t, "organization_id");
	const lh_attr *models = lh_rtype_attr(t, "models");
	const lh_attr *dur = lh_rtype_attr(t, "budget_duration");
	const lh_attr *blocked = lh_rtype_attr(t, "blocked");
	check("team: own id is team_id, force-new", t->own_id_attr && strcmp(t->own_id_attr, "team_id") == 0 &&
	    lh_rtype_attr(t, "team_id")->force_new, "");
	check("team: blocked defaults to false", blocked && blocked->default_json && strcmp(blocked->default_json, "false") == 0, "");
	check("team: permissions by meaning and as a set", lh_attr_same(perms,
	    J("[\"create_key\",\"/key/info\"]"), J("[\"/key/info\",\"/key/generate\"]")), "");
	check("team: permissions differ", !lh_attr_same(perms, J("[\"create_key\"]"), J("[\"/key/update\"]")), "");
	check("team: permissions null == []", lh_attr_same(perms, J("[]"), J("null")), "");
	check("team: permissions to routes", api_is(perms, "[\"edit_key\",\"update_key\",\"list_keys\"]",
	    "[\"/key/update\",\"/key/list\"]"), "");
	check("team: models as a set", lh_attr_same(models, J("[\"a\",\"b\"]"), J("[\"b\",\"a\",\"a\"]")) &&
	    !lh_attr_same(models, J("[\"a\"]"), J("[\"a\",\"b\"]")), "");
	check("team: organization \"\" == null", lh_attr_same(org, J("\"\""), J("null")) &&
	    !lh_attr_same(org, J("\"\""), J("\"o1\"")), "");
	check("team: metadata ignores server keys", lh_attr_same(md, J("\"{\\\"a\\\":1}\""),
	    J("\"{\\\"a\\\":1,\\\"team_member_budget_id\\\":\\\"b\\\",\\\"tags\\\":[\\\"x\\\"]}\"")), "");
	check("team: metadata key added outside is drift", !lh_attr_same(md, J("\"{\\\"a\\\":1}\""),
	    J("\"{\\\"a\\\":1,\\\"owner\\\":\\\"x\\\"}\"")), "");
	check("team: a server key the configuration sets is compared", !lh_attr_same(md,
	    J("\"{\\\"tags\\\":[\\\"y\\\"]}\""), J("\"{\\\"tags\\\":[\\\"x\\\"]}\"")), "");
	check("team: yearly == 365d", lh_attr_same(dur, J("\"yearly\""), J("\"365d\"")) &&
	    api_is(dur, "\"yearly\"", "\"365d\""), "");
	lh_value *v = lh_val_cstr(a, "yearly");
	check("team: yearly valid for teams, not users", dur->validate(a, v) == NULL &&
	    lh_rtype_attr(lh_rtype_find("litellm_user"), "budget_duration")->validate(a, v) != NULL, "");
	check("team: empty alias invalid", lh_rtype_attr(t, "team_alias")->validate(a, lh_val_cstr(a, "")) != NULL, "");
	check("team: team_id with a control character invalid",
	    lh_rtype_attr(t, "team_id")->validate(a, lh_val_cstr(a, "a\tb")) != NULL &&
	    lh_rtype_attr(t, "team_id")->validate(a, lh_val_cstr(a, "a/b #c&d e")) == NULL, "");
	cJSON *after = J("{\"team_alias\":\"x\",\"max_budget\":0,\"models\":[\"m\"],\"blocked\":false,"
	    "\"metadata\":\"{\\\"k\\\":1}\",\"team_member_permissions\":[\"create_key\"],\"tpm_limit\":5}");
	char *body = lh_team_create_body(after, "tid");
	cJSON *bj = body ? cJSON_Parse(body) : NULL;
	cJSON *want = J("{\"team_id\":\"tid\",\"team_alias\":\"x\",\"max_budget\":null,\"models\":[\"m\"],"
	    "\"blocked\":false,\"metadata\":{\"k\":1},\"team_member_permissions\":[\"/key/generate\"],\"tpm_limit\":5}");
	check("team: create body (0 budget as null, routes, metadata object, no members)",
	    bj != NULL && cJSON_Compare(bj, want, true), body ? body : "null");
	cJSON_Delete(bj);
	free(body);
	/* memberships */
	const lh_attr *role = lh_rtype_attr(m, "role"), *email = lh_rtype_attr(m, "user_email");
	check("member: no client id; id made of team and user", m->own_id_attr == NULL && m->would_be_id != NULL &&
	    m->dies_with_deps, "");
	char *wid = m->would_be_id(J("{\"team_id\":\"T\",\"user_id\":\"U\"}"));
	check("member: would-be id TEAM:USER", wid && strcmp(wid, "T:U") == 0, wid ? wid : "null");
	free(wid);
	check("member: roles admin and user only", role->validate(a, lh_val_cstr(a, "admin")) == NULL &&
	    role->validate(a, lh_val_cstr(a, "user")) == NULL &&
	    role->validate(a, lh_val_cstr(a, "internal_user")) != NULL &&
	    role->validate(a, lh_val_cstr(a, "org_admin")) != NULL, "");
	check("member: user_email is the identity only without user_id",
	    email->forces(J("{\"team_id\":\"T\",\"user_email\":\"a@b.c\"}")) &&
	    !email->forces(J("{\"team_id\":\"T\",\"user_id\":\"U\",\"user_email\":\"a@b.c\"}")), "");
	check("member: team_id and user_id force replacement", lh_rtype_attr(m, "team_id")->force_new &&
	    lh_rtype_attr(m, "user_id")->force_new, "");
	check("member: budget 0 == null", lh_attr_same(lh_rtype_attr(m, "max_budget_in_team"), J("0"), J("null")), "");
out:
	for (size_t i = 0; i < nkept; i++)
		cJSON_Delete(kept[i]);
	nkept = 0;
	lh_arena_free(a);
}

int
main(void)
{
	test_config();
	test_user_schema();
	test_team_tables();
	return failures ? 1 : 0;
}
