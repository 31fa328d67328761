"""The shipped demo config, pointed at a sample-server port, trimmed to the installed kinds."""

from __future__ import annotations

import re
from collections.abc import Collection
from importlib import resources

from .server import DEFAULT_PORT

DEMO_BASE = f"http://127.0.0.1:{DEFAULT_PORT}"
_KIND = re.compile(r'(?m)^kind\s*=\s*"([^"]+)"')


def shipped_config() -> str:
    return resources.files("trendwatch.demo").joinpath("feeds.toml").read_text("utf-8")


def demo_config(port: int = DEFAULT_PORT,
                installed: Collection[str] | None = None) -> tuple[str, list[str]]:
    """The demo feeds.toml for ``port`` and the source kinds left out because this
    installation has no collector for them (none once every collector is installed)."""
    text = shipped_config().replace(DEMO_BASE, f"http://127.0.0.1:{port}")
    if installed is None:
        return text, []
    head, *blocks = re.split(r"(?m)^(?=\[\[sources\]\])", text)
    kept, dropped = [], []
    for block in blocks:
        kind = _KIND.search(block).group(1)
        if kind in installed:
            kept.append(block)
            continue
        dropped.append(kind)
        # the last [[sources]] block runs on into the tables after it: keep those
        tail = re.search(r"(?m)^\[(?!\[)", block)
        if tail:
            kept.append(block[tail.start():])
    return head + "".join(kept), dropped
