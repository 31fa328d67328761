from pathlib import Path

import pytest

from tests.conftest import make_settings
from trendwatch.config.load import load_settings, parse_settings
from trendwatch.errors import ConfigError


def problems_of(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_settings(text, source_name="feeds.toml")
    return str(info.value)


def test_default_feeds_toml_is_valid_and_same_as_packaged_template():
    root = Path(__file__).resolve().parents[2]
    settings = load_settings(root / "feeds.toml")
    assert settings.profile().company.name
    assert len(settings.sources) >= 5
    packaged = (root / "trendwatch" / "templates" / "feeds.toml").read_text()
    assert (root / "feeds.toml").read_text() == packaged


def test_unknown_kind_names_key_and_line():
    message = problems_of('[company]\nname = "A"\n\n[[sources]]\nkind = "rsss"\nurl = "https://x.org/f"\n')
    assert "feeds.toml:5: sources[0].kind: unknown source kind 'rsss'" in message


def test_bad_url_is_named():
    message = problems_of('[company]\nname = "A"\n[[sources]]\nkind = "rss"\nurl = "not a url"\n')
    assert "sources[0].url" in message and "feeds.toml:5" in message


def test_bad_duration_names_the_key_and_form():
    message = problems_of('[company]\nname = "A"\n[[sources]]\nkind = "rss"\n'
                          'url = "https://x.org/f"\nevery = "30 minutes"\n')
    assert "feeds.toml:6: sources[0].every: '30 minutes' is not a duration" in message


def test_duplicate_source_names():
    text = '[company]\nname = "A"\n' + '[[sources]]\nkind = "rss"\nname = "same"\nurl = "https://x.org/f"\n' * 2
    message = problems_of(text)
    assert "sources[1].name: duplicate source name 'same'" in message


def test_missing_company_name():
    message = problems_of('[company]\ndescription = "no name"\n')
    assert "company.name: missing" in message and "feeds.toml:1" in message


def test_missing_company_table():
    assert "[company] is missing" in problems_of("[analysis]\nwindow = \"7d\"\n")


def test_unknown_key_is_a_mistake():
    message = problems_of('[company]\nname = "A"\ncolour = "red"\n')
    assert "feeds.toml:3: company.colour: unknown key" in message


def test_toml_syntax_error_gives_line():
    message = problems_of('[company]\nname = "A\n')
    assert "not valid TOML" in message and "line 2" in message


def test_all_problems_reported_at_once():
    message = problems_of('[company]\nname = "A"\n[analysis]\nwindow = "soon"\n'
                          '[[sources]]\nkind = "nope"\n')
    assert "2 problems" in message and "analysis.window" in message and "sources[0].kind" in message


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="trendwatch init"):
        load_settings(tmp_path / "nope.toml")


def test_default_source_name_from_url():
    settings = make_settings('[[sources]]\nkind = "rss"\nurl = "https://www.example.org/feed"\n')
    assert settings.sources[0].name == "www.example.org"
    assert settings.sources[0].every.total_seconds() == 1800
