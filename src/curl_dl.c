/* curl_dl.c - loads libcurl when a command first needs it (see curl_dl.h): dlopen,
 * dlsym of every function litehcl calls, curl_global_init once; optionally on a
 * background thread started early, joined at the first use. */
#define LH_CURL_DL_IMPL	/* the table by its members, not curl's names */
#include "curl_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURL_LIB "libcurl.so.4"

lh_curl_api lh_curl;

/* Where the load is.  Only the main thread reads or changes it (or the one thread
 * lh_curl_load_beside is called on, while the main thread leaves this module alone);
 * the loading thread writes `loaded`, `failure`, `inited` and the table, which are
 * read only after joining it. */
static enum { IDLE, LOADING, DONE } phase;
static pthread_t loader;
static char lib_name[256];		/* the file dlopen'd */
static bool loaded;			/* the table is complete */
static bool inited;			/* curl_global_init succeeded */
static char failure[768];		/* why not (no final period), once DONE and !loaded
					 * or !inited */

static void __attribute__((format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(failure, sizeof failure, fmt, ap);
	va_end(ap);
}

/* Initialises libcurl (the table is complete); false with the failure set. */
static bool
init(void)
{
	CURLcode rc = lh_curl.curl_global_init(CURL_GLOBAL_DEFAULT);
	if (rc == CURLE_OK)
		return inited = true;
	fail("%s was loaded but could not be initialised: %s", lib_name,
	    lh_curl.curl_easy_strerror(rc));
	return false;
}

/* dlopen + dlsym (+ curl_global_init when allowed here).  `threaded`: running beside the
 * main thread, so curl_global_init only if libcurl says it is thread-safe. */
static void
load(bool threaded)
{
	/* RTLD_LAZY: libcurl and most of its libraries are linked BIND_NOW (bound here all
	 * the same); the rest (krb5, rtmp, nghttp2, brotli) bind a function at its first
	 * call instead of all of theirs now, most never called (the load 15.5 -> 12.9 M
	 * instructions, before the first request goes out).  What litehcl calls is checked
	 * below by dlsym, as before. */
	void *h = dlopen(lib_name, RTLD_LAZY | RTLD_LOCAL);
	if (h == NULL) {
		const char *why = dlerror();
		fail("%s", why != NULL ? why : "it cannot be loaded");
		return;
	}
	const char *missing = NULL, *why = NULL;
	dlerror();
#define RESOLVE(f) \
	if (missing == NULL && (*(void **)&lh_curl.f = dlsym(h, #f)) == NULL) { \
		missing = #f; \
		why = dlerror(); \
	}
	LH_CURL_FUNCS(RESOLVE)
#undef RESOLVE
	if (missing != NULL) {
		fail("%s is not a usable libcurl: %s", lib_name, why != NULL ? why : missing);
		memset(&lh_curl, 0, sizeof lh_curl);
		dlclose(h);
		return;
	}
	loaded = true;
	const curl_version_info_data *vi = lh_curl.curl_version_info(CURLVERSION_NOW);
	if (!threaded || (vi != NULL && (vi->features & CURL_VERSION_THREADSAFE)))
		init();
}

static void *
loader_main(void *arg)
{
	(void)arg;
	load(true);
	return NULL;
}

static void
set_lib_name(void)
{
	const char *env = getenv("LITEHCL_LIBCURL");
	snprintf(lib_name, sizeof lib_name, "%s", env != NULL && *env ? env : CURL_LIB);
}

void
lh_curl_wait(void)
{
	if (phase == LOADING) {
		pthread_join(loader, NULL);
		phase = DONE;
	}
}

void
lh_curl_preload(void)
{
	const char *off = getenv("LITEHCL_NO_CURL_PRELOAD");
	if (phase != IDLE || (off != NULL && *off != '\0' && strcmp(off, "0") != 0))
		return;
	set_lib_name();
	/* the thread takes no signal: Ctrl-C stays the main thread's */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	bool started = pthread_create(&loader, NULL, loader_main, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!started)
		return;	/* lh_curl_load loads it */
	phase = LOADING;
	static bool registered;
	if (!registered && atexit(lh_curl_wait) == 0)
		registered = true;
}

bool
lh_curl_load(const char **why)
{
	if (phase == LOADING)
		lh_curl_wait();
	else if (phase == IDLE) {
		set_lib_name();
		load(false);
		phase = DONE;
	}
	/* a loader that could not initialise beside the main thread left it for now */
	if (loaded && !inited && failure[0] == '\0')
		init();
	if (loaded && inited)
		return true;
	if (why != NULL)
		*why = failure;
	return false;
}

bool
lh_curl_load_beside(void)
{
	if (phase == LOADING) {
		pthread_join(loader, NULL);
		phase = DONE;
	} else if (phase == IDLE) {
		set_lib_name();
		load(true);
		phase = DONE;
	}
	return loaded && inited;
}

bool
lh_curl_load_diag(lh_diags *d)
{
	const char *why = NULL;
	if (lh_curl_load(&why))
		return true;
	lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "libcurl is not available",
	    "litehcl makes its HTTP requests with libcurl (%s, Debian's libcurl4 package), "
	    "loaded when first needed: %s.", lib_name, why);
	return false;
}
