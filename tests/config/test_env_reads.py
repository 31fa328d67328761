"""config/env.py is the only module that reads (or writes) the process environment."""

from __future__ import annotations

import re
from pathlib import Path

from trendwatch.config import env

PACKAGE = Path(__file__).resolve().parents[2] / "trendwatch"
ENVIRON = re.compile(r"\bos\.(environ|getenv|putenv|unsetenv)\b|\bfrom os import .*\b(environ|getenv)\b")

# developer tools that drive whole processes, not the service: each reason says why
ALLOWED = {
    "config/env.py": "the one reader",
    "demo/run.py": "the demo driver: its own port/display knobs and the env of the child CLI runs",
    "bench/ingest.py": "benchmark input folder override (TRENDWATCH_BENCH_FEEDS)",
    "bench/workers.py": "benchmark inputs (feeds folder, scratch PostgreSQL) and its worker children's env",
    "bench/dashboard.py": "benchmark points the in-process dashboard and its child at a scratch store",
    "bench/eval.py": "process setup of a benchmark run (offline models, numba cache)",
    "bench/embed.py": "process setup of a benchmark run (offline models)",
    "bench/__main__.py": "process setup of a benchmark run (offline models)",
}


def test_no_environment_reads_outside_config_env():
    readers = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                     if ENVIRON.search(p.read_text(encoding="utf-8")))
    unexpected = [p for p in readers if p not in ALLOWED]
    assert unexpected == [], "read secrets with config.env.secret, process setup with env.process_default"
    assert "config/env.py" in readers                 # the grep finds what it looks for
    stale = [p for p in ALLOWED if p not in readers]
    assert stale == [], "allow-list entries that no longer read the environment"


def test_secret_reads_the_variable_the_config_names(monkeypatch):
    monkeypatch.setenv("TW_TEST_SECRET", "s3cret")
    assert env.secret("TW_TEST_SECRET") == "s3cret"
    assert env.secret(None) is None and env.secret("") is None
    monkeypatch.delenv("TW_TEST_SECRET")
    assert env.secret("TW_TEST_SECRET") is None


def test_every_secret_option_goes_through_secret(monkeypatch):
    from trendwatch.collect.privacy import privacy_key
    from trendwatch.config.schema import SourceOptions

    seen = []

    def fake(name):
        seen.append(name)
        return "from-secret-0123456789" if name else None

    monkeypatch.setattr(env, "secret", fake)
    import trendwatch.briefing.delivery as delivery
    import trendwatch.collect.privacy as privacy
    import trendwatch.config.schema as schema

    for module in (delivery, privacy, schema):
        monkeypatch.setattr(module, "secret", fake)

    class Options(SourceOptions):
        token_env: str | None = "TW_TOKEN"

    assert Options(kind="rss").env("token_env") == "from-secret-0123456789"
    from tests.conftest import make_settings

    settings = make_settings('[privacy]\npseudonymize_authors = true\nkey_env = "TW_KEY"\n')
    assert privacy_key(settings, "sqlite:///unused.db") == b"from-secret-0123456789"
    assert {"TW_TOKEN", "TW_KEY"} <= set(seen)


def test_process_setup_and_child_env(monkeypatch):
    monkeypatch.delenv("TW_TEST_DEFAULT", raising=False)
    env.process_default("TW_TEST_DEFAULT", "1")
    env.process_default("TW_TEST_DEFAULT", "2")          # set already: kept
    assert env.child_env(EXTRA="x")["TW_TEST_DEFAULT"] == "1"
    assert env.child_env(EXTRA="x")["EXTRA"] == "x"
    monkeypatch.delenv("TW_TEST_DEFAULT")
