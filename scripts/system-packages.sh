#!/usr/bin/env bash
# System packages the tests start for real: Chromium (page tests), PostgreSQL (store tests),
# Pango (WeasyPrint PDF), poppler-utils (PDF pages to PNG) and a C compiler (the integrator
# compiled ahead of time links with it). Installs only what is missing,
# from the distribution's packages; without root or apt it says what it skipped and the tests
# that need a package skip with that reason.
set -uo pipefail
want=()
command -v chromium >/dev/null 2>&1 || want+=(chromium)
command -v pg_ctlcluster >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || want+=(postgresql)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || want+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pdftoppm >/dev/null 2>&1 || want+=(poppler-utils)
command -v fc-list >/dev/null 2>&1 || want+=(fonts-dejavu-core)
command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || want+=(gcc libc6-dev)
if [ ${#want[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system packages: cannot install ${want[*]} (needs root and apt-get); tests that need them skip"
  exit 0
fi
echo "system packages: installing ${want[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null 2>&1 \
  || echo "system packages: apt-get install ${want[*]} failed; tests that need them skip"
exit 0
