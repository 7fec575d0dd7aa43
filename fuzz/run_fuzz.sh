#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time.
#
#   run_fuzz.sh TARGET SECONDS WORKDIR DICT SEEDDIR...
#
# FUZZ_TIME in the environment overrides SECONDS (`make fuzz`), and the run
# then keeps its corpus in WORKDIR/corpus-NAME, so coverage accumulates from
# run to run. Without it (the test suite) each run starts from the seeds
# alone: replaying a grown corpus would take longer than the run itself. The
# seed folders are only read. A crash, leak, timeout or
# failed invariant is saved as WORKDIR/artifacts-NAME/crash-... (or leak-,
# timeout-, oom-) and fails the run: copy it into tests/bad/inputs with a
# case in tests/bad/cases.tsv, then fix the bug.
set -u
target=$1 seconds=${FUZZ_TIME:-$2} work=$3 dict=$4
shift 4
name=$(basename "$target")
artifacts=$work/artifacts-$name
if [ -n "${FUZZ_TIME:-}" ]; then
  corpus=$work/corpus-$name
  mkdir -p "$corpus"
else
  corpus=$(mktemp -d "${TMPDIR:-/tmp}/briefing-$name.XXXXXX")
  trap 'rm -rf "$corpus"' EXIT
fi
mkdir -p "$artifacts"
log=$work/$name.log

# -max_len keeps single inputs small enough that each run stays fast; big
# inputs are the business of tests/bad. -timeout is a hang.
"$target" "$corpus" "$@" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len="${FUZZ_MAX_LEN:-16384}" \
  -dict="$dict" -artifact_prefix="$artifacts/" -print_final_stats=1 \
  >"$log" 2>&1
status=$?
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log"
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log" | tail -2
if [ "$status" != 0 ]; then
  echo "$name: failed (status $status); the input is in $artifacts" >&2
  grep -B2 -A30 -E 'ERROR|fuzz:|==[0-9]+==' "$log" | head -60 >&2
  exit 1
fi
echo "$name: ok, $(ls "$corpus" | wc -l) inputs in the corpus ($seconds s)"
