"""serve, run (service + dashboard), status, purge."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from rich.text import Text

from trendwatch.cli.common import (
    ago,
    common_options,
    console,
    err_console,
    format_option,
    print_json,
    print_table,
)
from trendwatch.cli.group import cli
from trendwatch.collect.privacy import privacy_key
from trendwatch.config.door import door_refusal, is_loopback, oidc_problems, secrets_files
from trendwatch.config.durations import parse_duration
from trendwatch.config.env import CONFIG_ENV, DATABASE_ENV, child_env, resolve_paths
from trendwatch.errors import ConfigError
from trendwatch.present.redact import redact_text
from trendwatch.service.logs import setup_logging
from trendwatch.store import deliveries as delivery_rows
from trendwatch.store import jobs as job_rows
from trendwatch.store import runs as run_rows
from trendwatch.store import views
from trendwatch.store import workers as worker_rows

# every start of the dashboard: no usage stats, no browser, no dev server, no file watcher:
# Streamlit must not reach the internet (gatherUsageStats looks up the machine's IP)
# the toolbar keeps what a user needs (print, rerun, settings): no Deploy button, no dev menu
STREAMLIT_FLAGS = ("--server.headless", "true", "--browser.gatherUsageStats", "false",
                   "--global.developmentMode", "false", "--server.fileWatcherType", "none",
                   "--client.toolbarMode", "minimal")


def streamlit_command(app: Path, port: int, address: str) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
            "--server.address", address, *STREAMLIT_FLAGS]


JOB_STYLE = {"ok": "green", "failed": "red", "running": "cyan", "stopped": "yellow"}
WORKER_STYLE = {"running": "green", "stopped": "yellow", "lost": "red"}


def dashboard_app() -> Path | None:
    """``app.py`` of the installed ``dashboard`` package (shipped with trendwatch), found
    from where the package is imported, whatever the current directory; None without it."""
    import importlib.util

    import trendwatch

    try:
        spec = importlib.util.find_spec("dashboard")
    except (ImportError, ValueError):
        spec = None
    folders = list(spec.submodule_search_locations or []) if spec else []
    # an editable install made before the dashboard was packaged maps only trendwatch:
    # its checkout still has the dashboard next to the package
    folders.append(str(Path(trendwatch.__file__).resolve().parents[1] / "dashboard"))
    for folder in folders:
        app = Path(folder) / "app.py"
        if app.is_file():
            return app.resolve()
    return None


def _duration_option(value: str, flag: str) -> timedelta:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise ConfigError(f"{flag}: {exc}") from exc


WORKERS_NEED_POSTGRES = ("workers share work through PostgreSQL; on SQLite run "
                         "`trendwatch serve` (one process), or give --db postgresql://…")


def worker_tick(settings) -> timedelta:
    """How often a worker looks for due sources: a quarter of the shortest source ``every``
    (so a source is never late by more than that), between 1 s and 1 min."""
    shortest = min((s.every for s in settings.sources if s.enabled), default=timedelta(minutes=1))
    return min(max(shortest / 4, timedelta(seconds=1)), timedelta(minutes=1))


def _service(env, tick: str, log_level: str, *, worker: bool = False,
             lease: str | None = None):
    from trendwatch.service.scheduler import Service

    settings = env.settings()
    store = env.store(settings)
    # on PostgreSQL every service is one worker of a cluster: `serve` on one machine and
    # `worker` on others share the same claims
    cluster = store.dialect == "postgresql"
    if worker and not cluster:
        store.close()
        raise ConfigError(WORKERS_NEED_POSTGRES)
    setup_logging(log_level)
    key = privacy_key(settings, env.database_url(settings))
    # the file the settings came from: the service reloads it when it changes
    config = resolve_paths(env.config_path, env.db_url, settings).config
    every = worker_tick(settings) if tick == "auto" else _duration_option(tick, "--tick")
    extra: dict = {"poll": min(timedelta(seconds=5), every)} if worker else {}
    if lease is not None:
        extra["lease_ttl"] = _duration_option(lease, "--lease")
    return Service(store, settings, privacy_key=key, tick=every, config_path=config,
                   cluster=cluster, **extra)


_serve_options = [
    click.option("--tick", default="1m", show_default=True, metavar="DURATION",
                 help="how often to look for due sources"),
    click.option("--log-level", default="info", show_default=True,
                 type=click.Choice(["debug", "info", "warning", "error"])),
]


def _with(options):
    def decorate(fn):
        for option in reversed(options):
            fn = option(fn)
        return fn
    return decorate


@cli.command()
@common_options
@_with(_serve_options)
def serve(env, tick: str, log_level: str) -> None:
    """Run the service: collection, analysis, the morning briefing, purge (Ctrl-C stops).

    On SQLite, one service per store: a second one on the same file is refused. On
    PostgreSQL it is one worker of a cluster (see `trendwatch worker`)."""
    service = _service(env, tick, log_level)
    asyncio.run(service.run())


@cli.command()
@common_options
@click.option("--tick", default="auto", show_default=True, metavar="DURATION",
              help="how often to look for due sources (auto: a quarter of the shortest "
                   "source `every`, 1 s to 1 min)")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]))
@click.option("--lease", default="90s", show_default=True, metavar="DURATION",
              help="how long a claim lasts without a heartbeat: a killed worker's sources and "
                   "jobs pass to the others after this")
def worker(env, tick: str, log_level: str, lease: str) -> None:
    """Run one worker of a cluster on PostgreSQL (any number, on any machines, each given
    the same --db and feeds.toml): each due source is fetched by one worker once per
    interval, and the analysis, briefing and purge run on one worker at their time.

    SIGTERM (or Ctrl-C) finishes the sources in hand, gives back its claims and stops."""
    service = _service(env, tick, log_level, worker=True, lease=lease)
    asyncio.run(service.run())


@cli.command("run")
@common_options
@_with(_serve_options)
@click.option("--port", default=8501, show_default=True, help="dashboard port")
@click.option("--address", default=None, metavar="ADDRESS",
              help="dashboard listen address (default [dashboard] address, else 127.0.0.1); "
                   "anything but loopback needs a sign-in")
@click.option("--no-dashboard", is_flag=True, help="only the service")
def run_cmd(env, tick: str, log_level: str, port: int, address: str | None,
            no_dashboard: bool) -> None:
    """The service plus the dashboard on http://127.0.0.1:PORT, in one command."""
    service = _service(env, tick, log_level)
    service.claim()  # a second service is refused before it starts a dashboard of its own
    dashboard = None
    if not no_dashboard:
        dashboard = start_dashboard(env, service.settings, port,
                                    address or service.settings.dashboard.address)
    try:
        asyncio.run(service.run())
    finally:
        service.release()  # run() released it already unless it never started
        if dashboard is not None:
            stop_dashboard(dashboard)


def start_dashboard(env, settings, port: int,
                    address: str = "127.0.0.1") -> subprocess.Popen | None:
    paths = resolve_paths(env.config_path, env.db_url, settings)
    app = dashboard_app()
    check_door(settings, address, paths.database_url, app)
    if app is None:
        err_console.print("[yellow]dashboard not started:[/] the dashboard package is not "
                          "installed with trendwatch (reinstall it: pip install -e . in the "
                          "project folder), or use --no-dashboard")
        return None
    if shutil.which("streamlit") is None and not _has_module("streamlit"):
        err_console.print("[yellow]dashboard not started:[/] streamlit is not installed "
                          "(pip install streamlit)")
        return None
    if not _port_free(port):
        err_console.print(f"[red]dashboard not started:[/] port {port} is in use (another dashboard "
                          f"or program); pick another with --port (make run PORT=…)")
        return None
    environment = child_env(**{CONFIG_ENV: str(paths.config.resolve()),
                               DATABASE_ENV: paths.database_url})
    command = streamlit_command(app, port, address)
    # own process group: Ctrl-C reaches it through us, in order, not at the same instant
    process = subprocess.Popen(command, env=environment, start_new_session=True)
    host = f"[{address}]" if ":" in address else address
    err_console.print(f"dashboard on [bold]http://{host}:{port}[/] (pid {process.pid})")
    return process


def check_door(settings, address: str, database_url: str, app: Path | None) -> None:
    """Refuse (ConfigError) to listen beyond loopback without a working sign-in."""
    from trendwatch.store import open_store
    from trendwatch.store.users import count_admins

    auth = settings.dashboard.auth
    admins = 0
    if auth == "password":
        store = open_store(database_url)
        try:
            admins = count_admins(store)
        finally:
            store.close()
        if admins == 0 and is_loopback(address):
            err_console.print("[yellow]no dashboard admin yet:[/] nobody can sign in until "
                              "one is added (trendwatch user add NAME --role admin)")
    oidc = oidc_problems(secrets_files(Path.cwd(), Path.home(), app)) if auth == "oidc" else []
    refusal = door_refusal(address, auth, admins=admins, oidc=oidc)
    if refusal:
        raise ConfigError(refusal)
    if auth == "oidc" and oidc:  # loopback: it starts, but sign-in will fail until fixed
        err_console.print("[yellow]oidc sign-in not ready:[/] " + "; ".join(oidc))


def stop_dashboard(process: subprocess.Popen, grace: float = 10.0) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    deadline = time.monotonic() + grace
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    if process.poll() is None:
        process.kill()
        process.wait()


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


@cli.command()
@common_options
@format_option
def status(env, fmt: str) -> None:
    """Last and next run of every service job, with the last error; every worker."""
    settings = env.settings()
    store = env.store(settings)
    now = datetime.now(UTC)
    from trendwatch.service.scheduler import JOBS

    empty = {"last_started_at": None, "last_finished_at": None, "last_status": None,
             "last_error": None, "next_run_at": None}
    rows = {name: {"name": name, **empty} for name in JOBS}
    rows.update({row["name"]: row for row in job_rows.list_jobs(store)})
    service = rows.pop(job_rows.SERVICE, None)
    latest = run_rows.latest_run(store)
    attempt = views.newest_run_started(store)
    if attempt is not None and attempt["status"] == "ok":
        attempt = None  # only a running or failed newer attempt is worth a line
    failed = delivery_rows.failed_since(store, now - timedelta(days=1))
    alive = bool(service and service["last_status"] == "running" and service["last_finished_at"]
                 and now - service["last_finished_at"] < timedelta(minutes=2))
    workers = worker_rows.list_workers(store)
    data = {
        "service": {"running": alive, "started_at": service and service["last_started_at"],
                    "last_seen_at": service and service["last_finished_at"]},
        "workers": [{"host": w["host"], "pid": w["pid"], "status": w["status"],
                     "started_at": w["started_at"], "heartbeat_at": w["heartbeat_at"],
                     "holding": w["holding"], "sources_claimed": w["sources_claimed"],
                     "jobs_claimed": w["jobs_claimed"]} for w in workers],
        "jobs": [{"name": name, "last_started_at": r["last_started_at"],
                  "last_finished_at": r["last_finished_at"], "last_status": r["last_status"],
                  "last_error": r["last_error"] and redact_text(r["last_error"]),
                  "next_run_at": r["next_run_at"], "claimed_by": _holder(r.get("claimed_by"))}
                 for name, r in sorted(rows.items())],
        "latest_run": latest and _run_json(latest),
        "latest_attempt": attempt and _run_json(attempt),
        "failed_deliveries_24h": [{"kind": d["kind"], "target": d["target"], "at": d["created_at"],
                                   "attempts": d["attempts"],
                                   "error": d["error"] and redact_text(d["error"])} for d in failed],
    }
    if fmt == "json":
        print_json(data)
        return
    if alive:
        console.print(f"service: [green]running[/] since {ago(service['last_started_at'], now)}")
    elif service:
        console.print(f"service: [yellow]not running[/] (last seen {ago(service['last_finished_at'], now)})")
    else:
        console.print("service: [yellow]never started[/] (start it with [bold]trendwatch serve[/])")
    if data["workers"]:
        print_table("workers", ["host", "pid", "status", "started", "last heartbeat", "holds"], [
            [w["host"], str(w["pid"]),
             Text(w["status"], style=WORKER_STYLE.get(w["status"], "yellow")),
             ago(w["started_at"], now), ago(w["heartbeat_at"], now),
             ", ".join(filter(None, [w["holding"] or "",
                                     f"{w['sources_claimed']} sources claimed"
                                     if w["sources_claimed"] else ""])) or "–"]
            for w in data["workers"]])
    cluster = any(j["claimed_by"] for j in data["jobs"]) or bool(data["workers"])
    print_table("jobs", ["job", "status", "last start", "last finish", "next run"]
                + (["held by"] if cluster else []) + ["last error"], [
        [j["name"], Text(j["last_status"] or "never", style=JOB_STYLE.get(j["last_status"] or "", "yellow")),
         ago(j["last_started_at"], now), ago(j["last_finished_at"], now),
         ago(j["next_run_at"], now) if j["next_run_at"] else "–"]
        + ([j["claimed_by"] or "–"] if cluster else []) + [(j["last_error"] or "")[:200]]
        for j in data["jobs"]])
    if latest is not None:
        console.print(f"latest analysis run #{latest['id']}: {latest['status']}, "
                      f"as of {ago(latest['as_of'], now)}")
    if attempt is not None:  # a newer run that did not finish ok (running or failed)
        console.print(f"newest analysis attempt #{attempt['id']}: {attempt['status']}"
                      + (f" ({redact_text(attempt['error'])})" if attempt["error"] else ""))
    for d in failed:
        console.print(Text.assemble(("✗ ", "red"), f"{d['kind']} → {d['target']} "
                                    f"{ago(d['created_at'], now)} after {d['attempts']} attempts: ",
                                    (redact_text(d["error"] or ""), "red")))


def _holder(worker_id: str | None) -> str | None:
    """A worker id as a person reads it: host and pid (the token is of no use to them)."""
    if not worker_id:
        return None
    host, _, rest = worker_id.partition(":")
    return f"{host} pid {rest.split(':', 1)[0]}"


def _run_json(run: dict) -> dict:
    return {"id": run["id"], "status": run["status"], "as_of": run["as_of"],
            "finished_at": run["finished_at"], "error": run["error"] and redact_text(run["error"])}


@cli.command()
@common_options
@click.option("--dry-run", is_flag=True, help="only count what would be deleted")
@click.option("--older-than", default=None, metavar="DURATION",
              help="override [privacy] retention for this run, e.g. 90d")
@format_option
def purge(env, dry_run: bool, older_than: str | None, fmt: str) -> None:
    """Delete raw items older than the retention (topics and aggregates stay), and inbox
    messages older than [inbox] retention (their own clock)."""
    from trendwatch.store.inbox import purge_inbox
    from trendwatch.store.retention import purge as purge_items

    settings = env.settings()
    store = env.store(settings)
    retention = (_duration_option(older_than, "--older-than") if older_than
                 else settings.privacy.retention)
    now = datetime.now(UTC)
    report = purge_items(store, now, retention, dry_run=dry_run)
    report.inbox = purge_inbox(store, now, settings.inbox.retention, dry_run=dry_run)
    if fmt == "json":
        print_json(report.as_dict())
        return
    verb = "would delete" if dry_run else "deleted"
    console.print(f"{verb} {report.items} items collected before {report.cutoff:%Y-%m-%d %H:%M} UTC "
                  f"({report.embeddings} embeddings, {report.assignments} topic assignments"
                  + ("" if dry_run else f", {report.stories} stories") + "); topics and snapshots kept")

    console.print(f"{verb} {report.inbox.messages} inbox messages received before "
                  f"{report.inbox.cutoff:%Y-%m-%d %H:%M} UTC ([inbox] retention)")
