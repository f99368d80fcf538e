"""Groups (static membership), tags, and user-defined custom fields."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from app.domain.errors import ValidationError
from app.domain.filters import SavedSearch
from app.domain.quote import to_decimal


def clean_name(text: str) -> str:
    """A name as the user meant it: runs of spaces and stray edges are typing, not meaning."""
    return " ".join(text.split())


@dataclass
class Group:
    name: str
    description: str = ""
    id: int | None = None
    uid: str = ""
    contact_count: int = 0
    account_count: int = 0
    # Set for a saved search (a dynamic group): who is in it is whoever the search finds.
    saved_search: SavedSearch | None = None

    def validate(self) -> None:
        if not self.name.strip():
            raise ValidationError("A group needs a name")
        if self.saved_search is not None and self.saved_search.empty:
            raise ValidationError("A saved search needs some text to search for or a filter")


class FieldKind(enum.StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"


class FieldOwner(enum.StrEnum):
    CONTACT = "contact"
    ACCOUNT = "account"


@dataclass
class CustomFieldDef:
    owner: FieldOwner
    name: str
    kind: FieldKind = FieldKind.TEXT
    choices: list[str] = field(default_factory=list)
    id: int | None = None

    def validate(self) -> None:
        if not self.name.strip():
            raise ValidationError("A custom field needs a name")
        if self.kind == FieldKind.CHOICE and not self.choices:
            raise ValidationError(f"Choice field '{self.name}' needs at least one choice")
        if self.kind != FieldKind.CHOICE and self.choices:
            raise ValidationError(f"Only choice fields have choices ('{self.name}')")
        seen: set[str] = set()
        for choice in self.choices:
            if not choice.strip():
                raise ValidationError(f"A choice for '{self.name}' cannot be blank")
            if choice.casefold() in seen:
                raise ValidationError(f"'{choice}' is listed twice in the choices for "
                                      f"'{self.name}'")
            seen.add(choice.casefold())

    def canonical(self, raw: str) -> str:
        """The stored text for a typed value: numbers as plain decimals, dates as ISO."""
        value = raw.strip()
        if self.kind == FieldKind.NUMBER:
            return str(to_decimal(value, f"'{self.name}'"))
        if self.kind == FieldKind.DATE:
            try:
                return date.fromisoformat(value).isoformat()
            except ValueError as exc:
                raise ValidationError(f"'{self.name}' needs a date as YYYY-MM-DD") from exc
        if self.kind == FieldKind.CHOICE and value not in self.choices:
            raise ValidationError(
                f"'{value}' is not one of the choices for '{self.name}': {', '.join(self.choices)}")
        if self.kind == FieldKind.CHOICE:
            return value  # what was checked is what is stored, so usage counts match exactly
        return raw
