from __future__ import annotations

from datetime import UTC, datetime

import pytest

from trendwatch.config.schema import Settings
from trendwatch.inbox.message import InboundMessage


def msg(text: str, *, id: str = "m1", author: str = "ana", platform: str = "x",
        at: datetime | None = None, reply_to: str | None = None, lang: str | None = None,
        engagement: dict | None = None, external_id: str | None = None) -> InboundMessage:
    return InboundMessage(id=id, external_id=external_id or f"ext-{id}", source="test",
                          platform=platform, url=f"https://example.test/{id}", author=author,
                          text=text, lang=lang, received_at=at or datetime(2026, 3, 2, 10, tzinfo=UTC),
                          reply_to=reply_to, engagement=engagement or {})


@pytest.fixture
def settings() -> Settings:
    return Settings(
        company={"name": "Acme", "tone": "friendly, expert"},
        products=[{"name": "Volt Pro"}, {"name": "Road Runner"}],
        inbox={"handles": {"mastodon": "@acme@mastodon.social", "bluesky": "acme.com",
                           "x": "@acme", "reddit": "u/acme"},
               "terms": ["acme cloud"], "exclude": ["acme road runner cartoon", "wile e"],
               "aliases": {"Acme": ["أكمي", "akmi"], "Volt Pro": ["فولت برو"]}},
    )
