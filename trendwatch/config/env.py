"""The only reader of the environment: config and database locations, secrets named in feeds.toml.

Everything else in the package asks here: ``secret`` for a secret named in feeds.toml,
``process_default`` for process setup (library caches, offline mode) and ``child_env`` for the
environment of a child process. ``tests/config/test_env_reads.py`` keeps it that way.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


class _HasStorage(Protocol):
    """What resolve_paths reads of Settings (typed structurally: the schema imports this module)."""

    @property
    def storage(self) -> Any: ...


DEFAULT_CONFIG_PATH = "feeds.toml"


DEFAULT_DATABASE_URL = "sqlite:///data/trendwatch.db"


CONFIG_ENV = "TRENDWATCH_CONFIG"


DATABASE_ENV = "TRENDWATCH_DATABASE_URL"


@dataclass(frozen=True)
class Paths:
    config: Path
    database_url: str


def resolve_paths(config: str | None, db: str | None, settings: _HasStorage | None = None) -> Paths:
    """Flag > environment > [storage] url > default, for both the config file and the database."""
    config_path = Path(config or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG_PATH)
    url = db or os.environ.get(DATABASE_ENV)
    if not url and settings is not None and settings.storage.url:
        url = settings.storage.url
    return Paths(config=config_path, database_url=url or DEFAULT_DATABASE_URL)


# POSIX order of precedence for the language of messages; LANGUAGE is a GNU list ("ar:en")
_LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
FALLBACK_LANGUAGE = "en"


def locale_language(supported: tuple[str, ...] | frozenset[str] = ()) -> str:
    """The process locale's language as an ISO 639-1 code ("ar_SA.UTF-8" → "ar").

    The first locale variable that is set decides; "C"/"POSIX" and a language outside
    ``supported`` (when given) give ``FALLBACK_LANGUAGE`` (English).
    """
    for name in _LOCALE_VARS:
        value = os.environ.get(name, "").strip()
        if not value:
            continue
        first = value.split(":")[0]
        code = re.split(r"[_.@-]", first)[0].lower()
        if code in ("c", "posix") or not re.fullmatch(r"[a-z]{2,3}", code):
            return FALLBACK_LANGUAGE
        if supported and code not in supported:
            return FALLBACK_LANGUAGE
        return code
    return FALLBACK_LANGUAGE


def secret(env_var: str | None) -> str | None:
    """Read a secret by the environment variable name the config gives."""
    return os.environ.get(env_var) if env_var else None


def process_default(name: str, value: str) -> None:
    """Process setup: set ``name`` for this process and its children unless it is set already."""
    os.environ.setdefault(name, value)


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child process: this one's, with ``extra`` on top."""
    return {**os.environ, **extra}
