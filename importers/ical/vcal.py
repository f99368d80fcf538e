"""vCalendar 1.0 (.vcs), as far as it differs from iCalendar in what Rolodeck reads.

Old phones, Palm and Nokia software, KOrganizer and Outlook's "vCalendar format" write it.
The content lines are iCalendar's (with quoted-printable values, content.py decodes them);
what differs is the recurrence rule grammar (`D1 #10`, `W2 MO WE #0`, `MP3 2- FR #17`,
`MD1 1 15 1- #0`, `YM1 6 #5`, `YD1 100 #0`), the alarms (`DALARM`/`AALARM`: an absolute
run time, then snooze, repeat count and text) and the `NEEDS ACTION` status. A rule that is
none of these is reported by the caller and kept for export.
"""

from __future__ import annotations

import re

_WEEKDAYS = frozenset({"MO", "TU", "WE", "TH", "FR", "SA", "SU"})
_FREQ = {"D": "DAILY", "W": "WEEKLY", "MP": "MONTHLY", "MD": "MONTHLY", "YM": "YEARLY",
         "YD": "YEARLY"}
_HEAD = re.compile(r"(MP|MD|YM|YD|D|W)(\d+)\Z")
_ORDINAL = re.compile(r"(\d{1,3})([+-])?\$?\Z")
_END = re.compile(r"\d{8}(T\d{6}Z?)?\Z")


def rule(text: str) -> str | None:
    """A vCalendar 1.0 RRULE as an RFC 5545 one, or None if it is not one."""
    words = text.upper().split()
    if not words:
        return None
    head = _HEAD.match(words[0])
    if head is None:
        return None
    kind, interval = head.groups()
    if int(interval) < 1:
        return None
    parts = [f"FREQ={_FREQ[kind]}"]
    if interval != "1":
        parts.append(f"INTERVAL={interval}")
    body, end = words[1:], "#2"  # the grammar's default duration: two occurrences
    if body and (body[-1].startswith("#") or _END.match(body[-1])):
        end = body.pop()
    listed = _list(kind, body)
    if listed is None:
        return None
    parts += listed
    if end.startswith("#"):
        count = end[1:]
        if not (count.isascii() and count.isdigit()):
            return None
        if count != "0":  # #0: for ever
            parts.append(f"COUNT={int(count)}")
    else:
        parts.append(f"UNTIL={end}")
    return ";".join(parts)


def _list(kind: str, body: list[str]) -> list[str] | None:
    if not body:
        return []
    if kind == "W":
        if not all(w in _WEEKDAYS for w in body):
            return None
        return [f"BYDAY={','.join(body)}"]
    if kind == "MP":  # groups of ordinals, each followed by its weekdays: 1+ 2- FR 1- SU
        days: list[str] = []
        ordinals: list[str] = []
        after_days = False
        for word in body:
            if word in _WEEKDAYS:
                if not ordinals:
                    return None
                days += [f"{o}{word}" for o in ordinals]
                after_days = True
                continue
            found = _ORDINAL.match(word)
            if found is None:
                return None
            if after_days:
                ordinals, after_days = [], False
            number, sign = found.groups()
            ordinals.append(f"-{int(number)}" if sign == "-" else str(int(number)))
        return [f"BYDAY={','.join(days)}"] if days else None
    numbers = []
    for word in body:
        found = _ORDINAL.match(word)
        if found is None or word.endswith("$"):
            return None
        number, sign = found.groups()
        numbers.append(f"-{int(number)}" if sign == "-" else str(int(number)))
    key = {"D": None, "MD": "BYMONTHDAY", "YM": "BYMONTH", "YD": "BYYEARDAY"}[kind]
    if key is None:
        return None
    return [f"{key}={','.join(numbers)}"]


def alarm_time(value: str) -> str:
    """The run time of a DALARM/AALARM value (`19960415T235000;PT5M;2;text`)."""
    return value.split(";", 1)[0].strip()


def status(value: str) -> str:
    """vCalendar's `NEEDS ACTION` as iCalendar's `NEEDS-ACTION`; other values as they are."""
    return value.strip().upper().replace(" ", "-")
