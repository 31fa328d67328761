"""Company fit: how relevant each topic is to each product, and what to post about first.

Pure scoring (``rank_topics``) takes topics, products and feedback and returns ranked
opportunities with an explanation; ``rank_run`` is the imperative shell that reads one
analysis run from the store and writes its ``opportunities`` rows.

    relevance = (1 - w) · clip((cos - floor) / (ceiling - floor), 0, 1) + w · (1 - 0.5^matches)
    priority  = relevance^0.6 · emergence'^0.4 · feedback

cos is the cosine between the topic centroid and the product's embedding (description +
keywords, same model as the centroids); matches are product keywords, hashtags or name
found in the topic's keyphrases, hashtags, label or headlines; emergence' squashes the
unbounded emergence score into [0, 1) with a floor per status so an established topic can
still surface when it fits very well; feedback multiplies by 1.25 per net "useful" and 0.6
per net "not useful" (on the topic itself, half as much from topics that look alike) and a
muted topic never surfaces.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from trendwatch.config.schema import Product, Profile, RankSettings
from trendwatch.lang import arabic
from trendwatch.models import Mark, TopicFacts

RELEVANCE_EXPONENT = 0.6
EMERGENCE_EXPONENT = 0.4
STATUS_FLOOR = {"emerging": 0.35, "watch": 0.2, "established": 0.15, "fading": 0.05}
USEFUL_BOOST = 1.25
NOT_USEFUL_PENALTY = 0.6
LOOKALIKE_COSINE = 0.8   # feedback on a look-alike topic counts half (topics get re-identified)
VERDICTS = ("useful", "not_useful", "mute")




@dataclass(frozen=True)
class ProductVector:
    product: Product
    vector: np.ndarray




@dataclass
class Opportunity:
    topic_id: int
    product: str
    label: str
    status: str
    signal: str | None
    relevance: float
    priority: float
    explanation: str
    parts: dict = field(default_factory=dict)


# --- matching words -----------------------------------------------------------------------

_NON_WORD = re.compile(r"[^\w\s]+", re.UNICODE)


def _stem(token: str) -> str:
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def _token(word: str) -> str:
    return arabic.match_key(word) if arabic.has_arabic(word) else _stem(word)


def tokens(phrase: str) -> list[str]:
    """Comparable tokens: case-folded, hyphens joined (e-bike = ebike), plurals folded;
    Arabic words by their matching key (spelling folded, article and fused prepositions
    off: "بالدراجات" matches the keyword "الدراجات")."""
    cleaned = _NON_WORD.sub(lambda m: "" if m.group() in "-'’" else " ", phrase.casefold())
    return [_token(t) for t in cleaned.replace("_", " ").split()]


class Haystack:
    """The topic's words in a form a product keyword can be looked up in."""

    def __init__(self, phrases: Iterable[str]):
        self.sequences = [tokens(p) for p in phrases if p]
        self.joined = set()
        for seq in self.sequences:
            self.joined.update(seq)
            self.joined.update(a + b for a, b in zip(seq, seq[1:]))

    def has(self, phrase: str) -> bool:
        needle = tokens(phrase)
        if not needle:
            return False
        if "".join(needle) in self.joined:          # cargo bike ~ #cargobike
            return True
        n = len(needle)
        return any(seq[i:i + n] == needle for seq in self.sequences for i in range(len(seq) - n + 1))


def topic_haystack(topic: TopicFacts) -> Haystack:
    return Haystack([topic.label, *topic.keywords, *topic.hashtags, *topic.titles])


def matched_terms(topic: TopicFacts, product: Product, haystack: Haystack | None = None) -> list[str]:
    haystack = haystack or topic_haystack(topic)
    found: list[str] = []
    seen: set[str] = set()
    for term in [*product.keywords, *product.hashtags, product.name]:
        key = "".join(tokens(term))
        if key and key not in seen and haystack.has(term):
            seen.add(key)
            found.append(term)
    return found


# --- scores -------------------------------------------------------------------------------


def _unit(vector: np.ndarray | None) -> np.ndarray | None:
    if vector is None:
        return None
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else None


def cosine(a: np.ndarray | None, b: np.ndarray | None) -> float:
    a, b = _unit(a), _unit(b)
    if a is None or b is None or a.shape != b.shape:
        return 0.0
    return float(np.dot(a, b))


def relevance(cos: float, matches: int, params: RankSettings,
              headline_matches: int = 0) -> tuple[float, float, float]:
    """(relevance, similarity part, evidence part), each in [0, 1].

    ``matches`` are product terms in the topic's own label/keyphrases/hashtags (strong
    evidence), ``headline_matches`` terms found only in its headlines (weak). Meaning and
    words are combined as a noisy-OR: either one alone can make a topic relevant — a
    topic labelled "winter olympics" is relevant to a product about the Olympics even
    when the averaged news vector sits far from the product description.
    """
    span = params.similarity_ceiling - params.similarity_floor
    similarity = min(max((cos - params.similarity_floor) / span, 0.0), 1.0)
    evidence = 1.0 - (0.5 ** matches) * (0.8 ** headline_matches)
    # keyword_weight 0.35 (default) lets full word evidence alone reach relevance 0.7
    word_strength = min(2 * params.keyword_weight, 1.0)
    combined = 1.0 - (1.0 - similarity) * (1.0 - word_strength * evidence)
    return combined, similarity, evidence


def emergence_part(emergence: float, status: str, params: RankSettings) -> float:
    """Unbounded emergence → [0, 1): half at ``emergence_scale``, never below the status floor."""
    e = max(float(emergence), 0.0)
    squashed = e / (e + params.emergence_scale)
    return max(squashed, STATUS_FLOOR.get(status, 0.1))


def priority(rel: float, emergence_norm: float, feedback: float = 1.0) -> float:
    return (rel ** RELEVANCE_EXPONENT) * (emergence_norm ** EMERGENCE_EXPONENT) * feedback


def feedback_factor(topic: TopicFacts, marks: Sequence[Mark]) -> float | None:
    """Multiplier from feedback, or None when the topic is muted."""
    net = 0.0
    for mark in marks:
        if mark.topic_id == topic.topic_id:
            weight = 1.0
        elif cosine(mark.centroid, topic.centroid) >= LOOKALIKE_COSINE:
            weight = 0.5
        else:
            continue
        if mark.verdict == "mute":
            if weight == 1.0:
                return None
            net -= weight
        elif mark.verdict == "useful":
            net += weight
        elif mark.verdict == "not_useful":
            net -= weight
    net = max(min(net, 3.0), -3.0)
    return USEFUL_BOOST ** net if net >= 0 else NOT_USEFUL_PENALTY ** (-net)


def avoided_by(topic: TopicFacts, avoid: Sequence[str], avoid_vectors: np.ndarray | None,
               params: RankSettings, haystack: Haystack | None = None) -> str | None:
    """The avoid term this topic falls under (by words or by meaning), or None."""
    haystack = haystack or topic_haystack(topic)
    for index, term in enumerate(avoid):
        if haystack.has(term):
            return term
        if avoid_vectors is not None and cosine(avoid_vectors[index], topic.centroid) >= params.avoid_similarity:
            return term
    return None


def explain(product: str, topic: TopicFacts, matches: Sequence[str], cos: float) -> str:
    if matches:
        why = f"matches *{product}* on: {', '.join(matches[:4])}"
    else:
        phrases = ", ".join(list(topic.keywords)[:3]) or topic.label
        why = f"close in meaning to *{product}* ({phrases}; similarity {cos:.2f})"
    count = topic.sources_24h
    if count:
        reach = f"{count} source{'s' if count != 1 else ''} in 24 h"
    else:
        reach = f"{topic.distinct_sources} source{'s' if topic.distinct_sources != 1 else ''} this window"
    return f"{why}; {reach}; {topic.status}"


def product_text(product: Product) -> str:
    """What a product is embedded as: the same kind of text the topic centroids come from."""
    parts = [product.name, product.description, ", ".join(product.keywords),
             " ".join(product.hashtags)]
    return ". ".join(p for p in parts if p)


def rank_topics(topics: Sequence[TopicFacts], products: Sequence[ProductVector],
                profile: Profile, params: RankSettings, marks: Sequence[Mark] = (),
                avoid_vectors: np.ndarray | None = None) -> list[Opportunity]:
    """Every (topic, product) worth posting about, best first. Pure."""
    out: list[Opportunity] = []
    for topic in topics:
        haystack = topic_haystack(topic)
        core_haystack = Haystack([topic.label, *topic.keywords, *topic.hashtags])
        avoided = avoided_by(topic, profile.company.avoid, avoid_vectors, params, haystack)
        factor = feedback_factor(topic, marks)
        if avoided is not None or factor is None:
            continue
        e_norm = emergence_part(topic.emergence, topic.status, params)
        for pv in products:
            matches = matched_terms(topic, pv.product, haystack)
            core = [m for m in matches if core_haystack.has(m)]
            cos = cosine(topic.centroid, pv.vector)
            rel, sim_part, evidence = relevance(cos, len(core), params,
                                                headline_matches=len(matches) - len(core))
            if rel < params.min_relevance:
                continue
            out.append(Opportunity(
                topic_id=topic.topic_id, product=pv.product.name, label=topic.label,
                status=topic.status, signal=topic.signal, relevance=round(rel, 4),
                priority=round(priority(rel, e_norm, factor), 4),
                explanation=explain(pv.product.name, topic, matches, cos),
                parts={"cosine": round(cos, 4), "similarity": round(sim_part, 4),
                       "evidence": round(evidence, 4), "matched": matches,
                       "emergence": topic.emergence, "emergence_norm": round(e_norm, 4),
                       "feedback": round(factor, 4), "sources_24h": topic.sources_24h},
            ))
    out.sort(key=lambda o: (-o.priority, -o.relevance, o.topic_id, o.product))
    kept: dict[str, int] = defaultdict(int)
    result = []
    for opp in out:
        if kept[opp.product] < params.top:
            kept[opp.product] += 1
            result.append(opp)
    return result




# --- the imperative shell -------------------------------------------------------------------




