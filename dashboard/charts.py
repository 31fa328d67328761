"""Altair chart builders: data frames in, charts out, colours from palette."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.palette import platform_scale, status_color, status_scale


def sparkline(history: pd.DataFrame, status: str | None, field: str = "distinct_sources") -> alt.Chart:
    """A tiny line of one topic's ``field`` across runs, in its status colour."""
    return (
        alt.Chart(history)
        .mark_area(line={"color": status_color(status)}, color=status_color(status), opacity=0.25,
                   interpolate="monotone")
        .encode(x=alt.X("as_of:T", axis=None),
                y=alt.Y(f"{field}:Q", axis=None, scale=alt.Scale(zero=True)),
                tooltip=[alt.Tooltip("as_of:T", title="run"),
                         alt.Tooltip(f"{field}:Q", title=field.replace("_", " ")),
                         alt.Tooltip("emergence:Q", format=".2f")])
        .properties(height=60)
        .configure_view(strokeWidth=0)
    )


def volume_by_platform(frame: pd.DataFrame, bin_unit: str) -> alt.Chart:
    """Stacked bars: items per time bin, one colour per platform."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(x=alt.X(f"{bin_unit}(published_at):T", title=None),
                y=alt.Y("count():Q", title="items"),
                color=alt.Color("platform:N", scale=platform_scale(list(frame["platform"]))),
                tooltip=[alt.Tooltip(f"{bin_unit}(published_at):T", title="time"),
                         "platform:N", alt.Tooltip("count():Q", title="items")])
        .properties(height=260)
    )


def score_parts(frame: pd.DataFrame) -> alt.Chart:
    """Each emergence part over time (long frame: as_of, part, value)."""
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(x=alt.X("as_of:T", title=None), y=alt.Y("value:Q", title="value"),
                color=alt.Color("part:N", title="part"),
                strokeDash=alt.condition(alt.datum.part == "emergence", alt.value([1, 0]),
                                         alt.value([4, 2])),
                tooltip=["as_of:T", "part:N", alt.Tooltip("value:Q", format=".3f")])
        .properties(height=260)
    )


def shift_bars(frame: pd.DataFrame, title: str) -> alt.Chart:
    """Diverging bars of the change in items per topic, coloured by status."""
    return (
        alt.Chart(frame, title=title)
        .mark_bar()
        .encode(y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
                x=alt.X("change:Q", title="change in items"),
                color=alt.Color("status:N", scale=status_scale(), title="status"),
                tooltip=["label:N", "shift:N", "previous:Q", "current:Q", "change:Q", "status:N"])
        .properties(height=max(120, 24 * len(frame)), width=640)
    )


def status_counts(frame: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(x=alt.X("count:Q", title="topics"), y=alt.Y("status:N", sort=None, title=None),
                color=alt.Color("status:N", scale=status_scale(), legend=None),
                tooltip=["status:N", "count:Q"])
        .properties(height=120)
    )


def trend_lines(frame: pd.DataFrame, title: str) -> alt.Chart:
    return (
        alt.Chart(frame, title=title)
        .mark_line(point=True)
        .encode(x=alt.X("at:T", title=None), y=alt.Y("value:Q", title="value"),
                color=alt.Color("term:N", title="term"),
                tooltip=["term:N", "metric:N", "at:T", "value:Q", "source:N"])
        .properties(height=300)
    )


def to_png(chart: alt.Chart, scale: float = 2.0) -> bytes:
    """PNG bytes via vl-convert (bundled Vega; no browser, no network)."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(chart.to_json(), scale=scale)
