/* tests/unit/scratch.c - scratch arenas (arena.h marks) and copying values out of them
 * (lh_val_keep): nested marks and releases, zeroed memory after a release, big blocks,
 * lh_arena_since, and copies that share what was made before the mark, copy each part
 * reached twice once, and keep exact numbers, types and keys intact; child arenas
 * (lh_arena_new_child: their own chunk size, freed alone or with their parent).  Under
 * AddressSanitizer a released region is poisoned: reading a value left in it would
 * abort this binary. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "value.h"
#include "unit.h"

static bool
all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static void
arena_marks(void)
{
	lh_arena *s = lh_arena_new_scratch();
	lh_arena_mark m0 = lh_arena_get_mark(s);
	char *a = lh_arena_strdup(s, "before");
	lh_arena_mark m1 = lh_arena_get_mark(s);
	check("arena: a block made before a mark is not since it", !lh_arena_since(s, m1, a) &&
	    lh_arena_since(s, m0, a), NULL);
	unsigned char *b = lh_arena_alloc(s, 100);
	memset(b, 0xAB, 100);
	/* several chunks and a big block after the mark */
	void *big = lh_arena_alloc(s, 3 * 1024 * 1024);
	memset(big, 0xCD, 3 * 1024 * 1024);
	void *last = NULL;
	for (int i = 0; i < 3000; i++) {
		last = lh_arena_alloc(s, 1000);
		memset(last, 0xEF, 1000);
	}
	check("arena: blocks after the mark are since it", lh_arena_since(s, m1, b) &&
	    lh_arena_since(s, m1, big) && lh_arena_since(s, m1, last) &&
	    lh_arena_since(s, m1, (char *)big + 3 * 1024 * 1024 - 1), NULL);
	check("arena: a pointer from elsewhere is not", !lh_arena_since(s, m0, &m0), NULL);
	lh_arena_mark m2 = lh_arena_get_mark(s);
	char *c = lh_arena_strdup(s, "inner");
	lh_arena_release(s, m2);
	check("arena: an inner release keeps what came before it", lh_arena_since(s, m1, last) &&
	    !lh_arena_since(s, m2, c) && b[0] == 0xAB, NULL);
	size_t used = lh_arena_used(s);
	lh_arena_release(s, m1);
	check("arena: released memory is handed out again, zeroed", lh_arena_used(s) < used &&
	    strcmp(a, "before") == 0, "used %zu -> %zu", used, lh_arena_used(s));
	bool zero = true;
	for (int i = 0; i < 3000 && zero; i++)
		zero = all_zero(lh_arena_alloc(s, 1000), 1000);
	zero = zero && all_zero(lh_arena_alloc(s, 3 * 1024 * 1024), 3 * 1024 * 1024);
	check("arena: every allocation after a release is zeroed", zero, NULL);
	lh_arena_release(s, m0);
	check("arena: back to empty", lh_arena_used(s) == 0, "%zu", lh_arena_used(s));
	lh_arena_free(s);
}

static void
keep_values(void)
{
	lh_arena *dst = lh_arena_new(), *s = lh_arena_new_scratch();
	lh_value *old = lh_val_cstr(dst, "shared string, made before");
	lh_arena_mark m = lh_arena_get_mark(s);
	/* an object with a nested list, a repeated part, an exact number and the old value */
	lh_number big;
	bool parsed = lh_number_parse(s, "1e400", 5, &big);
	lh_value *num = lh_val_number(s, big);
	lh_value *str = lh_val_cstr(s, "scratch string");
	lh_value *items[3] = {str, str, lh_val_int(s, 7)};
	lh_value *tup = lh_val_tuple(s, items, 3);
	const char *keys[4] = {"tuple", "big", "old", "again"};
	lh_value *vals[4] = {tup, num, old, tup};
	lh_value *obj = lh_val_object(s, keys, vals, 4);
	lh_value *kept = lh_val_keep(dst, obj, s, m);
	char *before = lh_val_console(dst, obj);
	lh_arena_mark m2 = lh_arena_get_mark(s);
	char *after = lh_val_console(dst, kept);
	check("keep: the copy prints as the original", parsed && strcmp(before, after) == 0,
	    "%s\nvs\n%s", before, after);
	check("keep: the copy holds nothing of the scratch arena",
	    !lh_arena_since(s, m, kept) && !lh_arena_since(s, m, kept->type) &&
	    !lh_arena_since(s, m, kept->u.map.keys) &&
	    !lh_arena_since(s, m, lh_val_get(kept, "tuple")->u.seq.items[0]->u.str.s) &&
	    !lh_arena_since(s, m, lh_val_get(kept, "big")->u.num.big), NULL);
	check("keep: a value made before the mark is shared", lh_val_get(kept, "old") == old, NULL);
	lh_value *kt = lh_val_get(kept, "tuple");
	check("keep: a part reached twice is copied once", lh_val_get(kept, "again") == kt, NULL);
	lh_arena_release(s, m2);
	lh_arena_release(s, m);
	/* the original's memory is released (poisoned under ASan): the copy still reads */
	char *late = lh_val_console(dst, kept);
	check("keep: the copy outlives the release", strcmp(late, before) == 0, "%s", late);
	check("keep: a value outside the scratch arena is returned as it is",
	    lh_val_keep(dst, old, s, lh_arena_get_mark(s)) == old, NULL);
	/* a DAG that would be 2^40 values as a tree */
	lh_arena_mark m3 = lh_arena_get_mark(s);
	lh_value *v = lh_val_cstr(s, "leaf");
	for (int i = 0; i < 40; i++) {
		lh_value *two[2] = {v, v};
		v = lh_val_tuple(s, two, 2);
	}
	size_t used = lh_arena_used(dst);
	lh_value *kv = lh_val_keep(dst, v, s, m3);
	check("keep: a shared structure stays shared (40 levels of [x, x])",
	    lh_arena_used(dst) - used < 64 * 1024 && kv->u.seq.items[0] == kv->u.seq.items[1],
	    "%zu bytes", lh_arena_used(dst) - used);
	lh_arena_release(s, m3);
	lh_arena_free(s);
	lh_arena_free(dst);
}

static void
identical(void)
{
	lh_arena *a = lh_arena_new();
	lh_value *s1 = lh_val_cstr(a, "x"), *s2 = lh_val_cstr(a, "x");
	lh_value *one = lh_val_int(a, 1), *onef = lh_val_double(a, 1.0);
	lh_value *z = lh_val_double(a, 0.0), *nz = lh_val_double(a, -0.0);
	lh_value *items1[2] = {s1, one}, *items2[2] = {s2, onef};
	check("identical: equal strings, ints, tuples",
	    lh_val_identical(s1, s2) && lh_val_identical(one, onef) &&
	    lh_val_identical(lh_val_tuple(a, items1, 2), lh_val_tuple(a, items2, 2)), NULL);
	check("identical: a sensitive mark makes a difference",
	    !lh_val_identical(s1, lh_val_mark_sensitive(a, s2)), NULL);
	check("identical: 0 and -0 differ", !lh_val_identical(z, nz), NULL);
	check("identical: a null and an unknown differ, as do their types",
	    !lh_val_identical(lh_val_null(a, &lh_type_string), lh_val_unknown(a, &lh_type_string)) &&
	    !lh_val_identical(lh_val_null(a, &lh_type_string), lh_val_null(a, &lh_type_number)), NULL);
	lh_value *l1 = lh_val_list(a, &lh_type_string, items1, 1);
	lh_value *st = lh_val_set(a, &lh_type_string, items1, 1);
	check("identical: a list and a set of the same strings differ", !lh_val_identical(l1, st), NULL);
	check("identical: collections of primitive types share their type",
	    l1->type == lh_type_list(a, &lh_type_string) && st->type == lh_type_set(a, &lh_type_string) &&
	    lh_type_map(a, &lh_type_number) == lh_type_map(a, &lh_type_number), NULL);
	const char *k1[2] = {"a", "b"}, *k2[2] = {"b", "a"};
	lh_value *v1[2] = {s1, one}, *v2[2] = {onef, s2};
	lh_value *o1 = lh_val_object(a, k1, v1, 2), *o2 = lh_val_object(a, k2, v2, 2);
	lh_value *v3[2] = {s1, z};
	check("identical: objects by keys and values", lh_val_identical(o1, o2) &&
	    !lh_val_identical(o1, lh_val_object(a, k1, v3, 2)), NULL);
	lh_arena_free(a);
}

/* Child arenas: small chunks, zeroed memory, one freed alone (unlinked: the parent's
 * free does not free it again, which ASan would report), the others with the parent. */
static void
arena_children(void)
{
	lh_arena *parent = lh_arena_new();
	lh_arena *c[3];
	for (int i = 0; i < 3; i++)
		c[i] = lh_arena_new_child(parent, 4096);
	bool zero = true, kept = true;
	unsigned char *first[3];
	for (int i = 0; i < 3; i++) {
		for (int k = 0; k < 100; k++) {	/* 100 x 112 bytes: several 4 KB chunks */
			unsigned char *p = lh_arena_alloc(c[i], 100);
			if (k == 0)
				first[i] = p;
			zero = zero && all_zero(p, 100);
			memset(p, 0x11 * (i + 1), 100);
		}
		unsigned char *big = lh_arena_alloc(c[i], 20000);	/* beyond a chunk */
		zero = zero && all_zero(big, 20000);
		memset(big, 0xEE, 20000);
	}
	check("arena child: small chunks, zeroed allocations", zero &&
	    lh_arena_used(c[0]) >= 100 * 100 + 20000, NULL);
	lh_arena_free(c[1]);		/* the middle one alone */
	for (int i = 0; i < 3; i += 2)
		kept = kept && first[i][0] == 0x11 * (i + 1) && first[i][99] == 0x11 * (i + 1);
	check("arena child: freeing one leaves its siblings", kept, NULL);
	lh_arena_free(c[0]);		/* the first of the list */
	c[1] = lh_arena_new_child(parent, 100);	/* a new one after frees */
	char *s = lh_arena_strdup(c[1], "child");
	check("arena child: made again after frees", strcmp(s, "child") == 0, NULL);
	/* frees c[1] and c[2]: a double free, or with detect_leaks=1 a child left, is
	 * reported by AddressSanitizer */
	lh_arena_free(parent);
}

int
main(void)
{
	arena_marks();
	arena_children();
	keep_values();
	identical();
	return failures ? 1 : 0;
}
