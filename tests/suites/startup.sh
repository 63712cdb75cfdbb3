#!/bin/sh
# startup.sh - what a run loads: libpq only when a pg backend is used (it is dlopen'd by
# src/backend_pg.c, not linked), named by the dynamic loader's LD_DEBUG=files trace.
. "$TOP/tests/lib.sh"

cd "$WORK" || exit 1
unset LITELLM_API_BASE LITELLM_API_KEY
cat > main.tf <<'EOT'
resource "litellm_user" "u" {
  user_email = "startup@example.com"
}
EOT

# loaded CMD...: sets $libs to the libraries CMD loads, named by LD_DEBUG (the run's own
# output is dropped); a run that shows no library at all is a broken test
loaded() {
	libs=$(LD_DEBUG=files "$@" 2>&1 >/dev/null | grep -o 'file=[^ ]*' | sort -u)
	case $libs in *libc.so*) ;; *) fail "LD_DEBUG names what $2 loads" "$libs" ;; esac
}

loaded "$LITEHCL" version
case $libs in *libpq*) fail "version does not load libpq" "$libs" ;; *) ok "version does not load libpq" ;; esac
# a plan with the local backend (an address where nothing listens: the plan of a fresh
# configuration sends nothing, but the provider is configured)
export LITELLM_API_BASE=http://127.0.0.1:9 LITELLM_API_KEY=sk-startup-unused
loaded "$LITEHCL" plan -input=false
case $libs in *libpq*) fail "plan with the local backend does not load libpq" "$libs" ;;
	*) ok "plan with the local backend does not load libpq" ;; esac
# a pg backend loads it when it connects (nothing listens on port 1: the connection
# fails, after libpq was loaded and asked)
mkdir pg && cd pg || exit 1
cat > main.tf <<'EOT'
terraform {
  backend "pg" {
    conn_str = "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"
  }
}
EOT
LD_DEBUG=files "$LITEHCL" init -input=false >out.txt 2>err.txt
if grep -q 'file=libpq.so.5' err.txt && grep -q 'Failed to connect to the pg backend' out.txt err.txt; then
	ok "a pg backend loads libpq when it connects"
else
	fail "a pg backend loads libpq when it connects" "$(grep -v '^ *[0-9]*:' err.txt | head; cat out.txt | head)"
fi
