"""The shipped demo config, pointed at the sample server's port."""

from __future__ import annotations

from importlib import resources

from trendwatch.demo.server import DEFAULT_PORT

DEMO_BASE = f"http://127.0.0.1:{DEFAULT_PORT}"


def shipped_config() -> str:
    return resources.files("trendwatch.demo").joinpath("feeds.toml").read_text("utf-8")


def demo_config(port: int = DEFAULT_PORT) -> str:
    """The demo feeds.toml with every source pointed at ``http://127.0.0.1:<port>``."""
    return shipped_config().replace(DEMO_BASE, f"http://127.0.0.1:{port}")
