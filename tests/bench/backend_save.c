/* backend_save.c - the save alone, timed in process (tests/bench/backend.sh builds and
 * runs it): a state of N users (each as apply records it) is made in memory and saved
 * with lh_state_save, either to the pg backend configured in the current directory
 * (argv[2] = "pg") or to a local file (argv[2] = "local"); then one user changes and it
 * is saved again (an apply's final save).  Prints "first_save=S resave=S" (wall
 * seconds, best of argv[3] rounds). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "backend.h"
#include "diag.h"
#include "state.h"

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static cJSON *
user(int i, const char *suffix)
{
	char id[64], email[96], alias[32];
	snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i + 1);
	snprintf(email, sizeof email, "u%05d@bench.example.com%s", i, suffix);
	snprintf(alias, sizeof alias, "u%05d", i);
	cJSON *a = cJSON_CreateObject();
	cJSON_AddStringToObject(a, "id", id);
	cJSON_AddStringToObject(a, "user_id", id);
	cJSON_AddStringToObject(a, "user_email", email);
	cJSON_AddStringToObject(a, "user_alias", alias);
	cJSON_AddStringToObject(a, "user_role", "internal_user");
	cJSON_AddItemToObject(a, "teams", cJSON_CreateArray());
	cJSON *m = cJSON_AddArrayToObject(a, "models");
	cJSON_AddItemToArray(m, cJSON_CreateString("gpt-4o"));
	cJSON_AddItemToArray(m, cJSON_CreateString("claude-3-5-sonnet"));
	cJSON_AddNumberToObject(a, "max_budget", 10);
	cJSON_AddNullToObject(a, "tpm_limit");
	cJSON_AddNullToObject(a, "rpm_limit");
	cJSON_AddStringToObject(a, "budget_duration", "30d");
	cJSON_AddStringToObject(a, "metadata", "{\"team\":\"bench\"}");
	cJSON_AddNumberToObject(a, "spend", 0.125);
	cJSON_AddFalseToObject(a, "blocked");
	return a;
}

static int
open_state(const char *kind, lh_state **st, lh_diags *d)
{
	lh_state_opts so = {.operation = "OperationTypeApply"};
	char *path = NULL;
	if (strcmp(kind, "pg") == 0) {
		lh_backend *b = NULL;
		if (!lh_backend_current(&b, d) || !lh_backend_open(b, "default", true, &so.store,
		    &path, d))
			return 0;
		lh_backend_free(b);
	} else {
		so.path = "terraform.tfstate";
	}
	int ok = lh_state_open(&so, st, d);
	free(path);
	return ok;
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000;
	const char *kind = argc > 2 ? argv[2] : "local";
	int rounds = argc > 3 ? atoi(argv[3]) : 3;
	double best1 = 1e9, best2 = 1e9;
	for (int r = 0; r < rounds; r++) {
		lh_arena *a = lh_arena_new();
		lh_diags d;
		lh_diags_init(&d, a);
		lh_state *st = NULL;
		if (!open_state(kind, &st, &d)) {
			lh_diag_print(stderr, &d, false);
			return 1;
		}
		/* a fresh content each round, so every first save writes all n users */
		char suffix[16];
		snprintf(suffix, sizeof suffix, ".r%d", r);
		for (int i = 0; i < n; i++) {
			char key[16];
			snprintf(key, sizeof key, "u%05d", i);
			lh_addr ad = {.type = "litellm_user", .name = "u", .kind = LH_KEY_STR, .key = key};
			lh_state_set(st, &ad, user(i, suffix), NULL, NULL);
		}
		double t0 = now();
		if (!lh_state_save(st, &d)) {
			lh_diag_print(stderr, &d, false);
			return 1;
		}
		double t1 = now();
		lh_addr ad = {.type = "litellm_user", .name = "u", .kind = LH_KEY_STR, .key = "u00007"};
		lh_state_set(st, &ad, user(7, ".changed"), NULL, NULL);
		double t2 = now();
		if (!lh_state_save(st, &d)) {
			lh_diag_print(stderr, &d, false);
			return 1;
		}
		double t3 = now();
		lh_state_close(st);
		lh_arena_free(a);
		if (t1 - t0 < best1)
			best1 = t1 - t0;
		if (t3 - t2 < best2)
			best2 = t3 - t2;
	}
	printf("first_save=%.3f resave=%.3f\n", best1, best2);
	return 0;
}
