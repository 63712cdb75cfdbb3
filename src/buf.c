/* buf.c - heap strings and a growable byte buffer; see buf.h for the contract.
 * Shared by http.c and state.c, which keep heap (not arena) data because it outlives
 * any one command step. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
oom(void)
{
	fputs("litehcl: out of memory\n", stderr);
	abort();
}

void *
lh_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

char *
lh_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(lh_xmalloc(n), s, n);
}

/* printf to a malloc'd string; *len gets its length (it may hold NULs from %c). */
static char *
vxprintf(size_t *len, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		oom();	/* only an invalid format or EOVERFLOW; treat as fatal */
	char *s = lh_xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	*len = (size_t)n;
	return s;
}

char *
lh_xprintf(const char *fmt, ...)
{
	va_list ap;
	size_t n;
	va_start(ap, fmt);
	char *s = vxprintf(&n, fmt, ap);
	va_end(ap);
	return s;
}

void
lh_buf_grow(lh_buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 1024;
	while (b->len + n + 1 > cap)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (p == NULL)
		oom();
	b->p = p;
	b->cap = cap;
}

void
lh_buf_printf(lh_buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	va_start(ap, fmt);
	char *s = vxprintf(&n, fmt, ap);
	va_end(ap);
	lh_buf_put(b, s, n);
	free(s);
}

void
lh_buf_free(lh_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
