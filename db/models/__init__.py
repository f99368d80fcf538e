"""All tables. Importing this package registers every model on Base.metadata."""

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
    "PhoneRow", "ProductRow", "QuoteLineRow", "QuoteRow", "SettingRow", "TagRow",
    "WebsiteRow", "account_tags", "activity_attendees", "contact_tags", "group_accounts",
    "group_contacts", "history_contacts", "new_uid", "utcnow",
]
