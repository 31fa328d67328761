"""The OpenAI-compatible embeddings client against a fake server on 127.0.0.1 (real wire shape).

The embedder is synchronous (the analysis calls it from a worker thread) and runs its own
event loop, so the fake server runs on a thread and loop of its own.
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from aiohttp import web

from trendwatch.analysis.embed.base import HashingEmbedder
from trendwatch.analysis.embed.sentence import load_embedder
from trendwatch.analysis.embed.server import OpenAIEmbedder, endpoint, server_model_id
from trendwatch.analysis.run import analyze
from trendwatch.config.check import embedder_line
from trendwatch.config.load import parse_settings
from trendwatch.config.schema import AnalysisSettings
from trendwatch.errors import ConfigError, DimensionMismatch, EmbeddingServerError

KEY = "sk-test-0123456789abcdef-secret"


class FakeServer:
    """POST /v1/embeddings like OpenAI/TEI: answers ``data`` shuffled (clients must sort by
    index), vectors not normalised; ``failures`` is a list of statuses to answer first."""

    def __init__(self, dim: int = 32, failures: list[int] | None = None,
                 retry_after: str | None = None, echo_auth: bool = False):
        self.model = HashingEmbedder(dim)
        self.failures = list(failures or [])
        self.retry_after = retry_after
        self.echo_auth = echo_auth
        self.requests: list[dict] = []
        self.times: list[float] = []
        self.auth: list[str | None] = []

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        self.times.append(time.monotonic())
        self.auth.append(request.headers.get("Authorization"))
        if self.failures:
            status = self.failures.pop(0)
            headers = {"Retry-After": self.retry_after} if self.retry_after else None
            detail = request.headers.get("Authorization", "") if self.echo_auth else "busy"
            return web.json_response({"error": {"message": detail}}, status=status,
                                     headers=headers)
        vectors = self.model.embed(body["input"]) * 3.0
        data = [{"object": "embedding", "index": i, "embedding": v.tolist()}
                for i, v in enumerate(vectors)]
        random.Random(len(self.requests)).shuffle(data)
        return web.json_response({"object": "list", "data": data, "model": body["model"],
                                  "usage": {"prompt_tokens": 3, "total_tokens": 3}})


@contextmanager
def serving(fake: FakeServer) -> Iterator[str]:
    """The fake on 127.0.0.1 in a thread with its own loop; yields its base URL."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict = {}

    async def start() -> None:
        app = web.Application()
        app.router.add_post("/v1/embeddings", fake.handle)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        holder["runner"] = runner
        holder["port"] = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        started.set()

    thread = threading.Thread(target=lambda: (loop.run_until_complete(start()), loop.run_forever()),
                              daemon=True)
    thread.start()
    assert started.wait(10)
    try:
        yield f"http://127.0.0.1:{holder['port']}"
    finally:
        asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def settings_for(base_url: str, **extra) -> AnalysisSettings:
    return AnalysisSettings(embedder="openai", base_url=base_url, model="bge-small", **extra)


def texts(n: int) -> list[str]:
    return [f"story {i % 7} about topic{i % 5} and word{i}" for i in range(n)]


def test_batches_in_index_order_and_normalised():
    fake = FakeServer(dim=32)
    with serving(fake) as url:
        embedder = OpenAIEmbedder(settings_for(url, batch=64))
        X = embedder.embed(texts(150))
    assert [len(r["input"]) for r in fake.requests] == [64, 64, 22]
    assert all(r["model"] == "bge-small" for r in fake.requests)
    assert X.shape == (150, 32) and X.dtype == np.float32
    assert np.allclose(np.linalg.norm(X, axis=1), 1, atol=1e-5)
    # row i is text i's vector although the server shuffled its answer
    assert np.allclose(X, HashingEmbedder(32).embed(texts(150)), atol=1e-5)
    assert embedder.dim == 32 and len(fake.requests) == 3   # learnt, no extra probe


def test_dim_is_probed_once_when_not_configured():
    fake = FakeServer(dim=24)
    with serving(fake) as url:
        embedder = OpenAIEmbedder(settings_for(url))
        assert embedder.dim == 24
        assert embedder.dim == 24
    assert len(fake.requests) == 1


def test_429_is_retried_after_the_retry_after_header():
    fake = FakeServer(failures=[429], retry_after="1")
    with serving(fake) as url:
        X = OpenAIEmbedder(settings_for(url), backoff=0.01).embed(texts(3))
    assert X.shape == (3, 32) and len(fake.requests) == 2
    assert fake.times[1] - fake.times[0] >= 0.9          # honoured, not the 10 ms backoff


def test_5xx_is_retried_then_a_clear_error(caplog):
    fake = FakeServer(failures=[503] * 10)
    with serving(fake) as url, pytest.raises(EmbeddingServerError) as info:
        OpenAIEmbedder(settings_for(url, retries=2), backoff=0.01).embed(texts(3))
    assert len(fake.requests) == 3
    assert "503" in str(info.value) and "/v1/embeddings" in str(info.value)
    assert "3 tries" in str(info.value)


def test_5xx_then_success_recovers():
    fake = FakeServer(failures=[500, 502])
    with serving(fake) as url:
        X = OpenAIEmbedder(settings_for(url, retries=2), backoff=0.01).embed(texts(5))
    assert X.shape == (5, 32)


def test_unreachable_server_is_a_clear_error():
    with socket.socket() as sock:           # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    embedder = OpenAIEmbedder(settings_for(f"http://127.0.0.1:{port}", retries=1), backoff=0.01)
    with pytest.raises(EmbeddingServerError, match="cannot reach embeddings server"):
        embedder.embed(["x"])


def test_configured_dimensions_are_sent_and_checked():
    fake = FakeServer(dim=32)
    with serving(fake) as url:
        embedder = OpenAIEmbedder(settings_for(url, dimensions=64))
        with pytest.raises(DimensionMismatch, match="32-d .* dimensions said 64"):
            embedder.embed(texts(2))
    assert fake.requests[0]["dimensions"] == 64


def test_the_key_is_sent_but_never_in_errors_or_logs(monkeypatch, caplog):
    monkeypatch.setenv("EMB_KEY", KEY)
    caplog.set_level(logging.DEBUG)
    fake = FakeServer(failures=[500, 400], echo_auth=True)   # the server echoes the header
    with serving(fake) as url, pytest.raises(EmbeddingServerError) as info:
        OpenAIEmbedder(settings_for(url, api_key_env="EMB_KEY", retries=3),
                       backoff=0.01).embed(texts(2))
    assert fake.auth[0] == f"Bearer {KEY}"
    assert "400" in str(info.value)
    assert KEY not in str(info.value) and KEY not in caplog.text
    assert "try 2 of 4" in caplog.text                   # the retry was logged, without the key


def test_refused_key_names_the_variable_not_the_key(monkeypatch):
    monkeypatch.setenv("EMB_KEY", KEY)
    fake = FakeServer(failures=[401])
    with serving(fake) as url, pytest.raises(EmbeddingServerError) as info:
        OpenAIEmbedder(settings_for(url, api_key_env="EMB_KEY")).embed(["x"])
    assert "$EMB_KEY" in str(info.value) and KEY not in str(info.value)


def test_off_spec_answer_is_a_clear_error():
    async def handle(request: web.Request) -> web.Response:
        return web.json_response({"data": [{"index": 0, "embedding": [1.0, 0.0]}]})

    fake = FakeServer()
    fake.handle = handle  # type: ignore[method-assign]
    with serving(fake) as url, pytest.raises(EmbeddingServerError, match="1 vectors for 2 texts"):
        OpenAIEmbedder(settings_for(url)).embed(["a", "b"])


def test_model_id_names_host_and_model():
    assert server_model_id("http://gpu:8080/v1", "bge-m3") == "openai:gpu:8080/bge-m3"
    assert server_model_id("https://api.example.com", "m", 256) == \
        "openai:api.example.com/m?dimensions=256"
    assert server_model_id("http://a:1", "m") != server_model_id("http://b:1", "m")
    assert endpoint("http://gpu:8080") == endpoint("http://gpu:8080/v1/") == \
        "http://gpu:8080/v1/embeddings"


CONFIG = """
[company]
name = "Acme"
description = "Bikes"
[[products]]
name = "Flow"
description = "A folding e-bike"
[analysis]
window = "7d"
"""


def test_config_validation():
    ok = parse_settings(CONFIG + 'embedder = "openai"\nbase_url = "http://gpu:8080"\n'
                        'model = "bge-m3"\napi_key_env = "EMB_KEY"\ntimeout = "20s"\n',
                        source_name="f.toml")
    a = ok.analysis
    assert (a.embedder, a.batch, a.timeout, a.dimensions) == ("openai", 64, timedelta(seconds=20),
                                                              None)
    assert "server http://gpu:8080 model bge-m3" in embedder_line(ok)
    assert "$EMB_KEY (NOT SET)" in embedder_line(ok)
    assert isinstance(load_embedder(ok, "sqlite:///x.db"), OpenAIEmbedder)
    for extra, message in [
        ('embedder = "openai"\nmodel = "bge-m3"\n', "needs base_url"),
        ('embedder = "openai"\nbase_url = "http://gpu:8080"\n', "needs model"),
        ('embedder = "gpu"\n', "analysis.embedder"),
        ('base_url = "http://gpu:8080"\n', "only apply with embedder = 'openai'"),
        ('embedder = "openai"\nbase_url = "ftp://x"\nmodel = "m"\n', r"not an http\(s\) URL"),
        ('embedder = "openai"\nbase_url = "http://x"\nmodel = "m"\nbatch = 0\n', "analysis.batch"),
    ]:
        with pytest.raises(ConfigError, match=message) as info:
            parse_settings(CONFIG + extra, source_name="f.toml")
        assert "f.toml:" in str(info.value)


def test_a_key_pasted_into_api_key_env_is_refused_without_echoing_it():
    text = (CONFIG + f'embedder = "openai"\nbase_url = "http://x"\nmodel = "m"\n'
            f'api_key_env = "{KEY}"\n')
    with pytest.raises(ConfigError, match="must name an environment variable") as info:
        parse_settings(text, source_name="f.toml")
    assert KEY not in str(info.value)


def test_local_config_reports_the_local_model():
    s = parse_settings(CONFIG, source_name="f.toml")
    assert embedder_line(s).startswith("local model auto")


def test_analysis_with_the_server_and_a_dimension_change(tmp_path):
    """End to end: the analysis stores the server's vectors under the host+model id; when the
    server later answers another size under the same name, the run stops with a clear error."""
    from trendwatch.bench.scale import seed_store
    from trendwatch.store import open_store
    from trendwatch.store import runs as db

    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    seed_store(url, 120, now)
    store = open_store(url)
    fake = FakeServer(dim=32)
    with serving(fake) as base:
        settings = parse_settings(CONFIG + f'embedder = "openai"\nbase_url = "{base}"\n'
                                  'model = "bge-small"\nbatch = 50\n', source_name="f.toml")
        embedder = load_embedder(settings, url)
        summary = analyze(store, settings, now, embedder)
        assert summary.model_id == embedder.model_id == f"openai:127.0.0.1:{base.rsplit(':', 1)[1]}/bge-small"
        assert summary.items == 120 and summary.embedded == 120
        ids = [w["id"] for w in db.load_window(store, now - timedelta(days=7), now)]
        assert db.missing_embeddings(store, ids, embedder.model_id) == []

        from trendwatch.store.items import write_items

        with store.begin() as conn:
            write_items(conn, [{**db.load_window(store, now - timedelta(days=7), now)[0],
                                "id": "new-item", "external_id": "new", "source_id": 1, "url": "https://e/n",
                                "canonical_url": "https://e/n", "title": "a brand new story",
                                "published_at": now, "fetched_at": now, "minhash": None}])
        fake.model = HashingEmbedder(48)                 # same name, another model behind it
        later = now + timedelta(hours=1)
        with pytest.raises(DimensionMismatch, match="48-d .* are 32-d"):
            analyze(store, settings, later, load_embedder(settings, url))
        assert db.missing_embeddings(store, ["new-item"], embedder.model_id) == ["new-item"]
