#!/bin/sh
# apply.sh - plan/apply/import/destroy against the LiteLLM emulator over real HTTP:
# apply then an empty plan, drift (changed and deleted outside litehcl), import, the 409
# conflict hint, server errors leaving the state untouched, the key kept out of every
# file and output, the state lock, state schema, and kill -9 during a 500-user apply.
. "$TOP/tests/lib.sh"

emu_session

# users the test created (not the emulator's system users), as "email id" lines
server_users() {
	admin GET dump | jq -r '.users[] | select(.user_email != null) | "\(.user_email|ascii_downcase) \(.user_id)"' | sort
}
state_users() {
	jq -r '.resources[].instances[].attributes | "\(.user_email|ascii_downcase) \(.id)"' "${1:-terraform.tfstate}" | sort
}


# ---- apply, then the plan is empty ----
new_dir basic
cat > main.tf <<'EOF'
resource "litellm_user" "admin" {
  user_email = "admin@example.com"
  user_role  = "admin"
  max_budget = 0
}
resource "litellm_user" "dev" {
  for_each        = toset(["alice", "bob"])
  user_email      = "${each.key}@example.com"
  user_alias      = each.key
  models          = ["gpt-4o"]
  budget_duration = "monthly"
  max_budget      = 10
  metadata        = jsonencode({ team = "a", n = 1 })
}
resource "litellm_user" "ref" {
  user_email = "ref@example.com"
  user_alias = "boss-${litellm_user.admin.user_id}"
}
output "ids" { value = { for k, u in litellm_user.dev : k => u.id } }
EOF
"$LITEHCL" apply -auto-approve >out.txt 2>err.txt
rc=$?
if [ $rc -eq 0 ] && grep -q 'Apply complete! Resources: 4 added, 0 changed, 0 destroyed.' out.txt &&
    grep -q 'litellm_user.admin: Creation complete after' out.txt; then
	ok "apply creates 4 users"
else
	fail "apply creates 4 users" "rc=$rc" "$(cat out.txt err.txt | tail -30)"
fi
if [ "$(server_users)" = "$(state_users)" ] && [ "$(state_users | wc -l)" -eq 4 ]; then
	ok "state matches the server after apply"
else
	fail "state matches the server after apply" "server: $(server_users)" "state: $(state_users)"
fi
admin_id=$(jq -r '.resources[] | select(.name=="admin") | .instances[0].attributes.id' terraform.tfstate)
ref_alias=$(admin GET dump | jq -r '.users[] | select(.user_email=="ref@example.com") | .user_alias')
[ "$ref_alias" = "boss-$admin_id" ] && ok "dependent sees its dependency's id" ||
	fail "dependent sees its dependency's id" "alias=$ref_alias admin=$admin_id"
role=$(admin GET dump | jq -r '.users[] | select(.user_email=="admin@example.com") | "\(.user_role) \(.max_budget)"')
[ "$role" = "proxy_admin null" ] && ok "admin -> proxy_admin, max_budget 0 -> null" ||
	fail "admin -> proxy_admin, max_budget 0 -> null" "$role"
grep -q '"auto_create_key":false' "$EMU_LOG" && ok "create sends auto_create_key false" ||
	fail "create sends auto_create_key false"
body=$(jq -c 'select(.path=="/user/new" and .body.user_email=="alice@example.com") | .body' "$EMU_LOG")
echo "$body" | jq -e '.budget_duration == "30d" and .max_budget == 10 and .models == ["gpt-4o"] and (.metadata | .team == "a" and .n == 1) and (.user_id | test("^[0-9a-f-]{36}$"))' >/dev/null &&
	ok "create body: monthly -> 30d, metadata as an object, client-chosen UUID" ||
	fail "create body: monthly -> 30d, metadata as an object, client-chosen UUID" "$body"
abody=$(jq -c 'select(.path=="/user/new" and .body.user_email=="admin@example.com") | .body' "$EMU_LOG")
echo "$abody" | jq -e '.user_role == "proxy_admin" and .max_budget == null' >/dev/null &&
	ok "create body: admin -> proxy_admin, max_budget 0 -> null" ||
	fail "create body: admin -> proxy_admin, max_budget 0 -> null" "$abody"
"$LITEHCL" plan -detailed-exitcode >plan.txt 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q 'No changes. Your infrastructure matches the configuration.' plan.txt; then
	ok "plan after apply is empty (exit 0)"
else
	fail "plan after apply is empty (exit 0)" "rc=$rc" "$(tail -40 plan.txt)"
fi
"$LITEHCL" plan -json >plan.json 2>&1
types=$(jq -r .type plan.json | sort | uniq -c | awk '{printf "%s=%s ", $2, $1}')
case "$types" in
*"change_summary=1 "*"refresh_complete=4 refresh_start=4 version=1 "*) ok "plan -json: version, refresh hooks, summary" ;;
*) fail "plan -json: version, refresh hooks, summary" "$types" ;;
esac
"$LITEHCL" output -json ids | jq -e '.alice and .bob' >/dev/null && ok "output -json NAME" ||
	fail "output -json NAME" "$("$LITEHCL" output -json ids 2>&1)"
n=$("$LITEHCL" state list | wc -l)
[ "$n" -eq 4 ] && ok "state list" || fail "state list" "$("$LITEHCL" state list 2>&1)"
"$LITEHCL" show -no-color >show.txt 2>&1
grep -q '^# litellm_user.dev\["alice"\]:$' show.txt && grep -q '^Outputs:$' show.txt && grep -q '^    alice = ' show.txt &&
	ok "show (state text)" || fail "show (state text)" "$(tail -20 show.txt)"
"$LITEHCL" show -json | jq -e '.values.root_module.resources | length == 4' >/dev/null &&
	ok "show -json state" || fail "show -json state"
if [ -n "$SHARED" ] || true; then
	if [ -f "$TOP/tests/state_check.py" ]; then
		if python3 "$TOP/tests/state_check.py" terraform.tfstate >check.txt 2>&1; then
			ok "state file validates against state/schema.json"
		else
			fail "state file validates against state/schema.json" "$(cat check.txt)"
		fi
	fi
fi
mode=$(stat -c %a terraform.tfstate)
[ "$mode" = 600 ] && ok "state file mode 0600" || fail "state file mode 0600" "$mode"

# ---- changed outside litehcl ----
alice=$(jq -r '.resources[] | select(.name=="dev") | .instances[] | select(.index_key=="alice") | .attributes.id' terraform.tfstate)
admin POST user "{\"user_id\":\"$alice\",\"user_alias\":\"changed-outside\"}" >/dev/null
"$LITEHCL" plan -detailed-exitcode -no-color >plan.txt 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q 'Note: Objects have changed outside of litehcl' plan.txt &&
    grep -q '# litellm_user.dev\["alice"\] will be updated in-place' plan.txt &&
    grep -q 'user_alias *= "changed-outside" -> "alice"' plan.txt; then
	ok "drift: changed outside is shown and planned back"
else
	fail "drift: changed outside is shown and planned back" "rc=$rc" "$(cat plan.txt | head -60)"
fi
"$LITEHCL" apply -auto-approve >out.txt 2>&1 && grep -q '0 added, 1 changed, 0 destroyed' out.txt &&
	ok "apply fixes drift" || fail "apply fixes drift" "$(tail -20 out.txt)"
ubody=$(jq -c 'select(.path=="/user/update") | .body' "$EMU_LOG" | tail -1)
[ "$(echo "$ubody" | jq -c 'keys')" = '["user_alias","user_id"]' ] &&
	ok "update sends user_id and only the changed field" || fail "update sends user_id and only the changed field" "$ubody"
alias=$(admin GET dump | jq -r ".users[] | select(.user_id==\"$alice\") | .user_alias")
[ "$alias" = alice ] && ok "server holds the configured value again" || fail "server holds the configured value again" "$alias"

# ---- -refresh-only ----
admin POST user "{\"user_id\":\"$alice\",\"user_alias\":\"renamed\"}" >/dev/null
"$LITEHCL" plan -refresh-only -detailed-exitcode -no-color >plan.txt 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q 'This is a refresh-only plan' plan.txt && grep -q 'user_alias *= "alice" -> "renamed"' plan.txt &&
	ok "plan -refresh-only shows the drift only" || fail "plan -refresh-only shows the drift only" "rc=$rc" "$(head -30 plan.txt)"
"$LITEHCL" plan -refresh-only -out=refresh.plan >/dev/null 2>&1
"$LITEHCL" apply refresh.plan >out.txt 2>&1
st_alias=$(jq -r ".resources[].instances[].attributes | select(.id==\"$alice\") | .user_alias" terraform.tfstate)
[ "$st_alias" = renamed ] && ok "apply of a -refresh-only plan records the drift in the state" ||
	fail "apply of a -refresh-only plan records the drift in the state" "$st_alias" "$(tail -10 out.txt)"
admin POST user "{\"user_id\":\"$alice\",\"user_alias\":\"renamed2\"}" >/dev/null
"$LITEHCL" apply -refresh-only -auto-approve >out.txt 2>&1
st_alias=$(jq -r ".resources[].instances[].attributes | select(.id==\"$alice\") | .user_alias" terraform.tfstate)
[ "$st_alias" = renamed2 ] && ok "apply -refresh-only records the drift in the state" ||
	fail "apply -refresh-only records the drift in the state" "$st_alias" "$(tail -10 out.txt)"
"$LITEHCL" apply -auto-approve >out.txt 2>&1 && grep -q '0 added, 1 changed' out.txt &&
	ok "then apply puts it back" || fail "then apply puts it back" "$(tail -10 out.txt)"

# ---- deleted outside litehcl ----
admin POST user/delete "{\"user_id\":\"$alice\"}" >/dev/null
"$LITEHCL" plan -detailed-exitcode -no-color >plan.txt 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q 'litellm_user.dev\["alice"\] has been deleted' plan.txt &&
    grep -q 'litellm_user.dev\["alice"\] will be created' plan.txt &&
    grep -q 'deleted outside litehcl' plan.txt; then
	ok "drift: deleted outside is planned anew with a note"
else
	fail "drift: deleted outside is planned anew with a note" "rc=$rc" "$(head -60 plan.txt)"
fi
"$LITEHCL" apply -auto-approve >out.txt 2>&1 && "$LITEHCL" plan -detailed-exitcode >/dev/null 2>&1 &&
	ok "re-created user, then no changes" || fail "re-created user, then no changes" "$(tail -20 out.txt)"

# ---- saved plans ----
sed -i 's/user_alias = "boss-/user_alias = "chief-/' main.tf
"$LITEHCL" plan -out=tfplan >/dev/null 2>&1
mode=$(stat -c %a tfplan 2>/dev/null)
[ "$mode" = 600 ] && ok "saved plan mode 0600" || fail "saved plan mode 0600" "$mode"
"$LITEHCL" show -json tfplan | jq -e '.resource_changes[] | select(.address=="litellm_user.ref") | .change.actions == ["update"]' >/dev/null &&
	ok "show -json PLANFILE" || fail "show -json PLANFILE" "$("$LITEHCL" show -json tfplan 2>&1 | head -c 600)"
cp tfplan tfplan.stale
"$LITEHCL" apply tfplan >out.txt 2>&1 && grep -q '0 added, 1 changed' out.txt &&
	ok "apply PLANFILE without asking" || fail "apply PLANFILE without asking" "$(tail -20 out.txt)"
"$LITEHCL" apply tfplan.stale >out.txt 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q 'Saved plan is stale' out.txt && ok "stale plan refused" ||
	fail "stale plan refused" "rc=$rc" "$(tail -10 out.txt)"

# ---- confirmation ----
sed -i 's/user_alias = "chief-/user_alias = "head-/' main.tf
echo no | "$LITEHCL" apply >out.txt 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q 'Apply cancelled.' out.txt && grep -q 'Do you want to perform these actions?' out.txt &&
	ok "apply asks and 'no' cancels" || fail "apply asks and 'no' cancels" "rc=$rc" "$(tail -10 out.txt)"
# end of input at the question: Terraform 1.11's error (stdout ends at the prompt), also
# with -input=false (Terraform asks for approval whatever -input says), and for destroy
for args in "" "-input=false"; do
	# shellcheck disable=SC2086
	"$LITEHCL" apply -no-color $args </dev/null >out.txt 2>err.txt
	rc=$?
	printf '\nError: error asking for approval: EOF\n\n' >want.txt
	[ $rc -eq 1 ] && cmp -s err.txt want.txt && [ "$(tail -c 17 out.txt)" = "  Enter a value: " ] &&
		! grep -q cancelled out.txt && ok "end of input: error asking for approval ($args)" ||
		fail "end of input: error asking for approval ($args)" "rc=$rc" "$(cat err.txt)" "$(tail -3 out.txt)"
done
"$LITEHCL" apply </dev/null >out.txt 2>err.txt
printf '\342\225\267\n\342\224\202 Error: error asking for approval: EOF\n\342\224\202 \n\342\224\202 \n\342\225\265\n' >want.txt
cmp -s err.txt want.txt && ok "end of input: bordered form" || fail "end of input: bordered form" "$(od -c err.txt | head)"
"$LITEHCL" destroy -input=false -no-color </dev/null >out.txt 2>err.txt
rc=$?
printf '\nError: error asking for approval: EOF\n\n' >want.txt
[ $rc -eq 1 ] && cmp -s err.txt want.txt && grep -q 'Do you really want to destroy all resources?' out.txt &&
	ok "destroy: end of input" || fail "destroy: end of input" "rc=$rc" "$(cat err.txt)"
echo no | "$LITEHCL" apply -input=false >out.txt 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q 'Apply cancelled.' out.txt &&
	ok "-input=false still reads the approval (as Terraform)" ||
	fail "-input=false still reads the approval (as Terraform)" "rc=$rc" "$(tail -10 out.txt)"
echo yes | "$LITEHCL" apply >out.txt 2>&1 && grep -q '1 changed' out.txt && ok "'yes' applies" ||
	fail "'yes' applies" "$(tail -10 out.txt)"

# ---- the lock ----
mkfifo fifo
sed -i 's/user_alias = "head-/user_alias = "lead-/' main.tf
"$LITEHCL" apply <fifo >lock1.txt 2>&1 &
holder=$!
exec 9>fifo
i=0
while ! grep -qs 'Enter a value' lock1.txt && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
"$LITEHCL" plan >lock2.txt 2>&1
rc=$?
echo no >&9
exec 9>&-
wait $holder
[ $rc -eq 1 ] && grep -q 'Error acquiring the state lock' lock2.txt && ok "second run on one state fails with the lock error" ||
	fail "second run on one state fails with the lock error" "rc=$rc" "$(cat lock2.txt)"
sed -i 's/user_alias = "lead-/user_alias = "head-/' main.tf

# ---- server errors leave the state untouched ----
cp terraform.tfstate before.tfstate
LITELLM_API_BASE="http://127.0.0.1:1" "$LITEHCL" plan >err.txt 2>&1
rc=$?
[ $rc -eq 1 ] && cmp -s terraform.tfstate before.tfstate && grep -qi 'error' err.txt &&
	ok "server down: clear error, state untouched" || fail "server down: clear error, state untouched" "rc=$rc" "$(cat err.txt | head)"
LITELLM_API_KEY="sk-wrong" "$LITEHCL" apply -auto-approve >err.txt 2>&1
rc=$?
[ $rc -eq 1 ] && cmp -s terraform.tfstate before.tfstate && grep -q '401' err.txt &&
	ok "wrong key: 401 error, state untouched" || fail "wrong key: 401 error, state untouched" "rc=$rc" "$(cat err.txt | head)"
admin POST faults '{"path":"/user/*","kind":"503","count":0}' >/dev/null
LITEHCL_HTTP_RETRIES=2 "$LITEHCL" apply -auto-approve >err.txt 2>&1
rc=$?
admin POST faults/clear '{}' >/dev/null
[ $rc -eq 1 ] && cmp -s terraform.tfstate before.tfstate && grep -q '503' err.txt &&
	ok "5xx beyond the retries: error, state untouched" || fail "5xx beyond the retries: error, state untouched" "rc=$rc" "$(cat err.txt | head)"

# ---- a value the server keeps although asked to change it ----
new_dir kept
cat > main.tf <<'EOF2'
resource "litellm_user" "m" {
  user_email = "kept@example.com"
  models     = ["gpt-4o"]
  max_budget = 5
}
EOF2
"$LITEHCL" apply -auto-approve >/dev/null 2>&1
sed -i 's/\["gpt-4o"\]/[]/; s/max_budget = 5/max_budget = 0/' main.tf
"$LITEHCL" apply -auto-approve >out.txt 2>err.txt
rc=$?
kept_budget=$(jq -r '.resources[0].instances[0].attributes.max_budget' terraform.tfstate)
[ $rc -eq 1 ] && grep -q 'did not apply models' err.txt && [ "$kept_budget" = 0 ] &&
	ok "a value the server kept is an error naming the field; the rest is recorded" ||
	fail "a value the server kept is an error naming the field; the rest is recorded" "rc=$rc budget=$kept_budget" "$(cat err.txt)"

# ---- 409: the user exists already ----
new_dir conflict
admin POST seed '{"users":[{"user_id":"existing-1","user_email":"taken@example.com","user_role":"internal_user"}]}' >/dev/null
cat > main.tf <<'EOF'
resource "litellm_user" "taken" {
  user_email = "taken@example.com"
}
resource "litellm_user" "fine" {
  user_email = "fine@example.com"
}
EOF
"$LITEHCL" apply -auto-approve >out.txt 2>err.txt
rc=$?
if [ $rc -eq 1 ] && grep -q 'litehcl import litellm_user.taken existing-1' err.txt &&
    grep -q 'litellm_user.fine: Creation complete' out.txt; then
	ok "409: import hint, independent create still done"
else
	fail "409: import hint, independent create still done" "rc=$rc" "$(cat out.txt err.txt | tail -30)"
fi
# ---- dependents of a failed change are skipped, independent ones done ----
mkdir -p "$WORK/depfail" && cd "$WORK/depfail" || exit 1
admin POST seed '{"users":[{"user_id":"existing-9","user_email":"dup9@example.com","user_role":"internal_user"}]}' >/dev/null
cat > main.tf <<'EOF2'
resource "litellm_user" "bad" {
  user_email = "dup9@example.com"
}
resource "litellm_user" "child" {
  user_email = "child9@example.com"
  user_alias = litellm_user.bad.user_id
}
resource "litellm_user" "free" {
  user_email = "free9@example.com"
}
EOF2
"$LITEHCL" apply -auto-approve >out.txt 2>err.txt
rc=$?
child=$(admin GET dump | jq '[.users[] | select(.user_email=="child9@example.com")] | length')
free=$(admin GET dump | jq '[.users[] | select(.user_email=="free9@example.com")] | length')
[ $rc -eq 1 ] && [ "$child" = 0 ] && [ "$free" = 1 ] &&
	ok "a failed create skips its dependents, not independent ones" ||
	fail "a failed create skips its dependents, not independent ones" "rc=$rc child=$child free=$free" "$(tail -20 err.txt)"
cd "$WORK/conflict" || exit 1

# ---- import ----
"$LITEHCL" import litellm_user.taken existing-1 >out.txt 2>&1 && grep -q 'Import successful!' out.txt &&
	ok "import ADDR ID" || fail "import ADDR ID" "$(cat out.txt)"
"$LITEHCL" plan -detailed-exitcode >plan.txt 2>&1
rc=$?
[ $rc -eq 0 ] && ok "import then no changes" || fail "import then no changes" "rc=$rc" "$(head -40 plan.txt)"
admin POST seed '{"users":[{"user_id":"existing-2","user_email":"Other@Example.com","user_role":"internal_user"}]}' >/dev/null
cat >> main.tf <<'EOF'
resource "litellm_user" "other" {
  user_email = "other@example.com"
}
EOF
"$LITEHCL" import existing-2 >out.txt 2>&1 && grep -q 'litellm_user.other: Import prepared' out.txt &&
	ok "import ID finds the block by email" || fail "import ID finds the block by email" "$(cat out.txt)"
"$LITEHCL" import litellm_user.nope x >out.txt 2>&1
[ $? -eq 1 ] && ok "import into an unknown address fails" || fail "import into an unknown address fails"
admin POST seed '{"users":[{"user_id":"existing-3","user_email":"blk@example.com","user_role":"internal_user"}]}' >/dev/null
cat >> main.tf <<'EOF'
import {
  to = litellm_user.blk
  id = "existing-3"
}
resource "litellm_user" "blk" {
  user_email = "blk@example.com"
}
EOF
"$LITEHCL" plan -no-color >plan.txt 2>&1
grep -q 'litellm_user.blk will be imported' plan.txt && grep -q 'Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.' plan.txt &&
	ok "import block is planned" || fail "import block is planned" "$(cat plan.txt | tail -30)"
"$LITEHCL" apply -auto-approve >out.txt 2>&1 && grep -q '1 imported' out.txt &&
	"$LITEHCL" plan -detailed-exitcode >/dev/null 2>&1 && ok "import block applied, then no changes" ||
	fail "import block applied, then no changes" "$(tail -20 out.txt)"

# ---- state rm, destroy ----
"$LITEHCL" state rm litellm_user.other >out.txt 2>&1 && ! "$LITEHCL" state list | grep -q other &&
	ok "state rm" || fail "state rm" "$(cat out.txt)"
"$LITEHCL" destroy -auto-approve >out.txt 2>&1 && grep -q 'Destroy complete! Resources: 3 destroyed.' out.txt &&
	ok "destroy" || fail "destroy" "$(tail -20 out.txt)"
left=$(admin GET dump | jq '[.users[] | select(.user_id=="existing-1" or .user_id=="existing-3")] | length')
[ "$left" = 0 ] && ok "destroy deleted the users on the server" || fail "destroy deleted the users on the server" "$left"

# ---- an import block with for_each (Terraform 1.7): one import per element, each.key
# and each.value in the address's key and the id; a key of the wrong kind is an error
mkdir -p "$WORK/impfe" && cd "$WORK/impfe" || exit 1
admin POST seed '{"users":[{"user_id":"fe-1","user_email":"fe-ana@example.com","user_role":"internal_user"},{"user_id":"fe-2","user_email":"fe-ben@example.com","user_role":"internal_user"}]}' >/dev/null
cat > main.tf <<'EOF'
locals {
  people = { ana = "fe-1", ben = "fe-2" }
}
import {
  for_each = local.people
  to       = litellm_user.p[each.key]
  id       = each.value
}
resource "litellm_user" "p" {
  for_each   = local.people
  user_email = "fe-${each.key}@example.com"
}
EOF
"$LITEHCL" plan -no-color >plan.txt 2>&1
grep -q 'litellm_user.p\["ana"\] will be imported' plan.txt && grep -q 'litellm_user.p\["ben"\] will be imported' plan.txt &&
	grep -q 'Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.' plan.txt &&
	ok "import block with for_each: one import per element" || fail "import block with for_each: one import per element" "$(tail -30 plan.txt)"
"$LITEHCL" apply -auto-approve >out.txt 2>&1 && grep -q '2 imported' out.txt &&
	[ "$(jq -r '[.resources[].instances[] | "\(.index_key)=\(.attributes.user_id)"] | join(" ")' terraform.tfstate)" = "ana=fe-1 ben=fe-2" ] &&
	"$LITEHCL" plan -detailed-exitcode >/dev/null 2>&1 && ok "import block with for_each applied, then no changes" ||
	fail "import block with for_each applied, then no changes" "$(tail -20 out.txt)"
sed -i 's/to       = litellm_user.p\[each.key\]/to       = litellm_user.p[true]/' main.tf
"$LITEHCL" validate -no-color >out.txt 2>&1
[ $? -eq 1 ] && grep -q 'Invalid import address' out.txt && ok "import for_each: a key that is not a string or number is refused" ||
	fail "import for_each: a key that is not a string or number is refused" "$(cat out.txt)"
"$LITEHCL" state rm 'litellm_user.p["ana"]' 'litellm_user.p["ben"]' >/dev/null 2>&1
# over a list, as Terraform's import blocks take any collection: each.key is the
# element's index (a number: a count resource's index), each.value the element
cat > main.tf <<'EOF'
locals {
  ids = ["fe-1", "fe-2"]
}
import {
  for_each = local.ids
  to       = litellm_user.n[each.key]
  id       = each.value
}
resource "litellm_user" "n" {
  count      = 2
  user_email = ["fe-ana@example.com", "fe-ben@example.com"][count.index]
}
EOF
"$LITEHCL" plan -no-color >plan.txt 2>&1
grep -q 'litellm_user.n\[0\] will be imported' plan.txt && grep -q 'litellm_user.n\[1\] will be imported' plan.txt &&
	grep -q 'Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.' plan.txt &&
	ok "import block with for_each over a list: each.key is the index" ||
	fail "import block with for_each over a list: each.key is the index" "$(tail -30 plan.txt)"

# ---- the key is in no file and no output ----
cd "$WORK" || exit 1
if grep -rl -- "$KEY" "$WORK" --exclude='emu*' >found.txt 2>/dev/null; then
	fail "the master key appears in no output, state or plan file" "$(cat found.txt)"
else
	ok "the master key appears in no output, state or plan file"
fi

# ---- kill -9 during a 500-user apply ----
new_dir crash
admin POST reset '{}' >/dev/null
cat > main.tf <<'EOF'
resource "litellm_user" "u" {
  count      = 500
  user_email = "crash${count.index}@example.com"
}
EOF
admin POST faults '{"path":"/user/new","kind":"latency","ms":20,"count":0}' >/dev/null
for round in 1 2 3 4; do
	"$LITEHCL" apply -auto-approve -parallelism=20 >"apply$round.txt" 2>&1 &
	p=$!
	sleep "0.$(( $(od -An -N1 -tu1 /dev/urandom) % 5 + 1 ))"
	kill -9 $p 2>/dev/null
	wait $p 2>/dev/null
	rm -f .terraform.tfstate.lock.info
done
admin POST faults/clear '{}' >/dev/null
"$LITEHCL" plan >crashplan.txt 2>&1
[ $? -eq 0 ] && ok "plan after kill -9 (pending journal) works read-only" ||
	fail "plan after kill -9 (pending journal) works read-only" "$(tail -10 crashplan.txt)"
"$LITEHCL" apply -auto-approve -parallelism=20 >final.txt 2>&1
rc=$?
srv=$(server_users | grep crash)
st=$(state_users | grep crash)
dups=$(admin GET dump | jq -r '.users[].user_email' | grep crash | sort | uniq -d | wc -l)
if [ $rc -eq 0 ] && [ "$(echo "$srv" | wc -l)" -eq 500 ] && [ "$srv" = "$st" ] && [ "$dups" -eq 0 ]; then
	ok "kill -9 during a 500-user apply: no duplicate, no orphan, state matches the server"
else
	fail "kill -9 during a 500-user apply: no duplicate, no orphan, state matches the server" \
		"rc=$rc server=$(echo "$srv" | wc -l) state=$(echo "$st" | wc -l) dups=$dups" "$(tail -15 final.txt)"
fi
"$LITEHCL" plan -detailed-exitcode >/dev/null 2>&1 && ok "after the crashes the plan is empty" ||
	fail "after the crashes the plan is empty"

# ---- Ctrl-C: finish what is in flight, save, exit 1; the next apply completes ----
new_dir interrupt
cat > main.tf <<'EOF2'
resource "litellm_user" "i" {
  count      = 300
  user_email = "intr${count.index}@example.com"
}
EOF2
admin POST faults '{"path":"/user/new","kind":"latency","ms":20,"count":0}' >/dev/null
"$LITEHCL" apply -auto-approve -parallelism=10 >int.txt 2>&1 &
p=$!
sleep 0.4
kill -INT $p
wait $p
rc=$?
admin POST faults/clear '{}' >/dev/null
srv=$(server_users | grep -c intr)
st=$(state_users 2>/dev/null | grep -c intr)
if [ $rc -eq 1 ] && grep -q 'Interrupt received' int.txt && [ "$srv" -eq "$st" ] && [ "$srv" -lt 300 ]; then
	ok "first Ctrl-C: in-flight finished, state saved, exit 1"
else
	fail "first Ctrl-C: in-flight finished, state saved, exit 1" "rc=$rc server=$srv state=$st" "$(tail -5 int.txt)"
fi
"$LITEHCL" apply -auto-approve >int2.txt 2>&1
srv=$(server_users | grep -c intr)
[ $? -eq 0 ] && [ "$srv" -eq 300 ] && [ "$(state_users | grep -c intr)" -eq 300 ] &&
	ok "apply after Ctrl-C completes the rest" || fail "apply after Ctrl-C completes the rest" "server=$srv" "$(tail -5 int2.txt)"

# ---- a second Ctrl-C exits at once; the journal keeps what completed ----
new_dir interrupt2
sed 's/intr/twice/; s/"i"/"t"/' "$WORK/interrupt/main.tf" > main.tf
admin POST faults '{"path":"/user/new","kind":"latency","ms":20,"count":0}' >/dev/null
"$LITEHCL" apply -auto-approve -parallelism=10 >int.txt 2>&1 &
p=$!
sleep 0.4
kill -INT $p
sleep 0.05
kill -INT $p
wait $p
rc=$?
admin POST faults/clear '{}' >/dev/null
rm -f .terraform.tfstate.lock.info
"$LITEHCL" apply -auto-approve >int2.txt 2>&1
rc2=$?
srv=$(server_users | grep -c twice)
dups=$(admin GET dump | jq -r '.users[].user_email' | grep twice | sort | uniq -d | wc -l)
[ $rc -ne 0 ] && [ $rc2 -eq 0 ] && [ "$srv" -eq 300 ] && [ "$dups" -eq 0 ] && [ "$(state_users | grep -c twice)" -eq 300 ] &&
	ok "second Ctrl-C exits at once; the next apply recovers, no duplicate" ||
	fail "second Ctrl-C exits at once; the next apply recovers, no duplicate" "rc=$rc rc2=$rc2 server=$srv dups=$dups" "$(tail -5 int2.txt)"

# ---- lifecycle: ignore_changes, prevent_destroy ----
new_dir lifecycle
cat > main.tf <<'EOF2'
resource "litellm_user" "l" {
  user_email = "life@example.com"
  user_alias = "one"
  lifecycle {
    ignore_changes  = [user_alias]
    prevent_destroy = true
  }
}
EOF2
"$LITEHCL" apply -auto-approve >out.txt 2>&1
sed -i 's/"one"/"two"/' main.tf
"$LITEHCL" plan -detailed-exitcode >plan.txt 2>&1
[ $? -eq 0 ] && ok "lifecycle ignore_changes: no diff for an ignored argument" ||
	fail "lifecycle ignore_changes: no diff for an ignored argument" "$(tail -20 plan.txt)"
"$LITEHCL" destroy -auto-approve >out.txt 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q 'Instance cannot be destroyed' out.txt && [ "$(server_users | grep -c life@)" -eq 1 ] &&
	ok "lifecycle prevent_destroy stops destroy" || fail "lifecycle prevent_destroy stops destroy" "rc=$rc" "$(tail -10 out.txt)"

# ---- -target ----
new_dir target
cat > main.tf <<'EOF2'
resource "litellm_user" "a" {
  user_email = "ta@example.com"
}
resource "litellm_user" "b" {
  user_email = "tb@example.com"
  user_alias = litellm_user.a.user_id
}
resource "litellm_user" "c" {
  user_email = "tc@example.com"
}
EOF2
"$LITEHCL" apply -auto-approve -target=litellm_user.b >out.txt 2>err.txt
rc=$?
[ $rc -eq 0 ] && grep -q '2 added' out.txt && [ "$(state_users | wc -l)" -eq 2 ] && grep -q 'Applied changes may be incomplete' out.txt &&
	ok "-target applies the target and its dependencies only" || fail "-target applies the target and its dependencies only" "rc=$rc" "$(cat out.txt err.txt | tail -20)"
"$LITEHCL" plan -replace=litellm_user.a -no-color >plan.txt 2>&1
grep -q 'litellm_user.a will be replaced, as requested' plan.txt && grep -q 'litellm_user.b will be updated in-place' plan.txt &&
	ok "-replace plans a replacement (and the dependent's update)" || fail "-replace plans a replacement (and the dependent's update)" "$(grep '#' plan.txt)"
"$LITEHCL" apply -auto-approve -replace=litellm_user.a -target=litellm_user.b >out.txt 2>&1
new_a=$(jq -r '.resources[] | select(.name=="a") | .instances[0].attributes.id' terraform.tfstate)
b_alias=$(admin GET dump | jq -r '.users[] | select(.user_email=="tb@example.com") | .user_alias')
[ -n "$new_a" ] && [ "$b_alias" = "$new_a" ] && grep -q '1 added, 1 changed, 1 destroyed' out.txt &&
	ok "-replace: the dependent is updated with the new id" || fail "-replace: the dependent is updated with the new id" "a=$new_a b.alias=$b_alias" "$(tail -8 out.txt)"
# a saved plan says whether it was targeted (Terraform): its apply warns then, and only then
"$LITEHCL" plan -target=litellm_user.c -out=t.plan >/dev/null 2>&1
"$LITEHCL" apply -no-color t.plan >out.txt 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '1 added' out.txt && grep -q 'Applied changes may be incomplete' out.txt &&
	ok "apply of a targeted saved plan warns that changes may be incomplete" ||
	fail "apply of a targeted saved plan warns that changes may be incomplete" "rc=$rc" "$(tail -12 out.txt)"
sed -i 's/tc@example.com/tc2@example.com/' main.tf
"$LITEHCL" plan -out=u.plan >/dev/null 2>&1
"$LITEHCL" apply -no-color -target=litellm_user.a u.plan >out.txt 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '1 changed' out.txt && ! grep -q 'Applied changes may be incomplete' out.txt &&
	ok "apply's -target with an untargeted saved plan: the whole plan, no targeting warning" ||
	fail "apply's -target with an untargeted saved plan: the whole plan, no targeting warning" "rc=$rc" "$(tail -12 out.txt)"
# -target refreshes the targets and what they depend on, nothing else (Terraform)
"$LITEHCL" plan -no-color -target=litellm_user.b >out.txt 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '^litellm_user.a: Refreshing state' out.txt && grep -q '^litellm_user.b: Refreshing state' out.txt &&
	! grep -q '^litellm_user.c: Refreshing state' out.txt &&
	ok "-target refreshes only the target and its dependencies" ||
	fail "-target refreshes only the target and its dependencies" "rc=$rc" "$(grep -E 'Refreshing|Error' out.txt)"

# ---- a saved plan with values known only after apply, on a fresh state ----
new_dir planfile
cat > main.tf <<'EOF2'
resource "litellm_user" "a" {
  user_email = "pa@example.com"
}
resource "litellm_user" "b" {
  for_each   = toset(["x", "y"])
  user_email = "pb${each.key}@example.com"
  user_alias = "${each.key}-${litellm_user.a.user_id}"
}
EOF2
"$LITEHCL" plan -out=tfplan >/dev/null 2>&1
"$LITEHCL" apply tfplan >out.txt 2>&1
rc=$?
a_id=$(jq -r '.resources[] | select(.name=="a") | .instances[0].attributes.id' terraform.tfstate 2>/dev/null)
bx=$(admin GET dump | jq -r '.users[] | select(.user_email=="pbx@example.com") | .user_alias')
[ $rc -eq 0 ] && [ "$bx" = "x-$a_id" ] && "$LITEHCL" plan -detailed-exitcode >/dev/null 2>&1 &&
	ok "apply PLANFILE on a fresh state evaluates dependents after their dependencies" ||
	fail "apply PLANFILE on a fresh state evaluates dependents after their dependencies" "rc=$rc bx=$bx a=$a_id" "$(tail -10 out.txt)"

# ---- required_providers source is the provider recorded in the state ----
new_dir provider
cat > main.tf <<'EOF2'
terraform {
  required_providers {
    litellm = {
      source = "acme/litellm"
    }
  }
}
resource "litellm_user" "p" {
  user_email = "prov@example.com"
}
EOF2
"$LITEHCL" apply -auto-approve >out.txt 2>&1
prov=$(jq -r '.resources[0].provider' terraform.tfstate 2>/dev/null)
[ "$prov" = 'provider["registry.terraform.io/acme/litellm"]' ] && ok "required_providers source recorded in the state" ||
	fail "required_providers source recorded in the state" "$prov" "$(tail -5 out.txt)"

# ---- -json apply: apply_errored for a failed create ----
new_dir jsonerr
admin POST seed '{"users":[{"user_id":"existing-j","user_email":"jerr@example.com","user_role":"internal_user"}]}' >/dev/null
cat > main.tf <<'EOF2'
resource "litellm_user" "j" {
  user_email = "jerr@example.com"
}
EOF2
"$LITEHCL" apply -auto-approve -json >out.json 2>&1
rc=$?
[ $rc -eq 1 ] && jq -se 'any(.[]; .type=="apply_errored" and .hook.action == "create")' out.json >/dev/null &&
    jq -se 'any(.[]; .type=="diagnostic" and (.diagnostic.detail | test("litehcl import litellm_user.j existing-j")))' out.json >/dev/null &&
	ok "-json apply: apply_errored and the diagnostic" || fail "-json apply: apply_errored and the diagnostic" "rc=$rc" "$(tail -3 out.json)"

# ---- no configuration files: plan/apply refuse (would destroy everything); destroy works (QA F31) ----
new_dir noconfig
cat > main.tf <<'EOF2'
resource "litellm_user" "nc" {
  user_email = "noconfig@example.com"
}
EOF2
"$LITEHCL" apply -auto-approve >out.txt 2>&1
mv main.tf main.tf.bak
"$LITEHCL" plan >out.txt 2>err.txt
rc=$?
[ $rc -eq 1 ] && grep -q 'Error: No configuration files' err.txt && flat err.txt | grep -q 'run plan with the -destroy option' &&
    ! grep -q 'destroyed' out.txt &&
	ok "plan without configuration files: No configuration files" ||
	fail "plan without configuration files: No configuration files" "rc=$rc" "$(cat out.txt err.txt | head -20)"
"$LITEHCL" apply -auto-approve >out.txt 2>err.txt
rc=$?
[ $rc -eq 1 ] && grep -q 'Error: No configuration files' err.txt && [ "$(state_users | grep -c noconfig@)" -eq 1 ] &&
    [ "$(server_users | grep -c noconfig@)" -eq 1 ] &&
	ok "apply without configuration files refuses, user and state kept" ||
	fail "apply without configuration files refuses, user and state kept" "rc=$rc" "$(cat out.txt err.txt | head -20)"
"$LITEHCL" apply -refresh-only -auto-approve >out.txt 2>err.txt
[ $? -eq 1 ] && grep -q 'No configuration files' err.txt && ok "apply -refresh-only without configuration refuses" ||
	fail "apply -refresh-only without configuration refuses" "$(cat out.txt err.txt | head)"
"$LITEHCL" plan -destroy >out.txt 2>err.txt
rc=$?
[ $rc -eq 0 ] && grep -q 'litellm_user.nc will be destroyed' out.txt &&
	ok "plan -destroy works without configuration" || fail "plan -destroy works without configuration" "rc=$rc" "$(cat out.txt err.txt | head)"
"$LITEHCL" destroy -auto-approve >out.txt 2>err.txt
rc=$?
[ $rc -eq 0 ] && [ "$(server_users | grep -c noconfig@)" -eq 0 ] &&
	ok "destroy works without configuration" || fail "destroy works without configuration" "rc=$rc" "$(cat out.txt err.txt | head)"
mkdir empty && cd empty && "$LITEHCL" plan >out.txt 2>err.txt
[ $? -eq 1 ] && grep -q 'No configuration files' err.txt && ok "plan in an empty directory: No configuration files" ||
	fail "plan in an empty directory: No configuration files" "$(cat out.txt err.txt | head)"

# ---- sensitive marks survive a read back from the plan or the state (QA F26) ----
new_dir sensread
cat > main.tf <<'EOF2'
variable "secret_alias" {
  type      = string
  default   = "hidden-alias-f26"
  sensitive = true
}
resource "litellm_user" "sec" {
  user_email = "sec26@example.com"
  user_alias = var.secret_alias
}
resource "litellm_user" "dep" {
  user_email = "dep26@example.com"
  user_alias = "x-${litellm_user.sec.user_alias}"
}
EOF2
"$LITEHCL" apply -auto-approve >out.txt 2>&1 || fail "sensitive: apply" "$(tail -5 out.txt)"
for x in litellm_user.sec.user_alias 'upper(litellm_user.sec.user_alias)' litellm_user.sec \
    litellm_user.dep.user_alias; do	# one session each: piped, only the last result prints
	echo "$x" | "$LITEHCL" console 2>&1
done >out.txt
if ! grep -q 'hidden-alias-f26\|HIDDEN-ALIAS-F26' out.txt && [ "$(grep -c '^(sensitive value)$' out.txt)" -eq 3 ] &&
    grep -q '"user_alias" = (sensitive value)' out.txt; then
	ok "console: state attributes recorded sensitive print (sensitive value)"
else
	fail "console: state attributes recorded sensitive print (sensitive value)" "$(cat out.txt)"
fi
cp main.tf main.tf.ok
echo 'output "leak" { value = litellm_user.sec.user_alias }' >> main.tf
"$LITEHCL" plan >out.txt 2>err.txt
rc=$?
[ $rc -eq 1 ] && grep -q 'Output refers to sensitive values' err.txt && ! grep -q 'hidden-alias-f26' out.txt err.txt &&
	ok "output referring to a sensitive state attribute is an error" ||
	fail "output referring to a sensitive state attribute is an error" "rc=$rc" "$(cat out.txt err.txt | tail -20)"
cp main.tf.ok main.tf
echo 'output "leak2" { value = "y-${litellm_user.dep.user_alias}" }' >> main.tf
"$LITEHCL" apply -auto-approve >out.txt 2>err.txt
rc=$?
[ $rc -eq 1 ] && grep -q 'Output refers to sensitive values' err.txt && ! grep -q 'hidden-alias-f26' out.txt err.txt &&
    [ "$(jq -r '.outputs | length' terraform.tfstate)" = 0 ] &&
	ok "apply: output through a dependent's sensitive attribute is an error, secret not stored" ||
	fail "apply: output through a dependent's sensitive attribute is an error, secret not stored" "rc=$rc" "$(cat out.txt err.txt | tail -20)"
# a fresh plan: the planned value keeps the variable's mark
cp main.tf.ok main.tf
echo 'output "leak3" { value = litellm_user.sec.user_alias }' >> main.tf
rm -f terraform.tfstate
"$LITEHCL" plan -refresh=false >out.txt 2>err.txt
rc=$?
[ $rc -eq 1 ] && grep -q 'Output refers to sensitive values' err.txt && ! grep -q 'hidden-alias-f26' out.txt err.txt &&
	ok "planned sensitive attribute in an output is an error" ||
	fail "planned sensitive attribute in an output is an error" "rc=$rc" "$(cat out.txt err.txt | tail -20)"
sed -i 's/^output "leak3" { value = \(.*\) }$/output "leak3" {\n  value     = \1\n  sensitive = true\n}/' main.tf
"$LITEHCL" plan -refresh=false >out.txt 2>err.txt
rc=$?
[ $rc -eq 0 ] && grep -q 'leak3 = (sensitive value)' out.txt && ! grep -q 'hidden-alias-f26' out.txt err.txt &&
	ok "sensitive output of a sensitive attribute plans as (sensitive value)" ||
	fail "sensitive output of a sensitive attribute plans as (sensitive value)" "rc=$rc" "$(cat out.txt err.txt | tail -20)"

# ---- an output failing to evaluate after apply is an error; resources and good outputs recorded (QA F30) ----
new_dir outerr
cat > main.tf <<'EOF2'
resource "litellm_user" "a" {
  user_email = "oe30@example.com"
}
output "ok" { value = "fine" }
output "x" { value = litellm_user.a.models[5] }
EOF2
"$LITEHCL" apply -auto-approve >out.txt 2>err.txt
rc=$?
[ $rc -eq 1 ] && grep -q 'Error: Invalid index' err.txt && grep -q 'in output "x"' err.txt &&
    ! grep -q 'Apply complete!' out.txt && [ "$(state_users | grep -c oe30@)" -eq 1 ] &&
    [ "$(jq -r '.outputs.ok.value' terraform.tfstate)" = fine ] && [ "$(jq -r '.outputs.x' terraform.tfstate)" = null ] &&
	ok "apply: an output failing after apply exits 1, the user and other outputs are saved" ||
	fail "apply: an output failing after apply exits 1, the user and other outputs are saved" "rc=$rc" "$(cat out.txt err.txt | tail -20)"

# ---- show -json: sensitive_values marks what the state records as sensitive; no secret (QA F10) ----
new_dir showsens
cat > main.tf <<'EOF2'
variable "secret_alias" {
  type      = string
  default   = "hidden-alias-f10"
  sensitive = true
}
resource "litellm_user" "sec" {
  user_email = "sec10@example.com"
  user_alias = var.secret_alias
}
resource "litellm_user" "plain" {
  user_email = "plain10@example.com"
  user_alias = "visible"
}
EOF2
"$LITEHCL" apply -auto-approve >out.txt 2>&1 || fail "show -json sensitive: apply" "$(tail -5 out.txt)"
"$LITEHCL" show -json >show.json 2>err.txt
if jq -e '.values.root_module.resources[] | select(.address=="litellm_user.sec") |
        .sensitive_values == {"models": [], "user_alias": true} and (.values | has("user_alias") | not) and .values.user_email == "sec10@example.com"' show.json >/dev/null &&
    jq -e '.values.root_module.resources[] | select(.address=="litellm_user.plain") | .sensitive_values == {"models": []} and .values.user_alias == "visible"' show.json >/dev/null &&
    ! grep -q 'hidden-alias-f10' show.json err.txt; then
	ok "show -json: sensitive_values marks sensitive attributes, the value is left out"
else
	fail "show -json: sensitive_values marks sensitive attributes, the value is left out" "$(cat show.json err.txt | head -c 2000)"
fi
"$LITEHCL" plan -out=p.bin >/dev/null 2>&1
"$LITEHCL" show -json p.bin >plan.json 2>err.txt
jq -e '.prior_state.values.root_module.resources[] | select(.address=="litellm_user.sec") | .sensitive_values == {"models": [], "user_alias": true}' plan.json >/dev/null &&
    ! grep -q 'hidden-alias-f10' plan.json err.txt &&
	ok "show -json PLANFILE: prior_state marks sensitive attributes, no secret" ||
	fail "show -json PLANFILE: prior_state marks sensitive attributes, no secret" "$(head -c 2000 plan.json)"

# ---- show -json PLANFILE: no-op entries, every resource, expressions, variables (QA F1/F1b) ----
new_dir showplan
cat > main.tf <<'EOF2'
variable "domain" {
  type    = string
  default = "example.com"
}
variable "hidden" {
  type      = string
  default   = "hidden-f1"
  sensitive = true
}
resource "litellm_user" "a" {
  user_email = "a1@${var.domain}"
  max_budget = 5
}
resource "litellm_user" "b" {
  user_email = "b1@example.com"
  user_alias = "before"
}
resource "litellm_user" "c" {
  user_email = "c1@example.com"
  user_alias = var.hidden
}
EOF2
"$LITEHCL" apply -auto-approve >out.txt 2>&1 || fail "show -json plan: apply" "$(tail -5 out.txt)"
sed -i 's/"before"/"after"/' main.tf
"$LITEHCL" plan -out=p.bin >out.txt 2>&1
"$LITEHCL" show -json p.bin >plan.json 2>err.txt
rc=$?
if [ $rc -eq 0 ] &&
    jq -e '[.resource_changes[] | "\(.address) \(.change.actions | join(","))"] == ["litellm_user.a no-op", "litellm_user.b update", "litellm_user.c no-op"]' plan.json >/dev/null &&
    jq -e '[.planned_values.root_module.resources[].address] == ["litellm_user.a", "litellm_user.b", "litellm_user.c"]' plan.json >/dev/null &&
    jq -e '[.configuration.root_module.resources[].address] | sort == ["litellm_user.a", "litellm_user.b", "litellm_user.c"]' plan.json >/dev/null &&
    jq -e '.configuration.root_module.resources[] | select(.address=="litellm_user.b") | .expressions.user_alias == {"constant_value": "after"}' plan.json >/dev/null &&
    jq -e '.configuration.root_module.resources[] | select(.address=="litellm_user.a") | (.expressions.user_email.references == ["var.domain"]) and .expressions.max_budget == {"constant_value": 5}' plan.json >/dev/null &&
    jq -e '.variables == {"domain": {"value": "example.com"}}' plan.json >/dev/null &&
    jq -e '.planned_values.root_module.resources[] | select(.address=="litellm_user.c") | .sensitive_values == {"models": [], "user_alias": true}' plan.json >/dev/null &&
    jq -e '.resource_changes[1].change.after | keys_unsorted == (keys_unsorted | sort)' plan.json >/dev/null &&
    ! grep -q 'hidden-f1' plan.json p.bin err.txt; then
	ok "show -json PLANFILE: no-op changes, all resources, expressions, variables, no secret"
else
	fail "show -json PLANFILE: no-op changes, all resources, expressions, variables, no secret" "rc=$rc" "$(head -c 3000 plan.json; cat err.txt)"
fi
"$LITEHCL" apply p.bin >out.txt 2>&1 && grep -q '0 added, 1 changed, 0 destroyed' out.txt &&
	ok "a plan file with no-op entries applies only the change" || fail "a plan file with no-op entries applies only the change" "$(tail -5 out.txt)"

# ---- Ctrl-C during a hung refresh: Terraform's message, exit 1 promptly; twice: at once (QA F24) ----
new_dir intrefresh
cat > main.tf <<'EOF2'
resource "litellm_user" "r" {
  user_email = "intref@example.com"
}
EOF2
"$LITEHCL" apply -auto-approve >out.txt 2>&1
admin POST faults '{"path":"/user/list","kind":"hang","count":0}' >/dev/null
admin POST faults '{"path":"/user/info","kind":"hang","count":0}' >/dev/null
for cmd in plan apply; do
	start=$(date +%s)
	aa=""; [ $cmd = apply ] && aa=-auto-approve
	"$LITEHCL" $cmd $aa >int.txt 2>&1 &
	p=$!
	sleep 1
	kill -INT $p
	wait $p
	rc=$?
	el=$(( $(date +%s) - start ))
	if [ $rc -eq 1 ] && [ $el -le 5 ] && grep -q '^Interrupt received.' int.txt && grep -q 'Gracefully shutting down' int.txt; then
		ok "$cmd: Ctrl-C during a hung refresh exits 1 promptly"
	else
		fail "$cmd: Ctrl-C during a hung refresh exits 1 promptly" "rc=$rc elapsed=${el}s" "$(tail -8 int.txt)"
	fi
done
"$LITEHCL" plan >int.txt 2>&1 &
p=$!
sleep 1
kill -INT $p; sleep 0.1; kill -INT $p
wait $p
rc=$?
[ $rc -eq 1 ] && grep -q 'Two interrupts received. Exiting immediately.' int.txt &&
	ok "plan: a second Ctrl-C during refresh exits at once" || fail "plan: a second Ctrl-C during refresh exits at once" "rc=$rc" "$(tail -5 int.txt)"
admin POST faults/clear '{}' >/dev/null
"$LITEHCL" plan -detailed-exitcode >int.txt 2>&1
[ $? -eq 0 ] && [ "$(state_users | grep -c intref@)" -eq 1 ] && ok "after interrupted refreshes: state intact, no changes, not locked" ||
	fail "after interrupted refreshes: state intact, no changes, not locked" "$(tail -8 int.txt)"

# ---- after a crash, state list/show/output see the journaled create that plan adopts (QA F4) ----
new_dir crashlist
cat > main.tf <<'EOF2'
resource "litellm_user" "f1" {
  user_email = "f4one@example.com"
}
EOF2
"$LITEHCL" apply -auto-approve >out.txt 2>&1
cat >> main.tf <<'EOF2'
resource "litellm_user" "f5" {
  user_email = "f4five@example.com"
}
EOF2
admin POST faults '{"path":"/user/info","kind":"latency","ms":3000,"count":1}' >/dev/null
"$LITEHCL" apply -auto-approve -refresh=false >out.txt 2>&1 &
p=$!
sleep 1
kill -9 $p
wait $p 2>/dev/null
admin POST faults/clear '{}' >/dev/null
rm -f .terraform.tfstate.lock.info
if [ -s terraform.tfstate.journal ] && [ "$(server_users | grep -c f4five@)" -eq 1 ]; then
	"$LITEHCL" state list >list.txt 2>err.txt
	"$LITEHCL" show -json >show.json 2>>err.txt
	if grep -q '^litellm_user.f5$' list.txt && grep -q '^litellm_user.f1$' list.txt &&
	    jq -e '[.values.root_module.resources[].address] == ["litellm_user.f1", "litellm_user.f5"]' show.json >/dev/null &&
	    "$LITEHCL" state show litellm_user.f5 2>>err.txt | grep -q 'f4five@example.com'; then
		ok "after a crash: state list/show see the journaled create"
	else
		fail "after a crash: state list/show see the journaled create" "$(cat list.txt err.txt; head -c 500 show.json)"
	fi
	LITELLM_API_BASE=http://127.0.0.1:9 "$LITEHCL" state list >list.txt 2>err.txt
	rc=$?
	[ $rc -eq 0 ] && grep -q 'Unfinished changes of an interrupted run' err.txt && grep -q 'litellm_user.f5' err.txt &&
		ok "after a crash, server unreachable: state list warns about the unresolved create" ||
		fail "after a crash, server unreachable: state list warns about the unresolved create" "rc=$rc" "$(cat list.txt err.txt)"
	LITELLM_API_BASE=http://127.0.0.1:9 "$LITEHCL" state rm litellm_user.f1 >out.txt 2>err.txt
	rc=$?
	[ $rc -eq 1 ] && [ -s terraform.tfstate.journal ] && ok "state rm refuses while an unresolved create cannot be looked up" ||
		fail "state rm refuses while an unresolved create cannot be looked up" "rc=$rc" "$(cat out.txt err.txt)"
	"$LITEHCL" plan -detailed-exitcode >out.txt 2>&1
	[ $? -eq 0 ] && ok "after a crash: plan adopts the create, no changes" || fail "after a crash: plan adopts the create, no changes" "$(tail -5 out.txt)"
else
	fail "after a crash: state list/show see the journaled create" "crash setup: no journal or user missing" "$(ls -la; server_users)"
fi

# ---- list diffs: the removed element before the added one at the same position (QA F8) ----
new_dir listorder
cat > main.tf <<'EOF2'
resource "litellm_user" "ls" {
  user_email = "ls8@example.com"
  models     = ["a", "b", "c"]
}
EOF2
"$LITEHCL" apply -auto-approve >out.txt 2>&1
sed -i 's/\["a", "b", "c"\]/["a", "x", "c", "d"]/' main.tf
NO_COLOR=1 "$LITEHCL" plan -no-color >out.txt 2>&1
got=$(sed -n '/models *= \[/,/\]/p' out.txt | sed 's/^ *//' | tr '\n' '|')
[ "$(echo "$got" | tr -s ' ')" = '~ models = [|"a",|- "b",|+ "x",|"c",|+ "d",|]|' ] &&
	ok "list diff: removal before addition (Terraform's order)" || fail "list diff: removal before addition (Terraform's order)" "$got" "$(cat out.txt)"
