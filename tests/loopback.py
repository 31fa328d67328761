"""Helpers for loopback-server tests of the platform collectors (fixtures in real wire shapes)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from trendwatch.collect.collectors.base import CollectContext
from trendwatch.collect.http import HttpClient

SOCIAL = Path(__file__).parent / "fixtures" / "social"


def fixture(rel: str) -> Any:
    """A JSON fixture under tests/fixtures/social (parsed)."""
    return json.loads((SOCIAL / rel).read_text("utf-8"))


def fixture_bytes(rel: str) -> bytes:
    return (SOCIAL / rel).read_bytes()


def serve_json(rel: str, status: int = 200, headers: dict[str, str] | None = None
               ) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response(fixture(rel), status=status, headers=headers)
    return handler


def error(status: int, body: Any = None, headers: dict[str, str] | None = None
          ) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response(body or {"error": "nope"}, status=status, headers=headers)
    return handler


def logging_app(log: list[web.Request]) -> web.Application:
    """An app whose middleware records every request it receives (method, path, query, headers)."""

    @web.middleware
    async def record(request: web.Request, handler):
        log.append(request)
        return await handler(request)

    return web.Application(middlewares=[record])


async def run_collector(collector, state, now, http_settings=None, budget=None):
    async with HttpClient(http_settings) as http:
        return await collector.collect(CollectContext(http=http, now=now, budget=budget), state)
