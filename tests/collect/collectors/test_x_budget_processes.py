"""Issue 12: `trendwatch collect` beside the service must not overspend X's monthly cap.

Before the quotas table, each process read the count from the source's cursor, both
spent the same remainder and the later write won: with a cap of 150, 200 posts were
read and 100 recorded. Here two processes collect from one loopback fake X against the
same store until the cap stops them.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from tests.conftest import make_settings
from trendwatch.collect.run import collect_sources, source_specs
from trendwatch.store import open_store
from trendwatch.store import sources as source_rows
from trendwatch.store.quotas import get_quota

CAP = 150
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


class FakeX:
    """Recent search answering every request with as many posts as it asked for."""

    def __init__(self) -> None:
        self.served = 0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                query = parse_qs(urlparse(self.path).query)
                want = int(query["max_results"][0])
                time.sleep(0.05)  # a request in flight while the other process asks
                with fake.lock:
                    first = fake.served
                    fake.served += want
                posts = [{"id": str(10_000 + first + i), "text": f"post {first + i} #ebike",
                          "created_at": "2026-11-20T07:00:00.000Z"} for i in range(want)]
                body = json.dumps({"data": posts, "meta": {"result_count": want,
                                                           "newest_id": posts[0]["id"]}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeX:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def x_settings(base_url: str):
    return make_settings(f'[[sources]]\nkind = "x"\nname = "x"\nenabled = true\n'
                         f'hashtags = ["ebike"]\ntoken_env = "X_TOKEN"\n'
                         f'monthly_read_cap = {CAP}\nbase_url = "{base_url}"\n')


def collect_until_capped(database_url: str, base_url: str, start, results) -> None:
    """One process (the service, or a `trendwatch collect` beside it)."""
    os.environ["X_TOKEN"] = "bearer-1"
    store = open_store(database_url, migrate=False)
    settings = x_settings(base_url)
    start.wait()
    messages = []
    try:
        for _ in range(10):
            [outcome] = asyncio.run(collect_sources(store, settings, names=["x"], now=NOW))
            messages.append(outcome.message or outcome.status)
            if outcome.status == "error":
                break
    finally:
        store.close()
        results.put(messages)


def test_processes_sharing_a_store_never_read_past_the_cap(store, database_url):
    context = multiprocessing.get_context("spawn")
    with FakeX() as fake:
        settings = x_settings(fake.url)
        source_rows.sync_sources(store, source_specs(settings.sources), NOW)
        start, results = context.Barrier(2), context.Queue()
        workers = [context.Process(target=collect_until_capped,
                                   args=(database_url, fake.url, start, results))
                   for _ in range(2)]
        for worker in workers:
            worker.start()
        messages = [results.get(timeout=120) for _ in workers]
        for worker in workers:
            worker.join(timeout=30)
        assert [w.exitcode for w in workers] == [0, 0], messages
    assert all("monthly read cap reached" in m[-1] for m in messages), messages
    assert fake.served <= CAP
    quota = get_quota(store, "x:2026-11")
    assert (quota.used, quota.reserved) == (fake.served, 0)
    assert fake.served >= CAP - 9   # the cap stops reading only when less than a request is left
