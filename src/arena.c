/* arena.c - bump allocator: chunks of at least 1 MiB, big requests get their own
 * chunk.  Chunks are fresh zero-filled pages, so every allocation is zeroed.
 * See arena.h for the contract. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Chunks are mapped pages of their own (fresh, zeroed by the system: no memset, and
 * only the pages used are ever touched), whatever malloc's policy - main.c's heap
 * setup makes malloc serve 1 MiB from its heap, where calloc must clear it: a command
 * that formats a number in a short-lived arena cleared 1 MiB each time.  Sanitizer
 * builds take them from calloc, which the sanitizer checks. */
#define CHUNK_MIN (1024 * 1024)
#define ALIGN 16

struct chunk {
	struct chunk *next;	/* older chunk */
	size_t used, size;	/* bytes used / usable in data */
	size_t mapped;		/* bytes mapped (0: from calloc) */
	_Alignas(16) unsigned char data[];
};

struct lh_arena {
	struct chunk *head;	/* current chunk, newest first */
	size_t total;		/* bytes handed out */
};

static void *
xmalloc(size_t n)
{
	void *p = calloc(1, n);
	if (p == NULL) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	return p;
}

bool
lh_free_at_exit(void)
{
#ifdef LH_SANITIZED_MALLOC
	return true;
#else
	static int on = -1;
	if (on < 0) {
		const char *e = getenv("LITEHCL_FREE_AT_EXIT");
		on = e != NULL && *e != '\0' && strcmp(e, "0") != 0;
	}
	return on;
#endif
}

/* A zeroed chunk with room for size bytes of data. */
static struct chunk *
chunk_new(size_t size)
{
#ifndef LH_SANITIZED_MALLOC
	size_t len = sizeof(struct chunk) + size;
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m != MAP_FAILED) {
		struct chunk *c = m;
		c->mapped = len;
		return c;
	}
#endif
	return xmalloc(sizeof(struct chunk) + size);	/* mapped = 0 */
}

static void
chunk_free(struct chunk *c)
{
	if (c->mapped > 0)
		munmap(c, c->mapped);
	else
		free(c);
}

lh_arena *
lh_arena_new(void)
{
	lh_arena *a = xmalloc(sizeof *a);
	a->head = NULL;
	a->total = 0;
	return a;
}

void
lh_arena_free(lh_arena *a)
{
	if (a == NULL)
		return;
	for (struct chunk *c = a->head, *next; c != NULL; c = next) {
		next = c->next;
		chunk_free(c);
	}
	free(a);
}

void *
lh_arena_alloc(lh_arena *a, size_t n)
{
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (n == 0)
		n = ALIGN;
	struct chunk *c = a->head;
	if (c == NULL || c->size - c->used < n) {
		size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;
		if (n > CHUNK_MIN / 4 && c != NULL) {
			/* A big block gets its own chunk behind the current one, so the
			 * space left in the current chunk is not wasted. */
			struct chunk *big = chunk_new(n);
			big->size = n;
			big->used = n;
			big->next = c->next;
			c->next = big;
			a->total += n;
			return big->data;
		}
		c = chunk_new(size);
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	a->total += n;
	return p;
}

char *
lh_arena_strndup(lh_arena *a, const char *s, size_t n)
{
	char *p = lh_arena_alloc(a, n + 1);
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
lh_arena_strdup(lh_arena *a, const char *s)
{
	return lh_arena_strndup(a, s, strlen(s));
}

char *
lh_arena_printf(lh_arena *a, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return lh_arena_strdup(a, "");
	if ((size_t)n < sizeof small)
		return lh_arena_strndup(a, small, (size_t)n);
	char *p = lh_arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void *
lh_arena_grow(lh_arena *a, void *old, size_t n, size_t need, size_t sz)
{
	size_t cap = n < 4 ? 8 : n * 2;
	while (cap < need)
		cap *= 2;
	if (sz != 0 && cap > SIZE_MAX / sz) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	void *p = lh_arena_alloc(a, cap * sz);
	if (n > 0 && old != NULL)
		memcpy(p, old, n * sz);
	return p;
}

size_t
lh_arena_used(const lh_arena *a)
{
	return a->total;
}
