/* tests/unit/state.c - the state file: load/save, backup, serial, lineage, mode 0600,
 * corrupt files left untouched, byte-exact round trip of the examples, journal replay
 * (torn lines, pending intents, kill -9 at any instant), locking between processes
 * (fork), saved plans, durations.  Every state file written is also checked against
 * state/schema.json with tests/state_check.py.  Run from the repository top. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "state.h"
#include "value.h"
#include "uuid.h"
#include "unit.h"

static char dir[256];

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)n + 1);
	size_t got = fread(p, 1, (size_t)n, f);
	fclose(f);
	p[got] = '\0';
	if (len)
		*len = got;
	return p;
}

static void
spit(const char *path, const char *s)
{
	FILE *f = fopen(path, "wb");
	fputs(s, f);
	fclose(f);
}

static bool
exists(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0;
}

/* true when p is absent or an empty file (what a lock on a new path leaves) */
static bool
empty_file(const char *p)
{
	struct stat sb;
	return stat(p, &sb) != 0 || sb.st_size == 0;
}

static int
mode_of(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 ? (int)(sb.st_mode & 0777) : -1;
}

/* Runs the schema checker on path; true when it passes (or the checker is missing). */
static bool
schema_ok(const char *path)
{
	char cmd[600];
	if (!exists("tests/state_check.py") || !exists("state/schema.json"))
		return true;
	snprintf(cmd, sizeof cmd, "python3 tests/state_check.py '%s' >/dev/null", path);
	return system(cmd) == 0;
}

static lh_arena *parena;

/* A path in the scratch directory (lives until the end of the test). */
static const char *
P(const char *name)
{
	return lh_arena_printf(parena, "%s/%s", dir, name);
}

static lh_state *
open_state(const char *path, bool lock, double timeout, lh_diags *d)
{
	lh_state_opts o = {.path = path, .no_lock = !lock, .lock_timeout_s = timeout,
	    .operation = "OperationTypeApply"};
	lh_state *st = NULL;
	if (!lh_state_open(&o, &st, d))
		return NULL;
	return st;
}

static cJSON *
user_attrs(const char *id, const char *email)
{
	cJSON *a = cJSON_CreateObject();
	cJSON_AddStringToObject(a, "id", id);
	cJSON_AddStringToObject(a, "user_id", id);
	cJSON_AddStringToObject(a, "user_email", email);
	cJSON_AddNumberToObject(a, "max_budget", 10.5);
	cJSON_AddNullToObject(a, "user_alias");
	cJSON *m = cJSON_AddArrayToObject(a, "models");
	cJSON_AddItemToArray(m, cJSON_CreateString("gpt-4<o>"));
	return a;
}

static lh_addr
A(lh_arena *ar, const char *s)
{
	lh_addr a;
	const char *err;
	if (!lh_addr_parse(ar, s, &a, &err)) {
		fprintf(stderr, "bad test address %s\n", s);
		exit(2);
	}
	return a;
}

static const char *
first_detail(const lh_diags *d)
{
	for (const lh_diag *g = d->head; g; g = g->next)
		if (g->sev == LH_DIAG_ERROR)
			return g->detail ? g->detail : g->summary;
	return "";
}

static const char *
first_summary(const lh_diags *d)
{
	for (const lh_diag *g = d->head; g; g = g->next)
		if (g->sev == LH_DIAG_ERROR)
			return g->summary;
	return "";
}

static void
test_basic(lh_arena *ar)
{
	lh_diags d;
	lh_diags_init(&d, ar);
	const char *path = P("basic.tfstate");
	lh_state *st = open_state(path, true, 0, &d);
	check("open missing file = empty state", st != NULL && lh_state_count(st) == 0 &&
	    !lh_state_existed(st) && lh_uuid_valid(lh_state_lineage(st)) &&
	    lh_state_serial(st) == 0, "%s", first_detail(&d));
	if (st == NULL)
		return;
	check("lock info exists while locked", exists(P(".basic.tfstate.lock.info")), NULL);
	/* the lock created an empty state file, as Terraform's does */
	check("save of unchanged empty state writes nothing",
	    lh_state_save(st, &d) && empty_file(path), NULL);
	char lineage[64];
	snprintf(lineage, sizeof lineage, "%s", lh_state_lineage(st));
	lh_addr a1 = A(ar, "litellm_user.dev"), a2 = A(ar, "litellm_user.team[\"b\"]"),
	    a3 = A(ar, "litellm_user.team[\"a\"]"), a4 = A(ar, "litellm_user.n[2]");
	lh_state_set(st, &a1, user_attrs("u1", "dev@x.com"), NULL, NULL);
	cJSON *deps = cJSON_CreateArray();
	cJSON_AddItemToArray(deps, cJSON_CreateString("litellm_user.dev"));
	lh_state_set(st, &a2, user_attrs("u2", "b@x.com"), deps, NULL);
	lh_state_set(st, &a3, user_attrs("u3", "a@x.com"), NULL, NULL);
	lh_state_set(st, &a4, user_attrs("u4", "n@x.com"), NULL, NULL);
	lh_state_output_set(st, "z", cJSON_CreateString("zz"), NULL, false);
	lh_state_output_set(st, "a", cJSON_CreateNumber(1.5), NULL, true);
	bool ok = lh_state_save(st, &d);
	check("first save", ok && exists(path) && lh_state_serial(st) == 1, "%s", first_detail(&d));
	check("state mode 0600", mode_of(path) == 0600, "mode %o", mode_of(path));
	check("no backup of a state that did not exist", !exists(P("basic.tfstate.backup")), NULL);
	check("written state matches schema", schema_ok(path), NULL);
	size_t n1;
	char *text1 = slurp(path, &n1);
	check("sorted order and layout",
	    text1 && strstr(text1, "\"name\": \"dev\"") < strstr(text1, "\"name\": \"n\"") &&
	    strstr(text1, "\"name\": \"n\"") < strstr(text1, "\"name\": \"team\"") &&
	    strstr(text1, "\"index_key\": \"a\"") < strstr(text1, "\"index_key\": \"b\"") &&
	    strstr(text1, "\"index_key\": 2,") != NULL &&
	    strstr(text1, "gpt-4\\u003co\\u003e") != NULL &&
	    strstr(text1, "\"provider\": \"provider[\\\"registry.terraform.io/ncecere/litellm\\\"]\"") &&
	    strstr(text1, "\"check_results\": null") &&
	    strstr(text1, "\"outputs\": {\n    \"a\": {") &&
	    strstr(text1, "\"dependencies\": [\n            \"litellm_user.dev\"\n          ]"),
	    "%s", text1 ? text1 : "(none)");
	check("save again without change keeps serial", lh_state_save(st, &d) &&
	    lh_state_serial(st) == 1, NULL);
	char *text1b = slurp(path, NULL);
	check("unchanged save leaves bytes", text1b && strcmp(text1, text1b) == 0, NULL);
	free(text1b);
	lh_state_close(st);
	check("lock info removed on close", !exists(P(".basic.tfstate.lock.info")), NULL);

	/* Reopen: same content, same lineage; edit, save twice in one run. */
	st = open_state(path, true, 0, &d);
	check("reopen", st && lh_state_count(st) == 4 && lh_state_serial(st) == 1 &&
	    strcmp(lh_state_lineage(st), lineage) == 0 && lh_state_existed(st), "%s",
	    first_detail(&d));
	if (st == NULL)
		return;
	lh_state_inst *in = lh_state_find(st, &a2);
	check("find with dependencies", in && cJSON_GetArraySize(in->dependencies) == 1 &&
	    strcmp(cJSON_GetObjectItem(in->attributes, "user_id")->valuestring, "u2") == 0, NULL);
	check("at() sorted", lh_state_count(st) == 4 &&
	    lh_addr_equal(&lh_state_at(st, 0)->addr, &a1) &&
	    lh_addr_equal(&lh_state_at(st, 1)->addr, &a4) &&
	    lh_addr_equal(&lh_state_at(st, 2)->addr, &a3), NULL);
	bool sens = false;
	const cJSON *ov = lh_state_output_get(st, "a", &sens);
	check("output get", ov && cJSON_IsNumber(ov) && ov->valuedouble == 1.5 && sens, NULL);
	char *r = lh_state_render(st);
	check("render equals file", r && strcmp(r, text1) == 0, "%s", r);
	free(r);
	check("remove", lh_state_remove(st, &a4) && !lh_state_remove(st, &a4) &&
	    lh_state_find(st, &a4) == NULL && lh_state_count(st) == 3, NULL);
	check("save after change: serial 2", lh_state_save(st, &d) && lh_state_serial(st) == 2, NULL);
	char *bk = slurp(P("basic.tfstate.backup"), NULL);
	check("backup holds the previous state", bk && strcmp(bk, text1) == 0 &&
	    mode_of(P("basic.tfstate.backup")) == 0600, NULL);
	free(bk);
	lh_state_set(st, &a4, user_attrs("u5", "n2@x.com"), NULL, NULL);
	check("second save in one run: serial 3", lh_state_save(st, &d) && lh_state_serial(st) == 3, NULL);
	bk = slurp(P("basic.tfstate.backup"), NULL);
	check("backup keeps the state from before this run", bk && strcmp(bk, text1) == 0, NULL);
	free(bk);
	check("state after edits matches schema", schema_ok(path), NULL);
	lh_state_close(st);
	free(text1);
}


/* A big state's text is the file mapped (state.c): truncated or rewritten in place while
 * it is parsed (Terraform rewrites its state in place; so may an editor), it is read
 * again as it is then - no SIGBUS, the outcome of a read at that moment. */
extern void (*lh_state_test_mapped)(void);
static const char *trunc_path;
static int trunc_kind;

static void
truncate_now(void)
{
	if (trunc_kind == 0) {
		if (truncate(trunc_path, (off_t)1 << 20) != 0)
			perror("truncate");
		return;
	}
	int fd = open(trunc_path, O_WRONLY | O_TRUNC);
	const char *small = "{\"version\": 4, \"serial\": 7, \"lineage\": "
	    "\"8a6d5b2e-1f3c-4e5d-9a7b-0c1d2e3f4a5b\", \"resources\": [{\"mode\": \"managed\", "
	    "\"type\": \"litellm_user\", \"name\": \"only\", \"provider\": \"p\", "
	    "\"instances\": [{\"schema_version\": 0, \"attributes\": {\"id\": \"id-x\"}}]}]}";
	if (fd < 0 || write(fd, small, strlen(small)) != (ssize_t)strlen(small))
		perror("rewrite");
	if (fd >= 0)
		close(fd);
}

static void
test_truncated_under(lh_arena *ar)
{
	for (int kind = 0; kind < 2; kind++) {
		lh_buf b = {0};
		lh_buf_puts(&b, "{\"version\": 4, \"serial\": 1, \"lineage\": "
		    "\"8a6d5b2e-1f3c-4e5d-9a7b-0c1d2e3f4a5b\", \"resources\": [");
		for (int i = 0; i < 6000; i++)
			lh_buf_printf(&b, "%s{\"mode\": \"managed\", \"type\": \"litellm_user\", "
			    "\"name\": \"u%d\", \"provider\": \"p\", \"instances\": [{\"schema_version\": 0, "
			    "\"attributes\": {\"id\": \"id-%d\", \"user_email\": \"u%d@x.com\", "
			    "\"pad\": \"%0200d\"}}]}", i ? ", " : "", i, i, i, 0);
		lh_buf_puts(&b, "]}");
		if (b.len % 4096 == 0)
			lh_buf_puts(&b, "\n");
		trunc_path = P("under.tfstate");
		trunc_kind = kind;
		spit(trunc_path, b.p);
		lh_diags d, d2;
		lh_diags_init(&d, ar);
		lh_diags_init(&d2, ar);
		lh_state_test_mapped = truncate_now;
		lh_state *st = open_state(trunc_path, false, 0, &d);
		bool called = lh_state_test_mapped == NULL;
		lh_state_test_mapped = NULL;
		if (kind == 0) {
			/* the message a read of the truncated file gives */
			lh_state *st2 = open_state(trunc_path, false, 0, &d2);
			check("big state truncated in place while parsed: refused as the file now is",
			    called && st == NULL && st2 == NULL && strstr(first_detail(&d), "not valid JSON") &&
			    strcmp(first_detail(&d), first_detail(&d2)) == 0, "%s | %s",
			    first_detail(&d), first_detail(&d2));
			lh_state_close(st2);
		} else {
			check("big state rewritten in place while parsed: the new one is read",
			    called && st != NULL && lh_state_count(st) == 1, "%s", first_detail(&d));
		}
		lh_state_close(st);
		lh_buf_free(&b);
		unlink(trunc_path);
	}
}

static void
test_corrupt(lh_arena *ar)
{
	static const char *bad[] = {
		"{\"version\": 4, \"lineage\": ",
		"[1,2]",
		"{\"version\": 3, \"serial\": 1, \"lineage\": \"x\", \"modules\": []}",
		"{\"version\": 4, \"serial\": 1, \"lineage\": \"abc\", \"resources\": [{\"mode\": \"managed\"}]}",
		"{\"version\": 4, \"serial\": -1, \"lineage\": \"abc\"}",
		"{\"version\": 4, \"serial\": 1, \"lineage\": \"abc\", \"resources\": [{\"mode\": \"managed\", \"type\": \"litellm_user\", \"name\": \"x\", \"provider\": \"p\", \"instances\": [{\"schema_version\": 0}]}]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		lh_diags d;
		lh_diags_init(&d, ar);
		const char *path = P("corrupt.tfstate");
		spit(path, bad[i]);
		unlink(P("corrupt.tfstate.backup"));
		lh_state *st = open_state(path, true, 0, &d);
		char *after = slurp(path, NULL);
		char name[64];
		snprintf(name, sizeof name, "corrupt state %zu refused, untouched", i);
		check(name, st == NULL && strcmp(first_summary(&d), "Failed to load state") == 0 &&
		    after && strcmp(after, bad[i]) == 0 && !exists(P("corrupt.tfstate.backup")) &&
		    !exists(P(".corrupt.tfstate.lock.info")), "%s", first_detail(&d));
		free(after);
		lh_state_close(st);
	}
	/* A big state (its text given back a page at a time as it is parsed) damaged far
	 * from its start is refused with the very message a small one gets: the failure is
	 * told from the whole text, read again.  So is one nested too deep at its end. */
	for (int kind = 0; kind < 3; kind++) {
		lh_buf b = {0};
		lh_buf_puts(&b, "{\"version\": 4, \"serial\": 1, \"lineage\": "
		    "\"8a6d5b2e-1f3c-4e5d-9a7b-0c1d2e3f4a5b\", \"resources\": [");
		for (int i = 0; i < 6000; i++)
			lh_buf_printf(&b, "%s{\"mode\": \"managed\", \"type\": \"litellm_user\", "
			    "\"name\": \"u%d\", \"provider\": \"p\", \"instances\": [{\"schema_version\": 0, "
			    "\"attributes\": {\"id\": \"id-%d\", \"user_email\": \"u%d@x.com\", "
			    "\"pad\": \"%0200d\"}}]}", i ? ", " : "", i, i, i, 0);
		size_t damage = b.len;
		if (kind == 0)
			lh_buf_puts(&b, ", {\"mode\": }]}");		/* a syntax error */
		else if (kind == 1)
			for (int k = 0; k < 2000; k++)
				lh_buf_puts(&b, k ? "[" : ", {\"x\": [");	/* deeper than JSON's limit */
		else
			lh_buf_puts(&b, "]}");		/* whole: loads */
		const char *path = P("big.tfstate");
		spit(path, b.p);
		lh_diags d;
		lh_diags_init(&d, ar);
		lh_state *st = open_state(path, false, 0, &d);
		char want[160];
		if (kind == 0)
			snprintf(want, sizeof want, "syntax error at byte %zu", damage + 11);
		else
			snprintf(want, sizeof want, "nested deeper than");
		if (kind < 2)
			check(kind == 0 ? "big state damaged near its end: the syntax error's byte" :
			    "big state nested too deep near its end: said so",
			    st == NULL && b.len > ((size_t)2 << 20) && strstr(first_detail(&d), want) != NULL,
			    "want %s: %s", want, first_detail(&d));
		else
			check("big state read whole as its pages are given back",
			    st != NULL && lh_state_count(st) == 6000, "%s", first_detail(&d));
		lh_state_close(st);
		lh_buf_free(&b);
		unlink(path);
	}
	test_truncated_under(ar);
	/* An empty file (as Terraform may leave) is an empty state. */
	lh_diags d;
	lh_diags_init(&d, ar);
	spit(P("empty.tfstate"), "\n");
	lh_state *st = open_state(P("empty.tfstate"), true, 0, &d);
	check("empty file = empty state", st && lh_state_count(st) == 0, "%s", first_detail(&d));
	lh_state_close(st);
}

/* One server object at two addresses of one type is refused (it would be changed
 * twice), in whatever order the file lists them; the same id under two types, or read
 * by a data source, is not. */
static void
test_duplicate_ids(lh_arena *ar)
{
#define DI_INST(type, name, id) "{\"mode\": \"managed\", \"type\": \"" type "\", \"name\": \"" \
	name "\", \"provider\": \"provider[\\\"registry.terraform.io/ncecere/litellm\\\"]\", " \
	"\"instances\": [{\"schema_version\": 0, \"attributes\": {\"id\": \"" id "\"}, " \
	"\"sensitive_attributes\": []}]}"
#define DI_STATE(r) "{\"version\": 4, \"terraform_version\": \"1.11.4\", \"serial\": 1, " \
	"\"lineage\": \"abc\", \"outputs\": {}, \"resources\": [" r "]}"
	static const struct {
		const char *text;
		const char *why;	/* NULL: loads */
	} cases[] = {
		{DI_STATE(DI_INST("litellm_user", "a", "u1") "," DI_INST("litellm_user", "b", "u2") ","
		    DI_INST("litellm_user", "c", "u3")), NULL},
		{DI_STATE(DI_INST("litellm_team", "a", "x") "," DI_INST("litellm_user", "a", "x")), NULL},
		{DI_STATE(DI_INST("litellm_user", "a", "u1") "," DI_INST("litellm_user", "b", "u1")),
		    "litellm_user.a and litellm_user.b both hold the object with id \"u1\""},
		/* ids out of order, none twice (the same id under two types is fine): loads */
		{DI_STATE(DI_INST("litellm_user", "b", "u5") "," DI_INST("litellm_user", "a", "u1") ","
		    DI_INST("litellm_team", "t", "u5")), NULL},
		/* ids out of order: the one-pass check falls back to sorting */
		{DI_STATE(DI_INST("litellm_user", "a", "u9") "," DI_INST("litellm_user", "b", "u2") ","
		    DI_INST("litellm_user", "c", "u9")),
		    "litellm_user.a and litellm_user.c both hold the object with id \"u9\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		lh_diags d;
		lh_diags_init(&d, ar);
		const char *path = P("dupids.tfstate");
		spit(path, cases[i].text);
		unlink(P("dupids.tfstate.backup"));
		lh_state *st = open_state(path, true, 0, &d);
		char name[64];
		snprintf(name, sizeof name, "duplicate ids case %zu", i);
		if (cases[i].why == NULL)
			check(name, st != NULL, "%s", first_detail(&d));
		else
			check(name, st == NULL && first_detail(&d) != NULL &&
			    strstr(first_detail(&d), cases[i].why) != NULL, "%s", first_detail(&d));
		lh_state_close(st);
	}
#undef DI_INST
#undef DI_STATE
}

/* Every example must load and render back byte for byte (Terraform's layout). */
static void
test_examples(lh_arena *ar)
{
	static const char *ex[] = {"state/examples/empty.tfstate", "state/examples/users.tfstate",
	    "state/examples/for_each.tfstate"};
	for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
		lh_diags d;
		lh_diags_init(&d, ar);
		char name[128];
		snprintf(name, sizeof name, "example %s round trip", ex[i]);
		if (!exists(ex[i])) {
			check(name, 0, "missing");
			continue;
		}
		lh_state_opts o = {.path = ex[i], .no_lock = true, .read_only = true};
		lh_state *st = NULL;
		bool ok = lh_state_open(&o, &st, &d);
		char *want = slurp(ex[i], NULL);
		char *got = ok ? lh_state_render(st) : NULL;
		check(name, ok && got && strcmp(got, want) == 0, "%s", ok ? (got ? got : "") :
		    first_detail(&d));
		snprintf(name, sizeof name, "example %s matches schema", ex[i]);
		check(name, schema_ok(ex[i]), NULL);
		free(got);
		free(want);
		lh_state_close(st);
	}
}

/* Instances are slimmed as they are parsed (state.c's slim_instance): what is read is
 * what the file says, members in any order, duplicates, numeric keys; a resource
 * carried verbatim (a module's) comes back member for member, in order. */
static void
test_slim(lh_arena *ar)
{
	static const char text[] =
	    "{\"version\": 4, \"serial\": 2, \"lineage\": \"l-slim\", \"resources\": ["
	    "{\"module\": \"module.m\", \"mode\": \"managed\", \"type\": \"litellm_user\", "
	    "\"name\": \"x\", \"provider\": \"provider[\\\"p\\\"]\", \"instances\": ["
	    "{\"schema_version\": 0, \"index_key\": \"k\", \"attributes\": {\"id\": \"m1\"}, "
	    "\"dependencies\": [], \"sensitive_attributes\": []},"
	    "{\"attributes\": {\"id\": \"m2\"}, \"sensitive_attributes\": [], \"index_key\": 7, "
	    "\"private\": \"cA==\", \"schema_version\": 0, \"index_key\": 8},"
	    "{\"index_key\": 1.50, \"schema_version\": 0, \"attributes\": {}}]},"
	    "{\"mode\": \"managed\", \"type\": \"litellm_user\", \"name\": \"c\", "
	    "\"provider\": \"provider[\\\"p\\\"]\", \"instances\": ["
	    "{\"sensitive_attributes\": [], \"attributes\": {\"id\": \"c0\"}, \"index_key\": 0, "
	    "\"schema_version\": 0, \"status\": \"tainted\"},"
	    "{\"index_key\": 1, \"attributes\": {\"id\": \"c1\"}, \"dependencies\": [\"litellm_user.x\"], "
	    "\"sensitive_attributes\": [[{\"type\": \"get_attr\", \"value\": \"id\"}]]}]},"
	    "{\"mode\": \"managed\", \"type\": \"litellm_user\", \"name\": \"bad\", "
	    "\"provider\": \"provider[\\\"p\\\"]\", \"instances\": []}]}";
	const char *path = P("slim.tfstate");
	spit(path, text);
	lh_diags d;
	lh_diags_init(&d, ar);
	lh_state_opts o = {.path = path, .no_lock = true, .read_only = true};
	lh_state *st = NULL;
	bool ok = lh_state_open(&o, &st, &d);
	char *got = ok ? lh_state_render(st) : NULL;
	cJSON *in = cJSON_Parse(text), *out = got ? cJSON_Parse(got) : NULL;
	/* the module's resource, printed from the file and from the render */
	char *a = cJSON_PrintUnformatted(cJSON_GetArrayItem(cJSON_GetObjectItem(in, "resources"), 0));
	const cJSON *r, *mod = NULL;
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(out, "resources"))
		if (cJSON_GetObjectItem(r, "module") != NULL)
			mod = r;
	char *b = mod ? cJSON_PrintUnformatted(mod) : NULL;
	check("slimmed instances: a module's resource carried member for member", ok && a && b &&
	    strcmp(a, b) == 0, "%s\n    %s", a ? a : "", b ? b : (ok ? got : first_detail(&d)));
	lh_addr c0 = A(ar, "litellm_user.c[0]"), c1 = A(ar, "litellm_user.c[1]");
	const lh_state_inst *i0 = ok ? lh_state_find(st, &c0) : NULL;
	const lh_state_inst *i1 = ok ? lh_state_find(st, &c1) : NULL;
	check("slimmed instances: keys, status, dependencies and sensitive paths read", i0 && i1 &&
	    lh_state_count(st) == 2 && lh_state_inst_status(i0) != NULL &&
	    cJSON_GetArraySize(i0->dependencies) == 0 && cJSON_GetArraySize(i0->sensitive_attributes) == 0 &&
	    cJSON_GetArraySize(i1->dependencies) == 1 && cJSON_GetArraySize(i1->sensitive_attributes) == 1,
	    "%s", ok ? got : first_detail(&d));
	free(a);
	free(b);
	cJSON_Delete(in);
	cJSON_Delete(out);
	free(got);
	lh_state_close(st);
	/* what slimming takes out is still checked as the file says it */
	/* keys of both kinds (and none) in one resource load, as in Terraform: a resource
	 * that went from count to for_each while a destroy failed leaves such a state */
	spit(path, "{\"version\": 4, \"serial\": 1, \"lineage\": \"l\", \"resources\": [{\"mode\": "
	    "\"managed\", \"type\": \"litellm_user\", \"name\": \"u\", \"provider\": \"p\", "
	    "\"instances\": [{\"index_key\": \"a\", \"attributes\": {\"id\": \"1\"}}, "
	    "{\"index_key\": 1, \"attributes\": {\"id\": \"2\"}}, {\"attributes\": {\"id\": \"3\"}}]}]}");
	lh_diags_init(&d, ar);
	st = NULL;
	ok = lh_state_open(&o, &st, &d);
	lh_addr ua = A(ar, "litellm_user.u[\"a\"]"), u1 = A(ar, "litellm_user.u[1]"),
	    un = A(ar, "litellm_user.u");
	got = ok ? lh_state_render(st) : NULL;
	check("mixed index keys in one resource load and are written back as they were", ok &&
	    lh_state_count(st) == 3 && lh_state_find(st, &ua) != NULL &&
	    lh_state_find(st, &u1) != NULL && lh_state_find(st, &un) != NULL && got != NULL &&
	    strstr(got, "\"index_key\": \"a\"") != NULL && strstr(got, "\"index_key\": 1") != NULL,
	    "%s", ok ? (got ? got : "") : first_detail(&d));
	free(got);
	lh_state_close(st);
	static const char *const bad[] = {
	    "{\"version\": 4, \"serial\": 1, \"lineage\": \"l\", \"resources\": [{\"mode\": "
	    "\"managed\", \"type\": \"litellm_user\", \"name\": \"u\", \"provider\": \"p\", "
	    "\"instances\": [{\"schema_version\": 1, \"schema_version\": 0, \"attributes\": {}}]}]}",
	    "{\"version\": 4, \"serial\": 1, \"lineage\": \"l\", \"resources\": [{\"mode\": "
	    "\"managed\", \"type\": \"litellm_user\", \"name\": \"u\", \"provider\": \"p\", "
	    "\"instances\": [{\"index_key\": -1, \"attributes\": {}}]}]}",
	    "{\"version\": 4, \"serial\": 1, \"lineage\": \"l\", \"resources\": [{\"mode\": "
	    "\"managed\", \"type\": \"litellm_user\", \"name\": \"u\", \"provider\": \"p\", "
	    "\"instances\": [{\"index_key\": \"a\", \"attributes\": {}}, {\"index_key\": \"a\", "
	    "\"attributes\": {}}]}]}",
	};
	static const char *const why[] = {"schema_version must be 0", "index_key must be a whole number or a string",
	    "the same instance is listed twice"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		spit(path, bad[i]);
		lh_diags_init(&d, ar);
		st = NULL;
		ok = lh_state_open(&o, &st, &d);
		char name[96];
		snprintf(name, sizeof name, "slimmed instances: refused as before (%s)", why[i]);
		check(name, !ok && strstr(first_detail(&d), why[i]) != NULL, "%s",
		    ok ? "loaded" : first_detail(&d));
		lh_state_close(st);
	}
}

static void
test_journal(lh_arena *ar)
{
	lh_diags d;
	lh_diags_init(&d, ar);
	const char *path = P("j.tfstate");
	lh_addr a = A(ar, "litellm_user.a"), b = A(ar, "litellm_user.b"),
	    c = A(ar, "litellm_user.c"), old = A(ar, "litellm_user.old");
	lh_state *st = open_state(path, true, 0, &d);
	lh_state_set(st, &old, user_attrs("old", "old@x.com"), NULL, NULL);
	lh_state_save(st, &d);
	char lineage[64];
	snprintf(lineage, sizeof lineage, "%s", lh_state_lineage(st));
	/* An apply: intents for a, b, c; a completes; old is deleted; crash. */
	bool ok = lh_state_journal_intent(st, &a, "id-a", "create", &d) &&
	    lh_state_journal_intent(st, &b, "id-b", "create", &d) &&
	    lh_state_journal_intent(st, &c, "id-c", "create", &d) &&
	    lh_state_journal_sync(st, &d);
	lh_state_set(st, &a, user_attrs("id-a", "a@x.com"), NULL, NULL);
	ok = ok && lh_state_journal_done(st, &a, &d);
	lh_state_remove(st, &old);
	ok = ok && lh_state_journal_done(st, &old, &d);
	ok = ok && lh_state_journal_forget(st, &c, &d) && lh_state_journal_sync(st, &d);
	check("journal appends", ok && mode_of(P("j.tfstate.journal")) == 0600, "%s", first_detail(&d));
	lh_state_close(st);	/* "crash": no save */
	/* A torn last line, as a kill in the middle of a write leaves. */
	FILE *f = fopen(P("j.tfstate.journal"), "ab");
	fputs("{\"op\":\"set\",\"addr\":\"litellm_user.b\",\"instance\":{\"attri", f);
	fclose(f);
	size_t before_len;
	char *before = slurp(path, &before_len);
	st = open_state(path, true, 0, &d);
	size_t ni = 0;
	const lh_state_intent *it = st ? lh_state_intents(st, &ni) : NULL;
	check("recovery replays done records", st && lh_state_find(st, &a) &&
	    !lh_state_find(st, &old) && !lh_state_find(st, &b), "%s", first_detail(&d));
	check("recovery returns unresolved intents", ni == 1 && lh_addr_equal(&it[0].addr, &b) &&
	    strcmp(it[0].id, "id-b") == 0 && strcmp(it[0].op, "create") == 0, "n=%zu", ni);
	char *mid = slurp(path, NULL);
	check("pending intents: state not rewritten yet", mid && strcmp(mid, before) == 0, NULL);
	free(mid);
	free(before);
	/* The caller looks id-b up, finds it, adopts it, saves. */
	lh_state_set(st, &b, user_attrs("id-b", "b@x.com"), NULL, NULL);
	check("save after resolution clears the journal", lh_state_save(st, &d) &&
	    !exists(P("j.tfstate.journal")) && lh_state_serial(st) == 2 &&
	    strcmp(lh_state_lineage(st), lineage) == 0, "%s", first_detail(&d));
	size_t n2 = 9;
	lh_state_intents(st, &n2);
	check("intents cleared by save", n2 == 0, NULL);
	lh_state_close(st);
	check("recovered state matches schema", schema_ok(path), NULL);

	/* Only done records: recovery saves by itself and removes the journal. */
	st = open_state(path, true, 0, &d);
	lh_state_set(st, &c, user_attrs("id-c", "c@x.com"), NULL, NULL);
	lh_state_journal_done(st, &c, &d);
	lh_state_journal_sync(st, &d);
	lh_state_close(st);
	st = open_state(path, true, 0, &d);
	lh_state_close(st);
	st = open_state(path, false, 0, &d);
	check("recovery without intents saves at once", st && lh_state_find(st, &c) &&
	    lh_state_serial(st) == 3 && !exists(P("j.tfstate.journal")), "%s", first_detail(&d));
	lh_state_close(st);

	/* A journal for a state that was never saved carries the lineage. */
	lh_diags_init(&d, ar);
	st = open_state(P("fresh.tfstate"), true, 0, &d);
	snprintf(lineage, sizeof lineage, "%s", lh_state_lineage(st));
	lh_state_journal_intent(st, &a, "id-a", "create", &d);
	lh_state_set(st, &a, user_attrs("id-a", "a@x.com"), NULL, NULL);
	lh_state_journal_done(st, &a, &d);
	lh_state_journal_sync(st, &d);
	lh_state_close(st);
	st = open_state(P("fresh.tfstate"), true, 0, &d);
	check("fresh state recovered from journal", st && lh_state_find(st, &a) &&
	    strcmp(lh_state_lineage(st), lineage) == 0 && exists(P("fresh.tfstate")) &&
	    lh_state_serial(st) == 1, "%s", first_detail(&d));
	lh_state_close(st);

	/* A damaged line in the middle: skipped with a warning, later records still count. */
	lh_diags_init(&d, ar);
	st = open_state(path, true, 0, &d);
	snprintf(lineage, sizeof lineage, "%s", lh_state_lineage(st));
	lh_state_close(st);
	char jtext[2048];
	snprintf(jtext, sizeof jtext, "{\"journal\":1,\"lineage\":\"%s\"}\n"
	    "{\"op\":\"remove\",\"addr\":\"litellm_user.a\"}\n"
	    "#garbage\n"
	    "{\"op\":\"remove\",\"addr\":\"litellm_user.b\"}\n", lineage);
	spit(P("j.tfstate.journal"), jtext);
	st = open_state(path, true, 0, &d);
	int warns = 0;
	for (const lh_diag *g = d.head; g; g = g->next)
		warns += g->sev == LH_DIAG_WARNING && strstr(g->summary, "journal") != NULL;
	check("damaged middle line skipped with a warning", st && !lh_state_find(st, &a) &&
	    !lh_state_find(st, &b) && lh_state_find(st, &c) && warns == 1 &&
	    !exists(P("j.tfstate.journal")), "warnings=%d %s", warns, first_detail(&d));
	lh_state_close(st);

	/* Two set records giving one id to two addresses (a damaged journal - apply
	 * never writes one): the second is skipped with a warning, so the recovered state
	 * loads again; an id whose holder was removed or changed since may move. */
	lh_diags_init(&d, ar);
	lh_addr e = A(ar, "litellm_user.e"), f2 = A(ar, "litellm_user.f"),
	    g = A(ar, "litellm_user.g"), h = A(ar, "litellm_user.h");
	snprintf(jtext, sizeof jtext, "{\"journal\":1,\"lineage\":\"%s\"}\n"
	    "{\"op\":\"set\",\"addr\":\"litellm_user.e\",\"instance\":{\"attributes\":{\"id\":\"id-c\"}}}\n"
	    "{\"op\":\"set\",\"addr\":\"litellm_user.f\",\"instance\":{\"attributes\":{\"id\":\"id-x\"}}}\n"
	    "{\"op\":\"remove\",\"addr\":\"litellm_user.f\"}\n"
	    "{\"op\":\"set\",\"addr\":\"litellm_user.g\",\"instance\":{\"attributes\":{\"id\":\"id-x\"}}}\n"
	    "{\"op\":\"set\",\"addr\":\"litellm_user.c\",\"instance\":{\"attributes\":{\"id\":\"id-y\"}}}\n"
	    "{\"op\":\"set\",\"addr\":\"litellm_user.h\",\"instance\":{\"attributes\":{\"id\":\"id-c\"}}}\n"
	    "{\"op\":\"set\",\"addr\":\"litellm_user.c\",\"instance\":{\"attributes\":{\"id\":\"id-x\"}}}\n",
	    lineage);
	spit(P("j.tfstate.journal"), jtext);
	st = open_state(path, true, 0, &d);
	warns = 0;
	const char *wtext = "";
	for (const lh_diag *w = d.head; w; w = w->next)
		if (w->sev == LH_DIAG_WARNING && strstr(w->summary, "journal") != NULL) {
			warns++;
			wtext = w->detail;
		}
	const lh_state_inst *ci = st ? lh_state_find(st, &c) : NULL;
	check("journal: second address for one id skipped", st && !lh_state_find(st, &e) &&
	    !lh_state_find(st, &f2) && lh_state_find(st, &g) && lh_state_find(st, &h) && ci &&
	    strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ci->attributes, "id")),
	    "id-y") == 0 && warns == 2 && strstr(wtext, "Line 8") && strstr(wtext, "litellm_user.g"),
	    "warnings=%d %s", warns, first_detail(&d));
	lh_state_close(st);
	lh_diags_init(&d, ar);
	st = open_state(path, true, 0, &d);
	check("journal: recovered state loads again", st != NULL && !exists(P("j.tfstate.journal")),
	    "%s", first_detail(&d));
	lh_state_close(st);

	/* A number a double cannot hold replays exactly (journal lines keep its text). */
	lh_diags_init(&d, ar);
	st = open_state(path, true, 0, &d);
	lh_addr nb = A(ar, "litellm_user.big");
	const char *bigj = "{\"id\":\"id-big\",\"rpm_limit\":9007199254740993}";
	lh_state_set(st, &nb, lh_cjson_parse(bigj, strlen(bigj), NULL), NULL, NULL);
	lh_state_journal_done(st, &nb, &d);
	lh_state_journal_sync(st, &d);
	lh_state_close(st);	/* "crash" */
	st = open_state(path, true, 0, &d);	/* recovery saves */
	lh_state_close(st);
	char *saved = slurp(path, NULL);
	check("journal: exact numbers replayed", saved != NULL &&
	    strstr(saved, "\"rpm_limit\": 9007199254740993") != NULL, "%s", first_detail(&d));
	free(saved);
	st = open_state(path, true, 0, &d);
	lh_state_remove(st, &nb);
	lh_state_save(st, &d);
	lh_state_close(st);

	/* Every kind of value replays as it was: the journal line is written by the
	 * state's own renderer, so escapes, exact numbers and nesting must all read back
	 * to the same state text as a plain save of the same instance. */
	{
		const char *tj = "{\"id\":\"id-t\",\"s\":\"q\\\" b\\\\ n\\n r\\r t\\t <a&b> \\u0001 \\u001f"
		    " \\u2028 \\u2029 \\u00e9 \\u20ac \\ud83d\\ude00 end\",\"big\":9007199254740993,"
		    "\"half\":0.5,\"tenth\":0.1,\"neg\":-12.25,\"huge\":1e21,\"t\":true,\"f\":false,"
		    "\"n\":null,\"eo\":{},\"ea\":[],\"nest\":{\"k<\\\"\":[1,[2,{\"x\":\"y\"}],\"\"]}}";
		lh_addr ta = A(ar, "litellm_user.tricky");
		char ref[300];
		snprintf(ref, sizeof ref, "%s/ref.tfstate", dir);
		lh_state *rs = open_state(ref, true, 0, &d);
		lh_state_set(rs, &ta, lh_cjson_parse(tj, strlen(tj), NULL), NULL, NULL);
		lh_state_save(rs, &d);
		lh_state_close(rs);
		const char *tp = P("jt.tfstate");
		st = open_state(tp, true, 0, &d);
		lh_state_set(st, &ta, lh_cjson_parse(tj, strlen(tj), NULL), NULL, NULL);
		lh_state_journal_done(st, &ta, &d);
		lh_state_journal_sync(st, &d);
		lh_state_close(st);	/* "crash" */
		st = open_state(tp, true, 0, &d);	/* recovery saves */
		lh_state_close(st);
		char *got = slurp(tp, NULL), *want = slurp(ref, NULL);
		const char *g = got ? strstr(got, "\"resources\"") : NULL;
		const char *w = want ? strstr(want, "\"resources\"") : NULL;
		check("journal: every kind of value replays as a save writes it", g && w &&
		    strcmp(g, w) == 0 && strstr(w, "\\u2028") && strstr(w, "9007199254740993"),
		    "%s\n--- got\n%s\n--- want\n%s", first_detail(&d), g ? g : "(none)", w ? w : "(none)");
		free(got);
		free(want);
	}

	/* A journal of another lineage is refused, nothing touched. */
	lh_diags_init(&d, ar);
	spit(P("j.tfstate.journal"), "{\"journal\":1,\"lineage\":\"00000000-0000-4000-8000-000000000000\"}\n"
	    "{\"op\":\"remove\",\"addr\":\"litellm_user.a\"}\n");
	st = open_state(path, true, 0, &d);
	check("foreign journal refused", st == NULL && exists(P("j.tfstate.journal")) &&
	    strstr(first_detail(&d), "lineage") != NULL, "%s", first_detail(&d));
	lh_state_close(st);
	unlink(P("j.tfstate.journal"));
}

/* A child applies creates as fast as it can, reporting each journalled record on a pipe;
 * the parent kills it with SIGKILL at a random instant.  Whatever was reported synced
 * must be in the recovered state, and the state must always load. */
static void
test_kill(lh_arena *ar)
{
	int bad = 0, rounds = 12;
	size_t maxrec = 0;
	srand((unsigned)time(NULL));
	for (int round = 0; round < rounds; round++) {
		const char *path = P("kill.tfstate");
		unlink(path);
		unlink(P("kill.tfstate.journal"));
		int pfd[2];
		if (pipe(pfd) != 0)
			return;
		pid_t pid = fork();
		if (pid == 0) {
			close(pfd[0]);
			lh_arena *ca = lh_arena_new();
			lh_diags d;
			lh_diags_init(&d, ca);
			lh_state *st = open_state(path, true, 0, &d);
			if (st == NULL)
				_exit(2);
			for (int i = 0;; i++) {
				char an[64], id[16];
				snprintf(an, sizeof an, "litellm_user.u[%d]", i);
				snprintf(id, sizeof id, "id%d", i);
				lh_addr ad = A(ca, an);
				lh_state_journal_intent(st, &ad, id, "create", &d);
				lh_state_set(st, &ad, user_attrs(id, "x@x.com"), NULL, NULL);
				lh_state_journal_done(st, &ad, &d);
				/* An appended record survives kill -9 (it is in the kernel); flush
				 * adds power-loss safety by group commit. */
				lh_state_journal_flush(st, &d);
				int v = i + 1;
				if (write(pfd[1], &v, sizeof v) != sizeof v)
					_exit(3);
				if (i % 50 == 49)
					lh_state_save(st, &d);
			}
			_exit(1);
		}
		close(pfd[1]);
		usleep((useconds_t)(2000 + rand() % 40000));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		int v, last = 0;
		while (read(pfd[0], &v, sizeof v) == sizeof v)
			last = v;
		close(pfd[0]);
		lh_diags d;
		lh_diags_init(&d, ar);
		lh_state *st = open_state(path, true, 0, &d);
		size_t n = st ? lh_state_count(st) : 0;
		if (st == NULL || n < (size_t)last) {
			printf("    round %d: synced %d, recovered %zu: %s\n", round, last, n,
			    first_detail(&d));
			bad++;
		}
		if (n > maxrec)
			maxrec = n;
		if (st != NULL) {
			size_t ni;
			lh_state_intents(st, &ni);
			/* resolve: forget them all */
			lh_state_save(st, &d);
		}
		lh_state_close(st);
		/* an empty file (a kill right after the lock created it) is no state */
		if (!empty_file(path) && !schema_ok(path))
			bad++;
	}
	char name[128];
	snprintf(name, sizeof name, "kill -9 at random instants loses no journalled change (%d rounds, "
	    "up to %zu instances)", rounds, maxrec);
	check(name, bad == 0, "%d bad rounds", bad);
}

/* Locking between processes: a child holds the lock until told to release. */
static void
test_lock(lh_arena *ar)
{
	const char *path = P("lock.tfstate");
	int go[2], ready[2];
	if (pipe(go) != 0 || pipe(ready) != 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		close(go[1]);
		close(ready[0]);
		lh_arena *ca = lh_arena_new();
		lh_diags d;
		lh_diags_init(&d, ca);
		lh_state *st = open_state(path, true, 0, &d);
		if (st == NULL)
			_exit(2);
		lh_addr a = A(ca, "litellm_user.a");
		lh_state_set(st, &a, user_attrs("a", "a@x.com"), NULL, NULL);
		lh_state_save(st, &d);	/* the rename: the state file gets a new inode */
		char c = 'r';
		if (write(ready[1], &c, 1) != 1)
			_exit(3);
		if (read(go[0], &c, 1) != 1)
			_exit(4);
		lh_addr b = A(ca, "litellm_user.b");
		lh_state_set(st, &b, user_attrs("b", "b@x.com"), NULL, NULL);
		lh_state_save(st, &d);	/* and again while someone waits */
		usleep(300000);
		lh_state_close(st);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	char c;
	if (read(ready[0], &c, 1) != 1) {
		check("lock holder started", 0, NULL);
		return;
	}
	lh_diags d;
	lh_diags_init(&d, ar);
	double t0 = now();
	lh_state *st = open_state(path, true, 0, &d);
	double t1 = now();
	const char *det = first_detail(&d);
	check("second run fails at once", st == NULL && t1 - t0 < 0.5 &&
	    strcmp(first_summary(&d), "Error acquiring the state lock") == 0, "%.2fs %s", t1 - t0, det);
	check("lock error names who, when, operation", strstr(det, "Who:       ") &&
	    strstr(det, "@") && strstr(det, "Operation: OperationTypeApply") &&
	    strstr(det, "Created:   2") && strstr(det, " +0000 UTC") && strstr(det, "Path:      "),
	    "%s", det);
	lh_state_close(st);
	lh_diags_init(&d, ar);
	st = open_state(path, false, 0, &d);
	check("-lock=false reads while locked", st && lh_state_count(st) == 1, "%s", first_detail(&d));
	lh_state_close(st);
	/* The lock info file must be the holder's still (a reader must not delete it). */
	char *info = slurp(P(".lock.tfstate.lock.info"), NULL);
	check("lock info JSON", info && strstr(info, "\"ID\"") && strstr(info, "\"Who\"") &&
	    strstr(info, "\"Created\"") && strstr(info, "\"Path\"") && strstr(info, "\"Version\"") &&
	    strstr(info, "\"Operation\":\"OperationTypeApply\""), "%s", info ? info : "(missing)");
	free(info);
	if (write(go[1], "g", 1) != 1)
		return;
	lh_diags_init(&d, ar);
	t0 = now();
	st = open_state(path, true, 5, &d);
	t1 = now();
	check("-lock-timeout waits for the holder", st && t1 - t0 >= 0.25 && t1 - t0 < 4 &&
	    lh_state_count(st) == 2, "%.2fs %s", t1 - t0, first_detail(&d));
	int status = 0;
	waitpid(pid, &status, 0);
	check("holder exited cleanly", WIFEXITED(status) && WEXITSTATUS(status) == 0, "%d", status);
	/* While we hold it now, a third process fails even though the file was renamed. */
	pid = fork();
	if (pid == 0) {
		lh_arena *ca = lh_arena_new();
		lh_diags d2;
		lh_diags_init(&d2, ca);
		lh_state *s2 = open_state(path, true, 0, &d2);
		_exit(s2 == NULL ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	check("lock holds across renames", WIFEXITED(status) && WEXITSTATUS(status) == 0, NULL);
	lh_state_close(st);

	/* Many processes race for the lock while each saves (renames): at any instant at most
	 * one holds it.  Each holder increments a counter in the state; no update is lost. */
	int nproc = 6, per = 5;
	for (int k = 0; k < nproc; k++) {
		if (fork() == 0) {
			lh_arena *ca = lh_arena_new();
			for (int i = 0; i < per; i++) {
				lh_diags d2;
				lh_diags_init(&d2, ca);
				lh_state *s2 = open_state(path, true, 20, &d2);
				if (s2 == NULL)
					_exit(1);
				lh_addr ca_ = A(ca, "litellm_user.counter");
				lh_state_inst *ci = lh_state_find(s2, &ca_);
				int v = ci ? cJSON_GetObjectItem(ci->attributes, "n")->valueint : 0;
				cJSON *at = cJSON_CreateObject();
				cJSON_AddNumberToObject(at, "n", v + 1);
				lh_state_set(s2, &ca_, at, NULL, NULL);
				if (!lh_state_save(s2, &d2))
					_exit(1);
				lh_state_close(s2);
			}
			_exit(0);
		}
	}
	int okc = 0;
	for (int k = 0; k < nproc; k++) {
		waitpid(-1, &status, 0);
		okc += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	lh_diags_init(&d, ar);
	st = open_state(path, true, 0, &d);
	lh_addr cnt = A(ar, "litellm_user.counter");
	lh_state_inst *ci = st ? lh_state_find(st, &cnt) : NULL;
	int v = ci ? cJSON_GetObjectItem(ci->attributes, "n")->valueint : -1;
	check("racing processes: mutual exclusion, no lost update", okc == nproc && v == nproc * per,
	    "ok=%d counter=%d want %d", okc, v, nproc * per);
	lh_state_close(st);
}

static void
test_planfile(lh_arena *ar)
{
	lh_diags d;
	lh_diags_init(&d, ar);
	const char *path = P("pf.tfstate");
	lh_state *st = open_state(path, true, 0, &d);
	lh_addr a = A(ar, "litellm_user.a");
	lh_state_set(st, &a, user_attrs("a", "a@x.com"), NULL, NULL);
	lh_state_save(st, &d);
	cJSON *plan = cJSON_CreateObject();
	cJSON_AddStringToObject(plan, "hello", "world");
	bool ok = lh_planfile_write(P("plan.out"), st, plan, &d);
	cJSON_Delete(plan);
	cJSON *back = NULL;
	ok = ok && lh_planfile_read(P("plan.out"), st, &back, &d);
	check("plan file round trip, mode 0600", ok && back &&
	    strcmp(cJSON_GetObjectItem(back, "hello")->valuestring, "world") == 0 &&
	    mode_of(P("plan.out")) == 0600, "%s", first_detail(&d));
	cJSON_Delete(back);
	lh_state_remove(st, &a);
	lh_state_save(st, &d);
	lh_diags_init(&d, ar);
	check("stale plan refused", !lh_planfile_read(P("plan.out"), st, &back, &d) &&
	    strcmp(first_summary(&d), "Saved plan is stale") == 0, "%s", first_summary(&d));
	lh_diags_init(&d, ar);
	spit(P("notaplan"), "hello");
	check("not a plan file", !lh_planfile_read(P("notaplan"), NULL, &back, &d) &&
	    strcmp(first_summary(&d), "Failed to read plan from plan file") == 0, NULL);
	lh_state_close(st);
}

static void
test_misc(lh_arena *ar)
{
	static const struct {
		const char *s;
		double want;	/* < 0: invalid */
	} dur[] = {{"5s", 5}, {"1m", 60}, {"1m30s", 90}, {"500ms", 0.5}, {"2h", 7200}, {"0", 0},
	    {"1.5s", 1.5}, {"", -1}, {"5", -1}, {"s", -1}, {"5x", -1}, {"-5s", -1}};
	int bad = 0;
	for (size_t i = 0; i < sizeof dur / sizeof dur[0]; i++) {
		double v = -1;
		bool ok = lh_duration_parse(dur[i].s, &v);
		if (dur[i].want < 0 ? ok : (!ok || v != dur[i].want)) {
			printf("    duration %s -> %d %g\n", dur[i].s, ok, v);
			bad++;
		}
	}
	check("durations", bad == 0, NULL);

	lh_diags d;
	lh_diags_init(&d, ar);
	lh_state_opts o = {.path = P("prov.tfstate"), .provider_source = "example.com/me/litellm"};
	lh_state *st = NULL;
	lh_state_open(&o, &st, &d);
	lh_addr a = A(ar, "litellm_user.a");
	lh_state_inst *in = st ? lh_state_set(st, &a, cJSON_CreateObject(), NULL, NULL) : NULL;
	check("provider source configurable", in &&
	    strcmp(in->provider, "provider[\"example.com/me/litellm\"]") == 0, "%s", in ? in->provider : "");
	lh_state_close(st);
	lh_state_opts o2 = {.path = P("prov2.tfstate"), .provider_source = "ncecere/litellm"};
	st = NULL;
	lh_state_open(&o2, &st, &d);
	in = st ? lh_state_set(st, &a, cJSON_CreateObject(), NULL, NULL) : NULL;
	check("short provider source gets the default registry", in &&
	    strcmp(in->provider, "provider[\"registry.terraform.io/ncecere/litellm\"]") == 0, "%s",
	    in ? in->provider : "");
	lh_state_output_set(st, "m", cJSON_CreateString("1"), NULL, false);
	lh_state_output_set(st, "b", cJSON_CreateString("1"), NULL, false);
	lh_state_output_set(st, "x", cJSON_CreateString("1"), NULL, false);
	lh_state_output_set(st, "a", cJSON_CreateString("1"), NULL, false);
	lh_state_output_set(st, "m", cJSON_CreateNumber(2), NULL, false);
	const cJSON *outs = lh_state_outputs(st);
	char order[16] = "";
	for (const cJSON *c = outs->child; c; c = c->next)
		strncat(order, c->string, 1);
	check("outputs kept by name", strcmp(order, "abmx") == 0 && cJSON_GetArraySize(outs) == 4 &&
	    lh_state_output_get(st, "m", NULL)->valuedouble == 2, "%s", order);
	check("output remove", lh_state_output_remove(st, "b") && !lh_state_output_get(st, "b", NULL), NULL);
	lh_state_close(st);

	/* read_only never writes, even with a journal to recover. */
	lh_diags_init(&d, ar);
	const char *path = P("ro.tfstate");
	st = open_state(path, true, 0, &d);
	lh_state_journal_intent(st, &a, "x", "create", &d);
	lh_state_set(st, &a, cJSON_CreateObject(), NULL, NULL);
	lh_state_journal_done(st, &a, &d);
	lh_state_journal_sync(st, &d);
	lh_state_close(st);
	lh_state_opts ro = {.path = path, .read_only = true};
	st = NULL;
	bool ok = lh_state_open(&ro, &st, &d);
	check("read_only sees recovered content, writes nothing", ok && lh_state_find(st, &a) &&
	    empty_file(path) && exists(P("ro.tfstate.journal")) && !lh_state_save(st, &d), NULL);
	lh_state_close(st);
	check("the empty state file the lock created is gone after unlock", !exists(path), NULL);
}

/* Many instances: removal from the address hash (backward shift), the sibling
 * provider taken from the resource group, replace-provider on shared strings, and a
 * save of the result that reads back the same. */
static void
test_scale(lh_arena *ar)
{
	lh_diags d;
	lh_diags_init(&d, ar);
	const char *path = P("scale.tfstate");
	lh_state *st = open_state(path, true, 0, &d);
	enum { N = 5000 };
	char name[64];
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "litellm_user.%s[\"k%d\"]", i % 3 ? "u" : "w", i);
		lh_addr a = A(ar, name);
		snprintf(name, sizeof name, "id%d", i);
		lh_state_set(st, &a, user_attrs(name, "x@example.com"), NULL, NULL);
	}
	int bad = 0;
	for (int i = 0; i < N; i += 2) {
		snprintf(name, sizeof name, "litellm_user.%s[\"k%d\"]", i % 3 ? "u" : "w", i);
		lh_addr a = A(ar, name);
		bad += !lh_state_remove(st, &a);
	}
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "litellm_user.%s[\"k%d\"]", i % 3 ? "u" : "w", i);
		lh_addr a = A(ar, name);
		bad += (lh_state_find(st, &a) != NULL) != (i % 2 == 1);
	}
	check("5,000 instances: every other removed, the rest found", bad == 0 &&
	    lh_state_count(st) == N / 2, "%d wrong", bad);
	size_t n = lh_state_replace_provider(st, "provider[\"registry.terraform.io/ncecere/litellm\"]",
	    "provider[\"example.com/me/litellm\"]");
	lh_addr na = A(ar, "litellm_user.u[\"new\"]");
	lh_state_inst *in = lh_state_set(st, &na, user_attrs("new", "n@example.com"), NULL, NULL);
	check("replace-provider changes every instance; a new sibling takes it", n == N / 2 &&
	    strcmp(in->provider, "provider[\"example.com/me/litellm\"]") == 0, "%zu %s", n,
	    in->provider);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "litellm_user.w[\"k%d\"]", i);
		lh_addr a = A(ar, name);
		lh_state_remove(st, &a);
	}
	lh_addr wa = A(ar, "litellm_user.w[\"again\"]");
	in = lh_state_set(st, &wa, user_attrs("again", "a@example.com"), NULL, NULL);
	check("a resource emptied and set again takes the default provider",
	    strcmp(in->provider, "provider[\"registry.terraform.io/ncecere/litellm\"]") == 0, "%s",
	    in->provider);
	char *text = lh_state_render(st);
	bool saved = lh_state_save(st, &d);
	lh_state_close(st);
	lh_state_opts o = {.path = path, .read_only = true};
	st = NULL;
	bool ok = saved && lh_state_open(&o, &st, &d);
	char *back = ok ? lh_state_render(st) : NULL;
	/* the render carries the serial the save gave it */
	check("saved by streaming, read back identical", back != NULL && text != NULL &&
	    strstr(text, "\"serial\": 0,") != NULL && strstr(back, "\"serial\": 1,") != NULL &&
	    strlen(text) == strlen(back) && strcmp(strstr(text, "\"lineage\""),
	    strstr(back, "\"lineage\"")) == 0, "%s", first_detail(&d));
	free(text);
	free(back);
	lh_state_close(st);
}

/* lh_state_id_holder: which other instance holds an object id (apply's check that a
 * membership create did not adopt an object another address holds), through sets,
 * moves, removals and replaced attributes, data sources never counted. */
static void
test_id_holder(lh_arena *ar)
{
	lh_diags d;
	lh_diags_init(&d, ar);
	lh_state *st = open_state(P("holder.tfstate"), true, 0, &d);
	if (st == NULL) {
		check("id holder: open", 0, "%s", first_detail(&d));
		return;
	}
	lh_addr a = A(ar, "litellm_user.a"), b = A(ar, "litellm_user.b"), c = A(ar, "litellm_user.c"),
	    m = A(ar, "litellm_team.a"), ds = A(ar, "litellm_user.d");
	ds.data = true;
	lh_state_set(st, &a, user_attrs("X", "a@x.com"), NULL, NULL);
	lh_state_set(st, &ds, user_attrs("Y", "d@x.com"), NULL, NULL);
	lh_state_inst *h = lh_state_id_holder(st, "litellm_user", "X", &b);
	check("id holder: another address holds it", h != NULL && lh_addr_equal(&h->addr, &a), NULL);
	check("id holder: not the asking address itself", lh_state_id_holder(st, "litellm_user",
	    "X", &a) == NULL, NULL);
	check("id holder: another type's object is not it", lh_state_id_holder(st, "litellm_team",
	    "X", &m) == NULL, NULL);
	check("id holder: a data source holds no object", lh_state_id_holder(st, "litellm_user",
	    "Y", &b) == NULL, NULL);
	lh_state_set(st, &b, user_attrs("Z", "b@x.com"), NULL, NULL);
	h = lh_state_id_holder(st, "litellm_user", "Z", &c);
	check("id holder: set after the index was built", h != NULL && lh_addr_equal(&h->addr, &b),
	    NULL);
	lh_state_move(st, &a, &c);
	h = lh_state_id_holder(st, "litellm_user", "X", &b);
	check("id holder: follows a move", h != NULL && lh_addr_equal(&h->addr, &c), NULL);
	lh_state_set(st, &c, user_attrs("W", "c@x.com"), NULL, NULL);
	check("id holder: an instance now holding another object no longer holds it",
	    lh_state_id_holder(st, "litellm_user", "X", &b) == NULL, NULL);
	h = lh_state_id_holder(st, "litellm_user", "W", &b);
	check("id holder: its new object", h != NULL && lh_addr_equal(&h->addr, &c), NULL);
	lh_state_remove(st, &c);
	check("id holder: a removed instance holds nothing", lh_state_id_holder(st, "litellm_user",
	    "W", &b) == NULL, NULL);
	lh_state_close(st);
}

int
main(void)
{
	snprintf(dir, sizeof dir, "/tmp/lh-state-test.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		printf("FAIL mkdtemp\n");
		return 1;
	}
	lh_arena *ar = lh_arena_new();
	parena = ar;
	test_basic(ar);
	test_corrupt(ar);
	test_duplicate_ids(ar);
	test_examples(ar);
	test_slim(ar);
	test_journal(ar);
	test_lock(ar);
	test_planfile(ar);
	test_misc(ar);
	test_kill(ar);
	test_scale(ar);
	test_id_holder(ar);
	lh_arena_free(ar);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (failures == 0 && system(cmd) != 0)
		return 1;
	return failures ? 1 : 0;
}
