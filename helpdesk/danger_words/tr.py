"""Turkish: how danger is written (see helpdesk.danger_words)."""

# ruff: noqa: E501 (a pattern reads best on one line)
from .patterns import INFECTION, alt, near

_WHO = alt(
    r"(?:eski )?(?:kocam|esim)",
    "oglum",
    "kizim",
    "damadim",
    "gelinim",
    "torunum",
    r"(?:uvey )?(?:babam|annem)",
    "abim",
    "agabeyim",
    "kardesim",
    r"erkek arkadasim",
    "sevgilim",
    "komsum",
)
_ME = alt("bana", "beni", "bize", "bizi", r"cocuk\w*", "kafama", "yuzume", "suratima")
_PHONE = r"telefonumu (?:\w+ )?(?:aldi|aliyor|almis)\w*"
VOCABULARY = {
    "violence": [
        r"dov(?:u|d|e[cr]|m|ul)\w*",
        near(r"vur\w*", alt(_ME, _WHO), 2),
        r"siddet(?!li)\w*",
        r"(?:beni|bizi|bana|cocuklari) (?:\w+ ){0,2}tehdit\w*",
        (r"tehdit \w*", INFECTION),
        r"(?<!kendimi )oldur(?:ec|ur|me\w* (?:ist|tehdit|calis)|mekle)\w*",
        r"olumle tehdit\w*",
        r"(?:tekme|tokat) (?:at|vur|yedi|yiyor)\w*",
        r"(?:tekme|tokat)l\w*",
        r"(?:beni|bizi) (?:\w+ )?(?:itti|itiyor|itekledi|itekliyor|ittirdi)",
        r"itekl\w*",
        r"bogaz\w* sik\w*",
        r"(?:beni|bizi) (?:\w+ )?bog(?:du|maya|acak)\w*",
        r"bogmaya calis\w*",
        r"(?:bicak|silah)\w* (?:cek|goster|dayad|tehdit|savur|dogrult)\w*",
        r"(?:bicak|silah)la (?:tehdit|saldir|yarala|kovala)\w*",
        rf"(?:{_WHO}|o|on|onlar)(?:dan|den|tan|ten) kork\w*",
        rf"kork\w* (?:{_WHO}|o|on|onlar)(?:dan|den|tan|ten)",
        (r"(?:evde )?guvende degil\w*", INFECTION),
        r"siginma ev\w*",
        r"istismar\w*",
    ],
    "violence?": [
        (r"evde kork\w*", INFECTION),
        (r"eve (?:gitmeye|gitmekten|donmeye|donmekten|gelmeye) kork\w*", INFECTION),
        (r"tehdit\w*", INFECTION),
    ],
    "sexual": [
        r"tecav\w*",
        r"taciz\w*",
        r"cinsel (?:saldiri|istismar|siddet|taciz|iliski)\w*",
        r"zorla (?:iliski|seks|birlikte ol|yatag)\w*",
    ],
    "elder_abuse": [
        near(r"kilitl\w*", alt("beni", "bizi", "odaya", "eve", "iceri", "odada"), 2),
        rf"{_PHONE}(?: \w+){{0,3}} (?:arayamiyorum|kimseyi|kartimi|parami|vermiyor)\w*",
        r"telefonumu (?:\w+ )?(?:sakliyor|sakladi|vermiyor|elimden)\w*",
        r"(?:parami|paralarimi|maasimi|emekli maasimi|altinlarimi|kartimi) (?:\w+ )?(?:cal|zorla)\w*",
        r"zorla (?:parami|para|maasimi|imza)\w*",
    ],
    "elder_abuse?": [
        _PHONE,
        r"(?:emekli )?(?:maasimi|parami|kartimi|banka kartimi|emekliligimi) (?:\w+ )?(?:aliyor|aldi|elimden)\w*",
    ],
    "self_harm": [
        r"(?:intihar|intahar|intiar|intihr)\w*",
        r"kendimi (?:oldur|as)\w*",
        r"olmek isti\w*",
        r"olmek isterim",
        r"olsem (?:daha )?iyi",
        r"yasamak istemi\w*",
        r"canima kiy\w*",
        r"kendime zarar\w*",
        r"bilek\w* kes\w*",
        r"hayatima son\w*",
    ],
    "self_harm?": [
        r"artik dayanami\w*",
        r"artik yapamiyorum",
        r"yasamanin anlami yok",
    ],
}

# A young writer or a harmed child (see helpdesk.danger_words.YOUTH).
YOUTH = [
    r"(?:uvey )?(?:babam|annem)",
    "ailem",
    r"okul\w*",
    r"ogretmen\w*",
    r"1[0-7] yasinda\w*",
    # "çocuklarım" (my children) is an older resident's grown-up children; "çocukları" are his.
    r"cocuk(?:lari(?!m\b)\w*|lara\w*|u\w*)?",
]
