"""The dashboard is a locked door: loopback by default, no call to the internet."""

from __future__ import annotations

import ipaddress
import json
import socket
import subprocess
import time
import urllib.request
from datetime import UTC
from pathlib import Path

import pytest

from trendwatch.cli import service as cli_service
from trendwatch.config.load import parse_settings
from trendwatch.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = '[company]\nname = "Acme"\n'


def _command_of(monkeypatch, tmp_path, address=None, config=MINIMAL):
    seen = {}

    class FakePopen:
        pid = 1

        def __init__(self, command, **kwargs):
            seen["command"] = command

    monkeypatch.setattr(cli_service.subprocess, "Popen", FakePopen)
    monkeypatch.setattr(cli_service, "_port_free", lambda port: True)

    class Env:
        config_path = tmp_path / "feeds.toml"
        db_url = f"sqlite:///{tmp_path / 'tw.db'}"

    settings = parse_settings(config)
    args = (Env(), settings, 8599) if address is None else (Env(), settings, 8599, address)
    cli_service.start_dashboard(*args)
    return seen["command"]


def _flag(command, name):
    return command[command.index(name) + 1]


def test_dashboard_binds_loopback_and_sends_no_usage_stats(monkeypatch, tmp_path):
    command = _command_of(monkeypatch, tmp_path)
    assert _flag(command, "--server.address") == "127.0.0.1"
    assert _flag(command, "--server.headless") == "true"
    assert _flag(command, "--browser.gatherUsageStats") == "false"


def test_dashboard_setting_defaults_to_loopback():
    assert parse_settings(MINIMAL).dashboard.address == "127.0.0.1"
    assert parse_settings(MINIMAL + '[dashboard]\naddress = "::1"\n').dashboard.address == "::1"


def test_dashboard_refuses_beyond_loopback_without_sign_in(monkeypatch, tmp_path):
    with pytest.raises(ConfigError, match="127.0.0.1"):
        _command_of(monkeypatch, tmp_path, "0.0.0.0")


def test_dashboard_opens_beyond_loopback_with_password_sign_in_and_an_admin(monkeypatch,
                                                                          tmp_path):
    from datetime import datetime

    from trendwatch.store import open_store
    from trendwatch.store.users import add_user

    config = MINIMAL + '[dashboard]\nauth = "password"\n'
    with pytest.raises(ConfigError, match="no admin user"):
        _command_of(monkeypatch, tmp_path, "0.0.0.0", config)
    store = open_store(f"sqlite:///{tmp_path / 'tw.db'}")
    add_user(store, "vi", "viewer password", "viewer", datetime.now(UTC))
    with pytest.raises(ConfigError, match="no admin user"):  # a viewer cannot run the door
        _command_of(monkeypatch, tmp_path, "0.0.0.0", config)
    add_user(store, "ad", "admin password", "admin", datetime.now(UTC))
    command = _command_of(monkeypatch, tmp_path, "0.0.0.0", config)
    assert _flag(command, "--server.address") == "0.0.0.0"
    assert _flag(command, "--browser.gatherUsageStats") == "false"


def test_dashboard_refuses_oidc_beyond_loopback_until_its_secrets_exist(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    config = MINIMAL + '[dashboard]\nauth = "oidc"\n'
    with pytest.raises(ConfigError, match="secrets.toml"):
        _command_of(monkeypatch, tmp_path, "0.0.0.0", config)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('[auth]\nredirect_uri = "x"\n')
    with pytest.raises(ConfigError, match="lacks cookie_secret, client_id"):
        _command_of(monkeypatch, tmp_path, "0.0.0.0", config)
    assert _flag(_command_of(monkeypatch, tmp_path, "127.0.0.1", config),
                 "--server.address") == "127.0.0.1"


def test_run_passes_address_option(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from trendwatch.cli import cli

    seen = {}

    def fake_start(env, settings, port, address="127.0.0.1"):
        seen["address"] = address
        return None

    class FakeService:
        settings = parse_settings(MINIMAL)

        async def run(self):
            return None

    monkeypatch.setattr(cli_service, "start_dashboard", fake_start)
    monkeypatch.setattr(cli_service, "_service", lambda env, tick, level: FakeService())
    result = CliRunner().invoke(cli, ["run", "--address", "::1"])
    assert result.exit_code == 0, result.output
    assert seen["address"] == "::1"
    result = CliRunner().invoke(cli, ["run"])
    assert seen["address"] == "127.0.0.1"


def test_makefile_and_demo_start_streamlit_on_loopback_without_stats():
    makefile = (ROOT / "Makefile").read_text()
    target = makefile.split("\ndashboard:", 1)[1].split("\n\n", 1)[0]
    for flag in ("--server.address 127.0.0.1", "--server.headless true",
                 "--browser.gatherUsageStats false"):
        assert flag in target
    demo = (ROOT / "trendwatch/demo/run.py").read_text()
    assert '"--address", "127.0.0.1"' in demo


AUDIT = r'''
import json, os, sys
_log = os.environ["DOOR_AUDIT_LOG"]
def _hook(event, args):
    if event == "socket.connect":
        addr = args[1]
        with open(_log, "a") as handle:
            handle.write(json.dumps(list(addr) if isinstance(addr, tuple) else [str(addr)]) + "\n")
sys.addaudithook(_hook)
open(_log + ".started", "w").close()
'''


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _loopback(target: list) -> bool:
    host = str(target[0])
    if host.startswith("/") or host == "localhost" or not host:
        return True  # unix sockets
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.mark.slow
def test_dashboard_start_connects_only_to_loopback(tmp_path, monkeypatch):
    (tmp_path / "audit").mkdir()
    (tmp_path / "audit" / "sitecustomize.py").write_text(AUDIT)
    log = tmp_path / "connects.jsonl"
    port = _free_port()
    app = cli_service.dashboard_app()
    import os

    env = {**os.environ, "PYTHONPATH": f"{tmp_path / 'audit'}{os.pathsep}{ROOT}",
           "DOOR_AUDIT_LOG": str(log), "TRENDWATCH_CONFIG": str(tmp_path / "feeds.toml"),
           "TRENDWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'tw.db'}", "HOME": str(tmp_path)}
    process = subprocess.Popen(cli_service.streamlit_command(app, port, "127.0.0.1"), env=env,
                               cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as page:
                    assert page.status == 200
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                            timeout=2) as page:
                    assert page.status == 200
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.5)
        time.sleep(3)  # usage stats are sent shortly after start
    finally:
        process.terminate()
        process.wait(timeout=20)
    targets = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    assert Path(f"{log}.started").exists(), "the audit hook was not installed"
    outside = [t for t in targets if not _loopback(t)]
    assert outside == [], f"dashboard connected beyond loopback: {outside}"


def test_guard_flags_endpoint_and_secret_changed_together():
    from dashboard.guard import risky_changes

    old = '[ideas]\nbase_url = "http://127.0.0.1:11434/v1"\napi_key_env = "LLM_KEY"\n'
    both = '[ideas]\nbase_url = "https://evil.example/v1"\napi_key_env = "SMTP_PASSWORD"\n'
    assert risky_changes(old, both) == (["ideas.base_url"], ["ideas.api_key_env"])
    only_url = old.replace("http://127.0.0.1:11434/v1", "https://evil.example/v1")
    assert risky_changes(old, only_url)[1] == []
    only_env = old.replace("LLM_KEY", "SMTP_PASSWORD")
    assert risky_changes(old, only_env)[0] == []


def test_settings_page_refuses_redirect_plus_secret_rename(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from trendwatch.config.env import CONFIG_ENV, DATABASE_ENV

    config = tmp_path / "feeds.toml"
    original = (MINIMAL + '[ideas]\ngenerator = "llm"\nbase_url = "http://127.0.0.1:11434/v1"\n'
                'model = "m"\napi_key_env = "LLM_KEY"\n')
    config.write_text(original)
    monkeypatch.setenv(CONFIG_ENV, str(config))
    monkeypatch.setenv(DATABASE_ENV, f"sqlite:///{tmp_path / 'tw.db'}")
    at = AppTest.from_file(str(ROOT / "dashboard/views/settings.py"), default_timeout=60).run()
    assert not at.exception
    hostile = original.replace("http://127.0.0.1:11434/v1", "https://evil.example/v1") \
        .replace("LLM_KEY", "SMTP_PASSWORD")
    at.text_area(key="config_text").input(hostile).run()
    at.button(key="config_save").click().run()
    assert not at.exception
    assert config.read_text() == original
    assert any("Not saved" in e.value for e in at.error)
    one_step = original.replace("LLM_KEY", "OTHER_KEY")
    at.text_area(key="config_text").input(one_step).run()
    at.button(key="config_save").click().run()
    assert config.read_text() == one_step
    assert any("restart" in s.value for s in at.success)


def test_refresh_is_rate_limited_across_users(tmp_path):
    from datetime import datetime, timedelta

    from trendwatch.store import jobs as job_rows
    from trendwatch.store import open_store
    from trendwatch.store.jobs import ask_refresh as request_refresh

    store = open_store(f"sqlite:///{tmp_path / 'tw.db'}")
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    every = timedelta(minutes=5)
    assert request_refresh(store, now, every).accepted
    second = request_refresh(store, now + timedelta(seconds=10), every)  # another user
    assert not second.accepted and second.pending
    assert job_rows.take_refresh_request(store, now + timedelta(seconds=20)) == now
    job_rows.job_started(store, job_rows.REFRESH, now + timedelta(seconds=20))
    third = request_refresh(store, now + timedelta(minutes=1), every)
    assert not third.accepted and third.next_allowed_at == now + timedelta(seconds=20) + every
    assert request_refresh(store, now + timedelta(minutes=6), every).accepted


def test_refresh_button_says_when_the_next_one_is_allowed(tmp_path, monkeypatch):
    from datetime import datetime, timedelta

    from streamlit.testing.v1 import AppTest

    from trendwatch.config.env import CONFIG_ENV, DATABASE_ENV
    from trendwatch.store import jobs as job_rows
    from trendwatch.store import open_store

    config = tmp_path / "feeds.toml"
    config.write_text(MINIMAL)
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    store = open_store(url)
    job_rows.job_started(store, job_rows.REFRESH,
                         datetime.now(UTC) - timedelta(minutes=1))
    monkeypatch.setenv(CONFIG_ENV, str(config))
    monkeypatch.setenv(DATABASE_ENV, url)
    at = AppTest.from_file(str(ROOT / "dashboard/app.py"), default_timeout=60).run()
    at.button(key="refresh_now").click().run()
    assert not at.exception
    assert any("next one is allowed" in w.value for w in at.sidebar.warning), \
        [e.value for e in at.sidebar.caption] + [w.value for w in at.sidebar.warning]
    assert job_rows.get_job(store, job_rows.REFRESH)["next_run_at"] is None
