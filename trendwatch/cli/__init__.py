"""`trendwatch` console script. Each stage's commands live in their own module."""

from __future__ import annotations

import sys

import click
from rich.markup import escape

# each module registers its commands on the group when imported
from trendwatch.cli import (  # noqa: E402,F401
    analysis,
    briefing,
    collection,
    fit,
    inbox,
    service,
    users,
)
from trendwatch.cli.common import err_console
from trendwatch.cli.group import cli  # noqa: E402
from trendwatch.errors import TrendwatchError
from trendwatch.present.redact import redact_text


def main(argv: list[str] | None = None) -> None:
    try:
        code = cli.main(args=argv, prog_name="trendwatch", standalone_mode=False)
    except click.exceptions.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except TrendwatchError as exc:
        err_console.print(f"[bold red]error:[/] {escape(redact_text(str(exc)))}")
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    if isinstance(code, int) and code:
        sys.exit(code)
