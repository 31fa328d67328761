"""Arabic folding and clitics: one key per word however it is written."""

from __future__ import annotations

import pytest

from trendwatch.analysis.label import TopicDocs, label_topics
from trendwatch.lang import arabic


@pytest.mark.parametrize("variants", [
    ("السعودية", "السعوديه", "السعوديّة"),            # taa marbuta / haa, shadda
    ("إعلان", "اعلان", "أعلان"),                        # hamza on alef
    ("مصر", "مـــصر"),                                  # tatweel
    ("مستشفى", "مستشفي"),                              # alef maqsura / yaa
    ("مَدْرَسَة", "مدرسة"),                              # tashkeel
])
def test_spellings_of_one_word_fold_to_one_key(variants):
    assert len({arabic.fold(v) for v in variants}) == 1


def test_arabic_indic_digits_fold_to_ascii():
    assert arabic.fold("عام ٢٠٢٦") == arabic.fold("عام 2026")
    assert arabic.digits_to_ascii("۱۲۳ و ٤٥") == "123 و 45"


@pytest.mark.parametrize("word", ["والرياض", "بالرياض", "للرياض", "الرياض", "فالرياض", "كالرياض"])
def test_article_and_prepositions_come_off_the_key(word):
    assert arabic.match_key(word) == "رياض"


@pytest.mark.parametrize("word", ["بلد", "وزير", "لبن", "كتب"])
def test_short_words_starting_with_a_clitic_letter_stay_whole(word):
    assert arabic.match_key(word) == word


def test_display_keeps_the_article_and_drops_the_fused_preposition():
    assert arabic.display_form("والسعودية") == "السعودية"
    assert arabic.display_form("بالرياض") == "الرياض"
    assert arabic.display_form("للسعودية") == "السعودية"
    assert arabic.display_form("مـــصر") == "مصر"


def test_latin_text_is_untouched():
    assert arabic.match_key("Riyadh") == "Riyadh"
    assert not arabic.has_arabic("Riyadh 2026")


def test_an_arabic_label_counts_a_word_once_however_it_is_attached():
    saudi = TopicDocs(key=1, texts=[
        "السعودية تعلن عن صندوق للسياحة",
        "والسعودية تطلق صندوق السياحة الجديد",
        "بالسعودية: صندوق جديد للسياحة",
        "صندوق السياحة في السعودية يبدأ العمل",
    ], langs=["ar"] * 4)
    other = TopicDocs(key=2, texts=["أمطار غزيرة في جدة", "أمطار وسيول في جدة", "الأمطار تغمر جدة"],
                      langs=["ar"] * 3)
    labels = label_topics([saudi, other])
    words = labels[1].keywords
    assert "السعودية" in words and "السياحة" in words
    # no fused fragments and no duplicate spellings of one word
    assert not {"والسعودية", "بالسعودية", "للسياحة", "السعوديه"} & set(words)
    assert len({arabic.match_key(w) for w in words if " " not in w}) == \
        len([w for w in words if " " not in w])
    assert "جدة" in labels[2].keywords


def test_arabic_hashtags_count_as_one_however_decorated():
    from trendwatch.collect.parse.text import extract_hashtags

    tags = extract_hashtags("#السعودية اليوم #السعوديـــة و #السّعودية #Riyadh #riyadh")
    assert tags == ["السعودية", "riyadh"]


def test_wire_copies_spelt_differently_share_their_shingles():
    from trendwatch.collect.dedup import StoryIndex, minhash_signature

    a = ("وزارة الصحة تعلن إطلاق حملة التطعيم ضد الإنفلونزا الموسمية في جميع مناطق المملكة",
         "أعلنت وزارة الصحة اليوم إطلاق الحملة الوطنية للتطعيم ضد الإنفلونزا الموسمية")
    b = ("وزارة الصحه تعلن اطلاق حملة التطعيم ضد الانفلونزا الموسميه في جميع مناطق المملكه",
         "اعلنت وزارة الصحه اليوم اطلاق الحمله الوطنيه للتطعيم ضد الانفلونزا الموسميه")
    from datetime import UTC, datetime

    at = datetime(2026, 1, 1, tzinfo=UTC)
    index = StoryIndex()
    index.add("1", 7, at, a[0], minhash_signature(*a), "spa")
    assert index.find(at, b[0], minhash_signature(*b), "okaz") == 7


def test_an_arabic_product_keyword_matches_however_the_topic_spells_it():
    from trendwatch.rank.relevance import Haystack

    haystack = Haystack(["إطلاق خدمة جديدة بالدراجات الكهربائية في الرياض", "#السعودية"])
    assert haystack.has("الدراجات الكهربائية")
    assert haystack.has("دراجات كهربائيه")          # no article, taa marbuta as haa
    assert haystack.has("السعودية")
    assert not haystack.has("السيارات الكهربائية")
