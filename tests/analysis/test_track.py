import numpy as np

from trendwatch.analysis.cluster import normalize
from trendwatch.analysis.track import NewCluster, join_nearest, track
from trendwatch.models import PriorTopic


def unit(seed, dim=32):
    return normalize(np.random.default_rng(seed).normal(size=dim))


def drift(v, seed, amount=0.2):
    return normalize(v + amount * unit(seed, len(v)))


def ids(prefix, n):
    return frozenset(f"{prefix}{i}" for i in range(n))


def test_ids_survive_drift_and_reordering():
    a, b = unit(1), unit(2)
    priors = [PriorTopic(10, a, ids("a", 20)), PriorTopic(11, b, ids("b", 20))]
    # next run: half the old members left the window, new ones came, centroids drifted
    new_a = frozenset(list(ids("a", 20))[10:]) | ids("a_new", 15)
    clusters = [NewCluster(0, drift(b, 3), ids("b", 20) | ids("b_new", 5)),
                NewCluster(1, drift(a, 4), new_a)]
    window = set(new_a) | set(ids("b", 20)) | set(ids("b_new", 5))
    result = track(priors, clusters, window)
    assert result.topic_of == {0: 11, 1: 10}
    assert not result.gone and not result.new_splits


def test_centroid_alone_matches_when_members_all_left():
    a = unit(5)
    result = track([PriorTopic(7, a, ids("old", 10))], [NewCluster(0, drift(a, 6, 0.1), ids("new", 10))],
                   set(ids("new", 10)))
    assert result.topic_of == {0: 7}


def test_unrelated_cluster_becomes_new_topic_and_old_one_goes():
    result = track([PriorTopic(1, unit(1), ids("a", 10))], [NewCluster(0, unit(99), ids("z", 10))],
                   set(ids("z", 10)))
    assert result.topic_of == {0: None}
    assert result.gone == [1]


def test_split_keeps_id_for_larger_part_and_records_lineage():
    a = unit(1)
    members = ids("a", 40)
    first, second = frozenset(sorted(members)[:25]), frozenset(sorted(members)[25:])
    clusters = [NewCluster(0, drift(a, 2, 0.15), first), NewCluster(1, drift(a, 3, 0.4), second)]
    result = track([PriorTopic(5, a, members)], clusters, set(members))
    assert result.topic_of[0] == 5
    assert result.topic_of[1] is None
    assert result.new_splits == {1: 5}


def test_merge_records_which_topic_went_into_which():
    a, b = unit(1), unit(2)
    merged = ids("a", 20) | ids("b", 12)
    priors = [PriorTopic(1, a, ids("a", 20)), PriorTopic(2, b, ids("b", 12))]
    result = track(priors, [NewCluster(0, normalize(a * 20 + b * 12), merged)], set(merged))
    assert result.topic_of == {0: 1}
    assert result.merged == {2: 0}


def test_dormant_topic_returns_with_its_id():
    a = unit(8)
    priors = [PriorTopic(3, a, frozenset(), dormant=True), PriorTopic(4, unit(9), ids("x", 10))]
    clusters = [NewCluster(0, drift(a, 1, 0.1), ids("n", 12)), NewCluster(1, unit(9), ids("x", 10))]
    result = track(priors, clusters, set(ids("n", 12)) | set(ids("x", 10)))
    assert result.topic_of == {0: 3, 1: 4}
    assert result.returned == [3]
    assert (3, 3, "returned") in result.lineage


def test_join_nearest_respects_threshold():
    a, b = unit(1), unit(2)
    vectors = np.stack([drift(a, 3, 0.1), drift(b, 4, 0.1), unit(77)])
    joined = join_nearest(vectors, [10, 20], np.stack([a, b]), 0.55)
    assert [t for t, _ in joined] == [10, 20, None]
