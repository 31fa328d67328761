"""Who publishes in the demo week: outlets (with their beats) and social accounts. All fictional."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Outlet:
    slug: str
    name: str
    domain: str
    beats: tuple[str, ...]
    lang: str = "en"
    format: str = "rss"            # rss | atom | none (only reachable through Google News / GDELT)
    weight: float = 1.0            # relative output
    wire: bool = False             # the wire service whose stories others republish
    reporters: tuple[str, ...] = ()

    @property
    def has_feed(self) -> bool:
        return self.format != "none"


# beats: "gulf" marks the English outlets with a feed that also follow the Gulf market
OUTLETS: tuple[Outlet, ...] = (
    Outlet("cyclewire", "Cycle Industry Wire", "cyclewire.example", ("industry", "fleet", "city"),
           wire=True, weight=1.2, reporters=("Maya Lindqvist", "Owen Adeyemi")),
    Outlet("electricride", "Electric Ride Daily", "electricride.example", ("industry", "consumer"),
           weight=1.4, reporters=("Sam Okafor", "Jules Moreau")),
    Outlet("urbanmobility", "Urban Mobility Report", "urbanmobility.example", ("city", "industry", "gulf"),
           format="atom", reporters=("Priya Raman",)),
    Outlet("fleetoperator", "Fleet Operator Magazine", "fleetoperator.example", ("fleet",),
           reporters=("Daniel Brandt", "Ana Sousa")),
    Outlet("velobusiness", "Velo Business Europe", "velobusiness.example", ("industry",),
           format="atom", reporters=("Luca Ferri",)),
    Outlet("citytransport", "City Transport Today", "citytransport.example", ("city", "gulf"),
           reporters=("Grace Whitfield",)),
    Outlet("greencommute", "Green Commute Blog", "greencommute.example", ("consumer", "city", "gulf"),
           format="atom", weight=0.7, reporters=("Noor Haddad",)),
    Outlet("microinsider", "Micromobility Insider", "microinsider.example", ("industry", "fleet"),
           reporters=("Tomás Reyes", "Hana Sato")),
    Outlet("eradnews", "E-Rad Nachrichten", "e-rad-nachrichten.example", ("de",), lang="de",
           reporters=("Katrin Vogel",)),
    Outlet("tanaqqul", "التنقل اليوم", "tanaqqul.example", ("ar",), lang="ar",
           reporters=("ليلى منصور",)),
    # the Gulf market's Arabic press: a wire service whose stories the others republish
    Outlet("wna", "وكالة أنباء الواحة", "wna.example", ("ar",), lang="ar", wire=True,
           reporters=("فهد القحطاني", "مريم الزهراني")),
    Outlet("khaleejbiz", "الخليج للأعمال", "khaleejbiz.example", ("ar",), lang="ar",
           format="atom", reporters=("سارة الشمري",)),
    Outlet("mudun", "مدن ذكية", "mudun.example", ("ar",), lang="ar",
           reporters=("عمر الهاشمي", "نورة السبيعي")),
    Outlet("alamtech", "عالم التقنية", "alamtech.example", ("ar",), lang="ar", format="atom",
           weight=0.8, reporters=("ماجد الغامدي",)),
    Outlet("sahil", "صحيفة الساحل", "sahil.example", ("ar",), lang="ar",
           reporters=("هند العنزي", "تركي المطيري")),
    Outlet("socialpulse", "Social Pulse", "socialpulse.example", ("marketing",), weight=1.3,
           reporters=("Chris Lang",)),
    Outlet("branddesk", "Brand Desk", "branddesk.example", ("marketing",), format="atom",
           reporters=("Ellie Marsh",)),
    # no feed of their own in the demo config: they show up through Google News and GDELT
    Outlet("metroherald", "Metro Herald", "metroherald.example", ("city", "consumer"),
           format="none", reporters=("Ben Carter",)),
    Outlet("dailyspoke", "The Daily Spoke", "dailyspoke.example", ("industry", "consumer"),
           format="none", reporters=("Ivy Chen",)),
    Outlet("coastalcourier", "Coastal Courier", "coastalcourier.example", ("city",),
           format="none", weight=0.7, reporters=("Mark Ellison",)),
    Outlet("techbeat", "TechBeat", "techbeat.example", ("industry",), format="none",
           reporters=("Rosa Quint",)),
    Outlet("logisticsweek", "Logistics Week", "logisticsweek.example", ("fleet",), format="none",
           reporters=("Femi Adebayo",)),
)


@dataclass(frozen=True)
class Account:
    id: str                        # platform-style numeric id (string, as the APIs send it)
    handle: str
    display_name: str
    platform: str                  # mastodon | bluesky | reddit | hackernews | x
    lang: str = "en"


FIRST = ("lena", "tom", "ines", "raj", "mila", "jonas", "zoe", "omar", "kate", "felix", "nina",
         "leo", "ada", "sami", "iris", "ben", "yara", "hugo", "lucy", "arun", "mara", "kofi",
         "elin", "diego", "rosa", "finn", "maya", "theo", "noa", "ravi")
WORDS = ("rides", "pedals", "commutes", "spokes", "velo", "cargo", "bikes", "wheels", "cycles",
         "lanes", "fleet", "climbs")
GERMAN = (("jana", "Jana Krüger"), ("malte", "Malte Hoffmann"), ("svenja", "Svenja Wolf"),
          ("piet", "Piet Schröder"))
ARABIC = (("khalid", "خالد العتيبي"), ("salma", "سلمى الحربي"), ("yousef", "يوسف الدوسري"),
          ("reem", "ريم القحطاني"), ("faisal", "فيصل الشهري"), ("abeer", "عبير الزهراني"),
          ("nasser", "ناصر المالكي"), ("lama", "لمى العمري"), ("hamad", "حمد الكعبي"),
          ("dana", "دانة الهاجري"), ("sultan", "سلطان النعيمي"), ("hessa", "حصة المري"))
ARABIC_PLATFORMS = ("mastodon", "bluesky", "x")

# how many accounts each platform has in the demo
PLATFORM_ACCOUNTS = {"mastodon": 20, "bluesky": 19, "reddit": 10, "hackernews": 5, "x": 6}


def make_accounts(rng: random.Random) -> list[Account]:
    """About seventy-five accounts across the platforms; German ones on Mastodon/Bluesky, Arabic
    ones on Mastodon, Bluesky and X (where much of the Gulf's conversation is)."""
    accounts: list[Account] = []
    used: set[str] = set()
    for platform, count in PLATFORM_ACCOUNTS.items():
        for _ in range(count):
            while True:
                first, word = rng.choice(FIRST), rng.choice(WORDS)
                sep = rng.choice(("_", "", "."))
                name = f"{first}{sep}{word}" if platform != "reddit" else f"{first.title()}{word.title()}{rng.randint(1, 99)}"
                name = name.replace(".", "_") if platform in ("mastodon", "x") else name
                if (platform, name) not in used:
                    used.add((platform, name))
                    break
            accounts.append(_account(rng, platform, name, f"{first.title()} {word.title()}", "en"))
    for index, (handle, display) in enumerate(GERMAN):
        accounts.append(_account(rng, "mastodon" if index % 2 else "bluesky", f"{handle}_radelt",
                                 display, "de"))
    for index, (handle, display) in enumerate(ARABIC):
        accounts.append(_account(rng, ARABIC_PLATFORMS[index % 3], f"{handle}_bikes", display, "ar"))
    return accounts


def _account(rng: random.Random, platform: str, name: str, display: str, lang: str) -> Account:
    if platform == "bluesky":
        handle = f"{name.replace('_', '')}.bsky.social"
    else:
        handle = name
    return Account(id=str(rng.randrange(10**17, 10**18)), handle=handle, display_name=display,
                   platform=platform, lang=lang)
