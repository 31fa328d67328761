"""brief, status and purge from the command line on a seeded store."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.seeding import seed
from trendwatch.cli import cli
from trendwatch.store import jobs as job_rows
from trendwatch.store import open_store


def setup(tmp_path, now):
    config = tmp_path / "feeds.toml"
    config.write_text('[company]\nname = "Acme"\n[briefing]\ntimezone = "Europe/Berlin"\n'
                      f'folder = "{tmp_path / "out"}"\n', encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'tw.db'}"
    store = open_store(db)
    seed(store, now)
    return store, ["--config", str(config), "--db", db]


def test_brief_html_to_file_and_deliver(tmp_path, now):
    store, args = setup(tmp_path, now)
    out = tmp_path / "b.html"
    result = CliRunner().invoke(cli, ["brief", *args, "--format", "html", "--out", str(out),
                                      "--as-of", "2026-11-20T08:00Z", "--deliver"])
    assert result.exit_code == 0, result.output
    assert "&lt;script&gt;" in out.read_text()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "acme-2026-11-20.html", "acme-2026-11-20.md"]
    assert "✓ file" in result.output


def test_brief_json_to_stdout(tmp_path, now):
    _, args = setup(tmp_path, now)
    result = CliRunner().invoke(cli, ["brief", *args, "--format", "json", "--as-of", "2026-11-20T08:00Z"])
    assert json.loads(result.output)["opportunities"][0]["label"] == "Battery swap stations"


def test_status_json(tmp_path, now):
    store, args = setup(tmp_path, now)
    job_rows.job_started(store, "collect", now)
    job_rows.job_finished(store, "collect", now, "boom")
    data = json.loads(CliRunner().invoke(cli, ["status", *args, "--format", "json"]).output)
    jobs = {j["name"]: j for j in data["jobs"]}
    assert set(jobs) >= {"collect", "analyze", "briefing", "purge"}
    assert (jobs["collect"]["last_status"], jobs["collect"]["last_error"]) == ("failed", "boom")
    assert jobs["briefing"]["last_status"] is None
    assert data["service"]["running"] is False and data["latest_run"]["status"] == "ok"


def test_purge_dry_run(tmp_path, now):
    _, args = setup(tmp_path, now)
    result = CliRunner().invoke(cli, ["purge", *args, "--dry-run", "--older-than", "1h",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["dry_run"] is True and data["items"] == 4
