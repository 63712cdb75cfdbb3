#!/bin/sh
# backend_pg.sh - the "pg" backend against a real PostgreSQL started for this suite
# (tests/pg_lib.sh: initdb in a temporary directory, an unprivileged user, 127.0.0.1 on
# a free port, stopped on exit even on failure) and the LiteLLM emulator: init with
# -backend-config and the environment, apply/plan/import/destroy, two working
# directories sharing one state, workspaces, lock contention (two litehcl runs; a
# session holding Terraform's advisory lock), -migrate-state local <-> pg, kill -9 at
# random instants of a 300-user apply recovered from another directory, passwords
# never shown or stored, and - when terraform is installed - Terraform 1.11 reading what
# litehcl wrote, litehcl reading what Terraform wrote, and each locked out by the other.
# BACKEND_KILL_TRIALS (default 3) sets the number of kill -9 rounds.
. "$TOP/tests/lib.sh"
. "$TOP/tests/pg_lib.sh"

if [ -z "$(pg_bin_dir)" ]; then
	ok "skipped: PostgreSQL server binaries not found (install the postgresql package: make deps)"
	exit 0
fi
trap 'pg_stop; emu_stop' EXIT
# a suite killed by a signal (a timeout, a closed pipe) still stops its server
trap 'exit 1' INT TERM HUP PIPE
if ! pg_start 2>"$WORK/pg.err"; then
	fail "private PostgreSQL starts" "$(cat "$WORK/pg.err")"
	exit 0
fi
ok "private PostgreSQL started (initdb, user $PG_USER, 127.0.0.1:$PG_PORT)"

MK=sk-backend-pg-master-key
PW=Pw-litehcl-secret-42	# the server trusts every connection: any password works
URL="postgres://postgres:$PW@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
export LITELLM_API_KEY="$MK"
emu_start --master-key "$MK"
# server_users SUFFIX: "user_id email" of the users whose email ends in SUFFIX
server_users() {
	curl -s -H "Authorization: Bearer $MK" "$EMU_URL/__emu/dump" | python3 -c '
import json, sys
for u in json.load(sys.stdin)["users"]:
    if (u.get("user_email") or "").endswith(sys.argv[1]):
        print(u["user_id"], u["user_email"])' "$1" | sort
}
# row_users WORKSPACE: "user_id email" of the state row of WORKSPACE
row_users() {
	psql_c "select data from terraform_remote_state.states where name = '$1'" | python3 -c '
import json, sys
t = sys.stdin.read().strip()
d = json.loads(t) if t else {"resources": []}
for r in d["resources"]:
    for i in r["instances"]:
        a = i["attributes"]
        print(a["user_id"], a["user_email"])' | sort
}
lh() { "$LITEHCL" "$@"; }
# has FILE TEXT: TEXT is in FILE, even when the message was wrapped across lines
has() { tr '\n' ' ' <"$1" | tr -s ' ' | grep -qF -- "$2"; }

A="$WORK/a"; B="$WORK/b"
mkdir -p "$A" "$B"
write_cfg() {	# DIR COUNT [BACKEND_BODY]
	cat >"$1/main.tf" <<EOF
terraform {
  backend "pg" {$3}
}
provider "litellm" {
  api_base = "$EMU_URL"
}
resource "litellm_user" "u" {
  count      = $2
  user_email = "u\${count.index}-\${terraform.workspace}@pg.test"
  user_role  = "internal_user"
}
output "where" {
  value = terraform.workspace
}
EOF
}
write_cfg "$A" 3
write_cfg "$B" 3

# ---------------------------------------------------------------- init
(cd "$A" && lh plan -no-color >"$WORK/o" 2>&1)
rc=$?
if [ $rc -eq 1 ] && has "$WORK/o" 'Backend initialization required, please run "litehcl init"' &&
	has "$WORK/o" 'Initial configuration of the requested backend "pg"'; then
	ok "plan before init: Terraform's Backend initialization required"
else fail "plan before init: Terraform's Backend initialization required" "rc=$rc" "$(head -5 "$WORK/o")"; fi

(cd "$A" && lh init -no-color -backend-config="conn_str=$URL" >"$WORK/o" 2>&1)
rc=$?
if [ $rc -eq 0 ] && has "$WORK/o" 'Successfully configured the backend "pg"!' &&
	has "$WORK/o" 'litehcl has been successfully initialized!'; then ok "init -backend-config=conn_str=...: success text, exit 0"
else fail "init -backend-config=conn_str=...: success text, exit 0" "rc=$rc" "$(cat "$WORK/o")"; fi
mode=$(stat -c %a "$A/.terraform/terraform.tfstate" 2>/dev/null)
hash=$(python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["backend"]; print(b["type"], b["hash"], b["config"]["schema_name"])' "$A/.terraform/terraform.tfstate" 2>&1)
# 1949691007: Terraform 1.11's hash of an empty pg block (terraform init, recorded)
if [ "$mode" = 600 ] && [ "$hash" = "pg 1949691007 None" ]; then ok ".terraform/terraform.tfstate as Terraform writes it (hash, null settings), mode 0600"
else fail ".terraform/terraform.tfstate as Terraform writes it" "mode=$mode $hash"; fi
if grep -q "$PW" "$WORK/o"; then fail "init output has no password"; else ok "init output has no password"; fi
tables=$(psql_c "select string_agg(table_name, ',' order by table_name) from information_schema.tables where table_schema = 'terraform_remote_state'")
seq=$(psql_c "select count(*) from information_schema.sequences where sequence_schema = 'public' and sequence_name = 'global_states_id_seq'")
if [ "$tables" = "litehcl_journal,states" ] && [ "$seq" = 1 ]; then ok "schema terraform_remote_state: states + litehcl_journal, sequence public.global_states_id_seq"
else fail "schema created as Terraform does" "tables=$tables seq=$seq"; fi

(cd "$A" && lh init -no-color >"$WORK/o" 2>&1)
if [ $? -eq 0 ] && ! has "$WORK/o" "Successfully configured"; then ok "init again: unchanged backend, nothing to do"
else fail "init again: unchanged backend" "$(cat "$WORK/o")"; fi

# B: the same backend from the environment (what the README recommends for credentials)
(cd "$B" && PG_CONN_STR="$URL" lh init -no-color >"$WORK/o" 2>&1)
if [ $? -eq 0 ] && ! grep -rq "$PW" "$B/.terraform"; then ok "init with PG_CONN_STR: the password is not written under .terraform"
else fail "init with PG_CONN_STR" "$(cat "$WORK/o")" "$(cat "$B/.terraform/terraform.tfstate")"; fi

# ---------------------------------------------------------------- apply / plan / shared state
(cd "$A" && lh apply -auto-approve -no-color >"$WORK/o" 2>&1)
rc=$?
server_users "-default@pg.test" >"$WORK/srv"
row_users default >"$WORK/row"
if [ $rc -eq 0 ] && [ "$(wc -l <"$WORK/srv")" -eq 3 ] && cmp -s "$WORK/srv" "$WORK/row"; then ok "apply: 3 users created, the states row 'default' holds them"
else fail "apply into pg" "rc=$rc" "$(tail -5 "$WORK/o")" "$(cat "$WORK/row")"; fi
valid=$(psql_c "select data from terraform_remote_state.states where name = 'default'" >"$WORK/st.json" && python3 "$TOP/tests/state_check.py" "$WORK/st.json" 2>&1)
if [ $? -eq 0 ]; then ok "the stored state validates (state/schema.json)"; else fail "the stored state validates" "$valid"; fi
jr=$(psql_c "select count(*) from terraform_remote_state.litehcl_journal")
if [ "$jr" = 0 ]; then ok "no journal rows left after a complete apply"; else fail "no journal rows left" "$jr rows"; fi

(cd "$B" && PG_CONN_STR="$URL" lh plan -no-color -detailed-exitcode >"$WORK/o" 2>&1)
rc=$?
if [ $rc -eq 0 ] && has "$WORK/o" "No changes."; then ok "another working directory sees the same state: No changes"
else fail "another working directory sees the same state" "rc=$rc" "$(tail -5 "$WORK/o")"; fi
(cd "$B" && PG_CONN_STR="$URL" lh state list >"$WORK/o" 2>&1)
if [ "$(cat "$WORK/o")" = "$(printf 'litellm_user.u[0]\nlitellm_user.u[1]\nlitellm_user.u[2]')" ]; then ok "state list from the other directory"
else fail "state list from the other directory" "$(cat "$WORK/o")"; fi
(cd "$B" && PG_CONN_STR="$URL" lh force-unlock -force -no-color 1234 >"$WORK/o" 2>&1)
rc=$?
if [ $rc -eq 1 ] && flat "$WORK/o" | grep -q 'session advisory lock, released by PostgreSQL when the run holding it ends'; then
	ok "force-unlock (pg): refused, saying the lock dies with its holder"
else fail "force-unlock (pg): refused, saying the lock dies with its holder" "rc=$rc" "$(cat "$WORK/o")"; fi

# import: forget u[2] in A, import it again from B
id2=$(row_users default | grep "u2-default" | cut -d' ' -f1)
(cd "$A" && lh state rm 'litellm_user.u[2]' >"$WORK/o" 2>&1) &&
(cd "$B" && PG_CONN_STR="$URL" lh import -no-color 'litellm_user.u[2]' "$id2" >"$WORK/o2" 2>&1)
rc=$?
row_users default >"$WORK/row"
if [ $rc -eq 0 ] && [ "$(wc -l <"$WORK/row")" -eq 3 ] && grep -q "$id2 u2-default" "$WORK/row"; then ok "state rm in one directory, import from another"
else fail "state rm + import through pg" "rc=$rc" "$(cat "$WORK/o" "$WORK/o2" | tail -5)"; fi

# saved plan and secrets
(cd "$A" && lh plan -no-color -out=p.plan >"$WORK/o" 2>&1)
if grep -q "$PW" "$A/p.plan" "$WORK/o" || psql_c "select data from terraform_remote_state.states" | grep -q "$PW"; then
	fail "no password in plan files, output or the stored state"
else ok "no password in plan files, output or the stored state"; fi

# ---------------------------------------------------------------- errors name no password
(cd "$B" && PG_CONN_STR="postgres://postgres:$PW@127.0.0.1:1/postgres?sslmode=disable" lh plan -no-color >"$WORK/o" 2>&1)
rc=$?
if [ $rc -eq 1 ] && has "$WORK/o" "Failed to connect to the pg backend" && ! grep -q "$PW" "$WORK/o"; then ok "connection refused: clear error without the password"
else fail "connection refused: clear error without the password" "rc=$rc" "$(cat "$WORK/o")"; fi
(cd "$B" && PG_CONN_STR="postgres://postgres:$PW@127.0.0.1:$PG_PORT/postgres" lh plan -no-color >"$WORK/o" 2>&1)
rc=$?
if [ $rc -eq 1 ] && grep -qi "ssl" "$WORK/o" && ! grep -q "$PW" "$WORK/o"; then ok "sslmode defaults to require, as Terraform's lib/pq (the test server has no TLS)"
else fail "sslmode defaults to require" "rc=$rc" "$(cat "$WORK/o")"; fi

# ---------------------------------------------------------------- workspaces
(cd "$A" && lh workspace new staging -no-color >"$WORK/o" 2>&1)
rc=$?
rows=$(psql_c "select string_agg(name, ',' order by name) from terraform_remote_state.states")
if [ $rc -eq 0 ] && has "$WORK/o" 'Created and switched to workspace "staging"!' && [ "$rows" = "default,staging" ] &&
	[ "$(cat "$A/.terraform/environment")" = staging ]; then ok "workspace new: a row per workspace, selected in .terraform/environment"
else fail "workspace new" "rc=$rc rows=$rows" "$(cat "$WORK/o")"; fi
(cd "$A" && lh workspace list >"$WORK/o" 2>&1)
if [ "$(cat "$WORK/o")" = "$(printf '  default\n* staging\n')" ]; then ok "workspace list marks the current one"
else fail "workspace list" "$(cat "$WORK/o")"; fi
(cd "$A" && lh apply -auto-approve -no-color >"$WORK/o" 2>&1)
rc=$?
if [ $rc -eq 0 ] && [ "$(row_users staging | grep -c -- '-staging@pg.test')" -eq 3 ] && [ "$(row_users default | wc -l)" -eq 3 ] &&
	has "$WORK/o" 'where = "staging"'; then ok "apply in workspace staging: its own row, terraform.workspace = \"staging\""
else fail "apply in workspace staging" "rc=$rc" "$(tail -5 "$WORK/o")"; fi
(cd "$B" && TF_WORKSPACE=staging PG_CONN_STR="$URL" lh output -raw where >"$WORK/o" 2>&1)
if [ "$(cat "$WORK/o")" = staging ]; then ok "TF_WORKSPACE selects the workspace in another directory"
else fail "TF_WORKSPACE selects the workspace" "$(cat "$WORK/o")"; fi
(cd "$A" && lh workspace delete staging >"$WORK/o" 2>&1)
rc1=$?
(cd "$A" && lh workspace select default -no-color >/dev/null 2>&1 && lh workspace delete staging -no-color >"$WORK/o2" 2>&1)
rc2=$?
if [ $rc1 -eq 1 ] && has "$WORK/o" "is your active workspace" && [ $rc2 -eq 1 ] && has "$WORK/o2" "Workspace is not empty"; then
	ok "workspace delete refuses the active and a non-empty workspace"
else fail "workspace delete refusals" "rc1=$rc1 rc2=$rc2" "$(cat "$WORK/o" "$WORK/o2")"; fi
(cd "$A" && TF_WORKSPACE=staging lh destroy -auto-approve -no-color >"$WORK/o" 2>&1 && lh workspace delete staging -no-color >"$WORK/o2" 2>&1)
rc=$?
rows=$(psql_c "select string_agg(name, ',' order by name) from terraform_remote_state.states")
if [ $rc -eq 0 ] && [ "$rows" = default ] && [ "$(server_users -staging@pg.test | wc -l)" -eq 0 ]; then ok "destroy then workspace delete removes the row"
else fail "destroy + workspace delete" "rc=$rc rows=$rows" "$(tail -n 3 "$WORK/o" "$WORK/o2")"; fi

# ---------------------------------------------------------------- locking
# A session holding Terraform's advisory lock on the default row (what a terraform run does)
rowid=$(psql_c "select id from terraform_remote_state.states where name = 'default'")
("$PG_BIN/psql" -X -q -d "$PG_URL" -c "select pg_advisory_lock($rowid)" -c "select pg_sleep(2)" >/dev/null 2>&1) &
holder=$!
sleep 0.7
(cd "$A" && lh plan -no-color >"$WORK/o" 2>&1)
rc=$?
if [ $rc -eq 1 ] && has "$WORK/o" "Error acquiring the state lock" && has "$WORK/o" "Workspace is already locked: default"; then
	ok "advisory lock held by another session: Terraform's error text, exit 1"
else fail "advisory lock held by another session" "rc=$rc" "$(head -12 "$WORK/o")"; fi
t0=$(date +%s)
(cd "$A" && lh plan -no-color -lock-timeout=30s >"$WORK/o" 2>&1)
rc=$?
t1=$(date +%s)
wait $holder
if [ $rc -eq 0 ] && [ $((t1 - t0)) -ge 1 ]; then ok "-lock-timeout waits for the other session, then succeeds"
else fail "-lock-timeout waits then succeeds" "rc=$rc waited=$((t1 - t0))s" "$(tail -5 "$WORK/o")"; fi

# two litehcl runs: a slow apply (latency on /user/new) holds the lock
write_cfg "$A" 4
write_cfg "$B" 4
emu_admin faults '{"path":"/user/new","kind":"latency","ms":2000,"count":1}'
(cd "$A" && exec "$LITEHCL" apply -auto-approve -no-color >"$WORK/holder.out" 2>&1) &
holder=$!
sleep 1
(cd "$B" && PG_CONN_STR="$URL" lh plan -no-color >"$WORK/o" 2>&1)
rc=$?
(cd "$B" && PG_CONN_STR="$URL" lh plan -no-color -lock-timeout=30s -detailed-exitcode >"$WORK/o2" 2>&1)
rc2=$?
wait $holder
hrc=$?
if [ $rc -eq 1 ] && has "$WORK/o" "Workspace is already locked: default" && [ $hrc -eq 0 ] && [ $rc2 -eq 0 ]; then
	ok "second litehcl run refused while the first applies; with -lock-timeout it waits and sees the result"
else fail "two litehcl runs on one pg state" "rc=$rc rc2=$rc2 holder=$hrc" "$(head -8 "$WORK/o")" "$(tail -4 "$WORK/o2")" "$(tail -4 "$WORK/holder.out")"; fi
locks=$(psql_c "select count(*) from pg_locks where locktype = 'advisory'")
if [ "$locks" = 0 ]; then ok "no advisory lock left after the runs"; else fail "no advisory lock left" "$locks"; fi

# workspace creation lock (-1): a new workspace whose creation lock is held
("$PG_BIN/psql" -X -q -d "$PG_URL" -c "select pg_advisory_lock(-1)" -c "select pg_sleep(2)" >/dev/null 2>&1) &
holder=$!
sleep 0.7
(cd "$A" && TF_WORKSPACE=fresh lh plan -no-color >"$WORK/o" 2>&1)
rc=$?
wait $holder
if [ $rc -eq 1 ] && has "$WORK/o" "Already locked for workspace creation: fresh"; then ok "creation lock -1 held: a new workspace waits for it"
else fail "creation lock -1" "rc=$rc" "$(head -8 "$WORK/o")"; fi

# ---------------------------------------------------------------- -migrate-state local <-> pg
C="$WORK/c"
mkdir -p "$C"
cat >"$C/main.tf" <<EOF
provider "litellm" {
  api_base = "$EMU_URL"
}
resource "litellm_user" "m" {
  count      = 2
  user_email = "m\${count.index}@migrate.test"
}
EOF
(cd "$C" && lh apply -auto-approve -no-color >"$WORK/o" 2>&1)
lin=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lineage"])' "$C/terraform.tfstate")
sed -i '1i terraform {\n  backend "pg" {\n    schema_name = "migrated"\n  }\n}' "$C/main.tf"
(cd "$C" && PG_CONN_STR="$URL" lh init -no-color -input=false >"$WORK/o" 2>&1)
rc1=$?
(cd "$C" && PG_CONN_STR="$URL" lh init -no-color -migrate-state -force-copy >"$WORK/o2" 2>&1)
rc2=$?
mlin=$(psql_c "select data from migrated.states where name = 'default'" | python3 -c 'import json,sys; print(json.load(sys.stdin)["lineage"])' 2>&1)
(cd "$C" && PG_CONN_STR="$URL" lh plan -no-color -detailed-exitcode >"$WORK/o3" 2>&1)
rc3=$?
if [ $rc1 -eq 1 ] && has "$WORK/o" "migrate-state" && [ $rc2 -eq 0 ] && [ "$mlin" = "$lin" ] && [ $rc3 -eq 0 ] && [ ! -s "$C/terraform.tfstate" ]; then
	ok "init -migrate-state: the local state moves into pg (same lineage), local emptied, plan empty"
else fail "init -migrate-state local -> pg" "rc1=$rc1 rc2=$rc2 rc3=$rc3 lin=$lin mlin=$mlin" "$(cat "$WORK/o" "$WORK/o2" | tail -8)" "$(tail -4 "$WORK/o3")"; fi
sed -i '1,5d' "$C/main.tf"
(cd "$C" && PG_CONN_STR="$URL" lh plan -no-color >"$WORK/o" 2>&1)
rc1=$?
(cd "$C" && PG_CONN_STR="$URL" lh init -no-color -migrate-state >"$WORK/o2" 2>&1)
rc2=$?
(cd "$C" && lh plan -no-color -detailed-exitcode >"$WORK/o3" 2>&1)
rc3=$?
if [ $rc1 -eq 1 ] && has "$WORK/o" 'Unsetting the previously set backend "pg"' && [ $rc2 -eq 0 ] &&
	has "$WORK/o2" 'Successfully unset the backend "pg"' && [ $rc3 -eq 0 ] && [ ! -e "$C/.terraform/terraform.tfstate" ]; then
	ok "backend block removed: plan asks for init, init -migrate-state brings the state back to local"
else fail "init -migrate-state pg -> local" "rc1=$rc1 rc2=$rc2 rc3=$rc3" "$(tail -n 5 "$WORK/o" "$WORK/o2" "$WORK/o3")"; fi

# ---------------------------------------------------------------- kill -9, recovery elsewhere
N=300
trials=${BACKEND_KILL_TRIALS:-3}
K1="$WORK/k1"; K2="$WORK/k2"
mkdir -p "$K1" "$K2"
for k in "$K1" "$K2"; do
	cat >"$k/main.tf" <<EOF
terraform {
  backend "pg" {
    schema_name = "crash"
  }
}
provider "litellm" {
  api_base = "$EMU_URL"
}
resource "litellm_user" "k" {
  count      = $N
  user_email = "k\${count.index}@kill.test"
}
EOF
	(cd "$k" && PG_CONN_STR="$URL" lh init -no-color >/dev/null 2>&1)
done
emu_admin faults '{"path":"/user/new","kind":"latency","ms":40,"count":0}'
bad=""; partial=0; journals=0; i=0; seen=""
while [ $i -lt "$trials" ]; do
	i=$((i + 1))
	emu_admin reset '{"keep_faults":true}'
	psql_c "delete from crash.states; delete from crash.litehcl_journal" >/dev/null
	# odd rounds: a random instant from the start (lock, refresh, journal writes
	# included); even rounds: a random instant after the first create landed
	delay=$(python3 -c "import random; print(round(random.uniform(0.05, 1.2 if $i % 2 else 0.6), 3))")
	(cd "$K1" && PG_CONN_STR="$URL" exec "$LITEHCL" apply -auto-approve -no-color >"$WORK/kill.out" 2>&1) &
	pid=$!
	if [ $((i % 2)) -eq 0 ]; then
		w=0
		while ! curl -s -H "Authorization: Bearer $MK" "$EMU_URL/__emu/dump" | grep -q "@kill.test" && [ $w -lt 500 ]; do sleep 0.01; w=$((w + 1)); done
	fi
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	mid=$(server_users @kill.test | wc -l)
	[ "$mid" -gt 0 ] && [ "$mid" -lt $N ] && partial=$((partial + 1))
	seen="$seen ${delay}s:$mid"
	[ "$(psql_c 'select count(*) from crash.litehcl_journal')" -gt 0 ] && journals=$((journals + 1))
	(cd "$K2" && PG_CONN_STR="$URL" "$LITEHCL" apply -auto-approve -no-color >"$WORK/again.out" 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then bad="$bad round $i (${delay}s): re-apply from another directory failed: $(grep -m3 -i error "$WORK/again.out" | tr '\n' ' ');"; continue; fi
	if grep -qE "409 Conflict|already exists" "$WORK/again.out"; then bad="$bad round $i: a 409 during recovery: $(grep -m2 -E '409 Conflict|already exists' "$WORK/again.out" | tr '\n' ' ');"; fi
	server_users @kill.test >"$WORK/srv"
	psql_c "select data from crash.states where name = 'default'" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for r in d["resources"]:
    for i in r["instances"]:
        print(i["attributes"]["user_id"], i["attributes"]["user_email"])' | sort >"$WORK/row"
	ns=$(wc -l <"$WORK/srv")
	[ "$ns" -ne $N ] && bad="$bad round $i: server holds $ns users, want $N (duplicates or losses);"
	cmp -s "$WORK/srv" "$WORK/row" || bad="$bad round $i: state and server differ (orphans): $(diff "$WORK/srv" "$WORK/row" | head -3 | tr '\n' ' ');"
	[ "$(psql_c 'select count(*) from crash.litehcl_journal')" = 0 ] || bad="$bad round $i: journal rows left;"
	(cd "$K1" && PG_CONN_STR="$URL" "$LITEHCL" plan -no-color -detailed-exitcode >"$WORK/plan.out" 2>&1) ||
		bad="$bad round $i: plan after recovery not empty: $(grep -m2 -E 'Plan:|Error' "$WORK/plan.out" | tr '\n' ' ');"
done
[ "$partial" -eq 0 ] && bad="$bad no kill landed mid-apply, the test proved nothing (delay:users created$seen);"
if [ -z "$bad" ]; then ok "kill -9 during a $N-user apply into pg, recovered from another directory: $trials rounds, $partial mid-apply, $journals journals replayed, no duplicate, no orphan, plan empty"
else fail "kill -9 during a $N-user apply into pg" "$bad"; fi
emu_admin faults/clear '{}'

# ---------------------------------------------------------------- Terraform 1.11 on the same database
if ! command -v terraform >/dev/null 2>&1; then
	ok "skipped: Terraform interop (terraform not installed)"
	exit 0
fi
export TF_CLI_CONFIG_FILE=/dev/null TF_IN_AUTOMATION=1
T="$WORK/t"
mkdir -p "$T"
printf 'terraform {\n  backend "pg" {}\n}\n' >"$T/main.tf"
# init installs nothing here but reports the state's provider as unavailable offline;
# the backend part is done first, which is all state list/pull need.
(cd "$T" && terraform init -no-color -input=false -backend-config="conn_str=$URL" >"$WORK/tfinit.out" 2>&1)
(cd "$T" && terraform state list >"$WORK/o" 2>&1)
(cd "$A" && lh state list >"$WORK/o2" 2>&1)
if [ -s "$WORK/o" ] && cmp -s "$WORK/o" "$WORK/o2"; then ok "terraform state list sees what litehcl wrote"
else fail "terraform state list sees what litehcl wrote" "$(cat "$WORK/o")" "$(tail -5 "$WORK/tfinit.out")"; fi
(cd "$T" && terraform state pull >"$WORK/pulled.json" 2>&1)
ours=$(psql_c "select data from terraform_remote_state.states where name = 'default'" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["lineage"], d["serial"], len(d["resources"][0]["instances"]))')
theirs=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["lineage"], d["serial"], len(d["resources"][0]["instances"]))' "$WORK/pulled.json" 2>&1)
if [ "$ours" = "$theirs" ]; then ok "terraform state pull: same lineage, serial and instances"
else fail "terraform state pull" "ours=$ours theirs=$theirs"; fi

# Terraform writes a workspace of its own; litehcl reads it
TW="$WORK/tw"
mkdir -p "$TW"
printf 'terraform {\n  backend "pg" {}\n}\noutput "from" {\n  value = "terraform ${terraform.workspace}"\n}\n' >"$TW/main.tf"
(cd "$TW" && { terraform init -no-color -input=false -backend-config="conn_str=$URL" >/dev/null 2>&1
	terraform workspace new tfws -no-color >/dev/null 2>&1 && terraform init -no-color -input=false >/dev/null 2>&1 &&
	terraform apply -auto-approve -no-color -input=false >"$WORK/tfapply.out" 2>&1; })
rc=$?
(cd "$B" && TF_WORKSPACE=tfws PG_CONN_STR="$URL" lh output -raw from >"$WORK/o" 2>&1)
(cd "$B" && PG_CONN_STR="$URL" lh workspace list >"$WORK/o2" 2>&1)
if [ $rc -eq 0 ] && [ "$(cat "$WORK/o")" = "terraform tfws" ] && grep -q "^  tfws$" "$WORK/o2"; then ok "litehcl reads the workspace Terraform created and wrote"
else fail "litehcl reads what Terraform wrote" "rc=$rc" "$(cat "$WORK/o" "$WORK/o2")" "$(tail -5 "$WORK/tfapply.out")"; fi

# lock exclusion both ways, in workspace tfws
printf 'terraform {\n  backend "pg" {}\n}\noutput "from" {\n  value = "terraform again"\n}\n' >"$TW/main.tf"
( (sleep 3; echo no) | (cd "$TW" && exec terraform apply -no-color >"$WORK/tfhold.out" 2>&1) ) &
holder=$!
i=0
while ! grep -q "Enter a value" "$WORK/tfhold.out" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
(cd "$B" && TF_WORKSPACE=tfws PG_CONN_STR="$URL" lh plan -no-color >"$WORK/o" 2>&1)
rc=$?
wait $holder
if [ $rc -eq 1 ] && has "$WORK/o" "Workspace is already locked: tfws"; then ok "terraform apply at its prompt holds the lock: litehcl is refused"
else fail "terraform holds the lock: litehcl is refused" "rc=$rc" "$(head -8 "$WORK/o")" "$(tail -3 "$WORK/tfhold.out")"; fi
emu_admin faults '{"path":"/user/new","kind":"latency","ms":2500,"count":1}'
write_cfg "$A" 5
(cd "$A" && exec "$LITEHCL" apply -auto-approve -no-color >"$WORK/holder.out" 2>&1) &
holder=$!
sleep 1
(cd "$T" && terraform state pull -no-color >/dev/null 2>&1; terraform plan -no-color -input=false -lock-timeout=0s >"$WORK/o" 2>&1)
wait $holder
if has "$WORK/o" "Error acquiring the state lock" && has "$WORK/o" "Workspace is already locked: default"; then ok "litehcl apply holds the lock: terraform plan is refused"
else fail "litehcl holds the lock: terraform is refused" "$(head -12 "$WORK/o")"; fi
(cd "$T" && terraform plan -no-color -input=false -lock-timeout=0s >"$WORK/o" 2>&1)
if ! has "$WORK/o" "Error acquiring the state lock"; then ok "lock released for terraform after litehcl finished"
else fail "lock released for terraform after litehcl finished" "$(head -8 "$WORK/o")"; fi
