"""The morning briefing: content from the store (``content``), rendering (``render``),
delivery to files, e-mail, Slack and webhooks (``delivery``), and alerts (``alerts``)."""

from trendwatch.briefing.content import Briefing, build_briefing
from trendwatch.briefing.delivery import DeliveryResult, deliver_briefing
from trendwatch.briefing.render import render

__all__ = ["Briefing", "DeliveryResult", "build_briefing", "deliver_briefing", "render"]
