/* plan_cases.c - data-driven planner and renderer tests: every tests/plan/NAME/case.json
 * (state, refreshed objects, configuration) is planned and rendered; the plan text plus
 * the JSON resource_changes must equal tests/plan/NAME/expected.txt.  UPDATE=1 rewrites
 * the expectations for review. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "plan.h"
#include "render.h"
#include "schema.h"

static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, len = 0;
	for (;;) {
		if (len + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (buf == NULL)
				abort();
		}
		size_t k = fread(buf + len, 1, cap - len - 1, f);
		len += k;
		if (k == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	if (n)
		*n = len;
	return buf;
}

static lh_reason
reason(const char *s)
{
	if (s == NULL)
		return LH_REASON_NONE;
	if (strcmp(s, "each_key") == 0)
		return LH_REASON_EACH_KEY;
	if (strcmp(s, "count_index") == 0)
		return LH_REASON_COUNT_INDEX;
	return LH_REASON_NO_RESOURCE_CONFIG;
}

static const cJSON *
field(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return v;
}

/* Plans slots s[0..n) (with the case's outputs) and renders the plan text and the JSON
 * resource_changes into *out. */
/* lh_plan_make_from's slots: the case's, with a new copy of the arguments deleted once
 * the slot is planned (a change keeping a pointer into it is caught by ASan); the
 * indexes outlive the plan (borrowed). */
typedef struct {
	const lh_plan_slot *s;
	cJSON *made;
} want_copies;

static void
slot_copy(void *ctx, size_t i, lh_plan_slot *out)
{
	want_copies *w = ctx;
	*out = w->s[i];
	w->made = w->s[i].want != NULL ? cJSON_Duplicate(w->s[i].want, 1) : NULL;
	out->want = w->made;
}

static void
slot_done(void *ctx, size_t i)
{
	want_copies *w = ctx;
	cJSON_Delete(w->made);
	w->made = NULL;
}

/* how: 0 lh_plan_make, 1 lh_plan_make_shared, 2 lh_plan_make_from */
static void
render_case(const cJSON *c, lh_plan_mode mode, const lh_plan_slot *s, size_t n, int how,
    char **out, size_t *outn)
{
	const cJSON *e;
	want_copies wc = {.s = s};
	lh_plan_source src = {.slot = slot_copy, .done = slot_done, .ctx = &wc, .keep_index = true};
	lh_plan *p = how == 2 ? lh_plan_make_from(mode, n, &src) :
	    how == 1 ? lh_plan_make_shared(mode, s, n) : lh_plan_make(mode, s, n);
	cJSON_ArrayForEach(e, field(c, "outputs")) {
		const cJSON *b = field(e, "before"), *a = field(e, "after");
		lh_plan_add_output(p, cJSON_GetStringValue(field(e, "name")),
		    b ? cJSON_Duplicate(b, 1) : NULL, a ? cJSON_Duplicate(a, 1) : NULL,
		    cJSON_IsTrue(field(e, "unknown")), cJSON_IsTrue(field(e, "sensitive")));
	}
	lh_plan_finish(p);
	FILE *m = open_memstream(out, outn);
	lh_render_opts o = {0};
	lh_render_plan(m, p, &o);
	if (lh_plan_has_changes(p))
		lh_render_plan_epilogue(m, NULL);
	fputs("--- resource_changes\n", m);
	cJSON *j = lh_render_plan_json(p, NULL, &o);
	const cJSON *rc;
	cJSON_ArrayForEach(rc, field(j, "resource_changes")) {
		char *t = cJSON_PrintUnformatted(field(rc, "change"));
		const char *reason_s = cJSON_GetStringValue(field(rc, "action_reason"));
		fprintf(m, "%s %s%s%s\n", cJSON_GetStringValue(field(rc, "address")), t,
		    reason_s ? " " : "", reason_s ? reason_s : "");
		free(t);
	}
	cJSON_Delete(j);
	fclose(m);
	lh_plan_free(p);
}

static int
run_case(const char *dir, const char *name)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s/case.json", dir, name);
	char *text = slurp(path, NULL);
	if (text == NULL)
		return 0;
	cJSON *c = cJSON_Parse(text);
	free(text);
	if (c == NULL) {
		printf("FAIL %s\n    case.json does not parse\n", name);
		return 1;
	}
	const char *ms = cJSON_GetStringValue(field(c, "mode"));
	lh_plan_mode mode = LH_PLAN_NORMAL;
	if (ms && strcmp(ms, "destroy") == 0)
		mode = LH_PLAN_DESTROY;
	if (ms && strcmp(ms, "refresh-only") == 0)
		mode = LH_PLAN_REFRESH_ONLY;
	const cJSON *slots = field(c, "slots");
	size_t n = (size_t)cJSON_GetArraySize(slots);
	lh_plan_slot *s = calloc(n + 1, sizeof *s);
	char **addrs = calloc(n + 1, sizeof *addrs);
	size_t i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, slots) {
		lh_plan_slot *x = &s[i];
		x->type = cJSON_GetStringValue(field(e, "type"));
		if (x->type == NULL)
			x->type = "litellm_user";
		x->name = cJSON_GetStringValue(field(e, "name"));
		x->index = field(e, "index");
		char buf[512];
		if (cJSON_IsNumber(x->index))
			snprintf(buf, sizeof buf, "%s.%s[%d]", x->type, x->name, x->index->valueint);
		else if (cJSON_IsString(x->index))
			snprintf(buf, sizeof buf, "%s.%s[\"%s\"]", x->type, x->name,
			    x->index->valuestring);
		else
			snprintf(buf, sizeof buf, "%s.%s", x->type, x->name);
		addrs[i] = strdup(buf);
		x->addr = addrs[i];
		x->rt = lh_rtype_find(x->type);
		if (x->rt == NULL) {
			printf("FAIL %s\n    unknown resource type %s\n", name, x->type);
			return 1;
		}
		x->want = field(e, "want");
		x->want_unknown = field(e, "want_unknown");
		x->want_sensitive = field(e, "want_sensitive");
		x->prior_sensitive = field(e, "prior_sensitive");
		x->prior = field(e, "prior");
		x->have = field(e, "have");
		x->refreshed = !cJSON_IsFalse(field(e, "refreshed"));
		if (x->have == NULL && !x->refreshed)
			x->have = x->prior;
		x->replace = cJSON_IsTrue(field(e, "replace"));
		x->targeted = !cJSON_IsFalse(field(e, "targeted"));
		x->import_id = cJSON_GetStringValue(field(e, "import_id"));
		x->gone_reason = reason(cJSON_GetStringValue(field(e, "gone_reason")));
		i++;
	}
	char *out = NULL, *sout = NULL;
	size_t outn = 0, soutn = 0;
	render_case(c, mode, s, n, 0, &out, &outn);
	/* lh_plan_make_shared (trees borrowed or in the plan's arena) and
	 * lh_plan_make_from (the run's: each slot's arguments made when planned, then
	 * deleted) plan and render every case byte for byte as lh_plan_make */
	for (int how = 1; how <= 2; how++) {
		render_case(c, mode, s, n, how, &sout, &soutn);
		if (soutn != outn || memcmp(sout, out, outn) != 0) {
			printf("FAIL %s\n    %s differs from lh_plan_make:\n%s\n", name,
			    how == 1 ? "lh_plan_make_shared" : "lh_plan_make_from", sout);
			free(out);
			free(sout);
			return 1;
		}
		free(sout);
		sout = NULL;
	}
	snprintf(path, sizeof path, "%s/%s/expected.txt", dir, name);
	size_t en = 0;
	char *exp = slurp(path, &en);
	int rc_fail = 0;
	if (exp == NULL || en != outn || memcmp(exp, out, outn) != 0) {
		if (getenv("UPDATE") && *getenv("UPDATE")) {
			FILE *w = fopen(path, "wb");
			if (w) {
				fwrite(out, 1, outn, w);
				fclose(w);
			}
			printf("ok %s (updated)\n", name);
		} else {
			printf("FAIL %s\n", name);
			char tmp[] = "/tmp/plan_case_XXXXXX";
			int fd = mkstemp(tmp);
			if (fd >= 0) {
				FILE *w = fdopen(fd, "wb");
				fwrite(out, 1, outn, w);
				fclose(w);
				char cmd[2200];
				snprintf(cmd, sizeof cmd, "diff -u '%s' '%s' | head -40 | sed 's/^/    /'",
				    path, tmp);
				if (system(cmd) < 0)
					printf("    (diff failed)\n");
				remove(tmp);
			}
			rc_fail = 1;
		}
	} else {
		printf("ok %s\n", name);
	}
	free(exp);
	free(out);
	for (i = 0; i < n; i++)
		free(addrs[i]);
	free(addrs);
	free(s);
	cJSON_Delete(c);
	return rc_fail;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(void)
{
	const char *dir = "tests/plan";
	DIR *d = opendir(dir);
	if (d == NULL) {
		printf("FAIL plan-cases\n    cannot open %s\n", dir);
		return 1;
	}
	char *names[1024];
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL && n < 1024)
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof *names, cmp);
	int fails = 0;
	for (size_t i = 0; i < n; i++) {
		fails += run_case(dir, names[i]);
		free(names[i]);
	}
	return fails ? 1 : 0;
}
