"""Groups, tags and custom fields."""

# Annotations stay objects, not strings (no `from __future__ import annotations`): mapping a
# class would otherwise eval() every column's annotation, a quarter of building it.

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import NEVER_REUSE_IDS, Base, RecordMixin


class GroupRow(RecordMixin, Base):
    __tablename__ = "groups"
    __table_args__ = NEVER_REUSE_IDS
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    # 'Clients' and 'clients' are one group: the database refuses the second (see name_key).
    name_key: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # A saved search's text and filters (app.domain.filters.SavedSearch.to_json); "" for a
    # group whose members are listed.
    search: Mapped[str] = mapped_column(Text, default="", server_default="")


group_contacts = Table(
    "group_contacts", Base.metadata,
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

group_accounts = Table(
    "group_accounts", Base.metadata,
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class TagRow(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    # Tags are matched without regard to case: 'VIP' and 'vip' are one tag.
    key: Mapped[str] = mapped_column(String(255), unique=True)


contact_tags = Table(
    "contact_tags", Base.metadata,
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

account_tags = Table(
    "account_tags", Base.metadata,
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class CustomFieldRow(Base):
    __tablename__ = "custom_fields"
    __table_args__ = (UniqueConstraint("owner", "name_key", name="owner_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(16))  # 'contact' or 'account'
    name: Mapped[str] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(255))  # the name without case
    kind: Mapped[str] = mapped_column(String(16))
    choices: Mapped[list | None]
    position: Mapped[int] = mapped_column(default=0)


class CustomValueRow(Base):
    __tablename__ = "custom_values"
    __table_args__ = (
        CheckConstraint("(contact_id IS NULL) != (account_id IS NULL)", name="one_owner"),
        Index("ix_custom_values_field_contact", "field_id", "contact_id", unique=True),
        Index("ix_custom_values_field_account", "field_id", "account_id", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("custom_fields.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(Text)
