"""Turning untrusted feed/post markup into clean text, hashtags and a language code.

HTML goes through selectolax (a C parser) rather than regexes or feedparser's
slower sanitiser; text produced here is plain and still untrusted: renderers
must escape it.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from functools import lru_cache

import regex
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from trendwatch.collect.parse.values import as_text
from trendwatch.lang import arabic

_SPACES = re.compile(r"\s+")
# A hashtag starts after a non-word character, holds word characters and has at least one
# letter (so "#1" is not a tag); \w in `regex` covers Arabic, CJK and combining marks.
_HASHTAG = regex.compile(r"(?<![\w#&/])[#＃](\w*[\p{L}\p{M}]\w*)")
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "svg")


# the content types whose value is markup; everything else (text/plain, unknown) is text
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})


def plain_text(value: object) -> str:
    """A plain-text field (never parsed as HTML: ``A<B`` stays ``A<B``), whitespace collapsed."""
    return _SPACES.sub(" ", as_text(value)).strip()


def unescaped_text(value: object) -> str:
    """Plain text that arrives entity-escaped (``&amp;``, ``&#39;``) but is not markup: only the
    entities are decoded, so ``A<B`` and ``Nice <gorilla>`` keep every character."""
    return plain_text(html.unescape(as_text(value)))


def typed_text(value: object, content_type: object) -> str:
    """A field whose wire format declares its type: markup → html_to_text, else plain_text."""
    kind = content_type.split(";", 1)[0].strip().lower() if isinstance(content_type, str) else ""
    return html_to_text(value) if kind in HTML_TYPES else plain_text(value)


def html_to_text(markup: object) -> str:
    """Visible text of an HTML fragment, whitespace collapsed. Plain text passes through.

    Only for fields that are HTML: plain-text fields go through ``plain_text``. A value
    that is not a string (a number, a list from hostile JSON) counts as text or nothing.
    """
    markup = as_text(markup)
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        return _SPACES.sub(" ", markup).strip()
    tree = HTMLParser(markup)
    for tag in _DROP_TAGS:
        for node in tree.css(tag):
            node.decompose()
    # block elements and <br> become spaces so words from adjacent paragraphs do not fuse
    for node in tree.css("br, p, div, li, h1, h2, h3, h4, h5, h6, tr, blockquote"):
        node.insert_after(" ")
    root = tree.body or tree.root
    text = root.text(separator="") if root is not None else ""
    return _SPACES.sub(" ", text).strip()


def extract_hashtags(text: str) -> list[str]:
    """Hashtags in order of first appearance, lower-cased and NFC-normalised, without '#'."""
    seen: dict[str, None] = {}
    for match in _HASHTAG.finditer(text or ""):
        seen.setdefault(normalize_hashtag(match.group(1)), None)
    return list(seen)


def normalize_hashtag(tag: str) -> str:
    """One spelling per tag: NFC, case-folded; Arabic tags without tashkeel and tatweel
    (#السعوديـــة and #السعودية count as one tag). Letters stay as written, since the tag is
    shown and suggested in drafts; clitics stay too (a hashtag is one token on purpose)."""
    tag = unicodedata.normalize("NFC", tag.lstrip("#＃")).casefold()
    return arabic.strip_marks(tag) if arabic.has_arabic(tag) else tag


_LANGID_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _language_identifier():
    # lru_cache does not stop concurrent first calls from each loading the model (~1 s of
    # GIL-bound work apiece): with a dozen sources parsed in threads that cost 20 s
    with _LANGID_LOCK:
        return _load_language_identifier()


@lru_cache(maxsize=1)
def _load_language_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, *, min_confidence: float = 0.5) -> str | None:
    """ISO 639-1 code of ``text`` (py3langid's bundled model), or None when unsure or too short."""
    # py3langid walks the bytes in Python: 300 characters (title + lead) decide the
    # language about as well as 1,000 at a third of the cost
    sample = (text or "").strip()[:300]
    if len(sample) < 12:
        return None
    lang, confidence = _language_identifier().classify(sample)
    return lang if confidence >= min_confidence else None


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary and add an ellipsis; never splits a word."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.-") + "…"
