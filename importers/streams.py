"""Bytes in, for the readers of line-based formats (vCard, LDIF): a file or any iterable of
byte chunks read a chunk at a time, its encoding found from its first bytes (a BOM, or the
NULs of UTF-16 without one), and UTF-16/32 turned into UTF-8 as it streams, so that the
reader itself only ever splits UTF-8."""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from typing import BinaryIO

CHUNK = 1 << 20
_BOMS = (("utf-32-le", b"\xff\xfe\x00\x00"), ("utf-32-be", b"\x00\x00\xfe\xff"),
         ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-8", codecs.BOM_UTF8))


def chunks(stream: BinaryIO | Iterable[bytes], size: int = CHUNK) -> Iterator[bytes]:
    read = getattr(stream, "read", None)
    if read is None:
        for chunk in stream:
            if chunk:
                yield bytes(chunk)
        return
    while chunk := read(size):
        yield chunk


def sniff_encoding(head: bytes) -> tuple[str, bool]:
    """The encoding of a stream that begins with `head`, and whether it has a BOM. UTF-32's
    BOMs are tried before UTF-16's, which begin them."""
    for encoding, bom in _BOMS:
        if head.startswith(bom):
            return encoding, True
    # UTF-16 without a BOM: every other byte of ASCII text is NUL.
    if len(head) >= 4 and head[1] == 0 == head[3] and head[0] and head[2]:
        return "utf-16-le", False
    if len(head) >= 4 and head[0] == 0 == head[2] and head[1] and head[3]:
        return "utf-16-be", False
    return "utf-8", False


def transcoded(head: bytes, chunks: Iterator[bytes], encoding: str) -> Iterator[bytes]:
    """A UTF-16 or UTF-32 stream as UTF-8, chunk by chunk (less its BOM), so that it is read
    as any other file is; what cannot be decoded becomes U+FFFD."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(head)
    yield (text[1:] if text.startswith("\ufeff") else text).encode()
    for chunk in chunks:
        yield decoder.decode(chunk).encode()
    yield decoder.decode(b"", final=True).encode()
