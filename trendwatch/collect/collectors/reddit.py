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

The account's own inbound messages (``inbox = true`` or ``timeline = "inbox"|"mentions"``):
a script app's password grant (`grant_type=password`, `username`, `password`, the app's id
and secret as Basic auth) at `/api/v1/access_token` gives a user token; then
`GET https://oauth.reddit.com/message/inbox` (or `/message/mentions`) `?limit=100&mark=false
&raw_json=1` → a `Listing` of `t1` comments (replies and username mentions: `body`,
`context` link, `parent_id`) and `t4` private messages (`subject`, `body`, `parent_id`,
`first_message_name`). `mark=false`: reading must not mark the team's messages as read.
Bad credentials are answered 200 with `{"error": "invalid_grant"}`, not with a 401.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Awaitable, Callable
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


def parse_inbox(data: Any) -> tuple[list[RawItem], str | None]:
    """A `/message/inbox` or `/message/mentions` Listing → (inbound items, `after` cursor).

    `t1` (a comment that replies to or mentions the account) and `t4` (a private message);
    anything else is skipped. ``reply_to`` is the parent's fullname (`t1_…`, `t3_…`, `t4_…`),
    the form every item's external id has.
    """
    children = get(data, "data", "children")
    if not isinstance(children, list):
        return [], None
    items = []
    for child in children:
        thing = get(child, "data")
        kind = get(child, "kind")
        name = as_id(get(thing, "name"))
        if kind not in ("t1", "t4") or not isinstance(thing, dict) or not name:
            continue
        author = as_id(thing.get("author"))
        context = as_url(thing.get("context"))
        if kind == "t1":
            url = f"{WEB}{context}" if context and context.startswith("/") else None
            title = ""
        else:  # a message has no public link; this opens it in the account's inbox
            url = f"{WEB}/message/messages/{name.removeprefix('t4_')}"
            title = unescaped_text(thing.get("subject"))
        items.append(RawItem(
            title=title,
            text=unescaped_text(thing.get("body")),  # Markdown (body_html is its HTML twin)
            url=url,
            external_id=name,
            published_at=utc_time(thing.get("created_utc")),
            author=author if author and author not in ("[deleted]", "[removed]") else None,
            engagement=engagement(score=thing.get("score")) if kind == "t1" else {},
            reply_to=as_id(thing.get("parent_id")),
        ))
    after = get(data, "data", "after")
    return items, after if isinstance(after, str) and after else None


# --- collector ------------------------------------------------------------------------------


class RedditOptions(PlatformOptions):
    subreddit: list[str] = []
    trends: bool = True                          # also read /hot
    format: Literal["json", "rss"] = "json"
    limit: int = Field(default=100, ge=1, le=100)
    base_url: str = WEB
    oauth_url: str = "https://oauth.reddit.com"
    client_id_env: str | None = None
    client_secret_env: str | None = None
    user_agent: str = DEFAULT_USER_AGENT
    # the account's messages (a script app's password grant); `inbox = true` implies "inbox"
    timeline: Literal["inbox", "mentions"] | None = None
    username: str | None = None
    password_env: str | None = None

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
        if self.inbox:
            if self.subreddit:
                raise ValueError("an inbox source reads the account's messages only; read "
                                 "`subreddit` listings in another reddit source")
            self.timeline = self.timeline or "inbox"
        if not self.subreddit and not self.timeline:
            raise ValueError("name at least one `subreddit` (or set inbox = true to read the "
                             "account's messages)")
        if bool(self.username) != bool(self.password_env):
            raise ValueError("set both username and password_env (the account's password), or "
                             "neither")
        if self.timeline and not (self.username and self.client_id_env):
            raise ValueError("the account's messages need a script app's login: set "
                             "client_id_env, client_secret_env, username and password_env")
        if bool(self.client_id_env) != bool(self.client_secret_env):
            raise ValueError("set both client_id_env and client_secret_env, or neither")
        if self.hashtags or self.query:
            raise ValueError("reddit reads subreddit listings: use `subreddit`, not hashtags/query")
        if self.format == "rss" and self.client_id_env:
            raise ValueError("OAuth reads JSON: drop client_id_env/client_secret_env or use format = \"json\"")
        return self

    def default_name(self) -> str:
        if not self.subreddit:
            return f"reddit:u/{self.username}/{self.timeline}"
        return "reddit:" + ",".join(f"r/{s}" for s in self.subreddit)


# tokens in memory only: (token endpoint, client id variable, username) → (token, expires at
# monotonic)
_TOKENS: dict[tuple[str, str, str], tuple[str, float]] = {}


class RedditCollector(BaseCollector):
    kind: ClassVar[str] = "reddit"
    platform: ClassVar[str] = "reddit"
    Options = RedditOptions

    def target(self) -> str:
        if not self.options.subreddit:
            return f"{self.options.oauth_url}/message/{self.options.timeline}"
        return f"{self.options.base_url}/r/{self.options.subreddit[0]}/new"

    async def collect(self, ctx: CollectContext, state: SourceState) -> CollectResult:
        o = self.options
        client_id = secret(o, "client_id_env", "Reddit OAuth client id")
        client_secret = secret(o, "client_secret_env", "Reddit OAuth client secret")
        password = secret(o, "password_env", "Reddit account password")
        headers = {"User-Agent": o.user_agent}
        if client_id and client_secret:
            token = await self._token(ctx, client_id, client_secret, password)
            headers["Authorization"] = f"Bearer {token}"
        parts = Parts()
        listings = ["new", "hot"] if o.trends else ["new"]
        for sub in o.subreddit:
            for listing in listings:
                await parts.run(f"r/{sub}/{listing}", lambda sub=sub, listing=listing: self._listing(
                    ctx, parts, headers, sub, listing))
        cursor: dict[str, Any] = {}
        if o.timeline:
            cursor["messages"] = state.cursor.get("messages")
            async def relogin() -> None:  # a token revoked before its time: one new login
                _TOKENS.pop(self._token_key(), None)
                token = await self._token(ctx, client_id or "", client_secret or "", password)
                headers["Authorization"] = f"Bearer {token}"

            await parts.run(f"u/{o.username} {o.timeline}", lambda: self._messages(
                ctx, parts, headers, cursor, relogin))
        parts.raise_if_all_failed()
        return CollectResult(items=parts.items, state=SourceState(url=state.url, cursor=cursor),
                             warnings=parts.warnings, bytes_received=parts.bytes_received,
                             status=200, retry_after=parts.retry_after)

    async def _messages(self, ctx: CollectContext, parts: Parts, headers: dict[str, str],
                        cursor: dict[str, Any], relogin: Callable[[], Awaitable[None]]) -> None:
        """Newest messages first, `after` pages back to the newest one read last run."""
        o = self.options
        seen_until = utc_time(cursor.get("messages"))
        newest = seen_until
        params: dict[str, Any] = {"limit": o.limit, "mark": "false", "raw_json": 1}
        url = f"{o.oauth_url}/message/{o.timeline}"
        refused = frozenset({401, 403})
        for page in range(o.max_pages):
            if parts.stopped:
                break
            try:
                result = await ctx.http.fetch(url, params=params, headers=headers,
                                              accept="application/json", ok_statuses=refused)
                if result.status == 401 and page == 0:  # revoked before its time: log in anew
                    await relogin()
                    result = await ctx.http.fetch(url, params=params, headers=headers,
                                                  accept="application/json", ok_statuses=refused)
            except HTTPStatusError as exc:
                if exc.status == 429:
                    parts.stop("Reddit rate limit (429)", exc.retry_after)
                raise
            if result.status in refused:
                _TOKENS.pop(self._token_key(), None)
                raise AuthRequired(
                    f"HTTP {result.status}: Reddit refused to show u/{o.username}'s messages; "
                    f"check {o.client_id_env}, {o.client_secret_env} and {o.password_env} "
                    "(a script app of that account, its password)")
            parts.bytes_received += len(result.body)
            self._respect_rate_limit(result, parts)
            items, after = parse_inbox(result.json())
            own = (o.username or "").casefold()
            # what the account sent itself is never inbound (a sent message in a thread)
            fresh = [i for i in items if (i.author or "").casefold() != own
                     and (seen_until is None or i.published_at is None
                          or i.published_at >= seen_until)]
            parts.items += fresh
            times = [i.published_at for i in items if i.published_at is not None]
            if times and (newest is None or max(times) > newest):
                newest = max(times)
            if not after or (seen_until is not None and any(t <= seen_until for t in times)):
                break
            params["after"] = after
        if newest is not None:
            cursor["messages"] = newest.isoformat()

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

    def _token_key(self) -> tuple[str, str, str]:
        return (self.options.base_url, self.options.client_id_env or "",
                self.options.username or "")

    async def _token(self, ctx: CollectContext, client_id: str, client_secret: str,
                     password: str | None = None) -> str:
        """An app-only token, or with ``password`` the account's own (script app grant)."""
        o = self.options
        key = self._token_key()
        cached = _TOKENS.get(key)
        if cached and cached[1] > time.monotonic():
            return cached[0]
        grant = {"grant_type": "password", "username": o.username or "", "password": password} \
            if password else {"grant_type": "client_credentials"}
        names = f"{o.client_id_env}/{o.client_secret_env}" + (f" and {o.password_env}"
                                                             if password else "")
        try:
            result = await ctx.http.fetch(
                f"{o.base_url}/api/v1/access_token", method="POST", data=grant,
                accept="application/json",
                headers={"User-Agent": o.user_agent,
                         "Authorization": aiohttp.BasicAuth(client_id, client_secret).encode()})
        except HTTPStatusError as exc:
            if exc.status in (400, 401, 403):
                raise AuthRequired(f"HTTP {exc.status}: Reddit refused the OAuth client; check "
                                   f"{names}") from exc
            raise
        data = result.json()
        token = get(data, "access_token")
        if not token or not isinstance(token, str):
            # a wrong password is a 200 with {"error": "invalid_grant"}; the error is a fixed
            # code, the rest of the body is not repeated
            code = get(data, "error")
            code = code if isinstance(code, str) and code.isidentifier() else "no token"
            raise AuthRequired(f"Reddit OAuth answered {code}; check {names}"
                               + (f" (the password of u/{o.username})" if password else ""))
        lifetime = as_int(get(data, "expires_in")) or 3600
        _TOKENS[key] = (token, time.monotonic() + lifetime - 60)
        return token
