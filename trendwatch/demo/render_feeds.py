"""The demo week as XML feeds: RSS 2.0, Atom 1.0, a Google News search feed, Google Trends.

Pure functions: dataset rows + the week's end + the server's base URL in, bytes out.
Built with ElementTree so every feed is well-formed whatever the text contains.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime

from trendwatch.demo.dataset import Article, Dataset, Search
from trendwatch.demo.people import Outlet

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/elements/1.1/"
MEDIA = "http://search.yahoo.com/mrss/"
HT = "https://trends.google.com/trending/rss"
ET.register_namespace("atom", ATOM)
ET.register_namespace("dc", DC)
ET.register_namespace("media", MEDIA)
ET.register_namespace("ht", HT)


def article_url(base: str, article: Article) -> str:
    return f"{base}/news/{article.outlet}/{article.id}-{article.slug}"


def outlet_url(base: str, outlet: Outlet) -> str:
    return f"{base}/news/{outlet.slug}/"


def rfc822(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


def iso(when: datetime, ms: bool = False) -> str:
    when = when.astimezone(UTC)
    if ms:
        return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def _bytes(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _html_body(article: Article) -> str:
    # feeds carry HTML in <description>; escaping here keeps the text exactly what was written
    return f"<p>{html.escape(article.body)}</p>"


def rss_feed(outlet: Outlet, articles: Sequence[Article], end: datetime, base: str,
             self_url: str) -> bytes:
    """RSS 2.0 with dc:creator, guid, category and an atom:link rel=self, newest first."""
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", outlet.name)
    _sub(channel, "link", outlet_url(base, outlet))
    _sub(channel, "description", f"{outlet.name}: news on e-bikes, cities and mobility")
    _sub(channel, "language", outlet.lang)
    newest = min((a.age for a in articles), default=0.0)
    _sub(channel, "lastBuildDate", rfc822(Dataset.at(end, newest)))
    _sub(channel, f"{{{ATOM}}}link", href=self_url, rel="self", type="application/rss+xml")
    for article in sorted(articles, key=lambda a: a.age):
        item = _sub(channel, "item")
        _sub(item, "title", article.title)
        _sub(item, "link", article_url(base, article))
        _sub(item, "guid", f"{outlet.domain}/{article.id}", isPermaLink="false")
        _sub(item, "pubDate", rfc822(Dataset.at(end, article.age)))
        _sub(item, f"{{{DC}}}creator", article.author)
        _sub(item, "category", article.topic.replace("-", " "))
        _sub(item, "description", _html_body(article))
    return _bytes(rss)


def atom_feed(outlet: Outlet, articles: Sequence[Article], end: datetime, base: str,
              self_url: str) -> bytes:
    """Atom 1.0 with published/updated, author and HTML content, newest first."""
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": outlet.lang})
    _sub(feed, f"{{{ATOM}}}title", outlet.name)
    _sub(feed, f"{{{ATOM}}}id", f"tag:{outlet.domain},2020:feed")
    newest = min((a.age for a in articles), default=0.0)
    _sub(feed, f"{{{ATOM}}}updated", iso(Dataset.at(end, newest)))
    _sub(feed, f"{{{ATOM}}}link", rel="alternate", href=outlet_url(base, outlet), type="text/html")
    _sub(feed, f"{{{ATOM}}}link", rel="self", href=self_url, type="application/atom+xml")
    for article in sorted(articles, key=lambda a: a.age):
        entry = _sub(feed, f"{{{ATOM}}}entry")
        _sub(entry, f"{{{ATOM}}}title", article.title)
        _sub(entry, f"{{{ATOM}}}id", f"tag:{outlet.domain},2020:{article.id}")
        _sub(entry, f"{{{ATOM}}}link", rel="alternate", href=article_url(base, article))
        published = iso(Dataset.at(end, article.age))
        _sub(entry, f"{{{ATOM}}}published", published)
        _sub(entry, f"{{{ATOM}}}updated", published)
        author = _sub(entry, f"{{{ATOM}}}author")
        _sub(author, f"{{{ATOM}}}name", article.author)
        _sub(entry, f"{{{ATOM}}}category", term=article.topic)
        _sub(entry, f"{{{ATOM}}}summary", article.body[:200], type="text")
        _sub(entry, f"{{{ATOM}}}content", _html_body(article), type="html")
    return _bytes(feed)


def google_news_feed(dataset: Dataset, articles: Sequence[Article], query: str, end: datetime,
                     base: str, language: str = "en-US") -> bytes:
    """Google News search RSS: "Headline - Outlet" titles, redirect links, <source url=…>."""
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "generator", "NFE/5.0")
    _sub(channel, "title", f'"{query}" - Google News')
    _sub(channel, "link", f"{base}/search?q={html.escape(query)}")
    _sub(channel, "language", language)
    _sub(channel, "webMaster", "news-webmaster@google.com")
    _sub(channel, "copyright", "Sample data written for the trendwatch demo")
    _sub(channel, "lastBuildDate", rfc822(end))
    _sub(channel, "description", "Google News")
    for article in sorted(articles, key=lambda a: a.age):
        outlet = dataset.outlet(article.outlet)
        link = f"{base}/rss/articles/{article.id}?oc=5"
        item = _sub(channel, "item")
        _sub(item, "title", f"{article.title} - {outlet.name}")
        _sub(item, "link", link)
        _sub(item, "guid", f"CBMi{article.id}", isPermaLink="false")
        _sub(item, "pubDate", rfc822(Dataset.at(end, article.age)))
        _sub(item, "description",
             f'<a href="{html.escape(link)}" target="_blank">{html.escape(article.title)}</a>'
             f'&nbsp;&nbsp;<font color="#6f6f6f">{html.escape(outlet.name)}</font>')
        _sub(item, "source", outlet.name, url=f"https://{outlet.domain}")
    return _bytes(rss)


def google_trends_feed(dataset: Dataset, searches: Sequence[Search], geo: str, end: datetime,
                       base: str) -> bytes:
    """Google Trends "trending now" RSS: one item per search with ht:approx_traffic and news."""
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", "Daily Search Trends")
    _sub(channel, "description", f"Recent searches in {geo}")
    _sub(channel, "link", f"{base}/trending/rss?geo={geo}")
    _sub(channel, f"{{{ATOM}}}link", href=f"{base}/trending/rss?geo={geo}", rel="self",
         type="application/rss+xml")
    for search in sorted(searches, key=lambda s: s.age):
        item = _sub(channel, "item")
        _sub(item, "title", search.term)
        _sub(item, f"{{{HT}}}approx_traffic", f"{search.traffic:,}+")
        _sub(item, "description", "")
        _sub(item, "link", f"{base}/trending/rss?geo={geo}")
        _sub(item, "pubDate", rfc822(Dataset.at(end, search.age)))
        _sub(item, f"{{{HT}}}picture", f"{base}/static/trend.png")
        _sub(item, f"{{{HT}}}picture_source", "Sample")
        for article_id in search.articles:
            article = dataset.article(article_id)
            if article is None:
                continue
            news = _sub(item, f"{{{HT}}}news_item")
            _sub(news, f"{{{HT}}}news_item_title", article.title)
            _sub(news, f"{{{HT}}}news_item_url", article_url(base, article))
            _sub(news, f"{{{HT}}}news_item_picture", f"{base}/static/news.png")
            _sub(news, f"{{{HT}}}news_item_source", dataset.outlet(article.outlet).name)
    return _bytes(rss)


def reddit_atom(subreddit: str, posts: Sequence, end: datetime, base: str) -> bytes:
    """Reddit's listing RSS (it is Atom): one entry per submission."""
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, f"{{{ATOM}}}title", f"newest submissions : {subreddit}")
    _sub(feed, f"{{{ATOM}}}id", f"{base}/r/{subreddit}/new/.rss")
    _sub(feed, f"{{{ATOM}}}updated", iso(end))
    _sub(feed, f"{{{ATOM}}}link", rel="alternate", href=f"{base}/r/{subreddit}/new/")
    for post in sorted(posts, key=lambda p: p.age):
        entry = _sub(feed, f"{{{ATOM}}}entry")
        author = _sub(entry, f"{{{ATOM}}}author")
        _sub(author, f"{{{ATOM}}}name", f"/u/{post.account}")
        _sub(entry, f"{{{ATOM}}}category", term=subreddit, label=f"r/{subreddit}")
        _sub(entry, f"{{{ATOM}}}content", f"<div><p>{html.escape(post.text)}</p></div>", type="html")
        _sub(entry, f"{{{ATOM}}}id", f"t3_{reddit_id(post)}")
        _sub(entry, f"{{{ATOM}}}link", href=f"{base}/r/{subreddit}/comments/{reddit_id(post)}/")
        _sub(entry, f"{{{ATOM}}}updated", iso(Dataset.at(end, post.age)))
        _sub(entry, f"{{{ATOM}}}published", iso(Dataset.at(end, post.age)))
        _sub(entry, f"{{{ATOM}}}title", post.title or post.text[:80])
    return _bytes(feed)


def reddit_id(post) -> str:
    """Reddit's base-36 post id, stable for the post."""
    number = 10**9 + int(post.id.rsplit("-", 1)[1]) * 7919
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out
