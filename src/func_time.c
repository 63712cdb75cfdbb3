/* func_time.c - timestamp, plantimestamp, timeadd, timecmp and formatdate.  timeadd
 * takes Go's duration syntax (time.ParseDuration).  formatdate parses an RFC 3339 timestamp
 * and writes it with Terraform's format language (YYYY YY MMMM MMM MM M DD D EEEE EEE
 * hh h HH H mm m ss s AA aa ZZZZZ ZZZZ ZZZ Z, 'literal text', '' for a quote). */
#include "func_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
	int year, mon, day, hour, min, sec;
	int nsec;		/* fraction of the second, in nanoseconds */
	int off;		/* offset from UTC in minutes */
	bool utc;		/* written as Z */
} tstamp;

static const char *months[] = { "January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December" };
static const char *wdays[] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday" };

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

static int
weekday(int y, int m, int d)
{
	/* Sakamoto's method. */
	static const int t[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
	if (m < 3)
		y -= 1;
	return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

static int
digits(const char *s, size_t len, size_t *i, int n, int *out)
{
	int v = 0;
	for (int k = 0; k < n; k++) {
		if (*i + (size_t)k >= len || s[*i + k] < '0' || s[*i + k] > '9')
			return 0;
		v = v * 10 + (s[*i + k] - '0');
	}
	*i += (size_t)n;
	*out = v;
	return 1;
}

/* Parses RFC 3339; NULL or the error text in cty's words: a malformed field names
 * the rest of the string from the field, an out-of-range one the rest after it. */
static const char *
parse_time(lh_arena *a, const char *s, size_t len, tstamp *t)
{
	size_t i = 0;
	memset(t, 0, sizeof *t);
#define REST(from) lh_arena_printf(a, "\"%.*s\"", (int)(len - (from)), s + (from))
	if (!digits(s, len, &i, 4, &t->year))
		return lh_arena_printf(a, "cannot use %s as year", REST(0));
	if (i >= len || s[i] != '-')
		return lh_arena_printf(a, "cannot use %s as date separator", REST(i));
	i++;
	size_t fs = i;
	if (!digits(s, len, &i, 2, &t->mon))
		return lh_arena_printf(a, "cannot use %s as month", REST(fs));
	if (t->mon < 1 || t->mon > 12)
		return lh_arena_printf(a, "cannot use %s as month", REST(i));
	if (i >= len || s[i] != '-')
		return lh_arena_printf(a, "cannot use %s as date separator", REST(i));
	i++;
	fs = i;
	if (!digits(s, len, &i, 2, &t->day))
		return lh_arena_printf(a, "cannot use %s as day", REST(fs));
	if (t->day < 1 || t->day > mdays(t->year, t->mon))
		return "day out of range";
	if (i >= len || s[i] != 'T')
		return "missing required time introducer 'T'";
	i++;
	if (!digits(s, len, &i, 2, &t->hour))
		return "hour must have exactly two digits";
	if (t->hour > 23)
		return "hour must be between 0 and 23 inclusive";
	if (i >= len || s[i] != ':')
		return lh_arena_printf(a, "cannot use %s as time separator", REST(i));
	i++;
	if (!digits(s, len, &i, 2, &t->min))
		return "minute must have exactly two digits";
	if (t->min > 59)
		return "minute must be between 0 and 59 inclusive";
	if (i >= len || s[i] != ':')
		return lh_arena_printf(a, "cannot use %s as time separator", REST(i));
	i++;
	fs = i;
	if (!digits(s, len, &i, 2, &t->sec))
		return "second must have exactly two digits";
	if (t->sec > 59)
		return lh_arena_printf(a, "cannot use %s as second", REST(i));
	if (i + 1 < len && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
		i++;
		int digs = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (digs++ < 9)
				t->nsec = t->nsec * 10 + (s[i] - '0');
			i++;
		}
		for (; digs < 9; digs++)
			t->nsec *= 10;
	}
	if (i >= len)
		return "end of string before UTC offset";
	if (s[i] == 'Z') {
		t->utc = true;
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		int sign = s[i] == '-' ? -1 : 1, oh, om;
		size_t zs = i++;
		if (!digits(s, len, &i, 2, &oh) || i >= len || s[i] != ':')
			return lh_arena_printf(a, "cannot use %s as UTC offset", REST(zs));
		i++;
		if (!digits(s, len, &i, 2, &om))
			return lh_arena_printf(a, "cannot use %s as UTC offset", REST(zs));
		if (oh > 23 || om > 59)
			return "end of string before UTC offset";
		t->off = sign * (oh * 60 + om);
	} else {
		return lh_arena_printf(a, "cannot use %s as UTC offset", REST(i));
	}
	if (i != len)
		return lh_arena_printf(a, "extra text after timestamp: %s", REST(i));
#undef REST
	return NULL;
}

static lh_value *
f_formatdate(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *f = a[0]->u.str.s;
	size_t fl = a[0]->u.str.len;
	tstamp t;
	const char *err = parse_time(c->a, a[1]->u.str.s, a[1]->u.str.len, &t);
	if (err)
		return lh_fn_argerr(c, 1, "not a valid RFC3339 timestamp: %s", err);
	char out[8192];
	size_t w = 0;
#define PUT(...) do { int k_ = snprintf(out + w, sizeof out - w, __VA_ARGS__); \
	if (k_ < 0 || (size_t)k_ >= sizeof out - w) return lh_fn_fail(c, "result too long"); \
	w += (size_t)k_; } while (0)
	for (size_t i = 0; i < fl;) {
		char ch = f[i];
		if (ch == '\'') {
			size_t j = i + 1;
			if (j < fl && f[j] == '\'') {
				PUT("'");
				i += 2;
				continue;
			}
			for (;;) {
				if (j >= fl)
					return lh_fn_argerr(c, 0, "unterminated literal '");
				if (f[j] == '\'') {
					if (j + 1 < fl && f[j + 1] == '\'') {
						PUT("'");
						j += 2;
						continue;
					}
					break;
				}
				PUT("%c", f[j]);
				j++;
			}
			i = j + 1;
			continue;
		}
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))) {
			PUT("%c", ch);
			i++;
			continue;
		}
		size_t j = i;
		while (j < fl && f[j] == ch)
			j++;
		int run = (int)(j - i);
		const char *verb = lh_arena_strndup(c->a, f + i, (size_t)run);
		int h12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
		switch (ch) {
		case 'Y':
			if (run == 4) PUT("%04d", t.year);
			else if (run == 2) PUT("%02d", t.year % 100);
			else return lh_fn_argerr(c, 0, "invalid date format verb \"%s\": year must either be \"YY\" or \"YYYY\"", verb);
			break;
		case 'M':
			if (run == 4) PUT("%s", months[t.mon - 1]);
			else if (run == 3) PUT("%.3s", months[t.mon - 1]);
			else if (run == 2) PUT("%02d", t.mon);
			else if (run == 1) PUT("%d", t.mon);
			else return lh_fn_argerr(c, 0, "invalid date format verb \"%s\": month must be \"M\", \"MM\", \"MMM\", or \"MMMM\"", verb);
			break;
		case 'D':
			if (run == 2) PUT("%02d", t.day);
			else if (run == 1) PUT("%d", t.day);
			else return lh_fn_argerr(c, 0, "invalid date format verb \"%s\": day of month must either be \"D\" or \"DD\"", verb);
			break;
		case 'E': {
			int wd = weekday(t.year, t.mon, t.day);
			if (run == 4) PUT("%s", wdays[wd]);
			else if (run == 3) PUT("%.3s", wdays[wd]);
			else return lh_fn_argerr(c, 0, "invalid date format verb \"%s\": day of week must either be \"EEE\" or \"EEEE\"", verb);
			break;
		}
		case 'h':
			if (run == 2) PUT("%02d", t.hour);
			else if (run == 1) PUT("%d", t.hour);
			else return lh_fn_argerr(c, 0, "invalid date format verb \"%s\": 24-hour must either be \"h\" or \"hh\"", verb);
			break;
		case 'H':
			if (run == 2) PUT("%02d", h12);
			else if (run == 1) PUT("%d", h12);
			else return lh_fn_argerr(c, 0, "invalid date format verb \"%s\": 12-hour must either be \"H\" or \"HH\"", verb);
			break;
		case 'A': case 'a':
			if (run == 2) PUT("%s", t.hour < 12 ? (ch == 'A' ? "AM" : "am") : (ch == 'A' ? "PM" : "pm"));
			else return lh_fn_argerr(c, 0, "invalid date format verb \"%s\": must be \"%c%c\"", verb, ch, ch);
			break;
		case 'm':
			if (run == 2) PUT("%02d", t.min);
			else if (run == 1) PUT("%d", t.min);
			else return lh_fn_argerr(c, 0, "invalid date format verb \"%s\": minute must either be \"m\" or \"mm\"", verb);
			break;
		case 's':
			if (run == 2) PUT("%02d", t.sec);
			else if (run == 1) PUT("%d", t.sec);
			else return lh_fn_argerr(c, 0, "invalid date format verb \"%s\": second must either be \"s\" or \"ss\"", verb);
			break;
		case 'Z': {
			int off = t.off < 0 ? -t.off : t.off;
			char sign = t.off < 0 ? '-' : '+';
			if (run == 5) PUT("%c%02d:%02d", sign, off / 60, off % 60);
			else if (run == 4) PUT("%c%02d%02d", sign, off / 60, off % 60);
			else if (run == 3) {
				if (t.utc || t.off == 0) PUT("UTC");
				else PUT("%c%02d%02d", sign, off / 60, off % 60);
			} else if (run == 1) {
				if (t.utc) PUT("Z");
				else PUT("%c%02d:%02d", sign, off / 60, off % 60);
			} else return lh_fn_argerr(c, 0, "invalid date format verb \"%s\": timezone must be Z, ZZZZ, or ZZZZZ", verb);
			break;
		}
		default:
			return lh_fn_argerr(c, 0, "invalid date format verb \"%.*s\"", run, f + i);
		}
		i = j;
	}
#undef PUT
	return lh_val_string(c->a, out, w);
}

static lh_value *
f_timestamp(lh_func_ctx *c, lh_value **a, size_t n)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char s[64];
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return lh_val_cstr(c->a, s);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* The instant t denotes, in seconds since the epoch (UTC) and nanoseconds. */
static int64_t
unix_secs(const tstamp *t)
{
	return days_from_civil(t->year, t->mon, t->day) * 86400 + t->hour * 3600 + t->min * 60 +
	    t->sec - (int64_t)t->off * 60;
}

/* Go's time.ParseDuration, in nanoseconds; NULL or Go's error text. */
static const char *
parse_duration(lh_func_ctx *c, lh_value *v, int64_t *out)
{
	const char *s = v->u.str.s, *end = s + v->u.str.len;
	char *q = lh_fn_quote(c->a, v);
	const char *invalid = lh_arena_printf(c->a, "time: invalid duration %s", q);
	bool neg = false;
	uint64_t d = 0;
	if (s < end && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		s++;
	}
	if (end - s == 1 && *s == '0') {
		*out = 0;
		return NULL;
	}
	if (s == end)
		return invalid;
	static const struct {
		const char *u;
		uint64_t ns;
	} units[] = { { "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 }, { "\xce\xbcs", 1000 },
		{ "ms", 1000000 }, { "s", 1000000000ULL }, { "m", 60000000000ULL },
		{ "h", 3600000000000ULL } };
	const uint64_t lim = 1ULL << 63;
	while (s < end) {
		uint64_t iv = 0, f = 0;
		double scale = 1;
		if (!(*s == '.' || (*s >= '0' && *s <= '9')))
			return invalid;
		const char *st = s;
		for (; s < end && *s >= '0' && *s <= '9'; s++) {
			if (iv > lim / 10)
				return invalid;
			iv = iv * 10 + (uint64_t)(*s - '0');
			if (iv > lim)
				return invalid;
		}
		bool pre = s != st, post = false;
		if (s < end && *s == '.') {
			s++;
			st = s;
			bool overflow = false;
			for (; s < end && *s >= '0' && *s <= '9'; s++) {
				if (overflow)
					continue;
				if (f > (lim - 1) / 10) {
					overflow = true;
					continue;
				}
				uint64_t y = f * 10 + (uint64_t)(*s - '0');
				if (y > lim) {
					overflow = true;
					continue;
				}
				f = y;
				scale *= 10;
			}
			post = s != st;
		}
		if (!pre && !post)
			return invalid;
		st = s;
		while (s < end && *s != '.' && !(*s >= '0' && *s <= '9'))
			s++;
		if (s == st)
			return lh_arena_printf(c->a, "time: missing unit in duration %s", q);
		uint64_t unit = 0;
		for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
			if (strlen(units[k].u) == (size_t)(s - st) && memcmp(units[k].u, st, (size_t)(s - st)) == 0)
				unit = units[k].ns;
		if (unit == 0) {
			lh_value *u = lh_val_string(c->a, st, (size_t)(s - st));
			return lh_arena_printf(c->a, "time: unknown unit %s in duration %s", lh_fn_quote(c->a, u), q);
		}
		if (iv > lim / unit)
			return invalid;
		iv *= unit;
		if (f > 0) {
			iv += (uint64_t)((double)f * ((double)unit / scale));
			if (iv > lim)
				return invalid;
		}
		d += iv;
		if (d > lim)
			return invalid;
	}
	if (neg) {
		*out = d == lim ? INT64_MIN : -(int64_t)d;
		return NULL;
	}
	if (d > lim - 1)
		return invalid;
	*out = (int64_t)d;
	return NULL;
}

/* timeadd(timestamp, duration): the result keeps the timestamp's UTC offset and, as
 * Go's RFC 3339 layout, drops any fraction of a second. */
static lh_value *
f_timeadd(lh_func_ctx *c, lh_value **a, size_t n)
{
	tstamp t;
	const char *err = parse_time(c->a, a[0]->u.str.s, a[0]->u.str.len, &t);
	if (err)
		return lh_fn_fail(c, "not a valid RFC3339 timestamp: %s", err);
	int64_t dur = 0;
	if ((err = parse_duration(c, a[1], &dur)) != NULL)
		return lh_fn_fail(c, "%s", err);
	/* local wall clock in seconds + nanoseconds, then the duration */
	int64_t secs = unix_secs(&t) + (int64_t)t.off * 60;
	int64_t ns = t.nsec + dur % 1000000000;
	secs += dur / 1000000000 + (ns >= 0 ? ns / 1000000000 : (ns - 999999999) / 1000000000);
	int64_t day = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int64_t sod = secs - day * 86400, y;
	int m, d;
	civil_from_days(day, &y, &m, &d);
	char zone[16];
	if (t.off == 0)
		snprintf(zone, sizeof zone, "Z");
	else
		snprintf(zone, sizeof zone, "%c%02d:%02d", t.off < 0 ? '-' : '+', abs(t.off) / 60, abs(t.off) % 60);
	char *out = lh_arena_printf(c->a, "%04lld-%02d-%02dT%02d:%02d:%02d%s", (long long)y, m, d,
	    (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60), zone);
	return lh_val_cstr(c->a, out);
}

/* timecmp(a, b): -1, 0 or 1 comparing the instants. */
static lh_value *
f_timecmp(lh_func_ctx *c, lh_value **a, size_t n)
{
	tstamp t[2];
	for (int i = 0; i < 2; i++) {
		const char *err = parse_time(c->a, a[i]->u.str.s, a[i]->u.str.len, &t[i]);
		if (err)
			return lh_fn_argerr(c, (size_t)i, "not a valid RFC3339 timestamp: %s", err);
	}
	int64_t x = unix_secs(&t[0]), y = unix_secs(&t[1]);
	int r = x < y ? -1 : x > y ? 1 : t[0].nsec < t[1].nsec ? -1 : t[0].nsec > t[1].nsec;
	return lh_val_int(c->a, r);
}

/* plantimestamp(): the time this run started (one value for the whole run, as a plan's
 * is), in UTC. */
static lh_value *
f_plantimestamp(lh_func_ctx *c, lh_value **a, size_t n)
{
	static time_t start;
	if (start == 0)
		start = time(NULL);
	struct tm tm;
	gmtime_r(&start, &tm);
	char s[64];
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return lh_val_cstr(c->a, s);
}

#define STR(nm) { .name = nm, .type = &lh_type_string }
const lh_fdef lh_func_time[] = {
	{ "timeadd", 2, { STR("timestamp"), STR("duration") }, false, { 0 }, &lh_type_string, f_timeadd },
	{ "timecmp", 2, { STR("timestamp_a"), STR("timestamp_b") }, false, { 0 }, &lh_type_number,
	  f_timecmp },
	{ "plantimestamp", 0, { { 0 } }, false, { 0 }, &lh_type_string, f_plantimestamp },
	{ "formatdate", 2, { STR("format"), STR("time") }, false, { 0 }, &lh_type_string, f_formatdate },
	{ "timestamp", 0, { { 0 } }, false, { 0 }, &lh_type_string, f_timestamp },
};
const size_t lh_func_time_n = sizeof lh_func_time / sizeof lh_func_time[0];
