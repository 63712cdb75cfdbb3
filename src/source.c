/* source.c - loading source files and mapping offsets to lines and columns. */
#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"

lh_source *
lh_source_from_mem(lh_arena *a, const char *name, const char *text, size_t len)
{
	lh_source *s = lh_arena_alloc(a, sizeof *s);
	s->name = lh_arena_strdup(a, name);
	s->text = lh_arena_strndup(a, text, len);
	s->len = len;
	return s;
}

lh_source *
lh_source_load(lh_arena *a, const char *path, const char *name, lh_diags *d)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to read file",
		    "The file %s could not be read: %s.", path, strerror(errno));
		return NULL;
	}
	/* a regular file is read straight into the arena: one read, no copy (a
	 * configuration of 10,000 blocks is 2.6 MB) */
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
	    (uint64_t)st.st_size < UINT32_MAX) {
		size_t size = (size_t)st.st_size;
		char *text = lh_arena_alloc(a, size + 1);	/* zeroed: the sentinel */
		if (fread(text, 1, size, f) == size && fgetc(f) == EOF && !ferror(f)) {
			fclose(f);
			lh_source *s = lh_arena_alloc(a, sizeof *s);
			s->name = lh_arena_strdup(a, name ? name : path);
			s->text = text;
			s->len = size;
			return s;
		}
		rewind(f);	/* it changed while read: as any other file */
	}
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (buf == NULL) {
			fclose(f);
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to read file",
			    "Out of memory reading %s.", path);
			return NULL;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
		if (len == cap) {
			char *nb = realloc(buf, cap * 2);
			if (nb == NULL)
				free(buf);
			buf = nb;
			cap *= 2;
		}
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(buf);
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to read file",
		    "The file %s could not be read.", path);
		return NULL;
	}
	lh_source *s = lh_source_from_mem(a, name ? name : path, buf, len);
	free(buf);
	return s;
}

static void
build_lines(lh_source *s)
{
	size_t n = 1;
	for (size_t i = 0; i < s->len; i++)
		if (s->text[i] == '\n')
			n++;
	s->lines = malloc(n * sizeof *s->lines);
	if (s->lines == NULL)
		abort();
	size_t k = 0;
	s->lines[k++] = 0;
	for (size_t i = 0; i < s->len; i++)
		if (s->text[i] == '\n')
			s->lines[k++] = (uint32_t)(i + 1);
	s->nlines = n;
}

/* The line map is built on first use; it is small and lives as long as the process
 * (sources are few and die with their arena at exit). */
static void
ensure_lines(const lh_source *s)
{
	if (s->nlines == 0)
		build_lines((lh_source *)s);
}

void
lh_source_pos(const lh_source *s, uint32_t off, int *line, int *col)
{
	ensure_lines(s);
	if (off > s->len)
		off = (uint32_t)s->len;
	size_t lo = 0, hi = s->nlines;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (s->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	int c = 1;
	for (uint32_t i = s->lines[lo]; i < off; i++)
		if (((unsigned char)s->text[i] & 0xC0) != 0x80)
			c++;
	*line = (int)lo + 1;
	*col = c;
}

uint32_t
lh_source_line(const lh_source *s, int line, size_t *len)
{
	ensure_lines(s);
	if (line < 1)
		line = 1;
	if ((size_t)line > s->nlines)
		line = (int)s->nlines;
	uint32_t start = s->lines[line - 1];
	uint32_t end = (size_t)line < s->nlines ? s->lines[line] - 1 : (uint32_t)s->len;
	if (end > start && s->text[end - 1] == '\r')
		end--;
	*len = end - start;
	return start;
}
