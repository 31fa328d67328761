from __future__ import annotations

from datetime import UTC, datetime

from trendwatch.inbox.match import MentionMatcher
from trendwatch.inbox.select import post_text, select_inbound
from trendwatch.models import RawItem

FETCHED = datetime(2026, 3, 2, 12, tzinfo=UTC)


def test_mentions_direct_sources_and_own_posts(settings):
    matcher = MentionMatcher.from_settings(settings.inbox, settings.profile())
    mention = RawItem(title="", text="@acme my Volt Pro won't charge", author="ana", external_id="9",
                      engagement={"likes": 4.0, "views": "n/a"})
    got = select_inbound(mention, item_id="i1", source="x-search", platform="x", fetched_at=FETCHED,
                         matcher=matcher)
    assert got.mention.kind == "handle" and got.message.external_id == "9"
    assert got.message.received_at == FETCHED and got.message.engagement == {"likes": 4}
    unrelated = RawItem(title="", text="nice weather", author="ana")
    assert select_inbound(unrelated, item_id="i2", source="s", platform="x", fetched_at=FETCHED,
                          matcher=matcher) is None
    direct = select_inbound(unrelated, item_id="i3", source="helpdesk", platform="x",
                            fetched_at=FETCHED, matcher=matcher, direct=True)
    assert direct.mention is None and direct.message.direct
    own = RawItem(title="", text="Acme news: Volt Pro 2 is here", author="acme")
    assert select_inbound(own, item_id="i4", source="s", platform="x", fetched_at=FETCHED,
                          matcher=matcher, direct=True) is None


def test_post_text_does_not_repeat_the_title():
    assert post_text(RawItem(title="Acme app down?", text="Acme app down? since 8am")) == "Acme app down? since 8am"
    assert post_text(RawItem(title="Review: 2 stars", text="app crashes")) == "Review: 2 stars\napp crashes"
    assert post_text(RawItem(title="only title")) == "only title"
