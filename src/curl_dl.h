/* curl_dl.h - libcurl, loaded when a command first needs HTTP instead of linked.
 *
 * Linked, libcurl and the 28 libraries it brings (LDAP, Kerberos, GnuTLS, RTMP, SSH...)
 * cost every litehcl process ~4 ms before main(), although fmt, validate, version,
 * console and the local state commands never make a request.  So litehcl is not linked
 * with libcurl: http.c and backend_http.c include this header instead of <curl/curl.h>,
 * and their calls go through a table (lh_curl) that lh_curl_load fills with dlopen and
 * dlsym - the way backend_pg.c loads libpq.  The call sites keep reading like curl code
 * (the macros at the end map each curl_* name to its table entry); curl's headers give
 * the types, so CURL, CURLcode, CURLOPT_* ... are curl's own.
 *
 * A command that knows it will talk HTTP (plan, apply, import...) calls lh_curl_preload
 * as soon as its flags are read: a background thread loads the library while the main
 * thread reads the configuration and the state, on the second core.  The first use
 * (lh_curl_load, before the first curl call) waits for that thread, or loads the library
 * itself when no thread was started.
 *
 * curl_global_init runs exactly once, before any other curl call but curl_version_info:
 * in the loading thread when libcurl says its initialisation is thread-safe
 * (CURL_VERSION_THREADSAFE, libcurl >= 7.84 on Linux), otherwise on the main thread in
 * lh_curl_load, after the loader has been joined and before litehcl starts any thread of
 * its own that could run beside it.
 *
 * The library's file is libcurl.so.4 (Debian's libcurl4 package); the environment
 * variable LITEHCL_LIBCURL names another file instead - for tests only (a missing library,
 * a library without curl's functions).  LITEHCL_NO_CURL_PRELOAD=1 starts no thread: the
 * first use loads the library on the main thread - to compare the two: the overlap pays
 * only when the second core is free (on a busy machine the loader competes with the main
 * thread, and took ~11 ms of CPU beside it instead of ~5 alone).
 *
 * Threads: lh_curl_preload and lh_curl_load are called from the main thread only (but see
 * lh_curl_load_beside).  After lh_curl_load returned true, the table never changes and
 * any thread may call through it. */
#ifndef LH_CURL_DL_H
#define LH_CURL_DL_H
#include <stdbool.h>

#include <curl/curl.h>

#include "diag.h"

/* Every libcurl function litehcl calls (`grep -ohE '\bcurl_[a-z_]+\(' src/` lists them);
 * a library lacking any of them is refused as a whole. */
#define LH_CURL_FUNCS(X) \
	X(curl_easy_cleanup) X(curl_easy_escape) X(curl_easy_getinfo) X(curl_easy_init) \
	X(curl_easy_perform) X(curl_easy_reset) X(curl_easy_setopt) X(curl_easy_strerror) \
	X(curl_free) X(curl_global_init) X(curl_multi_add_handle) X(curl_multi_cleanup) \
	X(curl_multi_info_read) X(curl_multi_init) X(curl_multi_perform) X(curl_multi_poll) \
	X(curl_multi_remove_handle) X(curl_multi_setopt) X(curl_multi_wakeup) \
	X(curl_share_cleanup) X(curl_share_init) X(curl_share_setopt) X(curl_slist_append) \
	X(curl_slist_free_all) X(curl_url) X(curl_url_cleanup) X(curl_url_get) X(curl_url_set) \
	X(curl_version_info)

/* The table: one pointer per function, of the function's own type (from curl.h). */
#define LH_CURL_MEMBER(f) __typeof__(f) *f;
typedef struct lh_curl_api {
	LH_CURL_FUNCS(LH_CURL_MEMBER)
} lh_curl_api;
#undef LH_CURL_MEMBER

/* Filled by lh_curl_load; all NULL until it succeeded. */
extern lh_curl_api lh_curl;

/* Starts loading libcurl on a background thread, unless it is loaded or loading already
 * (or the thread cannot be created: lh_curl_load then loads it itself).  Cheap; call it
 * as soon as a command knows it will make requests. */
void lh_curl_preload(void);

/* Waits for the preload thread if it still runs (a command that failed before its first
 * request).  main() calls it before returning: exit() must not run the libraries' exit
 * handlers (OpenSSL's cleanup, registered by curl_global_init in that thread) while the
 * thread is still initialising them.  An atexit handler does the same for other exits,
 * but it runs after handlers registered later, such as OpenSSL's. */
void lh_curl_wait(void);

/* Makes libcurl usable: waits for the preload thread, or loads the library now if none
 * was started, then initialises it (once).  True when every function of the table is
 * there and curl_global_init succeeded.  False when not, with *why (if why is not NULL)
 * set to one sentence naming the library and the loader's reason - static, valid for the
 * life of the process; every later call answers the same. */
bool lh_curl_load(const char **why);

/* lh_curl_load from another thread than the main one (plan's early worker, cmd_plan.c),
 * while the main thread makes no call into this module until it has joined that
 * thread: true when libcurl is usable (lh_curl_load then answers true at once on any
 * thread); false, nothing said, when it is not - or when its initialisation would have
 * to run on the main thread (not thread-safe) - for the main thread's lh_curl_load to
 * do or report later. */
bool lh_curl_load_beside(void);

/* lh_curl_load reporting a failure as an error in d ("libcurl is not available"). */
bool lh_curl_load_diag(lh_diags *d);

/* ---- curl's names, mapped to the table (not in curl_dl.c, which fills it) ---- */
#ifndef LH_CURL_DL_IMPL

/* curl.h wraps these four in 3-argument macros (and, for gcc, type-checking ones whose
 * final call names the linked function); they are replaced by 3-argument macros that call
 * through the table.  curl's type checks never fired for litehcl anyway: gcc silences
 * warnings raised inside a system header's macro, and clang does not get them at all
 * (its __GNUC_MINOR__ is 2, curl.h wants 4.3).  LH_CURL_CHECK below restores the checks
 * that catch real mistakes (a long option given a pointer, a string option given anything
 * but a string, a long answer given an int's address...) with curl's own predicates,
 * under gcc. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_multi_setopt
#undef curl_share_setopt

#define curl_easy_cleanup lh_curl.curl_easy_cleanup
#define curl_easy_escape lh_curl.curl_easy_escape
#define curl_easy_getinfo(h, info, arg) (LH_CURL_INFO_CHECK(info, arg), lh_curl.curl_easy_getinfo(h, info, arg))
#define curl_easy_init lh_curl.curl_easy_init
#define curl_easy_perform lh_curl.curl_easy_perform
#define curl_easy_reset lh_curl.curl_easy_reset
#define curl_easy_setopt(h, opt, val) (LH_CURL_CHECK(opt, val), lh_curl.curl_easy_setopt(h, opt, val))
#define curl_easy_strerror lh_curl.curl_easy_strerror
#define curl_free lh_curl.curl_free
#define curl_global_init lh_curl.curl_global_init
#define curl_multi_add_handle lh_curl.curl_multi_add_handle
#define curl_multi_cleanup lh_curl.curl_multi_cleanup
#define curl_multi_info_read lh_curl.curl_multi_info_read
#define curl_multi_init lh_curl.curl_multi_init
#define curl_multi_perform lh_curl.curl_multi_perform
#define curl_multi_poll lh_curl.curl_multi_poll
#define curl_multi_remove_handle lh_curl.curl_multi_remove_handle
#define curl_multi_setopt(m, opt, val) lh_curl.curl_multi_setopt(m, opt, val)
#define curl_multi_wakeup lh_curl.curl_multi_wakeup
#define curl_share_cleanup lh_curl.curl_share_cleanup
#define curl_share_init lh_curl.curl_share_init
#define curl_share_setopt(s, opt, val) lh_curl.curl_share_setopt(s, opt, val)
#define curl_slist_append lh_curl.curl_slist_append
#define curl_slist_free_all lh_curl.curl_slist_free_all
#define curl_url lh_curl.curl_url
#define curl_url_cleanup lh_curl.curl_url_cleanup
#define curl_url_get lh_curl.curl_url_get
#define curl_url_set lh_curl.curl_url_set
#define curl_version_info lh_curl.curl_version_info

/* LH_CURL_CHECK(opt, val): a compile-time warning (an error under -Werror) when a
 * constant option gets a value of the wrong kind, from curl's typecheck-gcc.h predicates
 * and warning functions; the call it leaves is removed by the compiler.  Nothing where
 * those are not defined (clang). */
#ifdef curlcheck_long_option
#define LH_CURL_CHECK(opt, val) __extension__({ \
	if (__builtin_constant_p(opt)) { CURL_IGNORE_DEPRECATION( \
		if (curlcheck_long_option(opt) && !curlcheck_long(val)) \
			_curl_easy_setopt_err_long(); \
		if (curlcheck_off_t_option(opt) && !curlcheck_off_t(val)) \
			_curl_easy_setopt_err_curl_off_t(); \
		if (curlcheck_string_option(opt) && !curlcheck_string(val)) \
			_curl_easy_setopt_err_string(); \
		if (curlcheck_write_cb_option(opt) && !curlcheck_write_cb(val)) \
			_curl_easy_setopt_err_write_callback(); \
		if (curlcheck_cb_data_option(opt) && !curlcheck_cb_data(val)) \
			_curl_easy_setopt_err_cb_data(); \
		if (curlcheck_slist_option(opt) && !curlcheck_arr((val), struct curl_slist)) \
			_curl_easy_setopt_err_curl_slist(); \
		if ((opt) == CURLOPT_ERRORBUFFER && !curlcheck_error_buffer(val)) \
			_curl_easy_setopt_err_error_buffer(); \
		if ((opt) == CURLOPT_SHARE && !curlcheck_ptr((val), CURLSH)) \
			_curl_easy_setopt_err_CURLSH(); \
	) } \
	(void)0; })
/* LH_CURL_INFO_CHECK(info, arg): the same for curl_easy_getinfo's pointer */
#define LH_CURL_INFO_CHECK(info, arg) __extension__({ \
	if (__builtin_constant_p(info)) { CURL_IGNORE_DEPRECATION( \
		if (curlcheck_string_info(info) && !curlcheck_arr((arg), char *)) \
			_curl_easy_getinfo_err_string(); \
		if (curlcheck_long_info(info) && !curlcheck_arr((arg), long)) \
			_curl_easy_getinfo_err_long(); \
		if (curlcheck_double_info(info) && !curlcheck_arr((arg), double)) \
			_curl_easy_getinfo_err_double(); \
		if (curlcheck_slist_info(info) && !curlcheck_arr((arg), struct curl_slist *)) \
			_curl_easy_getinfo_err_curl_slist(); \
		if (curlcheck_socket_info(info) && !curlcheck_arr((arg), curl_socket_t)) \
			_curl_easy_getinfo_err_curl_socket(); \
		if (curlcheck_off_t_info(info) && !curlcheck_arr((arg), curl_off_t)) \
			_curl_easy_getinfo_err_curl_off_t(); \
	) } \
	(void)0; })
#else
#define LH_CURL_CHECK(opt, val) ((void)0)
#define LH_CURL_INFO_CHECK(info, arg) ((void)0)
#endif
#endif /* LH_CURL_DL_IMPL */

#endif
