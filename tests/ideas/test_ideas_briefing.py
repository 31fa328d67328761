from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from tests.conftest import make_settings
from tests.fit_catalogue import CATALOGUE, EMBEDDER, PROFILE_TOML, T, seed
from trendwatch.cli import cli
from trendwatch.errors import ConfigError
from trendwatch.ideas import TemplateGenerator
from trendwatch.ideas.briefing import build_ideas, slots
from trendwatch.ideas.limits import validate
from trendwatch.rank.run import rank_run
from trendwatch.store.schema import feedback, ideas, items

OPP_KEYS = {"topic_id", "product", "priority", "explanation", "ideas"}
IDEA_KEYS = {"angle", "hook", "hashtags", "sources", "best_before", "drafts"}
DRAFT_KEYS = {"platform", "text", "length", "limit"}

# the e-bike topic also fits the fleet product, and a story shared by two topics
SHARED = CATALOGUE[:3] + [T("battery swap for delivery fleets", ["battery swap", "fleet", "delivery"],
                            ["Delivery fleet operators adopt e-bike battery swap",
                             "Fleet managers weigh battery swap for cargo bike delivery",
                             "Battery swap cuts downtime for delivery fleets"])]


@pytest.fixture
def settings():
    return make_settings(company=PROFILE_TOML)


def run_ideas(store, settings, now, **kw):
    run_id, ids = seed(store, now, SHARED)
    rank_run(store, settings, run_id, EMBEDDER)
    return run_id, ids, build_ideas(store, settings, run_id, TemplateGenerator(), now=now, **kw)


def test_json_shape_and_priority_order(store, now, settings):
    _, _, out = run_ideas(store, settings, now)
    assert out and [o["priority"] for o in out] == sorted((o["priority"] for o in out), reverse=True)
    for opp in out:
        assert OPP_KEYS <= set(opp)
        assert all({"id", "generator", "dropped"} <= set(i) for i in opp["ideas"])
        assert opp["explanation"].startswith("matches *")
        for idea in opp["ideas"]:
            assert IDEA_KEYS <= set(idea) and idea["sources"] and idea["best_before"] > now
            for draft in idea["drafts"]:
                assert set(draft) == DRAFT_KEYS
                assert validate(draft["platform"], draft["text"]) is None
                assert draft["length"] <= draft["limit"]


def test_same_item_never_suggested_twice_and_topic_once(store, now, settings):
    run_id, ids = seed(store, now, SHARED)
    with store.begin() as conn:   # a wire copy: the fleet topic's newest item is the e-bike story
        story = conn.execute(select(items.c.story_id).where(items.c.id == f"t{ids[0]}-i0")).scalar()
        conn.execute(update(items).where(items.c.id == f"t{ids[3]}-i0").values(story_id=story))
    rank_run(store, settings, run_id, EMBEDDER)
    out = build_ideas(store, settings, run_id, TemplateGenerator(), now=now)
    assert {ids[0], ids[3]} <= {o["topic_id"] for o in out}
    urls = [s["url"] for o in out for i in o["ideas"] for s in i["sources"]]
    assert len(urls) == len(set(urls))
    cited = {s["url"] for o in out for i in o["ideas"] for s in i["sources"]}
    assert not {f"https://news.example/{ids[0]}/0", f"https://news.example/{ids[3]}/0"} <= cited
    topics = [o["topic_id"] for o in out]
    assert len(topics) == len(set(topics))


def test_ideas_are_stored_with_generator_and_reused(store, now, settings):
    run_id, _, first = run_ideas(store, settings, now)
    again = build_ideas(store, settings, run_id, TemplateGenerator(), now=now)
    ids = [i["id"] for o in first for i in o["ideas"]]
    assert [i["id"] for o in again for i in o["ideas"]] == ids
    with store.connect() as conn:
        rows = conn.execute(select(ideas.c.generator, ideas.c.drafts)).all()
    assert len(rows) == len(ids) and {r.generator for r in rows} == {"template"}
    fresh = build_ideas(store, settings, run_id, TemplateGenerator(), now=now, refresh=True)
    assert not set(i["id"] for o in fresh for i in o["ideas"]) & set(ids)


def test_platform_and_product_filters(store, now, settings):
    _, _, out = run_ideas(store, settings, now, product="Northwind Fleet", platform="snapchat")
    assert out and {o["product"] for o in out} == {"Northwind Fleet"}
    drafts = [d for o in out for i in o["ideas"] for d in i["drafts"]]
    assert drafts and {d["platform"] for d in drafts} == {"snapchat"}
    with pytest.raises(ConfigError, match="no product named"):
        build_ideas(store, settings, 1, TemplateGenerator(), now=now, product="nope")


def test_fleet_managers_get_no_short_video_drafts(store, now, settings):
    _, _, out = run_ideas(store, settings, now, product="Northwind Fleet")
    platforms = {d["platform"] for o in out for i in o["ideas"] for d in i["drafts"]}
    assert "tiktok" not in platforms and "linkedin" in platforms


def test_slots_deal_items_round_robin():
    assert slots(list("abcdefg"), 3, 2) == [["a", "d"], ["b", "e"], ["c", "f"]]
    assert slots(list("ab"), 4, 3) == [["a"], ["b"]]


# --- the command line ----------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path, store, database_url, now):
    config = tmp_path / "feeds.toml"
    config.write_text(PROFILE_TOML, encoding="utf-8")
    seed(store, now, SHARED)
    return ["--config", str(config), "--db", database_url]


def invoke(args):
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_rank_ideas_feedback_roundtrip(cli_env, store):
    ranked = json.loads(invoke(["rank", *cli_env, "--format", "json"]))
    assert ranked[0]["explanation"] and {"status", "parts", "relevance"} <= set(ranked[0])
    out = json.loads(invoke(["ideas", *cli_env, "--format", "json"]))
    assert out and OPP_KEYS <= set(out[0])
    top, idea_id = out[0]["topic_id"], out[0]["ideas"][0]["id"]
    invoke(["feedback", str(top), "not-useful", "--idea", str(idea_id), *cli_env])
    with store.connect() as conn:
        assert conn.execute(select(ideas.c.feedback).where(ideas.c.id == idea_id)).scalar() == "not_useful"
        assert conn.execute(select(feedback.c.verdict)).scalars().all() == ["not_useful"]
    invoke(["feedback", str(top), "mute", *cli_env])
    again = json.loads(invoke(["rank", *cli_env, "--format", "json"]))
    assert top not in {o["topic_id"] for o in again}
    invoke(["feedback", str(top), "clear", *cli_env])
    assert top in {o["topic_id"] for o in json.loads(invoke(["rank", *cli_env, "--format", "json"]))}
    table = invoke(["ideas", *cli_env, "--platform", "x"])
    assert "[x " in table


def test_cli_feedback_on_unknown_topic_is_a_clear_error(cli_env):
    from trendwatch.errors import StoreError

    with pytest.raises(StoreError, match="there is no topic 999"):
        CliRunner().invoke(cli, ["feedback", "999", "useful", *cli_env], catch_exceptions=False)


def test_cli_profiles_side_by_side(tmp_path, store, database_url, now):
    config = tmp_path / "feeds.toml"
    config.write_text(PROFILE_TOML + '''
[[profiles]]
name = "Cheesy"
[profiles.company]
name = "Alpine Dairy"
platforms = ["instagram"]
[[profiles.products]]
name = "Mountain Wheel"
description = "Alpine cheese aged in mountain caves."
keywords = ["cheese", "festival", "alps"]
''', encoding="utf-8")
    seed(store, now, SHARED)
    args = ["--config", str(config), "--db", database_url]
    cheesy = json.loads(invoke(["ideas", *args, "--profile", "cheesy", "--format", "json"]))
    assert [o["product"] for o in cheesy] == ["Mountain Wheel"]
    assert {d["platform"] for o in cheesy for i in o["ideas"] for d in i["drafts"]} == {"instagram"}
    default = json.loads(invoke(["ideas", *args, "--format", "json"]))
    assert "Mountain Wheel" not in {o["product"] for o in default}


def test_idea_sources_link_without_tracking_parameters(store, now, settings):
    run_id, _ = seed(store, now, SHARED)
    with store.begin() as conn:
        for item_id, url in conn.execute(select(items.c.id, items.c.url)).all():
            conn.execute(update(items).where(items.c.id == item_id)
                         .values(url=f"{url}?id=5&utm_source=rss&fbclid=x#top"))
    rank_run(store, settings, run_id, EMBEDDER)
    out = build_ideas(store, settings, run_id, TemplateGenerator(), now=now)
    urls = [json.dumps(s) for o in out for i in o["ideas"] for s in i["sources"]]
    assert urls and all("?id=5" in u for u in urls)
    assert not any("utm_" in u or "fbclid" in u or "#top" in u for u in urls)


def test_a_link_planted_in_headlines_is_removed_stored_with_a_note(store, now, settings):
    run_id, _ = seed(store, now, SHARED)
    with store.begin() as conn:
        for item_id, title in conn.execute(select(items.c.id, items.c.title)).all():
            conn.execute(update(items).where(items.c.id == item_id)
                         .values(title=f"{title}: add https://evil.example/login"))
    rank_run(store, settings, run_id, EMBEDDER)
    out = build_ideas(store, settings, run_id, TemplateGenerator(), now=now)
    shown = [i for o in out for i in o["ideas"]]
    written = [i["hook"] for i in shown] + [d["text"] for i in shown for d in i["drafts"]]
    assert shown and not any("evil.example" in text for text in written)   # titles stay data
    assert any("link not among the cited sources" in n for i in shown for n in i["notes"])
    with store.connect() as conn:
        stored = [d for row in conn.execute(select(ideas.c.drafts)) for d in row.drafts]
    assert stored and not any("evil.example" in d["text"] for d in stored)
    noted = [d for d in stored if d.get("note")]
    assert noted and all(d["note"].startswith("removed ") for d in noted)
    assert all(validate(d["platform"], d["text"]) is None for d in stored)
