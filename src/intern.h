/* intern.h - lh_intern_n's per-thread cache of shared keys (json.c), inline: the JSON
 * parser (json_arena.c) looks every object key up here without a call.
 *
 * An entry is a key's length and ends (lh_hash_ends), which are all of it up to 16
 * bytes; a longer key's middle is compared by lh_intern_miss.  A held key never moves,
 * and the cache is per thread, so an entry needs no lock. */
#ifndef LH_INTERN_H
#define LH_INTERN_H
#include <stddef.h>
#include <stdint.h>

#include "hash.h"

#define LH_INTERN_MAX_LEN 48	/* longer keys are never shared */
#define LH_INTERN_MAX 4096	/* keys the shared table holds at most */
#define LH_KEY_CACHE_BITS 8

typedef struct lh_key_ent {
	const char *k;	/* the shared copy, NULL: empty */
	uint64_t w0, w1;
	size_t n;
} lh_key_ent;

extern _Thread_local lh_key_ent lh_key_cache[1 << LH_KEY_CACHE_BITS];

/* lh_intern_cached past its fast path: e, the entry of s[0..n) (w0, w1 its ends), may
 * hold a key longer than 16 bytes whose ends match; else the shared table answers. */
const char *lh_intern_miss(lh_key_ent *e, const char *s, size_t n, size_t limit,
    uint64_t w0, uint64_t w1);

/* The shared copy of s[0..n) (s[n] need not be its NUL), interned while the table holds
 * fewer than limit keys; NULL when it is not kept. */
static inline const char *
lh_intern_cached(const char *s, size_t n, size_t limit)
{
	if (n > LH_INTERN_MAX_LEN)
		return NULL;
	uint64_t w0, w1;
	lh_hash_ends(s, n, &w0, &w1);
	lh_key_ent *e = &lh_key_cache[lh_hash_ends_slot(n, w0, w1, LH_KEY_CACHE_BITS)];
	if (((e->w0 ^ w0) | (e->w1 ^ w1) | (e->n ^ n)) == 0 && e->k != NULL && n <= 16)
		return e->k;
	return lh_intern_miss(e, s, n, limit, w0, w1);
}

#endif
