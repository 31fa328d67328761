"""Imported once by the parse pool's fork server, so every worker starts warm.

Workers are forked from a server process that has already imported the parsers
and loaded the language model; starting one then costs milliseconds instead of
a second of imports and model loading each.
"""

from trendwatch.collect import ingest  # noqa: F401  (imported for their side effect: warm modules)
from trendwatch.collect.parse.text import detect_language, detect_languages

detect_language("warm up the language model once in the fork server")
detect_languages(["and its batched form, whose arrays are built once"])
