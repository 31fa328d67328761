import random
from datetime import UTC, datetime, timedelta

from trendwatch.analysis.score import Event, ScoreParams, evidence, score_topics

NOW = datetime(2026, 11, 20, 8, tzinfo=UTC)


def steady(name, n_per_day, outlets, seed, days=7):
    rng = random.Random(seed)
    return [Event(NOW - timedelta(days=days) + timedelta(seconds=rng.uniform(1, days * 86400)),
                  f"{name}-{rng.randrange(outlets)}") for _ in range(int(n_per_day * days))]


def recent(n, outlets, seed, hours=20, story=None):
    rng = random.Random(seed)
    return [Event(NOW - timedelta(hours=rng.uniform(0, hours)), outlets[k % len(outlets)],
                  story=story) for k in range(n)]


def background_topics():
    return {i: steady(f"bg{i}", 10, 8, seed=i) for i in range(8)}


def run(extra):
    topics = background_topics()
    topics.update(extra)
    background = [e for events in topics.values() for e in events]
    return score_topics(topics, background, NOW)


def test_burst_from_many_independent_sources_emerges():
    scores = run({99: recent(40, [f"src{k}" for k in range(15)], seed=1)})
    assert scores[99].status == "emerging"
    assert scores[99].parts["gate_min_sources"] and scores[99].parts["gate_source_share"]
    assert scores[99].emergence > max(s.emergence for t, s in scores.items() if t != 99)
    assert all(s.status != "emerging" for t, s in scores.items() if t != 99)


def test_single_prolific_source_cannot_make_a_topic_emerge():
    scores = run({99: recent(200, ["spam-feed"], seed=2)})
    assert scores[99].status != "emerging"
    assert scores[99].distinct_sources == 1
    assert not scores[99].parts["gate_min_sources"]


def test_one_dominant_source_with_a_few_others_is_gated():
    events = recent(60, ["loud"], seed=3) + recent(3, ["a", "b", "c"], seed=4)
    scores = run({99: events})
    assert scores[99].parts["top_source_share"] > 0.6
    assert scores[99].status != "emerging"


def test_wire_story_copied_by_many_outlets_counts_once():
    copies = recent(20, [f"outlet{k}" for k in range(20)], seed=5, story=1234)
    bins = evidence(copies, NOW, ScoreParams())
    assert sum(len(v) for v in bins.values()) == 1
    assert run({99: copies})[99].status != "emerging"


def test_fading_topic():
    old = [e for e in steady("old", 30, 12, seed=6) if e.at < NOW - timedelta(days=2)]
    scores = run({99: old + recent(1, ["x"], seed=7)})
    assert scores[99].status == "fading"
    assert scores[99].growth_7d < 0


def test_steady_topics_are_established_not_emerging():
    scores = run({})
    assert {s.status for s in scores.values()} == {"established"}


def test_false_alarms_controlled_over_many_steady_topics():
    topics = {i: steady(f"t{i}", 6, 10, seed=100 + i) for i in range(200)}
    background = [e for events in topics.values() for e in events]
    scores = score_topics(topics, background, NOW)
    assert sum(s.status == "emerging" for s in scores.values()) <= 2


def test_pure_and_deterministic():
    extra = {99: recent(40, [f"src{k}" for k in range(15)], seed=1)}
    a, b = run(dict(extra)), run(dict(extra))
    assert {k: (v.status, v.emergence) for k, v in a.items()} == \
        {k: (v.status, v.emergence) for k, v in b.items()}


def test_signals_and_parts_are_complete():
    scores = run({99: recent(40, [f"src{k}" for k in range(15)], seed=1)})
    assert scores[99].signal == "strong"
    assert {s.signal for s in scores.values()} <= {"strong", "weak", "noise"}
    for key in ("surprise", "p_value", "q_value", "expected_recent", "recent_sources_per_bin",
                "top_source_share", "popularity"):
        assert key in scores[99].parts
