#!/bin/sh
# lock_interop.sh - litehcl and Terraform (and two litehcl runs) exclude each other on
# one local state in every starting condition: no state file, an empty file, an
# existing state.  The holder is a litehcl apply waiting at its approval prompt; the
# other side must be refused, must not remove the holder's lock info, and after the
# holder finishes a new run gets the lock.  Terraform is used where it is installed
# (it needs no provider for terraform_data) and skipped with a message where it is not.
. "$TOP/tests/lib.sh"

emu_session
HOLDER=""
cleanup() {
	[ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null
	[ -n "$FEED" ] && kill "$FEED" 2>/dev/null
	emu_stop
}
trap cleanup EXIT

TF=""
if command -v terraform >/dev/null 2>&1; then
	T="$WORK/tf"
	mkdir -p "$T"
	echo 'resource "terraform_data" "x" {}' > "$T/main.tf"
	if (cd "$T" && TF_IN_AUTOMATION=1 terraform init -input=false >init.log 2>&1); then
		TF=terraform
	else
		echo "skip lock_interop/terraform: terraform init failed offline: $(tail -3 "$T/init.log")" >&2
	fi
else
	echo "skip lock_interop/terraform: terraform is not installed; litehcl against litehcl only" >&2
fi

# hold NAME: starts `litehcl apply` in $D, waiting at its prompt (stdin is a fifo kept
# open by a sleeping writer); waits until the lock info exists
hold() {
	rm -f "$D/fifo"
	mkfifo "$D/fifo"
	(cd "$D" && exec "$LITEHCL" apply -no-color <fifo >holder.out 2>&1) &
	HOLDER=$!
	sleep 30 >"$D/fifo" &
	FEED=$!
	i=0
	while ! grep -q 'Enter a value' "$D/holder.out" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
}
release() {
	kill "$FEED" 2>/dev/null
	wait "$HOLDER" 2>/dev/null
	HOLDER="" FEED=""
}

for start in none empty state; do
	D="$WORK/lock-$start"
	mkdir -p "$D"
	cat > "$D/main.tf" <<EOF
resource "litellm_user" "u" {
  user_email = "lock-$start@example.com"
}
EOF
	case $start in
	empty) : > "$D/terraform.tfstate" ;;
	state) (cd "$D" && "$LITEHCL" apply -auto-approve >/dev/null 2>&1)
		sed -i "s/lock-$start@/lock-$start-2@/" "$D/main.tf" ;;
	esac
	hold
	if ! grep -q 'Enter a value' "$D/holder.out"; then
		fail "[$start] the holder waits at its prompt" "$(cat "$D/holder.out")"
		release
		continue
	fi
	info_before=$(cat "$D/.terraform.tfstate.lock.info" 2>/dev/null)
	(cd "$D" && "$LITEHCL" plan -no-color >second.out 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && grep -q 'Error acquiring the state lock' "$D/second.out"; then
		ok "[$start] a second litehcl is refused while the first holds the lock"
	else
		fail "[$start] a second litehcl is refused while the first holds the lock" "rc=$rc" "$(cat "$D/second.out")"
	fi
	if [ -n "$TF" ]; then
		(cd "$T" && terraform plan -no-color -input=false -lock-timeout=0s -state="$D/terraform.tfstate" >"$D/tf.out" 2>&1)
		rc=$?
		if [ $rc -eq 1 ] && grep -q 'Error acquiring the state lock' "$D/tf.out"; then
			ok "[$start] terraform is refused while litehcl holds the lock"
		else
			fail "[$start] terraform is refused while litehcl holds the lock" "rc=$rc" "$(tail -15 "$D/tf.out")"
		fi
		[ "$(cat "$D/.terraform.tfstate.lock.info" 2>/dev/null)" = "$info_before" ] &&
			ok "[$start] terraform left litehcl's lock info alone" ||
			fail "[$start] terraform left litehcl's lock info alone"
		(cd "$D" && "$LITEHCL" plan -no-color >third.out 2>&1)
		[ $? -eq 1 ] && ok "[$start] after terraform's attempt litehcl is still refused" ||
			fail "[$start] after terraform's attempt litehcl is still refused" "$(cat "$D/third.out")"
	fi
	release
	[ ! -e "$D/.terraform.tfstate.lock.info" ] && ok "[$start] the lock is released at exit" ||
		fail "[$start] the lock is released at exit"
	if [ "$start" = none ]; then
		[ ! -e "$D/terraform.tfstate" ] && ok "[none] the empty state file made for the lock is removed" ||
			fail "[none] the empty state file made for the lock is removed" "$(ls -la "$D")"
	fi
	(cd "$D" && "$LITEHCL" plan -no-color >after.out 2>&1)
	[ $? -eq 0 ] && ok "[$start] a new run gets the lock afterwards" || fail "[$start] a new run gets the lock afterwards" "$(cat "$D/after.out")"
done

# the other order: terraform holds the lock (its own apply waiting at a prompt), litehcl
# is refused and does not remove terraform's lock info
if [ -n "$TF" ]; then
	D="$WORK/tf-holds"
	mkdir -p "$D"
	echo 'resource "litellm_user" "u" { user_email = "tf-holds@example.com" }' > "$D/main.tf"
	rm -f "$D/fifo"
	mkfifo "$D/fifo"
	(cd "$T" && exec terraform apply -no-color -state="$D/terraform.tfstate" <"$D/fifo" >"$D/tf.out" 2>&1) &
	HOLDER=$!
	sleep 30 >"$D/fifo" &
	FEED=$!
	i=0
	while ! grep -q 'Enter a value' "$D/tf.out" 2>/dev/null && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
	info=$(cat "$D/.terraform.tfstate.lock.info" 2>/dev/null)
	(cd "$D" && "$LITEHCL" plan -no-color >l.out 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && grep -q 'Error acquiring the state lock' "$D/l.out"; then
		ok "[terraform holds] litehcl is refused"
	else
		fail "[terraform holds] litehcl is refused" "rc=$rc" "$(cat "$D/l.out" "$D/tf.out" | tail -20)"
	fi
	[ -n "$info" ] && [ "$(cat "$D/.terraform.tfstate.lock.info" 2>/dev/null)" = "$info" ] &&
		ok "[terraform holds] litehcl left terraform's lock info alone" ||
		fail "[terraform holds] litehcl left terraform's lock info alone"
	release
fi

# ---- force-unlock: refused while the holder lives, removes what a killed one left ----
D="$WORK/force"
mkdir -p "$D"
echo 'resource "litellm_user" "u" { user_email = "force@example.com" }' > "$D/main.tf"
hold
id=$(jq -r .ID "$D/.terraform.tfstate.lock.info" 2>/dev/null)
(cd "$D" && "$LITEHCL" force-unlock -force "$id" >fu.out 2>&1)
[ $? -eq 1 ] && grep -q 'held by a running process' "$D/fu.out" && [ -e "$D/.terraform.tfstate.lock.info" ] &&
	ok "force-unlock: refused while the holder runs" || fail "force-unlock: refused while the holder runs" "$(cat "$D/fu.out")"
kill -9 "$HOLDER" 2>/dev/null
release
[ -e "$D/.terraform.tfstate.lock.info" ] && ok "kill -9 leaves the lock info behind" || fail "kill -9 leaves the lock info behind"
(cd "$D" && "$LITEHCL" force-unlock -force wrong-id >fu.out 2>&1)
[ $? -eq 1 ] && grep -q 'does not match existing lock ID' "$D/fu.out" && ok "force-unlock: a wrong ID is refused" ||
	fail "force-unlock: a wrong ID is refused" "$(cat "$D/fu.out")"
(cd "$D" && echo no | "$LITEHCL" force-unlock "$id" >fu.out 2>&1)
[ $? -eq 1 ] && [ -e "$D/.terraform.tfstate.lock.info" ] && ok "force-unlock: 'no' at the prompt keeps the lock" ||
	fail "force-unlock: 'no' at the prompt keeps the lock" "$(cat "$D/fu.out")"
(cd "$D" && echo yes | "$LITEHCL" force-unlock "$id" >fu.out 2>&1)
[ $? -eq 0 ] && grep -q 'litehcl state has been successfully unlocked!' "$D/fu.out" && [ ! -e "$D/.terraform.tfstate.lock.info" ] &&
	ok "force-unlock: removes the lock a killed run left" || fail "force-unlock: removes the lock a killed run left" "$(cat "$D/fu.out")"
