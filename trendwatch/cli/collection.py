"""init, check-config, collect, sources, items."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from importlib import resources

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from trendwatch.cli.common import (
    ago,
    common_options,
    console,
    format_option,
    print_json,
    print_table,
)
from trendwatch.cli.group import cli
from trendwatch.collect.privacy import privacy_key
from trendwatch.collect.run import SourceOutcome, source_specs
from trendwatch.config.check import summary_lines
from trendwatch.config.durations import parse_duration
from trendwatch.config.env import resolve_paths
from trendwatch.errors import ConfigError
from trendwatch.present.redact import redact_text, redact_url
from trendwatch.present.status import source_status
from trendwatch.service import pipeline
from trendwatch.service.inbox import TriageOutcome
from trendwatch.store import sources as source_rows
from trendwatch.store import views

STATUS_STYLE = {"ok": "green", "not_modified": "cyan", "error": "red", "internal error": "bold red",
                "disabled": "magenta",
                "never": "yellow", "warning": "yellow"}


def starter_config() -> str:
    return resources.files("trendwatch").joinpath("templates/feeds.toml").read_text("utf-8")


@cli.command()
@common_options
@click.option("--force", is_flag=True, help="overwrite an existing feeds.toml")
def init(env, force: bool) -> None:
    """Write a starter feeds.toml and create the database."""
    path = resolve_paths(env.config_path, env.db_url).config
    if path.exists() and not force:
        console.print(f"{path} exists already; keeping it (use --force to overwrite).")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(starter_config(), encoding="utf-8")
        console.print(f"wrote {path}: edit [bold][company][/], [bold][[products]][/] and "
                      "[bold][[sources]][/] for your industry.")
    settings = env.settings()
    store = env.store(settings)
    console.print(f"database ready at {store.url}")
    console.print("next: [bold]trendwatch collect[/] then [bold]trendwatch sources[/]")


@cli.command("check-config")
@common_options
def check_config(env) -> None:
    """Validate feeds.toml and summarise it (exit code 2 on any problem)."""
    settings = env.settings()
    path = resolve_paths(env.config_path, env.db_url).config
    lines = summary_lines(settings, path, env.database_url(settings))
    console.print(Text.assemble(("✓", "green"), lines[0][1:]))
    for line in lines[1:]:
        console.print(Text(line))


@cli.command()
@common_options
@click.option("--source", "names", multiple=True, metavar="NAME",
              help="collect only this source (repeatable); ignores its backoff")
@click.option("--due", is_flag=True, help="only sources whose next check is due (what the service does)")
@click.option("--quiet", "-q", is_flag=True, help="no progress bar, summary only")
def collect(env, names: tuple[str, ...], due: bool, quiet: bool) -> int:
    """Fetch sources once and store new items."""
    settings = env.settings()
    store = env.store(settings)
    key = privacy_key(settings, env.database_url(settings))
    outcomes = run_collect(store, settings, names=list(names) or None, due_only=due,
                           privacy_key=key, quiet=quiet)
    print_outcomes(outcomes)
    return 0


def run_collect(store, settings, *, names=None, due_only=False, privacy_key=None,
                quiet=False) -> list[SourceOutcome]:
    with Progress(TextColumn("[bold]collecting"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[new]} new items"), TimeElapsedColumn(),
                  console=console, disable=quiet, transient=True) as progress:
        task = progress.add_task("collect", total=None, new=0)
        new_total = 0

        def started(total: int) -> None:
            progress.update(task, total=total)

        def done(outcome: SourceOutcome) -> None:
            nonlocal new_total
            new_total += outcome.new_items
            progress.update(task, advance=1, new=new_total)

        def triaged(outcome: TriageOutcome) -> None:
            if outcome.triaged and not quiet:
                parts = ", ".join(f"{n} {c}" for c, n in sorted(outcome.by_category.items()))
                console.print(f"[bold]inbox[/]: {outcome.triaged} new messages triaged ({parts})"
                              + (f"; {len(outcome.incidents_new)} new incident(s)"
                                 if outcome.incidents_new else "")
                              + "; see [bold]trendwatch inbox[/]")

        # the service's collection step: collect, then triage the inbound messages it brought
        return asyncio.run(pipeline.run_collect(store, settings, datetime.now(UTC), names=names,
                                                due_only=due_only, privacy_key=privacy_key,
                                                on_start=started, on_done=done,
                                                on_triage=triaged))


def print_outcomes(outcomes: list[SourceOutcome]) -> None:
    if not outcomes:
        console.print("nothing to collect: no enabled source is due "
                      "(failing sources wait out their backoff; name one with --source to retry now)")
        return
    failed = [o for o in outcomes if o.status in ("error", "disabled")]
    for outcome in sorted(failed, key=lambda o: o.name):
        console.print(Text.assemble(("✗ ", "red"), (outcome.name, "bold"), ": ",
                                    (outcome.message or "", "red")))
    new = sum(o.new_items for o in outcomes)
    unchanged = sum(o.status == "not_modified" for o in outcomes)
    received = sum(o.bytes_received for o in outcomes)
    console.print(
        f"[bold]{len(outcomes)} sources[/]: {len(outcomes) - len(failed)} ok "
        f"({unchanged} unchanged), [red]{len(failed)} failed[/]; "
        f"[bold]{new}[/] new items; {received / 1e6:.1f} MB received"
    )
    if failed:
        console.print("see [bold]trendwatch sources[/] for each source's health")
    if outcomes and len(failed) == len(outcomes):
        console.print("no source could be fetched. No network here? [bold]make demo[/] runs "
                      "trendwatch offline on a bundled sample week")


def source_json(row: dict) -> dict:
    return {
        "name": row["name"], "kind": row["kind"], "platform": row["platform"],
        "url": row["url"] and redact_url(row["url"]),
        "status": source_status(row), "last_ok_at": row["last_ok_at"],
        "last_attempt_at": row["last_attempt_at"], "next_check_at": row["next_check_at"],
        "last_status": row["last_status"], "error_count": row["error_count"],
        "last_error": row["last_error"] and redact_text(row["last_error"]),
        "last_new_items": row["last_new_items"],
        "items_24h": row["items_24h"], "items_total": row["items_total"],
        "parser": row["parser"],
    }


# feed parsers as the table shows them (fast = fastfeedparser, full = feedparser); JSON
# output names them in full
PARSER_LABELS = {"fastfeedparser": "fast", "feedparser": "full", "jsonfeed": "json"}


@cli.command("sources")
@common_options
@format_option
def sources_cmd(env, fmt: str) -> None:
    """Health of every configured source."""
    settings = env.settings()
    store = env.store(settings)
    now = datetime.now(UTC)
    source_rows.sync_sources(store, source_specs(settings.sources), now)
    rows = source_rows.source_health(store, now, [s.name for s in settings.sources])
    if fmt == "json":
        print_json([source_json(r) for r in rows])
        return
    table_rows = []
    for r in rows:
        status = source_status(r)
        table_rows.append([
            # the parser goes under the kind: an 80-column terminal has no room for a column
            r["name"], r["kind"] + (f"\n{PARSER_LABELS.get(r['parser'], r['parser'])}" if r["parser"] else ""),
            Text(status, style=STATUS_STYLE[status]), ago(r["last_ok_at"], now),
            ago(r["next_check_at"], now) if not r["disabled"] else "–", r["items_24h"],
            r["items_total"], r["error_count"] or "", redact_text(r["last_error"] or "")[:160],
        ])
    print_table("sources", ["name", "kind / parser", "status", "last ok", "next check", "items 24h",
                            "items", "errors", "last error / warning"], table_rows)


@cli.command("items")
@common_options
@format_option
@click.option("--limit", default=30, show_default=True, help="how many items")
@click.option("--since", default=None, metavar="DURATION", help='only items published within, e.g. "24h"')
@click.option("--source", "source_name", default=None, metavar="NAME", help="only this source")
@click.option("--platform", default=None, help="only this platform (news, mastodon, …)")
def items_cmd(env, fmt: str, limit: int, since: str | None, source_name: str | None,
              platform: str | None) -> None:
    """Recent items, newest first."""
    settings = env.settings()
    store = env.store(settings)
    start = None
    if since:
        try:
            window = parse_duration(since)
        except ValueError as exc:
            raise ConfigError(f"--since: {exc}") from exc
        start = datetime.now(UTC) - window
    rows = views.recent_items(store, limit=limit, since=start, source=source_name,
                              platform=platform)
    if fmt == "json":
        print_json([item_json(r) for r in rows])
        return
    now = datetime.now(UTC)
    print_table(f"{len(rows)} most recent items", ["published", "source", "outlet", "lang", "title",
                                                   "hashtags", "story outlets"],
                [[ago(r["published_at"], now), r["source"], r["outlet"], r["lang"],
                  r["title"][:100], " ".join("#" + t for t in r["hashtags"][:4]),
                  r["story_outlets"]] for r in rows])


def item_json(row: dict) -> dict:
    return {
        "id": row["id"], "external_id": row["external_id"], "source": row["source"],
        "platform": row["platform"], "outlet": row["outlet"], "author": row["author"],
        "title": row["title"], "text": row["text"], "url": row["url"],
        "canonical_url": row["canonical_url"], "lang": row["lang"],
        "published_at": row["published_at"], "fetched_at": row["fetched_at"],
        "hashtags": row["hashtags"], "engagement": row["engagement"],
        "story_id": row["story_id"], "story_outlets": row["story_outlets"] or 1,
    }
