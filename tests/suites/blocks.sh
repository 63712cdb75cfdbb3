#!/bin/sh
# blocks.sh - check blocks (assertions: warnings, never errors), as Terraform 1.11
# reports them (texts recorded from Terraform with terraform_data resources in the same
# layout): after a plan (a condition not known yet warns "known after apply"), after an
# apply (only the post-apply results), on a plan without changes, and the
# configuration errors of a check block.
. "$TOP/tests/lib.sh"

emu_session
export NO_COLOR=1
# warnings FILE: the diagnostics of an output, from the first Warning/Error line to
# the separator or the final summary
warnings() {
	awk '/^(Warning|Error): /{on=1} /^(─|Apply complete|Note: )/{on=0} on' "$1" |
		awk 'NF{for(;b>0;b--)print "";print;next}{b++}' |
		sed -E 's/ is "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"$/ is "UUID"/'
}

new_dir check
cat > main.tf <<'EOF'
variable "n" {
  default = 3
}
resource "litellm_user" "a" {
  user_email = "chk-a@example.com"
  max_budget = var.n
}
check "small" {
  assert {
    condition     = var.n < 2
    error_message = "n is too big: ${var.n}."
  }
  assert {
    condition     = litellm_user.a.user_id == "nobody"
    error_message = "user_id is not nobody."
  }
}
check "fine" {
  assert {
    condition     = var.n > 2
    error_message = "never shown."
  }
}
EOF
"$LITEHCL" plan -no-color >plan.txt 2>&1
rc=$?
warnings plan.txt >got.txt
# (as Terraform: "litellm_user.a.user_id is a string" under the second - what is
# known only after apply has its attribute's type)
cat >want.txt <<'EOF'
Warning: Check block assertion failed

  on main.tf line 10, in check "small":
  10:     condition     = var.n < 2
    ├────────────────
    │ var.n is 3

n is too big: 3.

Warning: Check block assertion known after apply

  on main.tf line 14, in check "small":
  14:     condition     = litellm_user.a.user_id == "nobody"
    ├────────────────
    │ litellm_user.a.user_id is a string

The condition could not be evaluated at this time, a result will be known
when this plan is applied.
EOF
if [ $rc -eq 0 ] && grep -q '^Plan: 1 to add' plan.txt && cmp -s want.txt got.txt; then
	ok "check: failed and unknown assertions warn after the plan (exit 0)"
else
	fail "check: failed and unknown assertions warn after the plan (exit 0)" "rc=$rc" "$(diff want.txt got.txt)"
fi
"$LITEHCL" apply -auto-approve -no-color >apply.txt 2>&1
rc=$?
warnings apply.txt >got.txt
cat >want.txt <<'EOF'
Warning: Check block assertion failed

  on main.tf line 10, in check "small":
  10:     condition     = var.n < 2
    ├────────────────
    │ var.n is 3

n is too big: 3.

Warning: Check block assertion failed

  on main.tf line 14, in check "small":
  14:     condition     = litellm_user.a.user_id == "nobody"
    ├────────────────
    │ litellm_user.a.user_id is "UUID"

user_id is not nobody.
EOF
if [ $rc -eq 0 ] && grep -q '^Apply complete! Resources: 1 added' apply.txt && cmp -s want.txt got.txt; then
	ok "check: apply shows only the results after applying, and succeeds"
else
	fail "check: apply shows only the results after applying, and succeeds" "rc=$rc" "$(diff want.txt got.txt)" "$(cat apply.txt)"
fi
"$LITEHCL" plan -no-color -detailed-exitcode >plan2.txt 2>&1
rc=$?
warnings plan2.txt >got.txt
if [ $rc -eq 0 ] && grep -q '^No changes' plan2.txt && cmp -s want.txt got.txt; then
	ok "check: a plan without changes still evaluates the assertions"
else
	fail "check: a plan without changes still evaluates the assertions" "rc=$rc" "$(diff want.txt got.txt)"
fi
sed -i 's/var.n < 2/var.n < 5/; s/max_budget = var.n/max_budget = 4/; s/== "nobody"/!= "nobody"/' main.tf
"$LITEHCL" apply -auto-approve -no-color >apply2.txt 2>&1
rc=$?
if [ $rc -eq 0 ] && ! grep -q 'Warning' apply2.txt && grep -q '1 changed' apply2.txt; then
	ok "check: passing assertions print nothing"
else
	fail "check: passing assertions print nothing" "rc=$rc" "$(cat apply2.txt)"
fi
"$LITEHCL" validate -no-color >val.txt 2>&1 && grep -q '^Success!' val.txt &&
	ok "check: validate accepts check blocks" || fail "check: validate accepts check blocks" "$(cat val.txt)"

# configuration errors (texts as terraform validate prints them)
new_dir check_errors
chk() {	# NAME WANT: plan fails (exit 1) with summary WANT, before any request
	n0=$(wc -l < "$EMU_LOG")
	"$LITEHCL" validate -no-color >out.txt 2>&1
	rc=$?
	n1=$(wc -l < "$EMU_LOG")
	if [ $rc -eq 1 ] && grep -qF "$2" out.txt && [ "$n0" -eq "$n1" ]; then ok "$1"; else fail "$1" "rc=$rc" "$(cat out.txt)"; fi
}
printf 'check "a" {\n}\n' > main.tf
chk "check: no assert block" "Check blocks must have at least one assert block."
cat > main.tf <<'EOF'
variable "v" {
  default = 1
}
check "a" {
  assert {
    condition     = var.v == 1
    error_message = "x"
  }
}
check "a" {
  assert {
    condition     = var.v == 1
    error_message = "x"
  }
}
EOF
chk "check: duplicate name" 'Error: Duplicate check "a" configuration'
grep -qF 'A check block named "a" was already declared at main.tf:4,1-10. Check blocks' out.txt &&
	ok "check: duplicate names the first" || fail "check: duplicate names the first" "$(cat out.txt)"
cat > main.tf <<'EOF'
check "a" {
  assert {
    condition     = true
    error_message = "x"
  }
}
EOF
chk "check: a condition that refers to nothing" "Error: Invalid assert expression"
cat > main.tf <<'EOF'
variable "v" {
  default = 1
}
check "a" {
  assert {
    error_message = "x"
  }
}
EOF
chk "check: condition is required" 'The argument "condition" is required'
cat > main.tf <<'EOF'
check "a" {
  assert {
    condition     = litellm_user.nope.user_role == "x"
    error_message = "x"
  }
}
EOF
chk "check: an undeclared resource is an error of validate" "Reference to undeclared resource"
cat > main.tf <<'EOF'
variable "v" {
  default = "text"
}
check "a" {
  assert {
    condition     = var.v
    error_message = "x"
  }
}
EOF
"$LITEHCL" plan -no-color >out.txt 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q '^Error: Invalid condition result' out.txt &&
    grep -q '^Invalid condition result value: a bool is required.' out.txt; then
	ok "check: a condition that is not a bool is an error (as Terraform's plan)"
else
	fail "check: a condition that is not a bool is an error (as Terraform's plan)" "rc=$rc" "$(cat out.txt)"
fi

# preconditions and postconditions (texts as Terraform 1.11 prints them for
# terraform_data): a failed precondition stops the plan before any change
new_dir conditions
cat > main.tf <<'EOF'
variable "n" {
  default = 3
}
resource "litellm_user" "a" {
  user_email = "pre-a@example.com"
  max_budget = var.n
  lifecycle {
    precondition {
      condition     = var.n < 2
      error_message = "n is too big."
    }
  }
}
EOF
n0=$(wc -l < "$EMU_LOG")
"$LITEHCL" apply -auto-approve -no-color >out.txt 2>&1
rc=$?
n1=$(wc -l < "$EMU_LOG")
warnings out.txt >got.txt
cat >want.txt <<'EOF'
Error: Resource precondition failed

  on main.tf line 9, in resource "litellm_user" "a":
   9:       condition     = var.n < 2
    ├────────────────
    │ var.n is 3

n is too big.
EOF
if [ $rc -eq 1 ] && cmp -s want.txt got.txt && ! grep -q Creating out.txt && [ "$n0" -eq "$n1" ]; then
	ok "precondition: a false one is an error before the change is planned"
else
	fail "precondition: a false one is an error before the change is planned" "rc=$rc" "$(diff want.txt got.txt)"
fi
sed -i 's/var.n < 2/var.n < 5/' main.tf
"$LITEHCL" apply -auto-approve -no-color >out.txt 2>&1 && grep -q '^Apply complete! Resources: 1 added' out.txt &&
	ok "precondition: a true one lets the apply through" || fail "precondition: a true one lets the apply through" "$(cat out.txt)"

# a postcondition on a value known only after apply: the object is created and
# saved, then the apply fails; the next plan fails on the refreshed object
cat > main.tf <<'EOF'
variable "n" {
  default = 3
}
resource "litellm_user" "b" {
  for_each   = toset(["x"])
  user_email = "post-${each.key}@example.com"
  max_budget = var.n
  lifecycle {
    postcondition {
      condition     = self.user_role == "proxy_admin" && each.key == "x"
      error_message = "${each.key} is a ${self.user_role}."
    }
  }
}
EOF
"$LITEHCL" plan -no-color >plan.txt 2>&1
rc_plan=$?
sed -i 's/self.user_role == "proxy_admin"/self.user_id == "nobody"/' main.tf
"$LITEHCL" plan -no-color >plan2.txt 2>&1
rc_plan2=$?
"$LITEHCL" apply -auto-approve -no-color >out.txt 2>&1
rc=$?
warnings out.txt >got.txt
cat >want.txt <<'EOF'
Error: Resource postcondition failed

  on main.tf line 10, in resource "litellm_user" "b":
  10:       condition     = self.user_id == "nobody" && each.key == "x"
    ├────────────────
    │ each.key is "x"
    │ self.user_id is "UUID"

x is a user.
EOF
if [ $rc_plan -eq 1 ] && grep -q '^Error: Resource postcondition failed' plan.txt && grep -q '^x is a user.$' plan.txt; then
	ok "postcondition: a planned value that is known fails the plan"
else
	fail "postcondition: a planned value that is known fails the plan" "rc=$rc_plan" "$(cat plan.txt)"
fi
if [ $rc_plan2 -eq 0 ] && ! grep -q Error plan2.txt; then
	ok "postcondition: a condition on a value known after apply waits"
else
	fail "postcondition: a condition on a value known after apply waits" "rc=$rc_plan2" "$(cat plan2.txt)"
fi
if [ $rc -eq 1 ] && grep -q 'Creation complete' out.txt && cmp -s want.txt got.txt &&
    [ "$(jq '[.resources[] | select(.name=="b")] | length' terraform.tfstate)" = 1 ]; then
	ok "postcondition: fails the apply after the change, which is saved"
else
	fail "postcondition: fails the apply after the change, which is saved" "rc=$rc" "$(diff want.txt got.txt)"
fi
"$LITEHCL" plan -no-color >out.txt 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q '^Error: Resource postcondition failed' out.txt; then
	ok "postcondition: checked again on the refreshed object"
else
	fail "postcondition: checked again on the refreshed object" "rc=$rc" "$(cat out.txt)"
fi

new_dir output_pre
cat > main.tf <<'EOF'
variable "n" {
  default = 3
}
output "o" {
  value = var.n
  precondition {
    condition     = var.n == 1
    error_message = "out pre."
  }
}
EOF
"$LITEHCL" plan -no-color >out.txt 2>&1
rc=$?
warnings out.txt >got.txt
cat >want.txt <<'EOF'
Error: Module output value precondition failed

  on main.tf line 7, in output "o":
   7:     condition     = var.n == 1
    ├────────────────
    │ var.n is 3

out pre.
EOF
if [ $rc -eq 1 ] && cmp -s want.txt got.txt; then
	ok "precondition: in an output"
else
	fail "precondition: in an output" "rc=$rc" "$(diff want.txt got.txt)" "$(cat out.txt)"
fi
cat > main.tf <<'EOF'
resource "litellm_user" "a" {
  user_email = "e@example.com"
  lifecycle {
    precondition {
      condition     = self.user_role == "user"
      error_message = "x"
    }
  }
}
EOF
chk "precondition: self is not available (validate)" 'Error: Invalid "self" reference'
cat > main.tf <<'EOF'
resource "litellm_user" "a" {
  user_email = "e@example.com"
  lifecycle {
    postcondition {
      condition     = self.nope == "user"
      error_message = "x"
    }
    precondition {
      condition     = litellm_team.none.team_id != ""
      error_message = "x"
    }
  }
}
EOF
chk "postcondition: an attribute self does not have (validate)" 'Error: Unsupported attribute'
grep -q '^Error: Reference to undeclared resource' out.txt &&
	ok "precondition: an undeclared resource (validate)" ||
	fail "precondition: an undeclared resource (validate)" "$(cat out.txt)"
cat > main.tf <<'EOF'
variable "n" {
  default = 3
}
resource "litellm_user" "a" {
  user_email = "e@example.com"
  lifecycle {
    precondition {
      condition     = var.n < 2
      error_message = "x"
    }
    postcondition {
      condition     = self.user_role == "user" && var.n < 2
      error_message = "x"
    }
  }
}
output "o" {
  value = 1
  precondition {
    condition     = var.n < 2
    error_message = "x"
  }
}
EOF
"$LITEHCL" validate -no-color >out.txt 2>&1 && grep -q '^Success!' out.txt &&
	ok "conditions: validate does not evaluate them against the values" ||
	fail "conditions: validate does not evaluate them against the values" "$(cat out.txt)"
cat > main.tf <<'EOF'
resource "litellm_user" "a" {
  user_email = "e@example.com"
  lifecycle {
    postcondition {
      condition = self.user_role == "user"
    }
  }
}
EOF
chk "postcondition: error_message is required" 'The argument "error_message" is required'

# ---- where conditions are not evaluated, or only warn (Terraform 1.11, recorded with
# terraform_data resources in the same layout): -refresh-only warns for every failing
# precondition, postcondition, output precondition and assertion; -destroy evaluates
# none; -target evaluates only the targeted resources' conditions and no check block.
new_dir cond_modes
cat > main.tf <<'EOF'
resource "litellm_user" "a" {
  user_email = "mode-a@example.com"
  lifecycle {
    precondition {
      condition     = var.pre
      error_message = "pre failed"
    }
    postcondition {
      condition     = var.post
      error_message = "post failed"
    }
  }
}
resource "litellm_user" "b" {
  user_email = "mode-b@example.com"
}
variable "pre" { default = true }
variable "post" { default = true }
variable "chk" { default = true }
check "c" {
  assert {
    condition     = var.chk
    error_message = "check failed"
  }
}
output "o" {
  value = litellm_user.a.user_id
  precondition {
    condition     = var.pre
    error_message = "out pre failed"
  }
}
EOF
"$LITEHCL" apply -auto-approve -no-color >out.txt 2>&1 &&
	ok "conditions: set-up applies" || fail "conditions: set-up applies" "$(cat out.txt)"
F="-var pre=false -var post=false -var chk=false"
# shellcheck disable=SC2086
"$LITEHCL" plan -refresh-only $F -no-color >out.txt 2>&1
rc=$?
sums=$(grep -E '^(Warning|Error): ' out.txt | sort | tr '\n' '|')
[ $rc -eq 0 ] && [ "$sums" = "Warning: Check block assertion failed|Warning: Module output value precondition failed|Warning: Resource postcondition failed|Warning: Resource precondition failed|" ] &&
	ok "conditions: -refresh-only warns for each failing one, exit 0" ||
	fail "conditions: -refresh-only warns for each failing one, exit 0" "rc=$rc" "$(cat out.txt)"
# shellcheck disable=SC2086
"$LITEHCL" apply -refresh-only -auto-approve $F -no-color >out.txt 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q '^Warning: Resource precondition failed' out.txt &&
	grep -q '^Error: Module output value precondition failed' out.txt &&
	! grep -q '^Error: Resource' out.txt &&
	ok "conditions: apply -refresh-only warns, then the outputs' precondition is an error (Terraform)" ||
	fail "conditions: apply -refresh-only warns, then the outputs' precondition is an error (Terraform)" "rc=$rc" "$(cat out.txt)"
# shellcheck disable=SC2086
"$LITEHCL" plan -target=litellm_user.b $F -no-color >out.txt 2>&1
rc=$?
[ $rc -eq 0 ] && ! grep -qE '(precondition|postcondition|assertion) failed' out.txt &&
	ok "conditions: -target leaves the others' conditions and check blocks out" ||
	fail "conditions: -target leaves the others' conditions and check blocks out" "rc=$rc" "$(cat out.txt)"
# shellcheck disable=SC2086
"$LITEHCL" plan -target=litellm_user.a $F -no-color >out.txt 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q '^Error: Resource precondition failed' out.txt &&
	ok "conditions: a targeted resource's precondition is still an error" ||
	fail "conditions: a targeted resource's precondition is still an error" "rc=$rc" "$(cat out.txt)"
"$LITEHCL" plan -target=litellm_user.a -var post=false -var chk=false -no-color >out.txt 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q '^Error: Resource postcondition failed' out.txt &&
	! grep -q 'Check block assertion' out.txt &&
	ok "conditions: a targeted postcondition is checked, check blocks are not" ||
	fail "conditions: a targeted postcondition is checked, check blocks are not" "rc=$rc" "$(cat out.txt)"
# shellcheck disable=SC2086
"$LITEHCL" plan -destroy $F -no-color >out.txt 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q 'Plan: 0 to add, 0 to change, 2 to destroy' out.txt &&
	! grep -qE '(precondition|postcondition|assertion) failed' out.txt &&
	ok "conditions: -destroy evaluates none" ||
	fail "conditions: -destroy evaluates none" "rc=$rc" "$(cat out.txt)"
# shellcheck disable=SC2086
"$LITEHCL" destroy -auto-approve $F -no-color >out.txt 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q 'Destroy complete! Resources: 2 destroyed.' out.txt &&
	! grep -qE '(precondition|postcondition|assertion) failed' out.txt &&
	ok "conditions: destroy with failing conditions destroys" ||
	fail "conditions: destroy with failing conditions destroys" "rc=$rc" "$(cat out.txt)"

# ---- "checks" in the plan's JSON, in Terraform 1.11's layout (recorded from
# terraform show -json with terraform_data resources and the same conditions): one entry
# per object with conditions, ordered by address, instances keyed, problems of failures
new_dir checks_json
cat > main.tf <<'EOF'
resource "litellm_user" "a" {
  user_email = "ckj-a@example.com"
  lifecycle {
    postcondition {
      condition     = self.user_id == "x"
      error_message = "post failed"
    }
  }
}
variable "ok" { default = true }
check "c" {
  assert {
    condition     = !var.ok
    error_message = "check failed"
  }
  assert {
    condition     = litellm_user.a.user_id == "x"
    error_message = "unknown yet"
  }
}
check "ok" {
  assert {
    condition     = var.ok
    error_message = "fine"
  }
}
output "o" {
  value = litellm_user.a.user_id
  precondition {
    condition     = var.ok
    error_message = "out pre failed"
  }
}
resource "litellm_user" "c" {
  count      = 2
  user_email = "ckj-c${count.index}@example.com"
  lifecycle {
    precondition {
      condition     = count.index < 5
      error_message = "idx"
    }
  }
}
resource "litellm_user" "e" {
  for_each   = toset(["k1"])
  user_email = "ckj-e@example.com"
  lifecycle {
    postcondition {
      condition     = self.user_email == "ckj-e@example.com"
      error_message = "in"
    }
  }
}
EOF
cat > want.txt <<'EOF'
{"address":{"kind":"check","name":"c","to_display":"check.c"},"status":"fail","instances":[{"address":{"to_display":"check.c"},"status":"fail","problems":[{"message":"check failed"}]}]}
{"address":{"kind":"check","name":"ok","to_display":"check.ok"},"status":"pass","instances":[{"address":{"to_display":"check.ok"},"status":"pass"}]}
{"address":{"kind":"resource","mode":"managed","name":"a","to_display":"litellm_user.a","type":"litellm_user"},"status":"unknown","instances":[{"address":{"to_display":"litellm_user.a"},"status":"unknown"}]}
{"address":{"kind":"resource","mode":"managed","name":"c","to_display":"litellm_user.c","type":"litellm_user"},"status":"pass","instances":[{"address":{"instance_key":0,"to_display":"litellm_user.c[0]"},"status":"pass"},{"address":{"instance_key":1,"to_display":"litellm_user.c[1]"},"status":"pass"}]}
{"address":{"kind":"resource","mode":"managed","name":"e","to_display":"litellm_user.e","type":"litellm_user"},"status":"pass","instances":[{"address":{"instance_key":"k1","to_display":"litellm_user.e[\"k1\"]"},"status":"pass"}]}
{"address":{"kind":"output_value","name":"o","to_display":"output.o"},"status":"pass","instances":[{"address":{"to_display":"output.o"},"status":"pass"}]}
EOF
"$LITEHCL" plan -out=p.plan -no-color >out.txt 2>&1
"$LITEHCL" show -json p.plan 2>>out.txt | jq -c '.checks[]' >got.txt
if cmp -s want.txt got.txt; then ok "checks: plan JSON lists every checkable object as Terraform"
else fail "checks: plan JSON lists every checkable object as Terraform" "$(diff want.txt got.txt)" "$(cat out.txt)"; fi
"$LITEHCL" show -json p.plan | jq -e 'keys_unsorted | index("checks") == index("timestamp") - 1 and index("checks") > index("configuration")' >/dev/null &&
	ok "checks: placed after configuration, before timestamp, as Terraform" ||
	fail "checks: placed after configuration, before timestamp, as Terraform" "$("$LITEHCL" show -json p.plan | jq -c keys_unsorted)"
printf 'resource "litellm_user" "x" {\n  user_email = "ckj-x@example.com"\n}\n' > main.tf
"$LITEHCL" plan -out=p2.plan -no-color >out.txt 2>&1
"$LITEHCL" show -json p2.plan | jq -e 'has("checks") | not' >/dev/null &&
	ok "checks: absent when nothing has conditions (Terraform)" ||
	fail "checks: absent when nothing has conditions (Terraform)" "$(cat out.txt)"

# ---- check_results in the state after apply, and "checks" in show -json (Terraform's
# layouts, recorded from terraform_data runs); a destroy clears them
new_dir check_results
cat > main.tf <<'EOF'
resource "litellm_user" "r" {
  count      = 2
  user_email = "cr-${count.index}@example.com"
  lifecycle {
    postcondition {
      condition     = self.user_role == "user"
      error_message = "not a user"
    }
  }
}
check "c" {
  assert {
    condition     = length(litellm_user.r) == 3
    error_message = "expected three"
  }
}
EOF
"$LITEHCL" apply -auto-approve -no-color >out.txt 2>&1
jq -c '.check_results[]' terraform.tfstate >got.txt 2>&1
cat >want.txt <<'EOF'
{"object_kind":"check","config_addr":"check.c","status":"fail","objects":[{"object_addr":"check.c","status":"fail","failure_messages":["expected three"]}]}
{"object_kind":"resource","config_addr":"litellm_user.r","status":"pass","objects":[{"object_addr":"litellm_user.r[0]","status":"pass"},{"object_addr":"litellm_user.r[1]","status":"pass"}]}
EOF
cmp -s want.txt got.txt && ok "check_results: recorded in the state after apply" ||
	fail "check_results: recorded in the state after apply" "$(diff want.txt got.txt)" "$(cat out.txt)"
state_valid "check_results: the state stays valid" terraform.tfstate
"$LITEHCL" show -json | jq -c '.checks[]' >got.txt 2>&1
cat >want.txt <<'EOF'
{"address":{"kind":"check","name":"c","to_display":"check.c"},"status":"fail","instances":[{"address":{"to_display":"check.c"},"status":"fail","problems":[{"message":"expected three"}]}]}
{"address":{"kind":"resource","mode":"managed","name":"r","to_display":"litellm_user.r","type":"litellm_user"},"status":"pass","instances":[{"address":{"instance_key":0,"to_display":"litellm_user.r[0]"},"status":"pass"},{"address":{"instance_key":1,"to_display":"litellm_user.r[1]"},"status":"pass"}]}
EOF
cmp -s want.txt got.txt && "$LITEHCL" show -json | jq -e 'keys_unsorted[-1] == "checks"' >/dev/null &&
	ok "check_results: show -json lists them as checks, last" ||
	fail "check_results: show -json lists them as checks, last" "$(diff want.txt got.txt)"
"$LITEHCL" plan -detailed-exitcode -no-color >out.txt 2>&1
[ $? -eq 0 ] && ok "check_results: the next plan has no changes" ||
	fail "check_results: the next plan has no changes" "$(cat out.txt)"
"$LITEHCL" destroy -auto-approve -no-color >out.txt 2>&1
jq -e '.check_results == null' terraform.tfstate >/dev/null &&
	ok "check_results: null after destroy" || fail "check_results: null after destroy" "$(cat out.txt)"
