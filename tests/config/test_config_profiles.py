"""[company]/[[products]]/[[profiles]], [rank] and [ideas] validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from trendwatch.config.load import load_settings, parse_settings
from trendwatch.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def problems_of(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_settings(text, source_name="feeds.toml")
    return str(info.value)


def test_default_files_have_a_valid_realistic_profile():
    for path in (ROOT / "feeds.toml", ROOT / "trendwatch" / "templates" / "feeds.toml"):
        profile = load_settings(path).profile()
        assert profile.company.avoid and profile.company.tone and len(profile.products) >= 2
        assert all(p.keywords and p.description for p in profile.products)


def test_profiles_side_by_side_and_lookup():
    settings = parse_settings('[company]\nname = "Acme"\n[[products]]\nname = "Rocket"\n'
                              '[[profiles]]\nname = "client-b"\n[profiles.company]\nname = "B Corp"\n'
                              '[[profiles.products]]\nname = "Widget"\n')
    assert settings.profile().name == "Acme"
    assert settings.profile("CLIENT-B").products[0].name == "Widget"
    assert settings.profile("client-b").product("widget").name == "Widget"
    with pytest.raises(ConfigError, match="no profile named 'zzz'.*Acme, client-b"):
        settings.profile("zzz")
    with pytest.raises(ConfigError, match="no product named 'Rocket'"):
        settings.profile("client-b").product("Rocket")


@pytest.mark.parametrize("text,message", [
    ('[company]\nname = "A"\n[[products]]\nname = "X"\n[[products]]\nname = "x"\n', "duplicate product name"),
    ('[company]\nname = "A"\n[[profiles]]\nname = "a"\n[profiles.company]\nname = "B"\n', "duplicate profile name"),
    ('[company]\nname = "A"\nplatforms = ["myspace"]\n', "unknown platform"),
    ('[company]\nname = "A"\nhashtags = ["two words"]\n', "is not a hashtag"),
    ('[company]\nname = "A"\n[[products]]\nname = "X"\nurl = "ftp://x"\n', "not an http(s) URL"),
    ('[company]\nname = "A"\n[[products]]\nname = "X"\nplatforms = ["tiktok", "vine"]\n', "unknown platform"),
    ('[company]\nname = "A"\n[ideas]\ngenerator = "llm"\n', "needs base_url and model"),
    ('[company]\nname = "A"\n[ideas]\ngenerator = "gpt"\n', "is not a generator"),
    ('[company]\nname = "A"\n[ideas]\ntimeout = "soon"\n', "not a duration"),
    ('[company]\nname = "A"\n[ideas]\nmastodon_limit = 10\n', "mastodon_limit"),
    ('[company]\nname = "A"\n[rank]\nsimilarity_floor = 0.6\nsimilarity_ceiling = 0.5\n', "above similarity_floor"),
    ('[company]\nname = "A"\n[rank]\ntopp = 3\n', "unknown key"),
])
def test_invalid_profiles_and_settings_are_named(text, message):
    assert message in problems_of(text)


def test_llm_settings_parse():
    settings = parse_settings('[company]\nname = "A"\n[ideas]\ngenerator = "llm"\n'
                              'base_url = "http://localhost:11434/v1/"\nmodel = "llama3.1"\n'
                              'api_key_env = "OPENAI_API_KEY"\ntimeout = "45s"\n')
    assert settings.ideas.base_url == "http://localhost:11434/v1"
    assert settings.ideas.timeout.total_seconds() == 45
