"""Batched language detection decides exactly as the per-text detector does."""

from trendwatch.collect.parse import text as text_module
from trendwatch.collect.parse.text import detect_language, detect_languages

TEXTS = [
    "The central bank raised interest rates again on Tuesday, citing inflation.",
    "La banque centrale a relevé ses taux d'intérêt mardi, invoquant l'inflation.",
    "Die Zentralbank hat am Dienstag die Zinsen erneut angehoben.",
    "El banco central volvió a subir los tipos de interés el martes.",
    "رفع البنك المركزي أسعار الفائدة مرة أخرى يوم الثلاثاء بسبب التضخم",
    "中央银行周二再次加息，理由是通货膨胀。",
    "日本銀行は火曜日に再び金利を引き上げた。",
    "Центральный банк во вторник снова повысил процентные ставки.",
    "BREAKING: CENTRAL BANK RAISES RATES AGAIN",   # all upper case: lowered by the model
    "short",                                       # under the minimum sample: no guess
    "",
    "   ",
    "!!!!!!!!!!!!!!!!!!!!!!!!",                    # long enough but no letters
    "1234567890 1234567890",
    "x" * 2000,                                    # longer than the sample
    "The central bank raised interest rates again on Tuesday, citing inflation.",  # repeated
]


def test_batch_matches_per_text_detection():
    assert detect_languages(TEXTS) == [detect_language(t) for t in TEXTS]


def test_batch_confidence_threshold_is_the_same():
    for threshold in (0.0, 0.9, 0.999):
        assert detect_languages(TEXTS, min_confidence=threshold) == [
            detect_language(t, min_confidence=threshold) for t in TEXTS]


def test_batches_split_into_chunks_decide_the_same(monkeypatch):
    monkeypatch.setattr(text_module, "_LANGUAGE_BATCH", 3)
    assert detect_languages(TEXTS) == [detect_language(t) for t in TEXTS]


def test_empty_batch_and_no_detectable_text():
    assert detect_languages([]) == []
    assert detect_languages(["", "tiny"]) == [None, None]
