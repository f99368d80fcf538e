"""What an imported record does to the contact it matched: the values of both folded into
one, and whether that changes anything. Pure: no database, no files.

Two ways, by how the match was made:
- an update (same UID: the file is a later export of the same record): the file's value
  replaces the stored one wherever the file has a value; an empty one in the file never
  blanks a stored one;
- a merge (same e-mail, phone or name and company: another record of the same person): the
  stored value stays wherever there is one, empty fields are filled from the file, and the
  file's note is added below the stored one.
Either way every phone, e-mail address, postal address, web site, chat handle, tag and kept
vCard property of both is kept: the file's are added beside the stored ones, never over
them. Details compare by their normalised value (a phone in E.164, an address without case),
so "+1 555 0100" and "+15550100" are one phone, kept as the address book wrote it."""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

from app.domain import matching as m
from app.domain.contact import Address, Contact, Email, ImHandle, Phone, Website
from app.domain.dates import PartialDate
from app.domain.errors import ValidationError
from importers.csv.values import restore

if TYPE_CHECKING:
    from db.queries.match_keys import Stored

T = TypeVar("T", Phone, Email, Address, Website, ImHandle)

_SCALARS = ("prefix", "given", "middle", "family", "suffix", "nickname", "title",
            "department")
_OPTIONAL = ("birthday", "anniversary")


def combine(stored: Contact, incoming: Contact, *, newer: bool,
            region: str | None = None) -> Contact:
    """`stored` with `incoming` folded in (see the module's docstring); `newer`: an update
    (the file wins) rather than a merge (the stored record wins). Neither is changed. The
    result keeps the stored id, UID and version; when its company changes, account_id is None
    and account_name names the company to link (found or made when it is saved)."""
    out = replace(stored, phones=list(stored.phones), emails=list(stored.emails),
                  addresses=list(stored.addresses), websites=list(stored.websites),
                  ims=list(stored.ims), tags=list(stored.tags), custom=dict(stored.custom),
                  extra=list(stored.extra))
    for name in (*_SCALARS, *_OPTIONAL):
        mine, theirs = getattr(stored, name), getattr(incoming, name)
        if theirs in (None, "") or theirs == mine:
            continue
        if newer or mine in (None, ""):
            setattr(out, name, theirs)
    if incoming.photo is not None and incoming.photo != stored.photo and (
            newer or stored.photo is None):
        out.photo, out.photo_mime = incoming.photo, incoming.photo_mime
    _notes(out, stored.notes, incoming.notes, newer)
    _company(out, stored, incoming, newer)

    def phone(p: Phone) -> Hashable:
        return m.phone_key(p.value, region) or p.value.strip()

    _details(out.phones, incoming.phones, phone, newer)
    _details(out.emails, incoming.emails, lambda e: m.email_key(e.value), newer)
    _details(out.addresses, incoming.addresses, m.address_key, newer)
    _details(out.websites, incoming.websites, lambda w: m.website_key(w.url), newer)
    _details(out.ims, incoming.ims, lambda i: m.im_key(i.service, i.handle), newer)
    seen = {m.tag_key(t) for t in out.tags}
    for tag in incoming.tags:
        if (key := m.tag_key(tag)) and key not in seen:
            seen.add(key)
            out.tags.append(tag)
    out.custom = (out.custom | incoming.custom) if newer else (incoming.custom | out.custom)
    # Kept vCard properties cannot be told apart as old and new versions of one another
    # (two X-SKYPE lines are two handles): the file's are added beside the stored ones.
    out.extra += [p for p in incoming.extra if p not in out.extra]
    return out


def _notes(out: Contact, mine: str, theirs: str, newer: bool) -> None:
    theirs = theirs.strip()
    # A spreadsheet export guards a note that starts like a formula with a "'": the same
    # note read back from it is no new text.
    if not theirs or theirs in mine or restore(theirs) in mine:
        return
    if newer and mine.strip() in theirs:  # the file's note says all the stored one does
        out.notes = theirs
    else:
        out.notes = f"{mine}\n\n{theirs}".strip()


def _company(out: Contact, stored: Contact, incoming: Contact, newer: bool) -> None:
    theirs = (incoming.account_name or "").strip()
    if not theirs or m.company_key(theirs) == m.company_key(stored.account_name):
        return
    if newer or not (stored.account_name or "").strip():
        out.account_id, out.account_name = None, theirs


def _details(mine: list[T], theirs: Sequence[T], key: Callable[[T], Hashable],
             newer: bool) -> None:
    """Add to `mine` each of `theirs` whose key it lacks; in an update, one whose key it has
    but whose label differs takes the stored one's place. One preferred at most: in an
    update the file's preferred one, else the stored one's."""
    at = {key(d): i for i, d in enumerate(mine)}
    file_preferred = None
    for d in theirs:
        k = key(d)
        i = at.get(k)
        if i is None:
            at[k] = len(mine)
            mine.append(replace(d, preferred=False))
            i = at[k]
        elif newer and (d.label, sorted(d.params), d.group) != (
                mine[i].label, sorted(mine[i].params), mine[i].group):
            mine[i] = replace(d, preferred=mine[i].preferred)
        if d.preferred and file_preferred is None:
            file_preferred = i
    if newer and file_preferred is not None and not mine[file_preferred].preferred:
        for i, d in enumerate(mine):
            if d.preferred != (i == file_preferred):
                mine[i] = replace(d, preferred=i == file_preferred)


def content(c: Contact) -> tuple[Any, ...]:
    """What an import can change of a contact, as one comparable value: equal content, no
    change (company by name without case, tags without case, the photo by its bytes, vCard
    parameters in any order)."""
    return (
        _scalars(c),
        c.birthday, c.anniversary, c.photo, c.photo_mime if c.photo is not None else "",
        c.notes, m.company_key(c.account_name),
        _entries(c.phones, _PHONE), _entries(c.emails, _EMAIL),
        _entries(c.addresses, _ADDRESS), _entries(c.websites, _WEBSITE), _entries(c.ims, _IM),
        tuple(sorted(m.tag_key(t) for t in c.tags if t.strip())) if c.tags else (),
        tuple(sorted(c.custom.items())) if c.custom else (),
        tuple(c.extra),
    )


# Each detail's entry in content(): its fields, label, preferred, params, group (attrgetter:
# an import works out the content of every record it reads, so at C speed).
_scalars = attrgetter(*_SCALARS)
_PHONE = _EMAIL = attrgetter("value", "label", "preferred", "params", "group")
_ADDRESS = attrgetter("street", "locality", "region", "postal_code", "country", "po_box",
                      "extended", "label", "preferred", "params", "group")
_WEBSITE = attrgetter("url", "label", "preferred", "params", "group")
_IM = attrgetter("handle", "service", "label", "preferred", "params", "group")


def _entries(details: Sequence[Any], get: Callable[[Any], tuple[Any, ...]]
             ) -> tuple[tuple[Any, ...], ...]:
    if not details:
        return ()
    out = tuple(map(get, details))
    if any(len(d[-2]) > 1 for d in out):  # parameters in any order are the same ones
        out = tuple(map(_stored_detail, out))
    return out


# What each part of content() is called in a plan's "what changes" (the name parts one by one).
_PART_NAMES = ("birthday", "anniversary", "photo", "photo", "notes", "company", "phones",
               "e-mail addresses", "addresses", "web sites", "chat handles", "tags",
               "custom fields", "other vCard properties")


def changed_fields(before: Contact, after: Contact) -> tuple[str, ...]:
    """What differs between two versions of a contact, in words, each once, in the order
    the editor shows them: ("title", "phones", "tags")."""
    a, b = content(before), content(after)
    out = [name.replace("_", " ") for name, x, y in zip(_SCALARS, a[0], b[0], strict=True)
           if x != y]
    for name, x, y in zip(_PART_NAMES, a[1:], b[1:], strict=True):
        if x != y and name not in out:
            out.append(name)
    return tuple(out)


def _p(params: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(params)) if len(params) > 1 else params


def fingerprint(c: Contact) -> int:
    """content() as a number, for telling at a glance, without reading the stored contact
    again, that a re-imported card is exactly what is stored. A digest of content() in
    marshal's format 2 (plain values, no references, the same bytes for the same values in
    any process: Python's own hash() of a string differs from process to process, and the
    file may be read in another)."""
    x = content(c)
    photo = hashlib.blake2b(c.photo, digest_size=16).digest() if c.photo is not None else None
    plain = (x[0], x[1] and x[1].iso(), x[2] and x[2].iso(), photo, *x[4:-1],
             tuple((p.name, p.value, p.params, p.group) for p in c.extra))
    return _digest(plain)


def stored_fingerprint(s: Stored) -> int | None:
    """fingerprint() of a stored contact from its content as match_keys.contents reads it,
    without building the Contact: the same number get_many's Contact would give. None when
    a stored date cannot be read (the contact is then compared in full, which says why)."""
    try:
        birthday = _iso(s.birthday) if s.birthday else None
        anniversary = _iso(s.anniversary) if s.anniversary else None
    except ValidationError:
        return None
    photo = hashlib.blake2b(s.photo, digest_size=16).digest() if s.photo is not None else None
    plain = (
        (s.prefix, s.given, s.middle, s.family, s.suffix, s.nickname, s.title, s.department),
        birthday, anniversary, photo, s.photo_mime if s.photo is not None else "", s.notes,
        m.company_key(s.account_name),
        *(tuple(_stored_detail(d) for d in details)
          for details in (s.phones, s.emails, s.addresses, s.websites, s.ims)),
        tuple(sorted(m.tag_key(t) for t in s.tags if t.strip())),
        tuple(sorted(s.custom.items())),
        tuple(s.extra),
    )
    return _digest(plain)


def _stored_detail(d: tuple[Any, ...]) -> tuple[Any, ...]:
    """A detail's content() entry from (its own fields..., label, preferred, params, group)."""
    params = d[-2]
    return d if len(params) < 2 else (*d[:-2], tuple(sorted(params)), d[-1])


@lru_cache(maxsize=4096)
def _iso(text: str) -> str:
    """A stored date as get_many's PartialDate writes it (most are one of a few thousand)."""
    return PartialDate.parse(text).iso()


def _digest(plain: tuple[Any, ...]) -> int:
    return int.from_bytes(hashlib.blake2b(marshal.dumps(plain, 2), digest_size=8).digest(),
                          "big")
