"""Swedish (svenska), the municipality's language and the default."""

from languages.pack import LanguagePack

from . import danger

PACK = LanguagePack(
    code="sv",
    name="svenska",
    opt_out_words=("sluta", "avsluta", "avanmäl"),
    opt_in_words=("starta",),
    help_words=("hjälp", "hjalp"),
    accept_words=("ja", "ok", "okej"),
    decline_words=("nej",),
    done_words=("klar", "klart"),
    pause_words=("paus",),
    resume_words=("starta", "fortsätt", "fortsatt"),
    cancel_word="AVBRYT",
    cancel_words=("avbryt", "ångra"),
    need_phrases={
        "pharmacy": ("apotek*", "medicin*", "läkemedel*", "recept*", "tabletter"),
        "groceries": ("handla*", "handling*", "mat", "maten", "matkass*", "livsmedel*", "affär*"),
        "transport": ("skjuts", "färdtjänst", "transport*"),
        "phone_friend": ("ensam", "sällskap", "någon att prata med"),
        "callback": ("ring", "ringa", "ringer", "ring mig", "samtal"),
    },
    thanks_words=(
        *("tack*", "snäll*", "jättesnäll*", "bra", "jättebra", "toppen", "underbar*"),
        *("trevlig*", "fint", "jättefin*", "nöjd*", "glad"),
    ),
    # Not "snälla" (please, but also kind: "ni är så snälla").
    ask_words=(
        *("kan ni", "kan någon", "kan du", "skulle ni", "behöver", "vill ha"),
        *("hjälp mig", "hjälpa mig", "ring mig"),
    ),
    help_asking_words=("hjälp", "hjälpa"),
    not_asking_words=(
        *("behöver inte", "behöver ingen", "behöver inget", "behöver ingenting", "inte behöver"),
    ),
    complaint_words=(
        *("aldrig", "kom inte", "kom sent", "för sent", "var sen", "försen*", "otrevlig*"),
        *("oförskämd*", "dålig*", "besviken", "missnöjd*", "inte nöjd", "glömde"),
    ),
    clause_words=("men",),
    safe_call_phrases=(
        *("ring inte", "ringa inte", "inte ringa", "ring aldrig", "ring efter", "ring före"),
        *("ring mellan", "ring när", "ring mig när", "ringa efter", "inget meddelande"),
        *("inga meddelanden", "lämna inget", "inte lämna", "lämna meddelande", "sms a inte"),
        *("skicka inte", "säkert att ringa", "säkrast", "ensam hemma", "när han är borta"),
    ),
    call_words=("ring", "ringa", "ringer", "ring mig", "samtal*"),
    day_times=(
        *("förmiddag*", "eftermiddag*", "kväll*", "ikväll", "morgon*", "imorgon", "vardag*"),
    ),
    clock_patterns=(
        r"\b(?:kl|klockan)\s\d{1,2}\b",
        r"\b(?:efter|fore|innan|mellan)\s(?:kl )?\d{1,2}\b",
    ),
    danger=danger.VOCABULARY,
    danger_youth=tuple(danger.YOUTH),
    hints=(
        "hej jag och att det inte kan du med behöver hjälp handla mat apotek ring mig "
        "tack snälla min mitt är för på har vill"
    ),
    letters="åÅ",
    voice="Polly.Astrid",
    voice_language="sv-SE",
    voice_menu="För svenska, tryck {key}.",
)
