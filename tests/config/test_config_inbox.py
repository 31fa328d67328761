"""[inbox]: defaults, validation with file/line/key, and the helpers the inbox reads."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from trendwatch.config.load import parse_settings
from trendwatch.config.schema import InboxSettings, parse_hours
from trendwatch.errors import ConfigError

BASE = '[company]\nname = "Acme"\n'


def problems_of(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_settings(text, "feeds.toml")
    return str(info.value)


def test_defaults():
    inbox = parse_settings(BASE, "feeds.toml").inbox
    assert inbox.hours == "mon-fri 09:00-18:00" and inbox.timezone == "UTC"
    assert inbox.sla["complaint-high"] == timedelta(hours=1)
    assert inbox.sla["question"] == timedelta(hours=4)
    assert inbox.replies.never == ["refund", "compensation"]
    assert inbox.replies.escalate == ["lawyer", "police", "injury"]
    assert inbox.warn_before == timedelta(minutes=30) and inbox.on_call == []
    assert inbox.classifier == "offline"


def test_full_table():
    inbox = parse_settings(BASE + '''
[inbox]
handles = { mastodon = "@acme@mastodon.social", bluesky = "acme.com", x = "@acme", reddit = "u/acme" }
terms = ["acme cloud"]
exclude = ["road runner"]
aliases = { Acme = ["أكمي", "akmi"] }
hours = "mon-fri 08:00-20:00, sat 10:00-14:00"
timezone = "Europe/Berlin"
holidays = [2026-12-25]
warn_before = "45m"
retention = "60d"

[inbox.sla]
complaint-high = "30m"
question = "2h"

[inbox.replies]
never = ["refund"]
signature = "^Ana"
''', "feeds.toml").inbox
    assert inbox.own_handles()["x"] == ["@acme"]
    assert inbox.holidays == [date(2026, 12, 25)]
    assert inbox.sla["complaint-high"] == timedelta(minutes=30)
    assert inbox.sla["lead"] == timedelta(hours=8)              # untouched keys keep defaults
    assert inbox.office_hours[5] == ((600, 840),) and 6 not in inbox.office_hours
    assert inbox.replies.signature == "^Ana" and inbox.retention == timedelta(days=60)


@pytest.mark.parametrize("table, words", [
    ('[inbox]\nhours = "weekdays 9-5"', ["inbox", "hours", "mon-fri 09:00-18:00"]),
    ('[inbox]\nhours = "mon-fri 18:00-09:00"', ["inbox", "hours", "earlier"]),
    ('[inbox]\ntimezone = "Mars/Olympus"', ["timezone", "IANA"]),
    ('[inbox.sla]\ncomplaint-urgent = "1h"', ["sla", "complaint-urgent", "complaint-high"]),
    ('[inbox.sla]\nquestion = "soon"', ["sla", "duration"]),
    ('[inbox]\nhandles = { myspace = "@acme" }', ["handles", "myspace"]),
    ('[inbox]\non_call = ["slack"]', ["on_call", "delivery.slack"]),
    ('[inbox]\nclassifier = "llm"', ["base_url", "model"]),
    ('[inbox]\nclassifier = "magic"', ["classifier", "offline"]),
    ('[inbox]\nfoo = 1', ["inbox", "foo"]),
])
def test_mistakes_name_key_and_form(table, words):
    message = problems_of(BASE + table)
    assert "feeds.toml" in message
    for word in words:
        assert word in message, message


def test_llm_endpoint_from_ideas():
    settings = parse_settings(BASE + '[ideas]\nbase_url = "http://127.0.0.1:11434/v1"\nmodel = "m"\n'
                              '[inbox]\nclassifier = "llm"\nmodel = "small"\n', "feeds.toml")
    endpoint = settings.inbox_llm()
    assert (endpoint.base_url, endpoint.model) == ("http://127.0.0.1:11434/v1", "small")


def test_on_call_with_a_configured_target():
    settings = parse_settings(BASE + '[delivery.slack]\n[inbox]\non_call = ["slack"]\n', "feeds.toml")
    assert settings.inbox.on_call == ["slack"]


def test_parse_hours():
    assert parse_hours("24/7") is None
    assert parse_hours("sat-mon 10:00-24:00") == {0: ((600, 1440),), 5: ((600, 1440),), 6: ((600, 1440),)}
    with pytest.raises(ValueError):
        parse_hours("mon-fri 09:00-25:00")
    assert InboxSettings(hours="always").office_hours is None
