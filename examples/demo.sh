#!/bin/sh
# demo.sh - the README's main job, run by `make demo`: start the LiteLLM emulator on a
# free 127.0.0.1 port with a master key, apply examples/quickstart and examples/teams
# (in scratch copies), each followed by a plan that shows "No changes".  Builds nothing itself (make demo builds
# first); exits non-zero when any step fails.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
LITEHCL=${LITEHCL:-$top/build/litehcl}
EMU=${EMU:-$top/build/litellm-emu}
for b in "$LITEHCL" "$EMU"; do
	[ -x "$b" ] || { echo "demo: $b is missing; run 'make' first" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/litehcl-demo.XXXXXX") || exit 1
emu_pid=""
cleanup() {
	[ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
step() {
	if [ -t 1 ]; then printf '\n\033[1m$ %s\033[0m\n' "$*"; else printf '\n$ %s\n' "$*"; fi
}

# A master key made up for this run only.
key="sk-demo-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
"$EMU" --port 0 --port-file "$work/port" --master-key "$key" --log "$work/emu.log" \
	>"$work/emu.out" 2>&1 &
emu_pid=$!
i=0
while [ ! -s "$work/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
if [ ! -s "$work/port" ]; then
	echo "demo: the emulator did not start:" >&2
	cat "$work/emu.out" >&2
	exit 1
fi
LITELLM_API_BASE="http://127.0.0.1:$(cat "$work/port")"
LITELLM_API_KEY=$key
export LITELLM_API_BASE LITELLM_API_KEY
echo "LiteLLM emulator listening on $LITELLM_API_BASE"

mkdir "$work/quickstart"
cp -R "$top/examples/quickstart/." "$work/quickstart/" || exit 1
cd "$work/quickstart" || exit 1

step litehcl apply -auto-approve
"$LITEHCL" apply -auto-approve || { echo "demo: apply failed" >&2; exit 1; }

step litehcl plan -detailed-exitcode
"$LITEHCL" plan -detailed-exitcode
rc=$?
if [ $rc -ne 0 ]; then
	echo "demo: plan after apply was not empty (exit $rc)" >&2
	exit 1
fi

# Teams and their members (examples/teams): teams and users first, then memberships.
mkdir "$work/teams"
cp -R "$top/examples/teams/." "$work/teams/" || exit 1
cd "$work/teams" || exit 1

step litehcl apply -auto-approve '(examples/teams)'
"$LITEHCL" apply -auto-approve || { echo "demo: apply of the teams failed" >&2; exit 1; }

step litehcl plan -detailed-exitcode '(examples/teams)'
"$LITEHCL" plan -detailed-exitcode
rc=$?
if [ $rc -ne 0 ]; then
	echo "demo: plan after applying the teams was not empty (exit $rc)" >&2
	exit 1
fi
echo
echo "demo: OK - users, teams and memberships applied, and the plan after apply is empty."
