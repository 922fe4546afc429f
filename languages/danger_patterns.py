"""How people write about danger, per language, as patterns over folded text (see
helpdesk.languages.text_fold: lower case, no diacritics, no punctuation, single spaces, so "Slår"
is "slar", "dövüyor" is "dovuyor", "can't" is "can t" and "خائفة" is "خايفه").

Each pack's `danger` (languages/<code>/danger.py for the built-in ones) maps a concern
("violence", "sexual", "elder_abuse", "self_harm") to patterns that are certain, and
"<concern>?" to patterns that are ambiguous
(an operator triages; no referral reply). A pattern matches whole words; `\\w*` after a stem
covers the inflections of agglutinative Turkish and Finnish (with Finnish consonant gradation
written out: väkivalta, väkivallan). A pattern may come as (pattern, unless): it does not
count when `unless` is found anywhere in the text, e.g. fear while the text speaks of
infection. A pack may set `danger_prefix`, a pattern allowed before every one of its patterns
(Arabic writes "and" as a prefix: وزوجي). Which pack's words matched most strongly is the
language the text was written in, and the one the reply is in (helpdesk.safety).

Verbs that are also everyday words ("slår en signal", "hits the road", "kello lyö", "güneş
vuruyor", "الغلاء يقتلني") count only with a person as subject or object nearby. A young writer
or a harmed child is read from each pack's `danger_youth` (helpdesk.safety decides the concern).
"""


def alt(*options: str) -> str:
    return "(?:" + "|".join(options) + ")"


# The word a blow or weapon emoji becomes before folding (see emoji_words below).
EMOJI_HIT = "emojihit"
# One or more of them, as people repeat emoji.
HIT = rf"{EMOJI_HIT}(?: {EMOJI_HIT})*"

# Emoji that stand for a blow or a weapon: "min man 👊 mig" reads as hitting. Folding drops
# every symbol, so they become a word first, one the vocabularies use between a person and "me".
EMOJI = str.maketrans(dict.fromkeys("👊🤛🤜✊🥊🔪🗡🔫🪓", f" {EMOJI_HIT} "))


def emoji_words(text: str) -> str:
    return text.translate(EMOJI)


def near(a: str, b: str, gap: int = 3) -> str:
    """`a` and `b` within `gap` words of each other, in either order."""
    between = rf"(?: \w+){{0,{gap}}} "
    return f"(?:{a}{between}{b}|{b}{between}{a})"


# Infection, the reason most residents are afraid in an epidemic: fear alone is not danger.
INFECTION = alt(
    r"virus\w*",
    r"viruks\w*",
    r"corona\w*",
    r"korona\w*",
    r"covid\w*",
    r"smitt\w*",
    r"infe[ck]\w*",
    r"pandemi\w*",
    r"epidemi\w*",
    r"tartun\w*",
    r"salgin\w*",
    r"enfeksiyon\w*",
    r"\w*فيروس\w*",
    r"\w*كورونا\w*",
    r"\w*كرونا\w*",
    r"\w*عدوي",
    r"\w*وباء",
)

# Care that keeps someone in or from eating (a doctor, a hospital, an operation): a rule or
# a restriction in a text that speaks of it is not someone close holding them.
MEDICAL = alt(
    INFECTION,
    r"doktor\w*",
    r"doctor\w*",
    r"lakare\w*",
    r"laakari\w*",
    r"sjukhus\w*",
    r"hospital\w*",
    r"sairaala\w*",
    r"hastane\w*",
    r"operation\w*",
    r"surgery",
    r"leikkau\w*",
    r"ameliyat\w*",
    r"nurse\w*",
    r"sjukskoterska\w*",
    r"\w*طبيب\w*",
    r"\w*دكتور\w*",
    r"\w*مستشفي\w*",
    r"\w*عمليه\w*",
)
