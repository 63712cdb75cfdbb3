/* diag.h - diagnostics: every user-facing error or warning, with the byte range it is
 * about.  Modules append to an lh_diags list and return a status; only the command
 * layer prints them (lh_diag_print), in Terraform's layout, or as JSON. */
#ifndef LH_DIAG_H
#define LH_DIAG_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "source.h"

typedef enum { LH_DIAG_ERROR, LH_DIAG_WARNING } lh_severity;

/* One of Terraform's expression values: a reference the diagnostic's expression uses
 * and what it was when the error happened ("var.n", "is 3"). */
typedef struct lh_diag_value {
	const char *traversal;
	const char *statement;
} lh_diag_value;

typedef struct lh_diag {
	lh_severity sev;
	const lh_source *src;	/* the file it is about, or NULL */
	uint32_t start, end;	/* subject byte range in src (end exclusive) */
	const char *summary;	/* one line, no final period: "Unsupported argument" */
	const char *detail;	/* full sentences, or NULL */
	const char *context;	/* enclosing block, `resource "litellm_user" "dev"`, or NULL:
				 * printed only for a source without block map (see
				 * lh_source_blocks), else the map decides, as Terraform's */
	uint32_t cstart, cend;	/* Terraform's context range: the snippet shows every line
				 * of it and of the subject (cend 0: the subject alone) */
	const char *address;	/* the resource instance it is about, `litellm_user.u["x"]`,
				 * or NULL: printed "with ADDR," before the snippet and as
				 * -json's "address" (Terraform's InConfigBody; set with
				 * the resource block's "{" as subject) */
	/* Terraform's expression values (printed under the snippet after a rule,
	 * -json's snippet.values), sorted by traversal; nvalues 0: none.  Set by the
	 * evaluator (eval.c) when it raises the diagnostic. */
	const lh_diag_value *values;
	size_t nvalues;
	/* the function whose call failed and its parameter names, "upper(str)" or
	 * "join(separator, lists...)" (Terraform's "while calling" line), or NULL */
	const char *calling;
	bool keep_apart;	/* never folded into a similar warning (check block results) */
	bool folded;		/* set by lh_diags_consolidate: stands in an earlier warning */
	int similar;		/* set by lh_diags_consolidate: how many it stands for */
	struct lh_diag *next;
} lh_diag;

typedef struct lh_diags {
	lh_arena *a;		/* where diagnostics and their strings live */
	lh_diag *head, *tail;	/* in the order they were added */
	int errors, warnings;	/* counts by severity */
} lh_diags;

/* Initialises an empty list whose entries live in a. */
void lh_diags_init(lh_diags *d, lh_arena *a);
/* Appends a diagnostic; detail is a printf format (may be NULL).  Returns it so the
 * caller can set context.  Strings are copied into the list's arena. */
lh_diag *lh_diag_add(lh_diags *d, lh_severity sev, const lh_source *src,
    uint32_t start, uint32_t end, const char *summary, const char *detail, ...)
	__attribute__((format(printf, 7, 8)));
/* Appends g, made in another list whose arena lives as long as d's, to d (counted by
 * its severity); g leaves that list's order. */
void lh_diags_append(lh_diags *d, lh_diag *g);
/* Copies from's expression values and "while calling" text onto to (a copy of it
 * made with lh_diag_add), into d's arena. */
void lh_diag_copy_values(lh_diags *d, lh_diag *to, const lh_diag *from);
/* True when x and y have the same expression values and "while calling" text. */
bool lh_diag_same_values(const lh_diag *x, const lh_diag *y);
/* True when a line of g's subject sets api_key (its snippet is masked): no value
 * of what the expression uses may be shown beside it either. */
bool lh_diag_masked(const lh_diag *g);
/* Returns a copy of 1-based line `line` of src for a snippet, with the content of
 * quoted strings masked by '*' when the line sets api_key: a diagnostic about that
 * line (a syntax error beside the key) must not print the key.  *len gets its
 * length; the caller frees the copy (NULL when out of memory). */
char *lh_diag_code_line(const lh_source *src, int line, size_t *len);
/* Terraform's consolidation of repeated warnings for people (ConsolidateWarnings(1); not
 * for -json): a warning about a place in the configuration whose summary an earlier such
 * warning has is folded into that one, which then ends its detail with "(and N more
 * similar warnings elsewhere)" (-compact-warnings: "on FILE line L (and N more)").
 * Sets folded and similar on the list's diagnostics; may be called again after more
 * are added.  lh_diag_print calls it. */
void lh_diags_consolidate(const lh_diags *d);
/* Terraform's source snippet of a diagnostic with a source: the lines overlapping
 * its subject and context ranges (HCL's Range.Overlaps: an empty line never shows),
 * joined by '\n' and masked as lh_diag_code_line masks, the 1-based line of the
 * first, the subject's offsets in code, and the context string - the top-level block
 * holding the byte before the subject (Terraform's hcled.ContextString), or NULL. */
typedef struct lh_snippet {
	char *code;		/* malloc'd; the caller frees it */
	size_t len;		/* bytes in code (a NUL in the file stays in it) */
	int start_line;
	size_t hs, he;		/* highlighted part: code[hs..he) */
	const char *context;
	char *owned;		/* what context points to when made for it, or NULL */
	bool none;		/* the source's code cannot be had (lh_source_text): code
				 * is empty, no snippet is shown */
} lh_snippet;
/* Fills sn for g (which has a source); false when out of memory.  Release it with
 * lh_snippet_free. */
bool lh_diag_snippet(const lh_diag *g, lh_snippet *sn);
/* Frees what lh_diag_snippet allocated. */
void lh_snippet_free(lh_snippet *sn);
/* Puts the list in the order Terraform prints diagnostics in (tfdiags' Sort, stable):
 * warnings before errors, those without a source first, then by file (fewer path
 * separators first, then by name), start and end of the subject. */
void lh_diags_sort(lh_diags *d);
/* Prints every diagnostic in Terraform's layout (summary, "on FILE line N", the
 * source lines with the span underlined, detail), in Terraform's order (as
 * lh_diags_sort, without changing the list).  color adds ANSI colour. */
void lh_diag_print(FILE *f, const lh_diags *d, bool color);
/* lh_diag_print with a newline after each diagnostic, as Terraform's older commands
 * (import, state, taint, untaint, force-unlock, workspace, fmt, console) print them:
 * through its cli.Ui, whose Error adds one. */
void lh_diag_print_ui(FILE *f, const lh_diags *d, bool color);
/* Prints one diagnostic (see lh_diag_print), with the sentence about the similar
 * warnings it stands for when it has any.  In plain mode (lh_diag_set_plain) the
 * form is Terraform's -no-color one: a blank line, no border, no underline line, the
 * detail wrapped at 77 columns (Terraform: its width 78, less one). */
void lh_diag_print_one(FILE *f, const lh_diag *g, bool color);

/* Prints s[0..n) (one line) wrapped at width columns: words are never split, and
 * continuation lines are indented by indent; the caller has printed up to column
 * first_col.  Ends with a newline.  Control bytes print as spaces. */
void lh_diag_wrap_line(FILE *f, const char *s, size_t n, int indent, int width, int first_col);
/* Prints s wrapped at width, every line indented by indent; hard newlines are kept. */
void lh_diag_wrap(FILE *f, const char *s, int indent, int width);
/* Plain mode on or off for the whole process (the -no-color flag). */
void lh_diag_set_plain(bool on);
/* True in plain mode. */
bool lh_diag_plain(void);

#endif
