#!/bin/sh
# fmt.sh - `litehcl fmt` against what Terraform 1.11's `terraform fmt` was recorded to do
# (tests/fmt/record.sh; this suite never needs Terraform):
#   - tests/fmt/cases: one small input per layout rule, exact stdout and exit status,
#     and fmt of the result changes nothing;
#   - every file of $SHARED/corpus/hcl and every .tf/.tfvars of the project: exit
#     status and the sha256 of the output (a project file edited since the recording
#     is compared with terraform live when it is installed, else checked for
#     idempotence only);
#   - tests/fmt/cli: command-line scenarios (-list -write -diff -check -recursive,
#     stdin, paths, errors), their stdout compared with Terraform's;
#   - -write keeps the file's permissions and writes through a symlink, and leaves a
#     file with syntax errors byte for byte as it was.
. "$TOP/tests/lib.sh"
fmtdir=$TOP/tests/fmt

# sha256 of stdin
h() { sha256sum | cut -c1-64; }

# cases
for f in "$fmtdir"/cases/*.tf; do
	name=fmt/$(basename "$f" .tf)
	"$LITEHCL" fmt -no-color - <"$f" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	want=$(cat "${f%.tf}.status")
	if [ "$rc" != "$want" ]; then
		fail "$name" "exit $rc, terraform fmt exits $want" "$(head -10 "$WORK/err")"
	elif ! cmp -s "${f%.tf}.out" "$WORK/out"; then
		fail "$name" "$(diff -u --label=terraform --label=litehcl "${f%.tf}.out" "$WORK/out" | head -40)"
	else
		ok "$name"
	fi
	if [ "$want" = 0 ]; then
		# a second run over the rewritten file changes nothing - where Terraform's
		# does not either
		cp "$f" "$WORK/x.tf"
		(cd "$WORK" && "$LITEHCL" fmt x.tf >/dev/null 2>&1 && "$LITEHCL" fmt -check x.tf >/dev/null 2>&1) &&
		    idem=yes || idem=no
		if [ "$idem" = "$(cat "${f%.tf}.idempotent")" ]; then
			ok "$name: second run (idempotent: $idem, as Terraform)"
		else
			fail "$name: second run" "idempotent: $idem; Terraform: $(cat "${f%.tf}.idempotent")"
		fi
	fi
done

# check_tree LABEL DIR STATUSFILE: the recorded files under DIR
check_tree() {
	label=$1 dir=$2
	while read -r want insum outsum rel; do
		f=$dir/$rel
		[ -f "$f" ] || continue
		"$LITEHCL" fmt -no-color - <"$f" >"$WORK/out" 2>"$WORK/err"
		rc=$?
		got=$(h <"$WORK/out")
		[ $rc -eq 0 ] || got=-
		if [ "$(h <"$f")" != "$insum" ]; then
			# edited since the recording
			if command -v terraform >/dev/null 2>&1; then
				TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 terraform fmt -no-color - <"$f" >"$WORK/tf" 2>/dev/null
				want=$?
				outsum=$(h <"$WORK/tf")
				[ $want -eq 0 ] || outsum=-
			elif [ $rc -eq 0 ]; then
				"$LITEHCL" fmt -no-color - <"$WORK/out" >"$WORK/again" 2>/dev/null
				if cmp -s "$WORK/out" "$WORK/again"; then
					ok "$label/$rel: changed since recorded, idempotent (no terraform to compare)"
				else
					fail "$label/$rel: not idempotent"
				fi
				continue
			else
				ok "$label/$rel: changed since recorded, exit $rc (no terraform to compare)"
				continue
			fi
		fi
		if [ "$rc" != "$want" ]; then
			fail "$label/$rel" "exit $rc, terraform fmt exits $want" "$(head -10 "$WORK/err")"
		elif [ "$got" != "$outsum" ]; then
			fail "$label/$rel" "output differs from terraform fmt's (sha256 $outsum); what litehcl changes:" \
			    "$(diff -u "$f" "$WORK/out" | head -30)"
		else
			ok "$label/$rel"
		fi
	done <"$3"
}

if [ -n "$SHARED" ] && [ -d "$SHARED/corpus/hcl" ]; then
	check_tree corpus "$SHARED/corpus/hcl" "$fmtdir/corpus/STATUS"
else
	echo "skip fmt corpus: \$SHARED/corpus/hcl not available"
fi
check_tree project "$TOP" "$fmtdir/project/STATUS"
# project files added since the recording
find "$TOP" \( -name build -o -name .git -o -path "$TOP/tests/fmt" \) -prune -o \
    -type f \( -name '*.tf' -o -name '*.tfvars' \) -print | sed "s|^$TOP/||" | LC_ALL=C sort >"$WORK/files"
awk '{print $4}' "$fmtdir/project/STATUS" | LC_ALL=C sort >"$WORK/recorded"
for rel in $(comm -23 "$WORK/files" "$WORK/recorded"); do
	printf '0 - - %s\n' "$rel"
done >"$WORK/new"
[ -s "$WORK/new" ] && check_tree project "$TOP" "$WORK/new"

# command-line scenarios
for s in "$fmtdir"/cli/*.sh; do
	name=fmt-cli/$(basename "$s" .sh)
	dir=$(mktemp -d "$WORK/cli.XXXXXX")
	(cd "$dir" && CLI="$fmtdir/cli" FMT="$LITEHCL fmt -no-color" sh "$s" 2>/dev/null) >"$WORK/cli.out"
	same "$name" "${s%.sh}.expected" "$WORK/cli.out"
	rm -rf "$dir"
done

# diagnostics of a file that does not parse, on stderr
printf 'a = \n' >"$WORK/bad.tf"
"$LITEHCL" fmt -no-color "$WORK/bad.tf" >"$WORK/out" 2>"$WORK/err"
rc=$?
if [ $rc -eq 2 ] && grep -q 'Error: ' "$WORK/err" && grep -q 'bad.tf line 1' "$WORK/err" &&
    [ "$(cat "$WORK/bad.tf")" = "a = " ]; then
	ok "fmt: a syntax error is reported with its location, exit 2, file unchanged"
else
	fail "fmt: a syntax error is reported with its location, exit 2, file unchanged" "exit $rc" "$(cat "$WORK/err")"
fi

# ... in a block: the diagnostic names it as Terraform 1.11.4's fmt does (recorded)
printf 'resource "litellm_user" "a" {\n  user_email = "a@x.com"\n  models = ["a",\n}\n' >"$WORK/blk.tf"
(cd "$WORK" && "$LITEHCL" fmt -no-color blk.tf >out 2>err)
rc=$?
printf '\nError: Invalid expression\n\n  on blk.tf line 4, in resource "litellm_user" "a":\n   4: }\n\nExpected the start of an expression, but found an invalid expression token.\n\n' >"$WORK/err.want"
if [ $rc -eq 2 ] && cmp -s "$WORK/err" "$WORK/err.want"; then
	ok "fmt: a syntax error inside a block names the block, as Terraform"
else
	fail "fmt: a syntax error inside a block names the block, as Terraform" "exit $rc" "$(diff "$WORK/err.want" "$WORK/err")"
fi

# -write keeps permissions and symlinks
mkdir -p "$WORK/perm"
printf 'a=1\n' >"$WORK/perm/x.tf"
chmod 600 "$WORK/perm/x.tf"
ln -s x.tf "$WORK/perm/link.tf"
(cd "$WORK/perm" && "$LITEHCL" fmt link.tf >/dev/null 2>&1)
if [ -L "$WORK/perm/link.tf" ] && [ "$(cat "$WORK/perm/x.tf")" = "a = 1" ] &&
    [ "$(stat -c %a "$WORK/perm/x.tf")" = 600 ] && [ -z "$(ls "$WORK/perm" | grep -v -e '^x.tf$' -e '^link.tf$')" ]; then
	ok "fmt -write: through a symlink, permissions kept, no temporary file left"
else
	fail "fmt -write: through a symlink, permissions kept, no temporary file left" "$(ls -la "$WORK/perm")"
fi

# -help
if "$LITEHCL" fmt -help | grep -q '^Usage: litehcl \[global options\] fmt'; then
	ok "fmt -help"
else
	fail "fmt -help"
fi
