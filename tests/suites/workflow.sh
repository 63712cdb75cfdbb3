#!/bin/sh
# workflow.sh - a Terraform user's everyday workflow around plan/apply (issue 9): the
# import hint pastes into a shell as printed.
. "$TOP/tests/lib.sh"

emu_session

# ---- the 409 import hint is shell-quoted: pasted, it imports ----
new_dir hint
admin POST seed '{"users":[{"user_id":"hint-1","user_email":"hint-alice@example.com","user_role":"internal_user"}]}' >/dev/null
cat > main.tf <<'EOF2'
resource "litellm_user" "dev" {
  for_each   = toset(["alice"])
  user_email = "hint-${each.key}@example.com"
}
EOF2
"$LITEHCL" apply -auto-approve -no-color >out.txt 2>err.txt
cmd=$(grep -o "litehcl import .*" err.txt | head -1)
if [ "$cmd" = "litehcl import 'litellm_user.dev[\"alice\"]' hint-1" ]; then
	ok "409 hint: the address is shell-quoted"
else
	fail "409 hint: the address is shell-quoted" "$cmd" "$(cat err.txt)"
fi
if [ -n "$cmd" ] && eval "\"\$LITEHCL\" ${cmd#litehcl }" >imp.txt 2>&1 &&
    [ "$("$LITEHCL" state list)" = 'litellm_user.dev["alice"]' ]; then
	ok "409 hint: pasted into a shell, it imports"
else
	fail "409 hint: pasted into a shell, it imports" "$(cat imp.txt)"
fi

# ---- a 401 names where the refused key came from, never the key ----
new_dir k401
cat > main.tf <<'EOF2'
resource "litellm_user" "u" {
  user_email = "k401@example.com"
}
EOF2
"$LITEHCL" apply -auto-approve >/dev/null 2>&1	# a user in the state: plan refreshes it
LITELLM_API_KEY=sk-wrong-env-key "$LITEHCL" plan -no-color >out.txt 2>err.txt
rc=$?
flat() { tr '\n' ' ' < "$1" | tr -s ' '; }	# diagnostics are wrapped at 78 columns
[ $rc -eq 1 ] && flat err.txt | grep -q 'The request was sent with the API key from the LITELLM_API_KEY environment variable.' &&
	! grep -q 'sk-wrong-env-key' out.txt err.txt && ok "401: names LITELLM_API_KEY, not the key" ||
	fail "401: names LITELLM_API_KEY, not the key" "rc=$rc" "$(cat err.txt)"
cat > provider.tf <<'EOF2'
provider "litellm" {
  api_key = "sk-wrong-block-key"
}
EOF2
"$LITEHCL" plan -no-color >out.txt 2>err.txt
rc=$?
[ $rc -eq 1 ] && flat err.txt | grep -q 'The request was sent with the API key from the api_key argument of the provider "litellm" block.' &&
	! grep -q 'sk-wrong-block-key' out.txt err.txt && ok "401: names the provider block's api_key" ||
	fail "401: names the provider block's api_key" "rc=$rc" "$(cat err.txt)"

# ---- saved plans carry their variables (all sources); secret ones stay out ----
new_dir saved
cat > main.tf <<'EOF2'
variable "alias" { type = string }
variable "models" {
  type    = list(string)
  default = []
}
variable "budget" { type = number }
variable "team" {
  type    = string
  default = "none"
}
variable "note" {
  type      = string
  sensitive = true
}
variable "eph" {
  type      = string
  ephemeral = true
  default   = "e"
}
variable "litellm_key" { type = string }
provider "litellm" {
  api_key = var.litellm_key
}
resource "litellm_user" "u" {
  user_email = "saved@example.com"
  user_alias = var.alias
  models     = var.models
  max_budget = var.budget
  metadata   = jsonencode({ team = var.team, note = var.note })
}
output "alias" { value = litellm_user.u.user_alias }
output "team" { value = var.team }
EOF2
echo 'budget = 7' > terraform.tfvars
echo 'models = ["gpt-4o"]' > extra.tfvars
unset LITELLM_API_KEY
TF_VAR_alias=p3 TF_VAR_note=n1 TF_VAR_litellm_key="$KEY" "$LITEHCL" plan -no-color -var team=blue -var-file=extra.tfvars -out=p.plan >plan.txt 2>&1
rc=$?
[ $rc -eq 0 ] && ok "saved plan: plan -out with variables from TF_VAR_, -var, -var-file, tfvars" || fail "saved plan: plan -out with variables from TF_VAR_, -var, -var-file, tfvars" "$(cat plan.txt)"
if grep -q "$KEY" p.plan || grep -q 'n1' p.plan; then fail "saved plan: no secret in the plan file (sensitive var, unmarked api_key var)" "$(grep -o ".\{40\}$KEY.\{10\}" p.plan)"
else ok "saved plan: no secret in the plan file (sensitive var, unmarked api_key var)"; fi
TF_VAR_note=n1 TF_VAR_litellm_key="$KEY" "$LITEHCL" show -json p.plan >show.json 2>show.err
! grep -q "$KEY" show.json && jq -e '.variables.alias.value == "p3" and (.variables | has("litellm_key") | not) and (.variables | has("note") | not)' show.json >/dev/null &&
	ok "saved plan: show -json lists the plain variables only" || fail "saved plan: show -json lists the plain variables only" "$(jq -c .variables show.json) $(cat show.err)"
# apply without any of the plain variables (and with other values in the environment and tfvars)
echo 'budget = 99' > terraform.tfvars
TF_VAR_alias=other TF_VAR_team=red "$LITEHCL" apply -no-color p.plan >ap.txt 2>&1
rc=$?
grep -q 'No value for required variable' ap.txt && grep -q 'litellm_key' ap.txt && [ $rc -eq 1 ] &&
	ok "saved plan: a secret variable must be given again" || fail "saved plan: a secret variable must be given again" "rc=$rc" "$(cat ap.txt)"
TF_VAR_alias=other TF_VAR_note=n2 TF_VAR_litellm_key="$KEY" "$LITEHCL" apply -no-color p.plan >ap.txt 2>&1
rc=$?
[ $rc -eq 1 ] && tr '\n' ' ' < ap.txt | tr -s ' ' | grep -q 'The value of var.note is not the value the saved plan was made with' &&
	! grep -q 'Creating' ap.txt && ok "saved plan: another value of a sensitive variable refuses the plan, before any request" ||
	fail "saved plan: another value of a sensitive variable refuses the plan, before any request" "rc=$rc" "$(cat ap.txt)"
"$LITEHCL" apply -no-color -var alias=x p.plan >ap.txt 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "Can't change variable when applying a saved plan" ap.txt && ok "saved plan: -var of a planned variable is refused" ||
	fail "saved plan: -var of a planned variable is refused" "rc=$rc" "$(cat ap.txt)"
TF_VAR_alias=other TF_VAR_team=red TF_VAR_note=n1 TF_VAR_litellm_key="$KEY" "$LITEHCL" apply -no-color p.plan >ap.txt 2>&1
rc=$?
body=$(jq -c 'select(.path=="/user/new" and .body.user_email=="saved@example.com") | .body' "$EMU_LOG")
if [ $rc -eq 0 ] && echo "$body" | jq -e '.user_alias == "p3" and .max_budget == 7 and .models == ["gpt-4o"] and (.metadata.team == "blue")' >/dev/null &&
    grep -q 'alias = "p3"' ap.txt && grep -q 'team = "blue"' ap.txt; then
	ok "saved plan: apply uses the planned values and outputs, not the environment's"
else
	fail "saved plan: apply uses the planned values and outputs, not the environment's" "rc=$rc" "$body" "$(cat ap.txt)"
fi
[ "$(jq -r '.outputs.team.value' terraform.tfstate)" = blue ] && ok "saved plan: the state's outputs are the planned ones" ||
	fail "saved plan: the state's outputs are the planned ones" "$(jq -c .outputs terraform.tfstate)"

# ---- a required variable without a value is asked for on a terminal ----
export LITELLM_API_KEY="$KEY"
new_dir prompt
cat > main.tf <<'EOF2'
variable "alias" {
  type        = string
  description = "The user's alias"
}
resource "litellm_user" "u" {
  user_email = "prompt@example.com"
  user_alias = var.alias
}
EOF2
cat > ptyrun.py <<'EOF2'
import os, pty, sys, select, time
args = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(args[0], args)
out = b""
sent = False
deadline = time.time() + 20
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if not sent and b"Enter a value:" in out:
            os.write(fd, b"typed-alias\n")
            sent = True
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
sys.exit(os.WEXITSTATUS(st))
EOF2
python3 ptyrun.py "$LITEHCL" plan -no-color >pty.out 2>&1
rc=$?
tr -d '\r' < pty.out > pty.txt
if [ $rc -eq 0 ] && grep -q '^var.alias$' pty.txt && grep -q "^  The user's alias$" pty.txt && grep -q 'Enter a value:' pty.txt &&
    grep -q 'user_alias *= "typed-alias"' pty.txt; then
	ok "prompt: var.NAME, its description, Enter a value: - and the answer is used"
else
	fail "prompt: var.NAME, its description, Enter a value: - and the answer is used" "rc=$rc" "$(head -30 pty.txt)"
fi
python3 ptyrun.py "$LITEHCL" plan -no-color -input=false >pty.out 2>&1
rc=$?
[ $rc -eq 1 ] && ! grep -q 'Enter a value' pty.out && grep -q 'No value for required variable' pty.out &&
	ok "prompt: -input=false does not ask" || fail "prompt: -input=false does not ask" "rc=$rc" "$(head -20 pty.out)"
for v in 0 false; do
	TF_INPUT=$v python3 ptyrun.py "$LITEHCL" plan -no-color >pty.out 2>&1
	rc=$?
	[ $rc -eq 1 ] && ! grep -q 'Enter a value' pty.out && grep -q 'No value for required variable' pty.out &&
		ok "prompt: TF_INPUT=$v does not ask (Terraform's -input=false)" || fail "prompt: TF_INPUT=$v does not ask (Terraform's -input=false)" "rc=$rc" "$(head -20 pty.out)"
done
# stdin that is not a terminal is read too, as Terraform 1.11 does (echo v | terraform
# plan): a line per variable, by name, its trailing white space dropped; the end of the
# input (or a last line without its newline) is no answer; -json does not ask
"$LITEHCL" plan -no-color </dev/null >out.txt 2>err.txt
rc=$?
printf "var.alias\n  The user's alias\n\n  Enter a value: " >want.txt
check_or "prompt: stdin at its end - asked on stdout, then No value for required variable" \
	"[ $rc -eq 1 ] && cmp -s want.txt out.txt && grep -q 'No value for required variable' err.txt" "rc=$rc: $(cat out.txt err.txt)"
printf 'piped alias \t\r\n' | "$LITEHCL" plan -no-color >out.txt 2>&1
rc=$?
check_or "prompt: a value piped to stdin is used (echo v | litehcl plan)" \
	"[ $rc -eq 0 ] && grep -q 'user_alias *= \"piped alias\"' out.txt && grep -q '^  Enter a value: \$' out.txt" "rc=$rc: $(head -20 out.txt)"
printf 'no-newline' | "$LITEHCL" plan -no-color >out.txt 2>&1
rc=$?
check_or "prompt: a last line without its newline is no answer (Terraform)" \
	"[ $rc -eq 1 ] && grep -q 'No value for required variable' out.txt" "rc=$rc: $(cat out.txt)"
printf 'x\n' | "$LITEHCL" plan -json >out.txt 2>&1
rc=$?
check_or "prompt: -json does not ask" "[ $rc -eq 1 ] && ! grep -q 'Enter a value' out.txt && grep -q 'No value for required variable' out.txt" "rc=$rc: $(cat out.txt)"
cat > two.tf <<'EOF2'
variable "zeta" {
  type = string
}
variable "beta" {
  type = number
}
output "both" {
  value = "${var.zeta}-${var.beta}"
}
EOF2
printf '7\nlast\nignored\n' | "$LITEHCL" plan -no-color -var alias=a >out.txt 2>&1
rc=$?
check_or "prompt: two variables read from a pipe in name order (beta, then zeta)" \
	"[ $rc -eq 0 ] && grep -q 'both = \"last-7\"' out.txt && [ \"\$(grep '^var\\.' out.txt | tr '\\n' ' ')\" = 'var.beta var.zeta ' ]" "rc=$rc: $(head -20 out.txt)"
rm -f two.tf
# a typed answer of the wrong type is reported as Terraform reports it: at the
# declaration, "set using an interactive prompt"
cat > num.tf <<'EOF2'
variable "budget" {
  type = number
}
EOF2
python3 ptyrun.py "$LITEHCL" plan -no-color -var alias=a >pty.out 2>&1
rc=$?
tr -d '\r' < pty.out > pty.txt
[ $rc -eq 1 ] && flat pty.txt | grep -q 'on num.tf line 1: 1: variable "budget" { Unsuitable value for var.budget set using an interactive prompt: a number is required.' &&
	ok "prompt: an answer of the wrong type names the prompt" || fail "prompt: an answer of the wrong type names the prompt" "rc=$rc" "$(cat pty.txt)"
rm -f num.tf

# ---- TF_IN_AUTOMATION (any value) leaves out the advice meant for a person, as
# Terraform 1.11.4: plan ends at its summary line (no rule, no -out note, no "Saved the
# plan to"), init at "successfully initialized!" ----
new_dir automation
cat > main.tf <<'EOF2'
resource "litellm_user" "u" {
  user_email = "automation@example.com"
}
EOF2
TF_IN_AUTOMATION=1 "$LITEHCL" init -no-color >init.txt 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(tail -2 init.txt)" = "
litehcl has been successfully initialized!" ] &&
	ok "TF_IN_AUTOMATION: init ends at successfully initialized!" || fail "TF_IN_AUTOMATION: init ends at successfully initialized!" "rc=$rc" "$(cat init.txt)"
"$LITEHCL" init -no-color >init.txt 2>&1
grep -q 'You may now begin working' init.txt && ok "without TF_IN_AUTOMATION: init gives next steps" ||
	fail "without TF_IN_AUTOMATION: init gives next steps" "$(cat init.txt)"
for out in "" "-out=a.plan"; do
	TF_IN_AUTOMATION=yes "$LITEHCL" plan -no-color $out >plan.txt 2>&1
	rc=$?
	[ $rc -eq 0 ] && [ "$(tail -1 plan.txt)" = "Plan: 1 to add, 0 to change, 0 to destroy." ] &&
		! grep -q -e '─' -e 'Note:' -e 'Saved the plan' plan.txt &&
		ok "TF_IN_AUTOMATION: plan $out ends at its summary" || fail "TF_IN_AUTOMATION: plan $out ends at its summary" "rc=$rc" "$(tail -5 plan.txt)"
done
TF_IN_AUTOMATION= "$LITEHCL" plan -no-color >plan.txt 2>&1
grep -q "Note: You didn't use the -out option" plan.txt && ok "TF_IN_AUTOMATION empty: the -out note is printed" ||
	fail "TF_IN_AUTOMATION empty: the -out note is printed" "$(tail -5 plan.txt)"
