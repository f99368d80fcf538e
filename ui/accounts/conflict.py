"""A save refused because the account was saved elsewhere since the editor read it: both
versions side by side, field by field, as the contact editor shows a contact's
(ui/records/conflict_base.py). Each differing field starts on the side that changed it; the
result is built on the stored version, so saving it goes through."""

from __future__ import annotations

from app.domain.account import Account
from ui.records.conflict_base import SideBySideDialog, common_text

FIELD_NAMES = {
    "name": "Name", "industry": "Industry", "parent_id": "Part of", "main_phone": "Phone",
    "website": "Web site", "address": "Address", "tags": "Tags", "notes": "Notes",
    "custom": "Custom fields", "extra": "Other details from an import",
}
# Chosen with the field they belong to.
FOLLOWERS: dict[str, tuple[str, ...]] = {"parent_id": ("parent_name",)}


def value_text(account: Account, field: str) -> str:
    if field == "parent_id":
        return account.parent_name or ""
    if field == "address":
        a = account.address
        return ", ".join(x for x in (a.street, a.locality, a.region, a.postal_code, a.country)
                         if x)
    return common_text(field, getattr(account, field))


class AccountConflictDialog(SideBySideDialog[Account]):
    """Accepted when the user settled every field; then `result_account()` is what to save.
    Rejected ("Back to editing") leaves the editor as it was."""

    FIELD_NAMES = FIELD_NAMES
    FOLLOWERS = FOLLOWERS
    UNNAMED = "This account"
    SIZE = (620, 520)

    def name_of(self, record: Account) -> str:
        return record.name

    def value_text(self, record: Account, field: str) -> str:
        return value_text(record, field)

    def result_account(self) -> Account:
        return self.merged_record()
