from trendwatch.analysis.label import (
    TopicDocs,
    dominant_hashtag,
    label_topics,
    stable_label,
    stop_words,
)
from trendwatch.models import Label


def docs():
    return [
        TopicDocs(0, ["The solar panel prices fall again", "Solar panel makers cut prices",
                      "Why solar panel prices are falling"], ["en"] * 3),
        TopicDocs(1, ["Die Bundesregierung plant ein Tempolimit auf der Autobahn",
                      "Das Tempolimit auf der Autobahn kommt", "Streit um das Tempolimit"], ["de"] * 3),
        TopicDocs(2, ["ارتفاع أسعار النفط في الأسواق العالمية", "أسعار النفط ترتفع من جديد",
                      "النفط يواصل الارتفاع في الأسواق"], ["ar"] * 3),
    ]


def test_keyphrases_skip_stop_words_of_each_language():
    labels = label_topics(docs())
    assert "solar panel" in labels[0].keywords[:3]
    assert "tempolimit" in labels[1].keywords[:3]
    assert "النفط" in labels[2].keywords[:3]
    for label in labels.values():
        for phrase in label.keywords:
            words = phrase.split()
            for lang in label.languages:
                assert words[0] not in stop_words(lang) and words[-1] not in stop_words(lang)
    assert labels[1].languages == ["de"] and labels[2].languages == ["ar"]


def test_german_stop_words_do_not_remove_english_words():
    labels = label_topics([TopicDocs(0, ["war in the region escalates", "war fears grow",
                                         "markets fear war"], ["en"] * 3),
                           TopicDocs(1, ["cake recipe", "chocolate cake"], ["en"] * 2)])
    assert "war" in labels[0].keywords


def test_dominant_hashtag_needs_share_and_three_accounts():
    doc = TopicDocs(0, ["a", "b", "c", "d"], ["en"] * 4,
                    hashtags=[["Flood"], ["flood"], ["flood"], []], accounts=["u1", "u2", "u3", "u4"])
    assert dominant_hashtag(doc) == "flood"
    one_account = TopicDocs(0, ["a", "b", "c"], ["en"] * 3, hashtags=[["flood"]] * 3,
                            accounts=["same"] * 3)
    assert dominant_hashtag(one_account) is None
    other = docs()[0]
    other.key = 1
    assert label_topics([doc, other])[0].label.startswith("#flood")


def test_mmr_avoids_near_duplicate_phrases():
    import numpy as np

    vectors = {"solar panel": [1, 0, 0], "solar panels": [0.99, 0.1, 0], "prices": [0, 1, 0],
               "makers": [0, 0, 1]}

    def embed(terms):
        out = np.array([vectors.get(t, [0.3, 0.3, 0.3]) for t in terms], dtype=float)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    labels = label_topics([TopicDocs(0, ["solar panel solar panels prices makers"] * 3, ["en"] * 3),
                           TopicDocs(1, ["football match"] * 3, ["en"] * 3)], embed_terms=embed)
    top = labels[0].keywords[:3]
    assert not ({"solar panel", "solar panels"} <= set(top))


def test_label_stays_while_topic_is_recognisably_the_same():
    old = Label("solar panel, prices, makers", ["solar panel", "prices", "makers", "rooftop", "grid"],
                [], ["en"])
    drifted = Label("prices, solar panel, tariffs", ["prices", "solar panel", "tariffs", "grid"], [], ["en"])
    assert stable_label(old, drifted).label == old.label
    assert stable_label(old, drifted).keywords == drifted.keywords
    changed = Label("coffee, harvest, beans", ["coffee", "harvest", "beans"], [], ["en"])
    assert stable_label(old, changed).label == changed.label
    assert stable_label(None, changed).label == changed.label


def test_topic_hashtags_need_more_than_one_account():
    from trendwatch.analysis.label import TopicDocs, shared_hashtags

    doc = TopicDocs(key=1, texts=["a", "b", "c"], langs=["en"] * 3,
                    hashtags=[["leftist", "ebike"], ["ebike"], ["ebike", "leftist"]],
                    accounts=["outlet-a", "outlet-b", "outlet-a"])
    assert shared_hashtags(doc) == ["ebike"]
