"""Read feeds.toml: TOML → validated Settings, every problem named by file, line and key."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import (
    ValidationError,
)

from trendwatch.config.env import CONFIG_ENV, DEFAULT_CONFIG_PATH
from trendwatch.config.schema import Settings, SourceOptions
from trendwatch.errors import ConfigError
from trendwatch.present.redact import redact_text


def load_settings(path: str | Path) -> Settings:
    """Read and validate feeds.toml. Raises ConfigError naming file, key and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(
            f"{path}: config file not found. Create one with `trendwatch init` "
            f"or point to it with --config / {CONFIG_ENV}.",
            path=str(path),
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc}", path=str(path)) from exc
    return parse_settings(text, source_name=str(path))


def parse_settings(text: str, source_name: str = DEFAULT_CONFIG_PATH) -> Settings:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source_name}: not valid TOML: {exc}", path=source_name) from exc

    locator = _KeyLocator(text)
    problems: list[str] = []
    raw_sources = raw.pop("sources", [])
    if not isinstance(raw_sources, list):
        raw_sources = []
        problems.append(_problem(source_name, locator, ("sources",), "must be [[sources]] tables"))

    settings: Settings | None = None
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_validation_problems(source_name, locator, exc, prefix=()))

    sources = _validate_sources(raw_sources, source_name, locator, problems)
    if settings is not None:
        # relative paths in the config (import folders, file sources) mean: next to the config
        settings.storage.set_base(Path(source_name).parent.resolve())
        for index, options in sources:
            problem = options.bind_storage(settings.storage)
            if problem is not None:
                key, message = problem
                problems.append(_problem(source_name, locator, ("sources", index, key),
                                         f"source {options.name!r}: {message}"))
    if problems:
        plural = "s" if len(problems) > 1 else ""
        raise ConfigError(
            f"{source_name}: {len(problems)} problem{plural}:\n  " + "\n  ".join(problems),
            path=source_name,
            problems=problems,
        )
    assert settings is not None
    settings.sources = [options for _index, options in sources]
    if settings.company is None and not settings.profiles:
        raise ConfigError(
            f"{source_name}: [company] is missing: add a [company] table with at least `name` "
            "(the company the briefings and post ideas are for)",
            path=source_name,
            problems=["company.name: missing"],
        )
    return settings


def _validate_sources(
    raw_sources: list[Any], source_name: str, locator: _KeyLocator, problems: list[str]
) -> list[tuple[int, SourceOptions]]:
    """The valid sources with their index among the [[sources]] tables."""
    from trendwatch.collect.collectors import (
        REGISTRY,  # the registry imports config models, so import late
    )

    sources: list[tuple[int, SourceOptions]] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_sources):
        where = ("sources", index)
        if not isinstance(raw, dict):
            problems.append(_problem(source_name, locator, where, "must be a table"))
            continue
        kind = raw.get("kind")
        if kind is None:
            problems.append(_problem(source_name, locator, (*where, "kind"),
                                     f"missing; expected one of {sorted(REGISTRY)}"))
            continue
        collector = REGISTRY.get(kind)
        if collector is None:
            problems.append(_problem(source_name, locator, (*where, "kind"),
                                     f"unknown source kind {kind!r}; expected one of {sorted(REGISTRY)}"))
            continue
        try:
            options = collector.Options.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_validation_problems(source_name, locator, exc, prefix=where))
            continue
        if not options.name:
            options.name = options.default_name()
        if options.name in seen:
            problems.append(_problem(source_name, locator, (*where, "name"),
                                     f"duplicate source name {options.name!r} (also used by "
                                     f"sources[{seen[options.name]}]); names must be unique"))
            continue
        seen[options.name] = index
        sources.append((index, options))
    return sources


def _validation_problems(source_name: str, locator: _KeyLocator, exc: ValidationError,
                         prefix: tuple) -> list[str]:
    problems = []
    for error in exc.errors():
        loc = prefix + tuple(error["loc"])
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown key (check the spelling; see README for the options of this table)"
        elif error["type"] == "missing":
            message = "missing (required)"
        elif message.startswith("Value error, "):
            message = message[len("Value error, "):]
        problems.append(_problem(source_name, locator, loc, message))
    return problems


def _format_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _problem(source_name: str, locator: _KeyLocator, loc: tuple, message: str) -> str:
    line = locator.line_of(loc)
    where = f"{source_name}:{line}" if line else source_name
    message = redact_text(message)  # validators quote values: a URL's password stays out
    return f"{where}: {_format_loc(loc)}: {message}" if loc else f"{where}: {message}"


class _KeyLocator:
    """Maps a validation location like ("sources", 3, "every") to its line in the TOML text.

    tomllib keeps no positions, so we follow table headers and `key =` lines; good
    enough to point a person at the right line, which is all it is for.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]+\")\s*=")

    def __init__(self, text: str):
        self.keys: dict[tuple, int] = {}
        counters: dict[str, int] = {}
        table: tuple = ()
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header:
                name = header.group(2).replace('"', "").replace("'", "")
                parts = tuple(p.strip() for p in name.split("."))
                if header.group(1) == "[[":
                    index = counters.get(name, 0)
                    counters[name] = index + 1
                    table = parts[:-1] + (parts[-1], index)
                else:
                    table = parts
                self.keys.setdefault(table, number)
                continue
            key = self._KEY.match(line)
            if key:
                self.keys.setdefault(table + (key.group(1).strip('"'),), number)

    def line_of(self, loc: tuple) -> int | None:
        for end in range(len(loc), 0, -1):
            found = self.keys.get(tuple(loc[:end]))
            if found:
                return found
        return None
