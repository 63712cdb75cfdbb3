/* server.c - libmicrohttpd glue: receive a request, route it, authenticate, apply an
 * injected fault, answer, and write one JSON line to the request log.
 *
 * Order of checks follows FastAPI: unknown route (404) and wrong method (405) first, then
 * a JSON body that does not parse (422), then the master key (401), then the route's own
 * validation.  The daemon runs an epoll thread pool on 127.0.0.1 only.  Delays and hung
 * bodies suspend the connection and a timer thread resumes it, so they never block other
 * requests or shutdown.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>

#include "faults.h"
#include "store.h"

#define MAX_BODY (16u << 20)

volatile bool emu_db_connected = true;

/* Per-request state (MHD's con_cls), freed when MHD reports the request completed. */
struct conn {
	struct MHD_Connection *mc;
	char *body;                  /* request body, NUL-terminated */
	size_t len, cap;
	bool too_big;
	bool decided;                /* fault chosen */
	struct emu_fault_hit fault;
	int delay_ms;                /* fault delay + the network model's latencies */
	uint64_t conn_serial;        /* which connection (1, 2, ... since start) */
	bool new_conn;               /* the first request on its connection */
	int route_status;            /* what the route answered when a fault replaced it */
	char *race_team;             /* --roster-race-ms: the roster read on arrival */
	cJSON *race_roster;
	bool waiting;                /* suspended for a delay, counted in n_suspended */
	bool delayed;                /* the delay has been served */
	char *out;                   /* TRUNCATE/HANG: the full answer */
	size_t out_len, cut;         /* bytes of out actually sent */
	bool hung;                   /* suspended inside the content reader */
	atomic_bool released;        /* hang over: end the body with an error */
};

/* One per TCP connection (MHD's socket context). */
struct sock {
	uint64_t serial;
	long nreq;
};

static struct MHD_Daemon *daemon_;
static char *tls_key, *tls_cert;

/* ---- counters for benchmarks (GET /__emu/stats) ---- */
static pthread_mutex_t stats_mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t st_connections, st_requests, st_writes, st_faults;
static uint64_t conn_serials;
static cJSON *st_routes;         /* "METHOD /route" -> count */
static atomic_bool stopping;
static atomic_int n_suspended;
static int log_fd = -1;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

/* ---- timer thread: resumes delayed and hung connections, flushes --data ---- */
struct timer {
	struct conn *c;
	int64_t due;                 /* CLOCK_MONOTONIC ms */
};
static pthread_mutex_t tmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tcv;
static struct timer *timers;
static size_t ntimers, captimers;
static pthread_t timer_thread;
static bool timer_running, timer_quit;

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
timer_add(struct conn *c, int64_t delay_ms)
{
	pthread_mutex_lock(&tmu);
	if (timer_quit) {
		/* shutting down: nothing may stay suspended */
		atomic_store(&c->released, true);
		MHD_resume_connection(c->mc);
		pthread_mutex_unlock(&tmu);
		return;
	}
	if (ntimers == captimers) {
		captimers = captimers ? captimers * 2 : 16;
		timers = realloc(timers, captimers * sizeof *timers);
		if (!timers)
			abort();
	}
	timers[ntimers].c = c;
	timers[ntimers].due = mono_ms() + delay_ms;
	ntimers++;
	pthread_cond_signal(&tcv);
	pthread_mutex_unlock(&tmu);
}

/* Fire every timer due by now (all of them when quitting).  tmu held. */
static void
timers_fire(bool all)
{
	int64_t now = mono_ms();

	for (size_t i = 0; i < ntimers;) {
		if (all || timers[i].due <= now) {
			struct conn *c = timers[i].c;
			timers[i] = timers[--ntimers];
			atomic_store(&c->released, true);
			MHD_resume_connection(c->mc);
		} else {
			i++;
		}
	}
}

static void
flush_data(void)
{
	char *err = NULL;

	if (!emu_cfg.data_file)
		return;
	emu_store_lock();
	if (emu_store_dirty && !emu_store_save_file(emu_cfg.data_file, &err)) {
		fprintf(stderr, "litellm-emu: saving %s\n", err);
		free(err);
	}
	emu_store_unlock();
}

static void *
timer_main(void *arg)
{
	int64_t next_flush = mono_ms() + 1000;

	pthread_mutex_lock(&tmu);
	while (!timer_quit) {
		int64_t wake = next_flush;
		struct timespec ts;
		for (size_t i = 0; i < ntimers; i++)
			if (timers[i].due < wake)
				wake = timers[i].due;
		ts.tv_sec = (time_t)(wake / 1000);
		ts.tv_nsec = (long)(wake % 1000) * 1000000;
		pthread_cond_timedwait(&tcv, &tmu, &ts);
		timers_fire(false);
		if (mono_ms() >= next_flush) {
			pthread_mutex_unlock(&tmu);
			flush_data();
			pthread_mutex_lock(&tmu);
			next_flush = mono_ms() + 1000;
		}
	}
	timers_fire(true);
	pthread_mutex_unlock(&tmu);
	return NULL;
}

/* ---- request log ---- */

/* Blank out strings that could be a key, at any depth: members named key, api_key or
 * master_key, and the master key itself wherever it appears. */
static void
redact(cJSON *v)
{
	static const char *const secret_names[] = {"key", "api_key", "master_key", NULL};

	for (cJSON *m = v ? v->child : NULL; m; m = m->next) {
		bool secret = cJSON_IsString(m) && emu_cfg.master_key &&
		              strcmp(m->valuestring, emu_cfg.master_key) == 0;
		for (int i = 0; m->string && secret_names[i]; i++)
			secret |= cJSON_IsString(m) && strcmp(m->string, secret_names[i]) == 0;
		if (secret)
			cJSON_SetValuestring(m, "[redacted]");
		redact(m);
	}
}

static cJSON *
log_body(const struct emu_req *req)
{
	cJSON *v;

	if (req->body_len == 0)
		return cJSON_CreateNull();
	v = req->json ? cJSON_Duplicate(req->json, true)
	              : cJSON_ParseWithLength(req->body, req->body_len);
	if (!v)
		return cJSON_CreateString(req->body);
	redact(v);
	return v;
}

/* One JSON line per request; never headers (the key travels there). */
static void
log_request(const struct emu_req *req, int status, const struct emu_fault_hit *f,
            const struct conn *c)
{
	cJSON *o;
	char *line, ts[40];

	if (log_fd < 0 || (req->route && strncmp(req->route, "/__emu/", 7) == 0))
		return;
	o = cJSON_CreateObject();
	emu_time_text(emu_now_ms(), ts, sizeof ts);
	emu_add_str(o, "time", ts);
	emu_add_str(o, "method", req->method);
	emu_add_str(o, "path", req->path);
	emu_add(o, "query", cJSON_Duplicate(req->query, true));
	emu_add(o, "body", log_body(req));
	emu_add(o, "status", cJSON_CreateNumber(status));
	emu_add(o, "conn", cJSON_CreateNumber((double)c->conn_serial));
	if (c->new_conn)
		emu_add(o, "new_conn", cJSON_CreateTrue());
	if (f && f->kind != EMU_FAULT_NONE) {
		emu_add_str(o, "fault", emu_fault_kind_name(f->kind));
		/* the route ran (and committed) before the fault replaced its answer */
		if (c->route_status)
			emu_add(o, "route_status", cJSON_CreateNumber(c->route_status));
	}
	line = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!line)
		abort();
	pthread_mutex_lock(&log_mu);
	size_t n = strlen(line);
	line[n] = '\n';
	if (write(log_fd, line, n + 1) < 0)
		perror("litellm-emu: log");
	pthread_mutex_unlock(&log_mu);
	free(line);
}

/* ---- health ---- */

static void
route_liveliness(struct emu_req *req, struct emu_resp *resp)
{
	emu_resp_json(resp, 200, cJSON_CreateString("I'm alive!"));
}

static void
route_readiness(struct emu_req *req, struct emu_resp *resp)
{
	cJSON *r;

	if (!emu_db_connected) {
		emu_resp_detail(resp, 503, false, "Service Unhealthy (Not connected to DB!)");
		return;
	}
	r = cJSON_CreateObject();
	emu_add_str(r, "status", "connected");
	emu_add_str(r, "db", "connected");
	emu_add_str(r, "litellm_version", emu_cfg.legacy ? "1.80.0" : "1.83.0");
	emu_resp_json(resp, 200, r);
}

/* ---- routing ---- */

struct route {
	const char *method;
	const char *path;
	emu_handler fn;
	bool open;                   /* no auth */
};

static const struct route routes[] = {
	{"GET", "/health/liveliness", route_liveliness, true},
	{"GET", "/health/liveness", route_liveliness, true},
	{"GET", "/health/readiness", route_readiness, true},
	{"POST", "/user/new", emu_route_user_new, false},
	{"GET", "/user/info", emu_route_user_info, false},
	{"POST", "/user/update", emu_route_user_update, false},
	{"POST", "/user/delete", emu_route_user_delete, false},
	{"GET", "/user/list", emu_route_user_list, false},
	{"GET", "/user/get_users", emu_route_user_list, false},
	{"POST", "/team/new", emu_route_team_new, false},
	{"GET", "/team/info", emu_route_team_info, false},
	{"POST", "/team/update", emu_route_team_update, false},
	{"POST", "/team/delete", emu_route_team_delete, false},
	{"POST", "/team/member_add", emu_route_team_member_add, false},
	{"POST", "/team/member_delete", emu_route_team_member_delete, false},
	{"POST", "/team/member_update", emu_route_team_member_update, false},
	{"GET", "/team/list", emu_route_team_list, false},
	{"GET", "/v2/team/list", emu_route_team_list_v2, false},
	{"POST", "/team/block", emu_route_team_block, false},
	{"POST", "/team/unblock", emu_route_team_unblock, false},
	{"POST", "/team/permissions_update", emu_route_team_permissions_update, false},
	{"GET", "/team/permissions_list", emu_route_team_permissions_list, false},
	{NULL, NULL, NULL, false},
};

/* The api key a client sent: x-litellm-api-key wins, then Authorization; "Bearer " is
 * stripped.  NULL when none. */
static const char *
sent_key(struct MHD_Connection *mc)
{
	const char *k = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "x-litellm-api-key");

	if (!k || !*k)
		k = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!k)
		return NULL;
	if (strncasecmp(k, "Bearer ", 7) == 0)
		k += 7;
	while (*k == ' ')
		k++;
	return *k ? k : NULL;
}

static bool
authorize(struct MHD_Connection *mc, struct emu_resp *resp)
{
	const char *k;

	if (!emu_cfg.master_key)
		return true;
	k = sent_key(mc);
	if (!k) {
		emu_resp_error(resp, 401, "auth_error", "None",
		               "Authentication Error, No api key passed in.");
		return false;
	}
	if (strcmp(k, emu_cfg.master_key) != 0) {
		emu_resp_error(resp, 401, "auth_error", "None",
		               "Authentication Error, Invalid proxy server token passed. Unable to "
		               "find token in cache or `LiteLLM_VerificationTokenTable`");
		return false;
	}
	return true;
}

/* FastAPI's answer to a JSON body that does not parse. */
static void
json_invalid(struct emu_resp *resp, long pos)
{
	cJSON *detail = cJSON_CreateArray(), *ctx = cJSON_CreateObject(), *e;
	cJSON *empty = cJSON_CreateObject();

	emu_add_str(ctx, "error", "Expecting value");
	emu_verr(detail, "json_invalid", "body", NULL, -1, "JSON decode error", empty, ctx);
	cJSON_Delete(empty);
	e = cJSON_GetArrayItem(detail, 0);
	emu_push(cJSON_GetObjectItem(e, "loc"), cJSON_CreateNumber((double)pos));
	emu_resp_422(resp, detail);
}

/* Parse the body when it is declared JSON; false (422 answered) when it does not parse. */
static bool
parse_body(struct emu_req *req, struct emu_resp *resp)
{
	const char *end = NULL;

	if (!req->body_is_json || req->body_len == 0)
		return true;
	req->json = cJSON_ParseWithLengthOpts(req->body, req->body_len, &end, false);
	if (req->json && end) {
		while (end < req->body + req->body_len && strchr(" \t\r\n", *end))
			end++;
		if (end != req->body + req->body_len) {
			cJSON_Delete(req->json);
			req->json = NULL;
		}
	}
	if (!req->json) {
		const char *at = cJSON_GetErrorPtr();
		long pos = end ? (long)(end - req->body) : 0;
		if (!end && at && at >= req->body && at <= req->body + req->body_len)
			pos = (long)(at - req->body);
		json_invalid(resp, pos);
		return false;
	}
	return true;
}

static void
dispatch(struct emu_req *req, struct MHD_Connection *mc, struct emu_resp *resp)
{
	const struct route *hit = NULL;
	bool path_known = false, admin;

	if (!req->route) {
		emu_resp_detail(resp, 404, false, "Not Found");
		return;
	}
	admin = strncmp(req->route, "/__emu/", 7) == 0;
	for (const struct route *r = routes; r->path; r++)
		if (strcmp(r->path, req->route) == 0) {
			path_known = true;
			resp->allow = r->method;   /* one method per path */
			if (strcmp(r->method, req->method) == 0)
				hit = r;
		}
	if (!hit && !admin) {
		emu_resp_detail(resp, path_known ? 405 : 404, false,
		                path_known ? "Method Not Allowed" : "Not Found");
		return;
	}
	if (!parse_body(req, resp))
		return;
	if (!(hit && hit->open) && !authorize(mc, resp))
		return;
	req->is_admin = true;
	if (hit && !hit->open && !emu_db_connected) {
		/* the key is checked in memory; the route then needs the database */
		emu_resp_error_repr(resp, 500, "internal_server_error",
		                    "DB not connected. See https://docs.litellm.ai/docs/proxy/virtual_keys");
		return;
	}
	emu_store_lock();
	if (hit && req->race_roster) {
		/* a mid/old server edits the roster it read when the request arrived and writes
		 * the whole column back: edits other requests made meanwhile are lost */
		struct emu_team *t = emu_team_get(req->race_team);
		if (t)
			emu_set(t->row, "members_with_roles", cJSON_Duplicate(req->race_roster, true));
	}
	if (hit)
		hit->fn(req, resp);
	else if (!emu_admin_dispatch(req, resp))
		emu_resp_detail(resp, 404, false, "Not Found");
	if (admin || strcmp(req->method, "GET") != 0)
		emu_store_gen++;
	emu_store_cool();   /* users the route parsed go back to their compact text */
	emu_store_unlock();
}

/* ---- building the emu_req ---- */

static enum MHD_Result
collect_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	cJSON *q = cls;

	emu_set(q, key, cJSON_CreateString(value ? value : ""));
	return MHD_YES;
}

static bool
json_content_type(struct MHD_Connection *mc)
{
	const char *ct = MHD_lookup_connection_value(mc, MHD_HEADER_KIND,
	                                             MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n;

	if (!ct)
		return false;
	while (*ct == ' ')
		ct++;
	n = strcspn(ct, "; ");
	if (n == 16 && strncasecmp(ct, "application/json", 16) == 0)
		return true;
	return strncasecmp(ct, "application/", 12) == 0 && n >= 17 &&
	       strncasecmp(ct + n - 5, "+json", 5) == 0;
}

/* ---- answering ---- */

static enum MHD_Result
queue_buffer(struct MHD_Connection *mc, struct emu_resp *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len = resp->body ? strlen(resp->body) : 0;
	char ra[16];

	r = MHD_create_response_from_buffer(len, resp->body ? resp->body : (char *)"",
	                                    resp->body ? MHD_RESPMEM_MUST_FREE
	                                               : MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	resp->body = NULL;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	                        resp->content_type ? resp->content_type : "application/json");
	if (resp->status == 405 && resp->allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, resp->allow);
	if (resp->retry_after > 0) {
		snprintf(ra, sizeof ra, "%d", resp->retry_after);
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	ret = MHD_queue_response(mc, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Content reader of TRUNCATE/HANG answers: the first part, then an error or a stall. */
static ssize_t
stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct conn *c = cls;

	if (pos < c->cut) {
		size_t n = c->cut - (size_t)pos;
		if (n > max)
			n = max;
		memcpy(buf, c->out + pos, n);
		return (ssize_t)n;
	}
	if (c->hung) {
		c->hung = false;
		atomic_fetch_sub(&n_suspended, 1);
	}
	if (c->fault.kind == EMU_FAULT_TRUNCATE || atomic_load(&c->released) ||
	    atomic_load(&stopping))
		return MHD_CONTENT_READER_END_WITH_ERROR;
	c->hung = true;
	atomic_fetch_add(&n_suspended, 1);
	MHD_suspend_connection(c->mc);
	timer_add(c, emu_cfg.hang_max_ms);
	return 0;
}

static enum MHD_Result
queue_stream(struct conn *c, struct emu_resp *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	c->out = resp->body;
	c->out_len = resp->body ? strlen(resp->body) : 0;
	c->cut = c->out_len / 2;
	resp->body = NULL;
	r = MHD_create_response_from_callback(c->out_len, 65536, stream_reader, c, NULL);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	ret = MHD_queue_response(c->mc, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Abort the connection with a TCP reset: no answer at all. */
static enum MHD_Result
reset_connection(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct linger lg = {1, 0};

	if (ci)
		setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	return MHD_NO;
}

/* Reason phrases nginx prints on its error pages. */
static const char *
reason_of(int status)
{
	static const struct {
		int status;
		const char *text;
	} r[] = {{200, "OK"}, {400, "Bad Request"}, {401, "Unauthorized"}, {403, "Forbidden"},
	         {404, "Not Found"}, {408, "Request Time-out"}, {409, "Conflict"},
	         {413, "Request Entity Too Large"}, {429, "Too Many Requests"},
	         {500, "Internal Server Error"}, {502, "Bad Gateway"},
	         {503, "Service Temporarily Unavailable"}, {504, "Gateway Time-out"},
	         {520, "Web Server Returned an Unknown Error"}, {522, "Connection Timed Out"},
	         {524, "A Timeout Occurred"}, {0, NULL}};

	for (int i = 0; r[i].text; i++)
		if (r[i].status == status)
			return r[i].text;
	return "Error";
}

static void
html_page(struct emu_resp *resp, int status, const char *title, const char *text)
{
	resp->status = status;
	resp->body = emu_strf("<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s"
	                      "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
	                      title, text);
	resp->content_type = "text/html";
}

/* The answer a fault gives in place of the route's. */
static void
fault_response(const struct emu_fault_hit *f, struct emu_resp *resp)
{
	enum emu_fault_body body = f->body;
	char *t;

	free(resp->body);
	memset(resp, 0, sizeof *resp);
	switch (f->kind) {
	case EMU_FAULT_RATELIMIT:
		emu_resp_error(resp, 429, "throttling_error", "None",
		               "Rate limit exceeded (injected fault)");
		resp->retry_after = f->retry_after;
		return;
	case EMU_FAULT_HTML:   /* a page that is not the API: a login portal, a proxy's notice */
		html_page(resp, f->status, "Sign in", "Please sign in to continue (injected fault)");
		return;
	case EMU_FAULT_EMPTY:
		resp->status = f->status;
		resp->body = emu_strdup("");
		return;
	default:
		break;
	}
	if (body == EMU_BODY_AUTO)
		body = f->status == 500 ? EMU_BODY_JSON : EMU_BODY_HTML;
	switch (body) {
	case EMU_BODY_JSON:
		t = emu_strf("%s (injected fault)", reason_of(f->status));
		emu_resp_error(resp, f->status, "internal_server_error", "None", t);
		free(t);
		break;
	case EMU_BODY_TEXT:
		resp->status = f->status;
		resp->body = emu_strdup(reason_of(f->status));
		resp->content_type = "text/plain; charset=utf-8";
		break;
	case EMU_BODY_EMPTY:
		resp->status = f->status;
		resp->body = emu_strdup("");
		break;
	default:
		t = emu_strf("%d %s", f->status, reason_of(f->status));
		html_page(resp, f->status, t, t);
		free(t);
		break;
	}
}

/* The route a path names: --path-prefix removed (test controls also work without it);
 * NULL when the path lies outside the prefix. */
static const char *
route_of(const char *url)
{
	const char *pre = emu_cfg.path_prefix;
	size_t n = pre ? strlen(pre) : 0;

	if (!n || strncmp(url, "/__emu/", 7) == 0)
		return url;
	if (strncmp(url, pre, n) == 0 && url[n] == '/')
		return url + n;
	return NULL;
}

/* Suspend the request for its fault's delay the first time through; true if it did. */
static bool
delay_first(struct conn *c)
{
	if (c->delay_ms <= 0 || c->delayed || atomic_load(&stopping))
		return false;
	c->delayed = c->waiting = true;
	atomic_fetch_add(&n_suspended, 1);
	MHD_suspend_connection(c->mc);
	timer_add(c, c->delay_ms);
	return true;
}

static void
build_req(struct conn *c, const char *url, const char *method, const char *route,
          struct emu_req *req)
{
	req->method = method;
	req->path = url;
	req->route = route;
	req->query = cJSON_CreateObject();
	MHD_get_connection_values(c->mc, MHD_GET_ARGUMENT_KIND, collect_query, req->query);
	req->body = c->body ? c->body : "";
	req->body_len = c->len;
	/* test controls take JSON whatever the Content-Type */
	req->body_is_json = json_content_type(c->mc) ||
	                    (route && strncmp(route, "/__emu/", 7) == 0);
}

/* Count an API request (not the /__emu/ ones) for GET /__emu/stats. */
static void
count_request(const struct emu_req *req, const struct conn *c)
{
	const char *route = req->route ? req->route : req->path;
	char *name;
	cJSON *n;

	if (req->route && strncmp(req->route, "/__emu/", 7) == 0)
		return;
	name = emu_strf("%s %s", req->method, route);
	pthread_mutex_lock(&stats_mu);
	st_requests++;
	st_connections += c->new_conn;
	st_writes += strcmp(req->method, "GET") != 0;
	st_faults += c->fault.kind != EMU_FAULT_NONE;
	if (!st_routes)
		st_routes = cJSON_CreateObject();
	n = cJSON_GetObjectItemCaseSensitive(st_routes, name);
	if (n)
		cJSON_SetNumberValue(n, n->valuedouble + 1);
	else
		emu_add(st_routes, name, cJSON_CreateNumber(1));
	pthread_mutex_unlock(&stats_mu);
	free(name);
}

cJSON *
emu_server_stats(bool reset)
{
	cJSON *r = cJSON_CreateObject();

	emu_oom_check(r);
	pthread_mutex_lock(&stats_mu);
	emu_add(r, "connections", cJSON_CreateNumber((double)st_connections));
	emu_add(r, "requests", cJSON_CreateNumber((double)st_requests));
	emu_add(r, "writes", cJSON_CreateNumber((double)st_writes));
	emu_add(r, "faults", cJSON_CreateNumber((double)st_faults));
	emu_add(r, "routes", st_routes ? cJSON_Duplicate(st_routes, true) : cJSON_CreateObject());
	if (reset) {
		st_connections = st_requests = st_writes = st_faults = 0;
		cJSON_Delete(st_routes);
		st_routes = NULL;
	}
	pthread_mutex_unlock(&stats_mu);
	return r;
}

/* Send resp the way the fault (if any) wants it mangled; log it first. */
static enum MHD_Result
send_answer(struct conn *c, const struct emu_req *req, struct emu_resp *resp)
{
	const struct emu_fault_hit *f = &c->fault;

	if (!resp->status)
		emu_resp_detail(resp, 500, false, "Internal Server Error");
	count_request(req, c);
	log_request(req, f->kind == EMU_FAULT_RESET || f->kind == EMU_FAULT_CLOSE ? 0 : resp->status,
	            f, c);
	switch (f->kind) {
	case EMU_FAULT_RESET:
		return reset_connection(c->mc);
	case EMU_FAULT_CLOSE:
		return MHD_NO;   /* MHD closes the socket: a FIN, no answer */
	case EMU_FAULT_TRUNCATE:
	case EMU_FAULT_HANG:
		return queue_stream(c, resp);
	case EMU_FAULT_MALFORMED:
		if (resp->body)
			resp->body[strlen(resp->body) / 2] = 0;
		return queue_buffer(c->mc, resp);
	default:
		return queue_buffer(c->mc, resp);
	}
}

static bool
is_member_route(const char *route)
{
	return route && (strcmp(route, "/team/member_add") == 0 ||
	                 strcmp(route, "/team/member_delete") == 0 ||
	                 strcmp(route, "/team/member_update") == 0);
}

/* --roster-race-ms: a member route reads its team's roster when it arrives and writes it
 * back (with its own edit) roster_race_ms later, as mid/old servers do without a lock. */
static void
read_roster_early(struct conn *c, const char *route, const char *method)
{
	cJSON *body;
	const char *tid;
	struct emu_team *t;

	if (emu_cfg.roster_race_ms <= 0 || strcmp(method, "POST") != 0 || !is_member_route(route) ||
	    !c->body)
		return;
	body = cJSON_ParseWithLength(c->body, c->len);
	tid = emu_get_str(body, "team_id");
	if (tid) {
		emu_store_lock();
		t = emu_team_get(tid);
		if (t) {
			c->race_team = emu_strdup(tid);
			c->race_roster = cJSON_Duplicate(
				cJSON_GetObjectItemCaseSensitive(t->row, "members_with_roles"), true);
		}
		emu_store_unlock();
	}
	cJSON_Delete(body);
}

/* Handle a fully received request (maybe again, after its delay). */
static enum MHD_Result
finish(struct conn *c, const char *url, const char *method)
{
	struct emu_req req = {0};
	struct emu_resp resp = {0};
	enum MHD_Result ret;
	const struct emu_fault_hit *f = &c->fault;
	const char *route = route_of(url);

	if (c->waiting) {
		c->waiting = false;
		atomic_store(&c->released, false);   /* the delay is over; a hang comes next */
		atomic_fetch_sub(&n_suspended, 1);
	}
	if (!c->decided) {
		c->decided = true;
		read_roster_early(c, route, method);
		if (!route || strncmp(route, "/__emu/", 7) != 0) {
			emu_fault_decide(method, route ? route : url, c->new_conn, &c->fault);
			/* the network model: every answer waits latency_ms, the first one on a new
			 * connection also conn_latency_ms (TCP and TLS handshakes), a write also
			 * write_latency_ms (the database commit) */
			c->delay_ms = c->fault.delay_ms + emu_cfg.latency_ms +
			              (c->race_roster ? emu_cfg.roster_race_ms : 0) +
			              (c->new_conn ? emu_cfg.conn_latency_ms : 0) +
			              (strcmp(method, "GET") != 0 ? emu_cfg.write_latency_ms : 0);
		}
	}
	if (delay_first(c))
		return MHD_YES;
	build_req(c, url, method, route, &req);
	req.race_team = c->race_team;
	req.race_roster = c->race_roster;
	if (c->too_big) {
		emu_resp_detail(&resp, 413, false, "Request body too large");
	} else {
		/* the kinds that replace the answer do the work only with "after" */
		bool replaces = f->kind == EMU_FAULT_STATUS || f->kind == EMU_FAULT_RATELIMIT ||
		                f->kind == EMU_FAULT_HTML || f->kind == EMU_FAULT_EMPTY ||
		                f->kind == EMU_FAULT_RESET || f->kind == EMU_FAULT_CLOSE;
		if (!replaces || f->after) {
			dispatch(&req, c->mc, &resp);
			c->route_status = resp.status;
		}
		if (replaces && f->kind != EMU_FAULT_RESET && f->kind != EMU_FAULT_CLOSE)
			fault_response(f, &resp);
	}
	ret = send_answer(c, &req, &resp);
	free(resp.body);
	cJSON_Delete(req.query);
	cJSON_Delete(req.json);
	return ret;
}

static void
append_body(struct conn *c, const char *data, size_t n)
{
	if (c->too_big || c->len + n > MAX_BODY) {
		c->too_big = true;
		return;
	}
	if (c->len + n + 1 > c->cap) {
		c->cap = (c->len + n + 1) * 2;
		c->body = realloc(c->body, c->cap);
		if (!c->body)
			abort();
	}
	memcpy(c->body + c->len, data, n);
	c->len += n;
	c->body[c->len] = 0;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *mc, const char *url, const char *method,
           const char *version, const char *upload_data, size_t *upload_data_size,
           void **con_cls)
{
	struct conn *c = *con_cls;

	if (!c) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		struct sock *sk = ci ? ci->socket_context : NULL;
		c = calloc(1, sizeof *c);
		if (!c)
			return MHD_NO;
		c->mc = mc;
		if (sk) {
			c->conn_serial = sk->serial;
			c->new_conn = ++sk->nreq == 1;
		}
		*con_cls = c;
		return MHD_YES;
	}
	if (*upload_data_size) {
		append_body(c, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	return finish(c, url, method);
}

static void
on_completed(void *cls, struct MHD_Connection *mc, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
	struct conn *c = *con_cls;

	if (!c)
		return;
	if (c->waiting || c->hung)   /* closed while suspended: never came back to us */
		atomic_fetch_sub(&n_suspended, 1);
	free(c->body);
	free(c->out);
	free(c->race_team);
	cJSON_Delete(c->race_roster);
	free(c);
	*con_cls = NULL;
}

static void
on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
              enum MHD_ConnectionNotificationCode code)
{
	struct sock *sk;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		sk = calloc(1, sizeof *sk);
		if (!sk)
			return;
		pthread_mutex_lock(&stats_mu);
		sk->serial = ++conn_serials;
		pthread_mutex_unlock(&stats_mu);
		*socket_context = sk;
	} else {
		free(*socket_context);
		*socket_context = NULL;
	}
}

/* ---- TLS ---- */

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct emu_buf b = {0};
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		emu_buf_put(&b, chunk, n);
	fclose(f);
	return b.p;
}

/* A self-signed certificate for 127.0.0.1 and localhost (EC P-256, 2 days), made with the
 * openssl command into DIR/cert.pem and DIR/key.pem (each written under a temporary name
 * and renamed, so a concurrent start never reads half a file). */
static bool
tls_generate(const char *dir, const char *cert, const char *key)
{
	char *tcert = emu_strf("%s.%d.tmp", cert, (int)getpid());
	char *tkey = emu_strf("%s.%d.tmp", key, (int)getpid());
	char *argv[] = {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
	                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", tkey, "-out", tcert,
	                "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
	                "subjectAltName=IP:127.0.0.1,DNS:localhost", NULL};
	posix_spawn_file_actions_t fa;
	extern char **environ;
	pid_t pid;
	int st = -1;
	bool ok = false;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "litellm-emu: --tls %s: %s\n", dir, strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "openssl", &fa, NULL, argv, environ) == 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	posix_spawn_file_actions_destroy(&fa);
	ok = st == 0 && rename(tkey, key) == 0 && rename(tcert, cert) == 0;
	if (!ok)
		fprintf(stderr, "litellm-emu: --tls: cannot make a certificate with openssl in %s\n",
		        dir);
out:
	unlink(tkey);
	unlink(tcert);
	free(tcert);
	free(tkey);
	return ok;
}

static bool
tls_load(void)
{
	const char *dir = emu_cfg.tls_dir;
	char *cert = emu_strf("%s/cert.pem", dir), *key = emu_strf("%s/key.pem", dir);
	bool ok = true;

	if ((access(cert, R_OK) != 0 || access(key, R_OK) != 0) && !tls_generate(dir, cert, key))
		ok = false;
	if (ok && (!(tls_cert = slurp(cert)) || !(tls_key = slurp(key)))) {
		fprintf(stderr, "litellm-emu: --tls: cannot read %s or %s\n", cert, key);
		ok = false;
	}
	free(cert);
	free(key);
	return ok;
}

/* ---- start / stop ---- */

static bool
open_log(void)
{
	if (!emu_cfg.log_file)
		return true;
	log_fd = open(emu_cfg.log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		fprintf(stderr, "litellm-emu: %s: %s\n", emu_cfg.log_file, strerror(errno));
		return false;
	}
	return true;
}

static bool
start_timer(void)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&tcv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&timer_thread, NULL, timer_main, NULL) != 0) {
		fputs("litellm-emu: cannot start the timer thread\n", stderr);
		return false;
	}
	timer_running = true;
	return true;
}

int
emu_server_start(void)
{
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	                 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;

	struct MHD_OptionItem tls[] = {
		{MHD_OPTION_HTTPS_MEM_KEY, 0, NULL},
		{MHD_OPTION_HTTPS_MEM_CERT, 0, NULL},
		{MHD_OPTION_END, 0, NULL},
	};

	if (emu_cfg.tls_dir) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
			fputs("litellm-emu: --tls: this libmicrohttpd has no TLS\n", stderr);
			return -1;
		}
		if (!tls_load())
			return -1;
		flags |= MHD_USE_TLS;
		tls[0].ptr_value = tls_key;
		tls[1].ptr_value = tls_cert;
	} else {
		tls[0].option = MHD_OPTION_END;
	}
	if (!open_log() || !start_timer())
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)emu_cfg.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	daemon_ = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
	                           MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	                           MHD_OPTION_THREAD_POOL_SIZE, (unsigned)emu_cfg.threads,
	                           MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	                           MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
	                           MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
	                           MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
	                           MHD_OPTION_ARRAY, tls,
	                           MHD_OPTION_END);
	if (!daemon_) {
		fprintf(stderr, "litellm-emu: cannot listen on 127.0.0.1:%d\n", emu_cfg.port);
		return -1;
	}
	info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
	return info ? info->port : emu_cfg.port;
}

void
emu_server_stop(void)
{
	atomic_store(&stopping, true);
	if (timer_running) {
		pthread_mutex_lock(&tmu);
		timer_quit = true;
		pthread_cond_signal(&tcv);
		pthread_mutex_unlock(&tmu);
		pthread_join(timer_thread, NULL);
		timer_running = false;
	}
	/* resumed connections must run once more before the daemon may stop */
	for (int i = 0; i < 200 && atomic_load(&n_suspended) > 0; i++)
		usleep(10000);
	if (daemon_)
		MHD_stop_daemon(daemon_);
	daemon_ = NULL;
	free(timers);
	timers = NULL;
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	free(tls_key);
	free(tls_cert);
	tls_key = tls_cert = NULL;
	cJSON_Delete(st_routes);
	st_routes = NULL;
}
