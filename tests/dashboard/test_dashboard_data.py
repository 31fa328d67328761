"""dashboard.data: the loaders and the two writes, outside a Streamlit session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from dashboard import data
from dashboard.access import LOCAL_USER
from tests.seed import PROFILE, seeded_files
from trendwatch.errors import ConfigError
from trendwatch.store.schema import feedback, ideas, jobs


@pytest.fixture
def seeded(tmp_path):
    now = datetime(2026, 11, 20, 8, tzinfo=UTC)
    url, config, info = seeded_files(tmp_path, now)
    return url, config, info


def test_latest_run_is_newest_ok_run(seeded):
    url, _config, info = seeded
    run = data.latest_run(url)
    assert run["id"] == info.latest_run and run["id"] < info.runs["failed"]


def test_missing_database_is_not_ready_and_has_no_run(tmp_path):
    url = f"sqlite:///{tmp_path / 'none.db'}"
    assert data.store_ready(url) is False and data.latest_run(url) is None
    assert data.store_counts(url) == {"sources": 0, "items": 0, "runs": 0}


def test_opportunities_join_their_snapshot(seeded):
    url, _config, info = seeded
    frame = data.opportunities_for(url, info.latest_run, PROFILE)
    swap = frame[frame["topic_id"] == info.topics["swap"]]
    assert set(swap["product"]) == {"Northwind Flow", "Northwind Fleet"}
    assert swap.iloc[0]["status"] == "emerging" and swap.iloc[0]["distinct_sources"] == 7
    assert list(frame["priority"]) == sorted(frame["priority"], reverse=True)


def test_top_links_prefer_widely_carried_stories_once(seeded):
    url, _config, info = seeded
    links = data.top_links(url, info.latest_run, (info.topics["swap"],), per_topic=3)
    assert len(links) == 3
    assert links.iloc[0]["story_outlets"] == 4
    assert links["title"].is_unique                       # one link per story


def test_topic_volumes_use_each_items_newest_assignment(seeded):
    url, _config, info = seeded
    volumes = data.topic_volumes(url, info.now - timedelta(days=14))
    folding = volumes[volumes["topic_id"] == info.topics["folding"]]
    assert len(folding) == 6 and volumes.groupby("topic_id").size().sum() == len(volumes)


def test_write_feedback_records_verdict_and_idea(seeded):
    url, _config, info = seeded
    idea = info.ideas[1]
    data.write_feedback(url, topic_id=info.topics["swap"], profile=PROFILE, verdict="useful",
                        idea_id=idea, now=info.now)
    with data.store(url).connect() as conn:
        row = conn.execute(select(feedback).order_by(feedback.c.id.desc())).first()
        verdict = conn.execute(select(ideas.c.feedback).where(ideas.c.id == idea)).scalar_one()
    assert (row.topic_id, row.verdict, row.idea_id, row.profile) == (
        info.topics["swap"], "useful", idea, PROFILE)
    assert verdict == "useful"
    assert info.topics["nft"] in data.muted_topics(url, PROFILE)
    with pytest.raises(ValueError, match="unknown verdict"):
        data.write_feedback(url, topic_id=1, profile=None, verdict="meh")


def test_request_refresh_inserts_then_updates(seeded):
    url, _config, info = seeded
    data.request_refresh(url, info.now, user=LOCAL_USER)
    data.request_refresh(url, info.now + timedelta(minutes=5), user=LOCAL_USER)
    with data.store(url).connect() as conn:
        rows = conn.execute(select(jobs).where(jobs.c.name == "refresh")).all()
    assert len(rows) == 1 and rows[0].next_run_at == info.now + timedelta(minutes=5)


def test_save_config_refuses_invalid_text_and_concurrent_edits(seeded, monkeypatch):
    from trendwatch.config.env import CONFIG_ENV

    _url, config, _info = seeded
    monkeypatch.setenv(CONFIG_ENV, str(config))
    text, mtime = data.read_config_text(config)
    with pytest.raises(ConfigError, match="invalid config"):
        data.save_config(config, text.replace("[company]", "[compny]"), mtime,
                         user=LOCAL_USER)
    assert data.read_config_text(config)[0] == text
    config.write_text(text + "\n# edited elsewhere\n")
    with pytest.raises(ConfigError, match="changed on disk"):
        data.save_config(config, text, mtime, user=LOCAL_USER)
    text2, mtime2 = data.read_config_text(config)
    data.save_config(config, text2.replace("top = 8", "top = 3"), mtime2, user=LOCAL_USER)
    assert "top = 3" in config.read_text()


def test_feedback_write_has_the_cli_checks(seeded):
    """The dashboard's feedback goes through store.opportunities.add_feedback like the CLI."""
    from trendwatch.errors import StoreError

    url, _config, info = seeded
    with pytest.raises(ValueError, match="unknown verdict"):
        data.write_feedback(url, topic_id=info.topics["swap"], profile=PROFILE, verdict="not-useful")
    with pytest.raises(ValueError, match="mute applies to a topic"):
        data.write_feedback(url, topic_id=info.topics["swap"], profile=PROFILE, verdict="mute",
                            idea_id=info.ideas[1])
    with pytest.raises(StoreError, match="there is no topic 999999"):
        data.write_feedback(url, topic_id=999999, profile=PROFILE, verdict="useful")
    with pytest.raises(StoreError, match="there is no idea"):
        data.write_feedback(url, topic_id=info.topics["swap"], profile=PROFILE, verdict="useful",
                            idea_id=999999)
    with data.store(url).connect() as conn:
        assert conn.execute(select(feedback).where(feedback.c.topic_id == 999999)).first() is None
