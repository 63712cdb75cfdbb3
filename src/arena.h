/* arena.h - bump allocator for everything derived from source text.
 *
 * Syntax trees, evaluated values and diagnostics live in an arena that is freed in one
 * go at the end of a command: no per-node frees.  Allocation never fails (out of memory
 * aborts with a message), so callers need not check for NULL. */
#ifndef LH_ARENA_H
#define LH_ARENA_H
#include <stddef.h>

typedef struct lh_arena lh_arena;

/* Returns a new empty arena; free it with lh_arena_free. */
lh_arena *lh_arena_new(void);
/* Frees the arena and everything allocated from it. NULL is ignored. */
void lh_arena_free(lh_arena *a);
/* Returns n bytes aligned for any type, zero-filled, valid until lh_arena_free. */
void *lh_arena_alloc(lh_arena *a, size_t n);
/* Returns a NUL-terminated copy of s[0..n) in the arena. */
char *lh_arena_strndup(lh_arena *a, const char *s, size_t n);
/* Returns a NUL-terminated copy of s in the arena. */
char *lh_arena_strdup(lh_arena *a, const char *s);
/* printf into the arena; returns the NUL-terminated result. */
char *lh_arena_printf(lh_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Grows an arena array: returns a copy of old (n elements of size sz) with room for
 * at least need elements; old is abandoned in the arena. */
void *lh_arena_grow(lh_arena *a, void *old, size_t n, size_t need, size_t sz);
/* Total bytes handed out (for benchmarks). */
size_t lh_arena_used(const lh_arena *a);

#endif
