"""What a CSV column can fill (a target), and ColumnMapping: which column fills what.

A target is a short string, so a mapping saves as JSON under its header's `signature`:

- a field of the contact: `given`, `family`, `middle`, `prefix`, `suffix`, `nickname`,
  `full_name` (split into given and family names when those columns are empty),
  `company` (the contact's account name), `title`, `department`, `birthday`,
  `anniversary`, `birth_year` / `birth_month` / `birth_day`, `notes`, `tags`,
  `status`, `source`, `owner`, `uid`, `updated`;
- one detail with a fixed label: `email:home`, `phone:mobile`, `website:work`,
  `im:Skype` (the service), or an address part `address:home:street` (columns with the
  same label make one address; several `street` columns become its lines);
- one part of a numbered detail whose label is in a column of its own (Google's layout):
  `email#1:label` + `email#1:value`, `phone#2:...`, `website#N:...`,
  `im#N:label|service|value`, `address#N:label|formatted|<part>`,
  `org#N:name|title|department` (the first organisation fills company, title,
  department), `event#N:label|value` (an "Anniversary" event fills the anniversary);
- the Rolodeck layout's own cells: `rolodeck:phones`, `rolodeck:emails`, ... ;
- `extra` (kept on the contact as a raw property, which is also what happens to a column
  the mapping does not name) or `ignore` (left out).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.domain.errors import ValidationError
from importers.csv.values import norm

SCALARS = frozenset({
    "prefix", "given", "middle", "family", "suffix", "nickname", "full_name", "company",
    "title", "department", "birthday", "anniversary", "birth_year", "birth_month",
    "birth_day", "notes", "tags", "status", "source", "owner", "uid", "updated",
})
KEEP, IGNORE = "extra", "ignore"
ADDRESS_PARTS = ("street", "locality", "region", "postal_code", "country", "po_box",
                 "extended")
CODECS = frozenset({"phones", "emails", "addresses", "websites", "ims", "custom", "extra",
                    "tags"})
_NUMBERED_PARTS = {
    "email": frozenset({"label", "value"}), "phone": frozenset({"label", "value"}),
    "website": frozenset({"label", "value"}), "im": frozenset({"label", "service", "value"}),
    "address": frozenset({"label", "formatted", *ADDRESS_PARTS}),
    "org": frozenset({"label", "name", "title", "department", "yomi", "symbol", "location",
                      "description"}),
    "event": frozenset({"label", "value"}),
}
_FIXED = re.compile(r"(email|phone|website|im):([^#:][^:]*)")
_ADDRESS = re.compile(r"address:([^#:][^:]*):(\w+)")
_NUMBERED = re.compile(r"(\w+)#(\d{1,3}):(\w+)")


# One column's meaning, parsed once: ("scalar", name) | ("item", kind, label, part) |
# ("address", label, part) | ("numbered", kind, n, part) | ("codec", name) | ("extra",) |
# ("ignore",).
Op = tuple[Any, ...]


def parse_target(target: str) -> Op:
    """The parsed form of a target, or ValidationError naming what is wrong with it."""
    if target in SCALARS:
        return ("scalar", target)
    if target == KEEP:
        return ("extra",)
    if target == IGNORE:
        return ("ignore",)
    if target.startswith("rolodeck:") and target[9:] in CODECS:
        return ("codec", target[9:])
    if m := _FIXED.fullmatch(target):
        return ("item", m[1], m[2], "value")
    if (m := _ADDRESS.fullmatch(target)) and m[2] in (*ADDRESS_PARTS, "formatted"):
        return ("address", m[1], m[2])
    if (m := _NUMBERED.fullmatch(target)) and m[3] in _NUMBERED_PARTS.get(m[1], ()):
        return ("numbered", m[1], int(m[2]), m[3])
    raise ValidationError(f"{target!r} is not something a CSV column can fill")


@dataclass(frozen=True)
class ColumnMapping:
    """Which column (0-based index) fills which target. Columns not listed are kept on
    each contact as raw properties named after their header (X-CSV-...), so nothing in the
    file is lost unless a column is mapped to `ignore`.

    `has_header`: the first row holds column names (else it is the first contact).
    `day_first`: how `03/04/1990` reads when both numbers could be the month."""

    columns: Mapping[int, str] = field(default_factory=dict)
    has_header: bool = True
    day_first: bool = True

    def __post_init__(self) -> None:
        for index, target in self.columns.items():
            if not isinstance(index, int) or index < 0:
                raise ValidationError(f"column {index!r} is not a column number")
            parse_target(target)

    def target(self, index: int) -> str | None:
        return self.columns.get(index)

    def to_json(self) -> dict[str, Any]:
        return {"columns": {str(i): t for i, t in sorted(self.columns.items())},
                "has_header": self.has_header, "day_first": self.day_first}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ColumnMapping:
        """A mapping saved with `to_json`; ValidationError when it is not one."""
        try:
            columns = {int(i): str(t) for i, t in dict(data["columns"]).items()}
            return cls(columns, bool(data.get("has_header", True)),
                       bool(data.get("day_first", True)))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(f"This saved column mapping cannot be read ({exc})") from exc


def signature(header: Sequence[str]) -> str:
    """A stable name for a header row, to save a mapping under and find it again: the same
    column names in the same order give the same signature, whatever their case, spacing,
    BOM or the file's delimiter."""
    text = "\x1f".join(norm(cell) for cell in header)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


_FIELD_NAMES = {
    "prefix": "Name prefix", "given": "First name", "middle": "Middle name",
    "family": "Last name", "suffix": "Name suffix", "nickname": "Nickname",
    "full_name": "Full name", "company": "Company", "title": "Job title",
    "department": "Department", "birthday": "Birthday", "anniversary": "Anniversary",
    "birth_year": "Birth year", "birth_month": "Birth month", "birth_day": "Birth day",
    "notes": "Notes", "tags": "Tags", "status": "Status", "source": "Source",
    "owner": "Owner", "uid": "Unique ID", "updated": "Last changed",
}
_KIND_NAMES = {"email": "E-mail", "phone": "Phone", "website": "Website", "im": "Chat",
               "address": "Address", "org": "Organisation", "event": "Date"}
_PART_NAMES = {"street": "street", "locality": "city", "region": "state or region",
               "postal_code": "postal code", "country": "country", "po_box": "PO box",
               "extended": "extended address", "formatted": "as one text", "label": "label",
               "value": "", "service": "service", "name": "name", "title": "job title",
               "department": "department"}

# What the column-mapping step offers, in order (any other valid target still works).
TARGET_CHOICES: tuple[str, ...] = (
    "given", "family", "middle", "full_name", "prefix", "suffix", "nickname", "company",
    "title", "department", "email:work", "email:home", "email:other", "phone:mobile",
    "phone:work", "phone:home", "phone:main", "phone:fax", "phone:other",
    *(f"address:{label}:{part}" for label in ("work", "home")
      for part in ("street", "locality", "region", "postal_code", "country")),
    "website:work", "website:home", "im:Skype", "birthday", "anniversary", "notes", "tags",
    KEEP, IGNORE,
)


def describe_target(target: str) -> str:
    """What a target is called in the column-mapping step: `phone:mobile` -> "Phone
    (mobile)", `address:home:locality` -> "Address (home): city"."""
    op = parse_target(target)
    kind = op[0]
    if kind == "scalar":
        return _FIELD_NAMES[op[1]]
    if kind == "extra":
        return "Keep as an extra field"
    if kind == "ignore":
        return "Leave out"
    if kind == "codec":
        return f"Rolodeck {op[1]}"
    if kind == "item":
        return f"{_KIND_NAMES[op[1]]} ({op[2]})"
    if kind == "address":
        return f"Address ({op[1]}): {_PART_NAMES[op[2]]}"
    part = _PART_NAMES.get(op[3], op[3])
    return f"{_KIND_NAMES[op[1]]} {op[2]}" + (f" {part}" if part else "")
