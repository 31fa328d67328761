"""`file` sources with `inbox = true`: helpdesk, DM and app-store review exports (issue 13)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.conftest import FIXTURES, make_settings
from trendwatch.collect.parse.records import column_name, parse_rating, parse_records_file
from trendwatch.collect.run import collect_sources
from trendwatch.store.schema import items

INBOX = FIXTURES / "imports" / "inbox"


def parse(name: str, inbox: bool = True, fields: dict | None = None):
    return parse_records_file((INBOX / name).read_bytes(), "auto", fields or {}, name, inbox)


def test_helpdesk_csv_keeps_ids_threads_and_skips_empty_rows():
    found, warnings = parse("helpdesk_comments.csv")
    assert [i.external_id for i in found] == ["501", "502", "503"]
    first, second, lead = found
    assert first.author == "maria.lopez@example.es" and first.title == "Cargador roto"
    assert first.text.startswith("Hola, el cargador de mi X2 no funciona")
    assert first.published_at == datetime(2026, 11, 19, 22, 14, 3, tzinfo=UTC)
    assert first.url == "https://acme.zendesk.example/agent/tickets/77"
    assert first.reply_to == second.reply_to == "77"  # one ticket: one thread
    assert lead.reply_to == "78" and lead.outlet is None  # a channel is not an outlet
    assert warnings == ["helpdesk_comments.csv:5: no title or text (looked for 'title' and "
                        "'text' and their usual names)"]


def test_the_same_csv_without_inbox_needs_a_mapping():
    with pytest.raises(Exception, match="expected a header line with a 'title' or 'text' column"):
        parse("helpdesk_comments.csv", inbox=False)
    found, _ = parse("helpdesk_comments.csv", inbox=False,
                     fields={"text": "Body", "author": "Author", "reply_to": "ticket_id"})
    assert found[0].author == "maria.lopez@example.es" and found[0].reply_to == "77"
    assert found[0].published_at is None  # "Created At" is guessed only for inbox sources


def test_google_play_export_in_utf16_with_stars():
    found, warnings = parse("google_play_reviews.csv")
    assert warnings == ["google_play_reviews.csv: not UTF-8; read as utf_16"]
    crash, praise = found
    assert crash.text.startswith("App stürzt beim Entsperren ab")
    assert crash.engagement == {"rating": 1.0} and praise.engagement == {"rating": 5.0}
    assert crash.lang == "de" and crash.author is None  # the export names nobody
    assert crash.published_at == datetime(2026, 11, 20, 5, 12, 44, tzinfo=UTC)
    # no id column: the review's link is its identity
    assert "reviewId=gp:AOqpTOF1aaa" in crash.external_id and crash.url == crash.external_id


def test_app_store_connect_json_api_reviews():
    found, warnings = parse("app_store_reviews.json")
    assert not warnings
    bad, good = found
    assert bad.external_id == "00000049-7a5b-4e0c-a000-000000000001"
    assert bad.title == "Bluetooth keeps dropping" and bad.author == "rider_ana"
    assert bad.text == "Lock disconnects every ride. Please fix & reply."
    assert bad.published_at == datetime(2026, 11, 20, 11, 41, 12, tzinfo=UTC)
    assert bad.engagement == {"rating": 2.0} and bad.url is None
    assert good.author == "سارة" and good.text == "تطبيق ممتاز لكن يحتاج وضع ليلي"


def test_dm_jsonl_threads_epoch_times_and_markup():
    found, warnings = parse("dm_export.jsonl")
    assert [i.external_id for i in found] == ["dm-9001", "dm-9002"]
    assert [i.reply_to for i in found] == ["c-42", "c-42"]
    assert found[0].published_at == datetime(2026, 11, 20, 4, 46, 40, tzinfo=UTC)
    assert found[1].text == "hello?? anyone there" and found[1].engagement == {}  # "n/a" stars
    assert warnings == ["dm_export.jsonl:3: expected text, got dict"]


def test_explicit_mapping_wins_and_own_thread_id_is_no_parent():
    data = b'{"id": "t1", "ticket_id": "t1", "body": "first", "text": "", "who": "ann"}\n'
    [item], _ = parse_records_file(data, "jsonl", {"author": "who"}, "x.jsonl", True)
    assert item.text == "first" and item.author == "ann" and item.reply_to is None


@pytest.mark.parametrize("value,stars", [(4, 4.0), ("4", 4.0), ("4.5", 4.5), ("4,5", 4.5),
                                         ("3/5", 3.0), ("★★★", None), (True, None), (11, None),
                                         ("", None), (None, None)])
def test_rating_forms(value, stars):
    assert parse_rating(value) == stars


def test_column_names_compare_loosely():
    assert column_name("Review Submit Date and Time") == "review_submit_date_and_time"
    assert column_name("in-reply-to") == column_name("In Reply To") == "in_reply_to"


@pytest.mark.parametrize("platform", ["facebook", "news"])
async def test_inbox_file_source_stores_every_record_with_its_own_id(store, now, platform):
    # all comments of one ticket link to the ticket's URL; on an inbox source each is its own
    # message whatever the platform (elsewhere "news" items are keyed by canonical URL)
    settings = make_settings(f'[[sources]]\nkind = "file"\nname = "care"\nplatform = "{platform}"\n'
                             f'path = "{INBOX / "helpdesk_comments.csv"}"\ninbox = true\n')
    assert settings.sources[0].inbox is True
    [outcome] = await collect_sources(store, settings, now=now)
    assert outcome.status == "ok" and outcome.new_items == 3
    with store.connect() as conn:
        rows = conn.execute(select(items.c.external_id, items.c.author, items.c.text)
                            .order_by(items.c.external_id)).all()
    assert [r.external_id for r in rows] == ["501", "502", "503"]
    assert rows[2].author == "jon@example.org"
