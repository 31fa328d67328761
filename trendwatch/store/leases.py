"""Leases: one holder at a time of a named thing on this store, kept alive by heartbeats.

``service`` is the running service (one per store); the names are free text so per-job or
per-source leases (workers on PostgreSQL) use the same rows: ``job:analyze``,
``source:x-acme``. A lease is taken atomically — an UPDATE that only matches an expired
row (or our own), else an INSERT that only succeeds when no row exists; each statement is
atomic on both backends and a PostgreSQL UPDATE re-checks its WHERE on the row it locked,
so two contenders never both win. A holder that dies stops heartbeating and its lease
expires after ``ttl``; nobody has to clean up after it.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from trendwatch.store.db import Store, insert_ignore
from trendwatch.store.schema import leases

SERVICE = "service"


@dataclass(frozen=True)
class Lease:
    """A lease row. ``ours`` is True when this process holds it (from ``acquire``)."""

    name: str
    holder: str
    host: str
    pid: int
    acquired_at: datetime
    heartbeat_at: datetime
    expires_at: datetime
    ours: bool = False


def _pid_namespace() -> str:
    """This process's pid namespace (Linux); two containers may share a host name, not this."""
    try:
        return os.readlink("/proc/self/ns/pid").strip("pid:[]")
    except OSError:
        return ""


def new_holder(host: str | None = None, pid: int | None = None) -> tuple[str, str, int]:
    """A unique holder id for this process, ``host:pid:pid-namespace:token`` (a reused pid is
    another holder), with the host and pid it names."""
    host = host or socket.gethostname()
    pid = os.getpid() if pid is None else pid
    return f"{host}:{pid}:{_pid_namespace()}:{secrets.token_hex(4)}", host, pid


def died_here(lease: Lease) -> bool:
    """True when the holder ran on this machine, in this pid namespace, and its process is
    gone: it was killed, so its lease need not be waited out. Unsure means False."""
    parts = lease.holder.split(":")
    namespace = _pid_namespace()
    if len(parts) != 4 or not namespace or parts[0] != socket.gethostname() \
            or parts[2] != namespace or lease.pid == os.getpid():
        return False
    try:
        os.kill(lease.pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists, owned by someone else
        return False
    return False


def acquire(store: Store, name: str, holder: str, host: str, pid: int, now: datetime,
            ttl: timedelta, *, replacing: str | None = None) -> Lease:
    """Take ``name`` for ``holder`` until ``now + ttl``, unless someone else holds it.

    ``replacing`` is a holder known to be dead (``died_here``): its lease is taken although
    it has not expired — only if that holder still has it. Returns the lease with
    ``ours=True`` when taken (or renewed, if ``holder`` had it); otherwise the current
    holder's lease (``ours=False``) to name in a message.
    """
    expires = now + ttl
    holders = [holder] + ([replacing] if replacing else [])
    with store.begin() as conn:
        taken = conn.execute(leases.update().where(
            leases.c.name == name, (leases.c.expires_at <= now) | leases.c.holder.in_(holders),
        ).values(holder=holder, host=host, pid=pid, acquired_at=now, heartbeat_at=now,
                 expires_at=expires)).rowcount
        if not taken:
            taken = insert_ignore(conn, leases, [{
                "name": name, "holder": holder, "host": host, "pid": pid, "acquired_at": now,
                "heartbeat_at": now, "expires_at": expires}], index_elements=["name"])
        row = conn.execute(select(leases).where(leases.c.name == name)).one()
    return Lease(**row._mapping, ours=bool(taken) and row.holder == holder)


def heartbeat(store: Store, lease: Lease, now: datetime, ttl: timedelta) -> bool:
    """Extend our lease to ``now + ttl``. False when it is no longer ours (it expired and
    another holder took it): the caller must stop doing what the lease guards."""
    with store.begin() as conn:
        return conn.execute(leases.update().where(
            leases.c.name == lease.name, leases.c.holder == lease.holder,
        ).values(heartbeat_at=now, expires_at=now + ttl)).rowcount == 1


def release(store: Store, lease: Lease) -> None:
    """Give the lease up (graceful stop); a lease already taken over is left alone."""
    with store.begin() as conn:
        conn.execute(leases.delete().where(leases.c.name == lease.name,
                                           leases.c.holder == lease.holder))


def get_lease(store: Store, name: str) -> Lease | None:
    with store.connect() as conn:
        row = conn.execute(select(leases).where(leases.c.name == name)).first()
    return Lease(**row._mapping) if row else None
