"""The idea generator contract and the values it works with.

An ``IdeaGenerator`` turns one opportunity (an ``IdeaContext``: profile, product, topic,
the source items it may cite, the platforms wanted) into ``PostIdea``s, one per requested
angle. Every draft it returns has been passed through ``limits.fit`` for its platform, so it
fits or is listed in ``dropped`` with a reason, and carries no link but those of the items it
cites and the product's (``links.keep_cited_links``). Feed text in the context is untrusted
data: generators quote it, never follow it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from trendwatch.config.schema import Company, Product
from trendwatch.ideas.limits import Fitted
from trendwatch.present.formats import platform_name

ANGLES = (
    "news-jacking", "educational explainer", "opinion/hot take", "data point",
    "customer question", "behind-the-scenes", "myth-busting", "prediction",
)

# emerging news is best jumped on; established topics suit evergreen formats
ANGLE_ORDER = {
    "emerging": ("news-jacking", "data point", "opinion/hot take", "prediction",
                 "customer question", "educational explainer", "myth-busting", "behind-the-scenes"),
    "watch": ("prediction", "educational explainer", "opinion/hot take", "customer question",
              "data point", "news-jacking", "myth-busting", "behind-the-scenes"),
    "established": ("educational explainer", "myth-busting", "customer question",
                    "behind-the-scenes", "data point", "opinion/hot take", "prediction", "news-jacking"),
    "fading": ("behind-the-scenes", "myth-busting", "educational explainer", "customer question",
               "data point", "opinion/hot take", "prediction", "news-jacking"),
}

SHELF_LIFE = {"emerging": timedelta(hours=24), "watch": timedelta(hours=48),
              "established": timedelta(days=5), "fading": timedelta(hours=12)}
ANGLE_SHELF = {"news-jacking": 0.5, "data point": 1.0, "opinion/hot take": 1.0, "prediction": 2.0,
               "customer question": 2.0, "educational explainer": 3.0, "myth-busting": 3.0,
               "behind-the-scenes": 3.0}

# which audiences live where: professional audiences skip the short-video apps, young ones LinkedIn
_PROFESSIONAL = re.compile(r"\b(manager|b2b|business|professional|executive|decision|hr|recruit\w*|"
                           r"investor|partner|developer|engineer|procurement|fleet|enterprise|"
                           r"compan(y|ies)|buyer|founder|marketer|agenc(y|ies)|team lead)", re.I)
_YOUTH = re.compile(r"\b(teen\w*|student\w*|gen ?z|young|kids|gamer\w*)", re.I)
_NOT_FOR_PROFESSIONALS = {"tiktok", "snapchat", "instagram"}
_NOT_FOR_YOUTH = {"linkedin", "facebook"}

_PLACEHOLDER = re.compile(r"\{[A-Za-z_][\w.]*\}|\bTODO\b|\bTBD\b|lorem ipsum|\bXXX\b|"
                          r"\[(?:insert|your|product|company|link|name)[^\]]*\]|<[A-Z_]{3,}>", re.I)


@dataclass(frozen=True)
class SourceRef:
    """One item an idea rests on. ``title`` and ``text`` are untrusted feed text."""

    item_id: str
    title: str
    url: str | None
    outlet: str | None
    published_at: datetime | None = None
    text: str = ""
    story_id: int | None = None
    platform: str | None = None

    def public(self) -> dict:
        return {"title": self.title, "url": self.url, "outlet": self.outlet}

    def outlet_name(self) -> str | None:
        """The publisher to name in a post, or None when this is a person's post (named by
        its platform instead: an account, or its pseudonym, is not quoted in public)."""
        if platform_name(self.platform) or not self.outlet or self.outlet.startswith("anon:"):
            return None
        return self.outlet


@dataclass(frozen=True)
class IdeaContext:
    profile: str
    company: Company
    product: Product
    topic_id: int
    label: str
    keywords: Sequence[str]
    topic_hashtags: Sequence[str]
    matched: Sequence[str]
    status: str
    sources_24h: int
    distinct_sources: int
    sources: Sequence[Sequence[SourceRef]]   # one list per angle (items are never reused)
    angles: Sequence[str]
    platforms: Sequence[str]
    now: datetime
    mastodon_limit: int = 500
    language: str = "en"      # drafts are written in it (Profile.writing_language)

    @property
    def keyphrase(self) -> str:
        return (list(self.keywords) or [self.label])[0]

    def hashtags(self) -> list[str]:
        return suggested_hashtags(self.topic_hashtags, self.product.hashtags, self.company.hashtags)


@dataclass
class PostIdea:
    angle: str
    hook: str
    hashtags: list[str]
    sources: list[SourceRef]
    best_before: datetime
    drafts: list[Fitted]
    dropped: list[dict] = field(default_factory=list)   # [{platform, reason}]
    generator: str = "template"
    notes: list[str] = field(default_factory=list)     # changes made after drafting, for the reader
    language: str = "en"


class IdeaGenerator(Protocol):
    """Writes ideas for one opportunity.

    ``name`` is stored with every idea ("template", "llm:<model>"). ``generate`` returns one
    ``PostIdea`` per ``context.angles`` entry it could write (in that order), with drafts for
    ``context.platforms`` that fit their limits; it never returns placeholder text. Expected
    failures of a remote generator are handled inside (fallback), so callers get ideas or
    an empty list, never a half-built idea. Not thread-safe; one call at a time per instance.
    """

    name: str

    async def generate(self, context: IdeaContext) -> list[PostIdea]: ...


_CSS_OR_NUMBER = re.compile(r"[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8}|\d+|.{0,1}")


def suggested_hashtags(topic: Sequence[str], product: Sequence[str], brand: Sequence[str],
                       most: int = 6) -> list[str]:
    """The topic's real hashtags first, then the product's and the brand's; no duplicates."""
    out, seen = [], set()
    for tag in [*list(topic)[:3], *product, *brand]:
        tag = tag.strip().lstrip("#")
        if _CSS_OR_NUMBER.fullmatch(tag):   # '#24292e' from HTML styles is not a hashtag
            continue
        if tag and re.fullmatch(r"\w+", tag) and tag.casefold() not in seen:
            seen.add(tag.casefold())
            out.append(tag)
    return out[:most]


def angles_for(status: str, count: int) -> list[str]:
    return list(ANGLE_ORDER.get(status, ANGLES))[:count]


def best_before(status: str, angle: str, now: datetime) -> datetime:
    life = SHELF_LIFE.get(status, timedelta(hours=48)) * ANGLE_SHELF.get(angle, 1.0)
    return now + life


def platforms_for(company: Company, product: Product) -> list[str]:
    """Where an idea for this product goes: its own list, or the company's by audience."""
    if product.platforms:
        return list(product.platforms)
    audience = product.audience or " ".join(company.audiences)
    chosen = list(company.platforms)
    if _PROFESSIONAL.search(audience) and not _YOUTH.search(audience):
        chosen = [p for p in chosen if p not in _NOT_FOR_PROFESSIONALS]
    elif _YOUTH.search(audience):
        chosen = [p for p in chosen if p not in _NOT_FOR_YOUTH]
    return chosen or list(company.platforms)


def has_placeholder(text: str) -> bool:
    return bool(_PLACEHOLDER.search(text))


def tone_words(tone: str) -> set[str]:
    """The company's tone as single lower-case words ("friendly, expert" → {"friendly", "expert"})."""
    return {w.strip().casefold() for w in re.split(r"[,;/]| and ", tone) if w.strip()} | set(
        tone.casefold().split())
