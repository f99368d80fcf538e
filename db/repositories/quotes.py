"""Quotes and products: domain Quote/Product <-> their tables, and quote numbering."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.orm import Session

from app.domain.changes import Entity
from app.domain.errors import NotFoundError
from app.domain.quote import (
    DEFAULT_NUMBER_PREFIX,
    Product,
    Quote,
    QuoteLine,
    QuoteStatus,
    quote_number,
)
from db.driver import inserted_id
from db.models import (
    AccountRow,
    ContactRow,
    ProductRow,
    QuoteLineRow,
    QuoteRow,
    new_uid,
    utcnow,
)
from db.repositories import common, settings
from db.unit import unit_of

Q, L, P = QuoteRow.__table__, QuoteLineRow.__table__, ProductRow.__table__
A, C = AccountRow.__table__, ContactRow.__table__

PREFIX_KEY = "quote.prefix"
NEXT_KEY = "quote.next_number"


def number_prefix(session: Session) -> str:
    return settings.get(session.connection(), PREFIX_KEY) or DEFAULT_NUMBER_PREFIX


def set_number_prefix(session: Session, prefix: str) -> None:
    settings.put(session.connection(), PREFIX_KEY, prefix)


def _free_number(conn: Connection, prefix: str, n: int) -> tuple[str, int]:
    # Imported quotes, or a counter reset by hand, may already hold the number the counter
    # points at; skipping it keeps the unique constraint from failing the user's save.
    while True:
        number = quote_number(prefix, n)
        if conn.execute(select(Q.c.id).where(Q.c.number == number)).first() is None:
            return number, n
        n += 1


def peek_number(session: Session) -> str:
    """The number the next quote will get, without taking it."""
    conn = session.connection()
    raw = settings.get(conn, NEXT_KEY)
    return _free_number(conn, number_prefix(session), int(raw) if raw else 1)[0]


def take_number(session: Session) -> str:
    """Take the next number. The counter only ever moves forward, in the caller's transaction,
    so a number is never handed out twice, even after its quote is purged."""
    conn = session.connection()
    raw = settings.get(conn, NEXT_KEY, lock=True)
    number, n = _free_number(conn, number_prefix(session), int(raw) if raw else 1)
    settings.put(conn, NEXT_KEY, str(n + 1))
    return number


def _product_values(p: Product) -> dict:
    return {"sku": p.sku.strip(), "name": p.name.strip(), "description": p.description,
            "unit_price": p.unit_price, "tax_rate": p.tax_rate,
            "currency": p.currency.upper(), "active": p.active}


def _product_of(row) -> Product:
    return Product(name=row.name, unit_price=row.unit_price, sku=row.sku,
                   description=row.description, tax_rate=row.tax_rate, currency=row.currency,
                   active=row.active, id=row.id, uid=row.uid, version=row.version)


def add_product(session: Session, p: Product) -> int:
    now = utcnow()
    pid = inserted_id(session.connection().execute(insert(P).values(_product_values(p) | {
        "uid": p.uid or new_uid(), "created_at": now, "updated_at": now})))
    unit_of(session).created(Entity.PRODUCT, [pid])
    return pid


def save_product(session: Session, p: Product) -> None:
    pid = common.saved_id(p.id, "product")
    unit_of(session).will_change(Entity.PRODUCT, [pid])
    common.save_row(session.connection(), P, pid, p.version, _product_values(p), "product",
                    lambda: get_product(session, pid), p)


def get_product(session: Session, product_id: int) -> Product:
    row = session.connection().execute(
        select(P).where(P.c.id == product_id, P.c.deleted_at.is_(None))).first()
    if row is None:
        raise NotFoundError(f"No product with id {product_id}")
    return _product_of(row)


def list_products(session: Session, *, include_inactive: bool = False) -> list[Product]:
    stmt = select(P).where(P.c.deleted_at.is_(None))
    if not include_inactive:
        stmt = stmt.where(P.c.active.is_(True))
    rows = session.connection().execute(stmt.order_by(func.lower(P.c.name), P.c.id))
    return [_product_of(r) for r in rows]


def _quote_values(q: Quote) -> dict:
    return {"title": q.title.strip(), "account_id": q.account_id, "contact_id": q.contact_id,
            "issue_date": q.issue_date, "valid_until": q.valid_until,
            "currency": q.currency.upper(), "notes": q.notes}


def _line_values(quote_id: int, position: int, ln: QuoteLine) -> dict:
    return {"quote_id": quote_id, "position": position, "product_id": ln.product_id,
            "description": ln.description.strip(), "quantity": ln.quantity,
            "unit_price": ln.unit_price, "discount_pct": ln.discount_pct,
            "tax_rate": ln.tax_rate}


def _line_of(row) -> QuoteLine:
    return QuoteLine(description=row.description, quantity=row.quantity,
                     unit_price=row.unit_price, discount_pct=row.discount_pct,
                     tax_rate=row.tax_rate, product_id=row.product_id)


def _quote_of(row, lines: list[QuoteLine]) -> Quote:
    return Quote(account_id=row.account_id, contact_id=row.contact_id,
                 issue_date=row.issue_date, valid_until=row.valid_until,
                 currency=row.currency, status=QuoteStatus(row.status), title=row.title,
                 notes=row.notes, lines=lines, number=row.number, id=row.id, uid=row.uid,
                 created_at=row.created_at, updated_at=row.updated_at,
                 deleted_at=row.deleted_at, version=row.version)


def _check_refs(conn: Connection, q: Quote, lines: Sequence[QuoteLine]) -> None:
    """Readable errors for what the foreign keys would otherwise reject as a bare
    IntegrityError; a trashed account or contact is not offered for a new quote either."""
    for table, ref_id, what in ((A, q.account_id, "account"), (C, q.contact_id, "contact")):
        if ref_id is not None and conn.execute(
                select(table.c.id).where(table.c.id == ref_id,
                                         table.c.deleted_at.is_(None))).first() is None:
            raise NotFoundError(f"No {what} with id {ref_id}, or it is in the trash")
    _check_products(conn, lines)


def _check_products(conn: Connection, lines: Sequence[QuoteLine]) -> None:
    wanted = {ln.product_id for ln in lines if ln.product_id is not None}
    if wanted:
        found = set(conn.execute(select(P.c.id).where(P.c.id.in_(wanted))).scalars())
        if wanted - found:
            raise NotFoundError(f"No product with id {min(wanted - found)}")


def _replace_lines(conn: Connection, quote_id: int, lines: Sequence[QuoteLine]) -> None:
    conn.execute(delete(L).where(L.c.quote_id == quote_id))
    if lines:
        conn.execute(insert(L), [_line_values(quote_id, i, ln) for i, ln in enumerate(lines)])


def add(session: Session, q: Quote) -> int:
    """Insert a quote and its lines; `q.number` must already be taken (take_number)."""
    conn = session.connection()
    _check_refs(conn, q, q.lines)
    now = utcnow()
    qid = inserted_id(conn.execute(insert(Q).values(_quote_values(q) | {
        "number": q.number, "status": q.status.value, "uid": q.uid or new_uid(),
        "created_at": now, "updated_at": now})))
    _replace_lines(conn, qid, q.lines)
    unit_of(session).created(Entity.QUOTE, [qid])
    return qid


def save(session: Session, q: Quote) -> None:
    """Write the header and replace the lines, in list order. The number and the status are
    left alone: numbers never change and status moves only through set_status."""
    conn = session.connection()
    old = conn.execute(select(Q.c.account_id, Q.c.contact_id)
                       .where(Q.c.id == q.id, Q.c.deleted_at.is_(None))).first()
    if old is None or q.id is None:  # no id: never saved, so nothing stored to edit
        raise NotFoundError(f"Quote {q.id} does not exist or is in the trash")
    qid = q.id
    # Only a newly chosen account or contact must be live; one trashed since the quote was
    # made should not stop its lines being edited.
    if (old.account_id, old.contact_id) != (q.account_id, q.contact_id):
        _check_refs(conn, q, q.lines)
    else:
        _check_products(conn, q.lines)
    unit_of(session).will_change(Entity.QUOTE, [qid])
    common.save_row(conn, Q, qid, q.version, _quote_values(q), "quote",
                    lambda: get(session, qid), q)
    _replace_lines(conn, qid, q.lines)


def add_line(session: Session, quote_id: int, line: QuoteLine) -> None:
    """Append one line after the last, leaving the others untouched."""
    conn = session.connection()
    _check_products(conn, [line])
    unit_of(session).will_change(Entity.QUOTE, [quote_id])
    last = conn.execute(select(func.max(L.c.position)).where(L.c.quote_id == quote_id)).scalar()
    conn.execute(insert(L).values(_line_values(quote_id, 0 if last is None else last + 1, line)))
    conn.execute(update(Q).where(Q.c.id == quote_id).values(updated_at=utcnow()))


def get(session: Session, quote_id: int, *, include_deleted: bool = False) -> Quote:
    conn = session.connection()
    row = conn.execute(select(Q).where(Q.c.id == quote_id)).first()
    if row is None or (row.deleted_at is not None and not include_deleted):
        raise NotFoundError(f"No quote with id {quote_id}")
    lines = conn.execute(select(L).where(L.c.quote_id == quote_id)
                         .order_by(L.c.position, L.c.id))
    return _quote_of(row, [_line_of(r) for r in lines])


def list_quotes(session: Session, statuses: Sequence[QuoteStatus] = (), *,
                include_deleted: bool = False) -> list[Quote]:
    """Quotes with their lines, oldest issue first; all statuses when none are given.
    Two queries whatever the count, so summing a year of quotes stays quick."""
    conn = session.connection()
    where = []
    if statuses:
        where.append(Q.c.status.in_([QuoteStatus(s).value for s in statuses]))
    if not include_deleted:
        where.append(Q.c.deleted_at.is_(None))
    heads = conn.execute(select(Q).where(*where).order_by(Q.c.issue_date, Q.c.id)).all()
    lines: dict[int, list[QuoteLine]] = defaultdict(list)
    rows = conn.execute(select(L).select_from(L.join(Q, Q.c.id == L.c.quote_id)).where(*where)
                        .order_by(L.c.quote_id, L.c.position, L.c.id))
    for r in rows:
        lines[r.quote_id].append(_line_of(r))
    return [_quote_of(h, lines[h.id]) for h in heads]


def set_status(session: Session, quote_id: int, status: QuoteStatus) -> None:
    unit_of(session).will_change(Entity.QUOTE, [quote_id])
    session.connection().execute(update(Q).where(Q.c.id == quote_id)
                                 .values(status=status.value, updated_at=utcnow()))


def set_deleted(session: Session, ids: Sequence[int], deleted: bool) -> list[int]:
    unit_of(session).will_change(Entity.QUOTE, ids)
    return common.set_deleted(session.connection(), Q, ids, utcnow() if deleted else None,
                              "quote")


def trashed(session: Session, ids: Sequence[int]) -> list[int]:
    return list(session.connection().execute(
        select(Q.c.id).where(Q.c.id.in_(list(ids)), Q.c.deleted_at.is_not(None))).scalars())


def purge(session: Session, ids: Sequence[int]) -> list[int]:
    """Delete for good (lines cascade). The caller checked they are all in the trash."""
    gone = trashed(session, ids)
    if gone:
        unit_of(session).will_purge(Entity.QUOTE, gone)
        session.connection().execute(delete(Q).where(Q.c.id.in_(gone)))
    return gone
