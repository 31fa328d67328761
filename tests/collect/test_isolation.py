"""Any failure inside one source — our own bug included — is that source's failure only."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from tests.collect.test_collect import feed_app
from tests.conftest import make_settings
from trendwatch.collect.collectors.rss import RssCollector
from trendwatch.collect.run import collect_sources
from trendwatch.collect.schedule import MAX_RETRY_AFTER, next_check_at
from trendwatch.present.status import BUG, source_status
from trendwatch.store import sources as source_rows

BUGS = [TypeError("'int' object is not subscriptable"), RecursionError("maximum recursion depth"),
        OverflowError("date value out of range"), KeyError("title")]


@pytest.mark.parametrize("bug", BUGS, ids=lambda e: type(e).__name__)
async def test_a_bug_in_one_source_is_recorded_and_the_others_finish(aiohttp_server, store, now,
                                                                     monkeypatch, caplog, bug):
    server = await aiohttp_server(feed_app([]))
    url = server.make_url("/feed.xml")
    settings = make_settings(
        f'[[sources]]\nkind = "rss"\nname = "good"\nurl = "{url}"\n'
        f'[[sources]]\nkind = "rss"\nname = "buggy"\nurl = "{url}?b=1"\n'
    )
    original = RssCollector.collect

    async def collect(self, ctx, state):
        if self.options.name == "buggy":
            raise bug
        return await original(self, ctx, state)

    monkeypatch.setattr(RssCollector, "collect", collect)
    with caplog.at_level(logging.ERROR, logger="trendwatch.collect"):
        outcomes = {o.name: o for o in await collect_sources(store, settings, now=now)}

    assert outcomes["good"].status == "ok" and outcomes["good"].new_items == 2
    assert outcomes["buggy"].status == "error"
    assert outcomes["buggy"].message.startswith(f"internal error: {type(bug).__name__}")
    # the bug is loud: logged at error level with its traceback
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)

    health = {h["name"]: h for h in source_rows.source_health(store, now)}
    assert health["buggy"]["error_count"] == 1
    assert source_status(health["buggy"]) == BUG
    # backed off like any failure: not due again a minute later
    again = await collect_sources(store, settings, now=now + timedelta(minutes=1))
    assert "buggy" not in {o.name for o in again}


@pytest.mark.parametrize("retry_after", [1e300, float("inf"), float("nan"), -5.0, 10**12])
def test_absurd_retry_after_is_clamped(now, retry_after):
    when = next_check_at(now, timedelta(minutes=30), retry_after=retry_after)
    assert now < when <= now + MAX_RETRY_AFTER
