"""One component's content lines as a tree of properties, each kept verbatim.

Our own content-line split (RFC 5545 3.1) rather than icalendar's: every property Rolodeck
does not model must be written back exactly as it came, so the raw value and parameters are
needed anyway, and splitting each line once is most of what a parse costs (icalendar's
splitter walks each line a character at a time in Python). icalendar still reads the values
that are mapped (dates, date-times, durations: reader.py) and the VTIMEZONEs (zones.py).

Text is decoded per component: UTF-8, and where that fails Windows-1252, the commonest other
charset of calendar exports (the reader warns). vCalendar 1.0's ENCODING=QUOTED-PRINTABLE
values are decoded with their CHARSET and re-escaped as plain iCalendar text.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass, field

_NAME = re.compile(r"[A-Za-z0-9-]+")
_NAME_ONLY = re.compile(r"[A-Za-z0-9-]+\Z")
_PARAM_SPECIAL = re.compile(r'[",^\\]')
# A parameter value is quoted, or plain; Apple also escapes a `;` in a plain one with `\`.
_PLAIN = r'(?:\\.|[^";:,\\])*'
_PARAM = re.compile(
    rf';[ \t]*([A-Za-z0-9-]*)[ \t]*(?:=[ \t]*((?:"[^"]*"|{_PLAIN})(?:,(?:"[^"]*"|{_PLAIN}))*))?')
_LIST_ITEM = re.compile(rf'"([^"]*)"|({_PLAIN})')
_PARAM_ESCAPE = re.compile(r"\\([;,:])")
_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)
_UNESCAPED = {"n": "\n", "N": "\n", "\\": "\\", ",": ",", ";": ";"}
_CARET = re.compile(r"\^(.)")
_CARETS = {"n": "\n", "^": "^", "'": '"'}
_QP = re.compile(rb"(?i)quoted-printable")
_B_OR_E = frozenset("BbEe")
_DROPPED_PARAMS = frozenset({"ENCODING", "CHARSET"})  # about transport, decoded here


@dataclass(slots=True)
class Prop:
    name: str  # upper case
    params: tuple[tuple[str, str], ...]  # (NAME, value) pairs, a list parameter as several
    value: str  # as written: escapes and all
    line: int

    def param(self, key: str) -> str | None:
        for name, value in self.params:
            if name == key:
                return value
        return None


@dataclass
class Node:
    name: str
    line: int
    props: list[Prop] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # its own content lines, BEGIN to END
    numbers: list[int] = field(default_factory=list)  # the physical line each begins on
    junk: list[tuple[int, str]] = field(default_factory=list)  # lines that are not properties
    truncated: bool = False  # the file ended (or a new VCALENDAR began) before its END


def decode(lines: list[bytes]) -> tuple[list[str], bool]:
    """The lines as text, and whether any needed the Windows-1252 fallback."""
    joined = b"\n".join(lines)
    if _QP.search(joined):
        lines = [_quoted_printable(line) for line in lines]
        joined = b"\n".join(lines)
    try:
        return joined.decode("utf-8").split("\n"), False
    except UnicodeDecodeError:
        out, fallback = [], False
        for line in lines:
            try:
                out.append(line.decode("utf-8"))
            except UnicodeDecodeError:
                out.append(line.decode("cp1252", "replace"))
                fallback = True
        return out, fallback


def _quoted_printable(line: bytes) -> bytes:
    head, sep, value = line.partition(b":")
    if not sep or b"QUOTED-PRINTABLE" not in head.upper():
        return line
    charset = "utf-8"
    kept = []
    for part in head.split(b";")[1:]:
        key, _, val = part.partition(b"=")
        key = key.strip().upper()
        if key == b"CHARSET":
            charset = val.strip(b' "').decode("ascii", "replace") or charset
        elif key not in (b"ENCODING", b"QUOTED-PRINTABLE"):
            kept.append(part)
    raw = binascii.a2b_qp(value)
    try:
        text = raw.decode(charset)
    except (LookupError, UnicodeDecodeError):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", "replace")
    escaped = text.replace("\\", "\\\\").replace("\r\n", "\n").replace("\r", "\n")
    escaped = escaped.replace("\n", "\\n")
    return b";".join([head.split(b";")[0], *kept]) + b":" + escaped.encode("utf-8")


def split(line: str, number: int) -> Prop | None:
    """A content line as NAME, parameters and raw value; None if it is not one. Tolerant of
    what real exporters write: stray spaces, empty parameters (`DTSTART;;VALUE=...`), a
    parameter without a value."""
    colon = line.find(":")
    if colon > 0 and ";" not in line[:colon]:  # most lines: no parameters
        name = line[:colon]
        if _NAME_ONLY.match(name):
            return Prop(name.upper(), (), line[colon + 1:], number)
    found = _NAME.match(line)
    if found is None:
        return None
    pos, size = found.end(), len(line)
    while pos < size and line[pos] in " \t":
        pos += 1
    params: list[tuple[str, str]] = []
    while pos < size and line[pos] == ";":
        p = _PARAM.match(line, pos)
        if p is None:
            return None
        key, values = p.group(1).upper(), p.group(2)
        if key and key not in _DROPPED_PARAMS:
            params.extend((key, v) for v in _param_values(values or ""))
        pos = p.end()
        if pos < size and line[pos] not in ";:":
            return None
    if pos >= size or line[pos] != ":":
        return None
    return Prop(found.group(0).upper(), tuple(params), line[pos + 1:], number)


def _param_values(text: str) -> list[str]:
    if not _PARAM_SPECIAL.search(text):
        return [text.strip()]
    out = []
    for item in _LIST_ITEM.finditer(text):
        if item.start() and text[item.start() - 1] != ",":
            continue
        quoted, plain = item.groups()
        value = quoted if quoted is not None else _PARAM_ESCAPE.sub(r"\1", (plain or "").strip())
        out.append(_CARET.sub(lambda m: _CARETS.get(m.group(1), m.group(0)), value)
                   if "^" in value else value)
    return out


def tree(lines: list[str], numbers: list[int]) -> Node:
    """The component the lines hold (its BEGIN first), sub-components as children. Each
    sub-component also keeps its lines verbatim (`text`), to be kept whole where it is not
    mapped, but always balanced: every BEGIN in it has its own END."""
    root = Node(_begin_name(lines[0]), numbers[0])
    stack = [root]
    for text, number in zip(lines[1:], numbers[1:], strict=True):
        head = text[:6].upper() if text[:1] in _B_OR_E else ""
        begins = head.startswith("BEGIN") and text[5:].lstrip()[:1] == ":"
        if begins:
            child = Node(_begin_name(text), number)
            stack[-1].children.append(child)
            stack.append(child)
        for node in stack[1:]:
            node.text.append(text)
            node.numbers.append(number)
        if begins:
            continue
        if head.startswith("END") and text[3:].lstrip()[:1] == ":":
            if len(stack) > 1:
                closed = stack.pop()
                if _begin_name(text) != closed.name:  # END:VEVENT closing a VALARM
                    for node in (*stack[1:], closed):
                        node.text[-1] = f"END:{closed.name}"
            continue
        prop = split(text, number)
        if prop is None:
            stack[-1].junk.append((number, text))
        else:
            stack[-1].props.append(prop)
    # Sub-components the file never closed (it was cut short): their kept text is closed
    # here, as it was read, or writing it back would leave the event itself unclosed and
    # swallow the events after it in the written file.
    while len(stack) > 1:
        closed = stack.pop()
        for node in (*stack[1:], closed):
            node.text.append(f"END:{closed.name}")
            node.numbers.append(node.numbers[-1])
    return root


def _begin_name(line: str) -> str:
    return line.partition(":")[2].strip().upper()


def unescape(value: str) -> str:
    """A TEXT value's meaning: `\\n`, `\\,`, `\\;`, `\\\\` undone (any other escaped character
    stands for itself, as most readers take it)."""
    if "\\" not in value:
        return value
    return _UNESCAPE.sub(lambda m: _UNESCAPED.get(m.group(1), m.group(1)), value)


def escape(text: str) -> str:
    """A TEXT value as written: backslash, comma, semicolon and line breaks escaped."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n"))
