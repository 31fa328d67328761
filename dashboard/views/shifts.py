"""Shifts: two periods side by side for client pitches — what grew, appeared, faded."""

from __future__ import annotations

import streamlit as st
from babel.dates import format_skeleton

from dashboard import charts, compare, data, export, ui
from dashboard.lang import N_, _, current, feed
from trendwatch.briefing.words import status_name
from trendwatch.present import escape as safe

PERIOD_LABELS = {"week": N_("This week vs last week"), "month": N_("This month vs last month")}
TABS = (("appeared", N_("Appeared")), ("grew", N_("Grew")), ("faded", N_("Faded")),
        ("shrank", N_("Shrank")), ("steady", N_("Steady")))


def _describe(bounds: compare.Periods) -> str:
    """``Periods.describe`` with the days in the reader's locale."""
    language = current()

    def day(value) -> str:
        return format_skeleton("MMMd", value, locale=language)

    return _("%(start)s–%(end)s vs %(previous_start)s–%(previous_end)s") % {
        "start": day(bounds.current_start), "end": day(bounds.end),
        "previous_start": day(bounds.previous_start), "previous_end": day(bounds.current_start)}


def render() -> None:
    ctx = ui.context()
    ui.require_store(ctx)
    st.title(_("Shifts"))
    if ctx.run is None:
        st.info(_("No analysis yet: see *Today* for the first steps."))
        return
    period = st.radio(_("Compare"), list(PERIOD_LABELS), format_func=lambda p: _(PERIOD_LABELS[p]),
                      horizontal=True, key="shift_period")
    bounds = compare.period_bounds(ctx.as_of, period)
    volumes = data.topic_volumes(ctx.url, bounds.previous_start)
    table = compare.compare_periods(volumes, data.topics_table(ctx.url), bounds)
    st.caption(_("%(periods)s · items per topic, by publication time")
               % {"periods": _describe(bounds)})
    if table.empty:
        st.info(_("No topic has items in these two periods yet."))
        return
    counts = table["shift"].value_counts()
    cols = st.columns(3)
    for col, (shift, label) in zip(cols, TABS[:3]):
        col.metric(_(label), ui.fmt_count(counts.get(shift, 0)))

    moved = table[table["shift"].isin(["appeared", "grew", "faded", "shrank"])]
    chart_rows = (moved if len(moved) else table).head(20)
    chart = charts.shift_bars(chart_rows, _(PERIOD_LABELS[period]), current())
    st.altair_chart(chart, width="stretch")

    stamp = f"{bounds.end:%Y-%m-%d}-{period}"
    d1, d2 = st.columns(2)
    # PNG rendering costs ~0.5 s, so it runs only when the button is clicked
    d1.download_button(_("Chart as PNG"), data=lambda: charts.to_png(chart),
                       file_name=f"shifts-{stamp}.png", mime="image/png", key="shift_png",
                       icon=":material/image:", on_click="ignore")
    d2.download_button(_("Data as CSV"), data=export.shifts_csv(table), file_name=f"shifts-{stamp}.csv",
                       mime="text/csv", key="shift_csv", icon=":material/table:", on_click="ignore")

    tabs = st.tabs([_(label) + f" ({ui.fmt_count(counts.get(shift, 0))})" for shift, label in TABS])
    for tab, (shift, _label) in zip(tabs, TABS):
        part = table[table["shift"] == shift]
        with tab:
            if part.empty:
                st.caption(_("None."))
                continue
            language = current()
            for row in part.head(15).itertuples(index=False):
                st.markdown(f"- **{feed(row.label)}** · {safe.md(status_name(row.status, language))} · "
                            + _("%(before)s → %(after)s items (%(change)s)") % {
                                "before": ui.fmt_count(row.previous), "after": ui.fmt_count(row.current),
                                "change": f"{row.change:+d}"})
            st.dataframe(part, hide_index=True, column_config={
                "change_pct": st.column_config.NumberColumn(_("change %"), format="percent")})


render()
