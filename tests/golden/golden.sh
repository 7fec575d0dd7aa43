#!/usr/bin/env bash
# Golden layouts: every laid-out line (`--dump-lines`: page, block, baseline,
# extent, text, shrink/stretch and the rules applied) of the typography cases
# and of one report per template, compared with the files committed beside
# this script, so that any change of layout shows in review as a diff of
# these files. After a deliberate change:
#   bash tests/golden/golden.sh build/briefing --update     (or: make golden)
# and commit the new files with the change.
#   golden.sh BRIEFING [--update]
set -uo pipefail
bin=$(realpath "$1")
update=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1700000000
cd "$root"
# name | command line after `briefing` (the dump and the PDF are added)
cases=(
  "typography-cases|render tests/typography/cases.json"
  "hengshan-briefing|render input/hengshan-2021.json -t briefing"
  "hengshan-gbt9704|render input/hengshan-2021.json -t gbt9704"
  "luhuo-summary|render input/luhuo-2021.json -t summary"
  "compare-all|compare input/daye-2020.json input/fuxing-2020.json input/hengshan-2021.json input/kundulun-2022.json input/luhuo-2021.json --sort 调解成功率"
)
pass=0 fail=0
for c in "${cases[@]}"; do
  name=${c%%|*}
  read -r -a args <<<"${c#*|}"
  if ! "$bin" "${args[@]}" --dump-lines "$tmp/$name.jsonl" -o "$tmp/$name.pdf" 2>"$tmp/err"; then
    echo "FAIL [$name]: briefing ${args[*]}: $(head -3 "$tmp/err")"
    fail=$((fail + 1))
    continue
  fi
  if [ "$update" = "--update" ]; then
    cp "$tmp/$name.jsonl" "$here/$name.jsonl"
    echo "updated tests/golden/$name.jsonl ($(wc -l <"$here/$name.jsonl") lines)"
  elif [ ! -f "$here/$name.jsonl" ]; then
    echo "FAIL [$name]: no tests/golden/$name.jsonl (run: bash tests/golden/golden.sh BRIEFING --update)"
    fail=$((fail + 1))
  elif ! diff -u "$here/$name.jsonl" "$tmp/$name.jsonl" >"$tmp/diff"; then
    echo "FAIL [$name]: the layout changed ($(grep -c '^[-+]{' "$tmp/diff") lines differ); first differences:"
    grep '^[-+]{' "$tmp/diff" | head -6 | cut -c1-240
    echo "  if the change is meant: bash tests/golden/golden.sh BRIEFING --update, and commit"
    fail=$((fail + 1))
  else
    pass=$((pass + 1))
  fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
