"""The automatic model choice: English windows get the English model, mixed ones the
multilingual one, with hysteresis; a fixed [analysis] model always wins."""

from __future__ import annotations

import pytest

from trendwatch.analysis.embed.base import DEFAULT_MODEL, MULTILINGUAL_MODEL, choose_model


@pytest.mark.parametrize("languages, previous, expected", [
    ({"en": 100}, None, DEFAULT_MODEL),
    ({"en": 85, "ar": 15}, None, MULTILINGUAL_MODEL),
    ({"en": 93, "es": 7}, None, DEFAULT_MODEL),                 # below the switch line …
    ({"en": 93, "es": 7}, MULTILINGUAL_MODEL, MULTILINGUAL_MODEL),  # … but above the way back
    ({"en": 97, "es": 3}, MULTILINGUAL_MODEL, DEFAULT_MODEL),
    ({"ar": 40}, None, MULTILINGUAL_MODEL),
    ({}, None, DEFAULT_MODEL),
    # a detector's guesses outside the model's languages (short English read as Bikol) and
    # unknown languages are not evidence of a mixed window
    ({"en": 80, "bcl": 15, None: 30}, None, DEFAULT_MODEL),
])
def test_auto_follows_the_windows_language_mix(languages, previous, expected):
    choice = choose_model("auto", languages, previous)
    assert choice.model == expected
    assert "auto" in choice.reason


def test_a_configured_model_is_kept_whatever_the_mix():
    choice = choose_model("all-MiniLM-L6-v2", {"ar": 90, "en": 10})
    assert choice.model == "all-MiniLM-L6-v2" and choice.other_share == pytest.approx(0.9)
