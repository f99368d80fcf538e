"""Counts of every kind of record, for `stats` and the About box."""

from __future__ import annotations

from sqlalchemy import Connection, Table, func, select

from db.models import (
    AccountRow,
    ActivityRow,
    ContactRow,
    CustomFieldRow,
    EmailRow,
    GroupRow,
    HistoryRow,
    PhoneRow,
    ProductRow,
    QuoteLineRow,
    QuoteRow,
    TagRow,
)

_LIVE = {
    "contacts": ContactRow.__table__, "accounts": AccountRow.__table__,
    "history": HistoryRow.__table__, "activities": ActivityRow.__table__,
    "quotes": QuoteRow.__table__, "products": ProductRow.__table__,
    "groups": GroupRow.__table__,
}
_PLAIN = {
    "phones": PhoneRow.__table__, "emails": EmailRow.__table__,
    "quote_lines": QuoteLineRow.__table__, "tags": TagRow.__table__,
    "custom_fields": CustomFieldRow.__table__,
}


def _count(conn: Connection, table: Table, where=None) -> int:
    q = select(func.count()).select_from(table)
    return conn.execute(q if where is None else q.where(where)).scalar_one()


def counts(conn: Connection) -> dict[str, int]:
    """Live records per kind, then `trash_<kind>` for what sits in the trash."""
    out = {name: _count(conn, t, t.c.deleted_at.is_(None)) for name, t in _LIVE.items()}
    out |= {name: _count(conn, t) for name, t in _PLAIN.items()}
    out |= {f"trash_{name}": _count(conn, t, t.c.deleted_at.is_not(None))
            for name, t in _LIVE.items()}
    return out
