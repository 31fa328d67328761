"""The one HTTP client: explicit timeouts, per-host limits, size cap, conditional GET.

Every collector fetches through ``HttpClient.fetch``; the LLM generator (ideas/llm.py) and
the webhook/Slack delivery (briefing/delivery.py) post JSON through ``HttpClient.post_json``.
It returns status, headers and the whole body (read to the end, never more than the size
cap) and never parses. Failures come out as CollectError subclasses (errors.py); retry
policies stay with the callers.

Redirects are followed here, hop by hop (at most 5), so each hop's target can be checked:
a redirect to another host whose address is loopback, private, link-local or otherwise
not global is refused (RedirectRefused) unless ``[http] allow_private = true`` or the
URL the caller asked for was itself such an address (an IP literal or ``localhost``: a
host name is what a hostile feed's DNS controls). The check covers the address actually
connected to: the connector's resolver re-checks every answer for a checked hop when it
connects, so a name that resolves public for the check and private a moment later (DNS
rebinding) is refused too. A permanent redirect into such a network is never reported
as the source's new URL.
"""

from __future__ import annotations

import contextvars
import email.utils
import ipaddress
import json
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from trendwatch.config.schema import HttpSettings
from trendwatch.errors import (
    BodyTooLarge,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    ParseError,
    RedirectRefused,
    SourceGone,
)

PERMANENT_REDIRECTS = {301, 308}
REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 5
EVERY_STATUS = frozenset(range(100, 600))
# credentials meant for one host never follow a redirect to another
PER_HOST_HEADERS = ("Authorization", "Cookie", "Proxy-Authorization")
ALLOW_PRIVATE_HINT = ("set [http] allow_private = true if this source may reach private "
                      "networks")

# Whether the hop being connected must reach only global addresses: set around each
# request, read by the connector's resolver in the same task.
_public_only: contextvars.ContextVar[bool] = contextvars.ContextVar("public_only", default=False)


def is_private_address(address: str) -> bool:
    """Loopback, private, link-local, shared, reserved, multicast or unspecified: anything
    but a global unicast address (IPv4-mapped IPv6 judged as the IPv4 address)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True   # not an address at all: nothing to trust
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def _literal_or_localhost_private(host: str) -> bool:
    """The host as written is a private IP literal or a localhost name (no DNS asked)."""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    return is_private_address(name)


class GuardedResolver(AbstractResolver):
    """Resolves through ``inner`` (the event loop's getaddrinfo by default) and, for a hop
    that must stay public, refuses an answer holding a private address: the address
    checked is the address connected to."""

    def __init__(self, inner: AbstractResolver | None = None):
        self.inner = inner or aiohttp.ThreadedResolver()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        found = await self.inner.resolve(host, port, family)
        if _public_only.get():
            for answer in found:
                if is_private_address(answer["host"]):
                    raise RedirectRefused(
                        f"{host} resolved to a private address {answer['host']} when connecting "
                        f"(after a redirect); refused: {ALLOW_PRIVATE_HINT}")
        return found

    async def close(self) -> None:
        await self.inner.close()


@dataclass
class FetchResult:
    status: int
    url: str                                  # final URL after redirects
    headers: Mapping[str, str]
    body: bytes
    permanent_url: str | None = None          # set when every redirect hop was 301/308
    requested: dict[str, str] = field(default_factory=dict)  # headers we sent
    links: dict[str, str] = field(default_factory=dict)      # Link header: rel → absolute URL

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"response from {self.url} is not JSON: {exc}") from exc


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max((when - now).total_seconds(), 0.0)


class HttpClient:
    """One aiohttp session for a whole collection run (or one LLM call, one delivery).
    Use as an async context manager.

    ``timeout`` and ``max_body`` override the [http] values for callers with their own
    (``[ideas] timeout``, ``[delivery] timeout``, the LLM reply cap). ``resolver`` replaces
    the system's name resolution (tests map names to addresses with it); every answer
    still passes the private-address guard.
    """

    def __init__(self, settings: HttpSettings | None = None, *, timeout: timedelta | None = None,
                 max_body: int | None = None, resolver: AbstractResolver | None = None):
        settings = settings or HttpSettings()
        update: dict[str, Any] = {}
        if timeout is not None:
            update["timeout"] = timeout
        if max_body is not None:
            update["max_body"] = max_body
        self.settings = settings.model_copy(update=update) if update else settings
        self._resolver = GuardedResolver(resolver)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> HttpClient:
        s = self.settings
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(
                total=s.timeout.total_seconds(), sock_connect=s.connect_timeout.total_seconds()
            ),
            # no DNS cache: every new connection's answer passes the guard of its own hop
            connector=aiohttp.TCPConnector(limit=s.concurrency, limit_per_host=s.per_host,
                                           resolver=self._resolver, use_dns_cache=False),
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
            auto_decompress=True,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        method: str = "GET",
        json_body: Any = None,
        data: Any = None,
        accept: str | None = None,
        ok_statuses: frozenset[int] = frozenset(),
    ) -> FetchResult:
        """Fetch ``url``. 2xx and 304 return; 410 raises SourceGone; other 4xx/5xx raise
        HTTPStatusError (with ``retry_after`` for 429/503) unless listed in ``ok_statuses``."""
        if self._session is None:
            raise RuntimeError("HttpClient used outside `async with`")
        sent: dict[str, str] = dict(headers or {})
        if accept:
            sent["Accept"] = accept
        if etag:
            sent["If-None-Match"] = etag
        if last_modified:
            sent["If-Modified-Since"] = last_modified
        try:
            return await self._follow(url, method, sent, params, json_body, data, ok_statuses)
        except TimeoutError as exc:
            raise FetchTimeout(
                f"timed out after {self.settings.timeout.total_seconds():g}s fetching {url}"
            ) from exc
        except aiohttp.ClientResponseError as exc:
            raise FetchError(f"bad HTTP response from {url}: {exc.message}") from exc
        except aiohttp.InvalidURL as exc:
            raise FetchError(f"invalid URL {url!r}") from exc
        except aiohttp.ClientError as exc:
            raise FetchError(f"cannot fetch {url}: {exc.__class__.__name__}: {exc}") from exc

    async def _follow(self, url: str, method: str, sent: dict[str, str],
                      params: Mapping[str, Any] | None, json_body: Any, data: Any,
                      ok_statuses: frozenset[int]) -> FetchResult:
        """Request ``url``, following up to MAX_REDIRECTS redirects, each one checked."""
        assert self._session is not None
        origin = URL(url)
        trusted = self.settings.allow_private or _literal_or_localhost_private(origin.host or "")
        current, headers = origin, dict(sent)
        hops: list[int] = []
        into_private = False
        public_only = False
        while True:
            token = _public_only.set(public_only)
            try:
                async with self._session.request(
                    method, current, headers=headers, params=params, json=json_body, data=data,
                    allow_redirects=False,
                ) as response:
                    location = response.headers.get("Location")
                    if response.status not in REDIRECTS or not location:
                        permanent = None
                        if hops and all(code in PERMANENT_REDIRECTS for code in hops) \
                                and not into_private:
                            permanent = str(response.url)
                        return await self._read(url, response, sent, ok_statuses, permanent)
                    status = response.status
            finally:
                _public_only.reset(token)
            if len(hops) >= MAX_REDIRECTS:
                raise FetchError(f"too many redirects (more than {MAX_REDIRECTS}) fetching {url}")
            try:
                target = current.join(URL(location)).with_fragment(None)
            except ValueError as exc:
                raise FetchError(f"{url}: redirect to an invalid URL {location!r}") from exc
            if target.scheme not in ("http", "https") or not target.host:
                raise FetchError(f"{url}: redirect to {location!r} refused (not an http(s) URL)")
            hops.append(status)
            same_host = target.host.lower() == (origin.host or "").lower()
            private = None if same_host else await self._private_address_of(target)
            if private is not None:
                if not trusted:
                    raise RedirectRefused(f"{url}: redirect to a private address {private} "
                                          f"({target.host}) refused; {ALLOW_PRIVATE_HINT}")
                into_private = into_private or not _literal_or_localhost_private(
                    origin.host or "")
            # a hop to another host that was checked public must connect to a public address
            public_only = not same_host and not trusted
            if (target.host or "").lower() != (current.host or "").lower():
                headers = {k: v for k, v in headers.items()
                           if k.lower() not in {h.lower() for h in PER_HOST_HEADERS}}
            if status == 303 or (status in (301, 302) and method == "POST"):
                method, json_body, data = ("HEAD" if method == "HEAD" else "GET"), None, None
            current, params = target, None

    async def _private_address_of(self, target: URL) -> str | None:
        """The first loopback/private/reserved address ``target``'s host stands for, if any."""
        host = (target.host or "").strip("[]")
        if _literal_or_localhost_private(host):
            return host
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
            return None   # a global IP literal
        except ValueError:
            pass
        try:
            answers = await self._resolver.inner.resolve(host, target.port or 0, socket.AF_UNSPEC)
        except OSError as exc:
            raise FetchError(f"redirect to {target.host}: cannot resolve it: {exc}") from exc
        for answer in answers:
            if is_private_address(answer["host"]):
                return answer["host"]
        return None

    async def post_json(self, url: str, payload: Any, *,
                        headers: Mapping[str, str] | None = None) -> FetchResult:
        """POST ``payload`` as JSON (``bytes`` are sent as they are: already-encoded JSON).

        Every HTTP status is returned, with its whole body, for the caller to judge; only
        transport failures raise (FetchTimeout, FetchError, BodyTooLarge)."""
        sent = {"Content-Type": "application/json", **(headers or {})}
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return await self.fetch(url, method="POST", data=body, headers=sent,
                                ok_statuses=EVERY_STATUS)

    async def _read(self, url: str, response: aiohttp.ClientResponse, sent: dict[str, str],
                    ok_statuses: frozenset[int], permanent: str | None) -> FetchResult:
        status = response.status
        final_url = str(response.url)
        if status == 410 and status not in ok_statuses:
            raise SourceGone(f"{url} answered 410 Gone: source disabled", status=410)
        if status >= 400 and status not in ok_statuses:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            reason = response.reason or ""
            hint = f"; retry after {retry_after:g}s" if retry_after is not None else ""
            raise HTTPStatusError(
                f"HTTP {status} {reason} from {url}{hint}".replace("  ", " "),
                status=status, retry_after=retry_after,
            )
        body = b"" if status == 304 else await self._read_body(url, response)
        return FetchResult(
            status=status, url=final_url, headers=CIMultiDictProxy(CIMultiDict(response.headers)),
            body=body, permanent_url=permanent, requested=sent,
            # aiohttp parses RFC 8288 Link headers (Mastodon paginates with them)
            links={str(rel): str(link["url"]) for rel, link in response.links.items()},
        )

    async def _read_body(self, url: str, response: aiohttp.ClientResponse) -> bytes:
        limit = self.settings.max_body
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise BodyTooLarge(f"{url}: response of {int(declared):,} bytes refused "
                               f"(limit {limit:,}; raise [http] max_body to allow it)")
        chunks: list[bytes] = []
        size = 0
        # counting decompressed bytes also stops gzip bombs
        async for chunk in response.content.iter_chunked(65536):
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(f"{url}: response larger than {limit:,} bytes refused "
                                   f"(raise [http] max_body to allow it)")
            chunks.append(chunk)
        return b"".join(chunks)
