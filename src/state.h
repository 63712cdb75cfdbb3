/* state.h - the state file: Terraform's local state format version 4, its lock, its
 * backup, the write-ahead journal that makes apply crash-safe, and saved-plan files.
 * The only module that touches these files (state/README.md documents them all).
 *
 * Flow: a command calls lh_state_open (lock + load + journal recovery), reads and edits
 * instances (lh_state_find / lh_state_set / lh_state_remove), and calls lh_state_save;
 * apply additionally journals each change as it completes (lh_state_journal_*) so a
 * kill at any instant loses nothing; lh_state_close unlocks and frees.
 *
 * Guarantees:
 * - The state file is replaced atomically (temp file in the same directory, fsync,
 *   rename, fsync of the directory) with mode 0600; a reader sees the old or the new
 *   file, never a mix.  A corrupt state file is reported and never overwritten.
 * - terraform.tfstate.backup holds the state as it was before this run's first write.
 * - serial grows by one with each save that changes content; a save that changes
 *   nothing writes nothing.  lineage is a UUID v4 fixed when the state is created.
 * - Locking as Terraform's local backend (fcntl lock on the state file +
 *   .terraform.tfstate.lock.info), plus an fcntl lock on the lock-info file checked
 *   against the path's inode so two processes can never both hold it across a rename
 *   (see state/README.md).
 * - The journal (STATE.journal, JSON lines, 0600) is replayed by lh_state_open; a torn
 *   last line is ignored.
 *
 * Memory: the state owns every cJSON it holds and every string of every lh_addr it
 * hands out; pointers returned are borrowed.  An instance's attributes object stays
 * valid (unchanged) until the state is closed, even after the instance is replaced or
 * removed (a run's records refer to the state's trees instead of copying them); other
 * pointers are valid until the instance is replaced or removed, or the state closed. */
#ifndef LH_STATE_H
#define LH_STATE_H
#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "addr.h"
#include "diag.h"

struct lh_store;

#define LH_STATE_TF_VERSION "1.11.0"	/* terraform_version written to the state */
#define LH_STATE_DEFAULT_PROVIDER "registry.terraform.io/ncecere/litellm"

typedef struct lh_state lh_state;

/* One resource instance. */
typedef struct lh_state_inst {
	lh_addr addr;			/* its address; strings owned by the state */
	const char *provider;		/* `provider["registry.terraform.io/ncecere/litellm"]` */
	cJSON *attributes;		/* object of every schema attribute; owned by the state */
	cJSON *sensitive_attributes;	/* array (Terraform's paths), usually []; owned */
	cJSON *dependencies;		/* array of resource address strings, or []; owned */
} lh_state_inst;

/* si's address as text (canonical, as lh_addr_format writes it); the state's. */
const char *lh_state_inst_addr_text(const lh_state_inst *si);
/* Whether si was loaded from the state's text: its address, type, name and key strings
 * then stay where they are until the state closes, whatever the run does to it. */
bool lh_state_inst_lasting(const lh_state_inst *si);

/* A create (or other change) recorded in the journal whose completion was not: the
 * caller must look user_id up on the server and adopt it (lh_state_set + save) or
 * forget it (save without it). */
typedef struct lh_state_intent {
	lh_addr addr;		/* where the object would live in state */
	const char *id;		/* the id the client chose (user_id) */
	const char *op;		/* "create", "update", "delete", "replace" ... as journalled */
} lh_state_intent;

typedef struct lh_state_opts {
	const char *path;		/* state file; NULL: "terraform.tfstate" */
	bool no_lock;			/* -lock=false: take no lock */
	double lock_timeout_s;		/* -lock-timeout: keep retrying this long; 0: fail at once */
	const char *operation;		/* lock info Operation: "OperationTypeApply", "...Plan", ... */
	const char *provider_source;	/* provider for new resources; NULL: LH_STATE_DEFAULT_PROVIDER */
	bool read_only;			/* never write anything (not even journal recovery); the
					 * lock is still taken unless no_lock */
	struct lh_store *store;		/* a remote backend's storage (backend.h) instead of the
					 * file at path: state, lock and journal go through it (no
					 * backup file).  Owned by the state from lh_state_open on,
					 * even when it fails. */
} lh_state_opts;

/* Locks (unless o->no_lock) and loads the state at o->path, then replays its journal if
 * one exists.  A missing or empty file is an empty state with a fresh lineage.  When the
 * journal held completed changes and no unresolved intent, the recovered state is saved
 * and the journal removed at once (unless read_only); when intents are pending, they
 * are available from lh_state_intents and the caller resolves them and calls
 * lh_state_save.  Returns true and sets *out (free with lh_state_close); on failure
 * (lock held: "Error acquiring the state lock" with the holder's info; corrupt file;
 * I/O error) appends an error to d, leaves every file untouched and returns false. */
bool lh_state_open(const lh_state_opts *o, lh_state **out, lh_diags *d);

/* Unlocks (removing the lock-info file) and frees.  Does not save.  NULL is ignored. */
void lh_state_close(lh_state *st);
/* Makes lh_state_close leave the instances' memory (100,000 cJSON trees) to the
 * process exit, as a command about to end does when !lh_free_at_exit() (arena.h);
 * files and locks are still closed. */
void lh_state_leave_memory(lh_state *st);

/* Writes the state if its content changed since it was loaded or last saved: serial+1,
 * backup of the original file on the first write of this run, atomic replace, then the
 * journal is removed.  Returns false and appends an error to d on failure (the old file
 * is then intact).  Not allowed on a read_only state. */
bool lh_state_save(lh_state *st, lh_diags *d);

/* Replaces st's whole content by src's (lineage, serial, instances, outputs) and saves
 * it, as init -migrate-state does between backends.  st must be writable. */
bool lh_state_copy_from(lh_state *st, lh_state *src, lh_diags *d);

/* Accessors. lineage and path are borrowed. */
const char *lh_state_lineage(const lh_state *st);
long long lh_state_serial(const lh_state *st);
const char *lh_state_path(const lh_state *st);
/* True when the file existed and held a state (false for a fresh empty state). */
bool lh_state_existed(const lh_state *st);
/* The lock-information file of a local state while st holds its lock (removed when
 * the lock is released), else NULL. */
const char *lh_state_lock_file(const lh_state *st);

/* Instances, sorted as Terraform lists them (lh_addr_cmp).  i < lh_state_count.
 * Indices are invalidated by set/remove. */
size_t lh_state_count(lh_state *st);
lh_state_inst *lh_state_at(lh_state *st, size_t i);

/* The instance at addr, or NULL. */
lh_state_inst *lh_state_find(lh_state *st, const lh_addr *addr);
/* The instance other than the one at except that holds the managed object (type, id)
 * (its "id" attribute; data sources hold none), or NULL.  Indexed at the first call
 * and kept up to date by lh_state_set and lh_state_move. */
lh_state_inst *lh_state_id_holder(lh_state *st, const char *type, const char *id,
    const lh_addr *except);

/* Creates or replaces the instance at addr.  Takes ownership of attributes (an object,
 * required), dependencies and sensitive (arrays, or NULL for []), even on failure.
 * The provider is kept from the replaced instance or a sibling of the same resource,
 * else the state's default; the replaced instance's other fields (status, private,
 * create_before_destroy) are kept when the object is the same (same "id" attribute:
 * a refresh or an update), dropped for a new object.  Returns the instance. */
lh_state_inst *lh_state_set(lh_state *st, const lh_addr *addr, cJSON *attributes,
    cJSON *dependencies, cJSON *sensitive);

/* Removes the instance at addr; returns false when there was none. */
bool lh_state_remove(lh_state *st, const lh_addr *addr);

/* Root outputs.  set takes ownership of value and type (Terraform's type JSON:
 * "string", ["list","string"], ...; NULL: derived from value's JSON kind).  get returns
 * the value (borrowed) or NULL, and its sensitivity in *sensitive (may be NULL).  The
 * outputs object itself (name -> {value, type, sensitive?}) is available for listing. */
void lh_state_output_set(lh_state *st, const char *name, cJSON *value, cJSON *type,
    bool sensitive);
const cJSON *lh_state_output_get(const lh_state *st, const char *name, bool *sensitive);
bool lh_state_output_remove(lh_state *st, const char *name);
void lh_state_outputs_clear(lh_state *st);
const cJSON *lh_state_outputs(const lh_state *st);

/* Terraform's check_results (the checkable objects' statuses after the last apply:
 * [{object_kind, config_addr, status, objects: [{object_addr, status,
 * failure_messages?}]}]).  set takes ownership (NULL, [] or a non-array: null). */
void lh_state_set_check_results(lh_state *st, cJSON *results);
const cJSON *lh_state_check_results(const lh_state *st);

/* The state as Terraform's JSON document (what save writes, with the current serial);
 * malloc'd text the caller frees. */
char *lh_state_render(lh_state *st);

/* ---- State surgery ----
 * state mv: moves the instance at from to the free address to (the object, its
 * provider, status and private data are kept); false when from is absent or to taken. */
bool lh_state_move(lh_state *st, const lh_addr *from, const lh_addr *to);
/* Empties the dependencies of every instance that records resource res ("TYPE.NAME")
 * among them (state mv of res: Terraform forgets them, the next apply records them
 * again); returns how many.  The state's trees are never changed in place: loaded ones
 * live in an arena. */
size_t lh_state_forget_dependents(lh_state *st, const char *res);
/* The instance's Terraform status ("tainted"), or NULL for a normal object. */
const char *lh_state_inst_status(const lh_state_inst *si);
/* Sets (status "tainted") or clears (NULL) the status of the instance at addr. */
void lh_state_set_status(lh_state *st, const lh_addr *addr, const char *status);
/* state replace-provider: every instance whose provider string (`provider["..."]`)
 * equals from gets to; returns how many. */
size_t lh_state_replace_provider(lh_state *st, const char *from, const char *to);
/* state push: replaces st's whole content (resources, outputs, lineage and serial) with
 * the state document text; the next lh_state_save writes it with exactly that lineage
 * and serial, as Terraform does.  Unless force, refuses (Terraform's texts) another
 * lineage, an older serial, or the same serial with other content, over a non-empty
 * state.  False after a diagnostic; st unchanged then. */
bool lh_state_push(lh_state *st, const char *text, size_t len, bool force, lh_diags *d);

/* force-unlock of a local state: removes the lock info left at path's lock file when its
 * ID is id and no live process holds the lock (litehcl's and Terraform's locks are fcntl
 * locks, released when their process dies).  0 when removed, -1 after a diagnostic. */
int lh_state_force_unlock(const char *path, const char *id, lh_diags *d);

/* ---- Journal (apply's crash safety) ----
 * Protocol for apply:
 *   1. before sending creates: lh_state_journal_intent for each (address, chosen id),
 *      then lh_state_journal_sync - the intents are durable before any request leaves;
 *   2. as each change completes: lh_state_set / lh_state_remove, then
 *      lh_state_journal_done(addr) (records the instance as now held, or its removal);
 *   3. after each batch of completions: lh_state_journal_flush (group commit: an
 *      fdatasync at most every LH_STATE_GROUP_COMMIT_S; cheap to call often);
 *   4. at the end: lh_state_save (writes the state once and removes the journal).
 * Appends are plain write()s of one line each: a record is safe from kill -9 as soon as
 * the append returns (it is in the kernel); sync/flush make it safe from power loss
 * too.  An fdatasync costs ~5 ms on the CI disk, so calling lh_state_journal_sync after
 * every completion would cost seconds per 1,000 creates: journal all intents of a run
 * up front with one sync, and flush (not sync) after completions. */
#define LH_STATE_GROUP_COMMIT_S 0.05

/* Records that addr is about to be changed by op, with the client-chosen id. */
bool lh_state_journal_intent(lh_state *st, const lh_addr *addr, const char *id,
    const char *op, lh_diags *d);
/* Records the current content of addr in the state (its instance, or its absence). */
bool lh_state_journal_done(lh_state *st, const lh_addr *addr, lh_diags *d);
/* Records that an intent for addr came to nothing (the request failed for sure), so
 * recovery need not look it up. */
bool lh_state_journal_forget(lh_state *st, const lh_addr *addr, lh_diags *d);
/* Makes every record appended so far durable (fdatasync) now.  No-op when none.  Use
 * before sending requests whose intents were just recorded. */
bool lh_state_journal_sync(lh_state *st, lh_diags *d);
/* Group commit for completion records: syncs when the last sync is older than
 * LH_STATE_GROUP_COMMIT_S, otherwise leaves the records to the next flush / sync /
 * save / close.  (They already survive the process being killed.) */
bool lh_state_journal_flush(lh_state *st, lh_diags *d);

/* Intents found unresolved by lh_state_open's recovery (borrowed; *n set).  They stay
 * listed until the next successful lh_state_save. */
const lh_state_intent *lh_state_intents(const lh_state *st, size_t *n);

/* ---- Saved plans (-out) ----
 * File: {"format":"litehcl-plan","format_version":1,"lineage":L,"serial":S,"plan":PLAN},
 * mode 0600, written atomically.  The plan content is the product layer's. */

/* Writes plan (borrowed) with st's lineage and serial. */
bool lh_planfile_write(const char *path, const lh_state *st, const cJSON *plan,
    lh_diags *d);
/* Reads a plan file; *plan gets the content (caller frees with cJSON_Delete).  When st
 * is not NULL, a plan whose lineage or serial differs from st's fails with "Saved plan
 * is stale".  Not a plan file: "Failed to read plan from plan file". */
bool lh_planfile_read(const char *path, const lh_state *st, cJSON **plan, lh_diags *d);

/* ---- Helpers ---- */

/* Parses a Go-style duration ("5s", "1m", "1m30s", "500ms", "2h", "0") into seconds.
 * Returns false when s is not one. */
bool lh_duration_parse(const char *s, double *secs);

#endif
