"""analyze, topics, topic, backtest."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from trendwatch.cli.common import (
    common_options,
    console,
    err_console,
    format_option,
    print_json,
    print_table,
)
from trendwatch.cli.group import cli
from trendwatch.errors import ConfigError
from trendwatch.service import pipeline
from trendwatch.store import runs as db

STATUS_STYLE = {"emerging": "bold green", "watch": "yellow", "established": "cyan",
                "fading": "dim"}


def parse_time(value: str | None, option: str) -> datetime:
    if not value:
        return datetime.now(UTC)
    from dateutil import parser

    try:
        parsed = parser.isoparse(value)
    except (ValueError, OverflowError) as exc:
        raise ConfigError(f"{option}: {value!r} is not an ISO time like 2026-11-20T08:00Z") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def run_with_progress(store, settings, now, *, full=None, ideas=True, quiet=False
                      ) -> pipeline.AnalysisOutcome:
    """The service's analysis step (analyse → rank → ideas), with a progress bar."""
    with Progress(TextColumn("[bold]{task.description:<8}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err_console, disable=quiet, transient=True) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return asyncio.run(pipeline.run_analysis(
            store, settings, now, ideas=ideas, full=full, progress=progress,
            say=lambda m: err_console.print(Text(m, style="dim"))))


@cli.command("analyze")
@common_options
@click.option("--as-of", "as_of", metavar="TIME", help="analyse as of this UTC time (default: now)")
@click.option("--full/--incremental", "full", default=None,
              help="force a full re-clustering, or only let new items join topics "
                   "[default: full every [analysis] recluster_every]")
@click.option("--no-ideas", "no_ideas", is_flag=True,
              help="rank the topics for the products but write no post ideas (the run is "
                   "published, i.e. becomes the latest run, once ranking has committed)")
@click.option("--quiet", "-q", is_flag=True, help="no progress bar")
@format_option
def analyze_cmd(env, as_of: str | None, full: bool | None, no_ideas: bool, quiet: bool,
                fmt: str) -> None:
    """Embed new items, find and track topics, score emergence; then rank the topics for
    each profile's products and write post ideas (the service's analysis step). The run
    becomes the latest run only when all of that has committed; runs a dead process left
    unfinished for longer than [analysis] run_timeout are first marked interrupted."""
    settings = env.settings()
    store = env.store(settings)
    outcome = run_with_progress(store, settings, parse_time(as_of, "--as-of"), full=full,
                                ideas=not no_ideas, quiet=quiet or fmt == "json")
    if fmt == "json":
        print_json(outcome.as_dict())
        return
    summary = outcome.summary
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(summary.statuses.items())) or "no topics"
    console.print(f"run {summary.run_id} ({summary.mode}) as of {summary.as_of:%Y-%m-%d %H:%M}Z: "
                  f"{summary.items} items ({summary.embedded} newly embedded), "
                  f"{summary.topics} topics ({summary.new_topics} new): {statuses}")
    if summary.timings:
        console.print("  " + ", ".join(f"{k} {v:.1f}s" for k, v in summary.timings.items()),
                      style="dim")
    for name, found in outcome.opportunities.items():
        made = (f", {outcome.ideas[name]} post ideas" if name in outcome.ideas
                else " (no ideas: --no-ideas)")
        console.print(Text(f"{name}: {len(found)} opportunities{made}"))
    console.print("next: [bold]trendwatch topics[/]"
                  + (", [bold]trendwatch ideas[/]" if outcome.opportunities else ""))


def topic_json(row: dict) -> dict:
    return {"id": row["topic_id"], "label": row["label"], "headline": row["label"],
            "keywords": row["keywords"],
            "hashtags": row["hashtags"], "languages": row["languages"], "status": row["status"],
            "signal": row["signal"], "emergence": row["emergence"], "score_parts": row["score_parts"],
            "size": row["size"], "distinct_sources": row["distinct_sources"],
            "distinct_stories": row["distinct_stories"], "platforms": row["platforms"],
            "growth_24h": row["growth_24h"], "growth_7d": row["growth_7d"],
            "first_seen": row["first_seen_at"], "last_seen": row["last_seen_at"],
            "run_id": row["run_id"], "as_of": row["as_of"]}


@cli.command("topics")
@common_options
@format_option
@click.option("--all", "show_all", is_flag=True, help="every topic of the latest run")
@click.option("--limit", default=20, show_default=True, help="how many topics without --all")
@click.option("--status", type=click.Choice(["emerging", "watch", "established", "fading"]),
              help="only topics with this status")
def topics_cmd(env, fmt: str, show_all: bool, limit: int, status: str | None) -> None:
    """Topics of the latest analysis run, most emerging first."""
    settings = env.settings()
    store = env.store(settings)
    run = db.latest_run(store)
    if run is None:
        if fmt == "json":
            print_json([])
        else:
            console.print("no analysis yet: run [bold]trendwatch analyze[/] first")
        return
    rows = db.topic_rows(store, run["id"])
    if status:
        rows = [r for r in rows if r["status"] == status]
    if not show_all:
        rows = rows[:limit]
    if fmt == "json":
        print_json([topic_json(r) for r in rows])
        return
    print_table(f"topics as of {run['as_of']:%Y-%m-%d %H:%M}Z (run {run['id']})",
                ["id", "status", "signal", "emergence", "label", "items", "sources", "24h growth",
                 "platforms"],
                [[r["topic_id"], Text(r["status"], style=STATUS_STYLE.get(r["status"], "")),
                  r["signal"], f"{r['emergence']:.2f}", r["label"][:70], r["size"],
                  r["distinct_sources"], f"{r['growth_24h']:+.0%}" if r["growth_24h"] is not None else None,
                  " ".join(f"{k}:{v}" for k, v in sorted(r["platforms"].items()))] for r in rows])


@cli.command("topic")
@common_options
@format_option
@click.argument("topic_id", type=int)
def topic_cmd(env, fmt: str, topic_id: int) -> None:
    """One topic: its history, lineage and items (with each item's original id)."""
    settings = env.settings()
    store = env.store(settings)
    detail = db.topic_detail(store, topic_id)
    if detail is None:
        raise ConfigError(f"no topic {topic_id}: see `trendwatch topics --all` for the ids")
    items = [{"id": i["id"], "external_id": i["external_id"], "platform": i["platform"],
              "outlet": i["outlet"], "title": i["title"], "url": i["url"],
              "published_at": i["published_at"], "story_id": i["story_id"], "lang": i["lang"],
              "probability": i["probability"]} for i in detail["items"]]
    history = [{"run_id": h["run_id"], "as_of": h["as_of"], "status": h["status"],
                "signal": h["signal"], "emergence": h["emergence"], "size": h["size"],
                "distinct_sources": h["distinct_sources"], "label": h["label"],
                "growth_24h": h["growth_24h"], "score_parts": h["score_parts"]}
               for h in detail["history"]]
    lineage = [{"run_id": l["run_id"], "topic_id": l["topic_id"],
                "related_topic_id": l["related_topic_id"], "relation": l["relation"]}
               for l in detail["lineage"]]
    t = detail["topic"]
    if fmt == "json":
        print_json({"id": t["id"], "label": t["label"], "headline": t["label"],
                    "keywords": t["keywords"],
                    "hashtags": t["hashtags"], "languages": t["languages"], "status": t["status"],
                    "dormant": t["dormant"], "first_seen": t["first_seen_at"],
                    "last_seen": t["last_seen_at"], "history": history, "lineage": lineage,
                    "items_run_id": detail["items_run_id"], "items": items})
        return
    console.print(Text.assemble((f"topic {t['id']}: ", "bold"), t["label"]))
    console.print(Text(f"keywords: {', '.join(t['keywords'])}"))
    if t["hashtags"]:
        console.print(Text("hashtags: " + " ".join("#" + h for h in t["hashtags"])))
    console.print(f"status {t['status']}{' (dormant)' if t['dormant'] else ''}; "
                  f"first seen {t['first_seen_at']:%Y-%m-%d %H:%M}Z, last {t['last_seen_at']:%Y-%m-%d %H:%M}Z")
    for l in lineage:
        console.print(f"  lineage: topic {l['topic_id']} {l['relation']} {l['related_topic_id']} "
                      f"(run {l['run_id']})")
    print_table("history", ["run", "as of", "status", "signal", "emergence", "items", "sources"],
                [[h["run_id"], f"{h['as_of']:%Y-%m-%d %H:%M}", h["status"], h["signal"],
                  f"{h['emergence']:.2f}", h["size"], h["distinct_sources"]] for h in history])
    print_table(f"{len(items)} items", ["published", "outlet", "title", "id"],
                [[f"{i['published_at']:%Y-%m-%d %H:%M}", i["outlet"], (i["title"] or "")[:90], i["id"]]
                 for i in items])


@cli.command("backtest")
@common_options
@click.option("--from", "start", required=True, metavar="TIME", help="first as-of time (UTC)")
@click.option("--to", "end", required=True, metavar="TIME", help="last as-of time (UTC)")
@click.option("--step", default="6h", show_default=True, metavar="DURATION", help="time between runs")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="write JSON/CSV here")
@click.option("--scratch", type=click.Path(file_okay=False), help="folder for the replay database")
def backtest_cmd(env, start: str, end: str, step: str, fmt: str, output: str | None,
                 scratch: str | None) -> None:
    """Replay stored items in time order: when was each topic first flagged emerging?"""
    import json
    from pathlib import Path

    from trendwatch.analysis.backtest import backtest
    from trendwatch.cli.common import to_jsonable
    from trendwatch.config.durations import parse_duration

    settings = env.settings()
    store = env.store(settings)
    try:
        step_size = parse_duration(step)
    except ValueError as exc:
        raise ConfigError(f"--step: {exc}") from exc
    t0, t1 = parse_time(start, "--from"), parse_time(end, "--to")
    with Progress(TextColumn("[bold]replay"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=True) as bar:
        from trendwatch.analysis.backtest import steps_between

        task = bar.add_task("replay", total=len(steps_between(t0, t1, step_size)))
        result = backtest(store, settings, t0, t1, step_size,
                          scratch=Path(scratch) if scratch else None,
                          on_step=lambda s: bar.advance(task),
                          log=lambda m: err_console.print(Text(m, style="dim")))
    if fmt in ("json", "csv"):
        text = (json.dumps(to_jsonable(result.as_json()), ensure_ascii=False, indent=2)
                if fmt == "json" else result.as_csv())
        if output:
            Path(output).write_text(text, encoding="utf-8")
            console.print(f"wrote {output}")
        else:
            click.echo(text)
        return
    flagged = [t for t in result.topics if t["first_emerging"]]
    print_table(f"{len(result.steps)} steps, {len(result.topics)} topics, {len(flagged)} flagged emerging",
                ["id", "label", "first seen", "first emerging", "statuses"],
                [[t["id"], t["label"][:60], f"{t['first_seen']:%Y-%m-%d %H:%M}",
                  f"{t['first_emerging']:%Y-%m-%d %H:%M}" if t["first_emerging"] else None,
                  " ".join(h["status"][0] for h in t["history"])] for t in result.topics])
