"""English: how danger is written (see helpdesk.danger_words)."""

# ruff: noqa: E501 (a pattern reads best on one line)
from .patterns import INFECTION, alt

_WHO = alt(
    "he",
    "she",
    "they",
    r"(?:my |the )?(?:husband|wife|partner|boyfriend|girlfriend|bf|ex|son|daughter|grandson|granddaughter|nephew|niece|carer|neighbour|neighbor|dad|father|stepdad|stepfather|mum|mom|mother|uncle|brother|family|son in law)",
)
_ME = alt(
    "me", "us", r"(?:the|my|his|her) (?:kids|children|child|son|daughter)", "mum", "mom", "her"
)
_PHONE = r"(?:took|takes|taken|taking|keeps) my (?:phone|mobile|cell)\b(?! number| nr)"
VOCABULARY = {
    "violence": [
        rf"(?:hit|hits|hitting|slap\w*|punch\w*|smack\w*|batter\w*|kick\w*|strangl\w*|chok(?:e|es|ed|ing)|throttl\w*|attack\w*|assault\w*) {_ME}\b(?! up\b)",
        rf"(?:beat|beats|beating|beaten|bashes|bashed|bashing) {_ME}",
        r"beat (?:me|us) up",
        rf"{_WHO} (?:\w+ ){{0,2}}(?:push\w*|shov\w*|hurt\w*|grab\w*|burn\w*|bit|bites|threw|throws) (?:me|us|things at me)",
        r"strangl\w*",
        r"(?<!alcohol )(?<!drug )(?<!elder )(?<!financial )(?<!sexual )(?<!substance )abus(?:e|es|ed|ing|ive|er)\b(?! (?:of )?(?:alcohol|drugs|substances))",
        r"violen(?:ce|t)\b(?! (?:storm|film|movie|weather|wind|cough|video|game))",
        r"threat\w* (?:me|to (?:kill|hurt|hit|beat|stab|shoot|burn)|my life|with (?:a|his|her))",
        r"death threat\w*",
        rf"(?:will|ll|gonna|going to|wants to|want to|wanna|tried to|try to|trying to|threaten\w* to|swore to|d) (?:kill|murder|stab|shoot|strangle) {_ME}",
        rf"{_WHO} (?:\w+ ){{0,2}}(?:kill|kills|murder|murders|stab|stabs|stabbed|shoot|shoots|shot) {_ME}",
        rf"{_WHO} (?:\w+ ){{0,2}}(?:has|had|got|pulled|holding|waving|grabbed|took|came at me with) (?:out )?(?:a |his |her |the )?(?:knife|gun|weapon|axe)",
        rf"(?:afraid|scared|terrified|frightened|scard|afriad|fear) of (?:{_WHO}|him|her|them)\b",
        r"not safe (?:at home|with (?:him|her|my \w+)|in my (?:own )?home)",
        r"unsafe at home",
        r"womens? s? ?shelter",
        r"domestic (?:abuse|violence)",
        r"stalk\w* me",
    ],
    "violence?": [
        (
            r"(?:afraid|scared|frightened|terrified) (?:at home|to go home|of going home|in my (?:own )?home|to be (?:at )?home)",
            INFECTION,
        ),
        (r"(?:don t|dont|do not) feel safe", INFECTION),
        (r"feel unsafe", INFECTION),
        (r"threat\w*", INFECTION),
    ],
    "sexual": [
        r"rape(?:d|s|ist)?\b",
        r"raping",
        r"rapd",
        r"sexual\w* (?:abus\w*|assault\w*|harass\w*|violence|attack\w*)",
        r"sexually \w+",
        r"molest\w*",
        r"forc\w* (?:me )?(?:to have |into )?sex\b",
        r"touch\w* me (?:down there|inappropriately|against my will)",
        r"grop\w*",
    ],
    "elder_abuse": [
        r"lock\w* (?:me|us) (?:in|up|inside)",
        r"keeps me locked",
        rf"{_PHONE}(?: \w+){{0,4}} (?:can ?t call|cannot call|can t ring|bank ?card|money|away)",
        r"(?:took|takes|taken|taking|keeps) away my (?:phone|mobile)",
        r"(?:hides|hid|hidden|stole|steals|grabbed) my (?:phone|mobile|cell)\b(?! number| nr)",
        r"(?:steal\w*|stole|stolen) (?:my|all my) (?:money|pension|savings|card|bank card|jewel\w*)",
        r"forc\w* me to (?:give|sign|pay|hand over|transfer)",
        r"(?:elder|financial) abuse",
    ],
    "elder_abuse?": [
        _PHONE,
        rf"{_WHO} (?:takes|took|keeps|is taking|has taken) (?:all )?my (?:pension|money|benefits|savings|bank card|card)",
        (r"won t let me (?:leave|go out|call|see|out)", INFECTION),
    ],
    "self_harm": [
        r"kill\w* (?:my ?self|myself)",
        r"kms",
        r"sui?[cs]i?de?\w*",
        r"end\w* (?:my life|it all)",
        r"(?:want|wanna|wish) (?:to )?die\b(?! (?:my|your|her) hair)",
        r"wish i (?:was|were) dead",
        r"better off dead",
        r"(?:don t|dont|do not) want to (?:live|be alive|wake up)",
        r"no reason to live",
        r"(?:hurt|hurting|harm|harming|cut|cutting) (?:my ?self|myself)",
        r"self ?harm\w*",
        r"overdos\w*",
        r"hang myself",
    ],
    "self_harm?": [
        r"can ?t go on\b(?! (?:the|a|an|to|my|foot|bus|train|holiday|trips?|walks?|with|like that))",
        r"can ?t take (?:it|this) any ?more",
        r"give up on life",
        r"no point (?:in )?living",
    ],
}

# A young writer or a harmed child (see helpdesk.danger_words.YOUTH).
YOUTH = [
    r"my (?:dad|mum|mom|father|mother|parents)",
    r"step ?(?:dad|father|mum|mom|mother)\w*",
    r"school\w*",
    r"teacher\w*",
    r"(?:i m|im|i am) 1[0-7]",
    r"1[0-7] (?:years? old|yo)",
    r"(?:the|his|her) (?:kids|children)",
]
