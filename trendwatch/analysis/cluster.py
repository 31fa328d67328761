"""Clustering the analysis window: kNN graph → short UMAP → HDBSCAN → tidy-up.

Measured on News-T / CrisisLex (see README, `make eval`): BERTopic's default
UMAP(5-d, 200 epochs, nndescent kNN) + HDBSCAN spends most of its time building the
kNN graph and optimising the layout. Here the cosine kNN graph is computed exactly
with one chunked matrix product (11k × 384 in ~1 s of BLAS) up to ``exact_knn_max``
items and by NN-descent above (the exact graph is quadratic), the layout gets 30
epochs instead of 200 (cluster structure settles early; extra epochs only polish
the picture), and two cheap steps on the original vectors fix HDBSCAN's known
habits: noise points join the nearest cluster centroid at cosine ≥ ``reassign``,
and clusters whose centroids are ≥ ``merge`` apart in cosine are merged (HDBSCAN
splits one story into several dense blobs).
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from typing import Protocol

import numpy as np


class Clusterer(Protocol):
    """Vectors → labels.

    ``fit_predict(X)`` takes float32[n, dim], rows L2-normalised, and returns
    int[n] labels 0..k-1, −1 for noise. Same input and seed → same labels. Must
    accept any n ≥ 0 (tiny inputs may all be noise).
    """

    def fit_predict(self, X: np.ndarray) -> np.ndarray: ...


@dataclass
class ClusterParams:
    n_neighbors: int = 15
    n_components: int = 5
    n_epochs: int = 30
    min_cluster_size: int = 0          # 0 = auto: n/200 clamped to 5..15
    min_samples: int | None = None
    reassign: float = 0.5              # noise → nearest centroid at this cosine
    merge: float = 0.8                 # clusters with centroid cosine ≥ this merge
    exact_knn_max: int = 20_000        # above: approximate kNN (pynndescent), fed to UMAP
    layout_min: int = 400              # below: no UMAP, HDBSCAN on the vectors themselves
    engine: str = "hdbscan"            # HDBSCAN implementation: "hdbscan" (Boruvka) | "sklearn"
    spectral_max: int = 20_000         # above: UMAP starts from PCA, not a spectral embedding
    seed: int = 42

    def cluster_size(self, n: int) -> int:
        if self.min_cluster_size:
            return self.min_cluster_size
        return int(min(15, max(5, n // 200)))


def exact_knn(X: np.ndarray, k: int, chunk: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Cosine kNN (self included, as UMAP expects) for normalised rows.

    The matrix product is cheap (BLAS); the per-row top-k selection is what costs,
    so chunks run on a thread per core (numpy releases the GIL in argpartition).
    """
    from concurrent.futures import ThreadPoolExecutor

    n = len(X)
    k = min(k, n)
    index = np.empty((n, k), dtype=np.int32)
    dist = np.empty((n, k), dtype=np.float32)

    def one(start: int) -> None:
        sims = X[start:start + chunk] @ X.T
        rows = np.arange(len(sims))
        sims[rows, start + rows] = 2.0  # self first, whatever ties exist
        part = np.argpartition(sims, n - k, axis=1)[:, n - k:]
        part_sims = np.take_along_axis(sims, part, 1)
        order = np.argsort(-part_sims, axis=1, kind="stable")
        index[start:start + chunk] = np.take_along_axis(part, order, 1)
        dist[start:start + chunk] = np.clip(1.0 - np.take_along_axis(part_sims, order, 1), 0.0, 2.0)

    starts = range(0, n, chunk)
    workers = min(len(starts), os.cpu_count() or 1)
    if workers <= 1:
        for start in starts:
            one(start)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(one, starts))
    return index, dist


def approximate_knn(X: np.ndarray, k: int, seed: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """Cosine kNN by NN-descent (pynndescent, installed with UMAP), self included.

    Measured on the scale benchmark's vectors (2 shared cores): at 50k items 1.6 s with
    recall 0.9997 against the exact graph (faiss IVF-flat 15 s at 0.999, faiss HNSW 17 s
    at 0.86, usearch 44 s); at 200k the exact graph is 16× the 50k cost and NN-descent
    about 5×. Its numba kernels compile once per process (~50 s on a quiet machine), which a
    long-running service pays once. One thread with a seed: same input, same graph.
    """
    import pynndescent

    n = len(X)
    k = min(k, n)
    index = pynndescent.NNDescent(X, n_neighbors=k, metric="cosine", random_state=seed,
                                  n_jobs=1, low_memory=True, compressed=True, verbose=False)
    neighbours, distances = index.neighbor_graph
    neighbours = np.asarray(neighbours, dtype=np.int32)
    distances = np.clip(np.asarray(distances, dtype=np.float32), 0.0, 2.0)
    # self is among the neighbours, as UMAP expects (first, or behind exact duplicates at
    # distance 0, which UMAP treats alike)
    return neighbours, distances


def knn_graph(X: np.ndarray, k: int, params: ClusterParams) -> tuple[np.ndarray, np.ndarray]:
    """Exact up to ``params.exact_knn_max`` items (quadratic but one BLAS product), then
    approximate (near-linear)."""
    if len(X) <= params.exact_knn_max:
        return exact_knn(X, k)
    return approximate_knn(X, k, params.seed)


def hdbscan_labels(reduced: np.ndarray, size: int, min_samples: int | None,
                   engine: str = "hdbscan") -> np.ndarray:
    """HDBSCAN (excess of mass) on the layout. The ``hdbscan`` library's Boruvka KD-tree
    builds the minimum spanning tree in ~n log n on the 5-d layout; scikit-learn's port uses
    Prim's algorithm, quadratic in n (measured in the README's scale section)."""
    if engine not in ("hdbscan", "sklearn"):
        raise ValueError(f"unknown HDBSCAN engine {engine!r}: use 'hdbscan' or 'sklearn'")
    if engine == "sklearn" or reduced.shape[1] > 16:
        # also below layout_min, on the vectors themselves: at that size either is instant, and
        # the small-window behaviour (tests/analysis/test_multilingual.py) is scikit-learn's
        from sklearn.cluster import HDBSCAN

        return HDBSCAN(min_cluster_size=size, min_samples=min_samples,
                       cluster_selection_method="eom", copy=True).fit_predict(reduced)
    from trendwatch.analysis.lazy import hdbscan_module

    hdbscan = hdbscan_module()
    model = hdbscan.HDBSCAN(min_cluster_size=size, min_samples=min_samples,
                            cluster_selection_method="eom", algorithm="boruvka_kdtree",
                            core_dist_n_jobs=1, approx_min_span_tree=True)
    return np.asarray(model.fit_predict(np.asarray(reduced, dtype=np.float64)), dtype=np.int64)


def centroids(X: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cluster ids, normalised centroids) of every non-noise cluster."""
    kept = np.flatnonzero(labels >= 0)
    ids = np.unique(labels[kept])
    if not len(ids):
        return ids, np.zeros((0, X.shape[1]), dtype=np.float32)
    # one pass over the rows sorted by cluster (a mask per cluster is n × k at 200k items)
    order = kept[np.argsort(labels[kept], kind="stable")]
    starts = np.searchsorted(labels[order], ids)
    sums = np.add.reduceat(X[order].astype(np.float64), starts, axis=0)
    return ids, normalize(sums)


def normalize(M: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(M, axis=-1, keepdims=True)
    return (M / np.clip(norms, 1e-12, None)).astype(np.float32)


def reassign_noise(X: np.ndarray, labels: np.ndarray, threshold: float) -> np.ndarray:
    labels = labels.copy()
    ids, C = centroids(X, labels)
    noise = np.flatnonzero(labels < 0)
    if not len(ids) or not len(noise):
        return labels
    sims = X[noise] @ C.T
    best = sims.argmax(axis=1)
    ok = sims[np.arange(len(noise)), best] >= threshold
    labels[noise[ok]] = ids[best[ok]]
    return labels


def merge_close(X: np.ndarray, labels: np.ndarray, threshold: float) -> np.ndarray:
    """Average-linkage merge of clusters whose centroids are within ``threshold`` cosine."""
    from scipy.cluster.hierarchy import fcluster, linkage

    ids, C = centroids(X, labels)
    if len(ids) < 2:
        return labels
    groups = fcluster(linkage(C, method="average", metric="cosine"), 1.0 - threshold,
                      criterion="distance")
    mapping = dict(zip(ids.tolist(), groups.tolist()))
    return relabel(np.array([mapping[l] if l >= 0 else -1 for l in labels.tolist()]))


def relabel(labels: np.ndarray) -> np.ndarray:
    """Consecutive ids 0..k-1 in order of first appearance; noise stays −1."""
    out = np.full(len(labels), -1, dtype=np.int64)
    seen: dict[int, int] = {}
    for i, label in enumerate(labels.tolist()):
        if label >= 0:
            out[i] = seen.setdefault(label, len(seen))
    return out


class FastUmapHdbscan:
    """The default clusterer (see module docstring for why each step is there)."""

    def __init__(self, params: ClusterParams | None = None):
        self.params = params or ClusterParams()

    def reduce(self, X: np.ndarray) -> np.ndarray:
        p = self.params
        n = len(X)
        if n < max(p.layout_min, p.n_neighbors * 2 + p.n_components):
            # a small window: UMAP's 15-neighbour graph glues together stories smaller than a
            # neighbourhood (four 8-item stories in 72 headlines became one cluster), and at
            # this size HDBSCAN on the vectors themselves costs nothing
            return X
        from trendwatch.analysis.lazy import umap_module

        umap = umap_module()
        index, dist = knn_graph(X, p.n_neighbors, p)
        reducer = umap.UMAP(n_neighbors=p.n_neighbors, n_components=p.n_components, min_dist=0.0,
                            metric="cosine", n_epochs=p.n_epochs, random_state=p.seed, n_jobs=1,
                            precomputed_knn=(index, dist, None), low_memory=True,
                            # the spectral start is an eigen-solve on the n × n graph: minutes
                            # past 50k items, and it often fails there (UMAP then starts at
                            # random); PCA of the vectors costs seconds
                            init="spectral" if n <= p.spectral_max else "pca")
        with warnings.catch_warnings():
            # "no NNDescent index, transform() unavailable": we never transform new data
            warnings.filterwarnings("ignore", message=".*precomputed_knn.*", category=UserWarning)
            return np.asarray(reducer.fit_transform(X), dtype=np.float32)

    def fit_predict(self, X: np.ndarray) -> np.ndarray:
        p = self.params
        X = np.asarray(X, dtype=np.float32)
        size = p.cluster_size(len(X))
        if len(X) < size:
            return np.full(len(X), -1, dtype=np.int64)
        reduced = self.reduce(X)
        labels = hdbscan_labels(reduced, size, p.min_samples, p.engine)
        if p.merge < 1.0:
            labels = merge_close(X, labels, p.merge)
        if p.reassign < 1.0:
            labels = reassign_noise(X, labels, p.reassign)
        return relabel(labels)


class BertopicDefault:
    """BERTopic's default pipeline on the same vectors, for benchmarks only:
    UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric=cosine) +
    HDBSCAN(min_cluster_size=10, metric=euclidean, cluster_selection_method=eom)."""

    def __init__(self, seed: int | None = None):
        self.seed = seed  # BERTopic sets none: UMAP then runs multi-threaded

    def fit_predict(self, X: np.ndarray) -> np.ndarray:
        from sklearn.cluster import HDBSCAN

        from trendwatch.analysis.lazy import umap_module

        umap = umap_module()
        reduced = umap.UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                            random_state=self.seed, low_memory=False).fit_transform(X)
        return HDBSCAN(min_cluster_size=10, metric="euclidean", cluster_selection_method="eom",
                       copy=True).fit_predict(reduced)


def make_clusterer(extra: dict) -> Clusterer:
    """The clusterer for ``[analysis.extra]`` cluster_* keys (all optional)."""
    fields = ClusterParams.__dataclass_fields__
    params = {k.removeprefix("cluster_"): v for k, v in extra.items()
              if k.startswith("cluster_") and k.removeprefix("cluster_") in fields}
    return FastUmapHdbscan(ClusterParams(**params))
