"""`trendwatch` console script. Each stage's commands live in their own module."""

from __future__ import annotations

import sys

import click
from rich.markup import escape

from trendwatch import __version__
from trendwatch.errors import TrendwatchError
from trendwatch.cli.common import err_console


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="trendwatch")
def cli() -> None:
    """trendwatch: what is emerging in your industry, and what to post about it.

    \b
    First steps:
      trendwatch init            write a starter feeds.toml and create the database
      trendwatch collect         fetch every source once
      trendwatch sources         see which sources work
      trendwatch items           browse what was collected
      trendwatch analyze         find topics and score what is emerging
      trendwatch serve           run it all on schedule (or `trendwatch run` with the dashboard)
      trendwatch ideas           ranked opportunities and post drafts for your products

    No network? `make demo` (python -m trendwatch.demo) runs it all offline on a sample week.
    """


def _register() -> None:
    from trendwatch.cli import collection  # noqa: F401  (commands register themselves on `cli`)
    from trendwatch.cli import briefing, service  # noqa: F401
    from trendwatch.cli import fit  # noqa: F401
    from trendwatch.cli import analysis  # noqa: F401


_register()


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
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}")
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    if isinstance(code, int) and code:
        sys.exit(code)
