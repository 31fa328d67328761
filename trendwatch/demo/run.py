"""`python -m trendwatch.demo` (what `make demo` runs): the whole product on the sample week.

Starts the sample server, writes the demo config for its port to ``data/demo/feeds.toml``,
starts from an empty demo database (``data/demo/trendwatch.db``, never the real one),
runs each stage through the real CLI (collect → analyze → ideas → brief) and then the
service with its dashboard. Stages that this installation does not have yet are named
and skipped, so the demo shows exactly what exists. No network beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..collectors import REGISTRY
from .config import demo_config
from .server import DEFAULT_PORT

DEMO_DIR = Path("data/demo")
DEMO_DB = "sqlite:///data/demo/trendwatch.db"
DASHBOARD_PORT = 8501
CREDENTIALS = {
    # the sample server accepts any login; these only exercise the real auth code paths
    "TRENDWATCH_DEMO_BSKY_IDENTIFIER": "demo.bsky.social",
    "TRENDWATCH_DEMO_BSKY_PASSWORD": "demo-app-password",
    "TRENDWATCH_DEMO_X_TOKEN": "demo-bearer-token",
}
# (what it does, the CLI words); each runs only when this installation has the command
BATCH_STEPS = [
    ("validate the demo config", ["check-config"]),
    ("collect from every demo source", ["collect"]),
    ("show source health", ["sources"]),
    ("analyse: topics and emergence", ["analyze"]),
    ("rank topics and write post ideas", ["ideas"]),
    ("write the morning briefing", ["brief"]),
]
SERVICE_STEPS = [["run"], ["serve"]]


def trendwatch_cmd() -> list[str]:
    return [sys.executable, "-m", "trendwatch"]


def has_command(words: list[str], env: dict[str, str] | None = None) -> bool:
    """Whether this installation's CLI has ``trendwatch <words>`` (stages arrive one by one)."""
    import click

    from ..cli import cli

    group: click.Command = cli
    for word in words:
        if not isinstance(group, click.Group) or word not in group.commands:
            return False
        group = group.commands[word]
    return True


def serving_demo(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
            return b"trendwatch demo data" in response.read(4096)
    except (urllib.error.URLError, OSError):
        return False


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def start_server(port: int, env: dict[str, str]) -> subprocess.Popen | None:
    """The sample server in a child process; None when one already serves on ``port``."""
    if serving_demo(port):
        print(f"• sample server already running on http://127.0.0.1:{port}/ (reusing it)")
        return None
    if not port_free(port):
        raise SystemExit(f"port {port} is taken by something else: pick another with "
                         f"`make demo DEMO_PORT=8766` (or --port)")
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


def reset_database() -> None:
    # the sample week ends when the server starts: a fresh database keeps it ending "now"
    for suffix in ("", "-wal", "-shm"):
        path = DEMO_DIR / f"trendwatch.db{suffix}"
        if path.exists():
            path.unlink()
    shutil.rmtree(DEMO_DIR / "briefings", ignore_errors=True)


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trendwatch.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("DEMO_PORT", DEFAULT_PORT)),
                        help=f"sample server port (default {DEFAULT_PORT}, env DEMO_PORT)")
    parser.add_argument("--keep", action="store_true", help="keep the demo database of the last run")
    parser.add_argument("--no-serve", action="store_true",
                        help="run the batch stages and stop (no service, no dashboard)")
    args = parser.parse_args(argv)

    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    config_path = DEMO_DIR / "feeds.toml"
    text, absent = demo_config(args.port, installed=REGISTRY)
    config_path.write_text(text, encoding="utf-8")
    env = {**os.environ, **CREDENTIALS, "TRENDWATCH_CONFIG": str(config_path),
           "TRENDWATCH_DATABASE_URL": DEMO_DB, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    if not args.keep:
        reset_database()
    server = start_server(args.port, env)
    missing = [f"source kind {kind!r} (no collector installed; left out of {config_path})"
               for kind in dict.fromkeys(absent)]
    try:
        for what, words in BATCH_STEPS:
            if not has_command(words, env):
                missing.append(f"trendwatch {' '.join(words)} ({what})")
                print(f"• skipped: trendwatch {' '.join(words)} is not in this installation yet")
                continue
            print(f"\n• {what}: trendwatch {' '.join(words)}", flush=True)
            result = subprocess.run([*trendwatch_cmd(), *words], env=env)
            if result.returncode != 0 and words != ["collect"]:
                # collect exits non-zero when a source failed; the others stop the demo
                print(f"  trendwatch {' '.join(words)} failed (exit {result.returncode})")
                return result.returncode
        print(f"\nDemo data: database {DEMO_DB}, config {config_path}")
        if missing:
            print("Not available yet in this installation:\n  " + "\n  ".join(missing))
        if args.no_serve:
            return 0
        return serve(env, missing, server is not None)
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.kill()


def serve(env: dict[str, str], missing: list[str], own_server: bool) -> int:
    """The service with its dashboard, in the foreground until Ctrl-C."""
    command = next((words for words in SERVICE_STEPS if has_command(words, env)), None)
    if command is None:
        missing.append("trendwatch run / serve (the service with the dashboard)")
        dashboard = Path("dashboard/app.py")
        if dashboard.exists():
            command_line = [sys.executable, "-m", "streamlit", "run", str(dashboard),
                            "--server.port", str(DASHBOARD_PORT), "--server.headless", "true"]
        else:
            missing.append("dashboard/app.py (the Streamlit dashboard)")
            if not own_server:
                return 0
            print("\nNo service or dashboard yet: the sample server keeps running for you to "
                  "explore (`trendwatch items`, `trendwatch sources`). Ctrl-C stops it.")
            return _wait_forever()
    else:
        command_line = [*trendwatch_cmd(), *command]
    print(f"\n• dashboard on http://localhost:{DASHBOARD_PORT} — Ctrl-C stops the demo", flush=True)
    try:
        return subprocess.run(command_line, env=env).returncode
    except KeyboardInterrupt:
        return 0


def _wait_forever() -> int:
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
