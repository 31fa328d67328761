"""brief, status and purge from the command line on a seeded store."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.seeding import seed
from trendwatch.cli import cli
from trendwatch.errors import ConfigError
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


def test_status_shows_every_worker_and_which_one_holds_a_job(tmp_path, now):
    from datetime import timedelta

    from trendwatch.store import workers as worker_rows

    store, args = setup(tmp_path, now)
    worker_rows.register(store, "box-a:4242:ns:t1", "box-a", 4242, now)
    worker_rows.register(store, "box-b:77:ns:t2", "box-b", 77, now)
    worker_rows.schedule_job(store, "purge", now)
    assert worker_rows.claim_job(store, "purge", "box-b:77:ns:t2", now, timedelta(seconds=90))
    worker_rows.stop(store, "box-a:4242:ns:t1", now)
    data = json.loads(CliRunner().invoke(cli, ["status", *args, "--format", "json"]).output)
    shown = {w["host"]: (w["pid"], w["status"], w["holding"]) for w in data["workers"]}
    assert shown == {"box-a": (4242, "stopped", None), "box-b": (77, "running", "job: purge")}
    assert {j["name"]: j["claimed_by"] for j in data["jobs"]}["purge"] == "box-b pid 77"
    table = CliRunner().invoke(cli, ["status", *args], env={"COLUMNS": "200"}).output
    assert "workers" in table and "box-b" in table and "job: purge" in table
    assert "held by" in table


def test_worker_refuses_sqlite(tmp_path, now):
    _, args = setup(tmp_path, now)
    result = CliRunner().invoke(cli, ["worker", *args])
    assert result.exit_code != 0
    assert isinstance(result.exception, ConfigError)
    assert "workers share work through PostgreSQL; on SQLite run `trendwatch serve`" in str(
        result.exception)


def test_purge_dry_run(tmp_path, now):
    _, args = setup(tmp_path, now)
    result = CliRunner().invoke(cli, ["purge", *args, "--dry-run", "--older-than", "1h",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["dry_run"] is True and data["items"] == 4


ROOT = Path(__file__).resolve().parents[2]


def test_dashboard_is_found_from_the_package_not_the_current_folder(tmp_path, monkeypatch):
    from trendwatch.cli.service import dashboard_app

    monkeypatch.chdir(tmp_path)
    import dashboard

    assert dashboard_app() == (Path(dashboard.__file__).parent / "app.py").resolve()
    assert dashboard_app().is_file()


def test_installed_distribution_finds_its_parts_from_any_folder(tmp_path):
    """Build the wheel, install it into a folder, and use it from an unrelated cwd: the
    dashboard, the starter config, the migrations and the briefing templates all come
    from the installed package."""
    if importlib.util.find_spec("pip") is None:
        pytest.skip("pip is not available to build the wheel")
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("trendwatch", "dashboard"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels),
                    str(source)], check=True, capture_output=True, cwd=tmp_path)
    wheel = next(wheels.glob("trendwatch-*.whl"))
    subprocess.run([*pip, "install", "--no-deps", "--no-compile", "--target", str(site),
                    str(wheel)], check=True, capture_output=True, cwd=tmp_path)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "HF_HUB_OFFLINE": "1"}
    env.pop("TRENDWATCH_CONFIG", None)
    env.pop("TRENDWATCH_DATABASE_URL", None)

    def run(*code: str) -> str:
        done = subprocess.run([sys.executable, *code], cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    found = json.loads(run("-c", "import json, trendwatch; from trendwatch.cli.service import "
                                 "dashboard_app; print(json.dumps([trendwatch.__file__, "
                                 "str(dashboard_app())]))"))
    assert Path(found[0]).is_relative_to(site) and Path(found[1]) == site / "dashboard" / "app.py"
    assert (site / "dashboard" / "views" / "today.py").is_file()   # the pages app.py names

    run("-m", "trendwatch", "init")   # starter feeds.toml from the package, migrations applied
    assert (elsewhere / "feeds.toml").read_text("utf-8").startswith(
        (ROOT / "trendwatch" / "templates" / "feeds.toml").read_text("utf-8")[:200])
    assert (elsewhere / "data" / "trendwatch.db").is_file()
    out = run("-m", "trendwatch", "brief", "--format", "md", "--out", "b.md")
    assert (elsewhere / "b.md").read_text("utf-8").strip(), out
