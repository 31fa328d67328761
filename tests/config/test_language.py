"""[company] language and per-profile language: validated, defaulted from the locale."""

from __future__ import annotations

import pytest

from trendwatch.config import env
from trendwatch.config.load import parse_settings
from trendwatch.config.schema import LANGUAGES
from trendwatch.errors import ConfigError

TWO_PROFILES = """
[company]
name = "Northwind"
language = "{company}"

[[profiles]]
name = "Gulf"
{profile}
[profiles.company]
name = "Northwind Gulf"
"""


def _clear_locale(monkeypatch):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)


def test_profile_language_overrides_the_company_language():
    settings = parse_settings(TWO_PROFILES.format(company="de", profile='language = "ar"'))
    assert [p.writing_language for p in settings.all_profiles()] == ["de", "ar"]


def test_bcp47_tags_are_reduced_to_their_language():
    settings = parse_settings(TWO_PROFILES.format(company="ar-SA", profile='language = "fr_FR"'))
    assert [p.writing_language for p in settings.all_profiles()] == ["ar", "fr"]


def test_unknown_language_names_line_and_key():
    with pytest.raises(ConfigError) as caught:
        parse_settings(TWO_PROFILES.format(company="en", profile='language = "ja"'))
    message = str(caught.value)
    assert "feeds.toml:8: profiles[0].language: unknown language 'ja'" in message
    assert ", ".join(LANGUAGES) in message
    with pytest.raises(ConfigError, match=r"feeds\.toml:4: company\.language: unknown language 'xx'"):
        parse_settings(TWO_PROFILES.format(company="xx", profile=""))


def test_default_comes_from_the_locale(monkeypatch):
    _clear_locale(monkeypatch)
    settings = parse_settings('[company]\nname = "Northwind"\n')
    assert settings.profile().writing_language == "en"          # nothing set: English
    monkeypatch.setenv("LANG", "ar_SA.UTF-8")
    assert settings.profile().writing_language == "ar"
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")                 # LC_ALL wins over LANG
    assert settings.profile().writing_language == "de"
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    assert settings.profile().writing_language == "en"
    monkeypatch.setenv("LC_ALL", "ja_JP.UTF-8")                 # no catalog for it: English
    assert settings.profile().writing_language == "en"


def test_locale_language_reads_gnu_language_lists(monkeypatch):
    _clear_locale(monkeypatch)
    monkeypatch.setenv("LANGUAGE", "fr:en")
    assert env.locale_language(LANGUAGES) == "fr"
