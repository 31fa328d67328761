"""Clusters ↔ topics with stable ids. Pure: previous topics + new clusters in, decisions out.

One-to-one matching (Hungarian, scipy's linear_sum_assignment) on member overlap
and centroid cosine; the rest becomes splits, merges, returns of dormant topics
and new topics. Thresholds follow BERTopic/BERTrend defaults for MiniLM vectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from trendwatch.models import PriorTopic

MATCH_OVERLAP = 0.5     # share of the smaller member set found in the other
MATCH_COSINE = 0.70     # centroid cosine that identifies the same topic
SPLIT_COSINE = 0.85     # an unmatched cluster this close to a matched topic split from it
SPLIT_OVERLAP = 0.3     # … or holding this share of its members from that topic
MERGE_OVERLAP = 0.5     # an unmatched topic whose members went this much into one cluster
JOIN_COSINE = 0.55      # between full re-clusterings, a new item joins its nearest topic


@dataclass
class NewCluster:
    label: int
    centroid: np.ndarray
    members: frozenset[str]


@dataclass
class TrackResult:
    topic_of: dict[int, int | None]                        # cluster label → topic id (None = new)
    lineage: list[tuple[int, int, str]] = field(default_factory=list)  # (cluster label|topic, related, relation)
    new_splits: dict[int, int] = field(default_factory=dict)     # cluster label → topic it split from
    merged: dict[int, int] = field(default_factory=dict)         # topic id → cluster label it merged into
    returned: list[int] = field(default_factory=list)            # dormant topics that came back
    gone: list[int] = field(default_factory=list)                # topics without a cluster now


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def track(priors: list[PriorTopic], clusters: list[NewCluster], window_items: set[str]) -> TrackResult:
    """Match ``clusters`` to ``priors``. ``window_items``: every item id of the current window,
    so members that merely left the window do not count against a match."""
    result = TrackResult(topic_of={c.label: None for c in clusters})
    if not clusters:
        result.gone = [p.id for p in priors if not p.dormant]
        return result
    live = [frozenset(p.members & window_items) for p in priors]
    n_p, n_c = len(priors), len(clusters)
    ov = np.zeros((n_p, n_c))
    cos = np.zeros((n_p, n_c))
    if n_p:
        P = np.stack([p.centroid for p in priors])
        C = np.stack([c.centroid for c in clusters])
        cos = P @ C.T
        for i in range(n_p):
            if live[i]:
                for j, cluster in enumerate(clusters):
                    ov[i, j] = overlap(live[i], cluster.members)
    allowed = (ov >= MATCH_OVERLAP) | (cos >= MATCH_COSINE)
    matched_topic: dict[int, int] = {}   # prior index → cluster index
    if n_p and allowed.any():
        # overlap dominates (same items = same topic), cosine breaks ties and finds returns
        gain = np.where(allowed, 2.0 * ov + cos, -1e6)
        rows, cols = linear_sum_assignment(-gain)
        for i, j in zip(rows, cols):
            if allowed[i, j]:
                matched_topic[i] = j
                result.topic_of[clusters[j].label] = priors[i].id
                if priors[i].dormant:
                    result.returned.append(priors[i].id)
                    result.lineage.append((priors[i].id, priors[i].id, "returned"))
    matched_clusters = {j: i for i, j in matched_topic.items()}
    for j, cluster in enumerate(clusters):
        if j in matched_clusters or not n_p:
            continue
        # which matched topic did it come out of?
        best, best_score = None, 0.0
        for i, mj in matched_topic.items():
            share = len(live[i] & cluster.members) / max(len(cluster.members), 1)
            if cos[i, j] >= SPLIT_COSINE or share >= SPLIT_OVERLAP:
                score = share + cos[i, j]
                if score > best_score:
                    best, best_score = i, score
        if best is not None:
            result.new_splits[cluster.label] = priors[best].id
    for i, prior in enumerate(priors):
        if i in matched_topic or prior.dormant:
            continue
        target = None
        if live[i]:
            shares = [len(live[i] & c.members) / len(live[i]) for c in clusters]
            j = int(np.argmax(shares))
            if shares[j] >= MERGE_OVERLAP and j in matched_clusters:
                target = j
        if target is None:
            j = int(np.argmax(cos[i]))
            if cos[i, j] >= SPLIT_COSINE and j in matched_clusters:
                target = j
        if target is not None:
            result.merged[prior.id] = clusters[target].label
        else:
            result.gone.append(prior.id)
    return result


def join_nearest(vectors: np.ndarray, topic_ids: list[int], centroids: np.ndarray,
                 threshold: float = JOIN_COSINE) -> list[tuple[int | None, float]]:
    """(topic id or None, cosine) for each vector: its nearest topic if close enough."""
    if not len(vectors) or not len(topic_ids):
        return [(None, 0.0)] * len(vectors)
    sims = vectors @ centroids.T
    best = sims.argmax(axis=1)
    out: list[tuple[int | None, float]] = []
    for row, j in enumerate(best.tolist()):
        s = float(sims[row, j])
        out.append((topic_ids[j] if s >= threshold else None, s))
    return out
