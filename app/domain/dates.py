"""Partial dates: birthdays and anniversaries where the year may be unknown (vCard `--MM-DD`)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from app.domain.errors import ValidationError

_FULL = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")
_NO_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date whose year may be missing. Feb 29 without a year is allowed."""

    month: int
    day: int
    year: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValidationError(f"month {self.month} is not between 1 and 12")
        # Feb 29 is valid when the year is unknown: it is someone's real birthday.
        probe_year = self.year if self.year is not None else 2000
        if not 1 <= self.day <= calendar.monthrange(probe_year, self.month)[1]:
            raise ValidationError(f"day {self.day} does not exist in month {self.month}")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Accept `YYYY-MM-DD`, `YYYYMMDD`, `--MM-DD` and `--MMDD`."""
        s = text.strip()
        if m := _FULL.match(s):
            return cls(int(m[2]), int(m[3]), int(m[1]))
        if m := _NO_YEAR.match(s):
            return cls(int(m[1]), int(m[2]))
        raise ValidationError(f"'{text}' is not a date (expected YYYY-MM-DD or --MM-DD)")

    def iso(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        return self.iso()

    def next_on_or_after(self, today: date) -> date:
        """The next anniversary of this date; Feb 29 falls on Feb 28 in common years."""
        for year in (today.year, today.year + 1):
            day = self.day
            if self.month == 2 and day == 29 and not calendar.isleap(year):
                day = 28
            candidate = date(year, self.month, day)
            if candidate >= today:
                return candidate
        raise AssertionError("unreachable: a date recurs within a year")

    def age_on(self, when: date) -> int | None:
        if self.year is None:
            return None
        had_birthday = (when.month, when.day) >= (self.month, self.day)
        return when.year - self.year - (0 if had_birthday else 1)
