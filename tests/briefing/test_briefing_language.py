"""The briefing and alerts in the team's language: catalogs, Babel formatting, RTL layout."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from tests.conftest import make_settings
from tests.seeding import ARABIC_LABEL, seed
from trendwatch.briefing import build_briefing, render
from trendwatch.briefing.alerts import Candidate, alert_message
from trendwatch.briefing.content import Link, diff_topics
from trendwatch.briefing.delivery import briefing_message
from trendwatch.briefing.render import slack_blocks, spark_points
from trendwatch.cli import cli
from trendwatch.store import open_store

SOURCES = ('[[sources]]\nkind = "rss"\nname = "Electrek"\nurl = "http://127.0.0.1/e"\n'
           '[[sources]]\nkind = "rss"\nname = "Broken Feed"\nurl = "http://127.0.0.1/b"\n'
           '[briefing]\ntimezone = "Europe/Berlin"\ntop = 8\n')


def settings_in(language: str):
    return make_settings(SOURCES, company=f'[company]\nname = "Acme"\nlanguage = "{language}"\n')


@pytest.fixture
def seeded(store, now):
    return seed(store, now)


def test_arabic_html_is_right_to_left_with_arabic_headings(store, now, seeded):
    html = render(build_briefing(store, settings_in("ar"), now), "html")
    assert '<html lang="ar" dir="rtl">' in html
    assert "text-align: right" in html
    for heading in ("<h2>أبرز الفرص</h2>", "<h2>في تراجع</h2>", "ما الذي تغيّر منذ"):
        assert heading in html
    assert "<h1>موجز اتجاهات <bdi>Acme</bdi></h1>" in html
    assert "Top opportunities" not in html and "What changed" not in html
    # feed text keeps its own direction: an English headline in an Arabic page
    assert '<li dir="auto"><a href="https://electrek.co/swap">Swap stations open in Berlin</a>' in html
    assert re.search(r'<span dir="auto">2\. ' + ARABIC_LABEL + "</span>", html)
    assert "<bdi>Northwind Flow</bdi>" in html                 # the product's own name, isolated
    assert "صاعد" in html                                       # status badge: emerging
    assert "تحت المراقبة ← صاعد" in html                         # watch → emerging, read right to left
    assert "الجمعة، 20 نوفمبر 2026" in html                     # Babel's Arabic date


def test_arabic_sparkline_runs_from_right_to_left():
    assert spark_points([1.0, 2.0, 3.0]).split()[0].startswith("0.0,")
    points = spark_points([1.0, 2.0, 3.0], rtl=True).split()
    assert points[0].startswith("120.0,") and points[-1].startswith("0.0,")


def test_english_html_stays_left_to_right(store, now, seeded):
    html = render(build_briefing(store, settings_in("en"), now), "html")
    assert '<html lang="en" dir="ltr">' in html and "text-align: left" in html
    assert "<h2>Top opportunities</h2>" in html


def test_german_markdown_uses_german_words_and_numbers(store, now, seeded):
    text = render(build_briefing(store, settings_in("de"), now), "md")
    assert text.startswith("# Trends für Acme: Freitag, 20. November 2026")
    for phrase in ("## Die besten Chancen", "## Abflauend", "Zeitraum: Fr., 13. Nov., 08:00",
                   "Wachstum 24 Std. **+150\u00a0%** · 7 Tage **+400\u00a0%**",
                   "**9** unabhängige Quellen", "Quellenstatus: 1 von 2 Quellen in Ordnung"):
        assert phrase in text
    assert "Top opportunities" not in text


def test_plural_forms_follow_the_language():
    current = {1: {"topic_id": 1, "label": "x", "status": "emerging", "distinct_sources": 2,
                   "emergence": 1.0}}
    reference = {1: {**current[1], "status": "watch", "distinct_sources": 0}}
    _, rising, _ = diff_topics(current, reference, language="ar")
    assert rising[0].note == "تحت المراقبة ← صاعد؛ 0 ← مصدران"   # Arabic dual: two sources
    _, rising, _ = diff_topics(current, reference, language="fr")
    assert rising[0].note == "à surveiller → émergent\u202f; 0 → 2 sources"


def test_slack_payload_in_french(store, now, seeded):
    payload = slack_blocks(build_briefing(store, settings_in("fr"), now))
    assert payload["blocks"][0]["text"]["text"] == "Tendances pour Acme\u00a0: vendredi 20 novembre 2026"
    # Slack text is one line with plain spaces
    assert payload["text"].startswith("Tendances pour Acme, vendredi 20 novembre 2026 : Battery")
    texts = " ".join(b["text"]["text"] for b in payload["blocks"] if b.get("type") == "section")
    assert "`émergent`" in texts and "pour *Northwind Flow*" in texts


def test_email_subject_in_the_team_language_unless_configured(store, now, seeded):
    briefing = build_briefing(store, settings_in("es"), now)
    message = briefing_message(settings_in("es"), briefing)
    assert message.subject == "Acme: tendencias del viernes, 20 de noviembre de 2026"
    custom = make_settings(SOURCES + '[delivery.email]\nhost = "127.0.0.1"\nsender = "a@b.example"\n'
                           'to = ["c@d.example"]\nsubject = "Briefing {company}"\n',
                           company='[company]\nname = "Acme"\nlanguage = "es"\n')
    assert briefing_message(custom, briefing).subject == "Briefing Acme"


def test_profile_language_overrides_the_company(store, now, seeded):
    settings = make_settings(SOURCES + '[[profiles]]\nname = "Gulf"\nlanguage = "ar"\n'
                             '[profiles.company]\nname = "Acme Gulf"\n',
                             company='[company]\nname = "Acme"\nlanguage = "de"\n')
    assert build_briefing(store, settings, now).language == "de"
    gulf = build_briefing(store, settings, now, profile="Gulf")
    assert gulf.language == "ar" and gulf.direction == "rtl"
    assert render(gulf, "json").count('"language": "ar"') == 2   # the briefing and its health


def test_arabic_alert_is_right_to_left():
    candidate = Candidate(topic_id=3, label=ARABIC_LABEL, status="emerging", product="Northwind Flow",
                          priority=0.9, explanation="x", distinct_sources=11, growth_24h=1.0,
                          link=Link("عنوان", "https://example.com/a", "SPA"))
    message = alert_message(candidate, "Acme", 1, datetime(2026, 11, 20, 8, tzinfo=UTC), "Asia/Riyadh",
                            "ar")
    assert message.subject == f"موضوع صاعد: {ARABIC_LABEL}"
    assert '<html lang="ar" dir="rtl">' in message.html and "text-align:right" in message.html
    assert "لماذا يهمّ هذا <bdi>Northwind Flow</bdi>:" in message.html
    assert "11 مصدرًا مستقلًا" in message.text                   # Arabic "many" form for 11
    assert message.payload["language"] == "ar"


def test_cli_brief_html_in_arabic(tmp_path, now):
    config = tmp_path / "feeds.toml"
    config.write_text('[company]\nname = "Acme"\nlanguage = "ar"\n', encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'tw.db'}"
    seed(open_store(db), now)
    result = CliRunner().invoke(cli, ["brief", "--config", str(config), "--db", db,
                                      "--format", "html", "--as-of", "2026-11-20T08:00Z"])
    assert result.exit_code == 0, result.output
    assert '<html lang="ar" dir="rtl">' in result.output
    assert "<h2>أبرز الفرص</h2>" in result.output
