"""Contacts: domain Contact <-> the contacts table and its child tables, plus the search index."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.orm import Session

from app.domain.contact import (
    Address,
    Contact,
    ContactStatus,
    Email,
    ImHandle,
    Phone,
    Website,
    sort_key_of,
)
from app.domain.dates import PartialDate
from app.domain.errors import NotFoundError
from app.domain.groups import FieldOwner
from db import search_index
from db.models import (
    AccountRow,
    AddressRow,
    ContactRow,
    EmailRow,
    ImRow,
    PhoneRow,
    WebsiteRow,
    contact_tags,
    new_uid,
    utcnow,
)
from db.repositories import common

C = ContactRow.__table__
A = AccountRow.__table__
PHONES, EMAILS, ADDRS = PhoneRow.__table__, EmailRow.__table__, AddressRow.__table__
WEBS, IMS = WebsiteRow.__table__, ImRow.__table__
CHILD_TABLES = (PHONES, EMAILS, ADDRS, WEBS, IMS)


def contact_values(c: Contact) -> dict:
    display = c.display_name
    return {
        "prefix": c.prefix, "given": c.given, "middle": c.middle, "family": c.family,
        "suffix": c.suffix, "nickname": c.nickname, "display_name": display,
        "sort_name": sort_key_of(display), "account_id": c.account_id, "title": c.title,
        "department": c.department,
        "birthday": c.birthday.iso() if c.birthday else None,
        "bday_month": c.birthday.month if c.birthday else None,
        "bday_day": c.birthday.day if c.birthday else None,
        "anniversary": c.anniversary.iso() if c.anniversary else None,
        "photo": c.photo, "photo_mime": c.photo_mime, "status": c.status.value,
        "source": c.source, "owner": c.owner, "notes": c.notes,
        "extra": common.encode_extra(c.extra),
        "remote_href": c.remote_href, "remote_etag": c.remote_etag,
    }


def child_rows(contact_id: int, c: Contact) -> dict:
    """Rows for each child table, in the order the user gave them."""
    def base(i, item):
        return {"contact_id": contact_id, "label": item.label, "preferred": item.preferred,
                "position": i}
    return {
        PHONES: [base(i, p) | {"value": p.value} for i, p in enumerate(c.phones)],
        EMAILS: [base(i, e) | {"value": e.value} for i, e in enumerate(c.emails)],
        ADDRS: [base(i, a) | {"po_box": a.po_box, "extended": a.extended, "street": a.street,
                              "locality": a.locality, "region": a.region,
                              "postal_code": a.postal_code, "country": a.country}
                for i, a in enumerate(c.addresses)],
        WEBS: [base(i, w) | {"url": w.url} for i, w in enumerate(c.websites)],
        IMS: [base(i, m) | {"service": m.service, "handle": m.handle}
              for i, m in enumerate(c.ims)],
    }


def _write_children(conn: Connection, contact_id: int, c: Contact, replace: bool) -> None:
    for table, rows in child_rows(contact_id, c).items():
        if replace:
            conn.execute(delete(table).where(table.c.contact_id == contact_id))
        if rows:
            conn.execute(insert(table), rows)


def _account_name(conn: Connection, account_id: int | None) -> str:
    if account_id is None:
        return ""
    name = conn.execute(select(A.c.name).where(A.c.id == account_id)).scalar()
    if name is None:
        raise NotFoundError(f"No account with id {account_id}")
    return name


def reindex(conn: Connection, contact_id: int, c: Contact, company: str) -> None:
    search_index.put_people(conn, [search_index.contact_doc(
        contact_id, display=c.display_name, nickname=c.nickname, company=company,
        title=c.title, department=c.department, emails=[e.value for e in c.emails],
        phones=[p.value for p in c.phones], notes=c.notes)])


def add(session: Session, c: Contact) -> int:
    conn = session.connection()
    company = _account_name(conn, c.account_id)
    now = utcnow()
    values = contact_values(c) | {"uid": c.uid or new_uid(), "created_at": now,
                                  "updated_at": now}
    cid = conn.execute(insert(C).values(values)).inserted_primary_key[0]
    _write_children(conn, cid, c, replace=False)
    write_extras(conn, cid, c)
    reindex(conn, cid, c, company)
    return cid


def save(session: Session, c: Contact) -> None:
    """Write an edited contact, its details, tags and custom values in place."""
    conn = session.connection()
    company = _account_name(conn, c.account_id)
    result = conn.execute(update(C).where(C.c.id == c.id, C.c.deleted_at.is_(None))
                          .values(contact_values(c) | {"updated_at": utcnow()}))
    if result.rowcount != 1:
        raise NotFoundError(f"Contact {c.id} does not exist or is in the trash")
    _write_children(conn, c.id, c, replace=True)
    write_extras(conn, c.id, c)
    reindex(conn, c.id, c, company)


def write_extras(conn: Connection, cid: int, c: Contact) -> None:
    common.set_tags(conn, contact_tags, "contact_id", cid, c.tags)
    common.set_custom(conn, FieldOwner.CONTACT, cid, c.custom)


def get(session: Session, contact_id: int, *, include_deleted: bool = False) -> Contact:
    conn = session.connection()
    row = conn.execute(select(C, A.c.name.label("account_name"))
                       .outerjoin(A, A.c.id == C.c.account_id)
                       .where(C.c.id == contact_id)).first()
    if row is None or (row.deleted_at is not None and not include_deleted):
        raise NotFoundError(f"No contact with id {contact_id}")
    kids = {t: conn.execute(select(t).where(t.c.contact_id == contact_id)
                            .order_by(t.c.position, t.c.id)).all() for t in CHILD_TABLES}
    return Contact(
        prefix=row.prefix, given=row.given, middle=row.middle, family=row.family,
        suffix=row.suffix, nickname=row.nickname, account_id=row.account_id, title=row.title,
        department=row.department,
        birthday=PartialDate.parse(row.birthday) if row.birthday else None,
        anniversary=PartialDate.parse(row.anniversary) if row.anniversary else None,
        photo=row.photo, photo_mime=row.photo_mime, status=ContactStatus(row.status),
        source=row.source, owner=row.owner, notes=row.notes,
        phones=[Phone(r.value, r.label, r.preferred) for r in kids[PHONES]],
        emails=[Email(r.value, r.label, r.preferred) for r in kids[EMAILS]],
        addresses=[Address(r.street, r.locality, r.region, r.postal_code, r.country, r.po_box,
                           r.extended, r.label, r.preferred) for r in kids[ADDRS]],
        websites=[Website(r.url, r.label, r.preferred) for r in kids[WEBS]],
        ims=[ImHandle(r.handle, r.service, r.label, r.preferred) for r in kids[IMS]],
        extra=common.decode_extra(row.extra),
        custom=common.custom_of(conn, FieldOwner.CONTACT, contact_id),
        tags=common.tags_of(conn, contact_tags, "contact_id", contact_id),
        id=row.id, uid=row.uid, created_at=row.created_at, updated_at=row.updated_at,
        deleted_at=row.deleted_at, remote_href=row.remote_href, remote_etag=row.remote_etag,
        account_name=row.account_name,
    )


def set_deleted(session: Session, ids: Sequence[int], deleted: bool) -> list[int]:
    """Move contacts to the trash or back; the search index follows."""
    conn = session.connection()
    changed = common.set_deleted(conn, C, ids, utcnow() if deleted else None, "contact")
    if deleted:
        search_index.remove_contacts(conn, changed)
    else:
        for cid in changed:
            c = get(session, cid)
            reindex(conn, cid, c, c.account_name or "")
    return changed


def purge(session: Session, ids: Sequence[int]) -> list[int]:
    """Delete for good (child rows cascade). Only contacts already in the trash."""
    conn = session.connection()
    gone = list(conn.execute(select(C.c.id).where(C.c.id.in_(ids), C.c.deleted_at.is_not(None)))
                .scalars())
    if gone:
        conn.execute(delete(C).where(C.c.id.in_(gone)))
        search_index.remove_contacts(conn, gone)
    return gone


def link_account(session: Session, contact_ids: Sequence[int], account_id: int | None) -> None:
    conn = session.connection()
    _account_name(conn, account_id)
    conn.execute(update(C).where(C.c.id.in_(contact_ids))
                 .values(account_id=account_id, updated_at=utcnow()))
    for cid in contact_ids:
        c = get(session, cid)
        reindex(conn, cid, c, c.account_name or "")


def ids_at_account(session: Session, account_id: int) -> list[int]:
    return list(session.connection().execute(
        select(C.c.id).where(C.c.account_id == account_id, C.c.deleted_at.is_(None))).scalars())
