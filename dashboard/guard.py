"""Settings saves that could leak a secret: a change that both points an endpoint
elsewhere and names a different secret (``*_env``) needs more than a click.

Example: ``[ideas] api_key_env = "SMTP_PASSWORD"`` plus the LLM ``base_url`` pointed at
someone's server would send them ``Bearer <SMTP password>``. Either change alone is
allowed to an admin; both together need the signed-in admin to re-enter their password
(a session left open on someone's desk is not enough). Admins without a password here
(OIDC, or the local user with no sign-in) make such a change in the file itself.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

from dashboard.access import SessionUser

SAVE = "save"
REENTER = "reenter"
REFUSE = "refuse"

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


@dataclass(frozen=True)
class SaveDecision:
    """What a settings save needs: ``save`` now, ``reenter`` the password first, or ``refuse``."""

    action: str
    reason: str = ""


def decide_save(endpoints: list[str], secrets: list[str], user: SessionUser) -> SaveDecision:
    """The rule for one save by ``user``, given what ``risky_changes`` found."""
    if not user.is_admin:
        return SaveDecision(REFUSE, "only an admin can save settings; you are signed in as a "
                                    "viewer")
    if not (endpoints and secrets):
        return SaveDecision(SAVE)
    what = (f"this change both points an endpoint elsewhere ({', '.join(endpoints)}) and "
            f"names a different secret ({', '.join(secrets)}), which could send that secret "
            "to the new endpoint")
    if user.via == "password":
        return SaveDecision(REENTER, f"{what}. Re-enter your password to save it.")
    return SaveDecision(REFUSE, f"{what}. Save one change at a time, or edit the file on the "
                                "server.")
