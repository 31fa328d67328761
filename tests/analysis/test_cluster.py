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


def test_approximate_knn_is_close_to_exact():
    from trendwatch.analysis.cluster import approximate_knn

    X, _ = blobs(k=4, per=150)
    exact, exact_dist = exact_knn(X, 10)
    approx, approx_dist = approximate_knn(X, 10)
    assert approx.shape == exact.shape == (600, 10)
    recall = np.mean([len(set(a.tolist()) & set(e.tolist())) / 10 for a, e in zip(approx, exact)])
    assert recall > 0.97
    assert np.abs(np.sort(approx_dist, axis=1)[:, -1] - exact_dist[:, -1]).max() < 0.05
    assert np.array_equal(approx, approximate_knn(X, 10)[0])   # seeded: same graph
    assert all(r in approx[r] for r in range(len(X)))           # self included, as UMAP expects


def test_ann_path_gives_the_same_clusters_as_exact_above_a_lowered_threshold():
    X, y = blobs(k=6, per=100)
    exact = FastUmapHdbscan(ClusterParams(exact_knn_max=10_000)).fit_predict(X)
    ann = FastUmapHdbscan(ClusterParams(exact_knn_max=100)).fit_predict(X)
    assert adjusted_rand_score(y, exact) > 0.95
    assert adjusted_rand_score(exact, ann) > 0.95
    assert np.array_equal(ann, FastUmapHdbscan(ClusterParams(exact_knn_max=100)).fit_predict(X))


def test_both_hdbscan_engines_find_the_blobs():
    from sklearn.datasets import make_blobs

    from trendwatch.analysis.cluster import hdbscan_labels

    X, y = make_blobs(n_samples=300, centers=5, n_features=5, cluster_std=0.5, random_state=0)
    boruvka = hdbscan_labels(X, 10, None, "hdbscan")
    prim = hdbscan_labels(X, 10, None, "sklearn")
    assert adjusted_rand_score(y, boruvka) > 0.9 and adjusted_rand_score(boruvka, prim) > 0.9
    with pytest.raises(ValueError, match="unknown HDBSCAN engine"):
        hdbscan_labels(X, 10, None, "gpu")
    assert make_clusterer({"cluster_engine": "sklearn"}).params.engine == "sklearn"
