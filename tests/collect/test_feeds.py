"""Golden-file tests of the pure feed parser (feeds.py) plus ingest's normalisation.

Each fixture ``tests/fixtures/feeds/NAME.{xml,json}`` has ``NAME.expected.json``:
the feed title, warnings and, per item, every field ingest stores. Compared field by
field so a failure names the field. After an intended change, regenerate with
``TRENDWATCH_UPDATE_GOLDEN=1 pytest tests/test_feeds.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from trendwatch.collect.ingest import prepare_rows
from trendwatch.collect.parse.feeds import parse_feed
from trendwatch.errors import ParseError

FEEDS = FIXTURES / "feeds"
FETCHED_AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
STORED_FIELDS = ("title", "text", "url", "canonical_url", "external_id", "published_at", "author",
                 "outlet", "lang", "hashtags")
CASES = sorted(p for p in FEEDS.iterdir() if p.suffix in (".xml", ".json")
               and not p.name.endswith(".expected.json"))
UPDATE = os.environ.get("TRENDWATCH_UPDATE_GOLDEN") == "1"


def parse_fixture(path: Path) -> dict:
    """What the parser and ingest make of a fixture, as plain JSON."""
    content_type = "application/feed+json" if path.suffix == ".json" else "application/rss+xml"
    parsed = parse_feed(path.read_bytes(), {"Content-Type": content_type},
                        f"https://{path.stem}.example/feed")
    rows = prepare_rows(parsed.items, platform="news", source_name=path.stem, fetched_at=FETCHED_AT)
    return {
        "feed_title": parsed.title,
        "warnings": parsed.warnings,
        "items": [{field: (row[field].isoformat() if isinstance(row[field], datetime) else row[field])
                   for field in STORED_FIELDS} for row in rows],
    }


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_golden(path: Path):
    golden = path.with_name(path.stem + ".expected.json")
    got = parse_fixture(path)
    if UPDATE:
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert got["feed_title"] == expected["feed_title"]
    assert len(got["warnings"]) == len(expected["warnings"])
    for warning, pattern in zip(got["warnings"], expected["warnings"]):
        assert warning.split("(")[0] == pattern.split("(")[0]  # parser wording may vary inside ()
    assert len(got["items"]) == len(expected["items"]), "item count"
    for index, (item, want) in enumerate(zip(got["items"], expected["items"])):
        for field in STORED_FIELDS:
            assert item[field] == want[field], f"item {index} field {field!r}"


def test_golden_files_cover_every_fixture():
    goldens = {p.name.removesuffix(".expected.json") for p in FEEDS.glob("*.expected.json")}
    assert goldens == {p.stem for p in CASES}
    assert {"rss2", "atom", "rdf", "jsonfeed", "latin1", "arabic", "bozo", "empty",
            "plaintext", "plaintext_atom", "plaintext_jsonfeed"} <= goldens


# The properties the goldens encode, asserted directly so a careless regeneration cannot
# bless a regression.

def items_of(name: str) -> list[dict]:
    path = next(p for p in CASES if p.stem == name)
    return parse_fixture(path)["items"]


def test_markup_becomes_clean_text_and_scripts_vanish():
    first = items_of("rss2")[0]
    assert first["title"] == "Cargo bikes & the last mile: delivery fleets grow"
    assert "<" not in first["text"] and "alert" not in first["text"]
    assert first["text"].startswith("Delivery firms in Berlin add 400 cargo bikes.")
    assert items_of("atom")[0]["title"] == "Micromobility boom in Paris"


def test_relative_links_resolved_and_tracking_stripped():
    first = items_of("rss2")[0]
    assert first["url"] == ("https://cycletrade.example/2026/11/cargo-bikes-last-mile"
                            "?utm_source=rss&utm_medium=feed")
    assert first["canonical_url"] == "https://cycletrade.example/2026/11/cargo-bikes-last-mile"
    assert items_of("atom")[0]["url"] == "https://atom.example/blog/posts/paris-boom"
    assert items_of("jsonfeed")[0]["url"] == "https://json.example/posts/j1"


def test_dates_are_utc():
    assert items_of("rss2")[0]["published_at"] == "2026-11-19T08:30:00+00:00"
    assert items_of("atom")[0]["published_at"] == "2026-11-19T16:30:02+00:00"
    assert items_of("arabic")[0]["published_at"] == "2026-11-18T09:00:00+00:00"
    assert items_of("jsonfeed")[1]["published_at"] == "2026-11-19T10:00:00+00:00"


def test_encodings_language_and_hashtags():
    latin = items_of("latin1")[0]
    assert latin["title"] == "Résumé of the Vélo fair in München"
    assert latin["text"] == "Große Messe für Fahrräder"
    arabic = items_of("arabic")[0]
    assert arabic["lang"] == "ar" and arabic["hashtags"] == ["الدراجات"]
    assert items_of("rss2")[0]["hashtags"] == ["cargobike", "lastmile"]
    assert items_of("rss2")[0]["lang"] == "en"


def test_plain_text_fields_keep_every_character():
    rss = items_of("plaintext")
    assert [i["title"] for i in rss[:3]] == ["A<B", "Nice <gorilla> what's he weigh?", "Cargo bikes & trailers"]
    assert rss[1]["text"] == "An HTML description: bold goes, the words stay."  # descriptions are HTML
    atom = items_of("plaintext_atom")
    assert atom[0]["title"] == "Torque <50 Nm & range >100 km"
    assert atom[0]["text"] == "Riders asked: is <50 Nm enough for hills?"
    assert atom[0]["author"] == "Kim <kim@atomtext.example>"
    assert (atom[1]["title"], atom[1]["text"]) == ("Folding e-bikes sell out",
                                                   "Stock of folding models ran out in Lyon.")
    jf = items_of("plaintext_jsonfeed")
    assert jf[0]["title"] == "Die Rückkehr von <i> und <b>"
    assert jf[0]["text"] == "Ein Text über 1 < 2 und <b>, der nichts verliert."
    assert jf[0]["author"] == "Eva <Redaktion>"
    assert jf[1]["text"] == "Acht Lastenräder im Vergleich."  # content_html is HTML
    assert jf[3]["text"] == "Only a summary, which is plain text: a <tag> stays."
    assert parse_fixture(FEEDS / "plaintext.xml")["feed_title"] == "Plain <Text> Weekly"
    assert parse_fixture(FEEDS / "plaintext_jsonfeed.json")["feed_title"] == "Rad & <Recht>"


def test_dates_outside_the_sane_range_are_unknown():
    # 1900 and 2199 (RSS), a JSON Feed date of 1e300 and one in year 9999: fetched_at is used
    rss, jf = items_of("plaintext"), items_of("plaintext_jsonfeed")
    assert [i["published_at"] for i in rss[2:]] == [FETCHED_AT.isoformat()] * 2
    assert [i["published_at"] for i in jf[2:]] == [FETCHED_AT.isoformat()] * 2
    assert jf[2]["title"] == "5" and jf[2]["external_id"] == "3"  # a list title is ignored, numbers coerced


def test_bozo_feed_is_kept_with_a_warning():
    parsed = parse_feed((FEEDS / "bozo.xml").read_bytes())
    assert parsed.items and parsed.warnings
    assert "malformed but readable" in parsed.warnings[0]


def test_empty_feed_has_no_items_and_no_error():
    parsed = parse_feed((FEEDS / "empty.xml").read_bytes())
    assert parsed.items == [] and parsed.warnings == [] and parsed.title == "Nothing yet"


@pytest.mark.parametrize("body", [
    b"\x00\x9f\x92\x96garbage\xff\xfe" * 50,
    b"<html><head><title>Welcome</title></head><body><p>Not a feed</p></body></html>",
    b"",
    b'{"not": "a json feed"}',
    b"{ broken json",
])
def test_garbage_is_a_parse_error(body):
    with pytest.raises(ParseError, match="not a"):
        parse_feed(body)
