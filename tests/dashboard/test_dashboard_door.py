"""The dashboard is a locked door: loopback by default, no call to the internet."""

from __future__ import annotations

import ipaddress
import json
import shutil
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

        def claim(self):
            return None

        def release(self):
            return None

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
                 "--browser.gatherUsageStats false", "--client.toolbarMode minimal"):
        assert flag in target
    demo = (ROOT / "trendwatch/demo/run.py").read_text()
    assert '"--address", "127.0.0.1"' in demo


# Every start of the dashboard is watched from two sides: inside the Streamlit server
# (an audit hook in a sitecustomize records each socket.connect / getaddrinfo / sendto
# target) and from a real browser on the page (every request the page makes is recorded
# and none is let out). Streamlit's usage stats are sent by the page, to
# data.streamlit.io, when --browser.gatherUsageStats is true; its server looks up the
# machine's IPs (8.8.8.8, checkip.amazonaws.com) when it listens on every interface.
AUDIT = r'''
import json, os, sys
_log = os.environ["DOOR_AUDIT_LOG"]
_EVENTS = {"socket.connect": 1, "socket.sendto": 2, "socket.getaddrinfo": 0,
           "socket.gethostbyname": 0, "socket.gethostbyname_ex": 0}
def _hook(event, args):
    if event in _EVENTS:
        target = args[_EVENTS[event]]
        host = target[0] if isinstance(target, tuple) and target else target
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        with open(_log, "a") as handle:
            handle.write(json.dumps([event, None if host is None else str(host)]) + "\n")
sys.addaudithook(_hook)
open(_log + ".started", "w").close()
'''


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _loopback_host(host: str | None) -> bool:
    if host is None or host == "" or host.startswith("/"):
        return True  # a wildcard bind, or a unix socket: neither leaves the machine
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _loopback_url(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
        return True
    return bool(parts.hostname) and _loopback_host(parts.hostname)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _watch_page(base: str, seconds: float) -> list[str]:
    """Open the dashboard in headless chromium; return every non-loopback URL it asked for
    (each one is aborted, so nothing leaves even when one is found)."""
    from playwright.sync_api import sync_playwright

    outside: list[str] = []

    def route(r):
        if _loopback_url(r.request.url):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-dev-shm-usage"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=args)
        try:
            context = browser.new_context()
            context.route("**/*", route)
            page = context.new_page()
            page.on("websocket", lambda ws: None if _loopback_url(ws.url) else outside.append(ws.url))
            page.goto(base, wait_until="domcontentloaded")
            page.get_by_text("you are the local user").first.wait_for(timeout=90_000)
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline and not outside:
                page.wait_for_timeout(250)
        finally:
            browser.close()
    return outside


def _start_audited(tmp_path, monkeypatch, stats: str, address: str | None):
    """Start the dashboard as `trendwatch run` does (start_dashboard, its flags, its child
    environment), with the audit hook on the child's path; None address = Streamlit's
    default (every interface), started by hand since start_dashboard refuses it."""
    import os

    audit = tmp_path / "audit"
    audit.mkdir()
    (audit / "sitecustomize.py").write_text(AUDIT)
    log = tmp_path / "connects.jsonl"
    monkeypatch.setenv("PYTHONPATH", f"{audit}{os.pathsep}{ROOT}")
    monkeypatch.setenv("DOOR_AUDIT_LOG", str(log))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    flags = list(cli_service.STREAMLIT_FLAGS)
    flags[flags.index("--browser.gatherUsageStats") + 1] = stats
    monkeypatch.setattr(cli_service, "STREAMLIT_FLAGS", tuple(flags))
    port = _free_port()
    (tmp_path / "feeds.toml").write_text(MINIMAL)

    class Env:
        config_path = str(tmp_path / "feeds.toml")
        db_url = f"sqlite:///{tmp_path / 'tw.db'}"

    if address is None:
        command = cli_service.streamlit_command(cli_service.dashboard_app(), port, "x")
        at = command.index("--server.address")
        del command[at:at + 2]
        environment = {**os.environ, "TRENDWATCH_CONFIG": Env.config_path,
                       "TRENDWATCH_DATABASE_URL": Env.db_url}
        process = subprocess.Popen(command, env=environment, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        process = cli_service.start_dashboard(Env(), parse_settings(MINIMAL), port, address)
    assert process is not None
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as page:
                assert page.status == 200
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                cli_service.stop_dashboard(process)
                raise
            time.sleep(0.5)
    return process, base, log


def _server_outside(log: Path) -> list:
    assert Path(f"{log}.started").exists(), "the audit hook was not installed in the server"
    targets = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return [t for t in targets if not _loopback_host(t[1])]


@pytest.mark.slow
@pytest.mark.parametrize("stats", ["false", "true"])
def test_dashboard_start_reaches_nothing_beyond_loopback(tmp_path, monkeypatch, stats):
    """As started by the CLI nothing leaves the machine; the same start with usage stats
    switched on is caught (the page asks data.streamlit.io), so the audit can fail."""
    if _chromium() is None:
        if stats == "true":
            pytest.skip("chromium is not installed: the usage-stats call is made by the page")
    process, base, log = _start_audited(tmp_path, monkeypatch, stats, "127.0.0.1")
    try:
        page_outside = _watch_page(base, seconds=8) if _chromium() else []
        time.sleep(1)
    finally:
        cli_service.stop_dashboard(process)
    server_outside = _server_outside(log)
    if stats == "false":
        assert server_outside == [], f"the dashboard server reached beyond loopback: {server_outside}"
        assert page_outside == [], f"the dashboard page reached beyond loopback: {page_outside}"
    else:
        assert page_outside, "usage stats on, yet the audit saw no call beyond loopback"
        assert all("streamlit.io" in url for url in page_outside), page_outside


@pytest.mark.slow
def test_server_audit_catches_streamlits_own_ip_lookups(tmp_path, monkeypatch):
    """The server-side hook is live too: listening on every interface, Streamlit looks up
    the machine's addresses (a UDP connect to 8.8.8.8, checkip.amazonaws.com)."""
    process, _base, log = _start_audited(tmp_path, monkeypatch, "false", None)
    try:
        time.sleep(3)
    finally:
        cli_service.stop_dashboard(process)
    outside = _server_outside(log)
    assert outside, "no server lookup seen: the audit hook could not fail"
    assert {host for _, host in outside} & {"8.8.8.8", "checkip.amazonaws.com"}, outside


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
