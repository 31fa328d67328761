"""Triage: category, urgency, sentiment, language and the reasons for each decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from trendwatch.config.schema import InboxSettings
from trendwatch.inbox.message import InboundMessage, Triage


class Classifier(Protocol):
    """Triage for a batch of messages, one ``Triage`` per message in the same order.

    Never raises for a message's content; thread-safe for concurrent calls on different
    batches. ``name`` is recorded on every Triage (``Triage.classifier``)."""

    name: str

    def classify(self, messages: Sequence[InboundMessage]) -> list[Triage]: ...


class OfflineClassifier:
    """Lexicon + rules over en/ar/es/de/fr, VADER for English sentiment; CPU only."""

    name = "offline"

    def __init__(self, settings: InboxSettings | None = None):
        self.settings = settings or InboxSettings()

    def classify(self, messages: Sequence[InboundMessage]) -> list[Triage]:
        raise NotImplementedError
