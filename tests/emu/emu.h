/* emu.h - shared declarations of the LiteLLM proxy emulator (build/litellm-emu).
 *
 * The emulator answers the management API described in shared/spec/litellm-api.md over
 * HTTP on 127.0.0.1.  Flow of a request:
 *   server.c (libmicrohttpd glue: body, auth, routing, faults, request log)
 *     -> users.c / teams.c / admin.c (one function per route, store lock held)
 *       -> store.c (users, teams, keys: hash tables, persistence)
 *   json.c holds the JSON helpers every layer shares (floats, reprs, error bodies),
 *   validate.c the pydantic-like 422 checks, clock.c times and budget resets;
 *   faults.c decides which injected fault a request gets.
 * Everything a route needs arrives in an emu_req; everything it answers goes into an
 * emu_resp.  Routes never touch sockets.
 */
#ifndef EMU_H
#define EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <cjson/cJSON.h>

/* ---- configuration (main.c fills it from argv) ---- */
struct emu_config {
	const char *master_key;      /* NULL: open API */
	const char *path_prefix;     /* routes served under it ("/litellm"), or NULL */
	bool legacy;                 /* old (~v1.80) behaviour instead of new (~v1.83) */
	bool premium;                /* enterprise build: team admins allowed */
	int port;                    /* 0 picks a free port */
	const char *port_file;       /* where the chosen port is written, or NULL */
	const char *log_file;        /* JSON-lines request log, or NULL */
	const char *data_file;       /* persisted state, or NULL */
	const char *seed_file;       /* state loaded at start, or NULL */
	int threads;                 /* MHD thread pool size */
	int hang_max_ms;             /* a hung response is cut after this long */
	const char *tls_dir;         /* --tls: serve HTTPS with DIR/cert.pem + DIR/key.pem */
	int latency_ms;              /* the network model: added to every answer, */
	int conn_latency_ms;         /* ... to the first answer on a new connection, */
	int write_latency_ms;        /* ... to every write (non-GET) */
	int roster_race_ms;          /* member routes read the roster, wait this long, write it */
	bool have_seed_random;       /* --seed-random given: deterministic ids/faults */
	uint64_t seed_random;
	int64_t fixed_now_ms;        /* --now: frozen clock (ms since epoch), 0 = real */
	int time_format;             /* EMU_TIME_*: how stored timestamps are written */
	/* server-side defaults applied to new users, as a proxy config would */
	bool have_default_max_budget;
	double default_max_budget;
	const char *default_budget_duration;
	cJSON *default_models;       /* array of strings, or NULL */
	const char *default_user_role;
	/* ... and to new teams (litellm.default_team_settings) */
	bool have_default_team_max_budget;
	double default_team_max_budget;
	const char *default_team_budget_duration;
};

/* Timestamp spellings seen from real servers. */
enum {
	EMU_TIME_MICRO,   /* 2024-06-14T22:48:36.594000Z (default) */
	EMU_TIME_OFFSET,  /* 2024-06-14T22:48:36.594000+00:00 */
	EMU_TIME_SECONDS  /* 2024-06-14T22:48:36Z */
};

extern struct emu_config emu_cfg;

/* ---- one request and its answer ---- */
struct emu_req {
	const char *method;          /* "GET", "POST", ... */
	const char *path;            /* as sent, without the query string (logged) */
	const char *route;           /* path with --path-prefix removed; NULL if outside it */
	cJSON *query;                /* object name -> string (first value wins) */
	const char *body;            /* raw body bytes (NUL-terminated), maybe "" */
	size_t body_len;
	bool body_is_json;           /* Content-Type is application/json (or +json) */
	cJSON *json;                 /* parsed body when body_is_json and valid, else NULL */
	bool is_admin;               /* authenticated with the master key (or open API) */
	const char *race_team;       /* --roster-race-ms: the team whose roster was read ... */
	cJSON *race_roster;          /* ... when the request arrived (written back with its edit) */
};

struct emu_resp {
	int status;
	char *body;                  /* malloc'd JSON text (or raw text for faults) */
	const char *content_type;    /* default application/json */
	int retry_after;             /* > 0: send a Retry-After header */
	const char *allow;           /* 405: the Allow header */
};

/* Route handler: fills resp; called with the store lock held. */
typedef void (*emu_handler)(struct emu_req *req, struct emu_resp *resp);

/* ---- json.c ---- */
/* Set resp to status + the printed JSON of v; takes ownership of v. */
void emu_resp_json(struct emu_resp *resp, int status, cJSON *v);
/* Error shape 1: {"error":{"message","type","param","code"}}. */
void emu_resp_error(struct emu_resp *resp, int status, const char *type, const char *param,
                    const char *message);
/* Error shape 1 whose message is Python's repr of {'error': MSG}. */
void emu_resp_error_repr(struct emu_resp *resp, int status, const char *type, const char *msg);
/* The same with another dict key: {'message': MSG} (HTTPException details re-wrapped). */
void emu_resp_error_repr_key(struct emu_resp *resp, int status, const char *type, const char *key,
                             const char *msg);
/* Error shape 2: {"detail": MSG} (as_object: {"detail":{"error":MSG}}). */
void emu_resp_detail(struct emu_resp *resp, int status, bool as_object, const char *msg);
/* The same three answers with a printf-formatted message (the usual way a route
 * words an error: format, answer, free in one call). */
void emu_resp_errorf(struct emu_resp *resp, int status, const char *type, const char *param,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void emu_resp_error_reprf(struct emu_resp *resp, int status, const char *type, const char *fmt,
                          ...) __attribute__((format(printf, 4, 5)));
/* {"detail":{"error":MSG}} with a formatted MSG. */
void emu_resp_detail_errorf(struct emu_resp *resp, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Abort with a message when p is NULL (a test server has no better answer to OOM). */
void emu_oom_check(const void *p);
/* printf into a malloc'd string; never returns NULL (aborts on OOM). */
char *emu_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *emu_strdup(const char *s);
void *emu_xmalloc(size_t n);
/* Python repr() of a string: 'abc' or "it's". Caller frees. */
char *emu_py_repr(const char *s);
/* Python repr() of a float as JSON number text ("10.0", "6.25e-06"). buf >= 32. */
void emu_float_text(double d, char *buf, size_t n);
/* A cJSON raw number item printing d with a decimal point. */
cJSON *emu_json_float(double d);
/* Numeric value of a number or raw-number item; false when it is neither. */
bool emu_json_number(const cJSON *v, double *out);
/* Replace the members named in keys (NULL-terminated) that are numbers by float items. */
void emu_json_fix_floats(cJSON *obj, const char *const *keys);
/* Add helpers that abort on OOM (a test server has no better answer). */
void emu_add(cJSON *obj, const char *name, cJSON *v);
void emu_add_str(cJSON *obj, const char *name, const char *s);  /* NULL -> null */
void emu_set(cJSON *obj, const char *name, cJSON *v);           /* replace or add */
void emu_push(cJSON *arr, cJSON *v);                             /* append to an array */
/* Copy of a string member, or NULL when absent/not a string. */
const char *emu_get_str(const cJSON *obj, const char *name);

/* A growable string (p NUL-terminated once anything was put; free(p) when done). */
struct emu_buf {
	char *p;
	size_t n, cap;
};
void emu_buf_put(struct emu_buf *b, const char *s, size_t k);
void emu_buf_str(struct emu_buf *b, const char *s);

/* Walk compact JSON text without building a tree: the members of an object (fn gets the
 * raw name, unescaped only if it had no escapes, and the value's text) or the elements of
 * an array; fn returns false to stop.  False when the text is malformed (or fn stopped). */
bool emu_text_members(const char *p, const char *end,
                      bool (*fn)(const char *name, size_t nlen, const char *v, const char *vend,
                                 void *arg),
                      void *arg);
bool emu_text_elements(const char *p, const char *end,
                       bool (*fn)(const char *e, const char *eend, void *arg), void *arg);
/* The top-level member name of an object's text, parsed (caller deletes); NULL if absent. */
cJSON *emu_text_member(const char *text, const char *name);
/* Order two column values like Postgres: nulls last ascending; numbers (when numeric) or
 * strings by byte value. */
int emu_value_cmp(const cJSON *a, const cJSON *b, bool numeric);

/* ---- clock.c ---- */
/* Current time (ms since epoch; frozen by --now) and its ISO text
 * "2024-06-14T22:48:36.594000Z" or another EMU_TIME_* spelling (buf >= 40). */
int64_t emu_now_ms(void);
void emu_time_text(int64_t ms, char *buf, size_t n);
/* Parse an ISO timestamp like the ones above; false when malformed. */
bool emu_time_parse(const char *s, int64_t *ms);
/* The budget_duration grammar ^[1-9][0-9]*(s|m|h|d|w)$|^1mo$ */
bool emu_duration_valid(const char *s);
/* When a budget with this duration set at now_ms resets next (ms), or -1. */
int64_t emu_duration_reset(const char *s, int64_t now_ms);

/* ---- validation (validate.c): pydantic-like field checks producing 422 bodies ---- */
enum emu_ftype {
	EMU_F_STR, EMU_F_FLOAT, EMU_F_INT, EMU_F_BOOL, EMU_F_LIST, EMU_F_STRLIST,
	EMU_F_DICT, EMU_F_USER_ROLE, EMU_F_TEAM_ROLE, EMU_F_MEMBER, EMU_F_MEMBERS, EMU_F_ANY
};
struct emu_field {
	const char *name;
	enum emu_ftype type;
	bool required;
};
/* Validate the request body against fields (terminated by a NULL name).  On failure fills
 * resp with 422 and returns false; on success req->json is an object. */
bool emu_validate_body(struct emu_req *req, const struct emu_field *fields,
                       struct emu_resp *resp);
/* The model validator of requests naming a user (user update, team member update and
 * delete): it runs before the field checks; neither user_id nor user_email -> 422. */
bool emu_validate_id_or_email(struct emu_req *req, struct emu_resp *resp);
/* Append one pydantic error to a detail array. input is borrowed and copied. */
void emu_verr(cJSON *detail, const char *type, const char *where, const char *field, int index,
              const char *msg, const cJSON *input, cJSON *ctx);
/* Answer 422 with detail (takes ownership). */
void emu_resp_422(struct emu_resp *resp, cJSON *detail);

/* ---- random (store.c; deterministic with --seed-random) ---- */
uint64_t emu_rand64(void);
double emu_rand01(void);
void emu_uuid4(char out[37]);

/* ---- routes ---- */
void emu_route_user_new(struct emu_req *req, struct emu_resp *resp);
void emu_route_user_info(struct emu_req *req, struct emu_resp *resp);
void emu_route_user_update(struct emu_req *req, struct emu_resp *resp);
void emu_route_user_delete(struct emu_req *req, struct emu_resp *resp);
void emu_route_user_list(struct emu_req *req, struct emu_resp *resp);
void emu_route_team_new(struct emu_req *req, struct emu_resp *resp);
void emu_route_team_info(struct emu_req *req, struct emu_resp *resp);
void emu_route_team_update(struct emu_req *req, struct emu_resp *resp);
void emu_route_team_delete(struct emu_req *req, struct emu_resp *resp);
void emu_route_team_member_add(struct emu_req *req, struct emu_resp *resp);
void emu_route_team_member_delete(struct emu_req *req, struct emu_resp *resp);
void emu_route_team_member_update(struct emu_req *req, struct emu_resp *resp);
void emu_route_team_list(struct emu_req *req, struct emu_resp *resp);
void emu_route_team_list_v2(struct emu_req *req, struct emu_resp *resp);
void emu_route_team_block(struct emu_req *req, struct emu_resp *resp);
void emu_route_team_unblock(struct emu_req *req, struct emu_resp *resp);
void emu_route_team_permissions_update(struct emu_req *req, struct emu_resp *resp);
void emu_route_team_permissions_list(struct emu_req *req, struct emu_resp *resp);
/* admin.c: dispatches every /__emu/ route; false when the path is unknown. */
bool emu_admin_dispatch(struct emu_req *req, struct emu_resp *resp);

/* ---- server.c ---- */
/* Start the HTTP daemon on 127.0.0.1; returns the bound port or -1 (message printed). */
int emu_server_start(void);
/* Release hung/delayed connections and stop the daemon. */
void emu_server_stop(void);
/* {"connections","requests","writes","faults","routes":{"METHOD /route":N}} since start
 * or the last reset (reset: zero them after reading).  Caller deletes. */
cJSON *emu_server_stats(bool reset);
/* Readiness toggle (admin): false makes /health/readiness answer 503. */
extern volatile bool emu_db_connected;

#endif
