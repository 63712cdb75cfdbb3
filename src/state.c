/* state.c - the state file (Terraform local state v4), its lock, backup, journal and
 * saved-plan files.  The only code that touches these files; state/README.md is the
 * format's documentation and state.h the API contract.
 *
 * Where it sits: commands open the state (lock, load, recover the journal), plan/apply
 * read and edit instances, apply journals each completed change, the command saves and
 * closes.  Nothing here prints: errors go to the caller's diagnostics list.
 *
 * Why the lock is held on two files: Terraform locks the state file itself and rewrites
 * it in place; litehcl replaces it by rename (so a kill never leaves half a file), which
 * gives the path a new inode that nobody has locked.  litehcl therefore takes its real
 * mutual-exclusion lock on the lock-info file (re-checking after locking that the path
 * still names the locked inode, since the holder unlinks it on unlock), and also locks
 * the state file (re-locking the new inode after each rename) so that Terraform sees the
 * state as locked.  Locks are open-file-description locks (F_OFD_SETLK): unlike classic
 * POSIX locks they are not silently dropped when some other descriptor of the same file
 * is closed, and they conflict with Terraform's classic fcntl locks. */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "backend.h"
#include "cli.h"
#include "buf.h"
#include "hash.h"
#include "json_arena.h"
#include "uuid.h"
#include "value.h"

#ifndef F_OFD_SETLK
#define F_OFD_SETLK F_SETLK	/* older systems: classic locks (see file comment) */
#endif

/* ---- small helpers ---- */

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static char *read_fd(int fd, size_t *len);

/* ---- the state's text, mapped ----
 *
 * A state file of MAP_MIN bytes or more is read through a private read-only mapping of
 * the file: its pages are the page cache's, mapped as the parse reaches them (no copy,
 * no fresh zeroed pages: the teams benchmark's 1.4 MB read into fresh memory was 350
 * page faults of its 3,500, and the copy).  Its length is not a multiple of the page
 * size, so the rest of its last page reads as zeros: the text ends with a NUL as
 * read_fd's does (else it is read the other way).
 *
 * A file mapped is not a copy: should another process truncate it in place while it is
 * read (litehcl only ever replaces a state by rename, which leaves the mapped inode as
 * it was, but Terraform rewrites its state in place, and an editor or a cp may too), a
 * read of a page past the new end raises SIGBUS.  text_guard's handler maps a zero page
 * there instead and notes it (bus_hit); the parse reads zeros where the text was (which
 * JSON never accepts outside white space) and load_text, seeing the note, asks for the
 * text to be read again the usual way (TEXT_AGAIN): the outcome is the one a read at
 * that moment would give.  A SIGBUS anywhere else goes to the disposition there was
 * before (the handler puts it back and returns, and the fault happens again).  The
 * thread that parses must not block SIGBUS (the kernel would kill the process). */
#define MAP_MIN ((size_t)64 << 10)
#define GUARDS 4	/* texts mapped at once (one per lh_state_open running) */

static struct bus_guard {
	_Atomic(uintptr_t) lo, hi;	/* the mapping; lo 0: the slot is free */
	atomic_bool hit;		/* a page of it was replaced by zeros */
} guards[GUARDS];
static struct sigaction bus_old;
static size_t bus_page;
static bool bus_on;
static pthread_once_t bus_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t guard_mu = PTHREAD_MUTEX_INITIALIZER;

static void
on_bus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	uintptr_t at = (uintptr_t)si->si_addr;
	for (int i = 0; i < GUARDS; i++) {
		uintptr_t lo = atomic_load(&guards[i].lo), hi = atomic_load(&guards[i].hi);
		if (lo == 0 || at < lo || at >= hi)
			continue;
		void *pg = (void *)(at & ~(uintptr_t)(bus_page - 1));
		if (mmap(pg, bus_page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
		    MAP_FAILED) {
			atomic_store(&guards[i].hit, true);
			return;
		}
		break;
	}
	/* not a text's page: what was there before takes it (the access faults again) */
	sigaction(sig, &bus_old, NULL);
}

static void
bus_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_bus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	long pg = sysconf(_SC_PAGESIZE);
	bus_page = pg > 0 ? (size_t)pg : 4096;
	bus_on = sigaction(SIGBUS, &sa, &bus_old) == 0;
}

/* Takes a guard for the mapping [p, p + n); false when there is none to take (the
 * text is then read the other way). */
static bool
text_guard(const char *p, size_t n)
{
	pthread_once(&bus_once, bus_install);
	if (!bus_on)
		return false;
	bool ok = false;
	pthread_mutex_lock(&guard_mu);
	for (int i = 0; i < GUARDS && !ok; i++) {
		if (atomic_load(&guards[i].lo) != 0)
			continue;
		atomic_store(&guards[i].hit, false);
		atomic_store(&guards[i].hi, (uintptr_t)p + n);
		atomic_store(&guards[i].lo, (uintptr_t)p);
		ok = true;
	}
	pthread_mutex_unlock(&guard_mu);
	return ok;
}

static struct bus_guard *
guard_of(const char *p)
{
	for (int i = 0; i < GUARDS; i++)
		if (atomic_load(&guards[i].lo) == (uintptr_t)p)
			return &guards[i];
	return NULL;
}

/* Whether a page of the mapped text p was replaced by zeros (false: not mapped). */
static bool
bus_hit(const char *p)
{
	struct bus_guard *g = p != NULL ? guard_of(p) : NULL;
	return g != NULL && atomic_load(&g->hit);
}

static void
text_unguard(const char *p)
{
	pthread_mutex_lock(&guard_mu);
	struct bus_guard *g = guard_of(p);
	if (g != NULL)
		atomic_store(&g->lo, 0);
	pthread_mutex_unlock(&guard_mu);
}

/* A state file's text, for lh_state_open, and how to free it (text_free):
 * - MAP_MIN bytes or more, may_map: the file mapped (above), *file true;
 * - else 1 MiB or more (a regular file): in an anonymous mapping of its own, which
 *   text_free gives back to the system - malloc's heap, which main.c never trims, kept
 *   the 7.8 MB of a 10,000-user state resident to the end of a plan;
 * - else read_fd's (*mapped 0).
 * *mapped is the mapping's length (0: malloc'd). */
static char *
read_state_text(int fd, size_t *len, size_t *mapped, bool *file, bool may_map)
{
	struct stat sb;
	*mapped = 0;
	*file = false;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < (off_t)MAP_MIN)
		return read_fd(fd, len);
	size_t size = (size_t)sb.st_size, pg = (size_t)sysconf(_SC_PAGESIZE);
	if (may_map && size % pg != 0) {
		char *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p != MAP_FAILED) {
			if (text_guard(p, (size + pg - 1) & ~(pg - 1))) {
				*len = size;
				*mapped = size;
				*file = true;
				return p;
			}
			munmap(p, size);
		}
	}
	if (size < (size_t)1 << 20)
		return read_fd(fd, len);
	size_t maplen = size + 2;
	char *p = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return read_fd(fd, len);
	size_t n = 0;
	/* one byte more than its size says whether it grew since fstat */
	while (n < size + 1) {
		ssize_t r = pread(fd, p + n, size + 1 - n, (off_t)n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			munmap(p, maplen);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > size) {		/* it grew: read it the general way */
		munmap(p, maplen);
		return read_fd(fd, len);
	}
	p[n] = '\0';
	*len = n;
	*mapped = maplen;
	return p;
}

/* Frees what read_state_text returned (NULL is ignored). */
static void
text_free(char *text, size_t mapped, bool file)
{
	if (text != NULL && file)
		text_unguard(text);
	if (text != NULL && mapped > 0)
		munmap(text, mapped);
	else
		free(text);
}

/* Reads all of fd from offset 0.  Returns malloc'd bytes (NUL-terminated) or NULL.
 * One buffer of the file's size (a state of 100,000 users is ~75 MB: grown by doubling
 * it was copied over and over, and held twice at the last step). */
static char *
read_fd(int fd, size_t *len)
{
	struct stat sb;
	size_t cap = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 ?
	    (size_t)sb.st_size + 1 : 65536;
	char *p = malloc(cap);
	size_t n = 0;
	if (p == NULL)
		return NULL;
	for (;;) {
		char one;
		bool full = n + 1 == cap;	/* then one byte more says whether it grew */
		ssize_t r = pread(fd, full ? &one : p + n, full ? 1 : cap - 1 - n, (off_t)n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(p);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		if (full) {
			/* it grew since fstat (or is not a regular file): read on */
			char *q = realloc(p, cap * 2);
			if (q == NULL) {
				free(p);
				errno = ENOMEM;
				return NULL;
			}
			p = q;
			cap *= 2;
			p[n] = one;
		}
		n += (size_t)r;
	}
	p[n] = '\0';
	*len = n;
	return p;
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return lh_xstrdup(".");
	if (slash == path)
		return lh_xstrdup("/");
	char *d = lh_xmalloc((size_t)(slash - path) + 1);
	memcpy(d, path, (size_t)(slash - path));
	d[slash - path] = '\0';
	return d;
}

static const char *
base_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* The file a write to path lands in: path itself, or the final target of the symbolic
 * link(s) it names (Terraform writes a linked state through its link, so the link must
 * stay).  A dangling link gives its target.  malloc'd. */
static char *
link_target(const char *path)
{
	char *p = lh_xstrdup(path);
	for (int hops = 0; hops < 40; hops++) {
		struct stat sb;
		if (lstat(p, &sb) != 0 || !S_ISLNK(sb.st_mode))
			return p;
		char t[PATH_MAX];
		ssize_t n = readlink(p, t, sizeof t - 1);
		if (n <= 0)
			return p;
		t[n] = '\0';
		char *next;
		if (t[0] == '/') {
			next = lh_xstrdup(t);
		} else {
			char *d = dir_of(p);
			next = lh_xprintf("%s/%s", d, t);
			free(d);
		}
		free(p);
		p = next;
	}
	return p;
}

/* The kind of a non-regular file, for messages. */
static const char *
file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device" :
	    S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

static int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	close(fd);
	return r;
}

/* Writes data to path atomically: temp file in the same directory, mode 0600, fsync,
 * rename, fsync of the directory.  Returns 0, or -1 with *what naming the failed step
 * (errno set). */
static int ofd_lock(int fd);

/* As atomic_write; when locked_fd is not NULL the new file is OFD-locked before it is
 * renamed into place and its descriptor returned in *locked_fd, so that the path never
 * names an unlocked state while we hold the lock (Terraform locks the state file). */
typedef int (*fill_fn)(int fd, void *ctx);	/* writes the content; 0, or -1 with errno */

static int
atomic_write_with(const char *path, fill_fn fill, void *ctx, const char **what,
    int *locked_fd)
{
	char *dir = dir_of(path);
	char *tmp = lh_xprintf("%s/.%s.tmp.XXXXXX", dir, base_of(path));
	int fd = -1, rc = -1, saved;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		*what = "create a temporary file";
		goto out;
	}
	if (fchmod(fd, 0600) != 0 || fill(fd, ctx) != 0) {
		*what = "write";
		goto out;
	}
	if (fsync(fd) != 0) {
		*what = "fsync";
		goto out;
	}
	if (locked_fd != NULL) {
		if (ofd_lock(fd) != 0) {
			*what = "lock";
			goto out;
		}
	} else {
		int c = close(fd);
		fd = -1;
		if (c != 0) {
			*what = "close";
			goto out;
		}
	}
	if (rename(tmp, path) != 0) {
		*what = "rename";
		goto out;
	}
	if (fsync_dir(dir) != 0) {
		*what = "fsync the directory";
		rc = -1;
		/* The rename happened; the data is in place but may not survive power loss. */
		free(tmp);
		tmp = NULL;
		goto out;
	}
	rc = 0;
out:
	saved = errno;
	if (rc == 0 && locked_fd != NULL) {
		*locked_fd = fd;
		fd = -1;
	} else if (rc != 0 && tmp == NULL && locked_fd != NULL) {
		*locked_fd = fd;	/* renamed (only the directory fsync failed): keep it */
		fd = -1;
	}
	if (fd >= 0)
		close(fd);
	if (rc != 0 && tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(dir);
	errno = saved;
	return rc;
}

struct bytes {
	const char *p;
	size_t n;
};

static int
fill_bytes(int fd, void *ctx)
{
	const struct bytes *b = ctx;
	return write_all(fd, b->p, b->n);
}

static int
atomic_write_fd(const char *path, const char *data, size_t n, const char **what,
    int *locked_fd)
{
	struct bytes b = {data, n};
	return atomic_write_with(path, fill_bytes, &b, what, locked_fd);
}

static int
atomic_write(const char *path, const char *data, size_t n, const char **what)
{
	return atomic_write_fd(path, data, n, what, NULL);
}

/* Copies all of the file open at ctx (an int *, read from offset 0) to fd. */
static int
fill_copy(int fd, void *ctx)
{
	int src = *(int *)ctx;
	char tmp[65536];
	off_t off = 0;
	for (;;) {
		ssize_t r = pread(src, tmp, sizeof tmp, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		if (write_all(fd, tmp, (size_t)r) != 0)
			return -1;
		off += r;
	}
}

/* ---- JSON rendering in Terraform's layout (Go's json.MarshalIndent, 2 spaces) ---- */

/* 1 for the bytes render_string cannot copy as they are: control characters, '"', '\\',
 * '<', '>', '&' (Go's HTML-safe escaping), and 0xE2, which may begin U+2028 or U+2029. */
static const unsigned char json_special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x00 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x10 */
	0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x20: " & */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0,	/* 0x30: < > */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,	/* 0x50: \ */
	[0xE2] = 1,
};

/* s as a JSON string, Go's way; runs of bytes that need no escape go in one copy. */
static void
render_string(lh_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	lh_buf_putc(b, '"');
	for (;;) {
		const unsigned char *run = p;
		while (!json_special[*p])
			p++;
		if (p > run)
			lh_buf_put(b, run, (size_t)(p - run));
		unsigned char c = *p;
		if (c == '\0')
			break;
		const char *esc = NULL;
		char u[7];
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '<': esc = "\\u003c"; break;
		case '>': esc = "\\u003e"; break;
		case '&': esc = "\\u0026"; break;
		case 0xE2:
			if (p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
				lh_buf_puts(b, p[2] == 0xA8 ? "\\u2028" : "\\u2029");
				p += 3;
			} else {
				lh_buf_put(b, p, 1);
				p++;
			}
			continue;
		default:
			u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
			u[4] = hex[c >> 4]; u[5] = hex[c & 15]; u[6] = '\0';
			esc = u;
		}
		lh_buf_puts(b, esc);
		p++;
	}
	lh_buf_putc(b, '"');
}

/* Numbers as Terraform writes cty numbers (big.Float Text('f', -1)): the shortest digits
 * that read back as the same double, always in plain decimal notation. */
static void
render_number(lh_buf *b, double v)
{
	char t[64];
	if (!isfinite(v)) {
		lh_buf_puts(b, "null");
		return;
	}
	if (v == 0) {
		lh_buf_puts(b, "0");
		return;
	}
	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(t, sizeof t, "%.0f", v);
		lh_buf_puts(b, t);
		return;
	}
	int prec;
	for (prec = 0; prec < 17; prec++) {
		snprintf(t, sizeof t, "%.*e", prec, v);
		if (strtod(t, NULL) == v)
			break;
	}
	/* t = [-]D[.DDD]e[+-]XX */
	char digits[32];
	size_t nd = 0;
	const char *p = t;
	if (*p == '-') {
		lh_buf_putc(b, '-');
		p++;
	}
	for (; *p && *p != 'e'; p++)
		if (*p != '.')
			digits[nd++] = *p;
	digits[nd] = '\0';
	int e = atoi(p + 1);
	if (e < 0) {
		lh_buf_puts(b, "0.");
		for (int i = -1; i > e; i--)
			lh_buf_putc(b, '0');
		lh_buf_puts(b, digits);
		return;
	}
	for (int i = 0; i <= e || i < (int)nd; i++) {
		if (i == e + 1)
			lh_buf_putc(b, '.');
		lh_buf_putc(b, i < (int)nd ? digits[i] : '0');
	}
}

static void
indent(lh_buf *b, int depth)
{
	static const char nl[] = "\n                                ";	/* 16 levels */
	size_t n = 1 + 2 * (size_t)depth;
	if (n <= sizeof nl - 1) {
		lh_buf_put(b, nl, n);
		return;
	}
	lh_buf_put(b, nl, sizeof nl - 1);
	for (int i = 16; i < depth; i++)
		lh_buf_put(b, "  ", 2);
}

/* v as JSON in Go's MarshalIndent layout at nesting depth, or on one line when depth < 0
 * (a journal record). */
static void
render_json(lh_buf *b, const cJSON *v, int depth)
{
	if (v == NULL || cJSON_IsNull(v)) {
		lh_buf_puts(b, "null");
	} else if (cJSON_IsTrue(v)) {
		lh_buf_puts(b, "true");
	} else if (cJSON_IsFalse(v)) {
		lh_buf_puts(b, "false");
	} else if (cJSON_IsNumber(v) && v->valuestring != NULL) {
		/* a number beyond double, exact (json.c) */
		lh_buf_puts(b, lh_cjson_number_text(lh_number_scratch(), v));
	} else if (cJSON_IsNumber(v)) {
		render_number(b, v->valuedouble);
	} else if (cJSON_IsString(v)) {
		render_string(b, v->valuestring);
	} else if (cJSON_IsRaw(v)) {
		lh_buf_puts(b, v->valuestring);
	} else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
		bool obj = cJSON_IsObject(v);
		const cJSON *c = v->child;
		lh_buf_putc(b, obj ? '{' : '[');
		if (c == NULL) {
			lh_buf_putc(b, obj ? '}' : ']');
			return;
		}
		bool compact = depth < 0;
		for (; c != NULL; c = c->next) {
			if (!compact)
				indent(b, depth + 1);
			if (obj) {
				render_string(b, c->string ? c->string : "");
				lh_buf_put(b, ": ", compact ? 1 : 2);
			}
			render_json(b, c, compact ? -1 : depth + 1);
			if (c->next != NULL)
				lh_buf_putc(b, ',');
		}
		if (!compact)
			indent(b, depth);
		lh_buf_putc(b, obj ? '}' : ']');
	} else {
		lh_buf_puts(b, "null");
	}
}

/* ---- the state object ---- */

/* A resource (type and name): its instances share its strings, and a new instance
 * takes the provider of its siblings from here without a scan of every instance.
 * Groups live until the state is freed (count 0: no instance left). */
typedef struct grp {
	char *type, *name;
	char *provider;		/* the provider of the first instance added while count
				 * was 0; instances with this provider share the string */
	size_t count;		/* instances */
	uint64_t h;
} grp;

typedef struct inst {
	lh_state_inst pub;	/* must be first: lh_state_inst * and inst * convert */
	char *key;		/* canonical address, the hash key (stored after the inst) */
	uint64_t h;		/* hash_str(key) */
	size_t vi;		/* index in lh_state.v */
	grp *g;			/* its resource (pub.addr.type and .name are g's strings) */
	cJSON *extra;		/* other instance fields kept verbatim (status, private ...) */
	char *s_key;		/* storage for pub.addr.key (after key) */
	char *s_provider;	/* storage for pub.provider when it is not g->provider */
	bool in_arena;		/* the inst itself lives in a tree arena (loaded) */
	unsigned char held;	/* IN_ARENA_*: which trees live in a tree arena (loaded
				 * from the file: never deleted one by one) */
} inst;

#define IN_ARENA_ATTRS 1
#define IN_ARENA_SENS 2
#define IN_ARENA_DEPS 4

struct lh_state {
	char *path, *info_path, *journal_path, *backup_path, *dir;
	char lineage[LH_UUID_LEN + 8];
	long long serial;
	bool existed;		/* file held a state when loaded */
	bool read_only;
	char *provider;		/* default provider string for new resources */

	inst **v;		/* instances, unordered */
	size_t n, cap;
	inst **slots;		/* open-addressing hash of v by key (NULL empty) */
	size_t nslots;
	inst **sorted;		/* v sorted by address, rebuilt when dirty */
	bool sorted_ok;
	grp **gslots;		/* open-addressing hash of the resources (NULL empty) */
	size_t ngslots, ngrp;
	bool leave_memory;	/* lh_state_leave_memory: close leaves the instances */
	cJSON **graves;		/* attributes of replaced or removed instances, kept
				 * until close (state.h: borrowed trees stay valid) */
	size_t ngraves, capgraves;
	lh_arena **tarenas;	/* arenas holding loaded trees (json_arena.h), freed at close */
	size_t ntarenas;
	lh_jpack setpk;		/* where lh_state_set puts the trees it is given (its arena
				 * one of tarenas, made at the first set) */

	cJSON *outputs;		/* object name -> {value, type, sensitive?} */
	cJSON *extra_resources;	/* array: resources kept verbatim (modules, data ...) */
	cJSON *check_results;	/* Terraform's check_results array, or NULL (null) */

	bool has_orig;		/* the file held a state when loaded: the first save backs
				 * it up (copied from the file then, not kept in memory) */
	unsigned char base[32];	/* SHA-256 of the render of the state as last loaded or
				 * saved (serial excluded); not kept for a read-only state */
	bool backup_done;
	bool forced_meta;	/* state push: the next save writes lineage and serial as set */

	/* lock */
	bool locked;
	bool created_empty;	/* we created the (empty) state file to lock it */
	int info_fd;		/* lock-info file, OFD-locked */
	int state_fd;		/* state file, OFD-locked (Terraform compatibility), or -1 */
	char lock_id[LH_UUID_LEN + 1];
	const char *operation;

	/* journal */
	int jfd;		/* open for append, or -1 */
	bool jexists;		/* a journal file exists on disk */
	bool jcreated_unsynced;	/* directory entry not yet fsynced */
	bool jdirty;		/* records appended since the last sync */
	lh_buf jline;		/* lh_state_journal_done's line, its memory kept between records */
	double jlast_sync;	/* monotonic time of the last fdatasync */
	off_t jgood;		/* recovery: length of the intact prefix */
	lh_state_intent *intents;
	size_t nintents;
	lh_arena *arena;	/* intents' strings */
	/* intents journalled by this run and not yet done or forgotten (their journal
	 * lines); a save keeps them journalled (an uncertain create's may land later) */
	struct lent **lb;	/* by address (chained hash): a run of 100,000 creates
				 * must not scan them per record */
	size_t nlb, nlive;
	struct lent *lfirst, *llast;	/* in the order journalled */
	/* recovery: which address holds each (type, id), so a set record giving an id
	 * another address holds is skipped (built at the first set record; entries are
	 * checked against the instances when found, so stale ones do no harm) */
	struct idslot *ids;
	size_t nidslots, nids;

	lh_store *store;	/* remote backend storage, or NULL for the local file */
	bool store_locked;
};

static uint64_t
hash_str(const char *s)
{
	return lh_hash_bytes(s, strlen(s));
}

static void add_tarena(lh_state *st, lh_arena *a);

/* One live intent: its address and journal line, hashed by the address and listed in
 * the order journalled. */
typedef struct lent {
	struct lent *next;	/* hash chain */
	struct lent *prev_o, *next_o;	/* order */
	uint64_t h;
	char *key, *line;
} lent;

static void live_free(lh_state *st);

/* One (type, id) -> address entry of lh_state.ids. */
struct idslot {
	uint64_t h;
	char *type, *id, *addr;	/* malloc'd; type NULL: empty slot */
};

static void
rehash(lh_state *st, size_t nslots)
{
	free(st->slots);
	st->slots = calloc(nslots, sizeof *st->slots);
	if (st->slots == NULL) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	st->nslots = nslots;
	for (size_t i = 0; i < st->n; i++) {
		size_t j = st->v[i]->h & (nslots - 1);
		while (st->slots[j] != NULL)
			j = (j + 1) & (nslots - 1);
		st->slots[j] = st->v[i];
	}
}

/* The instance whose address text is key (h: hash_str(key)). */
static inst *
lookup_h(const lh_state *st, const char *key, uint64_t h)
{
	if (st->nslots == 0)
		return NULL;
	size_t j = h & (st->nslots - 1);
	while (st->slots[j] != NULL) {
		if (st->slots[j]->h == h && strcmp(st->slots[j]->key, key) == 0)
			return st->slots[j];
		j = (j + 1) & (st->nslots - 1);
	}
	return NULL;
}

static inst *
lookup(const lh_state *st, const char *key)
{
	return lookup_h(st, key, hash_str(key));
}

static char *
addr_key(const lh_addr *a)
{
	char buf[256];
	size_t need = lh_addr_snprint(buf, sizeof buf, a);	/* formatted once when short */
	char *s = lh_xmalloc(need + 1);
	if (need < sizeof buf)
		memcpy(s, buf, need + 1);
	else
		lh_addr_snprint(s, need + 1, a);
	return s;
}

const char *
lh_state_inst_addr_text(const lh_state_inst *si)
{
	return ((const inst *)si)->key;
}

bool
lh_state_inst_lasting(const lh_state_inst *si)
{
	return ((const inst *)si)->in_arena;
}

static uint64_t
grp_hash(const char *type, const char *name)
{
	return hash_str(type) * 31 ^ hash_str(name);
}

/* The group of type.name; created (count 0, provider NULL) when create is set. */
static grp *
grp_get(lh_state *st, const char *type, const char *name, bool create)
{
	uint64_t h = grp_hash(type, name);
	if (st->ngslots > 0) {
		size_t j = h & (st->ngslots - 1);
		for (grp *g; (g = st->gslots[j]) != NULL; j = (j + 1) & (st->ngslots - 1))
			if (g->h == h && strcmp(g->type, type) == 0 && strcmp(g->name, name) == 0)
				return g;
	}
	if (!create)
		return NULL;
	if ((st->ngrp + 1) * 2 > st->ngslots) {
		size_t nn = st->ngslots ? st->ngslots * 2 : 16;
		grp **ns = calloc(nn, sizeof *ns);
		if (ns == NULL) {
			fputs("litehcl: out of memory\n", stderr);
			abort();
		}
		for (size_t i = 0; i < st->ngslots; i++) {
			grp *g = st->gslots[i];
			if (g == NULL)
				continue;
			size_t j = g->h & (nn - 1);
			while (ns[j] != NULL)
				j = (j + 1) & (nn - 1);
			ns[j] = g;
		}
		free(st->gslots);
		st->gslots = ns;
		st->ngslots = nn;
	}
	/* its names in the same allocation (a state of 10,000 resource blocks: 10,000
	 * groups, 0.5 MB less than three allocations each) */
	size_t tl = strlen(type) + 1, nl = strlen(name) + 1;
	grp *g = lh_xmalloc(sizeof *g + tl + nl);
	memset(g, 0, sizeof *g);
	g->type = memcpy((char *)(g + 1), type, tl);
	g->name = memcpy((char *)(g + 1) + tl, name, nl);
	g->h = h;
	size_t j = h & (st->ngslots - 1);
	while (st->gslots[j] != NULL)
		j = (j + 1) & (st->ngslots - 1);
	st->gslots[j] = g;
	st->ngrp++;
	return g;
}

static void
grps_free(lh_state *st)
{
	for (size_t i = 0; i < st->ngslots; i++) {
		grp *g = st->gslots[i];
		if (g == NULL)
			continue;
		free(g->provider);
		free(g);
	}
	free(st->gslots);
	st->gslots = NULL;
	st->ngslots = st->ngrp = 0;
}

static void
inst_free(inst *in)
{
	if (in == NULL)
		return;
	if (!(in->held & IN_ARENA_ATTRS))
		cJSON_Delete(in->pub.attributes);
	if (!(in->held & IN_ARENA_SENS))
		cJSON_Delete(in->pub.sensitive_attributes);
	if (!(in->held & IN_ARENA_DEPS))
		cJSON_Delete(in->pub.dependencies);
	cJSON_Delete(in->extra);
	free(in->s_provider);
	if (!in->in_arena)
		free(in);	/* (key and s_key with it) */
}

/* Keeps a replaced attributes tree until the state closes. */
static void
bury(lh_state *st, cJSON *attrs)
{
	if (attrs == NULL)
		return;
	if (st->ngraves == st->capgraves) {
		size_t nc = st->capgraves ? st->capgraves * 2 : 64;
		cJSON **g = realloc(st->graves, nc * sizeof *g);
		if (g == NULL) {
			fputs("litehcl: out of memory\n", stderr);
			abort();
		}
		st->graves = g;
		st->capgraves = nc;
	}
	st->graves[st->ngraves++] = attrs;
}

/* Sets in's provider: the group's string when equal (or when the group has none yet). */
static void
inst_set_provider(inst *in, const char *provider)
{
	grp *g = in->g;
	free(in->s_provider);
	in->s_provider = NULL;
	if (g->provider == NULL || (g->count == 0 && strcmp(g->provider, provider) != 0)) {
		free(g->provider);
		g->provider = lh_xstrdup(provider);
	}
	if (strcmp(g->provider, provider) == 0) {
		in->pub.provider = g->provider;
	} else {
		in->s_provider = lh_xstrdup(provider);
		in->pub.provider = in->s_provider;
	}
}

/* Room in v and the hash for n more instances. */
static void
reserve(lh_state *st, size_t more)
{
	size_t need = st->n + more;
	if (need > st->cap) {
		st->cap = need;
		st->v = realloc(st->v, st->cap * sizeof *st->v);
		if (st->v == NULL) {
			fputs("litehcl: out of memory\n", stderr);
			abort();
		}
	}
	size_t ns = st->nslots ? st->nslots : 128;
	while (need * 2 > ns)
		ns *= 2;
	if (ns != st->nslots)
		rehash(st, ns);
}

static void
add_inst(lh_state *st, inst *in)
{
	if (st->n + 1 > st->cap) {
		st->cap = st->cap ? st->cap * 2 : 64;
		st->v = realloc(st->v, st->cap * sizeof *st->v);
		if (st->v == NULL) {
			fputs("litehcl: out of memory\n", stderr);
			abort();
		}
	}
	in->vi = st->n;
	st->v[st->n++] = in;
	in->g->count++;
	if ((st->n) * 2 > st->nslots)
		rehash(st, st->nslots ? st->nslots * 2 : 128);
	else {
		size_t j = in->h & (st->nslots - 1);
		while (st->slots[j] != NULL)
			j = (j + 1) & (st->nslots - 1);
		st->slots[j] = in;
	}
	st->sorted_ok = false;
}

/* Removes in from v and from the hash (linear probing: the entries after it move back
 * where their probe sequence allows) in O(1), and frees it. */
static void
del_inst(lh_state *st, inst *in)
{
	size_t vi = in->vi;
	st->v[vi] = st->v[--st->n];
	st->v[vi]->vi = vi;
	in->g->count--;
	size_t mask = st->nslots - 1, i = in->h & mask;
	while (st->slots[i] != in)
		i = (i + 1) & mask;
	st->slots[i] = NULL;
	for (size_t j = (i + 1) & mask; st->slots[j] != NULL; j = (j + 1) & mask) {
		size_t k = st->slots[j]->h & mask;
		/* the entry at j may move to the hole at i unless its home k lies
		 * cyclically in (i, j] */
		bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
		if (stays)
			continue;
		st->slots[i] = st->slots[j];
		st->slots[j] = NULL;
		i = j;
	}
	st->sorted_ok = false;
	if (!(in->held & IN_ARENA_ATTRS))
		bury(st, in->pub.attributes);	/* an arena's lives until close anyway */
	in->pub.attributes = NULL;
	inst_free(in);
}

/* A new instance of a's group g (NULL: looked up, made if need be) whose address text
 * is key[0..keylen) with hash h (hash_str(key)); key and a's key are stored with it,
 * all in ta when it is not NULL (a load's tree arena), else malloc'd. */
static inst *
new_inst_keyed(lh_state *st, lh_arena *ta, grp *g, const lh_addr *a, const char *provider,
    const char *key, size_t keylen, uint64_t h, bool group_provider)
{
	size_t sklen = a->kind == LH_KEY_STR ? strlen(a->key) + 1 : 0;
	size_t size = sizeof(inst) + keylen + 1 + sklen;
	inst *in;
	if (ta != NULL) {
		in = lh_arena_alloc(ta, size);	/* zeroed */
		in->in_arena = true;
	} else {
		in = lh_xmalloc(size);
		memset(in, 0, sizeof *in);
	}
	in->g = g != NULL ? g : grp_get(st, a->type, a->name, true);
	in->key = (char *)(in + 1);
	memcpy(in->key, key, keylen);
	in->key[keylen] = '\0';
	in->h = h;
	if (sklen > 0)
		in->s_key = memcpy(in->key + keylen + 1, a->key, sklen);
	in->pub.addr.type = in->g->type;
	in->pub.addr.name = in->g->name;
	in->pub.addr.kind = a->kind;
	in->pub.addr.index = a->kind == LH_KEY_INT ? a->index : 0;
	in->pub.addr.key = in->s_key;
	in->pub.addr.data = a->data;
	if (group_provider)
		in->pub.provider = in->g->provider;	/* known equal */
	else
		inst_set_provider(in, provider);
	return in;
}

static inst *
new_inst(lh_state *st, const lh_addr *a, const char *provider)
{
	char *key = addr_key(a);
	inst *in = new_inst_keyed(st, NULL, NULL, a, provider, key, strlen(key), hash_str(key),
	    false);
	free(key);
	return in;
}

static int
cmp_inst(const void *x, const void *y)
{
	const inst *a = *(inst *const *)x, *b = *(inst *const *)y;
	if (a->g == b->g && a->pub.addr.data == b->pub.addr.data) {
		/* one resource (type and name): lh_addr_cmp's order of the keys */
		const lh_addr *p = &a->pub.addr, *q = &b->pub.addr;
		if (p->kind != q->kind)
			return p->kind < q->kind ? -1 : 1;
		if (p->kind == LH_KEY_INT)
			return p->index < q->index ? -1 : p->index > q->index;
		return p->kind == LH_KEY_STR ? strcmp(p->key, q->key) : 0;
	}
	return lh_addr_cmp(&a->pub.addr, &b->pub.addr);
}

static void
sort_insts(lh_state *st)
{
	if (st->sorted_ok)
		return;
	free(st->sorted);
	st->sorted = lh_xmalloc((st->n ? st->n : 1) * sizeof *st->sorted);
	if (st->n > 0)
		memcpy(st->sorted, st->v, st->n * sizeof *st->v);
	/* a state file litehcl or Terraform wrote lists its instances in this order: one
	 * pass tells, where qsort compared n log n pairs (6 M instructions of the teams
	 * benchmark's no-op plan) */
	size_t i = 1;
	while (i < st->n && cmp_inst(&st->sorted[i - 1], &st->sorted[i]) <= 0)
		i++;
	if (i < st->n)
		qsort(st->sorted, st->n, sizeof *st->sorted, cmp_inst);
	st->sorted_ok = true;
}

static char *
provider_string(const char *source)
{
	if (source == NULL || *source == '\0')
		source = LH_STATE_DEFAULT_PROVIDER;
	if (strncmp(source, "provider[", 9) == 0)
		return lh_xstrdup(source);
	/* Short sources ("ncecere/litellm") get Terraform's default registry host. */
	int slashes = 0;
	for (const char *p = source; *p; p++)
		slashes += *p == '/';
	if (slashes == 1)
		return lh_xprintf("provider[\"registry.terraform.io/%s\"]", source);
	return lh_xprintf("provider[\"%s\"]", source);
}

/* Where a render goes: into memory (fd < 0, md NULL: the caller takes b.p), into a
 * SHA-256 digest (md), or into a file (fd), in pieces of about SINK_CHUNK bytes, so that
 * saving or comparing a state of 100,000 instances never builds its text (~80 MB). */
#define SINK_CHUNK (256 * 1024)
typedef struct sink {
	lh_buf b;
	int fd;			/* write the text here, or -1 */
	EVP_MD_CTX *md;		/* digest the text, or NULL */
	int err;		/* errno of the first failed write, or 0 */
} sink;

static void
sink_flush(sink *k)
{
	if (k->b.len == 0 || (k->fd < 0 && k->md == NULL))
		return;
	if (k->md != NULL && EVP_DigestUpdate(k->md, k->b.p, k->b.len) != 1) {
		fputs("litehcl: SHA-256 failed\n", stderr);
		abort();
	}
	if (k->fd >= 0 && k->err == 0 && write_all(k->fd, k->b.p, k->b.len) != 0)
		k->err = errno ? errno : EIO;
	k->b.len = 0;
	k->b.p[0] = '\0';
}

static void
sink_maybe_flush(sink *k)
{
	if (k->b.len >= SINK_CHUNK)
		sink_flush(k);
}

/* Renders the whole document into k; with_serial false renders serial as 0 (for
 * comparing content independent of the serial). */
static void
render_to(lh_state *st, bool with_serial, sink *k)
{
	lh_buf *b = &k->b;
	char t[64];
	sort_insts(st);
	lh_buf_puts(b, "{\n  \"version\": 4,\n  \"terraform_version\": ");
	render_string(b, LH_STATE_TF_VERSION);
	snprintf(t, sizeof t, ",\n  \"serial\": %lld,\n  \"lineage\": ", with_serial ? st->serial : 0LL);
	lh_buf_puts(b, t);
	render_string(b, st->lineage);
	lh_buf_puts(b, ",\n  \"outputs\": ");
	render_json(b, st->outputs, 1);
	lh_buf_puts(b, ",\n  \"resources\": [");
	bool first_res = true;
	/* Verbatim resources of other kinds first (module/data), then ours grouped. */
	for (const cJSON *r = st->extra_resources ? st->extra_resources->child : NULL; r; r = r->next) {
		lh_buf_puts(b, first_res ? "\n    " : ",\n    ");
		render_json(b, r, 2);
		first_res = false;
		sink_maybe_flush(k);
	}
	for (size_t i = 0; i < st->n;) {
		const inst *g = st->sorted[i];
		size_t j = i;
		while (j < st->n && st->sorted[j]->pub.addr.data == g->pub.addr.data &&
		    strcmp(st->sorted[j]->pub.addr.type, g->pub.addr.type) == 0 &&
		    strcmp(st->sorted[j]->pub.addr.name, g->pub.addr.name) == 0)
			j++;
		lh_buf_puts(b, first_res ? "\n    {\n" : ",\n    {\n");
		first_res = false;
		lh_buf_puts(b, g->pub.addr.data ? "      \"mode\": \"data\",\n      \"type\": " :
		    "      \"mode\": \"managed\",\n      \"type\": ");
		render_string(b, g->pub.addr.type);
		lh_buf_puts(b, ",\n      \"name\": ");
		render_string(b, g->pub.addr.name);
		lh_buf_puts(b, ",\n      \"provider\": ");
		render_string(b, g->pub.provider);
		lh_buf_puts(b, ",\n      \"instances\": [");
		for (size_t m = i; m < j; m++) {
			const inst *in = st->sorted[m];
			lh_buf_puts(b, m == i ? "\n        {\n" : ",\n        {\n");
			if (in->pub.addr.kind == LH_KEY_INT) {
				snprintf(t, sizeof t, "          \"index_key\": %lld,\n", in->pub.addr.index);
				lh_buf_puts(b, t);
			} else if (in->pub.addr.kind == LH_KEY_STR) {
				lh_buf_puts(b, "          \"index_key\": ");
				render_string(b, in->pub.addr.key);
				lh_buf_puts(b, ",\n");
			}
			lh_buf_puts(b, "          \"schema_version\": 0,\n          \"attributes\": ");
			render_json(b, in->pub.attributes, 5);
			lh_buf_puts(b, ",\n          \"sensitive_attributes\": ");
			render_json(b, in->pub.sensitive_attributes, 5);
			if (cJSON_GetArraySize(in->pub.dependencies) > 0) {
				lh_buf_puts(b, ",\n          \"dependencies\": ");
				render_json(b, in->pub.dependencies, 5);
			}
			for (const cJSON *x = in->extra ? in->extra->child : NULL; x; x = x->next) {
				lh_buf_puts(b, ",\n          ");
				render_string(b, x->string);
				lh_buf_puts(b, ": ");
				render_json(b, x, 5);
			}
			lh_buf_puts(b, "\n        }");
			sink_maybe_flush(k);
		}
		lh_buf_puts(b, "\n      ]\n    }");
		i = j;
	}
	lh_buf_puts(b, first_res ? "]" : "\n  ]");
	if (cJSON_IsArray(st->check_results)) {
		lh_buf_puts(b, ",\n  \"check_results\": ");
		render_json(b, st->check_results, 1);
		lh_buf_puts(b, "\n}\n");
	} else {
		lh_buf_puts(b, ",\n  \"check_results\": null\n}\n");
	}
	sink_flush(k);
}

/* The whole document as one malloc'd string. */
static char *
render(lh_state *st, bool with_serial)
{
	sink k = {.fd = -1};
	render_to(st, with_serial, &k);
	return k.b.p;
}

/* The SHA-256 of render(st, false), without building the text. */
static void
render_digest(lh_state *st, unsigned char out[32])
{
	sink k = {.fd = -1, .md = EVP_MD_CTX_new()};
	if (k.md == NULL || EVP_DigestInit_ex(k.md, EVP_sha256(), NULL) != 1) {
		fputs("litehcl: SHA-256 is not available\n", stderr);
		abort();
	}
	render_to(st, false, &k);
	unsigned int n = 0;
	EVP_DigestFinal_ex(k.md, out, &n);
	EVP_MD_CTX_free(k.md);
	lh_buf_free(&k.b);
}

char *
lh_state_render(lh_state *st)
{
	return render(st, true);
}

/* ---- loading ---- */

/* [], the sensitive_attributes and dependencies of every instance that has none (never
 * changed, never freed: held as a tree arena's are) */
static cJSON empty_array = {.type = cJSON_Array};

static lh_state *
state_alloc(const lh_state_opts *o)
{
	lh_state *st = lh_xmalloc(sizeof *st);
	memset(st, 0, sizeof *st);
	const char *path = o->path && *o->path ? o->path : "terraform.tfstate";
	st->store = o->store;
	if (st->store != NULL)
		path = st->store->desc;
	st->path = lh_xstrdup(path);
	st->dir = dir_of(path);
	st->info_path = lh_xprintf("%s/.%s.lock.info", st->dir, base_of(path));
	st->journal_path = lh_xprintf("%s.journal", path);
	st->backup_path = lh_xprintf("%s.backup", path);
	st->provider = provider_string(o->provider_source);
	st->read_only = o->read_only;
	st->operation = o->operation && *o->operation ? o->operation : "OperationTypeInvalid";
	st->outputs = cJSON_CreateObject();
	st->extra_resources = cJSON_CreateArray();
	st->info_fd = st->state_fd = st->jfd = -1;
	st->arena = lh_arena_new();
	return st;
}

/* The names of an instance object's members that the load reads.  The first four are
 * those slim_instance may take out; ij->valueint records which it took and where they
 * were (5 bits each from bit 2: taken, position 0-15), and in bits 0-1 how index_key
 * went into ij's own fields (1 string, 2 number). */
enum { F_INDEX_KEY, F_SCHEMA_VERSION, F_SENSITIVE, F_DEPS, F_ATTRS, F_ATTRS_FLAT, F_DEPOSED,
	F_N };
static const char *const inst_names[F_N] = {"index_key", "schema_version",
	"sensitive_attributes", "dependencies", "attributes", "attributes_flat", "deposed"};
#define slim_names inst_names
#define SLIM_N 4
#define SLIM_MAX_POS 16

/* The parser's keys are shared (lh_intern) when flagged constant: such a key is one of
 * the names when it is the same pointer as its shared copy, found in a small table
 * hashed by the pointer (made once; without it keys are compared by their bytes). */
#define NAME_SLOTS 64
static const char *name_tab[NAME_SLOTS];
static signed char name_idx[NAME_SLOTS];
static bool inst_shared_all;
static pthread_once_t inst_once = PTHREAD_ONCE_INIT;

static size_t
name_slot(const char *k)
{
	return (size_t)(((uint64_t)(uintptr_t)k * 0x9E3779B97F4A7C15u) >> 58);
}

static void
inst_names_init(void)
{
	const char *shared[F_N];
	for (int m = 0; m < F_N; m++)
		if ((shared[m] = lh_intern(inst_names[m])) == NULL)
			return;	/* the table is full */
	for (int m = 0; m < F_N; m++) {
		size_t j = name_slot(shared[m]);
		while (name_tab[j] != NULL)
			j = (j + 1) % NAME_SLOTS;
		name_tab[j] = shared[m];
		name_idx[j] = (signed char)m;
	}
	inst_shared_all = true;
}

/* Which of inst_names f's key is (F_N: none); f a member of a parsed tree. */
static inline int
field_of(const cJSON *f)
{
	if (inst_shared_all && (f->type & cJSON_StringIsConst)) {
		for (size_t j = name_slot(f->string); name_tab[j] != NULL; j = (j + 1) % NAME_SLOTS)
			if (name_tab[j] == f->string)
				return name_idx[j];
		return F_N;
	}
	int m = 0;
	while (m < F_N && strcmp(f->string, inst_names[m]) != 0)
		m++;
	return m;
}

/* Takes f out of o's members (as cJSON_DetachItemViaPointer). */
static cJSON *
detach(cJSON *o, cJSON *f)
{
	if (f != o->child)
		f->prev->next = f->next;
	if (f->next != NULL)
		f->next->prev = f->prev;
	if (f == o->child)
		o->child = f->next;
	else if (f->next == NULL)
		o->child->prev = f->prev;
	f->prev = f->next = NULL;
	return f;
}

/* A big state's text (a mapping, read_state_text) is given back a page at a time as
 * the parse leaves it behind: the 9 MB text of 10,000 users was held whole beside the
 * configuration's validation, the peak of that plan.  Nothing reads the text behind
 * the parse (strings, keys and number texts are copies) unless it fails: load_text
 * then asks for it to be read again (TEXT_AGAIN). */
typedef struct text_release {
	char *base;		/* the mapping (page-aligned) */
	size_t mapped;		/* its length; 0: not a mapping, nothing given back */
	size_t done;		/* bytes from base given back so far */
	bool gone;		/* the parser was told (lh_jeach_text_gone) */
	bool file;		/* the file's own mapping (its pages may turn to zeros) */
} text_release;

#define RELEASE_STEP ((size_t)1 << 20)	/* an madvise per MiB parsed at most */

static void
release_parsed(text_release *tr, lh_jeach *ea)
{
	const char *pos = lh_jeach_pos(ea);
	if (tr == NULL || tr->mapped == 0 || pos == NULL)
		return;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), at = (size_t)(pos - tr->base);
	if (at < 2 * pg)
		return;
	at = (at - pg) & ~(pg - 1);	/* whole pages, a page short of where the parse is */
	if (at < tr->done + RELEASE_STEP)
		return;
	lh_jeach_text_gone(ea);
	tr->gone = true;
	if (madvise(tr->base + tr->done, at - tr->done, MADV_DONTNEED) == 0)
		tr->done = at;
}

/* lh_json_parse_each's function for each instance object as it is parsed: what
 * load_instance reads the same without it goes, its nodes made the next ones' -
 * schema_version 0, an empty sensitive_attributes or dependencies (absent reads as []),
 * and index_key, kept in ij's own fields (index_key_of).  Only a member that is the
 * one of its name goes (a look-up finds the first of a name: taking out one of two
 * could change what is read).  A resource carried verbatim gets them back (unslim). */
/* Exposed for tests/unit/state.c: called once (then cleared) at the first instance
 * parsed from a mapped text - the test truncates or rewrites the file in place there. */
extern void (*lh_state_test_mapped)(void);
void (*lh_state_test_mapped)(void);

static void
slim_instance(void *ctx, cJSON *ij, lh_jeach *ea)
{
	text_release *tr = ctx;
	if (__builtin_expect(lh_state_test_mapped != NULL, 0) && tr != NULL && tr->file) {
		void (*f)(void) = lh_state_test_mapped;
		lh_state_test_mapped = NULL;
		f();
	}
	release_parsed(tr, ea);
	if ((ij->type & 0xFF) != cJSON_Object)
		return;
	cJSON *found[SLIM_N];
	int at[SLIM_N];
	unsigned seen = 0, twice = 0, pos = 0;
	for (cJSON *f = ij->child; f != NULL; f = f->next, pos++) {
		int m = field_of(f);
		if (m >= SLIM_N)
			continue;
		if (seen & 1u << m) {
			twice |= 1u << m;
		} else {
			seen |= 1u << m;
			found[m] = f;
			at[m] = (int)pos;
		}
	}
	for (unsigned go = seen & ~twice; go != 0; go &= go - 1) {
		int m = __builtin_ctz(go);
		cJSON *f = found[m];
		if (at[m] >= SLIM_MAX_POS)
			continue;
		bool drop;
		int t = f->type & 0xFF;
		switch (m) {
		case F_INDEX_KEY:	/* exact number texts (valuestring) are not kept: such keys stay */
			drop = t == cJSON_String || (t == cJSON_Number && f->valuestring == NULL);
			break;
		case F_SCHEMA_VERSION:
			drop = t == cJSON_Number && f->valuestring == NULL && f->valuedouble == 0 &&
			    !signbit(f->valuedouble);
			break;
		default:
			drop = t == cJSON_Array && f->child == NULL;
			break;
		}
		if (!drop)
			continue;
		if (m == F_INDEX_KEY) {
			ij->valueint |= t == cJSON_String ? 1 : 2;
			ij->valuestring = f->valuestring;
			ij->valuedouble = f->valuedouble;
		}
		ij->valueint |= (16 | at[m]) << (2 + 5 * m);
		lh_jeach_recycle(ea, detach(ij, f));
	}
}

/* Links n into o's members at index pos (at the end when o has fewer). */
static void
insert_member(cJSON *o, int pos, cJSON *n)
{
	cJSON *at = o->child;
	for (int i = 0; at != NULL && i < pos; i++)
		at = at->next;
	if (at == NULL && o->child == NULL) {
		o->child = n;
		n->prev = n;
	} else if (at == NULL) {
		cJSON *tail = o->child->prev;
		tail->next = n;
		n->prev = tail;
		o->child->prev = n;
	} else {
		n->next = at;
		n->prev = at->prev;	/* the last member when at is the first */
		if (at == o->child)
			o->child = n;
		else
			at->prev->next = n;
		at->prev = n;
	}
}

/* Puts back what slim_instance took from the instance objects of insts (a resource kept
 * verbatim), where it was; new nodes from a. */
static void
unslim(lh_arena *a, cJSON *insts)
{
	for (cJSON *ij = insts->child; ij != NULL; ij = ij->next) {
		if (!cJSON_IsObject(ij) || ij->valueint == 0)
			continue;
		/* back in the order of their positions, each lands where it was */
		for (int pos = 0; pos < SLIM_MAX_POS; pos++) {
			for (int m = 0; m < SLIM_N; m++) {
				int bits = (ij->valueint >> (2 + 5 * m)) & 31;
				if (bits != (16 | pos))
					continue;
				cJSON *n = lh_arena_alloc(a, sizeof *n);
				n->string = (char *)slim_names[m];
				if (m == 0 && (ij->valueint & 3) == 1) {
					n->type = cJSON_String;
					n->valuestring = ij->valuestring;
				} else if (m == 0) {
					n->type = cJSON_Number;
					n->valuedouble = ij->valuedouble;
					n->valueint = (int)ij->valuedouble;
				} else {
					n->type = m == 1 ? cJSON_Number : cJSON_Array;
				}
				n->type |= cJSON_StringIsConst;
				insert_member(ij, pos, n);
			}
		}
		ij->valueint = 0;
		ij->valuestring = NULL;
		ij->valuedouble = 0;
	}
}

/* What the instances of one resource share while they are loaded: its group (made at
 * its first instance) and the text of its address (lh_addr_snprint of an instance's
 * address without its key), which each instance's address text starts with. */
typedef struct {
	lh_arena *ta;	/* the load's tree arena */
	grp *g;
	bool group_provider;	/* the resource's provider is g's */
	char text[200];
	size_t len;	/* 0: too long for text (addr_key formats each whole) */
} res_load;

/* The address text of a into buf (n bytes), given r's: its length, or 0 when it does
 * not fit or its key is written with escapes (addr_key then).  It is what addr_key
 * makes (addr.c's format of a key that needs no escape). */
static size_t
inst_key_text(char *buf, size_t n, const res_load *r, const lh_addr *a)
{
	size_t len = r->len;
	if (len == 0 || len + 48 > n)
		return 0;
	memcpy(buf, r->text, len);
	if (a->kind == LH_KEY_INT) {
		char d[24];
		size_t k = 0;
		unsigned long long v = (unsigned long long)a->index;	/* >= 0 */
		do
			d[k++] = (char)('0' + v % 10);
		while ((v /= 10) != 0);
		buf[len++] = '[';
		while (k > 0)
			buf[len++] = d[--k];
		buf[len++] = ']';
	} else if (a->kind == LH_KEY_STR) {
		size_t kl = 0;
		for (const unsigned char *p = (const unsigned char *)a->key; *p; p++, kl++)
			if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\' || *p == '$' ||
			    *p == '%')
				return 0;
		if (len + kl + 5 > n)
			return 0;
		buf[len++] = '[';
		buf[len++] = '"';
		memcpy(buf + len, a->key, kl);
		len += kl;
		buf[len++] = '"';
		buf[len++] = ']';
	}
	buf[len] = '\0';
#ifdef LH_ASAN
	/* sanitizer builds (CI's) check that it is addr_key's text */
	char *k = addr_key(a);
	if (strcmp(k, buf) != 0)
		abort();
	free(k);
#endif
	return len;
}

/* Validates and takes one instance object of resource r; returns NULL with *why set. */
static inst *
load_instance(lh_state *st, res_load *r, const char *type, const char *name,
    const char *provider, bool data, cJSON *ij, const char **why)
{
	lh_addr a = {.type = type, .name = name, .kind = LH_KEY_NONE, .data = data};
	/* the first member of each name, as a look-up by name finds it */
	cJSON *fld[F_N] = {NULL};
	for (cJSON *f = ij->child; f != NULL; f = f->next) {
		int m = field_of(f);
		if (m < F_N && fld[m] == NULL)
			fld[m] = f;
	}
	/* index_key, also when slim_instance moved it into ij's own fields */
	cJSON ktmp;
	const cJSON *k = fld[F_INDEX_KEY];
	if (k == NULL && (ij->valueint & 3) != 0) {
		memset(&ktmp, 0, sizeof ktmp);
		ktmp.type = (ij->valueint & 3) == 1 ? cJSON_String : cJSON_Number;
		ktmp.valuestring = (ij->valueint & 3) == 1 ? ij->valuestring : NULL;
		ktmp.valuedouble = ij->valuedouble;
		k = &ktmp;
	}
	if (k != NULL) {
		if ((k->type & 0xFF) == cJSON_String) {
			a.kind = LH_KEY_STR;
			a.key = k->valuestring;
		} else if ((k->type & 0xFF) == cJSON_Number && k->valuedouble >= 0 &&
		    k->valuedouble == floor(k->valuedouble) && k->valuedouble < 9e15) {
			a.kind = LH_KEY_INT;
			a.index = (long long)k->valuedouble;
		} else {
			*why = "index_key must be a whole number or a string";
			return NULL;
		}
	}
	cJSON *attrs = fld[F_ATTRS];
	if (attrs == NULL || (attrs->type & 0xFF) != cJSON_Object) {
		*why = fld[F_ATTRS_FLAT] != NULL
		    ? "attributes_flat (state format version 3 leftovers) is not supported"
		    : "attributes must be an object";
		return NULL;
	}
	cJSON *sens = fld[F_SENSITIVE];
	if (sens != NULL && (sens->type & 0xFF) != cJSON_Array) {
		*why = "sensitive_attributes must be an array";
		return NULL;
	}
	cJSON *deps = fld[F_DEPS];
	if (deps != NULL && (deps->type & 0xFF) != cJSON_Array) {
		*why = "dependencies must be an array";
		return NULL;
	}
	const cJSON *sv = fld[F_SCHEMA_VERSION];
	if (sv != NULL && !((sv->type & 0xFF) == cJSON_Number && sv->valuedouble == 0)) {
		*why = "schema_version must be 0 (litehcl knows schema version 0 only)";
		return NULL;
	}
	if (fld[F_DEPOSED] != NULL) {
		*why = "it is a deposed object (left by a create_before_destroy replacement that "
		    "did not finish); litehcl does not manage deposed objects: let Terraform finish "
		    "that apply, or delete the object on the server and remove this instance from "
		    "the file";
		return NULL;
	}
	char buf[256], *key = buf;
	size_t klen = inst_key_text(buf, sizeof buf, r, &a);
	if (klen == 0) {
		key = addr_key(&a);
		klen = strlen(key);
	}
	uint64_t h = lh_hash_bytes(key, klen);
	inst *in = NULL;
	if (lookup_h(st, key, h) != NULL) {
		*why = "the same instance is listed twice";
	} else {
		if (r->g == NULL)
			r->g = grp_get(st, type, name, true);
		in = new_inst_keyed(st, r->ta, r->g, &a, provider, key, klen, h, r->group_provider);
		/* the resource's next instances (same provider string, group count > 0) get
		 * the group's provider when this one did */
		r->group_provider = in->pub.provider == r->g->provider;
	}
	if (key != buf)
		free(key);
	if (in == NULL)
		return NULL;
	/* the trees stay in the load's arena (keys shared, nodes without malloc headers):
	 * the state never changes a tree it holds, it replaces it */
	in->pub.attributes = detach(ij, attrs);
	in->held = IN_ARENA_ATTRS;
	/* [] (nearly every instance's) is empty_array; the parsed one stays in ij */
	in->pub.sensitive_attributes = sens != NULL && sens->child != NULL ?
	    detach(ij, sens) : &empty_array;
	in->pub.dependencies = deps != NULL && deps->child != NULL ?
	    detach(ij, deps) : &empty_array;
	in->held |= IN_ARENA_SENS | IN_ARENA_DEPS;
	/* the other fields (status, private ...) verbatim, in a tree of their own */
	for (const cJSON *f = ij->child; f != NULL; f = f->next) {
		if (field_of(f) < SLIM_N)
			continue;	/* (an empty one is left in ij) */
		if (in->extra == NULL)
			in->extra = cJSON_CreateObject();
		cJSON_AddItemToObject(in->extra, f->string, cJSON_Duplicate(f, true));
	}
	return in;
}

/* An instance's type and id, looked up once for duplicate_ids' sort. */
typedef struct {
	const char *type, *id;
	const inst *in;
} type_id;

static int
cmp_type_id(const void *x, const void *y)
{
	const type_id *a = x, *b = y;
	int c = strcmp(a->type, b->type);
	if (c != 0)
		return c;
	c = strcmp(a->id, b->id);
	return c != 0 ? c : lh_addr_cmp(&a->in->pub.addr, &b->in->pub.addr);
}

/* Whether two of v[0..n) have the same type and id: one pass through a hash table
 * (the sort that names them is then needed only when they do). */
static bool
any_duplicate(const type_id *v, size_t n)
{
	size_t cap = 16;
	while (cap < 2 * n)
		cap *= 2;
	const type_id **slot = lh_xmalloc(cap * sizeof *slot);
	memset(slot, 0, cap * sizeof *slot);
	bool dup = false;
	for (size_t i = 0; i < n && !dup; i++) {
		/* by the id alone: equal ids of two types share a chain, told apart there */
		uint64_t h = lh_hash_bytes(v[i].id, strlen(v[i].id));
		size_t j = (size_t)h & (cap - 1);
		for (; slot[j] != NULL && !dup; j = (j + 1) & (cap - 1))
			dup = strcmp(slot[j]->id, v[i].id) == 0 && strcmp(slot[j]->type, v[i].type) == 0;
		slot[j] = &v[i];
	}
	free(slot);
	return dup;
}

/* One server object managed at two addresses (of the same type) would be created,
 * updated or destroyed twice: refused.  Returns a malloc'd reason or NULL. */
static char *
duplicate_ids(lh_state *st)
{
	type_id *v = lh_xmalloc((st->n + 1) * sizeof *v);
	size_t n = 0;
	char *why = NULL;
	const char *id_shared = lh_intern("id");
	for (size_t i = 0; i < st->n; i++) {
		/* cJSON_GetObjectItemCaseSensitive's "id", its shared copy found by pointer */
		const cJSON *id = st->v[i]->pub.attributes ? st->v[i]->pub.attributes->child : NULL;
		for (; id != NULL && id->string != NULL; id = id->next)
			if (id->string == id_shared || (id->string[0] == 'i' && strcmp(id->string, "id") == 0))
				break;
		if (id != NULL && id->string == NULL)
			id = NULL;
		/* data sources read objects others manage: any number may read one */
		if (id != NULL && (id->type & 0xFF) == cJSON_String && *id->valuestring &&
		    !st->v[i]->pub.addr.data)
			v[n++] = (type_id){st->v[i]->pub.addr.type, id->valuestring, st->v[i]};
	}
	/* states list their instances by type, and litehcl's ids are often in order
	 * too: one pass tells */
	size_t k = 1;
	while (k < n && cmp_type_id(&v[k - 1], &v[k]) <= 0)
		k++;
	if (k < n) {
		if (!any_duplicate(v, n)) {
			free(v);
			return NULL;
		}
		qsort(v, n, sizeof *v, cmp_type_id);
	}
	for (size_t i = 1; i < n && why == NULL; i++) {
		if (strcmp(v[i - 1].type, v[i].type) != 0 || strcmp(v[i - 1].id, v[i].id) != 0)
			continue;
		const char *x = lh_addr_format(st->arena, &v[i - 1].in->pub.addr);
		const char *y = lh_addr_format(st->arena, &v[i].in->pub.addr);
		why = lh_xprintf("%s and %s both hold the object with id \"%s\"; one object must be "
		    "managed at one address (two would create, change or destroy it twice). Remove "
		    "one of the two instances from the file (keep a copy)", x, y, v[i].id);
	}
	free(v);
	return why;
}

/* A lineage litehcl can carry: 1..LH_UUID_LEN+4 printable ASCII characters (Terraform
 * writes a UUID). */
static bool
lineage_ok(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if ((unsigned char)s[n] <= 0x20 || (unsigned char)s[n] >= 0x7f)
			return false;
	return n > 0 && n <= LH_UUID_LEN + 4;
}

static const char TEXT_AGAIN[] = "read it again";

/* Parses text into st, giving its pages back as it goes when tr says it may.  Returns
 * NULL on success, else a reason (static or malloc'd in *owned), or TEXT_AGAIN when
 * the parse failed after pages were given back: the reason must be found in the whole
 * text, read again. */
static const char *
load_text(lh_state *st, const char *text, size_t len, char **owned, text_release *tr)
{
	const char *end = NULL, *why = NULL;
	lh_arena *ta = lh_arena_new();
	add_tarena(st, ta);
	pthread_once(&inst_once, inst_names_init);
	/* numbers exact; each instance slimmed as it is parsed (resources[i].instances[j]),
	 * the nodes it drops the next one's */
	cJSON *doc = lh_json_parse_each(ta, text, len, &end, "instances", 3, slim_instance,
	    tr);
	*owned = NULL;
	/* (a mapped file truncated meanwhile: read it again, as it is now) */
	bool trunc = tr != NULL && tr->file && bus_hit(tr->base);
	if ((doc == NULL && tr != NULL && tr->gone) || trunc)
		return TEXT_AGAIN;
	if (doc == NULL) {
		size_t off = end ? (size_t)(end - text) : 0;
		bool deep = lh_json_too_deep(text, len);
		if (tr != NULL && tr->file && bus_hit(tr->base))
			return TEXT_AGAIN;
		if (deep)
			*owned = lh_xprintf("its JSON is nested deeper than %d levels, the most litehcl "
			    "reads (at byte %zu)", LH_JSON_MAX_DEPTH, off);
		else
			*owned = lh_xprintf("it is not valid JSON (syntax error at byte %zu)", off);
		return *owned;
	}
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(doc, "version");
	const cJSON *lin = cJSON_GetObjectItemCaseSensitive(doc, "lineage");
	const cJSON *ser = cJSON_GetObjectItemCaseSensitive(doc, "serial");
	cJSON *outs = cJSON_GetObjectItemCaseSensitive(doc, "outputs");
	cJSON *res = cJSON_GetObjectItemCaseSensitive(doc, "resources");
	if (!cJSON_IsObject(doc)) {
		why = "it is not a JSON object";
	} else if (!cJSON_IsNumber(ver)) {
		why = "it has no \"version\" number";
	} else if (ver->valuedouble != 4) {
		*owned = lh_xprintf("it is state format version %g; litehcl reads version 4 only "
		    "(written by Terraform 0.12 and later)", ver->valuedouble);
		why = *owned;
	} else if (!cJSON_IsString(lin) || !lineage_ok(lin->valuestring)) {
		why = "its \"lineage\" is missing or not a UUID string";
	} else if (!cJSON_IsNumber(ser) || ser->valuedouble < 0 || ser->valuedouble != floor(ser->valuedouble)) {
		why = "its \"serial\" is missing or not a whole number";
	} else if (ser->valuedouble >= 9007199254740991.0) {
		/* A JSON number is a double here: beyond 2^53-1 the next serial cannot be
		 * written exactly (and 2^63-1 would wrap negative). */
		why = "its \"serial\" is too large to grow (litehcl counts serials up to "
		    "9007199254740990); lower it by hand, it only has to grow";
	} else if (outs != NULL && !cJSON_IsObject(outs)) {
		why = "its \"outputs\" is not an object";
	} else if (res != NULL && !cJSON_IsArray(res)) {
		why = "its \"resources\" is not an array";
	}
	if (why != NULL)
		goto out;
	snprintf(st->lineage, sizeof st->lineage, "%s", lin->valuestring);
	st->serial = (long long)ser->valuedouble;
	{
		const cJSON *cr = cJSON_GetObjectItemCaseSensitive(doc, "check_results");
		cJSON_Delete(st->check_results);
		st->check_results = cJSON_IsArray(cr) ? cJSON_Duplicate(cr, 1) : NULL;
	}
	if (outs != NULL) {
		for (const cJSON *o = outs->child; o; o = o->next) {
			if (!cJSON_IsObject(o) || !cJSON_GetObjectItemCaseSensitive(o, "value")) {
				*owned = lh_xprintf("output \"%s\" has no value", o->string ? o->string : "");
				why = *owned;
				goto out;
			}
		}
		cJSON_Delete(st->outputs);
		st->outputs = cJSON_Duplicate(outs, true);	/* changed by the run */
	}
	/* room for every instance listed (fewer if some are not ours) */
	size_t listed = 0;
	for (cJSON *r = res ? res->child : NULL; r; r = r->next) {
		cJSON *insts = cJSON_GetObjectItemCaseSensitive(r, "instances");
		for (cJSON *ij = cJSON_IsArray(insts) ? insts->child : NULL; ij; ij = ij->next)
			listed++;
	}
	reserve(st, listed);
	int ri = 0;
	for (cJSON *r = res ? res->child : NULL; r; r = r->next, ri++) {
		const cJSON *mode = cJSON_GetObjectItemCaseSensitive(r, "mode");
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(r, "type");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(r, "name");
		const cJSON *prov = cJSON_GetObjectItemCaseSensitive(r, "provider");
		cJSON *insts = cJSON_GetObjectItemCaseSensitive(r, "instances");
		if (!cJSON_IsObject(r) || !cJSON_IsString(mode) || !cJSON_IsString(type) ||
		    !cJSON_IsString(name) || !cJSON_IsString(prov) || !cJSON_IsArray(insts)) {
			*owned = lh_xprintf("resources[%d] lacks one of mode, type, name, provider, "
			    "instances", ri);
			why = *owned;
			goto out;
		}
		bool data = strcmp(mode->valuestring, "data") == 0;
		if ((!data && strcmp(mode->valuestring, "managed") != 0) ||
		    cJSON_GetObjectItemCaseSensitive(r, "module") != NULL) {
			/* Not ours to interpret: carried over unchanged. */
			unslim(ta, insts);
			cJSON_AddItemToArray(st->extra_resources, cJSON_Duplicate(r, true));
			continue;
		}
		/* Instances of one resource may have keys of different kinds (a resource
		 * that went from count to for_each while a destroy failed): Terraform loads
		 * them and plans the ones the configuration no longer has for destroy. */
		res_load rl = {.ta = ta};
		lh_addr ra = {.type = type->valuestring, .name = name->valuestring,
		    .kind = LH_KEY_NONE, .data = data};
		rl.len = lh_addr_snprint(rl.text, sizeof rl.text, &ra);
		if (rl.len >= sizeof rl.text)
			rl.len = 0;
		int ii = 0;
		for (cJSON *ij = insts->child; ij; ij = ij->next, ii++) {
			const char *w = NULL;
			inst *in = cJSON_IsObject(ij) ? load_instance(st, &rl, type->valuestring,
			    name->valuestring, prov->valuestring, data, ij, &w) : NULL;
			if (in == NULL) {
				*owned = lh_xprintf("resources[%d] (%s.%s) instances[%d]: %s", ri,
				    type->valuestring, name->valuestring, ii,
				    w ? w : "not an object");
				why = *owned;
				goto out;
			}
			add_inst(st, in);
		}
	}
	why = *owned = duplicate_ids(st);
out:
	return why;	/* doc's nodes go with the arena (instances' trees are in it) */
}

static void
free_contents(lh_state *st)
{
	for (size_t i = 0; i < st->n; i++)
		inst_free(st->v[i]);
	st->n = 0;
	free(st->v);
	free(st->slots);
	free(st->sorted);
	st->v = st->slots = st->sorted = NULL;
	st->nslots = st->cap = 0;
	grps_free(st);
}

/* ---- locking ---- */

static int
ofd_lock(int fd)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
	return fcntl(fd, F_OFD_SETLK, &fl);
}

static void
who(char *out, size_t n)
{
	char host[256] = "localhost";
	const char *user = NULL;
	struct passwd *pw = getpwuid(geteuid());
	if (pw != NULL)
		user = pw->pw_name;
	if (user == NULL)
		user = getenv("USER");
	if (gethostname(host, sizeof host - 1) != 0)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	snprintf(out, n, "%s@%s", user ? user : "unknown", host);
}

/* Go's RFC3339Nano: 2026-11-27T13:53:24.53896986Z (trailing zeros trimmed). */
static void
rfc3339_now(char *out, size_t n)
{
	struct timespec ts;
	struct tm tm;
	char frac[16];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(frac, sizeof frac, "%09ld", ts.tv_nsec);
	for (int i = 8; i >= 0 && frac[i] == '0'; i--)
		frac[i] = '\0';
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d%s%sZ", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac[0] ? "." : "", frac);
}

/* Terraform shows Created as "2026-11-27 13:53:24.53896986 +0000 UTC". */
static char *
created_display(const char *c)
{
	if (c == NULL || strlen(c) < 20 || c[10] != 'T')
		return lh_xstrdup(c ? c : "");
	char *s = lh_xstrdup(c);
	s[10] = ' ';
	size_t n = strlen(s);
	if (s[n - 1] == 'Z')
		s[n - 1] = '\0';
	char *r = lh_xprintf("%s +0000 UTC", s);
	free(s);
	return r;
}

static void lock_error_info(lh_state *st, lh_diags *d, const cJSON *info,
    const char *errmsg);

static void
lock_error(lh_state *st, lh_diags *d, int fd, const char *errmsg)
{
	char *text = NULL;
	size_t len = 0;
	cJSON *info = NULL;
	/* The holder writes its info right after locking; give it a moment. */
	for (int i = 0; i < 20 && fd >= 0; i++) {
		free(text);
		text = read_fd(fd, &len);
		if (text != NULL && len > 0)
			break;
		usleep(10000);
	}
	if (text != NULL && len > 0)
		info = cJSON_ParseWithLength(text, len);
	lock_error_info(st, d, info, errmsg);
	cJSON_Delete(info);
	free(text);
}

/* The lock error in Terraform's layout, with the lock information info (the holder's
 * for the local backend; for remote backends, as Terraform does, the information this
 * run tried to lock with). */
static void
lock_error_info(lh_state *st, lh_diags *d, const cJSON *info, const char *errmsg)
{
	const char *f[6] = {"ID", "Path", "Operation", "Who", "Version", "Created"};
	const char *v[6];
	for (int i = 0; i < 6; i++) {
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(info, f[i]);
		v[i] = cJSON_IsString(x) ? x->valuestring : "";
	}
	const cJSON *ix = cJSON_GetObjectItemCaseSensitive(info, "Info");
	char *created = created_display(v[5]);
	lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Error acquiring the state lock",
	    "Error message: %s\nLock Info:\n  ID:        %s\n  Path:      %s\n"
	    "  Operation: %s\n  Who:       %s\n  Version:   %s\n  Created:   %s\n"
	    "  Info:      %s\n\n"
	    "litehcl acquires a state lock to protect the state from being written\n"
	    "by multiple users at the same time. Please resolve the issue above and try\n"
	    "again. For most commands, you can disable locking with the \"-lock=false\"\n"
	    "flag, but this is not recommended.",
	    errmsg, v[0], v[1][0] ? v[1] : st->path, v[2], v[3], v[4], created,
	    cJSON_IsString(ix) ? ix->valuestring : "");
	free(created);
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One attempt.  Returns 1 locked, 0 held by someone else (*busy_fd open on the
 * lock-info file for reading the holder's info, or -1), -1 I/O error (diag added). */
static int
try_lock(lh_state *st, int *busy_fd, lh_diags *d)
{
	*busy_fd = -1;
	for (int tries = 0; tries < 100; tries++) {
		/* Never through a symbolic link: the lock info would be written into (and
		 * on unlock the link removed from) whatever file it points at. */
		int fd = open(st->info_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0 && errno == ELOOP) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Error acquiring the state lock",
			    "The lock file %s is a symbolic link; litehcl does not open lock files "
			    "through links. Remove it (no run holds a lock through it).", st->info_path);
			return -1;
		}
		if (fd < 0) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Error acquiring the state lock",
			    "Cannot create the lock file %s: %s.", st->info_path, strerror(errno));
			return -1;
		}
		if (ofd_lock(fd) != 0) {
			if (errno == EAGAIN || errno == EACCES) {
				*busy_fd = fd;
				return 0;
			}
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Error acquiring the state lock",
			    "Cannot lock %s: %s.", st->info_path, strerror(errno));
			close(fd);
			return -1;
		}
		/* The previous holder may have unlinked the file between our open and our
		 * lock: then we locked an orphan inode.  Start again. */
		struct stat a, b;
		if (fstat(fd, &a) != 0 || stat(st->info_path, &b) != 0 ||
		    a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
			close(fd);
			continue;
		}
		/* Terraform compatibility: Terraform's lock is an fcntl lock on the state file
		 * itself, which it creates (empty) when missing.  Do the same, so that the two
		 * exclude each other in every starting condition (no file, empty, a state);
		 * an empty file we created is removed again on unlock if nothing was saved. */
		int sfd = open(st->path, O_RDWR | O_CLOEXEC);
		if (sfd < 0 && errno == ENOENT) {
			sfd = open(st->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
			if (sfd >= 0)
				st->created_empty = true;
			else if (errno == EEXIST)
				sfd = open(st->path, O_RDWR | O_CLOEXEC);
		}
		if (sfd >= 0 && ofd_lock(sfd) != 0) {
			int e = errno;
			close(sfd);
			if (e == EAGAIN || e == EACCES) {
				/* Terraform holds it; its info is in the file we opened. */
				*busy_fd = fd;
				return 0;
			}
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Error acquiring the state lock",
			    "Cannot lock %s: %s.", st->path, strerror(e));
			close(fd);
			return -1;
		}
		st->info_fd = fd;
		st->state_fd = sfd;
		return 1;
	}
	lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Error acquiring the state lock",
	    "The lock file %s keeps being replaced by other processes.", st->info_path);
	return -1;
}

/* Terraform's lock information for this run (a fresh ID), as a cJSON object. */
static cJSON *
lock_info(lh_state *st, const char *path)
{
	char w[300], created[64];
	who(w, sizeof w);
	rfc3339_now(created, sizeof created);
	if (!lh_uuid_v4(st->lock_id))
		snprintf(st->lock_id, sizeof st->lock_id, "%ld", (long)getpid());
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "ID", st->lock_id);
	cJSON_AddStringToObject(o, "Operation", st->operation);
	cJSON_AddStringToObject(o, "Info", "litehcl " LH_VERSION);
	cJSON_AddStringToObject(o, "Who", w);
	cJSON_AddStringToObject(o, "Version", LH_STATE_TF_VERSION);
	cJSON_AddStringToObject(o, "Created", created);
	cJSON_AddStringToObject(o, "Path", path);
	return o;
}

static bool
write_lock_info(lh_state *st, lh_diags *d)
{
	cJSON *o = lock_info(st, st->path);
	char *text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	bool ok = text != NULL && ftruncate(st->info_fd, 0) == 0 &&
	    pwrite(st->info_fd, text, strlen(text), 0) == (ssize_t)strlen(text);
	if (!ok)
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Error acquiring the state lock",
		    "Cannot write the lock information to %s: %s.", st->info_path, strerror(errno));
	free(text);
	return ok;
}

static bool
acquire(lh_state *st, double timeout_s, lh_diags *d)
{
	double deadline = now_s() + (timeout_s > 0 ? timeout_s : 0);
	double delay = 0.05;
	for (;;) {
		int busy = -1;
		int r = try_lock(st, &busy, d);
		if (r < 0)
			return false;
		if (r == 1) {
			st->locked = true;
			if (!write_lock_info(st, d))
				return false;
			return true;
		}
		if (now_s() >= deadline) {
			lock_error(st, d, busy, "resource temporarily unavailable");
			close(busy);
			return false;
		}
		close(busy);
		double left = deadline - now_s();
		double s = delay < left ? delay : left;
		if (s > 0)
			usleep((useconds_t)(s * 1e6));
		delay = delay * 2 > 1.0 ? 1.0 : delay * 2;
	}
}

/* Locking through a remote backend's store: the same retry schedule as the local lock;
 * the store names the reason (and the holder, where the backend knows it). */
static bool
store_acquire(lh_state *st, double timeout_s, lh_diags *d)
{
	double deadline = now_s() + (timeout_s > 0 ? timeout_s : 0);
	double delay = 0.05;
	cJSON *info = lock_info(st, "");
	char *text = cJSON_PrintUnformatted(info);
	bool ok = false;
	for (;;) {
		char *why = NULL;
		int r = st->store->ops->lock(st->store, text, &why, d);
		if (r < 0)
			break;
		if (r == 1) {
			st->store_locked = true;
			ok = true;
			break;
		}
		if (now_s() >= deadline) {
			lock_error_info(st, d, info, why ? why : "the state is locked");
			free(why);
			break;
		}
		free(why);
		double left = deadline - now_s();
		double s = delay < left ? delay : left;
		if (s > 0)
			usleep((useconds_t)(s * 1e6));
		delay = delay * 2 > 1.0 ? 1.0 : delay * 2;
	}
	free(text);
	cJSON_Delete(info);
	return ok;
}

static void
release(lh_state *st)
{
	if (st->store_locked) {
		lh_diags tmp;
		lh_arena *a = lh_arena_new();
		lh_diags_init(&tmp, a);
		st->store->ops->unlock(st->store, &tmp);
		lh_arena_free(a);
		st->store_locked = false;
	}
	if (!st->locked)
		return;
	/* Unlink while still holding the lock, so whoever locks next checks the inode and
	 * never shares one with us. */
	unlink(st->info_path);
	/* The empty state file created only to lock it goes too (Terraform does the same),
	 * still under the lock, and only if it is still the empty file we created. */
	if (st->created_empty && st->state_fd >= 0) {
		struct stat a, b;
		if (fstat(st->state_fd, &a) == 0 && a.st_size == 0 && lstat(st->path, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			unlink(st->path);
	}
	if (st->state_fd >= 0)
		close(st->state_fd);
	close(st->info_fd);
	st->state_fd = st->info_fd = -1;
	st->locked = false;
}

/* Removes the temporary files a run killed in the middle of a save left beside the
 * state and its backup (".NAME.tmp.XXXXXX", mkostemp's six characters).  Only while
 * holding the lock: then no other (locking) run can be in the middle of a save. */
static void
remove_stale_temps(lh_state *st)
{
	char *target = link_target(st->path);
	const char *files[2][2] = {{st->dir, base_of(st->backup_path)}, {NULL, base_of(target)}};
	char *tdir = dir_of(target);
	files[1][0] = tdir;
	for (int f = 0; f < 2; f++) {
		DIR *dh = opendir(files[f][0]);
		if (dh == NULL)
			continue;
		char *prefix = lh_xprintf(".%s.tmp.", files[f][1]);
		size_t pl = strlen(prefix);
		struct dirent *e;
		while ((e = readdir(dh)) != NULL) {
			if (strncmp(e->d_name, prefix, pl) != 0 || strlen(e->d_name) != pl + 6)
				continue;
			bool ours = true;
			for (const char *c = e->d_name + pl; *c; c++)
				if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
					ours = false;
			if (ours)
				unlinkat(dirfd(dh), e->d_name, 0);
		}
		free(prefix);
		closedir(dh);
	}
	free(tdir);
	free(target);
}

/* ---- journal ---- */

static bool journal_replay(lh_state *st, lh_diags *d, bool *had_records);

bool
lh_state_open(const lh_state_opts *o, lh_state **out, lh_diags *d)
{
	lh_state *st = state_alloc(o);
	char *text = NULL, *why_owned = NULL;
	size_t len = 0, mapped = 0;
	bool ok = false, file = false;
	*out = NULL;
	struct stat psb;
	if (st->store == NULL && stat(st->path, &psb) == 0 && !S_ISREG(psb.st_mode)) {
		/* Checked before anything locks, opens or reads it: reading a FIFO blocks,
		 * and a save would replace a device node with a file. */
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to load state",
		    "%s is %s, not a regular file; the state must be a file (or a link to one).",
		    st->path, file_kind(psb.st_mode));
		goto out;
	}
	if (st->store != NULL) {
		if (!o->no_lock && !store_acquire(st, o->lock_timeout_s, d))
			goto out;
		int r = st->store->ops->read(st->store, &text, &len, d);
		if (r < 0)
			goto out;
		goto loaded;
	}
	if (!o->no_lock && !acquire(st, o->lock_timeout_s, d))
		goto out;
	if (st->locked && !st->read_only)
		remove_stale_temps(st);
	int fd = st->state_fd;
	bool own_fd = false;
	if (fd < 0) {
		fd = open(st->path, O_RDONLY | O_CLOEXEC);
		own_fd = true;
	}
	if (fd < 0 && errno != ENOENT) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to load state",
		    "Cannot open the state file %s: %s.", st->path, strerror(errno));
		goto out;
	}
	if (fd >= 0) {
		text = read_state_text(fd, &len, &mapped, &file, true);
		int e = errno;
		if (own_fd)
			close(fd);
		if (text == NULL) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to load state",
			    "Cannot read the state file %s: %s.", st->path, strerror(e));
			goto out;
		}
	}
loaded:;
	size_t i = 0;
	/* (a NUL is not white space: a file of zero bytes left by a crash is corrupt, not
	 * an empty state to be overwritten) */
	while (text != NULL && i < len && text[i] != '\0' && strchr(" \t\r\n", text[i]))
		i++;
	if (text != NULL && i < len) {
		text_release tr = {text, mapped, 0, false, file};
		const char *why = load_text(st, text, len, &why_owned, &tr);
		if (why == TEXT_AGAIN) {
			/* its failure is told from the whole text (read, not mapped) */
			text_free(text, mapped, file);
			text = NULL;
			mapped = 0;
			file = false;
			int fd2 = st->state_fd >= 0 ? st->state_fd : open(st->path, O_RDONLY | O_CLOEXEC);
			if (fd2 >= 0) {
				text = read_state_text(fd2, &len, &mapped, &file, false);
				if (fd2 != st->state_fd)
					close(fd2);
			}
			why = text != NULL ? load_text(st, text, len, &why_owned, NULL) :
			    "it could not be read a second time, to say what is wrong with it";
		}
		if (why != NULL) {
			if (st->store != NULL)
				lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to load state",
				    "The state stored in %s cannot be used: %s. litehcl has left it "
				    "untouched.", st->path, why);
			else
				lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to load state",
				    "The state file %s cannot be used: %s. litehcl has left it untouched; "
				    "restore it (for example from %s) or move it away.", st->path, why,
				    st->backup_path);
			goto out;
		}
		st->existed = true;
		st->has_orig = true;
	} else {
		if (!lh_uuid_v4(st->lineage)) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to create state",
			    "Cannot read the system's random source to make a lineage.");
			goto out;
		}
		st->serial = 0;
	}
	/* the text and its parse are gone: what is kept is the instances */
	text_free(text, mapped, file);
	text = NULL;
	if (!st->read_only)
		render_digest(st, st->base);
	bool had = false;
	if (!journal_replay(st, d, &had))
		goto out;
	if (had && st->nintents == 0 && !st->read_only) {
		if (!lh_state_save(st, d))
			goto out;
	}
	ok = true;
out:
	text_free(text, mapped, file);
	free(why_owned);
	if (!ok) {
		lh_state_close(st);
		return false;
	}
	*out = st;
	return true;
}

static void ids_free(lh_state *st);

void
lh_state_close(lh_state *st)
{
	if (st == NULL)
		return;
	if (st->jfd >= 0) {
		if (st->jdirty)
			fdatasync(st->jfd);
		close(st->jfd);
	}
	if (st->store != NULL && st->jdirty) {
		lh_diags tmp;
		lh_arena *a = lh_arena_new();
		lh_diags_init(&tmp, a);
		st->store->ops->journal_sync(st->store, &tmp);
		lh_arena_free(a);
	}
	release(st);
	lh_store_free(st->store);
	if (st->leave_memory)
		st->n = st->ngraves = st->ntarenas = 0;	/* the instances go with the process */
	else
		ids_free(st);
	free_contents(st);
	for (size_t i = 0; i < st->ngraves; i++)
		cJSON_Delete(st->graves[i]);
	free(st->graves);
	for (size_t i = 0; i < st->ntarenas; i++)
		lh_arena_free(st->tarenas[i]);
	free(st->tarenas);
	cJSON_Delete(st->outputs);
	cJSON_Delete(st->extra_resources);
	cJSON_Delete(st->check_results);
	free(st->path);
	free(st->info_path);
	free(st->journal_path);
	lh_buf_free(&st->jline);
	free(st->backup_path);
	free(st->dir);
	free(st->provider);
	free(st->intents);
	live_free(st);
	lh_arena_free(st->arena);
	free(st);
}

/* Opens the journal for appending, creating it with its header line. */
static bool
journal_open(lh_state *st, lh_diags *d)
{
	if (st->jfd >= 0)
		return true;
	if (st->read_only) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot write the state journal",
		    "The state was opened read-only.");
		return false;
	}
	if (st->store != NULL) {
		if (st->jexists)
			return true;
		char *h = lh_xprintf("{\"journal\":1,\"lineage\":\"%s\"}", st->lineage);
		bool ok = st->store->ops->journal_append(st->store, h, d);
		free(h);
		st->jexists = ok;
		st->jdirty |= ok;
		return ok;
	}
	int fd = open(st->journal_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	struct stat sb;
	if (fstat(fd, &sb) != 0)
		goto fail_fd;
	/* Drop a torn tail left by a crash before appending after it. */
	if (sb.st_size > 0 && st->jexists && sb.st_size != st->jgood) {
		if (ftruncate(fd, st->jgood) != 0)
			goto fail_fd;
		sb.st_size = st->jgood;
	}
	if (lseek(fd, 0, SEEK_END) < 0)
		goto fail_fd;
	if (sb.st_size == 0) {
		char *h = lh_xprintf("{\"journal\":1,\"lineage\":\"%s\"}\n", st->lineage);
		int r = write_all(fd, h, strlen(h));
		free(h);
		if (r != 0)
			goto fail_fd;
		st->jcreated_unsynced = true;
	}
	st->jfd = fd;
	st->jexists = true;
	return true;
fail_fd:
	{
		int e = errno;
		close(fd);
		errno = e;
	}
fail:
	lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot write the state journal",
	    "%s: %s.", st->journal_path, strerror(errno));
	return false;
}

/* Whether j or what follows it holds a number with an exact text (json.c). */
static bool
has_exact(const cJSON *j)
{
	for (; j != NULL; j = j->next)
		if ((cJSON_IsNumber(j) && j->valuestring != NULL) || has_exact(j->child))
			return true;
	return false;
}

/* The record's journal line (malloc'd; NULL when out of memory); rec is freed.
 * Numbers keep their exact text: a limit of 2^53+1 replays as written. */
static char *
journal_line(cJSON *rec)
{
	char *line = has_exact(rec->child) ? lh_cjson_print(rec) : cJSON_PrintUnformatted(rec);
	cJSON_Delete(rec);
	return line;
}

static bool journal_append_line(lh_state *st, char *line, lh_diags *d);

static bool
journal_append(lh_state *st, cJSON *rec, lh_diags *d)
{
	char *line = journal_line(rec);
	return journal_append_line(st, line, d);
}

/* Appends the record's text, b's bytes (one line, without its newline; b may be
 * changed). */
static bool
journal_write(lh_state *st, lh_buf *b, lh_diags *d)
{
	if (!journal_open(st, d))
		return false;
	if (st->store != NULL) {
		bool ok = st->store->ops->journal_append(st->store, b->p, d);
		st->jdirty |= ok;
		return ok;
	}
	/* One write() of the line and its newline: a crash tears at most this line. */
	lh_buf_putc(b, '\n');
	if (write_all(st->jfd, b->p, b->len) != 0) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot write the state journal",
		    "%s: %s.", st->journal_path, strerror(errno));
		return false;
	}
	st->jdirty = true;
	return true;
}

/* Appends the record's text line (taken; NULL: out of memory). */
static bool
journal_append_line(lh_state *st, char *line, lh_diags *d)
{
	if (line == NULL)
		return false;
	size_t n = strlen(line);
	lh_buf b = {.p = line, .len = n, .cap = n + 1};
	bool ok = journal_write(st, &b, d);
	lh_buf_free(&b);
	return ok;
}

/* Drops the live intent of the address key, if any. */
static void
live_drop(lh_state *st, const char *key)
{
	if (st->nlb == 0)
		return;
	uint64_t h = hash_str(key);
	for (lent **pp = &st->lb[h & (st->nlb - 1)]; *pp != NULL; pp = &(*pp)->next) {
		lent *e = *pp;
		if (e->h == h && strcmp(e->key, key) == 0) {
			*pp = e->next;
			if (e->prev_o != NULL)
				e->prev_o->next_o = e->next_o;
			else
				st->lfirst = e->next_o;
			if (e->next_o != NULL)
				e->next_o->prev_o = e->prev_o;
			else
				st->llast = e->prev_o;
			free(e->key);
			free(e->line);
			free(e);
			st->nlive--;
			return;
		}
	}
}

/* Makes line (its journal line, taken) the live intent of key, after the others. */
static void
live_add(lh_state *st, const char *key, char *line)
{
	live_drop(st, key);
	if (st->nlive + 1 > st->nlb) {
		size_t nb = st->nlb ? st->nlb * 2 : 64;
		lent **b = calloc(nb, sizeof *b);
		if (b == NULL) {
			fputs("litehcl: out of memory\n", stderr);
			abort();
		}
		for (size_t i = 0; i < st->nlb; i++)
			for (lent *e = st->lb[i], *n; e != NULL; e = n) {
				n = e->next;
				e->next = b[e->h & (nb - 1)];
				b[e->h & (nb - 1)] = e;
			}
		free(st->lb);
		st->lb = b;
		st->nlb = nb;
	}
	lent *e = lh_xmalloc(sizeof *e);
	e->h = hash_str(key);
	e->key = lh_xstrdup(key);
	e->line = line;
	e->next = st->lb[e->h & (st->nlb - 1)];
	st->lb[e->h & (st->nlb - 1)] = e;
	e->next_o = NULL;
	e->prev_o = st->llast;
	if (st->llast != NULL)
		st->llast->next_o = e;
	else
		st->lfirst = e;
	st->llast = e;
	st->nlive++;
}

static void
live_free(lh_state *st)
{
	for (lent *e = st->lfirst, *n; e != NULL; e = n) {
		n = e->next_o;
		free(e->key);
		free(e->line);
		free(e);
	}
	free(st->lb);
	st->lb = NULL;
	st->lfirst = st->llast = NULL;
	st->nlb = st->nlive = 0;
}

bool
lh_state_journal_intent(lh_state *st, const lh_addr *addr, const char *id,
    const char *op, lh_diags *d)
{
	char *key = addr_key(addr);
	lh_buf *b = &st->jline;
	b->len = 0;
	lh_buf_puts(b, "{\"op\":\"intent\",\"addr\":");
	render_string(b, key);
	lh_buf_puts(b, ",\"id\":");
	render_string(b, id ? id : "");
	lh_buf_puts(b, ",\"action\":");
	render_string(b, op ? op : "create");
	lh_buf_putc(b, '}');
	live_add(st, key, lh_xstrdup(b->p));
	free(key);
	return journal_write(st, b, d);
}

bool
lh_state_journal_done(lh_state *st, const lh_addr *addr, lh_diags *d)
{
	char *key = addr_key(addr);
	inst *in = lookup(st, key);
	live_drop(st, key);
	/* the line inst_json's record would print as, written directly (an apply writes
	 * one per instance: no copy of the instance, no second tree to print) */
	lh_buf *b = &st->jline;
	b->len = 0;
	lh_buf_puts(b, in ? "{\"op\":\"set\",\"addr\":" : "{\"op\":\"remove\",\"addr\":");
	render_string(b, key);
	free(key);
	if (in != NULL) {
		lh_buf_puts(b, ",\"instance\":{\"provider\":");
		render_string(b, in->pub.provider != NULL ? in->pub.provider : "");
		const struct {
			const char *name;
			const cJSON *v;
		} parts[] = {
			{",\"attributes\":", in->pub.attributes},
			{",\"sensitive_attributes\":", in->pub.sensitive_attributes},
			{",\"dependencies\":", in->pub.dependencies},
			{",\"extra\":", in->extra},
		};
		for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
			if (parts[i].v == NULL)
				continue;
			lh_buf_puts(b, parts[i].name);
			render_json(b, parts[i].v, -1);
		}
		lh_buf_putc(b, '}');
	}
	lh_buf_putc(b, '}');
	return journal_write(st, b, d);
}

bool
lh_state_journal_forget(lh_state *st, const lh_addr *addr, lh_diags *d)
{
	char *key = addr_key(addr);
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "op", "forget");
	cJSON_AddStringToObject(r, "addr", key);
	live_drop(st, key);
	free(key);
	return journal_append(st, r, d);
}

bool
lh_state_journal_sync(lh_state *st, lh_diags *d)
{
	if (st->store != NULL && st->jdirty) {
		if (!st->store->ops->journal_sync(st->store, d))
			return false;
		st->jdirty = false;
		st->jlast_sync = now_s();
		return true;
	}
	if (st->jfd < 0 || !st->jdirty)
		return true;
	if (fdatasync(st->jfd) != 0) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot write the state journal",
		    "fdatasync %s: %s.", st->journal_path, strerror(errno));
		return false;
	}
	if (st->jcreated_unsynced) {
		if (fsync_dir(st->dir) != 0) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Cannot write the state journal",
			    "fsync of directory %s: %s.", st->dir, strerror(errno));
			return false;
		}
		st->jcreated_unsynced = false;
	}
	st->jdirty = false;
	st->jlast_sync = now_s();
	return true;
}

bool
lh_state_journal_flush(lh_state *st, lh_diags *d)
{
	if ((st->jfd < 0 && st->store == NULL) || !st->jdirty)
		return true;
	if (now_s() - st->jlast_sync < LH_STATE_GROUP_COMMIT_S && !st->jcreated_unsynced)
		return true;	/* a later flush, sync, save or close covers these records */
	return lh_state_journal_sync(st, d);
}

const lh_state_intent *
lh_state_intents(const lh_state *st, size_t *n)
{
	*n = st->nintents;
	return st->intents;
}

static void
intent_drop(lh_state *st, const char *key)
{
	for (size_t i = 0; i < st->nintents;) {
		char *k = addr_key(&st->intents[i].addr);
		bool same = strcmp(k, key) == 0;
		free(k);
		if (same)
			st->intents[i] = st->intents[--st->nintents];
		else
			i++;
	}
}

/* The managed object id an instance holds ("" for none or a data source's). */
static const char *
managed_id(const inst *in)
{
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    in->pub.attributes, "id"));
	return id != NULL && !in->pub.addr.data ? id : "";
}

/* The slot of (type, id) in st->ids: its entry or the empty slot where it belongs. */
static struct idslot *
ids_slot(lh_state *st, const char *type, const char *id)
{
	uint64_t h = hash_str(type) * 31 ^ hash_str(id);
	size_t mask = st->nidslots - 1;
	for (size_t j = h & mask;; j = (j + 1) & mask) {
		struct idslot *e = &st->ids[j];
		if (e->type == NULL || (e->h == h && strcmp(e->type, type) == 0 &&
		    strcmp(e->id, id) == 0)) {
			e->h = h;
			return e;
		}
	}
}

/* Records that the instance at key holds (type, id). */
static void
ids_put(lh_state *st, const char *type, const char *id, const char *key)
{
	if ((st->nids + 1) * 2 > st->nidslots) {
		struct idslot *old = st->ids;
		size_t nold = st->nidslots;
		st->nidslots = nold ? nold * 2 : 64;
		while (st->nidslots < (st->nids + 1) * 2)
			st->nidslots *= 2;
		st->ids = calloc(st->nidslots, sizeof *st->ids);
		if (st->ids == NULL) {
			fputs("litehcl: out of memory\n", stderr);
			abort();
		}
		for (size_t i = 0; i < nold; i++)
			if (old[i].type != NULL)
				*ids_slot(st, old[i].type, old[i].id) = old[i];
		free(old);
	}
	struct idslot *e = ids_slot(st, type, id);
	if (e->type == NULL) {
		e->type = lh_xstrdup(type);
		e->id = lh_xstrdup(id);
		st->nids++;
	} else {
		free(e->addr);
	}
	e->addr = lh_xstrdup(key);
}

static void
ids_free(lh_state *st)
{
	for (size_t i = 0; i < st->nidslots; i++) {
		free(st->ids[i].type);
		free(st->ids[i].id);
		free(st->ids[i].addr);
	}
	free(st->ids);
	st->ids = NULL;
	st->nidslots = st->nids = 0;
}

/* The address other than key that holds the managed object (type, id) now, or NULL.
 * Indexes the instances at the first call. */
static const char *
ids_holder(lh_state *st, const char *type, const char *id, const char *key)
{
	if (st->nidslots == 0) {
		for (size_t i = 0; i < st->n; i++)
			if (*managed_id(st->v[i]))
				ids_put(st, st->v[i]->pub.addr.type, managed_id(st->v[i]),
				    st->v[i]->key);
		if (st->nidslots == 0)
			return NULL;
	}
	struct idslot *e = ids_slot(st, type, id);
	if (e->type == NULL || strcmp(e->addr, key) == 0)
		return NULL;
	const inst *in = lookup(st, e->addr);
	if (in == NULL || strcmp(in->pub.addr.type, type) != 0 || strcmp(managed_id(in), id) != 0)
		return NULL;	/* stale: removed, or holding another object now */
	return e->addr;
}

/* Applies one journal record.  Returns NULL, or why it is unusable (*owned: a
 * malloc'd reason to free). */
static const char *
replay_record(lh_state *st, cJSON *r, char **owned)
{
	const cJSON *op = cJSON_GetObjectItemCaseSensitive(r, "op");
	const cJSON *as = cJSON_GetObjectItemCaseSensitive(r, "addr");
	lh_addr a;
	const char *err;
	if (!cJSON_IsString(op) || !cJSON_IsString(as))
		return "record without op or addr";
	if (!lh_addr_parse_any(st->arena, as->valuestring, &a, &err))
		return err;
	char *key = addr_key(&a);
	const char *why = NULL;
	if (strcmp(op->valuestring, "intent") == 0) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, "id");
		const cJSON *ac = cJSON_GetObjectItemCaseSensitive(r, "action");
		intent_drop(st, key);
		st->intents = realloc(st->intents, (st->nintents + 1) * sizeof *st->intents);
		if (st->intents == NULL)
			abort();
		lh_state_intent *it = &st->intents[st->nintents++];
		it->addr = a;
		it->id = lh_arena_strdup(st->arena, cJSON_IsString(id) ? id->valuestring : "");
		it->op = lh_arena_strdup(st->arena, cJSON_IsString(ac) ? ac->valuestring : "create");
	} else if (strcmp(op->valuestring, "set") == 0) {
		cJSON *in = cJSON_GetObjectItemCaseSensitive(r, "instance");
		cJSON *attrs = cJSON_GetObjectItemCaseSensitive(in, "attributes");
		const cJSON *prov = cJSON_GetObjectItemCaseSensitive(in, "provider");
		if (!cJSON_IsObject(attrs)) {
			why = "set record without attributes";
			goto out;
		}
		/* One object at two addresses: the state would not load again (duplicate_ids);
		 * litehcl never journals that (apply refuses it), so the record is damaged. */
		const char *nid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(attrs, "id"));
		const char *holder = nid != NULL && *nid && !a.data ?
		    ids_holder(st, a.type, nid, key) : NULL;
		if (holder != NULL) {
			why = *owned = lh_xprintf("it gives the object with id \"%s\" to %s, which "
			    "%s holds already", nid, as->valuestring, holder);
			goto out;
		}
		cJSON *deps = cJSON_GetObjectItemCaseSensitive(in, "dependencies");
		cJSON *sens = cJSON_GetObjectItemCaseSensitive(in, "sensitive_attributes");
		cJSON *extra = cJSON_GetObjectItemCaseSensitive(in, "extra");
		lh_state_inst *pi = lh_state_set(st, &a, cJSON_DetachItemViaPointer(in, attrs),
		    cJSON_IsArray(deps) ? cJSON_DetachItemViaPointer(in, deps) : NULL,
		    cJSON_IsArray(sens) ? cJSON_DetachItemViaPointer(in, sens) : NULL);
		inst *ip = (inst *)pi;
		if (cJSON_IsString(prov)) {
			free(ip->s_provider);
			ip->s_provider = lh_xstrdup(prov->valuestring);
			ip->pub.provider = ip->s_provider;
		}
		if (cJSON_IsObject(extra))
			ip->extra = cJSON_DetachItemViaPointer(in, extra);
		if (st->nidslots > 0 && *managed_id(ip))
			ids_put(st, a.type, managed_id(ip), key);
		intent_drop(st, key);
	} else if (strcmp(op->valuestring, "remove") == 0) {
		/* A replacement journals its create's intent, then the old object's
		 * removal, then the new one's set: the removal must not cancel the intent,
		 * or a kill between the create and its record orphans the new object. */
		lh_state_remove(st, &a);
	} else if (strcmp(op->valuestring, "forget") == 0) {
		intent_drop(st, key);
	} else {
		why = "unknown op";
	}
out:
	free(key);
	return why;
}

static bool
journal_replay(lh_state *st, lh_diags *d, bool *had_records)
{
	size_t len = 0;
	bool ok = false;
	char *text = NULL;
	*had_records = false;
	if (st->store != NULL) {
		if (!st->store->ops->journal_read(st->store, &text, &len, d))
			return false;
		if (text == NULL)
			return true;
		goto parse;
	}
	int fd = open(st->journal_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return true;
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to recover the state journal",
		    "Cannot open %s: %s.", st->journal_path, strerror(errno));
		return false;
	}
	text = read_fd(fd, &len);
	close(fd);
	if (text == NULL) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to recover the state journal",
		    "Cannot read %s.", st->journal_path);
		return false;
	}
parse:
	st->jexists = true;
	st->jgood = 0;
	size_t pos = 0;
	int lineno = 0;
	bool header = false;
	while (pos < len) {
		char *nl = memchr(text + pos, '\n', len - pos);
		lineno++;
		if (nl == NULL)	/* torn last line: the write never completed */
			break;
		size_t n = (size_t)(nl - (text + pos));
		cJSON *r = lh_cjson_parse(text + pos, n, NULL);	/* numbers exact */
		if (r == NULL) {
			if (nl + 1 == text + len)
				break;	/* torn (garbage) last line */
			lh_diag_add(d, LH_DIAG_WARNING, NULL, 0, 0, "Damaged state journal line skipped",
			    "Line %d of %s is not a valid record and was ignored.", lineno,
			    st->journal_path);
			pos += n + 1;
			st->jgood = (off_t)pos;
			continue;
		}
		if (!header) {
			const cJSON *lin = cJSON_GetObjectItemCaseSensitive(r, "lineage");
			if (!cJSON_IsString(lin) || !lineage_ok(lin->valuestring) ||
			    cJSON_GetObjectItemCaseSensitive(r, "journal") == NULL) {
				cJSON_Delete(r);
				lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to recover the state journal",
				    "%s does not start with a journal header; move it away if it is "
				    "not litehcl's.", st->journal_path);
				goto out;
			}
			if (!st->existed && st->n == 0) {
				/* The state was never saved: the journal knows the lineage. */
				snprintf(st->lineage, sizeof st->lineage, "%s", lin->valuestring);
			} else if (strcmp(lin->valuestring, st->lineage) != 0) {
				lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to recover the state journal",
				    "%s belongs to a state with lineage %s, but %s has lineage %s. "
				    "Move the journal away if that state is gone.", st->journal_path,
				    lin->valuestring, st->path, st->lineage);
				cJSON_Delete(r);
				goto out;
			}
			header = true;
		} else {
			char *owned = NULL;
			const char *why = replay_record(st, r, &owned);
			if (why != NULL)
				lh_diag_add(d, LH_DIAG_WARNING, NULL, 0, 0,
				    "Damaged state journal line skipped",
				    "Line %d of %s: %s.", lineno, st->journal_path, why);
			free(owned);
			*had_records = true;
		}
		cJSON_Delete(r);
		pos += n + 1;
		st->jgood = (off_t)pos;
	}
	if (!*had_records && st->nintents == 0 && !st->read_only) {
		/* Nothing worth keeping (empty, header only, or torn header). */
		if (st->store != NULL) {
			if (!st->store->ops->journal_clear(st->store, d))
				goto out;
		} else {
			unlink(st->journal_path);
		}
		st->jexists = false;
		st->jgood = 0;
	}
	ok = true;
out:
	ids_free(st);
	free(text);
	return ok;
}

/* ---- saving ---- */

/* Streams the state (with its serial) to fd. */
static int
fill_render(int fd, void *ctx)
{
	sink k = {.fd = fd};
	render_to(ctx, true, &k);
	lh_buf_free(&k.b);
	errno = k.err;
	return k.err != 0 ? -1 : 0;
}

/* Backs up the state file as loaded (before this run's first write), copying it from
 * the file: its bytes are not kept in memory.  The file is ours (locked) and unchanged
 * until this first write. */
static bool
write_backup(lh_state *st, lh_diags *d)
{
	const char *what = NULL;
	int src = st->state_fd;
	bool own = false;
	if (src < 0) {
		src = open(st->path, O_RDONLY | O_CLOEXEC);
		own = true;
	}
	int rc = -1;
	if (src < 0)
		what = "read the state file";
	else
		rc = atomic_write_with(st->backup_path, fill_copy, &src, &what, NULL);
	int e = errno;
	if (own && src >= 0)
		close(src);
	if (rc != 0) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to save state",
		    "Cannot write the backup %s (%s: %s); the state was not changed.",
		    st->backup_path, what, strerror(e));
		return false;
	}
	st->backup_done = true;
	return true;
}

void
lh_state_leave_memory(lh_state *st)
{
	if (st != NULL)
		st->leave_memory = true;
}

/* After a save emptied the journal: the intents of this run still open (a create whose
 * outcome is unknown - it may land after a timeout or an interrupt) are journalled
 * again, so the next run's recovery looks them up instead of creating a second
 * object or meeting its id as someone else's. */
static bool
rejournal(lh_state *st, lh_diags *d)
{
	if (st->lfirst == NULL)
		return true;
	for (const lent *e = st->lfirst; e != NULL; e = e->next_o)
		if (!journal_append_line(st, lh_xstrdup(e->line), d))
			return false;
	return lh_state_journal_sync(st, d);
}

bool
lh_state_save(lh_state *st, lh_diags *d)
{
	const char *what = NULL;
	char *body = NULL;
	bool ok = false;
	if (st->read_only) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to save state",
		    "The state %s was opened read-only.", st->path);
		return false;
	}
	unsigned char cmp[32];
	render_digest(st, cmp);
	bool changed = memcmp(cmp, st->base, sizeof cmp) != 0 || st->forced_meta;
	if (st->store != NULL) {
		/* One write stores the state and empties the journal (one transaction in pg);
		 * when nothing changed, the stored state already holds what the journal
		 * recorded and only the journal goes. */
		if (changed) {
			if (!st->forced_meta)
				st->serial++;
			body = render(st, true);
			if (!st->store->ops->write(st->store, body, strlen(body), d)) {
				if (!st->forced_meta)
					st->serial--;
				goto out;
			}
			st->existed = true;
			st->forced_meta = false;
			memcpy(st->base, cmp, sizeof cmp);
		} else if (st->jexists && !st->store->ops->journal_clear(st->store, d)) {
			goto out;
		}
		st->jexists = false;
		st->jdirty = false;
		st->nintents = 0;
		ok = rejournal(st, d);
		goto out;
	}
	if (changed) {
		if (st->has_orig && !st->backup_done && !write_backup(st, d))
			goto out;
		/* Through a symbolic link to its target, and never over something that is not
		 * a regular file (a -state naming a device must not be replaced). */
		char *target = link_target(st->path);
		struct stat tsb;
		if (stat(target, &tsb) == 0 && !S_ISREG(tsb.st_mode)) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to save state",
			    "%s is %s, not a regular file; litehcl does not replace it.", st->path,
			    file_kind(tsb.st_mode));
			free(target);
			goto out;
		}
		if (!st->forced_meta)
			st->serial++;
		int nfd = -1;
		/* streamed: the text of a large state is never held whole */
		if (atomic_write_with(target, fill_render, st, &what, st->locked ? &nfd : NULL) != 0) {
			if (nfd >= 0) {
				if (st->state_fd >= 0)
					close(st->state_fd);
				st->state_fd = nfd;
			}
			if (!st->forced_meta)
				st->serial--;
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to save state",
			    "Cannot write %s (%s: %s).", target, what, strerror(errno));
			free(target);
			goto out;
		}
		free(target);
		st->existed = true;
		st->forced_meta = false;
		memcpy(st->base, cmp, sizeof cmp);
		/* The path now names a new inode, locked before it got there: keep its lock,
		 * let go of the old one. */
		if (st->locked) {
			if (st->state_fd >= 0)
				close(st->state_fd);
			st->state_fd = nfd;
		}
		st->created_empty = false;
	}
	/* The state on disk now holds everything the journal recorded. */
	if (st->jfd >= 0) {
		close(st->jfd);
		st->jfd = -1;
		st->jdirty = false;
	}
	if (st->jexists) {
		if (unlink(st->journal_path) != 0 && errno != ENOENT) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to save state",
			    "The state was saved but the journal %s could not be removed: %s.",
			    st->journal_path, strerror(errno));
			goto out;
		}
		st->jexists = false;
		st->jgood = 0;
	}
	st->nintents = 0;
	ok = rejournal(st, d);
out:
	free(body);
	return ok;
}

bool
lh_state_copy_from(lh_state *st, lh_state *src, lh_diags *d)
{
	char *text = render(src, true);
	bool ok = lh_state_push(st, text, strlen(text), true, d) && lh_state_save(st, d);
	free(text);
	return ok;
}

/* ---- accessors and edits ---- */

void
lh_state_set_check_results(lh_state *st, cJSON *results)
{
	cJSON_Delete(st->check_results);
	/* nothing checkable is null, as Terraform writes it */
	st->check_results = cJSON_GetArraySize(results) > 0 ? results : NULL;
	if (results != NULL && st->check_results == NULL)
		cJSON_Delete(results);
}

const cJSON *
lh_state_check_results(const lh_state *st)
{
	return st->check_results;
}

const char *
lh_state_lineage(const lh_state *st)
{
	return st->lineage;
}

long long
lh_state_serial(const lh_state *st)
{
	return st->serial;
}

const char *
lh_state_path(const lh_state *st)
{
	return st->path;
}

bool
lh_state_existed(const lh_state *st)
{
	return st->existed;
}

size_t
lh_state_count(lh_state *st)
{
	return st->n;
}

lh_state_inst *
lh_state_at(lh_state *st, size_t i)
{
	if (i >= st->n)
		return NULL;
	sort_insts(st);
	return &st->sorted[i]->pub;
}

lh_state_inst *
lh_state_find(lh_state *st, const lh_addr *addr)
{
	char *key = addr_key(addr);
	inst *in = lookup(st, key);
	free(key);
	return in ? &in->pub : NULL;
}

static void
add_tarena(lh_state *st, lh_arena *a)
{
	st->tarenas = realloc(st->tarenas, (st->ntarenas + 1) * sizeof *st->tarenas);
	if (st->tarenas == NULL) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	st->tarenas[st->ntarenas++] = a;
}

/* t (malloc'd, taken) copied into the state's tree arena: 100,000 objects recorded by
 * an apply take a third less memory there than as malloc'd nodes. */
static cJSON *
compact(lh_state *st, cJSON *t)
{
	if (st->setpk.a == NULL) {
		st->setpk.a = lh_arena_new();
		add_tarena(st, st->setpk.a);
	}
	cJSON *c = lh_json_copy_packed(&st->setpk, t);
	cJSON_Delete(t);
	return c;
}

/* As compact, for an array: [] is the state's shared one. */
static cJSON *
compact_array(lh_state *st, cJSON *t)
{
	if (t->child != NULL)
		return compact(st, t);
	cJSON_Delete(t);
	return &empty_array;
}

lh_state_inst *
lh_state_id_holder(lh_state *st, const char *type, const char *id, const lh_addr *except)
{
	char *key = addr_key(except);
	const char *h = ids_holder(st, type, id, key);
	free(key);
	inst *in = h != NULL ? lookup(st, h) : NULL;
	return in != NULL ? &in->pub : NULL;
}

lh_state_inst *
lh_state_set(lh_state *st, const lh_addr *addr, cJSON *attributes, cJSON *dependencies,
    cJSON *sensitive)
{
	char *key = addr_key(addr);
	inst *in = lookup(st, key);
	free(key);
	if (!cJSON_IsObject(attributes)) {
		cJSON_Delete(attributes);
		attributes = cJSON_CreateObject();
	}
	if (!cJSON_IsArray(dependencies)) {
		cJSON_Delete(dependencies);
		dependencies = cJSON_CreateArray();
	}
	if (!cJSON_IsArray(sensitive)) {
		cJSON_Delete(sensitive);
		sensitive = cJSON_CreateArray();
	}
	if (in != NULL) {
		/* Replace in place: same address, same provider.  The verbatim extras
		 * (status, private, create_before_destroy) belong to the object: an update
		 * or refresh of the same object (same id) keeps them, as Terraform does; a
		 * new object at the address (a replacement) starts without them. */
		const char *oid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		    in->pub.attributes, "id"));
		const char *nid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		    attributes, "id"));
		if (oid == NULL || nid == NULL || strcmp(oid, nid) != 0) {
			cJSON_Delete(in->extra);
			in->extra = NULL;
		}
		if (!(in->held & IN_ARENA_ATTRS))
			bury(st, in->pub.attributes);
		if (!(in->held & IN_ARENA_DEPS))
			cJSON_Delete(in->pub.dependencies);
		if (!(in->held & IN_ARENA_SENS))
			cJSON_Delete(in->pub.sensitive_attributes);
		in->held = 0;
	} else {
		/* a sibling's provider, else the state's default */
		const grp *g = grp_get(st, addr->type, addr->name, false);
		const char *prov = g != NULL && g->count > 0 ? g->provider : st->provider;
		in = new_inst(st, addr, prov);
		add_inst(st, in);
	}
	in->pub.attributes = compact(st, attributes);	/* keys shared too */
	if (st->nidslots > 0 && *managed_id(in))
		ids_put(st, in->pub.addr.type, managed_id(in), in->key);
	in->pub.dependencies = compact_array(st, dependencies);
	in->pub.sensitive_attributes = compact_array(st, sensitive);
	in->held = IN_ARENA_ATTRS | IN_ARENA_SENS | IN_ARENA_DEPS;
	return &in->pub;
}

bool
lh_state_remove(lh_state *st, const lh_addr *addr)
{
	char *key = addr_key(addr);
	inst *in = lookup(st, key);
	free(key);
	if (in == NULL)
		return false;
	del_inst(st, in);
	return true;
}

/* ---- state surgery (state mv, taint, untaint, replace-provider, push) ---- */

size_t
lh_state_forget_dependents(lh_state *st, const char *res)
{
	size_t n = 0;
	for (size_t i = 0; i < st->n; i++) {
		inst *in = st->v[i];
		const cJSON *dep;
		cJSON_ArrayForEach(dep, in->pub.dependencies) {
			if (cJSON_IsString(dep) && strcmp(dep->valuestring, res) == 0)
				break;
		}
		if (dep == NULL)
			continue;
		/* replaced, not emptied: a loaded tree's nodes are an arena's */
		if (!(in->held & IN_ARENA_DEPS))
			cJSON_Delete(in->pub.dependencies);
		in->pub.dependencies = &empty_array;
		in->held |= IN_ARENA_DEPS;
		n++;
	}
	return n;
}

bool
lh_state_move(lh_state *st, const lh_addr *from, const lh_addr *to)
{
	char *fk = addr_key(from), *tk = addr_key(to);
	inst *in = lookup(st, fk), *busy = lookup(st, tk);
	free(fk);
	if (in == NULL || busy != NULL) {
		free(tk);
		return false;
	}
	/* keep the object (attributes, provider, status, private); change its address */
	inst *mv = new_inst(st, to, in->pub.provider);
	mv->pub.attributes = in->pub.attributes;
	mv->pub.sensitive_attributes = in->pub.sensitive_attributes;
	mv->pub.dependencies = in->pub.dependencies;
	mv->extra = in->extra;
	mv->held = in->held;
	in->pub.attributes = in->pub.sensitive_attributes = in->pub.dependencies = NULL;
	in->extra = NULL;
	in->held = 0;
	free(tk);
	del_inst(st, in);
	add_inst(st, mv);
	if (st->nidslots > 0 && *managed_id(mv))
		ids_put(st, mv->pub.addr.type, managed_id(mv), mv->key);
	return true;
}

const char *
lh_state_inst_status(const lh_state_inst *si)
{
	const inst *in = (const inst *)si;
	const cJSON *s = in->extra ? cJSON_GetObjectItemCaseSensitive(in->extra, "status") : NULL;
	return cJSON_IsString(s) ? s->valuestring : NULL;
}

void
lh_state_set_status(lh_state *st, const lh_addr *addr, const char *status)
{
	char *key = addr_key(addr);
	inst *in = lookup(st, key);
	free(key);
	if (in == NULL)
		return;
	if (in->extra != NULL)
		cJSON_DeleteItemFromObjectCaseSensitive(in->extra, "status");
	if (status != NULL) {
		if (in->extra == NULL)
			in->extra = cJSON_CreateObject();
		/* Terraform writes "status" right after the index key */
		cJSON *v = cJSON_CreateString(status);
		if (in->extra->child == NULL)
			cJSON_AddItemToObject(in->extra, "status", v);
		else {
			v->string = lh_xstrdup("status");
			cJSON_InsertItemInArray(in->extra, 0, v);
		}
	} else if (in->extra != NULL && in->extra->child == NULL) {
		cJSON_Delete(in->extra);
		in->extra = NULL;
	}
}

size_t
lh_state_replace_provider(lh_state *st, const char *from, const char *to)
{
	size_t n = 0;
	for (size_t i = 0; i < st->n; i++) {
		inst *in = st->v[i];
		if (strcmp(in->pub.provider, from) != 0)
			continue;
		free(in->s_provider);
		in->s_provider = lh_xstrdup(to);
		in->pub.provider = in->s_provider;
		n++;
	}
	/* every instance sharing a group's string `from` has its own copy of `to` now:
	 * the group takes `to`, and they share it again */
	for (size_t i = 0; n > 0 && i < st->ngslots; i++) {
		grp *g = st->gslots[i];
		if (g == NULL || g->provider == NULL || strcmp(g->provider, from) != 0)
			continue;
		free(g->provider);
		g->provider = lh_xstrdup(to);
	}
	for (size_t i = 0; n > 0 && i < st->n; i++) {
		inst *in = st->v[i];
		if (in->s_provider != NULL && strcmp(in->s_provider, in->g->provider) == 0) {
			free(in->s_provider);
			in->s_provider = NULL;
			in->pub.provider = in->g->provider;
		}
	}
	return n;
}

bool
lh_state_push(lh_state *st, const char *text, size_t len, bool force, lh_diags *d)
{
	lh_state_opts o = {.path = st->path};
	lh_state *nw = state_alloc(&o);
	char *owned = NULL;
	bool ok = false;
	const char *why = load_text(nw, text, len, &owned, NULL);
	if (why != NULL) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to read the state to push",
		    "It cannot be used: %s.", why);
		goto out;
	}
	if (!force && st->existed && (st->n > 0 || cJSON_GetArraySize(st->outputs) > 0 ||
	    cJSON_GetArraySize(st->extra_resources) > 0)) {
		char *a = render(nw, false), *b = render(st, false);
		bool same = strcmp(a, b) == 0;
		free(a);
		free(b);
		if (strcmp(nw->lineage, st->lineage) != 0)
			why = owned = lh_xprintf("cannot import state with lineage \"%s\" over "
			    "unrelated state with lineage \"%s\"", nw->lineage, st->lineage);
		else if (nw->serial < st->serial)
			why = owned = lh_xprintf("cannot import state with serial %lld over newer "
			    "state with serial %lld", nw->serial, st->serial);
		else if (nw->serial == st->serial && !same)
			why = owned = lh_xprintf("cannot overwrite existing state with serial %lld "
			    "with a different state that has the same serial", nw->serial);
		if (why != NULL) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to write state", "%s.",
			    why);
			goto out;
		}
	}
	/* take nw's content; st keeps its files, lock and journal */
	free_contents(st);
	ids_free(st);
	st->v = nw->v;
	st->n = nw->n;
	st->cap = nw->cap;
	st->slots = nw->slots;
	st->nslots = nw->nslots;
	st->sorted = nw->sorted;
	st->sorted_ok = false;
	st->gslots = nw->gslots;
	st->ngslots = nw->ngslots;
	st->ngrp = nw->ngrp;
	nw->v = nw->slots = nw->sorted = NULL;
	nw->n = nw->cap = nw->nslots = 0;
	nw->gslots = NULL;
	nw->ngslots = nw->ngrp = 0;
	/* the trees loaded into nw's arenas: st's until it closes (with its own, which
	 * its records may still borrow) */
	st->tarenas = realloc(st->tarenas, (st->ntarenas + nw->ntarenas) * sizeof *st->tarenas);
	if (st->tarenas == NULL) {
		fputs("litehcl: out of memory\n", stderr);
		abort();
	}
	memcpy(st->tarenas + st->ntarenas, nw->tarenas, nw->ntarenas * sizeof *st->tarenas);
	st->ntarenas += nw->ntarenas;
	nw->ntarenas = 0;
	cJSON *t = st->outputs;
	st->outputs = nw->outputs;
	nw->outputs = t;
	t = st->extra_resources;
	st->extra_resources = nw->extra_resources;
	nw->extra_resources = t;
	t = st->check_results;
	st->check_results = nw->check_results;
	nw->check_results = t;
	memcpy(st->lineage, nw->lineage, sizeof st->lineage);
	st->serial = nw->serial;
	st->forced_meta = true;
	ok = true;
out:
	free(owned);
	lh_state_close(nw);
	return ok;
}

/* Terraform's type JSON for a value, when the caller gives none. */
static cJSON *
type_of(const cJSON *v)
{
	if (cJSON_IsString(v))
		return cJSON_CreateString("string");
	if (cJSON_IsNumber(v))
		return cJSON_CreateString("number");
	if (cJSON_IsBool(v))
		return cJSON_CreateString("bool");
	if (cJSON_IsArray(v)) {
		cJSON *t = cJSON_CreateArray(), *el = cJSON_CreateArray();
		cJSON_AddItemToArray(t, cJSON_CreateString("tuple"));
		for (const cJSON *c = v->child; c; c = c->next)
			cJSON_AddItemToArray(el, type_of(c));
		cJSON_AddItemToArray(t, el);
		return t;
	}
	if (cJSON_IsObject(v)) {
		cJSON *t = cJSON_CreateArray(), *at = cJSON_CreateObject();
		cJSON_AddItemToArray(t, cJSON_CreateString("object"));
		for (const cJSON *c = v->child; c; c = c->next)
			cJSON_AddItemToObject(at, c->string, type_of(c));
		cJSON_AddItemToArray(t, at);
		return t;
	}
	return cJSON_CreateString("dynamic");
}

void
lh_state_output_set(lh_state *st, const char *name, cJSON *value, cJSON *type, bool sensitive)
{
	cJSON *o = cJSON_CreateObject();
	if (value == NULL)
		value = cJSON_CreateNull();
	if (type == NULL)
		type = type_of(value);
	cJSON_AddItemToObject(o, "value", value);
	cJSON_AddItemToObject(o, "type", type);
	if (sensitive)
		cJSON_AddTrueToObject(o, "sensitive");
	cJSON_DeleteItemFromObjectCaseSensitive(st->outputs, name);
	/* Terraform lists outputs by name. */
	cJSON *after = NULL;
	for (cJSON *c = st->outputs->child; c; c = c->next)
		if (strcmp(c->string, name) < 0)
			after = c;
	cJSON_AddItemToObject(st->outputs, name, o);
	if (after != NULL && after->next != o) {
		cJSON_DetachItemViaPointer(st->outputs, o);
		o->next = after->next;
		o->prev = after;
		if (after->next)
			after->next->prev = o;
		else
			st->outputs->child->prev = o;
		after->next = o;
	} else if (after == NULL && st->outputs->child != o) {
		cJSON_DetachItemViaPointer(st->outputs, o);
		cJSON *first = st->outputs->child;
		o->next = first;
		o->prev = first ? first->prev : o;
		if (first)
			first->prev = o;
		st->outputs->child = o;
	}
}

const cJSON *
lh_state_output_get(const lh_state *st, const char *name, bool *sensitive)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(st->outputs, name);
	if (sensitive != NULL)
		*sensitive = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "sensitive"));
	return o ? cJSON_GetObjectItemCaseSensitive(o, "value") : NULL;
}

bool
lh_state_output_remove(lh_state *st, const char *name)
{
	cJSON *o = cJSON_DetachItemFromObjectCaseSensitive(st->outputs, name);
	cJSON_Delete(o);
	return o != NULL;
}

void
lh_state_outputs_clear(lh_state *st)
{
	cJSON_Delete(st->outputs);
	st->outputs = cJSON_CreateObject();
}

const cJSON *
lh_state_outputs(const lh_state *st)
{
	return st->outputs;
}

/* ---- saved plans ---- */

bool
lh_planfile_write(const char *path, const lh_state *st, const cJSON *plan, lh_diags *d)
{
	const char *what = NULL;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "format", "litehcl-plan");
	cJSON_AddNumberToObject(o, "format_version", 1);
	cJSON_AddStringToObject(o, "lineage", st->lineage);
	cJSON_AddNumberToObject(o, "serial", (double)st->serial);
	cJSON_AddItemToObject(o, "plan", plan ? cJSON_Duplicate(plan, true) : cJSON_CreateNull());
	char *text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	bool ok = text != NULL && atomic_write(path, text, strlen(text), &what) == 0;
	if (!ok)
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to write plan file",
		    "Cannot write %s (%s: %s).", path, what ? what : "render", strerror(errno));
	free(text);
	return ok;
}

bool
lh_planfile_read(const char *path, const lh_state *st, cJSON **plan, lh_diags *d)
{
	size_t len = 0;
	char *text = NULL;
	cJSON *o = NULL;
	bool ok = false;
	*plan = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to read plan from plan file",
		    "Cannot open %s: %s.", path, strerror(errno));
		return false;
	}
	text = read_fd(fd, &len);
	close(fd);
	if (text != NULL)
		o = cJSON_ParseWithLength(text, len);
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(o, "format");
	const cJSON *fv = cJSON_GetObjectItemCaseSensitive(o, "format_version");
	const cJSON *lin = cJSON_GetObjectItemCaseSensitive(o, "lineage");
	const cJSON *ser = cJSON_GetObjectItemCaseSensitive(o, "serial");
	if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, "litehcl-plan") != 0 ||
	    !cJSON_IsNumber(fv) || !cJSON_IsString(lin) || !cJSON_IsNumber(ser)) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to read plan from plan file",
		    "%s is not a litehcl saved plan.", path);
		goto out;
	}
	if (fv->valuedouble != 1) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to read plan from plan file",
		    "%s uses plan format version %g; this litehcl reads version 1.", path,
		    fv->valuedouble);
		goto out;
	}
	if (st != NULL && (strcmp(lin->valuestring, st->lineage) != 0 ||
	    (long long)ser->valuedouble != st->serial)) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Saved plan is stale",
		    "The given plan file can no longer be applied because the state was changed "
		    "by another operation after the plan was created.");
		goto out;
	}
	*plan = cJSON_DetachItemFromObjectCaseSensitive(o, "plan");
	ok = true;
out:
	cJSON_Delete(o);
	free(text);
	return ok;
}

/* ---- helpers ---- */

bool
lh_duration_parse(const char *s, double *secs)
{
	double total = 0;
	const char *p = s;
	if (s == NULL || *s == '\0')
		return false;
	if (strcmp(s, "0") == 0) {
		*secs = 0;
		return true;
	}
	while (*p) {
		char *end;
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return false;
		double v = strtod(p, &end);
		if (end == p)
			return false;
		p = end;
		double unit;
		if (strncmp(p, "ns", 2) == 0) { unit = 1e-9; p += 2; }
		else if (strncmp(p, "us", 2) == 0) { unit = 1e-6; p += 2; }
		else if (strncmp(p, "\xc2\xb5s", 3) == 0) { unit = 1e-6; p += 3; }
		else if (strncmp(p, "ms", 2) == 0) { unit = 1e-3; p += 2; }
		else if (*p == 's') { unit = 1; p++; }
		else if (*p == 'm') { unit = 60; p++; }
		else if (*p == 'h') { unit = 3600; p++; }
		else return false;
		total += v * unit;
	}
	*secs = total;
	return true;
}

/* ---- force-unlock ---- */

int
lh_state_force_unlock(const char *path, const char *id, lh_diags *d)
{
	lh_state_opts o = {.path = path};
	lh_state *st = state_alloc(&o);
	int rc = -1;
	int fd = open(st->info_path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to unlock state",
		    "%s: the state %s is not locked.", errno == ENOENT ? "LocalState not locked" :
		    strerror(errno), st->path);
		goto out;
	}
	size_t len = 0;
	char *text = read_fd(fd, &len);
	cJSON *info = text ? cJSON_ParseWithLength(text, len) : NULL;
	free(text);
	const char *held = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(info, "ID"));
	if (held == NULL || strcmp(held, id) != 0) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to unlock state",
		    "lock ID \"%s\" does not match existing lock ID \"%s\".", id,
		    held ? held : "(unreadable lock info)");
		cJSON_Delete(info);
		close(fd);
		goto out;
	}
	cJSON_Delete(info);
	/* a lock whose holder is alive cannot be broken: its fcntl lock is the lock (a
	 * holder that died released it, leaving only the info file behind) */
	int sfd = open(st->path, O_RDWR | O_CLOEXEC);
	bool busy = ofd_lock(fd) != 0 || (sfd >= 0 && ofd_lock(sfd) != 0);
	if (sfd >= 0)
		close(sfd);
	if (busy) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to unlock state",
		    "The lock %s is held by a running process; it is released when that process "
		    "ends (a killed process releases it too). Stop that run instead.", id);
		close(fd);
		goto out;
	}
	unlink(st->info_path);
	close(fd);
	rc = 0;
out:
	lh_state_close(st);
	return rc;
}

const char *
lh_state_lock_file(const lh_state *st)
{
	return st != NULL && st->locked && st->store == NULL ? st->info_path : NULL;
}
