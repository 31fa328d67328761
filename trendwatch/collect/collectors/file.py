"""`file`: import a local RSS/Atom/JSON Feed, JSON Lines, JSON or CSV file, or a folder of them.

For air-gapped installs, exports from other social tools and replaying history.
Imported items keep their own timestamps. The source cursor remembers each file's
(mtime, size), so unchanged files are skipped; a changed file is read again and
item ids (GUID / canonical URL) make the re-import a no-op for what was already stored.

A file source reads only regular files inside ``[storage] import_dirs`` (symlinks are
followed first, so a link pointing out is refused) and no larger than
``[storage] import_max_bytes``: a config that names /proc/self/environ or ~/.ssh must not
turn the Sources page into a file viewer. Errors name the file, never its content.

Inbound exports (``inbox = true``): a helpdesk or DM export, or an app-store review export,
as CSV, JSON (an array, or an object holding one, e.g. App Store Connect's `{"data": [...]}`)
or JSON Lines. Every record is an inbound message; its own `id` stays its external id. Each
field whose `fields` mapping is left at its default is also found under the usual names
(compared without case, spaces or punctuation; ``parse.records.INBOX_ALIASES``):

  id         id, message_id, review_id, comment_id, ticket_id, conversation_id
  author     author, user, username, screen_name, customer(_name), requester(_name), from,
             sender(_name), reviewer(_name), nickname, reviewer_nickname
  text       text, body, message, content, review, review_text, comment, description
  title      title, subject, review_title
  published  published, created_at, created, date, timestamp, time, sent_at, received_at,
             submitted_at, Review Submit Date and Time (Google Play)
  url        url, link, permalink, review_link, html_url, ticket_url
  rating     rating, stars, star_rating, score (0–10; kept as engagement "rating")
  reply_to   reply_to, in_reply_to(_id), reply_to_id, parent_id, thread_id, thread,
             conversation_id, ticket_id (a thread id equal to the record's id: none)
  lang       lang, language, reviewer_language, locale

`reply_to` and `rating` are read from columns of those names in any file source.
"""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, PrivateAttr, field_validator

from trendwatch.collect.collectors.base import (
    BaseCollector,
    CollectContext,
    CollectResult,
    RawItem,
    SourceState,
)
from trendwatch.collect.parse.records import parse_records_file
from trendwatch.config.schema import (
    PLATFORMS,
    SPECIAL_ROOTS,
    Section,
    SourceOptions,
    StorageSettings,
)
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
    reply_to: str = "reply_to"       # the id of the record this one answers (helpdesk threads)
    rating: str = "rating"           # a review's stars


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

    _storage: StorageSettings | None = PrivateAttr(default=None)

    def default_name(self) -> str:
        return f"file:{Path(self.path).name}"

    def bind_storage(self, storage: StorageSettings) -> tuple[str, str] | None:
        self._storage = storage
        path = Path(self.path)
        # absolute but not resolved: the link is followed (and judged) again at each fetch
        self.path = str(path if path.is_absolute() else storage.base / path)
        problem = outside_problem(Path(self.path), storage.import_roots())
        return ("path", problem) if problem else None

    def storage(self) -> StorageSettings:
        """The [storage] settings this source was loaded with (defaults when built directly)."""
        return self._storage if self._storage is not None else StorageSettings()


def _within(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


def outside_problem(path: Path, roots: list[Path], resolved: Path | None = None) -> str | None:
    """Why ``path`` may not be imported, or None. ``resolved``: its target, symlinks followed."""
    resolved = resolved or path.resolve()
    shown = str(path) if resolved == path else f"{path} (a link to {resolved})"
    special = next((r for r in SPECIAL_ROOTS if _within(resolved, r)), None)
    if special is not None:
        return f"{shown} is under {special}, which holds no exports; refused"
    if not any(_within(resolved, root) for root in roots):
        folders = ", ".join(str(r) for r in roots) or "none"
        return (f"{shown} is outside the import folders ({folders}); move the file there or "
                "add its folder to [storage] import_dirs")
    return None


def guarded_path(path: Path, roots: list[Path]) -> Path:
    """``path`` with symlinks resolved, if it lies inside an import folder; else SourceFileError."""
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        raise SourceFileError(f"{path} does not exist") from None
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        raise SourceFileError(f"{path}: cannot resolve the path ({_reason(exc)})") from None
    problem = outside_problem(path.absolute(), roots, resolved)
    if problem:
        raise SourceFileError(problem)
    return resolved


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or exc.__class__.__name__


def read_import(resolved: Path, max_bytes: int) -> tuple[bytes, list[int]]:
    """Bytes and (mtime, size) of a regular file no larger than ``max_bytes``.

    Opened without following a final symlink and without blocking (a FIFO would hang an
    open()), then checked on the open descriptor, so what is checked is what is read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
        | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(resolved, flags)
    except OSError as exc:
        raise SourceFileError(f"{resolved}: cannot open ({_reason(exc)})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceFileError(f"{resolved} is not a regular file (a device, FIFO, socket "
                                  "or folder); refused")
        if info.st_size > max_bytes:
            raise SourceFileError(f"{resolved} is {info.st_size} bytes, above [storage] "
                                  f"import_max_bytes = {max_bytes}; refused")
        _same_file(fd, resolved)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:  # it grew while being read
                raise SourceFileError(f"{resolved} grew above [storage] import_max_bytes = "
                                      f"{max_bytes} while being read; refused")
            chunks.append(chunk)
        return b"".join(chunks), [info.st_mtime_ns, info.st_size]
    except OSError as exc:
        raise SourceFileError(f"{resolved}: cannot read ({_reason(exc)})") from None
    finally:
        os.close(fd)


def _same_file(fd: int, resolved: Path) -> None:
    """A folder on the way swapped for a symlink between resolve() and open() is refused."""
    link = Path(f"/proc/self/fd/{fd}")
    try:
        opened = os.readlink(link)
    except OSError:  # no /proc (macOS): the O_NOFOLLOW open is the check
        return
    if opened != str(resolved):
        raise SourceFileError(f"{resolved} changed while being opened; refused")


def _fingerprint(resolved: Path) -> list[int]:
    try:
        info = resolved.stat()
    except OSError as exc:
        raise SourceFileError(f"{resolved}: cannot read ({_reason(exc)})") from None
    return [info.st_mtime_ns, info.st_size]


def list_files(root: Path, fmt: str) -> list[Path]:
    """The files a `file` source covers: the file itself, or a folder's files (recursively,
    hidden ones skipped; with format = "auto" only known suffixes)."""
    if not root.exists():
        raise SourceFileError(f"{root} does not exist")
    if not root.is_dir():  # a file, or something read_import refuses for not being one
        return [root]
    try:
        # symlinks are listed too: guarded_path refuses those pointing out, by name
        found = sorted(p for p in root.rglob("*") if (p.is_file() or p.is_symlink())
                       and not any(part.startswith(".") for part in p.relative_to(root).parts))
    except OSError as exc:
        raise SourceFileError(f"cannot list {root}: {_reason(exc)}") from exc
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
        storage = o.storage()
        roots = storage.import_roots()
        root = Path(o.path)
        await asyncio.to_thread(guarded_path, root, roots)
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
            try:
                resolved = guarded_path(path, roots)
                key = str(resolved)
                fingerprint = _fingerprint(resolved)
            except SourceFileError as exc:
                failures.append(str(exc))
                continue
            if seen.get(key) == fingerprint:
                remembered[key] = fingerprint
                continue
            try:
                data, fingerprint = await asyncio.to_thread(read_import, resolved,
                                                            storage.import_max_bytes)
            except SourceFileError as exc:
                failures.append(str(exc))
                continue
            try:
                found, notes = await ctx.cpu(parse_records_file, data, o.format, fields, str(path),
                                             o.inbox)
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
