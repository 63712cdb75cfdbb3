/* user_api.h - the litellm_user resource type as the planner and the applier see it:
 * its attribute table for plan.c (lh_user_rtype) and its lifecycle over the LiteLLM
 * management API (create, read, update, delete, import) through http.h.
 *
 * Attribute objects are cJSON objects holding every schema attribute in the state's
 * spelling (what the configuration used where config and server agree by meaning). */
#ifndef LH_USER_API_H
#define LH_USER_API_H
#include <stdbool.h>

#include <cjson/cJSON.h>

#include "plan.h"

/* The planner's view of litellm_user (attributes sorted, compare by meaning). */
extern const lh_plan_rtype lh_user_rtype;

/* True when config value c and server/state value s of attribute attr mean the same
 * (admin == proxy_admin, daily == 1d, max_budget 0 == null, metadata as JSON ...). */
bool lh_user_same(const char *attr, const cJSON *c, const cJSON *s);

#endif

/* ---- lifecycle over the API ---- */
struct lh_http;

typedef enum {
	LH_USER_READ,		/* GET /user/info */
	LH_USER_CREATE,		/* POST /user/new, then read back */
	LH_USER_UPDATE,		/* POST /user/update with the changed fields, then read back */
	LH_USER_DELETE		/* POST /user/delete, one id */
} lh_user_opkind;

/* One operation on one user.  The caller fills the inputs, submits it, and gets
 * done() called once from inside lh_http_run with the results filled in. */
typedef struct lh_user_op {
	lh_user_opkind kind;
	const char *addr;	/* for messages: litellm_user.dev */
	const char *id;		/* user_id (create: the id chosen by the client) */
	bool own_id;		/* create: litehcl generated id (a UUID nobody else has),
				 * so a 409 for it means an earlier attempt landed */
	const cJSON *before;	/* update: the state's attributes */
	const cJSON *after;	/* create/update: planned attributes (config spelling) */
	const cJSON *ref;	/* read: attributes whose spelling to keep, or NULL */
	void (*done)(struct lh_user_op *op, void *ctx);
	void *ctx;
	/* results */
	bool ok;		/* succeeded (delete: also when already gone) */
	bool gone;		/* read: no such user; delete: was already gone */
	bool cancelled;		/* never sent: the run was interrupted (lh_http_stop) */
	bool maybe_created;	/* create failed after the request may have arrived */
	cJSON *attrs;		/* read/create/update: the user as state attributes (owned;
				 * take it and set NULL to keep it) */
	char *summary;		/* on failure: one-line summary (malloc'd) */
	char *detail;		/* on failure: details, never holding the key (malloc'd) */
	double started;		/* monotonic seconds at submit, for "after Ns" */
	int stage;		/* internal */
} lh_user_op;

/* Submits op on h; done() is called from lh_http_run.  Returns false when the request
 * could not be queued (then done is not called). */
bool lh_user_submit(struct lh_http *h, lh_user_op *op);
/* Frees the results inside op (attrs, summary, detail). */
void lh_user_op_clear(lh_user_op *op);

/* The server's row (GET /user/info user_info, or a /user/list entry) as state
 * attributes; where ref's value means the same as the server's, ref's spelling is kept
 * (the state keeps what the configuration wrote).  Returns a new object. */
cJSON *lh_user_from_api(const cJSON *row, const cJSON *ref);
/* JSON body of POST /user/new for planned attributes after (malloc'd text). */
char *lh_user_create_body(const cJSON *after, const char *user_id);
/* JSON body of POST /user/update: user_id plus every argument whose after value differs
 * by meaning from before (malloc'd text); *nchanged gets their count. */
char *lh_user_update_body(const char *user_id, const cJSON *before, const cJSON *after,
    int *nchanged);
/* After a write: the first configured argument of after whose value the server did not
 * take (compared by meaning with got), or NULL. */
const char *lh_user_check(const cJSON *after, const cJSON *got, const cJSON *before);
