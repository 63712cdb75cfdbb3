/* moves.c - moved and removed blocks (Terraform 1.1 / 1.7) in a run.
 *
 * moved { from to }: before anything is read, every object the state holds at a from
 * address (a resource: all its instances, keys kept; or one instance) and that is not
 * already at its to address is moved there, in memory; the plan shows it as moved
 * (`# A has moved to B`, or `(moved from A)` above another change) and no request is
 * made for the move.  Chained blocks (a -> b, b -> c) are followed in order.  apply
 * saves the moved state before its first request, so that the journal of the
 * changes that follow always names the new addresses.
 *
 * Terraform's implied moves come after the blocks: a resource that now has count keeps
 * its single object as [0], one that lost its count keeps [0] as its single object -
 * when nothing is at the new address yet (for_each has none: its keys are strings).
 *
 * removed { from  lifecycle { destroy = false } }: the resource's objects are
 * forgotten - removed from the state, never deleted from LiteLLM, not read. */
#include <string.h>

#include "apply.h"

/* The object at from moves to to when to is free; when it is not, the move is added to
 * *blocked ("  - FROM could not move to TO" lines, Terraform's warning). */
static bool
move_one(lh_run *r, const lh_addr *from, const lh_addr *to, char **blocked)
{
	if (lh_state_find(r->st, to) != NULL) {
		if (lh_state_find(r->st, from) != NULL)
			*blocked = lh_arena_printf(r->a, "%s\n  - %s could not move to %s",
			    *blocked != NULL ? *blocked : "", lh_addr_format(r->a, from),
			    lh_addr_format(r->a, to));
		return false;
	}
	if (!lh_state_move(r->st, from, to))
		return false;
	char *ts = lh_addr_format(r->a, to), *fs = lh_addr_format(r->a, from);
	/* a chain keeps the first address (a -> b -> c: c moved from a) */
	const cJSON *prev = cJSON_GetObjectItemCaseSensitive(r->moved, fs);
	const char *orig = prev != NULL ? lh_arena_strdup(r->a, cJSON_GetStringValue(prev)) : fs;
	if (prev != NULL)
		cJSON_DeleteItemFromObjectCaseSensitive(r->moved, fs);
	cJSON_DeleteItemFromObjectCaseSensitive(r->moved, ts);
	cJSON_AddStringToObject(r->moved, ts, orig);
	return true;
}

/* The implied move of res (Terraform's refactoring.ImpliedMoveStatements): its single
 * object to [0] when it has count, [0] to its single object when it has neither count
 * nor for_each; false for for_each and data resources. */
static bool
implied_move(const lh_resource *res, lh_addr *from, lh_addr *to)
{
	if (res->data || res->mode == LH_EXPAND_FOR_EACH)
		return false;
	lh_addr one = {.type = res->type, .name = res->name, .kind = LH_KEY_NONE};
	lh_addr zero = one;
	zero.kind = LH_KEY_INT;
	zero.index = 0;
	*from = res->mode == LH_EXPAND_COUNT ? one : zero;
	*to = res->mode == LH_EXPAND_COUNT ? zero : one;
	return true;
}

bool
lh_run_implied_moves_pending(const lh_run *r)
{
	for (size_t i = 0; r->cfg != NULL && i < r->cfg->nresources; i++) {
		lh_addr from, to;
		if (implied_move(r->cfg->resources[i], &from, &to) &&
		    lh_state_find(r->st, &from) != NULL && lh_state_find(r->st, &to) == NULL)
			return true;
	}
	return false;
}

bool
lh_run_moves(lh_run *r, bool *moved_any)
{
	*moved_any = false;
	if (r->cfg == NULL)
		return true;
	if (r->moved == NULL)
		r->moved = cJSON_CreateObject();
	char *blocked = NULL;
	for (size_t i = 0; i < r->cfg->nmoved; i++) {
		const lh_moved *m = r->cfg->moved[i];
		bool whole = m->from.kind == LH_KEY_NONE && lh_state_find(r->st, &m->from) == NULL;
		if (!whole) {
			lh_addr to = m->to;
			*moved_any |= move_one(r, &m->from, &to, &blocked);
			continue;
		}
		/* every instance of the resource, keys kept (collected first: moving
		 * invalidates the state's indices) */
		size_t n = lh_state_count(r->st), k = 0;
		lh_addr *src = lh_arena_alloc(r->a, (n + 1) * sizeof *src);
		for (size_t j = 0; j < n; j++) {
			lh_state_inst *si = lh_state_at(r->st, j);
			if (lh_addr_match(&m->from, &si->addr)) {
				const char *err = NULL;
				if (lh_addr_parse(r->a, lh_addr_format(r->a, &si->addr), &src[k], &err))
					k++;
			}
		}
		for (size_t j = 0; j < k; j++) {
			lh_addr to = m->to;
			if (to.kind == LH_KEY_NONE) {
				to.kind = src[j].kind;
				to.index = src[j].index;
				to.key = src[j].key;
			}
			*moved_any |= move_one(r, &src[j], &to, &blocked);
		}
	}
	for (size_t i = 0; i < r->cfg->nresources; i++) {
		lh_addr from, to;
		if (implied_move(r->cfg->resources[i], &from, &to) &&
		    lh_state_find(r->st, &from) != NULL)
			*moved_any |= move_one(r, &from, &to, &blocked);
	}
	if (blocked != NULL)	/* Terraform's words */
		lh_diag_add(r->d, LH_DIAG_WARNING, NULL, 0, 0,
		    "Unresolved resource instance address changes",
		    "litehcl tried to adjust resource instance addresses in the prior state based "
		    "on change information recorded in the configuration, but some adjustments did "
		    "not succeed due to existing objects already at the intended addresses:%s\n\n"
		    "litehcl has planned to destroy these objects. If litehcl's proposed changes "
		    "aren't appropriate, you must first resolve the conflicts using the \"litehcl "
		    "state\" subcommands and then create a new plan.", blocked);
	return true;
}

const char *
lh_run_moved_from(const lh_run *r, const char *addr)
{
	if (r->moved == NULL)
		return NULL;
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r->moved, addr));
}

bool
lh_run_forgets(const lh_run *r, const lh_addr *addr)
{
	if (r->cfg == NULL)
		return false;
	for (size_t i = 0; i < r->cfg->nremoved; i++) {
		const lh_removed *rm = r->cfg->removed[i];
		if (!rm->destroy && lh_addr_match(&rm->from, addr))
			return true;
	}
	return false;
}
