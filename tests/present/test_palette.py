"""One status vocabulary and one palette: the HTML briefing, the charts and the badges agree."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from trendwatch.analysis.score import STATUSES as ENGINE_STATUSES
from trendwatch.briefing import render
from trendwatch.briefing.content import Briefing, Changes, Health, Link, Opportunity
from trendwatch.present import palette

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _briefing(statuses) -> Briefing:
    opportunities = [
        Opportunity(topic_id=n, label=f"topic {status}", status=status, product="Flow",
                    explanation="why", priority=1.0, relevance=0.5, other_products=[],
                    growth_24h=0.5, growth_7d=1.0, distinct_sources=3, size=4, emergence=1.0,
                    keywords=[], first_seen_at=NOW, sparkline=[1.0, 2.0, 3.0],
                    links=[Link("t", "https://e.example/1", "e")], ideas=[])
        for n, status in enumerate(statuses)]
    return Briefing(profile="Acme", company="Acme", generated_at=NOW, local_date="Friday",
                    timezone="UTC", window_start=NOW, window_end=NOW, run_id=1,
                    opportunities=opportunities, fading=[], changes=Changes(since=None),
                    health=Health(sources_total=1, failing=[], last_run_at=NOW, notes=[]))


def test_the_palette_speaks_the_engines_status_vocabulary():
    assert tuple(palette.STATUSES) == tuple(ENGINE_STATUSES)
    assert set(palette.STATUS_COLORS) == set(ENGINE_STATUSES)
    assert set(palette.STATUS_BADGE) == set(palette.STATUS_ICON) == set(ENGINE_STATUSES)
    scale = palette.status_scale()
    assert dict(zip(scale["domain"], scale["range"])) == palette.STATUS_COLORS


def test_every_status_has_the_dashboards_colour_in_the_html_briefing():
    html = render(_briefing(ENGINE_STATUSES), "html")
    cards = html.split('<section class="card">')[1:]
    assert len(cards) == len(ENGINE_STATUSES)
    for status, card in zip(ENGINE_STATUSES, cards):
        colour = palette.status_color(status)
        badge = re.search(r'<span class="badge" style="background: ([^"]+)">([^<]+)</span>', card)
        assert badge and badge.groups() == (colour, status)
        assert f'stroke="{colour}"' in card                  # the sparkline too
        others = set(palette.STATUS_COLORS.values()) - {colour}
        assert not any(other in card for other in others)


def test_an_unknown_status_gets_the_palettes_neutral_colour():
    html = render(_briefing(["mystery"]), "html")
    assert f"background: {palette.status_color('mystery')}" in html


def test_the_briefing_has_no_colours_of_its_own():
    import trendwatch.briefing.render as module

    assert not hasattr(module, "STATUS_COLORS")


def test_the_emerging_alert_has_the_palettes_colour():
    from trendwatch.briefing.alerts import Candidate, alert_message

    candidate = Candidate(topic_id=1, label="swap", status="emerging", product="Flow", priority=1.0,
                          explanation="why", distinct_sources=3, growth_24h=0.5,
                          link=Link("t", "https://e.example/1", "e"))
    html = alert_message(candidate, "Acme", 1, NOW, "UTC").html
    assert f"background:{palette.status_color('emerging')}" in html
    others = set(palette.STATUS_COLORS.values()) - {palette.status_color("emerging")}
    assert not any(other in html for other in others)
