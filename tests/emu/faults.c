/* faults.c - fault rules: parsing (flag strings and JSON), matching, counting.
 * The dice come from emu_rand01(), so --seed-random makes probabilistic runs repeatable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "faults.h"

struct rule {
	int id;
	char *path;          /* exact, "PREFIX*" or "*" */
	char *method;        /* NULL = any */
	enum emu_fault_kind kind;
	enum emu_fault_body body;
	int status, ms, retry_after;
	double probability;  /* < 0: counting mode */
	long nth, count;     /* counting: fire on matches nth..nth+count-1; count 0 = forever */
	long seen, fired;
	bool after;
	int conn;            /* CONN_ANY, CONN_NEW, CONN_REUSED */
};

enum { CONN_ANY, CONN_NEW, CONN_REUSED };
static const char *const conn_names[] = {"any", "new", "reused", NULL};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct rule *rules;
static int nrules, caprules, next_id = 1;

static const char *const kind_names[] = {
	"none", "latency", "status", "429", "reset", "truncate", "malformed", "hang", "html",
	"empty", "close"};
static const char *const body_names[] = {"auto", "json", "html", "text", "empty", NULL};

const char *
emu_fault_kind_name(enum emu_fault_kind k)
{
	return kind_names[k];
}

static bool
parse_kind(const char *s, struct rule *r)
{
	for (int k = 1; k <= EMU_FAULT_CLOSE; k++)
		if (strcasecmp(s, kind_names[k]) == 0) {
			r->kind = (enum emu_fault_kind)k;
			return true;
		}
	if (strcasecmp(s, "ratelimit") == 0 || strcasecmp(s, "rate_limit") == 0) {
		r->kind = EMU_FAULT_RATELIMIT;
		return true;
	}
	if (strcasecmp(s, "truncated") == 0) {
		r->kind = EMU_FAULT_TRUNCATE;
		return true;
	}
	if (strcasecmp(s, "drop") == 0 || strcasecmp(s, "disconnect") == 0) {
		r->kind = EMU_FAULT_CLOSE;
		return true;
	}
	if (strcasecmp(s, "commit_close") == 0) {   /* close after committing: "after" implied */
		r->kind = EMU_FAULT_CLOSE;
		r->after = true;
		return true;
	}
	if (strcasecmp(s, "gateway_timeout") == 0) {   /* the gateway gave up: 504, its page */
		r->kind = EMU_FAULT_STATUS;
		r->status = 504;
		return true;
	}
	if (strlen(s) == 3 && s[0] >= '4' && s[0] <= '5' && strspn(s, "0123456789") == 3) {
		r->kind = strcmp(s, "429") == 0 ? EMU_FAULT_RATELIMIT : EMU_FAULT_STATUS;
		r->status = atoi(s);
		return true;
	}
	return false;
}

static long
num_member(const cJSON *o, const char *name, long def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (cJSON_IsNumber(v))
		return (long)v->valuedouble;
	if (cJSON_IsString(v) && (strcasecmp(v->valuestring, "true") == 0 ||
	                          strcasecmp(v->valuestring, "yes") == 0))
		return 1;
	if (cJSON_IsString(v))
		return strtol(v->valuestring, NULL, 10);
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v);
	return def;
}

static bool
rule_from_json(const cJSON *o, struct rule *r, char **err)
{
	const char *path = emu_get_str(o, "path"), *method = emu_get_str(o, "method");
	const char *kind = emu_get_str(o, "kind"), *body = emu_get_str(o, "body");
	const char *conn = emu_get_str(o, "conn");
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "probability");
	const cJSON *knum = cJSON_GetObjectItemCaseSensitive(o, "kind");
	char kbuf[16];

	memset(r, 0, sizeof *r);
	if (!kind && cJSON_IsNumber(knum)) {
		snprintf(kbuf, sizeof kbuf, "%d", knum->valueint);
		kind = kbuf;
	}
	if (!cJSON_IsObject(o) || !kind || !parse_kind(kind, r)) {
		*err = emu_strdup("a fault needs kind: latency, status (or a status number 400..599, "
		                  "gateway_timeout), 429, reset, close, commit_close, truncate, "
		                  "malformed, hang, html or empty");
		return false;
	}
	if (r->kind == EMU_FAULT_STATUS)
		r->status = (int)num_member(o, "status", r->status ? r->status : 500);
	if (r->kind == EMU_FAULT_HTML || r->kind == EMU_FAULT_EMPTY)
		r->status = (int)num_member(o, "status", 200);
	if (r->kind == EMU_FAULT_STATUS && (r->status < 400 || r->status > 599)) {
		*err = emu_strdup("status must be 400..599");
		return false;
	}
	if ((r->kind == EMU_FAULT_HTML || r->kind == EMU_FAULT_EMPTY) &&
	    (r->status < 200 || r->status > 599)) {
		*err = emu_strdup("status must be 200..599");
		return false;
	}
	if (body) {
		int b = 0;
		while (body_names[b] && strcasecmp(body_names[b], body))
			b++;
		if (!body_names[b] || r->kind != EMU_FAULT_STATUS) {
			*err = emu_strdup("body (status faults only) must be auto, json, html, text or empty");
			return false;
		}
		r->body = (enum emu_fault_body)b;
	}
	r->ms = (int)num_member(o, "ms", 0);
	r->retry_after = (int)num_member(o, "retry_after", 1);
	r->nth = num_member(o, "nth", 1);
	r->count = num_member(o, "count", 1);
	r->after = num_member(o, "after", r->after) != 0;
	if (conn) {
		int c = 0;
		while (conn_names[c] && strcasecmp(conn_names[c], conn))
			c++;
		if (!conn_names[c]) {
			*err = emu_strdup("conn must be any, new or reused");
			return false;
		}
		r->conn = c;
	}
	r->probability = -1;
	if (p)
		r->probability = cJSON_IsNumber(p) ? p->valuedouble
		                 : cJSON_IsString(p) ? strtod(p->valuestring, NULL) : -1;
	if (p && (r->probability < 0 || r->probability > 1)) {
		*err = emu_strdup("probability must be between 0 and 1");
		return false;
	}
	if (p && !cJSON_GetObjectItemCaseSensitive(o, "count"))
		r->count = 0;
	if (r->kind == EMU_FAULT_LATENCY && r->ms <= 0) {
		*err = emu_strdup("a latency fault needs ms > 0");
		return false;
	}
	if (r->nth < 1 || r->count < 0 || r->ms < 0 || r->ms > 600000) {
		*err = emu_strdup("nth must be >= 1, count >= 0, ms 0..600000");
		return false;
	}
	r->path = emu_strdup(path ? path : "*");
	r->method = method ? emu_strdup(method) : NULL;
	return true;
}

int
emu_fault_add_json(const cJSON *o, char **err)
{
	struct rule r;
	int id;

	if (!rule_from_json(o, &r, err))
		return -1;
	pthread_mutex_lock(&mu);
	if (nrules == caprules) {
		caprules = caprules ? caprules * 2 : 8;
		rules = realloc(rules, (size_t)caprules * sizeof *rules);
		if (!rules)
			abort();
	}
	r.id = id = next_id++;
	rules[nrules++] = r;
	pthread_mutex_unlock(&mu);
	return id;
}

int
emu_fault_add_spec(const char *spec, char **err)
{
	cJSON *o = cJSON_CreateObject();
	char *copy = emu_strdup(spec), *save = NULL;
	int id = -1;

	for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '='), *end;
		double d;
		if (!eq) {
			*err = emu_strf("fault '%s': expected key=value, got '%s'", spec, kv);
			goto out;
		}
		*eq++ = 0;
		d = strtod(eq, &end);
		if (*eq && !*end && strcmp(kv, "path") && strcmp(kv, "method") && strcmp(kv, "kind") &&
		    strcmp(kv, "body"))
			emu_set(o, kv, cJSON_CreateNumber(d));
		else
			emu_set(o, kv, cJSON_CreateString(eq));
	}
	id = emu_fault_add_json(o, err);
out:
	free(copy);
	cJSON_Delete(o);
	return id;
}

static bool
rule_matches(const struct rule *r, const char *method, const char *path, bool new_conn)
{
	size_t n = strlen(r->path);

	if (r->method && strcasecmp(r->method, method) != 0)
		return false;
	if ((r->conn == CONN_NEW && !new_conn) || (r->conn == CONN_REUSED && new_conn))
		return false;
	if (n && r->path[n - 1] == '*')
		return strncmp(r->path, path, n - 1) == 0;
	return strcmp(r->path, path) == 0;
}

static bool
rule_fires(struct rule *r)
{
	if (r->count > 0 && r->probability >= 0 && r->fired >= r->count)
		return false;
	if (r->probability >= 0)
		return emu_rand01() < r->probability;
	return r->seen >= r->nth && (r->count == 0 || r->seen < r->nth + r->count);
}

void
emu_fault_decide(const char *method, const char *path, bool new_conn, struct emu_fault_hit *hit)
{
	memset(hit, 0, sizeof *hit);
	pthread_mutex_lock(&mu);
	for (int i = 0; i < nrules; i++) {
		struct rule *r = &rules[i];
		if (!rule_matches(r, method, path, new_conn))
			continue;
		r->seen++;
		if (hit->kind != EMU_FAULT_NONE || !rule_fires(r))
			continue;
		r->fired++;
		hit->kind = r->kind;
		hit->id = r->id;
		hit->status = r->kind == EMU_FAULT_RATELIMIT ? 429 : r->status;
		hit->body = r->body;
		hit->delay_ms = r->ms;
		hit->retry_after = r->retry_after;
		hit->after = r->after;
	}
	pthread_mutex_unlock(&mu);
}

cJSON *
emu_fault_list(void)
{
	cJSON *arr = cJSON_CreateArray();

	pthread_mutex_lock(&mu);
	for (int i = 0; i < nrules; i++) {
		const struct rule *r = &rules[i];
		cJSON *o = cJSON_CreateObject();
		emu_add(o, "id", cJSON_CreateNumber(r->id));
		emu_add_str(o, "path", r->path);
		emu_add_str(o, "method", r->method);
		emu_add_str(o, "kind", kind_names[r->kind]);
		if (r->kind == EMU_FAULT_STATUS || r->kind == EMU_FAULT_HTML ||
		    r->kind == EMU_FAULT_EMPTY)
			emu_add(o, "status", cJSON_CreateNumber(r->status));
		if (r->kind == EMU_FAULT_STATUS)
			emu_add_str(o, "body", body_names[r->body]);
		emu_add(o, "after", cJSON_CreateBool(r->after || r->kind == EMU_FAULT_TRUNCATE ||
		                                     r->kind == EMU_FAULT_MALFORMED ||
		                                     r->kind == EMU_FAULT_HANG));
		emu_add(o, "ms", cJSON_CreateNumber(r->ms));
		emu_add_str(o, "conn", conn_names[r->conn]);
		if (r->kind == EMU_FAULT_RATELIMIT)
			emu_add(o, "retry_after", cJSON_CreateNumber(r->retry_after));
		if (r->probability >= 0)
			emu_add(o, "probability", cJSON_CreateNumber(r->probability));
		else
			emu_add(o, "nth", cJSON_CreateNumber(r->nth));
		emu_add(o, "count", cJSON_CreateNumber(r->count));
		emu_add(o, "seen", cJSON_CreateNumber(r->seen));
		emu_add(o, "fired", cJSON_CreateNumber(r->fired));
		emu_push(arr, o);
	}
	pthread_mutex_unlock(&mu);
	return arr;
}

int
emu_fault_clear(int id)
{
	int removed = 0, j = 0;

	pthread_mutex_lock(&mu);
	for (int i = 0; i < nrules; i++) {
		if (id < 0 || rules[i].id == id) {
			free(rules[i].path);
			free(rules[i].method);
			removed++;
		} else {
			rules[j++] = rules[i];
		}
	}
	nrules = j;
	if (nrules == 0) {
		free(rules);
		rules = NULL;
		caprules = 0;
	}
	pthread_mutex_unlock(&mu);
	return removed;
}
