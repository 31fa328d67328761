"""The English draft writer and the phrasing helpers every language's writer shares
(``ideas/native/`` subclasses ``_Writer``; ``ideas/templates.py`` picks one per language)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from trendwatch.ideas.base import (
    IdeaContext,
    SourceRef,
    tone_words,
)
from trendwatch.lang.bidi import close_isolates
from trendwatch.present.formats import platform_name

EMOJI = {"news-jacking": "👀", "educational explainer": "💡", "opinion/hot take": "🔥",
         "data point": "📊", "customer question": "🙋", "behind-the-scenes": "🎬",
         "myth-busting": "❌", "prediction": "🔮"}
TAGS_PER_PLATFORM = {"x": 2, "bluesky": 2, "mastodon": 4, "threads": 1, "linkedin": 3,
                     "instagram": 5, "tiktok": 4, "facebook": 2, "snapchat": 1, "youtube": 3,
                     "reddit": 0}
# units after a number, in the languages we write (\d also matches Arabic-Indic digits)
_UNITS = (r"%|٪|percent|per cent|prozent|pour cent|por ciento|x\b|million|billion|bn\b|m\b|k\b|"
          r"millionen|milliarden|mio\.?|mrd\.?|millions?|milliards?|millones|millón|"
          r"مليون|مليار|بالمئة|بالمائة|في المئة")
_NUMBER = re.compile(r"(?<![\w.])(\d[\d,.]*\s?(" + _UNITS + r")?"
                     r"|[$€£]\s?\d[\d,.]*\s?(million|billion|bn|m|k)?)", re.I)
_UNIT_WORD = re.compile(r"[%٪$€£]|percent|per cent|prozent|pour cent|por ciento|million|billion|"
                        r"milliard|millon|millón|mio|mrd|مليون|مليار|بالمئة|بالمائة|في المئة|"
                        r"\dx\b|\dk\b|\dm\b|bn", re.I)
# tone words as a company writes them in any of our languages
PLAYFUL = {"playful", "fun", "witty", "cheeky", "humorous", "light", "irreverent",
           "verspielt", "locker", "humorvoll", "witzig", "frech", "ludique", "drôle", "décalé",
           "léger", "divertido", "desenfadado", "ingenioso", "cercano", "مرح", "ظريف", "خفيف"}
EXPERT = {"expert", "authoritative", "professional", "knowledgeable", "precise", "analytical",
          "kompetent", "fachkundig", "sachlich", "professionell", "präzise", "experte",
          "professionnel", "précis", "experto", "profesional", "riguroso", "preciso",
          "خبير", "احترافي", "مهني", "دقيق", "متخصص"}
BOLD = {"bold", "provocative", "confident", "direct", "edgy", "mutig", "direkt", "selbstbewusst",
        "audacieux", "provocateur", "audaz", "directo", "atrevido", "جريء", "واثق", "مباشر"}


def keyphrase(ctx: IdeaContext) -> str:
    """What the topic is about, in words the product's audience uses: the first of the topic's
    keyphrases that matched a product term (in the product's spelling), else its first one."""
    spelled = {k.casefold(): k for k in [*ctx.product.keywords, *ctx.product.hashtags]}
    matched = {m.casefold() for m in ctx.matched}
    for phrase in ctx.keywords:
        if phrase.casefold() in matched:
            return spelled.get(phrase.casefold(), phrase)
    return ctx.keyphrase


# whitespace a line may break at: not the no-break spaces of French punctuation ("mot :")
_BREAKING_SPACE = re.compile(r"(?:(?![\u00a0\u202f])\s)+")


def _pick(options: Sequence[str], *key: object) -> str:
    digest = hashlib.blake2b("|".join(map(str, key)).encode(), digest_size=4).digest()
    return options[int.from_bytes(digest, "little") % len(options)]


def _clip(text: str, most: int) -> str:
    """At most ``most`` characters, ending on a whole word (a no-break space joins words)."""
    text = " ".join(_BREAKING_SPACE.split(text.strip()))
    if len(text) <= most:
        return text
    return close_isolates(text[: most + 1].rsplit(" ", 1)[0].rstrip(" ,;:-–—\u00a0") + "…")


def _gist(text: str) -> str:
    """Words only, case-folded: what two phrasings of one sentence have in common."""
    return " ".join(re.sub(r"[^\w]+", " ", text).casefold().split())


def said_in(part: str, text: str, share: float = 0.6) -> bool:
    """True when most of ``part`` (``share`` of its words, in one run) is already said in
    ``text``, quotes, marks and case aside: "Outlet reports: “title”" after a hook that
    already gave the title says it twice."""
    words, said = _gist(part).split(), _gist(text).split()
    if not words:
        return False
    run = SequenceMatcher(None, words, said, autojunk=False).find_longest_match(
        0, len(words), 0, len(said))
    return run.size >= share * len(words)


def clean_title(source: SourceRef) -> str:
    title = " ".join(source.title.split())
    if not title:
        # a post has no headline: its first sentence, without the hashtag tail, stands in
        words = re.sub(r"(^|\s)(#\w+\s*)+$", "", " ".join((source.text or "").split())).strip()
        title = re.split(r"(?<=[.!?])\s+", words)[0] if words else ""
    if source.outlet:  # Google News appends " - Outlet"
        for sep in (" - ", " | ", " – "):
            if title.endswith(sep + source.outlet):
                title = title[: -len(sep + source.outlet)]
    return _clip(title.rstrip(" ."), 110)


def number_fact(sources: Sequence[SourceRef]) -> tuple[str, str, SourceRef] | None:
    """(quote, number, source) for the first headline/lead sentence carrying a number."""
    for source in sources:
        candidates = [clean_title(source)] + re.split(r"(?<=[.!?])\s+", source.text or "")[:2]
        for sentence in candidates:
            for match in _NUMBER.finditer(sentence):
                if _meaningful(match.group(0).strip()):
                    return _clip(sentence.strip(), 140), match.group(0).strip(), source
    return None


def _meaningful(number: str) -> bool:
    """A unit, a currency or a count of at least 10; years and list numbers ("3 ways") are not."""
    if _UNIT_WORD.search(number):
        return True
    digits = re.sub(r"\D", "", number.replace(",", "").split(".")[0])
    if not digits:
        return False
    value = int(digits)   # int() reads Arabic-Indic digits too
    return value >= 10 and not (1900 <= value <= 2099)


def first_word(text: str) -> str:
    """The first word, without the punctuation or no-break space that follows it."""
    return re.split(r"[\s\u00a0\u202f:,;.!?]", text.strip(), maxsplit=1)[0]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _lower_first(text: str) -> str:
    """'A folding e-bike' → 'a folding e-bike'; names and acronyms stay as they are."""
    first = text.split(" ", 1)[0]
    if first in ("A", "An", "The", "Our") or (first[:1].isupper() and first[1:].islower()
                                              and first.lower() in _COMMON_STARTS):
        return text[:1].lower() + text[1:]
    return text


_COMMON_STARTS = {"lightweight", "folding", "electric", "smart", "simple", "affordable", "premium",
                  "cargo", "e-bike", "subscription", "software", "platform", "service", "app"}


def _sentence(text: str) -> str:
    text = text.rstrip()
    # after « » and „ “ quotations the full stop still follows; English puts it inside ”
    return text if text.endswith((".", "!", "?", "؟", "…", "”", "\"", ")")) else text + "."


def _lower_first_word(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first[1:].islower() and first in (
        "The", "What", "Where", "Ask:", "Invite", "One", "Face", "Quick", "Title", "Three",
        "Notes", "Team", "Close", "Read") else text


class _Writer:
    """English phrases for one (context, angle, sources) triple.

    A writer for another language subclasses this one and overrides the phrases: the words
    below (``COMMUNITY`` …), the platform frame (``FRAME_*``, used by ``render_platform``),
    ``reach`` and one method per angle. ``name`` and ``quoted`` wrap what comes from the
    config and the feeds (a right-to-left writer isolates Latin names there).
    """

    language = "en"
    COMMUNITY = "our community"
    PUBLIC_POST = "a public post"
    POST_ON = "a post on {platform}"
    THE_NEWS = "the news"
    AND = " and "
    QUOTE = ("“", "”")
    # the platform frame: what render_platform writes around the phrases
    FRAME_SHORT_VERSION = "The short version:"
    FRAME_SOURCES = "Sources:"
    FRAME_MORE_ABOUT = "More about {pitch}: {url}"
    FRAME_CAROUSEL = "Carousel idea:"
    FRAME_LINK_IN_BIO = "Link in bio."
    FRAME_VIDEO = {"tiktok": "🎬 TikTok idea (20–30 s)", "youtube": "🎬 YouTube Short idea (20–30 s)"}
    FRAME_ON_SCREEN_HOOK = "On-screen hook:"
    FRAME_CAPTION = "Caption:"
    FRAME_ON_SCREEN = "On-screen:"
    FRAME_SHOW = "Show:"
    FRAME_DISCLOSURE = "(Disclosure: posted by the team at {company}.)"
    BULLET = "→ "
    COMMA = ", "
    COLON = ": "
    # how many hashtags a post carries here (the platform's own cap still applies)
    TAGS = TAGS_PER_PLATFORM

    def __init__(self, ctx: IdeaContext, angle: str, sources: Sequence[SourceRef]):
        self.ctx, self.angle, self.sources = ctx, angle, list(sources)
        tone = tone_words(ctx.company.tone)
        self.playful, self.expert, self.bold = bool(tone & PLAYFUL), bool(tone & EXPERT), bool(tone & BOLD)
        self.key = (ctx.topic_id, ctx.product.name, angle)
        self.k_raw = keyphrase(ctx)
        self.k = self.quoted(self.k_raw)
        self.kc = _cap(self.k)
        self.product = self.name(ctx.product.name)
        self.company = self.name(ctx.company.name)
        self.audience = self.quoted(ctx.product.audience
                                    or (ctx.company.audiences or [self.COMMUNITY])[0])
        matched = [self.quoted(m) for m in ctx.matched if m.casefold() != ctx.product.name.casefold()]
        self.m = self.AND.join(matched[:2]) if matched else self.k
        self.lead = self.sources[0]
        self.title = self.quoted(clean_title(self.lead))
        self.outlet = self.source_name(self.lead)
        self.n24 = ctx.sources_24h
        self.nall = max(ctx.distinct_sources, len(self.sources))
        desc = (ctx.product.description or "").split(". ")[0].rstrip(".")
        self.pitch = (f"{self.product}{self.COMMA}{self.lower_first(self.quoted(desc))}" if desc
                      else self.product)

    # --- hooks for other languages ---

    def name(self, text: str) -> str:
        """A product, company or outlet name, exactly as given."""
        return text

    def source_name(self, source: SourceRef) -> str:
        """Who said it, as a post may name them: the outlet, or "a post on Mastodon"."""
        if outlet := source.outlet_name():
            return self.name(outlet)
        if platform := platform_name(source.platform):
            return self.POST_ON.format(platform=self.name(platform))
        return self.PUBLIC_POST if source.outlet else self.THE_NEWS

    def source_label(self, source: SourceRef) -> str:
        """The same, as a list entry: "Mastodon" rather than "a post on Mastodon"."""
        if outlet := source.outlet_name():
            return self.name(outlet)
        if platform := platform_name(source.platform):
            return self.name(platform)
        return self.source_name(source)

    def quoted(self, text: str) -> str:
        """Feed or config text placed inside our sentence."""
        return text

    def lower_first(self, text: str) -> str:
        return _lower_first(text)

    def q(self, text: str) -> str:
        """``text`` in this language's quotation marks."""
        return f"{self.QUOTE[0]}{text}{self.QUOTE[1]}"

    def then(self, first: str, last: str) -> str:
        """Two shots of a short video in one line (Snapchat)."""
        return f"{first}; then {_lower_first_word(last)}"

    def hashtags(self, tags: Sequence[str]) -> list[str]:
        """The hashtags this language's posts carry, best first."""
        return list(tags)

    def pick(self, *options: str) -> str:
        return _pick(options, *self.key, options[0][:12])

    def reach(self) -> str:
        if self.n24 >= 2:
            return f"{self.n24} sources in the last 24 hours"
        return f"{self.nall} source{'s' if self.nall != 1 else ''} so far"

    def content(self) -> dict | None:
        method = getattr(self, "_" + re.sub(r"\W+", "_", self.angle))
        return method()

    # --- one method per angle: hook, line (one-liner), context, why, cta, screen, shots ---

    def _news_jacking(self) -> dict:
        return dict(
            hook=self.pick(f"{_cap(self.outlet)} reports: {_sentence(self.title)}",
                           f"In the news: {_sentence(self.title)}",
                           f"Big moment for {self.k}: {_sentence(self.title)}"
                           if self.k.casefold() not in self.title.casefold()
                           else f"Worth a look: {_sentence(self.title)}"),
            context=f"{_cap(self.outlet)} reports: “{self.title}”.",
            why=f"For {self.audience}, this is about {self.m}, the everyday reality {self.product} is built for.",
            cta=self.pick("What's your first reaction?", "Good news or overdue?",
                          "Would this change anything for you?"),
            screen=_clip(f"{self.kc}: what just happened", 60),
            shots=["The headline on screen, read out in one breath",
                   f"Quick reaction: what it means for {self.audience}",
                   f"{self.product} in action, tied back to {self.k}"],
        )

    def _educational_explainer(self) -> dict:
        return dict(
            hook=self.pick(f"{self.kc}, explained in one minute.",
                           f"What is {self.k}, and why is everyone talking about it?",
                           f"{self.kc} 101: the short version."),
            context=f"{self.kc} is in the news ({self.reach()}; latest from {self.outlet}: “{self.title}”).",
            why=f"What {self.audience} should know: what changed, who it affects, and what to do next.",
            bullets=[f"What happened: {self.title} ({self.outlet})", f"Who it affects: {self.audience}",
                     f"Why we care: it touches {self.m}, which is what {self.product} is about"],
            cta=self.pick("What should we explain next?", f"Anything about {self.k} still unclear?"),
            screen=_clip(f"{self.kc} in 60 seconds", 60),
            shots=["Title card with the question", "Three quick facts, one per cut",
                   f"Close on {self.product}: what it means for you"],
        )

    def _opinion_hot_take(self) -> dict:
        opener = "Hot take" if (self.playful or self.bold) else "Our view"
        return dict(
            hook=self.pick(f"{opener}: {self.k} matters more to {self.audience} than the headlines suggest.",
                           f"{opener}: {self.k} is not a niche story any more.",
                           f"{opener}: {self.audience} should be watching {self.k} this month."),
            context=f"{self.kc} is everywhere right now ({self.reach()}). Here is where we land.",
            why=f"We build {self.product} for {self.audience}, and {self.m} is where we see this play out first.",
            cta=self.pick("Agree, or are we wrong?", "Where do you stand?", "Convince us otherwise."),
            screen=_clip(f"{opener}: {self.k}", 60),
            shots=["Face to camera: the take in one line", "One headline on screen as proof",
                   "Invite viewers to reply with their own view"],
        )

    def _data_point(self) -> dict | None:
        fact = number_fact(self.sources)
        link = None
        if fact:
            quote, number, source = fact
            link = source.url  # the draft links to the article it quotes
            stat = f"“{quote}” ({self.source_name(source)})"
            screen = _clip(f"{number}: {self.k}", 60)
        elif self.nall >= 3:
            stat = f"{self.reach()} are covering {self.k}"
            stat = _cap(stat)
            screen = _clip(f"{self.nall} sources: {self.k}", 60)
        else:
            return None
        return dict(
            link=link,
            hook=_sentence(self.pick(f"By the numbers: {stat}", f"One number on {self.k}: {stat}")),
            context=_sentence(stat),
            why=f"Why it matters for {self.audience}: numbers like this move {self.m} from niche to normal.",
            cta=self.pick("Does that number surprise you?", "Higher or lower than you expected?"),
            screen=screen,
            shots=["The number, big on screen", "Where it comes from: the headline",
                   f"What it means for {self.audience}"],
        )

    def _customer_question(self) -> dict:
        return dict(
            hook=self.pick(f"“What does {self.k} mean for me?” Here's our answer for {self.audience}.",
                           f"If you're wondering what {self.k} changes for you, this one's for you.",
                           f"Question of the week: is {self.k} worth paying attention to?"),
            context=f"{self.kc} keeps coming up (latest: {self.outlet}, “{self.title}”).",
            why=f"The honest answer: it depends on how {self.m} fits your day. Here's how we think about it with {self.product}.",
            cta=f"What else do you want to know about {self.k}? Ask below.",
            screen=_clip(f"Does {self.k} affect me?", 60),
            shots=["The question on screen", "The answer in three short lines",
                   f"Where {self.product} fits"],
        )

    def _behind_the_scenes(self) -> dict:
        return dict(
            hook=self.pick(f"Behind the scenes at {self.company}: how we read the {self.k} news.",
                           f"A peek inside {self.company}: what {self.k} means for how we build {self.product}."),
            context=f"We follow news like this closely ({self.outlet}: “{self.title}”), because {self.m} is at the core of {self.product}.",
            why="Here's what we watch for, and why.",
            cta="Want more looks behind the scenes?",
            screen=_clip(f"How we think about {self.k}", 60),
            shots=["Team member at work, headline as caption", "Notes on a whiteboard: what we watch for",
                   f"{self.product} close-up"],
        )

    def _myth_busting(self) -> dict:
        return dict(
            hook=self.pick(f"Myth vs. reality: {self.k}.",
                           f"{self.kc}: what the headlines get right, and what they miss."),
            context=f"With {self.reach()} on {self.k}, it's easy to mix up the headline and the detail.",
            why=f"What matters for {self.audience}: look past the headline to {self.m}.",
            cta=f"What's a myth about {self.k} you keep hearing?",
            screen=_clip(f"Myth or fact? {self.kc}", 60),
            shots=["The myth on screen", "The reality, with the source on screen",
                   f"What it means for {self.audience}"],
        )

    def _prediction(self) -> dict:
        return dict(
            hook=self.pick(f"Prediction: {self.k} will matter to {self.audience} sooner than most expect.",
                           f"Where {self.k} goes next: our bet.",
                           f"Mark our words: {self.k} is just getting started."),
            context=f"{self.kc}: {self.reach()}, and the coverage is {self.ctx.status}.",
            why=f"Our bet: {self.audience} will feel this through {self.m}, and we're building {self.product} with that in mind.",
            cta=self.pick("Where do you think this goes next?", "Agree with our bet?"),
            screen=_clip(f"Our prediction: {self.k}", 60),
            shots=["The prediction, bold on screen", "The signal: headlines stacking up",
                   "Ask: agree or disagree?"],
        )
