/* backend_http.c - the "http" backend: Terraform's REST state protocol
 * (internal/backend/remote-state/http), as GitLab's managed Terraform state and many
 * self-hosted state servers speak it.
 *
 *   GET address            200 state | 204/404 none | 401, 403, 500 errors
 *   update_method address  (POST by default) body = state, ?ID=<lock id> while locked;
 *                          200/201/204 ok
 *   lock_method lock_address      (LOCK by default) body = lock info JSON; 200 locked,
 *                                 409/423 held by someone else (body: the holder's info)
 *   unlock_method unlock_address  (UNLOCK by default) body = the same lock info
 * Bodies carry Content-Type: application/json and Content-MD5 (base64 of the MD5).  No
 * lock_address: no locking, as in Terraform.  Basic auth with username/password; TLS
 * with skip_cert_verification or PEM contents for a CA and a client certificate/key.
 * Retries as hashicorp/go-retryablehttp: connection errors, 429 and 5xx except 501,
 * up to retry_max more attempts, waiting retry_wait_min * 2^n seconds capped at
 * retry_wait_max (a 429/503 Retry-After is honoured).
 *
 * This is a different protocol from the LiteLLM API (raw bodies, custom methods, basic
 * auth, client certificates, no JSON error shapes), so it uses libcurl's easy interface
 * directly rather than http.c's LiteLLM client.
 *
 * The server cannot hold litehcl's journal: it is kept in the data directory
 * (.terraform/litehcl-http.journal, 0600, one fdatasync'd JSON line per record), so a
 * kill -9 is recovered by the next run in the same working directory; the README says
 * what that means for a team. */
#include "backend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "arena.h"
#include "buf.h"
#include "curl_dl.h"

typedef struct httpstore {
	lh_store pub;
	char *address, *lock_address, *unlock_address;
	char *update_method, *lock_method, *unlock_method;
	char *username, *password;
	char *ca_pem, *cert_pem, *key_pem;
	bool skip_verify;
	int retry_max;
	double wait_min, wait_max;
	char *lock_id;		/* the ID sent as ?ID= while locked, or NULL */
	char *lock_info;	/* the lock body, sent again to unlock */
	char *jpath;		/* local journal file */
	int jfd;
} httpstore;

typedef struct resp {
	long status;
	lh_buf body;
	double retry_after;	/* seconds, -1 none */
} resp;

static size_t
on_body(char *p, size_t sz, size_t n, void *ctx)
{
	lh_buf_put(&((resp *)ctx)->body, p, sz * n);
	return sz * n;
}

static size_t
on_header(char *p, size_t sz, size_t n, void *ctx)
{
	resp *r = ctx;
	size_t len = sz * n;
	if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0)
		r->retry_after = atof(p + 12);
	return len;
}

static char *
content_md5(const char *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char *out = lh_xmalloc(4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1);
	if (EVP_Digest(data, len, md, &mdlen, EVP_md5(), NULL) != 1) {
		out[0] = '\0';
		return out;
	}
	EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
	return out;
}

/* One request with retries.  Returns true with r filled when an answer came (any
 * status); false with *err (malloc'd, no credentials) when none did. */
static bool
request(httpstore *h, const char *method, const char *url, const char *data, size_t len,
    resp *r, char **err)
{
	*err = NULL;
	char *md5 = data ? content_md5(data, len) : NULL;
	char *md5h = md5 ? lh_xprintf("Content-MD5: %s", md5) : NULL;
	bool answered = false;
	for (int attempt = 0;; attempt++) {
		CURL *c = curl_easy_init();
		struct curl_slist *hdrs = NULL;
		char ebuf[CURL_ERROR_SIZE] = "";
		lh_buf_free(&r->body);
		r->status = 0;
		r->retry_after = -1;
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_USERAGENT, "litehcl");
		if (strcmp(method, "GET") == 0)
			curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		if (h->username != NULL && *h->username) {
			curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
			curl_easy_setopt(c, CURLOPT_USERNAME, h->username);
			curl_easy_setopt(c, CURLOPT_PASSWORD, h->password ? h->password : "");
		}
		if (h->skip_verify) {
			curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
			curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
		}
		if (h->ca_pem != NULL && *h->ca_pem) {
			struct curl_blob blob = {h->ca_pem, strlen(h->ca_pem), CURL_BLOB_COPY};
			curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
		}
		if (h->cert_pem != NULL && *h->cert_pem && h->key_pem != NULL && *h->key_pem) {
			struct curl_blob cb = {h->cert_pem, strlen(h->cert_pem), CURL_BLOB_COPY};
			struct curl_blob kb = {h->key_pem, strlen(h->key_pem), CURL_BLOB_COPY};
			curl_easy_setopt(c, CURLOPT_SSLCERT_BLOB, &cb);
			curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
			curl_easy_setopt(c, CURLOPT_SSLKEY_BLOB, &kb);
			curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
		}
		if (data != NULL) {
			hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
			hdrs = curl_slist_append(hdrs, md5h);
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, data);
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		}
		hdrs = curl_slist_append(hdrs, "Expect:");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
		CURLcode rc = curl_easy_perform(c);
		if (rc == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
		curl_slist_free_all(hdrs);
		curl_easy_cleanup(c);
		bool retry = rc != CURLE_OK || r->status == 429 ||
		    (r->status >= 500 && r->status != 501);
		/* TLS verification failures are not retried (as retryablehttp). */
		if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
		    rc == CURLE_SSL_CERTPROBLEM)
			retry = false;
		if (!retry || attempt >= h->retry_max) {
			if (rc != CURLE_OK) {
				*err = lh_xprintf("%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
				lh_backend_scrub(*err, h->password);
			} else {
				answered = true;
			}
			break;
		}
		double wait = h->wait_min;
		for (int i = 0; i < attempt && wait < h->wait_max; i++)
			wait *= 2;
		if (wait > h->wait_max)
			wait = h->wait_max;
		if (r->retry_after >= 0 && (r->status == 429 || r->status == 503))
			wait = r->retry_after;
		struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
		nanosleep(&ts, NULL);
	}
	free(md5);
	free(md5h);
	return answered;
}

static void
req_error(lh_diags *d, const char *summary, const char *what, const char *err)
{
	lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, summary, "Failed to %s: %s", what, err);
}

static int
http_lock(lh_store *s, const char *info, char **why, lh_diags *d)
{
	httpstore *h = (httpstore *)s;
	*why = NULL;
	if (h->lock_address == NULL)
		return 1;	/* no locking without a lock address, as Terraform */
	resp r = {0};
	char *err = NULL;
	int rc = -1;
	if (!request(h, h->lock_method, h->lock_address, info, strlen(info), &r, &err)) {
		req_error(d, "Error acquiring the state lock", "lock", err);
		free(err);
		lh_buf_free(&r.body);
		return -1;
	}
	if (r.status == 200) {
		cJSON *o = cJSON_Parse(info);
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "ID");
		free(h->lock_id);
		h->lock_id = lh_xstrdup(cJSON_IsString(id) ? id->valuestring : "");
		cJSON_Delete(o);
		free(h->lock_info);
		h->lock_info = lh_xstrdup(info);
		rc = 1;
	} else if (r.status == 401) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Error acquiring the state lock",
		    "HTTP remote state endpoint requires auth");
	} else if (r.status == 403) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Error acquiring the state lock",
		    "HTTP remote state endpoint invalid auth");
	} else if (r.status == 409 || r.status == 423) {
		cJSON *o = r.body.p ? cJSON_ParseWithLength(r.body.p, r.body.len) : NULL;
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "ID");
		if (o == NULL)
			*why = lh_xstrdup("HTTP remote state already locked, failed to unmarshal body");
		else
			*why = lh_xprintf("HTTP remote state already locked: ID=%s",
			    cJSON_IsString(id) ? id->valuestring : "");
		cJSON_Delete(o);
		rc = 0;
	} else {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Error acquiring the state lock",
		    "Unexpected HTTP response code %ld", r.status);
	}
	lh_buf_free(&r.body);
	return rc;
}

static bool
http_unlock(lh_store *s, lh_diags *d)
{
	httpstore *h = (httpstore *)s;
	if (h->lock_id == NULL)
		return true;
	bool ok = true;
	if (h->unlock_address != NULL) {
		resp r = {0};
		char *err = NULL;
		const char *body = h->lock_info ? h->lock_info : "";
		if (!request(h, h->unlock_method, h->unlock_address, body, strlen(body), &r, &err)) {
			req_error(d, "Error releasing the state lock", "unlock", err);
			free(err);
			ok = false;
		} else if (r.status != 200) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Error releasing the state lock",
			    "Unexpected HTTP response code %ld", r.status);
			ok = false;
		}
		lh_buf_free(&r.body);
	}
	free(h->lock_id);
	free(h->lock_info);
	h->lock_id = h->lock_info = NULL;
	return ok;
}

static int
http_read(lh_store *s, char **data, size_t *len, lh_diags *d)
{
	httpstore *h = (httpstore *)s;
	resp r = {0};
	char *err = NULL;
	*data = NULL;
	*len = 0;
	if (!request(h, "GET", h->address, NULL, 0, &r, &err)) {
		req_error(d, "Failed to load state", "get state", err);
		free(err);
		return -1;
	}
	int rc = -1;
	const char *msg = NULL;
	switch (r.status) {
	case 200:
		if (r.body.len == 0) {
			rc = 0;
			break;
		}
		lh_buf_putc(&r.body, '\0');
		*data = r.body.p;
		*len = r.body.len - 1;
		r.body.p = NULL;
		rc = 1;
		break;
	case 204:
	case 404:
		rc = 0;
		break;
	case 401: msg = "HTTP remote state endpoint requires auth"; break;
	case 403: msg = "HTTP remote state endpoint invalid auth"; break;
	case 500: msg = "HTTP remote state internal server error"; break;
	default: break;
	}
	if (rc < 0) {
		if (msg != NULL)
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to load state", "%s", msg);
		else
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to load state",
			    "Unexpected HTTP response code %ld", r.status);
	}
	lh_buf_free(&r.body);
	return rc;
}

/* address with the query parameter ID=id set (Go's url.Values.Encode sorts keys). */
static char *
with_id(const char *address, const char *id)
{
	lh_buf b = {0};
	const char *q = strchr(address, '?');
	lh_buf_put(&b, address, q ? (size_t)(q - address) : strlen(address));
	lh_buf_puts(&b, "?ID=");
	char *esc = curl_easy_escape(NULL, id, 0);
	lh_buf_puts(&b, esc ? esc : "");
	curl_free(esc);
	if (q != NULL) {
		/* keep the other parameters (after ID: upper-case sorts first) */
		const char *p = q + 1;
		while (*p) {
			const char *amp = strchr(p, '&');
			size_t n = amp ? (size_t)(amp - p) : strlen(p);
			if (!(n >= 3 && strncmp(p, "ID=", 3) == 0) && !(n == 2 && strncmp(p, "ID", 2) == 0) &&
			    n > 0) {
				lh_buf_putc(&b, '&');
				lh_buf_put(&b, p, n);
			}
			p += n + (amp ? 1 : 0);
		}
	}
	return b.p;
}

static bool jclear(httpstore *h, lh_diags *d);

static bool
http_write(lh_store *s, const char *data, size_t len, lh_diags *d)
{
	httpstore *h = (httpstore *)s;
	char *url = h->lock_id && *h->lock_id ? with_id(h->address, h->lock_id) : lh_xstrdup(h->address);
	resp r = {0};
	char *err = NULL;
	bool ok = false;
	if (!request(h, h->update_method, url, data, len, &r, &err)) {
		req_error(d, "Failed to save state", "upload state", err);
		free(err);
	} else if (r.status == 200 || r.status == 201 || r.status == 204) {
		ok = true;
	} else {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to save state", "HTTP error: %ld",
		    r.status);
	}
	lh_buf_free(&r.body);
	free(url);
	return ok && jclear(h, d);
}

/* ---- the local journal ---- */

static bool
jerr(httpstore *h, lh_diags *d, const char *what)
{
	lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot write the state journal", "%s %s: %s.",
	    what, h->jpath, strerror(errno));
	return false;
}

static bool
http_journal_read(lh_store *s, char **text, size_t *len, lh_diags *d)
{
	httpstore *h = (httpstore *)s;
	*text = NULL;
	*len = 0;
	lh_buf b = {0};
	b.p = lh_backend_slurp(h->jpath, &b.len);
	if (b.p == NULL) {
		if (errno == ENOENT)
			return true;
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to recover the state journal",
		    "Cannot read %s: %s.", h->jpath, strerror(errno));
		return false;
	}
	if (b.len == 0) {
		free(b.p);
		return true;
	}
	/* A torn last line (kill during a write) is dropped now and truncated away. */
	size_t good = b.len;
	while (good > 0 && b.p[good - 1] != '\n')
		good--;
	if (good < b.len && truncate(h->jpath, (off_t)good) != 0)
		return jerr(h, d, "truncate");
	if (good == 0) {
		free(b.p);
		return true;
	}
	b.p[good] = '\0';
	*text = b.p;
	*len = good;
	return true;
}

static bool
http_journal_append(lh_store *s, const char *line, lh_diags *d)
{
	httpstore *h = (httpstore *)s;
	if (h->jfd < 0) {
		mkdir(lh_backend_data_dir(), 0755);
		h->jfd = open(h->jpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (h->jfd < 0)
			return jerr(h, d, "open");
	}
	char *l = lh_xprintf("%s\n", line);
	size_t n = strlen(l);
	ssize_t w = write(h->jfd, l, n);	/* one write: a kill tears at most this line */
	free(l);
	if (w != (ssize_t)n)
		return jerr(h, d, "write");
	return true;
}

static bool
http_journal_sync(lh_store *s, lh_diags *d)
{
	httpstore *h = (httpstore *)s;
	if (h->jfd >= 0 && fdatasync(h->jfd) != 0)
		return jerr(h, d, "fdatasync");
	return true;
}

static bool
jclear(httpstore *h, lh_diags *d)
{
	if (h->jfd >= 0) {
		close(h->jfd);
		h->jfd = -1;
	}
	if (unlink(h->jpath) != 0 && errno != ENOENT)
		return jerr(h, d, "remove");
	return true;
}

static bool
http_journal_clear(lh_store *s, lh_diags *d)
{
	return jclear((httpstore *)s, d);
}

static void
http_free(lh_store *s)
{
	httpstore *h = (httpstore *)s;
	if (h->lock_id != NULL) {
		lh_arena *a = lh_arena_new();
		lh_diags tmp;
		lh_diags_init(&tmp, a);
		http_unlock(s, &tmp);
		lh_arena_free(a);
	}
	if (h->jfd >= 0) {
		fdatasync(h->jfd);
		close(h->jfd);
	}
	char **f[] = {&h->address, &h->lock_address, &h->unlock_address, &h->update_method,
	    &h->lock_method, &h->unlock_method, &h->username, &h->password, &h->ca_pem,
	    &h->cert_pem, &h->key_pem, &h->jpath, &s->desc, &s->workspace};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		free(*f[i]);
	free(h);
}

/* force-unlock LOCK_ID: the unlock request another run would send, with the lock's ID
 * (Terraform sends an empty body, which a server that checks the holder's ID - as
 * GitLab's and the test server do - refuses); without an unlock address there is no
 * lock to release, as in Terraform. */
static bool
http_force_unlock(lh_store *s, const char *id, lh_diags *d)
{
	httpstore *h = (httpstore *)s;
	if (h->unlock_address == NULL)
		return true;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "ID", id);
	char *body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	resp r = {0};
	char *err = NULL;
	bool ok = true;
	if (body == NULL || !request(h, h->unlock_method, h->unlock_address, body, strlen(body), &r, &err)) {
		req_error(d, "Failed to unlock state", "unlock", err ? err : "out of memory");
		ok = false;
	} else if (r.status != 200) {
		cJSON *held = r.body.p ? cJSON_Parse(r.body.p) : NULL;
		const char *hid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(held, "ID"));
		if (hid != NULL && strcmp(hid, id) != 0)
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to unlock state",
			    "The state server refused to unlock (HTTP %ld): the lock is held with ID %s, "
			    "not %s.", r.status, hid, id);
		else
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to unlock state",
			    "Unexpected HTTP response code %ld", r.status);
		cJSON_Delete(held);
		ok = false;
	}
	free(err);
	free(body);
	lh_buf_free(&r.body);
	return ok;
}

static const lh_store_ops http_ops = {
	.lock = http_lock,
	.unlock = http_unlock,
	.read = http_read,
	.write = http_write,
	.journal_read = http_journal_read,
	.journal_append = http_journal_append,
	.journal_sync = http_journal_sync,
	.journal_clear = http_journal_clear,
	.free = http_free,
	.force_unlock = http_force_unlock,
};

static char *
dup_or_null(const char *s)
{
	return s && *s ? lh_xstrdup(s) : NULL;
}

static bool
url_ok(const char *u)
{
	return strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0;
}

bool
lh_backend_http_open(const lh_backend *b, lh_store **out, lh_diags *d)
{
	*out = NULL;
	const char *addr = lh_backend_get(b, "address");
	const char *why = NULL;
	const char *la = lh_backend_get(b, "lock_address"), *ua = lh_backend_get(b, "unlock_address");
	const char *cert = lh_backend_get(b, "client_certificate_pem");
	const char *key = lh_backend_get(b, "client_private_key_pem");
	char *end;
	double rmax = strtod(lh_backend_get(b, "retry_max"), &end);
	double wmin = strtod(lh_backend_get(b, "retry_wait_min"), NULL);
	double wmax = strtod(lh_backend_get(b, "retry_wait_max"), NULL);
	if (addr == NULL || *addr == '\0')
		why = "address argument is required";
	else if (!url_ok(addr))
		why = "address must be HTTP or HTTPS";
	else if (la != NULL && *la && !url_ok(la))
		why = "lock_address must be HTTP or HTTPS";
	else if (ua != NULL && *ua && !url_ok(ua))
		why = "unlock_address must be HTTP or HTTPS";
	else if (cert && *cert && !(key && *key))
		why = "client_certificate_pem is set but client_private_key_pem is not";
	else if (key && *key && !(cert && *cert))
		why = "client_private_key_pem is set but client_certificate_pem is not";
	else if (rmax < 0 || wmin < 0 || wmax < 0)
		why = "retry_max, retry_wait_min and retry_wait_max must not be negative";
	if (why != NULL) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid http backend configuration", "%s", why);
		return false;
	}
	if (!lh_curl_load_diag(d))
		return false;
	httpstore *h = lh_xmalloc(sizeof *h);
	memset(h, 0, sizeof *h);
	h->pub.ops = &http_ops;
	h->pub.workspace = lh_xstrdup("default");
	h->pub.desc = lh_xstrdup("the \"http\" backend");
	h->address = lh_xstrdup(addr);
	h->lock_address = dup_or_null(la);
	h->unlock_address = dup_or_null(ua);
	h->update_method = lh_xstrdup(lh_backend_get(b, "update_method"));
	h->lock_method = lh_xstrdup(lh_backend_get(b, "lock_method"));
	h->unlock_method = lh_xstrdup(lh_backend_get(b, "unlock_method"));
	h->username = dup_or_null(lh_backend_get(b, "username"));
	h->password = dup_or_null(lh_backend_get(b, "password"));
	h->ca_pem = dup_or_null(lh_backend_get(b, "client_ca_certificate_pem"));
	h->cert_pem = dup_or_null(cert);
	h->key_pem = dup_or_null(key);
	h->skip_verify = strcmp(lh_backend_get(b, "skip_cert_verification"), "true") == 0;
	h->retry_max = (int)rmax;
	h->wait_min = wmin;
	h->wait_max = wmax;
	h->jpath = lh_xprintf("%s/litehcl-http.journal", lh_backend_data_dir());
	h->jfd = -1;
	*out = &h->pub;
	return true;
}
