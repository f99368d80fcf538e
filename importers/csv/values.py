"""What a CSV cell means: header names compared loosely, dates in the many ways address
books write them, detail labels, names split from one "full name" cell, and the guard
against spreadsheet formulas that the writer adds and the Rolodeck layout's reader removes."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from app.domain.dates import PartialDate
from app.domain.errors import ValidationError

# --- header names -----------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def norm(header: str) -> str:
    """A header cell as compared: no BOM, case folded, inner whitespace collapsed."""
    return _SPACES.sub(" ", header.replace("\ufeff", "")).strip().casefold()


_SLUG_JUNK = re.compile(r"[^A-Z0-9]+")


def raw_name(header: str, column: int) -> str:
    """The raw property name a column Rolodeck does not model is kept under: X-CSV- and the
    header in the letters a vCard property name may use (`E-mail Display Name` ->
    X-CSV-E-MAIL-DISPLAY-NAME), or the column's number when the header has none of them."""
    ascii_text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    slug = _SLUG_JUNK.sub("-", ascii_text.upper()).strip("-")
    return f"X-CSV-{slug}" if slug else f"X-CSV-COLUMN-{column + 1}"


# --- dates ------------------------------------------------------------------------------

_MONTHS = {
    # English, German, French, Spanish; long names and the abbreviations exports use.
    **dict.fromkeys(("jan", "january", "januar", "janv", "janvier", "ene", "enero"), 1),
    **dict.fromkeys(("feb", "february", "februar", "févr", "fevr", "février", "fevrier",
                     "febrero"), 2),
    **dict.fromkeys(("mar", "march", "mär", "märz", "maerz", "mars", "marzo"), 3),
    **dict.fromkeys(("apr", "april", "avr", "avril", "abr", "abril"), 4),
    **dict.fromkeys(("may", "mai", "mayo"), 5),
    **dict.fromkeys(("jun", "june", "juni", "juin", "junio"), 6),
    **dict.fromkeys(("jul", "july", "juli", "juil", "juillet", "julio"), 7),
    **dict.fromkeys(("aug", "august", "août", "aout", "ago", "agosto"), 8),
    **dict.fromkeys(("sep", "sept", "september", "septembre", "septiembre", "setiembre"), 9),
    **dict.fromkeys(("oct", "october", "okt", "oktober", "octobre", "octubre"), 10),
    **dict.fromkeys(("nov", "november", "novembre", "noviembre"), 11),
    **dict.fromkeys(("dec", "december", "dez", "dezember", "déc", "décembre", "decembre",
                     "dic", "diciembre"), 12),
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.+\-Z]*)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NO_YEAR = re.compile(r"--(\d{1,2})-?(\d{2})")
_YEAR_FIRST = re.compile(r"(\d{4})[./](\d{1,2})[./](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})([./-])(\d{1,2})(?:\2(\d{4}|\d{2}))?\.?")
_WORDS = re.compile(r"[^\W\d_]+\.?|\d+", re.UNICODE)


def parse_date(text: str, *, day_first: bool = True) -> PartialDate | None:
    """A birthday or anniversary as exports write it: `1970-11-15`, `--11-15`, `19701115`,
    `15.11.1970`, `11/15/1970` or `15/11/1970` (the order the layout uses when both numbers
    could be a month: `day_first`), `15 Nov 1970`, `Nov 15, 1970`, `15. November`. None when
    it is not a date that exists (0000-00-00, Feb 30, words)."""
    s = text.strip()
    try:
        if (len(s) == 10 and s[4] == "-" == s[7] and s[:4].isdigit() and s[5:7].isdigit()
                and s[8:].isdigit()):  # the usual: ISO
            return PartialDate(int(s[5:7]), int(s[8:]), int(s[:4]))
        if m := _ISO.fullmatch(s) or _COMPACT.fullmatch(s):
            return PartialDate(int(m[2]), int(m[3]), int(m[1]))
        if m := _NO_YEAR.fullmatch(s):
            return PartialDate(int(m[1]), int(m[2]))
        if m := _YEAR_FIRST.fullmatch(s):
            return PartialDate(int(m[2]), int(m[3]), int(m[1]))
        if m := _NUMERIC.fullmatch(s):
            return _numeric(int(m[1]), int(m[3]), m[4], dotted=m[2] == ".", day_first=day_first)
        return _worded(s)
    except ValidationError:
        return None


def _numeric(a: int, b: int, year_text: str | None, *, dotted: bool,
             day_first: bool) -> PartialDate:
    # Dots are always day.month (German, Swiss, Scandinavian); a number above 12 can only be
    # the day; otherwise the layout's own order decides.
    if dotted or a > 12:
        day, month = a, b
    elif b > 12:
        month, day = a, b
    else:
        day, month = (a, b) if day_first else (b, a)
    return PartialDate(month, day, _year(year_text) if year_text else None)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # 91 -> 1991, 05 -> 2005: a birthday is not in the future
        year += 2000 if year <= date.today().year % 100 else 1900
    if year == 0:
        raise ValidationError("year 0")
    return year


def _worded(s: str) -> PartialDate | None:
    month = day = year = None
    for token in _WORDS.findall(s.casefold()):
        word = token.rstrip(".")
        if word.isdigit():
            if len(word) == 4 and year is None:
                year = int(word)
            elif len(word) <= 2 and day is None:
                day = int(word)
            else:
                return None
        elif word in _MONTHS and month is None:
            month = _MONTHS[word]
        elif word not in ("de", "of", "the"):  # "15 de noviembre de 1970"
            return None
    if month is None or day is None:
        return None
    return PartialDate(month, day, year)


def date_parts(year: str, month: str, day: str) -> PartialDate | None:
    """Thunderbird's Birth Year / Birth Month / Birth Day columns."""
    try:
        m, d = int(month), int(day)
        y = int(year) if year.strip() else None
        return PartialDate(m, d, y if y else None)
    except (ValueError, ValidationError):
        return None


# --- labels -----------------------------------------------------------------------------

_LABELS = {
    "home": "home", "personal": "home", "private": "home", "home page": "home",
    "homepage": "home", "work": "work", "business": "work", "office": "work",
    "mobile": "mobile", "cell": "mobile", "cellular": "mobile", "main": "main",
    "other": "other", "fax": "fax", "work fax": "fax", "business fax": "fax",
    "pager": "pager", "home fax": "home fax", "other fax": "other fax", "profile": "profile",
    "blog": "blog",
}


def label_of(text: str, default: str) -> tuple[str, bool]:
    """(label, preferred) from a label cell: Google's `* Home` marks the preferred one,
    known names take Rolodeck's lower-case vocabulary, anything else is kept as written."""
    s = text.strip()
    preferred = s.startswith("*")
    s = s.lstrip("*").strip()
    if not s:
        return default, preferred
    return _LABELS.get(s.casefold(), s), preferred


# --- names ------------------------------------------------------------------------------


def split_name(full: str) -> tuple[str, str]:
    """(given, family) from one name cell: `Lovelace, Ada` or `Ada King Lovelace` (the last
    word is the family name; the rest stays the given name, so the display name is unchanged)."""
    if full.count(",") == 1:
        family, given = (p.strip() for p in full.split(","))
        if family and given and " " not in family:
            return given, family
    words = full.split()
    if len(words) < 2:
        return full.strip(), ""
    return " ".join(words[:-1]), words[-1]


# --- formula guard ----------------------------------------------------------------------

# What makes a spreadsheet read a cell as a formula (OWASP's list: = + - @, tab, CR).
_FORMULA_START = frozenset("=+-@\t\r")
# A sign then only digits, spaces and ( ) . / -: a phone number or a plain number. A
# spreadsheet can at most compute a number from it; it cannot call a function, reference a
# cell or start DDE (which all need letters, | or !), so it is written as it is and stays
# dialable.
_NUMBERISH = re.compile(r"[+-][0-9 ()./-]*[0-9][0-9 ()./-]*")


def _formula_like(value: str) -> bool:
    return (bool(value) and value[0] in _FORMULA_START
            and not (value[0] in "+-" and _NUMBERISH.fullmatch(value) is not None))


def neutralise(value: str) -> str:
    """The cell as written: one `'` before a value a spreadsheet would run as a formula, and
    before a value that already starts with quotes in front of one (so `restore` can tell
    the two apart and undo exactly what was added)."""
    if _formula_like(value) or (value.startswith("'") and _formula_like(value.lstrip("'"))):
        return "'" + value
    return value


def restore(value: str) -> str:
    """The value `neutralise` was given (used only on Rolodeck-layout files, which are known
    to have been written that way)."""
    if value.startswith("'") and _formula_like(value.lstrip("'")):
        return value[1:]
    return value
