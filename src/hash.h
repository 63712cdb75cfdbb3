/* hash.h - a fast non-cryptographic hash of byte strings, for in-memory tables (the
 * shared keys of json.c, json_arena.c's sharing of alike strings and arrays, the
 * state's instances).  Reads 8 bytes at a time, the tail in one or two loads; not
 * stable across versions, never stored. */
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
	size_t left = n;
	for (; left > 8; left -= 8, b += 8) {
		uint64_t w;
		memcpy(&w, b, 8);
		h = lh_hash_mix(h, w);
	}
	/* the last 1-8 bytes: from the string's last 8 when it has them (some hashed
	 * again), else from two loads that may overlap; the length tells "a" from "a\0" */
	uint64_t w;
	if (n >= 8) {
		memcpy(&w, b + left - 8, 8);
	} else if (left >= 4) {
		uint32_t lo, hi;
		memcpy(&lo, b, 4);
		memcpy(&hi, b + left - 4, 4);
		w = (uint64_t)hi << 32 | lo;
	} else if (left > 0) {
		w = (uint64_t)b[0] | (uint64_t)b[left / 2] << 8 | (uint64_t)b[left - 1] << 16;
	} else {
		w = 0;
	}
	/* mixed once more: the load above puts a string's last bytes in w's high bits,
	 * which one mix never brings down to the low bits tables index by ("t000/u007"
	 * and "t000/u008" shared their low 11 bits: 1,717 of 2,000 collided in 8,192
	 * slots, 233 now) */
	return lh_hash_mix(lh_hash_mix(h + n, w), 0);
}

/* The first 8 and the last 8 bytes of t[0..n) (n < 8: all of them, in two loads that
 * may overlap; they overlap when n < 16): with n they tell any two strings of at most
 * 16 bytes apart. */
static inline void
lh_hash_ends(const void *p, size_t n, uint64_t *w0, uint64_t *w1)
{
	const unsigned char *t = p;
	*w0 = *w1 = 0;
	if (n >= 8) {
		memcpy(w0, t, 8);
		memcpy(w1, t + n - 8, 8);
	} else if (n >= 4) {
		uint32_t lo, hi;
		memcpy(&lo, t, 4);
		memcpy(&hi, t + n - 4, 4);
		*w0 = (uint64_t)hi << 32 | lo;
	} else if (n > 0) {
		*w0 = (uint64_t)t[0] | (uint64_t)t[n / 2] << 8 | (uint64_t)t[n - 1] << 16;
	}
}

/* A slot of a table of 2^bits (1-63) for n and the ends w0, w1 (lh_hash_ends): the top
 * bits of the last product, which every bit of the input reaches (a string's last bytes
 * are w1's high bits, which the low bits of a mix never see). */
static inline size_t
lh_hash_ends_slot(size_t n, uint64_t w0, uint64_t w1, unsigned bits)
{
	uint64_t h = (lh_hash_mix(LH_HASH0 + n, w0) ^ w1) * 0x9E3779B97F4A7C15u;
	return (size_t)(h >> (64 - bits));
}

static inline uint64_t
lh_hash_bytes(const void *p, size_t n)
{
	return lh_hash_more(LH_HASH0, p, n);
}

#endif
