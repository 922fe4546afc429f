"""Deployed as tested: the Procfile's release step, run in a fresh checkout with production
settings, compiles the messages (so residents are texted in their own language, not in the
English source strings) and collects static files under hashed names."""

import json
import subprocess

from .checkout import production_env

# Texts from residents the line does not know, one per language; the reply is in the language
# the text was written in.
REPLIES = """
from notifications.inbound import inbound_process, inbound_receive
from notifications.models import Message
texts = {texts!r}
for i, (language, body) in enumerate(texts.items()):
    sender = f"+4670100000{{i}}"
    message, _ = inbound_receive(payload={{"From": sender, "Body": body, "MessageSid": f"SM{{i}}"}})
    inbound_process(message_id=message.pk)
    reply = Message.objects.filter(direction="out", phone=message.phone).get()
    print(language, reply.body.replace("\\n", " "))
"""
TEXTS = {
    "sv": "Jag behöver hjälp att handla mat",
    "tr": "eczane lazım",
    "fi": "Tarvitsen apua kaupassa",
    "ar": "أحتاج مساعدة في الصيدلية",
}
# Words of each language's reply, from its catalogue.
EXPECTED = {
    "sv": "Tack för ditt meddelande",
    "tr": "teşekkür ederiz",
    "fi": "Kiitos viestistäsi",
    "ar": "شكرًا على رسالتك",
}


def test_the_release_step_in_a_fresh_checkout_texts_residents_in_their_language(release):
    output = subprocess.run(
        ["python", "manage.py", "shell", "-c", REPLIES.format(texts=TEXTS)],
        cwd=release,
        env=production_env(release),
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    replies = dict(line.split(" ", 1) for line in output.splitlines() if line[:2] in TEXTS)
    assert set(replies) == set(TEXTS), output
    for language, words in EXPECTED.items():
        assert words in replies[language], (language, replies[language])
        assert "Thank you" not in replies[language]


def test_the_release_collects_static_files_under_hashed_names(release):
    manifest = json.loads((release / "staticfiles" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/samhjalp.css"]
    assert hashed != "css/samhjalp.css"
    assert (release / "staticfiles" / hashed).is_file()
    assert (release / "staticfiles" / f"{hashed}.gz").is_file()
