/* cmd_progress.c - Terraform's "Still creating... [10s elapsed]" lines: while a create,
 * update or delete is in flight, a ticker thread prints one line per resource every
 * 10 s of its elapsed time (text), or an "apply_progress" message (-json):
 *
 *   litellm_user.a: Still creating... [10s elapsed]
 *   litellm_user.a: Still modifying... [id=u-1, 10s elapsed]
 *   litellm_user.a: Still destroying... [id=u-1, 10s elapsed]
 *
 * lh_cmd_progress (cmd_plan.c) reports every start and end here and prints under the
 * same lock, so a ticker line never lands inside another line.  The interval can be
 * shortened for tests with LITEHCL_PROGRESS_INTERVAL (seconds). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd_common.h"
#include "render.h"

typedef struct flight {
	char *addr, *type, *name, *id;
	cJSON *index;
	const char *action;	/* "create", "update", "delete" */
	double t0, next;	/* start; when the next line is due */
	bool json, color;
	struct flight *next_f;
} flight;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static flight *flights;
static bool ticker_started;
static double interval_s = 10;

static double
mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void
lh_cmd_progress_lock(void)
{
	pthread_mutex_lock(&mu);
}

void
lh_cmd_progress_unlock(void)
{
	pthread_mutex_unlock(&mu);
}

static void
say(const flight *f, long secs)
{
	const char *verb = f->action[0] == 'c' ? "creating" : f->action[0] == 'u' ?
	    "modifying" : "destroying";
	if (f->json) {
		cJSON *x = cJSON_CreateObject(), *hook = cJSON_CreateObject();
		cJSON_AddItemToObject(hook, "resource", lh_ui_resource(f->addr, f->type, f->name,
		    f->index));
		cJSON_AddStringToObject(hook, "action", f->action);
		cJSON_AddNumberToObject(hook, "elapsed_seconds", (double)secs);
		cJSON_AddItemToObject(x, "hook", hook);
		lh_ui_emit(stdout, "info", "apply_progress", x, "%s: Still %s... [%lds elapsed]",
		    f->addr, verb, secs);
		return;
	}
	const char *bold = f->color ? "\x1b[1m" : "", *reset = f->color ? "\x1b[0m" : "";
	if (f->id != NULL && f->action[0] != 'c')
		printf("%s%s: Still %s... [id=%s, %lds elapsed]%s\n", bold, f->addr, verb, f->id,
		    secs, reset);
	else
		printf("%s%s: Still %s... [%lds elapsed]%s\n", bold, f->addr, verb, secs, reset);
	fflush(stdout);
}

static void *
tick(void *arg)
{
	(void)arg;
	for (;;) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&mu);
		double now = mono();
		for (flight *f = flights; f != NULL; f = f->next_f) {
			if (now < f->next)
				continue;
			long secs = (long)(f->next - f->t0 + 0.5);
			say(f, secs);
			f->next += interval_s;
		}
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static void
drop(flight *f)
{
	free(f->addr);
	free(f->type);
	free(f->name);
	free(f->id);
	cJSON_Delete(f->index);
	free(f);
}

void
lh_cmd_progress_track(const lh_cmd_out *o, const char *addr, const char *type,
    const char *name, const cJSON *index, const char *ev, const char *id)
{
	bool start = strcmp(ev, "create") == 0 || strcmp(ev, "update") == 0 ||
	    strcmp(ev, "delete") == 0;
	bool end = !start && (strncmp(ev, "create_", 7) == 0 ||
	    strncmp(ev, "update_", 7) == 0 || strncmp(ev, "delete_", 7) == 0);
	if (!start && !end)
		return;
	/* called with the lock held (lh_cmd_progress) */
	for (flight **p = &flights; *p != NULL; p = &(*p)->next_f) {
		if (strcmp((*p)->addr, addr) == 0) {
			flight *f = *p;
			*p = f->next_f;
			drop(f);
			break;
		}
	}
	if (!start)
		return;
	if (!ticker_started) {
		const char *e = getenv("LITEHCL_PROGRESS_INTERVAL");
		if (e != NULL && atof(e) > 0)
			interval_s = atof(e);
		pthread_t t;
		pthread_attr_t at;
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&t, &at, tick, NULL) == 0)
			ticker_started = true;
		pthread_attr_destroy(&at);
		if (!ticker_started)
			return;		/* no ticker: no Still lines, nothing else lost */
	}
	flight *f = calloc(1, sizeof *f);
	if (f == NULL)
		return;
	f->addr = strdup(addr);
	f->type = strdup(type ? type : "");
	f->name = strdup(name ? name : "");
	f->id = id ? strdup(id) : NULL;
	f->index = index ? cJSON_Duplicate(index, true) : NULL;
	f->action = ev[0] == 'c' ? "create" : ev[0] == 'u' ? "update" : "delete";
	f->json = o->json;
	f->color = o->color;
	f->t0 = mono();
	f->next = f->t0 + interval_s;
	if (f->addr == NULL || f->type == NULL || f->name == NULL) {
		drop(f);
		return;
	}
	f->next_f = flights;
	flights = f;
}
