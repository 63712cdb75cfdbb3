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
	if (d->tail != NULL)
		d->tail->next = g;
	else
		d->head = g;
	d->tail = g;
	if (sev == LH_DIAG_ERROR)
		d->errors++;
	else
		d->warnings++;
	return g;
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

char *
lh_diag_code_line(const lh_source *src, int line, size_t *len)
{
	uint32_t ls = lh_source_line(src, line, len);
	char *code = malloc(*len + 1);
	if (code == NULL)
		return NULL;
	memcpy(code, src->text + ls, *len);
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

void
lh_diags_consolidate(const lh_diags *d)
{
	/* the first warning of each summary seen so far (few distinct summaries) */
	lh_diag **lead = NULL;
	size_t nlead = 0, cap = 0;
	for (lh_diag *g = d->head; g != NULL; g = g->next) {
		g->folded = false;
		g->similar = 0;
		if (g->sev != LH_DIAG_WARNING || g->src == NULL || g->keep_apart)
			continue;
		size_t i = 0;
		while (i < nlead && strcmp(lead[i]->summary, g->summary) != 0)
			i++;
		if (i < nlead) {
			lead[i]->similar++;
			g->folded = true;
			continue;
		}
		if (nlead == cap) {
			cap = cap ? 2 * cap : 8;
			lh_diag **n = realloc(lead, cap * sizeof *lead);
			if (n == NULL)
				break;	/* out of memory: the rest printed in full */
			lead = n;
		}
		lead[nlead++] = g;
	}
	free(lead);
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
		int line, col;
		lh_source_pos(g->src, g->start, &line, &col);
		fprintf(f, "  on %s line %d", g->src->name, line);
		if (g->context != NULL)
			fprintf(f, ", in %s", g->context);
		fputs(":\n", f);
		size_t len;
		fprintf(f, "%4d: ", line);
		char *code = lh_diag_code_line(g->src, line, &len);
		if (code != NULL)
			put_clean(f, code, len);
		free(code);
		fputs("\n\n", f);
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
		int line, col, eline, ecol;
		lh_source_pos(g->src, g->start, &line, &col);
		lh_source_pos(g->src, g->end, &eline, &ecol);
		fprintf(f, "%s\n%s  on %s line %d", bare, bar, g->src->name, line);
		if (g->context != NULL)
			fprintf(f, ", in %s", g->context);
		fputs(":\n", f);
		size_t len;
		uint32_t ls = lh_source_line(g->src, line, &len);
		fprintf(f, "%s%4d: ", bar, line);
		char *code = lh_diag_code_line(g->src, line, &len);
		if (code != NULL) {
			/* Terraform underlines the subject in colour and marks nothing
			 * without it (no "^~~" line) */
			size_t from = g->start - ls;
			size_t to = (eline == line) ? g->end - ls : len;
			if (from > len)
				from = len;
			if (to > len)
				to = len;
			if (to < from)
				to = from;
			put_clean(f, code, from);
			if (color)
				fputs("\033[4m", f);
			put_clean(f, code + from, to - from);
			if (color)
				fputs("\033[0m", f);
			put_clean(f, code + to, len - to);
		}
		free(code);
		fputc('\n', f);
	}
	char *owned;
	const char *detail = detail_text(g, &owned);
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

void
lh_diag_print(FILE *f, const lh_diags *d, bool color)
{
	lh_diags_consolidate(d);
	for (const lh_diag *g = d->head; g != NULL; g = g->next)
		if (!g->folded)
			lh_diag_print_one(f, g, color);
}
