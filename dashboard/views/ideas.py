"""Ideas: the idea board per product and platform, with counts, copy, feedback and export."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from dashboard import data, export, ui
from dashboard.lang import _, current, feed, feed_link, ngettext
from trendwatch.briefing.words import angle_name
from trendwatch.ideas.limits import check_draft
from trendwatch.present import escape as safe


def filter_ideas(frame: pd.DataFrame, *, product: str | None, angles: list[str],
                 platforms: list[str], topic_id: int | None, muted: set[int]) -> pd.DataFrame:
    if frame.empty:
        return frame
    if product:
        frame = frame[frame["product"] == product]
    if angles:
        frame = frame[frame["angle"].isin(angles)]
    if topic_id is not None:
        frame = frame[frame["topic_id"] == topic_id]
    if muted:
        frame = frame[~frame["topic_id"].isin(muted)]
    if platforms:
        frame = frame.assign(drafts=frame["drafts"].map(
            lambda ds: [d for d in ds or [] if d.get("platform") in platforms]))
        frame = frame[frame["drafts"].map(len) > 0]
    return frame


def render() -> None:
    ctx = ui.context()
    ui.require_store(ctx)
    st.title(_("Post ideas"))
    if ctx.run is None:
        st.info(_("No analysis yet, so no ideas: see *Today* for the first steps."))
        return
    frame = data.ideas_for(ctx.url, ctx.profile, ctx.run_id)
    if frame.empty:
        st.info(_("No post ideas for this profile yet. They are drafted with each analysis run "
                  "for the top opportunities (`trendwatch analyze`, or `trendwatch ideas`)."))
        return
    language = current()
    all_platforms = sorted({d.get("platform") for ds in frame["drafts"] for d in ds or []} - {None})
    c1, c2 = st.columns(2)
    angles = c1.multiselect(_("Angle"), sorted(frame["angle"].unique()), key="idea_angles",
                            format_func=lambda a: angle_name(a, language))
    platforms = c2.multiselect(_("Post platform"), all_platforms, key="idea_platforms")
    topic_id = st.session_state.get("idea_topic")
    if topic_id is not None:
        label = frame.loc[frame["topic_id"] == topic_id, "label"]
        cols = st.columns([4, 1])
        cols[0].caption(_("Only ideas for **%(topic)s**")
                        % {"topic": feed(label.iloc[0] if len(label) else topic_id)})
        if cols[1].button(_("Show all ideas"), key="idea_all"):
            st.session_state.pop("idea_topic", None)
            st.rerun()
    muted = set() if ctx.show_muted else data.muted_topics(ctx.url, ctx.profile)
    shown = filter_ideas(frame, product=ctx.product, angles=angles, platforms=platforms,
                         topic_id=topic_id, muted=muted)
    st.caption(ngettext("%(shown)s of %(num)s idea · drafted %(ago)s · select ideas to export "
                        "them", "%(shown)s of %(num)s ideas · drafted %(ago)s · select ideas to "
                        "export them", len(frame), shown=ui.fmt_count(len(shown)),
                        ago=ui.ago(frame["created_at"].max())))
    if shown.empty:
        st.info(_("No idea matches these filters."))
        return
    records = shown.to_dict("records")
    mastodon_limit = _mastodon_limit()
    for product, group in _by_product(records):
        st.header(feed(product), divider="gray")
        for idea in group:
            _idea_card(ctx, idea, mastodon_limit)
    _export(ctx, records, mastodon_limit)


def _feedback_name(verdict: str) -> str:
    names = {"useful": _("useful"), "not_useful": _("not useful"), "mute": _("muted")}
    return names.get(verdict, safe.md(verdict))


def _mastodon_limit() -> int | None:
    """The instance's limit from the settings; None (each draft's own) when they cannot load."""
    settings, _error = data.settings()
    return settings.ideas.mastodon_limit if settings else None


def _by_product(records: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for record in records:
        groups.setdefault(record["product"], []).append(record)
    return list(groups.items())


def _idea_card(ctx: ui.Context, idea: dict, mastodon_limit: int | None) -> None:
    with st.container(border=True):
        head, pick = st.columns([5, 1])
        with head:
            ui.feed_text(idea["hook"], size="1.15rem", bold=True)
            badges = st.container(horizontal=True)
            ui.status_badges(idea["status"], container=badges)
            badges.badge(angle_name(idea["angle"], current()), color="gray",
                         icon=":material/lightbulb:")
        pick.checkbox(_("Select"), key=f"pick_idea_{idea['id']}")
        st.caption(_("Topic: %(topic)s · priority %(priority)s · best before %(time)s · "
                     "%(generator)s") % {"topic": feed(idea["label"]),
                                        "priority": ui.fmt_number(idea["priority"]),
                                        "time": ui.fmt_time(idea["best_before"]),
                                        "generator": safe.md(idea["generator"])}
                   + (" · " + _("marked **%(verdict)s**") % {"verdict": _feedback_name(idea["feedback"])}
                      if idea["feedback"] else ""))
        drafts = idea["drafts"] or []
        if drafts:
            tabs = st.tabs([str(d.get("platform", "?")) for d in drafts])
            for tab, draft in zip(tabs, drafts):
                with tab:
                    _draft(draft, mastodon_limit)
        sources = idea["sources"] or []
        if sources:
            st.markdown(_("Sources:") + " " + " · ".join(
                feed_link(s.get("title"), s.get("url"), max_len=80) for s in sources))
        ui.feedback_buttons(ctx, int(idea["topic_id"]), idea_id=int(idea["id"]),
                            key=f"idea_{idea['id']}", current=idea["feedback"])


def _draft(draft: dict, mastodon_limit: int | None) -> None:
    text = str(draft.get("text") or "")
    check = check_draft(draft, mastodon_limit=mastodon_limit)
    if safe.is_rtl(text):  # st.code shows it left-to-right; show it properly first
        ui.feed_text(text)
    st.code(text, language=None, wrap_lines=True)
    if check.fits:
        st.caption(f":material/check_circle: {_summary(check)}")
    else:
        st.caption(":red[:material/error: " + _("%(summary)s — over the limit, shorten before "
                                               "posting") % {"summary": _summary(check)} + "]")


def _summary(check) -> str:
    """``DraftCheck.summary`` in the reader's language (the same text in English)."""
    units = {"weighted characters": _("weighted characters"), "graphemes": _("graphemes"),
             "characters (URLs count 23)": _("characters (URLs count 23)"),
             "characters": _("characters")}
    limit = f"/{check.limit}" if check.limit else ""
    text = f"{check.length}{limit} {units.get(check.unit, check.unit)}"
    if check.max_hashtags is not None:
        text += " · " + _("%(have)s/%(most)s hashtags") % {"have": check.hashtags,
                                                           "most": check.max_hashtags}
    if check.max_bytes is not None and check.size > check.max_bytes:
        text += " · " + _("%(size)s/%(most)s bytes") % {"size": check.size, "most": check.max_bytes}
    return text


def _export(ctx: ui.Context, records: list[dict], mastodon_limit: int | None) -> None:
    st.divider()
    picked = [r for r in records if st.session_state.get(f"pick_idea_{r['id']}")]
    chosen = picked or records
    st.subheader(_("Export"))
    st.caption(ngettext("%(num)s selected", "%(num)s selected", len(picked)) if picked
               else _("Nothing selected: exports all shown ideas"))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    title = _("Post ideas for %(profile)s (%(date)s)") % {
        "profile": ctx.profile or _("all profiles"), "date": stamp}
    c1, c2 = st.columns(2)
    c1.download_button(_("Download Markdown"), export.ideas_markdown(chosen, title=title,
                                                              mastodon_limit=mastodon_limit),
                       file_name=f"ideas-{stamp}.md", mime="text/markdown", key="export_md",
                       icon=":material/download:", on_click="ignore")
    c2.download_button(_("Download CSV"), export.ideas_csv(chosen, mastodon_limit=mastodon_limit), file_name=f"ideas-{stamp}.csv",
                       mime="text/csv", key="export_csv", icon=":material/download:",
                       on_click="ignore")


render()
