"""One LDIF entry's attributes -> a Contact: vocabulary.py says what each attribute
means, this module what is settled once the entry is read (values.py reads the values).

Nothing is dropped without a word. An attribute Rolodeck models goes to its field; one it
does not (mozillaUseHtmlMail, modifytimestamp, an object class beyond Thunderbird's own, a
second title, a value given as a URL) is kept raw on `extra` (values.py), so that the
writer writes it back and reading that gives the same contact. What is left off is said in
a warning: a password, a photo over the size limit.

The order of a contact's details is the writer's, not the file's (e-mail before second
e-mail, work phone before home phone...), and a field that holds one value takes the first
and keeps the others raw: so reading what the writer wrote gives back an equal contact."""

from __future__ import annotations

import unicodedata
from typing import Any

from app.domain.contact import (
    MAX_PHOTO_BYTES,
    Address,
    Contact,
    Email,
    ImHandle,
    Phone,
    Website,
)
from app.domain.dates import PartialDate
from app.domain.errors import ValidationError
from app.domain.record import RawProperty
from importers.ldif import vocabulary as vocab
from importers.ldif.dn import DN_PROPERTY, RAW_PREFIX, derived_dn, normal, shown_name, uid_of
from importers.ldif.values import BASE64, PLAIN, Attr, Values, b64
from importers.vcard.parsed import size_text
from importers.vcard.vocabulary import PHOTO_MAGIC

Code = vocab.Code

# Fields of one value: a value with options fills one only when no plain value did.
_SINGLE = frozenset({Code.SCALAR, Code.NAME, Code.ADDRESS, Code.POSTAL, Code.BIRTH,
                     Code.CUSTOM})
_OWN_PERSON = frozenset(c.lower() for c in vocab.PERSON_CLASSES)


def _words(text: str) -> set[str]:
    return {w.strip(",;").casefold() for w in text.split()} - {""}


def _east_asian(text: str) -> bool:
    letters = [ch for ch in text if not ch.isspace()]
    return bool(letters) and not text.isascii() and all(
        unicodedata.name(ch, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))
        for ch in letters)


def _name_from(c: Contact, name: str) -> None:
    """An entry with only a cn: `Given Family`, `Family, Given`, `渡辺 さくら` (family first),
    or one word; a company's entry (the cn is its o) keeps the whole name as given."""
    if c.account_name and name.casefold() == c.account_name.strip().casefold():
        c.given = name
        return
    family, comma, given = name.partition(",")
    if comma and given.strip() and "," not in given:
        c.family, c.given = family.strip(), given.strip()
        return
    first, _, last = name.rpartition(" ")
    if not first:
        c.given = name
    elif _east_asian(name):
        c.family, c.given = name.partition(" ")[0], name.partition(" ")[2]
    else:
        c.given, c.family = first, last


def _other_name(c: Contact, words: list[str]) -> bool:
    """The given name from a cn that is it and the family name (or the other way round);
    False when the cn is not that."""
    known = (c.family or c.given).split()
    n = len(known)
    if len(words) <= n:
        return False
    folded = [w.casefold() for w in words]
    mine = [w.casefold() for w in known]
    family_first = _east_asian(" ".join(words))
    if c.family:
        if not family_first and folded[-n:] == mine:
            c.given = " ".join(words[:-n])
        elif family_first and folded[:n] == mine:
            c.given = " ".join(words[n:])
        else:
            return False
    elif not family_first and folded[:n] == mine:
        c.family = " ".join(words[n:])
    elif family_first and folded[-n:] == mine:
        c.family = " ".join(words[:-n])
    else:
        return False
    return True



class Person:
    """The contact one entry describes: `Person(values, dn).build(attrs)` is it, or None
    when the entry has no name and no e-mail address."""

    def __init__(self, values: Values, dn: str):
        self.b = values
        self.dn = dn
        self.c = c = Contact()
        self.extra = c.extra
        self.emails: tuple[list[Email], list[Email]] = ([], [])
        self.phones: tuple[list[Phone], ...] = ([], [], [], [], [])
        self.websites: tuple[list[Website], list[Website]] = ([], [])
        self.addresses: list[list[str] | None] = [None, None]
        self.notes: list[str] = []
        self.birth: list[tuple[Attr, str] | None] = [None, None, None]
        self.names: list[tuple[RawProperty, str]] = []
        self.deferred: list[Attr] = []

    def build(self, attrs: list[Attr]) -> Contact | None:
        get = vocab.ATTRIBUTES.get
        c = self.c
        emails, phones, addresses = self.emails, self.phones, self.addresses
        scalar, email, phone, address = Code.SCALAR, Code.EMAIL, Code.PHONE, Code.ADDRESS
        for a in attrs:
            spec = get(a[2])
            # The commonest attributes, plain and without options, here: a hundred thousand
            # entries pass through; the others in add().
            if spec is not None and a[4] == PLAIN and not a[3]:
                code, arg = spec
                text = a[5]
                value = text.strip()
                if code is scalar:
                    if value:
                        if getattr(c, arg):
                            self.keep(a, text)
                        else:
                            setattr(c, arg, value)
                    continue
                if code is email:
                    if value:
                        emails[arg].append(Email(value, ""))
                    continue
                if code is phone:
                    if value:
                        phones[arg[0]].append(Phone(value, arg[1]))
                    continue
                if code is address and value:
                    place, part = arg
                    parts = addresses[place]
                    if parts is not None and not parts[part]:
                        parts[part] = value
                    else:
                        self._address_part(a, text, place, part, value)
                    continue
            self.add(a, spec)
        for a in self.deferred:  # values with options: where no plain value went
            self.add(a, get(a.key), deferred=True)
        return self.finish()

    def keep(self, a: Attr, text: str | None = None) -> RawProperty:
        return self.b.keep(self.extra, a, text)

    def add(self, a: Attr, spec: tuple[Code, Any] | None, deferred: bool = False) -> None:
        if spec is None:
            self.keep(a)
            return
        code, arg = spec
        if a[3] and not deferred and code is not Code.PHOTO:  # options
            if code in _SINGLE:
                self.deferred.append(a)
            else:
                self.keep(a)
            return
        if code is Code.PHOTO:
            self._photo(a)
            return
        if code is Code.SECRET:
            self.b.secret(a)
            return
        text = a[5] if a[4] == PLAIN else self.b.text(a)
        if text is None:
            self.keep(a)
            return
        value = text.strip()
        if not value:
            return
        c = self.c
        # The commonest first: a hundred thousand entries pass through here.
        if code is Code.SCALAR:
            if getattr(c, arg):
                self.keep(a, text)
            else:
                setattr(c, arg, value)
        elif code is Code.EMAIL:
            self.emails[arg].append(Email(value, ""))
        elif code is Code.PHONE:
            bucket, label = arg
            self.phones[bucket].append(Phone(value, label))
        elif code is Code.ADDRESS:
            place, part = arg
            self._address_part(a, text, place, part, value)
        elif code is Code.NAME:
            self.names.append((self.keep(a, text), value))
        elif code is Code.OBJECTCLASS:
            if value.lower() not in _OWN_PERSON:
                self.keep(a, text)
        elif code is Code.POSTAL:
            lines = [" ".join(x.replace("\\24", "$").replace("\\5C", "\\")
                              .replace("\\5c", "\\").split())
                     for x in value.replace("\n", "$").split("$")]
            self._address_part(a, text, arg, vocab.STREET,
                               "\n".join(x for x in lines if x))
        elif code is Code.WEBSITE:
            bucket, label = arg
            self.websites[bucket].append(Website(value, label))
        elif code is Code.LABELED_URI:
            url, _, label = value.partition(" ")
            if label.strip():
                self.keep(a, text)  # its label would be lost as a web site
            else:
                self.websites[0].append(Website(url, "work"))
        elif code is Code.IM:
            c.ims.append(ImHandle(value, str(arg), ""))
        elif code is Code.NOTE:
            self.notes.append(text)
        elif code is Code.BIRTH:
            if self.birth[arg] is None:
                self.birth[arg] = (a, value)
            else:
                self.keep(a, text)
        elif code is Code.CUSTOM:
            if arg in c.custom:
                self.keep(a, text)
            else:
                c.custom[str(arg)] = value
        else:  # a list's member, on a person
            self.keep(a, text)

    def _address_part(self, a: Attr, text: str, place: int, part: int, value: str) -> None:
        parts = self.addresses[place]
        if parts is None:
            parts = self.addresses[place] = [""] * 7
        if parts[part]:
            self.keep(a, text)
        else:
            parts[part] = value

    def _photo(self, a: Attr) -> None:
        if self.c.photo is not None or a.kind != BASE64:
            self.keep(a)
            return
        data = b64(a.value)
        if data is None:
            self.keep(a)  # which says it is not base64
            return
        if len(data) > MAX_PHOTO_BYTES:
            self.b.warn(a.line, f"the photo is {size_text(len(data))}; Rolodeck keeps photos "
                                f"up to {size_text(MAX_PHOTO_BYTES)}, so it was left off and "
                                "the rest of the entry was read")
        elif data:
            self.c.photo = data
            self.c.photo_mime = next((m for magic, m in PHOTO_MAGIC if data.startswith(magic)),
                                     "image/jpeg")

    # -- the end of the entry ------------------------------------------------------------

    def finish(self) -> Contact | None:
        c = self.c
        c.emails = [*self.emails[0], *self.emails[1]]
        c.phones = [p for bucket in self.phones for p in bucket]
        c.websites = [*self.websites[0], *self.websites[1]]
        for place, parts in enumerate(self.addresses):
            if parts is not None:
                c.addresses.append(Address(
                    street="\n".join(p for p in parts[:2] if p), locality=parts[2],
                    region=parts[3], postal_code=parts[4], country=parts[5], po_box=parts[6],
                    label=vocab.PLACES[place]))
        if self.notes:
            c.notes = "\n\n".join(self.notes)
        if any(self.birth):
            self._birthday()
        self._settle_names()
        if not c.display_name:
            return None
        derived = derived_dn(c)
        if self.dn != derived and self.dn.strip() and normal(self.dn) != normal(derived):
            self.extra.insert(0, RawProperty(DN_PROPERTY, self.dn))
        c.uid = uid_of(self.dn if self.dn.strip() else derived)
        return c

    def _birthday(self) -> None:
        year, month, day = self.birth
        try:
            if month is None or day is None:
                raise ValidationError("no month and day")
            self.c.birthday = PartialDate(int(month[1]), int(day[1]),
                                          int(year[1]) if year is not None else None)
            return
        except (ValueError, ValidationError):
            pass
        found = [x for x in self.birth if x is not None]
        what = ", ".join(f"{a.name} {value}" for a, value in found)
        line = found[0][0].line
        if month is None or day is None:
            self.b.warn(line, f"the birthday ({what}) has no month or no day, which "
                              "Rolodeck needs; it was kept as it was")
        else:
            self.b.warn(line, f"the birthday ({what}) is not a date; it was kept as it was")
        for a, value in sorted(found, key=lambda x: x[0].line):
            self.keep(a, value)

    def _settle_names(self) -> None:
        """A cn (or displayName) gives the name of an entry that has no givenName or sn;
        any cn is kept only when it says something the name does not (a word that is not
        in it), as the writer writes cn from the name: `Jane Doe` for givenName Jane, sn
        Doe is not kept, `Jane Doe (Sales)` is. A cn with options (`cn;lang-ja`) is kept."""
        c = self.c
        names = self.names
        if not names:
            return
        # A plain cn first, then a displayName, then one with options.
        ordered = names if len(names) == 1 else sorted(names, key=lambda n: (
            bool(n[0].params), n[0].name[len(RAW_PREFIX):].lower() == "displayname"))
        if not (c.given or c.family or c.prefix or c.middle or c.suffix):
            shown = shown_name(c)
            for _raw, value in ordered:
                name = " ".join(value.split())
                if name and name != shown:
                    _name_from(c, name)
                    break
        elif bool(c.given) != bool(c.family) and not (c.prefix or c.middle or c.suffix):
            # A directory's person has an sn and often no givenName: the cn has both.
            for _raw, value in ordered:
                if _other_name(c, value.split()):
                    break
        parts = " ".join(p for p in (c.prefix, c.given, c.middle, c.family, c.suffix) if p)
        words: set[str] | None = None
        folded = ""
        taken = set()
        for raw, value in names:
            if raw.params:
                continue
            name = " ".join(value.split())
            if name != parts:  # the usual cn is the name: nothing more to work out
                if words is None:
                    words = _words(f"{parts} {c.nickname}")
                    folded = shown_name(c).casefold()
                if name.casefold() != folded and not _words(name) <= words:
                    continue
            taken.add(id(raw))
        if taken:
            self.extra[:] = [p for p in self.extra if id(p) not in taken]
