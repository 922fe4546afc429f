"""Turkish: how danger is written (see languages.danger_patterns)."""

# ruff: noqa: E501 (a pattern reads best on one line)
from languages.danger_patterns import HIT, INFECTION, MEDICAL, alt, near

_WHO = alt(
    r"(?:eski )?(?:kocam|esim)",
    # SMS shorthand drops the vowels: "kocm bni dovyr".
    "kocm",
    "esm",
    "oglum",
    "oglm",
    "kizim",
    "kzm",
    "kizm",
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
_ME = alt("bana", "beni", "bize", "bizi", "bni", "bna", r"cocuk\w*", "kafama", "yuzume", "suratima")
_PHONE = r"telefonumu (?:\w+ )?(?:aldi|aliyor|almis)\w*"
# What someone close takes or keeps to hold an older person, in the accusative.
_THINGS = alt(
    "parami",
    "paralarimi",
    r"(?:emekli )?maasimi",
    "emekliligimi",
    r"(?:banka )?kartimi",
    "kartlarimi",
    "telefonumu",
    "anahtarlarimi",
    "anahtarimi",
    "pasaportumu",
    "kimligimi",
    "cuzdanimi",
    "altinlarimi",
)
_TAKES = r"(?:al(?:di|iyor|iyo|mis|dilar|iyorlar|ip)|sakl|cal|elimden al)\w*"
# Keeping someone from the door, the phone, food or other people; "araba kullanmama" is not.
_KEEPS_ME = alt(
    r"(?:\w+ )?(?:cikmama|gorusmeme|konusmama|aramama|telefon etmeme|gitmeme|yememe|uyumama|gormeme) izin vermi\w*",
    r"beni (?:evden |disari |odadan )?(?:cikarmiyor|birakmiyor|salmiyor)\w*",
    r"(?:bana )?yemek vermi\w*",
)
VOCABULARY = {
    "violence": [
        r"dov(?:u|d|e[cr]|m|ul|y)\w*",
        r"dv(?:y|d|u)\w*",
        near(r"vr(?:d|y)\w*", alt(_ME, _WHO), 2),
        rf"{_WHO} (?:\w+ )?{HIT} (?:\w+ )?{_ME}",
        rf"{_WHO} {_ME} {HIT}",
        near(r"vur\w*", alt(_ME, _WHO), 2),
        r"siddet(?!li)\w*",
        r"(?:beni|bizi|bana|cocuklari) (?:\w+ ){0,2}tehdit\w*",
        (r"tehdit \w*", INFECTION),
        r"(?<!kendimi )oldur(?:ec|ur|[iu]?cek|[iu]?cem|me\w* (?:ist|tehdit|calis)|mekle)\w*",
        r"(?<!kendimi )oldr(?:c|ec)\w*",
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
        # All of it, from my hand, two of the things at once, or the things with a ban.
        rf"(?:tum|butun|hep) (?:\w+ )?{_THINGS} (?:\w+ )?{_TAKES}",
        rf"{_THINGS} (?:\w+ )?elimden al\w*",
        rf"{_THINGS} (?:ve |ile )?{_THINGS} (?:\w+ )?{_TAKES}",
        near(rf"{_THINGS} (?:\w+ )?{_TAKES}", _KEEPS_ME, 8),
        near(rf"{_THINGS} (?:\w+ )?{_TAKES}", r"\w*(?:cikamiyorum|arayamiyorum)", 4),
        rf"{_WHO} (?:\w+ ){{0,3}}{_KEEPS_ME}",
    ],
    "elder_abuse?": [
        _PHONE,
        r"(?:emekli )?(?:maasimi|parami|kartimi|banka kartimi|emekliligimi) (?:\w+ )?(?:aliyor|aldi|elimden)\w*",
        rf"(?:pasaportumu|kimligimi) (?:\w+ )?{_TAKES}",
        (_KEEPS_ME, MEDICAL),
    ],
    "self_harm": [
        r"(?:intihar|intahar|intiar|intihr)\w*",
        r"kendimi (?:oldur|as)\w*",
        r"olmek isti\w*",
        r"olmek isterim",
        # Shorthand; "olmak istiyorum" (I want to be) has an a, "ölmek" (to die) an e.
        r"olme?k ist\w*",
        r"keske ols(?:em|eydim)\w*",
        r"(?:tum|butun|hep) (?:\w+ )?(?:ilac|hap)\w*(?: \w+)? (?:bir kerede|bir seferde|birden|ayni anda) (?:ic|yut|al)\w*",
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

# A young writer or a harmed child: the pack's danger_youth (read in helpdesk.safety).
YOUTH = [
    r"(?:uvey )?(?:babam|annem)",
    "ailem",
    r"okul\w*",
    r"ogretmen\w*",
    r"1[0-7] yasinda\w*",
    # "çocuklarım" (my children) is an older resident's grown-up children; "çocukları" are his.
    r"cocuk(?:lari(?!m\b)\w*|lara\w*|u\w*)?",
]
