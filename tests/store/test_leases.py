"""Leases: one holder of a name per store, taken atomically, kept by heartbeats."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

from trendwatch.store import open_store
from trendwatch.store.leases import acquire, died_here, get_lease, heartbeat, new_holder, release

TTL = timedelta(seconds=90)


def test_a_held_lease_is_refused_and_names_its_holder(store, now):
    mine = acquire(store, "service", "a:1:x", "a", 1, now, TTL)
    assert mine.ours and mine.expires_at == now + TTL
    theirs = acquire(store, "service", "b:2:y", "b", 2, now + timedelta(seconds=30), TTL)
    assert not theirs.ours
    assert (theirs.holder, theirs.host, theirs.pid, theirs.heartbeat_at) == ("a:1:x", "a", 1, now)
    assert acquire(store, "job:analyze", "b:2:y", "b", 2, now, TTL).ours  # other names are free


def test_heartbeats_keep_it_and_expiry_hands_it_over(store, now):
    mine = acquire(store, "service", "a:1:x", "a", 1, now, TTL)
    assert heartbeat(store, mine, now + timedelta(seconds=60), TTL)
    assert not acquire(store, "service", "b:2:y", "b", 2, now + timedelta(seconds=100), TTL).ours
    # no heartbeat for a ttl: the holder is taken for dead
    late = now + timedelta(seconds=60) + TTL
    theirs = acquire(store, "service", "b:2:y", "b", 2, late, TTL)
    assert theirs.ours and theirs.acquired_at == late
    assert not heartbeat(store, mine, late, TTL)      # the old holder learns it lost it
    release(store, mine)                               # and cannot release the new one's
    assert get_lease(store, "service").holder == "b:2:y"


def test_release_frees_it_and_the_holder_may_renew(store, now):
    mine = acquire(store, "service", "a:1:x", "a", 1, now, TTL)
    assert acquire(store, "service", "a:1:x", "a", 1, now + timedelta(seconds=5), TTL).ours
    release(store, mine)
    assert get_lease(store, "service") is None
    assert acquire(store, "service", "b:2:y", "b", 2, now + timedelta(seconds=6), TTL).ours


def test_holders_are_unique_per_process_start():
    first, host, pid = new_holder("h", 7)
    assert first.startswith("h:7:") and (host, pid) == ("h", 7)
    assert new_holder("h", 7)[0] != first


def test_concurrent_contenders_for_an_expired_lease_have_one_winner(database_url, store, now):
    acquire(store, "service", "dead:1:x", "dead", 1, now - 2 * TTL, TTL)   # a killed service
    wins: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def contend(i: int) -> None:
        own = open_store(database_url, migrate=False)
        try:
            start.wait()
            lease = acquire(own, "service", f"h:{i}:t", "h", i, now, TTL)
            if lease.ours:
                wins.append(lease.holder)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=contend, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(wins) == 1 and get_lease(store, "service").holder == wins[0]


def test_concurrent_contenders_for_a_new_lease_have_one_winner(database_url, store, now):
    wins: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def contend(i: int) -> None:
        own = open_store(database_url, migrate=False)
        try:
            start.wait()
            if acquire(own, "service", f"h:{i}:t", "h", i, now, TTL).ours:
                wins.append(f"h:{i}:t")
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=contend, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(wins) == 1


def test_a_holder_killed_on_this_machine_is_seen_dead_and_replaced(store, now):
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    holder, host, pid = new_holder(pid=child.pid)
    dead = acquire(store, "service", holder, host, pid, now, TTL)
    assert died_here(dead)
    alive = new_holder(pid=os.getppid())
    assert not died_here(acquire(store, "x", *alive, now, TTL))
    elsewhere = new_holder(host="other-host", pid=child.pid)
    assert not died_here(acquire(store, "y", *elsewhere, now, TTL))
    mine, host, pid = new_holder()
    assert not acquire(store, "service", mine, host, pid, now, TTL).ours
    assert acquire(store, "service", mine, host, pid, now, TTL, replacing=holder).ours
    # only while the dead holder still has it: a third one cannot replace the new holder
    assert not acquire(store, "service", "z:1:n:t", "z", 1, now, TTL, replacing=holder).ours
