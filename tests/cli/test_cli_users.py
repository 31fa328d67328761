"""trendwatch user add/list/remove/passwd: hidden prompts, stdin for scripts, no echo."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from trendwatch.cli import cli
from trendwatch.errors import UserError
from trendwatch.store import open_store
from trendwatch.store import users as user_rows

PASSWORD = "a long enough secret"


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'tw.db'}"


def _run(args, db, **kwargs):
    return CliRunner().invoke(cli, ["user", *args, "--db", db], **kwargs)


def test_user_add_asks_twice_hidden_and_never_echoes(db):
    result = _run(["add", "ana", "--role", "admin"], db, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert "Repeat for confirmation" in result.output
    store = open_store(db)
    assert user_rows.verify(store, "ana", PASSWORD) == {"name": "ana", "role": "admin"}


def test_user_add_prompt_refuses_a_mismatched_confirmation(db):
    result = _run(["add", "ana"], db, input=f"{PASSWORD}\nsomething else\n")
    assert result.exit_code != 0
    assert user_rows.list_users(open_store(db)) == []


def test_user_add_password_stdin_for_scripts_and_default_role_viewer(db):
    result = _run(["add", "bo", "--password-stdin"], db, input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert user_rows.verify(open_store(db), "bo", PASSWORD) == {"name": "bo", "role": "viewer"}


def test_user_add_refuses_short_password_and_taken_name(db):
    result = _run(["add", "bo", "--password-stdin"], db, input="short\n")
    assert isinstance(result.exception, UserError)
    assert user_rows.list_users(open_store(db)) == []
    _run(["add", "bo", "--password-stdin"], db, input=f"{PASSWORD}\n")
    result = _run(["add", "bo", "--password-stdin"], db, input=f"{PASSWORD}\n")
    assert isinstance(result.exception, UserError) and "exists already" in str(result.exception)


def test_no_option_takes_the_password_in_argv():
    for command in ("add", "passwd"):
        params = {p.name for p in cli.commands["user"].commands[command].params}
        assert "password" not in params
        assert "password_stdin" in params


def test_user_list_passwd_remove(db):
    _run(["add", "ana", "--role", "admin", "--password-stdin"], db, input=f"{PASSWORD}\n")
    _run(["add", "bo", "--password-stdin"], db, input=f"{PASSWORD}\n")
    listed = _run(["list", "--format", "json"], db)
    rows = json.loads(listed.output)
    assert [(r["name"], r["role"]) for r in rows] == [("ana", "admin"), ("bo", "viewer")]
    assert "hash" not in listed.output and "argon2" not in listed.output
    table = _run(["list"], db)
    assert "ana" in table.output and "never" in table.output

    new = "a different long secret"
    result = _run(["passwd", "bo"], db, input=f"{new}\n{new}\n")
    assert result.exit_code == 0, result.output
    assert new not in result.output
    store = open_store(db)
    assert user_rows.verify(store, "bo", PASSWORD) is None
    assert user_rows.verify(store, "bo", new) is not None
    result = _run(["passwd", "nobody", "--password-stdin"], db, input=f"{new}\n")
    assert isinstance(result.exception, UserError)

    result = _run(["remove", "ana"], db)
    assert result.exit_code == 0
    assert "no admin left" in result.output
    assert [u["name"] for u in user_rows.list_users(store)] == ["bo"]
    result = _run(["remove", "ana"], db)
    assert isinstance(result.exception, UserError)
