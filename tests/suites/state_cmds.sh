#!/bin/sh
# state_cmds.sh - state surgery as Terraform does it, against the emulator: state mv
# (rename, into for_each, whole resources, every refusal), state pull / push (lineage
# and serial checks, -force, stdin), state replace-provider, taint / untaint, and
# refresh.  After each edit the state still validates and plan sees no change where
# Terraform would see none (a rename moves the object, it does not recreate it).
. "$TOP/tests/lib.sh"

emu_session

d="$WORK/mv"
mkdir -p "$d" && cd "$d" || exit 1
cat > main.tf <<'EOF'
resource "litellm_user" "a" {
  user_email = "mv-a@example.com"
}
resource "litellm_user" "m" {
  for_each   = toset(["p", "q"])
  user_email = "mv-${each.key}@example.com"
}
EOF
"$LITEHCL" apply -auto-approve >/dev/null 2>err.txt || fail "setup apply" "$(cat err.txt)"
id_a=$(jq -r '.resources[] | select(.name=="a") | .instances[0].attributes.id' terraform.tfstate)
serial0=$(jq .serial terraform.tfstate)

# ---- mv: rename into a for_each key; the configuration follows; plan is empty ----
out=$("$LITEHCL" state mv litellm_user.a 'litellm_user.team["a"]' 2>&1)
# (Terraform 1.11.4 prints the addresses with Go's %q: the key's quotes escaped)
exp='Move "litellm_user.a" to "litellm_user.team[\"a\"]"
Successfully moved 1 object(s).'
[ "$out" = "$exp" ] && ok "state mv prints Terraform's lines" || fail "state mv prints Terraform's lines" "$out"
moved=$(jq -r '.resources[] | select(.name=="team") | .instances[0] | "\(.index_key) \(.attributes.id)"' terraform.tfstate)
[ "$moved" = "a $id_a" ] && ok "state mv keeps the object under the new key" || fail "state mv keeps the object under the new key" "$moved"
[ -f terraform.tfstate.backup ] && ok "state mv leaves a backup" || fail "state mv leaves a backup"
[ "$(jq .serial terraform.tfstate)" -eq $((serial0 + 1)) ] && ok "state mv: serial + 1" || fail "state mv: serial + 1" "$(jq .serial terraform.tfstate)"
state_valid "state mv: the state validates" terraform.tfstate
cat > main.tf <<'EOF'
resource "litellm_user" "team" {
  for_each   = toset(["a"])
  user_email = "mv-${each.key}@example.com"
}
resource "litellm_user" "m" {
  for_each   = toset(["p", "q"])
  user_email = "mv-${each.key}@example.com"
}
EOF
"$LITEHCL" plan -detailed-exitcode >plan.txt 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q 'No changes.' plan.txt && ok "after state mv and the rename in config: No changes" ||
	fail "after state mv and the rename in config: No changes" "rc=$rc" "$(tail -20 plan.txt)"

# whole resource, with -dry-run first
out=$("$LITEHCL" state mv -dry-run litellm_user.m litellm_user.n 2>&1)
[ "$out" = 'Would move "litellm_user.m" to "litellm_user.n"' ] && ok "state mv -dry-run" || fail "state mv -dry-run" "$out"
cmp -s terraform.tfstate terraform.tfstate.backup 2>/dev/null && fail "state mv -dry-run writes nothing" || ok "state mv -dry-run writes nothing"
"$LITEHCL" state mv litellm_user.m litellm_user.n >/dev/null 2>&1
[ "$("$LITEHCL" state list | tr '\n' ' ')" = 'litellm_user.n["p"] litellm_user.n["q"] litellm_user.team["a"] ' ] &&
	ok "state mv of a whole resource moves every instance" || fail "state mv of a whole resource moves every instance" "$("$LITEHCL" state list)"

# refusals: exit 1, Terraform's summary, nothing written
before=$(cat terraform.tfstate)
chk() {	# NAME EXPECTED-TEXT ARGS...
	name=$1 want=$2
	shift 2
	"$LITEHCL" state mv "$@" >o.txt 2>e.txt
	rc=$?
	if [ $rc -eq 1 ] && flat e.txt | grep -qF "$want" && [ "$(cat terraform.tfstate)" = "$before" ]; then ok "$name"; else fail "$name" "rc=$rc" "$(cat o.txt e.txt)"; fi
}
chk "state mv: unknown source" "Cannot move litellm_user.zz: does not match anything in the current state." litellm_user.zz litellm_user.yy
chk "state mv: taken target" 'Cannot move to litellm_user.n["q"]: there is already a resource instance at that address in the current state.' 'litellm_user.n["p"]' 'litellm_user.n["q"]'
chk "state mv: whole resource to an instance" "the source is a whole resource (not a resource instance) so the target must also be a whole resource." litellm_user.n 'litellm_user.x[0]'
chk "state mv: types differ" "resource types don't match." 'litellm_user.n["p"]' litellm_team.x
chk "state mv: one argument" "Exactly two arguments expected." litellm_user.n

# a dependent's recorded dependency on the moved resource is forgotten, as Terraform
# does (the loaded trees are never edited in place: this crashed with SIGSEGV)
dm="$WORK/mvdeps"
mkdir -p "$dm"
cat > "$dm/terraform.tfstate" <<'EOF'
{"version": 4, "terraform_version": "1.11.0", "serial": 3, "lineage": "7a21d911-2e68-4cac-8b13-d71059c5b2aa",
 "outputs": {}, "resources": [
  {"mode": "managed", "type": "litellm_team", "name": "t",
   "provider": "provider[\"registry.terraform.io/ncecere/litellm\"]",
   "instances": [{"schema_version": 0, "attributes": {"id": "t1", "team_id": "t1"}, "sensitive_attributes": []}]},
  {"mode": "managed", "type": "litellm_user", "name": "u",
   "provider": "provider[\"registry.terraform.io/ncecere/litellm\"]",
   "instances": [{"index_key": 0, "schema_version": 0, "attributes": {"id": "u1", "user_id": "u1"},
     "sensitive_attributes": [], "dependencies": ["litellm_team.t"]},
    {"index_key": 1, "schema_version": 0, "attributes": {"id": "u2", "user_id": "u2"},
     "sensitive_attributes": [], "dependencies": ["litellm_user.other"]}]}]}
EOF
out=$(cd "$dm" && "$LITEHCL" state mv litellm_team.t litellm_team.t2 2>&1)
rc=$?
deps=$(jq -c '[.resources[] | select(.name=="u") | .instances[] | .dependencies]' "$dm/terraform.tfstate" 2>&1)
[ $rc -eq 0 ] && [ "$deps" = '[null,["litellm_user.other"]]' ] &&
	ok "state mv: dependents forget the moved resource" || fail "state mv: dependents forget the moved resource" "rc=$rc deps=$deps" "$out"
out=$(cd "$dm" && "$LITEHCL" state list 2>&1 | tr '\n' ' ')
[ "$out" = 'litellm_team.t2 litellm_user.u[0] litellm_user.u[1] ' ] &&
	ok "state mv: dependents forgotten, the state reads back" || fail "state mv: dependents forgotten, the state reads back" "$out"

# ---- taint / untaint; plan replaces a tainted instance ----
out=$("$LITEHCL" taint 'litellm_user.n["q"]' 2>&1)
[ "$out" = 'Resource instance litellm_user.n["q"] has been marked as tainted.' ] && ok "taint" || fail "taint" "$out"
[ "$(jq -r '.resources[] | select(.name=="n") | .instances[] | select(.index_key=="q") | .status' terraform.tfstate)" = tainted ] &&
	ok "taint writes status tainted" || fail "taint writes status tainted"
"$LITEHCL" state show 'litellm_user.n["q"]' | head -1 | grep -qF '# litellm_user.n["q"]: (tainted)' &&
	ok "state show marks a tainted instance" || fail "state show marks a tainted instance" "$("$LITEHCL" state show 'litellm_user.n["q"]' | head -2)"
"$LITEHCL" taint litellm_user.nope >o.txt 2>e.txt
[ $? -eq 1 ] && flat e.txt | grep -q 'There is no resource instance in the state with the address litellm_user.nope' &&
	ok "taint of a missing instance" || fail "taint of a missing instance" "$(cat e.txt)"
"$LITEHCL" taint -allow-missing litellm_user.nope >o.txt 2>e.txt && ok "taint -allow-missing" || fail "taint -allow-missing" "$(cat e.txt)"
# the next plan replaces a tainted instance, as Terraform does
cat > main.tf <<'EOF'
resource "litellm_user" "team" {
  for_each   = toset(["a"])
  user_email = "mv-${each.key}@example.com"
}
resource "litellm_user" "n" {
  for_each   = toset(["p", "q"])
  user_email = "mv-${each.key}@example.com"
}
EOF
"$LITEHCL" plan -no-color >tp.txt 2>&1
grep -q '# litellm_user.n\["q"\] is tainted, so must be replaced' tp.txt && grep -q 'Plan: 1 to add, 0 to change, 1 to destroy.' tp.txt &&
	ok "plan: a tainted instance is tainted, so must be replaced" || fail "plan: a tainted instance is tainted, so must be replaced" "$(cat tp.txt)"
"$LITEHCL" plan -no-color -out=t.plan >/dev/null 2>&1
"$LITEHCL" show -json t.plan | jq -e '[.resource_changes[] | select(.index=="q") | .action_reason] == ["replace_because_tainted"]' >/dev/null &&
	ok "show -json: action_reason replace_because_tainted" || fail "show -json: action_reason replace_because_tainted" "$("$LITEHCL" show -json t.plan | jq -c '[.resource_changes[] | {address, action_reason}]')"
rm -f t.plan
"$LITEHCL" taint 'litellm_user.n["p"]' >/dev/null 2>&1
out=$("$LITEHCL" untaint 'litellm_user.n["p"]' 2>&1)
[ "$out" = 'Resource instance litellm_user.n["p"] has been successfully untainted.' ] && ok "untaint" || fail "untaint" "$out"
"$LITEHCL" untaint 'litellm_user.n["p"]' >o.txt 2>e.txt
[ $? -eq 1 ] && flat e.txt | grep -q 'is not currently tainted, and so it cannot be untainted' && ok "untaint of an untainted instance" ||
	fail "untaint of an untainted instance" "$(cat e.txt)"
old_q=$(jq -r '.resources[] | select(.name=="n") | .instances[] | select(.index_key=="q") | .attributes.id' terraform.tfstate)
"$LITEHCL" apply -auto-approve -no-color >ta.txt 2>&1
rc=$?
new_q=$(jq -r '.resources[] | select(.name=="n") | .instances[] | select(.index_key=="q") | .attributes.id' terraform.tfstate)
[ $rc -eq 0 ] && [ -n "$new_q" ] && [ "$new_q" != "$old_q" ] && grep -q 'Apply complete! Resources: 1 added, 0 changed, 1 destroyed.' ta.txt &&
	ok "apply replaces the tainted instance" || fail "apply replaces the tainted instance" "old=$old_q new=$new_q" "$(tail -5 ta.txt)"
jq -e '[.resources[].instances[] | select(has("status"))] | length == 0' terraform.tfstate >/dev/null &&
	ok "untaint and replacement leave no status" || fail "untaint and replacement leave no status"
"$LITEHCL" plan -no-color -detailed-exitcode >/dev/null 2>&1 && ok "after the replacement: No changes" || fail "after the replacement: No changes"

# ---- pull / push ----
"$LITEHCL" state pull > pulled.json
cmp -s pulled.json terraform.tfstate && ok "state pull prints the state" || fail "state pull prints the state" "$(diff pulled.json terraform.tfstate | head)"
mkdir -p ../empty && (cd ../empty && "$LITEHCL" state pull >o.txt 2>&1 && [ ! -s o.txt ]) && ok "state pull without a state prints nothing" ||
	fail "state pull without a state prints nothing"
ser=$(jq .serial terraform.tfstate)
jq ".serial = $((ser - 1))" pulled.json > older.json
"$LITEHCL" state push older.json >o.txt 2>e.txt
[ $? -eq 1 ] && flat e.txt | grep -q "cannot import state with serial $((ser - 1)) over newer state with serial $ser" &&
	ok "state push refuses an older serial" || fail "state push refuses an older serial" "$(cat e.txt)"
jq '.lineage = "00000000-0000-4000-8000-000000000000" | .serial = 99' pulled.json > other.json
"$LITEHCL" state push other.json >o.txt 2>e.txt
[ $? -eq 1 ] && flat e.txt | grep -q 'cannot import state with lineage "00000000-0000-4000-8000-000000000000" over unrelated state with lineage' &&
	ok "state push refuses another lineage" || fail "state push refuses another lineage" "$(cat e.txt)"
jq ".serial = $ser | .resources |= map(select(.name != \"team\"))" pulled.json > same.json
"$LITEHCL" state push same.json >o.txt 2>e.txt
[ $? -eq 1 ] && flat e.txt | grep -q "cannot overwrite existing state with serial $ser with a different state that has the same serial" &&
	ok "state push refuses other content at the same serial" || fail "state push refuses other content at the same serial" "$(cat e.txt)"
jq ".serial = $((ser + 5)) | .resources |= map(select(.name != \"team\"))" pulled.json > newer.json
"$LITEHCL" state push - < newer.json >o.txt 2>e.txt && [ "$(jq .serial terraform.tfstate)" -eq $((ser + 5)) ] &&
	[ "$("$LITEHCL" state list | tr '\n' ' ')" = 'litellm_user.n["p"] litellm_user.n["q"] ' ] &&
	ok "state push - of a newer serial writes it as is" || fail "state push - of a newer serial writes it as is" "$(cat e.txt)" "$(jq .serial terraform.tfstate)"
"$LITEHCL" state push -force other.json >o.txt 2>e.txt && [ "$(jq -r .lineage terraform.tfstate)" = 00000000-0000-4000-8000-000000000000 ] &&
	ok "state push -force overrides the lineage check" || fail "state push -force overrides the lineage check" "$(cat e.txt)"
echo '{"version": 4, "serial": ' > broken.json
"$LITEHCL" state push -force broken.json >o.txt 2>e.txt
[ $? -eq 1 ] && [ "$(jq -r .lineage terraform.tfstate)" = 00000000-0000-4000-8000-000000000000 ] &&
	ok "state push of a broken file fails and keeps the state" || fail "state push of a broken file fails and keeps the state" "$(cat e.txt)"
state_valid "after push the state validates" terraform.tfstate

# ---- replace-provider ----
out=$("$LITEHCL" state replace-provider -auto-approve ncecere/litellm example.com/acme/litellm 2>&1)
echo "$out" | grep -q '^Successfully replaced provider for 2 resources.$' &&
	[ "$(jq -r '[.resources[].provider] | unique | .[0]' terraform.tfstate)" = 'provider["example.com/acme/litellm"]' ] &&
	ok "state replace-provider" || fail "state replace-provider" "$out"
out=$(echo no | "$LITEHCL" state replace-provider example.com/acme/litellm ncecere/litellm 2>&1)
echo "$out" | grep -q 'Cancelled replacing providers.$' && ok "state replace-provider asks, and 'no' cancels" ||
	fail "state replace-provider asks, and 'no' cancels" "$out"
out=$("$LITEHCL" state replace-provider -auto-approve hashicorp/nothing ncecere/litellm 2>&1)
[ "$out" = "No matching resources found." ] && ok "state replace-provider without a match" || fail "state replace-provider without a match" "$out"
"$LITEHCL" state replace-provider -auto-approve example.com/acme/litellm ncecere/litellm >/dev/null 2>&1

# ---- refresh: apply -refresh-only -auto-approve ----
d="$WORK/refresh"
mkdir -p "$d" && cd "$d" || exit 1
cat > main.tf <<'EOF'
resource "litellm_user" "r" {
  user_email = "refresh-r@example.com"
}
EOF
"$LITEHCL" apply -auto-approve >/dev/null 2>&1
id=$(jq -r '.resources[0].instances[0].attributes.id' terraform.tfstate)
curl -s -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
	-d "{\"user_id\":\"$id\",\"user_alias\":\"changed-outside\"}" "$EMU_URL/user/update" >/dev/null
"$LITEHCL" refresh -no-color >o.txt 2>e.txt
rc=$?
[ $rc -eq 0 ] && [ "$(jq -r '.resources[0].instances[0].attributes.user_alias' terraform.tfstate)" = changed-outside ] &&
	grep -q 'Apply complete!' o.txt && ok "refresh records drift in the state" || fail "refresh records drift in the state" "rc=$rc" "$(cat o.txt e.txt | tail)"
"$LITEHCL" refresh -help | head -1 | grep -q 'Usage: litehcl \[global options\] refresh' && ok "refresh -help" || fail "refresh -help"

# ---- the backup "state -help" promises: state rm keeps the previous state in
# terraform.tfstate.backup (the help used to promise a timestamped backup, which
# litehcl never wrote)
d="$WORK/rmbackup"
mkdir -p "$d" && cd "$d" || exit 1
cat > main.tf <<'EOF2'
resource "litellm_user" "b" {
  user_email = "rm-backup@example.com"
}
EOF2
"$LITEHCL" apply -auto-approve >/dev/null 2>err.txt || fail "rmbackup: setup apply" "$(cat err.txt)"
rm -f terraform.tfstate.backup
"$LITEHCL" state rm litellm_user.b >out.txt 2>&1
if [ "$(jq '.resources | length' terraform.tfstate.backup 2>/dev/null)" = 1 ] &&
	[ "$(jq '.resources | length' terraform.tfstate)" = 0 ] &&
	"$LITEHCL" state -help 2>&1 | grep -q 'as a backup (terraform.tfstate.backup)' &&
	! "$LITEHCL" state -help 2>&1 | grep -q timestamped; then
	ok "state rm keeps the previous state in terraform.tfstate.backup, as state -help says"
else
	fail "state rm keeps the previous state in terraform.tfstate.backup, as state -help says" "$(cat out.txt; ls)"
fi
"$LITEHCL" import litellm_user.b "$(jq -r '.resources[0].instances[0].attributes.id' terraform.tfstate.backup)" >/dev/null 2>&1 &&
	"$LITEHCL" destroy -auto-approve >/dev/null 2>&1 || fail "rmbackup: clean-up"

# ---- mv: an instance keyed unlike its resource's other instances (count index beside
# for_each key) is refused before anything is written: litehcl could not load that
# state again (Terraform writes it; its next plan destroys one and creates the other)
d="$WORK/mixkeys"
mkdir -p "$d" && cd "$d" || exit 1
cat >terraform.tfstate <<'EOF2'
{"version":4,"terraform_version":"1.11.0","serial":3,"lineage":"5b1e9c2a-0000-4000-8000-0000000000aa","outputs":{},
 "resources":[
  {"mode":"managed","type":"litellm_user","name":"u","provider":"provider[\"registry.terraform.io/ncecere/litellm\"]",
   "instances":[{"index_key":0,"schema_version":0,"attributes":{"id":"m0","user_id":"m0","user_email":"m0@example.com"},"sensitive_attributes":[]},
                {"index_key":1,"schema_version":0,"attributes":{"id":"m1","user_id":"m1","user_email":"m1@example.com"},"sensitive_attributes":[]}]}
 ]}
EOF2
cp terraform.tfstate before.json
for dst in 'litellm_user.u["one"]' 'litellm_user.u'; do
	"$LITEHCL" state mv -no-color 'litellm_user.u[1]' "$dst" >out.txt 2>err.txt
	rc=$?
	[ $rc -eq 1 ] && cmp -s terraform.tfstate before.json && grep -q 'Error: Invalid target address' err.txt &&
		flat err.txt | grep -q 'litellm_user.u\[0\] is in the state with a count index' &&
		"$LITEHCL" state list >/dev/null 2>&1 &&
		ok "state mv refuses a mix of keys ($dst), the state unchanged and loadable" ||
		fail "state mv refuses a mix of keys ($dst), the state unchanged and loadable" "rc=$rc" "$(cat out.txt err.txt)"
done
# the way the message gives: each instance to a free name, then that resource back
"$LITEHCL" state mv 'litellm_user.u[0]' 'litellm_user.NEW["zero"]' >/dev/null 2>&1 &&
	"$LITEHCL" state mv 'litellm_user.u[1]' 'litellm_user.NEW["one"]' >/dev/null 2>&1 &&
	"$LITEHCL" state mv litellm_user.NEW litellm_user.u >/dev/null 2>&1
[ "$("$LITEHCL" state list | tr '\n' ' ')" = 'litellm_user.u["one"] litellm_user.u["zero"] ' ] &&
	ok "state mv: re-keying through a free resource name works" ||
	fail "state mv: re-keying through a free resource name works" "$("$LITEHCL" state list 2>&1)"
# moving the only instance to another kind of key is fine
"$LITEHCL" state mv 'litellm_user.u["one"]' 'litellm_user.w["x"]' >/dev/null 2>&1 &&
	"$LITEHCL" state mv 'litellm_user.w["x"]' 'litellm_user.w[3]' >/dev/null 2>&1 &&
	"$LITEHCL" state list | grep -qx 'litellm_user.w\[3\]' && ok "state mv: the only instance may change its kind of key" ||
	fail "state mv: the only instance may change its kind of key" "$("$LITEHCL" state list 2>&1)"
