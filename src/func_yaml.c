/* func_yaml.c - yamldecode.  libyaml parses; the values are made the way Terraform's
 * yamldecode (zclconf/go-cty-yaml 1.1, whose parser is go-yaml's port of libyaml) makes
 * them:
 *  - one document only; %YAML directives other than 1.1 are refused;
 *  - plain scalars resolve YAML 1.1 style: y/yes/on/true and n/no/off/false (three
 *    spellings each) are booleans, ~/null/Null/NULL and the empty scalar null, .inf
 *    infinities, .nan an error, integers per the YAML 1.2 patterns (decimal, 0o, 0x),
 *    floats, and timestamps (rewritten as RFC 3339 text); quoted scalars are strings;
 *  - the tags !!str !!binary (kept as base64 text) !!int !!float !!bool !!null
 *    !!timestamp !!map !!seq are honoured, any other tag is an error;
 *  - anchors and aliases (an alias inside its own anchor is an error), "<<" merge keys
 *    (one mapping), mapping keys converted to strings (null and non-scalar keys are
 *    errors), later duplicate keys winning;
 *  - error texts and positions as go-cty-yaml words them ("on line L, column C: ...",
 *    with go-yaml's line numbering). */
#include "func_impl.h"

#include <stdio.h>
#include <string.h>

#include <yaml.h>

#define TAG_PREFIX "tag:yaml.org,2002:"
#define MAX_DEPTH 10000

typedef struct {
	char *name;
	lh_value *val;
	int pending;		/* definitions begun and not finished */
} anchor;

typedef struct {
	lh_func_ctx *c;
	yaml_parser_t p;
	const char *err;	/* the failure, complete */
	anchor *anchors;
	size_t na, cap;
	int depth;
} ydec;

/* go-cty-yaml's parserErrorWrap. */
static void
parser_error(ydec *d)
{
	const char *cause = d->p.problem ? d->p.problem : "invalid YAML syntax";
	size_t line = 0, col = 0;
	if (d->p.problem_mark.line != 0) {
		line = d->p.problem_mark.line;
		col = d->p.problem_mark.column + 1;
		if (d->p.error == YAML_SCANNER_ERROR) {	/* go-yaml's scanner marks lag a line */
			line++;
			col = 1;
		}
	} else if (d->p.context_mark.line != 0) {
		line = d->p.context_mark.line;
		col = d->p.context_mark.column + 1;
	}
	d->err = line ? lh_arena_printf(d->c->a, "on line %zu, column %zu: %s", line, col, cause) :
	    lh_arena_strdup(d->c->a, cause);
}

/* go-cty-yaml's parseEventErrorWrap: positioned unless the event is on go-yaml's
 * line 0. */
static void
event_error(ydec *d, const yaml_event_t *ev, const char *msg)
{
	if (ev->start_mark.line == 0)
		d->err = msg;
	else
		d->err = lh_arena_printf(d->c->a, "on line %zu, column %zu: %s", ev->start_mark.line,
		    ev->start_mark.column + 1, msg);
}

static bool
next(ydec *d, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&d->p, ev)) {
		parser_error(d);
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------- anchors */

static anchor *
find_anchor(ydec *d, const char *name)
{
	for (size_t i = 0; i < d->na; i++)
		if (strcmp(d->anchors[i].name, name) == 0)
			return &d->anchors[i];
	return NULL;
}

static void
begin_anchor(ydec *d, const char *name)
{
	anchor *an = find_anchor(d, name);
	if (an == NULL) {
		if (d->na == d->cap) {
			size_t nc = d->cap ? 2 * d->cap : 8;
			d->anchors = lh_arena_grow(d->c->a, d->anchors, d->na * sizeof *d->anchors,
			    nc * sizeof *d->anchors, sizeof(void *));
			d->cap = nc;
		}
		an = &d->anchors[d->na++];
		an->name = lh_arena_strdup(d->c->a, name);
		an->val = NULL;
		an->pending = 0;
	}
	an->pending++;
}

static void
complete_anchor(ydec *d, const char *name, lh_value *v)
{
	anchor *an = find_anchor(d, name);
	if (an == NULL)
		return;
	an->pending--;
	an->val = v;
}

/* ---------------------------------------------------------------- timestamps */

/* Go's getnum: one digit, or two when fixed or when a second digit follows. */
static bool
getnum(const char **s, const char *end, bool fixed, int *out)
{
	const char *p = *s;
	if (p >= end || *p < '0' || *p > '9')
		return false;
	if (p + 1 >= end || p[1] < '0' || p[1] > '9') {
		if (fixed)
			return false;
		*out = *p - '0';
		*s = p + 1;
		return true;
	}
	*out = (p[0] - '0') * 10 + (p[1] - '0');
	*s = p + 2;
	return true;
}

static int
month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* go-cty-yaml's parseTimestamp with Go's time.Parse over its four layouts
 * ("2006-1-2T15:4:5.999999999Z07:00", the same with a lower-case t,
 * "2006-1-2 15:4:5.999999999" and "2006-1-2"); on success writes the time as Go's
 * RFC 3339 layout prints it (no fraction, Z for a zero offset). */
static bool
timestamp(const char *s, size_t len, char out[64])
{
	const char *end = s + len;
	for (int i = 0; i < 4; i++)
		if ((size_t)i >= len || s[i] < '0' || s[i] > '9')
			return false;
	if (len == 4 || s[4] != '-')
		return false;
	int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	const char *p = s + 5;
	int mon, day, hour = 0, min = 0, sec = 0, off = 0;
	if (!getnum(&p, end, false, &mon) || mon < 1 || mon > 12)
		return false;
	if (p >= end || *p != '-')
		return false;
	p++;
	if (!getnum(&p, end, false, &day) || day < 1 || day > month_days(year, mon))
		return false;
	if (p < end) {
		char sep = *p++;
		if (sep != 'T' && sep != 't' && sep != ' ')
			return false;
		if (!getnum(&p, end, false, &hour) || hour > 23)
			return false;
		if (p >= end || *p++ != ':' || !getnum(&p, end, false, &min) || min > 59)
			return false;
		if (p >= end || *p++ != ':' || !getnum(&p, end, false, &sec) || sec > 59)
			return false;
		if (end - p >= 2 && (*p == '.' || *p == ',') && p[1] >= '0' && p[1] <= '9') {
			p++;
			while (p < end && *p >= '0' && *p <= '9')
				p++;
		}
		if (sep != ' ') {
			if (p < end && *p == 'Z') {
				p++;
			} else {
				int oh, om;
				if (end - p < 6 || (*p != '+' && *p != '-') || p[3] != ':')
					return false;
				const char *q = p + 1;
				if (!getnum(&q, p + 3, true, &oh))
					return false;
				q = p + 4;
				if (!getnum(&q, p + 6, true, &om) || oh > 24 || om > 60)
					return false;
				off = (*p == '-' ? -1 : 1) * (oh * 60 + om);
				p += 6;
			}
		}
	}
	if (p != end)
		return false;
	char zone[16] = "Z";
	if (off != 0)
		snprintf(zone, sizeof zone, "%c%02d:%02d", off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
		    (off < 0 ? -off : off) % 60);
	snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d%s", year, mon, day, hour, min, sec, zone);
	return true;
}

/* ---------------------------------------------------------------- scalars */

static bool
all_digits(const char *s, size_t n, const char *set)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strchr(set, s[i]) == NULL || s[i] == 0)
			return false;
	return true;
}

/* The YAML 1.2 integer patterns: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+ */
static bool
int_literal(const char *s, size_t n)
{
	if (n > 2 && s[0] == '0' && s[1] == 'o')
		return all_digits(s + 2, n - 2, "01234567");
	if (n > 2 && s[0] == '0' && s[1] == 'x')
		return all_digits(s + 2, n - 2, "0123456789abcdefABCDEF");
	if (n > 0 && (s[0] == '-' || s[0] == '+'))
		s++, n--;
	return all_digits(s, n, "0123456789");
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool
float_literal(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	size_t d = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == d) {
		if (i >= n || s[i] != '.')
			return false;
		i++;
		size_t f = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == f)
			return false;
	} else if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		size_t e = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == e)
			return false;
	}
	return i == n;
}

/* Go's strconv.ParseInt/ParseUint with base 0 (0x, 0o, 0b and 0 prefixes). */
static bool
go_parse_int(lh_arena *a, const char *s, size_t n, lh_number *out)
{
	bool neg = false;
	size_t i = 0;
	if (i < n && (s[i] == '-' || s[i] == '+')) {
		neg = s[i] == '-';
		i++;
	}
	int base = 10;
	if (n - i > 1 && s[i] == '0') {
		char b = s[i + 1];
		if (b == 'x' || b == 'X')
			base = 16, i += 2;
		else if (b == 'o' || b == 'O')
			base = 8, i += 2;
		else if (b == 'b' || b == 'B')
			base = 2, i += 2;
		else
			base = 8, i += 1;
	}
	if (i >= n)
		return false;
	unsigned long long v = 0;
	for (; i < n; i++) {
		char ch = s[i];
		int dv = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'z' ? ch - 'a' + 10 :
		    ch >= 'A' && ch <= 'Z' ? ch - 'A' + 10 : 99;
		if (dv >= base)
			return false;
		if (v > (~0ULL - (unsigned)dv) / (unsigned)base)
			return false;
		v = v * (unsigned)base + (unsigned)dv;
	}
	if (neg) {
		if (v > 9223372036854775808ULL)
			return false;
		char buf[32];
		snprintf(buf, sizeof buf, "-%llu", v);
		return lh_number_parse(a, buf, strlen(buf), out);
	}
	char buf[32];
	snprintf(buf, sizeof buf, "%llu", v);
	return lh_number_parse(a, buf, strlen(buf), out);
}

/* A number for !!int / !!float: cty.ParseNumberVal after removing underscores, then
 * Go's integer syntaxes. */
static bool
tagged_number(lh_arena *a, const char *s, size_t n, lh_number *out)
{
	char *plain = lh_arena_alloc(a, n + 1);
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			plain[w++] = s[i];
	plain[w] = 0;
	return lh_number_parse(a, plain, w, out) || go_parse_int(a, plain, w, out);
}

static const struct {
	const char *s;
	int kind;	/* 1 true, 2 false, 3 null, 4 +inf, 5 -inf */
} words[] = {
	{ "y", 1 }, { "Y", 1 }, { "yes", 1 }, { "Yes", 1 }, { "YES", 1 },
	{ "true", 1 }, { "True", 1 }, { "TRUE", 1 }, { "on", 1 }, { "On", 1 }, { "ON", 1 },
	{ "n", 2 }, { "N", 2 }, { "no", 2 }, { "No", 2 }, { "NO", 2 },
	{ "false", 2 }, { "False", 2 }, { "FALSE", 2 }, { "off", 2 }, { "Off", 2 }, { "OFF", 2 },
	{ "", 3 }, { "~", 3 }, { "null", 3 }, { "Null", 3 }, { "NULL", 3 },
	{ ".inf", 4 }, { ".Inf", 4 }, { ".INF", 4 }, { "+.inf", 4 }, { "+.Inf", 4 }, { "+.INF", 4 },
	{ "-.inf", 5 }, { "-.Inf", 5 }, { "-.INF", 5 },
};

static int
word(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i].s) == n && memcmp(words[i].s, s, n) == 0)
			return words[i].kind;
	return 0;
}

static lh_value *
word_value(lh_arena *a, int kind)
{
	switch (kind) {
	case 1: return lh_val_bool(a, true);
	case 2: return lh_val_bool(a, false);
	case 3: return lh_val_null(a, &lh_type_dynamic);
	case 4: return lh_val_number(a, lh_number_from_double(1.0 / 0.0));
	default: return lh_val_number(a, lh_number_from_double(-1.0 / 0.0));
	}
}

/* The "first character" classes go-cty-yaml's resolver uses as a hint. */
static char
hint_of(const char *s, size_t n)
{
	if (n == 0)
		return 'N';
	char ch = s[0];
	if (ch == '+' || ch == '-')
		return 'S';
	if (ch >= '0' && ch <= '9')
		return 'D';
	if (strchr("yYnNtTfFoO~", ch) != NULL)
		return 'M';
	if (ch == '.')
		return '.';
	return 0;
}

/* go-cty-yaml's resolveScalar (1.1).  Returns the value, or NULL with *err; *merge is
 * set for the merge key "<<". */
static lh_value *
resolve(ydec *d, const char *tag, const char *s, size_t n, yaml_scalar_style_t style,
    bool *merge, const char **err)
{
	lh_arena *a = d->c->a;
	*merge = false;
	char *shorttag = NULL;
	if (tag != NULL && strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)) == 0)
		shorttag = (char *)tag + strlen(TAG_PREFIX);
	static const char *const resolvable[] = { "str", "bool", "int", "float", "null", "timestamp",
		"binary" };
	bool ok = tag == NULL;
	for (size_t i = 0; !ok && shorttag && i < sizeof resolvable / sizeof resolvable[0]; i++)
		ok = strcmp(shorttag, resolvable[i]) == 0;
	if (!ok) {
		lh_value *t = lh_val_cstr(a, tag);
		*err = lh_arena_printf(a, "unsupported tag %s", lh_fn_quote(a, t));
		return NULL;
	}
	const char *kind = shorttag ? shorttag : "";
	char hint = hint_of(s, n);
	if (hint != 0 && strcmp(kind, "str") != 0 && strcmp(kind, "binary") != 0) {
		if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
			return lh_val_string(a, s, n);
		int w = word(s, n);
		if (w)
			return word_value(a, w);
		if (kind[0] == 0 && n == 4 && (memcmp(s, ".nan", 4) == 0 || memcmp(s, ".NaN", 4) == 0 ||
		    memcmp(s, ".NAN", 4) == 0)) {
			*err = "floating point NaN is not supported";
			return NULL;
		}
		if (hint == '.') {
			lh_number num;
			if (lh_number_parse(a, s, n, &num))
				return lh_val_number(a, num);
		} else if (hint == 'D' || hint == 'S') {
			char ts[64];
			if ((kind[0] == 0 || strcmp(kind, "timestamp") == 0) && timestamp(s, n, ts))
				return lh_val_cstr(a, ts);
			if (int_literal(s, n))
				kind = "int";
			else if (float_literal(s, n))
				kind = "float";
		}
	}
	if (kind[0] == 0 && n == 2 && s[0] == '<' && s[1] == '<') {
		*merge = true;
		return lh_val_cstr(a, "<<");
	}
	const char *full = lh_arena_printf(a, TAG_PREFIX "%s", kind);
	lh_value *src = lh_val_string(a, s, n);
	if (strcmp(kind, "str") == 0 || strcmp(kind, "binary") == 0) {
		if (kind[0] == 'b') {
			unsigned char *bin;
			size_t bl, bad;
			if (!lh_fn_base64_decode(a, s, n, &bin, &bl, &bad)) {
				*err = lh_arena_printf(a, "cannot parse %s as %s: not valid base64",
				    lh_fn_quote(a, src), full);
				return NULL;
			}
		}
		return src;
	}
	if (strcmp(kind, "bool") == 0) {
		int w = word(s, n);
		if (w == 1 || w == 2)
			return word_value(a, w);
		*err = lh_arena_printf(a, "cannot parse %s as %s", lh_fn_quote(a, src), full);
		return NULL;
	}
	if (strcmp(kind, "int") == 0 || strcmp(kind, "float") == 0) {
		lh_number num;
		if (tagged_number(a, s, n, &num))
			return lh_val_number(a, num);
		*err = lh_arena_printf(a, "cannot parse %s as %s", lh_fn_quote(a, src), full);
		return NULL;
	}
	if (strcmp(kind, "timestamp") == 0) {
		char ts[64];
		if (timestamp(s, n, ts))
			return lh_val_cstr(a, ts);
		*err = lh_arena_printf(a, "cannot parse %s as %s", lh_fn_quote(a, src), full);
		return NULL;
	}
	if (strcmp(kind, "null") == 0)
		return lh_val_null(a, &lh_type_dynamic);
	return src;
}

/* ---------------------------------------------------------------- nodes */

static lh_value *node(ydec *d, yaml_event_t *ev);

/* Parses the next node. */
static lh_value *
next_node(ydec *d)
{
	yaml_event_t ev;
	if (!next(d, &ev))
		return NULL;
	return node(d, &ev);
}

static lh_value *
scalar(ydec *d, yaml_event_t *ev)
{
	const char *anc = (const char *)ev->data.scalar.anchor;
	char *name = anc ? lh_arena_strdup(d->c->a, anc) : NULL;
	if (name)
		begin_anchor(d, name);
	bool merge;
	const char *err = NULL;
	lh_value *v = resolve(d, (const char *)ev->data.scalar.tag, (const char *)ev->data.scalar.value,
	    ev->data.scalar.length, ev->data.scalar.style, &merge, &err);
	if (v == NULL) {
		event_error(d, ev, err);
		return NULL;
	}
	if (name)
		complete_anchor(d, name, v);
	return v;
}

/* A mapping's entries so far: a later key replaces an earlier one. */
typedef struct {
	const char **keys;
	lh_value **vals;
	size_t n, cap;
} entries;

static void
put_entry(lh_arena *a, entries *e, const char *key, lh_value *v)
{
	size_t j = 0;
	while (j < e->n && strcmp(e->keys[j], key) != 0)
		j++;
	if (j == e->n) {
		if (e->n == e->cap) {
			size_t nc = e->cap ? 2 * e->cap : 8;
			e->keys = lh_arena_grow(a, e->keys, e->n * sizeof *e->keys, nc * sizeof *e->keys,
			    sizeof(void *));
			e->vals = lh_arena_grow(a, e->vals, e->n * sizeof *e->vals, nc * sizeof *e->vals,
			    sizeof(void *));
			e->cap = nc;
		}
		e->n++;
	}
	e->keys[j] = key;
	e->vals[j] = v;
}

/* The start of a mapping or sequence: its tag must be absent or want ("map", "seq");
 * its anchor (if any) begins.  Returns false after an error; *name is the anchor. */
static bool
collection_start(ydec *d, yaml_event_t *ev, const char *tag, const char *anc, const char *want,
    const char *what, char **name)
{
	lh_arena *a = d->c->a;
	if (tag != NULL && (strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)) != 0 ||
	    strcmp(tag + strlen(TAG_PREFIX), want) != 0)) {
		event_error(d, ev, lh_arena_printf(a, "can't interpret %s as %s", what, tag));
		return false;
	}
	*name = anc ? lh_arena_strdup(a, anc) : NULL;
	if (*name)
		begin_anchor(d, *name);
	return true;
}

static lh_value *
mapping(ydec *d, yaml_event_t *ev)
{
	lh_arena *a = d->c->a;
	char *name;
	if (!collection_start(d, ev, (const char *)ev->data.mapping_start.tag,
	    (const char *)ev->data.mapping_start.anchor, "map", "mapping", &name))
		return NULL;
	entries e = { 0 };
	for (;;) {
		yaml_event_t k;
		if (!next(d, &k))
			return NULL;
		if (k.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&k);
			break;
		}
		const char *fail = NULL;
		lh_value *kv = NULL, *m = NULL;
		bool merge = false;
		if (k.type != YAML_SCALAR_EVENT) {
			fail = "only strings are allowed as mapping keys";
		} else {
			const char *err = NULL;
			kv = resolve(d, (const char *)k.data.scalar.tag, (const char *)k.data.scalar.value,
			    k.data.scalar.length, k.data.scalar.style, &merge, &err);
			if (kv == NULL) {
				d->err = err;	/* go-cty-yaml does not position key errors */
				yaml_event_delete(&k);
				return NULL;
			}
		}
		if (fail == NULL && merge) {
			/* "<<": the entries of a mapping (an alias, usually) join this one */
			if ((m = next_node(d)) == NULL) {
				yaml_event_delete(&k);
				return NULL;
			}
			if (!lh_is_mapping(m->type) || lh_val_is_null(m))
				fail = lh_arena_printf(a, "cannot merge %s into mapping",
				    lh_val_is_null(m) ? "dynamic" : lh_type_friendly(a, m->type));
		} else if (fail == NULL) {
			const char *cerr = NULL;
			if (!lh_val_is_null(kv) && (kv = lh_val_convert(a, kv, &lh_type_string, &cerr)) == NULL)
				fail = "only strings are allowed as mapping keys";
			else if (lh_val_is_null(kv))
				fail = "mapping key cannot be null";
		}
		if (fail != NULL) {
			event_error(d, &k, fail);
			yaml_event_delete(&k);
			return NULL;
		}
		yaml_event_delete(&k);
		if (merge) {
			for (size_t i = 0; i < m->u.map.n; i++)
				put_entry(a, &e, m->u.map.keys[i], m->u.map.vals[i]);
			continue;
		}
		lh_value *v = next_node(d);
		if (v == NULL)
			return NULL;
		put_entry(a, &e, kv->u.str.s, v);
	}
	lh_value *obj = lh_val_object(a, e.keys, e.vals, e.n);
	if (name)
		complete_anchor(d, name, obj);
	return obj;
}

static lh_value *
sequence(ydec *d, yaml_event_t *ev)
{
	lh_arena *a = d->c->a;
	char *name;
	if (!collection_start(d, ev, (const char *)ev->data.sequence_start.tag,
	    (const char *)ev->data.sequence_start.anchor, "seq", "sequence", &name))
		return NULL;
	size_t n = 0, cap = 8;
	lh_value **items = lh_arena_alloc(a, cap * sizeof *items);
	for (;;) {
		yaml_event_t e;
		if (!next(d, &e))
			return NULL;
		if (e.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&e);
			break;
		}
		lh_value *v = node(d, &e);
		if (v == NULL)
			return NULL;
		if (n == cap) {
			items = lh_arena_grow(a, items, n * sizeof *items, 2 * cap * sizeof *items, sizeof(void *));
			cap *= 2;
		}
		items[n++] = v;
	}
	lh_value *t = lh_val_tuple(a, items, n);
	if (name)
		complete_anchor(d, name, t);
	return t;
}

/* Makes the value of the node ev starts, consuming ev and the node's other events. */
static lh_value *
node(ydec *d, yaml_event_t *ev)
{
	lh_value *v = NULL;
	if (++d->depth > MAX_DEPTH) {
		d->err = "the document is nested too deeply";
		yaml_event_delete(ev);
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		v = scalar(d, ev);
		break;
	case YAML_ALIAS_EVENT: {
		const char *name = (const char *)ev->data.alias.anchor;
		anchor *an = find_anchor(d, name);
		lh_value *nm = lh_val_cstr(d->c->a, name);
		if (an != NULL && an->pending > 0)
			event_error(d, ev, lh_arena_printf(d->c->a, "cannot refer to anchor %s from inside its own definition",
			    lh_fn_quote(d->c->a, nm)));
		else if (an == NULL || an->val == NULL)
			event_error(d, ev, lh_arena_printf(d->c->a, "reference to undefined anchor %s",
			    lh_fn_quote(d->c->a, nm)));
		else
			v = an->val;
		break;
	}
	case YAML_MAPPING_START_EVENT:
		v = mapping(d, ev);
		break;
	case YAML_SEQUENCE_START_EVENT:
		v = sequence(d, ev);
		break;
	case YAML_DOCUMENT_START_EVENT:
		event_error(d, ev, "only a single document is allowed");
		break;
	case YAML_STREAM_END_EVENT:
		event_error(d, ev, "expecting value but found end of stream");
		break;
	default:
		event_error(d, ev, "unexpected parser event");
		break;
	}
	d->depth--;
	yaml_event_delete(ev);
	return v;
}

static const char *
event_name(yaml_event_type_t t)
{
	static const char *const names[] = { "none", "stream start", "stream end", "document start",
		"document end", "alias", "scalar", "sequence start", "sequence end", "mapping start",
		"mapping end" };
	return (size_t)t < sizeof names / sizeof names[0] ? names[t] : "unknown";
}

static lh_value *
decode(ydec *d, const char *src, size_t len)
{
	yaml_event_t ev;
	if (len == 0) {
		src = "\n";
		len = 1;
	}
	yaml_parser_set_input_string(&d->p, (const unsigned char *)src, len);
	if (!next(d, &ev))
		return NULL;
	if (ev.type != YAML_STREAM_START_EVENT) {
		event_error(d, &ev, "missing stream start token");
		yaml_event_delete(&ev);
		return NULL;
	}
	yaml_event_delete(&ev);
	if (!next(d, &ev))
		return NULL;
	if (ev.type != YAML_DOCUMENT_START_EVENT) {
		event_error(d, &ev, "missing start of document");
		yaml_event_delete(&ev);
		return NULL;
	}
	/* go-yaml accepts only YAML 1.1 documents (libyaml also takes 1.2) */
	yaml_version_directive_t *vd = ev.data.document_start.version_directive;
	if (vd != NULL && (vd->major != 1 || vd->minor != 1)) {
		event_error(d, &ev, "found incompatible YAML document");
		yaml_event_delete(&ev);
		return NULL;
	}
	yaml_event_delete(&ev);
	lh_value *v = next_node(d);
	if (v == NULL)
		return NULL;
	if (!next(d, &ev))
		return NULL;
	if (ev.type == YAML_DOCUMENT_START_EVENT) {
		event_error(d, &ev, "only a single document is allowed");
		yaml_event_delete(&ev);
		return NULL;
	}
	if (ev.type != YAML_DOCUMENT_END_EVENT) {
		event_error(d, &ev, lh_arena_printf(d->c->a, "unexpected extra content (%s) after value",
		    event_name(ev.type)));
		yaml_event_delete(&ev);
		return NULL;
	}
	yaml_event_delete(&ev);
	if (!next(d, &ev))
		return NULL;
	if (ev.type != YAML_STREAM_END_EVENT) {
		event_error(d, &ev, "unexpected extra content after value");
		yaml_event_delete(&ev);
		return NULL;
	}
	yaml_event_delete(&ev);
	return v;
}

static lh_value *
f_yamldecode(lh_func_ctx *c, lh_value **a, size_t n)
{
	ydec d = { .c = c };
	if (!yaml_parser_initialize(&d.p))
		return lh_fn_fail(c, "failed to initialize YAML parser");
	lh_value *v = decode(&d, a[0]->u.str.s, a[0]->u.str.len);
	yaml_parser_delete(&d.p);
	if (v == NULL)
		return lh_fn_fail(c, "%s", d.err ? d.err : "invalid YAML syntax");
	return v;
}

const lh_fdef lh_func_yaml[] = {
	{ "yamldecode", 1, { { .name = "src", .type = &lh_type_string } }, false, { 0 }, NULL,
	  f_yamldecode },
};
const size_t lh_func_yaml_n = sizeof lh_func_yaml / sizeof lh_func_yaml[0];
