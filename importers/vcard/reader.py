"""vCard 2.1, 3.0 and 4.0 files -> contacts and groups, streamed, one record at a time.

A reader of our own, not vobject's parser: measured on the same machine vobject parses about
2,500 cards/s, and it fails outright on vCard 2.1 quoted-printable soft line breaks, which
old phones and Outlook write; this reader (contentlines.py, values.py, mapping.py) makes
Contacts several times faster (bench/vcard_parse.py prints both) and reads what the corpus
of real exports holds. vobject stays what the writer's tests read cards back with.

`read_vcards(stream, name=...)` yields, in file order, for each card: its warnings
(`Problem`, severity WARNING: something was left off or guessed, the card is still read),
then the card itself (`ParsedCard`, or `ParsedGroup` for a KIND:group card); or, for a card
that cannot be read, one `Problem` of severity ERROR and nothing else: never half a card. A
problem names the file, the physical line and the card's number.

Bounded work on any input: the file is read in chunks and a card is held only until its
END:VCARD; a property over contentlines.MAX_PROPERTY characters is left off (a 50 MB photo),
a card over MAX_CARD characters or MAX_PROPERTIES properties is refused; a card that never
ends (a truncated file, a lost END) is a problem naming the line it began on."""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import BinaryIO

from importers.vcard.contentlines import Line, Source, logical_lines
from importers.vcard.mapping import CardBuilder, derived_uid
from importers.vcard.parsed import Parsed, ParsedCard, Problem, Severity, size_text
from importers.vcard.values import Decoder, Prop, parse

MAX_CARD = 16 << 20
MAX_PROPERTIES = 10_000

_EMPTY_AGENT = re.compile(r"(?:[\w-]+\.)?AGENT(?:;[^:]*)?:\s*\Z", re.IGNORECASE | re.ASCII)
_BEGIN, _END = "BEGIN", "END"


def read_vcards(stream: BinaryIO | Iterable[bytes], *, name: str) -> Iterator[Parsed]:
    """Every card of `stream` (a binary file, or any iterable of byte chunks), read lazily;
    `name` (the file's name) is what problems call the file."""
    return _Reader(name).read(stream)


def _frame(text: str) -> str | None:
    """BEGIN or END when `text` opens or closes a vCard."""
    head, colon, rest = text.partition(":")
    if not colon or rest.strip().upper() != "VCARD":
        return None
    word = head.strip().upper()
    return _BEGIN if word == _BEGIN else _END if word == _END else None


def _agent(lines: list[str]) -> str:
    """A vCard 2.1 AGENT's embedded card as a 3.0 AGENT's escaped text value."""
    return "\\n".join(t.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
                      for t in lines)


class _Reader:
    def __init__(self, name: str):
        self.name = name
        self.record = 0
        self.warnings: list[Problem] = []
        self.decoder = Decoder(self.warn)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Problem(self.name, line, self.record or None, message,
                                     Severity.WARNING))

    def error(self, line: int, message: str, record: int | None) -> Problem:
        return Problem(self.name, line, record, message, Severity.ERROR)

    def read(self, stream: BinaryIO | Iterable[bytes]) -> Iterator[Parsed]:
        lines = logical_lines(Source(stream))
        stray: list[int] = []  # lines outside any card: first and count
        for no, text, _flag in lines:
            if (len(text) >= 40 or text[0] not in "Bb") or _frame(text) != _BEGIN:
                if not stray:
                    stray[:] = [no, 1]
                else:
                    stray[1] += 1
                continue
            begin = no
            while begin:  # a card, and the next if a BEGIN:VCARD inside it cut it short
                yield from self._stray(stray)
                self.record += 1
                begin = yield from self._read_card(lines, begin)
        if self.record == 0:
            yield self.error(stray[0] if stray else 1,
                             "this file holds no vCard (no line says BEGIN:VCARD); check that "
                             "it is a vCard (.vcf) file", None)
        else:
            yield from self._stray(stray)

    def _read_card(self, lines: Iterator[Line], start: int) -> Generator[Parsed, None, int]:
        """The card begun on line `start`, up to its END:VCARD; the line of the BEGIN:VCARD
        that cut it short, if one did, else 0. Its properties are read as they come once
        its VERSION is known (the second line of almost every card); those before are held
        until then. Its warnings wait for its end, as the card may yet be refused."""
        self.warnings = []
        texts: list[str] = []  # the card's lines, for the UID of a card that has none
        held: list[Line] | None = []  # lines before VERSION
        builder: CardBuilder | None = None
        v4 = False
        size, room, refused = 0, MAX_PROPERTIES, ""
        add: Callable[[Prop], None] | None = None
        keep = texts.append
        for line in lines:
            no, text, flag = line
            # BEGIN:VCARD and END:VCARD are short: most lines need no closer look.
            if len(text) < 40 and text[0] in "BbEe" and (word := _frame(text)) is not None:
                if word is _END:
                    if refused:
                        yield self.error(start, refused, self.record)
                    else:
                        if builder is None:
                            builder = self._builder("", held or [])
                        yield from self._card(builder, texts, start)
                    return 0
                if not (texts and _EMPTY_AGENT.match(texts[-1])):
                    yield self.error(start, f"this card has no END:VCARD before line {no}, "
                                            "where the next card begins; it was not imported",
                                     self.record)
                    return no
                # A 2.1 AGENT's card, inside this one: it becomes the AGENT's value.
                value = _agent(self._nested(text, lines))
                texts[-1] = texts[-1].rstrip() + value
                if builder is None and held:
                    held[-1] = (held[-1][0], texts[-1], held[-1][2])
                elif builder is not None:
                    builder.fill_agent(value)
                continue
            if refused:
                continue
            size += len(text)
            room -= 1
            if size > MAX_CARD or room < 0:
                refused = (f"this card is larger than Rolodeck reads ({size_text(MAX_CARD)} or "
                           f"{MAX_PROPERTIES:,} properties); it was not imported")
                texts, held, builder, add = [], None, None, None
                keep = texts.append
                continue
            keep(text)
            if add is None:
                if text[0] in "Vv" and text[:8].upper() == "VERSION:":
                    builder = self._builder(text[8:].strip(), held or [])
                    v4, add, held = builder.v4, builder.add, None
                else:
                    held.append((no, text, flag))  # type: ignore[union-attr]
                continue
            try:
                prop = parse(no, text, flag, v4)
                if prop is None:
                    self._not_a_property(no, text)
                else:
                    add(prop)
            except Exception as e:  # a bug must cost one card, not the import: say which
                refused = (f"Rolodeck could not read this card ({type(e).__name__}: {e}); it "
                           "was not imported")
        yield self._cut_short(start)
        return 0

    def _builder(self, version: str, held: list[Line]) -> CardBuilder:
        builder = CardBuilder(version, self.decoder, self.warn)
        for no, text, flag in held:
            prop = parse(no, text, flag, builder.v4)
            if prop is None:
                self._not_a_property(no, text)
            else:
                builder.add(prop)
        return builder

    def _not_a_property(self, no: int, text: str) -> None:
        self.warn(no, f"{text[:40]!r} is not a property (no name and colon); it was ignored")

    def _nested(self, begin: str, lines: Iterator[Line]) -> list[str]:
        """A 2.1 AGENT's embedded card, up to its own END:VCARD."""
        nested, depth = [begin], 1
        for _no, text, _flag in lines:
            nested.append(text)
            word = _frame(text) if len(text) < 40 else None
            depth += (word == _BEGIN) - (word == _END)
            if depth == 0 or len(nested) > MAX_PROPERTIES:
                break
        return nested

    def _cut_short(self, start: int) -> Problem:
        return self.error(start, "the file ends inside this card, before its END:VCARD (it "
                                 "may have been cut short); it was not imported", self.record)

    def _stray(self, stray: list[int]) -> Iterator[Problem]:
        if stray:
            first, count = stray
            lines = (f"line {first} is outside any card (between END:VCARD and BEGIN:VCARD) "
                     "and was" if count == 1 else f"{count} lines from line {first} are "
                     "outside any card (between END:VCARD and BEGIN:VCARD) and were")
            yield Problem(self.name, first, None, f"{lines} ignored", Severity.WARNING)
            stray.clear()

    def _card(self, builder: CardBuilder, texts: list[str], start: int) -> Iterator[Parsed]:
        try:
            if builder.kind_group:
                group = builder.group(start, self.record)
                if not group.uid:
                    group.uid = derived_uid(texts)
                if not group.name:
                    yield self.error(start, "this group card has no name (FN); it was not "
                                            "imported", self.record)
                    return
                yield from self.warnings
                yield group
                return
            contact = builder.finish()
        except Exception as e:  # a bug must cost one card, not the import: say which
            yield self.error(start, f"Rolodeck could not read this card ({type(e).__name__}: "
                                    f"{e}); it was not imported", self.record)
            return
        generated = not contact.uid
        if generated:
            contact.uid = derived_uid(texts)
        yield from self.warnings
        yield ParsedCard(contact, start, self.record, builder.version, generated)
