/* store.h - the emulator's database: users, their keys, teams and team memberships.
 *
 * Rows are shaped exactly like the JSON the proxy returns (floats held as raw numbers so
 * they print with a decimal point).  A user at rest is kept as its compact JSON text (about
 * 700 bytes, so 100,000 users cost tens of MB, not the GB a cJSON tree each would); a route
 * that needs the tree calls emu_user_row()/emu_user_keys(), which parse it and mark the user
 * "hot", and the server folds every hot user back to text after each request
 * (emu_store_cool).  Users are found by id through a hash table and by normalised email
 * (trimmed, lower case) through a second one; pages in a sort order come from sorted
 * indexes kept until the data they depend on changes.  All functions require
 * emu_store_lock() held by the caller.
 */
#ifndef EMU_STORE_H
#define EMU_STORE_H

#include "emu.h"

struct emu_user {
	char *id;          /* owned: user_id */
	char *text;        /* owned: the LiteLLM_UserTable row as compact JSON, NULL while hot */
	cJSON *row;        /* hot: the parsed row, or NULL */
	char *keys_text;   /* owned: the key rows array as compact JSON, NULL when none/hot */
	cJSON *keys;       /* hot: the parsed key rows (never the secret itself), or NULL */
	int nkeys;
	uint64_t seq;      /* creation order, ties in created_at broken by it */
	size_t idx;        /* position in the store's user array */
	char *email;       /* owned: user_email as stored, or NULL */
	char *email_key;   /* owned: normalised email as indexed, or NULL */
	char created_at[40];
	bool hot;
};

struct emu_team {
	cJSON *row;         /* owned: the LiteLLM_TeamTable row */
	cJSON *memberships; /* owned: array of LiteLLM_TeamMembership rows */
	uint64_t seq;
	size_t idx;
};

void emu_store_lock(void);
void emu_store_unlock(void);

/* Reset to the initial state: only the system users default_user_id and
 * litellm-proxy-budget.  Also used at start. */
void emu_store_reset(void);
void emu_store_free(void);

/* The parsed row / key rows of u, to read or change (valid until emu_store_cool). */
cJSON *emu_user_row(struct emu_user *u);
cJSON *emu_user_keys(struct emu_user *u);
/* The row / key rows as compact JSON text (folds a hot user back first). */
const char *emu_user_text(struct emu_user *u);
const char *emu_user_keys_text(struct emu_user *u);
/* One top-level column of the row, parsed (caller deletes); NULL when absent. */
cJSON *emu_user_field(struct emu_user *u, const char *name);
/* Fold every hot user back to text (the server calls it after each request). */
void emu_store_cool(void);
/* created_at of some users changed outside the routes (seed, admin patch). */
void emu_users_reordered(void);
/* Users sorted by column (user_id, user_email, created_at, spend, user_alias, user_role),
 * ascending, nulls last, ties by creation order; vals[i] is users[i]'s value (NULL = null).
 * Cached until the data changes; borrowed.  Returns the count. */
size_t emu_users_sorted(const char *column, struct emu_user ***users, cJSON ***vals);

/* Lookup; NULL when absent.  Borrowed pointers valid until the row is deleted. */
struct emu_user *emu_user_get(const char *user_id);
struct emu_user *emu_user_by_email(const char *email);
/* A new user row with every column at its empty value, id as given, timestamps now.
 * Inserted into the store; the id must not exist. */
struct emu_user *emu_user_insert(const char *user_id);
/* Re-index after the row's user_email changed. */
void emu_user_reindex_email(struct emu_user *u);
void emu_user_delete(struct emu_user *u);
size_t emu_user_count(void);
struct emu_user *emu_user_at(size_t i);
/* Mint a key for u: appends the key row, returns the secret "sk-..." (caller frees). */
char *emu_user_mint_key(struct emu_user *u, cJSON **key_row);
/* Add/remove a team id in the user's "teams" column (no duplicates). */
void emu_user_add_team(struct emu_user *u, const char *team_id);
void emu_user_remove_team(struct emu_user *u, const char *team_id);
/* Set updated_at to now. */
void emu_touch(cJSON *row);
/* Recompute budget_reset_at from budget_duration (null when none or invalid). */
void emu_reset_budget_time(cJSON *row);

/* Organizations exist by id only (seeded; LiteLLM's /organization routes are not
 * emulated). */
bool emu_org_exists(const char *id);
void emu_org_add(const char *id);

struct emu_team *emu_team_get(const char *team_id);
struct emu_team *emu_team_insert(const char *team_id);
void emu_team_delete(struct emu_team *t);
size_t emu_team_count(void);
struct emu_team *emu_team_at(size_t i);

/* Normalised email for comparisons (trim + lower case); caller frees; NULL for NULL. */
char *emu_email_norm(const char *email);

/* Whole-state JSON text {"users":[row+"keys"...],"teams":[row+"memberships"...]EXTRA}
 * (EXTRA: more members, ",\"faults\":..." or NULL): caller frees.  Load merges such a
 * document (missing columns filled); returns false and a message in err (caller frees)
 * when it is malformed. */
char *emu_store_dump_text(const char *extra);
bool emu_store_load_json(const cJSON *doc, char **err);
/* File persistence: load (missing file is fine) and atomic save (tmp + fsync + rename). */
bool emu_store_load_file(const char *path, char **err);
bool emu_store_save_file(const char *path, char **err);
/* Set whenever a route changed something; the saver clears it. */
extern bool emu_store_dirty;
/* Bumped by the server after every request that may change the store (anything but a
 * plain GET); answers cached under an older generation are stale. */
extern uint64_t emu_store_gen;

#endif
