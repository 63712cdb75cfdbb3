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
	return h ^ (h >> 29);
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
static struct map users_by_id, users_by_email, teams_by_id;
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
	if (map_get(&users_by_email, k) == u) {
		map_del(&users_by_email, k);
		/* another user may share the address (old servers allowed it) */
		for (size_t i = 0; i < nusers; i++)
			if (users[i]->email_key && strcmp(users[i]->email_key, k) == 0) {
				map_put(&users_by_email, k, users[i]);
				break;
			}
	}
	free(k);
}

void
emu_user_reindex_email(struct emu_user *u)
{
	const char *mail = emu_get_str(u->row, "user_email");

	unindex_email(u);
	if (!mail)
		return;
	u->email_key = emu_email_norm(mail);
	if (!map_get(&users_by_email, u->email_key))
		map_put(&users_by_email, u->email_key, u);
}

struct emu_user *
emu_user_insert(const char *user_id)
{
	struct emu_user *u = calloc(1, sizeof *u);

	if (!u)
		abort();
	u->row = new_user_row(user_id);
	u->keys = cJSON_CreateArray();
	if (!u->keys)
		abort();
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
	emu_store_dirty = true;
	return u;
}

static void
user_free(struct emu_user *u)
{
	cJSON_Delete(u->row);
	cJSON_Delete(u->keys);
	free(u->email_key);
	free(u->info_cache);
	free(u);
}

void
emu_user_delete(struct emu_user *u)
{
	const char *id = emu_get_str(u->row, "user_id");

	unindex_email(u);
	if (id && map_get(&users_by_id, id) == u)
		map_del(&users_by_id, id);
	users[u->idx] = users[--nusers];
	users[u->idx]->idx = u->idx;
	user_free(u);
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
	k = new_key_row(emu_get_str(u->row, "user_id"), secret);
	emu_push(u->keys, k);
	if (key_row)
		*key_row = k;
	emu_store_dirty = true;
	return emu_strdup(secret);
}

void
emu_user_add_team(struct emu_user *u, const char *team_id)
{
	cJSON *t = cJSON_GetObjectItemCaseSensitive(u->row, "teams");

	if (!cJSON_IsArray(t)) {
		t = cJSON_CreateArray();
		emu_set(u->row, "teams", t);
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
	cJSON *t = cJSON_GetObjectItemCaseSensitive(u->row, "teams");
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

/* ---- lifecycle ---- */

void
emu_store_free(void)
{
	map_clear(&users_by_id);
	map_clear(&users_by_email);
	map_clear(&teams_by_id);
	for (size_t i = 0; i < nusers; i++)
		user_free(users[i]);
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
	emu_set(u->row, "user_role", cJSON_CreateString("proxy_admin"));
	emu_user_insert("litellm-proxy-budget");
	emu_store_dirty = true;
}

/* ---- dump / load ---- */

static const char *const user_floats[] = {"max_budget", "spend", NULL};
static const char *const key_floats[] = {"max_budget", "spend", NULL};

cJSON *
emu_store_dump(void)
{
	cJSON *doc = cJSON_CreateObject(), *ua = cJSON_CreateArray(), *ta = cJSON_CreateArray();

	if (!doc || !ua || !ta)
		abort();
	emu_add(doc, "users", ua);
	emu_add(doc, "teams", ta);
	for (size_t i = 0; i < nusers; i++) {
		cJSON *r = cJSON_Duplicate(users[i]->row, true);
		emu_add(r, "keys", cJSON_Duplicate(users[i]->keys, true));
		emu_push(ua, r);
	}
	for (size_t i = 0; i < nteams; i++) {
		cJSON *r = cJSON_Duplicate(teams[i]->row, true);
		emu_add(r, "memberships", cJSON_Duplicate(teams[i]->memberships, true));
		emu_push(ta, r);
	}
	return doc;
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
	overlay(u->row, src, "keys");
	emu_json_fix_floats(u->row, user_floats);
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
			emu_push(u->keys, row);
		}
	}
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
	emu_json_fix_floats(t->row, user_floats);
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

	if (!cJSON_IsObject(doc) || (ua && !cJSON_IsArray(ua)) || (ta && !cJSON_IsArray(ta))) {
		*err = emu_strdup("expected an object {\"users\":[...],\"teams\":[...]}");
		return false;
	}
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

bool
emu_store_load_file(const char *path, char **err)
{
	size_t len = 0;
	char *text;
	cJSON *doc;
	const char *end = NULL;
	bool ok;

	if (access(path, F_OK) != 0)
		return true;   /* first run: nothing persisted yet */
	text = read_file(path, &len, err);
	if (!text)
		return false;
	doc = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!doc) {
		*err = emu_strf("%s: invalid JSON near byte %ld", path, end ? (long)(end - text) : 0L);
		free(text);
		return false;
	}
	ok = emu_store_load_json(doc, err);
	cJSON_Delete(doc);
	free(text);
	return ok;
}

bool
emu_store_save_file(const char *path, char **err)
{
	cJSON *doc = emu_store_dump();
	char *text = cJSON_Print(doc);
	char *tmp = emu_strf("%s.tmp.%d", path, (int)getpid());
	size_t len = text ? strlen(text) : 0;
	bool ok = false;
	int fd = -1;

	cJSON_Delete(doc);
	if (!text)
		abort();
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
