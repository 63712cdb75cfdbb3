/* help.h - every command's help in one table: the usage line, the description and the
 * options with their meaning, printed in Terraform's layout by `litehcl CMD -help`,
 * `litehcl help CMD` and `litehcl -help CMD`.  The table is also the list of flags a
 * command accepts: lh_cli_parse refuses a flag its entry does not list (Terraform's
 * "flag provided but not defined"), and the man page and the shell completion are
 * checked against it.
 *
 * Adding a command: one lh_help entry in help.c (and its dispatch line in main.c). */
#ifndef LH_HELP_H
#define LH_HELP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct lh_help_opt {
	const char *flag;	/* as shown: "-out=path", "-var 'foo=bar'"; NULL: text is a
				 * section heading ("Plan Customization Options") */
	const char *text;	/* what it does; wrapped at 78 columns when printed; NULL
				 * (with a flag): accepted but not listed, as Terraform
				 * accepts validate -compact-warnings */
} lh_help_opt;

typedef enum {
	LH_HELP_MAIN = 1,	/* "Main commands" of the global help */
	LH_HELP_OTHER,		/* "All other commands" */
	LH_HELP_SUB		/* a subcommand ("state list"): listed by its parent */
} lh_help_group;

typedef struct lh_help {
	const char *name;	/* "plan", "state list" */
	lh_help_group group;
	const char *summary;	/* one line for the command list */
	const char *usage;	/* after "litehcl [global options] "; NULL: the command
				 * prints its own help and checks its own flags (only
				 * name, group and summary are set) */
	const char *about;	/* paragraphs separated by blank lines; a line starting
				 * with a space is printed as it is, others are wrapped */
	const lh_help_opt *opts;	/* {NULL, NULL} terminated; NULL: no options */
	const char *after;	/* closing paragraphs after the options, or NULL */
	bool any_flags;		/* no restriction: flags are not checked against opts */
	void (*extra)(FILE *f);	/* prints more description (from other tables), or NULL */
} lh_help;

/* The entry of command name ("plan", "state list"), or NULL. */
const lh_help *lh_help_find(const char *name);
/* Every entry in the table, in listing order: *n gets the count. */
const lh_help *lh_help_all(size_t *n);
/* Prints h in Terraform's help layout. */
void lh_help_print(FILE *f, const lh_help *h);
/* Prints the global help (`litehcl -help`): the command list and the global options. */
void lh_help_global(FILE *f);
/* True when h accepts the flag named name[0..len) (without dashes or value).
 * -no-color is accepted by every command, as in Terraform. */
bool lh_help_allows(const lh_help *h, const char *name, size_t len);
/* The flag name of an option as listed ("-out=path" -> "out"), in buf (size cap). */
const char *lh_help_flag_name(const lh_help_opt *o, char *buf, size_t cap);
/* The command (or, with parent set, the subcommand of parent) closest to word by edit
 * distance, for "Did you mean"; NULL when none is close enough. */
const char *lh_help_suggest(const char *parent, const char *word);
#endif
