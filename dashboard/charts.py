"""Altair chart builders: data frames in, charts out, colours from palette.

Altair is imported lazily: the Today page draws its sparklines from plain Vega-Lite
specs, because building and validating eight Altair charts costs most of a second.

Axis and tooltip titles come from the catalogs in ``language``. Time runs left to right in
every language, right-to-left pages included: line charts in Arabic (and Farsi) news,
finance and school books keep a left-to-right time axis, and readers there expect it
(README, "Language and right-to-left"); only the page around the charts is mirrored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from trendwatch.present import i18n
from trendwatch.present.palette import platform_scale, status_color, status_scale

if TYPE_CHECKING:
    import altair as alt


def sparkline_spec(status: str | None, language: str | None = None) -> dict[str, Any]:
    """Vega-Lite spec of a tiny chart over the window's 6-hour bins: items as an area, distinct
    sources as a line on the same scale, in the status colour."""
    _ = i18n.messages(language).gettext
    colour = status_color(status)
    x = {"field": "bin_start", "type": "temporal", "axis": None}
    tooltip = [{"field": "bin_start", "type": "temporal", "title": _("from"),
                "format": "%a %H:%M"},
               {"field": "items", "type": "quantitative", "title": _("items")},
               {"field": "sources", "type": "quantitative", "title": _("distinct sources")}]
    return {
        "layer": [
            {"mark": {"type": "area", "color": colour, "opacity": 0.2, "interpolate": "monotone"},
             "encoding": {"x": x, "y": {"field": "items", "type": "quantitative", "axis": None,
                                        "scale": {"zero": True}}, "tooltip": tooltip}},
            {"mark": {"type": "line", "color": colour, "interpolate": "monotone"},
             "encoding": {"x": x, "y": {"field": "sources", "type": "quantitative"},
                          "tooltip": tooltip}},
        ],
        "resolve": {"scale": {"y": "shared"}},
        "height": 60,
        "config": {"view": {"strokeWidth": 0}},
    }


def volume_by_platform(frame: pd.DataFrame, bin_unit: str, language: str | None = None) -> alt.Chart:
    """Stacked bars: items per time bin (ordinal, so each bin is a wide bar), per platform."""
    import altair as alt

    _ = i18n.messages(language).gettext

    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(x=alt.X(f"{bin_unit}(published_at):O", title=None),
                y=alt.Y("count():Q", title=_("items")),
                color=alt.Color("platform:N", title=_("platform"),
                                scale=alt.Scale(**platform_scale(list(frame["platform"])))),
                tooltip=[alt.Tooltip(f"{bin_unit}(published_at):T", title=_("time")),
                         alt.Tooltip("platform:N", title=_("platform")),
                         alt.Tooltip("count():Q", title=_("items"))])
        .properties(height=260)
    )


def score_parts(frame: pd.DataFrame, language: str | None = None) -> alt.Chart:
    """Each emergence part over time (long frame: as_of, part, value)."""
    import altair as alt

    _ = i18n.messages(language).gettext

    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(x=alt.X("as_of:T", title=None), y=alt.Y("value:Q", title=_("value")),
                color=alt.Color("part:N", title=_("part")),
                strokeDash=alt.condition(alt.datum.part == "emergence", alt.value([1, 0]),
                                         alt.value([4, 2])),
                tooltip=[alt.Tooltip("as_of:T", title=_("time")), alt.Tooltip("part:N", title=_("part")),
                         alt.Tooltip("value:Q", format=".3f", title=_("value"))])
        .properties(height=260)
    )


def shift_bars(frame: pd.DataFrame, title: str, language: str | None = None) -> alt.Chart:
    """Diverging bars of the change in items per topic, coloured by status."""
    import altair as alt

    _ = i18n.messages(language).gettext

    return (
        alt.Chart(frame, title=title)
        .mark_bar()
        .encode(y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
                x=alt.X("change:Q", title=_("change in items")),
                color=alt.Color("status:N", scale=alt.Scale(**status_scale()), title=_("status")),
                tooltip=["label:N", "shift:N", "previous:Q", "current:Q", "change:Q", "status:N"])
        .properties(height=alt.Step(26), width=640)  # one 26 px band per topic
    )


def status_counts(frame: pd.DataFrame, language: str | None = None) -> alt.Chart:
    import altair as alt

    _ = i18n.messages(language).gettext

    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(x=alt.X("count:Q", title=_("topics")), y=alt.Y("status:N", sort=None, title=None),
                color=alt.Color("status:N", scale=alt.Scale(**status_scale()), legend=None),
                tooltip=["status:N", "count:Q"])
        .properties(height=120)
    )


def trend_lines(frame: pd.DataFrame, title: str, language: str | None = None) -> alt.Chart:
    import altair as alt

    _ = i18n.messages(language).gettext

    return (
        alt.Chart(frame, title=title)
        .mark_line(point=True)
        .encode(x=alt.X("at:T", title=None), y=alt.Y("value:Q", title=_("value")),
                color=alt.Color("term:N", title=_("term")),
                tooltip=["term:N", "metric:N", "at:T", "value:Q", "source:N"])
        .properties(height=300)
    )


def to_png(chart: alt.Chart, scale: float = 2.0) -> bytes:
    """PNG bytes via vl-convert (bundled Vega; no browser, no network)."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(chart.to_json(), scale=scale)
