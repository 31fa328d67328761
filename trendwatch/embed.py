"""The Embedder contract and the deterministic test embedder.

An embedder turns texts into L2-normalised float32 vectors. ``model_id`` names the
vector space: vectors from different model ids are never compared, and the store
keeps one vector per (item, model_id).
"""

from __future__ import annotations

import hashlib
import re
from typing import Protocol, Sequence

import numpy as np


class Embedder(Protocol):
    """Texts → float32[n, dim], each row L2-normalised. Thread-safe for sequential calls only."""

    model_id: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class HashingEmbedder:
    """Fast, deterministic bag-of-words embedder for tests: texts sharing words are close.

    Not a real semantic model; never used unless asked for by name ("hashing").
    """

    _WORD = re.compile(r"\w+", re.UNICODE)

    def __init__(self, dim: int = 256):
        self.dim = dim
        self.model_id = f"hashing-{dim}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in self._WORD.findall(text.casefold()):
                digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
                index = int.from_bytes(digest[:4], "little") % self.dim
                sign = 1.0 if digest[4] & 1 else -1.0
                out[row, index] += sign
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


def vector_to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def vector_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.float32)
