"""What a duplicate scan reads: the few columns each live contact is matched on (its name parts
and company, its e-mail addresses, its phone numbers), as plain tuples, never whole contacts.
Contacts in the trash are not duplicates of anything until restored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, select

from db.driver import driver_connection
from db.models import AccountRow, ContactRow, EmailRow, PhoneRow

C, A = ContactRow.__table__, AccountRow.__table__
E, P = EmailRow.__table__, PhoneRow.__table__

# (id, display name, given, middle, family, account id or None)
Person = tuple[int, str, str, str, str, "int | None"]


def _tuples(conn: Connection, stmt: Select) -> list[Any]:
    """The rows as the driver's plain tuples: at half a million rows SQLAlchemy's Row objects
    cost more than the read itself. (The statements take no parameters.)"""
    cursor = driver_connection(conn).cursor()
    try:
        return cursor.execute(str(stmt.compile(dialect=conn.dialect))).fetchall()
    finally:
        cursor.close()


def people(conn: Connection) -> list[Person]:
    """Every live contact's id, display name, name parts and account."""
    return _tuples(conn, select(C.c.id, C.c.display_name, C.c.given, C.c.middle, C.c.family,
                                C.c.account_id).where(C.c.deleted_at.is_(None)))


def account_names(conn: Connection) -> dict[int, str]:
    """Every account's name by id (the trash's too: a contact may still point at one)."""
    return dict(_tuples(conn, select(A.c.id, A.c.name)))


# The details are read whole, without a join to the contacts: the caller knows which contacts
# are live, and a join would make the read four times as long (a lookup per row).

def emails(conn: Connection) -> list[tuple[int, str]]:
    """(contact id, address) of every contact's e-mail addresses, the trash's too."""
    return _tuples(conn, select(E.c.contact_id, E.c.value))


def phones(conn: Connection) -> list[tuple[int, str]]:
    """(contact id, number as written) of every contact's phone numbers, the trash's too."""
    return _tuples(conn, select(P.c.contact_id, P.c.value))
