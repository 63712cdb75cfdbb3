/* routes.h - helpers shared by the route files (users.c, teams.c, admin.c).
 * All require the store lock held.
 */
#ifndef EMU_ROUTES_H
#define EMU_ROUTES_H

#include "store.h"

/* Create a user the way the proxy does for new internal users: server-side defaults
 * (--default-*) applied, role internal_user unless given.  id NULL -> UUID4. */
struct emu_user *emu_users_create_default(const char *id, const char *email, const char *role);
/* Store one request field into a row, coerced like pydantic (numbers from strings, floats
 * with a decimal point).  v must have passed validation as type t. */
void emu_row_set(cJSON *row, const char *name, enum emu_ftype t, const cJSON *v);
/* Remove user_id from a team's members_with_roles and memberships; true if it was there. */
bool emu_team_drop_member(struct emu_team *t, const char *user_id);
/* /user/info's "teams": the teams whose roster lists the user (as /team/list?user_id= shows
 * them: with team_memberships and keys, sorted by alias), then the other teams named in
 * the user's "teams" column, as raw rows. */
cJSON *emu_user_team_rows(struct emu_user *u);
/* Query parameter or NULL. */
const char *emu_query(const struct emu_req *req, const char *name);
/* Integer query parameter lo..hi (def when absent); a bad value appends FastAPI's 422
 * detail to detail and leaves *out = def. */
bool emu_query_int(const struct emu_req *req, const char *name, long def, long lo, long hi,
                   long *out, cJSON *detail);
/* The budget_duration check of new servers: false (resp filled) when invalid. */
bool emu_check_duration(const cJSON *body, const char *type, struct emu_resp *resp);

#endif
