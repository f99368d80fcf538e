"""LDIF files (RFC 2849) -> contacts and lists, streamed, one record at a time: Thunderbird's
address-book exports, and what LDAP directories write (slapcat, ldapsearch -L).

`read_ldif(stream, name=...)` yields, in file order, for each entry: its warnings (`Problem`,
severity WARNING: something was left off or guessed, the entry is still read), then the
entry (`ParsedCard` for a person, `ParsedGroup` for a list: objectclass groupOfNames or
groupOfUniqueNames); or, for an entry that cannot be read, one `Problem` of severity ERROR
and nothing else. The types are the vCard reader's, so the import pipeline takes both alike.
A problem names the file, the physical line and the record's number (records are counted
from 1, in the order of the file; a record is what lies between blank lines). Problems about
the file rather than one record have no record number; one of severity ERROR means nothing
in the file could be read.

Entries carry no UID in LDIF: a contact's and a list's are derived from the DN (dn.py), so
the same file read twice gives the same UIDs and a list's members are the UIDs of the DNs
it names (`uid_generated` is always set). Records that are changes to a directory
(`changetype: modify`, `delete`, `modrdn`) are not entries and are refused by name; an
entry that is neither a person nor a list (a directory's `dc=example,dc=com`, an
organizationalUnit, a posixGroup) is skipped, and one warning at the end counts them.

Bounded work on any input: the file is read in chunks (lines.py) and one record is held at
a time; a line over MAX_LINE characters is left off with a warning (or its record refused,
when it is the DN), a record over MAX_RECORD characters or MAX_LINES lines is refused. A BOM
and CRLF line ends are read as what they are: Windows' Thunderbird writes CRLF."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import BinaryIO

from importers.ldif import vocabulary as vocab
from importers.ldif.group import list_entry
from importers.ldif.lines import MAX_LINE, Source
from importers.ldif.person import Person
from importers.ldif.records import MAX_LINES, MAX_RECORD, Record, records
from importers.ldif.values import BASE64, PLAIN, URL, Attr, Values
from importers.vcard.parsed import Parsed, ParsedCard, Problem, Severity, size_text


def read_ldif(stream: BinaryIO | Iterable[bytes], *, name: str) -> Iterator[Parsed]:
    """Every entry of `stream` (a binary file, or any iterable of byte chunks), read lazily;
    `name` (the file's name) is what problems call the file."""
    return _Reader(name).read(stream)


_new = tuple.__new__  # an Attr made without NamedTuple's Python-level __new__
_CHANGE = ("changetype", "control")
_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)((?:;[A-Za-z0-9_-]+)*)[ \t]*:([:<]?) *(.*)$", re.M)
_SPECIAL = frozenset({"changetype", "control", "dn"})
# Object classes the writer writes itself, whose lines the builders need not see: five
# lines of every Thunderbird entry. (A list's person classes, should it have any, go too.)
_WRITTEN = frozenset(c.lower() for c in (*vocab.PERSON_CLASSES, *vocab.LIST_CLASSES,
                                         "groupOfUniqueNames"))


def _attr(no: int, text: str) -> Attr | None:
    """`name;options: value`, `name:: base64`, `name:< URL`; None when it is none of them."""
    colon = text.find(":")
    if colon <= 0:
        return None
    desc = text[:colon].rstrip()
    options: tuple[str, ...] = ()
    if ";" in desc:
        desc, *more = desc.split(";")
        options = tuple(o for o in more if o)
    # A name (letters, digits, hyphens), or an OID (`2.5.4.3`).
    if not desc or not desc.isascii() or not desc.replace("-", "").replace(
            "_", "").replace(".", "").isalnum() or not (
            desc[0].isalpha() or desc.replace(".", "").isdigit()):
        return None
    if any(not o.isascii() or not o.replace("-", "").replace("_", "").isalnum()
           for o in options):
        return None
    mark = text[colon + 1:colon + 2]
    if mark == ":":
        return Attr(no, desc, desc.lower(), options, BASE64, text[colon + 2:].strip())
    if mark == "<":
        return Attr(no, desc, desc.lower(), options, URL, text[colon + 2:].strip())
    return Attr(no, desc, desc.lower(), options, PLAIN, text[colon + 1:].lstrip(" "))


def _marked(no: int, desc: str, options: str, mark: str, value: str) -> Attr:
    kind = BASE64 if mark == ":" else URL if mark == "<" else PLAIN
    return Attr(no, desc, desc.lower(), tuple(o for o in options.split(";") if o), kind,
                value.strip() if mark else value)


class _Reader:
    def __init__(self, name: str):
        self.name = name
        self.record = 0
        self.entries = 0  # records begun by a dn
        self.version = ""
        self.warnings: list[Problem] = []
        self.values = Values(self.warn)
        self.stray: list[int] = []  # lines before the first entry: first and count
        self.skipped: dict[str, int] = {}  # entries neither people nor lists, by class
        self.first_skipped = (0, 0)  # (record, line)
        self.classes: list[str] = []  # the object classes of the record being read
        self.has_mail = False

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Problem(self.name, line, self.record or None, message,
                                     Severity.WARNING))

    def error(self, line: int, message: str) -> Problem:
        return Problem(self.name, line, self.record, message, Severity.ERROR)

    def read(self, stream: BinaryIO | Iterable[bytes]) -> Iterator[Parsed]:
        source = Source(stream)
        for rec in records(source):
            try:
                yield from self._record(rec)
            except Exception as e:  # a bug must cost one record, not the import: say which
                yield self.error(rec.start, f"Rolodeck could not read this record "
                                         f"({type(e).__name__}: {e}); it was not imported")
        if self.entries == 0:
            yield Problem(self.name, self.stray[0] if self.stray else 1, None,
                          self._not_ldif(source), Severity.ERROR)
            return
        if self.skipped:
            count = sum(self.skipped.values())
            kinds = ", ".join(f"{k}: {n:,}" for k, n in sorted(self.skipped.items()))
            record, line = self.first_skipped
            yield Problem(self.name, line, None,
                          f"{count:,} record(s) are directory entries that are neither a "
                          f"person nor a list ({kinds}), and were skipped; the first is "
                          f"record {record:,}", Severity.WARNING)

    def _not_ldif(self, source: Source) -> str:
        if source.binary:
            return ("this file holds binary data, not text, so it is not an LDIF file; check "
                    "that it is an address book exported as LDIF (.ldif)")
        if not self.stray:
            return "this file holds no entries to import: it is empty, or holds only comments"
        return ("this file holds no LDIF entries (no record begins with a 'dn:' line); check "
                "that it is an address book exported as LDIF (.ldif)")

    def _version(self, attr: Attr | None) -> None:
        value = attr.value.strip() if attr is not None else ""
        if value == "1":
            self.version = "1"
        elif attr is not None and self.entries == 0:
            self.warnings.append(Problem(
                self.name, attr.line, None, f"the file says it is LDIF version {value[:20]!r}; "
                "Rolodeck reads version 1 and read it as that", Severity.WARNING))

    def _record(self, rec: Record) -> Iterator[Parsed]:
        start, texts, numbers, big, odd, orphans, refused, cut_short = rec
        lines: Sequence[int] = numbers or range(start, start + len(texts))
        self.warnings = []
        if texts and texts[0][:7].lower().startswith("version"):
            first = _attr(lines[0], texts[0])
            if first is not None and first.key == "version":
                self._version(first)
                yield from self.warnings
                self.warnings = []
                texts, lines = texts[1:], lines[1:]
                start = lines[0] if lines else start
                if not texts and not refused:
                    return
        head = _attr(lines[0], texts[0]) if texts else None
        is_entry = head is not None and head.key == "dn"
        if head is not None and head.key in ("search", "result") and not refused:
            return  # ldapsearch's summary after its entries (`search: 2`, `result: 0`)
        if not is_entry and self.entries == 0 and not refused:
            # Before the first entry: not LDIF, or not yet (a header of some kind).
            if not self.stray:
                self.stray[:] = [start, 0]
            self.stray[1] += max(1, len(texts))
            return
        self.record += 1
        if self.entries == 0 and self.stray and self.stray[1]:
            at, count = self.stray
            yield Problem(self.name, at, None, (
                f"line {at:,} comes before the first entry and is not LDIF (no 'dn:' line "
                "begins it); it was" if count == 1 else
                f"{count:,} lines from line {at:,} come before the first entry and are not "
                "LDIF (no 'dn:' line begins them); they were") + " ignored", Severity.WARNING)
        if refused:
            self.entries += 1  # an entry, probably: too large to tell
            yield self.error(start, f"this record is larger than Rolodeck reads "
                                    f"({size_text(MAX_RECORD)} or {MAX_LINES:,} lines); it was "
                                    "not imported")
            return
        if head is None or not is_entry:
            yield self.error(start, "this record does not begin with a 'dn:' line (a blank "
                                    "line may have split an entry in two, or the file is "
                                    "damaged here); it was not imported")
            return
        self.entries += 1
        if head.line in big:
            yield self.error(start, f"its dn line is {size_text(big[head.line])}, more than "
                                    f"the {size_text(MAX_LINE)} a line may have; the entry "
                                    "was not imported")
            return
        dn = self.values.text(head)
        if dn is None:
            self.warn(head.line, "the dn is not valid base64 (the file may be damaged here); "
                                 "it was read as it is written")
            dn = head.value
        dn = " ".join(dn.split())
        for no in orphans:
            self.warn(no, "this line begins with a space, so it continues the line before, "
                          "but nothing comes before it; it was ignored")
        if odd:
            shown = ", ".join(f"{n:,}" for n in odd[:5]) + (" ..." if len(odd) > 5 else "")
            self.warn(odd[0], f"line(s) {shown} are not UTF-8 text; they were read as "
                              "Windows-1252, so check their accented letters")
        attrs = self._attrs(lines, texts, big)
        if attrs and attrs[0].key in ("changetype", "control"):
            change = self._change(attrs, dn)
            if change is not None:
                yield self.error(start, change)
                return
            attrs = [a for a in attrs if a.key not in ("changetype", "control")]
        if cut_short:
            self.warn(lines[-1], "the file ends inside this entry, without a line break "
                                    "after its last line; it may have been cut short, so "
                                    "check its last value")
        yield from self._entry(dn, start, attrs)

    def _attrs(self, lines: Sequence[int], texts: list[str], big: dict[int, int]) -> list[Attr]:
        """The attributes after the dn line; `classes` and `has_mail` are set from them."""
        classes: list[str] = []
        self.classes = classes
        self.has_mail = False
        attrs: list[Attr] = []
        append = attrs.append
        leading = True  # still among the control and changetype lines after the dn
        for a in self._parsed(lines, texts, big):
            key = a[2]
            if key == "objectclass":
                value = (a[5] if a[4] == PLAIN else self.values.text(a) or "").strip()
                classes.append(value)
                if value.lower() in _WRITTEN and not a[3]:
                    leading = False
                    continue
            elif key == "mail":
                self.has_mail = True
            elif key in _SPECIAL:
                if self._special(a, leading):
                    append(a)
                leading = leading and key in _CHANGE
                continue
            leading = False
            append(a)
        return attrs

    def _parsed(self, lines: Sequence[int], texts: list[str],
                big: dict[int, int]) -> list[Attr]:
        """Every line after the dn as an Attr; one that is none, or too long, is left out
        with a warning."""
        if not big:
            # Most records: every line `name;options:[:<] value`, found by one search.
            found = _LINE.findall("\n".join(texts[1:]))
            if len(found) == len(texts) - 1:
                return [_new(Attr, (no, desc, desc.lower(), (), PLAIN, value)) if not (
                    mark or options) else _marked(no, desc, options, mark, value)
                    for no, (desc, options, mark, value) in zip(  # noqa: B905 (as long)
                        lines[1:], found)]
        out = []
        for no, text in zip(lines[1:], texts[1:]):  # noqa: B905 (as long)
            a = _attr(no, text)
            if a is None:
                self.warn(no, f"{text[:40]!r} is not an attribute (name: value); it was "
                              "ignored")
            elif no in big:
                self.warn(no, f"the {a.name} value is {size_text(big[no])}, more than the "
                              f"{size_text(MAX_LINE)} one value may have; it was left off "
                              "and the rest of the entry was read")
            else:
                out.append(a)
        return out

    def _special(self, a: Attr, leading: bool) -> bool:
        """Whether a changetype, control or dn line after the dn is kept (to be read)."""
        if a.key == "dn":
            self.warn(a.line, "this is a second dn line in one entry; it was ignored")
            return False
        if not leading:
            self.warn(a.line, f"{a.name} belongs right after the dn line; here it means "
                              "nothing, and was ignored")
            return False
        return True

    def _change(self, attrs: list[Attr], dn: str) -> str | None:
        """Why a change record is not an entry; None for `changetype: add` (an entry)."""
        kind = next((a for a in attrs if a.key == "changetype"), None)
        if kind is None:
            return None
        what = (self.values.text(kind) or "").strip().lower()
        if what == "add":
            return None
        shown = dn[:80] or "(empty)"
        return (f"this record is a change to a directory (changetype: {what[:20]} of {shown}), "
                "not an address-book entry; it was not imported (only entries, or changetype: "
                "add, hold contacts)")

    def _entry(self, dn: str, start: int, attrs: list[Attr]) -> Iterator[Parsed]:
        classes, mail = self.classes, self.has_mail
        folded = {c.lower() for c in classes}
        if folded & vocab.LISTS:
            group = list_entry(self.values, dn, attrs, start, self.record)
            if not group.name:
                yield self.error(start, "this list has no name (cn); it was not imported")
                return
            yield from self.warnings
            yield group
            return
        if folded and not folded & vocab.PEOPLE and not mail:
            kind = next((c for c in classes if c.lower() != "top"), classes[0])
            if not self.skipped:
                self.first_skipped = (self.record, start)
            self.skipped[kind] = self.skipped.get(kind, 0) + 1
            return
        contact = Person(self.values, dn).build(attrs)
        if contact is None:
            yield self.error(start, f"this entry ({dn[:80] or 'dn: empty'}) has no name (cn, "
                                    "givenName, sn or displayName) and no e-mail address "
                                    "(mail); it was not imported: give it one of them in the "
                                    "file and import it again")
            return
        yield from self.warnings
        yield ParsedCard(contact, start, self.record, self.version, True)
