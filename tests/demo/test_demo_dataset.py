"""The demo week: deterministic, and it has the stories the demo promises."""

from __future__ import annotations

from collections import Counter

import pytest

from trendwatch.demo import build_dataset
from trendwatch.demo.dataset import HALF_DAY, WEEK
from trendwatch.demo.people import OUTLETS

DAY = 2 * HALF_DAY


@pytest.fixture(scope="module")
def week():
    return build_dataset()


def test_same_seed_same_week_other_seed_other_week(week):
    again = build_dataset()
    assert again.articles == week.articles and again.posts == week.posts
    assert again.searches == week.searches and again.accounts == week.accounts
    other = build_dataset(seed=7)
    assert other.articles != week.articles


def test_volume_and_spread(week):
    total = len(week.articles) + len(week.posts)
    assert 800 <= total <= 1500
    assert len([o for o in OUTLETS if o.has_feed]) == 12
    assert 55 <= len(week.accounts) <= 70
    assert {p.platform for p in week.posts} == {"mastodon", "bluesky", "reddit", "hackernews", "x"}
    ages = [a.age for a in week.articles] + [p.age for p in week.posts]
    assert min(ages) > 0 and max(ages) <= WEEK
    # every outlet with a feed publishes on most days of the week
    for outlet in (o for o in OUTLETS if o.has_feed and o.lang == "en"):
        days = {int(a.age // DAY) for a in week.articles if a.outlet == outlet.slug}
        assert len(days) >= 4, outlet.slug


def test_emerging_story_appears_late_from_many_independent_outlets(week):
    swap = [a for a in week.articles if a.topic == "battery-swap-standard"]
    assert min(a.age for a in swap) < 6 * 3600
    assert max(a.age for a in swap) <= 36 * 3600          # nothing before day 6
    own_outlets = {a.outlet for a in swap if a.wire_of is None}
    assert len(own_outlets) >= 5
    recent = [p for p in week.posts if p.topic == "battery-swap-standard"]
    assert len({p.account for p in recent}) >= 20
    assert max(p.age for p in recent) <= 36 * 3600


def test_rising_evergreen_and_fading_stories(week):
    def per_day(topic: str) -> list[int]:
        counts = Counter(6 - int(a.age // DAY) for a in week.articles if a.topic == topic)
        return [counts.get(d, 0) for d in range(7)]

    cargo = per_day("cargo-bike-subsidy")
    assert cargo[0] == 0 and max(cargo) == max(cargo[3:5]) and cargo[6] < max(cargo)
    lanes = per_day("bike-lane-expansion")
    assert min(lanes) >= 3                                  # steady all week
    recall = per_day("charger-recall")
    assert recall[0] == max(recall) and recall[5] == recall[6] == 0


def test_syndicated_copies_share_the_wire_text_under_other_headlines(week):
    copies = [a for a in week.articles if a.wire_of]
    originals = {a.wire_of for a in copies}
    assert len(originals) == 3
    for original_id in originals:
        original = week.article(original_id)
        group = [a for a in copies if a.wire_of == original_id]
        assert len(group) >= 4
        assert len({a.outlet for a in group}) == len(group)
        assert all(original.body in a.body and a.title != original.title for a in group)
        assert all(a.age < original.age for a in group)      # republished after the original


def test_hashtags_and_languages(week):
    tagged = [p for p in week.posts if p.hashtags]
    assert len(tagged) > len(week.posts) / 2
    assert all(f"#{t}" in p.text for p in tagged for t in p.hashtags)
    arabic = [a for a in week.articles if a.lang == "ar"] + [p for p in week.posts if p.lang == "ar"]
    assert len(arabic) >= 10
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in (getattr(x, "title", None) or x.text))
               for x in arabic)
    german = [a for a in week.articles if a.lang == "de"]
    assert len(german) >= 10 and any("ü" in a.body or "ä" in a.body for a in german)


def test_engagement_follows_heat(week):
    swap = [p.likes for p in week.posts if p.topic == "battery-swap-standard" and p.age < DAY]
    chatter = [p.likes for p in week.posts if p.topic == "chatter"]
    assert sum(swap) / len(swap) > 2 * sum(chatter) / len(chatter)


def test_google_trends_follow_the_stories(week):
    swap = [s for s in week.searches if s.term == "battery swap standard"]
    assert swap and all(s.age < 2 * DAY for s in swap) and swap[0].articles
    assert any(s.term == "weather tomorrow" for s in week.searches)
