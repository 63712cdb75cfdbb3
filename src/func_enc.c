/* func_enc.c - encoding functions: base64encode base64decode base64gzip csvdecode
 * jsonencode jsondecode textencodebase64 textdecodebase64 urlencode yamlencode
 * (yamldecode is func_yaml.c, the gzip writer func_deflate.c).  The text encodings are
 * the IANA character sets Terraform's golang.org/x/text knows, converted with iconv.  yamlencode reproduces the block style Terraform's
 * YAML encoder (go-yaml) writes: quoted keys and strings, literal blocks for
 * multi-line text, 2-space indentation, "..." after a bare top-level scalar. */
#include "func_impl.h"

#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>


typedef lh_fbuf buf;

static void bstr(buf *b, const char *s) { lh_fbuf_add(b, s, strlen(s)); }

static void
bspaces(buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		lh_fbuf_add(b, " ", 1);
}

static lh_value *
bval(buf *b)
{
	return lh_val_string(b->a, b->p ? b->p : "", b->len);
}

bool
lh_fn_valid_utf8(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		if (n == 0 || i + n > len)
			return false;
		uint32_t cp = n == 1 ? c : n == 2 ? c & 31 : n == 3 ? c & 15 : c & 7;
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
			return false;
		i += n;
	}
	return true;
}

/* ---------------------------------------------------------------- base64 */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

lh_value *
lh_fn_base64(lh_arena *a, const unsigned char *s, size_t len)
{
	char *o = lh_arena_alloc(a, (len + 2) / 3 * 4 + 1);
	size_t w = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < len)
			v |= s[i + 2];
		o[w++] = b64[v >> 18];
		o[w++] = b64[(v >> 12) & 63];
		o[w++] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		o[w++] = i + 2 < len ? b64[v & 63] : '=';
	}
	return lh_val_string(a, o, w);
}

static int
b64val(unsigned char ch)
{
	const char *p = ch ? strchr(b64, ch) : NULL;
	return p ? (int)(p - b64) : -1;
}

/* Go's encoding/base64 decodeQuantum, error offsets included. */
bool
lh_fn_base64_decode(lh_arena *a, const char *str, size_t len, unsigned char **out,
    size_t *outlen, size_t *bad)
{
	const unsigned char *src = (const unsigned char *)str;
	unsigned char *dst = lh_arena_alloc(a, len / 4 * 3 + 4);
	size_t si = 0, n = 0;
	*bad = 0;
	while (si < len) {
		int dbuf[4] = { 0, 0, 0, 0 };
		size_t dlen = 4;
		bool trailing = false;
		for (size_t j = 0; j < 4; j++) {
			if (si == len) {
				if (j == 0)
					goto done;
				*bad = si - j;
				return false;
			}
			unsigned char in = src[si++];
			int v = b64val(in);
			if (v >= 0) {
				dbuf[j] = v;
				continue;
			}
			if (in == '\n' || in == '\r') {
				j--;
				continue;
			}
			if (in != '=' || j < 2) {
				*bad = si - 1;
				return false;
			}
			if (j == 2) {
				while (si < len && (src[si] == '\n' || src[si] == '\r'))
					si++;
				if (si == len) {
					*bad = len;
					return false;
				}
				if (src[si] != '=') {
					*bad = si - 1;
					return false;
				}
				si++;
			}
			while (si < len && (src[si] == '\n' || src[si] == '\r'))
				si++;
			if (si < len)
				trailing = true;
			dlen = j;
			break;
		}
		uint32_t val = (uint32_t)dbuf[0] << 18 | (uint32_t)dbuf[1] << 12 |
		    (uint32_t)dbuf[2] << 6 | (uint32_t)dbuf[3];
		unsigned char q[3] = { (unsigned char)(val >> 16), (unsigned char)(val >> 8),
			(unsigned char)val };
		memcpy(dst + n, q, dlen - 1);
		n += dlen - 1;
		if (trailing) {
			*bad = si;
			return false;
		}
	}
done:
	dst[n] = 0;
	*out = dst;
	*outlen = n;
	return true;
}

static lh_value *
f_base64encode(lh_func_ctx *c, lh_value **a, size_t n)
{
	return lh_fn_base64(c->a, (const unsigned char *)a[0]->u.str.s, a[0]->u.str.len);
}

static lh_value *
f_base64decode(lh_func_ctx *c, lh_value **a, size_t n)
{
	unsigned char *d;
	size_t dl, bad;
	if (!lh_fn_base64_decode(c->a, a[0]->u.str.s, a[0]->u.str.len, &d, &dl, &bad))
		return lh_fn_fail(c, "failed to decode base64 data %s", lh_fn_quote(c->a, a[0]));
	if (!lh_fn_valid_utf8((const char *)d, dl))
		return lh_fn_fail(c, "the result of decoding the provided string is not valid UTF-8");
	return lh_val_string(c->a, (const char *)d, dl);
}

/* base64gzip: the gzip member Terraform's Go code writes (func_deflate.c), in base64. */
static lh_value *
f_base64gzip(lh_func_ctx *c, lh_value **a, size_t n)
{
	size_t len;
	unsigned char *gz = lh_fn_go_gzip(c->a, (const unsigned char *)a[0]->u.str.s, a[0]->u.str.len, &len);
	if (gz == NULL)
		return lh_fn_fail(c, "failed to write gzip raw data: out of memory");
	return lh_fn_base64(c->a, gz, len);
}

/* ---------------------------------------------------------------- text encodings */

/* The IANA character sets Terraform's textencodebase64/textdecodebase64 accept (those
 * golang.org/x/text implements): the IANA name first (used in messages), then its
 * registered aliases, then the iconv name after "=". */
static const char *const charsets[] = {
	"UTF-8|csUTF8=UTF-8",
	"UTF-16|csUTF16=UTF-16",
	"UTF-16BE|csUTF16BE=UTF-16BE",
	"UTF-16LE|csUTF16LE=UTF-16LE",
	"US-ASCII|iso-ir-6|ANSI_X3.4-1968|ANSI_X3.4-1986|ISO_646.irv:1991|ISO646-US|us|IBM367|cp367|csASCII=ASCII",
	"ISO_8859-1:1987|iso-ir-100|ISO_8859-1|ISO-8859-1|latin1|l1|IBM819|CP819|csISOLatin1=ISO-8859-1",
	"ISO_8859-2:1987|iso-ir-101|ISO_8859-2|ISO-8859-2|latin2|l2|csISOLatin2=ISO-8859-2",
	"ISO_8859-3:1988|iso-ir-109|ISO_8859-3|ISO-8859-3|latin3|l3|csISOLatin3=ISO-8859-3",
	"ISO_8859-4:1988|iso-ir-110|ISO_8859-4|ISO-8859-4|latin4|l4|csISOLatin4=ISO-8859-4",
	"ISO_8859-5:1988|iso-ir-144|ISO_8859-5|ISO-8859-5|cyrillic|csISOLatinCyrillic=ISO-8859-5",
	"ISO_8859-6:1987|iso-ir-127|ISO_8859-6|ISO-8859-6|ECMA-114|ASMO-708|arabic|csISOLatinArabic=ISO-8859-6",
	"ISO_8859-6-E|csISO88596E|ISO-8859-6-E=ISO-8859-6",
	"ISO_8859-6-I|csISO88596I|ISO-8859-6-I=ISO-8859-6",
	"ISO_8859-7:1987|iso-ir-126|ISO_8859-7|ISO-8859-7|ELOT_928|ECMA-118|greek|greek8|csISOLatinGreek=ISO-8859-7",
	"ISO_8859-8:1988|iso-ir-138|ISO_8859-8|ISO-8859-8|hebrew|csISOLatinHebrew=ISO-8859-8",
	"ISO_8859-8-E|csISO88598E|ISO-8859-8-E=ISO-8859-8",
	"ISO_8859-8-I|csISO88598I|ISO-8859-8-I=ISO-8859-8",
	"ISO_8859-9:1989|iso-ir-148|ISO_8859-9|ISO-8859-9|latin5|l5|csISOLatin5=ISO-8859-9",
	"ISO-8859-10|iso-ir-157|l6|ISO_8859-10:1992|csISOLatin6|latin6=ISO-8859-10",
	"ISO-8859-13|csISO885913=ISO-8859-13",
	"ISO-8859-14|iso-ir-199|ISO_8859-14:1998|ISO_8859-14|latin8|iso-celtic|l8|csISO885914=ISO-8859-14",
	"ISO-8859-15|ISO_8859-15|Latin-9|csISO885915=ISO-8859-15",
	"ISO-8859-16|iso-ir-226|ISO_8859-16:2001|ISO_8859-16|latin10|l10|csISO885916=ISO-8859-16",
	"Shift_JIS|MS_Kanji|csShiftJIS=SHIFT_JIS",
	"EUC-JP|Extended_UNIX_Code_Packed_Format_for_Japanese|csEUCPkdFmtJapanese=EUC-JP",
	"ISO-2022-JP|csISO2022JP=ISO-2022-JP",
	"EUC-KR|csEUCKR=EUC-KR",
	"GBK|CP936|MS936|windows-936|csGBK=GBK",
	"GB18030|csGB18030=GB18030",
	"HZ-GB-2312=HZ",
	"Big5|csBig5=BIG5",
	"KOI8-R|csKOI8R=KOI8-R",
	"KOI8-U|csKOI8U=KOI8-U",
	"IBM037|cp037|ebcdic-cp-us|ebcdic-cp-ca|ebcdic-cp-wt|ebcdic-cp-nl|csIBM037=IBM037",
	"IBM437|cp437|437|csPC8CodePage437=IBM437",
	"IBM850|cp850|850|csPC850Multilingual=IBM850",
	"IBM852|cp852|852|csPCp852=IBM852",
	"IBM855|cp855|855|csIBM855=IBM855",
	"IBM00858|CCSID00858|CP00858|PC-Multilingual-850+euro|csIBM00858=IBM858",
	"IBM860|cp860|860|csIBM860=IBM860",
	"IBM862|cp862|862|csPC862LatinHebrew=IBM862",
	"IBM863|cp863|863|csIBM863=IBM863",
	"IBM865|cp865|865|csIBM865=IBM865",
	"IBM866|cp866|866|csIBM866=IBM866",
	"IBM1047|IBM-1047=IBM1047",
	"IBM01140|CCSID01140|CP01140|ebcdic-us-37+euro|csIBM01140=IBM1140",
	"macintosh|mac|csMacintosh=MACINTOSH",
	"windows-874|cswindows874=WINDOWS-874",
	"windows-1250|cswindows1250=WINDOWS-1250",
	"windows-1251|cswindows1251=WINDOWS-1251",
	"windows-1252|cswindows1252=WINDOWS-1252",
	"windows-1253|cswindows1253=WINDOWS-1253",
	"windows-1254|cswindows1254=WINDOWS-1254",
	"windows-1255|cswindows1255=WINDOWS-1255",
	"windows-1256|cswindows1256=WINDOWS-1256",
	"windows-1257|cswindows1257=WINDOWS-1257",
	"windows-1258|cswindows1258=WINDOWS-1258",
};

/* Finds the character set named (case-insensitively, surrounding spaces ignored) by
 * name: its IANA name and iconv name as arena strings; false when not supported. */
static bool
charset(lh_arena *a, const char *name, size_t len, char **iana, char **conv)
{
	while (len > 0 && (*name == ' ' || *name == '\t' || *name == '\n' || *name == '\r')) {
		name++;
		len--;
	}
	while (len > 0 && strchr(" \t\n\r", name[len - 1]) != NULL)
		len--;
	for (size_t i = 0; i < sizeof charsets / sizeof charsets[0]; i++) {
		const char *row = charsets[i], *eq = strchr(row, '=');
		for (const char *p = row; p < eq;) {
			size_t k = strcspn(p, "|=");
			if (k == len && strncasecmp(p, name, len) == 0) {
				*iana = lh_arena_strndup(a, row, strcspn(row, "|="));
				*conv = lh_arena_strdup(a, eq + 1);
				return true;
			}
			p += k + 1;
		}
	}
	return false;
}

/* Converts in[0..len) from one iconv character set to another, strictly; false on an
 * unrepresentable or invalid sequence. */
static bool
transcode(lh_arena *a, const char *to, const char *from, const char *in, size_t len,
    char **out, size_t *outlen)
{
	iconv_t cd = iconv_open(to, from);
	if (cd == (iconv_t)-1)
		return false;
	size_t cap = len * 4 + 16;
	char *o = lh_arena_alloc(a, cap);
	char *ip = (char *)in, *op = o;
	size_t il = len, ol = cap;
	size_t r = iconv(cd, &ip, &il, &op, &ol);
	if (r != (size_t)-1)
		r = iconv(cd, NULL, NULL, &op, &ol);	/* shift back to the initial state */
	iconv_close(cd);
	if (r == (size_t)-1 || il != 0)
		return false;
	*out = o;
	*outlen = cap - ol;
	return true;
}

/* HZ-GB-2312 (RFC 1843) as golang.org/x/text writes it: ASCII as is ("~" as "~~"),
 * GB2312-area GBK characters as 7-bit byte pairs after "~{" (and "~}" before the next
 * ASCII character). */
static bool
hz_encode(lh_arena *a, const char *in, size_t len, char **out, size_t *outlen)
{
	lh_fbuf b = { .a = a };
	bool gb = false;
	for (size_t i = 0; i < len;) {
		unsigned char ch = (unsigned char)in[i];
		if (ch < 0x80) {
			if (ch == '~') {
				lh_fbuf_add(&b, "~~", 2);
			} else {
				if (gb)
					lh_fbuf_add(&b, "~}", 2);
				gb = false;
				lh_fbuf_add(&b, (const char *)&ch, 1);
			}
			i++;
			continue;
		}
		size_t k = ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : 2;
		char *g;
		size_t gl;
		if (i + k > len || !transcode(a, "GBK", "UTF-8", in + i, k, &g, &gl) || gl != 2)
			return false;
		unsigned char c0 = (unsigned char)(g[0] - 0x80), c1 = (unsigned char)(g[1] - 0x80);
		if (c0 < 0x21 || c0 >= 0x7e || c1 < 0x21 || c1 >= 0x7f)
			return false;
		if (!gb)
			lh_fbuf_add(&b, "~{", 2);
		gb = true;
		char pair[2] = { (char)c0, (char)c1 };
		lh_fbuf_add(&b, pair, 2);
		i += k;
	}
	/* x/text leaves a final GB run open (no "~}" at the end); so does Terraform */
	*out = b.p ? b.p : (char *)"";
	*outlen = b.len;
	return true;
}

static bool
hz_decode(lh_arena *a, const unsigned char *in, size_t len, char **out, size_t *outlen)
{
	lh_fbuf b = { .a = a };
	bool gb = false;
	for (size_t i = 0; i < len;) {
		unsigned char c0 = in[i];
		if (c0 >= 0x80)
			return false;
		if (c0 == '~') {
			if (i + 1 >= len)
				return false;
			unsigned char nx = in[i + 1];
			i += 2;
			if (nx == '{')
				gb = true;
			else if (nx == '}')
				gb = false;
			else if (nx == '~')
				lh_fbuf_add(&b, "~", 1);
			else if (nx != '\n')
				return false;
			continue;
		}
		if (!gb) {
			lh_fbuf_add(&b, (const char *)&c0, 1);
			i++;
			continue;
		}
		if (i + 1 >= len)
			return false;
		unsigned char c1 = in[i + 1];
		if (c0 < 0x21 || c0 >= 0x7e || c1 < 0x21 || c1 >= 0x7f)
			return false;
		char pair[2] = { (char)(c0 + 0x80), (char)(c1 + 0x80) }, *u;
		size_t ul;
		if (!transcode(a, "UTF-8", "GBK", pair, 2, &u, &ul))
			return false;
		lh_fbuf_add(&b, u, ul);
		i += 2;
	}
	*out = b.p ? b.p : (char *)"";
	*outlen = b.len;
	return true;
}

static lh_value *
f_textencodebase64(lh_func_ctx *c, lh_value **a, size_t n)
{
	char *iana, *conv, *o;
	size_t ol;
	if (!charset(c->a, a[1]->u.str.s, a[1]->u.str.len, &iana, &conv))
		return lh_fn_argerr(c, 1, "%s is not a supported IANA encoding name or alias in this Terraform version",
		    lh_fn_quote(c->a, a[1]));
	/* IANA's UTF-16 is big-endian with a byte order mark (x/text's UseBOM). */
	bool bom = strcmp(conv, "UTF-16") == 0;
	bool ok = strcmp(conv, "HZ") == 0 ? hz_encode(c->a, a[0]->u.str.s, a[0]->u.str.len, &o, &ol) :
	    transcode(c->a, bom ? "UTF-16BE" : conv, "UTF-8", a[0]->u.str.s, a[0]->u.str.len, &o, &ol);
	if (!ok)
		return lh_fn_argerr(c, 0, "the given string contains characters that cannot be represented in %s", iana);
	if (bom) {
		char *b = lh_arena_alloc(c->a, ol + 2);
		b[0] = (char)0xfe;
		b[1] = (char)0xff;
		memcpy(b + 2, o, ol);
		o = b;
		ol += 2;
	}
	return lh_fn_base64(c->a, (const unsigned char *)o, ol);
}

static lh_value *
f_textdecodebase64(lh_func_ctx *c, lh_value **a, size_t n)
{
	char *iana, *conv, *o;
	size_t ol;
	if (!charset(c->a, a[1]->u.str.s, a[1]->u.str.len, &iana, &conv))
		return lh_fn_argerr(c, 1, "%s is not a supported IANA encoding name or alias in this Terraform version",
		    lh_fn_quote(c->a, a[1]));
	unsigned char *d;
	size_t dl, bad;
	if (!lh_fn_base64_decode(c->a, a[0]->u.str.s, a[0]->u.str.len, &d, &dl, &bad))
		return lh_fn_argerr(c, 0, "the given value is has an invalid base64 symbol at offset %zu", bad);
	const char *from = conv;
	if (strcmp(conv, "UTF-16") == 0) {
		from = "UTF-16BE";
		if (dl >= 2 && d[0] == 0xff && d[1] == 0xfe)
			from = "UTF-16LE";
		if (dl >= 2 && ((d[0] == 0xff && d[1] == 0xfe) || (d[0] == 0xfe && d[1] == 0xff))) {
			d += 2;
			dl -= 2;
		}
	}
	bool ok = strcmp(from, "UTF-8") == 0 ? lh_fn_valid_utf8((const char *)d, dl) : true;
	if (ok && strcmp(from, "UTF-8") == 0) {
		o = (char *)d;
		ol = dl;
	} else if (ok && strcmp(from, "HZ") == 0) {
		ok = hz_decode(c->a, d, dl, &o, &ol);
	} else if (ok) {
		ok = transcode(c->a, "UTF-8", from, (const char *)d, dl, &o, &ol);
	}
	/* x/text decoders replace what they cannot map with U+FFFD, which Terraform
	 * reports as an error, whether or not the source meant it. */
	if (!ok || (ol >= 3 && memmem(o, ol, "\xef\xbf\xbd", 3) != NULL))
		return lh_fn_argerr(c, 0, "the given string contains symbols that are not defined for %s", iana);
	return lh_val_string(c->a, o, ol);
}

/* ---------------------------------------------------------------- urlencode */

static lh_value *
f_urlencode(lh_func_ctx *c, lh_value **a, size_t n)
{
	const unsigned char *s = (const unsigned char *)a[0]->u.str.s;
	buf b = { .a = c->a };
	for (size_t i = 0; i < a[0]->u.str.len; i++) {
		unsigned char ch = s[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '_' || ch == '.' || ch == '~') {
			lh_fbuf_add(&b, (const char *)&ch, 1);
		} else if (ch == ' ') {
			lh_fbuf_add(&b, "+", 1);
		} else {
			char t[4];
			snprintf(t, sizeof t, "%%%02X", ch);
			lh_fbuf_add(&b, t, 3);
		}
	}
	return b.p ? bval(&b) : lh_val_cstr(c->a, "");
}

/* ---------------------------------------------------------------- json */

/* True when v holds an infinite number anywhere (JSON has no spelling for one). */
static bool
has_infinity(const lh_value *v)
{
	if (lh_val_is_null(v) || lh_val_is_unknown(v))
		return false;
	switch (v->type->kind) {
	case LH_TY_NUMBER:
		return lh_number_is_inf(v->u.num);	/* 1e400 is finite (value_num.c) */
	case LH_TY_LIST: case LH_TY_SET: case LH_TY_TUPLE:
		for (size_t i = 0; i < v->u.seq.n; i++)
			if (has_infinity(v->u.seq.items[i]))
				return true;
		return false;
	case LH_TY_MAP: case LH_TY_OBJECT:
		for (size_t i = 0; i < v->u.map.n; i++)
			if (has_infinity(v->u.map.vals[i]))
				return true;
		return false;
	default:
		return false;
	}
}

static lh_value *
f_jsonencode(lh_func_ctx *c, lh_value **a, size_t n)
{
	if (lh_val_has_unknown(a[0]))
		return lh_val_unknown(c->a, &lh_type_string);
	if (has_infinity(a[0]))
		return lh_fn_fail(c, "cannot serialize infinity as JSON");
	const char *err = NULL;
	char *s = lh_val_jsonencode(c->a, a[0], &err);
	if (s == NULL)
		return lh_fn_fail(c, "%s", err);
	return lh_val_cstr(c->a, s);
}

static lh_value *
f_jsondecode(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *err = NULL;
	lh_value *v = lh_val_jsondecode(c->a, a[0]->u.str.s, a[0]->u.str.len, &err);
	if (v == NULL)
		return lh_fn_fail(c, "%s", err);
	return v;
}

/* ---------------------------------------------------------------- csv */

static lh_value *
f_csvdecode(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *s = a[0]->u.str.s;
	size_t len = a[0]->u.str.len, i = 0;
	size_t line = 1;
	const char **header = NULL;
	size_t nh = 0;
	size_t cap = 8, nrec = 0;
	lh_value **recs = lh_arena_alloc(c->a, cap * sizeof *recs);
	while (i < len) {
		/* Skip empty lines. */
		if (s[i] == '\n' || (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')) {
			i += s[i] == '\r' ? 2 : 1;
			line++;
			continue;
		}
		size_t fcap = 8, nf = 0;
		lh_value **fields = lh_arena_alloc(c->a, fcap * sizeof *fields);
		size_t recline = line;
		for (;;) {
			buf f = { .a = c->a };
			if (i < len && s[i] == '"') {
				i++;
				for (;;) {
					if (i >= len)
						return lh_fn_fail(c, "CSV parse error on line %zu: extraneous or missing \" in quoted-field", recline);
					if (s[i] == '"') {
						if (i + 1 < len && s[i + 1] == '"') {
							lh_fbuf_add(&f, "\"", 1);
							i += 2;
							continue;
						}
						i++;
						break;
					}
					if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') {
						i++;
						continue;
					}
					if (s[i] == '\n')
						line++;
					lh_fbuf_add(&f, s + i, 1);
					i++;
				}
				if (i < len && s[i] != ',' && s[i] != '\n' && !(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n'))
					return lh_fn_fail(c, "CSV parse error on line %zu: extraneous or missing \" in quoted-field", line);
			} else {
				while (i < len && s[i] != ',' && s[i] != '\n' &&
				    !(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')) {
					if (s[i] == '"')
						return lh_fn_fail(c, "CSV parse error on line %zu: bare \" in non-quoted-field", line);
					lh_fbuf_add(&f, s + i, 1);
					i++;
				}
			}
			if (nf == fcap) {
				fields = lh_arena_grow(c->a, fields, nf, fcap * 2, sizeof *fields);
				fcap *= 2;
			}
			fields[nf++] = f.p ? bval(&f) : lh_val_cstr(c->a, "");
			if (i < len && s[i] == ',') {
				i++;
				continue;
			}
			if (i < len) {
				i += s[i] == '\r' ? 2 : 1;
				line++;
			}
			break;
		}
		if (header == NULL) {
			header = lh_arena_alloc(c->a, nf * sizeof *header);
			for (size_t k = 0; k < nf; k++) {
				header[k] = fields[k]->u.str.s;
				for (size_t j = 0; j < k; j++)
					if (strcmp(header[j], header[k]) == 0) {
						char *q;
						lh_str_go_quote(c->a, header[k], strlen(header[k]), &q);
						return lh_fn_fail(c, "duplicate column name %s", q);
					}
			}
			nh = nf;
			continue;
		}
		if (nf != nh)
			return lh_fn_fail(c, "CSV parse error on line %zu: wrong number of fields", recline);
		if (nrec == cap) {
			recs = lh_arena_grow(c->a, recs, nrec, cap * 2, sizeof *recs);
			cap *= 2;
		}
		recs[nrec++] = lh_val_object(c->a, header, fields, nf);
	}
	if (header == NULL)
		return lh_fn_fail(c, "missing header line");
	const lh_type **ts = lh_arena_alloc(c->a, (nh ? nh : 1) * sizeof *ts);
	for (size_t k = 0; k < nh; k++)
		ts[k] = &lh_type_string;
	return lh_val_list(c->a, lh_type_object(c->a, header, ts, nh), recs, nrec);
}

/* ---------------------------------------------------------------- yaml */

static size_t
udec(const char *s, size_t len, size_t i, uint32_t *cp)
{
	unsigned char ch = (unsigned char)s[i];
	size_t n = ch < 0x80 ? 1 : ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : ch >= 0xc0 ? 2 : 1;
	if (i + n > len)
		n = 1;
	uint32_t v = n == 1 ? ch : n == 2 ? ch & 31 : n == 3 ? ch & 15 : ch & 7;
	for (size_t k = 1; k < n; k++)
		v = v << 6 | ((unsigned char)s[i + k] & 0x3f);
	*cp = v;
	return n;
}

static bool
y_printable(uint32_t cp)
{
	/* go-yaml's is_printable: nothing outside the BMP, no C1 controls (U+0085 is
	 * escaped as \N). */
	return cp == 0x0a || (cp >= 0x20 && cp <= 0x7e) ||
	    (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp != 0xfeff);
}

/* go-yaml's double-quoted scalar writer, folding at spaces past column 80. */
static void
y_quoted(buf *b, const char *s, size_t len, bool allow_breaks, size_t indent)
{
	lh_fbuf_add(b, "\"", 1);
	bool spaces = false;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = udec(s, len, i, &cp);
		if (!y_printable(cp) || cp == 0xfeff || cp == '\n' || cp == 0x85 || cp == 0x2028 ||
		    cp == 0x2029 || cp == '"' || cp == '\\') {
			char t[16];
			switch (cp) {
			case 0: bstr(b, "\\0"); break;
			case 7: bstr(b, "\\a"); break;
			case 8: bstr(b, "\\b"); break;
			case 9: bstr(b, "\\t"); break;
			case 10: bstr(b, "\\n"); break;
			case 11: bstr(b, "\\v"); break;
			case 12: bstr(b, "\\f"); break;
			case 13: bstr(b, "\\r"); break;
			case 27: bstr(b, "\\e"); break;
			case '"': bstr(b, "\\\""); break;
			case '\\': bstr(b, "\\\\"); break;
			case 0x85: bstr(b, "\\N"); break;
			case 0xa0: bstr(b, "\\_"); break;
			case 0x2028: bstr(b, "\\L"); break;
			case 0x2029: bstr(b, "\\P"); break;
			default:
				if (cp <= 0xff)
					snprintf(t, sizeof t, "\\x%02X", cp);
				else if (cp <= 0xffff)
					snprintf(t, sizeof t, "\\u%04X", cp);
				else
					snprintf(t, sizeof t, "\\U%08X", cp);
				bstr(b, t);
			}
			spaces = false;
		} else if (cp == ' ') {
			if (allow_breaks && !spaces && lh_fbuf_col(b) > 80 && i > 0 && i < len - 1) {
				lh_fbuf_add(b, "\n", 1);
				bspaces(b, indent);
				if (i + 1 < len && s[i + 1] == ' ')
					lh_fbuf_add(b, "\\", 1);
			} else {
				lh_fbuf_add(b, " ", 1);
			}
			spaces = true;
		} else {
			lh_fbuf_add(b, s + i, k);
			spaces = false;
		}
		i += k;
	}
	lh_fbuf_add(b, "\"", 1);
}

/* go-yaml's line breaks inside printable text: LF, U+2028, U+2029.  Returns the
 * break's byte length at i, or 0. */
static size_t
y_break(const char *s, size_t len, size_t i)
{
	if (s[i] == '\n')
		return 1;
	if (i + 2 < len && (unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
	    ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9))
		return 3;
	return 0;
}

/* Start of the last code point of s. */
static size_t
last_rune(const char *s, size_t len)
{
	size_t i = len - 1;
	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	return i;
}

/* Can go-yaml write s as a literal block?  Only multi-line printable text without a
 * space before a break or at the end. */
static bool
y_literal_ok(const char *s, size_t len)
{
	bool breaks = false;
	/* Terraform asks for a literal block only when the text has a newline. */
	if (len == 0 || s[len - 1] == ' ' || memchr(s, '\n', len) == NULL)
		return false;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = udec(s, len, i, &cp);
		if (y_break(s, len, i)) {
			breaks = true;
		} else if (!y_printable(cp) || cp == 0xfeff) {
			return false;
		}
		if (cp == ' ' && i + 1 < len && y_break(s, len, i + 1))
			return false;
		i += k;
	}
	return breaks;
}

static void
y_literal(buf *b, const char *s, size_t len, size_t indent)
{
	lh_fbuf_add(b, "|", 1);
	if (s[0] == ' ' || y_break(s, len, 0))
		lh_fbuf_add(b, "2", 1);
	size_t lr = last_rune(s, len);
	if (!y_break(s, len, lr))
		lh_fbuf_add(b, "-", 1);
	else if (lr == 0 || y_break(s, len, last_rune(s, lr)))
		lh_fbuf_add(b, "+", 1);
	bool at_start = true;
	lh_fbuf_add(b, "\n", 1);
	for (size_t i = 0; i < len;) {
		size_t k = y_break(s, len, i);
		if (k) {
			lh_fbuf_add(b, s + i, k);	/* U+2028/U+2029 are written as they are */
			i += k;
			at_start = true;
			continue;
		}
		if (at_start)
			bspaces(b, indent);
		at_start = false;
		lh_fbuf_add(b, s + i, 1);
		i++;
	}
	if (!y_break(s, len, lr))
		lh_fbuf_add(b, "\n", 1);
}

static bool y_node(lh_func_ctx *c, buf *b, const lh_value *v, size_t indent, bool inline_first);

/* Writes a scalar or empty collection after "key: " / "- "; true if it ended the line
 * itself (literal blocks do). */
static bool
y_is_block(const lh_value *v)
{
	if (lh_val_is_null(v))
		return false;
	if (lh_is_seq(v->type))
		return v->u.seq.n > 0;
	if (lh_is_mapping(v->type))
		return v->u.map.n > 0;
	return false;
}

static void
y_scalar(lh_func_ctx *c, buf *b, const lh_value *v, size_t indent)
{
	if (lh_val_is_null(v)) {
		bstr(b, "null\n");
		return;
	}
	switch (v->type->kind) {
	case LH_TY_STRING:
		if (y_literal_ok(v->u.str.s, v->u.str.len)) {
			y_literal(b, v->u.str.s, v->u.str.len, indent);
			return;
		}
		y_quoted(b, v->u.str.s, v->u.str.len, true, indent);
		break;
	case LH_TY_NUMBER:
		bstr(b, lh_number_format(c->a, v->u.num));
		break;
	case LH_TY_BOOL:
		bstr(b, v->u.b ? "true" : "false");
		break;
	default:
		bstr(b, lh_is_seq(v->type) ? "[]" : "{}");
		break;
	}
	lh_fbuf_add(b, "\n", 1);
}

static bool
y_node(lh_func_ctx *c, buf *b, const lh_value *v, size_t indent, bool inline_first)
{
	if (!y_is_block(v)) {
		y_scalar(c, b, v, indent);
		return true;
	}
	if (lh_is_mapping(v->type)) {
		for (size_t i = 0; i < v->u.map.n; i++) {
			if (i > 0 || !inline_first)
				bspaces(b, indent);
			const char *k = v->u.map.keys[i];
			if (y_literal_ok(k, strlen(k))) {
				/* A multi-line key is a complex key: "? |-" block, then ":". */
				lh_fbuf_add(b, "? ", 2);
				y_literal(b, k, strlen(k), indent + 2);
				bspaces(b, indent);
			} else {
				y_quoted(b, k, strlen(k), false, indent);
			}
			lh_fbuf_add(b, ":", 1);
			lh_value *e = v->u.map.vals[i];
			if (y_is_block(e)) {
				lh_fbuf_add(b, "\n", 1);
				y_node(c, b, e, lh_is_seq(e->type) ? indent : indent + 2, false);
			} else {
				lh_fbuf_add(b, " ", 1);
				y_scalar(c, b, e, indent + 2);
			}
		}
		return true;
	}
	for (size_t i = 0; i < v->u.seq.n; i++) {
		if (i > 0 || !inline_first)
			bspaces(b, indent);
		lh_fbuf_add(b, "- ", 2);
		lh_value *e = v->u.seq.items[i];
		y_node(c, b, e, indent + 2, true);
	}
	return true;
}

static lh_value *
f_yamlencode(lh_func_ctx *c, lh_value **a, size_t n)
{
	if (lh_val_has_unknown(a[0]))
		return lh_val_unknown(c->a, &lh_type_string);
	buf b = { .a = c->a };
	const lh_value *v = a[0];
	if (!y_is_block(v))
		y_scalar(c, &b, v, 2);
	else
		y_node(c, &b, v, 0, false);
	if (lh_val_is_null(v) || v->type->kind == LH_TY_NUMBER || v->type->kind == LH_TY_BOOL)
		bstr(&b, "...\n");
	return bval(&b);
}

#define STR(nm) { .name = nm, .type = &lh_type_string }
const lh_fdef lh_func_enc[] = {
	{ "base64encode", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_base64encode },
	{ "base64decode", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_base64decode },
	{ "base64gzip", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_base64gzip },
	{ "csvdecode", 1, { STR("str") }, false, { 0 }, NULL, f_csvdecode },
	{ "jsonencode", 1, { { "val", NULL, P_NULL | P_UNKNOWN } }, false, { 0 }, &lh_type_string,
	  f_jsonencode },
	{ "jsondecode", 1, { STR("str") }, false, { 0 }, NULL, f_jsondecode },
	{ "textencodebase64", 2, { STR("string"), STR("encoding") }, false, { 0 }, &lh_type_string,
	  f_textencodebase64 },
	{ "textdecodebase64", 2, { STR("source"), STR("encoding") }, false, { 0 }, &lh_type_string,
	  f_textdecodebase64 },
	{ "urlencode", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_urlencode },
	{ "yamlencode", 1, { { "value", NULL, P_NULL | P_UNKNOWN } }, false, { 0 }, &lh_type_string,
	  f_yamlencode },
};
const size_t lh_func_enc_n = sizeof lh_func_enc / sizeof lh_func_enc[0];
