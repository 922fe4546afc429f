"""A made-up language, Zorblish ("xx"), with its catalogue: what adding a language takes."""

import shutil
import struct
import subprocess
from pathlib import Path

from languages import LanguagePack

XX = LanguagePack(
    code="xx",
    name="zorblish",
    opt_out_words=("blokko",),
    opt_in_words=("unblokko",),
    help_words=("halpo",),
    accept_words=("yip",),
    decline_words=("nup",),
    done_words=("finito",),
    pause_words=("snooz",),
    resume_words=("unblokko", "wakey"),
    cancel_word="NIXO",
    cancel_words=("nixo",),
    need_phrases={
        "pharmacy": ("pillix*",),
        "groceries": ("groshka*",),
        "transport": ("vroomi",),
        "phone_friend": ("lonix",),
        "callback": ("telefuzz*",),
    },
    thanks_words=("zankoo*",),
    ask_words=("plizzo",),
    help_asking_words=("halpo",),
    not_asking_words=("nix plizzo",),
    complaint_words=("bleh*",),
    clause_words=("buto",),
    safe_call_phrases=("no telefuzz",),
    call_words=("telefuzz*",),
    day_times=("morningo",),
    clock_patterns=(r"\bzorkl\s\d{1,2}\b",),
    danger={"violence": (r"krazh\w* mu",), "violence?": (r"skary\w* hum",)},
    danger_youth=(r"skolix\w*",),
    hints="zorb quonk flimp",
    voice="Polly.Zorbo",
    voice_language="xx-ZB",
    voice_menu="Zorblish, zap {key}.",
)

# msgid -> msgstr, as a translator would write them; what the tests look for.
CATALOGUE = {
    "Thank you for your message. Your request number is %(code)s. Someone from the "
    "support line will call you soon.": "Zankoo! Numbo %(code)s. Telefuzz soono.",
    "Thank you! Your request %(code)s (%(kind)s) is received. We are looking for a "
    "volunteer and will text you when someone is coming.": "Zankoo! Numbo %(code)s "
    "(%(kind)s) gotto. Lookin for halpers.",
    "To cancel, reply %(cancel)s %(code)s.": "Nix it: %(cancel)s %(code)s.",
    "resident sms\x04shopping": "groshkas",
    "Groceries": "Groshkas",
    "today or tomorrow": "todayo",
    "Samhjälp #%(code)s: %(kind)s, %(place)s, %(km)s km from you, %(when)s.": "Samhjälp "
    "#%(code)s: %(kind)s, %(place)s, %(km)s kilozorbs, %(when)s.",
    "Samhjälp #%(code)s: %(kind)s, %(km)s km from you, %(when)s.": "Samhjälp #%(code)s: "
    "%(kind)s, %(km)s kilozorbs, %(when)s.",
    "Samhjälp #%(code)s: %(kind)s, %(place)s, about %(km)s km from you, %(when)s.": "Samhjälp "
    "#%(code)s: %(kind)s, %(place)s, abouto %(km)s kilozorbs, %(when)s.",
    "Samhjälp #%(code)s: %(kind)s, about %(km)s km from you, %(when)s.": "Samhjälp #%(code)s: "
    "%(kind)s, abouto %(km)s kilozorbs, %(when)s.",
    "Reply 1 %(code)s to accept or 2 %(code)s to decline, by %(until)s.": "Yip %(code)s or "
    "nup %(code)s, til %(until)s.",
    "Thank you, we have received your message (%(code)s). In an emergency, call "
    "%(emergency)s. You can also call %(helpline)s, free of charge. We will contact you: "
    "when is a good time to call, and may we leave a message?": "Zankoo (%(code)s). "
    "Danjo: %(emergency)s. Also %(helpline)s, freebo. Telefuzz when?",
    "Samhjälp: you will get our messages again. Reply STOP to end them.": "Samhjälp: "
    "messagos agen. BLOKKO to stoppo.",
    "For help with shopping, press 1. For the pharmacy, press 2. To be called back by the "
    "support line, press 3.": "Groshka zap 1. Pillix zap 2. Telefuzz zap 3.",
}


def po_text(catalogue: dict[str, str]) -> str:
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    entries = [
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
    ]
    for msgid, msgstr in catalogue.items():
        context = ""
        if "\x04" in msgid:
            ctx, msgid = msgid.split("\x04")
            context = f"msgctxt {quoted(ctx)}\n"
        entries.append(f"{context}msgid {quoted(msgid)}\nmsgstr {quoted(msgstr)}\n")
    return "\n".join(entries)


def mo_bytes(catalogue: dict[str, str]) -> bytes:
    """GNU .mo, as msgfmt writes it, for a machine without gettext's tools."""
    header = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"
    items = sorted({"": header, **catalogue}.items())
    ids = [k.encode() for k, _ in items]
    strs = [v.encode() for _, v in items]
    start = 7 * 4 + 16 * len(items)
    id_data = b"".join(i + b"\0" for i in ids)
    offsets, pos = [], start
    for i in ids:
        offsets += [len(i), pos]
        pos += len(i) + 1
    str_offsets = []
    for s in strs:
        str_offsets += [len(s), pos]
        pos += len(s) + 1
    head = struct.pack("<7I", 0x950412DE, 0, len(items), 28, 28 + 8 * len(items), 0, 0)
    table = struct.pack(f"<{len(offsets)}I", *offsets) + struct.pack(
        f"<{len(str_offsets)}I", *str_offsets
    )
    return head + table + id_data + b"".join(s + b"\0" for s in strs)


def catalogue_write(locale: Path, code: str = "xx") -> Path:
    """Write the .po under `locale` and compile it (msgfmt when installed)."""
    folder = locale / code / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "django.po"
    po.write_text(po_text(CATALOGUE), encoding="utf-8")
    msgfmt = shutil.which("msgfmt")
    if msgfmt:
        subprocess.run([msgfmt, "-o", str(folder / "django.mo"), str(po)], check=True)  # noqa: S603
    else:
        (folder / "django.mo").write_bytes(mo_bytes(CATALOGUE))
    return folder
