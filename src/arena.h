/* arena.h - bump allocator for everything derived from source text.
 *
 * Syntax trees, evaluated values and diagnostics live in an arena that is freed in one
 * go at the end of a command: no per-node frees.  Allocation never fails (out of memory
 * aborts with a message), so callers need not check for NULL. */
#ifndef LH_ARENA_H
#define LH_ARENA_H
#include <stdbool.h>
#include <stddef.h>

typedef struct lh_arena lh_arena;

/* Returns a new empty arena; free it with lh_arena_free. */
lh_arena *lh_arena_new(void);
/* A new empty arena whose chunks are at least chunk bytes (instead of 1 MiB: the
 * pages of a small arena's mapping that are used are all it costs), freed on its own
 * with lh_arena_free or else with parent (which must be a plain arena, not a
 * scratch one).  Parse trees whose parts are freed early use them (parse.h). */
lh_arena *lh_arena_new_child(lh_arena *parent, size_t chunk);
/* Frees the arena, its children and everything allocated from them. NULL is
 * ignored. */
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
/* Gives back the end of the last block handed out: p, of n bytes (as asked for),
 * keeps its first keep bytes; the rest must be zero again (as it was handed out).
 * Nothing happens (false) when p is not the last block of a's current chunk. */
bool lh_arena_trim(lh_arena *a, void *p, size_t n, size_t keep);
/* Total bytes handed out (for benchmarks). */
size_t lh_arena_used(const lh_arena *a);

/* ---- scratch arenas: marks and release (stack discipline) ----
 *
 * An evaluation makes many intermediate values (the lists a for expression walks, the
 * strings a function builds on the way) of which only the result is kept.  It takes a
 * mark of a scratch arena, evaluates there, copies the result out (lh_val_keep) and
 * releases the mark: everything allocated since is freed (or kept for reuse) at once.
 * Marks nest: releases must come in the reverse order of the marks.  Memory handed
 * out again after a release is cleared then (only what is reused), so allocations
 * stay zeroed.  In AddressSanitizer
 * builds the released memory is freed or poisoned, so a pointer kept into it is
 * caught at its first use. */
typedef struct lh_arena_mark {
	void *chunk;		/* the current chunk when marked (NULL: none yet) */
	size_t used;		/* its bytes used then */
	size_t total;		/* lh_arena_used then */
} lh_arena_mark;

/* A new scratch arena: as lh_arena_new, except that big blocks do not go behind the
 * current chunk (so that every allocation after a mark is in chunks newer than the
 * mark's), and released chunks are kept for reuse. */
lh_arena *lh_arena_new_scratch(void);
/* The arena's current position.  (Only for scratch arenas.) */
lh_arena_mark lh_arena_get_mark(const lh_arena *a);
/* Frees everything allocated in a since mark m (made by lh_arena_get_mark on a, not
 * released yet, and no mark made after it still open). */
void lh_arena_release(lh_arena *a, lh_arena_mark m);
/* True when p points into memory a handed out after mark m (still not released). */
bool lh_arena_since(const lh_arena *a, lh_arena_mark m, const void *p);

/* Builds whose malloc is a sanitizer's (which also checks for leaks at exit), and
 * AddressSanitizer's builds among them (LH_ASAN: arena.c poisons released scratch
 * memory, state.c checks its fast address texts). */
#if defined(__SANITIZE_ADDRESS__)
#define LH_SANITIZED_MALLOC 1
#define LH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define LH_SANITIZED_MALLOC 1
#endif
#if __has_feature(address_sanitizer)
#define LH_ASAN 1
#endif
#endif

/* Whether a command that is about to end frees the big structures it built (a run's
 * records and plan: thousands of cJSON trees).  True in sanitizer builds, whose leak
 * check must see everything freed, and with LITEHCL_FREE_AT_EXIT=1 (valgrind);
 * otherwise false: the system reclaims the memory at exit at once, and freeing it
 * piece by piece was a tenth of a no-op plan of 2,300 objects (as compilers skip
 * freeing at exit).  Only memory is left: files, locks and connections are closed as
 * always. */
bool lh_free_at_exit(void);

#endif
