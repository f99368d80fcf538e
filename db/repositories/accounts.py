"""Accounts: domain Account <-> the accounts table, plus the search index."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.orm import Session

from app.domain.account import Account
from app.domain.contact import Address
from app.domain.errors import NotFoundError, ValidationError
from app.domain.groups import FieldOwner
from db import search_index
from db.models import AccountRow, ContactRow, account_tags, new_uid, utcnow
from db.repositories import common
from db.repositories import contacts as contact_repo

A = AccountRow.__table__
C = ContactRow.__table__


def _values(a: Account) -> dict:
    ad = a.address
    return {"name": a.name.strip(), "sort_name": a.name.strip().casefold(),
            "industry": a.industry, "website": a.website, "main_phone": a.main_phone,
            "street": ad.street, "locality": ad.locality, "region": ad.region,
            "postal_code": ad.postal_code, "country": ad.country, "notes": a.notes,
            "parent_id": a.parent_id, "extra": common.encode_extra(a.extra),
            "remote_href": a.remote_href, "remote_etag": a.remote_etag}


def _reindex(conn: Connection, account_id: int, a: Account) -> None:
    search_index.put_people(conn, [search_index.account_doc(
        account_id, name=a.name, industry=a.industry, website=a.website, phone=a.main_phone,
        locality=a.address.locality, notes=a.notes)])


def _check_parent(conn: Connection, account_id: int | None, parent_id: int | None) -> None:
    """No cycles: walking up from the new parent must never reach this account."""
    seen = set()
    current = parent_id
    while current is not None:
        if current == account_id:
            raise ValidationError("An account cannot be its own parent, directly or through "
                                  "other accounts")
        if current in seen:
            break
        seen.add(current)
        row = conn.execute(select(A.c.parent_id).where(A.c.id == current)).first()
        if row is None:
            raise NotFoundError(f"No account with id {current}")
        current = row[0]


def _write_extras(conn: Connection, account_id: int, a: Account) -> None:
    common.set_tags(conn, account_tags, "account_id", account_id, a.tags)
    common.set_custom(conn, FieldOwner.ACCOUNT, account_id, a.custom)


def add(session: Session, a: Account) -> int:
    conn = session.connection()
    _check_parent(conn, None, a.parent_id)
    now = utcnow()
    aid = conn.execute(insert(A).values(_values(a) | {
        "uid": a.uid or new_uid(), "created_at": now, "updated_at": now})).inserted_primary_key[0]
    _write_extras(conn, aid, a)
    _reindex(conn, aid, a)
    return aid


def save(session: Session, a: Account) -> list[int]:
    """Write an edited account; returns the contacts whose shown company name changed."""
    conn = session.connection()
    _check_parent(conn, a.id, a.parent_id)
    old_name = conn.execute(select(A.c.name).where(A.c.id == a.id,
                                                   A.c.deleted_at.is_(None))).scalar()
    if old_name is None:
        raise NotFoundError(f"Account {a.id} does not exist or is in the trash")
    conn.execute(update(A).where(A.c.id == a.id).values(_values(a) | {"updated_at": utcnow()}))
    _write_extras(conn, a.id, a)
    _reindex(conn, a.id, a)
    if old_name == a.name.strip():
        return []
    people = contact_repo.ids_at_account(session, a.id)
    for cid in people:  # contacts are found by their company's name too
        contact_repo.reindex(conn, cid, contact_repo.get(session, cid), a.name.strip())
    return people


def get(session: Session, account_id: int, *, include_deleted: bool = False) -> Account:
    conn = session.connection()
    parent = A.alias("parent")
    row = conn.execute(select(A, parent.c.name.label("parent_name"))
                       .outerjoin(parent, parent.c.id == A.c.parent_id)
                       .where(A.c.id == account_id)).first()
    if row is None or (row.deleted_at is not None and not include_deleted):
        raise NotFoundError(f"No account with id {account_id}")
    return Account(
        name=row.name, industry=row.industry, website=row.website, main_phone=row.main_phone,
        address=Address(row.street, row.locality, row.region, row.postal_code, row.country),
        notes=row.notes, parent_id=row.parent_id, extra=common.decode_extra(row.extra),
        custom=common.custom_of(conn, FieldOwner.ACCOUNT, account_id),
        tags=common.tags_of(conn, account_tags, "account_id", account_id),
        id=row.id, uid=row.uid, created_at=row.created_at, updated_at=row.updated_at,
        deleted_at=row.deleted_at, remote_href=row.remote_href, remote_etag=row.remote_etag,
        parent_name=row.parent_name)


def set_deleted(session: Session, ids: Sequence[int], deleted: bool) -> list[int]:
    conn = session.connection()
    changed = common.set_deleted(conn, A, ids, utcnow() if deleted else None, "account")
    if deleted:
        search_index.remove_accounts(conn, changed)
    else:
        for aid in changed:
            _reindex(conn, aid, get(session, aid))
    return changed


def purge(session: Session, ids: Sequence[int]) -> list[int]:
    """Delete trashed accounts for good; their contacts stay, unlinked (FK SET NULL)."""
    conn = session.connection()
    gone = list(conn.execute(select(A.c.id).where(A.c.id.in_(ids), A.c.deleted_at.is_not(None)))
                .scalars())
    if gone:
        people = list(conn.execute(select(C.c.id).where(C.c.account_id.in_(gone),
                                                        C.c.deleted_at.is_(None))).scalars())
        conn.execute(delete(A).where(A.c.id.in_(gone)))
        search_index.remove_accounts(conn, gone)
        for cid in people:
            contact_repo.reindex(conn, cid, contact_repo.get(session, cid), "")
    return gone
