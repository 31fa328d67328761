"""rank, feedback, ideas: company fit and post ideas."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from rich.text import Text

from trendwatch.analysis.embed.base import Embedder
from trendwatch.analysis.embed.sentence import load_embedder
from trendwatch.cli.common import (
    common_options,
    console,
    err_console,
    format_option,
    print_json,
    print_table,
)
from trendwatch.cli.group import cli
from trendwatch.config.schema import PLATFORMS, Settings
from trendwatch.errors import StoreError
from trendwatch.rank.relevance import VERDICTS
from trendwatch.rank.run import rank_run
from trendwatch.store import opportunities as fit_rows

profile_option = click.option("--profile", "profile", metavar="NAME",
                              help="company profile to work for (default: [company])")
run_option = click.option("--run", "run_id", type=int, metavar="ID",
                          help="analysis run to use (default: the newest finished one)")


def embedder_for(store, settings: Settings, model_id: str | None) -> Embedder:
    """The embedder that made the run's centroids (ranking must compare like with like): the
    local model (int8 ONNX cached next to this store's data) or the configured server."""
    return load_embedder(settings, str(store.engine.url),
                         model=model_id or settings.analysis.model)


def _run_id(store, run_id: int | None) -> int:
    if run_id is not None:
        return run_id
    with store.connect() as conn:
        found = fit_rows.latest_run_id(conn)
    if found is None:
        raise StoreError("no finished analysis run yet: run `trendwatch analyze` first")
    return found


def _rank(store, settings: Settings, run_id: int, profile: str | None):
    with store.connect() as conn:
        run = fit_rows.load_run(conn, run_id)
    embedder = embedder_for(store, settings, run.get("model_id"))
    return rank_run(store, settings, run_id, embedder, profile=profile)


@cli.command()
@common_options
@profile_option
@run_option
@click.option("--product", metavar="NAME", help="only this product")
@format_option
def rank(env, profile: str | None, run_id: int | None, product: str | None, fmt: str) -> None:
    """Rank the run's topics for each product: relevance, priority and why."""
    settings = env.settings()
    prof = settings.profile(profile)
    if product:
        product = prof.product(product).name
    store = env.store(settings)
    run_id = _run_id(store, run_id)
    found = _rank(store, settings, run_id, prof.name)[prof.name]
    if product:
        found = [o for o in found if o.product == product]
    if fmt == "json":
        print_json([{"run_id": run_id, "topic_id": o.topic_id, "label": o.label, "product": o.product,
                     "status": o.status, "signal": o.signal, "relevance": o.relevance,
                     "priority": o.priority, "explanation": o.explanation, "parts": o.parts}
                    for o in found])
        return
    if not found:
        console.print(f"no topic of run {run_id} fits {prof.name}'s products yet")
        return
    print_table(f"Opportunities for {prof.name} (run {run_id})",
                ["priority", "topic", "label", "status", "product", "why"],
                [[f"{o.priority:.2f}", o.topic_id, o.label, o.status, o.product,
                  Text(o.explanation.replace("*", ""))] for o in found],
                styles={"priority": "bold"})


@cli.command()
@common_options
@click.argument("topic_id", type=int, metavar="TOPIC")
@click.argument("verdict", type=click.Choice(["useful", "not-useful", "mute", "clear"]))
@click.option("--idea", "idea_id", type=int, metavar="ID", help="the idea this verdict is about")
@click.option("--note", metavar="TEXT", help="why (kept with the verdict)")
@profile_option
def feedback(env, topic_id: int, verdict: str, idea_id: int | None, note: str | None,
             profile: str | None) -> None:
    """Mark a topic (or one of its ideas) useful, not useful, or mute it; `clear` forgets marks.

    Ranking uses the marks from the next run on: useful lifts the topic and look-alikes,
    not useful lowers them, mute hides the topic for this profile.
    """
    settings = env.settings()
    prof = settings.profile(profile)
    store = env.store(settings)
    now = datetime.now(UTC)
    if verdict == "clear":
        with store.begin() as conn:
            count = fit_rows.clear_feedback(conn, topic_id, prof.name)
        console.print(f"forgot {count} mark(s) on topic {topic_id} for {prof.name}")
        return
    stored = verdict.replace("-", "_")
    assert stored in VERDICTS
    if idea_id is not None and stored == "mute":
        raise click.BadParameter("mute applies to a topic; use useful or not-useful for an idea")
    with store.begin() as conn:
        fit_rows.add_feedback(conn, topic_id, stored, profile=prof.name, idea_id=idea_id, now=now,
                              note=note)
    what = f"idea {idea_id} of topic {topic_id}" if idea_id else f"topic {topic_id}"
    console.print(f"marked {what} as {stored.replace('_', ' ')} for {prof.name}; "
                  "it counts from the next ranking on")


@cli.command()
@common_options
@profile_option
@run_option
@click.option("--product", metavar="NAME", help="only ideas for this product")
@click.option("--platform", type=click.Choice(sorted(PLATFORMS)), help="only drafts for this platform")
@click.option("--generator", type=click.Choice(["template", "llm"]),
              help="override [ideas] generator for this call")
@click.option("--refresh", is_flag=True, help="write new ideas instead of showing stored ones")
@format_option
def ideas(env, profile: str | None, run_id: int | None, product: str | None, platform: str | None,
          generator: str | None, refresh: bool, fmt: str) -> None:
    """Post ideas for the top opportunities: angles, hooks, drafts per platform, sources."""
    from trendwatch.ideas import make_generator
    from trendwatch.ideas.briefing import build_ideas

    settings = env.settings()
    prof = settings.profile(profile)
    store = env.store(settings)
    run_id = _run_id(store, run_id)
    with store.connect() as conn:
        ranked = fit_rows.load_opportunities(conn, run_id, prof.name)
    if not ranked:
        _rank(store, settings, run_id, prof.name)
    gen = make_generator(settings, generator)
    result = build_ideas(store, settings, run_id, gen, now=datetime.now(UTC),
                         profile=prof.name, product=product, platform=platform, refresh=refresh)
    if getattr(gen, "last_error", None):
        err_console.print(f"[yellow]LLM generator fell back to templates:[/] {Text(gen.last_error)}")
    if fmt == "json":
        print_json(result)
        return
    if not result:
        console.print(f"no opportunities for {prof.name} in run {run_id}; see `trendwatch rank`")
        return
    for opp in result:
        console.print(Text.assemble((f"{opp['priority']:.2f} ", "bold"), (opp["label"], "bold cyan"),
                                    f"  topic {opp['topic_id']} · {opp['product']}"))
        console.print(Text("  " + opp["explanation"].replace("*", ""), style="dim"))
        for idea in opp["ideas"]:
            console.print(Text.assemble(f"  #{idea['id']} ", (idea["angle"], "magenta"),
                                        (f" [{idea.get('language', 'en')}]", "dim"), "  ",
                                        idea["hook"]))
            for draft in idea["drafts"]:
                console.print(Text(f"    [{draft['platform']} {draft['length']}/{draft['limit']}] ",
                                   style="green"), Text(draft["text"].replace("\n", " ⏎ ")))
            for gone in idea["dropped"]:
                console.print(Text(f"    [{gone['platform']}] dropped: {gone['reason']}", style="yellow"))
        console.print()

