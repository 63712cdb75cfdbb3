/* backend_pg.c - the "pg" backend: Terraform's PostgreSQL state storage, through libpq.
 *
 * Shares one database with Terraform 1.11 (internal/backend/remote-state/pg): schema
 * schema_name (default terraform_remote_state, created unless skip_schema_creation),
 * table states (id bigint from public.global_states_id_seq, name text UNIQUE, data
 * text) with index states_by_name, one row per workspace, created the way Terraform
 * creates them (an empty state row when a workspace other than "default" is first
 * used).  Locking is Terraform's: a session-level pg_try_advisory_lock on the row's id
 * (with the creation lock -1 tried in the same statement), or on -1 while the
 * workspace has no row yet; it is held by this run's one connection until unlock or
 * exit, so Terraform and litehcl exclude each other.
 *
 * The write-ahead journal lives in a table of litehcl's own in the same schema,
 * litehcl_journal (workspace, seq, line) - never in states, where Terraform would list
 * it as a workspace.  Appends are committed at once with synchronous_commit off (safe
 * from the client being killed as soon as the INSERT returns: the server has it);
 * journal_sync forces the WAL to disk; saving writes the state and deletes the
 * workspace's journal rows in one transaction, so a kill leaves either the old state
 * with its journal or the new state without one.  Replay therefore works from any
 * machine that reaches the database.
 *
 * The connection string means what it means to Terraform: its lib/pq driver defaults to
 * sslmode=require where libpq defaults to prefer, so litehcl passes sslmode=require
 * unless the string or PGSSLMODE says otherwise.  The password is never shown: libpq's
 * messages are scrubbed of it. */
#include "backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dlfcn.h>
#include <libpq-fe.h>

#include "buf.h"
#include "state.h"
#include "uuid.h"

/* libpq is loaded when a pg backend is first used, not linked: every other run (the
 * local and http backends, plan, fmt ...) would otherwise pay for loading it and its
 * dependencies at each start.  The header gives the types; calls go through this table. */
#define PQ_FUNCS(X) X(PQclear) X(PQconnectdbParams) X(PQconninfoFree) X(PQconninfoParse) \
	X(PQerrorMessage) X(PQexec) X(PQexecParams) X(PQfinish) X(PQfreemem) X(PQgetisnull) \
	X(PQgetlength) X(PQgetvalue) X(PQntuples) X(PQresultErrorField) X(PQresultErrorMessage) \
	X(PQresultStatus) X(PQsetNoticeProcessor) X(PQstatus)
#define PQ_MEMBER(f) __typeof__(f) *f;
static struct {
	PQ_FUNCS(PQ_MEMBER)
} pq;
#undef PQ_MEMBER

#define PQ_LIB "libpq.so.5"

/* Loads libpq (once); false with an error saying what is missing. */
static bool
pq_load(lh_diags *d)
{
	static void *lib;
	if (lib != NULL)
		return true;
	void *h = dlopen(PQ_LIB, RTLD_NOW | RTLD_LOCAL);
	const char *missing = NULL;
#define PQ_RESOLVE(f) if (h != NULL && missing == NULL && (*(void **)&pq.f = dlsym(h, #f)) == NULL) \
	missing = #f;
	PQ_FUNCS(PQ_RESOLVE)
#undef PQ_RESOLVE
	if (h == NULL || missing != NULL) {
		const char *why = dlerror();
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "PostgreSQL client library not available",
		    "The pg backend needs libpq (%s, Debian's libpq5 package): %s.", PQ_LIB,
		    missing != NULL ? "a function it should have is missing" :
		    why != NULL ? why : "it could not be loaded");
		if (h != NULL)
			dlclose(h);
		memset(&pq, 0, sizeof pq);
		return false;
	}
	lib = h;
	return true;
}

#define PQ_CALL(f) pq.f
#define PQclear PQ_CALL(PQclear)
#define PQconnectdbParams PQ_CALL(PQconnectdbParams)
#define PQconninfoFree PQ_CALL(PQconninfoFree)
#define PQconninfoParse PQ_CALL(PQconninfoParse)
#define PQerrorMessage PQ_CALL(PQerrorMessage)
#define PQexec PQ_CALL(PQexec)
#define PQexecParams PQ_CALL(PQexecParams)
#define PQfinish PQ_CALL(PQfinish)
#define PQfreemem PQ_CALL(PQfreemem)
#define PQgetisnull PQ_CALL(PQgetisnull)
#define PQgetlength PQ_CALL(PQgetlength)
#define PQgetvalue PQ_CALL(PQgetvalue)
#define PQntuples PQ_CALL(PQntuples)
#define PQresultErrorField PQ_CALL(PQresultErrorField)
#define PQresultErrorMessage PQ_CALL(PQresultErrorMessage)
#define PQresultStatus PQ_CALL(PQresultStatus)
#define PQsetNoticeProcessor PQ_CALL(PQsetNoticeProcessor)
#define PQstatus PQ_CALL(PQstatus)

typedef struct pgstore {
	lh_store pub;
	PGconn *c;
	char *schema;		/* quoted identifier */
	char *password;		/* for scrubbing messages, or NULL */
	char *lock_path;	/* the advisory lock key held ("-1" or the row id), or NULL */
} pgstore;

typedef struct pgconn {
	PGconn *c;
	char *schema;
	char *password;
} pgconn;

static char *
quote_ident(const char *s)
{
	lh_buf b = {0};
	lh_buf_putc(&b, '"');
	for (; *s; s++) {
		if (*s == '"')
			lh_buf_putc(&b, '"');
		lh_buf_putc(&b, *s);
	}
	lh_buf_putc(&b, '"');
	return b.p;
}

/* A libpq message as one diagnostic, password scrubbed, trailing newline dropped. */
static void
pg_error(lh_diags *d, const char *summary, const char *what, const char *msg,
    const char *password)
{
	char *m = lh_xstrdup(msg ? msg : "unknown error");
	size_t n = strlen(m);
	while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
		m[--n] = '\0';
	lh_backend_scrub(m, password);
	lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, summary, "%s%s%s", what ? what : "",
	    what ? ": " : "", m);
	free(m);
}

static void
conn_close(pgconn *pc)
{
	if (pc->c != NULL)
		PQfinish(pc->c);
	free(pc->schema);
	free(pc->password);
	memset(pc, 0, sizeof *pc);
}

/* Runs sql with text parameters; returns the result (caller PQclear) or NULL after a
 * diagnostic.  ok_state: a SQLSTATE that is not an error for the caller (result kept). */
static PGresult *
q(pgconn *pc, const char *sql, int n, const char *const *params, const char *what,
    lh_diags *d)
{
	PGresult *r = PQexecParams(pc->c, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(r);
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
		return r;
	pg_error(d, "PostgreSQL error", what, r ? PQresultErrorMessage(r) : PQerrorMessage(pc->c),
	    pc->password);
	PQclear(r);
	return NULL;
}

static bool
exec_ok(pgconn *pc, const char *sql, int n, const char *const *params, const char *what,
    lh_diags *d)
{
	PGresult *r = q(pc, sql, n, params, what, d);
	PQclear(r);
	return r != NULL;
}

/* Runs stmts as one durable transaction (synchronous_commit on for it). */
static bool
tx_durable(pgconn *pc, const char *sql1, const char *sql2, int n, const char *const *params,
    const char *what, lh_diags *d)
{
	if (!exec_ok(pc, "BEGIN", 0, NULL, what, d))
		return false;
	bool ok = exec_ok(pc, "SET LOCAL synchronous_commit TO on", 0, NULL, what, d) &&
	    exec_ok(pc, sql1, n, params, what, d) &&
	    (sql2 == NULL || exec_ok(pc, sql2, 1, params, what, d)) &&
	    exec_ok(pc, "COMMIT", 0, NULL, what, d);
	if (!ok) {
		PGresult *r = PQexec(pc->c, "ROLLBACK");
		PQclear(r);
	}
	return ok;
}

static void
quiet(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

/* Connects and configures as Terraform's Configure does (schema, sequence, table,
 * index), plus litehcl's journal table. */
static bool
conn_open(const lh_backend *b, pgconn *pc, lh_diags *d)
{
	memset(pc, 0, sizeof *pc);
	if (!pq_load(d))
		return false;
	const char *cs = lh_backend_get(b, "conn_str");
	if (cs == NULL)
		cs = "";
	char *err = NULL;
	bool has_sslmode = getenv("PGSSLMODE") != NULL;
	PQconninfoOption *opts = PQconninfoParse(cs, &err);
	if (opts == NULL) {
		/* The message may quote part of the string: say only what is wrong. */
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid pg backend configuration",
		    "conn_str is not a PostgreSQL connection string (a postgres:// URL or "
		    "key=value pairs).");
		PQfreemem(err);
		return false;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (o->val == NULL)
			continue;
		if (strcmp(o->keyword, "password") == 0 && *o->val)
			pc->password = lh_xstrdup(o->val);
		if (strcmp(o->keyword, "sslmode") == 0)
			has_sslmode = true;
	}
	PQconninfoFree(opts);
	if (pc->password == NULL && getenv("PGPASSWORD") && *getenv("PGPASSWORD"))
		pc->password = lh_xstrdup(getenv("PGPASSWORD"));
	const char *kw[3] = {NULL, NULL, NULL}, *vals[3] = {NULL, NULL, NULL};
	int k = 0;
	if (!has_sslmode) {
		kw[k] = "sslmode";	/* lib/pq's default; the string can override it */
		vals[k++] = "require";
	}
	kw[k] = "dbname";
	vals[k++] = cs;
	pc->c = PQconnectdbParams(kw, vals, 1);
	if (pc->c != NULL)
		PQsetNoticeProcessor(pc->c, quiet, NULL);	/* "already exists, skipping" */
	if (pc->c == NULL || PQstatus(pc->c) != CONNECTION_OK) {
		pg_error(d, "Failed to connect to the pg backend", NULL,
		    pc->c ? PQerrorMessage(pc->c) : "out of memory", pc->password);
		conn_close(pc);
		return false;
	}
	const char *sname = lh_backend_get(b, "schema_name");
	if (sname == NULL || *sname == '\0')
		sname = "terraform_remote_state";
	pc->schema = quote_ident(sname);
	char *sql = NULL;
	bool ok = exec_ok(pc, "SET synchronous_commit TO off", 0, NULL, "configure", d);
	/* A state is megabytes of JSON: lz4 compresses it several times faster than the
	 * default pglz.  Per value, so any reader (Terraform included) decompresses it; a
	 * server without lz4 (or before 14) refuses the setting and keeps pglz. */
	PQclear(PQexec(pc->c, "SET default_toast_compression TO lz4"));
	if (ok && strcmp(lh_backend_get(b, "skip_schema_creation"), "true") != 0) {
		const char *p[1] = {sname};
		PGresult *r = q(pc, "select count(1) from information_schema.schemata where schema_name = $1",
		    1, p, "configure", d);
		ok = r != NULL;
		if (ok && atoi(PQgetvalue(r, 0, 0)) < 1) {
			sql = lh_xprintf("CREATE SCHEMA IF NOT EXISTS %s", pc->schema);
			ok = exec_ok(pc, sql, 0, NULL, "configure", d);
			free(sql);
		}
		PQclear(r);
	}
	if (ok && strcmp(lh_backend_get(b, "skip_table_creation"), "true") != 0) {
		ok = exec_ok(pc, "CREATE SEQUENCE IF NOT EXISTS public.global_states_id_seq AS bigint",
		    0, NULL, "configure", d);
		if (ok) {
			sql = lh_xprintf("CREATE TABLE IF NOT EXISTS %s.states (\n"
			    "\t\t\tid bigint NOT NULL DEFAULT nextval('public.global_states_id_seq') PRIMARY KEY,\n"
			    "\t\t\tname text UNIQUE,\n\t\t\tdata text\n\t\t\t)", pc->schema);
			ok = exec_ok(pc, sql, 0, NULL, "configure", d);
			free(sql);
		}
		if (ok) {
			sql = lh_xprintf("CREATE TABLE IF NOT EXISTS %s.litehcl_journal ("
			    "workspace text NOT NULL, seq bigserial NOT NULL, line text NOT NULL, "
			    "PRIMARY KEY (workspace, seq))", pc->schema);
			ok = exec_ok(pc, sql, 0, NULL, "configure", d);
			free(sql);
		}
	}
	if (ok && strcmp(lh_backend_get(b, "skip_index_creation"), "true") != 0) {
		sql = lh_xprintf("CREATE UNIQUE INDEX IF NOT EXISTS states_by_name ON %s.states (name)",
		    pc->schema);
		ok = exec_ok(pc, sql, 0, NULL, "configure", d);
		free(sql);
	}
	if (!ok)
		conn_close(pc);
	return ok;
}

/* ---- the store ---- */

static int
pg_lock(lh_store *s, const char *info, char **why, lh_diags *d)
{
	pgstore *ps = (pgstore *)s;
	pgconn pc = {ps->c, ps->schema, ps->password};
	const char *p[1] = {s->workspace};
	(void)info;	/* advisory locks carry no information (as in Terraform) */
	*why = NULL;
	char *sql = lh_xprintf("SELECT states.id, pg_try_advisory_lock(states.id), "
	    "pg_try_advisory_lock(-1) FROM %s.states WHERE states.name = $1", ps->schema);
	PGresult *r = q(&pc, sql, 1, p, "lock", d);
	free(sql);
	if (r == NULL)
		return -1;
	int rc = -1;
	if (PQntuples(r) == 0) {
		/* No row: we would be creating the workspace; take the creation lock. */
		PGresult *r2 = q(&pc, "SELECT pg_try_advisory_lock(-1)", 0, NULL, "lock", d);
		if (r2 != NULL) {
			if (strcmp(PQgetvalue(r2, 0, 0), "t") == 0) {
				ps->lock_path = lh_xstrdup("-1");
				rc = 1;
			} else {
				*why = lh_xprintf("Already locked for workspace creation: %s", s->workspace);
				rc = 0;
			}
			PQclear(r2);
		}
	} else {
		const char *id = PQgetvalue(r, 0, 0);
		bool row = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
		bool create = strcmp(PQgetvalue(r, 0, 2), "t") == 0;
		char *unlock = NULL;
		if (!row) {
			if (create)
				unlock = lh_xstrdup("-1");
			*why = lh_xprintf("Workspace is already locked: %s", s->workspace);
			rc = 0;
		} else if (!create) {
			unlock = lh_xstrdup(id);
			*why = lh_xprintf("Cannot lock workspace; already locked for workspace creation: %s",
			    s->workspace);
			rc = 0;
		} else {
			unlock = lh_xstrdup("-1");
			ps->lock_path = lh_xstrdup(id);
			rc = 1;
		}
		if (unlock != NULL) {
			char *u = lh_xprintf("SELECT pg_advisory_unlock(%s)", unlock);
			if (!exec_ok(&pc, u, 0, NULL, "lock", d))
				rc = -1;
			free(u);
			free(unlock);
		}
	}
	PQclear(r);
	return rc;
}

static bool
pg_unlock(lh_store *s, lh_diags *d)
{
	pgstore *ps = (pgstore *)s;
	if (ps->lock_path == NULL)
		return true;
	pgconn pc = {ps->c, ps->schema, ps->password};
	char *u = lh_xprintf("SELECT pg_advisory_unlock(%s)", ps->lock_path);
	bool ok = exec_ok(&pc, u, 0, NULL, "unlock", d);
	free(u);
	free(ps->lock_path);
	ps->lock_path = NULL;
	return ok;
}

static int
pg_read(lh_store *s, char **data, size_t *len, lh_diags *d)
{
	pgstore *ps = (pgstore *)s;
	pgconn pc = {ps->c, ps->schema, ps->password};
	const char *p[1] = {s->workspace};
	*data = NULL;
	*len = 0;
	char *sql = lh_xprintf("SELECT data FROM %s.states WHERE name = $1", ps->schema);
	PGresult *r = q(&pc, sql, 1, p, "read the state", d);
	free(sql);
	if (r == NULL)
		return -1;
	int rc = 0;
	if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) {
		size_t n = (size_t)PQgetlength(r, 0, 0);
		*data = lh_xmalloc(n + 1);
		memcpy(*data, PQgetvalue(r, 0, 0), n);
		(*data)[n] = '\0';
		*len = n;
		rc = 1;
	}
	PQclear(r);
	return rc;
}

static bool
pg_write(lh_store *s, const char *data, size_t len, lh_diags *d)
{
	pgstore *ps = (pgstore *)s;
	pgconn pc = {ps->c, ps->schema, ps->password};
	(void)len;
	const char *p[2] = {s->workspace, data};
	char *put = lh_xprintf("INSERT INTO %s.states (name, data) VALUES ($1, $2)\n"
	    "\t\tON CONFLICT (name) DO UPDATE\n\t\tSET data = $2 WHERE states.name = $1", ps->schema);
	char *clear = lh_xprintf("DELETE FROM %s.litehcl_journal WHERE workspace = $1", ps->schema);
	bool ok = tx_durable(&pc, put, clear, 2, p, "save the state", d);
	free(put);
	free(clear);
	return ok;
}

static bool
pg_journal_read(lh_store *s, char **text, size_t *len, lh_diags *d)
{
	pgstore *ps = (pgstore *)s;
	const char *p[1] = {s->workspace};
	*text = NULL;
	*len = 0;
	char *sql = lh_xprintf("SELECT line FROM %s.litehcl_journal WHERE workspace = $1 ORDER BY seq",
	    ps->schema);
	PGresult *r = PQexecParams(ps->c, sql, 1, NULL, p, NULL, NULL, 0);
	free(sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (st != NULL && strcmp(st, "42P01") == 0) {	/* no journal table: no journal */
			PQclear(r);
			return true;
		}
		pg_error(d, "Failed to recover the state journal", "read the journal",
		    PQresultErrorMessage(r), ps->password);
		PQclear(r);
		return false;
	}
	int n = PQntuples(r);
	if (n > 0) {
		lh_buf b = {0};
		for (int i = 0; i < n; i++) {
			lh_buf_put(&b, PQgetvalue(r, i, 0), (size_t)PQgetlength(r, i, 0));
			lh_buf_putc(&b, '\n');
		}
		*text = b.p;
		*len = b.len;
	}
	PQclear(r);
	return true;
}

static bool
pg_journal_append(lh_store *s, const char *line, lh_diags *d)
{
	pgstore *ps = (pgstore *)s;
	pgconn pc = {ps->c, ps->schema, ps->password};
	const char *p[2] = {s->workspace, line};
	char *sql = lh_xprintf("INSERT INTO %s.litehcl_journal (workspace, line) VALUES ($1, $2)",
	    ps->schema);
	bool ok = exec_ok(&pc, sql, 2, p, "write the state journal", d);
	free(sql);
	return ok;
}

static bool
pg_journal_sync(lh_store *s, lh_diags *d)
{
	pgstore *ps = (pgstore *)s;
	pgconn pc = {ps->c, ps->schema, ps->password};
	/* A durable commit flushes the WAL up to itself, and with it every asynchronous
	 * commit before it; txid_current() makes the transaction write a commit record. */
	return tx_durable(&pc, "SELECT txid_current()", NULL, 0, NULL, "sync the state journal", d);
}

static bool
pg_journal_clear(lh_store *s, lh_diags *d)
{
	pgstore *ps = (pgstore *)s;
	pgconn pc = {ps->c, ps->schema, ps->password};
	const char *p[1] = {s->workspace};
	char *sql = lh_xprintf("DELETE FROM %s.litehcl_journal WHERE workspace = $1", ps->schema);
	bool ok = tx_durable(&pc, sql, NULL, 1, p, "remove the state journal", d);
	free(sql);
	return ok;
}

static void
pg_free(lh_store *s)
{
	pgstore *ps = (pgstore *)s;
	if (ps->lock_path != NULL) {
		lh_arena *a = lh_arena_new();
		lh_diags tmp;
		lh_diags_init(&tmp, a);
		pg_unlock(s, &tmp);
		lh_arena_free(a);
	}
	if (ps->c != NULL)
		PQfinish(ps->c);	/* also ends any advisory lock of the session */
	free(ps->schema);
	free(ps->password);
	free(s->desc);
	free(s->workspace);
	free(ps);
}

static const lh_store_ops pg_ops = {
	.lock = pg_lock,
	.unlock = pg_unlock,
	.read = pg_read,
	.write = pg_write,
	.journal_read = pg_journal_read,
	.journal_append = pg_journal_append,
	.journal_sync = pg_journal_sync,
	.journal_clear = pg_journal_clear,
	.free = pg_free,
};

/* An empty state, as Terraform writes when it creates a workspace. */
static char *
empty_state(void)
{
	char lin[LH_UUID_LEN + 1];
	if (!lh_uuid_v4(lin))
		return NULL;
	return lh_xprintf("{\n  \"version\": 4,\n  \"terraform_version\": \"%s\",\n"
	    "  \"serial\": 1,\n  \"lineage\": \"%s\",\n  \"outputs\": {},\n"
	    "  \"resources\": [],\n  \"check_results\": null\n}\n", LH_STATE_TF_VERSION, lin);
}

static bool
row_exists(pgconn *pc, const char *ws, bool *exists, lh_diags *d)
{
	const char *p[1] = {ws};
	char *sql = lh_xprintf("SELECT 1 FROM %s.states WHERE name = $1", pc->schema);
	PGresult *r = q(pc, sql, 1, p, "list workspaces", d);
	free(sql);
	if (r == NULL)
		return false;
	*exists = PQntuples(r) > 0;
	PQclear(r);
	return true;
}

bool
lh_backend_pg_open(const lh_backend *b, const char *ws, bool create, lh_store **out,
    lh_diags *d)
{
	pgconn pc;
	(void)create;	/* Terraform creates a missing workspace whenever it is used */
	*out = NULL;
	if (!conn_open(b, &pc, d))
		return false;
	pgstore *ps = lh_xmalloc(sizeof *ps);
	memset(ps, 0, sizeof *ps);
	ps->pub.ops = &pg_ops;
	ps->pub.workspace = lh_xstrdup(ws);
	ps->pub.desc = lh_xprintf("the \"pg\" backend (workspace \"%s\")", ws);
	ps->c = pc.c;
	ps->schema = pc.schema;
	ps->password = pc.password;
	bool exists = true;
	if (strcmp(ws, "default") != 0 && !row_exists(&pc, ws, &exists, d)) {
		pg_free(&ps->pub);
		return false;
	}
	if (!exists) {
		/* As Terraform's StateMgr: under the lock, write an empty state so that the
		 * workspace is listed. */
		char *why = NULL;
		int r = pg_lock(&ps->pub, NULL, &why, d);
		if (r == 0) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to create the workspace",
			    "failed to lock state in Postgres: %s", why);
			free(why);
		}
		if (r != 1) {
			pg_free(&ps->pub);
			return false;
		}
		char *text = empty_state();
		bool ok = text != NULL && pg_write(&ps->pub, text, strlen(text), d);
		free(text);
		if (!pg_unlock(&ps->pub, d) || !ok) {
			pg_free(&ps->pub);
			return false;
		}
	}
	*out = &ps->pub;
	return true;
}

bool
lh_backend_pg_workspaces(const lh_backend *b, char ***names, size_t *n, lh_diags *d)
{
	pgconn pc;
	*names = NULL;
	*n = 0;
	if (!conn_open(b, &pc, d))
		return false;
	char *sql = lh_xprintf("SELECT name FROM %s.states WHERE name != 'default' ORDER BY name",
	    pc.schema);
	PGresult *r = q(&pc, sql, 0, NULL, "list workspaces", d);
	free(sql);
	if (r == NULL) {
		conn_close(&pc);
		return false;
	}
	int k = PQntuples(r);
	char **v = lh_xmalloc((size_t)(k + 1) * sizeof *v);
	v[0] = lh_xstrdup("default");
	for (int i = 0; i < k; i++)
		v[i + 1] = lh_xstrdup(PQgetvalue(r, i, 0));
	PQclear(r);
	conn_close(&pc);
	*names = v;
	*n = (size_t)k + 1;
	return true;
}

bool
lh_backend_pg_delete(const lh_backend *b, const char *ws, lh_diags *d)
{
	if (strcmp(ws, "default") == 0 || *ws == '\0') {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "can't delete default state", NULL);
		return false;
	}
	pgconn pc;
	if (!conn_open(b, &pc, d))
		return false;
	const char *p[1] = {ws};
	char *s1 = lh_xprintf("DELETE FROM %s.states WHERE name = $1", pc.schema);
	char *s2 = lh_xprintf("DELETE FROM %s.litehcl_journal WHERE workspace = $1", pc.schema);
	bool ok = tx_durable(&pc, s1, s2, 1, p, "delete the workspace", d);
	free(s1);
	free(s2);
	conn_close(&pc);
	return ok;
}
