"""The dashboard in a real browser: Debian's chromium, driven headless by Playwright.

Starts `streamlit run dashboard/app.py` on a free 127.0.0.1 port against the seeded
store, opens every view, clicks a feedback button and saves screenshots under
data/screenshots/. Skips (with the reason) only when chromium is not installed;
`.ci/run` installs it with apt-get before `make test`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.seed import seeded_files
from trendwatch.cli.service import streamlit_command
from trendwatch.config.env import CONFIG_ENV, DATABASE_ENV
from trendwatch.store import open_store
from trendwatch.store.schema import feedback

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "data" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}: {proc.stdout.read()}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not become healthy at {base} within {timeout} s")


@pytest.fixture
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("chromium is not installed (apt-get install -y chromium chromium-driver; "
                    ".ci/run does this before make test)")
    return path


@contextmanager
def streamlit_app(cwd: Path, url: str, config: Path) -> Iterator[str]:
    """`streamlit run dashboard/app.py` on a free loopback port against ``url`` and
    ``config``; yields its base URL once healthy, stops it on the way out."""
    port = _free_port()
    env = {**os.environ, DATABASE_ENV: url, CONFIG_ENV: str(config), "PYTHONPATH": str(ROOT),
           "HF_HUB_OFFLINE": "1"}
    # the flags every start of the dashboard uses (trendwatch run / dashboard / demo)
    proc = subprocess.Popen(
        streamlit_command(ROOT / "dashboard" / "app.py", port, "127.0.0.1"),
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def server(tmp_path):
    now = datetime.now(UTC).replace(microsecond=0)
    url, config, info = seeded_files(tmp_path, now)
    with streamlit_app(tmp_path, url, config) as base:
        yield base, url, info


def test_dashboard_in_a_real_browser(chromium, server):
    from playwright.sync_api import expect, sync_playwright

    base, url, info = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            page.goto(base, wait_until="domcontentloaded")

            # Today: a topic card with its label, badge, numbers and the Arabic card right-to-left
            expect(page.get_by_text("E-bike battery swap stations").first).to_be_visible(timeout=60_000)
            expect(page.get_by_text("Why it matters").first).to_be_visible()
            expect(page.get_by_text("carried by 4 outlets").first).to_be_visible()
            # Streamlit's own toolbar is reduced to what a user needs: no Deploy button
            assert page.get_by_role("button", name="Deploy").count() == 0
            arabic = page.locator('div[dir="rtl"]', has_text="الدراجات الكهربائية في دبي").first
            expect(arabic).to_be_visible()
            assert arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
            page.screenshot(path=str(SHOTS / "today.png"), full_page=True)

            # a feedback button writes a row
            page.get_by_role("button", name="Useful").first.click()
            expect(page.get_by_text("Thanks, marked useful.")).to_be_visible(timeout=20_000)
            _wait_for_feedback(url, info.topics["swap"], "useful")

            # the topic page: hostile feed text shows as text, never as markup
            page.get_by_role("button", name="Open topic").first.click()
            expect(page.get_by_text("Outlets that carried the same story")).to_be_visible(timeout=30_000)
            expect(page.get_by_text('<img src=x onerror="alert(1)">', exact=False).first).to_be_visible()
            assert page.locator('img[src="x"], img[src*="evil.example"], script:has-text("alert(2)")').count() == 0
            assert page.locator('a[href^="javascript:"]').count() == 0
            page.screenshot(path=str(SHOTS / "topic.png"), full_page=True)

            for view, marker in (("Ideas", "What would you do?"), ("Shifts", "Appeared"),
                                 ("Sources", "Platform trend series"), ("Settings", "Edit feeds.toml")):
                page.get_by_role("link", name=view).first.click()
                expect(page.get_by_text(marker).first).to_be_visible(timeout=30_000)
                page.wait_for_timeout(800)  # let charts finish drawing before the screenshot
                page.screenshot(path=str(SHOTS / f"{view.lower()}.png"), full_page=True)
            assert not page.get_by_text("Traceback").count()
        finally:
            browser.close()
    assert {p.name for p in SHOTS.glob("*.png")} >= {"today.png", "topic.png", "ideas.png",
                                                      "shifts.png", "sources.png", "settings.png"}


def _wait_for_feedback(url: str, topic_id: int, verdict: str, timeout: float = 10) -> None:
    store = open_store(url, migrate=False)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with store.connect() as conn:
                found = conn.execute(select(feedback.c.id).where(
                    feedback.c.topic_id == topic_id, feedback.c.verdict == verdict)).first()
            if found:
                return
            time.sleep(0.2)
        raise AssertionError(f"no {verdict} feedback row for topic {topic_id}")
    finally:
        store.close()


def test_arabic_dashboard_in_a_real_browser(chromium, tmp_path):
    """language = "ar": the page runs right to left, the navigation is Arabic, and feed text
    keeps its own direction. The screenshot is also the README's (dashboard/demo-today-ar.png)."""
    from playwright.sync_api import expect, sync_playwright

    url, config, _info = seeded_files(tmp_path, datetime.now(UTC).replace(microsecond=0))
    config.write_text(config.read_text().replace("[company]\n", '[company]\nlanguage = "ar"\n', 1))
    shot = tmp_path / "today-ar.png"
    with streamlit_app(tmp_path, url, config) as base:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1800})
                page.goto(base, wait_until="domcontentloaded")
                expect(page.get_by_text("لماذا يهمّ هذا").first).to_be_visible(timeout=60_000)
                main = page.locator('[data-testid="stMain"]')
                assert main.evaluate("e => getComputedStyle(e).direction") == "rtl"
                sidebar = page.locator('[data-testid="stSidebar"]')
                assert sidebar.evaluate("e => getComputedStyle(e).direction") == "rtl"
                assert sidebar.evaluate("e => getComputedStyle(e).textAlign") == "right"
                assert sidebar.bounding_box()["x"] > main.bounding_box()["x"]   # sidebar on the right
                heading = page.locator('[data-testid="stMain"] h1').first
                assert heading.evaluate("e => getComputedStyle(e).textAlign") == "right"
                nav = page.locator('[data-testid="stSidebarNav"]')
                for title in ("اليوم", "المواضيع", "الأفكار", "المصادر", "الإعدادات"):
                    expect(nav.get_by_text(title, exact=True)).to_be_visible()
                expect(page.get_by_role("button", name="فتح الموضوع").first).to_be_visible(timeout=30_000)
                # feed text: the English label stays left-to-right inside the Arabic page
                english = page.locator('div[dir="ltr"]', has_text="E-bike battery swap stations").first
                assert english.evaluate("e => getComputedStyle(e).direction") == "ltr"
                arabic = page.locator('div[dir="rtl"]', has_text="الدراجات الكهربائية في دبي").first
                expect(arabic).to_be_visible()
                page.wait_for_timeout(800)  # let the sparklines finish drawing
                page.screenshot(path=str(shot), full_page=False)
                assert not page.get_by_text("Traceback").count()
            finally:
                browser.close()
    assert shot.stat().st_size > 10_000
    if os.environ.get("TRENDWATCH_UPDATE_SCREENSHOTS"):  # the README's picture, on purpose only
        shutil.copyfile(shot, ROOT / "dashboard" / "demo-today-ar.png")


def test_password_sign_in_in_a_real_browser(chromium, tmp_path):
    """The sign-in form as a browser sees it: nothing before it, a refusal, then the pages."""
    from playwright.sync_api import expect, sync_playwright

    from trendwatch.store.users import add_user

    url, config, _info = seeded_files(tmp_path, datetime.now(UTC).replace(microsecond=0))
    config.write_text(config.read_text() + '\n[dashboard]\nauth = "password"\n')
    store = open_store(url)
    add_user(store, "ada", "admin password 1", "admin", datetime.now(UTC))
    store.close()
    with streamlit_app(tmp_path, url, config) as base:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(base, wait_until="domcontentloaded")
                password = page.get_by_role("textbox", name="Password")
                expect(password).to_be_visible(timeout=60_000)
                assert password.get_attribute("type") == "password"
                assert not page.get_by_text("E-bike battery swap stations").count()
                page.get_by_role("textbox", name="Name").fill("ada")
                password.fill("wrong password")
                page.get_by_role("button", name="Sign in").click()
                expect(page.get_by_text("Wrong name or password.")).to_be_visible(timeout=30_000)
                page.get_by_role("textbox", name="Name").fill("ada")
                page.get_by_role("textbox", name="Password").fill("admin password 1")
                page.get_by_role("button", name="Sign in").click()
                expect(page.get_by_text("E-bike battery swap stations").first).to_be_visible(
                    timeout=60_000)
                expect(page.get_by_text("Signed in as").first).to_be_visible()
                page.get_by_role("button", name="Sign out").click()
                expect(page.get_by_role("textbox", name="Password")).to_be_visible(timeout=30_000)
            finally:
                browser.close()
