"""Mentions: does a post name the company, a product, one of its accounts or an extra term?"""

from __future__ import annotations

from dataclasses import dataclass

from trendwatch.config.schema import InboxSettings, Profile


@dataclass(frozen=True)
class Mention:
    """What made a post a mention: ``term`` as configured (the canonical name for an alias),
    ``kind`` one of company | product | handle | term, ``product`` the product's name when
    the term names one."""

    term: str
    kind: str
    product: str | None = None


class MentionMatcher:
    """Word-aware, case/diacritic-insensitive matching of names, aliases, handles and terms."""

    @classmethod
    def from_settings(cls, inbox: InboxSettings, profile: Profile | None) -> MentionMatcher:
        raise NotImplementedError

    def match(self, text: str, *, author: str = "", platform: str = "") -> Mention | None:
        raise NotImplementedError

    def is_own(self, author: str, platform: str) -> bool:
        raise NotImplementedError
