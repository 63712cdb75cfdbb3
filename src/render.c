/* render.c - plan, state and output text in Terraform's grammar, Terraform's JSON plan
 * and state representations, and the machine-readable UI stream.  Reads plan.h data;
 * the only other printer besides cmd_*.c (see render.h). */
#include "render.h"
#include "func.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "buf.h"
#include "cli.h"
#include "value.h"

/* ---- a growable string ---- */

typedef struct sb {
	char *s;
	size_t n, cap;
	bool color;
} sb;

static void
sb_grow(sb *b, size_t need)
{
	if (b->n + need + 1 <= b->cap)
		return;
	size_t c = b->cap ? b->cap * 2 : 256;
	while (c < b->n + need + 1)
		c *= 2;
	char *s = realloc(b->s, c);
	if (s == NULL) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	b->s = s;
	b->cap = c;
}

static void
sb_putn(sb *b, const char *s, size_t n)
{
	sb_grow(b, n);
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void
sb_puts(sb *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
sb_printf(sb *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	sb_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

static void
sb_pad(sb *b, int n)
{
	if (n <= 0)
		return;
	sb_grow(b, (size_t)n);
	memset(b->s + b->n, ' ', (size_t)n);
	b->n += (size_t)n;
	b->s[b->n] = '\0';
}

static void
sb_flush(sb *b, FILE *f)
{
	if (b->n > 0)
		fwrite(b->s, 1, b->n, f);
	free(b->s);
	b->s = NULL;
	b->n = b->cap = 0;
}

#define C_RESET "\x1b[0m"
#define C_BOLD "\x1b[1m"
#define C_GREEN "\x1b[32m"
#define C_RED "\x1b[31m"
#define C_YELLOW "\x1b[33m"
#define C_CYAN "\x1b[36m"

/* symbol: '+', '-', '~', or ' ' for none.  Writes pad + "S " */
static void
sym(sb *b, int ind, char s)
{
	sb_pad(b, ind);
	if (s == ' ') {
		sb_puts(b, "  ");
		return;
	}
	const char *c = s == '+' ? C_GREEN : s == '-' ? C_RED : C_YELLOW;
	if (b->color)
		sb_puts(b, c);
	sb_putn(b, &s, 1);
	if (b->color)
		sb_puts(b, C_RESET);
	sb_putn(b, " ", 1);
}

/* ---- primitive values ---- */

const char *
lh_render_number(double d)
{
	/* Terraform's number text (0.00000625, not 6.25e-06), from the value module's
	 * formatter, in the calling thread's number scratch (json.c). */
	static _Thread_local char buf[64];
	lh_arena *a = lh_number_scratch();
	lh_number n = {.is_int = false, .d = d};
	if (isfinite(d) && d == floor(d) && fabs(d) < 9.2e18) {
		n.is_int = true;
		n.i = (int64_t)d;
	}
	snprintf(buf, sizeof buf, "%s", lh_number_format(a, n));
	return buf;
}

static void
quote(sb *b, const char *s)
{
	sb_putn(b, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': sb_puts(b, "\\\""); break;
		case '\\': sb_puts(b, "\\\\"); break;
		case '\n': sb_puts(b, "\\n"); break;
		case '\r': sb_puts(b, "\\r"); break;
		case '\t': sb_puts(b, "\\t"); break;
		case '$':
		case '%':
			sb_putn(b, (const char *)p, 1);
			if (p[1] == '{')
				sb_putn(b, (const char *)p, 1);
			break;
		default:
			if (*p < 0x20)
				sb_printf(b, "\\u%04x", *p);
			else
				sb_putn(b, (const char *)p, 1);
		}
	}
	sb_putn(b, "\"", 1);
}

static bool
is_ident(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
		    *s == '-' || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static bool
isnull(const cJSON *v)
{
	return v == NULL || cJSON_IsNull(v);
}

/* A string holding a JSON object or array is shown as jsonencode(...).  Returns the
 * parsed value (caller deletes) or NULL. */
static cJSON *
json_string(const cJSON *v)
{
	if (!cJSON_IsString(v))
		return NULL;
	const char *s = v->valuestring;
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	if (*s != '{' && *s != '[')
		return NULL;
	cJSON *j = cJSON_Parse(v->valuestring);
	if (j != NULL && !cJSON_IsObject(j) && !cJSON_IsArray(j)) {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

/* Sorted keys of one or two objects (union). */
typedef struct keys {
	const char **k;
	size_t n;
	int width;
} keys;

static int
strp_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void
keys_add(keys *ks, const cJSON *o)
{
	if (!cJSON_IsObject(o))
		return;
	for (const cJSON *c = o->child; c != NULL; c = c->next) {
		bool have = false;
		for (size_t i = 0; i < ks->n; i++)
			if (strcmp(ks->k[i], c->string) == 0)
				have = true;
		if (have)
			continue;
		const char **nk = realloc(ks->k, (ks->n + 1) * sizeof *nk);
		if (nk == NULL)
			abort();
		ks->k = nk;
		ks->k[ks->n++] = c->string;
	}
}

static void
keys_sort(keys *ks, bool quoted)
{
	if (ks->n > 0)
		qsort(ks->k, ks->n, sizeof *ks->k, strp_cmp);
	ks->width = 0;
	for (size_t i = 0; i < ks->n; i++) {
		int w = (int)strlen(ks->k[i]);
		if (quoted && !is_ident(ks->k[i]))
			w += 2;
		if (w > ks->width)
			ks->width = w;
	}
}

static void
put_key(sb *b, const char *k, int width)
{
	int w = (int)strlen(k);
	if (is_ident(k)) {
		sb_puts(b, k);
	} else {
		quote(b, k);
		w += 2;
	}
	sb_pad(b, width - w);
	sb_puts(b, " = ");
}

/* Renders v (no diff) after "= "; nested lines carry symbol s at ind+4. */
static void plain(sb *b, int ind, char s, const cJSON *v);

/* The lines of a multi-line string (one final newline dropped), as Terraform's plan
 * and show print them: n lines in *n, each a [start, end) pair in out (malloc'd). */
static const char **
str_lines(const char *s, size_t *n)
{
	size_t len = strlen(s);
	if (len > 0 && s[len - 1] == '\n')
		len--;
	size_t cap = 1;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n')
			cap++;
	const char **l = malloc(2 * cap * sizeof *l);
	if (l == NULL)
		abort();
	size_t k = 0;
	const char *p = s, *end = s + len;
	for (;;) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		l[2 * k] = p;
		l[2 * k + 1] = e ? e : end;
		k++;
		if (e == NULL)
			break;
		p = e + 1;
	}
	*n = k;
	return l;
}

/* A multi-line string in plan / show layout: "<<-EOT", the lines at ind+6, "EOT" at
 * ind+2 (the column of a closing bracket). */
static void
heredoc_plain(sb *b, int ind, const char *s)
{
	size_t n;
	const char **l = str_lines(s, &n);
	sb_puts(b, "<<-EOT\n");
	for (size_t i = 0; i < n; i++) {
		sb_pad(b, ind + 6);
		sb_putn(b, l[2 * i], (size_t)(l[2 * i + 1] - l[2 * i]));
		sb_puts(b, "\n");
	}
	sb_pad(b, ind + 2);
	sb_puts(b, "EOT");
	free(l);
}

/* null, a bool or a number as Terraform writes it; false for other values. */
static bool
scalar(sb *b, const cJSON *v)
{
	if (isnull(v)) {
		sb_puts(b, "null");
	} else if (cJSON_IsBool(v)) {
		sb_puts(b, cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsNumber(v) && v->valuestring != NULL) {
		lh_arena *ta = lh_arena_new();	/* a number beyond double, exact (json.c) */
		sb_puts(b, lh_cjson_number_text(ta, v));
		lh_arena_free(ta);
	} else if (cJSON_IsNumber(v)) {
		sb_puts(b, lh_render_number(v->valuedouble));
	} else {
		return false;
	}
	return true;
}

static void
plain_inner(sb *b, int ind, char s, const cJSON *v)
{
	if (scalar(b, v)) {
		return;
	} else if (cJSON_IsString(v) && strchr(v->valuestring, '\n') != NULL) {
		heredoc_plain(b, ind, v->valuestring);
	} else if (cJSON_IsString(v)) {
		quote(b, v->valuestring);
	} else if (cJSON_IsArray(v)) {
		if (v->child == NULL) {
			sb_puts(b, "[]");
			return;
		}
		sb_puts(b, "[\n");
		for (const cJSON *e = v->child; e != NULL; e = e->next) {
			sym(b, ind + 4, s);
			plain(b, ind + 4, s, e);
			sb_puts(b, ",\n");
		}
		sb_pad(b, ind + 2);
		sb_puts(b, "]");
	} else if (cJSON_IsObject(v)) {
		if (v->child == NULL) {
			sb_puts(b, "{}");
			return;
		}
		keys ks = {0};
		keys_add(&ks, v);
		keys_sort(&ks, true);
		sb_puts(b, "{\n");
		for (size_t i = 0; i < ks.n; i++) {
			sym(b, ind + 4, s);
			put_key(b, ks.k[i], ks.width);
			plain(b, ind + 4, s, cJSON_GetObjectItemCaseSensitive(v, ks.k[i]));
			sb_puts(b, "\n");
		}
		free(ks.k);
		sb_pad(b, ind + 2);
		sb_puts(b, "}");
	}
}

static void
plain(sb *b, int ind, char s, const cJSON *v)
{
	cJSON *j = json_string(v);
	if (j == NULL) {
		plain_inner(b, ind, s, v);
		return;
	}
	sb_puts(b, "jsonencode(\n");
	sym(b, ind + 4, ' ');
	plain_inner(b, ind + 4, s, j);
	sb_puts(b, "\n");
	sb_pad(b, ind + 2);
	sb_puts(b, ")");
	cJSON_Delete(j);
}

/* ---- diffs ---- */

static void diff(sb *b, int ind, const cJSON *bv, const cJSON *av, bool unknown);

static bool
is_coll(const cJSON *v)
{
	return cJSON_IsArray(v) || cJSON_IsObject(v);
}

static void
hidden(sb *b, int ind, int n, const char *what)
{
	if (n <= 0)
		return;
	sb_pad(b, ind);
	sb_printf(b, "# (%d unchanged %s%s hidden)\n", n, what, n == 1 ? "" : "s");
}

/* Lists (and tuples, and arrays inside jsonencode), paired as Terraform's jsonformat
 * pairs them (collections.ProcessSlice): of equal length and not a mere reordering,
 * element by element ("~ "b" -> "x""); otherwise along the longest common subsequence
 * (objchange.LongestCommonSubsequence, whose walk back prefers the diagonal on any
 * equal pair, so its choice among equally long subsequences is Terraform's), before
 * each common element first the removals and then the additions, except that an
 * object removed opposite an object added is shown as one changed object.  Unchanged
 * elements show only next to a change (the list renderer's context). */

static bool
slice_reorder(const cJSON **x, int nx, const cJSON **y, int ny)
{
	if (nx != ny)
		return false;
	for (int p = 0; p < nx; p++) {
		bool found = false;
		for (int q = 0; q < ny && !found; q++)
			found = lh_json_equal(x[p], y[q]);
		if (!found)
			return false;
	}
	return true;
}

/* The longest common subsequence as Terraform computes it; seq gets elements of x. */
static int
slice_lcs(const cJSON **x, int nx, const cJSON **y, int ny, const cJSON **seq)
{
	if (nx == 0 || ny == 0)
		return 0;
	int w = nx;
	int *c = calloc((size_t)nx * (size_t)ny, sizeof *c);
	bool *eq = calloc((size_t)nx * (size_t)ny, sizeof *eq);
	if (c == NULL || eq == NULL)
		abort();
	for (int q = 0; q < ny; q++)
		for (int p = 0; p < nx; p++) {
			if (lh_json_equal(x[p], y[q])) {
				eq[w * q + p] = true;
				c[w * q + p] = p == 0 || q == 0 ? 1 : c[w * (q - 1) + p - 1] + 1;
			} else {
				int l = p > 0 ? c[w * q + p - 1] : 0, u = q > 0 ? c[w * (q - 1) + p] : 0;
				c[w * q + p] = l > u ? l : u;
			}
		}
	int n = c[nx * ny - 1], i = n - 1, p = nx - 1, q = ny - 1;
	while (p > -1 && q > -1 && i > -1) {
		if (eq[w * q + p]) {
			seq[i--] = x[p];
			p--, q--;
		} else {
			int l = p > 0 ? c[w * q + p - 1] : 0, u = q > 0 ? c[w * (q - 1) + p] : 0;
			if (l > u)
				p--;
			else
				q--;
		}
	}
	free(c);
	free(eq);
	return n - (i + 1);	/* i is -1 when the table was consistent */
}

static void
diff_list(sb *b, int ind, const cJSON *bv, const cJSON *av)
{
	int nb = cJSON_GetArraySize(bv), na = cJSON_GetArraySize(av);
	const cJSON **x = calloc((size_t)nb + 1, sizeof *x), **y = calloc((size_t)na + 1, sizeof *y);
	const cJSON **seq = calloc((size_t)(nb < na ? nb : na) + 1, sizeof *seq);
	/* the pairs in order: before index (-1: added), after index (-1: removed) */
	int *pb = calloc((size_t)(nb + na) + 1, sizeof *pb), *pa = calloc((size_t)(nb + na) + 1, sizeof *pa);
	if (x == NULL || y == NULL || seq == NULL || pb == NULL || pa == NULL)
		abort();
	int i = 0;
	for (const cJSON *e = bv->child; e; e = e->next)
		x[i++] = e;
	i = 0;
	for (const cJSON *e = av->child; e; e = e->next)
		y[i++] = e;
	int n = 0;
	if (nb == na && !slice_reorder(x, nb, y, na)) {
		for (int k = 0; k < nb; k++, n++)
			pb[n] = pa[n] = k;
	} else {
		int nl = slice_lcs(x, nb, y, na, seq), p = 0, q = 0, l = 0;
		while (p < nb || q < na || l < nl) {
			while (p < nb && (l >= nl || !lh_json_equal(x[p], seq[l]))) {
				if (cJSON_IsObject(x[p]) && q < na && cJSON_IsObject(y[q]) &&
				    (l >= nl || !lh_json_equal(y[q], seq[l]))) {
					pb[n] = p++, pa[n++] = q++;	/* one object changed */
					continue;
				}
				pb[n] = p++, pa[n++] = -1;
			}
			while (q < na && (l >= nl || !lh_json_equal(y[q], seq[l])))
				pb[n] = -1, pa[n++] = q++;
			if (l < nl) {
				if (p >= nb || q >= na)
					break;	/* cannot happen with a consistent subsequence */
				pb[n] = p++, pa[n++] = q++;
				l++;
			}
		}
	}
	/* what each pair shows: ' ' unchanged, '-', '+', '~' */
	char *op = calloc((size_t)n + 1, 1);
	if (op == NULL)
		abort();
	for (int k = 0; k < n; k++)
		op[k] = pa[k] < 0 ? '-' : pb[k] < 0 ? '+' :
		    lh_json_equal(x[pb[k]], y[pa[k]]) ? ' ' : '~';
	sb_puts(b, "[\n");
	int skipped = 0;
	for (int k = 0; k < n; k++) {
		bool show = op[k] != ' ' || (k > 0 && op[k - 1] != ' ');
		if (!show && k + 1 < n && op[k + 1] != ' ')
			show = true;
		if (!show) {
			skipped++;
			continue;
		}
		hidden(b, ind + 6, skipped, "element");
		skipped = 0;
		sym(b, ind + 4, op[k]);
		if (op[k] == '-') {
			plain(b, ind + 4, '-', x[pb[k]]);
			if (is_coll(x[pb[k]]))
				sb_puts(b, " -> null");
		} else if (op[k] == '+') {
			plain(b, ind + 4, '+', y[pa[k]]);
		} else if (op[k] == ' ') {
			plain(b, ind + 4, ' ', x[pb[k]]);
		} else if (is_coll(x[pb[k]]) && is_coll(y[pa[k]]) &&
		    (x[pb[k]]->type & 0xff) == (y[pa[k]]->type & 0xff)) {
			diff(b, ind + 4, x[pb[k]], y[pa[k]], false);
		} else {
			plain(b, ind + 4, '-', x[pb[k]]);
			sb_puts(b, " -> ");
			plain(b, ind + 4, '+', y[pa[k]]);
		}
		sb_puts(b, ",\n");
	}
	hidden(b, ind + 6, skipped, "element");
	sb_pad(b, ind + 2);
	sb_puts(b, "]");
	free(x);
	free(y);
	free(seq);
	free(pb);
	free(pa);
	free(op);
}

/* A change of a string that has (or gets) several lines: a heredoc whose lines are
 * compared as a list (Terraform). */
static void
diff_lines(sb *b, int ind, const char *bs, const char *as)
{
	size_t nb, na;
	const char **x = str_lines(bs, &nb), **y = str_lines(as, &na);
#define LINE_EQ(i, j) (x[2 * (i) + 1] - x[2 * (i)] == y[2 * (j) + 1] - y[2 * (j)] && \
	memcmp(x[2 * (i)], y[2 * (j)], (size_t)(x[2 * (i) + 1] - x[2 * (i)])) == 0)
	int *t = calloc((nb + 1) * (na + 1), sizeof *t);
	if (t == NULL)
		abort();
	for (size_t p = nb; p-- > 0;)
		for (size_t q = na; q-- > 0;)
			t[p * (na + 1) + q] = LINE_EQ(p, q) ? t[(p + 1) * (na + 1) + q + 1] + 1 :
			    (t[(p + 1) * (na + 1) + q] > t[p * (na + 1) + q + 1] ?
			    t[(p + 1) * (na + 1) + q] : t[p * (na + 1) + q + 1]);
	sb_puts(b, "<<-EOT\n");
	size_t p = 0, q = 0;
	while (p < nb || q < na) {
		const char *ls, *le;
		char op;
		if (p < nb && q < na && LINE_EQ(p, q)) {
			op = ' ';
			ls = x[2 * p], le = x[2 * p + 1];
			p++, q++;
		} else if (p < nb && (q >= na || t[(p + 1) * (na + 1) + q] >= t[p * (na + 1) + q + 1])) {
			op = '-';
			ls = x[2 * p], le = x[2 * p + 1];
			p++;
		} else {
			op = '+';
			ls = y[2 * q], le = y[2 * q + 1];
			q++;
		}
		if (op == ' ')
			sb_pad(b, ind + 6);
		else
			sym(b, ind + 4, op);
		sb_putn(b, ls, (size_t)(le - ls));
		sb_puts(b, "\n");
	}
#undef LINE_EQ
	sb_pad(b, ind + 2);
	sb_puts(b, "EOT");
	free(t);
	free(x);
	free(y);
}

static void
diff_object(sb *b, int ind, const cJSON *bv, const cJSON *av)
{
	keys ks = {0};
	keys_add(&ks, bv);
	keys_add(&ks, av);
	keys_sort(&ks, true);
	sb_puts(b, "{\n");
	int unchanged = 0;
	for (size_t i = 0; i < ks.n; i++) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(bv, ks.k[i]);
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(av, ks.k[i]);
		if (o != NULL && n != NULL && lh_json_equal(o, n)) {
			unchanged++;
			continue;
		}
		char s = o == NULL ? '+' : n == NULL ? '-' : '~';
		sym(b, ind + 4, s);
		put_key(b, ks.k[i], ks.width);
		if (o == NULL)
			plain(b, ind + 4, '+', n);
		else if (n == NULL) {
			plain(b, ind + 4, '-', o);
			sb_puts(b, " -> null");
		} else
			diff(b, ind + 4, o, n, false);
		sb_puts(b, "\n");
	}
	hidden(b, ind + 6, unchanged, "attribute");
	free(ks.k);
	sb_pad(b, ind + 2);
	sb_puts(b, "}");
}

/* Renders the change bv -> av after "= ".  bv NULL/null: creation. */
static void
diff(sb *b, int ind, const cJSON *bv, const cJSON *av, bool unknown)
{
	if (unknown) {
		if (!isnull(bv)) {
			plain(b, ind, '-', bv);
			sb_puts(b, " -> ");
		}
		sb_puts(b, "(known after apply)");
		return;
	}
	if (isnull(bv)) {
		plain(b, ind, '+', av);
		return;
	}
	if (isnull(av)) {
		plain(b, ind, '-', bv);
		sb_puts(b, " -> null");
		return;
	}
	cJSON *jb = json_string(bv), *ja = json_string(av);
	if (jb != NULL && ja != NULL && (jb->type & 0xff) == (ja->type & 0xff)) {
		sb_puts(b, "jsonencode(\n");
		sym(b, ind + 4, '~');
		if (cJSON_IsArray(jb))
			diff_list(b, ind + 4, jb, ja);
		else
			diff_object(b, ind + 4, jb, ja);
		sb_puts(b, "\n");
		sb_pad(b, ind + 2);
		sb_puts(b, ")");
	} else if (cJSON_IsArray(bv) && cJSON_IsArray(av)) {
		diff_list(b, ind, bv, av);
	} else if (cJSON_IsString(bv) && cJSON_IsString(av) &&
	    (strchr(bv->valuestring, '\n') != NULL || strchr(av->valuestring, '\n') != NULL)) {
		diff_lines(b, ind, bv->valuestring, av->valuestring);
	} else if (cJSON_IsObject(bv) && cJSON_IsObject(av)) {
		diff_object(b, ind, bv, av);
	} else {
		plain(b, ind, '-', bv);
		sb_puts(b, " -> ");
		plain(b, ind, '+', av);
	}
	cJSON_Delete(jb);
	cJSON_Delete(ja);
}

/* ---- resource blocks ---- */

static bool
in_paths(const cJSON *paths, const char *k)
{
	const cJSON *p;
	cJSON_ArrayForEach(p, paths) {
		const cJSON *e = cJSON_GetArrayItem(p, 0);
		if (cJSON_IsString(e) && strcmp(e->valuestring, k) == 0)
			return true;
	}
	return false;
}

typedef enum { BLK_CREATE, BLK_UPDATE, BLK_DELETE, BLK_SHOW } blk_kind;

/* v[0..n) := o's item named k[i] (k sorted, distinct), as
 * cJSON_GetObjectItemCaseSensitive answers: the first of equal keys, NULL when none.
 * An object's keys usually come in k's order (the state's, a plan's), so the next key
 * is tried first; else a binary search. */
static void
attr_items(const cJSON *o, const char *const *k, size_t n, const cJSON **v)
{
	if (!cJSON_IsObject(o))
		return;
	size_t j = 0;
	for (const cJSON *c = o->child; c != NULL; c = c->next) {
		if (c->string == NULL)
			continue;
		size_t at;
		if (j < n && (k[j] == c->string || strcmp(k[j], c->string) == 0)) {
			at = j;
		} else {
			size_t lo = 0, hi = n;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				int cmp = strcmp(k[mid], c->string);
				if (cmp < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo == n || strcmp(k[lo], c->string) != 0)
				continue;	/* (bsens, asens: a key no line has) */
			at = lo;
		}
		if (v[at] == NULL)
			v[at] = c;
		j = at + 1;
	}
}

/* The attribute lines of a block at symbol column 6 (plan) or 2 (show). */
static void
block_attrs(sb *b, int ind, blk_kind kind, const cJSON *before, const cJSON *after,
    const cJSON *unknown, const cJSON *paths, const char *id_attr, const cJSON *bsens,
    const cJSON *asens, bool show_all)
{
	/* the union of the three objects' keys, sorted; then each object's item for
	 * each key (as cJSON_GetObjectItemCaseSensitive: the first of equal keys) */
	keys ks = {0};
	size_t cap = (size_t)cJSON_GetArraySize(before) + (size_t)cJSON_GetArraySize(after) +
	    (size_t)cJSON_GetArraySize(unknown) + 1;
	ks.k = malloc(cap * sizeof *ks.k);
	const cJSON **items = calloc(5 * cap, sizeof *items);
	char *show = calloc(cap, 1);
	if (ks.k == NULL || items == NULL || show == NULL)
		abort();
	const cJSON *objs[5] = {before, after, unknown, bsens, asens};
	for (int t = 0; t < 3; t++)
		for (const cJSON *c = cJSON_IsObject(objs[t]) ? objs[t]->child : NULL; c != NULL;
		    c = c->next)
			if (c->string != NULL)
				ks.k[ks.n++] = c->string;
	qsort(ks.k, ks.n, sizeof *ks.k, strp_cmp);
	size_t nk = 0;
	for (size_t i = 0; i < ks.n; i++)
		if (nk == 0 || strcmp(ks.k[nk - 1], ks.k[i]) != 0)
			ks.k[nk++] = ks.k[i];
	ks.n = nk;
	for (int t = 0; t < 5; t++)
		attr_items(objs[t], ks.k, ks.n, items + (size_t)t * cap);
	const cJSON **bi = items, **ai = items + cap, **ui = items + 2 * cap,
	    **bsi = items + 3 * cap, **asi = items + 4 * cap;
	/* Which lines show, to align only those. */
	int width = 0, unchanged = 0;
	for (size_t i = 0; i < ks.n; i++) {
		const char *k = ks.k[i];
		const cJSON *o = bi[i];
		const cJSON *n = ai[i];
		bool u = cJSON_IsTrue(ui[i]);
		char s = 0;
		switch (kind) {
		case BLK_CREATE:
			if (u || !isnull(n))
				s = '+';
			break;
		case BLK_DELETE:
			if (!isnull(o))
				s = '-';
			break;
		case BLK_SHOW:
			if (!isnull(o))
				s = ' ';
			break;
		case BLK_UPDATE:
			if (u)
				s = isnull(o) ? '+' : '~';
			else if (isnull(o) && isnull(n))
				s = 0;
			else if (lh_json_equal(o, n)) {
				/* id always shows; everything shows for an import (Terraform's
				 * ShowUnchangedChildren) */
				if ((id_attr != NULL && strcmp(k, id_attr) == 0) || show_all)
					s = ' ';
				else
					unchanged++;
			} else
				s = isnull(o) ? '+' : isnull(n) ? '-' : '~';
			break;
		}
		show[i] = s;
		if (s != 0 && (int)strlen(k) > width)
			width = (int)strlen(k);
	}
	for (size_t i = 0; i < ks.n; i++) {
		if (show[i] == 0)
			continue;
		const char *k = ks.k[i];
		const cJSON *o = bi[i];
		const cJSON *n = ai[i];
		bool u = cJSON_IsTrue(ui[i]);
		sym(b, ind, show[i]);
		sb_puts(b, k);
		sb_pad(b, width - (int)strlen(k));
		sb_puts(b, " = ");
		bool bs = cJSON_IsTrue(bsi[i]);
		bool as = cJSON_IsTrue(asi[i]);
		if (bs || as) {
			/* never shown: Terraform's (sensitive value) */
			if (kind == BLK_DELETE)
				sb_puts(b, "(sensitive value) -> null");
			else if (u && !isnull(o))
				sb_puts(b, "(sensitive value) -> (known after apply)");
			else if (u)
				sb_puts(b, "(known after apply)");
			else
				sb_puts(b, "(sensitive value)");
		} else if (kind == BLK_SHOW || (kind == BLK_UPDATE && show[i] == ' '))
			plain(b, ind, ' ', o);
		else if (kind == BLK_DELETE) {
			plain(b, ind, '-', o);
			sb_puts(b, " -> null");
		} else if (kind == BLK_CREATE)
			diff(b, ind, NULL, n, u);
		else
			diff(b, ind, o, n, u);
		if (paths != NULL && in_paths(paths, k))
			sb_puts(b, b->color ? C_RED " # forces replacement" C_RESET :
			    " # forces replacement");
		sb_puts(b, "\n");
	}
	hidden(b, ind + 2, unchanged, "attribute");
	free(show);
	free(items);
	free(ks.k);
}

static void
bold_line(sb *b, const char *fmt_prefix, const char *addr, const char *rest)
{
	sb_puts(b, fmt_prefix);
	if (b->color)
		sb_puts(b, C_BOLD);
	sb_puts(b, addr);
	if (b->color)
		sb_puts(b, C_RESET);
	if (b->color)
		sb_puts(b, C_BOLD);
	sb_puts(b, rest);
	if (b->color)
		sb_puts(b, C_RESET);
	sb_puts(b, "\n");
}

static void
index_text(sb *b, const cJSON *idx)
{
	if (cJSON_IsNumber(idx))
		sb_printf(b, "[%s]", lh_render_number(idx->valuedouble));
	else if (cJSON_IsString(idx)) {
		sb_puts(b, "[");
		quote(b, idx->valuestring);
		sb_puts(b, "]");
	}
}

static void
change_block(sb *b, const lh_change *c, bool drift)
{
	const char *what = "";
	blk_kind kind = BLK_UPDATE;
	char hs = '~';
	switch (c->action) {
	case LH_ACT_CREATE:
		what = " will be created";
		kind = BLK_CREATE;
		hs = '+';
		break;
	case LH_ACT_UPDATE:
		what = drift ? " has changed" : " will be updated in-place";
		break;
	case LH_ACT_REPLACE:
		what = c->reason == LH_REASON_REPLACE_REQUESTED ?
		    " will be replaced, as requested" : c->reason == LH_REASON_TAINTED ?
		    " is tainted, so must be replaced" : " must be replaced";
		break;
	case LH_ACT_DELETE:
		what = drift ? " has been deleted" : " will be destroyed";
		kind = BLK_DELETE;
		hs = '-';
		break;
	case LH_ACT_NOOP:
		what = " will be imported";
		hs = ' ';
		break;
	case LH_ACT_FORGET:
		/* Terraform's layout: one space before '#' and '.' */
		bold_line(b, " # ", c->addr, " will no longer be managed by litehcl, but will not "
		    "be destroyed");
		sb_puts(b, " # (destroy = false is set in the configuration)\n");
		sb_printf(b, " . resource \"%s\" \"%s\" {\n", c->type, c->name);
		block_attrs(b, 6, BLK_UPDATE, c->before, c->before, NULL, NULL,
		    c->rt ? c->rt->id_attr : "id", c->before_sensitive, c->before_sensitive, false);
		sb_puts(b, "    }\n");
		return;
	}
	if (c->action == LH_ACT_NOOP && c->moved_from != NULL && c->import_id == NULL) {
		/* `# A has moved to B`, the object with its unchanged attributes hidden */
		char *line = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&line, &len);
		if (m != NULL) {
			fprintf(m, " has moved to %s", c->addr);
			fclose(m);
			bold_line(b, "  # ", c->moved_from, line);
			free(line);
		}
		sb_printf(b, "    resource \"%s\" \"%s\" {\n", c->type, c->name);
		const cJSON *now = c->after ? c->after : c->before;
		block_attrs(b, 6, BLK_UPDATE, c->before, now, NULL, NULL,
		    c->rt ? c->rt->id_attr : "id", c->before_sensitive, c->after_sensitive, false);
		sb_puts(b, "    }\n");
		return;
	}
	bold_line(b, "  # ", c->addr, what);
	if (c->moved_from != NULL && !drift)
		sb_printf(b, "  # (moved from %s)\n", c->moved_from);
	if (c->import_id != NULL && c->action != LH_ACT_NOOP) {
		sb_puts(b, "    # (imported from ");
		quote(b, c->import_id);
		sb_puts(b, ")\n");
	}
	if (c->recreated)
		sb_puts(b, "  # (it was deleted outside litehcl)\n");
	if (!drift && c->action == LH_ACT_DELETE) {
		sb b2 = {0};
		index_text(&b2, c->index);
		switch (c->reason) {
		case LH_REASON_COUNT_INDEX:
			sb_printf(b, "  # (because index %s is out of range for count)\n", b2.s ? b2.s : "");
			break;
		case LH_REASON_EACH_KEY:
			sb_printf(b, "  # (because key %s is not in for_each map)\n", b2.s ? b2.s : "");
			break;
		case LH_REASON_NO_RESOURCE_CONFIG:
			sb_printf(b, "  # (because %s.%s is not in configuration)\n", c->type, c->name);
			break;
		case LH_REASON_WRONG_REPETITION:	/* the key's kind says which (Terraform) */
			sb_puts(b, cJSON_IsNumber(c->index) ? "  # (because resource does not use count)\n" :
			    cJSON_IsString(c->index) ? "  # (because resource does not use for_each)\n" :
			    "  # (because resource uses count or for_each)\n");
			break;
		default:
			break;
		}
		free(b2.s);
	}
	if (c->action == LH_ACT_REPLACE) {
		if (b->color)
			sb_puts(b, C_RED "-" C_RESET "/" C_GREEN "+" C_RESET " ");
		else
			sb_puts(b, "-/+ ");
	} else {
		sym(b, 2, hs);
	}
	sb_printf(b, "resource \"%s\" \"%s\" {\n", c->type, c->name);
	const char *id_attr = c->rt ? c->rt->id_attr : "id";
	if (c->action == LH_ACT_NOOP)
		block_attrs(b, 6, BLK_SHOW, c->before, NULL, NULL, NULL, NULL,
		    c->before_sensitive, NULL, false);
	else
		block_attrs(b, 6, kind, c->before, c->after, c->after_unknown, c->replace_paths,
		    id_attr, c->before_sensitive, c->after_sensitive, c->import_id != NULL);
	sb_puts(b, "    }\n");
}

/* A data source read during apply: Terraform's "<= read" block. */
static void
read_block(sb *b, const lh_change *c)
{
	bold_line(b, "  # ", c->addr, " will be read during apply");
	sb_puts(b, c->read == 1 ? "  # (config refers to values not yet known)\n" :
	    "  # (depends on a resource or a module with changes pending)\n");
	sb_puts(b, b->color ? " " C_CYAN "<=" C_RESET " " : " <= ");
	sb_printf(b, "data \"%s\" \"%s\" {\n", c->type, c->name);
	block_attrs(b, 6, BLK_CREATE, NULL, c->after, c->after_unknown, NULL, NULL, NULL,
	    c->after_sensitive, false);
	sb_puts(b, "    }\n");
}

void
lh_render_wrapped(FILE *f, const char *text)
{
	const int width = 78;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		/* wrap one paragraph line */
		size_t col = 0, start = 0, last_sp = (size_t)-1;
		for (size_t i = 0; i < len; i++) {
			if (p[i] == ' ')
				last_sp = i;
			col++;
			if (col > (size_t)width && last_sp != (size_t)-1 && last_sp >= start) {
				fwrite(p + start, 1, last_sp - start, f);
				fputc('\n', f);
				start = last_sp + 1;
				col = i - last_sp;
				last_sp = (size_t)-1;
			}
		}
		fwrite(p + start, 1, len - start, f);
		fputc('\n', f);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

void
lh_render_rule(FILE *f)
{
	for (int i = 0; i < 77; i++)
		fputs("\u2500", f);
	fputc('\n', f);
}

static void
wrapped_sb(sb *b, const char *text)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	if (m == NULL)
		abort();
	lh_render_wrapped(m, text);
	fclose(m);
	sb_putn(b, buf, n);
	free(buf);
}

/* The change of a partly unknown value: where mask says unknown, "(known after
 * apply)" (Terraform shows a map key or list element that way). */
static void
diff_masked(sb *b, int ind, const cJSON *bv, const cJSON *av, const cJSON *mask)
{
	if (cJSON_IsTrue(mask)) {
		diff(b, ind, bv, NULL, true);
		return;
	}
	if (cJSON_IsObject(av) && cJSON_IsObject(mask) && (isnull(bv) || cJSON_IsObject(bv))) {
		if (isnull(bv))
			bv = NULL;	/* created: every key is new */
		keys ks = {0};
		keys_add(&ks, bv);
		keys_add(&ks, av);
		keys_sort(&ks, true);
		sb_puts(b, "{\n");
		int unchanged = 0;
		for (size_t i = 0; i < ks.n; i++) {
			const cJSON *o = cJSON_GetObjectItemCaseSensitive(bv, ks.k[i]);
			const cJSON *n = cJSON_GetObjectItemCaseSensitive(av, ks.k[i]);
			const cJSON *m = cJSON_GetObjectItemCaseSensitive(mask, ks.k[i]);
			bool unk = m != NULL && !cJSON_IsFalse(m);
			if (!unk && o != NULL && n != NULL && lh_json_equal(o, n)) {
				unchanged++;
				continue;
			}
			char sy = o == NULL ? '+' : n == NULL ? '-' : '~';
			sym(b, ind + 4, sy);
			put_key(b, ks.k[i], ks.width);
			if (unk)
				diff_masked(b, ind + 4, o, n, m);
			else if (o == NULL)
				plain(b, ind + 4, '+', n);
			else if (n == NULL) {
				plain(b, ind + 4, '-', o);
				sb_puts(b, " -> null");
			} else
				diff(b, ind + 4, o, n, false);
			sb_puts(b, "\n");
		}
		hidden(b, ind + 6, unchanged, "attribute");
		free(ks.k);
		sb_pad(b, ind + 2);
		sb_puts(b, "}");
		return;
	}
	if (cJSON_IsArray(av) && cJSON_IsArray(mask)) {
		int nb = cJSON_IsArray(bv) ? cJSON_GetArraySize(bv) : 0;
		int na = cJSON_GetArraySize(av), n = nb > na ? nb : na;
		sb_puts(b, "[\n");
		for (int i = 0; i < n; i++) {
			const cJSON *o = i < nb ? cJSON_GetArrayItem(bv, i) : NULL;
			const cJSON *x = i < na ? cJSON_GetArrayItem(av, i) : NULL;
			const cJSON *m = cJSON_GetArrayItem(mask, i);
			bool unk = m != NULL && !cJSON_IsFalse(m);
			if (o != NULL && x != NULL && !unk && lh_json_equal(o, x)) {
				sym(b, ind + 4, ' ');
				plain(b, ind + 4, ' ', o);
			} else if (o == NULL) {
				sym(b, ind + 4, '+');
				if (unk)
					sb_puts(b, "(known after apply)");
				else
					plain(b, ind + 4, '+', x);
			} else if (x == NULL) {
				sym(b, ind + 4, '-');
				plain(b, ind + 4, '-', o);
			} else {
				sym(b, ind + 4, '~');
				diff_masked(b, ind + 4, o, x, m);
			}
			sb_puts(b, ",\n");
		}
		sb_pad(b, ind + 2);
		sb_puts(b, "]");
		return;
	}
	diff(b, ind, bv, av, false);
}

static void
output_line(sb *b, const lh_output_change *o, int width)
{
	char s = o->action == LH_ACT_CREATE ? '+' : o->action == LH_ACT_DELETE ? '-' : '~';
	sym(b, 2, s);
	sb_puts(b, o->name);
	sb_pad(b, width - (int)strlen(o->name));
	sb_puts(b, " = ");
	if (o->sensitive) {
		if (o->action == LH_ACT_DELETE)
			sb_puts(b, "(sensitive value) -> null");
		else if (o->action == LH_ACT_UPDATE)
			sb_puts(b, "(sensitive value)");
		else
			sb_puts(b, "(sensitive value)");
	} else if (o->action == LH_ACT_DELETE) {
		plain(b, 2, '-', o->before);
		sb_puts(b, " -> null");
	} else if (o->unknown_mask != NULL && !o->after_unknown) {
		diff_masked(b, 2, o->before, o->after, o->unknown_mask);
	} else {
		diff(b, 2, o->before, o->after, o->after_unknown);
	}
	sb_puts(b, "\n");
}

/* Terraform's words for a plan that failed with nothing to show. */
static void
planning_failed(sb *b)
{
	sb_puts(b, b->color ? "\033[0m\033[1m\033[31mPlanning failed.\033[0m\033[1m litehcl "
	    "encountered an error while generating this plan.\033[0m\n\n\033[0m" :
	    "Planning failed. litehcl encountered an error while generating this plan.\n\n");
}

void
lh_render_plan(FILE *f, const lh_plan *p, const lh_render_opts *o)
{
	sb b = {.color = o && o->color};
	sb_puts(&b, "\n");
	if (p->ndrift > 0) {
		if (b.color)
			sb_puts(&b, C_BOLD);
		sb_puts(&b, "Note: Objects have changed outside of litehcl");
		if (b.color)
			sb_puts(&b, C_RESET);
		sb_puts(&b, "\n\n");
		wrapped_sb(&b, "litehcl detected the following changes made outside of litehcl since the\n"
		    "last \"litehcl apply\" which may have affected this plan:");
		sb_puts(&b, "\n");
		for (size_t i = 0; i < p->ndrift; i++) {
			change_block(&b, &p->drift[i], true);
			sb_puts(&b, "\n");
			if (b.n >= 65536)
				sb_flush(&b, f);
		}
		if (p->mode == LH_PLAN_REFRESH_ONLY) {
			sb_puts(&b, "\n");
			wrapped_sb(&b, "This is a refresh-only plan, so litehcl will not take any actions to undo\n"
			    "these. If you were expecting these changes then you can apply this plan to\n"
			    "record the updated values in the litehcl state without changing any remote\n"
			    "objects.");
		} else {
			sb_puts(&b, "\n");
			wrapped_sb(&b, "Unless you have made equivalent changes to your configuration, "
			    "or ignored the relevant attributes using ignore_changes, the following "
			    "plan may include actions to undo or respond to these changes.");
			sb_puts(&b, "\n");
			sb_flush(&b, f);
			lh_render_rule(f);
			b.color = o && o->color;
			sb_puts(&b, "\n");
		}
	}
	if (p->mode == LH_PLAN_REFRESH_ONLY && p->errored) {
		if (p->ndrift > 0) {	/* after the drift, as for a normal plan */
			sb_puts(&b, "\n");
			sb_flush(&b, f);
			lh_render_rule(f);
			b.color = o && o->color;
			sb_puts(&b, "\n");
		}
		planning_failed(&b);
		sb_flush(&b, f);
		return;
	}
	if (p->mode == LH_PLAN_REFRESH_ONLY) {
		if (p->ndrift == 0) {
			if (b.color)
				sb_puts(&b, C_BOLD);
			sb_puts(&b, "No changes.");
			if (b.color)
				sb_puts(&b, C_RESET);
			sb_puts(&b, " Your infrastructure still matches the configuration.\n\n");
			wrapped_sb(&b, "litehcl has checked that the real remote objects still match the result of\n"
			    "your most recent changes, and found no differences.");
		}
		sb_flush(&b, f);
		return;
	}
	bool any = p->nreads > 0, used[LH_ACT_FORGET + 1] = {0};
	for (size_t i = 0; i < p->n; i++) {
		const lh_change *c = &p->changes[i];
		if (c->action != LH_ACT_NOOP || c->import_id != NULL || c->moved_from != NULL)
			any = true;
		used[c->action] = true;
	}
	bool outs = false;
	for (size_t i = 0; i < p->noutputs; i++)
		if (p->outputs[i].action != LH_ACT_NOOP)
			outs = true;
	if (!any && !outs && p->errored) {
		planning_failed(&b);
		sb_flush(&b, f);
		return;
	}
	if (!any && !outs) {
		if (b.color)
			sb_puts(&b, C_BOLD);
		sb_puts(&b, "No changes.");
		if (b.color)
			sb_puts(&b, C_RESET);
		if (p->mode == LH_PLAN_DESTROY) {
			sb_puts(&b, " No objects need to be destroyed.\n\n");
			wrapped_sb(&b, "Either you have not created any objects yet or the existing objects were\n"
			    "already deleted outside of litehcl.");
		} else {
			sb_puts(&b, " Your infrastructure matches the configuration.\n\n");
			wrapped_sb(&b, "litehcl has compared your real infrastructure against your configuration\n"
			    "and found no differences, so no changes are needed.");
		}
		sb_flush(&b, f);
		return;
	}
	if (any) {
		if (used[LH_ACT_CREATE] || used[LH_ACT_UPDATE] || used[LH_ACT_DELETE] ||
		    used[LH_ACT_REPLACE] || p->nreads > 0) {
			wrapped_sb(&b, "litehcl used the selected providers to generate the following execution\n"
			    "plan. Resource actions are indicated with the following symbols:");
			if (used[LH_ACT_CREATE]) {
				sym(&b, 2, '+');
				sb_puts(&b, "create\n");
			}
			if (used[LH_ACT_UPDATE]) {
				sym(&b, 2, '~');
				sb_puts(&b, "update in-place\n");
			}
			if (used[LH_ACT_DELETE]) {
				sym(&b, 2, '-');
				sb_puts(&b, "destroy\n");
			}
			if (used[LH_ACT_REPLACE]) {
				sb_puts(&b, b.color ? C_RED "-" C_RESET "/" C_GREEN "+" C_RESET :
				    "-/+");
				sb_puts(&b, " destroy and then create replacement\n");
			}
			if (p->nreads > 0)
				sb_puts(&b, b.color ? " " C_CYAN "<=" C_RESET " read (data resources)\n" :
				    " <= read (data resources)\n");
			sb_puts(&b, "\n");
		}
		sb_puts(&b, p->errored ?
		    "litehcl planned the following actions, but then encountered a problem:\n\n" :
		    "litehcl will perform the following actions:\n\n");
		/* data.* addresses sort before every managed one */
		for (size_t i = 0; i < p->nreads; i++) {
			read_block(&b, &p->reads[i]);
			sb_puts(&b, "\n");
		}
		for (size_t i = 0; i < p->n; i++) {
			const lh_change *c = &p->changes[i];
			if (c->action == LH_ACT_NOOP && c->import_id == NULL && c->moved_from == NULL)
				continue;
			change_block(&b, c, false);
			sb_puts(&b, "\n");
			if (b.n >= 65536)
				sb_flush(&b, f);	/* 100,000 creates: not one 100 MB text */
		}
		if (b.color)
			sb_puts(&b, C_BOLD);
		sb_puts(&b, "Plan:");
		if (b.color)
			sb_puts(&b, C_RESET);
		if (p->import > 0)
			sb_printf(&b, " %d to import,", p->import);
		sb_printf(&b, " %d to add, %d to change, %d to destroy.\n", p->add, p->change,
		    p->destroy);
	}
	if (outs) {
		int width = 0;
		/* names line up over every output, unchanged ones included (Terraform) */
		for (size_t i = 0; i < p->noutputs; i++)
			if ((p->outputs[i].before != NULL || p->outputs[i].after != NULL ||
			    p->outputs[i].after_unknown) && (int)strlen(p->outputs[i].name) > width)
				width = (int)strlen(p->outputs[i].name);
		sb_puts(&b, any ? "\nChanges to Outputs:\n" : "Changes to Outputs:\n");
		for (size_t i = 0; i < p->noutputs; i++)
			if (p->outputs[i].action != LH_ACT_NOOP)
				output_line(&b, &p->outputs[i], width);
		if (!any) {
			sb_puts(&b, "\n");
			wrapped_sb(&b, "You can apply this plan to save these new output values to the litehcl\n"
			    "state, without changing any real infrastructure.");
		}
	}
	sb_flush(&b, f);
}

void
lh_render_plan_epilogue(FILE *f, const char *out_path)
{
	/* TF_IN_AUTOMATION (any value): no next-step advice, as Terraform */
	const char *auto_env = getenv("TF_IN_AUTOMATION");
	if (auto_env != NULL && *auto_env)
		return;
	fputc('\n', f);
	lh_render_rule(f);
	fputc('\n', f);
	if (out_path != NULL) {
		fprintf(f, "Saved the plan to: %s\n\n", out_path);
		fputs("To perform exactly these actions, run the following command to apply:\n", f);
		fprintf(f, "    litehcl apply \"%s\"\n", out_path);
	} else {
		/* Terraform's line breaks, so the text lines up with Terraform's */
		lh_render_wrapped(f, "Note: You didn't use the -out option to save this plan, so litehcl can't\n"
		    "guarantee to take exactly these actions if you run \"litehcl apply\" now.");
	}
}

void
lh_render_state_instance(FILE *f, const char *addr, const char *type, const char *name,
    const cJSON *attrs, const cJSON *sensitive, const lh_render_opts *o)
{
	sb b = {.color = o && o->color};
	/* Terraform's sensitive_attributes paths -> {attr:true} */
	cJSON *sens = cJSON_CreateObject();
	const cJSON *path;
	cJSON_ArrayForEach(path, sensitive) {
		const cJSON *step = cJSON_GetArrayItem(path, 0);
		const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(step, "value"));
		if (v != NULL && cJSON_GetObjectItemCaseSensitive(sens, v) == NULL)
			cJSON_AddItemToObject(sens, v, cJSON_CreateTrue());
	}
	sb_printf(&b, "# %s:\n", addr);
	sb_printf(&b, "%s \"%s\" \"%s\" {\n", strncmp(addr, "data.", 5) == 0 ? "data" : "resource",
	    type, name);
	block_attrs(&b, 2, BLK_SHOW, attrs, NULL, NULL, NULL, NULL, sens, NULL, false);
	cJSON_Delete(sens);
	sb_puts(&b, "}\n");
	sb_flush(&b, f);
}

/* A multi-line string as Terraform's console and output print it: "<<EOT" at the top,
 * "<<-EOT" nested, every line (and the delimiter) indented by ind; the delimiter grows
 * an "_" while a line would end it early. */
static bool
heredoc_out(sb *b, int ind, const char *s)
{
	if (strchr(s, '\n') == NULL)
		return false;
	char delim[64] = "EOT";
	for (bool clash = true; clash && strlen(delim) < sizeof delim - 2;) {
		clash = false;
		for (const char *p = s; *p;) {
			const char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			while (n > 0 && (*p == ' ' || *p == '\t'))
				p++, n--;
			while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
				n--;
			if (n == strlen(delim) && strncmp(p, delim, n) == 0)
				clash = true;
			if (e == NULL)
				break;
			p = e + 1;
		}
		if (clash)
			strcat(delim, "_");
	}
	sb_puts(b, ind > 0 ? "<<-" : "<<");
	sb_puts(b, delim);
	for (const char *p = s;;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		sb_puts(b, "\n");
		sb_pad(b, ind);
		sb_putn(b, p, n);
		if (e == NULL)
			break;
		p = e + 1;
	}
	sb_puts(b, "\n");
	sb_pad(b, ind);
	sb_puts(b, delim);
	return true;
}

/* The kind of Terraform type JSON t ("list", "set", "map", "tuple", "object"), or
 * NULL for a primitive or unknown type. */
static const char *
type_kind(const cJSON *t)
{
	return cJSON_IsArray(t) ? cJSON_GetStringValue(cJSON_GetArrayItem(t, 0)) : NULL;
}

/* The type of element i (key k) inside a value of type t, or NULL. */
static const cJSON *
type_elem(const cJSON *t, int i, const char *k)
{
	const char *kind = type_kind(t);
	if (kind == NULL)
		return NULL;
	const cJSON *arg = cJSON_GetArrayItem(t, 1);
	if (strcmp(kind, "tuple") == 0)
		return cJSON_GetArrayItem(arg, i);
	if (strcmp(kind, "object") == 0)
		return k ? cJSON_GetObjectItemCaseSensitive(arg, k) : NULL;
	return arg;
}

/* `terraform output` layout (Terraform's console format): 2-space nesting, quoted
 * keys, commas in lists, tolist/toset/tomap around collections whose type (t, the
 * output's type JSON; NULL: unknown) says so, heredocs for multi-line strings. */
static void
out_value(sb *b, int ind, const cJSON *v, const cJSON *t)
{
	const char *kind = type_kind(t);
	const char *wrap = kind == NULL ? NULL : strcmp(kind, "list") == 0 ? "tolist" :
	    strcmp(kind, "set") == 0 ? "toset" : strcmp(kind, "map") == 0 ? "tomap" : NULL;
	if (cJSON_IsArray(v)) {
		if (wrap)
			sb_printf(b, "%s(", wrap);
		if (v->child == NULL) {
			sb_puts(b, "[]");
		} else {
			sb_puts(b, "[\n");
			int i = 0;
			for (const cJSON *e = v->child; e; e = e->next, i++) {
				sb_pad(b, ind + 2);
				out_value(b, ind + 2, e, type_elem(t, i, NULL));
				sb_puts(b, ",\n");
			}
			sb_pad(b, ind);
			sb_puts(b, "]");
		}
		if (wrap)
			sb_puts(b, ")");
	} else if (cJSON_IsObject(v)) {
		if (wrap)
			sb_printf(b, "%s(", wrap);
		if (v->child == NULL) {
			sb_puts(b, "{}");
		} else {
			keys ks = {0};
			keys_add(&ks, v);
			qsort(ks.k, ks.n, sizeof *ks.k, strp_cmp);
			sb_puts(b, "{\n");
			for (size_t i = 0; i < ks.n; i++) {
				sb_pad(b, ind + 2);
				quote(b, ks.k[i]);
				sb_puts(b, " = ");
				out_value(b, ind + 2, cJSON_GetObjectItemCaseSensitive(v, ks.k[i]),
				    type_elem(t, (int)i, ks.k[i]));
				sb_puts(b, "\n");
			}
			free(ks.k);
			sb_pad(b, ind);
			sb_puts(b, "}");
		}
		if (wrap)
			sb_puts(b, ")");
	} else if (cJSON_IsString(v) && heredoc_out(b, ind, v->valuestring)) {
		/* printed */
	} else {
		plain_inner(b, ind, ' ', v);
	}
}

void
lh_render_value(FILE *f, const cJSON *v, const cJSON *type)
{
	sb b = {0};
	out_value(&b, 0, v, type);
	sb_puts(&b, "\n");
	sb_flush(&b, f);
}

/* `show`'s outputs: plain() with the type's word on keys - a map's keys are always
 * quoted, an object's only where they are not identifiers (Terraform). */
static void
show_value(sb *b, int ind, const cJSON *v, const cJSON *t)
{
	const char *kind = type_kind(t);
	if (cJSON_IsArray(v) && v->child != NULL && kind != NULL) {
		sb_puts(b, "[\n");
		int i = 0;
		for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
			sym(b, ind + 4, ' ');
			show_value(b, ind + 4, e, type_elem(t, i, NULL));
			sb_puts(b, ",\n");
		}
		sb_pad(b, ind + 2);
		sb_puts(b, "]");
	} else if (cJSON_IsObject(v) && v->child != NULL && kind != NULL) {
		bool map = strcmp(kind, "map") == 0;
		keys ks = {0};
		keys_add(&ks, v);
		keys_sort(&ks, true);
		if (map) {
			ks.width = 0;
			for (size_t i = 0; i < ks.n; i++)
				if ((int)strlen(ks.k[i]) + 2 > ks.width)
					ks.width = (int)strlen(ks.k[i]) + 2;
		}
		sb_puts(b, "{\n");
		for (size_t i = 0; i < ks.n; i++) {
			sym(b, ind + 4, ' ');
			if (map) {
				quote(b, ks.k[i]);
				sb_pad(b, ks.width - (int)strlen(ks.k[i]) - 2);
				sb_puts(b, " = ");
			} else {
				put_key(b, ks.k[i], ks.width);
			}
			show_value(b, ind + 4, cJSON_GetObjectItemCaseSensitive(v, ks.k[i]),
			    type_elem(t, (int)i, ks.k[i]));
			sb_puts(b, "\n");
		}
		free(ks.k);
		sb_pad(b, ind + 2);
		sb_puts(b, "}");
	} else {
		plain(b, ind, ' ', v);
	}
}

void
lh_render_show_outputs(FILE *f, const cJSON *outputs)
{
	keys ks = {0};
	keys_add(&ks, outputs);
	if (ks.n > 0)
		qsort(ks.k, ks.n, sizeof *ks.k, strp_cmp);
	sb b = {0};
	for (size_t i = 0; i < ks.n; i++) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(outputs, ks.k[i]);
		sb_printf(&b, "%s = ", ks.k[i]);
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "sensitive")))
			sb_puts(&b, "(sensitive value)");
		else
			show_value(&b, -2, cJSON_GetObjectItemCaseSensitive(o, "value"),
			    cJSON_GetObjectItemCaseSensitive(o, "type"));
		sb_puts(&b, "\n");
	}
	free(ks.k);
	sb_flush(&b, f);
}

void
lh_render_outputs(FILE *f, const cJSON *outputs, bool hide_sensitive)
{
	keys ks = {0};
	keys_add(&ks, outputs);
	if (ks.n > 0)
		qsort(ks.k, ks.n, sizeof *ks.k, strp_cmp);
	sb b = {0};
	for (size_t i = 0; i < ks.n; i++) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(outputs, ks.k[i]);
		sb_printf(&b, "%s = ", ks.k[i]);
		if (hide_sensitive && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "sensitive")))
			sb_puts(&b, "<sensitive>");
		else
			out_value(&b, 0, cJSON_GetObjectItemCaseSensitive(o, "value"),
			    cJSON_GetObjectItemCaseSensitive(o, "type"));
		sb_puts(&b, "\n");
	}
	free(ks.k);
	sb_flush(&b, f);
}

/* ---- JSON text ---- */

static void
pretty(sb *b, const cJSON *v, int ind)
{
	if ((cJSON_IsArray(v) || cJSON_IsObject(v)) && v->child != NULL) {
		bool obj = cJSON_IsObject(v);
		sb_puts(b, obj ? "{\n" : "[\n");
		for (const cJSON *e = v->child; e != NULL; e = e->next) {
			sb_pad(b, ind + 2);
			if (obj) {
				cJSON *k = cJSON_CreateString(e->string);
				char *ks = cJSON_PrintUnformatted(k);
				sb_puts(b, ks ? ks : "\"\"");
				sb_puts(b, ": ");
				free(ks);
				cJSON_Delete(k);
			}
			pretty(b, e, ind + 2);
			sb_puts(b, e->next ? ",\n" : "\n");
		}
		sb_pad(b, ind);
		sb_puts(b, obj ? "}" : "]");
		return;
	}
	char *t = lh_cjson_print(v);	/* numbers exact */
	sb_puts(b, t ? t : "null");
	free(t);
}

void
lh_render_json_pretty(FILE *f, const cJSON *v)
{
	sb b = {0};
	pretty(&b, v, 0);
	sb_puts(&b, "\n");
	sb_flush(&b, f);
}

/* ---- JSON representations ---- */

static cJSON *
jdup(const cJSON *v)
{
	cJSON *c = v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();
	if (c == NULL)
		abort();
	return c;
}

static void
jadd(cJSON *o, const char *k, cJSON *v)
{
	if (v == NULL || !cJSON_AddItemToObject(o, k, v)) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
}

cJSON *
lh_render_partial_json(const lh_value *v, cJSON **mask)
{
	*mask = NULL;
	if (v == NULL)
		return NULL;
	if (lh_val_is_unknown(v)) {
		*mask = cJSON_CreateTrue();
		return cJSON_CreateNull();
	}
	if (lh_val_is_null(v) || !lh_val_has_unknown(v)) {
		const char *err = NULL;
		*mask = cJSON_CreateFalse();
		return lh_val_to_cjson(v, &err);
	}
	lh_type_kind k = v->type->kind;
	if (k == LH_TY_LIST || k == LH_TY_SET || k == LH_TY_TUPLE) {
		cJSON *a = cJSON_CreateArray(), *m = cJSON_CreateArray();
		for (size_t i = 0; i < v->u.seq.n; i++) {
			cJSON *em = NULL, *e = lh_render_partial_json(v->u.seq.items[i], &em);
			if (e == NULL) {
				cJSON_Delete(a);
				cJSON_Delete(m);
				cJSON_Delete(em);
				return NULL;
			}
			cJSON_AddItemToArray(a, e);
			cJSON_AddItemToArray(m, em);
		}
		*mask = m;
		return a;
	}
	if (k == LH_TY_MAP || k == LH_TY_OBJECT) {
		cJSON *o = cJSON_CreateObject(), *m = cJSON_CreateObject();
		for (size_t i = 0; i < v->u.map.n; i++) {
			cJSON *em = NULL, *e = lh_render_partial_json(v->u.map.vals[i], &em);
			if (e == NULL) {
				cJSON_Delete(o);
				cJSON_Delete(m);
				cJSON_Delete(em);
				return NULL;
			}
			jadd(o, v->u.map.keys[i], e);
			if (cJSON_IsFalse(em))	/* Terraform leaves known members out */
				cJSON_Delete(em);
			else
				jadd(m, v->u.map.keys[i], em);
		}
		*mask = m;
		return o;
	}
	return NULL;
}

cJSON *
lh_render_type_json(const lh_type *t)
{
	static const char *const names[] = {"dynamic", "string", "number", "bool", "list",
	    "set", "map", "tuple", "object"};
	if (t == NULL)
		return cJSON_CreateString("dynamic");
	switch (t->kind) {
	case LH_TY_LIST:
	case LH_TY_SET:
	case LH_TY_MAP: {
		cJSON *a = cJSON_CreateArray();
		cJSON_AddItemToArray(a, cJSON_CreateString(names[t->kind]));
		cJSON_AddItemToArray(a, lh_render_type_json(t->elem));
		return a;
	}
	case LH_TY_TUPLE: {
		cJSON *a = cJSON_CreateArray(), *el = cJSON_CreateArray();
		cJSON_AddItemToArray(a, cJSON_CreateString("tuple"));
		for (size_t i = 0; i < t->n; i++)
			cJSON_AddItemToArray(el, lh_render_type_json(t->types[i]));
		cJSON_AddItemToArray(a, el);
		return a;
	}
	case LH_TY_OBJECT: {
		cJSON *a = cJSON_CreateArray(), *at = cJSON_CreateObject();
		cJSON_AddItemToArray(a, cJSON_CreateString("object"));
		for (size_t i = 0; i < t->n; i++)
			jadd(at, t->names[i], lh_render_type_json(t->types[i]));
		cJSON_AddItemToArray(a, at);
		return a;
	}
	default:
		return cJSON_CreateString(names[t->kind]);
	}
}

/* One parameter of a function's JSON signature. */
static cJSON *
func_param_json(const struct lh_func_sig_param *p)
{
	cJSON *o = cJSON_CreateObject();
	jadd(o, "name", cJSON_CreateString(p->name));
	jadd(o, "type", lh_render_type_json(p->type));
	return o;
}

/* Where Terraform's declared signature says more (or less) than the evaluator's tables,
 * which give the type of a result whose arguments are unknown: its return types (cty's
 * for the parameters' types, as `terraform metadata functions -json` lists them), and
 * templatestring's template, a string checked by the evaluator itself. */
static const struct {
	const char *name, *ret, *param0;
} sig_fix[] = {
	{"chunklist", "[\"list\",[\"list\",\"dynamic\"]]", NULL},
	{"contains", "\"dynamic\"", NULL},
	{"distinct", "[\"list\",\"dynamic\"]", NULL},
	{"format", "\"dynamic\"", NULL},
	{"formatlist", "\"dynamic\"", NULL},
	{"index", "\"dynamic\"", NULL},
	{"matchkeys", "[\"list\",\"dynamic\"]", NULL},
	{"parseint", "\"dynamic\"", NULL},
	{"regexall", "[\"list\",\"dynamic\"]", NULL},
	{"setintersection", "[\"set\",\"dynamic\"]", NULL},
	{"setsubtract", "[\"set\",\"dynamic\"]", NULL},
	{"setunion", "[\"set\",\"dynamic\"]", NULL},
	{"sum", "\"dynamic\"", NULL},
	{"templatestring", NULL, "\"string\""},
	{"tolist", "[\"list\",\"dynamic\"]", NULL},
	{"tomap", "[\"map\",\"dynamic\"]", NULL},
	{"toset", "[\"set\",\"dynamic\"]", NULL},
};

cJSON *
lh_render_function_call(const char *calling)
{
	const char *paren = calling != NULL ? strchr(calling, '(') : NULL;
	if (paren == NULL)
		return NULL;
	char name[128];
	size_t n = (size_t)(paren - calling);
	if (n == 0 || n >= sizeof name)
		return NULL;
	memcpy(name, calling, n);
	name[n] = 0;
	lh_func_sig sig;
	if (!lh_func_sig_of(name, &sig))
		return NULL;
	cJSON *fc = cJSON_CreateObject(), *sg = cJSON_CreateObject(), *ps = cJSON_CreateArray();
	jadd(fc, "called_as", cJSON_CreateString(name));
	jadd(sg, "name", cJSON_CreateString(name));
	const char *fix_ret = NULL, *fix_param0 = NULL;
	for (size_t i = 0; i < sizeof sig_fix / sizeof sig_fix[0]; i++)
		if (strcmp(sig_fix[i].name, name) == 0) {
			fix_ret = sig_fix[i].ret;
			fix_param0 = sig_fix[i].param0;
		}
	for (size_t i = 0; i < sig.np; i++) {
		cJSON *p = func_param_json(&sig.params[i]);
		if (i == 0 && fix_param0 != NULL)
			cJSON_ReplaceItemInObjectCaseSensitive(p, "type", cJSON_Parse(fix_param0));
		cJSON_AddItemToArray(ps, p);
	}
	jadd(sg, "params", ps);
	if (sig.variadic)
		jadd(sg, "variadic_param", func_param_json(&sig.var));
	jadd(sg, "return_type", fix_ret != NULL ? cJSON_Parse(fix_ret) : lh_render_type_json(sig.ret));
	jadd(fc, "signature", sg);
	return fc;
}

cJSON *
lh_render_json_type(const cJSON *v)
{
	if (cJSON_IsString(v))
		return cJSON_CreateString("string");
	if (cJSON_IsNumber(v))
		return cJSON_CreateString("number");
	if (cJSON_IsBool(v))
		return cJSON_CreateString("bool");
	if (cJSON_IsArray(v)) {
		cJSON *t = cJSON_CreateArray(), *el = cJSON_CreateArray();
		cJSON_AddItemToArray(t, cJSON_CreateString("tuple"));
		const cJSON *e;
		cJSON_ArrayForEach(e, v) cJSON_AddItemToArray(el, lh_render_json_type(e));
		cJSON_AddItemToArray(t, el);
		return t;
	}
	if (cJSON_IsObject(v)) {
		cJSON *t = cJSON_CreateArray(), *at = cJSON_CreateObject();
		cJSON_AddItemToArray(t, cJSON_CreateString("object"));
		const cJSON *e;
		cJSON_ArrayForEach(e, v) jadd(at, e->string, lh_render_json_type(e));
		cJSON_AddItemToArray(t, at);
		return t;
	}
	return cJSON_CreateString("dynamic");
}

static const char *
prov(const lh_render_opts *o)
{
	return o && o->provider ? o->provider : "registry.terraform.io/ncecere/litellm";
}

static void
addr_fields(cJSON *r, const char *addr, const char *type, const char *name,
    const cJSON *index, const lh_render_opts *o)
{
	jadd(r, "address", cJSON_CreateString(addr));
	jadd(r, "mode", cJSON_CreateString(strncmp(addr, "data.", 5) == 0 ? "data" : "managed"));
	jadd(r, "type", cJSON_CreateString(type));
	jadd(r, "name", cJSON_CreateString(name));
	if (index != NULL && !cJSON_IsNull(index))
		jadd(r, "index", jdup(index));
	jadd(r, "provider_name", cJSON_CreateString(prov(o)));
}

static int
key_cmp(const void *p, const void *q)
{
	const cJSON *a = *(cJSON *const *)p, *b = *(cJSON *const *)q;
	return strcmp(a->string, b->string);
}

/* A copy of v with object keys in Terraform's (alphabetical) order, at every level. */
static cJSON *
jsorted(const cJSON *v)
{
	cJSON *c = jdup(v);
	cJSON *stack[64];
	size_t sp = 0;
	stack[sp++] = c;
	while (sp > 0) {
		cJSON *o = stack[--sp];
		size_t n = (size_t)cJSON_GetArraySize(o);
		if (n == 0)
			continue;
		cJSON **kids = malloc(n * sizeof *kids);
		if (kids == NULL)
			abort();
		size_t k = 0;
		for (cJSON *e = o->child; e != NULL; e = e->next)
			kids[k++] = e;
		if (cJSON_IsObject(o)) {
			qsort(kids, n, sizeof *kids, key_cmp);
			for (size_t i = 0; i < n; i++) {
				kids[i]->prev = i > 0 ? kids[i - 1] : kids[n - 1];
				kids[i]->next = i + 1 < n ? kids[i + 1] : NULL;
			}
			o->child = kids[0];
		}
		for (size_t i = 0; i < n; i++)
			if ((cJSON_IsObject(kids[i]) || cJSON_IsArray(kids[i])) && sp < 64)
				stack[sp++] = kids[i];
		free(kids);
	}
	return c;
}

static cJSON *
actions(lh_action a)
{
	cJSON *arr = cJSON_CreateArray();
	if (a == LH_ACT_REPLACE) {
		cJSON_AddItemToArray(arr, cJSON_CreateString("delete"));
		cJSON_AddItemToArray(arr, cJSON_CreateString("create"));
	} else {
		cJSON_AddItemToArray(arr, cJSON_CreateString(lh_action_name(a)));
	}
	return arr;
}

/* Terraform's unknownAsBool / sensitiveAsBool shape of value v given litehcl's marks m
 * (true where unknown or sensitive): true where marked, a list has one entry per
 * element, a map or object keeps only its non-false members, anything else is false.
 * So a list attribute appears as [false, false], a plain one is left out. */
static cJSON *
mask_json(const cJSON *v, const cJSON *m)
{
	if (cJSON_IsTrue(m))
		return cJSON_CreateTrue();
	if (cJSON_IsArray(v)) {
		cJSON *a = cJSON_CreateArray();
		int i = 0;
		for (const cJSON *e = v->child; e != NULL; e = e->next, i++)
			cJSON_AddItemToArray(a, mask_json(e, cJSON_IsArray(m) ?
			    cJSON_GetArrayItem(m, i) : NULL));
		return a;
	}
	if (cJSON_IsObject(v) || (v == NULL && cJSON_IsObject(m))) {
		cJSON *o = cJSON_CreateObject();
		keys ks = {0};
		keys_add(&ks, v);
		keys_add(&ks, m);
		keys_sort(&ks, false);
		for (size_t i = 0; i < ks.n; i++) {
			cJSON *x = mask_json(cJSON_GetObjectItemCaseSensitive(v, ks.k[i]),
			    cJSON_IsObject(m) ? cJSON_GetObjectItemCaseSensitive(m, ks.k[i]) : NULL);
			if (cJSON_IsFalse(x))
				cJSON_Delete(x);
			else
				jadd(o, ks.k[i], x);
		}
		free(ks.k);
		return o;
	}
	return cJSON_CreateFalse();
}

/* True when m marks anything (a true leaf). */
static bool
any_true(const cJSON *m)
{
	if (cJSON_IsTrue(m))
		return true;
	for (const cJSON *e = m ? m->child : NULL; e != NULL; e = e->next)
		if (any_true(e))
			return true;
	return false;
}

/* A copy of v without what mask marks unknown, as Terraform writes a partly unknown
 * value: an unknown object attribute or map key is left out, an unknown list element
 * stays as null (after_unknown says which). */
static cJSON *
known_part(const cJSON *v, const cJSON *mask)
{
	if (mask == NULL || cJSON_IsFalse(mask))
		return jdup(v);
	if (cJSON_IsTrue(mask))
		return cJSON_CreateNull();
	if (cJSON_IsObject(v)) {
		cJSON *r = cJSON_CreateObject();
		for (const cJSON *e = v->child; e != NULL; e = e->next) {
			const cJSON *m = cJSON_GetObjectItemCaseSensitive(mask, e->string);
			if (!cJSON_IsTrue(m))
				jadd(r, e->string, known_part(e, m));
		}
		return r;
	}
	if (cJSON_IsArray(v)) {
		cJSON *r = cJSON_CreateArray();
		const cJSON *m = cJSON_IsArray(mask) ? mask->child : NULL;
		for (const cJSON *e = v->child; e != NULL; e = e->next, m = m ? m->next : NULL)
			cJSON_AddItemToArray(r, known_part(e, m));
		return r;
	}
	return jdup(v);
}

static cJSON *
change_json(const lh_change *c, const lh_render_opts *o)
{
	cJSON *r = cJSON_CreateObject();
	addr_fields(r, c->addr, c->type, c->name, c->index, o);
	if (c->moved_from != NULL) {
		/* Terraform's key order: right after "address" */
		cJSON *rest = r;
		r = cJSON_CreateObject();
		cJSON *ad = cJSON_DetachItemFromObjectCaseSensitive(rest, "address");
		jadd(r, "address", ad);
		jadd(r, "previous_address", cJSON_CreateString(c->moved_from));
		while (rest->child != NULL) {
			cJSON *it = cJSON_DetachItemViaPointer(rest, rest->child);
			cJSON_AddItemToObject(r, it->string, it);
		}
		cJSON_Delete(rest);
	}
	cJSON *ch = cJSON_CreateObject();
	if (c->read) {
		/* a data source read during apply (Terraform's "read" change) */
		cJSON *ra = cJSON_CreateArray();
		cJSON_AddItemToArray(ra, cJSON_CreateString("read"));
		jadd(ch, "actions", ra);
	} else {
		jadd(ch, "actions", actions(c->action));
	}
	jadd(ch, "before", jsorted(c->before));
	jadd(ch, "after", jsorted(c->after));
	/* a delete has nothing unknown: {} (Terraform); lists element by element */
	jadd(ch, "after_unknown", c->after && any_true(c->after_unknown) ?
	    mask_json(c->after, c->after_unknown) : cJSON_CreateObject());
	jadd(ch, "before_sensitive", c->before ? mask_json(c->before, c->before_sensitive) :
	    cJSON_CreateFalse());
	jadd(ch, "after_sensitive", c->after ? mask_json(c->after, c->after_sensitive) :
	    cJSON_CreateFalse());
	if (c->replace_paths != NULL)
		jadd(ch, "replace_paths", jdup(c->replace_paths));
	if (c->import_id != NULL) {
		cJSON *im = cJSON_CreateObject();
		jadd(im, "id", cJSON_CreateString(c->import_id));
		jadd(ch, "importing", im);
	}
	jadd(r, "change", ch);
	const char *reason = c->read == 1 ? "read_because_config_unknown" :
	    c->read == 2 ? "read_because_dependency_pending" : lh_reason_name(c->reason);
	if (reason != NULL)
		jadd(r, "action_reason", cJSON_CreateString(reason));
	return r;
}

static cJSON *
state_values(const cJSON *state, const lh_render_opts *o)
{
	cJSON *vals = cJSON_CreateObject();
	const cJSON *outs = cJSON_GetObjectItemCaseSensitive(state, "outputs");
	if (cJSON_IsObject(outs) && outs->child != NULL) {
		cJSON *jo = cJSON_CreateObject();
		const cJSON *e;
		cJSON_ArrayForEach(e, outs) {
			cJSON *x = cJSON_CreateObject();
			jadd(x, "sensitive", cJSON_CreateBool(
			    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "sensitive"))));
			jadd(x, "value", jdup(cJSON_GetObjectItemCaseSensitive(e, "value")));
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "type");
			jadd(x, "type", t ? jdup(t) :
			    lh_render_json_type(cJSON_GetObjectItemCaseSensitive(e, "value")));
			jadd(jo, e->string, x);
		}
		jadd(vals, "outputs", jo);
	}
	cJSON *rm = cJSON_CreateObject(), *rs = cJSON_CreateArray();
	const cJSON *res;
	cJSON_ArrayForEach(res, cJSON_GetObjectItemCaseSensitive(state, "resources")) {
		const char *mode = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "mode"));
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "type"));
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "name"));
		const char *provider = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(res, "provider"));
		bool data = mode != NULL && strcmp(mode, "data") == 0;
		if (mode == NULL || type == NULL || name == NULL || (!data && strcmp(mode, "managed") != 0) ||
		    cJSON_GetObjectItemCaseSensitive(res, "module") != NULL)
			continue;
		const cJSON *in;
		cJSON_ArrayForEach(in, cJSON_GetObjectItemCaseSensitive(res, "instances")) {
			const cJSON *idx = cJSON_GetObjectItemCaseSensitive(in, "index_key");
			sb a = {0};
			sb_printf(&a, "%s%s.%s", data ? "data." : "", type, name);
			index_text(&a, idx);
			cJSON *r = cJSON_CreateObject();
			lh_render_opts po = o ? *o : (lh_render_opts){0};
			char pbuf[512];
			const char *q = provider ? strchr(provider, '"') : NULL;
			const char *q2 = q ? strchr(q + 1, '"') : NULL;
			if (q2 != NULL && (size_t)(q2 - q) < sizeof pbuf) {
				/* provider["registry.terraform.io/x/y"] -> registry.terraform.io/x/y */
				memcpy(pbuf, q + 1, (size_t)(q2 - q - 1));
				pbuf[q2 - q - 1] = '\0';
				po.provider = pbuf;
			}
			addr_fields(r, a.s, type, name, idx, &po);
			jadd(r, "schema_version", cJSON_CreateNumber(0));
			/* attributes the state records as sensitive are marked in
			 * sensitive_values as Terraform does, and (secrets never leave
			 * litehcl) left out of values */
			cJSON *vals = jdup(cJSON_GetObjectItemCaseSensitive(in, "attributes"));
			cJSON *sv = cJSON_CreateObject();
			const cJSON *path;
			cJSON_ArrayForEach(path, cJSON_GetObjectItemCaseSensitive(in,
			    "sensitive_attributes")) {
				const cJSON *step = cJSON_GetArrayItem(path, 0);
				const char *k = cJSON_GetStringValue(
				    cJSON_GetObjectItemCaseSensitive(step, "value"));
				if (k == NULL || cJSON_GetObjectItemCaseSensitive(sv, k) != NULL)
					continue;
				cJSON_DeleteItemFromObjectCaseSensitive(vals, k);
				jadd(sv, k, cJSON_CreateTrue());
			}
			cJSON *svm = mask_json(vals, sv);
			cJSON_Delete(sv);
			jadd(r, "values", vals);
			jadd(r, "sensitive_values", svm);
			const cJSON *deps = cJSON_GetObjectItemCaseSensitive(in, "dependencies");
			if (cJSON_IsArray(deps) && deps->child != NULL)
				jadd(r, "depends_on", jdup(deps));
			cJSON_AddItemToArray(rs, r);
			free(a.s);
		}
	}
	jadd(rm, "resources", rs);
	jadd(vals, "root_module", rm);
	return vals;
}

cJSON *
lh_render_state_json(const cJSON *state, const lh_render_opts *o)
{
	cJSON *r = cJSON_CreateObject();
	jadd(r, "format_version", cJSON_CreateString("1.0"));
	if (state == NULL)
		return r;
	const char *tv = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(state,
	    "terraform_version"));
	jadd(r, "terraform_version", cJSON_CreateString(tv ? tv : LH_TF_COMPAT_VERSION));
	jadd(r, "values", state_values(state, o));
	return r;
}

cJSON *
lh_render_plan_json(const lh_plan *p, const cJSON *state, const lh_render_opts *o)
{
	cJSON *r = cJSON_CreateObject();
	jadd(r, "format_version", cJSON_CreateString("1.2"));
	jadd(r, "terraform_version", cJSON_CreateString(LH_TF_COMPAT_VERSION));
	/* planned_values */
	cJSON *pv = cJSON_CreateObject(), *pouts = cJSON_CreateObject();
	for (size_t i = 0; i < p->noutputs; i++) {
		const lh_output_change *oc = &p->outputs[i];
		if (oc->action == LH_ACT_DELETE)
			continue;
		cJSON *x = cJSON_CreateObject();
		jadd(x, "sensitive", cJSON_CreateBool(oc->sensitive));
		/* a partly unknown output has no value yet (Terraform) */
		if (!oc->after_unknown && oc->after != NULL && !oc->sensitive &&
		    !any_true(oc->unknown_mask)) {
			jadd(x, "type", lh_render_json_type(oc->after));
			jadd(x, "value", jdup(oc->after));
		}
		jadd(pouts, oc->name, x);
	}
	jadd(pv, "outputs", pouts);
	cJSON *rm = cJSON_CreateObject(), *rs = cJSON_CreateArray();
	for (size_t i = 0; i < p->nreads + p->n; i++) {
		const lh_change *c = i < p->nreads ? &p->reads[i] : &p->changes[i - p->nreads];
		if (c->after == NULL)
			continue;
		cJSON *x = cJSON_CreateObject();
		addr_fields(x, c->addr, c->type, c->name, c->index, o);
		jadd(x, "schema_version", cJSON_CreateNumber(0));
		jadd(x, "values", jsorted(c->after));
		jadd(x, "sensitive_values", mask_json(c->after, c->after_sensitive));
		cJSON_AddItemToArray(rs, x);
	}
	jadd(rm, "resources", rs);
	jadd(pv, "root_module", rm);
	jadd(r, "planned_values", pv);
	if (p->ndrift > 0) {
		cJSON *d = cJSON_CreateArray();
		for (size_t i = 0; i < p->ndrift; i++)
			cJSON_AddItemToArray(d, change_json(&p->drift[i], o));
		jadd(r, "resource_drift", d);
	}
	cJSON *rc = cJSON_CreateArray();
	for (size_t i = 0; i < p->nreads; i++)
		cJSON_AddItemToArray(rc, change_json(&p->reads[i], o));
	for (size_t i = 0; i < p->n; i++)
		cJSON_AddItemToArray(rc, change_json(&p->changes[i], o));
	jadd(r, "resource_changes", rc);
	cJSON *oc = cJSON_CreateObject();
	for (size_t i = 0; i < p->noutputs; i++) {
		const lh_output_change *x = &p->outputs[i];
		cJSON *j = cJSON_CreateObject();
		jadd(j, "actions", actions(x->action));
		/* sensitive values never leave litehcl */
		jadd(j, "before", x->sensitive ? cJSON_CreateNull() : jdup(x->before));
		/* an unknown output has no "after" (Terraform); a partly unknown one has
		 * its known part (no unknown map key, null for an unknown list element),
		 * and after_unknown says where */
		if (!x->after_unknown)
			jadd(j, "after", x->sensitive ? cJSON_CreateNull() :
			    known_part(x->after, x->unknown_mask));
		jadd(j, "after_unknown", x->unknown_mask != NULL && !x->sensitive ?
		    jdup(x->unknown_mask) : cJSON_CreateBool(x->after_unknown));
		jadd(j, "before_sensitive", cJSON_CreateBool(x->sensitive));
		jadd(j, "after_sensitive", cJSON_CreateBool(x->sensitive));
		jadd(oc, x->name, j);
	}
	jadd(r, "output_changes", oc);
	if (state != NULL)
		jadd(r, "prior_state", lh_render_state_json(state, o));
	/* configuration: what is feasible without expressions - the resources. */
	cJSON *cfg = cJSON_CreateObject(), *pc = cJSON_CreateObject(), *lp = cJSON_CreateObject();
	jadd(lp, "name", cJSON_CreateString("litellm"));
	jadd(lp, "full_name", cJSON_CreateString(prov(o)));
	jadd(pc, "litellm", lp);
	jadd(cfg, "provider_config", pc);
	cJSON *crm = cJSON_CreateObject(), *crs = cJSON_CreateArray();
	for (size_t i = 0; i < p->n; i++) {
		const lh_change *c = &p->changes[i];
		if (c->after == NULL)
			continue;
		bool seen = false;
		const cJSON *e;
		char *base = NULL;
		sb a = {0};
		sb_printf(&a, "%s.%s", c->type, c->name);
		base = a.s;
		cJSON_ArrayForEach(e, crs)
			if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e,
			    "address")), base) == 0)
				seen = true;
		if (!seen) {
			cJSON *x = cJSON_CreateObject();
			jadd(x, "address", cJSON_CreateString(base));
			jadd(x, "mode", cJSON_CreateString("managed"));
			jadd(x, "type", cJSON_CreateString(c->type));
			jadd(x, "name", cJSON_CreateString(c->name));
			jadd(x, "provider_config_key", cJSON_CreateString("litellm"));
			jadd(x, "schema_version", cJSON_CreateNumber(0));
			cJSON_AddItemToArray(crs, x);
		}
		free(base);
	}
	jadd(crm, "resources", crs);
	jadd(cfg, "root_module", crm);
	jadd(r, "configuration", cfg);
	char ts[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (cJSON_GetArraySize(p->checks) > 0)
		jadd(r, "checks", jdup(p->checks));
	jadd(r, "timestamp", cJSON_CreateString(ts));
	jadd(r, "applyable", cJSON_CreateBool(lh_plan_has_changes(p) && !p->errored));
	jadd(r, "complete", cJSON_CreateBool(!p->targeted && !p->errored));
	jadd(r, "errored", cJSON_CreateBool(p->errored));
	return r;
}

/* ---- machine-readable UI ---- */

static void
timestamp(char *buf, size_t n)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct tm tm;
	gmtime_r(&tv.tv_sec, &tm);
	size_t k = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + k, n - k, ".%06ldZ", (long)tv.tv_usec);
}

void
lh_ui_emit(FILE *f, const char *level, const char *type, cJSON *fields, const char *fmt, ...)
{
	char msg[2048], ts[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	timestamp(ts, sizeof ts);
	cJSON *o = cJSON_CreateObject();
	jadd(o, "@level", cJSON_CreateString(level));
	jadd(o, "@message", cJSON_CreateString(msg));
	jadd(o, "@module", cJSON_CreateString("terraform.ui"));
	jadd(o, "@timestamp", cJSON_CreateString(ts));
	if (fields != NULL) {
		while (fields->child != NULL) {
			cJSON *c = cJSON_DetachItemViaPointer(fields, fields->child);
			cJSON_AddItemToObject(o, c->string, c);
		}
		cJSON_Delete(fields);
	}
	jadd(o, "type", cJSON_CreateString(type));
	char *s = cJSON_PrintUnformatted(o);
	if (s != NULL) {
		fputs(s, f);
		fputc('\n', f);
		free(s);
	}
	cJSON_Delete(o);
	fflush(f);
}

cJSON *
lh_ui_resource(const char *addr, const char *type, const char *name, const cJSON *index)
{
	cJSON *r = cJSON_CreateObject();
	jadd(r, "addr", cJSON_CreateString(addr));
	jadd(r, "module", cJSON_CreateString(""));
	jadd(r, "resource", cJSON_CreateString(addr));
	jadd(r, "implied_provider", cJSON_CreateString("litellm"));
	jadd(r, "resource_type", cJSON_CreateString(type));
	jadd(r, "resource_name", cJSON_CreateString(name));
	jadd(r, "resource_key", jdup(index));
	return r;
}

void
lh_ui_version(FILE *f)
{
	cJSON *x = cJSON_CreateObject();
	/* exactly Terraform's fields: the litehcl version is in the message */
	jadd(x, "terraform", cJSON_CreateString(LH_TF_COMPAT_VERSION));
	jadd(x, "ui", cJSON_CreateString("1.2"));
	lh_ui_emit(f, "info", "version", x, "litehcl %s", LH_VERSION);
}

static const char *
ui_action(const lh_change *c)
{
	switch (c->action) {
	case LH_ACT_CREATE: return "create";
	case LH_ACT_UPDATE: return "update";
	case LH_ACT_REPLACE: return "replace";
	case LH_ACT_DELETE: return "delete";
	case LH_ACT_NOOP: return c->import_id ? "import" : c->moved_from ? "move" : "noop";
	case LH_ACT_FORGET: return "forget";
	}
	return "noop";
}

static const char *
ui_verb(const char *a)
{
	if (strcmp(a, "create") == 0) return "Plan to create";
	if (strcmp(a, "update") == 0) return "Plan to update";
	if (strcmp(a, "replace") == 0) return "Plan to replace";
	if (strcmp(a, "delete") == 0) return "Plan to delete";
	if (strcmp(a, "move") == 0) return "Plan to move";
	if (strcmp(a, "forget") == 0) return "Plan to forget";
	return "Plan to import";
}

void
lh_ui_plan(FILE *f, const lh_plan *p, const char *operation)
{
	for (size_t i = 0; i < p->ndrift; i++) {
		const lh_change *c = &p->drift[i];
		cJSON *x = cJSON_CreateObject(), *ch = cJSON_CreateObject();
		jadd(ch, "resource", lh_ui_resource(c->addr, c->type, c->name, c->index));
		jadd(ch, "action", cJSON_CreateString(c->action == LH_ACT_DELETE ? "delete" : "update"));
		jadd(x, "change", ch);
		lh_ui_emit(f, "info", "resource_drift", x, "%s: Drift detected (%s)", c->addr,
		    c->action == LH_ACT_DELETE ? "delete" : "update");
	}
	for (size_t i = 0; i < p->nreads; i++) {
		const lh_change *c = &p->reads[i];
		cJSON *x = cJSON_CreateObject(), *ch = cJSON_CreateObject();
		jadd(ch, "resource", lh_ui_resource(c->addr, c->type, c->name, c->index));
		jadd(ch, "action", cJSON_CreateString("read"));
		jadd(ch, "reason", cJSON_CreateString(c->read == 1 ? "read_because_config_unknown" :
		    "read_because_dependency_pending"));
		jadd(x, "change", ch);
		lh_ui_emit(f, "info", "planned_change", x, "%s: Plan to read", c->addr);
	}
	for (size_t i = 0; i < p->n && p->mode != LH_PLAN_REFRESH_ONLY; i++) {
		const lh_change *c = &p->changes[i];
		if (c->action == LH_ACT_NOOP && c->import_id == NULL && c->moved_from == NULL)
			continue;
		const char *a = ui_action(c);
		cJSON *x = cJSON_CreateObject(), *ch = cJSON_CreateObject();
		jadd(ch, "resource", lh_ui_resource(c->addr, c->type, c->name, c->index));
		jadd(ch, "action", cJSON_CreateString(a));
		const char *reason = NULL;
		switch (c->reason) {
		case LH_REASON_REPLACE_REQUESTED: reason = "requested"; break;
		case LH_REASON_CANNOT_UPDATE: reason = "cannot_update"; break;
		case LH_REASON_NO_RESOURCE_CONFIG: reason = "delete_because_no_resource_config"; break;
		case LH_REASON_COUNT_INDEX: reason = "delete_because_count_index"; break;
		case LH_REASON_EACH_KEY: reason = "delete_because_each_key"; break;
		case LH_REASON_WRONG_REPETITION: reason = "delete_because_wrong_repetition"; break;
		case LH_REASON_TAINTED: reason = "tainted"; break;
		default: break;
		}
		if (reason != NULL)
			jadd(ch, "reason", cJSON_CreateString(reason));
		if (c->import_id != NULL) {
			cJSON *im = cJSON_CreateObject();
			jadd(im, "id", cJSON_CreateString(c->import_id));
			jadd(ch, "importing", im);
		}
		jadd(x, "change", ch);
		lh_ui_emit(f, "info", "planned_change", x, "%s: %s", c->addr, ui_verb(a));
	}
	cJSON *x = cJSON_CreateObject(), *ch = cJSON_CreateObject();
	jadd(ch, "add", cJSON_CreateNumber(p->add));
	jadd(ch, "change", cJSON_CreateNumber(p->change));
	jadd(ch, "import", cJSON_CreateNumber(p->import));
	jadd(ch, "remove", cJSON_CreateNumber(p->destroy));
	jadd(ch, "operation", cJSON_CreateString(operation));
	jadd(x, "changes", ch);
	if (p->import > 0)
		lh_ui_emit(f, "info", "change_summary", x,
		    "Plan: %d to import, %d to add, %d to change, %d to destroy.", p->import,
		    p->add, p->change, p->destroy);
	else
		lh_ui_emit(f, "info", "change_summary", x,
		    "Plan: %d to add, %d to change, %d to destroy.", p->add, p->change, p->destroy);
	if (p->noutputs > 0) {
		cJSON *y = cJSON_CreateObject(), *os = cJSON_CreateObject();
		for (size_t i = 0; i < p->noutputs; i++) {
			cJSON *e = cJSON_CreateObject();
			jadd(e, "sensitive", cJSON_CreateBool(p->outputs[i].sensitive));
			jadd(e, "action", cJSON_CreateString(lh_action_name(p->outputs[i].action)));
			jadd(os, p->outputs[i].name, e);
		}
		jadd(y, "outputs", os);
		lh_ui_emit(f, "info", "outputs", y, "Outputs: %zu", p->noutputs);
	}
}

/* ---- configuration text (adopt, plan -generate-config-out) ---- */

/* v as an expression that evaluates to it exactly: strings on one line (escapes, no
 * heredocs), lists on one line, objects one key per line. */
static void
hcl_expr(sb *b, const cJSON *v)
{
	if (scalar(b, v)) {
		return;
	} else if (cJSON_IsString(v)) {
		quote(b, v->valuestring);
	} else if (cJSON_IsArray(v)) {
		sb_puts(b, "[");
		for (const cJSON *e = v->child; e != NULL; e = e->next) {
			hcl_expr(b, e);
			if (e->next != NULL)
				sb_puts(b, ", ");
		}
		sb_puts(b, "]");
	} else if (cJSON_IsObject(v)) {
		if (v->child == NULL) {
			sb_puts(b, "{}");
			return;
		}
		sb_puts(b, "{\n");
		for (const cJSON *e = v->child; e != NULL; e = e->next) {
			if (is_ident(e->string))
				sb_puts(b, e->string);
			else
				quote(b, e->string);
			sb_puts(b, " = ");
			hcl_expr(b, e);
			sb_puts(b, "\n");
		}
		sb_puts(b, "}");
	}
}

void
lh_render_hcl(lh_buf *out, const cJSON *v)
{
	sb b = {0};
	hcl_expr(&b, v);
	lh_buf_put(out, b.s, b.n);
	free(b.s);
}

void
lh_render_hcl_string(lh_buf *out, const char *s)
{
	sb b = {0};
	quote(&b, s);
	lh_buf_put(out, b.s, b.n);
	free(b.s);
}
