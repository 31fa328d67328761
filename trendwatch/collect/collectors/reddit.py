"""`reddit`: subreddit listings (`new`, and `hot` when `trends = true`), as JSON or RSS.

Wire facts this follows: `GET /r/{sub}/new.json?limit=100&raw_json=1` → a `Listing`
whose `data.children[].data` are `t3` posts (`name`, `title`, `selftext`, `author`,
`created_utc` epoch seconds, `permalink`, `score`, `num_comments`). With OAuth
(app-only `client_credentials` at `/api/v1/access_token`) the same paths are read
from `oauth.reddit.com`. Reddit wants a descriptive User-Agent of the form
`<platform>:<app id>:<version> (by /u/<name>)` and answers 403 for private,
quarantined or banned subreddits and for blocked clients, 429 when over its limit:
both stop the source for this run and are reported.

Polling: `before=` is unreliable on Reddit (a deleted anchor post returns nothing
forever), so each run reads the first page and the store skips known posts.
"""

from __future__ import annotations

import re
import sys
import time
from typing import Any, ClassVar, Literal

import aiohttp
from pydantic import Field, field_validator, model_validator

from trendwatch import __version__
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
    secret,
    to_list,
    utc_time,
)
from trendwatch.collect.http import FetchResult
from trendwatch.collect.parse.feeds import parse_feed
from trendwatch.collect.parse.text import unescaped_text
from trendwatch.collect.parse.values import as_id, as_url
from trendwatch.errors import AuthRequired, HTTPStatusError
from trendwatch.models import RawItem

WEB = "https://www.reddit.com"
DEFAULT_USER_AGENT = f"{sys.platform}:trendwatch:{__version__} (industry trend monitor)"


# --- pure parsers ---------------------------------------------------------------------------


def parse_listing(data: Any) -> list[RawItem]:
    """A JSON `Listing` → items (only `t3` posts; `[deleted]` authors become unknown)."""
    children = get(data, "data", "children")
    if not isinstance(children, list):
        return []
    items = []
    for child in children:
        post = get(child, "data")
        name = as_id(get(post, "name"))
        if get(child, "kind") != "t3" or not isinstance(post, dict) or not name:
            continue
        author = as_id(post.get("author"))
        permalink = as_url(post.get("permalink"))
        linked = as_url(post.get("url")) if not post.get("is_self") else None
        # title and selftext are plain text (selftext is Markdown; its HTML twin is
        # selftext_html): entities left by legacy escaping are decoded, `<` is kept
        text = unescaped_text(post.get("selftext"))
        if linked and linked not in text:
            text = f"{text}\n\n{linked}".strip()
        items.append(RawItem(
            title=unescaped_text(post.get("title")),
            text=text,
            url=f"{WEB}{permalink}" if permalink and permalink.startswith("/") else linked,
            external_id=name,
            published_at=utc_time(post.get("created_utc")),
            author=author if author and author not in ("[deleted]", "[removed]") else None,
            lang=None,
            engagement=engagement(score=post.get("score"), replies=post.get("num_comments")),
        ))
    return items


def parse_listing_rss(body: bytes, url: str) -> list[RawItem]:
    """The Atom form of a listing (`/r/{sub}/new/.rss`): no counts, author as `/u/name`."""
    items = parse_feed(body, {"content-type": "application/atom+xml"}, url).items
    for item in items:
        if item.author:
            item.author = re.sub(r"^/?u/", "", item.author)
        item.outlet = None  # the account is the source, not the subreddit
        # the entry id is the post's fullname (feedparser may have made it absolute):
        # keep just `t3_…` so a post read as JSON and as RSS is one item
        fullname = re.search(r"t3_[a-z0-9]+", item.external_id or "")
        if fullname:
            item.external_id = fullname.group(0)
    return items


# --- collector ------------------------------------------------------------------------------


class RedditOptions(PlatformOptions):
    subreddit: list[str] = Field(min_length=1)
    trends: bool = True                          # also read /hot
    format: Literal["json", "rss"] = "json"
    limit: int = Field(default=100, ge=1, le=100)
    base_url: str = WEB
    oauth_url: str = "https://oauth.reddit.com"
    client_id_env: str | None = None
    client_secret_env: str | None = None
    user_agent: str = DEFAULT_USER_AGENT

    _urls = base_url_validator("base_url", "oauth_url")

    @field_validator("subreddit", mode="before")
    @classmethod
    def _subs(cls, value: Any) -> list[str]:
        subs = [s.strip().removeprefix("/").removeprefix("r/") for s in to_list(value)]
        bad = [s for s in subs if not re.fullmatch(r"[A-Za-z0-9_]{2,21}", s)]
        if bad:
            raise ValueError(f"not subreddit names: {bad} (e.g. 'ebikes', without r/)")
        return subs

    @model_validator(mode="after")
    def _checks(self) -> RedditOptions:
        if bool(self.client_id_env) != bool(self.client_secret_env):
            raise ValueError("set both client_id_env and client_secret_env, or neither")
        if self.hashtags or self.query:
            raise ValueError("reddit reads subreddit listings: use `subreddit`, not hashtags/query")
        if self.format == "rss" and self.client_id_env:
            raise ValueError("OAuth reads JSON: drop client_id_env/client_secret_env or use format = \"json\"")
        return self

    def default_name(self) -> str:
        return "reddit:" + ",".join(f"r/{s}" for s in self.subreddit)


# app-only tokens in memory only: (token endpoint, client id) → (token, expires at monotonic)
_TOKENS: dict[tuple[str, str], tuple[str, float]] = {}


class RedditCollector(BaseCollector):
    kind: ClassVar[str] = "reddit"
    platform: ClassVar[str] = "reddit"
    Options = RedditOptions

    def target(self) -> str:
        return f"{self.options.base_url}/r/{self.options.subreddit[0]}/new"

    async def collect(self, ctx: CollectContext, state: SourceState) -> CollectResult:
        o = self.options
        client_id = secret(o, "client_id_env", "Reddit OAuth client id")
        client_secret = secret(o, "client_secret_env", "Reddit OAuth client secret")
        headers = {"User-Agent": o.user_agent}
        if client_id and client_secret:
            headers["Authorization"] = f"Bearer {await self._token(ctx, client_id, client_secret)}"
        parts = Parts()
        listings = ["new", "hot"] if o.trends else ["new"]
        for sub in o.subreddit:
            for listing in listings:
                await parts.run(f"r/{sub}/{listing}", lambda sub=sub, listing=listing: self._listing(
                    ctx, parts, headers, sub, listing))
        parts.raise_if_all_failed()
        return CollectResult(items=parts.items, state=SourceState(url=state.url, cursor={}),
                             warnings=parts.warnings, bytes_received=parts.bytes_received,
                             status=200, retry_after=parts.retry_after)

    async def _listing(self, ctx: CollectContext, parts: Parts, headers: dict[str, str], sub: str,
                       listing: str) -> None:
        o = self.options
        if "Authorization" in headers:
            url = f"{o.oauth_url}/r/{sub}/{listing}"
        elif o.format == "rss":
            url = f"{o.base_url}/r/{sub}/{listing}/.rss"
        else:
            url = f"{o.base_url}/r/{sub}/{listing}.json"
        params = {"limit": o.limit, "raw_json": 1} if o.format == "json" else {"limit": o.limit}
        try:
            result = await ctx.http.fetch(url, params=params, headers=headers)
        except HTTPStatusError as exc:
            if exc.status == 403:
                parts.stop("Reddit refused a request (403)")
                raise AuthRequired(
                    f"HTTP 403: Reddit refused r/{sub} (private, quarantined or banned subreddit, "
                    "or a blocked client: set a User-Agent `(by /u/yourname)` and OAuth "
                    "credentials with client_id_env/client_secret_env); stopped this run") from exc
            if exc.status == 429:
                parts.stop("Reddit rate limit (429)", exc.retry_after)
            raise
        parts.bytes_received += len(result.body)
        self._respect_rate_limit(result, parts)
        if o.format == "rss":
            parts.items += parse_listing_rss(result.body, result.url)
        else:
            parts.items += parse_listing(result.json())

    @staticmethod
    def _respect_rate_limit(result: FetchResult, parts: Parts) -> None:
        remaining = as_int(result.headers.get("X-Ratelimit-Remaining"))
        if remaining is not None and remaining < 2:
            reset = as_int(result.headers.get("X-Ratelimit-Reset"))
            parts.stop(f"Reddit rate limit used up ({remaining} left)", float(reset or 60))

    async def _token(self, ctx: CollectContext, client_id: str, client_secret: str) -> str:
        key = (self.options.base_url, client_id)
        cached = _TOKENS.get(key)
        if cached and cached[1] > time.monotonic():
            return cached[0]
        try:
            result = await ctx.http.fetch(
                f"{self.options.base_url}/api/v1/access_token", method="POST",
                data={"grant_type": "client_credentials"}, accept="application/json",
                headers={"User-Agent": self.options.user_agent,
                         "Authorization": aiohttp.BasicAuth(client_id, client_secret).encode()})
        except HTTPStatusError as exc:
            if exc.status in (400, 401, 403):
                raise AuthRequired(f"HTTP {exc.status}: Reddit refused the OAuth client "
                                   f"({self.options.client_id_env}/{self.options.client_secret_env})"
                                   ) from exc
            raise
        data = result.json()
        token = get(data, "access_token")
        if not token:
            raise AuthRequired(f"Reddit OAuth answered without a token: {get(data, 'error') or data!r}")
        lifetime = as_int(get(data, "expires_in")) or 3600
        _TOKENS[key] = (token, time.monotonic() + lifetime - 60)
        return token
