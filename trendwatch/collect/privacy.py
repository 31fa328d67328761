"""Privacy mode: the key for pseudonymising author handles.

The key comes from the environment variable named by `[privacy] key_env`. With SQLite and
no such variable, a random key is created once next to the database file and reused, so
pseudonyms stay stable across runs. PostgreSQL has no file of its own to sit next to, and
a key in whatever folder the process was started from would give each machine (or each
start) different pseudonyms: there the variable is required.

A key that is empty or shorter than MIN_KEY_BYTES is an error, never a reason to store
handles in clear. The key file is created with mode 0600 from its first byte (written to a
private temporary file, then renamed), so it is never readable by others, not even briefly.

Links name people too: ``https://instance/@alice/1``, ``at://did:plc:…/app.bsky.feed.post/…``,
``/user/alice/comments/…``. In privacy mode ``handle_free`` rewrites a post's ``url`` to a
form without the account where the platform has one, drops it where it has none, and
hashes the account inside ``external_id`` (which stays unique and stable, so dedup works).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path

from trendwatch.config.env import secret
from trendwatch.config.schema import Settings
from trendwatch.errors import ConfigError
from trendwatch.models import RawItem
from trendwatch.store.db import key_file_for, sqlite_folder

MIN_KEY_BYTES = 16


def privacy_key(settings: Settings, database_url: str) -> bytes | None:
    """The pseudonymisation key, or None when privacy mode is off. ConfigError when privacy
    mode is on and no usable key can be had."""
    if not settings.privacy.pseudonymize_authors:
        return None
    env_name = settings.privacy.key_env
    from_env = secret(env_name)
    if from_env is not None:
        return _checked(from_env.encode(), f"the environment variable {env_name}")
    if sqlite_folder(database_url) is None:
        raise ConfigError(
            f"privacy mode is on ([privacy] pseudonymize_authors) but {env_name} is not set: "
            "with a database that is not a SQLite file the key must come from the environment "
            f"(the same value on every machine), e.g. {env_name}=$(openssl rand -hex 32); "
            "or set pseudonymize_authors = false")
    path = key_file_for(database_url)
    if path.exists():
        try:
            if path.stat().st_mode & 0o077:  # made readable by others (an older version, a copy)
                path.chmod(0o600)
            stored = path.read_bytes().strip()
        except OSError as exc:
            raise ConfigError(f"cannot read the privacy key file {path}: {exc.strerror}") from exc
        return _checked(stored, f"the key file {path}")
    return _create_key_file(path)


def _checked(key: bytes, where: str) -> bytes:
    if not key:
        raise ConfigError(f"the privacy key from {where} is empty: author handles would be "
                          f"stored in clear; give it at least {MIN_KEY_BYTES} bytes")
    if len(key) < MIN_KEY_BYTES:
        raise ConfigError(f"the privacy key from {where} has {len(key)} bytes; it needs at "
                          f"least {MIN_KEY_BYTES} (e.g. the output of `openssl rand -hex 32`)")
    return key


def _create_key_file(path: Path) -> bytes:
    key = secrets.token_hex(32).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            # two processes starting together: the first key wins, the second reads it
            os.link(tmp, path)
        except FileExistsError:
            return _checked(path.read_bytes().strip(), f"the key file {path}")
        except OSError:  # a file system without hard links: replace (last writer wins)
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return key


# --- handle-free links -------------------------------------------------------------------------

Pseudonym = Callable[[str, str], str]

# Mastodon web links: /@user/123, /@user@remote/123 and the ActivityPub /users/user/statuses/123
# (newer servers: /ap/users/<account id>/statuses/123); all open as /statuses/123 on that host
_MASTODON_STATUS = re.compile(
    r"^(?P<origin>https?://[^/@\s]+)/(?:@[^/\s]+|(?:ap/)?users/[^/\s]+/statuses)/(?P<id>[\w-]+)/?$")
# the account segment of an ActivityPub id or web link, to be hashed
_MASTODON_ACCOUNT = re.compile(r"^(?P<origin>https?://[^/@\s]+)/(?P<kind>@|(?:ap/)?users/)(?P<account>[^/\s]+)(?P<rest>/.*)?$")
# at://<did or handle>/<collection>/<rkey>
_AT_URI = re.compile(r"^at://(?P<repo>[^/\s]+)(?P<rest>/.*)?$")
# reddit.com/r/<sub>/comments/<id>/…, /user/<name>/comments/<id>/…, /r/u_<name>/comments/<id>/…
_REDDIT_POST = re.compile(r"^https?://(?:[\w-]+\.)?reddit\.com/.*?/?comments/(?P<id>[a-z0-9]+)(?:/|$)", re.I)
_REDDIT_PERSON = re.compile(r"(?i)reddit\.com/(?:u|user|r/u_)[/_]?")


def handle_free(platform: str, raw: RawItem, pseudonym: Pseudonym) -> RawItem:
    """``raw`` with ``url`` and ``external_id`` that name no account (privacy mode). Pure."""
    if platform == "mastodon":
        url, external_id = _mastodon_url(raw.url), _mastodon_id(raw.external_id, pseudonym)
    elif platform == "bluesky":
        # bsky.app links need the actor (handle or DID, both identify the person): none
        url = None if raw.url and "bsky.app/profile/" in raw.url else raw.url
        external_id = _at_uri_id(raw.external_id, pseudonym)
        # the parent's at:// uri names its author too; hashed alike, the thread still joins
        reply_to = _at_uri_id(raw.reply_to, pseudonym)
        if reply_to != raw.reply_to:
            raw = dataclasses.replace(raw, reply_to=reply_to)
    elif platform == "reddit":
        url, external_id = _reddit_url(raw.url), raw.external_id
    else:
        return raw
    if url == raw.url and external_id == raw.external_id:
        return raw
    return dataclasses.replace(raw, url=url, external_id=external_id)


def _mastodon_url(url: str | None) -> str | None:
    if not url:
        return url
    status = _MASTODON_STATUS.match(url)
    if status:
        return f"{status['origin']}/statuses/{status['id']}"
    # another link that names an account (a profile, a remote server's own form): none
    return None if _MASTODON_ACCOUNT.match(url) else url


def _mastodon_id(external_id: str | None, pseudonym: Pseudonym) -> str | None:
    if not external_id:
        return external_id
    match = _MASTODON_ACCOUNT.match(external_id)
    if not match:
        return external_id
    account = pseudonym("mastodon", f"{match['account']}@{match['origin']}")
    return f"{match['origin']}/{match['kind']}{account}{match['rest'] or ''}"


def _at_uri_id(external_id: str | None, pseudonym: Pseudonym) -> str | None:
    match = _AT_URI.match(external_id or "")
    if not match:
        return external_id
    return f"at://{pseudonym('bluesky', match['repo'])}{match['rest'] or ''}"


def _reddit_url(url: str | None) -> str | None:
    if not url:
        return url
    post = _REDDIT_POST.match(url)
    if post:  # /comments/<id> opens the post without its subreddit or poster
        return f"https://www.reddit.com/comments/{post['id']}/"
    return None if _REDDIT_PERSON.search(url) else url
