"""Row preparation: a post's account is its outlet, pseudonymised like the author."""

from __future__ import annotations

from trendwatch.collect.ingest import prepare_rows
from trendwatch.models import RawItem


def test_posts_count_their_account_as_the_outlet(now):
    post = RawItem(title="", text="range test #ebike", author="kim@other.example",
                   external_id="https://other.example/users/kim/statuses/1", published_at=now)
    article = RawItem(title="E-bike sales up", text="…", author="Jo Reporter",
                      url="https://news.example/a", published_at=now)
    [row] = prepare_rows([post], platform="mastodon", source_name="m", fetched_at=now,
                         privacy_key=b"k")
    assert row["author"].startswith("anon:") and row["outlet"] == row["author"]
    assert "kim" not in row["author"]
    [clear] = prepare_rows([post], platform="mastodon", source_name="m", fetched_at=now)
    assert clear["outlet"] == clear["author"] == "kim@other.example"
    # a news item's outlet stays the feed, whoever wrote it
    [news] = prepare_rows([article], platform="news", source_name="Daily", fetched_at=now,
                          privacy_key=b"k")
    assert news["outlet"] == "Daily" and news["author"].startswith("anon:")
    # a post without any account falls back to the source, and an explicit outlet wins
    [anon] = prepare_rows([RawItem(title="", text="no author here", external_id="2")],
                          platform="bluesky", source_name="b", fetched_at=now)
    assert anon["outlet"] == "b"
    linked = RawItem(title="Cities double subsidies", url="https://news.example/s", outlet="News Example")
    [card] = prepare_rows([linked], platform="mastodon", source_name="m", fetched_at=now)
    assert card["outlet"] == "News Example"


def test_same_account_same_pseudonym_across_sources(now):
    a = RawItem(title="", text="one #ebike", author="Lena.bsky.social", external_id="at://1")
    b = RawItem(title="", text="two #ebike", author="lena.bsky.social", external_id="at://2")
    rows = prepare_rows([a, b], platform="bluesky", source_name="s", fetched_at=now, privacy_key=b"k")
    assert rows[0]["outlet"] == rows[1]["outlet"]
