"""RELIABILITY 18-20: property accounting over the corpus, and the round trip read -> write
-> read of every vCard and iCalendar file.

Every property of a source record is counted (read with a plain parse of our own, a second
opinion beside the reader's) and is one of:
- kept raw: the reader put it in the record's `extra` (a RawProperty, value as written),
- mapped: the reader gave it to a field (a name the reader's mapping handles),
- dropped: neither. dropped must be 0 for every file.
Then the records are written (vCard 3.0 and 4.0; iCalendar) and read again, and what the
first read gave must come back: each mapped property's fields equal, each raw property
present again with its group and value. The one documented normalisation: REV, the time of
the export (a REV the reader could not use is not written back); VERSION and PRODID
describe the file, not the record, and are not counted."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import pytest

from app.domain.activity import Activity
from app.domain.contact import Contact
from importers.ical import ParsedActivity, ical_text, read_ical
from importers.ical.component import MAPPED as ICAL_MAPPED
from importers.vcard import (
    ParsedCard,
    ParsedGroup,
    Problem,
    Severity,
    VCardVersion,
    read_vcards,
    write_vcards,
)
from importers.vcard import vocabulary as vocab
from importers.vcard.details import IM_PROPERTIES
from importers.vcard.fields import HANDLERS
from tests.importers.corpus import CORPUS, Row, params
from tests.importers.test_ical_corpus import _ALSO_MAPPED as ICAL_ALSO_MAPPED
from tests.importers.test_ical_corpus import _source as ical_source
from tests.importers.test_ical_writer import as_stored, comparable

pytestmark = pytest.mark.skipif(not (CORPUS / "MANIFEST.tsv").exists(),
                                reason=f"no corpus at {CORPUS} (set ROLODECK_CORPUS)")

NORMALISED = frozenset({"REV"})


@dataclass
class Account:
    """One file's properties: how many were read, mapped, kept raw, dropped (with which)."""

    read: int = 0
    mapped: int = 0
    kept: int = 0
    dropped: list[str] = field(default_factory=list)
    mapped_names: Counter[str] = field(default_factory=Counter)

    def add(self, where: str, source: Counter, raw: Counter, is_mapped: Callable[[str], bool]
            ) -> None:
        for key, n in source.items():
            name = key[-1]
            kept = min(n, raw[key])
            self.read += n
            self.kept += kept
            rest = n - kept
            if not rest:
                continue
            if is_mapped(name):
                self.mapped += rest
                self.mapped_names[name] += rest
            else:
                self.dropped += [f"{where}: {name}"] * rest

    def __str__(self) -> str:
        return (f"read {self.read}, mapped {self.mapped}, kept raw {self.kept}, dropped "
                f"{len(self.dropped)}")


# --- vCard: the source, as a plain parse sees it ---------------------------------------------

_PROP = re.compile(r"(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_/-]+)[ \t]*[;:]")
_FRAME = {"VERSION", "PRODID"}


def _text(data: bytes) -> str:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                       (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, "replace")
    if data[1:2] == b"\x00":
        return data.decode("utf-16-le", "replace")
    return data.decode("latin-1")  # names are ASCII: any 8-bit text keeps them apart


def vcard_source(data: bytes) -> list[Counter[tuple[str, str]]]:
    """Each card's properties as (group, NAME) counts. Continuations (folds, a 2.1
    quoted-printable value's soft breaks, 2.1 base64 lines) are not properties; a 2.1 AGENT's
    embedded card belongs to its AGENT."""
    cards: list[Counter[tuple[str, str]]] = []
    depth, in_qp = 0, False
    for line in re.split(r"\r\n|\r|\n", _text(data)):
        if in_qp:
            in_qp = line.endswith("=")
            continue
        if not line.strip() or line[0] in " \t":
            continue
        found = _PROP.match(line)
        if found is None:
            continue
        group, name = (found.group(1) or "").lower(), found.group(2).upper()
        if name in ("BEGIN", "END") and line.partition(":")[2].strip().upper() == "VCARD":
            if name == "BEGIN":
                depth += 1
                if depth == 1:
                    cards.append(Counter())
            else:
                depth = max(0, depth - 1)
            continue
        if depth != 1:
            continue
        head = line.partition(":")[0].upper()
        in_qp = "QUOTED-PRINTABLE" in head and line.endswith("=")
        if name not in _FRAME:
            cards[-1][(group, name)] += 1
    return cards


def _vcard_mapped(name: str) -> bool:
    return name in HANDLERS


@cache
def vcard_records(file: str) -> list:
    with (CORPUS / file).open("rb") as f:
        return [p for p in read_vcards(f, name=file) if isinstance(p, ParsedCard | ParsedGroup)
                or (isinstance(p, Problem) and p.severity == Severity.ERROR and p.record)]


@cache
def vcard_account(file: str) -> Account:
    source = vcard_source((CORPUS / file).read_bytes())
    records = vcard_records(file)
    assert len(source) == len(records), f"{len(source)} cards, {len(records)} records read"
    account = Account()
    for n, (props, record) in enumerate(zip(source, records, strict=True), 1):
        if isinstance(record, Problem):
            continue  # refused whole, and reported: none of it is imported
        extra = record.contact.extra if isinstance(record, ParsedCard) else record.extra
        raw = Counter(((p.group or "").lower(), p.name.upper()) for p in extra)
        account.add(f"card {n}", props, raw, _vcard_mapped)
    return account


# What each mapped property gives, comparably: the writer decides parameters and FN, and
# 3.0 writes IM handles by the X- property of their service.
def _details(items) -> list[tuple]:
    return [(d.value, d.label, d.preferred) for d in items]


def _service(name: str) -> str:
    prop = vocab.IM_PROPERTIES_3.get(name.casefold())
    return IM_PROPERTIES[prop] if prop else name


def _ims(c: Contact) -> list[tuple]:
    return [(m.handle.removeprefix("sip:"), _service(m.service), m.label, m.preferred)
            for m in c.ims]


def _NAME(c: Contact) -> object:  # noqa: N802 - one of the table's values
    return (c.prefix, c.given, c.middle, c.family, c.suffix)


VCARD_FIELDS: dict[str, Callable[[Contact], object]] = {
    "FN": _NAME, "N": _NAME, "NICKNAME": lambda c: c.nickname, "TITLE": lambda c: c.title,
    "ORG": lambda c: (c.account_name, c.department), "NOTE": lambda c: c.notes,
    "UID": lambda c: c.uid, "BDAY": lambda c: c.birthday,
    "ANNIVERSARY": lambda c: c.anniversary, "PHOTO": lambda c: (c.photo, c.photo_mime),
    "CATEGORIES": lambda c: sorted(c.tags), "TEL": lambda c: _details(c.phones),
    "EMAIL": lambda c: _details(c.emails),
    "ADR": lambda c: [(a.po_box, a.extended, a.street, a.locality, a.region, a.postal_code,
                       a.country, a.label, a.preferred) for a in c.addresses],
    "URL": lambda c: [(w.url, w.label, w.preferred) for w in c.websites],
    "IMPP": _ims, vocab.ABLABEL.upper(): lambda c: (
        [p.label for p in c.phones], [e.label for e in c.emails],
        [a.label for a in c.addresses], [w.label for w in c.websites],
        [m.label for m in c.ims]),
    vocab.X_STATUS: lambda c: c.status, vocab.X_SOURCE: lambda c: c.source,
    vocab.X_OWNER: lambda c: c.owner, vocab.X_FIELD: lambda c: c.custom,
    "X-ANDROID-CUSTOM": lambda c: c.nickname,
    **dict.fromkeys(IM_PROPERTIES, _ims),
    **dict.fromkeys(("X-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY",
                     "X-KADDRESSBOOK-X-ANNIVERSARY"), lambda c: c.anniversary),
}


def _raw(c: Contact) -> Counter[tuple[str, str, str]]:
    return Counter(((p.group or "").lower(), p.name.upper(), p.value) for p in c.extra)


@pytest.mark.parametrize("row", params("vcard"))
def test_every_vcard_property_is_mapped_or_kept(row: Row):
    account = vcard_account(row.file)
    assert account.read == account.mapped + account.kept + len(account.dropped)
    assert account.dropped == [], f"{row.file}: {account}: {account.dropped}"


@pytest.mark.parametrize("version", ["3.0", "4.0"])
@pytest.mark.parametrize("row", params("vcard"))
def test_a_vcard_read_written_and_read_again_keeps_every_property(row: Row,
                                                                  version: VCardVersion):
    account = vcard_account(row.file)
    first = [r.contact for r in vcard_records(row.file) if isinstance(r, ParsedCard)]
    text = "".join(write_vcards(first, version))
    again = [p.contact for p in read_vcards(io.BytesIO(text.encode()), name="again.vcf")
             if isinstance(p, ParsedCard)]
    assert len(again) == len(first)
    for n, (a, b) in enumerate(zip(first, again, strict=True), 1):
        for name in account.mapped_names:
            if name in NORMALISED or name not in VCARD_FIELDS:
                continue  # REV; KIND/MEMBER (group cards, not written as contacts)
            value = VCARD_FIELDS[name]
            assert value(b) == value(a), f"card {n}: {name} mapped, and changed: {account}"
        lost = _raw(a) - _raw(b)
        lost = Counter({k: v for k, v in lost.items() if k[1] not in NORMALISED})
        assert not lost, f"card {n}: kept raw, not written back: {sorted(lost)}"


def test_a_card_the_format_cannot_hold_twice_is_kept_whole():
    """A second N (RFC 6350 alternatives with ALTID, or a spare in 3.0), a second BDAY, a
    name KDE writes that is no vCard name: the card cannot carry them as they are, so they
    travel as X-ROLODECK-KEPT and come back as they came."""
    card = ("BEGIN:VCARD\r\nVERSION:4.0\r\nUID:alt-1\r\nFN:One\r\n"
            "N;ALTID=1;LANGUAGE=en:representation;one;;;\r\n"
            "N;ALTID=1;LANGUAGE=fr:représentation;deux;;;\r\n"
            "BDAY:19700101\r\nBDAY;VALUE=text:circa 1970\r\n"
            "X-MESSAGING/TWITTER-ALL:kdecommunity\r\nEND:VCARD\r\n")
    [first] = [p.contact for p in read_vcards(io.BytesIO(card.encode()), name="alt.vcf")
               if isinstance(p, ParsedCard)]
    kept = sorted((p.name, p.value) for p in first.extra)
    assert kept == [("BDAY", "circa 1970"), ("N", "représentation;deux;;;"),
                    ("X-MESSAGING/TWITTER-ALL", "kdecommunity")]
    versions: tuple[VCardVersion, ...] = ("3.0", "4.0")
    for version in versions:
        text = "".join(write_vcards([first], version))
        assert text.count("\r\nN:") == 1 and text.count("\r\nBDAY") == 1  # still one each
        [again] = [p.contact for p in read_vcards(io.BytesIO(text.encode()), name="a.vcf")
                   if isinstance(p, ParsedCard)]
        assert sorted((p.name, p.value, p.params) for p in again.extra) == sorted(
            (p.name, p.value, p.params) for p in first.extra)
        assert (again.given, again.family, again.birthday) == (
            first.given, first.family, first.birthday)


# --- iCalendar --------------------------------------------------------------------------------

def _ical_mapped(item: ParsedActivity) -> Callable[[str], bool]:
    return lambda name: name in ICAL_MAPPED or name in ICAL_ALSO_MAPPED or (
        name == "VALARM" and item.activity.alarm_minutes is not None)


@cache
def ical_items(file: str) -> list[ParsedActivity]:
    with (CORPUS / file).open("rb") as f:
        return [i for i in read_ical(f, name=file) if isinstance(i, ParsedActivity)]


@cache
def ical_account(file: str) -> Account:
    source = ical_source((CORPUS / file).read_bytes())
    account = Account()
    for item in ical_items(file):
        if item.line not in source:  # a vCalendar or bare component our parse does not frame
            continue
        props, components = source[item.line]
        raw = Counter((p.name,) for p in item.activity.extra)
        account.add(f"line {item.line}", Counter((n,) for n in props + components), raw,
                    _ical_mapped(item))
    return account


def _without_extra(acts: list[Activity]) -> list[Activity]:
    from dataclasses import replace
    return comparable([replace(a, extra=[]) for a in acts])


@pytest.mark.parametrize("row", params("ical"))
def test_every_ical_property_is_mapped_or_kept_and_comes_back(row: Row):
    account = ical_account(row.file)
    assert account.read == account.mapped + account.kept + len(account.dropped)
    assert account.dropped == [], f"{row.file}: {account}: {account.dropped}"
    first = as_stored(ical_items(row.file))
    text = ical_text(first)
    again = as_stored([i for i in read_ical(io.BytesIO(text.encode()), name="again.ics")
                       if isinstance(i, ParsedActivity)])
    assert _without_extra(again) == _without_extra(first), "a mapped property changed"
    raw = Counter((p.name, p.group, p.value) for a in first for p in a.extra)
    back = Counter((p.name, p.group, p.value) for a in again for p in a.extra)
    assert not raw - back, f"kept raw, not written back: {sorted(raw - back)}"


def test_the_corpus_accounting_adds_up():
    """Over the whole corpus: every property read is mapped or kept, none dropped; and the
    counts are of a real corpus (not an empty parse that accounts for nothing)."""
    totals: Counter[str] = Counter()
    for fmt, account in (("vcard", vcard_account), ("ical", ical_account)):
        for p in params(fmt):
            row = p.values[0]
            if row is None:
                pytest.skip("no corpus")
            a = account(row.file)
            totals[f"{fmt} read"] += a.read
            totals[f"{fmt} mapped"] += a.mapped
            totals[f"{fmt} kept"] += a.kept
            totals[f"{fmt} dropped"] += len(a.dropped)
    for fmt in ("vcard", "ical"):
        assert totals[f"{fmt} read"] == totals[f"{fmt} mapped"] + totals[f"{fmt} kept"]
        assert totals[f"{fmt} dropped"] == 0
        assert totals[f"{fmt} mapped"] > 500 and totals[f"{fmt} kept"] > 200, totals
