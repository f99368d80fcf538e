"""The drag format contacts travel in between views: a JSON list of contact ids.

A drop can come from anywhere (another program, another Rolodeck on another database), so
what arrives is checked before anything is added: anything but a plain list of sane ids reads
as no contacts at all, never as an error or a partial list.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from PySide6.QtCore import QMimeData

CONTACTS_MIME = "application/x-rolodeck-contacts"
MAX_IDS = 1_000_000
MAX_ID = 2**63  # exclusive: SQLite's integer keys are signed 64-bit
# The longest payload MAX_IDS ids can take (19 digits and ", " each, and the brackets), so
# a huge drop is turned away before it is parsed.
MAX_PAYLOAD = MAX_IDS * 21 + 2


def contact_mime(ids: Sequence[int], names: Sequence[str] = ()) -> QMimeData:
    """What a contact list puts on the drag: the ids, and the names as plain text for a drop
    on a text editor or an e-mail."""
    mime = QMimeData()
    mime.setData(CONTACTS_MIME, json.dumps([int(i) for i in ids]).encode("utf-8"))
    if names:
        mime.setText("\n".join(names))
    return mime


def carries_contacts(mime: QMimeData | None) -> bool:
    """Whether a drag offers contacts at all (its payload is checked on the drop)."""
    return mime is not None and mime.hasFormat(CONTACTS_MIME)


def contact_ids_of(mime: QMimeData | None) -> list[int]:
    """The contact ids a drag carries, each once, in order; [] for anything malformed."""
    if not carries_contacts(mime):
        return []
    assert mime is not None
    raw = bytes(mime.data(CONTACTS_MIME).data())
    if len(raw) > MAX_PAYLOAD:
        return []
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return []
    if not isinstance(value, list) or len(value) > MAX_IDS:
        return []
    # type() and not isinstance(): JSON's true and false arrive as bools, which are ints.
    if not all(type(i) is int and 0 <= i < MAX_ID for i in value):
        return []
    return list(dict.fromkeys(value))
