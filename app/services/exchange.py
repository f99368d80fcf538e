"""Contacts on their way to another program: vCard (the clipboard's text/vcard, an export
file) and a plain-text block per contact (the clipboard's text/plain, pasted into a mail).

Reads only, each in one read transaction, so a copy sees one state of the database."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from app.domain.contact import Address, Contact
from app.domain.errors import ValidationError
from app.services.progress import CancelToken, Progress, no_progress
from db.database import Database
from db.repositories import contacts as repo
from importers.vcard import VCardVersion, vcard_text
from importers.vcard.lines import clean
from importers.vcard.writer import formatted_name

# Past this a copy is not a copy: the text alone runs to hundreds of megabytes.
MAX_CONTACTS = 100_000
PROGRESS_EVERY = 100
# Contacts read per round of queries: big enough that the queries cost little per contact,
# small enough that a chunk's rows and Contacts stay a few megabytes.
CHUNK = repo.MANY_CHUNK


class ExchangeService:
    def __init__(self, db: Database):
        self._db = db

    def vcards(self, ids: Sequence[int], version: VCardVersion = "4.0", *,
               cancel: CancelToken | None = None, progress: Progress = no_progress) -> str:
        """The contacts as vCard 4.0 or 3.0 text, one card each in the order of `ids`.
        Ids of contacts purged since they were chosen are skipped; a contact in the trash
        is still a contact (the Trash view can copy too). A big selection takes a while
        (see _chunks): `progress(done, total)` follows it and `cancel` stops it."""
        wanted = _bounded(ids)
        with self._db.read() as s:
            return vcard_text(_contacts(s, wanted, cancel, progress), version)

    def as_text(self, ids: Sequence[int], *, cancel: CancelToken | None = None,
                progress: Progress = no_progress) -> str:
        """A block a person reads per contact: name, title at company, phones, e-mail
        addresses, postal addresses line by line, web sites, chat handles; a blank line
        between contacts."""
        wanted = _bounded(ids)
        with self._db.read() as s:
            return "\n\n".join(contact_text(c)
                               for c in _contacts(s, wanted, cancel, progress))


def _bounded(ids: Sequence[int]) -> list[int]:
    if len(ids) > MAX_CONTACTS:
        raise ValidationError(
            f"{len(ids):,} contacts were chosen; at most {MAX_CONTACTS:,} can be copied or "
            "exported at once. Choose fewer and do it in parts.")
    return list(dict.fromkeys(ids))


def _contacts(s, ids: list[int], cancel: CancelToken | None,
              progress: Progress) -> Iterator[Contact]:
    """The contacts one by one, read a chunk at a time (see _chunks); progress counts the
    ids gone through, purged ones too, so it ends at the total."""
    total = len(ids)
    done = 0
    for chunk_ids, found in _chunks(s, ids):
        by_id = {c.id: c for c in found}
        for contact_id in chunk_ids:
            if cancel:
                cancel.raise_if_set()
            done += 1
            # Absent: purged since it was chosen, nothing left to copy.
            if (contact := by_id.pop(contact_id, None)) is not None:
                yield contact
            if done % PROGRESS_EVERY == 0 or done == total:
                progress(done, total)


def _chunks(s, ids: list[int]) -> Iterator[tuple[list[int], list[Contact]]]:
    """(ids, their contacts) per CHUNK ids, a few queries each (repo.get_many): only one
    chunk's contacts are in memory at once, however many are exported, and a cancel
    stops before the next chunk is read."""
    for start in range(0, len(ids), CHUNK):
        chunk_ids = ids[start:start + CHUNK]
        yield chunk_ids, repo.get_many(s, chunk_ids, include_deleted=True)


def contact_text(c: Contact) -> str:
    """One contact as plain text, in the words the contact panel uses."""
    lines = [formatted_name(c)]
    role = ", ".join(x for x in (_one_line(c.title), _one_line(c.department)) if x)
    company = _one_line(c.account_name or "")
    if role or company:
        lines.append(f"{role} at {company}" if role and company else role or company)
    lines += [f"{_caption('Phone', p.label)}: {value}" for p in c.phones
              if (value := _one_line(p.value))]
    lines += [f"{_caption('E-mail', e.label)}: {value}" for e in c.emails
              if (value := _one_line(e.value))]
    for a in c.addresses:
        if parts := address_lines(a):
            lines.append(f"{_caption('Address', a.label)}:")
            lines += [f"  {part}" for part in parts]
    lines += [f"Web: {value}" for w in c.websites if (value := _one_line(w.url))]
    lines += [f"{_one_line(m.service) or 'Chat'}: {value}" for m in c.ims
              if (value := _one_line(m.handle))]
    return "\n".join(lines)


def address_lines(a: Address) -> list[str]:
    """The address as it is written on an envelope, in the contact panel's order."""
    street = [_one_line(line) for line in clean(a.street).split("\n")]
    town = " ".join(x for x in (_one_line(a.postal_code), _one_line(a.locality)) if x)
    return [x for x in (_one_line(a.po_box), _one_line(a.extended), *street, town,
                        _one_line(a.region), _one_line(a.country)) if x]


def _caption(kind: str, label: str) -> str:
    label = _one_line(label)
    return f"{kind} ({label})" if label else kind


def _one_line(text: str) -> str:
    # Pasted text keeps no control characters (a NUL ends the clipboard's text on some
    # systems) and no stray breaks inside what is one value.
    return " ".join(clean(text).split())
