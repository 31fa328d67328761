"""What every demo endpoint shares: the anchored data set, conditional responses, params.

Kept apart from ``server`` so running ``python -m trendwatch.demo.server`` (which makes
that module ``__main__``) still gives the endpoints one shared app key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from aiohttp import web

from trendwatch.demo.dataset import Dataset, Post

SITE: web.AppKey[DemoSite] = web.AppKey("demo_site")


class DemoSite:
    """The data set anchored at ``end``, with the indexes the endpoints need."""

    def __init__(self, dataset: Dataset, end: datetime, token_ttl: float = 7200.0):
        self.dataset = dataset
        self.end = end.astimezone(UTC).replace(microsecond=0)
        self.token_ttl = token_ttl
        self._secret = hashlib.sha256(f"demo-{dataset.seed}".encode()).digest()
        self.by_platform: dict[str, list[Post]] = {}
        for post in dataset.posts:
            self.by_platform.setdefault(post.platform, []).append(post)

    def posts(self, platform: str) -> list[Post]:
        return self.by_platform.get(platform, [])

    def time_of(self, age: float) -> datetime:
        return Dataset.at(self.end, age)

    # Bluesky-style session tokens: HMAC-signed JWTs with an expiry, so refresh is real
    def token(self, subject: str, scope: str, ttl: float) -> str:
        def b64(data: bytes) -> str:
            return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

        header = b64(json.dumps({"typ": "at+jwt", "alg": "HS256"}).encode())
        now = int(time.time())
        payload = b64(json.dumps({"scope": scope, "sub": subject, "iat": now,
                                  "exp": now + int(ttl), "aud": "did:web:demo"}).encode())
        signature = hmac.new(self._secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{b64(signature)}"

    def check_token(self, token: str, scope: str) -> str:
        """'' when valid, else the atproto error name (InvalidToken / ExpiredToken)."""
        try:
            header, payload, signature = token.split(".")
            expected = hmac.new(self._secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
            given = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except (ValueError, json.JSONDecodeError):
            return "InvalidToken"
        if not hmac.compare_digest(expected, given) or claims.get("scope") != scope:
            return "InvalidToken"
        if claims.get("exp", 0) < time.time():
            return "ExpiredToken"
        return ""


def base_of(request: web.Request) -> str:
    return str(request.url.origin())


def conditional(request: web.Request, body: bytes, content_type: str,
                last_modified: datetime | None = None,
                headers: dict[str, str] | None = None) -> web.Response:
    """A 200 with ETag/Last-Modified, or a bodiless 304 when the client already has it."""
    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    out = {"ETag": etag, "Cache-Control": "max-age=60", **(headers or {})}
    if last_modified is not None:
        out["Last-Modified"] = format_datetime(last_modified.astimezone(UTC), usegmt=True)
    if_none = request.headers.get("If-None-Match")
    if if_none is not None:
        if etag in [tag.strip() for tag in if_none.split(",")] or if_none.strip() == "*":
            return web.Response(status=304, headers=out)
    elif last_modified is not None and (since := request.headers.get("If-Modified-Since")):
        try:
            if last_modified.replace(microsecond=0) <= parsedate_to_datetime(since):
                return web.Response(status=304, headers=out)
        except (TypeError, ValueError):
            pass
    response = web.Response(body=body, content_type=content_type, charset="utf-8", headers=out)
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response.enable_compression()
    return response


def json_response(request: web.Request, data: Any, headers: dict[str, str] | None = None,
                  last_modified: datetime | None = None) -> web.Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return conditional(request, body, "application/json", last_modified, headers)


def json_error(status: int, data: dict[str, Any], headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(data, status=status, headers=headers)


def int_param(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return max(low, min(high, int(raw)))
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name} must be an integer") from None


def site(request: web.Request) -> DemoSite:
    return request.app[SITE]
