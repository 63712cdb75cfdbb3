#!/bin/sh
# help.sh - what a user finds when asking for help or mistyping: per-command help in
# Terraform's layout (tests/ux/help-*.txt), `help CMD` / `-help CMD`, flags a command
# does not take refused as Terraform refuses them, "Did you mean", the plain -no-color
# diagnostic form, version -json (Terraform's answers recorded in tests/ux/tf by
# tests/ux/record.sh), the man page and the bash completion.
. "$TOP/tests/lib.sh"

cd "$WORK" || exit 1
unset LITELLM_API_BASE LITELLM_API_KEY
export NO_COLOR=1
UX=$TOP/tests/ux

# ---- per-command help, pinned
# (fmt, refresh, taint, untaint and the state subcommands print their own help)
for c in plan apply destroy validate import show output console version hcl2json; do
	f=$(echo "$c" | tr ' ' '-')
	# shellcheck disable=SC2086
	"$LITEHCL" $c -help >out.txt 2>err.txt; rc=$?
	if [ $rc -eq 0 ] && [ ! -s err.txt ]; then ok "$c -help exits 0, nothing on stderr"; else fail "$c -help exits 0, nothing on stderr" "exit $rc" "$(cat err.txt)"; fi
	# the ID forms import lists come from the resource registry: checked below
	sed '/ID is, by resource type:/,/^Options:/{/^    /d}' out.txt >pinned.txt
	same "$c -help text" "$UX/help-$f.txt" pinned.txt
	if awk 'length($0) > 80 { exit 1 }' out.txt; then ok "$c -help fits 80 columns"; else fail "$c -help fits 80 columns" "$(awk 'length($0) > 80' out.txt)"; fi
	# shellcheck disable=SC2086
	"$LITEHCL" help $c >h1.txt 2>&1
	# shellcheck disable=SC2086
	"$LITEHCL" -help $c >h2.txt 2>&1
	if cmp -s out.txt h1.txt && cmp -s out.txt h2.txt; then ok "help $c and -help $c print $c -help"; else fail "help $c and -help $c print $c -help" "$(diff out.txt h1.txt | head -5)" "$(diff out.txt h2.txt | head -5)"; fi
done
for c in fmt refresh taint untaint state "state list" "state show" "state rm" "state mv" "state pull" "state push" "state replace-provider"; do
	# shellcheck disable=SC2086
	"$LITEHCL" $c -help >out.txt 2>err.txt; rc=$?
	if [ $rc -eq 0 ] && grep -q "^Usage: litehcl \[global options\] $c" out.txt; then ok "$c -help"; else fail "$c -help" "exit $rc" "$(cat out.txt err.txt)"; fi
	# shellcheck disable=SC2086
	"$LITEHCL" help $c >h1.txt 2>&1
	# shellcheck disable=SC2086
	"$LITEHCL" -help $c >h2.txt 2>&1
	if cmp -s out.txt h1.txt && cmp -s out.txt h2.txt; then ok "help $c and -help $c print $c -help"; else fail "help $c and -help $c print $c -help" "$(diff out.txt h1.txt | head -5)" "$(diff out.txt h2.txt | head -5)"; fi
done
"$LITEHCL" import -help >out.txt
grep -q '^    litellm_user  *USER_ID' out.txt && ok "import -help lists the ID of each resource type" || fail "import -help lists the ID of each resource type" "$(cat out.txt)"
"$LITEHCL" help >h1.txt 2>&1; rc1=$?
"$LITEHCL" -help >h2.txt 2>&1; rc2=$?
[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && cmp -s h1.txt h2.txt && ok "help is -help" || fail "help is -help" "$rc1 $rc2"
# the layout is pinned; the command list grows as commands are added (each has a line)
sed '/^  [a-z][a-z0-9-]*  /d' h1.txt >layout.txt
sed '/^  [a-z][a-z0-9-]*  /d' "$UX/help-global.txt" >want.txt
same "global help layout" want.txt layout.txt
grep -q '^  plan          Show changes required by the current configuration$' h1.txt &&
	grep -q '^  version       Show the current litehcl version$' h1.txt &&
	ok "global help: a line per command" || fail "global help: a line per command" "$(cat h1.txt)"

# every flag a command's help lists is accepted by the command (with -help: nothing runs)
for c in plan apply destroy validate import show output console version hcl2json; do
	# shellcheck disable=SC2086
	"$LITEHCL" $c -help | sed -n 's/^  \(-[a-z-]*\)\([= ]\)\{0,1\}\([^ ]*\).*/\1\2\3/p' | while read -r flag; do
		case $flag in
		*=n) arg="${flag%=n}=1" ;;
		"-var"*) arg="-var=foo=bar" ;;
		*) arg=$flag ;;
		esac
		# shellcheck disable=SC2086
		if "$LITEHCL" $c "$arg" -help >/dev/null 2>err.txt; then ok "$c accepts $flag"; else fail "$c accepts $flag" "$(cat err.txt)"; fi
	done
done

# ---- flags that do not apply are refused with Terraform's words (recorded)
"$LITEHCL" apply -detailed-exitcode -no-color >out.txt 2>err.txt; rc=$?
[ $rc -eq 1 ] && [ ! -s out.txt ] && ok "apply -detailed-exitcode exits 1" || fail "apply -detailed-exitcode exits 1" "exit $rc"
same "apply -detailed-exitcode: Terraform's error" "$UX/tf/flag-apply-detailed-exitcode.txt" err.txt
"$LITEHCL" plan -no-color -auto-approve >out.txt 2>err.txt; rc=$?
[ $rc -eq 1 ] && ok "plan -auto-approve exits 1" || fail "plan -auto-approve exits 1" "exit $rc"
same "plan -auto-approve: Terraform's error" "$UX/tf/flag-plan-auto-approve.txt" err.txt
"$LITEHCL" output -bogus -no-color >out.txt 2>err.txt
same "output -bogus: Terraform's error" "$UX/tf/flag-output-bogus.txt" err.txt
for bad in "apply -out=x" "destroy -out=x" "plan -backup=x" "show -raw" "version -raw" "import -json" "validate -out=x" "console -json" "output -lock=false"; do
	# shellcheck disable=SC2086
	"$LITEHCL" $bad >out.txt 2>err.txt; rc=$?
	flag=$(echo "$bad" | sed 's/.* \(-[a-z-]*\).*/\1/')
	if [ $rc -eq 1 ] && grep -q "flag provided but not defined: $flag\$" err.txt; then ok "$bad refused"; else fail "$bad refused" "exit $rc" "$(cat err.txt)"; fi
done
# -no-color is every command's, as in Terraform
"$LITEHCL" state list -no-color >/dev/null 2>err.txt && ok "state list -no-color accepted" || fail "state list -no-color accepted" "$(cat err.txt)"

# ---- unknown commands: Did you mean (recorded)
"$LITEHCL" palan >out.txt 2>err.txt; rc=$?
[ $rc -eq 1 ] && ok "palan exits 1" || fail "palan exits 1" "exit $rc"
same "palan: Did you mean \"plan\"?" "$UX/tf/no-command-palan.txt" err.txt
"$LITEHCL" xyzzy >out.txt 2>err.txt
same "xyzzy: no suggestion" "$UX/tf/no-command-xyzzy.txt" err.txt
"$LITEHCL" help palan >out.txt 2>err.txt; rc=$?
[ $rc -eq 1 ] && grep -q 'Did you mean "plan"' err.txt && ok "help palan: Did you mean" || fail "help palan: Did you mean" "exit $rc" "$(cat err.txt)"
for t in "aply:apply" "destory:destroy" "outptu:output" "imprt:import" "validte:validate"; do
	"$LITEHCL" "${t%%:*}" >out.txt 2>err.txt
	grep -q "Did you mean \"${t#*:}\"?" err.txt && ok "${t%%:*}: Did you mean ${t#*:}" || fail "${t%%:*}: Did you mean ${t#*:}" "$(cat err.txt)"
done
"$LITEHCL" state lst >out.txt 2>err.txt; rc=$?
[ $rc -eq 1 ] && grep -q 'Did you mean "state list"?' err.txt && ok "state lst: Did you mean \"state list\"?" || fail "state lst: Did you mean \"state list\"?" "$(cat err.txt)"

# ---- -no-color: Terraform's plain diagnostic form (recorded: no border, no ^~~ line,
# detail wrapped at 78 columns)
mkdir diag && cd diag || exit 1
printf 'locals {\n  a = var.nope\n}\n' >main.tf
"$LITEHCL" validate -no-color >out.txt 2>err.txt
same "validate -no-color: plain diagnostic" "$UX/tf/diag-plain.txt" err.txt
"$LITEHCL" validate >out.txt 2>err.txt
grep -q '^│ Error: Reference to undeclared input variable' err.txt && ! grep -q '\^~' err.txt &&
	ok "validate without -no-color: Terraform's bordered form (no ^~~ line)" ||
	fail "validate without -no-color: Terraform's bordered form (no ^~~ line)" "$(cat err.txt)"
# NO_COLOR: Terraform 1.11 never reads it (its source has no NO_COLOR), so neither does
# litehcl: on a terminal the colours and the bordered form stay.  TF_CLI_ARGS is
# Terraform's way to give -no-color (or any flag) to every command, TF_CLI_ARGS_NAME to
# one: the words are inserted right after the (sub)command's name.
unset NO_COLOR
"$LITEHCL" validate >bordered.txt 2>&1
TF_CLI_ARGS=-no-color "$LITEHCL" validate >out.txt 2>err.txt
same "TF_CLI_ARGS=-no-color: the plain form" "$UX/tf/diag-plain.txt" err.txt
TF_CLI_ARGS_validate="-no-color" "$LITEHCL" validate >out.txt 2>err.txt
same "TF_CLI_ARGS_validate=-no-color: the plain form" "$UX/tf/diag-plain.txt" err.txt
TF_CLI_ARGS_plan=-no-color "$LITEHCL" validate >out.txt 2>&1
cmp -s out.txt bordered.txt && ok "TF_CLI_ARGS_plan does not reach validate" || fail "TF_CLI_ARGS_plan does not reach validate" "$(cat out.txt)"
TF_CLI_ARGS='-var "a=b' "$LITEHCL" validate >out.txt 2>err.txt; rc=$?
[ $rc -eq 1 ] && grep -q '^Error parsing extra CLI args from TF_CLI_ARGS' err.txt && ok "TF_CLI_ARGS with an open quote: an error" ||
	fail "TF_CLI_ARGS with an open quote: an error" "exit $rc" "$(cat err.txt)"
TF_CLI_ARGS='-var "nope=a b"' "$LITEHCL" validate -no-color >out.txt 2>err.txt; rc=$?
[ $rc -eq 1 ] && grep -q 'variable named "nope" was assigned on the command line' err.txt && ok "TF_CLI_ARGS: quoted words" ||
	fail "TF_CLI_ARGS: quoted words" "exit $rc" "$(cat err.txt)"
printf '%s\n' 'import os, pty, sys' 'pid, fd = pty.fork()' 'if pid == 0: os.execv(sys.argv[1], sys.argv[1:])' \
	'out = b""' 'while True:' '    try: c = os.read(fd, 65536)' '    except OSError: break' '    if not c: break' '    out += c' \
	'os.waitpid(pid, 0); sys.stdout.write(out.decode("utf-8", "replace"))' >ptyrun.py
NO_COLOR=1 python3 ptyrun.py "$LITEHCL" validate >pty.txt 2>&1
grep -q "$(printf '\033')\[31m" pty.txt && grep -q '│' pty.txt && ok "NO_COLOR on a terminal: colours and border stay, as Terraform" ||
	fail "NO_COLOR on a terminal: colours and border stay, as Terraform" "$(cat -v pty.txt)"
TF_CLI_ARGS=-no-color python3 ptyrun.py "$LITEHCL" validate >pty.txt 2>&1
grep -q 'Error: Reference to undeclared input variable' pty.txt && ! grep -q "$(printf '\033')" pty.txt && ! grep -q '│' pty.txt && ok "TF_CLI_ARGS=-no-color on a terminal: plain" ||
	fail "TF_CLI_ARGS=-no-color on a terminal: plain" "$(cat -v pty.txt)"
export NO_COLOR=1
cd "$WORK" || exit 1
mkdir tfargs && cd tfargs && printf '{"version":4,"terraform_version":"1.11.0","serial":1,"lineage":"5b1e9c2a-0000-4000-8000-000000000002","outputs":{},"resources":[{"mode":"managed","type":"litellm_user","name":"x","provider":"provider[\\"registry.terraform.io/ncecere/litellm\\"]","instances":[{"schema_version":0,"attributes":{"id":"u1","user_id":"u1"},"sensitive_attributes":[]}]}]}\n' >other.tfstate
TF_CLI_ARGS_state_list=-state=other.tfstate "$LITEHCL" state list >out.txt 2>&1
[ "$(cat out.txt)" = "litellm_user.x" ] && ok "TF_CLI_ARGS_state_list reaches state list" || fail "TF_CLI_ARGS_state_list reaches state list" "$(cat out.txt)"
# README: "export TF_CLI_ARGS=-no-color" leaves colour out of every command - every one
# must take the flag (Terraform's version does)
printf 'locals {\n  a = 1\n}\n' >c.tf
bad=""
for c in "version" "version -json" "hcl2json c.tf" "fmt -check" "validate" "state list" "output" "workspace show" "show"; do
	# shellcheck disable=SC2086
	TF_CLI_ARGS=-no-color "$LITEHCL" $c >out.txt 2>&1 || bad="$bad [$c: $(head -c 200 out.txt)]"
done
[ -z "$bad" ] && ok "TF_CLI_ARGS=-no-color: every command takes it" || fail "TF_CLI_ARGS=-no-color: every command takes it" "$bad"
cd "$WORK" || exit 1

# ---- version -json: Terraform's fields (recorded) plus litehcl_version
"$LITEHCL" version -json >v.json 2>err.txt; rc=$?
if [ $rc -eq 0 ] && jq -e --slurpfile tf "$UX/tf/version.json" '
    (keys - ["litehcl_version"]) == ($tf[0] | keys) and .provider_selections == {} and
    .terraform_outdated == false and (.platform | test("^[a-z]+_[a-z0-9]+$")) and
    (.litehcl_version | test("^[0-9]+\\.[0-9]+\\.[0-9]+"))' v.json >/dev/null; then
	ok "version -json: Terraform's fields"
else
	fail "version -json: Terraform's fields" "$(cat v.json err.txt)"
fi
# two-space indentation, "key": value, as terraform version -json
norm() { grep -v '^  "litehcl_version": ' "$1" | sed -e 's/"[0-9][0-9.]*"/"V"/' -e 's/"platform": "[^"]*"/"platform": "P"/'; }
norm v.json >v1.txt
norm "$UX/tf/version.json" >v2.txt
same "version -json layout as Terraform's" v2.txt v1.txt
"$LITEHCL" version >out.txt && grep -q '^litehcl v[0-9]' out.txt && grep -q '^on [a-z]*_[a-z0-9]*$' out.txt &&
	ok "version text" || fail "version text" "$(cat out.txt)"
"$LITEHCL" -version -json >v3.json && cmp -s v.json v3.json && ok "-version -json" || fail "-version -json"

# ---- the man page: renders, and documents every command and every flag
MAN=$TOP/litehcl.1
if [ -f "$MAN" ]; then ok "litehcl.1 exists"; else fail "litehcl.1 exists"; fi
if command -v man >/dev/null 2>&1; then
	if MANWIDTH=80 man -l "$MAN" >man.txt 2>man.err && grep -q 'litehcl' man.txt && [ ! -s man.err ]; then
		ok "man ./litehcl.1 renders without warnings"
	else
		fail "man ./litehcl.1 renders without warnings" "$(head -5 man.err)"
	fi
else
	echo "skip man: the man command is not installed, so the page was not rendered"
fi
"$LITEHCL" -help | sed -n 's/^  \([a-z][a-z0-9-]*\)  .*/\1/p' >cmds.txt
while read -r c; do
	cm=$(printf '%s' "$c" | sed 's/-/\\\\-/g')	# roff writes - as \-
	grep -q "^\\.SS \"\\{0,1\\}$cm" "$MAN" && ok "man page documents $c" ||
		fail "man page documents $c" "regenerate it: python3 src/mkman.py build/litehcl > litehcl.1"
	# shellcheck disable=SC2086
	for flag in $("$LITEHCL" $c -help | sed -n 's/^  \(-[a-z-]*\).*/\1/p'); do
		esc=$(printf '%s' "$flag" | sed 's/-/\\\\-/g')
		grep -q -- "$esc" "$MAN" && ok "man page: $c $flag" || fail "man page: $c $flag"
	done
done <cmds.txt
for c in "state list" "state show" "state rm" "state mv" "state pull" "state push"; do
	grep -q "^\\.SS \"$c" "$MAN" && ok "man page documents $c" || fail "man page documents $c"
done

# ---- bash completion: commands, flags, resource addresses from the state
comp() {	# LINE: the candidates litehcl prints for LINE (cursor at its end)
	COMP_LINE="$1" COMP_POINT=${#1} "$LITEHCL" litehcl "" "" 2>&1 | sort | tr '\n' ' '
}
want() {	# NAME GOT WANT
	[ "$2" = "$3" ] && ok "$1" || fail "$1" "got:  $2" "want: $3"
}
want "complete: commands" "$(comp 'litehcl pl')" "plan "
want "complete: all commands starting with s" "$(comp 'litehcl s')" "show state "
want "complete: global flags" "$(comp 'litehcl -ch')" "-chdir= "
want "complete: after a global flag" "$(comp 'litehcl -chdir=x va')" "validate "
want "complete: plan flags" "$(comp 'litehcl plan -de')" "-destroy -detailed-exitcode "
want "complete: apply has no -detailed-exitcode" "$(comp 'litehcl apply -de')" "-destroy "
want "complete: value flags end in =" "$(comp 'litehcl plan -var-')" "-var-file= "
want "complete: state subcommands" "$(comp 'litehcl state ')" "list mv pull push replace-provider rm show "
want "complete: state subcommand prefix" "$(comp 'litehcl state p')" "pull push "
mkdir compl && cd compl || exit 1
cat >terraform.tfstate <<'EOF'
{"version":4,"terraform_version":"1.11.0","serial":1,"lineage":"5b1e9c2a-0000-4000-8000-000000000001","outputs":{},
 "resources":[
  {"mode":"managed","type":"litellm_user","name":"alice","provider":"provider[\"registry.terraform.io/ncecere/litellm\"]",
   "instances":[{"schema_version":0,"attributes":{"id":"u1","user_id":"u1","user_email":"alice@example.com"},"sensitive_attributes":[]}]},
  {"mode":"managed","type":"litellm_user","name":"team","provider":"provider[\"registry.terraform.io/ncecere/litellm\"]",
   "instances":[{"index_key":"bob","schema_version":0,"attributes":{"id":"u2","user_id":"u2","user_email":"bob@example.com"},"sensitive_attributes":[]}]}
 ]}
EOF
# workspace select/delete complete the backend's workspaces (Terraform's completion does)
mkdir -p terraform.tfstate.d/staging terraform.tfstate.d/prod
want "complete: workspace select names" "$(comp 'litehcl workspace select ')" 'default prod staging '
want "complete: workspace delete name prefix" "$(comp 'litehcl workspace delete st')" 'staging '
want "complete: workspace select takes one name" "$(comp 'litehcl workspace select prod ')" ''
rm -r terraform.tfstate.d
want "complete: state show addresses" "$(comp 'litehcl state show ')" 'litellm_user.alice litellm_user.team["bob"] '
want "complete: state rm address prefix" "$(comp 'litehcl state rm litellm_user.t')" 'litellm_user.team["bob"] '
want "complete: -target= addresses" "$(comp 'litehcl plan -target=litellm_user.a')" '-target=litellm_user.alice '
want "complete: -replace= addresses" "$(comp 'litehcl apply -replace=')" '-replace=litellm_user.alice -replace=litellm_user.team["bob"] '
# import's address: the configuration's instances not yet in the state (a count or
# for_each known now is expanded, else "[" follows); state mv: the source from the
# state, the destination from the configuration
cat >main.tf <<'EOF'
variable "n" {
  default = 2
}
resource "litellm_user" "alice" {
  user_email = "alice@example.com"
}
resource "litellm_user" "carol" {
  user_email = "carol@example.com"
}
resource "litellm_user" "team" {
  for_each   = toset(["bob", "dan"])
  user_email = "${each.key}@example.com"
}
resource "litellm_user" "many" {
  count      = var.n
  user_email = "m${count.index}@example.com"
}
resource "litellm_user" "later" {
  count      = length(litellm_user.alice.user_id)
  user_email = "later@example.com"
}
data "litellm_user" "d" {
  user_id = "x"
}
EOF
want "complete: import addresses from the configuration" "$(comp 'litehcl import ')" \
	'litellm_user.carol litellm_user.later[ litellm_user.many[0] litellm_user.many[1] litellm_user.team["dan"] '
want "complete: import address prefix" "$(comp 'litehcl import litellm_user.m')" 'litellm_user.many[0] litellm_user.many[1] '
want "complete: import ID: nothing" "$(comp 'litehcl import litellm_user.carol ')" ''
want "complete: state mv source from the state" "$(comp 'litehcl state mv ')" 'litellm_user.alice litellm_user.team["bob"] '
want "complete: state mv destination from the configuration" "$(comp 'litehcl state mv -dry-run litellm_user.alice litellm_user.c')" \
	'litellm_user.carol '
rm main.tf
want "complete: state mv destination without a configuration: the state" "$(comp 'litehcl state mv litellm_user.alice ')" \
	'litellm_user.team["bob"] '
cd "$WORK" || exit 1
# every flag every command's help lists is completed - commands with a help.c entry and
# those printing their own help (fmt, state mv, taint, ...) alike, subcommands included
{ cat cmds.txt; for p in state workspace; do
	"$LITEHCL" $p -help | sed -n "s/^    \([a-z][a-z-]*\)  .*/$p \1/p"; done; } >allcmds.txt
[ "$(wc -l <allcmds.txt)" -ge 30 ] && ok "complete: $(wc -l <allcmds.txt) commands and subcommands to check" ||
	fail "complete: commands and subcommands to check" "$(cat allcmds.txt)"
while read -r c; do
	# shellcheck disable=SC2086
	flags=$("$LITEHCL" $c -help 2>&1 | sed -n 's/^ \{2,4\}\(-[a-z][a-z-]*\).*/\1/p' | sort -u)
	got=" $(comp "litehcl $c -")"
	missing=""
	for flag in $flags -help; do
		case $got in *" $flag "*|*" $flag= "*) ;; *) missing="$missing $flag" ;; esac
	done
	[ -z "$missing" ] && ok "complete: the flags of $c ($(echo $flags | wc -w))" ||
		fail "complete: the flags of $c" "missing:$missing" "got:$got"
done <allcmds.txt
want "complete: fmt flags" "$(comp 'litehcl fmt -r')" "-recursive "
want "complete: state mv flags" "$(comp 'litehcl state mv -')" "-dry-run -help -lock -lock-timeout= -state= "
want "complete: workspace new flags" "$(comp 'litehcl workspace new -')" "-help -lock -lock-timeout= -no-color -state= "
want "complete: refresh takes -target=" "$(comp 'litehcl refresh -ta')" "-target= "
# refresh and the workspace subcommands: help in the table, flags checked against it
"$LITEHCL" refresh -help >out.txt && grep -q '^  -target=resource  ' out.txt && grep -q '^  -var-file=filename' out.txt &&
	ok "refresh -help lists its options one per line" || fail "refresh -help lists its options one per line" "$(cat out.txt)"
"$LITEHCL" workspace new -help >out.txt && grep -q '^Usage: litehcl \[global options\] workspace new \[OPTIONS\] NAME' out.txt &&
	grep -q '^  -state=path  ' out.txt && ok "workspace new -help: its own help" || fail "workspace new -help: its own help" "$(cat out.txt)"
"$LITEHCL" workspace new -force x >out.txt 2>err.txt; rc=$?
[ $rc -eq 1 ] && grep -q 'flag provided but not defined: -force' err.txt && ok "workspace new -force refused, as Terraform" ||
	fail "workspace new -force refused, as Terraform" "exit $rc" "$(cat err.txt)"
# the script bash loads
BC=$TOP/src/litehcl.bash
if command -v bash >/dev/null 2>&1 && [ -f "$BC" ]; then
	got=$(PATH="$(dirname "$LITEHCL"):$PATH" bash -c '. "$1"; COMP_WORDS=(litehcl pla); COMP_CWORD=1; COMP_LINE="litehcl pla"; COMP_POINT=11; _litehcl; echo "${COMPREPLY[*]}"' _ "$BC")
	want "src/litehcl.bash completes through litehcl" "$got" "plan"
	got=$(PATH="$(dirname "$LITEHCL"):$PATH" bash -c '. "$1"; COMP_WORDS=(litehcl state mv -d); COMP_CWORD=3; COMP_LINE="litehcl state mv -d"; COMP_POINT=19; _litehcl; echo "${COMPREPLY[*]}"' _ "$BC")
	want "src/litehcl.bash completes the flags of a command with its own help" "$got" "-dry-run"
	# a key in quotes comes back in single quotes, ready for the shell (the state in compl/)
	got=$(cd compl && PATH="$(dirname "$LITEHCL"):$PATH" bash -c '. "$1"; COMP_WORDS=(litehcl state show litellm_user.t); COMP_CWORD=3; COMP_LINE="litehcl state show litellm_user.t"; COMP_POINT=33; _litehcl; echo "${COMPREPLY[*]}"' _ "$BC")
	want "src/litehcl.bash quotes an address with a quoted key" "$got" "'litellm_user.team[\"bob\"]'"
	got=$(cd compl && PATH="$(dirname "$LITEHCL"):$PATH" bash -c '. "$1"; COMP_WORDS=(litehcl plan -target = litellm_user.t); COMP_CWORD=4; COMP_LINE="litehcl plan -target=litellm_user.t"; COMP_POINT=35; _litehcl; echo "${COMPREPLY[*]}"' _ "$BC")
	want "src/litehcl.bash quotes a -target= address with a quoted key" "$got" "'litellm_user.team[\"bob\"]'"
	got=$(bash -c '. "$1"; complete -p litehcl' _ "$BC")
	case $got in *"-F _litehcl"*" litehcl") ok "src/litehcl.bash registers the completion" ;; *) fail "src/litehcl.bash registers the completion" "$got" ;; esac
else
	fail "src/litehcl.bash exists" "$BC"
fi

# ---- make install puts the binary, the man page and the completion in place
if make -s -C "$TOP" install BUILD="$BUILD" DESTDIR="$WORK/inst" PREFIX=/usr >inst.txt 2>&1 &&
    [ -x "$WORK/inst/usr/bin/litehcl" ] && [ -f "$WORK/inst/usr/share/man/man1/litehcl.1" ] &&
    [ -f "$WORK/inst/usr/share/bash-completion/completions/litehcl" ]; then
	ok "make install: binary, man page, bash completion"
else
	fail "make install: binary, man page, bash completion" "$(cat inst.txt)" "$(find "$WORK/inst" 2>/dev/null)"
fi
