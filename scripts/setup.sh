#!/usr/bin/env bash
# Installs what building, rendering and testing need, from Debian's packages.
# Idempotent: does nothing when everything is present. Uses sudo only when not root.
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang libclang-rt-14-dev valgrind
  libhpdf-dev libharfbuzz-dev libfreetype-dev libcjson-dev libdeflate-dev
  libxml2-dev libzip-dev libicu-dev libgmime-3.0-dev libcurl4-openssl-dev libfontconfig-dev libmicrohttpd-dev python3
  python3-aiosmtpd openssl bash-completion man-db groff-base dpkg-dev
  fonts-lxgw-wenkai fonts-arphic-uming fonts-wqy-microhei fonts-dejavu-core fonts-noto-cjk
  poppler-utils qpdf mupdf-tools curl chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# node and npm run pdf.js, the third PDF reader of the tests; a machine that
# has them from elsewhere (NodeSource) keeps its own
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

here=$(cd "$(dirname "$0")/.." && pwd)
pdfjs() { # pdfjs-dist, pinned by tests/pdfjs/package-lock.json; playwright-core
  # (driving Debian's chromium for the page of briefing serve), pinned by
  # tests/serve/package-lock.json
  if [ ! -d "$here/tests/pdfjs/node_modules/pdfjs-dist" ]; then
    echo "setup: npm ci in tests/pdfjs" >&2
    (cd "$here/tests/pdfjs" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  if [ ! -d "$here/tests/serve/node_modules/playwright-core" ]; then
    echo "setup: npm ci in tests/serve" >&2
    (cd "$here/tests/serve" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}
if [ ${#missing[@]} -eq 0 ]; then
  pdfjs
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
pdfjs
