"""Lists and summaries: ordered ids from indexed columns, and display rows for pages of ids."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, and_, func, or_, select

from app.domain.sorting import ContactSort
from app.domain.summaries import AccountSummary, ContactSummary
from db.models import AccountRow, ContactRow, EmailRow, PhoneRow

C, A = ContactRow.__table__, AccountRow.__table__
E, P = EmailRow.__table__, PhoneRow.__table__


def _contact_order(sort: ContactSort):
    if sort == ContactSort.COMPANY:
        return (A.c.sort_name.is_(None), A.c.sort_name, C.c.sort_name, C.c.id)
    if sort == ContactSort.UPDATED:
        return (C.c.updated_at.desc(), C.c.id.desc())
    if sort == ContactSort.CREATED:
        return (C.c.created_at.desc(), C.c.id.desc())
    if sort == ContactSort.FAMILY:
        return (C.c.family_sort, C.c.id)
    return (C.c.sort_name, C.c.id)


def contact_ids(conn: Connection, sort: ContactSort = ContactSort.NAME, *, trash: bool = False,
                account_id: int | None = None, limit: int | None = None,
                offset: int = 0) -> list[int]:
    q = select(C.c.id).where(C.c.deleted_at.is_not(None) if trash else C.c.deleted_at.is_(None))
    if sort == ContactSort.COMPANY:
        q = q.outerjoin(A, A.c.id == C.c.account_id)
    if account_id is not None:
        q = q.where(C.c.account_id == account_id)
    q = q.order_by(*_contact_order(sort)).offset(offset)
    if limit is not None:
        q = q.limit(limit)
    return list(conn.execute(q).scalars())


def _first(table, column, contact_id_col):
    """The preferred (else first) value of a repeating detail, as a scalar subquery."""
    return (select(column).where(table.c.contact_id == contact_id_col)
            .order_by(table.c.preferred.desc(), table.c.position, table.c.id)
            .limit(1).scalar_subquery())


def contact_summaries(conn: Connection, ids: Sequence[int]) -> list[ContactSummary]:
    """Display rows for `ids`, in the order given (ids that no longer exist are skipped)."""
    if not ids:
        return []
    rows = conn.execute(
        select(C.c.id, C.c.uid, C.c.display_name, func.coalesce(A.c.name, ""), C.c.title,
               func.coalesce(_first(E, E.c.value, C.c.id), ""),
               func.coalesce(_first(P, P.c.value, C.c.id), ""), C.c.status, C.c.updated_at)
        .outerjoin(A, A.c.id == C.c.account_id).where(C.c.id.in_(list(ids))))
    by_id = {r[0]: ContactSummary(*r) for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def account_ids(conn: Connection, *, trash: bool = False, limit: int | None = None,
                offset: int = 0) -> list[int]:
    q = (select(A.c.id).where(A.c.deleted_at.is_not(None) if trash else A.c.deleted_at.is_(None))
         .order_by(A.c.sort_name, A.c.id).offset(offset))
    if limit is not None:
        q = q.limit(limit)
    return list(conn.execute(q).scalars())


def account_summaries(conn: Connection, ids: Sequence[int]) -> list[AccountSummary]:
    if not ids:
        return []
    people = (select(func.count()).where(C.c.account_id == A.c.id, C.c.deleted_at.is_(None))
              .scalar_subquery())
    rows = conn.execute(select(A.c.id, A.c.uid, A.c.name, A.c.industry, A.c.main_phone,
                               A.c.website, people).where(A.c.id.in_(list(ids))))
    by_id = {r[0]: AccountSummary(*r) for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def find_contacts(conn: Connection, ref: str) -> list[int]:
    """Live contacts whose uid or display name is exactly `ref` (name without case)."""
    by_uid = conn.execute(select(C.c.id).where(C.c.uid == ref, C.c.deleted_at.is_(None))).all()
    if by_uid:
        return [r[0] for r in by_uid]
    return list(conn.execute(select(C.c.id).where(
        func.lower(C.c.display_name) == ref.lower(), C.c.deleted_at.is_(None))
        .order_by(C.c.id)).scalars())


def find_accounts(conn: Connection, ref: str) -> list[int]:
    by_uid = conn.execute(select(A.c.id).where(A.c.uid == ref, A.c.deleted_at.is_(None))).all()
    if by_uid:
        return [r[0] for r in by_uid]
    return list(conn.execute(select(A.c.id).where(
        func.lower(A.c.name) == ref.lower(), A.c.deleted_at.is_(None))
        .order_by(A.c.id)).scalars())


def birthdays_on(conn: Connection,
                 month_days: Sequence[tuple[int, int]]) -> Sequence[Row[Any, Any, Any]]:
    """(id, display name, birthday text) of live contacts born on any of the (month, day)."""
    if not month_days:
        return []
    wanted = or_(*(and_(C.c.bday_month == m, C.c.bday_day == d) for m, d in set(month_days)))
    return conn.execute(select(C.c.id, C.c.display_name, C.c.birthday)
                        .where(C.c.deleted_at.is_(None), wanted)).all()
