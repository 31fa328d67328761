"""The collection commands end to end: init, check-config, collect, sources, items."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES
from trendwatch.cli import cli, main

ROOT = Path(__file__).resolve().parents[2]
SOURCE_FIELDS = {"name", "kind", "platform", "url", "status", "last_ok_at", "last_attempt_at",
                 "next_check_at", "last_status", "error_count", "last_error", "last_new_items",
                 "items_24h", "items_total", "parser"}
ITEM_FIELDS = {"id", "external_id", "source", "platform", "outlet", "author", "title", "text", "url",
               "canonical_url", "lang", "published_at", "fetched_at", "hashtags", "engagement",
               "story_id", "story_outlets"}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture(scope="module")
def feed_server():
    """A plain threaded loopback server over tests/fixtures/feeds (the CLI runs its own loop)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(FIXTURES / "feeds")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def project(tmp_path, feed_server):
    config = tmp_path / "feeds.toml"
    config.write_text(
        '[company]\nname = "Acme Bikes"\n[[products]]\nname = "Flow"\n'
        f'[[sources]]\nkind = "rss"\nname = "trade"\nurl = "{feed_server}/rss2.xml"\n'
        f'[[sources]]\nkind = "rss"\nname = "arabic"\nurl = "{feed_server}/arabic.xml"\n'
        f'[[sources]]\nkind = "rss"\nname = "missing"\nurl = "{feed_server}/nope.xml"\n'
    )
    return ["--config", str(config), "--db", f"sqlite:///{tmp_path / 'tw.db'}"]


def run(*args: str):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result


def test_init_writes_the_starter_config_and_creates_the_database(tmp_path):
    config, db = tmp_path / "new" / "feeds.toml", tmp_path / "data" / "tw.db"
    result = run("init", "--config", str(config), "--db", f"sqlite:///{db}")
    assert result.exit_code == 0, result.output
    assert config.read_text() == (ROOT / "trendwatch" / "templates" / "feeds.toml").read_text()
    assert db.exists() and "database ready" in result.output
    config.write_text(config.read_text() + "\n# mine\n")
    again = run("init", "--config", str(config), "--db", f"sqlite:///{db}")
    assert "exists already" in again.output and config.read_text().endswith("# mine\n")


def test_check_config_summarises_a_valid_file(project):
    result = run("check-config", *project)
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "is valid" in output and "Acme Bikes (1 products" in output
    assert "sources: 3 (3 rss)" in output


def test_bad_config_exits_2_with_the_key_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[company]\nname = "A"\n\n[[sources]]\nkind = "rss"\nurl = "https://x.example/f"\n'
                   'every = "30 minutes"\n')
    proc = subprocess.run([sys.executable, "-m", "trendwatch", "check-config", "--config", str(bad)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1",
                               "COLUMNS": "200"})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"{bad}:7: sources[0].every: '30 minutes' is not a duration" in " ".join(proc.stderr.split())


def test_missing_config_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["check-config", "--config", str(tmp_path / "absent.toml")])
    assert info.value.code == 2
    assert "config file not found" in capsys.readouterr().err


def test_collect_prints_a_summary_and_names_failures(project):
    result = run("collect", *project)
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "3 sources: 2 ok (0 unchanged), 1 failed; 3 new items" in output
    assert "✗ missing: HTTP 404" in output
    again = " ".join(run("collect", "-q", *project).output.split())
    assert "2 sources: 2 ok (2 unchanged), 0 failed; 0 new items" in again  # 'missing' backs off


def test_collect_with_nothing_reachable_points_to_the_demo(tmp_path, feed_server, project):
    config = tmp_path / "offline.toml"
    config.write_text('[company]\nname = "Acme Bikes"\n'
                      f'[[sources]]\nkind = "rss"\nname = "gone"\nurl = "{feed_server}/nope.xml"\n')
    result = run("collect", "--config", str(config), "--db", f"sqlite:///{tmp_path / 'off.db'}")
    output = " ".join(result.output.split())
    assert "0 ok" in output and "make demo" in output
    # a partial failure is not "no network": no hint there
    assert "make demo" not in run("collect", *project).output


def test_sources_json_has_the_documented_fields(project):
    run("collect", "-q", *project)
    result = run("sources", "--format", "json", *project)
    rows = {r["name"]: r for r in json.loads(result.output)}
    assert set(rows) == {"trade", "arabic", "missing"}
    assert all(set(r) == SOURCE_FIELDS for r in rows.values())
    assert rows["trade"]["status"] == "ok" and rows["trade"]["items_total"] == 2
    assert rows["missing"]["status"] == "error" and rows["missing"]["last_status"] == 404
    assert rows["trade"]["last_ok_at"].endswith("Z")
    assert rows["trade"]["parser"] == "fastfeedparser" and rows["missing"]["parser"] is None
    table = run("sources", *project).output
    assert all(word in table for word in ("trade", "arabic", "missin", "ok", "error", "fast"))


def test_items_json_has_the_documented_fields_newest_first(project):
    run("collect", "-q", *project)
    rows = json.loads(run("items", "--format", "json", *project).output)
    assert len(rows) == 3 and all(set(r) == ITEM_FIELDS for r in rows)
    assert [r["published_at"] for r in rows] == sorted((r["published_at"] for r in rows), reverse=True)
    assert all(r["published_at"].endswith("Z") and r["story_outlets"] >= 1 for r in rows)
    arabic = json.loads(run("items", "--format", "json", "--source", "arabic", *project).output)
    assert [r["lang"] for r in arabic] == ["ar"] and arabic[0]["hashtags"] == ["الدراجات"]
    limited = json.loads(run("items", "--format", "json", "--limit", "1", *project).output)
    assert len(limited) == 1


def test_items_bad_since_is_a_usage_error(project, capsys):
    with pytest.raises(SystemExit) as info:
        main(["items", "--since", "30 minutes", *project])
    assert info.value.code == 2
    assert "--since" in capsys.readouterr().err
