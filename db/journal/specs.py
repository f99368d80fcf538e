"""What a record's image is, per kind of record: the columns of its row, the rows of its child
tables and its links, declared once from the models so undo, redo, revert and field history
work the same for every kind.

An image is a plain JSON-able dict: {field: value}. Child tables become lists of row dicts in
their stored order; links become sorted lists of the other side's ids (tags: their names, as
tag rows come and go with use).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Table

from app.domain.changes import Entity
from db.models import (
    AccountRow,
    ActivityRow,
    AddressRow,
    ClearedOccurrenceRow,
    ContactRow,
    CustomFieldRow,
    CustomValueRow,
    EmailRow,
    GroupRow,
    HistoryRow,
    ImRow,
    PhoneRow,
    ProductRow,
    QuoteLineRow,
    QuoteRow,
    RelationshipRow,
    TagRow,
    WebsiteRow,
    account_tags,
    activity_attendees,
    contact_tags,
    group_accounts,
    group_contacts,
    history_contacts,
)

# Bookkeeping every write sets itself: never part of an image, never restored.
BOOKKEEPING = frozenset({"id", "version", "updated_at"})


@dataclass(frozen=True)
class Child:
    name: str
    table: Table
    fk: str
    order: tuple[str, ...]

    @cached_property
    def columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.table.columns if c.name not in ("id", self.fk)
                     and not (self.table is CustomValueRow.__table__
                              and c.name in ("contact_id", "account_id")))


@dataclass(frozen=True)
class Link:
    name: str
    table: Table
    fk: str
    other: str
    by_name: bool = False  # tags: the image holds names, rows are found or made on write


@dataclass(frozen=True)
class Spec:
    entity: Entity
    table: Table
    children: tuple[Child, ...] = ()
    links: tuple[Link, ...] = ()
    # Stored for speed or sorting, derived from other fields: restored, not shown in history.
    derived: frozenset[str] = frozenset()
    versioned: bool = True

    @cached_property
    def columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.table.columns if c.name not in BOOKKEEPING)

    @cached_property
    def has_uid(self) -> bool:
        return "uid" in self.columns

    @cached_property
    def parts(self) -> tuple[str, ...]:
        return (*self.columns, *(c.name for c in self.children), *(ln.name for ln in self.links))

    def shown(self, name: str) -> bool:
        return name not in self.derived and name not in {"uid", "created_at"}


def _details(name: str, row) -> Child:
    return Child(name, row.__table__, "contact_id", ("position", "id"))


def _custom(fk: str) -> Child:
    return Child("custom", CustomValueRow.__table__, fk, ("field_id",))


SPECS: dict[Entity, Spec] = {s.entity: s for s in (
    Spec(Entity.CONTACT, ContactRow.__table__,
         children=(_details("phones", PhoneRow), _details("emails", EmailRow),
                   _details("addresses", AddressRow), _details("websites", WebsiteRow),
                   _details("ims", ImRow), _custom("contact_id")),
         links=(Link("tags", contact_tags, "contact_id", "tag_id", by_name=True),
                Link("groups", group_contacts, "contact_id", "group_id")),
         derived=frozenset({"display_name", "sort_name", "family_sort", "bday_month",
                            "bday_day"})),
    Spec(Entity.ACCOUNT, AccountRow.__table__, children=(_custom("account_id"),),
         links=(Link("tags", account_tags, "account_id", "tag_id", by_name=True),
                Link("groups", group_accounts, "account_id", "group_id")),
         derived=frozenset({"sort_name"})),
    Spec(Entity.HISTORY, HistoryRow.__table__,
         links=(Link("contacts", history_contacts, "history_id", "contact_id"),)),
    Spec(Entity.ACTIVITY, ActivityRow.__table__,
         children=(Child("cleared", ClearedOccurrenceRow.__table__, "activity_id",
                         ("occurrence_key",)),),
         links=(Link("attendees", activity_attendees, "activity_id", "contact_id"),),
         derived=frozenset({"first_start_utc", "last_end_utc"})),
    Spec(Entity.QUOTE, QuoteRow.__table__,
         children=(Child("lines", QuoteLineRow.__table__, "quote_id", ("position", "id")),)),
    Spec(Entity.PRODUCT, ProductRow.__table__),
    # Its own record rather than a child list of one contact: undo and redo keep its id, an
    # edit of it never makes an open contact editor's save a conflict, and a purge of either
    # contact journals its deletion (both ends cascade; see Unit._dependants).
    Spec(Entity.RELATIONSHIP, RelationshipRow.__table__, derived=frozenset({"pair_key"})),
    Spec(Entity.GROUP, GroupRow.__table__, derived=frozenset({"name_key"})),
    Spec(Entity.TAG, TagRow.__table__, derived=frozenset({"key"}), versioned=False),
    Spec(Entity.CUSTOM_FIELD, CustomFieldRow.__table__, derived=frozenset({"name_key"}),
         versioned=False),
)}

BY_TABLE: dict[str, Spec] = {s.table.name: s for s in SPECS.values()}
