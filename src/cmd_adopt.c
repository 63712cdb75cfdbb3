/* cmd_adopt.c - `litehcl adopt [FILE]`: take over an existing LiteLLM proxy in one step.
 *
 * Asks every resource type for the objects on the server (its list_all hook: users,
 * teams and their memberships today) and keeps those the state does not manage, reads
 * each through its type exactly as refresh does (so the values are in the state's
 * spelling), and writes an `import` block and a `resource` block for each into FILE
 * (default adopted.tf), laid out as `litehcl fmt` lays it out.  The next `plan` shows
 * only imports; `apply` records them.  Terraform's nearest equivalent is import
 * blocks plus `plan -generate-config-out`, which still needs every id typed by hand.
 *
 * What the proxy made for itself is left out by the types' listings.  Resource names
 * come from the names the listings suggest (e-mail local parts, team aliases), or from
 * the resources an object refers to (a membership: its team's and its user's), made
 * into identifiers and kept unique against the configuration.  An attribute that
 * holds the id of another type's object (lh_attr.ref_type) is written as a reference
 * to that object's resource when it is written too, or managed under a plain address.
 * Nothing is written to the state and no object on the server changes. */
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
#include "curl_dl.h"
#include "fmt.h"
#include "render.h"
#include "source.h"
#include "value.h"

/* One object to adopt. */
typedef struct obj {
	const lh_rtype *rt;
	char *id;		/* import id */
	char *key;		/* what its referrers hold: its own_id_attr value, else the id */
	char *name;		/* resource name */
	char *comment;		/* a comment line above its block, or NULL */
	cJSON *found;		/* what the listing said of it (its read's ref: a membership's
				 * team_id and user_id, which its id cannot tell apart when the
				 * team id holds ':') */
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
	cJSON *managed;		/* {type: {id: true}} of every object the state holds */
	cJSON *names;		/* {"type.name": true} taken */
	cJSON *named;		/* {type: {key: resource name}} of adopted or managed objects */
	cJSON *refs;		/* {type: {key: resource name}} a reference may point at */
	int failed;
} adopt;

/* o[type][key], or NULL. */
static const char *
map_get(const cJSON *o, const char *type, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(o, type), key));
}

static bool
map_has(const cJSON *o, const char *type, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, type),
	    key) != NULL;
}

/* Sets o[type][key] = val unless it has one (val NULL: true). */
static void
map_put(cJSON *o, const char *type, const char *key, const char *val)
{
	cJSON *t = cJSON_GetObjectItemCaseSensitive(o, type);
	if (t == NULL)
		t = cJSON_AddObjectToObject(o, type);
	if (t == NULL || cJSON_GetObjectItemCaseSensitive(t, key) != NULL)
		return;
	if ((val ? cJSON_AddStringToObject(t, key, val) : cJSON_AddTrueToObject(t, key)) == NULL)
		abort();
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

/* The prefix of a name that must start with a letter: the type's name after its
 * provider's ("user_" for PROVIDER_user). */
static const char *
prefix(lh_arena *a, const lh_rtype *rt)
{
	const char *u = strchr(rt->type_name, '_');
	return lh_arena_printf(a, "%s_", u != NULL ? u + 1 : rt->type_name);
}

/* A name for f when its type suggests none: the names of the objects its ref_type
 * attributes refer to ("team_0_alice" for a membership), else its id. */
static char *
ref_name(adopt *ad, const lh_rtype *rt, const lh_found *f)
{
	lh_buf b = {0};
	for (size_t i = 0; i < rt->n; i++) {
		const lh_attr *at = &rt->attrs[i];
		const char *v = at->ref_type ? cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(f->attrs, at->name)) : NULL;
		const lh_rtype *to = at->ref_type ? lh_rtype_find(at->ref_type) : NULL;
		if (v == NULL || to == NULL)
			continue;
		const char *nm = map_get(ad->named, to->type_name, v);
		if (b.len > 0)
			lh_buf_putc(&b, '_');
		lh_buf_puts(&b, nm ? nm : ident(ad->a, v, prefix(ad->a, to)));
	}
	char *out = ident(ad->a, b.len > 0 ? b.p : f->id, prefix(ad->a, rt));
	free(b.p);
	return out;
}

/* Adds f as an object of rt to adopt. */
static void
add_obj(adopt *ad, const lh_rtype *rt, const lh_found *f)
{
	if (ad->n == ad->cap) {
		ad->cap = ad->cap ? ad->cap * 2 : 256;
		ad->v = realloc(ad->v, ad->cap * sizeof *ad->v);
		if (ad->v == NULL)
			abort();
	}
	obj *o = &ad->v[ad->n++];
	memset(o, 0, sizeof *o);
	o->rt = rt;
	o->id = lh_arena_strdup(ad->a, f->id);
	const char *key = rt->own_id_attr ? cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(f->attrs, rt->own_id_attr)) : NULL;
	o->key = lh_arena_strdup(ad->a, key ? key : f->id);
	const char *base = f->name ? ident(ad->a, f->name, prefix(ad->a, rt)) : ref_name(ad, rt, f);
	o->name = unique(ad, rt->type_name, base);
	o->comment = f->comment ? lh_arena_strdup(ad->a, f->comment) : NULL;
	o->found = f->attrs ? cJSON_Duplicate(f->attrs, 1) : NULL;
	o->ad = ad;
	map_put(ad->named, rt->type_name, o->key, o->name);
	map_put(ad->managed, rt->type_name, o->id, NULL);	/* listed twice: adopted once */
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
		o->op.ref = o->found;
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
	lh_rctx_run(rc);
	for (size_t i = 0; i < ad->n; i++)
		lh_rop_clear(&ad->v[i].op);
	free(ops);
}

/* ---- writing HCL ---- */

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
	lh_render_hcl_string(b, o->id);
	lh_buf_puts(b, "\n}\n\n");
	if (o->comment != NULL) {
		lh_buf_puts(b, "# ");
		lh_buf_puts(b, o->comment);
		lh_buf_putc(b, '\n');
	}
	lh_adopt_resource_block(b, rt, o->name, o->attrs, o->ad->refs);
}

void
lh_adopt_resource_block(lh_buf *b, const lh_rtype *rt, const char *name, const cJSON *attrs,
    const cJSON *refs)
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
		const lh_rtype *to = at->ref_type ? lh_rtype_find(at->ref_type) : NULL;
		const char *ref = to && cJSON_IsString(v) ? map_get(refs, to->type_name,
		    v->valuestring) : NULL;
		cJSON *m = NULL;
		if (ref != NULL) {
			/* the object it refers to is written or managed: say so */
			lh_buf_printf(b, "%s.%s.%s", to->type_name, ref,
			    to->own_id_attr ? to->own_id_attr : to->id_attr);
		} else if (at->validate == lh_check_json_object && cJSON_IsString(v) &&
		    cJSON_IsObject(m = lh_cjson_parse(v->valuestring, strlen(v->valuestring), NULL))) {
			/* JSON object text as the object it encodes */
			lh_buf_puts(b, "jsonencode(");
			lh_render_hcl(b, m);
			lh_buf_putc(b, ')');
		} else {
			lh_render_hcl(b, v);
		}
		cJSON_Delete(m);
		lh_buf_putc(b, '\n');
	}
	lh_buf_puts(b, "}\n\n");
}

/* in the registry's order of types (users, teams, memberships); by name within each */
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
	    "  block into FILE (default adopted.tf) for every object on the server that\n"
	    "  the state does not manage yet, of every resource type that can be adopted,\n"
	    "  laid out as \"litehcl fmt\" lays it out. The next \"litehcl plan\" shows\n"
	    "  only imports; \"litehcl apply\" records them in the state. Rename the\n"
	    "  resources and restructure the blocks as you like before applying.\n\n"
	    "  Objects the proxy keeps for itself (its own internal users) are left out.\n"
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
	lh_curl_preload();	/* loads while the configuration and state are read */
	lh_cmd_out o = {.color = lh_cli_color(no_color)};
	lh_arena *a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	adopt ad = {.a = a, .d = &d, .managed = cJSON_CreateObject(),
	    .names = cJSON_CreateObject(), .named = cJSON_CreateObject(),
	    .refs = cJSON_CreateObject()};
	lh_state *st = NULL;
	lh_run r;
	bool run_ready = false;
	int rc = 1;
	lh_buf text = {0};
	const lh_rtype *const *types = lh_rtypes();
	size_t counts[LH_RTYPE_MAX] = {0};
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
		if (rt == NULL)
			continue;
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		    si->attributes, rt->id_attr));
		if (id != NULL)
			map_put(ad.managed, rt->type_name, id, NULL);
		/* objects referring to a managed one are named after it, and refer to it
		 * when its resource is one plain block of the configuration */
		const char *key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		    si->attributes, rt->own_id_attr ? rt->own_id_attr : rt->id_attr));
		if (key == NULL)
			continue;
		map_put(ad.named, rt->type_name, key, si->addr.name);
		const lh_resource *res = lh_config_resource(cfg, rt->type_name, si->addr.name);
		if (si->addr.kind == LH_KEY_NONE && res != NULL && res->mode == LH_EXPAND_ONE)
			map_put(ad.refs, rt->type_name, key, si->addr.name);
	}
	lh_run_opts ro = {.mode = LH_PLAN_NORMAL, .parallelism = 10, .read_only = true};
	lh_run_init(&r, a, &d, cfg, st, &ro);
	run_ready = true;
	if (!lh_run_http(&r))
		goto done;
	ad.http = r.http;
	/* type by type in the registry's order: an object is named after those it refers
	 * to, which come first */
	for (size_t t = 0; types[t] != NULL; t++) {
		if (types[t]->list_all == NULL)
			continue;
		size_t nf = 0;
		lh_found *found = types[t]->list_all(&r.rc, &d, &nf);
		if (found == NULL)
			goto done;
		for (size_t i = 0; i < nf; i++) {
			if (map_has(ad.managed, types[t]->type_name, found[i].id))
				continue;
			add_obj(&ad, types[t], &found[i]);
		}
		lh_found_free(found, nf);
	}
	if (ad.n > 0)
		read_all(&ad, &r.rc);
	if (d.errors > 0)
		goto done;
	/* what is written: not what was gone between the listing and the read */
	size_t live = 0;
	for (size_t i = 0; i < ad.n; i++)
		if (ad.v[i].attrs != NULL) {
			counts[lh_rtype_index(ad.v[i].rt)]++;
			live++;
		}
	/* "users, teams and team memberships" */
	lh_buf kinds = {0}, tally = {0};
	size_t nkinds = 0, k = 0;
	for (size_t t = 0; types[t] != NULL; t++)
		nkinds += types[t]->list_all != NULL;
	for (size_t t = 0; types[t] != NULL; t++) {
		if (types[t]->list_all == NULL)
			continue;
		const char *sep = k == 0 ? "" : k + 1 == nkinds ? " and " : ", ";
		lh_buf_printf(&kinds, "%s%s", sep, types[t]->plural);
		lh_buf_printf(&tally, "%s%zu %s", k == 0 ? "" : ", ", counts[t], types[t]->plural);
		k++;
	}
	const char *kinds_text = lh_arena_strdup(a, kinds.p ? kinds.p : "");
	const char *tally_text = lh_arena_strdup(a, tally.p ? tally.p : "");
	free(kinds.p);
	free(tally.p);
	if (live == 0) {
		printf("Nothing to adopt: every one of the server's %s is managed by this state "
		    "already.\n", kinds_text);
		rc = 0;
		goto done;
	}
	lh_buf_puts(&text, "# Written by litehcl adopt: the LiteLLM objects this state did not\n"
	    "# manage yet. Review, then run litehcl plan (imports only) and litehcl apply.\n\n");
	size_t written = 0;
	qsort(ad.v, ad.n, sizeof *ad.v, obj_cmp);
	/* references point only at resources this file or the configuration has */
	for (size_t i = 0; i < ad.n; i++)
		if (ad.v[i].attrs != NULL)
			map_put(ad.refs, ad.v[i].rt->type_name, ad.v[i].key, ad.v[i].name);
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
	printf("Wrote %zu import blocks with their resource blocks to %s: %s.\n\nRun "
	    "\"litehcl plan\" to review them (it should show only imports), then \"litehcl "
	    "apply\".\n", written, out, tally_text);
	rc = 0;
done:
	if (d.head != NULL)
		lh_cmd_print_diags(&o, &d);
	if (d.errors > 0)
		rc = 1;
	for (size_t i = 0; i < ad.n; i++) {
		cJSON_Delete(ad.v[i].attrs);
		cJSON_Delete(ad.v[i].found);
	}
	free(ad.v);
	free(text.p);
	cJSON_Delete(ad.managed);
	cJSON_Delete(ad.names);
	cJSON_Delete(ad.named);
	cJSON_Delete(ad.refs);
	if (run_ready)
		lh_run_free(&r);
	lh_state_close(st);
	lh_arena_free(a);
	return rc;
}
