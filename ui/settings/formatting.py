"""How dates and names look, per the user's preferences: pure functions of the value, the
preference and (for relative dates) the present moment, so every view shows them alike.

Near dates are relative ("Today 10:40", "Yesterday", "28 Nov"); others follow the chosen date
format. Patterns use Qt's date-format letters (d, MMM, yyyy, HH, h, mm, AP...), so the system's
own pattern (QLocale's) can be given as it is; English month names, as the rest of the window.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.domain.contact import Contact, display_name_of

# A date this many days away or nearer shows without its year: within half a year either way
# "28 Nov" can only mean one day.
NEAR_DAYS = 182

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class DateFormat(enum.StrEnum):
    SYSTEM = "system"
    ISO = "iso"  # 2026-12-01
    DAY_MONTH_YEAR = "dmy"  # 01/12/2026
    MONTH_DAY_YEAR = "mdy"  # 12/01/2026
    LONG = "long"  # 1 Dec 2026


class NameOrder(enum.StrEnum):
    GIVEN_FIRST = "given family"  # Ada Lovelace
    FAMILY_FIRST = "family, given"  # Lovelace, Ada


@dataclass(frozen=True)
class DateStyle:
    """Qt-style patterns for a whole date, a near one (no year) and a time of day."""

    date: str
    day_month: str
    time: str


_STYLES = {
    DateFormat.ISO: DateStyle("yyyy-MM-dd", "d MMM", "HH:mm"),
    DateFormat.DAY_MONTH_YEAR: DateStyle("dd/MM/yyyy", "d MMM", "HH:mm"),
    # Month first is American, and so is the 12-hour clock.
    DateFormat.MONTH_DAY_YEAR: DateStyle("MM/dd/yyyy", "MMM d", "h:mm AP"),
    DateFormat.LONG: DateStyle("d MMM yyyy", "d MMM", "HH:mm"),
}
FALLBACK = _STYLES[DateFormat.ISO]
# The style the window's lists write dates in: the user's choice once the window has set it
# (use_style), as QLocale.setDefault sets the locale for the whole process.
_current = _STYLES[DateFormat.LONG]


def use_style(style: DateStyle) -> None:
    global _current
    _current = style


def current_style() -> DateStyle:
    return _current


def system_style(date_pattern: str, time_pattern: str) -> DateStyle:
    """The style of the system's short date and time patterns (QLocale's), e.g. "M/d/yy" and
    "h:mm AP": its own whole dates, and near ones in its order of day and month."""
    month, day = date_pattern.find("M"), date_pattern.find("d")
    month_first = month != -1 and day != -1 and month < day
    clock = time_pattern.strip() or "HH:mm"
    return DateStyle(date_pattern.strip() or FALLBACK.date,
                     "MMM d" if month_first else "d MMM", clock)


def style_of(fmt: DateFormat | str, system: DateStyle = FALLBACK) -> DateStyle:
    """The patterns of a date format; "system" is `system` (see system_style)."""
    fmt = DateFormat(fmt)
    return system if fmt == DateFormat.SYSTEM else _STYLES[fmt]


# Quoted text, then Qt's letters longest first; anything else is printed as it is.
_TOKEN = re.compile(r"'[^']*'|dddd|ddd|dd|d|MMMM|MMM|MM|M|yyyy|yy|HH|H|hh|h|mm|m|ss|s"
                    r"|AP|Ap|aP|ap|A|a|t+|.", re.DOTALL)


def render(pattern: str, value: date | time | datetime) -> str:
    """`value` written out per a Qt date/time pattern ("d MMM yyyy", "h:mm AP")."""
    out = []
    for token in _TOKEN.findall(pattern):
        out.append(_field(token, value))
    return "".join(out)


def _field(token: str, v: date | time | datetime) -> str:
    if token.startswith("'"):
        return token[1:-1] if len(token) > 2 else "'"  # '' is a quote mark
    if token[0] in "dMy" and isinstance(v, date):
        return _date_field(token, v)
    if token[0] in "HhmsAat" and isinstance(v, time | datetime):
        return _time_field(token, v)
    if token[0] in "dMyHhmsAat" and token.isalpha():
        return ""  # a date letter in a time pattern, or the reverse
    return token


def _date_field(token: str, v: date) -> str:
    return {
        "d": str(v.day), "dd": f"{v.day:02d}",
        "ddd": DAYS[v.weekday()][:3], "dddd": DAYS[v.weekday()],
        "M": str(v.month), "MM": f"{v.month:02d}",
        "MMM": MONTHS[v.month - 1][:3], "MMMM": MONTHS[v.month - 1],
        "yy": f"{v.year % 100:02d}", "yyyy": f"{v.year:04d}",
    }[token]


def _time_field(token: str, v: time | datetime) -> str:
    twelve = v.hour % 12 or 12
    if token in ("AP", "Ap", "aP", "A"):
        return "AM" if v.hour < 12 else "PM"
    if token in ("ap", "a"):
        return "am" if v.hour < 12 else "pm"
    return {
        "H": str(v.hour), "HH": f"{v.hour:02d}", "h": str(twelve), "hh": f"{twelve:02d}",
        "m": str(v.minute), "mm": f"{v.minute:02d}", "s": str(v.second),
        "ss": f"{v.second:02d}",
    }.get(token, "")  # t (the time zone) is left out: every time shown is local


# --- dates ------------------------------------------------------------------------------------

def format_date(day: date, style: DateStyle) -> str:
    """The whole date in the chosen format: "2026-12-01", "1 Dec 2026"."""
    return render(style.date, day)


def format_time(moment: time | datetime, style: DateStyle) -> str:
    return render(style.time, moment)


def format_datetime(when: datetime, style: DateStyle) -> str:
    """"1 Dec 2026 10:40": the whole date and the time, for tooltips and exports."""
    return f"{format_date(when.date(), style)} {format_time(when, style)}"


def relative_date(day: date, style: DateStyle, today: date | None = None) -> str:
    """"Today", "Yesterday", "Tomorrow", "28 Nov" within half a year, else the whole date."""
    today = today or date.today()
    offset = (day - today).days
    if offset == 0:
        return "Today"
    if offset == -1:
        return "Yesterday"
    if offset == 1:
        return "Tomorrow"
    if abs(offset) <= NEAR_DAYS:
        return render(style.day_month, day)
    return format_date(day, style)


def local(when: datetime, now: datetime) -> datetime:
    """`when` on `now`'s clock: a stored UTC time shown in the local time zone."""
    if when.tzinfo is None:
        return when
    if now.tzinfo is None:
        return when.astimezone().replace(tzinfo=None)
    return when.astimezone(now.tzinfo)


def relative_datetime(when: datetime, style: DateStyle, now: datetime | None = None) -> str:
    """"Today 10:40" and "Tomorrow 09:00" (the hour matters for today's and tomorrow's
    work), "Yesterday", "28 Nov", else the whole date."""
    now = now or datetime.now().astimezone()
    when = local(when, now)
    offset = (when.date() - now.date()).days
    if offset in (0, 1):
        return f"{'Today' if offset == 0 else 'Tomorrow'} {format_time(when, style)}"
    return relative_date(when.date(), style, now.date())


def example(style: DateStyle, now: datetime) -> str:
    """What the settings dialog shows under the date format: near and far, as views will."""
    earlier = now.replace(hour=10, minute=40, second=0, microsecond=0)
    return " · ".join((
        relative_datetime(earlier, style, now),
        relative_datetime(now - timedelta(days=1), style, now),
        relative_date(now.date() - timedelta(days=12), style, now.date()),
        format_date(now.date() - timedelta(days=400), style),
    ))


# --- names ------------------------------------------------------------------------------------

def _written_family_first(given: str, family: str) -> bool:
    """Names in Chinese, Japanese or Korean script, which are written family name first (and
    without a comma) in either order: the domain's display name already does so."""
    return bool(given and family) and (
        display_name_of("", given, "", family, "") == f"{family} {given}" != f"{given} {family}")


def person_name(given: str, family: str, order: NameOrder | str, *, prefix: str = "",
                middle: str = "", suffix: str = "", nickname: str = "",
                email: str = "") -> str:
    """"Dr. Ada B. Lovelace" or "Lovelace, Ada B." (a list sorted by family name leaves the
    title out, as a filing name does); a suffix follows as "King, Martin Luther, Jr.".
    Without a name, the nickname, then the e-mail address."""
    given, family, middle = given.strip(), family.strip(), middle.strip()
    if NameOrder(order) == NameOrder.GIVEN_FIRST or not family \
            or _written_family_first(given, family):
        return display_name_of(prefix, given, middle, family, suffix, nickname, email)
    rest = " ".join(p for p in (given, middle) if p)
    name = f"{family}, {rest}" if rest else family
    suffix = suffix.strip()
    return f"{name}, {suffix}" if suffix and rest else f"{name} {suffix}" if suffix else name


def contact_name(contact: Contact, order: NameOrder | str) -> str:
    return person_name(contact.given, contact.family, order, prefix=contact.prefix,
                       middle=contact.middle, suffix=contact.suffix,
                       nickname=contact.nickname,
                       email=contact.emails[0].value if contact.emails else "")
