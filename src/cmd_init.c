/* cmd_init.c - `litehcl init [-backend-config=KEY=VALUE|FILE]... [-reconfigure]
 * [-migrate-state [-force-copy]] [-backend=false] [-lock=false] [-lock-timeout=D]`:
 * checks the configuration, initialises the backend as Terraform's init does (records
 * it in .terraform/terraform.tfstate, connects, creates the pg schema), moves states
 * between backends with -migrate-state, and prints Terraform's success text.  There
 * are no providers or modules to install: init never downloads anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "backend.h"
#include "buf.h"
#include "cli.h"
#include "cmd_common.h"
#include "config.h"
#include "state.h"

static const char *B = "", *G = "", *R = "";

typedef struct mig {
	bool lock;
	double lock_timeout;
	bool force_copy;
	bool input;
} mig;

/* Opens workspace ws of b as a state (locked unless -lock=false). */
static bool
open_ws(const lh_backend *b, const char *ws, const mig *m, bool read_only, lh_state **st,
    lh_diags *d)
{
	lh_state_opts so = {.no_lock = !m->lock, .lock_timeout_s = m->lock_timeout,
	    .operation = "OperationTypeInvalid", .read_only = read_only};
	char *path = NULL;
	if (!lh_backend_open(b, ws, true, &so.store, &path, d))
		return false;
	so.path = path;
	bool ok = lh_state_open(&so, st, d);
	free(path);
	return ok;
}

static bool
has_content(lh_state *st)
{
	const cJSON *o = lh_state_outputs(st);
	return lh_state_count(st) > 0 || (o != NULL && o->child != NULL);
}

static bool
ask_yes(const char *question, const char *detail)
{
	printf("%s%s%s\n%s\n\n  Enter a value: ", B, question, R, detail);
	fflush(stdout);
	char line[64];
	if (fgets(line, sizeof line, stdin) == NULL)
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	printf("\n");
	return strcmp(line, "yes") == 0;
}

/* Copies every workspace of from into to (Terraform's state migration).  empty_source:
 * the local source states are emptied afterwards (Terraform deletes them when moving
 * into a backend; the local backup file keeps the old content). */
static bool
migrate(const lh_backend *from, const lh_backend *to, const mig *m, bool empty_source,
    bool *copied, lh_diags *d)
{
	char **names = NULL;
	size_t n = 0;
	*copied = false;
	if (from->type == LH_BACKEND_HTTP) {
		names = lh_xmalloc(sizeof *names);
		names[0] = lh_xstrdup("default");
		n = 1;
	} else if (!lh_backend_workspaces(from, &names, &n, d)) {
		return false;
	}
	if (to->type == LH_BACKEND_HTTP && n > 1) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Error migrating the workspace \"default\"",
		    "The source has %zu workspaces, but the \"http\" backend stores a single state "
		    "(\"default\"). Delete the other workspaces first, or migrate into a backend "
		    "that has workspaces.", n);
		lh_backend_names_free(names, n);
		return false;
	}
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		lh_state *src = NULL, *dst = NULL;
		ok = open_ws(from, names[i], m, !empty_source, &src, d);
		if (ok && !has_content(src) && !lh_state_existed(src)) {
			lh_state_close(src);
			continue;
		}
		if (ok) {
			size_t nint = 0;
			lh_state_intents(src, &nint);
			if (nint > 0) {
				lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Unfinished changes of an interrupted run",
				    "%s holds %zu change(s) of an interrupted apply whose result was never "
				    "recorded. Run litehcl plan (with the LiteLLM server reachable) to "
				    "recover them, then migrate.", lh_state_path(src), nint);
				ok = false;
			}
		}
		if (ok)
			ok = open_ws(to, names[i], m, false, &dst, d);
		if (ok && has_content(dst) && strcmp(lh_state_lineage(dst), lh_state_lineage(src)) != 0 &&
		    !m->force_copy) {
			char *q = lh_xprintf("Pre-existing state was found while migrating the previous \"%s\" backend to the\n"
			    "newly configured \"%s\" backend for workspace \"%s\". Do you want to overwrite\n"
			    "the state in the new backend with the previous state?", from->type_name,
			    to->type_name, names[i]);
			bool yes = m->input && isatty(0) &&
			    ask_yes("Do you want to copy existing state to the new backend?", q);
			free(q);
			if (!yes) {
				lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Error migrating the workspace",
				    "The \"%s\" backend already holds a different state for workspace \"%s\"; "
				    "nothing was copied. Use -force-copy to overwrite it with the previous state.",
				    to->type_name, names[i]);
				ok = false;
			}
		}
		if (ok)
			ok = lh_state_copy_from(dst, src, d);
		if (ok)
			*copied = true;
		if (ok && empty_source) {
			/* Terraform deletes the local state once it is in the backend. */
			const char *p = lh_state_path(src);
			if (from->type == LH_BACKEND_LOCAL && truncate(p, 0) != 0) {
				lh_diag_add(d, LH_DIAG_WARNING, NULL, 0, 0, "Failed to empty the local state",
				    "The state was copied, but %s could not be emptied; remove it by hand.", p);
			}
		}
		lh_state_close(dst);
		lh_state_close(src);
	}
	lh_backend_names_free(names, n);
	return ok;
}

static void
print_configured(const lh_backend *c)
{
	printf("\n%s%sSuccessfully configured the backend \"%s\"! litehcl will automatically\n"
	    "use this backend unless the backend configuration changes.%s\n", G, B,
	    c->type_name, R);
}

static const char *const migrate_or_reconfigure =
    "A change in the backend configuration has been detected, which may require migrating existing state.\n\n"
    "If you wish to attempt automatic migration of the state, use \"litehcl init -migrate-state\".\n"
    "If you wish to store the current configuration with no changes to the state, use \"litehcl init -reconfigure\".";

/* Moving from the default local state to backend c: a non-empty local state is copied
 * into c when go (-migrate-state / -force-copy) or the user agrees at the prompt; in a
 * script without either, init stops rather than silently leave it behind. */
static bool
bring_local_state(const lh_backend *c, const mig *m, bool go, bool input, lh_diags *d)
{
	lh_backend *l = lh_backend_local_default();
	bool any = false, ok = true;
	char **names = NULL;
	size_t n = 0;
	if (lh_backend_workspaces(l, &names, &n, d)) {
		for (size_t i = 0; i < n && !any; i++) {
			char *p = NULL;
			lh_store *st0 = NULL;
			struct stat sb;
			if (lh_backend_open(l, names[i], false, &st0, &p, d))
				any = p != NULL && stat(p, &sb) == 0 && sb.st_size > 0;
			free(p);
		}
		lh_backend_names_free(names, n);
	}
	if (any && !go && input && isatty(0))
		go = ask_yes("Do you want to copy existing state to the new backend?",
		    "  Pre-existing state was found while migrating the previous \"local\" backend to the\n"
		    "  newly configured backend. Do you want to copy this state to the new backend?\n"
		    "  Enter \"yes\" to copy and \"no\" to start with an empty state.");
	else if (any && !go) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Existing local state",
		    "This directory has a local state and the configuration now uses the \"%s\" "
		    "backend. Run litehcl init -migrate-state -force-copy to copy it into the "
		    "backend, or litehcl init -reconfigure to use the backend's own state.",
		    c->type_name);
		ok = false;
	}
	bool copied = false;
	if (ok && any && go)
		ok = migrate(l, c, m, true, &copied, d);
	lh_backend_free(l);
	return ok;
}

/* Connects to b (creating the pg schema and tables) by opening its current workspace
 * without a lock: what Terraform's Configure does on init. */
static bool
check_backend(const lh_backend *b, lh_diags *d)
{
	if (b->type == LH_BACKEND_LOCAL)
		return true;
	lh_store *s = NULL;
	char *path = NULL;
	const char *ws = lh_backend_workspace();
	bool ok = lh_backend_open(b, b->type == LH_BACKEND_HTTP ? "default" : ws, true, &s,
	    &path, d);
	if (ok && s != NULL) {
		char *text = NULL;
		size_t len = 0;
		ok = s->ops->read(s, &text, &len, d) >= 0;
		free(text);
	}
	lh_store_free(s);
	free(path);
	return ok;
}

int
lh_cmd_init(int argc, char **argv)
{
	lh_strlist bc = {0};
	bool reconfigure = false, migrate_state = false, force_copy = false, backend = true;
	bool input = true, lock = true, upgrade = false, get = true, no_color = false, help = false;
	const char *lock_timeout = NULL, *plugin_dir = NULL;
	lh_opt opts[] = {
		{"backend-config", LH_OPT_LIST, &bc},
		{"reconfigure", LH_OPT_BOOL, &reconfigure},
		{"migrate-state", LH_OPT_BOOL, &migrate_state},
		{"force-copy", LH_OPT_BOOL, &force_copy},
		{"backend", LH_OPT_BOOL, &backend},
		{"input", LH_OPT_BOOL, &input},
		{"lock", LH_OPT_BOOL, &lock},
		{"lock-timeout", LH_OPT_STRING, &lock_timeout},
		{"upgrade", LH_OPT_BOOL, &upgrade},
		{"get", LH_OPT_BOOL, &get},
		{"plugin-dir", LH_OPT_STRING, &plugin_dir},
		{"no-color", LH_OPT_BOOL, &no_color},
		{NULL, 0, NULL}};
	int npos = 0, rc = 1;
	lh_arena *a = NULL;
	lh_backend *c = NULL, *s = NULL;
	if (!lh_cli_parse("init", opts, argc - 1, argv + 1, &npos, &help))
		return 1;
	if (help) {	/* printed by lh_cli_parse from help.c's table */
		rc = 0;
		goto out;
	}
	if (npos > 0) {
		/* Terraform's words: a summary alone */
		lh_diag g = {.sev = LH_DIAG_ERROR,
		    .summary = "Too many command line arguments. Did you mean to use -chdir?"};
		lh_diag_print_one(stderr, &g, false);
		goto out;
	}
	bool color = lh_cli_color(no_color);
	if (color) {
		B = "\033[1m";
		G = "\033[32m";
		R = "\033[0m";
	}
	if (reconfigure && migrate_state) {
		fprintf(stderr, "\nError: Invalid command-line option\n\nThe -migrate-state and -reconfigure options are mutually-exclusive.\n");
		goto out;
	}
	mig m = {.lock = lock, .force_copy = force_copy, .input = input};
	a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	lh_cmd_out o = {.json = false, .color = color};
	if (lock_timeout != NULL && !lh_duration_parse(lock_timeout, &m.lock_timeout)) {
		lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid -lock-timeout",
		    "\"%s\" is not a duration such as 10s or 2m.", lock_timeout);
		goto fail;
	}
	/* The configuration: syntax and structure (variables may still be unset). */
	lh_config *cfg = lh_config_load_opts(a, ".", NULL, 0, true, &d);
	if (cfg == NULL || d.errors > 0)
		goto fail;
	printf("%sInitializing the backend...%s\n", B, R);
	fflush(stdout);
	if (backend) {
		if (!lh_backend_from_config(".", bc.v, bc.n, &c, &d) || !lh_backend_saved(&s, &d))
			goto fail;
		if (reconfigure) {
			lh_backend_free(s);
			s = NULL;
		}
		if (c == NULL && s == NULL) {
			if (reconfigure && !lh_backend_save(NULL, &d))
				goto fail;
		} else if (c == NULL) {
			/* Unsetting the backend: back to local state. */
			if (!migrate_state) {
				lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Backend configuration changed",
				    "%s", migrate_or_reconfigure);
				goto fail;
			}
			printf("litehcl has detected you're unconfiguring your previously set \"%s\" backend.\n",
			    s->type_name);
			lh_backend *l = lh_backend_local_default();
			bool copied = false;
			bool ok = migrate(s, l, &m, false, &copied, &d);
			lh_backend_free(l);
			if (!ok || !lh_backend_save(NULL, &d))
				goto fail;
			printf("\n%s%sSuccessfully unset the backend \"%s\". litehcl will now operate locally.%s\n",
			    G, B, s->type_name, R);
		} else if (s == NULL) {
			/* First configuration (or -reconfigure). */
			if (!check_backend(c, &d))
				goto fail;
			if (!reconfigure && c->type != LH_BACKEND_LOCAL && !bring_local_state(c, &m,
			    migrate_state || force_copy, input, &d))
				goto fail;
			if (!lh_backend_save(c, &d))
				goto fail;
			print_configured(c);
		} else if ((c->hash == s->hash && bc.n == 0) || lh_backend_same(c, s)) {
			/* Unchanged: check it still works; refresh the recorded hash. */
			if (!check_backend(s, &d))
				goto fail;
			if (s->hash != c->hash) {
				s->hash = c->hash;
				if (!lh_backend_save(s, &d))
					goto fail;
			}
		} else {
			if (!migrate_state) {
				lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Backend configuration changed",
				    "%s", migrate_or_reconfigure);
				goto fail;
			}
			printf("%sBackend configuration changed!%s\n\n"
			    "litehcl has detected that the configuration specified for the backend\n"
			    "has changed. litehcl will now check for existing state in the backends.\n\n", B, R);
			if (!check_backend(c, &d))
				goto fail;
			bool copied = false;
			if (!migrate(s, c, &m, false, &copied, &d))
				goto fail;
			if (!lh_backend_save(c, &d))
				goto fail;
			print_configured(c);
		}
	}
	lh_cmd_flush_warnings(&d);
	/* TF_IN_AUTOMATION (any value): the next steps for a person are left out, as
	 * Terraform leaves them out */
	const char *auto_env = getenv("TF_IN_AUTOMATION");
	if (auto_env != NULL && *auto_env) {
		printf("\n%s%slitehcl has been successfully initialized!%s%s%s\n", B, G, R, G, R);
		rc = 0;
		goto out;
	}
	printf("\n%s%slitehcl has been successfully initialized!%s%s\n", B, G, R, G);
	printf("\nYou may now begin working with litehcl. Try running \"litehcl plan\" to see\n"
	    "any changes that are required for your infrastructure. All litehcl commands\n"
	    "should now work.\n\n"
	    "If you ever set or change the backend configuration for litehcl,\n"
	    "rerun this command to reinitialize your working directory. If you forget, other\n"
	    "commands will detect it and remind you to do so if necessary.%s\n", R);
	rc = 0;
	goto out;
fail:
	lh_cmd_print_diags(&o, &d);
out:
	lh_backend_free(c);
	lh_backend_free(s);
	lh_strlist_free(&bc);
	lh_arena_free(a);
	return rc;
}
