"""Every dashboard view under streamlit's AppTest against the seeded store (tests/seed.py)."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from tests.seed import HOSTILE_TITLE, PROFILE, seeded_files
from trendwatch.config.check import check_text
from trendwatch.config.env import CONFIG_ENV, DATABASE_ENV
from trendwatch.store import open_store
from trendwatch.store.schema import feedback, ideas, jobs, sources

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture
def seeded(tmp_path, monkeypatch):
    now = datetime.now(UTC).replace(microsecond=0)
    url, config, info = seeded_files(tmp_path, now)
    monkeypatch.setenv(DATABASE_ENV, url)
    monkeypatch.setenv(CONFIG_ENV, str(config))
    return url, config, info


def run_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success", "code"):
        parts.extend(str(e.value) for e in getattr(at, kind))
    parts.extend(f"{m.label}={m.value}" for m in at.metric)
    return "\n".join(parts)


def rows(url: str, table) -> list[dict]:
    store = open_store(url, migrate=False)
    try:
        with store.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(table))]
    finally:
        store.close()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


# --- Today -------------------------------------------------------------------------------


def test_today_shows_cards_with_numbers_links_and_rtl(seeded):
    url, _config, info = seeded
    at = run_app()
    body = texts(at)
    assert "E-bike battery swap stations" in body
    assert metric(at, "Opportunities") == "7"          # 9 topics − no opportunity − muted
    assert metric(at, "Emerging") == "2"
    assert metric(at, "Priority") == f"{0.82 ** 0.6:.2f}"  # best card first
    assert "+150%" in [m.value for m in at.metric]       # growth 24 h of an emerging topic
    assert "Northwind Fleet" in body and "relevance 0.55" in body  # why-it-matters per product
    assert "carried by 4 outlets" in body                 # the wire story counts its outlets
    arabic = next(m.value for m in at.markdown if "دبي" in m.value and m.value.startswith("<div"))
    assert 'dir="rtl"' in arabic
    assert "Bike NFTs" not in body                        # muted by feedback
    assert f"run {info.latest_run}," in body              # the failed newer run is ignored
    assert len(at.get("vega_lite_chart")) >= 1      # sparklines


def test_today_product_platform_and_window_filters(seeded):
    at = run_app()
    at.selectbox(key="product").set_value("Northwind Fleet").run()
    body = texts(at)
    assert "Cargo bikes for last-mile delivery" in body and "دبي" not in body
    at.selectbox(key="product").set_value("All").run()
    at.selectbox(key="platform").set_value("mastodon").run()
    assert metric(at, "Opportunities") == "2"             # swap + cargo have mastodon posts
    at.selectbox(key="platform").set_value("All").run()
    at.selectbox(key="window").set_value("24 hours").run()
    body = texts(at)
    assert "Folding bikes on commuter trains" not in body and "EU e-bike import tariff" not in body
    assert "E-bike battery swap stations" in body
    at.toggle(key="show_muted").set_value(True).run()
    assert "Bike NFTs" in texts(at)


def test_today_feedback_buttons_write_rows_and_mute_hides(seeded):
    url, _config, info = seeded
    at = run_app()
    swap, cargo = info.topics["swap"], info.topics["cargo"]
    at.button(key=f"today_{swap}_useful").click().run()
    at.button(key=f"today_{cargo}_mute").click().run()
    assert not at.exception
    written = [(r["topic_id"], r["verdict"], r["profile"], r["idea_id"]) for r in rows(url, feedback)]
    assert (swap, "useful", PROFILE, None) in written
    assert (cargo, "mute", PROFILE, None) in written
    assert "Cargo bikes for last-mile delivery" not in texts(at)


def test_today_hostile_feed_text_is_never_html(seeded):
    at = run_app()
    at.selectbox(key="window").set_value("30 days").run()
    for element in at.markdown:
        value = element.value
        assert "<img" not in value and "<script" not in value
        assert "](javascript:" not in value


def test_empty_store_shows_first_run_guide(tmp_path, monkeypatch):
    monkeypatch.setenv(DATABASE_ENV, f"sqlite:///{tmp_path / 'nothing-yet.db'}")
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "missing.toml"))
    at = run_app()
    body = texts(at)
    assert "Welcome to trendwatch" in body and "trendwatch collect" in body
    for page in ("views/topics.py", "views/ideas.py", "views/shifts.py", "views/sources.py",
                 "views/settings.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])


def test_collected_but_not_analysed_says_so(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'collected.db'}"
    store = open_store(url)
    from trendwatch.store.schema import items, sources
    now = datetime.now(UTC)
    with store.begin() as conn:
        sid = conn.execute(sources.insert().values(name="Electrek", kind="rss", platform="news",
                                                   params={}, created_at=now, error_count=0,
                                                   disabled=False)).inserted_primary_key[0]
        conn.execute(items.insert().values(id="a", source_id=sid, platform="news", title="t",
                                           text="", published_at=now, fetched_at=now))
    store.close()
    monkeypatch.setenv(DATABASE_ENV, url)
    at = run_app()
    assert "1 items from 1 sources are collected" in texts(at)


def test_refresh_now_requests_a_cycle(seeded):
    url, _config, _info = seeded
    at = run_app()
    before = datetime.now(UTC) - timedelta(seconds=1)
    at.button(key="refresh_now").click().run()
    at.button(key="refresh_now").click().run()    # a second click updates the same row
    refresh = [r for r in rows(url, jobs) if r["name"] == "refresh"]
    assert len(refresh) == 1 and refresh[0]["next_run_at"] >= before
    assert "Refresh requested" in texts(at)


# --- Topics ------------------------------------------------------------------------------


def test_topics_table_search_and_status_filter(seeded):
    at = run_app("views/topics.py")
    assert "9 of 9 topics" in texts(at)
    assert len(at.dataframe[0].value) == 9
    at.text_input(key="topic_search").input("cargo").run()
    assert "1 of 9 topics" in texts(at)
    at.text_input(key="topic_search").input("").run()
    at.multiselect(key="topic_status").select("emerging").run()
    frame = at.dataframe[0].value
    assert set(frame["status"]) == {"emerging"} and len(frame) == 3
    at.selectbox(key="topic_sort").set_value("Label").run()
    at.toggle(key="topic_desc").set_value(False).run()
    assert list(at.dataframe[0].value["label"])[0] == "Bike NFTs"


def test_topic_page_charts_lineage_items_and_outlets(seeded):
    _url, _config, info = seeded
    at = run_app("views/topics.py")
    at.selectbox(key="topic_pick").set_value(info.topics["swap"]).run()
    assert not at.exception
    body = texts(at)
    for heading in ("Volume by platform", "Emergence and its parts", "Lineage", "Items (9)",
                    "Outlets that carried the same story"):
        assert heading in body
    assert "Split into **Battery recycling for e\\-bikes**" in body
    assert "battery swap · charging · berlin" in body.replace("\\", "")
    # a person's post is named by its platform and host, never by its account
    captions = " ".join(c.value for c in at.caption)
    assert "a Mastodon post on" in captions and "@rider" not in captions
    assert len(at.get("vega_lite_chart")) == 2
    hostile = [m.value for m in at.markdown if "onerror" in m.value]
    assert hostile and all(html.escape(HOSTILE_TITLE, quote=True) in v for v in hostile)
    outlets = at.dataframe[-1].value
    assert outlets["n"].max() == 4 and "dpa.de" in outlets.iloc[0]["outlets"]
    at.button(key="topic_back").click().run()
    assert "9 of 9 topics" in texts(at)


def test_topic_page_merged_lineage_and_dormant(seeded):
    _url, _config, info = seeded
    at = run_app("views/topics.py")
    at.selectbox(key="topic_pick").set_value(info.topics["tariff"]).run()
    assert "Merged from **Paris bike lanes**" in texts(at)
    at.button(key=f"lineage_{info.topics['lanes']}_merged_into").click().run()
    assert "dormant" in texts(at) and "Merged into **EU e\\-bike import tariff**" in texts(at)


# --- Ideas -------------------------------------------------------------------------------


def test_ideas_board_counts_and_limits(seeded):
    at = run_app("views/ideas.py")
    body = texts(at)
    assert "4 of 4 ideas" in body
    assert "Northwind Flow" in [h.value for h in at.header]
    assert "over the limit" in body                      # the long X draft is flagged
    codes = [c.value for c in at.code]
    assert any(c.startswith("Battery swaps in 40 seconds") for c in codes)
    x_ok = next(c.value for c in at.caption if "weighted characters" in c.value
                and "over" not in c.value)
    assert "/280 weighted characters" in x_ok
    rtl = [m.value for m in at.markdown if 'dir="rtl"' in m.value]
    assert any("دبي تتحول" in v for v in rtl)             # Arabic hook and its draft preview
    assert len(rtl) >= 2


def test_ideas_filters_by_angle_platform_and_product(seeded):
    at = run_app("views/ideas.py")
    at.multiselect(key="idea_angles").select("how-to").run()
    assert "1 of 4 ideas" in texts(at)
    at.multiselect(key="idea_angles").unselect("how-to").run()
    at.multiselect(key="idea_platforms").select("bluesky").run()
    assert len(at.code) == 4                             # one bluesky draft per idea
    at.selectbox(key="product").set_value("Northwind Fleet").run()
    assert "1 of 4 ideas" in texts(at)


def test_idea_feedback_writes_rows_and_idea_verdict(seeded):
    url, _config, info = seeded
    at = run_app("views/ideas.py")
    idea = info.ideas[0]
    at.button(key=f"idea_{idea}_not_useful").click().run()
    assert not at.exception
    assert any(r["idea_id"] == idea and r["verdict"] == "not_useful" for r in rows(url, feedback))
    assert next(r for r in rows(url, ideas) if r["id"] == idea)["feedback"] == "not_useful"
    assert "marked **not useful**" in texts(at)


def test_ideas_selection_drives_export(seeded):
    _url, _config, info = seeded
    at = run_app("views/ideas.py")
    assert "Nothing selected" in texts(at)
    at.checkbox(key=f"pick_idea_{info.ideas[2]}").check().run()
    assert "1 selected" in texts(at)
    assert len(at.get("download_button")) == 2


# --- Shifts, Sources, Settings -------------------------------------------------------------


def test_shifts_compare_weeks_and_months(seeded):
    at = run_app("views/shifts.py")
    assert (metric(at, "Appeared"), metric(at, "Grew"), metric(at, "Faded")) == ("2", "1", "1")
    body = texts(at)
    assert "Cargo bikes for last\\-mile delivery** · watch · 3 → 7 items (+4)" in body
    assert len(at.get("vega_lite_chart")) == 1 and len(at.get("download_button")) == 2
    at.radio(key="shift_period").set_value("month").run()
    assert not at.exception
    assert metric(at, "Faded") == "0"                    # a month ago nothing was there to fade


def test_sources_health_and_trend_series(seeded):
    at = run_app("views/sources.py")
    assert metric(at, "Sources") == "6" and metric(at, "Failing") == "2"
    errors = "\n".join(e.value for e in at.error)
    assert "HTTP 429 Too Many Requests" in errors and "connection refused" in errors
    health = at.dataframe[0].value
    assert set(health.columns) >= {"kind", "last_ok_at", "next_check_at", "items_24h",
                                   "error_count", "last_error"}
    assert len(at.get("vega_lite_chart")) == 1
    at.selectbox(key="trend_platform").set_value("google_trends").run()
    assert not at.exception and len(at.get("vega_lite_chart")) == 1


def test_sources_show_stored_errors_without_credentials(seeded):
    url, _config, info = seeded
    store = open_store(url, migrate=False)
    try:
        with store.connect() as conn:  # as an older version stored it
            conn.execute(sources.update().where(sources.c.id == info.sources["Broken Blog"]).values(
                last_error="cannot fetch https://bob:hunter2@broken.example/feed?api_key=S3CRETKEY1: refused"))
            conn.commit()
    finally:
        store.close()
    at = run_app("views/sources.py")
    shown = "\n".join(e.value for e in at.error) + at.dataframe[0].value.to_csv()
    assert "hunter2" not in shown and "S3CRETKEY1" not in shown
    assert "broken.example" in shown and "refused" in shown


def test_settings_validates_like_check_config_and_saves_atomically(seeded):
    _url, config, _info = seeded
    original = config.read_text()
    at = run_app("views/settings.py")
    assert f"Active profile:** {PROFILE}" in texts(at)
    broken = original.replace('top = 8', 'top = 0').replace('kind = "rss"', 'kind = "rsss"')
    at.text_area(key="config_text").input(broken).run()
    at.button(key="config_validate").click().run()
    report = at.code[0].value
    assert report == "\n".join(check_text(broken, config).lines)
    assert report.startswith(f"error: {config}: 2 problems")
    at.button(key="config_save").click().run()
    assert config.read_text() == original                # invalid: never written
    fixed = original.replace('top = 8', 'top = 5')
    at.text_area(key="config_text").input(fixed).run()
    at.button(key="config_save").click().run()
    assert not at.exception
    assert config.read_text() == fixed
    assert not list(config.parent.glob(".feeds.toml.*"))  # no temp file left behind
    assert "Saved" in texts(at)


def test_sources_page_shows_every_worker_and_every_job(seeded):
    from trendwatch.store import workers as worker_rows

    url, _config, _info = seeded
    store = open_store(url, migrate=False)
    now = datetime.now(UTC)
    try:
        worker_rows.register(store, "box-a:4242:ns:t1", "box-a", 4242, now)
        worker_rows.register(store, "box-b:77:ns:t2", "box-b", 77, now)
        worker_rows.schedule_job(store, "analyze", now, replace=True)
        assert worker_rows.claim_job(store, "analyze", "box-b:77:ns:t2", now,
                                     timedelta(seconds=90))
        worker_rows.stop(store, "box-a:4242:ns:t1", now)
    finally:
        store.close()
    at = run_app("views/sources.py")
    assert not at.exception
    assert "Service" in [h.value for h in at.header]
    workers = next(d.value for d in at.dataframe if "heartbeat_at" in d.value.columns)
    assert sorted(workers["host"]) == ["box-a", "box-b"]
    shown = dict(zip(workers["host"], zip(workers["status"], workers["holding"], strict=True),
                     strict=True))
    assert shown == {"box-a": ("stopped", ""), "box-b": ("running", "job: analyze")}
    jobs_shown = next(d.value for d in at.dataframe if "next_run_at" in d.value.columns
                      and "last_status" in d.value.columns)
    assert "analyze" in set(jobs_shown["name"])
