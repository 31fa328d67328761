"""Drafts in French, written for French-language accounts.

French typography: a no-break space before ":", "?", "!" and ";", quotations in « … »; the
reader is addressed as "vous", the usual register of brand accounts. Sentences are built so
that no article has to agree with a keyphrase whose gender we cannot know ("le sujet …",
"pour …"), and "de" is elided before a vowel (d'Acme).
"""

from __future__ import annotations

import re

from trendwatch.ideas.writer import _clip, _sentence, _Writer, first_word, number_fact

NB = "\u00a0"
C = f"{NB}:"   # colon
Q = f"{NB}?"   # question mark
STATUS = {"emerging": "la couverture s’accélère", "watch": "le sujet est à surveiller",
          "established": "le sujet est bien installé", "fading": "la couverture s’essouffle"}
_ARTICLES = ("Un", "Une", "Le", "La", "Les", "Des", "Notre", "Nos", "Ce", "Cette")
_SHOT_STARTS = ("Ce", "Conclure", "Inviter", "Le", "La", "Les", "Un", "Une", "Trois", "Où",
                "Gros", "Réaction", "Carton", "Des", "Face", "Question")


def de(name: str) -> str:
    """"de Northwind" / "d’Acme": French elides "de" before a vowel or a mute h."""
    return f"d’{name}" if re.match(r"[aeiouyhâàéèêëîïôûùAEIOUYHÂÀÉÈÊËÎÏÔÛÙ]", name) else f"de {name}"


class FrenchWriter(_Writer):
    language = "fr"
    COMMUNITY = "notre communauté"
    PUBLIC_POST = "une publication publique"
    POST_ON = "une publication sur {platform}"
    THE_NEWS = "l’actualité"
    AND = " et "
    QUOTE = (f"«{NB}", f"{NB}»")
    FRAME_SHORT_VERSION = f"En bref{C}"
    FRAME_SOURCES = f"Sources{C}"
    FRAME_MORE_ABOUT = "En savoir plus sur {pitch}" + C + " {url}"
    FRAME_CAROUSEL = f"Idée de carrousel{C}"
    FRAME_LINK_IN_BIO = "Lien en bio."
    FRAME_VIDEO = {"tiktok": "🎬 Idée de TikTok (20–30 s)",
                   "youtube": "🎬 Idée de YouTube Short (20–30 s)"}
    FRAME_ON_SCREEN_HOOK = f"Accroche à l’écran{C}"
    FRAME_CAPTION = f"Légende{C}"
    FRAME_ON_SCREEN = f"À l’écran{C}"
    FRAME_SHOW = f"À montrer{C}"
    FRAME_DISCLOSURE = "(Transparence" + C + " publié par l’équipe {company}.)"
    TAGS = {"x": 2, "bluesky": 2, "mastodon": 3, "threads": 1, "linkedin": 3, "instagram": 5,
            "tiktok": 4, "facebook": 2, "snapchat": 1, "youtube": 3, "reddit": 0}

    COLON = f"{NB}: "

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.FRAME_DISCLOSURE = "(Transparence" + C + f" publié par l’équipe {de(self.company)}.)"
        # French needs an article before a noun, and a keyphrase's gender is unknown: inside a
        # sentence it is a label, « le sujet « … » », whose article is always "le"
        self.topic = f"le sujet {self.q(self.k)}"
        self.Topic = f"Le sujet {self.q(self.k)}"
        matched = [self.q(self.quoted(m)) for m in self.ctx.matched
                   if m.casefold() != self.ctx.product.name.casefold()]
        self.m = " et ".join(matched[:2]) if matched else self.q(self.k)

    def lower_first(self, text: str) -> str:
        first = text.split(" ", 1)[0]
        return text[:1].lower() + text[1:] if first in _ARTICLES else text

    def then(self, first: str, last: str) -> str:
        word = first_word(last)
        last = last[:1].lower() + last[1:] if word in _SHOT_STARTS else last
        return f"{first}, puis {last}"

    def reach(self) -> str:
        if self.n24 >= 2:
            return f"{self.n24} sources en 24 heures"
        return f"{self.nall} source{'s' if self.nall > 1 else ''} jusqu’ici"

    def _news_jacking(self) -> dict:
        return dict(
            hook=self.pick(f"Selon {self.outlet}{C} {_sentence(self.title)}",
                           f"À la une{C} {_sentence(self.title)}",
                           f"Moment clé pour {self.topic}{C} {_sentence(self.title)}"
                           if self.k_raw.casefold() not in self.title.casefold()
                           else f"À lire{C} {_sentence(self.title)}"),
            context=f"Selon {self.outlet}{C} {self.q(self.title)}.",
            why=f"Pour {self.audience}, l’enjeu est simple{C} {self.m}, le quotidien même pour "
                f"lequel {self.product} a été conçu.",
            cta=self.pick(f"Votre première réaction{Q}", f"Bonne nouvelle, ou trop tardive{Q}",
                          f"Est-ce que cela change quelque chose pour vous{Q}"),
            screen=_clip(f"{self.kc}{C} ce qui vient de se passer", 60),
            shots=["Le titre à l’écran, lu d’une traite",
                   f"Réaction rapide{C} ce que cela change pour {self.audience}",
                   f"{self.product} en action, en lien avec {self.topic}"],
        )

    def _educational_explainer(self) -> dict:
        return dict(
            hook=self.pick(f"{self.kc}{C} on vous explique tout en une minute.",
                           f"{self.kc}{C} de quoi parle-t-on, et pourquoi tout le monde en parle{Q}",
                           f"{self.kc}, l’essentiel en bref."),
            context=f"{self.Topic} fait l’actualité ({self.reach()}{NB}; dernier article en date, "
                    f"{self.outlet}{C} {self.q(self.title)}).",
            why=f"L’essentiel pour {self.audience}{C} ce qui change, qui est concerné et quoi "
                "faire ensuite.",
            bullets=[f"Ce qui s’est passé{C} {self.title} ({self.outlet})",
                     f"Qui est concerné{C} {self.audience}",
                     f"Pourquoi cela nous importe{C} cela touche à {self.m}, le cœur "
                     f"{de(self.product)}"],
            cta=self.pick(f"Que devrions-nous expliquer la prochaine fois{Q}",
                          f"Quelque chose reste flou sur {self.topic}{Q}"),
            screen=_clip(f"{self.kc} en 60 secondes", 60),
            shots=["Carton titre avec la question", "Trois faits rapides, un par plan",
                   f"Conclure sur {self.product}{C} ce que cela change pour vous"],
        )

    def _opinion_hot_take(self) -> dict:
        opener = "Avis tranché" if (self.playful or self.bold) else "Notre regard"
        return dict(
            hook=self.pick(f"{opener}{C} {self.topic} compte davantage pour {self.audience} que ne "
                           "le laissent penser les gros titres.",
                           f"{opener}{C} {self.topic} n’a plus rien d’une niche.",
                           f"{opener}{C} ce mois-ci, {self.topic} mérite toute votre attention."),
            context=f"{self.Topic} est partout en ce moment ({self.reach()}). Voici notre position.",
            why=f"Nous concevons {self.product} pour {self.audience}, et c’est sur {self.m} que nous "
                "en voyons les effets en premier.",
            cta=self.pick(f"D’accord, ou pas du tout{Q}", f"Et vous, qu’en pensez-vous{Q}",
                          "Convainquez-nous du contraire."),
            screen=_clip(f"{opener}{C} {self.k}", 60),
            shots=[f"Face caméra{C} l’avis en une phrase", "Un titre à l’écran comme preuve",
                   "Inviter le public à donner son avis en commentaire"],
        )

    def _data_point(self) -> dict | None:
        fact = number_fact(self.sources)
        link = None
        if fact:
            quote, number, source = fact
            link = source.url
            stat = f"{self.q(quote)} ({self.source_name(source)})"
            screen = _clip(f"{number}{C} {self.k}", 60)
        elif self.nall >= 3:
            stat = f"{self.nall} sources couvrent déjà {self.topic}"
            screen = _clip(f"{self.nall} sources{C} {self.k}", 60)
        else:
            return None
        return dict(
            link=link,
            hook=_sentence(self.pick(f"En chiffres{C} {stat}", f"Un chiffre sur {self.topic}{C} {stat}")),
            context=_sentence(stat),
            why=f"Pourquoi c’est important pour {self.audience}{C} ce genre de chiffre fait passer "
                f"{self.m} de la niche au quotidien.",
            cta=self.pick(f"Ce chiffre vous surprend-il{Q}",
                          f"Plus ou moins que ce que vous imaginiez{Q}"),
            screen=screen,
            shots=["Le chiffre en grand à l’écran", f"D’où il vient{C} le titre",
                   f"Ce qu’il change pour {self.audience}"],
        )

    def _customer_question(self) -> dict:
        return dict(
            hook=self.pick(f"{self.q(f'{self.kc}{C} qu’est-ce que ça change pour moi{Q}')} Notre "
                           f"réponse pour {self.audience}.",
                           f"Vous vous demandez ce que {self.topic} change pour vous{Q} Cette "
                           "publication est pour vous.",
                           f"La question de la semaine{C} faut-il suivre {self.topic} de près{Q}"),
            context=f"{self.Topic} revient sans cesse (dernier exemple{C} {self.outlet}, "
                    f"{self.q(self.title)}).",
            why=f"La réponse honnête{C} tout dépend de la place que prend {self.m} dans votre "
                f"quotidien. Voici comment nous l’envisageons avec {self.product}.",
            cta=f"Que voulez-vous encore savoir sur {self.topic}{Q} Posez vos questions en "
                "commentaire.",
            screen=_clip(f"{self.kc}{C} ça me concerne{Q}", 60),
            shots=["La question à l’écran", "La réponse en trois lignes courtes",
                   f"Où {self.product} entre en jeu"],
        )

    def _behind_the_scenes(self) -> dict:
        return dict(
            hook=self.pick(f"Dans les coulisses {de(self.company)}{C} comment nous lisons "
                           f"l’actualité sur {self.topic}.",
                           f"Un œil dans nos coulisses{C} ce que {self.topic} change pour notre "
                           f"travail sur {self.product}."),
            context=f"Nous suivons ce type d’actualité de près ({self.outlet}{C} {self.q(self.title)}), "
                    f"car {self.m} est au cœur {de(self.product)}.",
            why="Voici ce que nous surveillons, et pourquoi.",
            cta=f"Envie de voir davantage nos coulisses{Q}",
            screen=_clip(f"{self.kc}{C} notre regard", 60),
            shots=["Un membre de l’équipe au travail, le titre en sous-titre",
                   f"Des notes au tableau blanc{C} ce que nous surveillons",
                   f"Gros plan sur {self.product}"],
        )

    def _myth_busting(self) -> dict:
        return dict(
            hook=self.pick(f"Idée reçue ou réalité{C} {self.k}.",
                           f"{self.kc}{C} ce que les titres disent de vrai, et ce qu’ils oublient."),
            context=f"Avec {self.reach()} sur {self.topic}, difficile de ne pas confondre le titre "
                    "et les détails.",
            why=f"Ce qui compte pour {self.audience}{C} regarder au-delà du titre, du côté de {self.m}.",
            cta=f"Quelle idée reçue sur {self.topic} entendez-vous sans arrêt{Q}",
            screen=_clip(f"Mythe ou réalité{Q} {self.kc}", 60),
            shots=["L’idée reçue à l’écran", "La réalité, avec la source à l’écran",
                   f"Ce que cela change pour {self.audience}"],
        )

    def _prediction(self) -> dict:
        status = STATUS.get(self.ctx.status, "le sujet continue d’évoluer")
        return dict(
            hook=self.pick(f"Notre pronostic{C} {self.topic} comptera pour {self.audience} plus tôt "
                           "qu’on ne le pense.",
                           f"Où va {self.topic}{Q} Notre pari.",
                           f"Retenez bien ceci{C} {self.topic} ne fait que commencer."),
            context=f"{self.kc}{C} {self.reach()}, et {status}.",
            why=f"Notre pari{C} pour {self.audience}, c’est par {self.m} que cela se fera sentir, "
                f"et nous concevons {self.product} en conséquence.",
            cta=self.pick(f"Selon vous, où cela va-t-il nous mener{Q}", f"Vous pariez avec nous{Q}"),
            screen=_clip(f"Notre pronostic{C} {self.k}", 60),
            shots=["Le pronostic en gros à l’écran", f"Le signal{C} les titres qui s’accumulent",
                   f"Question{C} d’accord ou pas{Q}"],
        )
