"""English. STOP, START, HELP and Twilio's other reserved words are the carrier's (see
notifications.keywords): answered in no language in particular, not taken for English."""

from languages.pack import LanguagePack

from . import danger

PACK = LanguagePack(
    code="en",
    name="English",
    opt_out_words=("stop",),
    opt_in_words=("start",),
    help_words=("help",),
    accept_words=("ok", "accept"),
    decline_words=("no",),
    done_words=("done",),
    pause_words=("pause",),
    resume_words=("start", "resume"),
    cancel_word="ABORT",
    cancel_words=("abort", "withdraw"),
    need_phrases={
        "pharmacy": (
            *("pharmacy", "pharmacies", "medicine*", "medication*", "prescription*"),
            *("chemist", "pills"),
        ),
        "groceries": ("groceries", "grocery", "shopping", "food", "shop"),
        "transport": ("a ride", "a lift"),
        "phone_friend": ("lonely", "someone to talk"),
        "callback": ("call*", "phone me", "ring me"),
    },
    thanks_words=(
        *("thank*", "thx", "cheers", "lovely", "kind", "nice", "great", "wonderful"),
        *("helpful", "brilliant", "perfect", "appreciate*", "grateful"),
    ),
    ask_words=(
        *("can you", "could you", "can someone", "could someone", "would you", "i need"),
        *("we need", "need", "please", "help me", "call me"),
    ),
    # Whole words: "helpful" is praise.
    help_asking_words=("help",),
    not_asking_words=("don't need", "dont need", "do not need", "no need", "no longer need"),
    # Phrases where a word alone means something else in another language ("sent").
    complaint_words=(
        *("never", "late", "didn't come", "didnt come", "did not come", "didn't show"),
        *("no show", "rude", "forgot", "disappointed", "not happy", "unhappy", "terrible"),
        *("awful",),
    ),
    clause_words=("but",),
    safe_call_phrases=(
        *("don't call", "dont call", "do not call", "never call", "call after", "call before"),
        *("call between", "call when", "call me when", "no message*", "don't leave"),
        *("dont leave", "do not leave", "leave a message", "don't text", "do not text"),
        *("safe to call", "home alone", "alone at home"),
    ),
    call_words=("call*", "phone me", "ring me"),
    day_times=("morning*", "afternoon*", "evening*", "tonight", "tomorrow", "weekday*"),
    clock_patterns=(
        r"\b\d{1,2} ?(?:am|pm)\b",
        r"\bat\s\d{1,2}\b",
        r"\b(?:after|before|between|until)\s\d{1,2}\b",
    ),
    danger=danger.VOCABULARY,
    danger_youth=tuple(danger.YOUTH),
    hints=(
        "hi hello i and the you my me need help please shopping groceries food pharmacy "
        "call thanks can is to with have want"
    ),
    voice="Polly.Amy",
    voice_language="en-GB",
    voice_menu="For English, press {key}.",
)
