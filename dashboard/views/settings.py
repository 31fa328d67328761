"""Settings: the active profile and files, and a safe editor for feeds.toml."""

from __future__ import annotations

import streamlit as st

from dashboard import data, door, ui
from dashboard.guard import REENTER, REFUSE, decide_save, risky_changes
from dashboard.lang import _, feed
from trendwatch.config.check import check_text
from trendwatch.errors import AccessDenied, ConfigError, ReauthRequired
from trendwatch.present import escape as safe
from trendwatch.present.redact import redact_text
from trendwatch.service.reload import CONFIG_CHECK, CONFIG_JOB
from trendwatch.store import views


def _hide_password(url: str) -> str:
    return views.display_url(url)


def render() -> None:
    ctx = ui.context()
    user = door.gate()
    st.title(_("Settings"))
    path = data.config_path()
    settings, error = data.settings()
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(_("**Config file:** %(path)s") % {"path": safe.md(path.resolve())})
        st.markdown(_("**Database:** %(url)s") % {"url": safe.md(_hide_password(ctx.url))})
        env = data.environment()
        is_set, not_set = _("set"), _("not set")
        st.caption(" · ".join(f"{k}={is_set if v else not_set}" for k, v in env.items()))
    with c2:
        if settings is not None:
            profile = settings.profile(ctx.profile) if ctx.profile and ctx.profile in [
                p.name for p in settings.all_profiles()] else settings.profile()
            st.markdown(_("**Active profile:** %(profile)s") % {"profile": feed(profile.name)})
            st.markdown(_("**Products:** %(products)s") % {
                "products": feed(", ".join(p.name for p in profile.products)) or _("none yet")})
            st.markdown(_("**Sources:** %(sources)s · **Analysis window:** %(window)s · "
                          "**Briefing at** %(at)s %(timezone)s") % {
                "sources": ui.fmt_count(len(settings.sources)),
                "window": ui.fmt_duration(settings.analysis.window),
                "at": safe.md(settings.briefing.at), "timezone": safe.md(settings.briefing.timezone)})
        elif error:
            st.warning(_("The config file cannot be used; the editor below shows why."))

    st.header(_("Edit feeds.toml"))
    text, mtime = data.read_config_text(path)
    if mtime is None:
        st.info(_("%(path)s does not exist yet: `trendwatch init` writes a starter file, or "
                  "paste one below and save it.") % {"path": safe.md(path)})
    if st.session_state.get("config_loaded_mtime") != mtime:  # file changed: reload the editor
        st.session_state["config_text"] = text
        st.session_state["config_loaded_mtime"] = mtime
    edited = st.text_area(_("Edit a copy; nothing changes on disk until you save a valid version"),
                          key="config_text", height=420)
    c1, c2, _spare = st.columns([1, 1, 3])
    validate = c1.button(_("Validate"), key="config_validate", icon=":material/fact_check:",
                         type="primary")
    save = c2.button(_("Save"), key="config_save", icon=":material/save:",
                     disabled=not user.is_admin,
                     help=None if user.is_admin else _("Only an admin can save settings"))
    if not user.is_admin:
        st.caption(_("You are a viewer: you can read and validate the settings; only an admin "
                     "can save them."))
    if validate or save:
        check = check_text(edited, path)
        st.session_state["config_check"] = (edited, check.ok, check.lines)
    last = st.session_state.get("config_check")
    if last and last[0] == edited:
        _text, ok, lines = last
        (st.success if ok else st.error)(
            _("Valid — same report as `trendwatch check-config`:") if ok else
            _("Invalid — same report as `trendwatch check-config`:"))
        st.code("\n".join(lines), language=None)
        if save and ok:
            decision = decide_save(*risky_changes(text, edited), user)
            if decision.action == REFUSE:
                st.error(_("Not saved: %(reason)s") % {"reason": safe.md(decision.reason)})
            elif decision.action == REENTER:
                st.session_state["config_reenter"] = edited
            else:
                _save(path, edited, user)
        elif save:
            st.warning(_("Not saved: fix the problems above first. The file on disk is unchanged."))
    pending = st.session_state.get("config_reenter")
    if pending is not None and pending != edited:  # edited since: that change is no longer asked
        st.session_state.pop("config_reenter", None)
    elif pending is not None:
        _reenter(path, text, edited, user)
    if st.session_state.pop("config_saved", False):
        st.success(_("Saved %(path)s. The CLI uses it from its next command; the running "
                     "service (`trendwatch serve` / `run`) picks this up within %(seconds)s "
                     "seconds (a changed database or dashboard address needs a restart).")
                   % {"path": safe.md(path), "seconds": int(CONFIG_CHECK.total_seconds())})
    _reload_status(ctx.url)


def _reload_status(url: str) -> None:
    """What the running service made of the file when it last loaded it (jobs row "config")."""
    try:
        jobs = data.job_rows(url)
    except Exception as exc:  # a store that cannot be opened is reported once, on every page
        st.caption(_("The service's reload status cannot be read: %(error)s")
                   % {"error": safe.md(redact_text(str(exc)))})
        return
    rows = jobs[jobs["name"] == CONFIG_JOB] if len(jobs) else jobs
    if not len(rows):
        st.caption(_("No running service has loaded this file yet."))
        return
    row = rows.iloc[0]
    when = ui.ago(row["last_finished_at"])
    note = row["last_error"] if isinstance(row["last_error"], str) else ""
    if row["last_status"] == "failed":
        st.error(_("The running service could not reload this file (%(ago)s) and keeps its "
                   "previous settings: %(error)s") % {"ago": safe.md(when), "error": safe.md(note)})
    else:
        st.caption(_("The running service last loaded this file %(ago)s") % {"ago": safe.md(when)}
                   + (f" — {safe.md(note)}" if note else "."))


def _save(path, text: str, user, password: str | None = None) -> bool:
    try:
        data.save_config(path, text, st.session_state.get("config_loaded_mtime"), user=user,
                         password=password)
    except ReauthRequired as exc:
        st.error(_("Not saved: %(reason)s") % {"reason": safe.md(exc)})
        return False
    except (AccessDenied, ConfigError, OSError) as exc:
        st.error(_("Not saved: %(reason)s") % {"reason": safe.md(exc)})
        st.session_state.pop("config_reenter", None)
        return False
    st.session_state.pop("config_reenter", None)
    st.session_state["config_saved"] = True
    st.session_state.pop("config_loaded_mtime", None)
    st.rerun()
    return True


def _reenter(path, on_disk: str, edited: str, user) -> None:
    """A risky change waits here for the admin's password (checked like a sign-in)."""
    decision = decide_save(*risky_changes(on_disk, edited), user)
    st.warning(safe.md(decision.reason[:1].upper() + decision.reason[1:]))
    with st.form("config_reenter_form", clear_on_submit=True):
        password = st.text_input(_("Password of %(name)s") % {"name": user.name}, type="password",
                                 key="config_reenter_password",
                                 autocomplete="current-password")
        c1, c2, _spare = st.columns([1, 1, 3])
        confirm = c1.form_submit_button(_("Confirm and save"), key="config_reenter_confirm",
                                        type="primary")
        cancel = c2.form_submit_button(_("Cancel"), key="config_reenter_cancel")
    if cancel:
        st.session_state.pop("config_reenter", None)
        st.rerun()
    elif confirm:
        _save(path, edited, user, password=password)


render()
