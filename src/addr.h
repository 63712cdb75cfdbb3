/* addr.h - resource instance addresses: `litellm_user.dev`, `litellm_user.dev[0]`,
 * `litellm_user.dev["alice"]`.
 *
 * Used by the command layer (-target, -replace, import ADDR, state show/rm) and by
 * state.c (each instance in the state is keyed by its address).  Parsing follows
 * Terraform's syntax for root-module managed resources: TYPE.NAME with an optional
 * index key, a whole number or a quoted string with Terraform's escapes (\" \\ \n \r
 * \t \uNNNN, and $${ / %%{ for literal ${ / %{).  Formatting is the exact inverse, so
 * format(parse(s)) is the canonical spelling Terraform prints. */
#ifndef LH_ADDR_H
#define LH_ADDR_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

typedef enum {
	LH_KEY_NONE,	/* no index: `litellm_user.dev` (also "all instances" in -target) */
	LH_KEY_INT,	/* count index: `litellm_user.dev[0]` */
	LH_KEY_STR	/* for_each key: `litellm_user.dev["alice"]` */
} lh_key_kind;

typedef struct lh_addr {
	const char *type;	/* resource type, "litellm_user" */
	const char *name;	/* resource name, "dev" */
	lh_key_kind kind;	/* which of the index fields is meaningful */
	long long index;	/* LH_KEY_INT: the index, >= 0 */
	const char *key;	/* LH_KEY_STR: the key, unescaped (may contain any byte but NUL) */
	bool data;		/* a data resource: `data.litellm_user.x` (Terraform's mode
				 * "data"); false for managed resources */
} lh_addr;

/* Parses s (the whole string, no surrounding space) into *out, strings copied into a.
 * Returns true on success; on failure returns false and sets *err to a one-sentence
 * reason (in a), e.g. `Resource address must be TYPE.NAME, optionally followed by
 * [INDEX] or ["KEY"]`.  `module.` and `data.` addresses are rejected with a reason
 * saying only root-module managed resources are supported. */
bool lh_addr_parse(lh_arena *a, const char *s, lh_addr *out, const char **err);
/* lh_addr_parse that also takes `data.TYPE.NAME[KEY]` (out->data set): for the commands
 * that read or edit any state entry (state list/show/rm/mv, -target). */
bool lh_addr_parse_any(lh_arena *a, const char *s, lh_addr *out, const char **err);

/* Returns the canonical spelling of ad (in a): TYPE.NAME, TYPE.NAME[N] or
 * TYPE.NAME["KEY"] with Terraform's escaping of the key (a data resource's prefixed
 * with `data.`). */
char *lh_addr_format(lh_arena *a, const lh_addr *ad);

/* Writes the canonical spelling into buf (size n, NUL-terminated, truncated if it does
 * not fit).  Returns the length the full spelling needs (like snprintf). */
size_t lh_addr_snprint(char *buf, size_t n, const lh_addr *ad);

/* Returns the spelling of the resource part only (TYPE.NAME), in a. */
char *lh_addr_resource(lh_arena *a, const lh_addr *ad);

/* Writes s as one shell word into buf (size n, NUL-terminated, truncated if it does not
 * fit): unchanged when it holds only characters no POSIX shell treats specially, else in
 * single quotes with each ' written as '\''.  For commands printed for pasting, such as
 * `litehcl import 'litellm_user.dev["alice"]' ID`.  Returns buf. */
char *lh_shell_word(char *buf, size_t n, const char *s);

/* True when a and b name the same instance (type, name, key kind and key). */
bool lh_addr_equal(const lh_addr *a, const lh_addr *b);

/* True when target (a -target/-replace argument) selects instance inst: equal, or
 * target has no key and names inst's resource (a resource address matches all its
 * instances). */
bool lh_addr_match(const lh_addr *target, const lh_addr *inst);

/* Orders instances as Terraform lists them: data resources first (mode "data" sorts
 * before "managed"), then by type, then name, then key (no key first, then numbers
 * ascending, then strings by byte order).  Returns <0, 0, >0. */
int lh_addr_cmp(const lh_addr *a, const lh_addr *b);

#endif
