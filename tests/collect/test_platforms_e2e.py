"""End to end: one feeds.toml with a source of every kind against one local server.

`trendwatch collect` collects all of them in one run, `trendwatch items --format json`
shows platform, pseudonymised account, hashtags and engagement, and `trendwatch
sources` shows each platform's health. The CLI runs as a real subprocess.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from aiohttp import web
from sqlalchemy import select

from tests.collect.collectors.test_collector_contract import CASES
from trendwatch.collect.collectors import REGISTRY
from trendwatch.store import open_store
from trendwatch.store.schema import items, sources, trend_points

ROOT = Path(__file__).resolve().parents[2]
HANDLES = ["velo", "layla", "kim@other.example", "lena.bsky.social", "noor.example.com",
           "commuter_anna", "tinkerer", "citycycling", "noor_rides", "pedal"]


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value)


def feeds_toml(base: str) -> str:
    lines = ['[company]\nname = "Northwind Mobility"\n', "[privacy]\npseudonymize_authors = true\n",
             f"[storage]\nimport_dirs = [{json.dumps(str(ROOT / 'tests' / 'fixtures' / 'imports'))}]\n"]
    for kind in sorted(REGISTRY):
        options = {"kind": kind, "name": f"{kind}-source", **CASES[kind].options(base)}
        lines.append("[[sources]]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in options.items()))
    return "\n".join(lines)


def cli(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "COLUMNS": "250",
           "TRENDWATCH_PRIVACY_KEY": "e2e-key-0123456789abcdef"}
    for case in CASES.values():
        env.update(case.env)
    return subprocess.run(
        [sys.executable, "-m", "trendwatch", *args, "--config", str(tmp_path / "feeds.toml"),
         "--db", f"sqlite:///{tmp_path / 'tw.db'}"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)


async def test_every_kind_in_one_collect(aiohttp_server, tmp_path):
    app = web.Application()
    for case in CASES.values():
        for path, handler in case.routes.items():
            app.router.add_get(path, handler)
        for path, handler in case.post_routes.items():
            app.router.add_post(path, handler)
    server = await aiohttp_server(app)
    (tmp_path / "feeds.toml").write_text(feeds_toml(str(server.make_url("")).rstrip("/")), "utf-8")

    # the server runs on this loop: the CLI must run in a thread so the loop can answer it
    collect = await asyncio.to_thread(cli, ["collect", "-q"], tmp_path)
    assert collect.returncode == 0, collect.stderr
    assert f"{len(REGISTRY)} sources: {len(REGISTRY)} ok" in collect.stdout, collect.stdout

    listed = await asyncio.to_thread(cli, ["items", "--format", "json", "--limit", "500"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    by_platform: dict[str, list[dict]] = {}
    for row in rows:
        by_platform.setdefault(row["platform"], []).append(row)
    assert set(by_platform) == {c.platform for c in REGISTRY.values()}
    for platform in ("mastodon", "bluesky", "reddit", "hackernews", "x"):
        posts = by_platform[platform]
        assert all(p["author"] is None or p["author"].startswith("anon:") for p in posts)
        assert any(p["author"] and p["outlet"] == p["author"] for p in posts), platform
        assert any(p["engagement"] for p in posts), platform
    for platform in ("mastodon", "bluesky", "x"):
        assert any(p["hashtags"] for p in by_platform[platform]), platform
    assert any(p["outlet"] == "The Daily Example" for p in by_platform["google_trends"])
    text = listed.stdout
    for handle in HANDLES:  # no handle in clear in author/outlet
        assert all(handle not in (r["author"] or "") and handle not in (r["outlet"] or "")
                   for r in rows), handle
    assert "lena.bsky.social" not in text  # Bluesky links use the DID, never the handle

    health = await asyncio.to_thread(cli, ["sources", "--format", "json"], tmp_path)
    states = {s["kind"]: s for s in json.loads(health.stdout)}
    assert set(states) == set(REGISTRY)
    assert {k: s["status"] for k, s in states.items()} == {k: "ok" for k in REGISTRY}
    assert all(s["items_total"] > 0 for s in states.values()), states
    table = await asyncio.to_thread(cli, ["sources"], tmp_path)
    for kind in REGISTRY:
        assert f"{kind}-source" in table.stdout

    store = open_store(f"sqlite:///{tmp_path / 'tw.db'}", migrate=False)
    with store.connect() as conn:
        platforms = {r.platform for r in conn.execute(select(trend_points.c.platform))}
        cursors = " ".join(json.dumps(r.cursor) for r in conn.execute(select(sources.c.cursor)))
        authors = {r.author for r in conn.execute(select(items.c.author))}
    store.close()
    assert platforms == {"mastodon", "bluesky", "google_trends"}
    assert not any(h in cursors for h in HANDLES) and "ACCESS" not in cursors
    assert not authors & set(HANDLES)
