/* fuzz_fmt.c - libFuzzer target for the formatter (src/fmt.c).  For arbitrary bytes:
 *   - lh_fmt_file never crashes, returns text exactly when the source parses, and
 *     changes nothing but white space between tokens and the rewrites fmt.h lists;
 *   - the result parses, and formatting it again changes nothing (idempotence).
 * Terraform's own fmt, which litehcl matches byte for byte, is not idempotent on
 * legacy interpolation-only strings: it unwraps one "${...}" level per run, and its
 * unwrapping of a value whose first token is a comment does not parse.  Inputs with
 * an interpolation right after a quote are therefore checked for safety only.
 * Built by `make fuzz` beside fuzz_parse; tests/run.sh runs it for part of
 * FUZZ_SECONDS. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Adds -print_final_stats=1 so that every run ends with its execution count (which
 * tests/run.sh reports). */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char flag[] = "-print_final_stats=1";
	static char *args[256];
	int n = *argc < 254 ? *argc : 254;
	for (int i = 0; i < n; i++)
		args[i] = (*argv)[i];
	args[n] = flag;
	args[n + 1] = NULL;
	*argc = n + 1;
	*argv = args;
	return 0;
}

/* Does s hold a legacy interpolation-only candidate ("${ right after a quote)? */
static int
has_unwrap(const char *s, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++)
		if (s[i] == '"' && s[i + 1] == '$' && s[i + 2] == '{')
			return 1;
	return 0;
}

/* The bytes of s without spaces, tabs and newlines (what fmt may not change, when
 * no label or value rewrite applies). */
static size_t
squeeze(const char *s, size_t n, char *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			out[k++] = s[i];
	return k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lh_arena *a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	lh_source *src = lh_source_from_mem(a, "fuzz.tf", (const char *)data, size);
	size_t n = 0;
	const char *out = lh_fmt_file(a, src, &d, &n);
	if ((out == NULL) != (d.errors != 0))
		abort();
	if (out != NULL && strlen(out) > n)
		abort();
	if (out != NULL && !has_unwrap(src->text, size)) {
		/* the formatted text parses and is its own formatting */
		lh_source *again = lh_source_from_mem(a, "fuzz2.tf", out, n);
		lh_diags d2;
		lh_diags_init(&d2, a);
		size_t n2 = 0;
		const char *out2 = lh_fmt_file(a, again, &d2, &n2);
		if (out2 == NULL || n2 != n || memcmp(out, out2, n) != 0) {
			fprintf(stderr, "not idempotent:\n--- input\n%.*s\n--- fmt\n%.*s\n--- fmt again\n%.*s\n",
			    (int)size, (const char *)data, (int)n, out, out2 ? (int)n2 : 0,
			    out2 ? out2 : "");
			abort();
		}
		/* without blocks (whose labels fmt re-quotes), only blanks may change */
		if (memchr(data, '{', size) == NULL) {
			char *x = malloc(size + 1), *y = malloc(n + 1);
			size_t kx = squeeze(src->text, size, x), ky = squeeze(out, n, y);
			/* a byte order mark is dropped */
			size_t skip = size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
			if (kx - skip != ky || memcmp(x + skip, y, ky) != 0)
				abort();
			free(x);
			free(y);
		}
		free(again->lines);
	}
	/* source.c keeps the line map outside the arena for the process lifetime */
	free(src->lines);
	lh_arena_free(a);
	return 0;
}
