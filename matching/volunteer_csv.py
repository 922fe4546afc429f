"""Volunteer lists from the spreadsheets partner organisations keep.

Reads `;` or `,` separated files, UTF-8 with or without a byte-order mark or Excel's
Swedish export (cp1252, `;`, decimal comma), with Swedish or English column headers. Every
row is checked before anything is saved (`volunteers_check`); `volunteers_import` then saves
all valid rows, or nothing unless every row is valid, as the coordinator chooses.

The export writes the import's own headers and words (language names, task labels in
Swedish, ja/nej), so an edited export imports again: a row whose phone is one of the
organisation's volunteers updates that volunteer (only the columns the file has), and the
dry run says per row what is added, what changes and what stays as it is.

An address (Adress, Postnummer; both optional) is looked up in the address register
(matching.volunteer_positions): found, the volunteer is placed at its door and in its
district; not found, at the district's centre, flagged approximate, and the dry run says so
for that row. An update places the volunteer again when its address, postcode or district
changes.
"""

import csv
import io
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from config.csvsafe import csv_cell_read
from helpdesk.models import HelpRequest
from notifications.phones import phone_is_mobile, phone_normalise
from places.models import District, postcode_text

from .models import Organisation, Volunteer, skill_choices, spoken_language_choices
from .volunteer_csv_report import ImportReport, RowResult
from .volunteer_csv_words import (
    EXPORT_HEADERS,
    EXPORT_LANGUAGE,
    HEADERS,
    LANGUAGE_NAMES,
    NO,
    POSITION_SOURCES,
    REQUIRED,
    SKILL_NAMES,
    UPDATABLE,
    YES,
)
from .volunteer_positions import (
    Placing,
    address_placing,
    postcode_clean,
    volunteer_place,
)

MAX_BYTES = 1_000_000


class CsvError(ValidationError):
    """The file as a whole cannot be read."""


def csv_decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) first; Excel's Swedish export is cp1252."""
    if len(data) > MAX_BYTES:
        raise CsvError(_("The file is larger than 1 MB. Split it into smaller files."))
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        return ";" if header.count(";") >= header.count(",") else ","


def _lookup_tables() -> dict:
    # With the languages of packs not listed in SPOKEN_LANGUAGES, by code and own name.
    spoken = spoken_language_choices()
    languages = {code: code for code, _name in spoken}
    languages.update({str(name).lower(): code for code, name in spoken})
    languages.update(LANGUAGE_NAMES)
    skills = {code: code for code, _label in skill_choices()}
    # Labels in the export's language and in English, whatever the coordinator's UI language.
    for language in (EXPORT_LANGUAGE, "en", None):
        with override(language):
            for code, label in skill_choices():
                skills[str(label).lower()] = code
            for kind in HelpRequest.Kind:
                if kind.value in skills:
                    skills[str(kind.label).lower()] = kind.value
    skills.update(SKILL_NAMES)
    districts = {}
    for district in District.objects.all():
        districts[district.name.lower()] = district
        districts[district.code.lower()] = district
    return {"languages": languages, "skills": skills, "districts": districts}


def _codes(cell: str, table: dict[str, str]) -> tuple[set[str], list[str]]:
    found, unknown = set(), []
    for part in re.split(r"[,;/|+]|\boch\b|\band\b", cell or ""):
        name = part.strip().lower()
        if not name:
            continue
        if name in table:
            found.add(table[name])
        else:
            unknown.append(part.strip())
    return found, unknown


def _number(cell: str, kind: type, default):
    text = (cell or "").strip().replace(",", ".").replace("\xa0", "").replace(" ", "")
    if not text:
        return default
    return kind(float(text)) if kind is int else kind(text)


def _row_check(
    line: int,
    raw: dict[str, str],
    tables: dict,
    seen: dict[str, int],
    organisation: Organisation | None = None,
) -> RowResult:
    row = RowResult(line=line, raw=raw)
    values = row.values
    values["first_name"] = raw.get("first_name", "").strip()[:60]
    values["last_name"] = raw.get("last_name", "").strip()[:60]
    if not values["first_name"]:
        row.errors.append(("name", _("First name is missing.")))
    try:
        phone = phone_normalise(raw.get("phone", ""))
        if not phone_is_mobile(phone):
            row.errors.append(("phone", _("%(phone)s is not a mobile number.") % {"phone": phone}))
        elif phone in seen:
            row.errors.append(
                ("duplicate", _("Same phone number as line %(line)s.") % {"line": seen[phone]})
            )
        else:
            registered = Volunteer.objects.filter(phone=phone).first()
            if registered is not None and _ours(registered, organisation):
                row.volunteer = registered
            elif registered is not None:
                row.errors.append(("registered", _("Already registered as a volunteer.")))
        seen.setdefault(phone, line)
        values["phone"] = phone
    except ValidationError as error:
        row.errors.append(("phone", " ".join(error.messages)))
    district_name = raw.get("district", "").strip()
    values["district"] = tables["districts"].get(district_name.lower()) if district_name else None
    if district_name and values["district"] is None:
        row.errors.append(("district", _("Unknown district “%(name)s”.") % {"name": district_name}))
    values["address"] = " ".join(raw.get("address", "").split())[:200]
    values["postcode"] = postcode_clean(raw.get("postcode", ""))
    if values["postcode"] is None:
        row.errors.append(
            (
                "postcode",
                _("A postcode is five digits, such as 141 52: “%(postcode)s”.")
                % {"postcode": raw.get("postcode", "").strip()},
            )
        )
    languages, unknown = _codes(raw.get("languages", ""), tables["languages"])
    values["languages"] = languages
    if unknown:
        row.errors.append(
            ("language", _("Unknown language: %(names)s.") % {"names": ", ".join(unknown)})
        )
    elif not languages:
        row.errors.append(("language", _("No language given.")))
    skills, unknown = _codes(raw.get("skills", ""), tables["skills"])
    values["skills"] = skills
    if unknown:
        row.errors.append(("skill", _("Unknown task: %(names)s.") % {"names": ", ".join(unknown)}))
    vetted = raw.get("vetted", "").strip().lower()
    if vetted not in YES | NO:
        row.errors.append(("vetted", _("Vetted must be yes or no.")))
    values["vetted"] = vetted in YES
    try:
        values["max_distance_km"] = _number(raw.get("max_distance_km", ""), float, 5.0)
        values["max_open_tasks"] = _number(raw.get("max_open_tasks", ""), int, 2)
        if not (0 < values["max_distance_km"] <= 100 and 0 < values["max_open_tasks"] <= 20):
            raise ValueError
    except ValueError:
        row.errors.append(("number", _("Max distance or max tasks is not a sensible number.")))
    if row.ok and row.volunteer is not None:
        row.changes = [
            (f, cell_text(f, getattr(row.volunteer, f)), cell_text(f, values[f]))
            for f in UPDATABLE
            if f in raw and _value_key(f, getattr(row.volunteer, f)) != _value_key(f, values[f])
        ]
        row.action = RowResult.UPDATE if row.changes else RowResult.UNCHANGED
    if row.ok:
        row.placing = _row_placing(row, tables["fallback"])
    return row


def _row_placing(row: RowResult, fallback: District | None) -> Placing | None:
    """A new volunteer is always placed; one updated only when what places them changed,
    from the file's columns and, for the columns it lacks, what is saved already."""
    values, volunteer = row.values, row.volunteer
    if volunteer is None:
        return address_placing(
            address=values["address"],
            postcode=values["postcode"],
            district=values["district"],
            fallback=fallback,
        )
    if not POSITION_SOURCES & {f for f, _old, _new in row.changes}:
        return None

    def now(f: str):
        return values[f] if f in row.raw else getattr(volunteer, f)

    return address_placing(
        address=now("address"),
        postcode=now("postcode"),
        district=now("district"),
        fallback=volunteer.district or fallback,
    )


def _ours(volunteer: Volunteer, organisation: Organisation | None) -> bool:
    """A row updates a volunteer only of the importing organisation, and only one still with
    it; anyone else's number stays "already registered"."""
    return (
        organisation is not None
        and volunteer.organisation_id == organisation.pk
        and volunteer.is_active
    )


def _value_key(field_name: str, value):
    if field_name in ("languages", "skills"):
        return frozenset(value or ())
    if field_name == "district":
        return getattr(value, "pk", None)
    if field_name == "max_distance_km":
        return round(float(value), 2)
    return value


def cell_text(field_name: str, value) -> str | float | int:
    """A volunteer's value as the export writes it, in the words the import reads."""
    if field_name == "languages":
        names = dict(spoken_language_choices())
        return ", ".join(sorted(str(names.get(code, code)) for code in value or ()))
    if field_name == "skills":
        with override(EXPORT_LANGUAGE):
            labels = {code: str(label) for code, label in skill_choices()}
        return ", ".join(sorted(labels.get(code, code) for code in value or ()))
    if field_name == "district":
        return value.name if value else ""
    if field_name == "vetted":
        return "ja" if value else "nej"
    if field_name == "postcode":
        return postcode_text(value or "")
    return value if value is not None else ""


def volunteers_check(data: bytes, *, organisation: Organisation | None = None) -> ImportReport:
    """Read and check every row; saves nothing. CsvError when the file cannot be read at all.
    With `organisation`, a row with one of its volunteers' phones is an update of them."""
    text, encoding = csv_decode(data)
    if not text.strip():
        raise CsvError(_("The file is empty."))
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader)
    columns, ignored = [], []
    for name in header:
        key = name.strip().lower()
        field_name = next((f for f, aliases in HEADERS.items() if key in aliases), None)
        columns.append(field_name)
        if field_name is None and key:
            ignored.append(name.strip())
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        raise CsvError(
            _("Columns missing: %(columns)s.")
            % {"columns": ", ".join(EXPORT_HEADERS[f] for f in missing)}
        )
    tables = _lookup_tables()
    # Where a new volunteer with neither address nor district is put: lat/lon cannot be empty.
    tables["fallback"] = (
        organisation.districts.first() if organisation else None
    ) or District.objects.first()
    seen: dict[str, int] = {}
    rows = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        # Our own exports quote cells that would read as formulas; take that quote off.
        raw = {f: csv_cell_read(cell) for f, cell in zip(columns, cells, strict=False) if f}
        rows.append(_row_check(line, raw, tables, seen, organisation))
    return ImportReport(rows=rows, delimiter=delimiter, encoding=encoding, ignored_headers=ignored)


@transaction.atomic
def volunteers_import(*, organisation: Organisation, data: bytes, all_or_nothing: bool) -> int:
    """Check again (the list may have changed since the dry run) and save. Returns how many
    were saved, added or updated: 0 when all_or_nothing and any row has an error."""
    report = volunteers_check(data, organisation=organisation)
    if all_or_nothing and report.invalid:
        return 0
    saved = 0
    for row in report.updated:
        _volunteer_update(row)
        saved += 1
    for row in report.added:
        values = dict(row.values)
        volunteer = Volunteer(organisation=organisation, **values)
        volunteer_place(volunteer, row.placing)
        if volunteer.lat is None:
            # No district in the whole register to stand in: matched by nobody until edited.
            volunteer.lat, volunteer.lon = 0.0, 0.0
        try:
            with transaction.atomic():
                volunteer.save()
        except IntegrityError:
            # Registered by someone else between the check and now.
            if all_or_nothing:
                raise CsvError(
                    _("%(phone)s was registered meanwhile, so nothing was saved. Check again.")
                    % {"phone": values["phone"]}
                ) from None
            continue
        saved += 1
    return saved


def _volunteer_update(row: RowResult) -> None:
    volunteer = row.volunteer
    changed = [f for f, _old, _new in row.changes]
    for f in changed:
        setattr(volunteer, f, row.values[f])
    if row.placing is not None:
        changed = sorted(set(changed) | set(volunteer_place(volunteer, row.placing)))
    volunteer.save(update_fields=changed)


def volunteers_export(organisation: Organisation) -> tuple[list[str], list[list]]:
    """The organisation's volunteers under the import's headers, in the import's words."""
    rows = []
    for v in organisation.volunteers.filter(is_active=True).select_related("district"):
        rows.append(
            [str(v.phone) if f == "phone" else cell_text(f, getattr(v, f)) for f in EXPORT_HEADERS]
        )
    return list(EXPORT_HEADERS.values()), rows
