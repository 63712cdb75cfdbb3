/* http.h - the LiteLLM HTTP client: the only module that talks to the network (the only
 * libcurl user).
 *
 * Flow: the resource types (res_*.c, resource.h) build requests (method, path, query, JSON body)
 * and submit them to one lh_http client; the client runs them over curl's multi
 * interface, at most `parallelism` at once, reusing keep-alive connections, retrying
 * what is safe to retry, and calls each request's completion callback with the status,
 * the parsed JSON body and - on failure - ONE clear message.
 *
 * Guarantees:
 * - The api key is sent only as `Authorization: Bearer KEY` and never appears in any
 *   message this module produces (messages are also scrubbed of the key in case a
 *   server echoes it).
 * - base URL + path are joined with exactly one '/'; query values are percent-encoded.
 * - Retries: connection errors, 429 (Retry-After seconds or date honoured, capped at a
 *   day), 502, 503, 504, with exponential backoff and jitter, bounded by total time
 *   (retry_budget_s, default 60 s, or LITEHCL_HTTP_RETRY_BUDGET seconds) and, only when
 *   asked, by count (max_retries).  An HTML page in place of LiteLLM's answer (a 2xx or
 *   500 one; a gateway's 502/503/504/52x page is retried as above) comes from something
 *   in front of LiteLLM: 3 attempts at most, and a create is not sent again (not_api).  3xx answers are not followed; their message names
 *   the Location they point to.  A request marked non_idempotent is retried only when it surely
 *   never reached the application (connection refused / DNS / TLS handshake failure, or
 *   429); every other failure of it is reported as LH_HTTP_UNCERTAIN so the caller looks
 *   the object up before trying again.  It travels on kept-alive connections like every
 *   request, and libcurl never sends it a second time by itself: when a reused connection
 *   closes before the answer (perhaps after the server committed it), that attempt is
 *   uncertain too.
 * - lh_http_stop is async-signal-safe: after it, no new request starts; queued ones
 *   complete with LH_HTTP_CANCELLED; requests in flight get a grace period
 *   (stop_grace_s) to finish and report normally, and those still unanswered then are
 *   abandoned - a read as LH_HTTP_CANCELLED, a create as LH_HTTP_UNCERTAIN, another
 *   write as LH_HTTP_TRANSPORT (it may have been carried out) - so a server that stopped
 *   answering does not hold an interrupted run for the whole request timeout.
 *
 * Tests can replace the network with a function (lh_http_opts.fake): requests are then
 * answered by that function and run through the same retry / error-message logic. */
#ifndef LH_HTTP_H
#define LH_HTTP_H
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

typedef struct lh_http lh_http;

/* Outcome of one request (after retries). */
typedef enum {
	LH_HTTP_OK,		/* 2xx; json holds the parsed body (NULL when the body is empty) */
	LH_HTTP_STATUS,		/* the server answered with a non-2xx status; see status, error */
	LH_HTTP_TRANSPORT,	/* no usable answer: refused, DNS, TLS, timeout, reset (idempotent
				 * requests only, or non-idempotent ones that surely never arrived) */
	LH_HTTP_UNCERTAIN,	/* non_idempotent request failed in a way that may have reached the
				 * server (timeout, reset, 502/503/504): look the object up first */
	LH_HTTP_BADJSON,	/* 2xx whose body is not valid JSON; error gives the offset */
	LH_HTTP_CANCELLED	/* never started (or retry not started) because of lh_http_stop,
				 * or a read abandoned at the end of the stop's grace */
} lh_http_result;

/* Returns the name of r ("ok", "status", "transport", "uncertain", "bad json",
 * "cancelled"). */
const char *lh_http_result_name(lh_http_result r);

/* A fake transport for tests: answers one attempt of a request.  url_path is the path
 * with its percent-encoded query ("/user/info?user_id=bob"), body the request body or
 * NULL.  Return 0 and set *status and *resp_body (malloc'd, the client frees it; may be
 * NULL for an empty body) and optionally *retry_after (seconds, -1 none); or return a
 * CURLcode-like transport failure: LH_HTTP_FAKE_REFUSED, LH_HTTP_FAKE_TIMEOUT,
 * LH_HTTP_FAKE_RESET or LH_HTTP_FAKE_UNRESOLVED (the host name does not resolve). */
enum { LH_HTTP_FAKE_REFUSED = 1, LH_HTTP_FAKE_TIMEOUT, LH_HTTP_FAKE_RESET,
	LH_HTTP_FAKE_UNRESOLVED };
typedef int (*lh_http_fake_fn)(void *ctx, const char *method, const char *url_path,
    const char *body, int *status, char **resp_body, int *retry_after);

typedef struct lh_http_opts {
	const char *base_url;		/* "http://host:4000" or "https://host/litellm"; required */
	const char *api_key;		/* master key, or NULL/"" for an open API; copied */
	const char *key_source;		/* where the key came from, named in 401 messages
					 * (never the key); NULL: not named */
	bool insecure_skip_verify;	/* false (default): verify TLS peer and host name */
	double connect_timeout_s;	/* <= 0: 10 s */
	double timeout_s;		/* whole request; <= 0: 60 s (the spec: < 30 s is too short) */
	int parallelism;		/* requests in flight at once; <= 0: 10 */
	int max_retries;		/* extra attempts after the first; < 0: no count limit, only
					 * the time budget (0 = no retries) */
	double retry_budget_s;		/* give up retrying after this long since the first attempt;
					 * <= 0: $LITEHCL_HTTP_RETRY_BUDGET, else 60 s */
	double backoff_base_s;		/* first backoff delay before jitter; <= 0: 0.5 s (tests use
					 * less); doubles each retry, capped at 10 s */
	double stop_grace_s;		/* after lh_http_stop, requests in flight are abandoned
					 * when still unanswered this long after; <= 0: 2 s */
	lh_http_fake_fn fake;		/* tests: replaces the network; NULL: real HTTP */
	void *fake_ctx;			/* passed to fake */
} lh_http_opts;

/* One query parameter; name and value are raw (the client percent-encodes them). */
typedef struct lh_http_param {
	const char *name;
	const char *value;
} lh_http_param;

typedef struct lh_http_resp lh_http_resp;

/* Completion callback: called exactly once per submitted request, from inside
 * lh_http_run (never from lh_http_submit).  It may call lh_http_submit (e.g. GET
 * /user/info after POST /user/new) and lh_http_stop.  resp is valid only during the
 * call; to keep resp->json, take it and set resp->json = NULL. */
typedef void (*lh_http_done_fn)(lh_http *h, lh_http_resp *resp, void *ctx);

typedef struct lh_http_req {
	const char *method;		/* "GET" or "POST" */
	const char *path;		/* "/user/info" (leading '/' optional) */
	const lh_http_param *query;	/* nquery parameters, GET only, or NULL */
	size_t nquery;
	const char *body;		/* POST: JSON text (NULL = "{}"); copied at submit */
	bool non_idempotent;		/* creates: never blindly repeated, see LH_HTTP_UNCERTAIN */
	bool urgent;			/* queued ahead of the requests not started yet (a read
					 * confirming 100 finished writes goes before the next
					 * writes, so they complete as the apply goes); every
					 * request submitted by a completion callback is too */
	double delay_s;			/* > 0: start no sooner than this long after submit (a
					 * re-read that waits for a lagging read replica); the
					 * wait holds no connection slot and ends early on
					 * lh_http_stop (cancelled) */
	bool no_json;			/* done reads nothing of a 2xx answer but that it is one:
					 * its body is checked to be JSON (a garbled 2xx is
					 * still BADJSON or UNCERTAIN) but not kept, json NULL;
					 * other answers are parsed as always */
	struct lh_arena *json_arena;	/* non-NULL: answers are parsed into this arena
					 * (json_arena.h): r->json is then read-only, lives as
					 * long as the arena, and done may keep it but must
					 * neither change nor delete it */
	lh_http_done_fn done;		/* completion callback (may be NULL) */
	void *ctx;			/* passed to done */
	bool json_scratch;		/* done only reads resp->json during the call (never
					 * keeps, changes or frees it): the body is parsed into
					 * scratch memory (json_arena.h), not malloc'd nodes -
					 * 100 users' rows at a time, page after page */
} lh_http_req;

struct lh_http_resp {
	lh_http_result result;		/* outcome after retries */
	int status;			/* HTTP status of the last attempt, 0 when none */
	cJSON *json;			/* parsed body (any status), or NULL; freed after the callback
					 * unless the callback sets it to NULL */
	const char *body;		/* raw body of the last attempt (NUL-terminated), or "" */
	size_t body_len;
	const char *error;		/* result != OK: one line, e.g. "POST /user/new: 409 Conflict:
					 * User with id bob already exists"; NULL when OK.  Never
					 * holds the api key. */
	const char *method;		/* of the request, for messages */
	const char *path;		/* of the request, without query */
	int attempts;			/* 1 + retries done */
	double elapsed_s;		/* from first attempt start to completion */
	void *ctx;			/* the request's ctx */
	bool not_api;			/* failed with an HTML page that is not a gateway's
					 * (502/503/504, 52x) "try later": something in front of
					 * LiteLLM answers in its place, so sending the request
					 * again will not help (a create is looked up, not resent) */
};

/* Owner of requests (for "Creating..." when the work really starts, not when it is
 * queued): between lh_http_owner_begin and lh_http_owner_end every request submitted
 * carries owner, and on_start(owner) is called when such a request starts its first
 * attempt (once per request; the receiver keeps the first).  Nests: save holds the
 * enclosing owner, restored by end, which also counts the inner requests as the
 * enclosing owner's. */
typedef struct lh_http_owner {
	void *owner;
	void (*on_start)(void *owner);
	size_t n;			/* requests submitted with it */
} lh_http_owner;
void lh_http_owner_begin(lh_http *h, lh_http_owner *save, void *owner,
    void (*on_start)(void *owner));
/* Ends it; returns how many requests were submitted with the owner. */
size_t lh_http_owner_end(lh_http *h, const lh_http_owner *save);

/* Creates a client.  Returns NULL and sets *err (a static string, do not free) when opts
 * are unusable (missing base_url, not http:// or https://). */
lh_http *lh_http_new(const lh_http_opts *opts, const char **err);
/* Frees the client and any connection it holds.  NULL is ignored.  Not during run. */
void lh_http_free(lh_http *h);

/* Between lh_http_new_work_begin and lh_http_new_work_end the requests submitted are
 * new work queued at the end, also from a completion callback (where they would
 * otherwise count as follow-ups of the operation completing): apply hands a long list
 * of changes to the queue a window at a time as earlier ones finish.  Returns what
 * lh_http_new_work_end restores. */
int lh_http_new_work_begin(lh_http *h);
void lh_http_new_work_end(lh_http *h, int saved);

/* Queues a request (everything in req is copied).  Can be called before lh_http_run or
 * from a completion callback.  After lh_http_stop the request completes (inside the
 * next/current lh_http_run) with LH_HTTP_CANCELLED.  Returns false only on bad input
 * (method not GET/POST, NULL path); then nothing was queued. */
bool lh_http_submit(lh_http *h, const lh_http_req *req);

/* Runs until every queued request (including those submitted by callbacks) has
 * completed.  Returns the number of requests completed with LH_HTTP_OK. */
size_t lh_http_run(lh_http *h);

/* Prefetch: sends the first attempt of the GETs queued now from a background thread,
 * in queue order and at most parallelism at once, so that the answers come while the
 * caller does other work (plan validates the configuration meanwhile).  lh_http_run (or
 * lh_http_submit) ends it first - it starts nothing more, and its transfers in flight
 * become the caller's as if started there - then takes each answer it holds as that
 * request's first attempt (retries, messages and callbacks as always, on the calling
 * thread) and sends the rest itself.
 * Nothing else is sent: the requests are the queue's, with the same options; it holds
 * at most 1 MB of answers.  It also parses the answers of requests with a json_arena
 * or json_scratch (up to 2 MB of trees), into that arena or scratch memory, so that
 * a caller's arena given to a prefetched request must not be used by any thread but
 * the prefetch's until lh_http_run or lh_http_submit (or the cancel) has ended it.
 * Until then the caller must not use h but for lh_http_stop
 * (the thread too starts nothing more, and gives those in flight the stop's grace) and
 * lh_http_prefetch_cancel.  Returns false, and nothing started, when no GET is queued,
 * with the fake transport, after lh_http_stop or when no thread can be made. */
bool lh_http_prefetch(lh_http *h, bool complete);
/* With complete, the thread also completes each request whose first attempt got a
 * clean answer - a 2xx it parsed, or no body - calling its callback there, as
 * lh_http_run would (anything else waits for lh_http_run as above): the callbacks must
 * then touch nothing the caller's thread uses until lh_http_prefetch_settle, after
 * which none runs there any more and what they did is the caller's to see (the
 * thread goes on as a plain prefetch until lh_http_run or lh_http_submit ends it).
 * Harmless without such a prefetch. */
void lh_http_prefetch_settle(lh_http *h);
/* An open prefetch: it starts with nothing queued perhaps, and sends the GETs the
 * caller's thread submits as they come (lh_http_submit appends them under a lock and
 * wakes it), completing nothing, until lh_http_prefetch_close (with complete: as
 * lh_http_prefetch(h, true) from there on).  Meanwhile the caller's thread may use h
 * only for lh_http_submit (of requests without delay) and the calls above. */
bool lh_http_prefetch_open(lh_http *h);
bool lh_http_prefetch_close(lh_http *h, bool complete);
/* Leaves a prefetch at once (transfers in flight dropped, without waiting for a server
 * or a name resolver) and forgets what it fetched: the queued requests are then as if
 * never sent.  Harmless without a prefetch.  lh_http_free calls it. */
void lh_http_prefetch_cancel(lh_http *h);

/* Stops starting new requests and new retries (see the file comment).
 * Async-signal-safe: may be called from a SIGINT handler. */
void lh_http_stop(lh_http *h);
/* True once lh_http_stop was called.  lh_http_resume clears it. */
bool lh_http_stopped(const lh_http *h);
void lh_http_resume(lh_http *h);
/* Resumes for the stop's grace only (look-ups that must run after an interrupt): what is
 * not finished stop_grace_s from now is abandoned and cancelled as after a stop. */
void lh_http_resume_briefly(lh_http *h);
/* How many requests in flight were abandoned at the end of a stop's grace. */
size_t lh_http_abandoned(const lh_http *h);

/* Told before each automatic retry: what failed (message), which attempt it was
 * (attempt of max_attempts; 0 when only the time budget bounds them) and when the next
 * one starts (delay_s).  Called from inside
 * lh_http_run on the calling thread. */
typedef void (*lh_http_retry_fn)(void *ctx, const char *message, int attempt,
    int max_attempts, double delay_s);
/* Sets the process-wide retry notice (NULL: none), so the command layer can say on
 * stderr that a request is being retried.  Set it before any lh_http_run. */
void lh_http_on_retry(lh_http_retry_fn fn, void *ctx);

/* Synchronous convenience: runs req alone (not while lh_http_run is active) and fills
 * *out; req->done is ignored.  Free with lh_http_resp_clear.  Returns out->result. */
lh_http_result lh_http_do(lh_http *h, const lh_http_req *req, lh_http_resp *out);
/* Frees what lh_http_do put in r (json, body, error, method, path). */
void lh_http_resp_clear(lh_http_resp *r);

/* Builds the one-line error message for an HTTP error answer: "METHOD PATH: STATUS
 * REASON: MESSAGE" where MESSAGE is the most specific text found in body (the three
 * LiteLLM error shapes; python-repr messages unwrapped; 422 as "body.user_role: ...").
 * Exposed for tests and for callers that build their own messages.  Returns a malloc'd
 * string the caller frees. */
char *lh_http_error_message(const char *method, const char *path, int status,
    const char *body, size_t body_len);
/* The most specific message inside an error body alone (no method/path/status), or
 * NULL when none is found.  malloc'd; caller frees. */
char *lh_http_body_message(const char *body, size_t body_len);

#endif
