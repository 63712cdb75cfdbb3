#!/bin/sh
# backend_local.sh - init and workspaces with the local backend (no server needed):
# init's output and exit status, `backend "local"` with path / workspace_dir and
# -backend-config (KEY=VALUE and a file), Terraform's "Backend initialization required"
# and "Backend configuration changed" errors, invalid backend blocks, workspaces stored
# as terraform.tfstate.d/NAME/terraform.tfstate with terraform.workspace and
# TF_WORKSPACE, and - when terraform is installed - Terraform accepting the directory
# litehcl initialised (same .terraform/terraform.tfstate hash) and the same workspaces.
. "$TOP/tests/lib.sh"
lh() { "$LITEHCL" "$@"; }
has() { tr '\n' ' ' <"$1" | tr -s ' ' | grep -qF -- "$2"; }

D="$WORK/d"
mkdir -p "$D"
cd "$D" || exit 1
printf 'output "ws" {\n  value = terraform.workspace\n}\n' >main.tf

lh init -no-color >o 2>&1
rc=$?
if [ $rc -eq 0 ] && [ "$(head -1 o)" = "Initializing the backend..." ] && has o "litehcl has been successfully initialized!" &&
	[ ! -e .terraform/terraform.tfstate ]; then ok "init without a backend block: success text, exit 0, nothing recorded"
else fail "init without a backend block" "rc=$rc" "$(cat o)"; fi
printf 'variable "x" {\n  type = strin\n}\n' >bad.tf
lh init -no-color >o 2>&1
rc=$?
rm -f bad.tf
if [ $rc -eq 1 ] && grep -q "Error" o; then ok "init reports configuration errors, exit 1"; else fail "init reports configuration errors" "rc=$rc" "$(cat o)"; fi

# ---------------------------------------------------------------- workspaces
lh apply -auto-approve -no-color >o 2>&1 && lh workspace show >o2 2>&1
if [ "$(cat o2)" = default ] && [ -f terraform.tfstate ]; then ok "workspace show: default"; else fail "workspace show" "$(cat o o2)"; fi
lh workspace new dev -no-color >o 2>&1
rc=$?
if [ $rc -eq 0 ] && [ -d terraform.tfstate.d/dev ] && [ "$(cat .terraform/environment)" = dev ]; then ok "workspace new: terraform.tfstate.d/dev, selected"
else fail "workspace new" "rc=$rc" "$(cat o)"; fi
lh apply -auto-approve -no-color >o 2>&1
ws=$(python3 -c 'import json; print(json.load(open("terraform.tfstate.d/dev/terraform.tfstate"))["outputs"]["ws"]["value"])' 2>&1)
if [ "$ws" = dev ]; then ok "apply in dev writes terraform.tfstate.d/dev/terraform.tfstate with terraform.workspace = dev"
else fail "apply in workspace dev" "$ws" "$(tail -3 o)"; fi
lh workspace new dev >o 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'Workspace "dev" already exists' o; then ok "workspace new: an existing name is refused"; else fail "workspace new existing" "rc=$rc" "$(cat o)"; fi
lh workspace new 'a/b' >o 2>&1
rc=$?
if [ $rc -eq 1 ] && has o 'The workspace name "a/b" is not allowed'; then ok "workspace new: a name with a path separator is refused"; else fail "invalid workspace name" "rc=$rc" "$(cat o)"; fi
lh workspace select nope >o 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "Workspace \"nope\" doesn't exist." o; then ok "workspace select of a missing workspace: Terraform's message"; else fail "select missing" "rc=$rc" "$(cat o)"; fi
lh workspace select -or-create qa -no-color >o 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q 'Switched to workspace "qa".' o && [ -d terraform.tfstate.d/qa ]; then ok "workspace select -or-create"; else fail "select -or-create" "rc=$rc" "$(cat o)"; fi
lh workspace list >o 2>&1
if [ "$(cat o)" = "$(printf '  default\n  dev\n* qa\n')" ]; then ok "workspace list"; else fail "workspace list" "$(cat o)"; fi
TF_WORKSPACE=dev lh output -raw ws >o 2>&1
if [ "$(cat o)" = dev ]; then ok "TF_WORKSPACE overrides the selection"; else fail "TF_WORKSPACE" "$(cat o)"; fi
TF_WORKSPACE=dev lh workspace select default >o 2>&1
rc=$?
if [ $rc -eq 1 ] && has o "The selected workspace is currently overridden using the TF_WORKSPACE"; then ok "workspace select refused while TF_WORKSPACE is set"
else fail "select with TF_WORKSPACE" "rc=$rc" "$(cat o)"; fi
lh workspace delete qa >o 2>&1
rc=$?
if [ $rc -eq 1 ] && has o 'Workspace "qa" is your active workspace.'; then ok "workspace delete refuses the active workspace"; else fail "delete active" "rc=$rc" "$(cat o)"; fi
lh workspace select default -no-color >/dev/null && lh workspace delete qa -no-color >o 2>&1
rc=$?
if [ $rc -eq 0 ] && [ ! -e terraform.tfstate.d/qa ] && grep -q 'Deleted workspace "qa"!' o; then ok "workspace delete removes terraform.tfstate.d/qa"
else fail "workspace delete" "rc=$rc" "$(cat o)"; fi
lh workspace delete default >o 2>&1
if [ $? -eq 1 ]; then ok "the default workspace cannot be deleted"; else fail "delete default" "$(cat o)"; fi

# ---------------------------------------------------------------- backend "local" with settings
E="$WORK/e"
mkdir -p "$E"
cd "$E" || exit 1
printf 'terraform {\n  backend "local" {\n    path = "custom.tfstate"\n  }\n}\noutput "ws" {\n  value = terraform.workspace\n}\n' >main.tf
lh plan -no-color >o 2>&1
rc=$?
if [ $rc -eq 1 ] && has o 'Backend initialization required, please run "litehcl init"' && has o 'Reason: Initial configuration of the requested backend "local"'; then
	ok "a backend block before init: Backend initialization required"
else fail "backend block before init" "rc=$rc" "$(cat o)"; fi
lh init -no-color >o 2>&1 && lh apply -auto-approve -no-color >o2 2>&1
rc=$?
if [ $rc -eq 0 ] && [ -f custom.tfstate ] && [ ! -e terraform.tfstate ] && grep -q 'Successfully configured the backend "local"!' o; then
	ok "backend \"local\" { path }: the state goes to custom.tfstate"
else fail "local path" "rc=$rc" "$(cat o o2)"; fi
hash=$(python3 -c 'import json; b=json.load(open(".terraform/terraform.tfstate"))["backend"]; print(b["hash"], b["config"])')
# 589137297: Terraform 1.11's hash of that block (terraform init, recorded)
if [ "${hash%% *}" = 589137297 ]; then ok "recorded hash equals Terraform's"; else fail "recorded hash equals Terraform's" "$hash"; fi
sed -i 's/custom.tfstate/other.tfstate/' main.tf
lh plan -no-color >o 2>&1
rc=$?
lh init -no-color >o2 2>&1
rc2=$?
if [ $rc -eq 1 ] && has o "Backend configuration block has changed" && [ $rc2 -eq 1 ] && has o2 "Backend configuration changed" &&
	has o2 "litehcl init -migrate-state"; then ok "changed backend block: plan and init stop with Terraform's messages"
else fail "changed backend block" "rc=$rc rc2=$rc2" "$(cat o o2)"; fi
lh init -no-color -migrate-state >o 2>&1
rc=$?
if [ $rc -eq 0 ] && [ -f other.tfstate ] && [ "$(python3 -c 'import json; print(json.load(open("other.tfstate"))["outputs"]["ws"]["value"])')" = default ]; then
	ok "init -migrate-state between two local paths"
else fail "migrate between local paths" "rc=$rc" "$(cat o)"; fi
# -backend-config: KEY=VALUE and a file
printf 'terraform {\n  backend "local" {}\n}\noutput "ws" {\n  value = terraform.workspace\n}\n' >main.tf
printf 'path = "from-file.tfstate"\n' >be.hcl
lh init -no-color -reconfigure -backend-config=be.hcl >o 2>&1 && lh apply -auto-approve -no-color >o2 2>&1
if [ $? -eq 0 ] && [ -f from-file.tfstate ]; then ok "-backend-config=FILE"; else fail "-backend-config=FILE" "$(cat o o2)"; fi
lh init -no-color -reconfigure -backend-config=path=kv.tfstate >o 2>&1 && lh apply -auto-approve -no-color >o2 2>&1
if [ $? -eq 0 ] && [ -f kv.tfstate ]; then ok "-backend-config=KEY=VALUE"; else fail "-backend-config=KEY=VALUE" "$(cat o o2)"; fi
lh init -no-color -reconfigure -backend-config=nosuch=1 >o 2>&1
if [ $? -eq 1 ] && has o 'The backend configuration argument "nosuch" given on the command line is not expected'; then ok "unknown -backend-config key refused"
else fail "unknown -backend-config key" "$(cat o)"; fi
printf 'variable "p" {\n  default = "x"\n}\nterraform {\n  backend "local" {\n    path = var.p\n  }\n}\n' >main.tf
lh init -no-color >o 2>&1
if [ $? -eq 1 ] && grep -q "Variables not allowed" o; then ok "variables in a backend block: Variables not allowed"; else fail "variables in backend block" "$(cat o)"; fi
printf 'terraform {\n  backend "s3" {}\n}\n' >main.tf
lh init -no-color >o 2>&1
if [ $? -eq 1 ] && grep -q "Invalid backend type" o; then ok "an unsupported backend type is refused"; else fail "unsupported backend type" "$(cat o)"; fi

# ---------------------------------------------------------------- Terraform on the same directory
if ! command -v terraform >/dev/null 2>&1; then ok "skipped: Terraform interop (terraform not installed)"; exit 0; fi
export TF_CLI_CONFIG_FILE=/dev/null
F="$WORK/f"
mkdir -p "$F"
cd "$F" || exit 1
printf 'terraform {\n  backend "local" {\n    path = "custom.tfstate"\n  }\n}\noutput "ws" {\n  value = terraform.workspace\n}\n' >main.tf
lh init -no-color >/dev/null 2>&1 && lh workspace new blue -no-color >/dev/null 2>&1 && lh apply -auto-approve -no-color >/dev/null 2>&1
terraform plan -no-color -input=false >o 2>&1
rc=$?
terraform workspace list >o2 2>&1
if [ $rc -eq 0 ] && ! grep -q "initialization required" o && grep -q "^\* blue" o2; then ok "terraform accepts the directory litehcl initialised and sees its workspaces"
else fail "terraform on litehcl's directory" "rc=$rc" "$(head -12 o)" "$(cat o2)"; fi
terraform output -raw ws >o 2>&1
if [ "$(cat o)" = blue ]; then ok "terraform reads litehcl's workspace state"; else fail "terraform reads litehcl's workspace state" "$(cat o)"; fi
