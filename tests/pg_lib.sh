# Private PostgreSQL for backend tests (sourced).  pg_start starts a throw-away server:
# initdb into a fresh directory, listening on a free 127.0.0.1 port and on a Unix
# socket in that directory, run as an unprivileged user (the server refuses root).
# Sets PG_BIN, PG_DIR, PG_PORT, PG_URL (postgres://...sslmode=disable).  pg_stop stops
# it and removes the directory; call it from an EXIT trap so a failing suite stops it.
# pg_bin_dir prints the binaries' directory, or nothing when PostgreSQL is not installed.

pg_bin_dir() {
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
	done
	command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"
}

# _pg_as CMD...: runs CMD as the server's user (this user when not root).
_pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$PG_USER" -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	PG_BIN=$(pg_bin_dir)
	[ -n "$PG_BIN" ] || return 1
	PG_USER=$(id -un)
	if [ "$(id -u)" -eq 0 ]; then
		PG_USER=litehcl_pg
		id -u "$PG_USER" >/dev/null 2>&1 ||
		    useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER" 2>/dev/null ||
		    { id -u postgres >/dev/null 2>&1 && PG_USER=postgres; } || return 1
	fi
	PG_DIR=$(mktemp -d /tmp/litehcl-pg.XXXXXX) || return 1
	chmod 755 "$PG_DIR"
	[ "$(id -u)" -eq 0 ] && chown "$PG_USER" "$PG_DIR"
	PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	_pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync -E UTF8 \
	    >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
	_pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
	    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=on -c max_connections=50" \
	    start >/dev/null 2>&1 || { cat "$PG_DIR/server.log" >&2; return 1; }
	PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
	export PG_BIN PG_DIR PG_PORT PG_URL PG_USER
}

pg_stop() {
	[ -n "$PG_DIR" ] || return 0
	_pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$PG_DIR"
	PG_DIR=""
}

# psql_c SQL: runs SQL on the private server, prints unaligned tuples.
psql_c() { "$PG_BIN/psql" -X -q -A -t -d "$PG_URL" -c "$1"; }
