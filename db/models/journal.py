"""The change journal (undo, redo, field history, sync's change feed), tombstones of purged
records, and sync state per collection.

Every committed unit of work appends one `journal_units` row in its own transaction; its
`seq` only ever grows (AUTOINCREMENT: pruning old units never lets a number come back), so
sync and a team server can ask for "everything after N".
"""

# Annotations stay objects, not strings (no `from __future__ import annotations`): mapping a
# class would otherwise eval() every column's annotation, a quarter of building it.

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import NEVER_REUSE_IDS, Base


class JournalUnitRow(Base):
    __tablename__ = "journal_units"
    __table_args__ = NEVER_REUSE_IDS
    seq: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    label: Mapped[str] = mapped_column(String(512))
    origin: Mapped[str] = mapped_column(String(16))  # user, import, sync, undo, redo, sample...
    actor: Mapped[str] = mapped_column(String(255))  # the OS user; the database user on a server
    created_at: Mapped[datetime] = mapped_column(index=True)
    # The unit this one reverts (undo, redo, revert), and the unit that reverted this one.
    reverts: Mapped[int | None] = mapped_column(Integer, index=True)
    reverted_by: Mapped[int | None] = mapped_column(Integer)
    # A whole-database change (restore): nothing to undo record by record.
    whole: Mapped[bool] = mapped_column(default=False)
    records: Mapped[int] = mapped_column(default=0)
    size: Mapped[int] = mapped_column(default=0)  # bytes of change payload, for retention


class JournalChangeRow(Base):
    """One record's change in a unit: `fields` is {name: [before, after]} for an update, the
    whole image for an insert (after) or a delete (before). A bulk insert is one row for a
    range of ids (`record_id`..`last_id`) with no images, so bulk speed holds."""

    __tablename__ = "journal_changes"
    __table_args__ = (Index("ix_journal_changes_record", "entity", "record_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_seq: Mapped[int] = mapped_column(
        ForeignKey("journal_units.seq", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(String(16))
    op: Mapped[str] = mapped_column(String(12))  # insert, update, delete, bulk_insert
    record_id: Mapped[int] = mapped_column(Integer)
    last_id: Mapped[int | None] = mapped_column(Integer)
    record_uid: Mapped[str | None] = mapped_column(String(255))
    version: Mapped[int | None] = mapped_column(Integer)  # after the change (before a delete)
    # JSON text, encoded once by the journal itself (a bulk undo writes 100,000 of these).
    fields: Mapped[str | None] = mapped_column(Text)


class TombstoneRow(Base):
    """A record deleted for good: sync must tell the server, a team server its clients."""

    __tablename__ = "tombstones"
    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(16))
    uid: Mapped[str] = mapped_column(String(255), index=True)
    record_id: Mapped[int] = mapped_column(Integer)
    deleted_at: Mapped[datetime]
    unit_seq: Mapped[int] = mapped_column(Integer, index=True)


class SyncCollectionRow(Base):
    """A CardDAV address book or CalDAV calendar Rolodeck syncs with."""

    __tablename__ = "sync_collections"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # carddav, caldav
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    display_name: Mapped[str] = mapped_column(String(255), default="")
    sync_token: Mapped[str | None] = mapped_column(Text)
    ctag: Mapped[str | None] = mapped_column(String(255))
    # The journal position this collection has pushed up to.
    pushed_seq: Mapped[int] = mapped_column(default=0)
    last_synced_at: Mapped[datetime | None]


class SyncItemRow(Base):
    """Where one record lives in one collection, and what both sides last agreed on."""

    __tablename__ = "sync_items"
    __table_args__ = (UniqueConstraint("collection_id", "href", name="collection_href"),
                      Index("ix_sync_items_record", "entity", "record_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("sync_collections.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[int | None] = mapped_column(Integer)
    uid: Mapped[str] = mapped_column(String(255))
    href: Mapped[str] = mapped_column(String(2048))
    etag: Mapped[str | None] = mapped_column(String(255))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[str | None] = mapped_column(Text)  # the last synced vCard/iCalendar text
