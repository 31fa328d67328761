"""Delivery targets: dated files, e-mail (SMTP + STARTTLS), Slack incoming webhook,
generic JSON webhook.

Every attempt ends in a ``deliveries`` row: ``sent`` or ``failed`` with the error and
the number of attempts. Transient failures (network, 5xx, 429) are retried with
exponential back-off (tenacity); permanent ones (refused login, other 4xx, a
missing secret) fail at once. Nothing is dropped silently: failures are logged,
recorded, counted in the next briefing's health line and shown by `trendwatch status`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import smtplib
import ssl
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from trendwatch.briefing.content import Briefing
from trendwatch.briefing.render import render, slack_blocks, subject, to_json_text
from trendwatch.collect.http import HttpClient
from trendwatch.config.env import secret
from trendwatch.config.schema import (
    EmailDelivery,
    HttpSettings,
    Settings,
    SlackDelivery,
    WebhookDelivery,
)
from trendwatch.errors import DeliveryError, FetchError, FetchTimeout, PermanentDeliveryError
from trendwatch.present import i18n
from trendwatch.present.redact import redact_text, url_origin
from trendwatch.store import Store
from trendwatch.store.deliveries import record_deliveries

log = logging.getLogger("trendwatch.delivery")


@dataclass
class Message:
    """One thing to deliver, pre-rendered for every target."""

    kind: str                         # briefing | alert
    subject: str
    text: str                         # Markdown / plain text
    html: str
    slack: dict[str, Any]             # incoming-webhook payload
    payload: dict[str, Any]           # generic webhook JSON
    stem: str                         # file name without extension
    files: dict[str, str] = field(default_factory=dict)   # extension → content (file target)
    topic_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)  # stored with the delivery row
    subject_error: str | None = None  # the configured subject could not be filled: e-mail fails


@dataclass
class DeliveryResult:
    target: str
    status: str                       # sent | failed
    attempts: int
    error: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class Target(Protocol):
    """A place a message goes to.

    ``name`` is its key in ``[briefing] deliver``. ``send`` delivers one message and
    returns details worth recording (a path, a message id). It raises
    ``DeliveryError`` for failures worth retrying and ``PermanentDeliveryError`` for
    the others; anything else is a bug. It may be called again after a failure.
    """

    name: str

    async def send(self, message: Message) -> dict[str, Any]: ...


class FileTarget:
    name = "file"

    def __init__(self, folder: str | Path, formats: list[str]):
        self.folder = Path(folder)
        self.formats = formats

    async def send(self, message: Message) -> dict[str, Any]:
        return await asyncio.to_thread(self._write, message)

    def _write(self, message: Message) -> dict[str, Any]:
        written = []
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for ext in self.formats if message.kind == "briefing" else ["md"]:
                content = message.files.get(ext)
                if content is None:
                    continue
                path = self.folder / f"{message.stem}.{ext}"
                # write-then-rename: a reader never sees half a briefing
                with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.folder,
                                                 suffix=".tmp", delete=False) as handle:
                    handle.write(content)
                os.replace(handle.name, path)
                written.append(str(path))
        except OSError as exc:
            raise DeliveryError(f"cannot write to {self.folder}: {exc}") from exc
        return {"paths": written}


class EmailTarget:
    name = "email"

    def __init__(self, options: EmailDelivery, timeout: timedelta):
        self.options = options
        self.timeout = timeout.total_seconds()

    def build(self, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = message.subject
        mail["From"] = self.options.sender
        mail["To"] = ", ".join(self.options.to)
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = make_msgid(domain=self.options.sender.rsplit("@", 1)[-1])
        mail.set_content(message.text)
        mail.add_alternative(message.html, subtype="html")
        return mail

    async def send(self, message: Message) -> dict[str, Any]:
        if message.subject_error:   # this target fails (recorded); the others still deliver
            raise PermanentDeliveryError(message.subject_error)
        mail = self.build(message)
        await asyncio.to_thread(self._send, mail)
        return {"message_id": mail["Message-ID"], "to": list(self.options.to)}

    def _send(self, mail: EmailMessage) -> None:
        o = self.options
        user, password = secret(o.username_env), secret(o.password_env)
        try:
            with smtplib.SMTP(o.host, o.port, timeout=self.timeout) as smtp:
                smtp.ehlo()
                if o.starttls:
                    smtp.starttls(context=ssl.create_default_context(cafile=o.cafile))
                    smtp.ehlo()
                if user and password:
                    smtp.login(user, password)
                smtp.send_message(mail)
        except smtplib.SMTPAuthenticationError as exc:
            raise PermanentDeliveryError(
                f"SMTP login to {o.host} refused ({exc.smtp_code}); check {o.username_env} "
                f"and {o.password_env}") from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise PermanentDeliveryError(f"{o.host}:{o.port} does not offer STARTTLS") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentDeliveryError(f"{o.host} refused the recipients {list(exc.recipients)}") from exc
        except smtplib.SMTPResponseException as exc:
            error = PermanentDeliveryError if 500 <= exc.smtp_code < 600 else DeliveryError
            raise error(f"SMTP {o.host} answered {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except (smtplib.SMTPException, OSError) as exc:  # ssl.SSLError is an OSError
            raise DeliveryError(f"cannot send mail through {o.host}:{o.port}: {exc}") from exc


class _HttpJsonTarget:
    name = "webhook"

    def __init__(self, timeout: timedelta, http: HttpSettings):
        self.timeout = timeout     # [delivery] timeout, total
        self.http = http           # [http]: user agent, connect timeout, body cap

    async def _post(self, url: str, body: dict[str, Any], headers: dict[str, str]) -> int:
        shown = url_origin(url)  # webhook paths and userinfo are secrets, malformed or not
        try:
            async with HttpClient(self.http, timeout=self.timeout) as client:
                response = await client.post_json(url, to_json_text(body, indent=None).encode(),
                                                  headers=headers)
        except FetchTimeout as exc:
            raise DeliveryError(
                f"{shown} did not answer within {self.timeout.total_seconds()}s") from exc
        except FetchError as exc:
            reason = redact_text(str(exc.__cause__ or exc).replace(url, shown))
            raise DeliveryError(f"cannot reach {shown}: {reason}") from exc
        text = redact_text(response.body.decode("utf-8", "replace")[:200])
        if response.status == 429 or response.status >= 500:
            raise DeliveryError(f"{shown} answered {response.status}: {text}")
        if response.status >= 400:
            raise PermanentDeliveryError(f"{shown} answered {response.status}: {text}")
        return response.status


class SlackTarget(_HttpJsonTarget):
    name = "slack"

    def __init__(self, options: SlackDelivery, timeout: timedelta, http: HttpSettings):
        super().__init__(timeout, http)
        self.options = options

    async def send(self, message: Message) -> dict[str, Any]:
        url = secret(self.options.webhook_env)
        if not url:
            raise PermanentDeliveryError(
                f"set {self.options.webhook_env} to the Slack incoming-webhook URL")
        return {"status": await self._post(url, message.slack, {})}


class WebhookTarget(_HttpJsonTarget):
    name = "webhook"

    def __init__(self, options: WebhookDelivery, timeout: timedelta, http: HttpSettings):
        super().__init__(timeout, http)
        self.options = options

    async def send(self, message: Message) -> dict[str, Any]:
        o = self.options
        url = o.url or secret(o.url_env)
        if not url:
            raise PermanentDeliveryError(f"set {o.url_env} to the webhook URL")
        headers = {}
        if o.token_env:
            token = secret(o.token_env)
            if not token:
                raise PermanentDeliveryError(f"set {o.token_env} (the webhook's bearer token)")
            headers["Authorization"] = f"Bearer {token}"
        return {"status": await self._post(url, message.payload, headers)}


def build_target(name: str, settings: Settings) -> Target:
    d = settings.delivery
    timeout, http = d.timeout, settings.http
    if name == "file":
        return FileTarget(settings.briefing.folder, list(d.file.formats))
    if name == "email" and d.email is not None:
        return EmailTarget(d.email, timeout)
    if name == "slack" and d.slack is not None:
        return SlackTarget(d.slack, timeout, http)
    if name == "webhook" and d.webhook is not None:
        return WebhookTarget(d.webhook, timeout, http)
    raise PermanentDeliveryError(f"delivery target {name!r} has no [delivery.{name}] table")


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, DeliveryError) and not isinstance(exc, PermanentDeliveryError)


async def deliver(store: Store, settings: Settings, message: Message, targets: list[str],
                  now: datetime, *, wait: Any = None) -> list[DeliveryResult]:
    """Send ``message`` to every target (concurrently), retrying transient failures, and
    record one ``deliveries`` row per target. ``wait`` overrides the back-off (tests)."""
    d = settings.delivery
    wait = wait or wait_exponential(multiplier=d.retry_wait.total_seconds(), max=300)

    async def one(name: str) -> DeliveryResult:
        attempts = 0
        try:
            target = build_target(name, settings)
            async for attempt in AsyncRetrying(stop=stop_after_attempt(d.attempts), wait=wait,
                                               retry=retry_if_exception(_transient), reraise=True):
                with attempt:
                    attempts += 1
                    if attempts > 1:
                        log.warning("delivery retry target=%s kind=%s attempt=%d", name,
                                    message.kind, attempts)
                    detail = await target.send(message)
            return DeliveryResult(name, "sent", attempts, detail=detail)
        except DeliveryError as exc:
            return DeliveryResult(name, "failed", attempts, error=redact_text(str(exc)))
        except Exception as exc:  # a bug: record it so the briefing is not silently lost, then log
            log.exception("delivery bug target=%s kind=%s", name, message.kind)
            return DeliveryResult(name, "failed", attempts,
                                  error=redact_text(f"internal error: {exc!r}"))

    results = list(await asyncio.gather(*(one(name) for name in dict.fromkeys(targets))))
    record_deliveries(store, [dict(
        kind=message.kind, target=result.target, topic_id=message.topic_id,
        created_at=now, status=result.status, attempts=result.attempts,
        error=result.error, detail={**message.detail, **result.detail},
    ) for result in results])
    for result in results:
        if result.status == "sent":
            log.info("delivered kind=%s target=%s attempts=%d", message.kind, result.target,
                     result.attempts)
        else:
            log.error("delivery failed kind=%s target=%s attempts=%d error=%s", message.kind,
                      result.target, result.attempts, json.dumps(result.error))
    return results


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60] or "briefing"


def briefing_message(settings: Settings, briefing: Briefing) -> Message:
    html = render(briefing, "html")
    text = render(briefing, "md")
    local_day = briefing.generated_at.astimezone(ZoneInfo(briefing.timezone)).date().isoformat()
    _ = i18n.messages(briefing.language).gettext
    # the subject's placeholders stay as they are in every language: render.subject fills them
    default = _("{company}: trends for {date}")
    pattern = settings.delivery.email.subject if settings.delivery.email else default
    if pattern == EmailDelivery.model_fields["subject"].default:
        pattern = default   # not set in feeds.toml: the team's language
    subject_error = None
    try:
        title = subject(briefing, pattern)
    except ValueError as exc:   # settings that skipped the config check (built in code)
        subject_error = str(exc)
        title = subject(briefing, default)
    return Message(
        kind="briefing", subject=title, subject_error=subject_error, text=text, html=html,
        slack=slack_blocks(briefing), payload={"kind": "briefing", "briefing": briefing.to_json()},
        stem=f"{slug(briefing.profile)}-{local_day}",
        files={"html": html, "md": text, "json": render(briefing, "json")},
        detail={"profile": briefing.profile, "run_id": briefing.run_id,
                "topic_ids": briefing.topic_ids()},
    )


async def deliver_briefing(store: Store, settings: Settings, briefing: Briefing, now: datetime,
                           *, targets: list[str] | None = None,
                           wait: Any = None) -> list[DeliveryResult]:
    message = briefing_message(settings, briefing)
    return await deliver(store, settings, message, targets or settings.briefing.deliver, now,
                         wait=wait)
