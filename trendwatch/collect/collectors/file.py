"""`file`: import a local RSS/Atom/JSON Feed, JSON Lines, JSON or CSV file, or a folder of them.

For air-gapped installs, exports from other social tools and replaying history.
Imported items keep their own timestamps. The source cursor remembers each file's
(mtime, size), so unchanged files are skipped; a changed file is read again and
item ids (GUID / canonical URL) make the re-import a no-op for what was already stored.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from trendwatch.collect.collectors.base import (
    BaseCollector,
    CollectContext,
    CollectResult,
    RawItem,
    SourceState,
)
from trendwatch.collect.parse.records import parse_records_file
from trendwatch.config.schema import PLATFORMS, Section, SourceOptions
from trendwatch.errors import ParseError, SourceFileError

KNOWN_SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".json", ".jsonl", ".ndjson", ".csv", ".tsv"}


class FieldMap(Section):
    """Which column/key of the export holds each field (dotted names reach into nested JSON)."""

    id: str = "id"
    title: str = "title"
    text: str = "text"
    url: str = "url"
    published: str = "published"     # ISO 8601 (RFC 822 and epoch seconds/ms also read)
    author: str = "author"
    source: str = "source"           # outlet or account
    hashtags: str = "hashtags"       # a list, or one string separated by spaces/commas
    lang: str = "lang"


class FileOptions(SourceOptions):
    path: str = Field(min_length=1)
    format: Literal["auto", "rss", "jsonl", "csv"] = "auto"
    fields: FieldMap = FieldMap()
    platform: str = "news"           # what the imported items count as (news, mastodon, x, …)

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        return str(Path(value).expanduser())

    @field_validator("platform")
    @classmethod
    def _platform(cls, value: str) -> str:
        value = value.lower()
        if value != "news" and value not in PLATFORMS:
            raise ValueError(f"unknown platform {value!r}; expected 'news' or one of {list(PLATFORMS)}")
        return value

    def default_name(self) -> str:
        return f"file:{Path(self.path).name}"


def _fingerprint(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_mtime_ns, stat.st_size]


def list_files(root: Path, fmt: str) -> list[Path]:
    """The files a `file` source covers: the file itself, or a folder's files (recursively,
    hidden ones skipped; with format = "auto" only known suffixes)."""
    if not root.exists():
        raise SourceFileError(f"{root} does not exist")
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise SourceFileError(f"{root} is neither a file nor a folder")
    try:
        found = sorted(p for p in root.rglob("*") if p.is_file()
                       and not any(part.startswith(".") for part in p.relative_to(root).parts))
    except OSError as exc:
        raise SourceFileError(f"cannot list {root}: {exc}") from exc
    if fmt == "auto":
        found = [p for p in found if p.suffix.lower() in KNOWN_SUFFIXES]
    return found


class FileCollector(BaseCollector):
    kind: ClassVar[str] = "file"
    platform: str = "news"
    Options = FileOptions

    def __init__(self, options: FileOptions):
        super().__init__(options)
        self.platform = options.platform

    def target(self) -> str:
        return str(Path(self.options.path).resolve())

    async def collect(self, ctx: CollectContext, state: SourceState) -> CollectResult:
        o = self.options
        root = Path(o.path)
        files = await asyncio.to_thread(list_files, root, o.format)
        seen: dict[str, Any] = dict(state.cursor.get("files") or {})
        remembered: dict[str, list[int]] = {}
        items: list[RawItem] = []
        warnings: list[str] = []
        failures: list[str] = []
        read_any = False
        received = 0
        fields = o.fields.model_dump()
        for path in files:
            key = str(path.resolve())
            try:
                fingerprint = _fingerprint(path)
            except OSError as exc:
                failures.append(f"{path}: cannot read ({exc.strerror or exc})")
                continue
            if seen.get(key) == fingerprint:
                remembered[key] = fingerprint
                continue
            try:
                data = await asyncio.to_thread(path.read_bytes)
            except OSError as exc:
                failures.append(f"{path}: cannot read ({exc.strerror or exc})")
                continue
            try:
                found, notes = await ctx.cpu(parse_records_file, data, o.format, fields, str(path))
            except ParseError as exc:
                failures.append(str(exc))  # not remembered: tried again once it is fixed
                continue
            read_any = True
            received += len(data)
            items.extend(found)
            warnings.extend(notes)
            remembered[key] = fingerprint
        if failures and not read_any and not remembered:
            raise ParseError("; ".join(failures[:5]) + (f"; … and {len(failures) - 5} more"
                                                         if len(failures) > 5 else ""))
        if not files:
            warnings.append(f"{root}: no files to import")
        new_state = SourceState(url=self.target(), cursor={**state.cursor, "files": remembered})
        return CollectResult(items=items, state=new_state, warnings=failures + warnings,
                             bytes_received=received, not_modified=not read_any and not failures)
