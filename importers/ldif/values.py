"""LDIF values: an attribute line as read (`Attr`), its value as text, and the raw
property an attribute Rolodeck does not model is kept as.

A raw property is named `X-LDIF-<attribute>` (a valid vCard X- name, so a vCard export of
the contact carries it too), its options (`cn;lang-ja`) are X-LDIF-OPTION parameters, a
value given as a URL (`attr:< file:///photo.jpg`, never fetched) has VALUE=uri, and binary
data (a certificate, a GUID) is its base64 with ENCODING=b; text is kept as text. The writer
writes each back as it was."""

from __future__ import annotations

import binascii
import contextlib
import re
from collections.abc import Callable
from typing import NamedTuple

from app.domain.record import RawProperty
from importers.ldif.dn import ENCODING_B, OPTION, RAW_PREFIX, VALUE_URI
from importers.ldif.lines import ODD, windows_1252
from importers.vcard.lines import clean

PLAIN, BASE64, URL = 0, 1, 2
Warn = Callable[[int, str], None]

# Text a kept value may hold as text: anything but controls other than TAB, CR and LF.
_BINARY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Attr(NamedTuple):
    line: int
    name: str  # as written (`objectClass`), options left off
    key: str  # lower case
    options: tuple[str, ...]
    kind: int  # PLAIN, BASE64 or URL
    value: str  # as written: for BASE64 the base64 text


def b64(value: str) -> bytes | None:
    """The octets of a base64 value; None when it is not base64 (a missing `=` of padding
    is forgiven, as some writers leave it off)."""
    if " " in value or "\t" in value:
        value = "".join(value.split())
    try:
        return binascii.a2b_base64(value, strict_mode=True)
    except (binascii.Error, ValueError):
        if "=" in value or not len(value) % 4:
            return None
    try:
        return binascii.a2b_base64(value + "=" * (-len(value) % 4), strict_mode=True)
    except (binascii.Error, ValueError):
        return None


class Values:
    """Reads values and keeps raw properties for one file; `warn(line, message)` is told
    what was left off or guessed."""

    def __init__(self, warn: Warn):
        self.warn = warn

    def text(self, a: Attr) -> str | None:
        """The value as text; None when it is not text to read (a URL, bad base64), and is
        to be kept as it was."""
        if a.kind == PLAIN:
            return a.value
        if a.kind == URL:
            return None
        data = b64(a.value)
        if data is None:
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            self.warn(a.line, f"the {a.name} value is not UTF-8 text; it was read as "
                              "Windows-1252, so check its accented letters")
            text = windows_1252(data)
        return clean(text) if ODD.search(text) else text

    def keep(self, extra: list[RawProperty], a: Attr, text: str | None = None) -> RawProperty:
        """`a` as a raw property on `extra`: text when it is text, else its base64."""
        params: tuple[tuple[str, str], ...] = tuple((OPTION, o) for o in a.options)
        value = a.value if text is None else text
        if text is None and a.kind == URL:
            self.warn(a.line, f"the {a.name} value is a reference to {a.value[:80]}, which "
                              "Rolodeck does not fetch; the reference was kept as it was")
            params += (VALUE_URI,)
        elif text is None and a.kind == BASE64:
            data = b64(a.value)
            decoded = None
            if data is None:
                self.warn(a.line, f"the {a.name} value is not valid base64 (the file may be "
                                  "damaged here); it was kept as it was, unread")
            else:
                with contextlib.suppress(UnicodeDecodeError):
                    decoded = data.decode("utf-8")
            if decoded is not None and _BINARY.search(decoded) is None:
                value = clean(decoded)
            else:  # binary data (a certificate, a GUID): its octets kept as they were
                value = a.value if data is None else "".join(a.value.split())
                params += (ENCODING_B,)
        raw = RawProperty(RAW_PREFIX + a.name, value, params)
        extra.append(raw)
        return raw

    def secret(self, a: Attr) -> None:
        self.warn(a.line, f"the {a.name} was left off: an address book does not keep "
                          "passwords")
