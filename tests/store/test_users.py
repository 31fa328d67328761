"""Dashboard users in the store: argon2id hashes, verify, rehash, roles (both backends)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from trendwatch.errors import UserError
from trendwatch.store import users as user_rows
from trendwatch.store.schema import users

PASSWORD = "correct horse battery"
# light parameters keep the suite quick; the rehash test uses the real ones
FAST_PARAMS = {"time_cost": 1, "memory_cost": 8192, "parallelism": 1}
FAST = PasswordHasher(**FAST_PARAMS)


class CountingHasher(PasswordHasher):
    verified = 0

    def verify(self, hash, password):  # noqa: A002 - the library's parameter name
        self.verified += 1
        return super().verify(hash, password)


def _hash_of(store, name):
    with store.connect() as conn:
        return conn.execute(select(users.c.password_hash).where(users.c.name == name)).scalar_one()


def test_add_stores_an_argon2id_hash_never_the_password(store, now):
    user_rows.add_user(store, "  ana ", PASSWORD, "admin", now, hasher=FAST)
    stored = _hash_of(store, "ana")
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    listed = user_rows.list_users(store)
    assert listed == [{"name": "ana", "role": "admin", "created_at": now, "last_login_at": None}]
    assert user_rows.count_admins(store) == 1


def test_add_refuses_a_taken_name_a_bad_role_and_a_short_password(store, now):
    user_rows.add_user(store, "ana", PASSWORD, "viewer", now, hasher=FAST)
    with pytest.raises(UserError, match="exists already"):
        user_rows.add_user(store, "ana", PASSWORD, "admin", now, hasher=FAST)
    with pytest.raises(UserError, match="unknown role"):
        user_rows.add_user(store, "bo", PASSWORD, "root", now, hasher=FAST)
    with pytest.raises(UserError, match="at least 8"):
        user_rows.add_user(store, "bo", "short", "viewer", now, hasher=FAST)
    with pytest.raises(UserError, match="control"):
        user_rows.add_user(store, "bo\u202e", PASSWORD, "viewer", now, hasher=FAST)
    with pytest.raises(UserError, match="empty"):
        user_rows.add_user(store, "   ", PASSWORD, "viewer", now, hasher=FAST)
    assert [u["name"] for u in user_rows.list_users(store)] == ["ana"]
    assert user_rows.count_admins(store) == 0


def test_verify_accepts_only_the_right_password_and_records_the_sign_in(store, now):
    user_rows.add_user(store, "ana", PASSWORD, "viewer", now, hasher=FAST)
    assert user_rows.verify(store, "ana", "wrong password", now, hasher=FAST) is None
    assert user_rows.get_user(store, "ana")["last_login_at"] is None
    later = now + timedelta(hours=1)
    assert user_rows.verify(store, "ana", PASSWORD, later, hasher=FAST) == {
        "name": "ana", "role": "viewer"}
    assert user_rows.get_user(store, "ana")["last_login_at"] == later
    assert user_rows.verify(store, "nobody", PASSWORD, now, hasher=FAST) is None
    assert user_rows.verify(store, "", PASSWORD, now, hasher=FAST) is None


def test_verify_of_an_unknown_name_costs_a_hash_too(store, now):
    # an unknown name that answered at once would tell an attacker which names exist
    hasher = CountingHasher(**FAST_PARAMS)
    user_rows.add_user(store, "ana", PASSWORD, "viewer", now, hasher=hasher)
    hasher.verified = 0
    user_rows.verify(store, "ana", "wrong password", hasher=hasher)
    assert hasher.verified == 1
    user_rows.verify(store, "nobody", "wrong password", hasher=hasher)
    assert hasher.verified == 2


def test_verify_rehashes_a_hash_made_with_older_parameters(store, now):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    user_rows.add_user(store, "ana", PASSWORD, "admin", now, hasher=weak)
    old = _hash_of(store, "ana")
    assert user_rows.HASHER.check_needs_rehash(old)
    assert user_rows.verify(store, "ana", "wrong password") is None
    assert _hash_of(store, "ana") == old  # a wrong password changes nothing
    assert user_rows.verify(store, "ana", PASSWORD) == {"name": "ana", "role": "admin"}
    new = _hash_of(store, "ana")
    assert new != old and not user_rows.HASHER.check_needs_rehash(new)
    assert user_rows.verify(store, "ana", PASSWORD) is not None


def test_set_password_role_and_remove(store, now):
    user_rows.add_user(store, "ana", PASSWORD, "viewer", now, hasher=FAST)
    user_rows.set_password(store, "ana", "another long one", hasher=FAST)
    assert user_rows.verify(store, "ana", PASSWORD, hasher=FAST) is None
    assert user_rows.verify(store, "ana", "another long one", hasher=FAST) is not None
    user_rows.set_role(store, "ana", "admin")
    assert user_rows.count_admins(store) == 1
    with pytest.raises(UserError, match="no user"):
        user_rows.set_password(store, "bo", "another long one", hasher=FAST)
    with pytest.raises(UserError, match="no user"):
        user_rows.set_role(store, "bo", "admin")
    user_rows.remove_user(store, "ana")
    assert user_rows.list_users(store) == []
    assert user_rows.verify(store, "ana", "another long one", hasher=FAST) is None
    with pytest.raises(UserError, match="no user"):
        user_rows.remove_user(store, "ana")
