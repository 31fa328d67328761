"""SLA clocks: when a message is due, in business hours or around the clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from trendwatch.config.schema import InboxSettings


def sla_for(category: str, urgency: str, settings: InboxSettings) -> timedelta:
    """The SLA: ``category-urgency``, else ``category``, else ``default``."""
    raise NotImplementedError


def due_at(received_at: datetime, category: str, urgency: str,
           settings: InboxSettings) -> datetime:
    """When the answer is due (UTC)."""
    raise NotImplementedError


def is_office_hours(now: datetime, settings: InboxSettings) -> bool:
    raise NotImplementedError


def breached(due_at: datetime, now: datetime) -> bool:
    return now > due_at


def needs_on_call(now: datetime, due_at: datetime, settings: InboxSettings,
                  already_alerted: bool) -> bool:
    """About to breach (within ``warn_before``) outside office hours, not alerted yet."""
    raise NotImplementedError
