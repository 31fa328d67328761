"""trendwatch dashboard: `streamlit run dashboard/app.py` (or `make run` / `make demo`).

Reads the same settings as the CLI (TRENDWATCH_CONFIG, TRENDWATCH_DATABASE_URL,
[storage] url). One file per view in `views/`; all store access in `data.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run` puts only this folder on sys.path; the views import `dashboard.*`
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from dashboard import door, lang, ui  # noqa: E402
from dashboard.lang import N_, _  # noqa: E402

PAGES = [
    ("views/today.py", N_("Today"), ":material/wb_sunny:"),
    ("views/inbox.py", N_("Inbox"), ":material/support_agent:"),
    ("views/topics.py", N_("Topics"), ":material/topic:"),
    ("views/ideas.py", N_("Ideas"), ":material/lightbulb:"),
    ("views/shifts.py", N_("Shifts"), ":material/trending_up:"),
    ("views/sources.py", N_("Sources"), ":material/rss_feed:"),
    ("views/settings.py", N_("Settings"), ":material/settings:"),
]


def run() -> None:
    st.set_page_config(page_title="trendwatch", page_icon="📈", layout="wide")
    lang.start_run()  # the language and direction first: the sign-in form speaks it too
    user = door.gate()  # nothing of the store is shown before this returns
    pages = [st.Page(path, title=_(title), icon=icon, default=(i == 0))
             for i, (path, title, icon) in enumerate(PAGES)]
    page = st.navigation(pages)
    st.sidebar.markdown("### trendwatch")
    door.sidebar(user)
    ui.build_context()
    page.run()


run()
