"""SLA clocks: when a message is due, in business hours or around the clock.

``[inbox] hours`` are office hours in ``[inbox] timezone`` (holidays are whole days off).
A business-hours SLA only runs while the office is open: a 4 h question that arrives on
Friday at 17:00 in Berlin (office 09:00-18:00) is due on Monday at 12:00. Spans are
converted to UTC one by one, so a clock running across a DST change counts the hours that
really pass. Everything here is pure: ``now`` is passed in, datetimes are timezone-aware and
what comes back is UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from trendwatch.config.schema import InboxSettings

MAX_DAYS = 366 * 2   # office hours that never come within two years: a config mistake


def sla_for(category: str, urgency: str, settings: InboxSettings) -> timedelta:
    """The SLA: ``category-urgency``, else ``category``, else ``default``."""
    for key in (f"{category}-{urgency}", category, "default"):
        if key in settings.sla:
            return settings.sla[key]
    return timedelta(hours=8)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("SLA clocks need timezone-aware datetimes (UTC from the store)")
    return moment


def _spans(day: date, settings: InboxSettings) -> list[tuple[datetime, datetime]]:
    """The office spans of a local calendar day, as UTC instants."""
    hours = settings.office_hours
    if hours is None or day in settings.holidays:
        return []
    zone = settings.zone
    out = []
    for start, end in hours.get(day.weekday(), ()):
        opens = datetime.combine(day, time(start // 60, start % 60), tzinfo=zone)
        closes = (datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone) if end == 1440
                  else datetime.combine(day, time(end // 60, end % 60), tzinfo=zone))
        out.append((opens.astimezone(UTC), closes.astimezone(UTC)))
    return out


def due_at(received_at: datetime, category: str, urgency: str,
           settings: InboxSettings) -> datetime:
    """When the answer is due (UTC): the SLA counted in office hours, or around the clock
    when ``hours = "24/7"`` and, with ``urgent_around_the_clock``, for urgent messages."""
    received = _aware(received_at).astimezone(UTC)
    remaining = sla_for(category, urgency, settings)
    if settings.office_hours is None or (urgency == "high" and settings.urgent_around_the_clock):
        return received + remaining
    day = received.astimezone(settings.zone).date()
    for _ in range(MAX_DAYS):
        for opens, closes in _spans(day, settings):
            start = max(opens, received)
            if start >= closes:
                continue
            available = closes - start
            if remaining <= available:
                return start + remaining
            remaining -= available
        day += timedelta(days=1)
    raise ValueError(f"no office hours within {MAX_DAYS} days of {received:%Y-%m-%d} "
                     f"([inbox] hours = {settings.hours!r}, holidays)")


def is_office_hours(now: datetime, settings: InboxSettings) -> bool:
    """Whether the team is in (always, for "24/7")."""
    if settings.office_hours is None:
        return True
    moment = _aware(now).astimezone(UTC)
    day = moment.astimezone(settings.zone).date()
    return any(opens <= moment < closes for opens, closes in _spans(day, settings))


def next_office_open(now: datetime, settings: InboxSettings) -> datetime | None:
    """When the office next opens (UTC), ``now`` itself when it is open, None for 24/7."""
    if settings.office_hours is None:
        return None
    moment = _aware(now).astimezone(UTC)
    day = moment.astimezone(settings.zone).date()
    for _ in range(MAX_DAYS):
        for opens, closes in _spans(day, settings):
            if moment < closes:
                return max(opens, moment)
        day += timedelta(days=1)
    return None


def breached(due_at: datetime, now: datetime) -> bool:
    return _aware(now) > _aware(due_at)


def needs_on_call(now: datetime, due_at: datetime, settings: InboxSettings,
                  already_alerted: bool) -> bool:
    """Alert the on-call target: the answer is due within ``warn_before`` (or overdue), the
    office is closed, this conversation was not alerted yet, and ``[inbox] on_call`` names
    somewhere to send it."""
    if already_alerted or not settings.on_call:
        return False
    if is_office_hours(now, settings):
        return False
    return _aware(now) >= _aware(due_at) - settings.warn_before
