"""What a message is about, as comparable terms: conversations and incidents compare these.

Two kinds of term: the *matter* — one of a few customer-care subjects (charging, delivery,
login, billing, …) recognised in any of the five languages, so "won't charge", "lädt nicht"
and "ما تشحن" are one matter — plus the product a message names; and the message's content
words (folded, clitics off, stop words of stopwords-iso out), for two messages of one
person that share no matter word but clearly the same thing ("order 4471").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from trendwatch.inbox import lexicon
from trendwatch.inbox.text import keys
from trendwatch.lang.arabic import has_arabic, strip_clitics

# matter → fragments per language (folded like lexicon fragments)
MATTERS: dict[str, dict[str, list[str]]] = {
    "charging": {"en": [r"charg(?:e|es|er|ing|ed)", r"battery", r"batteries"], "de": [r"l(?:ä|a)d(?:t|en|egerät)", r"akku"],
                 "es": [r"carga(?:r|dor)?", r"batería"], "fr": [r"charge(?:ur)?", r"recharg\w*", r"batterie"],
                 "ar": [r"شحن", r"يشحن", r"تشحن", r"الشاحن", r"بطاريه"]},
    "network": {"en": [r"signal", r"network", r"internet", r"broadband", r"wifi", r"wi-fi", r"4g", r"5g", r"coverage", r"outage", r"connection"],
                "de": [r"netz", r"internet", r"wlan", r"empfang", r"störung", r"verbindung\w*"], "es": [r"señal", r"red", r"internet", r"fibra", r"cobertura", r"conexión"],
                "fr": [r"réseau", r"internet", r"fibre", r"connexion", r"coupure", r"wifi"], "ar": [r"الشبكه", r"شبكه", r"النت", r"انترنت", r"تغطيه", r"الالياف"]},
    "app": {"en": [r"app", r"application", r"website", r"site", r"update", r"login", r"log ?in", r"sign in", r"password", r"sync\w*", r"crash\w*"],
            "de": [r"app", r"webseite", r"update", r"anmeld\w+", r"passwort", r"login", r"synchronis\w+"], "es": [r"app", r"aplicación", r"web", r"actualización", r"contraseña", r"sincroniz\w+"],
            "fr": [r"appli(?:cation)?", r"site", r"mise à jour", r"mot de passe", r"connexion", r"synchronis\w+"], "ar": [r"التطبيق", r"تطبيق", r"الموقع", r"التحديث", r"كلمه المرور"]},
    "delivery": {"en": [r"deliver(?:y|ed)?", r"order", r"parcel", r"package", r"shipping", r"courier", r"driver", r"tracking"],
                 "de": [r"liefer\w*", r"bestellung", r"paket", r"versand", r"fahrer"], "es": [r"pedido", r"envío", r"entrega", r"paquete", r"repartidor"],
                 "fr": [r"commande", r"livr\w+", r"colis", r"livreur"], "ar": [r"الطلب", r"طلبي", r"التوصيل", r"الشحنه", r"المندوب"]},
    "billing": {"en": [r"bill(?:ing)?", r"invoice", r"charged", r"payment", r"refund", r"fee", r"fees", r"price rise"],
                "de": [r"rechnung", r"abbuch\w+", r"abgebucht", r"zahlung", r"erstattung", r"gebühr\w*"], "es": [r"factura", r"cobr\w+", r"pago", r"reembolso", r"comisión"],
                "fr": [r"factur\w+", r"prélev\w+", r"débit\w*", r"paiement", r"remboursement", r"frais"], "ar": [r"الفاتوره", r"فاتوره", r"خصم", r"انخصم", r"الدفع", r"المبلغ", r"رسوم"]},
    "account": {"en": [r"account", r"card", r"transfer", r"hacked", r"fraud"], "de": [r"konto", r"karte", r"überweisung", r"gehackt"],
                "es": [r"cuenta", r"tarjeta", r"transferencia"], "fr": [r"compte", r"carte", r"virement"], "ar": [r"حسابي", r"الحساب", r"البطاقه", r"التحويل"]},
    "flight": {"en": [r"flight", r"delay\w*", r"cancell?ed", r"gate", r"boarding", r"seat"], "de": [r"flug", r"verspät\w+", r"gestrichen", r"sitz"],
               "es": [r"vuelo", r"retras\w+", r"asiento"], "fr": [r"vol", r"retard", r"annulé", r"siège"], "ar": [r"الرحله", r"رحلتي", r"المقعد", r"تاخير"]},
    "baggage": {"en": [r"bag", r"bags", r"luggage", r"suitcase"], "de": [r"koffer", r"gepäck"], "es": [r"maleta", r"equipaje"], "fr": [r"valise", r"bagage\w*"], "ar": [r"شنطتي", r"الشنطه", r"الحقيبه"]},
    "brakes": {"en": [r"brakes?"], "de": [r"bremse\w*"], "es": [r"frenos?"], "fr": [r"freins?"], "ar": [r"الفرامل", r"فرامل"]},
    "motor": {"en": [r"motor", r"engine", r"pedal assist"], "de": [r"motor"], "es": [r"motor"], "fr": [r"moteur"], "ar": [r"الموتور", r"المحرك"]},
    "food": {"en": [r"food", r"meal", r"cold", r"burger", r"pizza"], "de": [r"essen", r"kalt"], "es": [r"comida", r"fr(?:í|i)[oa]"], "fr": [r"repas", r"froid\w*"], "ar": [r"الاكل", r"بارد"]},
    "support": {"en": [r"support", r"hold", r"customer service", r"agent", r"chat"], "de": [r"hotline", r"warteschleife", r"support", r"kundenservice"],
                "es": [r"atención al cliente", r"soporte"], "fr": [r"service client", r"sav", r"conseiller"], "ar": [r"خدمه العملاء", r"الدعم"]},
}


@cache
def _matter_patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [(name, lexicon.compile_signal(table)) for name, table in MATTERS.items()]


@cache
def _stop_words() -> frozenset[str]:
    import stopwordsiso

    words = stopwordsiso.stopwords(list(lexicon.LANGS))
    return frozenset(lexicon.normalise(w) for w in words)


_NOISE = re.compile(r"https?://\S+|www\.\S+|(?<![\w@])@[\w.\-]+(?:@[\w.\-]+)?")


def matters(text: str) -> list[str]:
    """The care subjects ``text`` is about, in the order of ``MATTERS``."""
    folded = lexicon.normalise(_NOISE.sub(" ", text))
    return [name for name, pattern in _matter_patterns() if pattern.search(folded)]


def product_named(text: str, products: Sequence[str]) -> str | None:
    """The first of ``products`` whose words appear in ``text`` (word-aware, folded)."""
    words = keys(_NOISE.sub(" ", text))
    joined = f" {' '.join(words)} "
    for product in products:
        phrase = " ".join(keys(product))
        if phrase and f" {phrase} " in joined:
            return product
    return None


def content_words(text: str) -> frozenset[str]:
    stop = _stop_words()
    found = set()
    for key in keys(_NOISE.sub(" ", text)):
        key = strip_clitics(key) if has_arabic(key) else key
        if len(key) >= 3 and key not in stop and not key.isdigit() or (key.isdigit() and len(key) >= 4):
            found.add(key)
    return frozenset(found)


def matter_terms(text: str, *, products: Sequence[str] = ()) -> frozenset[str]:
    """Everything two messages are compared on: ``matter:…``, ``product:…`` and content words."""
    terms = {f"matter:{m}" for m in matters(text)}
    product = product_named(text, products)
    if product:
        terms.add(f"product:{product.casefold()}")
    return frozenset(terms | content_words(text))


def matter_key(text: str, *, products: Sequence[str] = ()) -> str:
    """One key for what a complaint is about: "<product>/<matter>", "<matter>", "<product>",
    else "" (nothing to group on). Incidents count complaints per key."""
    found = matters(text)
    product = product_named(text, products)
    parts = [p for p in ((product or "").casefold(), found[0] if found else "") if p]
    return "/".join(parts)
