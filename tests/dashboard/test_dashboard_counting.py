"""Draft length in each platform's own unit, against its limit."""

from __future__ import annotations

from dashboard.counting import check_draft, draft_length


def test_x_uses_twitter_weighted_length():
    # a URL counts 23 whatever its length; CJK and emoji count 2
    assert draft_length("x", "see https://example.com/a/very/long/path/indeed") == 4 + 23
    assert draft_length("x", "日本") == 4
    assert draft_length("x", "🚲") == 2


def test_other_platforms_count_graphemes():
    family = "👨‍👩‍👧"                      # five code points, one grapheme
    assert draft_length("bluesky", family + " ok") == 4
    assert draft_length("linkedin", "é") == 1


def test_limits_from_draft_or_platform_default():
    assert check_draft({"platform": "x", "text": "a" * 281}).fits is False
    assert check_draft({"platform": "x", "text": "a" * 280}).fits is True
    assert check_draft({"platform": "bluesky", "text": "a" * 10, "limit": 5}).limit == 5
    check = check_draft({"platform": "bluesky", "text": "hi"})
    assert check.limit == 300 and check.summary() == "2/300 graphemes"


def test_instagram_allows_at_most_five_hashtags():
    six = " ".join(f"#t{i}" for i in range(6))
    check = check_draft({"platform": "instagram", "text": f"caption {six}"})
    assert not check.fits and "6/5 hashtags" in check.summary()
    assert check_draft({"platform": "instagram", "text": "caption #a #b"}).fits
