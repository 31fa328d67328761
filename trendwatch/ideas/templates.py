"""The default idea generator: deterministic templates, offline, good enough to edit.

Drafts are written in the profile's language (``IdeaContext.language``): English here, and one
writer per language in ``ideas/native/`` (Arabic, German, French, Spanish), each written for its
language: its own hooks, calls to action, quotation marks and hashtag habits, not a translation
of the English. Product and company names are kept exactly as configured.

Variety comes from several phrasings per angle, chosen by a stable hash of topic, product
and angle (so re-running gives the same drafts, neighbouring topics get different ones).
Every phrase is filled from real data only: the topic's keyphrases, the product's name and
description, the headlines and outlets of the items it rests on, counts from the analysis.
An angle that lacks what it needs (a data point without a number) is skipped, not faked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from trendwatch.ideas.base import (
    IdeaContext,
    PostIdea,
    SourceRef,
    best_before,
    has_placeholder,
)
from trendwatch.ideas.limits import Fitted, fit, spec
from trendwatch.ideas.links import keep_cited_links
from trendwatch.ideas.native import WRITERS
from trendwatch.ideas.writer import EMOJI, _sentence, _Writer, said_in


def writer_for(language: str) -> type[_Writer]:
    """The writer class for ``language``; English when there is none."""
    return WRITERS.get(language, _Writer)


class TemplateGenerator:
    """Deterministic, offline drafts in the company's tone and language (see module docstring)."""

    name = "template"

    async def generate(self, context: IdeaContext) -> list[PostIdea]:
        return self.generate_sync(context)

    def generate_sync(self, context: IdeaContext) -> list[PostIdea]:
        ideas: list[PostIdea] = []
        slots = list(context.sources)
        writer_class = writer_for(context.language)
        for angle in context.angles:
            if len(ideas) >= len(slots):
                break
            sources = slots[len(ideas)]
            if not sources:
                continue
            writer = writer_class(context, angle, sources)
            content = writer.content()
            if content is None:
                continue
            idea = self._render(context, angle, writer, content, sources)
            if idea.drafts:
                ideas.append(idea)
        return keep_cited_links(ideas, context)   # headlines are feed text: they may carry links

    def _render(self, ctx: IdeaContext, angle: str, w: _Writer, c: dict,
                sources: Sequence[SourceRef]) -> PostIdea:
        tags = w.hashtags(ctx.hashtags())
        drafts: list[Fitted] = []
        dropped: list[dict] = []
        for platform in ctx.platforms:
            fitted = render_platform(platform, ctx, angle, w, c, tags)
            if fitted.ok and not has_placeholder(fitted.text or ""):
                drafts.append(fitted)
            else:
                dropped.append({"platform": platform, "reason": fitted.reason or "placeholder text"})
        return PostIdea(angle=angle, hook=c["hook"], hashtags=tags, sources=list(sources),
                        best_before=best_before(ctx.status, angle, ctx.now), drafts=drafts,
                        dropped=dropped, language=w.language)


def _first_fit(platform: str, options: Sequence[str], ctx: IdeaContext, link: str | None,
               tags: Sequence[str]) -> Fitted:
    """The richest option that fits whole with its hashtags; else the last one, shortened."""
    # a part left out (an empty context) leaves no empty paragraph or leading space behind
    options = [re.sub(r"\n\n[ \n]+", "\n\n", option).strip() for option in options]
    for option in options:
        fitted = fit(platform, option, link=link, hashtags=tags, mastodon_limit=ctx.mastodon_limit)
        if fitted.ok and not fitted.shortened and (
                not tags or (fitted.text or "").count("#") >= min(len(tags), 1)):
            return fitted
    return fit(platform, options[-1], link=link, hashtags=tags, mastodon_limit=ctx.mastodon_limit)


def render_platform(platform: str, ctx: IdeaContext, angle: str, w: _Writer, c: dict,
                    all_tags: Sequence[str]) -> Fitted:
    """One draft in the platform's own register, framed in the writer's language."""
    tags = list(all_tags)[: w.TAGS.get(platform, 2)]
    emoji = f" {EMOJI[angle]}" if w.playful else ""
    source_url = c.get("link") or w.lead.url
    product_url = ctx.product.url
    hook, why, cta = c["hook"], c["why"], c["cta"]
    # a context that only repeats the hook (a data point quoted in both) is left out
    context = "" if said_in(c["context"], hook) else c["context"]
    screen = w.q(c["screen"])
    if platform in ("x", "bluesky"):
        options = [f"{hook}{emoji} {why} {cta}", f"{hook}{emoji} {cta}", f"{hook}{emoji}"]
        return _first_fit(platform, options, ctx, source_url, tags)
    if platform == "threads":
        options = [f"{hook}{emoji}\n\n{context} {why}\n\n{cta}", f"{hook}{emoji}\n\n{cta}"]
        return _first_fit(platform, options, ctx, source_url, tags)
    if platform == "mastodon":
        options = [f"{hook}\n\n{context} {why}\n\n{cta}", f"{hook}\n\n{why}\n\n{cta}"]
        return _first_fit(platform, options, ctx, source_url, tags)
    if platform == "linkedin":
        intro = w.FRAME_SHORT_VERSION + "\n" if w.expert and context else ""
        bullets = "".join(f"{w.BULLET}{b}\n" for b in c.get("bullets", []))
        refs = "\n".join(f"• {w.source_label(s)}{w.COLON}{s.url}"
                         for s in w.sources if s.url)
        more = ("\n\n" + w.FRAME_MORE_ABOUT.format(pitch=w.pitch, url=product_url)
                if product_url else "")
        body = (f"{hook}\n\n{intro}{context}\n\n{why}\n\n{bullets + chr(10) if bullets else ''}"
                f"{cta}\n\n{w.FRAME_SOURCES}\n{refs}{more}")
        return _first_fit(platform, [body], ctx, None, tags)
    if platform == "instagram":
        slides = "\n".join(f"{i}. {shot}" for i, shot in enumerate(c["shots"], 1))
        link_line = " " + w.FRAME_LINK_IN_BIO if product_url else ""
        body = (f"{hook}{emoji}\n\n{context}\n\n{why}\n\n{w.FRAME_CAROUSEL}\n{slides}\n\n"
                f"{cta}{link_line}")
        return _first_fit(platform, [body, f"{hook}{emoji}\n\n{why}\n\n{cta}{link_line}"], ctx, None, tags)
    if platform == "facebook":
        options = [f"{hook} {why} {cta}", f"{hook} {cta}"]
        return _first_fit(platform, options, ctx, source_url, tags)
    if platform in ("tiktok", "youtube"):
        shots = "\n".join(f"{i}. {shot}" for i, shot in enumerate(c["shots"], 1))
        body = (f"{w.FRAME_VIDEO[platform]}\n{w.FRAME_ON_SCREEN_HOOK} {screen}\n{shots}\n"
                f"{w.FRAME_CAPTION} {hook} {cta}")
        return _first_fit(platform, [body], ctx, None, tags)
    if platform == "snapchat":
        on, show, caption = w.FRAME_ON_SCREEN, w.FRAME_SHOW, w.FRAME_CAPTION
        options = [f"{on} {screen}\n{show} {_sentence(w.then(c['shots'][0], c['shots'][2]))}\n{caption} {cta}",
                   f"{on} {screen}\n{show} {_sentence(c['shots'][0])}\n{caption} {cta}",
                   f"{on} {screen}\n{caption} {cta}"]
        return _first_fit(platform, options, ctx, None, tags)
    if platform == "reddit":
        body = (f"{hook}\n\n{context} {why}\n\n{cta}\n\n"
                + w.FRAME_DISCLOSURE.format(company=w.company))
        return _first_fit(platform, [body], ctx, source_url, [])
    spec(platform)  # raises for an unknown platform
    return fit(platform, f"{hook} {cta}", link=source_url, hashtags=tags,
               mastodon_limit=ctx.mastodon_limit)
