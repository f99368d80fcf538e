"""Phones, e-mails, addresses, web sites and IM handles from TEL, EMAIL, ADR, URL, IMPP and
the X-SKYPE family: the inverse of the writer's `_detail` and `_im`, in vocabulary.py's terms.

A detail's label is its TYPE word as Rolodeck names it (`cell` is "mobile"); a TYPE word of
another kind of detail (`EMAIL;CELL`) is a label too, so that it is not lost; when a detail
has several (`TEL;WORK;FAX`) the most specific is its label (Rolodeck has one label per
detail; the writer then writes that one). Apple's `itemN.X-ABLabel` replaces it (mapping.py).
No TYPE word at all gives an empty label, as the writer writes an empty label.

The preference: `TYPE=pref` or `PREF=n`; only the most preferred detail of each kind keeps
it (a contact has at most one preferred phone). Every other parameter is kept on the detail
in the order read, less those the writer decides itself (VALUE, ENCODING, CHARSET, 3.0
e-mail's INTERNET, IMPP's X-SERVICE-TYPE)."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Sequence

from app.domain.contact import Address, Email, ImHandle, Phone, Website
from importers.vcard import vocabulary as vocab
from importers.vcard.values import Params, Prop

Detail = Phone | Email | Address | Website | ImHandle

# TYPE word -> label, most specific first.
TEL_LABELS = {"fax": "fax", "pager": "pager", "cell": "mobile", "main": "main",
               "home": "home", "work": "work", "other": "other"}
PLACE_LABELS = {"home": "home", "work": "work", "other": "other"}
KIND_LABELS = {"TEL": TEL_LABELS, "EMAIL": PLACE_LABELS, "ADR": PLACE_LABELS,
               "URL": PLACE_LABELS, "IMPP": PLACE_LABELS}
# The keys are the writer's TYPE words (vocab.LABEL_TYPES' values) and, with "pref",
# exactly vocab.OWNED_TYPES: a word the writer would drop as stale is never kept as a
# parameter (the tests hold these tables to the writer's).

_NOT_KEPT = frozenset({"VALUE", "ENCODING", "CHARSET", "PREF"})
NO_PREF = 1 << 30

# IMPP URI scheme -> service, for an IMPP without X-SERVICE-TYPE; only schemes the writer
# writes back the same way (vocab.IMPP_SCHEMES maps the service to the same scheme).
SCHEME_SERVICES = {"skype": "Skype", "xmpp": "XMPP", "aim": "AIM", "msnim": "MSN",
                   "ymsgr": "Yahoo", "sip": "SIP", "irc": "IRC"}
# vCard 3.0 messaging properties -> service as Rolodeck's editor names it; the writer's own
# (vocab.IM_PROPERTIES_3) and those Google and Android write.
IM_PROPERTIES = {"X-SKYPE": "Skype", "X-SKYPE-USERNAME": "Skype", "X-JABBER": "XMPP",
                 "X-AIM": "AIM", "X-ICQ": "ICQ", "X-MSN": "MSN", "X-YAHOO": "Yahoo",
                 "X-GADUGADU": "Gadu-Gadu", "X-GROUPWISE": "GroupWise",
                 "X-GOOGLE-TALK": "Google Talk", "X-GTALK": "Google Talk", "X-QQ": "QQ",
                 "X-SIP": "SIP"}

_APPLE_LABEL = re.compile(r"_\$!<(.+)>!\$_\Z")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def detail_params(prop: Prop, kind: str, drop: Sequence[str] = ()) -> tuple[str, int, Params]:
    """(label, preference rank, kept parameters) of a detail; rank NO_PREF: not preferred.
    Worked out once per parameter text and kind (`drop` is the same for every call of a
    kind)."""
    derived = prop.shared.derived
    found = derived.get(kind)
    if found is None:
        found = derived[kind] = _detail_params(prop.params, kind, drop)
    return found  # type: ignore[return-value]


def _detail_params(params: Params, kind: str, drop: Sequence[str]) -> tuple[str, int, Params]:
    labels = KIND_LABELS[kind]
    found: list[str] = []
    rank = NO_PREF
    kept: list[tuple[str, str]] = []
    for key, value in params:
        if key == "TYPE":
            word = value.casefold()
            if word == "pref":
                rank = min(rank, 1)
            elif word in TEL_LABELS:
                found.append(word)
            elif not (word == "internet" and kind == "EMAIL"):
                kept.append((key, value))
        elif key == "PREF":
            rank = min(rank, int(value) if value.isdigit() and 0 < len(value) < 4 else 100)
        elif key not in _NOT_KEPT and key not in drop:
            kept.append((key, value))
    if not found:
        return "", rank, tuple(kept)
    own = [w for w in labels if w in found]
    label = labels[own[0]] if own else TEL_LABELS[next(w for w in TEL_LABELS if w in found)]
    return label, rank, tuple(kept)


def apple_label(text: str) -> str:
    """A label as written in X-ABLabel; Apple's built-in ones (`_$!<HomePage>!$_`) as the
    words they stand for ("home page", "mobile")."""
    found = _APPLE_LABEL.match(text)
    if found is None:
        return text
    if found[1][:1].islower():  # _$!<iPhone>!$_
        return found[1]
    return _CAMEL.sub(" ", found[1]).replace("FAX", " fax").replace("  ", " ").strip().lower()


def address(parts: list[str], prop: Prop) -> tuple[Address, int]:
    label, rank, params = detail_params(prop, "ADR")
    parts = parts + [""] * (7 - len(parts))
    if len(parts) > 7:  # more than ADR has: kept, in the last component
        parts[6] = "; ".join(p for p in parts[6:] if p)
    box, extended, street, locality, region, code, country = parts[:7]
    return Address(street, locality, region, code, country, box, extended, label, False,
                   params, prop.group), rank


def impp(uri: str, prop: Prop) -> tuple[ImHandle, int]:
    """The inverse of the writer's IMPP: `scheme:handle` with the service in X-SERVICE-TYPE;
    a handle the writer percent-encoded is decoded."""
    label, rank, params = detail_params(prop, "IMPP", drop=("X-SERVICE-TYPE",))
    service = " ".join((prop.param("X-SERVICE-TYPE") or "").split())
    scheme, colon, rest = uri.partition(":")
    scheme = scheme.casefold() if colon else ""
    handle = uri
    if service:
        if scheme in (vocab.IMPP_SCHEMES.get(service.casefold()), vocab.FALLBACK_SCHEME):
            handle = urllib.parse.unquote(rest)
    elif scheme == vocab.FALLBACK_SCHEME:
        handle = urllib.parse.unquote(rest)
    elif scheme in SCHEME_SERVICES:
        service, handle = SCHEME_SERVICES[scheme], urllib.parse.unquote(rest)
    return ImHandle(handle, service, label, False, params, prop.group), rank


def im_property(handle: str, prop: Prop) -> tuple[ImHandle, int]:
    """X-SKYPE and the like: the bare handle, the service named by the property."""
    label, rank, params = detail_params(prop, "IMPP", drop=("X-SERVICE-TYPE",))
    return ImHandle(handle, IM_PROPERTIES[prop.key], label, False, params, prop.group), rank
