/* tests/unit/addr.c - resource addresses: parse / format round trips, errors, matching,
 * ordering.  Cases are data: input, expected canonical spelling (or NULL = error). */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "uuid.h"
#include "unit.h"

static const struct {
	const char *in, *canon;	/* canon NULL: must fail to parse */
	int kind;
	const char *key;
} cases[] = {
	{"litellm_user.dev", "litellm_user.dev", LH_KEY_NONE, NULL},
	{"litellm_user.dev[0]", "litellm_user.dev[0]", LH_KEY_INT, NULL},
	{"litellm_user.dev[42]", "litellm_user.dev[42]", LH_KEY_INT, NULL},
	{"litellm_user.dev[\"alice\"]", "litellm_user.dev[\"alice\"]", LH_KEY_STR, "alice"},
	{"litellm_user.a-b_c[\"x y\"]", "litellm_user.a-b_c[\"x y\"]", LH_KEY_STR, "x y"},
	{"litellm_user.dev[\"a\\\"b\"]", "litellm_user.dev[\"a\\\"b\"]", LH_KEY_STR, "a\"b"},
	{"litellm_user.dev[\"a\\\\b\"]", "litellm_user.dev[\"a\\\\b\"]", LH_KEY_STR, "a\\b"},
	{"litellm_user.dev[\"l1\\nl2\"]", "litellm_user.dev[\"l1\\nl2\"]", LH_KEY_STR, "l1\nl2"},
	{"litellm_user.dev[\"$${x}\"]", "litellm_user.dev[\"$${x}\"]", LH_KEY_STR, "${x}"},
	{"litellm_user.dev[\"%%{x}\"]", "litellm_user.dev[\"%%{x}\"]", LH_KEY_STR, "%{x}"},
	{"litellm_user.dev[\"$x%\"]", "litellm_user.dev[\"$x%\"]", LH_KEY_STR, "$x%"},
	{"litellm_user.dev[\"\\u00e9\"]", "litellm_user.dev[\"\xc3\xa9\"]", LH_KEY_STR, "\xc3\xa9"},
	{"litellm_user.dev[\"\\u0001\"]", "litellm_user.dev[\"\\u0001\"]", LH_KEY_STR, "\x01"},
	{"litellm_user.dev[\"\"]", "litellm_user.dev[\"\"]", LH_KEY_STR, ""},
	{"litellm_user.dev[\"a@b.com\"]", "litellm_user.dev[\"a@b.com\"]", LH_KEY_STR, "a@b.com"},
	{"", NULL, 0, NULL},
	{"litellm_user", NULL, 0, NULL},
	{"litellm_user.", NULL, 0, NULL},
	{"litellm_user.dev.x", NULL, 0, NULL},
	{"litellm_user.dev[", NULL, 0, NULL},
	{"litellm_user.dev[01]", NULL, 0, NULL},
	{"litellm_user.dev[-1]", NULL, 0, NULL},
	{"litellm_user.dev[\"x]", NULL, 0, NULL},
	{"litellm_user.dev[\"x\"", NULL, 0, NULL},
	{"litellm_user.dev[\"${x}\"]", NULL, 0, NULL},
	{"litellm_user.dev[\"\\q\"]", NULL, 0, NULL},
	{"litellm_user.dev[x]", NULL, 0, NULL},
	{"litellm_user.dev ", NULL, 0, NULL},
	{"module.m.litellm_user.dev", NULL, 0, NULL},
	{"data.litellm_user.dev", NULL, 0, NULL},
	{"1abc.dev", NULL, 0, NULL},
	{"litellm_user.dev[99999999999999999999]", NULL, 0, NULL},
};

int
main(void)
{
	lh_arena *a = lh_arena_new();
	char name[160];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		lh_addr ad;
		const char *err = NULL;
		bool okp = lh_addr_parse(a, cases[i].in, &ad, &err);
		snprintf(name, sizeof name, "parse %zu %s", i, cases[i].in);
		if (cases[i].canon == NULL) {
			check(name, !okp && err != NULL && strlen(err) > 10, "parsed although invalid");
			continue;
		}
		if (!okp) {
			check(name, 0, "error: %s", err);
			continue;
		}
		char *f = lh_addr_format(a, &ad);
		int good = strcmp(f, cases[i].canon) == 0 && (int)ad.kind == cases[i].kind &&
		    (cases[i].key == NULL || strcmp(ad.key, cases[i].key) == 0);
		check(name, good, "formatted as %s", f);
		/* format(parse(format)) is stable */
		lh_addr ad2;
		good = lh_addr_parse(a, f, &ad2, &err) && lh_addr_equal(&ad, &ad2);
		snprintf(name, sizeof name, "roundtrip %zu", i);
		check(name, good, "%s", f);
	}

	/* lh_addr_format's direct path writes what lh_addr_snprint writes */
	static const char *const keys[] = { "", "t000/u007", "a b", "\xc3\xa9", "x\"y", "a\\b", "${x}",
	    "%{y}", "$", "%", "a$b%c", "\n\t\x01\x7f", "z\x7f" };
	for (int data = 0; data < 2; data++)
		for (int kind = 0; kind < 3; kind++)
			for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
				lh_addr x = { .type = "litellm_user", .name = "dev", .data = data,
				    .kind = kind == 0 ? LH_KEY_NONE : kind == 1 ? LH_KEY_INT : LH_KEY_STR,
				    .index = -12, .key = keys[k] };
				char want[256];
				lh_addr_snprint(want, sizeof want, &x);
				snprintf(name, sizeof name, "format %d %d %zu", data, kind, k);
				char *got = lh_addr_format(a, &x);
				check(name, strcmp(got, want) == 0, "%s, not %s", got, want);
			}

	lh_addr r, i0, i1, ks, other;
	const char *err;
	lh_addr_parse(a, "litellm_user.dev", &r, &err);
	lh_addr_parse(a, "litellm_user.dev[0]", &i0, &err);
	lh_addr_parse(a, "litellm_user.dev[1]", &i1, &err);
	lh_addr_parse(a, "litellm_user.dev[\"a\"]", &ks, &err);
	lh_addr_parse(a, "litellm_user.devx", &other, &err);
	check("match resource selects all instances",
	    lh_addr_match(&r, &i0) && lh_addr_match(&r, &ks) && lh_addr_match(&r, &r), NULL);
	check("match instance selects only itself",
	    lh_addr_match(&i0, &i0) && !lh_addr_match(&i0, &i1) && !lh_addr_match(&i0, &r), NULL);
	check("match other name", !lh_addr_match(&r, &other), NULL);
	check("order none < int < str", lh_addr_cmp(&r, &i0) < 0 && lh_addr_cmp(&i0, &i1) < 0 &&
	    lh_addr_cmp(&i1, &ks) < 0 && lh_addr_cmp(&ks, &other) < 0, NULL);
	lh_addr i10;
	lh_addr_parse(a, "litellm_user.dev[10]", &i10, &err);
	check("order ints numerically", lh_addr_cmp(&i1, &i10) < 0, NULL);

	char small[8];
	size_t need = lh_addr_snprint(small, sizeof small, &ks);
	check("snprint truncates and reports length",
	    need == strlen("litellm_user.dev[\"a\"]") && strlen(small) == 7, "%s", small);

	char u1[LH_UUID_LEN + 1], u2[LH_UUID_LEN + 1];
	check("uuid v4 layout", lh_uuid_v4(u1) && lh_uuid_v4(u2) && lh_uuid_valid(u1) &&
	    u1[14] == '4' && strchr("89ab", u1[19]) && strcmp(u1, u2) != 0, "%s", u1);
	check("uuid invalid", !lh_uuid_valid("bob") && !lh_uuid_valid(
	    "0000000000000000000000000000000000000"), NULL);
	char w[64];
	check("shell word: plain", strcmp(lh_shell_word(w, sizeof w, "litellm_user.dev"),
	    "litellm_user.dev") == 0, "%s", w);
	check("shell word: brackets and quotes",
	    strcmp(lh_shell_word(w, sizeof w, "litellm_user.dev[\"alice\"]"),
	    "'litellm_user.dev[\"alice\"]'") == 0, "%s", w);
	check("shell word: a single quote", strcmp(lh_shell_word(w, sizeof w, "it's"),
	    "'it'\\''s'") == 0, "%s", w);
	check("shell word: empty", strcmp(lh_shell_word(w, sizeof w, ""), "''") == 0, "%s", w);
	check("shell word: truncates", strlen(lh_shell_word(w, 5, "a b c d e f")) == 4, "%s", w);
	lh_arena_free(a);
	return failures ? 1 : 0;
}
