/* func_impl.h - private interface between the function dispatcher (func.c) and the
 * function families (func_num.c, func_str.c, func_coll.c, func_enc.c, func_file.c,
 * func_hash.c, func_type.c, func_time.c).
 *
 * Each family exports a table of lh_fdef.  The dispatcher checks the argument count,
 * rejects null arguments where the parameter does not allow them, converts each
 * argument to its parameter type, strips sensitive marks (re-applying them to the
 * result), and returns an unknown result when an argument is (or contains) unknown
 * and the parameter does not accept unknowns.  An implementation therefore sees
 * known, unmarked, converted arguments unless its parameter flags say otherwise. */
#ifndef LH_FUNC_IMPL_H
#define LH_FUNC_IMPL_H
#include <stdarg.h>
#include <string.h>

#include "func.h"

enum {
	P_NULL = 1,	/* the parameter accepts null */
	P_UNKNOWN = 2,	/* the implementation handles (nested) unknown values itself */
	P_MARKED = 4,	/* nested marks reach the implementation (structural functions keep
			 * them per element); a mark on the argument itself marks the result */
	P_RAW = 8	/* the argument is passed exactly as given, marks and all */
};

typedef struct {
	const char *name;	/* Terraform's parameter name, used in messages */
	const lh_type *type;	/* conversion target; NULL means any (no conversion) */
	unsigned flags;		/* P_* */
} lh_fparam;

typedef lh_value *(*lh_fimpl)(lh_func_ctx *c, lh_value **args, size_t n);

struct lh_fdef {
	const char *name;
	size_t np;		/* fixed parameters */
	lh_fparam params[4];
	bool variadic;		/* then var describes each further argument */
	lh_fparam var;
	const lh_type *ret;	/* result type when an argument is unknown (NULL: any) */
	lh_fimpl impl;
};

#define LH_FAMILY(fam) \
	extern const lh_fdef lh_func_##fam[]; \
	extern const size_t lh_func_##fam##_n;
LH_FAMILY(num)
LH_FAMILY(str)
LH_FAMILY(coll)
LH_FAMILY(enc)
LH_FAMILY(file)
LH_FAMILY(hash)
LH_FAMILY(type)
LH_FAMILY(time)
LH_FAMILY(net)
LH_FAMILY(yaml)
#undef LH_FAMILY

/* Common types for parameter tables. */
extern const lh_type lh_t_list_any, lh_t_list_string, lh_t_list_number, lh_t_list_bool,
    lh_t_set_any, lh_t_set_string, lh_t_map_any, lh_t_map_string, lh_t_map_list_string;

/* Errors.  lh_fn_argerr: "Invalid value for \"<param>\" parameter: <msg>." naming
 * argument i.  lh_fn_fail: "Call to function \"<name>\" failed: <msg>."  Both return
 * NULL; fmt is without the final full stop. */
lh_value *lh_fn_argerr(lh_func_ctx *c, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
lh_value *lh_fn_fail(lh_func_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The name of the function being called. */
const char *lh_fn_name(void);

/* A string growing in an arena, always NUL-terminated.  Start with
 * (lh_fbuf){ .a = arena }. */
typedef struct lh_fbuf {
	lh_arena *a;
	char *p;
	size_t len, cap;
} lh_fbuf;
/* Makes room for n more bytes (and the NUL) in b. */
void lh_fbuf_grow(lh_fbuf *b, size_t n);
/* Appends s[0..n) to b. */
static inline void
lh_fbuf_add(lh_fbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
		lh_fbuf_grow(b, n);
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}
/* The characters (code points) written since the last newline (YAML folding). */
size_t lh_fbuf_col(const lh_fbuf *b);

/* Helpers. */
static inline bool lh_is_seq(const lh_type *t)
{ return t->kind == LH_TY_LIST || t->kind == LH_TY_SET || t->kind == LH_TY_TUPLE; }
static inline bool lh_is_mapping(const lh_type *t)
{ return t->kind == LH_TY_MAP || t->kind == LH_TY_OBJECT; }
/* The i-th element type of a list/set/tuple type. */
const lh_type *lh_seq_elem_type(const lh_type *t, size_t i);
/* A list of items after unifying their types (tuples of mixed types that cannot be
 * unified become... NULL). */
lh_value *lh_fn_make_list(lh_arena *a, lh_value **items, size_t n, const lh_type *empty_elem);
/* Number of grapheme clusters (UAX #29, as Terraform counts characters) in s
 * (func_text.c). */
size_t lh_utf8_chars(const char *s, size_t len);
/* Byte offset of grapheme cluster index idx (clamped to len). */
size_t lh_utf8_offset(const char *s, size_t len, size_t idx);
/* Resolves path against c->basedir unless absolute; arena string. */
char *lh_fn_path(lh_func_ctx *c, const char *path);
/* The whole number in v (a known number) as int64: false when it has a fraction or
 * does not fit. */
bool lh_fn_int(const lh_value *v, int64_t *out);
/* Go's strconv.Quote of the string value v (for messages); arena string. */
char *lh_fn_quote(lh_arena *a, const lh_value *v);

/* Encodings shared by the families (func_enc.c): standard base64 of d[0..n) as a string
 * value; Go's base64.StdEncoding decoding of s (\r and \n ignored, padding required):
 * true with the bytes in *out (arena, NUL-terminated), or false with *bad the offset
 * Go's CorruptInputError reports. */
lh_value *lh_fn_base64(lh_arena *a, const unsigned char *d, size_t n);
bool lh_fn_base64_decode(lh_arena *a, const char *s, size_t len, unsigned char **out,
    size_t *outlen, size_t *bad);
/* Digests (func_hash.c, OpenSSL): alg is OpenSSL's name ("MD5", "SHA1", "SHA256",
 * "SHA512"); returns the digest length, 0 when unavailable.  lh_fn_hex: lowercase
 * hex of d[0..n) as a string value. */
size_t lh_fn_digest(const char *alg, const void *msg, size_t len, unsigned char out[64]);
lh_value *lh_fn_hex(lh_arena *a, const unsigned char *d, size_t n);
/* The gzip member Go's compress/gzip writes for in[0..len) at the default level with
 * Write, Flush and Close, as Terraform's base64gzip does (func_deflate.c); arena bytes,
 * NULL when out of memory. */
unsigned char *lh_fn_go_gzip(lh_arena *a, const unsigned char *in, size_t len, size_t *outlen);
/* True when s[0..len) is valid UTF-8 (no overlongs, surrogates or values past
 * U+10FFFF). */
bool lh_fn_valid_utf8(const char *s, size_t len);

#endif
