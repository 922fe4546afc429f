"""The district boundaries for the maps, as GeoJSON."""

import hashlib
import json

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, quote_etag
from django.views.decorators.http import require_GET

from config.roles import ADMIN, COORDINATOR, OPERATOR, role_required

from .maps import district_collection

# Boundaries change only by an import; a browser asks again after this, and a map that has
# them already gets a 304.
BOUNDARIES_MAX_AGE = 300


@require_GET
@role_required(OPERATOR, COORDINATOR, ADMIN)
def district_boundaries(request: HttpRequest) -> HttpResponse:
    """Every district: its boundary, or its centre as a point where it has none. The same for
    every role: boundaries are the municipality's, not anyone's personal data."""
    body = json.dumps(district_collection(), separators=(",", ":")).encode()
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type="application/geo+json")
    response["ETag"] = etag
    # Private: the page is behind a sign-in, and a shared cache should not keep it.
    patch_cache_control(response, private=True, max_age=BOUNDARIES_MAX_AGE)
    return response
