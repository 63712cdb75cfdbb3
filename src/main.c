/* main.c - argv to command: global flags (-chdir, -help, -version), then dispatch to
 * the command's lh_cmd_* function (cmd_*.c). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

typedef struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;	/* one line for the command list */
} command;

static const command commands[] = {
	{"validate", lh_cmd_validate, "Check whether the configuration is valid"},
	{"plan", lh_cmd_plan, "Show changes required by the current configuration"},
	{"apply", lh_cmd_apply, "Create or update LiteLLM users"},
	{"destroy", lh_cmd_destroy, "Destroy previously-created users"},
	{"import", lh_cmd_import, "Associate existing LiteLLM users with litehcl resources"},
	{"show", lh_cmd_show, "Show the current state or a saved plan"},
	{"state", lh_cmd_state, "Advanced state management"},
	{"refresh", lh_cmd_refresh, "Update the state to match remote systems"},
	{"taint", lh_cmd_taint, "Mark a resource instance as not fully functional"},
	{"untaint", lh_cmd_untaint, "Remove the 'tainted' state from a resource instance"},
	{"output", lh_cmd_output, "Show output values from your root module"},
	{"console", lh_cmd_console, "Try litehcl expressions at an interactive command prompt"},
	{"fmt", lh_cmd_fmt, "Reformat your configuration in the standard style"},
	{"hcl2json", lh_cmd_hcl2json, "Print the syntax of HCL files as JSON"},
	{"version", lh_cmd_version, "Show the current litehcl version"},
	{NULL, NULL, NULL}
};

static void
usage(FILE *f)
{
	fputs("Usage: litehcl [global options] <subcommand> [args]\n\n"
	    "litehcl manages LiteLLM users the Terraform way: plan, apply, import.\n\n"
	    "Main commands:\n", f);
	for (const command *c = commands; c->name != NULL; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->help);
	fputs("\nGlobal options (use these before the subcommand, if any):\n"
	    "  -chdir=DIR    Switch to a different working directory before executing the\n"
	    "                given subcommand.\n"
	    "  -help         Show this help output, or the help for a specified subcommand.\n"
	    "  -version      An alias for the \"version\" subcommand.\n", f);
}

int
lh_cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("litehcl v%s\non linux_amd64\n", LH_VERSION);
	return 0;
}

int
main(int argc, char **argv)
{
	/* A closed pipe (litehcl plan | head) must not kill us mid-write of the state. */
	signal(SIGPIPE, SIG_IGN);
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i] + 1;
		if (*a == '-')
			a++;
		if (strncmp(a, "chdir=", 6) == 0 || strcmp(a, "chdir") == 0) {
			const char *dir = a[5] == '=' ? a + 6 : (i + 1 < argc ? argv[++i] : NULL);
			if (dir == NULL || *dir == '\0') {
				fputs("Error: -chdir needs a directory\ntry 'litehcl -help'\n", stderr);
				return 1;
			}
			if (chdir(dir) != 0) {
				fprintf(stderr, "Error: Invalid -chdir option: cannot change to %s: %s\n",
				    dir, strerror(errno));
				return 1;
			}
		} else if (strcmp(a, "help") == 0 || strcmp(a, "h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "version") == 0 || strcmp(a, "v") == 0) {
			return lh_cmd_version(0, NULL);
		} else {
			fprintf(stderr, "Error: unknown global flag: %s\ntry 'litehcl -help'\n", argv[i]);
			return 1;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 1;
	}
	for (const command *c = commands; c->name != NULL; c++)
		if (strcmp(c->name, argv[i]) == 0)
			return c->fn(argc - i, argv + i);
	fprintf(stderr, "Error: unknown command: %s\ntry 'litehcl -help'\n", argv[i]);
	return 1;
}
