"""Strict checks of the message catalogs, run before compiling them (``scripts/i18n.sh compile``).

``pybabel compile`` alone is lenient: it only warns about a malformed line (an unterminated
string is silently cut short), and it silently skips a catalog whose header is marked fuzzy,
so the interface would quietly fall back to English. This refuses both, and babel's own checks
(placeholders that differ from the msgid, wrong number of plural forms), naming file and line.

Usage: python scripts/check_catalogs.py [DIRECTORY [DOMAIN]]   (exit status 1 on any problem)
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

_QUOTED = r'"(?:[^"\\]|\\.)*"'
_LINE = re.compile(rf'^(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\]) )?{_QUOTED}$')


def syntax_problems(po: Path) -> list[str]:
    """Lines that are neither comments, blank, nor a keyword with one complete quoted string."""
    problems = []
    for lineno, line in enumerate(po.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if text and not text.startswith("#") and not _LINE.match(text):
            problems.append(f"{po}:{lineno}: malformed line: {text}")
    return problems


def catalog_problems(po: Path) -> list[str]:
    try:
        problems = syntax_problems(po)
    except UnicodeDecodeError as exc:
        return [f"{po}: not UTF-8: {exc}"]
    if problems:
        return problems
    try:
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name, abort_invalid=True)
    except (PoFileError, ValueError) as exc:
        return [f"{po}: {exc}"]
    if catalog.fuzzy:
        problems.append(f"{po}: the catalog header is marked fuzzy (it would not be compiled)")
    for message, errors in catalog.check():
        problems.extend(f"{po}:{message.lineno}: {message.id!r}: {error}" for error in errors)
    return problems


def main(argv: list[str]) -> int:
    directory = Path(argv[1]) if len(argv) > 1 else Path("tracker/translations")
    domain = argv[2] if len(argv) > 2 else "messages"
    catalogs = sorted(directory.glob(f"*/LC_MESSAGES/{domain}.po"))
    problems = [] if catalogs else [f"no {domain}.po catalogs under {directory}"]
    for po in catalogs:
        problems.extend(catalog_problems(po))
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
