"""One card's properties -> a Contact (or a group): the inverse of writer.py. This module
holds the card being built and what is settled at its end; fields.py what each property
means.

Nothing is dropped without a word. A property Rolodeck models goes to its field; one it does
not (ROLE, GEO, X-ABDATE, RELATED, KEY, a photo given as a URL, a second TITLE...) is kept
as a RawProperty in `extra`, value in its escaped form and with its group and parameters,
so the writer writes it back; a value decoded from quoted-printable or a CHARSET is kept
decoded, without those parameters. A date that is not one (Feb 30, 0000-00-00, "circa
1800") is kept the same way, with a warning when it looked like a date. What is left off is
said in a warning: a photo over the size limit, a property too long to read.

FN is not a field: the writer derives it from the name. A card's FN is kept raw only when it
has a word the name has not; a card with no name at all takes its name from FN.
VERSION and PRODID describe the file, not the contact, and are not kept.

Written for speed as much as for clarity: a hundred thousand cards pass through here, so the
common properties take short paths (no decoding when nothing is encoded, no unescaping when
there is no backslash) and the per-card state is made only when a card needs it."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable

from app.domain.contact import Contact
from app.domain.record import RawProperty
from importers.vcard import details
from importers.vcard.contentlines import MAX_PROPERTY
from importers.vcard.details import NO_PREF
from importers.vcard.fields import HANDLERS
from importers.vcard.parsed import ParsedGroup, size_text
from importers.vcard.values import Decoder, Prop, split, unescape
from importers.vcard.writer import formatted_name

_FRAME = frozenset({"BEGIN", "END", "VERSION", "PRODID"})
_UID_SPACE = uuid.UUID("0f6c3f2e-52a8-4c5e-9a53-7a1f0d2b9e61")
# What the writer puts in FN when a contact has nothing to call it by: not a name.
_PLACEHOLDER = formatted_name(Contact())

Warn = Callable[[int, str], None]


def derived_uid(lines: list[str]) -> str:
    """A UID for a card that has none, the same each time the same card is read."""
    return str(uuid.uuid5(_UID_SPACE, "\n".join(lines)))


class CardBuilder:
    def __init__(self, version: str, decoder: Decoder, warn: Warn):
        self.version = version
        self.v4 = version.startswith("4")
        self.v21 = version.startswith("2") or not version
        self.decoder = decoder
        self.warn = warn
        self.c = Contact()
        self.extra = self.c.extra
        self.fn: tuple[Prop, str] | None = None
        self.n_seen = self.has_org = self.has_rev = self.kind_group = False
        self.notes: list[str] = []
        self.tags: set[str] = set()
        # The most preferred detail so far per list: attribute -> (rank, index).
        self.prefs: dict[str, tuple[int, int]] = {}
        # Grouped properties: how many per group, the details among them, X-ABLabels.
        self.group_sizes: dict[str, int] = {}
        self.grouped: dict[str, list[details.Detail]] = {}
        self.labels: list[tuple[str, RawProperty, str]] = []
        self.members: list[str] = []
        self.taken: set[int] = set()  # ids of kept properties taken back at the end
        self.member_props: set[int] = set()
        self.agent = -1  # where in `extra` an empty AGENT waits for its card

    # -- reading ---------------------------------------------------------------------------

    def add(self, prop: Prop) -> None:
        if prop.group:
            key = prop.group.casefold()
            self.group_sizes[key] = self.group_sizes.get(key, 0) + 1
        if prop.flag > 0:
            size = size_text(prop.flag, MAX_PROPERTY)
            self.warn(prop.line, f"the {prop.name} property is {size}, more "
                                 f"than the {size_text(MAX_PROPERTY)} one property may have; "
                                 "it was left off and the rest of the card was read")
            return
        handler = HANDLERS.get(prop.key)
        if handler is not None:
            handler(self, prop)
        elif prop.key not in _FRAME:
            self.keep(prop)

    def raw(self, prop: Prop) -> str:
        """The value decoded (QP, CHARSET) but still escaped."""
        return prop.value if not (prop.flag or prop.encoding) else self.decoder.text(prop)

    def text(self, prop: Prop) -> str:
        value = prop.value if not (prop.flag or prop.encoding) else self.decoder.text(prop)
        return unescape(value, self.v21) if "\\" in value else value

    def parts(self, prop: Prop, sep: str = ";") -> list[str]:
        """A structured value's components (or a list's items), each unescaped."""
        value = prop.value if not (prop.flag or prop.encoding) else self.decoder.text(prop)
        if "\\" not in value:
            return value.split(sep)
        return [unescape(p, self.v21) for p in split(value, sep)]

    def keep(self, prop: Prop) -> RawProperty:
        """`prop` as a raw property: decoded from QP or a CHARSET if it was (and without
        those parameters), its base64 unfolded, else its value as it came."""
        params = prop.params
        if prop.encoding in ("B", "BASE64"):
            value = "".join(prop.value.split())
            params = tuple(("ENCODING", "b") if k == "ENCODING" else (k, v) for k, v in params)
        else:
            value = self.raw(prop).replace("\n", "\\n")
            if params:
                params = tuple((k, v) for k, v in params if k != "CHARSET" and not (
                    k == "ENCODING" and v.upper() in ("QUOTED-PRINTABLE", "8BIT", "7BIT")))
        raw = RawProperty(prop.name, value, params, prop.group)
        self.extra.append(raw)
        return raw

    def detail(self, items: list, attr: str, detail: details.Detail, rank: int) -> None:
        if rank != NO_PREF and rank < self.prefs.get(attr, (NO_PREF, 0))[0]:
            self.prefs[attr] = (rank, len(items))
        if detail.group:
            self.grouped.setdefault(detail.group.casefold(), []).append(detail)
        items.append(detail)

    def fill_agent(self, value: str) -> None:
        if self.agent >= 0:
            self.extra[self.agent] = dataclasses.replace(self.extra[self.agent], value=value)

    # -- the end of the card ---------------------------------------------------------------

    def finish(self) -> Contact:
        c = self.c
        for attr, (_rank, index) in self.prefs.items():
            getattr(c, attr)[index].preferred = True
        if self.labels:
            self._apply_labels()
        if self.notes:
            c.notes = "\n\n".join(self.notes)
        if not self.kind_group and self.fn is not None:
            self._settle_name()
        if self.taken:
            c.extra[:] = [p for p in c.extra if id(p) not in self.taken]
        return c

    def _apply_labels(self) -> None:
        """Apple's `itemN.X-ABLabel` is the label of the details in its group; a group that
        only binds the label to its detail is not kept, as the writer makes one again."""
        for group, raw, text in self.labels:
            found = self.grouped.get(group)
            if not found:
                continue
            label = details.apple_label(" ".join(text.split()))
            self.taken.add(id(raw))
            alone = self.group_sizes.get(group, 0) == len(found) + 1
            for detail in found:
                detail.label = label
                if alone:
                    detail.group = None

    def _settle_name(self) -> None:
        """FN gives the name of a card without one; any other FN is kept only when it says
        something the name does not (a word that is not in it), as the writer derives FN
        from the name: `Forrest Gump` for `Mr. Forrest Gump` is not kept."""
        prop, fn = self.fn  # type: ignore[misc]
        c = self.c
        if fn and fn == " ".join(p for p in (c.prefix, c.given, c.middle, c.family, c.suffix)
                                 if p):
            return  # the usual card: FN is the name, and says nothing more
        fn = " ".join(fn.split())
        if not fn or fn == _PLACEHOLDER:
            return
        unnamed = not (c.given or c.family or c.middle or c.prefix or c.suffix)
        if unnamed and (not c.display_name or fn != formatted_name(c)):
            _name_from(c, fn)
        if fn != formatted_name(c) and not _words(fn) <= _words(
                " ".join((c.prefix, c.given, c.middle, c.family, c.suffix, c.nickname))):
            self.keep(prop)

    def group(self, line: int, record: int) -> ParsedGroup:
        """This card as the group it is (kind_group): its name from FN, else N."""
        c = self.finish()
        name = (" ".join(self.fn[1].split()) if self.fn else "") or c.display_name or (
            c.account_name or "")
        extra = [p for p in c.extra if id(p) not in self.member_props]
        return ParsedGroup(name, c.uid, self.members, line, record, extra)


def _words(text: str) -> set[str]:
    return {w.strip(",;").casefold() for w in text.split()} - {""}


def _name_from(c: Contact, fn: str) -> None:
    """A card with only FN: `Given Family`, `Family, Given`, or one word; a company's card
    (FN is its ORG) keeps the whole name as given."""
    if c.account_name and fn.casefold() == c.account_name.strip().casefold():
        c.given = fn
        return
    family, comma, given = fn.partition(",")
    if comma and given.strip() and "," not in given:
        c.family, c.given = family.strip(), given.strip()
        return
    given, _, family = fn.rpartition(" ")
    if given:
        c.given, c.family = given, family
    else:
        c.given = fn
