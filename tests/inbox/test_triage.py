from __future__ import annotations

import pytest

from tests.inbox.conftest import msg
from trendwatch.config.schema import InboxSettings
from trendwatch.inbox.message import Triage
from trendwatch.inbox.triage import OfflineClassifier, detect_language


@pytest.fixture(scope="module")
def classifier():
    return OfflineClassifier(InboxSettings(spreading=100))


def one(classifier, text, **kw) -> Triage:
    return classifier.classify([msg(text, **kw)])[0]


@pytest.mark.parametrize("text, category", [
    ("@acme why is my order still not here?", "complaint"),                 # question = complaint
    ("@acme great, another outage. Thanks", "complaint"),                   # sarcasm
    ("@acme love the app but it crashes every time I open it", "complaint"),  # praise + problem
    ("@acme how do I change my delivery address?", "question"),
    ("@acme how much is the business plan for 20 people?", "lead"),
    ("@acme where can I buy the Volt Pro in Madrid?", "lead"),
    ("@acme had an issue with my bill but support sorted it in minutes, thank you!", "praise"),
    ("@acme no problems at all with my new phone, love it", "praise"),
    ("Read an article about Acme's new office", "other"),
    ("¿Por qué no me ha llegado el pedido todavía?", "complaint"),
    ("Mein Akku lädt nicht mehr, seit drei Tagen", "complaint"),
    ("Service client nul, personne ne répond", "complaint"),
    ("شكرا على الخدمة الممتازة", "praise"),
    ("ليش النت مقطوع من الصبح؟", "complaint"),
    ("@acme I want that fixed today, you charged me twice", "complaint"),   # a wish is not a fix
])
def test_categories(classifier, text, category):
    triage = one(classifier, text)
    assert triage.category == category, triage.reasons


def test_reasons_name_the_words(classifier):
    triage = one(classifier, "@acme great, another outage")
    joined = " ".join(triage.reasons)
    assert "outage" in joined and "sarcasm" in joined
    assert "sarcasm" in triage.signals
    assert triage.sentiment == "negative"


@pytest.mark.parametrize("text, signal", [
    ("@acme my e-bike battery caught fire while charging", "safety"),
    ("@acme I'm talking to my lawyer about this", "legal"),
    ("@acme is your network down? no signal anywhere", "outage"),
    ("@acme my account was hacked, someone logged in from abroad", "data"),
    ("@acme you charged me twice for one order", "payment"),
    ("@acme I'm cancelling my subscription, this is useless", "churn"),
    ("@acme habéis perdido mi maleta y voy a llamar a un abogado", "legal"),
    ("@acme الفرامل ما اشتغلت وصار حادث", "safety"),
])
def test_high_urgency_signals(classifier, text, signal):
    triage = one(classifier, text)
    assert triage.category == "complaint", triage.reasons
    assert triage.urgency == "high" and signal in triage.signals, triage.reasons


def test_spreading_raises_urgency(classifier):
    quiet = one(classifier, "@acme the app keeps freezing", engagement={"likes": 3})
    loud = one(classifier, "@acme the app keeps freezing", engagement={"likes": 90, "reposts": 40})
    assert quiet.urgency == "normal"
    assert loud.urgency == "high" and "spreading" in loud.signals


def test_praise_and_other_are_low(classifier):
    assert one(classifier, "@acme you are the best, thank you!").urgency == "low"


def test_idiom_is_not_a_fire(classifier):
    triage = one(classifier, "@acme pizza in 20 minutes, you are on fire tonight, thanks!")
    assert triage.category == "praise", triage.reasons


def test_language_from_tag_script_or_detection():
    assert detect_language("whatever", "es-MX") == ("es", "tagged")
    assert detect_language("التطبيق ما يشتغل")[0] == "ar"
    assert detect_language("Das Paket ist leider immer noch nicht angekommen")[0] == "de"
    assert detect_language("👍 👍")[0] == "en"


def test_batch_keeps_order(classifier):
    texts = ["@acme thanks, love it!", "@acme where is my refund???", "@acme price of the pro plan?"]
    got = classifier.classify([msg(t, id=str(n)) for n, t in enumerate(texts)])
    assert [t.category for t in got] == ["praise", "complaint", "lead"]
