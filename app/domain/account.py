"""Accounts: the companies contacts work for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.domain.contact import Address, RawProperty
from app.domain.errors import ValidationError


@dataclass
class Account:
    name: str
    industry: str = ""
    website: str = ""
    main_phone: str = ""
    address: Address = field(default_factory=Address)
    notes: str = ""
    parent_id: int | None = None
    extra: list[RawProperty] = field(default_factory=list)
    custom: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    id: int | None = None
    uid: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None
    remote_href: str | None = None
    remote_etag: str | None = None
    # Filled on reads for display; ignored on writes.
    parent_name: str | None = None

    def validate(self) -> None:
        if not self.name.strip():
            raise ValidationError("An account needs a name")
        if self.parent_id is not None and self.parent_id == self.id:
            raise ValidationError("An account cannot be its own parent")
