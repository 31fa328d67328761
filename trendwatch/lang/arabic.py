"""Arabic text for matching, dedup and labels.

Arabic writes one word several ways: with or without short vowels (tashkeel), with a
stretched letter (tatweel), with hamza on the alef or not, final yaa as alef maqsura, final
taa marbuta as haa, Arabic-Indic digits. ``fold`` maps all of these to one form, so
"السعودية" and "السعوديه", "إعلان" and "اعلان", "٢٠٢٦" and "2026" compare equal. It is a
*matching* key: show people the text as written, never the folded form.

Clitics: the article ال and the one-letter conjunctions/prepositions و ف ب ل ك attach to the
word ("والسعودية" = "and Saudi Arabia"), so a keyphrase counter sees fragments and misses
repeats. ``strip_clitics`` removes them conservatively (the stem must keep three letters),
the usual light-stemming step (Larkey et al.'s "light10" without the suffixes, which would
merge words a reader keeps apart).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# harakat, Quranic marks, superscript alef; tatweel
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")
_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ئ": "ي",
    "ؤ": "و",
    "ة": "ه",
    "ک": "ك",
    **{chr(0x0660 + d): str(d) for d in range(10)},   # ٠١٢…
    **{chr(0x06F0 + d): str(d) for d in range(10)},   # ۰۱۲… (Persian/Urdu forms)
})
_DIGITS = str.maketrans({**{chr(0x0660 + d): str(d) for d in range(10)},
                         **{chr(0x06F0 + d): str(d) for d in range(10)}})
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_ARTICLE_FORMS = ("وال", "فال", "بال", "كال", "لل", "ال")
MIN_STEM = 3


def has_arabic(text: str) -> bool:
    return bool(_ARABIC.search(text))


def fold(text: str) -> str:
    """The matching form: NFKC (presentation forms → letters), marks and tatweel gone,
    alef/hamza, yaa, taa marbuta and digits folded. Non-Arabic text passes through
    (NFKC aside)."""
    text = unicodedata.normalize("NFKC", text)
    if not has_arabic(text):
        return text
    return _MARKS.sub("", text).translate(_FOLD)


def strip_marks(text: str) -> str:
    """A display-safe fold: NFKC, tashkeel and tatweel removed, letters as written (for what
    people see, like hashtags: "#السعودية" must not turn into the misspelt "#السعوديه")."""
    text = unicodedata.normalize("NFKC", text)
    return _MARKS.sub("", text) if has_arabic(text) else text


def digits_to_ascii(text: str) -> str:
    """Arabic-Indic digits as 0-9 (for numbers in matching and parsing), nothing else changed."""
    return text.translate(_DIGITS)


@lru_cache(maxsize=65536)
def strip_clitics(word: str) -> str:
    """The key stem: a leading article (ال, وال, بال, لل, …) off when three letters stay, then a
    conjunction و off when four stay (light10's rule: "والرياض", "بالرياض", "الرياض" → "رياض").
    Over-stemming a word that merely starts with و only merges it with a non-word, which a
    counter does not mind; people see ``display_form``."""
    for prefix in _ARTICLE_FORMS:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_STEM:
            return word[len(prefix):]
    if word.startswith("و") and len(word) - 1 >= MIN_STEM + 1:
        return word[1:]
    return word


def display_form(word: str) -> str:
    """The word as a reader expects it in a label: a conjunction or preposition fused to the
    article dropped, the article kept ("والسعودية", "بالسعودية" → "السعودية")."""
    word = word.replace("\u0640", "")
    for prefix in ("وال", "فال", "بال", "كال"):
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_STEM:
            return word[1:]
    if word.startswith("لل") and len(word) - 2 >= MIN_STEM:
        return "ال" + word[2:]
    return word


def match_key(word: str) -> str:
    """One word's key for counting and matching: folded, clitics off."""
    folded = fold(word)
    return strip_clitics(folded) if has_arabic(folded) else folded
