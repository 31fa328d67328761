"""Privacy mode keeps handles out of links and ids, not only out of `author`
(issue 12, finding 4)."""

from __future__ import annotations

import copy
from datetime import timedelta

from aiohttp import web
from sqlalchemy import select

from tests.conftest import make_settings
from tests.loopback import fixture
from tests.seeding import add_opportunity, add_run, add_snapshot, add_topic
from trendwatch.briefing import build_briefing
from trendwatch.briefing.render import render
from trendwatch.collect.collectors.bluesky import parse_post
from trendwatch.collect.collectors.mastodon import parse_statuses
from trendwatch.collect.ingest import prepare_rows
from trendwatch.collect.run import collect_sources
from trendwatch.store.schema import assignments, items, sources

KEY = b"a-privacy-key-of-32-bytes-length"


def alice_statuses(base: str) -> list[dict]:
    """trends/statuses as a Mastodon instance at ``base`` serves them: one local post by
    alice, one by alice of another server, one boost of alice (shapes of the real samples)."""
    template = fixture("mastodon/trends_statuses.json")[0]
    local = copy.deepcopy(template)
    local.update(id="1001", uri=f"{base}/users/alice/statuses/1001", url=f"{base}/@alice/1001",
                 content="<p>Cargo bike subscriptions are booming in Berlin #cargobike</p>")
    local["account"].update(id="7", username="alice", acct="alice", url=f"{base}/@alice",
                            uri=f"{base}/users/alice")
    remote = copy.deepcopy(local)
    remote.update(id="1002", uri="https://remote.example/ap/users/99/statuses/555",
                  url="https://remote.example/@alice/555",
                  content="<p>Cargo bike lanes get wider in Paris #cargobike</p>")
    remote["account"].update(acct="alice@remote.example", url="https://remote.example/@alice")
    boost = copy.deepcopy(template)
    boost.update(id="1003", uri=f"{base}/users/bob/statuses/1003/activity",
                 url=f"{base}/@bob/1003", reblog=copy.deepcopy(local))
    boost["reblog"].update(id="1004", uri=f"{base}/users/alice/statuses/1004",
                           url=f"{base}/@alice/1004",
                           content="<p>Cargo bike parking wanted at every station #cargobike</p>")
    return [local, remote, boost]


async def test_privacy_mode_collect_stores_and_briefs_no_handle(aiohttp_server, store, now):
    app = web.Application()
    app.router.add_get("/api/v1/trends/statuses",
                       lambda request: web.json_response(alice_statuses(str(request.url.origin()))))
    server = await aiohttp_server(app, host="127.0.0.1")
    base = str(server.make_url("")).rstrip("/")
    settings = make_settings(f'[[sources]]\nkind = "mastodon"\nname = "masto"\ninstance = "{base}"\n')
    [outcome] = await collect_sources(store, settings, now=now, privacy_key=KEY)
    assert outcome.new_items == 3

    with store.begin() as conn:
        stored = [dict(r._mapping) for r in conn.execute(select(items))]
        run = add_run(conn, now, now - timedelta(hours=1))
        topic = add_topic(conn, now, "Cargo bikes", "emerging")
        add_snapshot(conn, run, topic, now - timedelta(hours=1), "Cargo bikes", "emerging", 3)
        add_opportunity(conn, run, topic, "Cargo", 0.9)
        for row in stored:
            conn.execute(assignments.insert().values(run_id=run, item_id=row["id"], topic_id=topic))
        source_rows = [dict(r._mapping) for r in conn.execute(select(sources))]
    assert "alice" not in repr(stored) and "alice" not in repr(source_rows)
    assert {r["url"] for r in stored} == {f"{base}/statuses/1001", f"{base}/statuses/1004",
                                          "https://remote.example/statuses/555"}
    assert all(r["author"].startswith("anon:") and "/anon:" in r["external_id"] for r in stored)

    briefing = build_briefing(store, settings, now)
    shown = [render(briefing, "html"), render(briefing, "md"), render(briefing, "json")]
    # the post links are there (one per outlet: in privacy mode the outlet is the platform)
    assert any(r["url"] in shown[0] for r in stored)
    for text in shown:
        assert "alice" not in text


def test_the_same_post_through_two_instances_keeps_one_id():
    """The hashed account keeps ``external_id`` stable: dedup across instances still works."""
    [status] = fixture("mastodon/trends_statuses.json")[:1]
    seen_here, seen_there = parse_statuses([status]), parse_statuses([copy.deepcopy(status)])
    kwargs = dict(platform="mastodon", source_name="m", fetched_at=status_time(), privacy_key=KEY)
    assert prepare_rows(seen_here, **kwargs)[0]["id"] == prepare_rows(seen_there, **kwargs)[0]["id"]
    row = prepare_rows(seen_here, **kwargs)[0]
    assert "velo" not in row["external_id"] + (row["url"] or "") + (row["canonical_url"] or "")


def status_time():
    from datetime import UTC, datetime
    return datetime(2026, 11, 20, 8, tzinfo=UTC)


def test_bluesky_posts_lose_the_did_in_links_and_ids_in_privacy_mode():
    post = fixture("bluesky/search_ebike.json")["posts"][0]
    did = post["author"]["did"]
    raw = parse_post(post)
    assert did in raw.url  # without privacy mode: the bsky.app link by DID
    [row] = prepare_rows([raw], platform="bluesky", source_name="b", fetched_at=status_time(),
                         privacy_key=KEY)
    assert row["url"] is None and row["canonical_url"] is None  # bsky.app has no form without one
    assert row["external_id"].startswith("at://anon:") and did not in repr(row)
    assert post["author"]["handle"] not in repr(row)
    [clear] = prepare_rows([raw], platform="bluesky", source_name="b", fetched_at=status_time())
    assert did in clear["url"]  # privacy off: unchanged


def test_reddit_links_lose_the_user_in_privacy_mode():
    from trendwatch.models import RawItem

    profile_post = RawItem(title="Cargo bike stand", url="https://www.reddit.com/r/u_alice/comments/abc12/stand/",
                           external_id="t3_abc12", author="alice")
    sub_post = RawItem(title="Cargo bikes", url="https://www.reddit.com/r/bikes/comments/xyz9/cargo/",
                       external_id="t3_xyz9", author="alice")
    rows = prepare_rows([profile_post, sub_post], platform="reddit", source_name="r",
                        fetched_at=status_time(), privacy_key=KEY)
    assert {r["url"] for r in rows} == {"https://www.reddit.com/comments/abc12/",
                                        "https://www.reddit.com/comments/xyz9/"}
    assert "alice" not in repr(rows)


def test_a_bluesky_reply_names_its_parent_by_the_parents_hashed_id_in_privacy_mode():
    from trendwatch.collect.collectors.bluesky import parse_notifications
    from trendwatch.collect.privacy import handle_free
    from trendwatch.models import RawItem

    _, reply, _ = parse_notifications(fixture("bluesky/notifications.json"))[0]
    parent_did = reply.reply_to.removeprefix("at://").split("/")[0]
    pseudonym = lambda platform, handle: f"anon:{len(handle)}"  # noqa: E731
    hidden = handle_free("bluesky", reply, pseudonym)
    assert parent_did not in hidden.reply_to and hidden.reply_to.startswith("at://anon:")
    # the parent, stored under privacy mode too, has exactly that id: the thread still joins
    parent = handle_free("bluesky", RawItem(title="", text="x", external_id=reply.reply_to),
                         pseudonym)
    assert parent.external_id == hidden.reply_to
