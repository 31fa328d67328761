"""The sign-in gate before any page, and the signed-in user's box in the sidebar.

``[dashboard] auth``: ``none`` (127.0.0.1 only: the local user is admin), ``password``
(the users table, ``trendwatch user add``) or ``oidc`` (Streamlit's ``st.login`` with
``[auth]`` in .streamlit/secrets.toml; ``[dashboard] admins`` lists the admin e-mails).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import streamlit as st

from dashboard import data
from dashboard.access import LOCAL_USER, SessionUser, oidc_role
from dashboard.lang import _
from trendwatch.config.door import door_refusal, is_loopback, oidc_problems, secrets_files
from trendwatch.present import escape as safe

USER_KEY = "door_user"
APP = Path(__file__).resolve().parent / "app.py"


def listen_address() -> str | None:
    """The address Streamlit serves on: ``""`` when unset (Streamlit then listens on every
    interface), None under AppTest, which runs pages with no server at all."""
    address = st.get_option("server.address")
    if address:
        return str(address)
    from unittest.mock import Mock

    from streamlit.runtime import Runtime

    if Runtime.exists() and isinstance(Runtime.instance(), Mock):
        return None
    return ""


def gate() -> SessionUser:
    """The session's user; draws the sign-in and stops the page until there is one."""
    auth = data.auth_mode()
    address = listen_address()
    loopback = address is None or is_loopback(address)
    user = st.session_state.get(USER_KEY)
    if not isinstance(user, SessionUser) or user.via != _via(auth):
        user = None  # signed in under another mode (the config changed): sign in again
    if auth == "none":
        refusal = None if loopback else door_refusal(address or "every interface", auth)
        if refusal:
            st.error(_("The dashboard is closed: %(reason)s.") % {"reason": safe.md(refusal)})
            st.stop()
        user = LOCAL_USER
    elif auth == "password":
        user = _password_gate(user)
    elif auth == "oidc":
        user = _oidc_gate()
    else:
        st.error(_("The dashboard is closed: [dashboard] auth = %(auth)s is not one of none, "
                   "password, oidc (see `trendwatch check-config`).") % {"auth": safe.md(repr(auth))})
        st.stop()
    st.session_state[USER_KEY] = user
    return user


def _via(auth: str) -> str:
    return {"none": "local"}.get(auth, auth)


def _password_gate(user: SessionUser | None) -> SessionUser:
    url = data.database_url()
    if user is not None:
        role = data.current_role(url, user)
        if role is not None:
            return user if role == user.role else SessionUser(user.name, role, user.via)
        st.session_state.pop(USER_KEY, None)  # removed meanwhile: back to the form
    st.title("trendwatch")
    st.subheader(_("Sign in"))
    with st.form("sign_in", clear_on_submit=True):
        name = st.text_input(_("Name"), key="sign_in_name", autocomplete="username")
        password = st.text_input(_("Password"), type="password", key="sign_in_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(_("Sign in"), key="sign_in_submit", type="primary")
    if submitted:
        try:
            answer = data.sign_in(url, name, password, datetime.now(UTC))
        except Exception as exc:  # noqa: BLE001 - no users table yet, store down: say so
            st.error(_("Cannot check sign-ins against the store: %(error)s. Run `trendwatch init` "
                       "and add a user with `trendwatch user add`.") % {"error": safe.md(exc)})
            st.stop()
        if answer.user is not None:
            st.session_state[USER_KEY] = answer.user
            st.rerun()
        if answer.wait.total_seconds() > 0:
            st.error(_("Too many failed sign-ins for this name: try again in %(seconds)s s.")
                     % {"seconds": int(answer.wait.total_seconds()) + 1})
        else:
            st.error(_("Wrong name or password."))
    st.caption(_("Accounts are made on the server with `trendwatch user add NAME`."))
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def _oidc_gate() -> SessionUser:
    # st.user has no is_logged_in at all until [auth] is configured
    if not st.user.get("is_logged_in", False):
        st.title("trendwatch")
        st.subheader(_("Sign in"))
        problems = oidc_problems(secrets_files(Path.cwd(), Path.home(), APP))
        if problems:
            st.error(_("Sign-in with your identity provider is not set up on the server: "
                       "%(problems)s.") % {"problems": safe.md("; ".join(problems))})
            st.stop()
        st.button(_("Sign in with your identity provider"), key="oidc_sign_in", type="primary",
                  on_click=st.login)
        st.stop()
    settings, _error = data.settings()
    admins = settings.dashboard.admins if settings else []
    email = st.user.get("email")
    role = oidc_role(email, admins, email_verified=st.user.get("email_verified"))
    return SessionUser(str(email or st.user.get("name") or "signed-in user"), role, "oidc")


def sidebar(user: SessionUser) -> None:
    """Who is signed in, with which role, and the sign-out button."""
    box = st.sidebar.container(border=True)
    if user.via == "local":
        box.caption(_("No sign-in on 127.0.0.1: you are the local user, an **admin**. Opening "
                      "the dashboard to your team needs `[dashboard] auth` (see README)."))
        return
    role = _("admin") if user.is_admin else _("viewer")
    box.caption(_("Signed in as **%(name)s** (%(role)s)") % {"name": safe.md(user.name), "role": role}
                + ("" if user.is_admin else " · " + _("viewers read and give feedback; settings "
                                                      "and Refresh are for admins")))
    if box.button(_("Sign out"), key="sign_out", icon=":material/logout:"):
        st.session_state.pop(USER_KEY, None)
        if user.via == "oidc":
            st.logout()
        st.rerun()
