"""ATTENDEE and ORGANIZER as people with emails, for the pipeline to match to contacts.

iCalendar writes a CAL-ADDRESS URI (`mailto:anna@example.com`, with CN, ROLE, PARTSTAT and
RFC 7986's EMAIL as parameters); vCalendar 1.0 free text (`Anna Berg <anna@example.com>`)
and KOrganizer an X-ORGANIZER. The properties themselves stay in the activity's raw extras,
so they are written back as they came.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from importers.ical.content import Prop, unescape
from importers.ical.model import Attendee

_EMAIL = re.compile(r"[^\s<>\"',;:@]+@[^\s<>\"',;:@]+\.[^\s<>\"',;:@]+")
_LIST_SPLIT = re.compile(r"(?<!\\),")


def of(props: list[Prop], vcal: bool) -> tuple[tuple[Attendee, ...], Attendee | None]:
    attendees = tuple(person(p) for p in props if p.name == "ATTENDEE")
    organizer = next((person(p) for p in props if p.name == "ORGANIZER"), None)
    if organizer is None and vcal:  # KOrganizer's X-ORGANIZER, or vCalendar's ROLE=OWNER
        organizer = next((person(p) for p in props if p.name == "X-ORGANIZER"), None) or next(
            (a for a in attendees if a.role in ("OWNER", "ORGANIZER")), None)
    return attendees, organizer


def person(prop: Prop) -> Attendee:
    address = prop.value.strip()
    params = dict(reversed(prop.params))  # the first of a repeated parameter
    return Attendee(
        email=email_of(params.get("EMAIL") or address),
        name=unescape(params.get("CN", "")).strip(),
        role=params.get("ROLE", "").strip().upper(),
        status=(params.get("PARTSTAT") or params.get("STATUS") or "").strip().upper(),
        address=address)


def email_of(address: str) -> str:
    """The email in a CAL-ADDRESS (`mailto:a@b.c`, `MAILTO:a@b.c?subject=...`) or in
    free text (`Anna <a@b.c>`); "" where there is none (a `urn:uuid:` or a phone URI)."""
    text = address.strip()
    if text[:7].lower() == "mailto:":
        text = unquote(text[7:].split("?", 1)[0]).strip()
        if "@" in text and " " not in text:
            return text
    found = _EMAIL.search(text)
    return found.group(0) if found else ""


def split_list(value: str, vcal: bool) -> list[str]:
    """A TEXT list (CATEGORIES) as its items; vCalendar separates them with semicolons."""
    parts = _LIST_SPLIT.split(value)
    if vcal:
        parts = [q for part in parts for q in re.split(r"(?<!\\);", part)]
    return [unescape(p).strip() for p in parts if p.strip()]
