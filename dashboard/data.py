"""The dashboard's only door to the store and the config: cached loaders, sign-in, writes.

Every loader takes the database URL first, so caches are per store. Rows of a
finished run never change, so loaders keyed by ``run_id`` keep results for long;
what moves (latest run, source health, jobs, feedback) has short TTLs, and the
writes (feedback, refresh request, settings) clear what they affect. The dashboard
never runs pipeline stages and never loads a model.

Roles are enforced here, not by hiding buttons: saving settings and requesting a
refresh take the session's user and raise ``AccessDenied`` for anyone but an admin,
whose role is re-read from the users table (or ``[dashboard] admins``) on every write.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.access import ADMIN, VIEWER, SessionUser, SignInThrottle
from dashboard.guard import REENTER, REFUSE, decide_save, risky_changes
from trendwatch.config.env import resolve_paths
from trendwatch.config.load import load_settings
from trendwatch.config.schema import Settings
from trendwatch.errors import AccessDenied, ConfigError, ReauthRequired, StoreError
from trendwatch.present.redact import redact_text
from trendwatch.present.status import source_status
from trendwatch.rank.relevance import VERDICTS
from trendwatch.store import Store, open_store, views
from trendwatch.store import inbox as inbox_rows
from trendwatch.store import jobs as job_store
from trendwatch.store import users as user_rows
from trendwatch.store import workers as worker_store
from trendwatch.store.opportunities import add_feedback
from trendwatch.store.runs import latest_run as _latest_run
from trendwatch.store.sources import source_health as _source_health

TTL_LIVE = 15          # latest run, jobs: a finished run shows up within seconds
TTL_HEALTH = 60        # source health moves with each collection pass
TTL_RUN = 3600         # keyed by run_id: a finished run's rows never change
TTL_CONFIG = 5
REFRESH_JOB = job_store.REFRESH  # the service polls jobs.next_run_at of this row


# --- config and store ------------------------------------------------------------------


def config_path() -> Path:
    return resolve_paths(None, None).config


@st.cache_resource(ttl=TTL_CONFIG, show_spinner=False)
def _settings_at(path: str, mtime_ns: int) -> tuple[Settings | None, str | None]:
    try:
        return load_settings(path), None
    except ConfigError as exc:
        return None, str(exc)


def settings() -> tuple[Settings | None, str | None]:
    """The validated feeds.toml (or None and the error), re-read when the file changes."""
    path = config_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = -1
    return _settings_at(str(path), mtime)


def database_url() -> str:
    """Same precedence as the CLI: TRENDWATCH_DATABASE_URL > [storage] url > default."""
    return resolve_paths(None, None, settings()[0]).database_url


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    # read-only use: migrating is the job of `trendwatch init/collect/serve`
    return open_store(url, migrate=False)


def store(url: str) -> Store:
    return _store(url)


@st.cache_data(ttl=TTL_LIVE, show_spinner=False)
def store_ready(url: str) -> bool:
    """True when the schema exists (an empty or missing database is not an error)."""
    try:
        return views.has_schema(store(url))
    except StoreError:
        raise
    except Exception as exc:  # driver errors → one clear message
        raise StoreError(redact_text(f"cannot open the database {url}: {exc}")) from exc


def _frame(table: views.Table, columns: list[str] | None = None) -> pd.DataFrame:
    names, rows = table
    return pd.DataFrame(rows, columns=columns or names)


# --- overview --------------------------------------------------------------------------


@st.cache_data(ttl=TTL_LIVE, show_spinner=False)
def latest_run(url: str) -> dict[str, Any] | None:
    """The newest successful analysis run: ``store.runs.latest_run`` (as_of, then id)."""
    if not store_ready(url):
        return None
    return _latest_run(store(url))


@st.cache_data(ttl=TTL_HEALTH, show_spinner=False)
def store_counts(url: str) -> dict[str, int]:
    if not store_ready(url):
        return {"sources": 0, "items": 0, "runs": 0}
    return views.store_counts(store(url))


@st.cache_data(ttl=TTL_RUN, show_spinner=False)
def run_profiles(url: str, run_id: int) -> list[str]:
    return views.run_profiles(store(url), run_id)


@st.cache_data(ttl=TTL_RUN, show_spinner=False)
def run_platforms(url: str, run_id: int) -> list[str]:
    return views.run_platforms(store(url), run_id)


@st.cache_data(ttl=TTL_RUN, show_spinner=False)
def opportunities_for(url: str, run_id: int, profile: str | None) -> pd.DataFrame:
    """One row per topic × product of the run, with the topic's snapshot at that run."""
    return _frame(views.opportunities_with_snapshots(store(url), run_id, profile))


@st.cache_data(ttl=TTL_RUN, show_spinner=False)
def snapshot_history(url: str, topic_ids: tuple[int, ...], run_id: int) -> pd.DataFrame:
    """Snapshots of these topics up to ``run_id`` (sparklines, score parts over time)."""
    return _frame(views.snapshot_series(store(url), topic_ids, run_id=run_id))


@st.cache_data(ttl=TTL_RUN, show_spinner=False)
def topic_activity(url: str, run_id: int, topic_ids: tuple[int, ...], start: datetime,
                   end: datetime) -> pd.DataFrame:
    """Items and distinct sources per 6-hour bin of the window, per topic (the cards' sparklines)."""
    return pd.DataFrame(views.topic_activity(store(url), run_id, topic_ids, start, end),
                        columns=["topic_id", "bin_start", "items", "sources"])


LINK_COLUMNS = ["topic_id", "title", "text", "url", "outlet", "platform", "published_at", "story_id",
                "item_id"]


@st.cache_data(ttl=TTL_RUN, show_spinner=False)
def top_links(url: str, run_id: int, topic_ids: tuple[int, ...], per_topic: int = 3) -> pd.DataFrame:
    """The best links per topic: stories carried by most outlets first, one link per story."""
    rows = views.topic_links(store(url), run_id, topic_ids)
    frame = pd.DataFrame([{k: r[k] for k in LINK_COLUMNS + ["story_outlets"]} for r in rows],
                         columns=LINK_COLUMNS + ["story_outlets"])
    if frame.empty:
        return frame
    frame["story_outlets"] = frame["story_outlets"].astype(int)
    frame["story_key"] = frame["story_id"].fillna(frame["item_id"]).astype(str)
    frame = frame.sort_values(["topic_id", "story_outlets", "published_at"],
                              ascending=[True, False, False])
    frame = frame.drop_duplicates(["topic_id", "story_key"])
    return frame.groupby("topic_id").head(per_topic).drop(columns=["story_key"])


# --- topics ----------------------------------------------------------------------------


@st.cache_data(ttl=TTL_LIVE * 4, show_spinner=False)
def topics_table(url: str) -> pd.DataFrame:
    """Every topic with its latest snapshot (the run it was last seen in)."""
    return _frame(views.topics_table(store(url)))


@st.cache_data(ttl=TTL_LIVE * 4, show_spinner=False)
def topic(url: str, topic_id: int) -> dict[str, Any] | None:
    return views.topic(store(url), topic_id)


@st.cache_data(ttl=TTL_LIVE * 4, show_spinner=False)
def topic_lineage_rows(url: str, topic_id: int) -> pd.DataFrame:
    """Lineage rows touching the topic, with both labels and when it happened."""
    return _frame(views.topic_lineage_rows(store(url), topic_id))


@st.cache_data(ttl=TTL_RUN, show_spinner=False)
def topic_items(url: str, topic_id: int, run_id: int) -> pd.DataFrame:
    """The topic's items at ``run_id`` with their source, newest first."""
    return _frame(views.topic_items(store(url), topic_id, run_id))


@st.cache_data(ttl=TTL_RUN, show_spinner=False)
def story_outlets(url: str, story_ids: tuple[int, ...]) -> pd.DataFrame:
    """Every outlet that carried one of these stories (wire copies included)."""
    return _frame(views.story_outlets(store(url), story_ids))


# --- ideas and feedback ----------------------------------------------------------------


@st.cache_data(ttl=TTL_LIVE * 4, show_spinner=False)
def ideas_for(url: str, profile: str | None, run_id: int) -> pd.DataFrame:
    """Ideas of the newest run (≤ run_id) that has ideas for the profile, best topics first."""
    return _frame(views.ideas_of_run(store(url), profile, run_id))


@st.cache_data(ttl=TTL_LIVE, show_spinner=False)
def feedback_rows(url: str, profile: str | None) -> pd.DataFrame:
    return _frame(views.feedback_rows(store(url), profile))


@st.cache_data(ttl=TTL_LIVE, show_spinner=False)
def muted_topics(url: str, profile: str | None) -> set[int]:
    """Topics muted for the profile: the same store question the briefing asks."""
    return views.muted_topics(store(url), profile)


def write_feedback(url: str, *, topic_id: int, profile: str | None, verdict: str,
                   idea_id: int | None = None, now: datetime | None = None,
                   note: str | None = None) -> None:
    """Record a verdict (ranking reads it next run); an idea's own verdict goes on its row
    too. Same checks and store write as `trendwatch feedback`: a known verdict, no mute on
    an idea, an existing topic and idea of that topic (``store.opportunities.add_feedback``)."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}; expected one of {VERDICTS}")
    if idea_id is not None and verdict == "mute":
        raise ValueError("mute applies to a topic; use useful or not_useful for an idea")
    now = now or datetime.now(UTC)
    with store(url).begin() as conn:
        add_feedback(conn, topic_id, verdict, profile=profile, idea_id=idea_id, now=now, note=note)
    feedback_rows.clear()
    muted_topics.clear()
    ideas_for.clear()


# --- service ---------------------------------------------------------------------------


@st.cache_data(ttl=TTL_LIVE, show_spinner=False)
def job_rows(url: str) -> pd.DataFrame:
    if not store_ready(url):
        return pd.DataFrame(columns=views.JOB_COLUMNS)
    return _frame(views.job_table(store(url)))


WORKER_COLUMNS = ["id", "host", "pid", "status", "started_at", "heartbeat_at", "holding",
                  "sources_claimed", "jobs_claimed"]


@st.cache_data(ttl=TTL_LIVE, show_spinner=False)
def worker_rows(url: str) -> pd.DataFrame:
    """Every worker that ran on the store (``serve`` on PostgreSQL and each ``worker``), with
    what it holds now; empty on a store only ever served by one SQLite ``serve``."""
    if not store_ready(url):
        return pd.DataFrame(columns=WORKER_COLUMNS)
    rows = worker_store.list_workers(store(url))
    for row in rows:
        row["jobs_claimed"] = ", ".join(row["jobs_claimed"])
    return pd.DataFrame(rows, columns=WORKER_COLUMNS)


def request_refresh(url: str, now: datetime | None = None, *, user: SessionUser | None) -> None:
    """Ask the service for a cycle now: jobs[refresh].next_run_at = now (the service polls it)."""
    require_admin(url, user, "request a refresh")
    job_store.request_refresh(store(url), now or datetime.now(UTC))
    job_rows.clear()


def ask_refresh(url: str, now: datetime, every: timedelta, *,
                user: SessionUser | None) -> job_store.RefreshAnswer:
    """The button's request, admins only, rate-limited across users (store.jobs.ask_refresh)."""
    require_admin(url, user, "request a refresh")
    answer = job_store.ask_refresh(store(url), now, every)
    job_rows.clear()
    return answer


# --- shifts ----------------------------------------------------------------------------


@st.cache_data(ttl=600, show_spinner=False)
def topic_volumes(url: str, since: datetime) -> pd.DataFrame:
    """(topic_id, published_at) per item published since ``since``, by its newest assignment."""
    return _frame(views.topic_volumes(store(url), since), ["topic_id", "published_at", "platform"])


# --- sources ---------------------------------------------------------------------------


@st.cache_data(ttl=TTL_HEALTH, show_spinner=False)
def source_health(url: str, now: datetime) -> pd.DataFrame:
    """Stored source state plus item counts, with the status word of present/status."""
    if not store_ready(url):
        return pd.DataFrame()
    rows = _source_health(store(url), now)
    return pd.DataFrame([{**r, "status": source_status(r)} for r in rows])


@st.cache_data(ttl=TTL_HEALTH, show_spinner=False)
def trend_series(url: str, since: datetime) -> pd.DataFrame:
    return _frame(views.trend_series(store(url), since))


def minute_now() -> datetime:
    """Now, rounded down to the minute, so loaders keyed by time still hit the cache."""
    return datetime.now(UTC).replace(second=0, microsecond=0)


def day_floor(when: datetime, days: int) -> datetime:
    return (when - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)


def environment() -> dict[str, str | None]:
    from trendwatch.config.env import CONFIG_ENV, DATABASE_ENV

    return {CONFIG_ENV: os.environ.get(CONFIG_ENV), DATABASE_ENV: os.environ.get(DATABASE_ENV)}


# --- sign-in and roles ------------------------------------------------------------------


def auth_mode() -> str:
    """[dashboard] auth of the config. A config that does not validate still names its
    mode when it parses: a typo elsewhere must not open a door that was locked."""
    settings_, _ = settings()
    if settings_ is not None:
        return settings_.dashboard.auth
    try:
        raw = tomllib.loads(config_path().read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return "none"  # no config yet (first run): nothing to protect but the editor
    except tomllib.TOMLDecodeError:
        return "password"  # unreadable: stay closed; the server's file must be fixed there
    mode = raw.get("dashboard", {}).get("auth", "none") if isinstance(raw.get("dashboard"),
                                                                        dict) else "none"
    return mode.strip().lower() if isinstance(mode, str) else "password"


@st.cache_resource(show_spinner=False)
def sign_in_throttle() -> SignInThrottle:
    """One per dashboard server: every session's failed sign-ins count together."""
    return SignInThrottle()


@dataclass(frozen=True)
class SignInAnswer:
    user: SessionUser | None
    wait: timedelta = timedelta(0)  # > 0: too many failures for this name, try again after


def sign_in(url: str, name: str, password: str, now: datetime) -> SignInAnswer:
    """Check a name and password against the users table, throttled per name.

    A wrong password and an unknown name get the same answer in about the same time."""
    throttle = sign_in_throttle()
    wait = throttle.wait_left(name, now)
    if wait > timedelta(0):
        return SignInAnswer(None, wait)
    found = user_rows.verify(store(url), name, password, now)
    if found is None:
        throttle.failed(name, now)
        return SignInAnswer(None, throttle.wait_left(name, now))
    throttle.succeeded(name)
    return SignInAnswer(SessionUser(found["name"], found["role"], "password"))


def current_role(url: str, user: SessionUser) -> str | None:
    """The user's role now (None: no longer a user): the table or [dashboard] admins may
    have changed since they signed in."""
    if user.via == "password":
        row = user_rows.get_user(store(url), user.name)
        return row["role"] if row else None
    if user.via == "oidc":  # name is the verified e-mail the role was given for
        settings_, _ = settings()
        if settings_ is None or settings_.dashboard.auth != "oidc":
            return None
        admins = settings_.dashboard.admins
        return ADMIN if user.is_admin and user.name.strip().lower() in admins else VIEWER
    return user.role if auth_mode() == "none" else None  # the local user needs auth = none


def require_admin(url: str, user: SessionUser | None, action: str) -> None:
    if user is None or not user.is_admin:
        raise AccessDenied(f"only an admin can {action}; you are signed in as a viewer")
    if current_role(url, user) != ADMIN:
        raise AccessDenied(f"{user.name} is no longer an admin here; sign in again")


# --- config file -------------------------------------------------------------------------


def read_config_text(path: Path) -> tuple[str, int | None]:
    """The config file's text and its mtime (None when it does not exist yet)."""
    try:
        return path.read_text(encoding="utf-8"), path.stat().st_mtime_ns
    except FileNotFoundError:
        return "", None


def save_config(path: Path, text: str, expected_mtime: int | None, *,
                user: SessionUser | None, password: str | None = None,
                now: datetime | None = None) -> None:
    """Replace the config atomically, only if valid and unchanged on disk since it was read,
    and only for an admin; a risky change (``guard.decide_save``) also needs ``password``,
    checked against the users table like a sign-in (throttled per name).

    Written to a temporary file in the same folder, fsynced, then ``os.replace``d: a
    crash leaves either the old or the new file, never half of one.
    """
    import tempfile

    from trendwatch.config.check import check_text

    url = database_url()
    require_admin(url, user, "save settings")
    check = check_text(text, path)
    if not check.ok:
        raise ConfigError("refusing to save an invalid config:\n" + "\n".join(check.lines))
    on_disk, _ = read_config_text(path)  # what the file says now, not what the page loaded
    decision = decide_save(*risky_changes(on_disk, text), user)
    if decision.action == REFUSE:
        raise AccessDenied(decision.reason)
    if decision.action == REENTER:
        if not password:
            raise ReauthRequired(decision.reason)
        answer = sign_in(url, user.name, password, now or datetime.now(UTC))
        if answer.user is None or answer.user.name != user.name:
            wait = (f" (too many tries: wait {int(answer.wait.total_seconds())} s)"
                    if answer.wait > timedelta(0) else "")
            raise ReauthRequired(f"the password did not match{wait}; nothing was saved")
    current = path.stat().st_mtime_ns if path.exists() else None
    if current != expected_mtime:
        raise ConfigError(f"{path} changed on disk since it was loaded; reload it and "
                          "apply your edits again")
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _settings_at.clear()


# --- the customer-care inbox -----------------------------------------------------------------
# Handles and links of the people who wrote are personal data: pages show them only through
# ``may_see_people`` (a signed-in user, or the loopback-only local user when there is no
# sign-in). Every write names the user in the message's history.

def may_see_people(user: SessionUser | None) -> bool:
    """Whether this session may see handles and links of inbound messages."""
    if user is None:
        return False
    if auth_mode() == "none":
        return user.via == "local"     # the door lets the local user in on loopback only
    return user.via in ("password", "oidc")


@st.cache_data(ttl=TTL_LIVE, show_spinner=False)
def inbox_queue(url: str, now: datetime, status: str | None = None, category: str | None = None,
                include_done: bool = False) -> list[dict[str, Any]]:
    """The queue, soonest due first (store.inbox.list_messages)."""
    if not store_ready(url):
        return []
    return inbox_rows.list_messages(store(url), now, status=status, category=category,
                                    include_done=include_done)


@st.cache_data(ttl=TTL_LIVE, show_spinner=False)
def inbox_message(url: str, message_id: int, now: datetime) -> dict[str, Any]:
    return inbox_rows.get_message(store(url), message_id, now)


@st.cache_data(ttl=TTL_LIVE, show_spinner=False)
def inbox_incidents(url: str) -> list[dict[str, Any]]:
    if not store_ready(url):
        return []
    return inbox_rows.list_incidents(store(url))


@st.cache_data(ttl=TTL_LIVE, show_spinner=False)
def inbox_summary(url: str, now: datetime, since: datetime) -> dict[str, Any]:
    if not store_ready(url):
        return inbox_rows.summary_empty()
    return inbox_rows.summary(store(url), now, since)


INBOX_ACTIONS = ("assign", "note", "waiting", "answered", "closed")


def inbox_act(url: str, message_id: int, action: str, *, user: SessionUser | None,
              value: str | None = None, now: datetime | None = None) -> dict[str, Any] | int:
    """Work a message: assign (``value`` = name), note (``value`` = text), or move it to
    waiting/answered/closed. Any signed-in user may (it is the team's daily work); the
    history names them."""
    if user is None:
        raise AccessDenied("sign in to work the inbox")
    if action not in INBOX_ACTIONS:
        raise ValueError(f"unknown inbox action {action!r}; expected one of {INBOX_ACTIONS}")
    now = now or datetime.now(UTC)
    if action == "assign":
        done: dict[str, Any] | int = inbox_rows.assign(store(url), message_id, value or user.name,
                                                       actor=user.name, now=now)
    elif action == "note":
        done = inbox_rows.add_note(store(url), message_id, value or "", actor=user.name, now=now)
    else:
        done = inbox_rows.transition(store(url), message_id, action, actor=user.name, now=now)
    for loader in (inbox_queue, inbox_message, inbox_incidents, inbox_summary):
        loader.clear()
    return done
