"""Swedish: how danger is written (see helpdesk.danger_words)."""

# ruff: noqa: E501 (a pattern reads best on one line)
from .patterns import INFECTION, alt

_WHO = alt(
    "han",
    "hon",
    "de",
    "dom",
    r"min (?:man|make|fru|son|dotter|sambo|pojkvan|flickvan|exman|granne)",
    "mannen",
    "maken",
    "sonen",
    "dottern",
    r"sambo\w*",
    r"pojkvan\w*",
    r"exman\w*",
    r"svarson\w*",
    r"barnbarn\w*",
    r"granne\w*",
    "pappa",
    "mamma",
    r"styv\w+",
)
_ME = alt("mig", "mej", "oss", "barnen", "barnet")
# Someone taking the phone away is abuse when the text says so; "tog min mobil till
# reparation" is not, and goes to an operator only.
_PHONE = r"(?:tar|tog|tagit) (?:min|mitt) (?:telefon|mobil)(?!nummer)\w*"
_HIT = alt("sla", "slar", "slog", "slagit", "slagits")
# "Jag ramlade och slog mig": slå sig is to hurt oneself falling.
_FELL = r"(?:ramla\w*|foll|trillade|halkade|snubblade) och (?:slog|slagit|slar) (?:mig|mej)"
VOCABULARY = {
    "violence": [
        (rf"(?<!jag )(?<!ja ){_HIT}(?: \w+)? {_ME}", _FELL),
        rf"{_WHO} (?:har )?{_HIT}\b(?! (?:en |ett )?(?:signal\w*|larm\w*|ihjal tid|rekord\w*|vad|i|pa|av|in|ut|till|sig|ihop|upp)\b)",
        r"(?:blir|blev|blivit) (?:slagen|slagna|misshandlad\w*)",
        r"misshandl\w*",
        r"vald(?! (?:till|av|att|in|som|ut|bland|for|ordforande|i valet)\b)",
        r"valdet",
        r"valds\w*",
        r"(?:sparka|knuffa|nypa|riva|bita)\w* (?:mig|mej|oss|barnen|omkull|ner mig)",
        r"stryp\w*",
        r"orfil\w*",
        r"hota\w* (?:mig|mej|barnen)",
        (r"hota\w* (?:oss|att|med)", INFECTION),
        r"(?:knivhot|dodshot|mordhot)\w*",
        r"hot om vald",
        rf"(?:ska|skall|kommer att|kommer|vill|hotar att|hotade att|forsokte|forsoker|tanker) (?:\w+ )?(?:doda|morda|skjuta|sla ihjal|knivhugga|strypa) {_ME}",
        rf"{_WHO} (?:\w+ ){{0,2}}(?:dodar|mordar|skjuter|slar ihjal|ta livet av|tar livet av) {_ME}",
        rf"{_WHO} (?:har|tog fram|drog|viftar med|hotar med|hotade med|kom med) (?:en |ett |sin |sitt )?(?:kniv|vapen|pistol|gevar|yxa)\w*",
        rf"(?:radd|rad|livradd|skrammd|skramd|skraj) for (?:{_WHO}|honom|henne|dem)",
        r"inte (?:saker|trygg) hemma",
        r"otrygg hemma",
        r"kvinnojour\w*",
        r"skyddat boende",
        r"forfolj\w* (?:mig|mej)",
        r"stalka\w*",
    ],
    "violence?": [
        (
            r"(?:radd|rad|skrammd|otrygg|orolig) (?:hemma|i hemmet|att (?:ga|aka|komma) hem)",
            INFECTION,
        ),
        (r"vagar inte (?:ga |aka |komma )?(?:hem|vara hemma)", INFECTION),
        (r"(?:inte|ej) trygg med", INFECTION),
        (r"hotar", INFECTION),
        r"kastar saker",
    ],
    "sexual": [
        r"valdt\w*",
        r"sexuell\w* (?:overgrepp|trakasser\w*|ofredande|vald|tvang|utnyttja\w*)",
        r"overgrepp\w*",
        r"tvinga\w* (?:mig |mej )?(?:till |att ha )?sex\w*",
        r"tafsa\w*",
        r"antasta\w*",
        r"ofredar",
    ],
    "elder_abuse": [
        r"la(?:ser|ste|st|sa) in (?:mig|mej|oss)",
        r"inlast\w*",
        rf"{_PHONE}(?: \w+){{0,4}} (?:inte kan ringa|kan inte ringa|far inte ringa|bankkort\w*|pengar)",
        r"(?:tar|tog|tagit) ifran mig (?:min|mitt) (?:telefon|mobil)\w*",
        r"(?:gommer|gomde|gomt) (?:min|mitt) (?:telefon|mobil)(?!nummer)\w*",
        r"(?:stjal|stal|snor|snodde)\w* (?:mina|min|mitt) (?:pengar|pension|bankkort|kort|smycken)",
        r"stjal fran mig",
        r"tvinga\w* (?:mig|mej) att (?:ge|betala|skriva|lamna|fora over)",
    ],
    "elder_abuse?": [
        _PHONE,
        r"(?:tar|tog|tagit) (?:min|mina|mitt|all min|alla mina) (?:pension|pengar|bankkort|kort)",
        (r"far inte (?:ringa|ga ut|traffa|prata med)", INFECTION),
    ],
    "self_harm": [
        r"sj?alv?mor[dt]\w*",
        r"ta (?:mitt|mitt eget) liv",
        r"(?:ta|tar) livet av (?:mig|mej)",
        r"vill (?:\w+ )?inte (?:\w+ )?(?:leva|finnas)",
        r"vill (?:\w+ )?do",
        r"orkar inte (?:leva|finnas)",
        r"ingen mening (?:att|med att) leva",
        r"ingen mening med livet",
        r"(?:skada|skadar|skar) mig sjalv",
        r"sjalvskad\w*",
        r"overdos\w*",
        r"hanga mig",
    ],
    "self_harm?": [
        r"orkar inte (?:mer|langre)(?! (?:med|att|handla|ga|stada|laga|diska|vanta))",
        r"klarar inte (?:mer|av livet)$",
        r"vill inte vara kvar",
    ],
}

# A young writer or a harmed child (see helpdesk.danger_words.YOUTH).
YOUTH = [
    "pappa",
    "mamma",
    r"styv(?:pappa|mamma|far|mor)",
    r"foraldrar\w*",
    r"skol\w*",
    r"larare\w*",
    r"jag ar 1[0-7]",
    "barnen",
    "barnet",
]
