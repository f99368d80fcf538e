"""History (what happened) and activities (what is scheduled)."""

# Annotations stay objects, not strings (no `from __future__ import annotations`): mapping a
# class would otherwise eval() every column's annotation, a quarter of building it.

from datetime import datetime as _dt

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import NEVER_REUSE_IDS, Base, RecordMixin


class HistoryRow(RecordMixin, Base):
    __tablename__ = "history"
    __table_args__ = (Index("ix_history_account_when", "account_id", "occurred_at"),
                      NEVER_REUSE_IDS)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[_dt] = mapped_column(index=True)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16), default="completed")
    regarding: Mapped[str] = mapped_column(String(512), default="")
    details: Mapped[str] = mapped_column(Text, default="")
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), index=True)


history_contacts = Table(
    "history_contacts", Base.metadata,
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("history_id", ForeignKey("history.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class ActivityRow(RecordMixin, Base):
    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_window", "status", "first_start_utc"),
                      NEVER_REUSE_IDS)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    regarding: Mapped[str] = mapped_column(String(512))
    details: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(512), default="")
    # Wall-clock start in `tz`; the UTC bounds below are derived, for pruning range queries.
    start_local: Mapped[_dt] = mapped_column(DateTime(timezone=False))
    duration_minutes: Mapped[int] = mapped_column(default=30)
    tz: Mapped[str | None] = mapped_column(String(64))
    all_day: Mapped[bool] = mapped_column(default=False)
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    rrule: Mapped[str | None] = mapped_column(String(1024))
    exdates: Mapped[list | None]  # ISO wall-clock strings
    alarm_minutes: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(8), default="open")
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    recurrence_key: Mapped[_dt | None] = mapped_column(DateTime(timezone=False))
    first_start_utc: Mapped[_dt]
    last_end_utc: Mapped[_dt | None]


activity_attendees = Table(
    "activity_attendees", Base.metadata,
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class ClearedOccurrenceRow(Base):
    """One cleared occurrence of a recurring activity, and the history item clearing wrote."""

    __tablename__ = "cleared_occurrences"
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True)
    occurrence_key: Mapped[_dt] = mapped_column(DateTime(timezone=False), primary_key=True)
    history_id: Mapped[int | None] = mapped_column(ForeignKey("history.id", ondelete="SET NULL"))
