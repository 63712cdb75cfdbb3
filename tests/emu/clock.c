/* clock.c - time for the emulator: the (optionally frozen) clock, ISO timestamps in the
 * spellings real servers use, and when a budget with a given budget_duration resets
 * (1d next midnight, 7d/1w next Monday, 30d/1mo the 1st of next month; UTC).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu.h"

int64_t
emu_now_ms(void)
{
	struct timespec ts;

	if (emu_cfg.fixed_now_ms)
		return emu_cfg.fixed_now_ms;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
emu_time_text(int64_t ms, char *buf, size_t n)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	static const char *const tails[] = {"Z", "+00:00"};
	int len;

	gmtime_r(&s, &tm);
	len = snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	               tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (len < 0 || (size_t)len >= n)
		return;
	if (emu_cfg.time_format == EMU_TIME_SECONDS)
		snprintf(buf + len, n - (size_t)len, "Z");
	else
		snprintf(buf + len, n - (size_t)len, ".%03d000%s", (int)(ms % 1000),
		         tails[emu_cfg.time_format == EMU_TIME_OFFSET]);
}

bool
emu_time_parse(const char *s, int64_t *ms)
{
	struct tm tm = {0};
	int frac = 0, nfrac = 0;
	const char *p;

	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return false;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++, nfrac++)
			if (nfrac < 3)
				frac = frac * 10 + (*p - '0');
		while (nfrac < 3) {
			frac *= 10;
			nfrac++;
		}
	}
	if (*p == 'Z')
		p++;
	else if (strcmp(p, "+00:00") == 0)
		p += 6;
	if (*p)
		return false;
	*ms = (int64_t)timegm(&tm) * 1000 + frac;
	return true;
}

bool
emu_duration_valid(const char *s)
{
	const char *p = s;

	if (strcmp(s, "1mo") == 0)
		return true;
	if (*p < '1' || *p > '9')
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	return p[0] && strchr("smhdw", p[0]) && !p[1] && p - s < 10;
}

/* Midnight (UTC) of the day holding t, in seconds. */
static int64_t
day_start(int64_t t)
{
	return t - ((t % 86400) + 86400) % 86400;
}

static int64_t
next_month_start(int64_t t)
{
	time_t s = (time_t)t;
	struct tm tm;

	gmtime_r(&s, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mon += 1;
	return (int64_t)timegm(&tm);
}

/* Monday 00:00 after t (1970-01-01 was a Thursday). */
static int64_t
next_monday(int64_t t)
{
	int64_t day = day_start(t) / 86400;
	int64_t wd = ((day + 3) % 7 + 7) % 7;   /* 0 = Monday */

	return (day + (7 - wd)) * 86400;
}

int64_t
emu_duration_reset(const char *s, int64_t now_ms)
{
	int64_t t = now_ms / 1000, n;
	char unit;

	if (!s || !emu_duration_valid(s))
		return -1;
	if (strcmp(s, "1mo") == 0)
		return next_month_start(t) * 1000;
	n = strtoll(s, NULL, 10);
	unit = s[strlen(s) - 1];
	switch (unit) {
	case 's':
		return (t + n) * 1000;
	case 'm': {
		int64_t hour = t - t % 3600, min = (t % 3600) / 60;
		return (hour + (min / n + 1) * n * 60) * 1000;
	}
	case 'h': {
		int64_t day = day_start(t), hr = (t - day) / 3600;
		return (day + (hr / n + 1) * n * 3600) * 1000;
	}
	case 'd':
		if (n == 7)
			return next_monday(t) * 1000;
		if (n == 30)
			return next_month_start(t) * 1000;
		return (day_start(t) + n * 86400) * 1000;
	default: /* 'w' */
		return (next_monday(t) + (n - 1) * 7 * 86400) * 1000;
	}
}
