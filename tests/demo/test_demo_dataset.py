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
    assert 1200 <= total <= 1900
    assert len([o for o in OUTLETS if o.has_feed]) == 17
    assert 65 <= len(week.accounts) <= 80
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
    assert len(originals) == 4
    for original_id in originals:
        original = week.article(original_id)
        group = [a for a in copies if a.wire_of == original_id]
        assert len(group) >= 4
        assert len({a.outlet for a in group}) == len(group)
        assert all(original.body in a.body and a.title != original.title for a in group)
        assert {a.lang for a in group} == {original.lang}   # republished in its own language
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


def _arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def test_the_gulf_market_has_its_arabic_press_and_posts(week):
    arabic_outlets = [o for o in OUTLETS if o.lang == "ar" and o.has_feed]
    assert len(arabic_outlets) >= 5 and any(o.wire for o in arabic_outlets)
    for outlet in arabic_outlets:
        published = [a for a in week.articles if a.outlet == outlet.slug]
        assert len(published) >= 5 and all(_arabic(a.title) and _arabic(a.body) for a in published)
    arabic_posts = [p for p in week.posts if p.lang == "ar"]
    assert {p.platform for p in arabic_posts} == {"mastodon", "bluesky", "x"}
    assert all(_arabic(p.text) for p in arabic_posts)
    # Arabic posts tag in Arabic, as people there do
    assert any(_arabic(t) for p in arabic_posts for t in p.hashtags)
    # enough of the week is Arabic for "auto" to choose the multilingual model (≥ 10 %)
    items = len(week.articles) + len(week.posts)
    arabic = len([a for a in week.articles if a.lang == "ar"]) + len(arabic_posts)
    assert arabic / items >= 0.12


def test_one_story_in_two_languages_and_one_in_arabic_only(week):
    share = [a for a in week.articles if a.topic == "waha-bike-share"]
    by_lang = Counter(a.lang for a in share)
    # widely in Arabic, picked up by a few English outlets that have feeds (too few English
    # reports to form a cluster of their own: they join the Arabic one)
    assert by_lang["ar"] >= 20 and 3 <= by_lang["en"] <= 5
    assert all(week.outlet(a.outlet).has_feed for a in share if a.lang == "en")
    assert len({a.outlet for a in share if a.lang == "ar"}) >= 4
    delivery = [a for a in week.articles if a.topic == "nakheel-delivery-ebikes"]
    assert delivery and {a.lang for a in delivery} == {"ar"}
    assert max(a.age for a in delivery) <= 36 * 3600           # it emerges in the last 36 hours
    assert len({a.outlet for a in delivery}) >= 5
    posts = [p for p in week.posts if p.topic == "nakheel-delivery-ebikes"]
    assert len(posts) >= 50 and {p.lang for p in posts} == {"ar"}
