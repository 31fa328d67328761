"""The door rule: beyond loopback only with a working sign-in ([dashboard] auth)."""

from __future__ import annotations

import pytest

from tests.conftest import make_settings
from trendwatch.config.door import (
    OIDC_KEYS,
    door_refusal,
    is_loopback,
    oidc_problems,
    secrets_files,
)
from trendwatch.errors import ConfigError

COMPLETE = ("[auth]\nredirect_uri = \"https://tw.example/oauth2callback\"\n"
            "cookie_secret = \"s3cr3t-cookie\"\nclient_id = \"tw\"\n"
            "client_secret = \"s3cr3t-client\"\n"
            "server_metadata_url = \"https://idp.example/.well-known/openid-configuration\"\n")


@pytest.mark.parametrize("address", ["127.0.0.1", "127.3.4.5", "::1", "[::1]", "localhost"])
def test_loopback_addresses(address):
    assert is_loopback(address)


@pytest.mark.parametrize("address", ["0.0.0.0", "::", "", "192.168.1.5", "10.0.0.1",
                                     "example.com", "127.0.0.1.example.com"])
def test_beyond_loopback_addresses(address):
    assert not is_loopback(address)


def test_loopback_opens_with_any_auth():
    for auth in ("none", "password", "oidc"):
        assert door_refusal("127.0.0.1", auth, admins=0, oidc=["broken"]) is None


def test_beyond_loopback_needs_a_sign_in():
    assert "without a sign-in" in door_refusal("0.0.0.0", "none")
    assert "no admin user" in door_refusal("0.0.0.0", "password", admins=0)
    assert door_refusal("0.0.0.0", "password", admins=1) is None
    assert "lacks client_id" in door_refusal("0.0.0.0", "oidc", oidc=["[auth] … lacks client_id"])
    assert door_refusal("0.0.0.0", "oidc", oidc=[]) is None


def test_oidc_problems_name_what_is_missing_never_the_values(tmp_path):
    home, cwd = tmp_path / "home", tmp_path / "project"
    files = secrets_files(cwd, home)
    assert "no .streamlit/secrets.toml" in oidc_problems(files, authlib=True)[0]
    (cwd / ".streamlit").mkdir(parents=True)
    (cwd / ".streamlit" / "secrets.toml").write_text('[other]\nx = 1\n')
    assert "no [auth] table" in oidc_problems(files, authlib=True)[0]
    partial = "\n".join(line for line in COMPLETE.splitlines()
                        if not line.startswith(("client_secret", "server_metadata_url")))
    (cwd / ".streamlit" / "secrets.toml").write_text(partial)
    problems = oidc_problems(files, authlib=True)
    assert problems == ["[auth] in .streamlit/secrets.toml lacks client_secret, server_metadata_url"]
    assert "s3cr3t" not in " ".join(problems)
    (cwd / ".streamlit" / "secrets.toml").write_text(COMPLETE)
    assert oidc_problems(files, authlib=True) == []
    assert any("Authlib" in p for p in oidc_problems(files, authlib=False))


def test_oidc_keys_merge_across_files_like_streamlit(tmp_path):
    home, cwd = tmp_path / "home", tmp_path / "project"
    for folder in (home, cwd):
        (folder / ".streamlit").mkdir(parents=True)
    lines = COMPLETE.splitlines()
    (home / ".streamlit" / "secrets.toml").write_text("\n".join(lines[:3]))
    (cwd / ".streamlit" / "secrets.toml").write_text("\n".join([lines[0], *lines[3:]]))
    assert oidc_problems(secrets_files(cwd, home), authlib=True) == []
    assert set(OIDC_KEYS) == {line.split(" =")[0] for line in lines[1:]}


def test_auth_setting_defaults_to_none_and_names_the_choices():
    assert make_settings().dashboard.auth == "none"
    assert make_settings('[dashboard]\nauth = "password"\n').dashboard.auth == "password"
    with pytest.raises(ConfigError, match="auth must be one of 'none', 'password', 'oidc'"):
        make_settings('[dashboard]\nauth = "ldap"\n')
    settings = make_settings('[dashboard]\nauth = "oidc"\nadmins = [" Ana@Example.com"]\n')
    assert settings.dashboard.admins == ["ana@example.com"]
    with pytest.raises(ConfigError, match="e-mail"):
        make_settings('[dashboard]\nadmins = ["ana"]\n')
