"""What each property means for a contact: one function per property Rolodeck models (or
treats specially), over the card being built (mapping.CardBuilder). Anything not here is kept
as a raw property. Each function is the inverse of what writer.py writes for that field."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.domain.contact import MAX_PHOTO_BYTES, ContactStatus, Email, Phone, Website
from app.domain.errors import ValidationError
from importers.vcard import details, typed
from importers.vcard import vocabulary as vocab
from importers.vcard.details import detail_params
from importers.vcard.parsed import size_text
from importers.vcard.values import Prop, unescape, unescape_uri

if TYPE_CHECKING:
    from importers.vcard.mapping import CardBuilder

_ANNIVERSARIES = frozenset({"ANNIVERSARY", vocab.X_ANNIVERSARY, "X-EVOLUTION-ANNIVERSARY",
                            "X-KADDRESSBOOK-X-ANNIVERSARY"})
_STATUSES = {s.value: s for s in ContactStatus}
_ANDROID_NICKNAME = "vnd.android.cursor.item/nickname"


# -- the name, the organisation, single values ---------------------------------------------


def _fn(b: CardBuilder, prop: Prop) -> None:
    if b.fn is None:
        b.fn = (prop, b.text(prop))
    else:
        b.keep(prop)


def _n(b: CardBuilder, prop: Prop) -> None:
    parts = b.parts(prop)
    if b.n_seen or (len(parts) > 5 and any(parts[5:])):
        b.keep(prop)  # a second N, or one with more than N has: kept as it came
    if b.n_seen:
        return
    b.n_seen = True
    c = b.c
    if len(parts) < 5:
        parts += [""] * (5 - len(parts))
    c.family, c.given, c.middle, c.prefix, c.suffix = parts[:5]


def _nickname(b: CardBuilder, prop: Prop) -> None:
    if b.c.nickname:
        b.keep(prop)
    else:
        b.c.nickname = b.text(prop)


def _title(b: CardBuilder, prop: Prop) -> None:
    if b.c.title:
        b.keep(prop)
    else:
        b.c.title = b.text(prop)


def _org(b: CardBuilder, prop: Prop) -> None:
    if b.has_org:
        b.keep(prop)
        return
    b.has_org = True
    name, *units = b.parts(prop)
    b.c.account_name = name or None
    # One unit is the writer's department, as it was; more are joined.
    b.c.department = units[0] if len(units) == 1 else ", ".join(
        u.strip() for u in units if u.strip())


def _note(b: CardBuilder, prop: Prop) -> None:
    note = b.text(prop)
    if note and note not in b.notes:
        b.notes.append(note)


def _uid(b: CardBuilder, prop: Prop) -> None:
    if b.c.uid:
        b.keep(prop)
        return
    # 4.0's UID is a URI unless reset to text; the writer escapes only a text UID.
    uid = b.text(prop) if not b.v4 or prop.param("VALUE") else b.raw(prop)
    b.c.uid = uid.strip()


def _rev(b: CardBuilder, prop: Prop) -> None:
    when = None if b.has_rev else typed.timestamp(prop.value.strip())
    if when is None:
        b.keep(prop)
    else:
        b.has_rev = True
        b.c.updated_at = when


def _date(b: CardBuilder, prop: Prop) -> None:
    attr = "birthday" if prop.key == "BDAY" else "anniversary"
    if getattr(b.c, attr) is not None or (prop.param("VALUE") or "").lower() == "text":
        b.keep(prop)
        return
    text = b.raw(prop).strip()
    try:
        when = typed.partial_date(text, prop.param(vocab.OMIT_YEAR_PARAM))
    except ValidationError as e:
        b.warn(prop.line, f"{prop.name} {text[:40]!r} is not a real date ({e}); it "
                             "was kept as it was")
        when = None
    if when is None:
        b.keep(prop)
    else:
        setattr(b.c, attr, when)


def _photo(b: CardBuilder, prop: Prop) -> None:
    if b.c.photo is not None:
        b.keep(prop)
        return
    if not prop.value.strip():
        return
    try:
        found = typed.photo(prop.value, prop.encoding, prop.param("VALUE"),
                            prop.param("TYPE"))
    except typed.NotBase64:
        b.warn(prop.line, f"the {prop.name} is not valid base64; it was kept as it "
                             "was but cannot be shown")
        b.keep(prop)
        return
    if found is None:
        b.keep(prop)  # a photo on the web, or in a message part
        return
    data, mime = found
    if len(data) > MAX_PHOTO_BYTES:
        b.warn(prop.line, f"the photo is {size_text(len(data), MAX_PHOTO_BYTES)}; Rolodeck "
                             f"keeps photos up to {size_text(MAX_PHOTO_BYTES)}, so it was left off "
                             "and the rest of the card was read")
    elif data:
        b.c.photo, b.c.photo_mime = data, mime


def _categories(b: CardBuilder, prop: Prop) -> None:
    seen, tags = b.tags, b.c.tags
    for tag in b.parts(prop, ","):
        key = tag.casefold()
        if key not in seen and tag.strip():
            seen.add(key)
            tags.append(tag)


# -- details -------------------------------------------------------------------------------


def _tel(b: CardBuilder, prop: Prop) -> None:
    raw = b.raw(prop)
    if raw[:1] in ("t", "T") and raw[:4].lower() == "tel:":  # a URI, not escaped text
        value = raw[4:]
    elif prop.params and (prop.param("VALUE") or "").lower() == "uri":
        value = raw
    else:
        value = unescape(raw, b.v21) if "\\" in raw else raw
    if value and not value.isspace():
        label, rank, params = detail_params(prop, "TEL")
        b.detail(b.c.phones, "phones",
                     Phone(value, label, False, params, prop.group), rank)


def _email(b: CardBuilder, prop: Prop) -> None:
    value = b.text(prop)
    if value[:1] in ("m", "M") and value[:7].lower() == "mailto:":
        value = value[7:]
    if value and not value.isspace():
        label, rank, params = detail_params(prop, "EMAIL")
        b.detail(b.c.emails, "emails",
                     Email(value, label, False, params, prop.group), rank)


def _adr(b: CardBuilder, prop: Prop) -> None:
    parts = b.parts(prop)
    if any(p and not p.isspace() for p in parts):
        address, rank = details.address(parts, prop)
        b.detail(b.c.addresses, "addresses", address, rank)


def _url(b: CardBuilder, prop: Prop) -> None:
    url = unescape_uri(b.raw(prop))
    if url and not url.isspace():
        label, rank, params = detail_params(prop, "URL")
        b.detail(b.c.websites, "websites",
                     Website(url, label, False, params, prop.group), rank)


def _impp(b: CardBuilder, prop: Prop) -> None:
    uri = unescape_uri(b.raw(prop)).strip()
    if uri:
        b.detail(b.c.ims, "ims", *details.impp(uri, prop))


def _im_property(b: CardBuilder, prop: Prop) -> None:
    handle = b.text(prop).strip()
    if handle:
        b.detail(b.c.ims, "ims", *details.im_property(handle, prop))


def _agent(b: CardBuilder, prop: Prop) -> None:
    """AGENT is kept; an empty 2.1 one is followed by the card it stands for, which the
    reader gives to fill_agent."""
    b.keep(prop)
    b.agent = len(b.extra) - 1 if not prop.value.strip() else -1


def _label(b: CardBuilder, prop: Prop) -> None:
    raw = b.keep(prop)  # taken back at the end if it labels a detail
    if prop.group:
        b.labels.append((prop.group.casefold(), raw, b.text(prop)))


# -- kinds, groups, Android's and Rolodeck's own -------------------------------------------


def _kind(b: CardBuilder, prop: Prop) -> None:
    kind = b.raw(prop).strip().casefold()
    if kind == "group":
        b.kind_group = True
    elif kind != "individual" or prop.key != "KIND":
        b.keep(prop)


def _member(b: CardBuilder, prop: Prop) -> None:
    b.members.append(unescape_uri(b.raw(prop)).strip())
    b.member_props.add(id(b.keep(prop)))  # taken back if this is a group card


def _android(b: CardBuilder, prop: Prop) -> None:
    """Android's X-ANDROID-CUSTOM: its nickname is a NICKNAME; anything else is kept."""
    parts = b.parts(prop)
    if parts[0] == _ANDROID_NICKNAME and len(parts) > 1 and parts[1] and not (
            b.c.nickname):
        b.c.nickname = parts[1]
    else:
        b.keep(prop)


def _status(b: CardBuilder, prop: Prop) -> None:
    status = _STATUSES.get(b.text(prop).strip().casefold())
    if status is None:
        b.keep(prop)
    else:
        b.c.status = status


def _source(b: CardBuilder, prop: Prop) -> None:
    if b.c.source:
        b.keep(prop)
    else:
        b.c.source = b.text(prop)


def _owner(b: CardBuilder, prop: Prop) -> None:
    if b.c.owner:
        b.keep(prop)
    else:
        b.c.owner = b.text(prop)


def _field(b: CardBuilder, prop: Prop) -> None:
    name = prop.param(vocab.X_FIELD_NAME.upper())
    if name is None:
        b.keep(prop)
    else:
        b.c.custom[name] = b.text(prop)


def _kept(b: CardBuilder, prop: Prop) -> None:
    """A property the writer could not write as itself (vocabulary.X_KEPT): kept as it was
    before, under its own name."""
    raw = b.keep(prop)
    name = prop.param(vocab.X_KEPT_NAME.upper())
    if name and vocab.KEPT_NAME.fullmatch(name):
        params = tuple(p for p in raw.params if p[0].upper() != vocab.X_KEPT_NAME.upper())
        b.extra[-1] = dataclasses.replace(raw, name=name, params=params)


HANDLERS: dict[str, Callable[[CardBuilder, Prop], None]] = {
    "FN": _fn,
    "N": _n,
    "NICKNAME": _nickname,
    "TITLE": _title,
    "ORG": _org,
    "NOTE": _note,
    "UID": _uid,
    "REV": _rev,
    "BDAY": _date,
    **dict.fromkeys(_ANNIVERSARIES, _date),
    "PHOTO": _photo,
    "CATEGORIES": _categories,
    "TEL": _tel,
    "EMAIL": _email,
    "ADR": _adr,
    "URL": _url,
    "IMPP": _impp,
    vocab.ABLABEL.upper(): _label,
    "KIND": _kind,
    "X-ADDRESSBOOKSERVER-KIND": _kind,
    "MEMBER": _member,
    "X-ADDRESSBOOKSERVER-MEMBER": _member,
    "X-ANDROID-CUSTOM": _android,
    "AGENT": _agent,
    vocab.X_STATUS: _status,
    vocab.X_SOURCE: _source,
    vocab.X_OWNER: _owner,
    vocab.X_FIELD: _field,
    vocab.X_KEPT: _kept,
    **dict.fromkeys(details.IM_PROPERTIES, _im_property),
}
