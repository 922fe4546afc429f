"""Turkish (Türkçe). Suffixes are covered by word starts ("eczane*")."""

from languages.pack import LanguagePack

from . import danger

PACK = LanguagePack(
    code="tr",
    name="Türkçe",
    opt_out_words=("dur",),
    opt_in_words=("başla", "basla"),
    help_words=("yardım", "yardim"),
    accept_words=("evet",),
    decline_words=("hayır", "hayir"),
    done_words=("tamam", "bitti"),
    pause_words=("mola",),
    resume_words=("başla", "basla", "devam"),
    cancel_word="İPTAL",
    cancel_words=("iptal",),
    need_phrases={
        "pharmacy": ("eczane*", "ilaç*", "ilac*", "reçete*"),
        "groceries": ("alışveriş*", "market*", "yiyecek*", "gıda", "erzak"),
        "transport": ("ulaşım", "araba ile"),
        "phone_friend": ("yalnızım", "yalnız", "sohbet*"),
        "callback": ("ara", "arayın", "arayin", "arar*", "beni ara*"),
    },
    thanks_words=(
        *("teşekkür*", "tesekkur*", "sağol*", "sagol*", "eyvallah", "harika", "nazik*"),
        *("güzel*", "memnun*", "allah razı olsun"),
    ),
    ask_words=(
        *("yardım eder misiniz", "yardım edin", "yapar mısınız", "yapabilir misiniz"),
        *("alabilir misiniz", "lütfen", "lutfen", "lazım", "lazim", "ihtiyac*", "istiyorum"),
        *("beni arayın", "beni arayin", "arar mısınız"),
    ),
    help_asking_words=("yardım*",),
    not_asking_words=("ihtiyacım yok", "ihtiyacim yok", "gerek yok", "lazım değil", "istemiyorum"),
    complaint_words=(
        *("gelmedi", "getirmedi", "geç", "kaba*", "kötü*", "unuttu", "şikayet*"),
        *("memnun değilim", "memnun kalmadım"),
    ),
    clause_words=("ama", "fakat"),
    safe_call_phrases=(
        *("arama", "aramayın", "aramayınız", "mesaj bırakma*", "mesaj atma*", "evde yalnız*"),
        *("yalnızken",),
    ),
    call_words=("arayın", "arayin", "arayabilir*", "arar*", "ara"),
    day_times=("sabah*", "öğle*", "akşam*", "yarın"),
    clock_patterns=(
        r"\bsaat\s\d{1,2}\b",
        r"\b\d{1,2}\s(?:ten|den|dan|tan|te|de|da|ta)\s(?:sonra|once)\b",
    ),
    danger=danger.VOCABULARY,
    danger_youth=tuple(danger.YOUTH),
    hints=(
        "merhaba selam ben ve bir bu için yardım lütfen alışveriş market eczane ilaç ara "
        "beni teşekkür ederim var istiyorum ihtiyacım"
    ),
    letters="ğşıİçĞŞ",
    voice="Polly.Filiz",
    voice_language="tr-TR",
    voice_menu="Türkçe için {key}'e basın.",
)
