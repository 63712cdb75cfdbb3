/* value.c - unit tests for values, types, conversion, equality, set order, number
 * formatting and console rendering (src/value.c, convert.c, json.c).  Expectations
 * were checked against `terraform console` (Terraform 1.11).  Prints "ok NAME" /
 * "FAIL NAME" per case. */
#include <stdio.h>
#include <string.h>

#include "value.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdlib.h>

static int failures;

static void
check(const char *name, const char *got, const char *want)
{
	if (got != NULL && strcmp(got, want) == 0) {
		printf("ok %s\n", name);
		return;
	}
	failures++;
	printf("FAIL %s\n    want: %s\n    got:  %s\n", name, want, got ? got : "(null)");
}

static lh_value *
J(lh_arena *a, const char *json)
{
	const char *err = NULL;
	lh_value *v = lh_val_jsondecode(a, json, strlen(json), &err);
	if (v == NULL)
		fprintf(stderr, "bad test JSON %s: %s\n", json, err);
	return v;
}

/* Converts JSON text to a type; the console rendering or "ERR: message". */
static const struct {
	const char *json, *type, *want;
} conv_cases[] = {
	{ "[\"a\", 1, true]", "list(string)", "tolist([\n  \"a\",\n  \"1\",\n  \"true\",\n])" },
	{ "[\"a\", 1, true]", "list(any)", "tolist([\n  \"a\",\n  \"1\",\n  \"true\",\n])" },
	{ "[3, \"a\", 1]", "set(any)", "toset([\n  \"1\",\n  \"3\",\n  \"a\",\n])" },
	{ "[3, 1, 2, 10]", "set(number)", "toset([\n  1,\n  2,\n  3,\n  10,\n])" },
	{ "[true, false]", "set(bool)", "toset([\n  false,\n  true,\n])" },
	{ "[\"b\", \"a\", \"b\"]", "set(string)", "toset([\n  \"a\",\n  \"b\",\n])" },
	{ "[null, \"a\"]", "set(string)", "toset([\n  \"a\",\n  tostring(null),\n])" },
	{ "[{\"a\":1},{\"a\":2},{\"a\":3},{\"a\":10}]", "set(any)",
	  "toset([\n  {\n    \"a\" = 10\n  },\n  {\n    \"a\" = 1\n  },\n  {\n    \"a\" = 2\n  },\n  {\n    \"a\" = 3\n  },\n])" },
	{ "[[1],[2],[10],[1,2]]", "set(list(number))",
	  "toset([\n  tolist([\n    10,\n  ]),\n  tolist([\n    1,\n    2,\n  ]),\n  tolist([\n    1,\n  ]),\n  tolist([\n    2,\n  ]),\n])" },
	{ "{\"a\":1,\"b\":true}", "map(any)", "ERR: all map elements must have the same type" },
	{ "{\"a\":1,\"b\":\"x\"}", "map(any)", "tomap({\n  \"a\" = \"1\"\n  \"b\" = \"x\"\n})" },
	{ "{\"a\":[1],\"b\":[\"x\"]}", "map(any)",
	  "tomap({\n  \"a\" = [\n    \"1\",\n  ]\n  \"b\" = [\n    \"x\",\n  ]\n})" },
	{ "\"abc\"", "number", "ERR: a number is required" },
	{ "\"12.50\"", "number", "12.5" },
	{ "\"1e3\"", "number", "1000" },
	{ "\" 1\"", "number", "ERR: a number is required" },
	{ "\"yes\"", "bool", "ERR: a bool is required" },
	{ "\"true\"", "bool", "true" },
	{ "true", "string", "\"true\"" },
	{ "1.5", "string", "\"1.5\"" },
	{ "[1]", "string", "ERR: string required" },
	{ "{\"a\":1}", "list(any)", "ERR: list of any single type required" },
	{ "[1]", "map(string)", "ERR: map of string required" },
	{ "null", "list(string)", "tolist(null) /* of string */" },
	{ "null", "object({a=string})", "null /* object */" },
	{ "[]", "list(string)", "tolist([])" },
	{ "[]", "set(any)", "toset([])" },
	{ "{}", "map(number)", "tomap({})" },
	{ "{\"x\":\"1\",\"y\":[{\"z\":\"maybe\"}]}", "object({x=number,y=list(object({z=bool}))})",
	  "ERR: .y[0].z: a bool is required" },
	{ "{\"x\":\"1\",\"y\":\"k\"}", "map(number)", "ERR: [\"y\"]: a number is required" },
	{ "{\"x\":\"1\"}", "object({x=number,w=string})", "ERR: attribute \"w\" is required" },
	{ "{\"x\":\"1\",\"extra\":true}", "object({x=number})", "{\n  \"x\" = 1\n}" },
	{ "{\"x\":1}", "object({x=number,w=optional(string)})",
	  "{\n  \"w\" = tostring(null)\n  \"x\" = 1\n}" },
	{ "{\"x\":1}", "object({x=number,w=optional(string,\"dflt\")})",
	  "{\n  \"w\" = \"dflt\"\n  \"x\" = 1\n}" },
	{ "{\"x\":1,\"w\":null}", "object({x=number,w=optional(number,7)})",
	  "{\n  \"w\" = 7\n  \"x\" = 1\n}" },
	{ "[{\"n\":\"a\"},{\"n\":\"b\",\"o\":{}}]",
	  "list(object({n=string,o=optional(object({p=optional(number,3)}),{})}))",
	  "tolist([\n  {\n    \"n\" = \"a\"\n    \"o\" = {\n      \"p\" = 3\n    }\n  },\n  {\n    \"n\" = \"b\"\n    \"o\" = {\n      \"p\" = 3\n    }\n  },\n])" },
	{ "{\"k\":{\"a\":1}}", "map(object({a=string,b=optional(bool,false)}))",
	  "tomap({\n  \"k\" = {\n    \"a\" = \"1\"\n    \"b\" = false\n  }\n})" },
	{ "[1,\"x\"]", "tuple([number,string])", "[\n  1,\n  \"x\",\n]" },
	{ "[1]", "tuple([number,string])", "ERR: tuple required" },
	{ "[1,2]", "tuple([string])", "ERR: tuple required" },
	{ "\"x\"", "list(string)", "ERR: list of string required" },
	{ "{\"a\":{\"x\":1},\"b\":{\"y\":2}}", "map(any)",
	  "tomap({\n  \"a\" = tomap({\n    \"x\" = 1\n  })\n  \"b\" = tomap({\n    \"y\" = 2\n  })\n})" },
	{ "[{\"x\":1},{\"y\":\"a\"}]", "list(any)",
	  "tolist([\n  tomap({\n    \"x\" = \"1\"\n  }),\n  tomap({\n    \"y\" = \"a\"\n  }),\n])" },
	{ "[[1],[\"a\",2]]", "list(any)",
	  "tolist([\n  tolist([\n    \"1\",\n  ]),\n  tolist([\n    \"a\",\n    \"2\",\n  ]),\n])" },
	{ "{\"a\":[1],\"b\":[]}", "map(any)",
	  "tomap({\n  \"a\" = tolist([\n    1,\n  ])\n  \"b\" = tolist([])\n})" },
	{ "[null, 1]", "list(any)", "tolist([\n  tonumber(null),\n  1,\n])" },
	{ "[]", "list(any)", "tolist([])" },
	{ "{\"a\":null}", "map(any)", "tomap({\n  \"a\" = null\n})" },
	{ "[{\"a\":1,\"b\":null}]", "list(object({a=string,b=optional(list(string),[\"q\"])}))",
	  "tolist([\n  {\n    \"a\" = \"1\"\n    \"b\" = tolist([\n      \"q\",\n    ])\n  },\n])" },
	{ "{\"a\":1}", "object({a=string,b=optional(object({c=optional(number,3)}))})",
	  "{\n  \"a\" = \"1\"\n  \"b\" = null /* object */\n}" },
	{ "{\"a\":1}", "object({a=string,b=optional(object({c=optional(number,3)}),{})})",
	  "{\n  \"a\" = \"1\"\n  \"b\" = {\n    \"c\" = 3\n  }\n}" },
	{ "[1,\"2\"]", "set(number)", "toset([\n  1,\n  2,\n])" },
	{ "{\"a\":[1,2]}", "map(set(string))", "tomap({\n  \"a\" = toset([\n    \"1\",\n    \"2\",\n  ])\n})" },
	{ "\"a\\nb\\n\"", "string", "<<EOT\na\nb\n\nEOT" },
	{ "\"EOT\\nx\"", "string", "<<EOT_\nEOT\nx\nEOT_" },
	{ "{\"a\":\"x\\ny\"}", "any", "{\n  \"a\" = <<-EOT\n  x\n  y\n  EOT\n}" },
	{ "\"a\\\"b\\\\c\\td\\u007f\"", "string", "\"a\\\"b\\\\c\\td\\x7f\"" },
	{ "[1,\"a\",true,null]", "any", "[\n  1,\n  \"a\",\n  true,\n  null,\n]" },
	{ "[[1,2],[]]", "any", "[\n  [\n    1,\n    2,\n  ],\n  [],\n]" },
	{ "{\"b\":1,\"a\":[1,\"x\",null,true,{}]}", "any",
	  "{\n  \"a\" = [\n    1,\n    \"x\",\n    null,\n    true,\n    {},\n  ]\n  \"b\" = 1\n}" },
};

/* Number literal -> console output. */
static const struct {
	const char *lit, *want;
} num_cases[] = {
	{ "0.3", "0.3" }, { "1e20", "100000000000000000000" },
	{ "1e21", "1000000000000000000000" }, { "-1.5e-7", "-0.00000015" },
	{ "1e-7", "0.0000001" }, { "123.456", "123.456" }, { "10", "10" },
	{ "9007199254740993", "9007199254740993" }, { "2.5", "2.5" },
	{ "1.7976931348623157e308", "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" },
	{ "1.5e300", "1500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" },
	{ "9223372036854775807", "9223372036854775807" },
	{ "-9223372036854775808", "-9223372036854775808" },
	{ "1.0", "1" }, { "5.", "5" }, { ".5", "0.5" }, { "+1", "1" },
};

static const struct {
	const char *a, *ta, *b, *tb;
	int want;
} eq_cases[] = {
	{ "[1,2]", "any", "[1,2]", "any", 1 },
	{ "{\"a\":1}", "any", "{\"a\":1}", "any", 1 },
	{ "{\"a\":1}", "any", "{\"a\":1}", "map(number)", 0 },
	{ "[1]", "set(number)", "[1]", "set(number)", 1 },
	{ "[1]", "list(number)", "[\"1\"]", "list(string)", 0 },
	{ "[1]", "any", "[1]", "list(number)", 0 },
	{ "1", "any", "\"1\"", "any", 0 },
	{ "null", "any", "null", "string", 1 },
	{ "null", "any", "1", "any", 0 },
	{ "1", "any", "1.0", "any", 1 },
	{ "0.3", "any", "0.30", "any", 1 },
	{ "{\"a\":[1,{\"b\":\"x\"}]}", "any", "{\"a\":[1,{\"b\":\"x\"}]}", "any", 1 },
	{ "{\"a\":[1,{\"b\":\"x\"}]}", "any", "{\"a\":[1,{\"b\":\"y\"}]}", "any", 0 },
};

static const struct {
	const char *x, *y, *want;
} unify_cases[] = {
	{ "number", "string", "string" },
	{ "number", "bool", "(none)" },
	{ "list(number)", "list(string)", "list(string)" },
	{ "object({a=number})", "object({b=string})", "map(string)" },
	{ "object({a=number})", "object({a=string})", "object({a=string})" },
	{ "tuple([number])", "tuple([string,string])", "list(string)" },
	{ "tuple([number])", "list(string)", "list(string)" },
	{ "map(number)", "object({a=bool})", "(none)" },
	{ "any", "string", "string" },
	{ "any", "list(string)", "any" },
	{ "list(any)", "set(number)", "list(any)" },
};

/* tests/unit/convert_random.cases: "> TYPE | JSON" lines, each followed by what
 * Terraform 1.11 printed for `var.v` with that type constraint and JSON value as the
 * default (terraform console), or "ERR <detail of the type-constraint error>".
 * Generated randomly once (deterministic cases only). */
static void
run_convert_file(lh_arena *a, const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		check("convert-cases-file", "missing", path);
		return;
	}
	static char line[16384], want[1 << 16];
	char *head = NULL;
	size_t wl = 0;
	int n = 0;
	for (;;) {
		char *l = fgets(line, sizeof line, f);
		if (l == NULL || strncmp(line, "> ", 2) == 0) {
			if (head != NULL) {
				while (wl > 0 && want[wl - 1] == '\n')
					wl--;
				want[wl] = 0;
				char *bar = strstr(head, " | ");
				char name[64];
				snprintf(name, sizeof name, "convert-random-%d", ++n);
				if (bar == NULL) {
					check(name, "bad case", want);
				} else {
					*bar = 0;
					const char *err = NULL, *got;
					const lh_type *t = lh_type_parse(a, head, &err);
					lh_value *v = J(a, bar + 3);
					if (t == NULL || v == NULL) {
						got = "bad case";
					} else {
						lh_value *r = lh_val_convert(a, v, t, &err);
						got = r ? lh_val_console(a, r) : lh_arena_printf(a, "ERR %s", err);
					}
					check(name, got, want);
				}
			}
			if (l == NULL)
				break;
			size_t ll = strlen(line);
			while (ll > 0 && line[ll - 1] == '\n')
				line[--ll] = 0;
			head = lh_arena_strdup(a, line + 2);
			wl = 0;
			continue;
		}
		size_t ll = strlen(line);
		if (wl + ll + 1 < sizeof want) {
			memcpy(want + wl, line, ll);
			wl += ll;
		}
	}
	fclose(f);
}

/* Exact number comparisons on several threads at once (the state's worker and the
 * main thread both compare and render numbers): each thread's scratch arena is its
 * own, so none frees what another is reading (a shared one did, every 4,096 calls:
 * AddressSanitizer reports it).  Returns NULL when every answer was right. */
static void *
compare_many(void *arg)
{
	(void)arg;
	const char *doc = "[12345678901234567891, 12345678901234567891.0, 0.30000000000000001, 0.3]";
	cJSON *j = lh_cjson_parse(doc, strlen(doc), NULL);
	if (j == NULL)
		return "parse failed";
	cJSON *a = cJSON_GetArrayItem(j, 0), *b = cJSON_GetArrayItem(j, 1);
	cJSON *c = cJSON_GetArrayItem(j, 2), *d = cJSON_GetArrayItem(j, 3);
	const char *bad = NULL;
	for (int i = 0; i < 20000 && bad == NULL; i++) {
		if (!lh_cjson_number_equal(a, b))
			bad = "12345678901234567891 != 12345678901234567891.0";
		else if (lh_cjson_number_equal(a, c) || lh_cjson_number_equal(c, d))
			bad = "different numbers compared equal";
	}
	cJSON_Delete(j);
	return (void *)bad;
}

int
main(void)
{
	lh_arena *a = lh_arena_new();
	char name[64];
	run_convert_file(a, "tests/unit/convert_random.cases");

	for (size_t i = 0; i < sizeof conv_cases / sizeof conv_cases[0]; i++) {
		snprintf(name, sizeof name, "convert-%zu", i);
		const char *err = NULL;
		const lh_type *t = lh_type_parse(a, conv_cases[i].type, &err);
		lh_value *v = J(a, conv_cases[i].json);
		if (t == NULL || v == NULL) {
			check(name, err ? err : "bad JSON", conv_cases[i].want);
			continue;
		}
		lh_value *r = lh_val_convert(a, v, t, &err);
		check(name, r ? lh_val_console(a, r) : lh_arena_printf(a, "ERR: %s", err),
		    conv_cases[i].want);
	}
	for (size_t i = 0; i < sizeof num_cases / sizeof num_cases[0]; i++) {
		snprintf(name, sizeof name, "number-%s", num_cases[i].lit);
		lh_number n;
		if (!lh_number_parse(a, num_cases[i].lit, strlen(num_cases[i].lit), &n)) {
			check(name, "parse failed", num_cases[i].want);
			continue;
		}
		check(name, lh_number_format(a, n), num_cases[i].want);
	}
	const char *bad[] = { "", "-", "1e", "0x10", " 1", "1 ", "abc", "1.2.3", "e5", "." };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(name, sizeof name, "number-bad-%zu", i);
		lh_number n;
		check(name, lh_number_parse(a, bad[i], strlen(bad[i]), &n) ? "parsed" : "rejected",
		    "rejected");
	}
	for (size_t i = 0; i < sizeof eq_cases / sizeof eq_cases[0]; i++) {
		snprintf(name, sizeof name, "equal-%zu", i);
		const char *err = NULL;
		lh_value *x = lh_val_convert(a, J(a, eq_cases[i].a), lh_type_parse(a, eq_cases[i].ta, NULL), &err);
		lh_value *y = lh_val_convert(a, J(a, eq_cases[i].b), lh_type_parse(a, eq_cases[i].tb, NULL), &err);
		int got = x && y ? lh_val_equal(x, y) : -9;
		check(name, lh_arena_printf(a, "%d", got), lh_arena_printf(a, "%d", eq_cases[i].want));
	}
	for (size_t i = 0; i < sizeof unify_cases / sizeof unify_cases[0]; i++) {
		snprintf(name, sizeof name, "unify-%zu", i);
		const lh_type *u = lh_type_unify(a, lh_type_parse(a, unify_cases[i].x, NULL),
		    lh_type_parse(a, unify_cases[i].y, NULL));
		check(name, u ? lh_type_name(a, u) : "(none)", unify_cases[i].want);
	}

	/* Unknown and sensitive. */
	lh_value *items[3];
	items[0] = lh_val_cstr(a, "x");
	items[1] = lh_val_unknown(a, &lh_type_string);
	items[2] = lh_val_mark_sensitive(a, lh_val_int(a, 1));
	lh_value *tup = lh_val_tuple(a, items, 3);
	check("console-marks", lh_val_console(a, tup),
	    "[\n  \"x\",\n  (known after apply),\n  (sensitive value),\n]");
	check("has-unknown", lh_val_has_unknown(tup) ? "yes" : "no", "yes");
	check("has-sensitive", lh_val_has_sensitive(tup) ? "yes" : "no", "yes");
	check("unmark", lh_val_has_sensitive(lh_val_unmark(a, tup)) ? "yes" : "no", "no");
	check("equal-unknown", lh_arena_printf(a, "%d", lh_val_equal(items[1], items[0])), "-1");
	check("equal-unknown-typed", lh_arena_printf(a, "%d",
	    lh_val_equal(lh_val_unknown(a, &lh_type_string), lh_val_int(a, 1))), "0");
	const char *err = NULL;
	lh_value *cu = lh_val_convert(a, lh_val_unknown(a, &lh_type_dynamic),
	    lh_type_parse(a, "list(string)", NULL), &err);
	check("convert-unknown", cu ? lh_arena_printf(a, "%s %s", lh_val_console(a, cu),
	    lh_type_name(a, cu->type)) : err, "(known after apply) list(string)");
	lh_value *cs = lh_val_convert(a, lh_val_mark_sensitive(a, lh_val_cstr(a, "5")),
	    &lh_type_number, &err);
	check("convert-sensitive", cs && lh_val_is_sensitive(cs) ? lh_number_format(a, cs->u.num) : "lost", "5");
	check("console-sensitive-top", lh_val_console(a, cs), "(sensitive value)");
	check("double-neg-zero", lh_val_console(a, lh_val_double(a, -0.0)), "-0");
	check("double-int", lh_val_double(a, 3.0)->u.num.is_int ? "int" : "double", "int");
	check("type-name", lh_type_name(a, lh_type_parse(a,
	    "map(object({a=list(string),b=tuple([number,bool]),c=set(any)}))", NULL)),
	    "map(object({a=list(string),b=tuple([number,bool]),c=set(any)}))");
	lh_value *obj = J(a, "{\"b\":1,\"a\":2}");
	check("get", lh_val_get(obj, "b") ? lh_number_format(a, lh_val_get(obj, "b")->u.num) : "missing", "1");
	check("get-missing", lh_val_get(obj, "c") ? "found" : "missing", "missing");

	/* JSON round trips. */
	check("jsonencode", lh_val_jsonencode(a, J(a,
	    "{\"b\":\"<>&\",\"a\":[1,1.5,1e21,true,null],\"c\":\"\\u2028\\u0001\\u00e9\\t\\n\\\\\\\"\"}"), &err),
	    "{\"a\":[1,1.5,1000000000000000000000,true,null],\"b\":\"\\u003c\\u003e\\u0026\",\"c\":\"\\u2028\\u0001\xc3\xa9\\t\\n\\\\\\\"\"}");
	static const struct { const char *in, *want; } jd[] = {
		{ "{\"a\":1,", "EOF" }, { "x", "invalid character 'x' looking for beginning of value" },
		{ "", "EOF" }, { "[1,2", "EOF" }, { "{\"a\" 1}", "invalid character '1' after object key" },
		{ "[1 2]", "invalid character '2' after array element" },
		{ "1 2", "extraneous data after JSON object" }, { "\"a", "unexpected EOF" },
		{ "01", "extraneous data after JSON object" }, { "\"\\x\"", "invalid character 'x' in string escape code" },
		{ "[1,]", "invalid character ']' looking for beginning of value" },
		{ "{\"a\":1 \"b\":2}", "invalid character '\"' after object key:value pair" },
		{ "tru", "unexpected EOF" }, { "-", "unexpected EOF" },
		{ "\"\\ud83d\\ude00 \\u00e9 \\/\"", "\"\xf0\x9f\x98\x80 \xc3\xa9 /\"" },
		{ "{\"a\":1,\"a\":2}", "{\n  \"a\" = 2\n}" },
	};
	for (size_t i = 0; i < sizeof jd / sizeof jd[0]; i++) {
		snprintf(name, sizeof name, "jsondecode-%zu", i);
		err = NULL;
		lh_value *v = lh_val_jsondecode(a, jd[i].in, strlen(jd[i].in), &err);
		check(name, v ? lh_val_console(a, v) : err, jd[i].want);
	}

	/* The number API the function library uses (expected texts from Terraform's
	 * format(): big.Float.Text and big.Int digits). */
	static const struct {
		const char *lit;
		char fmt;
		int prec;
		const char *want;
	} texts[] = {
		{ "12345678901234567891", 'e', 2, "1.23e+19" },
		{ "12345678901234567891", 'f', 6, "12345678901234567891.000000" },
		{ "1e400", 'e', 6, "1.000000e+400" },
		{ "1e-400", 'f', 6, "0.000000" },
		{ "1e21", 'g', -1, "1e+21" },
		{ "0.5", 'f', 0, "0" }, { "1.5", 'f', 0, "2" }, { "2.5", 'f', 0, "2" },
		{ "0.000012345", 'g', 3, "1.23e-05" }, { "123456", 'G', 2, "1.2E+05" },
		{ "-0.1", 'g', -1, "-0.1" },
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		lh_number n;
		snprintf(name, sizeof name, "number-text-%s-%c%d", texts[i].lit, texts[i].fmt, texts[i].prec);
		lh_number_parse(a, texts[i].lit, strlen(texts[i].lit), &n);
		check(name, lh_number_text(a, n, texts[i].fmt, texts[i].prec), texts[i].want);
	}
	{
		lh_number n;
		lh_number_parse(a, "-12345678901234567891", 21, &n);
		check("number-int-text-x", lh_number_int_text(a, n, 16, false), "-ab54a98ceb1f0ad3");
		check("number-int-text-o", lh_number_int_text(a, n, 8, false), "-1255245230635307605323");
		lh_number_parse(a, "2.5", 3, &n);
		check("number-int-text-frac", lh_number_int_text(a, n, 10, false) ? "text" : "NULL", "NULL");
		lh_number x, y, r;
		const char *why;
		lh_number_parse(a, "10", 2, &x);
		lh_number_parse(a, "3", 1, &y);
		check("number-div", lh_number_arith(a, '/', x, y, &r, &why) ? lh_number_format(a, r) : why,
		    "3.3333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333332");
		check("number-div-back", lh_number_arith(a, '*', r, y, &r, &why) ? lh_number_format(a, r) : why, "10");
		lh_number_parse(a, "inf", 3, &x);
		check("number-inf-minus-inf", lh_number_arith(a, '-', x, x, &r, &why) ? "ok" : why,
		    "can't subtract infinity from itself");
		lh_number_parse(a, "9223372036854775807", 19, &x);
		lh_number_parse(a, "1", 1, &y);
		r = lh_number_add(a, x, y);
		check("number-int64-overflow", lh_number_format(a, r), "9223372036854775808");
		check("number-int64-overflow-cmp", lh_number_cmp(r, x) > 0 ? "gt" : "not gt", "gt");
		lh_number_parse(a, "12345678901234567891.5", 22, &x);
		check("number-floor", lh_number_format(a, lh_number_floor(a, x)), "12345678901234567891");
		check("number-ceil", lh_number_format(a, lh_number_ceil(a, x)), "12345678901234567892");
	}

	/* Exact numbers through cJSON trees (state, API answers). */
	{
		const char *doc = "{\"a\": 12345678901234567891, \"s\": \"1e400 \\\" 7\", \"b\": [0.1, 5, -1e400, 1.50]}";
		cJSON *j = lh_cjson_parse(doc, strlen(doc), NULL);
		lh_value *v = j ? lh_val_from_cjson(a, j) : NULL;
		check("cjson-parse-exact", v ? lh_val_jsonencode(a, v, &err) : "parse failed",
		    "{\"a\":12345678901234567891,\"b\":[0.1,5,-10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000,1.5],\"s\":\"1e400 \\\" 7\"}");
		char *p = j ? lh_cjson_print(j) : NULL;
		check("cjson-print-exact", p, "{\"a\":12345678901234567891,\"s\":\"1e400 \\\" 7\",\"b\":[0.1,5,-10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000,1.5]}");
		free(p);
		cJSON *x = cJSON_GetObjectItem(j, "a");
		cJSON *y = cJSON_CreateNumber(12345678901234567890.0);
		check("cjson-number-equal-last-digit", lh_cjson_number_equal(x, y) ? "equal" : "differ", "differ");
		cJSON_Delete(y);
		lh_value *big = lh_val_get(v, "a");
		y = lh_val_to_cjson(big, &err);
		check("cjson-number-equal-roundtrip", lh_cjson_number_equal(x, y) ? "equal" : "differ", "equal");
		cJSON_Delete(y);
		cJSON_Delete(j);
		/* strings ending in escaped backslashes, quotes after backslashes, digits
		 * inside strings: the number texts still go to the right nodes */
		doc = "[\"a\\\\\", 12345678901234567891, \"9\\\\\\\"8\", \"\\\\\\\\\", 0.30000000000000001]";
		j = lh_cjson_parse(doc, strlen(doc), NULL);
		p = j ? lh_cjson_print(j) : NULL;
		check("cjson-parse-exact-escapes", p, "[\"a\\\\\",12345678901234567891,\"9\\\\\\\"8\",\"\\\\\\\\\",0.30000000000000001]");
		free(p);
		cJSON_Delete(j);
	}
	{
		pthread_t t[3];
		int n = 0;
		while (n < 3 && pthread_create(&t[n], NULL, compare_many, NULL) == 0)
			n++;
		const char *got = compare_many(NULL);
		for (int i = 0; i < n; i++) {
			void *r;
			pthread_join(t[i], &r);
			if (r != NULL)
				got = r;
		}
		check("cjson-number-equal-threads", n == 3 ? (got ? got : "right") : "no threads", "right");
	}
	lh_arena_free(a);
	return failures != 0;
}
