from __future__ import annotations

import pytest

from trendwatch.config.schema import InboxSettings
from trendwatch.inbox.match import MentionMatcher


@pytest.fixture
def matcher(settings):
    return MentionMatcher.from_settings(settings.inbox, settings.profile())


@pytest.mark.parametrize("text", ["I love Acme!", "ACME's support rocks", "#acme is down",
                                  "Acmé est génial", "the Acme-App crashed"])
def test_company_name_any_case_accent_and_punctuation(matcher, text):
    assert matcher.match(text).term == "Acme"


@pytest.mark.parametrize("text", ["Acmeville is lovely", "acmes", "macme", "I acmed it"])
def test_word_aware(matcher, text):
    assert matcher.match(text) is None


def test_product_and_term(matcher):
    found = matcher.match("my volt pro broke")
    assert (found.term, found.kind, found.product) == ("Volt Pro", "product", "Volt Pro")
    assert matcher.match("volt is fine") is None            # half a product name is not one
    assert matcher.match("Trying acme cloud today").kind in ("company", "term")


@pytest.mark.parametrize("text", ["أكمي رائعة", "وأكمي أفضل", "شكرا لأكمي", "بأكمي", "اكمي",
                                  "أَكْمِي"])
def test_arabic_folded_with_clitics(matcher, text):
    assert matcher.match(text).term == "Acme"


def test_arabic_alias_of_a_product_and_transliteration(matcher):
    assert matcher.match("الفولت برو ممتازة").product == "Volt Pro"
    assert matcher.match("akmi is the best").term == "Acme"


def test_exclude_suppresses_names_but_not_handles(matcher):
    assert matcher.match("watching the acme road runner cartoon again") is None
    assert matcher.match("wile e bought acme rockets") is None
    found = matcher.match("acme road runner cartoon, @acme pls", platform="x")
    assert found.kind == "handle"


def test_handles_per_platform(matcher):
    assert matcher.match("thanks @acme", platform="x").kind == "handle"
    # on Mastodon a bare @acme is the instance's account only for its own users
    assert matcher.match("hi @ACME help", platform="mastodon", author="bob@mastodon.social").kind == "handle"
    assert matcher.match("hi @acme help", platform="mastodon", author="bob").kind == "handle"
    elsewhere = matcher.match("hi @acme help", platform="mastodon", author="bob@fosstodon.org")
    assert elsewhere is None or elsewhere.kind != "handle"
    assert matcher.match("cc @acme@mastodon.social", platform="bluesky").kind == "handle"
    assert matcher.match("ping @acme.com", platform="bluesky").kind == "handle"
    assert matcher.match("ask u/acme or /u/acme", platform="reddit").kind == "handle"
    assert matcher.match("@acmecorp hello", platform="x") is None


def test_x_handle_elsewhere_is_someone_else():
    inbox = InboxSettings(handles={"x": "@zeta"})
    matcher = MentionMatcher.from_settings(inbox, None)
    assert matcher.match("@zeta hi", platform="x").kind == "handle"
    assert matcher.match("@zeta hi", platform="mastodon") is None


def test_own_posts(matcher):
    assert matcher.is_own("acme@mastodon.social", "mastodon")
    assert matcher.is_own("@acme", "x")
    assert matcher.is_own("acme.com", "bluesky")
    assert matcher.is_own("u/acme", "reddit")
    assert not matcher.is_own("acme", "bluesky")
    assert not matcher.is_own("acme@other.social", "mastodon")
    assert not matcher.is_own("", "x")
