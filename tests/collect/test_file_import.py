"""`file` source: JSONL/CSV/feed imports with a field mapping, bad lines, no duplicates, cursor."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import FIXTURES, make_settings
from trendwatch.collect.parse.records import parse_published, parse_records_file
from trendwatch.collect.run import collect_sources
from trendwatch.errors import ConfigError, ParseError
from trendwatch.store import sources as source_rows
from trendwatch.store.schema import items

IMPORTS = FIXTURES / "imports"
CSV_FIELDS = ('fields = { id = "Post ID", title = "Headline", text = "Body", url = "Link", '
              'published = "Date", author = "Account", hashtags = "Tags" }\n')


def count(store) -> int:
    with store.connect() as conn:
        return conn.execute(select(func.count()).select_from(items)).scalar()


def test_jsonl_records_keep_their_times_and_bad_lines_are_named():
    data = (IMPORTS / "posts.jsonl").read_bytes()
    found, warnings = parse_records_file(data, "auto", {}, "posts.jsonl")
    assert [i.external_id for i in found] == ["p1", "p2", "p5"]
    p1, p2, p5 = found
    assert p1.published_at == datetime(2026, 11, 10, 7, 0, tzinfo=UTC)
    assert p1.outlet == "Courier Blog" and p1.author == "@courier"
    assert p1.hashtags == ["LastMile", "Berlin"]
    assert p2.title == p2.text == "E-bike subscriptions up 30% this quarter"
    assert p2.hashtags == ["ebike", "subscription", "micromobility"]
    assert p5.published_at == datetime(2025, 11, 13, 8, 0, tzinfo=UTC)  # epoch seconds
    assert warnings[0].startswith("posts.jsonl:3: not valid JSON")
    assert warnings[1] == ("posts.jsonl:4: published is not an ISO 8601 date "
                           "(nor RFC 822 or epoch seconds)")
    assert warnings[2].startswith("posts.jsonl:5: no title or text")
    assert len(warnings) == 3


def test_csv_with_a_field_mapping_and_sniffed_delimiter():
    data = (IMPORTS / "export.csv").read_bytes()
    fields = {"id": "Post ID", "title": "Headline", "text": "Body", "url": "Link",
              "published": "Date", "author": "Account", "hashtags": "Tags"}
    found, warnings = parse_records_file(data, "csv", fields, "export.csv")
    assert [i.external_id for i in found] == ["c1", "c2"]
    assert found[0].hashtags == ["micromobility", "cities"]
    assert found[1].title == "Quoted; headline"
    assert found[1].text == 'Text with "quotes" and; separators'
    assert found[1].published_at == datetime(2026, 11, 13, 8, 30, tzinfo=UTC)
    assert warnings == ["export.csv:4: no title or text (looked for 'Headline' and 'Body')"]


def test_csv_without_the_mapped_columns_says_what_was_expected_not_what_it_read():
    with pytest.raises(ParseError, match=r"export.csv:1: expected a header line with a 'title' or "
                                         r"'text' column, found 7 other column") as caught:
        parse_records_file((IMPORTS / "export.csv").read_bytes(), "csv", {}, "export.csv")
    assert "Headline" not in str(caught.value).split("e.g.")[0]  # the header is file content


def test_nested_json_array_with_dotted_fields_and_non_utf8_csv():
    data = b'{"data": [{"content": {"headline": "Nested title"}, "user": {"name": "Kim"}}]}'
    found, _ = parse_records_file(data, "auto", {"title": "content.headline", "author": "user.name"},
                                  "x.json")
    assert found[0].title == "Nested title" and found[0].author == "Kim"
    latin = "title,text\nCafé crème,Fahrräder für München\n".encode("cp1252")
    found, warnings = parse_records_file(latin, "csv", {}, "old.csv")
    assert found[0].title == "Café crème" and "München" in found[0].text
    assert "not UTF-8" in warnings[0]


def test_published_forms():
    assert parse_published("2026-11-19T10:00:00Z") == datetime(2026, 11, 19, 10, tzinfo=UTC)
    assert parse_published("2026-11-19") == datetime(2026, 11, 19, tzinfo=UTC)
    assert parse_published("Thu, 19 Nov 2026 09:30:00 +0100") == datetime(2026, 11, 19, 8, 30,
                                                                            tzinfo=UTC)
    assert parse_published(1763020800000) == datetime(2025, 11, 13, 8, tzinfo=UTC)
    assert parse_published(None) is None


def test_unknown_field_name_and_platform_are_config_errors():
    with pytest.raises(ConfigError, match=r"sources\[0\]\.fields\.titel: unknown key"):
        make_settings('[[sources]]\nkind = "file"\npath = "x.csv"\nfields = { titel = "H" }\n')
    with pytest.raises(ConfigError, match=r"sources\[0\]\.format"):
        make_settings('[[sources]]\nkind = "file"\npath = "x.csv"\nformat = "xlsx"\n')
    with pytest.raises(ConfigError, match=r"sources\[0\]\.platform: unknown platform 'myspace'"):
        make_settings('[[sources]]\nkind = "file"\npath = "x.csv"\nplatform = "myspace"\n')


async def test_folder_import_skips_unchanged_files_and_never_duplicates(tmp_path, store, now):
    folder = tmp_path / "exports"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(IMPORTS / "posts.jsonl", folder / "posts.jsonl")
    shutil.copy(FIXTURES / "feeds" / "rss2.xml", folder / "sub" / "feed.xml")
    (folder / ".hidden.jsonl").write_text('{"title": "never read"}\n')
    (folder / "notes.txt").write_text("not an export")
    settings = make_settings(f'[storage]\nimport_dirs = ["{tmp_path}"]\n'
                             f'[[sources]]\nkind = "file"\nname = "imp"\npath = "{folder}"\n')

    first = (await collect_sources(store, settings, now=now))[0]
    assert first.status == "ok" and first.new_items == 5      # 3 jsonl + 2 feed
    assert "posts.jsonl:3: not valid JSON" in first.message
    with store.connect() as conn:
        published = conn.execute(select(items.c.published_at).where(items.c.external_id == "p1")).scalar()
        state = source_rows.get_state(conn, 1)
    assert published == datetime(2026, 11, 10, 7, 0, tzinfo=UTC)
    assert sorted(os.path.basename(p) for p in state.cursor["files"]) == ["feed.xml", "posts.jsonl"]

    second = (await collect_sources(store, settings, names=["imp"], now=now + timedelta(hours=1)))[0]
    assert second.status == "not_modified" and second.new_items == 0 and second.message is None

    # a changed file is read again: only its new record is new
    with open(folder / "posts.jsonl", "a") as fh:
        fh.write('{"id": "p9", "title": "Late addition about folding bikes", "published": "2026-11-12T00:00:00Z"}\n')
    third = (await collect_sources(store, settings, names=["imp"], now=now + timedelta(hours=2)))[0]
    assert third.status == "ok" and third.new_items == 1
    assert count(store) == 6


async def test_csv_source_with_mapping_and_platform(tmp_path, store, now):
    settings = make_settings(f'[[sources]]\nkind = "file"\nname = "social"\npath = "{IMPORTS / "export.csv"}"\n'
                             f'format = "csv"\nplatform = "x"\n' + CSV_FIELDS)
    outcome = (await collect_sources(store, settings, now=now))[0]
    assert outcome.new_items == 2
    with store.connect() as conn:
        rows = conn.execute(select(items.c.platform, items.c.author, items.c.hashtags)).all()
    assert {r.platform for r in rows} == {"x"}
    assert all(r.author.startswith("anon:") for r in rows) is False  # no key given: handles kept
    assert rows[0].hashtags == ["micromobility", "cities"]


async def test_missing_path_and_unreadable_file_are_source_errors(tmp_path, store, now):
    bad = tmp_path / "broken.xml"
    bad.write_bytes(b"\x00\x01 definitely not a feed \xff")
    settings = make_settings(
        f'[storage]\nimport_dirs = ["{tmp_path}"]\n'
        f'[[sources]]\nkind = "file"\nname = "missing"\npath = "{tmp_path / "nope"}"\n'
        f'[[sources]]\nkind = "file"\nname = "garbage"\npath = "{bad}"\n'
    )
    outcomes = {o.name: o for o in await collect_sources(store, settings, now=now)}
    assert outcomes["missing"].status == "error" and "does not exist" in outcomes["missing"].message
    assert outcomes["garbage"].status == "error"
    assert str(bad) in outcomes["garbage"].message and "not a" in outcomes["garbage"].message
