#!/bin/sh
# examples.sh - every configuration under examples/ works as a newcomer uses it: against
# the proxy named by LITELLM_API_BASE (no example overrides it), alone on an empty proxy,
# and after all the others on one proxy (no two create the same user or team), in both
# orders; a plan after apply is empty, and destroy removes what apply created.
. "$TOP/tests/lib.sh"

cd "$WORK" || exit 1
unset LITELLM_API_BASE LITELLM_API_KEY
export NO_COLOR=1
KEY=sk-examples

list=""
for d in "$TOP"/examples/*/; do
	ls "$d"*.tf >/dev/null 2>&1 || continue
	list="$list $(basename "$d")"
done
[ -n "$list" ] && ok "examples found:$list" || fail "examples found"

# No example may send its users anywhere but where the environment says.
for e in $list; do
	if grep -Eq '^[[:space:]]*api_base[[:space:]]*=[[:space:]]*"' "$TOP/examples/$e"/*.tf; then
		fail "$e: provider leaves api_base to LITELLM_API_BASE" "$(grep -n api_base "$TOP/examples/$e"/*.tf)"
	else
		ok "$e: provider leaves api_base to LITELLM_API_BASE"
	fi
	for v in "$TOP/examples/$e"/*.tf; do
		# a variable defaulting to a URL that ends up in api_base overrides it too
		if grep -Eq 'default[[:space:]]*=[[:space:]]*"https?://' "$v"; then
			fail "$e: no URL default in $(basename "$v")" "$(grep -n 'default.*http' "$v")"
		fi
	done
done

# apply_one NAME TAG: applies a fresh copy of example NAME (scratch dir TAG-NAME)
apply_one() {
	rm -rf "$2-$1"
	cp -R "$TOP/examples/$1" "$2-$1" || return 1
	(cd "$2-$1" && "$LITEHCL" apply -auto-approve >apply.out 2>&1) || {
		fail "$2: $1 applies" "$(tail -20 "$2-$1/apply.out")"; return 1; }
	ok "$2: $1 applies"
	(cd "$2-$1" && "$LITEHCL" plan -detailed-exitcode >plan.out 2>&1); rc=$?
	[ $rc -eq 0 ] && ok "$2: $1 plans no changes after apply" ||
		fail "$2: $1 plans no changes after apply" "exit $rc" "$(tail -20 "$2-$1/plan.out")"
}
destroy_one() {
	(cd "$2-$1" && "$LITEHCL" destroy -auto-approve >destroy.out 2>&1) &&
		ok "$2: $1 destroys" || fail "$2: $1 destroys" "$(tail -20 "$2-$1/destroy.out")"
}
users_on_server() {
	curl -s -H "Authorization: Bearer $KEY" "$EMU_URL/user/list?page_size=100" |
		jq '[.users[]? | select(.user_email != null)] | length'
}

# Each alone on an empty proxy
for e in $list; do
	emu_start --master-key "$KEY"
	export LITELLM_API_BASE="$EMU_URL" LITELLM_API_KEY="$KEY"
	if apply_one "$e" alone; then
		n=$(grep -c '"POST /user/new\|"path":"/user/new"' "$EMU_LOG" 2>/dev/null)
		[ "${n:-0}" -gt 0 ] || grep -q '/team/new' "$EMU_LOG" &&
			ok "alone: $e reached the proxy in LITELLM_API_BASE" ||
			fail "alone: $e reached the proxy in LITELLM_API_BASE" "$(head -5 "$EMU_LOG")"
		destroy_one "$e" alone
	fi
	emu_stop
done

# All on one proxy, in name order, then in reverse order
for order in forward reverse; do
	seq=$list
	[ $order = reverse ] && seq=$(echo "$list" | tr ' ' '\n' | sort -r | tr '\n' ' ')
	emu_start --master-key "$KEY"
	export LITELLM_API_BASE="$EMU_URL" LITELLM_API_KEY="$KEY"
	for e in $seq; do apply_one "$e" "$order"; done
	for e in $seq; do [ -d "$order-$e" ] && destroy_one "$e" "$order"; done
	left=$(users_on_server)
	[ "$left" = 0 ] && ok "$order: every user destroyed" || fail "$order: every user destroyed" "$left left"
	emu_stop
done
unset LITELLM_API_BASE LITELLM_API_KEY
