"""Generate the demo week: articles per outlet, wire copies, social posts, trending searches.

Pure and deterministic for a seed. Times are *ages* (seconds before the end of the
week) so the server can anchor the week at "now" when it starts; ``at(end)`` turns an
age into a UTC datetime.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from trendwatch.demo.inbound import COMPANY_X, mention_posts
from trendwatch.demo.people import OUTLETS, Account, Outlet, make_accounts
from trendwatch.demo.stories import (
    ARABIC_CHATTER,
    ARABIC_CHATTER_TAGS,
    CHATTER,
    CHATTER_TAGS,
    OTHER_SEARCHES,
    SLOTS,
    STORIES,
    Lang,
    Topic,
)

DEFAULT_SEED = 20260
HALF_DAY = 12 * 3600
WEEK = 14 * HALF_DAY
OPENERS = ("Big news:", "Interesting:", "Worth a read:", "Morning read:", "Okay.", "Honestly?",
           "Saw this on the train:", "Noted:", "Hm.", "From the news today:")
CLOSERS = ("Thoughts?", "What do you think?", "Anyone tried it yet?", "Curious where this goes.",
           "Big if true.", "Will keep an eye on it.", "Would love to hear from riders.")
ARABIC_OPENERS = ("خبر مهم:", "لافت:", "يستحق القراءة:", "قرأت هذا الصباح:", "بصراحة؟", "من أخبار اليوم:",
                  "للمتابعة:")
ARABIC_CLOSERS = ("ما رأيكم؟", "هل جربه أحد؟", "سنرى إلى أين يتجه هذا.", "خطوة تستحق المتابعة.",
                  "أتمنى سماع تجارب الدراجين.")
# how a post's words are varied, per language: (openers, closers)
VARIATION = {"en": (OPENERS, CLOSERS), "ar": (ARABIC_OPENERS, ARABIC_CLOSERS)}
PLATFORM_MIX = {"mastodon": 0.36, "bluesky": 0.34, "reddit": 0.14, "hackernews": 0.08, "x": 0.08}
SUBREDDITS = ("ebikes", "bikecommuting", "CargoBike")


@dataclass(frozen=True)
class Article:
    id: str
    outlet: str                    # Outlet.slug
    topic: str
    title: str
    body: str
    age: float                     # seconds before the end of the week
    author: str
    lang: str = "en"
    wire_of: str | None = None     # id of the wire original this republishes

    @property
    def slug(self) -> str:
        words = re.findall(r"\w+", self.title.casefold())[:8]
        return "-".join(words) or self.id


@dataclass(frozen=True)
class Post:
    id: str
    platform: str
    account: str                   # Account.handle
    topic: str                     # story key, or "chatter"
    text: str
    hashtags: tuple[str, ...]
    age: float
    lang: str = "en"
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    title: str | None = None       # Reddit / Hacker News submissions
    community: str | None = None   # subreddit
    article: str | None = None     # linked Article.id (Hacker News, some posts)


@dataclass(frozen=True)
class Search:
    """One Google Trends daily entry."""

    term: str
    traffic: int
    age: float
    articles: tuple[str, ...] = ()


@dataclass
class Dataset:
    seed: int
    outlets: tuple[Outlet, ...]
    accounts: list[Account]
    articles: list[Article]
    posts: list[Post]
    searches: list[Search]
    _outlets: dict[str, Outlet] = field(default_factory=dict, repr=False)
    _accounts: dict[tuple[str, str], Account] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._outlets = {o.slug: o for o in self.outlets}
        self._accounts = {(a.platform, a.handle): a for a in self.accounts}

    def outlet(self, slug: str) -> Outlet:
        return self._outlets[slug]

    def account(self, platform: str, handle: str) -> Account:
        return self._accounts[(platform, handle)]

    def article(self, article_id: str) -> Article | None:
        return next((a for a in self.articles if a.id == article_id), None)

    @staticmethod
    def at(end: datetime, age: float) -> datetime:
        return end - timedelta(seconds=age)


def build_dataset(seed: int = DEFAULT_SEED) -> Dataset:
    """The demo week for ``seed``. Same seed, same week, byte for byte."""
    rng = random.Random(seed)
    accounts = make_accounts(rng)
    articles: list[Article] = []
    counters: dict[str, int] = {}

    def new_article(outlet: Outlet, topic: str, title: str, body: str, age: float,
                    wire_of: str | None = None) -> Article:
        counters[outlet.slug] = counters.get(outlet.slug, 0) + 1
        article = Article(id=f"{outlet.slug}-{counters[outlet.slug]:04d}", outlet=outlet.slug,
                          topic=topic, title=title, body=body, age=age,
                          author=rng.choice(outlet.reporters), lang=outlet.lang, wire_of=wire_of)
        articles.append(article)
        return article

    solo = {lang: sum(o.lang == lang for o in OUTLETS) == 1 for lang in {o.lang for o in OUTLETS}}
    for topic in STORIES:
        eligible = [o for o in OUTLETS if set(o.beats) & set(topic.beats)
                    and _lang_of(topic, o.lang) is not None]
        # an outlet that is the only one writing in its language (the German one) is weighed up
        # so the language still shows in the week
        weights = [o.weight * (2.0 if o.lang != "en" and solo[o.lang] else 1.0) for o in eligible]
        plan = topic.news_by_lang or {None: topic.news}
        for language, total in plan.items():
            pool = [(o, w) for o, w in zip(eligible, weights) if language in (None, o.lang)]
            for bin_ in _spread(rng, total, topic.profile):
                outlet = rng.choices([o for o, _ in pool], [w for _, w in pool])[0]
                lang = _lang_of(topic, outlet.lang)
                slots = _slots(rng)
                title = _fill(rng.choice(lang.headlines), slots)
                count = min(len(lang.sentences), rng.randint(2, 4))
                body = " ".join(_fill(s, slots) for s in rng.sample(lang.sentences, count))
                new_article(outlet, topic.key, title, body, _age(rng, bin_))
        if topic.wire:
            _wire_copies(rng, topic, new_article)

    posts = _posts(rng, accounts, articles)
    searches = _searches(rng, articles)
    # customer care: mentions of the company (and its own account answering), drawn from their
    # own random stream after everything else, so the rest of the week is unchanged
    accounts.append(COMPANY_X)
    posts.extend(Post(**kw) for kw in mention_posts(seed, accounts, start=90_001))
    articles.sort(key=lambda a: (a.age, a.id))
    posts.sort(key=lambda p: (p.age, p.id))
    return Dataset(seed=seed, outlets=OUTLETS, accounts=accounts, articles=articles, posts=posts,
                   searches=searches)


CREDIT = {"en": "(Reporting by {name}.)", "ar": "(المصدر: {name})"}


def _wire_copies(rng: random.Random, topic: Topic, new_article) -> None:
    wire = topic.wire
    wire_outlet = next(o for o in OUTLETS if o.wire and o.lang == wire.lang)
    original = new_article(wire_outlet, topic.key, wire.title, wire.body, _age(rng, wire.bin))
    candidates = [o for o in OUTLETS if not o.wire and o.lang == wire.lang
                  and set(o.beats) & set(topic.beats)]
    credit = CREDIT.get(wire.lang, CREDIT["en"]).format(name=wire_outlet.name)
    for outlet, headline in zip(rng.sample(candidates, min(wire.copies, len(candidates))),
                                wire.headlines):
        # republished a little later, under the outlet's own headline, with the credit line
        # syndication deals require
        delay = rng.uniform(0.5, 8) * 3600
        body = f"{wire.body} {credit}"
        new_article(outlet, topic.key, headline, body, max(original.age - delay, 120.0),
                    wire_of=original.id)


def _posts(rng: random.Random, accounts: list[Account], articles: list[Article]) -> list[Post]:
    by_platform: dict[tuple[str, str], list[Account]] = {}
    for account in accounts:
        by_platform.setdefault((account.platform, account.lang), []).append(account)
    posts: list[Post] = []
    counter = iter(range(1, 10**6))

    def add(platform: str, lang: str, topic: str, text: str, tags: tuple[str, ...], age: float,
            heat: float, **extra) -> None:
        pool = by_platform.get((platform, lang)) or by_platform[(platform, "en")]
        account = rng.choice(pool)
        likes = int(rng.lognormvariate(1.2 + 2.6 * heat, 0.9))
        posts.append(Post(
            id=f"{platform}-{next(counter):05d}", platform=platform, account=account.handle,
            topic=topic, text=text, hashtags=tags, age=age, lang=lang, likes=likes,
            reposts=int(likes * rng.uniform(0.05, 0.35)), replies=int(likes * rng.uniform(0.02, 0.2)),
            **extra,
        ))

    for topic in STORIES:
        mix = topic.platforms or PLATFORM_MIX
        topic_articles = [a for a in articles if a.topic == topic.key and a.lang == "en"]
        for bin_ in _spread(rng, topic.social, topic.profile):
            age = _age(rng, bin_)
            heat = topic.profile[bin_] / max(topic.profile)
            platform = rng.choices(list(mix), list(mix.values()))[0]
            earlier = [a for a in topic_articles if a.age > age]
            if platform in ("reddit", "hackernews", "x"):
                if platform == "reddit" and topic.reddit:
                    slots = _slots(rng)
                    # Reddit self posts rarely carry hashtags
                    text = _fill(rng.choice(topic.en.posts or topic.en.sentences), slots)
                    text = text.replace("{tags}", "").strip()
                    add("reddit", "en", topic.key, text, (), age, heat,
                        title=_fill(rng.choice(topic.reddit), slots),
                        community=rng.choice(topic.subreddits))
                    continue
                if platform == "hackernews" and earlier:
                    linked = rng.choice(earlier)
                    add("hackernews", "en", topic.key, "", (), age, heat, title=linked.title,
                        article=linked.id)
                    continue
                if platform != "x":
                    platform = rng.choice(("mastodon", "bluesky"))
            lang = _post_lang(rng, topic, platform)
            text, tags = _post_text(rng, topic, lang)
            link = rng.choice(earlier).id if earlier and rng.random() < 0.15 else None
            add(platform, lang, topic.key, text, tags, age, heat, article=link)

    for _ in range(130):
        platform = rng.choices(("mastodon", "bluesky", "x"), (0.45, 0.45, 0.1))[0]
        tags = tuple(rng.sample(CHATTER_TAGS, rng.randint(0, 2)))
        text = rng.choice(CHATTER) + "".join(f" #{t}" for t in tags)
        add(platform, "en", "chatter", text, tags, rng.uniform(60, WEEK - 60), 0.1)
    for _ in range(45):
        platform = rng.choice(("mastodon", "bluesky", "x"))
        tags = tuple(rng.sample(ARABIC_CHATTER_TAGS, rng.randint(0, 2)))
        text = rng.choice(ARABIC_CHATTER) + "".join(f" #{t}" for t in tags)
        add(platform, "ar", "chatter", text, tags, rng.uniform(60, WEEK - 60), 0.1)
    for _ in range(25):
        title = rng.choice(CHATTER)
        add("reddit", "en", "chatter", "", (), rng.uniform(60, WEEK - 60), 0.1, title=title,
            community=rng.choice(SUBREDDITS))
    return posts


def _post_lang(rng: random.Random, topic: Topic, platform: str) -> str:
    if topic.social_langs and platform in ("mastodon", "bluesky", "x"):
        langs = list(topic.social_langs)
        return rng.choices(langs, [topic.social_langs[lang] for lang in langs])[0]
    if platform in ("mastodon", "bluesky"):
        roll = rng.random()
        if topic.de and topic.de.posts and roll < 0.08:
            return "de"
        if topic.ar and topic.ar.posts and roll > 0.94:
            return "ar"
    return "en"


def _post_text(rng: random.Random, topic: Topic, lang: str) -> tuple[str, tuple[str, ...]]:
    source = {"de": topic.de, "ar": topic.ar}.get(lang) or topic.en
    tags: tuple[str, ...] = ()
    # people tag in the language they write in: Arabic posts carry Arabic hashtags
    hashtags = (source.hashtags or topic.hashtags) if source is not topic.en else topic.hashtags
    if hashtags and rng.random() < 0.85:
        # the topic's first hashtag is its signature; others are mixed in
        extra = [t for t in hashtags[1:] if rng.random() < 0.4]
        tags = (hashtags[0], *extra) if rng.random() < 0.75 else tuple(extra or hashtags[:1])
    # topics without post templates get people sharing a line of the news
    templates = source.posts or tuple(f"{s} {{tags}}" for s in source.sentences)
    slots = _slots(rng)
    words = _fill(rng.choice(templates), slots).replace("{tags}", "").strip()
    # people rarely post the same words twice: an opener, a line quoted from the news or a
    # question of their own make each post differ, as real ones do
    if lang in VARIATION:
        openers, closers = VARIATION[lang]
        parts = [words]
        if rng.random() < 0.4:
            parts.insert(0, rng.choice(openers))
        if source.sentences and rng.random() < 0.35:
            parts.append(_fill(rng.choice(source.sentences), slots))
        if rng.random() < 0.3:
            parts.append(rng.choice(closers))
        words = " ".join(p if p[-1] in ".!?:…؟،" or n == len(parts) - 1 else f"{p}."
                         for n, p in enumerate(parts))
    text = f"{words} {' '.join(f'#{t}' for t in tags)}".strip()
    return text, tags


def _searches(rng: random.Random, articles: list[Article]) -> list[Search]:
    """Google Trends daily entries: a topic's search terms on the days it runs hot."""
    found: list[Search] = []
    for topic in STORIES:
        for term, peak in topic.searches:
            for day in range(7):
                heat = max(topic.profile[2 * day], topic.profile[2 * day + 1])
                if heat < 0.5:
                    continue
                age = (6 - day) * 2 * HALF_DAY + rng.uniform(1, 20) * 3600
                news = [a.id for a in articles if a.topic == topic.key and a.lang == "en"
                        and age < a.age < age + 2 * HALF_DAY][:3]
                found.append(Search(term, _bucket(peak * heat), age, tuple(news)))
    for term, traffic in OTHER_SEARCHES:
        for day in rng.sample(range(7), 3):
            age = (6 - day) * 2 * HALF_DAY + rng.uniform(1, 20) * 3600
            found.append(Search(term, _bucket(traffic * rng.uniform(0.3, 1)), age))
    return sorted(found, key=lambda s: (s.age, s.term))


def _bucket(value: float) -> int:
    """Google shows traffic as coarse buckets: 200+, 500+, 1,000+, 2,000+, 5,000+, …"""
    steps = [m * 10**e for e in range(2, 7) for m in (1, 2, 5)]
    return max([s for s in steps if s <= value] or [100])


def _spread(rng: random.Random, total: int, profile: tuple[float, ...]) -> list[int]:
    """``total`` half-day bins drawn in proportion to ``profile`` (largest-remainder rounding)."""
    weight = sum(profile)
    if not weight or not total:
        return []
    exact = [total * p / weight for p in profile]
    counts = [math.floor(e) for e in exact]
    rest = sorted(range(len(profile)), key=lambda i: (exact[i] - counts[i], rng.random()),
                  reverse=True)
    for i in rest[: total - sum(counts)]:
        counts[i] += 1
    return [i for i, c in enumerate(counts) for _ in range(c)]


def _age(rng: random.Random, bin_: int) -> float:
    """A random moment inside half-day ``bin_`` (0 = oldest), as seconds before the end."""
    return max((13 - bin_) * HALF_DAY + rng.uniform(0, HALF_DAY), 60.0)


def _lang_of(topic: Topic, lang: str) -> Lang | None:
    return {"en": topic.en, "de": topic.de, "ar": topic.ar}.get(lang)


def _slots(rng: random.Random) -> dict[str, str]:
    chosen = {key: rng.choice(values) for key, values in SLOTS.items()}
    chosen["city2"] = rng.choice([c for c in SLOTS["city"] if c != chosen["city"]])
    return chosen


def _fill(template: str, slots: dict[str, str]) -> str:
    # leave {tags} for the post builder; everything else comes from the slots
    return re.sub(r"\{(\w+)\}", lambda m: slots.get(m.group(1), m.group(0)), template)
