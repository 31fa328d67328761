"""Triage: category, urgency, sentiment, language and the reasons for each decision.

The offline classifier reads a message the way a care agent skims it: does it say something
went wrong (``lexicon.PROBLEM``), or lean that way twice ("again", "still", "why")? Is the
praise sarcastic ("great, another outage") or followed by a "but" and a problem ("love it but
the app crashes")? Was the problem already fixed ("sorted in minutes, thanks")? Does it ask
for a price, a demo, where to buy? Then, for complaints, is it about safety, the law, an
outage, data, money or leaving, or already spreading? Every rule that fires leaves its
words in ``Triage.reasons``.

English sentiment comes from VADER (a kept lexicon-and-rules library, no download); other
languages use the lexicon's own praise/problem balance. Both are blended with the category,
so a sarcastic complaint is never scored positive. Language: the message's own tag, else
Arabic script, else py3langid restricted to languages people write to brands in.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Protocol

from trendwatch.config.schema import InboxSettings
from trendwatch.inbox import lexicon
from trendwatch.inbox.message import InboundMessage, Triage
from trendwatch.lang.arabic import has_arabic

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])[@＠][\w.\-]+(?:@[\w.\-]+)?|(?<![\w/])/?u/[\w\-]+")
# languages py3langid chooses between for text not in Arabic script
DETECT_LANGUAGES = ("en", "de", "es", "fr", "it", "pt", "nl", "tr", "pl", "sv", "da", "no", "id")
COMPLAINT_AT = 1.0       # evidence that makes a complaint (one problem, or two hints)
HINT_WEIGHT = 0.5
AFTER_CONTRAST = 1.5     # what follows "but" is what the writer means
BEFORE_CONTRAST = 0.5


class Classifier(Protocol):
    """Triage for a batch of messages, one ``Triage`` per message in the same order.

    Never raises for a message's content; safe to call from several threads. ``name`` is
    recorded on every Triage it makes (``Triage.classifier``)."""

    name: str

    def classify(self, messages: Sequence[InboundMessage]) -> list[Triage]: ...


@cache
def _signals(langs: tuple[str, ...]) -> dict[str, re.Pattern[str]]:
    """Each signal's patterns for ``langs`` only: a word of one language is noise in another
    ("Nice" the city in a French post is no English praise)."""
    names = ("PROBLEM", "HINT", "PRAISE", "RESOLVED", "CANCEL", "SARCASM", "LEAD", "QUESTION",
             "CONTRAST", "NEGATORS")
    tables = {name.lower(): getattr(lexicon, name) for name in names}
    tables.update({f"urgency:{kind}": table for kind, table in lexicon.URGENCY.items()})
    return {name: lexicon.compile_signal({lang: table[lang] for lang in langs if lang in table})
            for name, table in tables.items()}


def _signals_for(lang: str) -> dict[str, re.Pattern[str]]:
    # a language the lexicon has: its own words; any other: every language's
    return _signals((lang,) if lang in lexicon.LANGS else lexicon.LANGS)


_detector_lock = threading.Lock()


@cache
def _detector():
    from py3langid.langid import _load_identifier

    # py3langid's own loader (the model ships in the wheel), with its own candidate set
    return _load_identifier(langs=list(DETECT_LANGUAGES))


@cache
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def detect_language(text: str, given: str | None = None) -> tuple[str, str]:
    """(ISO 639-1 code, how it was found): the message's own tag, Arabic script, or py3langid."""
    if given and given.strip():
        return re.split(r"[-_]", given.strip())[0].lower(), "tagged"
    cleaned = _HANDLE.sub(" ", _URL.sub(" ", text))
    if has_arabic(cleaned):
        return "ar", "Arabic script"
    if not re.search(r"[^\W\d_]{2}", cleaned):
        return "en", "no words; English assumed"
    with _detector_lock:   # the identifier keeps scratch state between calls
        code, _ = _detector().classify(cleaned)
    return code, "detected"


def _quoted(matches: Sequence[str], most: int = 4) -> str:
    unique = list(dict.fromkeys(m.strip(" ,") for m in matches))
    return ", ".join(f"'{m}'" for m in unique[:most])


def _inside(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in spans)


def _overlaps(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in spans)


def _negated(text: str, start: int, negators: Sequence[tuple[int, int]]) -> bool:
    """A negator among the three words before ``start`` in the same clause ("not happy",
    "nicht zufrieden"; not "en nada, gracias")."""
    window = text[max(0, start - 30):start]
    if not window.split():
        return False
    cut = start - len(" ".join(window.split()[-3:])) - 1
    return any(cut <= a and b <= start and not re.search(r"[,.;:!?]", text[b:start])
               for a, b in negators)


def engagement_total(engagement: Mapping[str, int]) -> int:
    """Interactions so far: every counter the platform gave (likes, reposts, replies, quotes)."""
    total = 0
    for value in engagement.values():
        try:
            total += max(int(value), 0)
        except (TypeError, ValueError):
            continue
    return total


class OfflineClassifier:
    """Lexicon + rules over en/ar/es/de/fr, VADER for English sentiment; CPU only, nothing
    downloaded. Thread-safe (the compiled patterns are shared read-only)."""

    name = "offline"

    def __init__(self, settings: InboxSettings | None = None):
        self.settings = settings or InboxSettings()
        for lang in lexicon.LANGS:      # compile up front: the first batch is not slower
            _signals_for(lang)

    def classify(self, messages: Sequence[InboundMessage]) -> list[Triage]:
        return [self.classify_one(m) for m in messages]

    def classify_one(self, message: InboundMessage) -> Triage:
        raw = _HANDLE.sub(" ", _URL.sub(" ", message.text or ""))
        addressed = message.direct or bool(_HANDLE.search(message.text or ""))
        text = lexicon.normalise(raw)
        lang, lang_how = detect_language(raw, message.lang)
        found = {name: [(m.span(), m.group(0)) for m in pattern.finditer(text)]
                 for name, pattern in _signals_for(lang).items()}
        reasons: list[str] = []

        cancel_spans = [span for span, _ in found["cancel"]]
        negator_spans = [span for span, _ in found["negators"]]
        contrast_at = max((span[1] for span, _ in found["contrast"]), default=None)

        def weight(span: tuple[int, int]) -> float:
            if contrast_at is None:
                return 1.0
            return AFTER_CONTRAST if span[0] >= contrast_at else BEFORE_CONTRAST

        problems = [(span, word) for span, word in found["problem"]
                    if not _inside(span, cancel_spans)]
        problem_spans = [span for span, _ in problems]
        sarcasm = found["sarcasm"]
        sarcasm_spans = [span for span, _ in sarcasm]
        praise: list[tuple[tuple[int, int], str]] = []
        negated_praise: list[tuple[tuple[int, int], str]] = []
        for span, word in found["praise"]:
            if _overlaps(span, problem_spans) or _overlaps(span, sarcasm_spans):
                continue
            (negated_praise if _negated(text, span[0], negator_spans) else praise).append((span, word))
        hints: dict[str, tuple[int, int]] = {}
        for span, word in found["hint"]:
            if not _overlaps(span, problem_spans) and not _inside(span, cancel_spans):
                hints.setdefault(word, span)
        # "I want that fixed", "needs to be sorted": a wish, not a fix
        resolved = [(span, word) for span, word in found["resolved"]
                    if not re.search(r"(?:want|need|get|be|have|please|to)\W+(?:\w+\W+)?$",
                                     text[max(0, span[0] - 20):span[0]])]

        complaint: float = sum((weight(span) for span, _ in problems), 0.0)
        complaint += HINT_WEIGHT * len(hints)
        complaint += sum((weight(span) for span, _ in negated_praise), 0.0)
        if problems:
            reasons.append(f"problem: {_quoted([w for _, w in problems])}")
        if negated_praise:
            reasons.append(f"negated praise: {_quoted([w for _, w in negated_praise])}")
        if hints:
            reasons.append(f"leans negative: {_quoted(list(hints))}")
        if contrast_at is not None and problems and any(s[0] >= contrast_at for s in problem_spans):
            reasons.append(f"problem after {_quoted([w for _, w in found['contrast']][-1:])}")

        safety = [w for span, w in found["urgency:safety"] if not _overlaps(span, problem_spans)]
        if safety and not resolved and (problems or not praise):
            # a fire, an injury, a crash: reported to the company, it is a complaint
            complaint += 1.0
            reasons.append(f"safety: {_quoted(safety)}")

        vader = None
        if lang == "en":
            analyser = _vader()
            vader = analyser.polarity_scores(raw)["compound"]
            if complaint < COMPLAINT_AT and vader <= -0.3:
                # strongly negative words addressed to a company are a complaint
                complaint += 1.0 if vader <= -0.6 else HINT_WEIGHT
                reasons.append(f"negative tone (VADER {vader:+.2f})")
        praise_score: float = sum((weight(span) for span, _ in praise), 0.0)
        if (complaint < COMPLAINT_AT and contrast_at is not None and praise
                and all(span[1] <= contrast_at for span, _ in praise)
                and len(text[contrast_at:].split()) >= 3):
            # "love it but …": praise first, then the turn; what follows the "but" is the point
            complaint += 1.0
            reasons.append(f"praise, then {_quoted([w for _, w in found['contrast']][-1:])} "
                           "and what went wrong")
        if sarcasm and (complaint >= HINT_WEIGHT or praise):
            # praise words next to a problem, or a sarcasm cue: the praise is the sarcasm
            complaint += 1.0
            praise_score = 0.0
            reasons.append(f"sarcasm: {_quoted([w for _, w in sarcasm])}")
        if resolved:
            complaint = max(complaint - 1.0 * len(resolved), 0.0)
            praise_score += 1.0
            reasons.append(f"already solved: {_quoted([w for _, w in resolved])}")
        if praise and praise_score:
            reasons.append(f"praise: {_quoted([w for _, w in praise])}")

        asks = "?" in raw or "؟" in raw or "¿" in raw
        question_words = [w for span, w in found["question"] if span[0] < 3 or
                          text[max(span[0] - 2, 0):span[0]].strip() in ("", ".", "!", ",")]
        leads = [w for _, w in found["lead"]]

        if complaint >= COMPLAINT_AT and complaint >= praise_score:
            category = "complaint"
            if asks:
                reasons.append("a question that reports a problem")
        elif leads and complaint < COMPLAINT_AT:
            category = "lead"
            reasons.append(f"wants to buy: {_quoted(leads)}")
        elif asks or question_words:
            category = "question"
            reasons.append("question: " + ("question mark" if asks else _quoted(question_words)))
        elif praise_score >= 1.0:
            category = "praise"
        elif addressed and vader is not None and vader >= 0.4:
            category = "praise"
            reasons.append(f"positive tone (VADER {vader:+.2f})")
        elif addressed and len(text.split()) >= 4 and (vader is None or vader < 0.25):
            # written to the company, neither asking, thanking nor buying: people write to a
            # brand mostly to report something that went wrong
            category = "complaint"
            reasons.append("addressed to the company with no question, thanks or purchase "
                           "intent: reports a problem")
        else:
            category = "other"
            reasons.append("no complaint, question, praise or purchase intent found")

        signals: list[str] = ["sarcasm"] if sarcasm and category == "complaint" else []
        urgency = self._urgency(category, found, message, reasons, signals)
        score = self._sentiment(category, vader, praise_score, complaint)
        sentiment = "negative" if score <= -0.05 else "positive" if score >= 0.05 else "neutral"
        reasons.append(f"language: {lang} ({lang_how})")
        return Triage(category=category, urgency=urgency, sentiment=sentiment,
                      sentiment_score=round(score, 3), lang=lang, reasons=tuple(reasons),
                      classifier=self.name, signals=tuple(signals))

    def _urgency(self, category: str, found: dict, message: InboundMessage,
                 reasons: list[str], signals: list[str]) -> str:
        high = []
        for kind in ("safety", "legal"):       # whatever the category: a person must look
            words = [w for _, w in found[f"urgency:{kind}"]]
            if words and category not in ("praise", "lead"):
                high.append(f"{kind} {_quoted(words, 2)}")
                signals.append(kind)
        if category == "complaint":
            for kind in ("outage", "data", "payment", "churn"):
                words = [w for _, w in found[f"urgency:{kind}"]]
                if words:
                    high.append(f"{kind} {_quoted(words, 2)}")
                    signals.append(kind)
        interactions = engagement_total(message.engagement)
        if category in ("complaint", "question") and interactions >= self.settings.spreading:
            high.append(f"spreading ({interactions} interactions ≥ {self.settings.spreading})")
            signals.append("spreading")
        if high:
            reasons.append("urgency high: " + "; ".join(high))
            return "high"
        return "normal" if category in ("complaint", "question", "lead") else "low"

    @staticmethod
    def _sentiment(category: str, vader: float | None, praise: float, complaint: float) -> float:
        base = vader if vader is not None else (praise - complaint) / (praise + complaint + 1.0)
        polarity = {"complaint": -1.0, "praise": 1.0}.get(category, 0.0)
        return max(-1.0, min(1.0, 0.5 * base + 0.5 * polarity))
