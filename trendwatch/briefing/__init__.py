"""The morning briefing: content from the store (``content``), rendering (``render``),
delivery to files, e-mail, Slack and webhooks (``delivery``), and alerts (``alerts``)."""

from .content import Briefing, build_briefing
from .delivery import DeliveryResult, deliver_briefing
from .render import render

__all__ = ["Briefing", "DeliveryResult", "build_briefing", "deliver_briefing", "render"]
