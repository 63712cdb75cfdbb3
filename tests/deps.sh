#!/bin/sh
# Installs the Debian packages litehcl needs to build and test, if any is missing.
# Idempotent: does nothing (and needs no network) when everything is there.
# libcurl4 and libpq5 are loaded at run time (dlopen, src/curl_dl.c and backend_pg.c):
# named here as well as their -dev packages, which give the headers.
PKGS="make gcc clang re2c lemon libcurl4 libcurl4-openssl-dev libcjson-dev libpcre2-dev \
libmicrohttpd-dev libclang-rt-14-dev python3 curl jq openssl wrk \
libpq5 libpq-dev postgresql libgmp-dev libmpfr-dev libssl-dev libyaml-dev \
libcrypt-dev zlib1g-dev"
missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	$SUDO apt-get update -qq || exit 1
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing || exit 1
fi
# The third-party JSON readers tests/suites/readers.sh feeds litehcl's plan and state to
# (npm packages, pinned): optional - without node/npm or the registry the suite says
# it skipped, and nothing else needs them.
READERS="@ahmadnassri/terraform-unidiff@4.0.5 @terraform-visual/cli@0.2.1"
if command -v npm >/dev/null 2>&1 && ! [ -x build/npm/node_modules/.bin/terraform-visual ]; then
	echo "installing the npm readers for tests/suites/readers.sh: $READERS"
	npm install --prefix build/npm --no-audit --no-fund --loglevel=error $READERS >/dev/null ||
		echo "could not install them; tests/suites/readers.sh will be skipped"
fi
exit 0
