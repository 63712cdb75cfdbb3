#!/bin/sh
# readers.sh - third-party readers of Terraform's plan JSON accept litehcl's as they
# accept Terraform's (tests/ux/tf/json-plan.json): @ahmadnassri/terraform-unidiff
# (validates against its JSON schema, then diffs) and @terraform-visual/cli (builds its
# report).  They come from npm; the suite uses them when installed and says so when not:
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

# terraform-visual: builds its report from the plan
for p in "$TOP/tests/ux/tf/json-plan.json" plan.json; do
	rm -rf out && mkdir out
	if "$BIN/terraform-visual" --plan "$p" --out out >vis.txt 2>&1 && [ -f out/terraform-visual-report/plan.js ] &&
	    node -e 'global.window = {}; require(process.argv[1]); const p = window.TF_PLAN;
		if (!Array.isArray(p.resource_changes) || !p.resource_changes.every(r => r.change && Array.isArray(r.change.actions))) process.exit(1)' \
	    "$PWD/out/terraform-visual-report/plan.js" 2>>vis.txt; then
		ok "terraform-visual builds its report from $(basename "$p")"
	else
		fail "terraform-visual builds its report from $(basename "$p")" "$(cat vis.txt)"
	fi
done
