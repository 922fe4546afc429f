"""The one CSV writer every export uses: files people open in Excel, UTF-8 with a byte-order
mark and `;` between fields (what Swedish Excel expects), decimal commas so numbers stay
numbers, and no cell a spreadsheet would run as a formula.

Names, districts and task texts come from people (a coordinator's import, an admin's form),
so a cell such as `=HYPERLINK(...)` or `+cmd|...` would run when the file is opened. OWASP's
rule: a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
single quote, which spreadsheets show as text and do not display.
"""

import csv
from collections.abc import Iterable

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """`value` as the text of a safe cell."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "1" if value else "0"
    elif isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_cell_read(text: str) -> str:
    """A cell read back from a file we wrote: the quote csv_cell added is taken off again, so
    an export imports as what it holds (`'+46701740605` is the number `+46701740605`)."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_cell(value) for value in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return response
