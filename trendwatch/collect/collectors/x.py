"""`x`: recent search for hashtags/keywords on X (API v2). Off by default; costs money.

Wire facts this follows: `GET /2/tweets/search/recent?query=…&max_results=10..100
&since_id=…&tweet.fields=created_at,lang,public_metrics,entities,author_id,note_tweet
&expansions=author_id&user.fields=username` with a Bearer token →
`{"data": [...], "includes": {"users": [...]}, "meta": {"result_count", "newest_id",
"next_token"}}` (no `data` when nothing matched). 429 carries `x-rate-limit-reset` (epoch).

X bills every post read, so `monthly_read_cap` is required: reads are counted per UTC
calendar month in the store's `quotas` row of the source (``ctx.budget``), shared by every
process on the store (the service and a `trendwatch collect` beside it). Each request first
reserves its `max_results` under a row lock, then settles with X's `meta.result_count`, so
two processes never both spend the same remainder. The source stops at the cap with
BudgetExceeded until the next month; a request never asks for more than is left.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import Field, model_validator

from trendwatch.collect.collectors.base import (
    BaseCollector,
    CollectContext,
    CollectResult,
    SourceState,
)
from trendwatch.collect.collectors.social import (
    PlatformOptions,
    as_int,
    base_url_validator,
    engagement,
    get,
    secret,
    utc_time,
)
from trendwatch.collect.parse.values import as_id, as_text, clean_str
from trendwatch.errors import AuthRequired, BudgetExceeded, CollectError, HTTPStatusError
from trendwatch.models import RawItem

MIN_RESULTS, MAX_RESULTS = 10, 100   # the API's bounds for max_results
TWEET_FIELDS = "created_at,lang,public_metrics,entities,author_id,note_tweet"


def parse_search(data: Any) -> list[RawItem]:
    """Recent-search output → items. Links use /i/web/status/{id}, which carries no handle."""
    posts = get(data, "data")
    if not isinstance(posts, list):
        return []
    listed = get(data, "includes", "users")
    users = {as_id(u.get("id")): as_id(u.get("username"))
             for u in (listed if isinstance(listed, list) else []) if isinstance(u, dict)}
    items = []
    for post in posts:
        post_id = as_id(get(post, "id"))
        if not post_id:
            continue
        # post text is plain text (the long form of a post is note_tweet.text)
        text = as_text(get(post, "note_tweet", "text")) or as_text(post.get("text"))
        metrics = post.get("public_metrics")
        lang = as_id(post.get("lang"))
        author_id = as_id(post.get("author_id"))
        tags = get(post, "entities", "hashtags")
        items.append(RawItem(
            title="",
            text=text,
            url=f"https://x.com/i/web/status/{post_id}",
            external_id=post_id,
            published_at=utc_time(post.get("created_at")),
            author=users.get(author_id) or author_id,
            hashtags=[t for t in (clean_str(get(h, "tag")) for h in (tags if isinstance(tags, list) else []))
                      if t],
            lang=None if lang in (None, "und", "zxx", "qme", "qht") else lang,
            engagement=engagement(likes=get(metrics, "like_count"), reposts=get(metrics, "retweet_count"),
                                  replies=get(metrics, "reply_count"), quotes=get(metrics, "quote_count")),
        ))
    return items


def month_key(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m")


def quota_key(source: str, now: datetime) -> str:
    """The source's read budget for the UTC month of ``now`` (a new month, a new count)."""
    return f"{source}:{month_key(now)}"


def seconds_to_next_month(now: datetime) -> float:
    now = now.astimezone(UTC)
    start = datetime(now.year + (now.month == 12), now.month % 12 + 1, 1, tzinfo=UTC)
    return (start - now).total_seconds()


class XOptions(PlatformOptions):
    enabled: bool = False                      # paid API: only on when switched on explicitly
    base_url: str = "https://api.x.com"
    token_env: str = Field(min_length=1)       # env var with the app's Bearer token
    monthly_read_cap: int = Field(gt=0)        # posts read per UTC month; required, no default
    include_reposts: bool = False
    language: str | None = None

    _url = base_url_validator("base_url")

    @model_validator(mode="after")
    def _query(self) -> XOptions:
        if not self.hashtags and not self.query:
            raise ValueError("set `hashtags` and/or `query` to search for")
        if len(self.search_query()) > 512:
            raise ValueError("the combined X query is longer than 512 characters; split the source")
        return self

    def search_query(self) -> str:
        terms = ["#" + t for t in self.hashtags] + [f'"{q}"' if " " in q else q for q in self.query]
        query = "(" + " OR ".join(terms) + ")" if len(terms) > 1 else terms[0]
        if not self.include_reposts:
            query += " -is:retweet"
        if self.language:
            query += f" lang:{self.language}"
        return query

    def default_name(self) -> str:
        return "x:" + ",".join(["#" + t for t in self.hashtags] + self.query)


class XCollector(BaseCollector):
    kind: ClassVar[str] = "x"
    platform: ClassVar[str] = "x"
    Options = XOptions

    def target(self) -> str:
        return f"{self.options.base_url}/2/tweets/search/recent"

    async def collect(self, ctx: CollectContext, state: SourceState) -> CollectResult:
        o = self.options
        token = secret(o, "token_env", "X bearer token")
        if not token:  # pragma: no cover - token_env is required by the options model
            raise AuthRequired("X needs a bearer token: set token_env")
        budget = ctx.budget
        if budget is None:
            raise CollectError("X reads are paid and counted in the store: collect X through "
                               "`trendwatch collect` or the service, which share its read budget")
        month = month_key(ctx.now)
        key = quota_key(o.name or o.default_name(), ctx.now)
        legacy = dict(state.cursor.get("budget") or {})  # counted in the cursor before quotas
        carried = int(legacy.get("reads", 0)) if legacy.get("month") == month else 0
        cursor: dict[str, Any] = {"since_id": state.cursor.get("since_id")}

        items: list[RawItem] = []
        warnings: list[str] = []
        received, retry_after = 0, None
        params: dict[str, Any] = {"query": o.search_query(), "tweet.fields": TWEET_FIELDS,
                                  "expansions": "author_id", "user.fields": "username"}
        if cursor["since_id"]:
            params["since_id"] = cursor["since_id"]
        newest = cursor["since_id"]
        for page in range(o.max_pages):
            granted = await asyncio.to_thread(budget.reserve, key, o.monthly_read_cap, MAX_RESULTS,
                                              ctx.now, minimum=MIN_RESULTS, carried=carried)
            if not granted:
                if not page:
                    used = await asyncio.to_thread(budget.used, key)
                    raise BudgetExceeded(
                        f"X monthly read cap reached: {used} of {o.monthly_read_cap} posts read in "
                        f"{month}; reading again next month (raise monthly_read_cap to read more)",
                        retry_after=seconds_to_next_month(ctx.now))
                warnings.append(f"monthly read cap of {o.monthly_read_cap} reached; stopped")
                break
            # what X bills unless we learn better: a reply we never saw may still have counted
            counted = granted
            try:
                result = await ctx.http.fetch(
                    self.target(), params={**params, "max_results": granted},
                    headers={"Authorization": f"Bearer {token}"}, accept="application/json",
                    ok_statuses=frozenset({401, 403, 429}))
                error = _status_error(result, ctx.now)
                if error is not None:
                    counted = 0  # X answered with an error: no post was read
                    raise error
                data = result.json()
                found = parse_search(data)
                counted = as_int(get(data, "meta", "result_count")) or len(found)
            except CollectError as exc:
                if getattr(exc, "status", None) is not None:
                    counted = 0
                if not page:
                    raise
                # keep what the earlier pages read (and paid for)
                warnings.append(str(exc))
                retry_after = getattr(exc, "retry_after", None)
                break
            finally:
                await asyncio.to_thread(budget.settle, key, granted, counted, ctx.now)
            carried = 0
            received += len(result.body)
            items += found
            if page == 0 and get(data, "meta", "newest_id"):
                newest = get(data, "meta", "newest_id")
            token_next = get(data, "meta", "next_token")
            if not token_next:
                break
            params["pagination_token"] = token_next
        cursor["since_id"] = newest
        return CollectResult(items=items, state=SourceState(url=state.url, cursor=cursor),
                             warnings=warnings, bytes_received=received, status=200,
                             retry_after=retry_after)


def _status_error(result, now: datetime) -> CollectError | None:
    if result.status in (401, 403):
        detail = ""
        try:
            detail = str(get(result.json(), "detail") or get(result.json(), "title") or "")
        except CollectError:
            pass
        return AuthRequired(f"HTTP {result.status}: X refused the bearer token or this endpoint "
                            f"for the app's access level{': ' + detail if detail else ''}")
    if result.status == 429:
        reset = utc_time(result.headers.get("x-rate-limit-reset"))
        wait = max((reset - now).total_seconds(), 0.0) if reset else 900.0
        return HTTPStatusError(f"HTTP 429 from X: rate limit; retry after {wait:g}s",
                               status=429, retry_after=wait)
    return None
