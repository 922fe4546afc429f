"""The words of volunteer lists: the column headers people write (Swedish and English), the
headers our export writes, and the names of languages and tasks besides their codes."""

# The columns we read and write, with the headers people use for them (lower-cased).
HEADERS = {
    "first_name": ("förnamn", "fornamn", "first name", "firstname", "first_name", "given name"),
    "last_name": ("efternamn", "last name", "lastname", "last_name", "surname", "family name"),
    "phone": (
        "telefon",
        "mobil",
        "mobilnummer",
        "telefonnummer",
        "phone",
        "mobile",
        "phone number",
    ),
    "district": ("kommundel", "stadsdel", "område", "district", "area"),
    "address": ("adress", "gatuadress", "hemadress", "address", "street address", "home address"),
    "postcode": ("postnummer", "postnr", "postcode", "post code", "postal code", "zip code"),
    "languages": ("språk", "sprak", "languages", "language"),
    "skills": ("uppdrag", "kan hjälpa med", "kompetens", "skills", "tasks", "task kinds"),
    "vetted": ("kontrollerad", "granskad", "belastningsregister", "vetted", "checked"),
    "max_distance_km": ("max avstånd (km)", "max avstånd", "max distance (km)", "max distance km"),
    "max_open_tasks": ("max antal uppdrag", "max uppdrag", "max open tasks", "max tasks"),
}
EXPORT_HEADERS = {
    "first_name": "Förnamn",
    "last_name": "Efternamn",
    "phone": "Telefon",
    "district": "Kommundel",
    "languages": "Språk",
    "skills": "Uppdrag",
    "vetted": "Kontrollerad",
    "max_distance_km": "Max avstånd (km)",
    "max_open_tasks": "Max antal uppdrag",
    # Last, so the columns of lists exported before addresses keep their places.
    "address": "Adress",
    "postcode": "Postnummer",
}
REQUIRED = ("first_name", "phone", "languages")
# What an update may change, in the export's order; the phone is what finds the volunteer.
UPDATABLE = tuple(f for f in EXPORT_HEADERS if f != "phone")
# A change of any of these places the volunteer again.
POSITION_SOURCES = {"address", "postcode", "district"}
# The language the export writes its words in, as its headers are.
EXPORT_LANGUAGE = "sv"
YES = {"ja", "j", "yes", "y", "x", "1", "true", "sant"}
NO = {"nej", "n", "no", "0", "false", "falskt", ""}

# Language and task names people write in their lists, besides the codes themselves.
LANGUAGE_NAMES = {
    "swedish": "sv",
    "english": "en",
    "engelska": "en",
    "arabic": "ar",
    "turkish": "tr",
    "finnish": "fi",
    "somali": "so",
    "persian": "fa",
    "farsi": "fa",
    "dari": "fa",
    "kurdish": "ku",
    "tigrinya": "ti",
    "polish": "pl",
    "bosnian": "bs",
    "spanish": "es",
}
SKILL_NAMES = {
    "handla": "groceries",
    "handling": "groceries",
    "matinköp": "groceries",
    "mat": "groceries",
    "apotek": "pharmacy",
    "apoteksärenden": "pharmacy",
    "ärenden": "errand",
    "ärende": "errand",
    "errands": "errand",
    "ringa upp": "callback",
    "återuppringning": "callback",
    "telefonvän": "phone_friend",
    "phone friend": "phone_friend",
    "skjuts": "transport",
    "övrigt": "other",
    "annat": "other",
}
