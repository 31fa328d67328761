import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from trendwatch.analysis.cluster import (
    ClusterParams,
    FastUmapHdbscan,
    exact_knn,
    make_clusterer,
    merge_close,
    normalize,
    reassign_noise,
)


def blobs(k=6, per=60, dim=48, spread=0.25, seed=0):
    rng = np.random.default_rng(seed)
    centers = normalize(rng.normal(size=(k, dim)))
    X = np.concatenate([normalize(c + spread * rng.normal(size=(per, dim)) / np.sqrt(dim) * 4)
                        for c in centers])
    return X.astype(np.float32), np.repeat(np.arange(k), per)


def test_exact_knn_matches_brute_force():
    X, _ = blobs(k=3, per=30)
    index, dist = exact_knn(X, 5, chunk=17)
    sims = X @ X.T
    for row in range(len(X)):
        assert index[row, 0] == row
        expected = set(np.argsort(-sims[row])[:5])
        assert set(index[row]) == expected
        assert dist[row, 1] == pytest.approx(1 - sims[row, index[row, 1]], abs=1e-5)


def test_fast_pipeline_recovers_blobs_deterministically():
    X, y = blobs()
    clusterer = FastUmapHdbscan()
    a = clusterer.fit_predict(X)
    assert adjusted_rand_score(y, a) > 0.9
    assert (a == -1).mean() < 0.1
    assert np.array_equal(a, FastUmapHdbscan().fit_predict(X))


def test_tiny_inputs():
    c = FastUmapHdbscan()
    assert c.fit_predict(np.zeros((0, 8), dtype=np.float32)).shape == (0,)
    X, _ = blobs(k=2, per=3)
    assert (c.fit_predict(X) == -1).all()  # fewer items than a cluster needs


def test_reassign_and_merge():
    X, y = blobs(k=2, per=20)
    labels = y.copy()
    labels[:5] = -1
    assert (reassign_noise(X, labels, 0.3)[:5] == 0).all()
    split = y.copy()
    split[:10] = 5  # one blob cut in two
    merged = merge_close(X, split, 0.8)
    assert len(set(merged.tolist())) == 2


def test_params_from_config_extra():
    clusterer = make_clusterer({"cluster_min_cluster_size": 7, "cluster_n_epochs": 50, "other": 1})
    assert clusterer.params == ClusterParams(min_cluster_size=7, n_epochs=50)
    assert ClusterParams().cluster_size(11_000) == 15 and ClusterParams().cluster_size(300) == 5
