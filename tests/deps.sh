#!/bin/sh
# Installs the Debian packages litehcl needs to build and test, if any is missing.
# Idempotent: does nothing (and needs no network) when everything is there.
PKGS="make gcc clang re2c lemon libcurl4-openssl-dev libcjson-dev libpcre2-dev \
libmicrohttpd-dev libclang-rt-14-dev python3 curl jq openssl wrk \
libpq-dev postgresql libgmp-dev libmpfr-dev libssl-dev libyaml-dev \
libcrypt-dev zlib1g-dev"
missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq || exit 1
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing || exit 1
