"""check-config's report, shared by the CLI and the dashboard's Settings page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.seed import CONFIG
from trendwatch.config.check import check_text

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "400", "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "trendwatch", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


def test_valid_config_report_matches_the_cli(tmp_path):
    path = tmp_path / "feeds.toml"
    path.write_text(CONFIG)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    check = check_text(CONFIG, path, db)
    assert check.ok and check.settings is not None
    assert check.lines[1] == "  company: Northwind Mobility (2 products)"
    assert check.lines[2] == "  sources: 1 (1 rss)"
    result = run_cli("check-config", "--config", str(path), "--db", db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == check.lines


def test_invalid_config_report_matches_the_cli(tmp_path):
    path = tmp_path / "feeds.toml"
    broken = CONFIG.replace('kind = "rss"', 'kind = "rsss"').replace("top = 8", "top = 99")
    path.write_text(broken)
    check = check_text(broken, path)
    assert not check.ok and len(check.problems) == 2
    assert check.lines[0].startswith(f"error: {path}: 2 problems:")
    assert any("sources[0].kind: unknown source kind 'rsss'" in p for p in check.problems)
    result = run_cli("check-config", "--config", str(path))
    assert result.returncode == 2
    assert result.stderr.strip() == "\n".join(check.lines)


def test_unparsable_toml_is_reported_not_raised(tmp_path):
    check = check_text("[company\nname=", tmp_path / "feeds.toml")
    assert not check.ok and "not valid TOML" in check.lines[0]
