"""Shared CLI plumbing: --config/--db on every command, output formats, error display."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from trendwatch.config.env import CONFIG_ENV, DATABASE_ENV, process_default, resolve_paths
from trendwatch.config.load import load_settings
from trendwatch.config.schema import Settings
from trendwatch.present.formats import ago  # noqa: F401  (re-exported for the CLI modules)
from trendwatch.present.terminal import printable
from trendwatch.store import Store, open_store

console = Console()
err_console = Console(stderr=True)

# a hub lookup for a model name burns ~70 s offline; the packaged model needs none
process_default("HF_HUB_OFFLINE", "1")


@dataclass
class Env:
    config_path: str | None
    db_url: str | None

    def settings(self) -> Settings:
        return load_settings(resolve_paths(self.config_path, self.db_url).config)

    def database_url(self, settings: Settings | None = None) -> str:
        return resolve_paths(self.config_path, self.db_url, settings).database_url

    def store(self, settings: Settings | None = None) -> Store:
        return open_store(self.database_url(settings))


def common_options(fn: Callable) -> Callable:
    """Add --config and --db to a command and pass an ``Env`` as ``env``."""

    @click.option("--config", "config_path", metavar="PATH", envvar=CONFIG_ENV,
                  help=f"feeds.toml to use [env {CONFIG_ENV}; default ./feeds.toml]")
    @click.option("--db", "db_url", metavar="URL", envvar=DATABASE_ENV,
                  help=f"database URL [env {DATABASE_ENV}; default sqlite:///data/trendwatch.db]")
    @functools.wraps(fn)
    def wrapper(config_path: str | None, db_url: str | None, **kwargs: Any) -> Any:
        return fn(env=Env(config_path, db_url), **kwargs)

    return wrapper


format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
    help="table for people, json for scripts (stable fields, see README)",
)


def to_jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def print_json(data: Any) -> None:
    click.echo(json.dumps(to_jsonable(data), ensure_ascii=False, indent=2))


def print_table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                styles: dict[str, str] | None = None) -> None:
    from rich.text import Text

    table = Table(title=Text(printable(title)) if title is not None else None,
                  header_style="bold", show_lines=False)
    for column in columns:
        table.add_column(column, style=(styles or {}).get(column), overflow="fold")
    for row in rows:
        # feed text is data: never let rich interpret [markup] inside it, nor the
        # terminal escape sequences inside it
        table.add_row(*[_cell(v) for v in row])
    console.print(table)


def _cell(value: Any):
    from rich.text import Text

    if value is None:
        return Text("–", style="dim")
    if isinstance(value, Text):
        clean = printable(value.plain)
        # styled cells are built by the CLI; only hostile text inside one loses its spans
        return value if clean == value.plain else Text(clean, style=value.style)
    return Text(printable(value))
