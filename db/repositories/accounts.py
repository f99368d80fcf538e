"""Accounts: domain Account <-> the accounts table. What changed is reported to the unit of
work, which journals it and keeps the search index in step (a renamed account's people are
reindexed there, set-based)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.orm import Session

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.collation import sort_key
from app.domain.contact import Address
from app.domain.errors import NotFoundError, ValidationError
from app.domain.groups import FieldOwner
from db.driver import inserted_id
from db.models import AccountRow, ContactRow, account_tags, new_uid, utcnow
from db.repositories import common
from db.repositories import contacts as contact_repo
from db.unit import unit_of

A = AccountRow.__table__
C = ContactRow.__table__


def account_values(a: Account) -> dict:
    ad = a.address
    return {"name": a.name.strip(), "sort_name": sort_key(a.name.strip()),
            "industry": a.industry, "website": a.website, "main_phone": a.main_phone,
            "street": ad.street, "locality": ad.locality, "region": ad.region,
            "postal_code": ad.postal_code, "country": ad.country, "notes": a.notes,
            "parent_id": a.parent_id, "extra": common.encode_extra(a.extra)}


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
    aid = inserted_id(conn.execute(insert(A).values(account_values(a) | {
        "uid": a.uid or new_uid(), "created_at": now, "updated_at": now})))
    _write_extras(conn, aid, a)
    unit_of(session).created(Entity.ACCOUNT, [aid])
    return aid


def save(session: Session, a: Account) -> list[int]:
    """Write an edited account if nobody saved it since `a.version` (else ConflictError);
    returns the contacts whose shown company name changed."""
    conn = session.connection()
    _check_parent(conn, a.id, a.parent_id)
    old_name = conn.execute(select(A.c.name).where(A.c.id == a.id,
                                                   A.c.deleted_at.is_(None))).scalar()
    if old_name is None or a.id is None:  # no id: never saved, so nothing stored to edit
        raise NotFoundError(f"Account {a.id} does not exist or is in the trash")
    aid = a.id
    unit_of(session).will_change(Entity.ACCOUNT, [aid])
    common.save_row(conn, A, aid, a.version, account_values(a), "account",
                    lambda: get(session, aid), a)
    _write_extras(conn, aid, a)
    if old_name == a.name.strip():
        return []
    # Their stored rows do not change (they point at the account), but what they show does.
    people = contact_repo.ids_at_account(session, aid)
    unit_of(session).touched(Entity.CONTACT, people)
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
        deleted_at=row.deleted_at, version=row.version, parent_name=row.parent_name)


def set_deleted(session: Session, ids: Sequence[int], deleted: bool) -> list[int]:
    unit_of(session).will_change(Entity.ACCOUNT, ids)
    return common.set_deleted(session.connection(), A, ids, utcnow() if deleted else None,
                              "account")


def trashed(session: Session, ids: Sequence[int]) -> list[int]:
    return list(session.connection().execute(
        select(A.c.id).where(A.c.id.in_(list(ids)), A.c.deleted_at.is_not(None))).scalars())


def purge(session: Session, ids: Sequence[int]) -> list[int]:
    """Delete trashed accounts for good; their contacts stay, unlinked (FK SET NULL), which
    the unit journals and reports as a change of those contacts."""
    gone = trashed(session, ids)
    if gone:
        unit_of(session).will_purge(Entity.ACCOUNT, gone)
        session.connection().execute(delete(A).where(A.c.id.in_(gone)))
    return gone
