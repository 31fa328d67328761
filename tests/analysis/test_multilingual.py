"""One story in two languages is one topic: the multilingual model, end to end through the CLI.

Four stories, each reported by four English and four Arabic outlets, among English and
Arabic background headlines (tests/fixtures/multilingual/stories.json, written for this
test). all-MiniLM-L6-v2 keeps the two languages apart (cosine ~0.1 between a headline and
its translation); use-multilingual-v3 puts them together.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from tests.synthetic import add_items
from trendwatch.analysis.embed.multilingual import MultilingualUseEmbedder
from trendwatch.cli import cli

STORIES = json.loads((Path(__file__).parents[1] / "fixtures" / "multilingual" / "stories.json")
                     .read_text(encoding="utf-8"))


def seed(store, now) -> dict[str, str]:
    specs, story_of = [], {}
    for s, (key, langs) in enumerate(STORIES["stories"].items()):
        for lang, headlines in langs.items():
            for k, text in enumerate(headlines):
                specs.append({"text": text, "lang": lang, "outlet": f"{lang}-outlet-{k}",
                              "at": now - timedelta(hours=2 + s + k * 0.5)})
                story_of[text] = key
    for lang, headlines in STORIES["background"].items():
        for k, text in enumerate(headlines):
            specs.append({"text": text, "lang": lang, "outlet": f"{lang}-background-{k % 7}",
                          "at": now - timedelta(hours=1 + k * 3)})
    add_items(store, specs)
    return story_of


def test_a_story_in_arabic_and_english_is_one_topic(store, database_url, now, tmp_path):
    story_of = seed(store, now)
    config = tmp_path / "feeds.toml"
    # "auto": half the window is Arabic, so the run takes the multilingual model
    config.write_text('[company]\nname = "Acme"\n[analysis]\nmodel = "auto"\n')
    base = ["--config", str(config), "--db", database_url]
    runner = CliRunner()
    result = runner.invoke(cli, ["analyze", *base, "--as-of", now.isoformat(), "--quiet", "--no-ideas"])
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(cli, ["topics", *base, "--all", "--format", "json"]).output)
    from trendwatch.store import runs as run_rows

    assert run_rows.latest_run(store)["model_id"] == "use-multilingual-v3"
    found: dict[str, list[dict]] = {}
    for topic in listed:
        detail = json.loads(runner.invoke(cli, ["topic", *base, str(topic["id"]), "--format", "json"]).output)
        stories = {story_of.get(i["title"]) for i in detail["items"]} - {None}
        for story in stories:
            found.setdefault(story, []).append({"topic": topic, "items": detail["items"]})
    for story in STORIES["stories"]:
        assert story in found, f"{story}: no topic"
        assert len(found[story]) == 1, f"{story} is split over {len(found[story])} topics"
        topic, members = found[story][0]["topic"], found[story][0]["items"]
        languages = {i["lang"] for i in members if story_of.get(i["title"]) == story}
        assert languages == {"ar", "en"}, f"{story}: only {languages} met"
        assert {"ar", "en"} <= set(topic["languages"]), topic
        # a story's topic is that story: no other story in it, little background
        others = {story_of.get(i["title"]) for i in members} - {story, None}
        assert not others, f"{story} shares its topic with {others}"
        own = sum(story_of.get(i["title"]) == story for i in members)
        assert own >= 0.6 * len(members), f"{story}: {own} of {len(members)} items"


def test_the_multilingual_embedder_pairs_translations():
    embedder = MultilingualUseEmbedder()
    english = [v["en"][0] for v in STORIES["stories"].values()]
    arabic = [v["ar"][0] for v in STORIES["stories"].values()]
    sims = embedder.embed(english) @ embedder.embed(arabic).T
    assert embedder.embed(["x"]).shape == (1, 512)
    for row in range(len(english)):
        assert sims[row].argmax() == row and sims[row, row] > 0.4
