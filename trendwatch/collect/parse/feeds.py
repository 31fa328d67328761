"""Pure feed parsing: bytes + headers → RawItems. Never fetches.

RSS 0.9x/2.0, Atom and RDF go through fastfeedparser (lxml and a native
extractor, ~100× feedparser) and fall back to feedparser, with its HTML sanitiser
and relative-URI rewriting switched off (we clean with selectolax), whenever the
fast parser raises, finds no entries in a document that has some, misses an
entry's id or link, or the feed carries per-entry ``<source>`` outlets (Google
News), which fastfeedparser does not read. JSON Feed is parsed from its spec directly.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit
from xml.parsers import expat

import fastfeedparser
import feedparser
from dateutil import parser as dateparser
from feedparser.mixin import _FeedParserMixin

from trendwatch.collect.parse.text import extract_hashtags, html_to_text, plain_text, typed_text
from trendwatch.collect.parse.values import as_id, as_url, clean_str, epoch_to_utc, sane_time
from trendwatch.errors import ParseError
from trendwatch.models import RawItem

# feedparser's own hard cap is fine, but we never want it to fetch: it only gets bytes
feedparser.api.RESOLVE_RELATIVE_URIS = False
feedparser.api.SANITIZE_HTML = False

FAST = "fastfeedparser"
FULL = "feedparser"
JSON_FEED = "jsonfeed"
# an item element in the document: if the fast parser found none, feedparser gets a go
_HAS_ENTRY = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]")
# RSS <source url="…"> inside an item names its outlet (Google News); fastfeedparser
# drops it. (HTML5 <source src> in CDATA does not match.)
_HAS_SOURCE = re.compile(rb"<source\s+url\s*=")
# an RSS description holding raw (unescaped, non-CDATA) markup: fastfeedparser keeps only
# the text before its first child element, feedparser reads it all
_RAW_MARKUP_DESCRIPTION = re.compile(rb"<description>\s*<(?![!/])")
# libxml2's recovery (fastfeedparser's path for a malformed document) drops or mangles
# the text around the error (an HTML entity, a stray "<"); feedparser's loose parser
# reads such feeds as today. expat tells in one pass without building a tree.
_looks_like_html = _FeedParserMixin.looks_like_html
# fastfeedparser drops an Atom summary's type; a feed that declares its summaries
# type="text" (Blogger does, for every entry) means plain text, entities and all
_PLAIN_SUMMARY = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?summary\s+type\s*=\s*["']text["']""")
# what fastfeedparser does not read, so feedparser must: base64-encoded Atom content, and
# content:encoded in RSS 1.0 (RDF) items, where it keeps only the truncated description
_NEEDS_FULL = re.compile(rb"""mode\s*=\s*["']base64["']""")
_RDF_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?RDF[\s>]")
_ENCODED = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?encoded[\s>]")
# text the fast parser decoded with the wrong charset (it ignores HTTP charset and
# sniffing): replacement characters or C1 controls, which feedparser's detection avoids
_MISDECODED = re.compile("[\ufffd\x80-\x9f]")


@dataclass
class ParsedFeed:
    title: str
    link: str | None
    items: list[RawItem]
    warnings: list[str] = field(default_factory=list)
    parser: str = FULL  # which parser read it: fastfeedparser | feedparser | jsonfeed
    gaps: int = 0  # fast path only: entries it dropped, links/ids/texts it missed


def parse_feed(body: bytes, headers: Mapping[str, str] | None = None,
               base_url: str | None = None) -> ParsedFeed:
    """Parse any feed format. Raises ParseError when nothing usable is in ``body``."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    stripped = body.lstrip()[:1]
    if stripped == b"{" or "json" in headers.get("content-type", ""):
        return parse_json_feed(body, base_url)
    return parse_xml_feed(body, headers, base_url)


def _struct_to_utc(value) -> datetime | None:
    if not value:
        return None
    try:
        return epoch_to_utc(calendar.timegm(value))
    except (OverflowError, ValueError, TypeError):
        return None


def parse_date(value: object) -> datetime | None:
    """Parse an ISO 8601 / RFC 822 date into aware UTC; naive times are taken as UTC.

    Anything unreadable, not a string, or outside 1990 … now + 2 days is None (unknown).
    """
    return sane_time(read_date(value))


def read_date(value: object) -> datetime | None:
    """The datetime dateutil reads from ``value`` (any range, maybe naive), or None."""
    text = clean_str(value)
    if not text or not text.strip() or len(text) > 200:
        return None
    try:
        return dateparser.parse(text)
    except (ValueError, OverflowError, TypeError, ArithmeticError):
        return None


def parse_xml_feed(body: bytes, headers: Mapping[str, str], base_url: str | None) -> ParsedFeed:
    """fastfeedparser where it reads the feed fully, else feedparser (see the module doc)."""
    fast = parse_xml_feed_fast(body, base_url)
    if fast is not None and (not fast.gaps or not _may_hold_more_links(body, fast)):
        return fast
    full = parse_xml_feed_full(body, headers, base_url)
    if fast is not None and (len(fast.items), -fast.gaps) >= (
            len(full.items), -_gaps(full.items, len(full.items))):
        return fast  # feedparser finds no more items, links, ids or texts: keep the fast reading
    return full


# every element or attribute feedparser takes an entry's link or id from
_LINK_MARKERS = (b"<link", b":link", b"<guid", b"<id>", b"<id ", b":id>", b"about=")


def _may_hold_more_links(body: bytes, fast: ParsedFeed) -> bool:
    """Whether feedparser could find links the fast reading lacks: only when entries were
    dropped or the document has more link/id markers than linked items (plus the
    channel's own). Feeds whose items carry no link at all skip a pointless second parse."""
    if fast.gaps > sum((not item.url) + (not item.external_id) for item in fast.items):
        return True  # entries dropped
    linked = sum(1 for item in fast.items if item.url)
    return sum(body.count(marker) for marker in _LINK_MARKERS) > linked + 3


def _gaps(items: list[RawItem], entries: int) -> int:
    """Entries without an item, plus items missing their link or id."""
    return (entries - len(items)) + sum((not item.url) + (not item.external_id) for item in items)


def parse_xml_feed_fast(body: bytes, base_url: str | None) -> ParsedFeed | None:
    """The feed as fastfeedparser reads it, or None when feedparser must read it instead."""
    if (_HAS_SOURCE.search(body) or _NEEDS_FULL.search(body)
            or _RAW_MARKUP_DESCRIPTION.search(body) or (
            _RDF_ROOT.search(body[:4096]) and _ENCODED.search(body))):
        return None
    if not _well_formed(body):
        return None
    try:
        parsed = fastfeedparser.parse(body, include_tags=False, include_enclosures=False)
    except Exception:  # noqa: BLE001 - any failure of the fast path means: ask feedparser
        return None
    entries = parsed.get("entries") or []
    if not entries and _HAS_ENTRY.search(body):
        return None
    feed = parsed.get("feed") or {}
    feed_link = _join(base_url, as_url(feed.get("link"))) or base_url
    feed_title = _html_or_plain(feed.get("title")) or _host(feed_link) or ""
    base = feed_link or base_url
    summary_text = plain_text if _PLAIN_SUMMARY.search(body) else html_to_text
    items = [item for item in (_fast_entry_to_item(e, base, feed_title, summary_text)
                               for e in entries) if item is not None]
    if _MISDECODED.search(feed_title) or any(
            _MISDECODED.search(item.title) or _MISDECODED.search(item.text) for item in items):
        return None
    return ParsedFeed(title=feed_title, link=feed_link, items=items, parser=FAST,
                      gaps=_gaps(items, len(entries)))


def _well_formed(body: bytes) -> bool:
    parser = expat.ParserCreate()
    try:
        parser.Parse(body, True)
    except (expat.ExpatError, ValueError, LookupError):
        return False
    return True


def _html_or_plain(value: object) -> str:
    """A field whose type the fast parser does not report: markup if it looks like HTML
    (feedparser's own test for untyped RSS text), else plain text."""
    text = clean_str(value) or ""
    if ("<" in text or "&" in text) and _looks_like_html(text):
        return html_to_text(text)
    return plain_text(text)


def _fast_entry_to_item(entry: Mapping, base: str | None, feed_title: str,
                        summary_text: Callable[[object], str]) -> RawItem | None:
    title = _html_or_plain(entry.get("title"))
    content, content_type = "", None
    for block in entry.get("content") or []:
        value = clean_str(block.get("value")) if isinstance(block, Mapping) else None
        if value and len(value) > len(content):
            content, content_type = value, block.get("type")
    summary = clean_str(entry.get("description")) or ""
    if content and len(content) >= len(summary):
        text = typed_text(content, content_type)
    elif summary:
        text = summary_text(summary)
    else:  # a YouTube entry's only text is its media:group description (plain text)
        text = next((plain_text(m.get("description")) for m in entry.get("media_content") or []
                     if isinstance(m, Mapping) and m.get("description")), "")
    if not title and not text:
        return None
    external_id = as_id(entry.get("id"))
    # an entry without a link whose id is a URL is linked by it (feedparser's guidislink)
    link = _join(base, as_url(entry.get("link")) or (
        external_id if external_id and external_id.startswith(("http://", "https://")) else None))
    published = _iso_to_utc(entry.get("published") or entry.get("updated"))
    author = plain_text(entry.get("author")) or None
    return RawItem(
        title=title or text[:120],
        text=text if text != title else "",
        url=link,
        external_id=external_id or link,
        published_at=published,
        author=author,
        outlet=feed_title or _host(link),
        hashtags=extract_hashtags(f"{title} {text}"),
        lang=None,
    )


def _iso_to_utc(value: object) -> datetime | None:
    text = clean_str(value)
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = read_date(text)
    # feedparser's struct_time has whole seconds; so do the times stored before this parser
    return sane_time(parsed.replace(microsecond=0)) if parsed else None


def parse_xml_feed_full(body: bytes, headers: Mapping[str, str], base_url: str | None) -> ParsedFeed:
    # No Content-Location for feedparser: it would resolve entry links against the fetch
    # URL, while a relative link in a feed means the site (the channel <link>), as other
    # readers (miniflux, reader) resolve it. xml:base is still honoured by feedparser.
    response_headers = {k: v for k, v in headers.items() if k.lower() != "content-location"}
    try:
        parsed = feedparser.parse(
            body, response_headers=response_headers,
            resolve_relative_uris=False, sanitize_html=False,
        )
    except Exception as exc:  # feedparser is a driver: its failures are translated here, once
        # (e.g. a NUL or a non-UTF-8 byte in the declared encoding crashes its charset sniffing)
        raise ParseError(f"not a usable feed: {exc.__class__.__name__}: {str(exc)[:200]}") from exc
    entries = parsed.get("entries") or []
    warnings: list[str] = []
    if parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        description = f"{problem.__class__.__name__}: {problem}" if problem else "malformed feed"
        if not entries:
            if parsed.get("version"):  # a real, if sloppy, feed with no entries yet
                warnings.append(f"feed is malformed ({description}) and has no entries")
            else:
                raise ParseError(f"not a usable feed: {description}")
        else:
            warnings.append(f"feed is malformed but readable ({description}); kept {len(entries)} entries")
    elif not parsed.get("version") and not entries:
        raise ParseError("not a feed: no RSS, Atom or RDF structure found "
                         "(is the URL a web page rather than its feed?)")

    feed = parsed.get("feed", {})
    feed_link = _join(base_url, as_url(feed.get("link"))) or base_url
    feed_title = _detail_text(feed, "title") or _host(feed_link) or ""
    base = feed_link or base_url
    items = []
    for entry in entries:
        item = _entry_to_item(entry, base, feed_title)
        if item is not None:
            items.append(item)
    return ParsedFeed(title=feed_title, link=feed_link, items=items, warnings=warnings, parser=FULL)


def _detail_text(element: Mapping, key: str) -> str:
    """A feedparser text construct: HTML only when its ``{key}_detail`` type says so."""
    detail = element.get(f"{key}_detail")
    kind = detail.get("type") if isinstance(detail, Mapping) else None
    return typed_text(element.get(key), kind)


def _entry_to_item(entry: Mapping, base: str | None, feed_title: str) -> RawItem | None:
    title = _detail_text(entry, "title")
    # the longest of the entry's content blocks and its summary is the text, each read
    # as its declared type (RSS descriptions are HTML, Atom says so per element)
    content, content_type = "", None
    for block in entry.get("content") or []:
        value = clean_str(block.get("value")) if isinstance(block, Mapping) else None
        if value and len(value) > len(content):
            content, content_type = value, block.get("type")
    summary = clean_str(entry.get("summary")) or ""
    if content and len(content) >= len(summary):  # feedparser may copy content to summary
        text = typed_text(content, content_type)
    else:
        text = _detail_text(entry, "summary")
    if not title and not text:
        return None
    link = _join(base, as_url(entry.get("link")))
    published = _struct_to_utc(entry.get("published_parsed") or entry.get("updated_parsed"))
    source = entry.get("source") or {}
    outlet = _detail_text(source, "title") if isinstance(source, Mapping) else ""
    author = plain_text(entry.get("author")) or None
    return RawItem(
        title=title or text[:120],
        text=text if text != title else "",
        url=link,
        external_id=as_id(entry.get("id")) or as_id(entry.get("guid")) or link,
        published_at=published,
        author=author,
        outlet=outlet or feed_title or _host(link),
        hashtags=extract_hashtags(f"{title} {text}"),
        lang=as_id(entry.get("language")),
    )


def parse_json_feed(body: bytes, base_url: str | None) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ParseError(f"not a usable feed: invalid JSON ({exc.__class__.__name__}: "
                         f"{str(exc)[:200]})") from None
    if not isinstance(data, dict) or "jsonfeed.org" not in (clean_str(data.get("version")) or ""):
        raise ParseError("not a feed: JSON without a jsonfeed.org version")
    feed_link = as_url(data.get("home_page_url")) or base_url
    # JSON Feed titles, summaries and content_text are plain text; only content_html is HTML
    feed_title = plain_text(data.get("title")) or _host(feed_link) or ""
    feed_lang = as_id(data.get("language"))
    entries = data.get("items")
    items = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        title = plain_text(entry.get("title"))
        text = (html_to_text(entry.get("content_html")) or plain_text(entry.get("content_text"))
                or plain_text(entry.get("summary")))
        if not title and not text:
            continue
        link = _join(feed_link, as_url(entry.get("url")) or as_url(entry.get("external_url")))
        authors = entry.get("authors")
        if not isinstance(authors, list) or not authors:  # 1.0 had a single `author`
            authors = [entry.get("author")]
        author = next((name for name in (plain_text(a.get("name")) for a in authors
                                         if isinstance(a, dict)) if name), None)
        published = (clean_str(entry.get("date_published"))
                     or clean_str(entry.get("date_modified")))
        items.append(RawItem(
            title=title or text[:120], text=text if text != title else "", url=link,
            external_id=as_id(entry.get("id")) or link or "",
            published_at=parse_date(published),
            author=author, outlet=feed_title,
            hashtags=extract_hashtags(f"{title} {text}"),
            lang=as_id(entry.get("language")) or feed_lang,
        ))
    return ParsedFeed(title=feed_title, link=feed_link, items=items, parser=JSON_FEED)


def _join(base: str | None, link: str | None) -> str | None:
    """``link`` resolved against ``base``; a link that is no URL at all is kept as it is."""
    if not link or not base:
        return link
    try:
        return urljoin(base, link)
    except ValueError:  # e.g. "http://[broken" (an invalid IPv6 host)
        return link


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    return host.removeprefix("www.") or None
