"""Contacts and lists as LDIF (RFC 2849), as Thunderbird writes its address books, so that
Thunderbird (and an LDAP directory, schema permitting) imports them back.

Each contact is one entry: `dn: cn=NAME,mail=ADDRESS` (or the DN it was read with, when an
LDAP directory gave it another), the object classes top, person, organizationalPerson,
inetOrgPerson and mozillaAbPersonAlpha, then Thunderbird's attributes in Thunderbird's
order (vocabulary.py), then the raw properties kept when it was read from LDIF (`extra`'s
X-LDIF-* properties: what the reader kept, written back as it was). A list is a
groupOfNames whose `member` lines are its members' DNs, the same DNs their own entries
have, so Thunderbird (which finds members by the address after `mail=`) and the reader
(which gives a member the UID its entry gets) both find them.

A value that is not a SAFE-STRING (non-ASCII, a control character or line break, a leading
space, colon or `<`, a trailing space) is written as base64 of its UTF-8; lines are folded
at 76 characters. The output is UTF-8 bytes with LF line ends, each entry followed by a
blank line.

What LDIF, or Thunderbird's schema, has no place for is not written: vCard's and CSV's raw
properties (they are not LDAP attributes), status, source, owner, tags, anniversary,
prefix, middle name and suffix as fields of their own (the cn carries them), IM handles of
services other than AIM, custom fields other than Custom 1 to 4, a third address and more.
A phone whose label is not work, home, fax, pager or mobile is written as the work phone;
a web site not labelled home as the work web page; e-mail addresses carry no label."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from app.domain.contact import Address, Contact, Email
from app.domain.record import RawProperty
from importers.ldif import vocabulary as vocab
from importers.ldif.dn import (
    ENCODING_B,
    OPTION,
    RAW_PREFIX,
    VALUE_URI,
    contact_dn,
    display_cn,
    escape_value,
    is_raw,
    kept_dn,
)

FOLD_AT = 76
Code = vocab.Code
W = vocab.WRITE

# RFC 2849 SAFE-STRING, stricter: printable ASCII only, not beginning with a space, colon or
# `<` (and, checked apart, not ending with a space).
_SAFE = re.compile(r"[!-9;=-~][ -~]*\Z")
_ATTRIBUTE = re.compile(r"(?:[A-Za-z][A-Za-z0-9_-]*|[0-9]+(?:\.[0-9]+)*)\Z")
_OPTION = re.compile(r"[A-Za-z0-9_-]+\Z")
_CUSTOM = re.compile(r"\s+")
_PHONE_BUCKETS = {"work": 0, "home": 1, "fax": 2, "pager": 3, "mobile": 4, "cell": 4}


@dataclass(frozen=True)
class MailingList:
    """A list to write: its name, its members (written as their DNs), a description and
    the raw properties it was read with (ParsedGroup.extra)."""

    name: str
    members: Sequence[Contact] = ()
    description: str = ""
    extra: Sequence[RawProperty] = ()


GroupOut = MailingList | tuple[str, Iterable[Contact]]
Add = Callable[[str, str], None]


def fold(line: str) -> str:
    """`line` (ASCII, as every line written is) folded to lines of FOLD_AT characters, a
    continuation's leading space counted."""
    if len(line) <= FOLD_AT:
        return line
    rest = FOLD_AT - 1
    return "\n ".join([line[:FOLD_AT], *(line[i:i + rest]
                                          for i in range(FOLD_AT, len(line), rest))])


def attribute_line(name: str, value: str) -> str:
    """`name: value`, or `name:: base64` when the value is not a SAFE-STRING; folded."""
    if not value:
        return f"{name}:"
    if _SAFE.match(value) and value[-1] != " ":
        line = f"{name}: {value}"
    else:
        data = value.encode("utf-8", "replace")
        line = f"{name}:: {base64.b64encode(data).decode('ascii')}"
    return line if len(line) <= FOLD_AT else fold(line)


def write_ldif(contacts: Iterable[Contact], stream: BinaryIO,
               groups: Iterable[GroupOut] = ()) -> int:
    """Every contact, then every list, written to `stream` (binary: UTF-8, LF line ends) as
    they are made, so a hundred thousand contacts read lazily are never all in memory.
    `groups` are MailingLists or (name, member contacts) pairs. Returns the number of
    entries written."""
    count = 0
    for text in ldif_records(contacts, groups):
        stream.write(text.encode("utf-8"))
        count += 1
    return count


def ldif_records(contacts: Iterable[Contact], groups: Iterable[GroupOut] = ()) -> Iterator[str]:
    """The text of each entry (ending with its blank line), contacts first."""
    for c in contacts:
        yield _person(c)
    for g in groups:
        yield list_text(g)


def ldif_text(contact: Contact) -> str:
    """One contact's entry, as an .ldif file (or the clipboard) holds it."""
    return _person(contact)


def list_text(group: GroupOut) -> str:
    """One list's entry: a groupOfNames with its members' DNs."""
    g = group if isinstance(group, MailingList) else MailingList(group[0], list(group[1]))
    name = " ".join(g.name.split())
    out: list[str] = []
    add = _adder(out)
    kept = kept_dn(list(g.extra))
    out.append(attribute_line("dn", kept if kept is not None else "cn=" + escape_value(name)))
    out += [f"objectclass: {oc}" for oc in vocab.LIST_CLASSES]
    add("cn", name)
    add(W[Code.NOTE, None], g.description)
    seen: set[str] = set()
    for member in g.members:
        dn = contact_dn(member)
        if dn and dn not in seen:
            seen.add(dn)
            add(W[Code.MEMBER, None], dn)
    _raw(out, g.extra)
    return "\n".join(out) + "\n\n"


def _adder(out: list[str]) -> Add:
    """`add(name, value)`: the attribute's line, unless the value is empty."""
    append = out.append

    def add(name: str, value: str) -> None:
        if value and not value.isspace():
            append(attribute_line(name, value))
    return add


def _person(c: Contact) -> str:
    out: list[str] = []
    add = _adder(out)
    out.append(attribute_line("dn", contact_dn(c)))
    out += [f"objectclass: {oc}" for oc in vocab.PERSON_CLASSES]
    add(W[Code.SCALAR, "given"], c.given.strip())
    add(W[Code.SCALAR, "family"], c.family.strip())
    if not any(is_raw(p, "cn") and p.value.strip() for p in c.extra):
        add(W[Code.NAME, "cn"], display_cn(c))  # else the kept cn is written with the rest
    add(W[Code.SCALAR, "nickname"], c.nickname.strip())
    emails = _emails(c.emails)
    if emails:
        add(W[Code.EMAIL, 0], emails[0].value.strip())
        for e in emails[1:]:
            add(W[Code.EMAIL, 1], e.value.strip())
    for m in c.ims:
        if " ".join(m.service.split()).casefold() == "aim":
            add(W[Code.IM, "AIM"], m.handle.strip())
    _phones(add, c)
    _addresses(add, c.addresses)
    add(W[Code.SCALAR, "title"], c.title.strip())
    add(W[Code.SCALAR, "department"], c.department.strip())
    add(W[Code.SCALAR, "account_name"], (c.account_name or "").strip())
    for bucket, label in enumerate(vocab.WEBSITE_LABELS):
        for w in c.websites:
            if (w.label.strip().casefold() == "home") == (label == "home"):
                add(W[Code.WEBSITE, (bucket, label)], w.url.strip())
    if c.birthday is not None:
        if c.birthday.year is not None:
            add(W[Code.BIRTH, 0], str(c.birthday.year))
        add(W[Code.BIRTH, 1], str(c.birthday.month))
        add(W[Code.BIRTH, 2], str(c.birthday.day))
    for name, value in c.custom.items():
        attribute = vocab.CUSTOM_WRITE.get(_CUSTOM.sub("", name).casefold())
        if attribute is not None and value is not None:
            add(attribute, str(value))
    if c.notes.strip():
        out.append(attribute_line(W[Code.NOTE, None], c.notes))
    if c.photo:
        out.append(fold(f"{W[Code.PHOTO, None]}:: {base64.b64encode(c.photo).decode('ascii')}"))
    _raw(out, c.extra)
    return "\n".join(out) + "\n\n"


def _emails(emails: list[Email]) -> list[Email]:
    """The preferred address first (Thunderbird's primary e-mail), then the others."""
    found = [e for e in emails if e.value.strip()]
    preferred = next((i for i, e in enumerate(found) if e.preferred), 0)
    return [found[preferred], *found[:preferred], *found[preferred + 1:]] if found else []


def _phones(add: Add, c: Contact) -> None:
    buckets: list[list[str]] = [[], [], [], [], []]
    for p in c.phones:
        if p.value.strip():
            buckets[_PHONE_BUCKETS.get(p.label.strip().casefold(), 0)].append(p.value.strip())
    for bucket, values in enumerate(buckets):
        for value in values:
            add(W[Code.PHONE, (bucket, vocab.PHONE_LABELS[bucket])], value)


def _addresses(add: Add, addresses: list[Address]) -> None:
    """Thunderbird has one home and one work address: the first of each label, then the
    others where a place is free (work first)."""
    slots: list[Address | None] = [None, None]
    rest = []
    for a in addresses:
        place = {"home": vocab.HOME, "work": vocab.WORK}.get(a.label.strip().casefold())
        if place is not None and slots[place] is None:
            slots[place] = a
        else:
            rest.append(a)
    for place in (vocab.WORK, vocab.HOME):
        if slots[place] is None and rest:
            slots[place] = rest.pop(0)
    for place, slot in enumerate(slots):
        if slot is None:
            continue
        a = slot
        lines = [*a.street.split("\n"), *([a.extended] if a.extended.strip() else [])]
        first, rest_lines = lines[0], "\n".join(lines[1:])
        for part, value in ((vocab.STREET, first), (vocab.STREET2, rest_lines),
                            (vocab.LOCALITY, a.locality), (vocab.REGION, a.region),
                            (vocab.POSTAL_CODE, a.postal_code), (vocab.COUNTRY, a.country),
                            (vocab.PO_BOX, a.po_box)):
            key = (Code.ADDRESS, (place, part))
            if key in W:
                add(W[key], value if part == vocab.STREET2 else value.strip())


def _raw(out: list[str], extra: Iterable[RawProperty]) -> None:
    """The properties kept when the entry was read from LDIF, as they were."""
    for p in extra:
        if p.name[:7].upper() != RAW_PREFIX:
            continue  # a vCard's or a CSV file's: not an LDAP attribute
        attribute = p.name[7:]
        if attribute.lower() in vocab.NEVER_RAW or _ATTRIBUTE.match(attribute) is None:
            continue
        options = [v for k, v in p.params if k.upper() == OPTION and _OPTION.match(v)]
        name = ";".join((attribute, *options))
        params = {(k.upper(), v.lower()) for k, v in p.params}
        if ENCODING_B in params:  # base64 already (or what was not, kept as it was)
            out.append(fold(f"{name}:: {p.value.strip()}"))
        elif VALUE_URI in params:
            out.append(fold(f"{name}:< {p.value.strip()}"))
        elif p.value:
            out.append(attribute_line(name, p.value))
        else:
            out.append(f"{name}:")
