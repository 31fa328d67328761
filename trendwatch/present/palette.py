"""One palette for every page: a status has the same colour in each chart and badge."""

from __future__ import annotations

STATUSES = ("emerging", "watch", "established", "fading")
SIGNALS = ("strong", "weak", "noise")

# colour-blind-safe (Tableau 10 / Okabe-Ito family), readable on white and dark themes
STATUS_COLORS = {
    "emerging": "#E8590C",     # orange: act now
    "watch": "#7048E8",        # violet: keep an eye on it
    "established": "#1C7ED6",  # blue: the steady conversation
    "fading": "#868E96",       # grey: on its way out
}
# st.badge only knows named colours; these are the nearest to STATUS_COLORS
STATUS_BADGE = {"emerging": "orange", "watch": "violet", "established": "blue", "fading": "gray"}
SIGNAL_BADGE = {"strong": "green", "weak": "orange", "noise": "gray"}
# Material icons ship with Streamlit; emoji depend on the viewer's fonts
STATUS_ICON = {"emerging": ":material/local_fire_department:", "watch": ":material/visibility:",
               "established": ":material/push_pin:", "fading": ":material/trending_down:"}

PLATFORM_COLORS = {
    "news": "#495057", "rss": "#495057", "mastodon": "#6364FF", "bluesky": "#0085FF",
    "reddit": "#FF4500", "hackernews": "#FF6600", "youtube": "#FF0000",
    "google_trends": "#34A853", "x": "#14171A", "linkedin": "#0A66C2",
}
_FALLBACK = ["#2F9E44", "#C2255C", "#F59F00", "#0C8599", "#5F3DC4", "#D6336C"]


def status_color(status: str | None) -> str:
    return STATUS_COLORS.get(status or "", "#ADB5BD")


def status_scale() -> dict:
    """Vega-Lite scale (a dict, so the palette needs no Altair import): status → colour."""
    return {"domain": list(STATUSES), "range": [STATUS_COLORS[s] for s in STATUSES]}


def platform_scale(platforms: list[str]) -> dict:
    ordered = sorted(set(platforms))
    colours, spare = [], iter(_FALLBACK * 4)
    for name in ordered:
        colours.append(PLATFORM_COLORS.get(name) or next(spare))
    return {"domain": ordered, "range": colours}


def badge_color(status: str | None) -> str:
    return STATUS_BADGE.get(status or "", "gray")
