"""The dashboard in the team's language: Arabic right-to-left, German left-to-right.

The language is the sidebar profile's (`Profile.writing_language`: profile → company →
locale); the strings checked here are the catalogs' own (trendwatch/locale/*/trendwatch.po).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import lang
from tests.dashboard.test_dashboard_views import run_app
from tests.seed import PROFILE, seeded_files
from trendwatch.config.env import CONFIG_ENV, DATABASE_ENV
from trendwatch.present import i18n
from trendwatch.store import open_store
from trendwatch.store.users import add_user

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
FEED_LABEL = "E-bike battery swap stations"       # an English topic label (feed text)
ARABIC_LABEL = "الدراجات الكهربائية في دبي"        # an Arabic one


def _with_language(config: Path, language: str, extra: str = "") -> None:
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[company]\n", f'[company]\nlanguage = "{language}"\n', 1)
                      + extra, encoding="utf-8")


@pytest.fixture
def seeded_in(tmp_path, monkeypatch):
    def make(language: str, extra: str = ""):
        url, config, info = seeded_files(tmp_path, datetime.now(UTC).replace(microsecond=0))
        _with_language(config, language, extra)
        monkeypatch.setenv(DATABASE_ENV, url)
        monkeypatch.setenv(CONFIG_ENV, str(config))
        return url, config, info
    return make


def texts(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success"):
        parts.extend(str(e.value) for e in getattr(at, kind))
    return "\n".join(parts)


def rtl_styles(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("<style>")]


def test_arabic_profile_gets_arabic_pages_laid_out_right_to_left(seeded_in):
    seeded_in("ar")
    at = run_app()
    assert at.title[0].value == "اليوم"                                # Today
    assert [m.label for m in at.metric][:3] == ["الفرص", "الصاعدة", "المصادر المستقلة (أبرز البطاقات)"]
    assert "لماذا يهمّ هذا" in texts(at)                             # Why it matters
    labels = {b.label for b in at.button}
    assert {"فتح الموضوع", "أفكار المنشورات", "مفيد", "كتم الموضوع", "حدّث الآن"} <= labels
    assert at.selectbox(key="window").label == "النافذة الزمنية"
    assert at.selectbox(key="window").format_func("7 days") == "7 أيام"
    assert rtl_styles(at) == [lang.RTL_CSS]                          # once, our constant CSS only
    assert "direction: rtl; text-align: right" in lang.RTL_CSS
    # feed text keeps its own words and direction
    english = next(m.value for m in at.markdown if FEED_LABEL in m.value)
    assert 'dir="ltr"' in english and "text-align:left" in english
    arabic = next(m.value for m in at.markdown if ARABIC_LABEL in m.value)
    assert 'dir="rtl"' in arabic
    assert "English" not in texts(at) and "Why it matters" not in texts(at)


def test_arabic_other_pages_and_charts(seeded_in):
    seeded_in("ar")
    at = run_app("views/sources.py")
    assert at.title[0].value == "المصادر"
    assert "سلاسل الاتجاهات على المنصات" in [h.value for h in at.header]
    assert "الخدمة" in [h.value for h in at.header]        # workers and jobs
    assert {m.label for m in at.metric} >= {"المصادر", "سليمة", "متعثرة"}
    at = run_app("views/topics.py")
    assert at.title[0].value == "المواضيع"
    assert at.text_input(key="topic_search").label == "ابحث في العناوين أو الكلمات المفتاحية"
    at = run_app("views/settings.py")
    assert at.title[0].value == "الإعدادات" and at.button(key="config_save").label == "حفظ"
    assert f"**الملف التعريفي النشط:** {i18n.isolate(PROFILE, 'ar')}" in texts(at)


def test_inline_feed_text_is_isolated_in_arabic_and_untouched_otherwise(seeded_in):
    seeded_in("ar")
    at = run_app()
    caption = next(c.value for c in at.caption if c.value.startswith("حتى "))   # As of …
    assert f"{i18n.FSI}{PROFILE}{i18n.PDI}" in caption


def test_german_profile_gets_german_pages_left_to_right(seeded_in):
    seeded_in("de")
    at = run_app()
    assert at.title[0].value == "Heute"
    assert "Chancen" in [m.label for m in at.metric]
    assert {"Thema öffnen", "Nützlich", "Jetzt aktualisieren"} <= {b.label for b in at.button}
    assert "Warum es wichtig ist" in texts(at)
    assert rtl_styles(at) == []                                       # German runs left to right
    assert FEED_LABEL in texts(at)                                    # feed text as it came
    assert "+150\u00a0%" in [m.value for m in at.metric]             # Babel's German percent
    assert "0,89" in [m.value for m in at.metric]                     # … and decimal comma
    at = run_app("views/shifts.py")
    assert at.title[0].value == "Verschiebungen"
    assert at.radio(key="shift_period").format_func("week") == "Diese Woche gegenüber letzter Woche"


def test_a_profile_language_overrides_the_company(seeded_in):
    """The sidebar's profile decides; one no longer configured falls back to the company's."""
    seeded_in("de", extra='\n[[profiles]]\nname = "Gulf desk"\nlanguage = "ar"\n'
                          '[profiles.company]\nname = "Northwind Gulf"\n')
    at = run_app()
    assert at.title[0].value == "Heute"
    assert lang.profile_language("Gulf desk") == "ar"
    assert lang.profile_language(PROFILE) == "de"
    assert lang.profile_language("a profile no longer configured") == "de"


def test_sign_in_form_speaks_the_company_language(seeded_in):
    url, _config, _info = seeded_in("ar", extra='\n[dashboard]\nauth = "password"\n')
    store = open_store(url)
    add_user(store, "ada", "admin password 1", "admin", datetime.now(UTC))
    store.close()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert at.subheader[0].value == "تسجيل الدخول"
    assert at.text_input(key="sign_in_name").label == "الاسم"
    assert at.text_input(key="sign_in_password").label == "كلمة المرور"
    assert rtl_styles(at) == [lang.RTL_CSS]
    at.text_input(key="sign_in_name").input("ada")
    at.text_input(key="sign_in_password").input("wrong password")
    at.button(key="sign_in_submit").click().run()
    assert [e.value for e in at.error] == ["الاسم أو كلمة المرور غير صحيحة."]


def test_first_run_redraws_when_the_sidebar_profile_speaks_another_language(seeded_in):
    """The company (German) is the default profile, but only the Arabic profile has data,
    so the sidebar picks it: the whole page, navigation included, is drawn in Arabic."""
    _url, config, _info = seeded_in("de")
    text = config.read_text(encoding="utf-8").replace(f'name = "{PROFILE}"', 'name = "Head office"', 1)
    config.write_text(text + f'\n[[profiles]]\nname = "{PROFILE}"\nlanguage = "ar"\n'
                             f'[profiles.company]\nname = "{PROFILE}"\n', encoding="utf-8")
    at = run_app()
    assert at.selectbox(key="profile").value == PROFILE
    assert at.title[0].value == "اليوم"
    assert at.selectbox(key="window").label == "النافذة الزمنية"
    assert rtl_styles(at) == [lang.RTL_CSS]


def test_chart_titles_follow_the_language_and_time_runs_left_to_right():
    import pandas as pd

    from dashboard import charts

    frame = pd.DataFrame({"published_at": pd.to_datetime(["2026-12-01", "2026-12-02"], utc=True),
                          "platform": ["news", "mastodon"]})
    spec = charts.volume_by_platform(frame, "yearmonthdate", "ar").to_dict()
    assert spec["encoding"]["y"]["title"] == "المواد"
    assert spec["encoding"]["color"]["title"] == "المنصة"
    assert charts.volume_by_platform(frame, "yearmonthdate", "de").to_dict()[
        "encoding"]["y"]["title"] == "Beiträge"
    spark = charts.sparkline_spec("emerging", "ar")
    for layer in spark["layer"]:
        assert [t["title"] for t in layer["encoding"]["tooltip"]] == ["من", "المواد", "مصادر مستقلة"]
        # readers of Arabic charts expect time left to right (README): no reversed time scale
        assert "scale" not in layer["encoding"]["x"]
    assert "reverse" not in str(spec["encoding"]["x"])
