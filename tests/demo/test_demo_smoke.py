"""Demo smoke test: the demo config collects from the sample server, every source delivers."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from trendwatch.collect.collectors import REGISTRY
from trendwatch.collect.run import collect_sources
from trendwatch.config.load import parse_settings
from trendwatch.demo import build_dataset
from trendwatch.demo.config import DEMO_BASE, demo_config, shipped_config
from trendwatch.demo.inbound import write_helpdesk
from trendwatch.demo.server import build_app
from trendwatch.store.schema import items, sources


def demo_settings(base_url: str, folder=None):
    """The shipped demo config pointed at ``base_url`` (read as if it were in ``folder``,
    where the demo writes its helpdesk export)."""
    port = int(base_url.rstrip("/").rsplit(":", 1)[1])
    where = str(folder / "feeds.toml") if folder is not None else "trendwatch/demo/feeds.toml"
    return parse_settings(demo_config(port), source_name=where)


def test_demo_config_points_only_at_the_sample_server_and_its_own_database():
    text = shipped_config()
    urls = re.findall(r'"(https?://[^"]+)"', text)
    assert urls and all(u.startswith(DEMO_BASE) or "example.com" in u for u in urls)
    assert 'url = "sqlite:///data/demo/trendwatch.db"' in text
    settings = demo_settings(DEMO_BASE)
    assert settings.company.name == "Northwind Mobility"
    assert len([s for s in settings.sources if s.kind == "rss"]) == 17
    # the same company's Gulf market works in Arabic, the main profile in English
    gulf = settings.profile("Northwind Gulf")
    assert gulf.writing_language == "ar" and settings.profile().writing_language == "en"
    assert len(gulf.products) == 2


def test_demo_config_uses_every_installed_kind_and_its_own_port():
    text = demo_config(9999)
    assert "127.0.0.1:9999" in text and DEMO_BASE not in text
    settings = parse_settings(text)
    kinds = set(re.findall(r'(?m)^kind\s*=\s*"([^"]+)"', text))
    assert kinds <= set(REGISTRY)          # an unknown kind would fail check-config in the demo
    assert {s.kind for s in settings.sources} == kinds
    assert settings.storage.url == "sqlite:///data/demo/trendwatch.db"
    assert settings.http.per_host == 16 and settings.briefing.folder == "data/demo/briefings"


async def test_collect_from_the_sample_server(aiohttp_server, store, now, monkeypatch, tmp_path):
    monkeypatch.setenv("TRENDWATCH_DEMO_BSKY_IDENTIFIER", "demo.bsky.social")
    monkeypatch.setenv("TRENDWATCH_DEMO_BSKY_PASSWORD", "demo-app-password")
    monkeypatch.setenv("TRENDWATCH_DEMO_X_TOKEN", "demo-token")
    week = build_dataset()
    server = await aiohttp_server(build_app(week, now))
    write_helpdesk(tmp_path, now)
    settings = demo_settings(str(server.make_url("/")), tmp_path)

    outcomes = await collect_sources(store, settings, now=now)
    problems = [(o.name, o.status, o.message) for o in outcomes if o.status != "ok"]
    assert not problems
    with store.connect() as conn:
        per_source = dict(conn.execute(
            select(sources.c.name, func.count(items.c.id))
            .join(items, items.c.source_id == sources.c.id, isouter=True)
            .group_by(sources.c.name)).all())
        languages = set(conn.execute(select(items.c.lang).distinct()).scalars())
        outlets = conn.execute(select(func.count(func.distinct(items.c.outlet)))).scalar()
        # one item per article URL, whichever source saw it first (a trending link on
        # Mastodon is the same article as the outlet's feed entry; Hacker News stories link it)
        wire_articles = conn.execute(select(func.count(func.distinct(items.c.url)))
                                     .where(items.c.url.like("%/news/cyclewire/%"))).scalar()
    feed_sources = [s.name for s in settings.sources if s.kind != "google_trends"]
    assert all(per_source[name] > 0 for name in feed_sources), per_source
    cyclewire = [a for a in week.articles if a.outlet == "cyclewire"]
    assert wire_articles == len(cyclewire)
    assert {"en", "de", "ar"} <= languages
    assert outlets >= 15

    later = await collect_sources(store, settings, now=now + timedelta(minutes=20))
    assert all(o.new_items == 0 for o in later)
    assert {o.status for o in later if o.kind == "rss"} == {"not_modified"}


def test_the_demo_run_shows_every_profile_its_ideas_and_briefing():
    from trendwatch.demo.run import BATCH_STEPS

    steps = [words for _, words in BATCH_STEPS]
    for profile in demo_settings(DEMO_BASE).all_profiles()[1:]:
        # the first profile is the default of `ideas` and `brief`; the others are named
        assert ["ideas", "--profile", profile.name, "--format", "json"] in steps
        assert ["brief", "--profile", profile.name, "--deliver"] in steps
