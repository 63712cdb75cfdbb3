#!/bin/sh
# erraddr.sh - an error the LiteLLM API gives during apply, refresh or plan carries
# Terraform's location as Terraform 1.11 prints a provider's error (tfdiags'
# InConfigBody): "with ADDR," (the instance, for_each key included) and "on FILE line N,
# in resource ..." with the block's header line, the subject its "{"; -json's diagnostic
# gets "address", "range" and "snippet"; an object whose block was removed from the
# configuration gets neither (Terraform has no configuration to place it in).  The
# faults are armed in the emulator (a 400 the client does not retry).
. "$TOP/tests/lib.sh"

KEY="sk-erraddr-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
emu_session --fault 'path=/user/new,kind=400'

cd "$WORK" || exit 1
arm() { emu_admin faults "$1"; }
# expect NAME: out.txt's diagnostic block (from its "╷" to its "╵") is exp.txt
expect() {
	sed -n '/^╷/,/^╵/p' out.txt >got.txt
	same "$1" exp.txt got.txt
}

cat > main.tf <<'EOF'
resource "litellm_team" "t" { team_alias = "erraddr-team" }

resource "litellm_user" "u" {
  for_each   = toset(["x"])
  user_email = "${each.key}@erraddr.test"
}
EOF

# create: the fault given at startup (--fault) answers the user's POST /user/new
run apply -auto-approve; rc=$?
cat > exp.txt <<'EOF'
╷
│ Error: Error creating litellm_user.u["x"]
│ 
│   with litellm_user.u["x"],
│   on main.tf line 3, in resource "litellm_user" "u":
│    3: resource "litellm_user" "u" {
│ 
│ POST /user/new: 400 Bad Request
╵
EOF
check "create failed: exit 1" "[ $rc -eq 1 ]"
expect "create: with the for_each instance, on the block's header line"
check "the key is not printed" "! grep -q '$KEY' out.txt"

run apply -auto-approve; rc=$?
check "the next apply converges" "[ $rc -eq 0 ]"

# update, plain (-no-color: Terraform's form without the rule)
sed -i 's/erraddr-team"/erraddr-team2"/' main.tf
arm '{"path":"/team/update","kind":"400","count":1}'
run apply -auto-approve -no-color; rc=$?
printf '\nError: Error updating litellm_team.t\n\n  with litellm_team.t,\n  on main.tf line 1, in resource "litellm_team" "t":\n   1: resource "litellm_team" "t" { team_alias = "erraddr-team2" }\n\nPOST /team/update: 400 Bad Request\n' >exp.txt
tail -n 8 out.txt >got.txt
same "update, -no-color: the with and on lines" exp.txt got.txt

# -json: address, range (the "{", one byte as Terraform widens an empty range), snippet
arm '{"path":"/team/update","kind":"400","count":1}'
run apply -auto-approve -json; rc=$?
grep '"type":"diagnostic"' out.txt | jq -c .diagnostic >got.txt
cat > exp.txt <<'EOF'
{"severity":"error","summary":"Error updating litellm_team.t","detail":"POST /team/update: 400 Bad Request","address":"litellm_team.t","range":{"filename":"main.tf","start":{"line":1,"column":29,"byte":28},"end":{"line":1,"column":30,"byte":29}},"snippet":{"context":"resource \"litellm_team\" \"t\"","code":"resource \"litellm_team\" \"t\" { team_alias = \"erraddr-team2\" }","start_line":1,"highlight_start_offset":28,"highlight_end_offset":29,"values":[]}}
EOF
same "-json: address, range and snippet as Terraform's" exp.txt got.txt
run apply -auto-approve; rc=$?
check "the update converges" "[ $rc -eq 0 ]"

# refresh (plan): the read's error
arm '{"path":"/user/info","kind":"400","count":1}'
arm '{"path":"/user/list","kind":"400","count":1}'
run plan; rc=$?
cat > exp.txt <<'EOF'
╷
│ Error: Error reading litellm_user.u["x"]
│ 
│   with litellm_user.u["x"],
│   on main.tf line 3, in resource "litellm_user" "u":
│    3: resource "litellm_user" "u" {
│ 
EOF
sed -n '/^╷/,$p' out.txt | head -n 7 >got.txt
check "plan: the read failed, exit 1" "[ $rc -eq 1 ]"
same "refresh: with and on lines" exp.txt got.txt
curl -s -X POST -H "Authorization: Bearer $KEY" -d '{}' "$EMU_URL/__emu/faults/clear" >/dev/null

# delete of a removed block: no configuration, so neither "with" nor "on"
sed -i '1d' main.tf
arm '{"path":"/team/delete","kind":"400","count":1}'
run apply -auto-approve; rc=$?
cat > exp.txt <<'EOF'
╷
│ Error: Error deleting litellm_team.t
│ 
│ POST /team/delete: 400 Bad Request
╵
EOF
check "delete failed: exit 1" "[ $rc -eq 1 ]"
sed -n '/^│ Error: Error deleting/,/^╵/p' out.txt | sed '1i╷' >got.txt
same "delete of a removed block: no location" exp.txt got.txt
run apply -auto-approve; rc=$?
check "the delete converges" "[ $rc -eq 0 ]"

# several instances failing alike (the same 400 for every create): one error each, as
# Terraform prints them, each with its instance and block, in Terraform's order of
# instances (numbers as numbers) whatever order the answers came in
mkdir -p "$WORK/many" && cd "$WORK/many" || exit 1
cat > main.tf <<'EOF2'
resource "litellm_user" "u" {
  count      = 11
  user_email = "many${count.index}@erraddr.test"
}

resource "litellm_user" "f" {
  for_each   = toset(["b", "a"])
  user_email = "${each.key}@erraddr.test"
}
EOF2
arm '{"path":"/user/new","kind":"400","count":13}'
run apply -auto-approve -no-color; rc=$?
check "13 creates refused alike: exit 1" "[ $rc -eq 1 ]"
grep '^  with ' out.txt >got.txt
cat > exp.txt <<'EOF2'
  with litellm_user.u[0],
  with litellm_user.u[1],
  with litellm_user.u[2],
  with litellm_user.u[3],
  with litellm_user.u[4],
  with litellm_user.u[5],
  with litellm_user.u[6],
  with litellm_user.u[7],
  with litellm_user.u[8],
  with litellm_user.u[9],
  with litellm_user.u[10],
  with litellm_user.f["a"],
  with litellm_user.f["b"],
EOF2
same "13 creates refused alike: 13 errors, each with its instance, in order" exp.txt got.txt
printf '\nError: Error creating litellm_user.f["a"]\n\n  with litellm_user.f["a"],\n  on main.tf line 6, in resource "litellm_user" "f":\n   6: resource "litellm_user" "f" {\n\nPOST /user/new: 400 Bad Request\n' >exp.txt
grep -B1 -A6 '^Error: Error creating litellm_user.f\["a"\]' out.txt >got.txt
same "each error placed at its block" exp.txt got.txt
check "no merged error" "! grep -q 'instances' out.txt"

# ---- a create answered by a page that is not LiteLLM's (a sign-in page in front of the
# proxy): the error says what came back, then that the object does not exist - it used
# to say only "failed in a way that may or may not have reached the server"
new_dir html
cat > main.tf <<'EOF2'
resource "litellm_user" "h" { user_email = "html@erraddr.test" }
resource "litellm_team" "h" { team_alias = "erraddr-html" }
EOF2
arm '{"path":"/user/new","kind":"html","count":100}'
arm '{"path":"/team/new","kind":"html","count":100}'
# with a retry budget of 30 s: such a page answers every time, so the create is looked up
# once and not sent again - the error comes at once (it used to come after the budget)
m=$(log_mark)
t0=$(date +%s)
LITEHCL_HTTP_RETRY_BUDGET=30 run apply -auto-approve -no-color; rc=$?
el=$(( $(date +%s) - t0 ))
for t in user team; do
	T=$(echo "$t" | sed 's/^./\U&/')
	flat out.txt | grep -q "Error creating litellm_$t.h with litellm_$t.h, on main.tf line [12], in resource \"litellm_$t\" \"h\": [12]: resource \"litellm_$t\" \"h\" {.* POST /$t/new: 200 (text/html): the answer is an HTML page, not JSON (a proxy or login page in front of LiteLLM?); the create may or may not have been carried out, so it was not repeated automatically. $T [0-9a-f-]* does not exist now: the create did not take effect. Run apply again." &&
		ok "$t create answered by an HTML page: the error names the answer and its content type" ||
		fail "$t create answered by an HTML page: the error names the answer and its content type" "rc=$rc" "$(cat out.txt)"
	n=$(log_writes "$m" | jq -r .path | grep -c "^/$t/new")
	check_or "$t create answered by an HTML page: sent once, the error within seconds" "[ $n -eq 1 ] && [ $el -le 5 ]" "$n creates sent, ${el}s"
done
check "html: exit 1" "[ $rc -eq 1 ]"
emu_admin faults/clear ""
# a 500 HTML page (a proxy's, LiteLLM's own 500 is JSON) to a create: the same; to an
# update or a read: 3 quick tries, then the error naming status and content type
arm '{"path":"/user/new","kind":"html","status":500,"count":100}'
printf 'resource "litellm_user" "h" { user_email = "html5@erraddr.test" }\n' >main.tf
m=$(log_mark)
LITEHCL_HTTP_RETRY_BUDGET=30 run apply -auto-approve -no-color; rc=$?
n=$(log_writes "$m" | jq -r .path | grep -c "^/user/new")
check_or "create answered by a 500 HTML page: sent once, the error names it" \
	"[ $rc -eq 1 ] && [ $n -eq 1 ] && flat out.txt | grep -q 'POST /user/new: 500 Internal Server Error (text/html): the answer is an HTML page from something in front of LiteLLM (a proxy?); the create may or may not have been carried out'" "rc=$rc, $n creates sent"
emu_admin faults/clear ""
run apply -auto-approve -no-color || fail "html: setup apply" "$(tail out.txt)"
printf 'resource "litellm_user" "h" {\n  user_email = "html5@erraddr.test"\n  user_alias = "x"\n}\n' >main.tf
arm '{"path":"/user/update","kind":"html","count":100}'
m=$(log_mark)
t0=$(date +%s)
LITEHCL_HTTP_RETRY_BUDGET=30 run apply -auto-approve -no-color; rc=$?
el=$(( $(date +%s) - t0 ))
n=$(log_writes "$m" | jq -r .path | grep -c "^/user/update")
check_or "update answered by an HTML page: 3 tries, then the error at once" \
	"[ $rc -eq 1 ] && [ $n -eq 3 ] && [ $el -le 5 ] && flat out.txt | grep -q 'POST /user/update: 200 (text/html): the answer is an HTML page, not JSON'" "rc=$rc, $n updates sent, ${el}s"
emu_admin faults/clear ""
