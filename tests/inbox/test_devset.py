"""Quality gate on the hand-written sets (bench/data): not a timing test."""

from __future__ import annotations

import pytest

from trendwatch.bench.inbox import evaluate, load


@pytest.mark.parametrize("name", ["blind", "holdout", "dev"])
def test_complaint_precision_and_recall(name):
    result = evaluate(load(name))
    complaint = result["complaint"]
    assert complaint["precision"] >= 0.80, result["mistakes"]
    assert complaint["recall"] >= 0.80, result["mistakes"]


def test_sets_are_varied():
    rows = load("dev")
    assert len(rows) >= 300
    assert {r.lang for r in rows} == {"en", "de", "es", "fr", "ar"}
    assert {r.category for r in rows} == {"complaint", "question", "praise", "lead", "other"}
    assert len({r.domain for r in rows}) >= 6
    dev_texts = {r.message.text for r in rows}
    assert not dev_texts & {r.message.text for r in load("holdout")}
    assert not dev_texts & {r.message.text for r in load("blind")}


def test_bench_figures_shape():
    from trendwatch.bench.inbox import figures

    report = {"dev": evaluate(load("dev")), "throughput": {"one_process_msgs_per_s": 900.0,
                                                           "two_processes_msgs_per_s": 1700.0}}
    rows = figures(report)
    assert {r["figure"].split(" (")[0] for r in rows} >= {"inbox complaint precision",
                                                          "inbox triage throughput"}
    assert all(r["target"] for r in rows)
