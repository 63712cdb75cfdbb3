#!/bin/sh
# scale.sh - memory and CPU at scale: N litellm_user resources against the emulator.
# For each N in SIZES (default "10000 100000") and each configuration SHAPE in SHAPES
# (default "for_each": one resource with for_each over a map; "blocks": N resource
# blocks), applies every user from an empty state, then runs a no-op plan (refresh of
# all N, nothing to change), and prints for each run its peak resident memory, litehcl's
# own CPU time (user+sys) and its wall time, each with its goal and the ratio
# figure/goal (<= 1.00 meets the goal).  Goals (issue 11):
#   10,000 users:  no-op plan peak RSS < 50 MB
#   100,000 users: apply and no-op plan peak RSS < 500 MB; no-op plan CPU < 3 s and
#                  wall < 3 s (loopback, emulator answering /user/list by ids from an index)
# Figures come from /usr/bin/time -v (GNU time).  Exits 1 when a run fails; the goals
# themselves are reported, not enforced (the machine may be loaded).
#   sh tests/bench/scale.sh   [SIZES="10000" SHAPES="for_each blocks" PAR=10]
top=$(cd "$(dirname "$0")/../.." && pwd)
LITEHCL=${LITEHCL:-$top/build/litehcl}
EMU=${EMU:-$top/build/litellm-emu}
SIZES=${SIZES:-10000 100000}
SHAPES=${SHAPES:-for_each}
TIME=${TIME:-/usr/bin/time}
[ -x "$TIME" ] || { echo "scale bench: $TIME (GNU time) is needed" >&2; exit 1; }
[ -x "$LITEHCL" ] && [ -x "$EMU" ] || { echo "scale bench: build first (make)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'emu_stop; rm -rf "$WORK"' EXIT
. "$top/tests/lib.sh"

# config SHAPE N: writes main.tf in the current directory.
config() {
	case $1 in
	for_each)
		cat > main.tf <<EOT
locals {
  # range() makes at most 1,024 values, as Terraform's does: thousands x 1,000
  ids = [for i in flatten([for k in range(ceil($2 / 1000)) : [for j in range(1000) : k * 1000 + j]]) : i if i < $2]
  users = { for i in local.ids : format("u%06d", i) => {
    email  = format("u%06d@scale.example.com", i)
    budget = 10 + i % 7
  } }
}

resource "litellm_user" "u" {
  for_each   = local.users
  user_id    = each.key
  user_email = each.value.email
  user_alias = each.key
  user_role  = "internal_user"
  models     = ["gpt-4o", "gpt-4o-mini"]
  max_budget = each.value.budget
  metadata   = { team = "scale", n = each.key }
}
EOT
		;;
	blocks)
		awk -v n="$2" 'BEGIN {
			for (i = 0; i < n; i++) {
				id = sprintf("u%06d", i)
				printf "resource \"litellm_user\" \"%s\" {\n", id
				printf "  user_id    = \"%s\"\n", id
				printf "  user_email = \"%s@scale.example.com\"\n", id
				printf "  user_alias = \"%s\"\n", id
				printf "  user_role  = \"internal_user\"\n"
				printf "  models     = [\"gpt-4o\", \"gpt-4o-mini\"]\n"
				printf "  max_budget = %d\n", 10 + i % 7
				printf "  metadata   = { team = \"scale\", n = \"%s\" }\n}\n\n", id
			}
		}' > main.tf
		;;
	*) echo "scale bench: unknown shape $1" >&2; exit 1 ;;
	esac
}

# figure LABEL VALUE GOAL UNIT: one line with the goal and the ratio (GOAL empty: none).
figure() {
	if [ -n "$3" ]; then
		awk -v l="$1" -v v="$2" -v g="$3" -v u="$4" 'BEGIN {
			printf "  %-28s %10.2f %s  (goal < %s %s, ratio %.2f)%s\n", l, v, u, g, u, v / g,
			    v < g ? "" : "  ABOVE GOAL" }'
	else
		awk -v l="$1" -v v="$2" -v u="$4" 'BEGIN { printf "  %-28s %10.2f %s\n", l, v, u }'
	fi
}

# measure FILE: sets rss_mb, cpu_s, wall_s from GNU time's -v report in FILE.
measure() {
	rss_mb=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$1")
	cpu_s=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.2f", u + s}' "$1")
	wall_s=$(awk -F': ' '/Elapsed \(wall clock\)/ {
		n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$1")
}

status=0
for n in $SIZES; do
	for shape in $SHAPES; do
		dir="$WORK/$shape-$n"
		mkdir -p "$dir" && cd "$dir" || exit 1
		config "$shape" "$n"
		emu_start --master-key bench-key --threads 4
		export LITELLM_API_BASE="$EMU_URL" LITELLM_API_KEY=bench-key
		echo "scale: $n users, $shape ($(wc -c < main.tf | awk '{printf "%.1f MB", $1 / 1048576}') of configuration)"
		if ! "$TIME" -v "$LITEHCL" apply -auto-approve -no-color ${PAR:+-parallelism=$PAR} \
		    >apply.out 2>apply.time; then
			echo "  apply failed:"; grep -v '^	' apply.time | tail -5; tail -5 apply.out
			status=1; emu_stop; continue
		fi
		measure apply.time
		goal=""; [ "$n" -ge 100000 ] && goal=500
		figure "apply peak RSS" "$rss_mb" "$goal" MB
		figure "apply CPU" "$cpu_s" "" s
		figure "apply wall" "$wall_s" "" s
		echo "  state file: $(wc -c < terraform.tfstate | awk '{printf "%.1f MB", $1 / 1048576}')"
		"$TIME" -v "$LITEHCL" plan -detailed-exitcode -no-color ${PAR:+-parallelism=$PAR} \
		    >plan.out 2>plan.time
		rc=$?
		if [ $rc -ne 0 ]; then
			echo "  no-op plan was not empty (exit $rc):"; grep -v '^	' plan.time | tail -5; tail -5 plan.out
			status=1; emu_stop; continue
		fi
		measure plan.time
		goal=""; [ "$n" -ge 100000 ] && goal=500; [ "$n" -eq 10000 ] && goal=50
		figure "no-op plan peak RSS" "$rss_mb" "$goal" MB
		goal=""; [ "$n" -ge 100000 ] && goal=3
		figure "no-op plan CPU (litehcl)" "$cpu_s" "$goal" s
		figure "no-op plan wall" "$wall_s" "$goal" s
		emu_stop
		cd "$WORK" || exit 1
		rm -rf "$dir"
	done
done
exit $status
