/* backend.c - which backend a working directory uses and where each workspace's state
 * lives: the backend block of the configuration, -backend-config overrides, the record
 * init keeps in .terraform/terraform.tfstate (Terraform's format and hash, so either
 * tool can read the other's), the environment's defaults, workspaces, and opening a
 * workspace's storage (a local path for state.c, or a pg/http driver).  backend.h has
 * the contracts. */
#include "backend.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "arena.h"
#include "ast.h"
#include "buf.h"
#include "config.h"
#include "parse.h"
#include "source.h"
#include "state.h"

/* ---- schemas (attributes sorted by name, as cty orders an object's attributes) ---- */

typedef enum { A_STR, A_BOOL, A_NUM } akind;

typedef struct battr {
	const char *name;
	akind kind;
	const char *env;	/* environment default, or NULL */
	const char *fallback;	/* default when neither config nor env sets it, or NULL */
} battr;

static const battr local_attrs[] = {
	{"path", A_STR, NULL, NULL},
	{"workspace_dir", A_STR, NULL, NULL},
	{NULL, 0, NULL, NULL}};

static const battr pg_attrs[] = {
	{"conn_str", A_STR, "PG_CONN_STR", NULL},
	{"schema_name", A_STR, "PG_SCHEMA_NAME", "terraform_remote_state"},
	{"skip_index_creation", A_BOOL, "PG_SKIP_INDEX_CREATION", "false"},
	{"skip_schema_creation", A_BOOL, "PG_SKIP_SCHEMA_CREATION", "false"},
	{"skip_table_creation", A_BOOL, "PG_SKIP_TABLE_CREATION", "false"},
	{NULL, 0, NULL, NULL}};

static const battr http_attrs[] = {
	{"address", A_STR, "TF_HTTP_ADDRESS", NULL},
	{"client_ca_certificate_pem", A_STR, "TF_HTTP_CLIENT_CA_CERTIFICATE_PEM", NULL},
	{"client_certificate_pem", A_STR, "TF_HTTP_CLIENT_CERTIFICATE_PEM", NULL},
	{"client_private_key_pem", A_STR, "TF_HTTP_CLIENT_PRIVATE_KEY_PEM", NULL},
	{"lock_address", A_STR, "TF_HTTP_LOCK_ADDRESS", NULL},
	{"lock_method", A_STR, "TF_HTTP_LOCK_METHOD", "LOCK"},
	{"password", A_STR, "TF_HTTP_PASSWORD", NULL},
	{"retry_max", A_NUM, "TF_HTTP_RETRY_MAX", "2"},
	{"retry_wait_max", A_NUM, "TF_HTTP_RETRY_WAIT_MAX", "30"},
	{"retry_wait_min", A_NUM, "TF_HTTP_RETRY_WAIT_MIN", "1"},
	{"skip_cert_verification", A_BOOL, NULL, "false"},
	{"unlock_address", A_STR, "TF_HTTP_UNLOCK_ADDRESS", NULL},
	{"unlock_method", A_STR, "TF_HTTP_UNLOCK_METHOD", "UNLOCK"},
	{"update_method", A_STR, "TF_HTTP_UPDATE_METHOD", "POST"},
	{"username", A_STR, "TF_HTTP_USERNAME", NULL},
	{NULL, 0, NULL, NULL}};

static const battr *
schema_of(lh_backend_type t)
{
	return t == LH_BACKEND_PG ? pg_attrs : t == LH_BACKEND_HTTP ? http_attrs : local_attrs;
}

static bool
type_from_name(const char *name, lh_backend_type *t)
{
	if (strcmp(name, "local") == 0)
		*t = LH_BACKEND_LOCAL;
	else if (strcmp(name, "pg") == 0)
		*t = LH_BACKEND_PG;
	else if (strcmp(name, "http") == 0)
		*t = LH_BACKEND_HTTP;
	else
		return false;
	return true;
}

static const battr *
find_attr(lh_backend_type t, const char *name)
{
	for (const battr *a = schema_of(t); a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

static lh_backend *
backend_new(lh_backend_type t, const char *name)
{
	lh_backend *b = lh_xmalloc(sizeof *b);
	memset(b, 0, sizeof *b);
	b->type = t;
	b->type_name = lh_xstrdup(name);
	b->config = cJSON_CreateObject();
	for (const battr *a = schema_of(t); a->name; a++)
		cJSON_AddItemToObject(b->config, a->name, cJSON_CreateNull());
	return b;
}

lh_backend *
lh_backend_local_default(void)
{
	lh_backend *b = backend_new(LH_BACKEND_LOCAL, "local");
	b->implicit = true;
	return b;
}

void
lh_backend_free(lh_backend *b)
{
	if (b == NULL)
		return;
	cJSON_Delete(b->config);
	free(b->type_name);
	free(b);
}

/* ---- Terraform's hash: crc32 of cty's set-hash bytes of ["TYPE", {config}] ---- */

/* Go's %q for a string (printable UTF-8 kept). */
static void
go_quote(lh_buf *b, const char *s)
{
	lh_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': lh_buf_puts(b, "\\\""); break;
		case '\\': lh_buf_puts(b, "\\\\"); break;
		case '\a': lh_buf_puts(b, "\\a"); break;
		case '\b': lh_buf_puts(b, "\\b"); break;
		case '\f': lh_buf_puts(b, "\\f"); break;
		case '\n': lh_buf_puts(b, "\\n"); break;
		case '\r': lh_buf_puts(b, "\\r"); break;
		case '\t': lh_buf_puts(b, "\\t"); break;
		case '\v': lh_buf_puts(b, "\\v"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				lh_buf_printf(b, "\\x%02x", *p);
			else
				lh_buf_putc(b, (char)*p);
		}
	}
	lh_buf_putc(b, '"');
}

static unsigned long
config_hash(const char *type, const cJSON *config)
{
	lh_buf b = {0};
	lh_buf_puts(&b, "<");
	go_quote(&b, type);
	lh_buf_puts(&b, ";<");
	for (const cJSON *c = config->child; c; c = c->next) {
		if (cJSON_IsNull(c))
			lh_buf_putc(&b, '~');
		else if (cJSON_IsBool(c))
			lh_buf_putc(&b, cJSON_IsTrue(c) ? 'T' : 'F');
		else if (cJSON_IsNumber(c))
			lh_buf_printf(&b, "%.10g", c->valuedouble);
		else if (cJSON_IsString(c))
			go_quote(&b, c->valuestring);
		lh_buf_putc(&b, ';');
	}
	lh_buf_puts(&b, ">;>");
	unsigned long h = crc32(crc32(0, Z_NULL, 0), (const Bytef *)b.p, (uInt)b.len);
	free(b.p);
	return h;
}

/* ---- values ---- */

/* Converts text to the attribute's type (Terraform's string -> bool/number rules).
 * Returns NULL when it does not convert. */
static cJSON *
value_from_text(const battr *a, const char *text)
{
	if (a->kind == A_STR)
		return cJSON_CreateString(text);
	if (a->kind == A_BOOL) {
		if (strcmp(text, "true") == 0 || strcmp(text, "1") == 0)
			return cJSON_CreateTrue();
		if (strcmp(text, "false") == 0 || strcmp(text, "0") == 0)
			return cJSON_CreateFalse();
		return NULL;
	}
	char *end;
	double v = strtod(text, &end);
	if (*text == '\0' || *end != '\0')
		return NULL;
	return cJSON_CreateNumber(v);
}

/* The literal value of an attribute expression, converted to a's type; NULL with a
 * diagnostic when it is not a constant of that type. */
static cJSON *
value_from_expr(const battr *a, const lh_node *e, lh_diags *d)
{
	char num[64];
	const char *text = NULL;
	if (e->kind == LH_AST_TEMPLATE) {
		if (e->u.tmpl.n == 0)
			text = "";
		else if (e->u.tmpl.n == 1 && e->u.tmpl.parts[0]->kind == LH_AST_TLIT)
			text = e->u.tmpl.parts[0]->u.lit.text;
	} else if (e->kind == LH_AST_BOOL) {
		text = e->u.boolean ? "true" : "false";
	} else if (e->kind == LH_AST_NUMBER) {
		snprintf(num, sizeof num, "%s", e->u.number.text);
		text = num;
	} else if (e->kind == LH_AST_NULL) {
		return cJSON_CreateNull();
	}
	if (text == NULL) {
		lh_diag_add(d, LH_DIAG_ERROR, e->src, e->start, e->end, "Variables not allowed",
		    "Variables may not be used here.");
		return NULL;
	}
	cJSON *v = value_from_text(a, text);
	if (v == NULL)
		lh_diag_add(d, LH_DIAG_ERROR, e->src, e->start, e->end,
		    "Incorrect attribute value type",
		    "Inappropriate value for attribute \"%s\": a %s is required.", a->name,
		    a->kind == A_BOOL ? "bool" : "number");
	return v;
}

static void
set_value(lh_backend *b, const char *name, cJSON *v)
{
	cJSON_ReplaceItemInObjectCaseSensitive(b->config, name, v);
}

/* Applies the attributes of body (a backend block's body or a -backend-config file). */
static bool
apply_body(lh_backend *b, const lh_node *body, lh_diags *d)
{
	bool ok = true;
	for (size_t i = 0; i < body->u.body.n; i++) {
		const lh_node *it = body->u.body.items[i];
		if (it->kind == LH_AST_BLOCK) {
			lh_diag_add(d, LH_DIAG_ERROR, it->src, it->u.block.type_start,
			    it->u.block.type_end, "Unsupported block type",
			    "Blocks of type \"%s\" are not expected here.", it->u.block.type);
			ok = false;
			continue;
		}
		if (it->kind != LH_AST_ATTR)
			continue;
		const battr *a = find_attr(b->type, it->u.attr.name);
		if (a == NULL) {
			lh_diag_add(d, LH_DIAG_ERROR, it->src, it->u.attr.name_start,
			    it->u.attr.name_end, "Unsupported argument",
			    "An argument named \"%s\" is not expected here.", it->u.attr.name);
			ok = false;
			continue;
		}
		cJSON *v = value_from_expr(a, it->u.attr.expr, d);
		if (v == NULL) {
			ok = false;
			continue;
		}
		set_value(b, a->name, v);
	}
	return ok;
}

static bool
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Parses one configuration file (HCL or JSON) into an AST body, in d's arena. */
static const lh_node *
parse_any(const char *path, const char *name, lh_diags *d, bool only_if_backend)
{
	/* Most files (thousands of resources) have no backend block: skip parsing them,
	 * and do not keep their text (the run's arena would hold a second copy). */
	if (only_if_backend) {
		lh_arena *t = lh_arena_new();
		lh_source *peek = lh_source_load(t, path, name, d);
		bool skip = peek == NULL || memmem(peek->text, peek->len, "backend", 7) == NULL ||
		    memmem(peek->text, peek->len, "terraform", 9) == NULL;
		lh_arena_free(t);
		if (skip)
			return NULL;
	}
	lh_source *src = lh_source_load(d->a, path, name, d);
	if (src == NULL)
		return NULL;
	if (has_suffix(path, ".json"))
		return lh_config_json_parse(d->a, src, d);
	return lh_parse_file(d->a, src, d);
}

bool
lh_backend_from_config(const char *dir, const char *const *overrides, size_t noverrides,
    lh_backend **out, lh_diags *d)
{
	*out = NULL;
	DIR *dp = opendir(dir);
	if (dp == NULL) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to read the configuration",
		    "Cannot read the directory %s: %s.", dir, strerror(errno));
		return false;
	}
	char **files = NULL;
	size_t nf = 0;
	struct dirent *de;
	while ((de = readdir(dp)) != NULL) {
		const char *n = de->d_name;
		/* the files the configuration reads (config.c) */
		if (n[0] == '.' || n[0] == '~' || n[0] == '#' ||
		    !(has_suffix(n, ".tf") || has_suffix(n, ".tf.json")))
			continue;
		files = realloc(files, (nf + 1) * sizeof *files);
		if (files == NULL)
			abort();
		files[nf++] = lh_xstrdup(n);
	}
	closedir(dp);
	if (nf > 1)	/* never qsort(NULL, 0, ...): undefined (UBSan) */
		qsort(files, nf, sizeof *files, cmp_str);
	lh_backend *b = NULL;
	const lh_node *first = NULL;
	int errs = d->errors;
	for (size_t i = 0; i < nf; i++) {
		char *path = strcmp(dir, ".") == 0 ? lh_xstrdup(files[i]) : lh_xprintf("%s/%s", dir, files[i]);
		const lh_node *body = parse_any(path, files[i], d, true);
		free(path);
		if (body == NULL)
			continue;
		for (size_t k = 0; k < body->u.body.n; k++) {
			const lh_node *tb = body->u.body.items[k];
			if (tb->kind != LH_AST_BLOCK || strcmp(tb->u.block.type, "terraform") != 0)
				continue;
			const lh_node *tbody = tb->u.block.body;
			for (size_t j = 0; j < tbody->u.body.n; j++) {
				const lh_node *bb = tbody->u.body.items[j];
				if (bb->kind != LH_AST_BLOCK || (strcmp(bb->u.block.type, "backend") != 0 &&
				    strcmp(bb->u.block.type, "cloud") != 0))
					continue;
				if (strcmp(bb->u.block.type, "cloud") == 0 || bb->u.block.nlabels != 1) {
					lh_diag_add(d, LH_DIAG_ERROR, bb->src, bb->u.block.type_start,
					    bb->u.block.type_end, "Unsupported backend",
					    "litehcl supports backend \"local\", \"pg\" and \"http\" blocks with one label.");
					continue;
				}
				if (first != NULL) {
					lh_diag_add(d, LH_DIAG_ERROR, bb->src, bb->u.block.type_start,
					    bb->u.block.type_end, "Duplicate backend configuration",
					    "A module may have only one backend configuration. The backend was previously configured at %s.",
					    first->src->name);
					continue;
				}
				first = bb;
				const char *tn = bb->u.block.labels[0].text;
				lh_backend_type t;
				if (!type_from_name(tn, &t)) {
					lh_diag_add(d, LH_DIAG_ERROR, bb->src, bb->u.block.type_start,
					    bb->u.block.close, "Invalid backend type",
					    "There is no backend type named \"%s\" in litehcl; it supports \"local\", \"pg\" and \"http\".",
					    tn);
					continue;
				}
				b = backend_new(t, tn);
				apply_body(b, bb->u.block.body, d);
				b->hash = config_hash(b->type_name, b->config);
			}
		}
	}
	for (size_t i = 0; i < nf; i++)
		free(files[i]);
	free(files);
	if (d->errors > errs) {
		lh_backend_free(b);
		return false;
	}
	for (size_t i = 0; i < noverrides; i++) {
		const char *o = overrides[i];
		if (b == NULL) {
			/* Terraform ignores -backend-config without a backend block (with a warning). */
			lh_diag_add(d, LH_DIAG_WARNING, NULL, 0, 0, "Missing backend configuration",
			    "-backend-config was used without a \"backend\" block in the configuration.\n\nIf you intended to override the default local backend configuration,\nno action is required, but you may add an explicit backend block to your\nconfiguration to clear this warning:\n\nterraform {\n  backend \"local\" {}\n}\n\nHowever, if you intended to override a defined backend, please verify that\nthe backend configuration is present and valid.");
			break;
		}
		const char *eq = strchr(o, '=');
		if (eq == NULL) {
			const lh_node *body = parse_any(o, o, d, false);
			if (body == NULL || !apply_body(b, body, d)) {
				lh_backend_free(b);
				return false;
			}
			continue;
		}
		char *key = lh_xmalloc((size_t)(eq - o) + 1);
		memcpy(key, o, (size_t)(eq - o));
		key[eq - o] = '\0';
		const battr *a = find_attr(b->type, key);
		cJSON *v = a ? value_from_text(a, eq + 1) : NULL;
		if (v == NULL) {
			if (a == NULL)
				lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0,
				    "Invalid backend configuration argument",
				    "The backend configuration argument \"%s\" given on the command line is not expected for the selected backend type.",
				    key);
			else
				lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0,
				    "Invalid backend configuration argument",
				    "The value for \"%s\" given on the command line must be a %s.", key,
				    a->kind == A_BOOL ? "bool (true or false)" : "number");
			free(key);
			lh_backend_free(b);
			return false;
		}
		set_value(b, a->name, v);
		free(key);
	}
	*out = b;
	return true;
}

/* ---- the record kept by init ---- */

const char *
lh_backend_data_dir(void)
{
	const char *e = getenv("TF_DATA_DIR");
	return e && *e ? e : ".terraform";
}

static char *
saved_path(void)
{
	return lh_xprintf("%s/terraform.tfstate", lh_backend_data_dir());
}

char *
lh_backend_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	lh_buf b = {0};
	char tmp[8192];
	size_t r;
	while ((r = fread(tmp, 1, sizeof tmp, f)) > 0)
		lh_buf_put(&b, tmp, r);
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(b.p);
		errno = EIO;
		return NULL;
	}
	if (b.p == NULL)
		lh_buf_put(&b, "", 0);
	if (len)
		*len = b.len;
	return b.p;
}

bool
lh_backend_saved(lh_backend **out, lh_diags *d)
{
	*out = NULL;
	char *path = saved_path();
	char *text = lh_backend_slurp(path, NULL);
	bool ok = false;
	cJSON *doc = NULL;
	if (text == NULL) {
		ok = errno == ENOENT;
		if (!ok)
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to load the backend configuration",
			    "Cannot read %s: %s.", path, strerror(errno));
		goto out;
	}
	doc = cJSON_Parse(text);
	const cJSON *be = cJSON_GetObjectItemCaseSensitive(doc, "backend");
	if (doc == NULL || !cJSON_IsObject(doc)) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to load the backend configuration",
		    "%s is not valid JSON; run litehcl init -reconfigure.", path);
		goto out;
	}
	if (be == NULL || cJSON_IsNull(be)) {
		ok = true;
		goto out;
	}
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(be, "type");
	const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(be, "config");
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(be, "hash");
	lh_backend_type bt;
	if (!cJSON_IsString(t) || !type_from_name(t->valuestring, &bt)) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to load the backend configuration",
		    "%s records a backend of type %s, which litehcl does not support.", path,
		    cJSON_IsString(t) ? t->valuestring : "(none)");
		goto out;
	}
	lh_backend *b = backend_new(bt, t->valuestring);
	for (const cJSON *c = cfg ? cfg->child : NULL; c; c = c->next)
		if (c->string && find_attr(bt, c->string))
			set_value(b, c->string, cJSON_Duplicate(c, true));
	b->hash = cJSON_IsNumber(h) ? (unsigned long)h->valuedouble : 0;
	*out = b;
	ok = true;
out:
	cJSON_Delete(doc);
	free(text);
	free(path);
	return ok;
}

/* Writes data to path atomically with mode 0600. */
static bool
write_file_0600(const char *path, const char *data, size_t n, lh_diags *d)
{
	char *tmp = lh_xprintf("%s.tmp.XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC);
	bool ok = fd >= 0 && fchmod(fd, 0600) == 0 && write(fd, data, n) == (ssize_t)n &&
	    fsync(fd) == 0;
	int e = errno;
	if (fd >= 0 && close(fd) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		e = errno;
	}
	if (!ok) {
		if (fd >= 0)
			unlink(tmp);
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to save the backend configuration",
		    "Cannot write %s: %s.", path, strerror(e));
	}
	free(tmp);
	return ok;
}

static bool
ensure_data_dir(lh_diags *d)
{
	const char *dd = lh_backend_data_dir();
	if (mkdir(dd, 0755) != 0 && errno != EEXIST) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to create the data directory",
		    "Cannot create %s: %s.", dd, strerror(errno));
		return false;
	}
	return true;
}

/* JSON with Go's MarshalIndent layout (two spaces), as Terraform writes the file. */
static void
print_indented(lh_buf *b, const cJSON *v, int depth)
{
	if (!cJSON_IsObject(v) || v->child == NULL) {
		char *t = cJSON_PrintUnformatted(v);
		lh_buf_puts(b, t ? t : "null");
		free(t);
		return;
	}
	lh_buf_putc(b, '{');
	for (const cJSON *c = v->child; c; c = c->next) {
		lh_buf_printf(b, "\n%*s", 2 * (depth + 1), "");
		char *k = cJSON_PrintUnformatted(&(cJSON){.type = cJSON_String,
		    .valuestring = c->string});
		lh_buf_puts(b, k);
		free(k);
		lh_buf_puts(b, ": ");
		print_indented(b, c, depth + 1);
		if (c->next)
			lh_buf_putc(b, ',');
	}
	lh_buf_printf(b, "\n%*s}", 2 * depth, "");
}

bool
lh_backend_save(const lh_backend *b, lh_diags *d)
{
	char *path = saved_path();
	bool ok = false;
	if (b == NULL) {
		ok = unlink(path) == 0 || errno == ENOENT;
		if (!ok)
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to save the backend configuration",
			    "Cannot remove %s: %s.", path, strerror(errno));
		free(path);
		return ok;
	}
	if (!ensure_data_dir(d)) {
		free(path);
		return false;
	}
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddNumberToObject(doc, "version", 3);
	cJSON_AddStringToObject(doc, "terraform_version", LH_STATE_TF_VERSION);
	cJSON *be = cJSON_AddObjectToObject(doc, "backend");
	cJSON_AddStringToObject(be, "type", b->type_name);
	cJSON_AddItemToObject(be, "config", cJSON_Duplicate(b->config, true));
	cJSON_AddNumberToObject(be, "hash", (double)b->hash);
	lh_buf out = {0};
	print_indented(&out, doc, 0);
	lh_buf_putc(&out, '\n');
	cJSON_Delete(doc);
	ok = write_file_0600(path, out.p, out.len, d);
	free(out.p);
	free(path);
	return ok;
}

bool
lh_backend_same(const lh_backend *a, const lh_backend *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return a->type == b->type && cJSON_Compare(a->config, b->config, true);
}

static const char *const init_reason_text =
    "Reason: %s\n\n"
    "The \"backend\" is the interface that litehcl uses to store state,\n"
    "perform operations, etc. If this message is showing up, it means that the\n"
    "litehcl configuration you're using is using a custom configuration for\n"
    "the litehcl backend.\n\n"
    "Changes to backend configurations require reinitialization. This allows\n"
    "litehcl to set up the new configuration, copy existing state, etc. Please run\n"
    "\"litehcl init\" with either the \"-reconfigure\" or \"-migrate-state\" flags to\n"
    "use the current configuration.\n\n"
    "If the change reason above is incorrect, please verify your configuration\n"
    "hasn't changed and try again. At this point, no changes to your existing\n"
    "configuration or state have been made.";

bool
lh_backend_current(lh_backend **out, lh_diags *d)
{
	return lh_backend_current_cfg(true, out, d);
}

bool
lh_backend_current_cfg(bool configured, lh_backend **out, lh_diags *d)
{
	lh_backend *c = NULL, *s = NULL;
	*out = NULL;
	if (configured && !lh_backend_from_config(".", NULL, 0, &c, d))
		return false;
	if (!lh_backend_saved(&s, d)) {
		lh_backend_free(c);
		return false;
	}
	char *reason = NULL;
	const char *summary = "Backend initialization required: please run \"litehcl init\"";
	if (c == NULL && s == NULL) {
		*out = lh_backend_local_default();
		return true;
	}
	if (c == NULL) {
		reason = lh_xprintf("Unsetting the previously set backend \"%s\"", s->type_name);
		summary = "Backend initialization required, please run \"litehcl init\"";
	} else if (s == NULL) {
		reason = lh_xprintf("Initial configuration of the requested backend \"%s\"", c->type_name);
		summary = "Backend initialization required, please run \"litehcl init\"";
	} else if (c->type != s->type) {
		reason = lh_xprintf("Backend type changed from \"%s\" to \"%s\"", s->type_name, c->type_name);
	} else if (c->hash != s->hash && !lh_backend_same(c, s)) {
		reason = lh_xstrdup("Backend configuration block has changed");
	}
	lh_backend_free(c);
	if (reason != NULL) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, summary, init_reason_text, reason);
		free(reason);
		lh_backend_free(s);
		return false;
	}
	*out = s;
	return true;
}

const char *
lh_backend_get(const lh_backend *b, const char *name)
{
	static char num[64];
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(b->config, name);
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "true" : "false";
	if (cJSON_IsNumber(v)) {
		snprintf(num, sizeof num, "%.10g", v->valuedouble);
		return num;
	}
	const battr *a = find_attr(b->type, name);
	if (a == NULL)
		return NULL;
	if (a->env != NULL) {
		const char *e = getenv(a->env);
		if (e != NULL && *e)
			return e;
	}
	return a->fallback;
}

/* ---- workspaces ---- */

static char current_ws[256];

bool
lh_backend_workspace_overridden(void)
{
	const char *e = getenv("TF_WORKSPACE");
	return e != NULL && *e;
}

static bool current_read;	/* current_ws holds the environment file's name */

const char *
lh_backend_workspace(void)
{
	const char *e = getenv("TF_WORKSPACE");
	if (e != NULL && *e)
		return e;
	/* Read once: terraform.workspace may be evaluated for every resource instance. */
	if (current_read)
		return current_ws;
	current_read = true;
	char *path = lh_xprintf("%s/environment", lh_backend_data_dir());
	size_t len = 0;
	char *text = lh_backend_slurp(path, &len);
	free(path);
	snprintf(current_ws, sizeof current_ws, "default");
	if (text != NULL) {
		while (len > 0 && strchr(" \t\r\n", text[len - 1]))
			text[--len] = '\0';
		if (len > 0 && len < sizeof current_ws)
			snprintf(current_ws, sizeof current_ws, "%s", text);
		free(text);
	}
	return current_ws;
}

bool
lh_backend_workspace_name_valid(const char *name)
{
	if (name == NULL || *name == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	/* Terraform: url.PathEscape(name) == name (unreserved characters and a few more). */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
			continue;
		if (strchr("-_.~$&+=:@!*'(),;", *p) != NULL)
			continue;
		return false;
	}
	return true;
}

bool
lh_backend_workspace_select(const char *name, lh_diags *d)
{
	if (!ensure_data_dir(d))
		return false;
	char *path = lh_xprintf("%s/environment", lh_backend_data_dir());
	bool ok = write_file_0600(path, name, strlen(name), d);
	if (ok)
		chmod(path, 0644);	/* not a secret; Terraform writes it 0644 */
	current_read = false;
	free(path);
	return ok;
}

static const char *
local_ws_dir(const lh_backend *b)
{
	const char *w = lh_backend_get(b, "workspace_dir");
	return w && *w ? w : "terraform.tfstate.d";
}

static char *
local_path(const lh_backend *b, const char *ws)
{
	if (strcmp(ws, "default") == 0) {
		const char *p = lh_backend_get(b, "path");
		return lh_xstrdup(p && *p ? p : "terraform.tfstate");
	}
	return lh_xprintf("%s/%s/terraform.tfstate", local_ws_dir(b), ws);
}

void
lh_backend_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

bool
lh_backend_workspaces(const lh_backend *b, char ***names, size_t *n, lh_diags *d)
{
	*names = NULL;
	*n = 0;
	if (b->type == LH_BACKEND_PG)
		return lh_backend_pg_workspaces(b, names, n, d);
	if (b->type == LH_BACKEND_HTTP) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "workspaces not supported",
		    "The \"http\" backend stores a single state and has no workspaces other than \"default\".");
		return false;
	}
	char **v = lh_xmalloc(sizeof *v);
	size_t k = 0;
	v[k++] = lh_xstrdup("default");
	DIR *dp = opendir(local_ws_dir(b));
	if (dp != NULL) {
		struct dirent *de;
		while ((de = readdir(dp)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			char *p = lh_xprintf("%s/%s", local_ws_dir(b), de->d_name);
			struct stat sb;
			bool isdir = stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
			free(p);
			if (!isdir || strcmp(de->d_name, "default") == 0)
				continue;
			v = realloc(v, (k + 1) * sizeof *v);
			if (v == NULL)
				abort();
			v[k++] = lh_xstrdup(de->d_name);
		}
		closedir(dp);
	}
	if (k > 2)
		qsort(v + 1, k - 1, sizeof *v, cmp_str);
	*names = v;
	*n = k;
	return true;
}

static int
rm_tree(const char *path)
{
	struct stat sb;
	if (lstat(path, &sb) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(sb.st_mode))
		return unlink(path);
	DIR *dp = opendir(path);
	if (dp == NULL)
		return -1;
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *p = lh_xprintf("%s/%s", path, de->d_name);
		if (rm_tree(p) != 0)
			rc = -1;
		free(p);
	}
	closedir(dp);
	if (rc == 0 && rmdir(path) != 0)
		rc = -1;
	return rc;
}

bool
lh_backend_workspace_delete(const lh_backend *b, const char *ws, lh_diags *d)
{
	if (b->type == LH_BACKEND_PG)
		return lh_backend_pg_delete(b, ws, d);
	if (b->type == LH_BACKEND_HTTP) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "workspaces not supported", NULL);
		return false;
	}
	if (strcmp(ws, "default") == 0) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot delete the default workspace", NULL);
		return false;
	}
	char *dir = lh_xprintf("%s/%s", local_ws_dir(b), ws);
	bool ok = rm_tree(dir) == 0;
	if (!ok)
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to delete the workspace",
		    "Cannot remove %s: %s.", dir, strerror(errno));
	free(dir);
	return ok;
}

bool
lh_backend_open(const lh_backend *b, const char *ws, bool create, lh_store **store,
    char **path, lh_diags *d)
{
	*store = NULL;
	*path = NULL;
	if (b->type == LH_BACKEND_PG)
		return lh_backend_pg_open(b, ws, create, store, d);
	if (b->type == LH_BACKEND_HTTP) {
		if (strcmp(ws, "default") != 0) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "workspaces not supported",
			    "The \"http\" backend has no workspace \"%s\"; it stores a single state (workspace \"default\"). Unset TF_WORKSPACE or select \"default\".",
			    ws);
			return false;
		}
		return lh_backend_http_open(b, store, d);
	}
	if (strcmp(ws, "default") != 0) {
		char *dir = lh_xprintf("%s/%s", local_ws_dir(b), ws);
		struct stat sb;
		bool exists = stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
		if (!exists && create) {
			const char *wd = local_ws_dir(b);
			if ((mkdir(wd, 0755) != 0 && errno != EEXIST) ||
			    (mkdir(dir, 0755) != 0 && errno != EEXIST)) {
				lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to create the workspace",
				    "Cannot create %s: %s.", dir, strerror(errno));
				free(dir);
				return false;
			}
		} else if (!exists) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Currently selected workspace does not exist",
			    "The workspace \"%s\" does not exist (%s is missing). Create it with litehcl workspace new %s, or select another with litehcl workspace select.",
			    ws, dir, ws);
			free(dir);
			return false;
		}
		free(dir);
	}
	*path = local_path(b, ws);
	return true;
}

void
lh_store_free(lh_store *s)
{
	if (s != NULL)
		s->ops->free(s);
}

char *
lh_backend_scrub(char *s, const char *secret)
{
	if (s == NULL || secret == NULL || strlen(secret) < 1)
		return s;
	size_t n = strlen(secret);
	char *p;
	while ((p = strstr(s, secret)) != NULL) {
		memset(p, '*', n < 3 ? n : 3);
		memmove(p + (n < 3 ? n : 3), p + n, strlen(p + n) + 1);
	}
	return s;
}
