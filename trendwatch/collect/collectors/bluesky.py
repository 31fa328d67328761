"""`bluesky`: network trends and hashtag/keyword search over XRPC.

Wire facts this follows (atproto lexicons):
- `app.bsky.unspecced.getTrends` → `{"trends": [trendView]}` with `postCount` and
  `startedAt`; older AppViews only have `getTrendingTopics` (`{"topics": [...]}`, no counts).
- `app.bsky.feed.searchPosts?q=…&sort=latest&since=…` → `{"posts": [postView], "cursor"}`.
  Unauthenticated search on the public AppView answers 403 today, so search needs a
  login: `com.atproto.server.createSession` with an app password, then a Bearer access
  token; an expired token (400/401 `ExpiredToken`) is renewed with `refreshSession`.
- Hashtags: `#tag` facets (often missing), the record's `tags`, and the text itself.
  Facet `index.byteStart/byteEnd` count UTF-8 *bytes*, not characters.

The account's own inbound messages (``inbox = true`` or ``timeline = "mentions"``, with
the login): `app.bsky.notification.listNotifications?limit=50&reasons=mention&reasons=reply
&reasons=quote&cursor=…` on the PDS (which proxies it to the AppView) → `{"notifications":
[{uri, cid, author, reason, reasonSubject, record, isRead, indexedAt}], "cursor"}`, newest
first. The record is the post itself; `record.reply.parent.uri` is the post it answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Literal

from multidict import MultiDict
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
    secret,
    utc_time,
)
from trendwatch.collect.http import FetchResult
from trendwatch.collect.parse.text import extract_hashtags, normalize_hashtag, plain_text
from trendwatch.collect.parse.values import as_id, as_url, clean_str
from trendwatch.errors import AuthRequired, HTTPStatusError, ParseError
from trendwatch.models import RawItem, TrendPoint

SEARCH_LIMIT = 100
NOTIFICATION_LIMIT = 50        # listNotifications allows 1…100; 50 is the lexicon's default
# notifications that are messages to the account (likes, reposts and follows are not)
INBOUND_REASONS = ("mention", "reply", "quote")
FACET_TAG = "app.bsky.richtext.facet#tag"
FACET_LINK = "app.bsky.richtext.facet#link"


# --- pure parsers ---------------------------------------------------------------------------


def parse_search(data: Any) -> tuple[list[RawItem], str | None]:
    """searchPosts output → (items, pagination cursor)."""
    posts = get(data, "posts")
    if not isinstance(posts, list):
        return [], None
    items = [item for item in (parse_post(p) for p in posts) if item is not None]
    cursor = get(data, "cursor")
    return items, cursor if isinstance(cursor, str) and cursor else None


def parse_post(post: Any) -> RawItem | None:
    record = get(post, "record")
    uri = as_url(get(post, "uri"))
    if not isinstance(record, dict) or not uri:
        return None
    # post text is plain text (never HTML); facets index its UTF-8 bytes
    original = clean_str(record.get("text")) or ""
    facets = record.get("facets") if isinstance(record.get("facets"), list) else []
    text = expand_links(original, facets)
    external_title = plain_text(get(record, "embed", "external", "title"))
    if external_title and external_title not in text:
        text = f"{text}\n\n{external_title}".strip()
    tags = facet_tags(original, facets)
    record_tags = record.get("tags") if isinstance(record.get("tags"), list) else []
    tags += [t for t in (clean_str(t) for t in record_tags) if t]
    did = as_id(get(post, "author", "did"))
    handle = as_id(get(post, "author", "handle"))
    langs = record.get("langs")
    return RawItem(
        title="",
        text=text,
        url=post_url(uri, did),
        external_id=uri,
        published_at=utc_time(record.get("createdAt")) or utc_time(get(post, "indexedAt")),
        author=handle if handle and handle != "handle.invalid" else did,
        hashtags=list(dict.fromkeys([normalize_hashtag(t) for t in tags] + extract_hashtags(text))),
        lang=as_id(langs[0]) if isinstance(langs, list) and langs and isinstance(langs[0], str) else None,
        engagement=engagement(likes=post.get("likeCount"), reposts=post.get("repostCount"),
                              replies=post.get("replyCount"), quotes=post.get("quoteCount")),
    )


def parse_notifications(data: Any) -> tuple[list[RawItem], str | None]:
    """listNotifications output → (inbound items: mentions, replies, quotes; cursor).

    A notification carries the post's uri, author and record like a postView, so it is
    parsed as one; ``reply_to`` is the parent post's at:// uri (another item's external id).
    """
    notifications = get(data, "notifications")
    if not isinstance(notifications, list):
        return [], None
    items = []
    for notification in notifications:
        if get(notification, "reason") not in INBOUND_REASONS:
            continue
        item = parse_post(notification)
        if item is None:
            continue
        item.reply_to = as_url(get(notification, "record", "reply", "parent", "uri"))
        items.append(item)
    cursor = get(data, "cursor")
    return items, cursor if isinstance(cursor, str) and cursor else None


def post_url(uri: str, did: str | None) -> str | None:
    """at://did/app.bsky.feed.post/rkey → the bsky.app link (by DID, which survives handle changes)."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != "app.bsky.feed.post":
        return None
    return f"https://bsky.app/profile/{did or parts[0]}/post/{parts[2]}"


def _byte_slice(data: bytes, index: Any) -> tuple[int, int] | None:
    start, end = get(index, "byteStart"), get(index, "byteEnd")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(data)):
        return None
    try:  # an offset inside a multi-byte character is a broken facet
        data[start:end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return start, end


def facet_tags(text: str, facets: list[Any]) -> list[str]:
    """Tags from `#tag` facets; the feature's `tag`, else the text under its byte range."""
    data = text.encode("utf-8", "replace")
    tags = []
    for facet in facets:
        for feature in _features(facet):
            if get(feature, "$type") != FACET_TAG:
                continue
            tag = clean_str(get(feature, "tag"))
            if not tag:
                span = _byte_slice(data, get(facet, "index"))
                tag = data[span[0]:span[1]].decode("utf-8") if span else None
            if tag:
                tags.append(tag.lstrip("#＃"))
    return tags


def _features(facet: Any) -> list[Any]:
    features = get(facet, "features")
    return features if isinstance(features, list) else []


def expand_links(text: str, facets: list[Any]) -> str:
    """Replace link text shortened by the client ("example.com/pa...") by the facet's full URL."""
    data = text.encode("utf-8", "replace")
    spans = []
    for facet in facets:
        uri = next((clean_str(get(f, "uri")) for f in _features(facet)
                    if get(f, "$type") == FACET_LINK and isinstance(get(f, "uri"), str)), None)
        span = _byte_slice(data, get(facet, "index")) if uri else None
        if span:
            # clients show "host/path..." without scheme and "www."
            shown = _bare(data[span[0]:span[1]].decode("utf-8").rstrip(".…"))
            if shown and _bare(uri).startswith(shown):
                spans.append((span[0], span[1], uri))
    out, last = bytearray(), 0
    for start, end, uri in sorted(spans):
        if start < last:  # overlapping facets: keep the first
            continue
        out += data[last:start] + uri.encode("utf-8", "replace")
        last = end
    out += data[last:]
    return out.decode("utf-8", "replace")


def _bare(url: str) -> str:
    return url.split("://", 1)[-1].removeprefix("www.")


def parse_trends(data: Any, now: datetime) -> list[TrendPoint]:
    """getTrends → one `posts` point per trend for the current hour (a series across runs)."""
    at = now.replace(minute=0, second=0, microsecond=0)
    points = []
    for rank, trend in enumerate(_list(get(data, "trends")), start=1):
        topic, count = plain_text(get(trend, "topic")), as_int(get(trend, "postCount"))
        if not topic or count is None:
            continue
        started = utc_time(get(trend, "startedAt"))
        points.append(TrendPoint(term=topic, metric="posts", at=at, value=count, extra={
            "rank": rank, "display_name": _str(get(trend, "displayName")),
            "link": as_url(get(trend, "link")), "status": _str(get(trend, "status")),
            "category": _str(get(trend, "category")),
            "started_at": started.isoformat() if started else None,
        }))
    return points


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return plain_text(value) or None


def parse_trending_topics(data: Any, now: datetime) -> list[TrendPoint]:
    """getTrendingTopics (no counts) → a `rank` point per topic for the current hour."""
    at = now.replace(minute=0, second=0, microsecond=0)
    return [TrendPoint(term=plain_text(get(t, "topic")), metric="rank", at=at, value=rank,
                       extra={"display_name": _str(get(t, "displayName")), "link": as_url(get(t, "link"))})
            for rank, t in enumerate(_list(get(data, "topics")), start=1) if plain_text(get(t, "topic"))]


# --- collector ------------------------------------------------------------------------------


class BlueskyOptions(PlatformOptions):
    base_url: str = "https://public.api.bsky.app"   # the AppView, for reads without a login
    pds_url: str = "https://bsky.social"            # login and authenticated reads
    trends: bool = True
    language: str | None = None                     # searchPosts `lang` filter
    identifier_env: str | None = None
    password_env: str | None = None
    app_password_env: str | None = None             # another name for password_env
    # the account's notifications (mentions, replies, quotes); `inbox = true` implies it
    timeline: Literal["mentions"] | None = None

    _urls = base_url_validator("base_url", "pds_url")

    @model_validator(mode="after")
    def _login_pair(self) -> BlueskyOptions:
        if self.app_password_env:
            if self.password_env and self.password_env != self.app_password_env:
                raise ValueError("set password_env or app_password_env, not both")
            self.password_env = self.app_password_env
        if bool(self.identifier_env) != bool(self.password_env):
            raise ValueError("set both identifier_env and password_env (an app password), or neither")
        if self.inbox:
            if self.hashtags or self.query:
                raise ValueError("an inbox source reads the account's notifications only; "
                                 "search `hashtags`/`query` in another bluesky source")
            if self.trends and "trends" in self.model_fields_set:
                raise ValueError("an inbox source reads the account's notifications only; set "
                                 "trends = false or read trends in another bluesky source")
            self.trends = False
            self.timeline = "mentions"
        if self.timeline and not self.identifier_env:
            raise ValueError("the account's notifications need its login: set identifier_env "
                             "(handle) and app_password_env (an app password)")
        return self

    def default_name(self) -> str:
        if self.inbox:
            return "bluesky:notifications"
        return "bluesky:" + ",".join(["#" + t for t in self.hashtags] + self.query or ["trends"])


@dataclass
class _Session:
    access: str
    refresh: str


# Sessions live in memory only (never in the store): the service reuses them across
# cycles, a restart logs in again. Keyed by server and login.
_SESSIONS: dict[tuple[str, str], _Session] = {}


class BlueskyCollector(BaseCollector):
    kind: ClassVar[str] = "bluesky"
    platform: ClassVar[str] = "bluesky"
    Options = BlueskyOptions

    def target(self) -> str:
        return self.options.base_url

    async def collect(self, ctx: CollectContext, state: SourceState) -> CollectResult:
        o = self.options
        parts = Parts()
        try:
            identifier = secret(o, "identifier_env", "Bluesky login")
            password = secret(o, "password_env", "Bluesky app password")
        except AuthRequired as exc:
            if o.timeline:  # the account's notifications exist only behind its login
                raise
            # trends need no login: read them anonymously and say why search will not work
            identifier = password = None
            parts.warnings.append(f"reading without a login: {exc}")
        xrpc = _Xrpc(ctx, o, identifier, password)
        since = dict(state.cursor.get("since", {}))
        if o.trends:
            await parts.run("trends", lambda: self._trends(ctx, xrpc, parts))
        for term in ["#" + t for t in o.hashtags] + o.query:
            await parts.run(f"search {term!r}", lambda term=term: self._search(xrpc, parts, term, since))
        cursor: dict[str, Any] = {"since": since}
        if o.timeline:
            cursor["notifications"] = state.cursor.get("notifications")
            await parts.run("notifications", lambda: self._notifications(xrpc, parts, cursor))
        parts.bytes_received = xrpc.bytes_received
        parts.raise_if_all_failed()
        return CollectResult(items=parts.items, trend_points=parts.points,
                             state=SourceState(url=state.url, cursor=cursor),
                             warnings=parts.warnings, bytes_received=parts.bytes_received,
                             status=200, retry_after=parts.retry_after)

    async def _trends(self, ctx: CollectContext, xrpc: _Xrpc, parts: Parts) -> None:
        try:
            result = await xrpc.get("app.bsky.unspecced.getTrends", {"limit": 25})
            parts.points += parse_trends(result.json(), ctx.now)
        except HTTPStatusError as exc:
            if exc.status not in (400, 404, 501):  # 501/404: this AppView predates getTrends
                raise
            result = await xrpc.get("app.bsky.unspecced.getTrendingTopics", {"limit": 25})
            parts.points += parse_trending_topics(result.json(), ctx.now)

    async def _search(self, xrpc: _Xrpc, parts: Parts, term: str, since: dict[str, str]) -> None:
        params: dict[str, Any] = {"q": term, "sort": "latest", "limit": SEARCH_LIMIT}
        if self.options.language:
            params["lang"] = self.options.language
        if since.get(term):
            params["since"] = since[term]
        newest = utc_time(since.get(term))
        for _ in range(self.options.max_pages):
            result = await xrpc.get("app.bsky.feed.searchPosts", params)
            data = result.json()
            items, cursor = parse_search(data)
            parts.items += items
            for item in items:
                if item.published_at and (newest is None or item.published_at > newest):
                    newest = item.published_at
            if not cursor or len(get(data, "posts") or []) < SEARCH_LIMIT:
                break
            params["cursor"] = cursor
        if newest is not None:
            # `since` is inclusive: the newest post comes again next time and is deduplicated
            since[term] = newest.isoformat().replace("+00:00", "Z")


    async def _notifications(self, xrpc: _Xrpc, parts: Parts, cursor: dict[str, Any]) -> None:
        """Newest notifications first, paged back with `cursor` until the newest one seen last
        run (its `indexedAt`, kept in the source cursor) or ``max_pages``."""
        seen_until = utc_time(cursor.get("notifications"))
        newest = seen_until
        params: MultiDict[Any] = MultiDict({"limit": NOTIFICATION_LIMIT})
        for reason in INBOUND_REASONS:
            params.add("reasons", reason)
        for _ in range(self.options.max_pages):
            data = (await xrpc.get("app.bsky.notification.listNotifications", params)).json()
            page = [n for n in _list(get(data, "notifications")) if isinstance(n, dict)]
            indexed = [utc_time(n.get("indexedAt")) for n in page]
            # the notification seen newest last run comes again (same `indexedAt`): kept, the
            # store knows it; older ones were read then
            fresh = [n for n, at in zip(page, indexed)
                     if seen_until is None or at is None or at >= seen_until]
            items, page_cursor = parse_notifications({"notifications": fresh,
                                                      "cursor": get(data, "cursor")})
            parts.items += items
            times = [t for t in indexed if t is not None]
            if times and (newest is None or max(times) > newest):
                newest = max(times)
            reached = seen_until is not None and any(t <= seen_until for t in times)
            if reached or not page_cursor or len(page) < NOTIFICATION_LIMIT:
                break
            params["cursor"] = page_cursor
        if newest is not None:
            cursor["notifications"] = newest.isoformat().replace("+00:00", "Z")


class _Xrpc:
    """XRPC calls: anonymous against the AppView, or with a session against the PDS."""

    def __init__(self, ctx: CollectContext, options: BlueskyOptions, identifier: str | None,
                 password: str | None):
        self.ctx, self.options = ctx, options
        self.identifier, self.password = identifier, password
        self.bytes_received = 0

    async def get(self, method: str, params: Mapping[str, Any]) -> FetchResult:
        if not self.identifier:
            try:
                result = await self.ctx.http.fetch(f"{self.options.base_url}/xrpc/{method}",
                                                   params=params, accept="application/json")
            except HTTPStatusError as exc:
                if exc.status in (401, 403):
                    raise AuthRequired(
                        f"HTTP {exc.status}: Bluesky answers {method} only with a login "
                        f"(unauthenticated search is refused with 403 today); set identifier_env "
                        f"and password_env to a handle and an app password") from exc
                raise
            self.bytes_received += len(result.body)
            return result
        session = await self._session()
        result = await self._authed(method, params, session)
        if result.status in (400, 401) and _error_name(result) in ("ExpiredToken", "InvalidToken"):
            session = await self._refresh(session)
            result = await self._authed(method, params, session)
        if result.status in (400, 401):
            raise _status_error(result, f"Bluesky {method}")
        return result

    async def _authed(self, method: str, params: Mapping[str, Any], session: _Session) -> FetchResult:
        result = await self.ctx.http.fetch(
            f"{self.options.pds_url}/xrpc/{method}", params=params, accept="application/json",
            headers={"Authorization": f"Bearer {session.access}"}, ok_statuses=frozenset({400, 401}))
        self.bytes_received += len(result.body)
        return result

    @property
    def _key(self) -> tuple[str, str]:
        return (self.options.pds_url, self.identifier or "")

    async def _session(self) -> _Session:
        return _SESSIONS.get(self._key) or await self._create()

    async def _create(self) -> _Session:
        result = await self.ctx.http.fetch(
            f"{self.options.pds_url}/xrpc/com.atproto.server.createSession", method="POST",
            json_body={"identifier": self.identifier, "password": self.password},
            accept="application/json", ok_statuses=frozenset({400, 401}))
        self.bytes_received += len(result.body)
        if result.status in (400, 401):
            _SESSIONS.pop(self._key, None)
            raise AuthRequired(
                f"Bluesky refused the login ({_error_name(result) or result.status}: "
                f"{_error_message(result)}); check {self.options.identifier_env} and "
                f"{self.options.password_env} (use an app password, not the account password)")
        data = result.json()
        session = _Session(access=str(get(data, "accessJwt") or ""),
                           refresh=str(get(data, "refreshJwt") or ""))
        if not session.access:
            raise AuthRequired("Bluesky createSession answered without an access token")
        _SESSIONS[self._key] = session
        return session

    async def _refresh(self, session: _Session) -> _Session:
        """Renew with the refresh token; if that is expired too, log in again."""
        result = await self.ctx.http.fetch(
            f"{self.options.pds_url}/xrpc/com.atproto.server.refreshSession", method="POST",
            headers={"Authorization": f"Bearer {session.refresh}"}, accept="application/json",
            ok_statuses=frozenset({400, 401}))
        self.bytes_received += len(result.body)
        data = result.json() if result.status == 200 else {}
        if not get(data, "accessJwt"):
            _SESSIONS.pop(self._key, None)
            return await self._create()
        renewed = _Session(access=data["accessJwt"], refresh=str(get(data, "refreshJwt") or session.refresh))
        _SESSIONS[self._key] = renewed
        return renewed


def _error_body(result: FetchResult) -> dict:
    try:
        data = result.json()
    except ParseError:  # an error page that is not JSON has no error name
        return {}
    return data if isinstance(data, dict) else {}


def _error_name(result: FetchResult) -> str | None:
    return _error_body(result).get("error")


def _error_message(result: FetchResult) -> str:
    return str(_error_body(result).get("message") or "no message")


def _status_error(result: FetchResult, what: str) -> Exception:
    message = f"{what}: HTTP {result.status} {_error_name(result) or ''}: {_error_message(result)}"
    if result.status == 401:
        return AuthRequired(message)
    return HTTPStatusError(message, status=result.status)
