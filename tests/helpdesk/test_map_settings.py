"""The map's tile server is a setting, and the CSP lets the browser load its tiles and no
other's: a custom host is named in img-src, MAP_TILE_URL="" names none."""

import json
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.test_settings import CLEAN, ROOT

PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'tiles': settings.MAP_TILE_URL, "
    "'attribution': settings.MAP_TILE_ATTRIBUTION, "
    "'img': settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']}))"
)


def probe(**env) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**{k: v for k, v in CLEAN.items() if not k.startswith("MAP_")}, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_default_is_openstreetmaps_tile_server_with_its_attribution():
    found = probe(DJANGO_SETTINGS_MODULE="config.settings", DOTENV_PATH="/nonexistent")
    assert found["tiles"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert (
        "OpenStreetMap" in found["attribution"]
        and "openstreetmap.org/copyright" in (found["attribution"])
    )
    assert found["img"] == ["'self'", "data:", "https://tile.openstreetmap.org"]


@pytest.mark.parametrize(
    "url, source",
    [
        ("https://tiles.example.org/osm/{z}/{x}/{y}.png", "https://tiles.example.org"),
        ("https://{s}.maps.example.net:8443/{z}/{x}/{y}.png", "https://*.maps.example.net:8443"),
    ],
)
def test_a_custom_tile_host_is_named_in_img_src(url, source):
    found = probe(
        DJANGO_SETTINGS_MODULE="config.settings", DOTENV_PATH="/nonexistent", MAP_TILE_URL=url
    )
    assert found["tiles"] == url
    assert found["img"] == ["'self'", "data:", source]


def test_no_tiles_names_no_tile_host():
    found = probe(
        DJANGO_SETTINGS_MODULE="config.settings", DOTENV_PATH="/nonexistent", MAP_TILE_URL=""
    )
    assert found["tiles"] == ""
    assert found["img"] == ["'self'", "data:"]


@pytest.mark.django_db
def test_the_pages_csp_header_allows_the_configured_tiles(client, operator, settings):
    from config.settings import tile_origin

    client.force_login(operator)
    header = client.get(reverse("home"))["Content-Security-Policy"]
    img_src = next(d for d in header.split(";") if d.strip().startswith("img-src")).split()
    origin = tile_origin(settings.MAP_TILE_URL)
    assert ("'self'" in img_src) and (origin in img_src if origin else len(img_src) == 3)
