#!/bin/sh
# data.sh - data "litellm_user" and data "litellm_team" against the emulator over real
# HTTP: lookups by id, email (case-insensitively) and alias; references into managed
# resources; reads deferred to apply (Terraform's "<= read") when an argument is not
# known yet or what the block depends on has changes pending; count and for_each; the
# state (mode "data"), state list/show, show -json and saved plans; not found and
# ambiguous lookups with the line they come from; data sources never write anything.
# Configuration errors of data blocks are tests/config/data_errors (validate.sh).
. "$TOP/tests/lib.sh"

emu_session --premium

run() { "$LITEHCL" "$@" -no-color >out.txt 2>&1; }
writes() {	# writes: how many write requests the emulator has logged so far
	grep -c '"method":"POST"' "$EMU_LOG"
}
dattr() {	# dattr ADDR ATTR: an attribute of a data source in the state
	jq -r --arg a "$1" --arg k "$2" '.resources[] | select(.mode == "data" and
		("data." + .type + "." + .name) == $a) | .instances[0].attributes[$k]' terraform.tfstate
}

# objects that exist before litehcl looks at them
api POST /user/new '{"user_id":"u-carol","user_email":"Carol@Example.com","user_alias":"carol","max_budget":25,"auto_create_key":false}' >/dev/null
api POST /user/new '{"user_id":"u-dan","user_email":"dan@example.com","auto_create_key":false}' >/dev/null
api POST /team/new '{"team_id":"t-ops","team_alias":"ops","max_budget":100}' >/dev/null
api POST /team/new '{"team_id":"t-dup1","team_alias":"shared"}' >/dev/null
api POST /team/new '{"team_id":"t-dup2","team_alias":"shared"}' >/dev/null

# ---- 1. lookups by id, email and alias; references from managed resources ----
new_dir lookups
cat > main.tf <<'EOF'
data "litellm_user" "by_id" {
  user_id = "u-carol"
}

data "litellm_user" "by_email" {
  user_email = "CAROL@example.COM"
}

data "litellm_team" "by_id" {
  team_id = "t-ops"
}

data "litellm_team" "by_alias" {
  team_alias = "ops"
}

resource "litellm_team_member" "carol_ops" {
  team_id = data.litellm_team.by_alias.team_id
  user_id = data.litellm_user.by_email.user_id
  role    = "user"
}

output "same_user" { value = data.litellm_user.by_id.id == data.litellm_user.by_email.id }
output "budget"    { value = data.litellm_user.by_id.max_budget }
output "team"      { value = data.litellm_team.by_id.team_alias }
EOF
W0=$(writes)
run plan
check "plan reads data sources first" "grep -q 'data.litellm_user.by_email: Reading...' out.txt && grep -q 'data.litellm_user.by_email: Read complete after 0s \[id=u-carol\]' out.txt"
check "independent data sources are read together" "[ \$(grep -n 'Read complete' out.txt | head -1 | cut -d: -f1) -gt \$(grep -n 'Reading\.\.\.' out.txt | sed -n 4p | cut -d: -f1) ]"
check "plan: only the membership changes (data read at plan time, not shown)" "grep -q 'Plan: 1 to add, 0 to change, 0 to destroy' out.txt && ! grep -q '<= ' out.txt"
check "references to data values are known at plan time" "grep -q 'team_id *= \"t-ops\"' out.txt && grep -q 'user_id *= \"u-carol\"' out.txt"
check "plan writes nothing" test "$(writes)" -eq "$W0"
run apply -auto-approve
check "apply adds the membership" grep -q 'Resources: 1 added, 0 changed, 0 destroyed' out.txt
check "outputs from data sources" "grep -q 'same_user = true' out.txt && grep -q 'budget = 25' out.txt && grep -q 'team = \"ops\"' out.txt"
check "the only write is the membership" "[ \$(grep '\"method\":\"POST\"' '$EMU_LOG' | tail -n +\$((W0 + 1)) | grep -vc 'member_add') -eq 0 ]"
check "state: data sources have mode data" "[ \$(jq '[.resources[] | select(.mode == \"data\")] | length' terraform.tfstate) -eq 4 ]"
check "state: data instance holds the server's attributes" test "$(dattr data.litellm_user.by_email user_alias)" = carol
check "state: data instance has no dependencies key" "jq -e '[.resources[] | select(.mode == \"data\") | .instances[0] | has(\"dependencies\")] | any | not' terraform.tfstate"
state_valid "state with data sources is a valid v4 state" terraform.tfstate
run state list
check "state list shows data addresses first" "[ \"\$(head -1 out.txt)\" = data.litellm_team.by_alias ] && grep -qx 'data.litellm_user.by_id' out.txt && grep -qx 'litellm_team_member.carol_ops' out.txt"
run state show data.litellm_user.by_id
check "state show of a data source" "grep -q '^data \"litellm_user\" \"by_id\" {' out.txt && grep -q 'user_email *= \"Carol@Example.com\"' out.txt"
run show -json
check "show -json: data resources with mode data" "jq -e '[.values.root_module.resources[] | select(.mode == \"data\") | .address] == [\"data.litellm_team.by_alias\",\"data.litellm_team.by_id\",\"data.litellm_user.by_email\",\"data.litellm_user.by_id\"]' out.txt"
"$LITEHCL" plan -json >ui.json 2>out.txt
check "plan -json: a read at plan time is Terraform's refresh hook pair" "jq -e -s '[.[] | select(.hook.resource.addr == \"data.litellm_user.by_id\") | [.type, .hook.action, .\"@message\"]] == [[\"apply_start\",\"read\",\"data.litellm_user.by_id: Refreshing...\"],[\"apply_complete\",\"read\",\"data.litellm_user.by_id: Refresh complete after 0s [id=u-carol]\"]]' ui.json"
run plan -detailed-exitcode
check "second plan: No changes" "[ \$? -eq 0 ] || grep -q 'No changes.' out.txt"
run plan -detailed-exitcode
check "second plan exits 0" test $? -eq 0

# changed outside: a data source follows the server, even with -refresh=false (Terraform
# reads data sources in every plan)
api POST /user/update '{"user_id":"u-carol","max_budget":40}' >/dev/null
run plan -refresh=false
check "-refresh=false still reads data sources" "grep -q 'data.litellm_user.by_id: Reading...' out.txt && grep -q 'budget *= 25 -> 40' out.txt"
run apply -auto-approve
check "apply records the new value" test "$(dattr data.litellm_user.by_id max_budget)" = 40

# a data source whose lookup comes from another: read after it
new_dir chain
cat > main.tf <<'EOF'
data "litellm_user" "first" {
  user_email = "carol@example.com"
}

data "litellm_user" "second" {
  user_id = data.litellm_user.first.user_id
}

output "alias" { value = data.litellm_user.second.user_alias }
EOF
run plan
check "a data source reading another's value waits for it" "[ \$(grep -n 'data.litellm_user.first: Read complete' out.txt | cut -d: -f1) -lt \$(grep -n 'data.litellm_user.second: Reading' out.txt | cut -d: -f1) ] && grep -q 'alias = \"carol\"' out.txt"

# ---- 2. not found and ambiguous: the block, the line and the value ----
new_dir missing
cat > main.tf <<'EOF'
data "litellm_user" "ghost" {
  user_email = "ghost@example.com"
}

data "litellm_team" "gone" {
  team_id = "t-none"
}

data "litellm_team" "shared" {
  team_alias = "shared"
}
EOF
run plan
RC=$?
check "not found: exit 1" test $RC -eq 1
check "not found by email: names the block, line and value" "grep -q 'Error: Data source object not found' out.txt && grep -q 'on main.tf line 2, in data \"litellm_user\" \"ghost\"' out.txt && grep -q 'user_email' out.txt && grep -q '\"ghost@example.com\"' out.txt"
check "not found by id: team" "grep -q 'on main.tf line 6, in data \"litellm_team\" \"gone\"' out.txt && grep -q '\"t-none\"' out.txt"
check "ambiguous alias: lists both team ids" "grep -q 'several teams have the alias \"shared\"' out.txt && grep -q 't-dup1, t-dup2' out.txt && grep -q 'by team_id' out.txt"
check "failed plan wrote no state" test ! -f terraform.tfstate

# ---- 3. read during apply: arguments not known yet, and pending dependencies ----
new_dir deferred
cat > main.tf <<'EOF'
resource "litellm_user" "erin" {
  user_email = "erin@example.com"
}

resource "litellm_team" "dev" {
  team_alias = "dev"
}

data "litellm_user" "erin" {
  user_id = litellm_user.erin.user_id
}

data "litellm_team" "dev" {
  team_alias = "dev" # by alias
  depends_on = [litellm_team.dev]
}

resource "litellm_team_member" "erin_dev" {
  team_id = litellm_team.dev.team_id
  user_id = data.litellm_user.erin.user_id
  role    = "admin"
}

output "erin_role" { value = data.litellm_user.erin.user_role }
output "dev_budget" { value = data.litellm_team.dev.max_budget }
EOF
run plan
check "plan: read during apply, config not known" "grep -q '# data.litellm_user.erin will be read during apply' out.txt && grep -q '# (config refers to values not yet known)' out.txt"
check "plan: read during apply, depends_on pending" "grep -q '# data.litellm_team.dev will be read during apply' out.txt && grep -q '# (depends on a resource or a module with changes pending)' out.txt"
check "plan: <= read block and legend" "grep -q '^ <= data \"litellm_team\" \"dev\" {' out.txt && grep -q '^ <= read (data resources)' out.txt"
check "plan: known argument shown, the rest known after apply" "grep -q 'team_alias *= \"dev\"' out.txt && grep -q 'budget_reset_at *= (known after apply)' out.txt"
check "plan: reads are not counted" grep -q 'Plan: 3 to add, 0 to change, 0 to destroy' out.txt
check "plan: no read was sent for them" "! grep -q 'data.litellm_team.dev: Reading' out.txt"
"$LITEHCL" plan -json >ui.json 2>out.txt
check "plan -json: read changes with Terraform's reasons" "jq -e -s '[.[] | select(.type == \"planned_change\" and .change.action == \"read\") | [.change.resource.addr, .change.reason, .\"@message\"]] == [[\"data.litellm_team.dev\",\"read_because_dependency_pending\",\"data.litellm_team.dev: Plan to read\"],[\"data.litellm_user.erin\",\"read_because_config_unknown\",\"data.litellm_user.erin: Plan to read\"]]' ui.json"
run plan -out=dev.plan
"$LITEHCL" show -json dev.plan >plan.json 2>out.txt
check "show -json PLANFILE: read changes with Terraform's reasons" "jq -e '[.resource_changes[] | select(.mode == \"data\") | [.address, .change.actions[0], .action_reason]] == [[\"data.litellm_team.dev\",\"read\",\"read_because_dependency_pending\"],[\"data.litellm_user.erin\",\"read\",\"read_because_config_unknown\"]]' plan.json"
check "show -json PLANFILE: after_unknown of a read" "jq -e '.resource_changes[] | select(.address == \"data.litellm_user.erin\") | .change.after_unknown.user_id == true and .change.after_unknown.user_email == true' plan.json"
run apply dev.plan
check "apply PLANFILE: created, then read, then the membership" "grep -n '' out.txt | grep -E 'litellm_user.erin: Creation complete|data.litellm_user.erin: Read complete|litellm_team_member.erin_dev: Creation complete' | cut -d: -f1 | sort -n -c && [ \$(grep -cE 'litellm_user.erin: Creation complete|data.litellm_user.erin: Read complete|litellm_team_member.erin_dev: Creation complete' out.txt) -eq 3 ]"
check "apply PLANFILE: read during apply lands in the state" "[ \"\$(dattr data.litellm_user.erin user_email)\" = erin@example.com ] && [ -n \"\$(dattr data.litellm_team.dev team_id)\" ]"
check "apply: output from a data source read during apply" grep -q 'erin_role = "internal_user"' out.txt
run plan -detailed-exitcode
check "after apply: data read at plan time, No changes" "grep -q 'No changes.' out.txt && grep -q 'data.litellm_team.dev: Read complete' out.txt"
# a pending update of what depends_on names defers the read again (Terraform)
sed -i 's/^  team_alias = "dev"$/  team_alias = "dev"\n  max_budget = 5/' main.tf
run plan
check "pending update behind depends_on: read during apply" "grep -q '# data.litellm_team.dev will be read during apply' out.txt && grep -q 'Plan: 0 to add, 1 to change, 0 to destroy' out.txt && grep -q 'dev_budget = (known after apply)' out.txt"
check "a reference to an unchanged resource is read now" "! grep -q 'data.litellm_user.erin will be read' out.txt"
run apply -auto-approve
check "apply: the read sees the update" test "$(dattr data.litellm_team.dev max_budget)" = 5

# ---- 4. count and for_each ----
new_dir repeat
cat > main.tf <<'EOF'
variable "emails" {
  default = ["dan@example.com", "carol@example.com"]
}

data "litellm_user" "each" {
  for_each   = toset(var.emails)
  user_email = each.key
}

data "litellm_team" "n" {
  count   = 2
  team_id = ["t-ops", "t-dup1"][count.index]
}

output "ids" { value = sort([for u in data.litellm_user.each : u.user_id]) }
output "aliases" { value = data.litellm_team.n[*].team_alias }
EOF
run apply -auto-approve
check "for_each data: one read per key" "grep -q 'ids = tolist(\\[' out.txt && grep -q '\"u-carol\",' out.txt && grep -q '\"u-dan\",' out.txt"
check "count data: splat over instances" "grep -q '\"ops\",' out.txt && grep -q '\"shared\",' out.txt"
run state list
check "state list: keyed data instances" "grep -qx 'data.litellm_user.each\[\"carol@example.com\"\]' out.txt && grep -qx 'data.litellm_team.n\[1\]' out.txt"
# a key dropped from for_each, and a block removed: gone from the state, nothing deleted
W0=$(writes)
cat > main.tf <<'EOF'
data "litellm_user" "each" {
  for_each   = toset(["dan@example.com"])
  user_email = each.key
}
EOF
run apply -auto-approve
run state list
check "removed data instances leave the state" "[ \"\$(cat out.txt)\" = 'data.litellm_user.each[\"dan@example.com\"]' ]"
check "removing data sources sends nothing" test "$(writes)" -eq "$W0"
run destroy -auto-approve
check "destroy: no data source left in the state" "[ \$(jq '.resources | length' terraform.tfstate) -eq 0 ]"
check "destroy deletes nothing a data source read" "api GET '/user/info?user_id=u-dan' | jq -e '.user_info.user_id == \"u-dan\"'"

# ---- 5. -target and -refresh-only ----
new_dir target
cat > main.tf <<'EOF'
data "litellm_team" "ops" {
  team_id = "t-ops"
}

data "litellm_user" "dan" {
  user_id = "u-dan"
}

resource "litellm_team_member" "dan_ops" {
  team_id = data.litellm_team.ops.team_id
  user_id = "u-dan"
  role    = "user"
}
EOF
run apply -auto-approve -target=litellm_team_member.dan_ops
check "-target reads the data sources the target depends on" "grep -q 'data.litellm_team.ops: Read complete' out.txt && ! grep -q 'data.litellm_user.dan: Reading' out.txt"
run plan -target=data.litellm_user.dan
check "-target accepts a data source address" "grep -q 'data.litellm_user.dan: Read complete' out.txt"
run apply -refresh-only -auto-approve
check "-refresh-only records every data source" "[ \"\$(dattr data.litellm_user.dan user_email)\" = dan@example.com ]"

# ---- 6. state commands, console and import around data sources ----
new_dir cmds
cat > main.tf <<'EOF'
data "litellm_user" "dan" {
  user_email = "dan@example.com"
}

resource "litellm_user" "dan" {
  user_email = "dan@example.com"
}
EOF
run import u-dan
check "import ID: the resource block, never the data block with the same email" "grep -q 'Import successful' out.txt && [ \"\$(jq -r '.resources[] | select(.mode == \"managed\") | .name' terraform.tfstate)\" = dan ]"
run apply -auto-approve
check "a data source may read an object the state manages" "[ \"\$(dattr data.litellm_user.dan user_id)\" = u-dan ] && grep -q 'Resources: 0 added' out.txt"
echo 'data.litellm_user.dan.user_id == litellm_user.dan.user_id' | "$LITEHCL" console >out.txt 2>&1
check "console: data sources from the state" grep -qx 'true' out.txt
run import data.litellm_user.dan u-dan
check "import into a data address is refused" "grep -q 'A data resource cannot be used here' out.txt"
run taint data.litellm_user.dan
check "taint of a data source is refused" "grep -q 'A data resource cannot be used here' out.txt"
run state mv data.litellm_user.dan litellm_user.other
check "state mv between a data and a managed address is refused" "grep -q 'Invalid state move request' out.txt"
run state rm data.litellm_user.dan
check "state rm of a data source" "grep -q 'Removed data.litellm_user.dan' out.txt && [ \$(jq '[.resources[] | select(.mode == \"data\")] | length' terraform.tfstate) -eq 0 ]"
run plan -detailed-exitcode
check "after state rm: read again, No changes" "grep -q 'No changes.' out.txt && grep -q 'data.litellm_user.dan: Read complete' out.txt"

# ---- 7. a lookup value from a sensitive variable: never printed, never in a plan file
new_dir sensitive
cat > main.tf <<'EOF'
variable "who" {
  type      = string
  sensitive = true
}

data "litellm_user" "secret" {
  user_email = var.who
}

output "uid" { value = data.litellm_user.secret.user_id }
EOF
TF_VAR_who=hidden-nobody@example.com "$LITEHCL" plan -no-color >out.txt 2>&1
check "not found by a sensitive value: the value is not shown" "grep -q 'Data source object not found' out.txt && grep -q '(sensitive value)' out.txt && ! grep -q 'hidden-nobody' out.txt"
TF_VAR_who=dan@example.com "$LITEHCL" plan -out=s.plan -no-color >out.txt 2>&1
check "found by a sensitive value: only that argument stays sensitive" "grep -q 'uid = \"u-dan\"' out.txt && ! grep -q 'dan@example.com' out.txt"
check "the saved plan holds no sensitive lookup value" "! grep -q 'dan@example.com' s.plan"
TF_VAR_who=dan@example.com "$LITEHCL" apply -no-color s.plan >out.txt 2>&1
check "apply PLANFILE reads it again" "grep -q 'data.litellm_user.secret: Read complete' out.txt && [ \"\$(dattr data.litellm_user.secret user_id)\" = u-dan ]"
check "the state marks the lookup argument sensitive" "jq -e '.resources[] | select(.mode == \"data\") | .instances[0].sensitive_attributes == [[{\"type\":\"get_attr\",\"value\":\"user_email\"}]]' terraform.tfstate"

# ---- 8. a state written by Terraform with a data source of another provider: loaded,
# and dropped by the next apply as Terraform drops data sources no longer configured
new_dir foreign
cat > terraform.tfstate <<'EOF'
{"version":4,"terraform_version":"1.11.4","serial":3,"lineage":"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee","outputs":{},"resources":[{"mode":"data","type":"terraform_remote_state","name":"known","provider":"provider[\"terraform.io/builtin/terraform\"]","instances":[{"schema_version":0,"attributes":{"backend":"local","outputs":{"value":{},"type":["object",{}]},"workspace":null},"sensitive_attributes":[]}]}],"check_results":null}
EOF
printf 'data "litellm_user" "dan" {\n  user_id = "u-dan"\n}\n' > main.tf
run plan
check "a foreign data source in the state is no error" "grep -q 'No changes.' out.txt"
run apply -auto-approve
run state list
check "apply drops the foreign data source, keeps ours" "[ \"\$(cat out.txt)\" = data.litellm_user.dan ]"

# ---- 9. destroy reads data sources first (Terraform refreshes them): what is destroyed
# may be keyed by their values
new_dir destroy_keys
cat > main.tf <<'EOF'
data "litellm_team" "ops" {
  team_id = "t-ops"
}

resource "litellm_team_member" "m" {
  for_each = toset([data.litellm_team.ops.team_id])
  team_id  = each.key
  user_id  = "u-carol"
  role     = "user"
}
EOF
run apply -auto-approve
check "for_each keyed by a data source: applied" grep -q 'Resources: 1 added' out.txt
run destroy -auto-approve
check "destroy keyed by a data source reads it and destroys" "grep -q 'data.litellm_team.ops: Read complete' out.txt && grep -q 'Destroy complete! Resources: 1 destroyed.' out.txt && [ \$(jq '.resources | length' terraform.tfstate) -eq 0 ]"

# ---- 10. a data source scoped to a check block (Terraform 1.5): read like any other,
# its problems are warnings of the check, never errors of the run
new_dir scoped
cat > main.tf <<'EOF'
check "dan_exists" {
  data "litellm_user" "probe" {
    user_id = "u-dan"
  }

  assert {
    condition     = data.litellm_user.probe.user_email == "dan@example.com"
    error_message = "dan's email changed"
  }
}

check "ghost_exists" {
  data "litellm_user" "ghost" {
    user_email = "scoped-ghost@example.com"
  }

  assert {
    condition     = data.litellm_user.ghost.user_id != ""
    error_message = "no ghost"
  }
}
EOF
run plan
RC=$?
check "scoped data source: read during plan, its assertion passes" "grep -q 'data.litellm_user.probe: Read complete' out.txt && ! grep -q 'dan.s email changed' out.txt"
check "scoped data source not found: a warning, exit 0" "[ $RC -eq 0 ] && grep -q '^Warning: Data source object not found' out.txt && ! grep -q '^Error' out.txt"
run apply -auto-approve
check "scoped data sources are recorded in the state" "[ \"\$(dattr data.litellm_user.probe user_id)\" = u-dan ]"

# ---- a data source gives the server's values in LiteLLM's spelling (as a provider's
# data source reads them), where a managed resource's state keeps the configuration's ----
new_dir spelling
cat > main.tf <<'EOF'
resource "litellm_user" "m" {
  user_email      = "spell@example.com"
  user_role       = "user"
  budget_duration = "monthly"
  max_budget      = 10
}
resource "litellm_team" "t" {
  team_alias      = "spell-team"
  budget_duration = "daily"
}
data "litellm_user" "d" {
  user_id = litellm_user.m.user_id
}
data "litellm_team" "d" {
  team_id = litellm_team.t.team_id
}
output "roles" { value = [litellm_user.m.user_role, data.litellm_user.d.user_role] }
EOF
run apply -auto-approve
SUID=$(jq -r '.resources[] | select(.type == "litellm_user" and .mode == "managed") | .instances[0].attributes.user_id' terraform.tfstate)
SDUR=$(api GET "/user/info?user_id=$SUID" | jq -r .user_info.budget_duration)
STDUR=$(api GET "/team/info?team_id=$(dattr data.litellm_team.d team_id)" | jq -r .team_info.budget_duration)
check "managed user keeps the configuration's spelling, the data source the server's" \
	"[ \"\$(\"$LITEHCL\" output -json roles)\" = '[\"user\",\"internal_user\"]' ] && [ \"\$(dattr data.litellm_user.d budget_duration)\" = '$SDUR' ] && [ -n '$SDUR' ]"
check "data source of a team: the server's budget_duration" "[ \"\$(dattr data.litellm_team.d budget_duration)\" = '$STDUR' ] && [ -n '$STDUR' ]"
# the server's spelling changes to one of the same meaning: the data source follows it
api POST /__emu/user "{\"user_id\":\"$SUID\",\"budget_duration\":\"1mo\"}" >/dev/null
run apply -auto-approve
check "an equal-meaning spelling on the server: the data source reads it, the resource has no change" \
	"[ \"\$(dattr data.litellm_user.d budget_duration)\" = 1mo ] && grep -q '0 added, 0 changed, 0 destroyed' out.txt"
