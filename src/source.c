/* source.c - loading source files and mapping offsets to lines and columns. */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"

/* Sources smaller than this keep their bytes (lh_source_drop_text); sanitizer builds
 * drop every file's, so that the tests read every snippet back. */
#ifdef LH_SANITIZED_MALLOC
#define DROP_MIN 0
#else
#define DROP_MIN (64 * 1024)
#endif

/* Line flags, for the lines of a dropped source that need more than their offsets */
#define LINE_CR 1		/* ends with a carriage return (before its newline) */
#define LINE_WIDE 2		/* has a byte beyond ASCII: its copy is in wide */

struct lh_source_file {
	const char *path;	/* as opened (relative to the working directory) */
	lh_arena *a;		/* the source's */
	struct stat st;		/* when read */
	lh_arena *ta;		/* the child arena holding text (freed when dropped) */
	uint64_t hash;		/* of the bytes (lh_source_drop_text) */
	bool gone;		/* dropped and not to be had again */
	bool mapped;		/* hash, flags and wide made (dropped once) */
	uint8_t *flags;		/* per line, LINE_* (NULL: no line has any) */
	char *wide;		/* the LINE_WIDE lines, one after the other */
	uint32_t *wide_line, *wide_at;	/* per copy: its line and its offset in wide */
	size_t nwide;
	/* the line map once dropped (s->lines is then NULL): each line's length with its
	 * newline (LONG_LINE: in long_len, by long_line), the start of every CK-th line */
	uint8_t *llen;
	uint32_t *ckpt;
	uint32_t *long_line, *long_len;
	size_t nlong;
};

#define CK_SHIFT 8		/* a checkpoint every 256 lines */
#define LONG_LINE 255

static pthread_mutex_t reread_mu = PTHREAD_MUTEX_INITIALIZER;

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
		/* an arena of its own, freed should the bytes be dropped */
		lh_arena *ta = lh_arena_new_child(a, size + 1);
		char *text = lh_arena_alloc(ta, size + 1);	/* zeroed: the sentinel */
		if (fread(text, 1, size, f) == size && fgetc(f) == EOF && !ferror(f)) {
			fclose(f);
			lh_source *s = lh_arena_alloc(a, sizeof *s);
			s->name = lh_arena_strdup(a, name ? name : path);
			s->text = text;
			s->len = size;
			s->file = lh_arena_alloc(a, sizeof *s->file);
			s->file->path = lh_arena_strdup(a, path);
			s->file->a = a;
			s->file->st = st;
			s->file->ta = ta;
			return s;
		}
		lh_arena_free(ta);
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
	/* line ends found by memchr (a 2.6 MB file: 35 M instructions byte by byte) */
	const char *t = s->text, *end = t + s->len;
	size_t n = 1;
	for (const char *p = t; p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		n++;
	s->lines = malloc(n * sizeof *s->lines);
	if (s->lines == NULL)
		abort();
	size_t k = 0;
	s->lines[k++] = 0;
	for (const char *p = t; p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		s->lines[k++] = (uint32_t)(p - t + 1);
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

/* A hash of text[0..n) (not cryptographic: with the size, time and inode it tells a
 * file that changed since it was read from the same) */
static uint64_t
text_hash(const char *text, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15u ^ n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, text + i, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDu;
		h ^= h >> 32;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)text[i]) * 0x100000001B3u;
	return h ^ (h >> 29);
}

/* The end of line i (0-based) of a source with text: its newline, or the text's end. */
static uint32_t
line_end(const lh_source *s, size_t i)
{
	return i + 1 < s->nlines ? s->lines[i + 1] - 1 : (uint32_t)s->len;
}

/* Replaces s's line map (4 bytes a line) by its compact form (one byte a line). */
static bool
compact_lines(lh_source *s)
{
	lh_source_file *f = s->file;
	size_t n = s->nlines, nck = ((n - 1) >> CK_SHIFT) + 1, nlong = 0;
	for (size_t i = 0; i < n; i++)
		nlong += (i + 1 < n ? s->lines[i + 1] : s->len) - s->lines[i] >= LONG_LINE;
	f->llen = malloc(n);
	f->ckpt = malloc(nck * sizeof *f->ckpt);
	f->long_line = malloc((nlong ? nlong : 1) * sizeof *f->long_line);
	f->long_len = malloc((nlong ? nlong : 1) * sizeof *f->long_len);
	if (f->llen == NULL || f->ckpt == NULL || f->long_line == NULL || f->long_len == NULL) {
		free(f->llen);
		free(f->ckpt);
		free(f->long_line);
		free(f->long_len);
		f->llen = NULL;
		f->ckpt = f->long_line = f->long_len = NULL;
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = (i + 1 < n ? s->lines[i + 1] : s->len) - s->lines[i];
		if ((i & ((1u << CK_SHIFT) - 1)) == 0)
			f->ckpt[i >> CK_SHIFT] = s->lines[i];
		f->llen[i] = len < LONG_LINE ? (uint8_t)len : LONG_LINE;
		if (len >= LONG_LINE) {
			f->long_line[f->nlong] = (uint32_t)i;
			f->long_len[f->nlong++] = (uint32_t)len;
		}
	}
	free(s->lines);
	s->lines = NULL;
	return true;
}

/* The length of line i (0-based) with its newline, from the compact map. */
static uint32_t
compact_len(const lh_source_file *f, size_t i)
{
	if (f->llen[i] != LONG_LINE)
		return f->llen[i];
	size_t lo = 0, hi = f->nlong;	/* long_line[lo] == i */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (f->long_line[mid] <= i)
			lo = mid;
		else
			hi = mid;
	}
	return f->long_len[lo];
}

/* The start of line i (0-based). */
static uint32_t
line_start(const lh_source *s, size_t i)
{
	if (s->lines != NULL)
		return s->lines[i];
	const lh_source_file *f = s->file;
	uint32_t off = f->ckpt[i >> CK_SHIFT];
	for (size_t k = i >> CK_SHIFT << CK_SHIFT; k < i; k++)
		off += compact_len(f, k);
	return off;
}

/* The line (0-based) holding offset off (at most the text's length). */
static size_t
line_of(const lh_source *s, uint32_t off)
{
	size_t lo = 0, hi = s->nlines;
	if (s->lines != NULL) {
		while (hi - lo > 1) {
			size_t mid = (lo + hi) / 2;
			if (s->lines[mid] <= off)
				lo = mid;
			else
				hi = mid;
		}
		return lo;
	}
	const lh_source_file *f = s->file;
	hi = ((s->nlines - 1) >> CK_SHIFT) + 1;	/* the last checkpoint at or before off */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (f->ckpt[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	size_t k = lo << CK_SHIFT;
	uint32_t at = f->ckpt[lo];
	while (k + 1 < s->nlines && at + compact_len(f, k) <= off)
		at += compact_len(f, k++);
	return k;
}

void
lh_source_drop_text(lh_source *s)
{
	lh_source_file *f = s->file;
	if (f == NULL || f->ta == NULL || s->text == NULL || !s->has_blocks ||
	    s->len < DROP_MIN)
		return;
	ensure_lines(s);
	if (f->mapped)
		goto drop;	/* read again since it was dropped: known */
	f->hash = text_hash(s->text, s->len);
	/* what positions need of the lines: a carriage return at the end, the bytes of
	 * a line with characters beyond ASCII (its columns count characters) */
	size_t wlen = 0;
	bool plain = memchr(s->text, '\r', s->len) == NULL;	/* (the usual file) */
	for (size_t i = 0; plain && i < s->len;) {
		uint64_t w = 0;
		size_t k = s->len - i < 8 ? s->len - i : 8;
		memcpy(&w, s->text + i, k);
		plain = (w & 0x8080808080808080u) == 0;
		i += k;
	}
	for (size_t i = 0; !plain && i < s->nlines; i++) {
		uint32_t b = s->lines[i], e = line_end(s, i);
		uint8_t fl = e > b && s->text[e - 1] == '\r' ? LINE_CR : 0;
		for (uint32_t k = b; k < e; k++)
			if ((unsigned char)s->text[k] >= 0x80) {
				fl |= LINE_WIDE;
				break;
			}
		if (fl == 0)
			continue;
		if (f->flags == NULL) {
			f->flags = calloc(s->nlines, 1);
			if (f->flags == NULL)
				return;	/* (keeps the bytes) */
		}
		f->flags[i] = fl;
		if (fl & LINE_WIDE) {
			f->nwide++;
			wlen += e - b;
		}
	}
	if (f->nwide > 0) {
		f->wide = malloc(wlen + 1);
		f->wide_line = malloc(f->nwide * sizeof *f->wide_line);
		f->wide_at = malloc(f->nwide * sizeof *f->wide_at);
		if (f->wide == NULL || f->wide_line == NULL || f->wide_at == NULL) {
			free(f->wide);
			free(f->wide_line);
			free(f->wide_at);
			free(f->flags);
			f->wide = NULL;
			f->wide_line = f->wide_at = NULL;
			f->flags = NULL;
			f->nwide = 0;
			return;	/* (keeps the bytes) */
		}
		size_t w = 0, o = 0;
		for (size_t i = 0; i < s->nlines; i++)
			if (f->flags[i] & LINE_WIDE) {
				uint32_t b = s->lines[i], e = line_end(s, i);
				f->wide_line[w] = (uint32_t)i;
				f->wide_at[w++] = (uint32_t)o;
				memcpy(f->wide + o, s->text + b, e - b);
				o += e - b;
			}
	}
	if (!compact_lines(s))
		return;	/* (keeps the bytes) */
	f->mapped = true;
drop:
	lh_arena_free(f->ta);
	f->ta = NULL;
	s->text = NULL;
}

/* Reads s's file again into a child arena of its own; true when its bytes are those
 * dropped. */
static bool
reread(lh_source *s)
{
	lh_source_file *f = s->file;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == f->st.st_dev &&
	    st.st_ino == f->st.st_ino && st.st_size == f->st.st_size &&
	    st.st_mtim.tv_sec == f->st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == f->st.st_mtim.tv_nsec && (size_t)st.st_size == s->len;
	lh_arena *ta = ok ? lh_arena_new_child(f->a, s->len + 1) : NULL;
	char *text = ok ? lh_arena_alloc(ta, s->len + 1) : NULL;	/* zeroed: the sentinel */
	for (size_t got = 0; ok && got < s->len;) {
		ssize_t n = read(fd, text + got, s->len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			ok = false;
		else
			got += (size_t)n;
	}
	char extra;
	ok = ok && read(fd, &extra, 1) == 0 && text_hash(text, s->len) == f->hash;
	close(fd);
	if (!ok) {
		lh_arena_free(ta);
		return false;
	}
	f->ta = ta;
	s->text = text;
	return true;
}

const char *
lh_source_text(const lh_source *cs)
{
	lh_source *s = (lh_source *)cs;
	if (s->text != NULL || s->file == NULL)
		return s->text;
	pthread_mutex_lock(&reread_mu);
	if (s->text == NULL && !s->file->gone && !reread(s))
		s->file->gone = true;
	pthread_mutex_unlock(&reread_mu);
	return s->text;
}

void
lh_source_pos(const lh_source *s, uint32_t off, int *line, int *col)
{
	ensure_lines(s);
	if (off > s->len)
		off = (uint32_t)s->len;
	size_t lo = line_of(s, off);
	uint32_t ls = line_start(s, lo);
	/* (columns count characters: a dropped source's lines beyond ASCII are kept) */
	const char *t = s->text, *from = t != NULL ? t + ls : NULL;
	const lh_source_file *f = s->file;
	if (t == NULL && f->flags != NULL && (f->flags[lo] & LINE_WIDE)) {
		size_t wlo = 0, whi = f->nwide;	/* its copy: wide_line[wlo] == lo */
		while (whi - wlo > 1) {
			size_t mid = (wlo + whi) / 2;
			if (f->wide_line[mid] <= lo)
				wlo = mid;
			else
				whi = mid;
		}
		from = f->wide + f->wide_at[wlo];
	}
	int c = 1;
	if (from == NULL)
		c += (int)(off - ls);
	else
		for (uint32_t i = 0; i < off - ls; i++)
			if (((unsigned char)from[i] & 0xC0) != 0x80)
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
	uint32_t start = line_start(s, (size_t)line - 1);
	uint32_t end = (size_t)line < s->nlines ? line_start(s, (size_t)line) - 1 : (uint32_t)s->len;
	if (end > start && (s->text != NULL ? s->text[end - 1] == '\r' :
	    s->file->flags != NULL && (s->file->flags[line - 1] & LINE_CR)))
		end--;
	*len = end - start;
	return start;
}
