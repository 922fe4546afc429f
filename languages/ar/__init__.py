"""Arabic (العربية). Read after folding (helpdesk.languages.text_fold): no harakat or tatweel,
alef variants as ا, teh marbuta as ه, Arabic-Indic digits as 0-9."""

from languages.pack import LanguagePack

from . import danger

PACK = LanguagePack(
    code="ar",
    name="العربية",
    opt_out_words=("توقف", "أوقف", "اوقف"),
    opt_in_words=("ابدأ", "ابدا", "إبدأ"),
    help_words=("مساعدة", "مساعده"),
    accept_words=("نعم",),
    decline_words=("لا",),
    done_words=("تم",),
    pause_words=("استراحة",),
    resume_words=("ابدأ", "استئناف"),
    cancel_word="إلغاء",
    cancel_words=("إلغاء", "الغاء", "الغي"),
    need_phrases={
        "pharmacy": ("صيدلية", "صيدليه", "الصيدلية", "دواء", "الدواء", "أدوية", "ادويه", "وصفة"),
        "groceries": ("بقالة", "البقالة", "طعام", "الطعام", "أكل", "تسوق", "التسوق", "مشتريات"),
        "transport": ("توصيل", "مواصلات"),
        "phone_friend": ("وحيد", "وحيدة", "وحيده"),
        "callback": ("اتصل*", "اتصال", "كلموني"),
    },
    thanks_words=("شكرا", "شكر*", "مشكور*", "جزاك*", "جزاكم*", "ممتاز*", "لطيف*", "بارك الله"),
    ask_words=(
        *("أحتاج", "احتاج", "نحتاج", "محتاج*", "ممكن", "أريد", "اريد", "من فضلك", "لو سمحت"),
        *("ساعدني", "ساعدوني", "اتصلوا بي", "اتصل بي"),
    ),
    help_asking_words=("مساعدة",),
    not_asking_words=("لا أحتاج", "لا احتاج", "لا نحتاج", "مش محتاج", "لست بحاجة", "ما احتاج"),
    complaint_words=(
        *("لم يأت", "لم يات", "لم ياتي", "لم تأت", "لم يحضر", "لم تحضر", "ما جا", "تأخر*"),
        *("متأخر*", "سيء", "سيئ", "وقح*", "نسي", "شكوى", "ابدا"),
    ),
    clause_words=("لكن",),
    safe_call_phrases=(
        *("لا تتصل*", "لا تترك*", "بدون رسالة", "لا رسالة", "لا ترسل*", "بعد الساعة"),
        *("وحدي في البيت",),
    ),
    call_words=("اتصل*", "اتصال"),
    day_times=("صباح*", "الصباح", "مساء*", "المساء", "غدا", "ظهر*"),
    clock_patterns=(r"\bالساعه\s\d{1,2}\b", r"\b(?:بعد|قبل|بين)\s(?:الساعه )?\d{1,2}\b"),
    danger=danger.VOCABULARY,
    danger_youth=tuple(danger.YOUTH),
    danger_prefix=danger.PREFIX,
    # The script says it: among the packs only Arabic is written in it.
    hints="",
    script="[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]",
    voice="Polly.Zeina",
    voice_language="arb",
    voice_menu="للعربية، اضغط {key}.",
)
