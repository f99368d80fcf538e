"""Lists and summaries: ordered ids from indexed columns, and display rows for pages of ids."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, and_, func, or_, select

from app.domain.collation import family_first_display, fold
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
               func.coalesce(_first(P, P.c.value, C.c.id), ""), C.c.status, C.c.updated_at,
               C.c.prefix, C.c.given, C.c.middle, C.c.family, C.c.suffix)
        .outerjoin(A, A.c.id == C.c.account_id).where(C.c.id.in_(list(ids))))
    by_id = {r[0]: ContactSummary(*r[:9], family_first_display(r[9], r[10], r[11], r[12], r[13])
                                  or r[2]) for r in rows}
    return [by_id[i] for i in ids if i in by_id]


# How an account list can be ordered (app.services.directory.AccountSort names them).
ACCOUNT_SORTS = ("name", "industry", "city", "contacts")
_PHONE_PUNCTUATION = " -().+/"
_DIGITS = re.compile(r"^[\d\s()+\-./]+$")


def _people_at(account):
    """How many live contacts work at `account`: a count over the contacts.account_id index."""
    return (select(func.count()).where(C.c.account_id == account.c.id, C.c.deleted_at.is_(None))
            .scalar_subquery())


def _account_order(sort: str, descending: bool):
    """ORDER BY for an account list. Accounts with the sorted field empty come last in both
    directions (an unsorted tail, not a block of blanks at the top); ties go by name."""
    def way(column):
        return column.desc() if descending else column.asc()

    name = (way(A.c.sort_name), way(A.c.id))
    if sort == "industry":
        return (A.c.industry == "", way(func.lower(A.c.industry)), *name)
    if sort == "city":
        return (A.c.locality == "", way(func.lower(A.c.locality)), *name)
    if sort == "contacts":
        return (way(_people_at(A)), A.c.sort_name, A.c.id)
    return name


def _digits_of(column):
    for ch in _PHONE_PUNCTUATION:
        column = func.replace(column, ch, "")
    return column


def _account_matches(text_: str):
    """Accounts whose name (without case or accents, through its collation key), industry,
    city, region, country, web site or main phone contains every word of `text_`; a run of
    digits also matches inside the phone number whatever its spacing."""
    # The name as typed too: the collation key drops punctuation ("C++", "AT&T").
    others = func.lower(A.c.name + " " + A.c.industry + " " + A.c.locality + " " + A.c.region
                        + " " + A.c.country + " " + A.c.website + " " + A.c.main_phone)
    wanted = []
    for word in text_.split()[:12]:
        lowered = "".join(ch.lower() if ch.isascii() else ch for ch in word)
        either = [func.instr(others, lowered) > 0]
        folded = fold(word)
        if folded:
            either.append(func.instr(A.c.sort_name, folded) > 0)
        if _DIGITS.match(word):
            digits = "".join(ch for ch in word if ch.isdigit())
            if len(digits) >= 3:
                either.append(func.instr(_digits_of(A.c.main_phone), digits) > 0)
        wanted.append(or_(*either))
    return and_(*wanted)


def account_ids(conn: Connection, *, trash: bool = False, limit: int | None = None,
                offset: int = 0, sort: str = "name", descending: bool = False,
                text: str = "", parent_id: int | None = None) -> list[int]:
    """Ids of live (or trashed) accounts in `sort` order, only those matching `text` when
    given (see _account_matches), only the sub-accounts of `parent_id` when given."""
    if sort not in ACCOUNT_SORTS:
        raise ValueError(f"Accounts cannot be sorted by {sort!r}")
    q = select(A.c.id).where(A.c.deleted_at.is_not(None) if trash else A.c.deleted_at.is_(None))
    if parent_id is not None:
        q = q.where(A.c.parent_id == parent_id)
    if text.strip():
        q = q.where(_account_matches(text))
    q = q.order_by(*_account_order(sort, descending)).offset(offset)
    if limit is not None:
        q = q.limit(limit)
    return list(conn.execute(q).scalars())


def account_rows(conn: Connection, ids: Sequence[int]) -> list[tuple]:
    """(id, uid, name, industry, main_phone, website, contacts, city, sub-accounts) of `ids`,
    in the order given (ids that no longer exist are skipped): an account list's rows."""
    if not ids:
        return []
    sub = A.alias("sub")
    subs = (select(func.count()).where(sub.c.parent_id == A.c.id, sub.c.deleted_at.is_(None))
            .scalar_subquery())
    rows = conn.execute(select(A.c.id, A.c.uid, A.c.name, A.c.industry, A.c.main_phone,
                               A.c.website, _people_at(A), A.c.locality, subs)
                        .where(A.c.id.in_(list(ids))))
    by_id = {r[0]: tuple(r) for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def account_outline(conn: Connection) -> list[tuple[int, str, int | None]]:
    """(id, name, parent id) of every live account in name order: what a parent picker lists
    and how it tells an account's descendants (which cannot become its parent)."""
    rows = conn.execute(select(A.c.id, A.c.name, A.c.parent_id)
                        .where(A.c.deleted_at.is_(None)).order_by(A.c.sort_name, A.c.id))
    return [(r[0], r[1], r[2]) for r in rows]


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
