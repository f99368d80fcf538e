"""The CSV reader on files the corpus lacks: every encoding it detects, delimiters and line
ends, Google's current layout, column mappings and their suggestions, dates, and hostile
input (huge cells, a million columns, binary data, cut-off files) giving problems by line
instead of tracebacks or memory blow-ups."""

from __future__ import annotations

import codecs
import io
import json
import random
import tracemalloc
from pathlib import Path

import pytest

from app.domain.contact import Contact
from app.domain.dates import PartialDate
from app.domain.errors import ValidationError
from importers.csv import (
    ColumnMapping,
    CsvImport,
    ParsedContact,
    Problem,
    describe_target,
    read_csv,
    signature,
    suggest_mapping,
)
from importers.csv.values import parse_date

DATA = Path(__file__).resolve().parents[1] / "data" / "csv"
TB = "First Name,Last Name,Primary Email,Notes\r\n"  # a Thunderbird header


def read(data: bytes | str, mapping: ColumnMapping | None = None,
         name: str = "book.csv") -> tuple[CsvImport, list[ParsedContact], list[Problem]]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    imp = read_csv(io.BytesIO(raw), name=name, mapping=mapping)
    items = list(imp)
    return (imp, [i for i in items if isinstance(i, ParsedContact)],
            [i for i in items if isinstance(i, Problem)])


def contacts(data: bytes | str, mapping: ColumnMapping | None = None) -> list[Contact]:
    _imp, parsed, problems = read(data, mapping)
    assert problems == []
    return [p.contact for p in parsed]


def raw(c: Contact, name: str) -> str | None:
    return next((p.value for p in c.extra if p.name == name), None)


# --- encodings --------------------------------------------------------------------------

TEXT = "First Name,Last Name,Primary Email\r\nJosé,Müller,jose@example.org\r\n"


@pytest.mark.parametrize(("encoding", "data"), [
    ("utf-8", TEXT.encode("utf-8")),
    ("utf-8-sig", codecs.BOM_UTF8 + TEXT.encode("utf-8")),
    ("utf-16le-bom", codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")),
    ("utf-16be-bom", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")),
    ("utf-16le", TEXT.encode("utf-16-le")),
    ("utf-16be", TEXT.encode("utf-16-be")),
    ("cp1252", TEXT.encode("cp1252")),
])
def test_the_encoding_is_found_from_the_bytes(encoding: str, data: bytes) -> None:
    imp, parsed, problems = read(data)
    assert (imp.encoding, problems) == (encoding, [])
    assert imp.header == ["First Name", "Last Name", "Primary Email"]
    assert [(p.contact.given, p.contact.family) for p in parsed] == [("José", "Müller")]
    if encoding == "cp1252":
        assert imp.warnings and "Windows-1252" in imp.warnings[0]
    else:
        assert imp.warnings == []


def test_a_windows_file_is_recognised_after_64_kb_of_plain_ascii() -> None:
    rows = "".join(f"Person{n},Example,p{n}@example.org,\r\n" for n in range(3000))
    data = (TB + rows).encode("ascii") + "Zoë,Müller,z@example.org,Straße\r\n".encode("cp1252")
    assert len(data) > 70_000
    imp, parsed, problems = read(data)
    assert problems == [] and imp.encoding == "cp1252"
    last = parsed[-1].contact
    assert (last.given, last.family, last.notes) == ("Zoë", "Müller", "Straße")
    assert len(parsed) == 3001 and "Windows-1252" in imp.warnings[0]


def test_an_undecodable_byte_is_a_problem_naming_its_line() -> None:
    data = (TB + "Zoë,Ames,z@example.org,\r\n").encode() + b"Bad,Byte,b@example.org,\xff\r\n" \
        + b"Al,Berg,a@example.org,\r\n"
    imp, parsed, problems = read(data)
    assert imp.encoding == "utf-8"
    assert [p.line for p in parsed] == [2, 4]
    assert [(p.line, "0xFF" in p.reason, "UTF-8" in p.reason) for p in problems] == [
        (3, True, True)]
    assert str(problems[0]).startswith("book.csv line 3: ")


def test_a_byte_windows_1252_leaves_undefined_is_a_problem_too() -> None:
    data = TB.encode() + "Jürgen,Ernst,j@example.org,\r\n".encode("cp1252") + \
        b"Odd,One,o@example.org,\x81\r\n"
    imp, parsed, problems = read(data)
    assert imp.encoding == "cp1252" and parsed[0].contact.given == "Jürgen"
    assert [(p.line, "0x81" in p.reason) for p in problems] == [(3, True)]


# --- delimiters, line ends, quoting ------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_sniffed(delimiter: str) -> None:
    text = TB.replace(",", delimiter) + delimiter.join(
        ["Ada", "Lovelace", "ada@example.org", '"one, two; three\tfour"']) + "\r\n"
    imp, parsed, _ = read(text)
    assert imp.delimiter == delimiter
    assert parsed[0].contact.notes == "one, two; three\tfour"


def test_commas_inside_quotes_do_not_outvote_the_real_delimiter() -> None:
    text = 'Name;Email;Notes\n"Doe, Jane";jane@example.org;"a, b, c, d"\n'
    imp, _, _ = read(text)
    assert imp.delimiter == ";"


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_lf_crlf_and_cr_line_ends(end: str) -> None:
    text = end.join([TB.strip(), "A,One,a@x.org,", 'B,Two,b@x.org,"x' + end + 'y"',
                     "C,Three,c@x.org,"]) + end
    imp, parsed, problems = read(text)
    assert problems == []
    assert [(p.line, p.contact.given) for p in parsed] == [(2, "A"), (3, "B"), (5, "C")]
    assert parsed[1].contact.notes == f"x{end}y"


def test_a_crlf_split_between_two_reads_is_one_line_end() -> None:
    head = TB + "A,One,a@x.org,"
    pad = 65535 - len(head.encode())  # puts the row's CR on the last byte of the first read
    text = head + "n" * (pad - 1) + "\r\n" + "B,Two,b@x.org,\r\nC,Three,c@x.org,\r\n"
    assert text.encode().index(b"\r\nB") == 65534
    _imp, parsed, problems = read(text)
    assert problems == []
    assert [(p.line, p.contact.given) for p in parsed] == [(2, "A"), (3, "B"), (4, "C")]


def test_rows_after_a_multi_line_cell_say_their_own_line() -> None:
    text = TB + 'A,One,a@x.org,"line 1\nline 2\nline 3"\nB,Two,b@x.org,\n'
    _imp, parsed, _ = read(text)
    assert [p.line for p in parsed] == [2, 5]


def test_ragged_rows_short_ones_padded_long_ones_kept_and_flagged() -> None:
    text = TB + "A,One\nB,Two,b@x.org,note,surplus,\nC,Three,c@x.org,,,,\n"
    _imp, parsed, problems = read(text)
    assert problems == []
    a, b, c = parsed
    assert (a.contact.family, a.contact.emails, a.warnings) == ("One", [], ())
    assert raw(b.contact, "X-CSV-COLUMN-5") == "surplus"
    assert b.warnings == ("this row has 6 cells where the header has 4; the extra cell is "
                          "kept as X-CSV-COLUMN-5",)
    assert c.warnings == ()  # trailing empty cells say nothing


def test_rows_of_empty_cells_are_spacing_not_records() -> None:
    _imp, parsed, problems = read(TB + ",,,\nA,One,a@x.org,\n,,,\n")
    assert (len(parsed), problems) == (1, [])


def test_a_row_that_cannot_be_a_contact_says_what_it_holds() -> None:
    _imp, parsed, problems = read(TB + ",,,just a note\n")
    assert parsed == []
    assert problems[0].line == 2
    assert "needs a name or an e-mail" in problems[0].reason
    assert "'just a note'" in problems[0].reason


def test_a_quote_in_a_non_rolodeck_file_is_the_users_own() -> None:
    c = contacts(TB + "A,One,a@x.org,'=1+1\n")[0]
    assert c.notes == "'=1+1"


# --- hostile input ----------------------------------------------------------------------


def test_a_one_megabyte_line_is_a_problem_and_the_next_row_still_reads() -> None:
    text = TB + "A,One,a@x.org," + "x" * (1 << 20) + "\nB,Two,b@x.org,\n"
    _imp, parsed, problems = read(text)
    assert [(p.line, "longer than 1,024 KB" in p.reason) for p in problems] == [(2, True)]
    assert [(p.line, p.contact.given) for p in parsed] == [(3, "B")]


def test_a_one_megabyte_quoted_cell_over_many_lines_is_skipped_to_where_it_closes() -> None:
    cell = '"' + "words on a line\n" * 70_000 + '"'
    text = TB + f"A,One,a@x.org,{cell}\nB,Two,b@x.org,\n"
    _imp, parsed, problems = read(text)
    assert [p.line for p in problems] == [2]
    assert "more than 131,072 characters" in problems[0].reason
    assert [(p.line, p.contact.given) for p in parsed] == [(70_003, "B")]


def test_a_quote_never_closed_ends_in_one_problem() -> None:
    text = TB + 'A,One,a@x.org,fine\nB,Two,b@x.org,"cut off here\nand the file ends'
    _imp, parsed, problems = read(text)
    assert [p.contact.given for p in parsed] == ["A"]
    assert [(p.line, "looks cut short" in p.reason) for p in problems] == [(3, True)]


def test_a_million_columns_is_a_problem_not_a_million_cells() -> None:
    text = TB + "," * 1_000_000 + "\n" + "x," * 5000 + "\n" + "," * 2_000_000 + \
        "\nB,Two,b@x.org,\n"
    _imp, parsed, problems = read(text)
    assert [p.line for p in problems] == [2, 3, 4]
    assert "longer than 1,024 KB" in problems[2].reason
    assert "1,000,001 cells" in problems[0].reason and "5,001 cells" in problems[1].reason
    assert [p.contact.given for p in parsed] == ["B"]


def test_a_header_of_a_million_columns_is_refused() -> None:
    imp, parsed, problems = read(",".join(["First Name"] * 3000) + "\nA\n")
    assert parsed == [] and problems == [imp.error] and not imp.needs_mapping
    assert "has 3,000 columns" in problems[0].reason


@pytest.mark.parametrize("data", [
    random.Random(7).randbytes(200_000),
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40,
    b"PK\x03\x04\x14\x00\x06\x00" + bytes(2000),  # what an .xlsx starts with
], ids=["random", "png", "xlsx"])
def test_binary_data_is_not_a_text_file(data: bytes) -> None:
    imp, parsed, problems = read(data, name="photo.csv")
    assert parsed == [] and problems == [imp.error]
    assert problems[0].line is None
    assert str(problems[0]).startswith("photo.csv: photo.csv is not a text file")
    assert "save it as CSV" in problems[0].reason


def test_a_nul_byte_spoils_only_its_row() -> None:
    _imp, parsed, problems = read(TB + "A,One,a@x.org,\nB,T\x00wo,b@x.org,\nC,Three,c@x.org,\n")
    assert [p.contact.given for p in parsed] == ["A", "C"]
    assert [(p.line, "binary data" in p.reason) for p in problems] == [(3, True)]


def test_an_empty_file_and_a_header_only_file() -> None:
    imp, parsed, problems = read(b"", name="empty.csv")
    assert parsed == [] and [p.reason for p in problems] == ["empty.csv is empty."]
    imp, parsed, problems = read(TB)
    assert (parsed, problems, imp.error, imp.preset and imp.preset.name) == (
        [], [], None, "thunderbird")


def test_eight_megabytes_without_a_line_end_stay_in_bounded_memory() -> None:
    class Endless(io.RawIOBase):
        """8 MB of one line, made as it is read (so only the reader's memory counts)."""

        def __init__(self) -> None:
            self.left = 8 << 20

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            n = min(len(buffer), self.left)
            buffer[:n] = b"a" * n
            self.left -= n
            return n

    tracemalloc.start()
    try:
        imp = read_csv(io.BufferedReader(Endless()), name="long.csv")
        items = list(imp)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [i.line for i in items] == [1, None]  # the line, then: nothing could be read
    first = items[0]
    assert items[-1] == imp.error and isinstance(first, Problem)
    assert "longer than 1,024 KB" in first.reason
    assert peak < 4 << 20


def test_the_file_is_read_as_it_is_iterated() -> None:
    class Counting(io.BytesIO):
        read_so_far = 0

        def read(self, size: int | None = -1) -> bytes:
            data = super().read(size)
            self.read_so_far += len(data)
            return data

    body = "".join(f"P{n},Q,p{n}@x.org,\n" for n in range(100_000))
    stream = Counting((TB + body).encode())
    imp = read_csv(stream, name="big.csv")
    first = next(iter(imp))
    assert isinstance(first, ParsedContact) and first.contact.given == "P0"
    assert stream.read_so_far <= 2 * 65536 < len(stream.getvalue()) // 10


# --- layouts ----------------------------------------------------------------------------


def test_google_contacts_current_layout() -> None:
    with (DATA / "google_contacts.csv").open("rb") as f:
        imp = read_csv(f, name="contacts.csv")
        items = list(imp)
    assert imp.preset is not None and imp.preset.name == "google"
    grace, ada, nameless, alan = items
    assert isinstance(grace, ParsedContact) and isinstance(ada, ParsedContact)
    g = grace.contact
    assert (g.given, g.middle, g.family, g.nickname) == ("Grace", "Brewster", "Hopper",
                                                         "Amazing Grace")
    assert (g.account_name, g.title) == ("US Navy", "Rear Admiral")
    assert g.notes == 'COBOL\n"first" compiler'
    assert g.tags == ["Navy", "starred"]
    assert (g.birthday, g.anniversary) == (PartialDate(12, 9, 1906), PartialDate(6, 15, 1930))
    assert [(e.label, e.value, e.preferred) for e in g.emails] == [
        ("work", "grace@navy.example", True), ("home", "grace@home.example", False)]
    assert [(p.label, p.value) for p in g.phones] == [
        ("mobile", "+1 202-555-0199"), ("mobile", "+1 202-555-0198"),
        ("fax", "+1 202 555 0100")]
    (work,) = g.addresses
    assert (work.label, work.street, work.extended, work.locality, work.postal_code) == (
        "work", "1 Navy Way", "Suite 4", "Arlington", "22202")
    assert [(w.label, w.url) for w in g.websites] == [("profile", "https://example.org/grace")]
    assert raw(g, "X-CSV-PHOTO") == "https://lh3.googleusercontent.com/a/photo.jpg"
    assert raw(g, "X-CSV-RELATION-1-VALUE") == "Vincent"
    assert raw(g, "X-CSV-CUSTOM-FIELD-1-LABEL") == "Shoe size"
    a = ada.contact
    assert a.birthday == PartialDate(12, 10)  # Google's year-less --12-10
    assert [(e.label, e.preferred) for e in a.emails] == [("other", True)]
    assert [(x.label, x.street) for x in a.addresses] == [
        ("home", "12 St James's Square\nLondon")]  # kept only as "Formatted"
    assert (a.anniversary, raw(a, "X-CSV-EVENT-1-LABEL")) == (None, "Wedding")
    assert isinstance(nameless, Problem) and nameless.line == 9
    assert "+44 7700 900123" in nameless.reason
    assert isinstance(alan, ParsedContact) and alan.contact.notes == '=HYPERLINK("http://x")'


def test_thunderbird_without_a_header_is_known_by_its_shape() -> None:
    cells = ["Ada", "Lovelace", "Ada Lovelace", "", "ada@example.org"] + [""] * 30 + ["hi", ""]
    imp, parsed, problems = read(",".join(cells) + "\n")
    assert (imp.preset and imp.preset.name, imp.header, problems) == ("thunderbird", None, [])
    assert (parsed[0].line, parsed[0].contact.notes) == (1, "hi")
    not_tb = ["Ada", "Lovelace", "Ada Lovelace", "", "no address"] + [""] * 32
    assert read(",".join(not_tb) + "\n")[0].needs_mapping


def test_outlook_dates_are_month_first_and_its_empty_values_are_empty() -> None:
    header = "First Name,Last Name,Birthday,Anniversary,Priority,Gender,Sensitivity\n"
    c = contacts(header + "Ann,Lee,3/4/1990,0/0/00,Normal,Unspecified,Normal\n")[0]
    assert (c.birthday, c.anniversary, c.extra) == (PartialDate(3, 4, 1990), None, [])


def test_a_date_that_does_not_exist_is_kept_and_said() -> None:
    _imp, parsed, _ = read(TB.replace("Notes", "Birthday") + "A,One,a@x.org,0000-00-00\n"
                           "B,Two,b@x.org,1990-02-30\n".replace("Primary", "Primary"),
                           ColumnMapping({0: "given", 1: "family", 2: "email:work",
                                          3: "birthday"}))
    for p, value in zip(parsed, ("0000-00-00", "1990-02-30"), strict=True):
        assert p.contact.birthday is None and raw(p.contact, "X-CSV-BIRTHDAY") == value
        assert p.warnings == (f"the birthday {value!r} is not a date; it is kept as "
                              "X-CSV-BIRTHDAY",)


@pytest.mark.parametrize(("text", "day_first", "expected"), [
    ("1970-11-15", True, PartialDate(11, 15, 1970)),
    ("19701115", True, PartialDate(11, 15, 1970)),
    ("--11-15", True, PartialDate(11, 15)),
    ("1970-11-15T00:00:00Z", True, PartialDate(11, 15, 1970)),
    ("15.11.1970", False, PartialDate(11, 15, 1970)),
    ("03/04/1990", True, PartialDate(4, 3, 1990)),
    ("03/04/1990", False, PartialDate(3, 4, 1990)),
    ("20/01/1991", False, PartialDate(1, 20, 1991)),
    ("1/20/91", True, PartialDate(1, 20, 1991)),
    ("12/24", False, PartialDate(12, 24)),
    ("15 Nov 1970", True, PartialDate(11, 15, 1970)),
    ("November 15, 1970", True, PartialDate(11, 15, 1970)),
    ("15. März 1970", True, PartialDate(3, 15, 1970)),
    ("15 de noviembre de 1970", True, PartialDate(11, 15, 1970)),
    ("29 Feb", True, PartialDate(2, 29)),
    ("Feb 30, 1990", True, None),
    ("0000-00-00", True, None),
    ("soon", True, None),
    ("", True, None),
])
def test_dates_as_exports_write_them(text: str, day_first: bool,
                                     expected: PartialDate | None) -> None:
    assert parse_date(text, day_first=day_first) == expected


def test_names_from_one_full_name_cell() -> None:
    mapping = ColumnMapping({0: "full_name", 1: "email:home", 2: "company"})
    got = contacts("Name,Email,Org\nLovelace, Ada,,\nAda King Lovelace,,\n"
                   "zoe@x.org,zoe@x.org,\nAcme Ltd,,Acme Ltd\n".replace(
                       "Lovelace, Ada", '"Lovelace, Ada"'), mapping)
    assert [(c.given, c.family) for c in got] == [("Ada", "Lovelace"), ("Ada King", "Lovelace"),
                                                  ("", ""), ("Acme Ltd", "")]
    assert got[2].display_name == "zoe@x.org"


def test_one_preferred_detail_per_kind() -> None:
    mapping = ColumnMapping({0: "given", 1: "email#1:label", 2: "email#1:value",
                             3: "email#2:label", 4: "email#2:value"})
    c = contacts("a,b,c,d,e\nAda,* Home,a@x.org,* Work,b@x.org\n", mapping)[0]
    assert [e.preferred for e in c.emails] == [True, False]


# --- mappings ---------------------------------------------------------------------------


def test_a_header_that_matches_nothing_asks_for_a_mapping() -> None:
    text = "Who,Reach me at,Memo\nAda,ada@example.org,hi\nAl,al@example.org,yo\n"
    imp, parsed, problems = read(text, name="people.csv")
    assert imp.needs_mapping and parsed == [] and problems == [imp.error]
    assert problems[0].reason == ("the columns of people.csv match no known export; choose "
                                  "what each column holds")
    assert imp.header == ["Who", "Reach me at", "Memo"]
    assert imp.sample == [["Ada", "ada@example.org", "hi"], ["Al", "al@example.org", "yo"]]
    mapping = ColumnMapping({0: "full_name", 1: "email:home", 2: "notes"})
    got = contacts(text, mapping)
    assert [(c.given, c.emails[0].value, c.notes, c.extra) for c in got] == [
        ("Ada", "ada@example.org", "hi", []), ("Al", "al@example.org", "yo", [])]


def test_columns_a_mapping_leaves_out_are_kept_unless_ignored() -> None:
    text = "Who,Shoe,Hat\nAda,9,big\n"
    c = contacts(text, ColumnMapping({0: "given", 2: "ignore"}))[0]
    assert [(p.name, p.value, p.params) for p in c.extra] == [
        ("X-CSV-SHOE", "9", (("X-HEADER", "Shoe"),))]


def test_signature_ignores_case_spacing_and_bom_but_not_order() -> None:
    base = signature(["First Name", "E-mail"])
    assert signature(["\ufefffirst  name ", "E-MAIL"]) == base
    assert signature(["E-mail", "First Name"]) != base
    assert len(base) == 32 and base == signature(("First Name", "E-mail"))


def test_a_mapping_saves_as_json_and_comes_back() -> None:
    mapping = ColumnMapping({0: "given", 3: "address:home:locality", 5: "email#2:value"},
                            has_header=False, day_first=False)
    assert ColumnMapping.from_json(json.loads(json.dumps(mapping.to_json()))) == mapping
    with pytest.raises(ValidationError, match="cannot be read"):
        ColumnMapping.from_json({"columns": {"x": "given"}})
    with pytest.raises(ValidationError, match="'shoe size' is not something"):
        ColumnMapping({0: "shoe size"})


def test_targets_have_names_for_the_mapping_step() -> None:
    assert [describe_target(t) for t in ("given", "phone:mobile", "address:home:locality",
                                         "email#2:label", "extra", "ignore")] == [
        "First name", "Phone (mobile)", "Address (home): city", "E-mail 2 label",
        "Keep as an extra field", "Leave out"]


@pytest.mark.parametrize(("header", "expected"), [
    (["First Name", "Last Name", "E-mail", "Mobile", "Company", "Street", "City", "ZIP",
      "Country", "Birthday", "Notes", "Shoe size"],
     ["given", "family", "email:other", "phone:mobile", "company", "address:other:street",
      "address:other:locality", "address:other:postal_code", "address:other:country",
      "birthday", "notes", None]),
    (["Vorname", "Nachname", "E-Mail-Adresse", "Telefon geschäftlich", "Mobiltelefon",
      "Firma", "Straße privat", "PLZ privat", "Ort privat", "Geburtstag", "Notizen"],
     ["given", "family", "email:other", "phone:work", "phone:mobile", "company",
      "address:home:street", "address:home:postal_code", "address:home:locality",
      "birthday", "notes"]),
    (["Prénom", "Nom", "Courriel", "Téléphone travail", "Portable", "Société", "Adresse",
      "Code postal", "Ville", "Pays"],
     ["given", "family", "email:other", "phone:work", "phone:mobile", "company",
      "address:other:street", "address:other:postal_code", "address:other:locality",
      "address:other:country"]),
    (["Nombre", "Apellidos", "Correo electrónico", "Teléfono móvil", "Empresa", "Dirección",
      "Ciudad", "Código postal", "País", "Notas"],
     ["given", "family", "email:other", "phone:mobile", "company", "address:other:street",
      "address:other:locality", "address:other:postal_code", "address:other:country",
      "notes"]),
    (["Title", "First Name", "Home Email", "Work Phone 2", "Home Fax", "IM Skype",
      "Website Blog", "Assistant's Phone", "Categories"],
     ["prefix", "given", "email:home", "phone:work", "phone:home fax", "im:Skype",
      "website:blog", "phone:assistant", "tags"]),
], ids=["english", "german", "french", "spanish", "labels"])
def test_suggested_mappings(header: list[str], expected: list[str | None]) -> None:
    columns = suggest_mapping(header).columns
    assert [columns.get(i) for i in range(len(header))] == expected


def test_a_suggested_mapping_reads_a_german_file() -> None:
    text = ("Vorname;Nachname;E-Mail-Adresse;Mobiltelefon;Ort privat;Geburtstag\n"
            "Jürgen;Groß;j@example.de;+49 170 1234567;München;03.04.1970\n")
    header = text.split("\n")[0].split(";")
    c = contacts(text, suggest_mapping(header))[0]
    assert (c.given, c.family, c.phones[0].label, c.addresses[0].locality, c.birthday) == (
        "Jürgen", "Groß", "mobile", "München", PartialDate(4, 3, 1970))


def test_a_known_layouts_suggestion_is_its_own_mapping() -> None:
    header = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position",
              "Connected On"]
    assert suggest_mapping(header).columns[2] == "website:profile"


def test_a_known_export_read_with_chosen_columns_is_still_that_export() -> None:
    """The user changed what one column of a LinkedIn export fills: its header is still found
    below LinkedIn's notes, and the rows under it are the contacts."""
    data = ("Notes:\r\n\"When exporting your connection data, you may notice...\"\r\n\r\n"
            "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
            "Ada,Lovelace,https://www.linkedin.com/in/ada,ada@x.example,Engines,Countess,"
            "01 Jan 2024\r\n")
    mapping = ColumnMapping({0: "given", 1: "family", 3: "email:home", 4: "company",
                             5: "notes"})
    imp, parsed, problems = read(data, mapping)
    assert problems == [] and imp.header is not None and imp.header[0] == "First Name"
    assert [p.contact.display_name for p in parsed] == ["Ada Lovelace"]
    c = parsed[0].contact
    assert c.emails[0].value == "ada@x.example" and c.emails[0].label == "home"
    assert c.notes == "Countess", "the column the user chose, not the layout's own"
