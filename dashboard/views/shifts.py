"""Shifts: two periods side by side for client pitches — what grew, appeared, faded."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, compare, data, export, ui
from trendwatch.present import escape as safe

PERIOD_LABELS = {"week": "This week vs last week", "month": "This month vs last month"}
TABS = (("appeared", "Appeared"), ("grew", "Grew"), ("faded", "Faded"),
        ("shrank", "Shrank"), ("steady", "Steady"))


def render() -> None:
    ctx = ui.context()
    ui.require_store(ctx)
    st.title("Shifts")
    if ctx.run is None:
        st.info("No analysis yet: see *Today* for the first steps.")
        return
    period = st.radio("Compare", list(PERIOD_LABELS), format_func=PERIOD_LABELS.get,
                      horizontal=True, key="shift_period")
    bounds = compare.period_bounds(ctx.as_of, period)
    volumes = data.topic_volumes(ctx.url, bounds.previous_start)
    table = compare.compare_periods(volumes, data.topics_table(ctx.url), bounds)
    st.caption(f"{bounds.describe()} · items per topic, by publication time")
    if table.empty:
        st.info("No topic has items in these two periods yet.")
        return
    counts = table["shift"].value_counts()
    cols = st.columns(3)
    for col, (shift, label) in zip(cols, TABS[:3]):
        col.metric(label, int(counts.get(shift, 0)))

    moved = table[table["shift"].isin(["appeared", "grew", "faded", "shrank"])]
    chart_rows = (moved if len(moved) else table).head(20)
    chart = charts.shift_bars(chart_rows, PERIOD_LABELS[period])
    st.altair_chart(chart, width="stretch")

    stamp = f"{bounds.end:%Y-%m-%d}-{period}"
    d1, d2 = st.columns(2)
    # PNG rendering costs ~0.5 s, so it runs only when the button is clicked
    d1.download_button("Chart as PNG", data=lambda: charts.to_png(chart),
                       file_name=f"shifts-{stamp}.png", mime="image/png", key="shift_png",
                       icon=":material/image:", on_click="ignore")
    d2.download_button("Data as CSV", data=export.shifts_csv(table), file_name=f"shifts-{stamp}.csv",
                       mime="text/csv", key="shift_csv", icon=":material/table:", on_click="ignore")

    tabs = st.tabs([f"{label} ({int(counts.get(shift, 0))})" for shift, label in TABS])
    for tab, (shift, _label) in zip(tabs, TABS):
        part = table[table["shift"] == shift]
        with tab:
            if part.empty:
                st.caption("None.")
                continue
            for row in part.head(15).itertuples(index=False):
                st.markdown(f"- **{safe.md(row.label)}** · {safe.md(row.status)} · "
                            f"{row.previous} → {row.current} items ({row.change:+d})")
            st.dataframe(part, hide_index=True, column_config={
                "change_pct": st.column_config.NumberColumn("change %", format="percent")})


render()
