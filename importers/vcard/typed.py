"""Values with a type of their own: BDAY/ANNIVERSARY dates (a year or not), REV timestamps,
and photos (base64, data: URIs, a bare base64 blob, or a URI that is kept as it is)."""

from __future__ import annotations

import re
import urllib.parse
from datetime import UTC, datetime, timedelta, timezone

from app.domain.dates import PartialDate
from app.domain.errors import ValidationError
from importers.vcard import vocabulary as vocab
from importers.vcard.values import base64_bytes, unescape_uri

_DATE = re.compile(r"(\d{4})-?(\d\d)-?(\d\d)(?:T[\d:.,+Z-]*)?\Z")
_NO_YEAR = re.compile(r"--(\d\d)-?(\d\d)(?:T[\d:.,+Z-]*)?\Z")
_LOOKS_LIKE_DATE = re.compile(r"[\d-]{4,}(?:T\S*)?\Z")
_STAMP = re.compile(r"(\d{4})-?(\d\d)-?(\d\d)(?:T(\d\d):?(\d\d)(?::?(\d\d))?(?:[.,]\d+)?"
                    r"(Z|[+-]\d\d(?::?\d\d)?)?)?\Z")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_PHOTO_TYPES = {"jpeg": "image/jpeg", "jpg": "image/jpeg", "png": "image/png",
                "gif": "image/gif", "bmp": "image/bmp", "webp": "image/webp",
                "tiff": "image/tiff", "heic": "image/heic", "svg+xml": "image/svg+xml"}


def partial_date(text: str, omit_year: str | None) -> PartialDate | None:
    """A BDAY/ANNIVERSARY as a date (a time of day dropped): `YYYY-MM-DD`, `YYYYMMDD`,
    `--MMDD`, `--MM-DD`; the year 1604 (Apple's, with or without X-APPLE-OMIT-YEAR) or the
    one X-APPLE-OMIT-YEAR names is no year. None when it is not written as a date at all
    ("circa 1800"); ValidationError when it is written as one that does not exist."""
    found = _DATE.match(text)
    if found:
        year, month, day = int(found[1]), int(found[2]), int(found[3])
        if year == vocab.OMIT_YEAR or (omit_year and omit_year.strip() == found[1]):
            return PartialDate(month, day)
        if year < 1:
            raise ValidationError(f"there is no year {year}")
        return PartialDate(month, day, year)
    found = _NO_YEAR.match(text)
    if found:
        return PartialDate(int(found[1]), int(found[2]))
    if _LOOKS_LIKE_DATE.match(text):
        raise ValidationError("expected YYYY-MM-DD or --MM-DD")
    return None


def timestamp(text: str) -> datetime | None:
    """REV in UTC (`20081031T065854Z`, `2012-03-05T13:32:54Z`, a date, an offset), or None."""
    found = _STAMP.match(text)
    if found is None:
        return None
    year, month, day, hour, minute, second, zone = found.groups()
    try:
        when = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                        int(second or 0), tzinfo=UTC)
        if zone and zone != "Z":
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
            when = when.replace(tzinfo=timezone(sign * offset)).astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return when


class NotBase64(ValueError):
    pass


def photo(value: str, encoding: str, value_type: str | None,
          type_param: str | None) -> tuple[bytes, str] | None:
    """(image, media type) of a PHOTO value; None when the value names a photo elsewhere
    (a URL, a message part) and is to be kept as it is; NotBase64 when it is not valid."""
    value = unescape_uri(value.strip())
    mime = ""
    if value[:5].lower() == "data:":
        header, comma, payload = value[5:].partition(",")
        mime = header.partition(";")[0].strip().lower()
        data = (base64_bytes(payload) if ";base64" in header.lower()
                else urllib.parse.unquote_to_bytes(payload)) if comma else None
    elif encoding in ("B", "BASE64"):
        data = base64_bytes(value)
    elif (value_type or "").lower() == "uri" or _URI.match(value):
        return None
    else:  # bare base64, as Thunderbird writes 3.0 photos
        data = base64_bytes(value)
    if data is None:
        raise NotBase64(value[:20])
    mime = mime or _photo_type(type_param) or next(
        (m for magic, m in vocab.PHOTO_MAGIC if data.startswith(magic)), "")
    return data, mime


def _photo_type(value: str | None) -> str:
    """A 3.0 TYPE (`JPEG`, `image/png`) as a media type; "" when it is not one (`WORK`)."""
    if not value:
        return ""
    value = value.strip().lower()
    if "/" in value:
        return value
    return _PHOTO_TYPES.get(value, "")
