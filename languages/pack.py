"""What a language pack holds: every word a person types or hears in one language."""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

Words = tuple[str, ...]


@dataclass(frozen=True)
class LanguagePack:
    """One language, as residents and volunteers write and hear it.

    Words are written as people spell them; each reader folds them its own way (a keyword is
    the whole message, a need phrase is folded by helpdesk.languages.text_fold). In the
    phrase lists a trailing "*" marks a word start ("apotek*" also reads "apoteket"). The
    sentences the system writes live in the gettext catalogues, not here: a pack names the
    words, a catalogue translates the messages.
    """

    code: str  # as gettext and the database know it: "sv"
    name: str  # in its own words, as a resident or an operator picks it: "svenska"

    # Whole-message SMS keywords (notifications.keywords). Twilio's reserved English words
    # are the carrier's and stay there; none of these may be a volunteer's reply word.
    opt_out_words: Words
    opt_in_words: Words
    help_words: Words

    # A volunteer's answer to an offer besides the digits 1, 2, 3 (helpdesk.volunteer_replies).
    accept_words: Words
    decline_words: Words
    done_words: Words
    pause_words: Words
    # Besides the carrier's opt-in words, which end a pause too.
    resume_words: Words

    # The word that cancels a request, shown in every confirmation; never CANCEL, STOP or END
    # (Twilio opts the number out). `cancel_words` are read, and must include it.
    cancel_word: str
    cancel_words: Words

    # What a resident's text asks for, by task kind code (helpdesk.resident_reading).
    need_phrases: Mapping[str, Words]
    # After a visit: thanks, asking anew, help alone, a negation, a complaint.
    thanks_words: Words
    ask_words: Words
    help_asking_words: Words
    not_asking_words: Words
    complaint_words: Words
    # Words that start a new clause ("men", "but"), for reading a negation in its own clause.
    clause_words: Words
    # Answers to "when is it safe to call, may we leave a message?".
    safe_call_phrases: Words
    call_words: Words
    day_times: Words
    # A time of day as regex patterns over folded text ("kl 14", "after 3", "14 jalkeen"),
    # which with a word of calling, or alone, make an answer.
    clock_patterns: Words

    # Danger, as regex patterns over folded text (see languages.danger_patterns): concern
    # ("violence", "sexual", "elder_abuse", "self_harm") -> certain patterns, "<concern>?" ->
    # ambiguous ones; an entry may be (pattern, unless). `danger_youth`: a young writer or a
    # child harmed.
    danger: Mapping[str, tuple]
    danger_youth: Words

    # Guessing the language of a short text from a number we do not know.
    hints: str  # words typical of a short help message, separated by spaces
    voice: str  # the TwiML <Say> voice: "Polly.Astrid"
    voice_language: str  # and its language: "sv-SE"
    # The voice menu's line for this language, in its own words; {key} is its menu key.
    voice_menu: str

    # Optional: a pattern allowed before every danger pattern (Arabic writes "and" as a
    # prefix: وزوجي); letters only this language uses among the packs; a regex of a script
    # of its own (a text in it is this language); a regex of typical word shapes.
    danger_prefix: str = ""
    letters: str = ""
    script: str = ""
    word_shapes: str = ""

    def __post_init__(self) -> None:
        # Frozen all the way down: a pack is shared by every request in every thread.
        object.__setattr__(self, "need_phrases", MappingProxyType(dict(self.need_phrases)))
        object.__setattr__(self, "danger", MappingProxyType(dict(self.danger)))


OPTIONAL_FIELDS = frozenset({"danger_prefix", "letters", "script", "word_shapes"})
