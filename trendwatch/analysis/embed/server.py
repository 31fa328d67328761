"""Vectors from an OpenAI-compatible embeddings server (TEI, vLLM, Ollama, a hosted API).

``POST {base_url}/v1/embeddings`` with ``{"model": …, "input": [texts]}`` answers
``{"data": [{"index": i, "embedding": [floats]}], "model": …, "usage": …}``; rows are put
back in ``index`` order (servers may answer out of order) and L2-normalised here (not every
server normalises). Requests carry ``[analysis] batch`` texts each.

Retries (tenacity): 429 and 5xx answers and dropped connections are retried with
exponential backoff, or after the server's ``Retry-After`` when it gives one; a timeout is
not (the next try would wait as long). Whatever is left after ``retries`` is one
EmbeddingServerError naming the server and what went wrong — never the API key, which is
read from the environment variable named by ``api_key_env`` at the moment of the request.

The endpoint is explicitly configured, like the LLM endpoint of ``[ideas]``: it goes
through the one HTTP client (collect/http.py), which lets a configured URL reach a
private address (a GPU box on the LAN) but refuses a redirect from elsewhere into one.

The vector space is named ``openai:{host[:port]}/{model}`` (plus the dimensions asked
for), so switching servers or models is a new model id and its vectors are computed
afresh; the analysis refuses vectors whose size differs from those already stored under
the same id (``DimensionMismatch``).

The Embedder contract is synchronous and the analysis calls it from a worker thread:
each ``embed`` call runs its requests on an event loop of its own (one HTTP session,
kept alive across the call's batches).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

import numpy as np
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential
from yarl import URL

from trendwatch.collect.http import HttpClient, parse_retry_after
from trendwatch.config.env import secret
from trendwatch.config.schema import AnalysisSettings, HttpSettings
from trendwatch.errors import (
    BodyTooLarge,
    DimensionMismatch,
    EmbeddingServerError,
    FetchError,
    FetchTimeout,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_RETRY_AFTER = 120.0            # a longer Retry-After is capped: the run has a timeout too
REPLY_BYTES_PER_VALUE = 24         # "-0.012345678901234567," in JSON, with headroom


def endpoint(base_url: str) -> str:
    """The embeddings URL for ``base_url`` (with or without its ``/v1``)."""
    base = base_url.rstrip("/")
    return f"{base}/embeddings" if base.endswith("/v1") else f"{base}/v1/embeddings"


def server_model_id(base_url: str, model: str, dimensions: int | None = None) -> str:
    """The vector space's name: host (and port) and model, plus any requested dimensions."""
    url = URL(base_url)
    host = url.host or ""
    if url.explicit_port:
        host = f"{host}:{url.explicit_port}"
    return f"openai:{host}/{model}" + (f"?dimensions={dimensions}" if dimensions else "")


class _Retryable(EmbeddingServerError):
    """Worth another try: 429, a 5xx or a dropped connection (``retry_after`` in seconds)."""

    def __init__(self, message: str, retry_after: float | None = None):
        self.retry_after = retry_after
        super().__init__(message)


class OpenAIEmbedder:
    """Embedder for any OpenAI-compatible ``/v1/embeddings`` server (see module docstring)."""

    def __init__(self, settings: AnalysisSettings, http: HttpSettings | None = None, *,
                 backoff: float = 0.5, progress: Callable[[int], None] | None = None):
        if not settings.base_url or settings.model in ("", "auto"):
            raise EmbeddingServerError("embedder = 'openai' needs [analysis] base_url and model")
        self.settings = settings
        self.http = http or HttpSettings()
        self.url = endpoint(settings.base_url)
        self.model_name = settings.model
        self.model_id = server_model_id(settings.base_url, settings.model, settings.dimensions)
        self.backoff = backoff
        self.progress = progress
        self._dim: int | None = settings.dimensions

    @property
    def dim(self) -> int:
        """The server's vector size: as configured, or learnt from one probe request."""
        if self._dim is None:
            self.embed(["dimension probe"])
        assert self._dim is not None
        return self._dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not len(texts):
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        return _run(self._embed_all(list(texts)))

    async def _embed_all(self, texts: list[str]) -> np.ndarray:
        size = self.settings.batch
        # the reply holds batch × dim numbers as JSON text; 4096 when the size is not known yet
        max_body = max(self.http.max_body,
                       size * (self._dim or 4096) * REPLY_BYTES_PER_VALUE + 1_000_000)
        rows: list[np.ndarray] = []
        async with HttpClient(self.http, timeout=self.settings.timeout,
                              max_body=max_body) as client:
            for start in range(0, len(texts), size):
                batch = texts[start:start + size]
                rows.append(await self._with_retries(client, batch))
                if self.progress:
                    self.progress(len(batch))
        return np.concatenate(rows)

    async def _with_retries(self, client: HttpClient, batch: list[str]) -> np.ndarray:
        exponential = wait_exponential(multiplier=self.backoff, max=30)

        def wait(state: Any) -> float:
            exc = state.outcome.exception() if state.outcome else None
            after = getattr(exc, "retry_after", None)
            return min(after, MAX_RETRY_AFTER) if after is not None else exponential(state)

        def before_sleep(state: Any) -> None:
            log.warning("embeddings server: %s; try %d of %d", state.outcome.exception(),
                        state.attempt_number + 1, self.settings.retries + 1)

        retrying = AsyncRetrying(stop=stop_after_attempt(self.settings.retries + 1), wait=wait,
                                 retry=retry_if_exception_type(_Retryable),
                                 before_sleep=before_sleep, reraise=True)
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._request(client, batch)
        except _Retryable as exc:
            raise EmbeddingServerError(
                f"{exc} (gave up after {self.settings.retries + 1} tries)") from exc
        raise EmbeddingServerError("no attempt was made")  # pragma: no cover - tenacity tries

    async def _request(self, client: HttpClient, batch: list[str]) -> np.ndarray:
        payload: dict[str, Any] = {"model": self.model_name, "input": batch}
        if self.settings.dimensions:
            payload["dimensions"] = self.settings.dimensions
        headers = {}
        key = secret(self.settings.api_key_env)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        try:
            response = await client.post_json(self.url, payload, headers=headers)
        except FetchTimeout as exc:
            raise EmbeddingServerError(
                f"embeddings server {self.url} did not answer within "
                f"{self.settings.timeout.total_seconds():g} s ([analysis] timeout)") from exc
        except BodyTooLarge as exc:
            raise EmbeddingServerError(f"embeddings server {self.url}: {exc}") from exc
        except FetchError as exc:
            raise _Retryable(f"cannot reach embeddings server {self.url}: "
                             f"{_scrub(str(exc.__cause__ or exc), key)}") from exc
        status = response.status
        if status == 429 or status >= 500:

            raise _Retryable(f"embeddings server {self.url} answered {status}",
                             parse_retry_after(response.headers.get("Retry-After")))
        if status in (401, 403):
            held = (f"the key in ${self.settings.api_key_env}" if key else
                    f"no key (${self.settings.api_key_env} is not set)" if self.settings.api_key_env
                    else "no key (set [analysis] api_key_env)")
            raise EmbeddingServerError(f"embeddings server {self.url} refused {held}: HTTP {status}")
        if status >= 400:
            detail = _scrub(response.body[:300].decode("utf-8", "replace"), key)
            raise EmbeddingServerError(f"embeddings server {self.url} answered {status} for model "
                                       f"{self.model_name!r}: {detail}")
        return self._vectors(response.body, len(batch))

    def _vectors(self, body: bytes, expected: int) -> np.ndarray:
        try:
            data = json.loads(body)["data"]
            pairs = sorted((int(row["index"]), row["embedding"]) for row in data)
        except (ValueError, KeyError, TypeError) as exc:
            raise EmbeddingServerError(f"embeddings server {self.url} did not answer in the "
                                       f"OpenAI embeddings shape: {type(exc).__name__}: {exc}"
                                       ) from exc
        if [i for i, _ in pairs] != list(range(expected)):
            raise EmbeddingServerError(f"embeddings server {self.url} answered {len(pairs)} "
                                       f"vectors for {expected} texts")
        try:
            matrix = np.asarray([vector for _, vector in pairs], dtype=np.float32)
        except (ValueError, TypeError) as exc:
            raise EmbeddingServerError(f"embeddings server {self.url} answered vectors of "
                                       "different sizes or non-numbers") from exc
        if matrix.ndim != 2 or not matrix.shape[1]:
            raise EmbeddingServerError(f"embeddings server {self.url} answered empty vectors")
        if self._dim is not None and matrix.shape[1] != self._dim:
            why = ("[analysis] dimensions" if self.settings.dimensions
                   else "its earlier answers")
            raise DimensionMismatch(f"embeddings server {self.url} answered {matrix.shape[1]}-d "
                                    f"vectors for {self.model_name!r}; {why} said {self._dim}")
        self._dim = int(matrix.shape[1])
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return matrix / norms


def _scrub(text: str, key: str | None) -> str:
    """``text`` with the API key masked (a server may echo what it was sent)."""
    return text.replace(key, "***") if key else text


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to completion from synchronous code: on a fresh event loop, or on a
    thread of its own when this thread already runs one (an async caller that forgot
    ``asyncio.to_thread``)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
