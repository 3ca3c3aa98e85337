#!/usr/bin/env bash
# Installs the Debian packages the test suite drives (browser, spreadsheet engine, PDF tools, database)
# when run as root with apt-get; otherwise names the missing ones. Tests that need them skip, saying why.
set -u
packages=(chromium libreoffice-calc-nogui poppler-utils postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
((${#missing[@]})) || exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || echo "WARNING: could not install ${missing[*]}; the tests that need them will be skipped"
else
  echo "NOTE: not root or no apt-get: missing ${missing[*]}; the tests that need them will be skipped"
fi
exit 0
