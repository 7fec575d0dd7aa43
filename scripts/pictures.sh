#!/usr/bin/env bash
# Regenerates the pictures of rendered pages in the README and docs/ from input/
# (docs/mail-message.png and the typography before/after pair are made by hand:
# see docs/mail.md and docs/typography.md). Run from the repository root after
# a build: bash scripts/pictures.sh [build/briefing]
set -euo pipefail
bin=${1:-build/briefing}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1700000000
page() { # PDF PAGE DPI OUT
  pdftoppm -r "$3" -png -f "$2" -l "$2" -singlefile "$1" "$tmp/p"
  mv "$tmp/p.png" "$4"
}
for id in hengshan-2021 luhuo-2021; do
  "$bin" render "input/$id.json" -o "$tmp/$id.pdf" 2>/dev/null
  page "$tmp/$id.pdf" 1 72 "docs/$id-p1.png"
  page "$tmp/$id.pdf" 2 72 "docs/$id-p2.png"
done
for t in briefing gbt9704 summary; do
  "$bin" render -t "templates/$t.json" input/hengshan-2021.json -o "$tmp/$t.pdf" 2>/dev/null
  page "$tmp/$t.pdf" 1 60 "docs/page1-$t.png"
done
"$bin" compare input/*.json --sort 调解成功率 -o "$tmp/compare.pdf" 2>/dev/null
page "$tmp/compare.pdf" 1 60 docs/page1-compare.png
echo "pictures written to docs/"
