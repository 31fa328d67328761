"""Altair chart builders: data frames in, charts out, colours from palette.

Altair is imported lazily: the Today page draws its sparklines from plain Vega-Lite
specs, because building and validating eight Altair charts costs most of a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from trendwatch.present.palette import platform_scale, status_color, status_scale

if TYPE_CHECKING:
    import altair as alt


def sparkline_spec(status: str | None, field: str = "distinct_sources") -> dict[str, Any]:
    """Vega-Lite spec of a tiny area line of ``field`` across runs, in the status colour."""
    colour = status_color(status)
    return {
        "mark": {"type": "area", "line": {"color": colour}, "color": colour, "opacity": 0.25,
                 "interpolate": "monotone"},
        "encoding": {
            "x": {"field": "as_of", "type": "temporal", "axis": None},
            "y": {"field": field, "type": "quantitative", "axis": None, "scale": {"zero": True}},
            "tooltip": [{"field": "as_of", "type": "temporal", "title": "run"},
                        {"field": field, "type": "quantitative",
                         "title": field.replace("_", " ")},
                        {"field": "emergence", "type": "quantitative", "format": ".2f"}],
        },
        "height": 60,
        "config": {"view": {"strokeWidth": 0}},
    }


def volume_by_platform(frame: pd.DataFrame, bin_unit: str) -> alt.Chart:
    """Stacked bars: items per time bin (ordinal, so each bin is a wide bar), per platform."""
    import altair as alt

    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(x=alt.X(f"{bin_unit}(published_at):O", title=None),
                y=alt.Y("count():Q", title="items"),
                color=alt.Color("platform:N",
                                scale=alt.Scale(**platform_scale(list(frame["platform"])))),
                tooltip=[alt.Tooltip(f"{bin_unit}(published_at):T", title="time"),
                         "platform:N", alt.Tooltip("count():Q", title="items")])
        .properties(height=260)
    )


def score_parts(frame: pd.DataFrame) -> alt.Chart:
    """Each emergence part over time (long frame: as_of, part, value)."""
    import altair as alt

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
    import altair as alt

    return (
        alt.Chart(frame, title=title)
        .mark_bar()
        .encode(y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
                x=alt.X("change:Q", title="change in items"),
                color=alt.Color("status:N", scale=alt.Scale(**status_scale()), title="status"),
                tooltip=["label:N", "shift:N", "previous:Q", "current:Q", "change:Q", "status:N"])
        .properties(height=alt.Step(26), width=640)  # one 26 px band per topic
    )


def status_counts(frame: pd.DataFrame) -> alt.Chart:
    import altair as alt

    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(x=alt.X("count:Q", title="topics"), y=alt.Y("status:N", sort=None, title=None),
                color=alt.Color("status:N", scale=alt.Scale(**status_scale()), legend=None),
                tooltip=["status:N", "count:Q"])
        .properties(height=120)
    )


def trend_lines(frame: pd.DataFrame, title: str) -> alt.Chart:
    import altair as alt

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
