/* cmd_common.h - helpers the product commands share (cmd_plan.c defines them):
 * printing diagnostics as text or as -json UI messages, the progress printer for
 * refresh/apply, and opening the state with the usual flags. */
#ifndef LH_CMD_COMMON_H
#define LH_CMD_COMMON_H
#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "diag.h"
#include "state.h"

typedef struct lh_cmd_out {
	bool json;		/* -json UI stream on stdout */
	bool color;		/* ANSI colour on stdout */
	bool ui;		/* a newline after each diagnostic (lh_diag_print_ui): the
				 * commands Terraform prints through its cli.Ui */
} lh_cmd_out;

/* Prints every diagnostic: to stderr in Terraform's layout, or as "diagnostic" JSON
 * messages on stdout when o->json. */
void lh_cmd_print_diags(const lh_cmd_out *o, const lh_diags *d);
/* The progress callback of apply.h: prints "ADDR: Creating..." lines (or JSON hooks).
 * ctx is an lh_cmd_out. */
void lh_cmd_progress(void *ctx, const char *addr, const char *type, const char *name,
    const cJSON *index, const char *event, const char *id, double secs);
/* Prints d's warnings on stdout as Terraform places them (after the plan, or after the
 * apply), in the diagnostic layout or, with compact and no errors, as a summary list
 * (cmd_warn.c); they are taken out of d.  Nothing for -json. */
void lh_cmd_print_warnings(const lh_cmd_out *o, lh_diags *d, bool compact);
/* The "Still creating... [10s elapsed]" ticker (cmd_progress.c): lh_cmd_progress
 * reports each event with the lock held; starts are followed, ends forgotten. */
void lh_cmd_progress_track(const lh_cmd_out *o, const char *addr, const char *type,
    const char *name, const cJSON *index, const char *ev, const char *id);
void lh_cmd_progress_lock(void);
void lh_cmd_progress_unlock(void);
/* Terraform's interrupt messages (cmd_interrupt.c): start the thread that prints them
 * (json: as "log" messages); notify from a signal handler (async-signal-safe) with the
 * number of interrupts so far - the second flushes stdout and exits 1; stop at the end
 * of the command, after the handlers are gone. */
bool lh_cmd_interrupt_start(bool json);
void lh_cmd_interrupt_notify(int count);
void lh_cmd_interrupt_stop(void);
/* Opens the state at path (NULL: terraform.tfstate) for operation, with -lock and
 * -lock-timeout as given (lock_timeout may be NULL).  False after a diagnostic. */
bool lh_cmd_open_state(const char *path, bool lock, const char *lock_timeout,
    const char *operation, bool read_only, lh_state **st, lh_diags *d);
/* The same, recording provider (the configuration's required_providers source, or NULL
 * for the default) for resources new to the state. */
bool lh_cmd_open_state_provider(const char *path, bool lock, const char *lock_timeout,
    const char *operation, bool read_only, const char *provider, lh_state **st,
    lh_diags *d);

/* Opens the state as so says; when so->path is NULL, in the current workspace of the
 * backend the working directory was initialised with (backend.h).  so->path and
 * so->store are reset on return. */
bool lh_cmd_open_backend_state(lh_state_opts *so, lh_state **st, lh_diags *d);

/* A run killed after sending a create leaves journal intents whose result is unknown:
 * looks each up on the server (provider settings of the configuration in ".", else the
 * environment) and adopts the users that exist into st, as plan and apply do, so that
 * state list/show/rm and output see them.  read_only: in memory only.  Returns true
 * when nothing is pending any more; else adds a warning (read_only) or an error. */
struct lh_arena;
bool lh_cmd_resolve_intents(struct lh_arena *a, lh_state *st, bool read_only, lh_diags *d);
/* Prints d's diagnostics so far on stderr (never into a -json stdout) and empties it,
 * unless it holds errors (left for the caller's failure path). */
void lh_cmd_flush_warnings(lh_diags *d);

#endif
