#!/usr/bin/env bash
# Reproducible output: the same input gives the same bytes, whatever the
# folder, output name, time zone or clock; the document date comes from the
# report's date, else from SOURCE_DATE_EPOCH, else there is none; the trailer
# /ID is derived from the content.   Usage: repro_test.sh BRIEFING
set -u
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
bad() { fail=1; echo "FAIL: $*" >&2; }

# render OUT REPORT [VAR=VALUE...]: renders with only the given variables set
# (SOURCE_DATE_EPOCH and TZ from the caller's environment are dropped).
render() {
  local out=$1 in=$2
  shift 2
  env -u SOURCE_DATE_EPOCH -u TZ "$@" "$bin" render "$in" -o "$out" 2>"$work/err" ||
    bad "render $in $* failed: $(cat "$work/err")"
}
field() { pdfinfo -isodates "$1" 2>/dev/null | sed -n "s/^$2: *//p"; }
id_of() { qpdf --show-object=trailer "$1" | grep -o '/ID \[ <[0-9a-f]*> <[0-9a-f]*> \]'; }
same() { cmp -s "$1" "$2" || bad "$1 and $2 differ: $3"; }
differ() { cmp -s "$1" "$2" && bad "$1 and $2 are identical: $3"; }

dated=$root/input/hengshan-2021.json   # "date": "2022-02-21"
undated=$root/input/fuxing-2020.json   # no date

# A report with a date: that date, whatever SOURCE_DATE_EPOCH says.
render "$work/d0.pdf" "$dated"
render "$work/d1.pdf" "$dated" SOURCE_DATE_EPOCH=1700000000
render "$work/d2.pdf" "$dated" SOURCE_DATE_EPOCH=86400
[ "$(field "$work/d0.pdf" CreationDate)" = 2022-02-21T00:00:00Z ] ||
  bad "dated report: CreationDate $(field "$work/d0.pdf" CreationDate), expected 2022-02-21"
[ "$(field "$work/d0.pdf" ModDate)" = 2022-02-21T00:00:00Z ] || bad "dated report: ModDate"
same "$work/d0.pdf" "$work/d1.pdf" "SOURCE_DATE_EPOCH must not matter for a dated report"
same "$work/d0.pdf" "$work/d2.pdf" "SOURCE_DATE_EPOCH must not matter for a dated report"

# A report without a date: SOURCE_DATE_EPOCH, or no date at all.
render "$work/u0.pdf" "$undated"
render "$work/u1.pdf" "$undated" SOURCE_DATE_EPOCH=1700000000
render "$work/u1b.pdf" "$undated" SOURCE_DATE_EPOCH=1700000000
render "$work/u2.pdf" "$undated" SOURCE_DATE_EPOCH=86400
[ -z "$(field "$work/u0.pdf" CreationDate)" ] || bad "undated report without SOURCE_DATE_EPOCH has a date"
[ -z "$(field "$work/u0.pdf" ModDate)" ] || bad "undated report without SOURCE_DATE_EPOCH has a ModDate"
[ "$(field "$work/u1.pdf" CreationDate)" = 2023-11-14T22:13:20Z ] ||
  bad "SOURCE_DATE_EPOCH=1700000000 gave $(field "$work/u1.pdf" CreationDate)"
[ "$(field "$work/u2.pdf" CreationDate)" = 1970-01-02T00:00:00Z ] ||
  bad "SOURCE_DATE_EPOCH=86400 gave $(field "$work/u2.pdf" CreationDate)"
grep -aq 'D:20231114221320' "$work/u1.pdf" || bad "the raw date D:20231114221320 is not in the file"
same "$work/u1.pdf" "$work/u1b.pdf" "same input and epoch"
differ "$work/u0.pdf" "$work/u1.pdf" "a date was added"
differ "$work/u1.pdf" "$work/u2.pdf" "different dates"

# The /ID: two equal 16-byte strings, from the content.
for f in d0 u0 u1 u2; do
  id_of "$work/$f.pdf" | grep -qE '/ID \[ <([0-9a-f]{32})> <\1> \]' || bad "$f.pdf: no /ID of two equal 16-byte strings"
done
[ "$(id_of "$work/u1.pdf")" != "$(id_of "$work/u2.pdf")" ] || bad "/ID does not change with the date"
[ "$(id_of "$work/d0.pdf")" != "$(id_of "$work/u0.pdf")" ] || bad "/ID does not change with the content"

# Same bytes from another folder, under another output name, in another
# time zone, a second later.
mkdir -p "$work/elsewhere"
(cd "$work/elsewhere" && render other-name.pdf "$dated" TZ=Asia/Shanghai)
sleep 1
render "$work/d3.pdf" "$dated" TZ=America/New_York
same "$work/d0.pdf" "$work/elsewhere/other-name.pdf" "folder, name or time zone leaked into the file"
same "$work/d0.pdf" "$work/d3.pdf" "time zone or clock leaked into the file"

# Nothing of the machine in the file: no folder names.
for s in "$work" "$root"; do
  grep -aqF "$s" "$work/d0.pdf" && bad "the PDF contains \"$s\""
done

[ "$fail" = 0 ] && echo "reproducible: ok"
exit "$fail"
