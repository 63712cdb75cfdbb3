#!/bin/sh
# The peer to beat: Terraform managing 1,000 built-in terraform_data resources (no
# provider, no network).  Prints apply and no-op plan wall-clock seconds, to compare with
# tests/bench/plan.sh's litehcl figures for 1,000 LiteLLM users through the emulator.
# Needs `terraform` on PATH (the project's tests never do); skipped without it.
n=${N:-1000}
command -v terraform >/dev/null 2>&1 || { echo "terraform not installed: peer benchmark skipped"; exit 0; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/main.tf" <<TF
resource "terraform_data" "u" {
  for_each = toset([for i in range($n) : "user\${i}"])
  input    = { email = "\${each.key}@example.com", max_budget = 10 }
}
TF
cd "$dir" || exit 1
terraform init -input=false >/dev/null 2>&1 || { echo "terraform init failed"; exit 1; }
now() { date +%s.%N; }
t0=$(now); terraform apply -auto-approve -input=false >/dev/null 2>&1 || { echo "terraform apply failed"; exit 1; }
t1=$(now); terraform plan -input=false -detailed-exitcode >/dev/null 2>&1; rc=$?
t2=$(now)
[ "$rc" -eq 0 ] || echo "warning: terraform no-op plan exited $rc"
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$n" 'BEGIN {
	printf "terraform (peer): apply %d terraform_data: %.2f s; no-op plan: %.2f s\n", n, b - a, c - b }'
