"""Where a letter starts in a sorted contact list: the rolodex strip's jump, as one count over
the index the list is sorted by (no names are read)."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from app.domain.filters import ContactFilter
from app.domain.sorting import ContactSort
from db.models import AccountRow, ContactRow
from db.queries.contact_filter import narrow

C, A = ContactRow.__table__, AccountRow.__table__


def count_before(conn: Connection, sort: ContactSort, key: str, *, trash: bool = False,
                 filters: ContactFilter | None = None) -> int:
    """How many contacts sort before `key` (a sort-key prefix such as "m") in `sort` order,
    among those that pass `filters`."""
    live = C.c.deleted_at.is_not(None) if trash else C.c.deleted_at.is_(None)
    if sort == ContactSort.COMPANY:
        # Contacts with no company sort after every company (see _contact_order).
        q = (select(func.count()).select_from(C.join(A, A.c.id == C.c.account_id))
             .where(live, A.c.sort_name < key))
    else:
        column = C.c.family_sort if sort == ContactSort.FAMILY else C.c.sort_name
        q = select(func.count()).select_from(C).where(live, column < key)
    if filters is not None:
        q = narrow(q, filters)
    return int(conn.execute(q).scalar_one())
