/* store.c - the emulator's in-memory database and its persistence.
 *
 * Users and teams live in growable arrays (order of creation, swap-removed on delete) and
 * are found through open-addressing hash tables (id -> record, normalised email -> user).
 * The whole state serialises to one JSON document used by --data, --seed and the admin
 * dump/seed routes.  The random source (ids, keys, fault dice) lives here too.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

/* ---- hash table: string -> pointer, linear probing, backward-shift delete ---- */
struct map_slot {
	char *key;     /* owned; NULL = empty */
	void *val;
	uint64_t hash;
};
struct map {
	struct map_slot *slots;
	size_t cap;    /* power of two */
	size_t len;
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	/* FNV's low bits are weak for keys that differ only at the end ("user-1234"):
	 * mix every bit into the low ones the table uses (murmur3's finalizer) */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

static void map_put(struct map *m, const char *key, void *val);

static void
map_grow(struct map *m)
{
	struct map old = *m;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->slots = calloc(m->cap, sizeof *m->slots);
	if (!m->slots)
		abort();
	m->len = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].key) {
			map_put(m, old.slots[i].key, old.slots[i].val);
			free(old.slots[i].key);
		}
	free(old.slots);
}

static struct map_slot *
map_find(const struct map *m, const char *key)
{
	uint64_t h;
	size_t i;

	if (!m->cap)
		return NULL;
	h = hash_str(key);
	for (i = h & (m->cap - 1); m->slots[i].key; i = (i + 1) & (m->cap - 1))
		if (m->slots[i].hash == h && strcmp(m->slots[i].key, key) == 0)
			return &m->slots[i];
	return NULL;
}

static void *
map_get(const struct map *m, const char *key)
{
	struct map_slot *s = map_find(m, key);

	return s ? s->val : NULL;
}

static void
map_put(struct map *m, const char *key, void *val)
{
	struct map_slot *s = map_find(m, key);
	uint64_t h;
	size_t i;

	if (s) {
		s->val = val;
		return;
	}
	if ((m->len + 1) * 4 >= m->cap * 3)
		map_grow(m);
	h = hash_str(key);
	for (i = h & (m->cap - 1); m->slots[i].key; i = (i + 1) & (m->cap - 1))
		;
	m->slots[i].key = emu_strdup(key);
	m->slots[i].val = val;
	m->slots[i].hash = h;
	m->len++;
}

static void
map_del(struct map *m, const char *key)
{
	struct map_slot *s = map_find(m, key);
	size_t i, j, mask = m->cap - 1;

	if (!s)
		return;
	free(s->key);
	s->key = NULL;
	m->len--;
	i = (size_t)(s - m->slots);
	/* shift later members of the probe run back so lookups never stop early */
	for (j = (i + 1) & mask; m->slots[j].key; j = (j + 1) & mask) {
		size_t home = m->slots[j].hash & mask;
		bool movable = (i <= j) ? (home <= i || home > j) : (home <= i && home > j);
		if (movable) {
			m->slots[i] = m->slots[j];
			m->slots[j].key = NULL;
			i = j;
		}
	}
}

static void
map_clear(struct map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	memset(m, 0, sizeof *m);
}

/* ---- the store ---- */
static pthread_mutex_t store_mu = PTHREAD_MUTEX_INITIALIZER;
static struct emu_user **users;
static size_t nusers, capusers;
static struct emu_team **teams;
static size_t nteams, capteams;
static struct map users_by_id, users_by_email, teams_by_id, orgs;
static uint64_t next_seq;
bool emu_store_dirty;
uint64_t emu_store_gen = 1;

void emu_store_lock(void) { pthread_mutex_lock(&store_mu); }
void emu_store_unlock(void) { pthread_mutex_unlock(&store_mu); }

/* ---- random ---- */
static pthread_mutex_t rng_mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t rng_state;
static bool rng_ready;

uint64_t
emu_rand64(void)
{
	uint64_t z;

	pthread_mutex_lock(&rng_mu);
	if (!rng_ready) {
		rng_state = emu_cfg.have_seed_random ? emu_cfg.seed_random
		                                     : (uint64_t)emu_now_ms() ^ ((uint64_t)getpid() << 32);
		rng_ready = true;
	}
	z = (rng_state += 0x9E3779B97F4A7C15ULL);
	pthread_mutex_unlock(&rng_mu);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

double
emu_rand01(void)
{
	return (double)(emu_rand64() >> 11) / 9007199254740992.0;
}

void
emu_uuid4(char out[37])
{
	uint64_t a = emu_rand64(), b = emu_rand64();
	unsigned char x[16];

	for (int i = 0; i < 8; i++) {
		x[i] = (unsigned char)(a >> (8 * i));
		x[8 + i] = (unsigned char)(b >> (8 * i));
	}
	x[6] = (unsigned char)((x[6] & 0x0f) | 0x40);
	x[8] = (unsigned char)((x[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], x[10], x[11], x[12],
	         x[13], x[14], x[15]);
}

/* ---- rows ---- */

char *
emu_email_norm(const char *email)
{
	const char *b, *e;
	char *out;

	if (!email)
		return NULL;
	for (b = email; isspace((unsigned char)*b); b++)
		;
	for (e = b + strlen(b); e > b && isspace((unsigned char)e[-1]); e--)
		;
	out = emu_xmalloc((size_t)(e - b) + 1);
	for (size_t i = 0; b + i < e; i++)
		out[i] = (char)tolower((unsigned char)b[i]);
	out[e - b] = 0;
	return out;
}

void
emu_touch(cJSON *row)
{
	char ts[40];

	emu_time_text(emu_now_ms(), ts, sizeof ts);
	emu_set(row, "updated_at", cJSON_CreateString(ts));
}

void
emu_reset_budget_time(cJSON *row)
{
	const char *d = emu_get_str(row, "budget_duration");
	int64_t at = d ? emu_duration_reset(d, emu_now_ms()) : -1;
	char ts[40];

	if (at < 0) {
		emu_set(row, "budget_reset_at", cJSON_CreateNull());
		return;
	}
	emu_time_text(at, ts, sizeof ts);
	emu_set(row, "budget_reset_at", cJSON_CreateString(ts));
}

static cJSON *
new_user_row(const char *user_id)
{
	cJSON *r = cJSON_CreateObject();
	char ts[40];

	if (!r)
		abort();
	emu_time_text(emu_now_ms(), ts, sizeof ts);
	emu_add_str(r, "user_id", user_id);
	emu_add_str(r, "user_alias", NULL);
	emu_add_str(r, "user_email", NULL);
	emu_add_str(r, "user_role", NULL);
	emu_add(r, "max_budget", cJSON_CreateNull());
	emu_add(r, "spend", emu_json_float(0));
	emu_add(r, "models", cJSON_CreateArray());
	emu_add(r, "metadata", cJSON_CreateObject());
	emu_add(r, "tpm_limit", cJSON_CreateNull());
	emu_add(r, "rpm_limit", cJSON_CreateNull());
	emu_add_str(r, "budget_duration", NULL);
	emu_add_str(r, "budget_reset_at", NULL);
	emu_add(r, "teams", cJSON_CreateArray());
	emu_add_str(r, "sso_user_id", NULL);
	emu_add_str(r, "organization_id", NULL);
	emu_add(r, "max_parallel_requests", cJSON_CreateNull());
	emu_add(r, "model_spend", cJSON_CreateObject());
	emu_add(r, "model_max_budget", cJSON_CreateObject());
	emu_add(r, "allowed_cache_controls", cJSON_CreateArray());
	emu_add_str(r, "object_permission_id", NULL);
	emu_add_str(r, "created_at", ts);
	emu_add_str(r, "updated_at", ts);
	emu_add(r, "litellm_organization_table", cJSON_CreateNull());
	emu_add(r, "organization_memberships", cJSON_CreateNull());
	emu_add(r, "object_permission", cJSON_CreateNull());
	return r;
}

static cJSON *
new_team_row(const char *team_id)
{
	cJSON *r = cJSON_CreateObject();
	char ts[40];

	if (!r)
		abort();
	emu_time_text(emu_now_ms(), ts, sizeof ts);
	emu_add_str(r, "team_id", team_id);
	emu_add_str(r, "team_alias", NULL);
	emu_add_str(r, "organization_id", NULL);
	emu_add(r, "admins", cJSON_CreateArray());
	emu_add(r, "members", cJSON_CreateArray());
	emu_add(r, "members_with_roles", cJSON_CreateArray());
	emu_add(r, "team_member_permissions", cJSON_CreateArray());
	emu_add(r, "metadata", cJSON_CreateObject());
	emu_add(r, "tpm_limit", cJSON_CreateNull());
	emu_add(r, "rpm_limit", cJSON_CreateNull());
	emu_add(r, "max_budget", cJSON_CreateNull());
	emu_add(r, "soft_budget", cJSON_CreateNull());
	emu_add_str(r, "budget_duration", NULL);
	emu_add(r, "models", cJSON_CreateArray());
	emu_add(r, "blocked", cJSON_CreateFalse());
	emu_add(r, "spend", emu_json_float(0));
	emu_add(r, "max_parallel_requests", cJSON_CreateNull());
	emu_add_str(r, "budget_reset_at", NULL);
	emu_add_str(r, "model_id", NULL);
	emu_add(r, "model_spend", cJSON_CreateObject());
	emu_add(r, "model_max_budget", cJSON_CreateObject());
	emu_add_str(r, "object_permission_id", NULL);
	emu_add_str(r, "created_at", ts);
	emu_add_str(r, "updated_at", ts);
	emu_add(r, "litellm_model_table", cJSON_CreateNull());
	emu_add(r, "object_permission", cJSON_CreateNull());
	return r;
}

static cJSON *
new_key_row(const char *user_id, const char *secret)
{
	cJSON *r = cJSON_CreateObject();
	char ts[40], token[65], name[16];
	size_t n = strlen(secret);

	if (!r)
		abort();
	for (int i = 0; i < 64; i += 16)
		snprintf(token + i, 17, "%016llx", (unsigned long long)emu_rand64());
	snprintf(name, sizeof name, "sk-...%s", n >= 4 ? secret + n - 4 : secret);
	emu_time_text(emu_now_ms(), ts, sizeof ts);
	emu_add_str(r, "token", token);
	emu_add_str(r, "key_name", name);
	emu_add_str(r, "key_alias", NULL);
	emu_add(r, "spend", emu_json_float(0));
	emu_add(r, "max_budget", cJSON_CreateNull());
	emu_add_str(r, "expires", NULL);
	emu_add(r, "models", cJSON_CreateArray());
	emu_add(r, "aliases", cJSON_CreateObject());
	emu_add(r, "config", cJSON_CreateObject());
	emu_add_str(r, "user_id", user_id);
	emu_add_str(r, "team_id", NULL);
	emu_add(r, "permissions", cJSON_CreateObject());
	emu_add(r, "max_parallel_requests", cJSON_CreateNull());
	emu_add(r, "metadata", cJSON_CreateObject());
	emu_add(r, "blocked", cJSON_CreateNull());
	emu_add(r, "tpm_limit", cJSON_CreateNull());
	emu_add(r, "rpm_limit", cJSON_CreateNull());
	emu_add_str(r, "budget_duration", NULL);
	emu_add_str(r, "budget_reset_at", NULL);
	emu_add(r, "allowed_cache_controls", cJSON_CreateArray());
	emu_add(r, "model_spend", cJSON_CreateObject());
	emu_add(r, "model_max_budget", cJSON_CreateObject());
	emu_add_str(r, "created_at", ts);
	emu_add_str(r, "updated_at", ts);
	emu_add_str(r, "created_by", "default_user_id");
	emu_add_str(r, "updated_by", "default_user_id");
	return r;
}

/* ---- users ---- */

static struct emu_user **hot;        /* users whose row or keys are parsed */
static size_t nhot, caphot;
static size_t dup_emails;            /* users indexed under an email another user holds */
static uint64_t users_gen = 1;       /* bumped when users come, go or change created_at */

static void
make_hot(struct emu_user *u)
{
	if (u->hot)
		return;
	if (nhot == caphot) {
		caphot = caphot ? caphot * 2 : 64;
		hot = realloc(hot, caphot * sizeof *hot);
		if (!hot)
			abort();
	}
	hot[nhot++] = u;
	u->hot = true;
}

cJSON *
emu_user_row(struct emu_user *u)
{
	if (!u->row) {
		u->row = cJSON_Parse(u->text);
		emu_oom_check(u->row);
		free(u->text);
		u->text = NULL;
		make_hot(u);
	}
	return u->row;
}

cJSON *
emu_user_keys(struct emu_user *u)
{
	if (!u->keys) {
		u->keys = u->keys_text ? cJSON_Parse(u->keys_text) : cJSON_CreateArray();
		emu_oom_check(u->keys);
		free(u->keys_text);
		u->keys_text = NULL;
		make_hot(u);
	}
	return u->keys;
}

/* Print a hot user back to text and drop its trees. */
static void
freeze(struct emu_user *u)
{
	if (u->row) {
		const char *c = emu_get_str(u->row, "created_at");
		snprintf(u->created_at, sizeof u->created_at, "%s", c ? c : "");
		u->text = cJSON_PrintUnformatted(u->row);
		emu_oom_check(u->text);
		cJSON_Delete(u->row);
		u->row = NULL;
	}
	if (u->keys) {
		u->nkeys = cJSON_GetArraySize(u->keys);
		u->keys_text = u->nkeys ? cJSON_PrintUnformatted(u->keys) : NULL;
		if (u->nkeys)
			emu_oom_check(u->keys_text);
		cJSON_Delete(u->keys);
		u->keys = NULL;
	}
	u->hot = false;
}

void
emu_store_cool(void)
{
	for (size_t i = 0; i < nhot; i++)
		freeze(hot[i]);
	nhot = 0;
}

static void
unhot(struct emu_user *u)
{
	for (size_t i = 0; u->hot && i < nhot; i++)
		if (hot[i] == u) {
			hot[i] = hot[--nhot];
			u->hot = false;
		}
}

const char *
emu_user_text(struct emu_user *u)
{
	if (u->row) {
		unhot(u);
		freeze(u);
	}
	return u->text;
}

const char *
emu_user_keys_text(struct emu_user *u)
{
	if (u->keys) {
		unhot(u);
		freeze(u);
	}
	return u->keys_text ? u->keys_text : "[]";
}

cJSON *
emu_user_field(struct emu_user *u, const char *name)
{
	if (u->row) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(u->row, name);
		return v ? cJSON_Duplicate(v, true) : NULL;
	}
	return emu_text_member(u->text, name);
}

void
emu_users_reordered(void)
{
	users_gen++;
}

struct emu_user *
emu_user_get(const char *user_id)
{
	return user_id ? map_get(&users_by_id, user_id) : NULL;
}

struct emu_user *
emu_user_by_email(const char *email)
{
	char *k = emu_email_norm(email);
	struct emu_user *u = k ? map_get(&users_by_email, k) : NULL;

	free(k);
	return u;
}

static void
unindex_email(struct emu_user *u)
{
	char *k = u->email_key;

	if (!k)
		return;
	u->email_key = NULL;
	if (map_get(&users_by_email, k) != u) {
		dup_emails--;   /* it was a shadowed duplicate */
	} else {
		map_del(&users_by_email, k);
		/* another user may share the address (old servers allowed it) */
		for (size_t i = 0; dup_emails && i < nusers; i++)
			if (users[i] != u && users[i]->email_key && strcmp(users[i]->email_key, k) == 0) {
				map_put(&users_by_email, k, users[i]);
				dup_emails--;
				break;
			}
	}
	free(k);
}

void
emu_user_reindex_email(struct emu_user *u)
{
	const char *mail = emu_get_str(emu_user_row(u), "user_email");

	unindex_email(u);
	free(u->email);
	u->email = mail ? emu_strdup(mail) : NULL;
	if (!mail)
		return;
	u->email_key = emu_email_norm(mail);
	if (!map_get(&users_by_email, u->email_key))
		map_put(&users_by_email, u->email_key, u);
	else
		dup_emails++;
}

struct emu_user *
emu_user_insert(const char *user_id)
{
	struct emu_user *u = calloc(1, sizeof *u);

	if (!u)
		abort();
	u->id = emu_strdup(user_id);
	u->row = new_user_row(user_id);
	make_hot(u);
	u->seq = ++next_seq;
	if (nusers == capusers) {
		capusers = capusers ? capusers * 2 : 64;
		users = realloc(users, capusers * sizeof *users);
		if (!users)
			abort();
	}
	u->idx = nusers;
	users[nusers++] = u;
	map_put(&users_by_id, user_id, u);
	users_gen++;
	emu_store_dirty = true;
	return u;
}

static void
user_free(struct emu_user *u)
{
	cJSON_Delete(u->row);
	cJSON_Delete(u->keys);
	free(u->id);
	free(u->text);
	free(u->keys_text);
	free(u->email);
	free(u->email_key);
	free(u);
}

void
emu_user_delete(struct emu_user *u)
{
	unindex_email(u);
	unhot(u);
	if (map_get(&users_by_id, u->id) == u)
		map_del(&users_by_id, u->id);
	users[u->idx] = users[--nusers];
	users[u->idx]->idx = u->idx;
	user_free(u);
	users_gen++;
	emu_store_dirty = true;
}

size_t emu_user_count(void) { return nusers; }
struct emu_user *emu_user_at(size_t i) { return i < nusers ? users[i] : NULL; }

char *
emu_user_mint_key(struct emu_user *u, cJSON **key_row)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char secret[3 + 22 + 1] = "sk-";
	cJSON *k;

	for (int i = 0; i < 22; i++)
		secret[3 + i] = alphabet[emu_rand64() & 63];
	secret[25] = 0;
	k = new_key_row(u->id, secret);
	emu_push(emu_user_keys(u), k);
	if (key_row)
		*key_row = k;
	emu_store_dirty = true;
	return emu_strdup(secret);
}

void
emu_user_add_team(struct emu_user *u, const char *team_id)
{
	cJSON *row = emu_user_row(u), *t = cJSON_GetObjectItemCaseSensitive(row, "teams");

	if (!cJSON_IsArray(t)) {
		t = cJSON_CreateArray();
		emu_set(row, "teams", t);
	}
	for (cJSON *e = t->child; e; e = e->next)
		if (cJSON_IsString(e) && strcmp(e->valuestring, team_id) == 0)
			return;
	emu_push(t, cJSON_CreateString(team_id));
	emu_store_dirty = true;
}

void
emu_user_remove_team(struct emu_user *u, const char *team_id)
{
	cJSON *t = cJSON_GetObjectItemCaseSensitive(emu_user_row(u), "teams");
	int i = 0;

	if (!cJSON_IsArray(t))
		return;
	for (cJSON *e = t->child; e; e = e->next, i++)
		if (cJSON_IsString(e) && strcmp(e->valuestring, team_id) == 0) {
			cJSON_DeleteItemFromArray(t, i);
			emu_store_dirty = true;
			return;
		}
}

/* ---- sorted indexes ---- */

static const char *const sort_cols[] = {"user_id", "user_email", "created_at", "spend",
                                        "user_alias", "user_role", NULL};
struct sorted {
	uint64_t gen;           /* users_gen (id, created_at) or emu_store_gen it was built at */
	struct emu_user **v;
	cJSON **vals;
	size_t n;
};
static struct sorted sorted_by[6];
static int sorting_col;
static cJSON **sorting_vals;

static int
sorted_cmp(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = emu_value_cmp(sorting_vals[a], sorting_vals[b], sorting_col == 3);

	if (c)
		return c;
	return (users[a]->seq > users[b]->seq) - (users[a]->seq < users[b]->seq);
}

static void
sorted_clear(struct sorted *s)
{
	for (size_t i = 0; s->vals && i < s->n; i++)
		cJSON_Delete(s->vals[i]);
	free(s->v);
	free(s->vals);
	memset(s, 0, sizeof *s);
}

size_t
emu_users_sorted(const char *column, struct emu_user ***out, cJSON ***vals)
{
	int col = 0;
	struct sorted *s;
	uint64_t gen;
	size_t *ix;
	cJSON **tmp;

	while (sort_cols[col] && strcmp(sort_cols[col], column))
		col++;
	if (!sort_cols[col])
		col = 0;
	/* user_id and created_at only change when users come and go (or a seed rewrites
	 * created_at); every other column may change with any write */
	gen = (col == 0 || col == 2) ? users_gen : users_gen * 1000003u + emu_store_gen;
	s = &sorted_by[col];
	if (s->v && s->gen == gen) {
		*out = s->v;
		*vals = s->vals;
		return s->n;
	}
	sorted_clear(s);
	emu_store_cool();
	tmp = emu_xmalloc(sizeof *tmp * (nusers + 1));
	ix = emu_xmalloc(sizeof *ix * (nusers + 1));
	for (size_t i = 0; i < nusers; i++) {
		ix[i] = i;
		if (col == 0)
			tmp[i] = cJSON_CreateString(users[i]->id);
		else if (col == 2)
			tmp[i] = users[i]->created_at[0] ? cJSON_CreateString(users[i]->created_at) : NULL;
		else
			tmp[i] = emu_user_field(users[i], sort_cols[col]);
		if (tmp[i] && cJSON_IsNull(tmp[i])) {
			cJSON_Delete(tmp[i]);
			tmp[i] = NULL;
		}
	}
	sorting_col = col;
	sorting_vals = tmp;
	qsort(ix, nusers, sizeof *ix, sorted_cmp);
	s->v = emu_xmalloc(sizeof *s->v * (nusers + 1));
	s->vals = emu_xmalloc(sizeof *s->vals * (nusers + 1));
	for (size_t i = 0; i < nusers; i++) {
		s->v[i] = users[ix[i]];
		s->vals[i] = tmp[ix[i]];
	}
	s->n = nusers;
	s->gen = gen;
	free(tmp);
	free(ix);
	*out = s->v;
	*vals = s->vals;
	return s->n;
}

/* ---- teams ---- */

struct emu_team *
emu_team_get(const char *team_id)
{
	return team_id ? map_get(&teams_by_id, team_id) : NULL;
}

struct emu_team *
emu_team_insert(const char *team_id)
{
	struct emu_team *t = calloc(1, sizeof *t);

	if (!t)
		abort();
	t->row = new_team_row(team_id);
	t->memberships = cJSON_CreateArray();
	if (!t->memberships)
		abort();
	t->seq = ++next_seq;
	if (nteams == capteams) {
		capteams = capteams ? capteams * 2 : 16;
		teams = realloc(teams, capteams * sizeof *teams);
		if (!teams)
			abort();
	}
	t->idx = nteams;
	teams[nteams++] = t;
	map_put(&teams_by_id, team_id, t);
	emu_store_dirty = true;
	return t;
}

void
emu_team_delete(struct emu_team *t)
{
	const char *id = emu_get_str(t->row, "team_id");

	if (id && map_get(&teams_by_id, id) == t)
		map_del(&teams_by_id, id);
	teams[t->idx] = teams[--nteams];
	teams[t->idx]->idx = t->idx;
	cJSON_Delete(t->row);
	cJSON_Delete(t->memberships);
	free(t);
	emu_store_dirty = true;
}

size_t emu_team_count(void) { return nteams; }
struct emu_team *emu_team_at(size_t i) { return i < nteams ? teams[i] : NULL; }

/* ---- organizations (only their ids: teams must name an existing one) ---- */

bool
emu_org_exists(const char *id)
{
	return id && map_get(&orgs, id) != NULL;
}

void
emu_org_add(const char *id)
{
	map_put(&orgs, id, (void *)&orgs);
	emu_store_dirty = true;
}

static bool
load_org(const cJSON *src, char **err)
{
	const char *id = emu_get_str(src, "organization_id");

	if (!id) {
		*err = emu_strdup("every organization needs a string organization_id");
		return false;
	}
	emu_org_add(id);
	return true;
}

/* ---- lifecycle ---- */

void
emu_store_free(void)
{
	map_clear(&users_by_id);
	map_clear(&users_by_email);
	map_clear(&teams_by_id);
	map_clear(&orgs);
	for (size_t i = 0; i < nusers; i++)
		user_free(users[i]);
	for (int i = 0; i < 6; i++)
		sorted_clear(&sorted_by[i]);
	free(hot);
	hot = NULL;
	nhot = caphot = 0;
	dup_emails = 0;
	users_gen++;
	for (size_t i = 0; i < nteams; i++) {
		cJSON_Delete(teams[i]->row);
		cJSON_Delete(teams[i]->memberships);
		free(teams[i]);
	}
	nusers = nteams = 0;
	free(users);
	free(teams);
	users = NULL;
	teams = NULL;
	capusers = capteams = 0;
}

void
emu_store_reset(void)
{
	struct emu_user *u;

	emu_store_free();
	next_seq = 0;
	u = emu_user_insert("default_user_id");
	emu_set(emu_user_row(u), "user_role", cJSON_CreateString("proxy_admin"));
	emu_user_insert("litellm-proxy-budget");
	emu_store_cool();
	emu_store_dirty = true;
}

/* ---- dump / load ---- */

static const char *const user_floats[] = {"max_budget", "spend", NULL};
static const char *const key_floats[] = {"max_budget", "spend", NULL};
static const char *const team_floats[] = {"max_budget", "soft_budget", "spend", NULL};



char *
emu_store_dump_text(const char *extra)
{
	struct emu_buf b = {0};

	emu_store_cool();
	emu_buf_str(&b, "{\"users\":[");
	for (size_t i = 0; i < nusers; i++) {
		const char *t = users[i]->text;
		if (i)
			emu_buf_str(&b, ",");
		emu_buf_put(&b, t, strlen(t) - 1);   /* without the closing brace */
		emu_buf_str(&b, ",\"keys\":");
		emu_buf_str(&b, users[i]->keys_text ? users[i]->keys_text : "[]");
		emu_buf_str(&b, "}");
	}
	emu_buf_str(&b, "],\"teams\":[");
	for (size_t i = 0; i < nteams; i++) {
		cJSON *r = cJSON_Duplicate(teams[i]->row, true);
		char *t;
		emu_add(r, "memberships", cJSON_Duplicate(teams[i]->memberships, true));
		t = cJSON_PrintUnformatted(r);
		emu_oom_check(t);
		if (i)
			emu_buf_str(&b, ",");
		emu_buf_str(&b, t);
		free(t);
		cJSON_Delete(r);
	}
	emu_buf_str(&b, "],\"organizations\":[");
	for (size_t i = 0, k = 0; i < orgs.cap; i++) {
		cJSON *o;
		char *t;
		if (!orgs.slots[i].key)
			continue;
		o = cJSON_CreateObject();
		emu_add_str(o, "organization_id", orgs.slots[i].key);
		t = cJSON_PrintUnformatted(o);
		emu_oom_check(t);
		emu_buf_str(&b, k++ ? "," : "");
		emu_buf_str(&b, t);
		free(t);
		cJSON_Delete(o);
	}
	emu_buf_str(&b, "]");
	emu_buf_str(&b, extra ? extra : "");
	emu_buf_str(&b, "}");
	return b.p;
}

/* Overlay every member of src onto row (replacing), skipping the named one. */
static void
overlay(cJSON *row, const cJSON *src, const char *skip)
{
	for (const cJSON *m = src->child; m; m = m->next)
		if (!skip || strcmp(m->string, skip))
			emu_set(row, m->string, cJSON_Duplicate(m, true));
}

static bool
load_user(const cJSON *src, char **err)
{
	const char *id = emu_get_str(src, "user_id");
	const cJSON *keys = cJSON_GetObjectItemCaseSensitive(src, "keys");
	struct emu_user *u;

	if (!cJSON_IsObject(src) || !id) {
		*err = emu_strdup("every user needs a string user_id");
		return false;
	}
	if ((u = emu_user_get(id)))
		emu_user_delete(u);
	u = emu_user_insert(id);
	overlay(emu_user_row(u), src, "keys");
	emu_json_fix_floats(emu_user_row(u), user_floats);
	emu_user_reindex_email(u);
	if (cJSON_IsNumber(keys)) {
		for (int i = 0; i < keys->valueint && i < 10000; i++)
			free(emu_user_mint_key(u, NULL));
	} else if (cJSON_IsArray(keys)) {
		for (const cJSON *k = keys->child; k; k = k->next) {
			cJSON *row = new_key_row(id, "sk-....");
			if (cJSON_IsObject(k))
				overlay(row, k, NULL);
			emu_json_fix_floats(row, key_floats);
			emu_push(emu_user_keys(u), row);
		}
	}
	unhot(u);
	freeze(u);   /* a big seed stays small */
	return true;
}

static bool
load_team(const cJSON *src, char **err)
{
	const char *id = emu_get_str(src, "team_id");
	const cJSON *ms = cJSON_GetObjectItemCaseSensitive(src, "memberships");
	struct emu_team *t;

	if (!cJSON_IsObject(src) || !id) {
		*err = emu_strdup("every team needs a string team_id");
		return false;
	}
	if ((t = emu_team_get(id)))
		emu_team_delete(t);
	t = emu_team_insert(id);
	overlay(t->row, src, "memberships");
	emu_json_fix_floats(t->row, team_floats);
	if (cJSON_IsArray(ms)) {
		cJSON_Delete(t->memberships);
		t->memberships = cJSON_Duplicate(ms, true);
		if (!t->memberships)
			abort();
	}
	return true;
}

bool
emu_store_load_json(const cJSON *doc, char **err)
{
	const cJSON *ua = cJSON_GetObjectItemCaseSensitive(doc, "users");
	const cJSON *ta = cJSON_GetObjectItemCaseSensitive(doc, "teams");
	const cJSON *oa = cJSON_GetObjectItemCaseSensitive(doc, "organizations");

	if (!cJSON_IsObject(doc) || (ua && !cJSON_IsArray(ua)) || (ta && !cJSON_IsArray(ta)) ||
	    (oa && !cJSON_IsArray(oa))) {
		*err = emu_strdup("expected an object {\"users\":[...],\"teams\":[...],"
		                  "\"organizations\":[...]}");
		return false;
	}
	for (const cJSON *o = oa ? oa->child : NULL; o; o = o->next)
		if (!load_org(o, err))
			return false;
	for (const cJSON *u = ua ? ua->child : NULL; u; u = u->next)
		if (!load_user(u, err))
			return false;
	for (const cJSON *t = ta ? ta->child : NULL; t; t = t->next)
		if (!load_team(t, err))
			return false;
	return true;
}

static char *
read_file(const char *path, size_t *len, char **err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		*err = emu_strf("%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap + 1);
			if (!buf)
				abort();
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		*err = emu_strf("%s: read error", path);
		free(buf);
		buf = NULL;
	} else {
		buf[n] = 0;
		*len = n;
	}
	fclose(f);
	return buf;
}

/* A --seed/--data file is read one row at a time, so a file of 100,000 users never becomes
 * one big tree. */
struct load_ctx {
	char **err;
	bool (*one)(const cJSON *src, char **err);
};

static bool
load_element(const char *e, const char *eend, void *arg)
{
	struct load_ctx *c = arg;
	cJSON *v = cJSON_ParseWithLength(e, (size_t)(eend - e));
	bool ok;

	if (!v) {
		*c->err = emu_strdup("invalid JSON");
		return false;
	}
	ok = c->one(v, c->err);
	cJSON_Delete(v);
	return ok;
}

static bool
load_member(const char *name, size_t nlen, const char *v, const char *vend, void *arg)
{
	struct load_ctx *c = arg;
	bool users_ = nlen == 5 && memcmp(name, "users", 5) == 0;
	bool orgs_ = nlen == 13 && memcmp(name, "organizations", 13) == 0;

	if (!users_ && !orgs_ && !(nlen == 5 && memcmp(name, "teams", 5) == 0))
		return true;   /* faults, config: a dump's extras */
	c->one = users_ ? load_user : orgs_ ? load_org : load_team;
	if (emu_text_elements(v, vend, load_element, c))
		return true;
	if (!*c->err)
		*c->err = emu_strdup("expected an object {\"users\":[...],\"teams\":[...]}");
	return false;
}

bool
emu_store_load_file(const char *path, char **err)
{
	size_t len = 0;
	char *text;
	struct load_ctx c = {err, NULL};
	bool ok;

	if (access(path, F_OK) != 0)
		return true;   /* first run: nothing persisted yet */
	text = read_file(path, &len, err);
	if (!text)
		return false;
	*err = NULL;
	ok = emu_text_members(text, text + len, load_member, &c);
	if (!ok) {
		char *why = *err;
		*err = emu_strf("%s: %s", path, why ? why : "invalid JSON, or not an object "
		                "{\"users\":[...],\"teams\":[...]}");
		free(why);
	}
	free(text);
	return ok;
}

bool
emu_store_save_file(const char *path, char **err)
{
	char *text = emu_store_dump_text(NULL);
	char *tmp = emu_strf("%s.tmp.%d", path, (int)getpid());
	size_t len = strlen(text);
	bool ok = false;
	int fd = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		goto out;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		off += (size_t)w;
	}
	if (write(fd, "\n", 1) != 1 || fsync(fd) != 0)
		goto out;
	if (close(fd) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto out;
	ok = true;
	emu_store_dirty = false;
out:
	if (!ok) {
		*err = emu_strf("%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
	}
	free(tmp);
	free(text);
	return ok;
}
