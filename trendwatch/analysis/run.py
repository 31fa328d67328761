"""The analysis run: embed → cluster (or join) → track → label → score → store.

The imperative shell around the pure stages. ``analyze()`` is what the CLI, the
scheduler and the backtest call. A run is atomic: vectors are committed as they
are computed (they are facts about items, valid whatever happens next), but
topics, snapshots, lineage and assignments of a run are written in ONE
transaction that also flips the run to ``ok`` — a crash leaves the previous run
as the latest good one. With ``publish=False`` (the pipeline, which ranks and writes
ideas next) that transaction flips it to ``analysed`` instead: not visible until the
pipeline publishes it. Re-running at the same ``as_of`` over the same items and
parameters returns the existing run (idempotent).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np

from trendwatch.analysis.cluster import Clusterer, make_clusterer, normalize
from trendwatch.analysis.embed.base import Embedder, choose_model
from trendwatch.analysis.embed.sentence import load_embedder
from trendwatch.analysis.headline import source_title
from trendwatch.analysis.label import TopicDocs, label_topics, stable_label
from trendwatch.analysis.score import Event, ScoreParams, score_topics
from trendwatch.analysis.track import JOIN_COSINE, NewCluster, join_nearest, track
from trendwatch.config.schema import Settings
from trendwatch.errors import AnalysisError, DimensionMismatch
from trendwatch.models import Label, PriorTopic, RunSummary
from trendwatch.store import Store
from trendwatch.store import runs as db

Progress = Callable[[str, int, int | None], None]   # (stage, done, total)


def score_params(settings: Settings) -> ScoreParams:
    a = settings.analysis
    return ScoreParams(window=a.window, bin=a.bin, recent=a.recent, min_sources=a.min_sources,
                       max_source_share=a.max_source_share)


def embedder_for_window(store: Store, settings: Settings, now: datetime,
                        log: Callable[[str], None] | None = None) -> Embedder:
    """The embedder for the window ending at ``now``: ``[analysis] model``, or with "auto" the
    model the window's language mix calls for (``choose_model``); the choice is logged."""
    previous = db.latest_run(store, before=now)
    choice = choose_model(settings.analysis.model,
                          db.window_languages(store, now - settings.analysis.window, now),
                          previous["model_id"] if previous else None)
    if log and settings.analysis.model != choice.model:
        log(f"model {choice.model} ({choice.reason})")
    return load_embedder(settings, str(store.engine.url), model=choice.model, log=log)


def analyze(store: Store, settings: Settings, now: datetime, embedder: Embedder | None = None, *,
            clusterer: Clusterer | None = None, full: bool | None = None,
            progress: Progress | None = None, log: Callable[[str], None] | None = None,
            publish: bool = True) -> RunSummary:
    """Run the analysis as of ``now`` (aware UTC) and return its summary. ``publish=False``
    leaves the run analysed (invisible) for the caller to publish (store.runs.publish_run)."""
    if now.tzinfo is None:
        raise AnalysisError("analyze needs an aware UTC time for `now`")
    notes: list[str] = []

    def say(message: str) -> None:
        notes.append(message)
        if log:
            log(message)

    report = progress or (lambda stage, done, total: None)
    a = settings.analysis
    if embedder is None:
        embedder = embedder_for_window(store, settings, now, log=say)
    timings: dict[str, float] = {}
    start = now - a.window
    clock = time.perf_counter()
    window = db.load_window(store, start, now)
    ids = [w["id"] for w in window]

    # 1. embed what has no vector for this model
    missing = db.missing_embeddings(store, ids, embedder.model_id)
    if missing:
        others = db.other_models(store, embedder.model_id)
        if others and len(missing) == len(ids):
            say(f"model changed to {embedder.model_id} (vectors exist for {', '.join(others)}): "
                f"re-embedding {len(missing)} items")
        by_id = {w["id"]: w for w in window}
        missing_set = set(missing)
        have = next((i for i in ids if i not in missing_set), None)
        stored_dim = db.load_vectors(store, [have], embedder.model_id).shape[1] if have else None
        done = 0
        report("embed", 0, len(missing))
        for chunk_start in range(0, len(missing), 512):
            chunk = missing[chunk_start:chunk_start + 512]
            vectors = embedder.embed([item_text(by_id[i]) for i in chunk])
            check_dimension(embedder.model_id, vectors.shape[1], stored_dim)
            db.save_embeddings(store, chunk, embedder.model_id, vectors)
            done += len(chunk)
            report("embed", done, len(missing))
    timings["embed"] = time.perf_counter() - clock

    params = run_params(settings, embedder.model_id)
    fingerprint = hashlib.sha1(json.dumps([params, sorted(ids)], sort_keys=True,
                                          default=str).encode()).hexdigest()
    previous = db.latest_run(store, before=now)
    if previous and previous["as_of"] == now and previous["params"].get("fingerprint") == fingerprint:
        return db.summary_of(store, previous, notes + ["already analysed: same as-of, items and settings"])
    run_id = db.start_run(store, now, start, embedder.model_id, dict(params, fingerprint=fingerprint))
    try:
        summary = _analyze(store, settings, now, embedder, window, run_id, previous, clusterer, full,
                           report, say, timings, publish)
        summary.embedded = len(missing)
    except BaseException as exc:
        db.fail_run(store, run_id, f"{type(exc).__name__}: {exc}")
        raise
    summary.notes = notes
    return summary


def _analyze(store, settings, now, embedder, window, run_id, previous, clusterer, full, report, say,
             timings, publish) -> RunSummary:
    a = settings.analysis
    clock = time.perf_counter()
    ids = [w["id"] for w in window]
    vectors = db.load_vectors(store, ids, embedder.model_id)
    priors = db.load_priors(store, previous["id"] if previous else None)
    model_changed = bool(previous and previous.get("model_id") not in (None, embedder.model_id))
    if model_changed:
        priors = rebase_priors(priors, ids, vectors)
    elif priors and len(ids):
        check_dimension(embedder.model_id, vectors.shape[1], len(priors[0].centroid), what="topic "
                        "centroids of the previous run")
    last_full = db.last_full_run(store, before=now)
    if full is None:
        full = (previous is None or last_full is None or not priors
                or now - last_full["as_of"] >= a.recluster_every or now < previous["as_of"]
                or model_changed)
    labels = np.full(len(ids), -1, dtype=np.int64)
    prev_assign = db.load_assignments(store, previous["id"]) if previous and not full else {}
    report("cluster", 0, None)
    if full and len(ids):
        labels = (clusterer or make_clusterer(a.extra)).fit_predict(vectors)
        mode = "full"
    elif len(ids):
        # between full re-clusterings: keep earlier assignments, new items join their nearest topic
        topic_ids = [p.id for p in priors if not p.dormant]
        cents = np.stack([p.centroid for p in priors if not p.dormant]) if topic_ids else np.zeros((0, 1))
        label_of_topic = {t: n for n, t in enumerate(topic_ids)}
        new_rows = [n for n, i in enumerate(ids) if i not in prev_assign]
        joined = join_nearest(vectors[new_rows], topic_ids, cents, JOIN_COSINE)
        for n, i in enumerate(ids):
            if i in prev_assign and prev_assign[i] in label_of_topic:
                labels[n] = label_of_topic[prev_assign[i]]
        for n, (tid, _) in zip(new_rows, joined):
            if tid is not None:
                labels[n] = label_of_topic[tid]
        mode = "incremental"
    else:
        mode = "full"
    timings["cluster"] = time.perf_counter() - clock
    report("cluster", 1, 1)

    clock = time.perf_counter()
    clusters = []
    rows_of: dict[int, np.ndarray] = {}
    for label in sorted(set(labels.tolist()) - {-1}):
        rows = rows_of[label] = np.flatnonzero(labels == label)
        clusters.append(NewCluster(label=label, centroid=normalize(vectors[rows].mean(axis=0)),
                                   members=frozenset(ids[r] for r in rows)))
    if mode == "incremental":
        topic_ids = [p.id for p in priors if not p.dormant]
        tracked = track([], clusters, set(ids))
        tracked.topic_of = {c.label: topic_ids[c.label] for c in clusters}
        tracked.gone = [t for t in topic_ids if t not in set(tracked.topic_of.values())]
    else:
        tracked = track(priors, clusters, set(ids))
    timings["track"] = time.perf_counter() - clock

    clock = time.perf_counter()
    report("label", 0, len(clusters))
    by_row = {i: w for i, w in zip(ids, window)}
    docs = []
    row_of = {i: n for n, i in enumerate(ids)}
    for cluster in clusters:
        rows = rows_of[cluster.label]        # the members in window order
        members = [window[r] for r in rows.tolist()]
        central = central_first(members, vectors[rows], cluster.centroid)
        docs.append(TopicDocs(key=cluster.label, texts=[item_text(m) for m in members],
                              langs=[m["lang"] for m in members],
                              hashtags=[m["hashtags"] or [] for m in members],
                              accounts=[m["outlet"] or m["author"] or "" for m in members],
                              titles=[source_title(m["title"], m["text"]) for m in central],
                              title_outlets=[m["outlet"] for m in central]))
    term_cache: dict[str, np.ndarray] = {}

    def embed_terms(terms: list[str]) -> np.ndarray:
        todo = [t for t in terms if t not in term_cache]
        if todo:
            for t, v in zip(todo, embedder.embed(todo)):
                term_cache[t] = v
        return np.stack([term_cache[t] for t in terms])

    new_labels = label_topics(docs, embed_terms=embed_terms)
    prior_labels = db.load_labels(store, [t for t in tracked.topic_of.values() if t is not None])
    labels_out: dict[int, Label] = {}
    for cluster in clusters:
        tid = tracked.topic_of[cluster.label]
        previous_label = prior_labels.get(tid) if tid is not None else None
        labels_out[cluster.label] = stable_label(previous_label, new_labels[cluster.label])
    timings["label"] = time.perf_counter() - clock
    report("label", len(clusters), len(clusters))

    clock = time.perf_counter()
    events = {c.label: [event_of(by_row[i]) for i in c.members] for c in clusters}
    scores = score_topics(events, [event_of(w) for w in window], now, score_params(settings))
    timings["score"] = time.perf_counter() - clock

    clock = time.perf_counter()
    sims: dict[str, float] = {}   # assignment probability = cosine to the cluster centroid
    for cluster in clusters:
        positions = [row_of[i] for i in cluster.members]
        for i, s in zip(cluster.members, (vectors[positions] @ cluster.centroid).tolist()):
            sims[i] = s
    new_topics = db.write_run(store, run_id=run_id, now=now, mode=mode, clusters=clusters,
                              tracked=tracked, labels=labels_out, scores=scores, sims=sims,
                              by_row=by_row, timings=timings, n_items=len(ids), publish=publish)
    timings["write"] = time.perf_counter() - clock
    statuses: dict[str, int] = {}
    for s in scores.values():
        statuses[s.status] = statuses.get(s.status, 0) + 1
    return RunSummary(run_id=run_id, as_of=now, mode=mode, items=len(ids),
                      embedded=len(ids), clusters=len(clusters), topics=len(clusters),
                      new_topics=new_topics, statuses=statuses, model_id=embedder.model_id,
                      timings={k: round(v, 3) for k, v in timings.items()})


def check_dimension(model_id: str, new: int, stored: int | None,
                    what: str = "vectors stored") -> None:
    """Refuse vectors whose size differs from those already kept under the same model id:
    they cannot be compared, and the store would hold two spaces under one name."""
    if stored is not None and new != stored:
        raise DimensionMismatch(
            f"the embedder answers {new}-d vectors for model id {model_id!r}, but the {what} "
            f"for that id are {stored}-d: the server now serves another model under the same "
            "name. Give the model its own name ([analysis] model), or set [analysis] dimensions "
            f"= {stored} if the server can shorten its vectors")


def rebase_priors(priors: list[PriorTopic], ids: list[str], vectors: np.ndarray) -> list[PriorTopic]:
    """Known topics in the new model's space after a model change: each centroid is the mean
    of its members' new vectors, so tracking still recognises a story across the switch (the
    old centroids live in another space, often of another size). Topics with no member in
    the window cannot be placed and are left out of this run's matching."""
    row_of = {i: n for n, i in enumerate(ids)}
    out = []
    for prior in priors:
        rows = [row_of[i] for i in prior.members if i in row_of]
        if rows:
            out.append(PriorTopic(id=prior.id, centroid=normalize(vectors[rows].mean(axis=0)),
                                  members=prior.members, dormant=prior.dormant))
    return out


def run_params(settings: Settings, model_id: str) -> dict[str, Any]:
    a = settings.analysis
    return {"model": model_id, "window_h": a.window.total_seconds() / 3600,
            "bin_h": a.bin.total_seconds() / 3600, "recent_h": a.recent.total_seconds() / 3600,
            "min_sources": a.min_sources, "max_source_share": a.max_source_share,
            "extra": a.extra}


def central_first(members: list[dict], vectors: np.ndarray, centroid: np.ndarray) -> list[dict]:
    """Members by cosine to their cluster's centroid, highest first (ties: window order) —
    the headline is drawn from the items nearest the story's middle, not its fringe."""
    order = np.argsort(-(vectors @ centroid), kind="stable")
    return [members[n] for n in order.tolist()]


def item_text(row: dict) -> str:
    title, text = (row.get("title") or "").strip(), (row.get("text") or "").strip()
    if title and text and not text.startswith(title[:40]):
        return f"{title}. {text[:1000]}"
    return (title or text)[:1200]


def event_of(row: dict) -> Event:
    return Event(at=row["published_at"], outlet=row["outlet"] or row["author"] or f"item:{row['id']}",
                 story=row["story_id"], platform=row["platform"])


def utcnow() -> datetime:
    return datetime.now(UTC)

