"""Sources: health per source and the platform trend series."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import charts, data, ui
from trendwatch.present import escape as safe
from trendwatch.present.redact import redact_text
from trendwatch.present.status import source_status


def health_status(row: pd.Series) -> str:
    return source_status(row)


def render() -> None:
    ctx = ui.context()
    ui.require_store(ctx)
    st.title("Sources")
    now = data.minute_now()
    health = data.source_health(ctx.url, now)
    if health.empty:
        st.info("No source has been collected yet: add `[[sources]]` to feeds.toml and run "
                "`trendwatch collect` (see *Today*).")
    else:
        # errors stored by older versions may quote a feed URL with its credentials
        health = health.assign(status=health.apply(health_status, axis=1),
                               last_error=health["last_error"].map(redact_text, na_action="ignore"))
        counts = health["status"].value_counts()
        c = st.columns(4)
        c[0].metric("Sources", len(health))
        c[1].metric("Healthy", int(counts.get("ok", 0)))
        c[2].metric("Failing", int(counts.get("error", 0)))
        c[3].metric("Items last 24 h", int(health["items_24h"].sum()))
        table = health[["name", "kind", "platform", "status", "last_ok_at", "next_check_at",
                        "items_24h", "items_total", "error_count", "last_error"]]
        st.dataframe(table, hide_index=True, column_config={
            "last_ok_at": st.column_config.DatetimeColumn("last success", format="YYYY-MM-DD HH:mm"),
            "next_check_at": st.column_config.DatetimeColumn("next check", format="YYYY-MM-DD HH:mm"),
            "items_24h": st.column_config.NumberColumn("items 24 h"),
            "items_total": st.column_config.NumberColumn("items"),
            "error_count": st.column_config.NumberColumn("errors"),
            "last_error": st.column_config.TextColumn("last error", width="large"),
        })
        failing = health[health["status"].isin(["error", "disabled"])]
        for row in failing.itertuples(index=False):
            # error texts quote servers and feeds: escaped like any feed text
            st.error(f"**{safe.md(row.name)}** ({safe.md(row.kind)}): "
                     f"{safe.md(row.last_error or 'failing', max_len=400)} — "
                     f"{row.error_count} errors in a row, next try {ui.ago(row.next_check_at, now)}",
                     icon=":material/error:")

    st.header("Platform trend series")
    series = data.trend_series(ctx.url, now - timedelta(days=30))
    if series.empty:
        st.caption("No trend series yet: add a Mastodon source with `trends = true` or a "
                   "google_trends source.")
        return
    c1, c2 = st.columns(2)
    platform = c1.selectbox("Platform", sorted(series["platform"].unique()), key="trend_platform")
    part = series[series["platform"] == platform]
    metric = c2.selectbox("Metric", sorted(part["metric"].unique()), key="trend_metric")
    part = part[part["metric"] == metric]
    latest = part.sort_values("at").groupby("term")["value"].last().sort_values(ascending=False)
    terms = st.multiselect("Terms", list(latest.index), default=list(latest.index[:8]),
                           key=f"trend_terms_{platform}_{metric}")
    part = part[part["term"].isin(terms)]
    if part.empty:
        st.caption("Choose at least one term.")
        return
    st.altair_chart(charts.trend_lines(part, f"{platform}: {metric}"), width="stretch")


render()
