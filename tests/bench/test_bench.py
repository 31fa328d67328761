"""Readers of ../shared/eval and the emergence onset rule (skip when the data is absent)."""

from datetime import UTC, datetime, timedelta

import pytest

from trendwatch.bench import datasets as ds
from trendwatch.bench.emergence import onsets
from trendwatch.bench.eval import cluster_metrics


@pytest.mark.eval
def test_corpora_read_completely(eval_dir):
    news = ds.news_t(eval_dir)
    assert len(news) == 11109 and len({d.label for d in news}) == 152
    crisis = ds.crisislex(eval_dir)
    assert len({d.label for d in crisis}) == 13  # incl. the event whose ids went through Excel
    assert len(crisis) == 12092
    assert all(crisis[i].published_at <= crisis[i + 1].published_at for i in range(len(crisis) - 1))
    assert crisis[0].published_at.year == 2012


def test_tweet_time_from_snowflake():
    assert ds.tweet_time(323873597825355778) == datetime(2013, 4, 15, 19, 0, 57, 659000,
                                                         tzinfo=UTC)


def test_onset_ignores_stray_early_tweets():
    t0 = datetime(2013, 1, 1, tzinfo=UTC)
    docs = [ds.Doc("1", "x", "ev", t0)] + [ds.Doc(str(i), "x", "ev", t0 + timedelta(days=3, minutes=i))
                                          for i in range(12)]
    assert onsets(docs)["ev"] == t0 + timedelta(days=3)


def test_noise_counts_as_its_own_label():
    import numpy as np

    m = cluster_metrics(np.array([0, 0, 1, 1]), np.array([0, -1, 1, -1]), 1.0)
    assert m["noise"] == 0.5 and m["nmi"] < 1.0 and m["nmi_non_noise"] == 1.0


def test_language_shares_count_noise_and_wrong_topics_as_misses():
    import numpy as np

    from trendwatch.bench.eval import language_shares

    docs = [ds.Doc(id=str(i), text="", label=label) for i, label in
            enumerate(["a", "a", "a", "b", "b", "b"])]
    labels = np.array([0, 0, 1, 1, 1, -1])      # doc 2 lands in b's topic, doc 5 is noise
    langs = ["en", "es", "es", "en", "es", "en"]
    shares = language_shares(docs, labels, langs, minimum=1)
    assert shares == {"en": {"items": 3, "share": round(2 / 3, 3)},
                      "es": {"items": 3, "share": round(2 / 3, 3)}}


def test_cross_lingual_pairs_with_a_bag_of_words_model_pair_nothing():
    from trendwatch.analysis.embed.base import HashingEmbedder
    from trendwatch.bench.pairs import cross_lingual

    result = cross_lingual(HashingEmbedder())
    assert result["pairs"] >= 12 and result["same_mean"] < 0.3 and set(result["per_lang"]) >= {"ar", "es"}
