"""The privacy key: never empty or short, created private, from the environment on
PostgreSQL (issue 12, finding 3)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import make_settings
from trendwatch.cli.group import cli
from trendwatch.collect.privacy import MIN_KEY_BYTES, privacy_key
from trendwatch.errors import ConfigError

ON = make_settings('[privacy]\npseudonymize_authors = true\nkey_env = "TW_TEST_PRIVACY_KEY"\n')
OFF = make_settings('[privacy]\npseudonymize_authors = false\nkey_env = "TW_TEST_PRIVACY_KEY"\n')
GOOD = "k" * MIN_KEY_BYTES


@pytest.fixture(autouse=True)
def no_key(monkeypatch):
    monkeypatch.delenv("TW_TEST_PRIVACY_KEY", raising=False)


def sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'db' / 'tw.db'}"


@pytest.mark.parametrize("value", ["", "   ", "short-key"])
def test_an_empty_or_short_key_from_the_environment_is_an_error(monkeypatch, tmp_path, value):
    monkeypatch.setenv("TW_TEST_PRIVACY_KEY", value)
    with pytest.raises(ConfigError, match=r"privacy key from the environment variable "
                                          r"TW_TEST_PRIVACY_KEY (is empty|has \d+ bytes)"):
        privacy_key(ON, sqlite(tmp_path))
    monkeypatch.setenv("TW_TEST_PRIVACY_KEY", GOOD)
    assert privacy_key(ON, sqlite(tmp_path)) == GOOD.encode()


@pytest.mark.parametrize("content", [b"", b"\n", b"0123456789"])
def test_an_empty_or_short_key_file_is_an_error_not_clear_text(tmp_path, content):
    key_file = tmp_path / "db" / "privacy.key"
    key_file.parent.mkdir()
    key_file.write_bytes(content)
    with pytest.raises(ConfigError, match=rf"the key file {key_file} (is empty|has 10 bytes)"):
        privacy_key(ON, sqlite(tmp_path))


def test_privacy_off_needs_no_key(tmp_path):
    assert privacy_key(OFF, "postgresql://u@127.0.0.1/x") is None


def test_the_key_file_is_private_from_its_first_byte(tmp_path, monkeypatch):
    old_umask = os.umask(0)  # the worst case: files are created as the code asks
    seen_modes: list[int] = []
    real_chmod, real_replace = Path.chmod, os.replace

    def watch_chmod(self, mode, **kwargs):
        seen_modes.append(stat.S_IMODE(self.stat().st_mode))  # the mode before it is fixed
        return real_chmod(self, mode, **kwargs)

    def watch_replace(src, dst, *args, **kwargs):
        seen_modes.append(stat.S_IMODE(os.stat(src).st_mode))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(Path, "chmod", watch_chmod)
    monkeypatch.setattr(os, "replace", watch_replace)
    try:
        key = privacy_key(ON, sqlite(tmp_path))
    finally:
        os.umask(old_umask)
    key_file = tmp_path / "db" / "privacy.key"
    assert len(key) >= MIN_KEY_BYTES and key_file.read_bytes() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert all(mode & 0o077 == 0 for mode in seen_modes), [oct(m) for m in seen_modes]
    assert [p.name for p in key_file.parent.iterdir()] == ["privacy.key"]  # no temporary left
    assert privacy_key(ON, sqlite(tmp_path)) == key  # stable across runs


def test_a_readable_key_file_is_made_private(tmp_path):
    key_file = tmp_path / "db" / "privacy.key"
    key_file.parent.mkdir()
    key_file.write_text(GOOD)
    key_file.chmod(0o644)
    assert privacy_key(ON, sqlite(tmp_path)) == GOOD.encode()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_the_key_file_sits_next_to_the_sqlite_file_whatever_the_current_folder(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    privacy_key(ON, sqlite(tmp_path))
    assert (tmp_path / "db" / "privacy.key").exists() and not (elsewhere / "data").exists()


@pytest.mark.parametrize("url", ["postgresql://u@127.0.0.1/x", "postgresql+psycopg://u@h/db",
                                 "sqlite://"])
def test_without_a_file_of_its_own_the_store_needs_the_key_in_the_environment(tmp_path, monkeypatch,
                                                                              url):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="TW_TEST_PRIVACY_KEY is not set"):
        privacy_key(ON, url)
    assert not (tmp_path / "data").exists()  # no key file in whatever folder the process is in
    monkeypatch.setenv("TW_TEST_PRIVACY_KEY", GOOD)
    assert privacy_key(ON, url) == GOOD.encode()


def test_collect_on_postgresql_without_the_key_is_refused_with_a_clear_error(tmp_path, monkeypatch,
                                                                          database_url, backend):
    monkeypatch.delenv("TRENDWATCH_PRIVACY_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "feeds.toml"
    config.write_text('[company]\nname = "Acme"\n')
    result = CliRunner().invoke(cli, ["collect", "-q", "--config", str(config), "--db", database_url])
    if backend == "sqlite":  # the key file beside the database
        assert result.exit_code == 0 and (tmp_path / "privacy.key").exists()
        return
    assert isinstance(result.exception, ConfigError)
    assert "TRENDWATCH_PRIVACY_KEY is not set" in str(result.exception)
    assert not (tmp_path / "data").exists()
