"""What every stored record carries, and what records that travel as vCard/iCalendar add."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


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


@dataclass(kw_only=True)
class SyncedRecord(Record):
    """A record that has a vCard/iCalendar form: unknown properties survive a round trip, and
    sync remembers where the server keeps it."""

    extra: list[RawProperty] = field(default_factory=list)
    remote_href: str | None = None
    remote_etag: str | None = None
