"""Shared fixtures. Tests never touch the internet: servers run on 127.0.0.1."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from trendwatch.config.schema import Settings
from trendwatch.config.load import parse_settings  # noqa: E402
from trendwatch.store import Store, open_store  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"

MINIMAL_COMPANY = '[company]\nname = "Acme"\n'


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def eval_dir() -> Path:
    if not EVAL.is_dir():
        pytest.skip("../shared/eval is not available")
    return EVAL


@pytest.fixture
def store(tmp_path) -> Store:
    s = open_store(f"sqlite:///{tmp_path / 'test.db'}")
    yield s
    s.close()


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def make_settings(body: str = "", company: str = MINIMAL_COMPANY) -> Settings:
    """Settings from a TOML snippet, with a minimal [company] unless one is given."""
    return parse_settings(company + "\n" + body, source_name="test.toml")


@pytest.fixture(scope="session")
def torch_embedder():
    """The packaged all-MiniLM-L6-v2 through torch, loaded once per test session."""
    from trendwatch.analysis.embed.sentence import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm up"])
    return embedder
