"""Feed text is untrusted: the one place that makes it safe to show, for every output.

The dashboard (Streamlit), the briefing (Markdown, HTML, Slack) and the alerts all escape
through this module; each rule is written once:

* ``safe_url(url)``: only http(s) URLs with a host ever become links, percent-encoded so
  they cannot break out of a Markdown link, an HTML attribute or a Slack ``<url|label>``.
* ``md(text)`` / ``link(title, url)``: Markdown (Streamlit pages, the Markdown briefing).
* ``slack(text)`` / ``slack_link(title, url)``: Slack mrkdwn.
* HTML: Jinja2 autoescape for the HTML briefing; ``block`` below for the dashboard.

In the dashboard, two ways out, and nothing else may put feed text on a page:

* ``md(text)`` for Markdown contexts: every ASCII punctuation character is
  backslash-escaped (CommonMark allows exactly that), so ``[x](javascript:…)``,
  ``![img](…)``, ``**``, ``:red[…]`` directives and ``$math$`` arrive as literal text.
* ``block(text)`` for text that must keep its direction (Arabic, Hebrew, Urdu…):
  an HTML wrapper ``<div dir="rtl|ltr">`` whose content is ``html.escape``d and has
  no blank line, so the Markdown parser sees one raw HTML block and never parses
  the feed text as Markdown. This is the only ``unsafe_allow_html`` in the dashboard.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import quote, urlsplit

_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # all ASCII punctuation
_WS = re.compile(r"\s+")
# GFM turns bare "www.x", "http://x" and "a@b.c" into links even when escaped; a zero-width
# space after the trigger keeps them plain text
_AUTOLINK = re.compile(r"(?i)(www(?=\.)|:(?=//)|@)")
ZWSP = "\u200b"


def md(text: object, *, max_len: int | None = None) -> str:
    """Escape ``text`` for Markdown: one line, every Markdown character literal."""
    value = _WS.sub(" ", str(text or "")).strip()
    if max_len is not None and len(value) > max_len:
        value = value[: max_len - 1].rstrip() + "…"
    value = _AUTOLINK.sub(lambda m: m.group(1) + ZWSP, value)
    return _MD_SPECIAL.sub(r"\\\1", value)


def direction(text: str) -> str:
    """"rtl" when most strongly-directional characters are right-to-left, else "ltr"."""
    rtl = ltr = 0
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            rtl += 1
        elif kind == "L":
            ltr += 1
    return "rtl" if rtl > ltr else "ltr"


def is_rtl(text: str) -> bool:
    return direction(text or "") == "rtl"


def block(text: object, *, style: str = "", max_len: int | None = None) -> str:
    """One escaped HTML div with the right ``dir``; safe for ``unsafe_allow_html=True``."""
    value = str(text or "").strip()
    if max_len is not None and len(value) > max_len:
        value = value[: max_len - 1].rstrip() + "…"
    # no blank line may survive: it would end the HTML block and hand the rest to Markdown
    body = "<br>".join(html.escape(line, quote=True) for line in value.splitlines() if line.strip())
    dir_ = direction(value)
    align = "right" if dir_ == "rtl" else "left"
    css = f"text-align:{align};{style}"
    return f'<div dir="{dir_}" style="{html.escape(css, quote=True)}">{body}</div>'


def safe_url(url: object) -> str | None:
    """The URL if it is http(s), percent-encoded so it cannot break out of a Markdown link."""
    value = str(url or "").strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(value, safe=":/?#@!$&'*+,;=%~-._")


def link(title: object, url: object, *, max_len: int | None = 120) -> str:
    """A Markdown link with an escaped title; plain escaped text when the URL is unsafe."""
    target = safe_url(url)
    label = md(title or url or "link", max_len=max_len) or "link"
    return f"[{label}]({target})" if target else label


def slack(text: object) -> str:
    """Escape ``text`` for Slack mrkdwn: one line; ``&``, ``<`` and ``>`` as entities, so feed
    text can neither link nor mention (``<!channel>``, ``<@U…>``)."""
    value = _WS.sub(" ", str(text or "")).strip()
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_link(title: object, url: object) -> str:
    """A Slack ``<url|label>`` link; the escaped label alone when the URL is unsafe."""
    target = safe_url(url)
    label = slack(title).replace("|", "¦")
    return f"<{target}|{label}>" if target else label


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?%?")


def csv_cell(value: object) -> object:
    """A value for a CSV cell that a spreadsheet will not run as a formula (OWASP rule).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    ``'``, so Excel, LibreOffice and Google Sheets show it as text. Numbers (and text that is
    just a number, such as ``-12``) stay as they are; every CSV export writes its cells
    through this function.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value
