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
#define SPARE_MAX 4		/* released chunks a scratch arena keeps for reuse */

/* AddressSanitizer: a scratch arena's released memory is poisoned (and unpoisoned
 * again as it is handed out), so that a pointer kept into it is reported. */
#ifdef LH_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

struct chunk {
	struct chunk *next;	/* older chunk */
	size_t used, size;	/* bytes used / usable in data */
	size_t dirty;		/* scratch: data[used..dirty) was handed out before a
				 * release and is cleared when handed out again */
	size_t mapped;		/* bytes mapped (0: from calloc) */
	_Alignas(16) unsigned char data[];
};

struct lh_arena {
	struct chunk *head;	/* current chunk, newest first */
	size_t total;		/* bytes handed out */
	bool scratch;		/* lh_arena_new_scratch: chunks strictly newest first */
	struct chunk *spare;	/* released CHUNK_MIN chunks, zeroed (scratch only) */
	size_t nspare;
	size_t held;		/* bytes of the chunks in the list (scratch only) */
	size_t chunk;		/* least chunk size: CHUNK_MIN, or a child's own */
	/* lh_arena_new_child: the parent frees what its children still hold */
	struct lh_arena *parent, *child, *prev, *next;
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

/* Mapped CHUNK_MIN chunks freed with little of them used, kept cleared for the next
 * chunk_new of that size (per thread): short-lived arenas - a plan of one instance
 * for each resource a reference reaches (300 in the teams benchmark's no-op plan) -
 * cost an mmap, a munmap and fresh page faults each.  At most CACHE_MAX chunks, with at
 * most CACHE_USED bytes of each ever touched, so what stays resident is small. */
#define CACHE_MAX 4
#define CACHE_USED (256 * 1024)
static _Thread_local struct chunk *cache;
static _Thread_local int ncache;

/* A zeroed chunk with room for size bytes of data. */
static struct chunk *
chunk_new(size_t size)
{
#ifndef LH_SANITIZED_MALLOC
	size_t len = sizeof(struct chunk) + size;
	if (size == CHUNK_MIN && cache != NULL) {
		struct chunk *c = cache;
		cache = c->next;
		ncache--;
		c->next = NULL;
		c->used = c->size = c->dirty = 0;
		return c;
	}
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
	if (c->mapped == sizeof(struct chunk) + CHUNK_MIN && ncache < CACHE_MAX) {
		size_t touched = c->used > c->dirty ? c->used : c->dirty;
		if (touched <= CACHE_USED) {
			memset(c->data, 0, touched);
			c->next = cache;
			cache = c;
			ncache++;
			return;
		}
	}
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
	a->chunk = CHUNK_MIN;
	return a;
}

lh_arena *
lh_arena_new_child(lh_arena *parent, size_t chunk)
{
	lh_arena *a = lh_arena_new();
	a->chunk = chunk < ALIGN ? ALIGN : (chunk + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	a->parent = parent;
	a->next = parent->child;
	if (a->next != NULL)
		a->next->prev = a;
	parent->child = a;
	return a;
}

lh_arena *
lh_arena_new_scratch(void)
{
	lh_arena *a = lh_arena_new();
	a->scratch = true;
	return a;
}

void
lh_arena_free(lh_arena *a)
{
	if (a == NULL)
		return;
	while (a->child != NULL)
		lh_arena_free(a->child);
	if (a->parent != NULL) {
		if (a->prev != NULL)
			a->prev->next = a->next;
		else
			a->parent->child = a->next;
		if (a->next != NULL)
			a->next->prev = a->prev;
	}
	for (struct chunk *c = a->head, *next; c != NULL; c = next) {
		next = c->next;
		chunk_free(c);
	}
	for (struct chunk *c = a->spare, *next; c != NULL; c = next) {
		next = c->next;
		chunk_free(c);
	}
	free(a);
}

lh_arena_mark
lh_arena_get_mark(const lh_arena *a)
{
	lh_arena_mark m = {.chunk = a->head, .used = a->head ? a->head->used : 0,
	    .total = a->total};
	return m;
}

void
lh_arena_release(lh_arena *a, lh_arena_mark m)
{
	struct chunk *c = a->head;
	while (c != NULL && c != m.chunk) {
		struct chunk *next = c->next;
		if (a->scratch)
			a->held -= c->size;
		if (a->scratch && c->size == CHUNK_MIN && a->nspare < SPARE_MAX) {
			/* cleared when it is handed out again (what is); poisoned under
			 * ASan meanwhile, so a pointer kept into it is still caught (a
			 * fresh chunk per evaluation made 100,000 locals take 20 s there) */
			if (c->used > c->dirty)
				c->dirty = c->used;
			POISON(c->data, c->size);
			c->used = 0;
			c->next = a->spare;
			a->spare = c;
			a->nspare++;
			c = next;
			continue;
		}
		chunk_free(c);
		c = next;
	}
	a->head = c;
	if (c != NULL && c->used > m.used) {
		if (c->used > c->dirty)
			c->dirty = c->used;
		POISON(c->data + m.used, c->size - m.used);
		c->used = m.used;
	}
	a->total = m.total;
}

bool
lh_arena_since(const lh_arena *a, lh_arena_mark m, const void *p)
{
	const unsigned char *q = p;
	for (const struct chunk *c = a->head; c != NULL; c = c->next) {
		bool mark = c == m.chunk;
		if (q >= c->data + (mark ? m.used : 0) && q < c->data + c->used)
			return true;
		if (mark)
			break;
	}
	return false;
}

/* lh_arena_alloc when the current chunk has no room for n (rounded) bytes. */
static __attribute__((noinline)) void *
alloc_slow(lh_arena *a, size_t n)
{
	struct chunk *c = a->head;
	size_t size = n > a->chunk ? n : a->chunk;
	/* A scratch arena's chunks grow with it (half of what it holds), so that
	 * lh_arena_since walks a few chunks however big the evaluation is. */
	if (a->scratch && size < a->held / 2)
		size = (a->held / 2 + CHUNK_MIN - 1) / CHUNK_MIN * CHUNK_MIN;
	if (a->spare != NULL && size == CHUNK_MIN) {
		c = a->spare;
		a->spare = c->next;
		a->nspare--;
		c->next = a->head;
		a->head = c;
		a->held += c->size;
		void *p = c->data;
		UNPOISON(p, n);
		memset(p, 0, n < c->dirty ? n : c->dirty);
		c->used = n;
		a->total += n;
		return p;
	}
	if (n > a->chunk / 4 && c != NULL && !a->scratch) {
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
	if (a->scratch)
		a->held += size;
	void *p = c->data;
	UNPOISON(p, n);	/* (a fresh chunk is zeroed) */
	c->used = n;
	a->total += n;
	return p;
}

/* The common case - room in the current chunk - calls nothing (the rest is
 * alloc_slow), so that it saves no registers: a run allocates millions of times. */
void *
lh_arena_alloc(lh_arena *a, size_t n)
{
	n = n == 0 ? ALIGN : (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	struct chunk *c = a->head;
	if (__builtin_expect(c == NULL || c->size - c->used < n, 0))
		return alloc_slow(a, n);
	unsigned char *p = c->data + c->used;
	if (a->scratch) {
		UNPOISON(p, n);
		if (c->used < c->dirty) {
			/* handed out before a release: cleared now */
			size_t k = n < c->dirty - c->used ? n : c->dirty - c->used;
			for (size_t i = 0; i < k; i += 8)
				memcpy(p + i, &(uint64_t){0}, 8);
		}
	}
	c->used += n;
	a->total += n;
	return p;
}

bool
lh_arena_trim(lh_arena *a, void *p, size_t n, size_t keep)
{
	struct chunk *c = a->head;
	n = n == 0 ? ALIGN : (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	keep = (keep + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (c == NULL || keep >= n || (unsigned char *)p + n != c->data + c->used ||
	    (unsigned char *)p < c->data)
		return false;
	c->used -= n - keep;
	a->total -= n - keep;
	if (a->scratch)
		POISON(c->data + c->used, n - keep);
	return true;
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
