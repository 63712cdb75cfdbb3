/* func_hash.c - hash and id functions: md5 sha1 sha256 (implemented here from their
 * specifications, RFC 1321 and FIPS 180-4) and uuid (version 4, via uuid.h). */
#include "func_impl.h"

#include <string.h>

#include "uuid.h"

static uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }
static uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

/* Pads msg MD-style into a fresh arena buffer: returns its length (multiple of 64). */
static size_t
md_pad(lh_arena *a, const unsigned char *msg, size_t len, unsigned char **out, bool big_endian)
{
	size_t total = ((len + 8) / 64 + 1) * 64;
	unsigned char *p = lh_arena_alloc(a, total);
	memcpy(p, msg, len);
	p[len] = 0x80;
	uint64_t bits = (uint64_t)len * 8;
	for (int i = 0; i < 8; i++)
		p[total - 8 + i] = big_endian ? (unsigned char)(bits >> (56 - 8 * i)) :
		    (unsigned char)(bits >> (8 * i));
	*out = p;
	return total;
}

static void
md5(lh_arena *a, const unsigned char *msg, size_t len, unsigned char out[16])
{
	static const uint32_t K[64] = {
		0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
		0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
		0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
		0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
		0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
		0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
		0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
		0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391 };
	static const int R[64] = { 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
		5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
		4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
		6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21 };
	uint32_t h[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
	unsigned char *p;
	size_t total = md_pad(a, msg, len, &p, false);
	for (size_t off = 0; off < total; off += 64) {
		uint32_t w[16];
		for (int i = 0; i < 16; i++)
			w[i] = (uint32_t)p[off + 4 * i] | (uint32_t)p[off + 4 * i + 1] << 8 |
			    (uint32_t)p[off + 4 * i + 2] << 16 | (uint32_t)p[off + 4 * i + 3] << 24;
		uint32_t A = h[0], B = h[1], C = h[2], D = h[3];
		for (int i = 0; i < 64; i++) {
			uint32_t F;
			int g;
			if (i < 16) { F = (B & C) | (~B & D); g = i; }
			else if (i < 32) { F = (D & B) | (~D & C); g = (5 * i + 1) % 16; }
			else if (i < 48) { F = B ^ C ^ D; g = (3 * i + 5) % 16; }
			else { F = C ^ (B | ~D); g = (7 * i) % 16; }
			uint32_t tmp = D;
			D = C;
			C = B;
			B = B + rol(A + F + K[i] + w[g], R[i]);
			A = tmp;
		}
		h[0] += A; h[1] += B; h[2] += C; h[3] += D;
	}
	for (int i = 0; i < 4; i++)
		for (int k = 0; k < 4; k++)
			out[4 * i + k] = (unsigned char)(h[i] >> (8 * k));
}

static void
sha1(lh_arena *a, const unsigned char *msg, size_t len, unsigned char out[20])
{
	uint32_t h[5] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0 };
	unsigned char *p;
	size_t total = md_pad(a, msg, len, &p, true);
	for (size_t off = 0; off < total; off += 64) {
		uint32_t w[80];
		for (int i = 0; i < 16; i++)
			w[i] = (uint32_t)p[off + 4 * i] << 24 | (uint32_t)p[off + 4 * i + 1] << 16 |
			    (uint32_t)p[off + 4 * i + 2] << 8 | (uint32_t)p[off + 4 * i + 3];
		for (int i = 16; i < 80; i++)
			w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
		uint32_t A = h[0], B = h[1], C = h[2], D = h[3], E = h[4];
		for (int i = 0; i < 80; i++) {
			uint32_t f, k;
			if (i < 20) { f = (B & C) | (~B & D); k = 0x5A827999; }
			else if (i < 40) { f = B ^ C ^ D; k = 0x6ED9EBA1; }
			else if (i < 60) { f = (B & C) | (B & D) | (C & D); k = 0x8F1BBCDC; }
			else { f = B ^ C ^ D; k = 0xCA62C1D6; }
			uint32_t t = rol(A, 5) + f + E + k + w[i];
			E = D; D = C; C = rol(B, 30); B = A; A = t;
		}
		h[0] += A; h[1] += B; h[2] += C; h[3] += D; h[4] += E;
	}
	for (int i = 0; i < 5; i++)
		for (int k = 0; k < 4; k++)
			out[4 * i + k] = (unsigned char)(h[i] >> (24 - 8 * k));
}

static void
sha256(lh_arena *a, const unsigned char *msg, size_t len, unsigned char out[32])
{
	static const uint32_t K[64] = {
		0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
		0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
		0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
		0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
		0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
		0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
		0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
		0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2 };
	uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c,
		0x1f83d9ab, 0x5be0cd19 };
	unsigned char *p;
	size_t total = md_pad(a, msg, len, &p, true);
	for (size_t off = 0; off < total; off += 64) {
		uint32_t w[64];
		for (int i = 0; i < 16; i++)
			w[i] = (uint32_t)p[off + 4 * i] << 24 | (uint32_t)p[off + 4 * i + 1] << 16 |
			    (uint32_t)p[off + 4 * i + 2] << 8 | (uint32_t)p[off + 4 * i + 3];
		for (int i = 16; i < 64; i++) {
			uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
			uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
			w[i] = w[i - 16] + s0 + w[i - 7] + s1;
		}
		uint32_t v[8];
		memcpy(v, h, sizeof v);
		for (int i = 0; i < 64; i++) {
			uint32_t S1 = ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25);
			uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
			uint32_t t1 = v[7] + S1 + ch + K[i] + w[i];
			uint32_t S0 = ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22);
			uint32_t mj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
			uint32_t t2 = S0 + mj;
			memmove(v + 1, v, 7 * sizeof *v);
			v[4] += t1;
			v[0] = t1 + t2;
		}
		for (int i = 0; i < 8; i++)
			h[i] += v[i];
	}
	for (int i = 0; i < 8; i++)
		for (int k = 0; k < 4; k++)
			out[4 * i + k] = (unsigned char)(h[i] >> (24 - 8 * k));
}

static lh_value *
hex(lh_func_ctx *c, const unsigned char *d, size_t n)
{
	char *s = lh_arena_alloc(c->a, 2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = "0123456789abcdef"[d[i] >> 4];
		s[2 * i + 1] = "0123456789abcdef"[d[i] & 15];
	}
	return lh_val_string(c->a, s, 2 * n);
}

#define MSG(v) (const unsigned char *)(v)->u.str.s, (v)->u.str.len

static lh_value *
f_md5(lh_func_ctx *c, lh_value **a, size_t n)
{
	unsigned char d[16];
	md5(c->a, MSG(a[0]), d);
	return hex(c, d, 16);
}

static lh_value *
f_sha1(lh_func_ctx *c, lh_value **a, size_t n)
{
	unsigned char d[20];
	sha1(c->a, MSG(a[0]), d);
	return hex(c, d, 20);
}

static lh_value *
f_sha256(lh_func_ctx *c, lh_value **a, size_t n)
{
	unsigned char d[32];
	sha256(c->a, MSG(a[0]), d);
	return hex(c, d, 32);
}

static lh_value *
f_uuid(lh_func_ctx *c, lh_value **a, size_t n)
{
	char u[LH_UUID_LEN + 1];
	if (!lh_uuid_v4(u))
		return lh_fn_fail(c, "cannot read the system's random source");
	return lh_val_cstr(c->a, u);
}

#define STR(nm) { .name = nm, .type = &lh_type_string }
const lh_fdef lh_func_hash[] = {
	{ "md5", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_md5 },
	{ "sha1", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_sha1 },
	{ "sha256", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_sha256 },
	{ "uuid", 0, { { 0 } }, false, { 0 }, &lh_type_string, f_uuid },
};
const size_t lh_func_hash_n = sizeof lh_func_hash / sizeof lh_func_hash[0];
