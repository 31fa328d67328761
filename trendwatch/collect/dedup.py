"""Canonical URLs, stable item ids and near-duplicate grouping into stories.

A wire story copied by many outlets under different headlines must count once:
items are grouped by exact canonical URL / normalised title, then by MinHash-LSH
over word 3-shingles (datasketch). A story's distinct outlets are what later
count as "independent sources".
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH
from w3lib.url import canonicalize_url

from trendwatch.lang import arabic

NUM_PERM = 64
MINHASH_SCHEME = "affine32"  # stored signatures must be read back with the same scheme
# LSH finds candidates generously (its banding misses some pairs near its threshold);
# each candidate is then confirmed by the signatures' estimated Jaccard similarity.
# Wire copies under different headlines measure 0.6-0.8 over title + body shingles.
LSH_THRESHOLD = 0.45
MATCH_JACCARD = 0.55
MIN_SHINGLES = 6
STORY_WINDOW = timedelta(hours=72)

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "_hs", "oly_", "vero_", "ga_")
_TRACKING_NAMES = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "twclid",
    "ref", "ref_src", "ref_url", "cmpid", "_ga", "mkt_tok", "spm", "share", "smid", "ito",
    "ocid", "cid", "src", "sr_share", "rss", "partner", "at_medium", "at_campaign",
}
_WORD = re.compile(r"\w+", re.UNICODE)


# collect asks twice per item (ids first, to skip items already stored, then the row);
# a feed's worth of recent URLs is enough to make the second ask free
@lru_cache(maxsize=4096)
def canonical_url(url: str | None) -> str | None:
    """Scheme/host normalised, tracking parameters dropped, query sorted, fragment removed."""
    if not url or not url.strip():
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    host = parts.hostname.lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    rebuilt = urlunsplit(("https", host, path, urlencode(query), ""))
    try:
        return canonicalize_url(rebuilt, keep_fragments=False)
    except ValueError:
        return rebuilt


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key.startswith(_TRACKING_PREFIXES) or key in _TRACKING_NAMES


def shareable_url(url: str | None) -> str | None:
    """The link as published minus tracking parameters (utm_*, click ids) and fragment.

    Unlike ``canonical_url`` it keeps scheme, host and parameter order, so the link still
    opens exactly the page the outlet published.
    """
    if not url:
        return url
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    if parts.scheme not in ("http", "https"):
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def item_id(platform: str, source_name: str, *, canonical: str | None, external_id: str | None,
            title: str, published: datetime | None, own_ids: bool = False) -> str:
    """Stable id: platform id for posts, canonical URL for articles, else GUID or title+date.

    ``own_ids``: the source's records are messages with ids of their own (a helpdesk export):
    the record id decides, since every comment of one ticket links to the same ticket URL."""
    if own_ids and external_id:
        key = f"record:{source_name}:{external_id}"
    elif platform not in ("news", "youtube") and external_id:
        key = f"{platform}:{external_id}"
    elif canonical:
        key = f"url:{canonical}"
    elif external_id:
        key = f"guid:{source_name}:{external_id}"
    else:
        key = f"title:{source_name}:{normalize_title(title)}:{published.isoformat() if published else ''}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def normalize_title(title: str) -> str:
    text = unicodedata.normalize("NFKC", title or "").casefold()
    # outlets append " - Outlet" / " | Outlet" to wire headlines
    text = re.split(r"\s+[-|–—]\s+[^-|–—]{2,40}$", text)[0]
    return " ".join(_WORD.findall(text))


def matching_words(text: str) -> list[str]:
    """The words two copies of a story are compared by: case-folded, and Arabic words folded
    (hamza, taa marbuta, tashkeel, tatweel, digits) and without their clitics, because
    outlets reprinting one wire story spell it differently ("والسعودية" / "السعوديه")."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    # match_key is NFKC plus Arabic folding; most texts have no Arabic, and one check over
    # all words (a space is stable under NFKC, so this is NFKC of each word) spares ~100
    # per-word calls per item: the same words, a third of the shingling time
    joined = " ".join(words)
    normalized = unicodedata.normalize("NFKC", joined)
    if arabic.has_arabic(normalized):
        return [arabic.match_key(w) for w in words]
    return words if normalized == joined else [unicodedata.normalize("NFKC", w) for w in words]


def grouping_title(title: str) -> str:
    """``normalize_title`` for grouping copies (not for ids, which must never change): Arabic
    spellings folded as in ``matching_words``."""
    key = normalize_title(title)
    return " ".join(matching_words(key)) if arabic.has_arabic(key) else key


def shingles(text: str, size: int = 3) -> set[bytes]:
    words = matching_words(text)
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + size]).encode() for i in range(len(words) - size + 1)}


def minhash_signature(title: str, text: str) -> bytes | None:
    """MinHash of the item's word 3-shingles, or None when too short to compare reliably."""
    grams = shingles(f"{title} {text[:1500]}")  # wire copies share their lead; tails vary
    if len(grams) < MIN_SHINGLES:
        return None
    # crc32 (C) instead of datasketch's default sha1 per shingle: ~8x faster, and the
    # random affine permutations on top make its linearity harmless. Stored signatures
    # depend on it: change hash, seed or scheme only with a migration that drops them.
    mh = MinHash(num_perm=NUM_PERM, seed=7, scheme=MINHASH_SCHEME, hashfunc=zlib.crc32,
                 permutations=_permutations())
    mh.update_batch(list(grams))
    return mh.hashvalues.astype(np.uint64).tobytes()


@lru_cache(maxsize=1)
def _permutations():
    # generating them costs ~0.3 ms per MinHash; they depend only on seed and num_perm
    return MinHash(num_perm=NUM_PERM, seed=7, scheme=MINHASH_SCHEME).permutations


def _minhash_from_bytes(data: bytes) -> LeanMinHash:
    # LeanMinHash: a full MinHash would regenerate its permutations for every item read back
    return LeanMinHash(seed=7, scheme=MINHASH_SCHEME, hashvalues=np.frombuffer(data, dtype=np.uint64))


def _outlet_key(outlet: str | None) -> str | None:
    return outlet.casefold().strip() or None if outlet else None


@dataclass
class StoryCandidate:
    item_id: str
    story_id: int
    published_at: datetime
    outlet: str | None = None


class StoryIndex:
    """In-memory index of recent items → story ids, for grouping new items.

    Built from the store at the start of a collection run and fed as items are
    written, so one run never needs to re-read what it just stored.
    """

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._by_key: dict[str, StoryCandidate] = {}
        self._by_title: dict[str, list[StoryCandidate]] = defaultdict(list)
        self._signatures: dict[str, LeanMinHash] = {}

    def __len__(self) -> int:
        return len(self._by_key)

    def add(self, item_id: str, story_id: int, published_at: datetime, title: str,
            signature: bytes | None, outlet: str | None = None) -> None:
        if item_id in self._by_key:
            return
        candidate = StoryCandidate(item_id, story_id, published_at, _outlet_key(outlet))
        self._by_key[item_id] = candidate
        key = grouping_title(title)
        if len(key) >= 20:
            self._by_title[key].append(candidate)
        if signature:
            minhash = _minhash_from_bytes(signature)
            self._signatures[item_id] = minhash
            self._lsh.insert(item_id, minhash)

    def find(self, published_at: datetime, title: str, signature: bytes | None,
             outlet: str | None = None) -> int | None:
        """Story id of a near-duplicate from another outlet within the story window, or None.

        Copies within one outlet are not grouped: an outlet's distinct items that look
        alike are templates (event talks, product listings) far more often than reprints,
        and reprints across outlets are what a story's outlet count is for.
        """
        matches: list[StoryCandidate] = list(self._by_title.get(grouping_title(title), ()))
        if signature:
            minhash = _minhash_from_bytes(signature)
            matches += [self._by_key[k] for k in self._lsh.query(minhash)
                        if self._signatures[k].jaccard(minhash) >= MATCH_JACCARD]
        own = _outlet_key(outlet)
        matches = [m for m in matches if abs(m.published_at - published_at) <= STORY_WINDOW
                   and (own is None or m.outlet != own)]
        if not matches:
            return None
        return min(matches, key=lambda m: (m.published_at, m.story_id)).story_id
