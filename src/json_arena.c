/* json_arena.c - JSON into arena-held cJSON trees (json_arena.h).
 *
 * The grammar is cJSON 1.7's, so that a file reads the same as through
 * cJSON_ParseWithLengthOpts: whitespace is any byte <= 0x20, a UTF-8 BOM is skipped,
 * escapes \b \f \n \r \t \" \\ \/ \uXXXX (surrogates paired), raw control characters
 * allowed in strings, numbers are the longest run of [0-9+-.eE] read by strtod (the
 * whole run, as the cJSON installed reads it; releases without Debian's fix stopped at
 * 63 bytes), nesting at most CJSON_NESTING_LIMIT.  A text this parser refuses is
 * parsed again by cJSON, whose tree (copied) or error position is the answer: both
 * parsers agree on every document, and errors read as before.  (It refuses a few that
 * cJSON accepts - a bad \u escape, nesting at cJSON's very limit: quick parses return
 * NULL for them, json_arena.h.) */
#include "json_arena.h"
#include "hash.h"
#include "intern.h"

#include <float.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "utf8.h"
#include "value.h"

/* Scratch memory: blocks kept for the next parse (lh_jscratch_reset). */
typedef struct sblock {
	struct sblock *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
} sblock;

struct lh_jscratch {
	sblock *head;		/* blocks in use, newest first */
	sblock *spare;		/* blocks given back by a reset */
};

#define SBLOCK_MIN (64 * 1024 - 64)	/* below malloc's mmap threshold: reused */

lh_jscratch *
lh_jscratch_new(void)
{
	lh_jscratch *sc = calloc(1, sizeof *sc);
	if (sc == NULL) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	return sc;
}

static void
sblocks_free(sblock *b)
{
	while (b != NULL) {
		sblock *n = b->next;
		free(b);
		b = n;
	}
}

void
lh_jscratch_reset(lh_jscratch *sc)
{
	if (sc == NULL)
		return;
	while (sc->head != NULL) {
		sblock *b = sc->head;
		sc->head = b->next;
		if (b->size == SBLOCK_MIN) {
			b->next = sc->spare;
			sc->spare = b;
		} else {
			free(b);	/* a big one-off */
		}
	}
}

void
lh_jscratch_free(lh_jscratch *sc)
{
	if (sc == NULL)
		return;
	sblocks_free(sc->head);
	sblocks_free(sc->spare);
	free(sc);
}

/* n bytes (16-aligned; zeroed when zero) from sc. */
static void *
scratch_alloc(lh_jscratch *sc, size_t n, bool zero)
{
	n = (n + 15) & ~(size_t)15;
	sblock *b = sc->head;
	if (b == NULL || b->size - b->used < n) {
		if (n <= SBLOCK_MIN && sc->spare != NULL) {
			b = sc->spare;
			sc->spare = b->next;
		} else {
			size_t size = n > SBLOCK_MIN ? n : SBLOCK_MIN;
			b = malloc(sizeof *b + size);
			if (b == NULL) {
				fputs("litehcl: out of memory\n", stderr);
				abort();
			}
			b->size = size;
		}
		b->used = 0;
		b->next = sc->head;
		sc->head = b;
	}
	void *p = b->data + b->used;
	b->used += n;
	if (zero)
		memset(p, 0, n);
	return p;
}

/* A parse.  Its functions take the position in the text and return the position after
 * what they read, NULL when the text is refused. */
typedef struct {
	const char *end;
	lh_arena *a;		/* where the tree goes: a, or sc when a is NULL */
	lh_jscratch *sc;
	char *str;		/* string space: the text's length and some, so never short */
	char *str_hw;		/* the furthest a string given back (s->str moved back) reached */
	cJSON *nodes, *nodes_end;	/* fresh nodes taken as a block ... */
	bool nodes_dirty;	/* ... which are zeroed as they are handed out */
	size_t nblock;		/* nodes of the next block */
	cJSON **freep;		/* recycled nodes: &ea->free, else &none */
	cJSON *none;
	int depth;
	lh_jeach *ea;		/* lh_json_parse_each's, else NULL */
	bool quick;		/* lh_json_parse_quick: a refused text is not given to cJSON */
} ap;

/* Room past a string's end that its copy may write (a 16-byte block). */
#define STR_SLACK 32

/* Strings and small arrays of scalars seen lately, shared by the trees that
 * lh_json_parse_each or a packed copy builds (direct-mapped: a miss only costs the copy made
 * without it).  Such trees are read-only (json_arena.h). */
#define SHARE_BITS 12
#define SHARE_SLOTS (1 << SHARE_BITS)
#define SHARE_ARRAY_MAX 8	/* elements */

struct lh_jshare {
	const char *strs[SHARE_SLOTS];
	uint32_t lens[SHARE_SLOTS];	/* strs' lengths */
	const cJSON *arrs[SHARE_SLOTS];	/* child lists of arrays of scalars */
	cJSON *empty[2];	/* a packed copy's [] and {} at the top */
};

struct lh_jeach {
	const char *key;	/* the member whose array's elements fn sees ... */
	int depth;		/* ... among the members at this depth (1: the top object's) */
	lh_jeach_fn fn;
	void *ctx;
	cJSON *free;		/* recycled nodes, chained by next */
	struct lh_jshare sh;
	const char *pos;	/* just past the element fn is called for */
	bool text_gone;		/* fn gave back text behind pos: no cJSON fall-back */
};

/* A new node (zeroed) when there is no fresh one: a recycled one, else the first of a
 * block taken from the arena (16 nodes at first, doubling to 256: a small answer does
 * not take a big block; scratch memory, reused, is zeroed node by node). */
static __attribute__((noinline)) cJSON *
new_node_slow(ap *s)
{
	cJSON *n = *s->freep;
	if (n != NULL) {
		*s->freep = n->next;
		memset(n, 0, sizeof *n);
		return n;
	}
	size_t k = s->nblock < 16 ? 16 : s->nblock;
	s->nblock = k < 256 ? 2 * k : 256;
	s->nodes_dirty = s->a == NULL;
	s->nodes = s->a != NULL ? lh_arena_alloc(s->a, k * sizeof(cJSON)) :	/* zeroed */
	    scratch_alloc(s->sc, k * sizeof(cJSON), false);
	s->nodes_end = s->nodes + k;
	if (s->nodes_dirty)
		memset(s->nodes, 0, sizeof(cJSON));
	return s->nodes++;
}

static inline cJSON *
new_node(ap *s)
{
	if (*s->freep == NULL && s->nodes != s->nodes_end) {
		if (s->nodes_dirty)
			memset(s->nodes, 0, sizeof(cJSON));
		return s->nodes++;
	}
	return new_node_slow(s);
}

/* Whether x[0..n) and y[0..n) are the same bytes, read 8 at a time. */
static inline bool
same_bytes(const char *x, const char *y, size_t n)
{
	uint64_t a, b, c, d;
	if (n < 8) {
		lh_hash_ends(x, n, &a, &c);
		lh_hash_ends(y, n, &b, &d);
		return a == b;
	}
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&a, x + i, 8);
		memcpy(&b, y + i, 8);
		if (a != b)
			return false;
	}
	memcpy(&a, x + n - 8, 8);
	memcpy(&b, y + n - 8, 8);
	return a == b;
}

/* The slot of the string t (n bytes and its NUL).  Hashed by its length and ends only:
 * alike strings that differ in the middle take each other's slot (then only the
 * sharing is lost). */
static inline size_t
share_str_slot(const char *t, size_t n)
{
	uint64_t w0, w1;
	lh_hash_ends(t, n, &w0, &w1);
	return lh_hash_ends_slot(n, w0, w1, SHARE_BITS);
}

/* The string of sh's slot j when it is t[0..n), else NULL. */
static inline const char *
share_str_same(const struct lh_jshare *sh, size_t j, const char *t, size_t n)
{
	const char *x = sh->strs[j];
	return x != NULL && sh->lens[j] == n && same_bytes(x, t, n) ? x : NULL;
}

/* The slot of the list of an array's elements (first: the first element), NULL when
 * they are not a few scalars; *same: the slot holds an equal list.  by_ptr: the
 * elements' strings are hashed by their addresses (a parse that shares equal strings:
 * an equal list seen lately mostly has the same ones), else by their bytes. */
static const cJSON **
share_arr_slot(struct lh_jshare *sh, const cJSON *first, bool by_ptr, bool *same)
{
	uint64_t h = LH_HASH0;
	size_t n = 0;
	*same = false;
	for (const cJSON *c = first; c != NULL; c = c->next, n++) {
		if (n == SHARE_ARRAY_MAX || c->child != NULL || (c->type & 0xFF) == cJSON_Array ||
		    (c->type & 0xFF) == cJSON_Object)
			return NULL;
		uint64_t d;
		memcpy(&d, &c->valuedouble, sizeof d);
		h = lh_hash_mix(lh_hash_mix(h, (uint64_t)(c->type & 0xFF)), d);
		if (c->valuestring != NULL)
			h = by_ptr ? lh_hash_mix(h, (uint64_t)(uintptr_t)c->valuestring) :
			    lh_hash_more(h, c->valuestring, strlen(c->valuestring));
	}
	if (n == 0)
		return NULL;
	const cJSON **slot = &sh->arrs[h % SHARE_SLOTS];
	const cJSON *x = *slot, *y = first;
	for (; x != NULL && y != NULL; x = x->next, y = y->next) {
		if ((x->type & 0xFF) != (y->type & 0xFF) || x->valueint != y->valueint ||
		    memcmp(&x->valuedouble, &y->valuedouble, sizeof x->valuedouble) != 0 ||
		    (x->valuestring == NULL) != (y->valuestring == NULL) ||
		    (x->valuestring != y->valuestring && strcmp(x->valuestring, y->valuestring) != 0))
			break;
	}
	*same = *slot != NULL && x == NULL && y == NULL;
	return slot;
}

/* out (just written at the end of the string space, n bytes and its NUL): a string
 * seen lately with the same bytes (out's space given back), else out, remembered. */
static char *
share_string(ap *s, char *out, size_t n)
{
	struct lh_jshare *sh = &s->ea->sh;
	size_t j = share_str_slot(out, n);
	const char *x = share_str_same(sh, j, out, n);
	if (x != NULL) {
		s->str = out;
		return (char *)x;
	}
	sh->strs[j] = out;
	sh->lens[j] = (uint32_t)n;
	return out;
}

/* Gives the nodes of t (and of its children) back for the nodes made next. */
static void
recycle(lh_jeach *ea, cJSON *t)
{
	while (t != NULL) {
		cJSON *next = t->next;
		recycle(ea, t->child);
		t->next = ea->free;
		ea->free = t;
		t = next;
	}
}

/* parent: an array just parsed.  When its elements are a few scalars the same as an
 * array's seen lately, it takes that array's elements (its own are recycled). */
static void
share_array(ap *s, cJSON *parent)
{
	bool same;
	const cJSON **slot = share_arr_slot(&s->ea->sh, parent->child, true, &same);
	if (slot == NULL)
		return;
	if (same) {
		recycle(s->ea, parent->child);
		parent->child = (cJSON *)*slot;
	} else {
		*slot = parent->child;
	}
}

/* ws past at least one whitespace byte (cJSON's: any byte <= 32). */
static __attribute__((noinline)) const char *
ws_slow(const char *p, const char *end)
{
#ifdef __SSE2__
	/* a pretty-printed file's line ends and indentation: 16 bytes at a time (a byte
	 * above 32 is where the maximum of it and 33 is itself) */
	const __m128i b33 = _mm_set1_epi8(33);
	for (; end - p >= 16; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(v, b33), v));
		if (m != 0)
			return p + __builtin_ctz(m);
	}
#else
	uint64_t w;
	/* a pretty-printed file's indentation: 8 spaces at a time */
	while (end - p >= 8 && (memcpy(&w, p, 8), w == 0x2020202020202020u))
		p += 8;
#endif
	while (p < end && (unsigned char)*p <= 32)
		p++;
	return p;
}

/* p past whitespace. */
static inline const char *
ws(const char *p, const char *end)
{
	if (p < end && (unsigned char)*p > 32)
		return p;
#ifdef __SSE2__
	if (end - p >= 16) {	/* a line end and the next line's indentation */
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(v,
		    _mm_set1_epi8(33)), v));
		if (m != 0)
			return p + __builtin_ctz(m);
	}
#endif
	return ws_slow(p, end);
}

/* ws after a colon: pretty-printed, one space. */
static inline const char *
ws_colon(const char *p, const char *end)
{
	if (end - p >= 2 && *p == ' ' && (unsigned char)p[1] > 32)
		return p + 1;
	return ws(p, end);
}

/* The first '"' or '\\' in [q, end), or NULL. */
static const char *
quote_or_escape(const char *q, const char *end)
{
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
	for (; end - q >= 16; q += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
		    _mm_cmpeq_epi8(v, bs)));
		if (m != 0)
			return q + __builtin_ctz(m);
	}
#endif
	for (; q < end; q++)
		if (*q == '"' || *q == '\\')
			return q;
	return NULL;
}

/* The closing quote of the string whose bytes start at b (after its opening quote),
 * or NULL; *esc: it has escapes. */
static const char *
string_end(const char *b, const char *end, bool *esc)
{
	const char *q = b;
	for (;;) {
		q = quote_or_escape(q, end);
		if (q == NULL)
			return NULL;
		if (*q == '"')
			return q;
		*esc = true;
		if (q + 1 >= end)
			return NULL;
		q += 2;
	}
}

static bool
hex4(const char *p, const char *end, unsigned *out)
{
	if (end - p < 4)
		return false;
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int h = lh_hexval(p[i]);
		if (h < 0)
			return false;
		v = v << 4 | (unsigned)h;
	}
	*out = v;
	return true;
}

/* The bytes of [b, q) (a string's, with escapes) decoded into the string space,
 * NUL-terminated; NULL on a bad escape. */
static char *
unescape(ap *s, const char *b, const char *q)
{
	char *out = s->str, *o = out;
	for (const char *i = b; i < q;) {
		if (*i != '\\') {
			*o++ = *i++;
			continue;
		}
		switch (i[1]) {
		case 'b': *o++ = '\b'; i += 2; break;
		case 'f': *o++ = '\f'; i += 2; break;
		case 'n': *o++ = '\n'; i += 2; break;
		case 'r': *o++ = '\r'; i += 2; break;
		case 't': *o++ = '\t'; i += 2; break;
		case '"': case '\\': case '/': *o++ = i[1]; i += 2; break;
		case 'u': {
			unsigned c1, c2, cp;
			if (!hex4(i + 2, q, &c1) || (c1 >= 0xDC00 && c1 <= 0xDFFF))
				return NULL;
			i += 6;
			if (c1 >= 0xD800 && c1 <= 0xDBFF) {
				if (q - i < 6 || i[0] != '\\' || i[1] != 'u' ||
				    !hex4(i + 2, q, &c2) || c2 < 0xDC00 || c2 > 0xDFFF)
					return NULL;
				i += 6;
				cp = 0x10000 + (((c1 & 0x3FF) << 10) | (c2 & 0x3FF));
			} else {
				cp = c1;
			}
			if (cp < 0x80) {
				*o++ = (char)cp;
			} else if (cp < 0x800) {
				*o++ = (char)(0xC0 | cp >> 6);
				*o++ = (char)(0x80 | (cp & 0x3F));
			} else if (cp < 0x10000) {
				*o++ = (char)(0xE0 | cp >> 12);
				*o++ = (char)(0x80 | (cp >> 6 & 0x3F));
				*o++ = (char)(0x80 | (cp & 0x3F));
			} else {
				*o++ = (char)(0xF0 | cp >> 18);
				*o++ = (char)(0x80 | (cp >> 12 & 0x3F));
				*o++ = (char)(0x80 | (cp >> 6 & 0x3F));
				*o++ = (char)(0x80 | (cp & 0x3F));
			}
			break;
		}
		default:
			return NULL;
		}
	}
	*o++ = '\0';
	s->str = o;
	return out;
}

/* A string value whose bytes start at b (after its opening quote) into v: its bytes
 * (NUL-terminated) in the string space.  Without escapes (nearly every string) the
 * bytes are copied as they are scanned, 16 at a time (the string space has STR_SLACK
 * bytes to spare). */
static inline __attribute__((always_inline)) const char *
pstring(ap *s, const char *b, cJSON *v)
{
	const char *end = s->end, *q = b;
	char *out = s->str;
	size_t n;
	v->type = cJSON_String;
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
	for (; end - q >= 16; q += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)q);
		_mm_storeu_si128((__m128i *)(void *)(out + (q - b)), x);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, quote),
		    _mm_cmpeq_epi8(x, bs)));
		if (m != 0) {
			q += __builtin_ctz(m);
			if (*q != '"')
				break;	/* an escape */
			n = (size_t)(q - b);
			goto plain;
		}
	}
#endif
	bool esc = false;
	q = string_end(q, end, &esc);
	if (q == NULL)
		return NULL;
	if (esc) {
		v->valuestring = unescape(s, b, q);
		if (v->valuestring == NULL)
			return NULL;
		n = (size_t)(s->str - v->valuestring) - 1;
		goto done;
	}
	n = (size_t)(q - b);
	memcpy(out, b, n);
plain:
	out[n] = '\0';
	s->str = out + n + 1;
	v->valuestring = out;
done:
	if (s->ea != NULL)
		v->valuestring = share_string(s, v->valuestring, n);
	return q + 1;
}

/* A member's key whose bytes start at b (after its opening quote) into item: the
 * shared copy when it is kept (flagged constant; its bytes are not copied), else a
 * copy in the string space. */
static const char *
pkey(ap *s, const char *b, cJSON *item)
{
	const char *end = s->end, *q;
	bool esc = false;
#ifdef __SSE2__
	if (end - b >= 16) {	/* most keys are shorter */
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)b);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))));
		if (m != 0 && b[__builtin_ctz(m)] == '"') {
			q = b + __builtin_ctz(m);
			goto plain;
		}
	}
#endif
	q = string_end(b, end, &esc);
	if (q == NULL)
		return NULL;
	char *k;
	size_t n;
	if (esc) {
		k = unescape(s, b, q);
		if (k == NULL)
			return NULL;
		n = (size_t)(s->str - k) - 1;
		const char *shared = lh_intern_n(k, n);
		if (shared != NULL) {
			if (k + n + 1 > s->str_hw)
				s->str_hw = k + n + 1;
			s->str = k;	/* the bytes are not needed */
			item->string = (char *)shared;
			item->type = cJSON_StringIsConst;
		} else {
			item->string = k;
		}
		return q + 1;
	}
plain:
	n = (size_t)(q - b);
	const char *shared = lh_intern_cached(b, n, LH_INTERN_MAX);
	if (shared != NULL) {
		item->string = (char *)shared;
		item->type = cJSON_StringIsConst;
		return q + 1;
	}
	k = s->str;
	memcpy(k, b, n);
	k[n] = '\0';
	s->str = k + n + 1;
	item->string = k;
	return q + 1;
}

/* Whether a number's double cannot carry its text (json.c's needs_text). */
static bool
needs_text(const char *t, size_t n)
{
	size_t digits = 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i] >= '0' && t[i] <= '9')
			digits++;
		else if (!(i == 0 && t[i] == '-'))
			return true;
	}
	return digits > 15;
}

static void
set_number(cJSON *n, double d)
{
	n->type = cJSON_Number;
	n->valuedouble = d;
	n->valueint = d >= INT_MAX ? INT_MAX : d <= (double)INT_MIN ? INT_MIN : (int)d;
}

/* Whether p < end is not where a number read by strtod goes on (a sign after the
 * digits ends strtod's number as well). */
static inline bool
number_ends(const char *p, const char *end)
{
	return p == end || !((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E');
}

#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
static const double pow10s[16] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15};
#endif

/* A number at p as cJSON reads it: the longest run of [0-9+-.eE] through strtod.  Without strtod: an integer of at most 15 digits (exact in a double,
 * and what strtod would make of it), and a decimal of at most 15 digits without an
 * exponent, whose digits as an integer (exact) divided by a power of ten (exact) is
 * rounded once, correctly, as strtod rounds (when doubles are evaluated as doubles). */
static const char *
pnumber(ap *s, const char *p, cJSON *n)
{
	const char *end = s->end;
	size_t i = *p == '-', digits = 0;
	uint64_t v = 0;
	for (; p + i < end && p[i] >= '0' && p[i] <= '9' && digits < 16; i++, digits++)
		v = v * 10 + (uint64_t)(p[i] - '0');
	if (digits > 0 && digits <= 15 && number_ends(p + i, end)) {
		set_number(n, *p == '-' ? -(double)v : (double)v);
		return p + i;
	}
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
	if (digits > 0 && digits <= 15 && p[i] == '.') {
		size_t j = i + 1, frac = 0;
		for (; p + j < end && p[j] >= '0' && p[j] <= '9' && digits < 16; j++, digits++, frac++)
			v = v * 10 + (uint64_t)(p[j] - '0');
		if (frac > 0 && digits <= 15 && number_ends(p + j, end)) {
			double d = (double)v / pow10s[frac];
			set_number(n, *p == '-' ? -d : d);
			char *t = s->str;	/* a '.': the text is kept (needs_text) */
			memcpy(t, p, j);
			t[j] = '\0';
			s->str += j + 1;
			n->valuestring = t;
			return p + j;
		}
	}
#endif
	/* the whole run, as Debian's cJSON reads it (upstream's stops at 63 bytes) */
	size_t k = 0;
	while (p + k < end) {
		char c = p[k];
		if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'e' || c == 'E' ||
		    c == '.'))
			break;
		k++;
	}
	char small[64], *buf = k < sizeof small ? small : malloc(k + 1);
	if (buf == NULL) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	memcpy(buf, p, k);
	buf[k] = '\0';
	char *after = NULL;
	double d = strtod(buf, &after);
	size_t used = (size_t)(after - buf);
	if (buf != small)
		free(buf);
	if (used == 0)
		return NULL;
	set_number(n, d);
	if (needs_text(p, used)) {
		char *t = s->str;
		memcpy(t, p, used);
		t[used] = '\0';
		s->str += used + 1;
		n->valuestring = t;
	}
	return p + used;
}

static const char *pitems(ap *s, const char *p, cJSON *parent, bool object);
static cJSON *copy(lh_arena *a, lh_jscratch *sc, lh_jpack *pk, const cJSON *j);

/* A literal or a number at p into v. */
static const char *
pscalar(ap *s, const char *p, cJSON *v)
{
	size_t left = (size_t)(s->end - p);
	switch (p < s->end ? *p : '\0') {
	case 'n':
		if (left >= 4 && memcmp(p, "null", 4) == 0) {
			v->type = cJSON_NULL;
			return p + 4;
		}
		return NULL;
	case 't':
		if (left >= 4 && memcmp(p, "true", 4) == 0) {
			v->type = cJSON_True;
			v->valueint = 1;
			return p + 4;
		}
		return NULL;
	case 'f':
		if (left >= 5 && memcmp(p, "false", 5) == 0) {
			v->type = cJSON_False;
			return p + 5;
		}
		return NULL;
	default:	/* (p may be the end: '\0' above) */
		if (left > 0 && (*p == '-' || (*p >= '0' && *p <= '9')))
			return pnumber(s, p, v);
		return NULL;
	}
}

/* The value at p (after whitespace) into v (inline: only containers cost a call). */
static inline __attribute__((always_inline)) const char *
pvalue(ap *s, const char *p, cJSON *v)
{
	if (p < s->end && *p == '"')
		return pstring(s, p + 1, v);
	if (p < s->end && (*p == '{' || *p == '['))
		return pitems(s, p + 1, v, *p == '{');
	if (s->end - p >= 4 && memcmp(p, "null", 4) == 0) {
		v->type = cJSON_NULL;
		return p + 4;
	}
	if (p < s->end && *p >= '0' && *p <= '9')
		return pnumber(s, p, v);
	return pscalar(s, p, v);
}

/* The elements of an array or the members of an object (p after the bracket). */
static __attribute__((noinline)) const char *
pitems(ap *s, const char *p, cJSON *parent, bool object)
{
	const char *end = s->end;
	char close = object ? '}' : ']';
	if (++s->depth > CJSON_NESTING_LIMIT)
		return NULL;
	parent->type = object ? cJSON_Object : cJSON_Array;
	p = ws(p, end);
	if (p < end && *p == close) {
		s->depth--;
		return p + 1;
	}
	/* the elements of the array lh_json_parse_each's function sees */
	bool each = !object && s->ea != NULL && s->depth == s->ea->depth + 1 &&
	    parent->string != NULL && strcmp(parent->string, s->ea->key) == 0;
	cJSON *head = NULL, *tail = NULL;
	for (;;) {
		cJSON *item = new_node(s);
		p = ws(p, end);
		if (object) {
			if (p >= end || *p != '"' || (p = pkey(s, p + 1, item)) == NULL)
				return NULL;
			if (p >= end || *p != ':') {
				p = ws(p, end);
				if (p >= end || *p != ':')
					return NULL;
			}
			p = ws_colon(p + 1, end);
		}
		int flags = item->type;
		if ((p = pvalue(s, p, item)) == NULL)
			return NULL;
		item->type |= flags;
		if (head == NULL) {
			head = item;
		} else {
			tail->next = item;
			item->prev = tail;
		}
		tail = item;
		if (each) {
			s->ea->pos = p;
			s->ea->fn(s->ea->ctx, item, s->ea);
		}
		if (p >= end || *p != ',')
			p = ws(p, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p == close) {
			p++;
			break;
		}
		return NULL;
	}
	head->prev = tail;
	parent->child = head;
	if (!object && s->ea != NULL)
		share_array(s, parent);
	s->depth--;
	return p;
}

static cJSON *parse(ap *s, const char *text, size_t len, const char **end);

cJSON *
lh_json_parse_arena(lh_arena *a, const char *text, size_t len, const char **end)
{
	ap s = {.a = a};
	return parse(&s, text, len, end);
}

cJSON *
lh_json_parse_scratch(lh_jscratch *sc, const char *text, size_t len, const char **end)
{
	ap s = {.sc = sc};
	return parse(&s, text, len, end);
}

cJSON *
lh_json_parse_quick(lh_arena *a, lh_jscratch *sc, const char *text, size_t len,
    const char **end)
{
	ap s = {.a = a, .sc = a == NULL ? sc : NULL, .quick = true};
	return parse(&s, text, len, end);
}

size_t
lh_jscratch_used(const lh_jscratch *sc)
{
	size_t n = 0;
	for (const sblock *b = sc != NULL ? sc->head : NULL; b != NULL; b = b->next)
		n += b->used;
	return n;
}

cJSON *
lh_json_parse_each(lh_arena *a, const char *text, size_t len, const char **end,
    const char *key, int depth, lh_jeach_fn fn, void *ctx)
{
	lh_jeach *ea = calloc(1, sizeof *ea);
	if (ea == NULL) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	ea->key = key;
	ea->depth = depth;
	ea->fn = fn;
	ea->ctx = ctx;
	ap s = {.a = a, .ea = ea};
	cJSON *v = parse(&s, text, len, end);
	free(ea);
	return v;
}

const char *
lh_jeach_pos(const lh_jeach *ea)
{
	return ea->pos;
}

void
lh_jeach_text_gone(lh_jeach *ea)
{
	ea->text_gone = true;
}

void
lh_jeach_recycle(lh_jeach *ea, cJSON *node)
{
	node->child = NULL;	/* its children are not given back: they may be shared */
	node->prev = NULL;
	node->next = ea->free;
	ea->free = node;
}

/* At least the nodes a parse of [p, end) makes: one for each value, which is the top
 * one or follows a '[', a '{' or a ',' (bytes in strings counted too). */
static size_t
nodes_most(const char *p, const char *end)
{
	size_t n = 1;
#ifdef __SSE2__
	const __m128i ob = _mm_set1_epi8('{'), ab = _mm_set1_epi8('['), cm = _mm_set1_epi8(',');
	for (; end - p >= 16; p += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
		    _mm_cmpeq_epi8(x, ob), _mm_cmpeq_epi8(x, ab)), _mm_cmpeq_epi8(x, cm)));
		n += (size_t)__builtin_popcount(m);
	}
#endif
	for (; p < end; p++)
		n += *p == '{' || *p == '[' || *p == ',';
	return n;
}

static cJSON *
parse(ap *s, const char *text, size_t len, const char **end)
{
	lh_arena *a = s->a;
	lh_jscratch *sc = s->sc;
	const char *p = text;
	s->end = text + len;
	s->freep = s->ea != NULL ? &s->ea->free : &s->none;
	if (len >= 5 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)	/* as cJSON: 5 bytes at least */
		p += 3;
	/* A tree kept in an arena (an HTTP answer) takes what it uses: its nodes, as many
	 * as the text can have at most (blocks of 16 doubling left a third of them unused),
	 * then its strings, whose space past the last is given back at the end (an answer
	 * of 2.4 KB took 19 KB, 8 KB now).  lh_json_parse_each's trees, big, recycle their
	 * nodes: blocks of them. */
	bool fit = a != NULL && s->ea == NULL;
	if (fit) {
		size_t k = nodes_most(p, s->end);
		s->nodes = lh_arena_alloc(a, k * sizeof(cJSON));	/* zeroed */
		s->nodes_end = s->nodes + k;
	}
	/* strings and number texts never take more bytes than the text has, plus their
	 * NULs (one per two bytes of text at most); pages not written are never touched */
	size_t room = len + len / 2 + 2 + STR_SLACK;
	char *str0 = a != NULL ? lh_arena_alloc(a, room) : scratch_alloc(sc, room, false);
	s->str = s->str_hw = str0;
	cJSON *v = new_node(s);
	if (len > 0 && (p = pvalue(s, ws(p, s->end), v)) != NULL) {
		if (end != NULL)
			*end = p;
		if (fit) {
			/* what was written past the last string is cleared (copies write up to
			 * STR_SLACK bytes past a string's end), the rest is the arena's again */
			char *w = s->str_hw > s->str ? s->str_hw : s->str;
			size_t dirty = (size_t)(w - s->str) + STR_SLACK;
			size_t left = room - (size_t)(s->str - str0);
			memset(s->str, 0, dirty < left ? dirty : left);
			lh_arena_trim(a, str0, room, (size_t)(s->str - str0));
		}
		return v;
	}
	if (s->quick || (s->ea != NULL && s->ea->text_gone))
		return NULL;
	/* refused: cJSON says where (or, should it accept what this parser does not,
	 * its tree is the answer) */
	const char *e = NULL;
	cJSON *j = lh_cjson_parse(text, len, &e);
	if (end != NULL)
		*end = e;
	if (j == NULL)
		return NULL;
	v = copy(a, sc, NULL, j);
	cJSON_Delete(j);
	return v;
}

static char *
sdup(lh_arena *a, lh_jscratch *sc, lh_jpack *pk, const char *t)
{
	size_t n = strlen(t) + 1;
	if (pk != NULL) {
		size_t j = share_str_slot(t, n - 1);
		const char *x = share_str_same(pk->share, j, t, n - 1);
		if (x != NULL)
			return (char *)x;
		if (pk->left < n) {
			if (n > 1024)
				return lh_arena_strdup(a, t);
			pk->blk = lh_arena_alloc(a, 16384);
			pk->left = 16384;
		}
		char *p = memcpy(pk->blk, t, n);
		pk->blk += n;
		pk->left -= n;
		pk->share->strs[j] = p;
		pk->share->lens[j] = (uint32_t)(n - 1);
		return p;
	}
	if (a != NULL)
		return lh_arena_strdup(a, t);
	return memcpy(scratch_alloc(sc, n, false), t, n);
}

cJSON *
lh_json_copy_arena(lh_arena *a, const cJSON *j)
{
	return copy(a, NULL, NULL, j);
}

cJSON *
lh_json_copy_packed(lh_jpack *pk, const cJSON *j)
{
	if (pk->share == NULL)
		pk->share = lh_arena_alloc(pk->a, sizeof *pk->share);	/* zeroed */
	int t = j->type & 0xFF;
	if (j->child == NULL && j->string == NULL && (t == cJSON_Array || t == cJSON_Object)) {
		/* an empty one at the top: nothing to tell one from another */
		cJSON **e = &pk->share->empty[t == cJSON_Object];
		if (*e == NULL) {
			*e = lh_arena_alloc(pk->a, sizeof **e);
			(*e)->type = t;
		}
		return *e;
	}
	return copy(pk->a, NULL, pk, j);
}

static cJSON *
copy(lh_arena *a, lh_jscratch *sc, lh_jpack *pk, const cJSON *j)
{
	cJSON *n = a != NULL ? lh_arena_alloc(a, sizeof *n) : scratch_alloc(sc, sizeof *n, true);
	n->type = j->type & ~(cJSON_IsReference | cJSON_StringIsConst);
	n->valueint = j->valueint;
	n->valuedouble = j->valuedouble;
	if (j->valuestring != NULL)
		n->valuestring = sdup(a, sc, pk, j->valuestring);
	if (j->string != NULL) {
		const char *k = lh_intern(j->string);
		if (k != NULL) {
			n->string = (char *)k;
			n->type |= cJSON_StringIsConst;
		} else {
			n->string = sdup(a, sc, pk, j->string);
		}
	}
	const cJSON **slot = NULL;
	if (pk != NULL && (j->type & 0xFF) == cJSON_Array) {
		bool same;
		slot = share_arr_slot(pk->share, j->child, false, &same);
		if (same) {
			n->child = (cJSON *)*slot;
			return n;
		}
	}
	cJSON *tail = NULL;
	for (const cJSON *c = j->child; c != NULL; c = c->next) {
		cJSON *k = copy(a, sc, pk, c);
		if (tail == NULL) {
			n->child = k;
		} else {
			tail->next = k;
			k->prev = tail;
		}
		tail = k;
	}
	if (n->child != NULL)
		n->child->prev = tail;
	if (slot != NULL)
		*slot = n->child;
	return n;
}

void
lh_jarena_key(lh_arena *a, cJSON *n, const char *key)
{
	if (key == NULL)
		return;
	const char *ik = lh_intern(key);
	if (ik != NULL) {
		n->string = (char *)ik;
		n->type |= cJSON_StringIsConst;
	} else {
		n->string = lh_arena_strdup(a, key);
	}
}

void
lh_jarena_link(cJSON *o, cJSON *item)
{
	if (o->child == NULL) {
		o->child = item;
		item->prev = item;
		return;
	}
	cJSON *last = o->child->prev;
	last->next = item;
	item->prev = last;
	o->child->prev = item;
}
