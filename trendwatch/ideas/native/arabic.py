"""Drafts in Modern Standard Arabic, written for Arabic-language accounts.

Right to left: every Latin name or phrase placed inside an Arabic sentence (product, company,
outlet, an English headline) is wrapped in FSI…PDI isolates, so it keeps its own order and
the punctuation around it stays with the Arabic sentence. The audience is addressed in the
plural (أنتم), as brand accounts in the region do; counts follow Arabic number agreement
(مصدر واحد، مصدران، 3 مصادر، 11 مصدرًا); quotations use «»; multi-word topics become
underscore hashtags (#الدراجات_الكهربائية), the way Arabic hashtags are written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from trendwatch.ideas.writer import _clip, _sentence, _Writer, number_fact
from trendwatch.present import i18n

STATUS = {"emerging": "تتصاعد بسرعة", "watch": "تستحق المتابعة", "established": "مستقرة",
          "fading": "تتراجع"}


def sources_count(n: int, case: str = "nominative") -> str:
    """"n sources" with Arabic number agreement; ``case`` matters for the dual only."""
    if n == 1:
        return "مصدر واحد"
    if n == 2:
        return "مصدران" if case == "nominative" else "مصدرين"
    if 3 <= n % 100 <= 10:
        return f"{n} مصادر"
    if 11 <= n % 100 <= 99:
        return f"{n} مصدرًا"
    return f"{n} مصدر"


class ArabicWriter(_Writer):
    language = "ar"
    COMMUNITY = "جمهورنا"
    PUBLIC_POST = "منشور عام"
    POST_ON = "منشور على {platform}"
    THE_NEWS = "الأخبار"
    AND = " و"
    QUOTE = ("«", "»")
    FRAME_SHORT_VERSION = "باختصار:"
    FRAME_SOURCES = "المصادر:"
    FRAME_MORE_ABOUT = "المزيد عن {pitch}: {url}"
    FRAME_CAROUSEL = "فكرة لمنشور متعدد الصور:"
    FRAME_LINK_IN_BIO = "الرابط في البايو."
    FRAME_VIDEO = {"tiktok": "🎬 فكرة فيديو تيك توك (20–30 ثانية)",
                   "youtube": "🎬 فكرة مقطع يوتيوب شورتس (20–30 ثانية)"}
    FRAME_ON_SCREEN_HOOK = "العبارة على الشاشة:"
    FRAME_CAPTION = "النص المرافق:"
    FRAME_ON_SCREEN = "على الشاشة:"
    FRAME_SHOW = "المشهد:"
    FRAME_DISCLOSURE = "(إفصاح: نشره فريق {company}.)"
    BULLET = "← "
    COMMA = "، "
    # Arabic X and TikTok posts carry more hashtags than European ones
    TAGS = {"x": 3, "bluesky": 2, "mastodon": 4, "threads": 1, "linkedin": 3, "instagram": 5,
            "tiktok": 5, "facebook": 3, "snapchat": 1, "youtube": 3, "reddit": 0}

    def name(self, text: str) -> str:
        return i18n.isolate(text, "ar")

    def quoted(self, text: str) -> str:
        return i18n.isolate(text, "ar")

    def lower_first(self, text: str) -> str:
        return text

    def then(self, first: str, last: str) -> str:
        return f"{first}، ثم {last}"

    def hashtags(self, tags: Sequence[str]) -> list[str]:
        words = self.ctx.keyphrase.split()
        out = list(tags)
        if len(words) > 1 and not i18n.has_ltr(self.ctx.keyphrase):
            joined = "_".join(re.sub(r"[^\w]", "", w) for w in words)
            if joined.strip("_") and joined.casefold() not in {t.casefold() for t in out}:
                out.insert(0, joined)
        return out[:6]

    def reach(self, case: str = "nominative") -> str:
        if self.n24 >= 2:
            return f"{sources_count(self.n24, case)} خلال الساعات الـ24 الماضية"
        return f"{sources_count(self.nall, case)} حتى الآن"

    def _news_jacking(self) -> dict:
        return dict(
            hook=self.pick(f"بحسب {self.outlet}: {_sentence(self.title)}",
                           f"في الأخبار الآن: {_sentence(self.title)}",
                           f"لحظة مهمة في ملف {self.k}: {_sentence(self.title)}"
                           if self.k_raw.casefold() not in self.title.casefold()
                           else f"خبر يستحق التوقف عنده: {_sentence(self.title)}"),
            context=f"بحسب {self.outlet}: {self.q(self.title)}.",
            why=f"لماذا يهمّ {self.audience}؟ لأن محوره {self.m}، وهو صلب ما صُمّم {self.product} من أجله.",
            cta=self.pick("ما انطباعكم الأول؟", "خبر سار أم أنه تأخر كثيرًا؟",
                          "هل يغيّر هذا شيئًا بالنسبة إليكم؟"),
            screen=_clip(f"{self.k}: ماذا حدث؟", 60),
            shots=["العنوان على الشاشة، يُقرأ في نفَس واحد",
                   f"ردّ فعل سريع: ماذا يعني ذلك بالنسبة إلى {self.audience}",
                   f"{self.product} أثناء الاستخدام، مع ربطه بملف {self.k}"],
        )

    def _educational_explainer(self) -> dict:
        return dict(
            hook=self.pick(f"{self.k} في دقيقة واحدة.",
                           f"ما قصة {self.k}، ولماذا يتحدث عنها الجميع؟",
                           f"{self.k} ببساطة: الخلاصة في سطور."),
            context=f"ملف {self.k} في صدارة الأخبار ({self.reach()}؛ وآخرها من {self.outlet}: "
                    f"{self.q(self.title)}).",
            why=f"ما يجب أن يعرفه {self.audience}: ما الذي تغيّر، ومن يتأثر، وما الخطوة التالية.",
            bullets=[f"ما الذي حدث: {self.title} ({self.outlet})", f"من يتأثر: {self.audience}",
                     f"لماذا يهمّنا: لأنه يمسّ {self.m}، وهو جوهر {self.product}"],
            cta=self.pick("ما الموضوع الذي تريدون أن نشرحه في المرة القادمة؟",
                          f"هل بقي شيء غير واضح حول {self.k}؟"),
            screen=_clip(f"{self.k} في 60 ثانية", 60),
            shots=["بطاقة عنوان تطرح السؤال", "ثلاث معلومات سريعة، لكل لقطة معلومة",
                   f"الختام مع {self.product}: ماذا يعني لكم"],
        )

    def _opinion_hot_take(self) -> dict:
        opener = "رأي جريء" if (self.playful or self.bold) else "رأينا"
        return dict(
            hook=self.pick(f"{opener}: ملف {self.k} يهمّ {self.audience} أكثر مما توحي به العناوين.",
                           f"{opener}: ملف {self.k} لم يعد شأنًا هامشيًا.",
                           f"{opener}: على {self.audience} متابعة ملف {self.k} عن كثب هذا الشهر."),
            context=f"ملف {self.k} حاضر في كل مكان الآن ({self.reach()}). وهذا موقفنا.",
            why=f"نطوّر {self.product} من أجل {self.audience}، وموضوع {self.m} هو أول ما نرى فيه أثر ذلك.",
            cta=self.pick("توافقوننا أم نحن مخطئون؟", "ما موقفكم أنتم؟", "أقنعونا بالعكس."),
            screen=_clip(f"{opener}: {self.k}", 60),
            shots=["مواجهة الكاميرا: الرأي في جملة واحدة", "عنوان خبر على الشاشة دليلًا",
                   "دعوة المشاهدين إلى مشاركة رأيهم في التعليقات"],
        )

    def _data_point(self) -> dict | None:
        fact = number_fact(self.sources)
        link = None
        if fact:
            quote, number, source = fact
            link = source.url
            outlet = self.source_name(source)
            stat = f"{self.q(self.quoted(quote))} ({outlet})"
            screen = _clip(f"{number}: {self.k}", 60)
        elif self.nall >= 3:
            stat = f"بلغت تغطية ملف {self.k} {self.reach('accusative')}"
            screen = _clip(f"{sources_count(self.nall)}: {self.k}", 60)
        else:
            return None
        return dict(
            link=link,
            hook=_sentence(self.pick(f"بالأرقام: {stat}", f"رقم واحد عن {self.k}: {stat}")),
            context=_sentence(stat),
            why=f"لماذا يهمّ ذلك {self.audience}؟ أرقام كهذه تنقل {self.m} من الهامش إلى الحياة اليومية.",
            cta=self.pick("هل فاجأكم هذا الرقم؟", "أعلى أم أقل مما توقعتم؟"),
            screen=screen,
            shots=["الرقم بخط كبير على الشاشة", "من أين جاء: عنوان الخبر",
                   f"ماذا يعني بالنسبة إلى {self.audience}"],
        )

    def _customer_question(self) -> dict:
        return dict(
            hook=self.pick(f"{self.q(f'ماذا يعني ملف {self.k} بالنسبة إليّ؟')} إليكم جوابنا.",
                           f"إن كنتم تتساءلون عمّا يغيّره ملف {self.k} في حياتكم، فهذا المنشور لكم.",
                           f"سؤال الأسبوع: هل يستحق ملف {self.k} الاهتمام؟"),
            context=f"ملف {self.k} يتكرر كثيرًا (وآخره من {self.outlet}: {self.q(self.title)}).",
            why=f"الجواب الصريح: يعتمد ذلك على مكان {self.m} في يومكم. وهكذا نفكر فيه مع {self.product}.",
            cta=f"ماذا تريدون أن تعرفوا أيضًا عن {self.k}؟ اسألونا في التعليقات.",
            screen=_clip(f"هل يمسّني ملف {self.k}؟", 60),
            shots=["السؤال على الشاشة", "الجواب في ثلاثة أسطر قصيرة", f"أين يأتي دور {self.product}"],
        )

    def _behind_the_scenes(self) -> dict:
        return dict(
            hook=self.pick(f"من كواليس {self.company}: كيف نقرأ أخبار {self.k}.",
                           f"نظرة من داخل {self.company}: ماذا يعني ملف {self.k} لطريقة عملنا "
                           f"على {self.product}."),
            context=f"نتابع أخبارًا كهذه عن كثب ({self.outlet}: {self.q(self.title)})، لأن {self.m} "
                    f"في صميم {self.product}.",
            why="إليكم ما نراقبه، ولماذا.",
            cta="هل تريدون المزيد من الكواليس؟",
            screen=_clip(f"كيف نفكر في ملف {self.k}", 60),
            shots=["أحد أعضاء الفريق أثناء العمل، والعنوان تعليقًا على الصورة",
                   "ملاحظات على اللوح: ما الذي نراقبه", f"لقطة قريبة: {self.product}"],
        )

    def _myth_busting(self) -> dict:
        return dict(
            hook=self.pick(f"بين الشائع والحقيقة: {self.k}.",
                           f"{self.k}: ما الذي أصابت فيه العناوين، وما الذي فاتها."),
            context=f"مع {self.reach('genitive')} عن ملف {self.k}، من السهل الخلط بين العنوان والتفاصيل.",
            why=f"ما يهمّ {self.audience}: النظر إلى ما وراء العنوان، إلى {self.m}.",
            cta=f"ما الخرافة التي تسمعونها دائمًا عن {self.k}؟",
            screen=_clip(f"خرافة أم حقيقة؟ {self.k}", 60),
            shots=["الخرافة على الشاشة", "الحقيقة، مع المصدر على الشاشة",
                   f"ماذا يعني ذلك بالنسبة إلى {self.audience}"],
        )

    def _prediction(self) -> dict:
        status = STATUS.get(self.ctx.status, "مستمرة")
        return dict(
            hook=self.pick(f"توقّعنا: سيشعر {self.audience} بأثر ملف {self.k} أسرع مما يتوقع كثيرون.",
                           f"إلى أين يتجه ملف {self.k}؟ هذا رهاننا.",
                           f"تذكّروا كلامنا: ملف {self.k} ما زال في بدايته."),
            context=f"ملف {self.k}: {self.reach()}، والتغطية {status}.",
            why=f"رهاننا: سيلمس {self.audience} ذلك من خلال {self.m}، ونحن نطوّر {self.product} "
                "على هذا الأساس.",
            cta=self.pick("إلى أين تعتقدون أن الأمور ستتجه؟", "هل تراهنون معنا؟"),
            screen=_clip(f"توقّعنا: {self.k}", 60),
            shots=["التوقّع بخط عريض على الشاشة", "الإشارة: عناوين تتوالى", "السؤال: توافقون أم لا؟"],
        )
