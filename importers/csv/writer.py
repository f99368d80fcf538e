"""Contacts as CSV, one row at a time: Google Contacts' layout, Outlook's (English, 92
columns) or Rolodeck's own (every field, read back into equal contacts; see rolodeck.py).

Every cell that a spreadsheet would run as a formula, one starting with = + - @, a tab or
a CR, gets a `'` in front (OWASP's advice against CSV injection), except a sign followed
only by digits, spaces and ( ) . / - (a phone number: it cannot call anything, and stays
dialable). Reading a Rolodeck-layout file removes exactly that `'` again; any other file's
cells are read as they are, since a `'` there may be the user's own.

Google's and Outlook's layouts have a fixed number of places: 4 e-mails, 6 phones, 3
addresses and 3 websites for Google (further values of a kind join the last one with
Google's ` ::: `), and for Outlook 3 e-mails, 3 addresses, one web page and its phone
columns by kind. What does not fit Outlook's is not written: the Rolodeck layout and vCard
keep everything. Raw properties read from a column of the same name (X-HEADER) go back into
it. Write the text as UTF-8 with a BOM (`utf-8-sig`), which is how Excel knows it is UTF-8."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Literal

from app.domain.contact import Address, Contact, Email, ImHandle, Phone, Website
from app.domain.dates import PartialDate
from app.domain.errors import ValidationError
from importers.csv import rolodeck
from importers.csv.presets import OUTLOOK_HEADER
from importers.csv.values import neutralise

Layout = Literal["google", "outlook", "rolodeck"]
LAYOUTS: tuple[Layout, ...] = ("google", "outlook", "rolodeck")

_GUARDED = frozenset("=+-@\t\r'")


def write_csv(contacts: Iterable[Contact], layout: Layout = "rolodeck") -> Iterator[str]:
    """The header row, then one row per contact as it is asked for; each a line of CSV
    text ending in CRLF (RFC 4180). Cells are guarded against formulas (see above)."""
    if layout not in LAYOUTS:
        raise ValidationError(f"There is no CSV layout {layout!r}; choose one of "
                              f"{', '.join(LAYOUTS)}")
    header, make = _LAYOUTS[layout]
    return _rows(contacts, header, make)


def _rows(contacts: Iterable[Contact], header: Sequence[str],
          make: Callable[[Contact], list[str]]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def line(cells: Sequence[str]) -> str:
        writer.writerow([neutralise(c) if c and c[0] in _GUARDED else c for c in cells])
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    yield line(header)
    for contact in contacts:
        yield line(make(contact))


def _restore_raw(c: Contact, cells: list[str], index: dict[str, int]) -> list[str]:
    for prop in c.extra:
        for key, value in prop.params:
            if key == "X-HEADER" and (i := index.get(value)) is not None and not cells[i]:
                cells[i] = prop.value
    return cells


def _slots(labels_values: Sequence[tuple[str, str]], n: int) -> list[tuple[str, str]]:
    """At most n (label, value) places; a further value joins the place with its label,
    else the last place, with ` ::: ` (Google's way of putting two values in one cell)."""
    slots: list[tuple[str, list[str]]] = []
    for label, value in labels_values:
        if len(slots) < n:
            slots.append((label, [value]))
            continue
        target = next((s for s in slots if s[0].lstrip("* ") == label.lstrip("* ")),
                      slots[-1])
        target[1].append(value)
    return [(label, " ::: ".join(values)) for label, values in slots]


# --- Google -----------------------------------------------------------------------------

_G_EMAILS, _G_PHONES, _G_ADDRESSES, _G_WEBSITES, _G_IMS, _G_CUSTOM = 4, 6, 3, 3, 2, 3
_G_ADDRESS_PARTS = ("Label", "Formatted", "Street", "City", "PO Box", "Region",
                    "Postal Code", "Country", "Extended Address")
GOOGLE_HEADER: tuple[str, ...] = (
    "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
    "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As",
    "Organization Name", "Organization Title", "Organization Department", "Birthday", "Notes",
    "Photo", "Labels",
    *(f"E-mail {n} - {p}" for n in range(1, _G_EMAILS + 1) for p in ("Label", "Value")),
    *(f"Phone {n} - {p}" for n in range(1, _G_PHONES + 1) for p in ("Label", "Value")),
    *(f"Address {n} - {p}" for n in range(1, _G_ADDRESSES + 1) for p in _G_ADDRESS_PARTS),
    *(f"Website {n} - {p}" for n in range(1, _G_WEBSITES + 1) for p in ("Label", "Value")),
    *(f"IM {n} - {p}" for n in range(1, _G_IMS + 1) for p in ("Label", "Service", "Value")),
    "Event 1 - Label", "Event 1 - Value",
    *(f"Custom Field {n} - {p}" for n in range(1, _G_CUSTOM + 1) for p in ("Label", "Value")),
)
_G_INDEX = {h: i for i, h in enumerate(GOOGLE_HEADER)}
_G_LABELS = {"home": "Home", "work": "Work", "mobile": "Mobile", "main": "Main",
             "other": "Other", "fax": "Work Fax", "home fax": "Home Fax", "pager": "Pager",
             "profile": "Profile", "blog": "Blog"}


def _g_label(item: Phone | Email | Website | ImHandle | Address) -> str:
    label = _G_LABELS.get(item.label, item.label)
    return f"* {label}" if item.preferred else label


def _g_date(d: PartialDate | None) -> str:
    return d.iso() if d is not None else ""


def _google(c: Contact) -> list[str]:
    cells = [""] * len(GOOGLE_HEADER)

    def put(name: str, value: str) -> None:
        cells[_G_INDEX[name]] = value

    for name, value in (("First Name", c.given), ("Middle Name", c.middle),
                        ("Last Name", c.family), ("Name Prefix", c.prefix),
                        ("Name Suffix", c.suffix), ("Nickname", c.nickname),
                        ("Organization Name", c.account_name or ""),
                        ("Organization Title", c.title),
                        ("Organization Department", c.department),
                        ("Birthday", _g_date(c.birthday)), ("Notes", c.notes)):
        put(name, value)
    put("Labels", " ::: ".join(["* myContacts", *c.tags]))
    for kind, items, n in (("E-mail", [(_g_label(e), e.value) for e in c.emails], _G_EMAILS),
                           ("Phone", [(_g_label(p), p.value) for p in c.phones], _G_PHONES),
                           ("Website", [(_g_label(w), w.url) for w in c.websites],
                            _G_WEBSITES)):
        for i, (label, value) in enumerate(_slots(items, n), 1):
            put(f"{kind} {i} - Label", label)
            put(f"{kind} {i} - Value", value)
    for i, a in enumerate(c.addresses[:_G_ADDRESSES], 1):
        later = c.addresses[_G_ADDRESSES:] if i == _G_ADDRESSES else []
        for part, value in zip(_G_ADDRESS_PARTS, (
                _g_label(a), _formatted(a), a.street, a.locality, a.po_box, a.region,
                a.postal_code, a.country, a.extended), strict=True):
            if part not in ("Label", "Formatted"):
                extra = [getattr(b, _ATTR[part]) for b in later]
                value = " ::: ".join([value, *extra]) if any(extra) else value
            put(f"Address {i} - {part}", value)
    for i, m in enumerate(c.ims[:_G_IMS], 1):
        put(f"IM {i} - Label", _g_label(m))
        put(f"IM {i} - Service", m.service)
        put(f"IM {i} - Value", m.handle)
    if c.anniversary is not None:
        put("Event 1 - Label", "Anniversary")
        put("Event 1 - Value", _g_date(c.anniversary))
    for i, (name, value) in enumerate(_slots(list(c.custom.items()), _G_CUSTOM), 1):
        put(f"Custom Field {i} - Label", name)
        put(f"Custom Field {i} - Value", value)
    return _restore_raw(c, cells, _G_INDEX)


_ATTR = {"Street": "street", "City": "locality", "PO Box": "po_box", "Region": "region",
         "Postal Code": "postal_code", "Country": "country", "Extended Address": "extended"}


def _formatted(a: Address) -> str:
    place = " ".join(p for p in (a.postal_code, a.locality) if p)
    lines = [a.street, a.extended, a.po_box, ", ".join(p for p in (place, a.region) if p),
             a.country]
    return "\n".join(line for line in lines if line)


# --- Outlook ----------------------------------------------------------------------------

_O_INDEX = {h: i for i, h in enumerate(OUTLOOK_HEADER)}
_O_PHONES = {
    "work": ("Business Phone", "Business Phone 2"), "home": ("Home Phone", "Home Phone 2"),
    "mobile": ("Mobile Phone",), "fax": ("Business Fax",), "home fax": ("Home Fax",),
    "other fax": ("Other Fax",), "pager": ("Pager",),
    "main": ("Primary Phone", "Company Main Phone"), "other": ("Other Phone",),
    "car": ("Car Phone",), "assistant": ("Assistant's Phone",), "callback": ("Callback",),
    "radio": ("Radio Phone",), "isdn": ("ISDN",), "telex": ("Telex",),
    "tty": ("TTY/TDD Phone",),
}
# Where a phone goes when the columns for its label are taken (or it has no column).
_O_SPARE_PHONES = ("Other Phone", "Business Phone 2", "Home Phone 2", "Callback",
                   "Radio Phone", "Car Phone", "Company Main Phone", "ISDN", "Telex",
                   "TTY/TDD Phone", "Assistant's Phone")
_O_PLACES = {"work": "Business", "home": "Home", "other": "Other"}


def _o_date(d: PartialDate | None) -> str:
    if d is None:
        return ""
    return f"{d.month}/{d.day}/{d.year}" if d.year is not None else f"{d.month}/{d.day}"


def _outlook(c: Contact) -> list[str]:
    cells = [""] * len(OUTLOOK_HEADER)

    def put(name: str, value: str) -> None:
        cells[_O_INDEX[name]] = value

    for name, value in (("Title", c.prefix), ("First Name", c.given),
                        ("Middle Name", c.middle), ("Last Name", c.family),
                        ("Suffix", c.suffix), ("Company", c.account_name or ""),
                        ("Department", c.department), ("Job Title", c.title),
                        ("Birthday", _o_date(c.birthday)),
                        ("Anniversary", _o_date(c.anniversary)),
                        ("Categories", ";".join(c.tags)), ("Notes", c.notes),
                        ("Web Page", c.websites[0].url if c.websites else "")):
        put(name, value)
    for phone in c.phones:
        free = [n for n in (*_O_PHONES.get(phone.label.casefold(), ()), *_O_SPARE_PHONES)
                if not cells[_O_INDEX[n]]]
        if free:
            put(free[0], phone.value)
    for n, email in enumerate(c.emails[:3], 1):
        prefix = "E-mail" if n == 1 else f"E-mail {n}"
        put(f"{prefix} Address", email.value)
        put(f"{prefix} Type", "SMTP")
    taken: set[str] = set()
    for a in c.addresses:
        word = _O_PLACES.get(a.label)
        if word is None or word in taken:
            word = next((w for w in _O_PLACES.values() if w not in taken), None)
        if word is None:
            break
        taken.add(word)
        streets = a.street.split("\n")
        streets = [*streets[:2], "\n".join(streets[2:])] if len(streets) > 3 else streets
        for suffix, street in zip(("", " 2", " 3"), streets, strict=False):
            put(f"{word} Street{suffix}", street)
        for part, value in (("City", a.locality), ("State", a.region),
                            ("Postal Code", a.postal_code), ("Country", a.country),
                            ("Address PO Box", a.po_box)):
            put(f"{word} {part}", value)
    return _restore_raw(c, cells, _O_INDEX)


_LAYOUTS: dict[str, tuple[Sequence[str], Callable[[Contact], list[str]]]] = {
    "google": (GOOGLE_HEADER, _google), "outlook": (OUTLOOK_HEADER, _outlook),
    "rolodeck": (rolodeck.HEADER, rolodeck.row),
}
