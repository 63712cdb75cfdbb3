#!/bin/sh
# terraform_peer.sh - the peer to beat, in the same run: Terraform managing N (1,000)
# built-in terraform_data resources (no provider, no network - only its core), against
# litehcl managing N litellm_user resources through the emulator on loopback (plain HTTP,
# no latency).  Times each one's apply from an empty state and its no-op plan, and
# prints the ratios; the goal is litehcl at least 10x faster on both.
# Needs `terraform` on PATH (the project's tests never do): skipped without it.
#   sh tests/bench/terraform_peer.sh   [N=1000 PAR=10 TERRAFORM=/usr/local/bin/terraform]
top=$(cd "$(dirname "$0")/../.." && pwd)
LITEHCL=${LITEHCL:-$top/build/litehcl}
EMU=${EMU:-$top/build/litellm-emu}
N=${N:-1000}
PAR=${PAR:-10}
TERRAFORM=${TERRAFORM:-$(command -v terraform)}
GOAL=10
export CHECKPOINT_DISABLE=1	# no call to HashiCorp (no network here)
[ -n "$TERRAFORM" ] && [ -x "$TERRAFORM" ] || { echo "terraform peer: terraform not installed: skipped"; exit 0; }
WORK=$(mktemp -d)
trap 'emu_stop; rm -rf "$WORK"' EXIT
trap 'exit 1' INT TERM HUP PIPE
. "$top/tests/lib.sh"
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }

mkdir -p "$WORK/tf" "$WORK/lh"
cat >"$WORK/tf/main.tf" <<TF
resource "terraform_data" "u" {
  for_each = toset([for i in range($N) : format("u%05d", i)])
  input    = { email = "\${each.key}@example.com", max_budget = 10 }
}
TF
cd "$WORK/tf" || exit 1
TF_IN_AUTOMATION=1 "$TERRAFORM" init -input=false >init.txt 2>&1 || { echo "terraform peer: terraform init failed"; tail -5 init.txt; exit 1; }
t0=$(now)
"$TERRAFORM" apply -auto-approve -input=false -parallelism="$PAR" >apply.txt 2>&1 || { echo "terraform peer: terraform apply failed"; tail -5 apply.txt; exit 1; }
t1=$(now)
"$TERRAFORM" plan -input=false -detailed-exitcode -parallelism="$PAR" >plan.txt 2>&1
rc=$?
t2=$(now)
[ $rc -eq 0 ] || { echo "terraform peer: terraform's no-op plan exited $rc"; tail -5 plan.txt; exit 1; }
tf_apply=$(calc "$t1 - $t0")
tf_plan=$(calc "$t2 - $t1")

emu_start --master-key bench-key
[ -s "$EMU_PORTFILE" ] || { echo "terraform peer: the emulator did not start"; exit 1; }
export LITELLM_API_BASE="$EMU_URL" LITELLM_API_KEY=bench-key
cat >"$WORK/lh/main.tf" <<TF
resource "litellm_user" "u" {
  for_each   = toset([for i in range($N) : format("u%05d", i)])
  user_email = "\${each.key}@example.com"
  max_budget = 10
}
TF
cd "$WORK/lh" || exit 1
t0=$(now)
"$LITEHCL" apply -auto-approve -parallelism="$PAR" >apply.txt 2>&1 || { echo "terraform peer: litehcl apply failed"; tail -5 apply.txt; exit 1; }
t1=$(now)
"$LITEHCL" plan -detailed-exitcode -parallelism="$PAR" >plan.txt 2>&1
rc=$?
t2=$(now)
[ $rc -eq 0 ] || { echo "terraform peer: litehcl's no-op plan exited $rc"; tail -5 plan.txt; exit 1; }
lh_apply=$(calc "$t1 - $t0")
lh_plan=$(calc "$t2 - $t1")

verdict() { awk "BEGIN { exit !($1 >= $GOAL) }" && echo "goal met" || echo "GOAL MISSED"; }
ra=$(calc "$tf_apply / $lh_apply" 1)
rp=$(calc "$tf_plan / $lh_plan" 1)
echo "terraform peer: $N resources, -parallelism=$PAR; $("$TERRAFORM" version | head -1); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "apply: terraform (terraform_data) ${tf_apply} s, litehcl (litellm_user, emulator) ${lh_apply} s: ${ra}x faster (>= ${GOAL}x: $(verdict "$ra"))"
echo "no-op plan: terraform ${tf_plan} s, litehcl ${lh_plan} s: ${rp}x faster (>= ${GOAL}x: $(verdict "$rp"))"
