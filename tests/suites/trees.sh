#!/bin/sh
# trees.sh - a plan or apply frees the syntax tree of each resource block once validate
# has kept its instances and nothing of the run reads its body again (config.h,
# lh_config_release_trees; parse.h, lh_parse_release), while plan -out keeps every tree
# for its configuration JSON.  So the same plans made both ways must read the same:
# plain blocks (freed), blocks referring to others, with lifecycle, count or for_each,
# an overridden block, data and check blocks (kept), outputs and diagnostics about freed
# blocks.  The validate command frees every such tree once validated.  The sanitizer build gives every block a segment of its own, so there a part
# of a freed tree read again is reported.
. "$TOP/tests/lib.sh"

emu_session
export NO_COLOR=1
new_dir trees

cat >main.tf <<'EOF'
variable "n" {
  default = 2
}
locals {
  team = "trees"
}
resource "litellm_user" "a" {
  user_id    = "tr-a"
  user_email = "a@trees.example"
  max_budget = var.n
  metadata   = { team = local.team }
}
resource "litellm_user" "b" {
  user_id    = "tr-b"
  user_email = "b@trees.example"
  user_alias = litellm_user.a.user_id
}
resource "litellm_user" "c" {
  user_id    = "tr-c"
  user_email = "c@trees.example"
  lifecycle {
    ignore_changes = [user_alias]
  }
}
resource "litellm_user" "d" {
  count      = 2
  user_id    = "tr-d${count.index}"
  user_email = "d${count.index}@trees.example"
}
resource "litellm_user" "f" {
  for_each   = toset(["x", "y"])
  user_id    = "tr-f${each.key}"
  user_email = "f${each.key}@trees.example"
}
resource "litellm_user" "e" {
  user_id    = "tr-e"
  user_email = "e@trees.example"
  models     = ["gpt-4o"]
}
check "a_budget" {
  assert {
    condition     = litellm_user.a.max_budget < 10
    error_message = "too much"
  }
}
output "a_email" {
  value = litellm_user.a.user_email
}
output "e_all" {
  value = [litellm_user.e.models, litellm_user.e.max_budget]
}
EOF
cat >main_override.tf <<'EOF'
resource "litellm_user" "e" {
  max_budget = 7
}
EOF
# many: enough plain blocks for several segments of the plain build's tree
many() {
	awk 'BEGIN { for (i = 0; i < 120; i++) {
		printf "resource \"litellm_user\" \"m%03d\" {\n  user_id    = \"tr-m%03d\"\n", i, i
		printf "  user_email = \"m%03d@trees.example\"\n  user_role  = \"internal_user\"\n", i
		printf "  models     = [\"gpt-4o\", \"gpt-4o-mini\"]\n  metadata   = { n = \"%d\" }\n}\n", i
	} }' >many.tf
}
many

# plan_part FILE: the plan up to its summary line (plan -out's epilogue differs)
plan_part() { awk '{ print } /^(Plan: |No changes\.)/ { exit }' "$1"; }

"$LITEHCL" plan -no-color >plan1.txt 2>err1.txt; rc1=$?
"$LITEHCL" plan -no-color -out=saved.plan >plan2.txt 2>err2.txt; rc2=$?
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ ! -s err1.txt ] && [ ! -s err2.txt ]; then
	plan_part plan1.txt >a.txt; plan_part plan2.txt >b.txt
	same "plan with freed trees reads as plan -out's, which keeps them" b.txt a.txt
else
	fail "plan with freed trees reads as plan -out's, which keeps them" "exit $rc1 / $rc2" "$(cat err1.txt err2.txt)"
fi
grep -q '^Plan: 128 to add, 0 to change, 0 to destroy' plan1.txt &&
	ok "plan: every instance planned" || fail "plan: every instance planned" "$(tail -5 plan1.txt)"

run apply -auto-approve -no-color
check_or "apply with freed trees" 'grep -q "^Apply complete! Resources: 128 added" out.txt'
grep -q '^a_email = "a@trees.example"' out.txt && grep -A4 '^e_all = ' out.txt | grep -q '"gpt-4o"' &&
	grep -A6 '^e_all = ' out.txt | grep -q '^  7,\?$' &&
	ok "outputs of freed blocks (and the override's value)" || fail "outputs of freed blocks (and the override's value)" "$(tail -12 out.txt)"
[ "$(api GET '/user/info?user_id=tr-b' | jq -r '.user_info.user_alias')" = "tr-a" ] &&
	[ "$(api GET '/user/info?user_id=tr-m119' | jq -r '.user_info.models | join(",")')" = "gpt-4o,gpt-4o-mini" ] &&
	ok "applied values of freed and kept blocks" || fail "applied values of freed and kept blocks" "$(api GET '/user/info?user_id=tr-b')"

"$LITEHCL" plan -no-color -detailed-exitcode >plan1.txt 2>&1; rc1=$?
"$LITEHCL" plan -no-color -detailed-exitcode -out=saved.plan >plan2.txt 2>&1; rc2=$?
[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && ok "no changes after apply, both ways" ||
	fail "no changes after apply, both ways" "exit $rc1 / $rc2" "$(tail -5 plan1.txt)"

# a change made outside: the refresh and the plan compare with freed blocks' values
api POST /user/update '{"user_id": "tr-m007", "user_role": "internal_user_viewer"}' >/dev/null
api POST /user/update '{"user_id": "tr-a", "max_budget": 99}' >/dev/null
"$LITEHCL" plan -no-color >plan1.txt 2>err1.txt; rc1=$?
"$LITEHCL" plan -no-color -out=saved.plan >plan2.txt 2>err2.txt; rc2=$?
plan_part plan1.txt >a.txt; plan_part plan2.txt >b.txt
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]; then
	same "drift on freed blocks: the same plan both ways" b.txt a.txt
else
	fail "drift on freed blocks: the same plan both ways" "exit $rc1 / $rc2" "$(cat err1.txt err2.txt)"
fi
grep -q '^Plan: 0 to add, 2 to change, 0 to destroy' plan1.txt &&
	grep -q '# litellm_user.m007 will be updated in-place' plan1.txt &&
	ok "drift on freed blocks: planned" || fail "drift on freed blocks: planned" "$(grep -E '^(Plan|  #)' plan1.txt)"
run apply -auto-approve -no-color
check_or "apply of the drift" 'grep -q "^Apply complete! Resources: 0 added, 2 changed" out.txt'

# diagnostics about freed blocks point where they pointed: plan and validate (both free
# the trees) as plan -out (which keeps them)
sed -i 's/m005@trees.example/m004@trees.example/' many.tf
"$LITEHCL" validate -no-color >v.txt 2>&1
"$LITEHCL" plan -no-color >p.txt 2>&1
"$LITEHCL" plan -no-color -out=saved.plan >k.txt 2>&1
awk '/^(Error|Warning): /{on=1} on' v.txt >v2.txt
awk '/^(Error|Warning): /{on=1} on' p.txt >p2.txt
awk '/^(Error|Warning): /{on=1} on' k.txt >k2.txt
if [ -s k2.txt ] && grep -q 'many.tf line 3[0-9]' k2.txt; then
	same "a diagnostic about two freed blocks: plan as plan -out" k2.txt p2.txt
	same "a diagnostic about two freed blocks: validate as plan -out" k2.txt v2.txt
else
	fail "a diagnostic about two freed blocks: plan as plan -out" "$(cat k.txt)"
fi
# a big file's bytes are dropped once parsed and read back for the snippets (source.h
# lh_source_drop_text), but not plan -out's: lines beyond ASCII and ending in CRLF
# before the diagnostics, the same lines, columns and snippets
awk 'BEGIN { for (i = 0; i < 1200; i++)
	if (i % 50 == 3) printf "# %d: café, naïve, 東京 ☕\r\n", i
	else printf "# %d: padding, so that the file is bigger than 64 KiB\n", i }' >big.tf
sed 's/m005@trees.example/m004@trees.example/; s/"tr-m009"/"é ${"ü"} ${var.none}"/' many.tf >>big.tf
rm many.tf
"$LITEHCL" validate -no-color >v.txt 2>&1
"$LITEHCL" plan -no-color >p.txt 2>&1
"$LITEHCL" plan -no-color -out=saved.plan >k.txt 2>&1
awk '/^(Error|Warning): /{on=1} on' v.txt >v2.txt
awk '/^(Error|Warning): /{on=1} on' p.txt >p2.txt
awk '/^(Error|Warning): /{on=1} on' k.txt >k2.txt
if [ "$(wc -c <big.tf)" -gt 65536 ] && grep -q 'big.tf line 12[0-9][0-9]' k2.txt &&
    grep -q 'é \${"ü"}' k2.txt; then
	same "a big file's diagnostics: plan as plan -out" k2.txt p2.txt
	same "a big file's diagnostics: validate as plan -out" k2.txt v2.txt
else
	fail "a big file's diagnostics: plan as plan -out" "$(cat k.txt)"
fi
"$LITEHCL" plan -json | sed 's/"@timestamp":"[^"]*"//' | grep '"diagnostic"' >p.txt 2>&1
"$LITEHCL" plan -json -out=saved.plan | sed 's/"@timestamp":"[^"]*"//' | grep '"diagnostic"' >k.txt 2>&1
[ "$(wc -l <k.txt)" -eq 2 ] && grep -q '"start":{"line":1265,"column":28,' k.txt &&
	same "a big file's diagnostics in JSON: plan as plan -out" k.txt p.txt ||
	fail "a big file's diagnostics in JSON: plan as plan -out" "$(cat k.txt)"
rm big.tf
many
"$LITEHCL" validate -no-color >v.txt 2>&1 && grep -q '^Success! The configuration is valid.$' v.txt &&
	ok "validate with freed trees" || fail "validate with freed trees" "$(cat v.txt)"
