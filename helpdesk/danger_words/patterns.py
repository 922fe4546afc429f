"""The small pieces the language packs are written with."""


def alt(*options: str) -> str:
    return "(?:" + "|".join(options) + ")"


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
