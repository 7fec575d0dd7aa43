#!/usr/bin/env bash
# Runs one case of tests/bad/cases.tsv and checks its outcome.
#
#   run_case.sh BRIEFING GEN_BAD NAME
#
# Environment: BAD_WRAPPER, a command put before BRIEFING (valgrind);
# BAD_TIMEOUT, seconds before the run counts as a hang (default 120).
#
# cases.tsv has one case a line, tab-separated:
#   name  exit  stderr  command  flags
# exit is the expected status. stderr is a line that must appear on standard
# error exactly, "~text" for a line that contains text, or "-": for status 0,
# nothing at all on standard error. command is briefing's arguments,
# separated by single spaces, in which
#   @FILE         is tests/bad/inputs/FILE, copied into the case's folder
#   @gen:KIND     is written by gen_bad KIND as KIND.json (@gen:KIND.EXT: as
#                 KIND.EXT, for raw reports)
#   @tset:P=V|... is templates/briefing.json with P set to V (gen_bad tset),
#                 written as template.json; likewise @tkeys:N, @tdup:P
#   +FILE         copies tests/bad/inputs/FILE without passing it on
# and these words may come before the sub-command:
#   ulimit:N      run with a file size limit of N KiB (ulimit -f)
#   keep:FILE     FILE exists beforehand and must be left untouched
#   dir:D[:MODE]  a folder D (with MODE, e.g. 555) exists beforehand
#   nobody        run as user nobody when root, so permissions apply
#   env:VAR=VAL   set an environment variable
# flags: "big" (too slow for valgrind) or "-".
#
# Every case also checks: no crash, no hang, no sanitizer report, no
# temporary file left anywhere in the folder; after a failure no new PDF;
# after a successful render every PDF passes qpdf --check and pdftotext.
set -u
shopt -s nullglob globstar
# Few processes: starting one costs tens of milliseconds on a small VM, and
# there are hundreds of cases.
abs() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s' "$PWD/$1" ;; esac; }
bin=$(abs "$1")
gen=$(abs "$2")
name=$3
case "$0" in */*) here=${0%/*} ;; *) here=. ;; esac
here=$(cd "$here" && pwd)
root=${here%/tests/bad}
timeout_s=${BAD_TIMEOUT:-120}
read -r -a wrapper <<<"${BAD_WRAPPER:-}"

found=0
while IFS=$'\t' read -r n want_status want_err command flags; do
  if [ "$n" = "$name" ]; then found=1; break; fi
done <"$here/cases.tsv"
if [ "$found" = 0 ]; then
  echo "no case named $name in cases.tsv" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/briefing-bad.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
cd "$work" || exit 1

fail=0
bad() {
  echo "FAIL [$name]: $*" >&2
  fail=1
}

# Materializes the inputs and builds the argument list.
args=() pre=() envs=() limit="" keep="" as_nobody=0 sub=""
materialize() { # word -> the argument to pass, in $arg
  local w=$1
  case "$w" in
    @gen:*)
      local kind=${w#@gen:} file
      case "$kind" in *.*) file=$kind; kind=${kind%%.*} ;; *) file=$kind.json ;; esac
      "$gen" "$file" "$kind" || { echo "gen_bad $kind failed" >&2; exit 1; }
      arg=$file ;;
    @tset:*)
      local spec=${w#@tset:} base="$root/templates/briefing.json" a
      IFS='|' read -r -a assigns <<<"$spec"
      for a in "${assigns[@]}"; do
        "$gen" template.json tset "$base" "$a" || { echo "gen_bad tset $a failed" >&2; exit 1; }
        base=template.json
      done
      arg=template.json ;;
    @tkeys:*)
      "$gen" template.json tkeys "$root/templates/briefing.json" "${w#@tkeys:}" || exit 1
      arg=template.json ;;
    @tdup:*)
      "$gen" template.json tdup "$root/templates/briefing.json" "${w#@tdup:}" || exit 1
      arg=template.json ;;
    @*)
      cp "$here/inputs/${w#@}" . || exit 1
      arg=${w#@} ;;
    *) arg=$w ;;
  esac
}
read -r -a words <<<"$command"
for w in "${words[@]}"; do
  if [ -z "$sub" ]; then
    case "$w" in
      ulimit:*) limit=${w#ulimit:}; continue ;;
      keep:*) keep=${w#keep:}; printf 'existing content\n' >"$keep"; continue ;;
      dir:*)
        d=${w#dir:}; mode=${d#*:}; d=${d%%:*}
        mkdir -p "$d"; [ "$mode" != "$d" ] && chmod "$mode" "$d"
        continue ;;
      nobody) as_nobody=1; continue ;;
      env:*) envs+=("${w#env:}"); continue ;;
      *) sub=$w ;;
    esac
  fi
  case "$w" in
    +*) cp "$here/inputs/${w#+}" . || exit 1 ;;
    *) materialize "$w"; args+=("$arg") ;;
  esac
done

before=(**/*.pdf)
if [ -n "$keep" ]; then keep_sum=$(cksum <"$keep"); fi

runner=()
if [ "$as_nobody" = 1 ] && [ "$EUID" = 0 ]; then
  if ! command -v setpriv >/dev/null; then
    echo "SKIP [$name]: needs setpriv to drop root" >&2
    exit 77
  fi
  runner=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi

(
  [ -n "$limit" ] && ulimit -f "$limit"
  exec env "${envs[@]+"${envs[@]}"}" timeout -k 5 "$timeout_s" \
    "${runner[@]+"${runner[@]}"}" "${wrapper[@]+"${wrapper[@]}"}" "$bin" "${args[@]}" \
    >stdout.txt 2>stderr.txt
)
status=$?

if [ "$status" = 124 ] || [ "$status" = 137 ]; then
  bad "timed out after ${timeout_s}s (a hang)"
elif [ "$status" -gt 128 ]; then
  bad "killed by signal $((status - 128)) (a crash)"
elif [ "$status" != "$want_status" ]; then
  bad "exit status $status, expected $want_status"
fi

if grep -qE 'Sanitizer|runtime error:|==[0-9]+==' stderr.txt; then
  bad "sanitizer or valgrind report"
fi

case "$want_err" in
  -)
    if [ "$want_status" = 0 ] && [ -s stderr.txt ]; then bad "expected no message"; fi ;;
  "~"*)
    grep -qF -- "${want_err#\~}" stderr.txt || bad "no line of standard error contains: ${want_err#\~}" ;;
  *)
    grep -qxF -- "$want_err" stderr.txt || bad "no line of standard error is exactly: $want_err" ;;
esac

leftovers=(**/*.tmp-*)
[ ${#leftovers[@]} = 0 ] || bad "temporary files left behind: ${leftovers[*]}"
if [ -n "$keep" ] && [ "$(cksum <"$keep")" != "$keep_sum" ]; then
  bad "$keep was changed"
fi

new_pdfs=()
for pdf in **/*.pdf; do
  case " ${before[*]} " in *" $pdf "*) ;; *) new_pdfs+=("$pdf") ;; esac
done
if [ "$want_status" != 0 ] || [ "$status" != 0 ]; then
  [ ${#new_pdfs[@]} = 0 ] || bad "a failed run wrote ${new_pdfs[*]}"
elif [ "$sub" = render ] && [ ${#wrapper[@]} != 0 ]; then
  : # under valgrind only memory matters; the PDFs were checked in the other runs
elif [ "$sub" = render ]; then
  [ ${#new_pdfs[@]} != 0 ] || bad "no PDF written"
  for pdf in "${new_pdfs[@]}"; do
    qpdf --check "$pdf" >qpdf.txt 2>&1 || { bad "qpdf --check $pdf failed"; tail -5 qpdf.txt >&2; }
    pdftotext -l 20 "$pdf" text.txt 2>poppler.txt # the first pages: enough, and fast
    [ -s text.txt ] || bad "$pdf has no text"
    [ -s poppler.txt ] && bad "poppler complains about $pdf: $(head -3 poppler.txt)"
  done
elif [ "$sub" = check ]; then
  grep -q ': ok (' stdout.txt || bad "check printed no ok line"
fi

if [ "$fail" = 1 ]; then
  echo "--- command: ${wrapper[*]:-} briefing ${args[*]}" >&2
  echo "--- standard error (first 40 lines):" >&2
  head -40 stderr.txt >&2
  exit 1
fi
echo "ok [$name]: exit $status${flags:+ ($flags)}"
exit 0
