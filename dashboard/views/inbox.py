"""Inbox: the customer-care queue (soonest due first), incident cards, one conversation at a
time with its reply draft, and the buttons that work it (assign, answered, close, notes).

Message text is untrusted feed text: shown through ``ui.feed_text`` (escaped, its own
direction) and ``st.code``, never as HTML. Handles and links only for ``data.may_see_people``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data, door, ui
from dashboard.lang import N_, _, current, feed, feed_link, ngettext
from trendwatch.briefing.words import category_name, urgency_name
from trendwatch.errors import TrendwatchError
from trendwatch.present import escape as safe
from trendwatch.store.inbox import CATEGORIES, STATUSES

OPEN = N_("Open (owed an answer)")
EVERYTHING = N_("Everything")
ANY = N_("All")
STATUS_NAMES = {"new": N_("new"), "assigned": N_("assigned"), "waiting": N_("waiting"),
                "answered": N_("answered"), "closed": N_("closed")}
SELECTED = "inbox_message"


def _category(value: str | None) -> str:
    return category_name(value or "other", current())


def _status(value: str) -> str:
    return _(STATUS_NAMES.get(value, value))


def _due_text(row: dict[str, Any], now) -> str:
    if row["due_at"] is None:
        return "–"
    if row["breached"]:
        return _("late %(ago)s") % {"ago": ui.ago(row["due_at"], now)}
    return ui.fmt_time(row["due_at"])


def render() -> None:
    ctx = ui.context()
    ui.require_store(ctx)
    user = door.gate()
    people = data.may_see_people(user)
    st.title(_("Inbox"))
    now = data.minute_now()
    counts = data.inbox_summary(ctx.url, now, now - timedelta(hours=24))
    c = st.columns(4)
    c[0].metric(_("Open"), ui.fmt_count(counts["open"]))
    c[1].metric(_("Late"), ui.fmt_count(counts["breached"]))
    c[2].metric(_("Urgent"), ui.fmt_count(counts["high"]))
    c[3].metric(_("Received 24 h"), ui.fmt_count(counts["received_total"]))

    incidents = data.inbox_incidents(ctx.url)
    for incident in incidents:
        with st.container(border=True):
            st.markdown(":material/emergency: **" + _("Incident") + ":** " + feed(incident["label"]))
            st.caption(ngettext("%(num)s complaint since %(since)s", "%(num)s complaints since %(since)s",
                                int(incident["count"]), since=ui.fmt_time(incident["first_at"]))
                       + " · " + ngettext("%(num)s still open", "%(num)s still open",
                                          int(incident["open_messages"])))
            if incident["topic_id"] is not None:
                st.button(_("Open the matching trend topic"), key=f"incident_topic_{incident['id']}",
                          on_click=ui.open_topic, args=(incident["topic_id"],))

    f = st.columns(3)
    scope = f[0].selectbox(_("Show"), [OPEN, EVERYTHING, *STATUSES], key="inbox_scope",
                           format_func=lambda s: _(s) if s in (OPEN, EVERYTHING) else _status(s))
    category = f[1].selectbox(_("Category"), [ANY, *CATEGORIES], key="inbox_category",
                              format_func=lambda c: _(ANY) if c == ANY else _category(c))
    urgency = f[2].selectbox(_("Urgency"), [ANY, "high", "normal", "low"], key="inbox_urgency",
                             format_func=lambda u: _(ANY) if u == ANY else urgency_name(u, current()))
    rows = data.inbox_queue(ctx.url, now, status=scope if scope in STATUSES else None,
                            category=None if category == ANY else category,
                            include_done=scope == EVERYTHING)
    if urgency != ANY:
        rows = [r for r in rows if r["urgency"] == urgency]
    if not rows:
        st.info(_("Nothing in the inbox for these filters. Inbound messages are mentions of the "
                  "company, its products and accounts, and everything from sources with "
                  "`inbox = true`; `trendwatch collect` triages them."))
        return

    table = pd.DataFrame([{
        "id": r["id"], "due": _due_text(r, now), "urgency": urgency_name(r["urgency"] or "", current()),
        "category": _category(r["category"]), "status": _status(r["status"]),
        "assignee": r["assignee"] or "", "platform": r["platform"],
        "from": (r["author"] or "") if people else _("(sign in to see)"),
        "message": " ".join((r["text"] or "").split())[:160],
        "incident": f"#{r['incident_id']}" if r["incident_id"] else "",
    } for r in rows])
    st.dataframe(table, hide_index=True, column_config={
        "id": st.column_config.NumberColumn(_("id"), format="%d"),
        "due": st.column_config.TextColumn(_("due")),
        "urgency": st.column_config.TextColumn(_("urgency")),
        "category": st.column_config.TextColumn(_("category")),
        "status": st.column_config.TextColumn(_("status")),
        "assignee": st.column_config.TextColumn(_("assignee")),
        "platform": st.column_config.TextColumn(_("platform")),
        "from": st.column_config.TextColumn(_("from")),
        "message": st.column_config.TextColumn(_("message"), width="large"),
        "incident": st.column_config.TextColumn(_("incident")),
    })

    ids = [r["id"] for r in rows]
    if st.session_state.get(SELECTED) not in ids:
        st.session_state[SELECTED] = ids[0]
    labels = {r["id"]: f"#{r['id']} · {_category(r['category'])} · "
                       + " ".join((r["text"] or "").split())[:60] for r in rows}
    chosen = st.selectbox(_("Conversation"), ids, key=SELECTED, format_func=labels.get)
    _conversation(ctx.url, int(chosen), now, user, people)


def _conversation(url: str, message_id: int, now, user, people: bool) -> None:
    try:
        m = data.inbox_message(url, message_id, now)
    except TrendwatchError as exc:
        st.error(safe.md(str(exc)))
        return
    left, right = st.columns([3, 2])
    with left:
        st.subheader(_("Conversation"))
        for part in m["conversation"] or [m]:
            with st.container(border=True):
                head = f"#{part['id']} · {_category(part['category'])} · {_status(part['status'])}"
                if people:
                    head += " · " + feed(part["author"] or "–")
                st.caption(head + " · " + ui.fmt_time(part["received_at"]))
                ui.feed_text(part["text"])
        if m["reasons"]:
            st.caption(_("Why: %(reasons)s") % {"reasons": safe.md("; ".join(m["reasons"]))})
        if people and m["url"]:
            st.markdown(_("Answer on the platform: %(link)s") % {
                "link": feed_link(m["url"], m["url"])})
        st.subheader(_("History"))
        for event in m["events"]:
            what = event["kind"] + (f" → {_status(event['to_status'])}" if event["to_status"] else "")
            if event["kind"] == "assign":
                what += " " + safe.md((event["detail"] or {}).get("assignee") or "")
            line = f"{ui.fmt_time(event['at'])} · {safe.md(event['actor'])} · {safe.md(what)}"
            if event["note"]:
                line += " · " + feed(event["note"])
            st.markdown(line)
    with right:
        st.subheader(_("Reply draft"))
        reply = m["reply"] or {}
        if m["reply_draft"]:
            st.code(m["reply_draft"], language=None, wrap_lines=True)
            length, limit = reply.get("length"), reply.get("limit")
            if length is not None and limit:
                fits = length <= limit
                st.caption((":green[%s]" if fits else ":red[%s]") % (
                    _("%(length)s of %(limit)s characters") % {"length": length, "limit": limit}))
        elif reply.get("escalate"):
            st.warning(_("No draft: a person answers this one (%(reasons)s).")
                       % {"reasons": safe.md("; ".join(reply.get("reasons") or []))})
        else:
            st.caption(_("No draft for this message."))
        st.subheader(_("Work it"))
        st.text_input(_("Assign to"), value=m["assignee"] or user.name,
                      key=f"assign_name_{message_id}")
        b = st.columns(3)
        b[0].button(_("Assign"), key=f"assign_{message_id}", width="stretch",
                    on_click=_act, args=(url, message_id, "assign", user, f"assign_name_{message_id}"))
        b[1].button(_("Answered"), key=f"answered_{message_id}", width="stretch", type="primary",
                    on_click=_act, args=(url, message_id, "answered", user, None))
        b[2].button(_("Close"), key=f"close_{message_id}", width="stretch",
                    on_click=_act, args=(url, message_id, "closed", user, None))
        st.button(_("Waiting for the customer"), key=f"waiting_{message_id}",
                  on_click=_act, args=(url, message_id, "waiting", user, None))
        st.text_area(_("Note"), key=f"note_{message_id}")
        st.button(_("Add note"), key=f"add_note_{message_id}",
                  on_click=_act, args=(url, message_id, "note", user, f"note_{message_id}"))


def _act(url: str, message_id: int, action: str, user, value_key: str | None) -> None:
    # the widget's value as the click saw it (bound args would hold the previous run's)
    value = st.session_state.get(value_key) if value_key else None
    try:
        data.inbox_act(url, message_id, action, user=user, value=value)
    except TrendwatchError as exc:
        st.toast(safe.md(str(exc)), icon=":material/error:")
        return
    st.toast(_("Saved."))


render()
