"""Exceptions that stop a command. Each carries a location so the CLI can print one line.

Findings (questions a reviewer would ask) are values, see :mod:`implan_docs.findings`; these are
for stopping. The CLI maps every ``ImplanError`` to exit code 1 and a single line, never a traceback
(unless ``--debug``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where something is, in the terms a user addresses a cell: ``plan.xlsx:Tasks!E14 (Owner)``."""

    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""  # column letter, e.g. "E"
    header: str = ""  # column header text, e.g. "Owner"

    @property
    def cell(self) -> str:
        if self.row is None:
            return self.column
        return f"{self.column}{self.row}"

    def __str__(self) -> str:
        where = self.file
        if self.sheet:
            ref = self.sheet
            if self.cell:
                ref += f"!{self.cell}"
            where = f"{where}:{ref}" if where else ref
        if self.header:
            where += f" ({self.header})"
        return where

    def sort_key(self) -> tuple:
        return (self.file, self.sheet, self.row or 0, _col_index(self.column))

    def with_file(self, file: str | Path) -> "Location":
        return Location(Path(file).name if file else "", self.sheet, self.row, self.column, self.header)


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        if "A" <= ch <= "Z":
            n = n * 26 + (ord(ch) - 64)
    return n


class ImplanError(Exception):
    """Base class: something the user handed the tool cannot be used. One line, exit 1."""

    def __init__(self, message: str, location: Location | None = None):
        super().__init__(message)
        self.message = message
        self.location = location or Location()

    def __str__(self) -> str:
        loc = str(self.location)
        return f"{loc}: {self.message}" if loc else self.message


class WorkbookError(ImplanError):
    """The workbook cannot be opened or read as a plan."""


class ValidationFailed(ImplanError):
    """The workbook was read but breaks the contract; ``findings`` holds every error."""

    def __init__(self, findings, file: str = ""):
        self.findings = list(findings)
        errors = [f for f in self.findings if f.is_error]
        super().__init__(f"{len(errors)} error(s) in the plan", Location(file=file))


class TemplateError(ImplanError):
    """The Word template cannot be used."""


class DocumentError(ImplanError):
    """A Word document handed to the tool (e.g. a reviewed copy) cannot be read."""


class OutputError(ImplanError):
    """An output cannot be written (read-only folder, disk full, existing file without --force)."""


class SectionFailed(ImplanError):
    """A section notebook failed; the executed notebook is kept for inspection."""
