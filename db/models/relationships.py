"""Relationships between contacts: one row per relationship, read from both ends."""

# Annotations stay objects, not strings (no `from __future__ import annotations`): mapping a
# class would otherwise eval() every column's annotation, a quarter of building it.

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import NEVER_REUSE_IDS, Base, utcnow


class RelationshipRow(Base):
    """`from_contact_id` is `kind` of `to_contact_id` (app.domain.relationship). Its own
    journaled record (not a child of either contact), so undo puts it back under its own id
    and a purge of either contact takes it, and its undo brings it back (both cascade)."""

    __tablename__ = "contact_relationships"
    __table_args__ = (
        CheckConstraint("from_contact_id != to_contact_id", name="not_self"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    to_contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(255), default="")
    reverse_label: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # Relationship.key(): the same relationship twice is refused here too, whichever way
    # round it was written.
    pair_key: Mapped[str] = mapped_column(String(600), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
