"""The Ideas page, the CSV/Markdown export and the generator judge every draft by one rule.

The dashboard has no counting of its own: ``dashboard/views/ideas.py`` and
``dashboard/export.py`` call ``trendwatch.ideas.limits.check_draft``. These tests prove the
verdict shown for a draft is the generator's: what ``fit`` produced fits, with the length
``fit`` measured, and what ``fit``/``validate`` reject is shown as too long.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.export import ideas_csv, ideas_markdown
from tests.ideas.test_ideas_templates import ALL, context
from trendwatch.ideas.limits import SPECS, check_draft, fit, validate
from trendwatch.ideas.templates import TemplateGenerator


def _ideas(mastodon_limit: int = 500) -> list[dict]:
    """Template-generated ideas as the store keeps them (``Fitted.as_draft``)."""
    generated = TemplateGenerator().generate_sync(context(mastodon_limit=mastodon_limit))
    assert generated
    return [{"id": n, "product": "Northwind Flow", "label": "battery swap", "status": "emerging",
             "angle": idea.angle, "hook": idea.hook, "hashtags": idea.hashtags, "sources": [],
             "best_before": idea.best_before, "drafts": [d.as_draft() for d in idea.drafts]}
            for n, idea in enumerate(generated)]


def _overlong(draft: dict) -> dict:
    """The same draft pushed one unit past its platform's limit."""
    extra = draft["limit"] - draft["length"] + 1
    return {**draft, "text": draft["text"] + " " + "a" * extra}


def test_the_generators_drafts_fit_on_the_page_and_in_the_export():
    ideas = _ideas()
    assert {d["platform"] for i in ideas for d in i["drafts"]} == set(ALL)
    rows = list(csv.DictReader(io.StringIO(ideas_csv(ideas))))
    drafts = [d for i in ideas for d in i["drafts"]]
    assert len(rows) == len(drafts)
    for draft, row in zip(drafts, rows):
        check = check_draft(draft)
        assert check.fits, (draft["platform"], check.summary())
        assert check.length == draft["length"] and check.limit == draft["limit"]
        assert row["fits"] == "True" and row["length"] == str(draft["length"])
        assert row["limit"] == str(draft["limit"])


def test_a_draft_past_the_limit_is_too_long_everywhere():
    ideas = _ideas()
    for idea in ideas:
        idea["drafts"] = [_overlong(d) for d in idea["drafts"]]
    rows = list(csv.DictReader(io.StringIO(ideas_csv(ideas))))
    for draft, row in zip([d for i in ideas for d in i["drafts"]], rows):
        generator_says = validate(draft["platform"], draft["text"])
        assert generator_says is not None
        assert not check_draft(draft).fits and row["fits"] == "False", draft["platform"]


@pytest.mark.parametrize("platform", sorted(SPECS))
def test_verdict_equals_fit_and_validate_for_every_platform(platform):
    body = "Battery swap stations grow in Berlin as commuters switch to e-bikes. " * 120
    for tags in ([], ["ebike"], [f"t{i}" for i in range(8)]):
        fitted = fit(platform, body, link="https://example.com/flow", hashtags=tags)
        assert fitted.ok
        assert check_draft(fitted.as_draft()).fits
        assert check_draft(fitted.as_draft()).length == fitted.length
        unfitted = body + " " + " ".join(f"#{t}" for t in tags)
        assert check_draft({"platform": platform, "text": unfitted}).fits is (
            validate(platform, unfitted) is None)


def test_mastodon_uses_the_instance_limit():
    ideas = _ideas(mastodon_limit=1000)
    mastodon = [d for i in ideas for d in i["drafts"] if d["platform"] == "mastodon"]
    assert mastodon and all(d["limit"] == 1000 for d in mastodon)
    long = {"platform": "mastodon", "text": "word " * 150, "limit": 1000}   # 749 characters
    assert validate("mastodon", long["text"], mastodon_limit=1000) is None
    assert check_draft(long).fits                                   # the draft's own limit
    assert check_draft(long, mastodon_limit=1000).fits              # the setting
    assert not check_draft(long, mastodon_limit=500).fits           # a smaller instance
    row = next(csv.DictReader(io.StringIO(ideas_csv(
        [{**ideas[0], "drafts": [long]}], mastodon_limit=1000))))
    assert row["fits"] == "True" and row["limit"] == "1000"


def test_hashtag_caps_are_the_generators():
    six = "Commuters switch " + " ".join(f"#t{i}" for i in range(6))
    for platform in ("linkedin", "instagram"):                       # five at most
        assert validate(platform, six) == "6 hashtags > 5"
        check = check_draft({"platform": platform, "text": six})
        assert not check.fits and "6/5 hashtags" in check.summary()
    assert not check_draft({"platform": "threads", "text": "a #b #c"}).fits   # one on Threads
    assert check_draft({"platform": "x", "text": six}).fits                  # no cap on X


def test_units_are_the_platforms():
    url = "see https://example.com/a/very/long/path/indeed"
    assert check_draft({"platform": "x", "text": url}).length == 4 + 23
    assert check_draft({"platform": "x", "text": "日本"}).length == 4
    family = "👨‍👩‍👧"                      # five code points, one grapheme
    assert check_draft({"platform": "bluesky", "text": family + " ok"}).length == 4
    check = check_draft({"platform": "bluesky", "text": "hi"})
    assert check.limit == 300 and check.summary() == "2/300 graphemes"
    bytes_heavy = {"platform": "bluesky", "text": family * 200}     # 200 graphemes, 3,600 bytes
    assert not check_draft(bytes_heavy).fits
    assert "3600/3000 bytes" in check_draft(bytes_heavy).summary()
    unknown = check_draft({"platform": "myspace", "text": "hello"})
    assert unknown.fits and unknown.limit is None


def test_markdown_export_shows_the_same_verdict():
    ideas = _ideas()
    text = ideas_markdown(ideas, title="Post ideas")
    for draft in ideas[0]["drafts"]:
        assert f"### {draft['platform']} ({check_draft(draft).summary()})" in text


def test_dashboard_has_no_counting_of_its_own():
    root = Path(__file__).resolve().parents[2] / "dashboard"
    assert not (root / "counting.py").exists()
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "import grapheme" not in source and "twitter_text" not in source, path


def test_limits_import_twitter_text_lazily():
    probe = ("import sys, trendwatch.ideas.limits as l, dashboard.export; "
             "assert 'twitter_text' not in sys.modules; l.measure('x', 'hi'); "
             "assert 'twitter_text' in sys.modules")
    subprocess.run([sys.executable, "-c", probe], check=True, cwd=Path(__file__).parents[2])
