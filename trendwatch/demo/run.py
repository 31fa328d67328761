"""`python -m trendwatch.demo` (what `make demo` runs): the whole product on the sample week.

Starts the sample server, writes the demo config for its port to ``data/demo/feeds.toml``,
starts from an empty demo database (``data/demo/trendwatch.db``, never the real one),
runs each stage through the real CLI (check-config → collect → sources → analyze →
ideas → brief --deliver, which writes ``data/demo/briefings/``) and then the service
with its dashboard (``trendwatch run``) until Ctrl-C. No network beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import webbrowser
from datetime import UTC, datetime
from pathlib import Path

from trendwatch.demo.config import demo_config
from trendwatch.demo.inbound import write_helpdesk
from trendwatch.demo.server import DEFAULT_PORT

DEMO_DIR = Path("data/demo")
DEMO_DB = "sqlite:///data/demo/trendwatch.db"
DASHBOARD_PORT = 8501
GULF_PROFILE = "Northwind Gulf"   # feeds.toml's second profile: the Gulf market, in Arabic
CREDENTIALS = {
    # the sample server accepts any login; these only exercise the real auth code paths
    "TRENDWATCH_DEMO_BSKY_IDENTIFIER": "demo.bsky.social",
    "TRENDWATCH_DEMO_BSKY_PASSWORD": "demo-app-password",
    "TRENDWATCH_DEMO_X_TOKEN": "demo-bearer-token",
}
# (what it does, the CLI words)
BATCH_STEPS = [
    ("validate the demo config", ["check-config"]),
    ("collect from every demo source", ["collect", "-q"]),
    ("show source health", ["sources"]),
    ("the customer-care inbox, triaged while collecting", ["inbox"]),
    ("analyse: topics and emergence", ["analyze"]),
    ("the topics, most emerging first", ["topics", "--limit", "8"]),
    ("rank topics and write post ideas", ["ideas", "--format", "json"]),
    ("write the morning briefing to data/demo/briefings/", ["brief", "--deliver"]),
    (f"the {GULF_PROFILE} profile's post ideas, written in Arabic",
     ["ideas", "--profile", GULF_PROFILE, "--format", "json"]),
    (f"the {GULF_PROFILE} profile's briefing, in Arabic and right to left",
     ["brief", "--profile", GULF_PROFILE, "--deliver"]),
]


def trendwatch_cmd() -> list[str]:
    return [sys.executable, "-m", "trendwatch"]


def serving_demo(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
            return b"trendwatch demo data" in response.read(4096)
    except (urllib.error.URLError, OSError):
        return False


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def free_port_from(port: int, tries: int = 50) -> int:
    """``port`` or the next free one after it (the machine may run other things)."""
    for candidate in range(port, port + tries):
        if port_free(candidate):
            return candidate
    raise SystemExit(f"no free port in {port}..{port + tries - 1}")


def choose_server_port(requested: int | None) -> int:
    """The sample server's port: the one asked for, else 8765 or the next free one."""
    if requested is not None:
        if not port_free(requested) and not serving_demo(requested):
            raise SystemExit(f"port {requested} is taken by something else: pick another with "
                             f"`make demo DEMO_PORT=…` (or --port), or leave it out to get a free one")
        return requested
    if serving_demo(DEFAULT_PORT):
        return DEFAULT_PORT
    port = free_port_from(DEFAULT_PORT)
    if port != DEFAULT_PORT:
        print(f"• port {DEFAULT_PORT} is taken by another program: the sample server uses {port}")
    return port


def start_server(port: int, env: dict[str, str]) -> subprocess.Popen | None:
    """The sample server in a child process; None when one already serves on ``port``."""
    if serving_demo(port):
        print(f"• sample server already running on http://127.0.0.1:{port}/ (reusing it)")
        return None
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    log = open(DEMO_DIR / "sample-server.log", "w")
    child = subprocess.Popen([sys.executable, "-m", "trendwatch.demo.server", "--port", str(port)],
                             env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(100):
        if serving_demo(port):
            print(f"• sample server on http://127.0.0.1:{port}/ (log: {DEMO_DIR}/sample-server.log)")
            return child
        if child.poll() is not None:
            break
        time.sleep(0.2)
    child.kill()
    raise SystemExit(f"the sample server did not start; see {DEMO_DIR}/sample-server.log")


def ideas_summary(output: str) -> str:
    """Two lines per opportunity from `trendwatch ideas --format json`."""
    import json

    try:
        opportunities = json.loads(output)
    except ValueError:
        return output
    lines = []
    for n, opp in enumerate(opportunities, 1):
        ideas = opp.get("ideas") or []
        drafts = sum(len(i.get("drafts") or []) for i in ideas)
        lines.append(f"  {n}. {opp.get('label')} [{opp.get('status')}] for {opp.get('product')}: "
                     f"{len(ideas)} ideas, {drafts} drafts")
        if ideas:
            lines.append(f"     first: {ideas[0].get('hook')}")
    lines.append("  all drafts: `trendwatch ideas` or the dashboard's Ideas page")
    return "\n".join(lines)


def reset_database() -> None:
    # the sample week ends when the server starts: a fresh database keeps it ending "now"
    for suffix in ("", "-wal", "-shm"):
        path = DEMO_DIR / f"trendwatch.db{suffix}"
        if path.exists():
            path.unlink()
    shutil.rmtree(DEMO_DIR / "briefings", ignore_errors=True)


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trendwatch.demo", description=__doc__.split("\n\n")[0])
    env_port = os.environ.get("DEMO_PORT") or None
    parser.add_argument("--port", type=int, default=int(env_port) if env_port else None,
                        help=f"sample server port (env DEMO_PORT; default {DEFAULT_PORT} or the next free one)")
    parser.add_argument("--dashboard-port", type=int, default=None,
                        help=f"dashboard port (default {DASHBOARD_PORT} or the next free one)")
    parser.add_argument("--keep", action="store_true", help="keep the demo database of the last run")
    parser.add_argument("--no-serve", action="store_true",
                        help="run the batch stages and stop (no service, no dashboard)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
    args = parser.parse_args(argv)

    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    port = choose_server_port(args.port)
    config_path = DEMO_DIR / "feeds.toml"
    config_path.write_text(demo_config(port), encoding="utf-8")
    # the helpdesk export of the same week (the server's week ends now, so does this)
    write_helpdesk(DEMO_DIR, datetime.now(UTC))
    env = {**os.environ, **CREDENTIALS, "TRENDWATCH_CONFIG": str(config_path),
           "TRENDWATCH_DATABASE_URL": DEMO_DB, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    if not sys.stdout.isatty():
        env.setdefault("COLUMNS", "160")     # logged or piped: tables wider than 80 columns
    if not args.keep:
        reset_database()
    server = start_server(port, env)
    try:
        for what, words in BATCH_STEPS:
            print(f"\n• {what}: trendwatch {shlex.join(words)}", flush=True)
            if words[0] == "ideas":
                # hundreds of lines of drafts: summarise; `trendwatch ideas` shows them all
                result = subprocess.run([*trendwatch_cmd(), *words], env=env, stdout=subprocess.PIPE,
                                        text=True)
                print(ideas_summary(result.stdout) if result.returncode == 0 else result.stdout)
            else:
                result = subprocess.run([*trendwatch_cmd(), *words], env=env)
            if result.returncode != 0 and words[0] != "collect":
                # collect exits non-zero when a source failed (shown by `sources`); others stop the demo
                print(f"  trendwatch {shlex.join(words)} failed (exit {result.returncode})")
                return result.returncode
        print(f"\nDemo data: database {DEMO_DB}, config {config_path}, "
              f"briefings in {DEMO_DIR / 'briefings'}/ (one per profile); the dashboard's "
              f"Profile selector switches to {GULF_PROFILE}")
        if args.no_serve:
            return 0
        return serve(env, args.dashboard_port, open_browser=not args.no_browser)
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.kill()


def serve(env: dict[str, str], dashboard_port: int | None, open_browser: bool = True) -> int:
    """The service with its dashboard (`trendwatch run`), in the foreground until Ctrl-C."""
    port = dashboard_port or free_port_from(DASHBOARD_PORT)
    url = f"http://127.0.0.1:{port}"
    print(f"\n• the service and the dashboard: trendwatch run --port {port} --address 127.0.0.1\n"
          f"  open {url} — Ctrl-C stops the demo", flush=True)
    child = subprocess.Popen([*trendwatch_cmd(), "run", "--port", str(port),
                              "--address", "127.0.0.1"], env=env)
    if open_browser and _has_display():
        _open_when_up(url, child)
    try:
        return child.wait()
    except KeyboardInterrupt:
        # the service got the same Ctrl-C: let it finish its step and stop its dashboard
        try:
            return child.wait(timeout=30)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            child.kill()
            return 130


def _has_display() -> bool:
    # on a server or in a container there is nobody to show a browser to
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY")
                                                       or os.environ.get("WAYLAND_DISPLAY"))


def _open_when_up(url: str, child: subprocess.Popen, wait: float = 30.0) -> None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and child.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=1):
                webbrowser.open(url)
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
