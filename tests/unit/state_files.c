/* tests/unit/state_files.c - the local state file as a file (issue 14): a symlinked
 * state is written through its link, a non-regular -state path is refused before
 * anything reads or locks it, a serial that cannot grow is refused, one id at two
 * addresses / deposed objects / JSON nested too deep are
 * refused with a message that says so, temp files left by a kill during a save are
 * removed by the next locked run, and the lock-info file is never opened through a
 * symlink.  Run from the repository top. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"
#include "unit.h"

static char dir[256];
static lh_arena *ar;

static const char *
P(const char *name)
{
	return lh_arena_printf(ar, "%s/%s", dir, name);
}

static void
spit(const char *path, const char *s)
{
	FILE *f = fopen(path, "wb");
	fputs(s, f);
	fclose(f);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static bool
exists(const char *p)
{
	struct stat sb;
	return lstat(p, &sb) == 0;
}

static const char *
err_text(const lh_diags *d)
{
	for (const lh_diag *g = d->head; g; g = g->next)
		if (g->sev == LH_DIAG_ERROR)
			return g->detail ? g->detail : g->summary;
	return "";
}

static lh_state *
open_at(const char *path, bool lock, lh_diags *d)
{
	lh_state_opts o = {.path = path, .no_lock = !lock, .operation = "OperationTypeApply"};
	lh_state *st = NULL;
	lh_diags_init(d, ar);
	if (!lh_state_open(&o, &st, d))
		return NULL;
	return st;
}

static cJSON *
attrs(const char *id)
{
	cJSON *a = cJSON_CreateObject();
	cJSON_AddStringToObject(a, "id", id);
	cJSON_AddStringToObject(a, "user_id", id);
	return a;
}

static lh_addr
A(const char *s)
{
	lh_addr a;
	const char *err;
	if (!lh_addr_parse(ar, s, &a, &err))
		exit(2);
	return a;
}

#define STATE_HEAD "{\"version\": 4, \"serial\": 3, \"lineage\": \"7d0c4f7e-7c43-4a4f-9d57-3f4b0c1d2e3f\", "
#define RES(name, insts) "{\"mode\": \"managed\", \"type\": \"litellm_user\", \"name\": \"" name \
	"\", \"provider\": \"provider[\\\"registry.terraform.io/ncecere/litellm\\\"]\", \"instances\": [" insts "]}"
#define INST(key, id) "{" key "\"schema_version\": 0, \"attributes\": {\"id\": \"" id "\", \"user_id\": \"" id "\"}}"

static void
test_symlink(void)
{
	lh_diags d;
	mkdir(P("real"), 0700);
	spit(P("real/s.tfstate"), "");
	if (symlink("real/s.tfstate", P("link.tfstate")) != 0) {
		check("symlinked state", 0, "symlink: %s", strerror(errno));
		return;
	}
	lh_state *st = open_at(P("link.tfstate"), true, &d);
	lh_addr a = A("litellm_user.x");
	bool ok = st != NULL;
	if (st) {
		lh_state_set(st, &a, attrs("x1"), NULL, NULL);
		ok = lh_state_save(st, &d);
		lh_state_close(st);
	}
	struct stat sb;
	bool still_link = lstat(P("link.tfstate"), &sb) == 0 && S_ISLNK(sb.st_mode);
	char *t = slurp(P("real/s.tfstate"));
	check("symlinked state: written through the link (link kept, target holds the state)",
	    ok && still_link && t && strstr(t, "\"x1\"") != NULL, "ok=%d link=%d %s", ok,
	    still_link, err_text(&d));
	/* A second save (backup now taken) keeps the link too. */
	st = open_at(P("link.tfstate"), true, &d);
	if (st) {
		lh_state_set(st, &a, attrs("x2"), NULL, NULL);
		ok = lh_state_save(st, &d);
		lh_state_close(st);
	}
	still_link = lstat(P("link.tfstate"), &sb) == 0 && S_ISLNK(sb.st_mode);
	t = slurp(P("real/s.tfstate"));
	check("symlinked state: second save through the link", st && ok && still_link && t &&
	    strstr(t, "\"x2\"") && !exists(P("real/.s.tfstate.tmp")), "%s", err_text(&d));
	/* A dangling link: the state is created at its target. */
	if (symlink("real/new.tfstate", P("dangling.tfstate")) == 0) {
		st = open_at(P("dangling.tfstate"), true, &d);
		ok = st != NULL;
		if (st) {
			lh_state_set(st, &a, attrs("x3"), NULL, NULL);
			ok = lh_state_save(st, &d);
			lh_state_close(st);
		}
		still_link = lstat(P("dangling.tfstate"), &sb) == 0 && S_ISLNK(sb.st_mode);
		t = slurp(P("real/new.tfstate"));
		check("dangling symlink: state created at the target", ok && still_link && t &&
		    strstr(t, "\"x3\""), "%s", err_text(&d));
	}
}

static void
test_not_regular(void)
{
	lh_diags d;
	mkfifo(P("fifo.tfstate"), 0600);
	mkdir(P("dir.tfstate"), 0700);
	const char *paths[] = {P("fifo.tfstate"), P("dir.tfstate"), "/dev/null"};
	for (int i = 0; i < 3; i++) {
		for (int lock = 0; lock < 2; lock++) {
			/* /dev/null's directory is not ours: only the unlocked open there. */
			if (i == 2 && lock)
				continue;
			lh_state *st = open_at(paths[i], lock, &d);
			char name[200];
			snprintf(name, sizeof name, "-state %s (%s) refused: not a regular file",
			    i == 0 ? "FIFO" : i == 1 ? "directory" : "/dev/null", lock ? "locked" : "-lock=false");
			struct stat sb;
			bool kept = stat(paths[i], &sb) == 0 && (i == 0 ? S_ISFIFO(sb.st_mode) :
			    i == 1 ? S_ISDIR(sb.st_mode) : S_ISCHR(sb.st_mode));
			check(name, st == NULL && strstr(err_text(&d), "not a regular file") && kept,
			    "st=%p %s", (void *)st, err_text(&d));
			lh_state_close(st);
		}
	}
	check("refused -state leaves no lock info", !exists(P(".fifo.tfstate.lock.info")), NULL);
}

static void
test_refused(const char *name, const char *text, const char *want)
{
	lh_diags d;
	spit(P("bad.tfstate"), text);
	lh_state *st = open_at(P("bad.tfstate"), false, &d);
	char *after = slurp(P("bad.tfstate"));
	check(name, st == NULL && strstr(err_text(&d), want) != NULL && after &&
	    strcmp(after, text) == 0, "want '%s', got: %s", want, err_text(&d));
	lh_state_close(st);
}

static void
test_content(void)
{
	test_refused("serial 2^63-1 refused (it cannot grow)",
	    "{\"version\": 4, \"serial\": 9223372036854775807, \"lineage\": \"7d0c4f7e-7c43-4a4f-9d57-3f4b0c1d2e3f\"}",
	    "serial");
	test_refused("serial 1e300 refused",
	    "{\"version\": 4, \"serial\": 1e300, \"lineage\": \"7d0c4f7e-7c43-4a4f-9d57-3f4b0c1d2e3f\"}",
	    "too large");
	test_refused("one id at two addresses refused, both named",
	    STATE_HEAD "\"resources\": [" RES("a", INST("", "dup")) ", " RES("b", INST("", "dup")) "]}",
	    "litellm_user.b");
	test_refused("one id at two index keys refused",
	    STATE_HEAD "\"resources\": [" RES("a", INST("\"index_key\": 0, ", "same") ", "
	    INST("\"index_key\": 1, ", "same")) "]}",
	    "\"same\"");
	/* keys of different kinds in one resource load, as in Terraform (a resource that
	 * went from count to for_each while a destroy failed leaves them) */
	static const char *const mixed[] = {
	    STATE_HEAD "\"resources\": [" RES("a", INST("\"index_key\": 0, ", "i0") ", "
	    INST("\"index_key\": \"k\", ", "i1")) "]}",
	    STATE_HEAD "\"resources\": [" RES("a", INST("", "i0") ", "
	    INST("\"index_key\": 1, ", "i1")) "]}"};
	for (int i = 0; i < 2; i++) {
		lh_diags d;
		spit(P("mixed.tfstate"), mixed[i]);
		lh_state *st = open_at(P("mixed.tfstate"), false, &d);
		check(i == 0 ? "mixed index_key kinds (number and string) load" :
		    "keyed and unkeyed instances in one resource load",
		    st != NULL && lh_state_count(st) == 2, "%s", err_text(&d));
		lh_state_close(st);
	}
	test_refused("deposed object: says deposed, not 'listed twice'",
	    STATE_HEAD "\"resources\": [" RES("a", INST("", "cur") ", "
	    "{\"deposed\": \"00000001\", \"schema_version\": 0, \"attributes\": {\"id\": \"old\", \"user_id\": \"old\"}}") "]}",
	    "deposed");
	{
		FILE *f = fopen(P("nul.tfstate"), "wb");
		static const char zeros[64];
		fwrite(zeros, 1, sizeof zeros, f);
		fclose(f);
		lh_diags d;
		lh_state *st = open_at(P("nul.tfstate"), true, &d);
		struct stat sb;
		check("a file of NUL bytes (crash debris) is refused, not taken for an empty state",
		    st == NULL && stat(P("nul.tfstate"), &sb) == 0 && sb.st_size == 64,
		    "%s", err_text(&d));
		lh_state_close(st);
	}
	{	/* a journal whose header carries a lineage no state can hold (fuzz_state) */
		lh_diags d;
		unlink(P("jl.tfstate"));
		spit(P("jl.tfstate.journal"), "{\"journal\":1,\"lineage\":\"0123456789012345678901234567890123456789-too-long\"}\n"
		    "{\"op\":\"set\",\"addr\":\"litellm_user.a\",\"instance\":{\"attributes\":{\"id\":\"a\"}}}\n");
		lh_state *st = open_at(P("jl.tfstate"), true, &d);
		check("journal header with an impossible lineage: refused, nothing saved", st == NULL &&
		    strstr(err_text(&d), "journal header") && !exists(P("jl.tfstate")), "%s", err_text(&d));
		lh_state_close(st);
	}
	/* JSON nested deeper than the parser's limit. */
	size_t depth = 3000;
	char *deep = malloc(depth * 2 + 200);
	strcpy(deep, STATE_HEAD "\"outputs\": {\"o\": {\"value\": ");
	size_t l = strlen(deep);
	memset(deep + l, '[', depth);
	memset(deep + l + depth, ']', depth);
	strcpy(deep + l + 2 * depth, "}}}");
	test_refused("state nested deeper than the JSON limit: says so", deep, "nested");
	free(deep);
	/* Different ids in different resource types may coincide (a user and a team). */
	lh_diags d;
	spit(P("types.tfstate"), STATE_HEAD "\"resources\": [" RES("a", INST("", "same")) ", "
	    "{\"mode\": \"managed\", \"type\": \"litellm_team\", \"name\": \"t\", \"provider\": \"p\", "
	    "\"instances\": [{\"schema_version\": 0, \"attributes\": {\"id\": \"same\"}}]}]}");
	lh_state *st = open_at(P("types.tfstate"), false, &d);
	check("same id in two resource types is fine", st != NULL, "%s", err_text(&d));
	lh_state_close(st);
}

static void
test_temp_cleanup(void)
{
	lh_diags d;
	lh_state *st = open_at(P("t.tfstate"), true, &d);
	lh_addr a = A("litellm_user.t");
	if (st) {
		lh_state_set(st, &a, attrs("t1"), NULL, NULL);
		lh_state_save(st, &d);
		lh_state_close(st);
	}
	/* What a kill between mkstemp and rename leaves behind. */
	spit(P(".t.tfstate.tmp.Ab3dE9"), "{\"half");
	spit(P(".t.tfstate.backup.tmp.Zz9yX1"), "{");
	spit(P(".other.tfstate.tmp.Qq1234"), "{");
	spit(P(".t.tfstate.tmp.notours"), "{");
	st = open_at(P("t.tfstate"), false, &d);
	bool kept_unlocked = exists(P(".t.tfstate.tmp.Ab3dE9"));
	lh_state_close(st);
	st = open_at(P("t.tfstate"), true, &d);
	check("temp files of an interrupted save removed by the next locked open",
	    st && !exists(P(".t.tfstate.tmp.Ab3dE9")) && !exists(P(".t.tfstate.backup.tmp.Zz9yX1")),
	    "%s", err_text(&d));
	check("other files kept (another state's temp, a name that is not ours)",
	    exists(P(".other.tfstate.tmp.Qq1234")) && exists(P(".t.tfstate.tmp.notours")), NULL);
	check("-lock=false does not remove temp files (a locked run may be saving)", kept_unlocked, NULL);
	lh_state_close(st);
}

static void
test_lockinfo_symlink(void)
{
	lh_diags d;
	spit(P("victim"), "precious\n");
	symlink("victim", P(".li.tfstate.lock.info"));
	lh_state *st = open_at(P("li.tfstate"), true, &d);
	char *v = slurp(P("victim"));
	check("lock-info file that is a symlink: refused, its target untouched",
	    st == NULL && v && strcmp(v, "precious\n") == 0 && strstr(err_text(&d), "symbolic link"),
	    "st=%p victim=%s %s", (void *)st, v ? v : "(gone)", err_text(&d));
	lh_state_close(st);
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(dir, sizeof dir, "/tmp/lh-state-files.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	ar = lh_arena_new();
	test_symlink();
	test_not_regular();
	test_content();
	test_temp_cleanup();
	test_lockinfo_symlink();
	lh_arena_free(ar);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (failures == 0 && system(cmd) != 0)
		return 1;
	return failures ? 1 : 0;
}
