"""What LDIF attributes mean to Rolodeck: Thunderbird's (the `mozillaAbPersonAlpha` schema
and the older names Netscape and Mozilla wrote), inetOrgPerson's (RFC 2798) and the
aliases other address books write. The reader maps every name listed here (lower case);
the writer writes the first name of each, as Thunderbird's own export does.

Thunderbird's names and their order come from its attribute map
(`ldap_2.servers.default.attrmap.*`) and `exportDirectoryToLDIF`; the aliases from its LDIF
import (nsAbLDIFService) and KDE's (KContacts' ldifconverter)."""

from __future__ import annotations

import enum
from typing import Any


class Code(enum.IntEnum):
    SCALAR = 1  # a Contact text field; a second value is kept raw
    NAME = 2  # cn or displayName: the name when there is no other, else kept if it says more
    EMAIL = 3  # arg: bucket (0 primary, 1 second)
    PHONE = 4  # arg: (bucket, label)
    WEBSITE = 5  # arg: (bucket, label)
    IM = 6  # arg: service
    ADDRESS = 7  # arg: (place, part)
    POSTAL = 8  # a whole postal address, lines separated by `$` (RFC 4517); arg: place
    NOTE = 9
    BIRTH = 10  # arg: 0 year, 1 month, 2 day
    CUSTOM = 11  # arg: the custom field's name
    PHOTO = 12
    OBJECTCLASS = 13
    SECRET = 14  # a password: never kept in an address book
    LABELED_URI = 15  # a URL, then optionally a space and a label (RFC 2079)
    MEMBER = 16  # a list's member DN


HOME, WORK = 0, 1
PLACES = ("home", "work")
# Address parts, in the order the writer writes them.
STREET, STREET2, LOCALITY, REGION, POSTAL_CODE, COUNTRY, PO_BOX = range(7)

PHONE_LABELS = ("work", "home", "fax", "pager", "mobile")
WEBSITE_LABELS = ("work", "home")

# (what, its argument, the names: the first is the one the writer writes)
_TABLE: list[tuple[Code, Any, tuple[str, ...]]] = [
    (Code.SCALAR, "given", ("givenName", "gn")),
    (Code.SCALAR, "family", ("sn", "surname")),
    (Code.NAME, "cn", ("cn", "commonName")),
    (Code.NAME, "displayname", ("displayName",)),
    (Code.SCALAR, "nickname", ("mozillaNickname", "xmozillanickname", "nickname")),
    (Code.EMAIL, 0, ("mail", "rfc822Mailbox")),
    (Code.EMAIL, 1, ("mozillaSecondEmail", "xmozillasecondemail", "otherMailbox")),
    (Code.IM, "AIM", ("nsAIMid", "nscpaimscreenname", "mozilla_AimScreenName")),
    (Code.PHONE, (0, "work"), ("telephoneNumber",)),
    (Code.PHONE, (1, "home"), ("homePhone", "homeTelephoneNumber")),
    (Code.PHONE, (2, "fax"), ("facsimileTelephoneNumber", "fax")),
    (Code.PHONE, (3, "pager"), ("pager", "pagerphone", "pagerTelephoneNumber")),
    (Code.PHONE, (4, "mobile"), ("mobile", "cellphone", "carphone",
                                 "mobileTelephoneNumber")),
    (Code.ADDRESS, (HOME, STREET), ("mozillaHomeStreet", "homeStreet", "streetHomeAddress")),
    (Code.ADDRESS, (HOME, STREET2), ("mozillaHomeStreet2", "mozillaHomePostalAddress2")),
    (Code.ADDRESS, (HOME, LOCALITY), ("mozillaHomeLocalityName",)),
    (Code.ADDRESS, (HOME, REGION), ("mozillaHomeState",)),
    (Code.ADDRESS, (HOME, POSTAL_CODE), ("mozillaHomePostalCode",)),
    (Code.ADDRESS, (HOME, COUNTRY), ("mozillaHomeCountryName",
                                     "mozillaHomeFriendlyCountryName")),
    (Code.POSTAL, HOME, ("homePostalAddress",)),
    (Code.ADDRESS, (WORK, STREET), ("street", "streetAddress")),
    (Code.ADDRESS, (WORK, STREET2), ("mozillaWorkStreet2", "mozillaPostalAddress2")),
    (Code.ADDRESS, (WORK, LOCALITY), ("l", "locality", "localityName")),
    (Code.ADDRESS, (WORK, REGION), ("st", "region", "stateOrProvinceName")),
    (Code.ADDRESS, (WORK, POSTAL_CODE), ("postalCode", "zip")),
    (Code.ADDRESS, (WORK, COUNTRY), ("c", "countryName", "co", "friendlyCountryName")),
    (Code.ADDRESS, (WORK, PO_BOX), ("postOfficeBox",)),
    (Code.POSTAL, WORK, ("postalAddress",)),
    (Code.SCALAR, "title", ("title",)),
    (Code.SCALAR, "department", ("ou", "department", "departmentNumber", "orgunit",
                                 "organizationalUnitName")),
    (Code.SCALAR, "account_name", ("o", "company", "organization", "organizationName")),
    (Code.WEBSITE, (0, "work"), ("mozillaWorkUrl", "workurl")),
    (Code.WEBSITE, (1, "home"), ("mozillaHomeUrl", "homeurl")),
    (Code.LABELED_URI, None, ("labeledURI",)),
    (Code.BIRTH, 0, ("birthyear",)),
    (Code.BIRTH, 1, ("birthmonth",)),
    (Code.BIRTH, 2, ("birthday",)),
    (Code.CUSTOM, "Custom 1", ("mozillaCustom1", "custom1")),
    (Code.CUSTOM, "Custom 2", ("mozillaCustom2", "custom2")),
    (Code.CUSTOM, "Custom 3", ("mozillaCustom3", "custom3")),
    (Code.CUSTOM, "Custom 4", ("mozillaCustom4", "custom4")),
    (Code.NOTE, None, ("description", "notes")),
    (Code.PHOTO, None, ("jpegPhoto", "thumbnailPhoto")),
    (Code.OBJECTCLASS, None, ("objectClass",)),
    (Code.SECRET, None, ("userPassword", "sambaNTPassword", "sambaLMPassword", "unicodePwd")),
    (Code.MEMBER, None, ("member", "uniqueMember")),
]

# lower-case attribute name -> (code, argument)
ATTRIBUTES: dict[str, tuple[Code, Any]] = {
    name.lower(): (code, arg) for code, arg, names in _TABLE for name in names}

# What the writer writes each field as: the first name of each row above.
WRITE: dict[tuple[Code, Any], str] = {(code, arg): names[0] for code, arg, names in _TABLE}

# A contact's object classes as Thunderbird writes them; the reader keeps any others.
PERSON_CLASSES = ("top", "person", "organizationalPerson", "inetOrgPerson",
                  "mozillaAbPersonAlpha")
LIST_CLASSES = ("top", "groupOfNames")
# Object classes of entries that are people (or a list of them): an entry that has object
# classes, none of these and no e-mail address is not one (a slapcat's dc=example,dc=com,
# ou=People, a posixGroup) and is skipped.
OWN_CLASSES = frozenset(c.lower() for c in (*PERSON_CLASSES, *LIST_CLASSES))
PEOPLE = frozenset({"person", "organizationalperson", "inetorgperson", "mozillaabpersonalpha",
                    "mozillaabpersonobsolete", "mozillaorgperson", "residentialperson",
                    "pilotperson", "newpilotperson", "user", "contact", "account",
                    "posixaccount", "shadowaccount", "groupofnames", "groupofuniquenames"})
LISTS = frozenset({"groupofnames", "groupofuniquenames"})

# Custom field name (case-folded, spaces left out) -> the attribute the writer writes.
CUSTOM_WRITE = {f"custom{n}": f"mozillaCustom{n}" for n in range(1, 5)}

# Attributes a kept raw property is never written as: the DN is written first, from
# DN_PROPERTY; a change record's lines would make the entry a change.
NEVER_RAW = frozenset({"dn", "changetype", "control"})
