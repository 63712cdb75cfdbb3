/* http.c - the LiteLLM HTTP client over libcurl's multi interface (the only libcurl
 * user).  See http.h for the contract.
 *
 * Shape: requests wait in a FIFO queue; lh_http_run starts up to `parallelism` of them
 * on one multi handle (whose connection cache gives keep-alive reuse across requests
 * and runs), reads completions, and for each either schedules a retry (a wait list
 * ordered by due time) or calls the request's callback.  Callbacks may queue more.
 * Errors become one sentence here, in the one place that knows method, path, status
 * and body; the api key is only ever put in a header and scrubbed from every message. */
#include "http.h"
#include "value.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "cli.h"
#include "buf.h"
#include "curl_dl.h"
#include "json_arena.h"

#define MAX_BODY (256u * 1024 * 1024)	/* refuse absurd responses rather than run out of memory */
#define BACKOFF_CAP_S 10.0

/* ---- helpers ---- */

static double
mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Seconds as a person says them: "60 s", "1.5 s". */
static void
secs(char *out, size_t n, double s)
{
	snprintf(out, n, "%g s", s);
}

/* ---- the client ---- */

static void capture(lh_http *h, lh_http_resp *r, void *ctx);
static void prefetch_join(lh_http *h);

#define LOCATION_MAX 512
#define CTYPE_MAX 64

typedef struct job job;
struct job {
	job *next;			/* queue / wait list link */
	job *fprev, *fnext;		/* in flight on the multi handle (h->flight) */
	char *method, *path, *url, *body;	/* path without query, url complete */
	size_t body_len;
	bool post, non_idempotent;
	bool no_json;			/* see lh_http_req */
	lh_arena *json_arena;		/* see lh_http_req: json is the arena's */
	int sends;			/* times libcurl started this attempt's request */
	void *owner;			/* see lh_http_owner_begin */
	void (*on_start)(void *owner);	/* called at the first attempt's start, then NULL */
	bool resent;			/* it wanted to send a create a second time (refused) */
	lh_http_done_fn done;
	void *ctx;
	int attempts;
	double t_first, due;		/* first attempt start; retry due time */
	CURL *easy;			/* while in flight */
	lh_buf resp;			/* body of the current attempt */
	bool resp_too_big;		/* resp hit MAX_BODY: the transfer was aborted */
	int retry_after;		/* seconds from the current attempt's header, -1 none */
	char *location;			/* Location header of the current attempt, "" none
					 * (LOCATION_MAX bytes in xbuf once started) */
	cJSON *json;			/* the current attempt's body, parsed (or NULL) */
	lh_jscratch *jsc;		/* json's memory when json_scratch (else NULL) */
	bool json_scratch;
	bool parsed;			/* json / json_ok / bad_at are set for the current attempt */
	bool json_ok;			/* the body is JSON (json may still be NULL: no_json) */
	size_t bad_at;			/* body not valid JSON: offset of the error, else SIZE_MAX */
	char *ctype;			/* Content-Type of the current attempt without its
					 * parameters, "" none (CTYPE_MAX bytes in xbuf) */
	bool not_api;			/* see lh_http_resp */
	char *errbuf;			/* CURL_ERROR_SIZE bytes in xbuf once started */
	char *xbuf;			/* location, ctype and errbuf, allocated at the first attempt:
					 * 100,000 queued creates do not carry them */
	/* last attempt's outcome */
	int status;
	CURLcode cc;
	bool connected;			/* request bytes were sent (it may have arrived) */
	long oserr;			/* errno of a failed connect, 0 none */
	bool prefetched;		/* the fields above hold the first attempt's outcome,
					 * made by the prefetch thread (lh_http_prefetch) */
	bool pf_seen;			/* the prefetch thread has taken it (sent or not) */
	size_t pf_tree;			/* the bytes of tree the prefetch parsed for it */
	lh_http_result pending;		/* result to report when the retries run out */
	char *last_error;		/* message of the last failed attempt */
};

struct lh_http {
	char *base;			/* base URL without trailing '/' */
	char *key;			/* api key or NULL */
	char *key_source;		/* where it came from, for 401 messages */
	char *hostport;			/* "host:port" for messages */
	char *host;
	bool insecure;
	long connect_ms, total_ms;
	double timeout_s;
	int parallelism, max_retries;
	double budget_s, backoff_s;
	lh_http_fake_fn fake;
	void *fake_ctx;

	lh_arena *scratch;		/* checking no_json answers */
	CURLM *multi;
	CURLSH *share;			/* TLS sessions shared by every easy handle */
	struct curl_slist *hdr_get, *hdr_post;
	CURL **idle;			/* easy handles kept for reuse */
	size_t nidle, capidle;
	job *qhead, *qtail;		/* ready to start, FIFO (follow-ups first, see enqueue) */
	job *qprio;			/* the last follow-up in the queue, or NULL */
	int in_callback;		/* a completion callback is running */
	job *waiting;			/* retries, sorted by due */
	lh_http_owner own;		/* the current owner of submitted requests */
	job *donelist;			/* fake transport completions to process */
	int running;
	job *flight;			/* requests in flight on the multi handle */
	bool in_run;
	atomic_int stop;		/* lock-free: set from a signal handler, read by the
					 * prefetch thread too */
	double grace_s;			/* after a stop, in-flight requests get this long */
	double deadline;		/* mono() time they are abandoned; 0: none yet */
	size_t abandoned;		/* requests abandoned at a deadline */
	/* lh_http_prefetch: while pf_running, the thread owns multi, share, idle and the
	 * queued jobs (the main thread touches none of them until it has joined it) */
	pthread_t pf_thread;
	bool pf_running;
	atomic_int pf_abandon;		/* lh_http_prefetch_cancel: leave at once */
	atomic_int pf_handover;		/* the caller takes h back: start nothing more */
	atomic_bool pf_complete;	/* lh_http_prefetch's complete: it completes clean
					 * answers itself, callbacks included ... */
	atomic_int pf_open;		/* lh_http_prefetch_open: requests may still be
					 * submitted (under pf_q_mu) until lh_http_prefetch_close */
	pthread_mutex_t pf_q_mu;
	/* a submit while open wakes the thread only when it waits for one (pf_idle: it
	 * had room for more and found the queue done) - not for each of the 102 requests
	 * the early worker queues, which woke it 102 times (a write, a poll, a context
	 * switch each) while it had all the transfers it may have in flight */
	atomic_uint pf_submits;		/* submits while open (made under pf_q_mu) */
	atomic_int pf_idle;
	atomic_int pf_settled;		/* ... until lh_http_prefetch_settle */
	pthread_mutex_t pf_cb_mu;	/* held by the thread around each completion */
	uint64_t rng;
	size_t ok;
};

const char *
lh_http_result_name(lh_http_result r)
{
	switch (r) {
	case LH_HTTP_OK: return "ok";
	case LH_HTTP_STATUS: return "status";
	case LH_HTTP_TRANSPORT: return "transport";
	case LH_HTTP_UNCERTAIN: return "uncertain";
	case LH_HTTP_BADJSON: return "bad json";
	case LH_HTTP_CANCELLED: return "cancelled";
	}
	return "?";
}

static const char *
reason(int status)
{
	switch (status) {
	case 300: return "Multiple Choices";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

/* Replaces every occurrence of the key in s (malloc'd; returns s or a new string). */
static char *
scrub(const lh_http *h, char *s)
{
	if (s == NULL || h->key == NULL || strlen(h->key) < 4)
		return s;
	size_t kl = strlen(h->key);
	if (strstr(s, h->key) == NULL)
		return s;
	lh_buf b = {0};
	const char *p = s, *q;
	while ((q = strstr(p, h->key)) != NULL) {
		lh_buf_put(&b, p, (size_t)(q - p));
		lh_buf_puts(&b, "(redacted)");
		p = q + kl;
	}
	lh_buf_puts(&b, p);
	free(s);
	return b.p;
}

lh_http *
lh_http_new(const lh_http_opts *o, const char **err)
{
	*err = NULL;
	if (o == NULL || o->base_url == NULL || *o->base_url == '\0') {
		*err = "The LiteLLM API base URL is not set (provider api_base or LITELLM_API_BASE).";
		return NULL;
	}
	if (strncasecmp(o->base_url, "http://", 7) != 0 && strncasecmp(o->base_url, "https://", 8) != 0) {
		*err = "The LiteLLM API base URL must start with http:// or https://.";
		return NULL;
	}
	if (!lh_curl_load(err))	/* waits for lh_curl_preload's thread, or loads it */
		return NULL;
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL, *scheme = NULL;
	if (u == NULL || curl_url_set(u, CURLUPART_URL, o->base_url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		*err = "The LiteLLM API base URL is not a valid URL.";
		return NULL;
	}
	curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);

	lh_http *h = lh_xmalloc(sizeof *h);
	memset(h, 0, sizeof *h);
	pthread_mutex_init(&h->pf_q_mu, NULL);
	h->base = lh_xstrdup(o->base_url);
	for (size_t n = strlen(h->base); n > 0 && h->base[n - 1] == '/'; n--)
		h->base[n - 1] = '\0';
	h->key_source = o->key_source ? lh_xstrdup(o->key_source) : NULL;
	h->key = o->api_key && *o->api_key ? lh_xstrdup(o->api_key) : NULL;
	h->host = lh_xstrdup(host);
	h->hostport = lh_xprintf("%s:%s", host, port ? port : (scheme && strcmp(scheme, "https") == 0 ? "443" : "80"));
	curl_free(host);
	curl_free(port);
	curl_free(scheme);
	curl_url_cleanup(u);
	h->insecure = o->insecure_skip_verify;
	h->connect_ms = (long)((o->connect_timeout_s > 0 ? o->connect_timeout_s : 10) * 1000);
	h->timeout_s = o->timeout_s > 0 ? o->timeout_s : 60;
	h->total_ms = (long)(h->timeout_s * 1000);
	h->parallelism = o->parallelism > 0 ? o->parallelism : 10;
	/* Attempts are bounded by time, not by a small count: with a third of the answers
	 * failing, six attempts still lose one request in a thousand, one apply in ten. */
	h->max_retries = o->max_retries >= 0 ? o->max_retries : INT_MAX - 1;
	h->budget_s = o->retry_budget_s > 0 ? o->retry_budget_s : 60;
	const char *eb = getenv("LITEHCL_HTTP_RETRY_BUDGET");
	if (o->retry_budget_s <= 0 && eb != NULL && atof(eb) > 0)
		h->budget_s = atof(eb);
	h->backoff_s = o->backoff_base_s > 0 ? o->backoff_base_s : 0.5;
	h->grace_s = o->stop_grace_s > 0 ? o->stop_grace_s : 2;
	h->fake = o->fake;
	h->fake_ctx = o->fake_ctx;
	h->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)h;
	/* One connection per request in flight, all kept alive between requests (the
	 * cache holds every one of them, so none is closed for lack of room). */
	h->multi = curl_multi_init();
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)h->parallelism);
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, (long)h->parallelism + 2);
	/* The multi handle shares connections and DNS among its easy handles, but each
	 * keeps its own TLS session cache: shared, a connection opened later (one the server
	 * closed, a retry) resumes a session instead of a full handshake.  One thread: no
	 * locks needed. */
	h->share = curl_share_init();
	if (h->share != NULL)
		curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);

	h->hdr_get = curl_slist_append(NULL, "Accept: application/json");
	if (h->key != NULL) {
		char *a = lh_xprintf("Authorization: Bearer %s", h->key);
		h->hdr_get = curl_slist_append(h->hdr_get, a);
		memset(a, 0, strlen(a));
		free(a);
	}
	/* POST: same plus the content type FastAPI insists on; no 100-continue round trip. */
	for (struct curl_slist *s = h->hdr_get; s; s = s->next)
		h->hdr_post = curl_slist_append(h->hdr_post, s->data);
	h->hdr_post = curl_slist_append(h->hdr_post, "Content-Type: application/json");
	h->hdr_post = curl_slist_append(h->hdr_post, "Expect:");
	return h;
}

/* Lets go of a parsed answer (a tree in scratch memory or a caller's arena is theirs). */
static void
drop_json(const job *j, cJSON *json)
{
	if (!j->json_scratch && j->json_arena == NULL)
		cJSON_Delete(json);
}

static void
job_free(job *j)
{
	if (j == NULL)
		return;
	free(j->method);
	free(j->path);
	free(j->url);
	free(j->body);
	free(j->resp.p);
	free(j->last_error);
	free(j->xbuf);
	drop_json(j, j->json);
	lh_jscratch_free(j->jsc);
	free(j);
}

void
lh_http_free(lh_http *h)
{
	if (h == NULL)
		return;
	lh_http_prefetch_cancel(h);
	for (job *j = h->flight, *n; j; j = n) {	/* a prefetch's, never run */
		n = j->fnext;
		curl_easy_setopt(j->easy, CURLOPT_QUICK_EXIT, 1L);
		curl_multi_remove_handle(h->multi, j->easy);
		curl_easy_cleanup(j->easy);
		j->easy = NULL;
		job_free(j);
	}
	for (job *j = h->qhead, *n; j; j = n) {
		n = j->next;
		job_free(j);
	}
	for (job *j = h->waiting, *n; j; j = n) {
		n = j->next;
		job_free(j);
	}
	for (size_t i = 0; i < h->nidle; i++)
		curl_easy_cleanup(h->idle[i]);
	free(h->idle);
	curl_multi_cleanup(h->multi);
	if (h->scratch != NULL)
		lh_arena_free(h->scratch);
	if (h->share != NULL)
		curl_share_cleanup(h->share);
	curl_slist_free_all(h->hdr_get);
	curl_slist_free_all(h->hdr_post);
	if (h->key != NULL) {
		memset(h->key, 0, strlen(h->key));
		free(h->key);
		free(h->key_source);
	}
	free(h->base);
	free(h->host);
	free(h->hostport);
	pthread_mutex_destroy(&h->pf_q_mu);
	free(h);
}

void
lh_http_stop(lh_http *h)
{
	atomic_store(&h->stop, 1);
}

bool
lh_http_stopped(const lh_http *h)
{
	return h->stop != 0;
}

void
lh_http_resume(lh_http *h)
{
	h->stop = 0;
	h->deadline = 0;
}

void
lh_http_resume_briefly(lh_http *h)
{
	h->stop = 0;
	h->deadline = mono() + h->grace_s;
}

size_t
lh_http_abandoned(const lh_http *h)
{
	return h->abandoned;
}

static void schedule_retry(lh_http *h, job *j, double delay);

/* Queues j: at the end, or - a follow-up: urgent, or submitted by a callback for an
 * operation already under way (a read-back, a batch of confirmations, a look-up) - after
 * the follow-ups already waiting (in their order) but before every request not yet
 * started.  So an apply that queued 1,000 writes confirms the first hundred while the
 * rest are still going out, instead of all confirmations waiting behind the last write,
 * and an operation under way finishes before new ones begin. */
static void
enqueue(lh_http *h, job *j, bool followup)
{
	j->next = NULL;
	if (followup) {
		job **at = h->qprio != NULL ? &h->qprio->next : &h->qhead;
		j->next = *at;
		*at = j;
		h->qprio = j;
		if (j->next == NULL)
			h->qtail = j;
	} else if (h->qhead == NULL) {
		h->qhead = h->qtail = j;
	} else {
		h->qtail->next = j;
		h->qtail = j;
	}
}

/* The next request to start (NULL: none). */
static job *
dequeue(lh_http *h)
{
	job *j = h->qhead;
	if (j == NULL)
		return NULL;
	h->qhead = j->next;
	if (h->qhead == NULL)
		h->qtail = NULL;
	if (h->qprio == j)
		h->qprio = NULL;
	j->next = NULL;
	return j;
}

/* Takes the job *at (prev: the one before it, or NULL) out of the queue. */
static void
unqueue(lh_http *h, job **at, job *prev)
{
	job *j = *at;
	*at = j->next;
	if (h->qtail == j)
		h->qtail = prev;
	if (h->qprio == j)
		h->qprio = prev;
	j->next = NULL;
}

int
lh_http_new_work_begin(lh_http *h)
{
	int saved = h->in_callback;
	h->in_callback = 0;
	return saved;
}

void
lh_http_new_work_end(lh_http *h, int saved)
{
	h->in_callback = saved;
}

/* Appends s URL-encoded as curl_easy_escape does it: every byte but A-Z a-z 0-9 - . _ ~
 * as %XX (upper-case hex).  Runs of those bytes are copied at once (a refresh's query of
 * 100 user ids, ~3,700 bytes, byte by byte through libcurl cost ~5,000 instructions). */
static void
url_escape(lh_buf *u, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	while (*s != '\0') {
		size_t n = 0;
		for (unsigned char c; (c = (unsigned char)s[n]) != '\0' && ((c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~'); n++)
			;
		lh_buf_put(u, s, n);
		s += n;
		if (*s == '\0')
			break;
		unsigned char c = (unsigned char)*s++;
		char e[3] = {'%', hex[c >> 4], hex[c & 15]};
		lh_buf_put(u, e, 3);
	}
}

bool
lh_http_submit(lh_http *h, const lh_http_req *req)
{
	if (req == NULL || req->method == NULL || req->path == NULL)
		return false;
	/* the queue is the prefetch thread's until it ends - but while it is open, this
	 * thread appends to it under pf_q_mu */
	bool shared = h->pf_running && atomic_load(&h->pf_open) && req->delay_s <= 0 &&
	    !pthread_equal(pthread_self(), h->pf_thread);
	if (!shared)
		prefetch_join(h);
	bool post = strcmp(req->method, "POST") == 0;
	if (!post && strcmp(req->method, "GET") != 0)
		return false;
	job *j = lh_xmalloc(sizeof *j);
	memset(j, 0, sizeof *j);
	j->method = lh_xstrdup(req->method);
	j->post = post;
	const char *p = req->path;
	while (*p == '/')
		p++;
	j->path = lh_xprintf("/%s", p);
	lh_buf u = {0};
	lh_buf_puts(&u, h->base);
	lh_buf_puts(&u, j->path);
	for (size_t i = 0; i < req->nquery; i++) {
		const lh_http_param *q = &req->query[i];
		lh_buf_puts(&u, i == 0 ? "?" : "&");
		url_escape(&u, q->name ? q->name : "");
		lh_buf_puts(&u, "=");
		url_escape(&u, q->value ? q->value : "");
	}
	j->url = lh_xstrdup(u.p);	/* not the buffer's 1 KB and more */
	free(u.p);
	j->location = j->errbuf = (char *)"";	/* read-only until the first attempt */
	if (post) {
		j->body = lh_xstrdup(req->body ? req->body : "{}");
		j->body_len = strlen(j->body);
	}
	j->non_idempotent = req->non_idempotent;
	j->no_json = req->no_json;
	j->json_scratch = req->json_scratch && req->done != capture;
	j->json_arena = req->done != capture ? req->json_arena : NULL;	/* lh_http_do's caller frees the tree */
	if (h->own.on_start != NULL) {
		j->owner = h->own.owner;
		j->on_start = h->own.on_start;
		h->own.n++;
	}
	j->done = req->done;
	j->ctx = req->ctx;
	j->retry_after = -1;
	if (shared) {
		pthread_mutex_lock(&h->pf_q_mu);
		enqueue(h, j, req->urgent || h->in_callback > 0);
		atomic_fetch_add(&h->pf_submits, 1);
		pthread_mutex_unlock(&h->pf_q_mu);
		if (atomic_exchange(&h->pf_idle, 0))
			curl_multi_wakeup(h->multi);
	} else if (req->delay_s > 0)
		schedule_retry(h, j, req->delay_s);
	else
		enqueue(h, j, req->urgent || h->in_callback > 0);
	return true;
}

/* ---- one attempt ---- */

static size_t
on_body(char *p, size_t sz, size_t n, void *ud)
{
	job *j = ud;
	size_t len = sz * n;
	if (j->resp.len + len > MAX_BODY) {
		j->resp_too_big = true;
		return 0;	/* aborts the transfer */
	}
	lh_buf_put(&j->resp, p, len);
	return len;
}

/* Retry-After: delta-seconds or an HTTP date. */
static int
parse_retry_after(const char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	if (*v >= '0' && *v <= '9') {
		long s = strtol(v, NULL, 10);
		return s > 86400 ? 86400 : (int)s;
	}
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (strptime(v, "%a, %d %b %Y %H:%M:%S", &tm) != NULL) {
		time_t t = timegm(&tm), now = time(NULL);
		if (t == (time_t)-1 || t > now + 86400)
			return 86400;	/* far future (or beyond time_t): "not today" */
		return t > now ? (int)(t - now) : 0;
	}
	return -1;
}

/* The value of the header line p (len bytes) after its name and colon (n bytes): the
 * bytes [*s, *e), without the blanks around it. */
static void
header_value(const char *p, size_t len, size_t n, size_t *s, size_t *e)
{
	*s = n;
	*e = len;
	while (*s < *e && (p[*s] == ' ' || p[*s] == '\t'))
		(*s)++;
	while (*e > *s && strchr(" \t\r\n", p[*e - 1]))
		(*e)--;
}

static size_t
on_header(char *p, size_t sz, size_t n, void *ud)
{
	job *j = ud;
	size_t len = sz * n;
	if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
		char v[128];
		size_t k = len - 12 < sizeof v - 1 ? len - 12 : sizeof v - 1;
		memcpy(v, p + 12, k);
		v[k] = '\0';
		j->retry_after = parse_retry_after(v);
	}
	if (len > 9 && strncasecmp(p, "Location:", 9) == 0) {
		size_t s, e;
		header_value(p, len, 9, &s, &e);
		size_t k = e - s < LOCATION_MAX - 1 ? e - s : LOCATION_MAX - 1;
		memcpy(j->location, p + s, k);
		j->location[k] = '\0';
		for (size_t i = 0; i < k; i++)
			if ((unsigned char)j->location[i] < 0x20)
				j->location[i] = '?';
	}
	if (len > 13 && strncasecmp(p, "Content-Type:", 13) == 0) {
		size_t s, e;
		header_value(p, len, 13, &s, &e);
		size_t k = 0;
		for (size_t i = s; i < e && p[i] != ';' && p[i] != ' ' && k < CTYPE_MAX - 1; i++)
			j->ctype[k++] = (unsigned char)p[i] < 0x20 ? '?' : p[i];
		j->ctype[k] = '\0';
	}
	/* A new response (after a redirect or 100) starts afresh. */
	if (len > 5 && strncmp(p, "HTTP/", 5) == 0) {
		j->retry_after = -1;
		j->location[0] = '\0';
		j->ctype[0] = '\0';
	}
	return len;
}

static CURL *
get_easy(lh_http *h)
{
	if (h->nidle > 0) {
		CURL *e = h->idle[--h->nidle];
		curl_easy_reset(e);
		return e;
	}
	return curl_easy_init();
}

static void
put_easy(lh_http *h, CURL *e)
{
	if (h->nidle == h->capidle) {
		h->capidle = h->capidle ? h->capidle * 2 : 16;
		h->idle = realloc(h->idle, h->capidle * sizeof *h->idle);
		if (h->idle == NULL)
			abort();
	}
	h->idle[h->nidle++] = e;
}

static void finish_attempt(lh_http *h, job *j);
static void complete(lh_http *h, job *j, lh_http_result res, char *error);
static bool parse_body(lh_http *h, job *j, bool quick);

/* Called by libcurl each time it is about to send the request on a connection. */
static int
send_once(void *ud, char *ip, char *local_ip, int port, int local_port)
{
	(void)ip;
	(void)local_ip;
	(void)port;
	(void)local_port;
	job *j = ud;
	if (j->sends++ == 0)
		return CURL_PREREQFUNC_OK;
	j->resent = true;
	return CURL_PREREQFUNC_ABORT;
}

void
lh_http_owner_begin(lh_http *h, lh_http_owner *save, void *owner, void (*on_start)(void *owner))
{
	*save = h->own;
	h->own.owner = owner;
	h->own.on_start = on_start;
	h->own.n = 0;
}

size_t
lh_http_owner_end(lh_http *h, const lh_http_owner *save)
{
	size_t n = h->own.n;
	h->own = *save;
	if (h->own.on_start != NULL)
		h->own.n += n;
	return n;
}

/* Clears the outcome fields for a new attempt of j. */
static void
attempt_reset(job *j)
{
	j->resp.len = 0;
	if (j->resp.p)
		j->resp.p[0] = '\0';
	j->resp_too_big = false;
	j->retry_after = -1;
	if (j->xbuf == NULL) {
		j->xbuf = lh_xmalloc(LOCATION_MAX + CTYPE_MAX + CURL_ERROR_SIZE);
		j->location = j->xbuf;
		j->ctype = j->xbuf + LOCATION_MAX;
		j->errbuf = j->xbuf + LOCATION_MAX + CTYPE_MAX;
	}
	j->location[0] = '\0';
	j->ctype[0] = '\0';
	j->not_api = false;
	j->parsed = false;
	j->errbuf[0] = '\0';
	j->status = 0;
	j->cc = CURLE_OK;
	j->connected = false;
	j->oserr = 0;
}

/* Starts j's attempt on easy handle e (h's multi): every request goes out with the
 * same options, whichever thread sends it. */
static void
attempt_send(lh_http *h, job *j, CURL *e)
{
	j->easy = e;
	curl_easy_setopt(e, CURLOPT_URL, j->url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PRIVATE, j);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, j);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->connect_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->total_ms);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "litehcl/" LH_VERSION);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, h->insecure ? 0L : 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, h->insecure ? 0L : 2L);
	if (h->share != NULL)
		curl_easy_setopt(e, CURLOPT_SHARE, h->share);
	/* Creates travel on kept-alive connections like everything else.  libcurl silently
	 * sends a request again on a new connection when the reused one closes before any
	 * answer - harmless for reads and updates, but a create the server committed before
	 * closing would arrive twice, and the second one's "already exists" would read as
	 * someone else's user.  So libcurl may start a create's request only once per
	 * attempt: the second start is aborted, and the attempt is uncertain - looked up by
	 * its id, adopted when it landed, sent again when it did not. */
	j->sends = 0;
	j->resent = false;
	if (j->non_idempotent) {
		curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, send_once);
		curl_easy_setopt(e, CURLOPT_PREREQDATA, j);
	}
	if (j->post) {
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->hdr_post);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, j->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)j->body_len);
	} else {
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->hdr_get);
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	}
	curl_multi_add_handle(h->multi, e);
}

/* The outcome of a finished transfer of h's multi into its job (which it returns);
 * the caller takes the transfer off the multi. */
static job *
attempt_done(lh_http *h, CURLMsg *m)
{
	CURL *e = m->easy_handle;
	CURLcode cc = m->data.result;
	job *j = NULL;
	curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&j);
	long code = 0;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
	long sent = 0, oserr = 0;
	curl_easy_getinfo(e, CURLINFO_REQUEST_SIZE, &sent);
	curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &oserr);
	j->cc = cc;
	j->status = cc == CURLE_OK ? (int)code : 0;
	/* Bytes of the request left us: it may have arrived (a reused connection
	 * has no connect time, so that is no guide). */
	j->connected = sent > 0 || code > 0 || j->resent;
	j->oserr = oserr;
	return j;
}

/* Lets libcurl move h's transfers on, then returns the attempts that finished one at
 * a time (NULL when none is left); the caller takes each transfer off the multi. */
static job *
next_done(lh_http *h, bool perform)
{
	if (perform) {
		int still = 0;
		curl_multi_perform(h->multi, &still);
	}
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(h->multi, &left)) != NULL)
		if (m->msg == CURLMSG_DONE)
			return attempt_done(h, m);
	return NULL;
}

/* j's transfer is on the multi handle: it is in flight (land takes it off). */
static void
fly(lh_http *h, job *j)
{
	j->fprev = NULL;
	j->fnext = h->flight;
	if (h->flight != NULL)
		h->flight->fprev = j;
	h->flight = j;
	h->running++;
}

static void
start(lh_http *h, job *j)
{
	if (j->attempts == 0) {
		j->t_first = mono();
		if (j->on_start != NULL) {
			void (*fn)(void *) = j->on_start;
			j->on_start = NULL;
			fn(j->owner);
		}
	}
	j->attempts++;
	if (j->prefetched) {
		/* the prefetch thread made this attempt: its outcome is in j already (taken
		 * in the order the requests were queued) */
		j->prefetched = false;
		job **at = &h->donelist;
		while (*at != NULL)
			at = &(*at)->next;
		j->next = NULL;
		*at = j;
		h->running++;
		return;
	}
	attempt_reset(j);
	if (h->fake != NULL) {
		char *rb = NULL;
		int st = 0, ra = -1;
		size_t ql = strlen(h->base);
		int r = h->fake(h->fake_ctx, j->method, j->url + ql, j->post ? j->body : NULL, &st, &rb, &ra);
		if (r == 0) {
			j->status = st;
			j->connected = true;
			j->retry_after = ra;
			if (rb != NULL)
				lh_buf_puts(&j->resp, rb);
		} else {
			j->cc = r == LH_HTTP_FAKE_REFUSED ? CURLE_COULDNT_CONNECT :
			    r == LH_HTTP_FAKE_UNRESOLVED ? CURLE_COULDNT_RESOLVE_HOST :
			    r == LH_HTTP_FAKE_TIMEOUT ? CURLE_OPERATION_TIMEDOUT : CURLE_RECV_ERROR;
			j->connected = r != LH_HTTP_FAKE_REFUSED && r != LH_HTTP_FAKE_UNRESOLVED;
		}
		free(rb);
		j->next = h->donelist;
		h->donelist = j;
		h->running++;
		return;
	}
	CURL *e = get_easy(h);
	if (e == NULL) {
		j->cc = CURLE_OUT_OF_MEMORY;
		j->next = h->donelist;
		h->donelist = j;
		h->running++;
		return;
	}
	attempt_send(h, j, e);
	fly(h, j);
}

/* Takes j's transfer off the multi handle (its connection is closed if unfinished). */
static void
land(lh_http *h, job *j)
{
	if (j->fprev != NULL)
		j->fprev->fnext = j->fnext;
	else
		h->flight = j->fnext;
	if (j->fnext != NULL)
		j->fnext->fprev = j->fprev;
	j->fprev = j->fnext = NULL;
	curl_multi_remove_handle(h->multi, j->easy);
	put_easy(h, j->easy);
	j->easy = NULL;
	h->running--;
}

/* ---- prefetch ---- */

/* Answers the prefetch holds at most, counting those in flight at the average size so
 * far (then it leaves the rest to lh_http_run): every answer it holds is memory on top
 * of the configuration's evaluation, which it overlaps.  A team's /team/info answers
 * (a hundred teams of twenty members: ~0.5 MB) fit; the pages of 10,000 users (~10 MB)
 * would raise a no-op plan's peak by as much, where lh_http_run reads them one after
 * the other into the same scratch memory. */
#define PREFETCH_MAX_BYTES ((size_t)1 << 20)
/* The trees of those answers it parses at most (each ~4 times its text): a hundred
 * teams' /team/info answers and two pages of users fit; 10,000 users' pages are parsed
 * a few only, the rest by lh_http_run as they come (page after page in the same
 * scratch memory). */
#define PREFETCH_MAX_TREES ((size_t)2 << 20)

/* With lh_http_prefetch's complete, the prefetch thread completes a request whose
 * first attempt's answer is clean - a 2xx whose body it parsed, or none - as
 * lh_http_run would (callback included), unless lh_http_prefetch_settle came: true
 * when it did (j taken off the queue and freed).  Anything else (an error, a retry, a
 * body it did not parse, a request with an on_start) stays for lh_http_run. */
static bool
prefetch_complete(lh_http *h, job *j)
{
	if (!atomic_load(&h->pf_complete) || atomic_load(&h->pf_settled) || atomic_load(&h->pf_abandon) ||
	    atomic_load(&h->stop) || j->cc != CURLE_OK || j->status < 200 || j->status >= 300 ||
	    j->on_start != NULL || (j->resp.len > 0 && (!j->parsed || !j->json_ok)))
		return false;
	pthread_mutex_lock(&h->pf_cb_mu);
	bool go = !atomic_load(&h->pf_settled);
	if (go) {
		job **at = &h->qhead, *prev = NULL;
		while (*at != NULL && *at != j) {
			prev = *at;
			at = &(*at)->next;
		}
		go = *at == j;
		if (go) {
			unqueue(h, at, prev);
			j->prefetched = false;
			j->attempts = 1;	/* the one it made (t_first: when it started) */
			complete(h, j, LH_HTTP_OK, NULL);
		}
	}
	pthread_mutex_unlock(&h->pf_cb_mu);
	return go;
}

/* The prefetch thread: the first attempt of every GET queued when it started, in queue
 * order, at most parallelism at once - what lh_http_run would send first, sent while
 * the main thread does other work.  It calls no callback and decides nothing: each
 * outcome waits in its job for lh_http_run (start) to take it as that attempt's, its
 * body parsed already (parse_body quick, within PREFETCH_MAX_TREES).  It
 * starts nothing more once lh_http_run has begun (which then waits only for the
 * transfers in flight and sends the rest itself), after lh_http_stop - whose grace it
 * gives the transfers in flight, as lh_http_run does, before it leaves them - or past
 * PREFETCH_MAX_BYTES; after lh_http_prefetch_cancel it leaves at once. */
static void *
prefetch_main(void *arg)
{
	lh_http *h = arg;
	/* next: the first job not looked at yet, or NULL; last: the last one taken (for
	 * what is appended after it while the prefetch is open), NULL once a completion
	 * may have freed it; the queue is scanned from its head at the start and once
	 * after the close */
	job *next = NULL, *last = NULL;
	bool scanned_closed = false, was_open = atomic_load(&h->pf_open);
	int running = 0;
	size_t bytes = 0, answered = 0, trees = 0;
	double deadline = 0;
	while (!atomic_load(&h->pf_abandon)) {
		/* closed with completion: the clean answers that came while it was open
		 * complete now */
		if (was_open && !atomic_load(&h->pf_open)) {
			was_open = false;
			for (job *j = h->qhead, *n; j != NULL; j = n) {
				n = j->next;
				size_t len = j->resp.len, tree = j->pf_tree;
				if (j->prefetched && prefetch_complete(h, j)) {
					last = NULL;
					bytes -= len;
					answered--;
					trees -= tree;
				}
			}
		}
		/* the caller takes the transfers in flight over (prefetch_join) */
		if (atomic_load(&h->pf_handover) && !atomic_load(&h->stop))
			break;
		if (atomic_load(&h->stop)) {
			if (deadline == 0)
				deadline = mono() + h->grace_s;
			else if (mono() >= deadline)
				break;	/* prefetch_join drops what is still in flight */
		}
		bool starved = false;	/* room for more, none queued (as of seen) */
		unsigned seen = 0;
		while (running < h->parallelism && !atomic_load(&h->stop) &&
		    !atomic_load(&h->pf_handover) &&
		    bytes + (answered > 0 ? (size_t)running * (bytes / answered) : 0) <
		    PREFETCH_MAX_BYTES) {
			pthread_mutex_lock(&h->pf_q_mu);
			seen = atomic_load(&h->pf_submits);
			bool open = atomic_load(&h->pf_open);
			if (next == NULL && last != NULL)
				next = last->next;
			if (next == NULL && last == NULL && !scanned_closed) {
				next = h->qhead;
				scanned_closed = !open;
			}
			while (next != NULL && (next->pf_seen || next->post))
				next = next->next;
			job *j = next;
			if (j != NULL) {
				j->pf_seen = true;
				next = j->next;
				last = j;
			}
			pthread_mutex_unlock(&h->pf_q_mu);
			if (j == NULL) {
				starved = true;
				break;
			}
			CURL *e = get_easy(h);
			if (e == NULL)
				continue;	/* lh_http_run makes this attempt itself */
			attempt_reset(j);
			j->t_first = mono();	/* (lh_http_run's start sets it again) */
			attempt_send(h, j, e);
			running++;
		}
		if (running == 0 && !atomic_load(&h->pf_open))
			break;
		for (job *j = next_done(h, true); j != NULL; j = next_done(h, false)) {
			curl_multi_remove_handle(h->multi, j->easy);
			put_easy(h, j->easy);
			j->easy = NULL;
			j->prefetched = true;
			bytes += j->resp.len;
			answered++;
			running--;
			/* parsed here too while the trees stay within their budget: the
			 * caller's thread then finds them ready */
			size_t grew = 0;
			if (j->cc == CURLE_OK && trees < PREFETCH_MAX_TREES &&
			    !atomic_load(&h->pf_abandon)) {
				size_t before = j->json_arena != NULL ? lh_arena_used(j->json_arena) : 0;
				parse_body(h, j, true);
				grew = j->json_arena != NULL ? lh_arena_used(j->json_arena) - before :
				    lh_jscratch_used(j->jsc);
				trees += grew;
				j->pf_tree = grew;
			}
			size_t len = j->resp.len;
			if (prefetch_complete(h, j)) {	/* j is no more: nothing of it held */
				last = NULL;
				bytes -= len;
				answered--;
				trees -= grew;
			}
		}
		/* (open: a submit - when it says it waits for one - or the close wakes it;
		 * a submit made since the queue was looked at is taken now) */
		if (running > 0 || atomic_load(&h->pf_open)) {
			if (starved) {
				atomic_store(&h->pf_idle, 1);
				if (atomic_load(&h->pf_submits) != seen) {
					atomic_store(&h->pf_idle, 0);
					continue;
				}
			}
			curl_multi_poll(h->multi, NULL, 0, 100, NULL);
			atomic_store(&h->pf_idle, 0);
		}
	}
	return NULL;
}

static bool
prefetch_start(lh_http *h, bool complete, bool open)
{
	if (h->pf_running || h->fake != NULL || h->in_run || atomic_load(&h->stop) ||
	    h->flight != NULL)
		return false;
	bool any = open;
	for (job *j = h->qhead; j != NULL && !any; j = j->next)
		any = !j->post;
	if (!any)
		return false;
	atomic_store(&h->pf_abandon, 0);
	atomic_store(&h->pf_idle, 0);
	atomic_store(&h->pf_handover, 0);
	atomic_store(&h->pf_settled, 0);
	atomic_store(&h->pf_complete, complete);
	atomic_store(&h->pf_open, open);
	pthread_mutex_init(&h->pf_cb_mu, NULL);
	/* signals stay with the main thread (its Ctrl-C handler) */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	h->pf_running = pthread_create(&h->pf_thread, NULL, prefetch_main, h) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!h->pf_running) {
		pthread_mutex_destroy(&h->pf_cb_mu);
		atomic_store(&h->pf_open, 0);
	}
	return h->pf_running;
}

bool
lh_http_prefetch(lh_http *h, bool complete)
{
	return prefetch_start(h, complete, false);
}

bool
lh_http_prefetch_open(lh_http *h)
{
	return prefetch_start(h, false, true);
}

bool
lh_http_prefetch_close(lh_http *h, bool complete)
{
	if (!h->pf_running || !atomic_load(&h->pf_open))
		return false;
	atomic_store(&h->pf_complete, complete);
	atomic_store(&h->pf_open, 0);
	curl_multi_wakeup(h->multi);
	return true;
}

/* Ends the prefetch: it starts nothing more, finishes the transfers in flight (or
 * leaves them after a cancel) and ends; h is the calling thread's again, and sends
 * what the prefetch did not. */
static void
prefetch_join(lh_http *h)
{
	/* (a callback the thread runs may submit: the queue is its own already) */
	if (!h->pf_running || pthread_equal(pthread_self(), h->pf_thread))
		return;
	atomic_store(&h->pf_handover, 1);
	curl_multi_wakeup(h->multi);
	pthread_join(h->pf_thread, NULL);
	h->pf_running = false;
	atomic_store(&h->pf_open, 0);
	pthread_mutex_destroy(&h->pf_cb_mu);
	/* Transfers in flight when it left: the caller's own, as if it had started them
	 * (no answer waited for, no request made again) - unless it was cancelled or
	 * stopped: then dropped without waiting for anything (a host name still being
	 * resolved included). */
	bool adopt = !atomic_load(&h->pf_abandon) && !atomic_load(&h->stop);
	for (job **at = &h->qhead, *prev = NULL; *at != NULL;) {
		job *j = *at;
		if (j->easy == NULL) {
			prev = j;
			at = &j->next;
			continue;
		}
		if (!adopt) {
			curl_easy_setopt(j->easy, CURLOPT_QUICK_EXIT, 1L);
			curl_multi_remove_handle(h->multi, j->easy);
			curl_easy_cleanup(j->easy);
			j->easy = NULL;
			prev = j;
			at = &j->next;
			continue;
		}
		unqueue(h, at, prev);	/* as start takes it */
		j->attempts = 1;	/* (t_first: set when the thread sent it) */
		if (j->on_start != NULL) {
			void (*fn)(void *) = j->on_start;
			j->on_start = NULL;
			fn(j->owner);
		}
		fly(h, j);
	}
}

void
lh_http_prefetch_settle(lh_http *h)
{
	if (!h->pf_running || !atomic_load(&h->pf_complete))
		return;
	atomic_store(&h->pf_settled, 1);
	/* a completion under way ends first; what the callbacks did is then the
	 * caller's to see */
	pthread_mutex_lock(&h->pf_cb_mu);
	pthread_mutex_unlock(&h->pf_cb_mu);
}

void
lh_http_prefetch_cancel(lh_http *h)
{
	if (h->pf_running) {
		atomic_store(&h->pf_abandon, 1);
		curl_multi_wakeup(h->multi);
		prefetch_join(h);
	}
	/* what it fetched is never reported */
	for (job *j = h->qhead; j != NULL; j = j->next)
		j->prefetched = false;
}

/* ---- messages ---- */

/* Python's repr of a dict, e.g. {'error': 'User with id bob already exists'}: returns
 * the string value of the first of the keys error, message, detail (malloc'd), or NULL. */
static char *
unwrap_repr(const char *s)
{
	static const char *keys[] = {"error", "message", "detail", NULL};
	for (int k = 0; keys[k]; k++) {
		size_t kl = strlen(keys[k]);
		for (const char *p = s; (p = strstr(p, keys[k])) != NULL; p += kl) {
			if (p == s || (p[-1] != '\'' && p[-1] != '"') || p[kl] != p[-1])
				continue;
			const char *q = p + kl + 1;
			while (*q == ' ')
				q++;
			if (*q != ':')
				continue;
			q++;
			while (*q == ' ')
				q++;
			char quote = *q;
			if (quote != '\'' && quote != '"')
				continue;
			q++;
			lh_buf b = {0};
			for (; *q && *q != quote; q++) {
				if (*q == '\\' && q[1]) {
					q++;
					char c = *q == 'n' ? '\n' : *q == 't' ? '\t' : *q;
					lh_buf_put(&b, &c, 1);
				} else {
					lh_buf_put(&b, q, 1);
				}
			}
			if (*q != quote) {
				free(b.p);
				continue;
			}
			if (b.p == NULL)
				lh_buf_puts(&b, "");
			return b.p;
		}
	}
	return NULL;
}

static char *message_of(const cJSON *v);

/* A message string, unwrapped when it is a (python or JSON) dict in disguise. */
static char *
text_message(const char *s)
{
	const char *t = s;
	while (*t == ' ' || *t == '\n')
		t++;
	if (*t == '{') {
		cJSON *j = cJSON_Parse(t);
		if (j != NULL) {
			char *m = message_of(j);
			cJSON_Delete(j);
			if (m != NULL)
				return m;
		}
		char *m = unwrap_repr(t);
		if (m != NULL)
			return m;
	}
	return lh_xstrdup(s);
}

/* The most specific message in an error body's JSON, or NULL. */
static char *
message_of(const cJSON *v)
{
	if (cJSON_IsString(v))
		return text_message(v->valuestring);
	if (!cJSON_IsObject(v))
		return NULL;
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(v, "error");
	if (cJSON_IsObject(err)) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(err, "message");
		if (cJSON_IsString(m))
			return text_message(m->valuestring);
		char *r = message_of(err);
		if (r != NULL)
			return r;
	} else if (cJSON_IsString(err)) {
		return text_message(err->valuestring);
	}
	const cJSON *det = cJSON_GetObjectItemCaseSensitive(v, "detail");
	if (cJSON_IsString(det))
		return text_message(det->valuestring);
	if (cJSON_IsObject(det)) {
		char *r = message_of(det);
		if (r != NULL)
			return r;
		char *c = cJSON_PrintUnformatted(det);
		return c;
	}
	if (cJSON_IsArray(det)) {
		/* FastAPI validation errors: "body.user_role: Input should be ..." */
		lh_buf b = {0};
		for (const cJSON *e = det->child; e; e = e->next) {
			const cJSON *loc = cJSON_GetObjectItemCaseSensitive(e, "loc");
			const cJSON *msg = cJSON_GetObjectItemCaseSensitive(e, "msg");
			if (b.len > 0)
				lh_buf_puts(&b, "; ");
			bool any = false;
			for (const cJSON *l = cJSON_IsArray(loc) ? loc->child : NULL; l; l = l->next) {
				char num[32];
				if (any)
					lh_buf_puts(&b, ".");
				if (cJSON_IsString(l)) {
					lh_buf_puts(&b, l->valuestring);
				} else if (cJSON_IsNumber(l)) {
					snprintf(num, sizeof num, "%d", l->valueint);
					lh_buf_puts(&b, num);
				}
				any = true;
			}
			if (any)
				lh_buf_puts(&b, ": ");
			lh_buf_puts(&b, cJSON_IsString(msg) ? msg->valuestring : "invalid value");
		}
		return b.p;
	}
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(v, "message");
	if (cJSON_IsString(m))
		return text_message(m->valuestring);
	return NULL;
}

char *
lh_http_body_message(const char *body, size_t len)
{
	if (body == NULL || len == 0)
		return NULL;
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(body, len, &end, false);
	if (j != NULL) {
		char *m = message_of(j);
		cJSON_Delete(j);
		return m;
	}
	/* Plain text from a proxy: use it when short and printable. */
	size_t s = 0, e = len;
	while (s < e && strchr(" \t\r\n", body[s]))
		s++;
	while (e > s && strchr(" \t\r\n", body[e - 1]))
		e--;
	if (e == s || e - s > 200 || body[s] == '<')
		return NULL;
	for (size_t i = s; i < e; i++)
		if ((unsigned char)body[i] < 0x20)
			return NULL;
	char *r = lh_xmalloc(e - s + 1);
	memcpy(r, body + s, e - s);
	r[e - s] = '\0';
	return r;
}

char *
lh_http_error_message(const char *method, const char *path, int status, const char *body,
    size_t len)
{
	char *m = lh_http_body_message(body, len);
	const char *rs = reason(status);
	char *r;
	if (m != NULL && *m)
		r = lh_xprintf("%s %s: %d%s%s: %s", method, path, status, *rs ? " " : "", rs, m);
	else
		r = lh_xprintf("%s %s: %d%s%s", method, path, status, *rs ? " " : "", rs);
	free(m);
	return r;
}

/* The sentence for a transport failure of the current attempt. */
static char *
transport_message(const lh_http *h, const job *j)
{
	char t[32];
	if (j->resent)	/* see send_once */
		return lh_xprintf("%s %s: %s closed the kept-alive connection without answering",
		    j->method, j->path, h->hostport);
	switch (j->cc) {
	case CURLE_COULDNT_CONNECT:
		if (j->oserr == EMFILE || j->oserr == ENFILE)
			return lh_xprintf("%s %s: cannot open a connection to %s: %s (raise the limit "
			    "with ulimit -n, or lower -parallelism)", j->method, j->path, h->hostport,
			    strerror((int)j->oserr));
		if (j->oserr == 0 && j->errbuf[0] && !strstr(j->errbuf, "refused"))
			return lh_xprintf("%s %s: cannot connect to %s: %s", j->method, j->path,
			    h->hostport, j->errbuf);
		return lh_xprintf("%s %s: cannot connect to %s: %s", j->method, j->path, h->hostport,
		    j->oserr == ECONNREFUSED || j->oserr == 0 ? "connection refused" :
		    j->oserr == EHOSTUNREACH || j->oserr == ENETUNREACH ? "host unreachable" :
		    strerror((int)j->oserr));
	case CURLE_COULDNT_RESOLVE_HOST:
		return lh_xprintf("%s %s: cannot resolve host name %s", j->method, j->path, h->host);
	case CURLE_OPERATION_TIMEDOUT:
		if (!j->connected) {
			secs(t, sizeof t, h->connect_ms / 1000.0);
			return lh_xprintf("%s %s: cannot connect to %s: timeout after %s", j->method,
			    j->path, h->hostport, t);
		}
		secs(t, sizeof t, h->timeout_s);
		return lh_xprintf("%s %s: no complete answer from %s: timeout after %s", j->method,
		    j->path, h->hostport, t);
	case CURLE_PEER_FAILED_VERIFICATION:
		return lh_xprintf("%s %s: TLS error: the certificate of %s could not be verified (%s); "
		    "fix the certificate or, for a test server only, set insecure_skip_verify = true",
		    j->method, j->path, h->hostport, j->errbuf[0] ? j->errbuf : "untrusted");
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
		return lh_xprintf("%s %s: TLS error with %s: %s", j->method, j->path, h->hostport,
		    j->errbuf[0] ? j->errbuf : curl_easy_strerror(j->cc));
	case CURLE_GOT_NOTHING:
		return lh_xprintf("%s %s: %s closed the connection without answering", j->method,
		    j->path, h->hostport);
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		return lh_xprintf("%s %s: the connection to %s broke (%s)", j->method, j->path,
		    h->hostport, j->errbuf[0] ? j->errbuf : curl_easy_strerror(j->cc));
	case CURLE_WRITE_ERROR:
		if (j->resp_too_big)
			return lh_xprintf("%s %s: the answer from %s is larger than %u MB", j->method,
			    j->path, h->hostport, MAX_BODY >> 20);
		/* fall through */
	default:
		return lh_xprintf("%s %s: request to %s failed: %s", j->method, j->path, h->hostport,
		    j->errbuf[0] ? j->errbuf : curl_easy_strerror(j->cc));
	}
}

/* ---- completion ---- */

static double
jitter(lh_http *h)
{
	/* xorshift64*: plenty for spreading retries. */
	h->rng ^= h->rng >> 12;
	h->rng ^= h->rng << 25;
	h->rng ^= h->rng >> 27;
	uint64_t r = h->rng * 2685821657736338717ULL;
	return (double)(r >> 11) / (double)(1ULL << 53);
}

/* Parses the current attempt's body into j->json (NULL when empty or invalid; trailing
 * garbage makes the whole body invalid) and sets j->json_ok and j->bad_at.  A 2xx
 * answer nobody reads (no_json) is only checked: parsed into the scratch arena, which
 * is emptied again (no tree built and freed node by node).  quick: on the prefetch
 * thread, which parses only into the request's arena or scratch memory and only with
 * lh_json_parse_quick (nothing process-wide but the thread-safe key table): false,
 * nothing parsed, where it leaves the body to the calling thread. */
static bool
parse_body(lh_http *h, job *j, bool quick)
{
	const char *body = j->resp.p ? j->resp.p : "";
	size_t len = j->resp.len;
	bool check_only = j->no_json && j->status >= 200 && j->status < 300;
	if (quick && len > 0 && (check_only || (!j->json_scratch && j->json_arena == NULL)))
		return false;
	if (j->json_scratch)
		lh_jscratch_reset(j->jsc);
	else
		drop_json(j, j->json);
	j->json = NULL;
	j->json_ok = false;
	j->bad_at = SIZE_MAX;
	j->parsed = len == 0;
	if (len == 0)
		return true;
	const char *end = NULL;
	bool ok;
	if (check_only) {
		if (h->scratch == NULL)
			h->scratch = lh_arena_new_scratch();
		lh_arena_mark m = lh_arena_get_mark(h->scratch);
		ok = lh_json_parse_arena(h->scratch, body, len, &end) != NULL;
		lh_arena_release(h->scratch, m);
	} else if (j->json_scratch) {
		if (j->jsc == NULL)
			j->jsc = lh_jscratch_new();
		j->json = quick ? lh_json_parse_quick(NULL, j->jsc, body, len, &end) :
		    lh_json_parse_scratch(j->jsc, body, len, &end);
		ok = j->json != NULL;
	} else {
		/* numbers exact either way */
		j->json = quick ? lh_json_parse_quick(j->json_arena, NULL, body, len, &end) :
		    j->json_arena != NULL ? lh_json_parse_arena(j->json_arena, body, len, &end) :
		    lh_cjson_parse(body, len, &end);
		ok = j->json != NULL;
	}
	if (quick && !ok) {
		lh_jscratch_reset(j->jsc);	/* an arena keeps the attempt's bytes */
		return false;
	}
	if (ok) {
		for (const char *p = end; p < body + len; p++) {
			if (!strchr(" \t\r\n", *p)) {
				drop_json(j, j->json);
				j->json = NULL;
				ok = false;
				end = p;
				break;
			}
		}
	}
	j->json_ok = ok;
	if (!ok)
		j->bad_at = end ? (size_t)(end - body) : 0;
	j->parsed = true;
	return true;
}

/* The current attempt's answer is an HTML page (by its Content-Type, or by its first
 * character whatever the Content-Type claims): LiteLLM's API never answers one, a
 * proxy, gateway or login portal in front of it does. */
static bool
html_page(const job *j)
{
	if (strncasecmp(j->ctype, "text/html", 9) == 0 ||
	    strncasecmp(j->ctype, "application/xhtml", 17) == 0)
		return true;
	const char *body = j->resp.p ? j->resp.p : "";
	size_t s = 0;
	while (s < j->resp.len && strchr(" \t\r\n", body[s]))
		s++;
	return s < j->resp.len && body[s] == '<';
}

/* The message for a 2xx whose body is not JSON litehcl can read. */
static char *
badjson_message(const job *j)
{
	const char *body = j->resp.p ? j->resp.p : "";
	if (lh_json_too_deep(body, j->resp.len))
		return lh_xprintf("%s %s: %d: the answer is JSON nested deeper than %d levels, the "
		    "most litehcl reads", j->method, j->path, j->status, LH_JSON_MAX_DEPTH);
	if (html_page(j))
		return lh_xprintf("%s %s: %d (%s): the answer is an HTML page, not JSON (a proxy or "
		    "login page in front of LiteLLM?)", j->method, j->path, j->status,
		    j->ctype[0] ? j->ctype : "no Content-Type");
	return lh_xprintf("%s %s: %d (%s): the answer is not valid JSON (error at byte %zu of %zu)",
	    j->method, j->path, j->status, j->ctype[0] ? j->ctype : "no Content-Type", j->bad_at,
	    j->resp.len);
}

static void
complete(lh_http *h, job *j, lh_http_result res, char *error)
{
	lh_http_resp r;
	memset(&r, 0, sizeof r);
	r.result = res;
	r.status = j->status;
	r.body = j->resp.p ? j->resp.p : "";
	r.body_len = j->resp.len;
	if (!j->parsed)
		parse_body(h, j, false);
	r.json = j->json;
	j->json = NULL;
	if (r.body_len > 0 && !j->json_ok && res == LH_HTTP_OK) {
		res = r.result = LH_HTTP_BADJSON;
		free(error);
		error = badjson_message(j);
	}
	r.error = error = scrub(h, error);
	r.method = j->method;
	r.path = j->path;
	r.attempts = j->attempts;
	r.elapsed_s = j->attempts > 0 ? mono() - j->t_first : 0;
	r.ctx = j->ctx;
	r.not_api = j->not_api && res != LH_HTTP_OK;
	if (res == LH_HTTP_OK)
		h->ok++;
	if (j->done != NULL) {
		h->in_callback++;
		j->done(h, &r, j->ctx);
		h->in_callback--;
	}
	drop_json(j, r.json);
	free(error);
	job_free(j);
}

static lh_http_retry_fn retry_fn;
static void *retry_ctx;

void
lh_http_on_retry(lh_http_retry_fn fn, void *ctx)
{
	retry_fn = fn;
	retry_ctx = ctx;
}

/* A refused connection to this machine means nothing listens there: a server starting
 * up takes well under a second, so a few quick tries are enough (a remote host that
 * refuses may be restarting behind a load balancer, and gets the full retries). */
#define LOOPBACK_REFUSED_ATTEMPTS 3
/* A host name that does not resolve is nearly always a typo in api_base, which more
 * waiting does not fix (the full retries took about a minute); a resolver's passing
 * hiccup is covered by a few quick tries. */
#define UNRESOLVED_ATTEMPTS 3
/* An HTML page in place of LiteLLM's answer (not a gateway's "try later"): a login
 * portal or a misrouted api_base answers every time, so a few quick tries (a load
 * balancer's one bad backend) and then the error - not a minute of retries. */
#define NOT_API_ATTEMPTS 3

static bool
is_loopback(const char *host)
{
	return strncmp(host, "127.", 4) == 0 || strcmp(host, "localhost") == 0 ||
	    strcmp(host, "::1") == 0 || strcmp(host, "[::1]") == 0;
}

static void
schedule_retry(lh_http *h, job *j, double delay)
{
	j->due = mono() + delay;
	job **pp = &h->waiting;
	while (*pp != NULL && (*pp)->due <= j->due)
		pp = &(*pp)->next;
	j->next = *pp;
	*pp = j;
}

static void
finish_attempt(lh_http *h, job *j)
{
	bool retryable = false;
	lh_http_result res;
	char *msg = NULL;
	if (j->cc == CURLE_OK) {
		int s = j->status;
		if (!j->parsed)		/* else the prefetch thread parsed it */
			parse_body(h, j, false);
		if (s >= 200 && s < 300) {
			if (j->resp.len == 0 || j->json_ok) {
				complete(h, j, LH_HTTP_OK, NULL);
				return;
			}
			/* A 2xx that cannot be read: a gateway's page, a cut or garbled body.  A
			 * read or an update is asked again; a create may have happened. */
			msg = badjson_message(j);
			res = LH_HTTP_BADJSON;
			/* An HTML page is something in front of LiteLLM answering in its place
			 * (a login portal, a misrouted api_base): asked again only a few times
			 * (NOT_API_ATTEMPTS), a create not sent again after its look-up. */
			j->not_api = html_page(j);
			if (j->non_idempotent) {
				char *m2 = lh_xprintf("%s; the create may or may not have been carried "
				    "out, so it was not repeated automatically", msg);
				free(msg);
				complete(h, j, LH_HTTP_UNCERTAIN, m2);
				return;
			}
			retryable = true;
			goto decide;
		}
		msg = lh_http_error_message(j->method, j->path, s, j->resp.p, j->resp.len);
		res = LH_HTTP_STATUS;
		if (s == 401) {
			/* say which key was refused (never its value) */
			char *m2 = h->key == NULL ? lh_xprintf("%s\nThe request was sent without an "
			    "API key: set api_key in the provider \"litellm\" block or the "
			    "LITELLM_API_KEY environment variable.", msg) : lh_xprintf("%s\nThe request "
			    "was sent with the API key from %s.", msg, h->key_source != NULL ?
			    h->key_source : "the configuration");
			free(msg);
			msg = m2;
		}
		if (s >= 300 && s < 400) {
			/* Redirects are not followed (the key would travel to wherever they
			 * point); say where it pointed so api_base can be corrected. */
			char *m2 = j->location[0]
			    ? lh_xprintf("%s %s: %d %s: the server redirects to %s; litehcl does not "
				"follow redirects: set api_base to the address it should use", j->method,
				j->path, s, reason(s), j->location)
			    : lh_xprintf("%s %s: %d %s without a Location: the server redirects "
				"nowhere; check api_base", j->method, j->path, s, reason(s));
			free(msg);
			msg = m2;
		} else if (s == 429) {
			retryable = true;	/* refused before any work: safe even for creates */
		} else if (s == 500 && html_page(j)) {
			/* LiteLLM's own 500 is JSON (or FastAPI's plain text): an HTML page is
			 * a proxy's, which asking again seldom changes (NOT_API_ATTEMPTS); a
			 * create may still have gone through it, so it is looked up but not
			 * sent again.  The gateway statuses below are retried whatever their
			 * body (the proxy saying LiteLLM is restarting or slow: litellm-api.md). */
			j->not_api = true;
			char *m2 = lh_xprintf("%s (%s): the answer is an HTML page from something in "
			    "front of LiteLLM (a proxy?)%s", msg, j->ctype[0] ? j->ctype : "no "
			    "Content-Type", j->non_idempotent ? "; the create may or may not have "
			    "been carried out, so it was not repeated automatically" : "");
			free(msg);
			if (j->non_idempotent) {
				complete(h, j, LH_HTTP_UNCERTAIN, m2);
				return;
			}
			msg = m2;
			retryable = true;
		} else if (s == 408 || s == 500 || s == 502 || s == 503 || s == 504 ||
		    (s >= 520 && s <= 524)) {
			/* Transient, and possibly after the work was done (a gateway timing out
			 * on a slow server, a server failing after its commit). */
			if (j->non_idempotent) {
				char *m2 = lh_xprintf("%s; it may or may not have been carried out, so it "
				    "was not repeated automatically", msg);
				free(msg);
				complete(h, j, LH_HTTP_UNCERTAIN, m2);
				return;
			}
			retryable = true;
		}
	} else {
		if (j->cc == CURLE_COULDNT_CONNECT && j->oserr == 0) {
			/* libcurl does not report why it could not open a socket; ask the
			 * system, so running out of descriptors is not called "refused". */
			int probe = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (probe >= 0)
				close(probe);
			else if (errno == EMFILE || errno == ENFILE)
				j->oserr = errno;
		}
		msg = transport_message(h, j);
		res = LH_HTTP_TRANSPORT;
		bool never_arrived = !j->connected || j->cc == CURLE_COULDNT_CONNECT ||
		    j->cc == CURLE_COULDNT_RESOLVE_HOST;
		bool tls = j->cc == CURLE_PEER_FAILED_VERIFICATION || j->cc == CURLE_SSL_CERTPROBLEM ||
		    j->cc == CURLE_SSL_CACERT_BADFILE || j->cc == CURLE_SSL_CIPHER;
		if (tls || j->cc == CURLE_WRITE_ERROR || j->cc == CURLE_OUT_OF_MEMORY ||
		    j->cc == CURLE_UNSUPPORTED_PROTOCOL || j->cc == CURLE_URL_MALFORMAT) {
			retryable = false;	/* will not fix itself */
		} else if (never_arrived) {
			retryable = true;
		} else if (j->non_idempotent) {
			char *m2 = lh_xprintf("%s; the request may or may not have been carried out, so "
			    "it was not repeated automatically", msg);
			free(msg);
			complete(h, j, LH_HTTP_UNCERTAIN, m2);
			return;
		} else {
			/* Idempotent: a broken connection is worth another try; a whole-request
			 * timeout is not (it would multiply a long wait). */
			retryable = j->cc != CURLE_OPERATION_TIMEDOUT;
		}
	}
decide:;
	int max_attempts = h->max_retries + 1;
	if (j->cc == CURLE_COULDNT_CONNECT && (j->oserr == ECONNREFUSED || j->oserr == 0) &&
	    is_loopback(h->host) && max_attempts > LOOPBACK_REFUSED_ATTEMPTS)
		max_attempts = LOOPBACK_REFUSED_ATTEMPTS;
	if (j->cc == CURLE_COULDNT_RESOLVE_HOST && max_attempts > UNRESOLVED_ATTEMPTS)
		max_attempts = UNRESOLVED_ATTEMPTS;
	if (j->not_api && max_attempts > NOT_API_ATTEMPTS)
		max_attempts = NOT_API_ATTEMPTS;
	if (retryable && j->attempts < max_attempts && !h->stop) {
		double delay = h->backoff_s * pow(2, j->attempts - 1);
		if (delay > BACKOFF_CAP_S)
			delay = BACKOFF_CAP_S;
		delay *= 0.5 + 0.5 * jitter(h);
		if ((j->status == 429 || j->status == 503) && j->retry_after >= 0)
			delay = j->retry_after;
		double spent = mono() - j->t_first;
		if (spent + delay <= h->budget_s) {
			if (retry_fn != NULL)
				retry_fn(retry_ctx, msg, j->attempts,
				    max_attempts >= INT_MAX - 1 ? 0 : max_attempts, delay);
			free(j->last_error);
			j->last_error = msg;
			j->pending = res;
			schedule_retry(h, j, delay);
			return;
		}
	}
	if (j->attempts > 1) {
		char t[32];
		snprintf(t, sizeof t, "%.1f s", mono() - j->t_first);
		char *m2 = lh_xprintf("%s (after %d attempts in %s)", msg, j->attempts, t);
		free(msg);
		msg = m2;
	}
	complete(h, j, res, msg);
}

static void
cancel(lh_http *h, job *j)
{
	char *m;
	if (j->attempts > 0 && j->last_error != NULL)
		m = lh_xprintf("%s; not retried: interrupted", j->last_error);
	else
		m = lh_xprintf("%s %s: not sent: interrupted", j->method, j->path);
	complete(h, j, LH_HTTP_CANCELLED, m);
}

/* The stop's grace is over and j has no answer yet: it is abandoned.  A read changes
 * nothing (cancelled); a create may have reached the server (uncertain: its caller looks
 * it up or keeps its intent); any other write may have too, and reports as a request
 * that got no answer - the next refresh reads what the server holds. */
static void
abandon(lh_http *h, job *j)
{
	land(h, j);
	h->abandoned++;
	char t[32];
	secs(t, sizeof t, mono() - j->t_first);
	if (!j->post) {
		complete(h, j, LH_HTTP_CANCELLED, lh_xprintf("%s %s: no answer after %s: abandoned "
		    "(interrupted)", j->method, j->path, t));
	} else if (j->non_idempotent) {
		complete(h, j, LH_HTTP_UNCERTAIN, lh_xprintf("%s %s: no answer after %s when the "
		    "run was interrupted; it may or may not have been carried out", j->method,
		    j->path, t));
	} else {
		complete(h, j, LH_HTTP_TRANSPORT, lh_xprintf("%s %s: no answer after %s when the "
		    "run was interrupted; it may or may not have been carried out", j->method,
		    j->path, t));
	}
}

size_t
lh_http_run(lh_http *h)
{
	prefetch_join(h);	/* its outcomes are taken as the jobs start */
	size_t ok0 = h->ok;
	h->in_run = true;
	for (;;) {
		/* Completions of the fake transport. */
		while (h->donelist != NULL) {
			job *j = h->donelist;
			h->donelist = j->next;
			h->running--;
			finish_attempt(h, j);
		}
		if (h->stop && h->deadline == 0)
			h->deadline = mono() + h->grace_s;
		if (h->deadline > 0 && mono() >= h->deadline) {
			h->stop = 1;
			while (h->flight != NULL)
				abandon(h, h->flight);
		}
		if (h->stop) {
			for (job *j; (j = dequeue(h)) != NULL;)
				cancel(h, j);
			while (h->waiting != NULL) {
				job *j = h->waiting;
				h->waiting = j->next;
				cancel(h, j);
			}
		}
		double now = mono();
		/* Due retries go first: they have waited longest. */
		job *due_list = NULL, **tail = &due_list;
		while (h->waiting != NULL && h->waiting->due <= now) {
			job *j = h->waiting;
			h->waiting = j->next;
			j->next = NULL;
			*tail = j;
			tail = &j->next;
		}
		if (due_list != NULL) {
			*tail = h->qhead;
			h->qhead = due_list;
			if (h->qtail == NULL)
				for (h->qtail = due_list; h->qtail->next; h->qtail = h->qtail->next)
					;
		}
		while (h->running < h->parallelism && h->qhead != NULL && !h->stop)
			start(h, dequeue(h));
		if (h->donelist != NULL)
			continue;
		if (h->running == 0 && h->qhead == NULL && h->waiting == NULL)
			break;
		for (job *j = next_done(h, true); j != NULL; j = next_done(h, false)) {
			land(h, j);
			finish_attempt(h, j);
		}
		if (h->running == 0 && h->qhead == NULL && h->waiting == NULL && h->donelist == NULL)
			break;
		if (h->qhead != NULL && h->running < h->parallelism && !h->stop)
			continue;	/* callbacks queued work: start it now */
		int wait_ms = 100;
		if (h->waiting != NULL) {
			double w = (h->waiting->due - mono()) * 1000;
			if (w < wait_ms)
				wait_ms = w < 0 ? 0 : (int)w + 1;
		}
		if (h->deadline > 0 && h->running > 0) {
			double w = (h->deadline - mono()) * 1000;
			if (w < wait_ms)
				wait_ms = w < 0 ? 0 : (int)w + 1;
		}
		if (h->running > 0)
			curl_multi_poll(h->multi, NULL, 0, wait_ms, NULL);
		else if (wait_ms > 0)
			usleep((useconds_t)wait_ms * 1000);
	}
	h->in_run = false;
	return h->ok - ok0;
}

/* ---- synchronous convenience ---- */

static void
capture(lh_http *h, lh_http_resp *r, void *ctx)
{
	lh_http_resp *out = ctx;
	void *user_ctx = out->ctx;
	*out = *r;
	out->ctx = user_ctx;
	r->json = NULL;	/* taken */
	char *b = lh_xmalloc(r->body_len + 1);
	memcpy(b, r->body, r->body_len);
	b[r->body_len] = '\0';
	out->body = b;
	out->error = r->error ? lh_xstrdup(r->error) : NULL;
	out->method = lh_xstrdup(r->method);
	out->path = lh_xstrdup(r->path);
}

lh_http_result
lh_http_do(lh_http *h, const lh_http_req *req, lh_http_resp *out)
{
	memset(out, 0, sizeof *out);
	out->ctx = req ? req->ctx : NULL;
	if (h->in_run) {
		out->result = LH_HTTP_TRANSPORT;
		out->error = lh_xstrdup("internal error: lh_http_do called while lh_http_run is active");
		return out->result;
	}
	lh_http_req r = *req;
	r.done = capture;
	r.ctx = out;
	if (!lh_http_submit(h, &r)) {
		out->result = LH_HTTP_TRANSPORT;
		out->error = lh_xstrdup("internal error: invalid request");
		return out->result;
	}
	lh_http_run(h);
	return out->result;
}

void
lh_http_resp_clear(lh_http_resp *r)
{
	cJSON_Delete(r->json);
	free((char *)r->body);
	free((char *)r->error);
	free((char *)r->method);
	free((char *)r->path);
	memset(r, 0, sizeof *r);
}
