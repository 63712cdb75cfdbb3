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

enum emu_fault_kind {
	EMU_FAULT_NONE,
	EMU_FAULT_LATENCY,   /* wait ms, then answer normally */
	EMU_FAULT_STATUS,    /* answer status (500/502/503/504...) without doing the work */
	EMU_FAULT_RATELIMIT, /* 429 with Retry-After, without doing the work */
	EMU_FAULT_RESET,     /* close the socket (RST) without any answer */
	EMU_FAULT_TRUNCATE,  /* do the work, send half the body, close the connection */
	EMU_FAULT_MALFORMED, /* do the work, answer a complete but invalid JSON body */
	EMU_FAULT_HANG       /* do the work, send half the body, never finish */
};

struct emu_fault_hit {
	enum emu_fault_kind kind;
	int id;              /* rule id */
	int status;          /* for STATUS */
	int delay_ms;        /* wait before acting (LATENCY, or "ms" on any rule) */
	int retry_after;     /* for RATELIMIT, seconds */
	bool after;          /* RESET: do the work first */
};

/* Add a rule from "key=value,key=value" (same keys as the JSON form).  Returns the rule
 * id, or -1 with *err set (caller frees). */
int emu_fault_add_spec(const char *spec, char **err);
/* Add a rule from {"path","method","kind","status","ms","retry_after","probability",
 * "nth","count","after"}.  Returns the id or -1 with *err set. */
int emu_fault_add_json(const cJSON *rule, char **err);
/* Decide the fault for one request; counts the request for every matching rule. */
void emu_fault_decide(const char *method, const char *path, struct emu_fault_hit *hit);
/* All rules with their counters (caller deletes). */
cJSON *emu_fault_list(void);
/* Remove one rule (id >= 0) or all (id < 0); returns how many were removed. */
int emu_fault_clear(int id);
const char *emu_fault_kind_name(enum emu_fault_kind k);

#endif
