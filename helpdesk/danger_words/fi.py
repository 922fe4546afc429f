"""Finnish: how danger is written (see helpdesk.danger_words)."""

# ruff: noqa: E501 (a pattern reads best on one line)
from .patterns import INFECTION, alt, near

_WHO = alt(
    r"(?:entinen )?mieheni",
    "mies",
    "vaimoni",
    "poikani",
    r"tyttareni",
    "vavyni",
    "miniani",
    "lapsenlapseni",
    r"isa\w*",
    r"aiti\w*",
    r"poikaystava\w*",
    r"ex\w*",
    r"naapuri\w*",
    "han",
    "he",
    r"vanhemp\w*",
)
_ME = alt("minua", "mua", "minut", "mut", "meita", "meidat", r"lap(?:sia|set|si|sen)\w*", "lasta")
_HIT = alt(
    r"lyo\w*",
    r"hak(?:ka|an|at)\w*",
    r"potk(?:ii|i|ai|iv|in)\w*",
    r"tonai\w*",
    "tonii",
    r"tuupp\w*",
    r"tyrk\w*",
    r"satutt\w*",
)
_PHONE = r"(?:vei|vie|ottaa|otti) (?:minun |mun )?(?:puhelimeni|kannykkani)"
VOCABULARY = {
    "violence": [
        near(_HIT, alt(_WHO, _ME), 3),
        near(alt("loi", "loivat"), _ME, 2),
        r"kurist\w*",
        r"vakival(?:t|l)\w*",
        (near(r"uhka(?:a|si|il|avat|sivat)\w*", alt(_WHO, _ME), 3), INFECTION),
        r"uhka\w* (?:tappaa|tappamalla|lyoda|veitsella|aseella)",
        rf"{_WHO}(?: \w+){{0,3}} (?:tappaa|tappavat|tappaisi|tappoi|tapan) (?:minut|mut|meidat|lapset)",
        r"(?:pelkaan|pelkaa|pelottaa) (?:hanta|heita|miestani|poikaani|tytartani|vaimoani|isaani|aitiani|exaani|poikaystavaani|naapuriani|vavyani)",
        r"en ole turvassa (?:kotona|hanen kanssaan)",
        r"turvako[td]\w*",
        r"vaino(?:aa|si|a|o)\w*",
    ],
    "violence?": [
        (r"(?:pelkaan|pelkaa|pelottaa)\w* (?:olla )?(?:kotona|kotiin|menna kotiin)", INFECTION),
        (r"en uskalla (?:menna |palata |olla )?(?:kotiin|kotona)", INFECTION),
        (r"uhkail\w*", INFECTION),
    ],
    "sexual": [
        r"raisk\w*",
        r"seksuaali\w* (?:vakival\w*|hairin\w*|hyvaksikay\w*|ahdistel\w*)",
        r"ahdistel\w*",
        r"pakott\w* (?:\w+ )?(?:seksiin|sukupuoliyhteyteen)",
        r"hyvaksikay\w*",
    ],
    "elder_abuse": [
        near(r"lukit\w*", alt("minut", "mut", "meidat"), 2),
        rf"{_PHONE}(?: \w+){{0,3}} (?:en voi|enka voi|pankkikort\w*|rahat\w*|rahani)",
        r"(?:piilott\w*|kielsi|otti minulta|vei minulta) (?:minun |mun )?(?:puhelimeni|puhelimen|kannykkani|kannykan)",
        r"varast\w* (?:minun |mun )?(?:rahani|rahat|rahojani|elakkeeni|korttini)",
        r"pakott\w* (?:\w+ ){0,2}(?:antamaan|maksamaan|allekirjoittamaan)",
    ],
    "elder_abuse?": [
        _PHONE,
        r"(?:ottaa|otti|vie|vei|pitaa) (?:minun )?(?:elakkeeni|rahani|pankkikorttini|korttini)",
    ],
    "self_harm": [
        r"itse ?murh\w*",
        r"(?:tappaa|tapan|tappaisin) itseni",
        r"haluai?s?i?n kuolla",
        r"haluun kuolla",
        r"en (?:halua|haluu) (?:enaa )?elaa",
        r"en jaksa elaa",
        r"(?:satutta|vahingoitta|viilla|viilta|viilt)\w* itse\w*",
        r"viiltel\w*",
        r"(?:paattaa|lopettaa) elamani",
    ],
    "self_harm?": [
        r"en jaksa enaa\b(?! (?:odottaa|kavella|kantaa|kayda|siivota|tehda|laittaa|portaita))",
        r"ei ole (?:mitaan )?syyta elaa",
    ],
}

# A young writer or a harmed child (see helpdesk.danger_words.YOUTH).
YOUTH = [
    r"isa\w*",
    r"aiti\w*",
    r"vanhemp\w*",
    r"koulu\w*",
    r"opettaja\w*",
    r"olen 1[0-7]",
    r"1[0-7] ?v(?:uotias|\b)",
    r"(?!lapseni\b)lap(?:sia|set|si|sen(?!lap))\w*",
    "lasta",
]
