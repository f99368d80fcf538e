"""One logical content line taken apart (RFC 6350 section 3.3: `group.NAME;PARAM=v:value`)
and its value decoded: the inverse of lines.py.

Parameters: names upper-cased (they are case-insensitive); values unquoted, split on commas
outside quotes (TYPE always, as `TYPE="work,voice"` means two types), RFC 6868 caret escapes
decoded in 4.0 only (the writer uses them in 4.0 only, and a 3.0 `^` is a caret). A 2.1 bare
parameter is a TYPE (`TEL;WORK;VOICE`) unless it names an encoding (`QUOTED-PRINTABLE`,
`BASE64`, `8BIT`).

Values are decoded in the order that keeps every byte right: quoted-printable first (to
octets), then the character set (CHARSET, else UTF-8, else Windows-1252), then the
backslash escapes, which a Shift_JIS second byte (0x5C is `\\`) would otherwise fake."""

from __future__ import annotations

import binascii
import codecs
import re
from collections.abc import Callable

from importers.vcard.contentlines import LATIN1
from importers.vcard.lines import clean

Params = tuple[tuple[str, str], ...]

_BARE_ENCODINGS = frozenset({"QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT"})
_QUOTED_PARTS = re.compile(r'(?:[^;"]|"[^"]*"?)+')
_QUOTED_VALUES = re.compile(r'"([^"]*)"?|([^,]+)')
_CARET = re.compile(r"\^([n^'])")
_CARETS = {"n": "\n", "^": "^", "'": '"'}
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPES = {"n": "\n", "N": "\n", "\\": "\\", ";": ";", ",": ",", ":": ":", '"': '"',
            "'": "'"}
# 2.1 has no \n escape (its line breaks are quoted-printable); the rest as AOSP reads them.
_ESCAPES_21 = {"\\": "\\", ";": ";", ",": ",", ":": ":"}
_URI_ESCAPE = re.compile(r"\\([:,;])")
_SPLIT = {";": re.compile(r"(\\.|;)", re.DOTALL), ",": re.compile(r"(\\.|,)", re.DOTALL)}
_SPACE = re.compile(r"\s+")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")
# Character sets as exporters spell them -> what Python calls them; Shift_JIS as Windows
# has it (cp932), which Japanese phones actually write.
_CHARSETS = {"shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
             "utf8": "utf-8", "ansi": "cp1252", "unicode": "utf-8"}


class ParamSet:
    """A parameter text as parsed (`;TYPE=CELL,PREF`), shared by every property that has the
    same text: a file of a hundred thousand cards has a few dozen of them, so what is worked
    out from the parameters alone (the detail label, the encoding) is worked out once."""

    __slots__ = ("params", "encoding", "derived")

    def __init__(self, params: Params):
        self.params = params
        self.encoding = next((v.upper() for k, v in params if k == "ENCODING"), "")
        self.derived: dict[str, object] = {}


_NO_PARAMS = ParamSet(())
# Parameter texts seen, for 3.0 and for 4.0 (where carets are escapes); emptied if a file
# has very many different ones, so that a hostile file cannot grow them without bound.
_PARAM_SETS: tuple[dict[str, ParamSet], dict[str, ParamSet]] = ({}, {})
_MAX_PARAM_SETS = 4096


class Prop:
    """One property as read: its name's case kept (raw properties are written back as they
    came), `key` upper-cased for dispatch."""

    __slots__ = ("line", "group", "name", "key", "params", "shared", "encoding", "value",
                 "flag")

    def __init__(self, line: int, group: str | None, name: str, shared: ParamSet, value: str,
                 flag: int):
        self.line = line
        self.group = group
        self.name = name
        self.key = name.upper()
        self.shared = shared
        self.params = shared.params
        self.encoding = shared.encoding
        self.value = value
        self.flag = flag

    def param(self, key: str) -> str | None:
        for k, v in self.params:
            if k == key:
                return v
        return None


def parse(line: int, text: str, flag: int, v4: bool) -> Prop | None:
    """The property on a logical line, or None when it has no `:` or no name."""
    head, colon, value = text.partition(":")
    if not colon:
        return None
    full, semi, raw = head.partition(";")
    if not semi:
        shared = _NO_PARAMS
    else:
        if '"' in raw and raw.count('"') % 2:  # the first colon is in a quoted value
            at = _colon_outside_quotes(text, len(full))
            if at < 0:
                return None
            raw, value = text[len(full) + 1:at], text[at + 1:]
        known = _PARAM_SETS[v4]
        found = known.get(raw)
        if found is None:
            if len(known) > _MAX_PARAM_SETS:
                known.clear()
            found = known[raw] = ParamSet(_params(raw, v4))
        shared = found
    if full[-1:] in (" ", "\t"):
        full = full.rstrip()
    dot = full.find(".")
    if dot < 0:
        return Prop(line, None, full, shared, value, flag) if full else None
    name = full[dot + 1:]
    if not name or dot == 0:
        return None
    return Prop(line, full[:dot], name, shared, value, flag)


def _colon_outside_quotes(text: str, start: int) -> int:
    quoted = False
    for i in range(start, len(text)):
        ch = text[i]
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return i
    return -1


def _params(text: str, v4: bool) -> Params:
    out: list[tuple[str, str]] = []
    parts = _QUOTED_PARTS.findall(text) if '"' in text else text.split(";")
    for part in parts:
        key, eq, raw = part.partition("=")
        key = key.strip().upper()
        if not key:
            continue
        if not eq:  # 2.1: a bare value
            out.append(("ENCODING" if key in _BARE_ENCODINGS else "TYPE", part.strip()))
            continue
        if '"' in raw:
            values = [q or u for q, u in _QUOTED_VALUES.findall(raw)] or [""]
        else:
            values = raw.split(",") if "," in raw else [raw]
        if key == "TYPE":  # words, and TYPE="work,voice" is two of them
            values = [t.strip() for v in values for t in v.split(",")]
        for value in values:
            if v4 and "^" in value:
                value = _CARET.sub(lambda m: _CARETS[m[1]], value)
            if value or key != "TYPE":
                out.append((key, value))
    return tuple(out)


def unescape(text: str, v21: bool = False) -> str:
    """A TEXT value: `\\n` and `\\N` are newlines (not in 2.1); `\\\\`, `\\;`, `\\,`, `\\:`
    (which Apple writes in URLs) and `\\"` (Google's) the character; any other backslash
    stays, as in a Windows path."""
    if "\\" not in text:
        return text
    table = _ESCAPES_21 if v21 else _ESCAPES
    return _ESCAPE.sub(lambda m: table.get(m[1], m[0]), text)


def unescape_uri(text: str) -> str:
    """A URI written by a program that escaped it as text (`http\\://`, `base64\\,`)."""
    return _URI_ESCAPE.sub(r"\1", text) if "\\" in text else text


def split(text: str, sep: str = ";") -> list[str]:
    """Components (or list items, `sep` ","), still escaped: a separator after a backslash
    is not one."""
    if "\\" not in text:
        return text.split(sep)
    out: list[str] = []
    current: list[str] = []
    for piece in _SPLIT[sep].split(text):
        if piece == sep:
            out.append("".join(current))
            current = []
        elif piece:
            current.append(piece)
    out.append("".join(current))
    return out


def charset_of(prop: Prop) -> str | None:
    name = prop.param("CHARSET")
    if not name:
        return None
    name = name.strip().strip('"').lower()
    return _CHARSETS.get(name, name)


class Decoder:
    """Turns values into text; says once per file what it had to guess."""

    def __init__(self, warn: Callable[[int, str], None]):
        self._warn = warn
        self._guessed = False
        self._unknown: set[str] = set()

    def text(self, prop: Prop) -> str:
        """The value as text, not yet unescaped, under the character rule (breaks as LF,
        other controls dropped: contentlines applied it to every line it read as UTF-8).
        Quoted-printable and character sets undone."""
        if prop.encoding == "QUOTED-PRINTABLE":
            data = binascii.a2b_qp(prop.value.encode(
                "latin-1" if prop.flag == LATIN1 else "utf-8", "replace"))
            return clean(self._decode(prop, data))
        if prop.flag == LATIN1:
            return clean(self._decode(prop, prop.value.encode("latin-1")))
        return prop.value

    def _decode(self, prop: Prop, data: bytes) -> str:
        charset = charset_of(prop)
        if charset:
            try:
                codec = codecs.lookup(charset).name
            except LookupError:
                if charset not in self._unknown:
                    self._unknown.add(charset)
                    self._warn(prop.line, f"the character set {prop.param('CHARSET')!r} is "
                                          "not one Rolodeck knows; its text was read as "
                                          "UTF-8, or else Windows-1252")
            else:
                try:
                    return data.decode(codec)
                except UnicodeDecodeError:
                    self._warn(prop.line, f"the {prop.name} is not all valid "
                                          f"{prop.param('CHARSET')}, as its CHARSET says; "
                                          "what could not be read is shown as \ufffd")
                    return data.decode(codec, "replace")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        if not self._guessed and not charset:  # an unknown one was said above
            self._guessed = True
            self._warn(prop.line, "this text is not UTF-8 and says no CHARSET; it was read "
                                  "as Windows-1252 (Western European), as is any more such "
                                  "text in the file. If names look wrong, save the file as "
                                  "UTF-8 and import it again")
        return cp1252(data)


def _cp1252_char(octet: int) -> str:
    try:
        return bytes([octet]).decode("cp1252")
    except UnicodeDecodeError:  # one of the five it leaves undefined: as Latin-1 has it
        return chr(octet)


_CP1252 = str.maketrans({chr(i): _cp1252_char(i) for i in range(0x80, 0xA0)})


def cp1252(data: bytes) -> str:
    """Windows-1252 that never fails (its undefined octets read as Latin-1 reads them)."""
    return data.decode("latin-1").translate(_CP1252)


def base64_bytes(text: str) -> bytes | None:
    """Base64 as writers fold and pad it (whitespace anywhere, padding missing), or None
    when it is not base64."""
    body = _SPACE.sub("", text).rstrip("=")
    if not body or len(body) % 4 == 1 or _NOT_BASE64.search(body):
        return None
    try:
        return binascii.a2b_base64(body + "=" * (-len(body) % 4))
    except binascii.Error:
        return None
