"""The intake's address suggestions: the register's entries for what the operator has typed
so far, asked for as each word is typed (see static/helpdesk/address.js)."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from config.roles import OPERATOR, role_required
from places.search import address_search

# Longer than any address said on the phone; more is cut, not refused.
QUERY_LIMIT = 100


@require_GET
@role_required(OPERATOR)
def address_suggest(request: HttpRequest) -> JsonResponse:
    """Up to eight entries of the address register for `q`, best first. The register is
    public (doors and districts); nothing about any resident is read or answered here."""
    query = request.GET.get("q", "")[:QUERY_LIMIT]
    rows = address_search(query)
    results = [
        {
            "id": row.pk,
            "label": row.label,
            "district": row.district.name if row.district else "",
            "district_id": row.district_id,
        }
        for row in rows
    ]
    # The query comes back with its answer: the page keeps only the answer to what is in the
    # field now.
    return JsonResponse({"q": query, "results": results})
