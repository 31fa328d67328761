"""Shared page furniture: the sidebar context, safe feed text, badges, feedback buttons."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import streamlit as st
from babel.dates import format_timedelta
from babel.numbers import format_decimal

from dashboard import data, door
from dashboard.lang import N_, _, current, redraw_if_changed
from trendwatch.briefing.words import status_name
from trendwatch.errors import AccessDenied
from trendwatch.present import escape as safe
from trendwatch.present import i18n
from trendwatch.present.formats import ago as relative_ago
from trendwatch.present.palette import SIGNAL_BADGE, STATUS_ICON, badge_color
from trendwatch.present.redact import redact_text, redact_url

# option values stay English (tests and session_state use them); shown through _()
WINDOWS = {N_("24 hours"): timedelta(hours=24), N_("3 days"): timedelta(days=3),
           N_("7 days"): timedelta(days=7), N_("30 days"): timedelta(days=30)}
ALL = N_("All")


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
        st.sidebar.error(_("Cannot read the store: %(error)s") % {"error": redact_text(str(exc))})
        st.session_state["ctx"] = ctx
        return ctx

    profile = product = platform = None
    sidebar = st.sidebar
    if run is not None:
        settings, _error = data.settings()
        configured = [p.name for p in settings.all_profiles()] if settings else []
        stored = data.run_profiles(url, run["id"])
        names = list(dict.fromkeys([n for n in configured if n in stored] + stored)) or configured
        if names:
            profile = sidebar.selectbox(_("Profile"), names, key="profile",
                                        disabled=len(names) == 1)
            redraw_if_changed()
        opps = data.opportunities_for(url, run["id"], profile)
        products = sorted(opps["product"].unique()) if len(opps) else []
        choice = sidebar.selectbox(_("Product"), [ALL, *products], key="product",
                                  format_func=_all_or_name)
        product = None if choice == ALL else choice
        platforms = data.run_platforms(url, run["id"])
        choice = sidebar.selectbox(_("Platform"), [ALL, *platforms], key="platform",
                                  format_func=_all_or_name)
        platform = None if choice == ALL else choice
    window_name = sidebar.selectbox(_("Time window"), list(WINDOWS), index=2, key="window",
                                   format_func=_)
    show_muted = sidebar.toggle(_("Show muted topics"), key="show_muted")
    _service_box(url, run)
    ctx = Context(url, run, profile, product, platform, WINDOWS[window_name], show_muted)
    st.session_state["ctx"] = ctx
    return ctx


def _all_or_name(option: str) -> str:
    return _(ALL) if option == ALL else option


def context() -> Context:
    ctx = st.session_state.get("ctx")
    door.gate()  # a page run on its own (tests) is behind the door too
    if ctx is None:  # a page run on its own (tests); the app normally sets it first
        ctx = build_context()
    return ctx


def require_store(ctx: Context, *, allow_empty: bool = False) -> None:
    """Stop the page with a clear message when the store is unreadable (or not created yet)."""
    if ctx.error:
        st.error(_("Cannot read the store at %(url)s: %(error)s. Check the database URL on the "
                   "Settings page.") % {"url": safe.md(redact_url(ctx.url)),
                                        "error": safe.md(redact_text(ctx.error))})
        st.stop()
    if not allow_empty and not data.store_ready(ctx.url):
        st.info(_("There is no trendwatch store at %(url)s yet. Run `trendwatch init` and "
                  "`trendwatch collect` (the *Today* page walks you through it).")
                % {"url": safe.md(redact_url(ctx.url))})
        st.stop()


def _service_box(url: str, run: dict[str, Any] | None) -> None:
    box = st.sidebar.container(border=True)
    now = datetime.now(UTC)
    if run:
        box.caption(_("Latest analysis: run %(run)s, as of %(time)s (%(ago)s)")
                    % {"run": run["id"], "time": fmt_time(run["as_of"]), "ago": ago(run["as_of"], now)})
    else:
        box.caption(_("No analysis run yet."))
    jobs = data.job_rows(url)
    pending = jobs[(jobs["name"] == data.REFRESH_JOB)] if len(jobs) else jobs
    if len(pending) and _is_set(pending.iloc[0]["next_run_at"]):
        box.caption(_("Refresh requested %(ago)s; the service picks it up on its next tick.")
                    % {"ago": ago(pending.iloc[0]["next_run_at"], now)})
    user = door.gate()
    if box.button(_("Refresh now"), key="refresh_now", icon=":material/refresh:",
                  help=_("Ask the running service (`trendwatch serve`) to collect and analyse now")
                  if user.is_admin else
                  _("Ask the running service (`trendwatch serve`) to collect and analyse now "
                    "(admins only)"),
                  disabled=not data.store_ready(url) or not user.is_admin):
        settings, _error = data.settings()
        every = settings.dashboard.refresh_every if settings else timedelta(minutes=5)
        try:
            answer = data.ask_refresh(url, now, every, user=user)
        except AccessDenied as exc:
            box.warning(_("Not requested: %(reason)s.") % {"reason": safe.md(exc)})
            return
        if answer.accepted:
            st.toast(_("Refresh requested: the service will collect and analyse shortly."))
        elif answer.pending:
            box.caption(_("A refresh is already requested; the service picks it up on its "
                          "next tick."))
        else:
            box.warning(_("Refresh was run recently: the next one is allowed %(ago)s (%(time)s).")
                        % {"ago": ago(answer.next_allowed_at, now),
                           "time": fmt_time(answer.next_allowed_at)})


# --- formatting --------------------------------------------------------------------------


def _is_set(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) \
        and str(value) != "NaT"


def fmt_time(when: Any) -> str:
    """Day and time in UTC, in the reader's locale (Babel)."""
    if not _is_set(when):
        return "–"
    return f"{i18n.short_datetime(when, current(), UTC)} UTC"


def ago(when: Any, now: datetime | None = None) -> str:
    """"5m ago" in English; Babel's relative time ("قبل 5 دقائق", "vor 5 Minuten") otherwise."""
    language = current()
    if language == i18n.SOURCE_LANGUAGE:
        return relative_ago(when if _is_set(when) else None, now)
    if not _is_set(when):
        return _("never")
    delta = when - (now or datetime.now(UTC))
    return format_timedelta(delta, add_direction=True, format="long", locale=language)


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
    return i18n.signed_percent(float(value), current())


def fmt_number(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format_decimal(value, format="#,##0." + "0" * digits if digits else "#,##0",
                          locale=current())


def fmt_count(value: Any) -> str:
    return i18n.number(int(value), current())


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


def signal_name(signal: str) -> str:
    names = {"strong": _("strong signal"), "weak": _("weak signal"), "noise": _("noise signal")}
    return names.get(signal, f"{signal} signal")


def status_badges(status: str | None, signal: str | None = None, container: Any = None) -> None:
    target = container or st
    if status:
        target.badge(status_name(status, current()), icon=STATUS_ICON.get(status),
                     color=badge_color(status))
    if signal:
        target.badge(signal_name(signal), color=SIGNAL_BADGE.get(signal, "gray"))


def feedback_buttons(ctx: Context, topic_id: int, *, idea_id: int | None = None,
                     key: str, current: str | None = None) -> None:
    """useful / not useful / mute topic: each click writes one feedback row."""
    labels = {"useful": (_("Useful"), ":material/thumb_up:"),
              "not_useful": (_("Not useful"), ":material/thumb_down:"),
              "mute": (_("Mute topic"), ":material/volume_off:")}
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
    st.toast(_("Topic muted: it will not be suggested again.") if verdict == "mute"
             else _("Thanks, marked %(verdict)s.") % {"verdict": label.lower()})


def open_topic(topic_id: int) -> None:
    st.session_state["topic_id"] = int(topic_id)
    st.switch_page("views/topics.py")
