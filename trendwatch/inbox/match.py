"""Mentions: does a post name the company, a product, one of its accounts or an extra term?

Matching is by words, never substrings: "Acme" matches "acme's", "#Acme" and "ACME-App" but
not "Acmeville". Case and accents do not matter, Arabic is folded and its proclitics are
tried off ("وأكمي", "لأكمي", "بأكمي" all name "أكمي"); other spellings and transliterations
come from ``[inbox] aliases``.

Handles are matched per platform, the way each platform writes them:
- Mastodon ``@acme@mastodon.social`` anywhere, and a bare ``@acme`` in a Mastodon post whose
  author is on that instance (``x@mastodon.social``, or a local account without a domain, as
  Mastodon writes accounts of the instance a post was read from);
- Bluesky ``acme.com`` as ``@acme.com`` (a domain handle cannot be anyone else's);
- Reddit ``u/acme`` as ``u/acme`` or ``/u/acme``;
- any other platform's ``@acme`` only in posts of that platform (``@acme`` elsewhere is
  someone else).

``[inbox] exclude`` phrases cancel a name or term match ("acme road runner cartoon"), never a
handle: whoever writes to the account's handle is writing to the company.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from trendwatch.config.schema import InboxSettings, Profile
from trendwatch.inbox.text import arabic_variants, keys
from trendwatch.lang.arabic import has_arabic

_AT_HANDLE = re.compile(r"(?<![\w@/])@([\w][\w.\-]*(?:@[\w\-]+(?:\.[\w\-]+)+)?)", re.UNICODE)
_REDDIT_USER = re.compile(r"(?<![\w/])/?u/([\w\-]+)", re.UNICODE)


@dataclass(frozen=True)
class Mention:
    """What made a post a mention: ``term`` as configured (the canonical name for an alias),
    ``kind`` one of company | product | handle | term, ``product`` the product's name when
    the term names one."""

    term: str
    kind: str
    product: str | None = None


@dataclass(frozen=True)
class _Handle:
    platform: str
    user: str            # lower case, no @
    domain: str | None   # mastodon instance
    written: str         # as configured


def _parse_handle(platform: str, written: str) -> _Handle:
    value = written.strip()
    if platform == "reddit":
        user = re.sub(r"^/?u/", "", value.lstrip("@"), flags=re.IGNORECASE)
        return _Handle(platform, user.lower(), None, written)
    value = value.lstrip("@")
    if platform == "mastodon" and "@" in value:
        user, domain = value.split("@", 1)
        return _Handle(platform, user.lower(), domain.lower(), written)
    return _Handle(platform, value.lower(), None, written)


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(keys(text))


class MentionMatcher:
    """Word-aware, case/diacritic-insensitive matching of names, aliases, handles and terms.

    Build it once per configuration (``from_settings``) and call ``match`` per post; it is
    read-only after construction and safe to share between threads."""

    def __init__(self, phrases: Iterable[tuple[str, Mention]], handles: Iterable[_Handle],
                 exclude: Iterable[str] = ()):
        # first word key → [(phrase keys, mention)], longest phrase first
        self._phrases: dict[str, list[tuple[tuple[str, ...], Mention]]] = {}
        for written, mention in phrases:
            phrase = _phrase(written)
            if not phrase:
                continue
            bucket = self._phrases.setdefault(phrase[0], [])
            if all(p != phrase for p, _ in bucket):
                bucket.append((phrase, mention))
        for bucket in self._phrases.values():
            bucket.sort(key=lambda entry: -len(entry[0]))
        self._exclude: dict[str, list[tuple[tuple[str, ...], Mention]]] = {}
        for written in exclude:
            phrase = _phrase(written)
            if phrase:
                self._exclude.setdefault(phrase[0], []).append((phrase, Mention(written, "exclude")))
        for bucket in self._exclude.values():
            bucket.sort(key=lambda entry: -len(entry[0]))
        self._handles = list(handles)

    @classmethod
    def from_settings(cls, inbox: InboxSettings, profile: Profile | None) -> MentionMatcher:
        phrases: list[tuple[str, Mention]] = []
        products: dict[str, str] = {}
        if profile is not None:
            phrases.append((profile.company.name, Mention(profile.company.name, "company")))
            for product in profile.products:
                products[product.name.casefold()] = product.name
                phrases.append((product.name, Mention(product.name, "product", product.name)))
        for term in inbox.terms:
            named = products.get(term.casefold())
            phrases.append((term, Mention(term, "product" if named else "term", named)))
        for name, spellings in inbox.aliases.items():
            named = products.get(name.casefold())
            company = profile is not None and name.casefold() == profile.company.name.casefold()
            kind = "product" if named else "company" if company else "term"
            for spelling in [name, *spellings]:
                phrases.append((spelling, Mention(name, kind, named)))
        handles = [_parse_handle(platform, written)
                   for platform, written_list in inbox.own_handles().items()
                   for written in written_list]
        return cls(phrases, handles, inbox.exclude)

    # -- matching ----------------------------------------------------------------------

    def match(self, text: str, *, author: str = "", platform: str = "") -> Mention | None:
        """The first thing in ``text`` that makes it a mention, or None. Handles first (a post
        written to the account is a mention whatever else it says), then names and terms
        unless an exclude phrase is present."""
        platform = (platform or "").lower()
        handle = self._handle_in(text, author, platform)
        if handle is not None:
            return handle
        if not self._phrases:
            return None
        word_keys = keys(text)
        if not word_keys:
            return None
        variants = [arabic_variants(k) if has_arabic(k) else (k,) for k in word_keys]
        if self._exclude and self._find(variants, self._exclude) is not None:
            return None
        return self._find(variants, self._phrases)

    @staticmethod
    def _find(variants: list[tuple[str, ...]],
              table: dict[str, list[tuple[tuple[str, ...], Mention]]]) -> Mention | None:
        n = len(variants)
        for start in range(n):
            for first in variants[start]:
                for phrase, found in table.get(first, ()):
                    end = start + len(phrase)
                    if end > n:
                        continue
                    if all(phrase[i] in variants[start + i] for i in range(1, len(phrase))):
                        return found
        return None

    def _handle_in(self, text: str, author: str, platform: str) -> Mention | None:
        if not self._handles or ("@" not in text and "u/" not in text.lower()):
            return None
        written = [h.lower().rstrip(".-") for h in _AT_HANDLE.findall(text)]
        reddit = [u.lower() for u in _REDDIT_USER.findall(text)]
        author_domain = _mastodon_domain(author)
        for handle in self._handles:
            if handle.platform == "reddit":
                if handle.user in reddit:
                    return Mention(handle.written, "handle")
                continue
            for found in written:
                if handle.platform == "mastodon" and handle.domain:
                    if found == f"{handle.user}@{handle.domain}":
                        return Mention(handle.written, "handle")
                    # a bare @acme is the instance's local acme: only for posts on it
                    if (found == handle.user and platform == "mastodon"
                            and author_domain in (None, handle.domain)):
                        return Mention(handle.written, "handle")
                elif handle.platform == "bluesky" and "." in handle.user:
                    if found == handle.user:
                        return Mention(handle.written, "handle")
                elif found == handle.user and platform == handle.platform:
                    return Mention(handle.written, "handle")
        return None

    def is_own(self, author: str, platform: str) -> bool:
        """Whether ``author`` is one of the company's own accounts on ``platform`` (its posts
        are never inbound). Compares the author as collected, so call it before any
        pseudonymisation."""
        platform = (platform or "").lower()
        value = (author or "").strip().lower().lstrip("@")
        if not value:
            return False
        if platform == "reddit":
            value = re.sub(r"^/?u/", "", value)
        for handle in self._handles:
            if handle.platform != platform:
                continue
            if handle.platform == "mastodon" and handle.domain:
                user, _, domain = value.partition("@")
                if user == handle.user and domain in ("", handle.domain):
                    return True
            elif value == handle.user:
                return True
        return False


def _mastodon_domain(author: str) -> str | None:
    """The instance of a Mastodon acct ("ana@mastodon.social" → "mastodon.social"), None for
    a local account."""
    value = (author or "").strip().lstrip("@").lower()
    return value.split("@", 1)[1] if "@" in value else None
