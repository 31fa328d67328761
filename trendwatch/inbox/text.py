"""Word keys shared by matching, triage and matters: case, accents and Arabic spelling folded.

A key is for comparing, never for showing. Latin-script words are case-folded and lose their
accents ("Café" → "cafe", "Straße" → "strasse"); Arabic words are folded by
``trendwatch.lang.arabic.fold`` (hamza, yaa, taa marbuta, tashkeel, tatweel). Arabic
proclitics (و ف ب ل ك and the article) are not cut here: ``arabic_variants`` lists the
readings of one word so a matcher can try each ("وأكمي" → "اكمي").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from trendwatch.lang.arabic import fold, has_arabic

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_PROCLITIC_1 = ("و", "ف")
_PROCLITIC_2 = ("ب", "ل", "ك")
MIN_ARABIC_STEM = 2


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """One word's comparison key (see the module docstring)."""
    if word.isascii():
        return word.lower()
    if has_arabic(word):
        return fold(word)
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The words of ``text`` as written (letters and digits; an apostrophe inside a word
    keeps it whole: "don't", "l'app" is split by ``keys`` callers as they need)."""
    return WORD.findall(text)


def keys(text: str) -> list[str]:
    """The comparison keys of the words of ``text``, in order."""
    return [word_key(w) for w in WORD.findall(text)]


@lru_cache(maxsize=200_000)
def arabic_variants(key: str) -> tuple[str, ...]:
    """The readings of one folded Arabic word with its proclitics off: the word itself, then
    without و/ف, then without ب/ل/ك, then without the article (ال, or the ل of لل)."""
    found = [key]
    stems = [key]
    for group in (_PROCLITIC_1, _PROCLITIC_2):
        more = [s[1:] for s in stems if s[:1] in group and len(s) - 1 >= MIN_ARABIC_STEM]
        stems += more
    for stem in list(stems):
        if stem.startswith("ال") and len(stem) - 2 >= MIN_ARABIC_STEM:
            stems.append(stem[2:])
        elif stem.startswith("ل") and len(stem) - 1 >= MIN_ARABIC_STEM:  # لل = ل + ال
            stems.append(stem[1:])
    for stem in stems:
        if stem not in found:
            found.append(stem)
    return tuple(found)
