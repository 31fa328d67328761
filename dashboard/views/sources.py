"""Sources: health per source and the platform trend series."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import charts, data, ui
from dashboard.lang import _, current, feed, ngettext
from trendwatch.present import escape as safe
from trendwatch.present.redact import redact_text
from trendwatch.present.status import source_status


def health_status(row: pd.Series) -> str:
    return source_status(row)


def service_section(url: str) -> None:
    """Every worker (host, pid, heartbeat, what it holds) and every job of the service."""
    st.header(_("Service"))
    workers = data.worker_rows(url)
    if workers.empty:
        st.caption(_("No worker has run on this store yet: start `trendwatch serve`, or "
                     "`trendwatch worker` on each machine with PostgreSQL."))
    else:
        holds = workers["holding"].fillna("")
        table = workers.assign(holding=holds)[["host", "pid", "status", "started_at",
                                               "heartbeat_at", "holding"]]
        st.dataframe(table, hide_index=True, column_config={
            "host": st.column_config.TextColumn(_("host")),
            "pid": st.column_config.NumberColumn(_("pid"), format="%d"),
            "status": st.column_config.TextColumn(_("status")),
            "started_at": st.column_config.DatetimeColumn(_("started"), format="YYYY-MM-DD HH:mm:ss"),
            "heartbeat_at": st.column_config.DatetimeColumn(_("last heartbeat"),
                                                            format="YYYY-MM-DD HH:mm:ss"),
            "holding": st.column_config.TextColumn(_("holds")),
        })
    jobs = data.job_rows(url)
    if len(jobs):
        jobs = jobs.assign(last_error=jobs["last_error"].map(redact_text, na_action="ignore"))
        st.dataframe(jobs[["name", "last_status", "last_started_at", "next_run_at",
                           "last_error"]], hide_index=True, column_config={
            "name": st.column_config.TextColumn(_("job")),
            "last_status": st.column_config.TextColumn(_("status")),
            "last_started_at": st.column_config.DatetimeColumn(_("last start"),
                                                               format="YYYY-MM-DD HH:mm:ss"),
            "next_run_at": st.column_config.DatetimeColumn(_("next run"),
                                                           format="YYYY-MM-DD HH:mm:ss"),
            "last_error": st.column_config.TextColumn(_("last error"), width="large"),
        })


def render() -> None:
    ctx = ui.context()
    ui.require_store(ctx)
    st.title(_("Sources"))
    now = data.minute_now()
    health = data.source_health(ctx.url, now)
    if health.empty:
        st.info(_("No source has been collected yet: add `[[sources]]` to feeds.toml and run "
                  "`trendwatch collect` (see *Today*)."))
    else:
        # errors stored by older versions may quote a feed URL with its credentials
        health = health.assign(status=health.apply(health_status, axis=1),
                               last_error=health["last_error"].map(redact_text, na_action="ignore"))
        counts = health["status"].value_counts()
        c = st.columns(4)
        c[0].metric(_("Sources"), ui.fmt_count(len(health)))
        c[1].metric(_("Healthy"), ui.fmt_count(counts.get("ok", 0)))
        c[2].metric(_("Failing"), ui.fmt_count(counts.get("error", 0)))
        c[3].metric(_("Items last 24 h"), ui.fmt_count(health["items_24h"].sum()))
        table = health[["name", "kind", "platform", "status", "last_ok_at", "next_check_at",
                        "items_24h", "items_total", "error_count", "last_error"]]
        st.dataframe(table, hide_index=True, column_config={
            "name": st.column_config.TextColumn(_("name")),
            "kind": st.column_config.TextColumn(_("kind")),
            "platform": st.column_config.TextColumn(_("platform")),
            "status": st.column_config.TextColumn(_("status")),
            "last_ok_at": st.column_config.DatetimeColumn(_("last success"), format="YYYY-MM-DD HH:mm"),
            "next_check_at": st.column_config.DatetimeColumn(_("next check"), format="YYYY-MM-DD HH:mm"),
            "items_24h": st.column_config.NumberColumn(_("items 24 h")),
            "items_total": st.column_config.NumberColumn(_("items")),
            "error_count": st.column_config.NumberColumn(_("errors")),
            "last_error": st.column_config.TextColumn(_("last error"), width="large"),
        })
        failing = health[health["status"].isin(["error", "disabled"])]
        failing_word = _("failing")
        for row in failing.itertuples(index=False):
            # error texts quote servers and feeds: escaped like any feed text
            st.error(f"**{feed(row.name)}** ({safe.md(row.kind)}): "
                     f"{feed(row.last_error or failing_word, max_len=400)} — "
                     + ngettext("%(num)s error in a row, next try %(ago)s",
                                "%(num)s errors in a row, next try %(ago)s", int(row.error_count),
                                ago=ui.ago(row.next_check_at, now)),
                     icon=":material/error:")

    service_section(ctx.url)

    st.header(_("Platform trend series"))
    series = data.trend_series(ctx.url, now - timedelta(days=30))
    if series.empty:
        st.caption(_("No trend series yet: add a Mastodon source with `trends = true` or a "
                     "google_trends source."))
        return
    c1, c2 = st.columns(2)
    platform = c1.selectbox(_("Platform"), sorted(series["platform"].unique()), key="trend_platform")
    part = series[series["platform"] == platform]
    metric = c2.selectbox(_("Metric"), sorted(part["metric"].unique()), key="trend_metric")
    part = part[part["metric"] == metric]
    latest = part.sort_values("at").groupby("term")["value"].last().sort_values(ascending=False)
    terms = st.multiselect(_("Terms"), list(latest.index), default=list(latest.index[:8]),
                           key=f"trend_terms_{platform}_{metric}")
    part = part[part["term"].isin(terms)]
    if part.empty:
        st.caption(_("Choose at least one term."))
        return
    st.altair_chart(charts.trend_lines(part, f"{platform}: {metric}", current()), width="stretch")


render()
