"""The customer-care inbox end to end: `inbox = true` file sources and mentions → `trendwatch
collect` (which triages) → `trendwatch inbox` → working a message → `trendwatch forget`."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES
from trendwatch.cli import cli
from trendwatch.errors import InboxError

HELPDESK = FIXTURES / "imports" / "helpdesk"
INBOX_FIELDS = {"id", "conversation_id", "external_id", "source", "platform", "url", "author",
                "text", "lang", "category", "urgency", "sentiment", "reasons", "status",
                "assignee", "received_at", "due_at", "breached", "incident_id", "reply_draft"}
CATEGORIES = {"complaint", "question", "praise", "lead", "other"}

POSTS = [  # a social export that is not an inbox source: only mentions count
    {"id": "p1", "author": "@rita", "published": "2026-11-20T06:00:00Z",
     "text": "Anyone else's Acme Bikes app crashing since the update? Can't unlock my bike."},
    {"id": "p2", "author": "@acmebikes", "published": "2026-11-20T06:30:00Z",
     "text": "Acme Bikes: we are looking into reports of app crashes. Updates soon."},
    {"id": "p3", "author": "@tom", "published": "2026-11-20T06:45:00Z",
     "text": "Lovely ride along the river this morning, no brand talk today."},
]


def run(*args: str, ok: bool = True):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=not ok)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def project(tmp_path):
    imports = tmp_path / "imports"
    shutil.copytree(HELPDESK, imports)
    with (imports / "posts.jsonl").open("w", encoding="utf-8") as fh:
        for post in POSTS:
            fh.write(json.dumps(post) + "\n")
    (tmp_path / "feeds.toml").write_text(
        '[company]\nname = "Acme Bikes"\n[[products]]\nname = "Flow"\n'
        '[inbox]\nhandles = { x = "@acmebikes" }\nhours = "mon-fri 09:00-17:00"\n'
        'timezone = "Europe/Berlin"\n'
        '[[sources]]\nkind = "file"\nname = "helpdesk"\npath = "imports/tickets.csv"\n'
        'platform = "facebook"\ninbox = true\n'
        '[[sources]]\nkind = "file"\nname = "chats"\npath = "imports/chats.jsonl"\n'
        'platform = "x"\ninbox = true\n'
        'fields = { id = "ticket", published = "created", author = "customer", text = "body" }\n'
        '[[sources]]\nkind = "file"\nname = "social"\npath = "imports/posts.jsonl"\n'
        'platform = "x"\n', encoding="utf-8")
    return ["--config", str(tmp_path / "feeds.toml"), "--db", f"sqlite:///{tmp_path / 'tw.db'}"]


def inbox_json(project, *extra: str) -> list[dict]:
    return json.loads(run("inbox", *project, "--format", "json", *extra).output)


def test_collect_triages_every_helpdesk_record_and_keeps_its_id(project):
    collected = run("collect", *project)
    assert "inbox" in collected.output and "triaged" in collected.output
    messages = inbox_json(project, "--all")
    with (HELPDESK / "tickets.csv").open(encoding="utf-8") as fh:
        tickets = {row["id"]: row for row in csv.DictReader(fh)}
    chats = {json.loads(line)["ticket"]: json.loads(line)
             for line in (HELPDESK / "chats.jsonl").read_text("utf-8").splitlines()}
    by_external = {m["external_id"]: m for m in messages}
    # every imported record is an inbound message, keeping its own id; of the social posts
    # only the mention (p1): not the company's own post (p2), not the unrelated one (p3)
    assert set(by_external) == set(tickets) | set(chats) | {"p1"}
    for m in messages:
        assert set(m) == INBOX_FIELDS
        assert m["category"] in CATEGORIES and m["urgency"] in {"high", "normal", "low"}
        assert m["reasons"], m
        assert m["due_at"] is not None and m["status"] == "new"
    # the real handle and link stay on the inbound message (the team answers with them)
    assert by_external["HD-1003"]["author"] == "sam@example.com"
    assert by_external["CH-2"]["author"] == "@nadia"
    assert by_external["p1"]["author"] == "@rita" and by_external["p1"]["source"] == "social"
    # … while the items (analytics) keep the pseudonym
    items = json.loads(run("items", *project, "--format", "json", "--limit", "50").output)
    assert items and all((i["author"] or "").startswith("anon:") for i in items if i["author"])
    assert not any(i["author"] in ("@nadia", "sam@example.com", "@rita") for i in items)

    assert by_external["HD-1001"]["category"] == "complaint"
    assert by_external["HD-1004"]["category"] == "lead"
    assert by_external["HD-1007"]["category"] == "praise"
    assert by_external["HD-1003"]["urgency"] == "high"          # payment problem
    injured = by_external["CH-2"]
    assert injured["urgency"] == "high" and injured["reply_draft"] is None  # escalated
    assert by_external["HD-1002"]["lang"] == "fr" and by_external["HD-1006"]["lang"] == "ar"
    # a reply to an earlier ticket joins its conversation
    assert by_external["HD-1005"]["conversation_id"] == by_external["HD-1001"]["conversation_id"]
    # queue order: soonest due first
    open_queue = inbox_json(project)
    dues = [m["due_at"] for m in open_queue]
    assert dues == sorted(dues)

    # collecting again adds nothing twice
    run("collect", *project)
    assert len(inbox_json(project, "--all")) == len(messages)
    complaints = inbox_json(project, "--category", "complaint")
    assert complaints and all(m["category"] == "complaint" for m in complaints)


def test_working_a_message_and_forgetting_a_person(project):
    run("collect", *project, "-q")
    messages = {m["external_id"]: m for m in inbox_json(project)}
    mid = str(messages["HD-1002"]["id"])
    assert "assigned to lea" in run("inbox", "assign", mid, "lea", *project, "--by", "sam").output
    run("inbox", "note", mid, "asked the courier", *project)
    run("inbox", "answered", mid, *project)
    shown = json.loads(run("inbox", "show", mid, *project, "--format", "json").output)
    assert shown["status"] == "answered" and shown["assignee"] == "lea"
    assert [e["kind"] for e in shown["events"]] == ["received", "triaged", "assign", "note",
                                                    "status"]
    assert shown["events"][2]["actor"] == "sam"
    table = run("inbox", "show", mid, *project).output
    assert "asked the courier" in table and "j.dubois@example.fr" in table
    assert mid not in [str(m["id"]) for m in inbox_json(project)]      # answered: not owed
    assert [m["status"] for m in inbox_json(project, "--status", "answered")] == ["answered"]
    run("inbox", "close", mid, *project)
    failed = run("inbox", "answered", mid, *project, ok=False)
    assert isinstance(failed.exception, InboxError) and "closed" in str(failed.exception)
    assert run("inbox", *project).output.count("│") > 0   # the table renders

    items_before = json.loads(run("items", *project, "--format", "json", "--limit", "50").output)
    report = json.loads(run("forget", "@nadia", *project, "--format", "json").output)
    assert report["inbox_messages"] == 1 and report["items"] == 1
    left = {m["external_id"] for m in inbox_json(project, "--all")}
    assert "CH-2" not in left and "CH-1" in left
    items_after = json.loads(run("items", *project, "--format", "json", "--limit", "50").output)
    assert len(items_after) == len(items_before) - 1
    said = run("forget", "maria.k@example.com", *project, "--yes").output
    assert "2 inbox messages" in said and "2 items" in said
