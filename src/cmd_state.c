/* cmd_state.c - `state list|show|rm|mv|pull|push|replace-provider`, and `taint` /
 * `untaint`: inspect and edit the state as Terraform's commands do (same arguments,
 * messages and exit codes).  Every editing command takes the lock, first adopts the
 * creates an interrupted apply journaled but never recorded (so that no edit can
 * drop them), and saves with a backup like apply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "cli.h"
#include "help.h"
#include "cmd_common.h"
#include "render.h"
#include "resource.h"
#include "state.h"

/* The options every state subcommand takes; unused ones stay at their defaults. */
typedef struct sopts {
	const char *state_path, *lock_timeout, *backup, *state_out;
	bool lock, no_color, help, dry_run, force, auto_approve, allow_missing;
	bool ignore_remote_version;
} sopts;

typedef struct sub {
	const char *name;
	const char *usage;	/* after "Usage: litehcl [global options] " */
	const char *help;	/* description and options */
	int (*fn)(lh_arena *a, sopts *so, int npos, char **pos, lh_cmd_out *o, lh_diags *d);
	bool edits;		/* takes the lock and saves */
	int min, max;		/* positional arguments (-1: any) */
	const char *argmsg;	/* error when their number is wrong */
} sub;

static bool
parse_addr(lh_arena *a, const char *s, lh_addr *out, lh_diags *d)
{
	const char *err = NULL;
	if (lh_addr_parse_any(a, s, out, &err))
		return true;
	lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid address", "%s: %s", s, err);
	return false;
}

static bool
open_for(const sopts *so, const sub *s, lh_arena *a, lh_state **st, lh_diags *d)
{
	bool ro = !s->edits || so->dry_run;
	char op[64];
	snprintf(op, sizeof op, "OperationTypeInvalid");
	if (!lh_cmd_open_state(so->state_path, s->edits && so->lock, so->lock_timeout, op, ro,
	    st, d))
		return false;
	/* an interrupted apply's unrecorded creates are looked up first (QA F4); an edit
	 * saves the state, which must not drop them */
	if (!lh_cmd_resolve_intents(a, *st, ro, d) && !ro)
		return false;
	lh_cmd_flush_warnings(d);
	return true;
}

static bool
save(lh_state *st, lh_diags *d)
{
	return lh_state_save(st, d);
}

/* ---- list, show, rm ---- */

static lh_state *cur;	/* the state the subcommand works on (set by run_sub) */

static int
do_list(lh_arena *a, sopts *so, int npos, char **pos, lh_cmd_out *o, lh_diags *d)
{
	lh_addr *addrs = lh_arena_alloc(a, ((size_t)npos + 1) * sizeof *addrs);
	for (int k = 0; k < npos; k++)
		if (!parse_addr(a, pos[k], &addrs[k], d))
			return 1;
	for (size_t i = 0; i < lh_state_count(cur); i++) {
		lh_state_inst *si = lh_state_at(cur, i);
		bool hit = npos == 0;
		for (int k = 0; k < npos && !hit; k++)
			hit = lh_addr_match(&addrs[k], &si->addr);
		if (hit)
			printf("%s\n", lh_addr_format(a, &si->addr));
	}
	return 0;
}

static int
do_show(lh_arena *a, sopts *so, int npos, char **pos, lh_cmd_out *o, lh_diags *d)
{
	lh_addr ad;
	if (!parse_addr(a, pos[0], &ad, d))
		return 1;
	lh_state_inst *si = lh_state_find(cur, &ad);
	if (si == NULL) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "No instance found for the given "
		    "address", "This command requires that the address references one "
		    "specific instance. %s is not in the state.", pos[0]);
		return 1;
	}
	lh_render_opts ro = {.color = o->color};
	const char *status = lh_state_inst_status(si);
	char *as = lh_addr_format(a, &si->addr);
	if (status == NULL || strcmp(status, "tainted") != 0) {
		lh_render_state_instance(stdout, as, si->addr.type, si->addr.name,
		    si->attributes, si->sensitive_attributes, &ro);
		return 0;
	}
	/* Terraform marks the header line: "# ADDR: (tainted)" */
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (m == NULL)
		return 1;
	lh_render_state_instance(m, as, si->addr.type, si->addr.name, si->attributes,
	    si->sensitive_attributes, &ro);
	fclose(m);
	char *nl = strchr(text, '\n');
	if (nl != NULL && nl > text && nl[-1] == ':') {
		fwrite(text, 1, (size_t)(nl - text), stdout);
		fputs(" (tainted)", stdout);
		fputs(nl, stdout);
	} else {
		fputs(text, stdout);
	}
	free(text);
	return 0;
}

static int
do_rm(lh_arena *a, sopts *so, int npos, char **pos, lh_cmd_out *o, lh_diags *d)
{
	size_t removed = 0;
	for (int k = 0; k < npos; k++) {
		lh_addr ad;
		if (!parse_addr(a, pos[k], &ad, d))
			return 1;
		bool any = false;
		for (size_t i = 0; i < lh_state_count(cur);) {
			lh_state_inst *si = lh_state_at(cur, i);
			if (!lh_addr_match(&ad, &si->addr)) {
				i++;
				continue;
			}
			any = true;
			char *as = lh_addr_format(a, &si->addr);
			printf("%s %s\n", so->dry_run ? "Would remove" : "Removed", as);
			if (so->dry_run) {
				i++;
			} else {
				lh_addr copy;
				if (!parse_addr(a, as, &copy, d))
					return 1;
				lh_state_remove(cur, &copy);
			}
			removed++;
		}
		if (!any) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid target address",
			    "No matching objects found. To view the available instances, use "
			    "\"litehcl state list\". Please modify the address to reference a "
			    "specific instance: %s", pos[k]);
			return 1;
		}
	}
	if (!so->dry_run && !save(cur, d))
		return 1;
	if (so->dry_run)
		printf("Would have removed %zu resource instance(s).\n", removed);
	else
		printf("Successfully removed %zu resource instance(s).\n", removed);
	return 0;
}

/* ---- mv ---- */

/* s as Go's %q prints it (Terraform's `Move %q to %q`): quoted, with " and \ escaped,
 * so `TYPE.u["a"]` shows as "TYPE.u[\"a\"]". */
static void
print_quoted(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void
print_move(const char *prefix, const char *from, const char *to)
{
	printf("%s ", prefix);
	print_quoted(from);
	fputs(" to ", stdout);
	print_quoted(to);
	putchar('\n');
}

static int
do_mv(lh_arena *a, sopts *so, int npos, char **pos, lh_cmd_out *o, lh_diags *d)
{
	const char *prefix = so->dry_run ? "Would move" : "Move";
	lh_addr from, to;
	if (!parse_addr(a, pos[0], &from, d) || !parse_addr(a, pos[1], &to, d))
		return 1;
	if (from.data != to.data) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid state move request",
		    "Cannot move %s to %s: a managed resource can be moved only to a managed "
		    "resource address, and a data resource only to a data resource address.",
		    pos[0], pos[1]);
		return 1;
	}
	char *from_res = lh_addr_resource(a, &from), *to_res = lh_addr_resource(a, &to);
	/* the instances the source names: `a.b` with a no-key instance is that instance
	 * (so `state mv a.b a.c[1]` works); otherwise every instance of the resource */
	bool whole = from.kind == LH_KEY_NONE && lh_state_find(cur, &from) == NULL;
	size_t n = 0;
	lh_addr *src = lh_arena_alloc(a, (lh_state_count(cur) + 1) * sizeof *src);
	for (size_t i = 0; i < lh_state_count(cur); i++) {
		lh_state_inst *si = lh_state_at(cur, i);
		if (whole ? lh_addr_match(&from, &si->addr) : lh_addr_equal(&from, &si->addr)) {
			char *s = lh_addr_format(a, &si->addr);
			if (!parse_addr(a, s, &src[n], d))
				return 1;
			n++;
		}
	}
	if (n == 0) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid source address",
		    "Cannot move %s: does not match anything in the current state.", pos[0]);
		return 1;
	}
	if (whole && to.kind != LH_KEY_NONE) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid target address",
		    "Cannot move %s to %s: the source is a whole resource (not a resource "
		    "instance) so the target must also be a whole resource.", from_res, pos[1]);
		return 1;
	}
	if (strcmp(from.type, to.type) != 0)
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid target address",
		    "Cannot move %s to %s: resource types don't match.", from_res, to_res);
	if (whole) {
		bool taken = false;
		for (size_t i = 0; i < lh_state_count(cur) && !taken; i++)
			taken = lh_addr_match(&to, &lh_state_at(cur, i)->addr);
		if (taken)
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid target address",
			    "Cannot move to %s: there is already a resource at that address in "
			    "the current state.", to_res);
	} else if (lh_state_find(cur, &to) != NULL) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid target address",
		    "Cannot move to %s: there is already a resource instance at that address "
		    "in the current state.", lh_addr_format(a, &to));
	} else {
		/* an instance keyed unlike the resource's others (u[1] -> u["one"] beside
		 * u[0]) would make a state litehcl cannot load: refused before writing */
		static const char *const kind[] = {"no key", "a count index", "a for_each key"};
		for (size_t i = 0; i < lh_state_count(cur); i++) {
			const lh_addr *o = &lh_state_at(cur, i)->addr;
			if (o->data != to.data || strcmp(o->type, to.type) != 0 ||
			    strcmp(o->name, to.name) != 0 || lh_addr_equal(o, &from) || o->kind == to.kind)
				continue;
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid target address",
			    "Cannot move %s to %s: %s is in the state with %s, and the instances "
			    "of a resource all use count, all for_each, or neither. To change "
			    "the keys of a resource, use moved blocks, or move each instance to "
			    "a resource name not in the state and then that resource back "
			    "(litehcl state mv %s.NEW %s).",
			    lh_addr_format(a, &from), lh_addr_format(a, &to), lh_addr_format(a, o),
			    kind[o->kind], to.type, to_res);
			break;
		}
	}
	if (d->errors > 0)
		return 1;
	if (whole)
		print_move(prefix, from_res, to_res);
	else
		print_move(prefix, lh_addr_format(a, &from), pos[1]);
	if (so->dry_run)
		return 0;
	for (size_t k = 0; k < n; k++) {
		lh_addr dst = to;
		if (whole) {
			dst.kind = src[k].kind;
			dst.index = src[k].index;
			dst.key = src[k].key;
		}
		if (!lh_state_move(cur, &src[k], &dst)) {
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Error moving state",
			    "Cannot move %s to %s. Please ensure your addresses and state paths "
			    "are valid. No state was persisted. Your existing states are "
			    "untouched.", lh_addr_format(a, &src[k]), lh_addr_format(a, &dst));
			return 1;
		}
	}
	/* dependents of the moved resource forget the edge (Terraform does the same) */
	bool still = false;
	for (size_t i = 0; i < lh_state_count(cur) && !still; i++) {
		lh_state_inst *si = lh_state_at(cur, i);
		still = si->addr.data == from.data && strcmp(si->addr.type, from.type) == 0 &&
		    strcmp(si->addr.name, from.name) == 0;
	}
	if (!still || whole)
		(void)lh_state_forget_dependents(cur, from_res);
	if (!save(cur, d))
		return 1;
	printf("Successfully moved 1 object(s).\n");
	return 0;
}

/* ---- pull, push ---- */

static int
do_pull(lh_arena *a, sopts *so, int npos, char **pos, lh_cmd_out *o, lh_diags *d)
{
	if (!lh_state_existed(cur) && lh_state_count(cur) == 0)
		return 0;	/* no state: Terraform prints nothing */
	char *s = lh_state_render(cur);
	fputs(s, stdout);
	free(s);
	return 0;
}

static char *
read_all(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *p = malloc(cap);
	if (p == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			char *q = realloc(p, cap * 2);
			if (q == NULL) {
				free(p);
				return NULL;
			}
			p = q;
			cap *= 2;
		}
		size_t got = fread(p + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(p);
		return NULL;
	}
	*len = n;
	return p;
}

static int
do_push(lh_arena *a, sopts *so, int npos, char **pos, lh_cmd_out *o, lh_diags *d)
{
	const char *path = pos[0];
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to read the state to push",
		    "open %s: no such file or directory", path);
		return 1;
	}
	size_t len = 0;
	char *text = read_all(f, &len);
	if (f != stdin)
		fclose(f);
	if (text == NULL) {
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to read the state to push",
		    "Error reading source state \"%s\".", path);
		return 1;
	}
	size_t i = 0;
	while (i < len && strchr(" \t\r\n", text[i]))
		i++;
	if (i == len) {
		free(text);
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to read the state to push",
		    "Error reading source state \"%s\": the state file is empty (no state).", path);
		return 1;
	}
	bool ok = lh_state_push(cur, text, len, so->force, d);
	free(text);
	if (!ok || !save(cur, d))
		return 1;
	return 0;
}

/* ---- replace-provider ---- */

/* "ncecere/litellm" -> "registry.terraform.io/ncecere/litellm"; the FQN Terraform
 * prints; NULL when s is not a provider source address. */
static char *
provider_fqn(lh_arena *a, const char *s, const char **why)
{
	int parts = 1;
	for (const char *p = s; *p; p++) {
		if (*p == '/')
			parts++;
		else if (!(*p == '-' || *p == '_' || *p == '.' || (*p >= '0' && *p <= '9') ||
		    (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
			*why = "Invalid provider source string: characters other than letters, digits, "
			    "dashes, underscores, dots and slashes are not allowed.";
			return NULL;
		}
	}
	if (*s == '\0' || strstr(s, "//") || s[0] == '/' || s[strlen(s) - 1] == '/' ||
	    parts > 3) {
		*why = "The \"source\" attribute must be in the format \"[hostname/][namespace/]name\"";
		return NULL;
	}
	size_t n = strlen(s) + 64;
	char *out = lh_arena_alloc(a, n);
	if (parts == 1)
		snprintf(out, n, "registry.terraform.io/hashicorp/%s", s);
	else if (parts == 2)
		snprintf(out, n, "registry.terraform.io/%s", s);
	else
		snprintf(out, n, "%s", s);
	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return out;
}

static int
do_replace_provider(lh_arena *a, sopts *so, int npos, char **pos, lh_cmd_out *o,
    lh_diags *d)
{
	const char *why = NULL;
	char *from = provider_fqn(a, pos[0], &why);
	if (from == NULL)
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid \"from\" provider", "\"%s\": %s",
		    pos[0], why);
	char *to = provider_fqn(a, pos[1], &why);
	if (to == NULL)
		lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid \"to\" provider", "\"%s\": %s",
		    pos[1], why);
	if (d->errors > 0)
		return 1;
	size_t nf = strlen(from) + 16, nt = strlen(to) + 16;
	char *pfrom = lh_arena_alloc(a, nf), *pto = lh_arena_alloc(a, nt);
	snprintf(pfrom, nf, "provider[\"%s\"]", from);
	snprintf(pto, nt, "provider[\"%s\"]", to);
	/* the resources that will change, once each */
	size_t n = 0;
	const char *last = NULL;
	for (size_t i = 0; i < lh_state_count(cur); i++) {
		lh_state_inst *si = lh_state_at(cur, i);
		if (strcmp(si->provider, pfrom) == 0) {
			char *r = lh_addr_resource(a, &si->addr);
			if (last == NULL || strcmp(last, r) != 0)
				n++;
			last = r;
		}
	}
	if (n == 0) {
		printf("No matching resources found.\n");
		return 0;
	}
	bool c = o->color;
	printf("litehcl will perform the following actions:\n\n");
	printf("  %s~%s Updating provider:\n", c ? "\033[33m" : "", c ? "\033[0m" : "");
	printf("    %s-%s %s\n", c ? "\033[31m" : "", c ? "\033[0m" : "", from);
	printf("    %s+%s %s\n\n", c ? "\033[32m" : "", c ? "\033[0m" : "", to);
	printf("%sChanging%s %zu resources:\n\n", c ? "\033[1m" : "", c ? "\033[0m" : "", n);
	last = NULL;
	for (size_t i = 0; i < lh_state_count(cur); i++) {
		lh_state_inst *si = lh_state_at(cur, i);
		if (strcmp(si->provider, pfrom) == 0) {
			char *r = lh_addr_resource(a, &si->addr);
			if (last == NULL || strcmp(last, r) != 0)
				printf("  %s\n", r);
			last = r;
		}
	}
	if (!so->auto_approve) {
		printf("\n%sDo you want to make these changes?%s\n"
		    "Only 'yes' will be accepted to continue.\n\n"
		    "Enter a value: ", c ? "\033[1m" : "", c ? "\033[0m" : "");
		fflush(stdout);
		char line[64];
		if (fgets(line, sizeof line, stdin) == NULL) {
			fputc('\n', stdout);
			lh_diag_add(d, LH_DIAG_ERROR, NULL, 0, 0, "Error asking for approval",
			    "No answer on standard input; use -auto-approve when running without "
			    "a terminal.");
			return 1;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (strcmp(line, "yes") != 0) {
			printf("Cancelled replacing providers.\n");
			return 0;
		}
	}
	lh_state_replace_provider(cur, pfrom, pto);
	if (!save(cur, d))
		return 1;
	printf("\nSuccessfully replaced provider for %zu resources.\n", n);
	return 0;
}

/* ---- the subcommand table ---- */

#define LOCK_OPTS \
	"  -lock=false         Don't hold a state lock during the operation. This is\n" \
	"                      dangerous if others might concurrently run commands\n" \
	"                      against the same workspace.\n\n" \
	"  -lock-timeout=0s    Duration to retry a state lock.\n\n"
#define STATE_OPT \
	"  -state=PATH         Path to the state file to read and update. Defaults to\n" \
	"                      \"terraform.tfstate\".\n"

static const sub subs[] = {
	{"list", "state list [options] [address...]",
	    "  List resources in the state.\n\n"
	    "  This command lists resource instances in the state. Addresses given as\n"
	    "  arguments filter the list: a resource address lists all its instances.\n\n"
	    "Options:\n\n" STATE_OPT,
	    do_list, false, 0, -1, NULL},
	{"show", "state show [options] ADDRESS",
	    "  Shows the attributes of a resource instance in the state.\n\n"
	    "Options:\n\n" STATE_OPT,
	    do_show, false, 1, 1, "Exactly one argument expected."},
	{"rm", "state rm [options] ADDRESS...",
	    "  Remove one or more items from the state, so that litehcl no longer manages\n"
	    "  them. The LiteLLM objects themselves are left alone.\n\n"
	    "Options:\n\n"
	    "  -dry-run            If set, prints out what would've been removed but\n"
	    "                      doesn't actually remove anything.\n\n"
	    "  -backup=PATH        Accepted for compatibility; the backup is always\n"
	    "                      STATE.backup.\n\n" LOCK_OPTS STATE_OPT,
	    do_rm, true, 1, -1, "At least one address is required.\n"},
	{"mv", "state mv [options] SOURCE DESTINATION",
	    "  This command will move an item matched by the address given to the\n"
	    "  destination address. This command can also move to a destination address\n"
	    "  in a completely different state file.\n\n"
	    "  This can be used for simple resource renaming or moving resources into\n"
	    "  a for_each or count (for example $TYPE.dev to\n"
	    "  $TYPE.team[\"dev\"]). The LiteLLM objects are not touched.\n\n"
	    "Options:\n\n"
	    "  -dry-run            If set, prints out what would've been moved but doesn't\n"
	    "                      actually move anything.\n\n" LOCK_OPTS STATE_OPT,
	    do_mv, true, 2, 2, "Exactly two arguments expected.\n"},
	{"pull", "state pull [options]",
	    "  Pull the state from its location, upgrade the local copy, and output it\n"
	    "  to stdout.\n\n"
	    "  This command \"pulls\" the current state and outputs it to stdout. As part\n"
	    "  of this process, litehcl will upgrade the state format of the local copy to\n"
	    "  the current version.\n\n"
	    "  The primary use of this is for state stored remotely. This command will\n"
	    "  still work with local state but is less useful for this.\n",
	    do_pull, false, 0, 0, "Unexpected arguments."},
	{"push", "state push [options] PATH",
	    "  Update remote state from a local state file at PATH.\n\n"
	    "  This command \"pushes\" a local state and overwrites remote state\n"
	    "  with a local state file. The command will protect you against writing\n"
	    "  an older serial or a different state file lineage unless you specify the\n"
	    "  \"-force\" flag.\n\n"
	    "  This command works with local state (it will overwrite the local\n"
	    "  state), but is less useful for this use case.\n\n"
	    "  If PATH is \"-\", then this command will read the state to push from stdin.\n"
	    "  Data from stdin is not streamed to the backend: it is loaded completely\n"
	    "  (until pipe close), verified, and then pushed.\n\n"
	    "Options:\n\n"
	    "  -force              Write the state even if lineages don't match or the\n"
	    "                      remote serial is higher.\n\n" LOCK_OPTS,
	    do_push, true, 1, 1, "Exactly one argument expected.\n"},
	{"replace-provider", "state replace-provider [options] FROM_PROVIDER_FQN TO_PROVIDER_FQN",
	    "  Replace provider for resources in the state.\n\n"
	    "Options:\n\n"
	    "  -auto-approve       Skip interactive approval.\n\n" LOCK_OPTS STATE_OPT,
	    do_replace_provider, true, 2, 2, "Exactly two arguments expected.\n"},
	{NULL, NULL, NULL, NULL, false, 0, 0, NULL}
};

static void
state_usage(FILE *f)
{
	fputs("Usage: litehcl [global options] state <subcommand> [options] [args]\n\n"
	    "  This command has subcommands for advanced state management.\n\n"
	    "  These subcommands can be used to slice and dice the litehcl state.\n"
	    "  This is sometimes necessary in advanced cases. For your safety, the\n"
	    "  state management commands that modify a local state keep the previous\n"
	    "  state as a backup (terraform.tfstate.backup) before they write it.\n\n"
	    "Subcommands:\n"
	    "    list                List resources in the state\n"
	    "    mv                  Move an item in the state\n"
	    "    pull                Pull current state and output to stdout\n"
	    "    push                Update remote state from a local state file\n"
	    "    replace-provider    Replace provider in the state\n"
	    "    rm                  Remove instances from the state\n"
	    "    show                Show a resource in the state\n", f);
}

/* Prints a subcommand's help, its examples' $TYPE spelled as the first registered
 * resource type (the help names no type itself). */
static void
put_help(FILE *f, const char *help)
{
	const char *type = lh_rtypes()[0]->type_name;
	for (const char *p; (p = strstr(help, "$TYPE")) != NULL; help = p + 5)
		fprintf(f, "%.*s%s", (int)(p - help), help, type);
	fputs(help, f);
}

static int
run_sub(const sub *s, int argc, char **argv)
{
	sopts so = {.lock = true};
	lh_opt opts[16];
	int k = 0;
	opts[k++] = (lh_opt){"lock", LH_OPT_BOOL, &so.lock};
	opts[k++] = (lh_opt){"lock-timeout", LH_OPT_STRING, &so.lock_timeout};
	opts[k++] = (lh_opt){"no-color", LH_OPT_BOOL, &so.no_color};
	opts[k++] = (lh_opt){"ignore-remote-version", LH_OPT_BOOL, &so.ignore_remote_version};
	if (s->fn != do_push)
		opts[k++] = (lh_opt){"state", LH_OPT_STRING, &so.state_path};
	if (s->fn == do_rm || s->fn == do_mv) {
		opts[k++] = (lh_opt){"dry-run", LH_OPT_BOOL, &so.dry_run};
		opts[k++] = (lh_opt){"backup", LH_OPT_STRING, &so.backup};
	}
	if (s->fn == do_mv)
		opts[k++] = (lh_opt){"state-out", LH_OPT_STRING, &so.state_out};
	if (s->fn == do_push)
		opts[k++] = (lh_opt){"force", LH_OPT_BOOL, &so.force};
	if (s->fn == do_replace_provider)
		opts[k++] = (lh_opt){"auto-approve", LH_OPT_BOOL, &so.auto_approve};
	opts[k] = (lh_opt){NULL, 0, NULL};
	char cmdname[40];
	snprintf(cmdname, sizeof cmdname, "state %s", s->name);
	int npos = 0;
	if (!lh_cli_parse(cmdname, opts, argc - 1, argv + 1, &npos, &so.help))
		return 1;
	if (so.help) {
		printf("Usage: litehcl [global options] %s\n\n", s->usage);
		put_help(stdout, s->help);
		return 0;
	}
	char **pos = argv + 1;
	if (npos < s->min || (s->max >= 0 && npos > s->max)) {
		/* Terraform's sentence, then the whole help */
		fprintf(stderr, "%s\nUsage: litehcl [global options] %s\n\n", s->argmsg, s->usage);
		put_help(stderr, s->help);
		return 1;
	}
	if (so.state_out != NULL && so.state_path != NULL &&
	    strcmp(so.state_out, so.state_path) != 0) {
		fputs("Error: -state-out to another file is not supported; move within one "
		    "state, then use state pull/push to copy between states.\n", stderr);
		return 1;
	}
	lh_cmd_out o = {.color = lh_cli_color(so.no_color), .ui = true};
	lh_arena *a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	int rc = 1;
	cur = NULL;
	if (open_for(&so, s, a, &cur, &d))
		rc = s->fn(a, &so, npos, pos, &o, &d);
	if (d.head != NULL)
		lh_cmd_print_diags(&o, &d);
	if (d.errors > 0)
		rc = 1;
	lh_state_close(cur);
	cur = NULL;
	lh_arena_free(a);
	return rc;
}

int
lh_cmd_state(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		state_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 1 : 0;
	}
	for (const sub *s = subs; s->name != NULL; s++)
		if (strcmp(argv[1], s->name) == 0)
			return run_sub(s, argc - 1, argv + 1);
	fprintf(stderr, "Error: unknown state subcommand: %s\n\n", argv[1]);
	const char *like = lh_help_suggest("state", argv[1]);
	if (like != NULL)
		fprintf(stderr, "Did you mean \"state %s\"?\n\n", like);
	state_usage(stderr);
	return 1;
}

/* ---- taint, untaint ---- */

static int
taint_cmd(int argc, char **argv, bool taint)
{
	sopts so = {.lock = true};
	lh_opt opts[] = {
		{"state", LH_OPT_STRING, &so.state_path},
		{"lock", LH_OPT_BOOL, &so.lock},
		{"lock-timeout", LH_OPT_STRING, &so.lock_timeout},
		{"no-color", LH_OPT_BOOL, &so.no_color},
		{"allow-missing", LH_OPT_BOOL, &so.allow_missing},
		{"ignore-remote-version", LH_OPT_BOOL, &so.ignore_remote_version},
		{"backup", LH_OPT_STRING, &so.backup},
		{"state-out", LH_OPT_STRING, &so.state_out},
		{NULL, 0, NULL}
	};
	const char *name = taint ? "taint" : "untaint";
	int npos = 0;
	if (!lh_cli_parse(name, opts, argc - 1, argv + 1, &npos, &so.help))
		return 1;
	/* a wrong number of arguments: Terraform's sentence, then the help (on stderr) */
	if (!so.help && npos != 1)
		fprintf(stderr, "The %s command expects exactly one argument.\n", name);
	if (so.help || npos != 1) {
		FILE *hf = so.help ? stdout : stderr;
		if (taint)
			fputs("Usage: litehcl [global options] taint [options] <address>\n\n"
			    "  litehcl uses the term \"tainted\" to describe a resource instance\n"
			    "  which may not be fully functional, either because its creation\n"
			    "  partially failed or because you've manually marked it as such using\n"
			    "  this command.\n\n"
			    "  This will not modify your LiteLLM proxy, but will mark the instance\n"
			    "  as tainted so that the next plan replaces it (destroy, then create).\n\n"
			    "Options:\n\n"
			    "  -allow-missing      If specified, the command will succeed (exit code 0)\n"
			    "                      even if the resource is missing.\n\n" LOCK_OPTS STATE_OPT,
			    hf);
		else
			fputs("Usage: litehcl [global options] untaint [options] name\n\n"
			    "  litehcl uses the term \"tainted\" to describe a resource instance\n"
			    "  which may not be fully functional, either because its creation\n"
			    "  partially failed or because you've manually marked it as such using\n"
			    "  the \"litehcl taint\" command.\n\n"
			    "  This command removes that state from a resource instance, causing\n"
			    "  litehcl to see it as fully-functional and not in need of\n"
			    "  replacement.\n\n"
			    "  This will not modify your LiteLLM proxy. This command changes your\n"
			    "  state to mark a resource instance as not tainted.\n\n"
			    "Options:\n\n"
			    "  -allow-missing      If specified, the command will succeed (exit code 0)\n"
			    "                      even if the resource is missing.\n\n" LOCK_OPTS STATE_OPT,
			    hf);
		return so.help ? 0 : 1;
	}
	lh_cmd_out o = {.color = lh_cli_color(so.no_color), .ui = true};
	lh_arena *a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	lh_state *st = NULL;
	int rc = 1;
	lh_addr ad;
	const char *err = NULL;
	if (!lh_addr_parse(a, argv[1], &ad, &err)) {
		lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Invalid address", "%s: %s", argv[1], err);
		goto out;
	}
	sub s = {.name = name, .edits = true};
	if (!open_for(&so, &s, a, &st, &d))
		goto out;
	if (lh_state_count(st) == 0 && !so.allow_missing) {
		lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "No such resource instance",
		    "The state currently contains no resource instances whatsoever. This may "
		    "occur if the configuration has never been applied or if it has recently "
		    "been destroyed.");
		goto out;
	}
	lh_state_inst *si = lh_state_find(st, &ad);
	char *as = lh_addr_format(a, &ad);
	if (si == NULL) {
		if (so.allow_missing) {
			lh_diag_add(&d, LH_DIAG_WARNING, NULL, 0, 0, "No such resource instance",
			    "Resource instance %s was not found, but this is not an error because "
			    "-allow-missing was set.", as);
			rc = 0;
			goto out;
		}
		lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "No such resource instance",
		    "There is no resource instance in the state with the address %s. If the "
		    "resource configuration has just been added, you must run \"litehcl apply\" "
		    "once to create the corresponding instance(s) before they can be tainted.",
		    as);
		goto out;
	}
	const char *status = lh_state_inst_status(si);
	bool is_tainted = status != NULL && strcmp(status, "tainted") == 0;
	if (!taint && !is_tainted) {
		lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Resource instance is not tainted",
		    "Resource instance %s is not currently tainted, and so it cannot be "
		    "untainted.", as);
		goto out;
	}
	lh_state_set_status(st, &ad, taint ? "tainted" : NULL);
	if (!lh_state_save(st, &d)) {
		goto out;
	}
	if (taint)
		printf("Resource instance %s has been marked as tainted.\n", as);
	else
		printf("Resource instance %s has been successfully untainted.\n", as);
	rc = 0;
out:
	if (d.head != NULL)
		lh_cmd_print_diags(&o, &d);
	lh_state_close(st);
	lh_arena_free(a);
	return rc;
}

int
lh_cmd_taint(int argc, char **argv)
{
	return taint_cmd(argc, argv, true);
}

int
lh_cmd_untaint(int argc, char **argv)
{
	return taint_cmd(argc, argv, false);
}

/* ---- force-unlock ---- */

int
lh_cmd_force_unlock(int argc, char **argv)
{
	bool force = false, no_color = false, help = false;
	const char *state_path = NULL;
	lh_opt opts[] = {
		{"force", LH_OPT_BOOL, &force},
		{"no-color", LH_OPT_BOOL, &no_color},
		{"state", LH_OPT_STRING, &state_path},
		{NULL, 0, NULL}
	};
	int npos = 0;
	if (!lh_cli_parse("force-unlock", opts, argc - 1, argv + 1, &npos, &help))
		return 1;
	if (!help && npos != 1)	/* Terraform's sentence, then the help (on stderr) */
		fputs("Expected a single argument: LOCK_ID\n", stderr);
	if (help || npos != 1) {
		fputs("Usage: litehcl [global options] force-unlock LOCK_ID\n\n"
		    "  Manually unlock the state for the defined configuration.\n\n"
		    "  This will not modify your infrastructure. This command removes the lock on\n"
		    "  the state for the current workspace. The behavior of this lock is dependent\n"
		    "  on the backend being used. A local state lock held by a running process\n"
		    "  cannot be broken (it is released when that process ends); a lock left by a\n"
		    "  process that died is removed.\n\n"
		    "Options:\n\n"
		    "  -force              Don't ask for input for unlock confirmation.\n",
		    help ? stdout : stderr);
		return help ? 0 : 1;
	}
	lh_cmd_out o = {.color = lh_cli_color(no_color), .ui = true};
	lh_arena *a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	int rc = 1;
	const char *path = state_path;
	lh_store *store = NULL;	/* a remote backend's (http) */
	if (path == NULL) {
		lh_backend *b = NULL;
		if (!lh_backend_current(&b, &d))
			goto out;
		char *bpath = NULL;
		if (lh_backend_open(b, lh_backend_workspace(), false, &store, &bpath, &d)) {
			if (b->type == LH_BACKEND_LOCAL)
				path = lh_arena_strdup(a, bpath ? bpath : "terraform.tfstate");
			else if (store != NULL && store->ops->force_unlock == NULL)
				lh_diag_add(&d, LH_DIAG_ERROR, NULL, 0, 0, "Failed to unlock state",
				    "force-unlock is not supported for the \"%s\" backend: its lock is a "
				    "session advisory lock, released by PostgreSQL when the run holding it "
				    "ends or its connection is closed (a killed run's lock is gone already; "
				    "a hung one can be ended with pg_terminate_backend).", b->type_name);
		}
		free(bpath);
		lh_backend_free(b);
		if (path == NULL && (store == NULL || store->ops->force_unlock == NULL))
			goto out;
	}
	if (!force) {
		fputs("Do you really want to force-unlock?\n"
		    "  litehcl will remove the lock on the remote state.\n"
		    "  This will allow local litehcl commands to modify this state, even though it\n"
		    "  may still be in use. Only 'yes' will be accepted to confirm.\n\n"
		    "  Enter a value: ", stdout);
		fflush(stdout);
		char line[64];
		if (fgets(line, sizeof line, stdin) == NULL || (line[strcspn(line, "\r\n")] = '\0',
		    strcmp(line, "yes") != 0)) {
			printf("\nforce-unlock cancelled.\n");
			goto out;
		}
		fputc('\n', stdout);
	}
	if (path != NULL ? lh_state_force_unlock(path, argv[1], &d) != 0 :
	    !store->ops->force_unlock(store, argv[1], &d))
		goto out;
	printf("litehcl state has been successfully unlocked!\n\n"
	    "The state has been unlocked, and litehcl commands should now be able to\n"
	    "obtain a new lock on the remote state.\n");
	rc = 0;
out:
	lh_store_free(store);
	if (d.head != NULL)
		lh_cmd_print_diags(&o, &d);
	lh_arena_free(a);
	return rc;
}

/* ---- refresh ---- */

/* `refresh` is `apply -refresh-only -auto-approve`, as in Terraform (which deprecates
 * it in favour of that spelling): the same flags, output and exit codes. */
int
lh_cmd_refresh(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-help") == 0 || strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			lh_help_print(stdout, lh_help_find("refresh"));	/* help.c */
			return 0;
		}
	}
	char **v = calloc((size_t)argc + 3, sizeof *v);
	if (v == NULL)
		return 1;
	int n = 0;
	v[n++] = "apply";
	v[n++] = "-refresh-only";
	v[n++] = "-auto-approve";
	for (int i = 1; i < argc; i++)
		v[n++] = argv[i];
	v[n] = NULL;
	int rc = lh_cmd_apply_as_refresh(n, v);
	free(v);
	return rc;
}
