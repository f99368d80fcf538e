"""The export layouts Rolodeck recognises from their header row, and what each column of
them holds: Google Contacts (today's layout and the 2012-2020 "Google CSV"), Outlook
(English header names, its 92 columns), Thunderbird (with a header, and the header-less
layout older versions wrote), LinkedIn Connections, Yahoo, KMail, Windows Address Book, and
Rolodeck's own layout.

A layout is recognised when every column name in the header is one it has (or, for a
header of five columns or more, nine in ten of them: exports gain columns over the years).
Columns a layout knows but Rolodeck does not model map to `extra`, so they are kept."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from importers.csv import rolodeck
from importers.csv.targets import KEEP, ColumnMapping
from importers.csv.values import norm


@dataclass(frozen=True)
class Preset:
    name: str  # stable id: "google", "outlook", ...
    label: str  # what the user is told: "Google Contacts"
    columns: Mapping[str, str]  # normalised header name -> target
    patterns: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = ()
    day_first: bool = True
    exact: bool = False  # values as Rolodeck wrote them (the formula guard is undone)
    headerless: tuple[str, ...] = field(default=())  # column names, for a header-less file

    def target(self, header_cell: str) -> str | None:
        key = norm(header_cell)
        found = self.columns.get(key)
        if found is not None:
            return found
        for pattern, make in self.patterns:
            if m := pattern.fullmatch(key):
                return make(m)
        return None

    def mapping(self, header: Sequence[str]) -> ColumnMapping:
        columns = {i: t for i, cell in enumerate(header)
                   if (t := self.target(cell)) is not None}
        return ColumnMapping(columns, has_header=True, day_first=self.day_first)

    def known(self, header: Sequence[str]) -> tuple[int, int]:
        """(cells this layout knows, non-empty cells)."""
        cells = [c for c in header if c.strip()]
        return sum(1 for c in cells if self.target(c) is not None), len(cells)


def _table(*groups: tuple[str, Sequence[str]]) -> dict[str, str]:
    """{header: target} from (target, headers) pairs."""
    return {norm(h): target for target, headers in groups for h in headers}


def _address(label: str, **parts: Sequence[str]) -> list[tuple[str, Sequence[str]]]:
    return [(f"address:{label}:{part}", names) for part, names in parts.items()]


# --- Google -----------------------------------------------------------------------------

_G_KINDS = {"e-mail": "email", "phone": "phone", "address": "address", "website": "website",
            "im": "im", "organization": "org", "event": "event"}
_G_PARTS = {"type": "label", "label": "label", "value": "value", "formatted": "formatted",
            "street": "street", "city": "locality", "po box": "po_box", "region": "region",
            "postal code": "postal_code", "country": "country",
            "extended address": "extended", "service": "service", "name": "name",
            "title": "title", "department": "department", "yomi name": "yomi",
            "symbol": "symbol", "location": "location", "job description": "description"}
_G_VALID = {"email": {"label", "value"}, "phone": {"label", "value"},
            "website": {"label", "value"}, "im": {"label", "service", "value"},
            "event": {"label", "value"},
            "address": {"label", "formatted", "street", "locality", "po_box", "region",
                        "postal_code", "country", "extended"},
            "org": {"label", "name", "title", "department", "yomi", "symbol", "location",
                    "description"}}
_G_NUMBERED = re.compile(
    r"(e-mail|phone|address|website|im|organization|event|relation|custom field|jot"
    r"|external id|calendar link|location|hobby|sip address) (\d{1,3}) - ([a-z ]+)")


def _google_numbered(m: re.Match[str]) -> str:
    kind = _G_KINDS.get(m[1])
    part = _G_PARTS.get(m[3])
    if kind is None or part is None or part not in _G_VALID[kind]:
        return KEEP
    return f"{kind}#{int(m[2])}:{part}"


_GOOGLE_KEPT = ("Phonetic First Name", "Phonetic Middle Name", "Phonetic Last Name",
                "File As", "Photo", "Yomi Name", "Given Name Yomi", "Additional Name Yomi",
                "Family Name Yomi", "Initials", "Short Name", "Maiden Name", "Gender",
                "Location", "Billing Information", "Directory Server", "Mileage",
                "Occupation", "Hobby", "Sensitivity", "Priority", "Subject", "Language")

GOOGLE = Preset("google", "Google Contacts", _table(
    ("given", ["First Name"]), ("middle", ["Middle Name"]), ("family", ["Last Name"]),
    ("prefix", ["Name Prefix"]), ("suffix", ["Name Suffix"]), ("nickname", ["Nickname"]),
    ("company", ["Organization Name"]), ("title", ["Organization Title"]),
    ("department", ["Organization Department"]), ("birthday", ["Birthday"]),
    ("notes", ["Notes"]), ("tags", ["Labels"]), (KEEP, _GOOGLE_KEPT)),
    patterns=((_G_NUMBERED, _google_numbered),))

GOOGLE_2012 = Preset("google-csv", "Google Contacts (Google CSV, 2012\u20132020)", _table(
    ("full_name", ["Name"]), ("given", ["Given Name"]), ("middle", ["Additional Name"]),
    ("family", ["Family Name"]), ("prefix", ["Name Prefix"]), ("suffix", ["Name Suffix"]),
    ("nickname", ["Nickname"]), ("birthday", ["Birthday"]), ("notes", ["Notes"]),
    ("tags", ["Group Membership"]), (KEEP, _GOOGLE_KEPT)),
    patterns=((_G_NUMBERED, _google_numbered),))

# --- Outlook ----------------------------------------------------------------------------

OUTLOOK_HEADER: tuple[str, ...] = (
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department",
    "Job Title", "Business Street", "Business Street 2", "Business Street 3",
    "Business City", "Business State", "Business Postal Code", "Business Country",
    "Home Street", "Home Street 2", "Home Street 3", "Home City", "Home State",
    "Home Postal Code", "Home Country", "Other Street", "Other Street 2", "Other Street 3",
    "Other City", "Other State", "Other Postal Code", "Other Country", "Assistant's Phone",
    "Business Fax", "Business Phone", "Business Phone 2", "Callback", "Car Phone",
    "Company Main Phone", "Home Fax", "Home Phone", "Home Phone 2", "ISDN", "Mobile Phone",
    "Other Fax", "Other Phone", "Pager", "Primary Phone", "Radio Phone", "TTY/TDD Phone",
    "Telex", "Account", "Anniversary", "Assistant's Name", "Billing Information", "Birthday",
    "Business Address PO Box", "Categories", "Children", "Directory Server",
    "E-mail Address", "E-mail Type", "E-mail Display Name", "E-mail 2 Address",
    "E-mail 2 Type", "E-mail 2 Display Name", "E-mail 3 Address", "E-mail 3 Type",
    "E-mail 3 Display Name", "Gender", "Government ID Number", "Hobby",
    "Home Address PO Box", "Initials", "Internet Free Busy", "Keywords", "Language",
    "Location", "Manager's Name", "Mileage", "Notes", "Office Location",
    "Organizational ID Number", "Other Address PO Box", "Priority", "Private", "Profession",
    "Referred By", "Sensitivity", "Spouse", "User 1", "User 2", "User 3", "User 4",
    "Web Page",
)


def _outlook_address(label: str, word: str) -> list[tuple[str, Sequence[str]]]:
    return _address(
        label, street=[f"{word} Street", f"{word} Street 2", f"{word} Street 3"],
        locality=[f"{word} City"], region=[f"{word} State"],
        postal_code=[f"{word} Postal Code"],
        country=[f"{word} Country", f"{word} Country/Region"],
        po_box=[f"{word} Address PO Box"])


OUTLOOK = Preset("outlook", "Outlook", {**_table(*(
    (KEEP, OUTLOOK_HEADER),  # first: the rows below replace what Rolodeck models
    ("prefix", ["Title"]), ("given", ["First Name"]), ("middle", ["Middle Name"]),
    ("family", ["Last Name"]), ("suffix", ["Suffix"]), ("company", ["Company"]),
    ("department", ["Department"]), ("title", ["Job Title"]),
    *_outlook_address("work", "Business"), *_outlook_address("home", "Home"),
    *_outlook_address("other", "Other"),
    ("phone:assistant", ["Assistant's Phone"]), ("phone:fax", ["Business Fax"]),
    ("phone:work", ["Business Phone", "Business Phone 2"]), ("phone:callback", ["Callback"]),
    ("phone:car", ["Car Phone"]), ("phone:main", ["Company Main Phone", "Primary Phone"]),
    ("phone:home fax", ["Home Fax"]), ("phone:home", ["Home Phone", "Home Phone 2"]),
    ("phone:isdn", ["ISDN"]), ("phone:mobile", ["Mobile Phone"]),
    ("phone:other fax", ["Other Fax"]), ("phone:other", ["Other Phone"]),
    ("phone:pager", ["Pager"]), ("phone:radio", ["Radio Phone"]),
    ("phone:tty", ["TTY/TDD Phone"]), ("phone:telex", ["Telex"]),
    ("anniversary", ["Anniversary"]), ("birthday", ["Birthday"]), ("tags", ["Categories"]),
    ("email:other", ["E-mail Address", "E-mail 2 Address", "E-mail 3 Address"]),
    ("notes", ["Notes"]), ("website:work", ["Web Page"])))},
    day_first=False)

# --- Thunderbird ------------------------------------------------------------------------

THUNDERBIRD_HEADERLESS: tuple[str, ...] = (
    "First Name", "Last Name", "Display Name", "Nickname", "Primary Email",
    "Secondary Email", "Work Phone", "Home Phone", "Fax Number", "Pager Number",
    "Mobile Number", "Home Address", "Home Address 2", "Home City", "Home State",
    "Home ZipCode", "Home Country", "Work Address", "Work Address 2", "Work City",
    "Work State", "Work ZipCode", "Work Country", "Job Title", "Department", "Organization",
    "Web Page 1", "Web Page 2", "Birth Year", "Birth Month", "Birth Day", "Custom 1",
    "Custom 2", "Custom 3", "Custom 4", "Notes",
)


def _tb_address(label: str, word: str) -> list[tuple[str, Sequence[str]]]:
    return _address(label, street=[f"{word} Address", f"{word} Address 2"],
                    locality=[f"{word} City"], region=[f"{word} State"],
                    postal_code=[f"{word} ZipCode", f"{word} Zip Code"],
                    country=[f"{word} Country"])


THUNDERBIRD = Preset("thunderbird", "Thunderbird", _table(
    ("given", ["First Name"]), ("family", ["Last Name"]), ("full_name", ["Display Name"]),
    ("nickname", ["Nickname"]), ("email:other", ["Primary Email", "Secondary Email"]),
    ("im:AIM", ["Screen Name"]), ("phone:work", ["Work Phone"]),
    ("phone:home", ["Home Phone"]), ("phone:fax", ["Fax Number"]),
    ("phone:pager", ["Pager Number"]), ("phone:mobile", ["Mobile Number"]),
    *_tb_address("home", "Home"), *_tb_address("work", "Work"), ("title", ["Job Title"]),
    ("department", ["Department"]), ("company", ["Organization"]),
    ("website:work", ["Web Page 1", "Work Web Page"]),
    ("website:home", ["Web Page 2", "Home Web Page"]), ("birth_year", ["Birth Year"]),
    ("birth_month", ["Birth Month"]), ("birth_day", ["Birth Day"]),
    (KEEP, ["Custom 1", "Custom 2", "Custom 3", "Custom 4"]), ("notes", ["Notes"])),
    headerless=THUNDERBIRD_HEADERLESS)

# --- the rest ---------------------------------------------------------------------------

LINKEDIN = Preset("linkedin", "LinkedIn Connections", _table(
    ("given", ["First Name"]), ("family", ["Last Name"]), ("website:profile", ["URL"]),
    ("email:other", ["Email Address"]), ("company", ["Company"]), ("title", ["Position"]),
    (KEEP, ["Connected On"])))

YAHOO = Preset("yahoo", "Yahoo Mail", _table(
    ("given", ["First"]), ("middle", ["Middle"]), ("family", ["Last"]),
    ("nickname", ["Nickname"]),
    ("email:other", ["Email", "Alternate Email 1", "Alternate Email 2", "Alternate Email 3"]),
    ("tags", ["Category"]), (KEEP, ["Distribution Lists", "Custom 1", "Custom 2", "Custom 3",
                                    "Custom 4"]),
    ("im:Yahoo", ["Yahoo! ID"]), ("phone:home", ["Home"]), ("phone:work", ["Work"]),
    ("phone:pager", ["Pager"]), ("phone:fax", ["Fax"]), ("phone:mobile", ["Mobile"]),
    ("phone:other", ["Other"]), ("phone:Yahoo", ["Yahoo! Phone"]), ("phone:main", ["Primary"]),
    ("website:home", ["Personal Website"]), ("website:work", ["Business Website"]),
    ("title", ["Title"]), ("company", ["Company"]),
    *_address("work", street=["Work Address"], locality=["Work City"],
              region=["Work State", "Work County"], postal_code=["Work ZIP", "Work Post Code"],
              country=["Work Country"]),
    *_address("home", street=["Home Address"], locality=["Home City", "Home Town"],
              region=["Home State", "Home County"], postal_code=["Home ZIP", "Home Post Code"],
              country=["Home Country"]),
    ("birthday", ["Birthday"]), ("anniversary", ["Anniversary"]), ("notes", ["Comments"])),
    day_first=False)

KMAIL = Preset("kmail", "KMail / KAddressBook", _table(
    ("full_name", ["Formatted Name"]), ("family", ["Family Name"]),
    ("given", ["Given Name"]), ("middle", ["Additional Names"]),
    ("prefix", ["Honorific Prefixes"]), ("suffix", ["Honorific Suffixes"]),
    ("nickname", ["Nick Name"]), ("birthday", ["Birthday"]),
    *(entry for label, word in (("home", "Home"), ("work", "Business"))
      for entry in _address(label, street=[f"{word} Address Street"],
                            locality=[f"{word} Address Locality"],
                            region=[f"{word} Address Region"],
                            postal_code=[f"{word} Address Postal Code"],
                            country=[f"{word} Address Country"])),
    ("phone:home", ["Home Phone"]), ("phone:work", ["Business Phone"]),
    ("phone:mobile", ["Mobile Phone"]), ("phone:home fax", ["Home Fax"]),
    ("phone:fax", ["Business Fax"]), ("phone:car", ["Car Phone"]), ("phone:isdn", ["ISDN"]),
    ("phone:pager", ["Pager"]), ("email:other", ["Email Address"]), ("title", ["Title"]),
    ("company", ["Organization"]), ("notes", ["Note"]), ("website:other", ["URL"]),
    ("department", ["Department"]), ("anniversary", ["Anniversary"]),
    (KEEP, ["Home Address Label", "Business Address Label", "Mail Client", "Role",
            "Profession", "Assistant's Name", "Manager's Name", "Spouse's Name", "Office",
            "IM Address"])))

WAB = Preset("wab", "Windows Address Book", _table(
    ("prefix", ["Title"]), ("given", ["First Name"]), ("family", ["Last Name"]),
    ("middle", ["Middle Name"]), ("full_name", ["Name"]), ("nickname", ["Nickname"]),
    ("email:other", ["E-mail Address"]),
    *(entry for label, word in (("home", "Home"), ("work", "Business"))
      for entry in _address(label, street=[f"{word} Street"], locality=[f"{word} City"],
                            postal_code=[f"{word} Postal Code"], region=[f"{word} State"],
                            country=[f"{word} Country/Region", f"{word} Country"])),
    ("phone:home", ["Home Phone"]), ("phone:home fax", ["Home Fax"]),
    ("phone:mobile", ["Mobile Phone"]), ("website:home", ["Personal Web Page"]),
    ("website:work", ["Business Web Page"]), ("phone:work", ["Business Phone"]),
    ("phone:fax", ["Business Fax"]), ("phone:pager", ["Pager"]), ("company", ["Company"]),
    ("title", ["Job Title"]), ("department", ["Department"]),
    (KEEP, ["Office Location"]), ("notes", ["Notes"])))

ROLODECK = Preset("rolodeck", "Rolodeck", {norm(h): t for h, t in zip(
    rolodeck.HEADER, rolodeck.TARGETS, strict=True)}, exact=True)

# In the order a tie is broken: the more specific layout first.
PRESETS: tuple[Preset, ...] = (ROLODECK, GOOGLE, GOOGLE_2012, OUTLOOK, THUNDERBIRD, LINKEDIN,
                               YAHOO, KMAIL, WAB)

# Values some exports write in every row to mean "nothing" (Outlook above all); a cell
# under such a header holding one of them is read as empty, not kept as data.
EMPTY_VALUES: dict[str, frozenset[str]] = {
    "gender": frozenset({"unspecified"}), "priority": frozenset({"normal"}),
    "sensitivity": frozenset({"normal"}), "private": frozenset({"false"}),
    **dict.fromkeys(("e-mail type", "e-mail 2 type", "e-mail 3 type"), frozenset({"smtp"})),
    **dict.fromkeys(("birthday", "anniversary"),
                    frozenset({"0/0/00", "00/00/00", "0/0/0000", "00/00/0000"})),
}


def empties(header: Sequence[str]) -> dict[int, frozenset[str]]:
    return {i: EMPTY_VALUES[key] for i, cell in enumerate(header)
            if (key := norm(cell)) in EMPTY_VALUES}


def recognise(header: Sequence[str]) -> Preset | None:
    """The layout a header row is, or None."""
    if [norm(c) for c in header] == [norm(h) for h in rolodeck.HEADER]:
        return ROLODECK
    best: tuple[int, int, Preset] | None = None
    for rank, preset in enumerate(PRESETS[1:]):
        known, cells = preset.known(header)
        if not cells or not (known == cells or (known >= 5 and known * 10 >= cells * 9)):
            continue
        if best is None or (known, -rank) > best[:2]:
            best = (known, -rank, preset)
    return best[2] if best else None


def recognise_headerless(cells: Sequence[str], delimiter: str) -> Preset | None:
    """Thunderbird before version 3 wrote no header: 36 columns (37 with the trailing
    comma it ends rows with), the primary e-mail address in the fifth."""
    if delimiter != "," or len(cells) not in (36, 37) or (len(cells) == 37 and cells[36]):
        return None
    email = cells[4].strip()
    if (email and "@" not in email) or recognise(cells) is not None:
        return None
    if not (email or any(c.strip() for c in cells[:3])):
        return None
    return THUNDERBIRD


def headerless_mapping(preset: Preset) -> ColumnMapping:
    columns = {i: t for i, name in enumerate(preset.headerless)
               if (t := preset.target(name)) is not None}
    return ColumnMapping(columns, has_header=False, day_first=preset.day_first)
