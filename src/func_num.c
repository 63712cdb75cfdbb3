/* func_num.c - numeric functions: abs ceil floor log max min pow signum parseint.
 * log and pow compute in float64, as Terraform's do. */
#include "func_impl.h"

#include <math.h>
#include <string.h>

static lh_value *
f_abs(lh_func_ctx *c, lh_value **a, size_t n)
{
	return lh_val_number(c->a, lh_number_abs(c->a, a[0]->u.num));
}

static lh_value *
f_ceil(lh_func_ctx *c, lh_value **a, size_t n)
{
	return a[0]->u.num.is_int ? a[0] : lh_val_number(c->a, lh_number_ceil(c->a, a[0]->u.num));
}

static lh_value *
f_floor(lh_func_ctx *c, lh_value **a, size_t n)
{
	return a[0]->u.num.is_int ? a[0] : lh_val_number(c->a, lh_number_floor(c->a, a[0]->u.num));
}

static lh_value *
minmax(lh_func_ctx *c, lh_value **a, size_t n, int sign)
{
	if (n == 0)
		return lh_fn_fail(c, "must pass at least one number");
	lh_value *best = a[0];
	for (size_t i = 1; i < n; i++)
		if (lh_number_cmp(a[i]->u.num, best->u.num) * sign > 0)
			best = a[i];
	return best;
}

static lh_value *f_max(lh_func_ctx *c, lh_value **a, size_t n) { return minmax(c, a, n, 1); }
static lh_value *f_min(lh_func_ctx *c, lh_value **a, size_t n) { return minmax(c, a, n, -1); }

/* Go's math.Pow, step for step, so results match Terraform's to the last bit: the
 * fractional part of y through exp(yf * log(x)), the integral part by repeated
 * squaring of the mantissa. */
static double
go_pow(double x, double y)
{
	if (y == 0 || x == 1)
		return 1;
	if (y == 1)
		return x;
	if (isnan(x) || isnan(y))
		return NAN;
	if (x == 0 || isinf(x) || isinf(y))
		return pow(x, y);	/* the special cases agree with C's */
	if (y == 0.5)
		return sqrt(x);
	if (y == -0.5)
		return 1 / sqrt(x);
	double yi, yf = modf(fabs(y), &yi);
	if (yf != 0 && x < 0)
		return NAN;
	if (yi >= 9223372036854775808.0)
		return pow(x, y);
	double a1 = 1.0;
	long ae = 0;
	if (yf != 0) {
		if (yf > 0.5) {
			yf--;
			yi++;
		}
		a1 = exp(yf * log(x));
	}
	int xe;
	double x1 = frexp(x, &xe);
	long xel = xe;
	for (int64_t i = (int64_t)yi; i != 0; i >>= 1) {
		if (xel < -(1L << 12) || (1L << 12) < xel) {
			ae += xel;
			break;
		}
		if (i & 1) {
			a1 *= x1;
			ae += xel;
		}
		x1 *= x1;
		xel *= 2;	/* not <<: xel may be negative */
		if (x1 < .5) {
			x1 += x1;
			xel--;
		}
	}
	if (y < 0) {
		a1 = 1 / a1;
		ae = -ae;
	}
	if (ae > 100000)
		ae = 100000;
	if (ae < -100000)
		ae = -100000;
	return ldexp(a1, (int)ae);
}

static lh_value *
f_pow(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_number x = a[0]->u.num, y = a[1]->u.num;
	/* Terraform computes in float64 (math.Pow). */
	double r = go_pow(lh_number_double(x), lh_number_double(y));
	if (isnan(r))	/* Terraform panics: cty cannot hold a NaN */
		return lh_fn_fail(c, "panic in function implementation: Float.SetFloat64(NaN)");
	return lh_val_double(c->a, r);
}

/* log(num, base): float64, as Terraform (math.Log(num) / math.Log(base)). */
static lh_value *
f_log(lh_func_ctx *c, lh_value **a, size_t n)
{
	double r = log(lh_number_double(a[0]->u.num)) / log(lh_number_double(a[1]->u.num));
	if (isnan(r))	/* Terraform panics: cty cannot hold a NaN */
		return lh_fn_fail(c, "panic in function implementation: Float.SetFloat64(NaN)");
	return lh_val_double(c->a, r);
}

static lh_value *
f_signum(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_number x = a[0]->u.num;
	if (!x.is_int && x.d == 0)
		return lh_val_int(c->a, 0);
	if (!x.is_int)
		return lh_fn_fail(c, "value must be a whole number, between -9223372036854775808 and 9223372036854775807");
	return lh_val_int(c->a, x.i > 0 ? 1 : x.i < 0 ? -1 : 0);
}

static int
digit_val(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A' + 10;
	return 99;
}

static lh_value *
f_parseint(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_number b = a[1]->u.num;
	if (!b.is_int || b.i < 2 || b.i > 62)
		return lh_fn_argerr(c, 1, "base must be a whole number between 2 and 62 inclusive");
	int base = (int)b.i;
	const char *s = a[0]->u.str.s;
	size_t len = a[0]->u.str.len, i = 0;
	bool neg = false;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i == len)
		goto bad;
	/* Go's big.Int SetString: bases up to 36 are case-insensitive, above that
	 * lower case comes before upper case. */
	int64_t v = 0;
	double dv = 0;
	bool big = false;
	for (; i < len; i++) {
		int d = digit_val(s[i]);
		if (base > 36 && s[i] >= 'A' && s[i] <= 'Z')
			d = s[i] - 'A' + 36;
		if (d >= base)
			goto bad;
		if (!big && (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, d, &v)))
			big = true;
		dv = dv * base + d;
	}
	if (big) {
		/* beyond int64: exact, through GMP's digits (0-9 A-Z a-z for base > 36) */
		char *g = lh_arena_alloc(c->a, len + 2), *q = g;
		if (neg)
			*q++ = '-';
		for (i = s[0] == '-' || s[0] == '+' ? 1 : 0; i < len; i++) {
			int d = digit_val(s[i]);
			if (base > 36 && s[i] >= 'A' && s[i] <= 'Z')
				d = s[i] - 'A' + 36;
			*q++ = (char)(d < 10 ? '0' + d : d < 36 ? 'A' + d - 10 : 'a' + d - 36);
		}
		*q = 0;
		lh_number r;
		if (lh_number_from_text_base(c->a, g, base, &r))
			return lh_val_number(c->a, r);
		return lh_val_double(c->a, neg ? -dv : dv);
	}
	return lh_val_int(c->a, neg ? -v : v);
bad:
	return lh_fn_argerr(c, 0, "cannot parse \"%.*s\" as a base %d integer", (int)len, s, base);
}

#define NUM(nm) { .name = nm, .type = &lh_type_number }
const lh_fdef lh_func_num[] = {
	{ "abs", 1, { NUM("num") }, false, { 0 }, &lh_type_number, f_abs },
	{ "ceil", 1, { NUM("num") }, false, { 0 }, &lh_type_number, f_ceil },
	{ "floor", 1, { NUM("num") }, false, { 0 }, &lh_type_number, f_floor },
	{ "max", 0, { { 0 } }, true, NUM("numbers"), &lh_type_number, f_max },
	{ "min", 0, { { 0 } }, true, NUM("numbers"), &lh_type_number, f_min },
	{ "log", 2, { NUM("num"), NUM("base") }, false, { 0 }, &lh_type_number, f_log },
	{ "pow", 2, { NUM("num"), NUM("power") }, false, { 0 }, &lh_type_number, f_pow },
	{ "signum", 1, { NUM("num") }, false, { 0 }, &lh_type_number, f_signum },
	{ "parseint", 2, { { "number", NULL, 0 }, NUM("base") }, false, { 0 }, &lh_type_number,
	  f_parseint },
};
const size_t lh_func_num_n = sizeof lh_func_num / sizeof lh_func_num[0];
