#!/usr/bin/env bash
# Refresh the translation catalogues (vi, en) after changing user-facing strings.
# Each app keeps its own locale/ so that parallel work on different apps does not collide;
# the root locale/ holds the shared templates/ and the project package's own strings.
set -euo pipefail
cd "$(dirname "$0")/.."
UV="uv"; command -v uv >/dev/null 2>&1 || UV="python3 -m uv"
# An existing virtualenv is used as it is (no re-sync), so parallel worktrees sharing it are safe.
PY="$UV run python"; [ -x .venv/bin/python ] && PY=".venv/bin/python"
# makemessages puts each file's strings in the nearest locale/ folder above it (else ./locale).
for dir in locale clusters/locale awards/locale emulation/scoring/locale emulation/pledges/locale \
           documents/locale yearend/locale; do
  mkdir -p "$dir"
done
# With an argument (an app folder, e.g. emulation/scoring) only that app's catalogue is refreshed.
only=()
if [ $# -gt 0 ]; then
  for dir in clusters awards emulation/scoring emulation/pledges documents yearend ./templates emulation/*.py; do
    case "./${dir#./}" in "./${1%/}"|"./${1%/}"/*) ;; *) only+=(--ignore="$dir") ;; esac
  done
fi
# A partial run would drop the root catalogue's entries: keep it as it was.
if [ $# -gt 0 ]; then keep=$(mktemp -d); cp -r locale "$keep/"; fi
$PY manage.py makemessages -l vi -l en --no-obsolete -v0 "${only[@]}" \
  --ignore=.venv --ignore=tests --ignore=scripts --ignore=var --ignore=test-output --ignore='*/migrations/*'
if [ $# -gt 0 ]; then rm -rf locale && cp -r "$keep/locale" locale && rm -rf "$keep"; fi
# The header is not a translation: drop its "fuzzy" flag so that msgfmt reads the charset.
find . -path ./.venv -prune -o -name django.po -print | xargs sed -i '1,20{/^#, fuzzy$/d}'
$PY manage.py compilemessages --ignore=.venv -v0
