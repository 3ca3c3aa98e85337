"""Located input problems: where a bad value is (file, sheet, row, column letters) and what was expected instead."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MESSAGE_CHARS = 500  # a message quoting a hostile cell is cut here, not printed whole


@dataclass(frozen=True)
class Location:
    """A place in an input file; rows are 1-based as a spreadsheet shows them."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    path: str | None = None  # a JSON/YAML path (`tasks[3].annotations`) or a member of an archive

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.path:
            parts.append(f"at {self.path}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, at one place."""

    location: Location
    message: str

    def __str__(self) -> str:
        message = self.message if len(self.message) <= MESSAGE_CHARS else self.message[:MESSAGE_CHARS] + "..."
        return f"{self.location}: {message}"


class InputError(ValueError):
    """The input cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(str(self))

    @classmethod
    def at(cls, message: str, file: str, **where: object) -> InputError:
        """Shorthand for a single problem."""
        return cls([Problem(Location(file, **where), message)])  # type: ignore[arg-type]

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems in the input:"]
        lines += [f"  - {p}" for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"  ... and {len(self.problems) - 50} more")
        return "\n".join(lines)


def column_letter(index: int) -> str:
    """0-based column index -> spreadsheet letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
