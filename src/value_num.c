/* value_num.c - the numbers of the Terraform language, exact as Terraform's are.
 *
 * Terraform (cty) keeps every number as a Go big.Float: number literals, JSON numbers
 * and string conversions are parsed at 512 bits of mantissa, functions that compute in
 * float64 (pow, log ...) return 53-bit values, and an operation's result has the larger
 * of its operands' precisions, rounded to nearest-even.  Text is big.Float.Text: the
 * shortest decimal that rounds back to the same value at the value's precision.
 *
 * Three representations, chosen by the constructors (never by callers):
 *   is_int             an integer that fits int64 - the fast path, no allocation;
 *   big == NULL        a float64 value (53-bit precision), exact in d;
 *   big != NULL        an MPFR value at its own precision (512 for parsed numbers),
 *                      its mantissa in the arena; d holds the nearest double.
 * An integer that fits int64 is always is_int, whatever computed it, so two equal
 * numbers compare equal whichever path made them. */
#include "value.h"

#include <gmp.h>
#include <mpfr.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREC 512		/* big.Float precision of parsed numbers (cty) */

struct lh_bignum {
	mpfr_t m;		/* custom-allocated: the mantissa lives in the arena */
};

static void
num_init(void)
{
	static bool done;
	if (!done) {
		/* big.Float's binary exponent is an int32 (beyond it: +-Inf, or 0) */
		mpfr_set_emin(-2147483647L - 1);
		mpfr_set_emax(2147483647L);
		done = true;
	}
}

/* The precision a number computes with. */
static mpfr_prec_t
nprec(lh_number n)
{
	if (n.big != NULL)
		return mpfr_get_prec(n.big->m);
	return n.is_int ? PREC : 53;
}

/* Sets x (initialised by the caller) to n exactly when x's precision >= nprec(n). */
static void
num_get(mpfr_ptr x, lh_number n)
{
	if (n.big != NULL)
		mpfr_set(x, n.big->m, MPFR_RNDN);
	else if (n.is_int)
		mpfr_set_sj(x, n.i, MPFR_RNDN);
	else
		mpfr_set_d(x, n.d, MPFR_RNDN);
}

/* A temporary copy of n; clear it with mpfr_clear. */
static void
num_tmp(mpfr_ptr x, lh_number n)
{
	num_init();
	mpfr_prec_t p = nprec(n);
	mpfr_init2(x, p < 64 ? 64 : p);
	num_get(x, n);
}

/* The number r (any precision) in the representation its value needs. */
static lh_number
num_make(lh_arena *a, mpfr_srcptr r)
{
	lh_number n = { .is_int = false };
	if (mpfr_nan_p(r)) {
		n.d = NAN;
		return n;
	}
	if (mpfr_inf_p(r)) {
		n.d = mpfr_signbit(r) ? -INFINITY : INFINITY;
		return n;
	}
	if (mpfr_zero_p(r)) {
		if (mpfr_signbit(r)) {
			n.d = -0.0;	/* big.Float's signed zero prints "-0" */
			return n;
		}
		n.is_int = true;
		return n;
	}
	if (mpfr_integer_p(r) && mpfr_fits_intmax_p(r, MPFR_RNDN)) {
		n.is_int = true;
		n.i = (int64_t)mpfr_get_sj(r, MPFR_RNDN);
		n.d = (double)n.i;
		return n;
	}
	mpfr_prec_t p = mpfr_get_prec(r);
	mpfr_exp_t e = mpfr_get_exp(r);
	if (p <= 53 && e > -1021 && e <= 1024) {
		n.d = mpfr_get_d(r, MPFR_RNDN);	/* exact */
		return n;
	}
	struct lh_bignum *b = lh_arena_alloc(a, sizeof *b);
	void *limbs = lh_arena_alloc(a, mpfr_custom_get_size(p));
	mpfr_custom_init(limbs, p);
	mpfr_custom_init_set(b->m, MPFR_ZERO_KIND, 0, p, limbs);
	mpfr_set(b->m, r, MPFR_RNDN);
	n.big = b;
	n.d = mpfr_get_d(r, MPFR_RNDN);
	return n;
}

lh_number
lh_number_copy(lh_arena *a, lh_number n)
{
	if (n.big == NULL)
		return n;
	return num_make(a, n.big->m);
}

lh_number
lh_number_from_double(double d)
{
	lh_number n = { .is_int = false, .i = 0, .d = d };
	/* -0 stays a double so that it prints as Terraform prints it ("-0"). */
	if (isfinite(d) && d == floor(d) && d >= -9223372036854775808.0 &&
	    d < 9223372036854775808.0 && !(d == 0 && signbit(d))) {
		n.is_int = true;
		n.i = (int64_t)d;
	}
	return n;
}

double
lh_number_double(lh_number n)
{
	return n.is_int ? (double)n.i : n.d;
}

bool
lh_number_is_inf(lh_number n)
{
	return !n.is_int && n.big == NULL && isinf(n.d);
}

bool
lh_number_is_integer(lh_number n)
{
	if (n.is_int)
		return true;
	if (n.big != NULL)
		return mpfr_integer_p(n.big->m) != 0;
	return isfinite(n.d) && n.d == floor(n.d);
}

bool
lh_number_to_int64(lh_number n, int64_t *out)
{
	if (n.is_int) {
		*out = n.i;
		return true;
	}
	if (n.big != NULL)
		return false;	/* an integer that fitted would be is_int */
	if (isfinite(n.d) && n.d == floor(n.d) && n.d >= -9223372036854775808.0 &&
	    n.d < 9223372036854775808.0) {
		*out = (int64_t)n.d;
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------- parsing */

bool
lh_number_parse(lh_arena *a, const char *s, size_t len, lh_number *out)
{
	size_t i = 0, digits = 0;
	bool isint = true;
	/* Go's big.Float parser also takes infinities ("inf", "+Inf", "-inf"). */
	{
		size_t k = len > 0 && (s[0] == '+' || s[0] == '-') ? 1 : 0;
		if (len - k == 3 && (s[k] == 'i' || s[k] == 'I') && s[k + 1] == 'n' && s[k + 2] == 'f') {
			*out = lh_number_from_double(k && s[0] == '-' ? -INFINITY : INFINITY);
			return true;
		}
	}
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < len && s[i] == '.') {
		isint = false;
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, digits++;
	}
	if (digits == 0)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		isint = false;
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		size_t ed = 0, e0 = i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, ed++;
		if (ed == 0)
			return false;
		/* Go's parser refuses a decimal exponent beyond int32 */
		while (e0 < i && s[e0] == '0')
			e0++;
		if (i - e0 > 10 || (i - e0 == 10 && memcmp(s + e0, "2147483647", 10) >= 0))
			return false;
	}
	if (i != len)
		return false;
	/* the fast path: a plain integer of up to 18 digits */
	if (isint && digits <= 18) {
		int64_t v = 0;
		size_t k = s[0] == '-' || s[0] == '+' ? 1 : 0;
		for (size_t j = k; j < len; j++)
			v = v * 10 + (s[j] - '0');
		if (v == 0 && s[0] == '-') {
			*out = lh_number_from_double(-0.0);	/* "-0" stays negative zero */
			return true;
		}
		*out = (lh_number){ .is_int = true, .i = s[0] == '-' ? -v : v, .d = 0 };
		out->d = (double)out->i;
		return true;
	}
	char buf[128];
	char *tmp = len < sizeof buf ? buf : malloc(len + 1);
	if (tmp == NULL)
		return false;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	num_init();
	mpfr_t x;
	mpfr_init2(x, PREC);
	mpfr_strtofr(x, tmp[0] == '+' ? tmp + 1 : tmp, NULL, 10, MPFR_RNDN);
	*out = num_make(a, x);
	mpfr_clear(x);
	if (tmp != buf)
		free(tmp);
	return true;
}

/* ---------------------------------------------------------------- comparison */

int
lh_number_cmp(lh_number x, lh_number y)
{
	if (x.is_int && y.is_int)
		return x.i < y.i ? -1 : x.i > y.i;
	if (x.big == NULL && y.big == NULL) {
		double a = lh_number_double(x), b = lh_number_double(y);
		if (x.is_int != y.is_int) {
			/* int64 against a float64: exact through MPFR when the double
			 * cannot tell them apart */
			if (a != b || isinf(a) || isinf(b))
				return a < b ? -1 : a > b;
		} else {
			return a < b ? -1 : a > b;
		}
	}
	mpfr_t a, b;
	num_tmp(a, x);
	num_tmp(b, y);
	int c = mpfr_cmp(a, b);
	mpfr_clear(a);
	mpfr_clear(b);
	return c < 0 ? -1 : c > 0;
}

/* ---------------------------------------------------------------- decimal text */

/* Go's math/big decimal: value = 0.mant * 10^exp, mant without trailing zeros. */
typedef struct {
	char *mant;		/* malloc'd digits, not NUL-terminated beyond n */
	int n;
	long exp;
} dec;

static void
dec_trim(dec *d)
{
	while (d->n > 0 && d->mant[d->n - 1] == '0')
		d->n--;
	if (d->n == 0)
		d->exp = 0;
}

/* d = m * 2^e exactly (m >= 0). */
static void
dec_init(dec *d, mpz_srcptr m, long e)
{
	mpz_t t;
	mpz_init(t);
	long k = 0;
	if (e >= 0) {
		mpz_mul_2exp(t, m, (mp_bitcnt_t)e);
	} else {
		k = -e;
		mpz_ui_pow_ui(t, 5, (unsigned long)k);
		mpz_mul(t, t, m);
	}
	if (mpz_sgn(t) == 0) {
		d->mant = malloc(1);
		d->n = 0;
		d->exp = 0;
		mpz_clear(t);
		return;
	}
	size_t cap = mpz_sizeinbase(t, 10) + 2;
	d->mant = malloc(cap);
	if (d->mant == NULL)
		abort();
	mpz_get_str(d->mant, 10, t);
	d->n = (int)strlen(d->mant);
	d->exp = (long)d->n - k;
	mpz_clear(t);
	dec_trim(d);
}

static char
dec_at(const dec *d, long i)
{
	return i >= 0 && i < d->n ? d->mant[i] : '0';
}

static void
dec_round_up(dec *d, int n)
{
	if (n < 0 || n >= d->n)
		return;
	while (n > 0 && d->mant[n - 1] >= '9')
		n--;
	if (n == 0) {
		d->mant[0] = '1';
		d->n = 1;
		d->exp++;
		return;
	}
	d->mant[n - 1]++;
	d->n = n;
}

static void
dec_round_down(dec *d, int n)
{
	if (n < 0 || n >= d->n)
		return;
	d->n = n;
	dec_trim(d);
}

static void
dec_round(dec *d, long n)
{
	if (n < 0 || n >= d->n)
		return;
	bool up;
	if (d->mant[n] == '5' && n + 1 == d->n)
		up = n > 0 && ((d->mant[n - 1] - '0') & 1) != 0;
	else
		up = d->mant[n] >= '5';
	if (up)
		dec_round_up(d, (int)n);
	else
		dec_round_down(d, (int)n);
}

/* big.Float's roundShortest: the shortest decimal in x's rounding interval (taken
 * symmetric, +-1/2 ulp at x's precision, as Go does even at powers of two). */
static void
dec_round_shortest(dec *d, mpfr_srcptr x)
{
	if (d->n == 0)
		return;
	mpz_t m;
	mpz_init(m);
	long e = (long)mpfr_get_z_2exp(m, x);
	mpz_abs(m, m);
	long bl = (long)mpz_sizeinbase(m, 2);
	long s = bl - (long)(mpfr_get_prec(x) + 1);
	if (s < 0)
		mpz_mul_2exp(m, m, (mp_bitcnt_t)-s);
	else if (s > 0)
		mpz_fdiv_q_2exp(m, m, (mp_bitcnt_t)s);
	e += s;
	mpz_t t;
	mpz_init(t);
	dec lower, upper;
	mpz_sub_ui(t, m, 1);
	dec_init(&lower, t, e);
	mpz_add_ui(t, m, 1);
	dec_init(&upper, t, e);
	bool inclusive = !mpz_tstbit(m, 1);
	for (int i = 0; i < d->n; i++) {
		char l = dec_at(&lower, i), u = dec_at(&upper, i), c = d->mant[i];
		bool okdown = l != c || (inclusive && i + 1 == lower.n);
		bool okup = c != u && (inclusive || c + 1 < u || i + 1 < upper.n);
		if (okdown && okup) {
			dec_round(d, i + 1);
			break;
		}
		if (okdown) {
			dec_round_down(d, i + 1);
			break;
		}
		if (okup) {
			dec_round_up(d, i + 1);
			break;
		}
	}
	free(lower.mant);
	free(upper.mant);
	mpz_clear(t);
	mpz_clear(m);
}

/* A growing malloc'd string. */
typedef struct {
	char *p;
	size_t len, cap;
} tbuf;

static void
tb_add(tbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (b->p == NULL)
			abort();
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void tb_ch(tbuf *b, char c) { tb_add(b, &c, 1); }

static void
fmt_e(tbuf *b, char fmt, long prec, const dec *d)
{
	tb_ch(b, d->n > 0 ? d->mant[0] : '0');
	if (prec > 0) {
		tb_ch(b, '.');
		long i = 1, m = d->n < prec + 1 ? d->n : prec + 1;
		if (i < m) {
			tb_add(b, d->mant + i, (size_t)(m - i));
			i = m;
		}
		for (; i <= prec; i++)
			tb_ch(b, '0');
	}
	tb_ch(b, fmt);
	long exp = d->n > 0 ? d->exp - 1 : 0;
	tb_ch(b, exp < 0 ? '-' : '+');
	if (exp < 0)
		exp = -exp;
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%s%ld", exp < 10 ? "0" : "", exp);
	tb_add(b, tmp, strlen(tmp));
}

static void
fmt_f(tbuf *b, long prec, const dec *d)
{
	if (d->exp > 0) {
		long m = d->n < d->exp ? d->n : d->exp;
		tb_add(b, d->mant, (size_t)m);
		for (; m < d->exp; m++)
			tb_ch(b, '0');
	} else {
		tb_ch(b, '0');
	}
	if (prec > 0) {
		tb_ch(b, '.');
		for (long i = 0; i < prec; i++)
			tb_ch(b, dec_at(d, d->exp + i));
	}
}

/* big.Float.Text(fmt, prec) of x into b ('e', 'E', 'f', 'g', 'G'; prec < 0: shortest). */
static void
float_text(tbuf *b, mpfr_srcptr x, char fmt, long prec)
{
	if (mpfr_signbit(x) && !mpfr_nan_p(x))
		tb_ch(b, '-');
	if (mpfr_nan_p(x)) {
		tb_add(b, "NaN", 3);
		return;
	}
	if (mpfr_inf_p(x)) {
		if (!mpfr_signbit(x))
			tb_ch(b, '+');
		tb_add(b, "Inf", 3);
		return;
	}
	dec d = { .mant = NULL };
	if (!mpfr_zero_p(x)) {
		mpz_t m;
		mpz_init(m);
		long e = (long)mpfr_get_z_2exp(m, x);
		mpz_abs(m, m);
		dec_init(&d, m, e);
		mpz_clear(m);
	} else {
		d.mant = malloc(1);
	}
	bool shortest = false;
	if (prec < 0) {
		shortest = true;
		dec_round_shortest(&d, x);
		switch (fmt) {
		case 'e': case 'E': prec = d.n - 1; break;
		case 'f': prec = d.n - d.exp > 0 ? d.n - d.exp : 0; break;
		default: prec = d.n; break;
		}
	} else {
		switch (fmt) {
		case 'e': case 'E': dec_round(&d, 1 + prec); break;
		case 'f': dec_round(&d, d.exp + prec); break;
		default:
			if (prec == 0)
				prec = 1;
			dec_round(&d, prec);
			break;
		}
	}
	switch (fmt) {
	case 'e': case 'E':
		fmt_e(b, fmt, prec, &d);
		break;
	case 'f':
		fmt_f(b, prec, &d);
		break;
	default: {
		long eprec = prec;
		if (eprec > d.n && d.n >= d.exp)
			eprec = d.n;
		if (shortest)
			eprec = 6;
		long exp = d.exp - 1;
		if (exp < -4 || exp >= eprec) {
			if (prec > d.n)
				prec = d.n;
			fmt_e(b, fmt == 'G' ? 'E' : 'e', prec - 1, &d);
			break;
		}
		if (prec > d.exp)
			prec = d.n;
		fmt_f(b, prec - d.exp > 0 ? prec - d.exp : 0, &d);
		break;
	}
	}
	free(d.mant);
}

/* Writes d's shortest decimal as "%.*e" into e (what big.Float.Text('f', -1) prints
 * for a float64 value).  A power of two is judged with the symmetric half-ulp
 * interval Go's big.Float uses (pow(2, 64) prints 18446744073709550000). */
static void
shortest(double d, char *e, size_t cap)
{
	double ad = fabs(d);
	double ulp = nextafter(ad, INFINITY) - ad;
	if (!isfinite(ulp))
		ulp = ad - nextafter(ad, 0);
	int ex;
	bool pow2 = frexp(ad, &ex) == 0.5;
	for (int p = 0; p <= 15; p++) {
		snprintf(e, cap, "%.*e", p, d);
		if (strtod(e, NULL) == d)
			return;
		if (pow2 && fabsl(strtold(e, NULL) - (long double)d) <= (long double)ulp / 2)
			return;
	}
	snprintf(e, cap, "%.16e", d);
}

/* Text('f', -1) of a float64 (fast: no MPFR). */
static char *
double_format(lh_arena *a, double d)
{
	if (isnan(d))
		return lh_arena_strdup(a, "NaN");
	if (isinf(d))
		return lh_arena_strdup(a, d < 0 ? "-Inf" : "+Inf");
	if (d == 0)
		return lh_arena_strdup(a, signbit(d) ? "-0" : "0");
	char e[64];
	shortest(d, e, sizeof e);
	char digits[32];
	size_t nd = 0;
	const char *s = e;
	bool neg = false;
	if (*s == '-') {
		neg = true;
		s++;
	}
	for (; *s && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9')
			digits[nd++] = *s;
	int exp = atoi(s + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	dec dd = { .mant = digits, .n = (int)nd, .exp = exp + 1 };
	tbuf b = { 0 };
	if (neg)
		tb_ch(&b, '-');
	fmt_f(&b, dd.n - dd.exp > 0 ? dd.n - dd.exp : 0, &dd);
	char *r = lh_arena_strndup(a, b.p, b.len);
	free(b.p);
	return r;
}

/* The number's big.Float.Text(fmt, prec) into a malloc'd buffer. */
static void
number_text(tbuf *b, lh_number n, char fmt, long prec)
{
	mpfr_t x;
	if (n.big != NULL) {
		float_text(b, n.big->m, fmt, prec);
		return;
	}
	num_tmp(x, n);
	if (!n.is_int)
		mpfr_prec_round(x, 53, MPFR_RNDN);	/* a float64's shortest form */
	float_text(b, x, fmt, prec);
	mpfr_clear(x);
}

char *
lh_number_format(lh_arena *a, lh_number n)
{
	if (n.is_int)
		return lh_arena_printf(a, "%lld", (long long)n.i);
	if (n.big == NULL)
		return double_format(a, n.d);
	tbuf b = { 0 };
	float_text(&b, n.big->m, 'f', -1);
	char *r = lh_arena_strndup(a, b.p, b.len);
	free(b.p);
	return r;
}

char *
lh_number_text(lh_arena *a, lh_number n, char fmt, int prec)
{
	if (fmt != 'e' && fmt != 'E' && fmt != 'f' && fmt != 'g' && fmt != 'G')
		return NULL;
	if (prec < 0 && fmt == 'f')
		return lh_number_format(a, n);
	tbuf b = { 0 };
	number_text(&b, n, fmt, prec);
	char *r = lh_arena_strndup(a, b.p ? b.p : "", b.len);
	free(b.p);
	return r;
}

char *
lh_number_int_text(lh_arena *a, lh_number n, int base, bool upper)
{
	if (base < 2 || base > 36 || !lh_number_is_integer(n))
		return NULL;
	mpz_t z;
	mpz_init(z);
	if (n.big != NULL) {
		mpfr_get_z(z, n.big->m, MPFR_RNDZ);
	} else if (n.is_int) {
		char tmp[24];
		snprintf(tmp, sizeof tmp, "%lld", (long long)n.i);
		mpz_set_str(z, tmp, 10);
	} else {
		mpz_set_d(z, n.d);
	}
	char *s = lh_arena_alloc(a, mpz_sizeinbase(z, base) + 2);
	mpz_get_str(s, upper ? -base : base, z);
	mpz_clear(z);
	return s;
}

/* ---------------------------------------------------------------- equality */

/* cty's rawNumberEqual: integers compare exactly; an integer never equals a
 * non-integer; other values are equal when their texts are (so a float64 result and
 * the 512-bit literal written with its digits are equal, as in Terraform). */
bool
lh_number_equal(lh_number x, lh_number y)
{
	if (x.is_int && y.is_int)
		return x.i == y.i;
	if (x.big == NULL && y.big == NULL && !x.is_int && !y.is_int)
		return x.d == y.d || (isnan(x.d) && isnan(y.d));
	bool xi = lh_number_is_integer(x), yi = lh_number_is_integer(y);
	if (xi != yi)
		return false;
	if (xi)
		return lh_number_cmp(x, y) == 0;
	tbuf a = { 0 }, b = { 0 };
	number_text(&a, x, 'f', -1);
	number_text(&b, y, 'f', -1);
	bool eq = a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
	free(a.p);
	free(b.p);
	return eq;
}

/* ---------------------------------------------------------------- arithmetic */

/* x op y in MPFR at the larger precision; false when the result is not a number
 * (*why: Terraform's message). */
static bool
big_op(lh_arena *a, int op, lh_number x, lh_number y, lh_number *out, const char **why)
{
	mpfr_t p, q, r;
	num_tmp(p, x);
	num_tmp(q, y);
	mpfr_prec_t px = nprec(x), py = nprec(y);
	mpfr_init2(r, px > py ? px : py);
	bool ok = true;
	switch (op) {
	case '+':
		if (mpfr_inf_p(p) && mpfr_inf_p(q) && mpfr_signbit(p) != mpfr_signbit(q)) {
			*why = "can't compute sum of opposing infinities";
			ok = false;
		} else {
			mpfr_add(r, p, q, MPFR_RNDN);
		}
		break;
	case '-':
		if (mpfr_inf_p(p) && mpfr_inf_p(q) && mpfr_signbit(p) == mpfr_signbit(q)) {
			*why = "can't subtract infinity from itself";
			ok = false;
		} else {
			mpfr_sub(r, p, q, MPFR_RNDN);
		}
		break;
	case '*':
		if ((mpfr_inf_p(p) && mpfr_zero_p(q)) || (mpfr_zero_p(p) && mpfr_inf_p(q))) {
			*why = "can't multiply zero by infinity";
			ok = false;
		} else {
			/* cty: the product at 512 bits, kept at the larger of the operands'
			 * precisions and the bits the product needs */
			mpfr_prec_t rp = mpfr_get_prec(r);
			mpfr_set_prec(r, PREC);
			mpfr_mul(r, p, q, MPFR_RNDN);
			mpfr_prec_t mp = mpfr_min_prec(r);
			mpfr_prec_round(r, mp > rp ? mp : rp, MPFR_RNDN);
		}
		break;
	case '/':
		if ((mpfr_zero_p(p) && mpfr_zero_p(q)) || (mpfr_inf_p(p) && mpfr_inf_p(q))) {
			*why = "can't divide zero by zero or infinity by infinity";
			ok = false;
		} else {
			mpfr_div(r, p, q, MPFR_RNDN);
		}
		break;
	case '%':
		/* cty: an infinite operand gives x * y; x % 0 is x; else x - y * trunc(x / y) */
		if (mpfr_inf_p(p) || mpfr_inf_p(q)) {
			mpfr_clears(p, q, r, (mpfr_ptr)0);
			return big_op(a, '*', x, y, out, why);
		}
		if (mpfr_zero_p(q)) {
			*out = x;
			mpfr_clears(p, q, r, (mpfr_ptr)0);
			return true;
		}
		/* x - y * trunc(x / y), the last two steps at x's precision (cty) */
		mpfr_div(r, p, q, MPFR_RNDN);
		mpfr_trunc(r, r);
		{
			mpfr_t w;
			mpfr_init2(w, px);
			mpfr_set(w, r, MPFR_RNDN);
			mpfr_mul(w, q, w, MPFR_RNDN);
			mpfr_set_prec(r, px);
			mpfr_sub(r, p, w, MPFR_RNDN);
			mpfr_clear(w);
		}
		break;
	default:
		ok = false;
		*why = "unsupported operation";
		break;
	}
	if (ok)
		*out = num_make(a, r);
	mpfr_clears(p, q, r, (mpfr_ptr)0);
	return ok;
}

bool
lh_number_arith(lh_arena *a, char op, lh_number x, lh_number y, lh_number *out,
    const char **why)
{
	int64_t r;
	*why = NULL;
	if (x.is_int && y.is_int) {
		switch (op) {
		case '+':
			if (!__builtin_add_overflow(x.i, y.i, &r))
				goto done;
			break;
		case '-':
			if (!__builtin_sub_overflow(x.i, y.i, &r))
				goto done;
			break;
		case '*':
			if (!__builtin_mul_overflow(x.i, y.i, &r)) {
				/* big.Float's signed zero: -1 * 0 is -0 */
				if (r == 0 && ((x.i < 0) != (y.i < 0))) {
					*out = lh_number_from_double(-0.0);
					return true;
				}
				goto done;
			}
			break;
		case '/':
			if (y.i != 0 && !(x.i == INT64_MIN && y.i == -1) && x.i % y.i == 0) {
				r = x.i / y.i;
				if (r == 0 && ((x.i < 0) != (y.i < 0))) {
					*out = lh_number_from_double(-0.0);
					return true;
				}
				goto done;
			}
			break;
		case '%':
			if (y.i == 0)
				r = x.i;
			else if (y.i == -1)
				r = 0;
			else
				r = x.i % y.i;
			goto done;
		default:
			break;
		}
	}
	return big_op(a, op, x, y, out, why);
done:
	*out = (lh_number){ .is_int = true, .i = r, .d = (double)r };
	return true;
}

static lh_number
arith_or_nan(lh_arena *a, char op, lh_number x, lh_number y)
{
	lh_number r;
	const char *why;
	if (!lh_number_arith(a, op, x, y, &r, &why))
		return (lh_number){ .is_int = false, .d = NAN };
	return r;
}

lh_number lh_number_add(lh_arena *a, lh_number x, lh_number y) { return arith_or_nan(a, '+', x, y); }
lh_number lh_number_sub(lh_arena *a, lh_number x, lh_number y) { return arith_or_nan(a, '-', x, y); }
lh_number lh_number_mul(lh_arena *a, lh_number x, lh_number y) { return arith_or_nan(a, '*', x, y); }
lh_number lh_number_mod(lh_arena *a, lh_number x, lh_number y) { return arith_or_nan(a, '%', x, y); }

bool
lh_number_div(lh_arena *a, lh_number x, lh_number y, lh_number *out)
{
	const char *why;
	return lh_number_arith(a, '/', x, y, out, &why);
}

lh_number
lh_number_neg(lh_arena *a, lh_number x)
{
	if (x.is_int && x.i != INT64_MIN) {
		if (x.i == 0)
			return lh_number_from_double(-0.0);
		return (lh_number){ .is_int = true, .i = -x.i, .d = (double)-x.i };
	}
	if (x.big == NULL && !x.is_int)
		return lh_number_from_double(-x.d);
	mpfr_t p;
	num_tmp(p, x);
	mpfr_neg(p, p, MPFR_RNDN);
	lh_number r = num_make(a, p);
	mpfr_clear(p);
	return r;
}

/* floor / ceil / trunc: the integer, exact at any size. */
static lh_number
round_to_int(lh_arena *a, lh_number x, int how)
{
	if (x.is_int)
		return x;
	if (x.big == NULL) {
		double d = how < 0 ? floor(x.d) : how > 0 ? ceil(x.d) : trunc(x.d);
		if (!isfinite(d) || fabs(d) < 9.2e18)
			return lh_number_from_double(d + 0.0);
	}
	mpfr_t p;
	num_tmp(p, x);
	if (how < 0)
		mpfr_floor(p, p);
	else if (how > 0)
		mpfr_ceil(p, p);
	else
		mpfr_trunc(p, p);
	if (mpfr_zero_p(p))
		mpfr_set_zero(p, 1);	/* an integer result: no signed zero (cty's big.Int) */
	lh_number r = num_make(a, p);
	mpfr_clear(p);
	return r;
}

lh_number lh_number_floor(lh_arena *a, lh_number x) { return round_to_int(a, x, -1); }
lh_number lh_number_ceil(lh_arena *a, lh_number x) { return round_to_int(a, x, 1); }
lh_number lh_number_trunc(lh_arena *a, lh_number x) { return round_to_int(a, x, 0); }

lh_number
lh_number_abs(lh_arena *a, lh_number x)
{
	if (x.is_int ? x.i < 0 : (x.big != NULL ? mpfr_signbit(x.big->m) != 0 : signbit(x.d) != 0)) {
		if (!x.is_int && x.big == NULL && x.d == 0)
			return lh_number_from_double(0.0);	/* abs(-0) is 0 */
		return lh_number_neg(a, x);
	}
	return x;
}

int
lh_number_sign(lh_number x)
{
	if (x.is_int)
		return x.i < 0 ? -1 : x.i > 0;
	if (x.big != NULL)
		return mpfr_sgn(x.big->m);
	return x.d < 0 ? -1 : x.d > 0;
}

bool
lh_number_from_text_base(lh_arena *a, const char *s, int base, lh_number *out)
{
	mpz_t z;
	if (mpz_init_set_str(z, s, base) != 0) {
		mpz_clear(z);
		return false;
	}
	if (mpz_fits_slong_p(z)) {
		*out = (lh_number){ .is_int = true, .i = mpz_get_si(z) };
		out->d = (double)out->i;
	} else {
		num_init();
		mpfr_t x;
		size_t bits = mpz_sizeinbase(z, 2);
		mpfr_init2(x, bits > PREC ? (mpfr_prec_t)bits : PREC);
		mpfr_set_z(x, z, MPFR_RNDN);
		*out = num_make(a, x);
		mpfr_clear(x);
	}
	mpz_clear(z);
	return true;
}

char *
lh_number_hash_text(lh_arena *a, lh_number n)
{
	if (n.is_int && n.i < 10000000000LL && n.i > -10000000000LL)
		return lh_arena_printf(a, "%lld", (long long)n.i);
	return lh_number_text(a, n, 'g', 10);
}
