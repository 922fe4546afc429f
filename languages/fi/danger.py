"""Finnish: how danger is written (see languages.danger_patterns)."""

# ruff: noqa: E501 (a pattern reads best on one line)
from languages.danger_patterns import HIT, INFECTION, MEDICAL, alt, near

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
# Family named without "my", as people write of who keeps them ("poika ei päästä minua
# ulos"); not in _WHO, where "poika potki palloa" would read as violence.
_KIN = alt(
    _WHO,
    "poika",
    "tytar",
    "vavy",
    "minia",
    r"pojanpoika\w*",
    r"tyttarenpoika\w*",
    r"pojantytar\w*",
    r"tyttarentytar\w*",
    r"lapsenlaps\w*",
)
# What someone close takes or keeps to hold an older person.
_MONEY = alt(
    r"rahani", "rahat", "rahojani", "rahaa", r"elakkeeni", r"elakerahani", r"elakerahat", "saastoni"
)
_THINGS = alt(
    _MONEY,
    r"(?:pankki)?korttini",
    "puhelimeni",
    "puhelimen",
    "kannykkani",
    "avaimeni",
    "avaimet",
    "passini",
    "lompakkoni",
    "henkilokorttini",
)
_TAKES = r"(?:vie|vei|veivat|vievat|ottaa|otti|ottivat|ottavat|pitaa|piti|piilott\w*|varast\w*)"
_TAKES_THING = rf"{_TAKES} (?:minulta |multa )?(?:minun |mun )?{_THINGS}"
# Keeping someone from the door, the phone, food or other people; "ajaa autoa" is not.
_KEEPS_ME = alt(
    r"(?:ei|eika|eivat) (?:anna|paasta|salli) (?:minun|mun|minua|mua|meidan) (?:\w+ )?(?:soittaa|tavata|nahda|lahtea|menna|ulos|syoda|nukkua|puhua|kayda)",
    r"(?:ei|eika|eivat) anna (?:minulle|mulle) (?:ruokaa|syotavaa|puhelinta|rahaa)",
    r"en saa (?:soittaa|lahtea|menna ulos|tavata|syoda)",
)
VOCABULARY = {
    "violence": [
        near(_HIT, alt(_WHO, _ME), 3),
        near(alt("loi", "loivat"), _ME, 2),
        rf"{_WHO} (?:\w+ )?{HIT} (?:\w+ )?{_ME}",
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
        # All of it, two of the things at once, or the things with a ban.
        rf"{_TAKES} (?:minulta |multa )?(?:minun |mun )?(?:kaikki|kaiken) (?:minun |mun )?{_THINGS}",
        rf"{_TAKES_THING}(?: \w+){{0,3}} (?:ja|seka) (?:\w+ )?{_THINGS}",
        near(_TAKES_THING, _KEEPS_ME, 8),
        rf"{_KIN} (?:\w+ ){{0,2}}{_KEEPS_ME}",
    ],
    "elder_abuse?": [
        _PHONE,
        r"(?:ottaa|otti|vie|vei|pitaa) (?:minun )?(?:elakkeeni|rahani|pankkikorttini|korttini)",
        rf"{_TAKES} (?:minun |mun )?passini",
        (_KEEPS_ME, MEDICAL),
    ],
    "self_harm": [
        r"itse ?murh\w*",
        r"(?:tappaa|tapan|tappaisin) itseni",
        r"haluai?s?i?n kuolla",
        r"haluun kuolla",
        r"en (?:halua|haluu) (?:enaa )?elaa",
        r"en jaksa (?:enaa )?elaa",
        r"nukah\w*(?: \w+){0,2} (?:enka|eika|en) (?:\w+ )?(?:heraisi|heraa|herata)",
        r"(?:otan|otin|ottaa|nielen|nielaisen|syon) (?:kaikki|kaikki mun|kaikki minun) (?:\w+ )?(?:pillerit|laakkeet|tabletit|unilaakkeet|pillerini|laakkeeni|tablettini)(?: \w+)? (?:kerralla|kerrallaan|yhdella kertaa|samaan aikaan)",
        r"(?:satutta|vahingoitta|viilla|viilta|viilt)\w* itse\w*",
        r"viiltel\w*",
        r"(?:paattaa|lopettaa) elamani",
    ],
    "self_harm?": [
        r"en jaksa enaa\b(?! (?:odottaa|kavella|kantaa|kayda|siivota|tehda|laittaa|portaita))",
        r"ei ole (?:mitaan )?syyta elaa",
    ],
}

# A young writer or a harmed child: the pack's danger_youth (read in helpdesk.safety).
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
