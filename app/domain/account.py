"""Accounts: the companies contacts work for."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.contact import Address
from app.domain.errors import ValidationError
from app.domain.record import SyncedRecord


@dataclass
class Account(SyncedRecord):
    name: str
    industry: str = ""
    website: str = ""
    main_phone: str = ""
    address: Address = field(default_factory=Address)
    notes: str = ""
    parent_id: int | None = None
    custom: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    # Filled on reads for display; ignored on writes.
    parent_name: str | None = None

    def validate(self) -> None:
        if not self.name.strip():
            raise ValidationError("An account needs a name")
        if self.parent_id is not None and self.parent_id == self.id:
            raise ValidationError("An account cannot be its own parent")
