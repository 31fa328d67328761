"""user add/list/remove/passwd: who may sign in to the dashboard, and with which role.

Passwords come from a hidden prompt (asked twice) or, for scripts, one line on stdin
(``--password-stdin``); never from an option, so they stay out of argv, shell history
and ``ps``. They are hashed by the store (argon2id) and never printed.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from trendwatch.cli.common import (
    ago,
    common_options,
    console,
    err_console,
    format_option,
    print_json,
    print_table,
)
from trendwatch.cli.group import cli
from trendwatch.errors import UserError
from trendwatch.store import users as user_rows

password_stdin_option = click.option(
    "--password-stdin", is_flag=True,
    help="read the password from the first line of stdin (for scripts) instead of a prompt")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        password = password[:-1] if password.endswith("\r") else password
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True,
                                err=True)
    user_rows.check_password(password)
    return password


@cli.group("user")
def user_group() -> None:
    """Dashboard sign-in: users with a role (viewer reads and gives feedback; admin also
    edits settings and presses Refresh). Used when [dashboard] auth = "password"."""


@user_group.command("add")
@common_options
@click.argument("name")
@click.option("--role", type=click.Choice(user_rows.ROLES), default="viewer", show_default=True)
@password_stdin_option
def add(env, name: str, role: str, password_stdin: bool) -> None:
    """Create a dashboard user; asks for the password (hidden, twice)."""
    name = user_rows.check_name(name)
    store = env.store()
    if user_rows.get_user(store, name) is not None:  # before the prompt: don't ask in vain
        raise UserError(f"user {name!r} exists already (change its password with "
                        f"`trendwatch user passwd {name}`)")
    password = _read_password(password_stdin)
    user_rows.add_user(store, name, password, role, datetime.now(UTC))
    console.print(f"added {role} {name}", markup=False, highlight=False)


@user_group.command("list")
@common_options
@format_option
def list_cmd(env, fmt: str) -> None:
    """Every dashboard user with role, creation and last sign-in (no password hashes)."""
    rows = user_rows.list_users(env.store())
    if fmt == "json":
        print_json(rows)
        return
    if not rows:
        console.print("no dashboard users yet: [bold]trendwatch user add NAME --role admin[/]")
        return
    now = datetime.now(UTC)
    print_table("dashboard users", ["name", "role", "created", "last sign-in"],
                [[r["name"], r["role"], ago(r["created_at"], now),
                  ago(r["last_login_at"], now) if r["last_login_at"] else "never"] for r in rows])


@user_group.command("remove")
@common_options
@click.argument("name")
def remove(env, name: str) -> None:
    """Delete a dashboard user (signed-in sessions of theirs lose admin rights at once)."""
    store = env.store()
    user_rows.remove_user(store, name)
    console.print(f"removed {name.strip()}", markup=False, highlight=False)
    if user_rows.count_admins(store) == 0:
        err_console.print("[yellow]no admin left:[/] with [dashboard] auth = \"password\" the "
                          "dashboard will not open beyond 127.0.0.1 until one is added "
                          "(trendwatch user add NAME --role admin)")


@user_group.command("passwd")
@common_options
@click.argument("name")
@password_stdin_option
def passwd(env, name: str, password_stdin: bool) -> None:
    """Set a new password for a dashboard user (hidden prompt, twice)."""
    store = env.store()
    if user_rows.get_user(store, name) is None:  # before the prompt: don't ask in vain
        raise UserError(f"there is no user {name.strip()!r} (`trendwatch user list` shows them)")
    user_rows.set_password(store, name, _read_password(password_stdin))
    console.print(f"password changed for {name.strip()}", markup=False, highlight=False)
