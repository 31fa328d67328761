"""Feed text never becomes HTML or Markdown structure; RTL text keeps its direction."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trendwatch.present import escape as safe

HOSTILE = '<img src=x onerror="alert(1)">\n\n![pwn](http://evil.example/p.png) [x](javascript:alert(1))'


def test_md_escapes_every_markdown_construct():
    out = safe.md("**bold** _it_ [link](http://a) ![img](http://b) `code` $x$ :red[hi] # h <b>")
    assert "\\*\\*bold\\*\\*" in out and "\\[link\\]\\(http\\:" in out and "\\!\\[img\\]" in out
    assert "\\$x\\$" in out and "\\:red\\[hi\\]" in out and "\\<b\\>" in out
    # no unescaped special character is left
    assert not re.search(r"(?<!\\)[\[\]()*_`$<>!]", out)


def test_md_is_one_line_and_truncates():
    assert safe.md("a\n\n b\tc") == "a b c"
    assert safe.md("x" * 50, max_len=10) == "x" * 9 + "…"


def test_block_escapes_html_and_cannot_end_the_html_block():
    out = safe.block(HOSTILE)
    assert "<img" not in out and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in out
    assert "\n" not in out            # a blank line would hand the rest to the Markdown parser
    assert out.startswith('<div dir="ltr"') and out.endswith("</div>")


@pytest.mark.parametrize("text", [
    "الدراجات الكهربائية في دبي",          # Arabic
    "אופניים חשמליים בתל אביב",            # Hebrew
    "کراچی میں برقی سائیکلیں",              # Urdu
    "COP30: الدراجات الكهربائية في دبي",   # starts with Latin, mostly Arabic
])
def test_rtl_languages_render_right_to_left(text):
    assert safe.direction(text) == "rtl"
    out = safe.block(text)
    assert out.startswith('<div dir="rtl"') and "text-align:right" in out


def test_ltr_and_neutral_text():
    assert safe.direction("Battery swap in دبي") == "ltr"
    assert safe.direction("2026 — 42 %") == "ltr"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>", "ftp://x/y",
                                 "//evil.example", "", None, "http://"])
def test_unsafe_urls_are_dropped(url):
    assert safe.safe_url(url) is None
    assert "](" not in safe.link("title", url)


def test_links_cannot_break_out_of_markdown():
    out = safe.link("a [b] (c)", "https://example.com/a b)(c)<d>")
    assert out == "[a \\[b\\] \\(c\\)](https://example.com/a%20b%29%28c%29%3Cd%3E)"


def test_md_keeps_bare_urls_and_handles_from_autolinking():
    out = safe.md("see www.example.com, https://example.com and me@example.com")
    assert "www\u200b\\." in out and "\\:\u200b\\/\\/" in out and "\\@\u200b" in out


def test_slack_text_cannot_link_or_mention():
    assert safe.slack("a <!channel> & <@U1>\n\nb") == "a &lt;!channel&gt; &amp; &lt;@U1&gt; b"
    assert safe.slack_link("a|b <x>", "https://e.example/a b") == "<https://e.example/a%20b|a¦b &lt;x&gt;>"
    assert safe.slack_link("t", "javascript:alert(1)") == "t"


def test_briefing_and_dashboard_share_one_markdown_rule():
    from trendwatch.briefing.render import md_link

    title, url = "a [b] (c)", "https://example.com/a b)(c)<d>"
    assert md_link(title, url) == safe.link(title, url)
    assert md_link("x" * 300, url).startswith("[" + "x" * 300 + "]")   # no truncation


def test_each_escaping_rule_is_written_once():
    """Only present/escape.py defines escapers; briefing, alerts, delivery and cli import them."""
    root = Path(__file__).resolve().parents[2]
    own = re.compile(r"^def (safe_url|md|md_escape|slack_escape|slack|slack_link|link|block)\(|"
                     r"_MD_SPECIAL|replace\(\"<\", \"&lt;\"\)", re.MULTILINE)
    offenders = [str(p.relative_to(root)) for folder in ("trendwatch", "dashboard")
                 for p in (root / folder).rglob("*.py")
                 if p.name != "escape.py" and "demo" not in p.parts and own.search(p.read_text("utf-8"))]
    assert offenders == []
