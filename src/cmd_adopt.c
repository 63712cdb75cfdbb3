/* cmd_adopt.c - `litehcl adopt [FILE]`: take over an existing LiteLLM proxy in one step.
 *
 * Lists every user (GET /user/list, all pages), team (GET /v2/team/list, or /team/list
 * on servers without it) and team membership (the teams' members_with_roles) on the
 * server that the state does not manage, reads each through its resource type exactly
 * as refresh does (so the values are in the state's spelling), and writes an `import`
 * block and a `resource` block for each into FILE (default adopted.tf), laid out as
 * `litehcl fmt` lays it out.  The next `plan` shows only imports; `apply` records them.
 * Terraform's nearest equivalent is import blocks plus `plan -generate-config-out`,
 * which still needs every id typed by hand.
 *
 * The proxy's own users (default_user_id, litellm-proxy-budget) and their memberships
 * are left out.  Resource names come from e-mail local parts and team aliases, made
 * into identifiers and kept unique against the configuration.  Nothing is written to
 * the state and no object on the server changes. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "buf.h"
#include "cli.h"
#include "cmd_common.h"
#include "fmt.h"
#include "source.h"
#include "value.h"

/* One object to adopt. */
typedef struct obj {
	const lh_rtype *rt;
	char *id;		/* import id */
	char *name;		/* resource name */
	char *hint;		/* a comment line (the membership's team and user), or NULL */
	lh_rop op;		/* the read */
	cJSON *attrs;		/* the object as state attributes, after the read */
	struct adopt *ad;
} obj;

typedef struct adopt {
	lh_arena *a;
	lh_diags *d;
	lh_http *http;
	obj *v;
	size_t n, cap;
	cJSON *managed;		/* {id: true} of every object the state holds */
	cJSON *names;		/* {"type.name": true} taken */
	cJSON *user_names;	/* {user_id: resource name} of adopted or managed users */
	cJSON *team_names;	/* {team_id: resource name} */
	int failed;
} adopt;

static const char *const internal_users[] = {"default_user_id", "litellm-proxy-budget",
	NULL};

static bool
internal_user(const char *id)
{
	for (const char *const *p = internal_users; *p; p++)
		if (strcmp(id, *p) == 0)
			return true;
	return false;
}

/* ---- names ---- */

/* An HCL identifier from s: lower case, [a-z0-9_-], starting with a letter or '_'. */
static char *
ident(lh_arena *a, const char *s, const char *prefix)
{
	lh_buf b = {0};
	bool us = false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int c = tolower(*p);
		if (isalnum(c) || c == '_' || c == '-') {
			lh_buf_putc(&b, (char)c);
			us = c == '_';
		} else if (!us && b.len > 0) {
			lh_buf_putc(&b, '_');
			us = true;
		}
	}
	while (b.len > 0 && (b.p[b.len - 1] == '_' || b.p[b.len - 1] == '-'))
		b.p[--b.len] = '\0';
	char *out;
	if (b.len == 0 || !(isalpha((unsigned char)b.p[0]) || b.p[0] == '_'))
		out = lh_arena_printf(a, "%s%s", prefix, b.len ? b.p : "");
	else
		out = lh_arena_strdup(a, b.p);
	free(b.p);
	if (strlen(out) > 64)
		out[64] = '\0';
	return out;
}

/* base, or base_2, base_3 ... whichever is free for type; marks it taken. */
static char *
unique(adopt *ad, const char *type, const char *base)
{
	char *name = lh_arena_strdup(ad->a, base);
	for (int k = 2;; k++) {
		char *key = lh_arena_printf(ad->a, "%s.%s", type, name);
		if (cJSON_GetObjectItemCaseSensitive(ad->names, key) == NULL) {
			cJSON_AddTrueToObject(ad->names, key);
			return name;
		}
		name = lh_arena_printf(ad->a, "%s_%d", base, k);
	}
}

static obj *
add_obj(adopt *ad, const char *type, const char *id, const char *name)
{
	if (ad->n == ad->cap) {
		ad->cap = ad->cap ? ad->cap * 2 : 256;
		ad->v = realloc(ad->v, ad->cap * sizeof *ad->v);
		if (ad->v == NULL)
			abort();
	}
	obj *o = &ad->v[ad->n++];
	memset(o, 0, sizeof *o);
	o->rt = lh_rtype_find(type);
	o->id = lh_arena_strdup(ad->a, id);
	o->name = unique(ad, type, name);
	o->ad = ad;
	return o;
}

/* ---- listing ---- */

typedef struct page {
	adopt *ad;
	cJSON *rows;		/* where the rows go (array) */
	const char *key;	/* "users" / "teams" */
} page;

static void
page_done(lh_http *h, lh_http_resp *r, void *ctx)
{
	page *pg = ctx;
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(r->json, pg->key);
	if (r->result != LH_HTTP_OK || !cJSON_IsArray(arr)) {
		lh_diag_add(pg->ad->d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot list the server's objects",
		    "%s", r->error ? r->error : "the answer has no list of objects");
		return;
	}
	const cJSON *e;
	cJSON_ArrayForEach(e, arr)
		cJSON_AddItemToArray(pg->rows, cJSON_Duplicate(e, 1));
}

/* GET path?page=N&page_size=100 for every page (the first alone, to learn how many
 * there are, then the rest in parallel).  Returns the rows, or NULL after an error;
 * *missing is set when the route does not exist (404 Not Found of the router). */
static cJSON *
list_all(adopt *ad, const char *path, const char *key, bool *missing)
{
	*missing = false;
	cJSON *rows = cJSON_CreateArray();
	/* a stable order (by id), so that pages neither overlap nor skip rows */
	const char *sort = strcmp(key, "users") == 0 ? "user_id" : "team_id";
	lh_http_param q[4] = {{"page", "1"}, {"page_size", "100"}, {"sort_by", sort},
	    {"sort_order", "asc"}};
	lh_http_req req = {.method = "GET", .path = path, .query = q, .nquery = 4};
	lh_http_resp r;
	int errs = ad->d->errors;
	lh_http_do(ad->http, &req, &r);
	if (r.result == LH_HTTP_STATUS && r.status == 404) {
		*missing = true;
		lh_http_resp_clear(&r);
		cJSON_Delete(rows);
		return NULL;
	}
	page first = {ad, rows, key};
	page_done(ad->http, &r, &first);
	const cJSON *tp = cJSON_GetObjectItemCaseSensitive(r.json, "total_pages");
	int pages = cJSON_IsNumber(tp) ? tp->valueint : 1;
	lh_http_resp_clear(&r);
	if (ad->d->errors > errs) {
		cJSON_Delete(rows);
		return NULL;
	}
	/* later pages: each into its own array, appended in page order */
	cJSON **parts = calloc((size_t)(pages > 1 ? pages : 1), sizeof *parts);
	page *pgs = calloc((size_t)(pages > 1 ? pages : 1), sizeof *pgs);
	char **nums = calloc((size_t)(pages > 1 ? pages : 1), sizeof *nums);
	if (parts == NULL || pgs == NULL || nums == NULL)
		abort();
	for (int p = 2; p <= pages; p++) {
		parts[p - 1] = cJSON_CreateArray();
		pgs[p - 1] = (page){ad, parts[p - 1], key};
		nums[p - 1] = lh_arena_printf(ad->a, "%d", p);
		lh_http_param pq[4] = {{"page", nums[p - 1]}, {"page_size", "100"},
		    {"sort_by", sort}, {"sort_order", "asc"}};
		lh_http_req pr = {.method = "GET", .path = path, .query = pq, .nquery = 4,
		    .done = page_done, .ctx = &pgs[p - 1]};
		lh_http_submit(ad->http, &pr);
	}
	if (pages > 1)
		lh_http_run(ad->http);
	for (int p = 2; p <= pages; p++) {
		while (parts[p - 1]->child != NULL)
			cJSON_AddItemToArray(rows, cJSON_DetachItemViaPointer(parts[p - 1],
			    parts[p - 1]->child));
		cJSON_Delete(parts[p - 1]);
	}
	free(parts);
	free(pgs);
	free(nums);
	if (ad->d->errors > errs) {
		cJSON_Delete(rows);
		return NULL;
	}
	return rows;
}

/* ---- reading each object through its type ---- */

static void
read_done(lh_rop *op, void *ctx)
{
	obj *o = ctx;
	if (op->ok && !op->gone && op->attrs != NULL) {
		o->attrs = op->attrs;
		op->attrs = NULL;
	} else if (!op->gone) {
		o->ad->failed++;
		lh_diag_add(o->ad->d, LH_DIAG_ERROR, NULL, 0, 0, op->summary ? op->summary :
		    "Cannot read an object to adopt", "%s", op->detail ? op->detail : o->id);
	}
}

static void
read_all(adopt *ad, lh_rctx *rc)
{
	lh_rop **ops = calloc(ad->n + 1, sizeof *ops);
	if (ops == NULL)
		abort();
	for (size_t i = 0; i < ad->n; i++) {
		obj *o = &ad->v[i];
		o->op.kind = LH_OP_READ;
		o->op.rt = o->rt;
		o->op.addr = lh_arena_printf(ad->a, "%s.%s", o->rt->type_name, o->name);
		o->op.id = o->id;
		o->op.done = read_done;
		o->op.ctx = o;
	}
	const lh_rtype *const *ts = lh_rtypes();
	for (size_t t = 0; ts[t] != NULL; t++) {
		size_t k = 0;
		for (size_t i = 0; i < ad->n; i++)
			if (ad->v[i].rt == ts[t])
				ops[k++] = &ad->v[i].op;
		if (k == 0)
			continue;
		if (ts[t]->read_many != NULL) {
			for (size_t i = 0; i < k; i++)
				ops[i]->rc = rc;
			ts[t]->read_many(rc, ops, k);
		} else {
			for (size_t i = 0; i < k; i++)
				lh_rop_submit(rc, ops[i]);
		}
	}
	lh_http_run(ad->http);
	for (size_t i = 0; i < ad->n; i++)
		lh_rop_clear(&ad->v[i].op);
	free(ops);
}

/* ---- writing HCL ---- */

static void
hcl_string(lh_buf *b, const char *s)
{
	lh_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': lh_buf_puts(b, "\\\""); break;
		case '\\': lh_buf_puts(b, "\\\\"); break;
		case '\n': lh_buf_puts(b, "\\n"); break;
		case '\r': lh_buf_puts(b, "\\r"); break;
		case '\t': lh_buf_puts(b, "\\t"); break;
		case '$': case '%':
			/* ${ and %{ would start a template sequence: double the sign */
			lh_buf_putc(b, (char)*p);
			if (p[1] == '{')
				lh_buf_putc(b, (char)*p);
			break;
		default:
			if (*p < 0x20) {
				char u[8];
				snprintf(u, sizeof u, "\\u%04x", *p);
				lh_buf_puts(b, u);
			} else {
				lh_buf_putc(b, (char)*p);
			}
		}
	}
	lh_buf_putc(b, '"');
}

static bool
is_ident(const char *s)
{
	if (!(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* A JSON value as an HCL expression (objects one key per line). */
static void
hcl_value(lh_buf *b, const cJSON *v)
{
	if (cJSON_IsString(v)) {
		hcl_string(b, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		char *s = lh_cjson_print(v);	/* the exact number */
		lh_buf_puts(b, s ? s : "0");
		free(s);
	} else if (cJSON_IsBool(v)) {
		lh_buf_puts(b, cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsArray(v)) {
		lh_buf_putc(b, '[');
		for (const cJSON *e = v->child; e; e = e->next) {
			hcl_value(b, e);
			if (e->next)
				lh_buf_puts(b, ", ");
		}
		lh_buf_putc(b, ']');
	} else if (cJSON_IsObject(v)) {
		if (v->child == NULL) {
			lh_buf_puts(b, "{}");
			return;
		}
		lh_buf_puts(b, "{\n");
		for (const cJSON *e = v->child; e; e = e->next) {
			if (is_ident(e->string))
				lh_buf_puts(b, e->string);
			else
				hcl_string(b, e->string);
			lh_buf_puts(b, " = ");
			hcl_value(b, e);
			lh_buf_putc(b, '\n');
		}
		lh_buf_putc(b, '}');
	} else {
		lh_buf_puts(b, "null");
	}
}

static void
write_obj(lh_buf *b, const obj *o)
{
	const lh_rtype *rt = o->rt;
	lh_buf_puts(b, "import {\n");
	lh_buf_puts(b, "to = ");
	lh_buf_puts(b, rt->type_name);
	lh_buf_putc(b, '.');
	lh_buf_puts(b, o->name);
	lh_buf_puts(b, "\nid = ");
	hcl_string(b, o->id);
	lh_buf_puts(b, "\n}\n\n");
	if (o->hint != NULL) {
		lh_buf_puts(b, "# ");
		lh_buf_puts(b, o->hint);
		lh_buf_putc(b, '\n');
	}
	lh_adopt_resource_block(b, rt, o->name, o->attrs);
}

void
lh_adopt_resource_block(lh_buf *b, const lh_rtype *rt, const char *name, const cJSON *attrs)
{
	lh_buf_puts(b, "resource \"");
	lh_buf_puts(b, rt->type_name);
	lh_buf_puts(b, "\" \"");
	lh_buf_puts(b, name);
	lh_buf_puts(b, "\" {\n");
	for (size_t i = 0; i < rt->n; i++) {
		const lh_attr *at = &rt->attrs[i];
		if (at->mode == LH_ATTR_COMPUTED || at->sensitive)
			continue;
		/* the id litehcl would otherwise choose stays the server's without pinning */
		if (rt->own_id_attr != NULL && strcmp(at->name, rt->own_id_attr) == 0)
			continue;
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(attrs, at->name);
		if (v == NULL || cJSON_IsNull(v))
			continue;
		lh_buf_puts(b, at->name);
		lh_buf_puts(b, " = ");
		if (strcmp(at->name, "metadata") == 0 && cJSON_IsString(v)) {
			/* the JSON text as the object it encodes */
			cJSON *m = lh_cjson_parse(v->valuestring, strlen(v->valuestring), NULL);
			if (cJSON_IsObject(m)) {
				lh_buf_puts(b, "jsonencode(");
				hcl_value(b, m);
				lh_buf_putc(b, ')');
			} else {
				hcl_value(b, v);
			}
			cJSON_Delete(m);
		} else {
			hcl_value(b, v);
		}
		lh_buf_putc(b, '\n');
	}
	lh_buf_puts(b, "}\n\n");
}

/* users, then teams, then memberships; by name within each */
static int
obj_cmp(const void *x, const void *y)
{
	const obj *a = x, *b = y;
	size_t ia = lh_rtype_index(a->rt), ib = lh_rtype_index(b->rt);
	if (ia != ib)
		return ia < ib ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* ---- the command ---- */

static void
usage(FILE *f)
{
	fputs("Usage: litehcl [global options] adopt [options] [FILE]\n\n"
	    "  Takes over an existing LiteLLM proxy: writes an import block and a resource\n"
	    "  block into FILE (default adopted.tf) for every user, team and team\n"
	    "  membership on the server that the state does not manage yet, laid out as\n"
	    "  \"litehcl fmt\" lays it out. The next \"litehcl plan\" shows only imports;\n"
	    "  \"litehcl apply\" records them in the state. Rename the resources and\n"
	    "  restructure the blocks as you like before applying.\n\n"
	    "  The proxy's own users (default_user_id, litellm-proxy-budget) are left out.\n"
	    "  Nothing changes on the server or in the state.\n\n"
	    "Options:\n\n"
	    "  -force              Overwrite FILE if it exists.\n\n"
	    "  -state=path         The state whose objects are already managed. Defaults to\n"
	    "                      \"terraform.tfstate\".\n\n"
	    "  -no-color           If specified, output won't contain any color.\n", f);
}

int
lh_cmd_adopt(int argc, char **argv)
{
	const char *state_path = NULL;
	bool force = false, no_color = false, help = false;
	lh_opt opts[] = {
		{"force", LH_OPT_BOOL, &force},
		{"state", LH_OPT_STRING, &state_path},
		{"no-color", LH_OPT_BOOL, &no_color},
		{NULL, 0, NULL}
	};
	int npos = 0;
	if (!lh_cli_parse("adopt", opts, argc - 1, argv + 1, &npos, &help))
		return 1;
	if (help) {
		usage(stdout);
		return 0;
	}
	if (npos > 1) {
		fputs("Error: adopt takes at most one argument, the file to write\n\n", stderr);
		usage(stderr);
		return 1;
	}
	const char *out = npos == 1 ? argv[1] : "adopted.tf";
	lh_cmd_out o = {.color = lh_cli_color(no_color)};
	lh_arena *a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	adopt ad = {.a = a, .d = &d, .managed = cJSON_CreateObject(),
	    .names = cJSON_CreateObject(), .user_names = cJSON_CreateObject(),
	    .team_names = cJSON_CreateObject()};
	lh_state *st = NULL;
	lh_run r;
	bool run_ready = false;
	int rc = 1;
	cJSON *users = NULL, *teams = NULL;
	lh_buf text = {0};
	if (!force && access(out, F_OK) == 0) {
		lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Target generated file already exists",
		    "adopt will not overwrite %s: name another file, or add -force.", out);
		goto done;
	}
	lh_config *cfg = lh_config_load(a, ".", NULL, 0, &d);
	if (cfg == NULL || d.errors > 0)
		goto done;
	/* names the configuration already uses stay free for it */
	for (size_t i = 0; i < cfg->nresources; i++)
		cJSON_AddTrueToObject(ad.names, cfg->resources[i]->addr);
	if (!lh_cmd_open_state(state_path, false, NULL, "OperationTypeInvalid", true, &st, &d))
		goto done;
	for (size_t i = 0; i < lh_state_count(st); i++) {
		lh_state_inst *si = lh_state_at(st, i);
		const lh_rtype *rt = lh_rtype_find(si->addr.type);
		const char *id = rt ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		    si->attributes, rt->id_attr)) : NULL;
		if (id != NULL && cJSON_GetObjectItemCaseSensitive(ad.managed, id) == NULL)
			cJSON_AddTrueToObject(ad.managed, id);
		/* memberships of a managed user or team are named after it */
		const char *uid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		    si->attributes, "user_id"));
		const char *tid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		    si->attributes, "team_id"));
		if (strcmp(si->addr.type, "litellm_user") == 0 && uid != NULL &&
		    cJSON_GetObjectItemCaseSensitive(ad.user_names, uid) == NULL)
			cJSON_AddStringToObject(ad.user_names, uid, si->addr.name);
		if (strcmp(si->addr.type, "litellm_team") == 0 && tid != NULL &&
		    cJSON_GetObjectItemCaseSensitive(ad.team_names, tid) == NULL)
			cJSON_AddStringToObject(ad.team_names, tid, si->addr.name);
	}
	lh_run_opts ro = {.mode = LH_PLAN_NORMAL, .parallelism = 10, .read_only = true};
	lh_run_init(&r, a, &d, cfg, st, &ro);
	run_ready = true;
	if (!lh_run_http(&r))
		goto done;
	ad.http = r.http;
	bool missing = false;
	users = list_all(&ad, "/user/list", "users", &missing);
	if (users == NULL) {
		if (missing)
			lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot list the server's users",
			    "GET /user/list: 404 Not Found: check that api_base (LITELLM_API_BASE) is "
			    "the LiteLLM proxy's base URL.");
		goto done;
	}
	teams = list_all(&ad, "/v2/team/list", "teams", &missing);
	if (teams == NULL && missing) {
		/* servers before /v2/team/list: one array of every team */
		lh_http_req req = {.method = "GET", .path = "/team/list"};
		lh_http_resp resp;
		lh_http_do(ad.http, &req, &resp);
		if (resp.result == LH_HTTP_OK && cJSON_IsArray(resp.json)) {
			teams = resp.json;
			resp.json = NULL;
		} else {
			lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot list the server's teams",
			    "%s", resp.error ? resp.error : "GET /team/list: not a list of teams");
		}
		lh_http_resp_clear(&resp);
	}
	if (teams == NULL)
		goto done;
	/* users */
	size_t nu = 0, nt = 0, nm = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, users) {
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "user_id"));
		if (id == NULL || internal_user(id) || cJSON_GetObjectItemCaseSensitive(ad.managed, id))
			continue;
		const char *email = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "user_email"));
		char *base;
		if (email != NULL && strchr(email, '@') != NULL)
			base = ident(a, lh_arena_strndup(a, email, (size_t)(strchr(email, '@') - email)), "user_");
		else
			base = ident(a, id, "user_");
		obj *ob = add_obj(&ad, "litellm_user", id, base);
		cJSON_AddStringToObject(ad.user_names, id, ob->name);
		cJSON_AddTrueToObject(ad.managed, id);	/* listed twice: adopted once */
		nu++;
	}
	/* teams, then their members */
	cJSON_ArrayForEach(e, teams) {
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "team_id"));
		if (id == NULL || cJSON_GetObjectItemCaseSensitive(ad.managed, id))
			continue;
		const char *alias = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "team_alias"));
		obj *ob = add_obj(&ad, "litellm_team", id, ident(a, alias ? alias : id, "team_"));
		cJSON_AddStringToObject(ad.team_names, id, ob->name);
		cJSON_AddTrueToObject(ad.managed, id);
		nt++;
	}
	cJSON_ArrayForEach(e, teams) {
		const char *tid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "team_id"));
		const cJSON *mem = cJSON_GetObjectItemCaseSensitive(e, "members_with_roles");
		if (tid == NULL || !cJSON_IsArray(mem))
			continue;
		const char *tname = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ad.team_names, tid));
		const char *alias = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "team_alias"));
		const cJSON *m;
		cJSON_ArrayForEach(m, mem) {
			const char *uid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "user_id"));
			if (uid == NULL || internal_user(uid))
				continue;	/* legacy email-only entries cannot be imported */
			char *id = lh_arena_printf(a, "%s:%s", tid, uid);
			if (cJSON_GetObjectItemCaseSensitive(ad.managed, id))
				continue;
			const char *uname = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ad.user_names, uid));
			char *base = ident(a, lh_arena_printf(a, "%s_%s", tname ? tname : ident(a, tid, "team_"),
			    uname ? uname : ident(a, uid, "user_")), "member_");
			cJSON_AddTrueToObject(ad.managed, id);
			obj *ob = add_obj(&ad, "litellm_team_member", id, base);
			const char *email = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "user_email"));
			ob->hint = lh_arena_printf(a, "team \"%s\", user %s", alias ? alias : tid,
			    email ? email : uid);
			nm++;
		}
	}
	if (ad.n == 0) {
		printf("Nothing to adopt: every user, team and membership on the server is "
		    "managed by this state already.\n");
		rc = 0;
		goto done;
	}
	read_all(&ad, &r.rc);
	if (d.errors > 0)
		goto done;
	lh_buf_puts(&text, "# Written by litehcl adopt: the LiteLLM objects this state did not\n"
	    "# manage yet. Review, then run litehcl plan (imports only) and litehcl apply.\n\n");
	size_t written = 0;
	qsort(ad.v, ad.n, sizeof *ad.v, obj_cmp);
	for (size_t i = 0; i < ad.n; i++) {
		if (ad.v[i].attrs == NULL)
			continue;	/* gone between the listing and the read */
		write_obj(&text, &ad.v[i]);
		written++;
	}
	lh_source *src = lh_source_from_mem(a, out, text.p, text.len);
	size_t flen = 0;
	const char *formatted = lh_fmt_file(a, src, &d, &flen);
	if (formatted == NULL)
		goto done;
	/* written whole or not at all */
	char *tmp = lh_arena_printf(a, "%s.tmp.%ld", out, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (f == NULL || fwrite(formatted, 1, flen, f) != flen || fclose(f) != 0 ||
	    rename(tmp, out) != 0) {
		int e2 = errno;
		if (f != NULL)
			unlink(tmp);
		lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot write the generated file",
		    "%s: %s.", out, strerror(e2));
		goto done;
	}
	printf("Wrote %zu import blocks with their resource blocks to %s: %zu users, %zu "
	    "teams, %zu team memberships.\n\nRun \"litehcl plan\" to review them (it should "
	    "show only imports), then \"litehcl apply\".\n", written, out, nu, nt, nm);
	rc = 0;
done:
	if (d.head != NULL)
		lh_cmd_print_diags(&o, &d);
	if (d.errors > 0)
		rc = 1;
	for (size_t i = 0; i < ad.n; i++)
		cJSON_Delete(ad.v[i].attrs);
	free(ad.v);
	free(text.p);
	cJSON_Delete(users);
	cJSON_Delete(teams);
	cJSON_Delete(ad.managed);
	cJSON_Delete(ad.names);
	cJSON_Delete(ad.user_names);
	cJSON_Delete(ad.team_names);
	if (run_ready)
		lh_run_free(&r);
	lh_state_close(st);
	lh_arena_free(a);
	return rc;
}
