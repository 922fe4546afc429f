"""What checking a volunteer list found, row by row: for the dry-run page and the import."""

from dataclasses import dataclass, field

from .models import Volunteer
from .volunteer_csv_words import EXPORT_HEADERS
from .volunteer_positions import AMBIGUOUS, NOT_FOUND, Placing


@dataclass
class RowResult:
    ADD, UPDATE, UNCHANGED = "add", "update", "unchanged"

    line: int
    raw: dict[str, str]
    values: dict = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (kind, message)
    action: str = ADD
    volunteer: Volunteer | None = None  # the organisation's volunteer this row updates
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)
    # Where the row places the volunteer; None for an update that leaves the position be.
    placing: Placing | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def position_notice(self) -> str:
        """What the dry run says of the row's position, or "" when there is nothing to say."""
        return self.placing.notice() if self.placing else ""

    @property
    def position_unfound(self) -> bool:
        """An address was given and not found: the dry run shows it as a warning."""
        return self.placing is not None and self.placing.reason in (NOT_FOUND, AMBIGUOUS)

    @property
    def change_labels(self) -> list[tuple[str, str, str]]:
        """The changes with each column's header, for the dry-run page."""
        return [(EXPORT_HEADERS[f], old, new) for f, old, new in self.changes]


@dataclass
class ImportReport:
    rows: list[RowResult]
    delimiter: str
    encoding: str
    ignored_headers: list[str]

    @property
    def valid(self) -> list[RowResult]:
        return [row for row in self.rows if row.ok]

    @property
    def invalid(self) -> list[RowResult]:
        return [row for row in self.rows if not row.ok]

    def _valid_with(self, action: str) -> list[RowResult]:
        return [row for row in self.valid if row.action == action]

    @property
    def added(self) -> list[RowResult]:
        return self._valid_with(RowResult.ADD)

    @property
    def updated(self) -> list[RowResult]:
        return self._valid_with(RowResult.UPDATE)

    @property
    def unchanged(self) -> list[RowResult]:
        return self._valid_with(RowResult.UNCHANGED)

    @property
    def placed_approximate(self) -> list[RowResult]:
        """Valid rows whose volunteer will be at a district's centre, not at a door."""
        return [row for row in self.valid if row.placing and row.placing.position.approximate]
