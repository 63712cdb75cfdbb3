#!/bin/sh
# readme.sh - the README's "Try it" section works when pasted line by line: its lines
# (between <!-- try-it --> and <!-- /try-it -->) run one at a time in a copy of the
# repository's examples, with the built binaries in build/.  Only two things change:
# `make` is skipped (the binaries are built), and port 4000 becomes a free port so the
# test never meets another program on 4000.
. "$TOP/tests/lib.sh"

cd "$WORK" || exit 1
unset LITELLM_API_BASE LITELLM_API_KEY
export NO_COLOR=1

sed -n '/^<!-- try-it -->$/,/^<!-- \/try-it -->$/p' "$TOP/README.md" |
	sed -e '/^<!--/d' -e '/^```/d' >block.sh
[ -s block.sh ] && ok "README has a try-it block" || fail "README has a try-it block"
grep -q -- '--master-key' block.sh && grep -q -- '--port' block.sh && grep -q 'litellm-emu' block.sh &&
	ok "try-it starts the emulator with --port and --master-key" ||
	fail "try-it starts the emulator with --port and --master-key" "$(cat block.sh)"
for cmd in plan apply destroy; do
	grep -q "^litehcl $cmd" block.sh && ok "try-it runs litehcl $cmd" || fail "try-it runs litehcl $cmd"
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p repo/build && cp -R "$TOP/examples" repo/ || exit 1
ln -s "$LITEHCL" repo/build/litehcl
ln -s "$EMU" repo/build/litellm-emu
# one line at a time, stopping at the first that fails, as a person would
{
	echo 'trap '\''[ -n "$emu" ] && kill "$emu" 2>/dev/null'\'' EXIT'
	n=0
	while IFS= read -r line; do
		n=$((n + 1))
		case $line in
		make|make\ *) continue ;;
		esac
		line=$(printf '%s' "$line" | sed "s/4000/$port/g")
		printf 'echo %s\n' "$(printf '$ %s' "$line" | sed "s/'/'\\\\''/g; s/^/'/; s/\$/'/")"
		case $line in
		*'&') printf '%s\nemu=$!\n' "$line" ;;
		*) printf '%s || { echo "line %d failed: exit $?"; exit 1; }\n' "$line" "$n" ;;
		esac
		case $line in kill*) echo 'emu=' ;; esac
	done <block.sh
} >run.sh
(cd repo && sh ../run.sh >../out.txt 2>&1); rc=$?
if [ $rc -eq 0 ]; then ok "try-it block runs line by line"; else fail "try-it block runs line by line" "$(tail -30 out.txt)"; fi
grep -q 'Apply complete! Resources: 4 added' out.txt && ok "try-it: quickstart applies 4 users" ||
	fail "try-it: quickstart applies 4 users" "$(grep -n Apply out.txt)"
grep -q 'No changes' out.txt && ok "try-it: second plan has no changes" || fail "try-it: second plan has no changes"
grep -q 'Destroy complete! Resources: 4 destroyed' out.txt && ok "try-it: quickstart destroyed" ||
	fail "try-it: quickstart destroyed" "$(grep -n Destroy out.txt)"
grep -q 'Apply complete! Resources: 14 added' out.txt && grep -q 'resource "litellm_team_member" "dev_membership"' out.txt &&
	grep -q 'Destroy complete! Resources: 14 destroyed' out.txt && ok "try-it: teams applied, a membership shown, destroyed" ||
	fail "try-it: teams applied, a membership shown, destroyed" "$(grep -n -e Apply -e Destroy out.txt)"
# the emulator is gone when the block ends
if python3 -c "import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(('127.0.0.1', $port)) != 0 else 1)"; then
	ok "try-it: the emulator is stopped at the end"
else
	fail "try-it: the emulator is stopped at the end"
fi
