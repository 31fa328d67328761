"""Feed text printed by the CLI cannot drive the terminal (present/terminal.py, cli print_table)."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner
from rich.console import Console
from rich.text import Text

from trendwatch.cli import cli, common
from trendwatch.present.terminal import printable

HOSTILE = "Click \x1b]8;;http://evil\x07here\x1b]8;;\x07 now\x1b[2J\x1b[H!"


@pytest.mark.parametrize("text,clean", [
    (HOSTILE, "Click here now!"),
    ("\x1b]0;owned window title\x07title", "title"),
    ("\x1b]52;c;ZXZpbA==\x1b\\clipboard", "clipboard"),
    ("red \x1b[31;1mbold\x1b[0m", "red bold"),
    ("8-bit \x9b2J CSI and \x9d8;;x\x9c OSC", "8-bit  CSI and  OSC"),
    ("unterminated \x1b]8;;http://evil", "unterminated "),
    ("bell\x07 backspace\x08 nul\x00 del\x7f nel\x85", "bell backspace nul del nel"),
    ("tab\there", "tab here"),
    ("over\rwrite", "over\nwrite"),
    ("two\r\nlines\nkept", "two\nlines\nkept"),
])
def test_escape_sequences_and_controls_are_removed(text, clean):
    assert printable(text) == clean


def test_printable_unicode_and_direction_marks_are_kept():
    for text in ["مرحبا بالعالم\u200f", "שלום\u200e!", "عربي\u061c", "日本語 😀 e\u0301",
                 "A<B & [bold]not markup[/]", "zero\u200bwidth"]:
        assert printable(text) == text
    assert printable("a\nb", newlines=False) == "a b"
    assert printable(5) == "5"


def capture(monkeypatch) -> io.StringIO:
    out = io.StringIO()
    monkeypatch.setattr(common, "console", Console(file=out, width=200, color_system=None))
    return out


def test_print_table_cleans_every_cell_and_the_title(monkeypatch):
    out = capture(monkeypatch)
    common.print_table(f"items {HOSTILE}", ["title", "styled", "n"],
                       [[HOSTILE, Text("\x1b[2Jstyled\x1b]0;x\x1b\\", style="bold"), 3],
                        ["[red]x[/]", Text("ok", style="bold"), None]])
    printed = out.getvalue()
    assert "\x1b" not in printed and "\x07" not in printed and "evil" not in printed
    assert printed.count("Click here now!") == 2 and "styled" in printed
    assert "[red]x[/]" in printed  # still no rich markup interpretation


def test_items_command_prints_hostile_feed_titles_harmlessly(tmp_path):
    feed = tmp_path / "evil.json"
    feed.write_text(json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "Evil \x1b[2J feed",
        "home_page_url": "https://evil.example/",
        "items": [{"id": "e1", "url": "/e1", "title": HOSTILE, "content_text": "body",
                   "date_published": "2026-11-19T10:00:00Z"}],
    }))
    config = tmp_path / "feeds.toml"
    config.write_text(f'[company]\nname = "Acme"\n[[sources]]\nkind = "file"\nname = "evil"\npath = "{feed}"\n')
    args = ["--config", str(config), "--db", f"sqlite:///{tmp_path / 'tw.db'}"]
    runner = CliRunner()
    assert runner.invoke(cli, ["collect", "-q", *args], catch_exceptions=False).exit_code == 0
    table = runner.invoke(cli, ["items", *args], catch_exceptions=False, terminal_width=200).output
    assert "Click" in table and "now!" in table and "http://evil" not in table and "8;;" not in table
    assert "\x1b" not in table and "\x07" not in table
    # the stored text is unchanged: scripts reading JSON get it exactly, escaped by JSON
    rows = json.loads(runner.invoke(cli, ["items", "--format", "json", *args], catch_exceptions=False).output)
    assert rows[0]["title"] == HOSTILE
