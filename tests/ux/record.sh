#!/bin/sh
# record.sh - records the Terraform 1.11 answers that tests/suites/help.sh and ux.sh
# compare litehcl with (tests/ux/tf/*.txt), with "terraform"/"Terraform" written as
# "litehcl".  Needs terraform on PATH; the tests themselves never run it.
#   sh tests/ux/record.sh
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/tests/ux/tf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TF_CLI_CONFIG_FILE="$tmp/tfrc" CHECKPOINT_DISABLE=1
: >"$TF_CLI_CONFIG_FILE"
cd "$tmp"
as_litehcl() { sed -e 's/Terraform/litehcl/g' -e 's/terraform/litehcl/g'; }
rec() {	# NAME ARGS...: stderr of terraform ARGS
	name=$1; shift
	terraform "$@" 2>&1 >/dev/null </dev/null | as_litehcl >"$out/$name.txt" || true
}
rec flag-apply-detailed-exitcode apply -detailed-exitcode -no-color
rec flag-plan-auto-approve plan -auto-approve -no-color
rec flag-output-bogus output -bogus -no-color
rec no-command-palan palan
rec no-command-xyzzy xyzzy
mkdir diag && cd diag
printf 'locals {\n  a = var.nope\n}\n' >main.tf
terraform validate -no-color 2>&1 >/dev/null | as_litehcl >"$out/diag-plain.txt" || true
terraform version -json >"$out/version.json"
# a resource that takes 11 s to create and to destroy: Still creating / destroying
cd "$tmp" && mkdir slow && cd slow
cat >main.tf <<'TF'
resource "terraform_data" "slow" {
  input = "x"
  provisioner "local-exec" {
    command = "sleep 11"
  }
  provisioner "local-exec" {
    when    = destroy
    command = "sleep 11"
  }
}
TF
terraform init >/dev/null 2>&1
terraform apply -auto-approve -no-color >"$out/slow-apply.txt" 2>&1
terraform destroy -auto-approve -no-color >"$out/slow-destroy.txt" 2>&1
terraform apply -auto-approve -json >"$out/slow-apply.jsonl" 2>&1
terraform destroy -auto-approve -json >"$out/slow-destroy.jsonl" 2>&1
# warnings: after the plan on stdout, the -target warning, -compact-warnings
cd "$tmp" && mkdir warn && cd warn
printf 'resource "terraform_data" "a" {\n  input = "x"\n}\nresource "terraform_data" "b" {\n  input = "y"\n}\n' >main.tf
terraform init >/dev/null 2>&1
terraform plan -no-color -target=terraform_data.a 2>&1 | as_litehcl >"$out/warn-plan.txt"
terraform plan -no-color -compact-warnings -target=terraform_data.a 2>&1 | as_litehcl >"$out/warn-plan-compact.txt"
terraform apply -no-color -auto-approve -target=terraform_data.a 2>&1 | as_litehcl >"$out/warn-apply.txt"
terraform destroy -auto-approve >/dev/null 2>&1
terraform apply -no-color -auto-approve -compact-warnings -target=terraform_data.a 2>&1 | as_litehcl >"$out/warn-apply-compact.txt"
terraform destroy -auto-approve >/dev/null 2>&1
# the same warning three times: folded into the first ("and 2 more similar warnings")
cd "$tmp" && mkdir similar && cd similar
for r in a b c; do
	printf 'resource "terraform_data" "%s" {\n  input = "x"\n  lifecycle {\n    ignore_changes = ["input"]\n  }\n}\n' $r
done >main.tf
terraform init >/dev/null 2>&1
terraform validate -no-color 2>&1 | as_litehcl >"$out/warn-similar-validate.txt"
terraform validate -no-color -compact-warnings 2>&1 | as_litehcl >"$out/warn-similar-validate-compact.txt"
terraform plan -no-color 2>&1 | as_litehcl >"$out/warn-similar-plan.txt"
terraform plan -no-color -compact-warnings 2>&1 | as_litehcl >"$out/warn-similar-plan-compact.txt"
# output changes in a plan (tests/ux/outchanges): the same outputs changed between two
# runs, one of them unknown (a resource created by the second run), one removed
cd "$tmp" && mkdir outchanges && cd outchanges
sed 's/UNKNOWN/terraform_data.y[0].id/' "$top/tests/ux/outchanges/common.tf.in" >main.tf
printf 'resource "terraform_data" "y" {\n  count = local.one ? 0 : 1\n}\n' >>main.tf
cp "$top/tests/ux/outchanges/gone.tf" .
terraform init >/dev/null 2>&1
terraform apply -auto-approve >/dev/null 2>&1
terraform plan -destroy -no-color 2>&1 | sed -n '/^Changes to Outputs:/,/^$/p' >"$out/outchanges-destroy.txt"
rm gone.tf
terraform plan -no-color -var v=2 2>&1 | sed -n '/^Changes to Outputs:/,/^You can apply/p' | as_litehcl >"$out/outchanges-plan.txt"
terraform apply -auto-approve -var v=2 >/dev/null 2>&1
terraform output -no-color >"$out/outchanges-output-v2.txt"
# outputs of every type after apply, in output and in show (tests/ux/outputs)
cd "$tmp" && mkdir outputs && cd outputs && cp "$top/tests/ux/outputs/main.tf" .
terraform apply -auto-approve -no-color 2>&1 | as_litehcl >"$out/outputs-apply.txt"
terraform output -no-color >"$out/outputs-output.txt"
terraform show -no-color >"$out/outputs-show.txt"
# show -json of a plan and the -json stream of an apply (tests/ux/json/tf.tf; litehcl
# runs the same shape with litellm_user in lh.tf)
cd "$tmp" && mkdir json && cd json && cp "$top/tests/ux/json/tf.tf" main.tf
terraform init >/dev/null 2>&1
terraform apply -auto-approve >/dev/null 2>&1
cp terraform.tfstate "$out/json-state.json"
terraform show -json | jq -S . >"$out/json-state-show.json"
terraform plan -var n=2 -out=p.plan >/dev/null 2>&1
terraform plan -var n=2 -no-color 2>&1 | sed -n '/^Changes to Outputs:/,/^$/p' >"$out/json-plan-outputs.txt"
terraform show -json p.plan | jq -S . >"$out/json-plan.json"
terraform apply -auto-approve -json -var n=2 >"$out/json-apply.jsonl" 2>&1
# relevant_attributes through local values (tests/ux/json/rel-tf.tf; litehcl: rel.tf)
cd "$tmp" && mkdir rel && cd rel && cp "$top/tests/ux/json/rel-tf.tf" main.tf
terraform init >/dev/null 2>&1
terraform apply -auto-approve >/dev/null 2>&1
terraform plan -var v=2 -out=p >/dev/null 2>&1
terraform show -json p | jq -S .relevant_attributes >"$out/json-relevant.json"
# outputs partly unknown at creation (tests/ux/json/unknown-tf.tf; litehcl: unknown.tf)
cd "$tmp" && mkdir unknown && cd unknown && cp "$top/tests/ux/json/unknown-tf.tf" main.tf
terraform init >/dev/null 2>&1
terraform plan -no-color -out=p 2>/dev/null | sed -n '/^Changes to Outputs:/,/^$/p' >"$out/json-unknown-outputs.txt"
terraform show -json p | jq -S '{output_changes, outputs: .planned_values.outputs}' >"$out/json-unknown.json"
