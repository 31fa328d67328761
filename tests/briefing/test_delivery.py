"""Delivery against local servers: SMTP with STARTTLS and login (aiosmtpd), Slack and
webhook endpoints (aiohttp), dated files; retries and the deliveries log."""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import select
from tenacity import wait_none

from tests.conftest import make_settings
from tests.seeding import SCRIPT_LABEL, seed
from trendwatch.briefing import build_briefing, deliver_briefing
from trendwatch.store.schema import deliveries


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def tls_files(tmp_path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


@pytest.fixture
def smtp_server(tls_files):
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    cert, key = tls_files

    class Inbox:
        def __init__(self):
            self.messages: list[tuple[str, list[str], bytes]] = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login, auth_data.password) == (b"robot", b"s3cret")
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context,
                            require_starttls=True, authenticator=authenticator,
                            auth_required=True, auth_require_tls=True)
    controller.start()
    yield inbox, port, cert
    controller.stop()


def email_settings(port: int, cert: Path, folder: Path):
    return make_settings(
        f'[briefing]\ndeliver = ["email", "file"]\nfolder = "{folder}"\ntimezone = "Europe/Berlin"\n'
        f'[delivery]\nattempts = 3\n[delivery.email]\nhost = "127.0.0.1"\nport = {port}\n'
        f'sender = "trendwatch@acme.example"\nto = ["team@acme.example"]\ncafile = "{cert}"\n'
        'username_env = "TW_TEST_SMTP_USER"\npassword_env = "TW_TEST_SMTP_PASSWORD"\n')


def rows(store):
    with store.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(deliveries).order_by(deliveries.c.id))]


async def test_email_multipart_over_starttls_and_dated_file(store, now, tmp_path, smtp_server,
                                                           monkeypatch):
    inbox, port, cert = smtp_server
    monkeypatch.setenv("TW_TEST_SMTP_USER", "robot")
    monkeypatch.setenv("TW_TEST_SMTP_PASSWORD", "s3cret")
    seeded = seed(store, now)
    settings = email_settings(port, cert, tmp_path / "briefings")
    briefing = build_briefing(store, settings, now)
    results = await deliver_briefing(store, settings, briefing, now, wait=wait_none())
    assert [(r.target, r.status) for r in results] == [("email", "sent"), ("file", "sent")]

    sender, recipients, raw = inbox.messages[0]
    assert (sender, recipients) == ("trendwatch@acme.example", ["team@acme.example"])
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert mail["Subject"] == "Acme: trends for Friday, November 20, 2026"
    assert mail.get_content_type() == "multipart/alternative"
    plain = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "## Top opportunities" in plain and "Battery swap stations" in plain
    assert "&lt;script&gt;" in html and SCRIPT_LABEL not in html

    files = sorted(p.name for p in (tmp_path / "briefings").iterdir())
    assert files == ["acme-2026-11-20.html", "acme-2026-11-20.md"]
    logged = rows(store)
    assert [(r["kind"], r["target"], r["status"], r["attempts"]) for r in logged] == [
        ("briefing", "email", "sent", 1), ("briefing", "file", "sent", 1)]
    assert logged[0]["detail"]["run_id"] == seeded.run2
    assert logged[0]["detail"]["topic_ids"] == [seeded.t1, seeded.t3, seeded.t2]


async def test_refused_login_fails_once_and_is_recorded(store, now, tmp_path, smtp_server,
                                                       monkeypatch):
    inbox, port, cert = smtp_server
    monkeypatch.setenv("TW_TEST_SMTP_USER", "robot")
    monkeypatch.setenv("TW_TEST_SMTP_PASSWORD", "wrong")
    settings = email_settings(port, cert, tmp_path / "b")
    results = await deliver_briefing(store, settings, build_briefing(store, settings, now), now,
                                     targets=["email"], wait=wait_none())
    assert results[0].status == "failed" and results[0].attempts == 1   # permanent: no retry
    assert "login" in results[0].error and "TW_TEST_SMTP_PASSWORD" in results[0].error
    assert not inbox.messages
    assert rows(store)[0]["status"] == "failed"


async def test_unreachable_smtp_is_retried_then_recorded(store, now, tmp_path, tls_files):
    settings = email_settings(free_port(), tls_files[0], tmp_path / "b")
    results = await deliver_briefing(store, settings, build_briefing(store, settings, now), now,
                                     targets=["email"], wait=wait_none())
    assert (results[0].status, results[0].attempts) == ("failed", 3)
    assert rows(store)[0]["error"].startswith("cannot send mail through 127.0.0.1")


@pytest.fixture
async def hooks(aiohttp_server):
    received: dict[str, list] = {"slack": [], "hook": [], "flaky": [], "bad": []}
    failures = {"flaky": 2}

    async def slack(request):
        received["slack"].append(await request.json())
        return web.Response(text="ok")

    async def hook(request):
        received["hook"].append((dict(request.headers), await request.json()))
        return web.json_response({"ok": True})

    async def flaky(request):
        received["flaky"].append(await request.json())
        if failures["flaky"] > 0:
            failures["flaky"] -= 1
            return web.Response(status=503, text="try later")
        return web.Response(text="ok")

    async def bad(request):
        received["bad"].append(await request.json())
        return web.Response(status=404, text="no such hook")

    app = web.Application()
    app.router.add_post("/slack", slack)
    app.router.add_post("/hook", hook)
    app.router.add_post("/flaky", flaky)
    app.router.add_post("/bad", bad)
    server = await aiohttp_server(app, host="127.0.0.1")
    return server, received


def hook_settings(base: str, tmp_path: Path, hook_path: str = "/hook"):
    return make_settings(
        f'[briefing]\ndeliver = ["slack", "webhook"]\nfolder = "{tmp_path}"\n'
        f'[delivery.slack]\nwebhook_env = "TW_TEST_SLACK"\n'
        f'[delivery.webhook]\nurl = "{base}{hook_path}"\ntoken_env = "TW_TEST_TOKEN"\n')


async def test_slack_and_webhook_receive_json(store, now, tmp_path, hooks, monkeypatch):
    server, received = hooks
    base = str(server.make_url("")).rstrip("/")
    monkeypatch.setenv("TW_TEST_SLACK", f"{base}/slack")
    monkeypatch.setenv("TW_TEST_TOKEN", "tok")
    seed(store, now)
    settings = hook_settings(base, tmp_path)
    results = await deliver_briefing(store, settings, build_briefing(store, settings, now), now,
                                     wait=wait_none())
    assert {r.target: r.status for r in results} == {"slack": "sent", "webhook": "sent"}
    blocks = received["slack"][0]["blocks"]
    assert blocks[0]["type"] == "header" and "Acme" in blocks[0]["text"]["text"]
    assert any("Battery swap stations" in b.get("text", {}).get("text", "") for b in blocks)
    headers, body = received["hook"][0]
    assert headers["Authorization"] == "Bearer tok"
    assert body["kind"] == "briefing"
    assert body["briefing"]["opportunities"][0]["distinct_sources"] == 9


async def test_transient_failures_are_retried(store, now, tmp_path, hooks, monkeypatch):
    server, received = hooks
    base = str(server.make_url("")).rstrip("/")
    monkeypatch.setenv("TW_TEST_TOKEN", "tok")
    settings = hook_settings(base, tmp_path, "/flaky")
    results = await deliver_briefing(store, settings, build_briefing(store, settings, now), now,
                                     targets=["webhook"], wait=wait_none())
    assert (results[0].status, results[0].attempts) == ("sent", 3)
    assert len(received["flaky"]) == 3


async def test_client_errors_and_missing_secrets_fail_without_retry(store, now, tmp_path, hooks,
                                                                   monkeypatch):
    server, received = hooks
    base = str(server.make_url("")).rstrip("/")
    monkeypatch.setenv("TW_TEST_TOKEN", "tok")
    monkeypatch.delenv("TW_TEST_SLACK", raising=False)
    settings = hook_settings(base, tmp_path, "/bad")
    results = await deliver_briefing(store, settings, build_briefing(store, settings, now), now,
                                     wait=wait_none())
    by_target = {r.target: r for r in results}
    assert by_target["webhook"].attempts == 1 and "404" in by_target["webhook"].error
    assert by_target["slack"].error == "set TW_TEST_SLACK to the Slack incoming-webhook URL"
    assert "/bad" not in by_target["webhook"].error        # webhook paths are secrets
    assert {r["status"] for r in rows(store)} == {"failed"}


def test_delivery_config_is_validated():
    from trendwatch.errors import ConfigError

    with pytest.raises(ConfigError, match=r"deliver names \['email'\] but there is no \[delivery.email\]"):
        make_settings('[briefing]\ndeliver = ["file", "email"]\n')
    with pytest.raises(ConfigError, match="unknown delivery target"):
        make_settings('[briefing]\ndeliver = ["fax"]\n')
    with pytest.raises(ConfigError, match="is not an e-mail address"):
        make_settings('[delivery.email]\nhost = "h"\nsender = "nobody"\nto = ["a@b.c"]\n')
    with pytest.raises(ConfigError, match="give `url` or `url_env`"):
        make_settings('[delivery.webhook]\ntoken_env = "X"\n')


@pytest.mark.parametrize("subject, shown", [
    ("{date} {nonsense}", "unknown placeholder {nonsense}"),
    ("{", "not a valid template"),
    ("Trends {}", "unknown placeholder {}"),
    ("{company.__class__}", "unknown placeholder {company.__class__}"),
    ("{date[0]}", "unknown placeholder {date[0]}"),
])
def test_check_config_names_a_bad_subject_placeholder(tmp_path, subject, shown):
    from tests.conftest import MINIMAL_COMPANY
    from trendwatch.config.check import check_text

    text = (MINIMAL_COMPANY + '\n[delivery.email]\nhost = "h"\nsender = "a@b.example"\n'
            f'to = ["c@d.example"]\nsubject = "{subject}"\n')
    result = check_text(text, tmp_path / "feeds.toml")
    assert not result.ok
    message = result.lines[0]
    assert "delivery.email.subject" in message and shown in message
    assert "{company}, {date}, {profile}" in message


def test_good_subjects_pass_the_check():
    for subject in ("{company}: trends for {date}", "{profile} {date:>12} {{daily}}", "Trends"):
        settings = make_settings('[delivery.email]\nhost = "h"\nsender = "a@b.example"\n'
                                 f'to = ["c@d.example"]\nsubject = "{subject}"\n')
        assert settings.delivery.email.subject == subject


async def test_a_bad_subject_fails_only_email_and_is_recorded(store, now, tmp_path):
    seed(store, now)
    settings = email_settings(free_port(), tmp_path / "no-ca.pem", tmp_path / "briefings")
    settings.delivery.email.subject = "{date} {nonsense}"   # built in code, not checked
    briefing = build_briefing(store, settings, now)
    results = await deliver_briefing(store, settings, briefing, now, wait=wait_none())
    by_target = {r.target: r for r in results}
    assert by_target["file"].status == "sent"
    assert by_target["email"].status == "failed" and by_target["email"].attempts == 1
    assert "{nonsense}" in by_target["email"].error and "subject" in by_target["email"].error
    logged = {r["target"]: r for r in rows(store)}
    assert logged["email"]["status"] == "failed" and "{nonsense}" in logged["email"]["error"]
    assert logged["file"]["status"] == "sent"
    assert sorted(p.name for p in (tmp_path / "briefings").iterdir()) == [
        "acme-2026-11-20.html", "acme-2026-11-20.md"]


def test_the_subject_is_one_line_whatever_the_names_hold(store, now):
    from trendwatch.briefing.render import subject

    briefing = build_briefing(store, make_settings(), now)
    briefing.company = "Acme\r\nBcc: victim@example.com"
    assert "\n" not in subject(briefing, "{company}: {date}")
