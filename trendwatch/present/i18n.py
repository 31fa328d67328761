"""The team's language: message catalogs, text direction and Babel formatting, in one place.

Catalogs are the project's own ``trendwatch/locale/<lang>/LC_MESSAGES/trendwatch.po`` files,
shipped as package data and compiled in memory on first use (``read_po`` → ``write_mo`` →
``babel.support.Translations``), so a fresh ``pip install -e .`` needs no build step. English
is the source language: its msgids are the text. Pure: no store, no environment (the language
comes from the profile, see ``config.schema.Profile.writing_language``).

Used by the briefing and alerts now and meant for the dashboard as well.
"""

from __future__ import annotations

import gettext as _gettext
import io
from datetime import datetime, tzinfo
from functools import cache
from importlib.resources import files

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import (
    format_decimal,
    format_percent,
    get_minus_sign_symbol,
    get_plus_sign_symbol,
)
from babel.support import Translations

from trendwatch.config.schema import LANGUAGES
from trendwatch.lang.bidi import FSI, PDI

DOMAIN = "trendwatch"
SOURCE_LANGUAGE = "en"
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"})


def language_code(language: str | None) -> str:
    """The catalogued language for a tag ("ar-SA" → "ar"); English for anything else."""
    code = (language or SOURCE_LANGUAGE).replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else SOURCE_LANGUAGE


def catalog_path(language: str):
    return files("trendwatch") / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str | None) -> _gettext.NullTranslations:
    """gettext/ngettext for ``language``: its catalog, or the English msgids themselves."""
    code = language_code(language)
    if code == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    with catalog_path(code).open("rb") as handle:
        catalog = read_po(handle, locale=code, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)   # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


class Messages:
    """``gettext`` and ``ngettext`` for one language. Bind them to the names ``_`` and
    ``ngettext`` where they are used, with literal msgids, so Babel's extractor finds every
    string (tests/present/test_i18n.py extracts them and checks every catalog has them)."""

    def __init__(self, language: str | None):
        self.language = language_code(language)
        self._translations = translations(self.language)

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int, **values: object) -> str:
        """The plural form for ``count`` (Arabic has six), ``%(num)s`` filled in the locale's
        digits and any other ``%(name)s`` from ``values``."""
        return self._translations.ngettext(singular, plural, count) % {
            **values, "num": number(count, self.language)}


def messages(language: str | None) -> Messages:
    return Messages(language)


def direction(language: str | None) -> str:
    """"rtl" or "ltr": the document direction for ``language``."""
    return "rtl" if language_code(language) in RTL_LANGUAGES else "ltr"


def is_rtl_language(language: str | None) -> bool:
    return direction(language) == "rtl"


def start_side(language: str | None) -> str:
    """Where lines start: "right" for right-to-left languages, else "left"."""
    return "right" if is_rtl_language(language) else "left"


def has_ltr(text: str) -> bool:
    import unicodedata

    return any(unicodedata.bidirectional(char) == "L" for char in text)


def isolate(text: str, language: str | None) -> str:
    """``text`` wrapped in FSI…PDI when it holds left-to-right letters and goes into
    right-to-left text; unchanged otherwise (and never wrapped twice)."""
    if not text or not is_rtl_language(language) or not has_ltr(text) or text.startswith(FSI):
        return text
    return f"{FSI}{text}{PDI}"


# list punctuation: Arabic has its own comma and semicolon, French spaces before ';'
_COMMA = {"ar": "، "}
_SEMICOLON = {"ar": "؛ ", "fr": "\u202f; "}


def comma(language: str | None) -> str:
    return _COMMA.get(language_code(language), ", ")


def semicolon(language: str | None) -> str:
    return _SEMICOLON.get(language_code(language), "; ")


def arrow(language: str | None) -> str:
    """"from → to" in the reading direction: "→" is not mirrored by the bidi algorithm."""
    return " ← " if is_rtl_language(language) else " → "


def _locale(language: str | None) -> Locale:
    return Locale.parse(language_code(language))


def number(value: float | int, language: str | None) -> str:
    return format_decimal(value, locale=_locale(language))


def percent(value: float, language: str | None) -> str:
    return format_percent(value, locale=_locale(language))


def signed_percent(value: float | None, language: str | None) -> str:
    """Relative change with its sign, in the locale's style: 1.5 → "+150%" / "+150 %" / "‎+150‎%‎"."""
    if value is None:
        return "–"
    locale = _locale(language)
    text = format_percent(abs(value), locale=locale)
    if round(value * 100) == 0:
        return text
    sign = get_plus_sign_symbol(locale) if value > 0 else get_minus_sign_symbol(locale)
    return sign + text


def long_date(value: datetime, language: str | None) -> str:
    """"Wednesday, December 2, 2026" / "الأربعاء، 2 ديسمبر 2026" (the date in ``value``'s zone)."""
    return format_date(value, format="full", locale=_locale(language))


def short_datetime(value: datetime | None, language: str | None, zone: tzinfo) -> str:
    """Weekday, day, month and time in ``zone``, in the locale's order and 24-hour clock."""
    if value is None:
        return "–"
    locale = _locale(language)
    day = format_skeleton("MMMEd", value, tzinfo=zone, locale=locale)
    time = format_skeleton("Hm", value, tzinfo=zone, locale=locale)
    return str(locale.datetime_formats["short"]).replace("{1}", day).replace("{0}", time)


# Babel's extractors over the package: Python modules and the Jinja2 templates
EXTRACT_METHODS = [("**/templates/**.j2", "jinja2.ext:babel_extract"), ("**.py", "python")]
EXTRACT_OPTIONS = {"**/templates/**.j2": {"trim_blocks": "true", "lstrip_blocks": "true"}}


def extract_messages(root=None) -> dict[str | tuple[str, str], list[str]]:
    """Every msgid in the package (``(singular, plural)`` for plural forms) → where it is used.

    What the catalogs must cover: tests/present/test_i18n.py compares it with every .po file.
    """
    from pathlib import Path

    from babel.messages.extract import extract_from_dir

    base = Path(root) if root else Path(str(files("trendwatch")))
    found: dict[str | tuple[str, str], list[str]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
            str(base), method_map=EXTRACT_METHODS, options_map=EXTRACT_OPTIONS):
        key = tuple(message) if isinstance(message, (tuple, list)) else message
        found.setdefault(key, []).append(f"{filename}:{line}")
    return found
