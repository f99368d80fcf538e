"""Partial dates: birthdays with and without a year, Feb 29."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.dates import PartialDate
from app.domain.errors import ValidationError


@pytest.mark.parametrize("text, iso", [
    ("1990-04-15", "1990-04-15"), ("19900415", "1990-04-15"), ("--04-15", "--04-15"),
    ("--0415", "--04-15"), ("--02-29", "--02-29"), ("1850-01-01", "1850-01-01"),
])
def test_parse_round_trips_to_iso(text, iso):
    assert PartialDate.parse(text).iso() == iso


@pytest.mark.parametrize("text", ["1990-02-30", "2023-02-29", "--13-01", "circa 1950", ""])
def test_impossible_dates_are_refused(text):
    with pytest.raises(ValidationError):
        PartialDate.parse(text)


def test_leap_day_birthday_falls_on_feb_28_in_common_years():
    born = PartialDate(2, 29, 2000)
    assert born.next_on_or_after(date(2027, 2, 1)) == date(2027, 2, 28)
    assert born.next_on_or_after(date(2028, 2, 1)) == date(2028, 2, 29)


def test_age_only_when_the_year_is_known():
    assert PartialDate(6, 15, 1980).age_on(date(2026, 6, 14)) == 45
    assert PartialDate(6, 15, 1980).age_on(date(2026, 6, 15)) == 46
    assert PartialDate(6, 15).age_on(date(2026, 6, 15)) is None
