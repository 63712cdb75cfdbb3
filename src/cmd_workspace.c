/* cmd_workspace.c - `litehcl workspace list|select|new|delete|show`: Terraform's
 * workspace commands over the configured backend (backend.h): directories under
 * terraform.tfstate.d locally, rows of the states table in pg; the http backend has
 * none and refuses, as Terraform's does.  The selection is .terraform/environment,
 * overridden by TF_WORKSPACE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "arena.h"
#include "backend.h"
#include "buf.h"
#include "cli.h"
#include "cmd_common.h"
#include "state.h"

static const char *G = "", *B = "", *Y = "", *R = "";

static const char *const env_overridden_select =
    "\nThe selected workspace is currently overridden using the TF_WORKSPACE\n"
    "environment variable.\n\n"
    "To select a new workspace, either update this environment variable or unset\n"
    "it and then run this command again.\n";

static const char *const env_overridden_new =
    "\nThe workspace is currently overridden using the TF_WORKSPACE environment\n"
    "variable. You cannot create a new workspace when using this setting.\n\n"
    "To create a new workspace, either unset this environment variable or update it\n"
    "to match the workspace name you are trying to create, and then run this command\n"
    "again.\n";

static void
usage(void)
{
	fputs("Usage: litehcl [global options] workspace\n\n"
	    "  new, list, show, select and delete litehcl workspaces.\n\n"
	    "Subcommands:\n"
	    "    delete    Delete a workspace\n"
	    "    list      List Workspaces\n"
	    "    new       Create a new workspace\n"
	    "    select    Select a workspace\n"
	    "    show      Show the name of the current workspace\n", stdout);
}

static void
invalid_name(const char *name)
{
	fprintf(stderr, "\nThe workspace name \"%s\" is not allowed. The name must contain only URL safe\n"
	    "characters, and no path separators.\n\n", name);
}

static void
does_not_exist(const char *name)
{
	fprintf(stderr, "\nWorkspace \"%s\" doesn't exist.\n\n"
	    "You can create this workspace with the \"new\" subcommand \n"
	    "or include the \"-or-create\" flag with the \"select\" subcommand.\n", name);
}

static bool
listed(char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* Creates workspace name in b (local directory / pg row with an empty state) and, with
 * state_path, copies that local state file into it. */
static bool
create_ws(const lh_backend *b, const char *name, const char *state_path, bool lock,
    double lock_timeout, lh_diags *d)
{
	lh_state_opts so = {.no_lock = !lock, .lock_timeout_s = lock_timeout,
	    .operation = "OperationTypeInvalid"};
	char *path = NULL;
	if (!lh_backend_open(b, name, true, &so.store, &path, d))
		return false;
	if (state_path == NULL) {
		lh_store_free(so.store);
		free(path);
		return true;
	}
	so.path = path;
	lh_state *dst = NULL, *src = NULL;
	bool ok = lh_state_open(&so, &dst, d);
	free(path);
	if (ok) {
		lh_state_opts sso = {.path = state_path, .no_lock = !lock,
		    .lock_timeout_s = lock_timeout, .read_only = true};
		ok = lh_state_open(&sso, &src, d) && lh_state_copy_from(dst, src, d);
	}
	lh_state_close(src);
	lh_state_close(dst);
	return ok;
}

int
lh_cmd_workspace(int argc, char **argv)
{
	bool help = false, or_create = false, force = false, lock = true, no_color = false;
	const char *lock_timeout = NULL, *state_path = NULL;
	lh_opt opts[] = {
		{"or-create", LH_OPT_BOOL, &or_create},
		{"force", LH_OPT_BOOL, &force},
		{"lock", LH_OPT_BOOL, &lock},
		{"lock-timeout", LH_OPT_STRING, &lock_timeout},
		{"state", LH_OPT_STRING, &state_path},
		{"no-color", LH_OPT_BOOL, &no_color},
		{NULL, 0, NULL}};
	if (argc < 2 || strcmp(argv[1], "-help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		usage();
		return argc < 2 ? 1 : 0;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "list") != 0 && strcmp(sub, "select") != 0 && strcmp(sub, "new") != 0 &&
	    strcmp(sub, "delete") != 0 && strcmp(sub, "show") != 0) {
		fprintf(stderr, "Error: unknown workspace subcommand \"%s\"\n\n", sub);
		usage();
		return 1;
	}
	char *cmdname = lh_xprintf("workspace %s", sub);
	int npos = 0;
	bool parsed = lh_cli_parse(cmdname, opts, argc - 2, argv + 2, &npos, &help);
	free(cmdname);
	if (!parsed)
		return 1;
	if (help)	/* lh_cli_parse printed the subcommand's help (help.c) */
		return 0;
	if (lh_cli_color(no_color)) {
		G = "\033[32m";
		B = "\033[1m";
		Y = "\033[33m";
		R = "\033[0m";
	}
	char **pos = argv + 2;
	bool needs_name = strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0;
	if ((needs_name && npos != 1) || (!needs_name && npos != 0)) {
		fprintf(stderr, needs_name ? "Expected a single argument: NAME.\n\n" :
		    "Error: unexpected argument: %s\n\n", needs_name ? "" : pos[0]);
		return 1;
	}
	const char *current = lh_backend_workspace();
	char cur[256];
	snprintf(cur, sizeof cur, "%s", current);
	if (strcmp(sub, "show") == 0) {
		printf("%s\n", cur);
		return 0;
	}
	const char *name = needs_name ? pos[0] : NULL;
	if (name != NULL && !lh_backend_workspace_name_valid(name)) {
		invalid_name(name);
		return 1;
	}
	if (strcmp(sub, "select") == 0 && lh_backend_workspace_overridden()) {
		fputs(env_overridden_select, stderr);
		return 1;
	}
	if (strcmp(sub, "new") == 0 && lh_backend_workspace_overridden() && strcmp(name, cur) != 0) {
		fputs(env_overridden_new, stderr);
		return 1;
	}
	lh_arena *a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	lh_cmd_out o = {.color = *G != '\0', .ui = true};
	lh_backend *b = NULL;
	char **names = NULL;
	size_t n = 0;
	int rc = 1;
	double lt = 0;
	if (lock_timeout != NULL && !lh_duration_parse(lock_timeout, &lt)) {
		lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid -lock-timeout",
		    "\"%s\" is not a duration such as 10s or 2m.", lock_timeout);
		goto fail;
	}
	if (!lh_backend_current(&b, &d) || !lh_backend_workspaces(b, &names, &n, &d))
		goto fail;
	if (strcmp(sub, "list") == 0) {
		for (size_t i = 0; i < n; i++)
			printf("%s%s\n", strcmp(names[i], cur) == 0 ? "* " : "  ", names[i]);
		printf("\n");
		if (lh_backend_workspace_overridden())
			printf("\n\nThe active workspace is being overridden using the TF_WORKSPACE environment\nvariable.\n\n");
		rc = 0;
	} else if (strcmp(sub, "select") == 0) {
		if (!listed(names, n, name)) {
			if (!or_create) {
				does_not_exist(name);
				goto out;
			}
			if (!create_ws(b, name, NULL, lock, lt, &d))
				goto fail;
		}
		if (!lh_backend_workspace_select(name, &d))
			goto fail;
		printf("%sSwitched to workspace \"%s\".%s\n", G, name, R);
		rc = 0;
	} else if (strcmp(sub, "new") == 0) {
		if (listed(names, n, name)) {
			fprintf(stderr, "Workspace \"%s\" already exists\n", name);
			goto out;
		}
		if (!create_ws(b, name, state_path, lock, lt, &d) ||
		    !lh_backend_workspace_select(name, &d))
			goto fail;
		printf("%s%sCreated and switched to workspace \"%s\"!%s%s\n\n"
		    "You're now on a new, empty workspace. Workspaces isolate their state,\n"
		    "so if you run \"litehcl plan\" litehcl will not see any existing state\n"
		    "for this configuration.%s\n", G, B, name, R, G, R);
		rc = 0;
	} else {
		if (!listed(names, n, name)) {
			does_not_exist(name);
			goto out;
		}
		if (strcmp(name, cur) == 0) {
			fprintf(stderr, "\nWorkspace \"%s\" is your active workspace.\n\n"
			    "You cannot delete the currently active workspace. Please switch\n"
			    "to another workspace and try again.\n", name);
			goto out;
		}
		lh_state_opts so = {.no_lock = !lock, .lock_timeout_s = lt, .read_only = true,
		    .operation = "OperationTypeInvalid"};
		char *path = NULL;
		lh_state *st = NULL;
		if (!lh_backend_open(b, name, false, &so.store, &path, &d))
			goto fail;
		so.path = path;
		bool ok = lh_state_open(&so, &st, &d);
		free(path);
		if (!ok)
			goto fail;
		size_t count = lh_state_count(st);
		if (count > 0 && !force) {
			lh_buf list = {0};
			for (size_t i = 0; i < count; i++) {
				char *addr = lh_addr_format(a, &lh_state_at(st, i)->addr);
				lh_buf_printf(&list, "\n  - %s", addr);
			}
			lh_state_close(st);
			lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Workspace is not empty",
			    "Workspace \"%s\" is currently tracking the following resource instances:%s\n\n"
			    "Deleting this workspace would cause litehcl to lose track of any associated remote objects, which would then require you to delete them manually outside of litehcl. You should destroy these objects with litehcl before deleting the workspace.\n\n"
			    "If you want to delete this workspace anyway, and have litehcl forget about these managed objects, use the -force option to disable this safety check.",
			    name, list.p ? list.p : "");
			free(list.p);
			goto fail;
		}
		/* Unlock just before deleting, as Terraform does. */
		lh_state_close(st);
		if (!lh_backend_workspace_delete(b, name, &d))
			goto fail;
		printf("%sDeleted workspace \"%s\"!%s\n", G, name, R);
		if (count > 0)
			printf("%sWARNING: \"%s\" was non-empty.\nThe resources managed by the deleted workspace may still exist,\n"
			    "but are no longer manageable by litehcl since the state has\nbeen deleted.%s\n",
			    Y, name, R);
		rc = 0;
	}
	goto out;
fail:
	lh_cmd_print_diags(&o, &d);
out:
	lh_backend_names_free(names, n);
	lh_backend_free(b);
	lh_arena_free(a);
	return rc;
}
