"""Briefing content from a seeded store: sections, numbers, changes, escaping, RTL."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from tests.conftest import make_settings
from tests.seeding import ARABIC_LABEL, SCRIPT_LABEL, seed
from trendwatch.briefing import build_briefing, render
from trendwatch.briefing.content import Link, diff_topics, downsample
from trendwatch.briefing.render import md, safe_url, slack_blocks, spark_text
from trendwatch.store.schema import deliveries, feedback

SETTINGS = make_settings(
    '[[sources]]\nkind = "rss"\nname = "Electrek"\nurl = "http://127.0.0.1/e"\n'
    '[[sources]]\nkind = "rss"\nname = "Broken Feed"\nurl = "http://127.0.0.1/b"\n'
    '[briefing]\ntimezone = "Europe/Berlin"\ntop = 8\n')


@pytest.fixture
def seeded(store, now):
    return seed(store, now)


def test_top_opportunities_in_priority_order_with_numbers(store, now, seeded):
    b = build_briefing(store, SETTINGS, now)
    assert b.local_date == "Friday, November 20, 2026"
    assert b.run_id == seeded.run2
    assert [o.label for o in b.opportunities] == ["Battery swap stations", ARABIC_LABEL, SCRIPT_LABEL]
    top = b.opportunities[0]
    assert (top.product, top.other_products, top.status) == ("Northwind Flow", ["Northwind Fleet"], "emerging")
    assert (top.growth_24h, top.growth_7d, top.distinct_sources) == (1.5, 4.0, 9)
    assert top.sparkline == [3.0, 9.0]
    # ideas' source first, then one item per outlet; the javascript: item never becomes a link
    assert [link.url for link in top.links] == ["https://electrek.co/swap", "https://bike-eu.com/claim"]
    assert top.ideas[0].hook.startswith("Swap, don't charge")
    assert [d.platform for d in top.ideas[0].drafts] == ["linkedin", "x"]


def test_changes_fading_and_health(store, now, seeded):
    b = build_briefing(store, SETTINGS, now)
    assert [t.label for t in b.changes.new] == [ARABIC_LABEL]
    assert [(t.label, t.note) for t in b.changes.rising] == [
        ("Battery swap stations", "watch → emerging; 3 → 9 sources")]
    assert [(t.label, t.note) for t in b.changes.gone] == [("Scooter bans", "emerging → fading")]
    assert [t.label for t in b.fading] == ["Scooter bans"]
    assert "Scooter bans" not in [o.label for o in b.opportunities]
    assert b.health.line == "1 of 2 sources ok; failing: Broken Feed (HTTP 503 from server)"


def test_changes_are_relative_to_the_last_briefing(store, now, seeded):
    with store.begin() as conn:
        conn.execute(deliveries.insert().values(
            kind="briefing", target="file", created_at=now - timedelta(minutes=30), status="sent",
            attempts=1, detail={"profile": "Acme", "run_id": seeded.run2, "topic_ids": []}))
    b = build_briefing(store, SETTINGS, now)
    # the last briefing already showed run 2: compare with the run a day before instead
    assert b.changes.since == now - timedelta(hours=25)
    with store.begin() as conn:
        conn.execute(deliveries.insert().values(
            kind="briefing", target="file", created_at=now - timedelta(hours=20), status="sent",
            attempts=1, detail={"profile": "Acme", "run_id": seeded.run1, "topic_ids": []}))
    b = build_briefing(store, SETTINGS, now)
    assert b.changes.since == now - timedelta(hours=20)
    assert [t.label for t in b.changes.new] == [ARABIC_LABEL]


def test_muted_topic_is_left_out(store, now, seeded):
    with store.begin() as conn:
        conn.execute(feedback.insert().values(topic_id=seeded.t1, profile="Acme", verdict="mute",
                                              created_at=now))
    labels = [o.label for o in build_briefing(store, SETTINGS, now).opportunities]
    assert "Battery swap stations" not in labels


def test_empty_store_briefing_says_so(store, now):
    b = build_briefing(store, SETTINGS, now)
    assert b.run_id is None and not b.opportunities
    assert "no analysis has run yet" in render(b, "md")
    assert "no analysis run yet" in b.health.line


def test_html_escapes_feed_text_and_marks_direction(store, now, seeded):
    html = render(build_briefing(store, SETTINGS, now), "html")
    assert "<script>" not in html and "alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; e-bike tax" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; claim" in html
    assert "javascript:" not in html
    assert re.search(r'<span dir="auto">2\. ' + ARABIC_LABEL + "</span>", html)
    assert html.count('dir="auto"') >= 10
    assert "<svg" in html and "<polyline" in html          # inline sparkline
    assert "<link" not in html and "src=" not in html      # self-contained
    assert '<meta name="viewport"' in html
    for number in ("+150%", "+400%", "<b>9</b> distinct sources", "Northwind Fleet"):
        assert number in html


def test_markdown_sections_and_escaping(store, now, seeded):
    text = render(build_briefing(store, SETTINGS, now), "md")
    for heading in ("# Trends for Acme: Friday, November 20, 2026", "## Top opportunities",
                    "## What changed since Thu, Nov 19, 08:00", "## Fading", "Health: 1 of 2"):
        assert heading in text
    assert "Window: Fri, Nov 13, 08:00 – Fri, Nov 20, 08:00 (Europe/Berlin)" in text
    assert "\\<script\\>alert\\(1\\)\\<\\/script\\>" in text       # present.escape.md
    assert "[Swap stations open in Berlin](https://electrek.co/swap)" in text
    assert "24 h **+150%** · 7 d **+400%** · **9** distinct sources" in text


def test_json_is_complete(store, now, seeded):
    data = json.loads(render(build_briefing(store, SETTINGS, now), "json"))
    assert data["generated_at"] == "2026-11-20T08:00:00Z"
    assert data["opportunities"][0]["label"] == "Battery swap stations"
    assert data["opportunities"][0]["ideas"][0]["drafts"][1] == {
        "platform": "x", "text": "Swap > charge? Berlin thinks so. #ebike", "length": 39, "limit": 280}
    assert data["health"]["failing"] == [{"source": "Broken Feed", "error": "HTTP 503 from server"}]
    assert set(data["changes"]) == {"since", "new", "rising", "gone"}


def test_slack_blocks_escape_mrkdwn(store, now, seeded):
    payload = slack_blocks(build_briefing(store, SETTINGS, now))
    dumped = json.dumps(payload, ensure_ascii=False)
    assert "<script>" not in dumped and "&lt;script&gt;" in dumped
    assert "<https://electrek.co/swap|Swap stations open in Berlin>" in dumped
    assert payload["blocks"][0]["type"] == "header" and len(payload["blocks"]) <= 50
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in payload["blocks"])


def test_escapers_and_urls():
    assert md("# heading\n* item [x](javascript:y)") == "\\# heading \\* item \\[x\\]\\(javascript\\:y\\)"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" https://a.example/x y") == "https://a.example/x%20y"
    assert safe_url('https://a.example/"><script>') == "https://a.example/%22%3E%3Cscript%3E"
    assert spark_text([1, 2, 3, 9]) == "▁▂▃█" and spark_text([5]) == ""
    assert downsample(list(range(100)), 10)[-1] == 99 and len(downsample(list(range(100)), 10)) == 10
    assert Link("t", "u", "o").title == "t"


def snap(tid, status, distinct, emergence=1.0):
    return {"topic_id": tid, "label": f"t{tid}", "status": status, "distinct_sources": distinct,
            "emergence": emergence, "growth_24h": None, "growth_7d": None}


def test_diff_topics_rules():
    reference = {1: snap(1, "watch", 4), 2: snap(2, "emerging", 6), 3: snap(3, "watch", 3),
                 4: snap(4, "established", 10), 5: snap(5, "watch", 2)}
    current = {1: snap(1, "watch", 5), 2: snap(2, "fading", 2), 4: snap(4, "established", 20),
               5: snap(5, "emerging", 2), 6: snap(6, "emerging", 4), 7: snap(7, "fading", 1)}
    new, rising, gone = diff_topics(current, reference)
    assert [t.topic_id for t in new] == [6]                  # fading newcomers are not "new"
    assert [t.topic_id for t in rising] == [5, 4]            # turned emerging first, then growth
    assert {t.topic_id: t.note for t in gone} == {2: "emerging → fading", 3: "no longer seen"}


def test_every_delivered_form_links_only_to_the_items_and_escapes_feed_markup(store, now, seeded):
    from trendwatch.briefing.delivery import briefing_message

    message = briefing_message(SETTINGS, build_briefing(store, SETTINGS, now))
    item_urls = {"https://electrek.co/swap", "https://electrek.co/two", "https://bike-eu.com/claim"}
    forms = {"md": message.text, "html": message.html,
             "slack": json.dumps(message.slack, ensure_ascii=False),
             "webhook": json.dumps(message.payload, ensure_ascii=False, default=str)}
    for name, text in forms.items():
        assert "javascript:" not in text, name
        found = set(re.findall(r"https?://[^\s\"<>|)\\\]]+", text))
        assert found and found <= item_urls, (name, found - item_urls)
    for name in ("md", "html", "slack"):        # markup from feeds is text in every rendering
        assert "<script>" not in forms[name] and "<b>Bold" not in forms[name], name
    links = [link for o in message.payload["briefing"]["opportunities"] for link in o["links"]]
    assert links and all(safe_url(link["url"]) == link["url"] for link in links)
