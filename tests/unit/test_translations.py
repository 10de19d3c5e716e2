"""Translations: every string of the code is in Ukrainian, catalogs are sound, the interface
speaks Ukrainian unless the user chose English, and donor-facing labels exist in German.

The message template is extracted afresh from the code (scripts/i18n.sh extract) for every run,
so a string added without a Ukrainian translation fails here with its msgid listed.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from flask_babel import force_locale

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "tracker" / "translations"
SCRIPT = ROOT / "scripts" / "i18n.sh"
CHECKER = ROOT / "scripts" / "check_catalogs.py"
LOCALES = ("uk", "en", "de")
HINT = ("run `make i18n` (scripts/i18n.sh update), then translate them in "
        "tracker/translations/uk/LC_MESSAGES/messages.po")

#: printf-style placeholders: %(name)s, %d, %.2f …; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?(?P<kind>[diouxXeEfFgGcrsa%])")


def _tool_env() -> dict[str, str]:
    import os

    return {**os.environ, "BIN": str(Path(sys.executable).parent), "PYTHON": sys.executable}


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, abort_invalid=True)


def _catalog(locale: str) -> Catalog:
    return _read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", locale)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Catalog:
    """The msgids of the code as it is now (not the committed messages.pot)."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    done = subprocess.run(["bash", str(SCRIPT), "extract", str(pot)], env=_tool_env(), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return _read(pot)


def _messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def _msgid(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _placeholders(text: str) -> list[tuple[str, str]]:
    return sorted((m["name"] or "", m["kind"]) for m in PLACEHOLDER.finditer(text) if m["kind"] != "%")


def _strings(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, (tuple, list)) else [message.string]


# ------------------------------------------------------------------ the catalogs


def test_extraction_finds_python_templates_macros_and_lazy_strings(template):
    locations = {path for m in _messages(template) for path, _line in m.locations}
    ids = {_msgid(m) for m in _messages(template)}
    assert "templates/_macros/forms.html" in locations  # pybabel skips "_…" directories by default
    assert {"tracker/web/labels.py", "tracker/validators.py", "templates/base.html"} <= locations
    assert "Finance head" in ids  # lazy_gettext as _l
    assert "Page %(n)d of %(m)d" in ids  # template string with keyword arguments
    assert len(ids) > 200


def test_every_msgid_has_a_ukrainian_translation(template):
    uk = _catalog("uk")
    untranslated = []
    for message in _messages(template):
        found = uk.get(message.id, context=message.context)
        if found is None or found.fuzzy or not all(s.strip() for s in _strings(found)):
            untranslated.append(_msgid(message))
    assert not untranslated, (
        f"{len(untranslated)} msgid(s) without a Ukrainian translation ({HINT}):\n  "
        + "\n  ".join(repr(m) for m in untranslated)
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_no_fuzzy_entries(locale):
    fuzzy = [_msgid(m) for m in _messages(_catalog(locale)) if m.fuzzy]
    assert not fuzzy, f"fuzzy entries in the {locale} catalog (review, fix, drop the flag):\n  " + \
        "\n  ".join(repr(m) for m in fuzzy)


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_of_every_translation_match_the_msgid(locale):
    wrong = []
    for message in _messages(_catalog(locale)):
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        expected = _placeholders(ids[-1])
        for text in _strings(message):
            if text and _placeholders(text) != expected:
                wrong.append(f"{ids[0]!r} → {text!r}")
    assert not wrong, f"placeholders differ in the {locale} catalog:\n  " + "\n  ".join(wrong)


def test_catalogs_pass_the_strict_check():
    done = subprocess.run([sys.executable, str(CHECKER), str(TRANSLATIONS)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("breakage", [
    pytest.param(("Сторінка %(n)d з %(m)d", "Сторінка %(n)d з %(x)d"), id="renamed placeholder"),
    pytest.param(('msgstr "Головне меню"', 'msgstr "Головне меню'), id="unterminated string"),
    pytest.param(('msgid ""\nmsgstr ""\n', '#, fuzzy\nmsgid ""\nmsgstr ""\n'), id="fuzzy header"),
])
def test_compiling_a_broken_catalog_fails_loudly(tmp_path, breakage):
    shutil.copytree(TRANSLATIONS, tmp_path / "translations", ignore=shutil.ignore_patterns("*.mo"))
    po = tmp_path / "translations" / "uk" / "LC_MESSAGES" / "messages.po"
    old, new = breakage
    text = po.read_text(encoding="utf-8")
    assert old in text
    po.write_text(text.replace(old, new, 1), encoding="utf-8")

    done = subprocess.run(["bash", str(SCRIPT), "compile"], env={**_tool_env(), "I18N_DIR": str(tmp_path / "translations")},
                          cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert done.returncode != 0
    assert "uk/LC_MESSAGES/messages.po" in done.stderr
    assert not (po.with_suffix(".mo")).exists()


def test_compiling_the_catalogs_writes_every_mo_file(tmp_path):
    shutil.copytree(TRANSLATIONS, tmp_path / "translations", ignore=shutil.ignore_patterns("*.mo"))

    done = subprocess.run(["bash", str(SCRIPT), "compile"], env={**_tool_env(), "I18N_DIR": str(tmp_path / "translations")},
                          cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stderr
    for locale in LOCALES:
        assert (tmp_path / "translations" / locale / "LC_MESSAGES" / "messages.mo").stat().st_size > 0


def test_german_catalog_has_every_enum_label_for_donor_output(app):
    from tracker.web.labels import LABELS

    de = _catalog("de")
    with force_locale("en"):
        msgids = {key: str(value) for key, value in LABELS.items()}
    missing = [msgid for msgid in msgids.values() if not (de.get(msgid) and de.get(msgid).string)]
    assert not missing, f"labels without German: {missing}"
    with force_locale("de"):
        from tracker.web.labels import label

        assert label("municipality") == "Kommune"
        assert label("donation") == "Spende"
        assert label("finance_head") == "Leitung der Finanzabteilung"


def test_a_value_shared_by_two_enums_gets_each_enums_own_label(app):
    """``expired``: a document's status, but the reason of a write-off; in forms and acts alike."""
    from tracker.models import WriteOffReason
    from tracker.web.labels import MEMBER_LABELS, choices, label

    de = _catalog("de")
    with force_locale("en"):
        missing = [str(v) for v in MEMBER_LABELS.values() if not (de.get(str(v)) and de.get(str(v)).string)]
    assert not missing, f"labels without German: {missing}"
    with force_locale("uk"):
        assert label("expired") == "Прострочено"
        assert label(WriteOffReason.expired) == "Термін придатності минув"
        assert label(WriteOffReason.damaged) == label("damaged")
        option = next(c for c in choices(WriteOffReason) if c.value == "expired")
        assert str(option.label) == "Термін придатності минув"


# ------------------------------------------------------------------ the interface language


def _lang(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', html)
    assert found
    return found.group(1)


def test_pages_are_ukrainian_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert _lang(html) == "uk"
    assert "Увійти" in html and "Пароль" in html and "Електронна пошта" in html
    assert "Sign in" not in html


def test_the_browsers_accept_language_does_not_decide(client):
    html = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9,de;q=0.8"}).get_data(as_text=True)
    assert _lang(html) == "uk"
    assert "Увійти" in html


def test_choosing_english_switches_the_pages_and_back(client):
    client.get("/language/en")
    html = client.get("/login").get_data(as_text=True)
    assert _lang(html) == "en"
    assert "Sign in" in html and "Увійти" not in html

    client.get("/language/uk")
    assert "Увійти" in client.get("/login").get_data(as_text=True)


def test_an_unknown_language_is_ignored(client):
    client.get("/language/en")
    client.get("/language/fr")
    assert _lang(client.get("/login").get_data(as_text=True)) == "en"
    client.get("/language/de")  # German is for donor output, not the interface
    assert _lang(client.get("/login").get_data(as_text=True)) == "en"


def test_form_errors_are_translated_including_wtforms_own(client):
    response = client.post("/login", data={"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Це поле є обов" in html  # WTForms' DataRequired, through Flask-WTF's i18n
    client.get("/language/en")
    assert "This field is required." in client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)


def test_a_wrong_password_is_refused_in_ukrainian(client, world):
    html = client.post("/login", data={"email": world.users["accountant"].email,
                                       "password": "wrong-password-1"}).get_data(as_text=True)
    assert "Неправильна адреса електронної пошти або пароль." in html


def test_signed_in_pages_are_ukrainian_for_a_ukrainian_user(client, auth, world):
    auth.login(world.users["accountant"].email)
    html = client.get("/").get_data(as_text=True)
    assert _lang(html) == "uk"
    assert "Партнери" in html and "Курси валют" in html and "Бухгалтер" in html


def test_the_users_stored_locale_is_used_after_sign_in(client, auth, world, app):
    from tracker.extensions import db

    user = world.users["finance_head"]
    user.locale = "en"
    db.session.commit()

    assert _lang(client.get("/login").get_data(as_text=True)) == "uk"  # not signed in yet
    auth.login(user.email)
    html = client.get("/").get_data(as_text=True)
    assert _lang(html) == "en"
    assert "Partners" in html and "Finance head" in html


def test_a_language_chosen_while_signed_in_is_stored_for_the_next_sign_in(app, world, auth, client):
    from tracker.extensions import db
    from tracker.models import User

    user = world.users["accountant"]
    auth.login(user.email)
    client.get("/language/en")
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
    auth.logout()

    fresh = app.test_client()
    fresh.post("/login", data={"email": user.email, "password": "correct-horse-42"})
    assert _lang(fresh.get("/").get_data(as_text=True)) == "en"


def test_error_pages_are_translated(client, auth, world):
    auth.login(world.users["accountant"].email)
    response = client.get("/partners/999999")
    assert response.status_code == 404
    assert "Не знайдено" in response.get_data(as_text=True)


def test_api_errors_follow_the_token_users_locale(client, world, app):
    from tests.factories import token_for
    from tracker.extensions import db

    uk_token = token_for(world.users["accountant"], world.org)
    world.users["finance_head"].locale = "en"
    en_token = token_for(world.users["finance_head"], world.org)
    db.session.commit()

    uk = client.get("/api/v1/partners/999999", headers={"Authorization": f"Bearer {uk_token}"})
    en = client.get("/api/v1/partners/999999", headers={"Authorization": f"Bearer {en_token}",
                                                         "Accept-Language": "uk"})
    assert uk.status_code == en.status_code == 404
    assert uk.get_json()["title"] == "Не знайдено"
    assert en.get_json()["title"] == "Not found"
