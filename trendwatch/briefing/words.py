"""The engine's words (topic statuses, idea angles) in the reader's language.

Stored values stay English (they are keys); these are only for showing them.
"""

from __future__ import annotations

from trendwatch.present import i18n


def status_name(status: str, language: str) -> str:
    """A topic status in the reader's language (the stored value stays English)."""
    _ = i18n.translations(language).gettext
    names = {"emerging": _("emerging"), "watch": _("watch"), "established": _("established"),
             "fading": _("fading")}
    return names.get(status, status)


def angle_name(angle: str, language: str) -> str:
    """An idea angle in the reader's language."""
    _ = i18n.translations(language).gettext
    names = {"news-jacking": _("news-jacking"), "educational explainer": _("educational explainer"),
             "opinion/hot take": _("opinion/hot take"), "data point": _("data point"),
             "customer question": _("customer question"), "behind-the-scenes": _("behind-the-scenes"),
             "myth-busting": _("myth-busting"), "prediction": _("prediction")}
    return names.get(angle, angle)


def category_name(category: str, language: str) -> str:
    """An inbox category in the reader's language (the stored value stays English)."""
    _ = i18n.translations(language).gettext
    names = {"complaint": _("complaint"), "question": _("question"), "praise": _("praise"),
             "lead": _("lead"), "other": _("other")}
    return names.get(category, category)


def urgency_name(urgency: str, language: str) -> str:
    """An inbox urgency in the reader's language."""
    _ = i18n.translations(language).gettext
    names = {"high": _("high"), "normal": _("normal"), "low": _("low")}
    return names.get(urgency, urgency)
