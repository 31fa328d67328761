"""The message catalogs cover the code, and the i18n helpers speak each locale."""

from __future__ import annotations

import fnmatch
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po

from trendwatch.config.schema import LANGUAGES
from trendwatch.present import i18n

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "trendwatch"
DASHBOARD = ROOT / "dashboard"
TRANSLATED = [code for code in LANGUAGES if code != i18n.SOURCE_LANGUAGE]


def _catalog(language: str):
    with i18n.catalog_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=i18n.DOMAIN)


def test_there_is_a_catalog_for_every_configurable_language_and_no_other():
    shipped = sorted(p.name for p in (PACKAGE / "locale").iterdir() if p.is_dir())
    assert shipped == sorted(TRANSLATED)


def _wanted() -> dict:
    """Every msgid of the package and of the Streamlit dashboard (one catalog for both)."""
    wanted = i18n.extract_messages()
    for key, places in i18n.extract_messages(DASHBOARD).items():
        wanted.setdefault(key, []).extend(f"dashboard/{place}" for place in places)
    return wanted


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_msgid_in_the_code_is_translated(language):
    """A new _() string without a translation in every catalog fails here."""
    wanted = _wanted()
    assert len(wanted) > 50                                     # the extractor finds the briefing's
    assert "Top opportunities" in wanted                        # … in the Jinja templates too
    assert "Refresh now" in wanted and "Sign in" in wanted      # … and the dashboard's
    assert ("carried by %(num)s outlet", "carried by %(num)s outlets") in wanted
    catalog = _catalog(language)
    have = {}
    for message in catalog:
        if message.id:
            have[tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id] = message
    missing = {key: places[0] for key, places in wanted.items()
               if key not in have or not all(have[key].string if isinstance(have[key].string, tuple)
                                             else [have[key].string]) or have[key].fuzzy}
    assert missing == {}, f"untranslated in {language}: {missing}"
    stale = sorted(str(key) for key in have if key not in wanted)
    assert stale == [], f"{language} catalog has msgids no code uses any more"
    for message in have.values():
        if isinstance(message.id, (list, tuple)):
            assert len(message.string) == catalog.num_plurals, message.id


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(language):
    """Babel's python-format checker: a msgstr with a wrong %(name)s would raise when filled."""
    problems = [(message.id, [str(e) for e in errors]) for message, errors in _catalog(language).check()]
    assert problems == []
    for message in _catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        if "{company}" in ids[0]:                              # the e-mail subject's own fields
            assert "{company}" in message.string and "{date}" in message.string
        if "{what}" in ids[0]:                                 # the dashboard's first-run guide
            assert message.string.count("{what}") == 1


def test_a_new_string_without_translation_is_reported(tmp_path):
    (tmp_path / "module.py").write_text('_ = str\nprint(_("A brand new heading"))\n', encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "x.html.j2").write_text('{{ _("From a template") }}', encoding="utf-8")
    found = i18n.extract_messages(tmp_path)
    assert set(found) == {"A brand new heading", "From a template"}
    assert "A brand new heading" not in {m.id for m in _catalog("ar")}


def test_catalogs_ship_as_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["trendwatch"]
    for language in TRANSLATED:
        relative = f"locale/{language}/LC_MESSAGES/trendwatch.po"
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative
    assert any(d.startswith("babel") for d in config["project"]["dependencies"])


def test_arabic_catalog_loads_with_six_plural_forms():
    messages = i18n.messages("ar")
    forms = [messages.ngettext("%(num)s source", "%(num)s sources", n) for n in (0, 1, 2, 3, 11, 100)]
    assert forms == ["لا مصادر", "مصدر واحد", "مصدران", "3 مصادر", "11 مصدرًا", "100 مصدر"]
    assert messages.gettext("Top opportunities") == "أبرز الفرص"
    assert i18n.messages("en").gettext("Top opportunities") == "Top opportunities"
    assert i18n.messages("ja").language == "en"                 # no catalog: English


def test_direction_and_isolation():
    assert i18n.direction("ar") == "rtl" and i18n.direction("ar-SA") == "rtl"
    assert i18n.direction("de") == "ltr" and i18n.start_side("ar") == "right"
    assert i18n.isolate("Northwind Flow", "ar") == "\u2068Northwind Flow\u2069"
    assert i18n.isolate("Northwind Flow", "en") == "Northwind Flow"
    assert i18n.isolate("دراجة", "ar") == "دراجة"               # already right to left
    once = i18n.isolate("Flow", "ar")
    assert i18n.isolate(once, "ar") == once


def test_babel_formats_numbers_dates_and_percentages_per_locale():
    when = datetime(2026, 12, 2, 7, 5, tzinfo=UTC)
    assert i18n.long_date(when, "en") == "Wednesday, December 2, 2026"
    assert i18n.long_date(when, "de") == "Mittwoch, 2. Dezember 2026"
    assert i18n.long_date(when, "ar") == "الأربعاء، 2 ديسمبر 2026"
    assert i18n.short_datetime(when, "fr", ZoneInfo("Europe/Paris")) == "mer. 2 déc. 08:05"
    assert i18n.short_datetime(None, "fr", ZoneInfo("UTC")) == "–"
    assert i18n.number(12345.5, "de") == "12.345,5" and i18n.number(12345.5, "en") == "12,345.5"
    assert i18n.signed_percent(1.5, "en") == "+150%"
    assert i18n.signed_percent(-0.25, "de") == "-25\u00a0%"
    assert i18n.signed_percent(0.0, "fr") == "0\u00a0%" and i18n.signed_percent(None, "ar") == "–"
    assert i18n.signed_percent(0.5, "ar").endswith("+50%")      # with Babel's bidi marks
