import pytest

from trendwatch.analysis.headline import (
    BOILERPLATE,
    MAX_WORDS,
    choose_headline,
    clean_title,
    source_title,
    trim_words,
)
from trendwatch.analysis.label import (
    TopicDocs,
    is_keyphrase_label,
    label_topics,
    stable_label,
    stop_words,
)
from trendwatch.models import Label


def test_english_boilerplate_is_removed():
    assert clean_title("LIVE: Olympic downhill final postponed by snow (video) ...") == \
        "Olympic downhill final postponed by snow"
    assert clean_title("X outage hits millions of users worldwide. Continue reading") == \
        "X outage hits millions of users worldwide"
    assert clean_title("Peru's congress ousts President Jerí [updated] … Read more") == \
        "Peru's congress ousts President Jerí"
    assert clean_title("Breaking - Storm closes schools across the coast … more") == \
        "Storm closes schools across the coast"


def test_spanish_boilerplate_is_removed():
    assert clean_title("Chile libera a presos políticos tras la amnistía. Seguir leyendo") == \
        "Chile libera a presos políticos tras la amnistía"
    assert clean_title("EN VIVO: El Congreso de Perú destituye a Jerí (vídeo) Leer más") == \
        "El Congreso de Perú destituye a Jerí"


def test_french_boilerplate_is_removed():
    assert clean_title("Le gouvernement annonce une réforme des retraites … Lire la suite") == \
        "Le gouvernement annonce une réforme des retraites"
    assert clean_title("En direct : la grève paralyse les transports à Paris [mis à jour]") == \
        "la grève paralyse les transports à Paris"


def test_german_boilerplate_is_removed():
    assert clean_title("Bundestag beschließt Tempolimit auf Autobahnen (+) Weiterlesen") == \
        "Bundestag beschließt Tempolimit auf Autobahnen"
    assert clean_title("Liveblog: Streik legt den Bahnverkehr in Bayern lahm (Video) | mehr") == \
        "Streik legt den Bahnverkehr in Bayern lahm"


def test_arabic_boilerplate_is_removed():
    assert clean_title("عاجل: ارتفاع أسعار النفط في الأسواق العالمية - اقرأ المزيد") == \
        "ارتفاع أسعار النفط في الأسواق العالمية"
    assert clean_title("بالفيديو: فيضانات تغمر شوارع المدينة (فيديو) … المزيد") == \
        "فيضانات تغمر شوارع المدينة"


def test_every_language_has_a_table():
    assert {"en", "ar", "de", "fr", "es"} <= set(BOILERPLATE)
    assert all(b.leading and b.trailing and b.tags for b in BOILERPLATE.values())


@pytest.mark.parametrize("title", [
    "المزيد من الضحايا في الفيضانات",        # "more victims in the floods": a word, not a marker
    "Prices rise more",
    "Live-action film tops the weekend box office",
    "Iran talks - what we know so far",      # a lower-case tail is the headline's, not an outlet
])
def test_ordinary_words_stay(title):
    assert clean_title(title) == title


def test_outlet_suffixes_are_removed():
    assert clean_title("Iran and US resume nuclear talks in Geneva - Reuters") == \
        "Iran and US resume nuclear talks in Geneva"
    assert clean_title("X outage hits millions of users | BBC News") == "X outage hits millions of users"
    assert clean_title("Talks resume — theguardian.com") == "Talks resume"
    assert clean_title("Jerí ousted by congress in late-night vote - el comercio",
                       outlet="El Comercio") == "Jerí ousted by congress in late-night vote"


def test_links_mentions_and_trailing_tags_are_removed():
    assert clean_title("@bob New rules for drone pilots https://t.co/abc #drones #faa") == \
        "New rules for drone pilots"
    assert source_title(None, "Swappable batteries are coming to e-bikes. More soon https://x.y") == \
        "Swappable batteries are coming to e-bikes."


def test_trim_cuts_on_a_word_boundary():
    long = ("Thousands march through the capital on Sunday demanding new elections after the "
            "president dissolved parliament overnight")
    cut = trim_words(long, stop_words("en"))
    assert len(cut.split()) <= MAX_WORDS and long.startswith(cut)
    assert cut.split()[-1] not in stop_words("en")
    clause = "Storm Amy hits Ireland, thousands without power as winds reach 130 km/h across the west"
    assert trim_words(clause) == "Storm Amy hits Ireland"


SIX = [  # most central first
    "X SUFFERS MASSIVE GLOBAL OUTAGE!!!",
    "Is X down?",
    "X restores service after global outage hits millions of users - Reuters",
    "Global outage on X leaves millions of users unable to post | BBC News",
    "Millions of users hit as X suffers second global outage this week… Read more",
    "Tesla shares slip after delivery numbers disappoint",
]


def test_a_cluster_of_six_gets_a_clean_headline():
    head = choose_headline(SIX, stops=stop_words("en"))
    assert head is not None
    assert 4 <= len(head.split()) <= MAX_WORDS
    assert not any(s in head for s in ("Reuters", "BBC", "Read more", "…", "http", "?"))
    assert head != head.upper() and "Tesla" not in head
    assert "outage" in head and "X" in head.split()


def test_the_representative_title_beats_the_most_central_outlier():
    titles = ["Tesla shares slip after delivery numbers disappoint"] + SIX[2:5]
    assert "outage" in choose_headline(titles, stops=stop_words("en"))


def test_a_question_only_when_nothing_else():
    assert choose_headline(["Is X down for everyone right now?", "X down again today for users"]) == \
        "X down again today for users"
    assert choose_headline(["Is X down for everyone right now?"]) == "Is X down for everyone right now?"
    assert choose_headline(["x", "BREAKING NEWS ABOUT THE OUTAGE TODAY"]) is None


def test_topic_labels_are_headlines_with_keyphrases_underneath():
    docs = [TopicDocs(0, SIX[2:5] * 2, ["en"] * 6, titles=SIX, title_outlets=["Reuters"] * 6),
            TopicDocs(1, ["cake recipe with chocolate", "chocolate cake at home"], ["en"] * 2)]
    labels = label_topics(docs)
    assert "outage" in labels[0].label and "," not in labels[0].label
    assert not is_keyphrase_label(labels[0]) and "outage" in " ".join(labels[0].keywords)
    assert labels[1].label == "cake recipe with chocolate"


def test_hashtag_stays_in_front_within_fourteen_words():
    long = "Flood waters rise across the valley as rivers burst their banks and towns are evacuated"
    doc = TopicDocs(0, [long] * 4, ["en"] * 4, hashtags=[["flood"]] * 4,
                    accounts=["u1", "u2", "u3", "u4"])
    other = TopicDocs(1, ["cake recipe", "chocolate cake"], ["en"] * 2)
    label = label_topics([doc, other])[0].label
    assert label.startswith("#flood: ") and len(label.split()) <= MAX_WORDS


def test_a_headline_is_kept_while_the_topic_is_the_same_and_replaces_keyphrases():
    keywords = ["outage", "users", "global outage", "millions", "service"]
    old = Label("X restores service after global outage", keywords, [], ["en"])
    new = Label("Millions of users hit as X suffers outage", keywords[1:] + ["x"], [], ["en"])
    assert stable_label(old, new).label == old.label
    soup = Label("outage, users, global outage", keywords, [], ["en"])
    assert stable_label(soup, new).label == new.label
    assert stable_label(old, soup).label == old.label
