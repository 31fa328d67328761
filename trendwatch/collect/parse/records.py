"""Pure parsing of exported records (JSON Lines, JSON arrays, CSV) into RawItems.

Exports from other social tools name their columns differently, so every field
goes through a mapping (our field → their column; a dotted name reaches into
nested JSON such as ``user.screen_name``). A bad record never stops the file: it
becomes a warning naming file and line, and the rest is kept.

Messages never quote the file's content (they end up on the Sources page, in the
briefing and in webhook payloads): they say file, line, column and what was expected.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from trendwatch.collect.parse.feeds import parse_feed, read_date
from trendwatch.collect.parse.text import html_to_text
from trendwatch.collect.parse.values import as_text, epoch_to_utc, sane_time
from trendwatch.errors import ParseError
from trendwatch.models import RawItem

FIELDS = ("id", "title", "text", "url", "published", "author", "source", "hashtags", "lang",
          "reply_to", "rating")
DEFAULT_FIELDS = {name: name for name in FIELDS}

# Inbound exports (helpdesk tickets and comments, DM exports, app-store reviews) name their
# columns in many ways. For a source with `inbox = true`, a field whose mapping was left at
# its default is looked up under these names too, the first one present winning. Names are
# compared normalised (case, spaces and punctuation ignored: "Review Text" = review_text);
# dotted names reach into nested JSON (App Store Connect's `attributes.body`).
INBOX_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "message_id", "review_id", "comment_id", "ticket_id", "conversation_id",
           "data.id"),
    "title": ("title", "subject", "review_title", "attributes.title"),
    "text": ("text", "body", "message", "content", "review", "review_text", "comment",
             "description", "attributes.body"),
    "url": ("url", "link", "permalink", "review_link", "html_url", "ticket_url"),
    "published": ("published", "created_at", "created", "date", "timestamp", "time", "sent_at",
                  "received_at", "submitted_at", "review_submit_date_and_time",
                  "review_submit_millis_since_epoch", "attributes.createdDate"),
    "author": ("author", "user", "username", "user_name", "screen_name", "customer",
               "customer_name", "requester", "requester_name", "from", "sender", "sender_name",
               "reviewer", "reviewer_name", "nickname", "reviewer_nickname",
               "attributes.reviewerNickname", "user.screen_name", "author.name"),
    # a channel ("email", "web") is not an outlet: a message's source is its author
    "source": ("source",),
    "hashtags": ("hashtags", "tags"),
    "lang": ("lang", "language", "reviewer_language", "locale"),
    "reply_to": ("reply_to", "in_reply_to", "in_reply_to_id", "reply_to_id", "parent_id",
                 "thread_id", "thread", "conversation_id", "ticket_id"),
    "rating": ("rating", "stars", "star_rating", "score", "attributes.rating"),
}
_NOT_NAME = re.compile(r"[^0-9a-z]+")
MAX_LISTED_PROBLEMS = 10
_TAG_SPLIT = re.compile(r"[\s,;]+")


class BadRecord(ValueError):
    """One record cannot be imported; the message says why (without the location)."""


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Text of an export: UTF-8 (with or without BOM), else the most likely charset."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    # on a tie, the Windows/Excel default wins: short western exports fit several code pages
    for match in matches:
        if (best is not None and match.encoding == "cp1252" and match.chaos <= best.chaos
                and match.coherence >= best.coherence):
            best = match
    if best is None:
        return data.decode("utf-8", errors="replace"), "not UTF-8 and no other encoding fits; " \
            "undecodable bytes replaced"
    return str(best), f"not UTF-8; read as {best.encoding}"


def _lookup(record: Mapping[str, Any], key: str) -> Any:
    if key in record:
        return record[key]
    value: Any = record
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise BadRecord(f"expected text, got {type(value).__name__}")
    return as_text(value).strip()


def parse_published(value: Any) -> datetime | None:
    """ISO 8601 (also RFC 822, or epoch seconds/milliseconds) → aware UTC. BadRecord if unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadRecord(f"published {value!r} is not a date")
    # a date that is readable but outside 1990 … now + 2 days is unknown (None), not an error
    if isinstance(value, (int, float)) or (isinstance(value, str) and re.fullmatch(r"\d{9,13}(\.\d+)?", value.strip())):
        try:
            seconds = float(value)
        except OverflowError:  # an integer too large for a float
            return None
        if seconds > 1e11:  # milliseconds, as many exports write them
            seconds /= 1000
        return epoch_to_utc(seconds)
    if not isinstance(value, str):
        raise BadRecord(f"published must be a date string or epoch seconds, got {type(value).__name__}")
    text = as_text(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = read_date(text) if re.search(r"\d{4}", text) else None
        if parsed is None:
            raise BadRecord("published is not an ISO 8601 date (nor RFC 822 or epoch seconds)") from None
    return sane_time(parsed)


def parse_hashtags(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        parts = [as_text(v) for v in value if isinstance(v, (str, int)) and not isinstance(v, bool)]
    elif isinstance(value, str):
        parts = _TAG_SPLIT.split(as_text(value))
    else:
        raise BadRecord(f"hashtags must be a list or a string, got {type(value).__name__}")
    return [p.strip().lstrip("#＃") for p in parts if p.strip().lstrip("#＃")]


def column_name(name: str) -> str:
    """A column or key compared loosely: "Review Text", "review-text" → review_text."""
    return _NOT_NAME.sub("_", name.casefold()).strip("_")


class _Fields:
    """Where each field of a record is read: its mapping, and with ``inbox`` the aliases."""

    def __init__(self, fields: Mapping[str, str], inbox: bool):
        self.mapped = {**DEFAULT_FIELDS, **fields}
        # only fields left at their default are guessed: an explicit mapping is obeyed
        self.guess = {name for name in FIELDS if inbox and self.mapped[name] == name}

    def value(self, record: Mapping[str, Any], name: str,
              loose: Mapping[str, str] | None = None) -> Any:
        found = _lookup(record, self.mapped[name])
        if found not in (None, "") or name not in self.guess:
            return found
        if loose is None:
            loose = {column_name(k): k for k in record if isinstance(k, str)}
        for alias in INBOX_ALIASES[name]:
            key = loose.get(column_name(alias)) if "." not in alias else None
            value = record[key] if key is not None else _lookup(record, alias)
            if value not in (None, ""):
                return value
        return None

    def has_text_column(self, columns: list[str]) -> bool:
        loose = {column_name(c) for c in columns}
        for name in ("title", "text"):
            if self.mapped[name] in columns:
                return True
            if name in self.guess and any(column_name(a) in loose for a in INBOX_ALIASES[name]):
                return True
        return False


def parse_rating(value: Any) -> float | None:
    """A review's stars: 4, "4", "4.5", "4/5" → a number from 0 to 10; anything else unknown."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{1,2}(?:[.,]\d+)?)\s*(?:/\s*\d{1,2})?\s*", value)
        value = float(match[1].replace(",", ".")) if match else None
    if isinstance(value, (int, float)) and 0 <= value <= 10:
        return float(value)
    return None


def record_to_item(record: Mapping[str, Any], fields: Mapping[str, str] | _Fields,
                   *, inbox: bool = False) -> RawItem:
    """One mapped record → RawItem. Raises BadRecord naming the problem.

    With ``inbox`` (a source of inbound messages) common column names of helpdesk, DM and
    review exports are recognised too (``INBOX_ALIASES``), and the record keeps its
    thread (``reply_to``) and its stars (``engagement["rating"]``).
    """
    f = fields if isinstance(fields, _Fields) else _Fields(fields, inbox)
    loose = {column_name(k): k for k in record if isinstance(k, str)} if f.guess else None

    def read(name: str) -> Any:
        return f.value(record, name, loose)

    title = html_to_text(_text(read("title")))
    text = html_to_text(_text(read("text")))
    if not title and not text:
        raise BadRecord(f"no title or text (looked for {f.mapped['title']!r} and "
                        f"{f.mapped['text']!r}{' and their usual names' if f.guess else ''})")
    url = _text(read("url")) or None
    external_id = _text(read("id")) or None
    reply_to = _text(read("reply_to")) or None
    rating = parse_rating(read("rating"))
    return RawItem(
        title=title or text[:120],
        text=text if text != title else "",
        url=url,
        external_id=external_id or url,
        published_at=parse_published(read("published")),
        author=_text(read("author")) or None,
        outlet=_text(read("source")) or None,
        hashtags=parse_hashtags(read("hashtags")),
        lang=_text(read("lang")) or None,
        engagement={"rating": rating} if rating is not None else {},
        # a thread id equal to the record's own id is the thread's first message
        reply_to=reply_to if reply_to != external_id else None,
    )


class _Problems:
    def __init__(self, name: str):
        self.name = name
        self.listed: list[str] = []
        self.count = 0

    def add(self, line: int, message: str) -> None:
        self.count += 1
        if len(self.listed) < MAX_LISTED_PROBLEMS:
            self.listed.append(f"{self.name}:{line}: {message}")

    def warnings(self) -> list[str]:
        more = self.count - len(self.listed)
        return self.listed + ([f"{self.name}: … and {more} more bad records"] if more > 0 else [])


def _collect(records: Iterator[tuple[int, Any]], fields: _Fields,
             problems: _Problems) -> list[RawItem]:
    items = []
    for line, record in records:
        if not isinstance(record, Mapping):
            problems.add(line, f"expected an object, got {type(record).__name__}")
            continue
        try:
            items.append(record_to_item(record, fields))
        except BadRecord as exc:
            problems.add(line, str(exc))
    return items


def _json_problem(exc: BaseException) -> str:
    """Where and what json.loads expected, without the text it saw."""
    if isinstance(exc, json.JSONDecodeError):
        # JSONDecodeError.msg is a fixed phrase ("Expecting value", "Unterminated string …")
        return f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return exc.__class__.__name__


def parse_jsonl(text: str, fields: Mapping[str, str], name: str,
                inbox: bool = False) -> tuple[list[RawItem], list[str]]:
    problems = _Problems(name)

    def records() -> Iterator[tuple[int, Any]]:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except (ValueError, RecursionError) as exc:
                problems.add(number, f"not valid JSON ({_json_problem(exc)})")

    items = _collect(records(), _Fields(fields, inbox), problems)
    return items, problems.warnings()


def parse_json_records(text: str, fields: Mapping[str, str], name: str,
                       inbox: bool = False) -> tuple[list[RawItem], list[str]]:
    """A JSON array of records, or an object holding one (e.g. {"items": [...]})."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"{name}: not valid JSON ({_json_problem(exc)})") from None
    if isinstance(data, Mapping):
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list):
        raise ParseError(f"{name}: expected a JSON array of records")
    problems = _Problems(f"{name}: record")
    items = _collect(((i, r) for i, r in enumerate(data, start=1)), _Fields(fields, inbox),
                     problems)
    return items, problems.warnings()


def parse_csv(text: str, fields: Mapping[str, str], name: str,
              inbox: bool = False) -> tuple[list[RawItem], list[str]]:
    # the delimiter is whichever candidate the header line uses most (csv.Sniffer guesses
    # quoting from the data rows too and gets doubled quotes wrong)
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t|", key=header.count) if header else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        columns = [c for c in reader.fieldnames or [] if isinstance(c, str)]
    except csv.Error as exc:
        raise ParseError(f"{name}:1: the CSV header line cannot be read ({_csv_problem(exc)})") from None
    mapping = _Fields(fields, inbox)
    f = mapping.mapped
    if not mapping.has_text_column(columns):
        # the header's own names are not quoted: a file that is no CSV at all (a key, an
        # environment dump) would otherwise be copied into the error
        raise ParseError(
            f"{name}:1: expected a header line with a {f['title']!r} or {f['text']!r} column, "
            f"found {len(columns)} other column(s); map yours with the source's `fields` table, "
            "e.g. fields = { title = \"Headline\" }"
        )
    problems = _Problems(name)

    def records() -> Iterator[tuple[int, Any]]:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                problems.add(reader.line_num, f"bad CSV ({_csv_problem(exc)})")
                continue
            # values for missing trailing columns are None; extra ones sit under the None key
            yield reader.line_num, {k: v for k, v in row.items() if k is not None}

    items = _collect(records(), mapping, problems)
    return items, problems.warnings()


def _csv_problem(exc: csv.Error) -> str:
    # the csv module's messages are fixed phrases ("line contains NUL", "field larger than
    # field limit (131072)"); cut anyway, they are not ours
    return str(exc)[:120]


def sniff_format(data: bytes, suffix: str) -> str | None:
    """rss | jsonl | json | csv from the file suffix, else from the first bytes; None = unknown."""
    suffix = suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".xml", ".rss", ".atom", ".rdf"):
        return "rss"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096]
    if head.startswith(b"<"):
        return "rss"
    if head.startswith(b"["):
        return "json"
    if head.startswith(b"{"):
        if b"jsonfeed.org" in head:
            return "rss"
        if suffix == ".json":
            return "json"
        first_line = head.split(b"\n", 1)[0].strip()
        return "jsonl" if first_line.endswith(b"}") else "json"
    if suffix == ".json":
        return "json"
    return None


def parse_records_file(data: bytes, fmt: str, fields: Mapping[str, str],
                       name: str, inbox: bool = False) -> tuple[list[RawItem], list[str]]:
    """Parse one imported file's bytes. ``fmt`` is auto|rss|jsonl|json|csv. Pure.

    ``inbox``: the file holds inbound messages (see ``INBOX_ALIASES``).

    Raises ParseError (naming the file) when nothing can be read from it at all.
    """
    if fmt == "auto":
        suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
        detected = sniff_format(data, suffix)
        if detected is None:
            raise ParseError(f"{name}: cannot tell the format; set format = \"rss\", \"jsonl\" or \"csv\"")
        fmt = detected
    if fmt == "rss":
        try:
            parsed = parse_feed(data)
        except ParseError as exc:
            raise ParseError(f"{name}: {exc}") from exc
        return parsed.items, [f"{name}: {w}" for w in parsed.warnings]
    text, note = decode_text(data)
    notes = [f"{name}: {note}"] if note else []
    if fmt == "jsonl":
        items, warnings = parse_jsonl(text, fields, name, inbox)
    elif fmt == "json":
        items, warnings = parse_json_records(text, fields, name, inbox)
    elif fmt == "csv":
        items, warnings = parse_csv(text, fields, name, inbox)
    else:
        raise ValueError(f"unknown import format {fmt!r}")
    return items, notes + warnings
