"""Topic labels: a headline (analysis/headline) over c-TF-IDF keyphrases (1–2-grams, MMR
diversity), with the dominant hashtag in front.

Stop words come from stopwords-iso (the ``stopwordsiso`` package: 50+ languages,
incl. Arabic and German) plus scikit-learn's English list, applied per topic for
the languages its items are in — one global list would drop English "war"
because it is a German stop word.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from trendwatch.analysis.headline import MAX_WORDS, choose_headline
from trendwatch.lang import arabic
from trendwatch.models import Label

MIN_LANG_SHARE = 0.1
HASHTAG_SHARE = 0.3        # a hashtag in ≥ 30 % of a topic's posts …
HASHTAG_ACCOUNTS = 3       # … by ≥ 3 accounts names the topic
KEEP_OVERLAP = 2           # keep the old label while ≥ 2 of its top-5 keywords stay in the top 10
_CLEAN = re.compile(r"https?://\S+|www\.\S+|@\w+|#|\bRT\b|&amp;|&\w+;", re.UNICODE)
_TOKEN = re.compile(r"(?u)\b\w[\w'-]*\w\b")


@dataclass
class TopicDocs:
    key: int                               # cluster label or topic id
    texts: list[str]
    langs: list[str | None] = field(default_factory=list)
    hashtags: list[list[str]] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)         # most central first; else texts
    title_outlets: list[str | None] = field(default_factory=list)  # outlet of each title


@lru_cache(maxsize=64)
def stop_words(lang: str) -> frozenset[str]:
    words: set[str] = set()
    try:
        import stopwordsiso

        if stopwordsiso.has_lang(lang):
            words |= {w.casefold() for w in stopwordsiso.stopwords(lang)}
    except ImportError:  # pragma: no cover - a dependency; English still works without it
        pass
    if lang == "en":
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        words |= set(ENGLISH_STOP_WORDS)
    if lang == "ar":
        # terms are counted by their folded, clitic-free key (see _KeyedTerms)
        words |= {arabic.match_key(w) for w in words}
    return frozenset(words)


class _KeyedTerms:
    """Unigrams and bigrams of each text by matching key, remembering how each key is
    written: Arabic words are counted folded and without clitics ("والرياض" and
    "بالرياض" are one term) and shown in their most common written form ("الرياض")."""

    def __init__(self) -> None:
        self.written: dict[str, Counter[str]] = {}

    def __call__(self, text: str) -> list[str]:
        keys: list[str] = []
        for word in _TOKEN.findall(text.lower()):
            if arabic.has_arabic(word):
                key, shown = arabic.match_key(word), arabic.display_form(word)
            else:
                key = shown = word
            keys.append(key)
            self.written.setdefault(key, Counter())[shown] += 1
        return keys + [f"{a} {b}" for a, b in zip(keys, keys[1:])]

    def shown(self, term: str) -> str:
        return " ".join(self.written[w].most_common(1)[0][0] if w in self.written else w
                        for w in term.split(" "))


def topic_languages(langs: Sequence[str | None]) -> list[str]:
    counts = Counter(l for l in langs if l)
    total = sum(counts.values())
    found = [l for l, n in counts.most_common() if total and n / total >= MIN_LANG_SHARE]
    return found or ["en"]


def c_tf_idf(docs: list[TopicDocs], terms_of: _KeyedTerms | None = None
             ) -> tuple[np.ndarray, np.ndarray]:
    """(term keys, weights[topic, term]) BERTopic-style: tf per class × log(1 + A / f_term).

    Bigrams never span two texts (each text is analysed on its own, then summed per topic)."""
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import CountVectorizer

    terms_of = terms_of or _KeyedTerms()
    vectorizer = CountVectorizer(analyzer=terms_of, min_df=1)
    texts = [_CLEAN.sub(" ", t) for d in docs for t in d.texts]
    owner = np.repeat(np.arange(len(docs)), [len(d.texts) for d in docs])
    try:
        per_text = vectorizer.fit_transform(texts)
    except ValueError:  # nothing but stop words / punctuation
        return np.array([]), np.zeros((len(docs), 0))
    summing = csr_matrix((np.ones(len(texts)), (owner, np.arange(len(texts)))),
                         shape=(len(docs), len(texts)))
    counts = summing @ per_text
    counts = counts.astype(np.float64)
    tf = counts.multiply(1.0 / np.clip(counts.sum(axis=1), 1, None)).tocsr()
    freq = np.asarray(counts.sum(axis=0)).ravel()
    avg = counts.sum() / max(len(docs), 1)
    idf = np.log(1.0 + avg / np.clip(freq, 1, None))
    return vectorizer.get_feature_names_out(), np.asarray(tf.multiply(idf).todense())


def _allowed(term: str, stops: frozenset[str]) -> bool:
    words = term.split()
    if any(w.isdigit() for w in words) or len(term) < 3:
        return False
    return words[0] not in stops and words[-1] not in stops


def mmr(candidates: list[str], scores: np.ndarray, vectors: np.ndarray | None, top: int,
        diversity: float = 0.5) -> list[str]:
    """Maximal marginal relevance: relevant keyphrases that do not repeat each other."""
    if vectors is None or len(candidates) <= 1:
        return candidates[:top]
    rel = scores / max(float(scores.max()), 1e-12)
    chosen = [0]
    rest = list(range(1, len(candidates)))
    sims = vectors @ vectors.T
    while rest and len(chosen) < top:
        redundancy = sims[np.ix_(rest, chosen)].max(axis=1)
        value = (1 - diversity) * rel[rest] - diversity * redundancy
        pick = rest[int(np.argmax(value))]
        chosen.append(pick)
        rest.remove(pick)
    return [candidates[i] for i in chosen]


def dominant_hashtag(doc: TopicDocs) -> str | None:
    if not doc.hashtags:
        return None
    users: dict[str, set[str]] = {}
    posts: Counter[str] = Counter()
    for tags, account in zip(doc.hashtags, doc.accounts or [""] * len(doc.hashtags)):
        for tag in set(t.casefold() for t in tags):
            posts[tag] += 1
            users.setdefault(tag, set()).add(account)
    for tag, n in posts.most_common():
        if n / len(doc.hashtags) >= HASHTAG_SHARE and len(users[tag]) >= HASHTAG_ACCOUNTS:
            return tag
        break
    return None


def shared_hashtags(doc: TopicDocs, limit: int = 5) -> list[str]:
    """The topic's hashtags that several accounts/outlets use, most used first.

    A tag from one outlet's tag cloud (often loaded: #leftist) must not be suggested to a
    brand as "the topic's hashtag"; use by ≥ 2 distinct accounts is the least evidence.
    """
    users: dict[str, set[str]] = {}
    posts: Counter[str] = Counter()
    accounts = doc.accounts or [str(i) for i in range(len(doc.hashtags))]
    for tags, account in zip(doc.hashtags, accounts):
        for tag in set(t.casefold() for t in tags):
            posts[tag] += 1
            users.setdefault(tag, set()).add(account)
    return [tag for tag, _ in posts.most_common() if len(users[tag]) >= 2][:limit]


def label_topics(docs: list[TopicDocs], *, embed_terms: Callable[[list[str]], np.ndarray] | None = None,
                 n_keywords: int = 10, n_candidates: int = 30) -> dict[int, Label]:
    """Labels for every topic at once (c-TF-IDF needs all classes to weigh terms)."""
    terms_of = _KeyedTerms()
    terms, weights = c_tf_idf(docs, terms_of)
    out: dict[int, Label] = {}
    for row, doc in enumerate(docs):
        langs = topic_languages(doc.langs)
        stops = frozenset().union(*(stop_words(l) for l in langs))
        keywords: list[str] = []
        if len(terms):
            order = np.argsort(-weights[row])
            cands = [(terms[i], weights[row, i]) for i in order[:n_candidates * 4]
                     if weights[row, i] > 0 and _allowed(terms[i], stops)][:n_candidates]
            if cands:
                words = [terms_of.shown(c[0]) for c in cands]
                vectors = embed_terms(words) if embed_terms else None
                keywords = mmr(words, np.array([c[1] for c in cands]), vectors, n_keywords)
        tag = dominant_hashtag(doc)
        tags = shared_hashtags(doc)
        # the "#tag:" prefix is a word of the label's 14
        headline = choose_headline(doc.titles or doc.texts, doc.title_outlets if doc.titles else (),
                                   stops=stops, limit=MAX_WORDS - (1 if tag else 0))
        head = headline or keyphrase_label(keywords) or (doc.texts[0][:60] if doc.texts else "(empty)")
        label = f"#{tag}: {head}" if tag else head
        out[doc.key] = Label(label=label, keywords=keywords, hashtags=tags, languages=langs)
    return out


def keyphrase_label(keywords: Sequence[str]) -> str:
    """The keyphrase label ("solar panel, prices, makers"): what a topic is called when none
    of its titles makes a headline, and what labels were before headlines."""
    return ", ".join(keywords[:3])


def is_keyphrase_label(label: Label) -> bool:
    """Two or three 1–2-word phrases between commas. Judged on the text, not against the
    topic's keywords: a label kept by ``stable_label`` outlives the keywords it came from."""
    head = label.label.split(": ", 1)[1] if label.label.startswith("#") and ": " in label.label \
        else label.label
    parts = head.split(", ")
    return 2 <= len(parts) <= 3 and all(1 <= len(p.split()) <= 2 for p in parts)


def stable_label(previous: Label | None, new: Label) -> Label:
    """Keep the previous label while the topic is recognisably the same — a headline does
    not flip every run. A keyphrase label gives way to a headline (topics named before
    headlines existed, or when no title qualified), never the other way round."""
    if previous is None or not previous.label:
        return new
    if is_keyphrase_label(previous) and not is_keyphrase_label(new):
        return new
    kept = len(set(previous.keywords[:5]) & set(new.keywords[:10]))
    same_tag = previous.label.startswith("#") == new.label.startswith("#")
    if kept >= KEEP_OVERLAP and same_tag:
        return Label(label=previous.label, keywords=new.keywords, hashtags=new.hashtags,
                     languages=new.languages)
    return new
