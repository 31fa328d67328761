"""The `trendwatch` click group; each stage's module adds its commands to it."""

from __future__ import annotations

import click

from trendwatch import __version__


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
