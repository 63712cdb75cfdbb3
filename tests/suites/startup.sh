#!/bin/sh
# startup.sh - what a run loads: libpq only when a pg backend is used, libcurl only when a
# command makes requests (both dlopen'd, by src/backend_pg.c and src/curl_dl.c, not
# linked), named by the dynamic loader's LD_DEBUG=files trace.
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

# libcurl is dlopen'd too (src/curl_dl.c): commands that make no request never load it
# and its 28 libraries; plan loads it (on a thread, while it reads the configuration)
cd "$WORK" || exit 1
for c in version validate fmt "state list" "console"; do
	# shellcheck disable=SC2086
	loaded "$LITEHCL" $c </dev/null
	case $libs in *libcurl*|*libgnutls*|*libldap*) fail "$c does not load libcurl" "$libs" ;;
		*) ok "$c does not load libcurl" ;; esac
done
loaded "$LITEHCL" plan -input=false
case $libs in *libcurl.so.4*) ok "plan loads libcurl" ;; *) fail "plan loads libcurl" "$libs" ;; esac

# A libcurl that cannot be used is one clear error, exit 1 - never a crash.
# LITEHCL_LIBCURL names the file to load instead of libcurl.so.4 (for tests only).
# curl_err NAME WHAT... : the run's exit code is 1 and its output says why
curl_err() {
	name=$1
	shift
	"$@" >out.txt 2>&1 </dev/null
	rc=$?
	if [ "$rc" -eq 1 ] && grep -q 'libcurl is not available' out.txt && flat out.txt | grep -q "$want" &&
	    ! grep -qi 'segmentation\|sanitizer\|panic' out.txt; then
		ok "$name"
	else
		fail "$name" "exit $rc, wanted 1 and: $want" "$(head -20 out.txt)"
	fi
}
want='/nonexistent/libcurl.so.4: cannot open shared object file: No such file or directory'
LITEHCL_LIBCURL=/nonexistent/libcurl.so.4 curl_err "plan without libcurl: its error, exit 1" \
	"$LITEHCL" plan -input=false -no-color
LITEHCL_LIBCURL=/nonexistent/libcurl.so.4 curl_err "apply without libcurl: its error, exit 1" \
	"$LITEHCL" apply -input=false -no-color -auto-approve
LITEHCL_LIBCURL=/nonexistent/libcurl.so.4 curl_err "import without libcurl: its error, exit 1" \
	"$LITEHCL" import -input=false -no-color litellm_user.u startup@example.com
want='is not a usable libcurl: .*undefined symbol: curl_'
LITEHCL_LIBCURL=libz.so.1 curl_err "a library without curl's functions: its error, exit 1" \
	"$LITEHCL" plan -input=false -no-color
# commands that make no request do not need it
LITEHCL_LIBCURL=/nonexistent/libcurl.so.4 "$LITEHCL" validate >out.txt 2>&1
check_rc=$?
if [ $check_rc -eq 0 ]; then ok "validate without libcurl"; else fail "validate without libcurl" "$(cat out.txt)"; fi
# an invalid configuration is reported as such (the library is only needed for requests)
mkdir bad && cd bad || exit 1
printf 'resource "litellm_user" "u" {\n  user_email = local.nope\n}\n' >main.tf
LITEHCL_LIBCURL=/nonexistent/libcurl.so.4 "$LITEHCL" plan -input=false -no-color >out.txt 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'Reference to undeclared local value' out.txt && ! grep -q libcurl out.txt; then
	ok "an invalid configuration without libcurl: the configuration's error"
else
	fail "an invalid configuration without libcurl: the configuration's error" "exit $rc" "$(cat out.txt)"
fi
# the http state backend loads it when it is opened (no thread started: loaded there)
cd "$WORK" && mkdir httpb && cd httpb || exit 1
cat > main.tf <<'EOT'
terraform {
  backend "http" {
    address = "http://127.0.0.1:9/state"
  }
}
EOT
want='/nonexistent/libcurl.so.4: cannot open shared object file'
LITEHCL_LIBCURL=/nonexistent/libcurl.so.4 curl_err "the http backend without libcurl: its error, exit 1" \
	"$LITEHCL" init -input=false -no-color
# without the preload thread (LITEHCL_NO_CURL_PRELOAD=1) the first use loads it
cd "$WORK" || exit 1
loaded env LITEHCL_NO_CURL_PRELOAD=1 "$LITEHCL" plan -input=false
case $libs in *libcurl.so.4*) ok "plan without the preload thread loads libcurl" ;;
	*) fail "plan without the preload thread loads libcurl" "$libs" ;; esac
want='/nonexistent/libcurl.so.4: cannot open shared object file'
LITEHCL_NO_CURL_PRELOAD=1 LITEHCL_LIBCURL=/nonexistent/libcurl.so.4 curl_err \
	"plan without the preload thread and without libcurl: its error, exit 1" \
	"$LITEHCL" plan -input=false -no-color
