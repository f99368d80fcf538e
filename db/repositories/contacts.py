"""Contacts: domain Contact <-> the contacts table and its child tables. The one row mapping
for contacts: the bulk path (bulk.py) builds its tuples from `contact_values` and `child_rows`
too. What changed is reported to the unit of work, which journals it and keeps the search
index in step."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from sqlalchemy import BindParameter, Connection, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from app.domain.changes import Entity
from app.domain.contact import (
    Address,
    Contact,
    ContactStatus,
    Email,
    ImHandle,
    Phone,
    Website,
    sort_keys_of,
)
from app.domain.dates import PartialDate
from app.domain.errors import NotFoundError
from app.domain.groups import FieldOwner
from db.driver import inserted_id
from db.models import (
    AccountRow,
    AddressRow,
    ContactRow,
    CustomFieldRow,
    CustomValueRow,
    EmailRow,
    ImRow,
    PhoneRow,
    TagRow,
    WebsiteRow,
    contact_tags,
    new_uid,
    utcnow,
)
from db.repositories import common
from db.unit import unit_of

C = ContactRow.__table__
A = AccountRow.__table__
PHONES, EMAILS, ADDRS = PhoneRow.__table__, EmailRow.__table__, AddressRow.__table__
WEBS, IMS = WebsiteRow.__table__, ImRow.__table__
CHILD_TABLES = (PHONES, EMAILS, ADDRS, WEBS, IMS)


# The one row mapping for contacts. Both the single path (here) and the bulk path (bulk.py)
# build rows with these functions; only how values reach the driver differs (`js` turns a JSON
# value into what the path binds: itself for SQLAlchemy, text for the bulk executemany).
CONTACT_COLUMNS = (
    "prefix", "given", "middle", "family", "suffix", "nickname", "display_name", "sort_name",
    "family_sort", "account_id", "title", "department", "birthday", "bday_month", "bday_day",
    "anniversary", "photo", "photo_mime", "status", "source", "owner", "notes", "extra")
DETAIL = ("contact_id", "label", "preferred", "position", "params", "vgroup")
DETAIL_COLUMNS = {
    PHONES: (*DETAIL, "value"), EMAILS: (*DETAIL, "value"),
    ADDRS: (*DETAIL, "po_box", "extended", "street", "locality", "region", "postal_code",
            "country"),
    WEBS: (*DETAIL, "url"), IMS: (*DETAIL, "service", "handle"),
}


def _same(value):
    return value


def contact_row(c: Contact, js=_same) -> tuple:
    """Values for CONTACT_COLUMNS."""
    display = c.display_name
    given_first, family_first = sort_keys_of(c)
    b, ann = c.birthday, c.anniversary
    return (c.prefix, c.given, c.middle, c.family, c.suffix, c.nickname, display, given_first,
            family_first, c.account_id, c.title, c.department, b.iso() if b else None,
            b.month if b else None, b.day if b else None, ann.iso() if ann else None, c.photo,
            c.photo_mime, c.status.value, c.source, c.owner, c.notes,
            js(common.encode_extra(c.extra)) if c.extra else None)


def detail_rows(contact_id: int, c: Contact, js=_same) -> dict:
    """Rows (tuples in DETAIL_COLUMNS order) for each child table, in the user's order."""
    def base(i, d):
        return (contact_id, d.label, d.preferred, i,
                js(common.encode_params(d.params)) if d.params else None, d.group)
    return {
        PHONES: [(*base(i, p), p.value) for i, p in enumerate(c.phones)],
        EMAILS: [(*base(i, e), e.value) for i, e in enumerate(c.emails)],
        ADDRS: [(*base(i, a), a.po_box, a.extended, a.street, a.locality, a.region,
                 a.postal_code, a.country) for i, a in enumerate(c.addresses)],
        WEBS: [(*base(i, w), w.url) for i, w in enumerate(c.websites)],
        IMS: [(*base(i, m), m.service, m.handle) for i, m in enumerate(c.ims)],
    }


def contact_values(c: Contact) -> dict:
    return dict(zip(CONTACT_COLUMNS, contact_row(c), strict=True))


def child_rows(contact_id: int, c: Contact) -> dict:
    return {t: [dict(zip(DETAIL_COLUMNS[t], r, strict=True)) for r in rows]
            for t, rows in detail_rows(contact_id, c).items()}


CHILD_NAMES = {PHONES: "phones", EMAILS: "emails", ADDRS: "addresses", WEBS: "websites",
               IMS: "ims"}


def _write_children(conn: Connection, contact_id: int, c: Contact, replace: bool,
                    stored: dict | None = None) -> list[str]:
    """Write the detail rows; with the stored image, only the lists that differ from it (an
    edit of the title leaves five tables alone). Returns the names of the lists written."""
    written = []
    for table, rows in child_rows(contact_id, c).items():
        name = CHILD_NAMES[table]
        if stored is not None and _same_rows(stored[name], rows):
            continue
        if replace:
            conn.execute(_delete_children(table), {"owner": contact_id})
        if rows:
            conn.execute(insert(table), rows)
        written.append(name)
    return written


def _same_rows(image_rows: list[dict], rows: list[dict]) -> bool:
    return len(image_rows) == len(rows) and all(
        all(old.get(k) == v for k, v in new.items() if k != "contact_id")
        for old, new in zip(image_rows, rows, strict=True))


@cache
def _delete_children(table):
    return delete(table).where(table.c.contact_id == bindparam("owner"))


def _account_name(conn: Connection, account_id: int | None) -> str:
    if account_id is None:
        return ""
    name = conn.execute(select(A.c.name).where(A.c.id == account_id)).scalar()
    if name is None:
        raise NotFoundError(f"No account with id {account_id}")
    return name


def add(session: Session, c: Contact) -> int:
    conn = session.connection()
    _account_name(conn, c.account_id)
    now = utcnow()
    values = contact_values(c) | {"uid": c.uid or new_uid(), "created_at": now,
                                  "updated_at": now}
    cid = inserted_id(conn.execute(insert(C).values(values)))
    _write_children(conn, cid, c, replace=False)
    write_extras(conn, cid, c)
    unit_of(session).created(Entity.CONTACT, [cid])
    return cid


def save(session: Session, c: Contact) -> None:
    """Write an edited contact, its details, tags and custom values in place, if nobody saved
    it since `c.version` (else ConflictError)."""
    conn = session.connection()
    cid = common.saved_id(c.id, "contact")
    tx = unit_of(session)
    stored = tx.stored(Entity.CONTACT, cid)
    if stored is None or stored["account_id"] != c.account_id:
        _account_name(conn, c.account_id)
    tx.will_change(Entity.CONTACT, [cid])
    common.save_row(conn, C, cid, c.version, contact_values(c), "contact",
                    lambda: get(session, cid), c)
    written = _write_children(conn, cid, c, replace=True, stored=stored)
    written += write_extras(conn, cid, c, stored)
    if stored is not None:
        tx.wrote(Entity.CONTACT, cid, written)


def write_extras(conn: Connection, cid: int, c: Contact,
                 stored: dict | None = None) -> list[str]:
    """Tags and custom values; with the stored image, only what differs from it."""
    written = []
    if stored is None or not common.same_tags(stored["tags"], c.tags):
        common.set_tags(conn, contact_tags, "contact_id", cid, c.tags)
        written.append("tags")
    if common.set_custom(conn, FieldOwner.CONTACT, cid, c.custom,
                         None if stored is None else stored["custom"]):
        written.append("custom")
    return written


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
        phones=[Phone(r.value, r.label, r.preferred, *_vcard(r)) for r in kids[PHONES]],
        emails=[Email(r.value, r.label, r.preferred, *_vcard(r)) for r in kids[EMAILS]],
        addresses=[Address(r.street, r.locality, r.region, r.postal_code, r.country, r.po_box,
                           r.extended, r.label, r.preferred, *_vcard(r)) for r in kids[ADDRS]],
        websites=[Website(r.url, r.label, r.preferred, *_vcard(r)) for r in kids[WEBS]],
        ims=[ImHandle(r.handle, r.service, r.label, r.preferred, *_vcard(r))
             for r in kids[IMS]],
        extra=common.decode_extra(row.extra),
        custom=common.custom_of(conn, FieldOwner.CONTACT, contact_id),
        tags=common.tags_of(conn, contact_tags, "contact_id", contact_id),
        id=row.id, uid=row.uid, created_at=row.created_at, updated_at=row.updated_at,
        deleted_at=row.deleted_at, version=row.version, account_name=row.account_name,
    )


def _vcard(row) -> tuple:
    return common.decode_params(row.params), row.vgroup


def set_deleted(session: Session, ids: Sequence[int], deleted: bool) -> list[int]:
    """Move contacts to the trash or back."""
    unit_of(session).will_change(Entity.CONTACT, ids)
    return common.set_deleted(session.connection(), C, ids, utcnow() if deleted else None,
                              "contact")


def trashed(session: Session, ids: Sequence[int]) -> list[int]:
    """Those of `ids` that are in the trash."""
    return list(session.connection().execute(
        select(C.c.id).where(C.c.id.in_(list(ids)), C.c.deleted_at.is_not(None))).scalars())


def purge(session: Session, ids: Sequence[int]) -> list[int]:
    """Delete for good (child rows cascade). The caller checked they are all in the trash."""
    gone = trashed(session, ids)
    if gone:
        unit_of(session).will_purge(Entity.CONTACT, gone)
        session.connection().execute(delete(C).where(C.c.id.in_(gone)))
    return gone


def link_account(session: Session, contact_ids: Sequence[int], account_id: int | None) -> None:
    """One set-based pass: 5,000 contacts are one UPDATE, and the index follows at commit."""
    conn = session.connection()
    _account_name(conn, account_id)
    ids = list(dict.fromkeys(contact_ids))
    common.require(conn, C, ids, "contact")
    unit_of(session).will_change(Entity.CONTACT, ids)
    for i in range(0, len(ids), 900):
        conn.execute(update(C).where(C.c.id.in_(ids[i:i + 900]))
                     .values(account_id=account_id, updated_at=utcnow()))


def set_status(session: Session, contact_ids: Sequence[int], status: str) -> None:
    """One set-based pass, journaled like any edit of the contacts it changes."""
    conn = session.connection()
    ids = list(dict.fromkeys(contact_ids))
    common.require(conn, C, ids, "contact")
    unit_of(session).will_change(Entity.CONTACT, ids)
    for i in range(0, len(ids), 900):
        conn.execute(update(C).where(C.c.id.in_(ids[i:i + 900]))
                     .values(status=status, updated_at=utcnow()))


def ids_at_account(session: Session, account_id: int) -> list[int]:
    return list(session.connection().execute(
        select(C.c.id).where(C.c.account_id == account_id, C.c.deleted_at.is_(None))).scalars())


def move_links(session: Session, from_id: int, to_id: int) -> None:
    """Point what refers to one contact at another (a merge): history items, activities'
    attendee lists and quotes. Each changed record is journaled, so undo puts them back."""
    from db.models import QuoteRow, activity_attendees, history_contacts

    conn = session.connection()
    tx = unit_of(session)
    for entity, link, owner in ((Entity.HISTORY, history_contacts, "history_id"),
                                (Entity.ACTIVITY, activity_attendees, "activity_id")):
        owners = list(conn.execute(select(link.c[owner]).where(
            link.c.contact_id == from_id)).scalars())
        if not owners:
            continue
        tx.will_change(entity, owners)
        have = set(conn.execute(select(link.c[owner]).where(
            link.c.contact_id == to_id, link.c[owner].in_(owners))).scalars())
        conn.execute(delete(link).where(link.c.contact_id == from_id))
        add = [o for o in owners if o not in have]
        if add:
            conn.execute(insert(link), [{owner: o, "contact_id": to_id} for o in add])
    q = QuoteRow.__table__
    quotes = list(conn.execute(select(q.c.id).where(q.c.contact_id == from_id)).scalars())
    if quotes:
        tx.will_change(Entity.QUOTE, quotes)
        conn.execute(update(q).where(q.c.id.in_(quotes)).values(contact_id=to_id))


# Ids per IN (...) of get_many: well under SQLite's bound-parameter limit, and few enough
# that one chunk's rows (a few thousand) stay small.
MANY_CHUNK = 500
_CONTACT_READ = ("id", "uid", "prefix", "given", "middle", "family", "suffix", "nickname",
                 "account_id", "title", "department", "birthday", "anniversary", "photo",
                 "photo_mime", "status", "source", "owner", "notes", "extra", "created_at",
                 "updated_at", "deleted_at", "version")
_DELETED_AT = _CONTACT_READ.index("deleted_at")
# Each detail's own columns in its constructor's order, before label, preferred, params, group.
_DETAIL_READ = {PHONES: ("value",), EMAILS: ("value",),
                ADDRS: ("street", "locality", "region", "postal_code", "country", "po_box",
                        "extended"),
                WEBS: ("url",), IMS: ("handle", "service")}
_DETAIL_TYPES = {PHONES: Phone, EMAILS: Email, ADDRS: Address, WEBS: Website, IMS: ImHandle}


def get_many(session: Session, ids: Sequence[int], *,
             include_deleted: bool = False) -> list[Contact]:
    """The contacts with these ids, each exactly as `get` reads it, in the order given (an id
    given twice comes once, at its first place). Ids with no contact, or of contacts in the
    trash unless `include_deleted`, are skipped. One query per table for each MANY_CHUNK ids
    instead of eight per contact: 100,000 contacts read in seconds, not minutes."""
    conn = session.connection()
    wanted = list(dict.fromkeys(ids))
    found: dict[int, Contact] = {}
    for start in range(0, len(wanted), MANY_CHUNK):
        found.update(_read_many(conn, wanted[start:start + MANY_CHUNK], include_deleted))
    return [found[i] for i in wanted if i in found]


@cache
def _many_statements() -> tuple:
    """The statements of get_many, built once (the ids are one expanding parameter): building
    a select of 500 literals costs as much as running it."""
    ids: BindParameter[list[int]] = bindparam("ids", expanding=True)
    contacts = (select(*(C.c[k] for k in _CONTACT_READ), A.c.name)
                .outerjoin(A, A.c.id == C.c.account_id).where(C.c.id.in_(ids)))
    # Each contact's rows come in the order `get` reads them (position, then id; tags by key;
    # custom values by the fields' position): grouping appends them in the order they arrive.
    details = {t: select(t.c.contact_id, *(t.c[k] for k in _DETAIL_READ[t]), t.c.label,
                         t.c.preferred, t.c.params, t.c.vgroup)
               .where(t.c.contact_id.in_(ids)).order_by(t.c.contact_id, t.c.position, t.c.id)
               for t in CHILD_TABLES}
    tags = TagRow.__table__
    tagged = (select(contact_tags.c.contact_id, tags.c.name)
              .join(contact_tags, contact_tags.c.tag_id == tags.c.id)
              .where(contact_tags.c.contact_id.in_(ids)).order_by(tags.c.key))
    v, f = CustomValueRow.__table__, CustomFieldRow.__table__
    custom = (select(v.c.contact_id, f.c.name, v.c.value).join(f, f.c.id == v.c.field_id)
              .where(v.c.contact_id.in_(ids)).order_by(f.c.position, f.c.id))
    return contacts, details, tagged, custom


def _read_many(conn: Connection, ids: list[int], include_deleted: bool) -> dict[int, Contact]:
    contacts, details, tagged, custom = _many_statements()
    # Rows are unpacked as tuples: reading a Row's fields by name costs more than building
    # the Contact from them.
    rows = [r for r in conn.execute(contacts, {"ids": ids}).all()
            if include_deleted or r[_DELETED_AT] is None]
    if not rows:
        return {}
    present = {"ids": [r[0] for r in rows]}
    kids = {t: _details(conn.execute(q, present).all(), _DETAIL_TYPES[t])
            for t, q in details.items()}
    tags: dict[int, list[str]] = {}
    for owner, name in conn.execute(tagged, present).all():
        tags.setdefault(owner, []).append(name)
    values: dict[int, dict[str, str]] = {}
    for owner, name, value in conn.execute(custom, present).all():
        values.setdefault(owner, {})[name] = value
    phones, emails, addrs, webs, ims = (kids[t] for t in CHILD_TABLES)
    out = {}
    for (cid, uid, prefix, given, middle, family, suffix, nickname, account_id, title,
         department, birthday, anniversary, photo, photo_mime, status, source, owner, notes,
         extra, created_at, updated_at, deleted_at, version, account_name) in rows:
        out[cid] = Contact(
            prefix=prefix, given=given, middle=middle, family=family, suffix=suffix,
            nickname=nickname, account_id=account_id, title=title, department=department,
            birthday=PartialDate.parse(birthday) if birthday else None,
            anniversary=PartialDate.parse(anniversary) if anniversary else None,
            photo=photo, photo_mime=photo_mime, status=ContactStatus(status), source=source,
            owner=owner, notes=notes, phones=phones.get(cid, []), emails=emails.get(cid, []),
            addresses=addrs.get(cid, []), websites=webs.get(cid, []), ims=ims.get(cid, []),
            extra=common.decode_extra(extra), custom=values.get(cid, {}),
            tags=tags.get(cid, []), id=cid, uid=uid, created_at=created_at,
            updated_at=updated_at, deleted_at=deleted_at, version=version,
            account_name=account_name)
    return out


def _details(rows, kind) -> dict[int, list]:
    """Detail objects by contact id from rows of (contact_id, own fields..., label,
    preferred, params, vgroup), as `get` builds them."""
    out: dict[int, list] = {}
    for cid, *fields, params, group in rows:
        out.setdefault(cid, []).append(
            kind(*fields, common.decode_params(params) if params else (), group))
    return out
