/* cmd_state.c - `state list [ADDR...]`, `state show ADDR`, `state rm ADDR...`: inspect
 * and edit the state.  rm takes the lock and saves (with a backup) like apply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_common.h"
#include "render.h"
#include "state.h"

static bool
parse_addrs(lh_arena *a, int n, char **v, lh_addr *out, lh_diags *d)
{
	for (int i = 0; i < n; i++) {
		const char *err = NULL;
		if (!lh_addr_parse(a, v[i], &out[i], &err)) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid address", "%s: %s", v[i], err);
			return false;
		}
	}
	return true;
}

int
lh_cmd_state(int argc, char **argv)
{
	const char *state_path = NULL, *lock_timeout = NULL, *backup = NULL;
	bool lock = true, no_color = false, help = false, dry_run = false;
	lh_opt opts[] = {
		{"state", LH_OPT_STRING, &state_path},
		{"lock", LH_OPT_BOOL, &lock},
		{"lock-timeout", LH_OPT_STRING, &lock_timeout},
		{"no-color", LH_OPT_BOOL, &no_color},
		{"dry-run", LH_OPT_BOOL, &dry_run},
		{"backup", LH_OPT_STRING, &backup},
		{NULL, 0, NULL}
	};
	int rc = 1;
	lh_arena *a = NULL;
	lh_state *st = NULL;
	lh_cmd_out o = {0};
	lh_diags d;
	if (argc < 2 || strcmp(argv[1], "-help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		FILE *f = argc < 2 ? stderr : stdout;
		fputs("Usage: litehcl [global options] state <subcommand> [options] [args]\n\n"
		    "Subcommands:\n"
		    "    list    List resources in the state\n"
		    "    rm      Remove instances from the state\n"
		    "    show    Show a resource in the state\n", f);
		return argc < 2 ? 1 : 0;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 && strcmp(sub, "rm") != 0) {
		fprintf(stderr, "Error: unknown state subcommand: %s\ntry 'litehcl state -help'\n", sub);
		return 1;
	}
	char cmdname[32];
	snprintf(cmdname, sizeof cmdname, "state %s", sub);
	int npos = 0;
	if (!lh_cli_parse(cmdname, opts, argc - 2, argv + 2, &npos, &help))
		return 1;
	char **pos = argv + 2;
	if (help) {
		printf("Usage: litehcl [global options] state %s [options] %s\n", sub,
		    strcmp(sub, "list") == 0 ? "[ADDR...]" : strcmp(sub, "show") == 0 ? "ADDR" :
		    "ADDR...");
		return 0;
	}
	o.color = lh_cli_color(no_color);
	a = lh_arena_new();
	lh_diags_init(&d, a);
	lh_addr *addrs = lh_arena_alloc(a, ((size_t)npos + 1) * sizeof *addrs);
	if (!parse_addrs(a, npos, pos, addrs, &d))
		goto fail;
	if (strcmp(sub, "show") == 0 && npos != 1) {
		fprintf(stderr, "Error: state show needs exactly one address\n"
		    "try 'litehcl state show -help'\n");
		goto out;
	}
	if (strcmp(sub, "rm") == 0 && npos < 1) {
		fprintf(stderr, "Error: state rm needs at least one address\n"
		    "try 'litehcl state rm -help'\n");
		goto out;
	}
	bool rm = strcmp(sub, "rm") == 0;
	if (!lh_cmd_open_state(state_path, rm && lock, lock_timeout, "OperationTypeInvalid",
	    !rm || dry_run, &st, &d))
		goto fail;
	/* an interrupted apply's unrecorded creates are looked up first (QA F4); rm saves
	 * the state, which must not drop them */
	if (!lh_cmd_resolve_intents(a, st, !rm || dry_run, &d) && rm && !dry_run)
		goto fail;
	lh_cmd_flush_warnings(&d);
	if (strcmp(sub, "list") == 0) {
		for (size_t i = 0; i < lh_state_count(st); i++) {
			lh_state_inst *si = lh_state_at(st, i);
			bool hit = npos == 0;
			for (int k = 0; k < npos && !hit; k++)
				hit = lh_addr_match(&addrs[k], &si->addr);
			if (hit)
				printf("%s\n", lh_addr_format(a, &si->addr));
		}
		rc = 0;
		goto out;
	}
	if (strcmp(sub, "show") == 0) {
		lh_state_inst *si = lh_state_find(st, &addrs[0]);
		if (si == NULL) {
			lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "No instance found for the given "
			    "address", "This command requires that the address references one "
			    "specific instance. %s is not in the state.", pos[0]);
			goto fail;
		}
		lh_render_opts ro = {.color = o.color};
		lh_render_state_instance(stdout, pos[0], si->addr.type, si->addr.name,
		    si->attributes, si->sensitive_attributes, &ro);
		rc = 0;
		goto out;
	}
	/* rm */
	size_t removed = 0;
	for (int k = 0; k < npos; k++) {
		bool any = false;
		for (size_t i = 0; i < lh_state_count(st);) {
			lh_state_inst *si = lh_state_at(st, i);
			if (!lh_addr_match(&addrs[k], &si->addr)) {
				i++;
				continue;
			}
			any = true;
			char *as = lh_addr_format(a, &si->addr);
			printf("%s %s\n", dry_run ? "Would remove" : "Removed", as);
			if (dry_run) {
				i++;
			} else {
				lh_addr copy = si->addr;
				copy.type = lh_arena_strdup(a, si->addr.type);
				copy.name = lh_arena_strdup(a, si->addr.name);
				if (si->addr.key)
					copy.key = lh_arena_strdup(a, si->addr.key);
				lh_state_remove(st, &copy);
			}
			removed++;
		}
		if (!any) {
			lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid target address",
			    "No matching objects found. To view the available instances, use "
			    "\"litehcl state list\". Please modify the address to reference a "
			    "specific instance: %s", pos[k]);
			goto fail;
		}
	}
	if (!dry_run && !lh_state_save(st, &d))
		goto fail;
	if (dry_run)
		printf("Would have removed %zu resource instance(s).\n", removed);
	else
		printf("Successfully removed %zu resource instance(s).\n", removed);
	rc = 0;
	goto out;
fail:
	lh_cmd_print_diags(&o, &d);
	rc = 1;
out:
	lh_state_close(st);
	lh_arena_free(a);
	return rc;
}
