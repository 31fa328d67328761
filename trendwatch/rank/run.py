"""Rank one analysis run: embed products, read the run's topics, write opportunities."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import numpy as np

from trendwatch.analysis.embed.base import Embedder
from trendwatch.config.schema import Product, Settings
from trendwatch.errors import AnalysisError
from trendwatch.models import TopicFacts
from trendwatch.rank.relevance import Opportunity, ProductVector, product_text, rank_topics


def embed_products(products: Sequence[Product], embedder: Embedder) -> list[ProductVector]:
    if not products:
        return []
    vectors = embedder.embed([product_text(p) for p in products])
    return [ProductVector(p, np.asarray(v, dtype=np.float32)) for p, v in zip(products, vectors)]


def rank_run(store, settings: Settings, run_id: int, embedder: Embedder,
             profile: str | None = None) -> dict[str, list[Opportunity]]:
    """Rank one run for one profile (all profiles when None) and write ``opportunities``."""
    from trendwatch.store import opportunities as fit_rows

    with store.connect() as conn:
        run = fit_rows.load_run(conn, run_id)
        topics = fit_rows.load_topic_facts(conn, run_id, run["as_of"] - timedelta(hours=24))
    _check_space(run, topics, embedder)
    profiles = [settings.profile(profile)] if profile else settings.all_profiles()
    results: dict[str, list[Opportunity]] = {}
    for prof in profiles:
        with store.connect() as conn:
            marks = fit_rows.load_marks(conn, prof.name)
        products = embed_products(prof.products, embedder)
        avoid = prof.company.avoid
        avoid_vectors = embedder.embed(list(avoid)) if avoid else None
        results[prof.name] = rank_topics(topics, products, prof, settings.rank, marks, avoid_vectors)
        with store.begin() as conn:
            fit_rows.replace_opportunities(conn, run_id, prof.name, results[prof.name])
    return results


def _check_space(run: dict, topics: Sequence[TopicFacts], embedder: Embedder) -> None:
    """Cosines between vectors of different models mean nothing: refuse instead of guessing."""
    if run.get("model_id") and run["model_id"] != embedder.model_id:
        raise AnalysisError(
            f"run {run['id']} was analysed with model {run['model_id']!r} but ranking was given "
            f"{embedder.model_id!r}; use the same model as [analysis] model")
    for topic in topics:
        if topic.centroid is not None and topic.centroid.shape[0] != embedder.dim:
            raise AnalysisError(
                f"topic {topic.topic_id} has a {topic.centroid.shape[0]}-d centroid but the "
                f"embedder makes {embedder.dim}-d vectors")
