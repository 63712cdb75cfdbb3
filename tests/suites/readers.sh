#!/bin/sh
# readers.sh - third-party readers of Terraform's JSON read litehcl's as they read
# Terraform's: the plan (show -json PLAN), the state file and show -json of the state,
# each compared with Terraform 1.11's recording of the same configuration (tests/ux/tf/
# json-plan.json, json-state.json, json-state-show.json; tests/ux/json/tf.tf and lh.tf).
# @ahmadnassri/terraform-unidiff validates against its JSON schema, then diffs;
# @terraform-visual/cli builds its report, whose page code (tests/ux/visual.js runs it as
# the browser would) reads the document.  Both are plan readers: given a state they answer
# as they answer Terraform's (show -json of a state: a plan without changes; the state
# file: refused), which is what the state checks pin.  They come from npm; the suite uses
# them when installed and says so when not:
#   npm install --prefix build/npm @ahmadnassri/terraform-unidiff@4.0.5 @terraform-visual/cli@0.2.1
. "$TOP/tests/lib.sh"

cd "$WORK" || exit 1
unset LITELLM_API_BASE LITELLM_API_KEY
BIN=""
for d in "$TOP/build/npm/node_modules/.bin" "$TOP/node_modules/.bin"; do
	[ -x "$d/terraform-unidiff" ] && BIN=$d && break
done
if [ -z "$BIN" ] || ! command -v node >/dev/null 2>&1; then
	echo "skip readers: the npm packages @ahmadnassri/terraform-unidiff and @terraform-visual/cli are not installed (npm install --prefix build/npm @ahmadnassri/terraform-unidiff@4.0.5 @terraform-visual/cli@0.2.1)"
	exit 0
fi

mkdir j && cd j && cp "$TOP/tests/ux/json/lh.tf" main.tf || exit 1
emu_start --master-key sk-readers
export LITELLM_API_BASE="$EMU_URL" LITELLM_API_KEY=sk-readers
"$LITEHCL" apply -auto-approve >/dev/null 2>err.txt || fail "readers: first apply" "$(cat err.txt)"
cp terraform.tfstate state.tfstate
"$LITEHCL" show -json >state-show.json 2>err.txt || fail "readers: show -json of the state" "$(cat err.txt)"
"$LITEHCL" plan -var n=2 -out=p.plan >/dev/null 2>&1
"$LITEHCL" show -json p.plan >plan.json
emu_stop

# unidiff: schema validation, then one patch per change and the summary
"$BIN/terraform-unidiff" "$TOP/tests/ux/tf/json-plan.json" >tf.txt 2>&1; rc_tf=$?
"$BIN/terraform-unidiff" plan.json >ours.txt 2>&1; rc=$?
[ $rc_tf -eq 0 ] && ok "unidiff reads Terraform's plan JSON" || fail "unidiff reads Terraform's plan JSON" "$(cat tf.txt)"
[ $rc -eq 0 ] && ok "unidiff reads litehcl's plan JSON" || fail "unidiff reads litehcl's plan JSON" "$(cat ours.txt)"
[ "$(tail -1 ours.txt)" = "$(tail -1 tf.txt)" ] && ok "unidiff: the same summary ($(tail -1 ours.txt))" ||
	fail "unidiff: the same summary" "ours: $(tail -1 ours.txt)" "tf:   $(tail -1 tf.txt)"
grep -q '^+++ litellm_user.b\[1\]' ours.txt && grep -q '^--- litellm_user.gone\[0\]' ours.txt &&
	ok "unidiff: a patch per change" || fail "unidiff: a patch per change" "$(head -20 ours.txt)"
"$BIN/terraform-unidiff" "$TOP/tests/ux/tf/outputs-show.txt" >bad.txt 2>&1 && fail "unidiff refuses what is not plan JSON" ||
	ok "unidiff refuses what is not plan JSON"

# unidiff on the state: show -json of a state passes its schema as a plan without
# changes; the state file itself (no format_version) is refused - for both tools alike
for k in state-show:json-state-show.json state:json-state.json; do
	ours=${k%%:*}; tf=${k#*:}
	[ "$ours" = state ] && ours=state.tfstate || ours=$ours.json
	"$BIN/terraform-unidiff" "$TOP/tests/ux/tf/$tf" >tf.txt 2>&1; rc_tf=$?
	"$BIN/terraform-unidiff" "$ours" >ours.txt 2>&1; rc=$?
	if [ $rc -eq $rc_tf ] && cmp -s tf.txt ours.txt; then
		ok "unidiff reads litehcl's $ours as Terraform's $tf (exit $rc: $(tail -1 ours.txt))"
	else
		fail "unidiff reads litehcl's $ours as Terraform's $tf" "ours (exit $rc): $(cat ours.txt)" "tf (exit $rc_tf): $(cat tf.txt)"
	fi
done

# terraform-visual: builds its report, then its page code reads it (visual.js); litehcl's
# reading must be Terraform's (actions, the tree of changed addresses; the state: the
# same outcome), with the resource type's name aside
visual() {	# FILE: the page's reading of FILE, litellm_user written as terraform_data
	rm -rf out && mkdir out
	"$BIN/terraform-visual" --plan "$1" --out out >vis.txt 2>&1 && [ -f out/terraform-visual-report/plan.js ] ||
		{ echo "no report: $(cat vis.txt)"; return; }
	node "$TOP/tests/ux/visual.js" out/terraform-visual-report 2>&1 |
		sed -e 's/litellm_user/terraform_data/g' -e 's/,"fields":[0-9]*//'
}
for k in plan.json:json-plan.json state-show.json:json-state-show.json state.tfstate:json-state.json; do
	ours=${k%%:*}; tf=${k#*:}
	r_tf=$(visual "$TOP/tests/ux/tf/$tf"); r=$(visual "$ours")
	case $r in '{"ok":true'*) what="reads";; *) what="refuses";; esac
	[ "$r" = "$r_tf" ] && ok "terraform-visual $what litehcl's $ours as Terraform's $tf" ||
		fail "terraform-visual reads litehcl's $ours as Terraform's $tf" "ours: $r" "tf:   $r_tf"
done
case $(visual plan.json) in *'"tree":["terraform_data.b[1]","terraform_data.gone[0]"]'*) ok "terraform-visual: the changed addresses";;
	*) fail "terraform-visual: the changed addresses" "$(visual plan.json)";; esac
