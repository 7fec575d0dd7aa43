#!/usr/bin/env bash
# briefing compare on the real reports with their hand-picked indicators
# (tests/compare/inputs/: input/ as it was before import made its
# indicators, whose labels match across reports): one document with a row per region,
# sorted by the chosen indicator, a chart, deterministic; an unknown --sort is
# a usage error that writes nothing.  Usage: compare.sh BRIEFING OUTDIR
set -u
bin=$(realpath "$1")
out=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

"$bin" compare "$root"/tests/compare/inputs/*.json --sort 调解成功率 -o "$out/compare.pdf" 2>"$out/err" && ok || bad "compare exits 0"
"$bin" compare "$root"/tests/compare/inputs/*.json --sort 调解成功率 -o "$out/again.pdf" 2>/dev/null
cmp -s "$out/compare.pdf" "$out/again.pdf" && ok || bad "two runs are byte-identical"
qpdf --check "$out/compare.pdf" >/dev/null 2>&1 && ok || bad "qpdf --check"
text=$(pdftotext -enc UTF-8 "$out/compare.pdf" - 2>"$out/poppler" | tr -d ' \n')
[ -s "$out/poppler" ] && bad "poppler warnings: $(cat "$out/poppler")" || ok
for region in 衡山县 昆都仑区 炉霍县 大冶市 复兴镇; do
  case "$text" in *"$region"*) ok ;; *) bad "no row for $region" ;; esac
done
# Sorted: 衡山县 (99.65) before 大冶市 (98.9), both before the rest.
layout=$(pdftotext -layout -enc UTF-8 "$out/compare.pdf" - | tr -d ' ')
first=$(printf '%s\n' "$layout" | grep -n '衡山县（2021）' | head -1 | cut -d: -f1)
second=$(printf '%s\n' "$layout" | grep -n '大冶市（2020）' | head -1 | cut -d: -f1)
[ -n "$first" ] && [ -n "$second" ] && [ "$first" -lt "$second" ] && ok || bad "rows sorted by 调解成功率"
case "$text" in *"99.65%"*"98.9%"*) ok ;; *) bad "chart values in order" ;; esac
# The unit of 法制审核人员 differs (人, 名): warned, with the report and path.
grep -q 'luhuo-2021.json: $.indicators\[11\].unit: warning: unit "名" differs' "$out/err" && ok || bad "unit mismatch warned"

"$bin" compare "$root"/tests/compare/inputs/*.json --sort 没有这个指标 -o "$out/bad.pdf" 2>"$out/err2"
[ $? = 2 ] && ok || bad "unknown --sort exits 2"
[ ! -e "$out/bad.pdf" ] && ok || bad "no PDF for an unknown --sort"
grep -q -- '--sort "没有这个指标"' "$out/err2" && ok || bad "unknown --sort named"
"$bin" compare >/dev/null 2>&1
[ $? = 2 ] && ok || bad "compare without reports exits 2"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
