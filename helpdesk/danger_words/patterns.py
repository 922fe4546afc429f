"""The small pieces the language packs are written with."""


def alt(*options: str) -> str:
    return "(?:" + "|".join(options) + ")"


# The word a blow or weapon emoji becomes before folding (see helpdesk.danger_words.emoji_words).
EMOJI_HIT = "emojihit"
# One or more of them, as people repeat emoji.
HIT = rf"{EMOJI_HIT}(?: {EMOJI_HIT})*"


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
