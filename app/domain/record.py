"""What every stored record carries, and what records that travel as vCard/iCalendar add."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from app.domain.errors import ValidationError


@dataclass(frozen=True)
class RawProperty:
    """A property from an imported file that Rolodeck does not model, kept verbatim for export."""

    name: str
    value: str
    params: tuple[tuple[str, str], ...] = ()
    group: str | None = None


# kw_only: these come after each record's own fields, so records keep positional arguments.
@dataclass(kw_only=True)
class Record:
    id: int | None = None
    uid: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None
    # The stored version this copy was read at; a save states it, and a stale one is refused
    # (ConflictError) instead of overwriting what someone or something saved meanwhile.
    version: int = 0


class HasId(Protocol):
    @property
    def id(self) -> int | None: ...


def stored_id(record: HasId) -> int:
    """The id of a record read from the database, where it always has one: `id` is typed
    Optional only because a record not yet saved has none (ValidationError)."""
    if record.id is None:
        raise ValidationError(
            f"This {type(record).__name__} has not been saved yet, so it has no id")
    return record.id


@dataclass(kw_only=True)
class SyncedRecord(Record):
    """A record that has a vCard/iCalendar form: unknown properties survive a round trip.
    (Where a server keeps it is sync state, kept per collection, not on the record.)"""

    extra: list[RawProperty] = field(default_factory=list)
