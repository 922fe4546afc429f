from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    """A kommundel. Population figures and the equity weight come from the municipality;
    the boundary from `districts_import` (GeoJSON)."""

    name = models.CharField(max_length=80, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    # The centre: where a resident or volunteer is placed when their address is not found.
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    population = models.PositiveIntegerField(default=0)
    population_70_plus = models.PositiveIntegerField(default=0)
    # 1.0 is the municipal average; higher where crowding, unemployment and health make
    # the same request more pressing. Used in request priority and the equity report.
    equity_weight = models.FloatField(default=1.0)
    # A GeoJSON Polygon or MultiPolygon geometry in WGS 84 (lon, lat), or None.
    boundary = models.JSONField(null=True, blank=True)

    class Meta:
        # The model began in helpdesk; its table keeps that name.
        db_table = "helpdesk_district"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Address(models.Model):
    """One entrance of the address register: a door a position can be read from."""

    street = models.CharField(max_length=120)
    number = models.CharField(max_length=12)
    # Letter or entrance: "B" in "Storvretsvägen 1B", "uppg. 2".
    letter = models.CharField(max_length=12, blank=True)
    postcode = models.CharField(max_length=6, blank=True)  # digits only: "14152"
    locality = models.CharField(max_length=80, blank=True)  # postort
    municipality = models.CharField(max_length=80, blank=True)
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.SET_NULL, related_name="addresses"
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    # Where the row came from ("osm", "csv", "demo") and its id there: a re-import updates
    # by (source, source_id) and removes what the source no longer has.
    source = models.CharField(max_length=16)
    source_id = models.CharField(max_length=80)
    # Lower case, diacritics folded, abbreviations spelt out: what search matches against
    # (places.text.search_text). Kept in step by every writer.
    search_text = models.CharField(max_length=250, editable=False)

    class Meta:
        ordering = ["street", "number", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="address_source_id")
        ]
        indexes = [models.Index(fields=["municipality", "source"], name="address_scope")]

    def __str__(self) -> str:
        return self.label

    @property
    def door(self) -> str:
        """ "Storvretsvägen 1B"."""
        number = (
            f"{self.number}{self.letter}"
            if len(self.letter) <= 1
            else (f"{self.number} {self.letter}")
        )
        return f"{self.street} {number}".strip()

    @property
    def label(self) -> str:
        """ "Storvretsvägen 1B, 141 52 Flemingsberg"."""
        place = " ".join(p for p in (postcode_text(self.postcode), self.locality) if p)
        return ", ".join(p for p in (self.door, place) if p)


def postcode_text(postcode: str) -> str:
    """ "14152" as Swedish post writes it: "141 52"."""
    return f"{postcode[:3]} {postcode[3:]}" if len(postcode) == 5 else postcode
