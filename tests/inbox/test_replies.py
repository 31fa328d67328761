from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.inbox.conftest import msg
from trendwatch.config.schema import InboxReplies, Profile
from trendwatch.ideas.limits import check
from trendwatch.inbox.message import Triage
from trendwatch.inbox.replies import draft_reply
from trendwatch.inbox.triage import OfflineClassifier

NOW = datetime(2026, 3, 6, 20, tzinfo=UTC)       # a Friday evening
POLICY = InboxReplies()
classifier = OfflineClassifier()


def draft(settings, text, platform="x", *, policy=POLICY, profile=None, **kw):
    message = msg(text, platform=platform, author=kw.pop("author", "ana"))
    triage = kw.pop("triage", None) or classifier.classify([message])[0]
    return draft_reply(message, triage, profile=profile or settings.profile(), policy=policy,
                       platform=platform, now=NOW, **kw)


@pytest.mark.parametrize("platform", ["x", "bluesky", "mastodon", "threads"])
@pytest.mark.parametrize("text, lang", [
    ("@acme my order never arrived and nobody answers", "en"),
    ("@acme meine Bestellung ist immer noch nicht angekommen", "de"),
    ("@acme mi pedido todavía no ha llegado", "es"),
    ("@acme ma commande n'est toujours pas arrivée", "fr"),
    ("@acme الطلب ما وصل لحد الآن", "ar"),
])
def test_complaint_draft_in_the_customers_language_within_the_limit(settings, platform, text, lang):
    reply = draft(settings, text, platform)
    assert reply.text and not reply.escalate and reply.lang == lang
    assert reply.text.startswith("@ana ")
    assert check(platform, reply.text).fits
    assert reply.length <= reply.limit
    assert any("private channel" in r for r in reply.reasons)


def test_dm_for_personal_data_and_no_copy_of_links_or_html(settings):
    reply = draft(settings, "@acme <b>order</b> 4471 never came https://evil.example/x my email is a@b.c")
    assert "DM" in reply.text and "order number" in reply.text
    for leaked in ("http", "evil", "<b>", "4471", "a@b.c"):
        assert leaked not in reply.text


def test_escalate_words_in_any_language_give_no_draft(settings):
    for text in ("@acme I'm calling my lawyer", "@acme ich gehe zum Anwalt", "@acme llamaré a la policía"):
        reply = draft(settings, text)
        assert reply.text is None and reply.escalate, text
    # triage's safety signal counts as "injury" even when the word is not there
    burnt = draft(settings, "@acme the charger burned my hand")
    assert burnt.escalate and burnt.text is None


def test_never_promises_a_refund(settings):
    policy = InboxReplies(never=["refund", "compensation"], escalate=[])
    for text in ("@acme you charged me twice, I want a refund", "@acme quiero un reembolso ya"):
        reply = draft(settings, text, policy=policy)
        lowered = reply.text.casefold()
        assert "refund" not in lowered and "reembolso" not in lowered


def test_never_drops_a_sentence_that_would_promise(settings):
    policy = InboxReplies(never=["DM"], escalate=[])     # a policy can forbid any word
    reply = draft(settings, "@acme my order never arrived", policy=policy)
    assert reply.text and "DM" not in reply.text
    assert any("policy" in r for r in reply.reasons)


def test_register_follows_the_tone(settings):
    formal = Profile(name="Acme", company={"name": "Acme", "tone": "formal, precise"})
    assert "Sie" in draft(settings, "@acme meine Bestellung ist nicht angekommen", profile=formal).text
    assert "Schick" in draft(settings, "@acme meine Bestellung ist nicht angekommen").text


def test_praise_lead_question_and_other(settings):
    assert "Acme" in draft(settings, "@acme you are the best, thank you!").text
    assert "DM" in draft(settings, "@acme how much is the pro plan for my team?").text
    assert draft(settings, "@acme what time do you open on Sundays?").text
    other = draft(settings, "Read an article about Acme today")
    assert other.text is None and not other.escalate


def test_out_of_hours_says_when_a_person_follows_up(settings):
    opens = datetime(2026, 3, 9, 9, tzinfo=ZoneInfo("Europe/Berlin"))
    reply = draft(settings, "@acme my order never arrived", office_opens_at=opens)
    assert "Monday at 09:00" in reply.text
    german = draft(settings, "@acme meine Bestellung ist nicht angekommen", office_opens_at=opens)
    assert "Montag um 09:00 Uhr" in german.text


def test_handles_per_platform_and_signature(settings):
    policy = InboxReplies(signature="^Ana", escalate=[])
    reply = draft(settings, "@acme app keeps crashing", "mastodon", author="bob@fosstodon.org",
                  policy=policy)
    assert reply.text.startswith("@bob@fosstodon.org ") and reply.text.endswith("^Ana")
    assert draft(settings, "@acme app keeps crashing", "reddit").text.startswith("u/ana ")
    assert not draft(settings, "@acme app keeps crashing", "linkedin").text.startswith("@")


def test_a_tiny_limit_drops_the_draft_with_a_reason(settings):
    triage = Triage("complaint", "normal", "negative", -0.5, "en", ())
    reply = draft(settings, "@acme broken", "mastodon", triage=triage, mastodon_limit=100,
                  author="x" * 120)
    assert reply.text is None and not reply.escalate and "cannot fit" in reply.reasons[-1]
