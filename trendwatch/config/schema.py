"""feeds.toml: the only reader of TOML and the environment.

A mistake in the file becomes one ConfigError whose message names the file,
the table/key, the line (when it can be located) and what was expected.
Secrets never live in the file: options ending in ``_env`` name environment
variables, read at the moment they are needed.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from trendwatch.config.durations import parse_duration, parse_size
from trendwatch.config.env import locale_language, secret
from trendwatch.errors import ConfigError

PLATFORMS = (
    "x", "bluesky", "mastodon", "threads", "linkedin", "instagram",
    "tiktok", "facebook", "snapchat", "youtube", "reddit",
)

# the languages with idea templates (ideas/templates.py) and message catalogs (trendwatch/locale);
# tests/present/test_i18n.py keeps the three in step
LANGUAGES = ("ar", "de", "en", "es", "fr")


def _language(value: str | None) -> str | None:
    """A BCP-47 tag or ISO 639-1 code we have catalogs for, as its primary subtag ("ar-SA" → "ar")."""
    if value is None:
        return None
    code = re.split(r"[-_]", value.strip())[0].lower()
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {value!r}; expected one of {', '.join(LANGUAGES)} "
                         "(ISO 639-1 codes such as \"ar\" or \"de\")")
    return code


class Section(BaseModel):
    """Base of every table in feeds.toml: unknown keys are mistakes, not silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{value!r} is not an IANA time zone like 'Europe/Berlin'") from exc
    return value


def _endpoint_url(value: str | None, example: str) -> str | None:
    """An OpenAI-compatible endpoint's base URL, without its trailing slash."""
    # scheme, host and an optional path: a query or fragment would break every request path
    if value and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
        raise ValueError(f"{value!r} is not an http(s) URL like {example}")
    return value.rstrip("/") if value else value


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    return parse_duration(value)


def _platform_list(value: list[str]) -> list[str]:
    unknown = [p for p in value if p.lower() not in PLATFORMS]
    if unknown:
        raise ValueError(f"unknown platform(s) {unknown}; expected some of {list(PLATFORMS)}")
    return [p.lower() for p in value]


class Product(Section):
    name: str = Field(min_length=1)
    description: str = ""
    keywords: list[str] = []
    hashtags: list[str] = []
    audience: str = ""
    url: str | None = None
    platforms: list[str] = []      # empty: chosen from the company's platforms by audience

    _platforms = field_validator("platforms")(classmethod(lambda cls, v: _platform_list(v)))

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value and not re.match(r"https?://[^\s/]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @field_validator("hashtags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        return _hashtag_list(value)


def _hashtag_list(value: list[str]) -> list[str]:
    out = []
    for tag in value:
        tag = tag.strip().lstrip("#")
        if not re.fullmatch(r"\w+", tag):
            raise ValueError(f"{tag!r} is not a hashtag (letters, digits and _ only)")
        out.append(tag)
    return out


class Company(Section):
    name: str = Field(min_length=1)
    description: str = ""
    audiences: list[str] = []
    tone: str = "friendly, expert"
    platforms: list[str] = ["linkedin", "x", "instagram", "bluesky", "mastodon"]
    avoid: list[str] = []
    hashtags: list[str] = []
    language: str | None = None    # drafts and briefings; None: the process locale's, else English

    _known_language = field_validator("language")(classmethod(lambda cls, v: _language(v)))

    @field_validator("platforms")
    @classmethod
    def _known_platforms(cls, value: list[str]) -> list[str]:
        return _platform_list(value)

    @field_validator("hashtags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        return _hashtag_list(value)


class Profile(Section):
    """One company with its products. An agency keeps several side by side."""

    name: str = Field(min_length=1)
    company: Company
    products: list[Product] = []
    language: str | None = None    # overrides [company] language for this profile

    _known_language = field_validator("language")(classmethod(lambda cls, v: _language(v)))

    @field_validator("products")
    @classmethod
    def _unique_products(cls, value: list[Product]) -> list[Product]:
        _check_unique_products(value)
        return value

    @property
    def writing_language(self) -> str:
        """The language drafts and briefings are written in: the profile's, the company's,
        the process locale's (when we have it), else English."""
        return self.language or self.company.language or locale_language(LANGUAGES)

    def product(self, name: str) -> Product:
        for product in self.products:
            if product.name.casefold() == name.casefold():
                return product
        known = ", ".join(p.name for p in self.products) or "none"
        raise ConfigError(f"profile {self.name!r} has no product named {name!r} (known: {known})")


def _check_unique_products(products: list[Product]) -> None:
    names = [p.name.casefold() for p in products]
    duplicates = sorted({p.name for p in products if names.count(p.name.casefold()) > 1})
    if duplicates:
        raise ValueError(f"duplicate product name(s) {duplicates}; names must be unique")


class RankSettings(Section):
    """How topics are matched to products (see rank.py for what each number does)."""

    similarity_floor: float = Field(default=0.30, ge=-1, lt=1)   # cosine that counts as 0 relevance
    similarity_ceiling: float = Field(default=0.60, gt=-1, le=1)  # cosine that counts as full
    keyword_weight: float = Field(default=0.35, ge=0, le=1)       # share of keyword/hashtag evidence
    emergence_scale: float = Field(default=2.0, gt=0)             # emergence giving 0.5 after squashing
    min_relevance: float = Field(default=0.3, ge=0, le=1)         # below: not an opportunity
    avoid_similarity: float = Field(default=0.5, gt=0, le=1)      # topic ≈ avoid term by meaning
    top: int = Field(default=20, ge=1, le=500)                    # opportunities kept per product

    @model_validator(mode="after")
    def _ordered(self) -> RankSettings:
        if self.similarity_ceiling <= self.similarity_floor:
            raise ValueError("similarity_ceiling must be above similarity_floor")
        return self


class IdeasSettings(Section):
    """[ideas]: which generator writes drafts, and the OpenAI-compatible endpoint for `llm`."""

    generator: str = "template"          # template | llm
    base_url: str | None = None          # e.g. http://localhost:11434/v1 (Ollama)
    model: str | None = None
    api_key_env: str | None = None       # name of the env variable holding the key
    timeout: timedelta = timedelta(seconds=60)
    retries: int = Field(default=2, ge=0, le=10)
    temperature: float = Field(default=0.7, ge=0, le=2)
    json_mode: str = "json_object"       # json_object | none (endpoints without response_format)
    top: int = Field(default=5, ge=1, le=50)           # opportunities that get ideas
    angles: int = Field(default=4, ge=1, le=8)         # angles per opportunity
    sources: int = Field(default=3, ge=1, le=10)       # source links per idea
    mastodon_limit: int = Field(default=500, ge=100, le=100_000)  # your instance's limit

    _durations = field_validator("timeout", mode="before")(classmethod(lambda cls, v: _duration(v)))

    @field_validator("generator")
    @classmethod
    def _generator(cls, value: str) -> str:
        if value not in ("template", "llm"):
            raise ValueError(f"{value!r} is not a generator; expected 'template' or 'llm'")
        return value

    @field_validator("json_mode")
    @classmethod
    def _json_mode(cls, value: str) -> str:
        if value not in ("json_object", "none"):
            raise ValueError(f"{value!r}: expected 'json_object' or 'none'")
        return value

    _base = field_validator("base_url")(classmethod(
        lambda cls, v: _endpoint_url(v, "http://localhost:11434/v1")))

    @model_validator(mode="after")
    def _llm_needs_endpoint(self) -> IdeasSettings:
        if self.generator == "llm" and not (self.base_url and self.model):
            raise ValueError("generator = 'llm' needs base_url and model")
        return self


class HttpSettings(Section):
    timeout: timedelta = timedelta(seconds=30)
    connect_timeout: timedelta = timedelta(seconds=10)
    per_host: int = Field(default=2, ge=1, le=32)
    concurrency: int = Field(default=16, ge=1, le=256)
    max_body: int = 20 * 1000 * 1000
    user_agent: str = (
        "trendwatch/0.1 (+https://github.com/trendwatch/trendwatch; industry trend monitor)"
    )
    max_backoff: timedelta = timedelta(hours=24)
    # follow redirects into loopback/private/link-local/reserved networks (off: a feed that
    # redirects there could make the service probe the network it runs in)
    allow_private: bool = False

    _durations = field_validator("timeout", "connect_timeout", "max_backoff", mode="before")(
        classmethod(lambda cls, v: _duration(v))
    )

    @field_validator("max_body", mode="before")
    @classmethod
    def _size(cls, value: Any) -> int:
        return parse_size(value)


class AnalysisSettings(Section):
    window: timedelta = timedelta(days=7)
    model: str = "auto"  # auto: all-MiniLM-L6-v2 for English windows, use-multilingual-v3 for mixed
    every: timedelta = timedelta(hours=1)
    backend: str = Field(default="auto", pattern="^(auto|onnx|torch)$")  # embedding runtime
    recluster_every: timedelta = timedelta(hours=6)  # between full re-clusterings items join topics
    bin: timedelta = timedelta(hours=6)              # emergence time bin
    recent: timedelta = timedelta(hours=24)          # the period emergence is judged on
    min_sources: int = Field(default=3, ge=1)        # gate: distinct sources to emerge
    max_source_share: float = Field(default=0.6, gt=0, le=1)  # gate: no source above this share
    extra: dict[str, Any] = {}                       # cluster_* keys: see trendwatch/cluster.py
    # a run still running/analysed this long after it started belongs to a dead process
    run_timeout: timedelta = timedelta(hours=2)
    # where vectors come from: "local" (the model in this process) or "openai", any
    # OpenAI-compatible POST {base_url}/v1/embeddings (TEI, vLLM, Ollama, a hosted API) that
    # serves `model`; the vector space is then named after the server's host and the model
    embedder: Literal["local", "openai"] = "local"
    base_url: str | None = None          # e.g. http://gpu-box:8080 (a trailing /v1 is fine)
    api_key_env: str | None = None       # name of the env variable holding the key
    batch: int = Field(default=64, ge=1, le=2048)     # texts per request
    timeout: timedelta = timedelta(seconds=60)        # per request
    retries: int = Field(default=4, ge=0, le=10)      # on 429, 5xx and dropped connections
    dimensions: int | None = Field(default=None, ge=1, le=16384)  # asked of the server

    _durations = field_validator("window", "every", "recluster_every", "bin", "recent",
                                 "run_timeout", "timeout", mode="before")(
        classmethod(lambda cls, v: _duration(v))
    )

    _base = field_validator("base_url")(classmethod(
        lambda cls, v: _endpoint_url(v, "http://gpu-box:8080")))

    @field_validator("api_key_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        # the value itself is never echoed: a key pasted here must not reach a log
        if value is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
            raise ValueError("must name an environment variable (like EMBEDDINGS_API_KEY), "
                             "not hold the key itself")
        return value

    @model_validator(mode="after")
    def _server_needs_endpoint(self) -> AnalysisSettings:
        if self.embedder == "openai":
            if not self.base_url:
                raise ValueError("embedder = 'openai' needs base_url (the embeddings server)")
            if self.model == "auto":
                raise ValueError("embedder = 'openai' needs model: the name the server serves "
                                 "(\"auto\" chooses between local models only)")
        else:
            unused = [key for key in ("base_url", "api_key_env", "dimensions")
                      if getattr(self, key) is not None]
            if unused:
                raise ValueError(f"{', '.join(unused)} only apply with embedder = 'openai'")
        return self

    @field_validator("run_timeout")
    @classmethod
    def _long_enough(cls, value: timedelta) -> timedelta:
        # shorter than a real run, it would mark another process's live run interrupted
        if value < timedelta(minutes=5):
            raise ValueError("run_timeout must be at least 5m (longer than an analysis run takes)")
        return value


class BriefingSettings(Section):
    at: str = "07:00"
    timezone: str = "UTC"
    deliver: list[str] = ["file"]
    folder: str = "data/briefings"
    top: int = Field(default=8, ge=1, le=50)

    _targets = field_validator("deliver")(classmethod(lambda cls, v: _check_targets(v)))

    @field_validator("at")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError(f'{value!r} is not a time of day like "07:00"')
        return value

    _zone = field_validator("timezone")(classmethod(lambda cls, v: _time_zone(v)))


DELIVERY_TARGETS = ("file", "email", "slack", "webhook")


class FileDelivery(Section):
    """Dated briefing files in ``[briefing] folder``."""

    formats: list[Literal["html", "md", "json"]] = ["html", "md"]


# the names an e-mail subject may use ({company}, {date}, {profile}); briefing.render fills them
SUBJECT_FIELDS = ("company", "date", "profile")


def format_problem(pattern: str, allowed: tuple[str, ...]) -> str | None:
    """Why ``pattern`` is no usable ``str.format`` template for the names in ``allowed``, or
    None. Only plain ``{name}`` fields (a conversion or spec such as ``{date:>12}`` is fine);
    no positional ``{}``, no ``{company.attr}`` or ``{date[0]}``; ``{{``/``}}`` are braces."""
    import string

    names = ", ".join("{" + name + "}" for name in allowed)
    try:
        fields = [(name, spec) for _text, name, spec, _conv in string.Formatter().parse(pattern)
                  if name is not None]
    except ValueError as exc:
        return (f"{pattern!r} is not a valid template ({exc}); write {{{{ or }}}} for a literal "
                f"brace; allowed: {names}")
    for name, spec in fields:
        if name not in allowed:
            shown = "{" + name + "}" if name else "{}"
            return f"unknown placeholder {shown} in {pattern!r}; allowed: {names}"
        if spec and ("{" in spec or "}" in spec):
            return f"nested placeholder in {{{name}:{spec}}}; allowed: {names}"
    try:
        pattern.format(**{name: "x" for name in allowed})
    except (ValueError, KeyError, IndexError, AttributeError) as exc:
        return f"{pattern!r} cannot be filled ({exc}); allowed: {names}"
    return None


class EmailDelivery(Section):
    """SMTP with STARTTLS; the login comes from the environment variables named here."""

    host: str = Field(min_length=1)
    port: int = Field(default=587, ge=1, le=65535)
    starttls: bool = True
    sender: str = Field(min_length=3)
    to: list[str] = Field(min_length=1)
    username_env: str | None = "TRENDWATCH_SMTP_USER"
    password_env: str | None = "TRENDWATCH_SMTP_PASSWORD"
    cafile: str | None = None          # extra CA bundle, e.g. for an internal relay
    subject: str = "{company}: trends for {date}"

    @field_validator("subject")
    @classmethod
    def _subject(cls, value: str) -> str:
        problem = format_problem(value, SUBJECT_FIELDS)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("sender", "to")
    @classmethod
    def _addresses(cls, value: Any) -> Any:
        for address in [value] if isinstance(value, str) else value:
            if "@" not in address:
                raise ValueError(f"{address!r} is not an e-mail address")
        return value


class SlackDelivery(Section):
    """A Slack incoming webhook; its URL is a secret, so it comes from the environment."""

    webhook_env: str = "TRENDWATCH_SLACK_WEBHOOK"


class WebhookDelivery(Section):
    """A generic JSON webhook (POST). ``token_env`` adds ``Authorization: Bearer …``."""

    url: str | None = None
    url_env: str | None = None
    token_env: str | None = None

    @field_validator("url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @model_validator(mode="after")
    def _has_url(self) -> WebhookDelivery:
        if not (self.url or self.url_env):
            raise ValueError("give `url` or `url_env` (the environment variable holding the URL)")
        return self


class DeliverySettings(Section):
    file: FileDelivery = FileDelivery()
    email: EmailDelivery | None = None
    slack: SlackDelivery | None = None
    webhook: WebhookDelivery | None = None
    attempts: int = Field(default=4, ge=1, le=20)      # tries per target before it counts as failed
    retry_wait: timedelta = timedelta(seconds=2)      # first back-off, doubled each try (max 5 min)
    timeout: timedelta = timedelta(seconds=30)

    _durations = field_validator("retry_wait", "timeout", mode="before")(
        classmethod(lambda cls, v: _duration(v))
    )

    def missing(self, targets: list[str]) -> list[str]:
        """Targets named somewhere that have no [delivery.<target>] table."""
        return [t for t in targets if t != "file" and getattr(self, t, None) is None]


def _check_targets(value: list[str]) -> list[str]:
    unknown = [t for t in value if t not in DELIVERY_TARGETS]
    if unknown:
        raise ValueError(f"unknown delivery target(s) {unknown}; expected some of "
                         f"{list(DELIVERY_TARGETS)}")
    return value


class AlertSettings(Section):
    """Short alerts when a high-priority topic turns emerging between briefings."""

    to: list[str] = []                     # delivery targets; empty = alerts off
    min_priority: float = Field(default=0.5, ge=0, le=1)
    max_per_day: int = Field(default=5, ge=1, le=100)

    _targets = field_validator("to")(classmethod(lambda cls, v: _check_targets(v)))


class PrivacySettings(Section):
    pseudonymize_authors: bool = True
    retention: timedelta = timedelta(days=30)
    key_env: str = "TRENDWATCH_PRIVACY_KEY"

    _durations = field_validator("retention", mode="before")(
        classmethod(lambda cls, v: _duration(v))
    )


# where `file` sources may read: anything else (/proc/self/environ, ~/.ssh) is refused
DEFAULT_IMPORT_DIRS = ("imports", ".")
DEFAULT_IMPORT_MAX_BYTES = 200 * 1000 * 1000
# kernel views and devices: never an export, whatever import_dirs says
SPECIAL_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))


class StorageSettings(Section):
    url: str | None = None
    import_dirs: list[str] = list(DEFAULT_IMPORT_DIRS)   # relative to the config file's folder
    import_max_bytes: int = DEFAULT_IMPORT_MAX_BYTES

    _base: Path = PrivateAttr(default_factory=Path)       # the config file's folder, set on load

    @field_validator("import_max_bytes", mode="before")
    @classmethod
    def _size(cls, value: Any) -> int:
        size = parse_size(value)
        if size <= 0:
            raise ValueError("import_max_bytes must be above 0")
        return size

    @field_validator("import_dirs")
    @classmethod
    def _dirs(cls, value: list[str]) -> list[str]:
        if any(not d.strip() for d in value):
            raise ValueError("import_dirs entries must not be empty")
        return value

    def set_base(self, base: Path) -> None:
        self._base = base

    @property
    def base(self) -> Path:
        """The folder relative paths in the config start from (the config file's)."""
        return self._base

    def import_roots(self) -> list[Path]:
        """The import folders, absolute and with symlinks resolved (they need not exist yet)."""
        return [resolve_under(self._base, d) for d in self.import_dirs]


def resolve_under(base: Path, value: str) -> Path:
    """``value`` (``~`` expanded) relative to ``base``, absolute, symlinks resolved."""
    path = Path(value).expanduser()
    return (path if path.is_absolute() else Path(base) / path).resolve()


AUTH_MODES = ("none", "password", "oidc")


class DashboardSettings(Section):
    """Where the dashboard listens. Loopback by default; anything else needs a sign-in
    (dashboard users, ``trendwatch user add``, or ``[auth]`` in .streamlit/secrets.toml)."""

    address: str = "127.0.0.1"
    refresh_every: timedelta = timedelta(minutes=5)  # at most one "Refresh now" per this, all users
    # none: no sign-in (loopback only; the local user is admin) · password: the users table
    # (`trendwatch user add`) · oidc: Streamlit's st.login with [auth] in .streamlit/secrets.toml
    auth: str = "none"
    admins: list[str] = []  # oidc: e-mail addresses with the admin role; everyone else views

    @field_validator("auth", mode="before")
    @classmethod
    def _auth(cls, value: Any) -> str:
        choice = str(value).strip().lower() if isinstance(value, str) else value
        if choice not in AUTH_MODES:
            raise ValueError(
                f"auth must be one of {', '.join(repr(m) for m in AUTH_MODES)}, not {value!r}: "
                '"password" signs in the users of `trendwatch user add`, "oidc" uses your '
                'identity provider ([auth] in .streamlit/secrets.toml), "none" is for 127.0.0.1')
        return choice

    @field_validator("admins")
    @classmethod
    def _admins(cls, value: list[str]) -> list[str]:
        cleaned = [v.strip().lower() for v in value]
        if any(not v or "@" not in v for v in cleaned):
            raise ValueError("admins lists e-mail addresses (as your identity provider reports "
                             "them), e.g. [\"ana@example.com\"]")
        return cleaned

    _durations = field_validator("refresh_every", mode="before")(
        classmethod(lambda cls, v: _duration(v))
    )

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("address must not be empty (127.0.0.1 listens on this machine only)")
        return value


# ---------------------------------------------------------------------------
# [inbox]: the customer-care inbox (trendwatch/inbox)

CATEGORIES = ("complaint", "question", "praise", "lead", "other")
URGENCIES = ("high", "normal", "low")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS_HINT = ('office hours like "mon-fri 09:00-18:00", "mon-fri 08:00-20:00, sat 10:00-14:00" '
              'or "24/7"')


def parse_hours(text: str) -> dict[int, tuple[tuple[int, int], ...]] | None:
    """``[inbox] hours`` as weekday (0 = Monday) → ((start minute, end minute), …), or None for
    "24/7". Raises ValueError naming the expected form. An end of 24:00 is midnight; a span
    past midnight ("22:00-06:00") is refused: write it as two days' spans."""
    value = text.strip().lower()
    if value in ("24/7", "always"):
        return None
    spans: dict[int, list[tuple[int, int]]] = {}
    for part in re.split(r"[,;]", value):
        part = part.strip()
        found = re.fullmatch(r"([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*"
                             r"(\d{1,2}):(\d{2})", part)
        if not found or found.group(1) not in _WEEKDAYS or (
                found.group(2) and found.group(2) not in _WEEKDAYS):
            raise ValueError(f"{text!r} is not {HOURS_HINT}")
        first = _WEEKDAYS.index(found.group(1))
        last = _WEEKDAYS.index(found.group(2)) if found.group(2) else first
        start = int(found.group(3)) * 60 + int(found.group(4))
        end = int(found.group(5)) * 60 + int(found.group(6))
        if int(found.group(4)) > 59 or int(found.group(6)) > 59 or start >= 24 * 60 \
                or end > 24 * 60 or end <= start:
            raise ValueError(f"{part!r}: a span runs from an earlier to a later time of one day "
                             f"(00:00-24:00 at most); expected {HOURS_HINT}")
        days = range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)]
        for day in days:
            spans.setdefault(day, []).append((start, end))
    return {day: tuple(sorted(found)) for day, found in sorted(spans.items())}


def _sla_key(key: str) -> str:
    key = key.strip().lower()
    if key == "default":
        return key
    category, _, urgency = key.partition("-")
    if category not in CATEGORIES or (urgency and urgency not in URGENCIES):
        raise ValueError(f"unknown SLA key {key!r}; expected \"default\", a category "
                         f"({', '.join(CATEGORIES)}) or category-urgency like \"complaint-high\"")
    return key


DEFAULT_SLA = {"complaint-high": "1h", "complaint": "4h", "question": "4h", "lead": "8h",
               "praise": "24h", "other": "24h", "default": "8h"}


class InboxReplies(Section):
    """[inbox.replies]: the reply policy every draft follows."""

    never: list[str] = ["refund", "compensation"]      # never promised in a draft
    escalate: list[str] = ["lawyer", "police", "injury"]  # a human answers: no draft
    signature: str = ""                                 # e.g. "^Ana" appended to each draft

    @field_validator("never", "escalate")
    @classmethod
    def _words(cls, value: list[str]) -> list[str]:
        cleaned = [v.strip() for v in value]
        if any(not v for v in cleaned):
            raise ValueError("entries must not be empty")
        return cleaned


class InboxSettings(Section):
    """[inbox]: which posts are inbound messages, how they are triaged, and the SLA clocks."""

    enabled: bool = True
    # platform → the company's own account(s) there: mentions of them are inbound, their own
    # posts never are ({ mastodon = "@acme@mastodon.social", bluesky = "acme.com", x = "@acme" })
    handles: dict[str, str | list[str]] = {}
    terms: list[str] = []            # extra words that make a post a mention (besides the names)
    exclude: list[str] = []          # phrases that cancel a mention ("acme road runner")
    # name → other spellings: other scripts and transliterations ({ Acme = ["أكمي", "akmi"] })
    aliases: dict[str, list[str]] = {}
    classifier: str = "offline"      # offline | llm (an OpenAI-compatible endpoint)
    base_url: str | None = None      # llm: defaults to [ideas] base_url
    model: str | None = None         # llm: defaults to [ideas] model
    api_key_env: str | None = None   # llm: defaults to [ideas] api_key_env
    timeout: timedelta = timedelta(seconds=30)
    batch: int = Field(default=20, ge=1, le=200)        # messages per LLM request
    spreading: int = Field(default=50, ge=1)           # engagement (likes+reposts+replies) = spreading
    hours: str = "mon-fri 09:00-18:00"
    timezone: str = "UTC"
    holidays: list[date] = []        # whole days without office hours, in the inbox timezone
    warn_before: timedelta = timedelta(minutes=30)     # on-call alert this long before a breach
    on_call: list[str] = []          # delivery targets alerted out of hours; empty = off
    # urgent messages (safety, legal, outages, payment, churn, spreading) do not wait for the
    # office to open: their SLA runs around the clock, which is what the on-call target covers
    urgent_around_the_clock: bool = True
    conversation_window: timedelta = timedelta(hours=72)
    incident_min: int = Field(default=5, ge=2)         # complaints about one thing to be an incident
    incident_ratio: float = Field(default=3.0, ge=1)   # … and this many times the usual rate
    incident_window: timedelta = timedelta(hours=6)    # the period counted
    incident_baseline: timedelta = timedelta(days=7)   # the period before it: the usual rate
    retention: timedelta = timedelta(days=90)          # inbound messages (handle, link) kept this long
    sla: dict[str, timedelta] = {k: parse_duration(v) for k, v in DEFAULT_SLA.items()}
    replies: InboxReplies = InboxReplies()

    _durations = field_validator("timeout", "warn_before", "conversation_window",
                                 "incident_window", "incident_baseline", "retention",
                                 mode="before")(classmethod(lambda cls, v: _duration(v)))
    _targets = field_validator("on_call")(classmethod(lambda cls, v: _check_targets(v)))

    @field_validator("handles")
    @classmethod
    def _handles(cls, value: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        _platform_list(list(value))
        for platform, handles in value.items():
            for handle in [handles] if isinstance(handles, str) else handles:
                if not handle.strip().lstrip("@").strip():
                    raise ValueError(f"handles.{platform}: empty handle")
        return {platform.lower(): handles for platform, handles in value.items()}

    @field_validator("terms", "exclude")
    @classmethod
    def _nonempty(cls, value: list[str]) -> list[str]:
        if any(not v.strip() for v in value):
            raise ValueError("entries must not be empty")
        return [v.strip() for v in value]

    @field_validator("classifier")
    @classmethod
    def _classifier(cls, value: str) -> str:
        if value not in ("offline", "llm"):
            raise ValueError(f"{value!r} is not a classifier; expected 'offline' or 'llm'")
        return value

    _base = field_validator("base_url")(classmethod(
        lambda cls, v: _endpoint_url(v, "http://localhost:11434/v1")))

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        parse_hours(value)
        return value

    _zone = field_validator("timezone")(classmethod(lambda cls, v: _time_zone(v)))

    @field_validator("sla", mode="before")
    @classmethod
    def _sla(cls, value: Any) -> dict[str, timedelta]:
        if not isinstance(value, dict):
            raise ValueError('[inbox.sla] is a table like { complaint-high = "1h", question = "4h" }')
        given = {_sla_key(k): _duration(v) for k, v in value.items()}
        # keys left out keep their defaults, so `[inbox.sla] question = "2h"` changes one clock
        return {**{k: parse_duration(v) for k, v in DEFAULT_SLA.items()}, **given}

    @property
    def office_hours(self) -> dict[int, tuple[tuple[int, int], ...]] | None:
        """Weekday → office spans in minutes of the day (see ``parse_hours``); None = 24/7."""
        return parse_hours(self.hours)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def own_handles(self) -> dict[str, list[str]]:
        return {p: [h] if isinstance(h, str) else list(h) for p, h in self.handles.items()}


class SourceOptions(Section):
    """Keys every source accepts. Each collector kind extends this with its own options."""

    kind: str
    name: str = ""
    every: timedelta = timedelta(minutes=30)
    enabled: bool = True
    tags: list[str] = []
    # everything this source yields is an inbound message for the customer-care inbox
    # (a helpdesk or DM export, a mentions timeline), not only the posts that name the company
    inbox: bool = False

    _durations = field_validator("every", mode="before")(classmethod(lambda cls, v: _duration(v)))

    def default_name(self) -> str:
        return self.kind

    def bind_storage(self, storage: StorageSettings) -> tuple[str, str] | None:
        """Take what this source needs of [storage]; (key, problem) with its options, or None."""
        return None

    def env(self, key_field: str) -> str | None:
        """Read the secret named by option ``key_field`` (e.g. ``token_env``) from the environment."""
        return secret(getattr(self, key_field, None))


class Settings(Section):
    """The whole validated feeds.toml."""

    company: Company | None = None
    products: list[Product] = []
    profiles: list[Profile] = []
    sources: list[Any] = []
    http: HttpSettings = HttpSettings()
    analysis: AnalysisSettings = AnalysisSettings()
    delivery: DeliverySettings = DeliverySettings()  # before briefing/alerts: they check against it
    briefing: BriefingSettings = BriefingSettings()
    alerts: AlertSettings = AlertSettings()
    privacy: PrivacySettings = PrivacySettings()
    storage: StorageSettings = StorageSettings()
    dashboard: DashboardSettings = DashboardSettings()
    rank: RankSettings = RankSettings()
    ideas: IdeasSettings = IdeasSettings()
    inbox: InboxSettings = InboxSettings()

    @field_validator("briefing", "alerts", "inbox")
    @classmethod
    def _targets_configured(cls, value: Any, info: Any) -> Any:
        delivery = info.data.get("delivery")
        targets = {"briefing": lambda: value.deliver, "alerts": lambda: value.to,
                   "inbox": lambda: value.on_call}[info.field_name]()
        key = {"briefing": "deliver", "alerts": "to", "inbox": "on_call"}[info.field_name]
        missing = delivery.missing(targets) if delivery is not None else []
        if missing:
            raise ValueError(f"{key} names {missing} but there is no "
                             f"{', '.join(f'[delivery.{m}]' for m in missing)} table")
        return value

    def profile(self, name: str | None = None) -> Profile:
        """The company profile to work for: the named one, or the top-level [company]."""
        if name:
            for profile in self.all_profiles():
                if profile.name.lower() == name.lower():
                    return profile
            known = ", ".join(p.name for p in self.all_profiles()) or "none"
            raise ConfigError(f"no profile named {name!r} (known profiles: {known})")
        profiles = self.all_profiles()
        if not profiles:
            raise ConfigError("feeds.toml has no [company] table: add one with at least `name`")
        return profiles[0]

    @model_validator(mode="after")
    def _inbox_llm_endpoint(self) -> Settings:
        inbox = self.inbox
        if inbox.classifier == "llm" and not ((inbox.base_url or self.ideas.base_url)
                                              and (inbox.model or self.ideas.model)):
            raise ValueError("[inbox] classifier = 'llm' needs base_url and model (in [inbox] "
                             "or [ideas])")
        return self

    def inbox_llm(self) -> IdeasSettings:
        """The endpoint the inbox's LLM classifier talks to: [inbox] keys over [ideas] ones."""
        return self.ideas.model_copy(update={
            "base_url": self.inbox.base_url or self.ideas.base_url,
            "model": self.inbox.model or self.ideas.model,
            "api_key_env": self.inbox.api_key_env or self.ideas.api_key_env,
            "timeout": self.inbox.timeout, "temperature": 0.0, "generator": "llm"})

    @model_validator(mode="after")
    def _unique_profiles(self) -> Settings:
        names = [p.name.casefold() for p in self.all_profiles()]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate profile name(s) {duplicates} ([company] counts as a "
                             "profile named after the company); names must be unique")
        return self

    @field_validator("products")
    @classmethod
    def _unique_products(cls, value: list[Product]) -> list[Product]:
        _check_unique_products(value)
        return value

    def all_profiles(self) -> list[Profile]:
        found = []
        if self.company is not None:
            found.append(Profile(name=self.company.name, company=self.company, products=self.products))
        found.extend(self.profiles)
        return found

    def source(self, name: str) -> SourceOptions:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"no source named {name!r} in the config (known: {known})")






# ---------------------------------------------------------------------------
# loading and error reporting

















