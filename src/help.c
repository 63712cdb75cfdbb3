/* help.c - the help of every command (see help.h), in Terraform's layout:
 *
 *   Usage: litehcl [global options] plan [options]
 *
 *     Generates a speculative execution plan, ...
 *
 *   Options:
 *
 *     -destroy            Select the "destroy" planning mode, ...
 *                         ...continued at the same column.
 *
 * The table below is the one place that says which flags a command takes. */
#include "help.h"

#include <string.h>

#include "diag.h"
#include "resource.h"

#define WIDTH 78

/* Options shared by plan, apply and destroy. */
#define OPT_DESTROY {"-destroy", "Select the \"destroy\" planning mode, which creates a plan to " \
	"destroy all objects currently managed by this configuration instead of the usual " \
	"behavior."}
#define OPT_REFRESH_ONLY {"-refresh-only", "Select the \"refresh only\" planning mode, which " \
	"checks whether remote objects still match the outcome of the most recent apply but " \
	"does not propose any actions to undo any changes made outside of litehcl."}
#define OPT_REFRESH {"-refresh=false", "Skip checking for external changes to remote objects " \
	"while creating the plan. This can potentially make planning faster, but at the " \
	"expense of possibly planning against a stale record of the remote system state."}
#define OPT_REPLACE {"-replace=resource", "Force replacement of a particular resource instance " \
	"using its resource address. If the plan would've normally produced an update or no-op " \
	"action for this instance, litehcl will plan to replace it instead. You can use this " \
	"option multiple times to replace more than one object."}
#define OPT_TARGET {"-target=resource", "Limit the planning operation to only the given " \
	"resource or resource instance and all of its dependencies. You can use this option " \
	"multiple times to include more than one object. This is for exceptional use only."}
#define OPT_VAR {"-var 'foo=bar'", "Set a value for one of the input variables in the root " \
	"module of the configuration. Use this option more than once to set more than one " \
	"variable."}
#define OPT_VAR_FILE {"-var-file=filename", "Load variable values from the given file, in " \
	"addition to the default files terraform.tfvars and *.auto.tfvars. Use this option " \
	"more than once to include more than one variables file."}
#define OPT_COMPACT {"-compact-warnings", "If litehcl produces any warnings that are not " \
	"accompanied by errors, shows them in a more compact form that includes only the " \
	"summary messages."}
#define OPT_INPUT {"-input=true", "Ask for input for variables if not directly set. " \
	"litehcl never prompts for variables, so -input=false changes nothing; it is " \
	"accepted for scripts written for Terraform."}
#define OPT_LOCK {"-lock=false", "Don't hold a state lock during the operation. This is " \
	"dangerous if others might concurrently run commands against the same state."}
#define OPT_LOCK_TIMEOUT {"-lock-timeout=0s", "Duration to retry a state lock."}
#define OPT_NO_COLOR {"-no-color", "If specified, output won't contain any color."}
#define OPT_JSON_UI {"-json", "Print machine-readable output: one JSON object per line, " \
	"as Terraform's -json. Implies -input=false."}
#define OPT_PARALLELISM {"-parallelism=n", "Limit the number of concurrent operations. " \
	"Defaults to 10."}
#define OPT_STATE_RW {"-state=path", "Path to read and save state. Defaults to " \
	"\"terraform.tfstate\"."}
#define OPT_END {NULL, NULL}

static const lh_help_opt plan_opts[] = {
	{NULL, "Plan Customization Options"},
	OPT_DESTROY, OPT_REFRESH_ONLY, OPT_REFRESH, OPT_REPLACE, OPT_TARGET, OPT_VAR,
	OPT_VAR_FILE,
	{NULL, "Other Options"},
	OPT_COMPACT,
	{"-detailed-exitcode", "Return detailed exit codes when the command exits. This will "
	    "change the meaning of exit codes to:\n"
	    "0 - Succeeded, diff is empty (no changes)\n"
	    "1 - Errored\n"
	    "2 - Succeeded, there is a diff"},
	OPT_INPUT, OPT_LOCK, OPT_LOCK_TIMEOUT, OPT_NO_COLOR,
	{"-generate-config-out=path", "(Experimental) If import blocks are present in "
	    "configuration, instructs litehcl to generate HCL for any imported resources not "
	    "already present. The configuration is written to a new file at PATH, which must "
	    "not already exist."},
	{"-out=path", "Write a plan file to the given path. This can be used as input to the "
	    "\"apply\" command."},
	OPT_PARALLELISM,
	{"-state=statefile", "Path to the state file to plan against. Defaults to "
	    "\"terraform.tfstate\"."},
	OPT_JSON_UI,
	OPT_END
};

static const lh_help_opt apply_opts[] = {
	{"-auto-approve", "Skip interactive approval of plan before applying."},
	OPT_COMPACT,
	{"-destroy", "Destroy every LiteLLM object this configuration manages. The command "
	    "\"litehcl destroy\" is a convenience alias for this option."},
	OPT_LOCK, OPT_LOCK_TIMEOUT, OPT_INPUT, OPT_NO_COLOR, OPT_PARALLELISM, OPT_STATE_RW,
	OPT_VAR, OPT_VAR_FILE, OPT_JSON_UI,
	{"-refresh=false", "Skip checking for external changes to remote objects (see "
	    "\"litehcl plan -help\")."},
	{"-refresh-only", "Only update the state to match the remote objects (see \"litehcl "
	    "plan -help\")."},
	{"-replace=resource", "Force replacement of the given resource instance (see "
	    "\"litehcl plan -help\")."},
	{"-target=resource", "Limit the operation to the given resource instances and their "
	    "dependencies (see \"litehcl plan -help\")."},
	OPT_END
};

static const lh_help_opt destroy_opts[] = {
	{"-auto-approve", "Skip interactive approval before destroying."},
	OPT_COMPACT, OPT_LOCK, OPT_LOCK_TIMEOUT, OPT_INPUT, OPT_NO_COLOR, OPT_PARALLELISM,
	OPT_STATE_RW, OPT_VAR, OPT_VAR_FILE, OPT_JSON_UI,
	{"-refresh=false", "Skip checking for external changes to remote objects before "
	    "destroying them."},
	{"-target=resource", "Destroy only the given resource instances and the ones that "
	    "depend on them."},
	OPT_END
};

static const lh_help_opt validate_opts[] = {
	{"-json", "Produce output in a machine-readable JSON format, suitable for use in text "
	    "editor integrations and other automated systems. Always disables color."},
	OPT_NO_COLOR,
	OPT_VAR, OPT_VAR_FILE,
	{"-compact-warnings", NULL},	/* accepted, not listed: Terraform's validate */
	OPT_END
};

static const lh_help_opt refresh_opts[] = {
	OPT_COMPACT, OPT_INPUT, OPT_LOCK, OPT_LOCK_TIMEOUT, OPT_NO_COLOR, OPT_PARALLELISM,
	OPT_STATE_RW,
	{"-target=resource", "Resource to target. Operation will be limited to this resource "
	    "and its dependencies. This flag can be used multiple times."},
	OPT_VAR, OPT_VAR_FILE, OPT_JSON_UI,
	OPT_END
};

#define OPT_WS_LOCK {"-lock=false", "Don't hold a state lock during the operation. This is " \
	"dangerous if others might concurrently run commands against the same workspace."}

static const lh_help_opt ws_new_opts[] = {
	OPT_WS_LOCK, OPT_LOCK_TIMEOUT,
	{"-state=path", "Copy an existing state file into the new workspace."},
	OPT_END
};

static const lh_help_opt ws_delete_opts[] = {
	{"-force", "Remove a workspace even if it is managing resources. litehcl can no "
	    "longer track or manage the workspace's LiteLLM objects."},
	OPT_WS_LOCK, OPT_LOCK_TIMEOUT,
	OPT_END
};

static const lh_help_opt ws_select_opts[] = {
	{"-or-create=false", "Create the litehcl workspace if it doesn't exist."},
	OPT_END
};

static const lh_help_opt import_opts[] = {
	{"-input=false", "Disable interactive input prompts (litehcl never prompts; "
	    "accepted for scripts written for Terraform)."},
	OPT_LOCK, OPT_LOCK_TIMEOUT, OPT_NO_COLOR,
	{"-parallelism=n", "Limit the number of concurrent requests while refreshing. "
	    "Defaults to 10."},
	{"-state=path", "Path to the state file to update. Defaults to "
	    "\"terraform.tfstate\"."},
	{"-var 'foo=bar'", "Set a variable in the configuration. This flag can be set "
	    "multiple times."},
	{"-var-file=foo", "Set variables in the configuration from a file. If "
	    "\"terraform.tfvars\" or any \".auto.tfvars\" files are present, they will be "
	    "automatically loaded."},
	OPT_END
};

static const lh_help_opt show_opts[] = {
	OPT_NO_COLOR,
	{"-json", "If specified, output the plan or state in a machine-readable form."},
	{"-state=path", "Path to the state file to show. Defaults to \"terraform.tfstate\"."},
	OPT_END
};

static const lh_help_opt output_opts[] = {
	{"-state=path", "Path to the state file to read. Defaults to \"terraform.tfstate\"."},
	OPT_NO_COLOR,
	{"-json", "If specified, machine readable output will be printed in JSON format."},
	{"-raw", "For value types that can be automatically converted to a string, will print "
	    "the raw string directly, rather than a human-oriented representation of the "
	    "value."},
	OPT_END
};

static const lh_help_opt console_opts[] = {
	{"-state=path", "Path to the state file whose values the expressions can refer to. "
	    "Defaults to \"terraform.tfstate\"."},
	{"-var 'foo=bar'", "Set a variable in the configuration. This flag can be set "
	    "multiple times."},
	{"-var-file=foo", "Set variables in the configuration from a file. If "
	    "\"terraform.tfvars\" or any \".auto.tfvars\" files are present, they will be "
	    "automatically loaded."},
	OPT_NO_COLOR,
	OPT_END
};

static const lh_help_opt hcl2json_opts[] = {
	{"-ast", "Print the parser's syntax tree instead of the hcl2json layout."},
	{"-expr", "Read each argument as an expression instead of a file."},
	{"-template", "Read each argument as a string template instead of a file."},
	{"-ranges", "Include the source range of every node (with -ast)."},
	{"-bench", "Parse the file repeatedly and print the parse speed."},
	OPT_END
};

static const lh_help_opt version_opts[] = {
	{"-json", "Output the version information as a JSON object."},
	OPT_END
};

static const lh_help_opt init_opts[] = {
	{"-backend=false", "Disable backend initialization for this configuration and use what "
	    "was previously initialized instead."},
	{"-backend-config=path", "Configuration to be merged with what is in the configuration "
	    "file's 'backend' block. This can be either a path to an HCL file with key/value "
	    "assignments (same format as terraform.tfvars) or a 'key=value' format, and can be "
	    "specified multiple times. The backend type must be in the configuration itself. "
	    "Prefer the environment variables (PG_CONN_STR, TF_HTTP_PASSWORD) for credentials: "
	    "what is given here is recorded in .terraform/terraform.tfstate."},
	{"-force-copy", "Suppress prompts about copying state data when initializing a new "
	    "state backend. This is equivalent to providing a \"yes\" to all confirmation "
	    "prompts."},
	{"-get=false", "Accepted for Terraform compatibility; litehcl has no modules to "
	    "download."},
	{"-input=false", "Disable interactive prompts."},
	{"-lock=false", "Don't hold a state lock during backend migration. This is dangerous "
	    "if others might concurrently run commands against the same workspace."},
	{"-lock-timeout=0s", "Duration to retry a state lock."},
	{"-migrate-state", "Reconfigure a backend, and attempt to migrate any existing state."},
	{"-no-color", "If specified, output won't contain any color."},
	{"-plugin-dir", "Accepted for Terraform compatibility; litehcl installs no plugins."},
	{"-reconfigure", "Reconfigure a backend, ignoring any saved configuration."},
	{"-upgrade", "Accepted for Terraform compatibility; there is nothing to upgrade."},
	OPT_END
};

/* import: the ID each resource type takes (resource.h's registry) */
static void
import_forms(FILE *f)
{
	fputs("\n  ID is, by resource type:\n", f);
	for (const lh_rtype *const *t = lh_rtypes(); *t != NULL; t++) {
		fprintf(f, "    %-20s ", (*t)->type_name);
		const char *forms = (*t)->import_forms ? (*t)->import_forms : "ID";
		lh_diag_wrap_line(f, forms, strlen(forms), 25, 78, 25);
	}
}

static const lh_help table[] = {
	{"init", LH_HELP_MAIN, "Prepare your working directory for other commands",
	    "init [options]",
	    "Initialize a new or existing litehcl working directory: check the configuration "
	    "and set up the backend that stores the state (\"local\", \"pg\" or \"http\", "
	    "from the terraform block's backend block, completed by -backend-config and the "
	    "backend's environment variables).\n\n"
	    "This is the first command that should be run for any new or existing litehcl "
	    "configuration per machine. It is safe to run it multiple times. litehcl has no "
	    "providers or modules to install: init never downloads anything.",
	    init_opts, NULL, false, NULL},
	{"validate", LH_HELP_MAIN, "Check whether the configuration is valid",
	    "validate [options]",
	    "Validate the configuration files in the working directory, referring only to the "
	    "configuration and not accessing any LiteLLM server.\n\n"
	    "Validate runs checks that verify whether a configuration is syntactically valid "
	    "and internally consistent: references, types, and the rules of each resource "
	    "type (a user's role, a budget that is not negative).\n\n"
	    "To verify configuration in the context of a particular run (input variable "
	    "values, the current state), use the 'litehcl plan' command instead, which "
	    "includes an implied validation check.",
	    validate_opts, NULL, false, NULL},
	{"plan", LH_HELP_MAIN, "Show changes required by the current configuration",
	    "plan [options]",
	    "Generates a speculative execution plan, showing what actions litehcl would take "
	    "to apply the current configuration. This command will not actually perform the "
	    "planned actions.\n\n"
	    "You can optionally save the plan to a file, which you can then pass to the "
	    "\"apply\" command to perform exactly the actions described in the plan.",
	    plan_opts, NULL, false, NULL},
	{"apply", LH_HELP_MAIN, "Create or update LiteLLM users and teams",
	    "apply [options] [PLAN]",
	    "Creates or updates LiteLLM objects according to the configuration files in the "
	    "current directory.\n\n"
	    "By default, litehcl will generate a new plan and present it for your approval "
	    "before taking any action. You can optionally provide a plan file created by a "
	    "previous call to \"litehcl plan\", in which case litehcl will take the actions "
	    "described in that plan without any confirmation prompt.",
	    apply_opts,
	    "If you don't provide a saved plan file then this command will also accept the "
	    "plan-customization options of the plan command. For more information on those "
	    "options, run:\n"
	    "    litehcl plan -help", false, NULL},
	{"destroy", LH_HELP_MAIN, "Destroy previously-created LiteLLM objects",
	    "destroy [options]",
	    "Destroy every LiteLLM object this configuration manages.\n\n"
	    "This command is a convenience alias for:\n"
	    "    litehcl apply -destroy",
	    destroy_opts, NULL, false, NULL},
	{"console", LH_HELP_OTHER, "Try litehcl expressions at an interactive command prompt",
	    "console [options]",
	    "Reads expressions from standard input, one per line, and prints each value the "
	    "way terraform console does. Expressions can refer to the configuration's "
	    "variables, locals and resources (as recorded in the state).\n\n"
	    "With piped input, as terraform console: every line is evaluated, only the "
	    "last line's value is printed, and the first error stops the command with exit "
	    "status 1.\n\n"
	    "This command will never modify your state.",
	    console_opts, NULL, false, NULL},
	{"hcl2json", LH_HELP_OTHER, "Print the syntax of HCL files as JSON",
	    "hcl2json [options] FILE...",
	    "Prints the syntax of each HCL file as JSON, in the layout of the hcl2json "
	    "converter: blocks nest by type and labels, literals become JSON values and every "
	    "other expression becomes \"${SOURCE}\". With one file the document is indented; "
	    "with several, each file's document is printed compactly on its own line. Exits 1 "
	    "if a file cannot be read or parsed.",
	    hcl2json_opts, NULL, false, NULL},
	{"import", LH_HELP_OTHER, "Associate existing LiteLLM objects with litehcl resources",
	    "import [options] ADDR ID",
	    "Import an existing LiteLLM object into your state, allowing it to come under "
	    "litehcl management without having to be initially created by litehcl.\n\n"
	    "ADDR is the address of a resource block in the configuration to import the "
	    "object to, such as litellm_user.alice or litellm_user.team[\"bob\"]. ID is the "
	    "object's id on the server (listed below). With ID alone, the object is imported "
	    "to the one resource block that designates it.\n\n"
	    "This command will not modify your LiteLLM objects, but it will make network "
	    "requests to read the object being imported.",
	    import_opts, NULL, false, import_forms},
	{"output", LH_HELP_OTHER, "Show output values from your root module",
	    "output [options] [NAME]",
	    "Reads an output variable from a state file and prints the value. With no "
	    "additional arguments, output will display all the outputs for the root module. "
	    "If NAME is not specified, all outputs are printed.",
	    output_opts, NULL, false, NULL},
	{"show", LH_HELP_OTHER, "Show the current state or a saved plan",
	    "show [options] [path]",
	    "Reads and outputs a state or plan file in a human-readable form. If no path is "
	    "specified, the current state will be shown.",
	    show_opts, NULL, false, NULL},
	{"version", LH_HELP_OTHER, "Show the current litehcl version",
	    "version [options]",
	    "Displays the version of litehcl and the platform it runs on.",
	    version_opts, NULL, false, NULL},
	{"refresh", LH_HELP_OTHER, "Update the state to match remote systems",
	    "refresh [options]",
	    "Update the state file of your infrastructure with metadata that matches the "
	    "LiteLLM proxy.\n\n"
	    "This will not modify the proxy, but can modify the state file to update metadata. "
	    "This metadata might cause new changes to occur when you generate a plan or call "
	    "apply next.\n\n"
	    "This command is the same as \"litehcl apply -refresh-only -auto-approve\"; prefer "
	    "that spelling, which lets you review the changes first when you leave out "
	    "-auto-approve.",
	    refresh_opts, NULL, false, NULL},
	{"workspace delete", LH_HELP_SUB, "Delete a workspace",
	    "workspace delete [OPTIONS] NAME",
	    "Delete a litehcl workspace.", ws_delete_opts, NULL, false, NULL},
	{"workspace list", LH_HELP_SUB, "List Workspaces",
	    "workspace list",
	    "List litehcl workspaces.", NULL, NULL, false, NULL},
	{"workspace new", LH_HELP_SUB, "Create a new workspace",
	    "workspace new [OPTIONS] NAME",
	    "Create a new litehcl workspace.", ws_new_opts, NULL, false, NULL},
	{"workspace select", LH_HELP_SUB, "Select a workspace",
	    "workspace select NAME",
	    "Select a different litehcl workspace.", ws_select_opts, NULL, false, NULL},
	{"workspace show", LH_HELP_SUB, "Show the name of the current workspace",
	    "workspace show",
	    "Show the name of the current workspace.", NULL, NULL, false, NULL},
	/* Commands that print their own help (cmd_fmt.c, cmd_state.c): usage NULL. */
	{"force-unlock", LH_HELP_OTHER, "Release a stuck lock on the current workspace", NULL,
	    NULL, NULL, NULL, false, NULL},
	{"adopt", LH_HELP_OTHER, "Write import and resource blocks for a proxy's unmanaged objects",
	    NULL, NULL, NULL, NULL, false, NULL},
	{"fmt", LH_HELP_OTHER, "Reformat your configuration in the standard style", NULL, NULL,
	    NULL, NULL, false, NULL},
	{"state", LH_HELP_OTHER, "Advanced state management", NULL, NULL, NULL, NULL, false, NULL},
	{"taint", LH_HELP_OTHER, "Mark a resource instance as not fully functional", NULL, NULL,
	    NULL, NULL, false, NULL},
	{"untaint", LH_HELP_OTHER, "Remove the 'tainted' state from a resource instance", NULL,
	    NULL, NULL, NULL, false, NULL},
	{"workspace", LH_HELP_OTHER, "Workspace management", NULL, NULL, NULL, NULL, false, NULL},
	{"state list", LH_HELP_SUB, "List resources in the state", NULL, NULL, NULL, NULL, false, NULL},
	{"state mv", LH_HELP_SUB, "Move an item in the state", NULL, NULL, NULL, NULL, false, NULL},
	{"state pull", LH_HELP_SUB, "Pull current state and output to stdout", NULL, NULL, NULL,
	    NULL, false, NULL},
	{"state push", LH_HELP_SUB, "Update remote state from a local state file", NULL, NULL,
	    NULL, NULL, false, NULL},
	{"state replace-provider", LH_HELP_SUB, "Replace provider in the state", NULL, NULL,
	    NULL, NULL, false, NULL},
	{"state rm", LH_HELP_SUB, "Remove instances from the state", NULL, NULL, NULL, NULL,
	    false, NULL},
	{"state show", LH_HELP_SUB, "Show a resource in the state", NULL, NULL, NULL, NULL,
	    false, NULL},
};

#define NTABLE (sizeof table / sizeof table[0])

const lh_help *
lh_help_find(const char *name)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

const lh_help *
lh_help_all(size_t *n)
{
	*n = NTABLE;
	return table;
}

/* Display width of s[0..n): UTF-8 continuation bytes take no column. */
static int
cols(const char *s, size_t n)
{
	int c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/* The options from o up to the next section heading or the end. */
static void
print_opts(FILE *f, const lh_help_opt *o)
{
	int w = 0;
	for (const lh_help_opt *p = o; p->flag != NULL; p++) {
		int c = cols(p->flag, strlen(p->flag));
		if (c > w && p->text != NULL)
			w = c;
	}
	bool any = false;
	for (const lh_help_opt *p = o; p->flag != NULL; p++) {
		if (p->text == NULL)	/* accepted, not listed */
			continue;
		if (any)
			fputc('\n', f);
		any = true;
		fprintf(f, "  %-*s  ", w, p->flag);
		int indent = 2 + w + 2;
		/* the meaning: its first line beside the flag, hard lines below it */
		const char *s = p->text;
		bool first = true;
		while (*s != '\0') {
			const char *nl = strchr(s, '\n');
			size_t n = nl ? (size_t)(nl - s) : strlen(s);
			if (!first)
				fprintf(f, "%*s", indent, "");
			lh_diag_wrap_line(f, s, n, indent, WIDTH, indent);
			first = false;
			s += n;
			if (*s == '\n')
				s++;
		}
	}
}

void
lh_help_print(FILE *f, const lh_help *h)
{
	fprintf(f, "Usage: litehcl [global options] %s\n\n", h->usage);
	lh_diag_wrap(f, h->about, 2, WIDTH);
	if (h->extra != NULL)
		h->extra(f);
	if (h->group != LH_HELP_SUB) {
		/* a command with subcommands lists them */
		size_t plen = strlen(h->name);
		bool any = false;
		for (size_t i = 0; i < NTABLE; i++) {
			const lh_help *s = &table[i];
			if (s->group != LH_HELP_SUB || strncmp(s->name, h->name, plen) != 0 ||
			    s->name[plen] != ' ')
				continue;
			if (!any)
				fputs("\nSubcommands:\n", f);
			any = true;
			fprintf(f, "    %-18s  %s\n", s->name + plen + 1, s->summary);
		}
	}
	const lh_help_opt *o = h->opts;
	if (o != NULL && (o->flag != NULL || o->text != NULL)) {
		if (o->flag != NULL)
			fputs("\nOptions:\n\n", f);
		while (o->flag != NULL || o->text != NULL) {
			if (o->flag == NULL) {
				fprintf(f, "\n%s:\n\n", o->text);
				o++;
				continue;
			}
			print_opts(f, o);
			while (o->flag != NULL)
				o++;
		}
	}
	if (h->after != NULL) {
		fputc('\n', f);
		lh_diag_wrap(f, h->after, 2, WIDTH);
	}
}

void
lh_help_global(FILE *f)
{
	fputs("Usage: litehcl [global options] <subcommand> [args]\n\n"
	    "The available commands for execution are listed below.\n"
	    "The primary workflow commands are given first, followed by\n"
	    "less common or more advanced commands.\n\n"
	    "Main commands:\n", f);
	for (size_t i = 0; i < NTABLE; i++)
		if (table[i].group == LH_HELP_MAIN)
			fprintf(f, "  %-13s %s\n", table[i].name, table[i].summary);
	fputs("\nAll other commands:\n", f);
	/* in name order, as Terraform lists them */
	const char *last = "";
	for (;;) {
		const lh_help *next = NULL;
		for (size_t i = 0; i < NTABLE; i++)
			if (table[i].group == LH_HELP_OTHER && strcmp(table[i].name, last) > 0 &&
			    (next == NULL || strcmp(table[i].name, next->name) < 0))
				next = &table[i];
		if (next == NULL)
			break;
		fprintf(f, "  %-13s %s\n", next->name, next->summary);
		last = next->name;
	}
	fputs("\nGlobal options (use these before the subcommand, if any):\n"
	    "  -chdir=DIR    Switch to a different working directory before executing the\n"
	    "                given subcommand.\n"
	    "  -help         Show this help output, or the help for a specified subcommand.\n"
	    "  -version      An alias for the \"version\" subcommand.\n", f);
}

const char *
lh_help_flag_name(const lh_help_opt *o, char *buf, size_t cap)
{
	const char *s = o->flag;
	while (*s == '-')
		s++;
	size_t n = strcspn(s, "= ");
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

bool
lh_help_allows(const lh_help *h, const char *name, size_t len)
{
	if (h->any_flags || h->usage == NULL || (len == 8 && strncmp(name, "no-color", 8) == 0))
		return true;
	if (h->opts == NULL)
		return false;
	for (const lh_help_opt *o = h->opts; o->flag != NULL || o->text != NULL; o++) {
		if (o->flag == NULL)
			continue;
		char buf[64];
		lh_help_flag_name(o, buf, sizeof buf);
		if (strlen(buf) == len && strncmp(buf, name, len) == 0)
			return true;
	}
	return false;
}

/* Levenshtein distance of a and b (short words only). */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return 64;
	size_t row[64];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *
lh_help_suggest(const char *parent, const char *word)
{
	/* as Terraform's didyoumean: the closest name within a distance of 2 */
	const char *best = NULL;
	size_t bestd = 3;
	size_t plen = parent ? strlen(parent) : 0;
	for (size_t i = 0; i < NTABLE; i++) {
		const char *name = table[i].name;
		if (parent == NULL) {
			if (table[i].group == LH_HELP_SUB)
				continue;
		} else {
			if (table[i].group != LH_HELP_SUB || strncmp(name, parent, plen) != 0 ||
			    name[plen] != ' ')
				continue;
			name += plen + 1;
		}
		size_t d = distance(word, name);
		if (d < bestd) {
			bestd = d;
			best = name;
		}
	}
	return best;
}
