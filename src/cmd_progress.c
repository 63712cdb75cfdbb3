/* cmd_progress.c - Terraform's "Still creating... [10s elapsed]" lines: while a create,
 * update or delete is in flight, a ticker thread prints one line per resource every
 * 10 s of its elapsed time (text), or an "apply_progress" message (-json):
 *
 *   TYPE.a: Still creating... [10s elapsed]
 *   TYPE.a: Still modifying... [id=u-1, 10s elapsed]
 *   TYPE.a: Still destroying... [id=u-1, 10s elapsed]
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
	struct flight *prev_f, *next_f;	/* the queue, in order of next */
	struct flight *hnext;		/* hash chain */
	unsigned long h;
} flight;

/* Flights in flight form a queue ordered by when their next line is due (every line
 * comes interval_s after the previous one, so a flight goes to the tail when it
 * starts and after each line), and a hash by address: with 100,000 creates in flight
 * a start, an end and a tick cost O(1), not a walk of every flight. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static flight *head, *tail;
static flight **htab;
static size_t hcap, hcount;
static bool ticker_started;
static double interval_s = 10;

static unsigned long
hash_addr(const char *s)
{
	unsigned long h = 5381;
	for (; *s; s++)
		h = h * 33 ^ (unsigned char)*s;
	return h;
}

static void
q_unlink(flight *f)
{
	if (f->prev_f != NULL)
		f->prev_f->next_f = f->next_f;
	else
		head = f->next_f;
	if (f->next_f != NULL)
		f->next_f->prev_f = f->prev_f;
	else
		tail = f->prev_f;
	f->prev_f = f->next_f = NULL;
}

static void
q_append(flight *f)
{
	f->prev_f = tail;
	f->next_f = NULL;
	if (tail != NULL)
		tail->next_f = f;
	else
		head = f;
	tail = f;
}

/* The flight of addr, unlinked from the hash; NULL when none. */
static flight *
h_take(const char *addr)
{
	if (hcap == 0)
		return NULL;
	unsigned long h = hash_addr(addr);
	for (flight **p = &htab[h & (hcap - 1)]; *p != NULL; p = &(*p)->hnext) {
		if ((*p)->h == h && strcmp((*p)->addr, addr) == 0) {
			flight *f = *p;
			*p = f->hnext;
			hcount--;
			return f;
		}
	}
	return NULL;
}

static bool
h_put(flight *f)
{
	if ((hcount + 1) * 2 > hcap) {
		size_t nc = hcap ? hcap * 2 : 64;
		flight **nt = calloc(nc, sizeof *nt);
		if (nt == NULL)
			return false;
		for (size_t i = 0; i < hcap; i++) {
			for (flight *g = htab[i], *nx; g != NULL; g = nx) {
				nx = g->hnext;
				g->hnext = nt[g->h & (nc - 1)];
				nt[g->h & (nc - 1)] = g;
			}
		}
		free(htab);
		htab = nt;
		hcap = nc;
	}
	f->h = hash_addr(f->addr);
	f->hnext = htab[f->h & (hcap - 1)];
	htab[f->h & (hcap - 1)] = f;
	hcount++;
	return true;
}

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
		/* the due ones are at the head; each goes to the tail, due again later */
		for (flight *f = head, *stop = NULL; f != NULL && f != stop && now >= f->next;
		    f = head) {
			long secs = (long)(f->next - f->t0 + 0.5);
			say(f, secs);
			f->next += interval_s;
			q_unlink(f);
			q_append(f);
			if (stop == NULL)
				stop = f;	/* once round the queue at most */
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
	if (ev[0] != 'c' && ev[0] != 'u' && ev[0] != 'd')
		return;		/* a refresh's, a read's, an import's: nothing to track */
	bool start = strcmp(ev, "create") == 0 || strcmp(ev, "update") == 0 ||
	    strcmp(ev, "delete") == 0;
	bool end = !start && (strncmp(ev, "create_", 7) == 0 ||
	    strncmp(ev, "update_", 7) == 0 || strncmp(ev, "delete_", 7) == 0);
	if (!start && !end)
		return;
	/* called with the lock held (lh_cmd_progress) */
	flight *old = h_take(addr);
	if (old != NULL) {
		q_unlink(old);
		drop(old);
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
	if (!h_put(f)) {
		drop(f);
		return;
	}
	q_append(f);
}
