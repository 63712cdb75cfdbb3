#!/bin/sh
# Configuration cases: every tests/config/NAME/ directory holds *.tf files (and maybe
# tfvars), an optional `args` file (extra validate arguments, e.g. -var) and `expected`:
# the output of `litehcl validate -no-color` (stdout then stderr) and its exit code.
# The examples/ directories must validate clean.  UPDATE=1 rewrites `expected`.
. "$TOP/tests/lib.sh"
for dir in "$TOP"/tests/config/*/; do
	[ -d "$dir" ] || continue
	name=$(basename "$dir")
	args=""
	[ -f "$dir/args" ] && args=$(cat "$dir/args")
	out="$WORK/$name.out"
	# shellcheck disable=SC2086
	(cd "$dir" && NO_COLOR=1 TF_WORKSPACE= "$LITEHCL" validate -no-color $args >"$out.1" 2>"$out.2"; echo "exit: $?" >"$out.3")
	cat "$out.1" "$out.2" "$out.3" >"$out"
	[ -f "$dir/expected" ] || touch "$dir/expected"
	same "config/$name" "$dir/expected" "$out"
done
for dir in "$TOP"/examples/minimal "$TOP"/examples/full "$TOP"/examples/admin "$TOP"/examples/variables; do
	[ -d "$dir" ] || continue
	name=$(basename "$dir")
	if out=$(cd "$dir" && "$LITEHCL" validate -no-color 2>&1) && [ "$out" = "Success! The configuration is valid." ]; then
		ok "example/$name"
	else
		fail "example/$name" "$out"
	fi
done

# A bad value for a variable names where it came from, as Terraform 1.11.4 does (its
# output for this configuration, recorded): -var, TF_VAR_ and the prompt point at the
# declaration and name the source; a tfvars file points at its own line.  Terraform
# checks the values while planning: "Planning failed." comes first (stdout).
mkdir -p "$WORK/varsrc" && cd "$WORK/varsrc" || exit 1
printf 'variable "n" {\n  type = number\n}\n\nvariable "l" {\n  type     = list(string)\n  nullable = false\n}\n' >main.tf
printf 'l = null\n' >null.tfvars
printf 'n = "abc"\n' >n.tfvars
want() { [ "$2" = "$3" ] && ok "$1" || fail "$1" "got:  $2" "want: $3"; }
vplan() { LITELLM_API_BASE=http://127.0.0.1:1 LITELLM_API_KEY=sk-x "$LITEHCL" plan -input=false -no-color "$@" 2>&1; echo "exit: $?"; }
want "variables: -var of the wrong type names -var" "$(vplan -var n=abc -var 'l=[]')" '
Planning failed. litehcl encountered an error while generating this plan.


Error: Invalid value for input variable

  on main.tf line 1:
   1: variable "n" {

Unsuitable value for var.n set using -var="n=...": a number is required.
exit: 1'
want "variables: TF_VAR_ of the wrong type names the environment variable" "$(TF_VAR_n=abc vplan -var 'l=[]')" '
Planning failed. litehcl encountered an error while generating this plan.


Error: Invalid value for input variable

  on main.tf line 1:
   1: variable "n" {

Unsuitable value for var.n set using the TF_VAR_n environment variable: a
number is required.
exit: 1'
want "variables: a tfvars value of the wrong type points at the file" "$(vplan -var-file=n.tfvars -var 'l=[]')" '
Planning failed. litehcl encountered an error while generating this plan.


Error: Invalid value for input variable

  on n.tfvars line 1:
   1: n = "abc"

The given value is not suitable for var.n declared at main.tf:1,1-13: a
number is required.
exit: 1'
want "variables: null for a non-nullable variable from -var" "$(vplan -var n=1 -var l=null)" '
Planning failed. litehcl encountered an error while generating this plan.


Error: Required variable not set

  on main.tf line 5:
   5: variable "l" {

Unsuitable value for var.l set using -var="l=...": required variable may not
be set to null.
exit: 1'
want "variables: null for a non-nullable variable from TF_VAR_" "$(TF_VAR_l=null vplan -var n=1)" '
Planning failed. litehcl encountered an error while generating this plan.


Error: Required variable not set

  on main.tf line 5:
   5: variable "l" {

Unsuitable value for var.l set using the TF_VAR_l environment variable:
required variable may not be set to null.
exit: 1'
want "variables: null for a non-nullable variable from a tfvars file" "$(vplan -var n=1 -var-file=null.tfvars)" '
Planning failed. litehcl encountered an error while generating this plan.


Error: Required variable not set

  on null.tfvars line 1:
   1: l = null

The given value is not suitable for var.l defined at main.tf:5,1-13: required
variable may not be set to null.
exit: 1'
