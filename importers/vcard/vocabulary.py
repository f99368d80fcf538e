"""What Rolodeck's labels and IM services are called in vCard: TYPE values, Apple's
X-ABLabel for everything else, IMPP URI schemes and the X- properties vCard 3.0 writers use
for messaging handles. The reader maps the same names back."""

from __future__ import annotations

import re

# Rolodeck label -> TYPE value, per property. A label not listed is written as Apple's
# `itemN.X-ABLabel`, which Apple Contacts, Google and most CardDAV clients show as the label.
# "main" and "other" are not in RFC 6350's lists but are what Apple and Google write.
TEL_TYPES = {"mobile": "cell", "cell": "cell", "work": "work", "home": "home",
             "main": "main", "fax": "fax", "pager": "pager", "other": "other"}
PLACE_TYPES = {"work": "work", "home": "home", "other": "other"}
LABEL_TYPES = {"TEL": TEL_TYPES, "EMAIL": PLACE_TYPES, "ADR": PLACE_TYPES, "URL": PLACE_TYPES,
               "IMPP": PLACE_TYPES}

# TYPE values the writer derives from a detail's label and `preferred`, so a stale one kept
# in the detail's imported params is dropped rather than contradicting an edited label.
# Others (voice, text, internet, x-...) say something the label does not and are kept.
OWNED_TYPES = frozenset({"pref", "cell", "work", "home", "main", "fax", "pager", "other"})
# Parameters whose meaning the writer decides itself: how the value is typed and encoded,
# and the preference order.
OWNED_PARAMS = frozenset({"PREF", "VALUE", "ENCODING", "CHARSET"})

ABLABEL = "X-ABLabel"

# Service (case-insensitive) -> IMPP URI scheme, as Apple Contacts writes them; a service
# without a scheme of its own gets Apple's `x-apple:` and is named by X-SERVICE-TYPE.
IMPP_SCHEMES = {"skype": "skype", "xmpp": "xmpp", "jabber": "xmpp", "google talk": "xmpp",
                "gtalk": "xmpp", "facebook": "xmpp", "aim": "aim", "icq": "aim",
                "msn": "msnim", "yahoo": "ymsgr", "sip": "sip", "irc": "irc"}
FALLBACK_SCHEME = "x-apple"
# Handles that are URIs already, written as they are.
URI_SCHEMES = frozenset({*IMPP_SCHEMES.values(), FALLBACK_SCHEME, "tel", "sms", "mailto",
                         "matrix", "http", "https", "ircs"})

# vCard 3.0 predates IMPP (RFC 4770 added it later); most 3.0 readers know these instead.
# A service not listed is written as RFC 4770 IMPP in 3.0 too.
IM_PROPERTIES_3 = {"skype": "X-SKYPE", "xmpp": "X-JABBER", "jabber": "X-JABBER",
                   "aim": "X-AIM", "icq": "X-ICQ", "msn": "X-MSN", "yahoo": "X-YAHOO",
                   "gadu-gadu": "X-GADUGADU", "gadugadu": "X-GADUGADU",
                   "groupwise": "X-GROUPWISE", "google talk": "X-GOOGLE-TALK",
                   "gtalk": "X-GOOGLE-TALK"}

# Rolodeck's fields that vCard has no property for.
X_STATUS = "X-ROLODECK-STATUS"
X_SOURCE = "X-ROLODECK-SOURCE"
X_OWNER = "X-ROLODECK-OWNER"
# One custom field: `X-ROLODECK-FIELD;X-NAME=Renewal date:2025-03-01`.
X_FIELD = "X-ROLODECK-FIELD"
X_FIELD_NAME = "X-NAME"
# vCard 3.0 has no ANNIVERSARY; this is what Evolution, KAddressBook and Nextcloud write.
X_ANNIVERSARY = "X-ANNIVERSARY"
# Apple's convention for a date without a year in vCard 3.0, which has no way to write one:
# the year is given as 1604 (a leap year before any living person, so Feb 29 stays valid)
# and the parameter says to ignore it.
OMIT_YEAR = 1604
OMIT_YEAR_PARAM = "X-APPLE-OMIT-YEAR"

PRODID = "-//Rolodeck//Rolodeck//EN"

# Properties a kept raw property may not repeat: the card's frame, and what the writer
# always writes once itself (a second N, UID or REV makes the card invalid).
NEVER_RAW = frozenset({"BEGIN", "END", "VERSION", "PRODID", "N", "UID", "REV"})
# Of those, what is written back under X_KEPT rather than lost (the frame is the file's,
# and REV is the writer's own: the time of the export).
KEPT_AS_X = frozenset({"N", "UID"})
# A kept property the card cannot hold as itself: a second N, BDAY or ANNIVERSARY (RFC 6350
# allows alternatives with the same ALTID; 3.0 and most readers allow one), or a name that
# is not a vCard name (KDE's X-MESSAGING/TWITTER-ALL). Written under this name, with its own
# in X_KEPT_NAME, and read back as it came:
# `X-ROLODECK-KEPT;X-ROLODECK-NAME=N;ALTID=1:representation;two;;;`.
X_KEPT = "X-ROLODECK-KEPT"
X_KEPT_NAME = "X-ROLODECK-NAME"
KEPT_NAME = re.compile(r"[\w/-]+", re.ASCII)  # what a property's name may be, as read

# Photo media type when the contact does not say, from the first bytes.
PHOTO_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"),
               (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"))
