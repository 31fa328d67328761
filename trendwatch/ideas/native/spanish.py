"""Drafts in Spanish, written for Spanish-language accounts.

Questions and exclamations open with ¿ and ¡, quotations use «…» (the RAE's first choice),
the reader is addressed as "tú", the register of most brand accounts from Madrid to Mexico
City. Sentences avoid articles that would have to agree with a keyphrase of unknown gender.
"""

from __future__ import annotations

from trendwatch.ideas.writer import _clip, _sentence, _Writer, first_word, number_fact

STATUS = {"emerging": "la cobertura va en aumento", "watch": "conviene vigilarlo de cerca",
          "established": "el tema ya está consolidado", "fading": "la cobertura se apaga"}
_ARTICLES = ("Un", "Una", "El", "La", "Los", "Las", "Nuestro", "Nuestra")
_SHOT_STARTS = ("Cierre", "Invitar", "La", "El", "Los", "Las", "Un", "Una", "Tres", "Qué", "Dónde",
                "Primer", "Reacción", "Cartela", "Notas", "Alguien", "Pregunta")


class SpanishWriter(_Writer):
    language = "es"
    COMMUNITY = "nuestra comunidad"
    PUBLIC_POST = "una publicación pública"
    POST_ON = "una publicación en {platform}"
    THE_NEWS = "las noticias"
    AND = " y "
    QUOTE = ("«", "»")
    FRAME_SHORT_VERSION = "En resumen:"
    FRAME_SOURCES = "Fuentes:"
    FRAME_MORE_ABOUT = "Más sobre {pitch}: {url}"
    FRAME_CAROUSEL = "Idea para carrusel:"
    FRAME_LINK_IN_BIO = "Enlace en la bio."
    FRAME_VIDEO = {"tiktok": "🎬 Idea para TikTok (20–30 s)",
                   "youtube": "🎬 Idea para un YouTube Short (20–30 s)"}
    FRAME_ON_SCREEN_HOOK = "Gancho en pantalla:"
    FRAME_CAPTION = "Texto:"
    FRAME_ON_SCREEN = "En pantalla:"
    FRAME_SHOW = "Mostrar:"
    FRAME_DISCLOSURE = "(Aviso: publicado por el equipo de {company}.)"
    TAGS = {"x": 2, "bluesky": 2, "mastodon": 3, "threads": 1, "linkedin": 3, "instagram": 5,
            "tiktok": 4, "facebook": 2, "snapchat": 1, "youtube": 3, "reddit": 0}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Spanish needs an article before a noun, and a keyphrase's gender is unknown: inside a
        # sentence it is a label, «el tema «…»», whose article is always "el"
        self.kq = self.q(self.k)
        self.topic = f"el tema {self.kq}"
        self.Topic = f"El tema {self.kq}"
        matched = [self.q(self.quoted(m)) for m in self.ctx.matched
                   if m.casefold() != self.ctx.product.name.casefold()]
        self.m = " y ".join(matched[:2]) if matched else self.kq

    def lower_first(self, text: str) -> str:
        first = text.split(" ", 1)[0]
        return text[:1].lower() + text[1:] if first in _ARTICLES else text

    def then(self, first: str, last: str) -> str:
        word = first_word(last)
        last = last[:1].lower() + last[1:] if word in _SHOT_STARTS else last
        return f"{first}; después, {last}"

    def reach(self) -> str:
        if self.n24 >= 2:
            return f"{self.n24} fuentes en las últimas 24 horas"
        return f"{self.nall} fuente{'s' if self.nall != 1 else ''} hasta ahora"

    def _news_jacking(self) -> dict:
        return dict(
            hook=self.pick(f"Según {self.outlet}: {_sentence(self.title)}",
                           f"Última hora: {_sentence(self.title)}",
                           f"Momento clave para {self.topic}: {_sentence(self.title)}"
                           if self.k_raw.casefold() not in self.title.casefold()
                           else f"Para leer con calma: {_sentence(self.title)}"),
            context=f"Según {self.outlet}: {self.q(self.title)}.",
            why=f"Para {self.audience}, esto va de {self.m}: justo el día a día para el que se creó "
                f"{self.product}.",
            cta=self.pick("¿Cuál es tu primera reacción?", "¿Buena noticia o llega tarde?",
                          "¿Cambia esto algo para ti?"),
            screen=_clip(f"{self.kc}: lo que acaba de pasar", 60),
            shots=["El titular en pantalla, leído de un tirón",
                   f"Reacción rápida: qué significa para {self.audience}",
                   f"{self.product} en acción, vinculado al tema {self.kq}"],
        )

    def _educational_explainer(self) -> dict:
        return dict(
            hook=self.pick(f"{self.kc}: te lo explicamos en un minuto.",
                           f"¿Qué pasa con {self.topic} y por qué todo el mundo habla de ello?",
                           f"{self.kc} en pocas palabras."),
            context=f"{self.Topic} está en las noticias ({self.reach()}; lo último, en {self.outlet}: "
                    f"{self.q(self.title)}).",
            why=f"Lo esencial para {self.audience}: qué ha cambiado, a quién afecta y qué hacer ahora.",
            bullets=[f"Qué ha pasado: {self.title} ({self.outlet})",
                     f"A quién afecta: {self.audience}",
                     f"Por qué nos importa: toca de lleno {self.m}, la razón de ser de {self.product}"],
            cta=self.pick("¿Qué quieres que expliquemos la próxima vez?",
                          f"¿Te queda alguna duda sobre {self.topic}?"),
            screen=_clip(f"{self.kc} en 60 segundos", 60),
            shots=["Cartela con la pregunta", "Tres datos rápidos, uno por plano",
                   f"Cierre con {self.product}: qué significa para ti"],
        )

    def _opinion_hot_take(self) -> dict:
        opener = "Opinión sin filtro" if (self.playful or self.bold) else "Nuestra opinión"
        return dict(
            hook=self.pick(f"{opener}: {self.topic} importa más para {self.audience} de lo que "
                           "sugieren los titulares.",
                           f"{opener}: {self.topic} ya no es cosa de nicho.",
                           f"{opener}: este mes, no le quites ojo al tema {self.kq}."),
            context=f"{self.Topic} está en todas partes ({self.reach()}). Esta es nuestra postura.",
            why=f"Creamos {self.product} para {self.audience}, y es en {self.m} donde vemos primero "
                "el efecto.",
            cta=self.pick("¿De acuerdo o nos equivocamos?", "¿Tú qué opinas?",
                          "Convéncenos de lo contrario."),
            screen=_clip(f"{opener}: {self.k}", 60),
            shots=["A cámara: la opinión en una frase", "Un titular en pantalla como prueba",
                   "Invitar a dejar su opinión en comentarios"],
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
            stat = f"{self.nall} fuentes ya cubren {self.topic}"
            screen = _clip(f"{self.nall} fuentes: {self.k}", 60)
        else:
            return None
        return dict(
            link=link,
            hook=_sentence(self.pick(f"En cifras: {stat}", f"Un dato sobre {self.topic}: {stat}")),
            context=_sentence(stat),
            why=f"Por qué importa para {self.audience}: cifras así llevan {self.m} del nicho a lo "
                "cotidiano.",
            cta=self.pick("¿Te sorprende esta cifra?", "¿Más alta o más baja de lo que esperabas?"),
            screen=screen,
            shots=["La cifra, en grande en pantalla", "De dónde sale: el titular",
                   f"Qué significa para {self.audience}"],
        )

    def _customer_question(self) -> dict:
        return dict(
            hook=self.pick(f"{self.q(f'{self.kc}: ¿y eso qué significa para mí?')} Nuestra respuesta "
                           f"para {self.audience}.",
                           f"Si te preguntas qué cambia {self.topic} para ti, esta publicación es "
                           "para ti.",
                           f"Pregunta de la semana: ¿merece la pena seguir de cerca {self.topic}?"),
            context=f"{self.Topic} no deja de aparecer (lo último: {self.outlet}, {self.q(self.title)}).",
            why=f"La respuesta honesta: depende del papel que juegue {self.m} en tu día a día. Así "
                f"lo vemos con {self.product}.",
            cta=f"¿Qué más quieres saber sobre {self.topic}? Pregúntanos en los comentarios.",
            screen=_clip(f"{self.kc}: ¿me afecta?", 60),
            shots=["La pregunta en pantalla", "La respuesta en tres líneas cortas",
                   f"Dónde encaja {self.product}"],
        )

    def _behind_the_scenes(self) -> dict:
        return dict(
            hook=self.pick(f"Entre bastidores en {self.company}: así leemos las noticias sobre "
                           f"{self.topic}.",
                           f"Una mirada dentro de {self.company}: qué supone {self.topic} para "
                           f"nuestro trabajo en {self.product}."),
            context=f"Seguimos de cerca noticias como esta ({self.outlet}: {self.q(self.title)}), "
                    f"porque {self.m} está en el centro de {self.product}.",
            why="Esto es lo que vigilamos, y por qué.",
            cta="¿Quieres ver más de lo que pasa entre bastidores?",
            screen=_clip(f"{self.kc}: cómo lo vemos", 60),
            shots=["Alguien del equipo trabajando, con el titular como rótulo",
                   "Notas en la pizarra: lo que vigilamos", f"Primer plano de {self.product}"],
        )

    def _myth_busting(self) -> dict:
        return dict(
            hook=self.pick(f"Mito o realidad: {self.k}.",
                           f"{self.kc}: lo que los titulares aciertan y lo que se les escapa."),
            context=f"Con {self.reach()} sobre {self.topic}, es fácil confundir el titular con los "
                    "detalles.",
            why=f"Lo que importa para {self.audience}: mirar más allá del titular, hacia {self.m}.",
            cta=f"¿Qué mito sobre {self.topic} oyes una y otra vez?",
            screen=_clip(f"¿Mito o dato? {self.kc}", 60),
            shots=["El mito en pantalla", "La realidad, con la fuente en pantalla",
                   f"Qué significa para {self.audience}"],
        )

    def _prediction(self) -> dict:
        status = STATUS.get(self.ctx.status, "el tema sigue en movimiento")
        return dict(
            hook=self.pick(f"Nuestra predicción: {self.topic} va a importar para {self.audience} "
                           "antes de lo que muchos creen.",
                           f"¿Hacia dónde va {self.topic}? Nuestra apuesta.",
                           f"Apunta esto: {self.topic} no ha hecho más que empezar."),
            context=f"{self.kc}: {self.reach()}, y {status}.",
            why=f"Nuestra apuesta: para {self.audience}, el cambio se notará primero en {self.m}, y "
                f"con eso en mente construimos {self.product}.",
            cta=self.pick("¿Hacia dónde crees que va esto?", "¿Te sumas a nuestra apuesta?"),
            screen=_clip(f"Nuestra predicción: {self.k}", 60),
            shots=["La predicción, en grande en pantalla", "La señal: titulares que se acumulan",
                   "Pregunta: ¿de acuerdo o no?"],
        )
