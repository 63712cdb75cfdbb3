/* fuzz_state.c - libFuzzer target for what litehcl reads that is not HCL source: the
 * state file (load, render, save, load again: the second load must succeed and render
 * the same bytes; and what the arena JSON parser accepts, cJSON must accept too, with the
 * same end and tree, number texts included), the write-ahead journal replayed over a state (same round trip after
 * the recovered state is saved), HTTP answers (any status and body through the client's
 * completion, error-message and body-message code: the api key never appears in a
 * message, a 2xx is OK only with a parsed body or none) and variable values from JSON
 * and from terraform.tfvars / .tfvars.json files.  The first byte picks the mode.
 * Files live in a private directory on /dev/shm when it exists (fsync is free there).
 * Built by `make fuzz`; tests/run.sh runs it beside fuzz_parse for part of FUZZ_SECONDS. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <math.h>

#include "http.h"
#include "json_arena.h"
#include "state.h"
#include "value.h"
#include "vars.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
const char *__asan_default_options(void);

/* The line maps source.c keeps for the process lifetime are not leaks (see above). */
const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

#define KEY "sk-fuzz-SECRET-0123456789abcdef"

static char dir[128];
static char state_path[200], journal_path[220], backup_path[220], tfvars[200], tfvars_json[200];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char flag[] = "-print_final_stats=1";
	/* source.c keeps a file's line map for the process lifetime (by design, see
	 * fuzz_parse.c): tfvars files read through lh_vars_collect would be reported as
	 * leaks on every input */
	static char noleaks[] = "-detect_leaks=0";
	static char *args[256];
	int n = *argc < 253 ? *argc : 253;
	for (int i = 0; i < n; i++)
		args[i] = (*argv)[i];
	args[n] = flag;
	args[n + 1] = noleaks;
	args[n + 2] = NULL;
	*argc = n + 2;
	*argv = args;
	struct stat sb;
	snprintf(dir, sizeof dir, "%s/lh-fuzz-state.XXXXXX",
	    stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) ? "/dev/shm" : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(state_path, sizeof state_path, "%s/t.tfstate", dir);
	snprintf(journal_path, sizeof journal_path, "%s/t.tfstate.journal", dir);
	snprintf(backup_path, sizeof backup_path, "%s/t.tfstate.backup", dir);
	snprintf(tfvars, sizeof tfvars, "%s/terraform.tfvars", dir);
	snprintf(tfvars_json, sizeof tfvars_json, "%s/terraform.tfvars.json", dir);
	return 0;
}

static void
put(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		abort();
	if (n > 0 && fwrite(p, 1, n, f) != n)
		abort();
	fclose(f);
}

static void
clean(void)
{
	unlink(state_path);
	unlink(journal_path);
	unlink(backup_path);
	unlink(tfvars);
	unlink(tfvars_json);
}

/* Opens the state at state_path; if it loads, saves it and checks that it loads again
 * and renders the same. */
static void
round_trip(void)
{
	lh_arena *a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	lh_state_opts o = {.path = state_path, .no_lock = true, .operation = "OperationTypeApply"};
	lh_state *st = NULL;
	if (lh_state_open(&o, &st, &d)) {
		/* pending intents are resolved by apply; here: forget them */
		bool saved = lh_state_save(st, &d);
		bool on_disk = lh_state_existed(st);
		char *r1 = lh_state_render(st);
		lh_state_close(st);
		/* (an empty state that was never written gets a fresh lineage each time) */
		if (saved && on_disk) {
			lh_diags d2;
			lh_diags_init(&d2, a);
			st = NULL;
			if (!lh_state_open(&o, &st, &d2))
				abort();	/* what litehcl saved, litehcl must read */
			char *r2 = lh_state_render(st);
			if (strcmp(r1, r2) != 0)
				abort();	/* and it must be the same state */
			free(r2);
			lh_state_close(st);
		}
		free(r1);
	} else if (d.errors == 0) {
		abort();	/* a failure always says why */
	}
	lh_arena_free(a);
}

/* Whether x and y (siblings and all below) are the same trees. */
static bool
same_tree(const cJSON *x, const cJSON *y)
{
	for (; x != NULL || y != NULL; x = x->next, y = y->next) {
		if (x == NULL || y == NULL || (x->type & 0xFF) != (y->type & 0xFF) ||
		    x->valueint != y->valueint || !(x->valuedouble == y->valuedouble ||
		    (isnan(x->valuedouble) && isnan(y->valuedouble))) ||
		    (x->string == NULL) != (y->string == NULL) ||
		    (x->string != NULL && strcmp(x->string, y->string) != 0) ||
		    (x->valuestring == NULL) != (y->valuestring == NULL) ||
		    (x->valuestring != NULL && strcmp(x->valuestring, y->valuestring) != 0) ||
		    (x->child != NULL && x->child->prev == NULL) || !same_tree(x->child, y->child))
			return false;
	}
	return true;
}

/* What the arena parser accepts without its fall-back to cJSON (lh_json_parse_quick)
 * cJSON accepts too, ending where it ends, with the same tree.  (It may refuse a text
 * cJSON accepts - a bad \u escape, nesting at cJSON's very limit: its callers then
 * parse it again through cJSON.) */
static void
json_agrees(const uint8_t *p, size_t n)
{
	lh_arena *a = lh_arena_new();
	const char *e1 = NULL, *e2 = NULL;
	cJSON *x = lh_json_parse_quick(a, NULL, (const char *)p, n, &e1);
	cJSON *y = lh_cjson_parse((const char *)p, n, &e2);
	if (x != NULL && (y == NULL || e1 != e2 || !same_tree(x, y)))
		abort();
	/* what the parse gave back of its strings' space is zero again (lh_arena_trim) */
	const unsigned char *z = lh_arena_alloc(a, 1024);
	for (size_t i = 0; i < 1024; i++)
		if (z[i] != 0)
			abort();
	cJSON_Delete(y);
	lh_arena_free(a);
}

static const char *const routes[] = {"/user/new", "/user/info", "/user/list", "/user/update",
	"/user/delete", "/team/new"};

struct fake_answer {
	const uint8_t *p;
	size_t n;
	int status, mode;
};

static int
fake(void *ctx, const char *method, const char *url_path, const char *body, int *status,
    char **resp_body, int *retry_after)
{
	(void)method, (void)url_path, (void)body;
	struct fake_answer *fa = ctx;
	if (fa->mode == 3)
		return LH_HTTP_FAKE_RESET;
	*status = fa->status;
	*retry_after = -1;
	char *b = malloc(fa->n + 1);
	memcpy(b, fa->p, fa->n);
	b[fa->n] = '\0';
	*resp_body = b;
	return 0;
}

static void
on_done(lh_http *h, lh_http_resp *r, void *ctx)
{
	(void)h, (void)ctx;
	if (r->error != NULL && strstr(r->error, KEY) != NULL)
		abort();	/* the key never in a message */
	if (r->result == LH_HTTP_OK && (r->status < 200 || r->status > 299))
		abort();
	if (r->result == LH_HTTP_OK && r->body_len > 0 && r->json == NULL)
		abort();	/* a 2xx with a body that does not parse is BADJSON */
	if (r->result != LH_HTTP_OK && r->error == NULL)
		abort();
}

static void
http_answer(const uint8_t *p, size_t n)
{
	if (n < 3)
		return;
	struct fake_answer fa = {.p = p + 3, .n = n - 3, .status = 100 + (p[0] | p[1] << 8) % 500,
	    .mode = p[2] % 4};
	const char *route = routes[(p[2] >> 2) % (sizeof routes / sizeof routes[0])];
	/* body text with the key echoed in it sometimes */
	char *body = malloc(fa.n + sizeof KEY + 1);
	memcpy(body, fa.p, fa.n);
	body[fa.n] = '\0';
	if (p[2] & 0x80) {
		memcpy(body + fa.n, KEY, sizeof KEY);
		fa.p = (const uint8_t *)body;
		fa.n += sizeof KEY - 1;
	}
	char *m = lh_http_error_message("POST", route, fa.status, (const char *)fa.p, fa.n);
	free(m);
	m = lh_http_body_message((const char *)fa.p, fa.n);
	free(m);
	lh_http_opts o = {.base_url = "http://127.0.0.1:9", .api_key = KEY, .max_retries = 1,
	    .backoff_base_s = 0.000001, .retry_budget_s = 0.01, .fake = fake, .fake_ctx = &fa};
	const char *err;
	lh_http *h = lh_http_new(&o, &err);
	if (h == NULL)
		abort();
	lh_http_req q = {.method = fa.mode == 1 ? "GET" : "POST", .path = route, .body = "{}",
	    .non_idempotent = fa.mode == 2, .done = on_done};
	lh_http_submit(h, &q);
	lh_http_run(h);
	lh_http_free(h);
	free(body);
}

static bool
always(const char *name, void *ctx)
{
	(void)name, (void)ctx;
	return true;
}

static void
variables(const uint8_t *p, size_t n, int kind)
{
	lh_arena *a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	if (kind == 0) {
		const char *err = NULL;
		lh_value *v = lh_vars_json_value(a, (const char *)p, n, &err);
		if (v == NULL && err == NULL)
			abort();
	} else {
		put(kind == 1 ? tfvars : tfvars_json, p, n);
		size_t cnt = 0;
		lh_vars_collect(a, dir, NULL, 0, always, NULL, &d, &cnt);
		unlink(kind == 1 ? tfvars : tfvars_json);
	}
	lh_arena_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	switch (data[0] % 6) {
	case 0:		/* a state file */
		json_agrees(p, n);
		clean();
		put(state_path, p, n);
		round_trip();
		break;
	case 1: {	/* a journal over a small valid state: "STATE\0JOURNAL" or JOURNAL alone */
		clean();
		const uint8_t *z = memchr(p, 0, n);
		if (z != NULL) {
			put(state_path, p, (size_t)(z - p));
			put(journal_path, z + 1, n - (size_t)(z - p) - 1);
		} else {
			put(journal_path, p, n);
		}
		round_trip();
		break;
	}
	case 2:
		http_answer(p, n);
		break;
	case 3:
	case 4:
	case 5:
		variables(p, n, data[0] % 6 - 3);
		break;
	}
	return 0;
}
