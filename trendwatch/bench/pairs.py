"""Headlines and their translations, written for the cross-lingual check in `make eval`.

One English headline per event with a translation into each language the team works in;
a model that serves a mixed-language window puts each pair close together and
unrelated headlines far apart.
"""

from __future__ import annotations

PAIRS: list[tuple[str, str, str]] = [   # (lang, English, translation)
    ("ar", "Saudi Arabia announces new investment fund for tourism",
     "السعودية تعلن عن صندوق استثماري جديد للسياحة"),
    ("ar", "Samsung unveils a phone with a swappable battery in Riyadh",
     "سامسونج تكشف عن هاتف ببطارية قابلة للاستبدال في الرياض"),
    ("ar", "Oil prices fall after OPEC meeting", "انخفاض أسعار النفط بعد اجتماع أوبك"),
    ("ar", "Heavy rain floods streets in Jeddah", "أمطار غزيرة تغمر شوارع جدة"),
    ("ar", "Riyadh metro opens to passengers", "افتتاح مترو الرياض أمام الركاب"),
    ("es", "Central bank raises interest rates by half a point",
     "El banco central sube los tipos de interés medio punto"),
    ("es", "Earthquake hits southern Mexico, no casualties reported",
     "Un terremoto sacude el sur de México sin víctimas"),
    ("pt", "Government approves new electric car subsidies",
     "Governo aprova novos subsídios para carros elétricos"),
    ("pt", "Wildfires force thousands to evacuate in Portugal",
     "Incêndios obrigam milhares a deixar suas casas em Portugal"),
    ("ru", "President signs law on social media age limits",
     "Президент подписал закон о возрастных ограничениях в соцсетях"),
    ("de", "Train drivers strike halts rail traffic across Germany",
     "Lokführerstreik legt Bahnverkehr in ganz Deutschland lahm"),
    ("fr", "Paris hosts climate summit with world leaders",
     "Paris accueille un sommet sur le climat avec les dirigeants mondiaux"),
    ("it", "Storm causes flooding in Venice", "Una tempesta provoca inondazioni a Venezia"),
]


def cross_lingual(embedder) -> dict:
    """Cosine of each pair, of unrelated pairs, and how often the translation is the nearest."""
    import numpy as np

    english = embedder.embed([p[1] for p in PAIRS])
    other = embedder.embed([p[2] for p in PAIRS])
    sims = english @ other.T
    same = np.diag(sims)
    unrelated = sims[~np.eye(len(PAIRS), dtype=bool)]
    per_lang: dict[str, list[float]] = {}
    for (lang, _, _), s in zip(PAIRS, same.tolist()):
        per_lang.setdefault(lang, []).append(s)
    return {"pairs": len(PAIRS), "same_mean": round(float(same.mean()), 3),
            "unrelated_mean": round(float(unrelated.mean()), 3),
            "unrelated_max": round(float(unrelated.max()), 3),
            "top1": round(float((sims.argmax(axis=1) == np.arange(len(PAIRS))).mean()), 3),
            "per_lang": {k: round(sum(v) / len(v), 3) for k, v in per_lang.items()}}
