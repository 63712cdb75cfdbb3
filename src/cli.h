/* cli.h - the command layer: option parsing shared by every command, and the entry
 * points of the commands (one cmd_*.c file each).  Commands print; the modules below
 * them only return statuses and diagnostics. */
#ifndef LH_CLI_H
#define LH_CLI_H
#include <stdbool.h>
#include <stddef.h>

#define LH_VERSION "0.1.0"

typedef enum {
	LH_OPT_BOOL,		/* -flag, -flag=true|false */
	LH_OPT_STRING,		/* -flag=value or -flag value; last one wins */
	LH_OPT_LIST,		/* repeatable: every value kept in order */
	LH_OPT_INT		/* -flag=N */
} lh_opt_kind;

typedef struct lh_opt {
	const char *name;	/* without dashes: "auto-approve" */
	lh_opt_kind kind;
	void *dest;		/* bool*, const char**, lh_strlist*, int* */
} lh_opt;

typedef struct lh_strlist {
	const char **v;		/* values in command-line order (borrowed from argv) */
	size_t n;
	/* For -var/-var-file: which option each entry came from, so their relative order
	 * is kept: kind[i] is the index into the option table. */
	int *kind;
} lh_strlist;

/* Parses argv[0..argc) against opts ({NULL} terminated).  Flags take one or two
 * dashes; "--" ends the flags.  Positional arguments are moved to the front of argv
 * and their count stored in *npos.  "-help"/"-h" sets *help and prints the command's
 * help (help.h) on stdout.  A flag that opts lacks or that the command's help entry
 * does not list is refused as Terraform does ("flag provided but not defined: -X");
 * on that or a bad value prints the error and "For more help on using this command,
 * run: litehcl CMD -help" to stderr and returns false.  -no-color switches
 * diagnostics to Terraform's plain form (lh_diag_set_plain). */
bool lh_cli_parse(const char *cmd, lh_opt *opts, int argc, char **argv, int *npos,
    bool *help);
/* Prints a usage error of command cmd (NULL: the global command line) to stderr:
 * the diagnostic, then where to find help. */
void lh_cli_usage_error(const char *cmd, const char *summary, const char *detail);
/* Frees the arrays inside a list filled by lh_cli_parse. */
void lh_strlist_free(lh_strlist *l);
/* True when stdout should get colour: a terminal, and no -no-color (NO_COLOR is not
 * read, as Terraform 1.11 does not read it). */
bool lh_cli_color(bool no_color_flag);

/* Commands: argv[0] is the command name; return the process exit code. */
int lh_cmd_version(int argc, char **argv);
int lh_cmd_hcl2json(int argc, char **argv);
int lh_cmd_validate(int argc, char **argv);
int lh_cmd_console(int argc, char **argv);
int lh_cmd_plan(int argc, char **argv);
int lh_cmd_apply(int argc, char **argv);
/* apply -refresh-only -auto-approve for `refresh`: no plan file argument. */
int lh_cmd_apply_as_refresh(int argc, char **argv);
int lh_cmd_destroy(int argc, char **argv);
int lh_cmd_import(int argc, char **argv);
int lh_cmd_show(int argc, char **argv);
int lh_cmd_state(int argc, char **argv);
int lh_cmd_output(int argc, char **argv);
int lh_cmd_taint(int argc, char **argv);
/* The hidden -bench FILE of hcl2json and fmt: what one run over the file measured. */
struct lh_arena;
struct lh_source;
struct lh_diags;
typedef struct lh_bench {
	size_t bytes;		/* the file's size */
	size_t runs;
	double cpu, wall;	/* seconds over all runs: CPU (user + system), wall clock */
} lh_bench;
/* Loads path and calls once(a, src, d, ctx) on it, each run with a fresh arena and
 * diagnostics, until about a second of CPU time has passed (3 runs at least).  False
 * when the file cannot be read or a run returns false (its diagnostics printed on
 * stderr); else fills out. */
bool lh_cli_bench(const char *path, bool (*once)(struct lh_arena *a,
    const struct lh_source *src, struct lh_diags *d, void *ctx), void *ctx, lh_bench *out);
int lh_cmd_adopt(int argc, char **argv);
int lh_cmd_force_unlock(int argc, char **argv);
/* Appends a resource block for an object read as state attributes (cmd_adopt.c; used
 * by adopt and plan -generate-config-out): every configurable argument with a value,
 * JSON object text as jsonencode({...}), template sequences escaped.  An attribute
 * holding the id of a ref_type object named in refs ({type: {id: resource name}};
 * may be NULL) is written as a reference to that resource.  Not formatted. */
struct lh_buf;
struct lh_rtype;
struct cJSON;
void lh_adopt_resource_block(struct lh_buf *b, const struct lh_rtype *rt, const char *name,
    const struct cJSON *attrs, const struct cJSON *refs);
int lh_cmd_untaint(int argc, char **argv);
int lh_cmd_refresh(int argc, char **argv);
int lh_cmd_fmt(int argc, char **argv);
int lh_cmd_init(int argc, char **argv);
int lh_cmd_workspace(int argc, char **argv);

#endif
