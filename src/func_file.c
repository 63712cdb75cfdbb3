/* func_file.c - filesystem functions: file fileexists templatefile abspath basename
 * dirname pathexpand.  Relative paths are resolved against c->basedir (the module
 * directory), except abspath, which like Terraform's uses the process directory.
 * Path manipulation follows Go's path/filepath (Clean, Base, Dir). */
#include "func_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Go's filepath.Clean. */
static char *
clean(lh_arena *a, const char *p)
{
	size_t n = strlen(p);
	if (n == 0)
		return lh_arena_strdup(a, ".");
	bool rooted = p[0] == '/';
	char *out = lh_arena_alloc(a, n + 2);
	size_t w = 0, r = 0, dotdot = 0;
	if (rooted) {
		out[w++] = '/';
		r = 1;
		dotdot = 1;
	}
	while (r < n) {
		if (p[r] == '/') {
			r++;
		} else if (p[r] == '.' && (r + 1 == n || p[r + 1] == '/')) {
			r++;
		} else if (p[r] == '.' && p[r + 1] == '.' && (r + 2 == n || p[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			while (r < n && p[r] != '/')
				out[w++] = p[r++];
		}
	}
	if (w == 0)
		out[w++] = '.';
	out[w] = 0;
	return out;
}

static lh_value *
f_basename(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *p = a[0]->u.str.s;
	size_t len = a[0]->u.str.len;
	if (len == 0)
		return lh_val_cstr(c->a, ".");
	while (len > 0 && p[len - 1] == '/')
		len--;
	if (len == 0)
		return lh_val_cstr(c->a, "/");
	size_t st = len;
	while (st > 0 && p[st - 1] != '/')
		st--;
	return lh_val_string(c->a, p + st, len - st);
}

static lh_value *
f_dirname(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *p = a[0]->u.str.s;
	size_t len = a[0]->u.str.len, i = len;
	while (i > 0 && p[i - 1] != '/')
		i--;
	char *dir = lh_arena_strndup(c->a, p, i);
	return lh_val_cstr(c->a, clean(c->a, dir));
}

static lh_value *
f_abspath(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *p = a[0]->u.str.s;
	if (p[0] == '/')
		return lh_val_cstr(c->a, clean(c->a, p));
	char cwd[4096];
	if (getcwd(cwd, sizeof cwd) == NULL)
		return lh_fn_fail(c, "cannot determine the working directory");
	return lh_val_cstr(c->a, clean(c->a, lh_arena_printf(c->a, "%s/%s", cwd, p)));
}

static bool
expand_home(lh_func_ctx *c, const char *p, char **out)
{
	if (p[0] != '~') {
		*out = (char *)p;
		return true;
	}
	if (p[1] != 0 && p[1] != '/' && p[1] != '\\')
		return false;
	const char *home = getenv("HOME");
	*out = lh_arena_printf(c->a, "%s%s", home ? home : "", p + 1);
	return true;
}

static lh_value *
f_pathexpand(lh_func_ctx *c, lh_value **a, size_t n)
{
	char *out;
	if (!expand_home(c, a[0]->u.str.s, &out))
		return lh_fn_fail(c, "cannot expand user-specific home dir");
	return lh_val_cstr(c->a, out);
}

static char *
resolve(lh_func_ctx *c, const char *p)
{
	char *e;
	if (!expand_home(c, p, &e))
		e = (char *)p;
	return clean(c->a, lh_fn_path(c, e));
}

static lh_value *
f_file(lh_func_ctx *c, lh_value **a, size_t n)
{
	char *q;
	lh_str_go_quote(c->a, a[0]->u.str.s, a[0]->u.str.len, &q);
	const char *path = resolve(c, a[0]->u.str.s);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		if (errno == ENOENT)
			return lh_fn_argerr(c, 0, "no file exists at %s; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource", q);
		return lh_fn_argerr(c, 0, "failed to read %s", q);
	}
	size_t cap = 4096, len = 0;
	char *buf = lh_arena_alloc(c->a, cap);
	for (;;) {
		if (len == cap) {
			buf = lh_arena_grow(c->a, buf, len, cap * 2, 1);
			cap *= 2;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	bool err = ferror(f);
	fclose(f);
	if (err)
		return lh_fn_argerr(c, 0, "failed to read %s", q);
	lh_value *s = lh_val_string(c->a, buf, len);
	/* Validity is checked by the same rule jsonencode uses: decode every sequence. */
	for (size_t i = 0; i < len;) {
		unsigned char ch = (unsigned char)buf[i];
		size_t k = ch < 0x80 ? 1 : (ch >> 5) == 6 ? 2 : (ch >> 4) == 14 ? 3 : (ch >> 3) == 30 ? 4 : 0;
		bool ok = k != 0 && i + k <= len;
		for (size_t j = 1; ok && j < k; j++)
			ok = ((unsigned char)buf[i + j] & 0xc0) == 0x80;
		if (!ok)
			return lh_fn_argerr(c, 0, "contents of %s are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead", q);
		i += k;
	}
	return s;
}

static lh_value *
f_fileexists(lh_func_ctx *c, lh_value **a, size_t n)
{
	const char *path = resolve(c, a[0]->u.str.s);
	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return lh_val_bool(c->a, false);
		char *q;
		lh_str_go_quote(c->a, a[0]->u.str.s, a[0]->u.str.len, &q);
		return lh_fn_fail(c, "failed to stat %s", q);
	}
	if (S_ISDIR(st.st_mode)) {
		char *q;
		lh_str_go_quote(c->a, a[0]->u.str.s, a[0]->u.str.len, &q);
		return lh_fn_fail(c, "%s is a directory, not a file", q);
	}
	return lh_val_bool(c->a, S_ISREG(st.st_mode));
}

static lh_value *
f_templatefile(lh_func_ctx *c, lh_value **a, size_t n)
{
	lh_value *vars = a[1];
	if (!lh_val_is_null(vars) && !lh_is_mapping(vars->type))
		return lh_fn_argerr(c, 1, "vars: must be a map or object");
	if (c->render_template == NULL)
		return lh_fn_fail(c, "templates are not available here");
	const char *err = NULL;
	lh_value *r = c->render_template(c, a[0]->u.str.s, vars, &err);
	if (r == NULL) {
		err = err ? err : "failed to render template";
		if (strncmp(err, "no file exists", 14) == 0)
			return lh_fn_argerr(c, 0, "%s", err);
		return lh_fn_fail(c, "%s", err);
	}
	return r;
}

#define STR(nm) { .name = nm, .type = &lh_type_string }
const lh_fdef lh_func_file[] = {
	{ "file", 1, { STR("path") }, false, { 0 }, &lh_type_string, f_file },
	{ "fileexists", 1, { STR("path") }, false, { 0 }, &lh_type_bool, f_fileexists },
	{ "templatefile", 2, { STR("path"), { "vars", NULL, P_NULL | P_RAW } }, false,
	  { 0 }, NULL, f_templatefile },
	{ "abspath", 1, { STR("path") }, false, { 0 }, &lh_type_string, f_abspath },
	{ "basename", 1, { STR("path") }, false, { 0 }, &lh_type_string, f_basename },
	{ "dirname", 1, { STR("path") }, false, { 0 }, &lh_type_string, f_dirname },
	{ "pathexpand", 1, { STR("path") }, false, { 0 }, &lh_type_string, f_pathexpand },
};
const size_t lh_func_file_n = sizeof lh_func_file / sizeof lh_func_file[0];
