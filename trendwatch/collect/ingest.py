"""From RawItems to stored rows: ids, canonical URLs, language, hashtags, stories.

``prepare_rows`` is pure and CPU-bound (runs in the parse pool); ``ItemWriter``
owns the store writes and the story index, one transaction per source result so
a crash never loses what was committed and a rerun never duplicates an item.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Callable, Container, Sequence
from datetime import datetime, timedelta
from typing import Any

from trendwatch.collect.dedup import (
    STORY_WINDOW,
    StoryIndex,
    canonical_url,
    item_id,
    minhash_signature,
)
from trendwatch.collect.parse.text import detect_languages, extract_hashtags, normalize_hashtag
from trendwatch.collect.privacy import handle_free
from trendwatch.models import RawItem
from trendwatch.store import Store
from trendwatch.store import items as item_rows
from trendwatch.store.db import Connection

FUTURE_TOLERANCE = timedelta(hours=1)
# platforms whose items come from a publisher (the feed/channel is the outlet), unlike posts
PUBLISHER_PLATFORMS = frozenset({"news", "youtube"})


def pseudonymizer(key: bytes | None) -> Callable[[str, str], str] | None:
    """Keyed hash of (platform, handle): stable per installation, not reversible without the key."""
    if not key:
        return None

    def pseudonym(platform: str, handle: str) -> str:
        digest = hmac.new(key, f"{platform}:{handle.casefold()}".encode(), hashlib.sha256)
        return "anon:" + digest.hexdigest()[:16]

    return pseudonym


def prepare_rows(raw_items: Sequence[RawItem], *, platform: str, source_name: str,
                 fetched_at: datetime, privacy_key: bytes | None = None) -> list[dict[str, Any]]:
    """Normalise raw items into `items` rows (without source_id/story_id). Pure."""
    rows, _known = prepare_new_rows(raw_items, platform=platform, source_name=source_name,
                                    fetched_at=fetched_at, privacy_key=privacy_key)
    return rows


def candidate_ids(raw_items: Sequence[RawItem], *, platform: str, source_name: str,
                  privacy_key: bytes | None = None, own_ids: bool = False) -> list[str]:
    """The row ids ``prepare_rows`` would give these items (cheap: no text work). Pure."""
    pseudonym = pseudonymizer(privacy_key)
    ids = []
    for raw in raw_items:
        title = (raw.title or "").strip()
        if not title and not (raw.text or "").strip():
            continue
        ids.append(_identity(raw, title, platform, source_name, pseudonym, own_ids)[2])
    return ids


def _identity(raw: RawItem, title: str, platform: str, source_name: str,
              pseudonym: Callable[[str, str], str] | None,
              own_ids: bool = False) -> tuple[RawItem, str | None, str]:
    """The item as stored (handles pseudonymised), its canonical URL and its row id."""
    if pseudonym is not None:  # links and ids name the account too, not only `author`
        raw = handle_free(platform, raw, pseudonym)
    canonical = canonical_url(raw.url)
    row_id = item_id(platform, source_name, canonical=canonical, external_id=raw.external_id,
                     title=title, published=raw.published_at, own_ids=own_ids)
    return raw, canonical, row_id


def prepare_new_rows(raw_items: Sequence[RawItem], *, platform: str, source_name: str,
                     fetched_at: datetime, privacy_key: bytes | None = None,
                     known_ids: Container[str] = frozenset(),
                     own_ids: bool = False) -> tuple[list[dict[str, Any]], int]:
    """``prepare_rows`` for the items whose id is not in ``known_ids``, and how many were.

    An item already stored is skipped before its hashtags, language and MinHash are
    computed: a feed that changed usually repeats most of what it carried last time. Pure.
    """
    pseudonym = pseudonymizer(privacy_key)
    rows: dict[str, dict[str, Any]] = {}
    known: set[str] = set()
    for raw in raw_items:
        title = (raw.title or "").strip()
        text = (raw.text or "").strip()
        if not title and not text:
            continue
        raw, canonical, row_id = _identity(raw, title, platform, source_name, pseudonym, own_ids)
        if row_id in known_ids:
            known.add(row_id)
            continue
        published = raw.published_at or fetched_at
        if published > fetched_at + FUTURE_TOLERANCE:  # clocks and feeds lie
            published = fetched_at
        tags = [normalize_hashtag(t) for t in raw.hashtags if t] or extract_hashtags(f"{title} {text}")
        author = raw.author
        if author and pseudonym is not None:
            author = pseudonym(platform, author)
        # a post's source is its account: emergence counts distinct outlets/accounts, so one
        # person posting ten times is one source (pseudonymised like the author column)
        outlet = raw.outlet or (author if platform not in PUBLISHER_PLATFORMS else None)
        rows[row_id] = {
            "id": row_id,
            "platform": platform,
            "external_id": raw.external_id,
            "outlet": outlet or source_name,
            "author": author,
            "url": raw.url,
            "canonical_url": canonical,
            "title": title,
            "text": text,
            "lang": (raw.lang or "").split("-")[0].lower()[:12] or None,
            "published_at": published,
            "fetched_at": fetched_at,
            "hashtags": list(dict.fromkeys(tags)),
            "engagement": dict(raw.engagement),
            "minhash": minhash_signature(title, text),
        }
    # one batched language detection per source instead of one model call per item
    undetected = [row for row in rows.values() if row["lang"] is None]
    for row, lang in zip(undetected, detect_languages([f"{r['title']}. {r['text']}" for r in undetected])):
        row["lang"] = lang
    return list(rows.values()), len(known)


class ItemWriter:
    """Writes prepared rows, groups them into stories. Thread-safe; one instance per run."""

    def __init__(self, store: Store, now: datetime):
        self.store = store
        self._lock = threading.Lock()
        self._index = StoryIndex()
        self._resolved: dict[int, int] = {}  # placeholder story id → stored id
        self._load_recent(now)

    def _load_recent(self, now: datetime) -> None:
        for row in item_rows.recent_story_items(self.store, now - STORY_WINDOW * 2):
            self._index.add(row.id, row.story_id, row.published_at, row.title, row.minhash,
                            row.outlet)

    def known_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are stored already (one query per 500), to skip their preparation."""
        if not ids:
            return set()
        with self.store.connect() as conn:
            return item_rows.existing_item_ids(conn, ids)

    def write(self, source_id: int, rows: Sequence[dict[str, Any]],
              on_commit: Callable[[Connection, int], None] | None = None) -> int:
        """Insert new rows (existing ids are skipped) in one transaction. Returns how many were new.

        ``on_commit(conn, new)`` runs inside the same transaction (the source's fetch state),
        so items and the state that says they were fetched commit together.
        """
        with self._lock, self.store.begin() as conn:
            new = self._write(conn, source_id, rows) if rows else 0
            if on_commit is not None:
                on_commit(conn, new)
            return new

    def _write(self, conn: Connection, source_id: int, rows: Sequence[dict[str, Any]]) -> int:
        existing = item_rows.existing_item_ids(conn, [r["id"] for r in rows])
        new_rows = [dict(r, source_id=source_id) for r in rows if r["id"] not in existing]
        # new stories get placeholder ids (negative) while grouping, then one bulk insert
        new_stories: dict[int, dict[str, Any]] = {}
        touched: dict[int, datetime] = {}
        for row in sorted(new_rows, key=lambda r: r["published_at"]):
            story_id = self._index.find(row["published_at"], row["title"], row["minhash"],
                                        row["outlet"])
            story_id = self._resolved.get(story_id, story_id) if story_id is not None else None
            if story_id is None:
                story_id = -(len(self._resolved) + len(new_stories) + 1)
                new_stories[story_id] = {"title": row["title"][:500],
                                         "first_seen_at": row["published_at"],
                                         "last_seen_at": row["published_at"]}
            elif story_id < 0:
                new_stories[story_id]["last_seen_at"] = row["published_at"]
            else:
                touched[story_id] = max(touched.get(story_id, row["published_at"]), row["published_at"])
            row["story_id"] = story_id
            # indexed at once: one feed (Google News) can carry several outlets' copies
            self._index.add(row["id"], story_id, row["published_at"], row["title"],
                            row["minhash"], row["outlet"])
        if new_stories:
            placeholders = list(new_stories)
            stored = item_rows.insert_stories(conn, [new_stories[p] for p in placeholders])
            self._resolved.update(zip(placeholders, stored))
            for row in new_rows:
                row["story_id"] = self._resolved.get(row["story_id"], row["story_id"])
        item_rows.extend_stories(conn, touched)
        return item_rows.insert_items(conn, new_rows)


# --- the customer-care inbox ------------------------------------------------------------------
# Decides, per raw item, whether it is an inbound message and why ({"kind": "company",
# "term": "Acme"} …), or None. Built by the service from [inbox] (collection does not know
# what a mention is); called before pseudonymising, so it sees the real author.
InboundPicker = Callable[[RawItem], "dict[str, Any] | None"]


def _body(raw: RawItem) -> str:
    title, text = (raw.title or "").strip(), (raw.text or "").strip()
    if not text or text.startswith(title):  # a record without a subject has title = text[:120]
        return text or title
    return f"{title}\n\n{text}" if title else text


def inbound_rows(raw_items: Sequence[RawItem], rows: Sequence[dict[str, Any]], *, platform: str,
                 source_name: str, pick: InboundPicker,
                 privacy_key: bytes | None = None, own_ids: bool = False) -> list[dict[str, Any]]:
    """The inbound messages among the new ``rows`` (as ``prepare_new_rows`` made them from
    ``raw_items``): one per item ``pick`` accepts, with the person's REAL handle, link and
    external id (the team answers with them; the item row keeps the pseudonym). Pure."""
    pseudonym = pseudonymizer(privacy_key)
    by_id = {row["id"]: row for row in rows}
    found: dict[str, dict[str, Any]] = {}
    for raw in raw_items:
        title = (raw.title or "").strip()
        if not title and not (raw.text or "").strip():
            continue
        _stored, _canonical, row_id = _identity(raw, title, platform, source_name, pseudonym,
                                                own_ids)
        row = by_id.get(row_id)
        if row is None or row_id in found:
            continue
        mention = pick(raw)
        if mention is None:
            continue
        found[row_id] = {
            "item_id": row_id, "source": source_name, "platform": platform,
            "external_id": raw.external_id, "url": raw.url, "author": raw.author,
            "text": _body(raw), "lang": row["lang"], "received_at": row["published_at"],
            "reply_to": raw.reply_to, "engagement": dict(raw.engagement),
            "mention": dict(mention),
        }
    return list(found.values())
