"""Platform limits, enforced by code: measure a draft the way the platform does, and fit it.

Counting rules:
- X: weighted length from the official twitter-text rules (``twitter-text-parser``):
  every URL counts 23, CJK and emoji count 2, most other scripts (Latin, Arabic…) 1.
- Bluesky: 300 graphemes (``grapheme``) and at most 3000 UTF-8 bytes (the lexicon's two limits).
- Mastodon: grapheme clusters with every URL counted as 23, against the instance's limit.
- Everyone else: UTF-16 code units. It is the largest of the usual counts (≥ code points ≥
  graphemes), so a draft that fits here fits whatever the platform really counts.

Fitting never cuts inside a word: the body is shortened at a whitespace boundary with an
ellipsis, then hashtags are given up, and if even that cannot fit the draft is dropped with
a reason a person can read.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import grapheme

from trendwatch.lang.bidi import close_isolates

_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)", re.UNICODE)
ELLIPSIS = "…"
# where a draft may be shortened: whitespace, but not a no-break space ("Période :", "40 %")
_WORD_BREAKS = re.compile(r"((?:(?![\u00a0\u202f])\s)+)")
MIN_WORDS = 4   # a body shortened below this says nothing; give up hashtags or drop instead


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _x(text: str) -> int:
    with warnings.catch_warnings():  # twitter-text-parser imports pkg_resources: slow, so lazily
        warnings.simplefilter("ignore")
        from twitter_text import parse_tweet
    return parse_tweet(text).weightedLength


def _graphemes(text: str) -> int:
    return grapheme.length(text)


def _mastodon(text: str) -> int:
    return grapheme.length(_URL.sub("x" * 23, text))


@dataclass(frozen=True)
class PlatformSpec:
    name: str
    limit: int
    counter: Callable[[str], int]
    unit: str
    max_hashtags: int | None = None   # platform rule or strong convention
    target: int | None = None         # what the generator aims for when the limit is huge
    max_bytes: int | None = None
    video: bool = False               # drafts are short video concepts, not paragraphs

    def measure(self, text: str) -> int:
        return self.counter(text)

    def fits(self, text: str) -> bool:
        if self.max_bytes is not None and len(text.encode("utf-8")) > self.max_bytes:
            return False
        return self.measure(text) <= self.limit and self.hashtag_count(text) <= (
            self.max_hashtags if self.max_hashtags is not None else 10**9)

    @staticmethod
    def hashtag_count(text: str) -> int:
        return len(_HASHTAG.findall(text))


SPECS: dict[str, PlatformSpec] = {
    "x": PlatformSpec("x", 280, _x, "weighted characters"),
    "bluesky": PlatformSpec("bluesky", 300, _graphemes, "graphemes", max_bytes=3000),
    "mastodon": PlatformSpec("mastodon", 500, _mastodon, "characters (URLs count 23)"),
    "threads": PlatformSpec("threads", 500, _utf16, "characters", max_hashtags=1),
    "linkedin": PlatformSpec("linkedin", 3000, _utf16, "characters", max_hashtags=5),
    "instagram": PlatformSpec("instagram", 2200, _utf16, "characters", max_hashtags=5),
    "tiktok": PlatformSpec("tiktok", 4000, _utf16, "characters", video=True),
    "facebook": PlatformSpec("facebook", 63206, _utf16, "characters", target=480),
    "snapchat": PlatformSpec("snapchat", 250, _utf16, "characters", video=True),
    "youtube": PlatformSpec("youtube", 5000, _utf16, "characters", video=True),
    "reddit": PlatformSpec("reddit", 40000, _utf16, "characters", max_hashtags=0, target=1500),
}


def spec(platform: str, *, mastodon_limit: int = 500) -> PlatformSpec:
    try:
        found = SPECS[platform]
    except KeyError:
        raise ValueError(f"unknown platform {platform!r}; expected one of {sorted(SPECS)}") from None
    if platform == "mastodon" and mastodon_limit != found.limit:
        return PlatformSpec("mastodon", mastodon_limit, _mastodon, found.unit)
    return found


def measure(platform: str, text: str, *, mastodon_limit: int = 500) -> int:
    return spec(platform, mastodon_limit=mastodon_limit).measure(text)


@dataclass(frozen=True)
class DraftCheck:
    """A stored draft measured the way its platform counts, against the platform's rules.

    The same rules ``fit`` applies when drafting, so a draft the generator fitted is shown as
    fitting, and one it could not fit is shown as too long.
    """

    platform: str
    length: int
    limit: int | None
    unit: str
    hashtags: int
    max_hashtags: int | None
    problem: str | None      # why it cannot be posted as is (``validate``), None when it fits
    size: int = 0            # UTF-8 bytes
    max_bytes: int | None = None

    @property
    def fits(self) -> bool:
        return self.problem is None

    def summary(self) -> str:
        limit = f"/{self.limit}" if self.limit else ""
        text = f"{self.length}{limit} {self.unit}"
        if self.max_hashtags is not None:
            text += f" · {self.hashtags}/{self.max_hashtags} hashtags"
        if self.max_bytes is not None and self.size > self.max_bytes:
            text += f" · {self.size}/{self.max_bytes} bytes"
        return text


def check(platform: str, text: str, *, mastodon_limit: int = 500) -> DraftCheck:
    """Measure ``text`` for ``platform``: length in the platform's unit, hashtags, verdict.

    A platform this module does not know has no limit: its text is counted in UTF-16 code
    units (the largest usual count) and always fits.
    """
    name = (platform or "").lower()
    if name not in SPECS:
        return DraftCheck(name, _utf16(text), None, "characters", PlatformSpec.hashtag_count(text),
                          None, None)
    platform_spec = spec(name, mastodon_limit=mastodon_limit)
    return DraftCheck(name, platform_spec.measure(text), platform_spec.limit, platform_spec.unit,
                      platform_spec.hashtag_count(text), platform_spec.max_hashtags,
                      validate(name, text, mastodon_limit=mastodon_limit),
                      len(text.encode("utf-8")), platform_spec.max_bytes)


def check_draft(draft: Mapping[str, Any], *, mastodon_limit: int | None = None) -> DraftCheck:
    """``check`` for a stored draft (``{"platform", "text", "limit"}``, see ``Fitted.as_draft``).

    Mastodon's limit is the instance's: ``mastodon_limit`` (from the settings) when given, else
    the limit the draft was fitted to.
    """
    platform = str(draft.get("platform") or "").lower()
    if mastodon_limit is None:
        stored = draft.get("limit") if platform == "mastodon" else None
        mastodon_limit = int(stored) if stored else 500
    return check(platform, str(draft.get("text") or ""), mastodon_limit=mastodon_limit)


@dataclass(frozen=True)
class Fitted:
    """A draft as it will be shown: ``text`` is None when it was dropped (then ``reason`` says why)."""

    platform: str
    text: str | None
    length: int
    limit: int
    shortened: bool = False
    reason: str | None = None
    note: str | None = None       # what was changed after drafting (links removed, see links.py)

    @property
    def ok(self) -> bool:
        return self.text is not None

    def as_draft(self) -> dict:
        draft = {"platform": self.platform, "text": self.text, "length": self.length,
                 "limit": self.limit}
        if self.note:
            draft["note"] = self.note
        return draft


def hashtag_line(tags: Sequence[str]) -> str:
    return " ".join(f"#{t.lstrip('#')}" for t in tags if t.strip("# "))


def cap_hashtags(text: str, most: int | None) -> str:
    """Keep the first ``most`` hashtags: later ones in running text lose their '#', a trailing
    block of extra hashtags is removed."""
    if most is None or len(_HASHTAG.findall(text)) <= most:
        return text
    tokens = re.split(r"(\s+)", text)
    is_tag = [bool(_HASHTAG.fullmatch(t.rstrip(".,;:!?"))) for t in tokens]
    # the trailing block of hashtags (two or more) is a tag list, not running text
    block_start = len(tokens)
    for index in range(len(tokens) - 1, -1, -1):
        if is_tag[index] or not tokens[index].strip():
            block_start = index
        else:
            break
    in_block = sum(is_tag[block_start:]) >= 2
    seen = 0
    out = []
    for index, token in enumerate(tokens):
        if is_tag[index]:
            seen += 1
            if seen > most:
                if in_block and index >= block_start:
                    continue
                token = token.replace("#", "", 1)
        out.append(token)
    return re.sub(r"[ \t]+$", "", "".join(out)).rstrip()


def _assemble(body: str, link: str | None, tags: str) -> str:
    tail = " ".join(part for part in (link or "", tags) if part)
    if not tail:
        return body
    sep = "\n\n" if "\n" in body else " "
    return f"{body}{sep}{tail}"


def shorten(words: list[str], count: int) -> str:
    """The first ``count`` whitespace-separated tokens (separators kept) plus an ellipsis."""
    return close_isolates("".join(words[: 2 * count - 1]).rstrip(" ,;:-–—\n") + ELLIPSIS)


def _at_sentence(words: list[str], count: int) -> str:
    """Prefer ending on a whole sentence when that keeps most of what fits."""
    for keep in range(count, max(int(count * 0.6), 1) - 1, -1):
        if words[2 * keep - 2].endswith((".", "!", "?", "…", "؟")):
            return close_isolates("".join(words[: 2 * keep - 1]))
    return shorten(words, count)


def fit(platform: str, body: str, *, link: str | None = None, hashtags: Sequence[str] = (),
        mastodon_limit: int = 500, limit: int | None = None) -> Fitted:
    """Fit ``body`` + link + hashtags into the platform. Never cuts inside a word."""
    platform_spec = spec(platform, mastodon_limit=mastodon_limit)
    cap = platform_spec.max_hashtags
    body = cap_hashtags(body.strip(), cap)
    inline = platform_spec.hashtag_count(body)
    room = None if cap is None else max(cap - inline, 0)
    tags = list(hashtags)[:room] if room is not None else list(hashtags)
    limit = min(limit or platform_spec.limit, platform_spec.limit)
    words = _WORD_BREAKS.split(body)
    n_words = (len(words) + 1) // 2

    def ok(text: str) -> bool:
        return platform_spec.fits(text) and platform_spec.measure(text) <= limit

    for tag_text in _tag_options(tags):
        full = _assemble(body, link, tag_text)
        if ok(full):
            return Fitted(platform, full, platform_spec.measure(full), platform_spec.limit,
                          shortened=False)
        # binary search the most words that fit, keeping the link and these hashtags
        lo, hi = 0, n_words - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if ok(_assemble(shorten(words, mid), link, tag_text)):
                lo = mid
            else:
                hi = mid - 1
        if lo >= min(MIN_WORDS, n_words - 1) and lo > 0:
            text = _assemble(_at_sentence(words, lo), link, tag_text)
            return Fitted(platform, text, platform_spec.measure(text), platform_spec.limit,
                          shortened=True)
    full = _assemble(body, link, "")
    return Fitted(platform, None, platform_spec.measure(full), platform_spec.limit,
                  reason=f"cannot fit {platform} ({platform_spec.limit} {platform_spec.unit}) "
                         f"without cutting it below {MIN_WORDS} words")


def _tag_options(tags: list[str]) -> list[str]:
    """Hashtag lines to try, from all of them down to none."""
    options = [hashtag_line(tags[:n]) for n in range(len(tags), -1, -1)]
    return list(dict.fromkeys(options))


def validate(platform: str, text: str, *, mastodon_limit: int = 500) -> str | None:
    """Why ``text`` cannot be posted as is, or None when it fits."""
    platform_spec = spec(platform, mastodon_limit=mastodon_limit)
    length = platform_spec.measure(text)
    if length > platform_spec.limit:
        return f"{length} {platform_spec.unit} > {platform_spec.limit}"
    if platform_spec.max_bytes and len(text.encode("utf-8")) > platform_spec.max_bytes:
        return f"more than {platform_spec.max_bytes} bytes"
    count = platform_spec.hashtag_count(text)
    if platform_spec.max_hashtags is not None and count > platform_spec.max_hashtags:
        return f"{count} hashtags > {platform_spec.max_hashtags}"
    return None
