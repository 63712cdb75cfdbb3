/* tests/unit/unit.h - scaffolding shared by the unit test binaries: the "ok NAME" /
 * "FAIL NAME" report lines that tests/run.sh counts, and a monotonic clock for timing
 * bounds.  Header-only (static functions) because the Makefile links each
 * tests/unit/NAME.c as its own binary with no shared test object; include it once, from
 * the test's .c file. */
#ifndef LH_UNIT_H
#define LH_UNIT_H
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

/* Checks that failed so far; a test's main returns failures ? 1 : 0. */
static int failures;

/* Prints "ok name" when cond holds; otherwise "FAIL name", then (when fmt is not NULL)
 * the printf-formatted detail on an indented line, and counts the failure. */
static inline void check(const char *name, int cond, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline void
check(const char *name, int cond, const char *fmt, ...)
{
	if (cond) {
		printf("ok %s\n", name);
		return;
	}
	printf("FAIL %s\n", name);
	if (fmt != NULL) {
		va_list ap;
		va_start(ap, fmt);
		printf("    ");
		vprintf(fmt, ap);
		printf("\n");
		va_end(ap);
	}
	failures++;
}

/* Seconds on the monotonic clock (for elapsed-time bounds, not wall time). */
static inline double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
