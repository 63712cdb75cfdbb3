#!/bin/sh
# planfail.sh - a plan that fails after planning started says so as Terraform 1.11 does:
# "Planning failed. litehcl encountered an error while generating this plan." on stdout,
# between a blank line before and after, then the errors on stderr; with -json the empty
# plan's change summary ("Plan: 0 to add, 0 to change, 0 to destroy.") before the
# diagnostics.  Terraform's plan starts after validation: errors validate finds and a
# variable without a value come without it, and apply prints it only when its plan
# was made (below).  (Texts and
# streams recorded from Terraform 1.11.4 with terraform_data: file("nope-${var.x}") with
# -var, a number variable given "zz", file("nope") - caught by validate - and
# -input=false without a value.)  A plan that fails after its changes were planned (a
# postcondition, prevent_destroy) shows them as Terraform shows a partial plan: "litehcl
# planned the following actions, but then encountered a problem:", the changes and the
# "Plan:" line, then the errors; apply too, and it changes nothing; plan -out writes it
# (show displays it, apply refuses it: "Cannot apply incomplete plan").  (Recorded from
# Terraform 1.11.4: terraform_data with a failing postcondition, with and without other
# changes, and prevent_destroy on a replaced object.)
. "$TOP/tests/lib.sh"

emu_session
export NO_COLOR=1
PF='Planning failed. litehcl encountered an error while generating this plan.'
new_dir planfail
cat >main.tf <<'EOF'
variable "n" {
  type    = number
  default = 1
}
variable "f" {
  type    = string
  default = "main.tf"
}
resource "litellm_user" "u" {
  user_email = "planfail@example.com"
  user_alias = "a${var.n}-${length(file(var.f))}"
}
EOF
run apply -auto-approve -no-color || fail "setup apply" "$(tail out.txt)"

# plan_fails NAME WANT ARGS...: litehcl plan ARGS fails (exit 1) with "Planning failed."
# on stdout as its last lines (WANT=1) or without it anywhere (WANT=0)
plan_fails() {
	_n=$1 _w=$2
	shift 2
	"$LITEHCL" plan -no-color "$@" >so.txt 2>se.txt
	_rc=$?
	printf '\n%s\n\n' "$PF" >pf.txt
	if [ "$_w" = 1 ]; then
		_len=$(wc -c <pf.txt)
		tail -c "$_len" so.txt >tail.txt
		check_or "$_n: exit 1, \"Planning failed.\" on stdout, the error on stderr" \
			"[ $_rc -eq 1 ] && cmp -s pf.txt tail.txt && grep -q '^Error: ' se.txt && ! grep -q 'Planning failed' se.txt" \
			"rc=$_rc stdout: $(cat so.txt) stderr: $(cat se.txt)"
	else
		check_or "$_n: exit 1, no \"Planning failed.\"" \
			"[ $_rc -eq 1 ] && ! grep -q 'Planning failed' so.txt se.txt && grep -q '^Error: ' se.txt" \
			"rc=$_rc stdout: $(cat so.txt) stderr: $(cat se.txt)"
	fi
}
# a variable's value of the wrong type: Terraform finds it while planning
plan_fails "a variable of the wrong type" 1 -var n=zz
check "a variable of the wrong type: Terraform's error" \
	"grep -q 'Unsuitable value for var.n set using -var=\"n=...\": a number is required.' se.txt"
# an expression that fails with the variable's value (validate does not know it)
plan_fails "file() of a missing file named by a variable" 1 -var f=nope.txt
# the server failing the refresh: an error of the plan itself
emu_admin faults '{"path":"/user/info","kind":"status","status":400,"count":0}'
emu_admin faults '{"path":"/user/list","kind":"status","status":400,"count":0}'
plan_fails "the refresh failing (400 from the server)" 1
emu_admin faults/clear '{}'
# -json: the empty plan's change summary before the diagnostic (Terraform's JSON view)
"$LITEHCL" plan -json -var n=zz >so.txt 2>se.txt
rc=$?
check_or "-json: the empty change summary, then the diagnostic" \
	"[ $rc -eq 1 ] && [ \"\$(jq -r '.type' so.txt | tr '\\n' ' ')\" = 'version change_summary diagnostic ' ] &&
	jq -se '.[1] | .[\"@message\"] == \"Plan: 0 to add, 0 to change, 0 to destroy.\" and .changes == {\"add\":0,\"change\":0,\"import\":0,\"remove\":0,\"operation\":\"plan\"}' so.txt" \
	"rc=$rc $(cat so.txt se.txt)"
# apply says nothing of the kind
"$LITEHCL" apply -auto-approve -no-color -var n=zz >so.txt 2>se.txt
rc=$?
check_or "apply: the same error without \"Planning failed.\"" \
	"[ $rc -eq 1 ] && ! grep -q 'Planning failed' so.txt se.txt && grep -q 'a number is required' se.txt" "rc=$rc"
# before planning: a variable without a value, an error validate finds
cat >req.tf <<'EOF'
variable "req" {
  type = string
}
EOF
plan_fails "a required variable without a value (-input=false)" 0 -input=false
rm -f req.tf
cat >bad.tf <<'EOF'
output "bad" {
  value = file("nope.txt")
}
EOF
plan_fails "an error validate finds (file() of a missing constant path)" 0
rm -f bad.tf
run plan -detailed-exitcode -no-color
check "after all that: no changes, nothing printed about failing" "! grep -q 'Planning failed' out.txt"

# ---- partial plans: planning failed after the changes were planned ----
new_dir planfail_partial
cat >main.tf <<'EOF'
resource "litellm_user" "a" {
  user_email = "partial-a@example.com"
}
resource "litellm_user" "b" {
  user_email = "partial-b@example.com"
  lifecycle {
    postcondition {
      condition     = self.user_email == "someone-else@example.com"
      error_message = "b is not someone else."
    }
  }
}
EOF
PP='litehcl planned the following actions, but then encountered a problem:'
"$LITEHCL" plan -no-color -detailed-exitcode -out=p.bin >so.txt 2>se.txt
rc=$?
check_or "partial plan: exit 1, the header, both creates and the Plan line, then the error" \
	"[ $rc -eq 1 ] && grep -qx '$PP' so.txt && grep -q '# litellm_user.a will be created' so.txt &&
	grep -q '# litellm_user.b will be created' so.txt &&
	grep -qx 'Plan: 2 to add, 0 to change, 0 to destroy.' so.txt && ! grep -q 'Planning failed' so.txt &&
	! grep -q 'will perform the following actions' so.txt && grep -qx 'Error: Resource postcondition failed' se.txt &&
	grep -q 'b is not someone else.' se.txt" "rc=$rc $(cat so.txt se.txt)"
check "partial plan: no next-step advice after it" \
	"! grep -q 'Note: You didn' so.txt && ! grep -q 'Saved the plan' so.txt"
# the layout: the legend, a blank line, the header, a blank line, the first change
check_or "partial plan: Terraform's layout around the header" \
	"awk '/^  [+] create\$/ {l = NR} /^litehcl planned the following/ {h = NR} END {exit !(h == l + 2)}' so.txt &&
	grep -A2 -x '$PP' so.txt | sed -n 3p | grep -qx '  # litellm_user.a will be created'" "$(cat so.txt)"
# -out writes the partial plan (Terraform): show displays it, errored; apply refuses it
"$LITEHCL" show -no-color p.bin >so.txt 2>se.txt
check_or "partial plan file: show displays it as the plan did" \
	"grep -qx '$PP' so.txt && grep -qx 'Plan: 2 to add, 0 to change, 0 to destroy.' so.txt" "$(cat so.txt se.txt)"
check_or "partial plan file: show -json says errored, neither applyable nor complete" \
	"\"$LITEHCL\" show -json p.bin | jq -e '.errored == true and .applyable == false and .complete == false'" ""
m=$(log_mark)
"$LITEHCL" apply -no-color p.bin >so.txt 2>se.txt
rc=$?
check_or "partial plan file: apply refuses it, writing nothing" \
	"[ $rc -eq 1 ] && grep -qx 'Error: Cannot apply incomplete plan' se.txt && [ -z \"\$(log_writes $m)\" ]" \
	"rc=$rc $(cat so.txt se.txt)"
"$LITEHCL" plan -json >so.txt 2>se.txt
rc=$?
check_or "partial plan -json: the planned changes and their summary, then the diagnostic" \
	"[ $rc -eq 1 ] && [ \"\$(jq -r '.type' so.txt | tr '\\n' ' ')\" = 'version planned_change planned_change change_summary diagnostic ' ] &&
	jq -se '.[3].changes == {\"add\":2,\"change\":0,\"import\":0,\"remove\":0,\"operation\":\"plan\"}' so.txt" \
	"rc=$rc $(cat so.txt se.txt)"
m=$(log_mark)
"$LITEHCL" apply -auto-approve -no-color >so.txt 2>se.txt
rc=$?
check_or "partial plan on apply: shown the same, the error, nothing written to the server" \
	"[ $rc -eq 1 ] && grep -qx '$PP' so.txt && grep -qx 'Plan: 2 to add, 0 to change, 0 to destroy.' so.txt &&
	grep -qx 'Error: Resource postcondition failed' se.txt && [ -z \"\$(log_writes $m)\" ] &&
	! grep -q 'Creating...' so.txt" "rc=$rc writes: $(log_writes $m) $(cat so.txt se.txt)"
# nothing else to change: Terraform's "Planning failed." instead of "No changes."
sed -i 's/someone-else@example.com/partial-b@example.com/' main.tf
run apply -auto-approve -no-color || fail "partial: setup apply" "$(tail out.txt)"
sed -i 's/== "partial-b@example.com"/== "someone-else@example.com"/' main.tf
plan_fails "a failing postcondition and nothing to change: \"Planning failed.\"" 1
check "nothing to change: no \"No changes.\"" "! grep -q 'No changes' so.txt"
"$LITEHCL" apply -auto-approve -no-color >so.txt 2>se.txt
rc=$?
printf '\n%s\n\n' "$PF" >pf.txt
check_or "apply, a failing postcondition and nothing to change: \"Planning failed.\" too (Terraform 1.11)" \
	"[ $rc -eq 1 ] && tail -c \$(wc -c <pf.txt) so.txt | cmp -s pf.txt - && grep -qx 'Error: Resource postcondition failed' se.txt" \
	"rc=$rc $(cat so.txt se.txt)"
# prevent_destroy on an object the plan replaces: the replacement is shown
cat >main.tf <<'EOF'
resource "litellm_user" "p" {
  user_id    = "partial-keep-1"
  user_email = "partial-keep@example.com"
  lifecycle {
    prevent_destroy = true
  }
}
EOF
run apply -auto-approve -no-color || fail "partial: prevent_destroy setup" "$(tail out.txt)"
sed -i 's/partial-keep-1/partial-keep-2/' main.tf
"$LITEHCL" plan -no-color >so.txt 2>se.txt
rc=$?
check_or "prevent_destroy: the replacement shown under the partial-plan header, then the error" \
	"[ $rc -eq 1 ] && grep -qx '$PP' so.txt && grep -q '# litellm_user.p must be replaced' so.txt &&
	grep -qx 'Plan: 1 to add, 0 to change, 1 to destroy.' so.txt && grep -qx 'Error: Instance cannot be destroyed' se.txt" \
	"rc=$rc $(cat so.txt se.txt)"
# a precondition failing for one instance of a for_each: the other instances, the other
# resources and the outputs that do not depend on it are planned; what depends on the
# failed resource, and an output that does, are left out (Terraform 1.11.4, recorded
# with terraform_data)
new_dir planfail_instances
cat >main.tf <<'EOF'
resource "litellm_user" "e" {
  for_each   = { a = 1, b = 2 }
  user_email = "partial-e-${each.key}@example.com"
  lifecycle {
    precondition {
      condition     = each.value > 1
      error_message = "too small."
    }
  }
}
resource "litellm_user" "after_e" {
  user_email = "partial-after-${length(litellm_user.e)}@example.com"
}
resource "litellm_user" "free" {
  user_email = "partial-free@example.com"
}
output "from_e" {
  value = local.e_count
}
locals {
  e_count = length(litellm_user.e)
}
output "plain" {
  value = "plain"
}
EOF
"$LITEHCL" plan -no-color >so.txt 2>se.txt
rc=$?
check_or "a failing instance: the others planned, its dependents and outputs left out" \
	"[ $rc -eq 1 ] && grep -qx '$PP' so.txt && grep -q '# litellm_user.e\\[\"b\"\\] will be created' so.txt &&
	! grep -q 'litellm_user.e\\[\"a\"\\]' so.txt && ! grep -q 'after_e' so.txt &&
	grep -q '# litellm_user.free will be created' so.txt && grep -qx 'Plan: 2 to add, 0 to change, 0 to destroy.' so.txt &&
	grep -qx '  + plain = \"plain\"' so.txt && ! grep -q 'from_e' so.txt &&
	[ \"\$(grep -c '^Error: ' se.txt)\" = 1 ] && grep -q 'too small.' se.txt" "rc=$rc $(cat so.txt se.txt)"
# the objects of a failed resource that exist are neither destroyed nor changed
sed -i 's/each.value > 1/each.value > 0/' main.tf
run apply -auto-approve -no-color || fail "partial: instances setup apply" "$(tail out.txt)"
sed -i 's/each.value > 0/each.value > 1/; s/partial-free@/partial-free2@/' main.tf
"$LITEHCL" plan -no-color >so.txt 2>se.txt
rc=$?
check_or "existing objects of what failed: not planned for destruction, the rest planned" \
	"[ $rc -eq 1 ] && grep -qx '$PP' so.txt && grep -q '# litellm_user.free will be updated in-place' so.txt &&
	! grep -q 'will be destroyed' so.txt && grep -qx 'Plan: 0 to add, 1 to change, 0 to destroy.' so.txt" "rc=$rc $(cat so.txt se.txt)"
# prevent_destroy's error: Terraform 1.11's text, at the block's header (no "in ..." context)
new_dir planfail_prevent
cat >main.tf <<'EOF'
resource "litellm_user" "keep" {
  user_email = "planfail-keep@example.com"
  lifecycle {
    prevent_destroy = true
  }
}
EOF
run apply -auto-approve -no-color || fail "prevent_destroy: setup apply" "$(tail out.txt)"
"$LITEHCL" destroy -auto-approve -no-color >so.txt 2>se.txt
rc=$?
cat >want.txt <<'EOF'
Error: Instance cannot be destroyed

  on main.tf line 1:
   1: resource "litellm_user" "keep" {

Resource litellm_user.keep has lifecycle.prevent_destroy set, but the plan
calls for this resource to be destroyed. To avoid this error and continue
with the plan, either disable lifecycle.prevent_destroy or reduce the scope
of the plan using the -target option.
EOF
check_or "prevent_destroy on destroy: the partial plan, Terraform's error at the block's header" \
	"[ $rc -eq 1 ] && grep -qx '$PP' so.txt && grep -q '# litellm_user.keep will be destroyed' so.txt &&
	sed '/^\$/{1d}' se.txt | cmp -s want.txt -" "rc=$rc $(cat so.txt se.txt)"
