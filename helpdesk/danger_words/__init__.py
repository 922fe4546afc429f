"""How people write about danger, per language, as patterns over folded text (see
helpdesk.languages.text_fold: lower case, no diacritics, no punctuation, single spaces, so "Slår"
is "slar", "dövüyor" is "dovuyor", "can't" is "can t" and "خائفة" is "خايفه").

One module per language (sv, en, tr, fi, ar); a new language is one more module listed in
LANGUAGES below. Its VOCABULARY maps a concern ("violence", "sexual", "elder_abuse",
"self_harm") to patterns that are certain, and "<concern>?" to patterns that are ambiguous
(an operator triages; no referral reply). A pattern matches whole words; `\\w*` after a stem
covers the inflections of agglutinative Turkish and Finnish (with Finnish consonant gradation
written out: väkivalta, väkivallan). A pattern may come as (pattern, unless): it does not
count when `unless` is found anywhere in the text, e.g. fear while the text speaks of
infection. A module may set PREFIX, a pattern allowed before every one of its patterns
(Arabic writes "and" as a prefix: وزوجي). Which module's words matched most strongly is the
language the text was written in, and the one the reply is in (helpdesk.safety).

Verbs that are also everyday words ("slår en signal", "hits the road", "kello lyö", "güneş
vuruyor", "الغلاء يقتلني") count only with a person as subject or object nearby. A young writer
or a harmed child is read from YOUTH (helpdesk.safety decides the concern).
"""

from . import ar, en, fi, sv, tr
from .patterns import EMOJI_HIT, alt

# The order breaks ties when two languages' words say the same equally (see helpdesk.safety).
LANGUAGES = {"sv": sv, "en": en, "ar": ar, "tr": tr, "fi": fi}

# Emoji that stand for a blow or a weapon: "min man 👊 mig" reads as hitting. Folding drops
# every symbol, so they become a word first, one the vocabularies use between a person and "me".
_EMOJI = str.maketrans(dict.fromkeys("👊🤛🤜✊🥊🔪🗡🔫🪓", f" {EMOJI_HIT} "))


def emoji_words(text: str) -> str:
    return text.translate(_EMOJI)


# A young writer (a parent as the one who hurts, school, an age under 18) or a child harmed.
YOUTH = alt(*sv.YOUTH, *en.YOUTH, *tr.YOUTH, *fi.YOUTH, *ar.YOUTH)
