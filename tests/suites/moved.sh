#!/bin/sh
# moved.sh - moved and removed blocks as Terraform 1.11 handles them (texts recorded
# from Terraform with terraform_data): a rename without destroy and create, a move
# into for_each keys, a chain, a move with an update, removed with destroy = false
# (forgotten, still on the server) and without (destroyed), saved plans, and every
# configuration error.
. "$TOP/tests/lib.sh"

emu_session
export NO_COLOR=1
server_emails() {
	curl -s -H "Authorization: Bearer $KEY" "$EMU_URL/user/list?page_size=100" |
		jq -r '.users[].user_email // empty' | grep "^$1" | sort | tr '\n' ' '
}

new_dir rename
cat > main.tf <<'EOF'
resource "litellm_user" "a" {
  user_email = "mv1-a@example.com"
}
resource "litellm_user" "gone" {
  user_email = "mv1-gone@example.com"
}
resource "litellm_user" "del" {
  user_email = "mv1-del@example.com"
}
EOF
"$LITEHCL" apply -auto-approve >/dev/null 2>&1 || fail "setup apply"
id_a=$(jq -r '.resources[] | select(.name=="a") | .instances[0].attributes.id' terraform.tfstate)
id_gone=$(jq -r '.resources[] | select(.name=="gone") | .instances[0].attributes.id' terraform.tfstate)
cat > main.tf <<'EOF'
resource "litellm_user" "b" {
  user_email = "mv1-a@example.com"
}
moved {
  from = litellm_user.a
  to   = litellm_user.b
}
removed {
  from = litellm_user.gone
  lifecycle {
    destroy = false
  }
}
removed {
  from = litellm_user.del
}
EOF
n0=$(wc -l < "$EMU_LOG")
"$LITEHCL" plan -no-color -detailed-exitcode >plan.txt 2>&1
rc=$?
sed -n '/will perform the following actions/,/^Plan:/p' plan.txt | grep -v -e created_at -e updated_at -e '  - id ' -e user_id > got.txt
cat > want.txt <<EOF
litehcl will perform the following actions:

  # litellm_user.a has moved to litellm_user.b
    resource "litellm_user" "b" {
        id = "$id_a"
        # (7 unchanged attributes hidden)
    }

  # litellm_user.del will be destroyed
  # (because litellm_user.del is not in configuration)
  - resource "litellm_user" "del" {
      - models     = [] -> null
      - spend      = 0 -> null
      - user_email = "mv1-del@example.com" -> null
      - user_role  = "user" -> null
    }

 # litellm_user.gone will no longer be managed by litehcl, but will not be destroyed
 # (destroy = false is set in the configuration)
 . resource "litellm_user" "gone" {
        id = "$id_gone"
        # (7 unchanged attributes hidden)
    }

Plan: 0 to add, 0 to change, 1 to destroy.
EOF
[ $rc -eq 2 ] && ok "moved/removed: plan -detailed-exitcode is 2" || fail "moved/removed: plan -detailed-exitcode is 2" "rc=$rc" "$(cat plan.txt)"
same "moved/removed: the plan text is Terraform's" want.txt got.txt
tr '\n' ' ' < plan.txt | tr -s ' ' | grep -q 'Warning: Some objects will no longer be managed by litehcl.*- litellm_user.gone' &&
	ok "removed: the no-longer-managed warning lists the object" || fail "removed: the no-longer-managed warning lists the object" "$(cat plan.txt)"
! tail -n +"$((n0 + 1))" "$EMU_LOG" | grep -q "$id_gone" && ok "removed (destroy = false): the object is not read" ||
	fail "removed (destroy = false): the object is not read"
[ "$(jq -r '[.resources[].name] | sort | join(" ")' terraform.tfstate)" = "a del gone" ] &&
	ok "plan moves nothing in the state file" || fail "plan moves nothing in the state file" "$(jq -c '[.resources[].name]' terraform.tfstate)"
"$LITEHCL" plan -no-color -out=p.plan >/dev/null 2>&1
"$LITEHCL" show -json p.plan > show.json 2>&1
jq -e '[.resource_changes[] | select(.address=="litellm_user.gone") | .change.actions[0]] == ["forget"]' show.json >/dev/null &&
	ok "show -json: removed with destroy = false is a forget" || fail "show -json: removed with destroy = false is a forget" "$(jq -c '[.resource_changes[] | {address, a: .change.actions}]' show.json)"
jq -e '[.resource_changes[] | select(.address=="litellm_user.b") | .previous_address] == ["litellm_user.a"]' show.json >/dev/null &&
	ok "show -json: a moved object carries previous_address" || fail "show -json: a moved object carries previous_address" "$(jq -c '[.resource_changes[] | {address, previous_address}]' show.json)"
"$LITEHCL" apply -no-color p.plan >apply.txt 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q 'Apply complete! Resources: 0 added, 0 changed, 1 destroyed.' apply.txt &&
	ok "moved/removed: apply of the saved plan" || fail "moved/removed: apply of the saved plan" "rc=$rc" "$(cat apply.txt)"
[ "$("$LITEHCL" state list)" = "litellm_user.b" ] && [ "$(jq -r '.resources[0].instances[0].attributes.id' terraform.tfstate)" = "$id_a" ] &&
	ok "after apply: the state holds b with a's object" || fail "after apply: the state holds b with a's object" "$("$LITEHCL" state list)"
[ "$(server_emails mv1-)" = "mv1-a@example.com mv1-gone@example.com " ] &&
	ok "after apply: a kept, gone kept on the server, del deleted" || fail "after apply: a kept, gone kept on the server, del deleted" "$(server_emails mv1-)"
"$LITEHCL" plan -no-color -detailed-exitcode >plan2.txt 2>&1
[ $? -eq 0 ] && grep -q 'No changes.' plan2.txt && ok "after apply: No changes (the moved block is now a no-op)" ||
	fail "after apply: No changes (the moved block is now a no-op)" "$(cat plan2.txt)"

# ---- into for_each keys, with a chain and an update: "(moved from ...)" ----
new_dir foreach
cat > main.tf <<'EOF'
resource "litellm_user" "alice" {
  user_email = "mv2-alice@example.com"
}
resource "litellm_user" "bob" {
  user_email = "mv2-bob@example.com"
}
EOF
"$LITEHCL" apply -auto-approve >/dev/null 2>&1 || fail "setup apply (foreach)"
cat > main.tf <<'EOF'
resource "litellm_user" "team" {
  for_each   = { alice = "a", bob = "b" }
  user_email = "mv2-${each.key}@example.com"
  user_alias = each.key == "bob" ? "bobby" : null
}
moved {
  from = litellm_user.alice
  to   = litellm_user.tmp
}
moved {
  from = litellm_user.tmp
  to   = litellm_user.team["alice"]
}
moved {
  from = litellm_user.bob
  to   = litellm_user.team["bob"]
}
EOF
"$LITEHCL" plan -no-color >plan.txt 2>&1
grep -q '# litellm_user.alice has moved to litellm_user.team\["alice"\]' plan.txt &&
	grep -A1 '# litellm_user.team\["bob"\] will be updated in-place' plan.txt | grep -q '# (moved from litellm_user.bob)' &&
	grep -q 'Plan: 0 to add, 1 to change, 0 to destroy.' plan.txt &&
	ok "moved: into for_each keys, through a chain, with an update" || fail "moved: into for_each keys, through a chain, with an update" "$(cat plan.txt)"
"$LITEHCL" apply -auto-approve -no-color >apply.txt 2>&1 && [ "$("$LITEHCL" state list | tr '\n' ' ')" = 'litellm_user.team["alice"] litellm_user.team["bob"] ' ] &&
	ok "moved: apply, no create, no delete" || fail "moved: apply, no create, no delete" "$(cat apply.txt)"
! grep -q -e 'Creating' -e 'Destroying' apply.txt && ok "moved: nothing created or destroyed" || fail "moved: nothing created or destroyed" "$(cat apply.txt)"

# ---- configuration errors ----
new_dir errors
chk() {	# NAME SUMMARY
	"$LITEHCL" validate -no-color >o.txt 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -q "$2" o.txt; then ok "$1"; else fail "$1" "rc=$rc" "$(cat o.txt)"; fi
}
cat > main.tf <<'EOF'
resource "litellm_user" "a" {
  user_email = "e@example.com"
}
resource "litellm_user" "b" {
  user_email = "f@example.com"
}
moved {
  from = litellm_user.a
  to   = litellm_user.b
}
EOF
chk "moved: the source is still declared" "Moved object still exists"
cat > main.tf <<'EOF'
resource "litellm_user" "c" {
  user_email = "e@example.com"
}
moved {
  from = litellm_user.a
  to   = litellm_user.c
}
moved {
  from = litellm_user.b
  to   = litellm_user.c
}
EOF
chk "moved: two sources for one target" "Ambiguous move statements"
cat > main.tf <<'EOF'
moved {
  from = litellm_user.a
  to   = litellm_team.c
}
EOF
chk "moved: resource types differ" "Resource type mismatch"
cat > main.tf <<'EOF'
resource "litellm_user" "a" {
  user_email = "e@example.com"
}
removed {
  from = litellm_user.a
}
EOF
chk "removed: the resource is still declared" "Removed resource still exists"
cat > main.tf <<'EOF'
removed {
  from = litellm_user.a[0]
}
EOF
chk "removed: an instance address is refused" "Resource instance keys not allowed"

# ---- a state with index keys of both kinds in one resource ----
# Terraform leaves one when a resource went from count to for_each and the destroy of
# the old instances failed (here: the two states joined by hand).  It loads, and the plan
# destroys what the configuration no longer has, with Terraform 1.11's reasons (recorded
# with terraform_data).
new_dir mixedkeys
mkdir fe
mixed_cfg() {	# mixed_cfg REPETITION EMAIL
	printf 'resource "litellm_user" "r" {\n  %s\n  user_email = "%s"\n}\n' "$1" "$2" >main.tf
}
mixed_cfg 'count = 1' 'mix-${count.index}@example.com'
"$LITEHCL" apply -auto-approve >out.txt 2>&1 || fail "mixed keys: setup (count)" "$(tail out.txt)"
(cd fe && mixed_cfg 'for_each = toset(["a"])' 'mix-${each.key}@example.com' &&
	"$LITEHCL" apply -auto-approve >out.txt 2>&1) || fail "mixed keys: setup (for_each)"
jq --slurpfile fe fe/terraform.tfstate \
	'.resources[0].instances += $fe[0].resources[0].instances | .serial += 1' \
	terraform.tfstate >mixed.json && mv mixed.json terraform.tfstate
run state list
check "mixed keys: the state loads (state list)" '[ "$(cat out.txt)" = "$(printf "litellm_user.r[0]\nlitellm_user.r[\"a\"]")" ]'
mixed_cfg 'for_each = toset(["a"])' 'mix-${each.key}@example.com'
run plan -detailed-exitcode
rc=$?
check "mixed keys: for_each now - the count instance is destroyed, the key kept" \
	'[ $rc -eq 2 ] && grep -q "^Plan: 0 to add, 0 to change, 1 to destroy" out.txt &&
	grep -A1 "litellm_user.r\[0\] will be destroyed" out.txt | grep -q "(because resource does not use count)" &&
	! grep -q "r\[\"a\"\] will" out.txt'
mixed_cfg 'count = 2' 'mix-${count.index}@example.com'
run plan -detailed-exitcode
rc=$?
check "mixed keys: count now - the for_each instance is destroyed" \
	'[ $rc -eq 2 ] && grep -q "^Plan: 1 to add, 0 to change, 1 to destroy" out.txt &&
	grep -A1 "litellm_user.r\[\"a\"\] will be destroyed" out.txt | grep -q "(because resource does not use for_each)" &&
	grep -q "litellm_user.r\[1\] will be created" out.txt'
mixed_cfg 'for_each = toset(["a"])' 'mix-${each.key}@example.com'
run apply -auto-approve
check "mixed keys: apply, then no changes, one user left" \
	'"$LITEHCL" plan -detailed-exitcode >/dev/null 2>&1 && [ "$(server_emails mix-)" = "mix-a@example.com " ]'
state_valid "mixed keys: the state written after is valid" terraform.tfstate

# ---- Terraform's implied moves: count added to or removed from a resource ----
# (texts recorded from Terraform 1.11.4 with terraform_data) the single object becomes
# [0] and back, without a request; for_each has no implied move
new_dir implied
imp_cfg() { printf 'resource "litellm_user" "r" {\n  %s\n  user_email = "implied@example.com"\n}\n' "$1" >main.tf; }
imp_cfg 'count = 1'
run apply -auto-approve -no-color || fail "implied: setup apply" "$(tail out.txt)"
id0=$(jq -r '.resources[0].instances[0].attributes.id' terraform.tfstate)
imp_cfg ''
run plan -no-color -detailed-exitcode
rc=$?
check "implied: count removed - [0] has moved to the single address, nothing else" \
	'[ $rc -eq 2 ] && grep -q "^  # litellm_user.r\[0\] has moved to litellm_user.r$" out.txt &&
	grep -q "^Plan: 0 to add, 0 to change, 0 to destroy.$" out.txt'
m=$(log_mark)
run apply -auto-approve -no-color
check "implied: the apply moves it in the state, no request, the same user" \
	'[ -z "$(log_writes "$m")" ] && [ "$(jq -r ".resources[0].instances[0].attributes.id" terraform.tfstate)" = "$id0" ] &&
	[ "$("$LITEHCL" state list)" = "litellm_user.r" ]'
imp_cfg 'count = 1'
run plan -no-color -detailed-exitcode
rc=$?
check "implied: count added - the single object has moved to [0]" \
	'[ $rc -eq 2 ] && grep -q "^  # litellm_user.r has moved to litellm_user.r\[0\]$" out.txt &&
	grep -q "^Plan: 0 to add, 0 to change, 0 to destroy.$" out.txt'
run apply -auto-approve -no-color
check "implied: back at [0], the same user, then no changes" \
	'[ "$("$LITEHCL" state list)" = "litellm_user.r[0]" ] && "$LITEHCL" plan -detailed-exitcode >/dev/null 2>&1 &&
	[ "$(jq -r ".resources[0].instances[0].attributes.id" terraform.tfstate)" = "$id0" ]'
imp_cfg ''
run apply -auto-approve -no-color
imp_cfg 'for_each = toset(["a"])'
run plan -no-color
check "implied: none for for_each - the single object is destroyed, Terraform's reason" \
	'grep -A1 "^  # litellm_user.r will be destroyed$" out.txt | grep -q "(because resource uses count or for_each)" &&
	grep -q "litellm_user.r\[\"a\"\] will be created" out.txt && ! grep -q "has moved" out.txt'
# a move that finds its destination taken is not made: Terraform's warning names it
# (recorded from Terraform 1.11.4), for an implied move and for a moved block alike
imp_cfg 'count = 1'
run apply -auto-approve -no-color
jq '.resources[0].instances += [.resources[0].instances[0] | del(.index_key) | .attributes.id = "other-id" | .attributes.user_id = "other-id"] | .serial += 1' \
	terraform.tfstate >both.json && mv both.json terraform.tfstate
run plan -no-color -refresh=false
check "implied: the destination taken - not moved, Terraform's warning names it" \
	'flat out.txt | grep -q "Warning: Unresolved resource instance address changes litehcl tried to adjust resource instance addresses in the prior state based on change information recorded in the configuration, but some adjustments did not succeed due to existing objects already at the intended addresses: - litellm_user.r could not move to litellm_user.r\[0\] litehcl has planned to destroy these objects." &&
	grep -A1 "^  # litellm_user.r will be destroyed$" out.txt | grep -q "(because resource uses count or for_each)"'
new_dir blocked
cat >main.tf <<'EOF2'
resource "litellm_user" "a" {
  user_email = "blocked-a@example.com"
}
resource "litellm_user" "b" {
  user_email = "blocked-b@example.com"
}
EOF2
run apply -auto-approve -no-color || fail "blocked: setup apply" "$(tail out.txt)"
cat >main.tf <<'EOF2'
resource "litellm_user" "b" {
  user_email = "blocked-b@example.com"
}
moved {
  from = litellm_user.a
  to   = litellm_user.b
}
EOF2
run plan -no-color
check "moved onto an existing object: not moved, the warning, the old object destroyed" \
	'flat out.txt | grep -q "adjustments did not succeed due to existing objects already at the intended addresses: - litellm_user.a could not move to litellm_user.b" &&
	grep -q "^  # litellm_user.a will be destroyed$" out.txt && grep -q "^Plan: 0 to add, 0 to change, 1 to destroy.$" out.txt'
