"""Drafts in German, written for German-language accounts.

The community is addressed as "ihr" (the usual register of brand accounts on social media),
quotations use „…“, nouns keep their capital letters (a product description is never
lower-cased), and posts carry fewer hashtags than in English: German feeds read one or two
as enough on X and Facebook.
"""

from __future__ import annotations

from trendwatch.ideas.writer import _clip, _sentence, _Writer, first_word, number_fact

STATUS = {"emerging": "die Berichterstattung nimmt gerade Fahrt auf",
          "watch": "das Thema steht unter Beobachtung",
          "established": "das Thema hat sich etabliert",
          "fading": "die Berichterstattung flaut ab"}


_ARTICLES = ("Ein", "Eine", "Einen", "Der", "Die", "Das", "Unser", "Unsere")


def sources_count(n: int) -> str:
    return "1 Quelle" if n == 1 else f"{n} Quellen"


class GermanWriter(_Writer):
    language = "de"
    COMMUNITY = "unsere Community"
    PUBLIC_POST = "ein öffentlicher Beitrag"
    POST_ON = "ein Beitrag auf {platform}"
    THE_NEWS = "die Nachrichten"
    AND = " und "
    QUOTE = ("„", "“")
    FRAME_SHORT_VERSION = "Kurz gesagt:"
    FRAME_SOURCES = "Quellen:"
    FRAME_MORE_ABOUT = "Mehr zu {pitch}: {url}"
    FRAME_CAROUSEL = "Idee fürs Karussell:"
    FRAME_LINK_IN_BIO = "Link in der Bio."
    FRAME_VIDEO = {"tiktok": "🎬 TikTok-Idee (20–30 Sek.)",
                   "youtube": "🎬 Idee für ein YouTube Short (20–30 Sek.)"}
    FRAME_ON_SCREEN_HOOK = "Texteinblendung:"
    FRAME_CAPTION = "Begleittext:"
    FRAME_ON_SCREEN = "Einblendung:"
    FRAME_SHOW = "Zeigen:"
    FRAME_DISCLOSURE = "(Transparenzhinweis: gepostet vom Team von {company}.)"
    TAGS = {"x": 1, "bluesky": 1, "mastodon": 3, "threads": 1, "linkedin": 3, "instagram": 5,
            "tiktok": 3, "facebook": 1, "snapchat": 1, "youtube": 2, "reddit": 0}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # a keyphrase may be singular or plural ("E-Bikes"): as a subject it goes behind
        # "das Thema", so the verb always agrees
        self.topic = f"das Thema {self.k}"
        self.Topic = f"Das Thema {self.k}"

    def lower_first(self, text: str) -> str:
        # only articles and possessives: German nouns keep their capital letter
        return text[:1].lower() + text[1:] if first_word(text) in _ARTICLES else text

    def then(self, first: str, last: str) -> str:
        return f"{first}, danach {last}"

    def reach(self) -> str:
        if self.n24 >= 2:
            return f"{self.n24} Quellen in den letzten 24 Stunden"
        return f"bisher {sources_count(self.nall)}"

    def _news_jacking(self) -> dict:
        return dict(
            hook=self.pick(f"{self.outlet} berichtet: {_sentence(self.title)}",
                           f"Gerade in den News: {_sentence(self.title)}",
                           f"Großer Moment für {self.k}: {_sentence(self.title)}"
                           if self.k_raw.casefold() not in self.title.casefold()
                           else f"Lesenswert: {_sentence(self.title)}"),
            context=f"{self.outlet} berichtet: {self.q(self.title)}.",
            why=f"Für {self.audience} geht es dabei um {self.m} – genau den Alltag, für den "
                f"{self.product} gemacht ist.",
            cta=self.pick("Was ist euer erster Gedanke?", "Gute Nachricht oder längst überfällig?",
                          "Ändert das etwas für euch?"),
            screen=_clip(f"{self.kc}: Was gerade passiert ist", 60),
            shots=["Die Schlagzeile eingeblendet, in einem Atemzug vorgelesen",
                   f"Kurze Reaktion: Was das für {self.audience} bedeutet",
                   f"{self.product} im Einsatz, mit Bezug zu {self.k}"],
        )

    def _educational_explainer(self) -> dict:
        return dict(
            hook=self.pick(f"{self.kc} in einer Minute erklärt.",
                           f"Worum geht es beim Thema {self.k} – und warum reden gerade alle darüber?",
                           f"{self.kc} kurz und knapp: das Wichtigste."),
            context=f"{self.Topic} ist in den Nachrichten ({self.reach()}; zuletzt bei {self.outlet}: "
                    f"{self.q(self.title)}).",
            why=f"Was {self.audience} wissen sollten: was sich geändert hat, wen es betrifft und "
                "was jetzt zu tun ist.",
            bullets=[f"Was passiert ist: {self.title} ({self.outlet})",
                     f"Wen es betrifft: {self.audience}",
                     f"Warum es uns angeht: Es berührt {self.m}, und darum geht es bei {self.product}"],
            cta=self.pick("Was sollen wir als Nächstes erklären?", f"Ist bei {self.k} noch etwas unklar?"),
            screen=_clip(f"{self.kc} in 60 Sekunden", 60),
            shots=["Titelkarte mit der Frage", "Drei schnelle Fakten, einer pro Schnitt",
                   f"Abschluss mit {self.product}: Was das für euch heißt"],
        )

    def _opinion_hot_take(self) -> dict:
        opener = "Steile These" if (self.playful or self.bold) else "Unsere Sicht"
        return dict(
            hook=self.pick(f"{opener}: {self.Topic} ist für {self.audience} wichtiger, als die "
                           "Schlagzeilen vermuten lassen.",
                           f"{opener}: {self.Topic} ist längst keine Nische mehr.",
                           f"{opener}: {self.Topic} gehört diesen Monat ganz oben auf eure Liste."),
            context=f"{self.Topic} ist gerade überall ({self.reach()}). So sehen wir das.",
            why=f"Wir entwickeln {self.product} für {self.audience}, und bei {self.m} sehen wir die "
                "Auswirkungen zuerst.",
            cta=self.pick("Seht ihr das auch so – oder liegen wir falsch?", "Wo steht ihr?",
                          "Überzeugt uns vom Gegenteil."),
            screen=_clip(f"{opener}: {self.k}", 60),
            shots=["Direkt in die Kamera: die These in einem Satz",
                   "Eine Schlagzeile als Beleg eingeblendet",
                   "Zuschauer einladen, ihre Sicht zu kommentieren"],
        )

    def _data_point(self) -> dict | None:
        fact = number_fact(self.sources)
        link = None
        if fact:
            quote, number, source = fact
            link = source.url
            stat = f"{self.q(quote)} ({self.source_name(source)})"
            screen = _clip(f"{number}: {self.k}", 60)
        elif self.nall >= 3:
            stat = (f"{self.n24} Quellen berichten in den letzten 24 Stunden über {self.k}"
                    if self.n24 >= 2 else f"Bisher berichten {self.nall} Quellen über {self.k}")
            screen = _clip(f"{self.nall} Quellen: {self.k}", 60)
        else:
            return None
        return dict(
            link=link,
            hook=_sentence(self.pick(f"Die Zahlen: {stat}", f"Eine Zahl zu {self.k}: {stat}")),
            context=_sentence(stat),
            why=f"Warum das für {self.audience} zählt: Solche Zahlen holen {self.m} aus der Nische "
                "in den Alltag.",
            cta=self.pick("Überrascht euch diese Zahl?", "Höher oder niedriger als gedacht?"),
            screen=screen,
            shots=["Die Zahl groß eingeblendet", "Woher sie stammt: die Schlagzeile",
                   f"Was sie für {self.audience} bedeutet"],
        )

    def _customer_question(self) -> dict:
        return dict(
            hook=self.pick(f"{self.q(f'{self.kc}: Was heißt das für mich?')} Unsere Antwort für "
                           f"{self.audience}.",
                           f"Ihr fragt euch, was {self.topic} für euch ändert? Dann ist dieser "
                           "Beitrag für euch.",
                           f"Frage der Woche: Lohnt es sich, {self.topic} im Blick zu behalten?"),
            context=f"{self.Topic} taucht immer wieder auf (zuletzt: {self.outlet}, "
                    f"{self.q(self.title)}).",
            why=f"Die ehrliche Antwort: Es kommt darauf an, welche Rolle {self.m} in eurem Alltag "
                f"spielt. So denken wir darüber mit {self.product}.",
            cta=f"Was wollt ihr noch über {self.k} wissen? Fragt in den Kommentaren.",
            screen=_clip(f"{self.kc}: Betrifft mich das?", 60),
            shots=["Die Frage als Einblendung", "Die Antwort in drei kurzen Zeilen",
                   f"Wo {self.product} ins Spiel kommt"],
        )

    def _behind_the_scenes(self) -> dict:
        return dict(
            hook=self.pick(f"Hinter den Kulissen bei {self.company}: So lesen wir die News zu {self.k}.",
                           f"Ein Blick ins Innere von {self.company}: Was {self.topic} für unsere "
                           f"Arbeit an {self.product} bedeutet."),
            context=f"Solche Nachrichten verfolgen wir genau ({self.outlet}: {self.q(self.title)}), "
                    f"denn bei {self.product} dreht sich alles um {self.m}.",
            why="Worauf wir achten – und warum.",
            cta="Lust auf mehr Einblicke hinter die Kulissen?",
            screen=_clip(f"Wie wir über {self.k} denken", 60),
            shots=["Teammitglied bei der Arbeit, Schlagzeile als Untertitel",
                   "Notizen am Whiteboard: Worauf wir achten", f"{self.product} in Nahaufnahme"],
        )

    def _myth_busting(self) -> dict:
        return dict(
            hook=self.pick(f"Mythos oder Wahrheit: {self.k}.",
                           f"{self.kc}: Was die Schlagzeilen richtig darstellen – und was sie auslassen."),
            context=f"Bei {self.reach()} zu {self.k} verwechselt man leicht Schlagzeile und Details.",
            why=f"Worauf es für {self.audience} ankommt: hinter die Schlagzeile schauen, auf {self.m}.",
            cta=f"Welchen Mythos über {self.k} hört ihr ständig?",
            screen=_clip(f"Mythos oder Fakt? {self.kc}", 60),
            shots=["Der Mythos als Einblendung", "Die Wirklichkeit, mit eingeblendeter Quelle",
                   f"Was das für {self.audience} bedeutet"],
        )

    def _prediction(self) -> dict:
        status = STATUS.get(self.ctx.status, "das Thema bleibt in Bewegung")
        return dict(
            hook=self.pick(f"Unsere Prognose: {self.Topic} wird für {self.audience} früher wichtig, "
                           "als viele denken.",
                           f"Wohin entwickelt sich {self.topic}? Unsere Wette.",
                           f"Merkt euch unsere Worte: {self.Topic} fängt gerade erst an."),
            context=f"{self.kc}: {self.reach()}, und {status}.",
            why=f"Unsere Wette: {self.audience} werden das über {self.m} spüren, und genau darauf "
                f"richten wir {self.product} aus.",
            cta=self.pick("Wohin geht die Reise, was meint ihr?", "Wettet ihr mit?"),
            screen=_clip(f"Unsere Prognose: {self.k}", 60),
            shots=["Die Prognose, fett eingeblendet", "Das Signal: Schlagzeilen, die sich häufen",
                   "Frage an euch: Zustimmung oder Widerspruch?"],
        )
