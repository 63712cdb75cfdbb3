/* value.h - the values of the Terraform language (cty's model): null, bool, number,
 * string, list, set, map, tuple, object, plus *unknown* (known after apply) and the
 * *sensitive* mark, and the types and type constraints that describe them.
 *
 * Values and types are immutable once built and live in an arena (the evaluation
 * arena); nothing is freed individually.  Every function that builds a value takes the
 * arena.  Object and map keys are kept sorted bytewise (Terraform's order); set
 * elements are kept in Terraform's set order with duplicates removed.
 *
 * Numbers are exact as Terraform's (big.Float, 512-bit mantissa for parsed numbers):
 * an integer that fits int64 is kept in i (is_int, the fast path); a float64 result
 * (pow, log ...) in d; anything else in an MPFR value (big) with d its nearest double.
 * See value_num.c. */
#ifndef LH_VALUE_H
#define LH_VALUE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef enum {
	LH_TY_DYNAMIC,		/* "any": only in type constraints and unknown/null values */
	LH_TY_STRING, LH_TY_NUMBER, LH_TY_BOOL,
	LH_TY_LIST, LH_TY_SET, LH_TY_MAP,	/* collections: elem */
	LH_TY_TUPLE, LH_TY_OBJECT		/* structurals: n, types (and names) */
} lh_type_kind;

typedef struct lh_type lh_type;
typedef struct lh_value lh_value;

struct lh_type {
	lh_type_kind kind;
	/* (value.c) the type lives for the whole process, as do its parts: object types
	 * shared by shape (lh_val_object), collections of the primitive types */
	bool immortal;
	const lh_type *elem;		/* list, set, map: element type */
	size_t n;			/* tuple: element count; object: attribute count */
	const lh_type **types;		/* tuple element types / object attribute types */
	const char **names;		/* object attribute names, sorted bytewise */
	/* Only in type constraints, object attributes declared with optional(T, d): */
	const bool *optional;		/* per attribute, or NULL when none is optional */
	lh_value **defaults;		/* per attribute default, NULL entries for none */
};

extern const lh_type lh_type_dynamic, lh_type_string, lh_type_number, lh_type_bool;

typedef struct lh_bignum lh_bignum;	/* opaque (value_num.c): an MPFR value */
typedef struct lh_number {
	bool is_int;		/* exact integer in i (and d = (double)i) */
	int64_t i;
	double d;		/* !is_int: the value, exactly when big is NULL, else the
				 * nearest double (approximate: use the lh_number_* API) */
	const lh_bignum *big;	/* exact value beyond int64/float64, else NULL */
} lh_number;

enum {
	LH_VF_NULL = 1,		/* null of its type */
	LH_VF_UNKNOWN = 2,	/* not known until apply (type may be dynamic) */
	LH_VF_SENSITIVE = 4,	/* marked sensitive; the mark follows every operation */
	LH_VF_TYPEVAL = 8	/* (added) a string made by type(): its text is a type's
				 * rendering, which the console prints bare */
};

struct lh_value {
	const lh_type *type;
	unsigned flags;		/* LH_VF_* */
	union {
		bool b;				/* bool */
		lh_number num;			/* number */
		struct {			/* string: UTF-8, NFC */
			const char *s;
			size_t len;
		} str;
		struct {			/* list, set, tuple */
			lh_value **items;
			size_t n;
		} seq;
		struct {			/* map, object: keys sorted bytewise */
			const char **keys;
			lh_value **vals;
			size_t n;
		} map;
	} u;
};

/* Predicates. */
static inline bool lh_val_is_null(const lh_value *v) { return (v->flags & LH_VF_NULL) != 0; }
static inline bool lh_val_is_unknown(const lh_value *v) { return (v->flags & LH_VF_UNKNOWN) != 0; }
static inline bool lh_val_is_sensitive(const lh_value *v) { return (v->flags & LH_VF_SENSITIVE) != 0; }
/* lh_val_has_unknown and lh_val_has_sensitive of a collection, by its elements or
 * attributes (out of line). */
bool lh_val_has_unknown_in(const lh_value *v);
bool lh_val_has_sensitive_in(const lh_value *v);
static inline bool
lh_val_is_collection(const lh_value *v)
{
	return v->type->kind == LH_TY_LIST || v->type->kind == LH_TY_SET ||
	    v->type->kind == LH_TY_TUPLE || v->type->kind == LH_TY_MAP || v->type->kind == LH_TY_OBJECT;
}
/* True when v or anything inside it is unknown (a primitive's flag, without a call). */
static inline bool
lh_val_has_unknown(const lh_value *v)
{
	if (v->flags & LH_VF_UNKNOWN)
		return true;
	return !(v->flags & LH_VF_NULL) && lh_val_is_collection(v) && lh_val_has_unknown_in(v);
}
/* True when v or anything inside it is sensitive. */
static inline bool
lh_val_has_sensitive(const lh_value *v)
{
	if (v->flags & LH_VF_SENSITIVE)
		return true;
	return !(v->flags & (LH_VF_NULL | LH_VF_UNKNOWN)) && lh_val_is_collection(v) &&
	    lh_val_has_sensitive_in(v);
}

/* Constructors; all results live in a. */
lh_value *lh_val_null(lh_arena *a, const lh_type *t);
lh_value *lh_val_unknown(lh_arena *a, const lh_type *t);
lh_value *lh_val_bool(lh_arena *a, bool b);
lh_value *lh_val_int(lh_arena *a, int64_t i);
lh_value *lh_val_double(lh_arena *a, double d);	/* normalises integral values to int */
lh_value *lh_val_number(lh_arena *a, lh_number n);
/* Parses a numeric literal (1, 1.5, 1e3, -2, inf) exactly as cty.ParseNumberVal does
 * (512-bit mantissa); false if s is not a number.  A big result lives in a. */
bool lh_number_parse(lh_arena *a, const char *s, size_t len, lh_number *out);
lh_value *lh_val_string(lh_arena *a, const char *s, size_t len);	/* copies s */
/* The same without a copy: s[len] is NUL and s lives in a at least as long as the value
 * (it is copied only when it needs normalising). */
lh_value *lh_val_string_take(lh_arena *a, const char *s, size_t len);
/* As lh_val_string, for s[0..len) known to be NFC already (ASCII text, for one): its
 * copy follows the value, in one allocation. */
lh_value *lh_val_string_nfc(lh_arena *a, const char *s, size_t len);
lh_value *lh_val_cstr(lh_arena *a, const char *s);			/* copies s */
/* A string value equal to s[0..len) that lives for the whole process, shared by every
 * caller asking for the same text (the literals of a configuration: "user" in each of
 * 2,000 instances): NULL when s is long, holds a NUL, or too many are held already -
 * then the caller makes its own. */
lh_value *lh_val_string_shared(const char *s, size_t len);
lh_value *lh_val_tuple(lh_arena *a, lh_value **items, size_t n);
/* list(elem) / set(elem): items must already be of elem (convert first).  A set sorts
 * and de-duplicates its items, and a sensitive mark inside an item moves to the set
 * (set elements cannot carry marks in Terraform). */
lh_value *lh_val_list(lh_arena *a, const lh_type *elem, lh_value **items, size_t n);
lh_value *lh_val_set(lh_arena *a, const lh_type *elem, lh_value **items, size_t n);
/* object / map from parallel arrays of keys and values (any order; duplicate keys are
 * a caller error - as implemented, the last one given wins).  Keys are copied (and
 * NFC-normalized, as cty does). */
lh_value *lh_val_object(lh_arena *a, const char **keys, lh_value **vals, size_t n);
/* As lh_val_object, for keys that are data (a for expression's, computed; merge's),
 * not attribute names, and live as long as the values given (strings of values the
 * caller has, in a or a longer-lived arena): an object of more than 16 of them takes
 * them as they are (those needing normalisation excepted) rather than sharing them
 * process-wide (lh_intern), which a few attribute names gain from and thousands of
 * computed keys only pay for. */
lh_value *lh_val_object_data(lh_arena *a, const char **keys, lh_value **vals, size_t n);
lh_value *lh_val_map(lh_arena *a, const lh_type *elem, const char **keys,
    lh_value **vals, size_t n);
/* An object of type t (an object type) with keys (t's names, or an array equal to
 * them) and vals (t->n of them, vals[i] of type t->types[i]), all taken as they are:
 * for a caller that has an object of the same shape at hand. */
/* As lh_val_object, for keys already as it would make them: NFC, in strictly increasing
 * bytewise order, each one lh_intern_value_key's (they are not copied; the array is). */
lh_value *lh_val_object_sorted(lh_arena *a, const char *const *keys, lh_value **vals, size_t n);
lh_value *lh_val_object_typed(lh_arena *a, const lh_type *t, const char **keys,
    lh_value **vals);
/* Returns v with the sensitive mark added (a shallow copy when needed). */
lh_value *lh_val_mark_sensitive(lh_arena *a, lh_value *v);
/* Returns v without any sensitive mark, deeply (nonsensitive()). */
lh_value *lh_val_unmark(lh_arena *a, lh_value *v);

/* Types. */
const lh_type *lh_type_list(lh_arena *a, const lh_type *elem);
const lh_type *lh_type_set(lh_arena *a, const lh_type *elem);
const lh_type *lh_type_map(lh_arena *a, const lh_type *elem);
const lh_type *lh_type_tuple(lh_arena *a, const lh_type **types, size_t n);
const lh_type *lh_type_object(lh_arena *a, const char **names, const lh_type **types,
    size_t n);
bool lh_type_equal(const lh_type *x, const lh_type *y);
/* Terraform's spelling of a type: string, list(string), object({a=number}) ... */
char *lh_type_name(lh_arena *a, const lh_type *t);
/* The most specific type both can convert to (conditional results, list elements);
 * NULL when there is none. */
const lh_type *lh_type_unify(lh_arena *a, const lh_type *x, const lh_type *y);

/* Copies out of a scratch arena (arena.h marks): returns v with every part of it that
 * lives in src after mark m (values, types, strings, exact numbers) copied into dst,
 * and every other part shared, as it is.  A part reached twice is copied once.
 * lh_type_keep does the same for a type. */
lh_value *lh_val_keep(lh_arena *dst, lh_value *v, const lh_arena *src, lh_arena_mark m);
const lh_type *lh_type_keep(lh_arena *dst, const lh_type *t, const lh_arena *src,
    lh_arena_mark m);
/* True when x and y are the same value in every respect (type, marks, null/unknown,
 * contents, a number's representation): either may stand for the other. */
bool lh_val_identical(const lh_value *x, const lh_value *y);
/* lh_val_keep of each non-NULL vs[i] (in place), sharing what they share. */
void lh_val_keep_n(lh_arena *dst, lh_value **vs, size_t n, const lh_arena *src,
    lh_arena_mark m);

/* Lookup helpers; NULL when absent.  For objects and maps. */
lh_value *lh_val_get(const lh_value *v, const char *key);
/* The position of key in v's keys (u.map.keys), or -1. */
long lh_val_key_index(const lh_value *v, const char *key);

/* Conversion to a type or type constraint, with Terraform's rules (string <-> number
 * and bool, tuple -> list/set, object -> map, optional attributes and defaults ...).
 * On failure returns NULL and stores a message in *err worded as Terraform words a
 * variable's type-constraint error: ".y[0].z: a bool is required",
 * "element 0: attribute \"a\": string required", "attributes \"b\" and \"c\" are
 * required", "all list elements must have the same type". */
lh_value *lh_val_convert(lh_arena *a, lh_value *v, const lh_type *t, const char **err);

/* (added) The same conversion, with errors worded as Terraform words them for
 * function arguments: `element 0: attribute "a": string required`. */
lh_value *lh_val_convert_arg(lh_arena *a, lh_value *v, const lh_type *t, const char **err);

/* Equality as `==` does it (no conversion; 1 == "1" is false).  When either side
 * is unknown the result is unknown: returns -1; else 0 or 1.  (As in cty, a known
 * non-null value and an unknown of a different, fully known type give 0.) */
int lh_val_equal(const lh_value *x, const lh_value *y);

/* Formats a number as Terraform prints it everywhere (console, tostring, jsonencode,
 * state, plan): big.Float.Text('f', -1), the shortest decimal that reads back to the
 * same value at the number's precision, without exponent (10/3 prints 155 digits,
 * 1e21 prints 1000000000000000000000).  Returns an arena string. */
char *lh_number_format(lh_arena *a, lh_number n);
/* big.Float.Text(fmt, prec) for fmt 'e', 'E', 'f', 'g', 'G' (prec < 0: the shortest
 * form): what format()'s %e/%f/%g print.  NULL for another fmt. */
char *lh_number_text(lh_arena *a, lh_number n, char fmt, int prec);
/* An integer's digits in base 2..36 (any size, '-' for negatives); NULL when n is not
 * an integer.  For format()'s %d %b %o %x %X. */
char *lh_number_int_text(lh_arena *a, lh_number n, int base, bool upper);
/* cty's set-hash text of a number (big.Float.String(): 'g' with 10 digits). */
char *lh_number_hash_text(lh_arena *a, lh_number n);

/* The value as `terraform console` prints it (multi-line, indented), with
 * (sensitive value) and (known after apply) where they apply.  Arena string. */
char *lh_val_console(lh_arena *a, const lh_value *v);

/* ---- Additions (value teammate): helpers the evaluator and functions share. ---- */

/* A number from a float64 (a 53-bit value, as cty.NumberFloatVal): integral values
 * that fit int64 become exact ints (but -0 stays a double so it prints "-0"). */
lh_number lh_number_from_double(double d);
/* n with its exact value (when beyond int64/float64) copied into a. */
lh_number lh_number_copy(lh_arena *a, lh_number n);
/* The number as a double (nearest; +-Inf beyond the double range). */
double lh_number_double(lh_number n);
/* True when n is +-Inf (a number beyond the double range such as 1e400 is finite,
 * though lh_number_double gives Inf for it). */
bool lh_number_is_inf(lh_number n);
/* True when n is a finite integer (of any size). */
bool lh_number_is_integer(lh_number n);
/* n as an int64 when it is an integer that fits; else false. */
bool lh_number_to_int64(lh_number n, int64_t *out);
/* -1, 0, 1 (0 for both zeros). */
int lh_number_sign(lh_number n);
/* Numeric comparison, exact: <0, 0, >0. */
int lh_number_cmp(lh_number x, lh_number y);
/* `==` on numbers as cty does it: integers exactly; an integer never equals a
 * non-integer; others when their texts (lh_number_format) are equal. */
bool lh_number_equal(lh_number x, lh_number y);
/* Arithmetic as Terraform does it: exact in int64 while the result fits, else in MPFR
 * at the larger precision of the operands (int64 counts as 512 bits, float64 as 53),
 * rounded to nearest-even; big results live in a.  op is '+', '-', '*', '/' or '%'.
 * False when the result is not a number, with *why worded as Terraform words it
 * ("can't divide zero by zero or infinity by infinity", "can't subtract infinity from
 * itself" ...).  x/0 is +-Inf; % truncates (sign of x), x % 0 is x, like cty. */
bool lh_number_arith(lh_arena *a, char op, lh_number x, lh_number y, lh_number *out,
    const char **why);
/* Shorthands for lh_number_arith (a NaN double when it fails; div returns false). */
lh_number lh_number_add(lh_arena *a, lh_number x, lh_number y);
lh_number lh_number_sub(lh_arena *a, lh_number x, lh_number y);
lh_number lh_number_mul(lh_arena *a, lh_number x, lh_number y);
bool lh_number_div(lh_arena *a, lh_number x, lh_number y, lh_number *out);
lh_number lh_number_mod(lh_arena *a, lh_number x, lh_number y);
lh_number lh_number_neg(lh_arena *a, lh_number x);
lh_number lh_number_abs(lh_arena *a, lh_number x);
/* Integer rounding, exact at any size (floor(12345678901234567891.5) is
 * 12345678901234567891). */
lh_number lh_number_floor(lh_arena *a, lh_number x);
lh_number lh_number_ceil(lh_arena *a, lh_number x);
lh_number lh_number_trunc(lh_arena *a, lh_number x);
/* An integer from its digits in base 2..36 (optional '-'), any size; false when s
 * is not such digits. */
bool lh_number_from_text_base(lh_arena *a, const char *s, int base, lh_number *out);

/* True when some value of type from can convert to type to (ignoring the values:
 * string -> number counts). */
bool lh_type_convertible(const lh_type *from, const lh_type *to);
/* cty's friendly type name used in messages: "list of string", "object", "tuple". */
char *lh_type_friendly(lh_arena *a, const lh_type *t);
/* Terraform's set order for two elements of one set (<0, 0, >0). */
int lh_val_set_cmp(const lh_value *x, const lh_value *y);
/* Go's strconv.Quote of s into *out (an arena string). */
void lh_str_go_quote(lh_arena *a, const char *s, size_t len, char **out);

/* Parses a type constraint written as text: string, number, bool, any, list(T),
 * set(T), map(T), tuple([T, ...]), object({name = T, name = optional(T, DEFAULT)})
 * where DEFAULT is JSON text.  For tests and tools; NULL with *err when invalid. */
const lh_type *lh_type_parse(lh_arena *a, const char *s, const char **err);

/* NFC (value_nfc.c): lh_val_string normalizes with these, as cty does.  True when s
 * may change under NFC; the NFC form of s as an arena string (*outlen its length). */
bool lh_str_needs_nfc(const char *s, size_t len);
char *lh_str_nfc(lh_arena *a, const char *s, size_t len, size_t *outlen);

/* JSON (json.c).  lh_val_to_cjson: the value as jsonencode sees it (objects and maps ->
 * JSON objects, lists/sets/tuples -> arrays, null -> null); returns NULL with *err set
 * when v is or contains an unknown value.  Sensitive marks are ignored (the caller
 * decides).  The caller frees the result with cJSON_Delete.
 * lh_val_from_cjson: the value jsondecode makes: objects -> object, arrays -> tuple,
 * numbers -> number, null -> null (dynamic). */
struct cJSON;
struct cJSON *lh_val_to_cjson(const lh_value *v, const char **err);
/* As lh_val_to_cjson, the tree's nodes and strings in a: read-only as json_arena.h's
 * trees are (never given to cJSON_Delete; a cJSON_Duplicate of it is an ordinary
 * tree).  NULL when v is or holds an unknown value. */
struct cJSON *lh_val_to_cjson_arena(lh_arena *a, const lh_value *v);
lh_value *lh_val_from_cjson(lh_arena *a, const struct cJSON *j);
/* True when the JSON text s[0..len) nests arrays/objects deeper than LH_JSON_MAX_DEPTH,
 * cJSON's limit (strings are skipped): lets a caller whose parse failed say why. */
#define LH_JSON_MAX_DEPTH 1000
bool lh_json_too_deep(const char *s, size_t len);
/* jsonencode(v) text (Terraform's escaping of < > & and U+2028/2029) into the arena;
 * NULL with *err when v contains unknowns. */
char *lh_val_jsonencode(lh_arena *a, const lh_value *v, const char **err);
/* jsondecode(text); NULL with *err (Terraform's wording) on invalid JSON. */
lh_value *lh_val_jsondecode(lh_arena *a, const char *s, size_t len, const char **err);

/* Exact numbers in cJSON trees (json.c).  cJSON keeps numbers as doubles; a number
 * node made here may also carry its exact decimal text in valuestring (valuedouble
 * stays the nearest double; cJSON frees and duplicates valuestring for any node).
 * lh_cjson_parse parses as cJSON_ParseWithLengthOpts(text, len, end, false) does and
 * attaches each number's text as written when a double cannot hold it;
 * lh_val_to_cjson attaches the value's text likewise.  Readers of number nodes use: */
struct cJSON *lh_cjson_parse(const char *text, size_t len, const char **end);
/* The node's number, exact (false when j is not a number). */
bool lh_cjson_number(lh_arena *a, const struct cJSON *j, lh_number *out);
/* Numeric equality of two number nodes, exact. */
bool lh_cjson_number_equal(const struct cJSON *x, const struct cJSON *y);
/* The calling thread's scratch arena for numbers' texts (json.c): valid until the
 * thread's next 4,095 calls. */
lh_arena *lh_number_scratch(void);
/* The number as Terraform writes it in state and plans (lh_number_format). */
const char *lh_cjson_number_text(lh_arena *a, const struct cJSON *j);
/* cJSON_PrintUnformatted with exact numbers (malloc'd; NULL when out of memory). */
char *lh_cjson_print(const struct cJSON *j);

/* Shared object keys (json.c).  A state holds the same attribute names in every
 * instance, and a run holds several trees per instance: their keys are stored once
 * (process lifetime) and marked cJSON_StringIsConst, which cJSON_Duplicate shares and
 * cJSON_Delete leaves alone.  lh_cjson_intern_keys does it for every key in j (deeply);
 * keys longer than 48 bytes, and any once 4,096 distinct keys are held, stay as they
 * are.  lh_intern returns the shared copy of s, or NULL when it is not kept.  Any thread
 * may call them (a key already held is found without a lock). */
const char *lh_intern(const char *s);
/* As lh_intern, for the n bytes at s (s[n] need not be a NUL). */
const char *lh_intern_n(const char *s, size_t n);
void lh_cjson_intern_keys(struct cJSON *j);
/* As lh_intern, for the keys of small objects (value.c): these may take at most half of
 * the table, so that data with many distinct small objects cannot crowd out the
 * attribute names of states. */
const char *lh_intern_value_key(const char *s);

#endif
