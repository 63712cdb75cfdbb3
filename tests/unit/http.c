/* tests/unit/http.c - the HTTP client against a tiny scripted server on 127.0.0.1 forked
 * by the test (one process per connection, keep-alive), and against the fake transport:
 * URL joining and query encoding, headers, error messages for the three LiteLLM error
 * shapes, retries (503, 429 + Retry-After, dropped connections), no blind repeat of
 * creates, timeouts, connection refused, the key never in a message, parallel batches,
 * connection reuse, dependent requests from callbacks, stop. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "unit.h"

#define KEY "sk-test-MASTER-key-0123456789"

/* Sanitizer builds (and the test server forking per connection under them) are several
 * times slower: the speed bound only means something in the plain build. */
#if defined(__SANITIZE_ADDRESS__)
#define SPEED_BOUND 60.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPEED_BOUND 60.0
#endif
#endif
#ifndef SPEED_BOUND
#define SPEED_BOUND 5.0
#endif

/* ---- the scripted server ---- */

struct shared {
	atomic_int hits[32];		/* per route */
	atomic_int inflight, maxinflight;
	atomic_int connections;
};
static struct shared *sh;

enum { RT_OK, RT_ERR1, RT_ERR1B, RT_ERR2, RT_ERR2S, RT_ERR3, RT_HTML502, RT_FLAKY, RT_RATE, RT_CREATE503,
	RT_SLOW, RT_DELAY, RT_BADJSON, RT_EMPTY, RT_DROP, RT_KEYECHO, RT_RATE_LONG, RT_RATEDATE, RT_MOVED, RT_MOVED_NOLOC, RT_DEEP, RT_RATEFAR, RT_CREATE500, RT_HTML200, RT_FLAKY500, RT_GW524, RT_NOTFOUND };

static void
reply(int fd, int status, const char *extra_headers, const char *body)
{
	/* One write: header and body in two would meet Nagle and delayed ACKs (40 ms). */
	char out[20000];
	int n = snprintf(out, sizeof out, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n%s\r\n%s", status, strlen(body), extra_headers ? extra_headers : "",
	    body);
	if (write(fd, out, (size_t)n) < 0)
		_exit(0);
}

static int
route_of(const char *path)
{
	static const char *names[] = {"/ok", "/err1", "/err1b", "/err2", "/err2s", "/err3", "/html502",
	    "/flaky", "/rate", "/create503", "/slow", "/delay", "/badjson", "/empty", "/drop",
	    "/keyecho", "/ratelong", "/ratedate", "/moved", "/movednoloc", "/deep", "/ratefar", "/create500", "/html200", "/flaky500", "/gw524", NULL};
	if (strncmp(path, "/prefix/", 8) == 0)
		path += 7;
	size_t n = strcspn(path, "?");
	for (int i = 0; names[i]; i++)
		if (strlen(names[i]) == n && strncmp(path, names[i], n) == 0)
			return i;
	return RT_NOTFOUND;
}

#define OK_BODY "{\"ok\":true}"
#define SLOW_DOWN "{\"error\":{\"message\":\"slow down\"}}"

/* Routes whose answer never changes (the others are computed in serve()). */
static const struct {
	int status;
	const char *headers, *body;	/* extra header lines (each ending in CRLF), body */
} canned[RT_NOTFOUND + 1] = {
	[RT_ERR1] = {409, NULL, "{\"error\":{\"message\":\"{'error': 'User with id bob already exists'}\","
	    "\"type\":\"internal_server_error\",\"param\":\"None\",\"code\":\"409\"}}"},
	[RT_ERR1B] = {401, NULL, "{\"error\":{\"message\":\"Authentication Error, Invalid proxy server token passed.\","
	    "\"type\":\"auth_error\",\"param\":\"None\",\"code\":\"401\"}}"},
	[RT_ERR2] = {404, NULL, "{\"detail\":{\"error\":\"User not found, passed user_id=x\"}}"},
	[RT_ERR2S] = {405, NULL, "{\"detail\":\"Method Not Allowed\"}"},
	[RT_ERR3] = {422, NULL, "{\"detail\":[{\"type\":\"enum\",\"loc\":[\"body\",\"user_role\"],"
	    "\"msg\":\"Input should be 'proxy_admin' or 'internal_user'\",\"input\":\"boss\"},"
	    "{\"type\":\"x\",\"loc\":[\"body\",\"models\",0],\"msg\":\"Input should be a valid string\"}]}"},
	[RT_RATE_LONG] = {429, "Retry-After: 3600\r\n", SLOW_DOWN},
	[RT_CREATE503] = {503, NULL, "{\"detail\":\"upstream busy\"}"},
	[RT_BADJSON] = {200, NULL, "{\"user_id\": \"x\", oops"},
	[RT_EMPTY] = {200, NULL, ""},
	[RT_KEYECHO] = {400, NULL, "{\"error\":{\"message\":\"Invalid key " KEY " passed\"}}"},
	[RT_NOTFOUND] = {404, NULL, "{\"detail\":\"Not Found\"}"},
	[RT_MOVED] = {301, "Location: https://litellm.example.com/v2/moved\r\n", ""},
	[RT_MOVED_NOLOC] = {307, NULL, ""},
	[RT_CREATE500] = {500, NULL, "{\"error\":{\"message\":\"database hiccup\",\"type\":\"internal_server_error\",\"code\":\"500\"}}"},
	[RT_HTML200] = {200, NULL, "<!DOCTYPE html><html><body>Sign in</body></html>"},
	[RT_GW524] = {524, NULL, "<html>A timeout occurred</html>"},
	[RT_RATEFAR] = {429, "Retry-After: Fri, 31 Dec 9999 23:59:59 GMT\r\n", SLOW_DOWN},
};

/* Serves one connection: requests until the client closes. */
static void
serve(int fd)
{
	char buf[65536];
	size_t len = 0;
	int conn_id = atomic_fetch_add(&sh->connections, 1) + 1;
	int seq = 0;
	for (;;) {
		char *end;
		while ((end = memmem(buf, len, "\r\n\r\n", 4)) == NULL) {
			ssize_t r = read(fd, buf + len, sizeof buf - len - 1);
			if (r <= 0)
				_exit(0);
			len += (size_t)r;
		}
		size_t hlen = (size_t)(end - buf) + 4;
		buf[hlen - 1] = '\0';
		char method[16] = "", path[4096] = "";
		sscanf(buf, "%15s %4095s", method, path);
		size_t clen = 0;
		char auth[256] = "", ctype[128] = "";
		for (char *l = strstr(buf, "\r\n"); l && l < buf + hlen; l = strstr(l + 2, "\r\n")) {
			if (strncasecmp(l + 2, "Content-Length:", 15) == 0)
				clen = (size_t)atol(l + 17);
			if (strncasecmp(l + 2, "Authorization:", 14) == 0)
				sscanf(l + 16, " %255[^\r]", auth);
			if (strncasecmp(l + 2, "Content-Type:", 13) == 0)
				sscanf(l + 15, " %127[^\r]", ctype);
		}
		while (len < hlen + clen) {
			ssize_t r = read(fd, buf + len, sizeof buf - len - 1);
			if (r <= 0)
				_exit(0);
			len += (size_t)r;
		}
		char body[8192];
		snprintf(body, sizeof body, "%.*s", (int)clen, buf + hlen);
		memmove(buf, buf + hlen + clen, len - hlen - clen);
		len -= hlen + clen;
		seq++;
		int route = route_of(path);
		int hit = atomic_fetch_add(&sh->hits[route], 1) + 1;
		char out[16384];
		switch (route) {
		case RT_OK: {
			char *q = strchr(path, '?');
			snprintf(out, sizeof out, "{\"method\":\"%s\",\"path\":\"%.*s\",\"query\":\"%s\","
			    "\"auth_ok\":%s,\"ctype\":\"%s\",\"body\":%s,\"conn\":%d,\"seq\":%d}",
			    method, (int)(q ? q - path : (long)strlen(path)), path, q ? q + 1 : "",
			    strcmp(auth, "Bearer " KEY) == 0 ? "true" : "false", ctype,
			    clen ? body : "null", conn_id, seq);
			reply(fd, 200, NULL, out);
			break;
		}
		case RT_HTML502: {
			const char *h = "<html><body>Bad Gateway</body></html>";
			char head[256];
			int n = snprintf(head, sizeof head, "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n"
			    "Content-Length: %zu\r\n\r\n", strlen(h));
			if (write(fd, head, (size_t)n) < 0 || write(fd, h, strlen(h)) < 0)
				_exit(0);
			break;
		}
		case RT_FLAKY:
			if (hit <= 2)
				reply(fd, 503, NULL, "{\"detail\":\"try later\"}");
			else
				reply(fd, 200, NULL, OK_BODY);
			break;
		case RT_RATE:
			if (hit == 1)
				reply(fd, 429, "Retry-After: 1\r\n", SLOW_DOWN);
			else
				reply(fd, 200, NULL, OK_BODY);
			break;
		case RT_RATEDATE:
			if (hit == 1) {
				char hd[128];
				time_t t = time(NULL) + 2;
				struct tm tm;
				gmtime_r(&t, &tm);
				strftime(hd, sizeof hd, "Retry-After: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
				reply(fd, 429, hd, SLOW_DOWN);
			} else {
				reply(fd, 200, NULL, OK_BODY);
			}
			break;
		case RT_SLOW:
			sleep(3);
			reply(fd, 200, NULL, "{}");
			break;
		case RT_DELAY: {
			int v = atomic_fetch_add(&sh->inflight, 1) + 1;
			int m = atomic_load(&sh->maxinflight);
			while (v > m && !atomic_compare_exchange_weak(&sh->maxinflight, &m, v))
				;
			usleep(200000);
			atomic_fetch_sub(&sh->inflight, 1);
			snprintf(out, sizeof out, "{\"conn\":%d}", conn_id);
			reply(fd, 200, NULL, out);
			break;
		}
		case RT_DROP:
			_exit(0);
		case RT_FLAKY500:
			if (hit % 3 == 1)
				reply(fd, 500, NULL, "{\"detail\":\"boom\"}");
			else if (hit % 3 == 2)
				reply(fd, 200, NULL, "<html>gateway</html>");
			else
				reply(fd, 200, NULL, OK_BODY);
			break;
		case RT_DEEP: {
			int depth = 1500;
			for (int i = 0; i < depth; i++)
				out[i] = '[';
			for (int i = 0; i < depth; i++)
				out[depth + i] = ']';
			out[2 * depth] = '\0';
			reply(fd, 200, NULL, out);
			break;
		}
		default:
			reply(fd, canned[route].status, canned[route].headers, canned[route].body);
		}
	}
}

static pid_t server_pid;

static int
start_server(void)
{
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 128) != 0)
		return -1;
	socklen_t al = sizeof a;
	getsockname(ls, (struct sockaddr *)&a, &al);
	server_pid = fork();
	if (server_pid == 0) {
		signal(SIGCHLD, SIG_IGN);	/* no zombies */
		for (;;) {
			int c = accept(ls, NULL, NULL);
			if (c < 0)
				continue;
			if (fork() == 0) {
				close(ls);
				serve(c);
				_exit(0);
			}
			close(c);
		}
	}
	close(ls);
	return ntohs(a.sin_port);
}

/* ---- helpers ---- */

static lh_http *
client(int port, const char *prefix, double timeout, int par)
{
	char url[128];
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, prefix ? prefix : "");
	lh_http_opts o = {.base_url = url, .api_key = KEY, .timeout_s = timeout,
	    .parallelism = par, .max_retries = -1, .backoff_base_s = 0.02, .retry_budget_s = 3};
	const char *err;
	lh_http *h = lh_http_new(&o, &err);
	if (h == NULL) {
		printf("FAIL client: %s\n", err);
		exit(1);
	}
	return h;
}

static lh_http_result
do_req(lh_http *h, const char *method, const char *path, const char *body, bool create,
    lh_http_resp *r)
{
	lh_http_req q = {.method = method, .path = path, .body = body, .non_idempotent = create};
	return lh_http_do(h, &q, r);
}

static const char *
jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static bool
no_key(const lh_http_resp *r)
{
	return r->error == NULL || strstr(r->error, KEY) == NULL;
}

/* ---- tests ---- */

static void
test_basics(int port)
{
	lh_http *h = client(port, "/prefix/", 10, 4);
	lh_http_resp r;
	lh_http_param qp[] = {{"user_email", "a+b@x.com"}, {"note", "sp ace&=/"}};
	lh_http_req q = {.method = "GET", .path = "/ok", .query = qp, .nquery = 2};
	lh_http_do(h, &q, &r);
	check("GET ok, prefix joined with one slash", r.result == LH_HTTP_OK && r.status == 200 &&
	    strcmp(jstr(r.json, "path"), "/prefix/ok") == 0, "%s %s", lh_http_result_name(r.result), r.body);
	check("query percent-encoded", strcmp(jstr(r.json, "query"),
	    "user_email=a%2Bb%40x.com&note=sp%20ace%26%3D%2F") == 0, "%s", jstr(r.json, "query"));
	check("bearer key sent", cJSON_IsTrue(cJSON_GetObjectItem(r.json, "auth_ok")), "%s", r.body);
	int conn1 = cJSON_GetObjectItem(r.json, "conn")->valueint;
	lh_http_resp_clear(&r);
	do_req(h, "POST", "ok", "{\"user_id\":\"bob\"}", false, &r);
	check("POST with JSON body and content type", r.result == LH_HTTP_OK &&
	    strcmp(jstr(r.json, "ctype"), "application/json") == 0 &&
	    strcmp(jstr(cJSON_GetObjectItem(r.json, "body"), "user_id"), "bob") == 0 &&
	    strcmp(jstr(r.json, "path"), "/prefix/ok") == 0, "%s", r.body);
	int conn2 = cJSON_GetObjectItem(r.json, "conn")->valueint;
	check("keep-alive: connection reused", conn1 == conn2, "%d vs %d", conn1, conn2);
	lh_http_resp_clear(&r);
	lh_http_free(h);

	/* base without prefix, with and without trailing slash */
	h = client(port, "/", 10, 1);
	do_req(h, "GET", "//ok", NULL, false, &r);
	check("slashes collapse to one", r.result == LH_HTTP_OK && strcmp(jstr(r.json, "path"), "/ok") == 0,
	    "%s", r.body);
	lh_http_resp_clear(&r);
	do_req(h, "GET", "/empty", NULL, false, &r);
	check("empty 200 body: ok, json NULL", r.result == LH_HTTP_OK && r.json == NULL, "%s",
	    lh_http_result_name(r.result));
	lh_http_resp_clear(&r);
	do_req(h, "GET", "/badjson", NULL, false, &r);
	check("invalid JSON reported", r.result == LH_HTTP_BADJSON && r.error &&
	    strstr(r.error, "not valid JSON") && strstr(r.error, "GET /badjson"), "%s", r.error);
	char bad_msg[256];
	snprintf(bad_msg, sizeof bad_msg, "%s", r.error ? r.error : "");
	*(strstr(bad_msg, " (after ") ? strstr(bad_msg, " (after ") : bad_msg + strlen(bad_msg)) = '\0';
	lh_http_resp_clear(&r);
	/* no_json: a 2xx answer is checked, not kept; others are parsed as always */
	lh_http_req nj = {.method = "GET", .path = "/ok", .no_json = true};
	lh_http_do(h, &nj, &r);
	check("no_json: a JSON 2xx is OK, its tree not kept", r.result == LH_HTTP_OK &&
	    r.json == NULL && r.body_len > 0 && strstr(r.body, "\"path\""), "%s %s",
	    lh_http_result_name(r.result), r.body);
	lh_http_resp_clear(&r);
	nj.path = "/badjson";
	lh_http_do(h, &nj, &r);
	check("no_json: invalid JSON in a 2xx still reported, at the same byte", r.result ==
	    LH_HTTP_BADJSON && r.error && bad_msg[0] != '\0' &&
	    strncmp(r.error, bad_msg, strlen(bad_msg)) == 0, "%s / %s",
	    r.error ? r.error : lh_http_result_name(r.result), bad_msg);
	lh_http_resp_clear(&r);
	nj.path = "/deep";
	lh_http_do(h, &nj, &r);
	check("no_json: JSON too deep in a 2xx still reported", r.result == LH_HTTP_BADJSON &&
	    r.error && strstr(r.error, "nested deeper than 1000"), "%s",
	    r.error ? r.error : lh_http_result_name(r.result));
	lh_http_resp_clear(&r);
	nj.path = "/notfound";
	lh_http_do(h, &nj, &r);
	check("no_json: an error answer's JSON is parsed", r.result == LH_HTTP_STATUS &&
	    r.status == 404 && cJSON_IsObject(r.json), "%s %d %s", lh_http_result_name(r.result),
	    r.status, r.body);
	lh_http_resp_clear(&r);
	lh_http_free(h);

	const char *err;
	lh_http_opts bad = {.base_url = "ftp://x"};
	check("non-http base refused", lh_http_new(&bad, &err) == NULL && strstr(err, "http"), NULL);
	lh_http_opts none = {0};
	check("missing base refused", lh_http_new(&none, &err) == NULL && strstr(err, "LITELLM_API_BASE"), NULL);
}

static void
test_errors(int port)
{
	static const struct {
		const char *path, *want;
	} cases[] = {
		{"/err1", "POST /err1: 409 Conflict: User with id bob already exists"},
		{"/err1b", "POST /err1b: 401 Unauthorized: Authentication Error, Invalid proxy server token passed.\n"
		    "The request was sent with the API key from the configuration."},
		{"/err2", "POST /err2: 404 Not Found: User not found, passed user_id=x"},
		{"/err2s", "POST /err2s: 405 Method Not Allowed: Method Not Allowed"},
		{"/err3", "POST /err3: 422 Unprocessable Entity: body.user_role: Input should be "
		    "'proxy_admin' or 'internal_user'; body.models.0: Input should be a valid string"},
		{"/nothing", "POST /nothing: 404 Not Found: Not Found"},
		{"/keyecho", "POST /keyecho: 400 Bad Request: Invalid key (redacted) passed"},
	};
	lh_http *h = client(port, NULL, 10, 2);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		lh_http_resp r;
		do_req(h, "POST", cases[i].path, "{}", false, &r);
		char name[64];
		snprintf(name, sizeof name, "error message %s", cases[i].path);
		check(name, r.result == LH_HTTP_STATUS && r.error && strcmp(r.error, cases[i].want) == 0 &&
		    no_key(&r) && r.attempts == 1, "got: %s", r.error ? r.error : "(null)");
		lh_http_resp_clear(&r);
	}
	/* Body extraction alone, for shapes the server above does not send. */
	static const struct {
		const char *body, *want;
	} shapes[] = {
		{"{\"error\":{\"message\":\"{\\\"error\\\": \\\"json inside\\\"}\"}}", "json inside"},
		{"{\"error\":{\"message\":\"{'error': \\\"it's quoted\\\"}\"}}", "it's quoted"},
		{"{\"error\":{\"message\":\"{'error': 'a \\\\'b\\\\' c'}\"}}", "a 'b' c"},
		{"{\"error\":\"plain\"}", "plain"},
		{"{\"detail\":{\"error\":\"Team id=X does not exist in db\"}}", "Team id=X does not exist in db"},
		{"{\"detail\":{\"other\":1}}", "{\"other\":1}"},
		{"{\"message\":\"top level\"}", "top level"},
		{"\"I'm alive!\"", "I'm alive!"},
		{"upstream connect error", "upstream connect error"},
		{"<html>x</html>", NULL},
		{"", NULL},
	};
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		char *m = lh_http_body_message(shapes[i].body, strlen(shapes[i].body));
		char name[64];
		snprintf(name, sizeof name, "body message shape %zu", i);
		check(name, shapes[i].want ? (m && strcmp(m, shapes[i].want) == 0) : m == NULL,
		    "got: %s", m ? m : "(null)");
		free(m);
	}
	char *m = lh_http_error_message("GET", "/x", 418, "", 0);
	check("status without body or known reason", m && strcmp(m, "GET /x: 418") == 0, "%s", m);
	free(m);
	lh_http_free(h);
}

static void
test_retries(int port)
{
	lh_http *h = client(port, NULL, 10, 2);
	lh_http_resp r;
	do_req(h, "GET", "/flaky", NULL, false, &r);
	check("503 twice then 200: retried", r.result == LH_HTTP_OK && r.attempts == 3 &&
	    atomic_load(&sh->hits[RT_FLAKY]) == 3, "%s attempts=%d", lh_http_result_name(r.result), r.attempts);
	lh_http_resp_clear(&r);
	double t0 = now();
	do_req(h, "POST", "/rate", "{}", true, &r);
	double dt = now() - t0;
	check("429 honours Retry-After, even for creates", r.result == LH_HTTP_OK && r.attempts == 2 &&
	    dt >= 0.95 && dt < 3, "%s attempts=%d %.2fs", lh_http_result_name(r.result), r.attempts, dt);
	lh_http_resp_clear(&r);
	t0 = now();
	do_req(h, "GET", "/ratedate", NULL, false, &r);
	dt = now() - t0;
	check("429 with an HTTP-date Retry-After", r.result == LH_HTTP_OK && r.attempts == 2 &&
	    dt >= 0.9 && dt < 3.5, "%s attempts=%d %.2fs", lh_http_result_name(r.result), r.attempts, dt);
	lh_http_resp_clear(&r);
	t0 = now();
	do_req(h, "GET", "/ratelong", NULL, false, &r);
	dt = now() - t0;
	check("Retry-After beyond the budget: give up at once", r.result == LH_HTTP_STATUS &&
	    r.status == 429 && dt < 1 && strstr(r.error, "429 Too Many Requests: slow down"), "%s %.2fs",
	    r.error, dt);
	lh_http_resp_clear(&r);
	do_req(h, "POST", "/create503", "{}", true, &r);
	check("create not repeated on 503: uncertain", r.result == LH_HTTP_UNCERTAIN && r.attempts == 1 &&
	    atomic_load(&sh->hits[RT_CREATE503]) == 1 && strstr(r.error, "POST /create503: 503") &&
	    strstr(r.error, "not repeated"), "%s hits=%d", r.error, atomic_load(&sh->hits[RT_CREATE503]));
	lh_http_resp_clear(&r);
	do_req(h, "POST", "/create503", "{}", false, &r);
	char want[64];
	snprintf(want, sizeof want, "(after %d attempts in ", r.attempts);
	check("idempotent POST retried on 503 until the time budget, not a small count",
	    r.result == LH_HTTP_STATUS && r.attempts >= 7 && r.elapsed_s < 5 &&
	    atomic_load(&sh->hits[RT_CREATE503]) == r.attempts + 1 && strstr(r.error, want),
	    "attempts=%d %.2fs %s", r.attempts, r.elapsed_s, r.error);
	lh_http_resp_clear(&r);
	do_req(h, "GET", "/html502", NULL, false, &r);
	check("502 with HTML body: status + reason only", r.result == LH_HTTP_STATUS &&
	    strncmp(r.error, "GET /html502: 502 Bad Gateway (after ", 37) == 0, "%s", r.error);
	lh_http_resp_clear(&r);
	do_req(h, "POST", "/drop", "{}", true, &r);
	check("create on a dropped connection: uncertain, not repeated", r.result == LH_HTTP_UNCERTAIN &&
	    r.attempts == 1 && atomic_load(&sh->hits[RT_DROP]) == 1 && no_key(&r), "%s hits=%d", r.error,
	    atomic_load(&sh->hits[RT_DROP]));
	lh_http_resp_clear(&r);
	do_req(h, "GET", "/drop", NULL, false, &r);
	check("GET on dropped connections: retried, then transport error", r.result == LH_HTTP_TRANSPORT &&
	    r.attempts >= 6 && strstr(r.error, "GET /drop: ") && strstr(r.error, "127.0.0.1:"), "%s", r.error);
	lh_http_resp_clear(&r);
	/* issue 14: messages */
	do_req(h, "GET", "/moved", NULL, false, &r);
	check("3xx names its target and is not followed", r.result == LH_HTTP_STATUS && r.status == 301 &&
	    r.attempts == 1 && strstr(r.error, "301 Moved Permanently") &&
	    strstr(r.error, "https://litellm.example.com/v2/moved") && strstr(r.error, "api_base"),
	    "%s", r.error);
	lh_http_resp_clear(&r);
	do_req(h, "GET", "/movednoloc", NULL, false, &r);
	check("3xx without Location says so", r.result == LH_HTTP_STATUS && r.status == 307 &&
	    strstr(r.error, "without a Location"), "%s", r.error);
	lh_http_resp_clear(&r);
	do_req(h, "GET", "/deep", NULL, false, &r);
	check("2xx JSON nested deeper than the parser's limit: says so", r.result == LH_HTTP_BADJSON &&
	    strstr(r.error, "nested deeper than 1000"), "%s", r.error);
	lh_http_resp_clear(&r);
	t0 = now();
	do_req(h, "GET", "/ratefar", NULL, false, &r);
	dt = now() - t0;
	check("far-future Retry-After date: honoured as beyond the budget (no overflow)",
	    r.result == LH_HTTP_STATUS && r.status == 429 && r.attempts == 1 && dt < 1,
	    "%s attempts=%d %.2fs", r.error, r.attempts, dt);
	lh_http_resp_clear(&r);
	lh_http_free(h);

	/* issue 14 item 3: a create answered with an error that may follow the work is
	 * uncertain (the caller looks it up), never a plain failure; reads and updates are
	 * asked again. */
	h = client(port, NULL, 10, 2);
	const char *unsure[] = {"/create500", "/html200", "/gw524", "/badjson"};
	for (int i = 0; i < 4; i++) {
		int route = route_of(unsure[i]);
		int before = atomic_load(&sh->hits[route]);
		do_req(h, "POST", unsure[i], "{}", true, &r);
		char name[128];
		snprintf(name, sizeof name, "create answered %s: uncertain, sent once", unsure[i] + 1);
		check(name, r.result == LH_HTTP_UNCERTAIN && r.attempts == 1 &&
		    atomic_load(&sh->hits[route]) == before + 1 && r.error && strstr(r.error, "may or may not"),
		    "%s %s", lh_http_result_name(r.result), r.error ? r.error : "");
		lh_http_resp_clear(&r);
	}
	do_req(h, "POST", "/flaky500", "{}", false, &r);
	check("idempotent request through a 500 and an HTML 200: retried to success",
	    r.result == LH_HTTP_OK && r.attempts == 3, "%s attempts=%d %s", lh_http_result_name(r.result),
	    r.attempts, r.error ? r.error : "");
	lh_http_resp_clear(&r);
	do_req(h, "GET", "/html200", NULL, false, &r);
	check("HTML 200 to a read: 3 tries (not the whole budget), then named an HTML page",
	    r.result == LH_HTTP_BADJSON && r.attempts == 3 && strstr(r.error, "HTML page") &&
	    r.not_api, "%d attempts: %s", r.attempts, r.error);
	lh_http_resp_clear(&r);
	lh_http_free(h);

	/* Out of file descriptors: not "connection refused". */
	h = client(port, NULL, 5, 2);
	struct rlimit rl0, rl;
	getrlimit(RLIMIT_NOFILE, &rl0);
	int fds[4096], nfd = 0;
	rl = rl0;
	rl.rlim_cur = 64;
	setrlimit(RLIMIT_NOFILE, &rl);
	for (int fd; nfd < 4096 && (fd = dup(0)) >= 0;)
		fds[nfd++] = fd;
	do_req(h, "GET", "/ok", NULL, false, &r);
	for (int i = 0; i < nfd; i++)
		close(fds[i]);
	setrlimit(RLIMIT_NOFILE, &rl0);
	check("out of file descriptors: says so, not 'connection refused'", r.result == LH_HTTP_TRANSPORT &&
	    r.error && !strstr(r.error, "refused") && strstr(r.error, "open files"), "%s",
	    r.error ? r.error : lh_http_result_name(r.result));
	lh_http_resp_clear(&r);
	lh_http_free(h);

	/* Timeout. */
	h = client(port, NULL, 1, 2);
	t0 = now();
	do_req(h, "GET", "/slow", NULL, false, &r);
	dt = now() - t0;
	check("timeout: one plain sentence, not retried", r.result == LH_HTTP_TRANSPORT &&
	    dt >= 0.9 && dt < 2.5 && r.attempts == 1 && strstr(r.error, "timeout after 1 s") &&
	    strstr(r.error, "GET /slow"), "%s %.2fs", r.error, dt);
	lh_http_resp_clear(&r);
	do_req(h, "POST", "/slow", "{}", true, &r);
	check("create timing out: uncertain", r.result == LH_HTTP_UNCERTAIN && r.attempts == 1, "%s", r.error);
	lh_http_resp_clear(&r);
	lh_http_free(h);
}

static int retry_notices, retry_last_attempt, retry_last_max;
static double retry_last_delay;
static char retry_last_msg[256];

static void
on_retry(void *ctx, const char *msg, int attempt, int max, double delay)
{
	(void)ctx;
	retry_notices++;
	retry_last_attempt = attempt;
	retry_last_max = max;
	retry_last_delay = delay;
	snprintf(retry_last_msg, sizeof retry_last_msg, "%s", msg);
}

static void
test_refused(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;
	bind(s, (struct sockaddr *)&a, sizeof a);
	getsockname(s, (struct sockaddr *)&a, &al);
	int port = ntohs(a.sin_port);
	close(s);
	lh_http *h = client(port, NULL, 5, 2);
	lh_http_resp r;
	char want[128];
	/* on a loopback address a refusal means nothing listens: 3 attempts, not 6 */
	snprintf(want, sizeof want, "POST /user/new: cannot connect to 127.0.0.1:%d: connection refused "
	    "(after 3 attempts in ", port);
	retry_notices = 0;
	lh_http_on_retry(on_retry, NULL);
	double t0 = now();
	do_req(h, "POST", "/user/new", "{}", true, &r);
	lh_http_on_retry(NULL, NULL);
	check("connection refused: retried (never arrived), plain message", r.result == LH_HTTP_TRANSPORT &&
	    r.error && strncmp(r.error, want, strlen(want)) == 0 && now() - t0 < 5, "%s", r.error);
	check("connection refused: each retry announced (attempt N of 3, next try in S s)",
	    retry_notices == 2 && retry_last_attempt == 2 && retry_last_max == 3 &&
	    retry_last_delay > 0 && strcmp(retry_last_msg, want) != 0 &&
	    strstr(retry_last_msg, "connection refused") != NULL,
	    "%d notices, last %d of %d in %.3f: %s", retry_notices, retry_last_attempt,
	    retry_last_max, retry_last_delay, retry_last_msg);
	lh_http_resp_clear(&r);
	lh_http_free(h);
}

struct batch {
	int done, ok, cancelled, dependent_ok;
	int conns[64];
	lh_http *h;
	bool stop_after_first;
};

static void
on_dep(lh_http *h, lh_http_resp *r, void *ctx)
{
	struct batch *b = ctx;
	if (r->result == LH_HTTP_OK && strcmp(jstr(r->json, "method"), "GET") == 0 &&
	    strcmp(jstr(r->json, "query"), "user_id=u1") == 0)
		b->dependent_ok++;
}

static void
on_create(lh_http *h, lh_http_resp *r, void *ctx)
{
	struct batch *b = ctx;
	b->done++;
	if (r->result == LH_HTTP_OK) {
		b->ok++;
		/* dependent request from the callback: read back what was created */
		lh_http_param q[] = {{"user_id", "u1"}};
		lh_http_req rq = {.method = "GET", .path = "/ok", .query = q, .nquery = 1,
		    .done = on_dep, .ctx = b};
		lh_http_submit(h, &rq);
	}
}

static void
on_delay(lh_http *h, lh_http_resp *r, void *ctx)
{
	struct batch *b = ctx;
	if (r->result == LH_HTTP_OK) {
		b->ok++;
		int c = cJSON_GetObjectItem(r->json, "conn")->valueint;
		if (b->done < 64)
			b->conns[b->done] = c;
	}
	if (r->result == LH_HTTP_CANCELLED)
		b->cancelled++;
	b->done++;
	if (b->stop_after_first)
		lh_http_stop(h);
}

static void
test_batch(int port)
{
	lh_http *h = client(port, NULL, 10, 10);
	struct batch b = {0};
	atomic_store(&sh->maxinflight, 0);
	int c0 = atomic_load(&sh->connections);
	double t0 = now();
	for (int i = 0; i < 30; i++) {
		lh_http_req rq = {.method = "GET", .path = "/delay", .done = on_delay, .ctx = &b};
		lh_http_submit(h, &rq);
	}
	size_t okn = lh_http_run(h);
	double dt = now() - t0;
	int conns = atomic_load(&sh->connections) - c0;
	check("parallel batch: 30 x 200 ms at parallelism 10", okn == 30 && b.ok == 30 && dt < 1.5 &&
	    dt >= 0.55, "ok=%zu %.2fs", okn, dt);
	check("parallelism bound respected", atomic_load(&sh->maxinflight) <= 10 &&
	    atomic_load(&sh->maxinflight) >= 8, "max in flight %d", atomic_load(&sh->maxinflight));
	check("connections reused across the batch", conns <= 10, "%d connections", conns);
	t0 = now();
	b = (struct batch){0};
	for (int i = 0; i < 10; i++) {
		lh_http_req rq = {.method = "GET", .path = "/delay", .done = on_delay, .ctx = &b};
		lh_http_submit(h, &rq);
	}
	lh_http_run(h);
	conns = atomic_load(&sh->connections) - c0;
	check("second run reuses the same connections", b.ok == 10 && conns <= 10, "%d connections", conns);

	/* Dependent requests from callbacks. */
	struct batch d = {0};
	for (int i = 0; i < 20; i++) {
		lh_http_req rq = {.method = "POST", .path = "/ok", .body = "{\"user_id\":\"u1\"}",
		    .non_idempotent = true, .done = on_create, .ctx = &d};
		lh_http_submit(h, &rq);
	}
	lh_http_run(h);
	check("callbacks submit dependent requests", d.ok == 20 && d.dependent_ok == 20,
	    "ok=%d dependent=%d", d.ok, d.dependent_ok);
	lh_http_free(h);

	/* Stop: in-flight requests finish, queued ones are cancelled. */
	h = client(port, NULL, 10, 5);
	b = (struct batch){.stop_after_first = true};
	for (int i = 0; i < 30; i++) {
		lh_http_req rq = {.method = "GET", .path = "/delay", .done = on_delay, .ctx = &b};
		lh_http_submit(h, &rq);
	}
	lh_http_run(h);
	check("stop: in-flight finish, the rest cancelled", b.done == 30 && b.ok == 5 &&
	    b.cancelled == 25 && lh_http_stopped(h), "ok=%d cancelled=%d", b.ok, b.cancelled);
	lh_http_resume(h);
	lh_http_resp r;
	do_req(h, "GET", "/ok", NULL, false, &r);
	check("resume after stop", r.result == LH_HTTP_OK, "%s", r.error);
	lh_http_resp_clear(&r);
	lh_http_free(h);
}

/* Speed: many small requests against the local server. */
static void
test_speed(int port)
{
	lh_http *h = client(port, NULL, 10, 10);
	struct batch b = {0};
	double t0 = now();
	for (int i = 0; i < 1000; i++) {
		lh_http_req rq = {.method = "POST", .path = "/ok", .body = "{\"user_id\":\"u1\"}",
		    .non_idempotent = true, .done = on_create, .ctx = &b};
		lh_http_submit(h, &rq);
	}
	lh_http_run(h);
	double dt = now() - t0;
	char name[96];
	snprintf(name, sizeof name, "1000 creates + 1000 reads in %.2f s (parallelism 10)", dt);
	check(name, b.ok == 1000 && b.dependent_ok == 1000 && dt < SPEED_BOUND, "ok=%d dep=%d", b.ok, b.dependent_ok);
	lh_http_free(h);
}

/* The fake transport: same retry and message logic without a network. */
static int fake_calls;

static int
fake(void *ctx, const char *method, const char *url_path, const char *body, int *status,
    char **resp, int *retry_after)
{
	fake_calls++;
	if (strncmp(url_path, "/refused", 8) == 0)
		return LH_HTTP_FAKE_REFUSED;
	if (strncmp(url_path, "/reset", 6) == 0)
		return LH_HTTP_FAKE_RESET;
	if (strncmp(url_path, "/unresolved", 11) == 0)
		return LH_HTTP_FAKE_UNRESOLVED;
	if (strncmp(url_path, "/user/info?user_id=a%40b", 24) == 0) {
		*status = 200;
		*resp = strdup("{\"user_id\":\"a@b\",\"user_info\":{\"user_id\":\"a@b\"}}");
		return 0;
	}
	*status = 404;
	*resp = strdup("{\"error\":{\"message\":\"User x not found\",\"code\":\"404\"}}");
	return 0;
}

static double delay_at[2];
static lh_http_result delay_result;

static void
delay_done(lh_http *h, lh_http_resp *r, void *ctx)
{
	(void)h;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	*(double *)ctx = ts.tv_sec + ts.tv_nsec / 1e9;
	delay_result = r->result;
}

static void
test_fake(void)
{
	lh_http_opts o = {.base_url = "https://litellm.example/api", .api_key = KEY, .fake = fake,
	    .backoff_base_s = 0.001, .max_retries = 2};
	const char *err;
	lh_http *h = lh_http_new(&o, &err);
	lh_http_resp r;
	lh_http_param q[] = {{"user_id", "a@b"}};
	lh_http_req rq = {.method = "GET", .path = "/user/info", .query = q, .nquery = 1};
	lh_http_do(h, &rq, &r);
	check("fake transport answers", r.result == LH_HTTP_OK &&
	    strcmp(jstr(cJSON_GetObjectItem(r.json, "user_info"), "user_id"), "a@b") == 0, "%s", r.error);
	lh_http_resp_clear(&r);
	rq.query = NULL;
	rq.nquery = 0;
	lh_http_do(h, &rq, &r);
	check("fake 404 message", r.result == LH_HTTP_STATUS &&
	    strcmp(r.error, "GET /user/info: 404 Not Found: User x not found") == 0, "%s", r.error);
	lh_http_resp_clear(&r);
	fake_calls = 0;
	do_req(h, "POST", "/refused", "{}", true, &r);
	check("fake refused: retried to the bound", r.result == LH_HTTP_TRANSPORT && fake_calls == 3 &&
	    strstr(r.error, "cannot connect to litellm.example:443"), "%s calls=%d", r.error, fake_calls);
	lh_http_resp_clear(&r);
	lh_http_free(h);
	/* a host name that does not resolve (a typo in api_base) gets three quick tries,
	 * not the whole retry budget (the default retries took about a minute) */
	o.max_retries = 11;
	h = lh_http_new(&o, &err);
	fake_calls = 0;
	do_req(h, "GET", "/unresolved", NULL, false, &r);
	check("fake unresolved host: three tries, not the whole budget", r.result == LH_HTTP_TRANSPORT &&
	    fake_calls == 3 && strstr(r.error, "cannot resolve host name litellm.example"),
	    "%s calls=%d", r.error, fake_calls);
	lh_http_resp_clear(&r);
	fake_calls = 0;
	do_req(h, "POST", "/reset", "{}", true, &r);
	check("fake reset on create: uncertain", r.result == LH_HTTP_UNCERTAIN && fake_calls == 1, "%s", r.error);
	lh_http_resp_clear(&r);
	lh_http_req bad = {.method = "DELETE", .path = "/x"};
	check("only GET and POST", !lh_http_submit(h, &bad), NULL);
	/* delay_s: the request starts that long after submit, and a request submitted
	 * after it without a delay is not held up */
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double t0 = ts.tv_sec + ts.tv_nsec / 1e9;
	lh_http_req late = {.method = "GET", .path = "/user/info", .query = q, .nquery = 1,
	    .delay_s = 0.25, .done = delay_done, .ctx = &delay_at[0]};
	lh_http_req soon = late;
	soon.delay_s = 0;
	soon.ctx = &delay_at[1];
	lh_http_submit(h, &late);
	lh_http_submit(h, &soon);
	lh_http_run(h);
	check("delay_s: started after the delay", delay_at[0] - t0 >= 0.25 && delay_at[0] - t0 < 2,
	    "%.3f s", delay_at[0] - t0);
	check("delay_s: undelayed request not held up", delay_at[1] - t0 < 0.2, "%.3f s",
	    delay_at[1] - t0);
	late.delay_s = 30;
	late.ctx = &delay_at[0];
	delay_result = LH_HTTP_OK;
	lh_http_submit(h, &late);
	lh_http_stop(h);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = ts.tv_sec + ts.tv_nsec / 1e9;
	lh_http_run(h);
	check("delay_s: a waiting request is cancelled at once by lh_http_stop",
	    delay_result == LH_HTTP_CANCELLED && delay_at[0] - t0 < 1, "%s %.3f s",
	    lh_http_result_name(delay_result), delay_at[0] - t0);
	lh_http_free(h);
}

/* TLS: a self-signed certificate from `openssl s_server`: refused by default with a TLS
 * sentence, accepted with insecure_skip_verify; https to a plain HTTP port is a TLS error. */
static void
test_tls(void)
{
	char dir[] = "/tmp/lh-http-tls.XXXXXX", cmd[1024], cert[128], key[128];
	if (mkdtemp(dir) == NULL)
		return;
	snprintf(cert, sizeof cert, "%s/c.pem", dir);
	snprintf(key, sizeof key, "%s/k.pem", dir);
	snprintf(cmd, sizeof cmd, "openssl req -x509 -newkey rsa:2048 -nodes -keyout %s -out %s "
	    "-days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1", key, cert);
	if (system(cmd) != 0) {
		check("openssl available for the TLS tests (tests/deps.sh)", 0, NULL);
		return;
	}
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;
	bind(s, (struct sockaddr *)&a, sizeof a);
	getsockname(s, (struct sockaddr *)&a, &al);
	int port = ntohs(a.sin_port);
	close(s);
	char ps[16];
	snprintf(ps, sizeof ps, "%d", port);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL || freopen("/dev/null", "w", stderr) == NULL)
			_exit(127);
		execlp("openssl", "openssl", "s_server", "-accept", ps, "-cert", cert, "-key", key,
		    "-www", "-quiet", (char *)NULL);
		_exit(127);
	}
	/* wait until it accepts */
	for (int i = 0; i < 100; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0);
		int r = connect(c, (struct sockaddr *)&a, sizeof a);
		close(c);
		if (r == 0)
			break;
		usleep(20000);
	}
	char url[128];
	snprintf(url, sizeof url, "https://127.0.0.1:%d", port);
	const char *err;
	lh_http_opts o = {.base_url = url, .api_key = KEY, .timeout_s = 5, .max_retries = 2,
	    .backoff_base_s = 0.01};
	lh_http *h = lh_http_new(&o, &err);
	lh_http_resp r;
	do_req(h, "GET", "/ok", NULL, false, &r);
	check("TLS: self-signed certificate refused by default", r.result == LH_HTTP_TRANSPORT &&
	    r.attempts == 1 && r.error && strstr(r.error, "TLS error") &&
	    strstr(r.error, "insecure_skip_verify") && no_key(&r), "%s", r.error);
	lh_http_resp_clear(&r);
	lh_http_free(h);
	o.insecure_skip_verify = true;
	h = lh_http_new(&o, &err);
	do_req(h, "GET", "/ok", NULL, false, &r);
	/* s_server -www answers with an HTML status page: TLS worked, the body is no JSON. */
	check("TLS: insecure_skip_verify accepts it", r.status == 200 && r.result == LH_HTTP_BADJSON,
	    "%s %s", lh_http_result_name(r.result), r.error ? r.error : "");
	lh_http_resp_clear(&r);
	lh_http_free(h);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		failures++;
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	memset(sh, 0, sizeof *sh);
	int port = start_server();
	if (port <= 0) {
		printf("FAIL server did not start\n");
		return 1;
	}
	test_basics(port);
	test_errors(port);
	test_retries(port);
	test_refused();
	test_batch(port);
	test_speed(port);
	test_fake();
	test_tls();
	kill(server_pid, SIGKILL);
	waitpid(server_pid, NULL, 0);
	return failures ? 1 : 0;
}
