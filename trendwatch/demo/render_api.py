"""The demo week as platform API objects, in the shapes the real APIs send.

Mastodon statuses and tags (history numbers as strings), Bluesky post views (tag
facets with UTF-8 byte offsets, present on most but not all posts, as in the wild),
Reddit listings, Hacker News Algolia hits, X API v2 tweets and GDELT article lists.
Ids are derived from a post's place in the week, not from the wall clock, so they stay
the same when the server restarts.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from trendwatch.demo.dataset import WEEK, Article, Dataset, Post
from trendwatch.demo.render_feeds import article_url, iso, reddit_id

# a fixed origin for ids (2023-11-14T22:13:20Z); only the order of ids matters to clients
ID_EPOCH_MS = 1_700_000_000_000
REMOTE_INSTANCE = "social.example"
_TAG = re.compile(r"#(\w+)", re.UNICODE)


def _week_ms(post: Post) -> int:
    return ID_EPOCH_MS + int((WEEK - post.age) * 1000)


def _seq(post: Post) -> int:
    return int(post.id.rsplit("-", 1)[1])


# --- Mastodon ---------------------------------------------------------------------------

def mastodon_id(post: Post) -> int:
    """Mastodon's own scheme: milliseconds << 16 plus a sequence, so ids sort by time."""
    return (_week_ms(post) << 16) + (_seq(post) % 65536)


def mastodon_account(dataset: Dataset, post: Post, base: str, end: datetime) -> dict[str, Any]:
    account = dataset.account("mastodon", post.account)
    remote = int(account.id) % 3 == 0          # a third of the voices live on another instance
    home = f"https://{REMOTE_INSTANCE}" if remote else base
    return {
        "id": account.id, "username": account.handle,
        "acct": f"{account.handle}@{REMOTE_INSTANCE}" if remote else account.handle,
        "display_name": account.display_name, "locked": False, "bot": False,
        "discoverable": True, "indexable": True, "group": False,
        "created_at": "2022-11-07T00:00:00.000Z", "note": "<p>Riding, commuting, writing.</p>",
        "url": f"{home}/@{account.handle}", "uri": f"{home}/users/{account.handle}",
        "avatar": f"{base}/static/avatar.png", "avatar_static": f"{base}/static/avatar.png",
        "header": f"{base}/static/header.png", "header_static": f"{base}/static/header.png",
        "followers_count": int(account.id) % 2000, "following_count": int(account.id) % 400,
        "statuses_count": 100 + int(account.id) % 5000,
        "last_status_at": (end.date()).isoformat(), "emojis": [], "fields": [],
    }


def mastodon_html(text: str, base: str) -> str:
    escaped = html.escape(text)
    linked = _TAG.sub(lambda m: (f'<a href="{base}/tags/{m.group(1).lower()}" class="mention hashtag" '
                                 f'rel="tag">#<span>{m.group(1)}</span></a>'), escaped)
    return f"<p>{linked}</p>"


def mastodon_status(dataset: Dataset, post: Post, end: datetime, base: str) -> dict[str, Any]:
    status_id = str(mastodon_id(post))
    account = mastodon_account(dataset, post, base, end)
    card = None
    if post.article and (article := dataset.article(post.article)):
        card = _card(dataset, article, base)
    return {
        "id": status_id, "created_at": iso(Dataset.at(end, post.age), ms=True),
        "in_reply_to_id": None, "in_reply_to_account_id": None, "sensitive": False,
        "spoiler_text": "", "visibility": "public", "language": post.lang,
        "uri": f"{account['uri']}/statuses/{status_id}", "url": f"{account['url']}/{status_id}",
        "replies_count": post.replies, "reblogs_count": post.reposts,
        "favourites_count": post.likes, "quotes_count": 0, "edited_at": None,
        "content": mastodon_html(post.text, base), "reblog": None, "application": None,
        "account": account, "media_attachments": [], "mentions": [],
        "tags": [{"name": t.lower(), "url": f"{base}/tags/{t.lower()}"} for t in post.hashtags],
        "emojis": [], "card": card, "poll": None,
    }


def _card(dataset: Dataset, article: Article, base: str) -> dict[str, Any]:
    outlet = dataset.outlet(article.outlet)
    return {
        "url": article_url(base, article), "title": article.title,
        "description": article.body[:160], "type": "link", "author_name": article.author,
        "author_url": "", "provider_name": outlet.name, "provider_url": f"https://{outlet.domain}",
        "html": "", "width": 0, "height": 0, "image": None, "embed_url": "", "blurhash": None,
    }


def day_starts(end: datetime, days: int = 7) -> list[datetime]:
    """UTC midnights, newest first, as Mastodon's tag history counts days."""
    today = end.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return [today - timedelta(days=i) for i in range(days)]


def tag_history(posts: Sequence[Post], end: datetime) -> list[dict[str, str]]:
    history = []
    for day in day_starts(end):
        on_day = [p for p in posts if day <= Dataset.at(end, p.age) < day + timedelta(days=1)]
        history.append({"day": str(int(day.timestamp())), "uses": str(len(on_day)),
                        "accounts": str(len({p.account for p in on_day}))})
    return history


def mastodon_tag(name: str, posts: Sequence[Post], end: datetime, base: str) -> dict[str, Any]:
    return {"name": name.lower(), "url": f"{base}/tags/{name.lower()}",
            "history": tag_history(posts, end), "following": False}


def mastodon_link(dataset: Dataset, article: Article, posts: Sequence[Post], end: datetime,
                  base: str) -> dict[str, Any]:
    return {**_card(dataset, article, base), "history": tag_history(posts, end)}


# --- Bluesky ----------------------------------------------------------------------------

_B32_SORT = "234567abcdefghijklmnopqrstuvwxyz"


def tid(post: Post) -> str:
    """An atproto TID: 53 bits of microseconds and a 10-bit clock id, base32-sortable."""
    value = ((_week_ms(post) * 1000) << 10) | (_seq(post) % 1024)
    out = ""
    for _ in range(13):
        value, rest = divmod(value, 32)
        out = _B32_SORT[rest] + out
    return out


def did(account_id: str) -> str:
    digest = hashlib.sha256(account_id.encode()).digest()
    return "did:plc:" + "".join(_B32_SORT[b % 32] for b in digest[:24])


def bluesky_profile(dataset: Dataset, handle: str, base: str) -> dict[str, Any]:
    account = dataset.account("bluesky", handle)
    return {"did": did(account.id), "handle": account.handle, "displayName": account.display_name,
            "avatar": f"{base}/static/avatar.png", "labels": [],
            "createdAt": "2023-05-01T10:00:00.000Z"}


def tag_facets(text: str) -> list[dict[str, Any]]:
    """Tag facets over the UTF-8 bytes of ``text``, as the Bluesky app writes them."""
    facets = []
    for match in _TAG.finditer(text):
        start = len(text[: match.start()].encode("utf-8"))
        end = start + len(match.group(0).encode("utf-8"))
        facets.append({"$type": "app.bsky.richtext.facet",
                       "index": {"byteStart": start, "byteEnd": end},
                       "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}]})
    return facets


def bluesky_post(dataset: Dataset, post: Post, end: datetime, base: str) -> dict[str, Any]:
    author = bluesky_profile(dataset, post.account, base)
    created = iso(Dataset.at(end, post.age), ms=True)
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "createdAt": created,
                              "text": post.text, "langs": [post.lang]}
    # many clients (bots, cross-posters) send no facets: hashtags then live only in the text
    if post.hashtags and _seq(post) % 4:
        record["facets"] = tag_facets(post.text)
    digest = hashlib.sha256(post.id.encode()).hexdigest()
    return {
        "uri": f"at://{author['did']}/app.bsky.feed.post/{tid(post)}",
        "cid": "bafyrei" + digest[:52], "author": author, "record": record,
        "replyCount": post.replies, "repostCount": post.reposts, "likeCount": post.likes,
        "quoteCount": 0, "indexedAt": created, "labels": [],
    }


# --- Reddit -----------------------------------------------------------------------------

def reddit_child(post: Post, end: datetime, base: str) -> dict[str, Any]:
    post_id = reddit_id(post)
    created = Dataset.at(end, post.age).timestamp()
    permalink = f"/r/{post.community}/comments/{post_id}/{_slug(post.title or post.text)}/"
    return {"kind": "t3", "data": {
        "subreddit": post.community, "subreddit_name_prefixed": f"r/{post.community}",
        "subreddit_id": "t5_" + hashlib.sha1((post.community or "").encode()).hexdigest()[:6],
        "selftext": post.text, "selftext_html": None if not post.text else
        f"&lt;div class=\"md\"&gt;&lt;p&gt;{html.escape(html.escape(post.text))}&lt;/p&gt;&lt;/div&gt;",
        "author": post.account, "author_fullname": "t2_" + hashlib.sha1(post.account.encode()).hexdigest()[:8],
        "title": post.title, "name": f"t3_{post_id}", "id": post_id,
        "ups": post.likes, "score": post.likes, "upvote_ratio": 0.94,
        "num_comments": post.replies, "created": created, "created_utc": created,
        "permalink": permalink, "url": f"{base}{permalink}", "domain": f"self.{post.community}",
        "is_self": True, "over_18": False, "stickied": False, "link_flair_text": None,
    }}


def reddit_listing(posts: Sequence[Post], end: datetime, base: str, after: str | None,
                   before: str | None) -> dict[str, Any]:
    return {"kind": "Listing", "data": {
        "after": after, "before": before, "dist": len(posts), "modhash": "", "geo_filter": "",
        "children": [reddit_child(p, end, base) for p in posts],
    }}


def _slug(text: str | None) -> str:
    return "_".join(re.findall(r"\w+", (text or "").casefold())[:8])


# --- Hacker News (Algolia) --------------------------------------------------------------

def hn_hit(dataset: Dataset, post: Post, end: datetime, base: str) -> dict[str, Any]:
    object_id = str(38_000_000 + _seq(post))
    when = Dataset.at(end, post.age)
    article = dataset.article(post.article) if post.article else None
    return {
        "_highlightResult": {"title": {"value": post.title, "matchLevel": "none", "matchedWords": []}},
        "_tags": ["story", f"author_{post.account}", f"story_{object_id}"],
        "author": post.account, "children": [], "created_at": iso(when, ms=True),
        "created_at_i": int(when.timestamp()), "num_comments": post.replies,
        "objectID": object_id, "points": post.likes, "story_id": int(object_id),
        "title": post.title, "updated_at": iso(when, ms=True),
        "url": article_url(base, article) if article else None,
    }


def hn_page(hits: list[dict[str, Any]], total: int, page: int, per_page: int,
            query: str, params: str) -> dict[str, Any]:
    return {
        "exhaustive": {"nbHits": True, "typo": True}, "exhaustiveNbHits": True,
        "exhaustiveTypo": True, "hits": hits, "hitsPerPage": per_page, "nbHits": total,
        "nbPages": max((total + per_page - 1) // per_page, 1) if per_page else 0, "page": page,
        "params": params, "processingTimeMS": 1, "query": query, "serverTimeMS": 2,
    }


# --- X API v2 ---------------------------------------------------------------------------

X_EPOCH_MS = 1288834974657


def x_id(post: Post) -> int:
    """A snowflake: milliseconds since the Twitter epoch << 22, sorts by time."""
    return ((_week_ms(post) - X_EPOCH_MS) << 22) + _seq(post)


def x_tweet(dataset: Dataset, post: Post, end: datetime) -> dict[str, Any]:
    account = dataset.account("x", post.account)
    hashtags = [{"start": len(post.text[: m.start()]), "end": len(post.text[: m.end()]),
                 "tag": m.group(1)} for m in _TAG.finditer(post.text)]
    tweet: dict[str, Any] = {
        "id": str(x_id(post)), "text": post.text, "author_id": account.id,
        "created_at": iso(Dataset.at(end, post.age), ms=True), "lang": post.lang,
        "edit_history_tweet_ids": [str(x_id(post))],
        "public_metrics": {"retweet_count": post.reposts, "reply_count": post.replies,
                           "like_count": post.likes, "quote_count": 0, "bookmark_count": 0,
                           "impression_count": post.likes * 37},
    }
    if hashtags:
        tweet["entities"] = {"hashtags": hashtags}
    return tweet


def x_user(dataset: Dataset, handle: str) -> dict[str, Any]:
    account = dataset.account("x", handle)
    return {"id": account.id, "name": account.display_name, "username": account.handle}


# --- GDELT DOC 2.0 ----------------------------------------------------------------------

GDELT_LANGUAGE = {"en": "English", "de": "German", "ar": "Arabic"}
GDELT_COUNTRY = {"en": "United Kingdom", "de": "Germany", "ar": "Saudi Arabia"}


def gdelt_article(dataset: Dataset, article: Article, end: datetime, base: str) -> dict[str, Any]:
    outlet = dataset.outlet(article.outlet)
    return {
        "url": article_url(base, article), "url_mobile": "", "title": article.title,
        "seendate": Dataset.at(end, article.age).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"),
        "socialimage": "", "domain": outlet.domain,
        "language": GDELT_LANGUAGE.get(article.lang, "English"),
        "sourcecountry": GDELT_COUNTRY.get(article.lang, "United Kingdom"),
    }
