from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from tests.conftest import make_settings
from tests.fit_catalogue import CATALOGUE, EMBEDDER, PROFILE_TOML, T, seed
from trendwatch.config.schema import RankSettings
from trendwatch.errors import AnalysisError
from trendwatch.models import Mark, TopicFacts
from trendwatch.rank import relevance as rank
from trendwatch.rank.run import rank_run
from trendwatch.store import opportunities as fit_rows
from trendwatch.store.schema import opportunities


@pytest.fixture
def settings():
    return make_settings(company=PROFILE_TOML)


def by_topic(found, product=None):
    return [o.label for o in found if product is None or o.product == product]


def test_relevant_topic_beats_irrelevant_with_same_emergence(store, now, settings):
    run_id, _ = seed(store, now)
    found = rank_run(store, settings, run_id, EMBEDDER)["Northwind Mobility"]
    flow = by_topic(found, "Northwind Flow")
    assert flow[0] == "e-bike battery swap"
    assert "cheese festival" not in by_topic(found)          # below min relevance
    fleet = by_topic(found, "Northwind Fleet")
    assert fleet[0] == "cargo bike delivery"


def test_avoid_terms_never_surface(store, now, settings):
    run_id, _ = seed(store, now)
    found = rank_run(store, settings, run_id, EMBEDDER)["Northwind Mobility"]
    assert not any("politics" in label for label in by_topic(found))
    # without the avoid list the same topic is a strong match for the e-bike
    relaxed = make_settings(company=PROFILE_TOML.replace('avoid = ["politics", "accidents"]', "avoid = []"))
    found = rank_run(store, relaxed, run_id, EMBEDDER)["Northwind Mobility"]
    assert "election e-bike subsidy politics" in by_topic(found, "Northwind Flow")


def test_avoid_by_meaning(now):
    params = RankSettings(avoid_similarity=0.3)
    vec = EMBEDDER.embed(["road safety crash injuries"])[0]
    topic = TopicFacts(1, "collision on main street", keywords=["collision"], centroid=vec)
    avoid_vectors = EMBEDDER.embed(["road safety crash"])
    assert rank.avoided_by(topic, ["road safety crash"], avoid_vectors, params) == "road safety crash"
    assert rank.avoided_by(topic, ["cheese"], EMBEDDER.embed(["cheese"]), params) is None


def test_explanation_names_product_terms_and_reach(store, now, settings):
    run_id, _ = seed(store, now)
    found = rank_run(store, settings, run_id, EMBEDDER)["Northwind Mobility"]
    top = found[0]
    assert top.explanation.startswith(f"matches *{top.product}* on: ")
    assert "sources in 24 h" in top.explanation
    assert set(top.parts) >= {"cosine", "similarity", "evidence", "matched", "emergence_norm", "feedback"}


def test_feedback_changes_order_on_next_run(store, now, settings):
    run_id, topic_ids = seed(store, now)
    first = rank_run(store, settings, run_id, EMBEDDER)["Northwind Mobility"]
    swap_id, cargo_id = topic_ids[0], topic_ids[2]
    flow = [o for o in first if o.product == "Northwind Flow"]
    assert flow[0].topic_id == swap_id
    with store.begin() as conn:
        fit_rows.add_feedback(conn, swap_id, "not_useful", profile="Northwind Mobility",
                              idea_id=None, now=now)
        fit_rows.add_feedback(conn, cargo_id, "useful", profile=None, idea_id=None, now=now)
    second = rank_run(store, settings, run_id, EMBEDDER)["Northwind Mobility"]
    before = {(o.topic_id, o.product): o.priority for o in first}
    after = {(o.topic_id, o.product): o.priority for o in second}
    assert after[(swap_id, "Northwind Flow")] < before[(swap_id, "Northwind Flow")]
    assert after[(cargo_id, "Northwind Fleet")] > before[(cargo_id, "Northwind Fleet")]
    assert second[0].topic_id == cargo_id                  # the order overall changed
    with store.begin() as conn:
        fit_rows.add_feedback(conn, cargo_id, "mute", profile="Northwind Mobility", idea_id=None, now=now)
    third = rank_run(store, settings, run_id, EMBEDDER)["Northwind Mobility"]
    assert cargo_id not in {o.topic_id for o in third}
    with store.connect() as conn:
        stored = conn.execute(select(opportunities.c.topic_id).where(opportunities.c.run_id == run_id)).scalars().all()
    assert cargo_id not in stored and swap_id in stored


def test_feedback_of_another_profile_does_not_count(now):
    topic = TopicFacts(1, "x", centroid=np.ones(4, dtype=np.float32))
    assert rank.feedback_factor(topic, []) == 1.0
    assert rank.feedback_factor(topic, [Mark(1, "useful")]) == pytest.approx(1.25)
    assert rank.feedback_factor(topic, [Mark(1, "mute")]) is None
    lookalike = Mark(2, "not_useful", np.ones(4, dtype=np.float32))
    assert rank.feedback_factor(topic, [lookalike]) == pytest.approx(0.6 ** 0.5)


def test_keyword_matching_folds_hyphens_plurals_and_hashtags():
    topic = TopicFacts(1, "E-Bikes boom", keywords=["cargo bikes"], hashtags=["lastmile"])
    hay = rank.topic_haystack(topic)
    assert hay.has("e-bike") and hay.has("ebike") and hay.has("cargo bike") and hay.has("last mile")
    assert not hay.has("bike lane")


def test_priority_follows_the_design_formula():
    params = RankSettings()
    assert rank.emergence_part(0.0, "fading", params) == rank.STATUS_FLOOR["fading"]
    assert rank.emergence_part(2.0, "watch", params) == pytest.approx(0.5)
    assert rank.priority(0.8, 0.5) == pytest.approx(0.8 ** 0.6 * 0.5 ** 0.4)
    # more emergence, same relevance → higher priority
    assert rank.priority(0.5, rank.emergence_part(8, "emerging", params)) > rank.priority(
        0.5, rank.emergence_part(1, "emerging", params))


def test_model_mismatch_is_refused(store, now, settings):
    run_id, _ = seed(store, now)
    from trendwatch.analysis.embed.base import HashingEmbedder

    with pytest.raises(AnalysisError, match="analysed with model"):
        rank_run(store, settings, run_id, HashingEmbedder(64))


def test_arabic_topic_matches_arabic_keywords(store, now):
    settings = make_settings(company='''
[company]
name = "Sahara Rides"
platforms = ["x"]
[[products]]
name = "Sahara Bike"
description = "دراجة كهربائية للمدينة"
keywords = ["دراجة كهربائية"]
''')
    catalogue = [T("دراجة كهربائية", ["دراجة كهربائية"], ["إطلاق دراجة كهربائية جديدة في الرياض"] * 3),
                 CATALOGUE[1]]
    run_id, ids = seed(store, now, catalogue)
    found = rank_run(store, settings, run_id, EMBEDDER)["Sahara Rides"]
    assert [o.topic_id for o in found] == [ids[0]]
    assert "دراجة كهربائية" in found[0].explanation
