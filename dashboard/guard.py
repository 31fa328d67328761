"""Settings saves that could leak a secret: a change that both points an endpoint
elsewhere and names a different secret (``*_env``) is refused from the dashboard.

Example: ``[ideas] api_key_env = "SMTP_PASSWORD"`` plus the LLM ``base_url`` pointed at
someone's server would send them ``Bearer <SMTP password>``. Either change alone is
allowed; both together must be made in the file itself by whoever runs the service.
"""

from __future__ import annotations

import tomllib
from typing import Any

ENDPOINT_KEYS = ("url", "base_url", "endpoint", "instance", "webhook", "webhook_url", "host")


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.update(_flatten(item, f"{prefix}[{i}]"))
    else:
        out[prefix] = value
    return out


def _is_endpoint(path: str) -> bool:
    leaf = path.rsplit(".", 1)[-1].split("[", 1)[0].lower()
    return leaf in ENDPOINT_KEYS or leaf.endswith("_url") or leaf.endswith("url")


def _is_secret_name(path: str) -> bool:
    return path.rsplit(".", 1)[-1].split("[", 1)[0].lower().endswith("_env")


def risky_changes(old_text: str, new_text: str) -> tuple[list[str], list[str]]:
    """(endpoint keys changed, secret-name keys changed) between two config texts;
    both non-empty means the save must not go through from the dashboard."""
    try:
        old = _flatten(tomllib.loads(old_text)) if old_text.strip() else {}
    except tomllib.TOMLDecodeError:
        old = {}
    new = _flatten(tomllib.loads(new_text))
    changed = [k for k in set(old) | set(new) if old.get(k) != new.get(k)]
    return (sorted(k for k in changed if _is_endpoint(k)),
            sorted(k for k in changed if _is_secret_name(k)))
