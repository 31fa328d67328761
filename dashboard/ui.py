"""Shared page furniture: the sidebar context, safe feed text, badges, feedback buttons."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import streamlit as st

from dashboard import data, door
from trendwatch.errors import AccessDenied
from trendwatch.present import escape as safe
from trendwatch.present.formats import ago as relative_ago
from trendwatch.present.palette import SIGNAL_BADGE, STATUS_ICON, badge_color
from trendwatch.present.redact import redact_text, redact_url

WINDOWS = {"24 hours": timedelta(hours=24), "3 days": timedelta(days=3),
           "7 days": timedelta(days=7), "30 days": timedelta(days=30)}
ALL = "All"


@dataclass(frozen=True)
class Context:
    """What every page needs, rebuilt on each rerun from the sidebar's session_state."""

    url: str
    run: dict[str, Any] | None
    profile: str | None
    product: str | None
    platform: str | None
    window: timedelta
    show_muted: bool
    error: str | None = None

    @property
    def run_id(self) -> int | None:
        return self.run["id"] if self.run else None

    @property
    def as_of(self) -> datetime:
        return self.run["as_of"] if self.run else datetime.now(UTC)


def build_context() -> Context:
    """Draw the sidebar filters and return the context (stored for the page in session_state)."""
    url = data.database_url()
    try:
        run = data.latest_run(url)
    except Exception as exc:  # a broken URL must still leave Settings usable
        ctx = Context(url, None, None, None, None, WINDOWS["7 days"], False, error=redact_text(str(exc)))
        st.sidebar.error(f"Cannot read the store: {redact_text(str(exc))}")
        st.session_state["ctx"] = ctx
        return ctx

    profile = product = platform = None
    sidebar = st.sidebar
    if run is not None:
        settings, _ = data.settings()
        configured = [p.name for p in settings.all_profiles()] if settings else []
        stored = data.run_profiles(url, run["id"])
        names = list(dict.fromkeys([n for n in configured if n in stored] + stored)) or configured
        if names:
            profile = sidebar.selectbox("Profile", names, key="profile",
                                        disabled=len(names) == 1)
        opps = data.opportunities_for(url, run["id"], profile)
        products = sorted(opps["product"].unique()) if len(opps) else []
        choice = sidebar.selectbox("Product", [ALL, *products], key="product")
        product = None if choice == ALL else choice
        platforms = data.run_platforms(url, run["id"])
        choice = sidebar.selectbox("Platform", [ALL, *platforms], key="platform")
        platform = None if choice == ALL else choice
    window_name = sidebar.selectbox("Time window", list(WINDOWS), index=2, key="window")
    show_muted = sidebar.toggle("Show muted topics", key="show_muted")
    _service_box(url, run)
    ctx = Context(url, run, profile, product, platform, WINDOWS[window_name], show_muted)
    st.session_state["ctx"] = ctx
    return ctx


def context() -> Context:
    ctx = st.session_state.get("ctx")
    door.gate()  # a page run on its own (tests) is behind the door too
    if ctx is None:  # a page run on its own (tests); the app normally sets it first
        ctx = build_context()
    return ctx


def require_store(ctx: Context, *, allow_empty: bool = False) -> None:
    """Stop the page with a clear message when the store is unreadable (or not created yet)."""
    if ctx.error:
        st.error(f"Cannot read the store at {safe.md(redact_url(ctx.url))}: {safe.md(redact_text(ctx.error))}. "
                 "Check the database URL on the Settings page.")
        st.stop()
    if not allow_empty and not data.store_ready(ctx.url):
        st.info(f"There is no trendwatch store at {safe.md(redact_url(ctx.url))} yet. Run `trendwatch init` "
                "and `trendwatch collect` (the *Today* page walks you through it).")
        st.stop()


def _service_box(url: str, run: dict[str, Any] | None) -> None:
    box = st.sidebar.container(border=True)
    now = datetime.now(UTC)
    if run:
        box.caption(f"Latest analysis: run {run['id']}, as of {fmt_time(run['as_of'])} "
                    f"({ago(run['as_of'], now)})")
    else:
        box.caption("No analysis run yet.")
    jobs = data.job_rows(url)
    pending = jobs[(jobs["name"] == data.REFRESH_JOB)] if len(jobs) else jobs
    if len(pending) and _is_set(pending.iloc[0]["next_run_at"]):
        box.caption(f"Refresh requested {ago(pending.iloc[0]['next_run_at'], now)}; the service "
                    "picks it up on its next tick.")
    user = door.gate()
    if box.button("Refresh now", key="refresh_now", icon=":material/refresh:",
                  help="Ask the running service (`trendwatch serve`) to collect and analyse now"
                  + ("" if user.is_admin else " (admins only)"),
                  disabled=not data.store_ready(url) or not user.is_admin):
        settings, _ = data.settings()
        every = settings.dashboard.refresh_every if settings else timedelta(minutes=5)
        try:
            answer = data.ask_refresh(url, now, every, user=user)
        except AccessDenied as exc:
            box.warning(f"Not requested: {safe.md(exc)}.")
            return
        if answer.accepted:
            st.toast("Refresh requested: the service will collect and analyse shortly.")
        elif answer.pending:
            box.caption("A refresh is already requested; the service picks it up on its next "
                        "tick.")
        else:
            box.warning(f"Refresh was run recently: the next one is allowed "
                        f"{ago(answer.next_allowed_at, now)} ({fmt_time(answer.next_allowed_at)}).")


# --- formatting --------------------------------------------------------------------------


def _is_set(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) \
        and str(value) != "NaT"


def fmt_time(when: Any) -> str:
    if not _is_set(when):
        return "–"
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def ago(when: Any, now: datetime | None = None) -> str:
    return relative_ago(when if _is_set(when) else None, now)


def fmt_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    parts = []
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m"), (1, "s")):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


def fmt_growth(value: Any) -> str:
    """Growth is stored as relative change (0.5 = +50 %); missing means no earlier data."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:+.0%}"


def fmt_number(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}"


def keyword_texts(values: Any) -> list[str]:
    """Keywords are stored as strings or [term, weight] pairs or {term: …} dicts."""
    out = []
    for value in values or []:
        if isinstance(value, (list, tuple)) and value:
            value = value[0]
        elif isinstance(value, dict):
            value = value.get("term") or value.get("text") or value.get("keyword")
        if value:
            out.append(str(value))
    return out


# --- safe rendering ----------------------------------------------------------------------


def feed_text(text: Any, *, size: str | None = None, bold: bool = False,
              max_len: int | None = None, container: Any = None) -> None:
    """Feed text with its own direction, HTML-escaped (see dashboard.safe)."""
    style = ""
    if size:
        style += f"font-size:{size};"
    if bold:
        style += "font-weight:600;"
    (container or st).markdown(safe.block(text, style=style, max_len=max_len),
                               unsafe_allow_html=True)


def status_badges(status: str | None, signal: str | None = None, container: Any = None) -> None:
    target = container or st
    if status:
        target.badge(status, icon=STATUS_ICON.get(status), color=badge_color(status))
    if signal:
        target.badge(f"{signal} signal", color=SIGNAL_BADGE.get(signal, "gray"))


def feedback_buttons(ctx: Context, topic_id: int, *, idea_id: int | None = None,
                     key: str, current: str | None = None) -> None:
    """useful / not useful / mute topic: each click writes one feedback row."""
    labels = {"useful": ("Useful", ":material/thumb_up:"),
              "not_useful": ("Not useful", ":material/thumb_down:"),
              "mute": ("Mute topic", ":material/volume_off:")}
    cols = st.columns(3)
    for col, (verdict, (label, icon)) in zip(cols, labels.items()):
        # a callback runs before the next script run, so the page already shows the result
        col.button(label, key=f"{key}_{verdict}", icon=icon,
                   type="primary" if current == verdict else "secondary", width="stretch",
                   on_click=_record_feedback,
                   args=(ctx.url, topic_id, ctx.profile, verdict, idea_id, label))


def _record_feedback(url: str, topic_id: int, profile: str | None, verdict: str,
                     idea_id: int | None, label: str) -> None:
    data.write_feedback(url, topic_id=topic_id, profile=profile, verdict=verdict, idea_id=idea_id)
    st.toast("Topic muted: it will not be suggested again." if verdict == "mute"
             else f"Thanks, marked {label.lower()}.")


def open_topic(topic_id: int) -> None:
    st.session_state["topic_id"] = int(topic_id)
    st.switch_page("views/topics.py")
