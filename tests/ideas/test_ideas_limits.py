"""Every platform limit, counted the way the platform counts, incl. emoji, URLs and Arabic."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trendwatch.ideas import limits
from trendwatch.ideas.limits import ELLIPSIS, fit, measure, validate
from trendwatch.lang import bidi

URL = "https://example.com/" + "a" * 120
ARABIC = "مرحبا"  # 5 letters


@pytest.mark.parametrize("platform,limit", [
    ("x", 280), ("bluesky", 300), ("mastodon", 500), ("threads", 500), ("linkedin", 3000),
    ("instagram", 2200), ("tiktok", 4000), ("facebook", 63206), ("snapchat", 250),
])
def test_plain_text_limit(platform, limit):
    assert validate(platform, "a" * limit) is None
    assert validate(platform, "a" * (limit + 1)) is not None


def test_x_weights_urls_emoji_cjk_and_arabic():
    assert measure("x", URL) == 23                       # any URL counts 23
    assert measure("x", "😀") == 2 and measure("x", "👩‍👩‍👧") == 2
    assert measure("x", "日本語") == 6
    assert measure("x", ARABIC) == 5
    assert validate("x", "😀" * 140) is None and validate("x", "😀" * 141) is not None
    assert validate("x", "a" * 256 + " " + URL) is None    # 256 + 1 + 23 = 280
    assert validate("x", "a" * 257 + " " + URL) is not None
    assert validate("x", (ARABIC + " ") * 46 + "ab") is None  # 6 × 46 + 2 = 278


def test_bluesky_counts_graphemes_and_bytes():
    family = "👩‍👩‍👧"
    assert measure("bluesky", family * 3) == 3
    assert validate("bluesky", "é" * 300) is None and validate("bluesky", "é" * 301) is not None
    assert "bytes" in validate("bluesky", family * 200)   # 200 graphemes but 3,600 bytes
    assert validate("bluesky", ARABIC * 60) is None


def test_mastodon_urls_count_23_and_instance_limit():
    text = "a" * 476 + " " + URL
    assert measure("mastodon", text) == 500 and validate("mastodon", text) is None
    assert validate("mastodon", "a" * 700) is not None
    assert validate("mastodon", "a" * 700, mastodon_limit=1000) is None
    assert fit("mastodon", "word " * 150, mastodon_limit=1000).shortened is False


def test_meta_and_others_count_utf16_conservatively():
    assert validate("threads", "😀" * 250) is None and validate("threads", "😀" * 251) is not None
    assert validate("snapchat", ARABIC * 50) is None and validate("snapchat", ARABIC * 50 + "a") is not None


def test_instagram_at_most_five_hashtags_and_threads_one():
    text = "Caption " + " ".join(f"#tag{i}" for i in range(8))
    assert validate("instagram", text) == "8 hashtags > 5"
    fitted = fit("instagram", "Nice ride #ebike today", hashtags=["a", "b", "c", "d", "e", "f"])
    assert fitted.text.count("#") == 5
    fitted = fit("instagram", text)
    assert fitted.text.count("#") == 5 and validate("instagram", fitted.text) is None
    fitted = fit("threads", "We love #ebikes and #bikes", hashtags=["x"])
    assert fitted.text == "We love #ebikes and bikes"


@pytest.mark.parametrize("platform", ["x", "bluesky", "snapchat", "threads"])
def test_shortening_happens_at_a_word_boundary(platform):
    words = ["electric", "🚲", "مرحبا", "commute", "https-free", "bike"] * 80
    fitted = fit(platform, " ".join(words), link="https://example.com/story", hashtags=["ebike"])
    assert fitted.ok and fitted.shortened
    assert validate(platform, fitted.text) is None
    body = fitted.text.split(" https://")[0]
    assert body.endswith(ELLIPSIS)
    kept = body[:-1].split()
    assert kept == words[: len(kept)]                    # whole words, in order, none cut


def test_prefers_a_sentence_end_when_shortening():
    text = "First sentence is here. " * 30
    fitted = fit("x", text)
    assert fitted.text.endswith(".") and ELLIPSIS not in fitted.text


def test_unfittable_draft_is_dropped_with_a_reason():
    fitted = fit("x", "a" * 400)
    assert not fitted.ok and "cannot fit x" in fitted.reason
    assert fit("snapchat", "x" * 300 + " y").text is None


def test_gives_up_hashtags_before_words():
    body = " ".join(["word"] * 52)       # 259 characters: no room for two long hashtags
    fitted = fit("x", body, hashtags=["averyveryverylonghashtag", "another"])
    assert fitted.ok and not fitted.text.endswith(ELLIPSIS) or "#" not in fitted.text


def test_unknown_platform_is_an_error():
    with pytest.raises(ValueError, match="unknown platform"):
        limits.spec("myspace")


_word = st.text(alphabet=st.sampled_from(list("abcdeé日本😀مرحب-")), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(words=st.lists(_word, min_size=1, max_size=120),
       platform=st.sampled_from(["x", "bluesky", "mastodon", "snapchat", "threads"]))
def test_fit_always_fits_or_drops_and_never_cuts_words(words, platform):
    text = " ".join(words)
    fitted = fit(platform, text)
    if not fitted.ok:
        assert fitted.reason
        return
    assert validate(platform, fitted.text) is None
    tokens = fitted.text.split()
    if fitted.shortened and tokens[-1].endswith(ELLIPSIS):
        tokens[-1] = tokens[-1][: -len(ELLIPSIS)]
    assert tokens == words[: len(tokens)] or re.sub(r"\s+", " ", fitted.text) == text


def test_a_post_shortened_inside_a_quote_closes_it_before_link_and_hashtags():
    quote = " ".join(["battery"] * 80)
    body = f"رقم واحد عن الطاقة: «{bidi.FSI}{quote}{bidi.PDI}» تابعونا"
    fitted = fit("x", body, link="https://example.com/a", hashtags=["#ebike"])
    assert fitted.text is not None and fitted.shortened
    head, _, tail = fitted.text.partition("…")
    assert head.count(bidi.FSI) == (head + "…" + tail[:1]).count(bidi.PDI)
    assert fitted.text.count(bidi.FSI) == fitted.text.count(bidi.PDI)
    assert fitted.text.index(bidi.PDI) < fitted.text.index("https://")
