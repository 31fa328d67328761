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

WORD = re.compile(r"[^\W_]+", re.UNICODE)   # an apostrophe splits: "acme's" → acme, s
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


def keys(text: str) -> list[str]:
    """The comparison keys of the words of ``text``, in order. Folded first, so Arabic
    vowel marks (not word characters) never split a word."""
    return [word_key(w) for w in WORD.findall(fold(text))]


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
