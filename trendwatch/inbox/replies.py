"""Reply drafts: the customer's language, the company's tone, the reply policy, the limit.

A draft acknowledges, then gives one specific next step for its category: a complaint or a
question about someone's own order/account/booking moves to a private message (the details
needed to help are personal data and never belong in a public reply); a lead is invited to
a private message with the sales team; praise is thanked. It never quotes the message (no
links, no HTML, nothing the customer wrote is copied), addresses the author by handle, and
is fitted to the platform by ``ideas.limits.fit``.

Policy (``[inbox.replies]``): a message naming an ``escalate`` word — in any of the five
languages, or flagged by triage as the same kind (a legal threat for "lawyer", a safety
problem for "injury") — gets no draft: a person answers. ``never`` words (refund,
compensation…) are checked in every language on the finished draft; a sentence with one is
dropped, so nothing is promised that only a person may promise.

Register follows ``[company] tone``: a tone with "formal"/"professional" addresses people
as Sie/usted; otherwise du/tú (French is vous either way, Arabic has one register here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_date

from trendwatch.config.schema import LANGUAGES, InboxReplies, Profile
from trendwatch.ideas.limits import SPECS, check, fit
from trendwatch.inbox import lexicon
from trendwatch.inbox.matter import matters
from trendwatch.inbox.message import InboundMessage, Triage
from trendwatch.present.i18n import FSI, PDI

# policy words in the five languages (folded at use)
TRANSLATIONS: dict[str, list[str]] = {
    "refund": ["refund", "refunds", "refunded", "erstattung", "rückerstattung", "erstatten", "geld zurück",
               "reembolso", "reembolsar", "devolución", "remboursement", "rembourser", "remboursé",
               "استرداد", "استرجاع", "ارجاع المبلغ"],
    "compensation": ["compensation", "compensate", "entschädigung", "entschädigen", "compensación",
                     "indemnización", "indemnisation", "dédommagement", "indemniser", "تعويض"],
    "lawyer": ["lawyer", "attorney", "solicitor", "anwalt", "anwältin", "rechtsanwalt", "abogado",
               "abogada", "avocat", "avocate", "محامي"],
    "police": ["police", "polizei", "policía", "gendarmerie", "الشرطه", "الشرطة"],
    "injury": ["injury", "injured", "injuries", "hurt", "verletzung", "verletzt", "lesión", "herido",
               "herida", "blessure", "blessé", "blessée", "اصابه", "مصاب"],
    "discount": ["discount", "rabatt", "descuento", "remise", "réduction", "خصم"],
    "free": ["free", "gratis", "kostenlos", "gratuit", "gratuito", "مجانا", "مجاني"],
}
# policy words that name a kind of triage signal
SIGNAL_OF = {"lawyer": "legal", "attorney": "legal", "legal": "legal", "lawsuit": "legal",
             "court": "legal", "police": "legal", "injury": "safety", "safety": "safety",
             "fire": "safety", "hurt": "safety", "hacked": "data", "privacy": "data",
             "data": "data", "outage": "outage", "churn": "churn", "cancel": "churn"}
HANDLE_PLATFORMS = {"x", "bluesky", "mastodon", "threads", "instagram", "tiktok"}
FORMAL = re.compile(r"formal|professional|förmlich|serious|corporate|sachlich", re.IGNORECASE)

# what the team needs privately, per matter
DETAIL = {
    "en": {"delivery": "your order number", "billing": "your account email", "account": "the email on your account",
           "flight": "your booking reference", "baggage": "your booking reference and bag tag number", None: "a few details"},
    # German: after "mit", so dative
    "de": {"delivery": "deiner Bestellnummer", "billing": "der E-Mail-Adresse deines Kontos", "account": "der E-Mail-Adresse deines Kontos",
           "flight": "deinem Buchungscode", "baggage": "deinem Buchungscode und der Gepäcknummer", None: "ein paar Details"},
    "de-formal": {"delivery": "Ihrer Bestellnummer", "billing": "der E-Mail-Adresse Ihres Kontos", "account": "der E-Mail-Adresse Ihres Kontos",
                  "flight": "Ihrem Buchungscode", "baggage": "Ihrem Buchungscode und der Gepäcknummer", None: "ein paar Details"},
    "es": {"delivery": "tu número de pedido", "billing": "el correo de tu cuenta", "account": "el correo de tu cuenta",
           "flight": "tu localizador", "baggage": "tu localizador y el número de la etiqueta", None: "algunos datos"},
    "es-formal": {"delivery": "su número de pedido", "billing": "el correo de su cuenta", "account": "el correo de su cuenta",
                  "flight": "su localizador", "baggage": "su localizador y el número de la etiqueta", None: "algunos datos"},
    "fr": {"delivery": "votre numéro de commande", "billing": "l'adresse e-mail de votre compte", "account": "l'adresse e-mail de votre compte",
           "flight": "votre référence de réservation", "baggage": "votre référence de réservation et le numéro d'étiquette", None: "quelques informations"},
    "ar": {"delivery": "رقم الطلب", "billing": "البريد الإلكتروني المسجل في حسابك", "account": "البريد الإلكتروني المسجل في حسابك",
           "flight": "رقم الحجز", "baggage": "رقم الحجز ورقم ملصق الحقيبة", None: "بعض التفاصيل"},
}

TEXT = {
    "en": {
        "sorry": "Sorry about this, we want to put it right.",
        "sorry_urgent": "We're sorry, this needs our attention straight away.",
        "outage": "We're aware of problems in some areas and are working on a fix.",
        "dm": "Please send us a DM with {detail} (don't post it here) and we'll look into it for you.",
        "follow": "We're looking into it and will update you here.",
        "question": "Thanks for asking!",
        "question_dm": "Send us a DM with {detail} and we'll check it for you.",
        "question_next": "We'll get back to you here with the answer shortly.",
        "praise": "Thank you so much, that means a lot to the whole {company} team!",
        "lead": "Great to hear you're interested!",
        "lead_next": "Send us a DM and our team will get back to you with the details.",
        "back": "Our team is back {when} and will follow up then.",
        "at": "at {time}", "on": "on {day} at {time}",
    },
    "de": {
        "sorry": "Das tut uns leid, wir kümmern uns darum.",
        "sorry_urgent": "Das tut uns leid, darum kümmern wir uns sofort.",
        "outage": "Wir wissen von Störungen in einigen Regionen und arbeiten an einer Lösung.",
        "dm": "Schick uns bitte eine Direktnachricht mit {detail} (bitte nicht hier posten), dann sehen wir uns das an.",
        "follow": "Wir sehen uns das an und melden uns hier.",
        "question": "Danke für deine Frage!",
        "question_dm": "Schick uns eine Direktnachricht mit {detail}, dann prüfen wir das für dich.",
        "question_next": "Wir melden uns hier gleich mit der Antwort.",
        "praise": "Vielen Dank, das freut das ganze Team von {company}!",
        "lead": "Schön, dass du dich dafür interessierst!",
        "lead_next": "Schick uns eine Direktnachricht, unser Team meldet sich mit allen Details.",
        "back": "Unser Team ist {when} wieder da und meldet sich dann.",
        "at": "um {time} Uhr", "on": "am {day} um {time} Uhr",
    },
    "de-formal": {
        "sorry": "Das tut uns leid, wir kümmern uns darum.",
        "sorry_urgent": "Das tut uns leid, darum kümmern wir uns sofort.",
        "outage": "Wir wissen von Störungen in einigen Regionen und arbeiten an einer Lösung.",
        "dm": "Bitte senden Sie uns eine Direktnachricht mit {detail} (bitte nicht hier posten), dann sehen wir uns das an.",
        "follow": "Wir sehen uns das an und melden uns hier.",
        "question": "Danke für Ihre Frage!",
        "question_dm": "Senden Sie uns eine Direktnachricht mit {detail}, dann prüfen wir das für Sie.",
        "question_next": "Wir melden uns hier gleich mit der Antwort.",
        "praise": "Vielen Dank, das freut das ganze Team von {company}!",
        "lead": "Schön, dass Sie sich dafür interessieren!",
        "lead_next": "Senden Sie uns eine Direktnachricht, unser Team meldet sich mit allen Details.",
        "back": "Unser Team ist {when} wieder da und meldet sich dann.",
        "at": "um {time} Uhr", "on": "am {day} um {time} Uhr",
    },
    "es": {
        "sorry": "Sentimos mucho lo ocurrido, queremos solucionarlo.",
        "sorry_urgent": "Lo sentimos mucho, nos ocupamos de esto ahora mismo.",
        "outage": "Sabemos que hay incidencias en algunas zonas y estamos trabajando para resolverlas.",
        "dm": "Escríbenos por mensaje privado con {detail} (no lo publiques aquí) y lo revisamos.",
        "follow": "Lo estamos revisando y te informaremos por aquí.",
        "question": "¡Gracias por tu pregunta!",
        "question_dm": "Escríbenos por mensaje privado con {detail} y lo comprobamos.",
        "question_next": "Te respondemos por aquí en breve.",
        "praise": "¡Muchísimas gracias! Se lo diremos a todo el equipo de {company}.",
        "lead": "¡Qué bien que te interese!",
        "lead_next": "Escríbenos por mensaje privado y nuestro equipo te dará todos los detalles.",
        "back": "Nuestro equipo vuelve {when} y te contestará entonces.",
        "at": "a las {time}", "on": "el {day} a las {time}",
    },
    "es-formal": {
        "sorry": "Sentimos mucho lo ocurrido, queremos solucionarlo.",
        "sorry_urgent": "Lo sentimos mucho, nos ocupamos de esto ahora mismo.",
        "outage": "Sabemos que hay incidencias en algunas zonas y estamos trabajando para resolverlas.",
        "dm": "Escríbanos por mensaje privado con {detail} (no lo publique aquí) y lo revisamos.",
        "follow": "Lo estamos revisando y le informaremos por aquí.",
        "question": "¡Gracias por su pregunta!",
        "question_dm": "Escríbanos por mensaje privado con {detail} y lo comprobamos.",
        "question_next": "Le respondemos por aquí en breve.",
        "praise": "¡Muchísimas gracias! Se lo diremos a todo el equipo de {company}.",
        "lead": "¡Nos alegra que le interese!",
        "lead_next": "Escríbanos por mensaje privado y nuestro equipo le dará todos los detalles.",
        "back": "Nuestro equipo vuelve {when} y le contestará entonces.",
        "at": "a las {time}", "on": "el {day} a las {time}",
    },
    "fr": {
        "sorry": "Nous sommes désolés, nous voulons arranger cela.",
        "sorry_urgent": "Nous sommes désolés, nous nous en occupons tout de suite.",
        "outage": "Nous savons qu'il y a des perturbations dans certaines zones et nous travaillons à les résoudre.",
        "dm": "Envoyez-nous un message privé avec {detail} (ne le publiez pas ici) et nous regardons cela.",
        "follow": "Nous regardons cela et revenons vers vous ici.",
        "question": "Merci pour votre question !",
        "question_dm": "Envoyez-nous un message privé avec {detail} et nous vérifions pour vous.",
        "question_next": "Nous vous répondons ici très vite.",
        "praise": "Merci beaucoup, toute l'équipe {company} sera ravie de le lire !",
        "lead": "Ravis que cela vous intéresse !",
        "lead_next": "Envoyez-nous un message privé et notre équipe vous donnera tous les détails.",
        "back": "Notre équipe revient {when} et vous répondra à ce moment-là.",
        "at": "à {time}", "on": "{day} à {time}",
    },
    "ar": {
        "sorry": "نعتذر عن ذلك، ونريد حل المشكلة.",
        "sorry_urgent": "نعتذر بشدة، وسنتابع الأمر فورًا.",
        "outage": "نعلم بوجود مشكلة في بعض المناطق ونعمل على حلها.",
        "dm": "فضلًا أرسل لنا رسالة خاصة فيها {detail} (لا تنشره هنا) وسنتابع الأمر.",
        "follow": "نحن نتابع الأمر وسنوافيك بالمستجدات هنا.",
        "question": "شكرًا على سؤالك!",
        "question_dm": "أرسل لنا رسالة خاصة فيها {detail} وسنتحقق من الأمر.",
        "question_next": "سنرد عليك هنا قريبًا.",
        "praise": "شكرًا جزيلًا، كلامك يسعد فريق {company} كله!",
        "lead": "يسعدنا اهتمامك!",
        "lead_next": "أرسل لنا رسالة خاصة وسيتواصل معك فريقنا بكل التفاصيل.",
        "back": "فريقنا يعود {when} وسيتابع معك حينها.",
        "at": "الساعة {time}", "on": "يوم {day} الساعة {time}",
    },
}
_OWN = re.compile(r"\b(?:my|mine|our|mein\w*|unser\w*|mi|mis|nuestr\w+|mon|ma|mes|notre|nos)\b|"
                  r"(?:طلبي|حسابي|رحلتي|شنطتي|فاتورتي|بطاقتي)", re.IGNORECASE)


@dataclass(frozen=True)
class ReplyDraft:
    """``text`` None when a person must answer (``escalate``) or nothing needs or fits an
    answer; ``reasons`` says why; ``length``/``limit`` in the platform's unit (``limit`` 0:
    the platform has no limit we know)."""

    text: str | None
    escalate: bool
    reasons: tuple[str, ...]
    limit: int
    length: int
    lang: str = "en"


def _policy_pattern(words: list[str]) -> re.Pattern[str] | None:
    variants = {v for word in words for v in [word, *TRANSLATIONS.get(word.casefold(), [])]}
    parts = sorted({re.escape(lexicon.normalise(v)) for v in variants if v.strip()}, key=len,
                   reverse=True)
    if not parts:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)")


def escalation(message: InboundMessage, triage: Triage, policy: InboxReplies) -> str | None:
    """Why a person must answer this one (the policy word or signal), or None."""
    pattern = _policy_pattern(policy.escalate)
    if pattern is not None:
        found = pattern.search(lexicon.normalise(message.text or ""))
        if found:
            return f"escalate: the message says {found.group(0)!r}"
    for word in policy.escalate:
        kind = SIGNAL_OF.get(word.casefold())
        if kind and kind in triage.signals:
            return f"escalate: triage found a {kind} problem ([inbox.replies] escalate {word!r})"
    return None


def _register(lang: str, profile: Profile) -> str:
    if lang in ("de", "es") and FORMAL.search(profile.company.tone or ""):
        return f"{lang}-formal"
    return lang


def _handle(author: str, platform: str) -> str:
    name = (author or "").strip().lstrip("@")
    if not name or not re.fullmatch(r"[\w.\-@]+", name):
        return ""
    if platform == "reddit":
        return f"u/{name}"
    return f"@{name}" if platform in HANDLE_PLATFORMS else ""


def _when(opens: datetime, now: datetime, lang: str, texts: dict[str, str]) -> str:
    time_text = f"{opens:%H:%M}"
    if opens.date() == now.astimezone(opens.tzinfo).date():
        return texts["at"].format(time=time_text)
    day = format_date(opens.date(), "EEEE", locale=lang)
    return texts["on"].format(day=day, time=time_text)


def draft_reply(message: InboundMessage, triage: Triage, *, profile: Profile,
                policy: InboxReplies, platform: str, now: datetime,
                mastodon_limit: int = 500, office_opens_at: datetime | None = None) -> ReplyDraft:
    """A reply for ``message`` (see the module docstring). ``office_opens_at``: when the team
    is next in, as an aware local datetime (``sla.next_office_open`` in the inbox timezone);
    a draft written while the office is closed says when a person follows up."""
    platform = (platform or message.platform or "").lower()
    lang = triage.lang if triage.lang in LANGUAGES else profile.writing_language
    reasons: list[str] = []
    spec = SPECS.get(platform)
    limit = (mastodon_limit if platform == "mastodon" else spec.limit) if spec else 0
    why = escalation(message, triage, policy)
    if why:
        return ReplyDraft(None, True, (why, "a person answers: no draft"), limit, 0, lang)
    if triage.category == "other":
        return ReplyDraft(None, False, ("nothing to answer: not a complaint, question, praise "
                                        "or lead",), limit, 0, lang)
    register = _register(lang, profile)
    texts = TEXT[register]
    found = matters(message.text or "")
    matter = next((m for m in found if m in DETAIL["en"]), None)
    detail = DETAIL[register][matter]
    company = profile.company.name
    if lang == "ar" and not re.search(r"[\u0600-\u06ff]", company):
        company = f"{FSI}{company}{PDI}"
    sentences: list[str] = []
    if triage.category == "complaint":
        sentences.append(texts["sorry_urgent" if triage.urgency == "high" else "sorry"])
        if "outage" in triage.signals:
            sentences.append(texts["outage"])
            reasons.append("outage: says the team knows")
        else:
            sentences.append(texts["dm"].format(detail=detail))
            reasons.append(f"private channel: {matter or 'details'} needed to help")
    elif triage.category == "question":
        sentences.append(texts["question"])
        if _OWN.search(message.text or "") and matter:
            sentences.append(texts["question_dm"].format(detail=detail))
            reasons.append(f"private channel: the question is about their own {matter}")
        else:
            sentences.append(texts["question_next"])
    elif triage.category == "lead":
        sentences += [texts["lead"], texts["lead_next"]]
        reasons.append("lead: invited to a private message with the team")
    else:
        sentences.append(texts["praise"].format(company=company))
    if office_opens_at is not None and office_opens_at > now and triage.category != "praise":
        sentences.append(texts["back"].format(when=_when(office_opens_at, now, lang, texts)))
        reasons.append("out of office hours: says when a person follows up")
    never = _policy_pattern(policy.never)
    if never is not None:
        kept = [s for s in sentences if not never.search(lexicon.normalise(s))]
        if len(kept) < len(sentences):
            reasons.append("policy: a sentence promising a 'never' word was dropped")
        sentences = kept
    body = " ".join(sentences)
    handle = _handle(message.author, platform)
    if handle:
        body = f"{handle} {body}"
    if policy.signature:
        body = f"{body} {policy.signature}"
    reasons.append(f"in {lang} ({'formal' if register.endswith('formal') else 'usual'} register)")
    if spec is None:
        measured = check(platform, body)
        return ReplyDraft(body, False, tuple(reasons), 0, measured.length, lang)
    fitted = fit(platform, body, mastodon_limit=mastodon_limit)
    if not fitted.ok:
        return ReplyDraft(None, False, (*reasons, fitted.reason or "does not fit"), fitted.limit,
                          fitted.length, lang)
    if fitted.shortened:
        reasons.append(f"shortened to fit {platform}")
    return ReplyDraft(fitted.text, False, tuple(reasons), fitted.limit, fitted.length, lang)
