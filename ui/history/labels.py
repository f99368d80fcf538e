"""How the timeline says things: relative dates, kinds, outcomes and durations in words.

Plain functions over plain values (the only Qt in here is QLocale for month names), so the
model can build its rows on a read thread and the tests can pin "now" to a day's edge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDate, QLocale

from app.domain.history import HistoryKind, Outcome
from ui.settings.formatting import current_style, format_time, render

KIND_LABELS = {
    HistoryKind.CALL: "Call",
    HistoryKind.MEETING: "Meeting",
    HistoryKind.NOTE: "Note",
    HistoryKind.EMAIL: "E-mail",
    HistoryKind.TODO_DONE: "Done",
}
# The dialog's own words for what is being logged ("Log a call").
KIND_NOUNS = {
    HistoryKind.CALL: "call",
    HistoryKind.MEETING: "meeting",
    HistoryKind.NOTE: "note",
    HistoryKind.EMAIL: "e-mail",
    HistoryKind.TODO_DONE: "cleared activity",
}
OUTCOME_LABELS = {
    Outcome.COMPLETED: "Completed",
    Outcome.LEFT_MESSAGE: "Left message",
    Outcome.NO_ANSWER: "No answer",
    Outcome.ATTEMPTED: "Attempted",
    Outcome.CANCELLED: "Cancelled",
    Outcome.RESCHEDULED: "Rescheduled",
}
CHANGE_LABEL = "Change"  # the pill of a field change merged into the timeline


def local(when: datetime) -> datetime:
    """An instant in the machine's own zone (a naive one is taken as UTC, as stored)."""
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone()


def now_local() -> datetime:
    return datetime.now().astimezone()


def when_label(when: datetime, now: datetime | None = None,
               locale: QLocale | None = None) -> str:
    """"Today 10:40", "Yesterday 09:12", "28 Nov", or "28 Nov 2024" for another year, in the
    date format the user chose (ui.settings.formatting.current_style)."""
    style = current_style()
    at = local(when)
    today = local(now or now_local()).date()
    day = at.date()
    clock = format_time(at, style)
    if day == today:
        return f"Today {clock}"
    if day == today - timedelta(days=1):
        return f"Yesterday {clock}"
    if day == today + timedelta(days=1):
        return f"Tomorrow {clock}"
    return render(style.day_month if day.year == today.year else style.date, day)


def full_when(when: datetime, locale: QLocale | None = None) -> str:
    """The whole date and time, for a tooltip: "Friday 28 November 2025, 14:05"."""
    at = local(when)
    day = (locale or QLocale()).toString(QDate(at.year, at.month, at.day), "dddd d MMMM yyyy")
    return f"{day}, {at:%H:%M}"


def duration_text(minutes: int | None) -> str:
    """"45 min", "1 h", "1 h 30 min"; "" when there is none."""
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def clock_text(seconds: float) -> str:
    """A running timer: "03:07", "1:02:45" past the hour."""
    whole = max(int(seconds), 0)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def first_lines(text: str, count: int) -> tuple[tuple[str, ...], bool]:
    """The first `count` non-blank lines of `text`, and whether anything was left out."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return tuple(lines[:count]), len(lines) > count
