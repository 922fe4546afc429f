"""A set of short codes (languages, task kinds) stored as ",ar,sv," so that membership is a
portable, index-free LIKE on SQLite and PostgreSQL alike: `languages__has="ar"`."""

from django import forms
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Func, IntegerField, Lookup
from django.db.models.query_utils import DeferredAttribute
from django.utils.translation import gettext_lazy as _lazy


def codes_parse(value) -> frozenset[str]:
    """Any of "sv, ar", ["sv", "ar"] or ",ar,sv," as a frozenset of lower-case codes."""
    if value is None:
        return frozenset()
    if isinstance(value, str):
        value = value.split(",")
    return frozenset(str(code).strip().lower() for code in value if str(code).strip())


class _CodeSetAttribute(DeferredAttribute):
    """Whatever is assigned is held as a frozenset, so `"ar" in volunteer.languages` is right
    even before the row has been saved and read back."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = codes_parse(value)


class CodeSetField(models.CharField):
    descriptor_class = _CodeSetAttribute

    def __init__(self, *args, choices_source=None, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        self.choices_source = choices_source
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_length", 200), ("blank", True), ("default", "")):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return codes_parse(value)

    def to_python(self, value):
        return codes_parse(value)

    def get_prep_value(self, value):
        codes = sorted(codes_parse(value))
        return f",{','.join(codes)}," if codes else ""

    def value_to_string(self, obj):
        return ",".join(sorted(self.value_from_object(obj)))

    def formfield(self, **kwargs):
        choices = self.choices_source() if callable(self.choices_source) else None
        if choices:
            return forms.TypedMultipleChoiceField(
                choices=choices,
                required=not self.blank,
                widget=forms.CheckboxSelectMultiple,
                # A form's own label (ModelForm Meta.labels) wins: it is the translated one.
                label=kwargs.get("label") or self.verbose_name.capitalize(),
                help_text=self.help_text,
            )
        return forms.CharField(
            required=not self.blank,
            label=self.verbose_name.capitalize(),
            help_text="Comma-separated codes, e.g. sv,ar",
        )


@CodeSetField.register_lookup
class Has(Lookup):
    lookup_name = "has"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [f"%,{str(value).strip().lower()},%"])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", [*lhs_params, *rhs_params]


class LatCell(Func):
    """floor(latitude * 100) as an integer, written with built-in SQL only, so a generated
    column needs no Python function registered on the connection (SQLite has no FLOOR of its
    own before 3.35 and none at all when built without the math functions)."""

    arity = 1
    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(FLOOR({sql} * 100) AS integer)", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        # CAST truncates towards zero; subtracting one below zero makes it a floor.
        scaled = f"({sql} * 100)"
        return (
            f"(CAST({scaled} AS INTEGER) - ({scaled} < CAST({scaled} AS INTEGER)))",
            params * 3,
        )


def lat_cell(lat: float) -> int:
    """The Python twin of LatCell, for building queries."""
    import math

    return math.floor(lat * 100)


class PostcodeField(models.CharField):
    """A Swedish postcode as five digits ("14152"), checked on every way in: the form and the
    import clean "141 52" to it, and the admin refuses anything else. Empty when not given."""

    default_validators = [
        RegexValidator(r"^\d{5}$", _lazy("A postcode is five digits, such as 141 52."))
    ]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 5)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)
