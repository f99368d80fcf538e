"""Contact lists narrowed by group, tag, status or owner, in the list's sort order."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Select, select

from app.domain.filters import ContactFilter
from app.domain.sorting import ContactSort
from db.models import AccountRow, ContactRow
from db.models.organize import TagRow, contact_tags, group_contacts
from db.queries.directory import _contact_order
from db.repositories.common import tag_key

C, A = ContactRow.__table__, AccountRow.__table__
T = TagRow.__table__
CHUNK = 500  # ids per IN (...) when narrowing a search's hits


def narrow(q: Select, f: ContactFilter) -> Select:
    if f.group_id is not None:
        q = q.where(C.c.id.in_(select(group_contacts.c.contact_id)
                               .where(group_contacts.c.group_id == f.group_id)))
    if f.tag is not None:
        # Tags are one whatever their case: matched by their key, as they are stored.
        q = q.where(C.c.id.in_(select(contact_tags.c.contact_id)
                               .join(T, T.c.id == contact_tags.c.tag_id)
                               .where(T.c.key == tag_key(f.tag))))
    if f.status is not None:
        q = q.where(C.c.status == f.status)
    if f.owner is not None:
        q = q.where(C.c.owner == f.owner)
    return q


def contact_ids(conn: Connection, f: ContactFilter, sort: ContactSort = ContactSort.NAME, *,
                trash: bool = False, account_id: int | None = None,
                limit: int | None = None) -> list[int]:
    q = select(C.c.id).where(C.c.deleted_at.is_not(None) if trash else C.c.deleted_at.is_(None))
    if sort == ContactSort.COMPANY:
        q = q.outerjoin(A, A.c.id == C.c.account_id)
    if account_id is not None:
        q = q.where(C.c.account_id == account_id)
    q = narrow(q, f).order_by(*_contact_order(sort))
    if limit is not None:
        q = q.limit(limit)
    return list(conn.execute(q).scalars())


def keep_matching(conn: Connection, ids: Sequence[int], f: ContactFilter) -> list[int]:
    """`ids` (a search's hits, in their ranking) that pass `f`, in the same order."""
    passing: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start:start + CHUNK])
        passing.update(conn.execute(narrow(select(C.c.id).where(C.c.id.in_(chunk)), f))
                       .scalars())
    return [i for i in ids if i in passing]


def owners(conn: Connection) -> list[str]:
    """Every owner a live contact has, for the filter's choices."""
    q = (select(C.c.owner).distinct().where(C.c.deleted_at.is_(None), C.c.owner != "")
         .order_by(C.c.owner))
    return list(conn.execute(q).scalars())
