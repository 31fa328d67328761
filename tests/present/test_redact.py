"""One redaction rule for URLs and error text, used wherever they are shown or logged
(issue 12, finding 2): no output, page, log line or recorded error holds a password."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from aiohttp import web
from click.testing import CliRunner
from sqlalchemy import select
from tenacity import wait_none

from tests.conftest import make_settings
from trendwatch.briefing import build_briefing, deliver_briefing
from trendwatch.cli import main
from trendwatch.cli.group import cli
from trendwatch.collect.run import collect_sources
from trendwatch.config.check import check_text
from trendwatch.present.redact import redact_text, redact_url, url_origin
from trendwatch.service.logs import setup_logging
from trendwatch.store.schema import deliveries, sources

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cret"
DEAD_DB = f"postgresql://u:{SECRET}@127.0.0.1:1/x"        # nothing listens on port 1
MALFORMED_HOOK = "https://u:pw@[bad/hook"


@pytest.mark.parametrize(("text", "shown"), [
    (DEAD_DB, "postgresql://u:***@127.0.0.1:1/x"),
    (MALFORMED_HOOK, "https://u:***@[bad/hook"),
    ("postgresql://u:p@ss@host/db", "postgresql://u:***@host/db"),          # "@" left unencoded
    ("postgresql://u:pa/ss@host/db", "postgresql://u:***@host/db"),         # "/" left unencoded
    ("postgresql://u:s3cret@h:port/x", "postgresql://u:***@h:port/x"),     # no port: unparsable
    ("https://TOKEN123@git.example/x", "https://***@git.example/x"),       # a bare token as user
    ("https://hooks.slack.com/services/T0/B0/XyZ", "https://hooks.slack.com/services/***"),
    ("https://x.example/h?token=abc&page=2&api_key=zz", "https://x.example/h?token=***&page=2&api_key=***"),
    ("host=db password=hunter2 user=u", "host=db password=*** user=u"),    # a libpq DSN
    ("sent Authorization: Bearer abcdefghijkl", "sent Authorization: Bearer ***"),
])
def test_redaction_masks_credentials_in_urls_and_text(text, shown):
    assert redact_text(text) == shown
    assert redact_url(text) == shown


@pytest.mark.parametrize("text", [
    "https://mastodon.example/@alice/1",       # an "@" in the path is no userinfo
    "https://mastodon.example:8443/@alice/1",
    "sqlite:///data/trendwatch.db",
    "HTTP 404 Not Found from https://example.com/feed?page=2",
    "keyboard=qwerty",
])
def test_redaction_leaves_ordinary_urls_and_text_alone(text):
    assert redact_text(text) == text


def test_inside_free_text_every_url_is_redacted():
    text = f"cannot reach {DEAD_DB} (also tried {MALFORMED_HOOK}); see https://docs.example/a"
    out = redact_text(text)
    assert SECRET not in out and ":pw@" not in out and "https://docs.example/a" in out


@pytest.mark.parametrize(("url", "shown"), [
    ("https://u:pw@hooks.example/abc/def", "https://hooks.example/…"),
    (MALFORMED_HOOK, "https://[bad/…"),
    ("http://u:pw@127.0.0.1:8080/x", "http://127.0.0.1:8080/…"),
    ("hooks.slack.com/services/T0/B0/X", "hooks.slack.com/…"),  # no scheme: unparsable
])
def test_url_origin_keeps_only_where_a_url_points(url, shown):
    assert url_origin(url) == shown


def test_check_config_summary_and_errors_hide_the_database_password(tmp_path):
    config = tmp_path / "feeds.toml"
    config.write_text('[company]\nname = "Acme"\n')
    result = CliRunner().invoke(cli, ["check-config", "--config", str(config), "--db", DEAD_DB])
    assert result.exit_code == 0 and "postgresql://u:***@127.0.0.1:1/x" in result.output
    assert SECRET not in result.output
    # the Settings page shows these lines; a bad webhook URL quoted by a validator too
    check = check_text('[company]\nname = "Acme"\n[storage]\nurl = "x"\n', config, db=DEAD_DB)
    assert SECRET not in "\n".join(check.lines)
    bad = check_text('[company]\nname = "Acme"\n[delivery.webhook]\nurl = "ftp://u:pw@h/x"\n', config)
    assert not bad.ok and ":pw@" not in "\n".join(bad.lines + bad.problems)


@pytest.mark.parametrize("command", [["status"], ["sources"], ["items"]])
def test_commands_on_a_store_that_cannot_be_opened_hide_the_password(tmp_path, capsys, command):
    config = tmp_path / "feeds.toml"
    config.write_text('[company]\nname = "Acme"\n')
    for url in (DEAD_DB, "postgresql://u:s3cret@127.0.0.1:port/x"):
        with pytest.raises(SystemExit) as exited:
            main([*command, "--config", str(config), "--db", url])
        assert exited.value.code == 2
        printed = capsys.readouterr()
        assert "error:" in printed.err and SECRET not in printed.err + printed.out


def test_every_dashboard_page_hides_the_password_of_a_store_it_cannot_open(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from trendwatch.config.env import CONFIG_ENV, DATABASE_ENV

    config = tmp_path / "feeds.toml"
    config.write_text('[company]\nname = "Acme"\n')
    monkeypatch.setenv(CONFIG_ENV, str(config))
    monkeypatch.setenv(DATABASE_ENV, DEAD_DB)
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    pages = [None, "views/topics.py", "views/ideas.py", "views/shifts.py", "views/sources.py",
             "views/settings.py"]
    shown_any = False
    for page in pages:
        if page:
            at.switch_page(page).run()
        seen = []
        for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                     "error", "success", "code", "text", "exception"):
            seen.extend(str(getattr(e, "value", e)) for e in getattr(at, kind))
            seen.extend(str(getattr(e, "value", e)) for e in getattr(at.sidebar, kind, []))
        page_text = "\n".join(seen)
        assert SECRET not in page_text, (page, page_text)
        shown_any = shown_any or "127.0.0.1" in page_text
    assert shown_any  # the pages did report the store they could not open


def test_service_logs_mask_urls_in_messages_arguments_and_tracebacks():
    stream = io.StringIO()
    setup_logging("info", stream=stream)
    try:
        log = logging.getLogger("trendwatch.test")
        log.warning("cannot open store url=%s", DEAD_DB)
        try:
            raise ConnectionError(f"refused by {MALFORMED_HOOK}")
        except ConnectionError:
            log.exception("delivery bug target=webhook")
        log.info("fine %d", 3)
    finally:
        logging.getLogger().handlers[:] = []
    out = stream.getvalue()
    assert SECRET not in out and ":pw@" not in out
    assert "url=postgresql://u:***@127.0.0.1:1/x" in out and "https://u:***@[bad/hook" in out
    assert "fine 3" in out


@pytest.fixture
async def refusing_hook(aiohttp_server):
    app = web.Application()
    app.router.add_post("/secret-path", lambda request: web.Response(status=404, text="no such hook"))
    return await aiohttp_server(app, host="127.0.0.1")


async def test_delivery_errors_recorded_hide_userinfo_and_paths(store, now, tmp_path,
                                                                refusing_hook, monkeypatch):
    port = refusing_hook.port
    monkeypatch.setenv("TW_TEST_HOOK", f"http://u:pw@127.0.0.1:{port}/secret-path")
    monkeypatch.setenv("TW_TEST_SLACK", MALFORMED_HOOK)
    settings = make_settings(
        f'[briefing]\ndeliver = ["webhook", "slack"]\nfolder = "{tmp_path}"\n'
        '[delivery.webhook]\nurl_env = "TW_TEST_HOOK"\n'
        '[delivery.slack]\nwebhook_env = "TW_TEST_SLACK"\n')
    results = await deliver_briefing(store, settings, build_briefing(store, settings, now), now,
                                     wait=wait_none())
    assert {r.status for r in results} == {"failed"}
    with store.connect() as conn:
        errors = [r.error for r in conn.execute(select(deliveries.c.error))]
    assert len(errors) == 2 and any("404" in e for e in errors)
    for error in errors:
        assert "pw" not in error and "secret-path" not in error, error


async def test_source_errors_recorded_hide_the_url_password(aiohttp_server, store, now):
    app = web.Application()
    app.router.add_get("/feed", lambda request: web.Response(status=500, text="down"))
    server = await aiohttp_server(app, host="127.0.0.1")
    settings = make_settings(f'[[sources]]\nkind = "rss"\nname = "private"\n'
                             f'url = "http://reader:{SECRET}@127.0.0.1:{server.port}/feed"\n')
    outcome = (await collect_sources(store, settings, now=now))[0]
    assert outcome.status == "error" and "500" in outcome.message
    with store.connect() as conn:
        recorded = conn.execute(select(sources.c.last_error)).scalar()
    assert SECRET not in outcome.message and SECRET not in recorded


def test_status_and_sources_redact_errors_recorded_before_the_rule(tmp_path):
    """Rows written by an older version (or by code that forgot the rule) are redacted on
    the way out too, in tables and JSON."""
    import json as jsonlib
    from datetime import UTC, datetime

    from trendwatch.store import jobs as job_rows
    from trendwatch.store import open_store

    url = f"sqlite:///{tmp_path / 'tw.db'}"
    config = tmp_path / "feeds.toml"
    config.write_text('[company]\nname = "Acme"\n[[sources]]\nkind = "rss"\nname = "feed"\n'
                      'url = "https://127.0.0.1/feed"\n')
    store = open_store(url)
    now = datetime.now(UTC)
    job_rows.job_started(store, "collect", now)
    job_rows.job_finished(store, "collect", now, error=f"cannot open {DEAD_DB}")
    with store.begin() as conn:
        conn.execute(sources.insert().values(
            name="feed", kind="rss", platform="news", params={}, created_at=now,
            url=f"https://reader:{SECRET}@127.0.0.1/feed", error_count=1, disabled=False,
            last_error=f"HTTP 500 from https://reader:{SECRET}@127.0.0.1/feed",
            last_attempt_at=now, last_new_items=0, last_bytes=0))
    store.close()
    runner = CliRunner()
    for args in (["status"], ["status", "--format", "json"], ["sources"],
                 ["sources", "--format", "json"]):
        result = runner.invoke(cli, [*args, "--config", str(config), "--db", url],
                               catch_exceptions=False, terminal_width=250)
        assert result.exit_code == 0, result.output
        assert SECRET not in result.output, (args, result.output)
        if args[-1] == "json":
            jsonlib.loads(result.output)
