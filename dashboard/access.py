"""Who is using the dashboard and what they may do: plain values and rules, no Streamlit.

Roles: a *viewer* reads every page and gives feedback; an *admin* also saves settings
and presses Refresh. The checks that matter run in ``dashboard.data`` (the server side),
not in whether a button is drawn.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

ADMIN = "admin"
VIEWER = "viewer"


@dataclass(frozen=True)
class SessionUser:
    """The signed-in user of one browser session.

    ``via``: ``local`` (no sign-in, 127.0.0.1 only), ``password`` (the users table) or
    ``oidc`` (Streamlit's st.login)."""

    name: str
    role: str
    via: str

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


LOCAL_USER = SessionUser("local user", ADMIN, "local")


def oidc_role(email: str | None, admins: list[str], *, email_verified: bool | None) -> str:
    """admin for a verified e-mail listed in ``[dashboard] admins``, viewer for everyone else.

    An address the identity provider marks unverified could be anyone's claim."""
    if not email or email_verified is False:
        return VIEWER
    return ADMIN if email.strip().lower() in admins else VIEWER


@dataclass
class SignInThrottle:
    """Failed sign-ins per name: after ``tries`` failures in a row, wait ``wait`` before the
    next try (and again after each further failure). Kept per name, whether or not the name
    exists, so the answer never tells which names do. In-process: one per dashboard server.
    """

    tries: int = 5
    wait: timedelta = timedelta(seconds=30)
    forget: timedelta = timedelta(minutes=15)  # a name's failures are dropped after this
    _failures: dict[str, tuple[int, datetime]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @staticmethod
    def key(name: str) -> str:
        return name.strip().casefold()

    def wait_left(self, name: str, now: datetime) -> timedelta:
        """How long until ``name`` may try again (zero: now)."""
        with self._lock:
            count, last = self._failures.get(self.key(name), (0, now))
        if count < self.tries:
            return timedelta(0)
        return max(last + self.wait - now, timedelta(0))

    def failed(self, name: str, now: datetime) -> None:
        with self._lock:
            self._prune(now)
            count, _ = self._failures.get(self.key(name), (0, now))
            self._failures[self.key(name)] = (count + 1, now)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(self.key(name), None)

    def _prune(self, now: datetime) -> None:
        # a flood of made-up names must not grow the table without bound
        stale = [k for k, (_, last) in self._failures.items() if now - last > self.forget]
        for k in stale:
            del self._failures[k]
