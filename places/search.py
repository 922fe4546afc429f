"""Finding an address from what an operator types while the caller talks: "storvretsv 1",
"1 Storvretsvägen", "Storvretsvagen 1B", "141 52", "Flemingsberg"."""

from django.db.models import Q

from .models import Address
from .text import number_split, query_words

SEARCH_LIMIT = 8


def address_search(
    query: str, *, limit: int = SEARCH_LIMIT, municipality: str = ""
) -> list[Address]:
    """The register's best matches for a typed address, best first."""
    words = query_words(query)
    if not words:
        return []
    rows = Address.objects.select_related("district")
    if municipality:
        rows = rows.filter(municipality__iexact=municipality)
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return list(rows.filter(condition).order_by("street", "number", "letter")[:limit])


def address_geocode(text: str, *, postcode: str = "", municipality: str = "") -> Address | None:
    """The one register entry a written address names, or None when it names none or
    several (a street without a number, "Storgatan 1" in two localities)."""
    query = f"{text} {postcode}".strip()
    words = query_words(query)
    if not any(number_split(word) for word in words):
        return None
    hits = address_search(query, limit=2, municipality=municipality)
    return hits[0] if len(hits) == 1 else None
