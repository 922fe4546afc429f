"""Swedish: how danger is written (see languages.danger_patterns)."""

# ruff: noqa: E501 (a pattern reads best on one line)
from languages.danger_patterns import HIT, INFECTION, MEDICAL, alt, near

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
    r"svardotter\w*",
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
# What someone close takes or keeps to hold an older person: money, the card, the keys, the
# phone, the passport; with "min/mitt/mina" or in the definite form.
_THINGS = alt(
    r"pengar\w*",
    r"pension\w*",
    r"sparpengar\w*",
    r"(?:bank|betal|id|leg)?kort(?:et|en)?",
    r"legitimation\w*",
    r"nycklar\w*",
    r"nyckel\w*",
    "passet",
    r"(?<=mitt )pass",  # "tar pass" alone is taking a shift
    r"telefon(?:en)?",
    r"mobil(?:en)?",
    r"planbok\w*",
)
_MINE = alt("min", "mitt", "mina")
_TAKES = alt(
    "tar",
    "ta",
    "tog",
    "tagit",
    r"har tagit",
    r"tar ifran mig",
    r"tog ifran mig",
    r"behall\w*",
    r"gom(?:mer|de|t)",
    r"tommer|tomde|tomt",
    r"(?:stjal|stal|snor|snodde)\w*",
)
_TAKES_THING = rf"{_TAKES} (?:{_MINE} )?{_THINGS}"
# Keeping someone from the phone, the door, food, sleep or other people; "köra bil" is not.
_KEPT_FROM = alt(
    "ringa",
    r"ga ut\w*",
    "ga",
    "komma ut",
    r"lamna \w+",
    r"traffa \w+",
    r"prata med \w+",
    "ata",
    "sova",
    "handla",
    "ha telefon",
    r"ga till \w+",
)
_KEEPS_ME = alt(
    rf"(?:later|lat|tillater) (?:mig|mej|oss) inte {_KEPT_FROM}",
    rf"(?:later|lat|tillater) inte (?:mig|mej|oss) {_KEPT_FROM}",
    r"slapper (?:inte ut (?:mig|mej|oss)|(?:mig|mej|oss) inte ut)",
    r"stanger in (?:mig|mej|oss)",
)
# "Jag ramlade och slog mig": slå sig is to hurt oneself falling.
_FELL = r"(?:ramla\w*|foll|trillade|halkade|snubblade) och (?:slog|slagit|slar) (?:mig|mej)"
VOCABULARY = {
    "violence": [
        (rf"(?<!jag )(?<!ja ){_HIT}(?: \w+)? {_ME}", _FELL),
        rf"{_WHO} (?:har )?{_HIT}\b(?! (?:en |ett )?(?:signal\w*|larm\w*|ihjal tid|rekord\w*|vad|i|pa|av|in|ut|till|sig|ihop|upp)\b)",
        rf"{_WHO} (?:\w+ )?{HIT} (?:\w+ )?{_ME}",
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
        # All of it, two of the things at once, or the things with a locked door or a ban.
        rf"{_TAKES} (?:all|alla|allt|hela) (?:{_MINE} )?{_THINGS}",
        rf"{_TAKES} allt (?:jag har|jag ager)",
        rf"{_TAKES_THING}(?: \w+){{0,4}} (?:och|o|samt|plus) (?:{_MINE} )?{_THINGS}",
        near(
            _TAKES_THING,
            alt(
                _KEEPS_ME,
                r"(?:last|laste|laser) (?:dorren|in)",
                r"kan inte (?:ringa|ga ut|komma ut)",
            ),
            8,
        ),
        rf"{_WHO} (?:\w+ ){{0,2}}{_KEEPS_ME}",
    ],
    "elder_abuse?": [
        _PHONE,
        r"(?:tar|tog|tagit) (?:min|mina|mitt|all min|alla mina) (?:pension|pengar|bankkort|kort)",
        (r"far inte (?:ringa|ga ut|traffa|prata med)", MEDICAL),
        (_KEEPS_ME, MEDICAL),
        rf"{_TAKES} (?:mitt pass|passet)",
    ],
    "self_harm": [
        r"sj?alv?mor[dt]\w*",
        r"ta (?:mitt|mitt eget) liv",
        # "Vädret tar livet av mig" is an idiom; it is self-harm said of oneself.
        r"(?:jag|ja|vill|ska|skall|tanker|kommer att|funderar pa att|tankt|tanka pa att|tankte|ville|skulle|borde|forsokte|forsoka|nara att) (?:\w+ )?(?:ta|tar) livet av (?:mig|mej)",
        r"(?:tanker|vill|ska|skall|kommer att|funderar pa att|tankt|ville|skulle|borde|orkar inte) (?:\w+ )?(?:gora|ta) slut pa (?:allt|mitt liv|livet|mig sjalv)",
        r"(?:gora|gor|gjort|gjorde) slut pa (?:mitt liv|mig sjalv)",
        r"vill (?:\w+ )?inte vara med (?:langre|mer)\b(?! (?:i|pa|som|om)\b)",
        r"(?:avslut|ga ur)\w* (?:mitt liv|livet)",
        r"(?:somna|sova) (?:\w+ ){0,2}(?:och )?(?:aldrig|inte) (?:mer )?vakna",
        r"(?:tablett|piller|medicin|somntablett|sovtablett|sobril|morfin)\w*(?: \w+){0,8} (?:ta|tar|svalja|svaljer) (?:alla|allihop|dem|hela)(?: \w+){0,3} (?:pa en gang|samtidigt|pa en och samma gang)",
        r"(?:ta|tar|svalja|svaljer) (?:alla|hela) (?:mina )?(?:\w+ )?(?:tablett|piller|medicin|somntablett|sovtablett)\w*(?: \w+){0,2} (?:pa en gang|samtidigt)",
        r"(?:tanker|vill|ska|kommer att) hoppa (?:fran|framfor|ut genom|ut fran) \w+",
        r"vill (?:\w+ )?inte (?:\w+ )?(?:leva|finnas)",
        r"vill (?:\w+ )?do",
        r"orkar inte (?:leva|finnas)",
        r"ingen (?:mening|ide|anledning) (?:att|med att) leva",
        r"inget (?:kvar )?att leva for",
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
        r"(?:sparat|samlat|samlar|sparar) (?:pa )?(?:\w+ )?(?:tabletter|piller|somntabletter|sovtabletter)",
    ],
}

# A young writer or a harmed child: the pack's danger_youth (read in helpdesk.safety).
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
