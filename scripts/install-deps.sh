#!/usr/bin/env bash
# Installs what a fresh machine lacks: uv, the Debian packages WeasyPrint and the tests need,
# then the locked Python dependencies. Safe to run again: it only installs what is missing.
#   scripts/install-deps.sh          for `make run` (WeasyPrint libraries, fonts, gettext)
#   scripts/install-deps.sh test     also poppler-utils and Chromium for the test suite
set -euo pipefail
cd "$(dirname "$0")/.."

want=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 gettext)
if [ "${1:-}" = "test" ]; then
  want+=(poppler-utils chromium)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo ">> Installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else SUDO=none; fi
  if [ "$SUDO" = none ]; then
    echo "!! Cannot install ${missing[*]} without root; install them with apt-get." >&2
  else
    $SUDO apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || echo "!! apt-get could not install: ${missing[*]}" >&2
  fi
fi

if ! command -v uv >/dev/null 2>&1 && ! python3 -m uv --version >/dev/null 2>&1; then
  echo ">> Installing uv"
  python3 -m pip install -q uv 2>&1 | grep -v -i warning || true
fi
UV="uv"; command -v uv >/dev/null 2>&1 || UV="python3 -m uv"
$UV sync --frozen --quiet
# Translations: compiled from the .po files (the .mo files are not kept in git).
$UV run python manage.py compilemessages --ignore=.venv -v0
