#!/usr/bin/env bash
# The command line's contract: sub-commands, default output name, exit
# statuses, and that invalid input writes no PDF.  Usage: cli_test.sh BRIEFING
set -u
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
expect_status() { # expected command...
  local want=$1; shift
  "$@" >"$work/out" 2>"$work/err"; local got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$* exited $got, expected $want"; cat "$work/err" >&2; fi
}

expect_status 0 "$bin" --version
grep -q '^briefing [0-9]' "$work/out" && ok || bad "--version prints 'briefing N.N.N'"
expect_status 0 "$bin" --help
grep -q 'briefing render' "$work/out" && ok || bad "--help lists render"
# every sub-command answers --help (and briefing help CMD) with its usage, exit 0
for c in import render compare batch mail check; do
  expect_status 0 "$bin" $c --help
  grep -q "briefing $c" "$work/out" && ok || bad "$c --help prints its usage"
  expect_status 0 "$bin" help $c
  grep -q "briefing $c" "$work/out" && ok || bad "help $c prints its usage"
done
expect_status 2 "$bin" help frobnicate
expect_status 2 "$bin" check --no-such-option
expect_status 2 "$bin"
expect_status 2 "$bin" frobnicate
expect_status 2 "$bin" render
expect_status 2 "$bin" render "$root/input/hengshan-2021.json" --no-such-option

# - is standard input for the report and standard output for -o
"$bin" render - -o - <"$root/input/hengshan-2021.json" >"$work/stdio.pdf" 2>/dev/null && ok || bad "render - -o -"
"$bin" render "$root/input/hengshan-2021.json" -o "$work/file.pdf" 2>/dev/null
cmp -s "$work/stdio.pdf" "$work/file.pdf" && ok || bad "render - -o - gives the bytes of render FILE -o FILE"
[ ! -e "$work/-" ] && ok || bad "-o - wrote a file named -"
echo '{"id":' | "$bin" render - -o - >"$work/none.pdf" 2>"$work/err"; [ $? = 2 ] && [ ! -s "$work/none.pdf" ] && grep -q '^<stdin>: invalid JSON' "$work/err" && ok || bad "bad JSON on stdin: exit 2, nothing on stdout, <stdin> named"

# -t NAME finds a template by name from any folder; briefing templates lists them
(cd "$work" && "$bin" render -t summary "$root/input/hengshan-2021.json" -o named.pdf 2>/dev/null) && ok || bad "-t summary from another folder"
"$bin" render -t "$root/templates/summary.json" "$root/input/hengshan-2021.json" -o "$work/path.pdf" 2>/dev/null
cmp -s "$work/named.pdf" "$work/path.pdf" && ok || bad "-t summary is templates/summary.json"
expect_status 2 "$bin" render -t no-such-template "$root/input/hengshan-2021.json" -o "$work/x.pdf"
grep -q "no template of that name" "$work/err" && ok || bad "-t NAME not found says so"
expect_status 0 "$bin" templates
grep -q '^summary ' "$work/out" && grep -q '^gbt9704 ' "$work/out" && ok || bad "templates lists the shipped ones"

# batch --name: output names from report fields, Chinese kept, made safe, unique
"$bin" batch "$root/input" "$root/input/hengshan-2021.json" --name '{{region.name}}/{{year}}年简报' -o "$work/named" -q 2>/dev/null
[ -s "$work/named/衡山县_2021年简报.pdf" ] && [ -s "$work/named/衡山县_2021年简报-2.pdf" ] && [ -s "$work/named/大冶市_2020年简报.pdf" ] && ok || bad "batch --name: $(ls "$work/named" | tr '\n' ' ')"
grep -q '"output":"衡山县_2021年简报-2.pdf"' "$work/named/manifest.jsonl" && ok || bad "batch --name: the manifest names the output"
"$bin" batch "$root/input/hengshan-2021.json" --name '{{nosuch}}' -o "$work/named2" -q 2>"$work/err"
grep -q -- "--name: the report has no nosuch" "$work/err" && ok || bad "batch --name with an unknown field says so"

# Without -o the PDF is <id>.pdf in the current folder.
(cd "$work" && "$bin" render "$root/input/kundulun-2022.json" 2>/dev/null)
[ -s "$work/kundulun-2022.pdf" ] && ok || bad "render without -o writes <id>.pdf"
head -c 5 "$work/kundulun-2022.pdf" | grep -q '%PDF-' && ok || bad "output is a PDF"

# check: valid reports print ok; invalid ones give every error with its path.
expect_status 0 "$bin" check "$root"/input/*.json
[ "$(grep -c ': ok (' "$work/out")" = "$(ls "$root"/input/*.json | wc -l)" ] && ok || bad "check prints ok per report"
cat >"$work/bad.json" <<'JSON'
{"id": "x", "region": {"name": "某县", "population": 5}, "year": "2021",
 "indicators": [{"label": "a", "value": 1}, {"label": "b", "value": "many"}],
 "sections": []}
JSON
expect_status 2 "$bin" check "$work/bad.json"
grep -qF "$work/bad.json: \$: missing required field \"title\"" "$work/err" && ok || bad "missing title reported"
grep -qF "$work/bad.json: \$.year: expected an integer, got a string" "$work/err" && ok || bad "year type reported"
grep -qF "$work/bad.json: \$.indicators[1].value: expected a number, got a string" "$work/err" && ok || bad "indicator value reported"
grep -qF "$work/bad.json: \$.region: warning: unknown field \"population\"" "$work/err" && ok || bad "unknown field warned"

# render refuses invalid input with status 2 and writes nothing.
expect_status 2 "$bin" render "$work/bad.json" -o "$work/bad.pdf"
[ ! -e "$work/bad.pdf" ] && ok || bad "no PDF for invalid input"
ls "$work" | grep -q 'tmp-' && bad "temporary file left behind" || ok

# A template with an error: status 2, message with the template path.
printf '{"page": {"size": "A3"}}' >"$work/t.json"
expect_status 2 "$bin" render "$root/input/hengshan-2021.json" -t "$work/t.json" -o "$work/t.pdf"
grep -qF "$work/t.json: \$.page.size: unknown page size \"A3\"" "$work/err" && ok || bad "template error names file and path"
[ ! -e "$work/t.pdf" ] && ok || bad "no PDF for a bad template"

# An output folder that does not exist: status 1, clear message, nothing written.
expect_status 1 "$bin" render "$root/input/hengshan-2021.json" -o "$work/missing/dir/x.pdf"
grep -q "cannot create" "$work/err" && ok || bad "unwritable output explained"

# check -t validates a template alone (as render would load it)
expect_status 0 "$bin" check -t gbt9704
grep -q 'gbt9704.json: ok' "$work/out" && ok || bad "check -t gbt9704 says ok"
expect_status 2 "$bin" check -t no-such-template
printf '{"name": "x", "fonts": {"body": ["No Such Family Anywhere"]}}' >"$work/nofont.json"
expect_status 2 "$bin" check -t "$work/nofont.json"

# colour only on a terminal, never with NO_COLOR or TERM=dumb (script(1) gives a pty)
if command -v script >/dev/null; then
  script -qc "$bin check /nonexistent.json" /dev/null >"$work/tty" 2>&1
  grep -q $'\033\[31m' "$work/tty" && ok || bad "an error on a terminal is red"
  NO_COLOR=1 script -qc "$bin check /nonexistent.json" /dev/null >"$work/tty" 2>&1
  grep -q $'\033' "$work/tty" && bad "NO_COLOR=1 still colours" || ok
  TERM=dumb script -qc "$bin check /nonexistent.json" /dev/null >"$work/tty" 2>&1
  grep -q $'\033' "$work/tty" && bad "TERM=dumb still gets escapes" || ok
  "$bin" check /nonexistent.json 2>"$work/err"
  grep -q $'\033' "$work/err" && bad "escapes in a redirected stderr" || ok
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
