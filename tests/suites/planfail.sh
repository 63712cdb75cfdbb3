#!/bin/sh
# planfail.sh - a plan that fails after planning started says so as Terraform 1.11 does:
# "Planning failed. litehcl encountered an error while generating this plan." on stdout,
# between a blank line before and after, then the errors on stderr; with -json the empty
# plan's change summary ("Plan: 0 to add, 0 to change, 0 to destroy.") before the
# diagnostics.  Terraform's plan starts after validation: errors validate finds and a
# variable without a value come without it, and apply never prints it.  (Texts and
# streams recorded from Terraform 1.11.4 with terraform_data: file("nope-${var.x}") with
# -var, a number variable given "zz", file("nope") - caught by validate - and
# -input=false without a value.)
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
