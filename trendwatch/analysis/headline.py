"""A story's headline from its most central items' titles: cleaned of feed boilerplate, then
the title that best stands for the cluster, trimmed to a headline's length.

Pure: strings in, strings out. Boilerplate is a table per language (``BOILERPLATE``), all of
them applied to every title — the language of a ten-word title is often misdetected, and a
Spanish feed's "Seguir leyendo" sits under English-detected titles too. Markers are removed
only where feeds put them (a leading marker, a trailing phrase, a bracketed tag), never
mid-sentence: Arabic "المزيد" ("more") is boilerplate at the end of a title and an ordinary
word inside one ("المزيد من الضحايا", more victims).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from trendwatch.lang import arabic

MIN_WORDS = 4
MAX_WORDS = 14
CANDIDATES = 10            # the most central titles that may become the headline
PEERS = 60                 # the most central titles a candidate is compared with
SHOUTING_SHARE = 0.6       # share of upper-case letters above which a title shouts


@dataclass(frozen=True)
class Boilerplate:
    """What one language's feeds add around a title (all matched case-insensitively)."""

    leading: tuple[str, ...]    # "LIVE:", "Breaking -": a marker, then a separator
    trailing: tuple[str, ...]   # "Read more", "Continue reading" at the end
    tags: tuple[str, ...]       # "(video)", "[updated]": bracketed anywhere
    after_break: tuple[str, ...] = ()  # "more", "المزيد": ordinary words, boilerplate only
    #                                    after a break ("… more", "| المزيد")


BOILERPLATE: dict[str, Boilerplate] = {
    "en": Boilerplate(
        leading=("live", "live updates", "breaking", "breaking news", "just in", "watch", "video",
                 "exclusive", "update", "updated", "opinion", "analysis", "explainer", "photos",
                 "in pictures", "podcast", "listen", "sponsored", "developing"),
        trailing=("read more", "continue reading", "read the full story", "read full story",
                  "read the full article", "read full article", "full story", "click here",
                  "read on", "learn more", "see more", "keep reading", "read original"),
        tags=("video", "videos", "watch", "photos", "pics", "updated", "update", "live",
              "exclusive", "opinion", "podcast", "audio", "sponsored", "paywall", "gallery"),
        after_break=("more", "read", "via", "details")),
    "es": Boilerplate(
        leading=("en vivo", "en directo", "directo", "última hora", "ultima hora", "vídeo",
                 "video", "exclusiva", "opinión", "opinion", "análisis", "fotos", "urgente"),
        trailing=("seguir leyendo", "sigue leyendo", "leer más", "leer mas", "lee más",
                  "más información", "ver más", "continuar leyendo", "leer la nota completa"),
        tags=("vídeo", "video", "fotos", "actualizado", "actualización", "en vivo", "directo",
              "opinión", "exclusiva"),
        after_break=("más", "seguir")),
    "fr": Boilerplate(
        leading=("en direct", "direct", "vidéo", "video", "info", "exclusif", "urgent", "alerte",
                 "tribune", "analyse", "photos", "en images", "décryptage"),
        trailing=("lire la suite", "lire plus", "en savoir plus", "voir plus", "lire l'article",
                  "lire l’article"),
        tags=("vidéo", "video", "photos", "mis à jour", "mise à jour", "direct", "exclusif",
              "abonnés", "réservé aux abonnés"),
        after_break=("la suite", "suite", "plus")),
    "de": Boilerplate(
        leading=("live", "liveblog", "liveticker", "ticker", "newsblog", "eilmeldung", "video",
                 "exklusiv", "kommentar", "analyse", "bilder", "fotos", "meinung"),
        trailing=("weiterlesen", "mehr lesen", "mehr dazu", "zum artikel", "mehr erfahren",
                  "hier weiterlesen"),
        tags=("video", "videos", "fotos", "bilder", "aktualisiert", "update", "live", "exklusiv",
              "+", "s+", "plus", "abo"),
        after_break=("mehr",)),
    "ar": Boilerplate(
        leading=("عاجل", "بالفيديو", "فيديو", "مباشر", "شاهد", "بالصور", "صور", "حصري", "خاص",
                 "رأي", "تحليل"),
        trailing=("اقرأ المزيد", "إقرأ المزيد", "اقرا المزيد", "اقرأ أيضا", "اقرأ أيضاً",
                  "لمزيد من التفاصيل", "للمزيد"),
        tags=("فيديو", "صور", "بالفيديو", "بالصور", "محدث", "تحديث", "مباشر", "حصري"),
        after_break=("المزيد", "التفاصيل", "شاهد")),
}

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?:^|\s)@\w[\w.]*")
_TRAILING_TAGS = re.compile(r"(?:\s+#\w+)+\s*$", re.UNICODE)
_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:…|\.{3})\s*\]|\(\s*(?:…|\.{3})\s*\)|…|\.{3,})\s*$")
_SEPARATOR = r"(?:\s*[:|·•»]+|\s+[-–—]+)\s+"
_SUFFIX = re.compile(r"\s+(?:[|·•»]|[-–—]{1,2}|::)\s+([^|·•»\-–—]{1,60})$")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"(?u)\b\w[\w'’-]*\b")
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")
_CLAUSE_END = re.compile(r"[,;:،؛]$")


def _alternation(phrases: Sequence[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))


_BREAK = r"[:\-–—|.…»›>]"
_END = r"\s*(?:[.…:»›>!]+|&raquo;)?\s*$"


def _rules() -> tuple[re.Pattern[str], ...]:
    leading = [p for b in BOILERPLATE.values() for p in b.leading]
    trailing = [p for b in BOILERPLATE.values() for p in b.trailing]
    after_break = [p for b in BOILERPLATE.values() for p in b.after_break]
    tags = [p for b in BOILERPLATE.values() for p in b.tags]
    return (re.compile(rf"^\s*(?:{_alternation(leading)}){_SEPARATOR}", re.IGNORECASE),
            re.compile(rf"(?:^|(?<=[\s:\-–—|.,…»(\[]))(?:{_alternation(trailing)}){_END}", re.IGNORECASE),
            re.compile(rf"{_BREAK}\s*(?:{_alternation(after_break)}){_END}", re.IGNORECASE),
            re.compile(rf"\s*[(\[]\s*(?:{_alternation(tags)})\s*[)\]]\s*", re.IGNORECASE))


_LEADING, _TRAILING, _TRAILING_AFTER_BREAK, _TAG = _rules()


def _looks_like_outlet(segment: str, outlet: str | None) -> bool:
    """A trailing " - Reuters" / " | BBC News": the item's own outlet, or a short run of
    capitalised words or a domain — not "Iran talks - what we know"."""
    seg = segment.strip()
    if not seg:
        return True
    if outlet and _fold(seg) in {_fold(outlet), _fold(outlet.split(".")[0])}:
        return True
    words = seg.split()
    if len(words) > 5:
        return False
    if re.fullmatch(r"[\w-]+(?:\.[a-z]{2,})+", seg, re.IGNORECASE):
        return True
    alpha = [w for w in words if any(c.isalpha() for c in w)]
    return bool(alpha) and all(w[0].isupper() or not w[0].isalpha() for w in alpha)


def _fold(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def clean_title(title: str, outlet: str | None = None) -> str:
    """The title without links, feed boilerplate (every language's table), outlet suffix and
    trailing ellipsis. Repeated until nothing changes: "LIVE: X (video) - Reuters ..." ."""
    text = _SPACE.sub(" ", _URL.sub(" ", title or "")).strip()
    text = _MENTION.sub(" ", text).strip()
    while True:
        before = text
        text = _TAG.sub(" ", text).strip()
        text = _LEADING.sub("", text).strip()
        text = _ELLIPSIS.sub("", text).strip()
        text = _TRAILING.sub("", text).strip()
        text = _TRAILING_AFTER_BREAK.sub("", text).strip()
        text = _TRAILING_TAGS.sub("", text).strip()
        suffix = _SUFFIX.search(text)
        if suffix and _looks_like_outlet(suffix.group(1), outlet):
            text = text[:suffix.start()].strip()
        text = text.strip(" -–—|:·•»,;").strip()
        if text.endswith(".") and len(text) > 1 and not text[-2].isupper():
            text = text[:-1]   # a headline has no full stop; "U.S." keeps its own
        text = _SPACE.sub(" ", text)
        if text == before:
            return text


def source_title(title: str | None, text: str | None) -> str:
    """What stands for an item's title: its title, or for a post without one the first
    sentence of its text (posts have no headline of their own)."""
    if title and title.strip():
        return title.strip()
    body = _SPACE.sub(" ", _URL.sub(" ", text or "")).strip()
    first = _SENTENCE_END.split(body, maxsplit=1)[0] if body else ""
    return first[:300]


def trim_words(headline: str, stops: frozenset[str] = frozenset(), limit: int = MAX_WORDS) -> str:
    """At most ``limit`` words, cut on a word boundary: at the last clause end (",", ":")
    within the limit if that leaves a headline, else at the limit without a dangling
    function word ("… talks in the")."""
    words = headline.split()
    if len(words) <= limit:
        return headline
    kept = words[:limit]
    for end in range(limit, MIN_WORDS - 1, -1):
        if _CLAUSE_END.search(kept[end - 1]):
            return " ".join(kept[:end]).rstrip(",;:،؛")
    while len(kept) > MIN_WORDS and kept[-1].casefold().strip(",;:") in stops:
        kept.pop()
    return " ".join(kept).rstrip(",;:،؛-–—")


def is_shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha() and c.lower() != c.upper()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > SHOUTING_SHARE


def is_question(text: str) -> bool:
    return text.rstrip().endswith(("?", "؟"))


def content_terms(text: str, stops: frozenset[str]) -> frozenset[str]:
    """The title's keyphrase words by matching key (Arabic folded, clitics off)."""
    out = set()
    for word in _WORD.findall(text.casefold()):
        key = arabic.match_key(word) if arabic.has_arabic(word) else word.strip("'’-")
        if len(key) > 1 and key not in stops and word not in stops and not key.isdigit():
            out.add(key)
    return frozenset(out)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / math.sqrt(len(a) * len(b)) if a and b else 0.0


def choose_headline(titles: Sequence[str], outlets: Sequence[str | None] = (), *,
                    stops: frozenset[str] = frozenset(), limit: int = MAX_WORDS) -> str | None:
    """The headline of a cluster from its titles, most central first; None when no title
    makes one. The choice among the ``CANDIDATES`` most central cleaned titles: the one
    with the highest mean keyphrase overlap with the other titles (it says what they share),
    centrality breaking ties. A candidate has 4–``limit`` words once trimmed, no shouting;
    a question is chosen only when no statement qualifies."""
    outlets = list(outlets) + [None] * (len(titles) - len(outlets))
    cleaned = [clean_title(t, o) for t, o in zip(titles[:PEERS], outlets[:PEERS])]
    terms = [content_terms(c, stops) for c in cleaned]
    best: tuple[float, float, int, str] | None = None
    seen: set[str] = set()
    for rank, title in enumerate(cleaned[:CANDIDATES]):
        head = trim_words(title, stops, limit)
        if not (MIN_WORDS <= len(head.split()) <= limit) or is_shouting(head) or _URL.search(head):
            continue
        if head.casefold() in seen:
            continue
        seen.add(head.casefold())
        others = [terms[j] for j in range(len(cleaned)) if j != rank]
        support = sum(_overlap(terms[rank], t) for t in others) / len(others) if others else 0.0
        key = (0.0 if is_question(head) else 1.0, round(support, 6), -rank, head)
        if best is None or key[:3] > best[:3]:
            best = key
    return best[3] if best else None
