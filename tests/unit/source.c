/* tests/unit/source.c - a big configuration file's bytes dropped once parsed
 * (source.h lh_source_drop_text): every line and column stays what it was (lines
 * with characters beyond ASCII, carriage returns), the bytes read back are the
 * file's, and a file changed since it was read gives no code (the snippet is left
 * out, "(source code not available)") while positions stay exact. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "arena.h"
#include "diag.h"
#include "parse.h"
#include "source.h"

/* The file: comment lines to pass 64 KiB, lines beyond ASCII and with CRLF among
 * them, then blocks. */
static char *
make_text(size_t *n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	for (int i = 0; i < 1500; i++) {
		if (i % 100 == 7)
			fprintf(m, "# line %d: café, naïve, 東京 ☕ and more\n", i);
		else if (i % 100 == 9)
			fprintf(m, "# line %d ends with a carriage return\r\n", i);
		else if (i == 500 || i == 1100) {
			/* long lines (more than a byte's worth, more than 16 bits' worth) */
			fprintf(m, "# long line é");
			for (int k = 0; k < (i == 500 ? 300 : 70000); k++)
				fputc('a' + k % 26, m);
			fputc('\n', m);
		}
		else
			fprintf(m, "# line %d of the padding that makes this file big enough\n", i);
	}
	for (int i = 0; i < 40; i++)
		fprintf(m, "resource \"litellm_user\" \"u%02d\" {\n"
		    "  user_alias = \"é ${\"ü\"} %d\"\r\n"
		    "  user_email = \"u%02d@example.com\"\n}\n", i, i, i);
	fclose(m);
	*n = len;
	return buf;
}

static void
write_file(const char *path, const char *t, size_t n)
{
	FILE *f = fopen(path, "wb");
	fwrite(t, 1, n, f);
	fclose(f);
}

int
main(void)
{
	char dir[] = "/tmp/lh-source-XXXXXX";
	if (mkdtemp(dir) == NULL || chdir(dir) != 0) {
		perror("mkdtemp");
		return 1;
	}
	size_t n;
	char *text = make_text(&n);
	write_file("big.tf", text, n);
	lh_arena *a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	lh_source *s = lh_source_load(a, "big.tf", NULL, &d);
	lh_node *root = s != NULL ? lh_parse_file_segmented(a, s, &d) : NULL;
	check("big file parsed", root != NULL && d.errors == 0 && s->has_blocks && n > 64 * 1024,
	    "%d errors, %zu bytes", d.errors, n);
	if (root == NULL)
		return 1;
	/* the offsets checked: all but most of a long line's (counting its columns is
	 * quadratic) */
	uint32_t *offs = malloc((n + 1) * sizeof *offs);
	size_t noffs = 0;
	for (uint32_t b = 0; b <= n;) {
		uint32_t e = b;
		while (e < n && text[e] != '\n')
			e++;
		for (uint32_t o = b; o <= e; o++)
			if (e - b < 1000 || o == b || o == e || o % 997 == 0)
				offs[noffs++] = o;
		b = e + 1;
	}
	int *line = malloc((n + 1) * sizeof *line), *col = malloc((n + 1) * sizeof *col);
	for (size_t i = 0; i < noffs; i++)
		lh_source_pos(s, offs[i], &line[offs[i]], &col[offs[i]]);
	size_t nlines = s->nlines;
	uint32_t *lstart = malloc(nlines * sizeof *lstart);
	size_t *llen = malloc(nlines * sizeof *llen);
	for (size_t l = 0; l < nlines; l++)
		lstart[l] = lh_source_line(s, (int)l + 1, &llen[l]);

	/* positions without the bytes */
	lh_source_drop_text(s);
	check("the bytes are dropped", s->text == NULL, NULL);
	int bad = 0;
	for (size_t i = 0; i < noffs; i++) {
		uint32_t o = offs[i];
		int l, c;
		lh_source_pos(s, o, &l, &c);
		if (l != line[o] || c != col[o]) {
			if (bad++ == 0)
				printf("    offset %u: line %d col %d, was %d %d\n", o, l, c, line[o], col[o]);
		}
	}
	check("every line and column as with the bytes", bad == 0, "%d offsets differ", bad);
	bad = 0;
	for (size_t l = 0; l < nlines; l++) {
		size_t len;
		uint32_t st = lh_source_line(s, (int)l + 1, &len);
		bad += st != lstart[l] || len != llen[l];
	}
	check("every line's start and length (without its carriage return)", bad == 0,
	    "%d lines differ", bad);

	/* a diagnostic's snippet reads them back */
	uint32_t at = 0;
	while (at < n && strncmp(text + at, "\"é ${", 6) != 0)
		at++;
	lh_diag *g = lh_diag_add(&d, LH_DIAG_ERROR, s, at, at + 10, "Test", "A test.");
	lh_snippet sn;
	bool got = lh_diag_snippet(g, &sn);
	check("snippet of a dropped source", got && !sn.none && sn.code != NULL &&
	    strstr(sn.code, "user_alias = \"é ${\"ü\"} 0\"") != NULL &&
	    sn.context != NULL && strcmp(sn.context, "resource \"litellm_user\" \"u00\"") == 0,
	    "%s", got && sn.code != NULL ? sn.code : "(none)");
	if (got)
		lh_snippet_free(&sn);
	check("the bytes read back are the file's", s->text != NULL && memcmp(s->text, text, n) == 0 &&
	    s->text[n] == '\0', NULL);

	/* dropped again, then the file changes (same size, time and inode) */
	lh_source_drop_text(s);
	struct stat before;
	stat("big.tf", &before);
	char *changed = malloc(n);
	memcpy(changed, text, n);
	changed[at + 2] = 'x';
	int fd = open("big.tf", O_WRONLY);
	if (fd < 0 || pwrite(fd, changed + at + 2, 1, at + 2) != 1)
		perror("pwrite");
	close(fd);
	struct timespec ts[2] = {before.st_atim, before.st_mtim};
	utimensat(AT_FDCWD, "big.tf", ts, 0);
	check("a file changed since it was read gives no bytes", lh_source_text(s) == NULL, NULL);
	got = lh_diag_snippet(g, &sn);
	check("its snippet is none", got && sn.none, NULL);
	if (got)
		lh_snippet_free(&sn);
	char *out = NULL;
	size_t olen = 0;
	FILE *m = open_memstream(&out, &olen);
	lh_diags one;
	lh_diags_init(&one, a);
	lh_diag_add(&one, LH_DIAG_ERROR, s, at, at + 10, "Test", "A test.");
	lh_diag_print(m, &one, false);
	fclose(m);
	char want[128];
	snprintf(want, sizeof want, "│   on big.tf line %d:\n│   (source code not available)\n", line[at]);
	check("printed: Terraform's \"source code not available\"", strstr(out, want) != NULL,
	    "%s", out);
	bad = 0;
	for (size_t i = 0; i < noffs; i++) {
		uint32_t o = offs[i];
		int l, c;
		lh_source_pos(s, o, &l, &c);
		bad += l != line[o] || c != col[o];
	}
	check("positions stay exact after the file changed", bad == 0, "%d offsets differ", bad);
	check("a diagnostic on a changed file is masked", lh_diag_masked(g), NULL);

	/* a small file keeps its bytes */
	const char *st = "resource \"litellm_user\" \"s\" {\n}\n";
	write_file("small.tf", st, strlen(st));
	lh_source *sm = lh_source_load(a, "small.tf", NULL, &d);
	lh_parse_file_segmented(a, sm, &d);
	lh_source_drop_text(sm);
#ifndef LH_SANITIZED_MALLOC
	check("a small file keeps its bytes", sm->text != NULL, NULL);
#endif
	check("a small file's bytes are there", lh_source_text(sm) != NULL &&
	    strncmp(lh_source_text(sm), "resource", 8) == 0, NULL);

	free(out);
	free(offs);
	free(changed);
	free(line);
	free(col);
	free(lstart);
	free(llen);
	free(text);
	lh_arena_free(a);
	unlink("big.tf");
	unlink("small.tf");
	if (chdir("/") != 0 || rmdir(dir) != 0)
		perror("rmdir");
	return failures ? 1 : 0;
}
