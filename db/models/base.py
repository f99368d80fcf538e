"""Declarative base, naming convention, column types and the mixin every record shares."""

# Annotations stay objects, not strings (no `from __future__ import annotations`): mapping a
# class would otherwise eval() every column's annotation, a quarter of building it.

import os
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, DateTime, MetaData, Numeric, String, Table, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Alembic's batch mode can only drop or alter constraints that have names.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """An instant. Always aware in Python; UTC in the database (naive text on SQLite)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for an instant column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Money(TypeDecorator):
    """Exact decimals. SQLite has no decimal type (NUMERIC would round-trip through float), so
    there they are stored as text; other engines get a real NUMERIC."""

    impl = String(40)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(24, 6, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"money column given {type(value).__name__}, not Decimal")
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(str(value))


def new_uid() -> str:
    """A time-ordered UUID (version 7, RFC 9562) as text. Time order keeps inserts into the
    unique uid index near its end: random (v4) UIDs cost a bulk import of 100,000 contacts a
    tenth of its time in scattered B-tree page writes. Built from bytes, not uuid.UUID
    objects, which cost twice as much."""
    millis = time.time_ns() // 1_000_000
    b = bytearray(millis.to_bytes(6, "big") + os.urandom(10))
    b[6] = b[6] & 0x0F | 0x70
    b[8] = b[8] & 0x3F | 0x80
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def utcnow() -> datetime:
    return datetime.now(UTC)


# None is SQL NULL, never the JSON text 'null': the bulk path binds None as NULL, and both
# paths must store the same bytes (undo compares and restores them exactly).
JSON_OR_NULL = JSON(none_as_null=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), Decimal: Money(), dict: JSON_OR_NULL,
                           list: JSON_OR_NULL}

    if TYPE_CHECKING:
        # Every model here is mapped to a plain Table; SQLAlchemy types __table__ as the wider
        # FromClause, which insert()/update()/delete() and Table-taking helpers refuse.
        __table__: ClassVar[Table]


class RecordMixin:
    """What every top-level record carries: a stable UID for vCard/iCalendar/sync, timestamps,
    soft delete, what an imported file had that we do not model, and the version a save must
    state (optimistic concurrency: `UPDATE ... WHERE id = ? AND version = ?`). Where sync keeps
    a record on a server is not here: see db.models.journal (sync state per collection)."""

    uid: Mapped[str] = mapped_column(String(255), unique=True, default=new_uid)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None]
    # [[group, name, [[param, value], ...], value], ...]: properties kept for a round trip.
    extra: Mapped[list | None] = mapped_column(JSON_OR_NULL)
    # Every unit of work that changes the record adds one; a stale save is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")


# Ids of records are never reused (SQLite AUTOINCREMENT; a sequence elsewhere): the change
# journal, tombstones and undo of a purge refer to records by id long after they are gone.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}
