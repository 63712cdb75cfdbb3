/* buf.h - heap strings and a growable byte buffer, for code that cannot use an arena
 * (http.c's per-request data, state.c's rendering and file reads).
 *
 * Out of memory aborts with a message, as in arena.h, so callers never check for NULL.
 * An lh_buf's bytes are always NUL-terminated once anything (even zero bytes) has been
 * put into it; a buffer that was never written has p == NULL. */
#ifndef LH_BUF_H
#define LH_BUF_H
#include <stddef.h>
#include <string.h>

/* A growable byte buffer; start with lh_buf b = {0}. */
typedef struct lh_buf {
	char *p;		/* bytes, NUL-terminated; NULL until the first put; malloc'd */
	size_t len;		/* bytes held, not counting the NUL */
	size_t cap;		/* bytes allocated at p */
} lh_buf;

/* Makes room for n more bytes and the NUL (the slow path of the puts below). */
void lh_buf_grow(lh_buf *b, size_t n);

/* Appends s[0..n) (may hold NULs).  n == 0 still makes b->p non-NULL. */
static inline void
lh_buf_put(lh_buf *b, const void *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
		lh_buf_grow(b, n);
	if (n > 0)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Appends the NUL-terminated string s. */
static inline void
lh_buf_puts(lh_buf *b, const char *s)
{
	lh_buf_put(b, s, strlen(s));
}

/* Appends one byte. */
static inline void
lh_buf_putc(lh_buf *b, char c)
{
	if (b->len + 2 > b->cap)
		lh_buf_grow(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}
/* Appends printf output. */
void lh_buf_printf(lh_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees the bytes and empties b (ready for reuse).  Not needed when the caller took
 * ownership of b->p, which is then freed with free(). */
void lh_buf_free(lh_buf *b);

/* malloc(n) (n == 0 gives a valid 1-byte block); caller frees with free(). */
void *lh_xmalloc(size_t n);
/* Returns a malloc'd copy of s; caller frees with free(). */
char *lh_xstrdup(const char *s);
/* Returns malloc'd printf output; caller frees with free(). */
char *lh_xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
