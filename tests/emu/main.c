/* main.c - litellm-emu: command line, start-up, signal wait, clean shutdown.
 *
 * Start-up order: parse flags, build the initial store (system users), load --data then
 * --seed, start the server, publish the port (--port-file, stdout).  SIGTERM/SIGINT stop
 * the server, persist --data and exit 0.  Usage: litellm-emu --help.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faults.h"
#include "store.h"

struct emu_config emu_cfg = {.threads = 2, .hang_max_ms = 300000};

static const char usage[] =
	"usage: litellm-emu [options]\n"
	"  --port N                    listen on 127.0.0.1:N (0 = any free port; default 4000)\n"
	"  --port-file FILE            write the chosen port to FILE\n"
	"  --path-prefix /P            serve the API under /P (a base URL with a path)\n"
	"  --master-key KEY            require KEY (Bearer or x-litellm-api-key); none = open API\n"
	"  --legacy                    behave like old (~v1.80) proxies\n"
	"  --premium                   enterprise build: team admins allowed\n"
	"  --log FILE                  JSON-lines request log\n"
	"  --data FILE                 persist users and teams in FILE across restarts\n"
	"  --seed FILE                 load users/teams from FILE at start (see README)\n"
	"  --seed-random N             deterministic ids, keys and fault dice\n"
	"  --now ISO                   freeze the clock (2024-06-14T22:48:36.594Z)\n"
	"  --time-format F             micro (.594000Z), offset (.594000+00:00), seconds (Z)\n"
	"  --fault SPEC                arm a fault: path=/user/info,kind=503,nth=2,count=1\n"
	"  --default-max-budget N      server-side default for new users\n"
	"  --default-budget-duration D server-side default for new users\n"
	"  --default-models a,b        server-side default for new users\n"
	"  --default-user-role R       server-side default for new users\n"
	"  --default-team-max-budget N, --default-team-budget-duration D\n"
	"                              server-side defaults for new teams\n"
	"  --threads N                 HTTP thread pool size (default 2)\n"
	"  --hang-max-ms N             cut a hung answer after N ms (default 300000)\n"
	"  --tls DIR                   HTTPS with DIR/cert.pem and DIR/key.pem (made when missing)\n"
	"  --latency-ms N              every answer waits N ms (a network round trip)\n"
	"  --conn-latency-ms N         the first answer on a new connection waits N ms more\n"
	"  --write-latency-ms N        every write (non-GET) waits N ms more (a database commit)\n"
	"  --roster-race-ms N          team member routes read the roster, wait N ms, write it\n"
	"                              back: concurrent edits of one team are lost (mid/old)\n";

static int
die(const char *fmt, const char *arg)
{
	fprintf(stderr, "litellm-emu: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 1;
}

static bool
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return *s && !*end && !errno && *out >= lo && *out <= hi;
}

static cJSON *
split_models(const char *s)
{
	cJSON *arr = cJSON_CreateArray();
	char *copy = emu_strdup(s), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		emu_push(arr, cJSON_CreateString(t));
	free(copy);
	return arr;
}

/* One flag with its value; returns 0 ok, 1 error (message printed). */
static int
parse_valued(const char *flag, const char *v)
{
	long n;
	char *err = NULL, *end;

	if (!strcmp(flag, "--port")) {
		if (!parse_long(v, 0, 65535, &n))
			return die("--port: expected 0..65535, got '%s'", v);
		emu_cfg.port = (int)n;
	} else if (!strcmp(flag, "--path-prefix")) {
		if (v[0] != '/' || (v[1] && v[strlen(v) - 1] == '/'))
			return die("--path-prefix: expected /name (no trailing slash), got '%s'", v);
		emu_cfg.path_prefix = v[1] ? v : NULL;
	} else if (!strcmp(flag, "--port-file")) {
		emu_cfg.port_file = v;
	} else if (!strcmp(flag, "--master-key")) {
		emu_cfg.master_key = *v ? v : NULL;
	} else if (!strcmp(flag, "--log")) {
		emu_cfg.log_file = v;
	} else if (!strcmp(flag, "--data")) {
		emu_cfg.data_file = v;
	} else if (!strcmp(flag, "--seed")) {
		emu_cfg.seed_file = v;
	} else if (!strcmp(flag, "--seed-random")) {
		emu_cfg.have_seed_random = true;
		emu_cfg.seed_random = strtoull(v, &end, 10);
		if (!*v || *end)
			return die("--seed-random: expected a number, got '%s'", v);
	} else if (!strcmp(flag, "--now")) {
		if (!emu_time_parse(v, &emu_cfg.fixed_now_ms))
			return die("--now: expected an ISO time like 2024-06-14T22:48:36.594Z, got '%s'", v);
	} else if (!strcmp(flag, "--time-format")) {
		if (!strcmp(v, "micro"))
			emu_cfg.time_format = EMU_TIME_MICRO;
		else if (!strcmp(v, "offset"))
			emu_cfg.time_format = EMU_TIME_OFFSET;
		else if (!strcmp(v, "seconds"))
			emu_cfg.time_format = EMU_TIME_SECONDS;
		else
			return die("--time-format: expected micro, offset or seconds, got '%s'", v);
	} else if (!strcmp(flag, "--fault")) {
		if (emu_fault_add_spec(v, &err) < 0) {
			fprintf(stderr, "litellm-emu: --fault: %s\n", err);
			free(err);
			return 1;
		}
	} else if (!strcmp(flag, "--default-max-budget")) {
		emu_cfg.default_max_budget = strtod(v, &end);
		if (!*v || *end)
			return die("--default-max-budget: expected a number, got '%s'", v);
		emu_cfg.have_default_max_budget = true;
	} else if (!strcmp(flag, "--default-budget-duration")) {
		emu_cfg.default_budget_duration = v;
	} else if (!strcmp(flag, "--default-models")) {
		cJSON_Delete(emu_cfg.default_models);
		emu_cfg.default_models = split_models(v);
	} else if (!strcmp(flag, "--default-team-max-budget")) {
		emu_cfg.default_team_max_budget = strtod(v, &end);
		if (!*v || *end)
			return die("--default-team-max-budget: expected a number, got '%s'", v);
		emu_cfg.have_default_team_max_budget = true;
	} else if (!strcmp(flag, "--default-team-budget-duration")) {
		emu_cfg.default_team_budget_duration = v;
	} else if (!strcmp(flag, "--default-user-role")) {
		emu_cfg.default_user_role = v;
	} else if (!strcmp(flag, "--threads")) {
		if (!parse_long(v, 1, 64, &n))
			return die("--threads: expected 1..64, got '%s'", v);
		emu_cfg.threads = (int)n;
	} else if (!strcmp(flag, "--tls")) {
		if (!*v)
			return die("--tls: expected a directory, got '%s'", v);
		emu_cfg.tls_dir = v;
	} else if (!strcmp(flag, "--roster-race-ms")) {
		if (!parse_long(v, 0, 600000, &n))
			return die("--roster-race-ms: expected 0..600000 ms, got '%s'", v);
		emu_cfg.roster_race_ms = (int)n;
	} else if (!strcmp(flag, "--latency-ms") || !strcmp(flag, "--conn-latency-ms") ||
	           !strcmp(flag, "--write-latency-ms")) {
		if (!parse_long(v, 0, 600000, &n))
			return die("expected 0..600000 ms, got '%s'", v);
		*(flag[2] == 'l' ? &emu_cfg.latency_ms : flag[2] == 'c' ? &emu_cfg.conn_latency_ms
		                                                        : &emu_cfg.write_latency_ms) = (int)n;
	} else if (!strcmp(flag, "--hang-max-ms")) {
		if (!parse_long(v, 1, 86400000, &n))
			return die("--hang-max-ms: expected a positive number, got '%s'", v);
		emu_cfg.hang_max_ms = (int)n;
	} else {
		return die("unknown option '%s' (see --help)", flag);
	}
	return 0;
}

static int
parse_args(int argc, char **argv)
{
	emu_cfg.port = 4000;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *eq;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			exit(0);
		} else if (!strcmp(a, "--legacy")) {
			emu_cfg.legacy = true;
		} else if (!strcmp(a, "--premium")) {
			emu_cfg.premium = true;
		} else if (strncmp(a, "--", 2) == 0 && (eq = strchr(a, '='))) {
			char *flag = emu_strdup(a);
			flag[eq - a] = 0;
			int rc = parse_valued(flag, eq + 1);
			free(flag);
			if (rc)
				return rc;
		} else if (i + 1 < argc) {
			if (parse_valued(a, argv[++i]))
				return 1;
		} else {
			return die("option '%s' needs a value (see --help)", a);
		}
	}
	return 0;
}

/* Write the port atomically so a reader never sees a half-written number. */
static bool
write_port_file(const char *path, int port)
{
	char *tmp = emu_strf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	bool ok = f && fprintf(f, "%d\n", port) > 0;

	if (f && fclose(f) != 0)
		ok = false;
	if (ok && rename(tmp, path) != 0)
		ok = false;
	if (!ok) {
		fprintf(stderr, "litellm-emu: %s: %s\n", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return ok;
}

static bool
load_state(void)
{
	char *err = NULL;

	emu_store_reset();
	if (emu_cfg.data_file && !emu_store_load_file(emu_cfg.data_file, &err))
		goto fail;
	if (emu_cfg.seed_file) {
		if (access(emu_cfg.seed_file, R_OK) != 0) {
			err = emu_strf("%s: %s", emu_cfg.seed_file, strerror(errno));
			goto fail;
		}
		if (!emu_store_load_file(emu_cfg.seed_file, &err))
			goto fail;
	}
	/* write --data once now, so an unwritable path fails at start, not at exit */
	if (emu_cfg.data_file && !emu_store_save_file(emu_cfg.data_file, &err))
		goto fail;
	return true;
fail:
	fprintf(stderr, "litellm-emu: %s\n", err);
	free(err);
	return false;
}

static void
cleanup(void)
{
	emu_fault_clear(-1);
	emu_store_free();
	cJSON_Delete(emu_cfg.default_models);
}

int
main(int argc, char **argv)
{
	sigset_t set;
	int port, sig = 0, rc = 0;
	char *err = NULL;

	if (parse_args(argc, argv) || !load_state()) {
		cleanup();
		return 1;
	}
	/* every thread inherits the mask, so only sigwait() below sees the signals */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	port = emu_server_start();
	if (port < 0 || (emu_cfg.port_file && !write_port_file(emu_cfg.port_file, port))) {
		emu_server_stop();
		cleanup();
		return 1;
	}
	printf("%d\n", port);
	fflush(stdout);
	sigwait(&set, &sig);
	emu_server_stop();
	if (emu_cfg.data_file && !emu_store_save_file(emu_cfg.data_file, &err)) {
		fprintf(stderr, "litellm-emu: saving %s\n", err);
		free(err);
		rc = 1;
	}
	cleanup();
	return rc;
}
