"""Row-locked read budgets: reserve before a request, settle with what was counted."""

from __future__ import annotations

import threading
from datetime import timedelta

from trendwatch.store import open_store
from trendwatch.store.quotas import STALE, get_quota, reserve, settle


def test_reserve_grants_what_is_left_and_settle_counts_what_was_read(store, now):
    assert reserve(store, "x:2026-11", 150, 100, now) == 100
    assert reserve(store, "x:2026-11", 150, 100, now) == 50
    assert reserve(store, "x:2026-11", 150, 100, now) == 0
    quota = get_quota(store, "x:2026-11")
    assert (quota.cap, quota.used, quota.reserved, quota.left) == (150, 0, 150, 0)
    settle(store, "x:2026-11", 100, 7, now)           # the platform counted 7 of 100
    assert reserve(store, "x:2026-11", 150, 100, now) == 93
    settle(store, "x:2026-11", 50, 50, now)
    settle(store, "x:2026-11", 93, 93, now)
    quota = get_quota(store, "x:2026-11")
    assert (quota.used, quota.reserved) == (150, 0)


def test_less_than_the_minimum_left_grants_nothing(store, now):
    assert reserve(store, "k", 15, 100, now, minimum=10) == 15
    settle(store, "k", 15, 6, now)
    assert reserve(store, "k", 15, 100, now, minimum=10) == 0   # 9 left, the API asks for ≥ 10
    assert reserve(store, "k", 15, 100, now) == 9


def test_carried_reads_only_seed_a_new_row_and_a_lowered_cap_applies_at_once(store, now):
    assert reserve(store, "k", 100, 100, now, carried=70) == 30
    settle(store, "k", 30, 30, now)
    assert get_quota(store, "k").used == 100
    assert reserve(store, "k", 200, 100, now, carried=70) == 100   # carried is not added again
    settle(store, "k", 100, 0, now)
    assert reserve(store, "k", 50, 100, now) == 0
    assert get_quota(store, "k").cap == 50


def test_a_dead_reservation_counts_as_used_and_is_folded_once_the_row_is_idle(store, now):
    assert reserve(store, "k", 150, 100, now) == 100   # this process dies before settling
    later = now + STALE - timedelta(seconds=1)
    assert reserve(store, "k", 150, 100, later) == 50  # still held: it may be in flight
    settle(store, "k", 50, 50, later)
    idle = later + STALE
    assert reserve(store, "k", 150, 100, idle) == 0    # conservative: counted as read
    quota = get_quota(store, "k")
    assert (quota.used, quota.reserved) == (150, 0)


def test_a_late_settle_of_a_folded_reservation_is_not_counted_twice(store, now):
    assert reserve(store, "k", 150, 100, now) == 100
    assert reserve(store, "k", 150, 0, now + STALE) == 0     # folds the 100 into used
    assert get_quota(store, "k").used == 100
    settle(store, "k", 100, 20, now + STALE)                 # it was alive after all
    quota = get_quota(store, "k")
    assert (quota.used, quota.reserved) == (20, 0)


def test_an_older_clock_does_not_make_a_live_reservation_look_stale(store, now):
    assert reserve(store, "k", 150, 10, now + STALE) == 10      # a run that started later
    assert reserve(store, "k", 150, 10, now) == 10              # one that started earlier
    assert get_quota(store, "k").updated_at == now + STALE
    assert reserve(store, "k", 150, 10, now + STALE + timedelta(minutes=1)) == 10
    assert get_quota(store, "k").reserved == 30


def test_concurrent_reservations_never_exceed_the_cap(database_url, store, now):
    granted: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker() -> None:
        own = open_store(database_url, migrate=False)   # its own engine, like another process
        try:
            start.wait()
            for _ in range(10):
                got = reserve(own, "x:2026-11", 150, 10, now)
                if got:
                    settle(own, "x:2026-11", got, got, now)
                granted.append(got)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(granted) == 150
    quota = get_quota(store, "x:2026-11")
    assert (quota.used, quota.reserved) == (150, 0)
