"""The one HTTP client: explicit timeouts, per-host limits, size cap, conditional GET.

Every collector fetches through ``HttpClient.fetch``; the LLM generator (ideas/llm.py) and
the webhook/Slack delivery (briefing/delivery.py) post JSON through ``HttpClient.post_json``.
It returns status, headers and the whole body (read to the end, never more than the size
cap) and never parses. Failures come out as CollectError subclasses (errors.py); retry
policies stay with the callers.
"""

from __future__ import annotations

import email.utils
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy

from trendwatch.config.schema import HttpSettings
from trendwatch.errors import (
    BodyTooLarge,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    ParseError,
    SourceGone,
)

PERMANENT_REDIRECTS = {301, 308}
EVERY_STATUS = frozenset(range(100, 600))


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
    (``[ideas] timeout``, ``[delivery] timeout``, the LLM reply cap).
    """

    def __init__(self, settings: HttpSettings | None = None, *, timeout: timedelta | None = None,
                 max_body: int | None = None):
        settings = settings or HttpSettings()
        update: dict[str, Any] = {}
        if timeout is not None:
            update["timeout"] = timeout
        if max_body is not None:
            update["max_body"] = max_body
        self.settings = settings.model_copy(update=update) if update else settings
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> HttpClient:
        s = self.settings
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(
                total=s.timeout.total_seconds(), sock_connect=s.connect_timeout.total_seconds()
            ),
            connector=aiohttp.TCPConnector(limit=s.concurrency, limit_per_host=s.per_host),
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
            async with self._session.request(
                method, url, headers=sent, params=params, json=json_body, data=data,
                max_redirects=10
            ) as response:
                return await self._read(url, response, sent, ok_statuses)
        except TimeoutError as exc:
            raise FetchTimeout(
                f"timed out after {self.settings.timeout.total_seconds():g}s fetching {url}"
            ) from exc
        except aiohttp.TooManyRedirects as exc:
            raise FetchError(f"too many redirects fetching {url}") from exc
        except aiohttp.ClientResponseError as exc:
            raise FetchError(f"bad HTTP response from {url}: {exc.message}") from exc
        except aiohttp.InvalidURL as exc:
            raise FetchError(f"invalid URL {url!r}") from exc
        except aiohttp.ClientError as exc:
            raise FetchError(f"cannot fetch {url}: {exc.__class__.__name__}: {exc}") from exc

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
                    ok_statuses: frozenset[int]) -> FetchResult:
        status = response.status
        final_url = str(response.url)
        permanent = None
        if response.history and all(r.status in PERMANENT_REDIRECTS for r in response.history):
            permanent = final_url
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
