"""Every exception trendwatch raises on purpose.

    TrendwatchError                 base; the CLI prints its message, never a traceback
    ├── ConfigError                 feeds.toml is missing, unparsable or invalid (names file, key, line)
    ├── StoreError                  the database could not be opened or migrated
    ├── ServiceRunning              another service holds this store's lease (names its host and pid)
    ├── CollectError                an expected failure of one source; recorded on its row
    │   ├── FetchError              network-level failure (DNS, refused, reset, TLS)
    │   │   ├── FetchTimeout        the total timeout ran out
    │   │   ├── HTTPStatusError     a non-success status (carries .status, .retry_after)
    │   │   │   └── SourceGone      410: the source is disabled
    │   │   ├── BodyTooLarge        response larger than the configured maximum
    │   │   └── RedirectRefused     a redirect (or DNS answer) leads to a private address
    │   ├── ParseError              bytes arrived but yield nothing usable
    │   ├── SourceFileError         a `file` source's path is missing or unreadable
    │   ├── AuthRequired            401/403: credentials missing/refused or timelines closed
    │   └── BudgetExceeded          a paid API's monthly cap is reached
    ├── AnalysisError               the analysis pipeline cannot run (e.g. no model available)
    │   ├── EmbeddingServerError    the [analysis] embeddings server is unreachable or answers badly
    │   └── DimensionMismatch       new vectors are not the size of those stored for the model id
    ├── GenerationError             an idea generator failed (endpoint down, bad output); templates take over
    │   └── GenerationTimeout       the LLM endpoint did not answer within [ideas] timeout
    ├── DeliveryError               a briefing could not be delivered to a target (retried)
    │   └── PermanentDeliveryError  retrying cannot help (bad credentials, 4xx, missing secret)
    ├── UserError                   a dashboard user cannot be added/changed (exists, unknown, weak password)
    ├── InboxError                  an inbox message is unknown or cannot move to the asked state
    └── AccessDenied                the signed-in user may not do this (a viewer saving settings)
        └── ReauthRequired          a risky settings save needs the admin's password again

Driver errors (aiohttp, SQLAlchemy, feedparser) are translated once, at the
boundary, with ``raise … from exc``; anything else is a bug and propagates.
"""

from __future__ import annotations


class TrendwatchError(Exception):
    """Base of every expected trendwatch failure."""


class ConfigError(TrendwatchError):
    """feeds.toml cannot be used. The message names the file, key and line when known."""

    def __init__(self, message: str, *, path: str | None = None, problems: list[str] | None = None):
        self.path = path
        self.problems = problems or [message]
        super().__init__(message)


class StoreError(TrendwatchError):
    """The store could not be opened, migrated or written."""


class ServiceRunning(TrendwatchError):
    """Another trendwatch service holds the store's ``service`` lease."""


class CollectError(TrendwatchError):
    """An expected failure of one source. Recorded on the source row; never stops the others."""


class FetchError(CollectError):
    """The request did not produce a usable HTTP response."""


class FetchTimeout(FetchError):
    """The total timeout for one request ran out."""


class HTTPStatusError(FetchError):
    """The server answered with a status we do not treat as success."""

    def __init__(self, message: str, *, status: int, retry_after: float | None = None):
        self.status = status
        self.retry_after = retry_after
        super().__init__(message)


class SourceGone(HTTPStatusError):
    """410 Gone: the source is disabled until the config changes."""


class BodyTooLarge(FetchError):
    """The response body exceeded the maximum size and was refused."""


class RedirectRefused(FetchError):
    """A redirect points to a loopback/private/link-local/reserved address (or its host
    resolved to one when connecting) and ``[http] allow_private`` is off."""


class ParseError(CollectError):
    """The response arrived but nothing usable could be parsed from it."""


class SourceFileError(CollectError):
    """The file or folder a `file` source imports is missing or cannot be read."""


class AuthRequired(CollectError):
    """Credentials are missing or refused (401/403)."""


class BudgetExceeded(CollectError):
    """A paid API reached its configured monthly cap; no further reads this month.

    ``retry_after`` (seconds) points at the start of the next month, so the source
    sleeps until then instead of backing off and retrying.
    """

    def __init__(self, message: str, *, retry_after: float | None = None):
        self.retry_after = retry_after
        super().__init__(message)


class AnalysisError(TrendwatchError):
    """The analysis pipeline cannot run."""


class EmbeddingServerError(AnalysisError):
    """The embeddings server could not be reached, or kept failing, or answered off-spec."""


class DimensionMismatch(AnalysisError):
    """Vectors of another size than those already stored under the same model id."""


class GenerationError(TrendwatchError):
    """An idea generator could not produce valid ideas; the template generator takes over."""


class GenerationTimeout(GenerationError):
    """The LLM endpoint did not answer in time (not retried: the next try would wait as long)."""


class DeliveryError(TrendwatchError):
    """A briefing or alert could not be delivered."""


class PermanentDeliveryError(DeliveryError):
    """Delivery failed in a way retrying cannot fix (refused login, 4xx, missing secret)."""


class UserError(TrendwatchError):
    """A dashboard user cannot be added, changed or removed as asked."""


class InboxError(TrendwatchError):
    """An inbox message is unknown, or the asked change does not apply to it (closed already)."""


class AccessDenied(TrendwatchError):
    """The signed-in user's role does not allow this action (checked server-side)."""


class ReauthRequired(AccessDenied):
    """The change is risky (endpoint and secret name together): the admin must re-enter
    their password, and none (or a wrong one) was given."""
