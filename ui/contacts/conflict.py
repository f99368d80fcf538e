"""A save refused because the contact was saved elsewhere since the editor read it: both
versions side by side, field by field (ui/records/conflict_base.py), with a contact's field
names, its values in words and its photo as a picture."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap

from app.domain.contact import Contact
from app.domain.dates import PartialDate
from ui.contacts.editor_widgets import spoken_date
from ui.contacts.table_model import status_label
from ui.records.conflict_base import SideBySideDialog, common_text
from ui.records.conflict_base import breakable as breakable
from ui.records.conflict_base import changed_by_text as changed_by_text
from ui.records.conflict_base import current_user as current_user
from ui.records.conflict_base import when_text as when_text

FIELD_NAMES = {
    "prefix": "Prefix", "given": "First name", "middle": "Middle name", "family": "Last name",
    "suffix": "Suffix", "nickname": "Nickname", "account_id": "Company", "title": "Job title",
    "department": "Department", "status": "Status", "phones": "Phones", "emails": "E-mail",
    "addresses": "Addresses", "websites": "Web sites", "ims": "Messaging",
    "birthday": "Birthday", "anniversary": "Anniversary", "tags": "Tags", "notes": "Notes",
    "photo": "Photo", "source": "Source", "owner": "Owner", "custom": "Custom fields",
    "extra": "Other details from an import",
}
# Chosen with the field they belong to, never on their own.
FOLLOWERS: dict[str, tuple[str, ...]] = {"photo": ("photo_mime",),
                                         "account_id": ("account_name",)}
NBSP = "\u00a0"
THUMB = 64


def value_text(contact: Contact, field: str) -> str:
    value = getattr(contact, field)
    if field == "account_id":
        return contact.account_name or ""
    if field == "status":
        return status_label(value)
    if isinstance(value, PartialDate):
        return spoken_date(value)
    if field == "phones":
        # A number breaks across lines only between its label and itself.
        return "\n".join(f"{d.label}: {d.value.replace(' ', NBSP)}"
                         + (" ★" if d.preferred else "") for d in value)
    if field in ("emails", "websites"):
        return "\n".join(f"{d.label}: {getattr(d, 'url', None) or d.value}"
                         + (" ★" if d.preferred else "") for d in value)
    if field == "ims":
        return "\n".join(f"{d.label}: {' '.join(x for x in (d.service, d.handle) if x)}"
                         + (" ★" if d.preferred else "") for d in value)
    if field == "addresses":
        return "\n".join(f"{a.label}: " + ", ".join(
            x for x in (a.po_box, a.extended, a.street, a.locality, a.region, a.postal_code,
                        a.country) if x) for a in value)
    if field == "photo":
        return "A photo" if value else ""
    return common_text(field, value)


class ConflictDialog(SideBySideDialog[Contact]):
    """exec() is Accepted when the user settled every field; then `result_contact()` is what
    to save. Rejected ("Back to editing") leaves the editor as it was."""

    FIELD_NAMES = FIELD_NAMES
    FOLLOWERS = FOLLOWERS
    UNNAMED = "This contact"

    def name_of(self, record: Contact) -> str:
        return record.display_name

    def value_text(self, record: Contact, field: str) -> str:
        return value_text(record, field)

    def picture(self, record: Contact, field: str) -> QPixmap | None:
        if field != "photo" or not record.photo:
            return None
        return QPixmap.fromImage(QImage.fromData(record.photo)).scaled(
            THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation)

    def wraps(self, field: str) -> bool:
        return field != "phones"  # a number breaks only between its label and itself

    def result_contact(self) -> Contact:
        return self.merged_record()
