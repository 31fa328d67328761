"""Idea writers for languages other than English, one module each, written for the language.

Each subclasses the English ``templates._Writer`` and replaces every phrase: hooks, calls to
action, the platform frame, quotation marks, hashtag habits. ``WRITERS`` maps a language code
(``config.schema.LANGUAGES``) to its writer; tests/ideas/test_ideas_languages.py checks every
language × platform.
"""

from __future__ import annotations

from trendwatch.ideas.native.arabic import ArabicWriter
from trendwatch.ideas.native.french import FrenchWriter
from trendwatch.ideas.native.german import GermanWriter
from trendwatch.ideas.native.spanish import SpanishWriter
from trendwatch.ideas.writer import _Writer

WRITERS: dict[str, type[_Writer]] = {
    "en": _Writer, "ar": ArabicWriter, "de": GermanWriter, "fr": FrenchWriter, "es": SpanishWriter,
}
