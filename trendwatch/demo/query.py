"""A small search-query matcher shared by the demo's search endpoints.

Understands what the collectors send: ``A OR B``, parentheses, "quoted phrases",
``#hashtags``, ``-excluded`` words; operators like ``when:1d``, ``lang:en`` or
``sourcelang:english`` are left to the endpoint. Words match case-insensitively and
hyphen-insensitively (``e-bike`` finds "ebike" and "e-bike").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r'-?"[^"]*"|\S+')


@dataclass(frozen=True)
class Query:
    alternatives: tuple[tuple[str, ...], ...]   # OR of ANDs of terms
    excluded: tuple[str, ...]
    operators: dict[str, str]

    def matches(self, text: str, hashtags: Iterable[str] = ()) -> bool:
        haystack = _norm(text)
        tags = {t.casefold() for t in hashtags}
        if any(_term_in(term, haystack, tags) for term in self.excluded):
            return False
        if not self.alternatives:
            return True
        return any(all(_term_in(term, haystack, tags) for term in alt) for alt in self.alternatives)


def parse_query(query: str) -> Query:
    alternatives: list[tuple[str, ...]] = []
    current: list[str] = []
    excluded: list[str] = []
    operators: dict[str, str] = {}
    for raw in _TOKEN.findall(query.replace("(", " ").replace(")", " ")):
        if raw == "OR":
            if current:
                alternatives.append(tuple(current))
            current = []
            continue
        if ":" in raw and '"' not in raw:
            key, _, value = raw.partition(":")
            operators[key.casefold()] = value     # -is:retweet and friends land here too
            continue
        if raw.startswith("-") and len(raw) > 1:
            excluded.append(raw[1:].strip('"'))
            continue
        term = raw.strip('"')
        if term:
            current.append(term)
    if current:
        alternatives.append(tuple(current))
    return Query(tuple(alternatives), tuple(excluded), operators)


def _norm(text: str) -> str:
    return " " + re.sub(r"[\s\-]+", " ", text.casefold()) + " "


def _term_in(term: str, haystack: str, tags: set[str]) -> bool:
    if term.startswith("#"):
        tag = term[1:].casefold()
        return tag in tags or f"#{tag}" in haystack
    needle = _norm(term).strip()
    return needle in haystack or needle.replace(" ", "") in haystack
