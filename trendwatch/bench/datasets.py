"""Readers for the evaluation corpora in ../shared/eval (never copied into the project)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

TWITTER_EPOCH_MS = 1288834974657
RELATED = {"Related and informative", "Related - but not informative"}


def default_eval_dir() -> Path:
    return Path(__file__).resolve().parents[2].parent / "shared" / "eval"


@dataclass
class Doc:
    id: str
    text: str
    label: str                    # story / event the annotators gave
    published_at: datetime | None = None
    hashtags: tuple[str, ...] = ()


def news_t(eval_dir: Path) -> list[Doc]:
    """News-T: 11,109 headlines in 152 stories, in stream order."""
    path = eval_dir / "news-stream" / "News-T.jsonl"
    docs = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            docs.append(Doc(id=str(row["Id"]), text=row["textCleaned"], label=str(row["clusterNo"])))
    return docs


def tweet_time(tweet_id: int) -> datetime:
    """Snowflake ids carry their creation time."""
    return datetime.fromtimestamp(((tweet_id >> 22) + TWITTER_EPOCH_MS) / 1000, tz=UTC)


def crisislex(eval_dir: Path, *, related_only: bool = True) -> list[Doc]:
    """CrisisLexT26 labelled tweets of the events present, label = event folder, time order."""
    docs = []
    for folder in sorted((eval_dir / "crisislex").iterdir()):
        files = list(folder.glob("*-tweets_labeled.csv"))
        if not files:
            continue
        with files[0].open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            for row in reader:
                if len(row) < 5:
                    continue
                tweet_id = row[0].strip().strip('"').strip("'")
                if not tweet_id.isdigit():
                    # one event's ids went through a spreadsheet (2.1104E+017): the time survives
                    try:
                        tweet_id = str(int(float(tweet_id)))
                    except ValueError:
                        continue
                if related_only and row[4].strip() not in RELATED:
                    continue
                text = row[1]
                tags = tuple(w[1:].lower().strip(".,:;!?") for w in text.split() if w.startswith("#"))
                docs.append(Doc(id=tweet_id, text=text, label=folder.name,
                                published_at=tweet_time(int(tweet_id)), hashtags=tags))
    docs.sort(key=lambda d: d.published_at)
    return docs
