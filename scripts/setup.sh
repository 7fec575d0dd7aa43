#!/usr/bin/env bash
# Installs what building, rendering and testing need, from Debian's packages.
# Idempotent: does nothing when everything is present. Uses sudo only when not root.
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang libclang-rt-14-dev valgrind
  libhpdf-dev libharfbuzz-dev libfreetype-dev libcjson-dev libdeflate-dev
  libxml2-dev libzip-dev libicu-dev libgmime-3.0-dev libcurl4-openssl-dev libfontconfig-dev python3
  python3-aiosmtpd openssl
  fonts-lxgw-wenkai fonts-arphic-uming fonts-wqy-microhei fonts-dejavu-core
  poppler-utils qpdf mupdf-tools
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
