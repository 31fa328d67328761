"""What a changed feeds.toml means for the running service (pure: settings in, change out).

The service looks at the file every ``CONFIG_CHECK``; when its bytes changed and the new
file is valid, ``diff_settings`` says which sources were added, removed or changed and
which schedules move, and ``keep_fixed`` keeps what only a restart can change (the open
database, the dashboard's listen address, the privacy key). Dashboard and CLI read the
outcome from the ``jobs`` row ``config``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from trendwatch.config.schema import Settings

CONFIG_CHECK = timedelta(seconds=5)   # how soon a saved feeds.toml reaches the service
CONFIG_JOB = "config"                 # the jobs row with the last load: when, ok/failed, why

# (label, section, key) of settings the service reads once at start
FIXED = (("database url ([storage] url)", "storage", "url"),
         ("dashboard address ([dashboard] address)", "dashboard", "address"),
         ("[privacy] pseudonymize_authors", "privacy", "pseudonymize_authors"),
         ("[privacy] key_env", "privacy", "key_env"))


@dataclass(frozen=True)
class ConfigChange:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    reschedule: list[str] = field(default_factory=list)     # jobs whose trigger changed
    restart_needed: list[str] = field(default_factory=list)

    def summary(self, filename: str) -> str:
        """``feeds.toml reloaded: 2 sources added, 1 changed`` and what else it implies."""
        counts = [(len(names), verb) for names, verb in
                  ((self.added, "added"), (self.changed, "changed"), (self.removed, "removed"))
                  if names]
        parts = [f"{n} {verb}" for n, verb in counts]
        if counts:  # the first count names the noun: "2 sources added, 1 changed"
            n, verb = counts[0]
            parts[0] = f"{n} source{'' if n == 1 else 's'} {verb}"
        text = f"{filename} reloaded: " + (", ".join(parts) or "no source changed")
        if self.reschedule:
            text += "; rescheduled " + ", ".join(self.reschedule)
        if self.restart_needed:
            text += "; " + self.restart_note()
        return text

    def restart_note(self) -> str:
        return "restart needed to apply " + ", ".join(self.restart_needed)


def diff_settings(old: Settings, new: Settings) -> ConfigChange:
    before = {s.name: s.model_dump(mode="json") for s in old.sources}
    after = {s.name: s.model_dump(mode="json") for s in new.sources}
    reschedule = []
    if old.analysis.every != new.analysis.every:
        reschedule.append("analyze")
    if (old.briefing.at, old.briefing.timezone) != (new.briefing.at, new.briefing.timezone):
        reschedule.append("briefing")
    if old.briefing.timezone != new.briefing.timezone:
        reschedule.append("purge")  # 03:30 in the briefing's zone
    return ConfigChange(
        added=[n for n in after if n not in before],
        removed=[n for n in before if n not in after],
        changed=[n for n in after if n in before and after[n] != before[n]],
        reschedule=reschedule,
        restart_needed=[label for label, section, key in FIXED
                        if getattr(getattr(old, section), key) != getattr(getattr(new, section), key)],
    )


def keep_fixed(old: Settings, new: Settings) -> Settings:
    """``new`` with the start-only settings of ``old`` (what the running service really uses)."""
    kept = new.model_copy(deep=True)
    for _, section, key in FIXED:
        setattr(getattr(kept, section), key, getattr(getattr(old, section), key))
    return kept
