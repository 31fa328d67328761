"""Briefings and drafts default to the process locale's language: pin it, so English tests stay English."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english_locale(monkeypatch):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
