"""What the contact editor says about a value it cannot save: e-mail addresses, phone numbers
(read with the phonenumbers library for a default country) and web addresses. Each check returns
the sentence to show beside the field, or None."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult
from PySide6.QtCore import QLocale

# Checked in this order: the first problem found is the one worth saying.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")


def check_email(text: str) -> str | None:
    value = text.strip()
    if "@" not in value:
        return f"“{value}” is not an e-mail address: it needs an @, like name@example.com."
    local, _, domain = value.rpartition("@")
    if not local:
        return "Type the part before the @ too, like name@example.com."
    if any(ch.isspace() for ch in value):
        return "An e-mail address cannot contain spaces."
    if ".." in value or local.startswith(".") or local.endswith(".") or domain.startswith("."):
        return f"“{value}” has dots in the wrong place for an e-mail address."
    if not _EMAIL.match(value):
        return (f"“{domain}” is not a mail domain: it needs a dot and an ending, like "
                "example.com.")
    return None


# Countries whose English name is said with "the" (in the United Kingdom).
_THE = {"AE", "BS", "CD", "CF", "CZ", "DO", "GB", "GM", "KM", "KY", "MH", "MV", "NL", "PH",
        "SB", "TC", "US", "VA", "VG", "VI"}


def territory_name(region: str) -> str:
    return QLocale.territoryToString(QLocale.codeToTerritory(region)) or region


def check_phone(text: str, region: str) -> tuple[str | None, str | None]:
    """(the number in international format when it is a real number, else None; what is wrong
    with it, else None). A number that is possible but not in use (a made-up 555 number) is
    kept as typed: it may be an internal extension plan the library does not know."""
    value = text.strip()
    try:
        number = phonenumbers.parse(value, region)
    except NumberParseException as exc:
        kind = exc.error_type
        if kind == NumberParseException.INVALID_COUNTRY_CODE:
            if value.startswith(("+", "00")):
                return None, (f"“{value}” does not start with a country code that exists. "
                              "Check the digits after the +.")
            return None, (f"“{value}” has no country code, and this computer's country is "
                          "unknown: start it with + and the country code.")
        if kind == NumberParseException.NOT_A_NUMBER:
            return None, f"“{value}” is not a phone number: type its digits, like +44 20 7946 0958."
        if kind == NumberParseException.TOO_LONG:
            return None, f"“{value}” has too many digits for a phone number."
        return None, f"“{value}” has too few digits for a phone number."
    reason = phonenumbers.is_possible_number_with_reason(number)
    country = territory_name(phonenumbers.region_code_for_number(number) or region)
    if (phonenumbers.region_code_for_number(number) or region) in _THE:
        country = f"the {country}"
    if reason == ValidationResult.TOO_SHORT:
        return None, f"“{value}” has too few digits for a phone number in {country}."
    if reason == ValidationResult.TOO_LONG:
        return None, f"“{value}” has too many digits for a phone number in {country}."
    if reason == ValidationResult.INVALID_LENGTH:
        return None, f"“{value}” does not have the right number of digits for {country}."
    if reason == ValidationResult.INVALID_COUNTRY_CODE:
        return None, f"“{value}” does not start with a country code that exists."
    if phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL), None
    return None, None


def check_url(text: str) -> str | None:
    value = text.strip()
    if any(ch.isspace() for ch in value):
        return "A web address cannot contain spaces."
    if "." not in value and not value.lower().startswith(("http://localhost", "localhost")):
        return f"“{value}” is not a web address: it needs a dot, like example.com."
    return None


def example_number(region: str) -> str:
    number = phonenumbers.example_number(region)
    if number is None:
        return "+44 20 7946 0958"
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def system_country() -> str:
    """The two-letter country phone numbers without a + are read in: this computer's, else
    the US (whose numbering plan also serves Canada and the Caribbean)."""
    code = QLocale.territoryToCode(QLocale.system().territory())
    return code if code in phonenumbers.SUPPORTED_REGIONS else "US"
