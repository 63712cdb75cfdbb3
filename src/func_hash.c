/* func_hash.c - hash, id and crypto functions: md5 sha1 sha256 sha512 base64sha256
 * base64sha512 uuid uuidv5 bcrypt rsadecrypt.  The digests and RSA come from OpenSSL's
 * libcrypto, bcrypt from libcrypt (libxcrypt's "$2a$" method, the variant Go's
 * x/crypto/bcrypt writes); nothing cryptographic is implemented here.  The file*
 * variants (filemd5 ...) are in func_file.c and use lh_fn_digest. */
#include "func_impl.h"
#include "utf8.h"

#include <crypt.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "uuid.h"

size_t
lh_fn_digest(const char *alg, const void *msg, size_t len, unsigned char out[64])
{
	const EVP_MD *md = EVP_get_digestbyname(alg);
	unsigned int n = 0;
	if (md == NULL || !EVP_Digest(msg, len, out, &n, md, NULL))
		return 0;
	return n;
}

lh_value *
lh_fn_hex(lh_arena *a, const unsigned char *d, size_t n)
{
	char *s = lh_arena_alloc(a, 2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = "0123456789abcdef"[d[i] >> 4];
		s[2 * i + 1] = "0123456789abcdef"[d[i] & 15];
	}
	return lh_val_string(a, s, 2 * n);
}

/* alg's digest of the string argument, as hex or (b64) base64. */
static lh_value *
hash(lh_func_ctx *c, lh_value *s, const char *alg, bool b64)
{
	unsigned char d[64];
	size_t n = lh_fn_digest(alg, s->u.str.s, s->u.str.len, d);
	if (n == 0)
		return lh_fn_fail(c, "the %s digest is not available", alg);
	return b64 ? lh_fn_base64(c->a, d, n) : lh_fn_hex(c->a, d, n);
}

static lh_value *f_md5(lh_func_ctx *c, lh_value **a, size_t n) { return hash(c, a[0], "MD5", false); }
static lh_value *f_sha1(lh_func_ctx *c, lh_value **a, size_t n) { return hash(c, a[0], "SHA1", false); }
static lh_value *f_sha256(lh_func_ctx *c, lh_value **a, size_t n) { return hash(c, a[0], "SHA256", false); }
static lh_value *f_sha512(lh_func_ctx *c, lh_value **a, size_t n) { return hash(c, a[0], "SHA512", false); }
static lh_value *f_b64sha256(lh_func_ctx *c, lh_value **a, size_t n) { return hash(c, a[0], "SHA256", true); }
static lh_value *f_b64sha512(lh_func_ctx *c, lh_value **a, size_t n) { return hash(c, a[0], "SHA512", true); }

static lh_value *
f_uuid(lh_func_ctx *c, lh_value **a, size_t n)
{
	char u[LH_UUID_LEN + 1];
	if (!lh_uuid_v4(u))
		return lh_fn_fail(c, "cannot read the system's random source");
	return lh_val_cstr(c->a, u);
}

/* google/uuid's Parse: 36 characters (8-4-4-4-12), 38 in braces, 45 with "urn:uuid:",
 * or 32 hex digits.  NULL, or the error text. */
static const char *
uuid_parse(lh_arena *a, const char *s, size_t len, unsigned char out[16])
{
	if (len == 45) {
		if (strncasecmp(s, "urn:uuid:", 9) != 0)
			return lh_arena_printf(a, "invalid urn prefix: %.9s", s);
		s += 9;
		len = 36;
	} else if (len == 38) {
		if (s[0] != '{' || s[37] != '}')
			return "invalid bracketed UUID format";
		s++;
		len = 36;
	} else if (len == 32) {
		for (size_t i = 0; i < 16; i++) {
			int h = lh_hexval(s[2 * i]), l = lh_hexval(s[2 * i + 1]);
			if (h < 0 || l < 0)
				return "invalid UUID format";
			out[i] = (unsigned char)(h << 4 | l);
		}
		return NULL;
	} else if (len != 36) {
		return lh_arena_printf(a, "invalid UUID length: %zu", len);
	}
	if (s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return "invalid UUID format";
	static const int pos[16] = { 0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34 };
	for (int i = 0; i < 16; i++) {
		int h = lh_hexval(s[pos[i]]), l = lh_hexval(s[pos[i] + 1]);
		if (h < 0 || l < 0)
			return "invalid UUID format";
		out[i] = (unsigned char)(h << 4 | l);
	}
	return NULL;
}

/* RFC 4122 version 5: SHA-1 of namespace and name. */
static lh_value *
f_uuidv5(lh_func_ctx *c, lh_value **a, size_t n)
{
	static const struct {
		const char *name, *uuid;
	} named[] = {
		{ "dns", "6ba7b810-9dad-11d1-80b4-00c04fd430c8" },
		{ "url", "6ba7b811-9dad-11d1-80b4-00c04fd430c8" },
		{ "oid", "6ba7b812-9dad-11d1-80b4-00c04fd430c8" },
		{ "x500", "6ba7b814-9dad-11d1-80b4-00c04fd430c8" },
	};
	const char *ns = a[0]->u.str.s;
	size_t nslen = a[0]->u.str.len;
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (strcmp(ns, named[i].name) == 0) {
			ns = named[i].uuid;
			nslen = 36;
		}
	unsigned char space[16];
	const char *err = uuid_parse(c->a, ns, nslen, space);
	if (err != NULL)
		return lh_fn_fail(c, "uuidv5() doesn't support namespace %s (%s)", a[0]->u.str.s, err);
	size_t ml = 16 + a[1]->u.str.len;
	unsigned char *msg = lh_arena_alloc(c->a, ml);
	memcpy(msg, space, 16);
	memcpy(msg + 16, a[1]->u.str.s, a[1]->u.str.len);
	unsigned char d[64];
	if (lh_fn_digest("SHA1", msg, ml, d) == 0)
		return lh_fn_fail(c, "the SHA1 digest is not available");
	d[6] = (unsigned char)((d[6] & 0x0f) | 0x50);
	d[8] = (unsigned char)((d[8] & 0x3f) | 0x80);
	char *s = lh_arena_alloc(c->a, 37);
	size_t w = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			s[w++] = '-';
		s[w++] = "0123456789abcdef"[d[i] >> 4];
		s[w++] = "0123456789abcdef"[d[i] & 15];
	}
	return lh_val_string(c->a, s, w);
}

/* bcrypt(str, cost = 10): "$2a$" with a random salt, like Go's x/crypto/bcrypt. */
static lh_value *
f_bcrypt(lh_func_ctx *c, lh_value **a, size_t n)
{
	long cost = 10;
	if (n > 1) {
		if (n > 2)
			return lh_fn_fail(c, "bcrypt() takes no more than two arguments");
		int64_t v;
		if (!lh_fn_int(a[1], &v))
			return lh_fn_fail(c, "value must be a whole number, between -9223372036854775808 and 9223372036854775807");
		cost = v < 4 ? 10 : v > 31 ? 32 : (long)v;	/* Go: below the minimum means the default */
		if (v > 31)
			return lh_fn_fail(c, "error occured generating password crypto/bcrypt: cost %lld is outside allowed range (4,31)", (long long)v);
	}
	/* Go's bcrypt uses at most 72 bytes of the password; libcrypt refuses longer
	 * ones, so cut it the same way. */
	size_t pl = a[0]->u.str.len < 72 ? a[0]->u.str.len : 72;
	char *pw = lh_arena_strndup(c->a, a[0]->u.str.s, pl);
	if (memchr(a[0]->u.str.s, 0, pl) != NULL)
		return lh_fn_fail(c, "error occured generating password the password contains a NUL byte");
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	if (crypt_gensalt_rn("$2a$", (unsigned long)cost, NULL, 0, setting, sizeof setting) == NULL)
		return lh_fn_fail(c, "error occured generating password cannot make a bcrypt salt");
	struct crypt_data *cd = lh_arena_alloc(c->a, sizeof *cd);
	memset(cd, 0, sizeof *cd);
	const char *h = crypt_r(pw, setting, cd);
	if (h == NULL || h[0] != '$')
		return lh_fn_fail(c, "error occured generating password bcrypt failed");
	return lh_val_cstr(c->a, h);
}

/* rsadecrypt(ciphertext, privatekey): PKCS #1 v1.5 decryption with a PEM "RSA PRIVATE
 * KEY" (PKCS #1) key, as Terraform's. */
static lh_value *
f_rsadecrypt(lh_func_ctx *c, lh_value **a, size_t n)
{
	unsigned char *ct;
	size_t ctlen, bad;
	if (!lh_fn_base64_decode(c->a, a[0]->u.str.s, a[0]->u.str.len, &ct, &ctlen, &bad))
		return lh_fn_argerr(c, 0, "failed to decode input %s: cipher text must be base64-encoded",
		    lh_fn_quote(c->a, a[0]));
	const char *pem = a[1]->u.str.s;
	BIO *bio = BIO_new_mem_buf(pem, (int)a[1]->u.str.len);
	EVP_PKEY *key = NULL;
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long derlen = 0;
	lh_value *r = NULL;
	if (bio == NULL || !PEM_read_bio(bio, &name, &header, &der, &derlen)) {
		r = lh_fn_argerr(c, 1, "invalid private key: ssh: no key found");
		goto out;
	}
	/* PKCS #1 ("RSA PRIVATE KEY") or PKCS #8 ("PRIVATE KEY"), as Go's
	 * ssh.ParseRawPrivateKey reads them. */
	const unsigned char *p = der;
	key = d2i_AutoPrivateKey(NULL, &p, derlen);
	if (key == NULL) {
		r = lh_fn_argerr(c, 1, "invalid ASN1 data in the given private key: %s",
		    derlen < 4 ? "truncated tag or length" : "data truncated");
		goto out;
	}
	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		r = lh_fn_argerr(c, 1, "invalid private key type: not an RSA key");
		goto out;
	}
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(key, NULL);
	size_t outlen = 0;
	if (pc == NULL || EVP_PKEY_decrypt_init(pc) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) <= 0 ||
	    EVP_PKEY_decrypt(pc, NULL, &outlen, ct, ctlen) <= 0) {
		EVP_PKEY_CTX_free(pc);
		r = lh_fn_fail(c, "failed to decrypt: crypto/rsa: decryption error");
		goto out;
	}
	unsigned char *plain = lh_arena_alloc(c->a, outlen + 1);
	if (EVP_PKEY_decrypt(pc, plain, &outlen, ct, ctlen) <= 0) {
		EVP_PKEY_CTX_free(pc);
		r = lh_fn_fail(c, "failed to decrypt: crypto/rsa: decryption error");
		goto out;
	}
	EVP_PKEY_CTX_free(pc);
	r = lh_val_string(c->a, (const char *)plain, outlen);
out:
	EVP_PKEY_free(key);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	BIO_free(bio);
	return r;
}

#define STR(nm) { .name = nm, .type = &lh_type_string }
const lh_fdef lh_func_hash[] = {
	{ "md5", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_md5 },
	{ "sha1", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_sha1 },
	{ "sha256", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_sha256 },
	{ "sha512", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_sha512 },
	{ "base64sha256", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_b64sha256 },
	{ "base64sha512", 1, { STR("str") }, false, { 0 }, &lh_type_string, f_b64sha512 },
	{ "uuid", 0, { { 0 } }, false, { 0 }, &lh_type_string, f_uuid },
	{ "uuidv5", 2, { STR("namespace"), STR("name") }, false, { 0 }, &lh_type_string, f_uuidv5 },
	{ "bcrypt", 1, { STR("str") }, true, { .name = "cost", .type = &lh_type_number },
	  &lh_type_string, f_bcrypt },
	{ "rsadecrypt", 2, { STR("ciphertext"), STR("privatekey") }, false, { 0 }, &lh_type_string,
	  f_rsadecrypt },
};
const size_t lh_func_hash_n = sizeof lh_func_hash / sizeof lh_func_hash[0];
