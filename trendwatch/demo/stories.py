"""What happens in the demo week: the stories, how they rise and fade, and their words.

All written for this project. Brands, cities, outlets and people are fictional so the
sample never puts invented news in the mouth of a real company. Templates use
``{slot}`` placeholders filled per item from ``SLOTS`` (one consistent choice per item).

A topic's ``profile`` has one weight per half day, oldest first: 14 bins for the week,
bin 13 being the last twelve hours before "now".
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Lang:
    headlines: tuple[str, ...]
    sentences: tuple[str, ...]
    posts: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()   # what posts in this language tag (default: the topic's)


@dataclass(frozen=True)
class Wire:
    """One wire story published by the wire service and republished by ``copies`` outlets."""

    title: str
    body: str
    bin: int                       # half-day bin of the original
    copies: int
    headlines: tuple[str, ...]     # the republishers' own headlines
    lang: str = "en"               # the wire service and its republishers write in it


@dataclass(frozen=True)
class Topic:
    key: str
    profile: tuple[float, ...]     # 14 half-day weights, oldest first
    news: int                      # own write-ups over the week (wire copies come on top)
    social: int                    # social posts over the week
    beats: tuple[str, ...]         # outlet beats that cover it
    en: Lang
    hashtags: tuple[str, ...] = ()
    de: Lang | None = None
    ar: Lang | None = None
    wire: Wire | None = None
    reddit: tuple[str, ...] = ()   # post titles for Reddit / Hacker News
    subreddits: tuple[str, ...] = ("ebikes",)
    searches: tuple[tuple[str, int], ...] = ()   # Google Trends terms and peak traffic
    platforms: dict[str, float] = field(default_factory=dict)  # social platform mix override
    # the languages of its posts on Mastodon, Bluesky and X, when not mostly English
    social_langs: dict[str, float] = field(default_factory=dict)
    # own write-ups per language, when a story is not spread over its outlets by their weight
    news_by_lang: dict[str, int] = field(default_factory=dict)


FLAT = (1.0,) * 14

SLOTS: dict[str, tuple[str, ...]] = {
    "brand": ("Voltaro", "Kestrel Bikes", "Urbanix", "Lumen Cycles", "Tandem & Co", "Brisa",
              "Fjordline", "Ampere Works"),
    "city": ("Harbourton", "Eastvale", "Kelbridge", "Marlow Bay", "Northgate", "Ashford Hill",
             "Port Allen", "Westerholm"),
    "stadt": ("Hafenau", "Lindenfeld", "Bergstedt", "Altwasser"),
    "madina": ("الواحة", "النخيل", "الساحل", "المرفأ"),
    "marka": ("فولتارو", "كيستريل", "أوربانيكس", "لومن", "برايزا"),
    "shahr": ("مارس", "أبريل", "يونيو", "سبتمبر"),
    "n": ("12", "18", "25", "40", "60"),
    "km": ("14", "22", "35", "48"),
    "euro": ("500", "800", "1,000", "1,500"),
    "pct": ("8", "12", "17", "23", "31"),
    "month": ("March", "April", "June", "September"),
    "model": ("Flowline 2", "Metro S", "Cargo One", "Trail 7", "City Fold", "Courier XL"),
}

# ---------------------------------------------------------------------------
# the four stories the demo is about

BATTERY_SWAP = Topic(
    key="battery-swap-standard",
    profile=(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.25, 0.8, 1.0),
    news=60, social=170, beats=("industry", "fleet", "city", "de", "ar"),
    hashtags=("BatterySwap", "SwapLink", "ebike", "micromobility"),
    en=Lang(
        headlines=(
            "E-bike makers agree on an open standard for swappable batteries",
            "SwapLink: {n} brands sign up to one swappable e-bike battery",
            "One battery for every e-bike? The new swap standard explained",
            "{brand} joins the open battery swap standard",
            "Swappable battery standard could end charger chaos for riders",
            "Battery swap stations to open in {city} under new industry standard",
            "What the swappable battery standard means for fleet operators",
            "Analysis: why the battery swap alliance matters more than the bikes",
            "Riders welcome common e-bike battery, retailers ask about stock",
            "Open swap standard sets connector, voltage and locking design",
            "Fleet operators line up behind the shared battery swap format",
            "Swap standard: first compatible packs due in {month}",
        ),
        sentences=(
            "A group of {n} e-bike makers has agreed on SwapLink, an open standard for swappable batteries.",
            "The standard fixes the connector, the 48-volt pack voltage and the locking rail, so one pack fits bikes from different brands.",
            "Swap stations in {city} will let riders exchange an empty battery for a charged one in under a minute.",
            "{brand} said its {model} will ship with a SwapLink-compatible battery from {month}.",
            "Fleet operators expect the shared battery format to cut charging downtime by around {pct} percent.",
            "Retailers welcomed the move but asked how long existing batteries would stay supported.",
            "The battery swap alliance says the specification will be free to use for any manufacturer.",
            "Analysts call the swappable battery standard the biggest change for e-bikes since the hub motor.",
            "Delivery fleets in {city} plan to test battery swap lockers next to their depots.",
            "Critics note that earlier battery standards failed because large brands stayed out.",
        ),
        posts=(
            "Finally a swappable battery standard for e-bikes. One pack for every bike would be huge {tags}",
            "If SwapLink really works across brands, battery anxiety on my commute is over {tags}",
            "Battery swap stations in {city}? Sign me up. Charging in the office stairwell is not fun {tags}",
            "Hot take: the open battery standard matters more than any new e-bike this year {tags}",
            "Our delivery fleet loses hours a day to charging. A shared swap battery changes the maths {tags}",
            "{brand} joining the battery swap standard is the surprise of the week {tags}",
            "Reading the swappable battery spec: 48 V, common connector, locking rail. Sensible choices {tags}",
            "Will my current e-bike get a SwapLink adapter? That is the question nobody answers yet {tags}",
            "Swap a battery in under a minute like a vending machine. The future of city e-bikes {tags}",
            "Standards are boring until they are not. Swappable e-bike batteries are a big deal {tags}",
            "So the swappable battery standard is real now. Curious which brands hold out {tags}",
            "My e-bike battery is five years old. A common swappable pack would be a relief {tags}",
            "The swap standard news is everywhere today and for once the hype seems earned {tags}",
            "Charging at work is banned in our building. Battery swap stations would fix my commute {tags}",
            "Shared battery format for e-bikes: good for riders, scary for battery resellers {tags}",
            "{n} brands on one battery standard. Did not expect the bike industry to agree on anything {tags}",
            "Swappable battery packs plus {city} swap lockers might finally sell me an e-bike {tags}",
            "As a fleet manager the open battery standard is the news of the year for us {tags}",
            "Read the battery swap standard FAQ. Old bikes need an adapter, new ones just click in {tags}",
            "E-bike battery standard: what happens to the bikes already on the road? {tags}",
            "A battery you can swap at a kiosk. E-bikes just got a lot more practical {tags}",
            "Every bike shop I know is talking about the swappable battery standard this morning {tags}",
            "The e-bike battery standard means I can stop carrying a charger around {tags}",
            "Rental e-bikes with swap batteries in {city}, sounds like the end of dead batteries {tags}",
        ),
    ),
    de=Lang(
        headlines=(
            "Hersteller einigen sich auf offenen Standard für Wechselakkus",
            "Ein Akku für alle E-Bikes: Was der neue Tauschstandard bedeutet",
            "Akkutausch-Stationen sollen in {stadt} starten",
        ),
        sentences=(
            "{n} E-Bike-Hersteller haben sich auf SwapLink geeinigt, einen offenen Standard für Wechselakkus.",
            "Der Standard legt Stecker, Spannung und Verriegelung fest, damit ein Akku in Rädern verschiedener Marken passt.",
            "An Stationen in {stadt} sollen Fahrer einen leeren Akku in weniger als einer Minute gegen einen vollen tauschen.",
            "Flottenbetreiber erwarten deutlich kürzere Ladezeiten für ihre Lieferräder.",
        ),
        posts=(
            "Endlich ein gemeinsamer Wechselakku für E-Bikes. Das wird den Alltag verändern {tags}",
            "Akkutausch in einer Minute an der Station in {stadt}? Klingt zu gut, um wahr zu sein {tags}",
        ),
    ),
    ar=Lang(
        headlines=(
            "مصنعو الدراجات الكهربائية يتفقون على معيار مفتوح للبطاريات القابلة للتبديل",
            "بطارية واحدة لكل الدراجات الكهربائية: ماذا يعني المعيار الجديد؟",
            "{n} علامة تجارية تنضم إلى معيار سواب لينك لبطاريات الدراجات الكهربائية",
            "محطات لتبديل بطاريات الدراجات الكهربائية في {madina} وفق المعيار الجديد",
            "{marka} تنضم إلى المعيار المفتوح لتبديل البطاريات",
            "ما الذي يعنيه معيار البطاريات الموحد لشركات التوصيل؟",
            "أول بطاريات متوافقة مع معيار التبديل الموحد تصل في {shahr}",
            "تحليل: لماذا يهم تحالف تبديل البطاريات أكثر من الدراجات نفسها",
        ),
        sentences=(
            "اتفقت مجموعة من {n} مصنعا للدراجات الكهربائية على معيار مفتوح للبطاريات القابلة للتبديل يحمل اسم سواب لينك.",
            "يحدد المعيار الموصل والجهد وطريقة القفل حتى تناسب البطارية دراجات من علامات مختلفة.",
            "ستتيح محطات التبديل في مدينة {madina} استبدال البطارية الفارغة بأخرى مشحونة في أقل من دقيقة.",
            "قالت شركة {marka} إن طرازاتها الجديدة ستأتي ببطارية متوافقة مع المعيار اعتبارا من {shahr}.",
            "يتوقع مشغلو الأساطيل أن يخفض المعيار الموحد وقت الشحن بنحو {pct} في المئة.",
            "رحب تجار التجزئة بالخطوة، لكنهم تساءلوا عن مدة دعم البطاريات الحالية.",
            "يؤكد التحالف أن المواصفات ستكون متاحة مجانا لأي مصنع يرغب في استخدامها.",
            "يرى محللون أن معيار البطاريات القابلة للتبديل أكبر تحول في سوق الدراجات الكهربائية منذ سنوات.",
        ),
        posts=(
            "معيار موحد لبطاريات الدراجات الكهربائية خبر رائع للتنقل في المدن {tags}",
            "بطارية واحدة تناسب كل الدراجات؟ إذا نجح سواب لينك فانتهى قلق الشحن {tags}",
            "محطات تبديل البطاريات في {madina} ستغير طريقة تنقلي إلى العمل {tags}",
            "الشحن في مواقف المكتب ممنوع عندنا، وتبديل البطارية في دقيقة هو الحل {tags}",
            "مندوبو التوصيل أكثر المستفيدين من البطارية الموحدة، لا انتظار للشحن بعد اليوم {tags}",
            "هل ستحصل دراجتي الحالية على محول للمعيار الجديد؟ هذا هو السؤال {tags}",
        ),
        hashtags=("تبديل_البطاريات", "الدراجات_الكهربائية"),
    ),
    wire=Wire(
        title="E-bike industry unveils open standard for swappable batteries",
        body=("A coalition of e-bike manufacturers on Tuesday presented SwapLink, an open standard for "
              "swappable e-bike batteries that fixes the connector, a 48-volt pack voltage and a common "
              "locking rail. Members said the first compatible packs and public swap stations would "
              "arrive within months, and that the specification would be free for any maker to use. "
              "Fleet operators and delivery companies, who lose hours each day to charging, were among "
              "the first to back the plan."),
        bin=12, copies=5,
        headlines=(
            "Open battery standard for e-bikes unveiled",
            "Industry coalition presents swappable e-bike battery standard",
            "E-bike makers back common swappable battery",
            "New standard promises one battery across e-bike brands",
            "Swappable e-bike batteries get an industry-wide standard",
        ),
    ),
    reddit=(
        "Open standard for swappable e-bike batteries announced. Thoughts?",
        "SwapLink battery standard: will existing bikes get adapters?",
        "Battery swap stations coming to my city, anyone tried one?",
        "E-bike makers agree on a common swappable battery format",
    ),
    subreddits=("ebikes", "bikecommuting", "CargoBike"),
    searches=(("battery swap standard", 20000), ("swaplink battery", 5000)),
)

CARGO_SUBSIDY = Topic(
    key="cargo-bike-subsidy",
    profile=(0, 0, 0, 0, 0.15, 0.35, 0.6, 0.85, 1.0, 0.95, 0.7, 0.45, 0.3, 0.2),
    news=64, social=130, beats=("city", "fleet", "industry", "de"),
    hashtags=("cargobike", "lastmile", "CargoBikeSubsidy"),
    en=Lang(
        headlines=(
            "{city} to pay up to {euro} euros towards a cargo bike",
            "Cargo bike subsidy: {city} opens applications for families and shops",
            "City cargo bike grants spread as {city} follows {city2}",
            "Small businesses rush to claim {city}'s cargo bike subsidy",
            "How the new cargo bike subsidy works, and who can apply",
            "Delivery firms ask for fleet rules in city cargo bike grants",
            "Cargo bike subsidy budget in {city} used up in {n} days",
            "Bakeries, plumbers and parents: who buys a subsidised cargo bike",
            "{city} council doubles its cargo bike grant after strong demand",
            "Retailers report cargo bike sales jump after city subsidy",
        ),
        sentences=(
            "The city of {city} will pay up to {euro} euros towards an electric cargo bike for households and small businesses.",
            "Applications for the cargo bike subsidy opened on Monday and more than {n}00 were filed in the first week.",
            "The grant covers {pct} percent of the price of a new cargo bike, capped per applicant.",
            "Delivery companies want the cargo bike programme extended to fleets of more than five bikes.",
            "Bike shops in {city} report waiting lists for family cargo bikes since the subsidy was announced.",
            "Officials say each subsidised cargo bike replaces several short car trips in the city centre.",
            "The scheme follows a similar cargo bike grant in {city2} that ran out of money within weeks.",
            "Last mile logistics firms see the subsidy as a chance to move parcels off vans.",
        ),
        posts=(
            "Just applied for the {city} cargo bike subsidy. {euro} euros off makes the school run bike real {tags}",
            "Our bakery got the cargo bike grant. Deliveries by bike from next month {tags}",
            "Cargo bike subsidies are the best value transport policy around. More cities please {tags}",
            "The {city} cargo bike money is gone in days. Demand is clearly there {tags}",
            "Fleet operators should be allowed into the cargo bike subsidy, last mile needs it most {tags}",
            "Test rode three cargo bikes this weekend thanks to the subsidy buzz. Long tail wins {tags}",
            "If your city offers a cargo bike grant, apply early. Budgets run out fast {tags}",
        ),
    ),
    de=Lang(
        headlines=(
            "{stadt} fördert Lastenräder mit bis zu {euro} Euro",
            "Lastenrad-Förderung: Anträge in {stadt} übertreffen Erwartungen",
        ),
        sentences=(
            "Die Stadt {stadt} zahlt Haushalten und kleinen Betrieben bis zu {euro} Euro für ein elektrisches Lastenrad.",
            "Lieferdienste fordern, dass auch Flotten die Lastenrad-Förderung nutzen dürfen.",
            "Fahrradhändler berichten von Wartelisten für Familien-Lastenräder.",
        ),
        posts=(
            "Antrag für die Lastenrad-Förderung in {stadt} ist raus. Daumen drücken {tags}",
        ),
    ),
    wire=Wire(
        title="Cities turn to cargo bike subsidies to cut delivery traffic",
        body=("A growing number of cities are paying residents and small businesses to buy electric "
              "cargo bikes, hoping to take vans and short car trips off crowded streets. The newest "
              "schemes cover up to a third of the price of a cargo bike and have drawn thousands of "
              "applications within days, while delivery companies are lobbying for the grants to be "
              "opened to commercial fleets."),
        bin=8, copies=4,
        headlines=(
            "Cargo bike grants spread across cities",
            "Cities pay residents to swap car trips for cargo bikes",
            "Subsidised cargo bikes take on delivery vans",
            "Demand for city cargo bike subsidies surges",
        ),
    ),
    reddit=(
        "My city just launched a cargo bike subsidy, which bike should I get?",
        "Cargo bike grant ran out in days. Anyone here get in?",
        "Subsidy covers a third of a cargo bike. Long tail or box bike for two kids?",
    ),
    subreddits=("CargoBike", "bikecommuting"),
    searches=(("cargo bike subsidy", 10000), ("lastenrad förderung", 2000)),
)

BIKE_LANES = Topic(
    key="bike-lane-expansion",
    profile=(0.9, 0.6, 1.0, 0.7, 0.8, 0.6, 1.0, 0.7, 0.9, 0.6, 0.8, 0.7, 1.0, 0.6),
    news=58, social=80, beats=("city", "industry", "de", "ar"),
    hashtags=("bikelanes", "cycling", "SafeStreets"),
    en=Lang(
        headlines=(
            "{city} adds {km} km of protected bike lanes",
            "Protected bike lane network in {city} reaches the harbour",
            "Bike lane expansion: {city} publishes its next five routes",
            "Commuters switch to bikes as {city} widens cycle lanes",
            "Bike counters show {pct} percent more riders on {city}'s new lanes",
            "Painted lines or kerbs? The debate over bike lane design in {city}",
            "Shops along new {city} bike lane report steady trade",
        ),
        sentences=(
            "{city} will add {km} kilometres of protected bike lanes over the next two years.",
            "The new cycle lanes are separated from traffic by kerbs and planters rather than paint.",
            "Bike counters on the first completed route recorded {pct} percent more riders than a year ago.",
            "Local shops feared losing parking but report steady trade since the bike lane opened.",
            "The city says the network will connect every district to the centre by bike.",
            "Cycling groups asked for safer junctions where the bike lanes cross main roads.",
        ),
        posts=(
            "New protected bike lane on my commute in {city}. Twelve minutes faster and no close passes {tags}",
            "Counted {n} bikes at the red light this morning. Build the lanes and people ride {tags}",
            "Kerb-separated bike lanes beat paint every single time {tags}",
            "The {city} bike lane extension finally reaches the station. Good day {tags}",
            "Parents riding kids to school on the new cycle lane. This is what success looks like {tags}",
        ),
    ),
    de=Lang(
        headlines=("{stadt} baut Radwegenetz um {km} Kilometer aus",),
        sentences=(
            "{stadt} baut in den nächsten zwei Jahren {km} Kilometer geschützte Radwege.",
            "Zählstellen zeigen deutlich mehr Radverkehr auf den neuen Strecken.",
        ),
    ),
    ar=Lang(
        headlines=(
            "مدينة {madina} توسع شبكة مسارات الدراجات الهوائية",
            "مسارات جديدة للدراجات تربط الأحياء بوسط المدينة",
            "{madina} تضيف {km} كيلومترا من مسارات الدراجات المحمية",
            "عدادات الدراجات تسجل زيادة {pct} في المئة على المسارات الجديدة في {madina}",
        ),
        sentences=(
            "أعلنت بلدية {madina} عن إضافة {km} كيلومترا من مسارات الدراجات المحمية.",
            "تفصل الحواجز المسارات الجديدة عن حركة السيارات لزيادة سلامة الدراجين.",
            "يتوقع المسؤولون أن يزداد عدد مستخدمي الدراجات في التنقل اليومي.",
            "سجلت عدادات الدراجات على أول مسار مكتمل زيادة بنسبة {pct} في المئة مقارنة بالعام الماضي.",
            "تزرع البلدية أشجارا على جانبي المسارات لتوفير الظل في أشهر الصيف.",
        ),
        posts=(
            "مسار الدراجات الجديد في {madina} غيّر طريقي إلى العمل {tags}",
            "مسار محمي بحواجز حقيقية وليس مجرد خطوط مرسومة، هكذا تكون المدن {tags}",
            "أوصلت أطفالي إلى المدرسة على مسار الدراجات الجديد في {madina} لأول مرة {tags}",
        ),
        hashtags=("مسارات_الدراجات", "الدراجات"),
    ),
    reddit=(
        "New protected bike lane opened on my commute, huge difference",
        "Our city published the next five bike lane routes",
    ),
    subreddits=("bikecommuting", "ebikes"),
)

CHARGER_RECALL = Topic(
    key="charger-recall",
    profile=(1.0, 0.9, 0.7, 0.45, 0.25, 0.12, 0.05, 0.03, 0, 0, 0, 0, 0, 0),
    news=44, social=70, beats=("industry", "fleet", "de"),
    hashtags=("recall", "ebike", "BatterySafety"),
    en=Lang(
        headlines=(
            "Voltaro recalls {n},000 e-bike chargers over overheating risk",
            "E-bike charger recall: how to check if yours is affected",
            "Voltaro charger recall widens to the {model}",
            "Owners queue for replacement chargers after Voltaro recall",
            "What the Voltaro recall teaches about e-bike charging safety",
        ),
        sentences=(
            "Voltaro is recalling {n},000 e-bike chargers after reports that they can overheat while charging.",
            "Owners should stop using the affected charger and check the serial number on the recall page.",
            "The company says replacement chargers will be shipped free of charge within two weeks.",
            "The recall covers chargers sold with the {model} between January and {month}.",
            "Safety experts advise charging e-bike batteries on a hard surface and never overnight unattended.",
        ),
        posts=(
            "Checked my Voltaro charger serial, it is in the recall. Swap requested {tags}",
            "Reminder after the Voltaro charger recall: charge on a hard surface, not overnight {tags}",
            "Two weeks for a replacement charger means two weeks without my e-bike. Not great {tags}",
            "Good that Voltaro recalled the chargers quickly. Check your serial numbers {tags}",
        ),
    ),
    de=Lang(
        headlines=("Rückruf: Voltaro ruft E-Bike-Ladegeräte zurück",),
        sentences=(
            "Voltaro ruft {n}.000 Ladegeräte zurück, weil sie beim Laden überhitzen können.",
            "Besitzer sollen das Ladegerät nicht mehr verwenden und die Seriennummer prüfen.",
        ),
    ),
    wire=Wire(
        title="Voltaro recalls e-bike chargers after overheating reports",
        body=("Voltaro is recalling tens of thousands of e-bike chargers after customers reported units "
              "overheating during charging. The company told owners to stop using the affected "
              "chargers, check the serial number on its website and order a free replacement, which "
              "it expects to ship within two weeks. No injuries have been reported."),
        bin=0, copies=4,
        headlines=(
            "Voltaro issues e-bike charger recall",
            "E-bike charger recall over overheating risk",
            "Voltaro tells owners to stop using chargers",
            "Overheating chargers prompt Voltaro recall",
        ),
    ),
    reddit=("Voltaro charger recall, is the Metro S affected?", "Got my replacement Voltaro charger"),
    searches=(("voltaro recall", 8000),),
)

# ---------------------------------------------------------------------------
# the Gulf market: what the Arabic profile (Northwind Gulf) watches. Al Waha and Al Nakheel
# are invented cities like the rest.

# one story in two languages: the Arabic press covers the launch widely and a few English
# outlets pick it up, so one topic should hold both (the multilingual model puts the reports
# together). Why so few English reports: USE puts an English report and its Arabic translation
# at cosine ~0.6-0.7 but same-language reports at ~0.8, so two large halves of a story form
# two clusters whose centroids stay under the 0.8 merge line; a few reports in the other
# language (fewer than a cluster's minimum size, 6 here) join the story's cluster as their
# nearest one, and with 5 English to 22 Arabic reports they pass the 10 % at which a topic
# lists a language (analysis/label.py MIN_LANG_SHARE).
WAHA_BIKE_SHARE = Topic(
    key="waha-bike-share",
    profile=(0, 0, 0, 0, 0, 0, 0.1, 0.3, 0.6, 0.9, 1.0, 0.9, 0.7, 0.6),
    news=27, social=60, beats=("gulf", "ar"), news_by_lang={"ar": 22, "en": 5},
    hashtags=("WahaRide", "bikeshare"),
    # (the English words stay clear of the Google News and GDELT queries: a search copy of
    # each report would double the English side)
    en=Lang(
        headlines=(
            "Al Waha launches WahaRide, a city-wide electric bike share with {n}00 bikes",
            "WahaRide: Gulf city Al Waha bets on shared electric bikes and shaded docking stations",
            "WahaRide electric bike share opens {n} stations along the Al Waha corniche",
            "Electric bike sharing arrives in Al Waha: first thirty minutes free on WahaRide",
            "Why Al Waha's WahaRide electric bike share is built for 45-degree summers",
            "WahaRide electric bike share logs {n},000 rides in its first days in Al Waha",
        ),
        sentences=(
            "The municipality of Al Waha has launched WahaRide, a city-wide electric bike sharing service with {n}00 bikes.",
            "The WahaRide docking stations are shaded and charge the electric bikes from solar panels on their roofs.",
            "The first {n} WahaRide stations line the corniche, the university and the metro stations.",
            "Riders unlock an electric bike with the WahaRide app, and the first thirty minutes of every ride are free.",
            "Officials expect the shared electric bikes to replace short car trips in the centre of Al Waha.",
            "WahaRide runs through the night in summer, when daytime temperatures pass 45 degrees.",
        ),
    ),
    # the Gulf's Arabic press writes the service's own name in Latin letters, as it does for
    # most brands and apps
    ar=Lang(
        headlines=(
            "الواحة تطلق WahaRide لمشاركة الدراجات الكهربائية بـ{n}00 دراجة",
            "WahaRide: مدينة الواحة تراهن على الدراجات الكهربائية المشتركة ومحطات مظللة",
            "خدمة WahaRide لمشاركة الدراجات الكهربائية تفتتح {n} محطة على كورنيش الواحة",
            "انطلاق مشاركة الدراجات الكهربائية في الواحة: الدقائق الثلاثون الأولى مجانا في WahaRide",
            "لماذا صممت خدمة WahaRide للدراجات الكهربائية في الواحة لصيف حرارته 45 درجة",
            "خدمة WahaRide للدراجات الكهربائية تسجل {n} ألف رحلة في أيامها الأولى في الواحة",
        ),
        sentences=(
            "أطلقت بلدية الواحة خدمة WahaRide لمشاركة الدراجات الكهربائية في أنحاء المدينة بـ{n}00 دراجة.",
            "تعلو محطات WahaRide مظلات تشحن بطاريات الدراجات الكهربائية من ألواح شمسية على أسطحها.",
            "تنتشر محطات WahaRide الأولى وعددها {n} محطة على الكورنيش وقرب الجامعة ومحطات المترو.",
            "يفتح المستخدم الدراجة الكهربائية عبر تطبيق WahaRide، والدقائق الثلاثون الأولى من كل رحلة مجانية.",
            "يتوقع المسؤولون أن تحل الدراجات الكهربائية المشتركة محل الرحلات القصيرة بالسيارة في وسط الواحة.",
            "تعمل خدمة WahaRide طوال الليل في الصيف حين تتجاوز درجات الحرارة نهارا 45 درجة.",
        ),
        posts=(
            "جربت اليوم دراجات WahaRide الكهربائية على كورنيش الواحة، والمحطات المظللة فكرة ذكية {tags}",
            "أخيرا دراجات كهربائية مشتركة في الواحة مع WahaRide! المشوار من المترو إلى الجامعة صار عشر دقائق {tags}",
            "الدقائق الثلاثون الأولى مجانا في WahaRide؟ بداية ممتازة لمشاركة الدراجات في الواحة {tags}",
            "ركوب دراجات WahaRide ليلا على كورنيش الواحة بعد أن تهدأ الحرارة تجربة رائعة {tags}",
            "نتمنى أن تصل محطات WahaRide للدراجات الكهربائية إلى الأحياء السكنية في الواحة قريبا {tags}",
            "{n}00 دراجة كهربائية من WahaRide في الواحة بداية جيدة، والأهم الآن مسارات آمنة {tags}",
        ),
        hashtags=("WahaRide", "الدراجات_الكهربائية", "الواحة"),
    ),
    platforms={"mastodon": 0.35, "bluesky": 0.3, "x": 0.35},
    social_langs={"ar": 1.0},
)

# reported in Arabic only, rising in the last day and a half: what the Arabic profile should
# see emerge (a municipal rule that moves delivery riders onto e-bikes)
NAKHEEL_DELIVERY = Topic(
    key="nakheel-delivery-ebikes",
    profile=(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.3, 0.85, 1.0),
    news=34, social=80, beats=("ar",),
    en=Lang(headlines=(), sentences=()),
    ar=Lang(
        headlines=(
            "بلدية النخيل تلزم تطبيقات التوصيل بالدراجات الكهربائية داخل الأحياء السكنية",
            "شركات التوصيل في النخيل تستبدل الدراجات النارية بدراجات كهربائية",
            "مهلة ستة أشهر لتحويل أساطيل التوصيل في النخيل إلى الدراجات الكهربائية",
            "ما الذي يعنيه قرار الدراجات الكهربائية لمندوبي التوصيل؟",
            "تطبيقات التوصيل تعلن طلب {n}00 دراجة كهربائية لمندوبيها",
            "محطات شحن واستراحة مكيفة لمندوبي التوصيل على الدراجات الكهربائية",
            "قرار النخيل يفتح سوقا جديدة لتأجير الدراجات الكهربائية للمندوبين",
            "مندوبو التوصيل يسألون: من يتحمل تكلفة الدراجة الكهربائية؟",
        ),
        sentences=(
            "أعلنت بلدية النخيل أن توصيل الطلبات داخل الأحياء السكنية سيتم بالدراجات الكهربائية فقط اعتبارا من {shahr}.",
            "يهدف القرار إلى خفض الضجيج والانبعاثات وتقليل الحوادث في الشوارع الداخلية.",
            "أمام شركات التوصيل ستة أشهر لتحويل أساطيلها، مع استثناء الطلبات بين المدن.",
            "قالت إحدى شركات التوصيل إنها طلبت {n}00 دراجة كهربائية وستوفر بطاريات احتياطية لمندوبيها.",
            "ستنشئ البلدية محطات استراحة مكيفة مزودة بنقاط شحن على الطرق الرئيسية.",
            "يطالب المندوبون بأن تتحمل الشركات تكلفة الدراجات أو تقدم اشتراكات شهرية ميسرة.",
            "يتوقع محللون أن ينمو الطلب على تأجير الدراجات الكهربائية بنسبة {pct} في المئة هذا العام.",
            "تقطع دراجة التوصيل الكهربائية نحو {km} كيلومترا بالشحنة الواحدة في حر الصيف.",
        ),
        posts=(
            "قرار بلدية النخيل بالدراجات الكهربائية للتوصيل خطوة ممتازة، الأحياء ستكون أهدأ بكثير {tags}",
            "أعمل مندوب توصيل منذ ثلاث سنوات، والسؤال الآن: من يدفع ثمن الدراجة الكهربائية؟ {tags}",
            "محطات استراحة مكيفة لمندوبي التوصيل؟ هذا أهم ما في قرار النخيل {tags}",
            "بطارية الدراجة الكهربائية في حر الصيف تحتاج عناية، نتمنى أن توفر الشركات بطاريات احتياطية {tags}",
            "هل تكفي مهلة ستة أشهر؟ أساطيل التوصيل كبيرة والدراجات الكهربائية ليست متوفرة بسهولة {tags}",
            "اشتراك شهري في دراجة كهربائية سيكون الحل الأنسب لمعظم مندوبي التوصيل {tags}",
            "طلبت وجبتي اليوم ووصل المندوب على دراجة كهربائية بلا ضجيج، البداية جميلة {tags}",
            "الدراجات الكهربائية للتوصيل داخل الأحياء فكرة تأخرت كثيرا {tags}",
            "{n}00 دراجة كهربائية دفعة أولى لشركة توصيل واحدة، السوق سيتحرك بسرعة {tags}",
            "من يعرف أين يمكن استئجار دراجة كهربائية للتوصيل في النخيل؟ {tags}",
        ),
        hashtags=("توصيل_النخيل", "الدراجات_الكهربائية", "التوصيل"),
    ),
    wire=Wire(
        title="بلدية النخيل تقر استخدام الدراجات الكهربائية في التوصيل داخل الأحياء",
        body=("أقرت بلدية النخيل قصر توصيل الطلبات داخل الأحياء السكنية على الدراجات الكهربائية، "
              "ومنحت شركات التوصيل مهلة ستة أشهر لتحويل أساطيلها. وأوضحت البلدية أن القرار يهدف "
              "إلى خفض الضجيج والانبعاثات وتحسين السلامة في الشوارع الداخلية، وأنها ستنشئ محطات "
              "استراحة مكيفة مزودة بنقاط شحن للمندوبين على الطرق الرئيسية. ورحبت شركات التوصيل "
              "بالقرار، وطالبت بتسهيلات لتمويل شراء الدراجات."),
        bin=12, copies=4, lang="ar",
        headlines=(
            "النخيل: الدراجات الكهربائية للتوصيل داخل الأحياء",
            "قرار بلدي يحول أساطيل التوصيل إلى الدراجات الكهربائية",
            "مهلة لشركات التوصيل للتحول إلى الدراجات الكهربائية",
            "الدراجات الكهربائية بديلا للدراجات النارية في توصيل الطلبات",
        ),
    ),
    platforms={"mastodon": 0.35, "bluesky": 0.3, "x": 0.35},
    social_langs={"ar": 1.0},
)

# ---------------------------------------------------------------------------
# smaller, steady or one-off topics: what a real week also contains


def _bump(peak: int, width: int = 2, base: float = 0.0) -> tuple[float, ...]:
    return tuple(max(base, 1.0 - abs(i - peak) / (width + 1)) for i in range(14))


MINOR: tuple[Topic, ...] = (
    Topic(
        key="bike-to-work-day", profile=_bump(6, 1), news=9, social=60,
        beats=("city",), hashtags=("BikeToWorkDay", "BikeToWork"),
        en=Lang(
            headlines=("Bike to Work Day draws record turnout in {city}",
                       "Free breakfast and repair stands mark Bike to Work Day"),
            sentences=("Thousands joined Bike to Work Day in {city}, with pop-up repair stands along the main routes.",
                       "Employers offered showers, breakfast and secure parking to riders."),
            posts=("Bike to Work Day done. Free coffee, {n} new faces at the bike rack {tags}",
                   "First time commuting by bike for Bike to Work Day. Not going back {tags}",
                   "Our whole team rode in today. Best meeting of the week {tags}"),
        ),
    ),
    Topic(
        key="winter-riding", profile=FLAT, news=12, social=40, beats=("industry", "consumer"),
        hashtags=("WinterCycling", "ebike"),
        en=Lang(
            headlines=("Winter e-bike riding: keep the battery warm",
                       "Studded tyres, lights and gloves: a winter commuting checklist"),
            sentences=("Cold weather can cut e-bike range by a fifth, so store the battery indoors.",
                       "Studded tyres and bright lights make winter commuting far safer."),
            posts=("Minus three this morning and the e-bike still did {km} km. Battery stays inside overnight {tags}",
                   "Winter commuting tip: pogies beat any glove {tags}"),
        ),
    ),
    Topic(
        key="ebike-reviews", profile=FLAT, news=33, social=20, beats=("consumer", "industry"),
        hashtags=("ebike", "review"),
        en=Lang(
            headlines=("Review: the {brand} {model} is a fast, light city e-bike",
                       "{brand} {model} review: great motor, heavy frame",
                       "Tested: five folding e-bikes for train commuters",
                       "Long-term test: {km},000 km on the {brand} {model}"),
            sentences=("The {model} weighs about 17 kg and folds in under ten seconds.",
                       "Range in our test was around {km} km in the middle assist level.",
                       "The hub motor is quiet but struggles on steep hills.",
                       "At its price the {brand} {model} is a strong choice for mixed commutes by train and bike."),
            posts=("Three months on the {brand} {model}: light, quick, folds fine for the train {tags}",),
        ),
        reddit=("Folding e-bike for train commute, {brand} {model} or something else?",),
    ),
    Topic(
        key="trade-show", profile=_bump(3, 2), news=21, social=25, beats=("industry", "fleet"),
        hashtags=("VelocityExpo",),
        en=Lang(
            headlines=("Velocity Expo opens with a focus on lighter e-bikes",
                       "Five things we saw at Velocity Expo",
                       "Velocity Expo: cargo and folding bikes steal the show"),
            sentences=("More than {n}0 exhibitors showed new e-bikes at Velocity Expo this week.",
                       "Lighter frames and smaller batteries were the main theme at the show.",
                       "Several brands showed folding e-bikes under 16 kg."),
            posts=("Walking the halls at Velocity Expo. Everything is lighter this year {tags}",),
        ),
    ),
    Topic(
        key="funding", profile=_bump(9, 1), news=15, social=10, beats=("industry", "fleet"),
        hashtags=("startups", "micromobility"),
        en=Lang(
            headlines=("E-bike subscription start-up Pedalo raises {n} million",
                       "Pedalo funding round values bike subscription at {n}0 million"),
            sentences=("Pedalo, which rents e-bikes by the month to commuters, raised {n} million euros.",
                       "The money will fund expansion to {city} and a business fleet offer."),
        ),
    ),
    Topic(
        key="bike-theft", profile=FLAT, news=15, social=25, beats=("consumer", "city"),
        hashtags=("biketheft", "ebike"),
        en=Lang(
            headlines=("E-bike thefts up {pct} percent in {city}, police say",
                       "GPS trackers help recover stolen e-bikes"),
            sentences=("Police in {city} reported {pct} percent more e-bike thefts than last year.",
                       "Hidden GPS trackers and a second lock are the best protection, insurers say."),
            posts=("Second e-bike stolen from our street this month. Get a tracker and two locks {tags}",),
        ),
    ),
    Topic(
        key="helmet-law", profile=_bump(10, 1), news=12, social=30, beats=("city",),
        hashtags=("helmetlaw",),
        en=Lang(
            headlines=("Parliament debates mandatory helmets for e-bike riders",
                       "Helmet law proposal splits cycling groups and lawmakers"),
            sentences=("Lawmakers debated a proposal that would make helmets mandatory on all e-bikes.",
                       "Opposition parties called the plan a distraction from building safe infrastructure."),
            posts=("The helmet law debate is politics at its worst. Build safe streets instead {tags}",),
        ),
    ),
    Topic(
        key="delivery-robots", profile=_bump(5, 2), news=12, social=10, beats=("fleet",),
        hashtags=("lastmile",),
        en=Lang(
            headlines=("Sidewalk delivery robots pilot ends early in {city}",
                       "Robots or cargo bikes? Last mile pilots compared"),
            sentences=("A pilot of sidewalk delivery robots in {city} ended early after complaints.",
                       "Operators said cargo bikes delivered more parcels per hour in the same streets."),
        ),
    ),
    Topic(
        key="insurance", profile=FLAT, news=12, social=8, beats=("consumer", "fleet"),
        hashtags=("ebike",),
        en=Lang(
            headlines=("Do you need e-bike insurance? What policies cover",
                       "Fleet insurers raise premiums for delivery e-bikes"),
            sentences=("Most home insurance covers an e-bike only at home, not when parked in town.",
                       "Insurers cite theft and battery fires as the biggest costs for delivery fleets."),
        ),
    ),
    Topic(
        key="linkedin-video", profile=_bump(7, 3, 0.2), news=27, social=20, beats=("marketing",),
        hashtags=("LinkedInTips", "socialmedia"),
        en=Lang(
            headlines=("LinkedIn expands its vertical video feed to all users",
                       "LinkedIn video: what the new feed means for B2B brands",
                       "Brands see higher reach on LinkedIn video posts, study finds"),
            sentences=("LinkedIn is rolling out a vertical video feed to all members this month.",
                       "Early data suggests short video posts reach {pct} percent more people than text posts.",
                       "B2B marketers are shifting budget from text posts to short explainers."),
            posts=("LinkedIn video feed is live for us now. Time to test short explainers {tags}",),
        ),
        platforms={"mastodon": 0.4, "bluesky": 0.6},
    ),
    Topic(
        key="instagram-collabs", profile=_bump(11, 2, 0.1), news=21, social=15, beats=("marketing",),
        hashtags=("InstagramTips", "socialmedia"),
        en=Lang(
            headlines=("Instagram tests scheduled collab posts for brands",
                       "Instagram changes how Reels are ranked for small accounts"),
            sentences=("Instagram is testing a tool that lets brands schedule collab posts with creators.",
                       "The change gives small accounts more reach for original Reels."),
            posts=("Instagram finally lets us schedule collab posts. Creator campaigns just got easier {tags}",),
        ),
        platforms={"mastodon": 0.3, "bluesky": 0.7},
    ),
    Topic(
        key="social-budgets", profile=FLAT, news=24, social=10, beats=("marketing",),
        hashtags=("marketing",),
        en=Lang(
            headlines=("Social media budgets grow {pct} percent as search ads stall",
                       "Survey: marketers plan more short video next year",
                       "How brands measure social media ROI in {month}"),
            sentences=("A survey of {n}0 marketing leaders found social budgets rising faster than search.",
                       "Short video and creator partnerships take the largest share of new spending."),
        ),
    ),
)

STORIES: tuple[Topic, ...] = (BATTERY_SWAP, CARGO_SUBSIDY, BIKE_LANES, CHARGER_RECALL, WAHA_BIKE_SHARE,
                              NAKHEEL_DELIVERY, *MINOR)

# social chatter with no story behind it: what keeps the feeds from being all signal
CHATTER: tuple[str, ...] = (
    "Morning ride in the rain. Mudguards are the best upgrade I ever bought",
    "Anyone else's chain squeak only in the cold?",
    "Flat tyre on the way home, tubeless next time",
    "Sunday coffee ride with the kids, 14 km and two ice creams",
    "New bell, who dis",
    "Tried a friend's folding bike today. Surprisingly stiff frame",
    "Bike maintenance evening: brakes, chain, lights. Feels good",
    "Train plus bike commute: 38 minutes door to door",
    "Why are bike racks always full at the station by 8?",
    "Saw a cargo bike with a dog in the box today. Made my morning",
    "Podcast recommendation for long rides, anyone?",
    "Weekend project: rebuilding an old steel frame",
)
CHATTER_TAGS: tuple[str, ...] = ("cycling", "bikelife", "commute", "ebike")
ARABIC_CHATTER: tuple[str, ...] = (
    "جولة الصباح على الكورنيش قبل أن تشتد الحرارة، أجمل بداية لليوم",
    "من يعرف ورشة جيدة لصيانة الدراجات قريبة من وسط المدينة؟",
    "ثقب في الإطار في طريق العودة، سأجرب الإطارات بلا أنابيب",
    "نزهة عائلية بالدراجات يوم الجمعة، خمسة عشر كيلومترا وعصير بارد في النهاية",
    "نظفت السلسلة وضبطت المكابح اليوم، الدراجة كأنها جديدة",
    "المترو ثم الدراجة: نصف ساعة من الباب إلى الباب",
    "لماذا تمتلئ مواقف الدراجات عند المحطة قبل الثامنة صباحا؟",
    "شاهدت اليوم طفلا يقود دراجته إلى المدرسة مع والده، منظر يبعث على التفاؤل",
)
ARABIC_CHATTER_TAGS: tuple[str, ...] = ("دراجات", "التنقل", "الدراجات_الكهربائية")

# Google Trends terms with no link to the industry: real trending lists are mostly these
OTHER_SEARCHES: tuple[tuple[str, int], ...] = (
    ("weather tomorrow", 100000), ("football results", 200000), ("election polls", 50000),
    ("new phone release", 50000), ("concert tickets", 20000), ("storm warning", 20000),
    ("holiday flights", 10000), ("recipe pumpkin soup", 10000),
)
