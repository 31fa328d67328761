"""Pure feed parsing: bytes + headers → RawItems. Never fetches.

RSS 0.9x/2.0, Atom, RDF go through feedparser with its HTML sanitiser and
relative-URI rewriting switched off (we clean with selectolax, ~3× faster);
JSON Feed (which feedparser does not read) is parsed from its spec directly.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import feedparser
from dateutil import parser as dateparser

from trendwatch.models import RawItem
from trendwatch.errors import ParseError
from trendwatch.collect.parse.text import extract_hashtags, html_to_text

# feedparser's own hard cap is fine, but we never want it to fetch: it only gets bytes
feedparser.api.RESOLVE_RELATIVE_URIS = False
feedparser.api.SANITIZE_HTML = False


@dataclass
class ParsedFeed:
    title: str
    link: str | None
    items: list[RawItem]
    warnings: list[str] = field(default_factory=list)


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
        return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    except (OverflowError, ValueError, TypeError):
        return None


def parse_date(value: str | None) -> datetime | None:
    """Parse an ISO 8601 / RFC 822 date into aware UTC; naive times are taken as UTC."""
    if not value:
        return None
    try:
        parsed = dateparser.parse(value)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def parse_xml_feed(body: bytes, headers: Mapping[str, str], base_url: str | None) -> ParsedFeed:
    # No Content-Location for feedparser: it would resolve entry links against the fetch
    # URL, while a relative link in a feed means the site (the channel <link>), as other
    # readers (miniflux, reader) resolve it. xml:base is still honoured by feedparser.
    response_headers = {k: v for k, v in headers.items() if k.lower() != "content-location"}
    parsed = feedparser.parse(
        body, response_headers=response_headers,
        resolve_relative_uris=False, sanitize_html=False,
    )
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
    feed_link = feed.get("link") or base_url
    if feed_link and base_url:
        feed_link = urljoin(base_url, feed_link)
    feed_title = html_to_text(feed.get("title")) or _host(feed_link) or ""
    base = feed_link or base_url
    items = []
    for entry in entries:
        item = _entry_to_item(entry, base, feed_title)
        if item is not None:
            items.append(item)
    return ParsedFeed(title=feed_title, link=feed_link, items=items, warnings=warnings)


def _entry_to_item(entry: Mapping, base: str | None, feed_title: str) -> RawItem | None:
    title = html_to_text(entry.get("title"))
    content = ""
    if entry.get("content"):
        content = max((c.get("value") or "" for c in entry["content"]), key=len)
    summary = entry.get("summary") or ""
    text = html_to_text(content if len(content) > len(summary) else summary)
    if not title and not text:
        return None
    link = entry.get("link")
    if link and base:
        link = urljoin(base, link)
    published = _struct_to_utc(entry.get("published_parsed") or entry.get("updated_parsed"))
    source = entry.get("source") or {}
    outlet = html_to_text(source.get("title")) if isinstance(source, Mapping) else ""
    author = entry.get("author") or None
    return RawItem(
        title=title or text[:120],
        text=text if text != title else "",
        url=link,
        external_id=entry.get("id") or entry.get("guid") or link,
        published_at=published,
        author=html_to_text(author) if author else None,
        outlet=outlet or feed_title or _host(link),
        hashtags=extract_hashtags(f"{title} {text}"),
        lang=(entry.get("language") or None),
    )


def parse_json_feed(body: bytes, base_url: str | None) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"not a usable feed: invalid JSON ({exc})") from exc
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        raise ParseError("not a feed: JSON without a jsonfeed.org version")
    feed_link = data.get("home_page_url") or base_url
    feed_title = html_to_text(data.get("title")) or _host(feed_link) or ""
    items = []
    for entry in data.get("items") or []:
        if not isinstance(entry, dict):
            continue
        title = html_to_text(entry.get("title"))
        text = html_to_text(entry.get("content_html") or entry.get("content_text")
                            or entry.get("summary"))
        if not title and not text:
            continue
        link = entry.get("url") or entry.get("external_url")
        if link and feed_link:
            link = urljoin(feed_link, link)
        authors = entry.get("authors") or ([entry["author"]] if entry.get("author") else [])
        author = next((a.get("name") for a in authors if isinstance(a, dict) and a.get("name")), None)
        items.append(RawItem(
            title=title or text[:120], text=text if text != title else "", url=link,
            external_id=str(entry.get("id") or link or ""),
            published_at=parse_date(entry.get("date_published") or entry.get("date_modified")),
            author=author, outlet=feed_title,
            hashtags=extract_hashtags(f"{title} {text}"),
            lang=entry.get("language") or data.get("language"),
        ))
    return ParsedFeed(title=feed_title, link=feed_link, items=items)


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None
