"""`mastodon`: trending tags/links/statuses and followed hashtag timelines of instances.

Wire facts this follows (Mastodon REST API v1):
- `GET /api/v1/trends/tags` → tags with a daily `history` whose numbers are *strings*
  (`{"day": "1785542400", "uses": "12", "accounts": "9"}`); stored as trend points.
- `GET /api/v1/trends/statuses`, `/trends/links` → statuses and preview cards.
- `GET /api/v1/timelines/tag/{tag}?limit=40&min_id=…` → newest first; the `Link`
  header's `rel="prev"` asks for newer posts, `rel="next"` for older ones.
- `GET /api/v1/tags/{tag}` → the followed tag's own history.
- 401/403 means the instance closed that timeline to anonymous readers (or refused
  the token); `X-RateLimit-Remaining`/`X-RateLimit-Reset` say how much is left.

An access token belongs to one account on one instance: it is sent to that instance only.
With several instances `token_env` is a table, host → variable
(``token_env = { "mastodon.social" = "MASTO_SOCIAL_TOKEN" }``); a single name with several
instances is a config error rather than a token handed to every instance in the list.

The account's own inbound messages (``timeline = "mentions"``, implied by ``inbox = true``):
- `GET /api/v1/notifications?types[]=mention&limit=40` with the account's token (scope
  `read:notifications`) → notifications newest first, each `{id, type, created_at,
  account, status}`; the `Link` header's `rel="next"` carries `max_id` (older), and
  `since_id` asks for those newer than the last one read.
- The mention is `notification.status`: its `content` is HTML, `in_reply_to_id` the
  instance-local id of the post it answers, `visibility` public/unlisted/private/direct.
  Items carry the status's local `id` as external id, so a reply's `reply_to` names it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar, Literal
from urllib.parse import quote, urlsplit

from pydantic import Field, ValidationInfo, field_validator, model_validator

from trendwatch.collect.collectors.base import (
    BaseCollector,
    CollectContext,
    CollectResult,
    SourceState,
)
from trendwatch.collect.collectors.rss import _http_url
from trendwatch.collect.collectors.social import (
    Parts,
    PlatformOptions,
    as_int,
    engagement,
    get,
    to_list,
    utc_time,
)
from trendwatch.collect.http import FetchResult
from trendwatch.collect.parse.text import (
    extract_hashtags,
    html_to_text,
    normalize_hashtag,
    plain_text,
    unescaped_text,
)
from trendwatch.collect.parse.values import as_id, as_url, clean_str
from trendwatch.config import env
from trendwatch.errors import AuthRequired, HTTPStatusError
from trendwatch.models import RawItem, TrendPoint

PAGE_LIMIT = 40          # the API's maximum for timelines
NOTIFICATION_LIMIT = 40  # …and for notifications (v4: up to 80 when grouped; 40 is safe everywhere)
PUBLIC = frozenset({"public", "unlisted"})
# a followers-only post that mentions the account was addressed to it: it is an inbound
# message like a public one; direct messages only when the source asks for them
ADDRESSED = PUBLIC | {"private"}
RATE_RESERVE = 2         # stop while a few requests are left for the instance's other users


# --- pure parsers ---------------------------------------------------------------------------


def parse_statuses(data: Any) -> list[RawItem]:
    """A list of Mastodon statuses (timeline, trends/statuses) → items. Non-public ones are dropped."""
    if not isinstance(data, list):
        return []
    return [item for item in (parse_status(s) for s in data) if item is not None]


def parse_status(status: Any, visibilities: frozenset[str] = PUBLIC) -> RawItem | None:
    if not isinstance(status, dict):
        return None
    if isinstance(status.get("reblog"), dict):  # a boost: the boosted post is the content
        status = status["reblog"]
    visibility = status.get("visibility")
    # hostile JSON may send a list here: anything but a known word is not public
    if visibility is not None and (not isinstance(visibility, str)
                                   or visibility not in visibilities):
        return None
    content = html_to_text(status.get("content"))  # the only HTML field of a status
    warning = plain_text(status.get("spoiler_text"))
    text = f"{warning}\n\n{content}" if warning and content else (content or warning)
    card_title = unescaped_text(get(status, "card", "title"))
    if card_title and card_title not in text:
        text = f"{text}\n\n{card_title}".strip()
    tags = status.get("tags") if isinstance(status.get("tags"), list) else []
    names = [name for name in (clean_str(get(t, "name")) for t in tags) if name]
    return RawItem(
        title="",
        text=text,
        url=as_url(status.get("url")) or as_url(status.get("uri")),
        # `uri` is the post's federated identity: the same post seen through two instances
        # has two local ids but one uri, so it is stored once
        external_id=as_url(status.get("uri")) or as_id(status.get("id")),
        published_at=utc_time(status.get("created_at")),
        author=account_handle(status.get("account")),
        hashtags=list(dict.fromkeys([normalize_hashtag(t) for t in names] + extract_hashtags(text))),
        lang=as_id(status.get("language")),
        engagement=engagement(likes=status.get("favourites_count"),
                              reposts=status.get("reblogs_count"),
                              replies=status.get("replies_count"),
                              quotes=status.get("quotes_count")),
    )


def parse_notifications(data: Any, *, direct: bool = False) -> list[RawItem]:
    """`/api/v1/notifications` (mentions) → the mentioning statuses as inbound items.

    Unlike timeline items, the external id is the status's local id on the account's
    instance (what `in_reply_to_id` of a reply names), and `reply_to` keeps the parent.
    Other notification types (favourites, follows, …) are not messages and are skipped.
    """
    if not isinstance(data, list):
        return []
    visibilities = ADDRESSED | {"direct"} if direct else ADDRESSED
    items = []
    for notification in data:
        if get(notification, "type") != "mention":
            continue
        status = get(notification, "status")
        item = parse_status(status, visibilities)
        status_id = as_id(get(status, "id"))
        if item is None or not status_id:
            continue
        item.external_id = status_id
        item.reply_to = as_id(get(status, "in_reply_to_id"))
        item.author = account_handle(get(status, "account")) or account_handle(
            get(notification, "account"))
        item.published_at = item.published_at or utc_time(get(notification, "created_at"))
        items.append(item)
    return items


def account_handle(account: Any) -> str | None:
    """`user@instance` for every account (local accounts come as a bare `user`)."""
    acct = as_id(get(account, "acct"))
    if not acct:
        return None
    if "@" in acct:
        return acct
    host = _hostname(get(account, "url"))
    return f"{acct}@{host}" if host else acct


def _hostname(url: Any) -> str | None:
    try:
        return urlsplit(clean_str(url) or "").hostname
    except ValueError:  # "http://[broken": not a URL
        return None


def parse_links(data: Any) -> list[RawItem]:
    """trends/links (preview cards) → article items; the outlet is the card's provider."""
    if not isinstance(data, list):
        return []
    out = []
    for card in data:
        url = as_url(get(card, "url"))
        if not url:
            continue
        # preview cards are plain text (OpenGraph values), sometimes with entities left in
        out.append(RawItem(
            title=unescaped_text(card.get("title")),
            text=unescaped_text(card.get("description")),
            url=url,
            published_at=utc_time(card.get("published_at")),
            outlet=plain_text(card.get("provider_name")) or _hostname(url),
            lang=as_id(card.get("language")),
        ))
    return out


def parse_tag_history(data: Any, *, trending: bool) -> list[TrendPoint]:
    """Tags (a list from trends/tags, or one tag from /tags/{name}) → daily uses/accounts points."""
    tags = data if isinstance(data, list) else [data]
    points = []
    for rank, tag in enumerate(tags, start=1):
        name = plain_text(get(tag, "name"))
        history = get(tag, "history")
        if not name or not isinstance(history, list):
            continue
        for day in history:
            at = utc_time(get(day, "day"))
            if at is None:
                continue
            extra = {"rank": rank} if trending else {}
            for metric in ("uses", "accounts"):
                value = as_int(get(day, metric))
                if value is not None:
                    points.append(TrendPoint(term=name, metric=metric, at=at, value=value,
                                             extra={"trending": trending, **extra}))
    return points


def newest_id(ids: list[str]) -> str | None:
    """Mastodon ids are decimal strings that sort numerically (snowflake-like)."""
    numeric = [i for i in ids if isinstance(i, str) and i.isdigit()]
    return max(numeric, key=lambda i: (len(i), i)) if numeric else None


def _after(status_id: str, other: str) -> bool:
    """Whether id ``status_id`` is newer than ``other`` (decimal strings of any length)."""
    if not (status_id.isdigit() and other.isdigit()):
        return status_id != other
    return (len(status_id), status_id) > (len(other), other)


# --- collector ------------------------------------------------------------------------------


class MastodonOptions(PlatformOptions):
    instance: list[str] = Field(min_length=1)
    trends: bool = True
    token_env: str | dict[str, str] | None = None   # one name (one instance), or host → name
    every: timedelta = timedelta(minutes=15)
    # the account's mentions (its notifications), read with its token; `inbox = true` implies it
    timeline: Literal["mentions"] | None = None
    direct: bool = False                            # include direct messages among the mentions

    @field_validator("instance", mode="before")
    @classmethod
    def _instances(cls, value: Any) -> list[str]:
        return [_http_url(v).rstrip("/") for v in to_list(value)]

    @field_validator("token_env")
    @classmethod
    def _one_token_per_instance(cls, value: str | dict[str, str] | None,
                                info: ValidationInfo) -> str | dict[str, str] | None:
        instances = info.data.get("instance")
        if value is None or instances is None:  # no instance: that error is reported already
            return value
        hosts = [instance_host(i) for i in instances]
        if isinstance(value, str):
            if len(hosts) > 1:
                example = ", ".join(f'"{h}" = "…"' for h in hosts)
                raise ValueError(
                    f"one token for {len(hosts)} instances would be sent to each of them; a "
                    f"token belongs to one instance: give one per instance, token_env = "
                    f"{{ {example} }}, or split the source")
            return value
        unknown = [h for h in value if h.casefold() not in hosts]
        if unknown:
            raise ValueError(f"token_env names {unknown}, which are not in `instance` "
                             f"(hosts: {hosts})")
        empty = [h for h, name in value.items() if not name.strip()]
        if empty:
            raise ValueError(f"token_env for {empty} names no environment variable")
        return {h.casefold(): name.strip() for h, name in value.items()}

    def token_var(self, instance: str) -> str | None:
        """The name (never the value) of the variable holding ``instance``'s token."""
        var = self.token_env
        return var.get(instance_host(instance)) if isinstance(var, dict) else var

    def token_for(self, instance: str) -> str | None:
        """The token of ``instance`` only; AuthRequired if its variable is named but unset."""
        var = self.token_env
        if isinstance(var, dict):
            var = var.get(instance_host(instance))
        if not var:
            return None
        value = env.secret(var)
        if not value:
            raise AuthRequired(f"Mastodon access token for {instance_host(instance)}: environment "
                               f"variable {var} (from `token_env`) is not set")
        return value

    @model_validator(mode="after")
    def _inbox(self) -> MastodonOptions:
        if self.inbox:
            # everything an inbox source yields is an inbound message: trends and hashtag
            # timelines are other people's conversations, read them in another source
            if self.hashtags:
                raise ValueError("an inbox source reads the account's mentions only; follow "
                                 "`hashtags` in another mastodon source")
            if self.trends and "trends" in self.model_fields_set:
                raise ValueError("an inbox source reads the account's mentions only; set "
                                 "trends = false or read trends in another mastodon source")
            self.trends = False
            self.timeline = "mentions"
        if self.timeline and not self.token_env:
            raise ValueError('timeline = "mentions" reads the account\'s notifications: set '
                             "token_env to the name of the variable holding its access token "
                             "(scope read:notifications)")
        if self.direct and not self.timeline:
            raise ValueError('direct = true needs timeline = "mentions" (or inbox = true)')
        return self

    @field_validator("query")
    @classmethod
    def _no_query(cls, value: list[str]) -> list[str]:
        if value:
            raise ValueError("Mastodon has no public full-text search; follow `hashtags` instead")
        return value

    def default_name(self) -> str:
        hosts = ",".join(urlsplit(i).hostname or i for i in self.instance)
        # the inbox of an instance is another source than its trends (names are unique)
        return f"mastodon:{hosts}/mentions" if self.inbox else f"mastodon:{hosts}"


def instance_host(instance: str) -> str:
    """The host (with a non-default port) an instance URL names, lower-cased."""
    parts = urlsplit(instance)
    host = (parts.hostname or instance).casefold()
    return f"{host}:{parts.port}" if parts.port else host


class MastodonCollector(BaseCollector):
    kind: ClassVar[str] = "mastodon"
    platform: ClassVar[str] = "mastodon"
    Options = MastodonOptions

    def target(self) -> str:
        return self.options.instance[0]

    async def collect(self, ctx: CollectContext, state: SourceState) -> CollectResult:
        o = self.options
        tokens = {instance: o.token_for(instance) for instance in o.instance}
        cursor = {"min_id": dict(state.cursor.get("min_id", {}))}
        if o.timeline:
            cursor["since_id"] = dict(state.cursor.get("since_id", {}))
        parts = Parts()
        for instance in o.instance:
            token = tokens[instance]
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            api = _Api(ctx, instance, headers, parts)
            host = urlsplit(instance).hostname or instance
            if o.trends:
                await parts.run(f"{host} trending tags", api.trending_tags)
                await parts.run(f"{host} trending statuses", api.trending_statuses)
                await parts.run(f"{host} trending links", api.trending_links)
            for tag in o.hashtags:
                key = f"{instance}#{tag.casefold()}"
                await parts.run(f"{host} #{tag}", lambda tag=tag, key=key, api=api: api.tag_timeline(
                    tag, cursor["min_id"], key, o.max_pages))
            if o.timeline and token:
                var = o.token_var(instance)
                await parts.run(f"{host} mentions", lambda api=api, var=var: api.mentions(
                    cursor["since_id"], o.max_pages, direct=o.direct, token_var=var))
            parts.stopped = None  # a rate limit stops the rest of this instance, not the others
        parts.raise_if_all_failed()
        return CollectResult(items=parts.items, trend_points=parts.points,
                             state=SourceState(url=state.url, cursor=cursor),
                             warnings=parts.warnings, bytes_received=parts.bytes_received,
                             status=200, retry_after=parts.retry_after)


class _Api:
    """Requests to one instance, with its rate-limit budget and auth errors translated."""

    def __init__(self, ctx: CollectContext, instance: str, headers: dict[str, str], parts: Parts):
        self.ctx, self.instance, self.headers, self.parts = ctx, instance, headers, parts

    async def get(self, url: str, params: dict[str, Any] | None = None) -> FetchResult:
        # a `Link` header may point anywhere: the token goes to its own instance only (and
        # not over plain http when the instance is https)
        same_instance = (urlsplit(url).scheme, instance_host(url)) == \
            (urlsplit(self.instance).scheme, instance_host(self.instance))
        try:
            result = await self.ctx.http.fetch(url, params=params,
                                               headers=self.headers if same_instance else {},
                                               accept="application/json")
        except HTTPStatusError as exc:
            if exc.status in (401, 403):
                what = "refused the access token" if self.headers else \
                    "does not show this to anonymous readers (closed timelines)"
                raise AuthRequired(f"HTTP {exc.status}: {self.instance} {what}; this part is "
                                   "unavailable (set `token_env` to an access token of an account "
                                   "there to read it)") from exc
            raise
        self.parts.bytes_received += len(result.body)
        self._respect_rate_limit(result)
        return result

    def _respect_rate_limit(self, result: FetchResult) -> None:
        remaining = as_int(result.headers.get("X-RateLimit-Remaining"))
        if remaining is None or remaining > RATE_RESERVE:
            return
        reset = utc_time(result.headers.get("X-RateLimit-Reset"))
        wait = max((reset - self.ctx.now).total_seconds(), 0.0) if reset else 300.0
        self.parts.stop(f"{self.instance} rate limit nearly used up ({remaining} left, resets "
                        f"{reset.isoformat() if reset else 'soon'})", retry_after=wait)

    async def trending_tags(self) -> None:
        result = await self.get(f"{self.instance}/api/v1/trends/tags", {"limit": 20})
        self.parts.points += parse_tag_history(result.json(), trending=True)

    async def trending_statuses(self) -> None:
        result = await self.get(f"{self.instance}/api/v1/trends/statuses", {"limit": 40})
        self.parts.items += parse_statuses(result.json())

    async def trending_links(self) -> None:
        result = await self.get(f"{self.instance}/api/v1/trends/links", {"limit": 20})
        self.parts.items += parse_links(result.json())

    async def tag_timeline(self, tag: str, min_ids: dict[str, str], key: str, max_pages: int) -> None:
        """Newest posts first run; afterwards only posts newer than the stored `min_id`."""
        history = await self.get(f"{self.instance}/api/v1/tags/{quote(tag, safe='')}")
        self.parts.points += parse_tag_history(history.json(), trending=False)
        since = min_ids.get(key)
        url: str | None = f"{self.instance}/api/v1/timelines/tag/{quote(tag, safe='')}"
        params: dict[str, Any] | None = {"limit": PAGE_LIMIT, **({"min_id": since} if since else {})}
        seen: list[str] = [since] if since else []
        for _ in range(max_pages):
            if url is None or self.parts.stopped:
                break
            result = await self.get(url, params)
            page = result.json()
            if not isinstance(page, list) or not page:
                break
            self.parts.items += parse_statuses(page)
            seen += [s.get("id") for s in page if isinstance(s, dict)]
            # polling forward walks `prev` (newer); the first run walks `next` (older)
            url = result.links.get("prev" if since else "next")
            params = None  # the Link URL carries its own query
            if len(page) < PAGE_LIMIT:
                break
        newest = newest_id([i for i in seen if i])
        if newest:
            min_ids[key] = newest

    async def mentions(self, since_ids: dict[str, str], max_pages: int, *, direct: bool,
                       token_var: str | None) -> None:
        """The account's mention notifications newer than the stored `since_id`, newest first.

        First run: the newest page and up to ``max_pages`` older ones (`rel="next"`). Later
        runs: `since_id` answers with the newest of those after it; if a whole page came
        back there may be more between, so `next` is walked until the old newest is reached.
        """
        since = since_ids.get(self.instance)
        url: str | None = f"{self.instance}/api/v1/notifications"
        params: dict[str, Any] | None = {"types[]": "mention", "limit": NOTIFICATION_LIMIT,
                                         **({"since_id": since} if since else {})}
        seen: list[str] = [since] if since else []
        for _ in range(max_pages):
            if url is None or self.parts.stopped:
                break
            try:
                result = await self.get(url, params)
            except AuthRequired as exc:
                status = getattr(exc.__cause__, "status", "401/403")
                raise AuthRequired(
                    f"HTTP {status}: {instance_host(self.instance)} refused the access token for "
                    f"the account's notifications; check {token_var} (from `token_env`): it must "
                    "be a token of the company account with the read:notifications scope") from exc
            page = result.json()
            if not isinstance(page, list) or not page:
                break
            ids = [as_id(get(n, "id")) for n in page]
            if since:  # a `next` link does not keep since_id: drop what was read before
                keep = [n for n, i in zip(page, ids) if i and _after(i, since)]
                done = len(keep) < len(page)
                page, ids = keep, [as_id(get(n, "id")) for n in keep]
            else:
                done = False
            self.parts.items += parse_notifications(page, direct=direct)
            seen += [i for i in ids if i]
            url = result.links.get("next")
            params = None  # the Link URL carries its own query (types[], limit, max_id)
            if done or len(ids) < NOTIFICATION_LIMIT:
                break
        newest = newest_id(seen)
        if newest:
            since_ids[self.instance] = newest
