#!/usr/bin/env bash
# The translation cycle of Aid Tracker (Flask-Babel, domain "messages", catalogs uk, en, de).
#
#   scripts/i18n.sh extract [FILE]  scan tracker/**.py and templates/**.html (babel.cfg) into
#                                   tracker/translations/messages.pot (or FILE)
#   scripts/i18n.sh update          extract, then merge the template into every catalog
#                                   (creates a missing one); new strings get an empty msgstr,
#                                   changed ones are marked fuzzy
#   (translate)                     edit tracker/translations/uk/LC_MESSAGES/messages.po:
#                                   fill every empty msgstr, fix and un-fuzzy fuzzy entries,
#                                   keep placeholders such as %(name)s exactly; en may stay
#                                   empty (falls back to the English msgid); de is for
#                                   donor-facing output
#   scripts/i18n.sh compile         check every catalog strictly, then compile the .mo files
#                                   (git-ignored; `make install`, `make test`, `make run` do this)
#   scripts/i18n.sh check           compile, then run tests/unit/test_translations.py (fails
#                                   listing every msgid without a Ukrainian translation)
#
# Msgids are English: gettext/_ and lazy_gettext/_l (ngettext/lazy_ngettext for plurals) in
# Python, {{ _("...") }} in templates. Comments starting with "TRANSLATORS:" right above a
# string are copied into the catalogs.
set -euo pipefail
CALLER_DIR="$PWD"
cd "$(dirname "$0")/.."

BIN="${BIN:-.venv/bin}"
PYTHON="${PYTHON:-$BIN/python}"
PYBABEL="${PYBABEL:-$BIN/pybabel}"
DIR="${I18N_DIR:-tracker/translations}"
DOMAIN=messages
POT="$DIR/$DOMAIN.pot"
LOCALES=(uk en de)
# gettext, ngettext, _, N_, pgettext, … are pybabel's defaults; these add Flask-Babel's lazy forms.
KEYWORDS=(-k _l -k lazy_gettext -k "lazy_ngettext:1,2" -k "lazy_pgettext:1c,2")

# pybabel skips directories starting with "_" unless told otherwise: templates/_macros must be
# scanned, so name the ignored directories explicitly.
IGNORE_DIRS=".* __pycache__ build dist instance"

extract() {
  "$PYBABEL" -q extract -F babel.cfg "${KEYWORDS[@]}" --ignore-dirs="$IGNORE_DIRS" --add-comments=TRANSLATORS: \
    --project="Aid Tracker" --version="$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)" \
    --copyright-holder="Aid Tracker contributors" \
    -o "$(output_path "${1:-$POT}")" .
}

output_path() {  # a relative FILE given on the command line is relative to where we were called
  case "$1" in
    /*) printf '%s' "$1" ;;
    "$POT") printf '%s' "$POT" ;;
    *) printf '%s/%s' "$CALLER_DIR" "$1" ;;
  esac
}

update() {
  extract
  for locale in "${LOCALES[@]}"; do
    if [ -f "$DIR/$locale/LC_MESSAGES/$DOMAIN.po" ]; then
      "$PYBABEL" -q update -i "$POT" -d "$DIR" -D "$DOMAIN" -l "$locale"
    else
      "$PYBABEL" -q init -i "$POT" -d "$DIR" -D "$DOMAIN" -l "$locale"
    fi
  done
}

compile() {
  # pybabel compile is lenient (see scripts/check_catalogs.py): check strictly first.
  "$PYTHON" scripts/check_catalogs.py "$DIR" "$DOMAIN"
  "$PYBABEL" -q compile -d "$DIR" -D "$DOMAIN"
}

check() {
  compile
  "$PYTHON" -m pytest -q tests/unit/test_translations.py
}

case "${1:-}" in
  extract) extract "${2:-}" ;;
  update) update ;;
  compile) compile ;;
  check) check ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 2 ;;
esac
