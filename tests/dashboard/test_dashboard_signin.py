"""Sign-in, roles and the risky-save re-entry, under streamlit's AppTest and as pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from dashboard import data
from dashboard.access import LOCAL_USER, SessionUser, SignInThrottle, oidc_role
from dashboard.guard import REENTER, REFUSE, SAVE, decide_save
from trendwatch.config.env import CONFIG_ENV, DATABASE_ENV
from trendwatch.errors import AccessDenied, ReauthRequired
from trendwatch.store import jobs as job_rows
from trendwatch.store import open_store
from trendwatch.store.users import add_user, remove_user, set_role

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")
SETTINGS_PAGE = str(ROOT / "dashboard" / "views" / "settings.py")
ADMIN_PW = "admin password 1"
VIEWER_PW = "viewer password 1"
CONFIG = ('[company]\nname = "Acme"\n[dashboard]\nauth = "password"\n'
          '[ideas]\ngenerator = "llm"\nbase_url = "http://127.0.0.1:11434/v1"\nmodel = "m"\n'
          'api_key_env = "LLM_KEY"\n')
HOSTILE = CONFIG.replace("http://127.0.0.1:11434/v1", "https://evil.example/v1") \
    .replace("LLM_KEY", "SMTP_PASSWORD")


@pytest.fixture
def door(tmp_path, monkeypatch):
    """A password-protected dashboard: config, migrated store, one admin and one viewer."""
    config = tmp_path / "feeds.toml"
    config.write_text(CONFIG)
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    store = open_store(url)
    now = datetime.now(UTC)
    add_user(store, "ada", ADMIN_PW, "admin", now)
    add_user(store, "vic", VIEWER_PW, "viewer", now)
    monkeypatch.setenv(CONFIG_ENV, str(config))
    monkeypatch.setenv(DATABASE_ENV, url)
    data.sign_in_throttle.clear()  # one throttle per server: fresh for each test
    yield config, url, store
    data.sign_in_throttle.clear()
    store.close()


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    at.button(key="sign_in_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _signed_in(at: AppTest) -> bool:
    return not any(w.key == "sign_in_name" for w in at.text_input)


def _forge_click(button):
    """A hand-made websocket message pressing a button the page drew disabled."""
    button.proto.disabled = False
    return button.click()


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


# --- sign-in ---------------------------------------------------------------------------


def test_sign_in_form_comes_before_any_page(door):
    at = _app()
    assert not _signed_in(at)
    assert at.text_input(key="sign_in_password").proto.type == 1  # PASSWORD
    assert not any(b.key == "refresh_now" for b in at.button)  # nothing of the store shown
    assert not at.title or at.title[0].value == "trendwatch"
    assert "Today" not in [t.value for t in at.title]


def test_wrong_password_and_unknown_name_get_the_same_answer(door):
    at = _sign_in(_app(), "ada", "not the password")
    assert not _signed_in(at) and _errors(at) == ["Wrong name or password."]
    at = _sign_in(_app(), "nobody", "not the password")
    assert not _signed_in(at) and _errors(at) == ["Wrong name or password."]
    at = _sign_in(_app(), "ada", ADMIN_PW)
    assert _signed_in(at) and not _errors(at)
    assert any("Signed in as **ada** (admin)" in c.value for c in at.sidebar.caption)


def test_failed_sign_ins_are_throttled_per_name(door):
    at = _app()
    for _ in range(5):
        _sign_in(at, "ada", "not the password")
    at = _sign_in(at, "ada", ADMIN_PW)  # right password, but too soon
    assert not _signed_in(at)
    assert any("Too many failed sign-ins" in e for e in _errors(at))
    at = _sign_in(_app(), "vic", VIEWER_PW)  # another name is not held up
    assert _signed_in(at)


def test_sign_out_returns_to_the_form(door):
    at = _sign_in(_app(), "vic", VIEWER_PW)
    assert _signed_in(at)
    at.button(key="sign_out").click().run()
    assert not _signed_in(at)


def test_a_removed_user_is_signed_out_on_the_next_click(door):
    _config, _url, store = door
    at = _sign_in(_app(), "vic", VIEWER_PW)
    remove_user(store, "vic")
    at.run()
    assert not _signed_in(at)


# --- roles -------------------------------------------------------------------------------


def test_viewer_reads_but_cannot_refresh_or_save(door):
    config, url, store = door
    at = _sign_in(_app(), "vic", VIEWER_PW)
    refresh = at.button(key="refresh_now")
    assert refresh.disabled
    _forge_click(refresh).run()  # Streamlit drops it; data.ask_refresh would refuse it too
    assert not at.exception
    assert (job_rows.get_job(store, job_rows.REFRESH) or {}).get("next_run_at") is None

    at.switch_page("views/settings.py").run()
    assert not at.exception
    assert at.button(key="config_save").disabled
    at.text_area(key="config_text").input(CONFIG.replace('"Acme"', '"Evil"')).run()
    _forge_click(at.button(key="config_save")).run()
    assert not at.exception
    assert config.read_text() == CONFIG
    assert any("only an admin can save" in c.value for c in at.caption)


def test_admin_can_refresh_and_save(door):
    config, url, store = door
    at = _sign_in(_app(), "ada", ADMIN_PW)
    at.button(key="refresh_now").click().run()
    assert not at.exception
    assert job_rows.get_job(store, job_rows.REFRESH)["next_run_at"] is not None
    at.switch_page("views/settings.py").run()
    edited = CONFIG.replace('"Acme"', '"Acme Bikes"')
    at.text_area(key="config_text").input(edited).run()
    at.button(key="config_save").click().run()
    assert not at.exception
    assert config.read_text() == edited


def test_data_refuses_viewers_and_demoted_admins_server_side(door):
    config, url, store = door
    viewer = SessionUser("vic", "viewer", "password")
    now = datetime.now(UTC)
    with pytest.raises(AccessDenied, match="only an admin"):
        data.ask_refresh(url, now, timedelta(minutes=5), user=viewer)
    with pytest.raises(AccessDenied, match="only an admin"):
        data.request_refresh(url, now, user=None)
    text, mtime = data.read_config_text(config)
    with pytest.raises(AccessDenied, match="only an admin"):
        data.save_config(config, text.replace("Acme", "Evil"), mtime, user=viewer)
    # a session that still says admin after the role was taken away
    stale = SessionUser("ada", "admin", "password")
    set_role(store, "ada", "viewer")
    with pytest.raises(AccessDenied, match="no longer an admin"):
        data.save_config(config, text.replace("Acme", "Evil"), mtime, user=stale)
    # the local user exists only while auth = "none"
    with pytest.raises(AccessDenied, match="no longer an admin"):
        data.ask_refresh(url, now, timedelta(minutes=5), user=LOCAL_USER)
    assert config.read_text() == CONFIG
    assert (job_rows.get_job(store, job_rows.REFRESH) or {}).get("next_run_at") is None


# --- the risky save --------------------------------------------------------------------


def test_risky_save_asks_the_admin_to_reenter_the_password(door):
    config, _url, _store = door
    at = _sign_in(_app(), "ada", ADMIN_PW)
    at.switch_page("views/settings.py").run()
    at.text_area(key="config_text").input(HOSTILE).run()
    at.button(key="config_save").click().run()
    assert not at.exception
    assert config.read_text() == CONFIG
    assert any("your password to save it" in w.value for w in at.warning)
    at.text_input(key="config_reenter_password").input(VIEWER_PW)  # someone else's
    at.button(key="config_reenter_confirm").click().run()
    assert config.read_text() == CONFIG
    assert any("password did not match" in e for e in _errors(at))
    at.text_input(key="config_reenter_password").input(ADMIN_PW)
    at.button(key="config_reenter_confirm").click().run()
    assert not at.exception
    assert config.read_text() == HOSTILE
    assert any("restart" in s.value for s in at.success)


def test_risky_save_can_be_cancelled(door):
    config, _url, _store = door
    at = _sign_in(_app(), "ada", ADMIN_PW)
    at.switch_page("views/settings.py").run()
    at.text_area(key="config_text").input(HOSTILE).run()
    at.button(key="config_save").click().run()
    at.button(key="config_reenter_cancel").click().run()
    assert config.read_text() == CONFIG
    assert not any(w.key == "config_reenter_password" for w in at.text_input)


def test_save_config_needs_the_password_for_a_risky_change_server_side(door):
    config, _url, _store = door
    admin = SessionUser("ada", "admin", "password")
    text, mtime = data.read_config_text(config)
    with pytest.raises(ReauthRequired, match="Re-enter your password"):
        data.save_config(config, HOSTILE, mtime, user=admin)
    with pytest.raises(ReauthRequired, match="did not match"):
        data.save_config(config, HOSTILE, mtime, user=admin, password="guess guess")
    assert config.read_text() == CONFIG
    data.save_config(config, HOSTILE, mtime, user=admin, password=ADMIN_PW)
    assert config.read_text() == HOSTILE


def test_oidc_admins_cannot_make_a_risky_save_from_the_page(door):
    config, _url, _store = door
    oidc = CONFIG.replace('auth = "password"', 'auth = "oidc"\nadmins = ["ada@example.com"]')
    config.write_text(oidc)
    text, mtime = data.read_config_text(config)
    oidc_admin = SessionUser("ada@example.com", "admin", "oidc")
    hostile = oidc.replace("http://127.0.0.1:11434/v1", "https://evil.example/v1") \
        .replace("LLM_KEY", "SMTP_PASSWORD")
    with pytest.raises(AccessDenied, match="edit the file on the server"):
        data.save_config(config, hostile, mtime, user=oidc_admin, password=ADMIN_PW)
    assert config.read_text() == oidc
    one_step = oidc.replace("LLM_KEY", "OTHER_KEY")
    data.save_config(config, one_step, mtime, user=oidc_admin)
    assert config.read_text() == one_step
    # dropped from [dashboard] admins: the open session loses the role at once
    config.write_text(one_step.replace('admins = ["ada@example.com"]', "admins = []"))
    text, mtime = data.read_config_text(config)
    with pytest.raises(AccessDenied, match="no longer an admin"):
        data.save_config(config, text.replace("Acme", "Acme2"), mtime, user=oidc_admin)


# --- the door on a non-loopback address ----------------------------------------------------


@pytest.fixture
def listening_everywhere():
    st_config.set_option("server.address", "0.0.0.0")
    yield
    st_config.set_option("server.address", None)


def test_no_sign_in_beyond_loopback_shows_a_closed_door(tmp_path, monkeypatch,
                                                       listening_everywhere):
    config = tmp_path / "feeds.toml"
    config.write_text('[company]\nname = "Acme"\n')
    monkeypatch.setenv(CONFIG_ENV, str(config))
    monkeypatch.setenv(DATABASE_ENV, f"sqlite:///{tmp_path / 'tw.db'}")
    at = _app()
    assert any("The dashboard is closed" in e for e in _errors(at))
    assert not any(b.key == "refresh_now" for b in at.button)
    at = AppTest.from_file(SETTINGS_PAGE, default_timeout=60).run()  # a page on its own too
    assert not any(t.key == "config_text" for t in at.text_area)


def test_local_user_on_loopback_is_admin_and_the_page_says_so(tmp_path, monkeypatch):
    config = tmp_path / "feeds.toml"
    config.write_text('[company]\nname = "Acme"\n')
    monkeypatch.setenv(CONFIG_ENV, str(config))
    monkeypatch.setenv(DATABASE_ENV, f"sqlite:///{tmp_path / 'tw.db'}")
    at = _app()
    assert any("you are the local user, an **admin**" in c.value for c in at.sidebar.caption)


def test_a_broken_config_keeps_a_locked_door_locked(door):
    config, _url, _store = door
    config.write_text(CONFIG.replace('[company]\nname = "Acme"\n', ""))  # invalid, still TOML
    at = _app()
    assert not _signed_in(at)


# --- pure rules ----------------------------------------------------------------------------


def test_decide_save():
    admin = SessionUser("ada", "admin", "password")
    viewer = SessionUser("vic", "viewer", "password")
    oidc = SessionUser("ada@example.com", "admin", "oidc")
    risky = (["ideas.base_url"], ["ideas.api_key_env"])
    assert decide_save([], [], admin).action == SAVE
    assert decide_save(["ideas.base_url"], [], admin).action == SAVE
    assert decide_save([], ["ideas.api_key_env"], LOCAL_USER).action == SAVE
    assert decide_save(*risky, admin).action == REENTER
    assert decide_save(*risky, oidc).action == REFUSE
    assert decide_save(*risky, LOCAL_USER).action == REFUSE
    refused = decide_save([], [], viewer)
    assert refused.action == REFUSE and "viewer" in refused.reason
    assert decide_save(*risky, viewer).action == REFUSE


def test_sign_in_throttle():
    t0 = datetime(2026, 12, 1, 12, tzinfo=UTC)
    throttle = SignInThrottle(tries=5, wait=timedelta(seconds=30))
    for i in range(4):
        throttle.failed("Ada", t0 + timedelta(seconds=i))
        assert throttle.wait_left("ada", t0 + timedelta(seconds=i)) == timedelta(0)
    throttle.failed(" ada ", t0 + timedelta(seconds=4))
    assert throttle.wait_left("ADA", t0 + timedelta(seconds=4)) == timedelta(seconds=30)
    assert throttle.wait_left("ada", t0 + timedelta(seconds=20)) == timedelta(seconds=14)
    assert throttle.wait_left("nobody", t0) == timedelta(0)
    later = t0 + timedelta(seconds=34)
    assert throttle.wait_left("ada", later) == timedelta(0)  # one more try
    throttle.failed("ada", later)
    assert throttle.wait_left("ada", later) == timedelta(seconds=30)  # and locked again
    throttle.succeeded("ada")
    assert throttle.wait_left("ada", later) == timedelta(0)


def test_sign_in_throttle_forgets_old_names():
    t0 = datetime(2026, 12, 1, 12, tzinfo=UTC)
    throttle = SignInThrottle(forget=timedelta(minutes=15))
    throttle.failed("a", t0)
    throttle.failed("b", t0 + timedelta(minutes=20))
    assert set(throttle._failures) == {"b"}


def test_oidc_role():
    admins = ["ada@example.com"]
    assert oidc_role("Ada@Example.com", admins, email_verified=True) == "admin"
    assert oidc_role("ada@example.com", admins, email_verified=None) == "admin"
    assert oidc_role("ada@example.com", admins, email_verified=False) == "viewer"
    assert oidc_role("bob@example.com", admins, email_verified=True) == "viewer"
    assert oidc_role(None, admins, email_verified=True) == "viewer"


def test_oidc_shows_only_the_identity_provider_button_until_signed_in(tmp_path, monkeypatch):
    from dashboard import door as door_module

    config = tmp_path / "feeds.toml"
    config.write_text('[company]\nname = "Acme"\n[dashboard]\nauth = "oidc"\n'
                      'admins = ["ada@example.com"]\n')
    monkeypatch.setenv(CONFIG_ENV, str(config))
    monkeypatch.setenv(DATABASE_ENV, f"sqlite:///{tmp_path / 'tw.db'}")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    at = _app()  # no secrets.toml: say what is missing, offer no button that cannot work
    assert any("not set up on the server" in e and "secrets.toml" in e.replace("\\", "")
               for e in _errors(at))
    assert not at.button and not at.text_area
    monkeypatch.setattr(door_module, "oidc_problems", lambda files: [])
    at = _app()
    assert [b.key for b in at.button] == ["oidc_sign_in"]
    assert not at.text_area
