#!/bin/sh
# backend_http.sh - the "http" backend against tests/httpstate/server.py (Terraform's
# http state protocol, 127.0.0.1 only) and the LiteLLM emulator: GET/POST/LOCK/UNLOCK
# with basic auth, Content-MD5 and ?ID=, lock conflicts naming the holder's lock ID and
# -lock-timeout, GitLab's conventions (POST/DELETE on .../lock), no locking without
# lock_address, retries, workspace commands refused, init -migrate-state local -> http,
# kill -9 recovered through the local journal, TLS with a CA / client certificate given
# as PEM contents and skip_cert_verification, credentials never shown; and, when
# terraform is installed, Terraform 1.11 driving the same server.
. "$TOP/tests/lib.sh"

MK=sk-backend-http-master-key
HU=state-admin
HP=Http-secret-pw-77
export LITELLM_API_KEY="$MK"
SRV_PIDS=""
trap 'for p in $SRV_PIDS; do kill $p 2>/dev/null; done; emu_stop' EXIT
trap 'exit 1' INT TERM HUP PIPE
emu_start --master-key "$MK"

# srv_start NAME [ARGS...]: starts a state server; sets SRV (its base URL)
srv_start() {
	pf="$WORK/$1.port"
	shift
	rm -f "$pf"
	python3 "$TOP/tests/httpstate/server.py" --port-file "$pf" "$@" >"$WORK/srv.err" 2>&1 &
	SRV_PIDS="$SRV_PIDS $!"
	SRV_PORT=$(wait_port "$pf")
}
srv_start plain --user "$HU" --password "$HP"
if [ -z "$SRV_PORT" ]; then fail "state server starts" "$(cat "$WORK/srv.err")"; exit 0; fi
S="http://127.0.0.1:$SRV_PORT"
srvlog() { curl -s "$1/__admin/log"; }
lh() { "$LITEHCL" "$@"; }
# has FILE TEXT: TEXT is in FILE, even when the message was wrapped across lines
has() { tr '\n' ' ' <"$1" | tr -s ' ' | grep -qF -- "$2"; }

cfg() {	# DIR COUNT BACKEND_BODY
	mkdir -p "$1"
	cat >"$1/main.tf" <<EOF
terraform {
  backend "http" {
$3
  }
}
provider "litellm" {
  api_base = "$EMU_URL"
}
resource "litellm_user" "u" {
  count      = $2
  user_email = "h\${count.index}@$(basename "$1").http.test"
}
EOF
}
A="$WORK/a"
cfg "$A" 2 "    address        = \"$S/state/a\"
    lock_address   = \"$S/state/a\"
    unlock_address = \"$S/state/a\""
export TF_HTTP_USERNAME="$HU" TF_HTTP_PASSWORD="$HP"

# ---------------------------------------------------------------- init, apply, protocol
(cd "$A" && lh init -no-color >"$WORK/o" 2>&1)
rc=$?
if [ $rc -eq 0 ] && has "$WORK/o" 'Successfully configured the backend "http"!'; then ok "init with the http backend"
else fail "init with the http backend" "rc=$rc" "$(cat "$WORK/o")"; fi
(cd "$A" && lh apply -auto-approve -no-color >"$WORK/o" 2>&1)
rc=$?
curl -s -u "$HU:$HP" "$S/state/a" >"$WORK/st.json"
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["resources"][0]["instances"]))' "$WORK/st.json" 2>&1)
if [ $rc -eq 0 ] && [ "$n" = 2 ] && python3 "$TOP/tests/state_check.py" "$WORK/st.json" >/dev/null; then ok "apply stores a valid state on the server"
else fail "apply stores the state on the server" "rc=$rc n=$n" "$(tail -5 "$WORK/o")"; fi
srvlog "$S" >"$WORK/log"
check=$(python3 - "$WORK/log" <<'EOF'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
apply = [e for e in log if e["method"] in ("LOCK", "UNLOCK", "POST")]
bad = []
if not all(e["auth_ok"] for e in log): bad.append("a request without the basic auth credentials")
locks = [e for e in log if e["method"] == "LOCK"]
posts = [e for e in log if e["method"] == "POST"]
if not locks: bad.append("no LOCK")
if not posts: bad.append("no POST")
for e in posts:
    if not e["query"].startswith("ID="): bad.append("POST without ?ID=: " + e["query"])
    if not e.get("content_md5_ok"): bad.append("POST without a correct Content-MD5")
    if e.get("content_type") != "application/json": bad.append("POST Content-Type " + str(e.get("content_type")))
for e in locks:
    if not e.get("content_md5_ok"): bad.append("LOCK without a correct Content-MD5")
seq = [e["method"] for e in log]
if seq.count("LOCK") != seq.count("UNLOCK"): bad.append("LOCK/UNLOCK unbalanced: " + " ".join(seq))
print("; ".join(bad) or "ok")
EOF
)
if [ "$check" = ok ]; then ok "protocol: basic auth on every request, LOCK/UNLOCK pairs, POST ?ID=<lock id> with Content-MD5 and Content-Type"
else fail "protocol details" "$check"; fi
(cd "$A" && lh plan -no-color -detailed-exitcode >"$WORK/o" 2>&1)
if [ $? -eq 0 ]; then ok "plan: No changes"; else fail "plan: No changes" "$(tail -5 "$WORK/o")"; fi
if grep -rq "$HP" "$A/.terraform" "$WORK/o" "$WORK/st.json"; then fail "credentials from TF_HTTP_PASSWORD are not stored or shown"
else ok "credentials from TF_HTTP_PASSWORD are not stored or shown"; fi

# wrong credentials
(cd "$A" && TF_HTTP_PASSWORD=wrong-pw lh plan -no-color >"$WORK/o" 2>&1)
rc=$?
if [ $rc -eq 1 ] && has "$WORK/o" "HTTP remote state endpoint requires auth" && ! grep -q wrong-pw "$WORK/o"; then ok "401: Terraform's 'requires auth' error, password not shown"
else fail "401 answer" "rc=$rc" "$(cat "$WORK/o")"; fi

# ---------------------------------------------------------------- lock conflicts
curl -s -u "$HU:$HP" -X LOCK --data '{"ID":"foreign-lock-1234","Operation":"OperationTypeApply","Who":"someone@elsewhere"}' "$S/state/a" >/dev/null
(cd "$A" && lh plan -no-color >"$WORK/o" 2>&1)
rc=$?
if [ $rc -eq 1 ] && has "$WORK/o" "Error acquiring the state lock" && has "$WORK/o" "HTTP remote state already locked: ID=foreign-lock-1234"; then
	ok "423 while locked: the holder's lock ID in Terraform's message, exit 1"
else fail "423 while locked" "rc=$rc" "$(head -10 "$WORK/o")"; fi
(sleep 2; curl -s -u "$HU:$HP" -X UNLOCK --data '{"ID":"foreign-lock-1234"}' "$S/state/a" >/dev/null) &
unlocker=$!
t0=$(date +%s)
(cd "$A" && lh plan -no-color -lock-timeout=20s -detailed-exitcode >"$WORK/o" 2>&1)
rc=$?
t1=$(date +%s)
wait $unlocker
if [ $rc -eq 0 ] && [ $((t1 - t0)) -ge 1 ]; then ok "-lock-timeout waits for the unlock, then succeeds"
else fail "-lock-timeout waits then succeeds" "rc=$rc $((t1 - t0))s" "$(tail -5 "$WORK/o")"; fi

# GitLab's conventions: POST .../lock, DELETE .../lock, 409 for a held lock
G="$WORK/gitlab"
cfg "$G" 1 "    address        = \"$S/state/gl\"
    lock_address   = \"$S/state/gl/lock\"
    unlock_address = \"$S/state/gl/lock\"
    lock_method    = \"POST\"
    unlock_method  = \"DELETE\""
(cd "$G" && lh init -no-color >/dev/null 2>&1 && lh apply -auto-approve -no-color >"$WORK/o" 2>&1)
rc=$?
gl=$(srvlog "$S" | python3 -c '
import json, sys
print(" ".join(e["method"] + ":" + e["path"] for e in map(json.loads, sys.stdin) if e["path"].startswith("/state/gl")))')
case "$gl" in
*"POST:/state/gl/lock"*"POST:/state/gl "*|*"POST:/state/gl/lock GET:/state/gl"*) glok=1 ;;
*) glok=0 ;;
esac
if [ $rc -eq 0 ] && [ $glok = 1 ] && echo "$gl" | grep -q "DELETE:/state/gl/lock"; then ok "GitLab conventions: POST and DELETE on the lock address"
else fail "GitLab conventions" "rc=$rc $gl" "$(tail -3 "$WORK/o")"; fi
curl -s -u "$HU:$HP" -X POST --data '{"ID":"gitlab-holder-9"}' "$S/state/gl/lock" >/dev/null
(cd "$G" && lh plan -no-color >"$WORK/o" 2>&1)
rc=$?
curl -s -u "$HU:$HP" -X DELETE --data '{"ID":"gitlab-holder-9"}' "$S/state/gl/lock" >/dev/null
if [ $rc -eq 1 ] && has "$WORK/o" "HTTP remote state already locked: ID=gitlab-holder-9"; then ok "409 from a GitLab-style lock: a conflict naming the holder"
else fail "409 conflict" "rc=$rc" "$(head -8 "$WORK/o")"; fi

# update_method = "PUT"
P="$WORK/put"
cfg "$P" 1 "    address       = \"$S/state/put\"
    update_method = \"PUT\""
(cd "$P" && lh init -no-color >/dev/null 2>&1 && lh apply -auto-approve -no-color >"$WORK/o" 2>&1)
rc=$?
pm=$(srvlog "$S" | python3 -c '
import json, sys
print(" ".join(sorted({e["method"] for e in map(json.loads, sys.stdin) if e["path"] == "/state/put"})))')
if [ $rc -eq 0 ] && [ "$pm" = "GET PUT" ]; then ok "update_method = \"PUT\" uploads with PUT"
else fail "update_method PUT" "rc=$rc methods=$pm" "$(tail -3 "$WORK/o")"; fi

# no lock_address: no locking
N="$WORK/nolock"
cfg "$N" 1 "    address = \"$S/state/nolock\""
(cd "$N" && lh init -no-color >/dev/null 2>&1 && lh apply -auto-approve -no-color >"$WORK/o" 2>&1)
rc=$?
nl=$(srvlog "$S" | python3 -c '
import json, sys
print(" ".join(sorted({e["method"] for e in map(json.loads, sys.stdin) if e["path"].startswith("/state/nolock")})))')
if [ $rc -eq 0 ] && [ "$nl" = "GET POST" ]; then ok "no lock_address: no lock requests, as Terraform"
else fail "no lock_address: no locking" "rc=$rc methods=$nl" "$(tail -3 "$WORK/o")"; fi

# ---------------------------------------------------------------- retries
curl -s -X POST --data '{"count":2,"status":503}' "$S/__admin/fail" >/dev/null
(cd "$N" && TF_HTTP_RETRY_WAIT_MIN=0 lh plan -no-color -detailed-exitcode >"$WORK/o" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then ok "two 503 answers are retried (retry_max 2 by default)"; else fail "503 retried" "rc=$rc" "$(tail -5 "$WORK/o")"; fi
curl -s -X POST --data '{"count":3,"status":500}' "$S/__admin/fail" >/dev/null
(cd "$N" && TF_HTTP_RETRY_WAIT_MIN=0 TF_HTTP_RETRY_MAX=1 lh plan -no-color >"$WORK/o" 2>&1)
rc=$?
curl -s -X POST --data '{"count":0}' "$S/__admin/fail" >/dev/null
if [ $rc -eq 1 ] && has "$WORK/o" "HTTP remote state internal server error"; then ok "retry_max exhausted: Terraform's error for a 500"
else fail "retry_max exhausted" "rc=$rc" "$(head -8 "$WORK/o")"; fi

# ---------------------------------------------------------------- workspaces
(cd "$A" && lh workspace new other -no-color >"$WORK/o" 2>&1)
rc1=$?
(cd "$A" && lh workspace list -no-color >"$WORK/o2" 2>&1)
rc2=$?
(cd "$A" && TF_WORKSPACE=other lh plan -no-color >"$WORK/o3" 2>&1)
rc3=$?
if [ $rc1 -eq 1 ] && [ $rc2 -eq 1 ] && [ $rc3 -eq 1 ] && has "$WORK/o" "workspaces not supported" &&
	has "$WORK/o2" "workspaces not supported" && has "$WORK/o3" "workspaces not supported"; then
	ok "workspace commands and TF_WORKSPACE refused: workspaces not supported"
else fail "workspaces refused" "rc=$rc1 $rc2 $rc3" "$(cat "$WORK/o" "$WORK/o2" "$WORK/o3")"; fi

# ---------------------------------------------------------------- -migrate-state local -> http
M="$WORK/mig"
mkdir -p "$M"
cat >"$M/main.tf" <<EOF
provider "litellm" {
  api_base = "$EMU_URL"
}
resource "litellm_user" "m" {
  user_email = "m@mig.http.test"
}
EOF
(cd "$M" && lh apply -auto-approve -no-color >/dev/null 2>&1)
lin=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lineage"])' "$M/terraform.tfstate")
sed -i "1i terraform {\n  backend \"http\" {\n    address = \"$S/state/mig\"\n    lock_address = \"$S/state/mig\"\n    unlock_address = \"$S/state/mig\"\n  }\n}" "$M/main.tf"
(cd "$M" && lh init -no-color -migrate-state -force-copy >"$WORK/o" 2>&1)
rc=$?
rlin=$(curl -s -u "$HU:$HP" "$S/state/mig" | python3 -c 'import json,sys; print(json.load(sys.stdin)["lineage"])' 2>&1)
(cd "$M" && lh plan -no-color -detailed-exitcode >"$WORK/o2" 2>&1)
rc2=$?
if [ $rc -eq 0 ] && [ "$rlin" = "$lin" ] && [ $rc2 -eq 0 ]; then ok "init -migrate-state moves the local state to the http backend"
else fail "init -migrate-state local -> http" "rc=$rc rc2=$rc2 lin=$lin rlin=$rlin" "$(tail -n 5 "$WORK/o" "$WORK/o2")"; fi

# ---------------------------------------------------------------- kill -9: the local journal
K="$WORK/kill"
cfg "$K" 200 "    address        = \"$S/state/kill\"
    lock_address   = \"$S/state/kill\"
    unlock_address = \"$S/state/kill\""
(cd "$K" && lh init -no-color >/dev/null 2>&1)
emu_admin faults '{"path":"/user/new","kind":"latency","ms":100,"count":0}'
bad=""; partial=0; rounds=2; i=0
while [ $i -lt $rounds ]; do
	i=$((i + 1))
	emu_admin reset '{"keep_faults":true}'
	curl -s -u "$HU:$HP" -X DELETE "$S/state/kill" >/dev/null
	curl -s -X POST "$S/__admin/unlock?name=/state/kill" >/dev/null
	rm -f "$K/.terraform/litehcl-http.journal"
	(cd "$K" && exec "$LITEHCL" apply -auto-approve -no-color >"$WORK/kill.out" 2>&1) &
	pid=$!
	# a random instant after the first create landed
	w=0
	while [ "$(curl -s -H "Authorization: Bearer $MK" "$EMU_URL/__emu/dump" | grep -c kill.http.test)" -eq 0 ] && [ $w -lt 3000 ]; do sleep 0.01; w=$((w + 1)); done
	sleep "$(python3 -c 'import random; print(round(random.uniform(0, 0.25), 3))')"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	mid=$(curl -s -H "Authorization: Bearer $MK" "$EMU_URL/__emu/dump" | python3 -c 'import json,sys; print(sum(1 for u in json.load(sys.stdin)["users"] if (u.get("user_email") or "").endswith("@kill.http.test")))')
	[ "$mid" -gt 0 ] && [ "$mid" -lt 200 ] && partial=$((partial + 1))
	# the killed run still holds the server's lock, as a killed terraform would: the
	# administrator force-unlocks it
	curl -s -X POST "$S/__admin/unlock?name=/state/kill" >/dev/null
	(cd "$K" && "$LITEHCL" apply -auto-approve -no-color >"$WORK/again.out" 2>&1) || { bad="$bad round $i: re-apply failed: $(grep -m2 Error "$WORK/again.out");"; continue; }
	ns=$(curl -s -H "Authorization: Bearer $MK" "$EMU_URL/__emu/dump" | python3 -c 'import json,sys; print(sum(1 for u in json.load(sys.stdin)["users"] if (u.get("user_email") or "").endswith("@kill.http.test")))')
	[ "$ns" -eq 200 ] || bad="$bad round $i: server holds $ns users;"
	[ -e "$K/.terraform/litehcl-http.journal" ] && bad="$bad round $i: journal left;"
	(cd "$K" && "$LITEHCL" plan -no-color -detailed-exitcode >/dev/null 2>&1) || bad="$bad round $i: plan not empty;"
done
emu_admin faults/clear '{}'
[ $partial -eq 0 ] && bad="$bad no kill landed mid-apply;"
if [ -z "$bad" ]; then ok "kill -9 during an apply to the http backend: the local journal recovers ($rounds rounds, $partial mid-apply)"
else fail "kill -9 with the http backend" "$bad"; fi

# ---------------------------------------------------------------- force-unlock LOCK_ID
# a lock another run holds (a Terraform or litehcl run that died): plan names it,
# force-unlock with a wrong ID is refused naming the holder's, 'no' keeps it, the
# right ID releases it (sent in the unlock body, which this server checks)
curl -s -u "$HU:$HP" -X LOCK -H 'Content-Type: application/json' \
	-d '{"ID":"5c0ffee0-dead-beef-0000-000000000042","Operation":"OperationTypeApply","Who":"ci@runner","Version":"1.11.4","Created":"2026-12-07T10:00:00Z","Path":"","Info":""}' \
	"$S/state/kill" >/dev/null
(cd "$K" && "$LITEHCL" plan -no-color >"$WORK/fu.plan" 2>&1); rc=$?
[ $rc -eq 1 ] && grep -q 'Error acquiring the state lock' "$WORK/fu.plan" && grep -q '5c0ffee0-dead-beef-0000-000000000042' "$WORK/fu.plan" &&
	ok "http lock held by another run: plan names its ID" || fail "http lock held by another run: plan names its ID" "rc=$rc" "$(cat "$WORK/fu.plan")"
(cd "$K" && "$LITEHCL" force-unlock -force -no-color wrong-id >"$WORK/fu.out" 2>&1); rc=$?
[ $rc -eq 1 ] && flat "$WORK/fu.out" | grep -q 'held with ID 5c0ffee0-dead-beef-0000-000000000042, not wrong-id' &&
	ok "force-unlock (http): a wrong ID is refused, naming the holder's" || fail "force-unlock (http): a wrong ID is refused, naming the holder's" "rc=$rc" "$(cat "$WORK/fu.out")"
(cd "$K" && echo no | "$LITEHCL" force-unlock -no-color 5c0ffee0-dead-beef-0000-000000000042 >"$WORK/fu.out" 2>&1); rc=$?
(cd "$K" && "$LITEHCL" plan -no-color >/dev/null 2>&1); rc2=$?
[ $rc -eq 1 ] && grep -q 'force-unlock cancelled' "$WORK/fu.out" && [ $rc2 -eq 1 ] &&
	ok "force-unlock (http): 'no' at the prompt keeps the lock" || fail "force-unlock (http): 'no' at the prompt keeps the lock" "rc=$rc plan=$rc2" "$(cat "$WORK/fu.out")"
(cd "$K" && "$LITEHCL" force-unlock -force -no-color 5c0ffee0-dead-beef-0000-000000000042 >"$WORK/fu.out" 2>&1); rc=$?
(cd "$K" && "$LITEHCL" plan -no-color -detailed-exitcode >/dev/null 2>&1); rc2=$?
[ $rc -eq 0 ] && grep -q 'litehcl state has been successfully unlocked!' "$WORK/fu.out" && [ $rc2 -eq 0 ] &&
	ok "force-unlock (http): the lock's ID releases it, and plan runs again" || fail "force-unlock (http): the lock's ID releases it, and plan runs again" "rc=$rc plan=$rc2" "$(cat "$WORK/fu.out")"

# ---------------------------------------------------------------- TLS: CA and client certificate as PEM
if command -v openssl >/dev/null 2>&1; then
	T="$WORK/tls"
	mkdir -p "$T"
	(cd "$T" &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=litehcl-test-ca &&
	openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj /CN=127.0.0.1 &&
	printf 'subjectAltName=IP:127.0.0.1\n' >ext &&
	openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 -extfile ext &&
	openssl req -newkey rsa:2048 -nodes -keyout cli.key -out cli.csr -subj /CN=litehcl-client &&
	openssl x509 -req -in cli.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out cli.pem -days 2) >"$WORK/openssl.out" 2>&1
	srv_start tls --cert "$T/srv.pem" --key "$T/srv.key" --client-ca "$T/ca.pem"
	TS="https://127.0.0.1:$SRV_PORT"
	cfg "$T/d" 1 "    address = \"$TS/state/tls\""
	export TF_HTTP_CLIENT_CERTIFICATE_PEM="$(cat "$T/cli.pem")" TF_HTTP_CLIENT_PRIVATE_KEY_PEM="$(cat "$T/cli.key")"
	(cd "$T/d" && TF_HTTP_CLIENT_CA_CERTIFICATE_PEM="$(cat "$T/ca.pem")" lh init -no-color >/dev/null 2>&1 &&
		TF_HTTP_CLIENT_CA_CERTIFICATE_PEM="$(cat "$T/ca.pem")" lh apply -auto-approve -no-color >"$WORK/o" 2>&1)
	rc1=$?
	(cd "$T/d" && TF_HTTP_RETRY_MAX=0 lh plan -no-color >"$WORK/o2" 2>&1)
	rc2=$?
	(cd "$T/d" && TF_HTTP_RETRY_MAX=0 lh init -no-color -reconfigure -backend-config=skip_cert_verification=true >/dev/null 2>&1 &&
		lh plan -no-color -detailed-exitcode >"$WORK/o3" 2>&1)
	rc3=$?
	unset TF_HTTP_CLIENT_CERTIFICATE_PEM TF_HTTP_CLIENT_PRIVATE_KEY_PEM
	(cd "$T/d" && TF_HTTP_RETRY_MAX=0 lh plan -no-color >"$WORK/o4" 2>&1)
	rc4=$?
	if [ $rc1 -eq 0 ] && [ $rc2 -eq 1 ] && [ $rc3 -eq 0 ] && [ $rc4 -eq 1 ] && ! has "$WORK/o2" "PRIVATE KEY" "$WORK/o4"; then
		ok "TLS: CA and client certificate from PEM contents; unknown CA refused; skip_cert_verification; no client certificate refused"
	else fail "TLS with PEM contents" "rc=$rc1 $rc2 $rc3 $rc4" "$(tail -n 3 "$WORK/o" "$WORK/o2" "$WORK/o3" "$WORK/o4")"; fi
else
	ok "skipped: TLS cases (openssl not installed)"
fi

# ---------------------------------------------------------------- Terraform on the same server
if ! command -v terraform >/dev/null 2>&1; then
	ok "skipped: Terraform interop (terraform not installed)"
	exit 0
fi
export TF_CLI_CONFIG_FILE=/dev/null TF_IN_AUTOMATION=1
TF="$WORK/tf"
mkdir -p "$TF"
printf 'terraform {\n  backend "http" {\n    address = "%s/state/a"\n    lock_address = "%s/state/a"\n    unlock_address = "%s/state/a"\n  }\n}\n' "$S" "$S" "$S" >"$TF/main.tf"
(cd "$TF" && terraform init -no-color -input=false >"$WORK/tfinit.out" 2>&1)
(cd "$TF" && terraform state list >"$WORK/o" 2>&1)
(cd "$A" && lh state list >"$WORK/o2" 2>&1)
if [ -s "$WORK/o" ] && cmp -s "$WORK/o" "$WORK/o2"; then ok "terraform state list through the same server sees litehcl's state"
else fail "terraform state list through the same server" "$(cat "$WORK/o")" "$(tail -4 "$WORK/tfinit.out")"; fi
# Terraform writes (state push of what it pulled, serial + 1), litehcl reads it
(cd "$TF" && terraform state pull >"$WORK/pulled.json" 2>/dev/null &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["serial"]+=1; d["outputs"]={"by":{"value":"terraform","type":"string"}}; json.dump(d,open(sys.argv[1],"w"))' "$WORK/pulled.json" &&
	terraform state push "$WORK/pulled.json" >"$WORK/o" 2>&1)
rc=$?
(cd "$A" && lh output -raw by >"$WORK/o2" 2>&1)
if [ $rc -eq 0 ] && [ "$(cat "$WORK/o2")" = terraform ]; then ok "litehcl reads the state terraform state push wrote through the server"
else fail "litehcl reads what terraform wrote" "rc=$rc" "$(cat "$WORK/o" "$WORK/o2")"; fi
# lock exclusion: litehcl holds the lock, terraform is refused with litehcl's lock ID
emu_admin faults '{"path":"/user/new","kind":"latency","ms":3000,"count":1}'
cfg "$A" 3 "    address        = \"$S/state/a\"
    lock_address   = \"$S/state/a\"
    unlock_address = \"$S/state/a\""
(cd "$A" && exec "$LITEHCL" apply -auto-approve -no-color >"$WORK/holder.out" 2>&1) &
holder=$!
sleep 1
(cd "$TF" && terraform state rm -lock-timeout=0s -no-color 'litellm_user.u[0]' >"$WORK/o" 2>&1)
rc=$?
wait $holder
if [ $rc -ne 0 ] && has "$WORK/o" "HTTP remote state already locked"; then ok "litehcl holds the lock: terraform is refused"
else fail "litehcl holds the lock: terraform is refused" "rc=$rc" "$(head -10 "$WORK/o")"; fi
# lock exclusion the other way: terraform apply waiting at its prompt holds the lock
TH="$WORK/tfhold"
mkdir -p "$TH"
hold_cfg() { printf 'terraform {\n  backend "http" {\n    address = "%s/state/th"\n    lock_address = "%s/state/th"\n    unlock_address = "%s/state/th"\n  }\n}\noutput "v" {\n  value = "%s"\n}\n' "$S" "$S" "$S" "$1" >"$TH/main.tf"; }
hold_cfg one
(cd "$TH" && terraform init -no-color -input=false >/dev/null 2>&1 && terraform apply -auto-approve -no-color -input=false >/dev/null 2>&1)
hold_cfg two
( (sleep 3; echo no) | (cd "$TH" && exec terraform apply -no-color >"$WORK/tfhold.out" 2>&1) ) &
holder=$!
i=0
while ! grep -q "Enter a value" "$WORK/tfhold.out" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
LH2="$WORK/lhhold"
cfg "$LH2" 1 "    address        = \"$S/state/th\"
    lock_address   = \"$S/state/th\"
    unlock_address = \"$S/state/th\""
(cd "$LH2" && lh init -no-color >/dev/null 2>&1; lh plan -no-color >"$WORK/o" 2>&1)
rc=$?
wait $holder
tfid=$(srvlog "$S" | python3 -c '
import json, sys
ids = [e for e in map(json.loads, sys.stdin) if e["path"] == "/state/th" and e["method"] == "LOCK" and e["status"] == 200]
print(len(ids))')
if [ $rc -eq 1 ] && has "$WORK/o" "HTTP remote state already locked: ID=" && [ "$tfid" -ge 2 ]; then ok "terraform apply at its prompt holds the lock: litehcl is refused with its lock ID"
else fail "terraform holds the http lock: litehcl is refused" "rc=$rc locks=$tfid" "$(head -8 "$WORK/o")" "$(tail -3 "$WORK/tfhold.out")"; fi
