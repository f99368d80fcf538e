"""Read-side rows: what lists, search results and the today view show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from app.domain.activity import Occurrence
from app.domain.history import HistoryKind, Outcome


@dataclass(frozen=True)
class ContactSummary:
    id: int
    uid: str
    display_name: str
    account_name: str
    title: str
    email: str
    phone: str
    status: str
    updated_at: datetime | None = None
    # "Lovelace, Ada": the name as a list in family-name order shows it.
    family_first: str = ""


@dataclass(frozen=True)
class AccountSummary:
    id: int
    uid: str
    name: str
    industry: str
    main_phone: str
    website: str
    contact_count: int


@dataclass(frozen=True)
class SearchHit:
    """`kind` is 'contact' or 'account'; `matched` says which field matched, for the UI hint."""

    kind: str
    id: int
    title: str
    subtitle: str
    matched: str


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    kind: HistoryKind
    occurred_at: datetime
    outcome: Outcome
    regarding: str
    details: str
    duration_minutes: int | None
    contacts: tuple[str, ...]
    account: str | None


@dataclass(frozen=True)
class Birthday:
    contact_id: int
    display_name: str
    on: date
    turns: int | None  # None when the year of birth is unknown


@dataclass(frozen=True)
class QuoteTotal:
    status: str
    currency: str
    count: int
    total: Decimal


@dataclass(frozen=True)
class TodaySummary:
    day: date
    due_today: list[Occurrence] = field(default_factory=list)
    overdue: list[Occurrence] = field(default_factory=list)
    birthdays: list[Birthday] = field(default_factory=list)
    open_quotes: list[QuoteTotal] = field(default_factory=list)
