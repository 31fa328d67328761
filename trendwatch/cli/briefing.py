"""brief: the morning briefing on demand (print, write, or deliver)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.text import Text

from trendwatch.cli.common import common_options, console, err_console
from trendwatch.cli.group import cli
from trendwatch.errors import ConfigError


def _as_of(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ConfigError(f"--as-of: {value!r} is not an ISO time like 2026-11-20T07:00Z") from exc
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@cli.command()
@common_options
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md",
              show_default=True, help="Markdown, self-contained HTML, or JSON")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="write to this file instead of standard output")
@click.option("--profile", default=None, metavar="NAME", help="company profile (default: [company])")
@click.option("--deliver", is_flag=True,
              help="also send it to the targets in [briefing] deliver (recorded like the service's)")
@click.option("--as-of", "as_of", default=None, metavar="TIME", help="briefing as of this time (UTC)")
def brief(env, fmt: str, out: Path | None, profile: str | None, deliver: bool,
          as_of: str | None) -> int:
    """The morning briefing: top opportunities, what changed, fading topics, source health."""
    from trendwatch.briefing import build_briefing, deliver_briefing, render

    settings = env.settings()
    store = env.store(settings)
    now = _as_of(as_of)
    briefing = build_briefing(store, settings, now, profile=profile)
    text = render(briefing, fmt)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        err_console.print(f"wrote {out} ({len(briefing.opportunities)} opportunities)")
    elif not deliver:
        click.echo(text)
    if not deliver:
        return 0
    results = asyncio.run(deliver_briefing(store, settings, briefing, now))
    for result in results:
        if result.status == "sent":
            where = ", ".join(result.detail.get("paths", [])) or result.detail.get("message_id", "")
            console.print(Text.assemble(("✓ ", "green"), (result.target, "bold"), f" {where}"))
        else:
            console.print(Text.assemble(("✗ ", "red"), (result.target, "bold"),
                                        f" after {result.attempts} attempts: ",
                                        (result.error or "", "red")))
    return 1 if any(r.status != "sent" for r in results) else 0
