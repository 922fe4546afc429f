"""English: how danger is written (see languages.danger_patterns)."""

# ruff: noqa: E501 (a pattern reads best on one line)
from languages.danger_patterns import HIT, INFECTION, MEDICAL, alt, near

_WHO = alt(
    "he",
    "she",
    "they",
    r"(?:my |the )?(?:husband|husbnd|husbend|husban|huzband|hubby|hubbie|wife|partner|boyfriend|boyfrend|boyfreind|girlfriend|girlfrend|bf|gf|ex|son|daughter|grandson|granddaughter|nephew|niece|carer|neighbour|neighbor|dad|father|stepdad|stepfather|mum|mom|mother|uncle|brother|family|son in law)",
)
_ME = alt(
    "me", "us", r"(?:the|my|his|her) (?:kids|children|child|son|daughter)", "mum", "mom", "her"
)
_PHONE = r"(?:took|takes|taken|taking|keeps) my (?:phone|mobile|cell)\b(?! number| nr)"
# Hitting as people type it: "hitts", "hitted", "beated", "slaped".
_HITS = r"hit(?:s|ts|t|z|ted|ed|ting|tin|ing|in)?"
# What someone close takes or keeps to hold an older person.
_MONEY = alt("money", "pension", "savings", "benefits", "wages", "income", "cash")
_THINGS = alt(
    _MONEY,
    r"(?:bank |debit |credit |id )?cards?",
    "keys",
    "passport",
    "id",
    "phone",
    "mobile",
    "cell",
    "wallet",
    "purse",
)
_TAKES = alt(
    "take",
    "takes",
    "took",
    "taken",
    "taking",
    "keeps",
    "kept",
    "keeping",
    "hides",
    "hid",
    "hidden",
    "steals",
    "stole",
    "stolen",
    "withholds",
    "withheld",
    "controls",
)
_TAKES_THING = rf"{_TAKES} (?:away )?my {_THINGS}\b"
# Keeping someone from the door, the phone, food, sleep or other people; "drive" is not.
_KEPT_FROM = alt(
    "leave",
    "go out",
    "go outside",
    "out",
    "call",
    "phone",
    "ring",
    r"see \w+",
    r"talk to \w+",
    r"speak to \w+",
    "eat",
    "sleep",
    r"use the phone",
    r"have (?:my|a) phone",
    r"go to \w+",
    "get out",
)
_KEEPS_ME = rf"(?:won t|wont|will not|doesn t|doesnt|does not|didn t|didnt|don t|dont|never) lets? me {_KEPT_FROM}\b"
VOCABULARY = {
    "violence": [
        rf"(?:{_HITS}|slap\w*|punch\w*|smack\w*|batter\w*|kick\w*|strangl\w*|chok(?:e|es|ed|ing)|throttl\w*|attack\w*|assault\w*) {_ME}\b(?! up\b)",
        rf"(?:beat|beats|beating|beaten|beated|beatin|bashes|bashed|bashing) {_ME}",
        rf"{_WHO} (?:\w+ )?{HIT} (?:\w+ )?{_ME}",
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
        # All of it, two of the things at once, or the things with a locked door or a ban.
        rf"{_TAKES} (?:away )?(?:all|all of) my {_MONEY}",
        rf"{_TAKES_THING}(?: \w+){{0,4}} (?:and|n|plus) (?:my |all my )?{_THINGS}\b",
        near(_TAKES_THING, alt(_KEEPS_ME, r"lock\w* (?:the door|me in)"), 8),
        rf"{_WHO} (?:\w+ ){{0,2}}{_KEEPS_ME}",
    ],
    "elder_abuse?": [
        _PHONE,
        rf"{_WHO} (?:takes|took|keeps|is taking|has taken) (?:all )?my (?:pension|money|benefits|savings|bank card|card)",
        (_KEEPS_ME, MEDICAL),
        rf"{_TAKES} (?:away )?my passport",
    ],
    "self_harm": [
        r"kill\w* (?:my ?self|myself)",
        r"kms",
        r"sui?[cs]i?de?\w*",
        r"end\w* (?:my life|it all)",
        r"(?:want|wanna|going|gonna|gon na|will|ll|about|ready|plan\w*|thinking about|thinking of|think about|thought about) (?:to )?end(?:ing)? it\b(?! (?:with|for)\b)",
        r"(?:don t|dont|do not) want to be (?:here|around|alive) any ?more",
        r"(?:sleep|go to sleep|fall asleep) and (?:never|not) wake up",
        r"(?:pill|tablet|meds|medication|sleeping pill)\w*(?: \w+){0,8} (?:take|swallow|down) (?:them |it )?all\b(?: \w+){0,2} (?:at once|in one go|together)",
        r"(?:take|swallow|taking|swallowing) (?:all|every one of) (?:my |the )?(?:\w+ )?(?:pills|tablets|meds|medication)(?: \w+){0,2} (?:at once|in one go|together)",
        r"(?:want|wanna|wish) (?:to )?die\b(?! (?:my|your|her) hair)",
        r"wish i (?:was|were) dead",
        r"better off dead",
        r"(?:don t|dont|do not) want to (?:live|be alive|wake up)",
        r"no reason (?:left )?to (?:go on )?(?:live|living)",
        r"nothing (?:left )?to live for",
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
        r"(?:saved|saving|stockpil\w*|hoard\w*|collect\w*) (?:up )?(?:my |all my )?(?:pills|tablets|meds)",
        r"(?:nobody|no one|noone) (?:would|will) (?:miss|notice|care)(?: \w+)? if i (?:was|were|m|am) (?:gone|dead)",
    ],
}

# A young writer or a harmed child: the pack's danger_youth (read in helpdesk.safety).
YOUTH = [
    r"my (?:dad|mum|mom|father|mother|parents)",
    r"step ?(?:dad|father|mum|mom|mother)\w*",
    r"school\w*",
    r"teacher\w*",
    r"(?:i m|im|i am) 1[0-7]",
    r"1[0-7] (?:years? old|yo)",
    r"(?:the|his|her) (?:kids|children)",
]
