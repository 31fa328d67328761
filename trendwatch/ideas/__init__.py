"""Post ideas: angles × platforms, drafts within each platform's limits.

    base.py       the IdeaGenerator protocol, values, angle/platform/best-before rules
    limits.py     platform limits: measure and fit (never cut mid-word)
    templates.py  TemplateGenerator, the default (offline, deterministic), English phrases
    native/       the same writer in Arabic, German, French and Spanish, written for each language
    llm.py        LLMGenerator for any OpenAI-compatible chat endpoint, falls back to templates
    links.py      a draft links only to the items it cites or the product (every generator's output)
    briefing.py   the shell: opportunities → stored ideas, each item cited once per briefing
"""

from __future__ import annotations

from trendwatch.config.schema import Settings
from trendwatch.errors import ConfigError
from trendwatch.ideas.base import ANGLES, IdeaContext, IdeaGenerator, PostIdea, SourceRef
from trendwatch.ideas.templates import TemplateGenerator


def make_generator(settings: Settings, name: str | None = None) -> IdeaGenerator:
    """The generator [ideas] asks for (``name`` overrides it: "template" or "llm")."""
    choice = name or settings.ideas.generator
    if choice == "llm":
        from trendwatch.ideas.llm import LLMGenerator

        if not (settings.ideas.base_url and settings.ideas.model):
            raise ConfigError("the llm generator needs [ideas] base_url and model "
                              "(e.g. base_url = \"http://localhost:11434/v1\", model = \"llama3.1\")")

        return LLMGenerator(settings.ideas, fallback=TemplateGenerator(), http=settings.http)
    return TemplateGenerator()


__all__ = ["ANGLES", "IdeaContext", "IdeaGenerator", "PostIdea", "SourceRef", "TemplateGenerator",
           "make_generator"]
