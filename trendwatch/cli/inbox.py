"""inbox (list, show, assign, note, answered, close) and forget."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click
from rich.text import Text

from trendwatch.cli.common import (
    ago,
    common_options,
    console,
    format_option,
    print_json,
    print_table,
)
from trendwatch.cli.group import cli
from trendwatch.present.terminal import printable
from trendwatch.store import inbox as inbox_rows

URGENCY_STYLE = {"high": "bold red", "normal": "yellow", "low": "dim"}
STATUS_STYLE = {"new": "bold", "assigned": "cyan", "waiting": "magenta", "answered": "green",
                "closed": "dim"}
by_option = click.option("--by", "actor", default="cli", show_default=True, metavar="NAME",
                         help="who does it (written to the message's history)")


def message_json(row: dict[str, Any]) -> dict[str, Any]:
    """The stable JSON of one inbox message (README, "trendwatch inbox")."""
    return {
        "id": row["id"], "conversation_id": row["conversation_id"],
        "external_id": row["external_id"], "source": row["source"], "platform": row["platform"],
        "url": row["url"], "author": row["author"], "text": row["text"], "lang": row["lang"],
        "category": row["category"], "urgency": row["urgency"], "sentiment": row["sentiment"],
        "reasons": list(row["reasons"] or []), "status": row["status"],
        "assignee": row["assignee"], "received_at": row["received_at"], "due_at": row["due_at"],
        "breached": row["breached"], "incident_id": row["incident_id"],
        "reply_draft": row["reply_draft"],
    }


def _due(row: dict[str, Any], now: datetime) -> Text:
    if row["due_at"] is None:
        return Text("–", style="dim")
    if row["status"] in inbox_rows.DONE_STATUSES:
        return Text(ago(row["due_at"], now), style="dim")
    if row["breached"]:
        return Text(f"late, due {ago(row['due_at'], now)}", style="bold red")
    return Text(ago(row["due_at"], now), style="yellow")   # "in 3h"


@cli.group("inbox", invoke_without_command=True)
@common_options
@click.option("--status", type=click.Choice(inbox_rows.STATUSES), default=None,
              help="only messages in this state")
@click.option("--category", type=click.Choice(inbox_rows.CATEGORIES), default=None,
              help="only this category")
@click.option("--all", "include_done", is_flag=True, help="answered and closed ones too")
@click.option("--profile", default=None, help="only messages addressed to this profile")
@click.option("--limit", default=200, show_default=True, help="at most this many")
@format_option
@click.pass_context
def inbox(ctx, env, status: str | None, category: str | None, include_done: bool,
          profile: str | None, limit: int, fmt: str) -> None:
    """The customer-care inbox: open messages, soonest due first.

    \b
    trendwatch inbox show ID          one message, its conversation and history
    trendwatch inbox assign ID NAME   give it to someone
    trendwatch inbox note ID TEXT     add a note to its history
    trendwatch inbox answered ID      mark it answered
    trendwatch inbox close ID         close it
    """
    if ctx.invoked_subcommand is not None:
        return
    settings = env.settings()
    store = env.store(settings)
    now = datetime.now(UTC)
    if profile:
        profile = settings.profile(profile).name
    rows = inbox_rows.list_messages(store, now, status=status, category=category,
                                    include_done=include_done, limit=limit if not profile else 100_000)
    if profile:
        rows = [r for r in rows if (r["mention"] or {}).get("profile") in (profile, None)][:limit]
    if fmt == "json":
        print_json([message_json(r) for r in rows])
        return
    if not rows:
        console.print("the inbox is empty" + (" for these filters" if status or category else
                                              " (nothing owed; --all shows answered ones)"))
        return
    table = []
    for r in rows:
        table.append([
            r["id"], _due(r, now),
            Text(r["urgency"] or "", style=URGENCY_STYLE.get(r["urgency"] or "", "")),
            r["category"], Text(r["status"], style=STATUS_STYLE.get(r["status"], "")),
            r["assignee"], f"{r['platform']}\n{r['author'] or '–'}",
            " ".join((r["text"] or "").split())[:140],
            f"#{r['incident_id']}" if r["incident_id"] else None,
        ])
    counts = inbox_rows.summary(store, now, now)
    print_table(f"inbox: {len(rows)} shown, {counts['open']} open, {counts['breached']} late",
                ["id", "due", "urgency", "category", "status", "assignee", "from", "message",
                 "incident"], table)


@inbox.command("show")
@common_options
@click.argument("message_id", type=int)
@format_option
def show(env, message_id: int, fmt: str) -> None:
    """One message: text, triage and why, draft, conversation, history."""
    settings = env.settings()
    store = env.store(settings)
    now = datetime.now(UTC)
    m = inbox_rows.get_message(store, message_id, now)
    if fmt == "json":
        print_json({**message_json(m), "priority": m["priority"], "reply": m["reply"],
                    "mention": m["mention"],
                    "conversation": [message_json(c) for c in m["conversation"]],
                    "incident": m["incident"] and {k: m["incident"][k] for k in (
                        "id", "label", "count", "baseline", "ratio", "first_at", "last_at",
                        "topic_id", "status")},
                    "events": [{k: e[k] for k in ("at", "actor", "kind", "from_status",
                                                  "to_status", "note", "detail")}
                               for e in m["events"]]})
        return
    lines = [
        Text.assemble((f"#{m['id']} ", "bold"), (m["category"] or "untriaged", "bold"), " · ",
                      (m["urgency"] or "", URGENCY_STYLE.get(m["urgency"] or "", "")), " · ",
                      m["sentiment"] or "", " · ", (m["status"], STATUS_STYLE.get(m["status"], "")),
                      f" · {m['assignee']}" if m["assignee"] else ""),
        Text(printable(f"from {m['author'] or '–'} on {m['platform']} ({m['source']}), "
                       f"{ago(m['received_at'], now)}; lang {m['lang'] or '?'}")),
        Text(printable(f"link: {m['url'] or '–'}")),
        Text.assemble("due: ", _due(m, now)),
        Text(""),
        Text(printable(m["text"] or "")),
        Text(""),
        Text(printable("why: " + "; ".join(m["reasons"] or []) or "–"), style="dim"),
    ]
    if m["incident"]:
        lines.append(Text(printable(f"incident #{m['incident']['id']}: {m['incident']['label']}"),
                          style="red"))
    reply = m["reply"] or {}
    if m["reply_draft"]:
        lines += [Text(""), Text(f"reply draft ({reply.get('length')}/{reply.get('limit')}):",
                                 style="bold"), Text(printable(m["reply_draft"]))]
    elif reply.get("escalate"):
        lines += [Text(""), Text(printable("no draft, a person answers: "
                                           + "; ".join(reply.get("reasons") or [])), style="bold red")]
    for line in lines:
        console.print(line)
    others = [c for c in m["conversation"] if c["id"] != m["id"]]
    if others:
        print_table("conversation", ["id", "received", "status", "message"],
                    [[c["id"], ago(c["received_at"], now), c["status"],
                      " ".join((c["text"] or "").split())[:120]] for c in others])
    print_table("history", ["when", "who", "what", "note"],
                [[ago(e["at"], now), e["actor"],
                  e["kind"] + (f" → {e['to_status']}" if e["to_status"] else "")
                  + (f" {e['detail'].get('assignee')}" if e["kind"] == "assign" else ""),
                  e["note"]] for e in m["events"]])


@inbox.command("assign")
@common_options
@click.argument("message_id", type=int)
@click.argument("name")
@by_option
def assign(env, message_id: int, name: str, actor: str) -> None:
    """Give a message to NAME (a new one becomes assigned)."""
    store = env.store(env.settings())
    done = inbox_rows.assign(store, message_id, name, actor=actor, now=datetime.now(UTC))
    console.print(Text(printable(f"#{message_id} assigned to {done['assignee']} ({done['status']})")))


@inbox.command("note")
@common_options
@click.argument("message_id", type=int)
@click.argument("text")
@by_option
def note(env, message_id: int, text: str, actor: str) -> None:
    """Add a note to a message's history."""
    store = env.store(env.settings())
    inbox_rows.add_note(store, message_id, text, actor=actor, now=datetime.now(UTC))
    console.print(f"note added to #{message_id}")


def _move(env, message_id: int, status: str, actor: str) -> None:
    store = env.store(env.settings())
    done = inbox_rows.transition(store, message_id, status, actor=actor, now=datetime.now(UTC))
    console.print(f"#{message_id} {status}" if done["changed"] else f"#{message_id} was {status} already")


@inbox.command("answered")
@common_options
@click.argument("message_id", type=int)
@by_option
def answered(env, message_id: int, actor: str) -> None:
    """Mark a message answered (the SLA clock stops)."""
    _move(env, message_id, "answered", actor)


@inbox.command("waiting")
@common_options
@click.argument("message_id", type=int)
@by_option
def waiting(env, message_id: int, actor: str) -> None:
    """Mark a message waiting (asked the customer for something)."""
    _move(env, message_id, "waiting", actor)


@inbox.command("close")
@common_options
@click.argument("message_id", type=int)
@by_option
def close(env, message_id: int, actor: str) -> None:
    """Close a message."""
    _move(env, message_id, "closed", actor)


@cli.command("forget")
@common_options
@click.argument("author")
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@format_option
def forget(env, author: str, yes: bool, fmt: str) -> None:
    """Delete everything by AUTHOR (a data-subject request): inbound messages, the items they
    wrote (under their handle and its pseudonym), and ideas citing them."""
    from trendwatch.collect.privacy import privacy_key
    from trendwatch.service.inbox import forget as forget_person

    settings = env.settings()
    store = env.store(settings)
    if not yes and fmt != "json":
        click.confirm(f"delete everything the store holds by {author}?", abort=True)
    key = privacy_key(settings, env.database_url(settings))
    report = forget_person(store, datetime.now(UTC), author, key).as_dict()
    if fmt == "json":
        print_json(report)
        return
    console.print(Text(printable(
        f"deleted for {author}: {report['inbox_messages']} inbox messages "
        f"({report['inbox_events']} history entries, {report['conversations']} conversations, "
        f"{report['incidents']} incidents), {report['items']} items ({report['embeddings']} "
        f"embeddings, {report['assignments']} topic assignments), {report['ideas']} post ideas "
        f"citing them, {report['labels']} topic labels quoting them, {report['stories']} stories")))
