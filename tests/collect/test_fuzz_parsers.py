"""Structure-aware fuzzing of every pure parser.

Each strategy builds the wire shape a parser reads (RSS/Atom/RDF documents, JSON
Feed, Mastodon statuses, Bluesky post views, Reddit listings, HN hits, Google
Trends RSS, GDELT JSON, X v2 responses, JSONL/CSV exports) with every field either
plausible or hostile: another JSON type, markup, entities, control characters,
lone surrogates, escape sequences, huge numbers, dates in year 1 or 9999. The only
exception a parser may raise is ParseError, and what it returns has the right
types: titles/text str, times aware UTC (1990 … now + 2 days) or None, URLs str or None.

Budget: small in the normal suite; ``HYPOTHESIS_PROFILE=fuzz`` (``make fuzz``) runs
the long budget, e.g. ``HYPOTHESIS_PROFILE=fuzz pytest tests/collect/test_fuzz_parsers.py
--hypothesis-show-statistics``. What the long runs find is pinned in test_fuzz_regressions.py.
"""

from __future__ import annotations

import json
import math
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

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
from trendwatch.collect.parse.values import EARLIEST
from trendwatch.errors import ParseError
from trendwatch.models import RawItem, TrendPoint

ROOT = Path(__file__).resolve().parents[2]
UTC = UTC
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)

settings.register_profile(
    "parsers", max_examples=25, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
settings.register_profile(
    "fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "3000")), deadline=None,
    database=DirectoryBasedExampleDatabase(str(ROOT / "data" / ".hypothesis")),
    suppress_health_check=list(HealthCheck))
FUZZ = settings.get_profile("fuzz" if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else "parsers")


# --- hostile scalars --------------------------------------------------------------------------

NASTY = [
    "<", ">", "&", "&amp;", "&lt;b&gt;", "&#0;", "&#x110000;", "&bogus;", "<b>", "</i>", "<script>alert(1)</script>",
    "<![CDATA[", "]]>", "<!--", "-->", "<?xml", "\x00", "\x07", "\x1b[2J", "\x1b]8;;http://evil\x07",
    "\u202e", "\u200f", "\ufeff", "\ud800", "\udfff", "\r\n", "\t", "#tag", "＃タグ", "#1", "مرحبا",
    "😀", "e\u0301", "\x85", "\x9b31m", " ", "", "a" * 300, "https://x.example/p?q=1&r=2",
    "http://[::1", "javascript:alert(1)", "//proto.relative/x", "/relative/path",
]
DATES = [
    "2026-11-19T10:00:00Z", "2026-11-19T10:00:00+14:00", "Thu, 19 Nov 2026 09:30:00 +0100",
    "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-12:00", "1899-12-31", "2199-01-01T00:00:00Z",
    "20261119T100000Z", "00000000T000000Z", "1785542400", "99999999999999999999", "1e300", "-1",
    "nan", "inf", "Mon, 32 Foo 2026 99:99:99 +9999", "2026-02-30", "", "   ", "١٢٣٤٥٦٧٨٩٠",
]
NUMBERS = [0, -1, 1, 2**31, 2**63, 10**30, -(10**30), 10**400, 1e300, -1e300, math.inf, -math.inf,
           math.nan, 0.5, 1785542400, 1785542400000]

# all of Unicode (surrogates included, which JSON can carry) weighted towards the nasty bits
chars = st.characters(codec=None, categories=None)
hostile_text = st.one_of(
    st.text(chars, max_size=40),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(chars, max_size=8)), max_size=6).map("".join),
)
# a string that is safe inside XML 1.0 (XML cannot carry control characters or surrogates at all)
NOT_XML = "".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF]))
xml_chars = st.characters(codec="utf-8", exclude_characters=NOT_XML)
xml_text = st.one_of(
    st.text(xml_chars, max_size=30),
    st.lists(st.one_of(st.sampled_from([n for n in NASTY if not any(c in NOT_XML or 0xD800 <= ord(c) <= 0xDFFF
                                                                     for c in n)]),
                       st.text(xml_chars, max_size=8)), max_size=5).map("".join),
)
numbers = st.one_of(st.sampled_from(NUMBERS), st.integers(), st.floats(allow_nan=True, allow_infinity=True))
json_scalar = st.one_of(st.none(), st.booleans(), numbers, hostile_text)
any_json = st.recursive(json_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(hostile_text, inner, max_size=3)), max_leaves=8)
date_value = st.one_of(st.sampled_from(DATES), numbers, hostile_text)


def field(good: st.SearchStrategy) -> st.SearchStrategy:
    """A wire field: mostly the plausible type, sometimes anything at all."""
    return st.one_of(good, good, any_json)


def shaped(**fields: st.SearchStrategy) -> st.SearchStrategy:
    """A JSON object with (any subset of) these fields, each plausible or hostile, plus junk keys."""
    return st.fixed_dictionaries({}, optional={k: field(v) for k, v in fields.items()}).flatmap(
        lambda d: st.dictionaries(hostile_text, any_json, max_size=2).map(lambda extra: {**extra, **d}))


def listish(element: st.SearchStrategy, max_size: int = 4) -> st.SearchStrategy:
    return st.one_of(st.lists(element, max_size=max_size), st.lists(element, max_size=max_size), any_json)


# --- what a parser may return -------------------------------------------------------------------


def check_time(value, *, may_be_none: bool = True) -> None:
    if value is None:
        assert may_be_none
        return
    assert isinstance(value, datetime) and value.utcoffset() == timedelta(0)
    assert EARLIEST <= value <= datetime.now(UTC) + timedelta(days=2)


def opt_str(value) -> bool:
    return value is None or isinstance(value, str)


def check_items(items) -> None:
    assert isinstance(items, list)
    for item in items:
        assert isinstance(item, RawItem)
        assert isinstance(item.title, str) and isinstance(item.text, str)
        assert opt_str(item.url) and opt_str(item.external_id) and opt_str(item.author)
        assert opt_str(item.outlet) and opt_str(item.lang) and opt_str(item.reply_to)
        check_time(item.published_at)
        assert isinstance(item.hashtags, list) and all(isinstance(t, str) for t in item.hashtags)
        assert all(isinstance(k, str) and isinstance(v, float) and math.isfinite(v)
                   for k, v in item.engagement.items())
        for value in (item.title, item.text, item.url, item.external_id, item.author, item.outlet,
                      item.lang, item.reply_to, *item.hashtags):
            if value:  # storable: no lone surrogates left
                value.encode("utf-8")


def check_points(points) -> None:
    assert isinstance(points, list)
    for point in points:
        assert isinstance(point, TrendPoint)
        assert isinstance(point.term, str) and point.term and isinstance(point.metric, str)
        assert isinstance(point.at, datetime) and point.at.utcoffset() == timedelta(0)
        assert isinstance(point.value, (int, float)) and math.isfinite(point.value)
        json.dumps(point.extra)  # stored as JSON


def parse_or_parse_error(parse, *args, **kwargs):
    try:
        return parse(*args, **kwargs)
    except ParseError:
        return None


# --- RSS / Atom / RDF ----------------------------------------------------------------------------


def element(name: str, text: st.SearchStrategy = xml_text, attrs: dict | None = None):
    """<name attrs>text</name> with the text XML-escaped, CDATA-wrapped or raw (maybe breaking the XML)."""
    attr_values = {k: st.one_of(v if isinstance(v, st.SearchStrategy) else st.just(v), xml_text)
                   for k, v in (attrs or {}).items()}
    return st.tuples(
        text, st.sampled_from(["escape", "escape", "cdata", "raw"]),
        st.fixed_dictionaries({}, optional=attr_values),
    ).map(lambda t: _render(name, *t))


def _render(name: str, text: str, how: str, attrs: dict) -> str:
    body = escape(text) if how == "escape" else f"<![CDATA[{text}]]>" if how == "cdata" else text
    attributes = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
    return f"<{name}{attributes}>{body}</{name}>"


def children(*parts: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(st.one_of(*parts), max_size=8).map("".join)


DATE_TEXT = st.one_of(st.sampled_from(DATES), xml_text)
TYPES = ["text", "html", "xhtml", "text/html", "text/plain", "application/xhtml+xml", "bogus"]
rss_item = children(element("title"), element("link"), element("description"), element("guid"),
                    element("pubDate", DATE_TEXT), element("dc:creator"), element("author"),
                    element("category"), element("source", attrs={"url": "https://s.example/"}),
                    element("content:encoded"), element("language")).map(lambda c: f"<item>{c}</item>")
rss_doc = st.tuples(children(element("title"), element("link"), element("description"),
                             element("language")), st.lists(rss_item, max_size=5)).map(
    lambda t: ('<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
               'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
               f"{t[0]}{''.join(t[1])}</channel></rss>"))
atom_entry = children(element("title", attrs={"type": st.sampled_from(TYPES)}),
                      element("summary", attrs={"type": st.sampled_from(TYPES)}),
                      element("content", attrs={"type": st.sampled_from(TYPES)}),
                      element("id"), element("updated", DATE_TEXT), element("published", DATE_TEXT),
                      st.tuples(xml_text).map(lambda t: f"<link href={quoteattr(t[0])}/>"),
                      element("author", st.just("<name>n</name>")),
                      element("name")).map(lambda c: f"<entry>{c}</entry>")
atom_doc = st.tuples(
    st.one_of(st.just(""), xml_text.map(lambda b: f" xml:base={quoteattr(b)}")),
    children(element("title", attrs={"type": st.sampled_from(TYPES)}), element("id"),
             st.tuples(xml_text).map(lambda t: f"<link href={quoteattr(t[0])}/>")),
    st.lists(atom_entry, max_size=5),
).map(lambda t: f'<feed xmlns="http://www.w3.org/2005/Atom"{t[0]}>{t[1]}{"".join(t[2])}</feed>')
rdf_doc = st.lists(children(element("title"), element("link"), element("description"),
                            element("dc:date", DATE_TEXT)).map(lambda c: f'<item rdf:about="x">{c}</item>'),
                   max_size=4).map(lambda items: (
                       '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                       'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                       f'<channel rdf:about="x"><title>t</title></channel>{"".join(items)}</rdf:RDF>'))
PROLOGS = ['<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="iso-8859-1"?>',
           '<?xml version="1.0" encoding="bogus"?>', "", "\ufeff",
           '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>']


@st.composite
def xml_feeds(draw) -> bytes:
    doc = draw(st.sampled_from(PROLOGS)) + draw(st.one_of(rss_doc, atom_doc, rdf_doc))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "latin-1", "utf-16"]))
    body = doc.encode(encoding, errors="replace")
    mutation = draw(st.sampled_from(["none", "none", "truncate", "flip"]))
    if mutation == "truncate" and body:
        body = body[:draw(st.integers(0, len(body)))]
    elif mutation == "flip" and body:
        at = draw(st.integers(0, len(body) - 1))
        body = body[:at] + bytes([draw(st.integers(0, 255))]) + body[at + 1:]
    return body


headers = st.one_of(st.none(), st.fixed_dictionaries({}, optional={
    "Content-Type": st.sampled_from(["application/rss+xml", "application/atom+xml", "text/html",
                                     "application/feed+json", "text/xml; charset=iso-8859-1",
                                     "text/plain; charset=bogus"]),
    "Content-Location": st.sampled_from(["https://elsewhere.example/", "http://[::1"]),
}))
base_urls = st.one_of(st.none(), st.sampled_from(["https://feed.example/rss", "http://[::1", ""]),
                      st.text(xml_chars, max_size=20))


def check_feed(parsed) -> None:
    if parsed is None:
        return
    assert isinstance(parsed.title, str) and opt_str(parsed.link)
    assert all(isinstance(w, str) for w in parsed.warnings)
    check_items(parsed.items)


@FUZZ
@given(xml_feeds(), headers, base_urls)
def test_fuzz_xml_feeds(body, headers, base_url):
    check_feed(parse_or_parse_error(parse_feed, body, headers, base_url))


# --- JSON Feed -----------------------------------------------------------------------------------

author = shaped(name=hostile_text, url=hostile_text)
json_feed_item = shaped(id=st.one_of(hostile_text, st.integers()), url=hostile_text, external_url=hostile_text,
                        title=hostile_text, content_html=hostile_text, content_text=hostile_text,
                        summary=hostile_text, date_published=date_value, date_modified=date_value,
                        authors=listish(author), author=author, language=hostile_text, tags=listish(hostile_text))
json_feed = shaped(version=st.sampled_from(["https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1"]),
                   title=hostile_text, home_page_url=hostile_text, language=hostile_text,
                   items=listish(json_feed_item, 6))


def json_bytes(value) -> bytes:
    return json.dumps(value, ensure_ascii=True, allow_nan=True).encode()


@FUZZ
@given(json_feed, base_urls)
def test_fuzz_json_feed(data, base_url):
    data = {**data, "version": data.get("version") if isinstance(data.get("version"), str)
            else "https://jsonfeed.org/version/1.1"}
    check_feed(parse_or_parse_error(parse_feed, json_bytes(data), {"Content-Type": "application/feed+json"},
                                    base_url))


@FUZZ
@given(st.binary(max_size=300), headers)
def test_fuzz_feed_bytes(body, headers):
    check_feed(parse_or_parse_error(parse_feed, body, headers))


# --- Mastodon ------------------------------------------------------------------------------------

account = shaped(acct=hostile_text, url=hostile_text, username=hostile_text)
status_fields = dict(
    id=hostile_text, uri=hostile_text, url=hostile_text, content=hostile_text, spoiler_text=hostile_text,
    visibility=st.sampled_from(["public", "unlisted", "private", "direct"]), language=hostile_text,
    created_at=date_value, account=account, tags=listish(shaped(name=hostile_text, url=hostile_text)),
    card=shaped(title=hostile_text, url=hostile_text), favourites_count=numbers, reblogs_count=numbers,
    replies_count=numbers, quotes_count=numbers,
)
status = shaped(**status_fields, reblog=shaped(**status_fields))
card = shaped(url=hostile_text, title=hostile_text, description=hostile_text, published_at=date_value,
              provider_name=hostile_text, language=hostile_text)
tag = shaped(name=hostile_text, history=listish(shaped(day=date_value, uses=st.one_of(numbers, hostile_text),
                                                       accounts=st.one_of(numbers, hostile_text))))


@FUZZ
@given(listish(status, 5), listish(card), st.one_of(listish(tag), tag), st.booleans())
def test_fuzz_mastodon(statuses, cards, tags, trending):
    check_items(mastodon.parse_statuses(statuses))
    check_items(mastodon.parse_links(cards))
    check_points(mastodon.parse_tag_history(tags, trending=trending))
    for one in statuses if isinstance(statuses, list) else []:
        item = mastodon.parse_status(one)
        assert item is None or isinstance(item, RawItem)
        handle = mastodon.account_handle(one.get("account") if isinstance(one, dict) else one)
        assert opt_str(handle)


notification = shaped(id=hostile_text, type=st.sampled_from(["mention", "favourite", "x"]),
                      created_at=date_value, account=account,
                      status=shaped(**status_fields, in_reply_to_id=hostile_text))


@FUZZ
@given(listish(notification, 5), st.booleans())
def test_fuzz_mastodon_notifications(notifications, direct):
    items = mastodon.parse_notifications(notifications, direct=direct)
    check_items(items)
    assert all(i.external_id for i in items)


# --- Bluesky -------------------------------------------------------------------------------------

index = shaped(byteStart=st.one_of(st.integers(-5, 60), numbers), byteEnd=st.one_of(st.integers(-5, 60), numbers))
feature = shaped(**{"$type": st.sampled_from([bluesky.FACET_TAG, bluesky.FACET_LINK, "x"]),
                    "tag": hostile_text, "uri": hostile_text})
facet = shaped(index=index, features=listish(feature))
record = shaped(text=hostile_text, facets=listish(facet), tags=listish(hostile_text), createdAt=date_value,
                langs=listish(hostile_text),
                embed=shaped(external=shaped(title=hostile_text, uri=hostile_text)))
post_view = shaped(uri=st.one_of(st.just("at://did:plc:abc/app.bsky.feed.post/3k"), hostile_text),
                   record=record, indexedAt=date_value,
                   author=shaped(did=hostile_text, handle=hostile_text),
                   likeCount=numbers, repostCount=numbers, replyCount=numbers, quoteCount=numbers)
trend = shaped(topic=hostile_text, postCount=numbers, startedAt=date_value, displayName=hostile_text,
               link=hostile_text, status=hostile_text, category=hostile_text)


@FUZZ
@given(shaped(posts=listish(post_view, 5), cursor=hostile_text), shaped(trends=listish(trend)),
       shaped(topics=listish(shaped(topic=hostile_text, displayName=hostile_text, link=hostile_text))))
def test_fuzz_bluesky(search, trends, topics):
    items, cursor = bluesky.parse_search(search)
    check_items(items)
    assert opt_str(cursor)
    check_points(bluesky.parse_trends(trends, NOW))
    check_points(bluesky.parse_trending_topics(topics, NOW))


bsky_notification = shaped(
    uri=st.one_of(st.just("at://did:plc:abc/app.bsky.feed.post/3k"), hostile_text),
    reason=st.sampled_from(["mention", "reply", "quote", "like", "follow"]), indexedAt=date_value,
    author=shaped(did=hostile_text, handle=hostile_text),
    record=shaped(text=hostile_text, facets=listish(facet), createdAt=date_value,
                  reply=shaped(parent=shaped(uri=hostile_text), root=shaped(uri=hostile_text))))


@FUZZ
@given(shaped(notifications=listish(bsky_notification, 5), cursor=hostile_text))
def test_fuzz_bluesky_notifications(data):
    items, cursor = bluesky.parse_notifications(data)
    check_items(items)
    assert opt_str(cursor)


# --- Reddit, Hacker News, X, GDELT, Google Trends -------------------------------------------------

reddit_post = shaped(name=hostile_text, title=hostile_text, selftext=hostile_text, author=hostile_text,
                     created_utc=numbers, permalink=hostile_text, url=hostile_text, is_self=st.booleans(),
                     score=numbers, num_comments=numbers)
listing = shaped(kind=st.just("Listing"), data=shaped(children=listish(
    shaped(kind=st.sampled_from(["t3", "t1"]), data=reddit_post), 5)))


@FUZZ
@given(listing)
def test_fuzz_reddit(data):
    check_items(reddit.parse_listing(data))


reddit_message = shaped(name=hostile_text, subject=hostile_text, body=hostile_text, author=hostile_text,
                        created_utc=st.one_of(numbers, hostile_text), context=hostile_text,
                        parent_id=hostile_text, score=numbers)
message_listing = shaped(kind=st.just("Listing"), data=shaped(after=hostile_text, children=listish(
    shaped(kind=st.sampled_from(["t1", "t4", "t3"]), data=reddit_message), 5)))


@FUZZ
@given(message_listing)
def test_fuzz_reddit_inbox(data):
    items, after = reddit.parse_inbox(data)
    check_items(items)
    assert opt_str(after)


@FUZZ
@given(xml_feeds())
def test_fuzz_reddit_rss(body):
    items = parse_or_parse_error(reddit.parse_listing_rss, body, "https://www.reddit.com/r/x/new/.rss")
    check_items(items or [])


hn_hit = shaped(objectID=st.one_of(hostile_text, st.integers()), title=hostile_text, story_title=hostile_text,
                url=hostile_text, story_text=hostile_text, comment_text=hostile_text, author=hostile_text,
                points=numbers, num_comments=numbers, created_at=date_value, created_at_i=numbers)


@FUZZ
@given(shaped(hits=listish(hn_hit, 5), nbPages=numbers))
def test_fuzz_hackernews(data):
    check_items(hackernews.parse_hits(data))
    newest = hackernews.newest_epoch(data)
    assert newest is None or isinstance(newest, int)


x_post = shaped(id=st.one_of(hostile_text, st.integers()), text=hostile_text, created_at=date_value,
                author_id=hostile_text, lang=hostile_text, note_tweet=shaped(text=hostile_text),
                public_metrics=shaped(like_count=numbers, retweet_count=numbers, reply_count=numbers,
                                      quote_count=numbers),
                entities=shaped(hashtags=listish(shaped(tag=hostile_text))))
x_response = shaped(data=listish(x_post, 5),
                    includes=shaped(users=listish(shaped(id=hostile_text, username=hostile_text))),
                    meta=shaped(result_count=numbers, newest_id=hostile_text, next_token=hostile_text))


@FUZZ
@given(x_response)
def test_fuzz_x(data):
    check_items(x.parse_search(data))


gdelt_article = shaped(url=hostile_text, title=hostile_text, seendate=st.one_of(st.sampled_from(DATES), hostile_text),
                       domain=hostile_text, language=st.one_of(st.sampled_from(["English", "Arabic"]), hostile_text),
                       sourcecountry=hostile_text)


@FUZZ
@given(st.one_of(shaped(articles=listish(gdelt_article, 5)).map(json_bytes), st.binary(max_size=200),
                 hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_fuzz_gdelt(body):
    result = parse_or_parse_error(gdelt.parse_gdelt, body, "q")
    if result is not None:
        items, warnings = result
        check_items(items)
        assert all(isinstance(w, str) for w in warnings)


news_item = children(element("ht:news_item_title"), element("ht:news_item_url"),
                     element("ht:news_item_source"), element("ht:news_item_snippet")).map(
    lambda c: f"<ht:news_item>{c}</ht:news_item>")
trends_item = children(element("title"), element("pubDate", DATE_TEXT),
                       element("ht:approx_traffic", st.one_of(st.sampled_from(
                           ["20,000+", "2M+", "500K+", "9" * 400 + "B+", "+", "K", "1e999+", "nan+"]), xml_text)),
                       news_item).map(lambda c: f"<item>{c}</item>")


@st.composite
def trends_rss(draw) -> bytes:
    items = draw(st.lists(trends_item, max_size=4))
    doc = (draw(st.sampled_from(PROLOGS)) + '<rss version="2.0" xmlns:ht="https://trends.google.com/trending/rss">'
           f"<channel><title>t</title>{''.join(items)}</channel></rss>")
    body = doc.encode("utf-8", errors="replace")
    if draw(st.booleans()) and body:
        body = body[:draw(st.integers(0, len(body)))]
    return body


@FUZZ
@given(trends_rss())
def test_fuzz_google_trends(body):
    result = parse_or_parse_error(google_trends.parse_trending_rss, body, geo="US", now=NOW)
    if result is not None:
        items, points = result
        check_items(items)
        check_points(points)


# --- imported records (JSONL, JSON, CSV) ------------------------------------------------------------

export_record = shaped(id=st.one_of(hostile_text, st.integers()), title=hostile_text, text=hostile_text,
                       url=hostile_text, published=date_value, author=hostile_text, source=hostile_text,
                       hashtags=st.one_of(hostile_text, listish(hostile_text)), lang=hostile_text,
                       user=shaped(screen_name=hostile_text),
                       # inbound exports: the usual names of helpdesk, DM and review columns
                       body=hostile_text, message=hostile_text, customer=hostile_text,
                       created_at=date_value, rating=st.one_of(numbers, hostile_text),
                       stars=any_json, reply_to=st.one_of(hostile_text, st.integers()),
                       thread_id=any_json, attributes=shaped(body=hostile_text, rating=numbers))
mappings = st.one_of(st.just({}), st.fixed_dictionaries({}, optional={
    "title": st.sampled_from(["title", "Headline", "user.screen_name", "a.b.c", ""]),
    "text": st.sampled_from(["text", "body", "title"]),
    "published": st.sampled_from(["published", "date", "id"]),
    "author": st.sampled_from(["author", "user.screen_name"]),
}))


@st.composite
def csv_bytes(draw) -> bytes:
    cells = st.one_of(hostile_text, st.sampled_from(DATES), st.sampled_from(['"', '""', ",", ";", "\n", "\r"]))
    columns = draw(st.one_of(st.just(["title", "text", "published", "hashtags"]),
                             st.lists(st.one_of(st.sampled_from(["title", "text", "url", "published"]), hostile_text),
                                      max_size=5)))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    rows = draw(st.lists(st.lists(cells, max_size=len(columns) + 2), max_size=5))
    lines = [delimiter.join(columns)] + [delimiter.join(r) for r in rows]
    text = "\n".join(lines)
    return text.encode(draw(st.sampled_from(["utf-8", "cp1252", "utf-16"])), errors="replace")


@st.composite
def export_files(draw) -> tuple[bytes, str, str]:
    kind = draw(st.sampled_from(["jsonl", "json", "csv", "auto", "rss"]))
    records = draw(st.lists(st.one_of(export_record, any_json), max_size=5))
    if kind == "jsonl":
        body = b"\n".join(json_bytes(r) for r in records)
    elif kind == "json":
        body = json_bytes(draw(st.one_of(st.just(records), st.just({"items": records}), any_json)))
    elif kind == "csv":
        body = draw(csv_bytes())
    elif kind == "rss":
        body = draw(xml_feeds())
    else:
        body = draw(st.one_of(csv_bytes(), xml_feeds(), st.binary(max_size=200),
                              st.just(b"\n".join(json_bytes(r) for r in records))))
    name = draw(st.sampled_from(["export.jsonl", "export.json", "export.csv", "export.xml", "export", "x.tsv"]))
    return body, kind, name


@FUZZ
@given(export_files(), mappings, st.booleans())
def test_fuzz_imported_records(file, fields, inbox):
    body, fmt, name = file
    result = parse_or_parse_error(parse_records_file, body, fmt, fields, name, inbox)
    if result is not None:
        items, warnings = result
        check_items(items)
        assert all(isinstance(w, str) for w in warnings)
