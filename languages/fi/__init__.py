"""Finnish (suomi). Cases and consonant gradation are covered by word starts ("apteek*")."""

from languages.pack import LanguagePack

from . import danger

PACK = LanguagePack(
    code="fi",
    name="suomi",
    opt_out_words=("lopeta",),
    opt_in_words=("aloita",),
    help_words=("apua",),
    accept_words=("kyllä", "kylla"),
    decline_words=("ei",),
    done_words=("valmis",),
    pause_words=("tauko",),
    resume_words=("aloita", "jatka"),
    cancel_word="PERUUTA",
    cancel_words=("peruuta", "peru"),
    need_phrases={
        "pharmacy": ("apteek*", "lääke*", "lääkkeet", "resepti*"),
        "groceries": ("kauppa*", "kaupa*", "ruoka*", "ruokaa", "ostoks*"),
        "transport": ("kyyti*", "kuljetu*"),
        "phone_friend": ("yksinäi*", "jutella", "juttuseura*"),
        "callback": ("soita*", "soitta*"),
    },
    thanks_words=(
        *("kiitos*", "kiitti", "kiva*", "ihana*", "mukava*", "hyvä*", "hyvin", "loistava*"),
        *("ystävälli*",),
    ),
    ask_words=(
        *("voisitte*", "voitteko", "voisitko", "voitko", "tarvit*", "auttakaa", "pyydän"),
        *("soittakaa", "soita minulle"),
    ),
    help_asking_words=("apua", "avun"),
    not_asking_words=("en tarvitse", "ei tarvitse", "emme tarvitse", "en halua"),
    complaint_words=(
        *("ei tullut", "ei tuonut", "koskaan", "myöhässä", "myöhästy*", "töykeä*", "huono*"),
        *("unohti", "pettynyt", "valitus*"),
    ),
    clause_words=("mutta",),
    safe_call_phrases=(
        *("älä soita", "älkää soittako", "soita vasta", "soita kun", "ei viestiä", "älä jätä"),
        *("älkää jättäkö", "yksin kotona", "turvallista soittaa"),
    ),
    call_words=("soita*", "soitta*"),
    day_times=("aamu*", "iltapäiv*", "illa*", "huomen*", "arki*"),
    clock_patterns=(
        r"\bklo\s\d{1,2}\b",
        r"\b(?:jalkeen|ennen)\s(?:klo )?\d{1,2}\b",
        r"\b\d{1,2}\s(?:jalkeen|ennen)\b",
    ),
    danger=danger.VOCABULARY,
    danger_youth=tuple(danger.YOUTH),
    hints=(
        "hei moi minä ja on ei se apua tarvitsen kiitos ruoka kauppa apteekki lääke soita "
        "minulle voitko olen haluan"
    ),
    # Finnish doubles vowels and ends words in -ni/-lle/-ssa far more than the others.
    word_shapes=r"(aa|ee|ii|uu|yy|ll|kk|tt)|(lle|ssa|ssä|sta)$",
    voice="Polly.Suvi",
    voice_language="fi-FI",
    voice_menu="Suomeksi, paina {key}.",
)
