/* backend.h - where the state lives: Terraform's backends.
 *
 * A working directory's backend comes from the configuration's `terraform { backend
 * "TYPE" { ... } }` block, completed by `init -backend-config=...` and remembered, as
 * Terraform remembers it, in .terraform/terraform.tfstate ({"version":3,"backend":{"type",
 * "config","hash"}}, written 0600); the backend's environment variables fill what is
 * still unset when the backend is used (never saved).  Every command but init checks
 * that the configuration still matches what init saved (Terraform's "Backend
 * initialization required" errors).
 *
 * Storage: the local backend is a file path handed to state.c (its file, lock, backup
 * and journal code); pg and http are lh_store drivers (backend_pg.c, backend_http.c)
 * that state.c calls for reading, writing, locking and the journal.  state.c never
 * knows which driver it talks to.
 *
 * Workspaces: the current one is TF_WORKSPACE, else .terraform/environment, else
 * "default"; stored as Terraform stores them (terraform.tfstate.d/NAME/terraform.tfstate
 * locally, a row of terraform_remote_state.states per workspace in pg; http has none).
 *
 * Secrets: pg passwords and http credentials are never put into diagnostics; messages
 * from libpq and libcurl are scrubbed of them. */
#ifndef LH_BACKEND_H
#define LH_BACKEND_H
#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "diag.h"

/* ---- storage drivers (used by state.c) ---- */

typedef struct lh_store lh_store;

typedef struct lh_store_ops {
	/* One lock attempt.  info is Terraform's lock-info JSON (ID, Operation, Info, Who,
	 * Version, Created, Path).  Returns 1 locked, 0 held by someone else (*why: a
	 * malloc'd one-line reason naming the holder where the backend knows it, e.g.
	 * "Workspace is already locked: default"), -1 error (diagnostic added). */
	int (*lock)(lh_store *s, const char *info, char **why, lh_diags *d);
	/* Releases the lock taken by lock (no-op when none).  False after a diagnostic. */
	bool (*unlock)(lh_store *s, lh_diags *d);
	/* The stored state: 1 and *data (malloc'd, NUL-terminated) / *len, 0 when there is
	 * none yet, -1 error (diagnostic added). */
	int (*read)(lh_store *s, char **data, size_t *len, lh_diags *d);
	/* Stores data as the state and empties the journal (in one transaction where the
	 * backend has them).  False after a diagnostic; then the old state is intact. */
	bool (*write)(lh_store *s, const char *data, size_t len, lh_diags *d);
	/* The journal's records, one JSON line each ending in '\n' (malloc'd in *text; NULL
	 * and *len 0 when there is no journal).  False after a diagnostic. */
	bool (*journal_read)(lh_store *s, char **text, size_t *len, lh_diags *d);
	/* Appends one record (line without '\n').  Safe from the process being killed
	 * once it returns. */
	bool (*journal_append)(lh_store *s, const char *line, lh_diags *d);
	/* Makes every appended record durable (survives a crash of the storage too). */
	bool (*journal_sync)(lh_store *s, lh_diags *d);
	/* Removes the journal. */
	bool (*journal_clear)(lh_store *s, lh_diags *d);
	/* Releases everything (unlocks first when still locked). */
	void (*free)(lh_store *s);
	/* force-unlock: releases the lock another run holds, given its ID.  False after a
	 * diagnostic.  NULL: the backend cannot (its locks die with their holder). */
	bool (*force_unlock)(lh_store *s, const char *id, lh_diags *d);
} lh_store_ops;

struct lh_store {
	const lh_store_ops *ops;
	char *desc;		/* for messages: `the "pg" backend (workspace "default")` */
	char *workspace;	/* workspace name */
};

/* ---- configuration ---- */

typedef enum { LH_BACKEND_LOCAL, LH_BACKEND_PG, LH_BACKEND_HTTP } lh_backend_type;

/* A backend configuration: type and every schema attribute (JSON null when unset). */
typedef struct lh_backend {
	lh_backend_type type;
	char *type_name;	/* "local", "pg", "http" */
	cJSON *config;		/* object: attribute -> string / bool / number / null; owned */
	unsigned long hash;	/* Terraform's hash of the configuration block (crc32 of cty's
				 * set-hash bytes), as .terraform/terraform.tfstate records it */
	bool implicit;		/* no backend block and none saved: local defaults */
} lh_backend;

void lh_backend_free(lh_backend *b);
/* The default local backend (terraform.tfstate, terraform.tfstate.d). */
lh_backend *lh_backend_local_default(void);

/* TF_DATA_DIR or ".terraform".  Borrowed, static. */
const char *lh_backend_data_dir(void);

/* The current workspace: TF_WORKSPACE, else the data dir's "environment" file, else
 * "default".  Borrowed; valid until the next call. */
const char *lh_backend_workspace(void);
/* True when TF_WORKSPACE overrides the selection. */
bool lh_backend_workspace_overridden(void);
/* Records name as the selected workspace (data dir "environment" file). */
bool lh_backend_workspace_select(const char *name, lh_diags *d);
/* Terraform's rule: URL-safe characters, no path separators, not empty. */
bool lh_backend_workspace_name_valid(const char *name);

/* The backend block of the configuration in dir (NULL in *out when there is none),
 * with -backend-config overrides (KEY=VALUE or a file of attributes) merged in when
 * overrides is not NULL.  b->hash is Terraform's hash of the block alone. */
bool lh_backend_from_config(const char *dir, const char *const *overrides, size_t noverrides,
    lh_backend **out, lh_diags *d);

/* The backend saved by init in the data dir, or NULL in *out when none. */
bool lh_backend_saved(lh_backend **out, lh_diags *d);
/* Saves b as the initialised backend (0600, atomically); b NULL removes the record of a
 * backend (back to local). */
bool lh_backend_save(const lh_backend *b, lh_diags *d);

/* For every command but init: the backend to use, the saved one checked against the
 * configuration in "." (Terraform's "Backend initialization required" otherwise).  A
 * directory with neither uses local defaults (implicit). */
bool lh_backend_current(lh_backend **out, lh_diags *d);
/* lh_backend_current when the caller has read the configuration already:
 * configured false says it holds no backend block (nothing read again). */
bool lh_backend_current_cfg(bool configured, lh_backend **out, lh_diags *d);

/* True when the two configurations are equal (type and every attribute). */
bool lh_backend_same(const lh_backend *a, const lh_backend *b);

/* Opens workspace ws of b: for local, *store is NULL and *path the state file
 * (malloc'd); for pg/http, *store is a driver (freed by state.c or lh_store_free) and
 * *path NULL.  create: a missing pg workspace is created as Terraform does (an empty
 * state row), otherwise it is an error naming it. */
bool lh_backend_open(const lh_backend *b, const char *ws, bool create, lh_store **store,
    char **path, lh_diags *d);
void lh_store_free(lh_store *s);

/* Workspaces of b, "default" first then sorted (malloc'd array of malloc'd names;
 * free with lh_backend_names_free).  Backends without workspaces (http) add Terraform's
 * "workspaces not supported" error. */
bool lh_backend_workspaces(const lh_backend *b, char ***names, size_t *n, lh_diags *d);
void lh_backend_names_free(char **names, size_t n);
/* Deletes workspace ws's stored state (and journal). */
bool lh_backend_workspace_delete(const lh_backend *b, const char *ws, lh_diags *d);

/* A setting of b after the environment defaults: string value or NULL.  Borrowed from b
 * or the environment. */
const char *lh_backend_get(const lh_backend *b, const char *name);

/* Drivers (backend_pg.c, backend_http.c). */
bool lh_backend_pg_open(const lh_backend *b, const char *ws, bool create, lh_store **out,
    lh_diags *d);
bool lh_backend_pg_workspaces(const lh_backend *b, char ***names, size_t *n, lh_diags *d);
bool lh_backend_pg_delete(const lh_backend *b, const char *ws, lh_diags *d);
bool lh_backend_http_open(const lh_backend *b, lh_store **out, lh_diags *d);

/* The bytes of the file at path (malloc'd, NUL-terminated; *len set when not NULL), or
 * NULL with errno set. */
char *lh_backend_slurp(const char *path, size_t *len);

/* Replaces every occurrence of secret in s (in place, keeping the length bound) by
 * "***"; helper for drivers scrubbing library messages.  Returns s. */
char *lh_backend_scrub(char *s, const char *secret);

#endif
