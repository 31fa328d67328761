"""Emergence: a pure function of topic histories and ``now``.

Evidence is counted in *independent sources*, not items: items of one story
(near-duplicates, wire copies) collapse to the story's first outlet, and within a
time bin each outlet counts once — a prolific feed or a wire story copied 20 times
is one source. A topic's recent count is compared with what its share of the
baseline predicts (Poisson tail, scipy.stats); Benjamini–Hochberg across all
topics of the run keeps false alarms in check; gates on source diversity stop a
single source from making a topic emerge. Popularity with exponential decay and
run-wide percentiles give BERTrend-style strong / weak / noise signals.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from scipy.stats import false_discovery_control, poisson

STATUSES = ("emerging", "watch", "established", "fading")
SIGNALS = ("strong", "weak", "noise")


@dataclass(frozen=True)
class Event:
    """One item of a topic: when, from which outlet/account, in which story (None = its own)."""

    at: datetime
    outlet: str
    story: int | str | None = None
    platform: str = ""


@dataclass(frozen=True)
class ScoreParams:
    window: timedelta = timedelta(days=7)
    bin: timedelta = timedelta(hours=6)
    recent: timedelta = timedelta(hours=24)
    min_sources: int = 3            # gate: distinct sources in the recent period
    max_source_share: float = 0.6   # gate: no source above this share of recent stories
    fdr: float = 0.05               # Benjamini–Hochberg level across the run's topics
    min_surprise: float = 2.0       # −log10 p the raw tail must also reach
    prior_units: float = 10.0       # pseudo-count pulling thin baselines to a uniform share
    half_life: timedelta = timedelta(hours=24)  # popularity decay (BERTrend)
    fading_ratio: float = 0.5       # recent rate below this share of the baseline rate
    established_days: float = 0.5   # active in this share of the window's days


@dataclass
class TopicScore:
    status: str
    signal: str
    emergence: float
    growth_24h: float | None
    growth_7d: float | None
    distinct_sources: int
    distinct_stories: int
    platforms: dict[str, int]
    parts: dict[str, float | int | bool | str | None] = field(default_factory=dict)


def evidence(events: Iterable[Event], now: datetime, params: ScoreParams) -> dict[int, set[str]]:
    """bin index (0 = the bin ending at ``now``) → outlets that started a story in it."""
    first: dict[object, Event] = {}
    for e in events:
        if e.at > now or e.at <= now - params.window:
            continue
        key = ("story", e.story) if e.story is not None else ("item", id(e))
        if key not in first or (e.at, e.outlet) < (first[key].at, first[key].outlet):
            first[key] = e
    bins: dict[int, set[str]] = defaultdict(set)
    width = params.bin.total_seconds()
    for e in first.values():
        bins[int((now - e.at).total_seconds() // width)].add(e.outlet)
    return bins


def _units(bins: Mapping[int, set[str]], lo: int, hi: int) -> int:
    return sum(len(v) for k, v in bins.items() if lo <= k < hi)


def score_topics(topics: Mapping[int, list[Event]], background: list[Event], now: datetime,
                 params: ScoreParams = ScoreParams()) -> dict[int, TopicScore]:
    """Score every topic of a run. ``background``: all items of the window (clustered or not)."""
    n_recent = max(1, round(params.recent / params.bin))
    n_window = max(n_recent + 1, round(params.window / params.bin))
    bg = evidence(background, now, params)
    total_recent = _units(bg, 0, n_recent)
    total_base = _units(bg, n_recent, n_window)
    k = max(len(topics), 1)
    decay = math.log(2) / params.half_life.total_seconds()
    raw: dict[int, dict] = {}
    for tid, events in topics.items():
        inwin = [e for e in events if now - params.window < e.at <= now]
        bins = evidence(inwin, now, params)
        recent = _units(bins, 0, n_recent)
        base = _units(bins, n_recent, n_window)
        share = (base + params.prior_units / k) / (total_base + params.prior_units)
        expected = max(share * total_recent, 1e-3)
        pvalue = float(poisson.sf(recent - 1, expected)) if recent > 0 else 1.0
        surprise = -math.log10(max(pvalue, 1e-300))
        recent_cut = now - params.recent
        recent_events = [e for e in inwin if e.at > recent_cut]
        recent_outlets = {o for b, outs in bins.items() if b < n_recent for o in outs}
        story_outlets: dict[object, str] = {}
        for e in sorted(recent_events, key=lambda e: (e.at, e.outlet)):
            story_outlets.setdefault(("s", e.story) if e.story is not None else ("i", id(e)), e.outlet)
        per_outlet: dict[str, int] = defaultdict(int)
        for outlet in story_outlets.values():
            per_outlet[outlet] += 1
        top_share = max(per_outlet.values()) / len(story_outlets) if story_outlets else 0.0
        prev = _units(bins, n_recent, 2 * n_recent)
        half = n_window // 2
        first_half, second_half = _units(bins, half, n_window), _units(bins, 0, half)
        days_active = len({b * params.bin / timedelta(days=1) // 1 for b in bins})
        window_days = params.window / timedelta(days=1)
        popularity = sum(math.exp(-decay * (now - e.at).total_seconds()) * 1.0
                         for e in _first_per_story(inwin))
        platforms: dict[str, int] = defaultdict(int)
        for e in inwin:
            platforms[e.platform or "unknown"] += 1
        raw[tid] = dict(
            recent=recent, base=base, expected=expected, pvalue=pvalue, surprise=surprise,
            recent_sources=len(recent_outlets), top_source_share=top_share,
            top_source=max(per_outlet, key=per_outlet.__getitem__) if per_outlet else None,
            growth_24h=(recent - prev) / max(prev, 1),
            growth_7d=(second_half - first_half) / max(first_half, 1),
            base_rate=base / max(n_window - n_recent, 1), recent_rate=recent / n_recent,
            days_active=days_active, window_days=window_days, popularity=popularity,
            distinct_sources=len({o for outs in bins.values() for o in outs}),
            distinct_stories=len({("s", e.story) if e.story is not None else ("i", id(e))
                                  for e in inwin}),
            platforms=dict(platforms), size=len(inwin),
        )
    ids = list(raw)
    if not ids:
        return {}
    pvals = np.array([raw[t]["pvalue"] for t in ids])
    qvals = false_discovery_control(pvals, method="bh") if len(ids) > 1 else pvals
    pops = np.array([raw[t]["popularity"] for t in ids])
    p10, p50 = (np.percentile(pops, 10), np.percentile(pops, 50)) if len(ids) > 1 else (0.0, 0.0)
    out: dict[int, TopicScore] = {}
    for tid, q in zip(ids, qvals.tolist()):
        r = raw[tid]
        gate_sources = r["recent_sources"] >= params.min_sources
        gate_share = r["top_source_share"] <= params.max_source_share
        significant = q <= params.fdr and r["surprise"] >= params.min_surprise
        rising = r["recent"] > r["expected"]
        if gate_sources and gate_share and significant and rising:
            status = "emerging"
        elif r["base"] >= params.min_sources and r["recent_rate"] < params.fading_ratio * r["base_rate"]:
            status = "fading"
        elif (r["days_active"] >= params.established_days * r["window_days"]
              and r["distinct_sources"] >= params.min_sources):
            status = "established"
        else:
            status = "watch"
        pop = r["popularity"]
        if len(ids) > 1 and pop > p50:
            signal = "strong"
        elif len(ids) > 1 and pop >= p10 and r["growth_24h"] > 0:
            signal = "weak"
        elif len(ids) == 1:
            signal = "strong" if pop > 0 else "noise"
        else:
            signal = "noise"
        gate_factor = 1.0 if (gate_sources and gate_share) else 0.25
        emergence = round(r["surprise"] * gate_factor * (1.0 if rising else 0.1), 4)
        parts = {
            "recent_sources_per_bin": r["recent"], "baseline_sources_per_bin": r["base"],
            "expected_recent": round(r["expected"], 4), "p_value": r["pvalue"],
            "q_value": q, "surprise": round(r["surprise"], 4),
            "gate_min_sources": gate_sources, "gate_source_share": gate_share,
            "recent_distinct_sources": r["recent_sources"],
            "top_source": r["top_source"], "top_source_share": round(r["top_source_share"], 4),
            "gate_factor": gate_factor, "rising": rising, "significant": significant,
            "popularity": round(pop, 4), "popularity_p10": round(float(p10), 4),
            "popularity_p50": round(float(p50), 4), "days_active": r["days_active"],
            "bin_hours": params.bin / timedelta(hours=1),
            "recent_hours": params.recent / timedelta(hours=1),
        }
        out[tid] = TopicScore(status=status, signal=signal, emergence=emergence,
                              growth_24h=round(r["growth_24h"], 4),
                              growth_7d=round(r["growth_7d"], 4),
                              distinct_sources=r["distinct_sources"],
                              distinct_stories=r["distinct_stories"],
                              platforms=r["platforms"], parts=parts)
    return out


def _first_per_story(events: Iterable[Event]) -> list[Event]:
    first: dict[object, Event] = {}
    for e in events:
        key = ("s", e.story) if e.story is not None else ("i", id(e))
        if key not in first or e.at < first[key].at:
            first[key] = e
    return list(first.values())
