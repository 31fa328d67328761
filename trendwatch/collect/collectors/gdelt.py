"""`gdelt`: the GDELT DOC 2.0 article list for a query (worldwide news, ~15 min fresh).

One request per poll: ``api/v2/doc/doc?query=…&mode=ArtList&format=json``. The
API has no conditional GET, so every poll returns an overlapping window; item ids
(canonical URLs) make the overlap a no-op. The outlet of an article is its domain.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from pydantic import Field, field_validator

from trendwatch.collect.collectors.base import (
    BaseCollector,
    CollectContext,
    CollectResult,
    RawItem,
    SourceState,
)
from trendwatch.collect.collectors.rss import _http_url
from trendwatch.collect.parse.text import html_to_text, plain_text, unescaped_text
from trendwatch.collect.parse.values import as_url, sane_time
from trendwatch.config.durations import parse_duration
from trendwatch.config.schema import SourceOptions
from trendwatch.errors import ParseError

# GDELT names the article language in English; it covers these (its 65 translated
# languages, the ones seen in practice). Anything else is left to language detection.
GDELT_LANGUAGES = {
    "afrikaans": "af", "albanian": "sq", "arabic": "ar", "armenian": "hy", "azerbaijani": "az",
    "bengali": "bn", "bosnian": "bs", "bulgarian": "bg", "catalan": "ca", "chinese": "zh",
    "croatian": "hr", "czech": "cs", "danish": "da", "dutch": "nl", "english": "en",
    "estonian": "et", "finnish": "fi", "french": "fr", "galician": "gl", "georgian": "ka",
    "german": "de", "greek": "el", "gujarati": "gu", "hebrew": "he", "hindi": "hi",
    "hungarian": "hu", "icelandic": "is", "indonesian": "id", "italian": "it", "japanese": "ja",
    "kannada": "kn", "kazakh": "kk", "korean": "ko", "latvian": "lv", "lithuanian": "lt",
    "macedonian": "mk", "malay": "ms", "malayalam": "ml", "marathi": "mr", "mongolian": "mn",
    "nepali": "ne", "norwegian": "no", "persian": "fa", "polish": "pl", "portuguese": "pt",
    "punjabi": "pa", "romanian": "ro", "russian": "ru", "serbian": "sr", "sinhala": "si",
    "slovak": "sk", "slovenian": "sl", "somali": "so", "spanish": "es", "swahili": "sw",
    "swedish": "sv", "tamil": "ta", "telugu": "te", "thai": "th", "turkish": "tr",
    "ukrainian": "uk", "urdu": "ur", "vietnamese": "vi",
}


class GdeltOptions(SourceOptions):
    query: str = Field(min_length=1)     # GDELT query syntax: "e-bike" sourcelang:english …
    timespan: timedelta = timedelta(days=1)
    max_records: int = Field(default=250, ge=1, le=250)
    base_url: str = "https://api.gdeltproject.org"

    _base = field_validator("base_url")(classmethod(lambda cls, v: _http_url(v).rstrip("/")))

    @field_validator("timespan", mode="before")
    @classmethod
    def _timespan(cls, value: Any) -> timedelta:
        span = value if isinstance(value, timedelta) else parse_duration(value)
        if span < timedelta(minutes=15) or span > timedelta(days=92):
            raise ValueError("GDELT searches between 15 minutes and 3 months back")
        return span

    def default_name(self) -> str:
        return f"gdelt:{self.query}"


def gdelt_timespan(span: timedelta) -> str:
    """GDELT's own timespan syntax: whole days as "Nd", whole hours "Nh", else "Nmin"."""
    minutes = int(span.total_seconds() // 60)
    if minutes % 1440 == 0:
        return f"{minutes // 1440}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}min"


def parse_seendate(value: Any) -> datetime | None:
    """GDELT's "20240101T123000Z" (always UTC)."""
    if not isinstance(value, str):
        return None
    try:
        return sane_time(datetime.strptime(value.strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC))
    except ValueError:
        return None


def parse_gdelt(body: bytes, query: str = "") -> tuple[list[RawItem], list[str]]:
    """GDELT DOC 2.0 ArtList JSON → items and warnings. Pure.

    GDELT answers a bad query with 200 and a plain-text/HTML explanation, and a
    query without matches with ``{}``: the first is a ParseError quoting GDELT,
    the second an empty result with a warning (the source is healthy, the news is quiet).
    """
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        raise ParseError(f"GDELT returned an empty response for query {query!r}")
    if not text.startswith("{"):
        said = html_to_text(text)[:200] or text[:200]
        raise ParseError(f"GDELT did not return JSON for query {query!r}; it said: {said}")
    try:
        # GDELT titles sometimes carry raw control characters: strict=False accepts them
        data = json.loads(text, strict=False)
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"GDELT returned invalid JSON for query {query!r}: "
                         f"{exc.__class__.__name__}: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise ParseError(f"GDELT returned unexpected JSON for query {query!r} (not an object)")
    articles = data.get("articles")
    if articles is None:
        return [], [f"GDELT found no articles for query {query!r}"]
    if not isinstance(articles, list):
        raise ParseError(f"GDELT returned unexpected JSON for query {query!r}: 'articles' is not a list")
    items: list[RawItem] = []
    skipped = 0
    for article in articles:
        if not isinstance(article, dict):
            skipped += 1
            continue
        url = as_url(article.get("url"))
        # titles are plain text with HTML entities left in ("&amp;"): decode those only
        title = unescaped_text(article.get("title"))
        if not url or not title:
            skipped += 1
            continue
        domain = plain_text(article.get("domain")).lower().removeprefix("www.") or None
        language = plain_text(article.get("language")).lower()
        items.append(RawItem(
            title=title,
            url=url,
            external_id=url,
            published_at=parse_seendate(article.get("seendate")),
            outlet=domain,
            lang=GDELT_LANGUAGES.get(language),
        ))
    warnings = [f"skipped {skipped} GDELT articles without url or title"] if skipped else []
    return items, warnings


class GdeltCollector(BaseCollector):
    kind: ClassVar[str] = "gdelt"
    platform: ClassVar[str] = "news"
    Options = GdeltOptions

    def params(self) -> dict[str, str]:
        o = self.options
        return {"query": o.query, "mode": "ArtList", "format": "json",
                "maxrecords": str(o.max_records), "timespan": gdelt_timespan(o.timespan),
                "sort": "DateDesc"}

    def target(self) -> str:
        from urllib.parse import urlencode

        return f"{self.options.base_url}/api/v2/doc/doc?{urlencode(self.params())}"

    async def collect(self, ctx: CollectContext, state: SourceState) -> CollectResult:
        result = await ctx.http.fetch(self.target(), accept="application/json")
        items, warnings = await ctx.cpu(parse_gdelt, result.body, self.options.query)
        return CollectResult(items=items, state=SourceState(url=self.target(), cursor=dict(state.cursor)),
                             warnings=warnings, bytes_received=len(result.body), status=result.status)
