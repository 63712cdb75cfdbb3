/* vars.c - gathering input variable assignments in Terraform's precedence order (see
 * vars.h): environment, terraform.tfvars, terraform.tfvars.json, *.auto.tfvars and
 * *.auto.tfvars.json in name order, then -var / -var-file in command-line order. */
#include "vars.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "eval.h"
#include "parse.h"

/* Appends room for one more element to an arena array of n elements whose capacity
 * follows lh_arena_grow's doubling (8, 16, 32 ...): grows only when it is full. */
#define GROW1(a, arr, n, sz) \
	(((n) == 0 || ((n) >= 8 && ((n) & ((n) - 1)) == 0)) ? lh_arena_grow((a), (arr), (n), (n) + 1, (sz)) : (void *)(arr))

extern char **environ;

typedef struct {
	lh_var_assign *v;
	size_t n;
	lh_arena *a;
} alist;

static lh_var_assign *
push(alist *l)
{
	l->v = GROW1(l->a, l->v, l->n, sizeof *l->v);
	lh_var_assign *x = &l->v[l->n++];
	memset(x, 0, sizeof *x);
	return x;
}

typedef struct {
	const char *key;
	size_t pos;
} kpos;

static int
kpos_cmp(const void *x, const void *y)
{
	const kpos *p = x, *q = y;
	int c = strcmp(p->key, q->key);
	if (c != 0)
		return c;
	return p->pos < q->pos ? -1 : p->pos > q->pos;
}

static lh_value *
from_json(lh_arena *a, const cJSON *j, int depth)
{
	if (depth > 200)
		return lh_val_null(a, &lh_type_dynamic);
	if (cJSON_IsNull(j))
		return lh_val_null(a, &lh_type_dynamic);
	if (cJSON_IsBool(j))
		return lh_val_bool(a, cJSON_IsTrue(j));
	if (cJSON_IsNumber(j)) {
		lh_number n;
		lh_cjson_number(a, j, &n);
		return lh_val_number(a, n);
	}
	if (cJSON_IsString(j))
		return lh_val_cstr(a, j->valuestring);
	size_t n = 0;
	for (const cJSON *c = j->child; c != NULL; c = c->next)
		n++;
	lh_value **vals = lh_arena_alloc(a, (n ? n : 1) * sizeof *vals);
	const char **keys = lh_arena_alloc(a, (n ? n : 1) * sizeof *keys);
	size_t i = 0;
	for (const cJSON *c = j->child; c != NULL; c = c->next) {
		vals[i] = from_json(a, c, depth + 1);
		keys[i] = c->string ? c->string : "";
		i++;
	}
	if (cJSON_IsArray(j))
		return lh_val_tuple(a, vals, n);
	/* JSON allows duplicate keys; the last one wins, as in Go's decoder: sort by key
	 * then position, keep the last of each run. */
	kpos *ord = lh_arena_alloc(a, (n ? n : 1) * sizeof *ord);
	for (i = 0; i < n; i++) {
		ord[i].key = keys[i];
		ord[i].pos = i;
	}
	if (n > 1)
		qsort(ord, n, sizeof *ord, kpos_cmp);
	const char **uk = lh_arena_alloc(a, (n ? n : 1) * sizeof *uk);
	lh_value **uv = lh_arena_alloc(a, (n ? n : 1) * sizeof *uv);
	size_t m = 0;
	for (i = 0; i < n; i++) {
		if (i + 1 < n && strcmp(ord[i].key, ord[i + 1].key) == 0)
			continue;
		uk[m] = ord[i].key;
		uv[m++] = vals[ord[i].pos];
	}
	return lh_val_object(a, uk, uv, m);
}

lh_value *
lh_vars_cjson_value(lh_arena *a, const void *json)
{
	return from_json(a, json, 0);
}

lh_value *
lh_vars_json_value(lh_arena *a, const char *text, size_t len, const char **err)
{
	const char *end = NULL;
	cJSON *j = lh_cjson_parse(text, len, &end);
	if (j == NULL) {
		*err = lh_arena_printf(a, "invalid JSON near byte %zu", end ? (size_t)(end - text) : (size_t)0);
		return NULL;
	}
	lh_value *v = from_json(a, j, 0);
	cJSON_Delete(j);
	return v;
}

/* tfvars files may not refer to anything. */
static lh_value *
no_refs(lh_eval *ev, const lh_node *root, const lh_node *step, bool *consumed)
{
	const lh_node *n = step ? step : root;
	lh_diag *g = lh_diag_add(ev->d, LH_DIAG_ERROR, n->src, root->start, n->end,
	    "Variables not allowed", "Variables may not be used here.");
	g->context = NULL;
	return NULL;
}

static void
undeclared_in_file(lh_diags *d, const char *name, const char *file, const lh_source *src,
    uint32_t s, uint32_t e)
{
	lh_diag_add(d, LH_DIAG_WARNING, src, s, e, "Value for undeclared variable",
	    "The root module does not declare a variable named \"%s\" but a value was found in file \"%s\". If you meant to use this value, add a \"variable\" block to the configuration.\n\nTo silence these warnings, use TF_VAR_... environment variables to provide certain \"global\" settings to all configurations in your organization. To reduce the verbosity of these warnings, use the -compact-warnings option.",
	    name, file);
}

/* Reads one variables file (HCL, or JSON when the name ends in .json). */
static void
read_file(alist *l, const char *path, const char *shown, bool must_exist,
    bool (*declared)(const char *, void *), void *ctx, lh_diags *d)
{
	lh_arena *a = l->a;
	struct stat st;
	if (stat(path, &st) != 0) {
		if (must_exist)
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to read variables file",
			    "Given variables file %s does not exist.", shown);
		return;
	}
	lh_source *src = lh_source_load(a, path, shown, d);
	if (src == NULL)
		return;
	size_t sl = strlen(shown);
	if (sl >= 5 && strcmp(shown + sl - 5, ".json") == 0) {
		const char *err = NULL;
		lh_value *v = lh_vars_json_value(a, src->text, src->len, &err);
		if (v == NULL) {
			lh_diag_add(d, LH_DIAG_ERROR, src, 0, (uint32_t)src->len, "Invalid variables file",
			    "The file %s is not valid JSON: %s.", shown, err);
			return;
		}
		if (v->type->kind != LH_TY_OBJECT) {
			lh_diag_add(d, LH_DIAG_ERROR, src, 0, (uint32_t)src->len, "Invalid variables file",
			    "The root value in %s must be an object.", shown);
			return;
		}
		for (size_t i = 0; i < v->u.map.n; i++) {
			const char *name = v->u.map.keys[i];
			if (!declared(name, ctx)) {
				undeclared_in_file(d, name, shown, NULL, 0, 0);
				continue;
			}
			lh_var_assign *x = push(l);
			x->name = name;
			x->from = LH_VSRC_FILE;
			x->value = v->u.map.vals[i];
			x->file = shown;
		}
		return;
	}
	lh_node *body = lh_parse_file(a, src, d);
	if (body == NULL)
		return;
	lh_eval ev;
	lh_eval_init(&ev, a, d, ".");
	ev.lookup = no_refs;
	ev.no_functions = true;
	for (size_t i = 0; i < body->u.body.n; i++) {
		const lh_node *it = body->u.body.items[i];
		if (it->kind == LH_AST_BLOCK) {
			lh_diag_add(d, LH_DIAG_ERROR, src, it->u.block.type_start, it->u.block.type_end,
			    lh_arena_printf(a, "Unexpected \"%s\" block", it->u.block.type),
			    "Blocks are not allowed here.");
			continue;
		}
		const char *name = it->u.attr.name;
		if (!declared(name, ctx)) {
			undeclared_in_file(d, name, shown, src, it->u.attr.name_start, it->u.attr.name_end);
			continue;
		}
		lh_value *v = lh_eval_expr(&ev, it->u.attr.expr);
		if (v == NULL)
			continue;
		lh_var_assign *x = push(l);
		x->name = name;
		x->from = LH_VSRC_FILE;
		x->value = v;
		x->file = shown;
		x->src = src;
		x->start = it->u.attr.expr->start;
		x->end = it->u.attr.expr->end;
	}
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static bool
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

lh_var_assign *
lh_vars_collect(lh_arena *a, const char *dir, const lh_var_input *in, size_t nin,
    bool (*declared)(const char *, void *), void *ctx, lh_diags *d, size_t *n)
{
	alist l = {.a = a};
	/* 1. environment (not without dir: validate reads only the command line) */
	for (char **e = dir ? environ : NULL; e != NULL && *e != NULL; e++) {
		if (strncmp(*e, "TF_VAR_", 7) != 0)
			continue;
		const char *eq = strchr(*e, '=');
		if (eq == NULL)
			continue;
		char *name = lh_arena_strndup(a, *e + 7, (size_t)(eq - *e - 7));
		if (!declared(name, ctx))
			continue;
		lh_var_assign *x = push(&l);
		x->name = name;
		x->from = LH_VSRC_ENV;
		x->raw = lh_arena_strdup(a, eq + 1);
	}
	/* 2. terraform.tfvars, terraform.tfvars.json */
	const char *std[] = {"terraform.tfvars", "terraform.tfvars.json"};
	for (size_t i = 0; dir != NULL && i < 2; i++)
		read_file(&l, lh_arena_printf(a, "%s/%s", dir, std[i]), std[i], false, declared, ctx, d);
	/* 3. *.auto.tfvars, *.auto.tfvars.json in name order */
	DIR *dh = dir ? opendir(dir) : NULL;
	if (dh != NULL) {
		const char **names = NULL;
		size_t nn = 0;
		struct dirent *de;
		while ((de = readdir(dh)) != NULL) {
			if (!has_suffix(de->d_name, ".auto.tfvars") && !has_suffix(de->d_name, ".auto.tfvars.json"))
				continue;
			names = GROW1(a, names, nn, sizeof *names);
			names[nn++] = lh_arena_strdup(a, de->d_name);
		}
		closedir(dh);
		if (nn > 0)
			qsort(names, nn, sizeof *names, cmp_str);
		for (size_t i = 0; i < nn; i++)
			read_file(&l, lh_arena_printf(a, "%s/%s", dir, names[i]), names[i], false, declared, ctx, d);
	}
	/* 4. -var and -var-file in command-line order */
	for (size_t i = 0; i < nin; i++) {
		if (in[i].file) {
			const char *p = in[i].text;
			const char *full = p[0] == '/' || dir == NULL || strcmp(dir, ".") == 0 ? p :
			    lh_arena_printf(a, "%s/%s", dir, p);
			read_file(&l, full, p, true, declared, ctx, d);
			continue;
		}
		const char *eq = strchr(in[i].text, '=');
		if (eq == NULL || eq == in[i].text) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid -var option",
			    "The given -var option \"%s\" is not correctly specified. Must be a variable name and value separated by an equals sign, like -var=\"key=value\".",
			    in[i].text);
			continue;
		}
		char *name = lh_arena_strndup(a, in[i].text, (size_t)(eq - in[i].text));
		/* Terraform trims spaces around the name */
		while (*name == ' ')
			name++;
		size_t k = strlen(name);
		while (k > 0 && name[k - 1] == ' ')
			name[--k] = '\0';
		if (!declared(name, ctx)) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Value for undeclared variable",
			    "A variable named \"%s\" was assigned on the command line, but the root module does not declare a variable of that name. To use this value, add a \"variable\" block to the configuration.",
			    name);
			continue;
		}
		lh_var_assign *x = push(&l);
		x->name = name;
		x->from = LH_VSRC_CLI;
		x->raw = lh_arena_strdup(a, eq + 1);
	}
	*n = l.n;
	return l.v;
}
