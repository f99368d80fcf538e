"""How an imported contact is recognised as one already in the address book: the keys it is
matched on (UID, e-mail address, phone number, name and company) and the fuzzy score of a
name and company against another's.

Keys are for matching only: what is stored keeps the file's own spelling (an e-mail address
in capitals stays in capitals, a phone number keeps its spaces).

Phone numbers compare in E.164 (`+442079460000`) through `phonenumbers`, with a default region
for numbers written without a country code; a number it cannot read compares by its digits.
Names and companies compare folded (case, accents and punctuation gone, see collation.fold),
and names with rapidfuzz's token-sort ratio, so "Lovelace, Ada" is "Ada Lovelace"."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

import phonenumbers
from rapidfuzz import fuzz

from app.domain.collation import fold
from app.domain.contact import Address, Contact

# A fuzzy match needs both the name and the company: a name alone is too weak (two John
# Smiths are two people), so contacts without a company never match on the name.
FUZZY_THRESHOLD = 90.0
NAME_WEIGHT = 0.75
# A shared e-mail address or phone number (a switchboard, info@...) is the same person only
# when the names do not say otherwise: both named, neither's words all in the other's
# ("Ada" and "Ada Lovelace" agree), and less alike than this, is two people.
NAMES_AGREE_AT = 70.0
# Phone numbers are found by their last digits, then compared in full (E.164).
PHONE_TAIL = 7
_MIN_DIGITS = 5

# URI schemes of chat handles (vCard 4.0 IMPP is a URI; 3.0 files and the editor often not).
_IM_SCHEMES = frozenset({"sip", "sips", "xmpp", "skype", "aim", "ymsgr", "msnim", "icq",
                         "irc", "im", "gtalk", "facetime", "tel", "mailto", "matrix"})
_DIGITS = re.compile(r"\D")
_NOT_ASCII_DIGITS = bytes(range(48)) + bytes(range(58, 128))
# Words that say what kind of company it is, not which: "Acme Inc." is "ACME".
_LEGAL_FORMS = frozenset({
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "plc", "corp", "corporation", "co",
    "company", "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "oy", "ab",
    "as", "aps", "pty", "pte", "kk", "the", "and"})


class Keys(NamedTuple):
    """Everything a contact is matched on, worked out once (an import works them out where
    the file is read, beside the matching; a tuple, which crosses processes cheaply)."""

    uid: str
    name: str
    emails: tuple[str, ...]
    phones: tuple[tuple[str, str], ...]  # (tail, the number as written)
    company: str  # company_key
    company_core: str


def keys_of(c: Contact) -> Keys:
    return keys_from(c.uid, c.given, c.middle, c.family, c.account_name,
                     [e.value for e in c.emails], [p.value for p in c.phones])


def keys_from(uid: str, given: str, middle: str, family: str, company: str | None,
              emails: Iterable[str], phones: Iterable[str]) -> Keys:
    """keys_of from the values it reads, for a contact not built whole (an import indexes
    the stored contacts from these columns alone)."""
    key, core = _company_keys(company) if company else ("", "")
    found = [k for e in emails if (k := email_key(e))]
    return Keys(
        uid_key(uid) if uid else "", _name_key(given, middle, family),
        tuple(found) if len(found) < 2 else tuple(dict.fromkeys(found)),
        tuple([(t, p) for p in phones if (t := phone_tail(p))]), key, core)


def uid_key(uid: str) -> str:
    """A UID as matched: vCard 4.0 members and some writers prefix `urn:uuid:`."""
    uid = uid.strip()
    return uid[9:] if uid[:9].lower() == "urn:uuid:" else uid


def email_key(address: str) -> str:
    """An e-mail address as matched: trimmed and lower-cased (only for matching)."""
    return address.strip().lower()


def digits_of(value: str) -> str:
    if value.isascii():  # nearly every number: one bytes.translate, a quarter of the regex
        return value.encode().translate(None, _NOT_ASCII_DIGITS).decode()
    return _DIGITS.sub("", value)


def phone_tail(value: str) -> str | None:
    """The last PHONE_TAIL digits, which find the candidates to compare in full; None for a
    value too short to be a phone number."""
    digits = digits_of(value)
    return digits[-PHONE_TAIL:] if len(digits) >= _MIN_DIGITS else None


@lru_cache(maxsize=65536)
def phone_key(value: str, region: str | None = None) -> str | None:
    """The number in E.164 (`+15550100123`), a national number read in `region` (an ISO
    country code such as "GB"); a number phonenumbers cannot read gives `#` and its digits.
    None for a value with too few digits to be a number."""
    digits = digits_of(value)
    if len(digits) < _MIN_DIGITS:
        return None
    try:
        parsed = phonenumbers.parse(value, region or None)
    except phonenumbers.NumberParseException:
        return f"#{digits}"
    if not phonenumbers.is_possible_number(parsed):
        return f"#{digits}"
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def same_phone(a: str, b: str, region: str | None = None) -> bool:
    ka, kb = phone_key(a, region), phone_key(b, region)
    return ka is not None and ka == kb


def name_key(c: Contact) -> str:
    """The person's name folded, without prefix and suffix ("Dr.", "Jr." differ in files that
    are the same person); "" for a contact known only by a nickname or an address."""
    return _name_key(c.given, c.middle, c.family)


def _name_key(given: str, middle: str, family: str) -> str:
    return fold(" ".join(p for p in (given, middle, family) if p))


def company_key(name: str | None) -> str:
    """A company as an account is found by: folded, so "ACME, Inc." is "acme inc"."""
    return _company_keys(name or "")[0]


def company_core(name: str | None) -> str:
    """A company without its legal form, for finding the same person at the same company
    written two ways ("Acme Corp." and "ACME Corporation")."""
    return _company_keys(name or "")[1]


@lru_cache(maxsize=4096)
def _company_keys(name: str) -> tuple[str, str]:
    """(company_key, company_core), folded once: an import works both out for each record
    where it is read, matched, compared and saved, and most address books name far fewer
    companies than people. (Bounded: some 350 bytes an entry.)"""
    key = fold(name)
    words = [w for w in key.split() if w not in _LEGAL_FORMS]
    return key, " ".join(words) or key


def name_score(a: str, b: str) -> float:
    """0-100: how alike two folded names are, word order aside."""
    if not a or not b:
        return 0.0
    return fuzz.token_sort_ratio(a, b)


def names_disagree(a: str, b: str) -> bool:
    """Both named, and so unlike that a shared address or number is not the same person
    ("Margaret Allen" and "Tim Allen"; but "Bob Smith" and "Robert Smith" agree)."""
    return (bool(a and b) and fuzz.token_set_ratio(a, b) < 100
            and fuzz.token_sort_ratio(a, b) < NAMES_AGREE_AT)


def match_score(name_a: str, company_a: str, name_b: str, company_b: str) -> float:
    """The fuzzy score of two contacts: 0 unless both have a name and a company, else the
    weighted ratio of the names and of the companies (folded, legal forms aside)."""
    if not (name_a and name_b and company_a and company_b):
        return 0.0
    names = name_score(name_a, name_b)
    companies = fuzz.token_sort_ratio(company_a, company_b)
    return NAME_WEIGHT * names + (1 - NAME_WEIGHT) * companies


def address_key(a: Address) -> tuple[str, str, str]:
    return fold(a.street), fold(a.locality), "".join(a.postal_code.split()).casefold()


def website_key(url: str) -> str:
    return url.strip().rstrip("/").casefold()


def im_key(service: str, handle: str) -> tuple[str, str]:
    """A chat handle as matched: `sip:90-180` and `90-180` on SIP are one handle."""
    service, handle = service.strip().casefold(), handle.strip().casefold()
    scheme, colon, rest = handle.partition(":")
    if colon and rest and (scheme == service or scheme in _IM_SCHEMES):
        handle = rest.removeprefix("//")
    return service, handle


@lru_cache(maxsize=4096)
def tag_key(name: str) -> str:
    """Tags match without case or extra spaces (as the database stores them)."""
    return " ".join(name.split()).casefold()
