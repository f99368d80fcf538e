"""All tables. Asking this package for Base registers every model on Base.metadata; asking it
for a model imports only the module that defines it. Building the mappings is the costliest
part of a command's start after importing SQLAlchemy, and a search need not build the groups'
or the timeline's."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from db.models.base import Base, new_uid, utcnow
    from db.models.contacts import (
        AccountRow,
        AddressRow,
        ContactRow,
        EmailRow,
        ImRow,
        PhoneRow,
        WebsiteRow,
    )
    from db.models.journal import (
        JournalChangeRow,
        JournalUnitRow,
        SyncCollectionRow,
        SyncItemRow,
        TombstoneRow,
    )
    from db.models.organize import (
        CustomFieldRow,
        CustomValueRow,
        GroupRow,
        TagRow,
        account_tags,
        contact_tags,
        group_accounts,
        group_contacts,
    )
    from db.models.quotes import ProductRow, QuoteLineRow, QuoteRow, SettingRow
    from db.models.relationships import RelationshipRow
    from db.models.timeline import (
        ActivityRow,
        ClearedOccurrenceRow,
        HistoryRow,
        activity_attendees,
        history_contacts,
    )

__all__ = [
    "AccountRow", "ActivityRow", "AddressRow", "Base", "ClearedOccurrenceRow", "ContactRow",
    "CustomFieldRow", "CustomValueRow", "EmailRow", "GroupRow", "HistoryRow", "ImRow",
    "JournalChangeRow", "JournalUnitRow", "SyncCollectionRow", "SyncItemRow", "TombstoneRow",
    "PhoneRow", "ProductRow", "QuoteLineRow", "QuoteRow", "RelationshipRow", "SettingRow",
    "TagRow", "WebsiteRow", "account_tags", "activity_attendees", "contact_tags",
    "group_accounts", "group_contacts", "history_contacts", "new_uid", "utcnow",
]

_MODULES = {
    "base": ("Base", "new_uid", "utcnow"),
    "contacts": ("AccountRow", "AddressRow", "ContactRow", "EmailRow", "ImRow", "PhoneRow",
                 "WebsiteRow"),
    "journal": ("JournalChangeRow", "JournalUnitRow", "SyncCollectionRow", "SyncItemRow",
                "TombstoneRow"),
    "organize": ("CustomFieldRow", "CustomValueRow", "GroupRow", "TagRow", "account_tags",
                 "contact_tags", "group_accounts", "group_contacts"),
    "quotes": ("ProductRow", "QuoteLineRow", "QuoteRow", "SettingRow"),
    "relationships": ("RelationshipRow",),
    "timeline": ("ActivityRow", "ClearedOccurrenceRow", "HistoryRow", "activity_attendees",
                 "history_contacts"),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name == "Base":  # what create_all and Alembic's comparisons read: every table
        for every in _MODULES:
            importlib.import_module(f"{__name__}.{every}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
