"""A draft links only to what it cites: the one rule for links in generated text.

Feed text reaches every generator (the templates quote headlines, a model reads excerpts), so
a link written into a draft may come from an item rather than from the draft's sources: a
phishing link in a feed must never become a post. After a generator has fitted its drafts,
``keep_cited_links`` removes every link that is not the URL of an item the idea cites or the
product's own URL (feeds.toml): http(s) and ``www.`` URLs, bare domains (``evil.example/x``,
``bit.ly/abc``), markdown links (their text stays, the target goes). The hook loses them
too. A changed draft is fitted again to its platform's limits and carries a note saying how
many links were removed; the idea's ``notes`` say it as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from trendwatch.ideas.base import IdeaContext, PostIdea
from trendwatch.ideas.limits import Fitted, fit

# [text](target): the target is checked like any link
_MARKDOWN = re.compile(r"\[([^\]\n]{0,300})\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_SCHEME = re.compile(r"(?i)\b(?:https?|ftp)://[^\s<>\"'`\[\]]+|\b(?:https?|ftp):[^\s<>\"'`\[\]]*")
_WWW = re.compile(r"(?i)(?<![\w@./-])www\.[^\s<>\"'`\[\]]+")
# a host name of two or more labels with a letters-only top-level label, optionally a path;
# not inside an e-mail address, a word or a longer name
_BARE = re.compile(r"(?i)(?<![\w@./:-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
                   r"([a-z]{2,24}|xn--[a-z0-9-]{2,59}))(?![\w@-])((?:/[^\s<>\"'`\[\]]*)?)")
# a name without a path is a link only with a top-level domain people type ("Node.js" is not);
# with a path (``evil.example/x``) it always is
_TLDS = frozenset("""
com net org info biz io co ly me ai app dev gg tv xyz top site online click link live shop store club
icu vip work buzz fun space website page cloud tech news blog email digital today world email
gl gd to be cc ws la su ru cn tk ml ga cf gq pw us uk de fr eu nl es it pl ch at ca au nz in br
jp kr se no fi dk cz pt gr tr ua ir kz ro hu sk ie il za mx ar cl example test invalid local
""".split())
_TRAILING = ".,;:!?)]}»”’'\""


def _normal(url: str) -> str:
    """Compare links without scheme, ``www.``, case of the host, a trailing slash or punctuation."""
    url = url.strip().rstrip(_TRAILING)
    url = re.sub(r"(?i)^(?:https?:)?//", "", url)
    host, _, rest = url.partition("/")
    host = host.casefold().removeprefix("www.")
    return (host + ("/" + rest if rest else "")).rstrip("/")


def _host(url: str) -> str:
    return _normal(url).split("/", 1)[0]


class LinkPolicy:
    """The links one idea may carry: its cited items' URLs and the product's URL."""

    def __init__(self, allowed: Iterable[str | None]):
        self.urls = {_normal(u) for u in allowed if u}
        self.hosts = {_host(u) for u in allowed if u}

    def allows(self, link: str, *, bare_host: bool = False) -> bool:
        key = _normal(link)
        if key in self.urls:
            return True
        # naming the cited outlet's own site ("electrek.co reports") is not a link to elsewhere
        return bare_host and key in self.hosts

    def clean(self, text: str) -> tuple[str, int]:
        """``text`` without links this idea may not carry, and how many were removed."""
        removed = 0

        def markdown(match: re.Match) -> str:
            nonlocal removed
            label, target = match.group(1), match.group(2)
            label_text, inner = self.clean(label)   # a link hidden in the label goes too
            removed += inner
            if self.allows(target):
                return f"[{label_text}]({target})"
            removed += 1
            return label_text

        def url(match: re.Match) -> str:
            nonlocal removed
            found = match.group(0)
            core = found.rstrip(_TRAILING)
            if self.allows(core):
                return found
            removed += 1
            return found[len(core):]

        def bare(match: re.Match) -> str:
            nonlocal removed
            found = match.group(0)
            core = found.rstrip(_TRAILING)
            path = match.group(3).rstrip(_TRAILING)
            if not path and match.group(2).casefold() not in _TLDS:
                return found
            if self.allows(core, bare_host=not path):
                return found
            removed += 1
            return found[len(core):]

        text = _MARKDOWN.sub(markdown, text)
        text = _SCHEME.sub(url, text)
        text = _WWW.sub(url, text)
        text = _BARE.sub(bare, _protect_allowed(text, self))
        text = text.replace(_MASK, "")
        if removed:
            text = _tidy(text)
        return text, removed


_MASK = "\x00"


def _protect_allowed(text: str, policy: LinkPolicy) -> str:
    """Mark the allowed scheme URLs left in ``text`` so the bare-domain pass skips their hosts."""
    def mark(match: re.Match) -> str:
        return _MASK.join(match.group(0))   # no host name survives inside a marked URL
    return _SCHEME.sub(mark, text)


def _tidy(text: str) -> str:
    """Spacing after a removal: no doubled spaces, no space before punctuation, no empty ()."""
    text = re.sub(r"\(\s*\)|\[\s*\]|<\s*>", "", text)
    text = re.sub(r"[ \t]+([,.;:!?])", r"\1", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n[ \t]+", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def note(count: int) -> str:
    return f"removed {count} link{'s' if count != 1 else ''} not among the cited sources"


def policy_for(idea: PostIdea, context: IdeaContext) -> LinkPolicy:
    return LinkPolicy([*(s.url for s in idea.sources), context.product.url])


def keep_cited_links(ideas: Sequence[PostIdea], context: IdeaContext) -> list[PostIdea]:
    """Every idea with links outside its sources removed, drafts re-fitted (see module doc).

    An idea left with no draft that fits is not returned. Running it twice changes nothing.
    """
    out = []
    for idea in ideas:
        policy = policy_for(idea, context)
        hook, hook_removed = policy.clean(idea.hook)
        drafts: list[Fitted] = []
        dropped = list(idea.dropped)
        notes = list(idea.notes)
        if hook_removed:
            notes.append(f"hook: {note(hook_removed)}")
        for draft in idea.drafts:
            text, removed = policy.clean(draft.text or "")
            if not removed:
                drafts.append(draft)
                continue
            notes.append(f"{draft.platform}: {note(removed)}")
            refitted = fit(draft.platform, text, mastodon_limit=context.mastodon_limit)
            if refitted.ok and text.strip():
                drafts.append(replace(refitted, shortened=draft.shortened or refitted.shortened,
                                      note=note(removed)))
            else:
                dropped.append({"platform": draft.platform,
                                "reason": f"{note(removed)}; {refitted.reason or 'nothing was left'}"})
        if not drafts:
            continue
        out.append(replace(idea, hook=hook or context.label,
                           drafts=drafts, dropped=dropped, notes=notes))
    return out
