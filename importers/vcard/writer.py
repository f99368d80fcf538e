"""Contacts as vCard 4.0 (RFC 6350) or 3.0 (RFC 2426): one card per contact, streamed.

A writer of our own rather than vobject's serializer: vobject knows vCard 3.0 only, and on
10,000 contacts (2 phones, 2 e-mails, an address, a note, tags) it built and serialized about
700 cards/s where this module writes about 16,000 (a full card with photo, dates, groups and
raw properties: ~450 against ~6,500). vobject stays the parser the tests read every card back
with.

Lossless by design: a detail's imported parameters and property group (`item1.TEL`) and the
contact's raw properties (`extra`) are written back; what vCard has no property for goes
into X-ROLODECK-* properties. What the writer derives itself (TYPE from the label, the
preference, the value's encoding) replaces stale copies of it in the kept parameters."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Literal

from app.domain.contact import Address, Contact, Email, ImHandle, Phone, Website
from app.domain.dates import PartialDate
from app.domain.errors import ValidationError
from importers.vcard import vocabulary as vocab
from importers.vcard.lines import (
    CRLF,
    FOLD_AT,
    NAME,
    clean,
    escape_raw,
    escape_text,
    escape_uri,
    fold,
    params_text,
    structured,
)

VCardVersion = Literal["3.0", "4.0"]
VERSIONS: tuple[VCardVersion, ...] = ("4.0", "3.0")

Detail = Phone | Email | Address | Website | ImHandle

# Raw properties the writer replaces with its own current values.
_REPLACED_RAW = frozenset({vocab.X_STATUS, vocab.X_SOURCE, vocab.X_OWNER, vocab.X_FIELD})
# Characters an IMPP handle cannot carry inside a URI, or that a reader treating the value
# as text would split on; percent-encoded (RFC 3986), so the reader unquotes them.
_URI_UNSAFE = re.compile(r'[%\s,;"<>\\^`{|}]')
_MIME_JUNK = re.compile(r"[^a-z0-9/.+-]")


def write_vcards(contacts: Iterable[Contact], version: VCardVersion = "4.0") -> Iterator[str]:
    """One card (CRLF line ends, folded) per contact, made as the caller asks for it: a
    hundred thousand contacts read lazily are never all in memory."""
    _check(version)
    return (_Card(c, version).text() for c in contacts)


def vcard_text(contacts: Iterable[Contact], version: VCardVersion = "4.0") -> str:
    """All the cards as one text (a .vcf file's contents, or the clipboard's text/vcard)."""
    return "".join(write_vcards(contacts, version))


def card(contact: Contact, version: VCardVersion = "4.0") -> str:
    _check(version)
    return _Card(contact, version).text()


def formatted_name(c: Contact) -> str:
    """FN, which every card must have: the display name, else what else identifies them."""
    candidates = (c.display_name, c.account_name or "", *(p.value for p in c.phones),
                  *(w.url for w in c.websites), *(m.handle for m in c.ims))
    return next((name for name in (" ".join(clean(x).split()) for x in candidates) if name),
                "Unnamed contact")


def _check(version: str) -> None:
    if version not in VERSIONS:
        raise ValidationError(f"vCard version {version!r} cannot be written; choose 4.0 or 3.0")


def _own_types(own_type: str | None, preferred: bool, v4: bool,
               also: tuple[str, ...]) -> list[str]:
    types = [] if own_type is None else [own_type if v4 else own_type.upper()]
    types += also
    if preferred and not v4:
        types.append("PREF")
    return types


@cache
def _own_params(own_type: str | None, preferred: bool, version: VCardVersion,
                also: tuple[str, ...]) -> str:
    v4 = version == "4.0"
    params = [("TYPE", t) for t in _own_types(own_type, preferred, v4, also)]
    if preferred and v4:
        params.append(("PREF", "1"))
    return params_text(params, version)


def _group(name: str | None) -> str | None:
    return name if name and NAME.match(name) else None


class _Card:
    def __init__(self, contact: Contact, version: VCardVersion):
        self.c = contact
        self.version = version
        self.v4 = version == "4.0"
        self.lines = ["BEGIN:VCARD", f"VERSION:{version}", f"PRODID:{vocab.PRODID}"]
        # Raw properties the contact's own fields have been written as.
        self.replaced = set(_REPLACED_RAW)
        details: list[Detail] = [*contact.phones, *contact.emails, *contact.addresses,
                                 *contact.websites, *contact.ims]
        # Groups in use anywhere on the card, so a new `itemN` never joins an existing one.
        self.used = {g.casefold() for g in (*(d.group for d in details),
                                            *(p.group for p in contact.extra)) if g}
        self.detail_groups: set[str] = set()
        self.labelled: set[str] = set()
        self.next_item = 1

    def add(self, name: str, value: str, params: str = "", group: str | None = None) -> None:
        line = f"{group}.{name}{params}:{value}" if group else f"{name}{params}:{value}"
        # Most lines are short and ASCII: fold() would give them back as they are.
        self.lines.append(line if len(line) <= FOLD_AT and line.isascii() else fold(line))

    def text(self) -> str:
        c = self.c
        if c.uid:
            self._uid(c.uid)
        self.add("FN", escape_text(formatted_name(c)))
        self.add("N", structured((c.family, c.given, c.middle, c.prefix, c.suffix)))
        if c.nickname.strip():
            self.add("NICKNAME", escape_text(c.nickname))
        if c.photo:
            self._photo(c.photo, c.photo_mime)
        if c.birthday is not None:
            self._date("BDAY", c.birthday)
            self.replaced.add("BDAY")
        if c.anniversary is not None:
            self._date("ANNIVERSARY" if self.v4 else vocab.X_ANNIVERSARY, c.anniversary)
            self.replaced |= {"ANNIVERSARY", vocab.X_ANNIVERSARY}
        org = (c.account_name or "").strip()
        if org or c.department.strip():
            self.add("ORG", structured((org, c.department) if c.department.strip() else (org,)))
        if c.title.strip():
            self.add("TITLE", escape_text(c.title))
        for p in c.phones:
            self._detail("TEL", p, escape_text(p.value))
        for e in c.emails:
            self._detail("EMAIL", e, escape_text(e.value),
                         also=() if self.v4 else ("INTERNET",), owned={"internet"})
        for a in c.addresses:
            self._detail("ADR", a, structured((a.po_box, a.extended, a.street, a.locality,
                                               a.region, a.postal_code, a.country)))
        for w in c.websites:
            self._detail("URL", w, escape_uri(w.url))
        for m in c.ims:
            self._im(m)
        tags = [escape_text(t) for t in c.tags if clean(t).strip()]
        if tags:
            self.add("CATEGORIES", ",".join(tags))
        if c.notes:
            self.add("NOTE", escape_text(c.notes))
        self._rolodeck_fields()
        self._raw()
        if c.updated_at is not None:
            self._rev(c.updated_at)
        self.lines.append("END:VCARD")
        return CRLF.join(self.lines) + CRLF

    def _uid(self, uid: str) -> None:
        # 4.0's UID is a URI unless reset to text; a UID a URI cannot hold is written as text.
        if not self.v4:
            self.add("UID", escape_text(uid))
        elif escape_text(uid) == uid:
            self.add("UID", escape_uri(uid))
        else:
            self.add("UID", escape_text(uid), ";VALUE=text")

    def _photo(self, data: bytes, mime: str) -> None:
        # A media type is type/subtype of these characters; anything else would end the
        # data: URI's header or the TYPE parameter early.
        mime = _MIME_JUNK.sub("", mime.lower()) or next(
            (m for magic, m in vocab.PHOTO_MAGIC if data.startswith(magic)), "image/jpeg")
        encoded = base64.b64encode(data).decode("ascii")
        if self.v4:
            self.add("PHOTO", f"data:{mime};base64,{encoded}")
        else:
            subtype = mime.rpartition("/")[2].upper()
            self.add("PHOTO", encoded, f";ENCODING=b;TYPE={subtype or 'JPEG'}")

    def _date(self, name: str, d: PartialDate) -> None:
        if self.v4:
            value = (f"--{d.month:02d}{d.day:02d}" if d.year is None
                     else f"{d.year:04d}{d.month:02d}{d.day:02d}")
            self.add(name, value)
        elif d.year is None:
            # 3.0 cannot write a date without a year: Apple's convention, see vocabulary.
            self.add(name, f"{vocab.OMIT_YEAR:04d}-{d.month:02d}-{d.day:02d}",
                     f";{vocab.OMIT_YEAR_PARAM}={vocab.OMIT_YEAR}")
        else:
            self.add(name, f"{d.year:04d}-{d.month:02d}-{d.day:02d}")

    def _rev(self, when: datetime) -> None:
        u = (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)
        # Formatted by hand: strftime costs more than the rest of the line.
        if self.v4:
            self.add("REV", f"{u.year:04d}{u.month:02d}{u.day:02d}"
                            f"T{u.hour:02d}{u.minute:02d}{u.second:02d}Z")
        else:
            self.add("REV", f"{u.year:04d}-{u.month:02d}-{u.day:02d}"
                            f"T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z")

    def _new_group(self) -> str:
        while f"item{self.next_item}" in self.used:
            self.next_item += 1
        group = f"item{self.next_item}"
        self.used.add(group)
        return group

    def _detail(self, prop: str, d: Detail, value: str, *, kind: str = "",
                also: Sequence[str] = (), owned: Iterable[str] = (),
                owned_params: Iterable[str] = (),
                extra_params: Sequence[tuple[str, str]] = ()) -> None:
        """One phone, e-mail, address, web site or IM handle: TYPE from its label (a label
        vCard has no TYPE for as `itemN.X-ABLabel`), the preference, then the parameters it
        was imported with, less those the writer decides (`owned`, `owned_params`)."""
        label = d.label if d.label.isalpha() else " ".join(d.label.split())
        own_type = vocab.LABEL_TYPES[kind or prop].get(label.casefold())
        group = _group(d.group)
        custom = label if own_type is None and label else None
        if custom and (group is None or group.casefold() in self.labelled):
            group = self._new_group()
        if d.params or extra_params:
            params = self._params(d, own_type, tuple(also), vocab.OWNED_TYPES | set(owned),
                                  vocab.OWNED_PARAMS | set(owned_params), extra_params)
        else:  # most details: nothing imported, so the same few parameter texts
            params = _own_params(own_type, d.preferred, self.version, tuple(also))
        self.add(prop, value, params, group)
        if group:
            self.detail_groups.add(group.casefold())
        if custom and group:
            self.labelled.add(group.casefold())
            self.add(vocab.ABLABEL, escape_text(custom), "", group)

    def _params(self, d: Detail, own_type: str | None, also: tuple[str, ...],
                owned_types: frozenset[str], skip_params: frozenset[str],
                extra_params: Sequence[tuple[str, str]]) -> str:
        types = _own_types(own_type, d.preferred, self.v4, also)
        kept: list[tuple[str, str]] = []
        for name, raw in d.params:
            key = name.upper()
            if key == "TYPE":
                for t in (x.strip() for x in raw.split(",")):
                    if t and t.casefold() not in owned_types and t.casefold() not in {
                            x.casefold() for x in types}:
                        types.append(t)
            elif key not in skip_params:
                kept.append((key, raw))
        params = [("TYPE", t) for t in types]
        if d.preferred and self.v4:
            params.append(("PREF", "1"))
        return params_text([*params, *extra_params, *kept], self.version)

    def _im(self, m: ImHandle) -> None:
        service = " ".join(m.service.split())
        key = service.casefold()
        handle = m.handle.strip()
        scheme = handle.partition(":")[0].casefold() if ":" in handle else ""
        if not self.v4 and key in vocab.IM_PROPERTIES_3:
            # X-SKYPE and the like hold the bare handle, not a URI.
            bare = handle.partition(":")[2] if scheme == vocab.IMPP_SCHEMES.get(key) else handle
            self._detail(vocab.IM_PROPERTIES_3[key], m, escape_text(bare), kind="IMPP",
                         owned_params={"X-SERVICE-TYPE"})
            return
        if (scheme == vocab.IMPP_SCHEMES.get(key)
                or (not key and scheme in vocab.URI_SCHEMES)):
            uri = handle  # a URI already
        else:
            quoted = _URI_UNSAFE.sub(lambda x: "".join(f"%{b:02X}" for b in x[0].encode()),
                                     handle)
            uri = f"{vocab.IMPP_SCHEMES.get(key, vocab.FALLBACK_SCHEME)}:{quoted}"
        self._detail("IMPP", m, escape_uri(uri), owned_params={"X-SERVICE-TYPE"},
                     extra_params=(("X-SERVICE-TYPE", service),) if service else ())

    def _rolodeck_fields(self) -> None:
        c = self.c
        self.add(vocab.X_STATUS, escape_text(c.status.value))
        if c.source.strip():
            self.add(vocab.X_SOURCE, escape_text(c.source))
        if c.owner.strip():
            self.add(vocab.X_OWNER, escape_text(c.owner))
        for name, value in c.custom.items():
            if value is not None and str(value).strip():
                self.add(vocab.X_FIELD, escape_text(str(value)),
                         params_text(((vocab.X_FIELD_NAME, name),), self.version))

    def _raw(self) -> None:
        """The properties kept from an import, as they were; none that would break the card
        (its frame), repeat one the writer wrote from the contact's own fields, or restate
        the label of a detail the writer labelled itself. One the card cannot hold as itself
        (a second N, BDAY or UID, a name that is not a vCard name) is written as X_KEPT, so
        that it comes back as it was when the file is read again."""
        for p in self.c.extra:
            name = p.name
            upper = name.upper()
            if upper in _REPLACED_RAW or (upper in vocab.NEVER_RAW
                                          and upper not in vocab.KEPT_AS_X):
                continue
            params = p.params
            if upper in vocab.KEPT_AS_X or upper in self.replaced or NAME.match(name) is None:
                if vocab.KEPT_NAME.fullmatch(name) is None:
                    continue  # not even a name the reader would give back
                params = ((vocab.X_KEPT_NAME, name), *params)
                name = vocab.X_KEPT
            group = _group(p.group)
            if (group and upper == vocab.ABLABEL.upper()
                    and group.casefold() in self.detail_groups):
                continue
            self.add(name, escape_raw(p.value), params_text(params, self.version), group)
