"""What `trendwatch check-config` says about a config, as plain lines.

Shared by the CLI and the dashboard's Settings page so both report a config the
same way: the summary when it is valid, ``error: <message>`` (exactly what the CLI
prints before exiting with 2) when it is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from trendwatch.config.env import resolve_paths, secret
from trendwatch.config.load import parse_settings
from trendwatch.config.schema import Settings
from trendwatch.errors import ConfigError
from trendwatch.present.redact import redact_text, redact_url


@dataclass(frozen=True)
class ConfigCheck:
    ok: bool
    lines: list[str]
    settings: Settings | None = None
    problems: list[str] = field(default_factory=list)


def summary_lines(settings: Settings, path: Path | str, database_url: str) -> list[str]:
    """The check-config summary of a valid config (raises ConfigError without a company)."""
    profile = settings.profile()
    more = f", {len(settings.profiles)} more profiles" if settings.profiles else ""
    kinds: dict[str, int] = {}
    for source in settings.sources:
        kinds[source.kind] = kinds.get(source.kind, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none"
    return [
        f"✓ {path} is valid",
        f"  company: {profile.company.name} ({len(profile.products)} products{more})",
        f"  sources: {len(settings.sources)} ({summary})",
        f"  database: {redact_url(database_url)}",
        f"  embedder: {embedder_line(settings)}",
    ]


def embedder_line(settings: Settings) -> str:
    """Where vectors come from; for a server, whether its key variable is set (never the key)."""
    a = settings.analysis
    if a.embedder != "openai":
        return f"local model {a.model} (backend {a.backend})"
    line = f"server {redact_url(a.base_url or '')} model {a.model}, batch {a.batch}"
    if a.dimensions:
        line += f", {a.dimensions} dimensions"
    if a.api_key_env:
        held = "set" if secret(a.api_key_env) else "NOT SET"
        line += f", key from ${a.api_key_env} ({held})"
    return line


def check_text(text: str, path: Path | str, db: str | None = None) -> ConfigCheck:
    """Validate config text as if it were the file at ``path``; never raises ConfigError."""
    try:
        settings = parse_settings(text, source_name=str(path))
        lines = summary_lines(settings, path, resolve_paths(str(path), db, settings).database_url)
    except ConfigError as exc:
        return ConfigCheck(False, [f"error: {redact_text(str(exc))}"], None,
                           [redact_text(p) for p in exc.problems])
    return ConfigCheck(True, lines, settings)
