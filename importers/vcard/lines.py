"""vCard content lines as both versions write them (RFC 6350 section 3.3, RFC 2426 section 4):
the character rule, escaping of values, quoting of parameters, folding. Pure string work,
shared by everything that writes a card; the reader will need the inverse of each.

The character rule, applied to every value and parameter value written: line breaks in any
form (CRLF, CR, LF, NEL, U+2028, U+2029) are newlines, escaped as `\\n` (in a 4.0 parameter
`^n`); every other control character (Unicode category Cc: C0, DEL, C1) except TAB is
dropped, and so are lone surrogates, which UTF-8 cannot carry. A property or parameter whose
name is not letters, digits and hyphens is not written; such a group is left off. A reader so
never meets a character that ends a line early or makes the file undecodable."""

from __future__ import annotations

import re
from collections.abc import Iterable

CRLF = "\r\n"
# Octets per physical line, the line break not counted (RFC 6350 3.2, RFC 2426 2.6).
FOLD_AT = 75

_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# Cc except TAB and LF (LF is what every break has become), and lone surrogates.
_DROP = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Anything in a text value that needs more than copying: one search decides the common case.
_TEXT_SPECIAL = re.compile("[\\\\,;\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# What clean() may change: any control (TAB too, for the URI rule), separator or surrogate.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_PARAM_SPECIAL = re.compile('[",:;^\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]')
_NEEDS_QUOTES = re.compile("[,:;]")
# RFC 6350 3.3: names and groups are iana-token or x-name, letters, digits and hyphens.
NAME = re.compile(r"[A-Za-z0-9-]+\Z")


def clean(text: str) -> str:
    """`text` under the character rule, newlines as LF."""
    if _CONTROLS.search(text) is None:
        return text
    return _DROP.sub("", _BREAK.sub("\n", text))


def escape_text(text: str) -> str:
    """A TEXT value, or one component or list item of a structured value (N, ADR, ORG,
    CATEGORIES): backslash, comma, semicolon and newline escaped in both versions."""
    if _TEXT_SPECIAL.search(text) is None:
        return text
    return (clean(text).replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\n", "\\n"))


def structured(components: Iterable[str]) -> str:
    """N, ADR, ORG: components separated by `;`, each escaped."""
    return ";".join(escape_text(c) for c in components)


def escape_uri(text: str) -> str:
    """A URI value is written as it is (RFC 6350 has its own example
    `PHOTO:data:image/jpeg;base64,...`, and the address-book clients read it that way);
    breaks and controls, TAB included, cannot be part of a URI and are dropped."""
    if _CONTROLS.search(text) is None:
        return text
    return clean(text).replace("\n", "").replace("\t", "")


def escape_raw(text: str) -> str:
    """A value kept verbatim from an imported file (already in its escaped form): only the
    character rule, a stray newline becoming the `\\n` escape it stands for."""
    if _CONTROLS.search(text) is None:
        return text
    return clean(text).replace("\n", "\\n")


def param_value(value: str, version: str) -> str:
    """One parameter value. 4.0 encodes caret, newline and double quote as RFC 6868 says
    (`^^`, `^n`, `^'`); 3.0 has no way to write a double quote or a newline in a parameter,
    so there a quote is dropped and a newline becomes a space. A value with a comma, colon
    or semicolon is put in double quotes."""
    if _PARAM_SPECIAL.search(value) is None:
        return value
    text = clean(value)
    if version == "4.0":
        text = text.replace("^", "^^").replace("\n", "^n").replace('"', "^'")
    else:
        text = text.replace('"', "").replace("\n", " ")
    return f'"{text}"' if _NEEDS_QUOTES.search(text) else text


def params_text(params: Iterable[tuple[str, str]], version: str) -> str:
    """`;NAME=v1,v2;OTHER=v` from (name, value) pairs: names upper-cased (they are
    case-insensitive) and the values of one name joined in the order given. A pair whose
    name is not a valid parameter name is dropped: it cannot be written readably."""
    grouped: dict[str, list[str]] = {}
    for name, value in params:
        key = name.upper()
        if NAME.match(key) is None:
            continue
        grouped.setdefault(key, []).append(param_value(value, version))
    return "".join(f";{name}={','.join(values)}" for name, values in grouped.items())


def fold(line: str) -> str:
    """`line` folded to lines of at most FOLD_AT octets (a continuation's leading space
    counted) joined by CRLF and a space; a cut never falls inside a UTF-8 sequence."""
    if len(line) <= FOLD_AT // 4:  # four octets a character at most: fits whatever it holds
        return line
    if line.isascii():
        if len(line) <= FOLD_AT:
            return line
        rest = FOLD_AT - 1
        parts = [line[:FOLD_AT]]
        parts += [line[i:i + rest] for i in range(FOLD_AT, len(line), rest)]
        return "\r\n ".join(parts)
    data = line.encode()
    if len(data) <= FOLD_AT:
        return line
    out: list[str] = []
    start, limit, size = 0, FOLD_AT, len(data)
    while size - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation octet: cut before its sequence
            end -= 1
        out.append(data[start:end].decode())
        start, limit = end, FOLD_AT - 1
    out.append(data[start:].decode())
    return "\r\n ".join(out)

