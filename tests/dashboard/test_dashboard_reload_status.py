"""Settings page: it tells the truth about the running service's live reload."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.dashboard.test_dashboard_views import run_app, seeded, texts  # noqa: F401 - fixture
from trendwatch.service.reload import CONFIG_JOB
from trendwatch.store import jobs as job_rows
from trendwatch.store import open_store


def test_settings_shows_the_last_reload_and_when_a_save_arrives(seeded):  # noqa: F811
    url, config, _info = seeded
    store = open_store(url, migrate=False)
    job_rows.job_finished(store, CONFIG_JOB, datetime.now(UTC) - timedelta(minutes=3),
                          "feeds.toml:9: analysis.every: 'soon' is not a duration")
    store.close()
    at = run_app("views/settings.py")
    shown = texts(at)
    assert "could not reload this file (3m ago) and keeps its previous settings" in shown
    assert r"analysis\.every" in shown   # escaped: the error text is data
    at.text_area(key="config_text").input(config.read_text().replace("top = 8", "top = 5")).run()
    at.button(key="config_save").click().run()
    assert not at.exception
    assert "picks this up within 5 seconds" in texts(at)
    assert "until it is restarted" not in texts(at)
