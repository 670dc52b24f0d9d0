#!/usr/bin/env bash
# The PyInstaller bundle as a field laptop gets it: build dist/buddy-desk/ from
# packaging/buddy-desk.spec, use its command line (buddy-desk-cli), then start its windowed
# program on an X display through Qt's xcb plugin (scripts/smoke_xcb.py). Exit 0 = passed.
#
#   bash scripts/smoke_bundle.sh            # after make setup; installs pyinstaller if missing
#   SKIP_BUILD=1 bash scripts/smoke_bundle.sh   # try an existing dist/buddy-desk again
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
DIST=dist/buddy-desk
OUT=out/smoke-bundle

fail() { echo "smoke-bundle: FAILED: $*" >&2; exit 1; }

if [ -z "${SKIP_BUILD:-}" ]; then
  # the 'bundle' extra of pyproject.toml; a no-op once it is there (a cached venv)
  [ -x "$BIN/pyinstaller" ] || "$BIN/pip" install --quiet -e '.[dev,bundle]'
  # its own work folder, apart from setuptools' build/lib (PyInstaller re-analyses each time)
  started=$SECONDS
  "$BIN/pyinstaller" packaging/buddy-desk.spec --noconfirm --log-level WARN \
    --distpath dist --workpath build/pyinstaller
  echo "smoke-bundle: built $DIST in $((SECONDS - started)) s ($(du -sh "$DIST" | cut -f1))"
fi
for program in buddy-desk buddy-desk-cli; do
  [ -x "$DIST/$program" ] || fail "no $DIST/$program"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$OUT"
# nothing of the person running this, and nothing from the checkout: only the bundle
unset BUDDY_DESK_DB BUDDY_DESK_RESOURCES PYTHONPATH
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_STATE_HOME="$tmp/state"
# the bundle keeps the database key in a key file under $tmp/config, not in anyone's keyring
export PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring
cli="$DIST/buddy-desk-cli"
db="$tmp/demo.sqlite"

started=$SECONDS
# (output captured first: grep -q would close the pipe early, and pipefail would count that)
help=$("$cli" --help)
grep -q "letter" <<<"$help" || fail "$cli --help lists no commands"
"$cli" demo --scale 0.02 --db "$db" >/dev/null
# as an NCG buddy (the consent gate: without a profile no case details, and no group)
# (the database is encrypted: read it with its key, from the key file the bundle just made)
user=$("$BIN/python" -c "import sys, pathlib
from buddy_desk.persistence.encryption import connect_file
print(connect_file(pathlib.Path(sys.argv[1]), read_only=True).execute(
  \"SELECT username FROM supervisor WHERE organisation = 'NCG' AND username IS NOT NULL\"
  ).fetchone()[0])" "$db")
if cmp -s -n 15 "$db" <(printf 'SQLite format 3'); then
  fail "the bundle wrote an unencrypted database (no SQLCipher in it?)"
fi
id=$("$cli" dossiers --group E --limit 1 --json --db "$db" --user "$user" | "$BIN/python" -c \
  'import json, sys; print(json.load(sys.stdin)[0]["id"])')
"$cli" letter "$id" --out "$OUT/brief.pdf" --db "$db" --user "$user" >/dev/null
# the letter texts and the fonts came with the bundle
text=$(pdftotext "$OUT/brief.pdf" -)
grep -q "Wat IMG en NCG samen voor u doen" <<<"$text" || fail "the letter lacks its template texts"
fonts=$(pdffonts "$OUT/brief.pdf")
grep -q "OpenSans.*yes" <<<"$fonts" || fail "the letter does not embed Open Sans"
# and the translations
english=$("$cli" screenshot --out "$tmp/x.png" --size 1x1 --lang en 2>&1 || true)
grep -q "is not a valid size" <<<"$english" || fail "no English message: $english"
echo "smoke-bundle: command line ok in $((SECONDS - started)) s" \
  "(--help, demo, letter of dossier $id → $OUT/brief.pdf, --lang en)"

# the windowed program on a real X display
"$BIN/python" scripts/smoke_xcb.py --cli "$cli" --gui "$DIST/buddy-desk" --out "$OUT"
