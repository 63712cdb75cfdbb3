/* hash.h - a fast non-cryptographic hash of byte strings, for in-memory tables (the
 * shared keys of json.c, json_arena.c's sharing of alike strings and arrays).  Reads 8
 * bytes at a time; not stable across versions, never stored. */
#ifndef LH_HASH_H
#define LH_HASH_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define LH_HASH0 0x243F6A8885A308D3u

static inline uint64_t
lh_hash_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9E3779B97F4A7C15u;
	return h ^ h >> 29;
}

/* Continues h with p[0..n). */
static inline uint64_t
lh_hash_more(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (; n >= 8; n -= 8, b += 8) {
		uint64_t w;
		memcpy(&w, b, 8);
		h = lh_hash_mix(h, w);
	}
	uint64_t w = (uint64_t)n << 56;	/* the tail's length, so "a" and "a\0" differ */
	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)b[i] << (8 * i);
	return lh_hash_mix(h, w);
}

static inline uint64_t
lh_hash_bytes(const void *p, size_t n)
{
	return lh_hash_more(LH_HASH0, p, n);
}

#endif
