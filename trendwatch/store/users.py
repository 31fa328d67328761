"""Dashboard users: names, roles and argon2id password hashes (``trendwatch user …``).

The password itself is never stored, logged or returned; ``list_users`` leaves the hash
out too. ``verify`` answers in about the same time whether the name exists or not (an
unknown name is checked against a dummy hash), so timing does not tell which names exist.
"""

from __future__ import annotations

import functools
import unicodedata
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from trendwatch.errors import UserError
from trendwatch.store.db import Store
from trendwatch.store.schema import users

ROLES = ("viewer", "admin")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # argon2 takes any length; a megabyte "password" is only a way to burn CPU
MAX_NAME = 200

HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters


def check_name(name: str) -> str:
    """The name as stored (trimmed), or UserError saying what is wrong with it."""
    name = name.strip()
    if not name:
        raise UserError("a user name must not be empty")
    if len(name) > MAX_NAME:
        raise UserError(f"a user name has at most {MAX_NAME} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise UserError("a user name must not contain control or invisible format characters")
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"a password has at most {MAX_PASSWORD} characters")


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    return role


def add_user(store: Store, name: str, password: str, role: str, now: datetime, *,
             hasher: PasswordHasher = HASHER) -> str:
    """Create a user; UserError when the name is taken or name/password/role is unusable."""
    name = check_name(name)
    check_password(password)
    check_role(role)
    row = {"name": name, "password_hash": hasher.hash(password), "role": role,
           "created_at": now, "last_login_at": None}
    try:
        with store.begin() as conn:
            conn.execute(insert(users).values(**row))
    except IntegrityError as exc:
        raise UserError(f"user {name!r} exists already (change its password with "
                        f"`trendwatch user passwd {name}`)") from exc
    return name


def list_users(store: Store) -> list[dict[str, Any]]:
    """Every user with role and times, by name; never the hash."""
    with store.connect() as conn:
        rows = conn.execute(select(users.c.name, users.c.role, users.c.created_at,
                                   users.c.last_login_at).order_by(users.c.name)).mappings()
        return [dict(r) for r in rows]


def get_user(store: Store, name: str) -> dict[str, Any] | None:
    """Name, role and times of one user (no hash), or None."""
    with store.connect() as conn:
        row = conn.execute(select(users.c.name, users.c.role, users.c.created_at,
                                  users.c.last_login_at)
                           .where(users.c.name == name.strip())).mappings().first()
        return dict(row) if row else None


def count_admins(store: Store) -> int:
    with store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(users)
                                .where(users.c.role == "admin")).scalar_one())


def remove_user(store: Store, name: str) -> None:
    """Delete a user; UserError when there is none of that name."""
    with store.begin() as conn:
        gone = conn.execute(delete(users).where(users.c.name == name.strip())).rowcount
    if not gone:
        raise UserError(f"there is no user {name.strip()!r} (`trendwatch user list` shows them)")


def set_password(store: Store, name: str, password: str, *,
                 hasher: PasswordHasher = HASHER) -> None:
    check_password(password)
    with store.begin() as conn:
        changed = conn.execute(update(users).where(users.c.name == name.strip())
                               .values(password_hash=hasher.hash(password))).rowcount
    if not changed:
        raise UserError(f"there is no user {name.strip()!r} (`trendwatch user list` shows them)")


def set_role(store: Store, name: str, role: str) -> None:
    check_role(role)
    with store.begin() as conn:
        changed = conn.execute(update(users).where(users.c.name == name.strip())
                               .values(role=role)).rowcount
    if not changed:
        raise UserError(f"there is no user {name.strip()!r} (`trendwatch user list` shows them)")


@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    # same parameters as real hashes, so an unknown name costs what a known one costs
    return hasher.hash("not a password: unknown user")


def verify(store: Store, name: str, password: str, now: datetime | None = None, *,
           hasher: PasswordHasher = HASHER) -> dict[str, Any] | None:
    """The user (name, role) when ``password`` is theirs, else None, for a wrong password
    and an unknown name alike. A hash made with older parameters is replaced by one with
    the current ones; ``now`` (a sign-in) is recorded as ``last_login_at``."""
    name = name.strip()
    if len(password) > MAX_PASSWORD:
        return None
    with store.connect() as conn:
        row = conn.execute(select(users.c.name, users.c.role, users.c.password_hash)
                           .where(users.c.name == name)).mappings().first() if name else None
    if row is None:
        try:
            hasher.verify(_dummy_hash(hasher), password)
        except VerificationError:
            pass
        return None
    try:
        hasher.verify(row["password_hash"], password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    values: dict[str, Any] = {}
    if hasher.check_needs_rehash(row["password_hash"]):
        values["password_hash"] = hasher.hash(password)
    if now is not None:
        values["last_login_at"] = now
    if values:
        with store.begin() as conn:
            conn.execute(update(users).where(users.c.name == name).values(**values))
    return {"name": row["name"], "role": row["role"]}
