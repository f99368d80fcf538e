"""Contacts (people) and their repeating details."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, field

from app.domain.collation import person_sort_keys
from app.domain.dates import PartialDate
from app.domain.errors import ValidationError
from app.domain.record import RawProperty, SyncedRecord

__all__ = ["RawProperty"]  # re-exported: importers name it with the contact vocabulary

# A photo is shown in a card, not archived: large images are refused with a clear message.
MAX_PHOTO_BYTES = 1_000_000


class ContactStatus(enum.StrEnum):
    LEAD = "lead"
    PROSPECT = "prospect"
    CUSTOMER = "customer"
    OTHER = "other"


# vCard parameters ((name, value) pairs, TYPE and X- included) and the property group
# (`item1`) a detail came with, kept so an export writes them back as they were read.
Params = tuple[tuple[str, str], ...]


@dataclass
class Phone:
    value: str
    label: str = "work"
    preferred: bool = False
    params: Params = ()
    group: str | None = None

    @property
    def digits(self) -> str:
        return re.sub(r"\D", "", self.value)


@dataclass
class Email:
    value: str
    label: str = "work"
    preferred: bool = False
    params: Params = ()
    group: str | None = None


@dataclass
class Address:
    street: str = ""
    locality: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    po_box: str = ""
    extended: str = ""
    label: str = "work"
    preferred: bool = False
    params: Params = ()
    group: str | None = None


@dataclass
class Website:
    url: str
    label: str = "work"
    preferred: bool = False
    params: Params = ()
    group: str | None = None


@dataclass
class ImHandle:
    handle: str
    service: str = ""
    label: str = "work"
    preferred: bool = False
    params: Params = ()
    group: str | None = None


@dataclass
class Contact(SyncedRecord):
    prefix: str = ""
    given: str = ""
    middle: str = ""
    family: str = ""
    suffix: str = ""
    nickname: str = ""
    account_id: int | None = None
    title: str = ""
    department: str = ""
    birthday: PartialDate | None = None
    anniversary: PartialDate | None = None
    photo: bytes | None = None
    photo_mime: str = ""
    status: ContactStatus = ContactStatus.LEAD
    source: str = ""
    owner: str = ""
    notes: str = ""
    phones: list[Phone] = field(default_factory=list)
    emails: list[Email] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    websites: list[Website] = field(default_factory=list)
    ims: list[ImHandle] = field(default_factory=list)
    # Custom field values by field name, canonical text (see app.domain.groups.CustomFieldDef).
    custom: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    # Filled on reads for display; ignored on writes.
    account_name: str | None = None

    @property
    def display_name(self) -> str:
        return display_name_of(self.prefix, self.given, self.middle, self.family, self.suffix,
                               self.nickname, self.emails[0].value if self.emails else "")

    def validate(self) -> None:
        if not self.display_name:
            raise ValidationError("A contact needs a name or an e-mail address")
        if self.photo is not None and len(self.photo) > MAX_PHOTO_BYTES:
            raise ValidationError(
                f"The photo is {len(self.photo) // 1024} KB; the limit is "
                f"{MAX_PHOTO_BYTES // 1024} KB. Crop or shrink it first.")
        for kind, items in (("phone", self.phones), ("e-mail", self.emails),
                            ("website", self.websites), ("IM handle", self.ims),
                            ("address", self.addresses)):
            # The length check first: bulk imports validate a hundred thousand of these.
            if len(items) > 1 and sum(1 for i in items if i.preferred) > 1:
                raise ValidationError(f"Only one {kind} can be marked preferred")


def display_name_of(prefix: str, given: str, middle: str, family: str, suffix: str,
                    nickname: str = "", email: str = "") -> str:
    """`Dr. Ada B. Lovelace Jr.`; `渡辺 さくら` (family first) when both names are written in
    Chinese, Japanese or Korean script; else the nickname, then the e-mail address."""
    if given and family and _east_asian(given) and _east_asian(family):
        given, family = family, given
    full = " ".join([p.strip() for p in (prefix, given, middle, family) if p and not p.isspace()])
    if suffix and not suffix.isspace():
        full = f"{full} {suffix.strip()}" if full else suffix.strip()
    return full or (nickname or "").strip() or (email or "").strip()


_EAST_ASIAN_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "IDEOGRAPHIC")


def _east_asian(text: str) -> bool:
    if text.isascii():  # most names, and every display name is worked out several times
        return False
    letters = [ch for ch in text if not ch.isspace()]
    return bool(letters) and all(
        unicodedata.name(ch, "").startswith(_EAST_ASIAN_SCRIPTS) for ch in letters)


def sort_keys_of(c: Contact) -> tuple[str, str]:
    """(given name first, family name first) collation keys: what lists sort on."""
    family_first, given_first = person_sort_keys(
        c.prefix, c.given, c.middle, c.family, c.suffix, c.nickname,
        c.emails[0].value if c.emails else "")
    return given_first, family_first
