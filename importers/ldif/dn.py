"""Distinguished names (RFC 4514): the UID an entry is given from its DN, the DN the writer
gives a contact, and the escaping between them.

LDIF entries carry no UID, so a contact's is derived from its DN: the same file read twice
gives the same UIDs, and a list's `member:` DNs give the UIDs of the entries they name. DNs
are compared as LDAP compares them, near enough: attribute types without regard to case,
values without regard to case or runs of spaces, the parts of a multi-valued RDN in any
order, escapes (`\\,` `\\2C`) and quotes undone. Thunderbird writes DNs without escaping
(`cn=Doe, John,mail=john@example.com`), so a part that is not `type=value` belongs to the
value before it."""

from __future__ import annotations

import hashlib
import re

from app.domain.contact import Contact
from app.domain.record import RawProperty
from importers.vcard.writer import formatted_name

UID_PREFIX = "ldif-"
# The name a contact's or list's own DN is kept under in `extra`, when it is not the one
# the writer would give it (an LDAP directory's `uid=jdoe,ou=People,dc=example,dc=com`).
DN_PROPERTY = "X-LDIF-DN"
# Raw properties from LDIF are named `X-LDIF-` + the attribute (a valid vCard X- name, so
# a vCard export of the contact carries them too); options and encodings are parameters.
RAW_PREFIX = "X-LDIF-"
OPTION = "X-LDIF-OPTION"
ENCODING_B = ("ENCODING", "b")  # the value is base64, kept as it was (binary data)
VALUE_URI = ("VALUE", "uri")  # the value is a URL (`attr:< file:///...`), never fetched

_TYPE = re.compile(r"(?:[A-Za-z][A-Za-z0-9_-]*|(?:oid\.)?[0-9]+(?:\.[0-9]+)*)\Z", re.I)
# A run of \XX (the octets of UTF-8 text), or one escaped character.
_ESCAPE = re.compile(r"(?:\\[0-9A-Fa-f]{2})+|\\(.)", re.S)
_SPECIAL = re.compile(r'[\\"+,;<>\x00]')
# What separates types from values, values within an RDN and RDNs in the normal form:
# characters no DN value holds once cleaned.
_EQ, _PLUS, _COMMA = "\x1f", "\x1e", "\x1d"


def _pieces(dn: str) -> list[tuple[str, str]]:
    """(separator before it, text) for each part of `dn` between unescaped, unquoted commas
    and plus signs; the first separator is ","."""
    if "\\" not in dn and '"' not in dn:
        if "+" not in dn:
            return [(",", p) for p in dn.split(",")]
        out: list[tuple[str, str]] = []
        for rdn in dn.split(","):
            first, *rest = rdn.split("+")
            out.append((",", first))
            out += [("+", p) for p in rest]
        return out
    out, start, sep, quoted, i = [], 0, ",", False, 0
    while i < len(dn):
        ch = dn[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in ",+":
            out.append((sep, dn[start:i]))
            start, sep = i + 1, ch
        i += 1
    out.append((sep, dn[start:]))
    return out


def _unescaped(m: re.Match[str]) -> str:
    if m[1] is not None:
        return m[1]
    return bytes.fromhex(m[0].replace("\\", "")).decode("utf-8", "replace")


def _unescape(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':  # RFC 2253's quoted value
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return _ESCAPE.sub(_unescaped, value) if "\\" in value else value


def _is_type(kind: str) -> bool:
    return bool(kind) and ((kind.isalnum() and kind.isascii() and kind[0].isalpha())
                           or _TYPE.match(kind) is not None)


def rdns(dn: str) -> list[list[tuple[str, str]]]:
    """The RDNs of `dn`, each a list of (type, value) with the value unescaped."""
    if "\\" not in dn and '"' not in dn and "+" not in dn:  # most DNs: nothing to undo
        simple: list[list[tuple[str, str]]] = []
        for piece in dn.split(","):
            eq = piece.find("=")
            kind = piece[:eq].strip() if eq > 0 else ""
            if _is_type(kind):
                simple.append([(kind, piece[eq + 1:].strip())])
            elif simple:
                kind, value = simple[-1][0]
                simple[-1][0] = (kind, f"{value},{piece}".strip())
            elif piece.strip():
                simple.append([("", piece.strip())])
        return simple
    out: list[list[tuple[str, list[str]]]] = []
    for sep, piece in _pieces(dn):
        eq = piece.find("=")
        kind = piece[:eq].strip() if eq > 0 else ""
        if _is_type(kind):
            if sep == "+" and out:
                out[-1].append((kind, [piece[eq + 1:]]))
            else:
                out.append([(kind, [piece[eq + 1:]])])
        elif out:  # not `type=value`: the value before it went on past an unescaped , or +
            out[-1][-1][1].append(sep + piece)
        elif piece.strip():
            out.append([("", [piece])])
    return [[(kind, _unescape("".join(parts))) for kind, parts in rdn] for rdn in out]


def normal(dn: str) -> str:
    """`dn` as compared: two DNs LDAP holds equal have the same normal form."""
    out = []
    for rdn in rdns(dn):
        if len(rdn) == 1:
            kind, value = rdn[0]
            out.append(f"{kind.lower()}{_EQ}{' '.join(value.split()).casefold()}")
        else:
            out.append(_PLUS.join(sorted(
                f"{kind.lower()}{_EQ}{' '.join(value.split()).casefold()}"
                for kind, value in rdn)))
    return _COMMA.join(out)


def uid_of(dn: str) -> str:
    """The UID of the entry `dn` names, the same for every way of writing the same DN."""
    digest = hashlib.blake2b(normal(dn).encode("utf-8", "surrogatepass"), digest_size=16)
    return UID_PREFIX + digest.hexdigest()


def escape_value(value: str) -> str:
    """An attribute value as an RDN holds it (RFC 4514 section 2.4)."""
    value = " ".join(value.split())
    if _SPECIAL.search(value) is not None:
        value = _SPECIAL.sub(lambda m: "\\00" if m[0] == "\x00" else "\\" + m[0], value)
    if value[:1] == "#":
        value = "\\" + value
    return value


def first_value(dn: str) -> str:
    """The value of the first RDN (`Friends` of `cn=Friends,ou=Lists`)."""
    parts = rdns(dn)
    return parts[0][0][1] if parts else ""


def entry_dn(cn: str, mail: str) -> str:
    """A DN as Thunderbird writes them, `cn=NAME,mail=ADDRESS`, either part left out when
    empty. The address is not escaped: Thunderbird finds a list's members by the text after
    `mail=`, and it is the last part, so nothing after it can be mistaken for an RDN."""
    parts = []
    if cn.strip():
        parts.append("cn=" + escape_value(cn))
    if mail.strip():
        parts.append("mail=" + mail.strip())
    return ",".join(parts)


def is_raw(p: RawProperty, attribute: str) -> bool:
    """`p` is the LDIF attribute `attribute` (lower case) kept raw, without options or an
    encoding: a value the writer can write as the attribute's own."""
    return (p.name[:7].upper() == RAW_PREFIX and p.name[7:].lower() == attribute
            and not p.params)


def kept_dn(extra: list[RawProperty]) -> str | None:
    for p in extra:
        if p.name.upper() == DN_PROPERTY:
            return p.value
    return None


def primary_email(c: Contact) -> str:
    """The address the writer writes as `mail`: the preferred one, else the first."""
    for e in c.emails:
        if e.preferred and e.value.strip():
            return e.value
    return next((e.value for e in c.emails if e.value.strip()), "")


def display_cn(c: Contact) -> str:
    """The `cn` the writer writes: a kept cn (one that says more than the name), else the
    name as Rolodeck shows it; "" for a contact known only by its e-mail address, which
    Thunderbird writes without a cn."""
    for p in c.extra:
        if is_raw(p, "cn") and p.value.strip():
            return p.value
    shown = shown_name(c)
    return "" if shown.casefold() == primary_email(c).strip().casefold() else shown


def shown_name(c: Contact) -> str:
    """The name the writer writes (the display name, else what else identifies the
    contact: importers.vcard.writer.formatted_name), on one line."""
    return " ".join((c.display_name or formatted_name(c)).split())


def derived_dn(c: Contact) -> str:
    return entry_dn(display_cn(c), primary_email(c))


def _words(text: str) -> set[str]:
    return {w.strip(",;()").casefold() for w in text.split()} - {""}


def _fits(dn: str, c: Contact) -> bool:
    """A kept DN is still the contact's: a directory's (`uid=jdoe,ou=People,...`) always,
    Thunderbird's `cn=...,mail=...` while its address is the contact's primary one (if it
    has one) and its name words are in the contact's name: else Thunderbird, which finds a
    list's members by that address, would not find this one."""
    parts = [(kind.lower(), value) for rdn in rdns(dn) for kind, value in rdn]
    if not parts or any(kind not in ("cn", "commonname", "mail") for kind, _ in parts):
        return True
    email = primary_email(c).strip().casefold()
    if email and [v.strip().casefold() for kind, v in parts if kind == "mail"] != [email]:
        return False
    known = _words(" ".join((c.prefix, c.given, c.middle, c.family, c.suffix, c.nickname,
                             display_cn(c))))
    return all(_words(v) <= known for kind, v in parts if kind != "mail")


def contact_dn(c: Contact) -> str:
    """The DN the writer gives `c`: the one it was read with when that is kept and still
    fits it, else Thunderbird's `cn=...,mail=...`."""
    kept = kept_dn(c.extra)
    return kept if kept is not None and _fits(kept, c) else derived_dn(c)
