"""The journal's field changes of one record as timeline rows: "Job title changed from Buyer
to Head of Purchasing", each with what made it and, where the journal can put the old value
back, "Restore this value".

Values are said the way the record pane shows them: phones by their numbers, a company by its
name (read with the changes, on the read thread), a birthday as "15 Mar"."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.domain.changes import Entity
from app.domain.dates import PartialDate
from app.domain.errors import NotFoundError, ValidationError
from app.domain.groups import FieldOwner
from app.services.journal import FieldChange
from app.services.registry import Services
from ui.contacts.conflict import FIELD_NAMES
from ui.contacts.table_model import status_label
from ui.history.labels import CHANGE_LABEL, full_when
from ui.history.rows import TimelineRow

CHANGES_LIMIT = 1000  # journal entries read per record; each may hold several fields

ACCOUNT_FIELD_NAMES = {
    "name": "Name", "industry": "Industry", "website": "Web site", "main_phone": "Main phone",
    "street": "Street", "locality": "City", "region": "Region", "postal_code": "Postcode",
    "country": "Country", "notes": "Notes", "parent_id": "Parent company", "tags": "Tags",
    "groups": "Groups", "custom": "Custom fields", "extra": "Other details from an import",
}
CONTACT_FIELD_NAMES = FIELD_NAMES | {"groups": "Groups"}
# Said without their values: pictures and blobs of imported properties.
NO_VALUES = frozenset({"photo", "photo_mime", "extra"})
# Never offered for "Restore this value": the Trash has its own Restore, and a photo's type
# only ever goes back with its photo.
NOT_RESTORABLE = frozenset({"deleted_at", "photo_mime"})
MAX_VALUE = 80  # characters of one value in the sentence; the tooltip has the rest

_ADDRESS_PARTS = ("po_box", "extended", "street", "locality", "region", "postal_code",
                  "country")


@dataclass
class Names:
    """Names for the ids a change holds: companies, groups and custom fields."""

    accounts: dict[int, str] = field(default_factory=dict)
    groups: dict[int, str] = field(default_factory=dict)
    custom: dict[int, str] = field(default_factory=dict)


def read_changes(services: Services, entity: Entity, record_id: int) -> list[TimelineRow]:
    """The record's field changes, newest first, as rows (runs on a read thread)."""
    changes = services.journal.history(entity, record_id, CHANGES_LIMIT)
    return rows_for(changes, entity, _names(services, entity, changes))


def rows_for(changes: list[FieldChange], entity: Entity, names: Names) -> list[TimelineRow]:
    return [row for c in changes if (row := change_row(c, entity, names)) is not None]


def _names(services: Services, entity: Entity, changes: list[FieldChange]) -> Names:
    names = Names()
    pointers = {v for c in changes if c.field in ("account_id", "parent_id")
                for v in (c.before, c.after) if isinstance(v, int)}
    for aid in pointers:
        try:
            names.accounts[aid] = services.accounts.get(aid, include_deleted=True).name
        except NotFoundError:
            names.accounts[aid] = "a company since deleted for good"
    fields = {c.field for c in changes}
    if "groups" in fields:
        names.groups = {g.id: g.name for g in services.organize.groups() if g.id is not None}
    if "custom" in fields:
        owner = FieldOwner.CONTACT if entity is Entity.CONTACT else FieldOwner.ACCOUNT
        names.custom = {d.id: d.name for d in services.organize.fields(owner)
                        if d.id is not None}
    return names


def field_name(entity: Entity, name: str) -> str:
    names = CONTACT_FIELD_NAMES if entity is Entity.CONTACT else ACCOUNT_FIELD_NAMES
    return names.get(name, name.replace("_", " ").capitalize())


def change_row(change: FieldChange, entity: Entity, names: Names) -> TimelineRow | None:
    who = _made_by(change)
    base: dict[str, Any] = {"when": change.when, "pill": CHANGE_LABEL, "meta": who,
                            "change_id": change.change_id}
    noun = "contact" if entity is Entity.CONTACT else "company"
    if change.op in ("insert", "bulk_insert"):
        return TimelineRow(key=("change", change.change_id, ""), title=f"This {noun} was added",
                           tooltip=_tip(f"This {noun} was added", who, change.when), **base)
    if change.op != "update" or change.field is None:
        return None  # a delete for good leaves no record to show a timeline for
    name = change.field
    if name == "photo_mime":
        return None  # said with the photo
    if name == "deleted_at":
        title = "Moved to the Trash" if change.after else "Restored from the Trash"
        return TimelineRow(key=("change", change.change_id, name), title=title,
                           tooltip=_tip(title, who, change.when), field=name, **base)
    label = field_name(entity, name)
    if name in NO_VALUES:
        title = f"{label} changed"
        before_full = after_full = ""
    else:
        before_full, after_full = (value_text(name, v, names) for v in (change.before,
                                                                         change.after))
        title = sentence(label, _short(before_full), _short(after_full))
    tip = _tip(sentence(label, before_full, after_full), who, change.when)
    return TimelineRow(key=("change", change.change_id, name), title=title, tooltip=tip,
                       field=name, restorable=name not in NOT_RESTORABLE, **base)


def sentence(label: str, before: str, after: str) -> str:
    if not before and not after:
        return f"{label} changed"
    if not before:
        return f"{label} set to {after}"
    if not after:
        return f"{label} cleared (was {before})"
    return f"{label} changed from {before} to {after}"


def value_text(name: str, value: Any, names: Names) -> str:
    """One stored value in words: "" for nothing."""
    if value is None or value == "" or value == []:
        return ""
    if name in ("account_id", "parent_id") and isinstance(value, int):
        return names.accounts.get(value, f"company {value}")
    if name == "groups" and isinstance(value, list):
        return ", ".join(names.groups.get(g, "a deleted group") for g in value)
    if name == "custom" and isinstance(value, list):
        return "; ".join(f"{names.custom.get(v.get('field_id', 0), 'a removed field')}: "
                         f"{v.get('value', '')}" for v in value if isinstance(v, dict))
    if name == "status":
        return status_label(str(value))
    if name in ("birthday", "anniversary") and isinstance(value, str):
        return _partial_date(value)
    if isinstance(value, list):
        return ", ".join(t for t in (_item_text(v) for v in value) if t)
    if isinstance(value, datetime):
        return full_when(value)
    if isinstance(value, date):
        return f"{value.day} {calendar.month_abbr[value.month]} {value.year}"
    if isinstance(value, bytes):
        return ""
    return " ".join(str(value).split())  # a note's lines as one line in the sentence


def _item_text(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    if "street" in value or "locality" in value:
        text = ", ".join(str(value[k]) for k in _ADDRESS_PARTS if value.get(k))
    else:
        text = next((str(value[k]) for k in ("value", "url", "handle") if value.get(k)), "")
    label = value.get("label") or value.get("service") or ""
    return f"{text} ({label})" if text and label else text


def _partial_date(text: str) -> str:
    try:
        d = PartialDate.parse(text)
    except ValidationError:
        return text
    shown = f"{d.day} {calendar.month_abbr[d.month]}"
    return f"{shown} {d.year}" if d.year else shown


def _short(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 1].rstrip() + "…"


def _made_by(change: FieldChange) -> str:
    how = {"import": "an import", "sync": "a sync", "undo": "an undo", "redo": "a redo",
           "revert": "a revert", "restore": "a restore"}.get(change.origin)
    parts = [change.label] if change.label else []
    if how:
        parts.append(f"by {how}")
    elif change.actor:
        parts.append(f"by {change.actor}")
    return " · ".join(parts)


def _tip(what: str, who: str, when: datetime) -> str:
    return "\n".join(x for x in (what, who, full_when(when)) if x)
