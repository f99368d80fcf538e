"""What the vCard reader gives for each record of a file: a contact, a group, or a problem."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from app.domain.contact import Contact
from app.domain.record import RawProperty


class Severity(enum.StrEnum):
    # The record (or the whole file) was not read: nothing of it is in the results.
    ERROR = "error"
    # The record was read, but something on it was left off or had to be guessed.
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """Something the user should be told, with where it is: `line` is the physical line
    (1-based) it is on, `record` the 1-based number of the card (None: the file itself)."""

    file: str
    line: int
    record: int | None
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}"
        if self.record is not None:
            where += f" (card {self.record})"
        return f"{where}: {self.message}"


@dataclass
class ParsedCard:
    """A contact read whole. `line` is its BEGIN:VCARD line, `record` its number in the
    file. `uid_generated`: the card had no UID and the contact's is derived from the card's
    text (so the same card read again gets the same one)."""

    contact: Contact
    line: int
    record: int
    version: str = ""
    uid_generated: bool = False


@dataclass
class ParsedGroup:
    """A group card (4.0 KIND:group, Apple's X-ADDRESSBOOKSERVER-KIND:group): its name and
    its members' UIDs as the card gives them (usually `urn:uuid:` + the member's UID)."""

    name: str
    uid: str
    members: list[str] = field(default_factory=list)
    line: int = 0
    record: int = 0
    extra: list[RawProperty] = field(default_factory=list)


Parsed = ParsedCard | ParsedGroup | Problem

_MB = 1024 * 1024


def size_text(n: int, limit: int | None = None) -> str:
    """A size as problems state it: "4.8 MB", "976 KB". Beside the `limit` it is over, in
    KB where MB would round the two alike ("4,100 KB, more than the 4.0 MB ...")."""
    text = f"{n / _MB:.1f} MB" if n >= _MB else f"{max(1, n // 1024)} KB"
    if limit is not None and n > limit and text == size_text(limit):
        return f"{-(-n // 1024):,} KB"
    return text
