#!/bin/sh
# diagvals.sh - Terraform's expression values under a diagnostic: the references the
# failing expression uses and what each was ("var.n is 3", "each.value is \"x\"",
# "count.index is 1", "while calling tonumber(v)"), sensitive ones never shown.
# Every tests/diagvals/NAME/ holds a configuration (recorded from Terraform 1.11.4 with
# its terraform_data twin, see its main.tf) and pairs cmd.K / expected.K: the command's
# arguments and its output (stdout, stderr, exit code), run against the emulator in a
# copy of the directory.  UPDATE=1 rewrites the expected files.  A plan failing while
# planning shows what it planned as Terraform does (tests/suites/planfail.sh): the
# partial plan, or "Planning failed. ..." (-json: the empty change summary) when it
# planned no change before the error.
. "$TOP/tests/lib.sh"

KEY="sk-diagvals-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
emu_start --master-key "$KEY"
trap 'emu_stop' EXIT
export LITELLM_API_BASE="$EMU_URL" LITELLM_API_KEY="$KEY" LITEHCL_HTTP_BACKOFF=0.01
for dir in "$TOP"/tests/diagvals/*/; do
	name=$(basename "$dir")
	for cmd in "$dir"cmd.*; do
		[ -f "$cmd" ] || continue
		k=${cmd##*/cmd.}
		run="$WORK/$name.$k"
		rm -rf "$run"
		mkdir -p "$run"
		cp "$dir"*.tf "$run/"
		# shellcheck disable=SC2046
		(cd "$run" && NO_COLOR=1 TF_WORKSPACE= "$LITEHCL" $(cat "$cmd") >out.1 2>out.2; echo "exit: $?" >out.3)
		# -json's message times vary
		sed 's/"@timestamp":"[^"]*"/"@timestamp":"T"/g' "$run/out.1" | cat - "$run/out.2" "$run/out.3" >"$run.out"
		[ -f "$dir/expected.$k" ] || touch "$dir/expected.$k"
		same "diagvals/$name.$k" "$dir/expected.$k" "$run.out"
	done
done
