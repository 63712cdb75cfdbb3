/* fmt.h - the canonical layout of HCL native syntax, as `terraform fmt` writes it.
 *
 * A token formatter: the source is parsed (so that only syntax that parses is ever
 * rewritten), lexed again into a flat token stream that keeps comments and newlines,
 * given Terraform's few canonicalisations (quoted block labels, legacy "${x}"
 * unwrapping, legacy variable type strings), and then re-spaced line by line:
 * indentation by bracket nesting, spacing between tokens by their kinds, and the
 * vertical alignment of `=` and of trailing comments in runs of lines.  Only the
 * white space between tokens changes, apart from those canonicalisations; heredoc
 * and string contents, comments and line endings are kept byte for byte. */
#ifndef LH_FMT_H
#define LH_FMT_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "source.h"

/* Formats the file src.  Returns the formatted bytes (NUL-terminated, length in
 * *len; they live in a) when src parses, or NULL with its syntax errors appended to
 * d.  The result ends with a newline only when the source's last line did: the
 * caller writing to a terminal adds one (as Terraform's UI does). */
const char *lh_fmt_file(lh_arena *a, const lh_source *src, lh_diags *d, size_t *len);

#endif
