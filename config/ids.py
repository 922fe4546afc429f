"""Reading ids that arrive as text (form fields, query strings).

`str.isdigit()` and `int()` take more than a database id: "¹", "٣" and "𝟙" are digits to
Python, and thirty nines overflow a bigint column. An id here is one to eighteen ASCII digits.
"""

import re

_ID = re.compile(r"[0-9]{1,18}")


def id_read(value: object) -> int | None:
    """The id `value` names, or None when it is not one."""
    text = str(value if value is not None else "").strip()
    return int(text) if _ID.fullmatch(text) else None


def ids_read(values) -> list[int]:
    """The ids among `values`, in order, without repeats; anything else is left out."""
    found = []
    for value in values:
        pk = id_read(value)
        if pk is not None and pk not in found:
            found.append(pk)
    return found
