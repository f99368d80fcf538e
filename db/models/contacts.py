"""Accounts, contacts and the contacts' repeating details."""

# Annotations stay objects, not strings (no `from __future__ import annotations`): mapping a
# class would otherwise eval() every column's annotation, a quarter of building it.

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import JSON_OR_NULL, NEVER_REUSE_IDS, Base, RecordMixin


class AccountRow(RecordMixin, Base):
    __tablename__ = "accounts"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    sort_name: Mapped[str] = mapped_column(String(255), index=True)
    industry: Mapped[str] = mapped_column(String(255), default="")
    website: Mapped[str] = mapped_column(String(1024), default="")
    main_phone: Mapped[str] = mapped_column(String(64), default="")
    street: Mapped[str] = mapped_column(Text, default="")
    locality: Mapped[str] = mapped_column(String(255), default="")
    region: Mapped[str] = mapped_column(String(255), default="")
    postal_code: Mapped[str] = mapped_column(String(64), default="")
    country: Mapped[str] = mapped_column(String(255), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True)


class ContactRow(RecordMixin, Base):
    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_live_sort", "deleted_at", "sort_name"),
        Index("ix_contacts_birthday", "bday_month", "bday_day"),
        Index("ix_contacts_live_family", "deleted_at", "family_sort"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(64), default="")
    given: Mapped[str] = mapped_column(String(255), default="")
    middle: Mapped[str] = mapped_column(String(255), default="")
    family: Mapped[str] = mapped_column(String(255), default="")
    suffix: Mapped[str] = mapped_column(String(64), default="")
    nickname: Mapped[str] = mapped_column(String(255), default="")
    display_name: Mapped[str] = mapped_column(String(512))
    # Collation keys (app.domain.collation): given name first, and family name first.
    sort_name: Mapped[str] = mapped_column(String(512))
    family_sort: Mapped[str] = mapped_column(String(512), default="")
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(255), default="")
    department: Mapped[str] = mapped_column(String(255), default="")
    # Partial dates as text (`1990-04-15` or `--04-15`), month and day split out for queries.
    birthday: Mapped[str | None] = mapped_column(String(10))
    bday_month: Mapped[int | None] = mapped_column(Integer)
    bday_day: Mapped[int | None] = mapped_column(Integer)
    anniversary: Mapped[str | None] = mapped_column(String(10))
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    photo_mime: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="lead")
    source: Mapped[str] = mapped_column(String(255), default="")
    owner: Mapped[str] = mapped_column(String(255), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class _Detail:
    """Shared columns of a contact's repeating details, kept in the order the user gave, with
    the vCard parameters (TYPE=..., X-...) and the property group (`item1.`) they came with,
    so an import, export and import again loses none of them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(64), default="")
    preferred: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    params: Mapped[list | None] = mapped_column(JSON_OR_NULL)  # [[name, value], ...]
    vgroup: Mapped[str | None] = mapped_column(String(64))


def _contact_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)


class PhoneRow(_Detail, Base):
    __tablename__ = "contact_phones"
    contact_id: Mapped[int] = _contact_fk()
    value: Mapped[str] = mapped_column(String(64))


class EmailRow(_Detail, Base):
    __tablename__ = "contact_emails"
    contact_id: Mapped[int] = _contact_fk()
    value: Mapped[str] = mapped_column(String(320))


class AddressRow(_Detail, Base):
    __tablename__ = "contact_addresses"
    contact_id: Mapped[int] = _contact_fk()
    po_box: Mapped[str] = mapped_column(String(64), default="")
    extended: Mapped[str] = mapped_column(String(255), default="")
    street: Mapped[str] = mapped_column(Text, default="")
    locality: Mapped[str] = mapped_column(String(255), default="")
    region: Mapped[str] = mapped_column(String(255), default="")
    postal_code: Mapped[str] = mapped_column(String(64), default="")
    country: Mapped[str] = mapped_column(String(255), default="")


class WebsiteRow(_Detail, Base):
    __tablename__ = "contact_websites"
    contact_id: Mapped[int] = _contact_fk()
    url: Mapped[str] = mapped_column(String(2048))


class ImRow(_Detail, Base):
    __tablename__ = "contact_ims"
    contact_id: Mapped[int] = _contact_fk()
    service: Mapped[str] = mapped_column(String(64), default="")
    handle: Mapped[str] = mapped_column(String(255))
