/* diag.c - collecting diagnostics and printing them in Terraform's layout:
 *
 *   ╷
 *   │ Error: Unsupported argument
 *   │
 *   │   on main.tf line 3, in resource "litellm_user" "dev":
 *   │    3:   user_emial = "x"
 *   │
 *   │ An argument named "user_emial" is not expected here.
 *   ╵
 *
 * as Terraform 1.11 prints it: the subject underlined in colour (no marker line
 * without), the detail wrapped at the output's width (the terminal's, else 78) less
 * the rule.  With -no-color, Terraform's plain form (print_plain). */
#include "diag.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

void
lh_diags_init(lh_diags *d, lh_arena *a)
{
	memset(d, 0, sizeof *d);
	d->a = a;
}

/* A diagnostic on a line that sets api_key: what its detail quotes may be the key
 * (tonumber(var.k) says "cannot convert \"sk-...\" to number") - masked as the
 * snippet's line is (lh_diag_code_line), except the names messages quote after "for"
 * and "attribute" (Invalid value for "v" parameter, for attribute "api_key"). */
static void
mask_quoted(char *s)
{
	bool in = false, name = false;
	for (size_t i = 0; s[i] != '\0'; i++) {
		if (s[i] == '"' && (i == 0 || s[i - 1] != '\\')) {
			in = !in;
			name = in && ((i >= 4 && strncmp(s + i - 4, "for ", 4) == 0) ||
			    (i >= 10 && strncmp(s + i - 10, "attribute ", 10) == 0));
			continue;
		}
		if (in && !name)
			s[i] = '*';
	}
}

void
lh_diags_append(lh_diags *d, lh_diag *g)
{
	g->next = NULL;
	if (d->tail != NULL)
		d->tail->next = g;
	else
		d->head = g;
	d->tail = g;
	if (g->sev == LH_DIAG_ERROR)
		d->errors++;
	else
		d->warnings++;
}

lh_diag *
lh_diag_add(lh_diags *d, lh_severity sev, const lh_source *src, uint32_t start,
    uint32_t end, const char *summary, const char *detail, ...)
{
	lh_diag *g = lh_arena_alloc(d->a, sizeof *g);
	g->sev = sev;
	g->src = src;
	g->start = start;
	g->end = end < start ? start : end;
	g->summary = lh_arena_strdup(d->a, summary);
	g->detail = NULL;
	g->context = NULL;
	g->cstart = g->cend = 0;
	g->address = NULL;
	g->values = NULL;
	g->nvalues = 0;
	g->calling = NULL;
	g->keep_apart = false;
	g->folded = false;
	g->similar = 0;
	g->next = NULL;
	if (detail != NULL) {
		va_list ap;
		char small[512];
		va_start(ap, detail);
		int n = vsnprintf(small, sizeof small, detail, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < sizeof small) {
			g->detail = lh_arena_strndup(d->a, small, (size_t)n);
		} else if (n >= 0) {
			char *p = lh_arena_alloc(d->a, (size_t)n + 1);
			va_start(ap, detail);
			vsnprintf(p, (size_t)n + 1, detail, ap);
			va_end(ap);
			g->detail = p;
		}
	}
	if (g->detail != NULL && lh_diag_masked(g)) {
		char *m = lh_arena_strdup(d->a, g->detail);
		mask_quoted(m);
		g->detail = m;
	}
	lh_diags_append(d, g);
	return g;
}

void
lh_diag_copy_values(lh_diags *d, lh_diag *to, const lh_diag *from)
{
	to->calling = from->calling != NULL ? lh_arena_strdup(d->a, from->calling) : NULL;
	to->nvalues = 0;
	to->values = NULL;
	if (from->nvalues == 0)
		return;
	lh_diag_value *v = lh_arena_alloc(d->a, from->nvalues * sizeof *v);
	for (size_t i = 0; i < from->nvalues; i++) {
		v[i].traversal = lh_arena_strdup(d->a, from->values[i].traversal);
		v[i].statement = lh_arena_strdup(d->a, from->values[i].statement);
	}
	to->values = v;
	to->nvalues = from->nvalues;
}

bool
lh_diag_same_values(const lh_diag *x, const lh_diag *y)
{
	if (x->nvalues != y->nvalues || (x->calling == NULL) != (y->calling == NULL) ||
	    (x->calling != NULL && strcmp(x->calling, y->calling) != 0))
		return false;
	for (size_t i = 0; i < x->nvalues; i++)
		if (strcmp(x->values[i].traversal, y->values[i].traversal) != 0 ||
		    strcmp(x->values[i].statement, y->values[i].statement) != 0)
			return false;
	return true;
}

/* Writes text with control bytes other than tab shown as spaces, so a diagnostic never
 * sends raw escape sequences from a file to the terminal. */
static void
put_clean(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		fputc(c < 0x20 && c != '\t' ? ' ' : c, f);
	}
}

static size_t
char_count(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/* True when the line is an assignment to api_key (HCL `api_key = ...` or JSON
 * `"api_key": ...`). */
static bool
sets_api_key(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && s[i] == '"')
		i++;
	if (n - i < 7 || strncmp(s + i, "api_key", 7) != 0)
		return false;
	i += 7;
	if (i < n && s[i] == '"')
		i++;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	return i < n && (s[i] == '=' || s[i] == ':');
}

bool
lh_diag_masked(const lh_diag *g)
{
	if (g->src == NULL)
		return false;
	const char *t = lh_source_text(g->src);
	if (t == NULL)
		return true;	/* (the file changed since: nothing is shown of it) */
	int l0, l1, col;
	lh_source_pos(g->src, g->start, &l0, &col);
	lh_source_pos(g->src, g->end, &l1, &col);
	for (int l = l0; l <= l1; l++) {
		size_t len;
		uint32_t ls = lh_source_line(g->src, l, &len);
		if (sets_api_key(t + ls, len))
			return true;
	}
	return false;
}

char *
lh_diag_code_line(const lh_source *src, int line, size_t *len)
{
	const char *t = lh_source_text(src);
	uint32_t ls = lh_source_line(src, line, len);
	char *code = t != NULL ? malloc(*len + 1) : NULL;
	if (code == NULL)
		return NULL;
	memcpy(code, t + ls, *len);
	code[*len] = '\0';
	if (!sets_api_key(code, *len))
		return code;
	bool in = false;
	for (size_t i = 0; i < *len; i++) {
		if (code[i] == '"' && (i == 0 || code[i - 1] != '\\')) {
			in = !in;
			continue;
		}
		if (in)
			code[i] = '*';
	}
	return code;
}

/* ---- the context of a position in a JSON file (HCL's json navigation) ---- */

typedef struct jnav {
	const char *t;
	size_t n, i;
	uint32_t off;
	char *path;		/* the steps so far, ".key" and "[i]" */
	size_t plen, pcap;
	int depth;
} jnav;

static void
jn_ws(jnav *j)
{
	while (j->i < j->n && (j->t[j->i] == ' ' || j->t[j->i] == '\t' || j->t[j->i] == '\n' ||
	    j->t[j->i] == '\r'))
		j->i++;
}

/* Skips a JSON string at j->i (its opening quote); *ks and *kn get its raw content. */
static void
jn_string(jnav *j, size_t *ks, size_t *kn)
{
	size_t s = ++j->i;
	while (j->i < j->n && j->t[j->i] != '"')
		j->i += j->t[j->i] == '\\' ? 2 : 1;
	if (j->i > j->n)
		j->i = j->n;
	*ks = s;
	*kn = j->i - s;
	if (j->i < j->n)
		j->i++;
}

static void
jn_push(jnav *j, const char *s, size_t n)
{
	if (j->plen + n + 1 > j->pcap) {
		size_t cap = (j->plen + n + 1) * 2;
		char *p = realloc(j->path, cap);
		if (p == NULL)
			return;
		j->path = p;
		j->pcap = cap;
	}
	memcpy(j->path + j->plen, s, n);
	j->plen += n;
	j->path[j->plen] = '\0';
}

/* Skips one value; when it is an object or array holding j->off (HCL's ContainsOffset:
 * from its opening bracket to past its closing one), the steps into it are kept. */
static void
jn_value(jnav *j)
{
	jn_ws(j);
	if (j->i >= j->n)
		return;
	char c = j->t[j->i];
	if (c == '"') {
		size_t ks, kn;
		jn_string(j, &ks, &kn);
		return;
	}
	if ((c != '{' && c != '[') || j->depth > 200) {
		while (j->i < j->n && !strchr(",]}", j->t[j->i]))
			j->i++;
		return;
	}
	j->depth++;
	j->i++;
	for (size_t idx = 0;; idx++) {
		jn_ws(j);
		if (j->i >= j->n)
			break;
		if (j->t[j->i] == (c == '{' ? '}' : ']')) {
			j->i++;
			break;
		}
		if (j->t[j->i] == ',') {
			j->i++;
			jn_ws(j);
		}
		size_t ks = 0, kn = 0;
		if (c == '{') {
			if (j->i >= j->n || j->t[j->i] != '"')
				break;	/* not JSON: as far as it goes */
			jn_string(j, &ks, &kn);
			jn_ws(j);
			if (j->i < j->n && j->t[j->i] == ':')
				j->i++;
			jn_ws(j);
		}
		size_t vs = j->i, mark = j->plen;
		bool nested = vs < j->n && (j->t[vs] == '{' || j->t[vs] == '[');
		if (nested) {
			char num[32];
			if (c == '{') {
				jn_push(j, ".", 1);
				jn_push(j, j->t + ks, kn);
			} else {
				snprintf(num, sizeof num, "[%zu]", idx);
				jn_push(j, num, strlen(num));
			}
		}
		size_t before = j->i;
		jn_value(j);
		if (nested && j->off >= vs && j->off < j->i)
			break;	/* found: keep the steps, stop scanning */
		j->plen = mark;
		if (j->path != NULL)
			j->path[mark] = '\0';
		if (j->i == before)
			j->i++;	/* no progress on broken input */
	}
	j->depth--;
}

/* HCL's json ContextString: the keys and indexes of the objects and arrays holding
 * offset off (output.o), or NULL. */
static char *
json_context(const lh_source *s, uint32_t off)
{
	const char *t = lh_source_text(s);
	if (t == NULL)
		return NULL;
	jnav j = {.t = t, .n = s->len, .off = off};
	jn_value(&j);
	if (j.path == NULL || j.plen == 0) {
		free(j.path);
		return NULL;
	}
	if (j.path[0] == '.')
		memmove(j.path, j.path + 1, j.plen);
	return j.path;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The top-level block holding the byte before the subject, as Terraform's
 * hcled.ContextString names it (in a JSON file, the path of the objects holding it);
 * g->context for a source without a block map.  *owned is what the caller frees. */
static const char *
context_of(const lh_diag *g, char **owned)
{
	const lh_source *s = g->src;
	*owned = NULL;
	if (ends_with(s->name, ".json")) {
		if (g->start == 0)
			return NULL;
		*owned = json_context(s, g->start - 1);
		return *owned;
	}
	if (!s->has_blocks)
		return g->context;
	if (g->start == 0)
		return NULL;
	uint32_t off = g->start - 1;
	size_t lo = 0, hi = s->nblocks;	/* first block starting after off */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->blocks[mid].start <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && off < s->blocks[lo - 1].end)
		return s->blocks[lo - 1].header;
	return NULL;
}

/* HCL's Range.Overlaps for non-empty [a0,a1) and [b0,b1): either holds a bound of
 * the other, the end bound included (so a subject ending where a line starts shows
 * that line, as Terraform's snippets do). */
static bool
overlaps(uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1)
{
	if (a0 == a1 || b0 == b1)
		return false;
	return (b0 >= a0 && b0 < a1) || (b1 >= a0 && b1 < a1) ||
	    (a0 >= b0 && a0 < b1) || (a1 >= b0 && a1 < b1);
}

/* True when the line starts an argument or a block ("name =", "name {", "name \"l\"",
 * "\"key\":") or closes one: what ends the value of the argument above it. */
static bool
starts_item(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && (s[i] == '}' || s[i] == ']'))
		return true;
	bool q = i < n && s[i] == '"';
	i += q;
	size_t b = i;
	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-'))
		i++;
	if (i == b)
		return false;
	if (q) {
		if (i >= n || s[i] != '"')
			return false;
		i++;
	}
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && (s[i] == '=' || s[i] == ':' || s[i] == '{' || s[i] == '"');
}

/* Whether line l of s lies in the value of an api_key argument that an earlier line
 * started (a heredoc or a multi-line expression): the lines from the top-level block
 * holding l (or the file's start) are followed, an api_key line starting such a value
 * and the next argument, block or closing bracket ending it.  Such a line is shown
 * masked whole, so that a snippet of several lines never prints the key. */
static bool
in_api_key_value(const lh_source *s, int l)
{
	size_t len;
	const char *t = lh_source_text(s);
	uint32_t ls = lh_source_line(s, l, &len);
	int from = 1;
	for (size_t k = 0; s->has_blocks && k < s->nblocks; k++)
		if (s->blocks[k].start <= ls && ls < s->blocks[k].end) {
			int col;
			lh_source_pos(s, s->blocks[k].start, &from, &col);
		}
	bool in = false;
	for (int k = from; k < l; k++) {
		uint32_t o = lh_source_line(s, k, &len);
		if (sets_api_key(t + o, len))
			in = true;
		else if (starts_item(t + o, len))
			in = false;
	}
	uint32_t o = lh_source_line(s, l, &len);
	return in && !sets_api_key(t + o, len) && !starts_item(t + o, len);
}

bool
lh_diag_snippet(const lh_diag *g, lh_snippet *sn)
{
	const lh_source *s = g->src;
	memset(sn, 0, sizeof *sn);
	uint32_t hs = g->start, he = g->end;
	uint32_t ss = hs, se = he;	/* the snippet's range: context and subject */
	if (g->cend > 0) {
		ss = g->cstart < hs ? g->cstart : hs;
		se = g->cend > he ? g->cend : he;
	}
	if (se == ss)
		se++;
	if (he == hs)
		he++;
	int first, last, col;
	lh_source_pos(s, ss, &first, &col);
	lh_source_pos(s, se, &last, &col);
	sn->start_line = first;
	sn->context = context_of(g, &sn->owned);
	if (lh_source_text(s) == NULL) {
		/* the file changed since it was read (a dropped source's): no code */
		sn->none = true;
		sn->code = calloc(1, 1);
		if (sn->code == NULL) {
			free(sn->owned);
			return false;
		}
		return true;
	}
	char *code = NULL;
	size_t clen = 0;
	FILE *m = open_memstream(&code, &clen);
	if (m == NULL)
		return false;
	bool any = false;
	uint32_t code_start = 0;
	/* a line before the snippet's first can only overlap when empty (never) */
	for (int l = first; l <= last; l++) {
		size_t len;
		uint32_t ls = lh_source_line(s, l, &len);
		if ((size_t)ls > s->len || !overlaps(ls, ls + (uint32_t)len, ss, se))
			continue;
		char *line = lh_diag_code_line(s, l, &len);
		if (line == NULL)
			continue;
		if (first != last && in_api_key_value(s, l))
			for (size_t k = 0; k < len; k++)
				if (line[k] != ' ' && line[k] != '\t')
					line[k] = '*';
		if (!any)
			code_start = ls;
		else
			fputc('\n', m);
		fwrite(line, 1, len, m);
		free(line);
		any = true;
	}
	if (fclose(m) != 0 || code == NULL) {
		free(code);
		free(sn->owned);
		return false;
	}
	size_t a = hs >= code_start ? hs - code_start : 0;
	size_t b = a + (he - hs);
	sn->hs = a > clen ? clen : a;
	sn->he = b > clen ? clen : b;
	sn->code = code;
	sn->len = clen;
	return true;
}

/* Terraform's order of diagnostics (tfdiags sortDiagnostics): is x before y? */
static bool
diag_before(const lh_diag *x, const lh_diag *y)
{
	if (x->sev != y->sev)
		return x->sev == LH_DIAG_WARNING;
	if ((x->src == NULL) != (y->src == NULL))
		return x->src == NULL;
	if (x->src == NULL)
		return false;
	if (x->src != y->src && strcmp(x->src->name, y->src->name) != 0) {
		int cx = 0, cy = 0;
		for (const char *p = x->src->name; *p; p++)
			cx += *p == '/';
		for (const char *p = y->src->name; *p; p++)
			cy += *p == '/';
		if (cx != cy)
			return cx < cy;
		return strcmp(x->src->name, y->src->name) < 0;
	}
	if (x->start != y->start)
		return x->start < y->start;
	return x->end < y->end;
}

/* The diagnostics of d in Terraform's order (a stable merge sort by diag_before), as
 * a malloc'd array of *n; NULL when d is empty or out of memory. */
static lh_diag **
sorted(const lh_diags *d, size_t *n)
{
	*n = 0;
	for (lh_diag *g = d->head; g != NULL; g = g->next)
		(*n)++;
	lh_diag **v = *n ? malloc(*n * sizeof *v) : NULL;
	lh_diag **t = *n ? malloc(*n * sizeof *t) : NULL;
	if (v == NULL || t == NULL) {
		free(v);
		free(t);
		return NULL;
	}
	size_t i = 0;
	for (lh_diag *g = d->head; g != NULL; g = g->next)
		v[i++] = g;
	for (size_t w = 1; w < *n; w *= 2) {
		for (size_t lo = 0; lo < *n; lo += 2 * w) {
			size_t mid = lo + w < *n ? lo + w : *n;
			size_t hi = mid + w < *n ? mid + w : *n;
			size_t x = lo, y = mid, k = lo;
			while (x < mid && y < hi)
				t[k++] = diag_before(v[y], v[x]) ? v[y++] : v[x++];
			while (x < mid)
				t[k++] = v[x++];
			while (y < hi)
				t[k++] = v[y++];
		}
		lh_diag **sw = v;
		v = t;
		t = sw;
	}
	free(t);
	return v;
}

void
lh_diags_sort(lh_diags *d)
{
	size_t n;
	lh_diag **v = sorted(d, &n);
	if (v == NULL)
		return;	/* empty, or out of memory: left in the order found */
	for (size_t i = 0; i + 1 < n; i++)
		v[i]->next = v[i + 1];
	v[n - 1]->next = NULL;
	d->head = v[0];
	d->tail = v[n - 1];
	free(v);
}

void
lh_diags_consolidate(const lh_diags *d)
{
	size_t n;
	lh_diag **v = sorted(d, &n);	/* the first in Terraform's order leads */
	/* the first warning of each summary seen so far (few distinct summaries) */
	lh_diag **lead = NULL;
	size_t nlead = 0, cap = 0;
	size_t i = 0;
	for (lh_diag *g0 = d->head; g0 != NULL; g0 = g0->next, i++) {
		lh_diag *g = v != NULL ? v[i] : g0;
		g->folded = false;
		g->similar = 0;
		if (g->sev != LH_DIAG_WARNING || g->src == NULL || g->keep_apart)
			continue;
		size_t k = 0;
		while (k < nlead && strcmp(lead[k]->summary, g->summary) != 0)
			k++;
		if (k < nlead) {
			lead[k]->similar++;
			g->folded = true;
			continue;
		}
		if (nlead == cap) {
			cap = cap ? 2 * cap : 8;
			lh_diag **nl = realloc(lead, cap * sizeof *lead);
			if (nl == NULL)
				break;	/* out of memory: the rest printed in full */
			lead = nl;
		}
		lead[nlead++] = g;
	}
	free(lead);
	free(v);
}

/* The detail to print: g's own, or with Terraform's sentence about the similar
 * warnings it stands for; *owned is set to what the caller frees. */
static const char *
detail_text(const lh_diag *g, char **owned)
{
	*owned = NULL;
	if (g->similar == 0)
		return g->detail;
	char more[64];
	if (g->similar == 1)
		snprintf(more, sizeof more, "(and one more similar warning elsewhere)");
	else
		snprintf(more, sizeof more, "(and %d more similar warnings elsewhere)", g->similar);
	const char *det = g->detail != NULL ? g->detail : "";
	size_t n = strlen(det) + strlen(more) + 3;
	char *s = malloc(n);
	if (s == NULL)
		return g->detail;
	snprintf(s, n, "%s%s%s", det, det[0] ? "\n\n" : "", more);
	*owned = s;
	return s;
}

/* The width Terraform lays diagnostics out for: the terminal's columns when f is one,
 * else 78 (its default). */
static int
out_width(FILE *f)
{
	struct winsize ws;
	int fd = fileno(f);
	if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
		return ws.ws_col;
	return 78;
}

static bool plain_mode;

void
lh_diag_set_plain(bool on)
{
	plain_mode = on;
}

bool
lh_diag_plain(void)
{
	return plain_mode;
}

void
lh_diag_wrap_line(FILE *f, const char *s, size_t n, int indent, int width, int first_col)
{
	int col = first_col;
	bool line_empty = true;
	size_t i = 0;
	/* keep the line's own leading spaces (an indented example) */
	while (i < n && s[i] == ' ') {
		fputc(' ', f);
		col++;
		i++;
	}
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != ' ')
			j++;
		int w = (int)char_count(s + i, j - i);
		if (!line_empty && col + 1 + w > width) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
			line_empty = true;
		}
		if (!line_empty) {
			fputc(' ', f);
			col++;
		}
		put_clean(f, s + i, j - i);
		col += w;
		line_empty = false;
		i = j;
		while (i < n && s[i] == ' ')
			i++;
	}
	fputc('\n', f);
}

void
lh_diag_wrap(FILE *f, const char *s, int indent, int width)
{
	while (*s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (n == 0)
			fputc('\n', f);
		else {
			fprintf(f, "%*s", indent, "");
			lh_diag_wrap_line(f, s, n, indent, width, indent);
		}
		s += n;
		if (*s == '\n')
			s++;
	}
}

/* Prints "  on FILE line N, in CONTEXT:" and the snippet's numbered lines (Terraform's
 * snippetFormatter), each line after the rule `bar`; in colour the subject is
 * underlined (its codes may span lines, as Terraform's do). */
static void
print_snippet(FILE *f, const lh_diag *g, bool color, const char *bar)
{
	int line, col;
	lh_source_pos(g->src, g->start, &line, &col);
	lh_snippet sn;
	bool got = lh_diag_snippet(g, &sn);
	if (!got || sn.none) {
		/* Terraform's words for a diagnostic without its source's code */
		fprintf(f, "%s  on %s line %d:\n%s  (source code not available)\n", bar,
		    g->src->name, line, bar);
		if (got)
			lh_snippet_free(&sn);
		return;
	}
	fprintf(f, "%s  on %s line %d", bar, g->src->name, line);
	if (sn.context != NULL)
		fprintf(f, ", in %s", sn.context);
	fputs(":\n", f);
	/* Terraform's way: the codes put around the subject, then split into lines */
	char *w = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&w, &n);
	if (m != NULL) {
		size_t len = sn.len;
		for (size_t k = 0; k < len; k++)	/* no raw control bytes from a file */
			if ((unsigned char)sn.code[k] < 0x20 && sn.code[k] != '\t' &&
			    sn.code[k] != '\n')
				sn.code[k] = ' ';
		fwrite(sn.code, 1, sn.hs, m);
		if (color)
			fputs("\033[4m", m);
		fwrite(sn.code + sn.hs, 1, sn.he - sn.hs, m);
		if (color)
			fputs("\033[0m", m);
		fwrite(sn.code + sn.he, 1, len - sn.he, m);
		if (fclose(m) != 0) {
			free(w);
			w = NULL;
		}
	}
	const char *c = w != NULL ? w : sn.code;
	n = strlen(c);
	int l = sn.start_line;
	for (size_t i = 0;; l++) {
		size_t e = i;
		while (e < n && c[e] != '\n')
			e++;
		fprintf(f, "%s%4d: %.*s\n", bar, l, (int)(e - i), c + i);
		if (e >= n)
			break;
		i = e + 1;
	}
	free(w);
	lh_snippet_free(&sn);
	/* Terraform's expression values under the snippet */
	if (g->nvalues == 0 && g->calling == NULL)
		return;
	const char *gray = color ? "\033[90m" : "", *bold = color ? "\033[1m" : "",
	    *reset = color ? "\033[0m" : "";
	fprintf(f, "%s    %s├────────────────%s\n", bar, gray, reset);
	if (g->calling != NULL) {
		const char *paren = strchr(g->calling, '(');
		int nl = paren != NULL ? (int)(paren - g->calling) : (int)strlen(g->calling);
		fprintf(f, "%s    %s│%s while calling %s%.*s%s%s\n", bar, gray, reset, bold, nl,
		    g->calling, reset, g->calling + nl);
	}
	for (size_t i = 0; i < g->nvalues; i++) {
		fprintf(f, "%s    %s│%s %s", bar, gray, reset, bold);
		put_clean(f, g->values[i].traversal, strlen(g->values[i].traversal));
		fprintf(f, "%s ", reset);
		put_clean(f, g->values[i].statement, strlen(g->values[i].statement));
		fputc('\n', f);
	}
}

/* Terraform's -no-color form:
 *
 *   (blank line)
 *   Error: Reference to undeclared input variable
 *
 *     on main.tf line 2, in resource "litellm_user" "x":
 *      2:   user_alias = var.nope
 *
 *   An input variable with the name "nope" has not been declared. This variable
 *   can be declared with a variable "nope" {} block.
 */
static void
print_plain(FILE *f, const lh_diag *g)
{
	fprintf(f, "\n%s: ", g->sev == LH_DIAG_ERROR ? "Error" : "Warning");
	put_clean(f, g->summary, strlen(g->summary));
	fputs("\n\n", f);
	if (g->src != NULL) {
		if (g->address != NULL)
			fprintf(f, "  with %s,\n", g->address);
		print_snippet(f, g, false, "");
		fputc('\n', f);
	}
	char *owned;
	const char *detail = detail_text(g, &owned);
	if (detail != NULL && detail[0] != '\0')
		lh_diag_wrap(f, detail, 0, out_width(f) - 1);	/* Terraform: its width, less one */
	free(owned);
}

void
lh_diag_print_one(FILE *f, const lh_diag *g, bool color)
{
	if (plain_mode) {
		print_plain(f, g);
		return;
	}
	/* the rule before each line, blank ones too: Terraform's colour codes make its
	 * blank lines non-empty, so they keep the rule's space (litehcl without colour
	 * prints Terraform's coloured text without the codes) */
	const char *bar = color ? (g->sev == LH_DIAG_ERROR ? "\033[31m│\033[0m " : "\033[33m│\033[0m ") : "│ ";
	const char *bare = bar;
	if (color)
		fprintf(f, g->sev == LH_DIAG_ERROR ? "\033[31m╷\033[0m\n" : "\033[33m╷\033[0m\n");
	else
		fputs("╷\n", f);
	if (color)
		fprintf(f, "%s\033[1;%s%s:\033[0m \033[1m%s\033[0m\n", bar,
		    g->sev == LH_DIAG_ERROR ? "31m" : "33m",
		    g->sev == LH_DIAG_ERROR ? "Error" : "Warning", g->summary);
	else
		fprintf(f, "%s%s: %s\n", bar, g->sev == LH_DIAG_ERROR ? "Error" : "Warning",
		    g->summary);
	if (g->src != NULL) {
		fprintf(f, "%s\n", bare);
		if (g->address != NULL)
			fprintf(f, "%s  with %s,\n", bar, g->address);
		print_snippet(f, g, color, bar);
	}
	char *owned;
	const char *detail = detail_text(g, &owned);
	if (g->src == NULL && (detail == NULL || detail[0] == '\0'))
		/* nothing after the summary: Terraform's blank line and the line its
		 * closing colour reset makes ("error asking for approval: EOF") */
		fprintf(f, "%s\n%s\n", bare, bare);
	if (detail != NULL && detail[0] != '\0') {
		fprintf(f, "%s\n", bare);
		/* wrapped as Terraform wraps it: its width less the rule and one; a
		 * line starting with a space is kept as it is */
		int para = out_width(f) - 3;
		char *w = NULL;
		size_t wn = 0;
		FILE *m = open_memstream(&w, &wn);
		const char *p = detail;
		while (m != NULL && *p) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			if (n == 0)
				fputc('\n', m);
			else if (p[0] == ' ') {
				put_clean(m, p, n);
				fputc('\n', m);
			} else
				lh_diag_wrap_line(m, p, n, 0, para, 0);
			p += n;
			if (*p == '\n')
				p++;
		}
		if (m != NULL)
			fclose(m);
		for (const char *q = w ? w : ""; *q != '\0';) {
			const char *nl = strchr(q, '\n');
			size_t n = nl ? (size_t)(nl - q) : strlen(q);
			fputs(n == 0 ? bare : bar, f);
			fwrite(q, 1, n, f);
			fputc('\n', f);
			q += n;
			if (*q == '\n')
				q++;
		}
		free(w);
	}
	free(owned);
	fputs(color ? (g->sev == LH_DIAG_ERROR ? "\033[31m╵\033[0m\n" : "\033[33m╵\033[0m\n") : "╵\n", f);
}

static void
print_all(FILE *f, const lh_diags *d, bool color, bool ui)
{
	lh_diags_consolidate(d);
	size_t n;
	lh_diag **v = sorted(d, &n);
	if (v == NULL) {	/* out of memory: in the order found */
		for (const lh_diag *g = d->head; g != NULL; g = g->next)
			if (!g->folded) {
				lh_diag_print_one(f, g, color);
				if (ui)
					fputc('\n', f);
			}
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (!v[i]->folded) {
			lh_diag_print_one(f, v[i], color);
			if (ui)
				fputc('\n', f);
		}
	free(v);
}

void
lh_diag_print(FILE *f, const lh_diags *d, bool color)
{
	print_all(f, d, color, false);
}

void
lh_diag_print_ui(FILE *f, const lh_diags *d, bool color)
{
	print_all(f, d, color, true);
}

void
lh_snippet_free(lh_snippet *sn)
{
	free(sn->code);
	free(sn->owned);
	sn->code = sn->owned = NULL;
}
