"""Who may open the dashboard beyond this machine: the rule the CLI and the dashboard share.

Beyond loopback the dashboard needs a sign-in: ``[dashboard] auth = "password"`` with at
least one admin in the users table (``trendwatch user add NAME --role admin``), or
``auth = "oidc"`` with Streamlit's ``[auth]`` secrets in place. On loopback with
``auth = "none"`` whoever reaches the port is the machine's own user, and an admin.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import tomllib
from collections.abc import Iterable
from pathlib import Path

LOOPBACK_NAMES = ("localhost",)
# what st.login() needs in [auth] of .streamlit/secrets.toml (the default provider)
OIDC_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


def is_loopback(address: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; Streamlit's empty address means everywhere."""
    address = address.strip().strip("[]")
    if address.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def secrets_files(cwd: Path, home: Path, app: Path | None = None) -> list[Path]:
    """Where Streamlit reads secrets.toml, later ones overriding earlier ones."""
    files = [home / ".streamlit" / "secrets.toml", cwd / ".streamlit" / "secrets.toml"]
    if app is not None:
        files.append(app.parent / ".streamlit" / "secrets.toml")
    return list(dict.fromkeys(files))


def oidc_problems(files: Iterable[Path], *, authlib: bool | None = None) -> list[str]:
    """What stops st.login() from working: missing file, [auth] table, keys, or Authlib.

    Values are never returned or printed, only the names of what is missing."""
    files = list(files)
    auth: dict = {}
    found = []
    problems = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except OSError as exc:
            problems.append(f"cannot read {path}: {exc.strerror or exc}")
            continue
        try:
            section = tomllib.loads(text).get("auth")
        except tomllib.TOMLDecodeError as exc:
            problems.append(f"{path} is not valid TOML: {exc}")
            continue
        found.append(path)
        if isinstance(section, dict):
            auth.update(section)
    if not found and not problems:
        problems.append("no .streamlit/secrets.toml found (looked at "
                        + ", ".join(str(p) for p in files) + ")")
    elif not auth and not problems:
        problems.append("no [auth] table in " + ", ".join(str(p) for p in found))
    else:
        missing = [key for key in OIDC_KEYS if not str(auth.get(key, "")).strip()]
        if missing:
            problems.append("[auth] in .streamlit/secrets.toml lacks " + ", ".join(missing))
    if authlib is None:
        authlib = importlib.util.find_spec("authlib") is not None
    if not authlib:
        problems.append("st.login needs Authlib: pip install 'Authlib>=1.3.2'")
    return problems


def door_refusal(address: str, auth: str, *, admins: int = 0,
                 oidc: list[str] | None = None) -> str | None:
    """Why the dashboard must not listen on ``address`` with this sign-in, or None."""
    if is_loopback(address):
        return None
    where = f"refusing to open the dashboard on {address} (beyond this machine)"
    if auth == "password":
        if admins > 0:
            return None
        return (f"{where}: [dashboard] auth = \"password\" but there is no admin user yet; add "
                "one with `trendwatch user add NAME --role admin`")
    if auth == "oidc":
        if not oidc:
            return None
        return f"{where}: [dashboard] auth = \"oidc\" is not ready: " + "; ".join(oidc)
    return (f"{where} without a sign-in: set [dashboard] auth = \"password\" and add users "
            "with `trendwatch user add NAME --role admin`, or auth = \"oidc\" with [auth] in "
            ".streamlit/secrets.toml; or listen on 127.0.0.1 (drop --address / [dashboard] "
            "address) and reach it through an SSH tunnel")
