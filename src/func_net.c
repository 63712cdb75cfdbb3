/* func_net.c - network functions: cidrhost cidrnetmask cidrsubnet cidrsubnets, for
 * IPv4 and IPv6.  Parsing and printing follow the Go net package as Terraform vendors
 * it (ipaddr: Go 1.16's rules, so IPv4 octets may have leading zeros; IPv6 printed per
 * RFC 5952; IPv4-mapped IPv6 addresses printed dotted), the arithmetic follows
 * apparentlymart/go-cidr, and the messages are Terraform's. */
#include "func_impl.h"

#include <stdio.h>
#include <string.h>

typedef unsigned __int128 u128;

typedef struct {
	u128 ip;	/* the address, in the low `bits` bits */
	int bits;	/* 32 (IPv4) or 128 (IPv6) */
	int prefix;	/* prefix length */
} cidr;

/* Go's dtoi: a decimal number below 0xFFFFFF with at least one digit. */
static bool
dtoi(const char *s, size_t len, size_t *used, long *out)
{
	long n = 0;
	size_t i = 0;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		n = n * 10 + (s[i] - '0');
		if (n >= 0xFFFFFF)
			return false;
	}
	if (i == 0)
		return false;
	*used = i;
	*out = n;
	return true;
}

static bool
parse_v4(const char *s, size_t len, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		if (len == 0)
			return false;
		if (i > 0) {
			if (*s != '.')
				return false;
			s++;
			len--;
		}
		size_t c;
		long n;
		if (!dtoi(s, len, &c, &n) || n > 0xFF)
			return false;
		v = v << 8 | (uint32_t)n;
		s += c;
		len -= c;
	}
	if (len != 0)
		return false;
	*out = v;
	return true;
}

static bool
xtoi(const char *s, size_t len, size_t *used, long *out)
{
	long n = 0;
	size_t i = 0;
	for (; i < len; i++) {
		char ch = s[i];
		int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
		    ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
		if (d < 0)
			break;
		n = n * 16 + d;
		if (n >= 0xFFFFFF)
			return false;
	}
	if (i == 0)
		return false;
	*used = i;
	*out = n;
	return true;
}

/* Go 1.16's parseIPv6, "::" and a trailing dotted IPv4 part included. */
static bool
parse_v6(const char *s, size_t len, u128 *out)
{
	unsigned char ip[16] = { 0 };
	int ellipsis = -1, i = 0;
	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		ellipsis = 0;
		s += 2;
		len -= 2;
		if (len == 0)
			goto done;
	}
	while (i < 16) {
		size_t c;
		long n;
		if (!xtoi(s, len, &c, &n) || n > 0xFFFF)
			return false;
		if (c < len && s[c] == '.') {
			if ((ellipsis < 0 && i != 12) || i + 4 > 16)
				return false;
			uint32_t v4;
			if (!parse_v4(s, len, &v4))
				return false;
			for (int k = 0; k < 4; k++)
				ip[i + k] = (unsigned char)(v4 >> (24 - 8 * k));
			len = 0;
			i += 4;
			break;
		}
		ip[i] = (unsigned char)(n >> 8);
		ip[i + 1] = (unsigned char)n;
		i += 2;
		s += c;
		len -= c;
		if (len == 0)
			break;
		if (s[0] != ':' || len == 1)
			return false;
		s++;
		len--;
		if (s[0] == ':') {
			if (ellipsis >= 0)
				return false;
			ellipsis = i;
			s++;
			len--;
			if (len == 0)
				break;
		}
	}
	if (len != 0)
		return false;
	if (i < 16) {
		if (ellipsis < 0)
			return false;
		int n = 16 - i;
		for (int j = i - 1; j >= ellipsis; j--)
			ip[j + n] = ip[j];
		for (int j = ellipsis + n - 1; j >= ellipsis; j--)
			ip[j] = 0;
	} else if (ellipsis >= 0) {
		return false;
	}
done:;
	u128 v = 0;
	for (int k = 0; k < 16; k++)
		v = v << 8 | ip[k];
	*out = v;
	return true;
}

static u128
mask_of(int prefix, int bits)
{
	u128 all = bits == 128 ? ~(u128)0 : (((u128)1 << bits) - 1);
	if (prefix <= 0)
		return 0;
	if (prefix >= bits)
		return all;
	return all & ~((((u128)1) << (bits - prefix)) - 1);
}

/* Go's net.ParseCIDR: the network (address masked).  NULL or the error text. */
static const char *
parse_cidr(lh_arena *a, const char *s, size_t len, cidr *out)
{
	const char *bad = lh_arena_printf(a, "invalid CIDR address: %.*s", (int)len, s);
	const char *slash = memchr(s, '/', len);
	if (slash == NULL)
		return bad;
	size_t al = (size_t)(slash - s), ml = len - al - 1;
	uint32_t v4;
	if (parse_v4(s, al, &v4)) {
		out->ip = v4;
		out->bits = 32;
	} else if (parse_v6(s, al, &out->ip)) {
		out->bits = 128;
	} else {
		return bad;
	}
	size_t used;
	long n;
	if (!dtoi(slash + 1, ml, &used, &n) || used != ml || n > out->bits)
		return bad;
	out->prefix = (int)n;
	out->ip &= mask_of(out->prefix, out->bits);
	return NULL;
}

static bool
v4_mapped(const cidr *c)
{
	return c->bits == 128 && (c->ip >> 32) == 0xffff;
}

/* Go's IP.String(). */
static char *
ip_text(lh_arena *a, u128 ip, int bits)
{
	if (bits == 32 || (ip >> 32) == 0xffff) {
		uint32_t v = (uint32_t)ip;
		return lh_arena_printf(a, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255);
	}
	unsigned g[8];
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)(ip >> (112 - 16 * i)) & 0xffff;
	int e0 = -1, e1 = -1;
	for (int i = 0; i < 8; i++) {
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j > i && j - i > e1 - e0) {
			e0 = i;
			e1 = j;
			i = j;
		}
	}
	if (e1 - e0 <= 1)
		e0 = e1 = -1;
	char buf[64];
	size_t w = 0;
	for (int i = 0; i < 8; i++) {
		if (i == e0) {
			buf[w++] = ':';
			buf[w++] = ':';
			i = e1;
			if (i >= 8)
				break;
		} else if (i > 0) {
			buf[w++] = ':';
		}
		w += (size_t)snprintf(buf + w, sizeof buf - w, "%x", g[i]);
	}
	buf[w] = 0;
	return lh_arena_strdup(a, buf);
}

/* Go's IPNet.String(). */
static char *
net_text(lh_arena *a, const cidr *c)
{
	int prefix = c->prefix;
	if (v4_mapped(c))
		prefix = prefix >= 96 ? prefix - 96 : 0;
	return lh_arena_printf(a, "%s/%d", ip_text(a, c->ip, c->bits), prefix);
}

#define WHOLE "value must be a whole number, between -9223372036854775808 and 9223372036854775807"

static lh_value *
f_cidrhost(lh_func_ctx *c, lh_value **a, size_t n)
{
	int64_t host;
	if (!lh_fn_int(a[1], &host))
		return lh_fn_fail(c, "value must be a whole number");
	cidr net;
	const char *err = parse_cidr(c->a, a[0]->u.str.s, a[0]->u.str.len, &net);
	if (err)
		return lh_fn_fail(c, "invalid CIDR expression: %s", err);
	int hostlen = net.bits - net.prefix;
	u128 max = hostlen >= 128 ? ~(u128)0 : (((u128)1) << hostlen) - 1;
	/* go-cidr: a negative number counts back from the end of the range */
	u128 num;
	if (host < 0) {
		u128 back = (u128)(-(host + 1));	/* -host - 1, without overflow */
		if (back > max)
			return lh_fn_fail(c, "prefix of %d does not accommodate a host numbered -%llu",
			    net.prefix, (unsigned long long)(back - max));
		num = max - back;
	} else {
		num = (u128)host;
	}
	if (num > max)
		return lh_fn_fail(c, "prefix of %d does not accommodate a host numbered %llu", net.prefix,
		    (unsigned long long)num);
	/* go-cidr takes an IPv4-mapped IPv6 network for IPv4 and puts the host number in
	 * the top 32 bits of the 128; Terraform gives what that makes. */
	if (v4_mapped(&net))
		return lh_val_cstr(c->a, ip_text(c->a, net.ip | num << 96, 128));
	return lh_val_cstr(c->a, ip_text(c->a, net.ip | num, net.bits));
}

static lh_value *
f_cidrnetmask(lh_func_ctx *c, lh_value **a, size_t n)
{
	cidr net;
	const char *err = parse_cidr(c->a, a[0]->u.str.s, a[0]->u.str.len, &net);
	if (err)
		return lh_fn_fail(c, "invalid CIDR expression: %s", err);
	if (net.bits != 32 && !v4_mapped(&net))
		return lh_fn_fail(c, "IPv6 addresses cannot have a netmask: %s", a[0]->u.str.s);
	return lh_val_cstr(c->a, ip_text(c->a, mask_of(net.prefix, net.bits), net.bits));
}

static lh_value *
f_cidrsubnet(lh_func_ctx *c, lh_value **a, size_t n)
{
	int64_t newbits, num;
	if (!lh_fn_int(a[1], &newbits))
		return lh_fn_fail(c, "%s", WHOLE);
	if (!lh_fn_int(a[2], &num))
		return lh_fn_fail(c, "value must be a whole number");
	cidr net;
	const char *err = parse_cidr(c->a, a[0]->u.str.s, a[0]->u.str.len, &net);
	if (err)
		return lh_fn_fail(c, "invalid CIDR expression: %s", err);
	int64_t plen = net.prefix + newbits;
	if (plen > net.bits)
		return lh_fn_fail(c, "insufficient address space to extend prefix of %d by %lld", net.prefix,
		    (long long)newbits);
	if (plen < 0)
		return lh_fn_fail(c, "invalid prefix length %lld", (long long)plen);
	/* go-cidr compares num.Uint64() with uint64(1<<newbits) - 1 */
	uint64_t maxnet = newbits >= 0 && newbits < 64 ? (((uint64_t)1) << newbits) - 1 : UINT64_MAX;
	uint64_t unum = num < 0 ? (uint64_t)0 - (uint64_t)num : (uint64_t)num;
	if (unum > maxnet)
		return lh_fn_fail(c, "prefix extension of %lld does not accommodate a subnet numbered %lld",
		    (long long)newbits, (long long)num);
	cidr out = { .bits = net.bits, .prefix = (int)plen };
	u128 sub = net.bits - plen >= 128 ? 0 : (u128)unum << (net.bits - plen);
	if (num < 0) {
		/* go-cidr ORs the negative big.Int (two's complement) into the address and
		 * keeps the bytes of its magnitude */
		out.ip = (~(net.ip | (0 - sub)) + 1);
	} else {
		out.ip = net.ip | sub;
	}
	if (net.bits == 32)
		out.ip &= 0xffffffffu;
	return lh_val_cstr(c->a, net_text(c->a, &out));
}

static lh_value *
f_cidrsubnets(lh_func_ctx *c, lh_value **a, size_t n)
{
	cidr net;
	const char *err = parse_cidr(c->a, a[0]->u.str.s, a[0]->u.str.len, &net);
	if (err)
		return lh_fn_argerr(c, 0, "invalid CIDR expression: %s", err);
	if (n == 1)
		return lh_val_list(c->a, &lh_type_string, NULL, 0);
	lh_value **out = lh_arena_alloc(c->a, (n - 1) * sizeof *out);
	int64_t first;
	if (!lh_fn_int(a[1], &first))
		return lh_fn_argerr(c, 1, "%s", WHOLE);
	u128 all = net.bits == 128 ? ~(u128)0 : (((u128)1) << 32) - 1;
	/* go-cidr's PreviousSubnet: the address before the network, masked to the first
	 * length (a length past the address size masks nothing in, as a nil mask does). */
	int64_t fl = first + net.prefix;
	cidr cur = { .bits = net.bits, .prefix = (int)(fl > net.bits ? net.bits : fl < 0 ? 0 : fl) };
	cur.ip = ((net.ip - 1) & all) & mask_of(cur.prefix, net.bits);
	bool cur_nil = fl > net.bits || fl < 0;
	u128 netmask = mask_of(net.prefix, net.bits);
	for (size_t i = 1; i < n; i++) {
		int64_t len;
		if (!lh_fn_int(a[i], &len))
			return lh_fn_argerr(c, i, "%s", WHOLE);
		if (len < 1)
			return lh_fn_argerr(c, i, "must extend prefix by at least one bit");
		if (len > 32)
			return lh_fn_argerr(c, i, "may not extend prefix by more than 32 bits");
		len += net.prefix;
		if (len > net.bits)
			return lh_fn_argerr(c, i, "would extend prefix to %lld bits, which is too long for an %s address",
			    (long long)len, net.bits == 32 ? "IPv4" : "IPv6");
		/* go-cidr's NextSubnet */
		u128 curlast = (cur.ip | (~mask_of(cur.prefix, net.bits) & all)) & all;
		u128 m = mask_of((int)len, net.bits);
		u128 sub = curlast & m;
		u128 last = (sub | (~m & all)) & all;
		last = (last + 1) & all;
		cidr next = { .ip = last & m, .bits = net.bits, .prefix = (int)len };
		if (last == 0 || (next.ip & netmask) != net.ip)
			return lh_fn_argerr(c, i, "not enough remaining address space for a subnet with a prefix of %lld bits after %s",
			    (long long)len, cur_nil ? "<nil>" : net_text(c->a, &cur));
		cur = next;
		cur_nil = false;
		out[i - 1] = lh_val_cstr(c->a, net_text(c->a, &cur));
	}
	return lh_val_list(c->a, &lh_type_string, out, n - 1);
}

#define STR(nm) { .name = nm, .type = &lh_type_string }
#define NUM(nm) { .name = nm, .type = &lh_type_number }
const lh_fdef lh_func_net[] = {
	{ "cidrhost", 2, { STR("prefix"), NUM("hostnum") }, false, { 0 }, &lh_type_string, f_cidrhost },
	{ "cidrnetmask", 1, { STR("prefix") }, false, { 0 }, &lh_type_string, f_cidrnetmask },
	{ "cidrsubnet", 3, { STR("prefix"), NUM("newbits"), NUM("netnum") }, false, { 0 },
	  &lh_type_string, f_cidrsubnet },
	{ "cidrsubnets", 1, { STR("prefix") }, true, NUM("newbits"), &lh_t_list_string, f_cidrsubnets },
};
const size_t lh_func_net_n = sizeof lh_func_net / sizeof lh_func_net[0];
