"""Worker rows and claims (store/workers.py), on both backends; concurrency on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from trendwatch.models import SourceSpec, SourceState
from trendwatch.store import jobs as job_rows
from trendwatch.store import open_store
from trendwatch.store import workers as w
from trendwatch.store.schema import jobs, sources
from trendwatch.store.sources import record_success, sync_sources

TTL = timedelta(seconds=30)


def make_sources(store, now, count=5):
    specs = [SourceSpec(name=f"s{i}", kind="rss", platform="rss", params={"i": i},
                        url=f"http://127.0.0.1/{i}") for i in range(count)]
    return sync_sources(store, specs, now)


def test_a_due_source_is_claimed_by_one_worker_until_its_result_or_lease(store, now):
    ids = make_sources(store, now)
    names = sorted(ids)
    for worker in ("a", "b"):
        w.register(store, worker, "host", 1, now)
    first = w.claim_due_sources(store, "a", names, now, TTL, 3)
    second = w.claim_due_sources(store, "b", names, now, TTL, 10)
    assert len(first) == 3 and sorted(first + second) == names and not set(first) & set(second)
    assert w.claim_due_sources(store, "b", names, now, TTL, 10) == []
    # the result releases the claim and advances next_check_at in one transaction
    with store.begin() as conn:
        record_success(conn, ids[first[0]], state=SourceState(url="u"), now=now,
                       next_check_at=now + timedelta(minutes=5), status=200, new_items=0,
                       bytes_received=0, warning=None)
    assert w.claim_due_sources(store, "b", names, now + timedelta(seconds=1), TTL, 10) == []
    # a worker that stops beating loses its claims after the lease; the fetched one stays put
    later = now + TTL + timedelta(seconds=1)
    assert sorted(w.claim_due_sources(store, "b", names, later, TTL, 10)) == sorted(
        set(names) - {first[0]})
    holding = {r["id"]: r for r in w.list_workers(store)}
    assert holding["b"]["sources_claimed"] == 4 and holding["a"]["sources_claimed"] == 0
    assert holding["b"]["holding"] == "collect: 4 sources"


def test_beat_extends_claims_and_stop_gives_them_back(store, now):
    names = sorted(make_sources(store, now))
    w.register(store, "a", "host", 1, now)
    assert len(w.claim_due_sources(store, "a", names, now, TTL, 10)) == 5
    w.beat(store, "a", now + timedelta(seconds=25), TTL)
    assert w.claim_due_sources(store, "b", names, now + timedelta(seconds=40), TTL, 10) == []
    w.stop(store, "a", now + timedelta(seconds=41))
    assert len(w.claim_due_sources(store, "b", names, now + timedelta(seconds=41), TTL, 10)) == 5
    row = next(r for r in w.list_workers(store) if r["id"] == "a")
    assert row["status"] == "stopped" and row["holding"] is None


def test_a_cluster_job_runs_once_at_its_time(store, now):
    w.schedule_job(store, "analyze", now)
    w.schedule_job(store, "analyze", now + timedelta(hours=1))  # has a time: kept
    assert not w.claim_job(store, "analyze", "a", now - timedelta(seconds=1), TTL)
    assert w.claim_job(store, "analyze", "a", now, TTL)
    assert not w.claim_job(store, "analyze", "b", now + timedelta(seconds=1), TTL)
    assert w.release_job(store, "analyze", "a", now + timedelta(minutes=10))
    assert not w.claim_job(store, "analyze", "b", now + timedelta(minutes=9), TTL)
    assert w.claim_job(store, "analyze", "b", now + timedelta(minutes=10), TTL)
    assert job_rows.get_job(store, "analyze")["claimed_by"] == "b"


def test_a_job_whose_worker_died_is_marked_interrupted_and_runs_once_more(store, now):
    w.schedule_job(store, "analyze", now)
    w.register(store, "vm:41:ns:tok", "vm", 41, now)
    assert w.claim_job(store, "analyze", "vm:41:ns:tok", now, TTL)
    assert w.recover_jobs(store, now + timedelta(seconds=10)) == []   # alive: left alone
    later = now + TTL + timedelta(seconds=5)
    assert w.recover_jobs(store, later) == ["analyze"]
    row = job_rows.get_job(store, "analyze")
    assert row["last_status"] == "failed" and "interrupted: worker vm pid 41" in row["last_error"]
    assert row["next_run_at"] == later and row["claimed_by"] is None
    assert w.recover_jobs(store, later) == []                        # once
    assert w.claim_job(store, "analyze", "b", later, TTL)
    assert not w.claim_job(store, "analyze", "c", later, TTL)
    assert w.mark_lost(store, later, TTL) == ["vm:41:ns:tok"]


def test_expire_ends_a_dead_workers_claims_now(store, now):
    names = sorted(make_sources(store, now))
    w.register(store, "a", "host", 1, now)
    w.claim_due_sources(store, "a", names, now, TTL, 10)
    w.schedule_job(store, "purge", now)
    assert w.claim_job(store, "purge", "a", now, TTL)
    w.expire(store, "a", now + timedelta(seconds=1))
    assert len(w.claim_due_sources(store, "b", names, now + timedelta(seconds=1), TTL, 10)) == 5
    assert w.recover_jobs(store, now + timedelta(seconds=1)) == ["purge"]
    assert next(r for r in w.list_workers(store) if r["id"] == "a")["status"] == "lost"


def test_make_due_brings_healthy_sources_forward(store, now):
    ids = make_sources(store, now, 2)
    with store.begin() as conn:
        conn.execute(sources.update().values(next_check_at=now + timedelta(hours=1)))
        conn.execute(sources.update().where(sources.c.id == ids["s1"]).values(error_count=2))
    assert w.make_due(store, sorted(ids), now) == 1
    assert w.claim_due_sources(store, "a", sorted(ids), now, TTL, 10) == ["s0"]


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"])
def test_concurrent_claimers_never_share_a_source_or_a_job(database_url, now):
    store = open_store(database_url)
    names = sorted(make_sources(store, now, 200))
    w.schedule_job(store, "analyze", now)
    claimed: dict[str, list[str]] = {}
    won: list[str] = []
    barrier = threading.Barrier(4)

    def claimer(worker: str) -> None:
        barrier.wait()
        got: list[str] = []
        while batch := w.claim_due_sources(store, worker, names, now, TTL, 7):
            got += batch
        claimed[worker] = got
        if w.claim_job(store, "analyze", worker, now, TTL):
            won.append(worker)

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    everything = [n for got in claimed.values() for n in got]
    assert sorted(everything) == names          # each once, none left
    assert len(won) == 1
    with store.connect() as conn:
        assert conn.execute(select(jobs.c.claimed_by).where(jobs.c.name == "analyze")
                            ).scalar() == won[0]
    store.close()
