"""One LDIF entry that is a list (objectclass groupOfNames, as Thunderbird writes its
mailing lists, or groupOfUniqueNames) -> a ParsedGroup: its name (cn), its members as the
UIDs their entries get (dn.py: the same derivation, so `member: cn=Jane Doe, mail=JANE@x`
finds `dn: cn=Jane Doe,mail=jane@x`), and everything else (the description, Thunderbird's
mozillaNickname) kept raw on `extra`."""

from __future__ import annotations

import re

from app.domain.record import RawProperty
from importers.ldif import vocabulary as vocab
from importers.ldif.dn import DN_PROPERTY, escape_value, first_value, normal, uid_of
from importers.ldif.values import Attr, Values
from importers.vcard.parsed import ParsedGroup

Code = vocab.Code
_OWN_LIST = frozenset({"top", "groupofnames", "groupofuniquenames"})
_UNIQUE_UID = re.compile(r"#'[01]*'B\Z")  # uniqueMember's optional UID (RFC 4517 3.3.21)


def list_entry(values: Values, dn: str, attrs: list[Attr], line: int,
               record: int) -> ParsedGroup:
    """The list `attrs` describe; its name is "" when it has none."""
    extra: list[RawProperty] = []
    members: list[str] = []
    seen: set[str] = set()
    name = ""
    for a in attrs:
        spec = vocab.ATTRIBUTES.get(a.key)
        code = spec[0] if spec is not None else None
        if code is Code.SECRET:
            values.secret(a)
            continue
        if a.options and code is not Code.MEMBER:
            values.keep(extra, a)
            continue
        text = values.text(a)
        if text is None:
            values.keep(extra, a)
        elif code is Code.MEMBER:
            member = _UNIQUE_UID.sub("", text.strip()) if a.key == "uniquemember" else text
            if member.strip() and (uid := uid_of(member)) not in seen:
                seen.add(uid)
                members.append(uid)
        elif code is Code.NAME and a.key != "displayname" and not name and text.strip():
            name = " ".join(text.split())
        elif code is Code.OBJECTCLASS and text.strip().lower() in _OWN_LIST:
            continue
        else:
            values.keep(extra, a, text)
    if not name:
        name = " ".join(first_value(dn).split())
    own = "cn=" + escape_value(name)
    if dn.strip() and name and normal(dn) != normal(own):
        extra.insert(0, RawProperty(DN_PROPERTY, dn))
    return ParsedGroup(name, uid_of(dn if dn.strip() else own), members, line, record,
                       extra)
