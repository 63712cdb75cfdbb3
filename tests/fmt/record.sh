#!/bin/sh
# record.sh - records what Terraform's fmt does as the expectations of the fmt suite
# (tests/suites/fmt.sh, which never needs Terraform).  Run it with terraform (1.11)
# on PATH after adding a case; review the changes with git diff.
#
#   cases/NAME.tf       targeted inputs: NAME.out is `terraform fmt -` of it,
#                       NAME.status its exit status, NAME.idempotent "yes" when a
#                       second fmt of the rewritten file changes nothing (Terraform
#                       unwraps one "${...}" level per run, and its unwrapping of a
#                       value that starts with a comment does not even parse)
#   corpus/STATUS       one line per file of $SHARED/corpus/hcl: "STATUS IN OUT PATH",
#                       the exit status, the sha256 of the input and of the output
#                       (fmt's stdout; "-" when it failed).  Hashes keep the 2.7 MB of
#                       formatted corpus out of the repository; the cases hold the
#                       readable examples.
#   project/STATUS      the same for the project's own .tf and .tfvars files (one
#                       edited since is compared against Terraform live when it is
#                       installed, else only checked for idempotence)
#   cli/NAME.sh         command-line scenarios run in an empty directory with
#                       FMT="terraform fmt"; NAME.expected is their stdout
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
: "${SHARED:=$top/../shared}"
command -v terraform >/dev/null 2>&1 || { echo "record.sh: terraform is not on PATH" >&2; exit 1; }
export TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1
fmtdir=$top/tests/fmt
tf() { terraform fmt -no-color - 2>/dev/null; }

# idem FILE: "yes" when a second terraform fmt of the file written by the first one
# changes nothing
idem() {
	d=$(mktemp -d)
	cp "$1" "$d/x.tf"
	(cd "$d" && terraform fmt x.tf >/dev/null 2>&1 && terraform fmt -check x.tf >/dev/null 2>&1) &&
	    echo yes || echo no
	rm -rf "$d"
}
for f in "$fmtdir"/cases/*.tf; do
	tf <"$f" >"${f%.tf}.out"
	rc=$?
	echo $rc >"${f%.tf}.status"
	rm -f "${f%.tf}.idempotent"
	[ $rc -eq 0 ] && idem "$f" >"${f%.tf}.idempotent"
done

# record_tree DIR OUTDIR FILE...: STATUS lines for files named relative to DIR
record_tree() {
	dir=$1 out=$2
	shift 2
	rm -rf "$out"
	mkdir -p "$out"
	for rel in "$@"; do
		tf <"$dir/$rel" >"$out/tmp"
		rc=$?
		in=$(sha256sum <"$dir/$rel" | cut -c1-64)
		res=$(sha256sum <"$out/tmp" | cut -c1-64)
		[ $rc -eq 0 ] || res=-
		echo "$rc $in $res $rel" >>"$out/STATUS"
	done
	rm -f "$out/tmp"
}

if [ -d "$SHARED/corpus/hcl" ]; then
	record_tree "$SHARED/corpus/hcl" "$fmtdir/corpus" \
	    $(cd "$SHARED/corpus/hcl" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
fi
record_tree "$top" "$fmtdir/project" \
    $(find . \( -name build -o -name .git -o -path ./tests/fmt \) -prune -o \
	-type f \( -name '*.tf' -o -name '*.tfvars' \) -print | sed 's|^\./||' | LC_ALL=C sort)

for s in "$fmtdir"/cli/*.sh; do
	work=$(mktemp -d)
	(cd "$work" && CLI="$fmtdir/cli" FMT="terraform fmt -no-color" sh "$s" 2>/dev/null) \
	    >"${s%.sh}.expected"
	rm -rf "$work"
done
echo "recorded: $(ls "$fmtdir"/cases/*.tf | wc -l) cases, $(wc -l <"$fmtdir/corpus/STATUS" 2>/dev/null || echo 0) corpus files, $(wc -l <"$fmtdir/project/STATUS") project files, $(ls "$fmtdir"/cli/*.sh | wc -l) command-line scenarios"
