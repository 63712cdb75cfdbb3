/* faults.h - injected faults for reliability tests.
 *
 * A fault rule matches requests by path (exact, "PREFIX*" or "*") and optionally method,
 * and fires either with a probability or on the Nth..N+K-1th matching request.  The
 * server asks emu_fault_decide() once per request and acts on the answer.  Rules come from
 * --fault flags and the /__emu/faults admin route; thread-safe (own mutex).
 */
#ifndef EMU_FAULTS_H
#define EMU_FAULTS_H

#include "emu.h"

/* The kinds marked "after" may do the work first ("after":true: the route runs and
 * commits, then its answer is replaced); the others always do it (TRUNCATE, MALFORMED,
 * HANG) or never (LATENCY just waits). */
enum emu_fault_kind {
	EMU_FAULT_NONE,
	EMU_FAULT_LATENCY,   /* wait ms, then answer normally */
	EMU_FAULT_STATUS,    /* answer status with a body of its own ("after") */
	EMU_FAULT_RATELIMIT, /* 429 with Retry-After ("after") */
	EMU_FAULT_RESET,     /* abort the connection with a TCP RST, no answer ("after") */
	EMU_FAULT_TRUNCATE,  /* do the work, send half the body, close the connection */
	EMU_FAULT_MALFORMED, /* do the work, answer a complete but invalid JSON body */
	EMU_FAULT_HANG,      /* do the work, send half the body, never finish */
	EMU_FAULT_HTML,      /* an HTML page (status default 200) instead of JSON ("after") */
	EMU_FAULT_EMPTY,     /* an empty body (status default 200) ("after") */
	EMU_FAULT_CLOSE      /* close the connection cleanly (FIN), no answer ("after") */
};

/* The body a STATUS answer carries. */
enum emu_fault_body {
	EMU_BODY_AUTO,       /* 500: LiteLLM's JSON error; anything else: the gateway's HTML */
	EMU_BODY_JSON,       /* {"error":{"message","type","param","code"}} */
	EMU_BODY_HTML,       /* nginx's error page */
	EMU_BODY_TEXT,       /* text/plain "Internal Server Error" style, as FastAPI's 500 */
	EMU_BODY_EMPTY       /* nothing (Content-Length: 0) */
};

struct emu_fault_hit {
	enum emu_fault_kind kind;
	int id;              /* rule id */
	int status;          /* STATUS, HTML, EMPTY */
	enum emu_fault_body body;
	int delay_ms;        /* wait before acting (LATENCY, or "ms" on any rule) */
	int retry_after;     /* for RATELIMIT, seconds */
	bool after;          /* do the work first, then answer the fault */
};

/* Add a rule from "key=value,key=value" (same keys as the JSON form).  Returns the rule
 * id, or -1 with *err set (caller frees). */
int emu_fault_add_spec(const char *spec, char **err);
/* Add a rule from {"path","method","kind","status","body","ms","retry_after","probability",
 * "nth","count","after","conn"}.  Returns the id or -1 with *err set.  "conn":"reused"
 * matches only requests that are not the first on their TCP connection (a kept-alive one,
 * where an HTTP client may silently send a request again when the connection dies),
 * "new" only the first; absent or "any": both. */
int emu_fault_add_json(const cJSON *rule, char **err);
/* Decide the fault for one request (new_conn: the first on its connection); counts the
 * request for every matching rule. */
void emu_fault_decide(const char *method, const char *path, bool new_conn,
                      struct emu_fault_hit *hit);
/* All rules with their counters (caller deletes). */
cJSON *emu_fault_list(void);
/* Remove one rule (id >= 0) or all (id < 0); returns how many were removed. */
int emu_fault_clear(int id);
const char *emu_fault_kind_name(enum emu_fault_kind k);

#endif
