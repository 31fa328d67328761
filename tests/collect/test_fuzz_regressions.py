"""Hostile inputs that once crashed a pure parser or lost text, pinned one by one.

A pure parser may raise only ParseError; a bad field is ignored (or coerced on
purpose) and never spoils the good entries next to it. Plain-text fields keep every
character; only fields that are HTML go through the HTML-to-text step. The fuzz
tests (test_fuzz_parsers.py) search for more of these; what they find lands here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from trendwatch.collect.collectors import (
    bluesky,
    gdelt,
    google_trends,
    hackernews,
    mastodon,
    reddit,
    x,
)
from trendwatch.collect.parse.feeds import parse_feed
from trendwatch.collect.parse.records import parse_records_file
from trendwatch.errors import ParseError

UTC = UTC
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def jsonfeed(*items, **feed) -> bytes:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "T",
                       "home_page_url": "https://jf.example/", **feed, "items": list(items)}).encode()


GOOD = {"id": "ok", "url": "/ok", "title": "A good entry", "date_published": "2026-11-19T10:00:00Z"}


# --- 1. nothing but ParseError ---------------------------------------------------------------


def test_deeply_nested_json_feed_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_feed(b"{" + b'"a":[' * 100_000 + b"]" * 100_000 + b"}")
    with pytest.raises(ParseError):
        parse_feed(b"[" * 100_000, {"Content-Type": "application/feed+json"})


def test_deeply_nested_records_and_gdelt_are_parse_errors_or_warnings():
    nested = b'{"title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    items, warnings = parse_records_file(nested + b'\n{"title": "kept"}\n', "jsonl", {}, "x.jsonl")
    assert [i.title for i in items] == ["kept"] and "not valid JSON" in warnings[0]
    with pytest.raises(ParseError):
        parse_records_file(b"[" * 100_000, "json", {}, "x.json")
    with pytest.raises(ParseError):
        gdelt.parse_gdelt(b'{"articles": ' + b"[" * 100_000, "q")


@pytest.mark.parametrize("bad", [
    {"title": ["a", "list"]},
    {"title": {"a": 1}, "content_text": ["x"]},
    {"content_html": 5, "title": None},
    {"content_text": 5},
    {"url": 7, "title": "x", "authors": "nobody"},
    {"title": "x", "authors": [{"name": ["n"]}], "date_published": 1e300},
    {"title": "x", "date_published": ["2026"], "language": {"x": 1}},
    {"title": "x", "id": {"nested": True}, "external_url": ["y"]},
])
def test_json_feed_fields_of_the_wrong_type_never_crash(bad):
    parsed = parse_feed(jsonfeed(bad, GOOD))
    assert parsed.items[-1].title == "A good entry"
    assert parsed.items[-1].published_at == datetime(2026, 11, 19, 10, tzinfo=UTC)
    for item in parsed.items:
        assert isinstance(item.title, str) and isinstance(item.text, str)
        assert item.url is None or isinstance(item.url, str)
        assert item.author is None or isinstance(item.author, str)


@pytest.mark.parametrize("feed", [
    {"title": ["a", "list"]}, {"title": 5}, {"home_page_url": ["x"]}, {"language": 3},
])
def test_json_feed_level_fields_of_the_wrong_type_never_crash(feed):
    parsed = parse_feed(jsonfeed(GOOD, **feed))
    assert isinstance(parsed.title, str) and parsed.items[0].title == "A good entry"


def test_json_feed_items_that_are_not_a_list():
    body = json.dumps({"version": "https://jsonfeed.org/version/1", "items": 5}).encode()
    assert parse_feed(body).items == []


@pytest.mark.parametrize("published", [1e300, -1e300, 10**400, "9999-12-31T23:59:59-12:00",
                                       "0001-01-01T00:00:00+05:00", "1e300"])
def test_imported_record_with_an_absurd_date_has_an_unknown_date(published):
    line = json.dumps({"title": "odd date", "published": published}) if not isinstance(published, int) \
        else f'{{"title": "odd date", "published": {published:d}}}'
    items, warnings = parse_records_file(line.encode() + b'\n{"title": "good"}\n', "jsonl", {}, "x.jsonl")
    titles = [i.title for i in items]
    assert "good" in titles
    for item in items:
        assert item.published_at is None


def test_dates_outside_1990_to_now_are_unknown():
    old = {"title": "old", "date_published": "1899-01-01T00:00:00Z"}
    future = {"title": "future", "date_published": "2199-01-01T00:00:00Z"}
    items = parse_feed(jsonfeed(old, future, GOOD)).items
    assert [i.published_at for i in items[:2]] == [None, None]
    rss = (b'<rss version="2.0"><channel><title>t</title><item><title>a</title>'
           b"<pubDate>Mon, 01 Jan 1900 00:00:00 GMT</pubDate></item></channel></rss>")
    assert parse_feed(rss).items[0].published_at is None


def test_csv_whose_header_cannot_be_read_is_a_parse_error():
    # a header line longer than the csv module's field limit
    with pytest.raises(ParseError):
        parse_records_file(b'"' + b"a" * 200_000 + b'"\n', "csv", {}, "x.csv")


def test_feed_with_a_broken_ipv6_link_keeps_its_entries():
    rss = (b'<rss version="2.0"><channel><title>t</title><link>http://[::1</link>'
           b"<item><title>a</title><link>http://[broken/</link></item></channel></rss>")
    parsed = parse_feed(rss, base_url="https://feed.example/")
    assert parsed.items[0].title == "a"
    body = jsonfeed({"title": "b", "url": "/x"}, home_page_url="http://[::1")
    assert parse_feed(body).items[0].title == "b"


def test_mastodon_status_with_wrong_types():
    statuses = [
        {"id": "1", "content": 5, "spoiler_text": 7, "tags": "notalist", "account": {"acct": 3}},
        {"id": "2", "content": "<p>x</p>", "tags": [{"name": 5}, {"name": ["l"]}],
         "card": {"title": 9}, "account": {"acct": "a", "url": "http://[bad"}, "visibility": ["public"]},
        {"id": "3", "uri": ["u"], "url": {"u": 1}, "language": 5, "created_at": 1e300,
         "favourites_count": "1e400", "reblogs_count": float("nan")},
        {"id": "4", "content": "<p>good \ud800 post</p>", "visibility": "public"},
    ]
    items = mastodon.parse_statuses(statuses)
    assert items[-1].text == "good \ufffd post"
    for item in items:
        assert isinstance(item.text, str) and all(isinstance(t, str) for t in item.hashtags)
        assert item.external_id is None or isinstance(item.external_id, str)
        assert item.author is None or isinstance(item.author, str)
        assert all(isinstance(v, float) for v in item.engagement.values())
    assert mastodon.parse_tag_history([{"name": "t", "history": 5}], trending=True) == []
    links = mastodon.parse_links([{"url": ["x"]}, {"url": "http://[bad", "title": "t"}])
    assert [link.title for link in links] == ["t"]


def test_bluesky_post_with_wrong_types_and_lone_surrogates():
    post = {"uri": "at://did:plc:x/app.bsky.feed.post/1", "author": {"did": ["d"], "handle": 5},
            "record": {"text": "hi \ud800 #tag", "facets": [{"features": 5}, {"features": [
                {"$type": bluesky.FACET_TAG, "tag": ["x"]}]}], "tags": 5, "createdAt": 1e300}}
    [item] = bluesky.parse_search({"posts": [post, {"uri": 5, "record": {}}]})[0]
    assert item.text == "hi \ufffd #tag" and item.hashtags == ["tag"]
    assert bluesky.parse_trends({"trends": 5}, NOW) == []
    assert bluesky.parse_trends({"trends": [{"topic": ["t"], "postCount": 3}]}, NOW) == []
    assert bluesky.parse_trending_topics({"topics": {"a": 1}}, NOW) == []


def test_reddit_hn_x_gdelt_with_wrong_types():
    listing = {"data": {"children": [
        {"kind": "t3", "data": {"name": ["t3_x"], "title": "dropped"}},
        {"kind": "t3", "data": {"name": "t3_a", "title": 5, "selftext": ["x"], "url": 7,
                                "is_self": False, "author": {"a": 1}, "created_utc": "9" * 5000,
                                "score": "1e999"}},
    ]}}
    [item] = reddit.parse_listing(listing)
    assert item.title == "5" and item.author is None and item.published_at is None
    [hit] = hackernews.parse_hits({"hits": [{"objectID": 12, "title": ["t"], "url": 5,
                                             "created_at_i": 10**30, "points": 10**30}]})
    assert hit.external_id == "12" and hit.url.endswith("id=12") and hit.engagement == {}
    assert hackernews.newest_epoch({"hits": 5}) is None
    found = x.parse_search({"data": [{"id": 5, "text": ["t"], "author_id": ["u"], "lang": 3,
                                      "entities": {"hashtags": [{"tag": 5}]}}],
                            "includes": {"users": [{"id": ["u"], "username": "n"}]}})
    assert found[0].external_id == "5" and found[0].text == "" and found[0].hashtags == []
    items, warnings = gdelt.parse_gdelt(json.dumps({"articles": [
        {"url": ["u"], "title": "t"}, {"url": "https://g.example/a", "title": ["t"]},
        {"url": "https://g.example/b", "title": "ok", "domain": 5, "language": ["x"],
         "seendate": "00010101T000000Z"}]}).encode())
    assert [i.title for i in items] == ["ok"] and items[0].published_at is None and warnings


def test_google_trends_xml_with_hostile_encoding_is_a_parse_error():
    with pytest.raises(ParseError):
        google_trends.parse_trending_rss(b'<?xml version="1.0" encoding="nope"?><rss/>', geo="US", now=NOW)


# --- 2. plain-text fields keep their text ------------------------------------------------------


def test_rss_and_atom_titles_declared_as_text_keep_angle_brackets():
    rss = (b'<rss version="2.0"><channel><title>t</title>'
           b"<item><title>A&lt;B</title></item>"
           b"<item><title><![CDATA[Nice <gorilla> what's he weigh?]]></title></item>"
           b"</channel></rss>")
    assert [i.title for i in parse_feed(rss).items] == ["A<B", "Nice <gorilla> what's he weigh?"]
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry>'
            b'<title type="text">A&lt;B</title><summary type="text">1 &lt; 2 &lt;b&gt;</summary>'
            b"</entry></feed>")
    [entry] = parse_feed(atom).items
    assert entry.title == "A<B" and entry.text == "1 < 2 <b>"


def test_json_feed_title_is_plain_text():
    body = jsonfeed({"title": "Die Rückkehr von <i> und <b>", "content_text": "a <b> c",
                     "authors": [{"name": "Eva <Redaktion>"}]}, title="Rad & <Recht>")
    parsed = parse_feed(body)
    assert parsed.title == "Rad & <Recht>"
    [item] = parsed.items
    assert (item.title, item.text, item.author) == ("Die Rückkehr von <i> und <b>", "a <b> c",
                                                    "Eva <Redaktion>")
    [html] = parse_feed(jsonfeed({"title": "t", "content_html": "<p>a <b>b</b></p>"})).items
    assert html.text == "a b"


def test_platform_plain_text_fields_keep_angle_brackets():
    [post] = reddit.parse_listing({"data": {"children": [{"kind": "t3", "data": {
        "name": "t3_a", "title": "Nice <gorilla> what's he weigh?", "selftext": "A<B &amp; C",
        "is_self": True}}]}})
    assert post.title == "Nice <gorilla> what's he weigh?" and post.text == "A<B & C"
    [hit] = hackernews.parse_hits({"hits": [{"objectID": "1", "title": "Show HN: A<B",
                                             "story_text": "<p>html</p>"}]})
    assert hit.title == "Show HN: A<B" and hit.text == "html"
    [card] = mastodon.parse_links([{"url": "https://c.example/", "title": "A<B",
                                    "description": "x &amp; <y>"}])
    assert card.title == "A<B" and card.text == "x & <y>"
    [status] = mastodon.parse_statuses([{"id": "1", "content": "<p>html <b>only</b></p>",
                                         "spoiler_text": "CW: <b>"}])
    assert status.text == "CW: <b>\n\nhtml only"
    [sky] = bluesky.parse_search({"posts": [{"uri": "at://d/app.bsky.feed.post/1",
                                             "record": {"text": "A<B <i>"}}]})[0]
    assert sky.text == "A<B <i>"
    items, _ = gdelt.parse_gdelt(json.dumps({"articles": [
        {"url": "https://g.example/a", "title": "Tom &amp; Jerry <3"}]}).encode())
    assert items[0].title == "Tom & Jerry <3"


# --- found by the fuzz tests ---------------------------------------------------------------------


@pytest.mark.parametrize("encoding", [b"\x80tf-8", b"\x00tf-8"])
def test_feed_with_a_garbled_encoding_declaration_is_a_parse_error(encoding):
    # feedparser's charset sniffing raised UnicodeDecodeError / ValueError("embedded null character")
    body = b'<?xml version="1.0" encoding="' + encoding + b'"?><rss version="2.0"><channel></channel></rss>'
    with pytest.raises(ParseError):
        parse_feed(body)
    with pytest.raises(ParseError):
        reddit.parse_listing_rss(body, "https://www.reddit.com/r/x/new/.rss")


def test_lone_surrogates_in_imported_records_are_replaced_not_stored():
    # JSON may carry "\ud800"; SQLite/PostgreSQL cannot store it (UnicodeEncodeError at insert)
    line = b'{"title": "t \\ud800", "hashtags": "a\\udfff b", "author": "\\ud800x", "lang": "e\\ud800n"}'
    [item], _ = parse_records_file(line, "jsonl", {}, "x.jsonl")
    for value in (item.title, item.author, item.lang, *item.hashtags):
        value.encode("utf-8")
    assert item.title == "t \ufffd" and item.hashtags == ["a\ufffd", "b"]
