"""Privacy mode: the key for pseudonymising author handles.

The key comes from the environment variable named by `[privacy] key_env`; when it
is unset, a random key is created once next to the SQLite database (or in
./data) and reused, so pseudonyms stay stable across runs. Several machines
sharing PostgreSQL must set the same environment variable.
"""

from __future__ import annotations

import secrets

from trendwatch.config.env import secret
from trendwatch.config.schema import Settings
from trendwatch.store.db import key_file_for


def privacy_key(settings: Settings, database_url: str) -> bytes | None:
    """The pseudonymisation key, or None when privacy mode is off."""
    if not settings.privacy.pseudonymize_authors:
        return None
    from_env = secret(settings.privacy.key_env)
    if from_env:
        return from_env.encode()
    path = key_file_for(database_url)
    if path.exists():
        return path.read_text().strip().encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key.encode()
