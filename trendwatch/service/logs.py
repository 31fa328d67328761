"""Readable, structured service logs: one line per event, ``event key=value …``.

    2026-11-20T07:00:01+0100 INFO  scheduler  job finished job=briefing seconds=1.2 delivered=file,email

Messages are written as ``"event key=%s"`` so they stay greppable and parseable
(``key=value`` pairs; values with spaces are JSON-quoted by the caller).

Every line, traceback included, passes ``RedactFilter``: a driver error quoting a database
URL or a webhook with its token must not put the secret in the log.
"""

from __future__ import annotations

import logging
import sys
import time

from trendwatch.present.redact import redact_text


class RedactFilter(logging.Filter):
    """Masks URL credentials, secret parameters and bearer tokens in a record (message,
    arguments and traceback), so no handler ever sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string: logging reports it itself
            return True
        record.msg, record.args = redact_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True


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
    handler.addFilter(RedactFilter())  # on the handler: records of every logger pass it
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
