"""The word lists under resources/sample, read once and shaped for fast drawing."""

from __future__ import annotations

import functools
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from zoneinfo import ZoneInfo

from app.sample.draw import Pattern, Weighted

# Letters that Unicode decomposition leaves alone but an e-mail address cannot carry.
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE",
                       "ß": "ss", "đ": "d", "Đ": "D", "œ": "oe", "Œ": "OE", "ı": "i"})


def mail_part(text: str) -> str:
    """'Łukasz' -> 'lukasz', "O'Neill" -> 'oneill', 'de Jong' -> 'dejong'."""
    flat = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in flat.lower() if ch.isascii() and (ch.isalnum() or ch == "-"))


@dataclass(frozen=True)
class Name:
    text: str
    ascii: str  # for e-mail addresses


@dataclass(frozen=True)
class FamilyName:
    masculine: Name
    feminine: Name


@dataclass(frozen=True)
class Country:
    key: str
    name: str
    legal_forms: tuple[str, ...]
    currency: str


@dataclass(frozen=True)
class City:
    country: Country
    name: str
    region: str
    postcode: Pattern
    tz: str
    zone: ZoneInfo
    work_phone: Pattern
    mobile_phone: Pattern


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    name: str
    price: Decimal
    tax_rate: Decimal
    unit: str
    description: str
    spoken: str  # how a sentence names it: "the firewall", not "Firewall appliance"


@dataclass(frozen=True)
class Text:
    """A template with {placeholders}, or plain text that needs no formatting."""

    text: str
    templated: bool

    def fill(self, **values: str) -> str:
        return self.text.format(**values) if self.templated else self.text


@dataclass(frozen=True)
class Words:
    countries: Weighted  # of Country
    cities: dict[str, tuple[City, ...]]  # by country key
    streets: dict[str, tuple[str, ...]]  # by country key, with {n} and {b}
    given: dict[tuple[str, str], tuple[Name, ...]]  # by (culture, 'f' or 'm')
    family: dict[str, tuple[FamilyName, ...]]  # by culture
    cultures: tuple[str, ...]
    industries: tuple[tuple[str, tuple[str, ...]], ...]  # (industry, trade words)
    company_words: tuple[str, ...]
    titles: tuple[tuple[str, str], ...]  # (department, title)
    history_subjects: dict[str, tuple[Text, ...]]  # by history kind
    history_details: dict[str, tuple[Text, ...]]  # by history kind, shared lines included
    activity_subjects: dict[tuple[str, bool], tuple[Text, ...]]  # by (kind, repeating)
    products: tuple[ProductSpec, ...]
    labels: dict[str, tuple[tuple[str, ...], ...]]  # section -> rows of further fields

    def label(self, section: str) -> tuple[str, ...]:
        """The first field of every row in a labels.txt section."""
        return tuple(row[0] for row in self.labels[section])


def _rows(name: str) -> list[list[str]]:
    text = (resources.files("resources") / "sample" / name).read_text(encoding="utf-8")
    return [[f.strip() for f in line.split("|")] for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def _name(text: str, ascii_: str = "") -> Name:
    return Name(text, ascii_ or mail_part(text))


def _text(text: str) -> Text:
    return Text(text, "{" in text)


def _grouped(rows, key, value) -> dict:
    out: dict = defaultdict(list)
    for row in rows:
        out[key(row)].append(value(row))
    return {k: tuple(v) for k, v in out.items()}


@functools.cache
def load() -> Words:
    countries = {r[0]: (Country(r[0], r[1], tuple(f.strip() for f in r[2].split(",")), r[3]),
                        int(r[4])) for r in _rows("countries.txt")}
    cities = _grouped(_rows("cities.txt"), lambda r: r[0], lambda r: City(
        countries[r[0]][0], r[1], r[2], Pattern(r[3]), r[4], ZoneInfo(r[4]), Pattern(r[5]),
        Pattern(r[6])))
    given = _grouped(_rows("first_names.txt"), lambda r: (r[0], r[1]), lambda r: _name(*r[2:4]))
    family = _grouped(_rows("family_names.txt"), lambda r: r[0], _family)
    streets = _grouped(_rows("streets.txt"), lambda r: r[0], lambda r: r[1])
    history_subjects = _grouped(_rows("history_subjects.txt"), lambda r: r[0],
                                lambda r: _text(r[1]))
    details = _grouped(_rows("history_details.txt"), lambda r: r[0], lambda r: _text(r[1]))
    shared = details.get("*", ())
    activity = _grouped(_rows("activity_subjects.txt"),
                        lambda r: (r[0], len(r) > 2 and r[2] == "r"), lambda r: _text(r[1]))
    return Words(
        # A country needs somewhere to be and streets to be on; a culture needs both given
        # names and family names. The lists are ours, but a half-added entry should not crash.
        countries=Weighted([(c, w) for c, w in countries.values()
                            if c.key in cities and c.key in streets]),
        cities=cities,
        streets=streets,
        given=given,
        family=family,
        cultures=tuple(sorted(c for c in family if (c, "f") in given and (c, "m") in given)),
        industries=tuple((r[0], tuple(w.strip() for w in r[1].split(",")))
                         for r in _rows("industries.txt")),
        company_words=tuple(r[0] for r in _rows("company_words.txt")),
        titles=tuple((r[0], r[1]) for r in _rows("job_titles.txt")),
        history_subjects=history_subjects,
        history_details={kind: details.get(kind, ()) + shared for kind in history_subjects},
        activity_subjects=activity,
        products=tuple(ProductSpec(r[0], r[1], Decimal(r[2]), Decimal(r[3]), r[4], r[5], r[6])
                       for r in _rows("products.txt")),
        labels=_grouped(_rows("labels.txt"), lambda r: r[0], lambda r: tuple(r[1:])),
    )


def _family(row: list[str]) -> FamilyName:
    forms = row[1].split("/")
    ascii_ = row[2] if len(row) > 2 else ""
    return FamilyName(_name(forms[0], ascii_), _name(forms[-1], ascii_))
