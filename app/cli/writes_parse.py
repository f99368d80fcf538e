"""Reading what a user typed into the values the writing commands save: names, labelled phones
and e-mails, addresses, dates, statuses, outcomes and times. Every mistake is one
ValidationError naming the option and quoting the value, raised before anything is saved."""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo
from typing import Any, overload

from dateutil import tz as dateutil_tz

from app.cli.commands import parse_day
from app.cli.output import quoted
from app.domain.contact import Address, ContactStatus, Email, ImHandle, Phone, Website
from app.domain.dates import PartialDate
from app.domain.errors import ValidationError
from app.domain.groups import clean_name
from app.domain.history import Outcome

DEFAULT_LABEL = "work"
# Bounds that real values never reach: a 10,000-character "phone number" is a pasted mistake,
# and saying so beats storing it. Free text (names, notes) is stored as typed, however long.
MAX_PHONE_CHARS = 64
MAX_EMAIL_CHARS = 254  # RFC 5321's limit on a forward path
MAX_URL_CHARS = 2000
MAX_LABEL_CHARS = 20
# A label is one word before the first colon (`mobile:`, `home:`). Anything else before a
# colon (`+1 555: 0100`, `Flat 2: ...`) is part of the value.
_LABEL = re.compile(rf"([^\W\d_][\w-]{{0,{MAX_LABEL_CHARS - 1}}}):(.*)", re.S)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MULTILINE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_EMAIL = re.compile(r"[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+")
_PHONE_CHARS = re.compile(r"[\w +()\-./#*,;]+")
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")

PREFIXES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "fr", "hon",
            "lord", "lady"}
SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "v", "phd", "md", "esq", "dds", "cpa", "mba", "obe",
            "mbe", "cbe", "kc", "qc", "rn"}
# Lower-case words that begin a family name: "Ludwig van Beethoven" is Ludwig + van Beethoven.
PARTICLES = {"van", "von", "de", "der", "den", "del", "della", "da", "di", "du", "dos", "das",
             "la", "le", "ten", "ter", "bin", "ibn", "al", "af", "zu"}


@overload
def text(value: str, what: str, *, multiline: bool = False) -> str: ...
@overload
def text(value: None, what: str, *, multiline: bool = False) -> None: ...
@overload
def text(value: str | None, what: str, *, multiline: bool = False) -> str | None: ...
def text(value: str | None, what: str, *, multiline: bool = False) -> str | None:
    """A free-text value as typed. NUL never (SQLite's C API and every file format stop at
    it); line breaks and other control characters only where the field has lines (notes)."""
    if value is None:
        return None
    bad = (_MULTILINE_CONTROL if multiline else _CONTROL).search(value)
    if bad:
        ch = bad.group()
        name = {"\x00": "a NUL character", "\n": "a line break", "\r": "a carriage return",
                "\t": "a tab"}.get(ch, f"the control character U+{ord(ch):04X}")
        where = "" if multiline or ch != "\n" else " (only notes and details take lines)"
        raise ValidationError(f"{what} {quoted(value)} contains {name}{where}")
    return value


def _split_label(raw: str, what: str, noun: str, url: bool = False,
                 labelled: bool = True) -> tuple[str, str]:
    """`[LABEL:]VALUE` into (label, value); the label is lower-cased, the value stripped.
    Unlabelled values (an account's one phone) are taken whole."""
    text(raw, what)
    label, value = DEFAULT_LABEL, raw
    if not labelled:
        pass
    elif raw.startswith(":"):  # an empty label: the default one
        value = raw[1:]
    # `https://...` is a URL, not the label `https`.
    elif (m := _LABEL.fullmatch(raw)) and not (url and m[2].startswith("//")):
        label, value = m[1].casefold(), m[2]
    value = value.strip()
    if not value:
        shown = quoted(raw)
        raise ValidationError(f"{what} {shown} has no {noun}"
                              + (f" after the label '{label}:'" if ":" in raw else ""))
    return label, value


def phone(raw: str, what: str = "--phone", labelled: bool = True) -> Phone:
    label, value = _split_label(raw, what, "number", labelled=labelled)
    if len(value) > MAX_PHONE_CHARS:
        raise ValidationError(f"{what} {quoted(value)} is {len(value):,} characters; a phone "
                              f"number has at most {MAX_PHONE_CHARS}")
    if not any(ch.isdigit() for ch in value) or not _PHONE_CHARS.fullmatch(value):
        raise ValidationError(f"{what} {quoted(value)} is not a phone number (digits, spaces, "
                              "+ ( ) - . and an extension such as x12)")
    return Phone(value, label)


def email(raw: str, what: str = "--email") -> Email:
    label, value = _split_label(raw, what, "address")
    check_email(value, what)
    return Email(value, label)


def check_email(value: str, what: str) -> str:
    if len(value) > MAX_EMAIL_CHARS or not _EMAIL.fullmatch(value):
        raise ValidationError(f"{what} {quoted(value)} is not an e-mail address "
                              "(expected name@example.org)")
    return value


def website(raw: str, what: str = "--website", labelled: bool = True) -> Website:
    label, value = _split_label(raw, what, "address", url=True, labelled=labelled)
    if len(value) > MAX_URL_CHARS or any(ch.isspace() for ch in value):
        raise ValidationError(f"{what} {quoted(value)} is not a web address "
                              "(no spaces, such as https://example.org)")
    return Website(value, label)


def im(raw: str, what: str = "--im") -> ImHandle:
    text(raw, what)
    service, sep, handle = raw.partition(":")
    if not sep or not service.strip() or not handle.strip():
        raise ValidationError(f"{what} {quoted(raw)} needs SERVICE:HANDLE, such as "
                              "skype:ada.lovelace or matrix:@ada:example.org")
    return ImHandle(handle.strip(), service.strip())


ADDRESS_PARTS = ("street", "locality", "region", "postal_code", "country")
ADDRESS_SYNTAX = "[LABEL:]STREET, LOCALITY, REGION, POSTCODE, COUNTRY"


def address(raw: str, what: str = "--address", labelled: bool = True) -> Address:
    """`[LABEL:]STREET, LOCALITY, REGION, POSTCODE, COUNTRY`: parts in that order, trailing
    ones may be left off, empty ones kept (`1 Main St, Springfield, , 12345`); a comma inside
    a part is written `\\,`."""
    label, value = _split_label(raw, what, "address", labelled=labelled)
    parts = [p.replace("\\,", ",").strip() for p in re.split(r"(?<!\\),", value)]
    if len(parts) > len(ADDRESS_PARTS):
        raise ValidationError(
            f"{what} {quoted(value)} has {len(parts)} comma-separated parts; an address has at "
            f"most {len(ADDRESS_PARTS)}: {ADDRESS_SYNTAX} (write a comma inside a part as \\,)")
    if not any(parts):
        raise ValidationError(f"{what} {quoted(raw)} has no address")
    # Any: mypy checks a **dict's values against every parameter, preferred and params too.
    given: dict[str, Any] = dict(zip(ADDRESS_PARTS, parts, strict=False))
    return Address(**given, label=label)


def address_line(a: Address) -> str:
    return ", ".join(x for x in (a.po_box, a.street, a.extended, a.locality, a.region,
                                 a.postal_code, a.country) if x)


def partial_date(raw: str, what: str) -> PartialDate:
    """YYYY-MM-DD, or --MM-DD / MM-DD when the year is unknown (write `--birthday=--04-15`
    or `--birthday 04-15`: argparse reads a lone `--04-15` as an option)."""
    text(raw, what)
    value = raw.strip()
    if re.fullmatch(r"\d{1,2}-\d{1,2}", value):
        value = "--" + "-".join(f"{int(x):02d}" for x in value.split("-"))
    try:
        day = PartialDate.parse(value)
    except ValidationError as exc:
        detail = "" if "is not a date" in str(exc) else f": {exc}"
        raise ValidationError(f"{what} {quoted(raw)} is not a date{detail} (use YYYY-MM-DD, "
                              "or MM-DD when the year is unknown)") from None
    if day.year is not None and not 1800 <= day.year <= 2199:
        raise ValidationError(f"{what} {quoted(raw)}: the year is out of range (1800 to 2199)")
    return day


def status(raw: str) -> ContactStatus:
    key = raw.strip().casefold()
    for s in ContactStatus:
        if s.value == key:
            return s
    raise ValidationError(f"Unknown status {quoted(raw)}; use one of "
                          + ", ".join(s.value for s in ContactStatus))


def outcome(raw: str) -> Outcome:
    key = re.sub(r"[\s-]+", "_", raw.strip().casefold())
    for o in Outcome:
        if o.value == key:
            return o
    raise ValidationError(f"Unknown outcome {quoted(raw)}; use one of "
                          + ", ".join(o.value for o in Outcome))


def when(raw: str | None, viewer: tzinfo) -> datetime:
    """`YYYY-MM-DD HH:MM` (or `today 14:30`, `yesterday 09:00`, `now`) on the viewer's wall
    clock. A time the clocks skip is refused; one they pass twice is the first of the two."""
    if raw is None or raw.strip().casefold() == "now":
        return datetime.now(viewer).replace(second=0, microsecond=0)
    text(raw, "--when")
    day_text, _sep, time_text = raw.strip().replace("T", " ", 1).partition(" ")
    m = _TIME.fullmatch(time_text.strip())
    if not m:
        raise ValidationError(f"--when {quoted(raw)} is not a date and time (use "
                              "\"YYYY-MM-DD HH:MM\", \"today 14:30\" or now)")
    day: date = parse_day(day_text, "--when")
    wall = datetime.combine(day, time(int(m[1]), int(m[2])), viewer)
    if not dateutil_tz.datetime_exists(wall):
        raise ValidationError(f"--when {day} {int(m[1]):02d}:{m[2]} does not exist in that "
                              "time zone (the clocks went forward); give the time after it")
    return wall


def split_name(full: str) -> dict[str, str]:
    """A full name as typed into its parts: `Dr. Ada B. Lovelace Jr.`, `Lovelace, Ada`,
    `Ludwig van Beethoven`. One word is a given name; the last word (with the particles
    before it) is the family name, and the words between are middle names."""
    text(full, "the name")
    parts = {"prefix": "", "given": "", "middle": "", "family": "", "suffix": ""}
    head, comma, tail = full.partition(",")
    words = head.split()
    tail_words = tail.replace(",", " ").split()
    if comma and tail_words and all(_bare(w) in SUFFIXES for w in tail_words):
        parts["suffix"], comma = " ".join(tail_words), ""  # `Ada Lovelace, Jr.`
    elif comma and tail_words:
        # `Lovelace, Ada B.`: the family name first.
        family = " ".join(words)
        words = tail_words
    lead = []
    while words and _bare(words[0]) in PREFIXES and len(words) > 1:
        lead.append(words.pop(0))
    trail: list[str] = []
    while words and _bare(words[-1]) in SUFFIXES and len(words) > 1:
        trail.insert(0, words.pop())
    parts["prefix"] = " ".join(lead)
    if trail:
        parts["suffix"] = " ".join(trail + ([parts["suffix"]] if parts["suffix"] else []))
    if comma and tail_words:
        parts["family"] = family
        parts["given"] = words[0] if words else ""
        parts["middle"] = " ".join(words[1:])
        return parts
    if len(words) == 1:
        parts["family" if lead else "given"] = words[0]  # `Dr. Lovelace`, `Ada`
    elif words:
        start = len(words) - 1
        while start > 1 and words[start - 1] in PARTICLES:
            start -= 1
        parts["given"], parts["family"] = words[0], " ".join(words[start:])
        parts["middle"] = " ".join(words[1:start])
    return parts


def _bare(word: str) -> str:
    return word.strip(".").casefold()


def tag(raw: str, what: str = "--tag") -> str:
    text(raw, what)
    name = clean_name(raw)
    if not name:
        raise ValidationError(f"{what} needs a tag name")
    return name


def digits(value: str) -> str:
    return re.sub(r"\D", "", value)
