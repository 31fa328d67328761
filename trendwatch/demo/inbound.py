"""The demo week's customer-care traffic, addressed to Northwind Mobility.

Two ways in, as in real life:
- public posts that mention the company or its products (tagged #NorthwindRide, which the
  demo's Mastodon and X sources follow), including the company's own account answering
  (never inbound);
- a helpdesk export (JSON lines, one ticket per line, with ``reply_to`` threads) that the
  demo writes to ``data/demo/imports/helpdesk.jsonl`` for the ``inbox = true`` file source.

Questions, complaints in English, Arabic, German and Spanish, praise, leads, one ticket that
needs a human (an injury), one payment problem, and one overnight incident: a burst of
complaints that Northwind Flow stopped charging after app update 4.2, in the last hours of
the week. Deterministic for a seed; its own random stream, so the rest of the week stays
byte for byte what it was.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from trendwatch.demo.people import Account

HOUR = 3600.0
COMPANY_X = Account(id="900000000000000001", handle="northwindride",
                    display_name="Northwind Mobility", platform="x", lang="en")
TAG = "NorthwindRide"

# (platform, lang, hours before the end of the week, text) — the overnight incident first
MENTIONS: tuple[tuple[str, str, float, str], ...] = (
    ("x", "en", 5.5, "@northwindride my Northwind Flow stopped charging after last night's app "
                     "update 4.2. Charger light just blinks red. Commute in 3 hours, help?"),
    ("mastodon", "en", 4.8, "Anyone else? Northwind Flow won't charge since the 4.2 update, "
                            "stuck at 12 %. Not happy."),
    ("x", "en", 4.1, "Third night in a row my Northwind Flow won't charge. Since update "
                     "4.2 it is useless. Fix it @northwindride"),
    ("mastodon", "en", 3.6, "Northwind Flow + update 4.2 = no charging. Tried two chargers. "
                            "Really annoyed, I paid a lot for this bike."),
    ("x", "ar", 3.2, "دراجتي نورثويند فلو لا تشحن بعد تحديث التطبيق 4.2، الضوء أحمر طوال الليل. "
                     "ما الحل؟"),
    ("mastodon", "de", 2.7, "Mein Northwind Flow lädt seit dem Update 4.2 nicht mehr. Bleibt "
                            "bei 10 %. Sehr ärgerlich."),
    ("x", "en", 2.2, "Same here, Northwind Flow not charging after the 4.2 update. This is "
                     "spreading, check the replies @northwindride"),
    ("x", "ar", 1.6, "نفس المشكلة مع نورثويند فلو: لا تشحن منذ التحديث الأخير"),
    ("mastodon", "en", 1.1, "Northwind Flow still not charging after the update. Day ruined, "
                            "taking the bus."),
    # the rest of the week
    ("mastodon", "en", 30.0, "Is the Northwind Flow OK in heavy rain? Thinking of commuting "
                             "with it through the winter."),
    ("x", "en", 52.0, "How much is Northwind Fleet for 25 delivery riders? Would love a demo "
                      "for our team next week."),
    ("mastodon", "de", 75.0, "Gibt es den Northwind Flow auch in Größe L? Wie lange "
                             "dauert die Lieferung nach Hamburg?"),
    ("x", "en", 98.0, "Shoutout to Northwind Mobility: the Flow folds in seconds and fits on "
                      "the train. Love it!"),
    ("mastodon", "en", 120.0, "Northwind Flow six months in: still my favourite thing I own. "
                              "Great support team too."),
    ("x", "ar", 140.0, "كم سعر اشتراك نورثويند للتوصيل لعشرين مندوب؟ نريد عرضاً لشركتنا"),
    ("mastodon", "en", 150.0, "My Northwind Flow order is 3 weeks late and nobody answers my "
                              "emails. Considering cancelling."),
)
# the company's own posts: never inbound
OWN = (
    ("x", "en", 0.8, "We know some Northwind Flow bikes stop charging after app update 4.2. "
                     "A fix is rolling out this morning; sorry for the trouble."),
)

# (id, hours before the end, author, lang, text, reply_to) — the helpdesk export
TICKETS: tuple[tuple[str, float, str, str, str, str | None], ...] = (
    ("NW-2041", 6.2, "hannah.b@example.com", "en",
     "My Flow will not charge since the 4.2 update. The charger light blinks red. Please help.", None),
    ("NW-2042", 5.1, "k.almansouri@example.ae", "ar",
     "الدراجة لا تشحن منذ تحديث 4.2، أحتاجها للعمل صباح الغد", None),
    ("NW-2043", 4.4, "pablo.r@example.es", "es",
     "Mi Northwind Flow no carga desde la actualización 4.2. Es la segunda vez este mes, "
     "estoy muy molesto.", None),
    ("NW-2044", 3.9, "hannah.b@example.com", "en",
     "Any news? Still not charging and I have to get to work.", "NW-2041"),
    ("NW-2045", 3.0, "j.wright@example.co.uk", "en",
     "Battery stopped charging after the update. Also I was charged twice for my subscription "
     "this month, please sort out the second payment.", None),
    ("NW-2046", 2.4, "m.keller@example.de", "de",
     "Seit dem Update lädt mein Flow nicht mehr. Wann kommt eine Lösung?", None),
    ("NW-2047", 20.0, "aylin@example.com", "en",
     "The front brake failed on a hill and I was injured. I have spoken to a lawyer.", None),
    ("NW-2048", 44.0, "ops@citycouriers.example", "en",
     "We run 40 couriers and want a quote for Northwind Fleet, ideally with a demo in March.", None),
    ("NW-2049", 60.0, "s.alharbi@example.sa", "ar",
     "هل يمكن استبدال البطارية بنفسي أم أحتاج إلى مركز صيانة؟", None),
    ("NW-2050", 80.0, "lucia.m@example.es", "es",
     "¿Cuánto cuesta el Northwind Flow y hacéis envíos a Valencia?", None),
    ("NW-2051", 96.0, "tom.h@example.com", "en",
     "Just wanted to say thanks: the repair was quick and the bike rides like new.", None),
    ("NW-2052", 118.0, "f.schulz@example.de", "de",
     "Vielen Dank für die schnelle Hilfe beim Einstellen der Gangschaltung!", None),
    ("NW-2053", 130.0, "r.okafor@example.com", "en",
     "Where is my order #88412? It was due last week.", None),
    ("NW-2054", 129.0, "r.okafor@example.com", "en",
     "Order #88412 again: still nothing, tracking has not moved in 6 days.", "NW-2053"),
)


def mention_posts(seed: int, accounts: list[Account], start: int) -> list[dict]:
    """The mention posts as ``Post`` keyword arguments (ids from ``start``), each from a
    different account of its platform and language where there is one."""
    rng = random.Random(seed * 7919 + 13)
    used: set[str] = set()
    out = []
    for n, (platform, lang, hours, text) in enumerate((*MENTIONS, *OWN), start):
        if (platform, lang, hours, text) in OWN:
            handle = COMPANY_X.handle
        else:
            pool = [a for a in accounts if a.platform == platform and a.lang == lang
                    and a.handle not in used] or \
                   [a for a in accounts if a.platform == platform and a.handle not in used]
            handle = rng.choice(pool).handle
            used.add(handle)
        likes = rng.randint(0, 6) if hours > 6 else rng.randint(3, 40)
        out.append(dict(id=f"{platform}-{n:05d}", platform=platform, account=handle,
                        topic="care", text=f"{text} #{TAG}", hashtags=(TAG,),
                        age=hours * HOUR + rng.uniform(0, 300), lang=lang, likes=likes,
                        reposts=likes // 4, replies=likes // 3))
    return out


def helpdesk_records(end: datetime) -> list[dict]:
    """The helpdesk export for a week ending at ``end``, oldest first."""
    records = [{"id": ticket, "published": (end - timedelta(hours=hours)).astimezone(UTC)
                .isoformat().replace("+00:00", "Z"), "author": author, "lang": lang,
                "text": text, **({"reply_to": reply_to} if reply_to else {})}
               for ticket, hours, author, lang, text, reply_to in TICKETS]
    return sorted(records, key=lambda r: r["published"])


def write_helpdesk(folder: Path, end: datetime) -> Path:
    """Write ``imports/helpdesk.jsonl`` under ``folder`` (the demo config's folder)."""
    path = Path(folder) / "imports" / "helpdesk.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                            for r in helpdesk_records(end)), encoding="utf-8")
    return path
