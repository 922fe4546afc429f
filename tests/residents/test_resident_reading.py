"""One decision for what an inbound resident text is, over a table of texts in the five
languages and the states a conversation can be in."""

import pytest

from helpdesk.resident_reading import Conversation, Intent, resident_text_read

AFTER_DONE = Conversation(awaiting_feedback=True, rateable=True)
OPEN = Conversation(open_request=True)
NOTHING = Conversation()
REFERRAL = Conversation(open_request=True, referral_open=True)

TABLE = [
    # danger, whatever the state
    ("Min man slår mig", NOTHING, Intent.DANGER),
    ("my husband hits me", AFTER_DONE, Intent.DANGER),
    ("kocam beni dövüyor", OPEN, Intent.DANGER),
    ("mieheni lyö minua", OPEN, Intent.DANGER),
    ("زوجي يضربني", AFTER_DONE, Intent.DANGER),
    # might be danger: an operator triages
    ("I don't feel safe", NOTHING, Intent.OPERATOR),
    ("jag är rädd hemma", AFTER_DONE, Intent.OPERATOR),
    # an open referral: operators first, whatever is asked
    ("handla mat", REFERRAL, Intent.OPERATOR),
    ("5", REFERRAL, Intent.OPERATOR),
    ("tack", REFERRAL, Intent.OPERATOR),
    # help words alone
    ("hjälp", NOTHING, Intent.OPERATOR),
    ("HELP", OPEN, Intent.OPERATOR),
    ("apua", AFTER_DONE, Intent.OPERATOR),
    ("yardım", NOTHING, Intent.OPERATOR),
    ("مساعدة", NOTHING, Intent.OPERATOR),
    # ratings
    ("5", AFTER_DONE, Intent.RATING),
    ("٤", AFTER_DONE, Intent.RATING),
    ("5", OPEN, Intent.FOLLOW_UP),
    ("5", NOTHING, Intent.NEW_REQUEST),
    # feedback
    ("Tack så mycket, hon var jättesnäll!", AFTER_DONE, Intent.FEEDBACK),
    ("thanks", AFTER_DONE, Intent.FEEDBACK),
    ("sağolun", AFTER_DONE, Intent.FEEDBACK),
    ("kiitos", AFTER_DONE, Intent.FEEDBACK),
    ("شكرا", AFTER_DONE, Intent.FEEDBACK),
    ("🙂", AFTER_DONE, Intent.FEEDBACK),
    ("tack", OPEN, Intent.FOLLOW_UP),
    ("tack, kan ni handla igen på fredag", AFTER_DONE, Intent.NEW_REQUEST),
    ("kiitos, soittakaa minulle", AFTER_DONE, Intent.NEW_REQUEST),
    ("teşekkürler, ama yardım lazım", AFTER_DONE, Intent.NEW_REQUEST),
    # cancel
    ("AVBRYT 4821", OPEN, Intent.CANCEL),
    ("abort", NOTHING, Intent.CANCEL),
    ("iptal", AFTER_DONE, Intent.CANCEL),
    ("peruuta 4821", OPEN, Intent.CANCEL),
    ("إلغاء ٤٨٢١", OPEN, Intent.CANCEL),
    # follow-ups and new requests
    ("Mjölk och bröd också", OPEN, Intent.FOLLOW_UP),
    ("eczane", OPEN, Intent.FOLLOW_UP),
    ("Kan någon handla mat åt mig?", NOTHING, Intent.NEW_REQUEST),
    ("I need groceries", NOTHING, Intent.NEW_REQUEST),
    ("أحتاج بقالة", NOTHING, Intent.NEW_REQUEST),
    ("kauppa", NOTHING, Intent.NEW_REQUEST),
    ("hello, can you help?", NOTHING, Intent.NEW_REQUEST),
    # unreadable: nothing to read, with nothing open
    ("", NOTHING, Intent.UNREADABLE),
    ("?!…", NOTHING, Intent.UNREADABLE),
    ("\u200f\u202e", OPEN, Intent.UNREADABLE),
    ("🙂", NOTHING, Intent.UNREADABLE),
]


@pytest.mark.parametrize("text, conversation, intent", TABLE)
def test_what_a_resident_text_is(text, conversation, intent):
    assert resident_text_read(text, conversation=conversation) == intent
