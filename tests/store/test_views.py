"""store.views: the read models of the briefing, the CLI and the dashboard."""

from __future__ import annotations

import ast
import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import make_settings
from tests.seeding import add_opportunity, add_snapshot, add_topic
from trendwatch.store import views
from trendwatch.store.schema import assignments, feedback, items, runs, sources

ROOT = Path(__file__).resolve().parents[2]


def _run(conn, as_of, started, status="ok"):
    return conn.execute(runs.insert().values(
        started_at=started, finished_at=started, as_of=as_of, window_start=as_of - timedelta(days=7),
        window_end=as_of, status=status, model_id="hash", params={}, counts={})).inserted_primary_key[0]


def _source(conn, now, name, **state):
    values = dict(name=name, kind="rss", platform="news", params={}, url=f"https://{name}.example/",
                  created_at=now, error_count=0, disabled=False, last_new_items=0, last_bytes=0)
    values.update(state)
    return conn.execute(sources.insert().values(**values)).inserted_primary_key[0]


def _item(conn, source_id, now, n, topic_run, topic_id, *, outlet, story_id=None, url="auto"):
    item_id = f"i{n}"
    conn.execute(items.insert().values(
        id=item_id, source_id=source_id, platform="news", external_id=item_id, outlet=outlet,
        title=f"title {n}", text="", url=f"https://x.example/{n}" if url == "auto" else url,
        published_at=now - timedelta(hours=n), fetched_at=now, hashtags=[], engagement={},
        story_id=story_id))
    conn.execute(assignments.insert().values(run_id=topic_run, item_id=item_id, topic_id=topic_id))


def test_snapshots_opportunities_and_muted_topics(store, now):
    with store.begin() as conn:
        run = _run(conn, now, now)
        t1, t2 = add_topic(conn, now, "One", "emerging"), add_topic(conn, now, "Two", "watch")
        add_snapshot(conn, run, t1, now, "One", "emerging", 4, emergence=2.0)
        add_snapshot(conn, run, t2, now, "Two", "watch", 2, emergence=1.0)
        add_opportunity(conn, run, t1, "Scooter", 0.5)
        add_opportunity(conn, run, t2, "Bike", 0.9)
        add_opportunity(conn, run, t2, "Other", 0.1, profile="Else")
        conn.execute(feedback.insert().values(topic_id=t2, profile="Acme", verdict="mute", created_at=now))
        conn.execute(feedback.insert().values(topic_id=t1, profile="Else", verdict="mute", created_at=now))
    snaps = views.run_snapshots(store, run)
    assert set(snaps) == {t1, t2} and snaps[t1]["label"] == "One" and snaps[t1]["first_seen_at"]
    assert [o["product"] for o in views.run_opportunities(store, run, "Acme")] == ["Bike", "Scooter"]
    assert views.muted_topics(store, "Acme") == {t2}
    assert views.muted_topics(store, None) == {t1, t2}
    columns, rows = views.opportunities_with_snapshots(store, run, "Acme")
    assert [r[columns.index("product")] for r in rows] == ["Bike", "Scooter"]
    assert views.run_profiles(store, run) == ["Acme", "Else"]
    assert views.run_platforms(store, run) == ["news"]


def test_snapshot_series_and_previous_run(store, now):
    with store.begin() as conn:
        old, new = _run(conn, now - timedelta(days=2), now - timedelta(days=2)), _run(conn, now, now)
        _run(conn, now - timedelta(hours=1), now, status="failed")
        t = add_topic(conn, now, "One", "watch")
        add_snapshot(conn, old, t, now - timedelta(days=2), "One", "watch", 1)
        add_snapshot(conn, new, t, now, "One", "emerging", 3)
    columns, rows = views.snapshot_series(store, [t])
    assert [r[columns.index("distinct_sources")] for r in rows] == [1, 3]
    assert len(views.snapshot_series(store, [t], run_id=old)[1]) == 1
    assert len(views.snapshot_series(store, [t], since=now - timedelta(days=1))[1]) == 1
    current = {"id": new, "as_of": now}
    assert views.previous_run(store, current)["id"] == old
    assert views.previous_run(store, current, before=now - timedelta(days=3)) is None


def test_topic_links_story_sizes_and_recent_items(store, now):
    with store.begin() as conn:
        run = _run(conn, now, now)
        t = add_topic(conn, now, "One", "watch")
        src = _source(conn, now, "feed")
        _item(conn, src, now, 1, run, t, outlet="a", story_id=None)
        _item(conn, src, now, 2, run, t, outlet="b", url=None)
    links = views.topic_links(store, run, [t])
    assert [row["item_id"] for row in links] == ["i1"]  # items without URL are left out
    assert links[0]["story_outlets"] == 1
    recent = views.recent_items(store, limit=10)
    assert [r["id"] for r in recent] == ["i1", "i2"] and recent[0]["source"] == "feed"
    assert views.recent_items(store, limit=10, since=now - timedelta(minutes=90))[0]["id"] == "i1"
    assert views.recent_items(store, limit=10, source="nope") == []
    assert len(views.topic_items(store, t, run)[1]) == 2


def test_source_states_and_display_url(store, now):
    with store.begin() as conn:
        _source(conn, now, "a")
        _source(conn, now, "b", disabled=True)
    assert sorted(r["name"] for r in views.source_states(store, ["a", "b", "c"])) == ["a", "b"]
    assert views.source_states(store, []) == []
    assert "secret" not in views.display_url("postgresql://u:secret@h/db")
    assert views.display_url("not a url") == "not a url"


def test_every_consumer_picks_the_same_latest_run(tmp_path, now):
    """The later-started run has the earlier as_of: 'latest' is by as_of, for everyone."""
    from dashboard import data
    from trendwatch.briefing import build_briefing
    from trendwatch.cli import cli
    from trendwatch.store import open_store

    url = f"sqlite:///{tmp_path / 'latest.db'}"
    store = open_store(url)
    with store.begin() as conn:
        newer_as_of = _run(conn, now - timedelta(hours=1), started=now - timedelta(hours=3))
        later_started = _run(conn, now - timedelta(hours=5), started=now - timedelta(minutes=30))
        for run, label in ((newer_as_of, "Chosen"), (later_started, "Stale")):
            t = add_topic(conn, now, label, "emerging")
            add_snapshot(conn, run, t, now, label, "emerging", 3)
    briefing = build_briefing(store, make_settings(), now)
    config = tmp_path / "feeds.toml"
    config.write_text('[company]\nname = "Acme"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["topics", "--config", str(config), "--db", url,
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    cli_runs = {t["run_id"] for t in json.loads(result.output)}
    assert briefing.run_id == newer_as_of
    assert cli_runs == {newer_as_of}
    assert data.latest_run(url)["id"] == newer_as_of
    store.close()


def test_sqlalchemy_only_in_the_store():
    offenders = []
    for folder in ("trendwatch", "dashboard"):
        for path in (ROOT / folder).rglob("*.py"):
            if (ROOT / "trendwatch" / "store") in path.parents:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                if any(n == "sqlalchemy" or n.startswith("sqlalchemy.") or n == "trendwatch.store.schema"
                       for n in names):
                    offenders.append(str(path.relative_to(ROOT)))
    presentation = [p for p in offenders
                    if p.startswith(("trendwatch/briefing", "trendwatch/cli", "dashboard"))]
    assert presentation == []


def test_cli_briefing_and_dashboard_show_the_same_source_status(tmp_path, now):
    import pandas as pd

    from dashboard import data
    from trendwatch.briefing.content import source_health
    from trendwatch.cli.collection import source_json
    from trendwatch.present.status import FAILING, source_status
    from trendwatch.store import open_store
    from trendwatch.store.sources import source_health as stored_health

    url = f"sqlite:///{tmp_path / 'status.db'}"
    store = open_store(url)
    attempt = dict(last_attempt_at=now)
    with store.begin() as conn:
        _source(conn, now, "fine", **attempt)
        _source(conn, now, "partial", last_error="one page failed", **attempt)
        _source(conn, now, "broken", error_count=2, last_error="timeout", **attempt)
        _source(conn, now, "gone", disabled=True, disabled_reason="410 Gone", **attempt)
        _source(conn, now, "new")
    expected = {"fine": "ok", "partial": "warning", "broken": "error", "gone": "disabled",
                "new": "never"}
    rows = stored_health(store, now)
    cli = {r["name"]: source_json(r)["status"] for r in rows}
    dashboard = {r["name"]: r["status"] for _, r in data.source_health(url, now).iterrows()}
    # the Sources page applies the same rule to the frame's pandas rows (NaT, NaN for NULLs)
    page = {r["name"]: source_status(r) for _, r in pd.DataFrame(rows).iterrows()}
    assert cli == dashboard == page == expected == {r["name"]: source_status(r) for r in rows}
    body = "".join(f'[[sources]]\nname = "{n}"\nkind = "rss"\nurl = "https://{n}.example/"\n'
                   for n in expected)
    with store.connect() as conn:
        health = source_health(conn, make_settings(body), None, now, None)
    assert sorted(name for name, _ in health.failing) == sorted(
        n for n, s in expected.items() if s in FAILING)
    assert dict(health.failing)["gone"] == "410 Gone"
    store.close()


def test_topic_activity_counts_items_and_distinct_sources_per_bin(store, now):
    with store.begin() as conn:
        run = _run(conn, now, now)
        topic, quiet = add_topic(conn, now, "One", "emerging"), add_topic(conn, now, "Two", "watch")
        src = _source(conn, now, "feed")
        # items i1..i3 at 1, 2, 3 hours ago: the last 6-hour bin; i13 thirteen hours ago
        for n, outlet in ((1, "A"), (2, "A"), (3, "B"), (13, None)):
            _item(conn, src, now, n, run, topic, outlet=outlet)
    start = now - timedelta(days=1)
    rows = views.topic_activity(store, run, [topic, quiet], start, now)
    assert len(rows) == 8 and [r["topic_id"] for r in rows] == [topic] * 4 + [quiet] * 4
    mine = {r["bin_start"]: (r["items"], r["sources"]) for r in rows if r["topic_id"] == topic}
    assert mine[start + timedelta(hours=18)] == (3, 2)        # A twice, B once
    assert mine[start + timedelta(hours=6)] == (1, 1)         # no outlet: counted by its source
    assert mine[start] == (0, 0) and mine[start + timedelta(hours=12)] == (0, 0)
    assert all(r["items"] == 0 for r in rows if r["topic_id"] == quiet)
