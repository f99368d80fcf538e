"""The Rolodeck CSV layout: one row per contact that a spreadsheet shows plainly and that
reads back into the same Contact.

Details are one per line in their cell, `label: value` (`mobile: +44 7700 900123`; the
preferred one says `mobile (preferred): ...`; an address is
`home: street; city; region; postal code; country; PO box; extended`). A detail this form
cannot carry exactly (vCard parameters or group, a line break, a `: ` in its label) is
written as one line of JSON instead. Tags are one per line; kept raw properties are one
JSON array per line. Photos are not written: a spreadsheet cell is no place for an image
(vCard keeps them)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, fields
from typing import Any

from app.domain.contact import Address, Contact, Email, ImHandle, Phone, RawProperty, Website
from app.domain.dates import PartialDate

HEADER: tuple[str, ...] = (
    "UID", "Name Prefix", "Given Name", "Middle Name", "Family Name", "Name Suffix",
    "Nickname", "Company", "Job Title", "Department", "Birthday", "Anniversary", "Status",
    "Source", "Owner", "Tags", "Phones", "E-mails", "Addresses", "Websites", "Chat",
    "Custom Fields", "Notes", "Last Changed", "Other Properties",
)
TARGETS: tuple[str, ...] = (
    "uid", "prefix", "given", "middle", "family", "suffix", "nickname", "company", "title",
    "department", "birthday", "anniversary", "status", "source", "owner", "rolodeck:tags",
    "rolodeck:phones", "rolodeck:emails", "rolodeck:addresses", "rolodeck:websites",
    "rolodeck:ims", "rolodeck:custom", "notes", "updated", "rolodeck:extra",
)

_PREFERRED = " (preferred)"
_SEP = ": "
Detail = Phone | Email | Website | ImHandle | Address


def row(c: Contact) -> list[str]:
    """The cells of one contact, in HEADER's order (not yet guarded against formulas)."""
    return [
        c.uid, c.prefix, c.given, c.middle, c.family, c.suffix, c.nickname,
        c.account_name or "", c.title, c.department, _date(c.birthday), _date(c.anniversary),
        c.status.value, c.source, c.owner, encode_tags(c.tags), _details(c.phones),
        _details(c.emails), _details(c.addresses), _details(c.websites), _details(c.ims),
        encode_custom(c.custom), c.notes, c.updated_at.isoformat() if c.updated_at else "",
        encode_extra(c.extra),
    ]


def _date(d: PartialDate | None) -> str:
    return d.iso() if d is not None else ""


# --- one detail per line ----------------------------------------------------------------

_KINDS: dict[str, type[Any]] = {"phones": Phone, "emails": Email, "websites": Website,
                                "ims": ImHandle, "addresses": Address}


def _simple(d: Detail) -> tuple[str, str] | None:
    """(label part, value part) of the plain form, or None when it would not read back."""
    if d.params or d.group is not None:
        return None
    if isinstance(d, ImHandle):
        if d.label != "work":
            return None
        label, value = d.service, d.handle
    elif isinstance(d, Address):
        parts = [d.street, d.locality, d.region, d.postal_code, d.country, d.po_box,
                 d.extended]
        if any(";" in p or "\n" in p or "\r" in p for p in parts):
            return None
        while parts and not parts[-1]:
            parts.pop()
        label, value = d.label, "; ".join(parts)
    else:
        label, value = d.label, d.url if isinstance(d, Website) else d.value
    if (not label or not value or _SEP in label or label.startswith("{")
            or label.endswith(_PREFERRED) or any(ch in label + value for ch in "\r\n")):
        return None
    return (label + _PREFERRED if d.preferred else label), value


def _details(items: Sequence[Detail]) -> str:
    lines = []
    for d in items:
        simple = _simple(d)
        lines.append(_SEP.join(simple) if simple is not None
                     else json.dumps(asdict(d), ensure_ascii=False))
    return "\n".join(lines)


def decode_details(kind: str, text: str) -> list[Any]:
    """The details of one cell; ValueError saying which line is wrong."""
    cls = _KINDS[kind]
    out: list[Any] = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        try:
            out.append(_json_detail(cls, line) if line.startswith("{")
                       else _plain_detail(cls, line))
        except (ValueError, TypeError, KeyError) as exc:
            raise ValueError(f"line {n} of the cell ({line[:40]!r}) is not a detail") from exc
    return out


def _plain_detail(cls: type[Any], line: str) -> Detail:
    label, sep, value = line.partition(_SEP)
    if not sep:
        raise ValueError("no label")
    preferred = label.endswith(_PREFERRED)
    if preferred:
        label = label[: -len(_PREFERRED)]
    if cls is ImHandle:
        return ImHandle(value, label, preferred=preferred)
    if cls is Address:
        parts = value.split("; ")
        if len(parts) > 7:
            raise ValueError("too many address parts")
        street, locality, region, postal_code, country, po_box, extended = (
            parts + [""] * (7 - len(parts)))
        return Address(street, locality, region, postal_code, country, po_box, extended,
                       label=label, preferred=preferred)
    detail: Detail = cls(value, label, preferred)
    return detail


def _json_detail(cls: type[Any], line: str) -> Detail:
    data = json.loads(line)
    if not isinstance(data, dict) or set(data) - {f.name for f in fields(cls)}:
        raise ValueError("unexpected keys")
    data["params"] = tuple((str(k), str(v)) for k, v in data.get("params", ()))
    detail: Detail = cls(**data)
    return detail


# --- tags, custom fields, raw properties ------------------------------------------------


def encode_tags(tags: Sequence[str]) -> str:
    if tags and (tags[0].startswith("[") or any(
            not t or "\n" in t or "\r" in t for t in tags)):
        return json.dumps(list(tags), ensure_ascii=False)
    return "\n".join(tags)


def decode_tags(text: str) -> list[str]:
    if text.startswith("["):
        data = json.loads(text)
        if not isinstance(data, list):
            raise ValueError("not a list of tags")
        return [str(t) for t in data]
    return [t for t in text.split("\n") if t]


def encode_custom(custom: dict[str, str]) -> str:
    lines = []
    for name, value in custom.items():
        plain = (name and value and _SEP not in name and not name.startswith("{")
                 and not any(ch in name + value for ch in "\r\n"))
        lines.append(f"{name}{_SEP}{value}" if plain
                     else json.dumps({"name": name, "value": value}, ensure_ascii=False))
    return "\n".join(lines)


def decode_custom(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.split("\n"):
        if not line:
            continue
        if line.startswith("{"):
            data = json.loads(line)
            out[str(data["name"])] = str(data["value"])
        else:
            name, sep, value = line.partition(_SEP)
            if not sep:
                raise ValueError(f"{line[:40]!r} is not `name: value`")
            out[name] = value
    return out


def encode_extra(extra: Sequence[RawProperty]) -> str:
    return "\n".join(json.dumps([p.name, p.value, [list(kv) for kv in p.params], p.group],
                                ensure_ascii=False) for p in extra)


def decode_extra(text: str) -> list[RawProperty]:
    out = []
    for line in text.split("\n"):
        if not line:
            continue
        name, value, params, group = json.loads(line)
        out.append(RawProperty(str(name), str(value),
                               tuple((str(k), str(v)) for k, v in params),
                               None if group is None else str(group)))
    return out


def _details_decoder(kind: str) -> Callable[[str], list[Any]]:
    return lambda text: decode_details(kind, text)


DECODERS: dict[str, Callable[[str], Any]] = {
    "tags": decode_tags, "custom": decode_custom, "extra": decode_extra,
    **{kind: _details_decoder(kind) for kind in _KINDS},
}
