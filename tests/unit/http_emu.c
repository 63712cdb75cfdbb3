/* tests/unit/http_emu.c - the HTTP client against the LiteLLM emulator (build/litellm-emu,
 * found next to this binary's directory): real error bodies of the three shapes, fault
 * injection (503, 429 + Retry-After, reset after the work, a kept-alive connection closed
 * after or before a create's commit, malformed, hang), a path prefix, a wrong key, TLS
 * with connection reuse for creates too, and the speed figure: 1,000 creates each followed
 * by its read-back, at parallelism 10, with no duplicate create on the server. */
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "uuid.h"
#include "unit.h"

#define KEY "sk-emu-master-KEY-42"

static char emu_path[PATH_MAX], tmpdir[64];

/* Starts the emulator with extra args (NULL-terminated, up to 8); returns its pid and
 * port.  tag names its port and log files. */
static pid_t
emu_start_args(int *port, const char *tag, const char *const *extra)
{
	char pf[128];
	snprintf(pf, sizeof pf, "%s/port%s", tmpdir, tag);
	unlink(pf);
	fflush(stdout);	/* or the child's freopen would write our buffer twice */
	pid_t pid = fork();
	if (pid == 0) {
		char log[128];
		const char *argv[24] = {emu_path, "--port", "0", "--port-file", pf, "--master-key", KEY,
		    "--log", log, "--threads", "4"};
		int n = 11;
		snprintf(log, sizeof log, "%s/log%s", tmpdir, tag);
		for (int i = 0; extra && extra[i] && n < 22; i++)
			argv[n++] = extra[i];
		argv[n] = NULL;
		if (freopen("/dev/null", "w", stdout) == NULL || freopen("/dev/null", "w", stderr) == NULL)
			_exit(127);
		execv(emu_path, (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(pf, "r");
		if (f != NULL) {
			int ok = fscanf(f, "%d", port) == 1;
			fclose(f);
			if (ok && *port > 0)
				return pid;
		}
		usleep(20000);
	}
	kill(pid, SIGKILL);
	return -1;
}

static pid_t
emu_start(int *port, const char *prefix)
{
	const char *extra[] = {"--path-prefix", prefix, NULL};
	return emu_start_args(port, prefix ? "p" : "", prefix ? extra : NULL);
}

static lh_http *
client_url(const char *scheme, int port, const char *prefix, const char *key, double timeout,
    int par, bool insecure)
{
	char url[128];
	snprintf(url, sizeof url, "%s://127.0.0.1:%d%s", scheme, port, prefix ? prefix : "");
	lh_http_opts o = {.base_url = url, .api_key = key, .timeout_s = timeout, .parallelism = par,
	    .max_retries = -1, .backoff_base_s = 0.02, .retry_budget_s = 20,
	    .insecure_skip_verify = insecure};
	const char *err;
	return lh_http_new(&o, &err);
}

static lh_http *
client(int port, const char *prefix, const char *key, double timeout, int par)
{
	return client_url("http", port, prefix, key, timeout, par, false);
}

static lh_http_result
req(lh_http *h, const char *method, const char *path, const char *qname, const char *qval,
    const char *body, bool create, lh_http_resp *r)
{
	lh_http_param q[] = {{qname, qval}};
	lh_http_req rq = {.method = method, .path = path, .query = qname ? q : NULL,
	    .nquery = qname ? 1 : 0, .body = body, .non_idempotent = create};
	return lh_http_do(h, &rq, r);
}

static void
fault(lh_http *h, const char *rule)
{
	lh_http_resp r;
	req(h, "POST", "/__emu/faults", NULL, NULL, rule, false, &r);
	if (r.result != LH_HTTP_OK)
		printf("    (arming %s failed: %s)\n", rule, r.error);
	lh_http_resp_clear(&r);
}

static const char *
jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

struct run {
	int created, read_ok, failed;
	char first_error[512];
};

static void
on_read(lh_http *h, lh_http_resp *r, void *ctx)
{
	struct run *x = ctx;
	const cJSON *ui = cJSON_GetObjectItem(r->json, "user_info");
	if (r->result == LH_HTTP_OK && *jstr(ui, "user_id"))
		x->read_ok++;
	else if (x->failed++ == 0)
		snprintf(x->first_error, sizeof x->first_error, "%s", r->error ? r->error : r->body);
}

static void
on_created(lh_http *h, lh_http_resp *r, void *ctx)
{
	struct run *x = ctx;
	if (r->result != LH_HTTP_OK) {
		if (x->failed++ == 0)
			snprintf(x->first_error, sizeof x->first_error, "%s", r->error);
		return;
	}
	x->created++;
	lh_http_param q[] = {{"user_id", jstr(r->json, "user_id")}};
	lh_http_req rq = {.method = "GET", .path = "/user/info", .query = q, .nquery = 1,
	    .done = on_read, .ctx = x};
	lh_http_submit(h, &rq);
}

/* Ctrl-C's stop: what each request reported, and the stop itself once the first
 * (quick) request is done */
struct stopped {
	lh_http_result res[5];
	char err[5][256];
};

static struct stopped stop_case;

static void
on_stopped(lh_http *h, lh_http_resp *r, void *ctx)
{
	int i = (int)(intptr_t)ctx;
	stop_case.res[i] = r->result;
	snprintf(stop_case.err[i], sizeof stop_case.err[i], "%s", r->error ? r->error : "");
	if (i == 0)
		lh_http_stop(h);
}

static int
count_lines(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	int n = 0;
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

int
main(int argc, char **argv)
{
	char self[PATH_MAX];
	snprintf(self, sizeof self, "%s", argv[0]);
	snprintf(emu_path, sizeof emu_path, "%s/../litellm-emu", dirname(self));
	struct stat sb;
	if (stat(emu_path, &sb) != 0) {
		printf("FAIL emulator not built: %s\n", emu_path);
		return 1;
	}
	snprintf(tmpdir, sizeof tmpdir, "/tmp/lh-http-emu.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	int port = 0;
	pid_t emu = emu_start(&port, NULL);
	if (emu < 0) {
		printf("FAIL emulator did not start\n");
		return 1;
	}
	lh_http *h = client(port, NULL, KEY, 10, 10);
	lh_http_resp r;
	char id[LH_UUID_LEN + 1], body[512];

	/* The speed figure: 1,000 creates, each read back from its callback. */
	struct run x = {0};
	double t0 = now();
	for (int i = 0; i < 1000; i++) {
		lh_uuid_v4(id);
		snprintf(body, sizeof body, "{\"user_id\":\"%s\",\"user_email\":\"u%d@example.com\","
		    "\"user_role\":\"internal_user\",\"max_budget\":10.0,\"auto_create_key\":false}", id, i);
		lh_http_req rq = {.method = "POST", .path = "/user/new", .body = body,
		    .non_idempotent = true, .done = on_created, .ctx = &x};
		lh_http_submit(h, &rq);
	}
	lh_http_run(h);
	double dt = now() - t0;
	char name[256], logp[128];
	snprintf(name, sizeof name, "1000 creates + read-backs against the emulator in %.2f s", dt);
	check(name, x.created == 1000 && x.read_ok == 1000 && x.failed == 0, "created=%d read=%d: %s",
	    x.created, x.read_ok, x.first_error);
	snprintf(logp, sizeof logp, "%s/log", tmpdir);
	int creates = count_lines(logp, "\"path\":\"/user/new\"");
	check("server saw each create exactly once", creates == 1000, "%d", creates);

	/* Real error bodies. */
	req(h, "POST", "/user/new", NULL, NULL, "{\"user_id\":\"bob\",\"user_email\":\"bob@x.com\","
	    "\"auto_create_key\":false}", true, &r);
	lh_http_resp_clear(&r);
	req(h, "POST", "/user/new", NULL, NULL, "{\"user_id\":\"bob\",\"user_email\":\"bob2@x.com\","
	    "\"auto_create_key\":false}", true, &r);
	check("409 duplicate id: inner message of the python repr", r.result == LH_HTTP_STATUS &&
	    r.status == 409 && strncmp(r.error, "POST /user/new: 409 Conflict: ", 30) == 0 &&
	    strstr(r.error, "bob") && !strchr(r.error, '{'), "%s", r.error);
	lh_http_resp_clear(&r);
	req(h, "POST", "/user/new", NULL, NULL, "{\"user_email\":\"r@x.com\",\"user_role\":\"boss\"}",
	    true, &r);
	check("422 validation: loc path and msg", r.result == LH_HTTP_STATUS && r.status == 422 &&
	    strstr(r.error, "POST /user/new: 422 Unprocessable Entity: body.user_role: "), "%s", r.error);
	lh_http_resp_clear(&r);
	req(h, "POST", "/user/delete", NULL, NULL, "{\"user_ids\":[\"nobody\"]}", false, &r);
	check("404 detail.error shape", r.result == LH_HTTP_STATUS && r.status == 404 &&
	    strstr(r.error, "POST /user/delete: 404 Not Found: User not found, passed user_id=nobody"),
	    "%s", r.error);
	lh_http_resp_clear(&r);
	req(h, "GET", "/user/info", "user_id", "ghost", NULL, false, &r);
	check("404 error.message shape", r.result == LH_HTTP_STATUS && r.status == 404 &&
	    strstr(r.error, "GET /user/info: 404 Not Found: ") && strstr(r.error, "ghost"), "%s", r.error);
	lh_http_resp_clear(&r);
	req(h, "GET", "/no/such/route", NULL, NULL, NULL, false, &r);
	check("unknown route: detail string", r.result == LH_HTTP_STATUS &&
	    strcmp(r.error, "GET /no/such/route: 404 Not Found: Not Found") == 0, "%s", r.error);
	lh_http_resp_clear(&r);
	lh_http *bad = client(port, NULL, "sk-wrong-key-987654", 10, 1);
	req(bad, "GET", "/user/info", "user_id", "bob", NULL, false, &r);
	check("401 with a wrong key: message without the key", r.result == LH_HTTP_STATUS &&
	    r.status == 401 && strstr(r.error, "401 Unauthorized: ") &&
	    !strstr(r.error, "sk-wrong-key-987654") && !strstr(r.error, KEY), "%s", r.error);
	lh_http_resp_clear(&r);
	lh_http_free(bad);

	/* Faults. */
	fault(h, "{\"path\":\"/user/info\",\"kind\":\"503\",\"count\":2}");
	req(h, "GET", "/user/info", "user_id", "bob", NULL, false, &r);
	check("503 x2 then ok (nginx HTML bodies)", r.result == LH_HTTP_OK && r.attempts == 3, "%s",
	    r.error);
	lh_http_resp_clear(&r);
	fault(h, "{\"path\":\"/user/new\",\"kind\":\"429\",\"retry_after\":1}");
	t0 = now();
	req(h, "POST", "/user/new", NULL, NULL, "{\"user_id\":\"rl\",\"user_email\":\"rl@x.com\","
	    "\"auto_create_key\":false}", true, &r);
	dt = now() - t0;
	check("429 Retry-After honoured for a create", r.result == LH_HTTP_OK && r.attempts == 2 &&
	    dt >= 0.95, "%s %.2fs", r.error, dt);
	lh_http_resp_clear(&r);
	fault(h, "{\"path\":\"/user/new\",\"kind\":\"reset\",\"after\":true}");
	req(h, "POST", "/user/new", NULL, NULL, "{\"user_id\":\"rs\",\"user_email\":\"rs@x.com\","
	    "\"auto_create_key\":false}", true, &r);
	check("reset after the work: uncertain, not repeated", r.result == LH_HTTP_UNCERTAIN &&
	    r.attempts == 1, "%s", r.error);
	lh_http_resp_clear(&r);
	req(h, "GET", "/user/info", "user_id", "rs", NULL, false, &r);
	check("... and the look-up finds the user to adopt", r.result == LH_HTTP_OK &&
	    strcmp(jstr(cJSON_GetObjectItem(r.json, "user_info"), "user_id"), "rs") == 0, "%s", r.error);
	lh_http_resp_clear(&r);
	/* Creates on kept-alive connections: a connection the server closes after
	 * committing the create (before answering) is never silently sent again by libcurl;
	 * the create is uncertain, for the caller to look up. */
	fault(h, "{\"path\":\"/user/new\",\"kind\":\"commit_close\",\"conn\":\"reused\"}");
	req(h, "POST", "/user/new", NULL, NULL, "{\"user_id\":\"cc\",\"user_email\":\"cc@x.com\","
	    "\"auto_create_key\":false}", true, &r);
	check("create on a reused connection closed after the commit: uncertain, sent once",
	    r.result == LH_HTTP_UNCERTAIN && r.attempts == 1 &&
	    strstr(r.error, "closed the kept-alive connection without answering") &&
	    strstr(r.error, "not repeated automatically") &&
	    count_lines(logp, "\"user_id\":\"cc\"") == 1, "%s; %d creates logged",
	    lh_http_result_name(r.result), count_lines(logp, "\"user_id\":\"cc\""));
	lh_http_resp_clear(&r);
	req(h, "POST", "/user/new", NULL, NULL, "{\"user_id\":\"cc\",\"user_email\":\"cc@x.com\","
	    "\"auto_create_key\":false}", true, &r);
	check("... it landed (sending it again is answered 409)", r.result == LH_HTTP_STATUS &&
	    r.status == 409, "%s %d", lh_http_result_name(r.result), r.status);
	lh_http_resp_clear(&r);
	fault(h, "{\"path\":\"/user/new\",\"kind\":\"close\",\"conn\":\"reused\"}");
	req(h, "POST", "/user/new", NULL, NULL, "{\"user_id\":\"cn\",\"user_email\":\"cn@x.com\","
	    "\"auto_create_key\":false}", true, &r);
	check("create on a reused connection closed before any work: uncertain, nothing created",
	    r.result == LH_HTTP_UNCERTAIN && r.attempts == 1, "%s", lh_http_result_name(r.result));
	lh_http_resp_clear(&r);
	req(h, "GET", "/user/info", "user_id", "cn", NULL, false, &r);
	check("... the look-up finds no user (the caller sends it again)",
	    r.result == LH_HTTP_STATUS && r.status == 404, "%s %d", lh_http_result_name(r.result),
	    r.status);
	lh_http_resp_clear(&r);
	fault(h, "{\"path\":\"/user/update\",\"kind\":\"commit_close\",\"conn\":\"reused\"}");
	req(h, "POST", "/user/update", NULL, NULL, "{\"user_id\":\"cc\",\"user_alias\":\"x\"}",
	    false, &r);
	check("an update on a reused connection closed after the commit is sent again: ok",
	    r.result == LH_HTTP_OK, "%s", r.error);
	lh_http_resp_clear(&r);
	fault(h, "{\"path\":\"/user/info\",\"kind\":\"close\",\"conn\":\"reused\"}");
	req(h, "GET", "/user/info", "user_id", "cc", NULL, false, &r);
	check("a read on a reused connection closed without an answer is asked again: ok",
	    r.result == LH_HTTP_OK, "%s", r.error);
	lh_http_resp_clear(&r);
	fault(h, "{\"path\":\"/user/info\",\"kind\":\"malformed\",\"count\":0}");
	req(h, "GET", "/user/info", "user_id", "bob", NULL, false, &r);
	check("malformed JSON answer (every time: retried, then reported)", r.result == LH_HTTP_BADJSON &&
	    r.attempts > 1 && strstr(r.error, "not valid JSON"), "%s", r.error);
	lh_http_resp_clear(&r);
	req(h, "POST", "/__emu/faults/clear", NULL, NULL, "{}", false, &r);
	lh_http_resp_clear(&r);
	fault(h, "{\"path\":\"/user/info\",\"kind\":\"malformed\"}");
	req(h, "GET", "/user/info", "user_id", "bob", NULL, false, &r);
	check("malformed JSON answer once: the read is asked again", r.result == LH_HTTP_OK &&
	    r.attempts == 2, "%s", r.error);
	lh_http_resp_clear(&r);
	lh_http *quick = client(port, NULL, KEY, 1, 2);
	fault(h, "{\"path\":\"/user/info\",\"kind\":\"hang\"}");
	t0 = now();
	req(quick, "GET", "/user/info", "user_id", "bob", NULL, false, &r);
	dt = now() - t0;
	check("hang: timeout after 1 s", r.result == LH_HTTP_TRANSPORT && dt < 2.5 &&
	    strstr(r.error, "timeout after 1 s"), "%s %.2fs", r.error, dt);
	lh_http_resp_clear(&r);
	lh_http_free(quick);
	/* A stop (Ctrl-C) while the server has stopped answering: the requests in flight get
	 * the stop's grace, then are abandoned - a read cancelled, a create uncertain (it may
	 * have landed), an update a transport failure - long before the 30 s timeout; one
	 * not started yet is cancelled unsent. */
	fault(h, "{\"path\":\"/health/liveliness\",\"kind\":\"latency\",\"ms\":300}");
	fault(h, "{\"path\":\"/user/info\",\"kind\":\"hang\",\"count\":0}");
	fault(h, "{\"path\":\"/user/new\",\"kind\":\"hang\",\"count\":0}");
	fault(h, "{\"path\":\"/user/update\",\"kind\":\"hang\",\"count\":0}");
	{
		char url[64];
		snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
		lh_http_opts o = {.base_url = url, .api_key = KEY, .timeout_s = 30, .parallelism = 4,
		    .stop_grace_s = 0.5};
		const char *err;
		lh_http *g = lh_http_new(&o, &err);
		lh_http_param q[] = {{"user_id", "bob"}};
		lh_http_req rs[5] = {
			{.method = "GET", .path = "/health/liveliness"},
			{.method = "GET", .path = "/user/info", .query = q, .nquery = 1},
			{.method = "POST", .path = "/user/new", .body = "{\"user_id\":\"stopped1\"}",
			    .non_idempotent = true},
			{.method = "POST", .path = "/user/update", .body = "{\"user_id\":\"bob\"}"},
			{.method = "GET", .path = "/user/info", .query = q, .nquery = 1},
		};
		for (int i = 0; i < 5; i++) {
			rs[i].done = on_stopped;
			rs[i].ctx = (void *)(intptr_t)i;
			stop_case.res[i] = LH_HTTP_OK;
			lh_http_submit(g, &rs[i]);
		}
		t0 = now();
		lh_http_run(g);
		dt = now() - t0;
		check("stop: the request answered in time completes", stop_case.res[0] == LH_HTTP_OK,
		    "%s", stop_case.err[0]);
		check("stop: unanswered requests abandoned at the end of the 0.5 s grace", dt < 2.0 &&
		    lh_http_abandoned(g) == 3, "%.2fs, %zu abandoned", dt, lh_http_abandoned(g));
		check("stop: an abandoned read is cancelled", stop_case.res[1] == LH_HTTP_CANCELLED &&
		    strstr(stop_case.err[1], "abandoned (interrupted)"), "%s", stop_case.err[1]);
		check("stop: an abandoned create is uncertain", stop_case.res[2] == LH_HTTP_UNCERTAIN &&
		    strstr(stop_case.err[2], "may or may not have been carried out"), "%s",
		    stop_case.err[2]);
		check("stop: an abandoned update may have happened (transport, not cancelled)",
		    stop_case.res[3] == LH_HTTP_TRANSPORT && strstr(stop_case.err[3], "interrupted"),
		    "%s", stop_case.err[3]);
		check("stop: a request not started is cancelled unsent",
		    stop_case.res[4] == LH_HTTP_CANCELLED && strstr(stop_case.err[4], "not sent"),
		    "%s", stop_case.err[4]);
		/* resumed briefly (the look-ups of uncertain creates): bounded by the grace too */
		lh_http_resume_briefly(g);
		stop_case.res[1] = LH_HTTP_OK;
		lh_http_submit(g, &rs[1]);
		t0 = now();
		lh_http_run(g);
		dt = now() - t0;
		check("resumed briefly: a hanging look-up is abandoned after the grace",
		    stop_case.res[1] == LH_HTTP_CANCELLED && dt < 1.5 && dt > 0.3, "%.2fs %s", dt,
		    stop_case.err[1]);
		lh_http_free(g);
	}
	lh_http_free(h);
	kill(emu, SIGTERM);
	waitpid(emu, NULL, 0);

	/* A base URL with a path. */
	emu = emu_start(&port, "/litellm");
	if (emu > 0) {
		h = client(port, "/litellm/", KEY, 10, 2);
		req(h, "POST", "/user/new", NULL, NULL, "{\"user_id\":\"p1\",\"user_email\":\"p1@x.com\","
		    "\"auto_create_key\":false}", true, &r);
		lh_http_resp_clear(&r);
		req(h, "GET", "/user/info", "user_id", "p1", NULL, false, &r);
		check("path prefix joined", r.result == LH_HTTP_OK, "%s", r.error);
		lh_http_resp_clear(&r);
		lh_http_free(h);
		kill(emu, SIGTERM);
		waitpid(emu, NULL, 0);
	} else {
		check("path prefix emulator started", 0, NULL);
	}
	/* TLS with the network model: reads reuse connections; the figures for creates. */
	char tlsdir[128];
	snprintf(tlsdir, sizeof tlsdir, "%s/tls", tmpdir);
	const char *tls_args[] = {"--tls", tlsdir, "--latency-ms", "5", "--conn-latency-ms", "20",
	    "--write-latency-ms", "10", NULL};
	emu = emu_start_args(&port, "t", tls_args);
	if (emu > 0) {
		lh_http *strict = client_url("https", port, NULL, KEY, 10, 1, false);
		req(strict, "GET", "/user/info", "user_id", "default_user_id", NULL, false, &r);
		check("TLS: a self-signed certificate is refused by default", r.result != LH_HTTP_OK &&
		    r.error && strstr(r.error, "certificate"), "%s", r.error ? r.error : "ok");
		lh_http_resp_clear(&r);
		lh_http_free(strict);
		h = client_url("https", port, NULL, KEY, 10, 10, true);
		req(h, "POST", "/__emu/stats/reset", NULL, NULL, "{}", false, &r);
		lh_http_resp_clear(&r);
		struct run y = {0};
		t0 = now();
		for (int i = 0; i < 100; i++) {
			lh_uuid_v4(id);
			snprintf(body, sizeof body, "{\"user_id\":\"%s\",\"auto_create_key\":false}", id);
			lh_http_req rq = {.method = "POST", .path = "/user/new", .body = body,
			    .non_idempotent = true, .done = on_created, .ctx = &y};
			lh_http_submit(h, &rq);
		}
		lh_http_run(h);
		dt = now() - t0;
		req(h, "GET", "/__emu/stats", NULL, NULL, NULL, false, &r);
		const cJSON *routes = cJSON_GetObjectItem(r.json, "routes");
		int conns = cJSON_GetObjectItem(r.json, "connections") ?
		    cJSON_GetObjectItem(r.json, "connections")->valueint : -1;
		int news = cJSON_GetObjectItem(routes, "POST /user/new") ?
		    cJSON_GetObjectItem(routes, "POST /user/new")->valueint : -1;
		int infos = cJSON_GetObjectItem(routes, "GET /user/info") ?
		    cJSON_GetObjectItem(routes, "GET /user/info")->valueint : -1;
		snprintf(name, sizeof name, "TLS, 5/20/10 ms latencies: 100 creates + read-backs at "
		    "parallelism 10 in %.2f s over %d new connections (at most 10: creates reuse "
		    "them too)", dt, conns);
		check(name, y.created == 100 && y.read_ok == 100 && news == 100 && infos == 100 &&
		    conns >= 1 && conns <= 10, "created=%d read=%d server: %d creates %d reads %d "
		    "connections: %s", y.created, y.read_ok, news, infos, conns, y.first_error);
		lh_http_resp_clear(&r);
		req(h, "POST", "/__emu/stats/reset", NULL, NULL, "{}", false, &r);
		lh_http_resp_clear(&r);
		int reads_ok = 0;
		for (int i = 0; i < 50; i++) {
			req(h, "GET", "/user/info", "user_id", "default_user_id", NULL, false, &r);
			reads_ok += r.result == LH_HTTP_OK;
			lh_http_resp_clear(&r);
		}
		req(h, "GET", "/__emu/stats", NULL, NULL, NULL, false, &r);
		conns = cJSON_GetObjectItem(r.json, "connections") ?
		    cJSON_GetObjectItem(r.json, "connections")->valueint : -1;
		check("TLS: 50 reads one after another reuse one connection", reads_ok == 50 &&
		    conns >= 0 && conns <= 1, "%d ok, %d new connections", reads_ok, conns);
		lh_http_resp_clear(&r);
		lh_http_free(h);
		kill(emu, SIGTERM);
		waitpid(emu, NULL, 0);
	} else {
		check("TLS emulator started (openssl needed)", 0, NULL);
	}

	/* TLS sessions are shared by the client's connections: `openssl s_server -www`
	 * (which resumes sessions and closes the connection after each answer) counts
	 * session cache hits.  One request, then three at once (on three easy handles, two
	 * of which never connected before), then the count.  TLS 1.2: OpenSSL's server makes
	 * each TLS 1.3 ticket single-use, so concurrent resumptions of one would not count. */
	char cert[192], key[192];
	snprintf(cert, sizeof cert, "%s/cert.pem", tlsdir);
	snprintf(key, sizeof key, "%s/key.pem", tlsdir);
	pid_t srv = -1;
	int sport = 0;
	for (int attempt = 0; attempt < 5 && srv < 0 && access(cert, R_OK) == 0; attempt++) {
		sport = 20000 + (int)((getpid() * 7919 + attempt * 104729) % 30000);
		char acc[32];
		snprintf(acc, sizeof acc, "127.0.0.1:%d", sport);
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			if (freopen("/dev/null", "w", stdout) == NULL || freopen("/dev/null", "w", stderr) == NULL)
				_exit(127);
			execlp("openssl", "openssl", "s_server", "-accept", acc, "-cert", cert, "-key", key,
			    "-www", "-quiet", "-no_tls1_3", (char *)NULL);
			_exit(127);
		}
		usleep(400000);
		if (waitpid(pid, NULL, WNOHANG) == 0)
			srv = pid;
	}
	if (srv > 0) {
		char url[64];
		snprintf(url, sizeof url, "https://127.0.0.1:%d", sport);
		/* its answers are HTML pages: not asked again */
		lh_http_opts o = {.base_url = url, .timeout_s = 10, .parallelism = 3,
		    .max_retries = 0, .insecure_skip_verify = true};
		const char *err;
		h = lh_http_new(&o, &err);
		req(h, "GET", "/", NULL, NULL, NULL, false, &r);
		lh_http_resp_clear(&r);
		struct run z = {0};
		for (int i = 0; i < 3; i++) {
			lh_http_req rq = {.method = "GET", .path = "/", .done = on_read, .ctx = &z};
			lh_http_submit(h, &rq);
		}
		lh_http_run(h);
		req(h, "GET", "/", NULL, NULL, NULL, false, &r);
		const char *hits = r.body ? strstr(r.body, "session cache hits") : NULL;
		int nhits = -1;
		if (hits != NULL) {
			const char *p = hits;
			while (p > r.body && p[-1] == ' ')
				p--;
			while (p > r.body && p[-1] >= '0' && p[-1] <= '9')
				p--;
			nhits = atoi(p);
		}
		check("TLS sessions shared by every connection of a client (openssl s_server: 4 of 5 "
		    "handshakes resumed)", nhits >= 4, "%d session cache hits", nhits);
		lh_http_resp_clear(&r);
		lh_http_free(h);
		kill(srv, SIGTERM);
		waitpid(srv, NULL, 0);
	} else {
		printf("ok TLS session sharing not checked: openssl s_server did not start\n");
	}

	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		return 1;
	return failures ? 1 : 0;
}
