/* tests/unit/json_arena.c - the arena JSON parser (src/json_arena.c) reads every text
 * exactly as cJSON through lh_cjson_parse does: the same tree (types, keys, strings,
 * numbers with their exact texts) or the same refusal at the same position.  Inputs:
 * the state examples, hand-written edge cases, and thousands of random mutations of
 * them (fixed seed).  Run from the repository top. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_arena.h"
#include "value.h"
#include "unit.h"

static char why[512];

/* Whether x and y are the same tree; why says where not. */
static int
same(const cJSON *x, const cJSON *y, const char *path)
{
	for (; x != NULL || y != NULL; x = x->next, y = y->next) {
		if (x == NULL || y == NULL) {
			snprintf(why, sizeof why, "%s: lengths differ", path);
			return 0;
		}
		if ((x->type & 0xFF) != (y->type & 0xFF) || x->valueint != y->valueint ||
		    !(x->valuedouble == y->valuedouble ||
		    (isnan(x->valuedouble) && isnan(y->valuedouble)))) {
			snprintf(why, sizeof why, "%s: type/number %d/%d %g/%g", path, x->type & 0xFF,
			    y->type & 0xFF, x->valuedouble, y->valuedouble);
			return 0;
		}
		if ((x->string == NULL) != (y->string == NULL) ||
		    (x->string && strcmp(x->string, y->string) != 0)) {
			snprintf(why, sizeof why, "%s: keys differ", path);
			return 0;
		}
		if ((x->valuestring == NULL) != (y->valuestring == NULL) ||
		    (x->valuestring && strcmp(x->valuestring, y->valuestring) != 0)) {
			snprintf(why, sizeof why, "%s: strings differ (%s / %s)", path,
			    x->valuestring ? x->valuestring : "NULL", y->valuestring ? y->valuestring : "NULL");
			return 0;
		}
		if (!same(x->child, y->child, x->string ? x->string : path))
			return 0;
		if (x->child != NULL && x->child->prev == NULL) {
			snprintf(why, sizeof why, "%s: first child without prev", path);
			return 0;
		}
	}
	return 1;
}

static int each_calls;

static void
count_each(void *ctx, cJSON *elem, lh_jeach *ea)
{
	(void)ctx;
	(void)elem;
	(void)ea;
	each_calls++;
}

/* lh_json_parse_each of text (its function only counting) agrees with y (cJSON's tree,
 * or NULL with its end e2). */
static int
agree_each(const char *text, size_t len, const char *key, int depth, const cJSON *y,
    const char *e2)
{
	lh_arena *a = lh_arena_new();
	const char *e1 = NULL;
	cJSON *x = lh_json_parse_each(a, text, len, &e1, key, depth, count_each, NULL);
	int ok;
	if (x == NULL || y == NULL) {
		ok = x == NULL && y == NULL && e1 == e2;
		snprintf(why, sizeof why, "each %s@%d: accepted %d/%d, end %td/%td", key, depth,
		    x != NULL, y != NULL, e1 ? e1 - text : -1, e2 ? e2 - text : -1);
	} else {
		ok = same(x, y, "$") && e1 == e2;
		if (ok == 0 && e1 != e2)
			snprintf(why, sizeof why, "each %s@%d: end %td/%td", key, depth, e1 - text,
			    e2 - text);
	}
	lh_arena_free(a);
	return ok;
}

/* Parses text both ways; 1 when they agree. */
static int
agree(const char *src, size_t len)
{
	/* in a buffer of exactly len bytes: a read past the text is caught under ASan */
	char *text = malloc(len > 0 ? len : 1);
	memcpy(text, src, len);
	lh_arena *a = lh_arena_new();
	const char *e1 = NULL, *e2 = NULL, *e3 = NULL;
	cJSON *x = lh_json_parse_arena(a, text, len, &e1);
	cJSON *y = lh_cjson_parse(text, len, &e2);
	/* the quick parse (no fall-back to cJSON) refuses what cJSON refuses, and what it
	 * accepts reads as cJSON reads it (it may refuse a text cJSON accepts: its caller
	 * then parses it again with the fall-back) */
	cJSON *z = lh_json_parse_quick(a, NULL, text, len, &e3);
	int ok;
	if (x == NULL || y == NULL) {
		ok = x == NULL && y == NULL && e1 == e2;
		snprintf(why, sizeof why, "accepted %d/%d, end %td/%td", x != NULL, y != NULL,
		    e1 ? e1 - text : -1, e2 ? e2 - text : -1);
	} else {
		ok = same(x, y, "$") && e1 == e2;
		if (ok == 0 && e1 != e2)
			snprintf(why, sizeof why, "end %td/%td", e1 - text, e2 - text);
	}
	if (ok && z != NULL && (y == NULL || e3 != e2 || !same(z, y, "$"))) {
		ok = 0;
		snprintf(why, sizeof why, "quick: accepted %d/%d", z != NULL, y != NULL);
	}
	lh_arena_free(a);
	/* with a function called for the elements of arrays: the state's instances, and
	 * members of the top object or of its children */
	if (ok)
		ok = agree_each(text, len, "instances", 3, y, e2) &&
		    agree_each(text, len, "k", 1, y, e2) &&
		    agree_each(text, len, "a", 2, y, e2);
	cJSON_Delete(y);
	free(text);
	return ok;
}

/* Takes index_key and schema_version out of each instance as it is parsed, their nodes
 * recycled for the next (as state.c's slim_instance). */
static void
slim(void *ctx, cJSON *ij, lh_jeach *ea)
{
	(void)ctx;
	each_calls++;
	for (cJSON *f = ij->child, *next; f != NULL; f = next) {
		next = f->next;
		if (strcmp(f->string, "index_key") == 0 || strcmp(f->string, "schema_version") == 0)
			lh_jeach_recycle(ea, cJSON_DetachItemViaPointer(ij, f));
	}
}

/* A state's instances slimmed as they are parsed: the tree is cJSON's without those
 * members (strings and arrays shared between instances, recycled nodes reused), and
 * packed copies of the attributes equal them. */
static int
recycled_state(const char *text, size_t len, int n)
{
	lh_arena *a = lh_arena_new();
	each_calls = 0;
	cJSON *x = lh_json_parse_each(a, text, len, NULL, "instances", 3, slim, NULL);
	cJSON *y = lh_cjson_parse(text, len, NULL);
	int ok = x != NULL && y != NULL && each_calls == n;
	snprintf(why, sizeof why, "%d calls", each_calls);
	cJSON *r, *yres = ok ? cJSON_GetObjectItemCaseSensitive(y, "resources") : NULL;
	cJSON_ArrayForEach(r, yres) {
		cJSON *in;
		cJSON_ArrayForEach(in, cJSON_GetObjectItemCaseSensitive(r, "instances")) {
			cJSON_DeleteItemFromObjectCaseSensitive(in, "index_key");
			cJSON_DeleteItemFromObjectCaseSensitive(in, "schema_version");
		}
	}
	ok = ok && same(x, y, "$");
	/* packed copies of every attributes object (sharing too), then compared: none
	 * changed another */
	lh_jpack pk = {.a = a};
	cJSON *want = cJSON_CreateArray();
	yres = ok ? cJSON_GetObjectItemCaseSensitive(y, "resources") : NULL;
	cJSON_ArrayForEach(r, yres) {
		const cJSON *in;
		cJSON_ArrayForEach(in, cJSON_GetObjectItemCaseSensitive(r, "instances"))
			cJSON_AddItemReferenceToArray(want,
			    cJSON_GetObjectItemCaseSensitive(in, "attributes"));
	}
	size_t nw = (size_t)cJSON_GetArraySize(want), i = 0;
	cJSON **copies = calloc(nw + 2, sizeof *copies);
	const cJSON *w;
	cJSON *empty = cJSON_CreateArray();
	cJSON_ArrayForEach(w, want)
		copies[i++] = lh_json_copy_packed(&pk, w);
	copies[i] = lh_json_copy_packed(&pk, empty);
	copies[i + 1] = lh_json_copy_packed(&pk, empty);
	i = 0;
	cJSON_ArrayForEach(w, want) {
		if (ok && !same(copies[i]->child, w->child, "packed"))
			ok = 0;
		i++;
	}
	ok = ok && copies[i] == copies[i + 1] && cJSON_IsArray(copies[i]) && copies[i]->child == NULL;
	cJSON_Delete(empty);
	free(copies);
	cJSON_Delete(want);
	cJSON_Delete(y);
	lh_arena_free(a);
	return ok;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)n + 1);
	*len = fread(p, 1, (size_t)n, f);
	fclose(f);
	return p;
}

static unsigned long long rng = 88172645463325252ULL;
static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

int
main(void)
{
	static const char *const cases[] = {
		"{}", "[]", "null", "true", "false", "0", "-0", "1.5", "1e400", "-1e-400",
		"12345678901234567890", "0.30000000000000000001", "01", "+1", "-", "1e", ".5",
		"\"a\\u0000b\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\uZZZZ\"",
		"\"\\x\"", "\"tab\tin\"", "{\"a\":1,\"a\":2}", "[1,]", "{\"a\":1,}", "{\"a\" 1}",
		"  {\"k\" : [ 1 , 2 ] }  trailing", "\xEF\xBB\xBF" "{}", "\xEF\xBB\xBF" "1", "", " ",
		"[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", "{\"key-longer-than-forty-eight-bytes-is-not-shared-at-all\":1}",
		"[1e-5,-12.25E+3,2147483648,-2147483649]", "nul", "tru", "[", "{\"a\"", "\"abc",
		"\"abc\\", "{\"a\":[{\"b\":{}}]}", "{\"a\":", "{\"a\": ", "[1,", "[1, ", "-1.",
		"1.5.2", "-0.0", "100.0", "0.000000000000001", "123456789012.345", "1.5-", "[2.50]",
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		if (!agree(cases[i], strlen(cases[i]))) {
			printf("    case %zu (%s): %s\n", i, cases[i], why);
			bad++;
		}
	check("json_arena: edge cases read as cJSON reads them", bad == 0, "%d differ", bad);
	/* nesting at the limit and one beyond */
	for (int depth = 999; depth <= 1001; depth++) {
		char *t = malloc(2 * (size_t)depth + 1);
		memset(t, '[', (size_t)depth);
		memset(t + depth, ']', (size_t)depth);
		t[2 * depth] = 0;
		if (!agree(t, 2 * (size_t)depth))
			bad++;
		free(t);
	}
	check("json_arena: nesting limit as cJSON's", bad == 0, "%s", why);
	static const char *const files[] = {"state/examples/users.tfstate",
		"state/examples/for_each.tfstate", "state/examples/empty.tfstate",
		"tests/eval/state.d/terraform.tfstate"};
	int runs = 0;
	bad = 0;
	for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
		size_t len = 0;
		char *text = slurp(files[f], &len);
		if (text == NULL) {
			check("json_arena: example present", 0, "%s", files[f]);
			continue;
		}
		if (!agree(text, len)) {
			printf("    %s: %s\n", files[f], why);
			bad++;
		}
		static const char alphabet[] = "{}[]\",:\\u0123456789eE.+-ntfal \t\xEF\xBB\xBF";
		char *m = malloc(len + 64);
		for (int k = 0; k < 3000; k++) {
			memcpy(m, text, len);
			size_t n = len;
			for (int e = 0, ne = 1 + (int)rnd(4); e < ne && n > 0; e++) {
				size_t at = rnd((unsigned)n);
				char c = alphabet[rnd(sizeof alphabet - 1)];
				switch (rnd(3)) {
				case 0: m[at] = c; break;
				case 1: memmove(m + at, m + at + 1, n - at - 1); n--; break;
				default: memmove(m + at + 1, m + at, n - at); m[at] = c; n++; break;
				}
			}
			runs++;
			if (!agree(m, n)) {
				if (bad++ < 5)
					printf("    %s mutation %d: %s\n", files[f], k, why);
			}
		}
		free(m);
		free(text);
	}
	check("json_arena: examples and their mutations read as cJSON reads them", bad == 0,
	    "%d of %d differ", bad, runs);
	/* many instances alike (shared strings and arrays), read and recycled one by one */
	{
		size_t cap = 1 << 20, n = 0;
		char *t = malloc(cap);
		n += (size_t)snprintf(t + n, cap - n, "{\"version\":4,\"resources\":[");
		for (int r = 0; r < 3; r++) {
			n += (size_t)snprintf(t + n, cap - n, "%s{\"mode\":\"managed\",\"instances\":[",
			    r ? "," : "");
			for (int i = 0; i < 500; i++)
				n += (size_t)snprintf(t + n, cap - n, "%s{\"index_key\":\"u%d\","
				    "\"schema_version\":0,\"attributes\":{\"id\":\"u%d\",\"role\":"
				    "\"internal_user\",\"models\":[\"a\",\"b%d\"],\"n\":%d,\"deep\":"
				    "[[1,2],[1,2]],\"m\":{\"k\":[true,null,1.5]},\"e\":[]},"
				    "\"sensitive_attributes\":[],\"private\":\"p\",\"extra\":[\"a\"]}",
				    i ? "," : "", i, i, i % 3, i % 7);
			n += (size_t)snprintf(t + n, cap - n, "]}");
		}
		n += (size_t)snprintf(t + n, cap - n, "]}");
		check("json_arena: instances slimmed as parsed, nodes recycled, alike shared; "
		    "packed copies of them", recycled_state(t, n, 1500) && agree(t, n), "%s", why);
		free(t);
	}
	/* A tree parsed into an arena gives back what it did not use of its strings' space:
	 * what the arena hands out next is zero - after strings copied 16 bytes at a time
	 * past their end, an escaped key that is shared (its bytes given back), a number's
	 * text - and the tree is intact. */
	{
		static const char *const texts[] = {
			"{\"a\":\"0123456789abcdefXYZ\",\"\\u0069d\":1}",
			"{\"v\":\"x\",\"\\u0069d_with_a_rather_long_key_name_of_42b\":[1.25,\"q\"]}",
			"{\"v\":\"x\",\"\\u0069d_with_a_rather_long_key_name_of_42b\":2}",
			"[\"a string of some length, copied 16 bytes at a time\"]",
			"{\"k\":\"esc\\n\\t and more bytes past the escape\",\"n\":0.5}",
		};
		int dirty = 0, lost = 0;
		for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
			lh_arena *a = lh_arena_new();
			size_t len = strlen(texts[i]);
			const char *end = NULL;
			cJSON *j = lh_json_parse_arena(a, texts[i], len, &end);
			size_t used = lh_arena_used(a);
			const unsigned char *z = lh_arena_alloc(a, 4096);
			for (size_t k = 0; k < 4096; k++)
				dirty += z[k] != 0;
			cJSON *y = lh_cjson_parse(texts[i], len, NULL);
			char *p1 = j ? cJSON_PrintUnformatted(j) : NULL, *p2 = y ? cJSON_PrintUnformatted(y) : NULL;
			lost += p1 == NULL || p2 == NULL || strcmp(p1, p2) != 0 || used >= 2 * len + 256;
			free(p1);
			free(p2);
			cJSON_Delete(y);
			lh_arena_free(a);
		}
		check("json_arena: a tree in an arena gives its unused string space back, cleared",
		    dirty == 0 && lost == 0, "%d dirty bytes, %d trees wrong or too big", dirty, lost);
	}
	return failures ? 1 : 0;
}
