"""Bidirectional isolates: how a left-to-right quote sits inside right-to-left text."""

from __future__ import annotations

# U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL ISOLATE: a Latin name inside Arabic text
# keeps its own order, and the punctuation around it stays with the Arabic sentence
FSI, PDI = "\u2068", "\u2069"


def close_isolates(text: str) -> str:
    """``text`` with every isolate it opens closed at its end.

    A draft shortened inside an isolated quote would otherwise lay out the rest of the post
    (link, hashtags, whatever the platform adds) inside the quote's direction.
    """
    return text + PDI * max(0, text.count(FSI) - text.count(PDI))
