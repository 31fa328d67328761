"""`hackernews`: Hacker News stories through the Algolia search API.

Wire facts this follows (hn.algolia.com/api): `GET /api/v1/search_by_date?query=…&tags=story
&numericFilters=created_at_i>N&hitsPerPage=100&page=P` and `GET /api/v1/search?tags=front_page`
both return `{"hits": [...], "page", "nbPages", "hitsPerPage"}`; a hit has `objectID`,
`title`, `url` (absent for Ask HN), `story_text` (HTML), `author`, `points`,
`num_comments`, `created_at` (ISO) and `created_at_i` (epoch seconds).
Keyword searches remember the newest `created_at_i` so the next run asks only for newer stories.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import model_validator

from trendwatch.collect.collectors.base import (
    BaseCollector,
    CollectContext,
    CollectResult,
    SourceState,
)
from trendwatch.collect.collectors.social import (
    Parts,
    PlatformOptions,
    as_int,
    base_url_validator,
    engagement,
    get,
    utc_time,
)
from trendwatch.collect.parse.text import html_to_text, plain_text, unescaped_text
from trendwatch.collect.parse.values import as_id, as_url
from trendwatch.models import RawItem

ITEM_URL = "https://news.ycombinator.com/item?id="
HITS_PER_PAGE = 100


def parse_hits(data: Any) -> list[RawItem]:
    """Algolia search output → story items; points and comments as engagement."""
    hits = get(data, "hits")
    if not isinstance(hits, list):
        return []
    items = []
    for hit in hits:
        object_id = as_id(get(hit, "objectID"))
        if not object_id:
            continue
        # titles are plain text; story_text/comment_text are HTML
        title = unescaped_text(hit.get("title")) or unescaped_text(hit.get("story_title"))
        text = html_to_text(hit.get("story_text")) or html_to_text(hit.get("comment_text"))
        discussion = ITEM_URL + object_id
        items.append(RawItem(
            title=title,
            text=text,
            url=as_url(hit.get("url")) or discussion,
            external_id=object_id,
            published_at=utc_time(hit.get("created_at_i")) or utc_time(hit.get("created_at")),
            author=plain_text(hit.get("author")) or None,
            engagement=engagement(score=hit.get("points"), replies=hit.get("num_comments")),
        ))
    return items


def newest_epoch(data: Any) -> int | None:
    hits = get(data, "hits")
    values = [as_int(get(h, "created_at_i")) for h in (hits if isinstance(hits, list) else [])]
    values = [v for v in values if v is not None]
    return max(values) if values else None


class HackernewsOptions(PlatformOptions):
    base_url: str = "https://hn.algolia.com"
    trends: bool = True             # the current front page

    _url = base_url_validator("base_url")

    @model_validator(mode="after")
    def _checks(self) -> HackernewsOptions:
        if self.hashtags:
            raise ValueError("Hacker News has no hashtags: put keywords in `query`")
        if not self.query and not self.trends:
            raise ValueError("nothing to read: set `query` keywords and/or `trends = true`")
        return self

    def default_name(self) -> str:
        return "hackernews:" + ",".join(self.query or ["front page"])


class HackernewsCollector(BaseCollector):
    kind: ClassVar[str] = "hackernews"
    platform: ClassVar[str] = "hackernews"
    Options = HackernewsOptions

    def target(self) -> str:
        return f"{self.options.base_url}/api/v1/search"

    async def collect(self, ctx: CollectContext, state: SourceState) -> CollectResult:
        o = self.options
        since = dict(state.cursor.get("since", {}))
        parts = Parts()

        async def get_json(path: str, params: dict[str, Any]) -> Any:
            result = await ctx.http.fetch(f"{o.base_url}{path}", params=params,
                                          accept="application/json")
            parts.bytes_received += len(result.body)
            return result.json()

        async def front_page() -> None:
            parts.items += parse_hits(await get_json("/api/v1/search",
                                                     {"tags": "front_page", "hitsPerPage": 50}))

        async def search(query: str) -> None:
            params: dict[str, Any] = {"query": query, "tags": "story", "hitsPerPage": HITS_PER_PAGE}
            if since.get(query):
                params["numericFilters"] = f"created_at_i>{since[query]}"
            newest = since.get(query)
            for page in range(o.max_pages):
                data = await get_json("/api/v1/search_by_date", {**params, "page": page})
                parts.items += parse_hits(data)
                found = newest_epoch(data)
                if found is not None and (newest is None or found > newest):
                    newest = found
                if page + 1 >= (as_int(get(data, "nbPages")) or 0):
                    break
            if newest is not None:
                since[query] = newest

        if o.trends:
            await parts.run("front page", front_page)
        for query in o.query:
            await parts.run(f"search {query!r}", lambda query=query: search(query))
        parts.raise_if_all_failed()
        return CollectResult(items=parts.items, state=SourceState(url=state.url, cursor={"since": since}),
                             warnings=parts.warnings, bytes_received=parts.bytes_received,
                             status=200, retry_after=parts.retry_after)
