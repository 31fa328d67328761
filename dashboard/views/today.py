"""Today: the morning briefing as cards, best opportunities first."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, ui
from dashboard.lang import N_, _, current, feed, feed_link, ngettext, post_title, source_phrase
from trendwatch.present import escape as safe

GUIDE = N_("""
**Welcome to trendwatch.** Nothing has been analysed yet{what}. Four steps to your first morning view:

1. **Tell it who you are** — edit `feeds.toml` (the *Settings* page shows which file is used):
   your `[company]`, your `[[products]]` and the `[[sources]]` of your industry
   (RSS feeds, Google News queries, Mastodon hashtags…). Check it with `trendwatch check-config`.
2. **Collect** — `trendwatch collect` fetches every source once; the *Sources* page shows which work.
3. **Analyse** — `trendwatch analyze` finds topics, scores what is emerging and drafts post ideas.
4. **Keep it running** — `make run` starts the service and this dashboard; the briefing arrives
   every morning and the *Refresh now* button asks for a fresh cycle.

No network at hand? `make demo` fills a demo store from the bundled sample feeds.
""")


def first_run_guide(ctx: ui.Context) -> None:
    counts = data.store_counts(ctx.url)
    if counts["items"]:
        what = _(" — %(items)s items from %(sources)s sources are collected, they just wait for "
                 "the analysis (step 3)") % {"items": ui.fmt_count(counts["items"]),
                                             "sources": ui.fmt_count(counts["sources"])}
    elif counts["sources"]:
        what = _(" — %(sources)s sources are configured but no item arrived yet") % {
            "sources": ui.fmt_count(counts["sources"])}
    else:
        what = ""
    st.title(_("Good morning"))
    st.info(_(GUIDE).format(what=what), icon=":material/waving_hand:")
    st.caption(_("Store: %(url)s") % {"url": safe.md(data.store(ctx.url).url)})


def cards_frame(ctx: ui.Context, opps: pd.DataFrame) -> pd.DataFrame:
    """Filter the run's opportunities by the sidebar and fold products into one card per topic."""
    if opps.empty:
        return opps
    if ctx.product:
        opps = opps[opps["product"] == ctx.product]
    if ctx.platform:
        opps = opps[opps["platforms"].map(lambda p: (p or {}).get(ctx.platform, 0) > 0)]
    opps = opps[opps["last_seen_at"] >= ctx.as_of - ctx.window]
    if not ctx.show_muted:
        opps = opps[~opps["topic_id"].isin(data.muted_topics(ctx.url, ctx.profile))]
    if opps.empty:
        return opps
    opps = opps.sort_values("priority", ascending=False)
    # plain tuples: a groupby.apply over thousands of topics costs seconds
    products: dict[int, list[dict]] = {}
    for row in opps[["topic_id", "product", "relevance", "priority", "explanation"]].itertuples(
            index=False):
        products.setdefault(row.topic_id, []).append(row._asdict())
    cards = opps.drop_duplicates("topic_id").reset_index(drop=True)
    cards["products"] = [products[t] for t in cards["topic_id"]]
    return cards


def render() -> None:
    ctx = ui.context()
    ui.require_store(ctx, allow_empty=True)
    if ctx.run is None:
        first_run_guide(ctx)
        return
    settings, _error = data.settings()
    top = settings.briefing.top if settings else 8
    opps = data.opportunities_for(ctx.url, ctx.run_id, ctx.profile)
    cards = cards_frame(ctx, opps)

    st.title(_("Today"))
    _inbox_strip(ctx)
    scope = " · ".join(feed(x) for x in (ctx.profile, ctx.product, ctx.platform) if x)
    st.caption(_("As of %(time)s · topics active in the last %(window)s")
               % {"time": ui.fmt_time(ctx.as_of), "window": _(_window_name(ctx))}
               + (" · " + scope if scope else ""))
    if opps.empty:
        st.warning(_("The latest analysis found no opportunities for this profile yet. Add "
                     "products with keywords to feeds.toml, or look at all topics on the "
                     "*Topics* page."))
        return
    emerging = int((cards["status"] == "emerging").sum()) if len(cards) else 0
    c1, c2, c3 = st.columns(3)
    c1.metric(_("Opportunities"), ui.fmt_count(len(cards)))
    c2.metric(_("Emerging"), ui.fmt_count(emerging))
    c3.metric(_("Distinct sources (top cards)"),
              ui.fmt_count(cards.head(top)["distinct_sources"].sum() if len(cards) else 0))
    if cards.empty:
        st.info(_("No topic matches these filters. Widen the time window or choose *All* in "
                  "the sidebar."))
        return
    limit = st.slider(_("Cards"), 3, max(3, min(50, len(cards))), min(top, len(cards)),
                      key="today_cards") if len(cards) > 3 else len(cards)
    shown = cards.head(limit)
    ids = tuple(int(x) for x in shown["topic_id"])
    run = ctx.run or {}
    activity = data.topic_activity(ctx.url, ctx.run_id, ids,
                                   run.get("window_start") or ctx.as_of - ctx.window,
                                   run.get("window_end") or ctx.as_of)
    links = data.top_links(ctx.url, ctx.run_id, ids)
    for card in shown.itertuples(index=False):
        _card(ctx, card, activity[activity["topic_id"] == card.topic_id],
              links[links["topic_id"] == card.topic_id])


def _inbox_strip(ctx: ui.Context) -> None:
    """The customer-care inbox at a glance: what is owed, what is late, open incidents."""
    now = data.minute_now()
    counts = data.inbox_summary(ctx.url, now, now - pd.Timedelta(hours=24))
    if not (counts["open"] or counts["received_total"] or counts["open_incidents"]):
        return
    with st.container(border=True):
        c = st.columns([1, 1, 1, 1, 1])
        c[0].metric(_("Inbox open"), ui.fmt_count(counts["open"]))
        c[1].metric(_("Late"), ui.fmt_count(counts["breached"]))
        c[2].metric(_("Urgent"), ui.fmt_count(counts["high"]))
        c[3].metric(_("Incidents"), ui.fmt_count(counts["open_incidents"]))
        if c[4].button(_("Open the inbox"), key="today_inbox", icon=":material/support_agent:"):
            st.switch_page("views/inbox.py")


def _window_name(ctx: ui.Context) -> str:
    return next((k for k, v in ui.WINDOWS.items() if v == ctx.window), str(ctx.window))


def _card(ctx: ui.Context, card, activity: pd.DataFrame, links: pd.DataFrame) -> None:
    with st.container(border=True):
        head, score = st.columns([5, 1])
        with head:
            ui.feed_text(card.label, size="1.3rem", bold=True)
            badges = st.container(horizontal=True)
            ui.status_badges(card.status, card.signal, container=badges)
            keywords = ui.keyword_texts(card.keywords)[:6]
            tags = ["#" + str(h).lstrip("#") for h in (card.hashtags or [])[:4]]
            if keywords or tags:
                st.caption(feed(" · ".join(keywords + tags)))
        score.metric(_("Priority"), ui.fmt_number(card.priority))
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(_("Growth 24 h"), ui.fmt_growth(card.growth_24h))
        m2.metric(_("Growth 7 d"), ui.fmt_growth(card.growth_7d))
        m3.metric(_("Distinct sources"), ui.fmt_count(card.distinct_sources))
        m4.metric(_("Items"), ui.fmt_count(card.size),
                  help=ngettext("%(num)s distinct story", "%(num)s distinct stories",
                                int(card.distinct_stories)))
        if activity["items"].sum() > 0:
            st.caption(_("Items (area) and distinct sources (line) per 6 hours over the window"))
            st.vega_lite_chart(activity[["bin_start", "items", "sources"]],
                               charts.sparkline_spec(card.status, current()), width="stretch")
        st.markdown("**" + _("Why it matters") + "**")
        for product in card.products:
            st.markdown("- " + _("**%(product)s** · relevance %(relevance)s — %(why)s") % {
                "product": feed(product["product"]),
                "relevance": ui.fmt_number(product["relevance"]),
                "why": feed(product["explanation"])})
        if len(links):
            st.markdown("**" + _("Top links") + "**")
            st.markdown("\n".join(
                f"- {feed_link(post_title(r.title, r.text), r.url)} — "
                f"{source_phrase(r.platform, r.outlet, r.url)}"
                + (" · " + ngettext("carried by %(num)s outlet", "carried by %(num)s outlets",
                                    int(r.story_outlets)) if r.story_outlets > 1 else "")
                for r in links.itertuples(index=False)))
        buttons = st.columns([1, 1, 3])
        if buttons[0].button(_("Open topic"), key=f"open_{card.topic_id}",
                             icon=":material/open_in_new:"):
            ui.open_topic(card.topic_id)
        if buttons[1].button(_("Post ideas"), key=f"ideas_{card.topic_id}",
                             icon=":material/lightbulb:"):
            st.session_state["idea_topic"] = int(card.topic_id)
            st.switch_page("views/ideas.py")
        with buttons[2]:
            ui.feedback_buttons(ctx, int(card.topic_id), key=f"today_{card.topic_id}")


render()
