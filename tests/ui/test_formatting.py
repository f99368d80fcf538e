"""How dates and names read in the window, per the user's preferences: relative when near,
the chosen format otherwise, and names in the chosen order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from app.domain.contact import Contact, Email
from ui.settings.formatting import (
    DateFormat,
    DateStyle,
    NameOrder,
    contact_name,
    example,
    format_date,
    format_datetime,
    person_name,
    relative_date,
    relative_datetime,
    render,
    style_of,
    system_style,
)

NOW = datetime(2026, 12, 1, 15, 5)
TODAY = NOW.date()


@pytest.mark.parametrize(("fmt", "shown"), [
    (DateFormat.ISO, "2026-12-01"),
    (DateFormat.DAY_MONTH_YEAR, "01/12/2026"),
    (DateFormat.MONTH_DAY_YEAR, "12/01/2026"),
    (DateFormat.LONG, "1 Dec 2026"),
])
def test_each_format_writes_the_first_of_december_as_its_name_says(fmt, shown):
    assert format_date(TODAY, style_of(fmt)) == shown


def test_system_is_whatever_the_locale_patterns_say():
    us = system_style("M/d/yy", "h:mm AP")
    german = system_style("dd.MM.yy", "HH:mm")
    assert style_of(DateFormat.SYSTEM, us) is us
    assert format_date(TODAY, us) == "12/1/26"
    assert format_date(TODAY, german) == "01.12.26"
    # Near dates keep the locale's order of day and month.
    assert relative_date(date(2026, 11, 28), us, TODAY) == "Nov 28"
    assert relative_date(date(2026, 11, 28), german, TODAY) == "28 Nov"
    assert relative_datetime(NOW.replace(hour=9, minute=7), us, NOW) == "Today 9:07 AM"
    assert relative_datetime(NOW.replace(hour=21, minute=7), german, NOW) == "Today 21:07"


def test_relative_dates_near_today_and_whole_dates_far_from_it():
    style = style_of(DateFormat.ISO)
    assert relative_date(TODAY, style, TODAY) == "Today"
    assert relative_date(TODAY - timedelta(days=1), style, TODAY) == "Yesterday"
    assert relative_date(TODAY + timedelta(days=1), style, TODAY) == "Tomorrow"
    assert relative_date(date(2026, 11, 28), style, TODAY) == "28 Nov"
    assert relative_date(date(2027, 3, 2), style, TODAY) == "2 Mar"  # three months ahead
    # Half a year away and more, day and month alone would be ambiguous: the year is shown.
    assert relative_date(date(2026, 5, 1), style, TODAY) == "2026-05-01"
    assert relative_date(date(2025, 11, 28), style, TODAY) == "2025-11-28"


def test_relative_times_show_the_hour_today_and_tomorrow_only():
    style = style_of(DateFormat.LONG)
    assert relative_datetime(NOW.replace(hour=10, minute=40), style, NOW) == "Today 10:40"
    assert relative_datetime(NOW + timedelta(days=1), style, NOW) == "Tomorrow 15:05"
    assert relative_datetime(NOW - timedelta(days=1), style, NOW) == "Yesterday"
    assert relative_datetime(datetime(2026, 11, 28, 9, 0), style, NOW) == "28 Nov"
    assert relative_datetime(datetime(2024, 2, 29, 9, 0), style, NOW) == "29 Feb 2024"


def test_a_stored_utc_time_is_shown_on_the_local_clock():
    tokyo = timezone(timedelta(hours=9))
    now = datetime(2026, 12, 1, 8, 0, tzinfo=tokyo)
    # 23:30 UTC on 30 November is 08:30 on 1 December in Tokyo: today there, not yesterday.
    when = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    assert relative_datetime(when, style_of(DateFormat.ISO), now) == "Today 08:30"


def test_month_first_uses_the_twelve_hour_clock_and_whole_datetimes_have_both_parts():
    style = style_of(DateFormat.MONTH_DAY_YEAR)
    assert relative_datetime(NOW.replace(hour=0, minute=5), style, NOW) == "Today 12:05 AM"
    assert format_datetime(datetime(2025, 7, 4, 13, 30), style) == "07/04/2025 1:30 PM"


def test_patterns_keep_quoted_text_and_punctuation():
    assert render("'week of' d MMMM yyyy", TODAY) == "week of 1 December 2026"
    assert render("dddd, d.M.yy", TODAY) == "Tuesday, 1.12.26"
    assert render("HH:mm:ss ap", datetime(2026, 1, 1, 7, 3, 9)) == "07:03:09 am"


def test_the_settings_example_shows_near_and_far_dates():
    shown = example(style_of(DateFormat.DAY_MONTH_YEAR), NOW)
    assert shown == "Today 10:40 · Yesterday · 19 Nov · 27/10/2025"


def test_names_in_either_order():
    assert person_name("Ada", "Lovelace", NameOrder.GIVEN_FIRST) == "Ada Lovelace"
    assert person_name("Ada", "Lovelace", NameOrder.FAMILY_FIRST) == "Lovelace, Ada"
    assert person_name("Ada", "Lovelace", "family, given", prefix="Dr.", middle="B.",
                       suffix="Jr.") == "Lovelace, Ada B., Jr."
    assert person_name("Ada", "Lovelace", "given family", prefix="Dr.", middle="B.",
                       suffix="Jr.") == "Dr. Ada B. Lovelace Jr."


def test_names_with_one_part_or_none():
    assert person_name("", "Lovelace", NameOrder.FAMILY_FIRST) == "Lovelace"
    assert person_name("Ada", "", NameOrder.FAMILY_FIRST) == "Ada"
    assert person_name("", "", NameOrder.FAMILY_FIRST, nickname="Countess") == "Countess"
    assert person_name("", "", NameOrder.FAMILY_FIRST, email="ada@example.com") \
        == "ada@example.com"


def test_east_asian_names_are_written_family_first_without_a_comma():
    for order in NameOrder:
        assert person_name("さくら", "渡辺", order) == "渡辺 さくら"


def test_a_contact_by_name_order():
    ada = Contact(given="Ada", family="Lovelace", emails=[Email("ada@example.com")])
    assert contact_name(ada, NameOrder.FAMILY_FIRST) == "Lovelace, Ada"
    assert contact_name(Contact(emails=[Email("x@example.com")]), NameOrder.FAMILY_FIRST) \
        == "x@example.com"


def test_unknown_formats_are_refused():
    with pytest.raises(ValueError):
        style_of("yesterday-ish")
    assert isinstance(style_of("iso"), DateStyle)
