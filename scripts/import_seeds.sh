#!/usr/bin/env bash
# input/*.json are what `briefing import` makes of the five seed reports
# (tests/import/seeds/*.txt, copies of ../shared/seeds) with the reviewed
# facts of tests/import/seeds/overrides.tsv.
#
#   scripts/import_seeds.sh [BRIEFING]           regenerate input/
#   scripts/import_seeds.sh --check [BRIEFING]   fail if input/ is not up to date
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
bin=${1:-build/briefing}
seeds=tests/import/seeds
status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for txt in "$seeds"/*.txt; do
  name=$(basename "$txt")
  args=()
  while IFS=$'\t' read -r file assign; do
    [ "$file" = "$name" ] && args+=(--meta "$assign")
  done < <(grep -v '^#' "$seeds/overrides.tsv")
  out="$tmp/${name%.txt}.json"
  # warnings (no date for the 复兴镇 text, a guessed region) are expected
  "$bin" import "${args[@]}" "$txt" -o "$out" 2>/dev/null
  if [ "$check" = 1 ]; then
    if ! cmp -s "$out" "input/${name%.txt}.json"; then
      echo "input/${name%.txt}.json is not what briefing import makes of $txt:" >&2
      diff "input/${name%.txt}.json" "$out" | head -20 >&2 || true
      status=1
    fi
  else
    cp "$out" "input/${name%.txt}.json"
  fi
done
[ "$check" = 1 ] && [ "$status" = 0 ] && echo "input/ is up to date: 5 passed, 0 failed"
exit $status
