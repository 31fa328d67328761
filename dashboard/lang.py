"""The dashboard's language: the sidebar profile's, before sign-in the company's.

Every human string of the dashboard is written ``_("literal")`` (or ``ngettext``) with this
module's functions, so Babel's extractor finds it and tests/present/test_i18n.py requires
every catalog in trendwatch/locale to translate it. Module-level constants are marked with
``N_`` and translated where they are shown.

Right-to-left languages get one constant stylesheet (``apply_direction``): the main block and
the sidebar run right-to-left, while feed text keeps its own direction (``escape.block``
gives each feed text its ``dir``; inline feed text is isolated with ``feed``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from dashboard import data
from trendwatch.config.env import locale_language
from trendwatch.config.schema import LANGUAGES
from trendwatch.errors import ConfigError
from trendwatch.present import escape as safe
from trendwatch.present import i18n
from trendwatch.present.formats import platform_name

PROFILE_KEY = "profile"          # the sidebar's profile selectbox
DRAWN_KEY = "ui_language_drawn"  # the language this script run started drawing in

# Our own constant CSS, never any feed text. Code blocks (feeds.toml, draft copy) stay
# left-to-right: they are code or copy that keeps its own order.
# The app container too, so the sidebar sits on the right; Streamlit aligns each element
# container and Markdown list left by itself, hence the later rules.
RTL_CSS = """<style>
[data-testid="stAppViewContainer"] { direction: rtl; }
[data-testid="stMain"], [data-testid="stSidebar"] { direction: rtl; text-align: right; }
[data-testid="stMain"] [data-testid="stElementContainer"],
[data-testid="stSidebar"] [data-testid="stElementContainer"],
[data-testid="stMarkdownContainer"] :is(ul, ol, li) { text-align: right; }
[data-testid="stCode"], [data-testid="stCode"] * { direction: ltr; text-align: left; }
</style>"""


def N_(message: str) -> str:  # noqa: N802 - the gettext convention Babel's extractor knows
    """Marks a module constant for the extractor; translated with ``_`` where it is shown."""
    return message


def profile_language(name: str | None) -> str:
    """The writing language of the named profile (else the company's), as a catalog code."""
    settings, _error = data.settings()
    if settings is None:
        return i18n.language_code(locale_language(LANGUAGES))
    try:
        profile = settings.profile(name)
    except ConfigError:  # a stored profile no longer configured, or no [company] at all
        try:
            profile = settings.profile()
        except ConfigError:
            return i18n.language_code(locale_language(LANGUAGES))
    return i18n.language_code(profile.writing_language)


def current() -> str:
    return profile_language(st.session_state.get(PROFILE_KEY))


def _(message: str) -> str:
    return i18n.translations(current()).gettext(message)


def ngettext(singular: str, plural: str, count: int, **values: object) -> str:
    return i18n.messages(current()).ngettext(singular, plural, count, **values)


def is_rtl() -> bool:
    return i18n.is_rtl_language(current())


def feed(text: object, *, max_len: int | None = None) -> str:
    """Feed text inside one of our Markdown lines: escaped, and isolated in right-to-left
    pages so a Latin title keeps its order and our punctuation stays with our sentence."""
    return i18n.isolate(safe.md(text, max_len=max_len), current())


def feed_link(title: object, url: object, *, max_len: int | None = 120) -> str:
    """A Markdown link whose feed-text title is isolated like ``feed``."""
    return safe.link(i18n.isolate(str(title or ""), current()) or url, url, max_len=max_len)


def source_text(platform: object, outlet: object, url: object) -> str:
    """Who published an item, as plain text: the outlet's name, or for a person's post its
    platform and host ("a Mastodon post on mastodon.social"), never the account or its
    pseudonym."""
    host = (urlsplit(str(url or "")).hostname or "").removeprefix("www.")
    name = platform_name(str(platform or ""))
    if name:
        return (_("a %(platform)s post on %(host)s") % {"platform": name, "host": host} if host
                else _("a %(platform)s post") % {"platform": name})
    text = str(outlet or "")
    return host if not text or text.startswith("anon:") else text


def source_phrase(platform: object, outlet: object, url: object) -> str:
    """``source_text`` inside one of our Markdown lines (an outlet's name is feed text)."""
    return feed(source_text(platform, outlet, url))


def post_title(title: object, text: object, *, max_len: int = 120) -> str:
    """A headline, or for a post without one the start of its text."""
    return str(title or "").strip() or " ".join(str(text or "").split())[:max_len]


def start_run() -> None:
    """Remember the language this run draws in and lay the page out in its direction."""
    language = current()
    st.session_state[DRAWN_KEY] = language
    if i18n.is_rtl_language(language):
        st.markdown(RTL_CSS, unsafe_allow_html=True)


def redraw_if_changed() -> None:
    """The profile picked in the sidebar speaks another language than the one the page
    started in (the first run, or a new choice): draw again, all of it in that language."""
    drawn = st.session_state.get(DRAWN_KEY)
    if drawn is not None and drawn != current():
        st.rerun()
