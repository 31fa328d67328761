"""From a run's opportunities to stored, fitted post ideas: the imperative shell of ideas.

One call is one briefing: each topic appears once (for its best product, unless a product
is asked for) and each source item is cited by at most one idea. Ideas are stored with
their generator; asking again returns the stored ones unless ``refresh`` is set.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from trendwatch.collect.dedup import shareable_url
from trendwatch.config.schema import Settings
from trendwatch.ideas.base import (
    IdeaContext,
    IdeaGenerator,
    PostIdea,
    SourceRef,
    angles_for,
    platforms_for,
)
from trendwatch.ideas.limits import spec
from trendwatch.ideas.links import keep_cited_links
from trendwatch.store import opportunities as fit_rows


def slots(items: Sequence[SourceRef], count: int, per_slot: int) -> list[list[SourceRef]]:
    """Deal items round-robin into ``count`` slots (newest first), ``per_slot`` each at most."""
    count = min(count, len(items))
    out: list[list[SourceRef]] = [[] for _ in range(count)]
    for index, item in enumerate(items[: count * per_slot]):
        out[index % count].append(item)
    return out


def on_topic_first(refs: list[SourceRef], terms: Sequence[str]) -> list[SourceRef]:
    """Items whose headline names the product's terms or the topic's keyphrases lead;
    otherwise newest first (a cluster's odd member should not be the one quoted)."""
    from trendwatch.rank.relevance import Haystack

    def hits(ref: SourceRef) -> int:
        haystack = Haystack([ref.title])
        return sum(1 for term in terms if haystack.has(term))

    return sorted(refs, key=lambda ref: -hits(ref))


def build_ideas(store, settings: Settings, run_id: int, generator: IdeaGenerator, *, now: datetime,
                profile: str | None = None, product: str | None = None,
                platform: str | None = None, refresh: bool = False) -> list[dict[str, Any]]:
    """Ideas for the top opportunities of ``run_id``, in priority order (JSON-ready dicts)."""
    import asyncio

    return asyncio.run(abuild_ideas(store, settings, run_id, generator, now=now, profile=profile,
                                    product=product, platform=platform, refresh=refresh))


async def abuild_ideas(store, settings: Settings, run_id: int, generator: IdeaGenerator, *,
                       now: datetime, profile: str | None = None, product: str | None = None,
                       platform: str | None = None, refresh: bool = False) -> list[dict[str, Any]]:
    prof = settings.profile(profile)
    language = prof.writing_language
    if product:
        product = prof.product(product).name
    if platform:
        spec(platform)
    options = settings.ideas
    with store.connect() as conn:
        opportunities = fit_rows.load_opportunities(conn, run_id, prof.name, product)
    chosen, seen_topics = [], set()
    for opp in opportunities:
        if opp["topic_id"] in seen_topics:
            continue  # one topic once per briefing, for its best product
        seen_topics.add(opp["topic_id"])
        chosen.append(opp)
        if len(chosen) >= options.top:
            break

    used: set[str] = set()
    out = []
    for opp in chosen:
        prod = prof.product(opp["product"])
        platforms = platforms_for(prof.company, prod)
        if platform and platform not in platforms:
            platforms = [*platforms, platform]
        with store.connect() as conn:
            stored = [] if refresh else fit_rows.stored_ideas(conn, run_id, prof.name,
                                                               opp["topic_id"], prod.name)
        if stored and _covers(stored, platforms, language):
            rows = stored
        else:
            with store.connect() as conn:
                raw_items = fit_rows.topic_items(conn, run_id, opp["topic_id"])
            # drafts and briefings link to what people will share: no utm_* or click ids
            refs = [SourceRef(r["id"], r["title"] or "", shareable_url(r["url"]), r["outlet"],
                              r["published_at"],
                              r["text"] or "", r["story_id"], r["platform"]) for r in raw_items
                    if _keys(r["id"], r["story_id"]).isdisjoint(used)]
            if not refs:
                continue  # everything this topic rests on was already suggested
            parts = opp["parts"] or {}
            refs = on_topic_first(refs, [*parts.get("matched", []), *(opp["keywords"] or [])[:3]])
            context = IdeaContext(
                profile=prof.name, company=prof.company, product=prod, topic_id=opp["topic_id"],
                label=opp["label"], keywords=opp["keywords"] or [], topic_hashtags=opp["hashtags"] or [],
                matched=parts.get("matched", []), status=opp["status"],
                sources_24h=int(parts.get("sources_24h", 0)), distinct_sources=opp["distinct_sources"],
                sources=slots(refs, options.angles, options.sources),
                angles=angles_for(opp["status"], 8), platforms=platforms, now=now,
                mastodon_limit=options.mastodon_limit, language=language,
            )
            # every generator's drafts link only to what they cite (idempotent after the
            # generators' own pass; covers any other IdeaGenerator)
            ideas = keep_cited_links(await generator.generate(context), context)
            rows = _store(store, run_id, prof.name, opp, prod.name, ideas, now, refresh)
        for row in rows:
            for source in row["sources"]:
                used.update(_keys(source.get("item_id"), source.get("story_id")))
        if rows:
            out.append(_public(opp, rows, platform))
    return out


def _keys(item_id: str | None, story_id: int | None) -> set[str]:
    """An item and its near-duplicates (same story) count as one suggestion."""
    keys = {f"item:{item_id}"} if item_id else set()
    if story_id is not None:
        keys.add(f"story:{story_id}")
    return keys


def _covers(rows: list[dict], platforms: Sequence[str], language: str = "en") -> bool:
    """Stored ideas answer the request when, together, they have drafts for every platform,
    written in the profile's language (ideas stored before another language was set are
    written again)."""
    have = {d["platform"] for row in rows for d in row["drafts"]}
    return set(platforms) <= have and all(_language(row) == language for row in rows)


def _language(row: dict) -> str:
    """The language a stored idea was written in; drafts from before languages were English."""
    return next((d["language"] for d in row["drafts"] if d.get("language")), "en")


def _store(store, run_id: int, profile: str, opp: dict, product: str, ideas: list[PostIdea],
           now: datetime, refresh: bool) -> list[dict]:
    rows = []
    for idea in ideas:
        rows.append({
            "run_id": run_id, "topic_id": opp["topic_id"], "profile": profile, "product": product,
            "angle": idea.angle, "hook": idea.hook, "hashtags": idea.hashtags,
            "sources": [{**s.public(), "item_id": s.item_id, "story_id": s.story_id}
                        for s in idea.sources],
            # only drafts that fit are stored: the dashboard and briefing render every one
            "drafts": [{**d.as_draft(), "language": idea.language} for d in idea.drafts],
            "best_before": idea.best_before, "generator": getattr(idea, "generator", None) or "template",
            "created_at": now,
        })
    with store.begin() as conn:
        fit_rows.delete_unmarked_ideas(conn, run_id, profile, opp["topic_id"], product)
        ids = fit_rows.insert_ideas(conn, rows)
    for row, idea_id, idea in zip(rows, ids, ideas):
        row["id"] = idea_id
        row["feedback"] = None
        row["dropped"] = list(idea.dropped)
        row["notes"] = list(idea.notes)
    return rows


def _public(opp: dict, rows: list[dict], platform: str | None) -> dict:
    ideas = []
    for row in rows:
        drafts = [d for d in row["drafts"] if not platform or d["platform"] == platform]
        dropped = [d for d in row.get("dropped", []) if not platform or d["platform"] == platform]
        if platform and not drafts:
            continue
        ideas.append({
            "id": row["id"], "angle": row["angle"], "language": _language(row), "hook": row["hook"],
            "hashtags": row["hashtags"],
            "sources": [{k: s.get(k) for k in ("title", "url", "outlet")} for s in row["sources"]],
            "best_before": row["best_before"],
            "drafts": [{k: d[k] for k in ("platform", "text", "length", "limit", "note") if k in d}
                       for d in drafts],
            "dropped": dropped,   # reasons are only known right after generation
            "notes": list(row.get("notes", [])),   # e.g. links removed (each draft keeps its note)
            "generator": row["generator"], "feedback": row.get("feedback"),
        })
    return {"topic_id": opp["topic_id"], "product": opp["product"], "priority": opp["priority"],
            "explanation": opp["explanation"], "label": opp["label"], "status": opp["status"],
            "ideas": ideas}
