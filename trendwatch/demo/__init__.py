"""The offline demo: a sample week of e-bike industry news and social posts.

``dataset`` generates the week (deterministic for a seed, written for this project:
every outlet, account, brand and city in it is fictional), ``render`` turns it into
the real wire formats (RSS 2.0, Atom, Google News RSS, Mastodon/Bluesky/Reddit/
Hacker News/X JSON, Google Trends RSS) and ``server`` serves those on 127.0.0.1 so
the real collectors, analysis, ideas, briefing and dashboard run against it.
"""

from trendwatch.demo.dataset import Dataset, build_dataset

__all__ = ["Dataset", "build_dataset"]
