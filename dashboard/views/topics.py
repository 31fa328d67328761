"""Topics: a searchable, sortable table of every topic, and one page per topic."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, ui
from dashboard.lang import N_, _, current, feed, is_rtl, ngettext, source_phrase, source_text
from trendwatch.briefing.words import status_name
from trendwatch.present import escape as safe
from trendwatch.present.palette import STATUSES

SORTS = {N_("Emergence"): "emergence", N_("Growth 24 h"): "growth_24h",
         N_("Growth 7 d"): "growth_7d", N_("Distinct sources"): "distinct_sources",
         N_("Size"): "size", N_("Last seen"): "last_seen_at", N_("First seen"): "first_seen_at",
         N_("Label"): "label"}
RELATIONS = {  # (relation, this topic is the subject?) → wording
    ("split_from", True): N_("Split from"), ("split_from", False): N_("Split into"),
    ("merged_into", True): N_("Merged into"), ("merged_into", False): N_("Merged from"),
    ("returned", True): N_("Returned after"), ("returned", False): N_("Returned after"),
}


def filter_topics(frame: pd.DataFrame, query: str, statuses: list[str], sort: str,
                  descending: bool) -> pd.DataFrame:
    if query:
        needle = query.casefold()
        haystack = frame["label"].str.casefold() + " " + frame["keywords"].map(
            lambda k: " ".join(ui.keyword_texts(k)).casefold())
        frame = frame[haystack.str.contains(needle, regex=False)]
    if statuses:
        frame = frame[frame["status"].isin(statuses)]
    column = SORTS[sort]
    return frame.sort_values(column, ascending=not descending, na_position="last",
                             key=(lambda s: s.str.casefold()) if column == "label" else None)


def topic_list(ctx: ui.Context) -> None:
    st.title(_("Topics"))
    frame = data.topics_table(ctx.url)
    if frame.empty:
        st.info(_("No topics yet: run `trendwatch analyze` after collecting (see *Today*)."))
        return
    language = current()
    c1, c2, c3, c4 = st.columns([3, 2, 2, 1])
    query = c1.text_input(_("Search label or keyword"), key="topic_search")
    statuses = c2.multiselect(_("Status"), list(STATUSES), key="topic_status",
                              format_func=lambda s: status_name(s, language))
    sort = c3.selectbox(_("Sort by"), list(SORTS), key="topic_sort", format_func=_)
    descending = c4.toggle(_("Descending"), value=True, key="topic_desc")
    shown = filter_topics(frame, query, statuses, sort, descending)
    st.caption(ngettext("%(shown)s of %(num)s topic", "%(shown)s of %(num)s topics", len(frame),
                        shown=ui.fmt_count(len(shown))))
    table = shown.assign(keywords=shown["keywords"].map(lambda k: ", ".join(ui.keyword_texts(k))))
    columns = ["id", "label", "status", "signal", "emergence", "growth_24h", "growth_7d",
               "distinct_sources", "size", "first_seen_at", "last_seen_at", "keywords"]
    event = st.dataframe(
        table[columns], hide_index=True, on_select="rerun", selection_mode="single-row",
        key="topic_table",
        column_config={
            "id": st.column_config.NumberColumn("id", width="small"),
            "label": st.column_config.TextColumn(_("label")),
            "status": st.column_config.TextColumn(_("status")),
            "signal": st.column_config.TextColumn(_("signal")),
            "emergence": st.column_config.NumberColumn(_("emergence"), format="%.2f"),
            "growth_24h": st.column_config.NumberColumn(_("growth 24 h"), format="percent"),
            "growth_7d": st.column_config.NumberColumn(_("growth 7 d"), format="percent"),
            "distinct_sources": st.column_config.NumberColumn(_("distinct sources")),
            "size": st.column_config.NumberColumn(_("size")),
            "first_seen_at": st.column_config.DatetimeColumn(_("first seen"), format="YYYY-MM-DD HH:mm"),
            "last_seen_at": st.column_config.DatetimeColumn(_("last seen"), format="YYYY-MM-DD HH:mm"),
            "keywords": st.column_config.TextColumn(_("keywords")),
        })
    rows = event.selection.rows if event is not None else []
    if rows:  # forget the selection, or coming back would reopen the topic
        _open(int(table.iloc[rows[0]]["id"]), "topic_table")
    options = {int(r.id): f"{r.label} (#{r.id})" for r in shown.itertuples()}
    picked = st.selectbox(_("Open a topic"), list(options), index=None, format_func=options.get,
                          key="topic_pick", placeholder=_("choose a topic…"))
    if picked is not None:
        _open(int(picked), "topic_pick")


def _open(topic_id: int, widget_key: str) -> None:
    st.session_state["topic_id"] = topic_id
    st.session_state.pop(widget_key, None)
    st.rerun()


def topic_page(ctx: ui.Context, topic_id: int) -> None:
    back = ":material/arrow_forward:" if is_rtl() else ":material/arrow_back:"
    if st.button(_("All topics"), icon=back, key="topic_back"):
        st.session_state.pop("topic_id", None)
        st.rerun()
    topic = data.topic(ctx.url, topic_id)
    if topic is None:
        st.error(_("There is no topic %(id)s in this store.") % {"id": topic_id})
        return
    history = data.snapshot_history(ctx.url, (topic_id,), topic["last_run_id"] or 0)
    latest = history.iloc[-1] if len(history) else None
    ui.feed_text(topic["label"], size="1.8rem", bold=True)
    badges = st.container(horizontal=True)
    ui.status_badges(topic["status"], latest["signal"] if latest is not None else None,
                     container=badges)
    if topic["dormant"]:
        badges.badge(_("dormant"), color="gray")
    c = st.columns(5)
    c[0].metric(_("Emergence"), ui.fmt_number(latest["emergence"]) if latest is not None else "–")
    c[1].metric(_("Items (window)"), ui.fmt_count(latest["size"] if latest is not None else 0))
    c[2].metric(_("Distinct sources"),
                ui.fmt_count(latest["distinct_sources"] if latest is not None else 0))
    c[3].metric(_("First seen"), ui.ago(topic["first_seen_at"], ctx.as_of))
    c[4].metric(_("Last seen"), ui.ago(topic["last_seen_at"], ctx.as_of))

    keywords = ui.keyword_texts(topic["keywords"])
    hashtags = ["#" + str(h).lstrip("#") for h in topic["hashtags"] or []]
    st.markdown(_("**Keyphrases:** %(keyphrases)s  \n**Hashtags:** %(hashtags)s  \n"
                  "**Languages:** %(languages)s") % {
        "keyphrases": feed(" · ".join(keywords)) or "–", "hashtags": feed(" ".join(hashtags)) or "–",
        "languages": safe.md(", ".join(topic["languages"] or [])) or "–"})

    items = data.topic_items(ctx.url, topic_id, topic["last_run_id"] or 0)
    left, right = st.columns(2)
    with left:
        st.subheader(_("Volume by platform"))
        if len(items):
            span = items["published_at"].max() - items["published_at"].min()
            unit = "monthdatehours" if span <= pd.Timedelta(days=1) else "yearmonthdate"
            st.altair_chart(charts.volume_by_platform(items, unit, current()), width="stretch")
        else:
            st.caption(_("No items assigned in its latest run."))
    with right:
        st.subheader(_("Emergence and its parts"))
        parts = _score_parts_long(history)
        if len(parts):
            st.altair_chart(charts.score_parts(parts, current()), width="stretch")
        else:
            st.caption(_("No snapshots yet."))

    _lineage(ctx, topic_id)
    _items(items)
    _outlets(ctx, items)


def _score_parts_long(history: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for snap in history.itertuples(index=False):
        rows.append({"as_of": snap.as_of, "part": "emergence", "value": float(snap.emergence)})
        for name, value in (snap.score_parts or {}).items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                rows.append({"as_of": snap.as_of, "part": name, "value": float(value)})
    return pd.DataFrame(rows)


def _lineage(ctx: ui.Context, topic_id: int) -> None:
    lineage = data.topic_lineage_rows(ctx.url, topic_id)
    st.subheader(_("Lineage"))
    if lineage.empty:
        st.caption(_("No merges or splits: this topic has kept its identity."))
        return
    for row in lineage.itertuples(index=False):
        subject = row.topic_id == topic_id
        other_id, other = ((row.related_topic_id, row.related_label) if subject
                           else (row.topic_id, row.topic_label))
        wording = RELATIONS.get((row.relation, subject))
        wording = _(wording) if wording else row.relation.capitalize()
        cols = st.columns([4, 1])
        cols[0].markdown(f"{safe.md(wording)} **{feed(other)}** (#{other_id}) · "
                         f"{ui.fmt_time(row.as_of)}")
        if cols[1].button(_("Open"), key=f"lineage_{other_id}_{row.relation}"):
            ui.open_topic(other_id)


def _items(items: pd.DataFrame) -> None:
    st.subheader(_("Items (%(num)s)") % {"num": ui.fmt_count(len(items))})
    if items.empty:
        return
    open_word = _("open")
    for item in items.head(30).itertuples(index=False):
        with st.container(border=False):
            ui.feed_text(item.title or item.text, bold=True, max_len=300)
            st.caption(f"{feed(item.source)} · "
                       f"{source_phrase(item.platform, item.outlet, item.url)} · "
                       f"{ui.fmt_time(item.published_at)} · "
                       + safe.link(open_word, item.url))
    with st.expander(ngettext("All %(num)s item as a table", "All %(num)s items as a table",
                              len(items))):
        table = items[["published_at", "source", "outlet", "platform", "lang", "title", "url"]].copy()
        table["outlet"] = [source_text(p, o, u) for p, o, u in
                           zip(items["platform"], items["outlet"], items["url"], strict=True)]
        table["url"] = table["url"].map(safe.safe_url)
        st.dataframe(table, hide_index=True, column_config={
            "url": st.column_config.LinkColumn(_("link"), display_text=_("open")),
            "published_at": st.column_config.DatetimeColumn(_("published"), format="YYYY-MM-DD HH:mm"),
            "source": st.column_config.TextColumn(_("source")),
            "outlet": st.column_config.TextColumn(_("outlet")),
            "platform": st.column_config.TextColumn(_("platform")),
            "lang": st.column_config.TextColumn(_("language")),
            "title": st.column_config.TextColumn(_("title")),
        })


def _outlets(ctx: ui.Context, items: pd.DataFrame) -> None:
    st.subheader(_("Outlets that carried the same story"))
    story_ids = tuple(int(x) for x in items["story_id"].dropna().unique()) if len(items) else ()
    carried = data.story_outlets(ctx.url, story_ids) if story_ids else pd.DataFrame()
    if carried.empty:
        st.caption(_("No story was picked up by more than one outlet."))
        return
    grouped = (carried.groupby("story_id")
               .agg(story=("title", "first"), outlets=("outlet", lambda s: sorted(set(s.dropna()))),
                    first=("published_at", "min"), last=("published_at", "max"))
               .reset_index())
    grouped["n"] = grouped["outlets"].map(len)
    grouped = grouped[grouped["n"] > 1].sort_values("n", ascending=False)
    if grouped.empty:
        st.caption(_("No story was picked up by more than one outlet."))
        return
    grouped["outlets"] = grouped["outlets"].map(", ".join)
    st.dataframe(grouped[["story", "n", "outlets", "first", "last"]], hide_index=True,
                 column_config={"story": st.column_config.TextColumn(_("story")),
                                "n": st.column_config.NumberColumn(_("outlets carrying it")),
                                "outlets": st.column_config.TextColumn(_("outlets")),
                                "first": st.column_config.DatetimeColumn(_("first")),
                                "last": st.column_config.DatetimeColumn(_("last"))})


def render() -> None:
    ctx = ui.context()
    ui.require_store(ctx)
    topic_id = st.session_state.get("topic_id")
    if topic_id is not None:
        topic_page(ctx, int(topic_id))
    else:
        topic_list(ctx)


render()
