"""Readable, structured service logs: one line per event, ``event key=value …``.

    2026-11-20T07:00:01+0100 INFO  scheduler  job finished job=briefing seconds=1.2 delivered=file,email

Messages are written as ``"event key=%s"`` so they stay greppable and parseable
(``key=value`` pairs; values with spaces are JSON-quoted by the caller).
"""

from __future__ import annotations

import logging
import sys
import time


class _Formatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-5s %(short)-9s %(message)s",
                         datefmt="%Y-%m-%dT%H:%M:%S%z")

    def format(self, record: logging.LogRecord) -> str:
        record.short = record.name.rsplit(".", 1)[-1]
        return super().format(record)


def setup_logging(level: str = "info", stream=None) -> None:
    """Configure the root logger for the service (idempotent)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(_Formatter())
    _Formatter.converter = time.localtime
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # APScheduler logs every tick at INFO and a warning for every tick skipped while a long
    # step runs (by design: max_instances=1); missed-run warnings of the executors still show
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
    for noisy in ("httpx", "urllib3", "aiohttp.access", "sentence_transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
