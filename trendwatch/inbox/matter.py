"""What a message is about, as a few comparable terms: the product it names and its content
words (folded, stop words out). Conversations and incidents compare these."""

from __future__ import annotations

from collections.abc import Sequence


def matter_terms(text: str, *, products: Sequence[str] = ()) -> frozenset[str]:
    raise NotImplementedError


def matter_key(text: str, *, products: Sequence[str] = ()) -> str:
    raise NotImplementedError
