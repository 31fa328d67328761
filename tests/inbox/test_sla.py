from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from trendwatch.config.schema import InboxSettings
from trendwatch.inbox.sla import (
    breached,
    due_at,
    is_office_hours,
    needs_on_call,
    next_office_open,
    sla_for,
)

BERLIN = InboxSettings(hours="mon-fri 09:00-18:00", timezone="Europe/Berlin",
                       sla={"complaint-high": "1h", "question": "4h", "default": "8h"},
                       on_call=[], warn_before="30m")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_sla_lookup_falls_back():
    assert sla_for("complaint", "high", BERLIN) == timedelta(hours=1)
    assert sla_for("complaint", "normal", BERLIN) == timedelta(hours=4)   # default table value
    assert sla_for("question", "low", BERLIN) == timedelta(hours=4)
    settings = InboxSettings(sla={"default": "2h"})
    assert sla_for("praise", "low", settings) == timedelta(hours=24)
    assert sla_for("nonsense", "low", settings) == timedelta(hours=2)


def test_within_office_hours():
    # Monday 2026-03-02 10:00 Berlin (CET) = 09:00Z
    assert due_at(utc(2026, 3, 2, 9), "question", "normal", BERLIN) == utc(2026, 3, 2, 13)


def test_overnight_and_weekend():
    # Friday 2026-03-06 17:00 CET = 16:00Z: 1 h on Friday, 3 h on Monday → Monday 12:00 CET
    assert due_at(utc(2026, 3, 6, 16), "question", "normal", BERLIN) == utc(2026, 3, 9, 11)
    office_only = BERLIN.model_copy(update={"urgent_around_the_clock": False})
    # Saturday: the clock starts Monday 09:00
    assert due_at(utc(2026, 3, 7, 12), "complaint", "high", office_only) == utc(2026, 3, 9, 9)
    # Tuesday 23:00 CET: Wednesday 10:00 CET
    assert due_at(utc(2026, 3, 3, 22), "complaint", "high", office_only) == utc(2026, 3, 4, 9)
    assert due_at(utc(2026, 3, 7, 12), "complaint", "normal", BERLIN) == utc(2026, 3, 9, 12)


def test_urgent_messages_run_around_the_clock_and_reach_on_call():
    """A safety complaint on Saturday night is due an hour later, not on Monday: that is
    what the on-call target is for."""
    settings = BERLIN.model_copy(update={"on_call": ["slack"]})
    received = utc(2026, 3, 7, 22)                                  # Saturday 23:00 CET
    due = due_at(received, "complaint", "high", settings)
    assert due == utc(2026, 3, 7, 23)
    assert not needs_on_call(received, due, settings, False)
    assert needs_on_call(received + timedelta(minutes=35), due, settings, False)


def test_across_spring_dst_change():
    # Friday 2026-03-27 17:00 CET (16:00Z) → Monday 2026-03-30 12:00 CEST = 10:00Z
    assert due_at(utc(2026, 3, 27, 16), "question", "normal", BERLIN) == utc(2026, 3, 30, 10)


def test_across_autumn_dst_change():
    # Friday 2026-10-23 17:00 CEST (15:00Z) → 1 h Friday, 3 h Monday 2026-10-26 CET → 12:00 CET = 11:00Z
    assert due_at(utc(2026, 10, 23, 15), "question", "normal", BERLIN) == utc(2026, 10, 26, 11)


def test_around_the_clock_counts_real_hours_over_dst():
    settings = InboxSettings(hours="24/7", timezone="Europe/Berlin", sla={"question": "4h"})
    # the night the clocks go forward: 4 real hours are 4 hours in UTC
    assert due_at(utc(2026, 3, 29, 0, 30), "question", "normal", settings) == utc(2026, 3, 29, 4, 30)
    assert is_office_hours(utc(2026, 3, 29, 3), settings)
    assert next_office_open(utc(2026, 3, 29, 3), settings) is None


def test_holidays_and_split_hours():
    settings = InboxSettings(hours="mon-fri 09:00-12:00, mon-fri 13:00-17:00, sat 10:00-14:00",
                             timezone="UTC", holidays=[date(2026, 12, 25)], sla={"question": "4h"})
    # Thursday 24th 15:00: 2 h that day, Friday 25th is a holiday, Saturday 10:00-12:00
    assert due_at(utc(2026, 12, 24, 15), "question", "normal", settings) == utc(2026, 12, 26, 12)
    # the lunch break does not count
    assert due_at(utc(2026, 12, 21, 11), "question", "normal", settings) == utc(2026, 12, 21, 16)
    assert not is_office_hours(utc(2026, 12, 25, 10), settings)
    assert not is_office_hours(utc(2026, 12, 21, 12, 30), settings)
    assert next_office_open(utc(2026, 12, 21, 12, 30), settings) == utc(2026, 12, 21, 13)


def test_office_hours_in_local_time_across_dst():
    assert is_office_hours(utc(2026, 3, 27, 8, 30), BERLIN)        # 09:30 CET
    assert not is_office_hours(utc(2026, 3, 30, 6, 30), BERLIN)    # 08:30 CEST
    assert is_office_hours(utc(2026, 3, 30, 7, 30), BERLIN)        # 09:30 CEST
    assert not is_office_hours(utc(2026, 3, 28, 10), BERLIN)       # Saturday


def test_breached():
    assert not breached(utc(2026, 3, 2, 12), utc(2026, 3, 2, 12))
    assert breached(utc(2026, 3, 2, 12), utc(2026, 3, 2, 12, 0, 1))


def test_on_call_only_out_of_hours_near_the_breach_once():
    settings = BERLIN.model_copy(update={"on_call": ["slack"]})
    due = utc(2026, 3, 7, 9)                                      # a Saturday
    assert not needs_on_call(utc(2026, 3, 7, 8), due, settings, False)      # an hour left
    assert needs_on_call(utc(2026, 3, 7, 8, 35), due, settings, False)      # 25 min left
    assert needs_on_call(utc(2026, 3, 7, 9, 30), due, settings, False)      # already overdue
    assert not needs_on_call(utc(2026, 3, 7, 8, 35), due, settings, True)   # alerted before
    # in office hours the team sees the queue itself
    assert not needs_on_call(utc(2026, 3, 2, 9, 40), utc(2026, 3, 2, 10), settings, False)
    # nobody to alert
    assert not needs_on_call(utc(2026, 3, 7, 8, 35), due, BERLIN, False)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        due_at(datetime(2026, 3, 2, 9), "question", "normal", BERLIN)
