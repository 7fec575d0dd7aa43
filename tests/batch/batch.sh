#!/usr/bin/env bash
# `briefing batch` through the command line, as a user runs it:
#   batch.sh BRIEFING SCRATCH_DIR
# Run from the source tree (ctest does). Plain POSIX tools only: no jq, no python.
set -u
bin=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# field NAME LINE: the value of a string or number field of a manifest line
field() { printf '%s\n' "$2" | sed -n "s/.*\"$1\":\"\{0,1\}\([^\",]*\).*/\1/p"; }
oneline() { tr -d '\n' <"$1"; echo; } # a pretty-printed report as one NDJSON line
no_temps() { ! ls -A "$1" | grep -q '\.tmp-'; }

# 1. a folder: every report written, the manifest in input (name) order
"$bin" batch input -o "$work/all" -j 2 2>"$work/all.err"
st=$?
[ $st -eq 0 ] || fail "batch input: exit $st"
n=$(ls "$work/all"/*.pdf 2>/dev/null | wc -l)
[ "$n" -eq 5 ] || fail "batch input: $n PDFs, expected 5"
[ "$(grep -c '"status":"ok"' "$work/all/manifest.jsonl")" -eq 5 ] || fail "batch input: manifest ok lines"
[ "$(wc -l <"$work/all/manifest.jsonl")" -eq 5 ] || fail "batch input: manifest lines"
got=$(sed 's/.*"source":"\([^"]*\)".*/\1/' "$work/all/manifest.jsonl" | tr '\n' ' ')
want=$(ls input/*.json | LC_ALL=C sort | tr '\n' ' ')
[ "$got" = "$want" ] || fail "batch input: manifest order: $got"
grep -q '^5 reports: 5 ok, 0 failed, ' "$work/all.err" || fail "batch input: summary line"
while read -r line; do
  out=$(field output "$line")
  bytes=$(field bytes "$line")
  [ -f "$work/all/$out" ] || fail "batch input: $out missing"
  [ "$(wc -c <"$work/all/$out")" -eq "$bytes" ] || fail "batch input: $out size differs from the manifest"
done <"$work/all/manifest.jsonl"
no_temps "$work/all" || fail "batch input: temporary files left"

# 2. -j 1 and -j 2 give the same bytes
"$bin" batch input -o "$work/j1" -j 1 --quiet 2>"$work/j1.err" || fail "batch -j 1: exit $?"
[ -s "$work/j1.err" ] && fail "batch --quiet printed: $(cat "$work/j1.err")"
for f in "$work"/all/*.pdf; do
  cmp -s "$f" "$work/j1/$(basename "$f")" || fail "-j 1 and -j 2 differ: $(basename "$f")"
done

# 3. one bad report among good ones: the others are written, exit 1
mkdir -p "$work/mixed"
cp input/hengshan-2021.json "$work/mixed/a.json"
printf '{"id": "broken", "title": 5}\n' >"$work/mixed/b.json"
cp input/kundulun-2022.json "$work/mixed/c.json"
"$bin" batch "$work/mixed" -o "$work/mixed-out" 2>"$work/mixed.err"
st=$?
[ $st -eq 1 ] || fail "bad report: exit $st, expected 1"
[ -f "$work/mixed-out/hengshan-2021.pdf" ] && [ -f "$work/mixed-out/kundulun-2022.pdf" ] ||
  fail "bad report: the good reports were not written"
line=$(sed -n 2p "$work/mixed-out/manifest.jsonl")
[ "$(field status "$line")" = error ] || fail "bad report: manifest line 2 is not an error: $line"
[ "$(field id "$line")" = broken ] || fail "bad report: id: $line"
printf '%s' "$line" | grep -q '"output":null' || fail "bad report: output not null"
printf '%s' "$line" | grep -q "b.json: \$.title: expected a string" ||
  fail "bad report: manifest lacks the message: $line"
grep -q "mixed/b.json: \$.title: expected a string" "$work/mixed.err" || fail "bad report: not on stderr"
grep -q '3 reports: 2 ok, 1 failed' "$work/mixed.err" || fail "bad report: summary"

# 4. two reports with one id: the first is written, the second is an error naming the first
mkdir -p "$work/dup"
cp input/fuxing-2020.json "$work/dup/1.json"
cp input/fuxing-2020.json "$work/dup/2.json"
"$bin" batch "$work/dup" -o "$work/dup-out" 2>"$work/dup.err"
st=$?
[ $st -eq 1 ] || fail "duplicate ids: exit $st, expected 1"
[ "$(field status "$(sed -n 1p "$work/dup-out/manifest.jsonl")")" = ok ] || fail "duplicate ids: first not ok"
second=$(sed -n 2p "$work/dup-out/manifest.jsonl")
[ "$(field status "$second")" = error ] || fail "duplicate ids: second not an error"
printf '%s' "$second" | grep -q 'duplicate id \\"fuxing-2020\\": [^ ]*dup/1.json has it too' ||
  fail "duplicate ids: message does not name the first source: $second"
cmp -s "$work/dup-out/fuxing-2020.pdf" "$work/all/fuxing-2020.pdf" || fail "duplicate ids: wrong PDF"

# 5. NDJSON on standard input, sources as <stdin>:LINE
{ oneline input/luhuo-2021.json; echo; oneline input/daye-2020.json; } >"$work/two.ndjson"
"$bin" batch - -o "$work/stdin-out" -j 2 <"$work/two.ndjson" 2>"$work/stdin.err"
st=$?
[ $st -eq 0 ] || fail "stdin: exit $st"
[ "$(sed -n 1p "$work/stdin-out/manifest.jsonl" | sed 's/.*"source":"\([^"]*\)".*/\1/')" = "<stdin>:1" ] ||
  fail "stdin: source of line 1"
[ "$(sed -n 2p "$work/stdin-out/manifest.jsonl" | sed 's/.*"source":"\([^"]*\)".*/\1/')" = "<stdin>:3" ] ||
  fail "stdin: source of line 3 (after a blank line)"
for id in luhuo-2021 daye-2020; do
  cmp -s "$work/stdin-out/$id.pdf" "$work/all/$id.pdf" || fail "stdin: $id.pdf differs from the folder run"
done

# 6. an output folder that cannot be made or written: a clear error, exit 1, nothing rendered
printf 'x' >"$work/a-file"
"$bin" batch input -o "$work/a-file/out" 2>"$work/bad-out.err"
st=$?
[ $st -eq 1 ] || fail "unwritable OUTDIR: exit $st, expected 1"
grep -q "a-file/out: cannot create the output folder" "$work/bad-out.err" ||
  fail "unwritable OUTDIR: message: $(cat "$work/bad-out.err")"
"$bin" batch input -o "$work/a-file" 2>"$work/bad-out2.err"
[ $? -eq 1 ] && grep -q "a-file: the output path exists and is not a folder" "$work/bad-out2.err" ||
  fail "OUTDIR is a file: $(cat "$work/bad-out2.err")"
if [ "$(id -u)" -ne 0 ]; then # root writes anywhere
  mkdir -p "$work/ro" && chmod 555 "$work/ro"
  "$bin" batch input -o "$work/ro" 2>"$work/ro.err"
  [ $? -eq 1 ] && grep -q "ro: cannot write into the output folder" "$work/ro.err" ||
    fail "read-only OUTDIR: $(cat "$work/ro.err")"
  chmod 755 "$work/ro"
fi

# 7. usage errors: exit 2
"$bin" batch input 2>/dev/null
[ $? -eq 2 ] || fail "no -o: expected exit 2"
"$bin" batch input -o "$work/x" -j 0 2>/dev/null
[ $? -eq 2 ] || fail "-j 0: expected exit 2"

# 8. SIGTERM while the batch waits for more input: exit 130, the manifest lists
# what was handled (a prefix), no temporary file is left
mkfifo "$work/fifo"
"$bin" batch - -o "$work/sig-out" -j 2 --quiet <"$work/fifo" 2>"$work/sig.err" &
pid=$!
exec 3>"$work/fifo" # keep the pipe open: the batch waits for more
oneline input/kundulun-2022.json >&3
for _ in $(seq 100); do # until the report is written (or 10 s)
  [ -f "$work/sig-out/kundulun-2022.pdf" ] && break
  sleep 0.1
done
kill -TERM $pid
wait $pid
st=$?
exec 3>&-
[ $st -eq 130 ] || fail "SIGTERM: exit $st, expected 130"
[ "$(wc -l <"$work/sig-out/manifest.jsonl")" -eq 1 ] || fail "SIGTERM: manifest should list 1 report"
no_temps "$work/sig-out" || fail "SIGTERM: temporary files left"

if [ $fails -ne 0 ]; then
  echo "$fails check(s) failed" >&2
  exit 1
fi
echo "batch CLI: all checks passed"
