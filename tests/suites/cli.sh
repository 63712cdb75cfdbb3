#!/bin/sh
# cli.sh - the product commands' command-line contract without a server: flags, usage
# errors, exit codes, plan text for a fresh configuration (compared with
# tests/plan-cli/*/expected.txt), saved plans, the empty state and outputs.
. "$TOP/tests/lib.sh"

cd "$WORK" || exit 1
unset LITELLM_API_BASE LITELLM_API_KEY
export NO_COLOR=1
# plans of a fresh configuration send no request, but the provider must be configured
# (as in Terraform): an address where nothing listens, and a key
export LITELLM_API_BASE=http://127.0.0.1:9 LITELLM_API_KEY=sk-cli-unused

expect_rc() {	# NAME RC CMD...
	name=$1 want=$2
	shift 2
	"$@" >out.txt 2>err.txt
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$name"; else fail "$name" "exit $got, want $want" "$(cat out.txt err.txt | head -20)"; fi
}

expect_rc "plan: unknown flag exits 1" 1 "$LITEHCL" plan -bogus
grep -q '^  litehcl plan -help$' err.txt && ok "unknown flag names the help" || fail "unknown flag names the help" "$(cat err.txt)"
expect_rc "apply -help exits 0" 0 "$LITEHCL" apply -help
# a -chdir directory that cannot be entered: Terraform 1.11.4's line, byte for byte
expect_rc "-chdir to a missing directory exits 1" 1 "$LITEHCL" -chdir=no-such-dir plan
[ "$(cat err.txt)" = "Error handling -chdir option: chdir no-such-dir: no such file or directory" ] &&
	ok "-chdir to a missing directory, in Terraform's words" || fail "-chdir to a missing directory, in Terraform's words" "$(cat err.txt)"
expect_rc "plan: extra argument exits 1" 1 "$LITEHCL" plan extra
grep -q 'Error: Too many command line arguments$' err.txt && grep -q 'use the global -chdir flag' err.txt &&
	grep -q '^  litehcl plan -help$' err.txt && ok "plan: extra argument, in Terraform's words" ||
	fail "plan: extra argument, in Terraform's words" "$(cat err.txt)"
expect_rc "apply: two arguments exit 1" 1 "$LITEHCL" apply a b
grep -q 'Error: Too many command line arguments$' err.txt && grep -q 'Expected at most one positional argument.$' err.txt &&
	ok "apply: two arguments, in Terraform's words" || fail "apply: two arguments, in Terraform's words" "$(cat err.txt)"
# refresh takes no plan file: Terraform 1.11's `terraform refresh -no-color x`, byte for byte
expect_rc "refresh: an argument exits 1" 1 "$LITEHCL" refresh -no-color x
printf '\nError: Too many command line arguments\n\nExpected at most one positional argument.\n\nFor more help on using this command, run:\n  litehcl refresh -help\n' >want.txt
cmp -s err.txt want.txt && ok "refresh: an argument, in Terraform's words" ||
	fail "refresh: an argument, in Terraform's words" "$(cat err.txt)"
# wrong arguments to output, show and console: Terraform 1.11's words (-no-color), byte for byte
chk_words() { # name want-stderr command...
	name=$1 w=$2
	shift 2
	"$@" >out.txt 2>err.txt
	rc=$?
	printf '%b' "$w" >want.txt
	[ $rc -eq 1 ] && cmp -s err.txt want.txt && ok "$name, in Terraform's words" ||
		fail "$name, in Terraform's words" "rc=$rc" "$(cat err.txt)"
}
chk_words "output: two names" '\nError: Unexpected argument\n\nThe output command expects exactly one argument with the name of an output\nvariable or no arguments to show all outputs.\n\nFor more help on using this command, run:\n  litehcl output -help\n' \
	"$LITEHCL" output -no-color a b
chk_words "output: -json with -raw" '\nError: Invalid output format\n\nThe -raw and -json options are mutually-exclusive.\n\nFor more help on using this command, run:\n  litehcl output -help\n' \
	"$LITEHCL" output -no-color -json -raw
chk_words "output: -raw without a name" '\nError: Output name required\n\nYou must give the name of a single output value when using the -raw option.\n\nFor more help on using this command, run:\n  litehcl output -help\n' \
	"$LITEHCL" output -no-color -raw
chk_words "show: two arguments" '\nError: Too many command line arguments\n\nExpected at most one positional argument.\n\nFor more help on using this command, run:\n  litehcl show -help\n' \
	"$LITEHCL" show -no-color a b
chk_words "console: an argument" 'Too many command line arguments. Did you mean to use -chdir?\n' \
	"$LITEHCL" console x
# a wrong number of arguments: Terraform 1.11's sentence, then the command's help on stderr
for c in "taint:The taint command expects exactly one argument.\nUsage: litehcl [global options] taint [options] <address>\n" \
    "untaint:The untaint command expects exactly one argument.\nUsage: litehcl [global options] untaint [options] name\n" \
    "force-unlock:Expected a single argument: LOCK_ID\nUsage: litehcl [global options] force-unlock LOCK_ID\n" \
    "state show:Exactly one argument expected.\nUsage: litehcl [global options] state show [options] ADDRESS\n" \
    "state rm:At least one address is required.\n\nUsage: litehcl [global options] state rm [options] ADDRESS...\n" \
    "state mv:Exactly two arguments expected.\n\nUsage: litehcl [global options] state mv [options] SOURCE DESTINATION\n"; do
	cmd=${c%%:*}
	# shellcheck disable=SC2086
	"$LITEHCL" $cmd >out.txt 2>err.txt
	rc=$?
	printf '%b' "${c#*:}" >want.txt
	n=$(wc -l <want.txt)
	head -n "$n" err.txt >got.txt
	[ $rc -eq 1 ] && cmp -s got.txt want.txt && [ "$(wc -l <err.txt)" -gt $((n + 3)) ] &&
		ok "$cmd without arguments: Terraform's sentence and the help" ||
		fail "$cmd without arguments: Terraform's sentence and the help" "rc=$rc" "$(head -5 err.txt)"
done
# -target / -replace addresses checked first, in Terraform 1.11's words (recorded)
chk_words "plan -target=foo" '\nError: Invalid target "foo"\n\nResource specification must include a resource type and name.\n\nFor more help on using this command, run:\n  litehcl plan -help\n' \
	"$LITEHCL" plan -no-color -target=foo
chk_words "apply -target=a.b.c" '\nError: Invalid target "a.b.c"\n\nResource instance key must be given in square brackets.\n\nFor more help on using this command, run:\n  litehcl apply -help\n' \
	"$LITEHCL" apply -no-color -target=a.b.c
chk_words "plan -target=a.b[\"x\"" '\nError: Invalid target "a.b[\\"x\\""\n\nIndex key must be followed by a closing bracket.\n\nFor more help on using this command, run:\n  litehcl plan -help\n' \
	"$LITEHCL" plan -no-color '-target=a.b["x"'
chk_words "plan -replace=data.a.b" '\nError: Invalid force-replace address "data.a.b"\n\nOnly managed resources can be used with the -replace=... option.\n\nFor more help on using this command, run:\n  litehcl plan -help\n' \
	"$LITEHCL" plan -no-color -replace=data.a.b
chk_words "plan -replace=a." '\nError: Invalid force-replace address "a."\n\nDot must be followed by attribute name.\n\nFor more help on using this command, run:\n  litehcl plan -help\n' \
	"$LITEHCL" plan -no-color -replace=a.
chk_words "init with an argument" '\nError: Too many command line arguments. Did you mean to use -chdir?\n\n' \
	"$LITEHCL" init -no-color x
# the commands Terraform prints through its cli.Ui end each diagnostic with a newline
# (recorded: terraform fmt -no-color nope.tf, exit 2)
"$LITEHCL" fmt -no-color nope.tf >out.txt 2>err.txt
rc=$?
printf '\nError: No file or directory at nope.tf\n\n\n' >want.txt
[ $rc -eq 2 ] && cmp -s err.txt want.txt && ok "fmt: a diagnostic and the newline after it, as Terraform" ||
	fail "fmt: a diagnostic and the newline after it, as Terraform" "rc=$rc" "$(od -c err.txt | tail -3)"
expect_rc "plan: -parallelism=0 exits 1" 1 "$LITEHCL" plan -parallelism=0
expect_rc "state without subcommand exits 1" 1 "$LITEHCL" state
expect_rc "state bogus exits 1" 1 "$LITEHCL" state bogus
expect_rc "show with no state" 0 "$LITEHCL" show
grep -q '^No state.$' out.txt && ok "show says No state." || fail "show says No state." "$(cat out.txt)"
expect_rc "output with no outputs exits 0" 0 "$LITEHCL" output
# a warning, on stdout as Terraform's output view prints warnings
grep -q 'No outputs found' out.txt && ok "output warns: No outputs found" || fail "output warns: No outputs found"
grep -q 'litehcl apply -refresh-only' out.txt && ! grep -q 'litehcl refresh`' out.txt &&
	ok "No outputs found suggests apply -refresh-only, not a refresh command" ||
	fail "No outputs found suggests apply -refresh-only, not a refresh command" "$(cat out.txt)"
# a name asked of a state without outputs: the same warning and exit 0 (Terraform 1.11)
expect_rc "output NAME with no outputs exits 0" 0 "$LITEHCL" output nope
grep -q 'No outputs found' out.txt && [ ! -s err.txt ] && ok "output NAME with no outputs: the warning" ||
	fail "output NAME with no outputs: the warning" "$(cat out.txt err.txt)"
# a name the state's outputs do not have: Terraform 1.11's words (recorded), exit 1
mkdir outnames && (cd outnames && printf '{"version":4,"terraform_version":"1.11.4","serial":1,"lineage":"5b1e9c2a-0000-4000-8000-00000000000a","outputs":{"a":{"value":1,"type":"number"}},"resources":[],"check_results":null}\n' >terraform.tfstate &&
	"$LITEHCL" output -no-color nope >../out.txt 2>../err.txt; echo $? >../rc.txt)
printf '\nError: Output "nope" not found\n\nThe output variable requested could not be found in the state file. If you\nrecently added this to your configuration, be sure to run `litehcl apply`,\nsince the state won'"'"'t be updated with new output variables until that command\nis run.\n' >want.txt
[ "$(cat rc.txt)" = 1 ] && cmp -s err.txt want.txt && ok "output NAME not in the state, in Terraform's words" ||
	fail "output NAME not in the state, in Terraform's words" "$(cat rc.txt)" "$(cat err.txt)"
expect_rc "state list on no state" 0 "$LITEHCL" state list
expect_rc "state show missing exits 1" 1 "$LITEHCL" state show litellm_user.x
expect_rc "state rm bad address exits 1" 1 "$LITEHCL" state rm 'not an address'

# A fresh configuration plans without any server (nothing to refresh).
mkdir fresh && cd fresh || exit 1
cat > main.tf <<'EOF'
variable "names" {
  type    = list(string)
  default = ["a", "b"]
}
resource "litellm_user" "admin" {
  user_email = "admin@example.com"
  user_role  = "admin"
  max_budget = 0
}
resource "litellm_user" "team" {
  count      = length(var.names)
  user_email = "${var.names[count.index]}@example.com"
  user_alias = litellm_user.admin.user_id
  models     = ["gpt-4o"]
  metadata   = jsonencode({ team = "x" })
}
variable "alias" {
  type      = string
  default   = "hidden-alias-value"
  sensitive = true
}
resource "litellm_user" "quiet" {
  user_email = "quiet@example.com"
  user_alias = var.alias
}
output "admin" { value = litellm_user.admin.id }
output "secret" {
  value     = "s3cr3t-value"
  sensitive = true
}
EOF
expect_rc "plan -detailed-exitcode with changes exits 2" 2 "$LITEHCL" plan -detailed-exitcode
same "plan text for a fresh configuration" "$TOP/tests/plan/cli-fresh/expected.txt" out.txt
expect_rc "plan -out" 0 "$LITEHCL" plan -out=tfplan
[ "$(stat -c %a tfplan)" = 600 ] && ok "plan file mode 0600" || fail "plan file mode 0600"
grep -q -e 's3cr3t-value' -e 'hidden-alias-value' tfplan && fail "no sensitive value in the plan file" || ok "no sensitive value in the plan file"
grep -q 'hidden-alias-value' out.txt && fail "no sensitive value in the plan text" || ok "no sensitive value in the plan text"
expect_rc "show PLANFILE" 0 "$LITEHCL" show tfplan
grep -q 'Plan: 4 to add, 0 to change, 0 to destroy.' out.txt && ok "show PLANFILE prints the plan" || fail "show PLANFILE prints the plan" "$(cat out.txt)"
expect_rc "show -json PLANFILE" 0 "$LITEHCL" show -json tfplan
jq -e '.format_version and (.resource_changes | length == 4) and (.resource_changes[0].change.actions == ["create"]) and (.resource_changes[] | select(.address == "litellm_user.team[0]") | .index == 0)' out.txt >/dev/null &&
	ok "show -json PLANFILE is Terraform's plan JSON" || fail "show -json PLANFILE is Terraform's plan JSON" "$(head -c 800 out.txt)"
expect_rc "plan -json" 0 "$LITEHCL" plan -json
first=$(head -1 out.txt | jq -r .type)
summary=$(jq -r 'select(.type=="change_summary") | .changes.add' out.txt)
[ "$first" = version ] && [ "$summary" = 4 ] && ok "plan -json stream" || fail "plan -json stream" "$(cat out.txt | head -5)"
expect_rc "apply: 'no' cancels with exit 1" 1 sh -c "echo no | '$LITEHCL' apply"
grep -q 'Apply cancelled.' out.txt && ok "Apply cancelled. printed" || fail "Apply cancelled. printed" "$(tail -5 out.txt)"
[ ! -s terraform.tfstate ] && ok "cancelled apply wrote no state" || fail "cancelled apply wrote no state"
expect_rc "plan -destroy on empty state" 0 "$LITEHCL" plan -destroy
grep -q 'No changes. No objects need to be destroyed.' out.txt && ok "destroy plan: nothing to destroy" ||
	fail "destroy plan: nothing to destroy" "$(cat out.txt)"
expect_rc "bad -target address" 1 "$LITEHCL" plan -target='litellm_user.'
expect_rc "apply without a server fails clearly" 1 env -u LITELLM_API_BASE "$LITEHCL" apply -auto-approve
grep -q 'No LiteLLM API address' err.txt && grep -q 'LITELLM_API_BASE' err.txt && flat err.txt | grep -q 'api_base in the provider "litellm" block' &&
	ok "missing api_base is named" || fail "missing api_base is named" "$(cat err.txt)"
# before any prompt, and by plan too (Terraform configures the provider while planning)
expect_rc "apply without an address fails before the prompt" 1 sh -c "echo yes | env -u LITELLM_API_BASE '$LITEHCL' apply"
! grep -q 'Enter a value' out.txt && ! grep -q 'Plan:' out.txt && grep -q 'No LiteLLM API address' err.txt &&
	ok "no address: no plan, no prompt" || fail "no address: no plan, no prompt" "$(cat out.txt err.txt)"
expect_rc "plan without an address fails" 1 env -u LITELLM_API_BASE "$LITEHCL" plan
expect_rc "apply without a key fails before the prompt" 1 sh -c "echo yes | env -u LITELLM_API_KEY '$LITEHCL' apply"
! grep -q 'Enter a value' out.txt && grep -q 'No LiteLLM API key' err.txt && grep -q 'LITELLM_API_KEY' err.txt &&
	flat err.txt | grep -q 'api_key in the provider "litellm" block' &&
	ok "no key: named before any prompt" || fail "no key: named before any prompt" "$(cat out.txt err.txt)"
! grep -q 'sk-cli-unused' out.txt err.txt && ok "the key is never printed" || fail "the key is never printed"

# Invalid arguments are errors before any request.
cd "$WORK" && mkdir invalid && cd invalid || exit 1
cat > main.tf <<'EOF'
resource "litellm_user" "x" {
  user_email = "not-an-email"
  user_role  = "boss"
}
EOF
expect_rc "invalid arguments: exit 1" 1 "$LITEHCL" plan
grep -q 'Error' err.txt && ok "invalid arguments: diagnostics" || fail "invalid arguments: diagnostics" "$(cat err.txt)"

# plan -json / apply -json diagnostics carry range and snippet like validate -json (QA F22)
cd "$WORK" && mkdir jsondiag && cd jsondiag || exit 1
printf 'resource "litellm_user" "a" {\n  user_email = "a@example.com"\n  bogus = 1\n}\n' > main.tf
for cmd in plan apply; do
	aa=; [ $cmd = apply ] && aa=-auto-approve	# plan refuses -auto-approve, as Terraform
	expect_rc "$cmd -json: invalid argument exits 1" 1 "$LITEHCL" $cmd -json $aa
	if jq -se 'any(.[]; .type == "diagnostic" and .diagnostic.summary == "Unsupported argument" and
	    .diagnostic.range == {"filename": "main.tf", "start": {"line": 3, "column": 3, "byte": 63}, "end": {"line": 3, "column": 8, "byte": 68}} and
	    .diagnostic.snippet.context == "resource \"litellm_user\" \"a\"" and .diagnostic.snippet.code == "  bogus = 1" and
	    .diagnostic.snippet.start_line == 3 and .diagnostic.snippet.highlight_start_offset == 2 and .diagnostic.snippet.highlight_end_offset == 7)' out.txt >/dev/null; then
		ok "$cmd -json: diagnostic has range and snippet"
	else
		fail "$cmd -json: diagnostic has range and snippet" "$(cat out.txt)"
	fi
done
